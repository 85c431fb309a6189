/*
 * Batch prediction speed: xplain against XGBoost's own C API, one thread,
 * same model file, same rows.
 *
 *   bench_predict MODEL.json ROWS.csv [--repeat N] [--rows N]
 *                 [--engine both|xplain|xgboost]
 *
 * MODEL.json is an XGBoost JSON model (Booster.save_model("m.json")); ROWS.csv
 * has a header naming the model's features (extra columns are ignored).
 *
 * Each engine predicts all rows in one call per repetition, raw margins, after
 * one untimed warm-up call. Repetitions alternate between the engines (xplain
 * first on even ones, XGBoost first on odd ones) so that a slow spell of a
 * shared machine hits both alike; the best and the median of N repetitions
 * are reported (CLOCK_MONOTONIC). What is timed:
 *  - xplain: xpl_model_predict(XPL_OUTPUT_RAW) on the double rows with one
 *    reused workspace. Its per-call work (rounding inputs to float32, as
 *    XGBoost compares float32) is inside the timing.
 *  - XGBoost (built with HAVE_XGBOOST): XGBoosterPredictFromDense ("inplace
 *    predict", margin) on a float32 copy of the rows made once, untimed,
 *    with nthread=1.
 * Both results are then compared: max |a - b| / max(1, |b|) over all margins.
 *
 * The last line of output is a machine-readable summary for bench/run.sh:
 *   result model=... rows=... xplain_us=... xgboost_us=... (best, µs/row)
 *          xplain_median_us=... xgboost_median_us=... ratio=... (best)
 *          ratio_median=... max_rel_diff=... peak_rss_mib=...
 * (nan where an engine was not run).
 * Exit status: 0; 1 on a usage or load error; 3 if the margins disagree by
 * more than 1e-4 (relative).
 */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xplain/xplain.h>

#include "bench_util.h"

#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#ifdef HAVE_XGBOOST
#include <xgboost/c_api.h>
#endif

/* Margins further apart than this (relative) are reported as a mismatch. */
#define MISMATCH_TOLERANCE 1e-4

enum engine { ENGINE_BOTH, ENGINE_XPLAIN, ENGINE_XGBOOST };

typedef struct timing {
    double best_s;
    double median_s;
} timing;

static timing summarise(double *t, size_t n)
{
    qsort(t, n, sizeof *t, bench_cmp_double);
    timing s = { t[0], n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]) };
    return s;
}

/* Peak resident set size of the process so far, in MiB. */
static double peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return NAN;
    return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

/* Give freed heap memory back to the system (glibc), so that the resident
 * size after a load counts what the model keeps, not the parser's garbage. */
static void trim_heap(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* Current resident set size in MiB (Linux /proc), or NaN elsewhere. */
static double current_rss_mib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return NAN;
    unsigned long size = 0, resident = 0;
    int ok = fscanf(f, "%lu %lu", &size, &resident) == 2;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    if (!ok || page <= 0)
        return NAN;
    return (double)resident * (double)page / (1024.0 * 1024.0);
}

static void print_timing(const char *engine, timing t, size_t n_rows)
{
    double rows = (double)n_rows;
    printf("%-8s best %9.3f ms  median %9.3f ms  |  best %9.1f ns/row "
           "(%8.3f us/row)  median %9.1f ns/row (%8.3f us/row)\n",
           engine, t.best_s * 1e3, t.median_s * 1e3, t.best_s / rows * 1e9,
           t.best_s / rows * 1e6, t.median_s / rows * 1e9,
           t.median_s / rows * 1e6);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_predict MODEL.json ROWS.csv [--repeat N] "
            "[--rows N] [--engine both|xplain|xgboost]\n");
}

/* ------------------------------------------------------------------ xplain */

typedef struct xpl_side {
    const xpl_model *m;
    xpl_workspace *ws;
    const double *x;
    size_t n_rows;
    double *out;
} xpl_side;

static int xpl_run(xpl_side *s)
{
    int rc = xpl_model_predict(s->m, s->ws, s->x, s->n_rows, XPL_OUTPUT_RAW,
                               s->out);
    if (rc != XPL_OK)
        fprintf(stderr, "bench_predict: xplain: %s\n", xpl_last_error());
    return rc;
}

/* ----------------------------------------------------------------- XGBoost */

#ifdef HAVE_XGBOOST
typedef struct xgb_side {
    BoosterHandle booster;
    float *xf;              /* float32 copy of the rows */
    char array[256];        /* __array_interface__ of xf */
    size_t n_values;        /* n_rows * n_outputs expected back */
    float const *result;    /* owned by the booster, valid until next call */
} xgb_side;

#define XGB_CHECK(call)                                                      \
    do {                                                                     \
        if ((call) != 0) {                                                   \
            fprintf(stderr, "bench_predict: XGBoost: %s: %s\n", #call,       \
                    XGBGetLastError());                                      \
            return -1;                                                       \
        }                                                                    \
    } while (0)

/* type 1: margins. iteration_end 0: all trees. missing NaN, as xplain. */
static const char xgb_config[] =
    "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
    "\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, "
    "\"cache_id\": 0}";

static int xgb_run(xgb_side *s)
{
    bst_ulong const *shape = NULL;
    bst_ulong dim = 0;
    XGB_CHECK(XGBoosterPredictFromDense(s->booster, s->array, xgb_config,
                                        NULL, &shape, &dim, &s->result));
    size_t total = 1;
    for (bst_ulong d = 0; d < dim; d++)
        total *= (size_t)shape[d];
    if (total != s->n_values) {
        fprintf(stderr, "bench_predict: XGBoost returned %zu values, expected "
                "%zu\n", total, s->n_values);
        return -1;
    }
    return 0;
}

/* Load `path` with one thread and prepare the float32 rows. */
static int xgb_setup(xgb_side *s, const char *path, const double *x,
                     size_t n_rows, size_t n_cols, size_t n_outputs,
                     double *load_s, double *rss_peak, double *rss_kept)
{
    s->n_values = n_rows * n_outputs;
    s->xf = malloc(n_rows * n_cols * sizeof *s->xf);
    if (!s->xf) {
        fprintf(stderr, "bench_predict: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < n_rows * n_cols; i++)
        s->xf[i] = (float)x[i];

    trim_heap(); /* CSV parsing garbage must not count for XGBoost */
    double rss0 = current_rss_mib();
    double t0 = bench_now(CLOCK_MONOTONIC);
    XGB_CHECK(XGBoosterCreate(NULL, 0, &s->booster));
    XGB_CHECK(XGBoosterLoadModel(s->booster, path));
    XGB_CHECK(XGBoosterSetParam(s->booster, "nthread", "1"));
    *load_s = bench_now(CLOCK_MONOTONIC) - t0;
    *rss_peak = current_rss_mib() - rss0;
    trim_heap();
    *rss_kept = current_rss_mib() - rss0;

    bst_ulong n_feat = 0;
    XGB_CHECK(XGBoosterGetNumFeature(s->booster, &n_feat));
    if ((size_t)n_feat != n_cols) {
        fprintf(stderr, "bench_predict: XGBoost sees %lu features, xplain "
                "%zu\n", (unsigned long)n_feat, n_cols);
        return -1;
    }
    /* __array_interface__ (version 3) of the float32 rows, as the Python
     * package passes it to inplace_predict. */
    snprintf(s->array, sizeof s->array,
             "{\"data\": [%ju, true], \"shape\": [%zu, %zu], "
             "\"strides\": null, \"typestr\": \"<f4\", \"version\": 3}",
             (uintmax_t)(uintptr_t)s->xf, n_rows, n_cols);
    return 0;
}

static void xgb_free(xgb_side *s)
{
    if (s->booster)
        XGBoosterFree(s->booster);
    free(s->xf);
}
#endif

/* -------------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    const char *model_path = NULL, *rows_path = NULL;
    size_t repeat = 10, max_rows = 0;
    enum engine engine = ENGINE_BOTH;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            if (bench_parse_size("bench_predict", argv[++i], "--repeat", &repeat))
                return 1;
        } else if (!strcmp(argv[i], "--rows") && i + 1 < argc) {
            if (bench_parse_size("bench_predict", argv[++i], "--rows", &max_rows))
                return 1;
        } else if (!strcmp(argv[i], "--engine") && i + 1 < argc) {
            const char *e = argv[++i];
            if (!strcmp(e, "both"))
                engine = ENGINE_BOTH;
            else if (!strcmp(e, "xplain"))
                engine = ENGINE_XPLAIN;
            else if (!strcmp(e, "xgboost"))
                engine = ENGINE_XGBOOST;
            else {
                usage(stderr);
                return 1;
            }
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            usage(stderr);
            return 1;
        } else if (!model_path) {
            model_path = argv[i];
        } else if (!rows_path) {
            rows_path = argv[i];
        } else {
            usage(stderr);
            return 1;
        }
    }
    if (!model_path || !rows_path) {
        usage(stderr);
        return 1;
    }
    /* GSL aborts on errors by default; xplain wants return codes. */
    gsl_set_error_handler_off();

    int status = 1;
    xpl_model *m = NULL;
    xpl_dataset *ds = NULL;
    double *out = NULL, *ref = NULL, *t_xpl = NULL, *t_xgb = NULL;
    xpl_workspace *ws = NULL;
#ifdef HAVE_XGBOOST
    xgb_side gs = { 0 };
#endif

    trim_heap();
    double rss0 = current_rss_mib();
    double t0 = bench_now(CLOCK_MONOTONIC);
    int rc = xpl_model_load(&m, model_path);
    double xpl_load_s = bench_now(CLOCK_MONOTONIC) - t0;
    double xpl_rss_peak = current_rss_mib() - rss0;
    trim_heap();
    double xpl_rss = current_rss_mib() - rss0;
    if (rc != XPL_OK) {
        fprintf(stderr, "bench_predict: %s\n", xpl_last_error());
        goto done;
    }
    xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
    opts.columns = xpl_model_feature_names(m);
    opts.n_columns = xpl_model_n_features(m);
    if ((rc = xpl_dataset_read_csv(&ds, rows_path, &opts)) != XPL_OK) {
        fprintf(stderr, "bench_predict: %s\n", xpl_last_error());
        goto done;
    }
    size_t n_rows = xpl_dataset_n_rows(ds);
    size_t n_cols = xpl_dataset_n_cols(ds);
    size_t n_out = xpl_model_n_outputs(m);
    if (max_rows && max_rows < n_rows)
        n_rows = max_rows;
    if (n_rows == 0) {
        fprintf(stderr, "bench_predict: %s: no rows\n", rows_path);
        goto done;
    }
    const double *x = xpl_dataset_data(ds);
    out = malloc(n_rows * n_out * sizeof *out);
    ref = malloc(n_rows * n_out * sizeof *ref);
    if (!out || !ref) {
        fprintf(stderr, "bench_predict: out of memory\n");
        goto done;
    }

    printf("model    %s (%s", model_path, xpl_model_kind(m));
    for (size_t i = 0; i < xpl_model_n_properties(m); i++) {
        const char *key, *value;
        if (xpl_model_property(m, i, &key, &value) == XPL_OK &&
            (!strcmp(key, "trees") || !strcmp(key, "max depth") ||
             !strcmp(key, "leaves")))
            printf(", %s %s", key, value);
    }
    printf(")\nrows     %zu x %zu features, %zu output(s), %zu repetitions, "
           "1 thread\n", n_rows, n_cols, n_out, repeat);
    printf("load     xplain %.3f s; resident +%.1f MiB after the load, "
           "+%.1f MiB kept by the model\n", xpl_load_s, xpl_rss_peak, xpl_rss);

    /* Set both engines up and warm them up (first calls size buffers and
     * configure XGBoost's predictor), then alternate the timed repetitions,
     * in alternating order, so that a slow spell of the machine hits both
     * engines alike. */
    int do_xpl = engine != ENGINE_XGBOOST, do_xgb = 0;
    if (do_xpl && xpl_workspace_new(&ws) != XPL_OK) {
        fprintf(stderr, "bench_predict: %s\n", xpl_last_error());
        goto done;
    }
    xpl_side xs = { m, ws, x, n_rows, out };
    if (do_xpl && xpl_run(&xs))
        goto done;
#ifdef HAVE_XGBOOST
    do_xgb = engine != ENGINE_XPLAIN;
    if (do_xgb) {
        int major = 0, minor = 0, patch = 0;
        double xgb_load_s = NAN, xgb_rss_peak = NAN, xgb_rss = NAN;
        XGBoostVersion(&major, &minor, &patch);
        if (xgb_setup(&gs, model_path, x, n_rows, n_cols, n_out, &xgb_load_s,
                      &xgb_rss_peak, &xgb_rss))
            goto done;
        printf("load     XGBoost %d.%d.%d %.3f s; resident +%.1f MiB after the "
               "load, +%.1f MiB kept by the model\n", major, minor, patch,
               xgb_load_s, xgb_rss_peak, xgb_rss);
        if (xgb_run(&gs))
            goto done;
    }
#else
    if (engine != ENGINE_XPLAIN)
        printf("XGBoost C API not found: skipping the comparison\n");
#endif

    t_xpl = malloc(repeat * sizeof *t_xpl);
    t_xgb = malloc(repeat * sizeof *t_xgb);
    if (!t_xpl || !t_xgb) {
        fprintf(stderr, "bench_predict: out of memory\n");
        goto done;
    }
    for (size_t i = 0; i < repeat; i++) {
        for (int turn = 0; turn < 2; turn++) {
            int xpl_turn = (turn == 0) == (i % 2 == 0);
            if (xpl_turn && do_xpl) {
                double s0 = bench_now(CLOCK_MONOTONIC);
                if (xpl_run(&xs))
                    goto done;
                t_xpl[i] = bench_now(CLOCK_MONOTONIC) - s0;
            }
#ifdef HAVE_XGBOOST
            if (!xpl_turn && do_xgb) {
                double s0 = bench_now(CLOCK_MONOTONIC);
                if (xgb_run(&gs))
                    goto done;
                t_xgb[i] = bench_now(CLOCK_MONOTONIC) - s0;
            }
#endif
        }
    }
    timing txpl = { NAN, NAN }, txgb = { NAN, NAN };
    int have_xpl = do_xpl, have_xgb = do_xgb;
    if (have_xpl)
        txpl = summarise(t_xpl, repeat);
#ifdef HAVE_XGBOOST
    if (have_xgb) {
        txgb = summarise(t_xgb, repeat);
        /* The result buffer belongs to the booster: copy it out. */
        for (size_t i = 0; i < n_rows * n_out; i++)
            ref[i] = gs.result[i];
    }
#endif

    if (have_xpl)
        print_timing("xplain", txpl, n_rows);
    if (have_xgb)
        print_timing("XGBoost", txgb, n_rows);

    double max_rel = NAN, ratio = NAN, ratio_median = NAN;
    if (have_xpl && have_xgb) {
        size_t worst = 0;
        max_rel = 0.0;
        for (size_t i = 0; i < n_rows * n_out; i++) {
            double d = fabs(out[i] - ref[i]) / fmax(1.0, fabs(ref[i]));
            if (!(d <= max_rel)) { /* NaN on either side counts as worst */
                max_rel = d;
                worst = i;
            }
        }
        ratio = txgb.best_s / txpl.best_s;
        ratio_median = txgb.median_s / txpl.median_s;
        printf("agree    max |xplain - XGBoost| / max(1, |XGBoost|) = %.3g "
               "(row %zu: %.9g vs %.9g)\n", max_rel, worst / n_out,
               out[worst], ref[worst]);
        printf("ratio    XGBoost time / xplain time = %.3f (best), %.3f "
               "(median); > 1 means xplain is faster\n", ratio, ratio_median);
    }
    printf("memory   peak RSS %.1f MiB\n", peak_rss_mib());
    printf("result model=%s rows=%zu xplain_us=%.4f xgboost_us=%.4f "
           "xplain_median_us=%.4f xgboost_median_us=%.4f ratio=%.4f "
           "ratio_median=%.4f max_rel_diff=%.3g peak_rss_mib=%.1f\n",
           model_path, n_rows, txpl.best_s / (double)n_rows * 1e6,
           txgb.best_s / (double)n_rows * 1e6,
           txpl.median_s / (double)n_rows * 1e6,
           txgb.median_s / (double)n_rows * 1e6, ratio, ratio_median, max_rel,
           peak_rss_mib());
    status = have_xpl && have_xgb && !(max_rel <= MISMATCH_TOLERANCE) ? 3 : 0;
    if (status == 3)
        fprintf(stderr, "bench_predict: the margins disagree (%.3g > %g)\n",
                max_rel, MISMATCH_TOLERANCE);
done:
#ifdef HAVE_XGBOOST
    xgb_free(&gs);
#endif
    xpl_workspace_free(ws);
    free(t_xpl);
    free(t_xgb);
    free(out);
    free(ref);
    xpl_dataset_free(ds);
    xpl_model_free(m);
    return status;
}
