#include "models/trees.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "models/model_internal.h"

/* Rows per block: a tree is walked for a whole block while its nodes are in
 * cache, and the float32-rounded copy of a block stays small. */
enum { BLOCK_ROWS = 64 };

/* ---------------------------------------------------------------- routing */

/* The side (1: right) a value that is not NaN takes at a categorical or
 * zero-is-missing split (LightGBM's NumericalDecision and
 * CategoricalDecision, XGBoost's categorical Decision). */
uint32_t xpl__tnode_special_right(const xpl__cattab *cats, uint32_t feature,
                                  double threshold, double v, int le)
{
    if (!(feature & XPL__TNODE_CATEGORICAL)) {
        if (v >= -XPL__ZERO_THRESHOLD && v <= XPL__ZERO_THRESHOLD)
            return !(feature & XPL__TNODE_DEFAULT_LEFT);
        return le ? v > threshold : v >= threshold;
    }
    const xpl__catset *s = &cats->sets[(size_t)threshold];
    uint32_t listed_right = (s->flags & XPL__CAT_LISTED_RIGHT) != 0;
    int valid = s->flags & XPL__CAT_TRUNCATE
                    ? v > -1.0 && v < 2147483648.0
                    : v >= 0.0 && v < 16777216.0;
    if (valid) {
        uint64_t code = (uint64_t)(v < 0 ? 0.0 : v); /* truncates */
        uint64_t word = code >> 5;
        if (word < s->n_words &&
            ((cats->words[s->first_word + word] >> (code & 31)) & 1u))
            return listed_right;
    }
    return !listed_right;
}

/* ------------------------------------------------------------- prediction */

/* Rows walked through a tree together: their independent node loads
 * overlap, where one row alone waits for each load in turn. */
enum { LANES = 8 };

/* One step from node i for a row: branch-free. A leaf steps to itself.
 * Sets *unknown when a missing value meets a split (used by trees without
 * default directions). */
static inline uint32_t step(const xpl__tnode *nodes, uint32_t i,
                            const double *row, int le, uint32_t *unknown)
{
    const xpl__tnode *n = &nodes[i];
    uint32_t f = n->feature;
    double v = row[f & XPL__TNODE_FEATURE_MASK];
    double th = n->threshold;
    uint32_t missing = v != v;
    uint32_t right = le ? (v > th) : (v >= th);
    right |= missing & ~(f >> 31);
    *unknown |= missing & (th == th);
    return n->left + right;
}

/* The same step through any split kind (categorical, zero-is-missing):
 * trees without such splits keep the branch-free step. */
static inline uint32_t step_special(const xpl__ensemble *e,
                                   const xpl__tnode *nodes, uint32_t i,
                                   const double *row, int le,
                                   uint32_t *unknown)
{
    const xpl__tnode *n = &nodes[i];
    double v = row[n->feature & XPL__TNODE_FEATURE_MASK];
    *unknown |= (v != v) & (n->threshold == n->threshold);
    return n->left + xpl__tnode_right(&e->cats, n->feature, n->threshold, v,
                                      le);
}

static inline void add_leaf(const xpl__ensemble *e, const xpl__tree *t,
                            uint32_t leaf, uint32_t unknown, double *out)
{
    const double *values = e->values + t->first_value;
    int nan_out = unknown && !t->missing_ok;
    if (t->output != XPL__ALL_OUTPUTS) {
        out[t->output] += nan_out ? NAN : values[leaf];
        return;
    }
    const double *v = values + (size_t)leaf * e->n_outputs;
    for (size_t k = 0; k < e->n_outputs; k++)
        out[k] += nan_out ? NAN : v[k];
}

/* Add tree t's leaf values for n_rows rows to acc. Each row steps exactly
 * t->depth times (leaves are self-loops). `le` is a constant at each call
 * site, so the compiler emits one loop per comparison. A missing value at a
 * split of a tree without default directions makes the row's output NaN:
 * the prediction is unknown, not a guess. */
static inline void walk_tree(const xpl__ensemble *e, const xpl__tree *t,
                             const double *x, size_t n_rows, double *acc,
                             int le)
{
    const xpl__tnode *nodes = e->nodes + t->first_node;
    size_t m = e->n_features, k_out = e->n_outputs;
    uint32_t depth = t->depth;
    size_t r = 0;
    for (; r + LANES <= n_rows; r += LANES) {
        uint32_t idx[LANES] = { 0 }, unknown[LANES] = { 0 };
        const double *rows = x + r * m;
        for (uint32_t d = 0; d < depth; d++)
            for (int j = 0; j < LANES; j++)
                idx[j] = step(nodes, idx[j], rows + (size_t)j * m, le,
                              &unknown[j]);
        for (int j = 0; j < LANES; j++)
            add_leaf(e, t, idx[j], unknown[j], acc + (r + (size_t)j) * k_out);
    }
    for (; r < n_rows; r++) {
        uint32_t i = 0, unknown = 0;
        for (uint32_t d = 0; d < depth; d++)
            i = step(nodes, i, x + r * m, le, &unknown);
        add_leaf(e, t, i, unknown, acc + r * k_out);
    }
}

static void walk_special(const xpl__ensemble *e, const xpl__tree *t,
                         const double *x, size_t n_rows, double *acc)
{
    const xpl__tnode *nodes = e->nodes + t->first_node;
    size_t m = e->n_features, k_out = e->n_outputs;
    for (size_t r = 0; r < n_rows; r++) {
        uint32_t i = 0, unknown = 0;
        for (uint32_t d = 0; d < t->depth; d++)
            i = step_special(e, nodes, i, x + r * m, e->compare_le, &unknown);
        add_leaf(e, t, i, unknown, acc + r * k_out);
    }
}

static void add_tree(const xpl__ensemble *e, const xpl__tree *t,
                     const double *x, size_t n_rows, double *acc)
{
    if (t->special)
        walk_special(e, t, x, n_rows, acc);
    else if (e->compare_le)
        walk_tree(e, t, x, n_rows, acc, 1);
    else
        walk_tree(e, t, x, n_rows, acc, 0);
}

static size_t trees_scratch(const void *state, size_t n_rows)
{
    const xpl__ensemble *e = state;
    if (!e->float32_inputs)
        return 0;
    size_t rows = n_rows < BLOCK_ROWS ? n_rows : BLOCK_ROWS;
    return rows * e->n_features * sizeof(double);
}

static int trees_predict(const void *state, void *scratch, const double *x,
                         size_t n_rows, size_t n_cols, double *out)
{
    const xpl__ensemble *e = state;
    size_t k_out = e->n_outputs;
    double *rounded = scratch;
    for (size_t start = 0; start < n_rows; start += BLOCK_ROWS) {
        size_t nb = n_rows - start < BLOCK_ROWS ? n_rows - start : BLOCK_ROWS;
        const double *xb = x + start * n_cols;
        if (e->float32_inputs) {
            /* XGBoost and scikit-learn compare float32 inputs: rounding the
             * block once keeps the inner loop a plain double comparison.
             * NaN stays NaN. */
            for (size_t i = 0; i < nb * n_cols; i++)
                rounded[i] = (double)(float)xb[i];
            xb = rounded;
        }
        double *acc = out + start * k_out;
        int mean = e->aggregation == XPL__AGG_MEAN;
        /* Boosting adds trees to the base score in order, as the training
         * libraries do; forests average first and add the base after. */
        for (size_t r = 0; r < nb; r++)
            for (size_t k = 0; k < k_out; k++)
                acc[r * k_out + k] = mean ? 0.0 : e->base_score[k];
        for (size_t t = 0; t < e->n_trees; t++)
            add_tree(e, &e->trees[t], xb, nb, acc);
        if (mean)
            for (size_t r = 0; r < nb; r++)
                for (size_t k = 0; k < k_out; k++)
                    acc[r * k_out + k] = acc[r * k_out + k] / e->n_feeding[k]
                                         + e->base_score[k];
    }
    return 0;
}

static void ensemble_free(void *state)
{
    xpl__ensemble *e = state;
    if (!e)
        return;
    free(e->trees);
    free(e->nodes);
    free(e->cover);
    free(e->values);
    free(e->base_score);
    free(e->n_feeding);
    free(e->objective);
    free((void *)e->cats.sets);
    free((void *)e->cats.words);
    free(e);
}

static const xpl_adapter trees_ops = {
    .version = XPL_ADAPTER_VERSION,
    .name = "tree_ensemble",
    .scratch_size = trees_scratch,
    .predict_batch = trees_predict,
    .destroy = ensemble_free,
};

const xpl__ensemble *xpl__trees_params(const xpl_model *m)
{
    return m && m->family == XPL__FAMILY_TREES ? m->state : NULL;
}

/* --------------------------------------------------------------- building */

int xpl__tree_arrays_alloc(xpl__tree_arrays *a, size_t n)
{
    a->feature = xpl__malloc_array(n, sizeof *a->feature);
    a->left = xpl__malloc_array(n, sizeof *a->left);
    a->right = xpl__malloc_array(n, sizeof *a->right);
    a->threshold = xpl__malloc_array(n, sizeof *a->threshold);
    a->value = xpl__malloc_array(n, sizeof *a->value);
    a->cover = xpl__malloc_array(n, sizeof *a->cover);
    a->default_left = xpl__calloc_array(n, 1);
    a->split_kind = xpl__calloc_array(n, 1);
    return a->feature && a->left && a->right && a->threshold && a->value &&
                   a->cover && a->default_left && a->split_kind
               ? XPL_OK
               : XPL_ENOMEM;
}

void xpl__tree_arrays_free(xpl__tree_arrays *a)
{
    free(a->feature);
    free(a->left);
    free(a->right);
    free(a->threshold);
    free(a->value);
    free(a->cover);
    free(a->default_left);
    free(a->split_kind);
}

static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return XPL_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *bigger = xpl__malloc_array(n, elem);
    if (!bigger)
        return xpl__enomem();
    if (*cap)
        memcpy(bigger, *v, *cap * elem);
    free(*v);
    *v = bigger;
    *cap = n;
    return XPL_OK;
}

int xpl__catpool_add(xpl__catpool *p, size_t n_words, uint32_t flags,
                     uint32_t **words, size_t *index)
{
    if (p->n_sets >= UINT32_MAX || n_words > UINT32_MAX - p->n_words)
        return xpl__error(XPL_ELIMIT, "more than 2^32 category sets or "
                          "words");
    int rc = grow((void **)&p->sets, &p->cap_sets, p->n_sets + 1,
                  sizeof *p->sets);
    if (!rc)
        rc = grow((void **)&p->words, &p->cap_words, p->n_words + n_words + 1,
                  sizeof *p->words);
    if (rc)
        return rc;
    p->sets[p->n_sets] = (xpl__catset){ (uint32_t)p->n_words,
                                        (uint32_t)n_words, flags };
    *words = p->words + p->n_words;
    memset(*words, 0, n_words * sizeof **words);
    *index = p->n_sets++;
    p->n_words += n_words;
    return XPL_OK;
}

void xpl__catpool_free(xpl__catpool *p)
{
    free(p->sets);
    free(p->words);
    memset(p, 0, sizeof *p);
}

/* Count what the ensemble needs and check every count and index that sizes
 * an allocation, before allocating. */
static int check_spec(const xpl__ensemble_spec *s, const char *name,
                      size_t *n_nodes, size_t *n_values)
{
    int rc = xpl__check_model_shape(s->n_features, s->n_outputs, s->link);
    if (rc)
        return xpl__error_in_file(rc, name);
    if (s->n_features > XPL__TNODE_FEATURE_MASK)
        return xpl__error(XPL_ELIMIT, "%s: too many features", name);
    if (s->aggregation != XPL__AGG_SUM && s->aggregation != XPL__AGG_MEAN)
        return xpl__error(XPL_EINVAL, "%s: unknown aggregation %d", name,
                          s->aggregation);
    if (s->n_trees == 0)
        return xpl__error(XPL_EFORMAT, "%s: the ensemble has no trees", name);
    if (s->n_trees > XPL__MAX_TREES)
        return xpl__error(XPL_ELIMIT, "%s: %zu trees: more than the limit %zu",
                          name, s->n_trees, XPL__MAX_TREES);
    if (!isfinite(s->link_scale) || s->link_scale < 0)
        return xpl__error(XPL_EFORMAT, "%s: link scale %g: must be finite "
                          "and > 0", name, s->link_scale);
    for (size_t k = 0; k < s->n_outputs; k++)
        if (!isfinite(s->base_score[k]))
            return xpl__error(XPL_EFORMAT, "%s: base score %zu is not finite",
                              name, k);
    /* the objective is a property and a model.bin string: bounded UTF-8 */
    if (s->objective && (strlen(s->objective) > XPL_MAX_NAME_LENGTH ||
                         !xpl__utf8_valid(s->objective,
                                          strlen(s->objective))))
        return xpl__error(XPL_EFORMAT, "%s: the objective's name is too "
                          "long or not valid UTF-8", name);
    const xpl__cattab *c = &s->cats;
    if ((c->n_sets && !c->sets) || (c->n_words && !c->words) ||
        c->n_sets > UINT32_MAX || c->n_words > UINT32_MAX)
        return xpl__error(XPL_EFORMAT, "%s: bad category set table", name);
    for (size_t i = 0; i < c->n_sets; i++) {
        const xpl__catset *cs = &c->sets[i];
        if (cs->flags & ~(uint32_t)XPL__CAT_FLAGS_KNOWN)
            return xpl__error(XPL_EFORMAT, "%s: category set %zu: undefined "
                              "flags 0x%lx", name, i,
                              (unsigned long)cs->flags);
        if (cs->first_word > c->n_words ||
            cs->n_words > c->n_words - cs->first_word)
            return xpl__error(XPL_EFORMAT, "%s: category set %zu: words "
                              "%lu..%lu out of range (%zu words)", name, i,
                              (unsigned long)cs->first_word,
                              (unsigned long)cs->first_word +
                                  (unsigned long)cs->n_words,
                              c->n_words);
    }
    size_t nodes = 0, values = 0;
    for (size_t t = 0; t < s->n_trees; t++) {
        const xpl__tree_spec *ts = &s->trees[t];
        if (ts->n_nodes == 0)
            return xpl__error(XPL_EFORMAT, "%s: tree %zu has no nodes", name, t);
        if (ts->n_nodes > XPL__MAX_TREE_NODES - nodes)
            return xpl__error(XPL_ELIMIT, "%s: more than %zu nodes in all "
                              "trees", name, XPL__MAX_TREE_NODES);
        if (ts->output != XPL__ALL_OUTPUTS && ts->output >= s->n_outputs)
            return xpl__error(XPL_EFORMAT, "%s: tree %zu: output %lu out of "
                              "range (%zu outputs)", name, t,
                              (unsigned long)ts->output, s->n_outputs);
        size_t n_vals = ts->output == XPL__ALL_OUTPUTS ? s->n_outputs : 1;
        size_t tv;
        if (!xpl__mul_ok(ts->n_nodes, n_vals, &tv) || tv > SIZE_MAX - values)
            return xpl__error(XPL_ELIMIT, "%s: too many leaf values", name);
        nodes += ts->n_nodes;
        values += tv;
    }
    *n_nodes = nodes;
    *n_values = values;
    return XPL_OK;
}

/* Walk one tree breadth-first from the root, validating as we go, and write
 * it renumbered so that siblings are adjacent. Nodes no path reaches (XGBoost
 * keeps deleted nodes) are dropped. Returns the number of nodes kept. */
static int build_tree(xpl__ensemble *e, const xpl__tree_spec *ts, size_t t,
                      size_t *order, size_t *new_index, uint32_t *depth,
                      const char *name)
{
    xpl__tree *tree = &e->trees[t];
    size_t n = ts->n_nodes, n_vals = xpl__tree_n_vals(e, tree);
    for (size_t i = 0; i < n; i++)
        new_index[i] = SIZE_MAX;
    order[0] = 0;
    new_index[0] = 0;
    depth[0] = 0;
    size_t kept = 1, leaves = 0;
    uint32_t max_depth = 0;
    for (size_t q = 0; q < kept; q++) {
        size_t i = order[q];
        int64_t f = ts->feature[i];
        if (f < 0) {
            leaves++;
            continue;
        }
        if ((uint64_t)f >= e->n_features)
            return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: split "
                              "feature %lld out of range (%zu features)",
                              name, t, i, (long long)f, e->n_features);
        if (isnan(ts->threshold[i]))
            return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: threshold "
                              "is NaN", name, t, i);
        unsigned kind = ts->split_kind ? ts->split_kind[i] : 0;
        if (kind > XPL__SPLIT_CATEGORICAL)
            return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: unknown "
                              "split kind %u", name, t, i, kind);
        if (kind == XPL__SPLIT_CATEGORICAL &&
            !(ts->threshold[i] >= 0 &&
              ts->threshold[i] < (double)e->cats.n_sets &&
              ts->threshold[i] == floor(ts->threshold[i])))
            return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: category "
                              "set %g out of range (%zu sets)", name, t, i,
                              ts->threshold[i], e->cats.n_sets);
        if (kind != XPL__SPLIT_NUMERIC && !ts->default_left)
            return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: a "
                              "categorical or zero-is-missing split needs "
                              "default directions", name, t, i);
        int64_t child[2] = { ts->left[i], ts->right[i] };
        for (int c = 0; c < 2; c++) {
            if (child[c] < 0 || (uint64_t)child[c] >= n)
                return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: %s "
                                  "child %lld out of range (%zu nodes)", name,
                                  t, i, c ? "right" : "left",
                                  (long long)child[c], n);
            if (new_index[child[c]] != SIZE_MAX)
                return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: node "
                                  "%lld is reached twice (a cycle or a shared "
                                  "child)", name, t, i, (long long)child[c]);
            if (depth[q] + 1 > XPL__MAX_TREE_DEPTH)
                return xpl__error(XPL_ELIMIT, "%s: tree %zu is deeper than "
                                  "the limit %d", name, t,
                                  XPL__MAX_TREE_DEPTH);
            new_index[child[c]] = kept;
            order[kept] = (size_t)child[c];
            depth[kept] = depth[q] + 1;
            if (depth[kept] > max_depth)
                max_depth = depth[kept];
            kept++;
        }
    }

    tree->n_nodes = kept;
    tree->depth = max_depth;
    tree->n_leaves = leaves;
    tree->missing_ok = ts->default_left != NULL;
    xpl__tnode *nodes = e->nodes + tree->first_node;
    double *cover = e->cover + tree->first_node;
    double *values = e->values + tree->first_value;
    for (size_t q = 0; q < kept; q++) {
        size_t i = order[q];
        int leaf = ts->feature[i] < 0;
        if (!(ts->cover[i] >= 0) || isinf(ts->cover[i]))
            return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: cover must "
                              "be finite and >= 0", name, t, i);
        cover[q] = ts->cover[i];
        for (size_t v = 0; v < n_vals; v++) {
            double val = ts->value[i * n_vals + v];
            if (leaf ? !isfinite(val) : isinf(val))
                return xpl__error(XPL_EFORMAT, "%s: tree %zu, node %zu: %s "
                                  "value is not finite", name, t, i,
                                  leaf ? "leaf" : "node");
            values[q * n_vals + v] = val;
        }
        if (leaf) {
            nodes[q] = (xpl__tnode){ NAN, XPL__TNODE_DEFAULT_LEFT,
                                     (uint32_t)q };
            continue;
        }
        uint32_t flags = ts->default_left && ts->default_left[i]
                             ? XPL__TNODE_DEFAULT_LEFT : 0;
        unsigned kind = ts->split_kind ? ts->split_kind[i] : 0;
        if (kind == XPL__SPLIT_CATEGORICAL)
            flags |= XPL__TNODE_CATEGORICAL;
        else if (kind == XPL__SPLIT_ZERO_MISSING)
            flags |= XPL__TNODE_ZERO_MISSING;
        if (kind != XPL__SPLIT_NUMERIC)
            tree->special = 1;
        nodes[q] = (xpl__tnode){ ts->threshold[i],
                                 (uint32_t)ts->feature[i] | flags,
                                 (uint32_t)new_index[ts->left[i]] };
    }
    /* Internal values left NaN by the reader: cover-weighted mean of the
     * children, bottom-up (children always follow their parent now). */
    for (size_t q = kept; q-- > 0;) {
        if (xpl__tnode_is_leaf(nodes, q))
            continue;
        size_t l = nodes[q].left, r = l + 1;
        double cl = cover[l], cr = cover[r];
        double wl = cl + cr > 0 ? cl / (cl + cr) : 0.5;
        for (size_t v = 0; v < n_vals; v++)
            if (isnan(values[q * n_vals + v]))
                values[q * n_vals + v] = wl * values[l * n_vals + v]
                                         + (1 - wl) * values[r * n_vals + v];
    }
    return XPL_OK;
}

/* "categorical features": the features categorical splits test, with
 * their number of splits, for `explain info`. Property values are short:
 * the list ends with "and N more" when it would not fit. */
static int add_categorical_property(xpl_model *m, const xpl__ensemble *e)
{
    size_t *count = xpl__calloc_array(e->n_features, sizeof *count);
    if (!count)
        return xpl__enomem();
    for (size_t i = 0; i < e->n_nodes; i++)
        if (e->nodes[i].feature & XPL__TNODE_CATEGORICAL)
            count[e->nodes[i].feature & XPL__TNODE_FEATURE_MASK]++;
    char text[200] = "";
    size_t len = 0, more = 0;
    for (size_t j = 0; j < e->n_features; j++) {
        if (!count[j])
            continue;
        char item[160];
        int n = snprintf(item, sizeof item, "%s%s (%zu split%s)",
                         len ? ", " : "", m->feature_names[j], count[j],
                         count[j] == 1 ? "" : "s");
        if (more || n < 0 || (size_t)n >= sizeof text - 24 - len) {
            more++;
            continue;
        }
        memcpy(text + len, item, (size_t)n + 1);
        len += (size_t)n;
    }
    free(count);
    if (!len && !more)
        return XPL_OK;
    if (more)
        return xpl__model_add_property(m, "categorical features",
                                       "%s and %zu more", text, more);
    return xpl__model_add_property(m, "categorical features", "%s", text);
}

static int add_properties(xpl_model *m, const xpl__ensemble *e)
{
    size_t leaves = 0;
    uint32_t depth = 0;
    for (size_t t = 0; t < e->n_trees; t++) {
        leaves += e->trees[t].n_leaves;
        if (e->trees[t].depth > depth)
            depth = e->trees[t].depth;
    }
    int rc = xpl__model_add_property(m, "trees", "%zu", e->n_trees);
    if (!rc)
        rc = xpl__model_add_property(m, "max depth", "%lu",
                                     (unsigned long)depth);
    if (!rc)
        rc = xpl__model_add_property(m, "leaves", "%zu", leaves);
    if (!rc)
        rc = xpl__model_add_property(m, "aggregation", "%s",
                                     e->aggregation == XPL__AGG_MEAN ? "mean"
                                                                     : "sum");
    if (!rc && e->objective[0])
        rc = xpl__model_add_property(m, "objective", "%s", e->objective);
    if (!rc && e->link_scale != 1.0)
        rc = xpl__model_add_property(m, "link scale", "%.15g", e->link_scale);
    if (!rc && e->has_special)
        rc = add_categorical_property(m, e);
    return rc;
}

/* xpl__model_row_cost: depth + leaf values added per tree, plus P / 8 for
 * rounding the inputs to float32. */
static double row_cost(const xpl__ensemble *e)
{
    double steps = e->float32_inputs ? (double)e->n_features / 8 : 0;
    for (size_t t = 0; t < e->n_trees; t++)
        steps += (double)e->trees[t].depth +
                 (double)xpl__tree_n_vals(e, &e->trees[t]);
    return steps;
}

int xpl__trees_model_new(xpl_model **out, const xpl__ensemble_spec *s,
                         const char *name)
{
    *out = NULL;
    size_t n_nodes = 0, n_values = 0;
    int rc = check_spec(s, name, &n_nodes, &n_values);
    if (rc)
        return rc;

    xpl__ensemble *e = calloc(1, sizeof *e);
    if (!e)
        return xpl__enomem();
    e->n_features = s->n_features;
    e->n_outputs = s->n_outputs;
    e->n_trees = s->n_trees;
    e->aggregation = s->aggregation;
    e->float32_inputs = s->float32_inputs != 0;
    e->compare_le = s->compare_le != 0;
    e->raw_is_probability = s->raw_is_probability != 0;
    e->link_scale = s->link_scale == 0 ? 1.0 : s->link_scale;
    e->trees = xpl__calloc_array(s->n_trees, sizeof *e->trees);
    e->nodes = xpl__malloc_array(n_nodes, sizeof *e->nodes);
    e->cover = xpl__malloc_array(n_nodes, sizeof *e->cover);
    e->values = xpl__malloc_array(n_values, sizeof *e->values);
    e->base_score = xpl__malloc_array(s->n_outputs, sizeof *e->base_score);
    e->n_feeding = xpl__calloc_array(s->n_outputs, sizeof *e->n_feeding);
    e->objective = xpl__strdup(s->objective ? s->objective : "");

    /* Scratch for one tree's walk, sized for the largest tree. */
    size_t largest = 0;
    for (size_t t = 0; t < s->n_trees; t++)
        if (s->trees[t].n_nodes > largest)
            largest = s->trees[t].n_nodes;
    size_t *order = xpl__malloc_array(largest, sizeof *order);
    size_t *new_index = xpl__malloc_array(largest, sizeof *new_index);
    uint32_t *depth = xpl__malloc_array(largest, sizeof *depth);
    if (!e->trees || !e->nodes || !e->cover || !e->values || !e->base_score ||
        !e->n_feeding || !e->objective || !order || !new_index || !depth) {
        rc = xpl__enomem();
        goto fail;
    }
    memcpy(e->base_score, s->base_score, s->n_outputs * sizeof(double));
    if (s->cats.n_sets) {
        xpl__catset *sets = xpl__malloc_array(s->cats.n_sets, sizeof *sets);
        uint32_t *words = xpl__malloc_array(s->cats.n_words ? s->cats.n_words
                                                            : 1,
                                            sizeof *words);
        e->cats.sets = sets;
        e->cats.words = words;
        if (!sets || !words) {
            rc = xpl__enomem();
            goto fail;
        }
        memcpy(sets, s->cats.sets, s->cats.n_sets * sizeof *sets);
        if (s->cats.n_words)
            memcpy(words, s->cats.words, s->cats.n_words * sizeof *words);
        e->cats.n_sets = s->cats.n_sets;
        e->cats.n_words = s->cats.n_words;
    }

    size_t node_at = 0, value_at = 0;
    for (size_t t = 0; t < s->n_trees; t++) {
        xpl__tree *tree = &e->trees[t];
        /* With one output, a tree for "all" outputs is the tree for
         * output 0 (the same single value per node): store it so, since
         * explainers index outputs by tree->output when a tree has one
         * value per node. */
        tree->output = s->trees[t].output == XPL__ALL_OUTPUTS &&
                               s->n_outputs == 1
                           ? 0
                           : s->trees[t].output;
        tree->first_node = node_at;
        tree->first_value = value_at;
        if ((rc = build_tree(e, &s->trees[t], t, order, new_index, depth,
                             name)))
            goto fail;
        node_at += tree->n_nodes;
        e->has_special |= tree->special;
        value_at += tree->n_nodes * xpl__tree_n_vals(e, tree);
        if (tree->output == XPL__ALL_OUTPUTS)
            for (size_t k = 0; k < e->n_outputs; k++)
                e->n_feeding[k] += 1;
        else
            e->n_feeding[tree->output] += 1;
    }
    e->n_nodes = node_at;
    for (size_t k = 0; k < e->n_outputs; k++) {
        if (e->n_feeding[k] == 0 && e->aggregation == XPL__AGG_MEAN) {
            rc = xpl__error(XPL_EFORMAT, "%s: no tree feeds output %zu of "
                            "an averaged ensemble", name, k);
            goto fail;
        }
    }
    free(order);
    free(new_index);
    free(depth);
    order = NULL;
    new_index = NULL;
    depth = NULL;

    xpl_model *m;
    rc = xpl__model_new(&m, &trees_ops, e, XPL__FAMILY_TREES, s->n_features,
                        s->n_outputs, s->feature_names, s->link);
    if (rc) {
        rc = xpl__error_in_file(rc, name);
        goto fail;
    }
    m->raw_is_probability = s->raw_is_probability != 0;
    m->link_scale = e->link_scale;
    m->row_cost = row_cost(e);
    if ((rc = add_properties(m, e))) {
        xpl_model_free(m);
        return rc;
    }
    *out = m;
    return XPL_OK;
fail:
    free(order);
    free(new_index);
    free(depth);
    ensemble_free(e);
    return rc;
}
