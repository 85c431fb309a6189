/* Tree ensembles: predictions equal XGBoost's and scikit-learn's own stored
 * outputs, exact split semantics (float32 inputs, < versus <=, missing
 * values), model.bin round trips, malformed models, threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "core/crc32.h"
#include "models/trees.h"
#include <xplain/xplain.h>

/* Worst |got - want| / max(1, |want|) over all values. */
static double worst_error(const double *got, const double *want, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double scale = fabs(want[i]) > 1 ? fabs(want[i]) : 1;
        double err = fabs(got[i] - want[i]) / scale;
        if (isnan(err))
            return INFINITY;
        if (err > worst)
            worst = err;
    }
    return worst;
}

struct parity_case {
    const char *model;   /* under data/models/ */
    const char *data;    /* under data/ */
    const char *columns[4];
    xpl_output kind;
    double tol;
};

/* XGBoost sums leaves in float32; xplain sums in float64: 1e-6 relative to
 * max(1, |margin|) covers the difference. scikit-learn works in float64. */
#define XGB_TOL 1e-6
#define SK_TOL 1e-12

static const struct parity_case cases[] = {
    { "diabetes_xgb", "diabetes", { "margin" }, XPL_OUTPUT_RAW, XGB_TOL },
    { "diabetes_xgb", "diabetes", { "prediction" }, XPL_OUTPUT_RESPONSE,
      XGB_TOL },
    { "diabetes_missing_xgb", "diabetes_missing", { "margin" },
      XPL_OUTPUT_RAW, XGB_TOL },
    { "diabetes_xgb_base_score", "diabetes", { "margin" }, XPL_OUTPUT_RAW,
      XGB_TOL },
    { "diabetes_xgb_poisson", "diabetes", { "margin" }, XPL_OUTPUT_RAW,
      XGB_TOL },
    { "diabetes_xgb_poisson", "diabetes", { "prediction" },
      XPL_OUTPUT_RESPONSE, XGB_TOL },
    { "diabetes_xgb_gamma", "diabetes", { "prediction" }, XPL_OUTPUT_RESPONSE,
      XGB_TOL },
    { "diabetes_xgb_tweedie", "diabetes", { "prediction" },
      XPL_OUTPUT_RESPONSE, XGB_TOL },
    { "breast_cancer_xgb", "breast_cancer", { "margin" }, XPL_OUTPUT_RAW,
      XGB_TOL },
    { "breast_cancer_xgb", "breast_cancer", { "probability" },
      XPL_OUTPUT_PROBABILITY, XGB_TOL },
    { "breast_cancer_xgb_base_score", "breast_cancer", { "probability" },
      XPL_OUTPUT_PROBABILITY, XGB_TOL },
    { "breast_cancer_xgb_logitraw", "breast_cancer", { "margin" },
      XPL_OUTPUT_RAW, XGB_TOL },
    { "wine_xgb", "wine", { "margin_0", "margin_1", "margin_2" },
      XPL_OUTPUT_RAW, XGB_TOL },
    { "wine_xgb", "wine", { "proba_0", "proba_1", "proba_2" },
      XPL_OUTPUT_PROBABILITY, XGB_TOL },
    { "wine_xgb_softmax", "wine", { "margin_0", "margin_1", "margin_2" },
      XPL_OUTPUT_RAW, XGB_TOL },
    { "diabetes_tree", "diabetes", { "prediction" }, XPL_OUTPUT_RAW, SK_TOL },
    { "diabetes_forest", "diabetes", { "prediction" }, XPL_OUTPUT_RAW,
      SK_TOL },
    { "diabetes_gbm", "diabetes", { "prediction" }, XPL_OUTPUT_RAW, SK_TOL },
    { "breast_cancer_forest", "breast_cancer", { "proba_0", "proba_1" },
      XPL_OUTPUT_PROBABILITY, SK_TOL },
    { "breast_cancer_gbm", "breast_cancer", { "margin" }, XPL_OUTPUT_RAW,
      SK_TOL },
    { "breast_cancer_gbm", "breast_cancer", { "probability" },
      XPL_OUTPUT_PROBABILITY, SK_TOL },
    { "wine_forest", "wine", { "proba_0", "proba_1", "proba_2" },
      XPL_OUTPUT_PROBABILITY, SK_TOL },
    { "wine_extra_trees", "wine", { "proba_0", "proba_1", "proba_2" },
      XPL_OUTPUT_RAW, SK_TOL },
    { "wine_gbm", "wine", { "margin_0", "margin_1", "margin_2" },
      XPL_OUTPUT_RAW, SK_TOL },
    { "wine_gbm", "wine", { "proba_0", "proba_1", "proba_2" },
      XPL_OUTPUT_PROBABILITY, SK_TOL },
};

#define N_CASES (sizeof cases / sizeof cases[0])

START_TEST(matches_training_library)
{
    const struct parity_case *c = &cases[_i];
    char path[256], data[256], fixture[256];
    snprintf(path, sizeof path, "data/models/%s.json", c->model);
    snprintf(data, sizeof data, "data/%s.csv", c->data);
    snprintf(fixture, sizeof fixture, "tests/fixtures/trees/%s_pred.csv",
             c->model);
    xpl_model *m = load_model(path);
    size_t k = xpl_model_n_outputs(m);
    size_t n_cols = 0;
    while (n_cols < 4 && c->columns[n_cols])
        n_cols++;
    ck_assert_uint_eq(n_cols, k);
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(m),
                                  xpl_model_n_features(m));
    xpl_dataset *ref = read_columns(fixture, c->columns, n_cols);
    size_t n = xpl_dataset_n_rows(x);
    ck_assert_uint_eq(n, xpl_dataset_n_rows(ref));
    double *y = malloc(n * k * sizeof *y);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n,
                                       c->kind, y), XPL_OK);
    const double *want = xpl_dataset_data(ref), *got = y;
    double *logs = NULL;
    if (c->kind == XPL_OUTPUT_RESPONSE && xpl_model_link(m) == XPL_LINK_LOG) {
        /* The tolerance is on the margin: compare log(response). */
        logs = malloc(2 * n * k * sizeof *logs);
        for (size_t i = 0; i < n * k; i++) {
            logs[i] = log(want[i]);
            logs[n * k + i] = log(y[i]);
        }
        want = logs;
        got = logs + n * k;
    }
    double worst = worst_error(got, want, n * k);
    free(logs);
    ck_assert_msg(worst <= c->tol, "%s (%s): worst relative error %g > %g",
                  c->model, c->columns[0], worst, c->tol);

    /* The same model through model.bin predicts bit for bit the same, and
     * its bytes are stable across a second round trip. */
    void *bin, *bin2;
    size_t size, size2;
    ck_assert_int_eq(xpl_model_serialize(m, &bin, &size), XPL_OK);
    xpl_model *back;
    ck_assert_msg(xpl_model_load_buffer(&back, bin, size, "rt.bin") == XPL_OK,
                  "%s", xpl_last_error());
    ck_assert_int_eq(xpl_model_serialize(back, &bin2, &size2), XPL_OK);
    ck_assert_uint_eq(size, size2);
    ck_assert_mem_eq(bin, bin2, size);
    double *y2 = malloc(n * k * sizeof *y2);
    ck_assert_int_eq(xpl_model_predict(back, NULL, xpl_dataset_data(x), n,
                                       c->kind, y2), XPL_OK);
    ck_assert_mem_eq(y, y2, n * k * sizeof *y);
    ck_assert_int_eq(xpl_model_is_classifier(back), xpl_model_is_classifier(m));
    free(y);
    free(y2);
    xpl_free(bin);
    xpl_free(bin2);
    xpl_model_free(back);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

START_TEST(missing_rows_exercise_default_directions)
{
    /* Guard against a fixture that would not test missing values at all. */
    xpl_model *m = load_model("data/models/diabetes_missing_xgb.json");
    xpl_dataset *x = read_columns("data/diabetes_missing.csv",
                                  xpl_model_feature_names(m),
                                  xpl_model_n_features(m));
    size_t nan_rows = 0, n = xpl_dataset_n_rows(x), p = xpl_dataset_n_cols(x);
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < p; j++)
            if (isnan(xpl_dataset_data(x)[r * p + j])) {
                nan_rows++;
                break;
            }
    ck_assert_uint_gt(nan_rows, 100);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- split semantics on hand-written models ---- */

static xpl_model *json_model(const char *text)
{
    xpl_model *m = NULL;
    int rc = xpl_model_load_buffer(&m, text, strlen(text), "t.json");
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return m;
}

/* One stump on feature x: left leaf 1, right leaf 2, threshold 0.1. */
static char *stump(const char *threshold_type, const char *comparison,
                   const char *default_left)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "{\"type\":\"tree_ensemble\",\"link\":\"identity\","
             "\"feature_names\":[\"x\",\"y\"],\"n_outputs\":1,"
             "\"aggregation\":\"sum\",\"base_score\":[0.5],"
             "\"threshold_type\":\"%s\",\"comparison\":\"%s\",\"trees\":[{"
             "\"output\":0,\"feature\":[0,-1,-1],"
             "\"threshold\":[0.10000000149011612,0,0],\"left\":[1,-1,-1],"
             "\"right\":[2,-1,-1],%s\"value\":[0,1,2],\"cover\":[2,1,1]}]}",
             threshold_type, comparison, default_left);
    return buf;
}

static double predict1(const xpl_model *m, double x)
{
    double row[2] = { x, 0.0 }, y = -1;
    ck_assert_int_eq(xpl_model_predict(m, NULL, row, 1, XPL_OUTPUT_RAW, &y),
                     XPL_OK);
    return y;
}

START_TEST(split_semantics)
{
    const double t32 = 0.10000000149011612; /* (float)0.1 */
    /* float64, <: 0.1 < t32 goes left. */
    xpl_model *m = json_model(stump("float64", "<", ""));
    ck_assert_double_eq(predict1(m, 0.1), 1.5);
    ck_assert_double_eq(predict1(m, t32), 2.5);
    ck_assert(isnan(predict1(m, NAN))); /* no default direction: unknown */
    xpl_model_free(m);
    /* float32, <: (float)0.1 == t32, so 0.1 goes right, like XGBoost. */
    m = json_model(stump("float32", "<", ""));
    ck_assert_double_eq(predict1(m, 0.1), 2.5);
    ck_assert_double_eq(predict1(m, 0.0999999), 1.5);
    xpl_model_free(m);
    /* float32, <=: equal goes left, like scikit-learn. */
    m = json_model(stump("float32", "<=", ""));
    ck_assert_double_eq(predict1(m, 0.1), 1.5);
    ck_assert_double_eq(predict1(m, 0.10000001), 2.5);
    xpl_model_free(m);
    /* Default directions route missing values. */
    m = json_model(stump("float32", "<", "\"default_left\":[1,0,0],"));
    ck_assert_double_eq(predict1(m, NAN), 1.5);
    xpl_model_free(m);
    m = json_model(stump("float32", "<", "\"default_left\":[0,0,0],"));
    ck_assert_double_eq(predict1(m, NAN), 2.5);
    xpl_model_free(m);
}
END_TEST

START_TEST(forest_probabilities_and_properties)
{
    xpl_model *m = load_model("data/models/wine_forest.json");
    ck_assert(xpl_model_is_classifier(m));
    ck_assert_int_eq(xpl_model_link(m), XPL_LINK_IDENTITY);
    int found = 0;
    for (size_t i = 0; i < xpl_model_n_properties(m); i++) {
        const char *k, *v;
        ck_assert_int_eq(xpl_model_property(m, i, &k, &v), XPL_OK);
        if (strcmp(k, "trees") == 0) {
            ck_assert_str_eq(v, "30");
            found++;
        }
        if (strcmp(k, "aggregation") == 0) {
            ck_assert_str_eq(v, "mean");
            found++;
        }
    }
    ck_assert_int_eq(found, 2);
    xpl_model_free(m);
    m = load_model("data/models/diabetes_forest.json");
    ck_assert(!xpl_model_is_classifier(m));
    double row[10] = { 0 }, y;
    ck_assert_int_eq(xpl_model_predict(m, NULL, row, 1, XPL_OUTPUT_PROBABILITY,
                                       &y), XPL_EINVAL);
    xpl_model_free(m);
}
END_TEST

/* ---- malformed models ---- */

struct bad_case {
    const char *label;
    const char *trees;     /* the "trees" array */
    int code;
    const char *message;   /* substring of the error */
};

static const struct bad_case bad_trees[] = {
    { "child out of range",
      "[{\"output\":0,\"feature\":[0,-1,-1],\"threshold\":[1,0,0],"
      "\"left\":[1,-1,-1],\"right\":[7,-1,-1],\"value\":[0,1,2],"
      "\"cover\":[2,1,1]}]", XPL_EFORMAT, "right child 7 out of range" },
    { "cycle back to the root",
      "[{\"output\":0,\"feature\":[0,0,-1],\"threshold\":[1,1,0],"
      "\"left\":[1,0,-1],\"right\":[2,2,-1],\"value\":[0,0,2],"
      "\"cover\":[2,1,1]}]", XPL_EFORMAT, "reached twice" },
    { "shared child",
      "[{\"output\":0,\"feature\":[0,-1],\"threshold\":[1,0],"
      "\"left\":[1,-1],\"right\":[1,-1],\"value\":[0,1],"
      "\"cover\":[2,1]}]", XPL_EFORMAT, "reached twice" },
    { "feature out of range",
      "[{\"output\":0,\"feature\":[5,-1,-1],\"threshold\":[1,0,0],"
      "\"left\":[1,-1,-1],\"right\":[2,-1,-1],\"value\":[0,1,2],"
      "\"cover\":[2,1,1]}]", XPL_EFORMAT, "split feature 5 out of range" },
    { "length mismatch",
      "[{\"output\":0,\"feature\":[0,-1,-1],\"threshold\":[1,0],"
      "\"left\":[1,-1,-1],\"right\":[2,-1,-1],\"value\":[0,1,2],"
      "\"cover\":[2,1,1]}]", XPL_EFORMAT, "trees[0].threshold: expected 3" },
    { "output out of range",
      "[{\"output\":3,\"feature\":[-1],\"threshold\":[0],\"left\":[-1],"
      "\"right\":[-1],\"value\":[1],\"cover\":[1]}]", XPL_EFORMAT,
      "trees[0].output" },
    { "fractional index",
      "[{\"output\":0,\"feature\":[0.5,-1,-1],\"threshold\":[1,0,0],"
      "\"left\":[1,-1,-1],\"right\":[2,-1,-1],\"value\":[0,1,2],"
      "\"cover\":[2,1,1]}]", XPL_EFORMAT, "a fraction" },
    { "negative cover",
      "[{\"output\":0,\"feature\":[-1],\"threshold\":[0],\"left\":[-1],"
      "\"right\":[-1],\"value\":[1],\"cover\":[-1]}]", XPL_EFORMAT, "cover" },
    { "unknown tree key",
      "[{\"output\":0,\"feature\":[-1],\"threshold\":[0],\"left\":[-1],"
      "\"right\":[-1],\"value\":[1],\"cover\":[1],\"weight\":[1]}]",
      XPL_EFORMAT, "unknown key \"weight\"" },
    { "no trees", "[]", XPL_EFORMAT, "no trees" },
    { "empty tree",
      "[{\"output\":0,\"feature\":[],\"threshold\":[],\"left\":[],"
      "\"right\":[],\"value\":[],\"cover\":[]}]", XPL_EFORMAT,
      "at least one node" },
};

#define N_BAD (sizeof bad_trees / sizeof bad_trees[0])

START_TEST(malformed_tree_json)
{
    const struct bad_case *c = &bad_trees[_i];
    char text[4096];
    snprintf(text, sizeof text,
             "{\"type\":\"tree_ensemble\",\"link\":\"identity\","
             "\"feature_names\":[\"a\",\"b\"],\"n_outputs\":1,"
             "\"aggregation\":\"sum\",\"base_score\":[0],"
             "\"threshold_type\":\"float64\",\"comparison\":\"<\","
             "\"trees\":%s}", c->trees);
    xpl_model *m = (xpl_model *)&m;
    int rc = xpl_model_load_buffer(&m, text, strlen(text), "bad.json");
    ck_assert_msg(rc == c->code, "%s: rc %d: %s", c->label, rc,
                  xpl_last_error());
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(xpl_last_error(), c->message), "%s: \"%s\" lacks "
                  "\"%s\"", c->label, xpl_last_error(), c->message);
    ck_assert_msg(strncmp(xpl_last_error(), "bad.json: ", 10) == 0, "%s",
                  xpl_last_error());
}
END_TEST

/* A chain of n splits, each left child a leaf: depth n. */
static char *chain_tree(size_t n)
{
    size_t nodes = 2 * n + 1, cap = nodes * 64 + 512;
    char *buf = malloc(cap);
    size_t len = (size_t)snprintf(buf, cap,
        "{\"type\":\"tree_ensemble\",\"link\":\"identity\","
        "\"feature_names\":[\"a\"],\"n_outputs\":1,\"aggregation\":\"sum\","
        "\"base_score\":[0],\"threshold_type\":\"float64\","
        "\"comparison\":\"<\",\"trees\":[{\"output\":0");
    const char *keys[] = { "feature", "threshold", "left", "right", "value",
                           "cover" };
    for (int k = 0; k < 6; k++) {
        len += (size_t)snprintf(buf + len, cap - len, ",\"%s\":[", keys[k]);
        for (size_t i = 0; i < nodes; i++) {
            /* node 2i splits to leaf 2i+1 and node 2i+2; the last is a leaf */
            int split = i % 2 == 0 && i + 1 < nodes;
            long v = 0;
            switch (k) {
            case 0: v = split ? 0 : -1; break;
            case 1: v = (long)i; break;
            case 2: v = split ? (long)i + 1 : -1; break;
            case 3: v = split ? (long)i + 2 : -1; break;
            case 4: v = 1; break;
            case 5: v = 1; break;
            }
            len += (size_t)snprintf(buf + len, cap - len, "%s%ld",
                                    i ? "," : "", v);
        }
        len += (size_t)snprintf(buf + len, cap - len, "]");
    }
    snprintf(buf + len, cap - len, "}]}");
    return buf;
}

START_TEST(depth_bomb_rejected_deep_tree_accepted)
{
    char *ok = chain_tree(XPL__MAX_TREE_DEPTH);
    xpl_model *m;
    ck_assert_msg(xpl_model_load_buffer(&m, ok, strlen(ok), "deep.json") ==
                  XPL_OK, "%s", xpl_last_error());
    double x = 1e9, y;
    ck_assert_int_eq(xpl_model_predict(m, NULL, &x, 1, XPL_OUTPUT_RAW, &y),
                     XPL_OK);
    ck_assert_double_eq(y, 1.0);
    xpl_model_free(m);
    free(ok);
    char *bomb = chain_tree(100000);
    ck_assert_int_eq(xpl_model_load_buffer(&m, bomb, strlen(bomb), "b.json"),
                     XPL_ELIMIT);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "deeper than the limit"));
    free(bomb);
}
END_TEST

/* Every truncation is an error; every single-byte change with a repaired
 * checksum is either rejected or yields a valid model, never a crash (the
 * tree builder validates whatever the TREES section decodes to). */
START_TEST(corrupted_tree_bins)
{
    xpl_model *m = load_model("data/models/diabetes_tree.json");
    unsigned char *bin;
    size_t size;
    ck_assert_int_eq(xpl_model_serialize(m, (void **)&bin, &size), XPL_OK);
    xpl_model_free(m);
    for (size_t cut = 0; cut < size; cut++) {
        xpl_model *t = (xpl_model *)&t;
        ck_assert_int_ne(xpl_model_load_buffer(&t, bin, cut, "t.bin"), XPL_OK);
        ck_assert_ptr_null(t);
    }
    unsigned char *copy = malloc(size);
    double row[10] = { 0.02, -0.04, 0.06, 0.01, -0.03, 0.0, 0.05, -0.02,
                       0.03, 0.01 };
    size_t accepted = 0;
    for (size_t at = 16; at + 4 < size; at++) {
        memcpy(copy, bin, size);
        copy[at] ^= 0x5a;
        uint32_t crc = xpl__crc32(0, copy, size - 4);
        for (int b = 0; b < 4; b++)
            copy[size - 4 + b] = (unsigned char)(crc >> (8 * b));
        xpl_model *t;
        if (xpl_model_load_buffer(&t, copy, size, "t.bin") == XPL_OK) {
            double y;
            ck_assert_int_eq(xpl_model_predict(t, NULL, row, 1,
                                               XPL_OUTPUT_RAW, &y), XPL_OK);
            xpl_model_free(t);
            accepted++;
        }
    }
    /* Flipped thresholds, values and covers are still valid models. */
    ck_assert_uint_gt(accepted, 0);
    free(copy);
    xpl_free(bin);
}
END_TEST

/* ---- XGBoost JSON ---- */

/* Replace the first occurrence of `from` in a heap string by `to`. */
static char *replace(char *s, const char *from, const char *to)
{
    char *at = strstr(s, from);
    ck_assert_msg(at != NULL, "fixture lacks %s", from);
    size_t n = strlen(s), nf = strlen(from), nt = strlen(to);
    char *out = malloc(n - nf + nt + 1);
    size_t pre = (size_t)(at - s);
    memcpy(out, s, pre);
    memcpy(out + pre, to, nt);
    memcpy(out + pre + nt, at + nf, n - pre - nf + 1);
    free(s);
    return out;
}

static const struct {
    const char *from, *to;
    int code;
    const char *message;
} xgb_edits[] = {
    { "\"name\":\"gbtree\"", "\"name\":\"dart\"", XPL_EUNSUPPORTED,
      "booster \"dart\"" },
    { "\"name\":\"binary:logistic\"", "\"name\":\"rank:ndcg\"",
      XPL_EUNSUPPORTED, "objective \"rank:ndcg\"" },
    { "\"split_type\":[0", "\"split_type\":[1", XPL_EFORMAT,
      "categories_nodes" },
    { "\"base_score\":\"5E-1\"", "\"base_score\":\"1.5E0\"", XPL_EFORMAT,
      "out of range" },
    { "\"base_score\":\"5E-1\"", "\"base_score\":\"abc\"", XPL_EFORMAT,
      "cannot read" },
    { "\"tree_info\":[", "\"tree_info\":[7,", XPL_EFORMAT, "tree_info" },
    { "\"left_children\":[1,", "\"left_children\":[0,", XPL_EFORMAT,
      "reached twice" },
    { "\"split_indices\":[", "\"split_indices\":[99,", XPL_EFORMAT,
      "split_indices: expected" },
    { "\"num_class\":\"0\"", "\"num_class\":\"-1\"", XPL_EFORMAT,
      "num_class" },
};

#define N_XGB_EDITS (sizeof xgb_edits / sizeof xgb_edits[0])

START_TEST(malformed_xgboost_json)
{
    size_t n;
    char *text = read_source("data/models/breast_cancer_xgb.json", &n);
    text = replace(text, xgb_edits[_i].from, xgb_edits[_i].to);
    xpl_model *m = (xpl_model *)&m;
    int rc = xpl_model_load_buffer(&m, text, strlen(text), "x.json");
    ck_assert_msg(rc == xgb_edits[_i].code, "edit %d: rc %d: %s", _i, rc,
                  xpl_last_error());
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(xpl_last_error(), xgb_edits[_i].message),
                  "\"%s\" lacks \"%s\"", xpl_last_error(),
                  xgb_edits[_i].message);
    free(text);
}
END_TEST

/* XGBoost 2.x writes base_score as a bracketed vector string. */
START_TEST(xgboost_2x_base_score_layout)
{
    size_t n;
    char *text = read_source("data/models/breast_cancer_xgb_base_score.json", &n);
    xpl_model *a = json_model(text);
    text = replace(text, "\"base_score\":\"3E-1\"", "\"base_score\":\"[3E-1]\"");
    xpl_model *b = json_model(text);
    double row[30];
    for (int j = 0; j < 30; j++)
        row[j] = 0.37 * j;
    double ya, yb;
    ck_assert_int_eq(xpl_model_predict(a, NULL, row, 1, XPL_OUTPUT_RAW, &ya),
                     XPL_OK);
    ck_assert_int_eq(xpl_model_predict(b, NULL, row, 1, XPL_OUTPUT_RAW, &yb),
                     XPL_OK);
    ck_assert_double_eq(ya, yb);
    xpl_model_free(a);
    xpl_model_free(b);
    free(text);
}
END_TEST

/* Cut anywhere, an XGBoost file is an error with a position, never a crash
 * or a partial model. */
START_TEST(truncated_xgboost_json)
{
    size_t n;
    char *text = read_source("data/models/diabetes_xgb_poisson.json", &n);
    for (size_t cut = 1; cut < n; cut += 97) {
        xpl_model *m = (xpl_model *)&m;
        ck_assert_int_eq(xpl_model_load_buffer(&m, text, cut, "cut.json"),
                         XPL_EFORMAT);
        ck_assert_ptr_null(m);
        ck_assert_ptr_nonnull(strstr(xpl_last_error(), "invalid JSON"));
    }
    free(text);
}
END_TEST

START_TEST(xgboost_huge_counts_rejected)
{
    size_t n;
    char *text = read_source("data/models/wine_xgb.json", &n);
    text = replace(text, "\"num_class\":\"3\"",
                   "\"num_class\":\"99999999999\"");
    xpl_model *m = (xpl_model *)&m;
    ck_assert_int_eq(xpl_model_load_buffer(&m, text, strlen(text), "h.json"),
                     XPL_EFORMAT);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "num_class"));
    free(text);
}
END_TEST

START_TEST(xgboost_feature_names_default)
{
    size_t n;
    char *text = read_source("data/models/diabetes_xgb.json", &n);
    char *names = strstr(text, "\"feature_names\":[");
    ck_assert_ptr_nonnull(names);
    char *end = strchr(names, ']');
    memmove(names + 17, end, strlen(end) + 1);
    xpl_model *m = json_model(text);
    ck_assert_str_eq(xpl_model_feature_name(m, 0), "f0");
    ck_assert_str_eq(xpl_model_feature_name(m, 9), "f9");
    xpl_model_free(m);
    free(text);
}
END_TEST

/* ---- threads ---- */

START_TEST(threads_share_one_ensemble)
{
    check_threads_match("data/models/wine_xgb.json", "data/wine.csv",
                        XPL_OUTPUT_PROBABILITY, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trees");
    TCase *parity = tcase_create("parity");
    tcase_add_loop_test(parity, matches_training_library, 0, (int)N_CASES);
    tcase_add_test(parity, missing_rows_exercise_default_directions);
    tcase_add_test(parity, threads_share_one_ensemble);
    suite_add_tcase(s, parity);
    TCase *sem = tcase_create("semantics");
    tcase_add_test(sem, split_semantics);
    tcase_add_test(sem, forest_probabilities_and_properties);
    suite_add_tcase(s, sem);
    TCase *bad = tcase_create("malformed");
    tcase_add_loop_test(bad, malformed_tree_json, 0, (int)N_BAD);
    tcase_add_test(bad, depth_bomb_rejected_deep_tree_accepted);
    tcase_add_test(bad, corrupted_tree_bins);
    tcase_add_loop_test(bad, malformed_xgboost_json, 0, (int)N_XGB_EDITS);
    tcase_add_test(bad, xgboost_feature_names_default);
    tcase_add_test(bad, xgboost_2x_base_score_layout);
    tcase_add_test(bad, truncated_xgboost_json);
    tcase_add_test(bad, xgboost_huge_counts_rejected);
    suite_add_tcase(s, bad);
    return run_suite(s);
}
