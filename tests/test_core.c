/* Core: versions, error codes and messages, workspaces. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check_helpers.h"
#include "core/error.h"
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
    suite_add_tcase(s, tc);
    return run_suite(s);
}
