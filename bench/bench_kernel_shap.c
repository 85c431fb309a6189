/* Kernel SHAP benchmark: accuracy of the samplers against exact values, and
 * speed (library overhead next to the time spent in the model, scaling over
 * threads). Results and their meaning: docs/kernel-shap.md.
 *
 *   bench_kernel_shap accuracy [--seeds N] [--budget N [--sampler NAME]]
 *                              [--model breast_cancer|wine] [--root DIR]
 *   bench_kernel_shap bias --budget N [--reps N] [--sampler NAME]
 *                          [--model breast_cancer|wine] [--root DIR]
 *   bench_kernel_shap speed [--rows N] [--repeat N] [--only SUBSTRING]
 *                           [--sampler NAME] [--root DIR]
 *
 * accuracy: breast_cancer_xgb.json (30 features) explained on the 20 rows of
 * tests/fixtures/kernel_shap/breast_cancer_rows20.csv with the 50-row
 * background breast_cancer_bg50.csv, against the exact interventional
 * Shapley values of breast_cancer_xgb_exact.csv (tools/exact_shapley.py);
 * every sampler, nsamples 500, 1054, 2108 (2M + 2048), 4216 and 10000,
 * seeds 0 .. N-1: max and mean absolute error over all 600 values and runs,
 * the root mean square of error / reported std error, and the smallest
 * budget (steps of 10) at which the default sampler's mean error is at
 * most shap's at 2108. With --budget, only that budget and one sampler
 * (default xplain). --model wine: wine_xgb (13 features, 3 outputs), the
 * first 50 rows of wine.csv as background, rows 100-119, reference
 * xplain's exact mode; budgets 500, 1037, 2074 (2M + 2048), 4148, 10000.
 *
 * bias: N seeds (default 30) at one budget; per value, the mean error
 * over the runs divided by its standard error from the runs' spread:
 * the rms and largest |z| and how many exceed 3.
 *
 * speed: for every shipped tree model (and the logistic model; 50-row
 * backgrounds, the models whose name contains SUBSTRING with --only),
 * milliseconds per row, the CPU time spent inside the model's predict
 * (measured by wrapping the model in a timing adapter), the library's
 * overhead (the rest of the thread's CPU time when explaining with the
 * model itself) as a share of it, and, for
 * the first four models, the wall-clock speed-up of 2 threads over 1 on the
 * same rows. The first four models run every sampler, the others the
 * default one (or NAME).
 * Model loading and CSV reading are not timed.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <xplain/adapter.h>
#include <xplain/xplain.h>

static const char *root = ".";

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU seconds of the calling thread: what the overhead ratios use, so that
 * other jobs on a shared machine do not inflate one side of the ratio. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_kernel_shap: %s: %s\n", what, xpl_last_error());
    exit(3);
}

static xpl_model *load(const char *rel)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    xpl_model *m;
    if (xpl_model_load(&m, p))
        die(p);
    return m;
}

static xpl_dataset *read_for(const xpl_model *m, const char *rel)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = xpl_model_feature_names(m);
    o.n_columns = xpl_model_n_features(m);
    xpl_dataset *ds;
    if (xpl_dataset_read_csv(&ds, p, &o))
        die(p);
    return ds;
}

static const char *sampler_name(xpl_ks_sampler s)
{
    return s == XPL_KS_SAMPLER_XPLAIN ? "xplain"
           : s == XPL_KS_SAMPLER_SHAP ? "shap"
                                      : "leverage";
}

/* ------------------------------------------------------------ accuracy */

/* A case: a model, its background, the rows explained and their exact
 * values (R rows of D outputs of P values). */
struct acc {
    const char *name;
    xpl_model *m;
    xpl_dataset *bg, *rows;
    double *exact;
    size_t P, D, R;
    size_t budgets[5]; /* the table's; budgets[2] is 2M + 2048 */
};

struct errors {
    double max, mean, zrms;
};

static xpl_kernel_shap *explainer(const struct acc *a, xpl_ks_sampler s,
                                  size_t nsamples, size_t seed)
{
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.sampler = s;
    o.nsamples = nsamples;
    o.seed = seed;
    xpl_kernel_shap *ks;
    if (xpl_kernel_shap_new(&ks, a->m, a->bg, &o))
        die("explainer");
    return ks;
}

/* Seeds 0 .. seeds-1; with `phis`, every run's values are kept there
 * (seeds * R * D * P). */
static struct errors run_accuracy(struct acc *a, xpl_ks_sampler s,
                                  size_t nsamples, size_t seeds, double *phis)
{
    struct errors e = { 0, 0, 0 };
    double z2 = 0;
    size_t n = 0, P = a->P, DP = a->D * a->P;
    xpl_workspace *ws;
    if (xpl_workspace_new(&ws))
        die("workspace");
    double *phi = malloc(DP * sizeof *phi), *se = malloc(DP * sizeof *se);
    for (size_t seed = 0; seed < seeds; seed++) {
        xpl_kernel_shap *ks = explainer(a, s, nsamples, seed);
        for (size_t r = 0; r < a->R; r++) {
            if (xpl_kernel_shap_explain(ks, ws, xpl_dataset_data(a->rows) + r * P,
                                        r, phi, se, NULL, NULL))
                die("explain");
            const double *want = a->exact + r * DP;
            for (size_t j = 0; j < DP; j++) {
                double d = fabs(phi[j] - want[j]);
                e.max = fmax(e.max, d);
                e.mean += d;
                /* an error of rounding size (a value that is exactly 0,
                 * such as a feature an output's trees never use) has a
                 * standard error of rounding size too: not a z-score */
                if (se[j] > 0 && d > 1e-12)
                    z2 += d * d / (se[j] * se[j]);
                n++;
            }
            if (phis)
                memcpy(phis + (seed * a->R + r) * DP, phi, DP * sizeof *phi);
        }
        xpl_kernel_shap_free(ks);
    }
    e.mean /= (double)n;
    e.zrms = sqrt(z2 / (double)n);
    free(phi);
    free(se);
    xpl_workspace_free(ws);
    return e;
}

/* breast_cancer_xgb: the committed fixtures (tools/exact_shapley.py). */
static void case_breast_cancer(struct acc *a)
{
    a->name = "breast_cancer_xgb (30 features, 1 output)";
    a->m = load("data/models/breast_cancer_xgb.json");
    a->bg = read_for(a->m, "tests/fixtures/kernel_shap/breast_cancer_bg50.csv");
    a->rows = read_for(a->m, "tests/fixtures/kernel_shap/breast_cancer_rows20.csv");
    xpl_dataset *ex = read_for(a->m,
                               "tests/fixtures/kernel_shap/breast_cancer_xgb_exact.csv");
    a->P = xpl_model_n_features(a->m);
    a->D = 1;
    a->R = xpl_dataset_n_rows(a->rows);
    a->exact = malloc(a->R * a->P * sizeof *a->exact);
    memcpy(a->exact, xpl_dataset_data(ex), a->R * a->P * sizeof *a->exact);
    xpl_dataset_free(ex);
    static const size_t b[5] = { 500, 1054, 2108, 4216, 10000 };
    memcpy(a->budgets, b, sizeof b);
}

/* wine_xgb (13 features, 3 outputs): background the first 50 rows of
 * wine.csv, rows 100-119 explained (as bench/ks_overhead.sh), reference
 * xplain's exact mode (all 2^13 - 2 coalitions; test_kernel_shap checks
 * it against brute force). */
static void case_wine(struct acc *a)
{
    a->name = "wine_xgb (13 features, 3 outputs)";
    a->m = load("data/models/wine_xgb.json");
    xpl_dataset *all = read_for(a->m, "data/wine.csv");
    size_t P = xpl_model_n_features(a->m), D = xpl_model_n_outputs(a->m);
    const char *const *names = xpl_model_feature_names(a->m);
    if (xpl_dataset_new(&a->bg, 50, P, xpl_dataset_data(all), names, NULL) ||
        xpl_dataset_new(&a->rows, 20, P, xpl_dataset_data(all) + 100 * P,
                        names, NULL))
        die("wine rows");
    xpl_dataset_free(all);
    a->P = P;
    a->D = D;
    a->R = 20;
    a->exact = malloc(a->R * D * P * sizeof *a->exact);
    xpl_kernel_shap *ks = explainer(a, XPL_KS_SAMPLER_XPLAIN, 8190, 0);
    xpl_workspace *ws;
    if (xpl_workspace_new(&ws))
        die("workspace");
    for (size_t r = 0; r < a->R; r++)
        if (xpl_kernel_shap_explain(ks, ws, xpl_dataset_data(a->rows) + r * P,
                                    r, a->exact + r * D * P, NULL, NULL, NULL))
            die("exact");
    xpl_workspace_free(ws);
    xpl_kernel_shap_free(ks);
    static const size_t b[5] = { 500, 1037, 2074, 4148, 10000 };
    memcpy(a->budgets, b, sizeof b);
}

static void case_free(struct acc *a)
{
    free(a->exact);
    xpl_dataset_free(a->rows);
    xpl_dataset_free(a->bg);
    xpl_model_free(a->m);
}

static int accuracy(struct acc *a, size_t seeds, size_t one_budget,
                    xpl_ks_sampler one)
{
    size_t N = xpl_dataset_n_rows(a->bg);
    if (one_budget) {
        struct errors e = run_accuracy(a, one, one_budget, seeds, NULL);
        printf("| %zu | %zu | %s | %.4f | %.5f | - | %.2f |\n", one_budget,
               one_budget * N + 1, sampler_name(one), e.max, e.mean, e.zrms);
        case_free(a);
        return 0;
    }
    static const xpl_ks_sampler samplers[] = {
        XPL_KS_SAMPLER_SHAP, XPL_KS_SAMPLER_LEVERAGE, XPL_KS_SAMPLER_XPLAIN
    };
    size_t ref = a->budgets[2];
    printf("%s, %zu-row background, %zu rows, %zu seeds; absolute error vs "
           "exact (margin)\n\n", a->name, N, a->R, seeds);
    printf("| nsamples | model rows/row | sampler | max error | mean error "
           "| mean vs shap | rms(error/std error) |\n");
    printf("|---:|---:|---|---:|---:|---:|---:|\n");
    double shap_ref = 0;
    for (size_t b = 0; b < 5; b++) {
        double shap_mean = 0;
        for (size_t k = 0; k < 3; k++) {
            struct errors e = run_accuracy(a, samplers[k], a->budgets[b],
                                           seeds, NULL);
            if (samplers[k] == XPL_KS_SAMPLER_SHAP)
                shap_mean = e.mean;
            if (samplers[k] == XPL_KS_SAMPLER_SHAP && a->budgets[b] == ref)
                shap_ref = e.mean;
            printf("| %zu | %zu | %s | %.4f | %.5f | %.2f | %.2f |\n",
                   a->budgets[b], a->budgets[b] * N + 1,
                   sampler_name(samplers[k]), e.max, e.mean,
                   e.mean / shap_mean, e.zrms);
            fflush(stdout);
        }
    }
    /* the smallest budget (in steps of 10) where xplain's mean error is at
     * most shap's at 2M + 2048 */
    size_t lo = 50, hi = ref;
    while (hi - lo > 10) {
        size_t mid = (lo + hi) / 2 / 10 * 10;
        if (mid <= lo)
            break;
        struct errors e = run_accuracy(a, XPL_KS_SAMPLER_XPLAIN, mid, seeds,
                                       NULL);
        if (e.mean <= shap_ref)
            hi = mid;
        else
            lo = mid;
    }
    struct errors e = run_accuracy(a, XPL_KS_SAMPLER_XPLAIN, hi, seeds, NULL);
    printf("\nxplain matches shap's mean error at %zu (%.5f) with nsamples "
           "= %zu (mean error %.5f): %.0f%% of the model evaluations.\n",
           ref, shap_ref, hi, e.mean, 100.0 * (double)hi / (double)ref);
    case_free(a);
    return 0;
}

/* Bias: `reps` seeds at one budget; per value, the mean error over the
 * runs against its standard error from the runs' spread,
 * z = mean / (sd / sqrt(reps)). Unbiased: z is about standard normal (rms
 * about 1, |z| > 3 for about 0.3% of the values). */
static int bias(struct acc *a, size_t reps, size_t budget, xpl_ks_sampler s)
{
    size_t V = a->R * a->D * a->P;
    double *phis = malloc(reps * V * sizeof *phis);
    struct errors e = run_accuracy(a, s, budget, reps, phis);
    double z2 = 0, zmax = 0, babs = 0;
    size_t n = 0, over3 = 0;
    for (size_t v = 0; v < V; v++) {
        double m = 0, q = 0;
        for (size_t k = 0; k < reps; k++)
            m += phis[k * V + v] - a->exact[v];
        m /= (double)reps;
        for (size_t k = 0; k < reps; k++) {
            double d = phis[k * V + v] - a->exact[v] - m;
            q += d * d;
        }
        double sd = sqrt(q / (double)(reps - 1));
        babs += fabs(m);
        if (!(sd > 0))
            continue;
        double z = m / (sd / sqrt((double)reps));
        z2 += z * z;
        zmax = fmax(zmax, fabs(z));
        over3 += fabs(z) > 3;
        n++;
    }
    printf("%s, %s sampler, nsamples %zu, %zu runs: mean error %.5f, "
           "rms(error/std error) %.2f; bias z over %zu values: rms %.2f, "
           "max |z| %.2f, %zu with |z| > 3; mean |bias| %.6f\n",
           a->name, sampler_name(s), budget, reps, e.mean, e.zrms, n,
           sqrt(z2 / (double)n), zmax, over3, babs / (double)V);
    free(phis);
    case_free(a);
    return 0;
}

/* --------------------------------------------------------------- speed */

/* A model that times every predict call of the model it wraps. One thread
 * only (the accumulators are not atomic). */
struct timed {
    const xpl_model *inner;
    xpl_workspace *ws;
    double seconds;
    size_t rows;
};

static int timed_predict(const void *state, void *scratch, const double *x,
                         size_t n_rows, size_t n_cols, double *out)
{
    (void)scratch;
    (void)n_cols;
    struct timed *t = (struct timed *)(uintptr_t)state;
    double t0 = cpu_now();
    int rc = xpl_model_predict(t->inner, t->ws, x, n_rows, XPL_OUTPUT_RAW, out);
    t->seconds += cpu_now() - t0;
    t->rows += n_rows;
    return rc;
}

static const xpl_adapter timed_ops = { XPL_ADAPTER_VERSION, "timed", NULL,
                                       timed_predict, NULL };

struct rows_job {
    const xpl_kernel_shap *ks;
    const double *x;
    size_t first, n, step, P, D;
};

static void *rows_job(void *arg)
{
    struct rows_job *j = arg;
    xpl_workspace *ws;
    if (xpl_workspace_new(&ws))
        die("workspace");
    double *phi = malloc(j->D * j->P * sizeof *phi);
    for (size_t r = j->first; r < j->n; r += j->step)
        if (xpl_kernel_shap_explain(j->ks, ws, j->x + r * j->P, r, phi, NULL,
                                    NULL, NULL))
            die("explain");
    free(phi);
    xpl_workspace_free(ws);
    return NULL;
}

/* Wall seconds to explain n rows on `threads` threads (best of repeat). */
static double wall(const xpl_kernel_shap *ks, const double *x, size_t n,
                   size_t P, size_t D, size_t threads, size_t repeat)
{
    double best = INFINITY;
    for (size_t k = 0; k < repeat; k++) {
        pthread_t t[8];
        struct rows_job j[8];
        double t0 = now();
        for (size_t i = 0; i < threads; i++) {
            j[i] = (struct rows_job){ ks, x, i, n, threads, P, D };
            if (pthread_create(&t[i], NULL, rows_job, &j[i]))
                die("thread");
        }
        for (size_t i = 0; i < threads; i++)
            pthread_join(t[i], NULL);
        best = fmin(best, now() - t0);
    }
    return best;
}

struct speed_case {
    const char *model, *data, *background; /* background NULL: 50 data rows */
    size_t first_row;
    int all_samplers; /* else the default sampler only */
};

#define BC_ROWS "tests/fixtures/kernel_shap/breast_cancer_rows20.csv"
#define BC_BG "tests/fixtures/kernel_shap/breast_cancer_bg50.csv"

/* Every shipped tree model, and the logistic model for comparison. The
 * diabetes models have 10 features: exact whatever the sampler. */
static const struct speed_case cases[] = {
    { "data/models/breast_cancer_xgb.json", BC_ROWS, BC_BG, 0, 1 },
    { "data/models/breast_cancer_forest.json", BC_ROWS, BC_BG, 0, 1 },
    { "data/models/breast_cancer_logistic.json", BC_ROWS, BC_BG, 0, 1 },
    { "data/models/wine_xgb.json", "data/wine.csv", NULL, 100, 1 },
    { "data/models/breast_cancer_xgb.bin", BC_ROWS, BC_BG, 0, 0 },
    { "data/models/breast_cancer_gbm.json", BC_ROWS, BC_BG, 0, 0 },
    { "data/models/breast_cancer_xgb_base_score.json", BC_ROWS, BC_BG, 0, 0 },
    { "data/models/breast_cancer_xgb_logitraw.json", BC_ROWS, BC_BG, 0, 0 },
    { "data/models/wine_xgb_softmax.json", "data/wine.csv", NULL, 100, 0 },
    { "data/models/wine_gbm.json", "data/wine.csv", NULL, 100, 0 },
    { "data/models/wine_forest.json", "data/wine.csv", NULL, 100, 0 },
    { "data/models/wine_extra_trees.json", "data/wine.csv", NULL, 100, 0 },
    { "data/models/diabetes_xgb.json", "data/diabetes.csv", NULL, 100, 0 },
    { "data/models/diabetes_xgb_base_score.json", "data/diabetes.csv", NULL,
      100, 0 },
    { "data/models/diabetes_xgb_gamma.json", "data/diabetes.csv", NULL, 100,
      0 },
    { "data/models/diabetes_xgb_poisson.json", "data/diabetes.csv", NULL, 100,
      0 },
    { "data/models/diabetes_xgb_tweedie.json", "data/diabetes.csv", NULL, 100,
      0 },
    { "data/models/diabetes_missing_xgb.json", "data/diabetes_missing.csv",
      NULL, 100, 0 },
    { "data/models/diabetes_gbm.json", "data/diabetes.csv", NULL, 100, 0 },
    { "data/models/diabetes_forest.json", "data/diabetes.csv", NULL, 100, 0 },
    { "data/models/diabetes_tree.json", "data/diabetes.csv", NULL, 100, 0 },
};

static int speed(size_t n_rows, size_t repeat, const char *only,
                 xpl_ks_sampler one)
{
    static const xpl_ks_sampler samplers[] = {
        XPL_KS_SAMPLER_SHAP, XPL_KS_SAMPLER_LEVERAGE, XPL_KS_SAMPLER_XPLAIN
    };
    printf("One thread unless stated; default budget (2M + 2048, all 2^M - 2 "
           "coalitions when fewer); 50-row backgrounds; %zu rows, best of "
           "%zu.\n\n", n_rows, repeat);
    printf("| model | features | outputs | sampler | ms/row | model rows/row "
           "| ns/model row in predict | overhead vs predict | 2 threads "
           "speed-up |\n");
    printf("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const struct speed_case *sc = &cases[c];
        if (only && !strstr(sc->model, only))
            continue;
        xpl_model *m = load(sc->model);
        xpl_dataset *all = read_for(m, sc->data);
        size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
        xpl_dataset *bg;
        if (sc->background) {
            bg = read_for(m, sc->background);
        } else if (xpl_dataset_new(&bg, 50, P, xpl_dataset_data(all),
                                   xpl_model_feature_names(m), NULL)) {
            die("background");
        }
        size_t n = n_rows;
        if (sc->first_row + n > xpl_dataset_n_rows(all))
            n = xpl_dataset_n_rows(all) - sc->first_row;
        const double *x = xpl_dataset_data(all) + sc->first_row * P;
        struct timed t = { m, NULL, 0, 0 };
        if (xpl_workspace_new(&t.ws))
            die("workspace");
        xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, P, D,
                                xpl_model_feature_names(m),
                                xpl_model_link(m) };
        xpl_model *wrapped;
        if (xpl_model_wrap(&wrapped, &timed_ops, &t, &spec))
            die("wrap");
        for (size_t k = 0; k < 3; k++) {
            if (!sc->all_samplers && samplers[k] != one)
                continue;
            xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
            o.sampler = samplers[k];
            xpl_kernel_shap *ks, *kt;
            if (xpl_kernel_shap_new(&ks, m, bg, &o) ||
                xpl_kernel_shap_new(&kt, wrapped, bg, &o))
                die("explainer");
            /* The time inside predict comes from the explainer over the
             * timing wrapper, the total from the explainer over the model
             * itself: both make the same predict calls on the same rows
             * (the plan depends only on the seed), but only the model
             * itself has a structural cost (a wrapper is a user adapter,
             * assumed expensive), which sizes the regression adjustment. */
            double best_total = INFINITY, best_pred = INFINITY;
            size_t model_rows = 0;
            double *phi = malloc(D * P * sizeof *phi);
            xpl_workspace *ws;
            if (xpl_workspace_new(&ws))
                die("workspace");
            for (size_t rep = 0; rep < repeat; rep++) {
                t.seconds = 0;
                t.rows = 0;
                for (size_t r = 0; r < n; r++)
                    if (xpl_kernel_shap_explain(kt, ws, x + r * P, r, phi,
                                                NULL, NULL, NULL))
                        die("explain");
                best_pred = fmin(best_pred, t.seconds);
                model_rows = t.rows;
                double t0 = cpu_now();
                for (size_t r = 0; r < n; r++)
                    if (xpl_kernel_shap_explain(ks, ws, x + r * P, r, phi,
                                                NULL, NULL, NULL))
                        die("explain");
                best_total = fmin(best_total, cpu_now() - t0);
            }
            double w1 = wall(ks, x, n, P, D, 1, repeat);
            char scaling[32] = "-";
            if (sc->all_samplers)
                snprintf(scaling, sizeof scaling, "%.2fx",
                         w1 / wall(ks, x, n, P, D, 2, repeat));
            printf("| %s | %zu | %zu | %s | %.1f | %zu | %.0f | %.1f%% | %s "
                   "|\n", strrchr(sc->model, '/') + 1, P, D,
                   sampler_name(samplers[k]), 1e3 * w1 / (double)n,
                   model_rows / n, 1e9 * best_pred / (double)model_rows,
                   100.0 * (best_total - best_pred) / best_pred, scaling);
            fflush(stdout);
            free(phi);
            xpl_workspace_free(ws);
            xpl_kernel_shap_free(kt);
            xpl_kernel_shap_free(ks);
        }
        xpl_model_free(wrapped);
        xpl_workspace_free(t.ws);
        xpl_dataset_free(bg);
        xpl_dataset_free(all);
        xpl_model_free(m);
    }
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *env = getenv("XPL_SOURCE_ROOT");
    if (env)
        root = env;
    size_t seeds = 5, rows = 20, repeat = 5, budget = 0, reps = 30;
    const char *only = NULL, *model = "breast_cancer";
    xpl_ks_sampler one = XPL_KS_SAMPLER_XPLAIN;
    const char *mode = argc > 1 ? argv[1] : "";
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seeds") == 0)
            seeds = (size_t)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--budget") == 0)
            budget = (size_t)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rows") == 0)
            rows = (size_t)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--repeat") == 0)
            repeat = (size_t)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--root") == 0)
            root = argv[i + 1];
        else if (strcmp(argv[i], "--reps") == 0)
            reps = (size_t)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--model") == 0)
            model = argv[i + 1];
        else if (strcmp(argv[i], "--only") == 0)
            only = argv[i + 1];
        else if (strcmp(argv[i], "--sampler") == 0)
            one = strcmp(argv[i + 1], "shap") == 0 ? XPL_KS_SAMPLER_SHAP
                  : strcmp(argv[i + 1], "leverage") == 0
                      ? XPL_KS_SAMPLER_LEVERAGE
                      : XPL_KS_SAMPLER_XPLAIN;
        else
            mode = "";
    }
    int wine = strcmp(model, "wine") == 0;
    if (!wine && strcmp(model, "breast_cancer") != 0)
        mode = "";
    struct acc a;
    if (strcmp(mode, "accuracy") == 0 && seeds > 0) {
        wine ? case_wine(&a) : case_breast_cancer(&a);
        return accuracy(&a, seeds, budget, one);
    }
    if (strcmp(mode, "bias") == 0 && reps > 1 && budget > 0) {
        wine ? case_wine(&a) : case_breast_cancer(&a);
        return bias(&a, reps, budget, one);
    }
    if (strcmp(mode, "speed") == 0 && rows > 0 && repeat > 0)
        return speed(rows, repeat, only, one);
    fputs("usage: bench_kernel_shap accuracy [--seeds N] [--budget N "
          "[--sampler NAME]] [--model breast_cancer|wine] [--root DIR]\n"
          "       bench_kernel_shap bias --budget N [--reps N] "
          "[--sampler NAME] [--model breast_cancer|wine] [--root DIR]\n"
          "       bench_kernel_shap speed [--rows N] [--repeat N] "
          "[--only SUBSTRING] [--sampler NAME] [--root DIR]\n", stderr);
    return 1;
}
