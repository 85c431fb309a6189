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
#include "core/crc32.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/linear_trees.h"
#include "models/model_internal.h"
#include "models/trees.h"
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

/* Interventional TreeSHAP on categorical splits: exact, equal to
 * brute-force Shapley values over all 2^5 coalitions computed from the
 * library's own predictions (check_helpers.c). */
static const char *const brute_models[] = {
    DIR "lgb_regression.txt", DIR "lgb_multiclass.txt",
    DIR "lgb_zero_missing.txt", DIR "xgb3_reg.json", DIR "xgb1_nan.json",
    DIR "lgb_rf.txt",
};

START_TEST(interventional_equals_brute_force)
{
    xpl_model *m = load_model(brute_models[_i]);
    xpl_dataset *x = rows();
    /* the first 8 rows are the background; rows 8..39 hold the unseen,
     * negative, fractional and missing codes */
    check_interventional_brute_force(m, xpl_dataset_data(x),
                                     xpl_dataset_n_rows(x), 8, 8, 1e-9,
                                     brute_models[_i]);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* Interaction values on categorical splits: each row of the matrix sums
 * to the feature's contribution, the matrix is symmetric. */
START_TEST(interactions_sum_to_contributions)
{
    xpl_model *m = load_model(brute_models[_i]);
    const xpl__ensemble *e = xpl__trees_params(m);
    xpl__tree_shap_plan plan;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&plan, e), XPL_OK);
    size_t s1 = xpl__tree_interactions_scratch(e, &plan),
           s2 = xpl__tree_shap_scratch(e, &plan);
    void *scratch = malloc(s1 > s2 ? s1 : s2);
    xpl_dataset *x = rows();
    size_t k = e->n_outputs, side = P + 1;
    double *inter = malloc(k * side * side * sizeof *inter),
           *phi = malloc(k * P * sizeof *phi);
    for (size_t r = 0; r < xpl_dataset_n_rows(x); r++) {
        const double *xr = xpl_dataset_data(x) + r * P;
        xpl__tree_shap_row(e, &plan, scratch, xr, phi);
        xpl__tree_interactions_row(e, &plan, scratch, xr, inter);
        for (size_t o = 0; o < k; o++)
            for (size_t i = 0; i < P; i++) {
                const double *row = inter + o * side * side + i * side;
                double sum = 0;
                for (size_t j = 0; j < P; j++) {
                    sum += row[j];
                    double t = inter[o * side * side + j * side + i];
                    ck_assert(fabs(row[j] - t) <= 1e-9 * fmax(1, fabs(t)));
                }
                ck_assert_msg(fabs(sum - phi[o * P + i]) <=
                                  1e-9 * fmax(1, fabs(phi[o * P + i])),
                              "%s row %zu: %.17g vs %.17g", brute_models[_i],
                              r, sum, phi[o * P + i]);
            }
    }
    free(inter);
    free(phi);
    free(scratch);
    xpl_dataset_free(x);
    xpl__tree_shap_plan_free(&plan);
    xpl_model_free(m);
}
END_TEST

/* ---- bad input: every error names the file and line ---- */

static const struct bad_edit edits[] = {
    { "num_leaves=15", "num_leaves=abc", XPL_EFORMAT,
      "m.txt:13:12: LightGBM model: num_leaves: expected an integer" },
    { "left_child=3 4", "left_child=99 4", XPL_EFORMAT, "left_child" },
    { "decision_type=1 1", "decision_type=13 1", XPL_EFORMAT,
      "unknown missing type" },
    { "objective=regression", "objective=magic", XPL_EUNSUPPORTED,
      "m.txt:7:11: LightGBM objective \"magic\"" },
    { "end of trees", "end of tree", XPL_EFORMAT, "truncated" },
    { "Tree=1\n", "Tree=7\n", XPL_EFORMAT, "expected Tree=1" },
    { "cat_boundaries=0 1 2 3", "cat_boundaries=0 5 2 3", XPL_EFORMAT,
      "cat_boundaries" },
    { "max_feature_idx=4", "max_feature_idx=2", XPL_EFORMAT,
      "split_feature: expected an integer in range" },
    { "threshold=0 1 ", "threshold=7 1 ", XPL_EFORMAT,
      "category set 7 out of range" },
    { "num_class=1", "num_class=3", XPL_EFORMAT, "num_class" },
    { "objective=regression", "objective=binary sigmoid:-1", XPL_EFORMAT,
      "sigmoid:-1" },
    { "leaf_value=0.5", "leaf_value=nan", XPL_EFORMAT, "leaf_value" },
    { "cat_threshold=2377 130 1", "cat_threshold=2377 130", XPL_EFORMAT,
      "cat_threshold: expected 3 values, found 2" },
    { "feature_names=num_a num_nan", "feature_names=num_a num_a",
      XPL_EFORMAT, "duplicate feature name" },
    /* model.bin and JSON output need UTF-8 names (a fuzz finding) */
    { "feature_names=num_a num_nan", "feature_names=num_a num_\xfe\xff",
      XPL_EFORMAT, "m.txt:8:21: LightGBM model: feature name 2 is not "
      "valid UTF-8" },
    { "objective=regression", "objective=regression \xff:1", XPL_EFORMAT,
      "m.txt:7:11: LightGBM model: objective: not valid UTF-8" },
};

START_TEST(malformed_files)
{
    size_t size;
    char *text = read_source(DIR "lgb_regression.txt", &size);
    expect_bad_edit(text, "m.txt", &edits[_i], (size_t)_i);
    free(text);
}
END_TEST

/* Every prefix of a model is an error, never a crash or a model. */
START_TEST(truncated_files)
{
    size_t size;
    char *text = read_source(DIR "lgb_multiclass.txt", &size);
    size_t end = (size_t)(strstr(text, "end of trees") - text);
    for (size_t n = 0; n < end; n += n < 200 ? 1 : 97) {
        xpl_model *m = NULL;
        int rc = xpl_model_load_buffer(&m, text, n, "t.txt");
        ck_assert_msg(rc != XPL_OK, "prefix %zu loaded", n);
        ck_assert_ptr_null(m);
    }
    free(text);
}
END_TEST

/* Linear trees (linear_tree=true): predictions equal LightGBM's to 1e-9
 * relative on all 40 rows (NaN in a leaf's feature falls back to the leaf
 * value); TreeSHAP refuses them naming Kernel SHAP; Kernel SHAP on them
 * equals brute-force Shapley values from the model's own predictions;
 * model.bin 1.2 keeps them (the same predictions bit for bit, the same
 * bytes when written again). */
START_TEST(linear_trees)
{
    xpl_model *m = load_model(DIR "lgb_linear.txt");
    ck_assert_str_eq(xpl_model_kind(m), "lightgbm_linear_trees");
    xpl_dataset *x = rows();
    size_t n = xpl_dataset_n_rows(x);
    xpl_dataset *ref = read_columns(DIR "lgb_linear_pred.csv",
                                    (const char *const[]){ "raw0",
                                                           "response0" },
                                    2);
    double *raw = malloc(n * sizeof *raw);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RAW, raw), XPL_OK);
    size_t fallback = 0;
    for (size_t r = 0; r < n; r++) {
        const double *w = xpl_dataset_data(ref) + 2 * r;
        ck_assert_msg(rel_err(raw[r], w[0]) <= 1e-9 &&
                      rel_err(raw[r], w[1]) <= 1e-9,
                      "row %zu: %.17g vs %.17g", r, raw[r], w[0]);
        const double *row = xpl_dataset_data(x) + r * P;
        fallback += isnan(row[0]) || isnan(row[2]);
    }
    ck_assert_uint_ge(fallback, 2); /* the NaN fallback is exercised */
    free(raw);
    xpl_dataset_free(ref);

    /* the library's own linear parts matter: the routing trees alone
     * (leaf values) would not give these predictions */
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_TREE_SHAP;
    xpl_explainer *ex = NULL;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, NULL, &o), XPL_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "--method kernel-shap"));
    ck_assert_ptr_null(ex);

    /* Kernel SHAP (AUTO picks it) with 8 complete rows as background: all
     * 30 coalitions fit the budget, so it is exact. */
    double bgx[8 * P];
    size_t nb = 0;
    for (size_t r = 0; r < n && nb < 8; r++) {
        const double *row = xpl_dataset_data(x) + r * P;
        int complete = 1;
        for (size_t j = 0; j < P; j++)
            complete &= !isnan(row[j]);
        if (complete)
            memcpy(bgx + P * nb++, row, P * sizeof *row);
    }
    ck_assert_uint_eq(nb, 8);
    xpl_dataset *bg;
    ck_assert_int_eq(xpl_dataset_new(&bg, nb, P, bgx, features, NULL),
                     XPL_OK);
    o.method = XPL_METHOD_AUTO;
    o.output = XPL_OUTPUT_RAW;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, bg, &o), XPL_OK);
    ck_assert_str_eq(xpl_explainer_method(ex), "kernel-shap");
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    for (size_t i = 0; i < 3; i++) {
        const double *row = bgx + P * (i + 4);
        xpl_explanation e;
        ck_assert_int_eq(xpl_explainer_explain(ex, ws, row, &e), XPL_OK);
        double phi[P];
        brute_force_shapley(m, bg, row, XPL_OUTPUT_RAW, phi);
        for (size_t j = 0; j < P; j++)
            ck_assert_msg(fabs(e.contributions[j] - phi[j]) <= 1e-9,
                          "row %zu feature %zu: %.17g vs %.17g", i, j,
                          e.contributions[j], phi[j]);
    }
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    o.method = XPL_METHOD_LIME;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, bg, &o), XPL_OK);
    xpl_explainer_free(ex);
    xpl_dataset_free(bg);

    void *bin, *bin2;
    size_t size, size2;
    ck_assert_int_eq(xpl_model_serialize(m, &bin, &size), XPL_OK);
    ck_assert_uint_eq(((unsigned char *)bin)[10], 2); /* version 1.2 */
    xpl_model *m2;
    ck_assert_int_eq(xpl_model_load_buffer(&m2, bin, size, "lt.bin"),
                     XPL_OK);
    ck_assert_str_eq(xpl_model_kind(m2), "lightgbm_linear_trees");
    ck_assert_int_eq(xpl_model_serialize(m2, &bin2, &size2), XPL_OK);
    ck_assert_uint_eq(size, size2);
    ck_assert(memcmp(bin, bin2, size) == 0);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RAW, a), XPL_OK);
    ck_assert_int_eq(xpl_model_predict(m2, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RAW, b), XPL_OK);
    ck_assert(memcmp(a, b, n * sizeof *a) == 0);
    free(a);
    free(b);
    free(bin2);
    free(bin);
    /* a cost per row that Kernel SHAP can size its surrogate by: finite,
     * above the routing trees' own (depth + 1 steps per tree) by the
     * linear terms */
    const xpl__ensemble *route = xpl__linear_trees_routing(m);
    double walk = 0;
    for (size_t t = 0; t < route->n_trees; t++)
        walk += route->trees[t].depth + 1.0;
    ck_assert(isfinite(xpl__model_row_cost(m)));
    ck_assert_msg(xpl__model_row_cost(m) > walk, "%g vs %g",
                  xpl__model_row_cost(m), walk);
    ck_assert(xpl__model_row_cost(m2) == xpl__model_row_cost(m));
    ck_assert(xpl_model_feature_is_categorical(m, 3));
    xpl_model_free(m2);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* Malformed linear leaves. */
/* model.bin's LINEAR_LEAVES section, damaged one field at a time (the
 * CRC-32 recomputed so that the section parser sees it): each is an error
 * naming the file, never a model. */
static uint64_t le_get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void le_put(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

START_TEST(linear_trees_model_bin_bad)
{
    xpl_model *m = load_model(DIR "lgb_linear.txt");
    unsigned char *bin;
    size_t size;
    ck_assert_int_eq(xpl_model_serialize(m, (void **)&bin, &size), XPL_OK);
    xpl_model_free(m);
    size_t at = 16, leaves = 0;
    while (at + 16 <= size - 4) {
        if (le_get(bin + at, 4) == 4)
            leaves = at;
        at += 16 + le_get(bin + at + 8, 8);
    }
    ck_assert_uint_gt(leaves, 0);
    size_t p = leaves + 16;              /* payload: u64 n_trees */
    size_t n_trees = le_get(bin + p, 8);
    size_t leaf0 = p + 8 + 8 * n_trees;  /* first leaf */
    size_t leaf = leaf0, li = 0;         /* the first leaf with terms */
    while (le_get(bin + leaf + 16, 4) == 0) {
        leaf += 20;
        li++;
    }
    char lmsg[2][48];
    snprintf(lmsg[0], sizeof lmsg[0], "leaf %zu: feature 99 of 5", li);
    snprintf(lmsg[1], sizeof lmsg[1], "leaf %zu: coefficient not finite",
             li);
    double nan = NAN;
    uint64_t nan_bits;
    memcpy(&nan_bits, &nan, 8);
    const struct {
        size_t off;
        int width;
        uint64_t value;
        int code;
        const char *msg;
    } damage[] = {
        { 10, 2, 1, XPL_EFORMAT, "linear trees need model.bin 1.2" },
        { leaves, 4, 5, XPL_EFORMAT, "unknown required section type 5" },
        { p, 8, 0, XPL_EFORMAT, "0 trees" },
        { p, 8, n_trees + 1, XPL_EFORMAT, "lt.bin: offset" },
        { p + 8, 8, 1u << 30, XPL_EFORMAT, "leaves, expected 1" },
        { leaf0, 8, nan_bits, XPL_EFORMAT, "leaf 0: value not finite" },
        { leaf + 20, 4, 99, XPL_EFORMAT, lmsg[0] },
        { leaf + 24, 8, nan_bits, XPL_EFORMAT, lmsg[1] },
        { leaf0 + 16, 4, 0xffffffffu, XPL_EFORMAT, "linear terms" },
    };
    unsigned char *bad = malloc(size);
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        memcpy(bad, bin, size);
        le_put(bad + damage[i].off, damage[i].value, damage[i].width);
        le_put(bad + size - 4, xpl__crc32(0, bad, size - 4), 4);
        xpl_model *got = (xpl_model *)1;
        int rc = xpl_model_load_buffer(&got, bad, size, "lt.bin");
        ck_assert_msg(rc == damage[i].code &&
                          strstr(xpl_last_error(), damage[i].msg) &&
                          strncmp(xpl_last_error(), "lt.bin", 6) == 0,
                      "case %zu: rc %d: %s", i, rc, xpl_last_error());
        ck_assert_ptr_null(got);
    }
    /* a leaf count the routing trees do not match */
    memcpy(bad, bin, size);
    le_put(bad + p + 8, le_get(bin + p + 8, 8) - 1, 8);
    le_put(bad + size - 4, xpl__crc32(0, bad, size - 4), 4);
    xpl_model *got = (xpl_model *)1;
    ck_assert_int_ne(xpl_model_load_buffer(&got, bad, size, "lt.bin"),
                     XPL_OK);
    ck_assert_ptr_null(got);
    free(bad);
    free(bin);
}
END_TEST

START_TEST(linear_trees_malformed)
{
    static const struct bad_edit edits_lin[] = {
        { "\nnum_features=2 2 2 1", "\nnum_features=2 2 2 9", XPL_EFORMAT,
          "num_features: expected an integer in range" },
        { "\nnum_features=2 2 2 1", "\nnum_features=2 2 2 2", XPL_EFORMAT,
          "leaf_features: expected" },
        { "\nleaf_features=0 2  0 2", "\nleaf_features=0 7  0 2",
          XPL_EFORMAT, "leaf_features: expected an integer in range" },
        { "\nleaf_const=", "\nleaf_const=nan ", XPL_EFORMAT, "leaf_const" },
        { "\nleaf_coeff=", "\nleaf_coeff=inf ", XPL_EFORMAT, "leaf_coeff" },
        { "\nleaf_const=", "\nleaf_constant=", XPL_EFORMAT,
          "missing leaf_const=" },
    };
    size_t size;
    char *text = read_source(DIR "lgb_linear.txt", &size);
    expect_bad_edits(text, "l.txt", edits_lin,
                     sizeof edits_lin / sizeof edits_lin[0]);
    free(text);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lightgbm");
    TCase *tc = tcase_create("parity");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, predictions_equal_the_library, 0, N_CASES);
    tcase_add_loop_test(tc, tree_shap_equals_pred_contrib, 0, N_CASES);
    tcase_add_loop_test(tc, interventional_equals_brute_force, 0,
                        sizeof brute_models / sizeof brute_models[0]);
    tcase_add_loop_test(tc, interactions_sum_to_contributions, 0,
                        sizeof brute_models / sizeof brute_models[0]);
    suite_add_tcase(s, tc);
    TCase *bad = tcase_create("malformed");
    tcase_add_loop_test(bad, malformed_files, 0,
                        sizeof edits / sizeof edits[0]);
    tcase_add_test(bad, truncated_files);
    tcase_add_test(tc, linear_trees);
    tcase_add_test(bad, linear_trees_malformed);
    tcase_add_test(bad, linear_trees_model_bin_bad);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
