/*
 * Interventional TreeSHAP speed: the per-pair walk (ns per tree per
 * (row, reference) pair) and the background-aggregated tables (µs per row
 * as the background grows), one thread, next to the straightforward
 * reference walk (the per-pair algorithm as shap implements it: one
 * recursive walk per pair, every leaf crediting each feature on its path).
 *
 *   bench_tree_interventional MODEL ROWS.csv [--bg 10,100,1000]
 *                             [--rows N] [--repeat R] [--pairs P]
 *
 * The background is the first N rows of ROWS.csv (uniform weights), the
 * explained rows are the last --rows rows (200). For each N and each
 * method, one repetition explains the rows once (the per-pair methods a
 * prefix of them holding about --pairs (row, reference) pairs, default
 * 20,000, at least 3 rows); best and median of R repetitions
 * (CLOCK_MONOTONIC), methods alternating within a repetition. Building
 * the plans (tables included) is timed separately.
 *
 * Output: one line per (N, method) and, last, a machine-readable line per N
 *   result n_bg=... trees=... ref_ns=... pair_ns=... (ns per tree per pair,
 *          best) pair_us=... agg_us=... auto_us=... (µs per row, best)
 *          agg_build_ms=... table_mib=... auto_trees_aggregated=...
 *          max_diff=...
 * Exit status 3 if the methods disagree by more than 1e-9 (relative to
 * max(1, |phi|)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xplain/xplain.h>

#include "explainers/tree_shap/tree_interv.h"
#include "explainers/tree_shap/tree_shap.h"

enum { MAX_SIZES = 16, MAX_REPEAT = 1000 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct method {
    const char *name;
    int mode;             /* plan mode, or -1 for the reference walk */
    xpl__interv_plan plan;
    void *scratch;
    size_t rows;          /* rows explained per repetition */
    double t[MAX_REPEAT];
    double *phi;          /* last results, rows * n_outputs * n_features */
};

static void run(struct method *me, const xpl__ensemble *e,
                const xpl__tree_shap_plan *sp, const double *x,
                const double *bg, const double *w, size_t n_bg, size_t rep)
{
    size_t m = e->n_features, k = e->n_outputs;
    double t0 = now();
    for (size_t r = 0; r < me->rows; r++) {
        if (me->mode < 0)
            xpl__tree_shap_interventional_row(e, sp, me->scratch, x + r * m,
                                              bg, w, n_bg,
                                              me->phi + r * k * m);
        else
            xpl__interv_row(e, &me->plan, me->scratch, x + r * m,
                            me->phi + r * k * m);
    }
    me->t[rep] = (now() - t0) / (double)me->rows;
}

static int parse_sizes(const char *s, size_t *out, size_t *n)
{
    *n = 0;
    while (*s && *n < MAX_SIZES) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v == 0)
            return -1;
        out[(*n)++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return *n ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL, *rows_path = NULL;
    size_t sizes[MAX_SIZES] = { 10, 100, 1000 }, n_sizes = 3;
    size_t n_rows = 200, repeat = 7, pairs = 20000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bg") && i + 1 < argc) {
            if (parse_sizes(argv[++i], sizes, &n_sizes)) {
                fprintf(stderr, "bad --bg list\n");
                return 1;
            }
        } else if (!strcmp(argv[i], "--rows") && i + 1 < argc) {
            n_rows = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            repeat = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--pairs") && i + 1 < argc) {
            pairs = strtoul(argv[++i], NULL, 10);
        } else if (!model_path) {
            model_path = argv[i];
        } else if (!rows_path) {
            rows_path = argv[i];
        } else {
            model_path = NULL;
            break;
        }
    }
    if (!model_path || !rows_path || !n_rows || !repeat ||
        repeat > MAX_REPEAT) {
        fprintf(stderr, "usage: bench_tree_interventional MODEL ROWS.csv "
                "[--bg 10,100,1000] [--rows N] [--repeat R] [--pairs P]\n");
        return 1;
    }
    xpl_model *model;
    xpl_dataset *ds;
    if (xpl_model_load(&model, model_path)) {
        fprintf(stderr, "%s\n", xpl_last_error());
        return 1;
    }
    xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
    opts.columns = xpl_model_feature_names(model);
    opts.n_columns = xpl_model_n_features(model);
    if (xpl_dataset_read_csv(&ds, rows_path, &opts)) {
        fprintf(stderr, "%s\n", xpl_last_error());
        return 1;
    }
    const xpl__ensemble *e = xpl__trees_params(model);
    if (!e) {
        fprintf(stderr, "not a tree ensemble\n");
        return 1;
    }
    size_t m = e->n_features, k = e->n_outputs, n = xpl_dataset_n_rows(ds);
    double leaves = 0, depth_sum = 0;
    for (size_t t = 0; t < e->n_trees; t++) {
        leaves += (double)e->trees[t].n_leaves;
        depth_sum += e->trees[t].depth;
    }
    printf("model %s: %zu trees, %.1f leaves/tree, max depth %.1f (mean), "
           "%zu features, %zu outputs\n", model_path, e->n_trees,
           leaves / (double)e->n_trees, depth_sum / (double)e->n_trees, m, k);
    xpl__tree_shap_plan sp;
    if (xpl__tree_shap_plan_new(&sp, e)) {
        fprintf(stderr, "%s\n", xpl_last_error());
        return 1;
    }
    int worst_rc = 0;
    for (size_t si = 0; si < n_sizes; si++) {
        size_t n_bg = sizes[si];
        if (n_bg + n_rows > n) {
            fprintf(stderr, "%zu background + %zu rows: the file has %zu\n",
                    n_bg, n_rows, n);
            return 1;
        }
        const double *bg = xpl_dataset_data(ds);
        const double *x = bg + (n - n_rows) * m;
        double *w = malloc(n_bg * sizeof *w);
        for (size_t b = 0; b < n_bg; b++)
            w[b] = 1.0 / (double)n_bg;

        struct method me[4] = {
            { .name = "reference walk", .mode = -1 },
            { .name = "per pair", .mode = XPL__INTERV_PAIR },
            { .name = "aggregated", .mode = XPL__INTERV_AGGREGATED },
            { .name = "auto", .mode = XPL__INTERV_AUTO },
        };
        size_t pair_rows = pairs / n_bg;
        if (pair_rows < 3)
            pair_rows = 3;
        if (pair_rows > n_rows)
            pair_rows = n_rows;
        double build_ms[4] = { 0 };
        for (int i = 0; i < 4; i++) {
            size_t bytes;
            if (me[i].mode < 0) {
                bytes = xpl__tree_shap_interventional_scratch(e, &sp);
            } else {
                double t0 = now();
                if (xpl__interv_plan_new(&me[i].plan, e, bg, w, n_bg,
                                         me[i].mode)) {
                    fprintf(stderr, "%s\n", xpl_last_error());
                    return 1;
                }
                build_ms[i] = (now() - t0) * 1e3;
                bytes = xpl__interv_scratch(e, &me[i].plan);
            }
            me[i].scratch = malloc(bytes);
            me[i].rows = i < 2 ? pair_rows : n_rows;
            me[i].phi = malloc(n_rows * k * m * sizeof(double));
        }
        /* One untimed warm-up, then alternate. */
        for (int i = 0; i < 4; i++)
            run(&me[i], e, &sp, x, bg, w, n_bg, 0);
        for (size_t rep = 0; rep < repeat; rep++)
            for (int j = 0; j < 4; j++) {
                int i = (int)((rep + (size_t)j) % 4);
                run(&me[i], e, &sp, x, bg, w, n_bg, rep);
            }
        double best[4], med[4];
        for (int i = 0; i < 4; i++) {
            qsort(me[i].t, repeat, sizeof(double), cmp_double);
            best[i] = me[i].t[0];
            med[i] = me[i].t[repeat / 2];
        }
        /* Agreement: every method against the reference walk on the rows
         * they share, and the aggregated modes on all rows against each
         * other. */
        double diff = 0;
        for (int i = 1; i < 4; i++)
            for (size_t q = 0; q < pair_rows * k * m; q++) {
                double a = me[i].phi[q], b = me[0].phi[q];
                double d = fabs(a - b) / fmax(1, fabs(b));
                if (!(d <= diff))
                    diff = d;
            }
        for (size_t q = 0; q < n_rows * k * m; q++) {
            double a = me[3].phi[q], b = me[2].phi[q];
            double d = fabs(a - b) / fmax(1, fabs(b));
            if (!(d <= diff))
                diff = d;
        }
        double per_pair = (double)e->n_trees * (double)n_bg;
        printf("N=%zu background rows\n", n_bg);
        for (int i = 0; i < 4; i++)
            printf("  %-15s %9.2f / %9.2f us/row (best / median)  "
                   "%7.2f ns per tree per pair  rows %zu  build %.1f ms%s\n",
                   me[i].name, best[i] * 1e6, med[i] * 1e6,
                   best[i] * 1e9 / per_pair, me[i].rows, build_ms[i],
                   i == 3 ? "" : "");
        size_t adds = 0, n_blk = me[2].plan.first_block[e->n_trees];
        for (size_t b = 0; b < n_blk; b++)
            adds += me[2].plan.blocks[b].d;
        double visits = 0;
        unsigned char *side = calloc(m, 1);
        double *xr = malloc(m * sizeof *xr);
        for (size_t r = 0; r < pair_rows; r++) {
            for (size_t j = 0; j < m; j++)
                xr[j] = e->float32_inputs ? (double)(float)x[r * m + j]
                                          : x[r * m + j];
            for (size_t b = 0; b < n_bg; b++)
                for (size_t t = 0; t < e->n_trees; t++)
                    visits += (double)xpl__interv_pair_visits(
                        e, t, xr, me[1].plan.bg + b * m, side);
        }
        free(xr);
        free(side);
        printf("  per tree: %.1f blocks, %.1f table entries added per row; "
               "%.1f nodes visited per pair walk\n",
               (double)n_blk / (double)e->n_trees,
               (double)adds / (double)e->n_trees,
               visits / ((double)pair_rows * (double)n_bg
                         * (double)e->n_trees));
        printf("  tables: %.1f MiB (aggregated), auto aggregates %zu of %zu "
               "trees (%.1f MiB); max relative difference %.3g\n",
               (double)me[2].plan.table_bytes / 1048576.0,
               me[3].plan.n_aggregated, e->n_trees,
               (double)me[3].plan.table_bytes / 1048576.0, diff);
        printf("  auto plan: tables of at most %zu index bits; %.1f sparse "
               "leaves per aggregated tree, %.1f pattern-list entries per "
               "sparse leaf (%.1f MiB)\n", me[3].plan.table_bits,
               (double)me[3].plan.n_sleaves
                   / (double)(me[3].plan.n_aggregated
                                  ? me[3].plan.n_aggregated : 1),
               (double)me[3].plan.n_entries
                   / (double)(me[3].plan.n_sleaves ? me[3].plan.n_sleaves
                                                   : 1),
               (double)me[3].plan.sparse_bytes / 1048576.0);
        printf("result n_bg=%zu trees=%zu ref_ns=%.3f pair_ns=%.3f "
               "ref_median_ns=%.3f pair_median_ns=%.3f pair_us=%.3f "
               "agg_us=%.3f agg_median_us=%.3f auto_us=%.3f "
               "auto_median_us=%.3f agg_build_ms=%.1f table_mib=%.2f "
               "auto_trees_aggregated=%zu auto_table_bits=%zu "
               "auto_sparse_leaves=%zu auto_sparse_mib=%.2f "
               "max_diff=%.3g\n", n_bg,
               e->n_trees, best[0] * 1e9 / per_pair,
               best[1] * 1e9 / per_pair, med[0] * 1e9 / per_pair,
               med[1] * 1e9 / per_pair, best[1] * 1e6, best[2] * 1e6,
               med[2] * 1e6, best[3] * 1e6, med[3] * 1e6, build_ms[2],
               (double)me[2].plan.table_bytes / 1048576.0,
               me[3].plan.n_aggregated, me[3].plan.table_bits,
               me[3].plan.n_sleaves,
               (double)me[3].plan.sparse_bytes / 1048576.0, diff);
        fflush(stdout);
        if (diff > 1e-9)
            worst_rc = 3;
        for (int i = 0; i < 4; i++) {
            free(me[i].scratch);
            free(me[i].phi);
            if (me[i].mode >= 0)
                xpl__interv_plan_free(&me[i].plan);
        }
        free(w);
    }
    xpl__tree_shap_plan_free(&sp);
    xpl_dataset_free(ds);
    xpl_model_free(model);
    return worst_rc;
}
