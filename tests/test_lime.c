/* LIME: the surrogate fit and lime's feature selections equal scikit-
 * learn's on stored samples (fixtures from tools/lime_reference.py), the
 * discretizer's boundaries, bins and labels equal numpy's, the sampler's
 * frequencies and truncated-normal moments, the large-sample limits for
 * linear models (Garreau & von Luxburg), statistical agreement with the
 * reference implementation of lime over 20 seeds, determinism across
 * calls and threads, every option, and every error path. */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "check_helpers.h"
#include "explainers/lime/lime_internal.h"
#include "explainers/lime/lime_normal.h"
#include "explainers/lime/lime_random.h"
#include "models/linear.h"
#include <xplain/adapter.h>
#include <xplain/lime.h>

/* ------------------------------------------------------------- helpers */

static json_t *fixture(const char *name)
{
    char rel[128];
    snprintf(rel, sizeof rel, "tests/fixtures/lime/%s", name);
    json_error_t err;
    json_t *j = json_load_file(src_path(rel), 0, &err);
    ck_assert_msg(j != NULL, "%s: %s", rel, err.text);
    return j;
}

static double *json_doubles(json_t *a, size_t *n)
{
    size_t len = json_array_size(a);
    double *v = malloc((len ? len : 1) * sizeof *v);
    for (size_t i = 0; i < len; i++)
        v[i] = json_number_value(json_array_get(a, i));
    if (n)
        *n = len;
    return v;
}

static int rel_close(double got, double want, double tol)
{
    double scale = fabs(want) > 1 ? fabs(want) : 1;
    return fabs(got - want) <= tol * scale;
}

/* A model's features from a CSV of the source tree. */
static xpl_dataset *data_for(const xpl_model *m, const char *rel)
{
    return read_columns(rel, xpl_model_feature_names(m),
                        xpl_model_n_features(m));
}

static xpl_lime *lime_ok(const xpl_model *m, const xpl_dataset *train,
                         const xpl_lime_options *o)
{
    xpl_lime *l = NULL;
    int rc = xpl_lime_new(&l, m, train, o);
    ck_assert_msg(rc == XPL_OK, "xpl_lime_new: %s", xpl_last_error());
    return l;
}

static void explain_ok(const xpl_lime *l, const double *x, uint64_t row,
                       double *w, unsigned char *sel, xpl_lime_summary *s)
{
    int rc = xpl_lime_explain(l, NULL, x, row, w, sel, NULL, NULL, s);
    ck_assert_msg(rc == XPL_OK, "xpl_lime_explain: %s", xpl_last_error());
}

/* A Gram from stored samples (z row-major n x m), response shifted by
 * `shift`. */
static void gram_of(xpl__lime_gram *g, void *mem, const double *z, size_t n,
                    size_t m, const double *y, const double *w, double shift)
{
    uint32_t idx[64];
    double val[64];
    ck_assert(m < 64);
    xpl__lime_gram_init(g, mem, m);
    for (size_t i = 0; i < n; i++) {
        size_t nnz = 0;
        for (size_t j = 0; j < m; j++)
            if (z[i * m + j] != 0) {
                idx[nnz] = (uint32_t)j;
                val[nnz++] = z[i * m + j];
            }
        xpl__lime_gram_add(g, idx, val, nnz, y[i] - shift, w[i]);
    }
    xpl__lime_gram_center(g);
}

/* ------------------------------------------------ fits and selections */

static const char *const select_names[] = { "forward", "highest_weights",
                                            "lasso_path", "none" };
static const xpl_lime_selection select_methods[] = {
    XPL_LIME_SELECT_FORWARD, XPL_LIME_SELECT_HIGHEST_WEIGHTS,
    XPL_LIME_SELECT_LASSO_PATH, XPL_LIME_SELECT_NONE
};

/* One data set of fit.json: z (n rows of m columns), targets y, weights
 * w, and memory for the Gram matrix and the fits over m columns. */
struct fit_set {
    size_t n, m;
    double *z, *y, *w;
    void *gm, *fm;
};

static struct fit_set fit_set_read(json_t *set)
{
    struct fit_set f;
    json_t *zr = json_object_get(set, "z");
    f.n = json_array_size(zr);
    f.m = json_array_size(json_array_get(zr, 0));
    f.z = malloc(f.n * f.m * sizeof *f.z);
    ck_assert_ptr_nonnull(f.z);
    for (size_t i = 0; i < f.n; i++)
        for (size_t j = 0; j < f.m; j++)
            f.z[i * f.m + j] = json_number_value(
                json_array_get(json_array_get(zr, i), j));
    f.y = json_doubles(json_object_get(set, "y"), NULL);
    f.w = json_doubles(json_object_get(set, "w"), NULL);
    f.gm = malloc(xpl__lime_gram_bytes(f.m));
    f.fm = malloc(xpl__lime_fit_bytes(f.m));
    return f;
}

static void fit_set_free(struct fit_set *f)
{
    free(f->z);
    free(f->y);
    free(f->w);
    free(f->gm);
    free(f->fm);
}

START_TEST(fit_equals_sklearn_ridge)
{
    json_t *root = fixture("fit.json");
    json_t *sets = json_object_get(root, "sets");
    ck_assert_int_eq(json_array_size(sets), 2);
    double worst = 0;
    for (size_t s = 0; s < json_array_size(sets); s++) {
        json_t *set = json_array_get(sets, s);
        struct fit_set f = fit_set_read(set);
        xpl__lime_gram g;
        double coef[64];
        uint32_t cols[64];
        for (uint32_t j = 0; j < f.m; j++)
            cols[j] = j;
        /* the shift is what xplain subtracts (the row's prediction) */
        const double shifts[2] = { 0.0, f.y[0] };
        for (int sh = 0; sh < 2; sh++) {
            gram_of(&g, f.gm, f.z, f.n, f.m, f.y, f.w, shifts[sh]);
            const char *alphas[3] = { "1", "0.01", "0" };
            for (int a = 0; a < 3; a++) {
                json_t *want = json_object_get(
                    json_object_get(set, "ridge"), alphas[a]);
                double icpt, r2;
                ck_assert_int_eq(xpl__lime_ridge(&g, cols, f.m,
                                                 atof(alphas[a]), f.fm, coef,
                                                 &icpt, &r2),
                                 XPL_OK);
                double *wc = json_doubles(json_object_get(want, "coef"), NULL);
                for (size_t j = 0; j < f.m; j++) {
                    double e = fabs(coef[j] - wc[j]) /
                               (fabs(wc[j]) > 1 ? fabs(wc[j]) : 1);
                    worst = e > worst ? e : worst;
                }
                double wi = json_number_value(json_object_get(want,
                                                              "intercept"));
                double ws = json_number_value(json_object_get(want, "score"));
                ck_assert_msg(rel_close(icpt + shifts[sh], wi, 1e-10),
                              "set %zu alpha %s: intercept %.17g vs %.17g", s,
                              alphas[a], icpt + shifts[sh], wi);
                ck_assert_msg(fabs(r2 - ws) <= 1e-10, "score %.17g vs %.17g",
                              r2, ws);
                free(wc);
            }
            json_t *sub = json_object_get(set, "ridge_subset");
            uint32_t sc[3];
            for (int i = 0; i < 3; i++)
                sc[i] = (uint32_t)json_integer_value(
                    json_array_get(json_object_get(sub, "cols"), i));
            double icpt, r2;
            ck_assert_int_eq(xpl__lime_ridge(&g, sc, 3, 1.0, f.fm, coef,
                                             &icpt, &r2), XPL_OK);
            double *wc = json_doubles(json_object_get(sub, "coef"), NULL);
            for (int i = 0; i < 3; i++)
                ck_assert_msg(rel_close(coef[i], wc[i], 1e-10),
                              "subset coef %d: %.17g vs %.17g", i, coef[i],
                              wc[i]);
            ck_assert(rel_close(icpt + shifts[sh],
                                json_number_value(json_object_get(
                                    sub, "intercept")), 1e-10));
            ck_assert(fabs(r2 - json_number_value(json_object_get(
                                    sub, "score"))) <= 1e-10);
            free(wc);
        }
        fit_set_free(&f);
    }
    ck_assert_msg(worst <= 1e-10, "worst relative coefficient error %g",
                  worst);
    fprintf(stderr, "# ridge vs scikit-learn: worst relative error %.3g\n",
            worst);
    json_decref(root);
}
END_TEST

START_TEST(selection_equals_lime)
{
    json_t *root = fixture("fit.json");
    json_t *sets = json_object_get(root, "sets");
    for (size_t s = 0; s < json_array_size(sets); s++) {
        json_t *set = json_array_get(sets, s);
        struct fit_set f = fit_set_read(set);
        xpl__lime_gram g;
        gram_of(&g, f.gm, f.z, f.n, f.m, f.y, f.w, f.y[0]);
        for (int meth = 0; meth < 4; meth++)
            for (size_t k = 1; k <= 5; k += 2) {
                char key[64];
                snprintf(key, sizeof key, "%s:%zu", select_names[meth], k);
                json_t *want = json_object_get(json_object_get(set, "select"),
                                               key);
                ck_assert_ptr_nonnull(want);
                uint32_t out[64];
                size_t got = xpl__lime_select(&g, select_methods[meth], k,
                                              f.z, f.fm, out);
                ck_assert_msg(got == json_array_size(want),
                              "set %zu %s: %zu features, lime %zu", s, key,
                              got, json_array_size(want));
                for (size_t i = 0; i < got; i++)
                    ck_assert_msg(out[i] == json_integer_value(
                                                json_array_get(want, i)),
                                  "set %zu %s: feature %zu differs", s, key,
                                  i);
            }
        /* auto: forward up to 6, highest weights above */
        uint32_t a[64], b[64];
        size_t na = xpl__lime_select(&g, XPL_LIME_SELECT_AUTO, 5, f.z, f.fm,
                                     a);
        size_t nb = xpl__lime_select(&g, XPL_LIME_SELECT_FORWARD, 5, f.z,
                                     f.fm, b);
        ck_assert(na == nb && memcmp(a, b, na * sizeof *a) == 0);
        na = xpl__lime_select(&g, XPL_LIME_SELECT_AUTO, 7, f.z, f.fm, a);
        nb = xpl__lime_select(&g, XPL_LIME_SELECT_HIGHEST_WEIGHTS, 7, f.z,
                              f.fm, b);
        ck_assert(na == nb && memcmp(a, b, na * sizeof *a) == 0);
        fit_set_free(&f);
    }
    json_decref(root);
}
END_TEST

/* A constant response: lasso's path has one point (lime then selects
 * everything), the fit is flat and scores 1. */
START_TEST(constant_response)
{
    enum { N = 50, M = 4 };
    double z[N * M], y[N], w[N];
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < M; j++)
            z[i * M + j] = (double)((i * (j + 3)) % 2);
        y[i] = 0.25;
        w[i] = 1.0 / (1.0 + (double)i);
    }
    void *gm = malloc(xpl__lime_gram_bytes(M));
    void *fm = malloc(xpl__lime_fit_bytes(M));
    xpl__lime_gram g;
    gram_of(&g, gm, z, N, M, y, w, 0.25);
    uint32_t out[M];
    ck_assert_uint_eq(xpl__lime_select(&g, XPL_LIME_SELECT_LASSO_PATH, 2, z,
                                       fm, out), M);
    double coef[M], icpt, r2;
    ck_assert_int_eq(xpl__lime_ridge(&g, out, M, 1.0, fm, coef, &icpt, &r2),
                     XPL_OK);
    for (size_t j = 0; j < M; j++)
        ck_assert(coef[j] == 0);
    ck_assert(icpt == 0 && r2 == 1.0);

    /* a constant column next to a varying response: the unpenalised fit
     * is singular (pseudo-inverse) and explains nothing more than without
     * it, so forward selection takes the informative columns */
    for (size_t i = 0; i < N; i++) {
        z[i * M + 0] = 1;
        z[i * M + 1] = (double)(i % 2);
        z[i * M + 2] = (double)(i / 2 % 2);
        z[i * M + 3] = (double)(i / 4 % 2);
        y[i] = 2 * z[i * M + 1] - z[i * M + 2] + 0.01 * (double)(i % 3);
    }
    gram_of(&g, gm, z, N, M, y, w, y[0]);
    uint32_t pair[2] = { 0, 1 }, one[1] = { 1 };
    double r2_pair, r2_one;
    ck_assert_int_eq(xpl__lime_ridge(&g, pair, 2, 0.0, fm, coef, &icpt,
                                     &r2_pair), XPL_OK);
    ck_assert(coef[0] == coef[0] && fabs(coef[0]) < 1e-6);
    ck_assert_int_eq(xpl__lime_ridge(&g, one, 1, 0.0, fm, coef, &icpt,
                                     &r2_one), XPL_OK);
    ck_assert(fabs(r2_pair - r2_one) < 1e-9);
    size_t n = xpl__lime_select(&g, XPL_LIME_SELECT_FORWARD, 2, z, fm, out);
    ck_assert_uint_eq(n, 2);
    ck_assert(out[0] == 1 && out[1] == 2);
    free(gm);
    free(fm);
}
END_TEST

/* ------------------------------------------------------- discretizer */

START_TEST(discretizer_equals_numpy)
{
    json_t *root = fixture("discretizer.json");
    const char *cases[4][3] = {
        { "diabetes:quartile", "data/models/diabetes_linear.bin",
          "data/diabetes.csv" },
        { "diabetes:decile", "data/models/diabetes_linear.bin",
          "data/diabetes.csv" },
        { "breast_cancer:quartile", "data/models/breast_cancer_xgb.bin",
          "data/breast_cancer.csv" },
        { "breast_cancer:decile", "data/models/breast_cancer_xgb.bin",
          "data/breast_cancer.csv" },
    };
    for (int c = 0; c < 4; c++) {
        json_t *want = json_object_get(root, cases[c][0]);
        ck_assert_ptr_nonnull(want);
        xpl_model *m = load_model(cases[c][1]);
        xpl_dataset *d = data_for(m, cases[c][2]);
        xpl_lime_discretizer disc = strstr(cases[c][0], "decile")
                                        ? XPL_LIME_DECILE
                                        : XPL_LIME_QUARTILE;
        xpl__lime_train t;
        ck_assert_int_eq(xpl__lime_train_build(&t, m, d, NULL, disc), XPL_OK);
        json_t *feats = json_object_get(want, "features");
        for (size_t j = 0; j < t.n_features; j++) {
            json_t *fj = json_array_get(feats, j);
            json_t *bounds = json_object_get(fj, "bounds");
            const xpl__lime_feature *f = &t.f[j];
            ck_assert_int_eq(f->kind, XPL__LIME_BINS);
            ck_assert_uint_eq(f->n_bins, json_array_size(bounds) + 1);
            for (size_t e = 0; e + 1 < f->n_bins; e++)
                ck_assert_msg(t.edges[f->first_edge + e] ==
                                  json_number_value(json_array_get(bounds, e)),
                              "%s feature %zu boundary %zu: %.17g vs %.17g",
                              cases[c][0], j, e, t.edges[f->first_edge + e],
                              json_number_value(json_array_get(bounds, e)));
            json_t *bins = json_object_get(fj, "bins");
            for (size_t b = 0; b < f->n_bins; b++) {
                const xpl__lime_bin *bb = &t.bins[f->first + b];
                json_t *wb = json_array_get(bins, b);
#define BIN_FIELD(field, tol)                                                 \
    ck_assert_msg(rel_close(bb->field,                                        \
                            json_number_value(json_object_get(wb, #field)),   \
                            tol),                                             \
                  "%s feature %zu bin %zu " #field ": %.17g vs %.17g",        \
                  cases[c][0], j, b, bb->field,                               \
                  json_number_value(json_object_get(wb, #field)))
                BIN_FIELD(freq, 1e-14);
                BIN_FIELD(mean, 1e-12);
                BIN_FIELD(std, 1e-9);
                BIN_FIELD(lo, 0);
                BIN_FIELD(hi, 0);
#undef BIN_FIELD
            }
        }
        xpl__lime_train_free(&t);

        /* labels */
        xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
        o.discretizer = disc;
        xpl_lime *l = lime_ok(m, d, &o);
        json_t *rows = json_object_get(want, "rows");
        json_t *labels = json_object_get(want, "labels");
        size_t P = xpl_dataset_n_cols(d);
        for (size_t r = 0; r < json_array_size(rows); r++) {
            size_t i = (size_t)json_integer_value(json_array_get(rows, r));
            const double *x = xpl_dataset_data(d) + i * P;
            for (size_t j = 0; j < P; j++) {
                char buf[256];
                int n = xpl_lime_condition(l, x, j, buf, sizeof buf);
                const char *w = json_string_value(
                    json_array_get(json_array_get(labels, r), j));
                ck_assert_int_eq(n, (int)strlen(w));
                ck_assert_str_eq(buf, w);
            }
        }
        xpl_lime_free(l);
        xpl_dataset_free(d);
        xpl_model_free(m);
    }
    json_decref(root);
}
END_TEST

/* A wrapped model: out = sum_j coef_j x_j; records every row it sees. */
typedef struct recorder {
    size_t P;
    const double *coef;
    double *rows;
    size_t n, cap;
} recorder;

static int record_predict(const void *state, void *scratch, const double *x,
                          size_t n_rows, size_t n_cols, double *out)
{
    (void)scratch;
    recorder *r = (recorder *)(uintptr_t)state;
    for (size_t i = 0; i < n_rows; i++) {
        double s = 0;
        for (size_t j = 0; j < n_cols; j++)
            s += r->coef[j] * x[i * n_cols + j];
        out[i] = s;
        if (r->rows && r->n < r->cap)
            memcpy(r->rows + r->n++ * n_cols, x + i * n_cols,
                   n_cols * sizeof *x);
    }
    return 0;
}

static const xpl_adapter record_ops = { XPL_ADAPTER_VERSION, "recorder", NULL,
                                        record_predict, NULL };

static xpl_model *recorder_model(recorder *r, size_t P, const char **names)
{
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, P, 1, names,
                            XPL_LINK_IDENTITY };
    xpl_model *m = NULL;
    ck_assert(xpl_model_wrap(&m, &record_ops, r, &spec) == XPL_OK);
    return m;
}

/* A categorical feature whose model names its codes: the condition shows
 * the name (g=blue); a value the model does not name shows as a number. */
START_TEST(category_labels_show_names)
{
    const char *names[2] = { "f", "g" };
    double x[16];
    for (int i = 0; i < 8; i++) {
        x[2 * i] = i + 1;
        x[2 * i + 1] = i % 3;
    }
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, 8, 2, x, names, NULL) == XPL_OK);
    double coef[2] = { 1, 1 };
    recorder r = { 2, coef, NULL, 0, 0 };
    xpl_model *m = recorder_model(&r, 2, names);
    const char *colors[3] = { "red", "green", "blue" };
    ck_assert_int_eq(xpl_model_set_categories(m, 1, colors, 3), XPL_OK);
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    size_t cat[1] = { 1 };
    o.categorical = cat;
    o.n_categorical = 1;
    xpl_lime *l = lime_ok(m, d, &o);
    const struct {
        double v;
        const char *want;
    } cases[] = { { 2, "g=blue" }, { 0, "g=red" }, { 5, "g=5" },
                  { 1.5, "g=1.5" }, { -1, "g=-1" } };
    char buf[64];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double row[2] = { 3, cases[c].v };
        ck_assert_int_eq(xpl_lime_condition(l, row, 1, buf, sizeof buf),
                         (int)strlen(cases[c].want));
        ck_assert_str_eq(buf, cases[c].want);
    }
    /* the length without a buffer, and truncation like snprintf */
    double row[2] = { 3, 1 };
    ck_assert_int_eq(xpl_lime_condition(l, row, 1, NULL, 0), 7);
    char small[5];
    ck_assert_int_eq(xpl_lime_condition(l, row, 1, small, sizeof small), 7);
    ck_assert_str_eq(small, "g=gr");
    xpl_lime_free(l);
    xpl_model_free(m);
    xpl_dataset_free(d);
}
END_TEST

START_TEST(discretizer_ties_and_labels)
{
    /* values 1..8: quartiles 2.75, 4.5, 6.25; a value on a boundary goes
     * to the lower bin */
    const char *names[2] = { "f", "g" };
    double x[16];
    for (int i = 0; i < 8; i++) {
        x[2 * i] = i + 1;
        x[2 * i + 1] = i < 5 ? 5 : i; /* 5,5,5,5,5,5,6,7: ties */
    }
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, 8, 2, x, names, NULL) == XPL_OK);
    double coef[2] = { 1, 1 };
    recorder r = { 2, coef, NULL, 0, 0 };
    xpl_model *m = recorder_model(&r, 2, names);
    xpl_lime *l = lime_ok(m, d, NULL);
    const struct {
        double v;
        const char *want;
    } cases[] = {
        { 2.75, "f <= 2.75" }, { 2.76, "2.75 < f <= 4.50" },
        { 4.5, "2.75 < f <= 4.50" }, { 6.25, "4.50 < f <= 6.25" },
        { 6.2501, "f > 6.25" }, { -100, "f <= 2.75" }, { 100, "f > 6.25" },
    };
    char buf[64];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double row[2] = { cases[c].v, 5 };
        ck_assert_int_eq(xpl_lime_condition(l, row, 0, buf, sizeof buf),
                         (int)strlen(cases[c].want));
        ck_assert_str_eq(buf, cases[c].want);
    }
    /* g: quartiles 5, 5, 5.25 -> boundaries {5, 5.25}: three bins */
    double row[2] = { 1, 5 };
    xpl_lime_condition(l, row, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "g <= 5.00");
    row[1] = 5.1;
    xpl_lime_condition(l, row, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "5.00 < g <= 5.25");
    row[1] = 7;
    xpl_lime_condition(l, row, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "g > 5.25");
    /* truncation like snprintf, and the length without a buffer */
    ck_assert_int_eq(xpl_lime_condition(l, row, 1, NULL, 0), 8);
    char small[4];
    ck_assert_int_eq(xpl_lime_condition(l, row, 1, small, sizeof small), 8);
    ck_assert_str_eq(small, "g >");
    xpl_lime_free(l);

    /* decimals and the decile discretizer */
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.label_decimals = 4;
    o.discretizer = XPL_LIME_DECILE;
    l = lime_ok(m, d, &o);
    row[0] = 1;
    xpl_lime_condition(l, row, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "f <= 1.7000");
    xpl_lime_free(l);

    /* categorical labels and undiscretized names */
    size_t cat[1] = { 1 };
    o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
    o.discretizer = XPL_LIME_NONE;
    o.categorical = cat;
    o.n_categorical = 1;
    l = lime_ok(m, d, &o);
    row[0] = 3.5;
    row[1] = 6;
    xpl_lime_condition(l, row, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "f");
    xpl_lime_condition(l, row, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "g=6");
    row[1] = 0.1;
    xpl_lime_condition(l, row, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "g=0.1");
    xpl_lime_free(l);
    xpl_model_free(m);
    xpl_dataset_free(d);
}
END_TEST

/* Row weights count as repeated rows in the bins' frequencies, means and
 * standard deviations (a k-means background). */
START_TEST(weighted_training_rows)
{
    const char *names[1] = { "v" };
    double x[6] = { 1, 2, 3, 4, 5, 6 }, wts[6] = { 3, 1, 1, 1, 1, 2 };
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, 6, 1, x, names, wts) == XPL_OK);
    double coef[1] = { 1 };
    recorder r = { 1, coef, NULL, 0, 0 };
    xpl_model *m = recorder_model(&r, 1, names);
    xpl__lime_train t;
    ck_assert_int_eq(xpl__lime_train_build(&t, m, d, NULL, XPL_LIME_QUARTILE),
                     XPL_OK);
    /* boundaries: the unweighted percentiles of 1..6; the bins as if the
     * rows were repeated: 1, 1, 1, 2 | 3 | 4 | 5, 6, 6 */
    ck_assert_uint_eq(t.f[0].n_bins, 4);
    ck_assert(t.edges[0] == 2.25 && t.edges[1] == 3.5 && t.edges[2] == 4.75);
    double want_freq[4] = { 4.0 / 9, 1.0 / 9, 1.0 / 9, 3.0 / 9 };
    double want_mean[4] = { 5.0 / 4, 3, 4, 17.0 / 3 };
    for (size_t b = 0; b < 4; b++) {
        ck_assert(fabs(t.bins[b].freq - want_freq[b]) < 1e-15);
        ck_assert(fabs(t.bins[b].mean - want_mean[b]) < 1e-14);
    }
    /* bin 0 holds 1, 1, 1, 2: population std sqrt(3) / 4 */
    ck_assert(fabs(t.bins[0].std - (sqrt(3.0) / 4 + 1e-11)) < 1e-14);
    xpl__lime_train_free(&t);
    xpl_model_free(m);
    xpl_dataset_free(d);
}
END_TEST

/* ---------------------------------------------------------- sampling */

/* AS 241 against GSL's quantile, centre and both tails. */
START_TEST(normal_quantile_matches_gsl)
{
    double worst = 0;
    for (int i = 1; i < 2000; i++) {
        double p = i / 2000.0;
        double pt[3] = { p, p * 1e-6, 1 - p * 1e-9 };
        for (int k = 0; k < 3; k++) {
            double got = xpl__lime_normal_quantile(pt[k]);
            double want = gsl_cdf_ugaussian_Pinv(pt[k]);
            double e = fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1);
            worst = e > worst ? e : worst;
        }
    }
    ck_assert_msg(worst < 1e-14, "worst relative difference %g", worst);
    ck_assert(xpl__lime_normal_quantile(0) == -INFINITY);
    ck_assert(xpl__lime_normal_quantile(1) == INFINITY);
    ck_assert(xpl__lime_normal_quantile(0.5) == 0);
}
END_TEST

/* The sampler's table quantile against AS 241 over the table's octaves
 * and beyond (where it falls back to AS 241), both halves. */
START_TEST(table_quantile_matches_as241)
{
    xpl__lime_qtable *t = malloc(sizeof *t);
    xpl__lime_qtable_init(t);
    double worst = 0;
    for (int i = 1; i < 200000; i++) {
        /* log-spaced in (1e-12, 1/2), then mirrored */
        double p = 0.5 * pow(1e-12, (double)i / 200000);
        double pt[2] = { p, 1 - p };
        for (int k = 0; k < 2; k++) {
            double got = xpl__lime_quantile_fast(t, pt[k]);
            double want = xpl__lime_normal_quantile(pt[k]);
            double e = fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1);
            worst = e > worst ? e : worst;
        }
    }
    fprintf(stderr, "# table quantile vs AS 241: worst %.2g\n", worst);
    ck_assert_msg(worst < 1e-13, "worst relative difference %g", worst);
    ck_assert(xpl__lime_quantile_fast(t, 0.5) == 0);
    free(t);
}
END_TEST

/* The ziggurat's normals: the empirical distribution function at 13
 * points and the share beyond the tail start R within 5 standard errors,
 * the mean and variance too. */
START_TEST(ziggurat_is_normal)
{
    enum { N = 2000000 };
    xpl__lime_zig z;
    xpl__lime_zig_init(&z);
    xpl__lime_rng r;
    xpl__lime_rng_seed(&r, 11, 22, 33);
    const double pts[13] = { -3.5, -3, -2.5, -2, -1.5, -1, -0.3, 0, 0.7,
                             1.2, 2.2, 3, XPL__ZIG_R };
    double below[13] = { 0 }, sum = 0, sq = 0;
    for (size_t i = 0; i < N; i++) {
        double g = xpl__lime_gauss(&z, &r);
        sum += g;
        sq += g * g;
        for (int k = 0; k < 13; k++)
            below[k] += g <= pts[k];
    }
    for (int k = 0; k < 13; k++) {
        double p = gsl_cdf_ugaussian_P(pts[k]);
        double se = sqrt(p * (1 - p) / N);
        ck_assert_msg(fabs(below[k] / N - p) <= 5 * se,
                      "P(Z <= %g): %g vs %g", pts[k], below[k] / N, p);
    }
    ck_assert(fabs(sum / N) <= 5 / sqrt((double)N));
    ck_assert(fabs(sq / N - 1) <= 5 * sqrt(2.0 / N));
}
END_TEST


/* Mean and variance of N(mu, sd) truncated to [lo, hi]. */
static void truncnorm_moments(double mu, double sd, double lo, double hi,
                              double *mean, double *var)
{
    double a = (lo - mu) / sd, b = (hi - mu) / sd;
    double Z = gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    double pa = exp(-a * a / 2) / sqrt(2 * 3.14159265358979323846),
           pb = exp(-b * b / 2) / sqrt(2 * 3.14159265358979323846);
    *mean = mu + sd * (pa - pb) / Z;
    *var = sd * sd * (1 + (a * pa - b * pb) / Z - ((pa - pb) / Z) *
                                                       ((pa - pb) / Z));
}

START_TEST(sampling_statistics)
{
    /* Training data: a skewed continuous column, a constant column, a
     * column with 40% of its rows at its minimum (a degenerate first bin)
     * and a categorical column. */
    enum { NT = 1000, P = 4, NS = 20001 };
    const char *names[P] = { "skew", "const", "floor", "cat" };
    double *x = malloc(NT * P * sizeof *x);
    for (size_t i = 0; i < NT; i++) {
        double u = ((double)i + 0.5) / NT;
        x[i * P + 0] = -log(1 - u) * 3;
        x[i * P + 1] = 7.0;
        x[i * P + 2] = i % 5 < 2 ? 5.0 : 5.0 + (double)(i % 97);
        x[i * P + 3] = (double)(i % 10 < 6 ? 2 : (i % 10 < 9 ? 4 : 9));
    }
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, NT, P, x, names, NULL) == XPL_OK);
    double coef[P] = { 1, 1, 1, 1 };
    recorder r = { P, coef, malloc(NS * P * sizeof(double)), 0, NS };
    xpl_model *m = recorder_model(&r, P, names);
    size_t cat[1] = { 3 };
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.num_samples = NS;
    o.categorical = cat;
    o.n_categorical = 1;
    xpl_lime *l = lime_ok(m, d, &o);
    xpl__lime_train t;
    unsigned char is_cat[P] = { 0, 0, 0, 1 };
    ck_assert_int_eq(xpl__lime_train_build(&t, m, d, is_cat,
                                           XPL_LIME_QUARTILE), XPL_OK);
    double row[P] = { 1.0, 7.0, 5.0, 4.0 }, w[P];
    r.n = 0;
    explain_ok(l, row, 0, w, NULL, NULL);
    ck_assert_uint_eq(r.n, NS); /* the row, then NS - 1 samples */
    for (size_t j = 0; j < P; j++)
        ck_assert(r.rows[j] == row[j]);
    size_t n = NS - 1;
    const double *s = r.rows + P;
    for (size_t j = 0; j < P; j++) {
        const xpl__lime_feature *f = &t.f[j];
        for (size_t b = 0; b < f->n_bins; b++) {
            const xpl__lime_bin *bb = &t.bins[f->first + b];
            double cnt = 0, sum = 0, sq = 0;
            for (size_t i = 0; i < n; i++) {
                double v = s[i * P + j];
                size_t bi = xpl__lime_bin_of(&t, j, v);
                if (f->kind == XPL__LIME_BINS && bb->lo == bb->hi)
                    bi = v == bb->lo && b == 0 ? 0 : bi;
                if (bi != b)
                    continue;
                cnt++;
                sum += v;
                sq += v * v;
                /* values stay inside their bin */
                ck_assert(v >= bb->lo && v <= bb->hi);
            }
            /* bin frequency within 5 standard errors */
            double p = bb->freq, se = sqrt(p * (1 - p) / n) + 1e-12;
            ck_assert_msg(fabs(cnt / n - p) <= 5 * se,
                          "feature %zu bin %zu: frequency %g, training %g", j,
                          b, cnt / n, p);
            if (f->kind != XPL__LIME_BINS || cnt < 50)
                continue;
            double mean = sum / cnt, var = sq / cnt - mean * mean;
            if (bb->point) {
                /* a degenerate bin feeds its value (lime fed 0), as does a
                 * bin whose training values are all equal */
                ck_assert(mean == bb->value && var < 1e-20);
                ck_assert(bb->lo == bb->hi ? bb->value == bb->lo
                                           : bb->value == bb->mean);
                continue;
            }
            double tm, tv;
            truncnorm_moments(bb->mean, bb->std, bb->lo, bb->hi, &tm, &tv);
            ck_assert_msg(fabs(mean - tm) <= 5 * sqrt(tv / cnt),
                          "feature %zu bin %zu: mean %g, truncated normal %g",
                          j, b, mean, tm);
            ck_assert_msg(fabs(var - tv) <= 0.1 * tv,
                          "feature %zu bin %zu: variance %g vs %g", j, b, var,
                          tv);
        }
    }
    /* the constant column is never perturbed */
    for (size_t i = 0; i < n; i++)
        ck_assert(s[i * P + 1] == 7.0);
    xpl__lime_train_free(&t);
    xpl_lime_free(l);

    /* not discretized: N(mean, std) per column, the constant column fixed;
     * around the instance: centred on the row */
    for (int around = 0; around < 2; around++) {
        o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
        o.num_samples = NS;
        o.discretizer = XPL_LIME_NONE;
        o.sample_around_instance = around;
        l = lime_ok(m, d, &o);
        xpl_feature_stats fs;
        xpl_stats *st;
        ck_assert(xpl_stats_compute(&st, d) == XPL_OK);
        r.n = 0;
        explain_ok(l, row, 0, w, NULL, NULL);
        for (size_t j = 0; j < 3; j++) {
            xpl_stats_feature(st, j, &fs);
            double sum = 0, sq = 0;
            for (size_t i = 0; i < n; i++) {
                sum += s[i * P + j];
                sq += s[i * P + j] * s[i * P + j];
            }
            double mean = sum / n, var = sq / n - mean * mean;
            double centre = around ? row[j] : fs.mean;
            if (fs.std == 0) {
                ck_assert(var < 1e-20 && mean == centre);
                continue;
            }
            ck_assert_msg(fabs(mean - centre) <= 5 * fs.std / sqrt(n),
                          "feature %zu: mean %g vs %g", j, mean, centre);
            ck_assert_msg(fabs(sqrt(var) / fs.std - 1) <= 0.03,
                          "feature %zu: std %g vs %g", j, sqrt(var), fs.std);
        }
        xpl_stats_free(st);
        xpl_lime_free(l);
    }
    free(r.rows);
    xpl_model_free(m);
    xpl_dataset_free(d);
    free(x);
}
END_TEST

/* ----------------------------------------------- large-sample limits */

/* Independent training columns with different scales, a linear model. */
static xpl_dataset *gaussian_training(size_t n, size_t P, const char **names)
{
    double *x = malloc(n * P * sizeof *x);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < P; j++) {
            /* a deterministic, well-spread sample of N(j, (j + 1)^2) */
            double u = fmod(((double)i + 0.5) / n + 0.6180339887 * (double)j *
                                (double)(i % 7 + 1), 1.0);
            x[i * P + j] = (double)j + (double)(j + 1) *
                                           gsl_cdf_ugaussian_Pinv(u);
        }
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, n, P, x, names, NULL) == XPL_OK);
    free(x);
    return d;
}

START_TEST(linear_limit_without_discretization)
{
    enum { P = 5 };
    const char *names[P] = { "a", "b", "c", "d", "e" };
    const double beta[P] = { 1.5, -0.7, 0.0, 2.0, 0.3 };
    xpl_model *m;
    double icpt = 0.4;
    ck_assert(xpl__linear_model_new(&m, P, 1, names, XPL_LINK_IDENTITY, &icpt,
                                    beta) == XPL_OK);
    xpl_dataset *d = gaussian_training(2000, P, names);
    xpl_stats *st;
    ck_assert(xpl_stats_compute(&st, d) == XPL_OK);
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.discretizer = XPL_LIME_NONE;
    o.feature_selection = XPL_LIME_SELECT_NONE;
    double row[P] = { 0.5, 2.0, 1.0, 5.0, 2.5 }, w[P];
    /* the response is exactly linear in the z-scores: the weighted ridge
     * is beta_j sd_j shrunk by alpha = 1 against the total weight, which
     * vanishes as the samples grow */
    const size_t sizes[2] = { 5000, 100000 };
    const double tol[2] = { 2e-3, 1e-4 };
    for (int s = 0; s < 2; s++) {
        o.num_samples = sizes[s];
        xpl_lime *l = lime_ok(m, d, &o);
        xpl_lime_summary sum;
        explain_ok(l, row, 3, w, NULL, &sum);
        for (size_t j = 0; j < P; j++) {
            xpl_feature_stats fs;
            xpl_stats_feature(st, j, &fs);
            double want = beta[j] * fs.std;
            ck_assert_msg(fabs(w[j] - want) <= tol[s] * (fabs(want) + 1),
                          "n=%zu feature %zu: %g vs limit %g", sizes[s], j,
                          w[j], want);
        }
        ck_assert(sum.score > 0.999);
        /* the surrogate at the row is the model at the row */
        ck_assert(fabs(sum.local_prediction - sum.prediction) <=
                  tol[s] * 10 * (fabs(sum.prediction) + 1));
        xpl_lime_free(l);
    }
    xpl_stats_free(st);
    xpl_dataset_free(d);
    xpl_model_free(m);
}
END_TEST

/* Garreau & von Luxburg (2020), default discretized LIME on a linear
 * model: the weight of feature j tends to beta_j (E[x_j | bin of the row]
 * - E[x_j | another bin]), the conditional means of the truncated normals
 * weighted by the bin frequencies. */
START_TEST(linear_limit_discretized)
{
    enum { P = 4 };
    const char *names[P] = { "a", "b", "c", "d" };
    const double beta[P] = { 1.5, -0.7, 2.0, 0.3 };
    xpl_model *m;
    double icpt = 0;
    ck_assert(xpl__linear_model_new(&m, P, 1, names, XPL_LINK_IDENTITY, &icpt,
                                    beta) == XPL_OK);
    xpl_dataset *d = gaussian_training(2000, P, names);
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.feature_selection = XPL_LIME_SELECT_NONE;
    o.num_samples = 100000;
    o.repeats = 10;
    xpl_lime *l = lime_ok(m, d, &o);
    xpl__lime_train t;
    ck_assert_int_eq(xpl__lime_train_build(&t, m, d, NULL, XPL_LIME_QUARTILE),
                     XPL_OK);
    double row[P] = { 0.1, 2.5, 2.0, 1.0 }, w[P], sd[P];
    ck_assert_int_eq(xpl_lime_explain(l, NULL, row, 0, w, NULL, sd, NULL,
                                      NULL), XPL_OK);
    for (size_t j = 0; j < P; j++) {
        const xpl__lime_feature *f = &t.f[j];
        size_t b0 = xpl__lime_bin_of(&t, j, row[j]);
        double in = 0, out = 0, pout = 0;
        for (size_t b = 0; b < f->n_bins; b++) {
            const xpl__lime_bin *bb = &t.bins[f->first + b];
            double tm, tv;
            truncnorm_moments(bb->mean, bb->std, bb->lo, bb->hi, &tm, &tv);
            if (b == b0) {
                in = tm;
            } else {
                out += bb->freq * tm;
                pout += bb->freq;
            }
        }
        /* within 4 standard errors of the mean of 10 runs (and 1% for
         * the ridge's shrinkage) */
        double want = beta[j] * (in - out / pout);
        double se = sd[j] / sqrt(10.0);
        ck_assert_msg(fabs(w[j] - want) <= 4 * se + 0.01 * fabs(want),
                      "feature %zu: %g vs limit %g (standard error %g)", j,
                      w[j], want, se);
    }
    xpl__lime_train_free(&t);
    xpl_lime_free(l);
    xpl_dataset_free(d);
    xpl_model_free(m);
}
END_TEST

/* ------------------------------------------- agreement with lime */

static double correlation(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i] / n;
        mb += b[i] / n;
    }
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* Indices of the 5 largest |v| as a bit set. */
static uint64_t top5(const double *v, size_t n)
{
    uint64_t set = 0;
    for (int k = 0; k < 5; k++) {
        size_t best = n;
        for (size_t j = 0; j < n; j++)
            if (!(set >> j & 1) && (best == n || fabs(v[j]) > fabs(v[best])))
                best = j;
        set |= (uint64_t)1 << best;
    }
    return set;
}

/* The top-5 features of w (ours) and f (the reference), both means over
 * n seeds with per-seed standard deviations sw and sf, agree: the sets
 * are equal, or every feature in one set only is statistically tied with
 * every feature in the other set only (the reference ranks them by less
 * than 3 standard errors of the difference of the two means' gaps), so
 * that the 5th place could fall either way with other seeds. */
static int top5_agree(const double *w, const double *sw, const double *f,
                      const double *sf, size_t P, double n)
{
    uint64_t a = top5(w, P), b = top5(f, P);
    for (size_t j = 0; j < P; j++) {
        if (!(b >> j & 1) || (a >> j & 1))
            continue;
        for (size_t k = 0; k < P; k++) {
            if (!(a >> k & 1) || (b >> k & 1))
                continue;
            double gap = fabs(f[j]) - fabs(f[k]);
            double se = sqrt((sf[j] * sf[j] + sf[k] * sf[k] + sw[j] * sw[j] +
                              sw[k] * sw[k]) / n);
            if (gap > 3 * se)
                return 0;
        }
    }
    return 1;
}

START_TEST(agreement_with_lime)
{
    json_t *root = fixture("agreement.json");
    double worst_fixed = 1, worst_lime = 1;
    for (size_t c = 0; c < json_array_size(root); c++) {
        json_t *cs = json_array_get(root, c);
        const char *data = json_string_value(json_object_get(cs, "data"));
        const char *model = json_string_value(json_object_get(cs, "model"));
        char mrel[128], drel[128];
        snprintf(mrel, sizeof mrel, "data/models/%.*s.bin",
                 (int)(strstr(model, "_forward") ? strlen(model) - 8
                                                  : strlen(model)),
                 model);
        snprintf(drel, sizeof drel, "data/%s.csv", data);
        xpl_model *m = load_model(mrel);
        xpl_dataset *d = data_for(m, drel);
        size_t P = xpl_dataset_n_cols(d);
        size_t row = (size_t)json_integer_value(json_object_get(cs, "row"));
        xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
        o.num_features =
            (size_t)json_integer_value(json_object_get(cs, "num_features"));
        o.repeats = (unsigned)json_integer_value(json_object_get(cs, "seeds"));
        xpl_lime *l = lime_ok(m, d, &o);
        double w[64], sd[64], freq[64];
        ck_assert(P <= 64);
        ck_assert_int_eq(xpl_lime_explain(l, NULL, xpl_dataset_data(d) +
                                                       row * P,
                                          row, w, NULL, sd, freq, NULL),
                         XPL_OK);
        double *fixed = json_doubles(json_object_get(
            json_object_get(cs, "fixed"), "mean"), NULL);
        double *fixed_sd = json_doubles(json_object_get(
            json_object_get(cs, "fixed"), "std"), NULL);
        double *raw = json_doubles(json_object_get(
            json_object_get(cs, "lime"), "mean"), NULL);
        double rf = correlation(w, fixed, P), rl = correlation(w, raw, P);
        int same5 = top5(w, P) == top5(fixed, P);
        int agree5 = top5_agree(w, sd, fixed, fixed_sd, P, (double)o.repeats);
        fprintf(stderr, "# %s row %zu: correlation %.5f with lime (fixed), "
                "%.5f with lime as released; top-5 %s\n", model, row, rf, rl,
                same5 ? "equal" : agree5 ? "equal up to a statistical tie"
                                         : "DIFFER");
        ck_assert_msg(rf >= 0.99, "%s row %zu: correlation %g", model, row,
                      rf);
        ck_assert_msg(agree5, "%s row %zu: top-5 features differ", model,
                      row);
        worst_fixed = rf < worst_fixed ? rf : worst_fixed;
        worst_lime = rl < worst_lime ? rl : worst_lime;
        free(fixed);
        free(fixed_sd);
        free(raw);
        xpl_lime_free(l);
        xpl_dataset_free(d);
        xpl_model_free(m);
    }
    fprintf(stderr, "# agreement: lowest correlation %.5f (fixed lime), "
            "%.5f (lime as released)\n", worst_fixed, worst_lime);
    json_decref(root);
}
END_TEST

/* ----------------------------------------------------- determinism */

typedef struct thread_job {
    const xpl_lime *l;
    const double *x;
    size_t P, rows;
    int reverse;
    double *out;
    int rc;
} thread_job;

static void *thread_run(void *arg)
{
    thread_job *j = arg;
    xpl_workspace *ws;
    j->rc = xpl_workspace_new(&ws);
    for (size_t k = 0; k < j->rows && j->rc == XPL_OK; k++) {
        size_t i = j->reverse ? j->rows - 1 - k : k;
        j->rc = xpl_lime_explain(j->l, ws, j->x + i * j->P, i,
                                 j->out + i * j->P, NULL, NULL, NULL, NULL);
    }
    xpl_workspace_free(ws);
    return NULL;
}

START_TEST(deterministic_per_row)
{
    xpl_model *m = load_model("data/models/breast_cancer_xgb.bin");
    xpl_dataset *d = data_for(m, "data/breast_cancer.csv");
    size_t P = xpl_dataset_n_cols(d);
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.num_samples = 1000;
    o.seed = 42;
    xpl_lime *l = lime_ok(m, d, &o);
    const double *x = xpl_dataset_data(d);
    double a[30], b[30];
    explain_ok(l, x, 7, a, NULL, NULL);
    explain_ok(l, x, 7, b, NULL, NULL);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    explain_ok(l, x, 8, b, NULL, NULL);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    /* threads, rows in either order, one workspace each: bit-identical */
    enum { ROWS = 12, T = 4 };
    double *ref = malloc(ROWS * P * sizeof *ref);
    for (size_t i = 0; i < ROWS; i++)
        explain_ok(l, x + i * P, i, ref + i * P, NULL, NULL);
    pthread_t th[T];
    thread_job jobs[T];
    for (int t = 0; t < T; t++) {
        jobs[t] = (thread_job){ l, x, P, ROWS, t % 2, malloc(ROWS * P * 8),
                                0 };
        ck_assert_int_eq(pthread_create(&th[t], NULL, thread_run, &jobs[t]),
                         0);
    }
    for (int t = 0; t < T; t++) {
        ck_assert_int_eq(pthread_join(th[t], NULL), 0);
        ck_assert_int_eq(jobs[t].rc, XPL_OK);
        ck_assert(memcmp(jobs[t].out, ref, ROWS * P * sizeof *ref) == 0);
        free(jobs[t].out);
    }
    free(ref);
    xpl_lime_free(l);
    /* another seed, another answer */
    o.seed = 43;
    l = lime_ok(m, d, &o);
    explain_ok(l, x, 7, b, NULL, NULL);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    xpl_lime_free(l);
    xpl_dataset_free(d);
    xpl_model_free(m);
}
END_TEST

/* Every build of the sampler this CPU runs (baseline, AVX2, AVX-512VL)
 * draws the same samples, bit for bit, and gives the same weights: binned,
 * categorical with more than 4 values, decile (many bins) and z-score
 * columns, odd sample counts (a partial last group of lanes). */
START_TEST(sampler_builds_agree)
{
    enum { NT = 300, P = 5, NS = 1003 };
    const char *names[P] = { "skew", "const", "floor", "cat", "unif" };
    double *x = malloc(NT * P * sizeof *x);
    for (size_t i = 0; i < NT; i++) {
        double u = ((double)i + 0.5) / NT;
        x[i * P + 0] = -log(1 - u) * 3;
        x[i * P + 1] = 7.0;
        x[i * P + 2] = i % 5 < 2 ? 5.0 : 5.0 + (double)(i % 97);
        x[i * P + 3] = (double)(i % 7);
        x[i * P + 4] = fmod(u * 7.31, 1.0) * 10 - 3;
    }
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, NT, P, x, names, NULL) == XPL_OK);
    double coef[P] = { 1, -1, 0.5, 0.25, 2 };
    recorder r = { P, coef, malloc(NS * P * sizeof(double)), 0, NS };
    double *first = malloc(NS * P * sizeof(double));
    xpl_model *m = recorder_model(&r, P, names);
    size_t cat[1] = { 3 };
    const xpl_lime_discretizer disc[3] = { XPL_LIME_QUARTILE,
                                           XPL_LIME_DECILE, XPL_LIME_NONE };
    int builds = 0;
    for (int k = 0; k < 3; k++) {
        xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
        o.num_samples = NS;
        o.discretizer = disc[k];
        o.categorical = cat;
        o.n_categorical = k == 2 ? 0 : 1;
        o.seed = 5;
        xpl_lime *l = lime_ok(m, d, &o);
        double row[P] = { 1.0, 7.0, 5.0, 4.0, 0.5 }, w0[P], w[P];
        for (int b = XPL__LIME_BUILD_BASE; b <= XPL__LIME_BUILD_AVX512; b++) {
            if (!xpl__lime_use_build(l, b))
                continue;
            builds += k == 0;
            r.n = 0;
            explain_ok(l, row, 3, b ? w : w0, NULL, NULL);
            ck_assert_uint_eq(r.n, NS);
            if (b == XPL__LIME_BUILD_BASE) {
                memcpy(first, r.rows, NS * P * sizeof(double));
                continue;
            }
            ck_assert_msg(memcmp(first, r.rows, NS * P * sizeof(double)) ==
                              0,
                          "build %d draws other samples (discretizer %d)", b,
                          k);
            ck_assert(memcmp(w0, w, sizeof w) == 0);
        }
        xpl_lime_free(l);
    }
    fprintf(stderr, "# sampler builds compared: %d\n", builds);
    ck_assert_int_ge(builds, 1);
    free(first);
    free(r.rows);
    xpl_model_free(m);
    xpl_dataset_free(d);
    free(x);
}
END_TEST

/* Binary samples as bit sets (up to 64 features) add to the Gram exactly
 * what their index lists do. */
START_TEST(gram_bits_equal_index_lists)
{
    enum { M = 40, N = 300 };
    void *ma = malloc(xpl__lime_gram_bytes(M)),
         *mb = malloc(xpl__lime_gram_bytes(M));
    xpl__lime_gram a, b;
    xpl__lime_gram_init(&a, ma, M);
    xpl__lime_gram_init(&b, mb, M);
    uint64_t bits[N], st = 12345;
    double y[N], w[N];
    for (size_t i = 0; i < N; i++) {
        st = st * 6364136223846793005u + 1442695040888963407u;
        bits[i] = (st >> 11) & (((uint64_t)1 << M) - 1) & (st >> 7);
        y[i] = (double)(st >> 40) / 1e6 - 3;
        w[i] = 0.5 + (double)(i % 7) / 8;
        uint32_t idx[M];
        size_t nnz = 0;
        for (uint32_t j = 0; j < M; j++)
            if (bits[i] >> j & 1)
                idx[nnz++] = j;
        xpl__lime_gram_add_binary(&a, idx, nnz, y[i], w[i]);
    }
    xpl__lime_gram_add_bits(&b, bits, y, w, N);
    ck_assert(a.W == b.W);
    ck_assert(memcmp(a.s, b.s, (M + 1) * sizeof(double)) == 0);
    /* the upper triangle, which is all a Gram holds before centring */
    for (size_t r = 0; r <= M; r++)
        for (size_t c2 = r; c2 <= M; c2++)
            ck_assert(a.G[r * (M + 1) + c2] == b.G[r * (M + 1) + c2]);
    free(ma);
    free(mb);
}
END_TEST

/* More than 64 binned features (samples' bins kept as several words):
 * a linear model's largest coefficients get the largest weights, and
 * every sampler build agrees. */
START_TEST(many_binned_features)
{
    enum { NT = 400, P = 70, NS = 2001 };
    double *x = malloc(NT * P * sizeof *x);
    for (size_t i = 0; i < NT; i++)
        for (size_t j = 0; j < P; j++)
            x[i * P + j] = fmod(((double)i + 0.5) / NT +
                                    0.6180339887 * (double)j, 1.0);
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, NT, P, x, NULL, NULL) == XPL_OK);
    double coef[P];
    for (size_t j = 0; j < P; j++)
        coef[j] = j == 3 ? 5 : (j == 66 ? -4 : 0.01);
    recorder r = { P, coef, NULL, 0, 0 };
    xpl_model *m = recorder_model(&r, P, NULL);
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.num_samples = NS;
    o.num_features = 5;
    xpl_lime *l = lime_ok(m, d, &o);
    double w0[P], w[P];
    explain_ok(l, x, 0, w0, NULL, NULL);
    size_t best = 0, second = 1;
    for (size_t j = 0; j < P; j++) {
        ck_assert(isfinite(w0[j]));
        if (fabs(w0[j]) > fabs(w0[best])) {
            second = best;
            best = j;
        } else if (j != best && fabs(w0[j]) > fabs(w0[second])) {
            second = j;
        }
    }
    ck_assert_uint_eq(best, 3);
    ck_assert_uint_eq(second, 66);
    for (int b = XPL__LIME_BUILD_BASE; b <= XPL__LIME_BUILD_AVX512; b++) {
        if (!xpl__lime_use_build(l, b))
            continue;
        explain_ok(l, x, 0, w, NULL, NULL);
        ck_assert(memcmp(w0, w, sizeof w) == 0);
    }
    xpl_lime_free(l);
    xpl_model_free(m);
    xpl_dataset_free(d);
    free(x);
}
END_TEST

/* --------------------------------------------------------- options */

START_TEST(every_option)
{
    xpl_model *m = load_model("data/models/diabetes_linear.bin");
    xpl_dataset *d = data_for(m, "data/diabetes.csv");
    size_t P = xpl_dataset_n_cols(d);
    const double *x = xpl_dataset_data(d) + 4 * P;
    double w[10], sd[10], fr[10];
    unsigned char sel[10];
    xpl_lime_summary s;

    /* defaults: 10 features (all of diabetes'), highest weights, quartile;
     * discretized: the surrogate at the row is intercept + sum of weights */
    xpl_lime *l = lime_ok(m, NULL, NULL);
    const xpl_lime_options *used = xpl_lime_options_used(l);
    ck_assert_uint_eq(used->num_features, 10);
    ck_assert(fabs(used->kernel_width - 0.75 * sqrt(10.0)) < 1e-15);
    ck_assert_uint_eq(used->num_samples, 5000);
    explain_ok(l, x, 0, w, sel, &s);
    double lp = s.intercept;
    for (size_t j = 0; j < P; j++)
        lp += w[j];
    ck_assert(fabs(lp - s.local_prediction) < 1e-9 * (fabs(lp) + 1));
    ck_assert(s.score > 0 && s.score <= 1);
    ck_assert_int_eq(s.explained_class, 0);
    ck_assert_int_eq(s.explained_output, XPL_OUTPUT_RAW);
    double pred;
    xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_RAW, &pred);
    ck_assert(s.prediction == pred);
    xpl_lime_free(l);

    /* num_features and each selection: at most K selected, the others 0 */
    for (int meth = 0; meth <= XPL_LIME_SELECT_NONE; meth++) {
        xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
        o.num_features = 3;
        o.feature_selection = (xpl_lime_selection)meth;
        o.num_samples = 2000;
        l = lime_ok(m, d, &o);
        explain_ok(l, x, 0, w, sel, &s);
        size_t n = 0;
        for (size_t j = 0; j < P; j++) {
            n += sel[j];
            if (!sel[j])
                ck_assert(w[j] == 0);
        }
        ck_assert_uint_eq(n, s.n_selected);
        if (meth == XPL_LIME_SELECT_NONE)
            ck_assert_uint_eq(n, P);
        else
            ck_assert_uint_le(n, 3);
        if (meth != XPL_LIME_SELECT_LASSO_PATH &&
            meth != XPL_LIME_SELECT_NONE)
            ck_assert_uint_eq(n, 3);
        xpl_lime_free(l);
    }

    /* kernel width: a huge width weighs every sample alike */
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.num_samples = 2000;
    l = lime_ok(m, d, &o);
    double base[10];
    explain_ok(l, x, 0, base, NULL, NULL);
    xpl_lime_free(l);
    o.kernel_width = 1e6;
    l = lime_ok(m, d, &o);
    explain_ok(l, x, 0, w, NULL, NULL);
    ck_assert(memcmp(w, base, sizeof w) != 0);
    xpl_lime_free(l);

    /* repeats: means, standard deviations and selection frequencies; run 0
     * is the single run's stream, so R = 1 equals repeats' first seed */
    o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
    o.num_samples = 1000;
    o.num_features = 4;
    o.repeats = 5;
    l = lime_ok(m, d, &o);
    ck_assert_int_eq(xpl_lime_explain(l, NULL, x, 0, w, sel, sd, fr, &s),
                     XPL_OK);
    int some_sd = 0;
    for (size_t j = 0; j < P; j++) {
        ck_assert(fr[j] >= 0 && fr[j] <= 1);
        ck_assert_int_eq(sel[j], fr[j] > 0);
        some_sd |= sd[j] > 0;
        if (fr[j] == 0)
            ck_assert(w[j] == 0 && sd[j] == 0);
    }
    ck_assert(some_sd && s.intercept_std > 0 && s.score_std > 0);
    xpl_lime_free(l);
    o.repeats = 1;
    l = lime_ok(m, d, &o);
    ck_assert_int_eq(xpl_lime_explain(l, NULL, x, 0, w, sel, sd, fr, &s),
                     XPL_OK);
    for (size_t j = 0; j < P; j++)
        ck_assert(sd[j] == 0 && (fr[j] == 0 || fr[j] == 1));
    ck_assert(s.intercept_std == 0);
    xpl_lime_free(l);

    /* categorical: sex as a category */
    size_t cat[1] = { 1 };
    o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
    o.categorical = cat;
    o.n_categorical = 1;
    o.num_samples = 2000;
    l = lime_ok(m, d, &o);
    explain_ok(l, x, 0, w, NULL, NULL);
    char buf[32];
    xpl_lime_condition(l, x, 1, buf, sizeof buf);
    ck_assert(strcmp(buf, "sex=1") == 0 || strcmp(buf, "sex=2") == 0);
    xpl_lime_free(l);

    /* the embedded statistics alone (no background): bins from the
     * percentiles; and the embedded background alone */
    xpl_model *bare = load_model("data/models/diabetes_linear.json");
    xpl_stats *st;
    ck_assert(xpl_stats_compute(&st, d) == XPL_OK);
    ck_assert(xpl_model_set_stats(bare, st) == XPL_OK);
    l = lime_ok(bare, NULL, NULL);
    explain_ok(l, x, 0, w, NULL, &s);
    ck_assert(s.score > 0);
    xpl_lime_free(l);
    o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
    o.categorical = cat;
    o.n_categorical = 1;
    ck_assert_int_eq(xpl_lime_new(&l, bare, NULL, &o), XPL_EINVAL);
    xpl_model_free(bare);
    bare = load_model("data/models/diabetes_linear.json");
    ck_assert(xpl_model_set_background(bare, d) == XPL_OK);
    l = lime_ok(bare, NULL, NULL);
    explain_ok(l, x, 0, w, NULL, NULL);
    xpl_lime_free(l);
    xpl_model_free(bare);
    xpl_stats_free(st);
    xpl_dataset_free(d);
    xpl_model_free(m);
}
END_TEST

START_TEST(classes_and_outputs)
{
    /* multiclass: the predicted class by default, probabilities */
    xpl_model *m = load_model("data/models/wine_logistic.bin");
    xpl_dataset *d = data_for(m, "data/wine.csv");
    size_t P = xpl_dataset_n_cols(d);
    double w[13], prob[3];
    xpl_lime_summary s;
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
    o.num_samples = 1000;
    xpl_lime *l = lime_ok(m, d, &o);
    for (size_t i = 0; i < 178; i += 70) {
        const double *x = xpl_dataset_data(d) + i * P;
        explain_ok(l, x, i, w, NULL, &s);
        xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_PROBABILITY, prob);
        int best = 0;
        for (int k = 1; k < 3; k++)
            if (prob[k] > prob[best])
                best = k;
        ck_assert_int_eq(s.explained_class, best);
        ck_assert(s.prediction == prob[best]);
        ck_assert_int_eq(s.explained_output, XPL_OUTPUT_PROBABILITY);
    }
    xpl_lime_free(l);
    o.class_index = 2;
    l = lime_ok(m, d, &o);
    explain_ok(l, xpl_dataset_data(d), 0, w, NULL, &s);
    xpl_model_predict(m, NULL, xpl_dataset_data(d), 1, XPL_OUTPUT_PROBABILITY,
                      prob);
    ck_assert(s.explained_class == 2 && s.prediction == prob[2]);
    xpl_lime_free(l);
    o.class_index = 3;
    ck_assert_int_eq(xpl_lime_new(&l, m, d, &o), XPL_EINVAL);
    o.class_index = 1;
    o.model_output = XPL_OUTPUT_RAW;
    l = lime_ok(m, d, &o);
    explain_ok(l, xpl_dataset_data(d), 0, w, NULL, &s);
    xpl_model_predict(m, NULL, xpl_dataset_data(d), 1, XPL_OUTPUT_RAW, prob);
    ck_assert(s.prediction == prob[1]);
    xpl_lime_free(l);
    xpl_dataset_free(d);
    xpl_model_free(m);

    /* binary with one output: class 1 = p (default), class 0 = 1 - p with
     * opposite weights */
    m = load_model("data/models/breast_cancer_logistic.bin");
    d = data_for(m, "data/breast_cancer.csv");
    double w0[30], w1[30];
    xpl_lime_summary s0, s1;
    o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
    o.num_samples = 1000;
    l = lime_ok(m, NULL, &o);
    explain_ok(l, xpl_dataset_data(d), 0, w1, NULL, &s1);
    xpl_lime_free(l);
    o.class_index = 0;
    l = lime_ok(m, NULL, &o);
    explain_ok(l, xpl_dataset_data(d), 0, w0, NULL, &s0);
    xpl_lime_free(l);
    ck_assert_int_eq(s1.explained_class, 1);
    ck_assert(fabs(s0.prediction + s1.prediction - 1) < 1e-15);
    for (size_t j = 0; j < 30; j++)
        ck_assert(fabs(w0[j] + w1[j]) <= 1e-9);
    ck_assert(fabs(s0.intercept + s1.intercept - 1) < 1e-9);
    o.class_index = 2;
    ck_assert_int_eq(xpl_lime_new(&l, m, NULL, &o), XPL_EINVAL);
    xpl_dataset_free(d);
    xpl_model_free(m);
}
END_TEST

/* ------------------------------------------------------ bad input */

START_TEST(bad_input)
{
    xpl_model *m = load_model("data/models/diabetes_linear.bin");
    xpl_dataset *d = data_for(m, "data/diabetes.csv");
    xpl_lime *l = (xpl_lime *)1;
    xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
#define BAD(code, change)                                                     \
    do {                                                                      \
        o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;                          \
        change;                                                               \
        l = (xpl_lime *)1;                                                    \
        ck_assert_int_eq(xpl_lime_new(&l, m, d, &o), code);                   \
        ck_assert_ptr_null(l);                                                \
        ck_assert(strlen(xpl_last_error()) > 0);                              \
    } while (0)
    size_t cats[2] = { 1, 1 }, far[1] = { 10 };
    BAD(XPL_EINVAL, o.version = 99);
    BAD(XPL_EINVAL, o.num_samples = 1);
    BAD(XPL_ELIMIT, o.num_samples = XPL_LIME_MAX_SAMPLES + 1);
    BAD(XPL_EINVAL, o.num_features = 11); /* K > M */
    BAD(XPL_EINVAL, o.kernel_width = -1);
    BAD(XPL_EINVAL, o.kernel_width = NAN);
    BAD(XPL_EINVAL, o.discretizer = (xpl_lime_discretizer)7);
    BAD(XPL_EINVAL, o.feature_selection = (xpl_lime_selection)9);
    BAD(XPL_EINVAL, (o.categorical = cats, o.n_categorical = 2));
    BAD(XPL_EINVAL, (o.categorical = far, o.n_categorical = 1));
    BAD(XPL_EINVAL, (o.categorical = NULL, o.n_categorical = 1));
    BAD(XPL_EINVAL, o.model_output = XPL_OUTPUT_PROBABILITY);
    BAD(XPL_EINVAL, o.model_output = 5);
    BAD(XPL_EINVAL, o.class_index = 1);
    BAD(XPL_EINVAL, o.class_index = -2);
    BAD(XPL_EINVAL, o.repeats = 0);
    BAD(XPL_ELIMIT, o.repeats = XPL_LIME_MAX_REPEATS + 1);
    BAD(XPL_EINVAL, o.sample_around_instance = 2);
    BAD(XPL_EINVAL, o.label_decimals = 18);
#undef BAD
    ck_assert_int_eq(xpl_lime_new(NULL, m, d, NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_lime_new(&l, NULL, d, NULL), XPL_EINVAL);

    /* training columns that are not the model's */
    const char *names[2] = { "age", "sex" };
    double two[4] = { 1, 2, 3, 4 };
    xpl_dataset *wrong;
    ck_assert(xpl_dataset_new(&wrong, 2, 2, two, names, NULL) == XPL_OK);
    ck_assert_int_eq(xpl_lime_new(&l, m, wrong, NULL), XPL_ESHAPE);
    xpl_dataset_free(wrong);

    /* no training data given or embedded */
    xpl_model *bare = load_model("data/models/diabetes_linear.json");
    ck_assert_int_eq(xpl_lime_new(&l, bare, NULL, NULL), XPL_EINVAL);
    ck_assert(strstr(xpl_last_error(), "training data") != NULL);
    xpl_model_free(bare);

    /* an all-missing column; an infinite value */
    size_t P = xpl_dataset_n_cols(d), N = xpl_dataset_n_rows(d);
    double *x = malloc(N * P * sizeof *x);
    memcpy(x, xpl_dataset_data(d), N * P * sizeof *x);
    for (size_t i = 0; i < N; i++)
        x[i * P + 2] = NAN;
    xpl_dataset *miss;
    ck_assert(xpl_dataset_new(&miss, N, P, x, xpl_model_feature_names(m),
                              NULL) == XPL_OK);
    ck_assert_int_eq(xpl_lime_new(&l, m, miss, NULL), XPL_EINVAL);
    ck_assert(strstr(xpl_last_error(), "bmi") != NULL);
    xpl_dataset_free(miss);
    x[2] = INFINITY;
    for (size_t i = 1; i < N; i++)
        x[i * P + 2] = 20;
    ck_assert(xpl_dataset_new(&miss, N, P, x, xpl_model_feature_names(m),
                              NULL) == XPL_OK);
    ck_assert_int_eq(xpl_lime_new(&l, m, miss, NULL), XPL_EINVAL);
    xpl_dataset_free(miss);

    /* a constant column is accepted: never perturbed, weight 0 when the
     * row shares its value */
    for (size_t i = 0; i < N; i++)
        x[i * P + 2] = 25;
    xpl_dataset *cst;
    ck_assert(xpl_dataset_new(&cst, N, P, x, xpl_model_feature_names(m),
                              NULL) == XPL_OK);
    for (int disc = 0; disc < 3; disc++) {
        o = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
        o.discretizer = (xpl_lime_discretizer)disc;
        o.feature_selection = XPL_LIME_SELECT_NONE;
        o.num_samples = 1000;
        l = lime_ok(m, cst, &o);
        double w[10];
        explain_ok(l, x, 0, w, NULL, NULL);
        ck_assert_msg(w[2] == 0, "discretizer %d: weight %g", disc, w[2]);
        xpl_lime_free(l);
    }
    xpl_dataset_free(cst);

    /* explain: NULL arguments, a missing value */
    l = lime_ok(m, d, NULL);
    double w[10], row[10];
    memcpy(row, xpl_dataset_data(d), sizeof row);
    ck_assert_int_eq(xpl_lime_explain(NULL, NULL, row, 0, w, NULL, NULL, NULL,
                                      NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_lime_explain(l, NULL, NULL, 0, w, NULL, NULL, NULL,
                                      NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_lime_explain(l, NULL, row, 0, NULL, NULL, NULL, NULL,
                                      NULL), XPL_EINVAL);
    row[3] = NAN;
    w[0] = 123;
    ck_assert_int_eq(xpl_lime_explain(l, NULL, row, 0, w, NULL, NULL, NULL,
                                      NULL), XPL_EINVAL);
    ck_assert(strstr(xpl_last_error(), "bp") != NULL);
    ck_assert(w[0] == 123); /* untouched */
    char buf[8];
    ck_assert_int_eq(xpl_lime_condition(l, row, 3, buf, sizeof buf),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_lime_condition(l, row, 10, buf, sizeof buf),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_lime_condition(l, row, 0, NULL, 4), XPL_EINVAL);
    ck_assert_int_eq(xpl_lime_condition(NULL, row, 0, buf, 8), XPL_EINVAL);
    ck_assert_uint_eq(xpl_lime_n_features(l), 10);
    ck_assert_uint_eq(xpl_lime_n_features(NULL), 0);
    ck_assert_ptr_null(xpl_lime_options_used(NULL));
    xpl_lime_free(l);
    xpl_lime_free(NULL);
    free(x);
    xpl_dataset_free(d);
    xpl_model_free(m);
}
END_TEST

/* A model that fails, and one that returns NaN. */
static int nan_predict(const void *state, void *scratch, const double *x,
                       size_t n_rows, size_t n_cols, double *out)
{
    (void)scratch;
    (void)x;
    (void)n_cols;
    int fail = state != NULL;
    for (size_t i = 0; i < n_rows; i++)
        out[i] = i == 3 ? NAN : 1.0;
    return fail ? 5 : 0;
}

static const xpl_adapter nan_ops = { XPL_ADAPTER_VERSION, "nan", NULL,
                                     nan_predict, NULL };

START_TEST(model_failures)
{
    const char *names[2] = { "a", "b" };
    double x[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    xpl_dataset *d;
    ck_assert(xpl_dataset_new(&d, 4, 2, x, names, NULL) == XPL_OK);
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, 2, 1, names,
                            XPL_LINK_IDENTITY };
    xpl_model *m;
    ck_assert(xpl_model_wrap(&m, &nan_ops, NULL, &spec) == XPL_OK);
    xpl_lime *l = lime_ok(m, d, NULL);
    double w[2];
    ck_assert_int_eq(xpl_lime_explain(l, NULL, x, 0, w, NULL, NULL, NULL,
                                      NULL), XPL_ENUMERIC);
    xpl_lime_free(l);
    xpl_model_free(m);
    static int flag;
    ck_assert(xpl_model_wrap(&m, &nan_ops, &flag, &spec) == XPL_OK);
    l = lime_ok(m, d, NULL);
    ck_assert_int_eq(xpl_lime_explain(l, NULL, x, 0, w, NULL, NULL, NULL,
                                      NULL), XPL_EUSER);
    xpl_lime_free(l);
    xpl_model_free(m);
    xpl_dataset_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lime");
    TCase *t = tcase_create("fit");
    tcase_add_test(t, fit_equals_sklearn_ridge);
    tcase_add_test(t, selection_equals_lime);
    tcase_add_test(t, constant_response);
    suite_add_tcase(s, t);
    t = tcase_create("discretizer");
    tcase_add_test(t, discretizer_equals_numpy);
    tcase_add_test(t, discretizer_ties_and_labels);
    tcase_add_test(t, category_labels_show_names);
    tcase_add_test(t, weighted_training_rows);
    suite_add_tcase(s, t);
    t = tcase_create("sampling");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, normal_quantile_matches_gsl);
    tcase_add_test(t, table_quantile_matches_as241);
    tcase_add_test(t, ziggurat_is_normal);
    tcase_add_test(t, sampling_statistics);
    tcase_add_test(t, linear_limit_without_discretization);
    tcase_add_test(t, linear_limit_discretized);
    tcase_add_test(t, agreement_with_lime);
    tcase_add_test(t, deterministic_per_row);
    tcase_add_test(t, sampler_builds_agree);
    tcase_add_test(t, gram_bits_equal_index_lists);
    tcase_add_test(t, many_binned_features);
    suite_add_tcase(s, t);
    t = tcase_create("api");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, every_option);
    tcase_add_test(t, classes_and_outputs);
    tcase_add_test(t, bad_input);
    tcase_add_test(t, model_failures);
    suite_add_tcase(s, t);
    return run_suite(s);
}
