/* LIME's weighted fits, all from one centred weighted Gram matrix of the
 * interpretable columns and the response: the ridge surrogate (scikit-
 * learn's Ridge with sample_weight), its weighted R^2, and lime's feature
 * selections (forward, highest weights, the LARS-lasso path of
 * src/core/lars.c). Working from the Gram matrix makes every fit cost
 * O(k^3) instead of O(n k^2), and the samples never need to be kept. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lars.h"
#include "core/linalg.h"
#include "explainers/lime/lime_internal.h"

/* -------------------------------------------------------------- the Gram */

size_t xpl__lime_gram_bytes(size_t m)
{
    return ((m + 1) + (m + 1) * (m + 1)) * sizeof(double);
}

void xpl__lime_gram_init(xpl__lime_gram *g, void *mem, size_t m)
{
    g->m = m;
    g->W = 0;
    g->s = mem;
    g->G = g->s + (m + 1);
    memset(mem, 0, xpl__lime_gram_bytes(m));
}

void xpl__lime_gram_add(xpl__lime_gram *g, const uint32_t *idx,
                        const double *val, size_t nnz, double y, double w)
{
    size_t n1 = g->m + 1;
    double *yc = g->G + g->m; /* column m, row r at yc[r * n1] */
    for (size_t a = 0; a < nnz; a++) {
        double wa = w * val[a];
        double *row = g->G + (size_t)idx[a] * n1;
        g->s[idx[a]] += wa;
        for (size_t b = a; b < nnz; b++)
            row[idx[b]] += wa * val[b];
        yc[(size_t)idx[a] * n1] += wa * y;
    }
    g->s[g->m] += w * y;
    g->G[g->m * n1 + g->m] += w * y * y;
    g->W += w;
}

void xpl__lime_gram_add_binary(xpl__lime_gram *g, const uint32_t *idx,
                               size_t nnz, double y, double w)
{
    size_t n1 = g->m + 1;
    double wy = w * y;
    for (size_t a = 0; a < nnz; a++) {
        double *row = g->G + (size_t)idx[a] * n1;
        g->s[idx[a]] += w;
        for (size_t b = a; b < nnz; b++)
            row[idx[b]] += w;
        row[g->m] += wy;
    }
    g->s[g->m] += wy;
    g->G[g->m * n1 + g->m] += wy * y;
    g->W += w;
}

/* Samples of at most 64 columns given as bit sets (bit j: column j is 1),
 * their responses and weights. Each sample adds w to G[a][b] for every
 * pair a <= b of its columns: element by element the same additions in
 * the same order as xpl__lime_gram_add_binary, so the same bits, without
 * building index lists. (An AVX-512 version adding 8 columns of a row
 * under a mask was no faster: the rows are read back by the next sample
 * while its stores are in flight.) */
void xpl__lime_gram_add_bits(xpl__lime_gram *g, const uint64_t *bits,
                             const double *y, const double *w, size_t n)
{
    size_t n1 = g->m + 1;
    for (size_t i = 0; i < n; i++) {
        double wi = w[i], wy = wi * y[i];
        for (uint64_t ra = bits[i]; ra; ra &= ra - 1) {
            unsigned a = xpl__lime_ctz64(ra);
            double *row = g->G + (size_t)a * n1;
            g->s[a] += wi;
            for (uint64_t rb = ra; rb; rb &= rb - 1)
                row[xpl__lime_ctz64(rb)] += wi;
            row[g->m] += wy;
        }
        g->s[g->m] += wy;
        g->G[g->m * n1 + g->m] += wy * y[i];
        g->W += wi;
    }
}

/* The samples four at a time: each element of G is loaded and stored once
 * per four samples, and the inner loop runs over contiguous memory with
 * independent elements (no reduction), so the compiler can vectorise it
 * without reassociating sums. */
#if defined(__GNUC__)
#define GRAM_INLINE static inline __attribute__((always_inline))
#else
#define GRAM_INLINE static inline
#endif

GRAM_INLINE void gram_add_dense(xpl__lime_gram *g, const double *z, size_t n,
                                size_t stride, const double *w)
{
    size_t n1 = g->m + 1, i = 0;
    double *restrict G = g->G, *restrict s = g->s;
    for (; i + 4 <= n; i += 4) {
        const double *restrict z0 = z + i * stride, *restrict z1 = z0 + stride,
                     *restrict z2 = z1 + stride, *restrict z3 = z2 + stride;
        double w0 = w[i], w1 = w[i + 1], w2 = w[i + 2], w3 = w[i + 3];
        for (size_t a = 0; a < n1; a++) {
            double a0 = w0 * z0[a], a1 = w1 * z1[a], a2 = w2 * z2[a],
                   a3 = w3 * z3[a];
            double *restrict row = G + a * n1;
            s[a] += ((a0 + a1) + a2) + a3;
            for (size_t b = a; b < n1; b++)
                row[b] += ((a0 * z0[b] + a1 * z1[b]) + a2 * z2[b]) +
                          a3 * z3[b];
        }
        g->W += ((w0 + w1) + w2) + w3;
    }
    for (; i < n; i++) {
        const double *zi = z + i * stride;
        for (size_t a = 0; a < n1; a++) {
            double wa = w[i] * zi[a];
            double *row = G + a * n1;
            s[a] += wa;
            for (size_t b = a; b < n1; b++)
                row[b] += wa * zi[b];
        }
        g->W += w[i];
    }
}

static void gram_add_dense_base(xpl__lime_gram *g, const double *z,
                                size_t n, size_t stride, const double *w)
{
    gram_add_dense(g, z, n, stride, w);
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
/* The same loops for AVX2 (4 doubles per instruction instead of 2),
 * chosen at run time. No FMA: contraction stays off (ISO C mode), and the
 * vectorised loop adds the same products in the same order, so both
 * builds give the same bits. */
__attribute__((target("avx2"))) static void
gram_add_dense_avx2(xpl__lime_gram *g, const double *z, size_t n,
                    size_t stride, const double *w)
{
    gram_add_dense(g, z, n, stride, w);
}
#endif

void xpl__lime_gram_add_dense(xpl__lime_gram *g, const double *z, size_t n,
                              size_t stride, const double *w)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    if (__builtin_cpu_supports("avx2")) {
        gram_add_dense_avx2(g, z, n, stride, w);
        return;
    }
#endif
    gram_add_dense_base(g, z, n, stride, w);
}

void xpl__lime_gram_center(xpl__lime_gram *g)
{
    size_t n1 = g->m + 1;
    for (size_t j = 0; j < n1; j++)
        for (size_t k = j; k < n1; k++) {
            double c = g->G[j * n1 + k] - g->s[j] * g->s[k] / g->W;
            g->G[j * n1 + k] = c;
            g->G[k * n1 + j] = c;
        }
    for (size_t j = 0; j < n1; j++)
        g->s[j] /= g->W;
}

static double gram_at(const xpl__lime_gram *g, size_t j, size_t k)
{
    return g->G[j * (g->m + 1) + k];
}

/* ----------------------------------------------------------- the solves */

enum { LARS_MAX_ITER = 500 }; /* scikit-learn's lars_path default */

size_t xpl__lime_fit_bytes(size_t m)
{
    /* ridge: A (m^2), b, rhs; selection: coefficients, scores, columns,
     * order, the path's counts, and the LARS path's own memory */
    return (2 * m * m + 2 * m + 4) * sizeof(double) +
           (2 * m + 2 + LARS_MAX_ITER + 2) * sizeof(uint32_t) + m + 64 +
           xpl__lars_bytes(m);
}

int xpl__lime_ridge(const xpl__lime_gram *g, const uint32_t *cols, size_t k,
                    double alpha, void *scratch, double *coef,
                    double *intercept, double *r2)
{
    size_t m = g->m;
    double *A = scratch, *A0 = A + k * k;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++)
            A0[i * k + j] = gram_at(g, cols[i], cols[j]);
        coef[i] = gram_at(g, cols[i], m);
    }
    memcpy(A, A0, k * k * sizeof *A);
    for (size_t i = 0; i < k; i++)
        A[i * k + i] += alpha;
    if (xpl__cholesky(A, k, k, NULL, NULL) == 0) {
        xpl__cholesky_solve(A, k, k, coef);
    } else {
        for (size_t i = 0; i < k; i++)
            A0[i * k + i] += alpha;
        int rc = xpl__sym_pinv_solve(k, A0, 1e-12, coef);
        if (rc)
            return rc;
        for (size_t i = 0; i < k; i++)
            A0[i * k + i] -= alpha;
    }
    double icpt = g->s[m];
    for (size_t i = 0; i < k; i++)
        icpt -= coef[i] * g->s[cols[i]];
    if (intercept)
        *intercept = icpt;
    if (r2) {
        /* RSS = yy - 2 b.Xy + b'XXb on the centred (unpenalised) Gram. */
        double tss = gram_at(g, m, m), rss = tss;
        for (size_t i = 0; i < k; i++) {
            double xb = 0;
            for (size_t j = 0; j < k; j++)
                xb += A0[i * k + j] * coef[j];
            rss += coef[i] * (xb - 2 * gram_at(g, cols[i], m));
        }
        if (rss < 0)
            rss = 0;
        /* scikit-learn's r2_score: a constant response scores 1 when fitted
         * perfectly, else 0. */
        *r2 = tss > 0 ? 1 - rss / tss : (rss > 0 ? 0.0 : 1.0);
    }
    return XPL_OK;
}

/* ------------------------------------------------------------ selection */

typedef struct sel_mem {
    double *fit;      /* ridge scratch: 2 m^2 */
    double *coef;     /* m */
    double *score;    /* m */
    uint32_t *cols;   /* m */
    uint32_t *order;  /* m */
    uint32_t *nnz;    /* path points (<= 501) */
    unsigned char *on; /* m (forward's flags) */
    void *lars;       /* xpl__lars_bytes(m), 64-byte aligned */
} sel_mem;

static void sel_layout(sel_mem *s, void *mem, size_t m)
{
    double *d = mem;
    s->fit = d;
    d += 2 * m * m + 2;
    s->coef = d;
    d += m + 1;
    s->score = d;
    d += m + 1;
    uint32_t *u = (uint32_t *)d;
    s->cols = u;
    u += m + 1;
    s->order = u;
    u += m + 1;
    s->nnz = u;
    u += LARS_MAX_ITER + 2;
    s->on = (unsigned char *)u;
    uintptr_t at = (uintptr_t)(s->on + m);
    s->lars = s->on + m + (64 - at % 64) % 64;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Greedy forward selection with unpenalised fits; the first of equal
 * scores wins (lime compares with a strict >). */
static size_t forward(const xpl__lime_gram *g, size_t k, sel_mem *s,
                      uint32_t *out)
{
    size_t m = g->m, n = 0;
    memset(s->on, 0, m);
    for (size_t round = 0; round < k && round < m; round++) {
        double best_score = -1e8;
        uint32_t best = 0;
        memcpy(s->cols, out, n * sizeof *out);
        for (size_t f = 0; f < m; f++) {
            if (s->on[f])
                continue;
            s->cols[n] = (uint32_t)f;
            double r2;
            if (xpl__lime_ridge(g, s->cols, n + 1, 0.0, s->fit, s->coef, NULL,
                                &r2) != XPL_OK)
                r2 = -INFINITY;
            if (r2 > best_score) {
                best_score = r2;
                best = (uint32_t)f;
            }
        }
        s->on[best] = 1;
        out[n++] = best;
    }
    return n;
}

/* The k largest |coef_j z0_j| of a ridge fit (alpha 0.01) on every column;
 * equal values keep column order (Python's stable sort). */
static size_t highest_weights(const xpl__lime_gram *g, size_t k,
                              const double *z0, sel_mem *s, uint32_t *out)
{
    size_t m = g->m;
    for (size_t j = 0; j < m; j++)
        s->cols[j] = (uint32_t)j;
    if (xpl__lime_ridge(g, s->cols, m, 0.01, s->fit, s->coef, NULL, NULL) !=
        XPL_OK)
        memset(s->coef, 0, m * sizeof *s->coef);
    for (size_t j = 0; j < m; j++) {
        s->score[j] = fabs(s->coef[j] * z0[j]);
        s->order[j] = (uint32_t)j;
    }
    /* insertion sort: stable, and m is small next to the sampling */
    for (size_t i = 1; i < m; i++) {
        uint32_t v = s->order[i];
        size_t p = i;
        while (p > 0 && s->score[s->order[p - 1]] < s->score[v]) {
            s->order[p] = s->order[p - 1];
            p--;
        }
        s->order[p] = v;
    }
    size_t n = k < m ? k : m;
    memcpy(out, s->order, n * sizeof *out);
    return n;
}

/*
 * The LARS-lasso path of the centred, weighted problem given by the Gram:
 * X'X = G[0..m, 0..m], X'y = G[., m]. Records the number of non-zero
 * coefficients of each knot (knot 0 being all zeros) in s->nnz and returns
 * the number of knots; if stop_at > 0, stops at that knot and leaves its
 * coefficients in w->beta. The rules of scikit-learn's lars_path(method=
 * "lasso") as lime calls it: exact ties (the first wins), correlations
 * recomputed at every step, float's tiny guarding the step, a singular
 * active set solved through the pseudo-inverse, at most 500 iterations.
 */
static size_t lars_lasso(const xpl__lime_gram *g, sel_mem *s,
                         xpl__lars_work *w, size_t stop_at)
{
    xpl__lars_opts o = {
        .lasso = 1,
        .ties = XPL__LARS_TIES_EXACT,
        .corr = XPL__LARS_CORR_RECOMPUTED,
        .step = XPL__LARS_STEP_FLOAT_TINY,
        .singular = XPL__LARS_SINGULAR_PSEUDO_INVERSE,
        .pivot_tol = 0,
        .max_steps = LARS_MAX_ITER,
        .stop_at = stop_at,
    };
    size_t m = g->m;
    xpl__lars_gram p = { m, g->G, m + 1, g->G + m, m + 1 };
    xpl__lars_work_init(w, s->lars, m);
    return xpl__lars_path(&p, &o, w, NULL, s->nnz);
}

/* lime's choice on the path: from the least regularised point down to
 * point 1, the first with at most k non-zero coefficients (point 1 if
 * none); a path of one point selects every column. */
static size_t lasso_path(const xpl__lime_gram *g, size_t k, sel_mem *s,
                         uint32_t *out)
{
    size_t m = g->m;
    xpl__lars_work w;
    size_t points = lars_lasso(g, s, &w, 0);
    if (points <= 1) {
        for (size_t j = 0; j < m; j++)
            out[j] = (uint32_t)j;
        return m;
    }
    size_t i = points - 1;
    while (i > 1 && s->nnz[i] > k)
        i--;
    lars_lasso(g, s, &w, i);
    size_t n = 0;
    for (size_t j = 0; j < m; j++)
        if (w.beta[j] != 0)
            out[n++] = (uint32_t)j;
    return n;
}

size_t xpl__lime_select(const xpl__lime_gram *g, xpl_lime_selection method,
                        size_t k, const double *z0, void *scratch,
                        uint32_t *out)
{
    size_t m = g->m, n;
    sel_mem s;
    sel_layout(&s, scratch, m);
    if (method == XPL_LIME_SELECT_AUTO)
        method = k <= 6 ? XPL_LIME_SELECT_FORWARD
                        : XPL_LIME_SELECT_HIGHEST_WEIGHTS;
    switch (method) {
    case XPL_LIME_SELECT_FORWARD:
        n = forward(g, k, &s, out);
        break;
    case XPL_LIME_SELECT_HIGHEST_WEIGHTS:
        n = highest_weights(g, k, z0, &s, out);
        break;
    case XPL_LIME_SELECT_LASSO_PATH:
        n = lasso_path(g, k, &s, out);
        break;
    default:
        for (size_t j = 0; j < m; j++)
            out[j] = (uint32_t)j;
        n = m;
        break;
    }
    qsort(out, n, sizeof *out, cmp_u32);
    return n;
}
