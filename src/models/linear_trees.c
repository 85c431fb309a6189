#include "models/linear_trees.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/model_internal.h"
#include "models/trees.h"

struct linear_trees {
    xpl_model *routing; /* leaf values are leaf indices */
    xpl__linear_leaves leaves;
};

void xpl__linear_leaves_free(xpl__linear_leaves *l)
{
    free(l->leaf_start);
    free(l->leaf_const);
    free(l->leaf_value);
    free(l->term_start);
    free(l->feature);
    free(l->coeff);
    memset(l, 0, sizeof *l);
}

/* The leaf (index within its tree) that row x reaches in tree t. */
static size_t leaf_of(const xpl__ensemble *e, const xpl__tree *t,
                      const double *x)
{
    const xpl__tnode *nodes = e->nodes + t->first_node;
    size_t i = 0;
    while (!xpl__tnode_is_leaf(nodes, i)) {
        uint32_t f = nodes[i].feature;
        i = nodes[i].left +
            xpl__tnode_right(&e->cats, f, nodes[i].threshold,
                             x[f & XPL__TNODE_FEATURE_MASK], e->compare_le);
    }
    return (size_t)e->values[t->first_value + i];
}

static int linear_trees_predict(const void *state, void *scratch,
                                const double *x, size_t n_rows, size_t n_cols,
                                double *out)
{
    (void)scratch;
    const struct linear_trees *s = state;
    const xpl__ensemble *e = xpl__trees_params(s->routing);
    const xpl__linear_leaves *l = &s->leaves;
    size_t K = e->n_outputs;
    int mean = e->aggregation == XPL__AGG_MEAN;
    for (size_t r = 0; r < n_rows; r++) {
        const double *row = x + r * n_cols;
        double *acc = out + r * K;
        for (size_t k = 0; k < K; k++)
            acc[k] = mean ? 0.0 : e->base_score[k];
        for (size_t t = 0; t < e->n_trees; t++) {
            size_t leaf = l->leaf_start[t] + leaf_of(e, &e->trees[t], row);
            double v = l->leaf_const[leaf];
            for (size_t i = l->term_start[leaf]; i < l->term_start[leaf + 1];
                 i++) {
                double xi = row[l->feature[i]];
                if (isnan(xi)) {
                    v = l->leaf_value[leaf];
                    break;
                }
                v += l->coeff[i] * xi;
            }
            acc[e->trees[t].output] += v;
        }
        if (mean)
            for (size_t k = 0; k < K; k++)
                acc[k] = acc[k] / e->n_feeding[k] + e->base_score[k];
    }
    return 0;
}

static void linear_trees_free(void *state)
{
    struct linear_trees *s = state;
    if (!s)
        return;
    xpl_model_free(s->routing);
    xpl__linear_leaves_free(&s->leaves);
    free(s);
}

static const xpl_adapter linear_trees_ops;

const xpl__ensemble *xpl__linear_trees_routing(const xpl_model *m)
{
    if (!m || m->family != XPL__FAMILY_LINEAR_TREES)
        return NULL;
    const struct linear_trees *s = m->state;
    return xpl__trees_params(s->routing);
}

const xpl__linear_leaves *xpl__linear_trees_leaves(const xpl_model *m)
{
    if (!m || m->family != XPL__FAMILY_LINEAR_TREES)
        return NULL;
    const struct linear_trees *s = m->state;
    return &s->leaves;
}

/* xpl__model_row_cost: the routing trees' walk (their own cost, whose leaf
 * values stand for the constant) plus, per tree, the average terms of its
 * leaves at a quarter step each, as a linear model's dot product counts
 * (linear.c). */
static double row_cost(const xpl_model *routing,
                       const xpl__linear_leaves *l)
{
    double cost = xpl__model_row_cost(routing);
    for (size_t t = 0; t < l->n_trees; t++) {
        size_t a = l->leaf_start[t], b = l->leaf_start[t + 1];
        if (b > a)
            cost += (double)(l->term_start[b] - l->term_start[a]) /
                    (double)(b - a) / 4;
    }
    return cost;
}

static const xpl_adapter linear_trees_ops = {
    .version = XPL_ADAPTER_VERSION,
    .name = "lightgbm_linear_trees",
    .scratch_size = NULL,
    .predict_batch = linear_trees_predict,
    .destroy = linear_trees_free,
};

int xpl__linear_trees_model_new(xpl_model **out, xpl_model *routing,
                                xpl__linear_leaves *leaves)
{
    *out = NULL;
    const xpl__ensemble *e = xpl__trees_params(routing);
    if (!e || leaves->n_trees != e->n_trees)
        return xpl__error(XPL_EINVAL, "linear trees: %zu leaf tables for "
                          "%zu trees", leaves->n_trees,
                          e ? e->n_trees : 0);
    /* Every leaf index the routing trees can give must be a leaf of the
     * table (the reader wrote them; this keeps the walk in bounds). */
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tr = &e->trees[t];
        size_t n = leaves->leaf_start[t + 1] - leaves->leaf_start[t];
        for (size_t i = 0; i < tr->n_nodes; i++) {
            double v = e->values[tr->first_value + i];
            if (xpl__tnode_is_leaf(e->nodes + tr->first_node, i) &&
                !(v >= 0 && v < (double)n && v == floor(v)))
                return xpl__error(XPL_EINVAL, "linear trees: tree %zu "
                                  "routes to leaf %g of %zu", t, v, n);
        }
    }
    struct linear_trees *s = calloc(1, sizeof *s);
    if (!s)
        return xpl__enomem();
    xpl_model *m;
    int rc = xpl__model_new(&m, &linear_trees_ops, s,
                            XPL__FAMILY_LINEAR_TREES, routing->n_features,
                            routing->n_outputs,
                            (const char *const *)routing->feature_names,
                            routing->link);
    if (rc) {
        free(s);
        return rc;
    }
    m->link_scale = routing->link_scale;
    m->row_cost = row_cost(routing, leaves);
    m->raw_is_probability = routing->raw_is_probability;
    /* the routing model's properties (trees, objective, ...) describe
     * this one too */
    for (size_t i = 0; !rc && i < routing->n_props; i++)
        rc = xpl__model_add_property(m, routing->prop_keys[i], "%s",
                                     routing->prop_values[i]);
    if (!rc)
        rc = xpl__model_add_property(m, "linear leaves", "%zu terms in %zu "
                                     "leaves", leaves->n_terms,
                                     leaves->n_leaves);
    if (rc) {
        m->state = NULL; /* s is not yet populated: freed here */
        xpl_model_free(m);
        free(s);
        return rc;
    }
    s->routing = routing;
    s->leaves = *leaves;
    memset(leaves, 0, sizeof *leaves);
    *out = m;
    return XPL_OK;
}
