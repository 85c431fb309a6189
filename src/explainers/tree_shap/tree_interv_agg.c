/* Interventional TreeSHAP with the background aggregated per leaf.
 *
 * Take a leaf whose path puts conditions on d distinct features. A hybrid
 * row (x on the coalition S, reference r elsewhere) reaches it iff every
 * feature meets its conditions with the value it takes. Let U be the
 * features whose conditions x meets and p those r meets. If some feature is
 * in neither, no hybrid gets there. Otherwise the leaf is reached iff S
 * contains A = U \ p and avoids B = p \ U (features in both are free), and
 * the Shapley values of that game are v (|A|-1)! |B|! / (|A|+|B|)! for each
 * feature of A and -v |A|! (|B|-1)! / (|A|+|B|)! for each of B.
 *
 * So what a reference adds depends on x only through U, and on r only
 * through p: with H[p] the background weight having pattern p, the leaf's
 * row for U is  sum over p covering the complement of U  of H[p] times those
 * weights. Building it costs at most 3^d d per leaf (for each p, the U that
 * contain its complement).
 *
 * Leaves are then merged into blocks (small subtrees, tree_interv.h): the
 * leaves of a block are all determined by x's pattern at the block's root
 * and x's direction at its few inner nodes, so their rows, times the leaf
 * values, add up to one row of the block's table. A row of x then costs a
 * pass over the tree's nodes and one table row per block. */
#include "explainers/tree_shap/tree_interv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"



int xpl__interv_agg_prepare(const xpl__ensemble *e,
                            const xpl__interv_plan *plan, size_t t,
                            const double *x, uint32_t *mask,
                            const double **rows)
{
    const xpl__tree *tree = &e->trees[t];
    int le = e->compare_le, missing_ok = tree->missing_ok;
    /* x's pattern at the blocks' roots: bit k set iff x meets every
     * condition the path puts on its k-th feature. */
    const xpl__interv_step *st = plan->steps + plan->first_step[t];
    const xpl__interv_step *end = plan->steps + plan->first_step[t + 1];
    mask[0] = 0;
    for (; st < end; st++) {
        double xv = x[st->feature & XPL__TNODE_FEATURE_MASK];
        if (!missing_ok && isnan(xv))
            return 1;
        uint32_t right = xpl__tnode_right(&e->cats, st->feature, st->threshold, xv,
                                          le);
        uint32_t q = st->node;
        mask[st->left + right] = mask[q] | st->set;
        mask[st->left + !right] = mask[q] & st->keep;
    }
    /* Row of each block: that pattern and x's ways at its inner nodes. */
    size_t nv = xpl__tree_n_vals(e, tree);
    const xpl__interv_block *b = plan->blocks + plan->first_block[t];
    size_t n = plan->first_block[t + 1] - plan->first_block[t];
    for (size_t i = 0; i < n; i++) {
        size_t idx = mask[b[i].node];
        for (uint32_t j = 0; j < b[i].n_inner; j++) {
            uint32_t f = b[i].inner_feature[j];
            double xv = x[f & XPL__TNODE_FEATURE_MASK];
            if (!missing_ok && isnan(xv))
                return 1;
            idx |= (size_t)xpl__tnode_right(&e->cats, f, b[i].inner_threshold[j],
                                            xv, le)
                   << (b[i].d_root + j);
        }
        rows[i] = plan->tabs + b[i].tab + idx * b[i].d * nv;
        __builtin_prefetch(rows[i]);
    }
    return 0;
}

void xpl__interv_agg_apply(const xpl__ensemble *e,
                           const xpl__interv_plan *plan, size_t t,
                           const double *const *rows, double *phi)
{
    const xpl__tree *tree = &e->trees[t];
    size_t m = e->n_features, nv = xpl__tree_n_vals(e, tree);
    uint32_t out = tree->output == XPL__ALL_OUTPUTS ? 0 : tree->output;
    const xpl__interv_block *b = plan->blocks + plan->first_block[t];
    size_t n = plan->first_block[t + 1] - plan->first_block[t];
    for (size_t i = 0; i < n; i++) {
        size_t d = b[i].d;
        const double *row = rows[i];
        const uint32_t *feat = plan->feats + b[i].feat;
        for (size_t k = 0; k < nv; k++) {
            double *p = phi + (out + k) * m;
            for (size_t j = 0; j < d; j++)
                p[feat[j]] += row[k * d + j];
        }
    }
}

/* ---------------------------------------------------------------- build */

/* The plan keeps trees that cannot route a reference per pair. */
void xpl__interv_patterns(const xpl__ensemble *e,
                          const xpl__interv_plan *plan, size_t t,
                          const double *v, uint32_t *mask)
{
    const xpl__tree *tree = &e->trees[t];
    const xpl__tnode *nodes = e->nodes + tree->first_node;
    const uint32_t *set = plan->set_bit + tree->first_node;
    const uint32_t *keep = plan->keep_mask + tree->first_node;
    mask[0] = 0;
    for (size_t q = 0; q < tree->n_nodes; q++) {
        const xpl__tnode *n = &nodes[q];
        if (n->left == q)
            continue;
        uint32_t right = xpl__tnode_right(
            &e->cats, n->feature, n->threshold,
            v[n->feature & XPL__TNODE_FEATURE_MASK], e->compare_le);
        mask[n->left + right] = mask[q] | set[q];
        mask[n->left + !right] = mask[q] & keep[q];
    }
}

/* A leaf of a block, at build time. */
struct bleaf {
    uint32_t node;
    uint32_t d;                               /* features on its path */
    uint32_t map[XPL__INTERV_MAX_TABLE_BITS]; /* path position -> block's */
    uint32_t n_route;                         /* inner nodes above it */
    uint32_t route_node[XPL__INTERV_BLOCK_INNER];
    uint32_t route_inner[XPL__INTERV_BLOCK_INNER];
    uint32_t route_right[XPL__INTERV_BLOCK_INNER];
    size_t hist;                              /* offset of its H */
};

struct leaf_walk {
    const xpl__tnode *nodes;
    const xpl__interv_block *b;
    const uint32_t *bfeat;
    uint32_t path[XPL__INTERV_MAX_TABLE_BITS];
    struct bleaf *out;
    size_t n_out;
    struct bleaf cur;
};

static void leaf_walk(struct leaf_walk *w, uint32_t q, uint32_t d)
{
    const xpl__tnode *n = &w->nodes[q];
    if (n->left == q) {
        struct bleaf *l = &w->out[w->n_out++];
        *l = w->cur;
        l->node = q;
        l->d = d;
        for (uint32_t j = 0; j < d; j++) {
            uint32_t k = 0;
            while (w->bfeat[k] != w->path[j])
                k++;
            l->map[j] = k;
        }
        return;
    }
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK, k = 0;
    while (k < d && w->path[k] != f)
        k++;
    uint32_t d2 = d;
    if (k == d)
        w->path[d2++] = f;
    uint32_t i = 0;
    while (w->b->inner[i] != q)
        i++;
    uint32_t r = w->cur.n_route++;
    w->cur.route_node[r] = q;
    w->cur.route_inner[r] = i;
    for (uint32_t right = 0; right < 2; right++) {
        w->cur.route_right[r] = right;
        leaf_walk(w, n->left + right, d2);
    }
    w->cur.n_route--;
}

/* The table of one leaf from its background histogram h: 2^d rows of d. */
static void leaf_table(const xpl__interv_plan *plan, uint32_t d,
                       const double *h, double *tab)
{
    const double *coef = plan->coef;
    size_t st = plan->stride;
    uint32_t full = (uint32_t)((1u << d) - 1);
    memset(tab, 0, ((size_t)1 << d) * d * sizeof *tab);
    for (uint32_t p = 0; p <= full; p++) {
        double hp = h[p];
        if (hp == 0)
            continue;
        uint32_t notp = full & ~p;
        size_t a = (size_t)__builtin_popcount(notp);
        /* Every U containing notp: U = notp | s, s a subset of p. */
        for (uint32_t s = p;; s = (s - 1) & p) {
            uint32_t z = p & ~s;
            size_t b = (size_t)__builtin_popcount(z);
            double *row = tab + (size_t)(notp | s) * d;
            if (a) {
                double cx = hp * coef[a * st + b];
                for (uint32_t bits = notp; bits; bits &= bits - 1)
                    row[__builtin_ctz(bits)] += cx;
            }
            if (b) {
                double cr = hp * coef[b * st + a];
                for (uint32_t bits = z; bits; bits &= bits - 1)
                    row[__builtin_ctz(bits)] -= cr;
            }
            if (!s)
                break;
        }
    }
}

int xpl__interv_agg_build(const xpl__ensemble *e, xpl__interv_plan *plan,
                          size_t t)
{
    const xpl__tree *tree = &e->trees[t];
    const xpl__tnode *nodes = e->nodes + tree->first_node;
    const uint32_t *set = plan->set_bit + tree->first_node;
    const uint32_t *keep = plan->keep_mask + tree->first_node;
    size_t m = e->n_features, nv = xpl__tree_n_vals(e, tree);
    uint32_t out = tree->output == XPL__ALL_OUTPUTS ? 0 : tree->output;
    const double *values = e->values + tree->first_value;
    size_t fb = plan->first_block[t], nb = plan->first_block[t + 1] - fb;

    struct bleaf *leaves = xpl__malloc_array(
        nb * ((size_t)1 << XPL__INTERV_BLOCK_INNER) + 1, sizeof *leaves);
    size_t *first = xpl__malloc_array(nb + 1, sizeof *first);
    uint32_t *mask = xpl__malloc_array(plan->max_tree_nodes + 1,
                                       sizeof *mask);
    if (!leaves || !first || !mask) {
        free(leaves);
        free(first);
        free(mask);
        return xpl__enomem();
    }
    struct leaf_walk w = { .nodes = nodes, .out = leaves };
    size_t n_hist = 0, max_leaf_tab = 0;
    for (size_t i = 0; i < nb; i++) {
        const xpl__interv_block *b = &plan->blocks[fb + i];
        w.b = b;
        w.bfeat = plan->feats + b->feat;
        memcpy(w.path, w.bfeat, b->d_root * sizeof *w.path);
        memset(&w.cur, 0, sizeof w.cur);
        first[i] = w.n_out;
        leaf_walk(&w, b->node, b->d_root);
        for (size_t l = first[i]; l < w.n_out; l++) {
            leaves[l].hist = n_hist;
            n_hist += (size_t)1 << leaves[l].d;
        }
        size_t tab = 0;
        for (size_t l = first[i]; l < w.n_out; l++)
            tab += ((size_t)1 << leaves[l].d) * leaves[l].d;
        if (tab > max_leaf_tab)
            max_leaf_tab = tab;
    }
    first[nb] = w.n_out;

    double *hist = xpl__calloc_array(n_hist + 1, sizeof *hist);
    double *ltab = xpl__malloc_array(max_leaf_tab + 1, sizeof *ltab);
    if (!hist || !ltab) {
        free(hist);
        free(ltab);
        free(leaves);
        free(first);
        free(mask);
        return xpl__enomem();
    }
    /* H of every leaf: each reference's pattern there. */
    for (size_t r = 0; r < plan->n_bg; r++) {
        xpl__interv_patterns(e, plan, t, plan->bg + r * m, mask);
        for (size_t l = 0; l < w.n_out; l++)
            hist[leaves[l].hist + mask[leaves[l].node]] += plan->weights[r];
    }

    for (size_t i = 0; i < nb; i++) {
        const xpl__interv_block *b = &plan->blocks[fb + i];
        double *tab = plan->tabs + b->tab;
        size_t rows = (size_t)1 << (b->d_root + b->n_inner);
        size_t off = 0;
        double *lt[1u << XPL__INTERV_BLOCK_INNER];
        for (size_t l = first[i]; l < first[i + 1]; l++) {
            lt[l - first[i]] = ltab + off;
            leaf_table(plan, leaves[l].d, hist + leaves[l].hist, ltab + off);
            off += ((size_t)1 << leaves[l].d) * leaves[l].d;
        }
        uint32_t root_bits = (uint32_t)((1u << b->d_root) - 1);
        for (size_t idx = 0; idx < rows; idx++) {
            double *row = tab + idx * b->d * nv;
            uint32_t dirs = (uint32_t)(idx >> b->d_root);
            for (size_t l = first[i]; l < first[i + 1]; l++) {
                const struct bleaf *lf = &leaves[l];
                uint32_t u = (uint32_t)idx & root_bits;
                for (uint32_t s = 0; s < lf->n_route; s++) {
                    uint32_t q = lf->route_node[s];
                    int hot = (dirs >> lf->route_inner[s] & 1)
                              == lf->route_right[s];
                    u = hot ? u | set[q] : u & keep[q];
                }
                const double *lrow = lt[l - first[i]] + (size_t)u * lf->d;
                const double *v = values + (size_t)lf->node * nv;
                for (size_t k = 0; k < nv; k++) {
                    double vs = v[k] * plan->out_scale[out + k];
                    for (uint32_t j = 0; j < lf->d; j++)
                        row[k * b->d + lf->map[j]] += vs * lrow[j];
                }
            }
        }
    }
    free(hist);
    free(ltab);
    free(leaves);
    free(first);
    free(mask);
    return XPL_OK;
}
