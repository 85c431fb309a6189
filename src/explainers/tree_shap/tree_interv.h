/* Interventional TreeSHAP with a fixed background: an immutable plan built
 * once per explainer, then one call per row. Two exact algorithms, chosen
 * per tree (docs/tree-shap-interventional.md):
 *
 *  - per pair: every (row, reference) pair walks the tree once, branching
 *    where the two part ways (tree_interv_pair.c); O(N x visited nodes);
 *  - aggregated: for each leaf, the background is summarised at build time
 *    by which of the leaf's path conditions each reference meets, and
 *    leaves are merged into small blocks; a row then costs a pass over the
 *    nodes above the blocks and one table row per block
 *    (tree_interv_agg.c), whatever N is. Leaves whose tables would be too
 *    large keep, instead, the list of distinct patterns the background
 *    has there (tree_interv_sparse.c): a row scans it, so such a leaf
 *    costs at most min(N, 2^d) cheap steps, not N tree walks. */
#ifndef XPL_EXPLAINERS_TREE_INTERV_H
#define XPL_EXPLAINERS_TREE_INTERV_H

#include <stddef.h>
#include <stdint.h>

#include "models/trees.h"

/* Most index bits a block table may have (features on the path to the
 * block's root plus its inner nodes): 2^bits rows of at most bits doubles
 * per output. */
#define XPL__INTERV_MAX_TABLE_BITS 13
/* Most distinct features on a path of an aggregated tree: patterns are
 * 32-bit words. Deeper trees stay per pair. */
#define XPL__INTERV_MAX_PATH_BITS 32
/* Most internal nodes in one block. */
#define XPL__INTERV_BLOCK_INNER 3
/* Table and pattern-list memory a plan may spend per explainer. */
#define XPL__INTERV_TABLE_BUDGET ((size_t)256 << 20)

enum xpl__interv_mode {
    XPL__INTERV_AUTO = 0,       /* cheaper of the two per tree (the rule in
                                   tree_interv_plan.c) */
    XPL__INTERV_PAIR = 1,       /* per pair everywhere */
    XPL__INTERV_AGGREGATED = 2, /* tables wherever they are allowed
                                   (size, missing values, budget) */
    XPL__INTERV_SPARSE = 3      /* as aggregated, but every leaf through
                                   its pattern list (for the tests) */
};

/* A block of an aggregated tree: the subtree below `node` when it has at
 * most XPL__INTERV_BLOCK_INNER internal nodes (a lone leaf otherwise).
 * What its leaves add to phi depends on x only through x's pattern at
 * `node` (bit k set when x meets every condition the path puts on the
 * path's k-th feature, k < d_root) and x's direction at each inner node,
 * so it is one table row: index pattern + (directions << d_root), the row
 * holding nv * d doubles (per output, per feature of feats[feat ..
 * feat + d)), leaf values and output scale included. */
typedef struct xpl__interv_block {
    uint32_t node;
    uint32_t n_inner;
    uint32_t inner[XPL__INTERV_BLOCK_INNER]; /* preorder; bit i: x goes
                                                right at inner[i] */
    uint32_t inner_feature[XPL__INTERV_BLOCK_INNER]; /* their splits, with */
    double inner_threshold[XPL__INTERV_BLOCK_INNER]; /* default direction */
    uint32_t d_root;
    uint32_t d;
    size_t feat;
    size_t tab;
} xpl__interv_block;

/* An internal node of an aggregated tree above its blocks, for the pattern
 * pass over x: everything it needs in one place, in preorder, nothing else
 * in between. */
typedef struct xpl__interv_step {
    double threshold;
    uint32_t feature; /* with XPL__TNODE_DEFAULT_LEFT */
    uint32_t node;
    uint32_t left;
    uint32_t set;     /* set_bit of the node */
    uint32_t keep;    /* keep_mask of the node */
    uint32_t pad;     /* 32 bytes a step */
} xpl__interv_step;

/* A leaf of an aggregated tree outside every table: the distinct patterns
 * the background has there, as failure sets q (bit k set when the
 * reference misses a condition on the path's k-th feature, k < d) with
 * their total weight, in increasing order of q: entries [first, first + n)
 * of sq and sw. A reference adds to x's values iff q lies within x's
 * pattern U (the leaf game, tree_interv_agg.c). */
typedef struct xpl__interv_sleaf {
    uint32_t node;
    uint32_t d;
    size_t feat;   /* feats[feat .. feat + d): the path's features */
    size_t first;
    size_t n;
} xpl__interv_sleaf;

typedef struct xpl__interv_plan {
    size_t n_features;
    size_t n_bg;
    double *bg;            /* n_bg * n_features, rounded like model inputs */
    double *weights;       /* n_bg, summing to 1 */
    double *out_scale;     /* per output: 1, or 1 / trees feeding it */
    double *coef;          /* coef[a * stride + b] = (a-1)! b! / (a+b)! */
    size_t stride;         /* max depth + 1 */
    size_t max_tree_nodes;
    size_t max_tree_blocks;
    unsigned char *aggregated; /* per tree */
    size_t *first_block;   /* per tree: index in blocks[] (aggregated) */
    xpl__interv_block *blocks;
    uint32_t *feats;
    double *tabs;
    uint32_t *set_bit;     /* per node of an aggregated tree: the path bit
                              of its feature if first met here, else 0
                              (while building; NULL after) */
    uint32_t *keep_mask;   /* per node: all bits but its feature's (idem) */
    xpl__interv_step *steps;
    size_t *first_step;    /* per tree: index in steps[] (aggregated) */
    size_t n_steps;
    size_t n_aggregated;   /* trees */
    size_t table_bytes;
    size_t table_bits;     /* most index bits of a block table in this
                              plan (XPL__INTERV_MAX_TABLE_BITS, less when
                              the budget asks for it) */
    xpl__interv_sleaf *sleaves;
    size_t *first_sleaf;   /* per tree: index in sleaves[] */
    size_t n_sleaves;
    uint32_t *sq;          /* pattern lists of the sparse leaves */
    double *sw;
    size_t n_entries;
    size_t sparse_bytes;   /* sq and sw */
} xpl__interv_plan;

/* Build the plan: bg is n_bg * n_features raw values (copied and rounded),
 * weights n_bg values summing to 1. */
int xpl__interv_plan_new(xpl__interv_plan *plan, const xpl__ensemble *e,
                         const double *bg, const double *weights,
                         size_t n_bg, int mode);
void xpl__interv_plan_free(xpl__interv_plan *plan);

/* Scratch bytes xpl__interv_row needs. */
size_t xpl__interv_scratch(const xpl__ensemble *e,
                           const xpl__interv_plan *plan);

/* Interventional SHAP values of one row: phi is n_outputs * n_features,
 * overwritten; they sum to f(x) - sum_b w_b f(bg_b). A missing value that
 * a tree without default directions would have to route (in x or in a
 * reference) makes that tree's outputs NaN. */
void xpl__interv_row(const xpl__ensemble *e, const xpl__interv_plan *plan,
                     void *scratch, const double *x, double *phi);

/* ---- the two algorithms, for the dispatcher, the tests and the bench */

/* Add tree t's per-pair contributions over the whole background to phi
 * (x already rounded); returns 1 if a missing value met a split without
 * default direction. side is n_features zero bytes, left zero. */
int xpl__interv_pair_tree(const xpl__ensemble *e,
                          const xpl__interv_plan *plan, size_t t,
                          const double *x, unsigned char *side, double *phi);

/* Nodes the per-pair walk of tree t visits for x and the reference r
 * (rounded), side as above. */
size_t xpl__interv_pair_visits(const xpl__ensemble *e, size_t t,
                               const double *x, const double *r,
                               unsigned char *side);

/* Aggregated tree t in two steps, so that the table rows of one tree are
 * fetched from memory while the previous tree is added up. prepare finds
 * x's row of every block of the tree (rows: max_tree_blocks pointers;
 * mask: max_tree_nodes words) and prefetches them; it returns 1,
 * leaving them unset, if x has a missing value the tree cannot route (use
 * the per-pair walk instead). apply adds them to phi. */
int xpl__interv_agg_prepare(const xpl__ensemble *e,
                            const xpl__interv_plan *plan, size_t t,
                            const double *x, uint32_t *mask,
                            const double **rows);
void xpl__interv_agg_apply(const xpl__ensemble *e,
                           const xpl__interv_plan *plan, size_t t,
                           const double *const *rows, double *phi);

/* Fill the tables of aggregated tree t, whose blocks, features and
 * set_bit/keep_mask are in place (at build time); XPL_ENOMEM. */
int xpl__interv_agg_build(const xpl__ensemble *e, xpl__interv_plan *plan,
                          size_t t);

/* Pattern of every node of aggregated tree t for the rounded reference v
 * (mask: n_nodes words; set_bit/keep_mask in place). */
void xpl__interv_patterns(const xpl__ensemble *e,
                          const xpl__interv_plan *plan, size_t t,
                          const double *v, uint32_t *mask);

/* Fill the pattern lists of tree t's sparse leaves (at build time, after
 * its blocks), appending to sq/sw at n_entries; XPL_ENOMEM. */
int xpl__interv_sparse_build(const xpl__ensemble *e, xpl__interv_plan *plan,
                             size_t t);

/* Ask for tree t's pattern lists and sparse leaf values ahead of
 * xpl__interv_sparse_apply. */
void xpl__interv_sparse_prefetch(const xpl__ensemble *e,
                                 const xpl__interv_plan *plan, size_t t);

/* Add what tree t's sparse leaves give x to phi, mask holding x's
 * patterns from xpl__interv_agg_prepare. */
void xpl__interv_sparse_apply(const xpl__ensemble *e,
                              const xpl__interv_plan *plan, size_t t,
                              const uint32_t *mask, double *phi);

#endif
