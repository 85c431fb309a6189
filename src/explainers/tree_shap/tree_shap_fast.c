/* Path-dependent TreeSHAP by quadrature: every node visited twice per row,
 * with a handful of multiply-adds per quadrature point, instead of the
 * O(depth^2) path bookkeeping of Algorithm 2 at every leaf.
 *
 * For one leaf l with value v, let U be the distinct features on its path;
 * for feature i in U, z_i is the product of the cover fractions of the
 * path's splits on i and o_i (0 or 1) says whether x satisfies all of them.
 * The leaf's game is v * prod_{i in S} o_i * prod_{i in U\S} z_i, and since
 * |S|! (n-1-|S|)! / n! = integral_0^1 t^|S| (1-t)^(n-1-|S|) dt,
 *
 *   phi_j = v (o_j - z_j) integral_0^1 prod_{i in U, i != j} F_i(t) dt,
 *   F_i(t) = z_i + t (o_i - z_i).
 *
 * The integrand is a polynomial of degree |U| - 1, so a Gauss-Legendre rule
 * with q >= |U| / 2 points is exact. Writing (o_j - z_j) / F_j as
 * H(F_j) and P_l(t) = v prod_{i in U} F_i(t), a leaf adds the quadrature
 * of H(F_j) P_l to phi_j. Along a path a feature's factor changes at each
 * split on it; H(F_j) telescopes over those splits, so the sum over leaves
 * becomes a sum over edges: an edge into node c (its parent splitting on j)
 * adds the quadrature of [H(F_j at c) - H(F_j above)] * S_c(t), where S_c is
 * the sum of P_l over the leaves below c. The quadrature is linear, so the
 * telescoped sum is still exact although each term is a rational function.
 *
 * Per row: a top-down pass computes every node's path product P (q values)
 * as the parent's times the ratio of the new to the old factor of the
 * split's feature, a bottom-up pass sums S and accumulates the edge terms
 * per feature and quadrature point; the points are weighted once per row.
 * Since o is 0 or 1 there are three kinds of edge: x satisfied the earlier
 * splits on j and this one ("hot": F = z + t(1 - z), H = (1 - z) / F), only
 * the earlier ones ("cold": F = z (1 - t), H = -1 / (1 - t)), or failed an
 * earlier one (F = z (1 - t) before and after: ratio = the cover fraction,
 * no term). Everything but 1/F on hot edges is fixed by the tree and
 * precomputed in the plan. */
#include "explainers/tree_shap/tree_shap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* An internal node, in the order of the ensemble's nodes (parents first).
 * Slots number a tree's internal nodes 0..I-1 in that order, then its
 * leaves I..I+L-1; P and S live in slot order in the row's scratch. */
typedef struct frec {
    double threshold;
    uint32_t feature;  /* with XPL__TNODE_DEFAULT_LEFT */
    uint32_t anc;      /* slot of the node just below the nearest split on
                          the same feature above this one; none: the
                          sentinel slot (o = 1, 1/F = 1) */
    uint32_t child[2]; /* slots of the left and right child */
    double za;         /* z of the feature at anc (1 if none) */
    double frac[2];    /* cover fractions of the left and the right child
                          (f, 1 - f), as Algorithm 2 computes them */
    double mul[2];     /* per child: its value if it is a leaf of a
                          single-value tree (folded into P), else 1 */
} frec;
/* Both children's numbers are stored and x's side is picked by indexing
 * with the comparison: a conditional there compiles to a branch that
 * mispredicts half of the time. 64 bytes: one cache line. */

typedef struct ftree {
    size_t first_rec;   /* into recs[] */
    size_t n_mixed;     /* internal nodes with an internal child: slots
                           0 .. n_mixed-1; the splits of two leaves follow */
    size_t n_internal;
    size_t first_leaf;  /* into leaf_value[] (vector leaves only) */
    size_t n_leaves;
    size_t nv;
    uint32_t output;
    int missing_ok;
} ftree;

struct fscratch;
typedef int (*tree_kernel)(const xpl__tree_shap_fast *, const ftree *,
                           const struct fscratch *, size_t, int);
static tree_kernel pick_kernel(size_t q, size_t nv);
/* The same with one feature held present (x's side) or absent (the
 * covers), its terms left out, and the others' added times sgn into acc:
 * the games of SHAP interaction values. */
typedef int (*pin_kernel)(const xpl__tree_shap_fast *, const ftree *,
                          const struct fscratch *, size_t, int, size_t, int,
                          double, double *);
static pin_kernel pick_pin_kernel(size_t q, size_t nv);

struct xpl__tree_shap_fast {
    size_t q;            /* quadrature points, a multiple of 4 */
    double *t;           /* q nodes in (0, 1) */
    double *w;           /* q weights, summing to 1 */
    double *one_minus_t; /* 1 - t */
    double *inv_1mt;     /* 1 / (1 - t) */
    ftree *trees;
    frec *recs;
    double *leaf_value;  /* per tree with vector leaves n_leaves * nv, in
                            slot order, times the output's scale (single
                            values live in the parents' records) */
    size_t max_slots;    /* largest tree; also the sentinel slot */
    size_t max_nv;
    tree_kernel kernel;  /* tree_row for q, for this CPU */
    pin_kernel pin_kernel;
};

/* ------------------------------------------------------------ quadrature */

/* Gauss-Legendre nodes and weights for integral_0^1, by Newton's method on
 * the Legendre polynomial (the standard recurrence). Accurate to a few ulps
 * for any n used here (n <= 128). */
static void gauss_legendre(size_t n, double *t, double *w)
{
    const double pi = 3.14159265358979323846;
    for (size_t i = 0; i < n; i++) {
        double x = cos(pi * ((double)i + 0.75) / ((double)n + 0.5));
        double dp = 1;
        for (int it = 0; it < 100; it++) {
            double p0 = 1, p1 = x;
            for (size_t k = 2; k <= n; k++) {
                double p2 = ((double)(2 * k - 1) * x * p1
                             - (double)(k - 1) * p0) / (double)k;
                p0 = p1;
                p1 = p2;
            }
            if (n == 1) {
                p1 = x;
                p0 = 1;
            }
            dp = (double)n * (x * p1 - p0) / (x * x - 1);
            double dx = p1 / dp;
            x -= dx;
            if (fabs(dx) <= 1e-16)
                break;
        }
        /* Recompute the derivative at the converged root. */
        double p0 = 1, p1 = x;
        for (size_t k = 2; k <= n; k++) {
            double p2 = ((double)(2 * k - 1) * x * p1 - (double)(k - 1) * p0)
                        / (double)k;
            p0 = p1;
            p1 = p2;
        }
        dp = n == 1 ? 1 : (double)n * (x * p1 - p0) / (x * x - 1);
        t[i] = 0.5 * (1 - x);
        w[i] = 1.0 / ((1 - x * x) * dp * dp);
    }
}

/* ------------------------------------------------------------------ plan */

void xpl__tree_shap_fast_free(xpl__tree_shap_fast *f)
{
    if (!f)
        return;
    free(f->t);
    free(f->w);
    free(f->one_minus_t);
    free(f->inv_1mt);
    free(f->trees);
    free(f->recs);
    free(f->leaf_value);
    free(f);
}

/* Records of one tree; returns the most distinct features on a path. */
static size_t build_tree(xpl__tree_shap_fast *f, const xpl__ensemble *e,
                         const xpl__tree_shap_plan *plan, size_t ti,
                         ftree *ft, size_t *n_recs, size_t *n_leaf_vals,
                         uint32_t *slot, uint32_t *parent, uint32_t *distinct,
                         double *z)
{
    const xpl__tree *tree = &e->trees[ti];
    const xpl__tnode *nodes = e->nodes + tree->first_node;
    const double *cover = e->cover + tree->first_node;
    const double *value = plan->node_mean + tree->first_value;
    const double *scale = plan->out_scale;
    size_t n = tree->n_nodes, nv = xpl__tree_n_vals(e, tree);
    uint32_t sentinel = (uint32_t)f->max_slots;

    /* Slots: first the splits with an internal child, then the splits of
     * two leaves, each group in breadth-first order. Parents still come
     * before children, and the kernel runs the two groups as two loops
     * without a test per node. */
    size_t n_int = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            if (xpl__tnode_is_leaf(nodes, i))
                continue;
            int two_leaves = xpl__tnode_is_leaf(nodes, nodes[i].left) &&
                             xpl__tnode_is_leaf(nodes, nodes[i].left + 1);
            if (two_leaves == pass)
                slot[i] = (uint32_t)n_int++;
        }
    size_t n_mixed = 0;
    for (size_t i = 0; i < n; i++)
        n_mixed += !xpl__tnode_is_leaf(nodes, i) &&
                   !(xpl__tnode_is_leaf(nodes, nodes[i].left) &&
                     xpl__tnode_is_leaf(nodes, nodes[i].left + 1));
    size_t n_leaf = 0;
    for (size_t i = 0; i < n; i++)
        if (xpl__tnode_is_leaf(nodes, i))
            slot[i] = (uint32_t)(n_int + n_leaf++);
    parent[0] = UINT32_MAX;
    for (size_t i = 0; i < n; i++)
        if (!xpl__tnode_is_leaf(nodes, i)) {
            parent[nodes[i].left] = (uint32_t)i;
            parent[nodes[i].left + 1] = (uint32_t)i;
        }

    *ft = (ftree){ .first_rec = *n_recs, .n_mixed = n_mixed,
                   .n_internal = n_int,
                   .first_leaf = *n_leaf_vals, .n_leaves = n_leaf, .nv = nv,
                   .output = tree->output, .missing_ok = tree->missing_ok };
    frec *rec = f->recs + *n_recs;
    double *lv = f->leaf_value + *n_leaf_vals;
    size_t n_vals = nv > 1 ? nv : 0; /* stored per leaf here */
    size_t most = 0;
    distinct[0] = 0;
    z[0] = 1;
    for (size_t i = 0; i < n; i++) {
        if (xpl__tnode_is_leaf(nodes, i)) {
            double *dst = lv + (slot[i] - n_int) * n_vals;
            for (size_t k = 0; k < n_vals; k++)
                dst[k] = value[i * nv + k] * scale[k];
            if (distinct[i] > most)
                most = distinct[i];
            continue;
        }
        uint32_t feat = nodes[i].feature & XPL__TNODE_FEATURE_MASK;
        /* The nearest split on the same feature above: its child on the
         * way here is this split's "anc". */
        uint32_t anc = UINT32_MAX;
        for (uint32_t c = (uint32_t)i, p = parent[c]; p != UINT32_MAX;
             c = p, p = parent[c])
            if ((nodes[p].feature & XPL__TNODE_FEATURE_MASK) == feat) {
                anc = c;
                break;
            }
        double za = anc == UINT32_MAX ? 1.0 : z[anc];
        uint32_t l = nodes[i].left, r = l + 1;
        /* The fractions Algorithm 2 uses: children's covers, 1/2 each when
         * both are empty. */
        double rj = cover[l] + cover[r];
        frec *fr = &rec[slot[i]];
        *fr = (frec){
            .threshold = nodes[i].threshold,
            .feature = nodes[i].feature,
            .anc = anc == UINT32_MAX ? sentinel : slot[anc],
            .child = { slot[l], slot[r] },
            .za = za,
        };
        fr->frac[0] = rj > 0 ? cover[l] / rj : 0.5;
        fr->frac[1] = 1 - fr->frac[0];
        for (int k = 0; k < 2; k++) {
            uint32_t ch = l + (uint32_t)k;
            fr->mul[k] = nv == 1 && xpl__tnode_is_leaf(nodes, ch)
                             ? value[ch] * scale[tree->output]
                             : 1.0;
        }
        z[l] = za * fr->frac[0];
        z[r] = za * fr->frac[1];
        distinct[l] = distinct[r] = distinct[i] + (anc == UINT32_MAX);
    }
    *n_recs += n_int;
    *n_leaf_vals += n_leaf * n_vals;
    return most;
}

int xpl__tree_shap_fast_new(xpl__tree_shap_fast **out, const xpl__ensemble *e,
                            const xpl__tree_shap_plan *plan)
{
    *out = NULL;
    xpl__tree_shap_fast *f = calloc(1, sizeof *f);
    if (!f)
        return xpl__enomem();
    size_t n_int = 0, n_leaf_vals = 0, largest = 1;
    f->max_nv = 1;
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        size_t nv = xpl__tree_n_vals(e, tree);
        n_int += tree->n_nodes - tree->n_leaves;
        n_leaf_vals += nv > 1 ? tree->n_leaves * nv : 0;
        if (tree->n_nodes > largest)
            largest = tree->n_nodes;
        if (nv > f->max_nv)
            f->max_nv = nv;
    }
    f->max_slots = largest;
    f->trees = xpl__malloc_array(e->n_trees, sizeof *f->trees);
    f->recs = xpl__malloc_array(n_int, sizeof *f->recs);
    f->leaf_value = xpl__malloc_array(n_leaf_vals, sizeof *f->leaf_value);
    uint32_t *slot = xpl__malloc_array(largest, 3 * sizeof *slot);
    double *z = xpl__malloc_array(largest, sizeof *z);
    if (!f->trees || !f->recs || !f->leaf_value || !slot || !z) {
        free(slot);
        free(z);
        xpl__tree_shap_fast_free(f);
        return xpl__enomem();
    }
    size_t most = 0;
    n_int = n_leaf_vals = 0;
    for (size_t t = 0; t < e->n_trees; t++) {
        size_t u = build_tree(f, e, plan, t, &f->trees[t], &n_int,
                              &n_leaf_vals, slot, slot + largest,
                              slot + 2 * largest, z);
        if (u > most)
            most = u;
    }
    free(slot);
    free(z);

    /* q points integrate degree 2q - 1 exactly; the integrand has degree
     * (distinct features on the path) - 1. Whole groups of 4 keep the
     * inner loops vectorisable. */
    size_t q = (most + 1) / 2;
    f->q = q <= 4 ? 4 : (q + 3) / 4 * 4;
    f->t = xpl__malloc_array(f->q, sizeof *f->t);
    f->w = xpl__malloc_array(f->q, sizeof *f->w);
    f->one_minus_t = xpl__malloc_array(f->q, sizeof *f->one_minus_t);
    f->inv_1mt = xpl__malloc_array(f->q, sizeof *f->inv_1mt);
    if (!f->t || !f->w || !f->one_minus_t || !f->inv_1mt) {
        xpl__tree_shap_fast_free(f);
        return xpl__enomem();
    }
    gauss_legendre(f->q, f->t, f->w);
    for (size_t i = 0; i < f->q; i++) {
        f->one_minus_t[i] = 1 - f->t[i];
        f->inv_1mt[i] = 1 / (1 - f->t[i]);
    }
    f->kernel = pick_kernel(f->q, f->max_nv);
    f->pin_kernel = pick_pin_kernel(f->q, f->max_nv);
    if (!f->kernel) {
        xpl__tree_shap_fast_free(f);
        return XPL_OK;
    }
    *out = f;
    return XPL_OK;
}

size_t xpl__tree_shap_fast_points(const xpl__tree_shap_fast *f)
{
    return f ? f->q : 0;
}

/* ------------------------------------------------------------------- row */

/* A split that the bottom-up pass must finish, with what it needs, noted
 * on the way down: the pass then reads this list in reverse (children
 * before parents) and never the plan, and skips the splits finished on
 * the way down. hot = 0: S only; hot = 1: S and the edge term. */
struct up {
    uint32_t i, h, c, a; /* the split's slot, x's child, the other, anc */
    uint32_t feat, hot;
    double one_zh, one_za;
};

/* Scratch layout (doubles first, 64-byte aligned by the workspace). */
typedef struct fscratch {
    double *row;   /* n_features, rounded as the model rounds inputs */
    double *acc;   /* n_outputs * n_features * q */
    double *p;     /* (max_slots + 1) * q: P, then S in place */
    double *inv_f; /* (max_slots + 1) * q: 1/F on hot edges */
    double *s;     /* max_slots * max_nv * q, for multi-value leaves */
    struct up *up; /* max_slots: the splits left for the bottom-up pass */
    uint8_t *o;    /* max_slots + 1 */
    uint8_t *unknown; /* n_outputs */
} fscratch;

static size_t round8(size_t n)
{
    return (n + 7) / 8 * 8;
}

static fscratch scratch_layout(const xpl__ensemble *e,
                               const xpl__tree_shap_fast *f, void *base)
{
    size_t q = f->q, slots = f->max_slots + 1;
    double *d = base;
    fscratch s;
    s.row = d;
    d += round8(e->n_features);
    s.acc = d;
    d += round8(e->n_outputs * e->n_features * q);
    s.p = d;
    d += round8(slots * q);
    s.inv_f = d;
    d += round8(slots * q);
    s.s = d;
    d += f->max_nv > 1 ? round8(f->max_slots * f->max_nv * q) : 0;
    s.up = (struct up *)d;
    uint8_t *b = (uint8_t *)(s.up + f->max_slots);
    s.o = b;
    b += slots;
    s.unknown = b;
    return s;
}

size_t xpl__tree_shap_fast_scratch(const xpl__ensemble *e,
                                   const xpl__tree_shap_fast *f)
{
    size_t q = f->q, slots = f->max_slots + 1;
    size_t doubles = round8(e->n_features)
                     + round8(e->n_outputs * e->n_features * q)
                     + 2 * round8(slots * q)
                     + (f->max_nv > 1 ? round8(f->max_slots * f->max_nv * q)
                                      : 0);
    return doubles * sizeof(double) + f->max_slots * sizeof(struct up)
           + slots + e->n_outputs;
}

#if defined(__GNUC__)
/* The kernel works on blocks of 4 quadrature points held in one vector
 * (GNU C vector extension: two SSE2 registers on baseline x86-64, one AVX
 * register in the AVX2 clone below). Slots are 32-byte aligned in the
 * scratch (q is a multiple of 4, the workspace is 64-byte aligned). */
typedef double vec __attribute__((vector_size(4 * sizeof(double))));
/* The same, as an lvalue over 4 doubles of an array (any alignment). */
typedef double uvec __attribute__((vector_size(4 * sizeof(double)),
                                   aligned(sizeof(double)), may_alias));
#define V(ptr) (*(uvec *)(void *)(ptr))
#define CV(ptr) ((vec)*(const uvec *)(const void *)(ptr))

/* Which child x takes at a split: 1 for the right one. A missing value
 * follows the default direction, and marks the tree's output unknown if
 * the tree has none. */
static ALWAYS_INLINE unsigned route(const frec *r, const double *x, int le,
                                    int missing_ok, int *unknown)
{
    double xv = x[r->feature & XPL__TNODE_FEATURE_MASK];
    if (isnan(xv)) {
        *unknown |= !missing_ok;
        return !(r->feature & XPL__TNODE_DEFAULT_LEFT);
    }
    return le ? xv > r->threshold : xv >= r->threshold;
}

/* One tree for one row, q points and nv values per leaf (constants when
 * inlined). Returns 1 if a missing value met a split of a tree that cannot
 * route it. Everything read in the loops is first copied to locals: the
 * vector stores may alias anything, and would force reloads.
 *
 * With one value per leaf, a leaf's slot receives S = value * P directly,
 * and a split whose children are both leaves is finished on the way down:
 * for a leaf child the edge term needs no 1/F, since S_h / F_h = v_h P_i /
 * F_a and S_c / (1 - t) = v_c z_c P_i / F_a. In depth-limited boosted trees
 * about half the splits are of that kind. */
static ALWAYS_INLINE int tree_row(const xpl__tree_shap_fast *f,
                                  const ftree *ft, const fscratch *sc,
                                  size_t n_features, int le, size_t q,
                                  size_t nv, int pinned, size_t pin,
                                  int present, double sgn, double *acc0)
{
    const frec *rec = f->recs + ft->first_rec;
    const double *x = sc->row, *t = f->t, *omt = f->one_minus_t;
    const double *i1mt = f->inv_1mt, *lv = f->leaf_value + ft->first_leaf;
    double *p = sc->p, *inv_f = sc->inv_f;
    double *s = nv == 1 ? p : sc->s;
    uint8_t *o = sc->o;
    struct up *up = sc->up, *top = up;
    size_t n_int = ft->n_internal, n_leaves = ft->n_leaves;
    size_t stride = nv * q; /* S per slot */
    size_t out0 = ft->output;
    int missing_ok = ft->missing_ok;
    int unknown = 0;
    /* With q = 4, the quadrature's constants stay in registers. */
    vec t4 = CV(t), omt4 = CV(omt), i1mt4 = CV(i1mt);
#define T(b) (q == 4 ? t4 : CV(t + (b)))
#define OMT(b) (q == 4 ? omt4 : CV(omt + (b)))
#define I1MT(b) (q == 4 ? i1mt4 : CV(i1mt + (b)))

    for (size_t b = 0; b < q; b += 4)
        V(p + b) = (vec){ 1, 1, 1, 1 };
    /* Top down: P of both children from the parent's; first the splits
     * with an internal child (all of them for vector leaves, which are
     * finished below). */
    size_t n_mixed = nv == 1 ? ft->n_mixed : n_int;
    for (size_t i = 0; i < n_mixed; i++) {
        const frec *r = &rec[i];
        unsigned right = route(r, x, le, missing_ok, &unknown);
        size_t a = r->anc, feat = r->feature & XPL__TNODE_FEATURE_MASK;
        size_t h = r->child[right], c = r->child[right ^ 1];
        double mh = r->mul[right], mc = r->mul[right ^ 1];
        if (pinned && feat == pin && present) {
            /* The held feature, present: x's side only, no term. */
            size_t cl = r->child[0], cr = r->child[1];
            for (size_t b = 0; b < q; b += 4) {
                vec pi = CV(p + i * q + b);
                V(p + h * q + b) = pi * mh;
                V(p + c * q + b) = pi * 0.0;
            }
            o[cl] = o[cr] = 0;
            *top++ = (struct up){ (uint32_t)i, (uint32_t)cl, (uint32_t)cr,
                                  0, 0, 0, 0, 0 };
        } else if (o[a] && !(pinned && feat == pin)) {
            double zh = r->za * r->frac[right], zc = r->za * r->frac[right ^ 1];
            for (size_t b = 0; b < q; b += 4) {
                vec pa = CV(p + i * q + b) * CV(inv_f + a * q + b);
                vec fh = zh + T(b) * (1 - zh);
                V(inv_f + h * q + b) = 1 / fh;
                V(p + h * q + b) = pa * (mh * fh);
                V(p + c * q + b) = pa * ((mc * zc) * OMT(b));
            }
            o[h] = 1;
            o[c] = 0;
            *top++ = (struct up){ (uint32_t)i, (uint32_t)h, (uint32_t)c,
                                  (uint32_t)a, (uint32_t)feat, 1, 1 - zh,
                                  1 - r->za };
        } else {
            /* x failed an earlier split on this feature: the factor keeps
             * its form z (1 - t), only z shrinks by the fraction. (The
             * held feature, absent, takes the same form: the covers.) */
            double ml = r->mul[0] * r->frac[0], mr = r->mul[1] * r->frac[1];
            size_t cl = r->child[0], cr = r->child[1];
            for (size_t b = 0; b < q; b += 4) {
                vec pi = CV(p + i * q + b);
                V(p + cl * q + b) = pi * ml;
                V(p + cr * q + b) = pi * mr;
            }
            o[cl] = o[cr] = 0;
            *top++ = (struct up){ (uint32_t)i, (uint32_t)cl, (uint32_t)cr,
                                  0, 0, 0, 0, 0 };
        }
    }
    /* Then the splits of two single-value leaves, finished here. */
    for (size_t i = n_mixed; i < n_int; i++) {
        const frec *r = &rec[i];
        unsigned right = route(r, x, le, missing_ok, &unknown);
        size_t a = r->anc, feat = r->feature & XPL__TNODE_FEATURE_MASK;
        if (pinned && feat == pin && present) {
            double vh = r->mul[right];
            for (size_t b = 0; b < q; b += 4)
                V(s + i * q + b) = CV(p + i * q + b) * vh;
        } else if (o[a] && !(pinned && feat == pin)) {
            double zh = r->za * r->frac[right], zc = r->za * r->frac[right ^ 1];
            double vh = r->mul[right], vc = r->mul[right ^ 1];
            double gain = (1 - zh) * vh - zc * vc, one_za = 1 - r->za;
            double *acc = acc0 + (out0 * n_features + feat) * q;
            for (size_t b = 0; b < q; b += 4) {
                vec ia = CV(inv_f + a * q + b);
                vec pa = CV(p + i * q + b) * ia;
                vec si = pa * (vh * (zh + T(b) * (1 - zh))
                               + (vc * zc) * OMT(b));
                V(s + i * q + b) = si;
                V(acc + b) += sgn * (pa * gain - one_za * ia * si);
            }
        } else {
            double m = r->mul[0] * r->frac[0] + r->mul[1] * r->frac[1];
            for (size_t b = 0; b < q; b += 4)
                V(s + i * q + b) = CV(p + i * q + b) * m;
        }
    }

    /* Vector leaves: S = value * P. */
    if (nv > 1)
        for (size_t j = 0; j < n_leaves; j++)
            for (size_t v = 0; v < nv; v++)
                for (size_t b = 0; b < q; b += 4)
                    V(s + (n_int + j) * stride + v * q + b) =
                        lv[j * nv + v] * CV(p + (n_int + j) * q + b);

    /* Bottom up: S of the parent, and the edge terms of hot splits. */
    while (top-- > up) {
        size_t i = top->i, h = top->h, c = top->c;
        if (!top->hot) {
            for (size_t k = 0; k < stride; k += 4)
                V(s + i * stride + k) = CV(s + h * stride + k)
                                        + CV(s + c * stride + k);
            continue;
        }
        double one_zh = top->one_zh, one_za = top->one_za;
        size_t a = top->a, feat = top->feat;
        for (size_t v = 0; v < nv; v++) {
            size_t out = nv > 1 ? v : out0;
            double *acc = acc0 + (out * n_features + feat) * q;
            for (size_t b = 0; b < q; b += 4) {
                vec sh = CV(s + h * stride + v * q + b);
                vec sc_ = CV(s + c * stride + v * q + b);
                vec si = sh + sc_;
                V(s + i * stride + v * q + b) = si;
                V(acc + b) += sgn * (one_zh * CV(inv_f + h * q + b) * sh
                                     - I1MT(b) * sc_
                                     - one_za * CV(inv_f + a * q + b) * si);
            }
        }
    }
#undef T
#undef OMT
#undef I1MT
    return unknown;
}

static int tree_row_q4(const xpl__tree_shap_fast *f, const ftree *ft,
                       const fscratch *sc, size_t n_features, int le)
{
    /* The comparison as a constant too, in the common case. */
    return le ? tree_row(f, ft, sc, n_features, 1, 4, 1, 0, 0, 0, 1.0, sc->acc)
              : tree_row(f, ft, sc, n_features, 0, 4, 1, 0, 0, 0, 1.0, sc->acc);
}

static int tree_row_any(const xpl__tree_shap_fast *f, const ftree *ft,
                        const fscratch *sc, size_t n_features, int le)
{
    return tree_row(f, ft, sc, n_features, le, f->q, ft->nv, 0, 0, 0, 1.0,
                    sc->acc);
}

static int tree_pin_q4(const xpl__tree_shap_fast *f, const ftree *ft,
                       const fscratch *sc, size_t n_features, int le,
                       size_t pin, int present, double sgn, double *acc)
{
    return le ? tree_row(f, ft, sc, n_features, 1, 4, 1, 1, pin, present, sgn,
                         acc)
              : tree_row(f, ft, sc, n_features, 0, 4, 1, 1, pin, present, sgn,
                         acc);
}

static int tree_pin_any(const xpl__tree_shap_fast *f, const ftree *ft,
                        const fscratch *sc, size_t n_features, int le,
                        size_t pin, int present, double sgn, double *acc)
{
    return tree_row(f, ft, sc, n_features, le, f->q, ft->nv, 1, pin, present,
                    sgn, acc);
}

#if defined(__x86_64__) || defined(__i386__)
/* The same code compiled for AVX2 (one instruction per block of 4 points),
 * chosen at run time. Floating-point contraction stays off (ISO C mode),
 * so both clones give the same bits. */
__attribute__((target("avx2"))) static int
tree_row_q4_avx2(const xpl__tree_shap_fast *f, const ftree *ft,
                 const fscratch *sc, size_t n_features, int le)
{
    /* The comparison as a constant too, in the common case. */
    return le ? tree_row(f, ft, sc, n_features, 1, 4, 1, 0, 0, 0, 1.0, sc->acc)
              : tree_row(f, ft, sc, n_features, 0, 4, 1, 0, 0, 0, 1.0, sc->acc);
}

__attribute__((target("avx2"))) static int
tree_row_any_avx2(const xpl__tree_shap_fast *f, const ftree *ft,
                  const fscratch *sc, size_t n_features, int le)
{
    return tree_row(f, ft, sc, n_features, le, f->q, ft->nv, 0, 0, 0, 1.0,
                    sc->acc);
}

__attribute__((target("avx2"))) static int
tree_pin_q4_avx2(const xpl__tree_shap_fast *f, const ftree *ft,
                 const fscratch *sc, size_t n_features, int le, size_t pin,
                 int present, double sgn, double *acc)
{
    return le ? tree_row(f, ft, sc, n_features, 1, 4, 1, 1, pin, present, sgn,
                         acc)
              : tree_row(f, ft, sc, n_features, 0, 4, 1, 1, pin, present, sgn,
                         acc);
}

__attribute__((target("avx2"))) static int
tree_pin_any_avx2(const xpl__tree_shap_fast *f, const ftree *ft,
                  const fscratch *sc, size_t n_features, int le, size_t pin,
                  int present, double sgn, double *acc)
{
    return tree_row(f, ft, sc, n_features, le, f->q, ft->nv, 1, pin, present,
                    sgn, acc);
}
#endif

static pin_kernel pick_pin_kernel(size_t q, size_t nv)
{
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("avx2"))
        return q == 4 && nv == 1 ? tree_pin_q4_avx2 : tree_pin_any_avx2;
#endif
    return q == 4 && nv == 1 ? tree_pin_q4 : tree_pin_any;
}

static tree_kernel pick_kernel(size_t q, size_t nv)
{
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("avx2"))
        return q == 4 && nv == 1 ? tree_row_q4_avx2 : tree_row_any_avx2;
#endif
    return q == 4 && nv == 1 ? tree_row_q4 : tree_row_any;
}
#else
/* Without GNU C vector types there is no fast kernel: the plan is not
 * built and xpl__tree_shap_row runs Algorithm 2. */
static tree_kernel pick_kernel(size_t q, size_t nv)
{
    (void)q;
    (void)nv;
    return NULL;
}

static pin_kernel pick_pin_kernel(size_t q, size_t nv)
{
    (void)q;
    (void)nv;
    return NULL;
}
#endif

void xpl__tree_shap_fast_row(const xpl__ensemble *e,
                             const xpl__tree_shap_fast *f, void *scratch,
                             const double *x, double *phi)
{
    size_t m = e->n_features, k_out = e->n_outputs, q = f->q;
    fscratch sc = scratch_layout(e, f, scratch);
    for (size_t j = 0; j < m; j++)
        sc.row[j] = e->float32_inputs ? (double)(float)x[j] : x[j];
    memset(sc.acc, 0, k_out * m * q * sizeof *sc.acc);
    memset(sc.unknown, 0, k_out);
    /* The sentinel slot: "no earlier split on this feature". */
    size_t sent = f->max_slots;
    sc.o[sent] = 1;
    for (size_t k = 0; k < q; k++)
        sc.inv_f[sent * q + k] = 1;

    tree_kernel kernel = f->kernel;
    for (size_t t = 0; t < e->n_trees; t++) {
        const ftree *ft = &f->trees[t];
        if (ft->n_internal == 0)
            continue;
        if (kernel(f, ft, &sc, m, e->compare_le)) {
            for (size_t k = 0; k < k_out; k++)
                if (ft->output == XPL__ALL_OUTPUTS || ft->output == k)
                    sc.unknown[k] = 1;
        }
    }
    for (size_t k = 0; k < k_out; k++)
        for (size_t j = 0; j < m; j++) {
            const double *acc = sc.acc + (k * m + j) * q;
            double sum = 0;
            for (size_t i = 0; i < q; i++)
                sum += f->w[i] * acc[i];
            phi[k * m + j] = sc.unknown[k] ? NAN : sum;
        }
}

/* ---------------------------------------------------- interaction values */

/* Scratch: the row's, then per feature a block of n_outputs * M * q
 * accumulators of the conditioned games (present minus absent), then a
 * tree stamp, a used-feature list and a "block cleared" flag per feature. */
static size_t inter_offset(const xpl__tree_shap_fast *f,
                           const xpl__ensemble *e)
{
    return (xpl__tree_shap_fast_scratch(e, f) + 63) / 64 * 64;
}

size_t xpl__tree_shap_fast_inter_scratch(const xpl__ensemble *e,
                                         const xpl__tree_shap_fast *f)
{
    size_t m = e->n_features;
    return inter_offset(f, e)
           + m * e->n_outputs * m * f->q * sizeof(double)
           + m * 2 * sizeof(uint32_t) + m;
}

void xpl__tree_shap_fast_interactions(const xpl__ensemble *e,
                                      const xpl__tree_shap_fast *f,
                                      void *scratch, const double *x,
                                      const double *base_value, double *inter)
{
    size_t m = e->n_features, k_out = e->n_outputs, q = f->q;
    size_t side = m + 1, mm = side * side, block = k_out * m * q;
    fscratch sc = scratch_layout(e, f, scratch);
    double *pacc = (double *)(void *)((char *)scratch + inter_offset(f, e));
    uint32_t *stamp = (uint32_t *)(pacc + m * block), *used = stamp + m;
    uint8_t *cleared = (uint8_t *)(used + m);
    for (size_t j = 0; j < m; j++)
        sc.row[j] = e->float32_inputs ? (double)(float)x[j] : x[j];
    memset(sc.acc, 0, block * sizeof *sc.acc);
    memset(sc.unknown, 0, k_out);
    memset(stamp, 0, m * sizeof *stamp);
    memset(cleared, 0, m);
    size_t sent = f->max_slots;
    sc.o[sent] = 1;
    for (size_t k = 0; k < q; k++)
        sc.inv_f[sent * q + k] = 1;

    int le = e->compare_le;
    for (size_t t = 0; t < e->n_trees; t++) {
        const ftree *ft = &f->trees[t];
        if (ft->n_internal == 0)
            continue;
        if (f->kernel(f, ft, &sc, m, le)) {
            for (size_t k = 0; k < k_out; k++)
                if (ft->output == XPL__ALL_OUTPUTS || ft->output == k)
                    sc.unknown[k] = 1;
        }
        /* Only the features this tree splits on interact through it: for
         * any other the two conditioned games coincide. Stamps are tree
         * numbers + 1. */
        const frec *rec = f->recs + ft->first_rec;
        size_t n_used = 0;
        for (size_t i = 0; i < ft->n_internal; i++) {
            uint32_t g = rec[i].feature & XPL__TNODE_FEATURE_MASK;
            if (stamp[g] != (uint32_t)t + 1) {
                stamp[g] = (uint32_t)t + 1;
                used[n_used++] = g;
            }
        }
        for (size_t u = 0; u < n_used; u++) {
            size_t g = used[u];
            double *acc = pacc + g * block;
            if (!cleared[g]) {
                memset(acc, 0, block * sizeof *acc);
                cleared[g] = 1;
            }
            f->pin_kernel(f, ft, &sc, m, le, g, 1, 0.5, acc);
            f->pin_kernel(f, ft, &sc, m, le, g, 0, -0.5, acc);
        }
    }

    /* Off the diagonal, half the difference of the two games (the 1/2 is
     * in the accumulators); on it, phi_i minus the rest of row i, so that
     * row i sums to phi_i; the bias cell holds the base value. */
    for (size_t k = 0; k < k_out; k++) {
        double *a = inter + k * mm;
        if (sc.unknown[k]) {
            for (size_t i = 0; i < mm; i++)
                a[i] = NAN;
            continue;
        }
        for (size_t i = 0; i < m; i++) {
            double off = 0;
            for (size_t j = 0; j < m; j++) {
                double v = 0;
                if (cleared[i] && j != i) {
                    const double *ac = pacc + i * block + (k * m + j) * q;
                    for (size_t b = 0; b < q; b++)
                        v += f->w[b] * ac[b];
                    off += v;
                }
                a[i * side + j] = v;
            }
            const double *ac = sc.acc + (k * m + i) * q;
            double phi = 0;
            for (size_t b = 0; b < q; b++)
                phi += f->w[b] * ac[b];
            a[i * side + i] = phi - off;
            a[i * side + m] = 0;
        }
        for (size_t j = 0; j < m; j++)
            a[m * side + j] = 0;
        a[m * side + m] = base_value[k];
    }
}
