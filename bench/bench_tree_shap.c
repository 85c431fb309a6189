/*
 * Path-dependent TreeSHAP speed: xplain against XGBoost's own pred_contribs
 * (C API), one thread, same model file, same rows.
 *
 *   bench_tree_shap MODEL.json ROWS.csv [--rows N] [--repeat N]
 *                   [--engine both|xplain|xgboost] [--clock cpu|wall]
 *
 * MODEL.json is an XGBoost JSON model; ROWS.csv has a header naming its
 * features. The first N rows (default 100) are explained per repetition.
 *
 * What is timed (best and median of the repetitions, engines alternating
 * so a slow spell of a shared machine hits both; by default the process's
 * CPU time, which on a crowded machine leaves out the time other jobs hold
 * the core, --clock wall for CLOCK_MONOTONIC):
 *  - xplain: xpl_tree_shap_explain on each row in turn (prediction NULL),
 *    one workspace, the explainer built once beforehand (untimed; its build
 *    time is printed);
 *  - xplain's Algorithm 2 (the recursion the tests use as the reference),
 *    the same rows;
 *  - XGBoost (built with HAVE_XGBOOST): XGBoosterPredictFromDMatrix with
 *    type 2 (contributions, as Booster.predict(pred_contribs=True)), nthread
 *    1, on a DMatrix of the float32 rows built once (untimed).
 * Then the values are compared: the largest |a - b| / max(1, |b|) over every
 * contribution and the bias, xplain vs XGBoost and xplain vs Algorithm 2.
 *
 * Last line, for bench/run.sh:
 *   result model=... rows=... xplain_us=... xgboost_us=... reference_us=...
 *          xplain_median_us=... xgboost_median_us=... ratio=...
 *          ratio_median=... vs_xgboost=... vs_reference=...
 * (µs per row; ratio = XGBoost time / xplain time; nan where not run).
 * Exit status: 0; 1 usage or load error; 3 if xplain and XGBoost differ by
 * more than 1e-4 or xplain and Algorithm 2 by more than 1e-9 (relative).
 */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xplain/xplain.h>

#include "bench_util.h"

#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"

#ifdef HAVE_XGBOOST
#include <xgboost/c_api.h>
#endif

#define XGB_TOLERANCE 1e-4 /* XGBoost sums float32 */
#define REF_TOLERANCE 1e-9

enum engine { ENGINE_BOTH, ENGINE_XPLAIN, ENGINE_XGBOOST };

/* Best and median of n timings (sorts t). */
static void summarise(double *t, size_t n, double *best, double *median)
{
    qsort(t, n, sizeof *t, bench_cmp_double);
    *best = t[0];
    *median = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_tree_shap MODEL.json ROWS.csv [--rows N] "
            "[--repeat N]\n       [--engine both|xplain|xgboost] "
            "[--clock cpu|wall]\n");
}

/* Largest |a - b| / max(1, |b|); NaN on either side counts as infinite. */
static double max_rel_diff(const double *a, const double *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / fmax(1.0, fabs(b[i]));
        if (!(d <= worst))
            worst = isnan(d) ? INFINITY : d;
    }
    return worst;
}

/* ------------------------------------------------------------------ xplain */

/* All rows, laid out as XGBoost's output: per row, per output, the
 * contributions then the bias. */
typedef struct xpl_side {
    const xpl_tree_shap *ts;
    const xpl__ensemble *e;
    const xpl__tree_shap_plan *plan;
    xpl_workspace *ws;
    void *scratch;     /* for the reference */
    const double *x;
    size_t n_rows, m, k;
    double *phi;       /* k * m */
    double *out;       /* n_rows * k * (m + 1) */
} xpl_side;

static void store(xpl_side *s, size_t row, const double *base)
{
    double *o = s->out + row * s->k * (s->m + 1);
    for (size_t c = 0; c < s->k; c++) {
        memcpy(o + c * (s->m + 1), s->phi + c * s->m, s->m * sizeof *o);
        o[c * (s->m + 1) + s->m] = base[c];
    }
}

static int xpl_run(xpl_side *s)
{
    const double *base = xpl_tree_shap_base_values(s->ts);
    for (size_t i = 0; i < s->n_rows; i++) {
        if (xpl_tree_shap_explain(s->ts, s->ws, s->x + i * s->m, s->phi,
                                  NULL) != XPL_OK) {
            fprintf(stderr, "bench_tree_shap: %s\n", xpl_last_error());
            return -1;
        }
        store(s, i, base);
    }
    return 0;
}

static void ref_run(xpl_side *s)
{
    for (size_t i = 0; i < s->n_rows; i++) {
        xpl__tree_shap_row_reference(s->e, s->plan, s->scratch,
                                     s->x + i * s->m, s->phi);
        store(s, i, s->plan->base_value);
    }
}

/* ----------------------------------------------------------------- XGBoost */

#ifdef HAVE_XGBOOST
typedef struct xgb_side {
    BoosterHandle booster;
    DMatrixHandle dmat;
    float *xf;
    size_t n_values;
    float const *result; /* owned by the booster until the next call */
} xgb_side;

#define XGB_CHECK(call)                                                      \
    do {                                                                     \
        if ((call) != 0) {                                                   \
            fprintf(stderr, "bench_tree_shap: XGBoost: %s: %s\n", #call,     \
                    XGBGetLastError());                                      \
            return -1;                                                       \
        }                                                                    \
    } while (0)

/* type 2: feature contributions (pred_contribs). */
static const char xgb_config[] =
    "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
    "\"iteration_end\": 0, \"strict_shape\": false}";

static int xgb_run(xgb_side *s)
{
    bst_ulong const *shape = NULL;
    bst_ulong dim = 0;
    XGB_CHECK(XGBoosterPredictFromDMatrix(s->booster, s->dmat, xgb_config,
                                          &shape, &dim, &s->result));
    size_t total = 1;
    for (bst_ulong d = 0; d < dim; d++)
        total *= (size_t)shape[d];
    if (total != s->n_values) {
        fprintf(stderr, "bench_tree_shap: XGBoost returned %zu values, "
                "expected %zu\n", total, s->n_values);
        return -1;
    }
    return 0;
}

static int xgb_setup(xgb_side *s, const char *path, const double *x,
                     size_t n_rows, size_t m, size_t k)
{
    s->n_values = n_rows * k * (m + 1);
    s->xf = malloc(n_rows * m * sizeof *s->xf);
    if (!s->xf)
        return -1;
    for (size_t i = 0; i < n_rows * m; i++)
        s->xf[i] = (float)x[i];
    XGB_CHECK(XGBoosterCreate(NULL, 0, &s->booster));
    XGB_CHECK(XGBoosterLoadModel(s->booster, path));
    XGB_CHECK(XGBoosterSetParam(s->booster, "nthread", "1"));
    XGB_CHECK(XGDMatrixCreateFromMat(s->xf, (bst_ulong)n_rows, (bst_ulong)m,
                                     NAN, &s->dmat));
    return 0;
}

static void xgb_free(xgb_side *s)
{
    if (s->dmat)
        XGDMatrixFree(s->dmat);
    if (s->booster)
        XGBoosterFree(s->booster);
    free(s->xf);
}
#endif

/* -------------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    const char *model_path = NULL, *rows_path = NULL;
    size_t repeat = 5, max_rows = 100;
    enum engine engine = ENGINE_BOTH;
    clockid_t clk = CLOCK_PROCESS_CPUTIME_ID;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            if (bench_parse_size("bench_tree_shap", argv[++i], "--repeat", &repeat))
                return 1;
        } else if (!strcmp(argv[i], "--rows") && i + 1 < argc) {
            if (bench_parse_size("bench_tree_shap", argv[++i], "--rows", &max_rows))
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
        } else if (!strcmp(argv[i], "--clock") && i + 1 < argc) {
            const char *c = argv[++i];
            if (!strcmp(c, "cpu"))
                clk = CLOCK_PROCESS_CPUTIME_ID;
            else if (!strcmp(c, "wall"))
                clk = CLOCK_MONOTONIC;
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
    gsl_set_error_handler_off();

    int status = 1;
    xpl_model *model = NULL;
    xpl_dataset *ds = NULL;
    xpl_tree_shap *ts = NULL;
    xpl_workspace *ws = NULL;
    double *t_xpl = NULL, *t_xgb = NULL, *t_ref = NULL, *ref_out = NULL;
    double *xgb_out = NULL;
    xpl_side xs = { 0 };
#ifdef HAVE_XGBOOST
    xgb_side gs = { 0 };
#endif

    if (xpl_model_load(&model, model_path) != XPL_OK) {
        fprintf(stderr, "bench_tree_shap: %s\n", xpl_last_error());
        goto done;
    }
    xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
    opts.columns = xpl_model_feature_names(model);
    opts.n_columns = xpl_model_n_features(model);
    if (xpl_dataset_read_csv(&ds, rows_path, &opts) != XPL_OK) {
        fprintf(stderr, "bench_tree_shap: %s\n", xpl_last_error());
        goto done;
    }
    size_t n_rows = xpl_dataset_n_rows(ds);
    size_t m = xpl_model_n_features(model), k = xpl_model_n_outputs(model);
    if (max_rows < n_rows)
        n_rows = max_rows;
    if (n_rows == 0) {
        fprintf(stderr, "bench_tree_shap: %s: no rows\n", rows_path);
        goto done;
    }
    double t0 = bench_now(clk);
    if (xpl_tree_shap_new(&ts, model, NULL) != XPL_OK ||
        xpl_workspace_new(&ws) != XPL_OK) {
        fprintf(stderr, "bench_tree_shap: %s\n", xpl_last_error());
        goto done;
    }
    double build_s = bench_now(clk) - t0;

    /* The reference needs the internal plan: build one beside the
     * explainer (same data). */
    xpl__tree_shap_plan plan;
    const xpl__ensemble *e = xpl__trees_params(model);
    if (xpl__tree_shap_plan_new(&plan, e) != XPL_OK) {
        fprintf(stderr, "bench_tree_shap: %s\n", xpl_last_error());
        goto done;
    }
    size_t n_out = n_rows * k * (m + 1);
    xs = (xpl_side){ ts, e, &plan, ws, NULL, xpl_dataset_data(ds), n_rows, m,
                     k, NULL, NULL };
    xs.scratch = malloc(xpl__tree_shap_scratch(e, &plan));
    xs.phi = malloc(k * m * sizeof *xs.phi);
    xs.out = malloc(n_out * sizeof *xs.out);
    ref_out = malloc(n_out * sizeof *ref_out);
    xgb_out = malloc(n_out * sizeof *xgb_out);
    t_xpl = calloc(repeat, sizeof *t_xpl);
    t_xgb = calloc(repeat, sizeof *t_xgb);
    t_ref = calloc(repeat, sizeof *t_ref);
    if (!xs.scratch || !xs.phi || !xs.out || !ref_out || !xgb_out ||
        !t_xpl || !t_xgb || !t_ref) {
        fprintf(stderr, "bench_tree_shap: out of memory\n");
        goto done_plan;
    }

    printf("model    %s (", model_path);
    for (size_t i = 0; i < xpl_model_n_properties(model); i++) {
        const char *key, *value;
        if (xpl_model_property(model, i, &key, &value) == XPL_OK &&
            (!strcmp(key, "trees") || !strcmp(key, "max depth") ||
             !strcmp(key, "leaves")))
            printf("%s%s %s", i ? ", " : "", key, value);
    }
    printf(")\nrows     %zu x %zu features, %zu output(s), %zu repetitions, "
           "1 thread, %s time\n", n_rows, m, k, repeat,
           clk == CLOCK_MONOTONIC ? "wall" : "process CPU");
    printf("xplain   explainer built in %.3f s; %zu quadrature points\n",
           build_s, xpl__tree_shap_fast_points(plan.fast));

    int do_xpl = engine != ENGINE_XGBOOST, do_xgb = 0;
#ifdef HAVE_XGBOOST
    do_xgb = engine != ENGINE_XPLAIN;
    if (do_xgb) {
        int major = 0, minor = 0, patch = 0;
        XGBoostVersion(&major, &minor, &patch);
        if (xgb_setup(&gs, model_path, xpl_dataset_data(ds), n_rows, m, k))
            goto done_plan;
        printf("XGBoost  %d.%d.%d, pred_contribs through "
               "XGBoosterPredictFromDMatrix, nthread 1\n", major, minor,
               patch);
        if (xgb_run(&gs)) /* warm-up */
            goto done_plan;
    }
#else
    if (engine != ENGINE_XPLAIN)
        printf("XGBoost C API not found: skipping the comparison\n");
#endif
    if (do_xpl && xpl_run(&xs)) /* warm-up */
        goto done_plan;

    for (size_t i = 0; i < repeat; i++) {
        for (int turn = 0; turn < 3; turn++) {
            int who = (int)((turn + i) % 3); /* 0 xplain, 1 XGBoost, 2 ref */
            double s0 = bench_now(clk);
            if (who == 0 && do_xpl) {
                if (xpl_run(&xs))
                    goto done_plan;
                t_xpl[i] = bench_now(clk) - s0;
            } else if (who == 2 && do_xpl) {
                double *keep = xs.out;
                xs.out = ref_out;
                ref_run(&xs);
                xs.out = keep;
                t_ref[i] = bench_now(clk) - s0;
            }
#ifdef HAVE_XGBOOST
            else if (who == 1 && do_xgb) {
                if (xgb_run(&gs))
                    goto done_plan;
                t_xgb[i] = bench_now(clk) - s0;
            }
#endif
        }
    }

    double rows = (double)n_rows, us = 1e6 / rows;
    double xb = NAN, xm = NAN, gb = NAN, gm = NAN, rb = NAN, rm = NAN;
    double vs_xgb = NAN, vs_ref = NAN;
    if (do_xpl) {
        summarise(t_xpl, repeat, &xb, &xm);
        summarise(t_ref, repeat, &rb, &rm);
        vs_ref = max_rel_diff(xs.out, ref_out, n_out);
        printf("xplain      best %10.2f us/row  median %10.2f us/row\n",
               xb * us, xm * us);
        printf("Algorithm 2 best %10.2f us/row  median %10.2f us/row "
               "(xplain's reference recursion)\n", rb * us, rm * us);
        printf("agree    xplain vs Algorithm 2: max |diff| / max(1, |v|) = "
               "%.3g\n", vs_ref);
    }
#ifdef HAVE_XGBOOST
    if (do_xgb) {
        summarise(t_xgb, repeat, &gb, &gm);
        for (size_t i = 0; i < n_out; i++)
            xgb_out[i] = gs.result[i];
        printf("XGBoost     best %10.2f us/row  median %10.2f us/row\n",
               gb * us, gm * us);
        if (do_xpl) {
            vs_xgb = max_rel_diff(xs.out, xgb_out, n_out);
            printf("agree    xplain vs XGBoost: max |diff| / max(1, |v|) = "
                   "%.3g\n", vs_xgb);
            printf("ratio    XGBoost time / xplain time = %.1f (best), %.1f "
                   "(median)\n", gb / xb, gm / xm);
        }
    }
#endif
    printf("result model=%s rows=%zu xplain_us=%.3f xgboost_us=%.3f "
           "reference_us=%.3f xplain_median_us=%.3f xgboost_median_us=%.3f "
           "ratio=%.2f ratio_median=%.2f vs_xgboost=%.3g vs_reference=%.3g\n",
           model_path, n_rows, xb * us, gb * us, rb * us, xm * us, gm * us,
           gb / xb, gm / xm, vs_xgb, vs_ref);
    status = 0;
    if (do_xpl && !(vs_ref <= REF_TOLERANCE)) {
        fprintf(stderr, "bench_tree_shap: xplain and Algorithm 2 disagree\n");
        status = 3;
    }
    if (do_xpl && do_xgb && !(vs_xgb <= XGB_TOLERANCE)) {
        fprintf(stderr, "bench_tree_shap: xplain and XGBoost disagree\n");
        status = 3;
    }
done_plan:
    xpl__tree_shap_plan_free(&plan);
done:
#ifdef HAVE_XGBOOST
    xgb_free(&gs);
#endif
    free(xs.scratch);
    free(xs.phi);
    free(xs.out);
    free(ref_out);
    free(xgb_out);
    free(t_xpl);
    free(t_xgb);
    free(t_ref);
    xpl_workspace_free(ws);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(ds);
    xpl_model_free(model);
    return status;
}
