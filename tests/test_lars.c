/* The LARS/lasso path of src/core/lars.c, under both option sets its
 * callers use (Kernel SHAP's and LIME's), against independent oracles:
 * closed forms on tiny problems (an orthonormal design, where the lasso
 * path is soft thresholding; two correlated variables worked by hand),
 * and the lasso's optimality (KKT) conditions at every knot of random
 * problems: with lambda the largest |X'(y - X b)|, every non-zero b_j has
 * X_j'(y - X b) = lambda sign(b_j), every other |X_j'(y - X b)| <= lambda.
 * Those conditions characterise the lasso solution at lambda, so they
 * check the path without reusing any of its arithmetic. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "core/lars.h"

/* Kernel SHAP's options (kernel_shap/fit.c) and LIME's (lime/lime_fit.c). */
static xpl__lars_opts ks_opts(int lasso)
{
    xpl__lars_opts o = { .lasso = lasso,
                         .ties = XPL__LARS_TIES_RELATIVE,
                         .corr = XPL__LARS_CORR_INCREMENTAL,
                         .step = XPL__LARS_STEP_RELATIVE,
                         .singular = XPL__LARS_SINGULAR_STOP,
                         .pivot_tol = 1e-14,
                         .max_steps = 500 };
    return o;
}

static xpl__lars_opts lime_opts(void)
{
    xpl__lars_opts o = { .lasso = 1,
                         .ties = XPL__LARS_TIES_EXACT,
                         .corr = XPL__LARS_CORR_RECOMPUTED,
                         .step = XPL__LARS_STEP_FLOAT_TINY,
                         .singular = XPL__LARS_SINGULAR_PSEUDO_INVERSE,
                         .pivot_tol = 0,
                         .max_steps = 500 };
    return o;
}

/* One path: its knots, coefficients per knot, non-zeros per knot. */
typedef struct run {
    size_t knots;
    double *path;
    uint32_t nnz[512];
    xpl__lars_work w;
    void *mem;
} run;

static void run_path(run *r, const xpl__lars_gram *p, const xpl__lars_opts *o)
{
    size_t m = p->m;
    r->mem = aligned_alloc(64, xpl__lars_bytes(m));
    r->path = malloc((o->max_steps + 1) * m * sizeof *r->path);
    ck_assert_ptr_nonnull(r->mem);
    ck_assert_ptr_nonnull(r->path);
    xpl__lars_work_init(&r->w, r->mem, m);
    r->knots = xpl__lars_path(p, o, &r->w, r->path, r->nnz);
}

static void run_free(run *r)
{
    free(r->mem);
    free(r->path);
}

/* G = I: the correlations never interact, the lasso path is soft
 * thresholding: knot k has the k largest |X'y| active, each at
 * sign(X'y_j) (|X'y_j| - lambda_k), lambda_k the (k+1)-th largest (0 at
 * the end). Checked for both option sets and plain LAR (same path here:
 * no coefficient ever crosses zero). */
START_TEST(orthonormal_design_is_soft_thresholding)
{
    enum { M = 4 };
    const double G[M * M] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    const double Xy[M] = { 0.5, -3, 2, -1 }; /* entry order: 1, 2, 3, 0 */
    const double lambda[M + 1] = { 3, 2, 1, 0.5, 0 };
    const size_t order[M] = { 1, 2, 3, 0 };
    xpl__lars_gram p = { M, G, M, Xy, 1 };
    xpl__lars_opts opts[3] = { ks_opts(1), ks_opts(0), lime_opts() };
    for (int v = 0; v < 3; v++) {
        run r;
        run_path(&r, &p, &opts[v]);
        ck_assert_uint_eq(r.knots, M + 1);
        for (size_t k = 0; k <= M; k++) {
            ck_assert_uint_eq(r.nnz[k], k);
            for (size_t j = 0; j < M; j++) {
                int on = 0;
                for (size_t q = 0; q < k; q++)
                    on |= order[q] == j;
                double want =
                    on ? copysign(fabs(Xy[j]) - lambda[k], Xy[j]) : 0.0;
                ck_assert_double_eq_tol(r.path[k * M + j], want, 1e-14);
            }
        }
        run_free(&r);
    }
}
END_TEST

/* Two variables with correlation 1/2, X'y = (3, 2), worked by hand: x1
 * enters; along it the correlations are (3 - g, 2 - g / 2), equal at
 * g = 2, the knot (2, 0) at lambda 1; then both move to the least-squares
 * solution G^-1 X'y = (8/3, 2/3). */
START_TEST(two_correlated_variables_by_hand)
{
    const double G[4] = { 1, 0.5, 0.5, 1 }, Xy[2] = { 3, 2 };
    xpl__lars_gram p = { 2, G, 2, Xy, 1 };
    xpl__lars_opts opts[3] = { ks_opts(1), ks_opts(0), lime_opts() };
    const double want[3][2] = { { 0, 0 }, { 2, 0 }, { 8.0 / 3, 2.0 / 3 } };
    for (int v = 0; v < 3; v++) {
        run r;
        run_path(&r, &p, &opts[v]);
        ck_assert_uint_eq(r.knots, 3);
        for (size_t k = 0; k < 3; k++)
            for (size_t j = 0; j < 2; j++)
                ck_assert_double_eq_tol(r.path[k * 2 + j], want[k][j],
                                        1e-14);
        ck_assert(r.w.active[0] && r.w.active[1]);
        run_free(&r);
    }
}
END_TEST

/* The tie rules: with X'y = (1, 1 + 1e-14, 0.5) on an orthonormal design,
 * the relative rule (Kernel SHAP) counts the first two as tied and lets
 * the first enter; the exact rule (LIME, numpy's argmax) takes the
 * larger. With exactly equal correlations both take the first. */
START_TEST(tie_rules)
{
    const double G[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    double Xy[3] = { 1, 1 + 1e-14, 0.5 };
    xpl__lars_gram p = { 3, G, 3, Xy, 1 };
    xpl__lars_opts ks = ks_opts(1), lime = lime_opts();
    ks.stop_at = lime.stop_at = 1;
    run a, b;
    run_path(&a, &p, &ks);
    run_path(&b, &p, &lime);
    ck_assert(a.w.active[0] && !a.w.active[1]);
    ck_assert(!b.w.active[0] && b.w.active[1]);
    run_free(&a);
    run_free(&b);
    Xy[1] = 1;
    run_path(&a, &p, &ks);
    run_path(&b, &p, &lime);
    ck_assert(a.w.active[0] && !a.w.active[1]);
    ck_assert(b.w.active[0] && !b.w.active[1]);
    run_free(&a);
    run_free(&b);
}
END_TEST

/* The limits: max_add stops before the (k+1)-th entry, stop_at at a knot
 * (leaving its coefficients in w.beta), max_steps bounds the knots. */
START_TEST(limits)
{
    const double G[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
    const double Xy[3] = { 3, 2, 1 };
    xpl__lars_gram p = { 3, G, 3, Xy, 1 };
    xpl__lars_opts o = ks_opts(0);
    o.max_add = 2;
    run r;
    run_path(&r, &p, &o);
    ck_assert_uint_eq(r.knots, 3);
    ck_assert(r.w.active[0] && r.w.active[1] && !r.w.active[2]);
    run_free(&r);
    o = lime_opts();
    o.stop_at = 2;
    run_path(&r, &p, &o);
    ck_assert_uint_eq(r.knots, 3);
    ck_assert_double_eq_tol(r.w.beta[0], 2, 1e-15); /* 3 - lambda 1 */
    ck_assert_double_eq_tol(r.w.beta[1], 1, 1e-15);
    ck_assert_double_eq(r.w.beta[2], 0);
    run_free(&r);
    o.stop_at = 0;
    o.max_steps = 1;
    run_path(&r, &p, &o);
    ck_assert_uint_eq(r.knots, 2);
    run_free(&r);
    /* X'y = 0: nothing to follow, one knot under either rule */
    const double zero[3] = { 0, 0, 0 };
    p.Xy = zero;
    xpl__lars_opts both[2] = { ks_opts(1), lime_opts() };
    for (int v = 0; v < 2; v++) {
        run_path(&r, &p, &both[v]);
        ck_assert_uint_eq(r.knots, 1);
        run_free(&r);
    }
}
END_TEST

/* A deterministic pseudo-random problem (splitmix64 uniforms): n rows of
 * m columns, each column rho times a shared factor plus noise (correlated
 * columns make lasso drops), centred; y a random combination plus
 * noise. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(next(s) >> 11) / 9007199254740992.0 - 0.5;
}

static void random_problem(uint64_t seed, size_t n, size_t m, double rho,
                           double *G, double *Xy)
{
    double *X = calloc(n * m, sizeof *X), *y = calloc(n, sizeof *y);
    double coef[64];
    for (size_t j = 0; j < m; j++)
        coef[j] = 2 * uniform(&seed);
    ck_assert_ptr_nonnull(X);
    ck_assert_ptr_nonnull(y);
    for (size_t i = 0; i < n; i++) {
        double f = uniform(&seed);
        for (size_t j = 0; j < m; j++)
            X[i * m + j] = rho * f + uniform(&seed);
        for (size_t j = 0; j < m; j++)
            y[i] += coef[j] * X[i * m + j];
        y[i] += 0.3 * uniform(&seed);
    }
    for (size_t j = 0; j < m; j++) {
        double mean = 0;
        for (size_t i = 0; i < n; i++)
            mean += X[i * m + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            X[i * m + j] -= mean;
    }
    for (size_t j = 0; j < m; j++) {
        for (size_t k = 0; k < m; k++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += X[i * m + j] * X[i * m + k];
            G[j * m + k] = s;
        }
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += X[i * m + j] * y[i];
        Xy[j] = s;
    }
    free(X);
    free(y);
}

/* The KKT conditions at every knot (tolerance 1e-9 of max |X'y|); lambda
 * never increases along the path. For plain LAR (lasso 0) only the
 * equal-correlation part holds (a coefficient may have the wrong sign).
 * Returns whether some knot had fewer non-zeros than the one before (a
 * lasso drop). */
static int check_kkt(const xpl__lars_gram *p, const run *r, int lasso)
{
    size_t m = p->m;
    double scale = 0, prev = INFINITY;
    for (size_t j = 0; j < m; j++)
        scale = fmax(scale, fabs(p->Xy[j]));
    double tol = 1e-9 * scale;
    int dropped = 0;
    for (size_t k = 0; k < r->knots; k++) {
        const double *b = r->path + k * m;
        double c[64], lambda = 0;
        for (size_t j = 0; j < m; j++) {
            c[j] = p->Xy[j];
            for (size_t q = 0; q < m; q++)
                c[j] -= p->G[j * p->ld + q] * b[q];
            lambda = fmax(lambda, fabs(c[j]));
        }
        ck_assert(lambda <= prev + tol);
        prev = lambda;
        for (size_t j = 0; j < m; j++) {
            ck_assert(fabs(c[j]) <= lambda + tol);
            if (b[j] == 0)
                continue;
            if (lasso)
                ck_assert_double_eq_tol(c[j], copysign(lambda, b[j]), tol);
            else
                ck_assert_double_eq_tol(fabs(c[j]), lambda, tol);
        }
        if (k > 0 && r->nnz[k] < r->nnz[k - 1])
            dropped = 1;
    }
    return dropped;
}

/* The largest |X'(y - X beta)| of the last knot. */
static double final_corr(const xpl__lars_gram *p, const run *r)
{
    double c_max = 0;
    for (size_t j = 0; j < p->m; j++) {
        double c = p->Xy[j * p->xy_stride];
        for (size_t q = 0; q < p->m; q++)
            c -= p->G[j * p->ld + q] * r->w.beta[q];
        c_max = fmax(c_max, fabs(c));
    }
    return c_max;
}

START_TEST(kkt_at_every_knot_of_random_problems)
{
    enum { N = 20, M = 12 };
    static double G[M * M], Xy[M];
    int drops[2] = { 0, 0 };
    for (uint64_t seed = 1; seed <= 60; seed++) {
        double rho = (double)(seed % 4) * 3; /* 0 .. 9: correlated */
        random_problem(seed, N, M, rho, G, Xy);
        xpl__lars_gram p = { M, G, M, Xy, 1 };
        xpl__lars_opts opts[3] = { ks_opts(1), lime_opts(), ks_opts(0) };
        for (int v = 0; v < 3; v++) {
            run r;
            run_path(&r, &p, &opts[v]);
            /* full rank: the path ends at least squares, lambda ~ 0 */
            ck_assert_uint_ge(r.knots, M + 1);
            int d = check_kkt(&p, &r, opts[v].lasso);
            if (v < 2)
                drops[v] |= d;
            else
                ck_assert_int_eq(d, 0); /* LAR never drops */
            double scale = 0;
            for (size_t j = 0; j < M; j++)
                scale = fmax(scale, fabs(Xy[j]));
            ck_assert_double_le(final_corr(&p, &r), 1e-9 * scale);
            run_free(&r);
        }
    }
    /* the problems exercise the lasso drop under both option sets */
    ck_assert(drops[0] && drops[1]);
}
END_TEST

/* The Gram given with a leading dimension and X'y as a strided column
 * (LIME's layout: X'y is column m of an (m+1)-wide matrix) gives the
 * same path as the packed layout. */
START_TEST(strided_layout)
{
    enum { N = 30, M = 6 };
    double G[M * M], Xy[M], W[(M + 1) * (M + 1)];
    random_problem(7, N, M, 1.5, G, Xy);
    for (size_t j = 0; j < M; j++) {
        memcpy(W + j * (M + 1), G + j * M, M * sizeof *G);
        W[j * (M + 1) + M] = Xy[j];
    }
    xpl__lars_gram packed = { M, G, M, Xy, 1 };
    xpl__lars_gram strided = { M, W, M + 1, W + M, M + 1 };
    xpl__lars_opts o = lime_opts();
    run a, b;
    run_path(&a, &packed, &o);
    run_path(&b, &strided, &o);
    ck_assert_uint_eq(a.knots, b.knots);
    ck_assert_mem_eq(a.path, b.path, a.knots * M * sizeof *a.path);
    run_free(&a);
    run_free(&b);
}
END_TEST

/* A duplicated column. Kernel SHAP's rules never let the copy in (its
 * step ratios are round-off, below the relative guard): the path ends at
 * the least-squares fit of the distinct columns. With exact ties the
 * copy enters and makes the active set singular: the STOP rule ends the
 * path at the knot before (the copy left in w.active, at zero), LIME's
 * pseudo-inverse goes on to a least-squares fit. Every knot of every
 * variant is a lasso solution. */
START_TEST(singular_active_set)
{
    enum { N = 30, M = 5 };
    double G0[M * M], Xy0[M], G[(M + 1) * (M + 1)], Xy[M + 1];
    random_problem(11, N, M, 0.5, G0, Xy0);
    /* variable 5 is a copy of variable 0 */
    for (size_t j = 0; j <= M; j++) {
        size_t sj = j == M ? 0 : j;
        for (size_t k = 0; k <= M; k++)
            G[j * (M + 1) + k] = G0[sj * M + (k == M ? 0 : k)];
        Xy[j] = Xy0[sj];
    }
    xpl__lars_gram p = { M + 1, G, M + 1, Xy, 1 };
    xpl__lars_opts ks = ks_opts(1), stop = ks_opts(1), lime = lime_opts();
    stop.ties = XPL__LARS_TIES_EXACT;
    run a, b, c;
    run_path(&a, &p, &ks);
    run_path(&b, &p, &stop);
    run_path(&c, &p, &lime);
    check_kkt(&p, &a, 1);
    check_kkt(&p, &b, 1);
    check_kkt(&p, &c, 1);
    double tol = 1e-9 * fabs(Xy[0]);
    ck_assert(!a.w.active[M]);
    ck_assert_uint_eq(a.knots, M + 1);
    ck_assert_double_le(final_corr(&p, &a), tol);
    ck_assert(b.w.active[0] && b.w.active[M]);
    ck_assert_double_eq(b.path[(b.knots - 1) * (M + 1) + M], 0);
    ck_assert_double_gt(final_corr(&p, &b), 1e-3);
    ck_assert_uint_gt(c.knots, b.knots);
    ck_assert_double_le(final_corr(&p, &c), tol);
    run_free(&a);
    run_free(&b);
    run_free(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lars");
    TCase *tc = tcase_create("lars");
    tcase_add_test(tc, orthonormal_design_is_soft_thresholding);
    tcase_add_test(tc, two_correlated_variables_by_hand);
    tcase_add_test(tc, tie_rules);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, kkt_at_every_knot_of_random_problems);
    tcase_add_test(tc, strided_layout);
    tcase_add_test(tc, singular_active_set);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
