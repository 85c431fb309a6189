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

/* ------------------------------------------------------ category sets */

/* A categorical split sends a value to one side by its category code.
 * Libraries differ in how they read a code from a double and where the
 * codes they did not list go; each set records its library's rule.
 * Values are written to model.bin: append only. */
enum xpl__catset_flags {
    XPL__CAT_LISTED_RIGHT = 1u,     /* listed codes go right, every other
                                       code left (XGBoost); else listed
                                       go left, others right (LightGBM) */
    XPL__CAT_TRUNCATE = 2u,         /* code = value truncated toward zero,
                                       valid when -1 < value < 2^31
                                       (LightGBM's int cast); else valid
                                       when 0 <= value < 2^24 (XGBoost's
                                       float codes). Invalid codes and
                                       codes past the set's last word go
                                       the unlisted codes' way */
    XPL__CAT_FLAGS_KNOWN = 3u
};

/* The listed codes of one categorical split: bit c of the words is code c. */
typedef struct xpl__catset {
    uint32_t first_word; /* into the ensemble's cat_words */
    uint32_t n_words;
    uint32_t flags;      /* enum xpl__catset_flags */
} xpl__catset;

/* All sets of an ensemble. */
typedef struct xpl__cattab {
    size_t n_sets;
    size_t n_words;
    const xpl__catset *sets;
    const uint32_t *words;
} xpl__cattab;

/* LightGBM's zero threshold (1e-35f widened to double): values within it
 * are "zero" for splits whose missing type is Zero. */
#define XPL__ZERO_THRESHOLD 1.0000000180025095e-35

/* ------------------------------------------------ building (from readers) */

/* Kinds of split a reader may ask for (tree spec split_kind). */
enum xpl__split_kind {
    XPL__SPLIT_NUMERIC = 0,
    XPL__SPLIT_ZERO_MISSING = 1, /* numeric, and |x| <= XPL__ZERO_THRESHOLD
                                    goes the missing value's way */
    XPL__SPLIT_CATEGORICAL = 2   /* threshold = index of a category set */
};

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
    const unsigned char *split_kind; /* enum xpl__split_kind per node, or
                                        NULL: all numeric */
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
    double link_scale;          /* raw times this before the link; 0 or 1:
                                   none (LightGBM's sigmoid:k) */
    const double *base_score;   /* n_outputs, margin space */
    const char *objective;      /* descriptive, may be NULL */
    size_t n_trees;
    const xpl__tree_spec *trees;
    xpl__cattab cats;           /* category sets of categorical splits */
} xpl__ensemble_spec;

/* The arrays of one tree as a reader fills them, owned by the reader until
 * the model is built (the builder copies what it keeps). */
typedef struct xpl__tree_arrays {
    int64_t *feature, *left, *right;
    double *threshold, *value, *cover;
    unsigned char *default_left, *split_kind;
} xpl__tree_arrays;

/* Every array for a tree of n nodes (default_left and split_kind zeroed);
 * XPL_OK, or XPL_ENOMEM with what was allocated left for
 * xpl__tree_arrays_free. */
int xpl__tree_arrays_alloc(xpl__tree_arrays *a, size_t n);
void xpl__tree_arrays_free(xpl__tree_arrays *a);

/* Category sets as a reader collects them, tree by tree. */
typedef struct xpl__catpool {
    xpl__catset *sets;
    uint32_t *words;
    size_t n_sets, n_words, cap_sets, cap_words;
} xpl__catpool;

/* Append a set of n_words zeroed words with the given flags: *words
 * points at them (valid until the next add), *index is the set's index. */
int xpl__catpool_add(xpl__catpool *p, size_t n_words, uint32_t flags,
                     uint32_t **words, size_t *index);
void xpl__catpool_free(xpl__catpool *p);

static inline xpl__cattab xpl__catpool_table(const xpl__catpool *p)
{
    return (xpl__cattab){ p->n_sets, p->n_words, p->sets, p->words };
}

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
    double threshold; /* NaN for leaves; a categorical split's set index */
    uint32_t feature; /* bits 0-28: split feature (0 for leaves); bit 31:
                         missing values go left (set for leaves); bits 30
                         and 29: categorical, zero-is-missing split */
    uint32_t left;    /* index of the left child within the tree; a leaf's
                         own index */
} xpl__tnode;

#define XPL__TNODE_DEFAULT_LEFT 0x80000000u
#define XPL__TNODE_CATEGORICAL 0x40000000u
#define XPL__TNODE_ZERO_MISSING 0x20000000u
#define XPL__TNODE_SPECIAL (XPL__TNODE_CATEGORICAL | XPL__TNODE_ZERO_MISSING)
#define XPL__TNODE_FEATURE_MASK 0x1fffffffu

/* Node i of a tree is a leaf. */
static inline int xpl__tnode_is_leaf(const xpl__tnode *nodes, size_t i)
{
    return nodes[i].left == i;
}

/* The side (1: right) a value that is not NaN takes at a categorical or
 * zero-is-missing split (LightGBM's NumericalDecision and
 * CategoricalDecision, XGBoost's categorical Decision). Out of line: the
 * numeric walkers inline only the test that leads here. */
uint32_t xpl__tnode_special_right(const xpl__cattab *cats, uint32_t feature,
                                  double threshold, double v, int le);

/* The side (1: right) value v takes at a split with these fields:
 * NaN follows the default direction, numeric splits compare (`le`: go
 * left when v <= threshold, else when v < threshold), categorical and
 * zero-is-missing splits take the slower rule above. The one routing rule
 * every walker and explainer uses. */
static inline uint32_t xpl__tnode_right(const xpl__cattab *cats,
                                        uint32_t feature, double threshold,
                                        double v, int le)
{
    if (v != v)
        return !(feature & XPL__TNODE_DEFAULT_LEFT);
#if defined(__GNUC__)
    if (__builtin_expect((feature & XPL__TNODE_SPECIAL) != 0, 0))
#else
    if (feature & XPL__TNODE_SPECIAL)
#endif
        return xpl__tnode_special_right(cats, feature, threshold, v, le);
    return le ? v > threshold : v >= threshold;
}

typedef struct xpl__tree {
    size_t first_node;  /* index of the root in nodes[] and cover[] */
    size_t n_nodes;
    size_t first_value; /* index of the root's values in values[] */
    uint32_t output;    /* or XPL__ALL_OUTPUTS */
    uint32_t depth;     /* edges on the longest root-to-leaf path */
    size_t n_leaves;
    int missing_ok;     /* default directions are known */
    int special;        /* has categorical or zero-is-missing splits */
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
    double link_scale;  /* 1, or LightGBM's sigmoid:k */
    xpl__tree *trees;
    xpl__tnode *nodes;
    double *cover;      /* n_nodes */
    double *values;     /* per tree n_nodes * n_vals */
    double *base_score; /* n_outputs */
    double *n_feeding;  /* n_outputs: trees feeding each output */
    char *objective;    /* "" if unknown */
    xpl__cattab cats;   /* owned arrays (sets and words) */
    int has_special;    /* some tree has categorical or zero splits */
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
