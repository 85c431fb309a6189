/* Path-dependent TreeSHAP (Lundberg et al. 2018/2020, Algorithm 2): exact
 * Shapley values of a tree ensemble's raw output, conditioning on the
 * training distribution through node covers; no background needed. */
#ifndef XPL_EXPLAINERS_TREE_SHAP_H
#define XPL_EXPLAINERS_TREE_SHAP_H

#include <stddef.h>

#include "models/trees.h"

/* Quadrature tables of the fast path-dependent TreeSHAP
 * (tree_shap_fast.c); opaque. */
typedef struct xpl__tree_shap_fast xpl__tree_shap_fast;

/* Per-ensemble data TreeSHAP needs beyond the model: each node's
 * cover-weighted mean of the leaves below (the expected value of the
 * subtree), per value slot. Immutable once built. */
typedef struct xpl__tree_shap_plan {
    double *node_mean;   /* parallel to the ensemble's values array */
    double *base_value;  /* n_outputs: expected raw output */
    double *out_scale;   /* n_outputs: 1, or 1 / trees feeding the output
                            when the ensemble averages */
    double *icoef;       /* (max_depth+1)^2 interventional leaf weights */
    size_t max_depth;
    xpl__tree_shap_fast *fast; /* per-node tables of xpl__tree_shap_row */
} xpl__tree_shap_plan;

int xpl__tree_shap_plan_new(xpl__tree_shap_plan *plan, const xpl__ensemble *e);
void xpl__tree_shap_plan_free(xpl__tree_shap_plan *plan);

/* Scratch bytes xpl__tree_shap_row (and the reference) need. */
size_t xpl__tree_shap_scratch(const xpl__ensemble *e,
                              const xpl__tree_shap_plan *plan);

/* Contributions of one row: phi is n_outputs * n_features (row per output),
 * overwritten. base_value + sum of phi equals the raw prediction. A missing
 * value reaching a split of a tree without default directions makes that
 * output's contributions NaN (the prediction is NaN too). Computed by
 * Gauss-Legendre quadrature over the trees' nodes (tree_shap_fast.c). */
void xpl__tree_shap_row(const xpl__ensemble *e, const xpl__tree_shap_plan *plan,
                        void *scratch, const double *x, double *phi);

/* The same values by the recursion of Algorithm 2 (O(leaves depth^2) per
 * tree): the tests' reference for xpl__tree_shap_row. */
void xpl__tree_shap_row_reference(const xpl__ensemble *e,
                                  const xpl__tree_shap_plan *plan,
                                  void *scratch, const double *x, double *phi);

/* The fast path's tables (built by xpl__tree_shap_plan_new from the plan's
 * node means and scales; left NULL by compilers without GNU C vector
 * types, and xpl__tree_shap_row then runs the reference), its scratch, its
 * row, and its number of quadrature points (exact for the ensemble's
 * paths; 0 for NULL). */
int xpl__tree_shap_fast_new(xpl__tree_shap_fast **out, const xpl__ensemble *e,
                            const xpl__tree_shap_plan *plan);
void xpl__tree_shap_fast_free(xpl__tree_shap_fast *f);
size_t xpl__tree_shap_fast_scratch(const xpl__ensemble *e,
                                   const xpl__tree_shap_fast *f);
void xpl__tree_shap_fast_row(const xpl__ensemble *e,
                             const xpl__tree_shap_fast *f, void *scratch,
                             const double *x, double *phi);
size_t xpl__tree_shap_fast_points(const xpl__tree_shap_fast *f);
/* SHAP interaction values by the same quadrature (layout as
 * xpl__tree_interactions_row): per tree, the plain game and, for each
 * feature the tree splits on, the games with it held present and absent. */
size_t xpl__tree_shap_fast_inter_scratch(const xpl__ensemble *e,
                                         const xpl__tree_shap_fast *f);
void xpl__tree_shap_fast_interactions(const xpl__ensemble *e,
                                      const xpl__tree_shap_fast *f,
                                      void *scratch, const double *x,
                                      const double *base_value, double *inter);

/* Interventional TreeSHAP: exact Shapley values of the game
 * v(S) = sum_b w_b f(x_S, bg_b,notS) of a tree ensemble's raw output (the
 * background is "independent": features are set to x's or the reference's
 * values). Per (row, reference) pair each tree is walked once, following
 * both branches only where x and the reference part ways: the leaf reached
 * when the features A take x's side and B the reference's adds
 * v (|A|-1)! |B|! / (|A|+|B|)! to each feature of A and subtracts
 * v |A|! (|B|-1)! / (|A|+|B|)! from each of B.
 *
 * bg is n_bg * n_features, weights n_bg values summing to 1. phi as for
 * xpl__tree_shap_row; the values sum to f(x) - sum_b w_b f(bg_b). */
size_t xpl__tree_shap_interventional_scratch(const xpl__ensemble *e,
                                             const xpl__tree_shap_plan *plan);
void xpl__tree_shap_interventional_row(const xpl__ensemble *e,
                                       const xpl__tree_shap_plan *plan,
                                       void *scratch, const double *x,
                                       const double *bg,
                                       const double *weights, size_t n_bg,
                                       double *phi);

/* SHAP interaction values of path-dependent TreeSHAP (as XGBoost's
 * pred_interactions): inter is n_outputs matrices of (M+1) x (M+1), M =
 * n_features, overwritten. Entry (i, j), i != j < M, is half the
 * difference of phi_j between the games with i present and with i absent;
 * (i, i) is phi_i minus the rest of row i, so row i sums to phi_i; (M, M)
 * is the base value, the rest of row and column M is 0. Features no tree
 * splits on cost nothing. NaN as for xpl__tree_shap_row. */
size_t xpl__tree_interactions_scratch(const xpl__ensemble *e,
                                      const xpl__tree_shap_plan *plan);
void xpl__tree_interactions_row(const xpl__ensemble *e,
                                const xpl__tree_shap_plan *plan,
                                void *scratch, const double *x, double *inter);
/* The same by Algorithm 2 with the held feature kept off the path: the
 * tests' reference (and the path without the fast plan). */
void xpl__tree_interactions_row_reference(const xpl__ensemble *e,
                                          const xpl__tree_shap_plan *plan,
                                          void *scratch, const double *x,
                                          double *inter);

#endif
