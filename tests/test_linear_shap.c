/* Linear SHAP: equal to brute-force interventional Shapley values, exactly
 * additive, background from arguments, the model file or its statistics,
 * and clear errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"

#include <xplain/xplain.h>

/* Rows [start, start + n) of a CSV's model columns, optionally weighted. */
static xpl_dataset *rows_for(const xpl_model *m, const char *rel,
                             size_t start, size_t n, const double *w)
{
    xpl_dataset *all = read_columns(rel, xpl_model_feature_names(m),
                                    xpl_model_n_features(m));
    size_t P = xpl_model_n_features(m);
    ck_assert(start + n <= xpl_dataset_n_rows(all));
    xpl_dataset *out = NULL;
    int rc = xpl_dataset_new(&out, n, P, xpl_dataset_data(all) + start * P,
                             xpl_model_feature_names(m), w);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    xpl_dataset_free(all);
    return out;
}

/* Linear SHAP on rows [first, first + n) of data against brute force with
 * background rows [0, n_bg), to 1e-10 relative; and efficiency. */
static void versus_brute_force(const char *model, const char *data,
                               size_t n_bg, const double *w, size_t first,
                               size_t n)
{
    xpl_model *m = load_model(model);
    xpl_dataset *bg = rows_for(m, data, 0, n_bg, w);
    xpl_dataset *rows = rows_for(m, data, first, n, NULL);
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    xpl_linear_shap *ls = NULL;
    ck_assert_msg(xpl_linear_shap_new(&ls, m, bg) == XPL_OK, "%s",
                  xpl_last_error());
    ck_assert_uint_eq(xpl_linear_shap_n_outputs(ls), D);
    ck_assert_uint_eq(xpl_linear_shap_n_features(ls), P);
    const double *base = xpl_linear_shap_base_values(ls);
    double *phi = malloc(D * P * sizeof *phi);
    double *want = malloc(D * P * sizeof *want);
    double pred[16];
    ck_assert(phi && want && D <= 16);
    for (size_t r = 0; r < n; r++) {
        const double *x = xpl_dataset_data(rows) + r * P;
        ck_assert(xpl_linear_shap_explain(ls, x, phi, pred) == XPL_OK);
        brute_force_shapley(m, bg, x, XPL_OUTPUT_RAW, want);
        double model_pred[16];
        ck_assert(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_RAW,
                                    model_pred) == XPL_OK);
        for (size_t d = 0; d < D; d++) {
            double sum = 0, scale = 0;
            for (size_t j = 0; j < P; j++)
                scale = fmax(scale, fabs(want[d * P + j]));
            for (size_t j = 0; j < P; j++) {
                sum += phi[d * P + j];
                ck_assert_msg(fabs(phi[d * P + j] - want[d * P + j]) <=
                                  1e-10 * fmax(1, scale),
                              "%s row %zu output %zu feature %zu: %.17g vs "
                              "brute force %.17g", model, first + r, d, j,
                              phi[d * P + j], want[d * P + j]);
            }
            ck_assert_msg(close_rel(pred[d], model_pred[d], 1e-12),
                          "prediction %.17g vs model %.17g", pred[d],
                          model_pred[d]);
            ck_assert_msg(close_rel(base[d] + sum, pred[d], 1e-10),
                          "base %.17g + sum %.17g != prediction %.17g",
                          base[d], sum, pred[d]);
        }
    }
    free(phi);
    free(want);
    xpl_linear_shap_free(ls);
    xpl_dataset_free(rows);
    xpl_dataset_free(bg);
    xpl_model_free(m);
}

START_TEST(regression_equals_brute_force)
{
    versus_brute_force("data/models/diabetes_linear.json", "data/diabetes.csv",
                       40, NULL, 100, 5);
}
END_TEST

START_TEST(multiclass_margins_equal_brute_force)
{
    /* classification margins: 13 features, 3 softmax outputs (breast
     * cancer's 30 features are too many to enumerate) */
    versus_brute_force("data/models/wine_logistic.json", "data/wine.csv", 12,
                       NULL, 60, 2);
}
END_TEST

START_TEST(weighted_background)
{
    double w[8] = { 1, 2, 3, 4, 0.5, 0.25, 7, 1 };
    versus_brute_force("data/models/diabetes_linear.json", "data/diabetes.csv",
                       8, w, 200, 3);
}
END_TEST

/* Without a background argument the model's embedded background is used;
 * without that, its statistics' means. */
START_TEST(embedded_background_and_statistics)
{
    xpl_model *m = load_model("data/models/diabetes_linear.bin");
    const xpl_dataset *bg = xpl_model_background(m);
    ck_assert_ptr_nonnull(bg);
    xpl_linear_shap *a = NULL, *b = NULL;
    ck_assert(xpl_linear_shap_new(&a, m, NULL) == XPL_OK);
    ck_assert(xpl_linear_shap_new(&b, m, bg) == XPL_OK);
    size_t P = xpl_model_n_features(m);
    for (size_t j = 0; j < P; j++)
        ck_assert(xpl_linear_shap_means(a)[j] == xpl_linear_shap_means(b)[j]);
    xpl_linear_shap_free(a);
    xpl_linear_shap_free(b);

    /* statistics only: the JSON model plus statistics of known means */
    xpl_model *json = load_model("data/models/diabetes_linear.json");
    xpl_dataset *data = rows_for(json, "data/diabetes.csv", 0, 50, NULL);
    xpl_stats *st = NULL;
    ck_assert(xpl_stats_compute(&st, data) == XPL_OK);
    ck_assert(xpl_model_set_stats(json, st) == XPL_OK);
    ck_assert(xpl_linear_shap_new(&a, json, NULL) == XPL_OK);
    for (size_t j = 0; j < P; j++) {
        double mean = 0;
        for (size_t i = 0; i < 50; i++)
            mean += xpl_dataset_data(data)[i * P + j] / 50;
        ck_assert_msg(close_rel(xpl_linear_shap_means(a)[j], mean, 1e-12),
                      "feature %zu: %.17g vs %.17g", j,
                      xpl_linear_shap_means(a)[j], mean);
    }
    xpl_linear_shap_free(a);
    xpl_stats_free(st);
    xpl_dataset_free(data);
    xpl_model_free(json);
    xpl_model_free(m);
}
END_TEST

/* A missing input: its own contribution and the prediction are NaN, the
 * other contributions are unaffected. */
START_TEST(missing_input)
{
    xpl_model *m = load_model("data/models/diabetes_linear.bin");
    size_t P = xpl_model_n_features(m);
    xpl_linear_shap *ls = NULL;
    ck_assert(xpl_linear_shap_new(&ls, m, NULL) == XPL_OK);
    double x[64], phi[64], full[64], pred;
    ck_assert(P <= 64);
    for (size_t j = 0; j < P; j++)
        x[j] = 0.01 * (double)j;
    ck_assert(xpl_linear_shap_explain(ls, x, full, NULL) == XPL_OK);
    x[3] = NAN;
    ck_assert(xpl_linear_shap_explain(ls, x, phi, &pred) == XPL_OK);
    ck_assert(isnan(pred));
    for (size_t j = 0; j < P; j++)
        if (j == 3)
            ck_assert(isnan(phi[j]));
        else
            ck_assert(phi[j] == full[j]);
    xpl_linear_shap_free(ls);
    xpl_model_free(m);
}
END_TEST

static void expect_error(const xpl_model *m, const xpl_dataset *bg, int want,
                         const char *needle)
{
    xpl_linear_shap *ls = (xpl_linear_shap *)1;
    int rc = xpl_linear_shap_new(&ls, m, bg);
    ck_assert_msg(rc == want, "rc %d (%s), want %d", rc, xpl_last_error(),
                  want);
    ck_assert_ptr_null(ls);
    ck_assert_msg(strstr(xpl_last_error(), needle), "message \"%s\" lacks "
                  "\"%s\"", xpl_last_error(), needle);
}

START_TEST(errors)
{
    xpl_model *tree = load_model("data/models/diabetes_xgb.json");
    expect_error(tree, NULL, XPL_EUNSUPPORTED, "linear model");
    expect_error(NULL, NULL, XPL_EINVAL, "NULL");
    ck_assert(xpl_linear_shap_new(NULL, tree, NULL) == XPL_EINVAL);

    xpl_model *m = load_model("data/models/diabetes_linear.json");
    expect_error(m, NULL, XPL_EINVAL, "background");

    size_t P = xpl_model_n_features(m);
    double x[2 * 64];
    ck_assert(P <= 64);
    for (size_t i = 0; i < 2 * P; i++)
        x[i] = (double)i;
    x[P + 2] = NAN;
    xpl_dataset *bg = NULL;
    ck_assert(xpl_dataset_new(&bg, 2, P, x, xpl_model_feature_names(m),
                              NULL) == XPL_OK);
    expect_error(m, bg, XPL_ENUMERIC, "missing");
    xpl_dataset_free(bg);

    const char *names[64];
    for (size_t j = 0; j < P; j++)
        names[j] = xpl_model_feature_name(m, j);
    names[1] = "not_a_feature";
    ck_assert(xpl_dataset_new(&bg, 1, P, x, names, NULL) == XPL_OK);
    expect_error(m, bg, XPL_ESHAPE, "not_a_feature");
    xpl_dataset_free(bg);

    double zero[2] = { 0, 0 };
    ck_assert(xpl_dataset_new(&bg, 2, P, x, xpl_model_feature_names(m),
                              zero) == XPL_OK);
    x[P + 2] = 1;
    xpl_dataset_free(bg);
    ck_assert(xpl_dataset_new(&bg, 2, P, x, xpl_model_feature_names(m),
                              zero) == XPL_OK);
    expect_error(m, bg, XPL_EINVAL, "weights");
    xpl_dataset_free(bg);

    double phi[64];
    ck_assert(xpl_linear_shap_explain(NULL, x, phi, NULL) == XPL_EINVAL);
    xpl_model_free(m);
    xpl_model_free(tree);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("linear_shap");
    TCase *t = tcase_create("linear_shap");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, regression_equals_brute_force);
    tcase_add_test(t, multiclass_margins_equal_brute_force);
    tcase_add_test(t, weighted_background);
    tcase_add_test(t, embedded_background_and_statistics);
    tcase_add_test(t, missing_input);
    tcase_add_test(t, errors);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
