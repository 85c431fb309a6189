/* scikit-learn HistGradientBoosting through xplain's JSON: predictions equal
 * scikit-learn's, names equal codes, TreeSHAP (path-dependent and
 * interventional) equals brute force over all coalitions, model.bin keeps
 * everything, and the JSON's categorical keys are checked. The fixtures
 * were written by tools/make_sklearn_hist_models.py with scikit-learn 1.9. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"
#include "models/trees.h"
#include <xplain/xplain.h>

#define DIR "tests/fixtures/sklearn_hist/"

enum { P = 5, N_ROWS = 40 };

static const struct {
    const char *name;
    size_t k;
} models[] = { { "reg", 1 }, { "binary", 1 }, { "multi", 3 },
               { "poisson", 1 } };
#define N_MODELS (sizeof models / sizeof models[0])

static const char *path_of(const char *name, const char *suffix)
{
    static char path[128];
    snprintf(path, sizeof path, DIR "hgb_%s%s", name, suffix);
    return path;
}

static double rel_err(double got, double want)
{
    double scale = fabs(want) > 1 ? fabs(want) : 1;
    return fabs(got - want) / scale;
}

/* Rows read with the model's category names (or codes only). */
static xpl_dataset *read_rows(const xpl_model *m, const char *file)
{
    xpl_dataset *ds = read_model_rows(m, file, XPL_UNKNOWN_CATEGORY_ERROR);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), N_ROWS);
    return ds;
}

/* Raw outputs and responses equal scikit-learn's decision_function (or
 * _raw_predict) and predict_proba (or predict) to 1e-12 relative to
 * max(1, |value|): both sum the same float64 leaf values in the same
 * order. Rows hold codes of no category (5, 9, -1, 300) which must go the
 * way scikit-learn sends the category values it never saw. */
START_TEST(predictions_equal_sklearn)
{
    const char *name = models[_i].name;
    size_t k = models[_i].k, kr = k;
    xpl_model *m = load_model(path_of(name, ".json"));
    ck_assert_str_eq(xpl_model_feature_names(m)[2], "color");
    ck_assert(xpl_model_feature_is_categorical(m, 2));
    ck_assert(xpl_model_feature_is_categorical(m, 4));
    ck_assert(!xpl_model_feature_is_categorical(m, 0));
    ck_assert_uint_eq(xpl_model_n_categories(m, 2), 5);
    ck_assert_uint_eq(xpl_model_n_categories(m, 4), 4);
    xpl_dataset *x = read_rows(m, DIR "rows.csv");
    const char *cols[6];
    char buf[6][32]; /* "response" and any size_t */
    for (size_t i = 0; i < 2 * kr; i++) {
        snprintf(buf[i], sizeof buf[i], "%s%zu", i < kr ? "raw" : "response",
                 i % kr);
        cols[i] = buf[i];
    }
    xpl_dataset *ref = read_columns(path_of(name, "_pred.csv"), cols, 2 * kr);
    double *raw = malloc(N_ROWS * k * sizeof *raw),
           *resp = malloc(N_ROWS * k * sizeof *resp);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), N_ROWS,
                                       XPL_OUTPUT_RAW, raw), XPL_OK);
    xpl_output kind = models[_i].k > 1 || strcmp(name, "binary") == 0
                          ? XPL_OUTPUT_PROBABILITY
                          : XPL_OUTPUT_RESPONSE;
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), N_ROWS,
                                       kind, resp), XPL_OK);
    for (size_t r = 0; r < N_ROWS; r++)
        for (size_t o = 0; o < k; o++) {
            const double *w = xpl_dataset_data(ref) + r * 2 * kr;
            ck_assert_msg(rel_err(raw[r * k + o], w[o]) <= 1e-12,
                          "%s row %zu raw %zu: %.17g vs %.17g", name, r, o,
                          raw[r * k + o], w[o]);
            ck_assert_msg(rel_err(resp[r * k + o], w[kr + o]) <= 1e-12,
                          "%s row %zu response %zu: %.17g vs %.17g", name, r,
                          o, resp[r * k + o], w[kr + o]);
        }

    /* Names: rows_names.csv has names where rows.csv has a known code and
     * an empty cell where the code names no category: the same
     * predictions, since unknown codes go the missing way. (The poisson
     * model was fitted on numbers: its names are "0".."4", 10..40.) */
    if (strcmp(name, "poisson") != 0) {
        xpl_dataset *xn = read_rows(m, DIR "rows_names.csv");
        double *by_name = malloc(N_ROWS * k * sizeof *by_name);
        ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(xn),
                                           N_ROWS, XPL_OUTPUT_RAW, by_name),
                         XPL_OK);
        for (size_t i = 0; i < N_ROWS * k; i++)
            ck_assert_msg(by_name[i] == raw[i], "%s value %zu", name, i);
        free(by_name);
        xpl_dataset_free(xn);
    }
    free(raw);
    free(resp);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- brute force: the path-dependent game v(S) = E[f(x) | x_S] under the
 * trees' cover-weighted path distribution, routing by the library's one
 * rule, leaf values straight from the model ---- */

static double expectation(const xpl__ensemble *e, const xpl__tree *t,
                          uint32_t node, const double *x, unsigned mask)
{
    const xpl__tnode *nodes = e->nodes + t->first_node;
    if (xpl__tnode_is_leaf(nodes, node))
        return e->values[t->first_value + node];
    const xpl__tnode *n = &nodes[node];
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    uint32_t l = n->left, r = l + 1;
    if (mask & (1u << f)) {
        uint32_t right = xpl__tnode_right(&e->cats, n->feature, n->threshold,
                                          x[f], e->compare_le);
        return expectation(e, t, right ? r : l, x, mask);
    }
    const double *cover = e->cover + t->first_node;
    return (cover[l] * expectation(e, t, l, x, mask) +
            cover[r] * expectation(e, t, r, x, mask)) /
           (cover[l] + cover[r]);
}

START_TEST(path_dependent_equals_brute_force)
{
    const char *name = models[_i].name;
    xpl_model *m = load_model(path_of(name, ".json"));
    const xpl__ensemble *e = xpl__trees_params(m);
    ck_assert_ptr_nonnull(e);
    ck_assert(!e->float32_inputs);
    size_t k = e->n_outputs;
    xpl__tree_shap_plan plan;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&plan, e), XPL_OK);
    void *scratch = malloc(xpl__tree_shap_scratch(e, &plan));
    xpl_dataset *x = read_rows(m, DIR "rows.csv");
    double *v = malloc((1u << P) * k * sizeof *v),
           *want = malloc(k * P * sizeof *want),
           *phi = malloc(k * P * sizeof *phi);
    for (size_t r = 0; r < N_ROWS; r++) {
        const double *xr = xpl_dataset_data(x) + r * P;
        for (unsigned s = 0; s < (1u << P); s++)
            for (size_t o = 0; o < k; o++)
                v[s * k + o] = 0;
        for (unsigned s = 0; s < (1u << P); s++)
            for (size_t t = 0; t < e->n_trees; t++)
                v[s * k + e->trees[t].output] +=
                    expectation(e, &e->trees[t], 0, xr, s);
        shapley_from_values(P, k, v, want);
        xpl__tree_shap_row(e, &plan, scratch, xr, phi);
        assert_values_close(phi, want, k * P, 1e-10, name, r);
    }
    free(v);
    free(want);
    free(phi);
    free(scratch);
    xpl_dataset_free(x);
    xpl__tree_shap_plan_free(&plan);
    xpl_model_free(m);
}
END_TEST

/* Interventional TreeSHAP with the first 8 rows as background equals the
 * brute-force interventional game over all 2^5 coalitions (model
 * predictions only, check_helpers.c), on the rows with unknown codes and
 * NaN. */
START_TEST(interventional_equals_brute_force)
{
    const char *name = models[_i].name;
    xpl_model *m = load_model(path_of(name, ".json"));
    xpl_dataset *x = read_rows(m, DIR "rows.csv");
    check_interventional_brute_force(m, xpl_dataset_data(x), N_ROWS, 0, 8,
                                     1e-10, name);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* model.bin keeps the categorical splits and the names: the same
 * predictions bit for bit, and serialise -> load -> serialise gives the
 * same bytes. */
START_TEST(model_bin_round_trip)
{
    const char *name = models[_i].name;
    size_t k = models[_i].k;
    xpl_model *m = load_model(path_of(name, ".json"));
    void *bin, *bin2;
    size_t size, size2;
    ck_assert_int_eq(xpl_model_serialize(m, &bin, &size), XPL_OK);
    xpl_model *m2;
    ck_assert_int_eq(xpl_model_load_buffer(&m2, bin, size, "rt.bin"),
                     XPL_OK);
    ck_assert_int_eq(xpl_model_serialize(m2, &bin2, &size2), XPL_OK);
    ck_assert_uint_eq(size, size2);
    ck_assert(memcmp(bin, bin2, size) == 0);
    ck_assert_uint_eq(xpl_model_n_categories(m2, 2), 5);
    ck_assert_str_eq(xpl_model_category_names(m2, 2)[3],
                     xpl_model_category_names(m, 2)[3]);
    xpl_dataset *x = read_rows(m, DIR "rows.csv");
    double *a = malloc(N_ROWS * k * sizeof *a), *b = malloc(N_ROWS * k *
                                                            sizeof *b);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), N_ROWS,
                                       XPL_OUTPUT_RAW, a), XPL_OK);
    ck_assert_int_eq(xpl_model_predict(m2, NULL, xpl_dataset_data(x),
                                       N_ROWS, XPL_OUTPUT_RAW, b), XPL_OK);
    ck_assert(memcmp(a, b, N_ROWS * k * sizeof *a) == 0);
    free(a);
    free(b);
    xpl_dataset_free(x);
    free(bin);
    free(bin2);
    xpl_model_free(m2);
    xpl_model_free(m);
}
END_TEST

/* ---- bad input: a small valid model, then one change at a time ---- */

static const char good[] =
    "{\"format\": \"xplain-model\", \"type\": \"tree_ensemble\",\n"
    " \"link\": \"identity\", \"feature_names\": [\"x\", \"color\"],\n"
    " \"n_outputs\": 1, \"aggregation\": \"sum\", \"base_score\": [0],\n"
    " \"threshold_type\": \"float64\", \"comparison\": \"<=\",\n"
    " \"categories\": {\"color\": [\"red\", \"green\", \"blue\"]},\n"
    " \"trees\": [{\"output\": 0, \"feature\": [1, -1, -1],\n"
    "   \"threshold\": [0, 0, 0], \"left\": [1, -1, -1],\n"
    "   \"right\": [2, -1, -1], \"default_left\": [DL, 0, 0],\n"
    "   \"value\": [0, 1, 2], \"cover\": [2, 1, 1],\n"
    "   \"left_categories\": [[0, 2], null, null]}]}\n";

/* The good model with default_left of its split set to dl ("0" or "1"):
 * a new buffer (free it). */
static char *good_with(const char *dl)
{
    return edit_text(good, "DL", dl);
}

/* The rule on the good model: red (0) and blue (2) left, green (1) right,
 * every value of no category (-1, 3, 2^24, 1e300) and NaN the missing
 * way; 2.5 is code 2 (truncated, as scikit-learn's predictor does). */
START_TEST(rule_on_a_small_model)
{
    for (int dl = 0; dl < 2; dl++) {
        char *text = good_with(dl ? "1" : "0");
        xpl_model *m;
        ck_assert_msg(xpl_model_load_buffer(&m, text, strlen(text),
                                            "m.json") == XPL_OK,
                      "%s", xpl_last_error());
        const double miss = dl ? 1 : 2;
        static const double in[] = { 0, 1, 2, 2.5, -1, -0.5, 3, 16777216,
                                     1e300, NAN };
        const double want[] = { 1, 2, 1, 1, miss, miss, miss, miss, miss,
                                miss };
        for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
            double row[2] = { 0, in[i] }, out;
            ck_assert_int_eq(xpl_model_predict(m, NULL, row, 1,
                                               XPL_OUTPUT_RAW, &out), XPL_OK);
            ck_assert_msg(out == want[i], "default_left %d, value %g: %g",
                          dl, in[i], out);
        }
        xpl_model_free(m);
        free(text);
    }
}
END_TEST

static const struct bad_edit bad[] = {
    { "\"categories\": {", "\"categories\": [", XPL_EFORMAT,
      "m.json:" },
    { "{\"color\": [\"red\", \"green\", \"blue\"]}", "[]", XPL_EFORMAT,
      "m.json: categories: expected an object" },
    { "{\"color\": [", "{\"colour\": [", XPL_EFORMAT,
      "m.json: categories.colour: not a feature of feature_names" },
    { "[\"red\", \"green\", \"blue\"]", "[]", XPL_EFORMAT,
      "m.json: categories.color: expected a non-empty array" },
    { "[\"red\", \"green\", \"blue\"]", "\"red\"", XPL_EFORMAT,
      "m.json: categories.color: expected a non-empty array of category "
      "names, found a string" },
    { "\"green\", \"blue\"", "\"green\", 7", XPL_EFORMAT,
      "m.json: categories.color[2]: expected a string, found a number" },
    { "\"green\", \"blue\"", "\"green\", \"red\"", XPL_EINVAL,
      "m.json: categories" },
    { "[[0, 2], null, null]", "[[0, 2], null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories: expected 3 entries (one per "
      "node), found 2" },
    { "[[0, 2], null, null]", "{}", XPL_EFORMAT,
      "m.json: trees[0].left_categories: expected an array" },
    { "[[0, 2], null, null]", "[7, null, null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0]: expected null or an array of "
      "category codes, found a number" },
    { "[[0, 2], null, null]", "[[0, 3], null, null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0][1]: expected a category code "
      "from 0 to 2, found a code out of range" },
    { "[[0, 2], null, null]", "[[0, -1], null, null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0][1]: expected a category code "
      "from 0 to 2" },
    { "[[0, 2], null, null]", "[[0, 1.5], null, null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0][1]: expected a category code "
      "from 0 to 2, found a number" },
    { "[[0, 2], null, null]", "[[2, 2], null, null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0][1]: code 2 listed twice" },
    { "[[0, 2], null, null]", "[[0, 2], [1], null]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[1]: node 1 is a leaf" },
    { "\"feature\": [1, -1, -1]", "\"feature\": [0, -1, -1]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0]: feature 0 has no entry in "
      "\"categories\"" },
    { "\"feature\": [1, -1, -1]", "\"feature\": [5, -1, -1]", XPL_EFORMAT,
      "m.json: trees[0].left_categories[0]: feature 5 has no entry" },
    { "\"default_left\": [0, 0, 0],", "", XPL_EFORMAT,
      "m.json: trees[0]: a tree with categorical splits needs "
      "default_left" },
    { "\"left_categories\"", "\"left_categoriez\"", XPL_EFORMAT,
      "m.json: trees[0]: unknown key \"left_categoriez\"" },
};

START_TEST(bad_categorical_json)
{
    char *text = good_with("0");
    expect_bad_edit(text, "m.json", &bad[_i], (size_t)_i);
    free(text);
}
END_TEST

/* Category names of the JSON also name codes on the command line's side:
 * an unknown name is an error unless asked to be missing. */
START_TEST(names_in_rows)
{
    char *text = good_with("1");
    xpl_model *m;
    ck_assert_int_eq(xpl_model_load_buffer(&m, text, strlen(text), "m.json"),
                     XPL_OK);
    free(text);
    size_t code;
    ck_assert_int_eq(xpl_model_category_code(&code, m, 1, "blue"), XPL_OK);
    ck_assert_uint_eq(code, 2);
    ck_assert_int_eq(xpl_model_category_code(&code, m, 1, "pink"),
                     XPL_EINVAL);
    xpl_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sklearn_hist");
    TCase *tc = tcase_create("sklearn_hist");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, predictions_equal_sklearn, 0, N_MODELS);
    tcase_add_loop_test(tc, path_dependent_equals_brute_force, 0, N_MODELS);
    tcase_add_loop_test(tc, interventional_equals_brute_force, 0, N_MODELS);
    tcase_add_loop_test(tc, model_bin_round_trip, 0, N_MODELS);
    tcase_add_test(tc, rule_on_a_small_model);
    tcase_add_loop_test(tc, bad_categorical_json, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, names_in_rows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
