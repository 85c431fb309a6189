#include "explainers/kernel_shap/coalitions.h"

#include <math.h>
#include <string.h>

#include "core/rng_seed.h"

/* ------------------------------------------------------------ bit masks */

size_t xpl__mask_count(const uint64_t *mask, size_t words)
{
    size_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (size_t)__builtin_popcountll(mask[i]);
    return n;
}

static void mask_set(uint64_t *mask, size_t j)
{
    mask[j >> 6] |= (uint64_t)1 << (j & 63);
}

/* dst = players not in src. */
static void mask_complement(uint64_t *dst, const uint64_t *src, size_t m)
{
    size_t words = xpl__mask_words(m);
    for (size_t i = 0; i < words; i++)
        dst[i] = ~src[i];
    if (m & 63)
        dst[words - 1] &= ((uint64_t)1 << (m & 63)) - 1;
}

/* ---------------------------------------------------------------- lists */

enum { LIST_ALIGN = 64 };

static size_t list_round(size_t n)
{
    return (n + LIST_ALIGN - 1) / LIST_ALIGN * LIST_ALIGN;
}

size_t xpl__ks_lists_bytes(size_t n_coal, size_t m)
{
    return list_round(n_coal * (m / 2 + 1) * sizeof(uint16_t)) +
           list_round((n_coal + 1) * sizeof(uint32_t)) + list_round(n_coal);
}

void xpl__ks_lists_init(xpl__ks_lists *l, void *mem, size_t n_coal, size_t m)
{
    unsigned char *b = mem;
    l->players = (uint16_t *)b;
    b += list_round(n_coal * (m / 2 + 1) * sizeof(uint16_t));
    l->off = (uint32_t *)b;
    b += list_round((n_coal + 1) * sizeof(uint32_t));
    l->flip = b;
}

void xpl__ks_lists_build(xpl__ks_lists *l, const uint64_t *masks, size_t words,
                         size_t m, size_t n_coal)
{
    uint32_t n = 0;
    l->off[0] = 0;
    for (size_t c = 0; c < n_coal; c++) {
        const uint64_t *mask = masks + c * words;
        int flip = 2 * xpl__mask_count(mask, words) > m;
        for (size_t i = 0; i < words; i++) {
            uint64_t bits = flip ? ~mask[i] : mask[i];
            if (flip && i == words - 1 && (m & 63))
                bits &= ((uint64_t)1 << (m & 63)) - 1;
            while (bits) {
                l->players[n++] = (uint16_t)(i * 64 +
                                             (size_t)__builtin_ctzll(bits));
                bits &= bits - 1;
            }
        }
        l->flip[c] = (unsigned char)flip;
        l->off[c + 1] = n;
    }
}

/* ------------------------------------------------------------ the kernel */

double xpl__binom(size_t n, size_t k)
{
    if (k > n)
        return 0;
    if (k > n - k)
        k = n - k;
    double c = 1;
    for (size_t i = 1; i <= k; i++) {
        c = c * (double)(n - k + i) / (double)i;
        if (isinf(c))
            return c;
    }
    /* Exact while the products stay below 2^53. */
    return c < 9007199254740992.0 ? nearbyint(c) : c;
}

/* ------------------------------------------------------------ generators */

size_t xpl__ks_rng_state_size(void)
{
    return gsl_rng_mt19937->size;
}

void xpl__ks_rng_init(gsl_rng *r, void *state, uint64_t seed, uint64_t row)
{
    r->type = gsl_rng_mt19937;
    r->state = state;
    uint64_t z = xpl__mix64(seed ^ xpl__mix64(row ^ 0x6a09e667f3bcc908u));
    /* MT19937 takes a 32-bit seed; 0 is replaced by GSL's default. */
    gsl_rng_set(r, (unsigned long)((z ^ (z >> 32)) & 0xffffffffu));
}

/* -------------------------------------------------------------- hashing */

static uint64_t mask_hash(const uint64_t *mask, size_t words)
{
    uint64_t h = 0x243f6a8885a308d3u;
    for (size_t i = 0; i < words; i++)
        h = xpl__mix64(h ^ mask[i]);
    return h;
}

/* Look the coalition `c` (already written at masks[c]) up among the
 * coalitions registered so far: its index if present, else register it
 * and return UINT32_MAX. */
static uint32_t find_or_insert(xpl__ks_plan *p, size_t c)
{
    const uint64_t *mask = p->masks + c * p->words;
    size_t i = (size_t)mask_hash(mask, p->words) & p->table_mask;
    for (;;) {
        uint32_t slot = p->table[i];
        if (slot == 0) {
            p->table[i] = (uint32_t)c + 1;
            return UINT32_MAX;
        }
        const uint64_t *other = p->masks + (size_t)(slot - 1) * p->words;
        if (memcmp(other, mask, p->words * sizeof *mask) == 0)
            return slot - 1;
        i = (i + 1) & p->table_mask;
    }
}

static size_t table_capacity(size_t budget)
{
    size_t cap = 16;
    while (cap < 2 * budget)
        cap *= 2;
    return cap;
}

/* ------------------------------------------------------- plan memory */

enum { ALIGN = 64 };

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static size_t max_groups(size_t m)
{
    return m / 2 + 2;
}

size_t xpl__ks_plan_bytes(size_t m, size_t budget, xpl_ks_sampler sampler)
{
    size_t words = xpl__mask_words(m);
    size_t n = round_up(budget * words * sizeof(uint64_t));
    n += round_up(budget * sizeof(xpl__ks_unit));
    n += round_up(max_groups(m) * sizeof(xpl__ks_group));
    if (sampler == XPL_KS_SAMPLER_SHAP)
        n += round_up(4 * budget * sizeof(uint32_t));
    n += round_up(m * sizeof(uint32_t));
    n += round_up(2 * max_groups(m) * sizeof(uint32_t));
    n += round_up(table_capacity(budget) * sizeof(uint32_t));
    return n;
}

void xpl__ks_plan_init(xpl__ks_plan *p, void *mem, size_t m, size_t budget,
                       xpl_ks_sampler sampler)
{
    unsigned char *b = mem;
    memset(p, 0, sizeof *p);
    p->m = m;
    p->words = xpl__mask_words(m);
    p->sampler = sampler;
    p->masks = (uint64_t *)b;
    b += round_up(budget * p->words * sizeof(uint64_t));
    p->units = (xpl__ks_unit *)b;
    b += round_up(budget * sizeof(xpl__ks_unit));
    p->groups = (xpl__ks_group *)b;
    b += round_up(max_groups(m) * sizeof(xpl__ks_group));
    if (sampler == XPL_KS_SAMPLER_SHAP) {
        p->draws = (uint32_t *)b;
        b += round_up(4 * budget * sizeof(uint32_t));
    }
    p->perm = (uint32_t *)b;
    b += round_up(m * sizeof(uint32_t));
    p->alloc = (uint32_t *)b;
    b += round_up(2 * max_groups(m) * sizeof(uint32_t));
    size_t cap = table_capacity(budget);
    p->table = (uint32_t *)b;
    p->table_mask = cap - 1;
}

/* ------------------------------------------------------- plan building */

static uint64_t *new_mask(xpl__ks_plan *p)
{
    uint64_t *mask = p->masks + p->n_coal * p->words;
    memset(mask, 0, p->words * sizeof *mask);
    return mask;
}

/* Append a unit whose first coalition is already written at masks[n_coal];
 * with `paired`, its complement follows. */
static size_t add_unit(xpl__ks_plan *p, uint32_t group, uint32_t rank,
                       int paired, uint32_t draw)
{
    size_t u = p->n_units++;
    xpl__ks_unit *unit = &p->units[u];
    unit->first = (uint32_t)p->n_coal;
    unit->len = paired ? 2 : 1;
    unit->group = group;
    unit->rank = rank;
    unit->draw = draw;
    p->n_coal++;
    if (paired) {
        mask_complement(p->masks + p->n_coal * p->words,
                        p->masks + (p->n_coal - 1) * p->words, p->m);
        p->n_coal++;
    }
    return u;
}

/* Lexicographic successor of the s-combination c of {0, ..., m - 1} (or of
 * a range ending at m - 1). 0 after the last one. */
static int next_combination(uint32_t *c, size_t s, size_t m)
{
    size_t i = s;
    while (i > 0) {
        i--;
        if (c[i] < m - s + i) {
            c[i]++;
            for (size_t j = i + 1; j < s; j++)
                c[j] = c[j - 1] + 1;
            return 1;
        }
    }
    return 0;
}

/* Every coalition of size s as a unit of `group` (with its complement when
 * paired). With `canonical` (the middle size of an even m, paired), only
 * the coalitions holding player 0: each complementary pair once. */
static void enumerate_size(xpl__ks_plan *p, size_t s, uint32_t group,
                           int paired, int canonical)
{
    uint32_t *c = p->perm; /* reused as the combination */
    size_t first = canonical ? 1 : 0, k = canonical ? s - 1 : s;
    for (size_t i = 0; i < k; i++)
        c[i] = (uint32_t)(first + i);
    uint32_t rank = 0;
    do {
        uint64_t *mask = new_mask(p);
        if (canonical)
            mask_set(mask, 0);
        for (size_t i = 0; i < k; i++)
            mask_set(mask, c[i]);
        add_unit(p, group, rank++, paired, 0);
    } while (next_combination(c, k, p->m));
}

static void reset_perm(xpl__ks_plan *p)
{
    for (size_t j = 0; j < p->m; j++)
        p->perm[j] = (uint32_t)j;
}

/* A uniformly random coalition of size s at masks[n_coal] (partial
 * Fisher-Yates on the persistent permutation). */
static void random_subset(xpl__ks_plan *p, size_t s, gsl_rng *rng)
{
    uint64_t *mask = new_mask(p);
    size_t m = p->m;
    for (size_t i = 0; i < s; i++) {
        /* m - i >= 1 (s <= m) and below 2^32 (m <= XPL_MAX_FEATURES):
         * in gsl_rng_uniform_int's domain, so GSL's handler is never
         * called. */
        size_t j = i + (size_t)gsl_rng_uniform_int(rng, (unsigned long)(m - i));
        uint32_t t = p->perm[j];
        p->perm[j] = p->perm[i];
        p->perm[i] = t;
        mask_set(mask, t);
    }
}

/* --- xplain's stratified plan: strata h = 1 .. floor(m/2) hold the sizes
 * h and m - h; a unit is a coalition of size h and its complement (for the
 * middle size of an even m, the pair {S, complement}, stored with the side
 * that holds player 0). The leverage scores of the regression are equal
 * across sizes, so each size gets the same share of the budget: strata
 * that this share covers are enumerated (smallest first, re-sharing what is
 * left), the others get units in proportion, drawn uniformly without
 * replacement and interleaved so that every prefix is proportional. */
static void build_stratified(xpl__ks_plan *p, size_t budget, size_t base,
                             gsl_rng *rng)
{
    size_t m = p->m, H = m / 2;
    double total_mass = 0;
    for (size_t h = 1; h <= H; h++) {
        int middle = 2 * h == m;
        xpl__ks_group *g = &p->groups[h - 1];
        g->mass = (double)(m - 1) / ((double)h * (double)(m - h)) *
                  (middle ? 1.0 : 2.0);
        g->n_pop = middle ? xpl__binom(m, h) / 2 : xpl__binom(m, h);
        g->kind = XPL__KS_WITHOUT_REPLACEMENT;
        total_mass += g->mass;
    }
    p->n_groups = H;
    double left = (double)base, lev_left = 0, spent = 0;
    for (size_t h = 1; h <= H; h++) {
        p->groups[h - 1].mass /= total_mass;
        lev_left += 2 * h == m ? 1.0 : 2.0;
    }
    /* Enumerate what the equal share covers, smallest strata first. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t h = 1; h <= H; h++) {
            xpl__ks_group *g = &p->groups[h - 1];
            double lev = 2 * h == m ? 1.0 : 2.0, cost = 2 * g->n_pop;
            if (g->kind == XPL__KS_ENUMERATED ||
                left * lev / lev_left < cost * (1 - 1e-12))
                continue;
            g->kind = XPL__KS_ENUMERATED;
            enumerate_size(p, h, (uint32_t)(h - 1), 1, 2 * h == m);
            left -= cost;
            spent += cost;
            lev_left -= lev;
            changed = 1;
            break;
        }
    }
    p->n_fixed_units = p->n_units;
    reset_perm(p);
    if (lev_left <= 0)
        return;

    /* Units per sampled stratum: equal shares of what the whole budget
     * leaves, capped at the stratum's population (a capped stratum is
     * sampled entirely, in random order), then the largest remainders. */
    size_t units = (size_t)(((double)budget - spent) / 2), given = 0;
    uint32_t *k = p->alloc;        /* units per stratum */
    uint32_t *done = p->alloc + H; /* units drawn so far; first: capped */
    double free_units = (double)units, free_lev = lev_left;
    for (size_t h = 0; h < H; h++)
        done[h] = 0;
    for (int changed = 1; changed && free_lev > 0;) {
        changed = 0;
        for (size_t h = 1; h <= H; h++) {
            xpl__ks_group *g = &p->groups[h - 1];
            double lev = 2 * h == m ? 1.0 : 2.0;
            if (g->kind == XPL__KS_ENUMERATED || done[h - 1] ||
                free_units * lev / free_lev < g->n_pop)
                continue;
            done[h - 1] = 1;
            free_units -= g->n_pop;
            free_lev -= lev;
            changed = 1;
        }
    }
    for (size_t h = 1; h <= H; h++) {
        xpl__ks_group *g = &p->groups[h - 1];
        double lev = 2 * h == m ? 1.0 : 2.0;
        k[h - 1] = g->kind == XPL__KS_ENUMERATED ? 0
                   : done[h - 1] ? (uint32_t)g->n_pop
                                 : (uint32_t)floor(free_units * lev / free_lev);
        given += k[h - 1];
    }
    while (given < units) {
        size_t best = 0;
        double best_frac = -1;
        for (size_t h = 1; h <= H; h++) {
            xpl__ks_group *g = &p->groups[h - 1];
            if (g->kind == XPL__KS_ENUMERATED || done[h - 1] ||
                k[h - 1] >= g->n_pop)
                continue;
            double lev = 2 * h == m ? 1.0 : 2.0;
            double frac = free_units * lev / free_lev - (double)k[h - 1];
            if (frac > best_frac + 1e-12) {
                best_frac = frac;
                best = h;
            }
        }
        if (best == 0)
            break;
        k[best - 1]++;
        given++;
    }
    for (size_t h = 0; h < H; h++)
        done[h] = 0;
    /* Interleave: the i-th unit of stratum h comes at time (i + 1/2) / k_h. */
    for (size_t n = 0; n < given; n++) {
        size_t best = 0;
        for (size_t h = 1; h <= H; h++) {
            if (done[h - 1] >= k[h - 1])
                continue;
            if (best == 0 ||
                (uint64_t)(2 * done[h - 1] + 1) * k[best - 1] <
                    (uint64_t)(2 * done[best - 1] + 1) * k[h - 1])
                best = h;
        }
        size_t h = best;
        int middle = 2 * h == m;
        for (;;) {
            random_subset(p, h, rng);
            uint64_t *mask = p->masks + p->n_coal * p->words;
            if (middle && !xpl__mask_has(mask, 0))
                mask_complement(mask, mask, m);
            if (find_or_insert(p, p->n_coal) == UINT32_MAX)
                break;
        }
        add_unit(p, (uint32_t)(h - 1), done[h - 1]++, 1, 0);
    }
}

/* --- shap's KernelExplainer plan (shap/explainers/_kernel.py), step for
 * step: sizes 1 .. ceil((m-1)/2), the first floor((m-1)/2) paired with
 * their complements; a size is enumerated while the kernel's share of the
 * remaining budget covers all its coalitions; the rest of the budget is
 * drawn with replacement (4x as many draws at most) from the kernel over
 * the remaining sizes, each drawn coalition followed by its complement for
 * paired sizes, a repeated draw adding 1 to the weight of the coalition
 * (and of its complement) instead of spending budget. Like shap, only
 * drawn coalitions are looked up: a draw equal to an earlier complement is
 * a new coalition. */
static void build_shap(xpl__ks_plan *p, size_t budget, size_t base,
                       gsl_rng *rng)
{
    size_t m = p->m;
    size_t n_sizes = m / 2;          /* ceil((m-1)/2) */
    size_t n_paired = (m - 1) / 2;   /* floor((m-1)/2) */
    double wv_total = 0; /* kernel mass per size, kept in groups[s - 1] */
    /* groups[0 .. n_sizes-1]: size s = index + 1; groups[n_sizes]: draws */
    for (size_t s = 1; s <= n_sizes; s++) {
        double w = (double)(m - 1) / ((double)s * (double)(m - s));
        if (s <= n_paired)
            w *= 2;
        p->groups[s - 1].mass = w;
        p->groups[s - 1].n_pop = xpl__binom(m, s);
        p->groups[s - 1].kind = XPL__KS_ENUMERATED;
        wv_total += w;
    }
    for (size_t s = 1; s <= n_sizes; s++)
        p->groups[s - 1].mass /= wv_total;

    double left = (double)base, spent = 0;
    size_t n_full = 0;
    double remaining_scale = 1; /* shap's renormalised remaining weights */
    for (size_t s = 1; s <= n_sizes; s++) {
        double nsub = xpl__binom(m, s) * (s <= n_paired ? 2 : 1);
        double share = p->groups[s - 1].mass * remaining_scale;
        if (!(left * share / nsub >= 1.0 - 1e-8))
            break;
        n_full++;
        left -= nsub;
        spent += nsub;
        if (share < 1.0)
            remaining_scale /= 1.0 - share;
        enumerate_size(p, s, (uint32_t)(s - 1), s <= n_paired, 0);
    }
    p->n_fixed_units = p->n_units;
    reset_perm(p);
    size_t n_left = (size_t)((double)budget - spent);
    if (n_full == n_sizes || n_left == 0) {
        p->n_groups = n_full;
        return;
    }
    /* The draws' group holds the mass of every size not enumerated. */
    uint32_t dg = (uint32_t)n_sizes;
    xpl__ks_group *g = &p->groups[dg];
    g->mass = 0;
    for (size_t s = n_full + 1; s <= n_sizes; s++)
        g->mass += p->groups[s - 1].mass;
    g->n_pop = INFINITY;
    g->kind = XPL__KS_DRAWS;
    p->n_groups = n_sizes + 1;
    /* Size probabilities: mass, halved for paired sizes, renormalised. */
    double cum_total = 0;
    for (size_t s = n_full + 1; s <= n_sizes; s++)
        cum_total += p->groups[s - 1].mass * (s <= n_paired ? 0.5 : 1.0);

    size_t max_draws = 4 * n_left;
    uint32_t rank = 0;
    while (n_left > 0 && p->n_draws < max_draws) {
        double u = gsl_rng_uniform(rng) * cum_total, acc = 0;
        size_t s = n_sizes;
        for (size_t t = n_full + 1; t <= n_sizes; t++) {
            acc += p->groups[t - 1].mass * (t <= n_paired ? 0.5 : 1.0);
            if (u < acc) {
                s = t;
                break;
            }
        }
        uint32_t draw = (uint32_t)p->n_draws;
        random_subset(p, s, rng);
        uint32_t found = find_or_insert(p, p->n_coal);
        size_t unit;
        if (found == UINT32_MAX) {
            int paired = s <= n_paired && n_left >= 2;
            unit = add_unit(p, dg, rank++, paired, draw);
            n_left -= paired ? 2 : 1;
        } else {
            /* The unit whose first coalition this is (drawn masks only are
             * registered, and they always start their unit). */
            size_t lo = p->n_fixed_units, hi = p->n_units;
            while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (p->units[mid].first <= found)
                    lo = mid;
                else
                    hi = mid;
            }
            unit = lo;
        }
        p->draws[p->n_draws++] = (uint32_t)unit;
    }
}

void xpl__ks_plan_build(xpl__ks_plan *p, size_t budget, size_t base,
                        gsl_rng *rng)
{
    if (base > budget)
        base = budget;
    p->n_coal = p->n_units = p->n_groups = p->n_draws = 0;
    p->n_fixed_units = 0;
    memset(p->table, 0, (p->table_mask + 1) * sizeof *p->table);
    if (p->sampler == XPL_KS_SAMPLER_SHAP)
        build_shap(p, budget, base, rng);
    else
        build_stratified(p, budget, base, rng);
    for (size_t g = 0; g < p->n_groups; g++)
        p->groups[g].n_plan = 0;
    for (size_t u = 0; u < p->n_units; u++)
        p->groups[p->units[u].group].n_plan += 1;
}

size_t xpl__ks_plan_weights(const xpl__ks_plan *p, size_t n_units, int fold,
                            double *w, uint32_t *counts, double *n,
                            double *scale)
{
    size_t n_groups = p->n_groups;
    /* counts per unit: draws up to the last selected draw, else 1 */
    size_t d_end = 0;
    for (size_t u = 0; u < n_units; u++) {
        const xpl__ks_unit *unit = &p->units[u];
        const xpl__ks_group *g = &p->groups[unit->group];
        int in = g->kind == XPL__KS_ENUMERATED || fold < 0 ||
                 (int)(unit->rank & 1u) == fold;
        counts[u] = in ? 1u : 0u;
        if (g->kind == XPL__KS_DRAWS) {
            counts[u] = 0;
            if (unit->draw + 1 > d_end)
                d_end = unit->draw + 1;
        }
    }
    for (size_t d = 0; d < d_end; d++)
        if (p->draws[d] < n_units)
            counts[p->draws[d]]++;
    double *c_g = scale; /* first the coalition totals */
    for (size_t g = 0; g < n_groups; g++)
        n[g] = c_g[g] = 0;
    for (size_t u = 0; u < n_units; u++) {
        const xpl__ks_unit *unit = &p->units[u];
        n[unit->group] += counts[u];
        c_g[unit->group] += (double)counts[u] * unit->len;
    }
    size_t c_end = 0;
    for (size_t u = 0; u < n_units; u++) {
        const xpl__ks_unit *unit = &p->units[u];
        const xpl__ks_group *g = &p->groups[unit->group];
        double wc = counts[u] ? counts[u] * g->mass / c_g[unit->group]
                                 : 0.0;
        for (size_t i = 0; i < unit->len; i++)
            w[unit->first + i] = wc;
        c_end = unit->first + unit->len;
    }
    for (size_t g = 0; g < n_groups; g++)
        scale[g] = c_g[g] > 0 ? p->groups[g].mass * n[g] / c_g[g] : 0.0;
    return c_end;
}
