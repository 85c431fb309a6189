/* Path-dependent TreeSHAP (Lundberg et al. 2018/2020, Algorithm 2): exact
 * Shapley values of a tree ensemble's raw output, conditioning on the
 * training distribution through node covers; no background needed. */
#ifndef XPL_EXPLAINERS_TREE_SHAP_H
#define XPL_EXPLAINERS_TREE_SHAP_H

#include <stddef.h>

#include "models/trees.h"

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
} xpl__tree_shap_plan;

int xpl__tree_shap_plan_new(xpl__tree_shap_plan *plan, const xpl__ensemble *e);
void xpl__tree_shap_plan_free(xpl__tree_shap_plan *plan);

/* Scratch bytes xpl__tree_shap_row needs. */
size_t xpl__tree_shap_scratch(const xpl__ensemble *e,
                              const xpl__tree_shap_plan *plan);

/* Contributions of one row: phi is n_outputs * n_features (row per output),
 * overwritten. base_value + sum of phi equals the raw prediction. A missing
 * value reaching a split of a tree without default directions makes that
 * output's contributions NaN (the prediction is NaN too). */
void xpl__tree_shap_row(const xpl__ensemble *e, const xpl__tree_shap_plan *plan,
                        void *scratch, const double *x, double *phi);

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

#endif
