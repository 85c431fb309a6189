/* LightGBM text models and categorical splits: predictions equal
 * LightGBM's predict(raw_score=True) and predict(), path-dependent
 * TreeSHAP equals pred_contrib, XGBoost's categorical JSON equals XGBoost;
 * every fixture was written by the real libraries
 * (tools/make_categorical_models.py). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"
#include <xplain/xplain.h>

#define DIR "tests/fixtures/categorical/"

static const char *const features[] = { "num_a", "num_nan", "num_zero",
                                        "cat_big", "cat_small" };
enum { P = 5 };

struct pcase {
    const char *model;
    size_t k;     /* outputs */
    int contrib;  /* a pred_contrib fixture exists */
    double tol;   /* relative, on raw scores and responses */
};

/* LightGBM computes in double: 1e-9 relative. */
static const struct pcase cases[] = {
    { "lgb_regression", 1, 1, 1e-9 },
    { "lgb_regression_l1", 1, 1, 1e-9 },
    { "lgb_huber", 1, 1, 1e-9 },
    { "lgb_fair", 1, 1, 1e-9 },
    { "lgb_quantile", 1, 1, 1e-9 },
    { "lgb_mape", 1, 1, 1e-9 },
    { "lgb_sqrt", 1, 1, 1e-9 },
    { "lgb_binary", 1, 1, 1e-9 },
    { "lgb_multiclass", 3, 1, 1e-9 },
    { "lgb_multiclassova", 3, 1, 1e-9 },
    { "lgb_cross_entropy", 1, 1, 1e-9 },
    { "lgb_cross_entropy_lambda", 1, 1, 1e-9 },
    { "lgb_poisson", 1, 1, 1e-9 },
    { "lgb_gamma", 1, 1, 1e-9 },
    { "lgb_tweedie", 1, 1, 1e-9 },
    { "lgb_lambdarank", 1, 1, 1e-9 },
    { "lgb_rank_xendcg", 1, 1, 1e-9 },
    { "lgb_rf", 1, 1, 1e-9 },
    { "lgb_rf_binary", 1, 1, 1e-9 },
    { "lgb_zero_missing", 1, 1, 1e-9 },
    { "lgb_no_missing", 1, 1, 1e-9 },
    { "lgb_single_leaf", 1, 1, 1e-9 },
    { "lgb_deep", 1, 1, 1e-9 },
    /* XGBoost computes in float32: 1e-6 relative to max(1, |value|). */
    { "xgb3_reg", 1, 1, 1e-6 },
    { "xgb3_onehot", 1, 1, 1e-6 },
    { "xgb3_binary", 1, 1, 1e-6 },
    { "xgb3_multi", 3, 1, 1e-6 },
    { "xgb3_nan", 1, 1, 1e-6 },
    { "xgb1_reg", 1, 1, 1e-6 },
    { "xgb1_onehot", 1, 1, 1e-6 },
    { "xgb1_binary", 1, 1, 1e-6 },
    { "xgb1_multi", 3, 1, 1e-6 },
    { "xgb1_nan", 1, 1, 1e-6 },
};
#define N_CASES (sizeof cases / sizeof cases[0])

static const char *model_path(const struct pcase *c)
{
    static char path[128];
    snprintf(path, sizeof path, DIR "%s.%s", c->model,
             c->model[0] == 'l' ? "txt" : "json");
    return path;
}

static double rel_err(double got, double want)
{
    if (isnan(got) && isnan(want))
        return 0;
    double scale = fabs(want) > 1 ? fabs(want) : 1;
    double e = fabs(got - want) / scale;
    return e == e ? e : INFINITY;
}

static xpl_dataset *rows(void)
{
    return read_columns(DIR "rows.csv", features, P);
}

START_TEST(predictions_equal_the_library)
{
    const struct pcase *c = &cases[_i];
    xpl_model *m = load_model(model_path(c));
    size_t k = c->k;
    ck_assert_uint_eq(xpl_model_n_outputs(m), k);
    xpl_dataset *x = rows();
    size_t n = xpl_dataset_n_rows(x);
    char fixture[128], (*names)[32] = malloc(2 * k * sizeof *names);
    const char **cols = malloc(2 * k * sizeof *cols);
    for (size_t i = 0; i < k; i++) {
        snprintf(names[i], 32, "raw%zu", i);
        snprintf(names[k + i], 32, "response%zu", i);
        cols[i] = names[i];
        cols[k + i] = names[k + i];
    }
    snprintf(fixture, sizeof fixture, DIR "%s_pred.csv", c->model);
    xpl_dataset *ref = read_columns(fixture, cols, 2 * k);
    ck_assert_uint_eq(xpl_dataset_n_rows(ref), n);
    double *raw = malloc(n * k * sizeof *raw), *resp = malloc(n * k *
                                                              sizeof *resp);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RAW, raw), XPL_OK);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RESPONSE, resp), XPL_OK);
    const double *want = xpl_dataset_data(ref);
    /* In random-forest mode LightGBM's raw_score is the trees' sum, while
     * predict() links their mean; xplain's raw output is the mean, which
     * its response links (docs/tree-models.md). */
    const xpl__ensemble *e = xpl__trees_params(m);
    double rf = e->aggregation == XPL__AGG_MEAN ? e->n_feeding[0] : 1;
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < k; j++) {
            double er = rel_err(raw[r * k + j] * rf, want[r * 2 * k + j]);
            double ep = rel_err(resp[r * k + j], want[r * 2 * k + k + j]);
            ck_assert_msg(er <= c->tol && ep <= c->tol,
                          "%s row %zu output %zu: raw %.17g vs %.17g, "
                          "response %.17g vs %.17g", c->model, r, j,
                          raw[r * k + j], want[r * 2 * k + j],
                          resp[r * k + j], want[r * 2 * k + k + j]);
        }

    /* model.bin keeps every split kind, set and link scale: the same
     * predictions bit for bit after a round trip. */
    void *bin;
    size_t size;
    ck_assert_int_eq(xpl_model_serialize(m, &bin, &size), XPL_OK);
    xpl_model *m2;
    ck_assert_int_eq(xpl_model_load_buffer(&m2, bin, size, "rt.bin"), XPL_OK);
    double *again = malloc(n * k * sizeof *again);
    ck_assert_int_eq(xpl_model_predict(m2, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RESPONSE, again), XPL_OK);
    ck_assert_int_eq(memcmp(again, resp, n * k * sizeof *again), 0);
    xpl_model_free(m2);
    free(bin);
    free(again);
    free(raw);
    free(resp);
    free(cols);
    free(names);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* Path-dependent TreeSHAP against the library's own pred_contrib. */
START_TEST(tree_shap_equals_pred_contrib)
{
    const struct pcase *c = &cases[_i];
    xpl_model *m = load_model(model_path(c));
    const xpl__ensemble *e = xpl__trees_params(m);
    xpl__tree_shap_plan plan;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&plan, e), XPL_OK);
    void *scratch = malloc(xpl__tree_shap_scratch(e, &plan));
    size_t k = c->k;
    xpl_dataset *x = rows();
    size_t n = xpl_dataset_n_rows(x);
    char fixture[128], (*names)[32] = malloc(k * (P + 1) * sizeof *names);
    const char **cols = malloc(k * (P + 1) * sizeof *cols);
    for (size_t o = 0; o < k; o++)
        for (size_t j = 0; j <= P; j++) {
            snprintf(names[o * (P + 1) + j], 32, "out%zu_%s", o,
                     j < P ? features[j] : "bias");
            cols[o * (P + 1) + j] = names[o * (P + 1) + j];
        }
    snprintf(fixture, sizeof fixture, DIR "%s_contrib.csv", c->model);
    xpl_dataset *ref = read_columns(fixture, cols, k * (P + 1));
    const double *want = xpl_dataset_data(ref);
    /* LightGBM's random-forest mode sums the trees' contributions and
     * forgets to divide by their number (LightGBM issue 6217); xplain's
     * add up to the averaged prediction. */
    double rf = e->aggregation == XPL__AGG_MEAN ? e->n_feeding[0] : 1;
    double *phi = malloc(k * P * sizeof *phi);
    for (size_t r = 0; r < n; r++) {
        xpl__tree_shap_row(e, &plan, scratch, xpl_dataset_data(x) + r * P,
                           phi);
        for (size_t o = 0; o < k; o++)
            for (size_t j = 0; j <= P; j++) {
                double got = j < P ? phi[o * P + j] : plan.base_value[o];
                double w = want[r * k * (P + 1) + o * (P + 1) + j] / rf;
                ck_assert_msg(rel_err(got, w) <= c->tol,
                              "%s row %zu output %zu feature %zu: %.17g vs "
                              "%.17g", c->model, r, o, j, got, w);
            }
    }
    free(phi);
    free(cols);
    free(names);
    free(scratch);
    xpl__tree_shap_plan_free(&plan);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lightgbm");
    TCase *tc = tcase_create("parity");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, predictions_equal_the_library, 0, N_CASES);
    tcase_add_loop_test(tc, tree_shap_equals_pred_contrib, 0, N_CASES);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
