/* Per-feature training statistics (LIME's discretizers and `explain info`). */
#include "data/stats_internal.h"

#include "core/error.h"
#include "data/dataset_internal.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* lime's quartile (25/50/75) and decile discretizers read their bin edges
 * from this one table. */
static const double quantile_probs[XPL_STATS_N_QUANTILES] = {
    0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9,
};

int xpl__stats_alloc(xpl_stats **out, size_t n_features, size_t n_quantiles)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (n_features > XPL_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "%zu features: the limit is %zu",
                          n_features, XPL_MAX_FEATURES);
    size_t cells;
    if (!xpl__mul_ok(n_features, n_quantiles, &cells))
        return xpl__error(XPL_ELIMIT, "%zu x %zu quantiles do not fit in memory",
                          n_features, n_quantiles);

    xpl_stats *s = calloc(1, sizeof *s);
    if (!s)
        return xpl__enomem();
    s->n_features = n_features;
    s->n_quantiles = n_quantiles;
    s->probs = xpl__calloc_array(n_quantiles, sizeof *s->probs);
    s->feature = xpl__calloc_array(n_features, sizeof *s->feature);
    s->quantiles = xpl__calloc_array(cells, sizeof *s->quantiles);
    if (!s->probs || !s->feature || !s->quantiles) {
        xpl_stats_free(s);
        return xpl__enomem();
    }
    *out = s;
    return XPL_OK;
}

int xpl__stats_copy(xpl_stats **out, const xpl_stats *s)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (!s)
        return xpl__error(XPL_EINVAL, "statistics are NULL");
    xpl_stats *c;
    int rc = xpl__stats_alloc(&c, s->n_features, s->n_quantiles);
    if (rc)
        return rc;
    if (s->n_quantiles)
        memcpy(c->probs, s->probs, s->n_quantiles * sizeof *c->probs);
    if (s->n_features)
        memcpy(c->feature, s->feature, s->n_features * sizeof *c->feature);
    if (s->n_features && s->n_quantiles)
        memcpy(c->quantiles, s->quantiles,
               s->n_features * s->n_quantiles * sizeof *c->quantiles);
    *out = c;
    return XPL_OK;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default ("linear") quantile of sorted v[0..n), n >= 1: the order
 * statistics around (n - 1) p, interpolated the way numpy does it. GSL's
 * gsl_stats_quantile_from_sorted_data uses the same position but blends as
 * (1 - t) a + t b, which can land one ulp off a when a == b (a constant
 * 0.1 column gets the quantile 0.10000000000000002); a lime-style
 * discretizer would then put the value 0.1 in the wrong bin. */
static double quantile_sorted(const double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    if (lo >= n - 1)
        return v[n - 1];
    double t = h - (double)lo, a = v[lo], b = v[lo + 1];
    if (t == 0 || a == b)
        return a; /* also keeps infinities from turning into NaN */
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/* `v` holds the n observed values of one feature and is sorted in place. */
static void summarise(double *v, size_t n, const double *probs, size_t nq,
                      xpl_feature_stats *f, double *quantiles)
{
    f->n = n;
    if (n == 0) {
        f->mean = f->std = f->min = f->max = NAN;
        for (size_t q = 0; q < nq; q++)
            quantiles[q] = NAN;
        return;
    }
    /* GSL's running mean and fixed-mean variance avoid the cancellation of
     * the textbook sum-of-squares formula; the fixed-mean variance divides
     * by n, which is the population (ddof 0) estimate we document. */
    size_t n_pos_inf = 0, n_neg_inf = 0;
    for (size_t i = 0; i < n; i++) {
        n_pos_inf += v[i] == INFINITY;
        n_neg_inf += v[i] == -INFINITY;
    }
    if (n_pos_inf || n_neg_inf) {
        /* The running mean turns an infinity followed by any finite value
         * into inf - inf = NaN, so the result would depend on row order.
         * Use numpy's answers: the mean is the infinity (NaN if both signs
         * occur) and the standard deviation is NaN. */
        f->mean = n_pos_inf && n_neg_inf ? NAN
                  : n_pos_inf            ? INFINITY
                                         : -INFINITY;
        f->std = NAN;
    } else {
        f->mean = gsl_stats_mean(v, 1, n);
        f->std = gsl_stats_sd_with_fixed_mean(v, 1, n, f->mean);
    }
    qsort(v, n, sizeof *v, compare_double);
    f->min = v[0];
    f->max = v[n - 1];
    for (size_t q = 0; q < nq; q++)
        quantiles[q] = quantile_sorted(v, n, probs[q]);
}

int xpl_stats_compute(xpl_stats **out, const xpl_dataset *ds)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (!ds)
        return xpl__error(XPL_EINVAL, "dataset is NULL");

    const size_t nq = XPL_STATS_N_QUANTILES;
    xpl_stats *s;
    int rc = xpl__stats_alloc(&s, ds->n_cols, nq);
    if (rc)
        return rc;
    memcpy(s->probs, quantile_probs, sizeof quantile_probs);

    double *column = xpl__malloc_array(ds->n_rows, sizeof *column);
    if (!column) {
        xpl_stats_free(s);
        return xpl__enomem();
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        size_t n = 0;
        for (size_t i = 0; i < ds->n_rows; i++) {
            double v = ds->x[i * ds->n_cols + j];
            if (!isnan(v))
                column[n++] = v;
        }
        s->feature[j].n_missing = ds->n_rows - n;
        summarise(column, n, s->probs, nq, &s->feature[j],
                  s->quantiles + j * nq);
    }
    free(column);
    *out = s;
    return XPL_OK;
}

void xpl_stats_free(xpl_stats *s)
{
    if (!s)
        return;
    free(s->probs);
    free(s->feature);
    free(s->quantiles);
    free(s);
}

size_t xpl_stats_n_features(const xpl_stats *s)
{
    return s ? s->n_features : 0;
}

int xpl_stats_feature(const xpl_stats *s, size_t j, xpl_feature_stats *out)
{
    if (!s || !out)
        return xpl__error(XPL_EINVAL, "%s is NULL", s ? "out" : "statistics");
    if (j >= s->n_features)
        return xpl__error(XPL_EINVAL, "feature %zu out of range (%zu features)",
                          j, s->n_features);
    *out = s->feature[j];
    return XPL_OK;
}

size_t xpl_stats_n_quantiles(const xpl_stats *s)
{
    return s ? s->n_quantiles : 0;
}

const double *xpl_stats_quantile_probs(const xpl_stats *s)
{
    return s ? s->probs : NULL;
}

const double *xpl_stats_quantiles(const xpl_stats *s, size_t j)
{
    return s && j < s->n_features ? s->quantiles + j * s->n_quantiles : NULL;
}
