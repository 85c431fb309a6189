/* Interventional TreeSHAP: leaves whose table would be too large.
 *
 * A leaf's table has 2^d rows, one per pattern U of x over the d features
 * on its path, and a deep leaf-wise tree has leaves with d up to 20 and
 * more. The background, though, has at most N distinct patterns there.
 * Write q for a reference's failure set (the path features whose
 * conditions it misses). A hybrid reaches the leaf iff every feature meets
 * its conditions with the value it takes, so the reference adds something
 * iff q lies within U, and then A = q (x's side) and B = the complement of
 * U (the reference's side): each feature of q gets
 * v (|q|-1)! |B|! / (|q|+|B|)!, each feature x misses gets
 * -v |q|! (|B|-1)! / (|q|+|B|)! (the leaf game of tree_interv_agg.c).
 *
 * So the leaf keeps its distinct q with their total weight, built once;
 * a row tests each against U (one AND) and credits the few that pass:
 * at most min(N, 2^d) steps of a few instructions per leaf, against N
 * walks down the tree for the per-pair algorithm. */
#include "explainers/tree_shap/tree_interv.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Bits set in v. The baseline x86-64 has no popcnt instruction, and
 * __builtin_popcount becomes a library call there. */
static inline uint32_t bit_count(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    v = (v + (v >> 4)) & 0x0f0f0f0fu;
    return (v * 0x01010101u) >> 24;
}

static uint32_t low_bits(uint32_t d)
{
    return d >= 32 ? UINT32_MAX : (uint32_t)((1u << d) - 1);
}

int xpl__interv_sparse_build(const xpl__ensemble *e, xpl__interv_plan *plan,
                             size_t t)
{
    size_t fl = plan->first_sleaf[t], nl = plan->first_sleaf[t + 1] - fl;
    if (nl == 0)
        return XPL_OK;
    size_t n_bg = plan->n_bg, m = e->n_features;
    uint32_t *mask = xpl__malloc_array(plan->max_tree_nodes + 1,
                                       sizeof *mask);
    /* Per leaf and reference: (q << 32) | reference, sorted per leaf, so
     * that equal q are added up in the background's order. */
    uint64_t *keys = xpl__malloc_array(nl * n_bg + 1, sizeof *keys);
    if (!mask || !keys) {
        free(mask);
        free(keys);
        return xpl__enomem();
    }
    for (size_t r = 0; r < n_bg; r++) {
        xpl__interv_patterns(e, plan, t, plan->bg + r * m, mask);
        for (size_t l = 0; l < nl; l++) {
            const xpl__interv_sleaf *s = &plan->sleaves[fl + l];
            uint32_t q = ~mask[s->node] & low_bits(s->d);
            keys[l * n_bg + r] = (uint64_t)q << 32 | (uint64_t)r;
        }
    }
    for (size_t l = 0; l < nl; l++) {
        xpl__interv_sleaf *s = &plan->sleaves[fl + l];
        uint64_t *k = keys + l * n_bg;
        qsort(k, n_bg, sizeof *k, cmp_u64);
        s->first = plan->n_entries;
        for (size_t i = 0; i < n_bg;) {
            uint32_t q = (uint32_t)(k[i] >> 32);
            double w = 0;
            for (; i < n_bg && (uint32_t)(k[i] >> 32) == q; i++)
                w += plan->weights[(uint32_t)k[i]];
            plan->sq[plan->n_entries] = q;
            plan->sw[plan->n_entries++] = w;
        }
        s->n = plan->n_entries - s->first;
    }
    free(mask);
    free(keys);
    return XPL_OK;
}

void xpl__interv_sparse_prefetch(const xpl__ensemble *e,
                                 const xpl__interv_plan *plan, size_t t)
{
    const xpl__tree *tree = &e->trees[t];
    size_t nv = xpl__tree_n_vals(e, tree);
    const double *values = e->values + tree->first_value;
    size_t fl = plan->first_sleaf[t], nl = plan->first_sleaf[t + 1] - fl;
    if (nl == 0)
        return;
    /* The tree's lists follow each other: one range. */
    const xpl__interv_sleaf *s = plan->sleaves + fl;
    const char *lo = (const char *)(plan->sq + s[0].first);
    const char *hi = (const char *)(plan->sq + s[nl - 1].first + s[nl - 1].n);
    for (const char *c = lo; c < hi; c += 64)
        __builtin_prefetch(c);
    for (size_t l = 0; l < nl; l++)
        __builtin_prefetch(values + (size_t)s[l].node * nv);
}

void xpl__interv_sparse_apply(const xpl__ensemble *e,
                              const xpl__interv_plan *plan, size_t t,
                              const uint32_t *mask, double *phi)
{
    const xpl__tree *tree = &e->trees[t];
    size_t m = e->n_features, nv = xpl__tree_n_vals(e, tree), st = plan->stride;
    uint32_t out = tree->output == XPL__ALL_OUTPUTS ? 0 : tree->output;
    const double *values = e->values + tree->first_value;
    const double *coef = plan->coef;
    size_t fl = plan->first_sleaf[t], nl = plan->first_sleaf[t + 1] - fl;
    for (size_t l = 0; l < nl; l++) {
        const xpl__interv_sleaf *s = &plan->sleaves[fl + l];
        uint32_t full = low_bits(s->d), u = mask[s->node] & full;
        uint32_t miss = full & ~u;
        size_t b = bit_count(miss);
        /* on_x[k]: the weight feature k of U gets; on_r: each missed one. */
        double on_x[XPL__INTERV_MAX_PATH_BITS], on_r = 0;
        int any = 0;
        memset(on_x, 0, s->d * sizeof *on_x);
        const uint32_t *q = plan->sq + s->first;
        const double *w = plan->sw + s->first;
        /* Most entries fail the test, at random: the passing ones are
         * first gathered without a branch, a chunk at a time, then
         * credited. */
        uint32_t pass[256];
        for (size_t lo = 0; lo < s->n; lo += 256) {
            size_t hi = s->n - lo < 256 ? s->n : lo + 256, np = 0;
            for (size_t i = lo; i < hi; i++) {
                pass[np] = (uint32_t)i;
                np += (q[i] & miss) == 0;
            }
            for (size_t j = 0; j < np; j++) {
                size_t i = pass[j], a = bit_count(q[i]);
                on_r += w[i] * coef[b * st + a];
                double cx = w[i] * coef[a * st + b];
                for (uint32_t bits = q[i]; bits; bits &= bits - 1)
                    on_x[__builtin_ctz(bits)] += cx;
            }
            any |= np > 0;
        }
        if (!any)
            continue;
        const uint32_t *feat = plan->feats + s->feat;
        for (size_t k = 0; k < nv; k++) {
            double v = values[(size_t)s->node * nv + k]
                       * plan->out_scale[out + k];
            double *p = phi + (out + k) * m;
            for (uint32_t bits = u; bits; bits &= bits - 1) {
                uint32_t j = (uint32_t)__builtin_ctz(bits);
                p[feat[j]] += v * on_x[j];
            }
            for (uint32_t bits = miss; bits; bits &= bits - 1)
                p[feat[__builtin_ctz(bits)]] -= v * on_r;
        }
    }
}
