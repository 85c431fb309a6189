/* Core: versions, error codes and messages, workspaces, dense linear
 * algebra (against closed forms). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check_helpers.h"
#include "core/error.h"
#include "core/linalg.h"
#include "core/workspace.h"
#include <xplain/xplain.h>

START_TEST(version_matches_header)
{
    ck_assert_str_eq(xpl_version(), XPL_VERSION_STRING);
}
END_TEST

START_TEST(strerror_covers_every_code)
{
    for (int code = XPL_OK; code >= XPL_EUSER; code--) {
        const char *s = xpl_strerror(code);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "unknown error");
    }
    ck_assert_str_eq(xpl_strerror(-999), "unknown error");
    ck_assert_str_eq(xpl_strerror(42), "unknown error");
}
END_TEST

START_TEST(error_message_is_recorded)
{
    int rc = xpl__error(XPL_EFORMAT, "rows.csv:%d:%d: bad", 14, 3);
    ck_assert_int_eq(rc, XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(), "rows.csv:14:3: bad");
    ck_assert_int_eq(xpl__enomem(), XPL_ENOMEM);
    ck_assert_str_eq(xpl_last_error(), "out of memory");
}
END_TEST

START_TEST(long_error_message_is_truncated_safely)
{
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    xpl__error(XPL_EINVAL, "%s", big);
    size_t n = strlen(xpl_last_error());
    ck_assert_uint_gt(n, 100);
    ck_assert_uint_lt(n, sizeof big);
}
END_TEST

static void *set_other_error(void *arg)
{
    (void)arg;
    xpl__error(XPL_EIO, "message of another thread");
    return NULL;
}

START_TEST(error_message_is_thread_local)
{
    xpl__error(XPL_EINVAL, "mine");
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, set_other_error, NULL), 0);
    pthread_join(t, NULL);
    ck_assert_str_eq(xpl_last_error(), "mine");
}
END_TEST

START_TEST(checked_multiplication)
{
    size_t out = 7;
    ck_assert(xpl__mul_ok(3, 5, &out));
    ck_assert_uint_eq(out, 15);
    ck_assert(!xpl__mul_ok(SIZE_MAX / 2, 3, &out));
    ck_assert_ptr_null(xpl__malloc_array(SIZE_MAX / 2, 3));
    ck_assert_ptr_null(xpl__calloc_array(SIZE_MAX / 8, 16));
    void *p = xpl__malloc_array(0, 8);
    ck_assert_ptr_nonnull(p);
    xpl_free(p);
}
END_TEST

START_TEST(workspace_grows_and_stays_aligned)
{
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    char *a = xpl__workspace_scratch(ws, 10);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq((uintptr_t)a % 64, 0);
    memset(a, 1, 10);
    ck_assert_ptr_eq(xpl__workspace_scratch(ws, 100), a);
    char *b = xpl__workspace_scratch(ws, 1 << 20);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq((uintptr_t)b % 64, 0);
    memset(b, 2, 1 << 20);
    ck_assert_ptr_null(xpl__workspace_scratch(ws, SIZE_MAX - 8));
    ck_assert_str_eq(xpl_last_error(), "out of memory");
    xpl_workspace_free(ws);
    xpl_workspace_free(NULL);
    ck_assert_int_eq(xpl_workspace_new(NULL), XPL_EINVAL);
}
END_TEST

START_TEST(scratch_for_call_makes_a_workspace_only_without_one)
{
    xpl_workspace *ws = NULL, *own = NULL;
    void *p = NULL;
    ck_assert_int_eq(xpl__workspace_scratch_for_call(&ws, &own, 64, &p),
                     XPL_OK);
    ck_assert_ptr_nonnull(own);
    ck_assert_ptr_eq(ws, own);
    ck_assert_ptr_nonnull(p);
    xpl_workspace_free(own);
    xpl_workspace *mine;
    ck_assert_int_eq(xpl_workspace_new(&mine), XPL_OK);
    ws = mine;
    ck_assert_int_eq(xpl__workspace_scratch_for_call(&ws, &own, 64, &p),
                     XPL_OK);
    ck_assert_ptr_null(own);
    ck_assert_ptr_eq(ws, mine);
    ck_assert_ptr_eq(p, xpl__workspace_scratch(mine, 64));
    ck_assert_int_eq(xpl__workspace_scratch_for_call(&ws, &own, SIZE_MAX - 8,
                                                     &p), XPL_ENOMEM);
    ck_assert_ptr_null(own);
    xpl_workspace_free(mine);
}
END_TEST

/* Cholesky of a 3 x 3 block (leading dimension 4) against its factor
 * worked by hand, and the solve against a chosen x. */
START_TEST(cholesky_closed_form)
{
    double A[12] = { 4, 2, 0, -7,
                     2, 5, 3, -7,
                     0, 3, 10, -7 };
    double dmin, dmax;
    ck_assert_int_eq(xpl__cholesky(A, 3, 4, &dmin, &dmax), 0);
    const double L[3][3] = { { 2, 0, 0 }, { 1, 2, 0 }, { 0, 1.5, 0 } };
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < i; j++)
            ck_assert_double_eq_tol(A[i * 4 + j], L[i][j], 1e-15);
    ck_assert_double_eq_tol(A[0], 2, 1e-15);
    ck_assert_double_eq_tol(A[5], 2, 1e-15);
    ck_assert_double_eq_tol(A[10], sqrt(7.75), 1e-15);
    ck_assert_double_eq(A[1], 2); /* upper triangle untouched */
    ck_assert_double_eq(A[3], -7);
    ck_assert_double_eq(dmin, 4);
    ck_assert_double_eq(dmax, 7.75);
    double b[3] = { 2, 3, 17 }; /* A (1, -1, 2) */
    xpl__cholesky_solve(A, 3, 4, b);
    ck_assert_double_eq_tol(b[0], 1, 1e-14);
    ck_assert_double_eq_tol(b[1], -1, 1e-14);
    ck_assert_double_eq_tol(b[2], 2, 1e-14);

    double indefinite[4] = { 1, 2, 2, 1 };
    ck_assert_int_eq(xpl__cholesky(indefinite, 2, 2, NULL, NULL), -1);
}
END_TEST

START_TEST(spd_solve_and_its_pivot_test)
{
    const double G[4] = { 2, 1, 1, 2 };
    double rhs[2] = { 3, 3 }, x[2], work[4];
    ck_assert_int_eq(xpl__spd_solve(G, 2, 2, rhs, x, work, 1e-14), 0);
    ck_assert_double_eq_tol(x[0], 1, 1e-15);
    ck_assert_double_eq_tol(x[1], 1, 1e-15);
    ck_assert_double_eq(G[1], 1); /* G itself is not modified */
    /* positive definite in exact arithmetic, but the second pivot is
     * 1e-15 of the first: refused */
    const double near[4] = { 1, 1, 1, 1 + 1e-15 };
    ck_assert_int_eq(xpl__spd_solve(near, 2, 2, rhs, x, work, 1e-14), -1);
}
END_TEST

/* Pseudo-inverses: of a singular matrix ([1 1; 1 1]+ = [1 1; 1 1] / 4)
 * and of an invertible one (the inverse). */
START_TEST(symmetric_pseudo_inverse_closed_form)
{
    const double S[4] = { 1, 1, 1, 1 };
    double out[6];
    ck_assert_int_eq(xpl__sym_pinv(2, S, 2, 1e-12, out, 3), XPL_OK);
    ck_assert_double_eq_tol(out[0], 0.25, 1e-15);
    ck_assert_double_eq_tol(out[1], 0.25, 1e-15);
    ck_assert_double_eq_tol(out[3], 0.25, 1e-15);
    ck_assert_double_eq_tol(out[4], 0.25, 1e-15);
    double b[2] = { 1, 3 };
    ck_assert_int_eq(xpl__sym_pinv_solve(2, S, 1e-12, b), XPL_OK);
    ck_assert_double_eq_tol(b[0], 1, 1e-15);
    ck_assert_double_eq_tol(b[1], 1, 1e-15);

    double G[4] = { 2, 1, 1, 2 };
    ck_assert_int_eq(xpl__sym_pinv(2, G, 2, 1e-12, G, 2), XPL_OK); /* in place */
    ck_assert_double_eq_tol(G[0], 2.0 / 3, 1e-15);
    ck_assert_double_eq_tol(G[1], -1.0 / 3, 1e-15);
    ck_assert_double_eq_tol(G[2], -1.0 / 3, 1e-15);
    ck_assert_double_eq_tol(G[3], 2.0 / 3, 1e-15);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, version_matches_header);
    tcase_add_test(tc, strerror_covers_every_code);
    tcase_add_test(tc, error_message_is_recorded);
    tcase_add_test(tc, long_error_message_is_truncated_safely);
    tcase_add_test(tc, error_message_is_thread_local);
    tcase_add_test(tc, checked_multiplication);
    tcase_add_test(tc, workspace_grows_and_stays_aligned);
    tcase_add_test(tc, scratch_for_call_makes_a_workspace_only_without_one);
    tcase_add_test(tc, cholesky_closed_form);
    tcase_add_test(tc, spd_solve_and_its_pivot_test);
    tcase_add_test(tc, symmetric_pseudo_inverse_closed_form);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
