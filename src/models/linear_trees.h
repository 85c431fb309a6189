/* LightGBM's linear trees (linear_tree=true): the splits route a row to a
 * leaf as in any tree, and the leaf's output is a linear model of the row,
 * leaf_const + sum coeff * x[feature], or the plain leaf_value when one of
 * those features is missing (LightGBM's Tree::Predict with is_linear_). */
#ifndef XPL_MODELS_LINEAR_TREES_H
#define XPL_MODELS_LINEAR_TREES_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

/* The leaves' linear models, all trees together. Tree t's leaves are
 * leaf_start[t] .. leaf_start[t+1] - 1 in LightGBM's leaf order; leaf l's
 * terms are term_start[l] .. term_start[l+1] - 1. */
typedef struct xpl__linear_leaves {
    size_t n_trees, n_leaves, n_terms;
    size_t *leaf_start; /* n_trees + 1 */
    double *leaf_const; /* n_leaves */
    double *leaf_value; /* n_leaves: the output when a term is missing */
    size_t *term_start; /* n_leaves + 1 */
    uint32_t *feature;  /* n_terms */
    double *coeff;      /* n_terms */
} xpl__linear_leaves;

void xpl__linear_leaves_free(xpl__linear_leaves *l);

/* A model over `routing`, a tree model of the same splits whose leaf
 * values are the leaves' indices within their tree (owned on success, as
 * is *leaves, whose arrays are taken; both stay the caller's on failure).
 * Explained by Kernel SHAP and LIME; TreeSHAP refuses it; model.bin 1.2
 * holds it (family 3, LINEAR_LEAVES section). */
int xpl__linear_trees_model_new(xpl_model **out, xpl_model *routing,
                                xpl__linear_leaves *leaves);

/* The routing trees of a linear-tree model (their splits are the model's;
 * their leaf values are indices), or NULL for any other model. */
struct xpl__ensemble;
const struct xpl__ensemble *xpl__linear_trees_routing(const xpl_model *m);

/* The leaves' linear models of a linear-tree model, or NULL for any other
 * model (model.bin writes them). */
const xpl__linear_leaves *xpl__linear_trees_leaves(const xpl_model *m);

#endif
