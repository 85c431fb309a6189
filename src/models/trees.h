/* Tree ensembles: single trees, random forests and gradient boosting, in
 * flat node arrays built for batch prediction and TreeSHAP. */
#ifndef XPL_MODELS_TREES_H
#define XPL_MODELS_TREES_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

/* Documented limits (docs/limits in the model-format spec). */
#define XPL__MAX_TREES ((size_t)1 << 20)
#define XPL__MAX_TREE_NODES ((size_t)1 << 28) /* all trees together */
#define XPL__MAX_TREE_DEPTH 256

/* A tree's output when it contributes to every output (forest classifiers
 * whose leaves hold a class-probability vector). */
#define XPL__ALL_OUTPUTS UINT32_MAX

enum xpl__aggregation {
    XPL__AGG_SUM = 0, /* boosting: raw = base + sum of leaves */
    XPL__AGG_MEAN = 1 /* forests: raw = base + mean of leaves */
};

/* ------------------------------------------------ building (from readers) */

/* One tree as a reader found it: parallel arrays of n_nodes entries, node 0
 * the root. The builder validates everything (indices in range, every node
 * reached at most once, so no cycles; depth bounded) and renumbers. */
typedef struct xpl__tree_spec {
    size_t n_nodes;
    uint32_t output;            /* 0..n_outputs-1, or XPL__ALL_OUTPUTS */
    const int64_t *feature;     /* split feature, or -1 for a leaf */
    const double *threshold;    /* split threshold (ignored for leaves) */
    const int64_t *left;        /* children (ignored for leaves) */
    const int64_t *right;
    const unsigned char *default_left; /* NaN goes left if 1; NULL: this
                                          tree cannot route missing values
                                          and predicts NaN for them */
    const double *value;        /* n_nodes * n_vals (n_vals = 1, or
                                   n_outputs when output is ALL); NaN for an
                                   internal node asks the builder to fill in
                                   the cover-weighted mean of its children */
    const double *cover;        /* n_nodes: sample count or hessian sum */
} xpl__tree_spec;

typedef struct xpl__ensemble_spec {
    size_t n_features;
    size_t n_outputs;
    const char *const *feature_names; /* NULL: f0, f1, ... */
    xpl_link link;
    int aggregation;            /* enum xpl__aggregation */
    int float32_inputs;         /* round inputs to float32 before comparing
                                   (XGBoost, scikit-learn) */
    int compare_le;             /* go left when x <= t (else x < t) */
    int raw_is_probability;     /* raw outputs are probabilities already */
    const double *base_score;   /* n_outputs, margin space */
    const char *objective;      /* descriptive, may be NULL */
    size_t n_trees;
    const xpl__tree_spec *trees;
} xpl__ensemble_spec;

/* The arrays of one tree as a reader fills them, owned by the reader until
 * the model is built (the builder copies what it keeps). */
typedef struct xpl__tree_arrays {
    int64_t *feature, *left, *right;
    double *threshold, *value, *cover;
    unsigned char *default_left;
} xpl__tree_arrays;

void xpl__tree_arrays_free(xpl__tree_arrays *a);

/* Build a tree-ensemble model; `name` prefixes error messages. */
int xpl__trees_model_new(xpl_model **out, const xpl__ensemble_spec *spec,
                         const char *name);

/* ------------------------------------------------------- the built model */

/* A node: 16 bytes, so four share a cache line. Children are adjacent: the
 * right child is left + 1 (nodes are renumbered breadth-first, so a child
 * always comes after its parent). A leaf points to itself with a NaN
 * threshold and missing values going "left": every step from a leaf stays
 * there, so rows can walk a tree for exactly its depth without testing for
 * leaves. */
typedef struct xpl__tnode {
    double threshold; /* NaN for leaves */
    uint32_t feature; /* bits 0-30: split feature (0 for leaves); bit 31:
                         missing values go left (set for leaves) */
    uint32_t left;    /* index of the left child within the tree; a leaf's
                         own index */
} xpl__tnode;

#define XPL__TNODE_DEFAULT_LEFT 0x80000000u
#define XPL__TNODE_FEATURE_MASK 0x7fffffffu

/* Node i of a tree is a leaf. */
static inline int xpl__tnode_is_leaf(const xpl__tnode *nodes, size_t i)
{
    return nodes[i].left == i;
}

typedef struct xpl__tree {
    size_t first_node;  /* index of the root in nodes[] and cover[] */
    size_t n_nodes;
    size_t first_value; /* index of the root's values in values[] */
    uint32_t output;    /* or XPL__ALL_OUTPUTS */
    uint32_t depth;     /* edges on the longest root-to-leaf path */
    size_t n_leaves;
    int missing_ok;     /* default directions are known */
} xpl__tree;

typedef struct xpl__ensemble {
    size_t n_features;
    size_t n_outputs;
    size_t n_trees;
    size_t n_nodes;
    int aggregation;
    int float32_inputs;
    int compare_le;
    int raw_is_probability;
    xpl__tree *trees;
    xpl__tnode *nodes;
    double *cover;      /* n_nodes */
    double *values;     /* per tree n_nodes * n_vals */
    double *base_score; /* n_outputs */
    double *n_feeding;  /* n_outputs: trees feeding each output */
    char *objective;    /* "" if unknown */
} xpl__ensemble;

/* The ensemble of a tree model, or NULL for any other model. */
const xpl__ensemble *xpl__trees_params(const xpl_model *m);

/* Values per node of tree t (1 or n_outputs). */
static inline size_t xpl__tree_n_vals(const xpl__ensemble *e,
                                      const xpl__tree *t)
{
    return t->output == XPL__ALL_OUTPUTS ? e->n_outputs : 1;
}

#endif
