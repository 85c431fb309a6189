/* Kernel SHAP's regression: weighted least squares of the coalition values
 * on the coalition indicators under the efficiency constraint, its
 * linearised standard errors, and optional L1 feature selection. */
#ifndef XPL_EXPLAINERS_KERNEL_SHAP_FIT_H
#define XPL_EXPLAINERS_KERNEL_SHAP_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "explainers/kernel_shap/coalitions.h"

/*
 * The problem, for m players, coalitions z_c (0/1 vectors), weights w_c,
 * values y_c = v(S_c) - v(empty) and delta = v(all) - v(empty):
 *
 *     minimise sum_c w_c (y_c - z_c . phi)^2  subject to  1 . phi = delta.
 *
 * With U an orthonormal basis of the vectors summing to 0 (the first m - 1
 * columns of the Householder reflection H that maps 1/sqrt(m) to e_m),
 * phi = (delta/m) 1 + U theta and theta solves (U'AU) theta = U'(b -
 * (delta/m) A 1), where A = sum w z z' and b = sum w y z. Hence
 *
 *     phi = (delta/m) 1 + K (b - (delta/m) A 1),   K = U (U'AU)^+ U',
 *
 * which sums to delta exactly whatever the data: efficiency is built in.
 * U'AU is inverted by Cholesky, or, when it is singular or nearly so (too
 * few coalitions), by a pseudo-inverse from its eigen-decomposition: then
 * phi is the solution closest to the equal split delta/m. K also maps the
 * weighted residual sums to the estimate's first-order error, which gives
 * the standard errors.
 */
typedef struct xpl__ks_fit {
    size_t m;    /* players in the regression */
    double *A;   /* m * m: the design matrix A, then scratch */
    double *K;   /* m * m */
    double *a1;  /* m: A 1 */
    double *v;   /* m: Householder vector */
    double *t;   /* m: scratch */
    double *acc; /* (m/2 + 2) (m + 2) + 4 m: standard-error accumulators */
    uint16_t *list; /* m: players of a coalition */
    const uint16_t *cur; /* the list being visited */
    unsigned char *mark; /* m */
    uint16_t *touch;     /* m: players of a unit (standard errors) */
    unsigned char *seen; /* m: marks of touch (mark is complement_list's) */
    /* Optional: the coalitions' player lists (xpl__ks_lists_build), used
     * instead of the masks when every player takes part (map NULL). */
    const xpl__ks_lists *lists;
    int pseudo;  /* the pseudo-inverse was needed */
} xpl__ks_fit;

/* Bytes for a fit of up to m players, and the assignment of that memory. */
size_t xpl__ks_fit_bytes(size_t m);
void xpl__ks_fit_init(xpl__ks_fit *f, void *mem, size_t m);

/* Players of coalition `mask` that take part in the regression, as indices
 * into it: map[j] is player j's index or -1 (map NULL: all, in order).
 * Writes them to f->list and returns their number. */
size_t xpl__ks_fit_members(xpl__ks_fit *f, const uint64_t *mask,
                           size_t words, const int32_t *map);

/* Accumulate A over the n_coal coalitions with w > 0 and factor it.
 * Returns XPL_OK, XPL_ENOMEM (the pseudo-inverse's workspace) or
 * XPL_ENUMERIC. */
int xpl__ks_fit_factor(xpl__ks_fit *f, const uint64_t *masks, size_t words,
                       const double *w, size_t n_coal, const int32_t *map);

/* phi for values y (stride `stride` between coalitions) and delta. */
void xpl__ks_fit_solve(xpl__ks_fit *f, const uint64_t *masks, size_t words,
                       const double *w, size_t n_coal, const int32_t *map,
                       const double *y, size_t stride, double delta,
                       double *phi);

/* Residuals r_c = y_c - z_c . phi for the coalitions with w > 0 (others:
 * 0). */
void xpl__ks_fit_residuals(xpl__ks_fit *f, const uint64_t *masks,
                           size_t words, const double *w, size_t n_coal,
                           const int32_t *map, const double *y,
                           size_t stride, const double *phi, double *r);

/* Variances of phi (m values, added to var) from the linearised error:
 * every selected unit u of a sampled group g contributes the draw
 * psi_u = scale_g * sum_{c in u} r_c K z_c (with multiplicity counts[u],
 * from xpl__ks_plan_weights), and var_j += c sum_g fpc_g s2_gj / n_g,
 * where s2 is the sample variance of the group's draws, c = n / (n - m + 1)
 * over the n sampled units (HC1: fitted residuals are too small), and
 * fpc_g = 1 - n_g / N_g for distinct units of a finite stratum, 1 for draws
 * with replacement, 0 for an enumerated group. A group with a single draw
 * borrows the pooled variance of the others relative to scale^2; with none
 * to borrow from, the variance is NaN. */
void xpl__ks_fit_variance(xpl__ks_fit *f, const xpl__ks_plan *p,
                          size_t n_units, const uint32_t *counts,
                          const double *n_g,
                          const double *scale_g, const int32_t *map,
                          const double *r, double *var);

/* --------------------------------------------------------- L1 selection */

/*
 * Feature selection on shap's augmented problem: every coalition appears
 * twice, as (z, y) with weight w (m - |z|) and as (z - 1, y - delta) with
 * weight w |z| (sizes counted over all players), rows scaled by the square
 * root of the weight; then
 *   - top-k: the first k players to enter the LARS path (least angle
 *     regression without lasso drops, no intercept, unscaled columns);
 *   - AIC/BIC: columns scaled to unit standard deviation (without centring),
 *     then centred with the response (an intercept), the LARS-lasso path,
 *     and the point of the path with the least
 *     n log(2 pi s2) + RSS / s2 + c df, where s2 is the residual variance
 *     of the full least-squares fit (RSS / (n - m - 1)), df the non-zero
 *     coefficients and c = 2 (AIC) or log n (BIC); the selection is the
 *     non-zero coefficients there.
 * This follows shap's l1_reg options ("num_features(k)", "aic", "bic")
 * with scikit-learn's lars_path and LassoLarsIC as shap calls them.
 *
 * Writes the selected players to active (sorted) and returns their number;
 * if nothing is selected, the first player to enter the path is kept, so
 * that efficiency can hold. `mem` is xpl__ks_l1_bytes(n_coal, m) bytes.
 */
size_t xpl__ks_l1_bytes(size_t n_coal, size_t m);
size_t xpl__ks_l1_select(void *mem, int criterion, size_t top_k,
                         const uint64_t *masks, size_t words, size_t m,
                         const double *w, size_t n_coal, const double *y,
                         size_t stride, double delta, uint32_t *active);

#endif
