/* Thread safety of shared explainers (Kernel SHAP, TreeSHAP, linear SHAP,
 * LIME): 8 threads share one loaded model and one explainer, take rows of
 * the shipped data from a common counter (so which thread explains which
 * row, and in which order, changes from run to run) and must reproduce
 * the single-threaded results bit for bit. Built to run under
 * ThreadSanitizer too (.ci/run), where a data race fails the program even
 * if the numbers happen to agree. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include <xplain/lime.h>
#include <xplain/xplain.h>

enum { N_THREADS = 8 };

/* One explainer behind a uniform "explain row i into out" call. `out`
 * receives every output of the row: contributions, standard errors,
 * predictions, evaluation counts, as the method has them. */
struct method {
    const char *name;
    size_t width; /* doubles written per row */
    int (*explain)(const void *expl, xpl_workspace *ws, const double *x,
                   size_t row, size_t n_features, size_t n_outputs,
                   double *out);
    const void *expl;
};

static int ks_explain(const void *expl, xpl_workspace *ws, const double *x,
                      size_t row, size_t m, size_t k, double *out)
{
    size_t n_evals = 0;
    int rc = xpl_kernel_shap_explain(expl, ws, x, row, out, out + k * m,
                                     out + 2 * k * m, &n_evals);
    out[2 * k * m + k] = (double)n_evals;
    return rc;
}

static int ts_explain(const void *expl, xpl_workspace *ws, const double *x,
                      size_t row, size_t m, size_t k, double *out)
{
    (void)row;
    return xpl_tree_shap_explain(expl, ws, x, out, out + k * m);
}

static int ls_explain(const void *expl, xpl_workspace *ws, const double *x,
                      size_t row, size_t m, size_t k, double *out)
{
    (void)ws;
    (void)row;
    return xpl_linear_shap_explain(expl, x, out, out + k * m);
}

/* LIME: weights, their standard deviations, selection frequencies, the
 * selection flags and the summary, all as doubles. */
enum { LIME_SUMMARY = 9 };

static int lime_explain(const void *expl, xpl_workspace *ws, const double *x,
                        size_t row, size_t m, size_t k, double *out)
{
    (void)k;
    unsigned char sel[64];
    xpl_lime_summary s;
    if (m > sizeof sel)
        return XPL_EINVAL; /* lime_shared checks the model's width */
    int rc = xpl_lime_explain(expl, ws, x, row, out, sel, out + m,
                              out + 2 * m, &s);
    if (rc)
        return rc;
    for (size_t j = 0; j < m; j++)
        out[3 * m + j] = sel[j];
    double *o = out + 4 * m;
    const double sum[LIME_SUMMARY] = {
        s.intercept, s.intercept_std, s.score, s.score_std,
        s.local_prediction, s.local_prediction_std, s.prediction,
        (double)s.explained_class, (double)s.n_selected,
    };
    memcpy(o, sum, sizeof sum);
    return rc;
}

struct shared {
    const struct method *method;
    const double *x;      /* rows x n_features */
    size_t n_rows, n_features, n_outputs;
    double *out;          /* rows x width, written by whoever takes a row */
    atomic_size_t next;   /* the next row to take */
};

struct worker {
    struct shared *s;
    int rc;
    size_t taken;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    xpl_workspace *ws = NULL;
    w->rc = xpl_workspace_new(&ws);
    for (;;) {
        size_t i = atomic_fetch_add(&s->next, 1);
        if (i >= s->n_rows || w->rc != XPL_OK)
            break;
        w->rc = s->method->explain(s->method->expl, ws,
                                   s->x + i * s->n_features, i, s->n_features,
                                   s->n_outputs,
                                   s->out + i * s->method->width);
        w->taken++;
    }
    xpl_workspace_free(ws);
    return NULL;
}

/* Explain the first n_rows rows on one thread, then twice on 8 threads,
 * and compare the bytes. */
static void check_method(const struct method *method, const xpl_dataset *data,
                         size_t n_rows, size_t n_outputs)
{
    size_t m = xpl_dataset_n_cols(data);
    if (n_rows > xpl_dataset_n_rows(data))
        n_rows = xpl_dataset_n_rows(data);
    size_t bytes = n_rows * method->width * sizeof(double);
    double *want = malloc(bytes), *got = malloc(bytes);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    /* NaN-free padding: every slot a method does not write compares equal. */
    memset(want, 0, bytes);

    struct shared s = { method, xpl_dataset_data(data), n_rows, m,
                        n_outputs, want, 0 };
    struct worker one = { &s, 0, 0 };
    work(&one);
    ck_assert_msg(one.rc == XPL_OK, "%s: %s", method->name,
                  xpl_last_error());

    for (int rep = 0; rep < 2; rep++) {
        memset(got, 0, bytes);
        s.out = got;
        atomic_store(&s.next, 0);
        pthread_t t[N_THREADS];
        struct worker w[N_THREADS];
        for (int i = 0; i < N_THREADS; i++) {
            w[i] = (struct worker){ &s, 0, 0 };
            ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
        }
        size_t taken = 0;
        for (int i = 0; i < N_THREADS; i++) {
            ck_assert_int_eq(pthread_join(t[i], NULL), 0);
            ck_assert_msg(w[i].rc == XPL_OK, "%s, thread %d: rc %d",
                          method->name, i, w[i].rc);
            taken += w[i].taken;
        }
        ck_assert_uint_eq(taken, n_rows);
        for (size_t i = 0; i < n_rows; i++)
            ck_assert_msg(memcmp(got + i * method->width,
                                 want + i * method->width,
                                 method->width * sizeof(double)) == 0,
                          "%s: row %zu differs between 1 and %d threads",
                          method->name, i, N_THREADS);
    }
    free(want);
    free(got);
}

static const char model_path[] = "data/models/breast_cancer_xgb.bin";
static const char data_path[] = "data/breast_cancer.csv";

START_TEST(kernel_shap_shared)
{
    xpl_model *m = load_model(model_path);
    size_t nf = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(data_path, xpl_model_feature_names(m), nf);
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    /* Small budgets keep it quick under ThreadSanitizer; each sampler
     * has its own scratch layout, so each is run. */
    o.nsamples = 48;
    o.seed = 7;
    o.sampler = (xpl_ks_sampler)_i;
    xpl_kernel_shap *ks = NULL;
    ck_assert_msg(xpl_kernel_shap_new(&ks, m, NULL, &o) == XPL_OK, "%s",
                  xpl_last_error());
    struct method method = { "kernel shap", 2 * k * nf + 2 * k, ks_explain,
                             ks };
    check_method(&method, x, 40, k);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

START_TEST(tree_shap_shared)
{
    xpl_model *m = load_model(model_path);
    size_t nf = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(data_path, xpl_model_feature_names(m), nf);
    /* _i = 0: path-dependent; 1: interventional over the model's
     * embedded background. */
    const xpl_dataset *bg = _i ? xpl_model_background(m) : NULL;
    ck_assert(!_i || bg);
    xpl_tree_shap *ts = NULL;
    ck_assert_msg(xpl_tree_shap_new(&ts, m, bg) == XPL_OK, "%s",
                  xpl_last_error());
    ck_assert_int_eq(xpl_tree_shap_is_interventional(ts), _i);
    struct method method = { _i ? "interventional treeshap"
                                : "path-dependent treeshap",
                             k * nf + k, ts_explain, ts };
    /* Interventional costs a walk per background row: fewer rows. */
    check_method(&method, x, _i ? 120 : xpl_dataset_n_rows(x), k);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

START_TEST(linear_shap_shared)
{
    /* _i = 0: one output (diabetes); 1: three (wine, softmax margins) */
    const char *mp = _i ? "data/models/wine_logistic.bin"
                        : "data/models/diabetes_linear.bin";
    const char *dp = _i ? "data/wine.csv" : "data/diabetes.csv";
    xpl_model *m = load_model(mp);
    size_t nf = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(dp, xpl_model_feature_names(m), nf);
    xpl_linear_shap *ls = NULL;
    ck_assert_msg(xpl_linear_shap_new(&ls, m, NULL) == XPL_OK, "%s",
                  xpl_last_error());
    struct method method = { _i ? "linear shap, 3 outputs" : "linear shap",
                             k * nf + k, ls_explain, ls };
    check_method(&method, x, xpl_dataset_n_rows(x), k);
    xpl_linear_shap_free(ls);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

START_TEST(lime_shared)
{
    xpl_model *m = load_model(model_path);
    size_t nf = xpl_model_n_features(m);
    ck_assert(nf <= 64);
    xpl_dataset *x = read_columns(data_path, xpl_model_feature_names(m), nf);
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    /* small budgets keep it quick under ThreadSanitizer; _i = 1 runs
     * repeats (std and frequencies) without discretizing, sampling around
     * the row */
    o.num_samples = 300;
    o.seed = 11;
    if (_i) {
        o.discretizer = XPL_LIME_NONE;
        o.sample_around_instance = 1;
        o.repeats = 3;
        o.num_features = 5;
    }
    xpl_lime *l = NULL;
    ck_assert_msg(xpl_lime_new(&l, m, NULL, &o) == XPL_OK, "%s",
                  xpl_last_error());
    struct method method = { _i ? "lime, repeats, no discretizer" : "lime",
                             4 * nf + LIME_SUMMARY, lime_explain, l };
    check_method(&method, x, 32, 1);
    xpl_lime_free(l);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

START_TEST(predict_shared)
{
    check_threads_match(model_path, data_path, XPL_OUTPUT_PROBABILITY, 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("concurrency");
    TCase *tc = tcase_create("shared explainers");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, kernel_shap_shared, XPL_KS_SAMPLER_XPLAIN,
                        XPL_KS_SAMPLER_LEVERAGE + 1);
    tcase_add_loop_test(tc, tree_shap_shared, 0, 2);
    tcase_add_loop_test(tc, linear_shap_shared, 0, 2);
    tcase_add_loop_test(tc, lime_shared, 0, 2);
    tcase_add_test(tc, predict_shared);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
