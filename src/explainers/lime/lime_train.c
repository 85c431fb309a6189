/* LIME's training summary: per feature the z-score parameters, or the bins
 * (numpy-percentile boundaries, duplicates merged) with their frequency,
 * mean, standard deviation and range, or the categories with their
 * frequencies; from training rows, or from what a model embeds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/error.h"
#include "data/dataset_internal.h"
#include "data/stats_internal.h"
#include "explainers/lime/lime_internal.h"
#include "models/model_internal.h"

/* lime adds this to every bin's standard deviation. */
#define BIN_STD_EPS 1e-11

static const double quartile_probs[] = { 0.25, 0.5, 0.75 };
static const double decile_probs[] = { 0.1, 0.2, 0.3, 0.4, 0.5,
                                       0.6, 0.7, 0.8, 0.9 };

void xpl__lime_train_free(xpl__lime_train *t)
{
    free(t->f);
    free(t->bins);
    free(t->edges);
    memset(t, 0, sizeof *t);
}

size_t xpl__lime_bin_of(const xpl__lime_train *t, size_t j, double v)
{
    const xpl__lime_feature *f = &t->f[j];
    if (f->kind == XPL__LIME_BINS) {
        const double *e = t->edges + f->first_edge;
        size_t b = 0;
        while (b + 1 < f->n_bins && e[b] < v)
            b++;
        return b;
    }
    if (f->kind == XPL__LIME_CATEGORY) {
        const xpl__lime_bin *c = t->bins + f->first;
        size_t lo = 0, hi = f->n_bins;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (c[mid].lo < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < f->n_bins && c[lo].lo == v ? lo : f->n_bins;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Cumulative frequencies; the last bin that occurs ends at exactly 1 so
 * that a uniform draw below 1 always lands in a bin that occurs. */
static void finish_bins(xpl__lime_bin *b, size_t n)
{
    double cum = 0;
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        cum += b[i].freq;
        b[i].cum = cum;
        if (b[i].freq > 0)
            last = i;
    }
    for (size_t i = last; i < n; i++)
        b[i].cum = 1.0;
    for (size_t i = 0; i < n; i++) {
        b[i].point = b[i].lo == b[i].hi || b[i].std <= BIN_STD_EPS;
        b[i].value = b[i].lo == b[i].hi ? b[i].lo : b[i].mean;
        double a = (b[i].lo - b[i].mean) / b[i].std;
        double z = (b[i].hi - b[i].mean) / b[i].std;
        b[i].za = a;
        b[i].zb = z;
        b[i].pa = gsl_cdf_ugaussian_P(a);
        b[i].pw = gsl_cdf_ugaussian_P(z) - b[i].pa;
        double prev = i ? b[i - 1].cum : 0;
        b[i].slope = b[i].freq > 0 ? b[i].pw / b[i].freq : 0;
        b[i].c0 = prev;
    }
}

/* Bins of feature j from the rows (weighted frequencies, means, stds). */
static void bins_from_rows(xpl__lime_train *t, size_t j, const xpl_dataset *r)
{
    xpl__lime_feature *f = &t->f[j];
    xpl__lime_bin *b = t->bins + f->first;
    size_t P = r->n_cols;
    double total = 0;
    for (size_t i = 0; i < f->n_bins; i++)
        b[i].freq = b[i].mean = b[i].std = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        double v = r->x[i * P + j], w = r->w ? r->w[i] : 1.0;
        if (isnan(v) || !(w > 0))
            continue;
        size_t k = xpl__lime_bin_of(t, j, v);
        b[k].freq += w;
        b[k].mean += w * v;
        total += w;
    }
    for (size_t k = 0; k < f->n_bins; k++)
        b[k].mean = b[k].freq > 0 ? b[k].mean / b[k].freq : 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        double v = r->x[i * P + j], w = r->w ? r->w[i] : 1.0;
        if (isnan(v) || !(w > 0))
            continue;
        size_t k = xpl__lime_bin_of(t, j, v);
        b[k].std += w * (v - b[k].mean) * (v - b[k].mean);
    }
    for (size_t k = 0; k < f->n_bins; k++) {
        b[k].std = (b[k].freq > 0 ? sqrt(b[k].std / b[k].freq) : 0) +
                   BIN_STD_EPS;
        b[k].freq = total > 0 ? b[k].freq / total : 0;
    }
}

/* Bins of feature j from percentiles alone: each bin gets the probability
 * between its boundaries' percentiles and a uniform distribution over its
 * range. cum_at[e] is the largest percentile probability at boundary e. */
static void bins_from_probs(xpl__lime_train *t, size_t j, const double *cum_at)
{
    xpl__lime_feature *f = &t->f[j];
    xpl__lime_bin *b = t->bins + f->first;
    double prev = 0;
    for (size_t k = 0; k < f->n_bins; k++) {
        double c = k + 1 < f->n_bins ? cum_at[k] : 1.0;
        b[k].freq = c - prev;
        prev = c;
        b[k].mean = 0.5 * (b[k].lo + b[k].hi);
        b[k].std = (b[k].hi - b[k].lo) / sqrt(12.0) + BIN_STD_EPS;
    }
}

static int categories_from_rows(xpl__lime_train *t, size_t j,
                                const xpl_dataset *r, const char *name,
                                xpl__lime_bin **bins, size_t *cap)
{
    size_t P = r->n_cols, n = 0;
    double *v = xpl__malloc_array(r->n_rows ? r->n_rows : 1, sizeof *v);
    if (!v)
        return xpl__enomem();
    for (size_t i = 0; i < r->n_rows; i++)
        if (!isnan(r->x[i * P + j]))
            v[n++] = r->x[i * P + j];
    if (n == 0) {
        free(v);
        return xpl__error(XPL_EINVAL, "LIME: categorical feature \"%s\" has "
                          "no observed value in the training rows", name);
    }
    qsort(v, n, sizeof *v, cmp_double);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || v[i] != v[u - 1])
            v[u++] = v[i];
    xpl__lime_feature *f = &t->f[j];
    if (f->first + u > *cap) {
        size_t nc = (*cap + u) * 2;
        xpl__lime_bin *nb = realloc(*bins, nc * sizeof *nb);
        if (!nb) {
            free(v);
            return xpl__enomem();
        }
        *bins = nb;
        *cap = nc;
    }
    t->bins = *bins;
    f->n_bins = u;
    xpl__lime_bin *b = t->bins + f->first;
    for (size_t k = 0; k < u; k++) {
        memset(&b[k], 0, sizeof b[k]);
        b[k].lo = b[k].hi = b[k].mean = v[k];
        b[k].std = BIN_STD_EPS;
    }
    free(v);
    double total = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        double x = r->x[i * P + j], w = r->w ? r->w[i] : 1.0;
        if (isnan(x) || !(w > 0))
            continue;
        b[xpl__lime_bin_of(t, j, x)].freq += w;
        total += w;
    }
    for (size_t k = 0; k < u; k++)
        b[k].freq = total > 0 ? b[k].freq / total : 0;
    return XPL_OK;
}

/* Index of probability p in the statistics' table, or -1. */
static long prob_index(const xpl_stats *s, double p)
{
    for (size_t q = 0; q < s->n_quantiles; q++)
        if (fabs(s->probs[q] - p) < 1e-12)
            return (long)q;
    return -1;
}

static int check_rows(const xpl_dataset *r, const xpl_model *m,
                      const char *what)
{
    if (r->n_cols != xpl_model_n_features(m))
        return xpl__error(XPL_ESHAPE, "LIME: the %s has %zu columns, the "
                          "model has %zu features", what, r->n_cols,
                          xpl_model_n_features(m));
    for (size_t j = 0; j < xpl_model_n_features(m); j++)
        if (strcmp(r->names[j], xpl_model_feature_name(m, j)) != 0)
            return xpl__error(XPL_ESHAPE, "LIME: %s column %zu is \"%s\", the "
                              "model's feature %zu is \"%s\"", what, j + 1,
                              r->names[j], j + 1, xpl_model_feature_name(m, j));
    if (r->n_rows == 0)
        return xpl__error(XPL_EINVAL, "LIME: the %s has no rows", what);
    return XPL_OK;
}

int xpl__lime_train_build(xpl__lime_train *t, const xpl_model *m,
                          const xpl_dataset *training,
                          const unsigned char *is_cat,
                          xpl_lime_discretizer disc)
{
    memset(t, 0, sizeof *t);
    size_t P = xpl_model_n_features(m);
    const xpl_dataset *rows = training ? training : xpl_model_background(m);
    const xpl_stats *stats = training ? NULL : xpl_model_stats(m);
    xpl_stats *own = NULL;
    int rc;
    if (!rows && !stats)
        return xpl__error(XPL_EINVAL, "LIME needs training data: pass it, or "
                          "embed a background or statistics in the model "
                          "(explain convert --background / --stats)");
    if (rows && (rc = check_rows(rows, m, training ? "training data"
                                                   : "embedded background")))
        return rc;
    if (stats && stats->n_features != P)
        return xpl__error(XPL_ESHAPE, "LIME: the embedded statistics have %zu "
                          "features, the model has %zu", stats->n_features, P);
    if (!stats) {
        if ((rc = xpl_stats_compute(&own, rows)))
            return rc;
        stats = own;
    }
    const double *probs = disc == XPL_LIME_DECILE ? decile_probs
                                                  : quartile_probs;
    size_t n_probs = disc == XPL_LIME_DECILE ? 9 : 3;
    long qi[9];
    if (disc != XPL_LIME_NONE)
        for (size_t q = 0; q < n_probs; q++)
            if ((qi[q] = prob_index(stats, probs[q])) < 0) {
                xpl_stats_free(own);
                return xpl__error(XPL_EUNSUPPORTED, "LIME: the statistics "
                                  "lack the %g quantile that the %s "
                                  "discretizer needs", probs[q],
                                  disc == XPL_LIME_DECILE ? "decile"
                                                          : "quartile");
            }

    size_t cap = P * 10 + 16;
    xpl__lime_bin *bins = xpl__calloc_array(cap, sizeof *bins);
    t->f = xpl__calloc_array(P ? P : 1, sizeof *t->f);
    t->edges = xpl__malloc_array(P * 9 + 1, sizeof *t->edges);
    t->bins = bins;
    t->n_features = P;
    if (!t->f || !t->edges || !bins) {
        free(bins);
        t->bins = NULL;
        xpl__lime_train_free(t);
        xpl_stats_free(own);
        return xpl__enomem();
    }
    size_t n_bins = 0, n_edges = 0;
    rc = XPL_OK;
    for (size_t j = 0; j < P && rc == XPL_OK; j++) {
        xpl__lime_feature *f = &t->f[j];
        const xpl_feature_stats *fs = &stats->feature[j];
        const char *name = xpl_model_feature_name(m, j);
        f->first = n_bins;
        if (is_cat && is_cat[j]) {
            if (!rows) {
                rc = xpl__error(XPL_EINVAL, "LIME: categorical feature \"%s\" "
                                "needs training rows (the model embeds only "
                                "statistics)", name);
                break;
            }
            f->kind = XPL__LIME_CATEGORY;
            f->scale = 1;
            rc = categories_from_rows(t, j, rows, name, &bins, &cap);
            n_bins += f->n_bins;
            continue;
        }
        if (fs->n == 0) {
            rc = xpl__error(XPL_EINVAL, "LIME: feature \"%s\" has no observed "
                            "value in the training data", name);
            break;
        }
        if (!isfinite(fs->min) || !isfinite(fs->max) || !isfinite(fs->std)) {
            rc = xpl__error(XPL_EINVAL, "LIME: feature \"%s\" has an infinite "
                            "training value", name);
            break;
        }
        if (disc == XPL_LIME_NONE) {
            f->kind = XPL__LIME_ZSCORE;
            f->mean = fs->mean;
            f->noise = fs->std;
            f->scale = fs->std > 0 ? fs->std : 1.0;
            continue;
        }
        f->kind = XPL__LIME_BINS;
        f->scale = 1;
        f->first_edge = n_edges;
        const double *qv = stats->quantiles + j * stats->n_quantiles;
        double cum_at[9];
        size_t ne = 0;
        for (size_t q = 0; q < n_probs; q++) {
            double v = qv[qi[q]];
            if (ne > 0 && v == t->edges[n_edges + ne - 1]) {
                cum_at[ne - 1] = probs[q];
                continue;
            }
            t->edges[n_edges + ne] = v;
            cum_at[ne++] = probs[q];
        }
        f->n_bins = ne + 1;
        if (n_bins + f->n_bins > cap) {
            size_t nc = (cap + f->n_bins) * 2;
            xpl__lime_bin *nb = realloc(bins, nc * sizeof *nb);
            if (!nb) {
                rc = xpl__enomem();
                break;
            }
            bins = nb;
            cap = nc;
        }
        t->bins = bins;
        xpl__lime_bin *b = bins + f->first;
        const double *e = t->edges + n_edges;
        for (size_t k = 0; k < f->n_bins; k++) {
            memset(&b[k], 0, sizeof b[k]);
            b[k].lo = k == 0 ? fs->min : e[k - 1];
            b[k].hi = k == ne ? fs->max : e[k];
        }
        if (rows)
            bins_from_rows(t, j, rows);
        else
            bins_from_probs(t, j, cum_at);
        n_edges += ne;
        n_bins += f->n_bins;
    }
    t->bins = bins;
    xpl_stats_free(own);
    if (rc) {
        xpl__lime_train_free(t);
        return rc;
    }
    for (size_t j = 0; j < P; j++)
        if (t->f[j].kind != XPL__LIME_ZSCORE)
            finish_bins(t->bins + t->f[j].first, t->f[j].n_bins);
    return XPL_OK;
}
