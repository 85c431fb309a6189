/* The "unique path" bookkeeping shared by the path-dependent TreeSHAP
 * algorithms (Lundberg et al., Algorithm 2): plain contributions and
 * interaction values condition on it in the same way. */
#ifndef XPL_EXPLAINERS_TREE_PATH_H
#define XPL_EXPLAINERS_TREE_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "models/trees.h"

/* One entry of the "unique path" of features met from the root: the
 * fraction of zero paths (feature absent: follow the covers) and one paths
 * (feature present: follow x) that flow through, and the permutation
 * weight of the subsets of each size. */
typedef struct xpl__path_elem {
    int64_t feature; /* -1 for the root's dummy entry */
    double zero;
    double one;
    double weight;
} xpl__path_elem;

/* What a recursive walk of one tree reads: the tree's nodes and covers,
 * the per-node values it sums (nv per node), the row and how it routes. */
typedef struct xpl__tree_view {
    const xpl__tnode *nodes;
    const double *cover;
    const double *values;
    size_t nv;
    const double *x;
    int le;
    const xpl__cattab *cats;
    int missing_ok;
} xpl__tree_view;

/* Tree `tree` of e with per-node values node_values (indexed by the
 * tree's first value) and the row x as the ensemble compares it. */
static inline xpl__tree_view xpl__tree_view_of(const xpl__ensemble *e,
                                               const xpl__tree *tree,
                                               const double *node_values,
                                               const double *x)
{
    xpl__tree_view v = {
        .nodes = e->nodes + tree->first_node,
        .cover = e->cover + tree->first_node,
        .values = node_values + tree->first_value,
        .nv = xpl__tree_n_vals(e, tree),
        .x = x,
        .le = e->compare_le,
        .cats = &e->cats,
        .missing_ok = tree->missing_ok,
    };
    return v;
}

/* The row as the ensemble compares it (float32 models round it). */
static inline void xpl__tree_row(const xpl__ensemble *e, const double *x,
                                 double *row)
{
    for (size_t j = 0; j < e->n_features; j++)
        row[j] = e->float32_inputs ? (double)(float)x[j] : x[j];
}

/* ------------------------------------------------------ path operations */

/* Add a feature to the path of length `len`, updating the weights of every
 * subset size (the path grows to len + 1). */
static inline void xpl__path_extend(xpl__path_elem *m, size_t len, double zero, double one,
                   int64_t feature)
{
    m[len] = (xpl__path_elem){ feature, zero, one, len == 0 ? 1.0 : 0.0 };
    for (size_t i = len; i-- > 0;) {
        m[i + 1].weight += one * m[i].weight * (double)(i + 1)
                           / (double)(len + 1);
        m[i].weight = zero * m[i].weight * (double)(len - i)
                      / (double)(len + 1);
    }
}

/* Remove entry i from a path of length len (it shrinks to len - 1),
 * undoing its effect on the weights. */
static inline void xpl__path_unwind(xpl__path_elem *m, size_t len, size_t i)
{
    size_t l = len - 1;
    double one = m[i].one, zero = m[i].zero;
    double n = m[l].weight;
    for (size_t j = l; j-- > 0;) {
        if (one != 0) {
            double t = m[j].weight;
            m[j].weight = n * (double)(l + 1) / ((double)(j + 1) * one);
            n = t - m[j].weight * zero * (double)(l - j) / (double)(l + 1);
        } else {
            m[j].weight = m[j].weight * (double)(l + 1)
                          / (zero * (double)(l - j));
        }
    }
    for (size_t j = i; j < l; j++) {
        m[j].feature = m[j + 1].feature;
        m[j].zero = m[j + 1].zero;
        m[j].one = m[j + 1].one;
    }
}

/* Before a split on feature f: if f is already on the path (m[1..len-1]),
 * undo its entry and put the fractions it carried in *zero and *one, for
 * both children to carry on; otherwise they are 1. Returns the path's new
 * length. */
static inline size_t xpl__path_take_feature(xpl__path_elem *m, size_t len,
                                            int64_t f, double *zero,
                                            double *one)
{
    *zero = 1;
    *one = 1;
    for (size_t k = 1; k < len; k++)
        if (m[k].feature == f) {
            *zero = m[k].zero;
            *one = m[k].one;
            xpl__path_unwind(m, len, k);
            return len - 1;
        }
    return len;
}

/* Total weight the path would have with entry i removed. */
static inline double xpl__path_unwound_sum(const xpl__path_elem *m, size_t len, size_t i)
{
    size_t l = len - 1;
    double one = m[i].one, zero = m[i].zero;
    double n = m[l].weight, total = 0;
    for (size_t j = l; j-- > 0;) {
        if (one != 0) {
            double t = n * (double)(l + 1) / ((double)(j + 1) * one);
            total += t;
            n = m[j].weight - t * zero * (double)(l - j) / (double)(l + 1);
        } else {
            total += m[j].weight / zero * (double)(l + 1) / (double)(l - j);
        }
    }
    return total;
}

#endif
