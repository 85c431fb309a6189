/* SHAP interaction values of path-dependent TreeSHAP (Lundberg et al.
 * 2020, section on interaction effects): for each feature i a tree uses,
 * the Algorithm-2 recursion is run with i held present and with i held
 * absent; half the difference of feature j's value between the two is the
 * interaction phi_ij. */
#include "explainers/tree_shap/tree_shap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explainers/tree_shap/tree_path.h"

/* What the recursion adds to at a leaf. */
struct cwalk {
    xpl__tree_view v;     /* the tree and the row */
    int unknown;
    uint32_t output;      /* or XPL__ALL_OUTPUTS */
    const double *scale;  /* per output */
    double *inter;        /* n_outputs matrices of (M+1)^2 */
    size_t side;          /* M + 1 */
    int64_t cond;         /* the feature held present/absent, or -1 */
    size_t row;           /* matrix row written: cond, or unused if -1 */
};

static inline uint32_t hot_child(const struct cwalk *w, const xpl__tnode *n,
                                 double xv)
{
    return n->left + xpl__tnode_right(w->v.cats, n->feature, n->threshold, xv,
                                      w->v.le);
}

static void leaf_add(struct cwalk *w, uint32_t node, const xpl__path_elem *m,
                     size_t len, double frac)
{
    const double *v = w->v.values + (size_t)node * w->v.nv;
    size_t mm = w->side * w->side;
    for (size_t i = 1; i < len; i++) {
        double s = xpl__path_unwound_sum(m, len, i) * (m[i].one - m[i].zero)
                   * frac;
        size_t f = (size_t)m[i].feature;
        /* The plain pass (cond = -1) writes phi_f on the diagonal; the
         * conditioned one the row of the held feature. */
        size_t at = w->cond < 0 ? f * w->side + f : w->row * w->side + f;
        if (w->output != XPL__ALL_OUTPUTS)
            w->inter[w->output * mm + at] += s * v[0] * w->scale[w->output];
        else
            for (size_t k = 0; k < w->v.nv; k++)
                w->inter[k * mm + at] += s * v[k] * w->scale[k];
    }
}

/* Algorithm 2 with the held feature kept off the path. on and off are the
 * fractions of the paths that reach this node when the held feature
 * follows x (present) or the covers (absent); the path bookkeeping is the
 * same for both, so one walk serves the two games and a leaf adds
 * (on - off) / 2 of its value. With cond = -1 it is the plain recursion
 * (on = 1, off = 0 throughout). */
static void crecurse(struct cwalk *w, uint32_t node, xpl__path_elem *parent,
                     size_t len, double zero, double one, int64_t feature,
                     double on, double off)
{
    xpl__path_elem *m = parent + len;
    memcpy(m, parent, len * sizeof *m);
    if (feature != w->cond || feature < 0) {
        xpl__path_extend(m, len, zero, one, feature);
        len++;
    }

    if (xpl__tnode_is_leaf(w->v.nodes, node)) {
        double frac = w->cond < 0 ? 1.0 : 0.5 * (on - off);
        if (frac != 0)
            leaf_add(w, node, m, len, frac);
        return;
    }

    const xpl__tnode *n = &w->v.nodes[node];
    int64_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    double xv = w->v.x[f];
    if (isnan(xv) && !w->v.missing_ok)
        w->unknown = 1;
    uint32_t hot = hot_child(w, n, xv);
    uint32_t cold = hot == n->left ? n->left + 1 : n->left;

    double in_zero, in_one;
    len = xpl__path_take_feature(m, len, f, &in_zero, &in_one);
    double rj = w->v.cover[hot] + w->v.cover[cold];
    double hot_frac = rj > 0 ? w->v.cover[hot] / rj : 0.5;
    double cold_frac = rj > 0 ? w->v.cover[cold] / rj : 0.5;
    double on_hot = on, on_cold = on, off_hot = off, off_cold = off;
    if (f == w->cond) {
        on_cold = 0;
        off_hot *= hot_frac;
        off_cold *= cold_frac;
    }
    crecurse(w, hot, m, len, in_zero * hot_frac, in_one, f, on_hot, off_hot);
    /* Below a split on the held feature that x does not follow, the
     * present game sends nothing; the absent one still does. */
    if (on_cold != 0 || off_cold != 0)
        crecurse(w, cold, m, len, in_zero * cold_frac, 0, f, on_cold,
                 off_cold);
}

size_t xpl__tree_interactions_scratch(const xpl__ensemble *e,
                                      const xpl__tree_shap_plan *plan)
{
    size_t d = plan->max_depth + 2;
    size_t ref = (d * (d + 1) / 2) * sizeof(xpl__path_elem)
                 + e->n_features * sizeof(double)       /* rounded row */
                 + e->n_features * sizeof(uint32_t) * 2; /* stamps, list */
    size_t fast = plan->fast ? xpl__tree_shap_fast_inter_scratch(e, plan->fast)
                             : 0;
    return ref > fast ? ref : fast;
}

void xpl__tree_interactions_row(const xpl__ensemble *e,
                                const xpl__tree_shap_plan *plan,
                                void *scratch, const double *x, double *inter)
{
    if (plan->fast)
        xpl__tree_shap_fast_interactions(e, plan->fast, scratch, x,
                                         plan->base_value, inter);
    else
        xpl__tree_interactions_row_reference(e, plan, scratch, x, inter);
}

void xpl__tree_interactions_row_reference(const xpl__ensemble *e,
                                          const xpl__tree_shap_plan *plan,
                                          void *scratch, const double *x,
                                          double *inter)
{
    size_t m = e->n_features, k_out = e->n_outputs, side = m + 1;
    size_t mm = side * side;
    size_t d = plan->max_depth + 2;
    xpl__path_elem *path = scratch;
    double *row = (double *)(path + d * (d + 1) / 2);
    uint32_t *stamp = (uint32_t *)(row + m), *used = stamp + m;
    xpl__tree_row(e, x, row);
    memset(inter, 0, k_out * mm * sizeof *inter);
    memset(stamp, 0, m * sizeof *stamp);

    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        uint32_t out = tree->output;
        struct cwalk w = {
            .v = xpl__tree_view_of(e, tree, plan->node_mean, row),
            .output = out,
            .scale = plan->out_scale,
            .inter = inter,
            .side = side,
            .cond = -1,
        };
        crecurse(&w, 0, path, 0, 1.0, 1.0, -1, 1.0, 0.0);

        /* Only the features this tree splits on interact through it: for
         * any other the two conditioned games coincide. Stamps are tree
         * numbers + 1, so they never need clearing. */
        size_t n_used = 0;
        for (size_t q = 0; q < tree->n_nodes; q++) {
            if (xpl__tnode_is_leaf(w.v.nodes, q))
                continue;
            uint32_t f = w.v.nodes[q].feature & XPL__TNODE_FEATURE_MASK;
            if (stamp[f] != (uint32_t)t + 1) {
                stamp[f] = (uint32_t)t + 1;
                used[n_used++] = f;
            }
        }
        for (size_t u = 0; u < n_used; u++) {
            w.cond = used[u];
            w.row = used[u];
            crecurse(&w, 0, path, 0, 1.0, 1.0, -1, 1.0, 1.0);
        }
        if (w.unknown)
            for (size_t k = 0; k < k_out; k++)
                if (out == XPL__ALL_OUTPUTS || out == k)
                    for (size_t q = 0; q < mm; q++)
                        inter[k * mm + q] = NAN;
    }

    /* The diagonal holds phi_i so far: take off the row's interactions so
     * that each row sums to phi_i; the bias cell holds the base value. */
    for (size_t k = 0; k < k_out; k++) {
        double *a = inter + k * mm;
        for (size_t i = 0; i < m; i++) {
            double off = 0;
            for (size_t j = 0; j < m; j++)
                if (j != i)
                    off += a[i * side + j];
            a[i * side + i] -= off;
        }
        if (!isnan(a[m * side + m]))
            a[m * side + m] = plan->base_value[k];
    }
}
