/* SHAP interaction values of path-dependent TreeSHAP: equal to XGBoost's
 * pred_interactions (stored fixtures), to the Shapley interaction index of
 * the cover-weighted conditional expectation game by enumeration, and
 * consistent with the SHAP values (rows sum to them, the total to the
 * prediction, symmetric). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"
#include <xplain/xplain.h>

/* ---- XGBoost's own interaction values ---- */

static const struct {
    const char *model, *data;
    double tol; /* relative to max(1, |value|) */
} xgb_cases[] = {
    { "diabetes_xgb", "diabetes", 2e-5 },
    { "diabetes_missing_xgb", "diabetes_missing", 2e-5 },
    { "breast_cancer_xgb", "breast_cancer", 1e-5 },
    { "wine_xgb", "wine", 1e-5 },
};

START_TEST(matches_xgboost_pred_interactions)
{
    char model[128], data[128], fixture[128];
    snprintf(model, sizeof model, "data/models/%s.json", xgb_cases[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", xgb_cases[_i].data);
    snprintf(fixture, sizeof fixture,
             "tests/fixtures/trees/%s_interactions.csv", xgb_cases[_i].model);
    xpl_model *m = load_model(model);
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    size_t side = p + 1, mm = side * side;
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(m), p);
    static const char *const cols[] = { "row", "output", "i", "j", "value" };
    xpl_dataset *ref = read_columns(fixture, cols, 5);
    const double *want = xpl_dataset_data(ref);
    size_t n_ref = xpl_dataset_n_rows(ref);

    xpl_tree_shap *ts;
    ck_assert_int_eq(xpl_tree_shap_new(&ts, m, NULL), XPL_OK);
    double *inter = malloc(k * mm * sizeof *inter);
    double *phi = malloc(k * p * sizeof *phi);
    size_t current = SIZE_MAX, rows = 0;
    double worst = 0, worst_row = 0;
    for (size_t q = 0; q < n_ref; q++) {
        const double *w = want + q * 5;
        size_t row = (size_t)w[0], out = (size_t)w[1];
        size_t i = (size_t)w[2], j = (size_t)w[3];
        ck_assert(out < k && i <= p && j <= p);
        const double *xr = xpl_dataset_data(x) + row * p;
        if (row != current) {
            ck_assert_int_eq(xpl_tree_shap_interactions(ts, NULL, xr, inter,
                                                        NULL), XPL_OK);
            ck_assert_int_eq(xpl_tree_shap_explain(ts, NULL, xr, phi, NULL),
                             XPL_OK);
            current = row;
            rows++;
        }
        double got = inter[out * mm + i * side + j];
        double err = fabs(got - w[4]) / fmax(1, fabs(w[4]));
        if (!(err <= worst))
            worst = err;
        /* XGBoost forms a cell as the difference of two float32 SHAP
         * vectors (i present / absent): its rounding scales with the
         * row's SHAP values, not with the cell. */
        double big = 1;
        for (size_t f = 0; f < p; f++)
            big = fmax(big, fabs(phi[out * p + f]));
        err = fabs(got - w[4]) / fmax(big, fabs(w[4]));
        if (!(err <= worst_row))
            worst_row = err;
    }
    /* Every cell of every matrix is in the fixture. */
    ck_assert_uint_eq(n_ref, rows * k * mm);
    ck_assert_uint_ge(rows, 20);
    fprintf(stderr, "# %s: worst error %.3g relative to max(1, |v|), "
            "%.3g relative to max(1, |v|, max |phi|)\n", xgb_cases[_i].model,
            worst, worst_row);
    /* XGBoost works in float32. Its own matrices are asymmetric by up to
     * 9.3e-6 relative to max(1, |v|) on the diabetes models (SHAP values up
     * to 48), which bounds how close any exact method can get there. */
    ck_assert_msg(worst <= xgb_cases[_i].tol, "%s: worst error %g",
                  xgb_cases[_i].model, worst);
    ck_assert_msg(worst_row <= 1e-6, "%s: worst error %g",
                  xgb_cases[_i].model, worst_row);
    free(phi);
    free(inter);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- brute force: the Shapley interaction index of v(S) = E[f(x) | x_S]
 * under the trees' cover-weighted path distribution ---- */

static double expectation(const xpl__ensemble *e, const xpl__tree *t,
                          const double *mean, uint32_t node, const double *x,
                          unsigned mask)
{
    const xpl__tnode *nodes = e->nodes + t->first_node;
    if (xpl__tnode_is_leaf(nodes, node))
        return mean[node];
    const xpl__tnode *n = &nodes[node];
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    uint32_t l = n->left, r = l + 1;
    if (mask & (1u << f)) {
        double v = (double)(float)x[f];
        int right = isnan(v) ? !(n->feature & XPL__TNODE_DEFAULT_LEFT)
                             : (e->compare_le ? v > n->threshold
                                              : v >= n->threshold);
        return expectation(e, t, mean, right ? r : l, x, mask);
    }
    const double *cover = e->cover + t->first_node;
    double cl = cover[l], cr = cover[r];
    double wl = cl + cr > 0 ? cl / (cl + cr) : 0.5;
    return wl * expectation(e, t, mean, l, x, mask)
           + (1 - wl) * expectation(e, t, mean, r, x, mask);
}

START_TEST(equals_brute_force_interaction_index)
{
    static const char *models[] = { "data/models/diabetes_xgb.json",
                                    "data/models/diabetes_missing_xgb.json",
                                    "data/models/diabetes_forest.json",
                                    "data/models/diabetes_tree.json" };
    static const char *datasets[] = { "data/diabetes.csv",
                                      "data/diabetes_missing.csv",
                                      "data/diabetes.csv",
                                      "data/diabetes.csv" };
    xpl_model *model = load_model(models[_i]);
    const xpl__ensemble *e = xpl__trees_params(model);
    ck_assert_ptr_nonnull(e);
    xpl__tree_shap_plan plan;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&plan, e), XPL_OK);
    void *scratch = malloc(xpl__tree_interactions_scratch(e, &plan));
    size_t m = e->n_features, side = m + 1;
    ck_assert_uint_eq(m, 10);
    ck_assert_uint_eq(e->n_outputs, 1);
    xpl_dataset *x = read_columns(datasets[_i],
                                  xpl_model_feature_names(model), m);
    double fact[11] = { 1 };
    for (int i = 1; i <= 10; i++)
        fact[i] = fact[i - 1] * i;
    double *v = malloc((1u << m) * sizeof *v);
    double inter[11 * 11];
    for (size_t row = 0; row < 4; row++) {
        const double *xr = xpl_dataset_data(x) + (row * 37 + 5) % 442 * m;
        for (unsigned s = 0; s < (1u << m); s++) {
            v[s] = 0;
            for (size_t t = 0; t < e->n_trees; t++)
                v[s] += expectation(e, &e->trees[t],
                                    plan.node_mean + e->trees[t].first_value,
                                    0, xr, s)
                        * plan.out_scale[0];
        }
        xpl__tree_interactions_row(e, &plan, scratch, xr, inter);
        double scale = 0;
        for (size_t i = 0; i < side * side; i++)
            scale = fmax(scale, fabs(inter[i]));
        for (size_t i = 0; i < m; i++) {
            double phi_i = 0;
            for (size_t j = 0; j < m; j++) {
                double want = 0;
                unsigned bi = 1u << i, bj = 1u << j;
                for (unsigned s = 0; s < (1u << m); s++) {
                    if (i == j) {
                        /* Accumulate phi_i; the diagonal follows below. */
                        if (s & bi)
                            continue;
                        int size = __builtin_popcount(s);
                        phi_i += fact[size] * fact[m - size - 1] / fact[m]
                                 * (v[s | bi] - v[s]);
                        continue;
                    }
                    if (s & (bi | bj))
                        continue;
                    int size = __builtin_popcount(s);
                    /* |S|! (M-|S|-2)! / (2 (M-1)!) */
                    want += fact[size] * fact[m - size - 2]
                            / (2 * fact[m - 1])
                            * (v[s | bi | bj] - v[s | bi] - v[s | bj] + v[s]);
                }
                if (i == j)
                    continue;
                ck_assert_msg(fabs(inter[i * side + j] - want)
                                  <= 1e-9 * fmax(1, scale),
                              "%s row %zu (%zu,%zu): %.17g vs %.17g",
                              models[_i], row, i, j, inter[i * side + j],
                              want);
            }
            double diag = phi_i;
            for (size_t j = 0; j < m; j++)
                if (j != i)
                    diag -= inter[i * side + j];
            ck_assert_msg(fabs(inter[i * side + i] - diag)
                              <= 1e-9 * fmax(1, scale),
                          "%s row %zu (%zu,%zu): %.17g vs %.17g", models[_i],
                          row, i, i, inter[i * side + i], diag);
            ck_assert(inter[i * side + m] == 0 && inter[m * side + i] == 0);
        }
        /* The bias cell is the game's empty coalition plus the
         * ensemble's base score. */
        ck_assert(fabs(inter[m * side + m] - e->base_score[0] - v[0])
                  <= 1e-9 * fmax(1, fabs(v[0])));
    }
    free(v);
    free(scratch);
    xpl_dataset_free(x);
    xpl__tree_shap_plan_free(&plan);
    xpl_model_free(model);
}
END_TEST

/* ---- consistency with the SHAP values on every shipped tree model ---- */

START_TEST(consistent_with_shap_values)
{
    char model[128], data[128];
    snprintf(model, sizeof model, "data/models/%s.json", shipped_tree_models[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", shipped_tree_models[_i].data);
    xpl_model *m = load_model(model);
    const xpl__ensemble *e = xpl__trees_params(m);
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    size_t side = p + 1, mm = side * side;
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(m), p);
    size_t n = xpl_dataset_n_rows(x);

    /* Features no tree splits on. */
    unsigned char *used = calloc(p, 1);
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tnode *nodes = e->nodes + e->trees[t].first_node;
        for (size_t q = 0; q < e->trees[t].n_nodes; q++)
            if (!xpl__tnode_is_leaf(nodes, q))
                used[nodes[q].feature & XPL__TNODE_FEATURE_MASK] = 1;
    }

    xpl_tree_shap *ts;
    ck_assert_int_eq(xpl_tree_shap_new(&ts, m, NULL), XPL_OK);
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    double *inter = malloc(k * mm * sizeof *inter);
    double *phi = malloc(k * p * sizeof *phi);
    double *pred = malloc(k * sizeof *pred);
    const double *base = xpl_tree_shap_base_values(ts);
    size_t step = n > 60 ? n / 60 : 1;
    for (size_t row = 0; row < n; row += step) {
        const double *xr = xpl_dataset_data(x) + row * p;
        ck_assert_int_eq(xpl_tree_shap_explain(ts, ws, xr, phi, NULL),
                         XPL_OK);
        ck_assert_int_eq(xpl_tree_shap_interactions(ts, ws, xr, inter, pred),
                         XPL_OK);
        for (size_t o = 0; o < k; o++) {
            const double *a = inter + o * mm;
            double total = 0, scale = 1;
            for (size_t i = 0; i < mm; i++)
                scale = fmax(scale, fabs(a[i]));
            for (size_t i = 0; i < p; i++) {
                double sum = 0;
                for (size_t j = 0; j <= p; j++) {
                    sum += a[i * side + j];
                    ck_assert_msg(fabs(a[i * side + j] - a[j * side + i])
                                      <= 1e-9 * scale,
                                  "%s row %zu: (%zu,%zu) %.17g vs %.17g",
                                  shipped_tree_models[_i].model, row, i, j,
                                  a[i * side + j], a[j * side + i]);
                    if (!used[i])
                        ck_assert(a[i * side + j] == 0);
                }
                ck_assert_msg(fabs(sum - phi[o * p + i])
                                  <= 1e-9 * fmax(1, fabs(phi[o * p + i])),
                              "%s row %zu feature %zu: %.17g vs %.17g",
                              shipped_tree_models[_i].model, row, i, sum,
                              phi[o * p + i]);
                total += sum;
            }
            ck_assert(a[p * side + p] == base[o]);
            total += a[p * side + p];
            ck_assert_msg(fabs(total - pred[o]) <= 1e-9 * fmax(1,
                          fabs(pred[o])), "%s row %zu: %.17g vs %.17g",
                          shipped_tree_models[_i].model, row, total, pred[o]);
        }
    }
    free(pred);
    free(phi);
    free(inter);
    free(used);
    xpl_workspace_free(ws);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- the public entry point ---- */

START_TEST(public_api)
{
    xpl_model *m = load_model("data/models/diabetes_forest.json");
    size_t p = xpl_model_n_features(m), mm = (p + 1) * (p + 1);
    xpl_dataset *x = read_columns("data/diabetes.csv",
                                  xpl_model_feature_names(m), p);
    xpl_dataset *bg;
    ck_assert_int_eq(xpl_dataset_sample(&bg, x, 10, 1), XPL_OK);
    xpl_tree_shap *path, *inter;
    ck_assert_int_eq(xpl_tree_shap_new(&path, m, NULL), XPL_OK);
    ck_assert_int_eq(xpl_tree_shap_new(&inter, m, bg), XPL_OK);
    double *a = malloc(mm * sizeof *a);
    const double *xr = xpl_dataset_data(x);
    ck_assert_int_eq(xpl_tree_shap_interactions(inter, NULL, xr, a, NULL),
                     XPL_EUNSUPPORTED);
    ck_assert_int_eq(xpl_tree_shap_interactions(NULL, NULL, xr, a, NULL),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_tree_shap_interactions(path, NULL, NULL, a, NULL),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_tree_shap_interactions(path, NULL, xr, NULL, NULL),
                     XPL_EINVAL);

    /* scikit-learn 1.2 trees have no default direction: a missing value
     * that reaches a split makes the whole matrix NaN, like the SHAP
     * values. */
    double row[10];
    memcpy(row, xr, sizeof row);
    for (size_t j = 0; j < p; j++)
        row[j] = NAN;
    ck_assert_int_eq(xpl_tree_shap_interactions(path, NULL, row, a, NULL),
                     XPL_OK);
    for (size_t q = 0; q < mm; q++)
        ck_assert(isnan(a[q]));
    free(a);
    xpl_tree_shap_free(path);
    xpl_tree_shap_free(inter);
    xpl_dataset_free(bg);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- the quadrature kernel against Algorithm 2 with the held feature off
 * the path (both exact), on every shipped tree model: multi-output, deep
 * forests (more quadrature points), missing values ---- */

START_TEST(quadrature_equals_reference)
{
    char model[128], data[128];
    snprintf(model, sizeof model, "data/models/%s.json", shipped_tree_models[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", shipped_tree_models[_i].data);
    xpl_model *m = load_model(model);
    const xpl__ensemble *e = xpl__trees_params(m);
    xpl__tree_shap_plan plan;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&plan, e), XPL_OK);
    ck_assert_ptr_nonnull(plan.fast);
    size_t p = e->n_features, k = e->n_outputs, side = p + 1;
    size_t mm = k * side * side;
    void *scratch = malloc(xpl__tree_interactions_scratch(e, &plan));
    double *a = malloc(mm * sizeof *a), *b = malloc(mm * sizeof *b);
    ck_assert(scratch && a && b);
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(m), p);
    size_t n = xpl_dataset_n_rows(x);
    for (size_t row = 0; row < n; row += n / 12 + 1) {
        const double *xr = xpl_dataset_data(x) + row * p;
        xpl__tree_interactions_row(e, &plan, scratch, xr, a);
        xpl__tree_interactions_row_reference(e, &plan, scratch, xr, b);
        double scale = 0;
        for (size_t i = 0; i < mm; i++)
            scale = fmax(scale, fabs(b[i]));
        for (size_t i = 0; i < mm; i++) {
            if (isnan(b[i])) {
                ck_assert(isnan(a[i]));
                continue;
            }
            ck_assert_msg(fabs(a[i] - b[i]) <= 1e-10 * fmax(1, scale),
                          "%s row %zu cell %zu: %.17g vs %.17g",
                          shipped_tree_models[_i].model, row, i, a[i], b[i]);
        }
    }
    free(a);
    free(b);
    free(scratch);
    xpl_dataset_free(x);
    xpl__tree_shap_plan_free(&plan);
    xpl_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tree_interactions");
    TCase *tc = tcase_create("path_dependent");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, matches_xgboost_pred_interactions, 0,
                        (int)(sizeof xgb_cases / sizeof xgb_cases[0]));
    tcase_add_loop_test(tc, equals_brute_force_interaction_index, 0, 4);
    tcase_add_loop_test(tc, consistent_with_shap_values, 0,
                        N_SHIPPED_TREE_MODELS);
    tcase_add_loop_test(tc, quadrature_equals_reference, 0,
                        N_SHIPPED_TREE_MODELS);
    tcase_add_test(tc, public_api);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
