/* The library never depends on GSL's error handler being turned off.
 *
 * GSL reports errors (a failed allocation, an argument out of range)
 * through a process-wide handler that aborts by default. This program
 * leaves the default in place or installs one that records calls, then
 * drives every library path that reaches GSL: the pseudo-inverses of
 * Kernel SHAP and LIME (eigen-decomposition), the background sampler and
 * k-means (random numbers), end-to-end explanations. Where the build
 * allows, it also fails each allocation in turn (malloc is interposed):
 * every failure must come back as XPL_ENOMEM, never reach the handler. */
#define _GNU_SOURCE 1

#include "check_helpers.h"
#include "explainers/lime/lime_internal.h"
#include "explainers/kernel_shap/fit.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xplain/lime.h>

static int handler_calls;
static char handler_reason[256];

static void record_handler(const char *reason, const char *file, int line,
                           int gsl_errno)
{
    (void)file;
    (void)line;
    (void)gsl_errno;
    handler_calls++;
    snprintf(handler_reason, sizeof handler_reason, "%s", reason);
}

/* ------------------------------------------------ allocation failures */

/* Sanitizers and valgrind bring their own malloc: interposing it there
 * would fight theirs, so the failure injection is left out of those
 * builds (the paths still run, without failures). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_INJECTION 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define NO_INJECTION 1
#endif
#endif

#ifndef NO_INJECTION
/* 0: no failure armed; n > 0: the n-th allocation from now fails. */
static long fail_countdown;
static int injected;

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static int should_fail(void)
{
    if (fail_countdown > 0 && --fail_countdown == 0) {
        injected = 1;
        return 1;
    }
    return 0;
}

/* Every malloc of the process, GSL's included (glibc resolves the shared
 * library's calls to these). */
void *malloc(size_t n)
{
    return should_fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __libc_realloc(p, n);
}
#endif

/* A path under test: returns an XPL_* code. It must not call Check's
 * assertions, which allocate (and exit when that fails). */
typedef int (*call_fn)(void);

/* Run `fn` once without failures (must succeed), then, where injection is
 * built, with its 1st, 2nd, ... allocation failing until a run completes
 * with no failure injected: every run returns XPL_OK or XPL_ENOMEM and
 * none reaches GSL's handler. */
static void each_allocation_fails(const char *what, call_fn fn)
{
    handler_calls = 0;
    int rc = fn();
    ck_assert_msg(rc == XPL_OK, "%s: %s", what, xpl_last_error());
    ck_assert_msg(handler_calls == 0, "%s: GSL handler called: %s", what,
                  handler_reason);
#ifndef NO_INJECTION
    for (long n = 1; n < 100000; n++) {
        injected = 0;
        fail_countdown = n;
        rc = fn();
        fail_countdown = 0;
        ck_assert_msg(handler_calls == 0,
                      "%s, allocation %ld failing: GSL handler called: %s",
                      what, n, handler_reason);
        ck_assert_msg(rc == XPL_OK || (injected && rc == XPL_ENOMEM),
                      "%s, allocation %ld failing: rc %d (%s)", what, n, rc,
                      xpl_last_error());
        if (!injected)
            return;
    }
    ck_abort_msg("%s: never completed", what);
#endif
}

/* --------------------------------------------------------- the paths */

/* Kernel SHAP's regression on too few coalitions: U'AU is singular and
 * the pseudo-inverse (eigen-decomposition) takes over. */
static int ks_pseudo_inverse(void)
{
    enum { M = 4 };
    void *mem = malloc(xpl__ks_fit_bytes(M));
    if (!mem)
        return XPL_ENOMEM; /* an injected failure */
    xpl__ks_fit f;
    xpl__ks_fit_init(&f, mem, M);
    const uint64_t masks[] = { 0x1, 0x3 };
    const double w[] = { 1.0, 1.0 };
    int rc = xpl__ks_fit_factor(&f, masks, 1, w, 2, NULL);
    if (rc == XPL_OK && !f.pseudo)
        rc = -1000; /* the fit was expected to be singular */
    free(mem);
    return rc;
}

/* LIME's ridge without penalty on a constant column next to an informative
 * one: singular, solved by the pseudo-inverse. */
static int lime_pseudo_solve(void)
{
    enum { N = 40, M = 2 };
    void *gm = malloc(xpl__lime_gram_bytes(M));
    void *fm = malloc(xpl__lime_fit_bytes(M));
    int rc = XPL_ENOMEM; /* an injected failure */
    if (gm && fm) {
        xpl__lime_gram g;
        xpl__lime_gram_init(&g, gm, M);
        for (size_t i = 0; i < N; i++) {
            uint32_t idx[M] = { 0, 1 };
            double val[M] = { 1.0, (double)(i % 2) };
            xpl__lime_gram_add(&g, idx, val, M, 2.0 * val[1] + 0.1,
                               1.0 / (1.0 + (double)i));
        }
        xpl__lime_gram_center(&g);
        const uint32_t cols[M] = { 0, 1 };
        double coef[M], icpt, r2;
        rc = xpl__lime_ridge(&g, cols, M, 0.0, fm, coef, &icpt, &r2);
        if (rc == XPL_OK && !(fabs(coef[1] - 2.0) < 1e-9))
            rc = -1000; /* not the pseudo-inverse's answer */
    }
    free(fm);
    free(gm);
    return rc;
}

static xpl_dataset *grid_dataset(void)
{
    enum { N = 60, D = 3 };
    double x[N * D];
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            x[i * D + j] = (double)((i * (j + 7)) % 11) + 0.5 * (double)j;
    const char *names[D] = { "a", "b", "c" };
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_new(&ds, N, D, x, names, NULL), XPL_OK);
    return ds;
}

static xpl_dataset *grid;

static int background_sample(void)
{
    xpl_dataset *out = NULL;
    int rc = xpl_dataset_sample(&out, grid, 10, 7);
    xpl_dataset_free(out);
    return rc;
}

static int background_kmeans(void)
{
    xpl_dataset *out = NULL;
    int rc = xpl_dataset_kmeans(&out, grid, 4, 7);
    xpl_dataset_free(out);
    return rc;
}

/* ------------------------------------------------------------- tests */

START_TEST(paths_with_gsl_default_handler)
{
    /* GSL's own handler aborts: reaching it fails this (forked) test. */
    gsl_set_error_handler(NULL);
    grid = grid_dataset();
    ck_assert_int_eq(ks_pseudo_inverse(), XPL_OK);
    ck_assert_int_eq(lime_pseudo_solve(), XPL_OK);
    ck_assert_int_eq(background_sample(), XPL_OK);
    ck_assert_int_eq(background_kmeans(), XPL_OK);
    xpl_dataset_free(grid);
}
END_TEST

START_TEST(allocation_failures_never_reach_gsl)
{
    gsl_set_error_handler(record_handler);
    grid = grid_dataset();
    each_allocation_fails("Kernel SHAP pseudo-inverse", ks_pseudo_inverse);
    each_allocation_fails("LIME pseudo-inverse", lime_pseudo_solve);
    each_allocation_fails("xpl_dataset_sample", background_sample);
    each_allocation_fails("xpl_dataset_kmeans", background_kmeans);
    xpl_dataset_free(grid);
}
END_TEST

/* The shipped examples' explainers, end to end, with the recording
 * handler: Kernel SHAP (exact and sampled) and LIME. */
START_TEST(explainers_never_reach_gsl)
{
    gsl_set_error_handler(record_handler);
    handler_calls = 0;
    xpl_model *m = load_model("data/models/wine_logistic.bin");
    const xpl_dataset *bg = xpl_model_background(m);
    ck_assert_ptr_nonnull(bg);
    size_t P = xpl_model_n_features(m);
    const double *x = xpl_dataset_data(bg);
    xpl_workspace *ws = NULL;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);

    double *phi = calloc(3 * P, sizeof *phi), *se = calloc(3 * P, sizeof *se);
    double pred[3];
    size_t evals;
    for (int sampled = 0; sampled < 2; sampled++) {
        xpl_kernel_shap_options ko = XPL_KERNEL_SHAP_OPTIONS_INIT;
        ko.model_output = XPL_OUTPUT_PROBABILITY;
        if (sampled)
            ko.nsamples = 8; /* too few coalitions: a singular fit */
        xpl_kernel_shap *ks = NULL;
        ck_assert_int_eq(xpl_kernel_shap_new(&ks, m, bg, &ko), XPL_OK);
        ck_assert_uint_le(xpl_kernel_shap_n_outputs(ks), 3);
        ck_assert_int_eq(xpl_kernel_shap_explain(ks, ws, x, 0, phi, se, pred,
                                                 &evals), XPL_OK);
        xpl_kernel_shap_free(ks);
    }

    xpl_lime_options lo = XPL_LIME_OPTIONS_INIT;
    lo.num_samples = 200;
    xpl_lime *lime = NULL;
    ck_assert_int_eq(xpl_lime_new(&lime, m, bg, &lo), XPL_OK);
    ck_assert_int_eq(xpl_lime_explain(lime, ws, x, 0, phi, NULL, NULL, NULL,
                                      NULL), XPL_OK);
    xpl_lime_free(lime);
    free(phi);
    free(se);
    xpl_workspace_free(ws);
    xpl_model_free(m);
    ck_assert_msg(handler_calls == 0, "GSL handler called: %s",
                  handler_reason);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("gsl_handler");
    TCase *t = tcase_create("gsl_handler");
    tcase_add_test(t, paths_with_gsl_default_handler);
    tcase_add_test(t, allocation_failures_never_reach_gsl);
    tcase_add_test(t, explainers_never_reach_gsl);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
