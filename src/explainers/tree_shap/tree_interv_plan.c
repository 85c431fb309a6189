/* The interventional plan: which trees get per-leaf background tables, the
 * tables themselves (pattern lists where a table would be too large), and
 * the per-row dispatcher. */
/* madvise(MADV_HUGEPAGE) where the C library has it (alloc_tables). */
#define _DEFAULT_SOURCE 1

#include "explainers/tree_shap/tree_interv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include "core/error.h"

/* Per-row cost model of the automatic rule, in nanoseconds of the machine
 * bench/bench_tree_interventional.c was run on (docs/performance.md): only
 * the ratios matter, and it is a fixed formula of the trees, the
 * background and N, so the choice is deterministic.
 *  - Per pair: PAIR_NS_PER_VISIT per node a pair walk visits (counted on
 *    PAIR_SAMPLES pairs of background rows), times N; when the ensemble's
 *    nodes do not stay in cache (more than CACHED_NODE_BYTES),
 *    PAIR_NS_PER_FAR_VISIT instead, plus PAIR_NS_PER_FAR_NODE per node of
 *    the tree to bring it in for the row.
 *  - Aggregated: AGG_NS_PER_STEP per node above the blocks, one row fetch
 *    per block (AGG_NS_PER_BLOCK from cache, AGG_NS_PER_FAR_BLOCK from
 *    memory when all tables together exceed CACHED_TABLE_BYTES),
 *    AGG_NS_PER_ADD per table entry added, and for each sparse leaf
 *    AGG_NS_PER_SLEAF plus AGG_NS_PER_ENTRY per entry of its pattern list
 *    (counted as min(N, 2^d), the most it can have). */
#define PAIR_NS_PER_VISIT 8.0
#define PAIR_NS_PER_FAR_VISIT 16.0
#define PAIR_NS_PER_FAR_NODE 7.0
#define PAIR_SAMPLES 16
#define AGG_NS_PER_STEP 3.0
#define AGG_NS_PER_BLOCK 8.0
#define AGG_NS_PER_FAR_BLOCK 100.0
#define AGG_NS_PER_ADD 1.5
#define AGG_NS_PER_SLEAF 20.0
#define AGG_NS_PER_ENTRY 2.0
#define CACHED_NODE_BYTES ((size_t)1 << 20)
#define CACHED_TABLE_BYTES ((size_t)8 << 20)

/* ------------------------------------------------------- tree structure */

/* Walks a tree from the root, cutting it into blocks (tree_interv.h) of
 * at most `limit` index bits and sparse leaves, and measuring them; with
 * set_bit set, also fills the blocks, the sparse leaves, their features
 * and every internal node's path bit. */
struct scan {
    const xpl__tnode *nodes;
    const uint32_t *inner; /* per node: internal nodes in its subtree */
    size_t nv;
    size_t limit;          /* most index bits of a block's table */
    size_t n_bg;
    uint32_t path[XPL__MAX_TREE_DEPTH + 1];
    /* measured */
    size_t max_bits, n_blocks, n_feats, adds, tab_doubles, n_above;
    size_t n_leaves, depth_sum;
    size_t max_d, n_sleaves, entries; /* entries: bound on the lists */
    /* block being collected */
    xpl__interv_block blk;
    uint32_t bfeat[XPL__MAX_TREE_DEPTH + 1];
    /* filled when set_bit is not NULL */
    uint32_t *set_bit, *keep_mask;
    xpl__interv_step *steps;
    size_t n_step;
    xpl__interv_block *blocks;
    size_t n_block;
    xpl__interv_sleaf *sleaves;
    size_t n_sleaf;
    uint32_t *feats;
    size_t n_feat;
    size_t tab;
};

/* Position of feature f on the path of length d (d if absent). */
static size_t path_pos(const uint32_t *path, size_t d, uint32_t f)
{
    size_t k = 0;
    while (k < d && path[k] != f)
        k++;
    return k;
}

static void set_bits(struct scan *s, uint32_t q, size_t k, size_t d)
{
    if (!s->set_bit)
        return;
    /* Filled trees are aggregated: their paths are short enough for the
     * bit to exist. */
    uint32_t bit = (uint32_t)1 << k;
    s->set_bit[q] = k == d ? bit : 0;
    s->keep_mask[q] = ~bit;
}

/* Inside a block: inner nodes in preorder, new features, leaf depths. */
static void in_block(struct scan *s, uint32_t q, size_t d, size_t depth)
{
    const xpl__tnode *n = &s->nodes[q];
    if (n->left == q) {
        s->n_leaves++;
        s->depth_sum += depth;
        return;
    }
    if (s->blk.n_inner < XPL__INTERV_BLOCK_INNER) {
        s->blk.inner[s->blk.n_inner] = q;
        s->blk.inner_feature[s->blk.n_inner] = n->feature;
        s->blk.inner_threshold[s->blk.n_inner] = n->threshold;
    }
    s->blk.n_inner++;
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    size_t k = path_pos(s->path, d, f), d2 = d;
    if (k == d) {
        s->path[d2++] = f;
        if (path_pos(s->bfeat, s->blk.d, f) == s->blk.d)
            s->bfeat[s->blk.d++] = f;
    }
    set_bits(s, q, k, d);
    in_block(s, n->left, d2, depth + 1);
    in_block(s, n->left + 1, d2, depth + 1);
}

/* A leaf below every block small enough: its pattern list. */
static void sparse_leaf(struct scan *s, uint32_t q, size_t d)
{
    if (d > s->max_d)
        s->max_d = d;
    s->n_sleaves++;
    s->n_feats += d;
    s->entries += d < 32 && ((size_t)1 << d) < s->n_bg ? (size_t)1 << d
                                                         : s->n_bg;
    if (s->set_bit) {
        s->sleaves[s->n_sleaf++] = (xpl__interv_sleaf){
            .node = q, .d = (uint32_t)d, .feat = s->n_feat };
        memcpy(s->feats + s->n_feat, s->path, d * sizeof *s->feats);
        s->n_feat += d;
    }
}

static void scan(struct scan *s, uint32_t q, size_t d, size_t depth)
{
    const xpl__tnode *n = &s->nodes[q];
    if (s->inner[q] <= XPL__INTERV_BLOCK_INNER &&
        d + s->inner[q] <= s->limit) {
        s->blk = (xpl__interv_block){ .node = q, .d_root = (uint32_t)d,
                                      .d = (uint32_t)d };
        memcpy(s->bfeat, s->path, d * sizeof *s->bfeat);
        in_block(s, q, d, depth);
        size_t bits = d + s->blk.n_inner;
        if (bits > s->max_bits)
            s->max_bits = bits;
        s->n_blocks++;
        s->n_feats += s->blk.d;
        s->adds += s->blk.d * s->nv;
        size_t size = ((size_t)1 << bits) * s->blk.d * s->nv;
        s->tab_doubles += size;
        if (s->set_bit) {
            s->blk.feat = s->n_feat;
            s->blk.tab = s->tab;
            s->blocks[s->n_block++] = s->blk;
            memcpy(s->feats + s->n_feat, s->bfeat,
                   s->blk.d * sizeof *s->feats);
            s->n_feat += s->blk.d;
            s->tab += size;
        }
        return;
    }
    if (n->left == q) {
        sparse_leaf(s, q, d);
        return;
    }
    uint32_t f = n->feature & XPL__TNODE_FEATURE_MASK;
    size_t k = path_pos(s->path, d, f), d2 = d;
    if (k == d)
        s->path[d2++] = f;
    set_bits(s, q, k, d);
    s->n_above++;
    if (s->set_bit)
        s->steps[s->n_step++] = (xpl__interv_step){
            .threshold = n->threshold,
            .feature = n->feature,
            .node = q,
            .left = n->left,
            .set = s->set_bit[q],
            .keep = s->keep_mask[q],
        };
    scan(s, n->left, d2, depth + 1);
    scan(s, n->left + 1, d2, depth + 1);
}

/* Internal nodes below each node (children follow their parent). */
static void count_inner(const xpl__tnode *nodes, size_t n_nodes,
                        uint32_t *inner)
{
    for (size_t q = n_nodes; q-- > 0;)
        inner[q] = nodes[q].left == q
                       ? 0 : 1 + inner[nodes[q].left] + inner[nodes[q].left + 1];
}

/* ----------------------------------------------------------------- plan */

void xpl__interv_plan_free(xpl__interv_plan *plan)
{
    free(plan->bg);
    free(plan->weights);
    free(plan->out_scale);
    free(plan->coef);
    free(plan->aggregated);
    free(plan->first_block);
    free(plan->blocks);
    free(plan->feats);
    free(plan->tabs);
    free(plan->set_bit);
    free(plan->keep_mask);
    free(plan->steps);
    free(plan->first_step);
    free(plan->sleaves);
    free(plan->first_sleaf);
    free(plan->sq);
    free(plan->sw);
    memset(plan, 0, sizeof *plan);
}

/* Zeroed table memory. Large tables are read at random, one row per block:
 * ask for huge pages where the system has them, so that the rows do not
 * also cost a TLB miss each. */
static double *alloc_tables(size_t n)
{
    size_t bytes = (n ? n : 1) * sizeof(double);
    if (bytes / sizeof(double) != (n ? n : 1))
        return NULL;
#ifdef MADV_HUGEPAGE
    enum { HUGE = 2 << 20 };
    if (bytes >= HUGE) {
        void *p = NULL;
        size_t rounded = (bytes + HUGE - 1) / HUGE * HUGE;
        if (rounded >= bytes && posix_memalign(&p, HUGE, rounded) == 0) {
            (void)madvise(p, rounded, MADV_HUGEPAGE);
            memset(p, 0, rounded);
            return p;
        }
    }
#endif
    return calloc(1, bytes);
}

/* Copies of the background and the per-output constants. */
static int plan_basics(xpl__interv_plan *plan, const xpl__ensemble *e,
                       const double *bg, const double *weights, size_t n_bg)
{
    size_t m = e->n_features, max_depth = 0;
    for (size_t t = 0; t < e->n_trees; t++) {
        if (e->trees[t].depth > max_depth)
            max_depth = e->trees[t].depth;
        if (e->trees[t].n_nodes > plan->max_tree_nodes)
            plan->max_tree_nodes = e->trees[t].n_nodes;
    }
    size_t st = max_depth + 1;
    plan->n_features = m;
    plan->n_bg = n_bg;
    plan->stride = st;
    plan->bg = xpl__malloc_array(n_bg, m * sizeof *plan->bg);
    plan->weights = xpl__malloc_array(n_bg, sizeof *plan->weights);
    plan->out_scale = xpl__malloc_array(e->n_outputs,
                                        sizeof *plan->out_scale);
    plan->coef = xpl__malloc_array(st * st, sizeof *plan->coef);
    plan->aggregated = calloc(e->n_trees ? e->n_trees : 1, 1);
    plan->first_block = xpl__calloc_array(e->n_trees + 1,
                                          sizeof *plan->first_block);
    plan->first_sleaf = xpl__calloc_array(e->n_trees + 1,
                                          sizeof *plan->first_sleaf);
    if (!plan->bg || !plan->weights || !plan->out_scale || !plan->coef ||
        !plan->aggregated || !plan->first_block || !plan->first_sleaf)
        return xpl__enomem();
    for (size_t i = 0; i < n_bg * m; i++)
        plan->bg[i] = e->float32_inputs ? (double)(float)bg[i] : bg[i];
    memcpy(plan->weights, weights, n_bg * sizeof *weights);
    for (size_t k = 0; k < e->n_outputs; k++)
        plan->out_scale[k] = e->aggregation == XPL__AGG_MEAN
                                 ? 1.0 / e->n_feeding[k] : 1.0;
    /* coef[a][b] = (a-1)! b! / (a+b)! = 1 / ((a+b) C(a+b-1, b)); 0 for
     * a = 0 (no feature on that side). */
    for (size_t a = 0; a < st; a++)
        for (size_t b = 0; b < st; b++) {
            double binom = 1;
            for (size_t i = 1; a > 0 && i <= b; i++)
                binom = binom * (double)(a - 1 + i) / (double)i;
            plan->coef[a * st + b] = a ? 1.0 / ((double)(a + b) * binom) : 0;
        }
    return XPL_OK;
}

/* May tree t have tables? A reference with a missing value the tree cannot
 * route must go through the per-pair walk, which reports it exactly where
 * a pair meets it. */
static int may_aggregate(const xpl__ensemble *e, const xpl__tree *tree,
                         const struct scan *s, const unsigned char *bg_nan)
{
    if (s->max_d > XPL__INTERV_MAX_PATH_BITS)
        return 0;
    if (tree->missing_ok)
        return 1;
    const xpl__tnode *nodes = e->nodes + tree->first_node;
    for (size_t q = 0; q < tree->n_nodes; q++)
        if (nodes[q].left != q &&
            bg_nan[nodes[q].feature & XPL__TNODE_FEATURE_MASK])
            return 0;
    return 1;
}

/* The automatic rule: tables for a tree if a row costs less with them
 * than walking the N pairs (module constants above). */
static int tables_pay(const struct scan *s, double visits, size_t n_bg,
                      int far_nodes, size_t n_nodes, double block_ns)
{
    double pair = far_nodes ? (double)n_bg * PAIR_NS_PER_FAR_VISIT * visits
                                  + PAIR_NS_PER_FAR_NODE * (double)n_nodes
                            : (double)n_bg * PAIR_NS_PER_VISIT * visits;
    double agg = AGG_NS_PER_STEP * (double)s->n_above
                 + block_ns * (double)s->n_blocks
                 + AGG_NS_PER_ADD * (double)s->adds
                 + AGG_NS_PER_SLEAF * (double)s->n_sleaves
                 + AGG_NS_PER_ENTRY * (double)s->entries;
    return agg < pair;
}

/* Mean nodes a pair walk of tree t visits, over pairs of background rows
 * (a row with itself when there is one). */
static double pair_visits(const xpl__ensemble *e, const xpl__interv_plan *p,
                          size_t t, unsigned char *side)
{
    size_t m = e->n_features, n = p->n_bg < PAIR_SAMPLES ? p->n_bg
                                                          : PAIR_SAMPLES;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)xpl__interv_pair_visits(
            e, t, p->bg + i * m, p->bg + (i + 1) % p->n_bg * m, side);
    return total / (double)n;
}

/* Bytes of tree t's tables and pattern lists (at most), measured. */
static size_t scan_tree(const xpl__ensemble *e, const xpl__interv_plan *plan,
                        size_t t, size_t limit, uint32_t *inner,
                        struct scan *s)
{
    const xpl__tree *tree = &e->trees[t];
    *s = (struct scan){ .nodes = e->nodes + tree->first_node,
                        .inner = inner, .nv = xpl__tree_n_vals(e, tree),
                        .limit = limit, .n_bg = plan->n_bg };
    count_inner(s->nodes, tree->n_nodes, inner);
    scan(s, 0, 0, 0);
    return s->tab_doubles * sizeof(double)
           + s->entries * (sizeof(uint32_t) + sizeof(double));
}

/* The most index bits a block table may have: XPL__INTERV_MAX_TABLE_BITS
 * if the tables and lists of every tree that may have them fit in the
 * budget, else less (larger blocks become smaller ones and sparse leaves),
 * down to 0 (every leaf with more than 0 features sparse). */
static size_t table_bits(const xpl__ensemble *e, const xpl__interv_plan *plan,
                         uint32_t *inner, const unsigned char *bg_nan,
                         int mode)
{
    if (mode == XPL__INTERV_SPARSE)
        return 0;
    size_t limit = XPL__INTERV_MAX_TABLE_BITS;
    for (; limit > 0; limit--) {
        size_t total = 0;
        for (size_t t = 0; t < e->n_trees &&
                           total <= XPL__INTERV_TABLE_BUDGET; t++) {
            struct scan s;
            size_t bytes = scan_tree(e, plan, t, limit, inner, &s);
            if (may_aggregate(e, &e->trees[t], &s, bg_nan))
                total += bytes;
        }
        if (total <= XPL__INTERV_TABLE_BUDGET)
            break;
    }
    return limit;
}

int xpl__interv_plan_new(xpl__interv_plan *plan, const xpl__ensemble *e,
                         const double *bg, const double *weights,
                         size_t n_bg, int mode)
{
    memset(plan, 0, sizeof *plan);
    int rc = plan_basics(plan, e, bg, weights, n_bg);
    size_t m = e->n_features;
    /* Per feature: missing somewhere in the background; then the sides of
     * the pair walks that estimate costs. */
    unsigned char *bg_nan = rc ? NULL : calloc(2 * m + 1, 1);
    uint32_t *inner = rc ? NULL : xpl__malloc_array(plan->max_tree_nodes + 1,
                                                    sizeof *inner);
    if (!rc && (!bg_nan || !inner))
        rc = xpl__enomem();
    if (rc) {
        free(bg_nan);
        free(inner);
        xpl__interv_plan_free(plan);
        return rc;
    }
    for (size_t i = 0; i < n_bg * m; i++)
        if (isnan(plan->bg[i]))
            bg_nan[i % m] = 1;
    size_t limit = mode == XPL__INTERV_PAIR
                       ? XPL__INTERV_MAX_TABLE_BITS
                       : table_bits(e, plan, inner, bg_nan, mode);
    plan->table_bits = limit;

    /* Tables for every tree that may have them: do they fit in cache? */
    size_t eligible = 0;
    for (size_t t = 0; t < e->n_trees && mode == XPL__INTERV_AUTO; t++) {
        struct scan s;
        (void)scan_tree(e, plan, t, limit, inner, &s);
        if (may_aggregate(e, &e->trees[t], &s, bg_nan))
            eligible += s.tab_doubles * sizeof(double);
    }
    double block_ns = eligible <= CACHED_TABLE_BYTES ? AGG_NS_PER_BLOCK
                                                     : AGG_NS_PER_FAR_BLOCK;
    int far_nodes = e->n_nodes * sizeof(xpl__tnode) > CACHED_NODE_BYTES;

    /* Choose the trees, in order, within the budget. */
    size_t n_blocks = 0, n_feats = 0, n_tabs = 0, n_steps = 0;
    size_t n_sleaves = 0, n_entries = 0, used = 0;
    for (size_t t = 0; t < e->n_trees && mode != XPL__INTERV_PAIR; t++) {
        const xpl__tree *tree = &e->trees[t];
        struct scan s;
        size_t bytes = scan_tree(e, plan, t, limit, inner, &s);
        if (!may_aggregate(e, tree, &s, bg_nan))
            continue;
        if (used + bytes > XPL__INTERV_TABLE_BUDGET ||
            (mode == XPL__INTERV_AUTO &&
             !tables_pay(&s, pair_visits(e, plan, t, bg_nan + m), n_bg,
                         far_nodes, tree->n_nodes, block_ns)))
            continue;
        plan->aggregated[t] = 1;
        plan->n_aggregated++;
        if (s.n_blocks > plan->max_tree_blocks)
            plan->max_tree_blocks = s.n_blocks;
        used += bytes;
        plan->table_bytes += s.tab_doubles * sizeof(double);
        n_blocks += s.n_blocks;
        n_steps += s.n_above;
        n_feats += s.n_feats;
        n_tabs += s.tab_doubles;
        n_sleaves += s.n_sleaves;
        n_entries += s.entries;
    }
    free(bg_nan);

    plan->blocks = xpl__malloc_array(n_blocks ? n_blocks : 1,
                                     sizeof *plan->blocks);
    plan->feats = xpl__malloc_array(n_feats ? n_feats : 1,
                                    sizeof *plan->feats);
    plan->tabs = alloc_tables(n_tabs);
    plan->set_bit = xpl__calloc_array(e->n_nodes ? e->n_nodes : 1,
                                      sizeof *plan->set_bit);
    plan->keep_mask = xpl__calloc_array(e->n_nodes ? e->n_nodes : 1,
                                        sizeof *plan->keep_mask);
    plan->steps = xpl__malloc_array(n_steps + 1, sizeof *plan->steps);
    plan->first_step = xpl__calloc_array(e->n_trees + 1,
                                         sizeof *plan->first_step);
    plan->sleaves = xpl__malloc_array(n_sleaves + 1, sizeof *plan->sleaves);
    plan->sq = xpl__malloc_array(n_entries + 1, sizeof *plan->sq);
    plan->sw = xpl__malloc_array(n_entries + 1, sizeof *plan->sw);
    if (!plan->blocks || !plan->feats || !plan->tabs || !plan->set_bit ||
        !plan->keep_mask || !plan->steps || !plan->first_step ||
        !plan->sleaves || !plan->sq || !plan->sw) {
        free(inner);
        xpl__interv_plan_free(plan);
        return xpl__enomem();
    }
    struct scan fill = {
        .inner = inner,
        .limit = limit,
        .n_bg = n_bg,
        .steps = plan->steps,
        .blocks = plan->blocks,
        .sleaves = plan->sleaves,
        .feats = plan->feats,
    };
    for (size_t t = 0; t < e->n_trees; t++) {
        const xpl__tree *tree = &e->trees[t];
        plan->first_block[t] = fill.n_block;
        plan->first_step[t] = fill.n_step;
        plan->first_sleaf[t] = fill.n_sleaf;
        if (!plan->aggregated[t])
            continue;
        fill.nodes = e->nodes + tree->first_node;
        fill.nv = xpl__tree_n_vals(e, tree);
        fill.set_bit = plan->set_bit + tree->first_node;
        fill.keep_mask = plan->keep_mask + tree->first_node;
        count_inner(fill.nodes, tree->n_nodes, inner);
        scan(&fill, 0, 0, 0);
    }
    plan->first_block[e->n_trees] = fill.n_block;
    plan->first_step[e->n_trees] = fill.n_step;
    plan->first_sleaf[e->n_trees] = fill.n_sleaf;
    plan->n_steps = fill.n_step;
    plan->n_sleaves = fill.n_sleaf;
    free(inner);

    for (size_t t = 0; t < e->n_trees && !rc; t++)
        if (plan->aggregated[t]) {
            rc = xpl__interv_agg_build(e, plan, t);
            if (!rc)
                rc = xpl__interv_sparse_build(e, plan, t);
        }
    if (rc) {
        xpl__interv_plan_free(plan);
        return rc;
    }
    plan->sparse_bytes = plan->n_entries * (sizeof *plan->sq
                                            + sizeof *plan->sw);
    /* Rows only need the steps, blocks and lists. */
    free(plan->set_bit);
    free(plan->keep_mask);
    plan->set_bit = plan->keep_mask = NULL;
    return XPL_OK;
}

/* ------------------------------------------------------------------ row */

size_t xpl__interv_scratch(const xpl__ensemble *e,
                           const xpl__interv_plan *plan)
{
    /* Rounded x; two sets (this tree's and the next one's) of patterns
     * and block rows; sides for the pair walk. */
    return e->n_features * sizeof(double)
           + 2 * (plan->max_tree_blocks + 1) * sizeof(const double *)
           + 2 * (plan->max_tree_nodes + 1) * sizeof(uint32_t)
           + e->n_features;
}

void xpl__interv_row(const xpl__ensemble *e, const xpl__interv_plan *plan,
                     void *scratch, const double *x, double *phi)
{
    size_t m = e->n_features, k_out = e->n_outputs;
    size_t nb = plan->max_tree_blocks + 1, nm = plan->max_tree_nodes + 1;
    double *xr = scratch;
    const double **rows[2] = { (const double **)(xr + m), NULL };
    rows[1] = rows[0] + nb;
    uint32_t *mask[2] = { (uint32_t *)(rows[1] + nb), NULL };
    mask[1] = mask[0] + nm;
    unsigned char *side = (unsigned char *)(mask[1] + nm);
    for (size_t j = 0; j < m; j++)
        xr[j] = e->float32_inputs ? (double)(float)x[j] : x[j];
    memset(phi, 0, k_out * m * sizeof *phi);
    memset(side, 0, m);
    /* An aggregated tree is prepared, then added up after the next one is
     * prepared (pending): its rows and pattern lists arrive meanwhile. */
    size_t pending = SIZE_MAX;
    int cur = 0;
    for (size_t t = 0; t <= e->n_trees; t++) {
        int agg = 0;
        if (t < e->n_trees && plan->aggregated[t])
            agg = !xpl__interv_agg_prepare(e, plan, t, xr, mask[cur],
                                           rows[cur]);
        if (agg)
            xpl__interv_sparse_prefetch(e, plan, t);
        if (pending != SIZE_MAX && (agg || t == e->n_trees)) {
            xpl__interv_agg_apply(e, plan, pending, rows[!cur], phi);
            xpl__interv_sparse_apply(e, plan, pending, mask[!cur], phi);
            pending = SIZE_MAX;
        }
        if (t == e->n_trees)
            break;
        if (agg) {
            pending = t;
            cur = !cur;
            continue;
        }
        if (xpl__interv_pair_tree(e, plan, t, xr, side, phi)) {
            uint32_t out = e->trees[t].output;
            for (size_t k = 0; k < k_out; k++)
                if (out == XPL__ALL_OUTPUTS || out == k)
                    for (size_t j = 0; j < m; j++)
                        phi[k * m + j] = NAN;
        }
    }
}
