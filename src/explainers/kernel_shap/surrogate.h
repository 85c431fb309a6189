/* The regression adjustment of xplain's Kernel SHAP sampler: a small
 * gradient-boosted tree ensemble g over the coalition indicators, fitted to
 * the residuals of a Kernel SHAP fit, whose Shapley values are computed
 * exactly. The adjusted estimate is phi(g) + KernelSHAP(v - g): when g
 * captures the interactions that the linear regression cannot, the sampled
 * part has less left to estimate. */
#ifndef XPL_EXPLAINERS_SURROGATE_H
#define XPL_EXPLAINERS_SURROGATE_H

#include <stddef.h>
#include <stdint.h>

#include "explainers/kernel_shap/coalitions.h"

/* At most this many trees, the depth and the smallest leaf (coalitions).
 * Depth 4 reaches interactions of order 3 and 4; pairs of complementary
 * coalitions already make Kernel SHAP exact for order 2. The number of
 * trees of a fit is chosen by the caller (kernel_shap.c sizes it against
 * the cost of the model evaluations), the learning rate with it. */
#define XPL__KS_SUR_TREES 50
#define XPL__KS_SUR_DEPTH 4
#define XPL__KS_SUR_MIN_LEAF 3

#define XPL__KS_SUR_NODES ((1 << (XPL__KS_SUR_DEPTH + 1)) - 1)

typedef struct xpl__ks_surrogate {
    size_t m;
    double f0;                    /* the initial constant */
    int32_t *feature;             /* trees * NODES: split player, -1 leaf */
    double *value;                /* trees * NODES: leaf values */
    size_t n_trees;
    double rate;                  /* learning rate of this fit */
    /* scratch */
    uint32_t *idx;                /* coalitions in the fit */
    uint32_t *ord;                /* fit samples, grouped by node */
    uint32_t *tmp;                /* partition scratch */
    double *F;                    /* current fit per sample */
    double *grad;                 /* gradient per sample */
    double *root_w;               /* m: weight of the samples holding j */
    double *sums[2];              /* per node of a level: 2 m + 8 sums */
    const xpl__ks_lists *lists;
} xpl__ks_surrogate;

size_t xpl__ks_surrogate_bytes(size_t n_coal, size_t m);
void xpl__ks_surrogate_init(xpl__ks_surrogate *s, void *mem, size_t n_coal,
                            size_t m);

/* The learning rate that goes with n_trees (1 .. XPL__KS_SUR_TREES): 0.2
 * for the full ensemble, larger for fewer trees, so that a short ensemble
 * still fits most of what it can: 1 - 0.8^(50 / n_trees), capped at 0.5. */
double xpl__ks_surrogate_rate(size_t n_trees);

/* Fit g, n_trees trees (1 .. XPL__KS_SUR_TREES) at learning rate
 * xpl__ks_surrogate_rate(n_trees), to targets r over the coalitions with
 * w > 0 (weighted squared error), using their player lists. With `paired`,
 * coalitions 2k and 2k+1 are complements with equal weights (xplain's
 * plans). phi (m values): the exact Shapley values of the game
 * S -> g(1_S); g0 = g(empty coalition), g1 = g(all players). */
int xpl__ks_surrogate_fit(xpl__ks_surrogate *s, const xpl__ks_lists *lists,
                          const uint64_t *masks, size_t words, size_t m,
                          const double *w, const double *r, size_t n_coal,
                          int paired, size_t n_trees, double *phi, double *g0,
                          double *g1);

/* out[c] = g(z_c) for the coalitions with w > 0 (others untouched). */
void xpl__ks_surrogate_predict(const xpl__ks_surrogate *s,
                               const uint64_t *masks, size_t words,
                               size_t n_coal, const double *w, double *out);

#endif
