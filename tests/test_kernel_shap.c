/* Kernel SHAP: exact mode equals brute-force Shapley values, closed forms
 * for linear models, efficiency in every mode, determinism across seeds,
 * row order and threads, sampled accuracy against exact interventional
 * values of a 30-feature model (fixtures from tools/exact_shapley.py),
 * links, multi-output models, missing values and every error path. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "check_helpers.h"
#include "models/linear.h"
#include <xplain/adapter.h>
#include <xplain/xplain.h>

/* ------------------------------------------------------------- helpers */

static xpl_model *load(const char *rel)
{
    xpl_model *m = NULL;
    int rc = xpl_model_load(&m, src_path(rel));
    ck_assert_msg(rc == XPL_OK, "%s: %s", rel, xpl_last_error());
    return m;
}

/* The model's features from a CSV under the source tree. */
static xpl_dataset *read_for(const xpl_model *m, const char *rel)
{
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = xpl_model_feature_names(m);
    o.n_columns = xpl_model_n_features(m);
    xpl_dataset *ds = NULL;
    int rc = xpl_dataset_read_csv(&ds, src_path(rel), &o);
    ck_assert_msg(rc == XPL_OK, "%s: %s", rel, xpl_last_error());
    return ds;
}

/* Rows [start, start + n) of ds, with optional weights. */
static xpl_dataset *rows_of(const xpl_dataset *ds, size_t start, size_t n,
                            const double *w)
{
    size_t P = xpl_dataset_n_cols(ds);
    const char *names[64];
    ck_assert(P <= 64);
    for (size_t j = 0; j < P; j++)
        names[j] = xpl_dataset_col_name(ds, j);
    xpl_dataset *out = NULL;
    int rc = xpl_dataset_new(&out, n, P, xpl_dataset_data(ds) + start * P,
                             names, w);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return out;
}

static double link_of(int logit, double p)
{
    if (!logit)
        return p;
    if (p < 1e-15)
        p = 1e-15;
    if (p > 1 - 1e-15)
        p = 1 - 1e-15;
    return log(p / (1 - p));
}

/* Exact Shapley values by brute force over all 2^P subsets of the model's
 * features, of the game v(S) = link(sum_b w_b f(x_S, b_notS)) (the test
 * helpers' interventional game and Shapley formula). */
static void brute_force(const xpl_model *m, const xpl_dataset *bg,
                        const double *x, xpl_output kind, int logit,
                        double *phi)
{
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    size_t nS = (size_t)1 << P;
    double *v = malloc(nS * D * sizeof *v);
    ck_assert(v);
    interventional_values(m, xpl_dataset_data(bg), xpl_dataset_weights(bg),
                          xpl_dataset_n_rows(bg), x, kind, v);
    for (size_t i = 0; i < nS * D; i++)
        v[i] = link_of(logit, v[i]);
    shapley_from_values(P, D, v, phi);
    free(v);
}

static xpl_kernel_shap *make(const xpl_model *m, const xpl_dataset *bg,
                             const xpl_kernel_shap_options *o)
{
    xpl_kernel_shap *ks = NULL;
    int rc = xpl_kernel_shap_new(&ks, m, bg, o);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return ks;
}

/* Explain and check efficiency: every output's contributions sum to
 * prediction - base to 1e-10 relative. */
static void explain_checked(const xpl_kernel_shap *ks, xpl_workspace *ws,
                            const double *x, uint64_t row, double *phi,
                            double *se, double *pred, size_t *n_evals)
{
    size_t D = xpl_kernel_shap_n_outputs(ks);
    size_t P = xpl_kernel_shap_n_features(ks);
    double pr[16];
    ck_assert(D <= 16);
    int rc = xpl_kernel_shap_explain(ks, ws, x, row, phi, se, pr, n_evals);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    const double *base = xpl_kernel_shap_base_values(ks);
    for (size_t d = 0; d < D; d++) {
        double s = 0, scale = fabs(pr[d] - base[d]);
        for (size_t j = 0; j < P; j++) {
            s += phi[d * P + j];
            if (fabs(phi[d * P + j]) > scale)
                scale = fabs(phi[d * P + j]);
        }
        ck_assert_msg(fabs(s - (pr[d] - base[d])) <= 1e-10 * (scale > 1 ? scale : 1),
                      "efficiency: output %zu sums to %.17g, expected %.17g",
                      d, s, pr[d] - base[d]);
        if (pred)
            pred[d] = pr[d];
    }
}

static double max_abs_diff(const double *a, const double *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        if (isnan(d))
            return INFINITY;
        if (d > worst)
            worst = d;
    }
    return worst;
}

/* Exact mode (default budget for M <= 11, or nsamples covering 2^M - 2)
 * against brute force on rows [first, first + n_rows) of data, with a
 * background of rows [bg_first, bg_first + n_bg). */
static void exact_vs_brute(const char *model, const char *data,
                           size_t bg_first, size_t n_bg, size_t first,
                           size_t n_rows, xpl_output kind, int logit,
                           size_t nsamples, xpl_ks_sampler sampler)
{
    xpl_model *m = load(model);
    xpl_dataset *all = read_for(m, data);
    xpl_dataset *bg = rows_of(all, bg_first, n_bg, NULL);
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.model_output = kind;
    o.link = logit ? XPL_LINK_LOGIT : XPL_LINK_IDENTITY;
    o.nsamples = nsamples;
    o.sampler = sampler;
    xpl_kernel_shap *ks = make(m, bg, &o);
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    double *phi = malloc(D * P * sizeof *phi), *se = malloc(D * P * sizeof *se);
    double *want = malloc(D * P * sizeof *want);
    for (size_t r = first; r < first + n_rows; r++) {
        const double *x = xpl_dataset_data(all) + r * P;
        size_t evals;
        explain_checked(ks, NULL, x, r, phi, se, NULL, &evals);
        brute_force(m, bg, x, kind, logit, want);
        double scale = 1;
        for (size_t i = 0; i < D * P; i++)
            if (fabs(want[i]) > scale)
                scale = fabs(want[i]);
        double err = max_abs_diff(phi, want, D * P);
        ck_assert_msg(err <= 1e-9 * scale, "%s row %zu: exact mode differs "
                      "from brute force by %g (scale %g)", model, r, err,
                      scale);
        for (size_t i = 0; i < D * P; i++)
            ck_assert(se[i] == 0);
        ck_assert(evals <= 1 + ((size_t)1 << P) * n_bg);
    }
    free(phi);
    free(se);
    free(want);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_dataset_free(all);
    xpl_model_free(m);
}

/* ------------------------------------------------------ exact mode */

START_TEST(exact_linear)
{
    exact_vs_brute("data/models/diabetes_linear.json", "data/diabetes.csv",
                   0, 10, 100, 3, XPL_OUTPUT_RAW, 0, 0, XPL_KS_SAMPLER_XPLAIN);
}
END_TEST

START_TEST(exact_xgboost)
{
    exact_vs_brute("data/models/diabetes_xgb.json", "data/diabetes.csv", 20,
                   10, 200, 4, XPL_OUTPUT_RAW, 0, 0, XPL_KS_SAMPLER_XPLAIN);
}
END_TEST

START_TEST(exact_sklearn_trees)
{
    exact_vs_brute("data/models/diabetes_tree.json", "data/diabetes.csv", 0,
                   10, 300, 2, XPL_OUTPUT_RAW, 0, 0, XPL_KS_SAMPLER_SHAP);
    exact_vs_brute("data/models/diabetes_forest.json", "data/diabetes.csv", 50,
                   10, 400, 2, XPL_OUTPUT_RAW, 0, 0, XPL_KS_SAMPLER_LEVERAGE);
}
END_TEST

START_TEST(exact_missing_values)
{
    /* NaN cells in rows and background: the trees' default directions. */
    exact_vs_brute("data/models/diabetes_missing_xgb.json",
                   "data/diabetes_missing.csv", 0, 10, 10, 10, XPL_OUTPUT_RAW,
                   0, 0, XPL_KS_SAMPLER_XPLAIN);
}
END_TEST

START_TEST(exact_multi_output_logit)
{
    /* 13 features: 2^13 - 2 coalitions requested explicitly; three
     * outputs; probabilities through the logit link. */
    exact_vs_brute("data/models/wine_logistic.json", "data/wine.csv", 0, 6,
                   60, 2, XPL_OUTPUT_PROBABILITY, 1, 8190,
                   XPL_KS_SAMPLER_XPLAIN);
    exact_vs_brute("data/models/wine_xgb.json", "data/wine.csv", 100, 5, 10,
                   1, XPL_OUTPUT_RAW, 0, 8190, XPL_KS_SAMPLER_SHAP);
}
END_TEST

/* ------------------------------------------------------ closed forms */

/* Linear model, identity link: phi_j = w_j (x_j - E_bg x_j), in every mode
 * (an additive game: any full-rank design recovers it). */
static void linear_closed_form(xpl_ks_sampler sampler, size_t nsamples,
                               double tol)
{
    xpl_model *m = load("data/models/breast_cancer_logistic.json");
    const xpl__linear *lin = xpl__linear_params(m);
    ck_assert(lin != NULL);
    xpl_dataset *all = read_for(m, "data/breast_cancer.csv");
    size_t P = xpl_model_n_features(m), N = 40;
    double w[40];
    for (size_t i = 0; i < N; i++)
        w[i] = 1.0 + (double)(i % 7); /* weighted background */
    xpl_dataset *bg = rows_of(all, 0, N, w);
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.sampler = sampler;
    o.nsamples = nsamples;
    o.tolerance = tol;
    xpl_kernel_shap *ks = make(m, bg, &o);
    double mean[30] = { 0 }, wt = 0;
    for (size_t i = 0; i < N; i++)
        wt += w[i];
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < P; j++)
            mean[j] += w[i] / wt * xpl_dataset_data(bg)[i * P + j];
    double phi[30], se[30];
    for (size_t r = 100; r < 105; r++) {
        const double *x = xpl_dataset_data(all) + r * P;
        explain_checked(ks, NULL, x, r, phi, se, NULL, NULL);
        for (size_t j = 0; j < P; j++) {
            double want = lin->coef[j] * (x[j] - mean[j]);
            ck_assert_msg(close_rel(phi[j], want, 1e-10),
                          "sampler %d row %zu feature %zu: %.17g, expected "
                          "%.17g", (int)sampler, r, j, phi[j], want);
            ck_assert_msg(se[j] < 1e-8, "se %g", se[j]);
        }
    }
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_dataset_free(all);
    xpl_model_free(m);
}

START_TEST(linear_closed_form_all_samplers)
{
    linear_closed_form(XPL_KS_SAMPLER_XPLAIN, 0, 0);
    linear_closed_form(XPL_KS_SAMPLER_SHAP, 0, 0);
    linear_closed_form(XPL_KS_SAMPLER_LEVERAGE, 0, 0);
    linear_closed_form(XPL_KS_SAMPLER_XPLAIN, 200, 0);
    linear_closed_form(XPL_KS_SAMPLER_XPLAIN, 0, 0.01);
}
END_TEST

/* ------------------------------------------------ sampled accuracy */

struct fixture {
    xpl_model *m;
    xpl_dataset *bg, *rows, *exact;
};

static struct fixture bc_fixture(void)
{
    struct fixture f;
    f.m = load("data/models/breast_cancer_xgb.json");
    f.bg = read_for(f.m, "tests/fixtures/kernel_shap/breast_cancer_bg50.csv");
    f.rows = read_for(f.m, "tests/fixtures/kernel_shap/breast_cancer_rows20.csv");
    f.exact = read_for(f.m, "tests/fixtures/kernel_shap/breast_cancer_xgb_exact.csv");
    ck_assert(xpl_dataset_n_rows(f.rows) == 20 && xpl_dataset_n_rows(f.exact) == 20);
    return f;
}

static void fixture_free(struct fixture *f)
{
    xpl_dataset_free(f->exact);
    xpl_dataset_free(f->rows);
    xpl_dataset_free(f->bg);
    xpl_model_free(f->m);
}

/* Errors against the exact values over the 20 rows: max and mean absolute
 * error, and the root mean square of error / std_error. */
static void sampled_errors(struct fixture *f, xpl_ks_sampler sampler,
                           size_t nsamples, uint64_t seed, double *emax,
                           double *emean, double *zrms)
{
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.sampler = sampler;
    o.nsamples = nsamples;
    o.seed = seed;
    xpl_kernel_shap *ks = make(f->m, f->bg, &o);
    xpl_workspace *ws;
    ck_assert(xpl_workspace_new(&ws) == XPL_OK);
    double phi[30], se[30], z2 = 0, sum = 0;
    size_t nz = 0;
    *emax = 0;
    for (size_t r = 0; r < 20; r++) {
        size_t evals;
        explain_checked(ks, ws, xpl_dataset_data(f->rows) + r * 30, r, phi,
                        se, NULL, &evals);
        ck_assert_uint_eq(evals, 1 + (nsamples ? nsamples : 2108) * 50);
        const double *e = xpl_dataset_data(f->exact) + r * 30;
        for (size_t j = 0; j < 30; j++) {
            double d = fabs(phi[j] - e[j]);
            sum += d;
            if (d > *emax)
                *emax = d;
            ck_assert(se[j] > 0 && isfinite(se[j]));
            z2 += d * d / (se[j] * se[j]);
            nz++;
        }
    }
    *emean = sum / 600;
    *zrms = sqrt(z2 / (double)nz);
    xpl_workspace_free(ws);
    xpl_kernel_shap_free(ks);
}

START_TEST(sampled_accuracy)
{
    /* Measured (docs/kernel-shap.md): at 2108 coalitions, mean absolute
     * error about 0.0041 (shap), 0.0034 (leverage), 0.0021 (xplain), on
     * values up to about 1.5. Bounds leave room for other seeds. */
    struct fixture f = bc_fixture();
    double emax[3], emean[3], z[3];
    static const double max_mean[3] = { 0.0032, 0.0060, 0.0048 };
    static const double max_max[3] = { 0.025, 0.04, 0.035 };
    for (int s = 0; s < 3; s++) {
        sampled_errors(&f, (xpl_ks_sampler)s, 0, 1, &emax[s], &emean[s], &z[s]);
        ck_assert_msg(emean[s] <= max_mean[s] && emax[s] <= max_max[s],
                      "sampler %d: mean error %g, max %g", s, emean[s],
                      emax[s]);
        /* standard errors describe the actual errors */
        ck_assert_msg(z[s] > 0.7 && z[s] < 1.4, "sampler %d: rms z %g", s,
                      z[s]);
    }
    ck_assert_msg(emean[XPL_KS_SAMPLER_XPLAIN] < 0.75 * emean[XPL_KS_SAMPLER_SHAP],
                  "xplain %g vs shap %g", emean[0], emean[1]);
    /* xplain at half the budget is at least as accurate as shap's scheme */
    double hmax, hmean, hz;
    sampled_errors(&f, XPL_KS_SAMPLER_XPLAIN, 1054, 1, &hmax, &hmean, &hz);
    ck_assert_msg(hmean <= emean[XPL_KS_SAMPLER_SHAP] * 1.05,
                  "xplain at 1054: %g, shap at 2108: %g", hmean, emean[1]);
    fixture_free(&f);
}
END_TEST

START_TEST(tolerance_stops_early)
{
    struct fixture f = bc_fixture();
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.nsamples = 10000;
    o.tolerance = 0.02;
    xpl_kernel_shap *ks = make(f.m, f.bg, &o);
    double phi[30], se[30];
    size_t evals;
    for (size_t r = 0; r < 4; r++) {
        explain_checked(ks, NULL, xpl_dataset_data(f.rows) + r * 30, r, phi,
                        se, NULL, &evals);
        ck_assert_msg(evals < 1 + 10000 * 50, "no early stop: %zu", evals);
        double lo = INFINITY, hi = -INFINITY, sd = 0;
        for (size_t j = 0; j < 30; j++) {
            lo = fmin(lo, phi[j]);
            hi = fmax(hi, phi[j]);
            sd = fmax(sd, se[j]);
        }
        /* the final (adjusted) estimate is at least as good as the check */
        ck_assert_msg(sd <= 0.03 * (hi - lo), "sd %g range %g", sd, hi - lo);
        const double *e = xpl_dataset_data(f.exact) + r * 30;
        ck_assert(max_abs_diff(phi, e, 30) < 0.1 * (hi - lo));
    }
    xpl_kernel_shap_free(ks);
    fixture_free(&f);
}
END_TEST

/* ---------------------------------------------------- determinism */

struct job {
    const xpl_kernel_shap *ks;
    const double *x;
    size_t first, n, step, P;
    double *phi, *se;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    xpl_workspace *ws;
    if (xpl_workspace_new(&ws) != XPL_OK)
        return NULL;
    for (size_t r = j->first; r < j->n; r += j->step)
        if (xpl_kernel_shap_explain(j->ks, ws, j->x + r * j->P, r,
                                    j->phi + r * j->P, j->se + r * j->P,
                                    NULL, NULL) != XPL_OK)
            abort();
    xpl_workspace_free(ws);
    return NULL;
}

START_TEST(deterministic)
{
    struct fixture f = bc_fixture();
    for (int s = 0; s < 3; s++) {
        xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
        o.sampler = (xpl_ks_sampler)s;
        o.nsamples = 600;
        o.seed = 42;
        xpl_kernel_shap *ks = make(f.m, f.bg, &o);
        const double *x = xpl_dataset_data(f.rows);
        size_t n = 6, P = 30;
        double a[6 * 30], ase[6 * 30], b[6 * 30], bse[6 * 30];
        double c[6 * 30], cse[6 * 30];
        /* in order, one workspace */
        struct job j1 = { ks, x, 0, n, 1, P, a, ase };
        run_job(&j1);
        /* reverse order, fresh temporary workspaces */
        for (size_t r = n; r-- > 0;)
            ck_assert(xpl_kernel_shap_explain(ks, NULL, x + r * P, r,
                                              b + r * P, bse + r * P, NULL,
                                              NULL) == XPL_OK);
        ck_assert(memcmp(a, b, sizeof a) == 0 && memcmp(ase, bse, sizeof a) == 0);
        /* two threads sharing the explainer, rows interleaved */
        pthread_t t[2];
        struct job jt[2] = { { ks, x, 0, n, 2, P, c, cse },
                             { ks, x, 1, n, 2, P, c, cse } };
        for (int i = 0; i < 2; i++)
            ck_assert(pthread_create(&t[i], NULL, run_job, &jt[i]) == 0);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        ck_assert(memcmp(a, c, sizeof a) == 0 && memcmp(ase, cse, sizeof a) == 0);
        /* same seed in a new explainer: same bits; another seed: other
         * numbers */
        xpl_kernel_shap *ks2 = make(f.m, f.bg, &o);
        double d[30];
        ck_assert(xpl_kernel_shap_explain(ks2, NULL, x + 3 * P, 3, d, NULL,
                                          NULL, NULL) == XPL_OK);
        ck_assert(memcmp(d, a + 3 * P, sizeof d) == 0);
        xpl_kernel_shap_free(ks2);
        o.seed = 43;
        ks2 = make(f.m, f.bg, &o);
        ck_assert(xpl_kernel_shap_explain(ks2, NULL, x + 3 * P, 3, d, NULL,
                                          NULL, NULL) == XPL_OK);
        ck_assert(memcmp(d, a + 3 * P, sizeof d) != 0);
        /* the row index seeds the row: another index, other numbers */
        ck_assert(xpl_kernel_shap_explain(ks, NULL, x + 3 * P, 4, d, NULL,
                                          NULL, NULL) == XPL_OK);
        ck_assert(memcmp(d, a + 3 * P, sizeof d) != 0);
        xpl_kernel_shap_free(ks2);
        xpl_kernel_shap_free(ks);
    }
    fixture_free(&f);
}
END_TEST

/* --------------------------------------------- links, outputs, players */

START_TEST(logit_link_sampled)
{
    /* probability output with the logit link: values sum to
     * margin(x) - logit(E p), on a 30-feature model (sampled). */
    xpl_model *m = load("data/models/breast_cancer_xgb.json");
    xpl_dataset *all = read_for(m, "data/breast_cancer.csv");
    xpl_dataset *bg = rows_of(all, 0, 30, NULL);
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.model_output = XPL_OUTPUT_PROBABILITY;
    o.link = XPL_LINK_LOGIT;
    o.nsamples = 500;
    xpl_kernel_shap *ks = make(m, bg, &o);
    double p[30], mean = 0;
    ck_assert(xpl_model_predict(m, NULL, xpl_dataset_data(bg), 30,
                                XPL_OUTPUT_PROBABILITY, p) == XPL_OK);
    for (size_t i = 0; i < 30; i++)
        mean += p[i] / 30;
    ck_assert(close_rel(xpl_kernel_shap_base_values(ks)[0], log(mean / (1 - mean)),
                        1e-12));
    double phi[30], pred, margin;
    const double *x = xpl_dataset_data(all) + 200 * 30;
    explain_checked(ks, NULL, x, 0, phi, NULL, &pred, NULL);
    ck_assert(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_RAW, &margin) == XPL_OK);
    ck_assert_msg(close_rel(pred, margin, 1e-9), "%g vs %g", pred, margin);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_dataset_free(all);
    xpl_model_free(m);
}
END_TEST

START_TEST(multi_output_sampled)
{
    /* wine: 13 features, 3 outputs, sampled at the default budget; each
     * output is efficient and close to exact. */
    xpl_model *m = load("data/models/wine_xgb.json");
    xpl_dataset *all = read_for(m, "data/wine.csv");
    xpl_dataset *bg = rows_of(all, 0, 8, NULL);
    xpl_kernel_shap *ks = make(m, bg, NULL);
    ck_assert_uint_eq(xpl_kernel_shap_n_outputs(ks), 3);
    double phi[39], se[39], want[39], pred[3], raw[3];
    const double *x = xpl_dataset_data(all) + 150 * 13;
    explain_checked(ks, NULL, x, 150, phi, se, pred, NULL);
    ck_assert(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_RAW, raw) == XPL_OK);
    for (int d = 0; d < 3; d++)
        ck_assert(close_rel(pred[d], raw[d], 1e-12));
    brute_force(m, bg, x, XPL_OUTPUT_RAW, 0, want);
    ck_assert_msg(max_abs_diff(phi, want, 39) < 0.05, "%g",
                  max_abs_diff(phi, want, 39));
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_dataset_free(all);
    xpl_model_free(m);
}
END_TEST

START_TEST(non_varying_features)
{
    xpl_model *m = load("data/models/diabetes_xgb.json");
    xpl_dataset *all = read_for(m, "data/diabetes.csv");
    size_t P = 10;
    /* background: 5 rows whose columns 0, 3, 7 are constant */
    double b[50], x[10], phi[10], se[10];
    memcpy(b, xpl_dataset_data(all), sizeof b);
    for (size_t i = 0; i < 5; i++) {
        b[i * P + 0] = 50;
        b[i * P + 3] = NAN;
        b[i * P + 7] = 4;
    }
    memcpy(x, xpl_dataset_data(all) + 300 * P, sizeof x);
    x[0] = 50;      /* equal: not a player */
    x[3] = NAN;     /* NaN equals NaN: not a player */
    x[7] = 5;       /* differs: a player */
    const char *const *names = xpl_model_feature_names(m);
    xpl_dataset *bg;
    ck_assert(xpl_dataset_new(&bg, 5, P, b, names, NULL) == XPL_OK);
    xpl_kernel_shap *ks = make(m, bg, NULL);
    explain_checked(ks, NULL, x, 0, phi, se, NULL, NULL);
    ck_assert(phi[0] == 0 && phi[3] == 0 && se[0] == 0 && se[3] == 0);
    ck_assert(phi[7] != 0);
    double want[10];
    brute_force(m, bg, x, XPL_OUTPUT_RAW, 0, want);
    ck_assert(max_abs_diff(phi, want, 10) < 1e-9);
    /* a row equal to the (single) background row: no players, zeros */
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    ck_assert(xpl_dataset_new(&bg, 1, P, x, names, NULL) == XPL_OK);
    ks = make(m, bg, NULL);
    size_t evals;
    explain_checked(ks, NULL, x, 0, phi, se, NULL, &evals);
    for (size_t j = 0; j < P; j++)
        ck_assert(phi[j] == 0);
    ck_assert_uint_eq(evals, 1);
    /* one player: it takes the whole difference */
    double x1[10];
    memcpy(x1, x, sizeof x1);
    x1[2] += 5;
    double pred;
    explain_checked(ks, NULL, x1, 0, phi, se, &pred, NULL);
    for (size_t j = 0; j < P; j++)
        ck_assert(j == 2 ? phi[j] == pred - xpl_kernel_shap_base_values(ks)[0]
                         : phi[j] == 0);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_dataset_free(all);
    xpl_model_free(m);
}
END_TEST

START_TEST(embedded_background_and_blocks)
{
    /* the model's embedded background (100 rows), and a background larger
     * than one block of model rows (2048): closed form for linear. */
    xpl_model *m = load("data/models/diabetes_linear.bin");
    ck_assert(xpl_model_background(m) != NULL);
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.nsamples = 50;
    xpl_kernel_shap *ks = make(m, NULL, &o);
    xpl_dataset *all = read_for(m, "data/diabetes.csv");
    double phi[10];
    explain_checked(ks, NULL, xpl_dataset_data(all), 0, phi, NULL, NULL, NULL);
    xpl_kernel_shap_free(ks);

    size_t N = 20000, P = 10;
    double *b = malloc(N * P * sizeof *b);
    for (size_t i = 0; i < N; i++)
        memcpy(b + i * P, xpl_dataset_data(all) + (i % 442) * P,
               P * sizeof *b);
    xpl_dataset *big;
    ck_assert(xpl_dataset_new(&big, N, P, b, xpl_model_feature_names(m),
                              NULL) == XPL_OK);
    o.nsamples = 6;
    o.sampler = XPL_KS_SAMPLER_LEVERAGE;
    ks = make(m, big, &o);
    const xpl__linear *lin = xpl__linear_params(m);
    double mean[10] = { 0 };
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < P; j++)
            mean[j] += b[i * P + j] / (double)N;
    const double *x = xpl_dataset_data(all) + 7 * P;
    size_t evals;
    explain_checked(ks, NULL, x, 0, phi, NULL, NULL, &evals);
    ck_assert_uint_eq(evals, 1 + 6 * N);
    /* 6 coalitions for 10 players: under-determined, the minimum-norm
     * solution; still efficient. With 2^10 - 2 it is exact: */
    xpl_kernel_shap_free(ks);
    o.nsamples = 0;
    ks = make(m, big, &o);
    explain_checked(ks, NULL, x, 0, phi, NULL, NULL, &evals);
    for (size_t j = 0; j < P; j++)
        ck_assert(close_rel(phi[j], lin->coef[j] * (x[j] - mean[j]), 1e-9));
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(big);
    free(b);
    xpl_dataset_free(all);
    xpl_model_free(m);
}
END_TEST

/* ------------------------------------------------------ L1 selection */

START_TEST(l1_matches_sklearn)
{
    /* shap's l1_reg with scikit-learn's lars_path / LassoLarsIC over all
     * 2^10 - 2 coalitions (tools/exact_shapley.py): same selection, same
     * values. */
    FILE *fp = fopen(src_path("tests/fixtures/kernel_shap/l1_sklearn.csv"), "r");
    ck_assert(fp != NULL);
    char line[4096];
    ck_assert(fgets(line, sizeof line, fp) != NULL); /* header */
    size_t n_lines = 0;
    while (fgets(line, sizeof line, fp)) {
        char model[64], l1[8];
        size_t k, row;
        double want[10];
        char *p = line;
        ck_assert(sscanf(p, "%63[^,],%7[^,],%zu,%zu", model, l1, &k, &row) == 4);
        for (int i = 0; i < 4; i++)
            p = strchr(p, ',') + 1;
        for (int j = 0; j < 10; j++) {
            want[j] = strtod(p, &p);
            p++;
        }
        char rel[128];
        snprintf(rel, sizeof rel, "data/models/%s.json", model);
        xpl_model *m = load(rel);
        xpl_dataset *all = read_for(m, "data/diabetes.csv");
        xpl_dataset *bg = rows_of(all, 20, 10, NULL);
        xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
        o.nsamples = 1022;
        o.l1_reg = strcmp(l1, "top") == 0   ? XPL_L1_TOP_K
                   : strcmp(l1, "aic") == 0 ? XPL_L1_AIC
                                            : XPL_L1_BIC;
        o.l1_top_k = k;
        xpl_kernel_shap *ks = make(m, bg, &o);
        double phi[10], se[10];
        explain_checked(ks, NULL, xpl_dataset_data(all) + row * 10, row, phi,
                        se, NULL, NULL);
        for (int j = 0; j < 10; j++) {
            ck_assert_msg(fabs(phi[j] - want[j]) <= 1e-9 * fmax(1, fabs(want[j])),
                          "%s %s %zu row %zu feature %d: %.17g, expected %.17g",
                          model, l1, k, row, j, phi[j], want[j]);
            ck_assert(want[j] != 0 || phi[j] == 0);
        }
        n_lines++;
        xpl_kernel_shap_free(ks);
        xpl_dataset_free(bg);
        xpl_dataset_free(all);
        xpl_model_free(m);
    }
    fclose(fp);
    ck_assert_uint_eq(n_lines, 16);
}
END_TEST

START_TEST(l1_sampled)
{
    struct fixture f = bc_fixture();
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    static const xpl_l1_reg regs[3] = { XPL_L1_TOP_K, XPL_L1_AIC, XPL_L1_BIC };
    for (int i = 0; i < 3; i++) {
        o.l1_reg = regs[i];
        o.l1_top_k = 5;
        o.nsamples = 400;
        xpl_kernel_shap *ks = make(f.m, f.bg, &o);
        for (size_t r = 0; r < 3; r++) {
            double phi[30], se[30];
            explain_checked(ks, NULL, xpl_dataset_data(f.rows) + r * 30, r,
                            phi, se, NULL, NULL);
            size_t nz = 0;
            for (size_t j = 0; j < 30; j++) {
                nz += phi[j] != 0;
                ck_assert(phi[j] != 0 || se[j] == 0);
            }
            ck_assert(nz >= 1);
            if (regs[i] == XPL_L1_TOP_K)
                ck_assert_uint_le(nz, 5);
        }
        xpl_kernel_shap_free(ks);
    }
    fixture_free(&f);
}
END_TEST

/* A wide linear model behind a user adapter: masks of several words. */
enum { WIDE = 150 };

static int wide_predict(const void *state, void *scratch, const double *x,
                        size_t n_rows, size_t n_cols, double *out)
{
    (void)state;
    (void)scratch;
    for (size_t i = 0; i < n_rows; i++) {
        double s = 0.5;
        for (size_t j = 0; j < n_cols; j++)
            s += ((double)(j % 7) - 3.0) * x[i * n_cols + j];
        out[i] = s;
    }
    return 0;
}

static const xpl_adapter wide_ops = { XPL_ADAPTER_VERSION, "wide", NULL,
                                      wide_predict, NULL };

START_TEST(wide_model)
{
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, WIDE, 1, NULL,
                            XPL_LINK_IDENTITY };
    xpl_model *m;
    ck_assert(xpl_model_wrap(&m, &wide_ops, NULL, &spec) == XPL_OK);
    double b[4 * WIDE], x[WIDE], mean[WIDE] = { 0 };
    for (size_t i = 0; i < 4 * WIDE; i++)
        b[i] = sin((double)i * 1.7) * 3;
    for (size_t j = 0; j < WIDE; j++) {
        x[j] = cos((double)j * 0.3) * 2;
        for (size_t i = 0; i < 4; i++)
            mean[j] += b[i * WIDE + j] / 4;
    }
    x[64] = b[64]; /* a column that varies in the background: still a player */
    for (size_t i = 0; i < 4; i++)
        b[i * WIDE + 100] = x[100]; /* constant and equal to x: not a player */
    mean[100] = x[100];
    xpl_dataset *bg;
    ck_assert(xpl_dataset_new(&bg, 4, WIDE, b, NULL, NULL) == XPL_OK);
    static const size_t budgets[2] = { 0, 700 };
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < 2; k++) {
            xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
            o.sampler = (xpl_ks_sampler)s;
            o.nsamples = budgets[k];
            xpl_kernel_shap *ks = make(m, bg, &o);
            double phi[WIDE], se[WIDE];
            size_t evals;
            explain_checked(ks, NULL, x, 5, phi, se, NULL, &evals);
            ck_assert_uint_eq(evals, 1 + 4 * (k ? 700 : 2 * 149 + 2048));
            /* the xplain sampler's fold regressions at budget 700 have
             * 175 pairs for 149 unknowns: badly conditioned, they amplify
             * rounding to a few 1e-9 for some seeds */
            double tol = s == XPL_KS_SAMPLER_XPLAIN && k ? 1e-7 : 1e-9;
            for (size_t j = 0; j < WIDE; j++)
                ck_assert_msg(close_rel(phi[j], ((double)(j % 7) - 3.0) *
                                                    (x[j] - mean[j]), tol),
                              "sampler %d budget %zu feature %zu: %g", s,
                              budgets[k], j, phi[j]);
            ck_assert(phi[100] == 0 && se[100] == 0);
            xpl_kernel_shap_free(ks);
        }
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.l1_reg = XPL_L1_TOP_K;
    o.l1_top_k = 10;
    xpl_kernel_shap *ks = make(m, bg, &o);
    double phi[WIDE];
    explain_checked(ks, NULL, x, 5, phi, NULL, NULL, NULL);
    size_t nz = 0;
    for (size_t j = 0; j < WIDE; j++)
        nz += phi[j] != 0;
    ck_assert_uint_le(nz, 10);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_model_free(m);
}
END_TEST

/* ----------------------------------------------------------- errors */

static int fail_predict(const void *state, void *scratch, const double *x,
                        size_t n_rows, size_t n_cols, double *out)
{
    (void)state;
    (void)scratch;
    (void)n_cols;
    for (size_t i = 0; i < n_rows; i++)
        out[i] = x[i * 2] + x[i * 2 + 1];
    return n_rows > 3 ? 7 : 0;
}

static const xpl_adapter fail_ops = { XPL_ADAPTER_VERSION, "failing", NULL,
                                      fail_predict, NULL };

static void expect_new_error(const xpl_model *m, const xpl_dataset *bg,
                             const xpl_kernel_shap_options *o, int code,
                             const char *text)
{
    xpl_kernel_shap *ks = (xpl_kernel_shap *)1;
    int rc = xpl_kernel_shap_new(&ks, m, bg, o);
    ck_assert_msg(rc == code, "expected %d, got %d (%s)", code, rc,
                  xpl_last_error());
    ck_assert(ks == NULL);
    ck_assert_msg(strstr(xpl_last_error(), text) != NULL,
                  "message \"%s\" lacks \"%s\"", xpl_last_error(), text);
}

START_TEST(bad_options)
{
    xpl_model *m = load("data/models/breast_cancer_logistic.json");
    xpl_dataset *all = read_for(m, "data/breast_cancer.csv");
    xpl_dataset *bg = rows_of(all, 0, 5, NULL);
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;

    o.version = 0;
    expect_new_error(m, bg, &o, XPL_EINVAL, "version 0");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.nsamples = 1;
    expect_new_error(m, bg, &o, XPL_EINVAL, "nsamples");
    o.nsamples = XPL_KERNEL_SHAP_MAX_SAMPLES + 1;
    expect_new_error(m, bg, &o, XPL_ELIMIT, "nsamples");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.sampler = (xpl_ks_sampler)7;
    expect_new_error(m, bg, &o, XPL_EINVAL, "unknown sampler 7");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.l1_reg = (xpl_l1_reg)9;
    expect_new_error(m, bg, &o, XPL_EINVAL, "l1_reg");
    o.l1_reg = XPL_L1_TOP_K;
    expect_new_error(m, bg, &o, XPL_EINVAL, "l1_top_k");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.tolerance = -1;
    expect_new_error(m, bg, &o, XPL_EINVAL, "tolerance");
    o.tolerance = NAN;
    expect_new_error(m, bg, &o, XPL_EINVAL, "tolerance");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.link = XPL_LINK_SOFTMAX;
    expect_new_error(m, bg, &o, XPL_EINVAL, "identity or logit");
    o.link = XPL_LINK_LOGIT; /* raw margins are not probabilities */
    expect_new_error(m, bg, &o, XPL_EINVAL, "logit link needs probabilities");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.model_output = (xpl_output)5;
    expect_new_error(m, bg, &o, XPL_EINVAL, "model output");

    /* no background given, none embedded */
    expect_new_error(m, NULL, NULL, XPL_EINVAL, "background");
    /* background columns are not the model's features */
    xpl_dataset *narrow;
    ck_assert(xpl_dataset_new(&narrow, 2, 3, NULL, NULL, NULL) == XPL_OK);
    expect_new_error(m, narrow, NULL, XPL_ESHAPE, "3 columns");
    const char *names[30];
    for (size_t j = 0; j < 30; j++)
        names[j] = xpl_model_feature_name(m, j);
    names[4] = "bogus";
    xpl_dataset *renamed;
    ck_assert(xpl_dataset_new(&renamed, 2, 30, NULL, names, NULL) == XPL_OK);
    expect_new_error(m, renamed, NULL, XPL_ESHAPE, "\"bogus\"");
    names[4] = xpl_model_feature_name(m, 4);
    double zeros[2] = { 0, 0 };
    xpl_dataset *weightless;
    ck_assert(xpl_dataset_new(&weightless, 2, 30, NULL, names, zeros) == XPL_OK);
    expect_new_error(m, weightless, NULL, XPL_EINVAL, "weights");
    xpl_dataset *empty;
    ck_assert(xpl_dataset_new(&empty, 0, 30, NULL, names, NULL) == XPL_OK);
    expect_new_error(m, empty, NULL, XPL_EINVAL, "no rows");

    /* probability output of a regression */
    xpl_model *reg = load("data/models/diabetes_linear.bin");
    o = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.model_output = XPL_OUTPUT_PROBABILITY;
    expect_new_error(reg, NULL, &o, XPL_EINVAL, "classifier");

    /* NULL arguments */
    ck_assert(xpl_kernel_shap_new(NULL, m, bg, NULL) == XPL_EINVAL);
    expect_new_error(NULL, bg, NULL, XPL_EINVAL, "model is NULL");
    xpl_kernel_shap *ks = make(m, bg, NULL);
    double phi[30];
    ck_assert(xpl_kernel_shap_explain(NULL, NULL, xpl_dataset_data(all), 0,
                                      phi, NULL, NULL, NULL) == XPL_EINVAL);
    ck_assert(xpl_kernel_shap_explain(ks, NULL, NULL, 0, phi, NULL, NULL,
                                      NULL) == XPL_EINVAL);
    ck_assert(xpl_kernel_shap_explain(ks, NULL, xpl_dataset_data(all), 0,
                                      NULL, NULL, NULL, NULL) == XPL_EINVAL);
    xpl_kernel_shap_free(ks);
    xpl_kernel_shap_free(NULL);
    ck_assert(xpl_kernel_shap_n_outputs(NULL) == 0);
    ck_assert(xpl_kernel_shap_base_values(NULL) == NULL);

    xpl_model_free(reg);
    xpl_dataset_free(empty);
    xpl_dataset_free(weightless);
    xpl_dataset_free(renamed);
    xpl_dataset_free(narrow);
    xpl_dataset_free(bg);
    xpl_dataset_free(all);
    xpl_model_free(m);
}
END_TEST

START_TEST(failing_model)
{
    /* a wrapped model whose callback fails on large batches: the
     * explainer reports XPL_EUSER and leaves the outputs untouched */
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, 2, 1, NULL,
                            XPL_LINK_IDENTITY };
    xpl_model *m;
    ck_assert(xpl_model_wrap(&m, &fail_ops, NULL, &spec) == XPL_OK);
    double b[6] = { 0, 0, 1, 1, 2, 2 };
    xpl_dataset *bg;
    ck_assert(xpl_dataset_new(&bg, 3, 2, b, NULL, NULL) == XPL_OK);
    xpl_kernel_shap *ks = NULL;
    ck_assert(xpl_kernel_shap_new(&ks, m, bg, NULL) == XPL_OK);
    double x[2] = { 5, 7 }, phi[2] = { 42, 42 };
    ck_assert(xpl_kernel_shap_explain(ks, NULL, x, 0, phi, NULL, NULL,
                                      NULL) == XPL_EUSER);
    ck_assert(strstr(xpl_last_error(), "failing") != NULL);
    ck_assert(phi[0] == 42 && phi[1] == 42);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    /* a background too large for a single call also fails at build */
    double b4[8] = { 0 };
    ck_assert(xpl_dataset_new(&bg, 4, 2, b4, NULL, NULL) == XPL_OK);
    expect_new_error(m, bg, NULL, XPL_EUSER, "failing");
    xpl_dataset_free(bg);
    xpl_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel_shap");
    TCase *t = tcase_create("exact");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, exact_linear);
    tcase_add_test(t, exact_xgboost);
    tcase_add_test(t, exact_sklearn_trees);
    tcase_add_test(t, exact_missing_values);
    tcase_add_test(t, exact_multi_output_logit);
    suite_add_tcase(s, t);
    t = tcase_create("sampled");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, linear_closed_form_all_samplers);
    tcase_add_test(t, sampled_accuracy);
    tcase_add_test(t, tolerance_stops_early);
    tcase_add_test(t, deterministic);
    tcase_add_test(t, logit_link_sampled);
    tcase_add_test(t, multi_output_sampled);
    tcase_add_test(t, non_varying_features);
    tcase_add_test(t, embedded_background_and_blocks);
    tcase_add_test(t, l1_matches_sklearn);
    tcase_add_test(t, l1_sampled);
    tcase_add_test(t, wide_model);
    suite_add_tcase(s, t);
    t = tcase_create("errors");
    tcase_add_test(t, bad_options);
    tcase_add_test(t, failing_model);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
