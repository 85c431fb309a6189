/* Models: the linear adapter against closed forms and scikit-learn's stored
 * predictions, links, user adapters, and sharing one model across threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "models/linear.h"
#include <xplain/adapter.h>
#include <xplain/xplain.h>

static xpl_model *linear(size_t m, size_t k, xpl_link link,
                         const double *b, const double *w)
{
    xpl_model *model = NULL;
    int rc = xpl__linear_model_new(&model, m, k, NULL, link, b, w);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return model;
}

START_TEST(linear_closed_form)
{
    const double b[] = { 0.5 }, w[] = { 2.385, -1.25 };
    xpl_model *m = linear(2, 1, XPL_LINK_IDENTITY, b, w);
    const double x[] = { 1.0, 2.0, -3.5, 0.25, 0.0, 0.0 };
    double y[3];
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 3, XPL_OUTPUT_RAW, y),
                     XPL_OK);
    ck_assert_double_eq(y[0], 0.5 + 2.385 - 2.5);
    ck_assert_double_eq(y[1], 0.5 + 2.385 * -3.5 - 1.25 * 0.25);
    ck_assert_double_eq(y[2], 0.5);
    ck_assert_str_eq(xpl_model_kind(m), "linear");
    ck_assert_str_eq(xpl_model_feature_name(m, 1), "f1");
    ck_assert_ptr_null(xpl_model_feature_name(m, 2));
    ck_assert_int_eq(xpl_model_link(m), XPL_LINK_IDENTITY);
    /* Missing values propagate: a NaN input never turns into a number. */
    const double nan_row[] = { NAN, 1.0 };
    ck_assert_int_eq(xpl_model_predict(m, NULL, nan_row, 1, XPL_OUTPUT_RAW, y),
                     XPL_OK);
    ck_assert(isnan(y[0]));
    /* Probabilities make no sense for a regression. */
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_PROBABILITY, y),
                     XPL_EINVAL);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "identity"));
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 0, XPL_OUTPUT_RAW, NULL),
                     XPL_OK);
    ck_assert_int_eq(xpl_model_predict(m, NULL, NULL, 1, XPL_OUTPUT_RAW, y),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 1, (xpl_output)7, y),
                     XPL_EINVAL);
    xpl_model_free(m);
}
END_TEST

START_TEST(logit_and_softmax_probabilities)
{
    const double b1[] = { -0.3 }, w1[] = { 1.7 };
    xpl_model *m = linear(1, 1, XPL_LINK_LOGIT, b1, w1);
    const double x[] = { 2.0, -800.0, 800.0 };
    double p[3];
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 3, XPL_OUTPUT_PROBABILITY, p),
                     XPL_OK);
    ck_assert(close_rel(p[0], 1.0 / (1.0 + exp(-(1.7 * 2.0 - 0.3))), 1e-15));
    ck_assert(p[1] >= 0.0 && p[1] < 1e-300);
    ck_assert_double_eq(p[2], 1.0);
    xpl_model_free(m);

    const double b3[] = { 0.1, 0.2, 0.3 };
    const double w3[] = { 1.0, -1.0, 0.5, 2.0, 0.0, -3.0 };
    m = linear(2, 3, XPL_LINK_SOFTMAX, b3, w3);
    const double rows[] = { 0.7, -1.2, 1000.0, 1000.0 };
    double raw[6], prob[6];
    ck_assert_int_eq(xpl_model_predict(m, NULL, rows, 2, XPL_OUTPUT_RAW, raw),
                     XPL_OK);
    ck_assert_int_eq(xpl_model_predict(m, NULL, rows, 2, XPL_OUTPUT_PROBABILITY,
                                       prob), XPL_OK);
    for (int r = 0; r < 2; r++) {
        double sum = 0, denom = 0, max = raw[r * 3];
        for (int k = 1; k < 3; k++)
            max = fmax(max, raw[r * 3 + k]);
        for (int k = 0; k < 3; k++)
            denom += exp(raw[r * 3 + k] - max);
        for (int k = 0; k < 3; k++) {
            ck_assert(isfinite(prob[r * 3 + k]));
            ck_assert(close_rel(prob[r * 3 + k],
                                exp(raw[r * 3 + k] - max) / denom, 1e-14));
            sum += prob[r * 3 + k];
        }
        ck_assert(fabs(sum - 1.0) < 1e-15);
    }
    xpl_model_free(m);
}
END_TEST

START_TEST(invalid_linear_models)
{
    xpl_model *m = (xpl_model *)&m;
    const double b[] = { 0.0, 0.0 }, w[] = { 1.0, 2.0 };
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, NULL, XPL_LINK_SOFTMAX, b,
                                           w), XPL_EINVAL);
    ck_assert_ptr_null(m);
    const char *dup[] = { "a", "a" };
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, dup, XPL_LINK_IDENTITY, b,
                                           w), XPL_EINVAL);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "duplicate"));
    const char *empty[] = { "a", "" };
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, empty, XPL_LINK_IDENTITY,
                                           b, w), XPL_EINVAL);
    const char *latin1[] = { "a", "caf\xe9" }; /* not UTF-8 */
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, latin1,
                                           XPL_LINK_IDENTITY, b, w),
                     XPL_EINVAL);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "not valid UTF-8"));
    const double inf_w[] = { 1.0, INFINITY };
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, NULL, XPL_LINK_IDENTITY,
                                           b, inf_w), XPL_EFORMAT);
    const double nan_b[] = { NAN };
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, NULL, XPL_LINK_IDENTITY,
                                           nan_b, w), XPL_EFORMAT);
    ck_assert_int_eq(xpl__linear_model_new(&m, 0, 1, NULL, XPL_LINK_IDENTITY,
                                           b, w), XPL_EINVAL);
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, NULL, XPL_LINK_LOG, b, w),
                     XPL_EUNSUPPORTED);
    ck_assert_int_eq(xpl__linear_model_new(&m, XPL_MAX_FEATURES + 1, 1, NULL,
                                           XPL_LINK_IDENTITY, b, w) != XPL_OK,
                     1);
}
END_TEST

/* ---- user adapters ---- */

struct user_model {
    double scale;
    int destroyed_flag_index;
};

static int destroyed[4];

static size_t user_scratch(const void *state, size_t n_rows)
{
    (void)state;
    return n_rows * sizeof(double);
}

static int user_predict(const void *state, void *scratch, const double *x,
                        size_t n_rows, size_t n_cols, double *out)
{
    const struct user_model *u = state;
    double *tmp = scratch;
    for (size_t r = 0; r < n_rows; r++) {
        tmp[r] = 0;
        for (size_t j = 0; j < n_cols; j++)
            tmp[r] += x[r * n_cols + j];
    }
    for (size_t r = 0; r < n_rows; r++) {
        out[2 * r] = u->scale * tmp[r];
        out[2 * r + 1] = -u->scale * tmp[r];
    }
    return u->scale < 0 ? 5 : 0;
}

static void user_destroy(void *state)
{
    struct user_model *u = state;
    destroyed[u->destroyed_flag_index] = 1;
    free(u);
}

static const xpl_adapter user_ops = {
    .version = XPL_ADAPTER_VERSION,
    .name = "user-sum",
    .scratch_size = user_scratch,
    .predict_batch = user_predict,
    .destroy = user_destroy,
};

START_TEST(wrapped_user_model)
{
    struct user_model *u = malloc(sizeof *u);
    u->scale = 2.0;
    u->destroyed_flag_index = 0;
    const char *names[] = { "x", "y", "z" };
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, 3, 2, names,
                            XPL_LINK_SOFTMAX };
    xpl_model *m;
    ck_assert_int_eq(xpl_model_wrap(&m, &user_ops, u, &spec), XPL_OK);
    ck_assert_str_eq(xpl_model_kind(m), "user-sum");
    ck_assert_uint_eq(xpl_model_n_outputs(m), 2);
    ck_assert_str_eq(xpl_model_feature_names(m)[2], "z");
    const double x[] = { 1, 2, 3, 0.5, 0.5, 0.5 };
    double y[4];
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    ck_assert_int_eq(xpl_model_predict(m, ws, x, 2, XPL_OUTPUT_RAW, y), XPL_OK);
    ck_assert_double_eq(y[0], 12.0);
    ck_assert_double_eq(y[1], -12.0);
    ck_assert_double_eq(y[2], 3.0);
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 2, XPL_OUTPUT_PROBABILITY, y),
                     XPL_OK);
    ck_assert(close_rel(y[0] + y[1], 1.0, 1e-15));
    /* A user model cannot be written to model.bin. */
    void *buf;
    size_t size;
    ck_assert_int_eq(xpl_model_serialize(m, &buf, &size), XPL_EUNSUPPORTED);
    u->scale = -1.0;
    ck_assert_int_eq(xpl_model_predict(m, ws, x, 2, XPL_OUTPUT_RAW, y),
                     XPL_EUSER);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "user-sum"));
    xpl_workspace_free(ws);
    xpl_model_free(m);
    ck_assert_int_eq(destroyed[0], 1);
}
END_TEST

START_TEST(wrap_rejects_bad_tables)
{
    xpl_model *m = (xpl_model *)&m;
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, 2, 1, NULL,
                            XPL_LINK_IDENTITY };
    xpl_adapter ops = user_ops;
    ops.version = 99;
    ck_assert_int_eq(xpl_model_wrap(&m, &ops, NULL, &spec), XPL_EINVAL);
    ck_assert_ptr_null(m);
    ops = user_ops;
    ops.predict_batch = NULL;
    ck_assert_int_eq(xpl_model_wrap(&m, &ops, NULL, &spec), XPL_EINVAL);
    ops = user_ops;
    spec.version = 0;
    ck_assert_int_eq(xpl_model_wrap(&m, &ops, NULL, &spec), XPL_EINVAL);
    spec.version = XPL_MODEL_SPEC_VERSION;
    spec.n_features = 0;
    ck_assert_int_eq(xpl_model_wrap(&m, &ops, NULL, &spec), XPL_EINVAL);
    spec.n_features = 2;
    spec.link = (xpl_link)42;
    ck_assert_int_eq(xpl_model_wrap(&m, &ops, NULL, &spec), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_wrap(NULL, &ops, NULL, &spec), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_wrap(&m, NULL, NULL, &spec), XPL_EINVAL);
    xpl_model_free(NULL);
}
END_TEST

START_TEST(background_and_stats_must_match_features)
{
    const double b[] = { 0.0 }, w[] = { 1.0, 2.0 };
    const char *names[] = { "age", "bmi" };
    xpl_model *m;
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, names, XPL_LINK_IDENTITY,
                                           b, w), XPL_OK);
    const double rows[] = { 1, 2, 3, 4 };
    const char *swapped[] = { "bmi", "age" };
    xpl_dataset *bg;
    ck_assert_int_eq(xpl_dataset_new(&bg, 2, 2, rows, swapped, NULL), XPL_OK);
    ck_assert_int_eq(xpl_model_set_background(m, bg), XPL_ESHAPE);
    ck_assert_ptr_null(xpl_model_background(m));
    xpl_dataset_free(bg);
    ck_assert_int_eq(xpl_dataset_new(&bg, 2, 2, rows, names, NULL), XPL_OK);
    ck_assert_int_eq(xpl_model_set_background(m, bg), XPL_OK);
    xpl_dataset_free(bg);
    ck_assert_uint_eq(xpl_dataset_n_rows(xpl_model_background(m)), 2);

    xpl_dataset *one;
    ck_assert_int_eq(xpl_dataset_new(&one, 2, 1, rows, NULL, NULL), XPL_OK);
    xpl_stats *s;
    ck_assert_int_eq(xpl_stats_compute(&s, one), XPL_OK);
    ck_assert_int_eq(xpl_model_set_stats(m, s), XPL_ESHAPE);
    xpl_stats_free(s);
    xpl_dataset_free(one);
    xpl_model_free(m);
}
END_TEST

/* ---- parity with scikit-learn ---- */

/* Predict `data` with `model` and compare every value with the columns of a
 * fixture file holding scikit-learn's own outputs. */
static void check_parity(const char *model_rel, const char *data_rel,
                         const char *fixture_rel, const char *const *cols,
                         xpl_output kind)
{
    xpl_model *m = NULL;
    int rc = xpl_model_load(&m, src_path(model_rel));
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    size_t k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(data_rel, xpl_model_feature_names(m),
                                  xpl_model_n_features(m));
    xpl_dataset *ref = read_columns(fixture_rel, cols, k);
    size_t n = xpl_dataset_n_rows(x);
    ck_assert_uint_eq(n, xpl_dataset_n_rows(ref));
    ck_assert_uint_gt(n, 100);
    double *y = malloc(n * k * sizeof *y);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n, kind, y),
                     XPL_OK);
    const double *want = xpl_dataset_data(ref);
    double worst = 0;
    for (size_t i = 0; i < n * k; i++) {
        double scale = fabs(want[i]) > 1 ? fabs(want[i]) : 1;
        double err = fabs(y[i] - want[i]) / scale;
        if (err > worst)
            worst = err;
    }
    ck_assert_msg(worst <= 1e-12, "%s: worst relative error %g", model_rel,
                  worst);
    free(y);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}

START_TEST(diabetes_linear_regression_matches_sklearn)
{
    const char *cols[] = { "prediction" };
    check_parity("data/models/diabetes_linear.json", "data/diabetes.csv",
                 "tests/fixtures/diabetes_linear_pred.csv", cols,
                 XPL_OUTPUT_RAW);
}
END_TEST

START_TEST(breast_cancer_logistic_matches_sklearn)
{
    const char *margin[] = { "margin" }, *prob[] = { "probability" };
    check_parity("data/models/breast_cancer_logistic.json",
                 "data/breast_cancer.csv",
                 "tests/fixtures/breast_cancer_logistic_pred.csv", margin,
                 XPL_OUTPUT_RAW);
    check_parity("data/models/breast_cancer_logistic.json",
                 "data/breast_cancer.csv",
                 "tests/fixtures/breast_cancer_logistic_pred.csv", prob,
                 XPL_OUTPUT_PROBABILITY);
}
END_TEST

START_TEST(wine_multinomial_matches_sklearn)
{
    const char *margin[] = { "margin_0", "margin_1", "margin_2" };
    const char *prob[] = { "proba_0", "proba_1", "proba_2" };
    check_parity("data/models/wine_logistic.json", "data/wine.csv",
                 "tests/fixtures/wine_logistic_pred.csv", margin,
                 XPL_OUTPUT_RAW);
    check_parity("data/models/wine_logistic.json", "data/wine.csv",
                 "tests/fixtures/wine_logistic_pred.csv", prob,
                 XPL_OUTPUT_PROBABILITY);
}
END_TEST

START_TEST(shipped_bins_match_their_json)
{
    static const char *pairs[][3] = {
        { "data/models/diabetes_linear.json", "data/models/diabetes_linear.bin",
          "data/diabetes.csv" },
        { "data/models/breast_cancer_logistic.json",
          "data/models/breast_cancer_logistic.bin", "data/breast_cancer.csv" },
        { "data/models/wine_logistic.json", "data/models/wine_logistic.bin",
          "data/wine.csv" },
    };
    for (size_t p = 0; p < 3; p++) {
        xpl_model *a, *b;
        ck_assert_int_eq(xpl_model_load(&a, src_path(pairs[p][0])), XPL_OK);
        ck_assert_msg(xpl_model_load(&b, src_path(pairs[p][1])) == XPL_OK, "%s",
                      xpl_last_error());
        ck_assert_ptr_nonnull(xpl_model_background(b));
        ck_assert_ptr_nonnull(xpl_model_stats(b));
        xpl_dataset *x = read_columns(pairs[p][2], xpl_model_feature_names(a),
                                      xpl_model_n_features(a));
        size_t n = xpl_dataset_n_rows(x) * xpl_model_n_outputs(a);
        double *ya = malloc(n * sizeof *ya), *yb = malloc(n * sizeof *yb);
        ck_assert_int_eq(xpl_model_predict(a, NULL, xpl_dataset_data(x),
                                           xpl_dataset_n_rows(x),
                                           XPL_OUTPUT_RAW, ya), XPL_OK);
        ck_assert_int_eq(xpl_model_predict(b, NULL, xpl_dataset_data(x),
                                           xpl_dataset_n_rows(x),
                                           XPL_OUTPUT_RAW, yb), XPL_OK);
        ck_assert_mem_eq(ya, yb, n * sizeof *ya);
        free(ya);
        free(yb);
        xpl_dataset_free(x);
        xpl_model_free(a);
        xpl_model_free(b);
    }
}
END_TEST

/* ---- threads ---- */

START_TEST(threads_share_one_model)
{
    check_threads_match("data/models/wine_logistic.json", "data/wine.csv",
                        XPL_OUTPUT_PROBABILITY, 20);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("models");
    TCase *tc = tcase_create("linear");
    tcase_add_test(tc, linear_closed_form);
    tcase_add_test(tc, logit_and_softmax_probabilities);
    tcase_add_test(tc, invalid_linear_models);
    tcase_add_test(tc, wrapped_user_model);
    tcase_add_test(tc, wrap_rejects_bad_tables);
    tcase_add_test(tc, background_and_stats_must_match_features);
    suite_add_tcase(s, tc);
    TCase *parity = tcase_create("sklearn");
    tcase_add_test(parity, diabetes_linear_regression_matches_sklearn);
    tcase_add_test(parity, breast_cancer_logistic_matches_sklearn);
    tcase_add_test(parity, wine_multinomial_matches_sklearn);
    tcase_add_test(parity, shipped_bins_match_their_json);
    tcase_add_test(parity, threads_share_one_model);
    suite_add_tcase(s, parity);
    return run_suite(s);
}
