/* In-memory datasets, seeded sampling and k-means summaries. */
#include "check_helpers.h"

#include "data/dataset_internal.h"

#include <xplain/xplain.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xpl_dataset *make(size_t n, size_t d, const double *x,
                         const char *const *names, const double *w)
{
    xpl_dataset *ds = NULL;
    int rc = xpl_dataset_new(&ds, n, d, x, names, w);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return ds;
}

static int same_dataset(const xpl_dataset *a, const xpl_dataset *b)
{
    size_t n = xpl_dataset_n_rows(a), d = xpl_dataset_n_cols(a);
    if (n != xpl_dataset_n_rows(b) || d != xpl_dataset_n_cols(b))
        return 0;
    if (n && memcmp(xpl_dataset_data(a), xpl_dataset_data(b),
                    n * d * sizeof(double)))
        return 0;
    const double *wa = xpl_dataset_weights(a), *wb = xpl_dataset_weights(b);
    if (!wa != !wb || (wa && n && memcmp(wa, wb, n * sizeof *wa)))
        return 0;
    for (size_t j = 0; j < d; j++)
        if (strcmp(xpl_dataset_col_name(a, j), xpl_dataset_col_name(b, j)))
            return 0;
    return 1;
}

/* -------------------------------------------------------- construction */

START_TEST(test_new_copies_inputs)
{
    double x[] = { 1, 2, 3, 4, 5, NAN };
    const char *names[] = { "a", "b" };
    double w[] = { 0.5, 0, 2 };
    xpl_dataset *ds = make(3, 2, x, names, w);
    x[0] = 99;
    w[0] = 99;
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), 3);
    ck_assert_uint_eq(xpl_dataset_n_cols(ds), 2);
    ck_assert(xpl_dataset_data(ds)[0] == 1);
    ck_assert(isnan(xpl_dataset_data(ds)[5]));
    ck_assert(xpl_dataset_weights(ds)[0] == 0.5);
    ck_assert(xpl_dataset_weights(ds)[1] == 0);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "b");
    ck_assert_ptr_ne(xpl_dataset_col_name(ds, 1), names[1]);
    ck_assert_ptr_null(xpl_dataset_col_name(ds, 2));

    xpl_dataset *copy = NULL;
    ck_assert_int_eq(xpl__dataset_copy(&copy, ds), XPL_OK);
    ck_assert(same_dataset(copy, ds));
    ck_assert_ptr_ne(xpl_dataset_data(copy), xpl_dataset_data(ds));
    xpl_dataset_free(ds);
    xpl_dataset_free(copy);
}
END_TEST

START_TEST(test_new_defaults)
{
    xpl_dataset *ds = make(2, 12, NULL, NULL, NULL);
    for (size_t i = 0; i < 24; i++)
        ck_assert(xpl_dataset_data(ds)[i] == 0);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "f0");
    ck_assert_str_eq(xpl_dataset_col_name(ds, 11), "f11");
    ck_assert_ptr_null(xpl_dataset_weights(ds));
    xpl_dataset_free(ds);

    ds = make(0, 3, NULL, NULL, NULL);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), 0);
    xpl_dataset *copy;
    ck_assert_int_eq(xpl__dataset_copy(&copy, ds), XPL_OK);
    ck_assert(same_dataset(copy, ds));
    xpl_dataset_free(copy);
    xpl_dataset_free(ds);

    /* NULL-safe getters and free. */
    ck_assert_uint_eq(xpl_dataset_n_rows(NULL), 0);
    ck_assert_uint_eq(xpl_dataset_n_cols(NULL), 0);
    ck_assert_ptr_null(xpl_dataset_data(NULL));
    ck_assert_ptr_null(xpl_dataset_weights(NULL));
    ck_assert_ptr_null(xpl_dataset_col_name(NULL, 0));
    xpl_dataset_free(NULL);
}
END_TEST

static void expect_new_fails(size_t n, size_t d, const double *x,
                             const char *const *names, const double *w,
                             int code, const char *msg)
{
    xpl_dataset *ds = (xpl_dataset *)&ds;
    ck_assert_int_eq(xpl_dataset_new(&ds, n, d, x, names, w), code);
    ck_assert_ptr_null(ds);
    if (msg)
        ck_assert_str_eq(xpl_last_error(), msg);
}

START_TEST(test_new_errors)
{
    const double x[] = { 1, 2, 3, 4 };
    expect_new_fails(2, 0, x, NULL, NULL, XPL_EINVAL,
                     "a dataset needs at least one column");
    expect_new_fails(1, XPL_MAX_FEATURES + 1, NULL, NULL, NULL, XPL_ELIMIT,
                     NULL);
    expect_new_fails(XPL_MAX_ROWS + 1, 1, NULL, NULL, NULL, XPL_ELIMIT, NULL);

    const char *dup[] = { "a", "b", "c", "b" };
    expect_new_fails(1, 4, x, dup, NULL, XPL_EINVAL,
                     "duplicate column name \"b\" (columns 1 and 3)");
    const char *empty[] = { "a", "" };
    expect_new_fails(2, 2, x, empty, NULL, XPL_EINVAL, "column name 1 is empty");
    const char *null[] = { NULL, "b" };
    expect_new_fails(2, 2, x, null, NULL, XPL_EINVAL, "column name 0 is NULL");
    char *long_name = malloc(XPL_MAX_NAME_LENGTH + 2);
    memset(long_name, 'n', XPL_MAX_NAME_LENGTH + 1);
    long_name[XPL_MAX_NAME_LENGTH + 1] = '\0';
    const char *too_long[] = { "a", long_name };
    expect_new_fails(2, 2, x, too_long, NULL, XPL_ELIMIT, NULL);
    long_name[XPL_MAX_NAME_LENGTH] = '\0'; /* exactly at the limit is fine */
    xpl_dataset_free(make(2, 2, x, too_long, NULL));
    free(long_name);

    const double bad_w[][2] = { { 1, -1 }, { NAN, 1 }, { 1, INFINITY } };
    for (size_t i = 0; i < 3; i++)
        expect_new_fails(2, 2, x, NULL, bad_w[i], XPL_EINVAL, NULL);
    expect_new_fails(2, 2, x, NULL, bad_w[0], XPL_EINVAL,
                     "weight of row 1 is -1: weights must be finite and "
                     "non-negative");

    ck_assert_int_eq(xpl_dataset_new(NULL, 1, 1, x, NULL, NULL), XPL_EINVAL);
    xpl_dataset *ds;
    ck_assert_int_eq(xpl__dataset_copy(&ds, NULL), XPL_EINVAL);
    ck_assert_ptr_null(ds);
}
END_TEST

START_TEST(test_many_columns_duplicate)
{
    /* A million names: the duplicate check must not be quadratic (this
     * test would time out). */
    const size_t d = XPL_MAX_FEATURES;
    char *storage = malloc(d * 16);
    const char **names = malloc(d * sizeof *names);
    for (size_t j = 0; j < d; j++) {
        snprintf(storage + 16 * j, 16, "col%zu", (j * 7919) % d);
        names[j] = storage + 16 * j;
    }
    xpl_dataset *ds = make(1, d, NULL, names, NULL);
    ck_assert_str_eq(xpl_dataset_col_name(ds, d - 1),
                     names[d - 1]);
    xpl_dataset_free(ds);
    names[d - 1] = names[12345];
    char msg[128];
    snprintf(msg, sizeof msg,
             "duplicate column name \"%s\" (columns 12345 and %zu)",
             names[12345], d - 1);
    expect_new_fails(1, d, NULL, names, NULL, XPL_EINVAL, msg);
    free(names);
    free(storage);
}
END_TEST

START_TEST(test_adopt)
{
    double *x = malloc(4 * sizeof *x);
    for (int i = 0; i < 4; i++)
        x[i] = i;
    char **names = malloc(2 * sizeof *names);
    names[0] = strdup("p");
    names[1] = strdup("q");
    double *w = malloc(2 * sizeof *w);
    w[0] = 1;
    w[1] = 3;
    xpl_dataset *ds;
    ck_assert_int_eq(xpl__dataset_adopt(&ds, 2, 2, x, names, w), XPL_OK);
    ck_assert_ptr_eq(xpl_dataset_data(ds), x);
    ck_assert_ptr_eq(xpl_dataset_weights(ds), w);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "q");
    xpl_dataset_free(ds);

    /* Without names the columns are called f0, f1, ... */
    x = malloc(2 * sizeof *x);
    x[0] = 5;
    x[1] = 6;
    ck_assert_int_eq(xpl__dataset_adopt(&ds, 1, 2, x, NULL, NULL), XPL_OK);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "f1");
    ck_assert(xpl_dataset_data(ds)[1] == 6);
    xpl_dataset_free(ds);

    /* On failure the caller keeps ownership. */
    x = malloc(4 * sizeof *x);
    names = malloc(2 * sizeof *names);
    names[0] = strdup("p");
    names[1] = strdup("p");
    ck_assert_int_eq(xpl__dataset_adopt(&ds, 2, 2, x, names, NULL), XPL_EINVAL);
    ck_assert_ptr_null(ds);
    ck_assert_int_eq(xpl__dataset_adopt(&ds, 2, 2, NULL, NULL, NULL),
                     XPL_EINVAL);
    free(names[0]);
    free(names[1]);
    free(names);
    free(x);
}
END_TEST

/* ------------------------------------------------------------ sampling */

static xpl_dataset *indexed(size_t n, int weighted)
{
    double *x = malloc(n * 2 * sizeof *x);
    double *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++) {
        x[2 * i] = (double)i;
        x[2 * i + 1] = -(double)i;
        w[i] = (double)(i % 4);
    }
    const char *names[] = { "i", "minus_i" };
    xpl_dataset *ds = make(n, 2, x, names, weighted ? w : NULL);
    free(x);
    free(w);
    return ds;
}

START_TEST(test_sample_basic)
{
    xpl_dataset *ds = indexed(1000, 1);
    xpl_dataset *a, *b, *c;
    ck_assert_int_eq(xpl_dataset_sample(&a, ds, 50, 7), XPL_OK);
    ck_assert_int_eq(xpl_dataset_sample(&b, ds, 50, 7), XPL_OK);
    ck_assert_int_eq(xpl_dataset_sample(&c, ds, 50, 8), XPL_OK);
    ck_assert(same_dataset(a, b));
    ck_assert(!same_dataset(a, c));
    ck_assert_uint_eq(xpl_dataset_n_rows(a), 50);
    ck_assert_str_eq(xpl_dataset_col_name(a, 1), "minus_i");

    /* Distinct rows, in their original order, weights carried along. */
    const double *x = xpl_dataset_data(a), *w = xpl_dataset_weights(a);
    ck_assert_ptr_nonnull(w);
    for (size_t r = 0; r < 50; r++) {
        double i = x[2 * r];
        ck_assert(x[2 * r + 1] == -i);
        ck_assert(w[r] == fmod(i, 4));
        if (r)
            ck_assert(i > x[2 * (r - 1)]);
    }
    xpl_dataset_free(a);
    xpl_dataset_free(b);
    xpl_dataset_free(c);

    /* k >= n: a copy. */
    ck_assert_int_eq(xpl_dataset_sample(&a, ds, 1000, 1), XPL_OK);
    ck_assert(same_dataset(a, ds));
    xpl_dataset_free(a);
    ck_assert_int_eq(xpl_dataset_sample(&a, ds, 5000, 1), XPL_OK);
    ck_assert(same_dataset(a, ds));
    xpl_dataset_free(a);

    ck_assert_int_eq(xpl_dataset_sample(&a, ds, 0, 1), XPL_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(xpl_dataset_sample(&a, NULL, 3, 1), XPL_EINVAL);
    ck_assert_int_eq(xpl_dataset_sample(NULL, ds, 3, 1), XPL_EINVAL);
    xpl_dataset_free(ds);

    /* Unweighted stays unweighted. */
    ds = indexed(10, 0);
    ck_assert_int_eq(xpl_dataset_sample(&a, ds, 3, 1), XPL_OK);
    ck_assert_ptr_null(xpl_dataset_weights(a));
    xpl_dataset_free(a);
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_sample_uniform)
{
    /* Each of n rows is drawn with probability k/n: over 4000 seeds the
     * counts are binomial(4000, 0.3), mean 1200, sd ~29. Allow 6 sd. */
    enum { N = 10, K = 3, RUNS = 4000 };
    xpl_dataset *ds = indexed(N, 0);
    unsigned count[N] = { 0 };
    unsigned first_pair = 0; /* rows 0 and 1 together: p = 1/15 */
    for (uint64_t seed = 0; seed < RUNS; seed++) {
        xpl_dataset *s;
        ck_assert_int_eq(xpl_dataset_sample(&s, ds, K, seed), XPL_OK);
        const double *x = xpl_dataset_data(s);
        for (size_t r = 0; r < K; r++)
            count[(size_t)x[2 * r]]++;
        first_pair += x[0] == 0 && x[2] == 1;
        xpl_dataset_free(s);
    }
    for (size_t i = 0; i < N; i++)
        ck_assert_msg(count[i] > 1200 - 175 && count[i] < 1200 + 175,
                      "row %zu drawn %u times", i, count[i]);
    /* 4000/15 = 267, sd ~16. */
    ck_assert_msg(first_pair > 267 - 96 && first_pair < 267 + 96, "%u",
                  first_pair);
    xpl_dataset_free(ds);
}
END_TEST

/* -------------------------------------------------------------- k-means */

static int column_has(const xpl_dataset *ds, size_t j, double v)
{
    size_t n = xpl_dataset_n_rows(ds), d = xpl_dataset_n_cols(ds);
    for (size_t i = 0; i < n; i++)
        if (xpl_dataset_data(ds)[i * d + j] == v)
            return 1;
    return 0;
}

START_TEST(test_kmeans_recovers_clusters)
{
    /* Three separated groups of identical points, interleaved. */
    const double pts[3][2] = { { 0, 0 }, { 10, 10 }, { -5, 7 } };
    const size_t sizes[3] = { 10, 20, 30 };
    double x[60 * 2];
    size_t n = 0, left[3] = { 10, 20, 30 };
    while (n < 60) {
        for (size_t g = 0; g < 3; g++) {
            if (left[g]) {
                left[g]--;
                x[2 * n] = pts[g][0];
                x[2 * n + 1] = pts[g][1];
                n++;
            }
        }
    }
    xpl_dataset *ds = make(60, 2, x, NULL, NULL);
    xpl_dataset *km;
    ck_assert_int_eq(xpl_dataset_kmeans(&km, ds, 3, 42), XPL_OK);
    ck_assert_uint_eq(xpl_dataset_n_rows(km), 3);
    ck_assert_str_eq(xpl_dataset_col_name(km, 1), "f1");
    const double *c = xpl_dataset_data(km), *w = xpl_dataset_weights(km);
    ck_assert_ptr_nonnull(w);
    int found[3] = { 0 };
    for (size_t r = 0; r < 3; r++) {
        for (size_t g = 0; g < 3; g++) {
            if (c[2 * r] == pts[g][0] && c[2 * r + 1] == pts[g][1]) {
                ck_assert(w[r] == (double)sizes[g]);
                found[g]++;
            }
        }
    }
    ck_assert(found[0] == 1 && found[1] == 1 && found[2] == 1);
    xpl_dataset_free(km);
    xpl_dataset_free(ds);
}
END_TEST

/* Two noisy blobs and a third sparse one, some cells missing. */
static xpl_dataset *noisy(size_t n, int weighted)
{
    double *x = malloc(n * 3 * sizeof *x);
    double *w = malloc(n * sizeof *w);
    unsigned long long s = 99;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < 3; j++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            double u = (double)(s >> 11) / 9007199254740992.0;
            double centre = (i % 3 == 0) ? 0 : (i % 3 == 1) ? 5 : 20;
            x[i * 3 + j] = centre + u + (double)j;
            if ((s >> 20) % 23 == 0)
                x[i * 3 + j] = NAN;
        }
        w[i] = 0.25 + (double)(i % 7);
    }
    xpl_dataset *ds = make(n, 3, x, NULL, weighted ? w : NULL);
    free(x);
    free(w);
    return ds;
}

START_TEST(test_kmeans_properties)
{
    for (int weighted = 0; weighted < 2; weighted++) {
        xpl_dataset *ds = noisy(500, weighted);
        size_t n = xpl_dataset_n_rows(ds);
        xpl_dataset *a, *b;
        ck_assert_int_eq(xpl_dataset_kmeans(&a, ds, 8, 3), XPL_OK);
        ck_assert_int_eq(xpl_dataset_kmeans(&b, ds, 8, 3), XPL_OK);
        ck_assert(same_dataset(a, b)); /* deterministic, to the byte */
        ck_assert_uint_le(xpl_dataset_n_rows(a), 8);
        ck_assert_uint_ge(xpl_dataset_n_rows(a), 3);

        /* Weights add up to the total weight of the rows. */
        double total = 0, want = 0;
        for (size_t r = 0; r < xpl_dataset_n_rows(a); r++) {
            ck_assert(xpl_dataset_weights(a)[r] > 0);
            total += xpl_dataset_weights(a)[r];
        }
        for (size_t i = 0; i < n; i++)
            want += weighted ? xpl_dataset_weights(ds)[i] : 1.0;
        ck_assert(close_rel(total, want, 1e-12));

        /* Every coordinate is a value its column takes, after imputing the
         * missing cells with the column mean. */
        for (size_t j = 0; j < 3; j++) {
            double mean = 0;
            size_t seen = 0;
            for (size_t i = 0; i < n; i++) {
                double v = xpl_dataset_data(ds)[i * 3 + j];
                if (!isnan(v)) {
                    mean += v;
                    seen++;
                }
            }
            mean /= (double)seen;
            for (size_t r = 0; r < xpl_dataset_n_rows(a); r++) {
                double v = xpl_dataset_data(a)[r * 3 + j];
                ck_assert(!isnan(v));
                ck_assert_msg(column_has(ds, j, v) || close_rel(v, mean, 1e-12),
                              "centre %zu, column %zu: %g", r, j, v);
            }
        }
        xpl_dataset_free(a);
        xpl_dataset_free(b);

        /* Another seed may settle elsewhere but keeps the totals. */
        ck_assert_int_eq(xpl_dataset_kmeans(&a, ds, 8, 4), XPL_OK);
        total = 0;
        for (size_t r = 0; r < xpl_dataset_n_rows(a); r++)
            total += xpl_dataset_weights(a)[r];
        ck_assert(close_rel(total, want, 1e-12));
        xpl_dataset_free(a);
        xpl_dataset_free(ds);
    }
}
END_TEST

START_TEST(test_kmeans_weights_pull_centres)
{
    /* Group A: five rows at 0 and one at 1 weighing 100; the weighted mean
     * (100/105) snaps to 1. Group B far away at 50. */
    const double x[] = { 0, 0, 0, 0, 0, 1, 50, 50, 50 };
    const double w[] = { 1, 1, 1, 1, 1, 100, 2, 2, 2 };
    xpl_dataset *ds = make(9, 1, x, NULL, w);
    xpl_dataset *km;
    ck_assert_int_eq(xpl_dataset_kmeans(&km, ds, 2, 0), XPL_OK);
    ck_assert_uint_eq(xpl_dataset_n_rows(km), 2);
    const double *c = xpl_dataset_data(km), *cw = xpl_dataset_weights(km);
    size_t a = c[0] < c[1] ? 0 : 1;
    ck_assert(c[a] == 1 && cw[a] == 105);
    ck_assert(c[1 - a] == 50 && cw[1 - a] == 6);
    xpl_dataset_free(km);

    /* Unweighted, the same rows put group A's centre at 1/6: snapped to 0. */
    xpl_dataset *plain = make(9, 1, x, NULL, NULL);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, plain, 2, 0), XPL_OK);
    c = xpl_dataset_data(km);
    cw = xpl_dataset_weights(km);
    a = c[0] < c[1] ? 0 : 1;
    ck_assert(c[a] == 0 && cw[a] == 6);
    ck_assert(c[1 - a] == 50 && cw[1 - a] == 3);
    xpl_dataset_free(km);
    xpl_dataset_free(plain);
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_kmeans_edge_cases)
{
    /* Fewer distinct rows than k: empty clusters are dropped. */
    const double x[] = { 1, 1, 2, 2, 1, 2 };
    xpl_dataset *ds = make(6, 1, x, NULL, NULL);
    xpl_dataset *km;
    ck_assert_int_eq(xpl_dataset_kmeans(&km, ds, 4, 5), XPL_OK);
    ck_assert_uint_eq(xpl_dataset_n_rows(km), 2);
    ck_assert(xpl_dataset_weights(km)[0] == 3 && xpl_dataset_weights(km)[1] == 3);
    ck_assert(xpl_dataset_data(km)[0] + xpl_dataset_data(km)[1] == 3);
    xpl_dataset_free(km);

    /* k >= n: a copy, missing values and all. */
    const double y[] = { 1, NAN, 3, 4 };
    xpl_dataset *small = make(2, 2, y, NULL, NULL);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, small, 2, 5), XPL_OK);
    ck_assert(isnan(xpl_dataset_data(km)[1]));
    ck_assert_ptr_null(xpl_dataset_weights(km));
    xpl_dataset_free(km);

    /* A column with nothing observed is imputed with 0. */
    const double z[] = { NAN, 1, NAN, 2, NAN, 30 };
    xpl_dataset *blank = make(3, 2, z, NULL, NULL);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, blank, 2, 5), XPL_OK);
    ck_assert_uint_eq(xpl_dataset_n_rows(km), 2);
    ck_assert(xpl_dataset_data(km)[0] == 0 && xpl_dataset_data(km)[2] == 0);
    xpl_dataset_free(km);

    ck_assert_int_eq(xpl_dataset_kmeans(&km, ds, 0, 5), XPL_EINVAL);
    ck_assert_ptr_null(km);
    xpl_dataset *empty = make(0, 2, NULL, NULL, NULL);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, empty, 3, 5), XPL_EINVAL);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, NULL, 3, 5), XPL_EINVAL);

    const double inf[] = { 1, INFINITY, 3 };
    xpl_dataset *bad = make(3, 1, inf, NULL, NULL);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, bad, 2, 5), XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(),
                     "k-means: row 1, column \"f0\" is infinite");
    const double zero_w[] = { 0, 0, 0 };
    xpl_dataset *weightless = make(3, 1, x, NULL, zero_w);
    ck_assert_int_eq(xpl_dataset_kmeans(&km, weightless, 2, 5), XPL_EINVAL);

    xpl_dataset_free(weightless);
    xpl_dataset_free(bad);
    xpl_dataset_free(empty);
    xpl_dataset_free(blank);
    xpl_dataset_free(small);
    xpl_dataset_free(ds);
}
END_TEST

/* Regression: with values beyond ~1e154 the squared distances overflowed
 * to infinity, every row tied with the first centre and the summary was
 * degenerate (one centre with almost all the weight). Scaling the data by a
 * power of two is exact, so the summary of x * 2^600 must be exactly the
 * summary of x times 2^600, with the same weights. */
START_TEST(test_kmeans_huge_values)
{
    for (int weighted = 0; weighted < 2; weighted++) {
        xpl_dataset *ds = noisy(300, weighted);
        size_t n = xpl_dataset_n_rows(ds), d = xpl_dataset_n_cols(ds);
        double *big = malloc(n * d * sizeof *big);
        ck_assert_ptr_nonnull(big);
        for (size_t i = 0; i < n * d; i++)
            big[i] = ldexp(xpl_dataset_data(ds)[i], 600);
        xpl_dataset *bds = make(n, d, big, NULL, xpl_dataset_weights(ds));
        free(big);

        xpl_dataset *km = NULL, *bkm = NULL;
        ck_assert_int_eq(xpl_dataset_kmeans(&km, ds, 3, 11), XPL_OK);
        ck_assert_int_eq(xpl_dataset_kmeans(&bkm, bds, 3, 11), XPL_OK);
        ck_assert_uint_eq(xpl_dataset_n_rows(bkm), xpl_dataset_n_rows(km));
        const double *c = xpl_dataset_data(km), *bc = xpl_dataset_data(bkm);
        for (size_t i = 0; i < xpl_dataset_n_rows(km) * d; i++)
            ck_assert_msg(bc[i] == ldexp(c[i], 600), "centre value %zu: %g, "
                          "want %g", i, bc[i], ldexp(c[i], 600));
        for (size_t r = 0; r < xpl_dataset_n_rows(km); r++)
            ck_assert(xpl_dataset_weights(bkm)[r] ==
                      xpl_dataset_weights(km)[r]);
        xpl_dataset_free(km);
        xpl_dataset_free(bkm);
        xpl_dataset_free(bds);
        xpl_dataset_free(ds);
    }
}
END_TEST

static Suite *dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("dataset");
    tcase_add_test(tc, test_new_copies_inputs);
    tcase_add_test(tc, test_new_defaults);
    tcase_add_test(tc, test_new_errors);
    tcase_add_test(tc, test_many_columns_duplicate);
    tcase_add_test(tc, test_adopt);
    suite_add_tcase(s, tc);

    tc = tcase_create("sample");
    tcase_add_test(tc, test_sample_basic);
    tcase_add_test(tc, test_sample_uniform);
    suite_add_tcase(s, tc);

    tc = tcase_create("kmeans");
    tcase_add_test(tc, test_kmeans_recovers_clusters);
    tcase_add_test(tc, test_kmeans_properties);
    tcase_add_test(tc, test_kmeans_weights_pull_centres);
    tcase_add_test(tc, test_kmeans_edge_cases);
    tcase_add_test(tc, test_kmeans_huge_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(dataset_suite());
}
