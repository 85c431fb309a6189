/* LIME's internals: the training summary (lime_train.c) and the weighted
 * surrogate fits and feature selection (lime_fit.c), shared with lime.c and
 * the white-box tests. */
#ifndef XPL_EXPLAINERS_LIME_INTERNAL_H
#define XPL_EXPLAINERS_LIME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/lime.h>

/* ------------------------------------------------------ training summary */

enum xpl__lime_kind {
    XPL__LIME_ZSCORE = 0, /* continuous, not discretized */
    XPL__LIME_BINS = 1,   /* continuous, discretized */
    XPL__LIME_CATEGORY = 2
};

/* A bin of a discretized feature, or a value of a categorical one. */
typedef struct xpl__lime_bin {
    double freq;       /* training frequency */
    double cum;        /* frequencies of this and earlier bins (last
                          non-empty bin: exactly 1) */
    double mean, std;  /* training values in the bin; std + 1e-11 (lime) */
    double lo, hi;     /* range: previous boundary (training min for the
                          first bin) to boundary (training max for the
                          last); categories: lo = hi = the value */
    double pa, pw;     /* Phi(a) and Phi(b) - Phi(a) of the truncation */
    double c0, slope;  /* a uniform u that selects this bin (c0 <= u <
                          cum: c0 is the previous bin's cum) maps to the
                          probability pa + (u - c0) slope in [pa, pa + pw]:
                          one uniform draws both the bin and the value */
    double za, zb;     /* the truncation in standard units */
    int point;         /* every value of the bin is `value`: a category, a
                          bin of zero width, or one whose training values
                          are all equal (lime's truncated normal would
                          spread them by 1e-11) */
    double value;
} xpl__lime_bin;

typedef struct xpl__lime_feature {
    int kind;          /* enum xpl__lime_kind */
    double mean;       /* training mean (0 for bins and categories: lime's
                          scaler is inert there) */
    double scale;      /* z-score divisor: std, or 1 when std is 0 */
    double noise;      /* standard deviation of the sampling noise: std
                          (0 for a constant feature) */
    size_t n_bins;     /* bins, or categories */
    size_t first;      /* index of the first bin in the bins array */
    size_t first_edge; /* index of the first of the n_bins - 1 boundaries
                          (XPL__LIME_BINS) in the edges array */
} xpl__lime_feature;

typedef struct xpl__lime_train {
    size_t n_features;
    xpl__lime_feature *f;
    xpl__lime_bin *bins;
    double *edges;
} xpl__lime_train;

/* Build the summary of `m`'s features from training rows (NULL: from what
 * the model embeds). `is_cat` has one flag per feature. */
int xpl__lime_train_build(xpl__lime_train *t, const xpl_model *m,
                          const xpl_dataset *training,
                          const unsigned char *is_cat,
                          xpl_lime_discretizer disc);
void xpl__lime_train_free(xpl__lime_train *t);

/* Bin of value v of feature f: boundaries strictly below v (lime's
 * searchsorted); for categories the index of the value, or n_bins if the
 * training data never had it. */
size_t xpl__lime_bin_of(const xpl__lime_train *t, size_t j, double v);

/* ------------------------------------------------------------ bit sets */

/* The index of the lowest set bit of b != 0, and the number of set bits. */
static inline unsigned xpl__lime_ctz64(uint64_t b)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(b);
#else
    unsigned k = 0;
    for (; !(b & 1); b >>= 1)
        k++;
    return k;
#endif
}

static inline unsigned xpl__lime_popcount64(uint64_t b)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_popcountll(b);
#else
    unsigned k = 0;
    for (; b; b &= b - 1)
        k++;
    return k;
#endif
}

/* ----------------------------------------------------------------- fits */

/*
 * Weighted sums over the samples of the interpretable columns z (m of
 * them) and the response y (column m): W = sum w, s = sum w [z y],
 * G = sum w [z y][z y]' (upper triangle, (m + 1)^2, row-major). After
 * xpl__lime_gram_center, G holds the weighted centred cross-products and
 * s the weighted means.
 */
typedef struct xpl__lime_gram {
    size_t m;
    double W;
    double *s;  /* m + 1 */
    double *G;  /* (m + 1) * (m + 1) */
} xpl__lime_gram;

size_t xpl__lime_gram_bytes(size_t m);
void xpl__lime_gram_init(xpl__lime_gram *g, void *mem, size_t m);
/* Add one sample: its non-zero columns idx[0..nnz) with values val, its
 * response y (already shifted by the caller) and weight w. */
void xpl__lime_gram_add(xpl__lime_gram *g, const uint32_t *idx,
                        const double *val, size_t nnz, double y, double w);
/* The same for a sample whose non-zero columns are all 1. */
void xpl__lime_gram_add_binary(xpl__lime_gram *g, const uint32_t *idx,
                               size_t nnz, double y, double w);
/* Add n samples of at most 64 columns (m <= 64), all 1 where bit j of
 * bits[i] is set, with responses y[i] and weights w[i]. */
void xpl__lime_gram_add_bits(xpl__lime_gram *g, const uint64_t *bits,
                             const double *y, const double *w, size_t n);
/* Add n dense samples: row i of z (stride `stride` >= m + 1) holds the m
 * columns and the shifted response in column m; w[i] its weight. */
void xpl__lime_gram_add_dense(xpl__lime_gram *g, const double *z, size_t n,
                              size_t stride, const double *w);
void xpl__lime_gram_center(xpl__lime_gram *g);

/* A fit on a subset of the columns. */
typedef struct xpl__lime_fit {
    size_t k;          /* columns */
    double *coef;      /* k */
    double intercept;  /* in the shifted response's units */
    double r2;         /* weighted R^2 (sklearn's r2_score rules) */
} xpl__lime_fit;

/* Scratch for fits and selection over m columns. */
size_t xpl__lime_fit_bytes(size_t m);

/* Ridge (alpha >= 0, intercept unpenalised) of y on columns cols[0..k) of
 * a centred Gram, like scikit-learn's Ridge with sample_weight (singular
 * systems with alpha 0 use the pseudo-inverse, like its SVD fallback).
 * `coef` has room for k values. */
int xpl__lime_ridge(const xpl__lime_gram *g, const uint32_t *cols, size_t k,
                    double alpha, void *scratch, double *coef,
                    double *intercept, double *r2);

/* lime's feature selection on a centred Gram; z0 is the row's
 * representation (m values). Writes the chosen columns (sorted ascending)
 * to out and returns their number. */
size_t xpl__lime_select(const xpl__lime_gram *g, xpl_lime_selection method,
                        size_t k, const double *z0, void *scratch,
                        uint32_t *out);

/* ------------------------------------------------------------- builds */

/* The sampler is compiled for baseline x86-64 and, where the compiler
 * can, for AVX2 and AVX-512VL; xpl_lime_new picks the best this CPU runs.
 * All give the same bits. For tests: run `build` instead; 0 if this CPU
 * or compiler lacks it. */
enum {
    XPL__LIME_BUILD_BASE = 0,
    XPL__LIME_BUILD_AVX2 = 1,
    XPL__LIME_BUILD_AVX512 = 2
};
int xpl__lime_use_build(xpl_lime *l, int build);

#endif
