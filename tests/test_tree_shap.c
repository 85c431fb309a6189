/* Path-dependent TreeSHAP: equal to XGBoost's pred_contribs (stored
 * fixtures), to brute-force Shapley values of the cover-weighted
 * conditional expectation game, and additive for every shipped tree model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"
#include <xplain/xplain.h>

struct shap_run {
    xpl_model *m;
    const xpl__ensemble *e;
    xpl__tree_shap_plan plan;
    void *scratch;
};

static void run_open(struct shap_run *r, const char *model)
{
    r->m = load_model(model);
    r->e = xpl__trees_params(r->m);
    ck_assert_ptr_nonnull(r->e);
    ck_assert_int_eq(xpl__tree_shap_plan_new(&r->plan, r->e), XPL_OK);
    r->scratch = malloc(xpl__tree_shap_scratch(r->e, &r->plan));
}

static void run_close(struct shap_run *r)
{
    free(r->scratch);
    xpl__tree_shap_plan_free(&r->plan);
    xpl_model_free(r->m);
}

/* ---- XGBoost's own contributions ---- */

static const struct {
    const char *model, *data;
} xgb_cases[] = {
    { "diabetes_xgb", "diabetes" },
    { "diabetes_missing_xgb", "diabetes_missing" },
    { "breast_cancer_xgb", "breast_cancer" },
    { "wine_xgb", "wine" },
};

START_TEST(matches_xgboost_pred_contribs)
{
    char model[128], data[128], fixture[128];
    snprintf(model, sizeof model, "data/models/%s.json", xgb_cases[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", xgb_cases[_i].data);
    snprintf(fixture, sizeof fixture, "tests/fixtures/trees/%s_contribs.csv",
             xgb_cases[_i].model);
    struct shap_run r;
    run_open(&r, model);
    size_t m = r.e->n_features, k = r.e->n_outputs;
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(r.m), m);

    /* Fixture columns: row, output, one per feature, bias. */
    const char **cols = malloc((m + 3) * sizeof *cols);
    cols[0] = "row";
    cols[1] = "output";
    for (size_t j = 0; j < m; j++)
        cols[2 + j] = xpl_model_feature_name(r.m, j);
    cols[m + 2] = "bias";
    xpl_dataset *ref = read_columns(fixture, cols, m + 3);
    const double *want = xpl_dataset_data(ref);
    double *phi = malloc(k * m * sizeof *phi);
    double worst = 0;
    for (size_t i = 0; i < xpl_dataset_n_rows(ref); i++) {
        const double *w = want + i * (m + 3);
        size_t row = (size_t)w[0], out = (size_t)w[1];
        xpl__tree_shap_row(r.e, &r.plan, r.scratch,
                           xpl_dataset_data(x) + row * m, phi);
        for (size_t j = 0; j <= m; j++) {
            double got = j < m ? phi[out * m + j] : r.plan.base_value[out];
            double scale = fabs(w[2 + j]) > 1 ? fabs(w[2 + j]) : 1;
            double err = fabs(got - w[2 + j]) / scale;
            if (!(err <= worst))
                worst = err;
        }
    }
    /* XGBoost works in float32; 1e-5 relative to max(1, |value|). */
    ck_assert_msg(worst <= 1e-5, "%s: worst error %g", xgb_cases[_i].model,
                  worst);
    ck_assert_uint_ge(xpl_dataset_n_rows(ref), 20);
    free(phi);
    free(cols);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    run_close(&r);
}
END_TEST

/* ---- brute force: Shapley values of v(S) = E[f(x) | x_S] under the
 * trees' cover-weighted path distribution (the game TreeSHAP solves) ---- */

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
    return (cover[l] * expectation(e, t, mean, l, x, mask)
            + cover[r] * expectation(e, t, mean, r, x, mask))
           / (cover[l] + cover[r]);
}

/* The path-dependent game of row x: v(S) = the sum over trees of the
 * expectation with the features outside S integrated out by the covers. */
static void path_dependent_values(const xpl__ensemble *e,
                                  const xpl__tree_shap_plan *plan,
                                  const double *x, double *v)
{
    for (unsigned s = 0; s < (1u << e->n_features); s++) {
        v[s] = 0;
        for (size_t t = 0; t < e->n_trees; t++)
            v[s] += expectation(e, &e->trees[t],
                                plan->node_mean + e->trees[t].first_value, 0,
                                x, s);
    }
}

START_TEST(equals_brute_force_shapley)
{
    static const char *models[] = { "data/models/diabetes_xgb.json",
                                    "data/models/diabetes_missing_xgb.json" };
    static const char *datasets[] = { "data/diabetes.csv",
                                      "data/diabetes_missing.csv" };
    struct shap_run r;
    run_open(&r, models[_i]);
    size_t m = r.e->n_features;
    ck_assert_uint_eq(m, 10);
    xpl_dataset *x = read_columns(datasets[_i], xpl_model_feature_names(r.m),
                                  m);
    double *v = malloc((1u << m) * sizeof *v);
    double phi[10], want[10];
    for (size_t row = 0; row < 6; row++) {
        const double *xr = xpl_dataset_data(x) + row * 37 % 442 * m;
        path_dependent_values(r.e, &r.plan, xr, v);
        shapley_from_values(m, 1, v, want);
        xpl__tree_shap_row(r.e, &r.plan, r.scratch, xr, phi);
        for (size_t j = 0; j < m; j++)
            ck_assert_msg(fabs(phi[j] - want[j]) <=
                              1e-9 * fmax(1, fabs(want[j])),
                          "row %zu feature %zu: %.17g vs %.17g", row, j,
                          phi[j], want[j]);
    }
    free(v);
    xpl_dataset_free(x);
    run_close(&r);
}
END_TEST

/* ---- interventional: brute force over all coalitions with the model ---- */

START_TEST(interventional_equals_brute_force)
{
    static const char *models[] = { "data/models/diabetes_xgb.json",
                                    "data/models/diabetes_missing_xgb.json",
                                    "data/models/diabetes_forest.json" };
    static const char *datasets[] = { "data/diabetes.csv",
                                      "data/diabetes_missing.csv",
                                      "data/diabetes.csv" };
    struct shap_run r;
    run_open(&r, models[_i]);
    size_t m = r.e->n_features;
    xpl_dataset *x = read_columns(datasets[_i], xpl_model_feature_names(r.m),
                                  m);
    const double *data = xpl_dataset_data(x);
    enum { N_BG = 5 };
    double bg[N_BG * 10], w[N_BG] = { 0.1, 0.3, 0.2, 0.25, 0.15 };
    for (int b = 0; b < N_BG; b++)
        memcpy(bg + b * 10, data + (size_t)(100 + 61 * b) * m,
               10 * sizeof(double));
    void *scratch = malloc(xpl__tree_shap_interventional_scratch(r.e,
                                                                 &r.plan));
    double *v = malloc(((size_t)1 << m) * sizeof *v);
    double phi[10], want[10], fx, fbg[N_BG];
    ck_assert_int_eq(xpl_model_predict(r.m, NULL, bg, N_BG, XPL_OUTPUT_RAW,
                                       fbg), XPL_OK);
    for (size_t row = 0; row < 4; row++) {
        const double *xr = data + (row * 53 + 7) % 442 * m;
        interventional_values(r.m, bg, w, N_BG, xr, XPL_OUTPUT_RAW, v);
        shapley_from_values(m, 1, v, want);
        xpl__tree_shap_interventional_row(r.e, &r.plan, scratch, xr, bg, w,
                                          N_BG, phi);
        double sum = 0;
        for (size_t j = 0; j < m; j++) {
            ck_assert_msg(fabs(phi[j] - want[j]) <=
                              1e-9 * fmax(1, fabs(want[j])),
                          "%s row %zu feature %zu: %.17g vs %.17g",
                          models[_i], row, j, phi[j], want[j]);
            sum += phi[j];
        }
        ck_assert_int_eq(xpl_model_predict(r.m, NULL, xr, 1, XPL_OUTPUT_RAW,
                                           &fx), XPL_OK);
        double efx = 0;
        for (int b = 0; b < N_BG; b++)
            efx += w[b] * fbg[b];
        ck_assert(fabs(sum - (fx - efx)) <= 1e-9 * fmax(1, fabs(fx)));
    }
    free(v);
    free(scratch);
    xpl_dataset_free(x);
    run_close(&r);
}
END_TEST

/* ---- additivity on every shipped tree model ---- */

START_TEST(contributions_add_up_to_the_prediction)
{
    char model[128], data[128];
    snprintf(model, sizeof model, "data/models/%s.json", shipped_tree_models[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", shipped_tree_models[_i].data);
    struct shap_run r;
    run_open(&r, model);
    size_t m = r.e->n_features, k = r.e->n_outputs;
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(r.m), m);
    size_t n = xpl_dataset_n_rows(x);
    double *pred = malloc(n * k * sizeof *pred);
    ck_assert_int_eq(xpl_model_predict(r.m, NULL, xpl_dataset_data(x), n,
                                       XPL_OUTPUT_RAW, pred), XPL_OK);
    double *phi = malloc(k * m * sizeof *phi);
    for (size_t row = 0; row < n; row++) {
        xpl__tree_shap_row(r.e, &r.plan, r.scratch,
                           xpl_dataset_data(x) + row * m, phi);
        for (size_t o = 0; o < k; o++) {
            double sum = r.plan.base_value[o];
            for (size_t j = 0; j < m; j++)
                sum += phi[o * m + j];
            double want = pred[row * k + o];
            ck_assert_msg(fabs(sum - want) <= 1e-9 * fmax(1, fabs(want)),
                          "%s row %zu output %zu: %.17g vs %.17g",
                          shipped_tree_models[_i].model, row, o, sum, want);
        }
    }
    free(phi);
    free(pred);
    xpl_dataset_free(x);
    run_close(&r);
}
END_TEST

/* ---- the quadrature path against Algorithm 2 ---- */

/* |a - b| <= 1e-9 max(1, |b|), NaN equal to NaN. */
static int same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

/* Largest |a - b| / max(1, |b|) between the fast path and the reference on
 * one row, failing on a NaN mismatch. */
static double compare_row(const struct shap_run *r, const double *x,
                          double *phi, double *ref)
{
    size_t n = r->e->n_outputs * r->e->n_features;
    xpl__tree_shap_row(r->e, &r->plan, r->scratch, x, phi);
    xpl__tree_shap_row_reference(r->e, &r->plan, r->scratch, x, ref);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(isnan(phi[i]) == isnan(ref[i]), "entry %zu: %g vs %g",
                      i, phi[i], ref[i]);
        if (isnan(ref[i]))
            continue;
        double d = fabs(phi[i] - ref[i]) / fmax(1, fabs(ref[i]));
        if (d > worst)
            worst = d;
    }
    return worst;
}

START_TEST(fast_equals_algorithm_2_on_shipped_models)
{
    char model[128], data[128];
    snprintf(model, sizeof model, "data/models/%s.json", shipped_tree_models[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", shipped_tree_models[_i].data);
    struct shap_run r;
    run_open(&r, model);
    size_t m = r.e->n_features, k = r.e->n_outputs;
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(r.m), m);
    double *phi = malloc(k * m * sizeof *phi), *ref = malloc(k * m * sizeof *ref);
    double worst = 0;
    for (size_t row = 0; row < xpl_dataset_n_rows(x); row++) {
        double d = compare_row(&r, xpl_dataset_data(x) + row * m, phi, ref);
        worst = fmax(worst, d);
    }
    ck_assert_msg(worst <= 1e-9, "%s: %g", shipped_tree_models[_i].model, worst);
    free(phi);
    free(ref);
    xpl_dataset_free(x);
    run_close(&r);
}
END_TEST

/* Random ensembles built directly: deep and unbalanced trees (a long spine
 * with short side branches), features repeating along paths or not,
 * single-leaf trees, vector leaves averaged over the trees, trees without
 * default directions. */
struct rng {
    uint64_t s;
};

static double uniform(struct rng *g)
{
    g->s = g->s * 6364136223846793005u + 1442695040888963407u;
    return (double)(g->s >> 11) * 0x1.0p-53;
}

static double normal(struct rng *g)
{
    double u = uniform(g) + 1e-300, v = uniform(g);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

struct rtree {
    size_t n, cap, nv;
    int64_t *feature, *left, *right;
    double *threshold, *value, *cover;
    unsigned char *default_left;
};

struct rshape {
    size_t n_features;
    size_t depth;     /* longest path */
    double p_branch;  /* chance that the side branch grows too */
    size_t budget;    /* node cap per tree */
};

static size_t grow(struct rtree *t, struct rng *g, const struct rshape *sh,
                   size_t depth, int spine)
{
    size_t i = t->n++;
    ck_assert_uint_lt(i, t->cap);
    int leaf = depth >= sh->depth || (!spine && uniform(g) > sh->p_branch) ||
               t->n + 2 > t->cap;
    if (leaf) {
        t->feature[i] = -1;
        t->left[i] = t->right[i] = -1;
        t->threshold[i] = 0;
        t->default_left[i] = 0;
        t->cover[i] = 0.5 + 10 * uniform(g);
        for (size_t v = 0; v < t->nv; v++)
            t->value[i * t->nv + v] = normal(g);
        return i;
    }
    t->feature[i] = (int64_t)(uniform(g) * (double)sh->n_features);
    t->threshold[i] = 0.7 * normal(g);
    t->default_left[i] = uniform(g) < 0.5;
    int spine_left = uniform(g) < 0.5;
    t->left[i] = (int64_t)grow(t, g, sh, depth + 1, spine && spine_left);
    t->right[i] = (int64_t)grow(t, g, sh, depth + 1, spine && !spine_left);
    t->cover[i] = t->cover[t->left[i]] + t->cover[t->right[i]];
    for (size_t v = 0; v < t->nv; v++)
        t->value[i * t->nv + v] = NAN;
    return i;
}

enum { RANDOM_TREES = 12 };

struct rcase {
    const char *name;
    struct rshape shape;
    size_t n_outputs;
    int vector_leaves;   /* every tree feeds every output, averaged */
    int no_defaults;     /* odd trees cannot route missing values */
    double p_missing;
};

static const struct rcase rcases[] = {
    /* depth 34, 6 features: features repeat many times on every path */
    { "spine, 6 features", { 6, 34, 0.15, 400 }, 1, 0, 0, 0.1 },
    /* depth 40, 80 features: up to ~40 distinct features on a path */
    { "spine, 80 features", { 80, 40, 0.2, 600 }, 2, 0, 0, 0.05 },
    /* bushy depth 12, 10 features, vector leaves averaged */
    { "bushy, vector leaves", { 10, 12, 0.7, 3000 }, 3, 1, 0, 0.1 },
    /* missing values reaching trees without default directions */
    { "no default directions", { 12, 31, 0.3, 800 }, 2, 0, 1, 0.15 },
};

static xpl_model *random_model(const struct rcase *c, uint64_t seed)
{
    struct rng g = { seed };
    size_t nv = c->vector_leaves ? c->n_outputs : 1;
    struct rtree t[RANDOM_TREES];
    xpl__tree_spec spec[RANDOM_TREES];
    for (size_t k = 0; k < RANDOM_TREES; k++) {
        size_t cap = c->shape.budget;
        t[k] = (struct rtree){ 0, cap, nv,
                               malloc(cap * sizeof(int64_t)),
                               malloc(cap * sizeof(int64_t)),
                               malloc(cap * sizeof(int64_t)),
                               malloc(cap * sizeof(double)),
                               malloc(cap * nv * sizeof(double)),
                               malloc(cap * sizeof(double)),
                               malloc(cap) };
        if (k == 3) { /* a single leaf */
            struct rshape one = c->shape;
            one.depth = 0;
            grow(&t[k], &g, &one, 0, 1);
        } else {
            grow(&t[k], &g, &c->shape, 0, 1);
        }
        spec[k] = (xpl__tree_spec){
            .n_nodes = t[k].n,
            .output = c->vector_leaves ? XPL__ALL_OUTPUTS
                                       : (uint32_t)(k % c->n_outputs),
            .feature = t[k].feature, .threshold = t[k].threshold,
            .left = t[k].left, .right = t[k].right,
            .default_left = c->no_defaults && k % 2 ? NULL : t[k].default_left,
            .value = t[k].value, .cover = t[k].cover,
        };
    }
    double base[3] = { 0.25, -1.5, 3 };
    xpl__ensemble_spec es = {
        .n_features = c->shape.n_features,
        .n_outputs = c->n_outputs,
        .link = XPL_LINK_IDENTITY,
        .aggregation = c->vector_leaves ? XPL__AGG_MEAN : XPL__AGG_SUM,
        .compare_le = (int)(seed & 1),
        .base_score = base,
        .n_trees = RANDOM_TREES,
        .trees = spec,
    };
    xpl_model *m = NULL;
    ck_assert_msg(xpl__trees_model_new(&m, &es, "random") == XPL_OK, "%s",
                  xpl_last_error());
    for (size_t k = 0; k < RANDOM_TREES; k++) {
        free(t[k].feature);
        free(t[k].left);
        free(t[k].right);
        free(t[k].threshold);
        free(t[k].value);
        free(t[k].cover);
        free(t[k].default_left);
    }
    return m;
}

START_TEST(fast_equals_algorithm_2_on_deep_random_trees)
{
    const struct rcase *c = &rcases[_i];
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct shap_run r;
        r.m = random_model(c, seed * 7919 + (uint64_t)_i);
        r.e = xpl__trees_params(r.m);
        ck_assert_int_eq(xpl__tree_shap_plan_new(&r.plan, r.e), XPL_OK);
        r.scratch = malloc(xpl__tree_shap_scratch(r.e, &r.plan));
        size_t m = r.e->n_features, k = r.e->n_outputs;
        uint32_t depth = 0;
        for (size_t t = 0; t < r.e->n_trees; t++)
            depth = r.e->trees[t].depth > depth ? r.e->trees[t].depth : depth;
        ck_assert_uint_ge(depth, c->shape.depth < 30 ? c->shape.depth : 30);
        struct rng g = { seed };
        double *x = malloc(m * sizeof *x), *phi = malloc(k * m * sizeof *phi);
        double *ref = malloc(k * m * sizeof *ref), *pred = malloc(k * sizeof *pred);
        double worst = 0;
        size_t nan_rows = 0;
        for (int row = 0; row < 40; row++) {
            for (size_t j = 0; j < m; j++)
                x[j] = uniform(&g) < c->p_missing ? NAN : normal(&g);
            worst = fmax(worst, compare_row(&r, x, phi, ref));
            /* Additive; NaN wherever the prediction is (and also when a
             * missing value meets a split off x's path in such a tree:
             * the cover-weighted game needs every split). */
            ck_assert_int_eq(xpl_model_predict(r.m, NULL, x, 1,
                                               XPL_OUTPUT_RAW, pred), XPL_OK);
            for (size_t o = 0; o < k; o++) {
                double sum = r.plan.base_value[o];
                for (size_t j = 0; j < m; j++)
                    sum += phi[o * m + j];
                nan_rows += isnan(sum);
                ck_assert(!isnan(pred[o]) || isnan(sum));
                ck_assert_msg(isnan(sum) || same(sum, pred[o]),
                              "%s: %.17g vs %.17g", c->name, sum, pred[o]);
            }
        }
        /* Paths with ~30 distinct features need more than 8 points. */
        if (c->shape.n_features > 40 && r.plan.fast)
            ck_assert_uint_gt(xpl__tree_shap_fast_points(r.plan.fast), 8);
        ck_assert_msg(worst <= 1e-9, "%s, seed %d: %g", c->name, (int)seed,
                      worst);
        if (c->no_defaults)
            ck_assert_uint_gt(nan_rows, 0);
        free(x);
        free(phi);
        free(ref);
        free(pred);
        run_close(&r);
    }
}
END_TEST

/* Depth 34 with 6 features: brute force over the 64 subsets is an
 * independent check of both algorithms where paths are long. */
START_TEST(deep_trees_equal_brute_force)
{
    struct shap_run r;
    r.m = random_model(&rcases[0], 4242);
    r.e = xpl__trees_params(r.m);
    ck_assert_int_eq(xpl__tree_shap_plan_new(&r.plan, r.e), XPL_OK);
    r.scratch = malloc(xpl__tree_shap_scratch(r.e, &r.plan));
    enum { M = 6 };
    ck_assert_uint_eq(r.e->n_features, M);
    struct rng g = { 99 };
    double x[M], phi[M], want[M], v[1 << M];
    for (int row = 0; row < 10; row++) {
        for (int j = 0; j < M; j++)
            x[j] = uniform(&g) < 0.1 ? NAN : normal(&g);
        path_dependent_values(r.e, &r.plan, x, v);
        shapley_from_values(M, 1, v, want);
        xpl__tree_shap_row(r.e, &r.plan, r.scratch, x, phi);
        for (int j = 0; j < M; j++)
            ck_assert_msg(fabs(phi[j] - want[j]) <=
                              1e-9 * fmax(1, fabs(want[j])),
                          "row %d feature %d: %.17g vs %.17g", row, j, phi[j],
                          want[j]);
    }
    run_close(&r);
}
END_TEST

/* ---- the public explainer ---- */

START_TEST(public_api)
{
    xpl_model *lin = load_model("data/models/diabetes_linear.json");
    xpl_tree_shap *ts = (xpl_tree_shap *)&ts;
    ck_assert_int_eq(xpl_tree_shap_new(&ts, lin, NULL), XPL_EUNSUPPORTED);
    ck_assert_ptr_null(ts);
    xpl_model_free(lin);
    ck_assert_int_eq(xpl_tree_shap_new(NULL, NULL, NULL), XPL_EINVAL);

    xpl_model *m = load_model("data/models/wine_xgb.json");
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns("data/wine.csv", xpl_model_feature_names(m),
                                  p);
    xpl_dataset *wrong;
    ck_assert_int_eq(xpl_dataset_new(&wrong, 2, 3, NULL, NULL, NULL), XPL_OK);
    ck_assert_int_eq(xpl_tree_shap_new(&ts, m, wrong), XPL_ESHAPE);
    xpl_dataset_free(wrong);

    xpl_dataset *bg;
    ck_assert_int_eq(xpl_dataset_sample(&bg, x, 20, 3), XPL_OK);
    xpl_tree_shap *path, *inter;
    ck_assert_int_eq(xpl_tree_shap_new(&path, m, NULL), XPL_OK);
    ck_assert_int_eq(xpl_tree_shap_new(&inter, m, bg), XPL_OK);
    ck_assert(!xpl_tree_shap_is_interventional(path));
    ck_assert(xpl_tree_shap_is_interventional(inter));
    ck_assert_uint_eq(xpl_tree_shap_n_outputs(inter), k);
    ck_assert_uint_eq(xpl_tree_shap_n_features(inter), p);
    double *phi = malloc(k * p * sizeof *phi), pred[3];
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    for (size_t row = 0; row < xpl_dataset_n_rows(x); row += 17) {
        const double *xr = xpl_dataset_data(x) + row * p;
        xpl_tree_shap *both[2] = { path, inter };
        for (int t = 0; t < 2; t++) {
            ck_assert_int_eq(xpl_tree_shap_explain(both[t], t ? ws : NULL, xr,
                                                   phi, pred), XPL_OK);
            const double *base = xpl_tree_shap_base_values(both[t]);
            for (size_t o = 0; o < k; o++) {
                double sum = base[o];
                for (size_t j = 0; j < p; j++)
                    sum += phi[o * p + j];
                ck_assert_msg(fabs(sum - pred[o]) <= 1e-9 * fmax(1,
                              fabs(pred[o])), "row %zu: %.17g vs %.17g", row,
                              sum, pred[o]);
            }
        }
    }
    ck_assert_int_eq(xpl_tree_shap_explain(path, NULL, NULL, phi, NULL),
                     XPL_EINVAL);
    free(phi);
    xpl_workspace_free(ws);
    xpl_tree_shap_free(path);
    xpl_tree_shap_free(inter);
    xpl_tree_shap_free(NULL);
    xpl_dataset_free(bg);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tree_shap");
    TCase *tc = tcase_create("path_dependent");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, matches_xgboost_pred_contribs, 0,
                        (int)(sizeof xgb_cases / sizeof xgb_cases[0]));
    tcase_add_loop_test(tc, equals_brute_force_shapley, 0, 2);
    tcase_add_loop_test(tc, interventional_equals_brute_force, 0, 3);
    tcase_add_loop_test(tc, contributions_add_up_to_the_prediction, 0,
                        N_SHIPPED_TREE_MODELS);
    tcase_add_loop_test(tc, fast_equals_algorithm_2_on_shipped_models, 0,
                        N_SHIPPED_TREE_MODELS);
    tcase_add_loop_test(tc, fast_equals_algorithm_2_on_deep_random_trees, 0,
                        (int)(sizeof rcases / sizeof rcases[0]));
    tcase_add_test(tc, deep_trees_equal_brute_force);
    tcase_add_test(tc, public_api);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
