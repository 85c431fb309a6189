/* Interventional TreeSHAP, the straightforward way: one recursive walk per
 * (row, reference) pair, branching where x and the reference part ways,
 * every leaf reached crediting each feature on its path (the algorithm of
 * shap's TreeExplainer). Explainers use the faster plan of tree_interv.h;
 * this stays as the reference it is tested and benchmarked against. */
#include "explainers/tree_shap/tree_shap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct iwalk {
    const xpl__tnode *nodes;
    const double *values; /* leaf values, nv per node */
    size_t nv;
    const double *x;      /* rounded like the model's inputs */
    const double *ref;
    int le;
    const xpl__cattab *cats;
    int missing_ok;
    int unknown;
    uint8_t *side;        /* per feature: 0 unset, 1 x's side, 2 ref's */
    uint32_t *on_x;       /* features on x's side along the path */
    uint32_t *on_ref;
    size_t a, b;
    const double *coef;   /* the plan's icoef table */
    size_t stride;        /* its row length */
    double *phi;
    size_t n_features;
    uint32_t output;
    const double *scale;  /* per output, times the reference's weight */
    double weight;
};

/* 1 if a split sends v right. */
static inline int goes_right(const xpl__cattab *cats, const xpl__tnode *n,
                             double v, int le)
{
    return (int)xpl__tnode_right(cats, n->feature, n->threshold, v, le);
}

static void ileaf(struct iwalk *w, uint32_t node)
{
    size_t a = w->a, b = w->b;
    if (a + b == 0)
        return;
    /* (a-1)! b! / (a+b)! and a! (b-1)! / (a+b)! from the table. */
    double wx = a ? w->coef[a * w->stride + b] : 0;
    double wr = b ? w->coef[b * w->stride + a] : 0;
    const double *v = w->values + (size_t)node * w->nv;
    size_t m = w->n_features;
    for (size_t k = 0; k < w->nv; k++) {
        size_t out = w->output == XPL__ALL_OUTPUTS ? k : w->output;
        double s = v[k] * w->weight * w->scale[out];
        for (size_t i = 0; i < a; i++)
            w->phi[out * m + w->on_x[i]] += s * wx;
        for (size_t j = 0; j < b; j++)
            w->phi[out * m + w->on_ref[j]] -= s * wr;
    }
}

static void irecurse(struct iwalk *w, uint32_t node)
{
    if (xpl__tnode_is_leaf(w->nodes, node)) {
        ileaf(w, node);
        return;
    }
    const xpl__tnode *n = &w->nodes[node];
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    double xv = w->x[f], rv = w->ref[f];
    if (!w->missing_ok && (isnan(xv) || isnan(rv)))
        w->unknown = 1;
    uint32_t xs = n->left + (uint32_t)goes_right(w->cats, n, xv, w->le);
    uint32_t rs = n->left + (uint32_t)goes_right(w->cats, n, rv, w->le);
    if (xs == rs || w->side[f] == 1) {
        irecurse(w, xs);
        return;
    }
    if (w->side[f] == 2) {
        irecurse(w, rs);
        return;
    }
    w->side[f] = 1;
    w->on_x[w->a++] = f;
    irecurse(w, xs);
    w->a--;
    w->side[f] = 2;
    w->on_ref[w->b++] = f;
    irecurse(w, rs);
    w->b--;
    w->side[f] = 0;
}

size_t xpl__tree_shap_interventional_scratch(const xpl__ensemble *e,
                                             const xpl__tree_shap_plan *plan)
{
    size_t d = plan->max_depth + 1;
    return 2 * e->n_features * sizeof(double) /* rounded x and reference */
           + 2 * d * sizeof(uint32_t)          /* feature stacks */
           + e->n_features;                    /* sides */
}

void xpl__tree_shap_interventional_row(const xpl__ensemble *e,
                                       const xpl__tree_shap_plan *plan,
                                       void *scratch, const double *x,
                                       const double *bg,
                                       const double *weights, size_t n_bg,
                                       double *phi)
{
    size_t m = e->n_features, k_out = e->n_outputs;
    size_t d = plan->max_depth + 1;
    double *xr = scratch, *ref = xr + m;
    uint32_t *on_x = (uint32_t *)(ref + m), *on_ref = on_x + d;
    uint8_t *side = (uint8_t *)(on_ref + d);

    for (size_t j = 0; j < m; j++)
        xr[j] = e->float32_inputs ? (double)(float)x[j] : x[j];
    memset(phi, 0, k_out * m * sizeof *phi);
    memset(side, 0, m);
    for (size_t r = 0; r < n_bg; r++) {
        const double *b = bg + r * m;
        for (size_t j = 0; j < m; j++)
            ref[j] = e->float32_inputs ? (double)(float)b[j] : b[j];
        for (size_t t = 0; t < e->n_trees; t++) {
            const xpl__tree *tree = &e->trees[t];
            struct iwalk w = {
                .nodes = e->nodes + tree->first_node,
                .values = e->values + tree->first_value,
                .nv = xpl__tree_n_vals(e, tree),
                .x = xr,
                .ref = ref,
                .le = e->compare_le,
                .cats = &e->cats,
                .missing_ok = tree->missing_ok,
                .side = side,
                .on_x = on_x,
                .on_ref = on_ref,
                .coef = plan->icoef,
                .stride = d,
                .phi = phi,
                .n_features = m,
                .output = tree->output,
                .scale = plan->out_scale,
                .weight = weights[r],
            };
            irecurse(&w, 0);
            if (w.unknown)
                for (size_t k = 0; k < k_out; k++)
                    if (tree->output == XPL__ALL_OUTPUTS || tree->output == k)
                        for (size_t j = 0; j < m; j++)
                            phi[k * m + j] = NAN;
        }
    }
}
