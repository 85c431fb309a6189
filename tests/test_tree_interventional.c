/* Interventional TreeSHAP: the per-pair walk, the background-aggregated
 * tables and the automatic mix of the two all equal brute-force Shapley
 * values of v(S) = sum_b w_b f(x_S, bg_b,notS) (enumerating every
 * coalition through the model's own predict) and the straightforward
 * reference walk, on the shipped models and on generated deep trees. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "explainers/tree_shap/tree_interv.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"
#include <xplain/xplain.h>

static const char *const mode_name[] = { "auto", "pair", "aggregated",
                                         "sparse" };

/* phi of every mode plus the reference walk, n_outputs * n_features each:
 * out[0..3] by mode, out[4] the reference. */
static void explain_all(const xpl_model *m, const double *bg,
                        const double *w, size_t n_bg, const double *x,
                        double *out[5], size_t n_agg[4])
{
    const xpl__ensemble *e = xpl__trees_params(m);
    ck_assert_ptr_nonnull(e);
    for (int mode = 0; mode < 4; mode++) {
        xpl__interv_plan plan;
        ck_assert_int_eq(xpl__interv_plan_new(&plan, e, bg, w, n_bg, mode),
                         XPL_OK);
        void *scratch = malloc(xpl__interv_scratch(e, &plan));
        xpl__interv_row(e, &plan, scratch, x, out[mode]);
        /* The sparse mode really takes the pattern lists. */
        if (mode == XPL__INTERV_SPARSE && plan.n_aggregated)
            ck_assert_uint_gt(plan.n_sleaves, 0);
        if (n_agg)
            n_agg[mode] = plan.n_aggregated;
        free(scratch);
        xpl__interv_plan_free(&plan);
    }
    xpl__tree_shap_plan sp;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&sp, e), XPL_OK);
    void *scratch = malloc(xpl__tree_shap_interventional_scratch(e, &sp));
    xpl__tree_shap_interventional_row(e, &sp, scratch, x, bg, w, n_bg,
                                      out[4]);
    free(scratch);
    xpl__tree_shap_plan_free(&sp);
}

/* Exact Shapley values of the interventional game (the test helpers'
 * enumeration of the 2^p coalitions). */
static void brute_force(const xpl_model *m, const double *bg, const double *w,
                        size_t n_bg, const double *x, double *phi)
{
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    ck_assert_uint_le(p, 14);
    double *v = malloc(((size_t)1 << p) * k * sizeof *v);
    ck_assert(v);
    interventional_values(m, bg, w, n_bg, x, XPL_OUTPUT_RAW, v);
    shapley_from_values(p, k, v, phi);
    free(v);
}

/* Weights summing to 1, unequal. */
static void make_weights(double *w, size_t n)
{
    double total = 0;
    for (size_t b = 0; b < n; b++)
        total += w[b] = 1.0 + (double)(b * 7 % 5);
    for (size_t b = 0; b < n; b++)
        w[b] /= total;
}

/* Require each of the five to equal want (NaN where want is NaN). */
static void require_equal(const char *what, double *got[5], const double *want,
                          size_t n, double tol)
{
    for (int g = 0; g < 5; g++)
        for (size_t i = 0; i < n; i++) {
            if (isnan(want[i])) {
                ck_assert_msg(isnan(got[g][i]), "%s %s [%zu]: %g, not NaN",
                              what, g < 4 ? mode_name[g] : "reference", i,
                              got[g][i]);
                continue;
            }
            ck_assert_msg(fabs(got[g][i] - want[i])
                              <= tol * fmax(1, fabs(want[i])),
                          "%s %s [%zu]: %.17g vs %.17g", what,
                          g < 4 ? mode_name[g] : "reference", i, got[g][i],
                          want[i]);
        }
}

/* ---- brute force on the shipped models with at most 14 features ---- */

static const struct {
    const char *model, *data;
} small_models[] = {
    { "diabetes_xgb", "diabetes" },
    { "diabetes_missing_xgb", "diabetes_missing" },
    { "diabetes_forest", "diabetes" },
    { "diabetes_tree", "diabetes" },
    { "diabetes_gbm", "diabetes" },
    { "wine_xgb", "wine" },
    { "wine_forest", "wine" },
};

START_TEST(equals_brute_force)
{
    char model[128], data[128];
    snprintf(model, sizeof model, "data/models/%s.json",
             small_models[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", small_models[_i].data);
    xpl_model *m = load_model(model);
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(m), p);
    const double *rows = xpl_dataset_data(x);
    size_t n = xpl_dataset_n_rows(x);
    double *out[5], *want = malloc(k * p * sizeof *want);
    for (int g = 0; g < 5; g++)
        out[g] = malloc(k * p * sizeof *out[g]);
    static const size_t sizes[] = { 1, 4 };
    for (size_t si = 0; si < 2; si++) {
        size_t n_bg = sizes[si];
        double *bg = malloc(n_bg * p * sizeof *bg), w[4];
        for (size_t b = 0; b < n_bg; b++)
            memcpy(bg + b * p, rows + (b * 31 + 11) % n * p,
                   p * sizeof *bg);
        make_weights(w, n_bg);
        for (size_t r = 0; r < 2; r++) {
            const double *xr = rows + (r * 53 + 7 + si) % n * p;
            brute_force(m, bg, w, n_bg, xr, want);
            explain_all(m, bg, w, n_bg, xr, out, NULL);
            char what[160];
            snprintf(what, sizeof what, "%s N=%zu row %zu",
                     small_models[_i].model, n_bg, r);
            require_equal(what, out, want, k * p, 1e-9);
        }
        free(bg);
    }
    for (int g = 0; g < 5; g++)
        free(out[g]);
    free(want);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- the modes agree on every shipped model, 1 to 200 references ---- */

START_TEST(modes_agree_and_add_up)
{
    char model[128], data[128];
    snprintf(model, sizeof model, "data/models/%s.json", shipped_tree_models[_i].model);
    snprintf(data, sizeof data, "data/%s.csv", shipped_tree_models[_i].data);
    xpl_model *m = load_model(model);
    const xpl__ensemble *e = xpl__trees_params(m);
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(data, xpl_model_feature_names(m), p);
    const double *rows = xpl_dataset_data(x);
    size_t n = xpl_dataset_n_rows(x);
    double *out[5];
    for (int g = 0; g < 5; g++)
        out[g] = malloc(k * p * sizeof *out[g]);
    double *fbg = malloc(200 * k * sizeof *fbg), fx[3];
    static const size_t sizes[] = { 1, 2, 10, 57, 200 };
    for (size_t si = 0; si < 5; si++) {
        size_t n_bg = sizes[si];
        double *bg = malloc(n_bg * p * sizeof *bg), w[200];
        for (size_t b = 0; b < n_bg; b++)
            memcpy(bg + b * p, rows + (b * 13 + 3) % n * p, p * sizeof *bg);
        make_weights(w, n_bg);
        ck_assert_int_eq(xpl_model_predict(m, NULL, bg, n_bg, XPL_OUTPUT_RAW,
                                           fbg), XPL_OK);
        size_t n_agg[4];
        for (size_t r = 0; r < 3; r++) {
            const double *xr = rows + (r * 97 + 5 * si + 1) % n * p;
            explain_all(m, bg, w, n_bg, xr, out, n_agg);
            char what[160];
            snprintf(what, sizeof what, "%s N=%zu row %zu",
                     shipped_tree_models[_i].model, n_bg, r);
            require_equal(what, out, out[4], k * p, 1e-9);
            /* Forced modes really differ: every tree per pair, and every
             * tree aggregated (shipped trees are shallow), through tables
             * or through pattern lists. */
            ck_assert_uint_eq(n_agg[1], 0);
            ck_assert_uint_eq(n_agg[2], e->n_trees);
            ck_assert_uint_eq(n_agg[3], e->n_trees);
            ck_assert_int_eq(xpl_model_predict(m, NULL, xr, 1,
                                               XPL_OUTPUT_RAW, fx), XPL_OK);
            for (size_t o = 0; o < k; o++) {
                double sum = 0, efx = 0;
                for (size_t j = 0; j < p; j++)
                    sum += out[0][o * p + j];
                for (size_t b = 0; b < n_bg; b++)
                    efx += w[b] * fbg[b * k + o];
                ck_assert_msg(fabs(sum - (fx[o] - efx))
                                  <= 1e-9 * fmax(1, fabs(fx[o])),
                              "%s: sum %.17g vs %.17g", what, sum,
                              fx[o] - efx);
            }
        }
        free(bg);
    }
    free(fbg);
    for (int g = 0; g < 5; g++)
        free(out[g]);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- generated models: deep, unbalanced, many features per path ---- */

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

static double unit(uint64_t *s)
{
    return (double)lcg(s) / 2147483648.0;
}

struct gen {
    char *buf;
    size_t len, cap;
    /* nodes of the tree being built */
    int feature[4096], left[4096], right[4096], dl[4096];
    double threshold[4096], value[4096], cover[4096];
    int n;
};

static void emit(struct gen *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void emit(struct gen *g, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
        va_end(ap);
        if ((size_t)k < g->cap - g->len) {
            g->len += (size_t)k;
            return;
        }
        g->cap = g->cap * 2 + (size_t)k;
        g->buf = realloc(g->buf, g->cap);
    }
}

/* A node splitting on a random feature; spine > 0 grows a caterpillar
 * (one child a leaf) that deep. */
static int grow(struct gen *g, uint64_t *s, int depth, int max_depth,
                int spine, int p)
{
    int q = g->n++;
    g->cover[q] = 1 + (double)(lcg(s) % 100);
    g->dl[q] = (int)(lcg(s) & 1);
    int leaf = spine ? depth >= spine
                     : depth >= max_depth || (depth > 2 && unit(s) < 0.2);
    /* Past 3000 nodes only leaves: the pending right children (one per
     * level, at most 40) still fit. */
    if (leaf || g->n >= 3000) {
        g->feature[q] = -1;
        g->left[q] = g->right[q] = -1;
        g->threshold[q] = 0;
        g->value[q] = unit(s) * 2 - 1;
        return q;
    }
    g->feature[q] = (int)(lcg(s) % (uint64_t)p);
    g->threshold[q] = unit(s);
    g->value[q] = 0;
    int l, r;
    if (spine && lcg(s) & 1) {
        l = grow(g, s, spine, max_depth, spine, p); /* a leaf */
        r = grow(g, s, depth + 1, max_depth, spine, p);
    } else if (spine) {
        r = grow(g, s, spine, max_depth, spine, p);
        l = grow(g, s, depth + 1, max_depth, spine, p);
    } else {
        l = grow(g, s, depth + 1, max_depth, spine, p);
        r = grow(g, s, depth + 1, max_depth, spine, p);
    }
    g->left[q] = l;
    g->right[q] = r;
    return q;
}

static void emit_array_i(struct gen *g, const char *key, const int *a)
{
    emit(g, "\"%s\": [", key);
    for (int i = 0; i < g->n; i++)
        emit(g, "%s%d", i ? "," : "", a[i]);
    emit(g, "]");
}

static void emit_array_d(struct gen *g, const char *key, const double *a)
{
    emit(g, "\"%s\": [", key);
    for (int i = 0; i < g->n; i++)
        emit(g, "%s%.17g", i ? "," : "", a[i]);
    emit(g, "]");
}

/* A model's JSON up to its first tree: p features f0.., one output. */
static struct gen *model_head(int p)
{
    struct gen *g = calloc(1, sizeof *g);
    g->cap = 1 << 16;
    g->buf = malloc(g->cap);
    emit(g, "{\"type\": \"tree_ensemble\", \"link\": \"identity\", "
         "\"feature_names\": [");
    for (int j = 0; j < p; j++)
        emit(g, "%s\"f%d\"", j ? "," : "", j);
    emit(g, "], \"n_outputs\": 1, \"aggregation\": \"sum\", "
         "\"base_score\": [0.5], \"threshold_type\": \"float64\", "
         "\"comparison\": \"<\", \"trees\": [");
    return g;
}

/* The tree in g's node arrays, the t-th of the model. */
static void emit_tree(struct gen *g, int t, int defaults)
{
    emit(g, "%s{\"output\": 0, ", t ? "," : "");
    emit_array_i(g, "feature", g->feature);
    emit(g, ", ");
    emit_array_d(g, "threshold", g->threshold);
    emit(g, ", ");
    emit_array_i(g, "left", g->left);
    emit(g, ", ");
    emit_array_i(g, "right", g->right);
    if (defaults) {
        emit(g, ", ");
        emit_array_i(g, "default_left", g->dl);
    }
    emit(g, ", ");
    emit_array_d(g, "value", g->value);
    emit(g, ", ");
    emit_array_d(g, "cover", g->cover);
    emit(g, "}");
}

/* Close the JSON, load it, free g. */
static xpl_model *model_load(struct gen *g, const char *name)
{
    emit(g, "]}");
    xpl_model *m;
    int rc = xpl_model_load_buffer(&m, g->buf, g->len, name);
    ck_assert_msg(rc == XPL_OK, "%s model: %s", name, xpl_last_error());
    free(g->buf);
    free(g);
    return m;
}

/* p features; trees random of depth up to 18 plus one caterpillar of depth
 * 40; with default directions or without. */
static xpl_model *generated_model(uint64_t seed, int p, int n_trees,
                                  int defaults)
{
    struct gen *g = model_head(p);
    uint64_t s = seed;
    for (int t = 0; t < n_trees; t++) {
        g->n = 0;
        grow(g, &s, 0, t % 2 ? 18 : 8, t == 0 ? 40 : 0, p);
        emit_tree(g, t, defaults);
    }
    return model_load(g, "generated");
}

START_TEST(generated_deep_trees)
{
    enum { P = 14, N_BG = 3 };
    int defaults = _i;
    xpl_model *m = generated_model(12345 + (uint64_t)_i, P, 6, defaults);
    const xpl__ensemble *e = xpl__trees_params(m);
    ck_assert_uint_ge(e->trees[0].depth, 40);
    uint64_t s = 99;
    double bg[N_BG * P], w[N_BG], x[P];
    for (int i = 0; i < N_BG * P; i++)
        bg[i] = defaults && i % 11 == 3 ? NAN : unit(&s);
    make_weights(w, N_BG);
    double *out[5], want[P];
    for (int g = 0; g < 5; g++)
        out[g] = malloc(P * sizeof *out[g]);
    for (int r = 0; r < 3; r++) {
        for (int j = 0; j < P; j++)
            x[j] = defaults && (j + r) % 6 == 0 ? NAN : unit(&s);
        size_t n_agg[4];
        brute_force(m, bg, w, N_BG, x, want);
        explain_all(m, bg, w, N_BG, x, out, n_agg);
        char what[96];
        snprintf(what, sizeof what, "generated (defaults %d) row %d",
                 defaults, r);
        require_equal(what, out, want, P, 1e-9);
        /* Paths with more features than a table allows take pattern
         * lists (sparse_leaves_and_long_paths), so every tree can be
         * aggregated. */
        ck_assert_uint_eq(n_agg[2], e->n_trees);
        ck_assert_uint_eq(n_agg[3], e->n_trees);
    }
    for (int g = 0; g < 5; g++)
        free(out[g]);
    xpl_model_free(m);
}
END_TEST

/* Trees over P features, one per entry of depths: a caterpillar splitting
 * on features 0, 1, ... down to that depth (its deepest leaves have that
 * many distinct features on their path), the leaf at each level alternately
 * left and right. */
static xpl_model *caterpillar_model(int p, const int *depths, int n_trees)
{
    struct gen *g = model_head(p);
    for (int t = 0; t < n_trees; t++) {
        int depth = depths[t];
        /* Node 2i splits on feature i; its children are a leaf (2i + 1)
         * and the next split (2i + 2); the last split has two leaves. */
        g->n = 2 * depth + 1;
        for (int i = 0; i < g->n; i++) {
            int split = i % 2 == 0 && i / 2 < depth;
            g->feature[i] = split ? i / 2 : -1;
            g->threshold[i] = split ? 0.5 : 0;
            g->left[i] = split ? (i / 2 % 2 ? i + 2 : i + 1) : -1;
            g->right[i] = split ? (i / 2 % 2 ? i + 1 : i + 2) : -1;
            g->value[i] = split ? 0 : (double)(i % 7) - 3.0 + 0.1 * t;
            g->cover[i] = 1;
        }
        emit_tree(g, t, 0);
    }
    return model_load(g, "caterpillar");
}

/* Leaves with more features on their path than a table allows (14 to 32)
 * take pattern lists; a path with more than 32 keeps its tree per pair.
 * Checked against the reference walk (too many features for brute force)
 * with backgrounds whose references fail few, many or all conditions. */
START_TEST(sparse_leaves_and_long_paths)
{
    enum { P = 40, N_BG = 60 };
    static const int depths[] = { 16, 24, 32, 33, 40, 6 };
    xpl_model *m = caterpillar_model(P, depths, 6);
    const xpl__ensemble *e = xpl__trees_params(m);
    uint64_t s = 7;
    double *bg = malloc(N_BG * P * sizeof *bg), w[N_BG], x[P];
    /* Reference b meets each condition (< 0.5) with probability growing
     * with b: from almost never to almost always. */
    for (int b = 0; b < N_BG; b++)
        for (int j = 0; j < P; j++)
            bg[b * P + j] = unit(&s) < (double)b / N_BG ? 0.25 : 0.75;
    make_weights(w, N_BG);
    double *out[5];
    for (int g = 0; g < 5; g++)
        out[g] = malloc(P * sizeof *out[g]);
    for (int mode = XPL__INTERV_AGGREGATED; mode <= XPL__INTERV_SPARSE;
         mode++) {
        xpl__interv_plan plan;
        ck_assert_int_eq(xpl__interv_plan_new(&plan, e, bg, w, N_BG, mode),
                         XPL_OK);
        /* Depths up to 32 aggregated, 33 and 40 per pair. */
        for (size_t t = 0; t < 6; t++)
            ck_assert_int_eq(plan.aggregated[t], depths[t] <= 32);
        ck_assert_uint_gt(plan.n_sleaves, 0);
        ck_assert_uint_gt(plan.n_entries, 0);
        xpl__interv_plan_free(&plan);
    }
    for (int r = 0; r < 4; r++) {
        /* x meets every condition, none, or some. */
        for (int j = 0; j < P; j++)
            x[j] = r == 0 ? 0.25 : r == 1 ? 0.75 : unit(&s) < 0.5 ? 0.25
                                                                   : 0.75;
        size_t n_agg[4];
        explain_all(m, bg, w, N_BG, x, out, n_agg);
        char what[64];
        snprintf(what, sizeof what, "caterpillars row %d", r);
        require_equal(what, out, out[4], P, 1e-9);
        ck_assert_uint_eq(n_agg[2], 4);
        ck_assert_uint_eq(n_agg[3], 4);
    }
    for (int g = 0; g < 5; g++)
        free(out[g]);
    free(bg);
    xpl_model_free(m);
}
END_TEST

/* ---- missing values where a tree has no default direction ---- */

START_TEST(missing_without_default_directions)
{
    xpl_model *m = load_model("data/models/diabetes_forest.json");
    const xpl__ensemble *e = xpl__trees_params(m);
    size_t p = 10;
    xpl_dataset *x = read_columns("data/diabetes.csv",
                                  xpl_model_feature_names(m), p);
    const double *rows = xpl_dataset_data(x);
    double bg[20 * 10], w[20], xr[10];
    memcpy(bg, rows + 40 * p, sizeof bg);
    make_weights(w, 20);
    double *out[5];
    for (int g = 0; g < 5; g++)
        out[g] = malloc(p * sizeof *out[g]);
    size_t n_agg[4];

    /* A missing value in x: every tree that splits on it is unknown. */
    memcpy(xr, rows + 3 * p, sizeof xr);
    xr[2] = NAN; /* bmi: split on by every tree */
    explain_all(m, bg, w, 20, xr, out, n_agg);
    for (int g = 0; g < 5; g++)
        for (size_t j = 0; j < p; j++)
            ck_assert(isnan(out[g][j]));

    /* A missing value in a reference: the trees splitting on that feature
     * stay per pair, the others keep tables; same values as the reference
     * walk (NaN wherever a pair meets the missing value). */
    bg[5 * p + 3] = NAN;
    memcpy(xr, rows + 3 * p, sizeof xr);
    explain_all(m, bg, w, 20, xr, out, n_agg);
    ck_assert_uint_lt(n_agg[2], e->n_trees);
    require_equal("forest, missing reference", out, out[4], p, 1e-9);
    for (int g = 0; g < 5; g++)
        free(out[g]);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- the automatic rule: deterministic, and it follows N ---- */

START_TEST(automatic_rule)
{
    xpl_model *m = load_model("data/models/breast_cancer_xgb.json");
    const xpl__ensemble *e = xpl__trees_params(m);
    size_t p = xpl_model_n_features(m);
    xpl_dataset *x = read_columns("data/breast_cancer.csv",
                                  xpl_model_feature_names(m), p);
    double w[200];
    make_weights(w, 200);
    xpl__interv_plan a, b;
    /* One reference: walking it is cheaper than the tables for some
     * trees; 200: tables everywhere. */
    ck_assert_int_eq(xpl__interv_plan_new(&a, e, xpl_dataset_data(x), w, 1,
                                          XPL__INTERV_AUTO), XPL_OK);
    ck_assert_uint_lt(a.n_aggregated, e->n_trees);
    xpl__interv_plan_free(&a);
    make_weights(w, 200);
    ck_assert_int_eq(xpl__interv_plan_new(&a, e, xpl_dataset_data(x), w, 200,
                                          XPL__INTERV_AUTO), XPL_OK);
    ck_assert_int_eq(xpl__interv_plan_new(&b, e, xpl_dataset_data(x), w, 200,
                                          XPL__INTERV_AUTO), XPL_OK);
    ck_assert_uint_eq(a.n_aggregated, e->n_trees);
    ck_assert_uint_eq(a.table_bytes, b.table_bytes);
    ck_assert(memcmp(a.tabs, b.tabs, a.table_bytes) == 0);
    xpl__interv_plan_free(&a);
    xpl__interv_plan_free(&b);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- the public explainer on several threads ---- */

struct job {
    const xpl_tree_shap *ts;
    const double *rows;
    size_t n, p, k;
    double *out;
    int rc;
};

static void *explain_job(void *arg)
{
    struct job *j = arg;
    xpl_workspace *ws;
    j->rc = xpl_workspace_new(&ws);
    for (size_t r = 0; r < j->n && !j->rc; r++)
        j->rc = xpl_tree_shap_explain(j->ts, ws, j->rows + r * j->p,
                                      j->out + r * j->k * j->p, NULL);
    xpl_workspace_free(ws);
    return NULL;
}

START_TEST(threads_give_the_same_values)
{
    /* A forest (every-output trees) and a booster with missing values. */
    static const char *models[] = { "data/models/wine_forest.json",
                                    "data/models/diabetes_missing_xgb.json" };
    static const char *datasets[] = { "data/wine.csv",
                                      "data/diabetes_missing.csv" };
    xpl_model *m = load_model(models[_i]);
    size_t p = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    xpl_dataset *x = read_columns(datasets[_i], xpl_model_feature_names(m),
                                  p);
    xpl_dataset *bg;
    ck_assert_int_eq(xpl_dataset_sample(&bg, x, 50, 7), XPL_OK);
    xpl_tree_shap *ts;
    ck_assert_int_eq(xpl_tree_shap_new(&ts, m, bg), XPL_OK);
    size_t n = xpl_dataset_n_rows(x);
    double *one = malloc(n * k * p * sizeof *one);
    struct job single = { ts, xpl_dataset_data(x), n, p, k, one, 0 };
    explain_job(&single);
    ck_assert_int_eq(single.rc, XPL_OK);
    enum { N_THREADS = 4 };
    pthread_t th[N_THREADS];
    struct job jobs[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        jobs[i] = single;
        jobs[i].out = malloc(n * k * p * sizeof(double));
        ck_assert_int_eq(pthread_create(&th[i], NULL, explain_job, &jobs[i]),
                         0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].rc, XPL_OK);
        ck_assert(memcmp(jobs[i].out, one, n * k * p * sizeof *one) == 0);
        free(jobs[i].out);
    }
    free(one);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(bg);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

/* ---- LightGBM's own predictions (tools/make_lgb_interventional.py) ---- */

/* Exact interventional Shapley values computed in Python from LightGBM's
 * predict(raw_score=True) on every hybrid row (no SHAP library involved),
 * for the 40 rows of the categorical fixtures (missing values, zeros below
 * LightGBM's zero threshold, unseen category codes) against every fifth
 * of them as background. Every mode and the reference walk equal them to
 * 1e-12: the interventional game is LightGBM's, routing included (shap's
 * interventional values of LightGBM models differ by up to 3e-7: its
 * kernel holds leaf values in float32, docs/tree-shap-interventional.md). */
static const struct {
    const char *model;
    size_t k;
} lgb_models[] = {
    { "lgb_regression", 1 },
    { "lgb_zero_missing", 1 },
    { "lgb_no_missing", 1 },
    { "lgb_multiclass", 3 },
};

START_TEST(lightgbm_own_predictions)
{
    static const char *const features[] = { "num_a", "num_nan", "num_zero",
                                            "cat_big", "cat_small" };
    enum { P = 5, N_BG = 8 };
    size_t k = lgb_models[_i].k;
    char path[128];
    snprintf(path, sizeof path, "tests/fixtures/categorical/%s.txt",
             lgb_models[_i].model);
    xpl_model *m = load_model(path);
    ck_assert_uint_eq(xpl_model_n_features(m), P);
    ck_assert_uint_eq(xpl_model_n_outputs(m), k);
    xpl_dataset *x = read_columns("tests/fixtures/categorical/rows.csv",
                                  features, P);
    size_t n = xpl_dataset_n_rows(x);
    ck_assert_uint_eq(n, 40);
    char (*names)[32] = malloc(k * P * sizeof *names);
    const char **cols = malloc(k * P * sizeof *cols);
    for (size_t o = 0; o < k; o++)
        for (size_t j = 0; j < P; j++) {
            snprintf(names[o * P + j], 32, "out%zu_%s", o, features[j]);
            cols[o * P + j] = names[o * P + j];
        }
    snprintf(path, sizeof path,
             "tests/fixtures/categorical/%s_interventional.csv",
             lgb_models[_i].model);
    xpl_dataset *ref = read_columns(path, cols, k * P);
    ck_assert_uint_eq(xpl_dataset_n_rows(ref), n);
    const double *rows = xpl_dataset_data(x), *want = xpl_dataset_data(ref);
    double bg[N_BG * P], w[N_BG], *out[5];
    for (size_t b = 0; b < N_BG; b++) {
        memcpy(bg + b * P, rows + b * 5 * P, P * sizeof *bg);
        w[b] = 1.0 / N_BG;
    }
    for (int g = 0; g < 5; g++)
        out[g] = malloc(k * P * sizeof *out[g]);
    for (size_t r = 0; r < n; r++) {
        explain_all(m, bg, w, N_BG, rows + r * P, out, NULL);
        char what[160];
        snprintf(what, sizeof what, "%s row %zu", lgb_models[_i].model, r);
        require_equal(what, out, want + r * k * P, k * P, 1e-12);
    }
    for (int g = 0; g < 5; g++)
        free(out[g]);
    free(cols);
    free(names);
    xpl_dataset_free(ref);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tree_interventional");
    TCase *tc = tcase_create("interventional");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, equals_brute_force, 0,
                        (int)(sizeof small_models / sizeof small_models[0]));
    tcase_add_loop_test(tc, modes_agree_and_add_up, 0,
                        N_SHIPPED_TREE_MODELS);
    tcase_add_loop_test(tc, generated_deep_trees, 0, 2);
    tcase_add_test(tc, sparse_leaves_and_long_paths);
    tcase_add_test(tc, missing_without_default_directions);
    tcase_add_test(tc, automatic_rule);
    tcase_add_loop_test(tc, threads_give_the_same_values, 0, 2);
    tcase_add_loop_test(tc, lightgbm_own_predictions, 0,
                        (int)(sizeof lgb_models / sizeof lgb_models[0]));
    suite_add_tcase(s, tc);
    return run_suite(s);
}
