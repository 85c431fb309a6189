/* Interventional TreeSHAP, one walk per (row, reference) pair: where x and
 * the reference go the same way the walk follows them; where they part
 * ways on a feature not yet assigned, it follows both, the feature joining
 * x's side A or the reference's side B. A leaf reached with |A| = a,
 * |B| = b owes each feature of A  v (a-1)! b! / (a+b)!  and each of B
 * -v a! (b-1)! / (a+b)!. Instead of visiting the features at every leaf,
 * the walk returns the sums of those two weights over the leaves below, so
 * a feature is credited once, where it was assigned. */
#include "explainers/tree_shap/tree_interv.h"

#include <math.h>
#include <string.h>

struct pwalk {
    const xpl__tnode *nodes;
    const double *values;  /* nv per node */
    const double *x, *r;
    const double *coef;
    size_t stride;
    unsigned char *side;   /* per feature: 0 free, 1 x's side, 2 ref's */
    double *phi;           /* the tree's output row (single-valued trees) */
    double w;              /* reference weight times output scale */
    int le;
    const xpl__cattab *cats;
    int missing_ok;
    int unknown;
};

static inline uint32_t child(const xpl__cattab *cats, const xpl__tnode *n,
                             double v, int le)
{
    return n->left + xpl__tnode_right(cats, n->feature, n->threshold, v, le);
}

struct sums {
    double x, r;
};

/* Single-valued trees: the sums over the leaves below q of v coef(a, b)
 * and v coef(b, a). */
static struct sums walk1(struct pwalk *w, uint32_t q, size_t a, size_t b)
{
    const xpl__tnode *nodes = w->nodes;
    uint32_t f, xs, rs;
    for (;;) {
        const xpl__tnode *n = &nodes[q];
        if (n->left == q) {
            double v = w->values[q];
            return (struct sums){ v * w->coef[a * w->stride + b],
                                  v * w->coef[b * w->stride + a] };
        }
        f = n->feature & XPL__TNODE_FEATURE_MASK;
        double xv = w->x[f], rv = w->r[f];
        if (!w->missing_ok && (isnan(xv) || isnan(rv)))
            w->unknown = 1;
        xs = child(w->cats, n, xv, w->le);
        rs = child(w->cats, n, rv, w->le);
        if (xs == rs) {
            q = xs;
            continue;
        }
        unsigned char s = w->side[f];
        if (!s)
            break;
        q = s == 1 ? xs : rs;
    }
    w->side[f] = 1;
    struct sums on_x = walk1(w, xs, a + 1, b);
    w->side[f] = 2;
    struct sums on_r = walk1(w, rs, a, b + 1);
    w->side[f] = 0;
    w->phi[f] += w->w * (on_x.x - on_r.r);
    return (struct sums){ on_x.x + on_r.x, on_x.r + on_r.r };
}

/* Trees whose leaves hold a value per output: the per-leaf form, with the
 * features of each side on two stacks. */
struct pwalk_n {
    struct pwalk base;
    size_t nv;
    size_t n_features;
    double *phi_all;       /* n_outputs * n_features */
    const double *scale;   /* per output */
    uint32_t *on_x, *on_r;
    size_t a, b;
};

static void walkn(struct pwalk_n *w, uint32_t q)
{
    const xpl__tnode *n = &w->base.nodes[q];
    if (n->left == q) {
        size_t a = w->a, b = w->b, st = w->base.stride;
        double wx = w->base.coef[a * st + b], wr = w->base.coef[b * st + a];
        const double *v = w->base.values + (size_t)q * w->nv;
        for (size_t k = 0; k < w->nv; k++) {
            double *row = w->phi_all + k * w->n_features;
            double s = v[k] * w->base.w * w->scale[k];
            for (size_t i = 0; i < a; i++)
                row[w->on_x[i]] += s * wx;
            for (size_t j = 0; j < b; j++)
                row[w->on_r[j]] -= s * wr;
        }
        return;
    }
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    double xv = w->base.x[f], rv = w->base.r[f];
    if (!w->base.missing_ok && (isnan(xv) || isnan(rv)))
        w->base.unknown = 1;
    uint32_t xs = child(w->base.cats, n, xv, w->base.le),
             rs = child(w->base.cats, n, rv, w->base.le);
    unsigned char s = w->base.side[f];
    if (xs == rs || s) {
        walkn(w, xs == rs || s == 1 ? xs : rs);
        return;
    }
    w->base.side[f] = 1;
    w->on_x[w->a++] = f;
    walkn(w, xs);
    w->a--;
    w->base.side[f] = 2;
    w->on_r[w->b++] = f;
    walkn(w, rs);
    w->b--;
    w->base.side[f] = 0;
}

int xpl__interv_pair_tree(const xpl__ensemble *e,
                          const xpl__interv_plan *plan, size_t t,
                          const double *x, unsigned char *side, double *phi)
{
    const xpl__tree *tree = &e->trees[t];
    size_t m = e->n_features, nv = xpl__tree_n_vals(e, tree);
    struct pwalk w = {
        .nodes = e->nodes + tree->first_node,
        .values = e->values + tree->first_value,
        .x = x,
        .coef = plan->coef,
        .stride = plan->stride,
        .side = side,
        .le = e->compare_le,
        .cats = &e->cats,
        .missing_ok = tree->missing_ok,
    };
    if (nv == 1) {
        uint32_t out = tree->output == XPL__ALL_OUTPUTS ? 0 : tree->output;
        w.phi = phi + out * m;
        for (size_t r = 0; r < plan->n_bg; r++) {
            w.r = plan->bg + r * m;
            w.w = plan->weights[r] * plan->out_scale[out];
            (void)walk1(&w, 0, 0, 0);
        }
        return w.unknown;
    }
    uint32_t on[2 * XPL__MAX_TREE_DEPTH]; /* the two side stacks */
    struct pwalk_n wn = {
        .base = w,
        .nv = nv,
        .n_features = m,
        .phi_all = phi,
        .scale = plan->out_scale,
        .on_x = on,
        .on_r = on + XPL__MAX_TREE_DEPTH,
    };
    for (size_t r = 0; r < plan->n_bg; r++) {
        wn.base.r = plan->bg + r * m;
        wn.base.w = plan->weights[r];
        walkn(&wn, 0);
    }
    return wn.base.unknown;
}

/* Nodes the walk of one pair visits (for the automatic rule). */
static size_t count_visits(const xpl__cattab *cats, const xpl__tnode *nodes,
                           uint32_t q, const double *x, const double *r,
                           int le, unsigned char *side)
{
    size_t visits = 1;
    for (;;) {
        const xpl__tnode *n = &nodes[q];
        if (n->left == q)
            return visits;
        uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
        uint32_t xs = child(cats, n, x[f], le), rs = child(cats, n, r[f], le);
        if (xs != rs && !side[f])
            break;
        q = xs == rs || side[f] == 1 ? xs : rs;
        visits++;
    }
    const xpl__tnode *n = &nodes[q];
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    uint32_t xs = child(cats, n, x[f], le), rs = child(cats, n, r[f], le);
    side[f] = 1;
    visits += count_visits(cats, nodes, xs, x, r, le, side);
    side[f] = 2;
    visits += count_visits(cats, nodes, rs, x, r, le, side);
    side[f] = 0;
    return visits;
}

size_t xpl__interv_pair_visits(const xpl__ensemble *e, size_t t,
                               const double *x, const double *r,
                               unsigned char *side)
{
    const xpl__tree *tree = &e->trees[t];
    return count_visits(&e->cats, e->nodes + tree->first_node, 0, x, r,
                        e->compare_le, side);
}
