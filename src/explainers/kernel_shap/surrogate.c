#include "explainers/kernel_shap/surrogate.h"

#include <math.h>
#include <string.h>

#include "core/error.h"

enum { ALIGN = 64 };
enum { LEVEL_NODES = 1 << (XPL__KS_SUR_DEPTH - 1) }; /* widest split level */
/* Per node: totals tw tg tc tq, the "all" terms aw ag of the samples listed
 * by their non-members, and a pad. */
enum { NODE_STATS = 8 };

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static size_t level_doubles(size_t m)
{
    return (size_t)LEVEL_NODES * (2 * m + NODE_STATS);
}

size_t xpl__ks_surrogate_bytes(size_t n_coal, size_t m)
{
    size_t nodes = (size_t)XPL__KS_SUR_TREES * XPL__KS_SUR_NODES;
    return round_up(nodes * sizeof(int32_t)) +
           round_up(nodes * sizeof(double)) +
           3 * round_up(n_coal * sizeof(uint32_t)) +
           2 * round_up(n_coal * sizeof(double)) +
           round_up(m * sizeof(double)) +
           2 * round_up(level_doubles(m) * sizeof(double));
}

void xpl__ks_surrogate_init(xpl__ks_surrogate *s, void *mem, size_t n_coal,
                            size_t m)
{
    unsigned char *b = mem;
    size_t nodes = (size_t)XPL__KS_SUR_TREES * XPL__KS_SUR_NODES;
    memset(s, 0, sizeof *s);
    s->m = m;
    s->feature = (int32_t *)b;
    b += round_up(nodes * sizeof(int32_t));
    s->value = (double *)b;
    b += round_up(nodes * sizeof(double));
    s->idx = (uint32_t *)b;
    b += round_up(n_coal * sizeof(uint32_t));
    s->ord = (uint32_t *)b;
    b += round_up(n_coal * sizeof(uint32_t));
    s->tmp = (uint32_t *)b;
    b += round_up(n_coal * sizeof(uint32_t));
    s->F = (double *)b;
    b += round_up(n_coal * sizeof(double));
    s->grad = (double *)b;
    b += round_up(n_coal * sizeof(double));
    s->root_w = (double *)b;
    b += round_up(m * sizeof(double));
    for (int i = 0; i < 2; i++) {
        s->sums[i] = (double *)b;
        b += round_up(level_doubles(m) * sizeof(double));
    }
}

/* Leaf reached by coalition `mask` in tree t. */
static size_t leaf_of(const xpl__ks_surrogate *s, size_t t,
                      const uint64_t *mask)
{
    const int32_t *feat = s->feature + t * XPL__KS_SUR_NODES;
    size_t nd = 0;
    while (feat[nd] >= 0)
        nd = 2 * nd + 1 + (size_t)xpl__mask_has(mask, (size_t)feat[nd]);
    return nd;
}

/* Add fit-sample i to a node's sums: totals, and per player the weight and
 * weighted gradient of the coalitions holding the player (a sample listed
 * by its non-members adds to the "all" terms and subtracts them). */
static void accumulate(const xpl__ks_surrogate *s, double *ns, size_t i,
                       double wi)
{
    size_t m = s->m, c = s->idx[i];
    const xpl__ks_lists *l = s->lists;
    double g = s->grad[i], wg = wi * g, *st = ns + 2 * m;
    st[0] += wi;
    st[1] += wg;
    st[2] += 1;
    st[3] += wg * g;
    if (l->flip[c]) {
        st[4] += wi;
        st[5] += wg;
        wi = -wi;
        wg = -wg;
    }
    for (uint32_t a = l->off[c]; a < l->off[c + 1]; a++) {
        double *pj = ns + 2 * (size_t)l->players[a];
        pj[0] += wi;
        pj[1] += wg;
    }
}

/* Fold the "all" terms into every player's sums. */
static void finalize(const xpl__ks_surrogate *s, double *ns)
{
    size_t m = s->m;
    double *st = ns + 2 * m;
    for (size_t j = 0; j < m; j++) {
        ns[2 * j] += st[4];
        ns[2 * j + 1] += st[5];
    }
    st[4] = st[5] = 0;
}

/* The root's sums. With complementary pairs (a, b), b holds exactly the
 * players a lacks: the pair adds w g_b to every player and w (g_a - g_b) to
 * a's members, one pass over a's list; the weights per player are the same
 * for every tree (root_w). */
static void root_sums(const xpl__ks_surrogate *s, double *ns,
                      const double *w, size_t n, int paired)
{
    size_t m = s->m;
    const xpl__ks_lists *l = s->lists;
    double *st = ns + 2 * m;
    if (!paired) {
        for (size_t i = 0; i < n; i++)
            accumulate(s, ns, i, w[s->idx[i]]);
        finalize(s, ns);
        return;
    }
    double all = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        size_t c = s->idx[i];
        double wi = w[c], ga = s->grad[i], gb = s->grad[i + 1];
        st[0] += 2 * wi;
        st[1] += wi * (ga + gb);
        st[2] += 2;
        st[3] += wi * (ga * ga + gb * gb);
        double d = wi * (ga - gb);
        all += wi * gb;
        if (l->flip[c]) {
            all += d;
            d = -d;
        }
        for (uint32_t a = l->off[c]; a < l->off[c + 1]; a++)
            ns[2 * (size_t)l->players[a] + 1] += d;
    }
    for (size_t j = 0; j < m; j++) {
        ns[2 * j] = s->root_w[j];
        ns[2 * j + 1] += all;
    }
}

/* One tree fitted to the gradients, level by level, the samples of each
 * node kept together in s->ord. A split node's smaller child is summed,
 * the larger one is the parent minus it; the last level's leaves take
 * their totals from the split that made them. */
static void grow_tree(xpl__ks_surrogate *s, size_t t, const uint64_t *masks,
                      size_t words, const double *w, size_t n, int paired)
{
    size_t m = s->m, stride = 2 * m + NODE_STATS;
    int32_t *feat = s->feature + t * XPL__KS_SUR_NODES;
    double *val = s->value + t * XPL__KS_SUR_NODES;
    unsigned char open[XPL__KS_SUR_NODES], direct[XPL__KS_SUR_NODES];
    unsigned char exists[XPL__KS_SUR_NODES];
    uint32_t start[XPL__KS_SUR_NODES], end[XPL__KS_SUR_NODES];
    for (size_t i = 0; i < XPL__KS_SUR_NODES; i++) {
        feat[i] = -1;
        val[i] = 0;
        open[i] = direct[i] = exists[i] = 0;
    }
    double *cur = s->sums[0], *nxt = s->sums[1];
    memset(cur, 0, stride * sizeof *cur);
    root_sums(s, cur, w, n, paired);
    open[0] = exists[0] = 1;
    start[0] = 0;
    end[0] = (uint32_t)n;
    for (size_t depth = 0; depth < XPL__KS_SUR_DEPTH; depth++) {
        size_t first = ((size_t)1 << depth) - 1, width = (size_t)1 << depth;
        int last = depth + 1 == XPL__KS_SUR_DEPTH, any = 0;
        for (size_t q = 0; q < width; q++) {
            size_t nd = first + q;
            if (!open[nd])
                continue;
            open[nd] = 0;
            const double *ns = cur + q * stride, *st = ns + 2 * m;
            double tw = st[0], tg = st[1], tc = st[2];
            double tq = st[3] > 0 ? st[3] : 0;
            /* a child must hold the weight of MIN_LEAF average samples */
            double wmin = tw / tc * XPL__KS_SUR_MIN_LEAF * (1 - 1e-9);
            size_t best = m;
            double best_gain = 1e-12 * tq, bw = 0, bg = 0;
            for (size_t j = 0; j < m; j++) {
                double w1 = ns[2 * j], g1 = ns[2 * j + 1];
                double w0 = tw - w1, g0 = tg - g1;
                if (!(w1 >= wmin) || !(w0 >= wmin))
                    continue;
                double gain = g1 * g1 / w1 + g0 * g0 / w0 - tg * tg / tw;
                if (gain > best_gain && gain > 0) {
                    best_gain = gain;
                    best = j;
                    bw = w1;
                    bg = g1;
                }
            }
            if (best == m) {
                val[nd] = tw > 0 ? s->rate * tg / tw : 0.0;
                continue;
            }
            feat[nd] = (int32_t)best;
            /* partition the node's samples, without the player first, then
             * with it (stable, branch-free: the samples with it go through
             * s->tmp) */
            uint32_t lo = start[nd], nr = 0;
            const uint64_t bit = (uint64_t)1 << (best & 63);
            const uint64_t *col = masks + (best >> 6);
            for (uint32_t k = start[nd]; k < end[nd]; k++) {
                uint32_t i = s->ord[k];
                uint32_t has = (col[(size_t)s->idx[i] * words] & bit) != 0;
                s->ord[lo] = i;
                s->tmp[nr] = i;
                lo += 1 - has;
                nr += has;
            }
            memcpy(s->ord + lo, s->tmp, nr * sizeof *s->tmp);
            size_t left = 2 * nd + 1, right = left + 1;
            start[left] = start[nd];
            end[left] = start[right] = lo;
            end[right] = end[nd];
            exists[left] = exists[right] = 1;
            if (last) {
                val[left] = s->rate * (tg - bg) / (tw - bw);
                val[right] = s->rate * bg / bw;
            } else {
                open[left] = open[right] = 1;
                direct[end[right] - start[right] <= end[left] - start[left]
                           ? right
                           : left] = 1;
                any = 1;
            }
        }
        if (last || !any)
            break;
        size_t first2 = 2 * first + 1;
        memset(nxt, 0, 2 * width * stride * sizeof *nxt);
        for (size_t q = 0; q < width; q++) {
            size_t nd = first + q;
            if (!exists[nd] || feat[nd] < 0)
                continue;
            size_t left = 2 * nd + 1;
            size_t d = direct[left] ? left : left + 1;
            size_t o = d == left ? left + 1 : left;
            double *dn = nxt + (d - first2) * stride;
            double *on = nxt + (o - first2) * stride;
            for (uint32_t k = start[d]; k < end[d]; k++) {
                uint32_t i = s->ord[k];
                accumulate(s, dn, i, w[s->idx[i]]);
            }
            finalize(s, dn);
            const double *pn = cur + q * stride;
            for (size_t k = 0; k < stride; k++)
                on[k] = pn[k] - dn[k];
        }
        double *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
    for (size_t nd = 0; nd < XPL__KS_SUR_NODES; nd++)
        if (exists[nd] && feat[nd] < 0)
            for (uint32_t k = start[nd]; k < end[nd]; k++)
                s->F[s->ord[k]] += val[nd];
}

/* Shapley values of the game S -> tree(1_S): a leaf reached when the
 * players in X are present and those in R absent is the game
 * v [X in S, R out of S], worth v (|X|-1)! |R|! / n! to each player of X
 * and -v |X|! (|R|-1)! / n! to each of R (n = |X| + |R|). The path of a
 * leaf is read from its ancestors (node i's children are 2i+1, 2i+2). */
static void tree_shapley(const int32_t *feat, const double *val, double *phi)
{
    static const double fact[] = { 1, 1, 2, 6, 24, 120, 720, 5040, 40320 };
    for (size_t nd = 0; nd < XPL__KS_SUR_NODES; nd++) {
        double v = val[nd];
        if (feat[nd] >= 0 || v == 0)
            continue;
        uint32_t x[XPL__KS_SUR_DEPTH], rr[XPL__KS_SUR_DEPTH];
        size_t nx = 0, nr = 0;
        int reached = 1;
        for (size_t c = nd; c > 0 && reached;) {
            size_t a = (c - 1) / 2;
            if (feat[a] < 0 || nx + nr >= XPL__KS_SUR_DEPTH) {
                reached = 0;
                break;
            }
            if (c == 2 * a + 2)
                x[nx++] = (uint32_t)feat[a];
            else
                rr[nr++] = (uint32_t)feat[a];
            c = a;
        }
        size_t n = nx + nr;
        if (!reached || n == 0)
            continue;
        if (nx) {
            double w = v * fact[nx - 1] * fact[nr] / fact[n];
            for (size_t i = 0; i < nx; i++)
                phi[x[i]] += w;
        }
        if (nr) {
            double w = v * fact[nx] * fact[nr - 1] / fact[n];
            for (size_t i = 0; i < nr; i++)
                phi[rr[i]] -= w;
        }
    }
}

double xpl__ks_surrogate_rate(size_t n_trees)
{
    double rate = 1 - pow(0.8, 50.0 / (double)n_trees);
    return rate < 0.5 ? rate : 0.5;
}

int xpl__ks_surrogate_fit(xpl__ks_surrogate *s, const xpl__ks_lists *lists,
                          const uint64_t *masks, size_t words, size_t m,
                          const double *w, const double *r, size_t n_coal,
                          int paired, size_t n_trees, double *phi, double *g0,
                          double *g1)
{
    if (n_trees > XPL__KS_SUR_TREES)
        n_trees = XPL__KS_SUR_TREES;
    s->m = m;
    s->lists = lists;
    size_t n = 0;
    double tw = 0, tg = 0;
    for (size_t c = 0; c < n_coal; c++)
        if (w[c] > 0) {
            s->ord[n] = (uint32_t)n;
            s->idx[n++] = (uint32_t)c;
            tw += w[c];
            tg += w[c] * r[c];
        }
    /* pairs: samples 2k and 2k+1 are coalitions c and c+1 of equal weight */
    if (paired && n % 2 == 0) {
        for (size_t i = 0; i < n && paired; i += 2)
            paired = s->idx[i + 1] == s->idx[i] + 1 &&
                     w[s->idx[i]] == w[s->idx[i + 1]];
    } else {
        paired = 0;
    }
    /* the root's per-player weights do not change between trees */
    memset(s->root_w, 0, m * sizeof *s->root_w);
    double all = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = s->idx[i];
        double wi = w[c];
        if (lists->flip[c]) {
            all += wi;
            wi = -wi;
        }
        for (uint32_t a = lists->off[c]; a < lists->off[c + 1]; a++)
            s->root_w[lists->players[a]] += wi;
    }
    for (size_t j = 0; j < m; j++)
        s->root_w[j] += all;

    memset(phi, 0, m * sizeof *phi);
    s->f0 = tw > 0 ? tg / tw : 0;
    s->n_trees = n > 0 ? n_trees : 0;
    s->rate = n_trees ? xpl__ks_surrogate_rate(n_trees) : 0;
    for (size_t i = 0; i < n; i++)
        s->F[i] = s->f0;
    for (size_t t = 0; t < s->n_trees; t++) {
        for (size_t i = 0; i < n; i++)
            s->grad[i] = r[s->idx[i]] - s->F[i];
        grow_tree(s, t, masks, words, w, n, paired);
    }
    *g0 = *g1 = s->f0;
    for (size_t t = 0; t < s->n_trees; t++) {
        const int32_t *feat = s->feature + t * XPL__KS_SUR_NODES;
        const double *val = s->value + t * XPL__KS_SUR_NODES;
        tree_shapley(feat, val, phi);
        size_t lo = 0, hi = 0;
        while (feat[lo] >= 0)
            lo = 2 * lo + 1;
        while (feat[hi] >= 0)
            hi = 2 * hi + 2;
        *g0 += val[lo];
        *g1 += val[hi];
    }
    return XPL_OK;
}

void xpl__ks_surrogate_predict(const xpl__ks_surrogate *s,
                               const uint64_t *masks, size_t words,
                               size_t n_coal, const double *w, double *out)
{
    for (size_t c = 0; c < n_coal; c++) {
        if (!(w[c] > 0))
            continue;
        double g = s->f0;
        for (size_t t = 0; t < s->n_trees; t++)
            g += s->value[t * XPL__KS_SUR_NODES +
                          leaf_of(s, t, masks + c * words)];
        out[c] = g;
    }
}
