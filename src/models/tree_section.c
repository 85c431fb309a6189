#include "models/tree_section.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Ensemble flags. Values are written to files: append only. */
enum {
    FLAG_FLOAT32_INPUTS = 1u,
    FLAG_COMPARE_LE = 2u,
    FLAG_RAW_IS_PROBABILITY = 4u,
    FLAG_SPECIAL_SPLITS = 8u, /* node flag bytes carry split kinds, and
                                 the category sets follow the trees */
    FLAG_LINK_SCALE = 16u,    /* an f64 link scale follows the objective */
    FLAGS_KNOWN = 31u
};

/* A node's flag byte (the default-direction byte of version 1.0). */
enum {
    NODE_DEFAULT_LEFT = 1u,
    NODE_ZERO_MISSING = 2u,
    NODE_CATEGORICAL = 4u
};

/* first_word, n_words, flags */
#define CATSET_BYTES 12u

#define LEAF_FEATURE UINT32_MAX
/* feature u32, default_left u8, left u32, threshold f64, cover f64 */
#define NODE_BYTES 25u

void xpl__tree_section_write(xpl__writer *w, const xpl__ensemble *e)
{
    uint32_t flags = (e->float32_inputs ? FLAG_FLOAT32_INPUTS : 0) |
                     (e->compare_le ? FLAG_COMPARE_LE : 0) |
                     (e->raw_is_probability ? FLAG_RAW_IS_PROBABILITY : 0) |
                     (e->has_special ? FLAG_SPECIAL_SPLITS : 0) |
                     (e->link_scale != 1.0 ? FLAG_LINK_SCALE : 0);
    xpl__put_u32(w, (uint32_t)e->aggregation);
    xpl__put_u32(w, flags);
    for (size_t k = 0; k < e->n_outputs; k++)
        xpl__put_f64(w, e->base_score[k]);
    size_t objective_len = strlen(e->objective);
    xpl__put_u8(w, objective_len > 0);
    if (objective_len)
        xpl__put_string(w, e->objective, objective_len);
    if (e->link_scale != 1.0)
        xpl__put_f64(w, e->link_scale);
    xpl__put_u64(w, e->n_trees);
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        const xpl__tnode *nodes = e->nodes + tree->first_node;
        const double *cover = e->cover + tree->first_node;
        xpl__put_u32(w, tree->output);
        xpl__put_u8(w, (uint8_t)tree->missing_ok);
        xpl__put_u64(w, tree->n_nodes);
        for (size_t i = 0; i < tree->n_nodes; i++) {
            uint32_t f = nodes[i].feature & XPL__TNODE_FEATURE_MASK;
            int leaf = xpl__tnode_is_leaf(nodes, i);
            xpl__put_u32(w, leaf ? LEAF_FEATURE : f);
            uint32_t nf = leaf ? 0 : nodes[i].feature;
            xpl__put_u8(w, (uint8_t)(
                               ((nf & XPL__TNODE_DEFAULT_LEFT)
                                    ? NODE_DEFAULT_LEFT : 0) |
                               ((nf & XPL__TNODE_ZERO_MISSING)
                                    ? NODE_ZERO_MISSING : 0) |
                               ((nf & XPL__TNODE_CATEGORICAL)
                                    ? NODE_CATEGORICAL : 0)));
            xpl__put_u32(w, leaf ? 0 : nodes[i].left);
            xpl__put_f64(w, leaf ? 0.0 : nodes[i].threshold);
            xpl__put_f64(w, cover[i]);
        }
        size_t n_vals = xpl__tree_n_vals(e, tree) * tree->n_nodes;
        for (size_t i = 0; i < n_vals; i++)
            xpl__put_f64(w, e->values[tree->first_value + i]);
    }
    if (!e->has_special)
        return;
    xpl__put_u64(w, e->cats.n_sets);
    for (size_t i = 0; i < e->cats.n_sets; i++) {
        xpl__put_u32(w, e->cats.sets[i].first_word);
        xpl__put_u32(w, e->cats.sets[i].n_words);
        xpl__put_u32(w, e->cats.sets[i].flags);
    }
    xpl__put_u64(w, e->cats.n_words);
    for (size_t i = 0; i < e->cats.n_words; i++)
        xpl__put_u32(w, e->cats.words[i]);
}

static void tree_spec_free(xpl__tree_spec *t)
{
    free((void *)t->feature);
    free((void *)t->threshold);
    free((void *)t->left);
    free((void *)t->right);
    free((void *)t->default_left);
    free((void *)t->value);
    free((void *)t->cover);
    free((void *)t->split_kind);
}

void xpl__owned_ensemble_free(xpl__owned_ensemble *o)
{
    if (o->trees)
        for (size_t t = 0; t < o->spec.n_trees; t++)
            tree_spec_free(&o->trees[t]);
    free(o->trees);
    free(o->base_score);
    free(o->objective);
    free(o->cat_sets);
    free(o->cat_words);
    memset(o, 0, sizeof *o);
}

static int read_tree(xpl__reader *r, size_t n_outputs, int special,
                     xpl__tree_spec *t)
{
    uint32_t output;
    uint8_t missing_ok;
    uint64_t n_nodes;
    size_t at = r->pos;
    int rc = xpl__get_u32(r, &output);
    if (!rc)
        rc = xpl__get_u8(r, &missing_ok);
    if (!rc)
        rc = xpl__get_u64(r, &n_nodes);
    if (rc)
        return rc;
    if (missing_ok > 1)
        return xpl__reader_error(r, at + 4, XPL_EFORMAT, "missing-value flag "
                                 "must be 0 or 1");
    if (output != XPL__ALL_OUTPUTS && output >= n_outputs)
        return xpl__reader_error(r, at, XPL_EFORMAT, "tree output %lu out of "
                                 "range (%zu outputs)", (unsigned long)output,
                                 n_outputs);
    if (n_nodes == 0 || n_nodes > XPL__MAX_TREE_NODES)
        return xpl__reader_error(r, at + 5, n_nodes ? XPL_ELIMIT : XPL_EFORMAT,
                                 "tree with %llu nodes",
                                 (unsigned long long)n_nodes);
    size_t n_vals = output == XPL__ALL_OUTPUTS ? n_outputs : 1;
    if ((rc = xpl__reader_need(r, n_nodes, NODE_BYTES + 8 * (uint64_t)n_vals,
                               "tree nodes")))
        return rc;
    size_t n = (size_t)n_nodes;
    int64_t *feature = xpl__malloc_array(n, sizeof *feature);
    int64_t *left = xpl__malloc_array(n, sizeof *left);
    int64_t *right = xpl__malloc_array(n, sizeof *right);
    double *threshold = xpl__malloc_array(n, sizeof *threshold);
    double *cover = xpl__malloc_array(n, sizeof *cover);
    double *value = xpl__malloc_array(n, n_vals * sizeof *value);
    unsigned char *default_left = missing_ok ? malloc(n) : NULL;
    unsigned char *kind = special ? malloc(n) : NULL;
    *t = (xpl__tree_spec){ n, output, feature, threshold, left, right,
                           default_left, value, cover, kind };
    if (!feature || !left || !right || !threshold || !cover || !value ||
        (missing_ok && !default_left) || (special && !kind))
        return xpl__enomem();
    for (size_t i = 0; i < n; i++) {
        uint32_t f, l;
        uint8_t d;
        at = r->pos;
        if ((rc = xpl__get_u32(r, &f)) || (rc = xpl__get_u8(r, &d)) ||
            (rc = xpl__get_u32(r, &l)) || (rc = xpl__get_f64(r, &threshold[i]))
            || (rc = xpl__get_f64(r, &cover[i])))
            return rc;
        unsigned known = special ? NODE_DEFAULT_LEFT | NODE_ZERO_MISSING |
                                       NODE_CATEGORICAL
                                 : NODE_DEFAULT_LEFT;
        int two_kinds = (d & NODE_ZERO_MISSING) && (d & NODE_CATEGORICAL);
        if ((d & ~known) || two_kinds ||
            ((d & NODE_DEFAULT_LEFT) && !missing_ok))
            return xpl__reader_error(r, at + 4, XPL_EFORMAT, "bad node flags "
                                     "%u", (unsigned)d);
        feature[i] = f == LEAF_FEATURE ? -1 : (int64_t)f;
        left[i] = l;
        right[i] = (int64_t)l + 1; /* siblings are adjacent in files */
        if (default_left)
            default_left[i] = d & NODE_DEFAULT_LEFT;
        if (kind)
            kind[i] = d & NODE_CATEGORICAL ? XPL__SPLIT_CATEGORICAL
                      : d & NODE_ZERO_MISSING ? XPL__SPLIT_ZERO_MISSING
                                              : XPL__SPLIT_NUMERIC;
    }
    for (size_t i = 0; i < n * n_vals; i++)
        if ((rc = xpl__get_f64(r, &value[i])))
            return rc;
    return XPL_OK;
}

/* The category sets after the trees; the builder checks their ranges. */
static int read_cats(xpl__reader *r, xpl__owned_ensemble *o)
{
    uint64_t n_sets, n_words;
    size_t at = r->pos;
    int rc = xpl__get_u64(r, &n_sets);
    if (rc)
        return rc;
    if (n_sets > UINT32_MAX)
        return xpl__reader_error(r, at, XPL_ELIMIT, "%llu category sets",
                                 (unsigned long long)n_sets);
    if ((rc = xpl__reader_need(r, n_sets, CATSET_BYTES, "category sets")))
        return rc;
    o->cat_sets = xpl__malloc_array(n_sets ? (size_t)n_sets : 1,
                                    sizeof *o->cat_sets);
    if (!o->cat_sets)
        return xpl__enomem();
    for (size_t i = 0; i < n_sets; i++) {
        xpl__catset *c = &o->cat_sets[i];
        if ((rc = xpl__get_u32(r, &c->first_word)) ||
            (rc = xpl__get_u32(r, &c->n_words)) ||
            (rc = xpl__get_u32(r, &c->flags)))
            return rc;
    }
    at = r->pos;
    if ((rc = xpl__get_u64(r, &n_words)))
        return rc;
    if (n_words > UINT32_MAX)
        return xpl__reader_error(r, at, XPL_ELIMIT, "%llu category words",
                                 (unsigned long long)n_words);
    if ((rc = xpl__reader_need(r, n_words, 4, "category words")))
        return rc;
    o->cat_words = xpl__malloc_array(n_words ? (size_t)n_words : 1,
                                     sizeof *o->cat_words);
    if (!o->cat_words)
        return xpl__enomem();
    for (size_t i = 0; i < n_words; i++)
        if ((rc = xpl__get_u32(r, &o->cat_words[i])))
            return rc;
    o->spec.cats = (xpl__cattab){ (size_t)n_sets, (size_t)n_words,
                                  o->cat_sets, o->cat_words };
    return XPL_OK;
}

int xpl__tree_section_read(xpl__reader *r, size_t n_features,
                           size_t n_outputs, xpl__owned_ensemble *o)
{
    memset(o, 0, sizeof *o);
    uint32_t aggregation, flags;
    uint8_t has_objective;
    size_t at = r->pos;
    int rc = xpl__get_u32(r, &aggregation);
    if (!rc)
        rc = xpl__get_u32(r, &flags);
    if (rc)
        return rc;
    if (aggregation > XPL__AGG_MEAN)
        return xpl__reader_error(r, at, XPL_EFORMAT, "unknown aggregation %lu",
                                 (unsigned long)aggregation);
    if (flags & ~FLAGS_KNOWN)
        return xpl__reader_error(r, at + 4, XPL_EFORMAT, "undefined ensemble "
                                 "flags 0x%lx", (unsigned long)flags);
    if ((rc = xpl__reader_need(r, n_outputs, 8, "base scores")))
        return rc;
    o->base_score = xpl__malloc_array(n_outputs, sizeof *o->base_score);
    if (!o->base_score)
        return xpl__enomem();
    for (size_t k = 0; k < n_outputs; k++)
        if ((rc = xpl__get_f64(r, &o->base_score[k])))
            return rc;
    if ((rc = xpl__get_u8(r, &has_objective)))
        return rc;
    if (has_objective > 1)
        return xpl__reader_error(r, r->pos - 1, XPL_EFORMAT, "objective flag "
                                 "must be 0 or 1");
    if (has_objective &&
        (rc = xpl__get_string(r, XPL_MAX_NAME_LENGTH, &o->objective)))
        return rc;
    o->spec.link_scale = 1.0;
    at = r->pos;
    if ((flags & FLAG_LINK_SCALE) &&
        (rc = xpl__get_f64(r, &o->spec.link_scale)))
        return rc;
    if (!(o->spec.link_scale > 0) || isinf(o->spec.link_scale))
        return xpl__reader_error(r, at, XPL_EFORMAT, "link scale %g: must "
                                 "be finite and > 0", o->spec.link_scale);
    uint64_t n_trees;
    at = r->pos;
    if ((rc = xpl__get_u64(r, &n_trees)))
        return rc;
    if (n_trees == 0 || n_trees > XPL__MAX_TREES)
        return xpl__reader_error(r, at, n_trees ? XPL_ELIMIT : XPL_EFORMAT,
                                 "%llu trees", (unsigned long long)n_trees);
    /* The smallest tree is one leaf: a 13-byte header and a node. */
    if ((rc = xpl__reader_need(r, n_trees, 13 + NODE_BYTES + 8, "trees")))
        return rc;
    o->trees = xpl__calloc_array((size_t)n_trees, sizeof *o->trees);
    if (!o->trees)
        return xpl__enomem();
    o->spec.n_trees = (size_t)n_trees;
    int special = (flags & FLAG_SPECIAL_SPLITS) != 0;
    for (size_t t = 0; t < o->spec.n_trees; t++)
        if ((rc = read_tree(r, n_outputs, special, &o->trees[t])))
            return rc;
    if (special && (rc = read_cats(r, o)))
        return rc;

    o->spec.n_features = n_features;
    o->spec.n_outputs = n_outputs;
    o->spec.aggregation = (int)aggregation;
    o->spec.float32_inputs = (flags & FLAG_FLOAT32_INPUTS) != 0;
    o->spec.compare_le = (flags & FLAG_COMPARE_LE) != 0;
    o->spec.raw_is_probability = (flags & FLAG_RAW_IS_PROBABILITY) != 0;
    o->spec.base_score = o->base_score;
    o->spec.objective = o->objective;
    o->spec.trees = o->trees;
    return XPL_OK;
}
