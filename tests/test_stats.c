/* Feature statistics against hand-computed values and closed forms. */
#include "check_helpers.h"

#include "data/stats_internal.h"

#include <xplain/xplain.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const double probs[XPL_STATS_N_QUANTILES] = {
    0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9,
};

static xpl_stats *compute(size_t n, size_t d, const double *x,
                          const double *w)
{
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_new(&ds, n, d, x, NULL, w), XPL_OK);
    xpl_stats *s = NULL;
    ck_assert_int_eq(xpl_stats_compute(&s, ds), XPL_OK);
    xpl_dataset_free(ds);
    return s;
}

static void assert_close_all(const double *got, const double *want, size_t n,
                             double tol)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(close_rel(got[i], want[i], tol), "[%zu]: %.17g, want %.17g",
                      i, got[i], want[i]);
}

START_TEST(test_small_vector)
{
    /* Column 0 is 1..4 in scrambled order; numpy.quantile(x, p) is
     * x[(n-1)p] interpolated: 1 + 3p. */
    const double x[] = { 3, 10, 1, 20, 4, 30, 2, 40 };
    xpl_stats *s = compute(4, 2, x, NULL);
    ck_assert_uint_eq(xpl_stats_n_features(s), 2);
    ck_assert_uint_eq(xpl_stats_n_quantiles(s), XPL_STATS_N_QUANTILES);
    assert_close_all(xpl_stats_quantile_probs(s), probs, XPL_STATS_N_QUANTILES,
                     0);

    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_uint_eq(f.n_missing, 0);
    ck_assert(close_rel(f.mean, 2.5, 1e-15));
    ck_assert(close_rel(f.std, sqrt(1.25), 1e-15)); /* ddof 0 */
    ck_assert(f.min == 1 && f.max == 4);
    const double q0[] = { 1.3, 1.6, 1.75, 1.9, 2.2, 2.5, 2.8, 3.1, 3.25, 3.4,
                          3.7 };
    assert_close_all(xpl_stats_quantiles(s, 0), q0, 11, 1e-15);

    /* Column 1 is 10, 20, 30, 40: 10 + 30p. */
    ck_assert_int_eq(xpl_stats_feature(s, 1, &f), XPL_OK);
    ck_assert(close_rel(f.mean, 25, 1e-15));
    ck_assert(close_rel(f.std, sqrt(125.0), 1e-15));
    double q1[11];
    for (size_t i = 0; i < 11; i++)
        q1[i] = 10 + 30 * probs[i];
    assert_close_all(xpl_stats_quantiles(s, 1), q1, 11, 1e-15);
    xpl_stats_free(s);
}
END_TEST

START_TEST(test_missing_values)
{
    /* Observed 10, 0, 5 -> sorted 0, 5, 10: quantile(p) = 10p, mean 5,
     * population variance 50/3. */
    const double x[] = { NAN, 10, NAN, 0, 5 };
    xpl_stats *s = compute(5, 1, x, NULL);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_uint_eq(f.n_missing, 2);
    ck_assert(close_rel(f.mean, 5, 1e-15));
    ck_assert(close_rel(f.std, sqrt(50.0 / 3.0), 1e-15));
    ck_assert(f.min == 0 && f.max == 10);
    double q[11];
    for (size_t i = 0; i < 11; i++)
        q[i] = 10 * probs[i];
    assert_close_all(xpl_stats_quantiles(s, 0), q, 11, 1e-14);
    xpl_stats_free(s);
}
END_TEST

START_TEST(test_degenerate_columns)
{
    /* Column 0 never observed, column 1 a single value, column 2 constant. */
    const double x[] = { NAN, NAN, 0.1, NAN, 7, 0.1, NAN, NAN, 0.1 };
    xpl_stats *s = compute(3, 3, x, NULL);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert_uint_eq(f.n, 0);
    ck_assert_uint_eq(f.n_missing, 3);
    ck_assert(isnan(f.mean) && isnan(f.std) && isnan(f.min) && isnan(f.max));
    for (size_t i = 0; i < 11; i++)
        ck_assert(isnan(xpl_stats_quantiles(s, 0)[i]));

    ck_assert_int_eq(xpl_stats_feature(s, 1, &f), XPL_OK);
    ck_assert_uint_eq(f.n, 1);
    ck_assert(f.mean == 7 && f.std == 0 && f.min == 7 && f.max == 7);
    for (size_t i = 0; i < 11; i++)
        ck_assert(xpl_stats_quantiles(s, 1)[i] == 7);

    ck_assert_int_eq(xpl_stats_feature(s, 2, &f), XPL_OK);
    ck_assert(f.mean == 0.1 && f.std == 0); /* exact: no rounding residue */
    for (size_t i = 0; i < 11; i++)
        ck_assert(xpl_stats_quantiles(s, 2)[i] == 0.1);
    xpl_stats_free(s);

    /* No rows at all. */
    s = compute(0, 2, NULL, NULL);
    ck_assert_int_eq(xpl_stats_feature(s, 1, &f), XPL_OK);
    ck_assert_uint_eq(f.n, 0);
    ck_assert_uint_eq(f.n_missing, 0);
    ck_assert(isnan(f.mean));
    xpl_stats_free(s);
}
END_TEST

START_TEST(test_stable_moments)
{
    /* 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, variance 22.5. The one-pass
     * sum-of-squares formula loses every digit here. */
    const double x[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
    xpl_stats *s = compute(4, 1, x, NULL);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert(close_rel(f.mean, 1e9 + 10, 1e-15));
    ck_assert(close_rel(f.std, sqrt(22.5), 1e-9));
    xpl_stats_free(s);
}
END_TEST

START_TEST(test_closed_form_uniform)
{
    /* 1..N: mean (N+1)/2, population variance (N^2-1)/12, quantile
     * 1 + (N-1)p. Rows reversed so the sort is exercised. */
    const size_t N = 100001;
    double *x = malloc(N * sizeof *x);
    for (size_t i = 0; i < N; i++)
        x[i] = (double)(N - i);
    xpl_stats *s = compute(N, 1, x, NULL);
    free(x);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert(close_rel(f.mean, (N + 1) / 2.0, 1e-14));
    ck_assert(close_rel(f.std, sqrt(((double)N * N - 1) / 12.0), 1e-12));
    ck_assert(f.min == 1 && f.max == (double)N);
    double q[11];
    for (size_t i = 0; i < 11; i++)
        q[i] = 1 + (double)(N - 1) * probs[i];
    assert_close_all(xpl_stats_quantiles(s, 0), q, 11, 1e-14);
    xpl_stats_free(s);
}
END_TEST

START_TEST(test_weights_ignored_and_infinities)
{
    const double x[] = { 1, 2, 3, 4 };
    const double w[] = { 100, 0, 0, 0 };
    xpl_stats *s = compute(4, 1, x, w);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert(close_rel(f.mean, 2.5, 1e-15));
    xpl_stats_free(s);

    /* Infinities are observed values: they set the extremes. */
    const double y[] = { -INFINITY, 0, 1, INFINITY };
    s = compute(4, 1, y, NULL);
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert_uint_eq(f.n, 4);
    ck_assert(f.min == -INFINITY && f.max == INFINITY);
    ck_assert(xpl_stats_quantiles(s, 0)[5] == 0.5);
    xpl_stats_free(s);
}
END_TEST

/* Regression: the running mean gave NaN for an infinity followed by a
 * finite value, so the mean depended on the row order. numpy's answers:
 * mean([1, inf, 5]) = inf, mean([inf, -inf]) = nan, std = nan. */
START_TEST(test_infinite_mean_independent_of_order)
{
    const double x[] = {
        1, INFINITY, 2, -INFINITY, 2,
        INFINITY, 1, 3, 5, 1,
        5, 5, -INFINITY, INFINITY, 2,
    };
    xpl_stats *s = compute(3, 5, x, NULL);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(s, 0, &f), XPL_OK);
    ck_assert(f.mean == INFINITY && isnan(f.std));
    ck_assert(f.min == 1 && f.max == INFINITY);
    ck_assert_int_eq(xpl_stats_feature(s, 1, &f), XPL_OK);
    ck_assert(f.mean == INFINITY && isnan(f.std));
    ck_assert_int_eq(xpl_stats_feature(s, 2, &f), XPL_OK);
    ck_assert(f.mean == -INFINITY && isnan(f.std));
    ck_assert_int_eq(xpl_stats_feature(s, 3, &f), XPL_OK);
    ck_assert(isnan(f.mean) && isnan(f.std));
    ck_assert_int_eq(xpl_stats_feature(s, 4, &f), XPL_OK);
    ck_assert(close_rel(f.mean, 5.0 / 3, 1e-15)); /* finite: unchanged */
    xpl_stats_free(s);
}
END_TEST

START_TEST(test_alloc_copy_and_errors)
{
    xpl_stats *s;
    ck_assert_int_eq(xpl__stats_alloc(&s, 3, 2), XPL_OK);
    ck_assert_uint_eq(xpl_stats_n_features(s), 3);
    ck_assert_uint_eq(xpl_stats_n_quantiles(s), 2);
    for (size_t j = 0; j < 3; j++) {
        ck_assert_uint_eq(s->feature[j].n, 0);
        ck_assert(xpl_stats_quantiles(s, j)[1] == 0);
    }
    s->probs[0] = 0.25;
    s->probs[1] = 0.75;
    s->feature[2].mean = 4;
    s->quantiles[5] = 9;
    xpl_stats *c;
    ck_assert_int_eq(xpl__stats_copy(&c, s), XPL_OK);
    xpl_stats_free(s);
    ck_assert(xpl_stats_quantile_probs(c)[1] == 0.75);
    ck_assert(xpl_stats_quantiles(c, 2)[1] == 9);
    xpl_feature_stats f;
    ck_assert_int_eq(xpl_stats_feature(c, 2, &f), XPL_OK);
    ck_assert(f.mean == 4);

    ck_assert_int_eq(xpl_stats_feature(c, 3, &f), XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "feature 3 out of range (3 features)");
    ck_assert_int_eq(xpl_stats_feature(c, 0, NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_stats_feature(NULL, 0, &f), XPL_EINVAL);
    ck_assert_ptr_null(xpl_stats_quantiles(c, 3));
    ck_assert_ptr_null(xpl_stats_quantiles(NULL, 0));
    ck_assert_ptr_null(xpl_stats_quantile_probs(NULL));
    ck_assert_uint_eq(xpl_stats_n_features(NULL), 0);
    ck_assert_uint_eq(xpl_stats_n_quantiles(NULL), 0);
    xpl_stats_free(c);
    xpl_stats_free(NULL);

    ck_assert_int_eq(xpl__stats_alloc(&s, XPL_MAX_FEATURES + 1, 11), XPL_ELIMIT);
    ck_assert_int_eq(xpl__stats_alloc(&s, 16, SIZE_MAX / 8), XPL_ELIMIT);
    ck_assert_int_eq(xpl__stats_alloc(NULL, 1, 1), XPL_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(xpl__stats_copy(&s, NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_stats_compute(&s, NULL), XPL_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(xpl_stats_compute(NULL, NULL), XPL_EINVAL);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, test_small_vector);
    tcase_add_test(tc, test_missing_values);
    tcase_add_test(tc, test_degenerate_columns);
    tcase_add_test(tc, test_stable_moments);
    tcase_add_test(tc, test_closed_form_uniform);
    tcase_add_test(tc, test_weights_ignored_and_infinities);
    tcase_add_test(tc, test_infinite_mean_independent_of_order);
    tcase_add_test(tc, test_alloc_copy_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(stats_suite());
}
