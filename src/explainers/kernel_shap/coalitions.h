/* Kernel SHAP coalitions: the Shapley kernel, seeded generators, and the
 * sampling plans (which coalitions are evaluated, in which order, and how
 * they are weighted in the regression). */
#ifndef XPL_EXPLAINERS_COALITIONS_H
#define XPL_EXPLAINERS_COALITIONS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

/* ------------------------------------------------------------ bit masks */

/* A coalition over m players is a bit mask of (m + 63) / 64 words: bit j of
 * word j / 64 is player j. */
static inline size_t xpl__mask_words(size_t m)
{
    return (m + 63) / 64;
}

static inline int xpl__mask_has(const uint64_t *mask, size_t j)
{
    return (int)(mask[j >> 6] >> (j & 63) & 1u);
}

/* Number of players in the coalition. */
size_t xpl__mask_count(const uint64_t *mask, size_t words);

/* Each coalition's players listed once, for the loops that visit a
 * coalition many times (regressions, surrogate): its members, or its
 * non-members when they are fewer (flip), so that a list never holds more
 * than m / 2 players. Player numbers fit 16 bits (m <= 2048). */
typedef struct xpl__ks_lists {
    uint16_t *players;   /* the lists, one after the other */
    uint32_t *off;       /* n_coal + 1: list c is players[off[c] .. off[c+1]) */
    unsigned char *flip; /* n_coal: list c holds the non-members */
} xpl__ks_lists;

size_t xpl__ks_lists_bytes(size_t n_coal, size_t m);
void xpl__ks_lists_init(xpl__ks_lists *l, void *mem, size_t n_coal, size_t m);
/* List coalitions [0, n_coal). */
void xpl__ks_lists_build(xpl__ks_lists *l, const uint64_t *masks, size_t words,
                         size_t m, size_t n_coal);

/* ------------------------------------------------------------ the kernel */

/* C(n, k) as a double (rounded; +inf when it overflows). */
double xpl__binom(size_t n, size_t k);

/* ------------------------------------------------------------ generators */

/* Bytes of generator state that xpl__ks_rng_init needs. */
size_t xpl__ks_rng_state_size(void);

/* A GSL MT19937 generator whose state lives in caller memory (no
 * allocation), seeded from (seed, row) through a 64-bit mixer: a row's
 * stream depends on nothing else. */
void xpl__ks_rng_init(gsl_rng *r, void *state, uint64_t seed, uint64_t row);

/* -------------------------------------------------------------- the plan */

/* How a group's units were chosen; decides its weights and variance. */
enum xpl__ks_group_kind {
    XPL__KS_ENUMERATED = 0, /* every unit of the population: no variance */
    XPL__KS_WITHOUT_REPLACEMENT = 1, /* distinct uniform units (a stratum) */
    XPL__KS_DRAWS = 2 /* i.i.d. draws, duplicates merged into counts */
};

/* A group of units: a stratum of coalition sizes, an enumerated size, or
 * shap's pool of random draws. The regression weight of a coalition of
 * unit u in group g is count_u * mass_g / C_g, where C_g is the sum of
 * count * len over the group's units in the selection: the group's kernel
 * mass spread over the coalitions that represent it. */
typedef struct xpl__ks_group {
    double mass;  /* Shapley-kernel mass of the group's population; the
                     masses of all groups sum to 1 */
    double n_pop; /* units in the population (may be +inf) */
    double n_plan; /* units of the group in the whole plan */
    int kind;     /* enum xpl__ks_group_kind */
} xpl__ks_group;

/* A unit: one coalition, or a coalition and its complement (paired). */
typedef struct xpl__ks_unit {
    uint32_t first; /* index of its first coalition */
    uint32_t len;   /* 1 or 2 coalitions */
    uint32_t group;
    uint32_t rank;  /* position among the units of its group */
    uint32_t draw;  /* shap draws: index of the draw that created it */
} xpl__ks_unit;

/* The coalitions of one row, in evaluation order. Enumerated units come
 * first; sampled units follow in an order where every prefix is itself a
 * valid sample (stratified plans interleave strata in proportion; shap's
 * draws are in draw order), so sampling can stop at any checkpoint. */
typedef struct xpl__ks_plan {
    size_t m, words;
    xpl_ks_sampler sampler;
    uint64_t *masks; /* n_coal * words */
    size_t n_coal;
    xpl__ks_unit *units;
    size_t n_units;
    size_t n_fixed_units; /* units of enumerated groups */
    xpl__ks_group *groups;
    size_t n_groups;
    uint32_t *draws; /* shap: unit hit by each random draw */
    size_t n_draws;
    /* scratch used while sampling and weighting */
    uint32_t *perm;   /* m */
    uint32_t *alloc;  /* 2 * (m / 2 + 2): per-stratum allocation */
    uint32_t *table;  /* open-addressing hash of masks: coalition + 1 */
    size_t table_mask;
} xpl__ks_plan;

/* Memory that a plan for m players and `budget` coalitions needs (bytes,
 * 64-byte aligned pieces), and the assignment of that memory. */
size_t xpl__ks_plan_bytes(size_t m, size_t budget, xpl_ks_sampler sampler);
void xpl__ks_plan_init(xpl__ks_plan *p, void *mem, size_t m, size_t budget,
                       xpl_ks_sampler sampler);

/* Fill the plan: at most `budget` coalitions (budget < 2^m - 2). Which
 * sizes are enumerated is decided for the budget `base` (<= budget; equal
 * to it unless sampling may stop early): the rest of the budget is
 * sampled, so that a prefix of the plan is a good sample for any budget
 * from `base` up. */
void xpl__ks_plan_build(xpl__ks_plan *p, size_t budget, size_t base,
                        gsl_rng *rng);

/* Regression weights of the selection "units [0, n_units) whose fold is
 * `fold` (0 or 1, by rank parity, for sampled units; enumerated units are
 * in both folds), or all of them when fold < 0": w[c] for every coalition
 * c up to the last selected one (0 outside the selection), counts[u] the
 * multiplicity of unit u in the selection (0 outside it; shap's draws: the
 * draws that hit it up to the last selected draw). Also, per group, n[g]
 * (units counted with multiplicity) and scale[g] (mass_g * n_g / C_g: a
 * unit's factor in the linearised error). Returns the number of coalitions
 * up to the last selected one. */
size_t xpl__ks_plan_weights(const xpl__ks_plan *p, size_t n_units, int fold,
                            double *w, uint32_t *counts, double *n,
                            double *scale);

#endif
