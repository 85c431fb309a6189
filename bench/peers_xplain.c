/*
 * xplain's side of bench/peers.sh: one measure on one model, timed, with
 * every value written out so bench/peers.py can compare it with the peers'.
 *
 *   peers_xplain MEASURE MODEL ROWS.csv [--bg BG.csv] [--rows N]
 *                [--repeat N] [--threads N] [--out FILE]
 *
 * MEASURE is one of
 *   contribs        path-dependent TreeSHAP (xpl_tree_shap_explain, no
 *                   background); per row and output M values, then the
 *                   base value (XGBoost's pred_contribs layout)
 *   interactions    xpl_tree_shap_interactions; per row and output an
 *                   (M+1) x (M+1) matrix (XGBoost's pred_interactions)
 *   interventional  xpl_tree_shap_explain with the first rows of BG.csv as
 *                   background (all of them unless --bg-rows N); layout as
 *                   contribs
 *   predict         xpl_model_predict, raw margins; per row n_outputs
 *
 * The rows are the first N of ROWS.csv (columns = the model's features).
 * One repetition computes all of them: with --threads 1 (default) the
 * calling thread goes through the rows and the time is the process's CPU
 * time (on a shared machine it leaves out the time other jobs hold the
 * core); with --threads T > 1 the rows are cut into T contiguous blocks,
 * one thread and one workspace each, and the time is wall-clock. One
 * untimed warm-up, then --repeat repetitions (default 3).
 *
 * Output: a line
 *   result measure=... rows=... threads=... build_s=... best_s=...
 *          median_s=... times=t1,t2,...
 * on standard output, and with --out the values of the last repetition as
 * little-endian float64, row-major. Exit status 0, 1 on a usage or load
 * error, 2 if a call failed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xplain/xplain.h>

#include "bench_util.h"

enum measure { CONTRIBS, INTERACTIONS, INTERVENTIONAL, PREDICT };

static void usage(FILE *f)
{
    fprintf(f, "usage: peers_xplain contribs|interactions|interventional|"
            "predict MODEL ROWS.csv\n       [--bg BG.csv] [--bg-rows N] "
            "[--rows N] [--repeat N] [--threads N] [--out FILE]\n");
}

/* What every thread needs; each works on rows [first, first + n). */
typedef struct job {
    enum measure measure;
    const xpl_model *model;
    const xpl_tree_shap *ts;
    const double *x;
    size_t m, k, width; /* features, outputs, values per row */
    size_t first, n;
    double *out;        /* all rows: n_rows * width */
    int failed;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    xpl_workspace *ws = NULL;
    double *phi = NULL;
    if (xpl_workspace_new(&ws) != XPL_OK) {
        j->failed = 1;
        return NULL;
    }
    if (j->measure == PREDICT) {
        if (xpl_model_predict(j->model, ws, j->x + j->first * j->m, j->n,
                              XPL_OUTPUT_RAW, j->out + j->first * j->width)
            != XPL_OK)
            j->failed = 1;
        xpl_workspace_free(ws);
        return NULL;
    }
    const double *base = xpl_tree_shap_base_values(j->ts);
    phi = malloc(j->k * j->m * sizeof *phi);
    if (!phi) {
        j->failed = 1;
        xpl_workspace_free(ws);
        return NULL;
    }
    for (size_t r = j->first; r < j->first + j->n; r++) {
        const double *x = j->x + r * j->m;
        double *o = j->out + r * j->width;
        if (j->measure == INTERACTIONS) {
            if (xpl_tree_shap_interactions(j->ts, ws, x, o, NULL) != XPL_OK) {
                j->failed = 1;
                break;
            }
            continue;
        }
        if (xpl_tree_shap_explain(j->ts, ws, x, phi, NULL) != XPL_OK) {
            j->failed = 1;
            break;
        }
        for (size_t c = 0; c < j->k; c++) {
            memcpy(o + c * (j->m + 1), phi + c * j->m, j->m * sizeof *o);
            o[c * (j->m + 1) + j->m] = base[c];
        }
    }
    free(phi);
    xpl_workspace_free(ws);
    return NULL;
}

/* One repetition over all rows with n_threads threads; 0 on success. */
static int run_all(job *proto, size_t n_rows, size_t n_threads)
{
    job jobs[64];
    pthread_t tid[64];
    size_t per = n_rows / n_threads, extra = n_rows % n_threads, first = 0;
    for (size_t t = 0; t < n_threads; t++) {
        jobs[t] = *proto;
        jobs[t].first = first;
        jobs[t].n = per + (t < extra);
        first += jobs[t].n;
    }
    if (n_threads == 1) {
        run_job(&jobs[0]);
        return jobs[0].failed;
    }
    size_t started = 0;
    for (; started < n_threads; started++)
        if (pthread_create(&tid[started], NULL, run_job, &jobs[started]))
            break;
    int failed = started < n_threads;
    for (size_t t = 0; t < started; t++) {
        pthread_join(tid[t], NULL);
        failed |= jobs[t].failed;
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        usage(stderr);
        return 1;
    }
    enum measure measure;
    if (!strcmp(argv[1], "contribs"))
        measure = CONTRIBS;
    else if (!strcmp(argv[1], "interactions"))
        measure = INTERACTIONS;
    else if (!strcmp(argv[1], "interventional"))
        measure = INTERVENTIONAL;
    else if (!strcmp(argv[1], "predict"))
        measure = PREDICT;
    else {
        usage(stderr);
        return 1;
    }
    const char *model_path = argv[2], *rows_path = argv[3];
    const char *bg_path = NULL, *out_path = NULL;
    size_t max_rows = SIZE_MAX, bg_rows = SIZE_MAX, repeat = 3, threads = 1;
    for (int i = 4; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) {
            usage(stderr);
            return 1;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--bg"))
            bg_path = v;
        else if (!strcmp(a, "--out"))
            out_path = v;
        else if (!strcmp(a, "--rows")) {
            if (bench_parse_size("peers_xplain", v, a, &max_rows))
                return 1;
        } else if (!strcmp(a, "--bg-rows")) {
            if (bench_parse_size("peers_xplain", v, a, &bg_rows))
                return 1;
        } else if (!strcmp(a, "--repeat")) {
            if (bench_parse_size("peers_xplain", v, a, &repeat))
                return 1;
        } else if (!strcmp(a, "--threads")) {
            if (bench_parse_size("peers_xplain", v, a, &threads) || threads > 64) {
                fprintf(stderr, "peers_xplain: --threads: 1 to 64\n");
                return 1;
            }
        } else {
            usage(stderr);
            return 1;
        }
    }
    if (measure == INTERVENTIONAL && !bg_path) {
        fprintf(stderr, "peers_xplain: interventional needs --bg\n");
        return 1;
    }

    int status = 1;
    xpl_model *model = NULL;
    xpl_dataset *ds = NULL, *bg_all = NULL, *bg = NULL;
    xpl_tree_shap *ts = NULL;
    double *out = NULL, *times = NULL;

    if (xpl_model_load(&model, model_path) != XPL_OK) {
        fprintf(stderr, "peers_xplain: %s\n", xpl_last_error());
        goto done;
    }
    /* The grid's files hold the model's features in its order, named as
     * bench/make_grid.py names them (LightGBM calls them Column_j): taken
     * by position. */
    if (xpl_dataset_read_csv(&ds, rows_path, NULL) != XPL_OK ||
        (bg_path && xpl_dataset_read_csv(&bg_all, bg_path, NULL) != XPL_OK)) {
        fprintf(stderr, "peers_xplain: %s\n", xpl_last_error());
        goto done;
    }
    size_t m = xpl_model_n_features(model), k = xpl_model_n_outputs(model);
    if (xpl_dataset_n_cols(ds) != m ||
        (bg_all && xpl_dataset_n_cols(bg_all) != m)) {
        fprintf(stderr, "peers_xplain: the rows have %zu columns, the model "
                "%zu features\n", xpl_dataset_n_cols(ds), m);
        goto done;
    }
    size_t n_rows = xpl_dataset_n_rows(ds);
    if (max_rows < n_rows)
        n_rows = max_rows;
    if (n_rows == 0) {
        fprintf(stderr, "peers_xplain: %s: no rows\n", rows_path);
        goto done;
    }
    if (threads > n_rows)
        threads = n_rows;
    clockid_t clk = threads == 1 ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;

    double t0 = bench_now(clk);
    if (bg_all) {
        size_t nb = xpl_dataset_n_rows(bg_all);
        if (bg_rows < nb)
            nb = bg_rows;
        /* by position, under the model's names (as the rows) */
        if (xpl_dataset_new(&bg, nb, m, xpl_dataset_data(bg_all),
                            xpl_model_feature_names(model), NULL) != XPL_OK) {
            fprintf(stderr, "peers_xplain: %s\n", xpl_last_error());
            goto done;
        }
    }
    if (measure != PREDICT &&
        xpl_tree_shap_new(&ts, model, measure == INTERVENTIONAL ? bg : NULL)
            != XPL_OK) {
        fprintf(stderr, "peers_xplain: %s\n", xpl_last_error());
        goto done;
    }
    double build_s = bench_now(clk) - t0;

    size_t width = measure == PREDICT ? k
                   : measure == INTERACTIONS ? k * (m + 1) * (m + 1)
                                             : k * (m + 1);
    out = malloc(n_rows * width * sizeof *out);
    times = malloc(repeat * sizeof *times);
    if (!out || !times) {
        fprintf(stderr, "peers_xplain: out of memory\n");
        goto done;
    }
    job proto = { measure, model, ts, xpl_dataset_data(ds), m, k, width,
                  0, 0, out, 0 };
    status = 2;
    if (run_all(&proto, n_rows, threads)) { /* warm-up */
        fprintf(stderr, "peers_xplain: %s\n", xpl_last_error());
        goto done;
    }
    for (size_t i = 0; i < repeat; i++) {
        double s0 = bench_now(clk);
        if (run_all(&proto, n_rows, threads)) {
            fprintf(stderr, "peers_xplain: %s\n", xpl_last_error());
            goto done;
        }
        times[i] = bench_now(clk) - s0;
    }
    if (out_path) {
        FILE *f = fopen(out_path, "wb");
        if (!f || fwrite(out, sizeof *out, n_rows * width, f)
                      != n_rows * width || fclose(f)) {
            fprintf(stderr, "peers_xplain: %s: cannot write\n", out_path);
            goto done;
        }
    }
    printf("result measure=%s rows=%zu threads=%zu build_s=%.6f times=",
           argv[1], n_rows, threads, build_s);
    for (size_t i = 0; i < repeat; i++)
        printf("%s%.6f", i ? "," : "", times[i]);
    qsort(times, repeat, sizeof *times, bench_cmp_double);
    printf(" best_s=%.6f median_s=%.6f\n", times[0],
           repeat % 2 ? times[repeat / 2]
                      : 0.5 * (times[repeat / 2 - 1] + times[repeat / 2]));
    status = 0;
done:
    free(out);
    free(times);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(bg);
    xpl_dataset_free(bg_all);
    xpl_dataset_free(ds);
    xpl_model_free(model);
    return status;
}
