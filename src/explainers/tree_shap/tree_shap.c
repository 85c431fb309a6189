#include "explainers/tree_shap/tree_shap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "explainers/tree_shap/tree_path.h"

/* ------------------------------------------------------------------- plan */

int xpl__tree_shap_plan_new(xpl__tree_shap_plan *plan, const xpl__ensemble *e)
{
    memset(plan, 0, sizeof *plan);
    size_t n_values = 0;
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        n_values += tree->n_nodes * xpl__tree_n_vals(e, tree);
        if (tree->depth > plan->max_depth)
            plan->max_depth = tree->depth;
    }
    plan->node_mean = xpl__malloc_array(n_values, sizeof *plan->node_mean);
    plan->base_value = xpl__calloc_array(e->n_outputs,
                                         sizeof *plan->base_value);
    plan->out_scale = xpl__malloc_array(e->n_outputs,
                                        sizeof *plan->out_scale);
    size_t d = plan->max_depth + 1;
    plan->icoef = xpl__malloc_array(d * d, sizeof *plan->icoef);
    if (!plan->node_mean || !plan->base_value || !plan->out_scale ||
        !plan->icoef) {
        xpl__tree_shap_plan_free(plan);
        return xpl__enomem();
    }
    /* icoef[a][b] = (a-1)! b! / (a+b)! = 1 / ((a+b) C(a+b-1, b)), the
     * Shapley weight of a feature on x's side at a leaf reached with a
     * features on x's side and b on the reference's (0 when a = 0). */
    for (size_t a = 0; a < d; a++)
        for (size_t b = 0; b < d; b++) {
            double binom = 1;
            for (size_t i = 1; a > 0 && i <= b; i++)
                binom = binom * (double)(a - 1 + i) / (double)i;
            plan->icoef[a * d + b] = a ? 1.0 / ((double)(a + b) * binom) : 0;
        }

    /* Expected value of every subtree from its leaves and covers, bottom-up
     * (children follow their parent), as XGBoost's pred_contribs does; the
     * internal values a file carries may not be leaf-consistent. */
    double *root_sum = plan->base_value;
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        const xpl__tnode *nodes = e->nodes + tree->first_node;
        const double *cover = e->cover + tree->first_node;
        size_t nv = xpl__tree_n_vals(e, tree);
        const double *values = e->values + tree->first_value;
        double *mean = plan->node_mean + tree->first_value;
        for (size_t q = tree->n_nodes; q-- > 0;) {
            if (xpl__tnode_is_leaf(nodes, q)) {
                memcpy(mean + q * nv, values + q * nv, nv * sizeof *mean);
                continue;
            }
            size_t l = nodes[q].left, r = l + 1;
            double cl = cover[l], cr = cover[r];
            double wl = cl + cr > 0 ? cl / (cl + cr) : 0.5;
            for (size_t v = 0; v < nv; v++)
                mean[q * nv + v] = wl * mean[l * nv + v]
                                   + (1 - wl) * mean[r * nv + v];
        }
        if (tree->output == XPL__ALL_OUTPUTS)
            for (size_t k = 0; k < e->n_outputs; k++)
                root_sum[k] += mean[k];
        else
            root_sum[tree->output] += mean[0];
    }
    for (size_t k = 0; k < e->n_outputs; k++) {
        plan->out_scale[k] = e->aggregation == XPL__AGG_MEAN
                                 ? 1.0 / e->n_feeding[k] : 1.0;
        plan->base_value[k] = e->base_score[k]
                              + (e->aggregation == XPL__AGG_MEAN
                                     ? root_sum[k] / e->n_feeding[k]
                                     : root_sum[k]);
    }
    /* The quadrature kernels route numeric splits only; ensembles with
     * categorical or zero-is-missing splits run Algorithm 2, which routes
     * every kind (xpl__tnode_right). */
    if (e->has_special)
        return XPL_OK;
    int rc = xpl__tree_shap_fast_new(&plan->fast, e, plan);
    if (rc)
        xpl__tree_shap_plan_free(plan);
    return rc;
}

void xpl__tree_shap_plan_free(xpl__tree_shap_plan *plan)
{
    free(plan->node_mean);
    free(plan->base_value);
    free(plan->out_scale);
    free(plan->icoef);
    xpl__tree_shap_fast_free(plan->fast);
    memset(plan, 0, sizeof *plan);
}

size_t xpl__tree_shap_scratch(const xpl__ensemble *e,
                              const xpl__tree_shap_plan *plan)
{
    /* Each level of the recursion copies the path (at most depth + 2
     * entries) after its parent's: a triangle of entries in all. */
    size_t d = plan->max_depth + 2;
    size_t ref = (d * (d + 1) / 2) * sizeof(xpl__path_elem)
                 + e->n_features * sizeof(double);
    size_t fast = plan->fast ? xpl__tree_shap_fast_scratch(e, plan->fast) : 0;
    return ref > fast ? ref : fast;
}

/* ------------------------------------------------------------- recursion */

struct walk {
    xpl__tree_view v;     /* the tree and the row */
    int unknown;          /* a NaN met a split without default direction */
    double *phi;          /* n_outputs * n_features */
    size_t n_features;
    uint32_t output;      /* or XPL__ALL_OUTPUTS */
    const double *scale;  /* per output: 1, or 1 / trees feeding it when
                             the ensemble averages */
};

static void recurse(struct walk *w, uint32_t node, xpl__path_elem *parent,
                    size_t len, double zero, double one, int64_t feature)
{
    xpl__path_elem *m = parent + len;
    memcpy(m, parent, len * sizeof *m);
    xpl__path_extend(m, len, zero, one, feature);
    len++;

    const xpl__tnode *n = &w->v.nodes[node];
    if (xpl__tnode_is_leaf(w->v.nodes, node)) {
        const double *v = w->v.values + (size_t)node * w->v.nv;
        for (size_t i = 1; i < len; i++) {
            double s = xpl__path_unwound_sum(m, len, i)
                       * (m[i].one - m[i].zero);
            size_t f = (size_t)m[i].feature;
            if (w->output != XPL__ALL_OUTPUTS)
                w->phi[w->output * w->n_features + f] +=
                    s * v[0] * w->scale[w->output];
            else
                for (size_t k = 0; k < w->v.nv; k++)
                    w->phi[k * w->n_features + f] += s * v[k] * w->scale[k];
        }
        return;
    }

    int64_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    double xv = w->v.x[f];
    if (isnan(xv) && !w->v.missing_ok)
        w->unknown = 1;
    uint32_t right = xpl__tnode_right(w->v.cats, n->feature, n->threshold, xv,
                                      w->v.le);
    uint32_t hot = n->left + right, cold = n->left + !right;

    double in_zero, in_one;
    len = xpl__path_take_feature(m, len, f, &in_zero, &in_one);
    /* Normalise by the children's covers rather than the node's own: files
     * store covers rounded (XGBoost: float32 hessian sums), and fractions
     * that sum to exactly 1 keep the contributions exactly additive. */
    double rj = w->v.cover[hot] + w->v.cover[cold];
    double hot_frac = rj > 0 ? w->v.cover[hot] / rj : 0.5;
    double cold_frac = rj > 0 ? w->v.cover[cold] / rj : 0.5;
    recurse(w, hot, m, len, in_zero * hot_frac, in_one, f);
    recurse(w, cold, m, len, in_zero * cold_frac, 0, f);
}

void xpl__tree_shap_row_reference(const xpl__ensemble *e,
                                  const xpl__tree_shap_plan *plan,
                                  void *scratch, const double *x, double *phi)
{
    size_t m = e->n_features, k_out = e->n_outputs;
    size_t d = plan->max_depth + 2;
    xpl__path_elem *path = scratch;
    double *row = (double *)(path + d * (d + 1) / 2);
    xpl__tree_row(e, x, row);
    memset(phi, 0, k_out * m * sizeof *phi);

    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        uint32_t out = tree->output;
        struct walk w = {
            .v = xpl__tree_view_of(e, tree, plan->node_mean, row),
            .unknown = 0,
            .phi = phi,
            .n_features = m,
            .output = out,
            .scale = plan->out_scale,
        };
        recurse(&w, 0, path, 0, 1.0, 1.0, -1);
        if (w.unknown)
            for (size_t k = 0; k < k_out; k++)
                if (out == XPL__ALL_OUTPUTS || out == k)
                    for (size_t j = 0; j < m; j++)
                        phi[k * m + j] = NAN;
    }
}

void xpl__tree_shap_row(const xpl__ensemble *e, const xpl__tree_shap_plan *plan,
                        void *scratch, const double *x, double *phi)
{
    if (plan->fast)
        xpl__tree_shap_fast_row(e, plan->fast, scratch, x, phi);
    else
        xpl__tree_shap_row_reference(e, plan, scratch, x, phi);
}
