/* Kernel SHAP's explanation of one row: coalition evaluation in bounded
 * blocks, exact enumeration, and the sampled estimate (coalitions.c plans
 * the coalitions, fit.c solves the regression, surrogate.c adjusts it). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/workspace.h"
#include "explainers/kernel_shap/coalitions.h"
#include "explainers/kernel_shap/fit.h"
#include "explainers/kernel_shap/kernel_shap_internal.h"
#include "explainers/kernel_shap/surrogate.h"
#include "models/model_internal.h"

/* Model rows per block: one predict call each; small enough to stay in
 * cache-friendly memory, large enough to amortise the call. */
enum { BLOCK_ROWS = 2048 };


/* ------------------------------------------------- the adjustment's size */

/* The regression adjustment is sized against the model evaluations that it
 * accompanies, from the model's structure and never from timing, so that a
 * seed gives the same numbers on every machine. Costs are counted in model
 * node steps (c = xpl__model_row_cost per model row; a step is about 2 ns
 * on the reference machine), per coalition:
 *
 *   - the evaluations: N c;
 *   - the rest of the sampled mode: about P / 4 per model row to build the
 *     synthetic rows and M^2 / 8 for the regressions, N P / 4 + M^2 / 8;
 *   - the surrogate: about SUR_STEPS0 + SUR_STEPS1 M per tree and output
 *     (fitting on one fold and predicting the other).
 *
 * All the library's work may take OVERHEAD_SHARE of the evaluations'; the
 * surrogate gets what the rest leaves:
 *
 *   T = floor((OVERHEAD_SHARE N c - N P / 4 - M^2 / 8)
 *             / (D (SUR_STEPS0 + SUR_STEPS1 M)))
 *
 * trees per fold and output, at most 50, and no adjustment (plain leverage
 * sampling) below SUR_MIN_TREES, where it would gain little. The constants
 * were fitted to sampling profiles of the shipped tree models on the
 * reference machine (bench/ks_overhead.sh, docs/kernel-shap.md): the
 * surrogate cost 19-27 steps per tree, output and coalition at M = 13 and
 * 22-23 at M = 30, more than its M-dependent part suggests. User
 * adapters have c = +inf: the full 50 trees. */
#define OVERHEAD_SHARE 0.07
#define SUR_STEPS0 24.0
#define SUR_STEPS1 0.1
#define SUR_MIN_TREES 8

static size_t surrogate_trees(const xpl_kernel_shap *ks, size_t M)
{
    double N = (double)ks->n_bg, P = (double)ks->n_features;
    double m = (double)M;
    double left = OVERHEAD_SHARE * N * ks->row_cost - N * P / 4 - m * m / 8;
    double t = left / ((double)ks->n_outputs * (SUR_STEPS0 + SUR_STEPS1 * m));
    if (!(t < XPL__KS_SUR_TREES))
        return XPL__KS_SUR_TREES;
    return t >= SUR_MIN_TREES ? (size_t)t : 0;
}

/* The background groups of the default sampler. With the identity link the
 * Shapley values are linear in the game, and the game is the weighted mean
 * of the games of the background rows, so the background can be split
 * into G groups, each explained with its own independent coalition sample
 * on its own rows only, and the results added with the groups' weights.
 * Every group evaluates the whole budget of coalitions on N / G rows: the
 * same model rows in all, G times as many coalitions. The groups' games
 * share most of their structure, so independent coalitions per group
 * average away much of the sampling error that one shared sample keeps.
 * The price is one plan and one regression per group and coalition:
 * about GROUP_STEPS0 + (1 + D) M^2 / 16 node steps (profiles of
 * breast_cancer_xgb, M = 30, D = 1, and wine_xgb, M = 13, D = 3: 147 and
 * 128 steps per extra group and coalition). G is the most that the
 * overhead share allows after building the rows,
 *
 *   G = floor((OVERHEAD_SHARE N c - N P / 4)
 *             / (GROUP_STEPS0 + (1 + D) M^2 / 16)),
 *
 * at most N. With G >= 2 the groups take the whole share: there is no
 * surrogate (at equal overhead, groups gain more). */
#define GROUP_STEPS0 100.0
static size_t background_groups(const xpl_kernel_shap *ks, size_t M)
{
    const xpl_kernel_shap_options *o = &ks->opts;
    if (o->sampler != XPL_KS_SAMPLER_XPLAIN || o->link != XPL_LINK_IDENTITY ||
        o->tolerance > 0 || o->l1_reg != XPL_L1_NONE || ks->n_bg < 2)
        return 1;
    double N = (double)ks->n_bg, P = (double)ks->n_features;
    double m = (double)M, D = (double)ks->n_outputs;
    double left = OVERHEAD_SHARE * N * ks->row_cost - N * P / 4;
    double g = left / (GROUP_STEPS0 + (1 + D) * m * m / 16);
    if (!(g < N))
        return ks->n_bg;
    return g >= 2 ? (size_t)g : 1;
}

/* -------------------------------------------------------- the row's memory */


/* Everything one explained row uses. */
typedef struct row_ctx {
    const xpl_kernel_shap *ks;
    const double *x;
    size_t P, D, N, M;
    /* the background rows in use (all, or one group's): N rows of bg with
     * weights bg_w summing to wsum, and their base values */
    const double *bg, *bg_w, *base;
    double wsum;
    uint32_t *vary;       /* M: feature index of each player */
    double *fx;           /* D: f(x) (model output space) */
    double *delta;        /* D: link(f(x)) - base */
    double *phi, *var;    /* D * M */
    /* blocks */
    size_t block_coal;    /* coalitions per predict call */
    double *xb, *yb;      /* block rows and outputs */
    uint64_t *slot_mask;  /* block_coal masks: each slot's coalition */
    size_t slots_valid;   /* slots [0, slots_valid) hold their coalition */
    double **y_of;        /* block_coal: where each slot's value goes */
    uint32_t *ix, *ib;    /* M: features to set to x / to the background */
    double *xv;           /* M: x's values of ix */
    void *mscratch;       /* the adapter's scratch */
    /* coalition values */
    double *y;            /* n_coal * D: link(E f(x_S, b)) - base */
    /* sampled mode */
    size_t budget;
    xpl__ks_plan plan;
    xpl__ks_lists lists;  /* the coalitions' player lists */
    /* two selections (all units, or fold 0, and fold 1), each with its
     * weights and factored regression */
    struct selection {
        double *w;         /* per coalition */
        uint32_t *counts;  /* per unit */
        double *gn, *gscale; /* per group */
        size_t n_coal;
        xpl__ks_fit fit;
    } sel[2];
    double *r;
    gsl_rng rng;
    void *rng_state;
    xpl__ks_surrogate sur;
    double *tmp_y, *tmp_phi, *tmp_var; /* regression adjustment */
    void *l1;             /* L1 selection memory */
    int32_t *map;         /* M: player -> regression index, or -1 */
    uint32_t *active;     /* M */
    size_t n_evaluated;   /* coalitions evaluated */
    size_t sur_trees;     /* trees of the adjustment (surrogate_trees) */
    size_t n_groups;      /* background groups (background_groups) */
    double *gbase;        /* D: a group's base values */
    double *gdelta;       /* D: the row's delta, kept while groups run */
    double *gphi, *gvar;  /* D * M: the groups' weighted sums */
    size_t model_rows;    /* model rows evaluated for the coalitions */
} row_ctx;

static int use_surrogate(const row_ctx *c)
{
    return c->ks->opts.sampler == XPL_KS_SAMPLER_XPLAIN &&
           c->ks->opts.l1_reg == XPL_L1_NONE && c->sur_trees > 0;
}

static void layout(row_ctx *c, xpl__arena *a, int exact, size_t n_coal)
{
    size_t P = c->P, D = c->D, N = c->N, M = c->M;
    const xpl_model *m = c->ks->model;
    c->vary = xpl__arena_take(a, M * sizeof(uint32_t));
    c->fx = xpl__arena_take(a, D * sizeof(double));
    c->delta = xpl__arena_take(a, D * sizeof(double));
    c->phi = xpl__arena_take(a, D * M * sizeof(double));
    c->var = xpl__arena_take(a, D * M * sizeof(double));
    size_t rows = c->block_coal * N;
    if (rows < 1)
        rows = 1;
    c->xb = xpl__arena_take(a, rows * P * sizeof(double));
    c->yb = xpl__arena_take(a, rows * D * sizeof(double));
    c->slot_mask = xpl__arena_take(a, c->block_coal * xpl__mask_words(M) *
                               sizeof(uint64_t));
    c->y_of = xpl__arena_take(a, c->block_coal * sizeof(double *));
    c->ix = xpl__arena_take(a, M * sizeof(uint32_t));
    c->ib = xpl__arena_take(a, M * sizeof(uint32_t));
    c->xv = xpl__arena_take(a, M * sizeof(double));
    size_t ms = xpl__model_predict_scratch(m, rows);
    c->mscratch = ms ? xpl__arena_take(a, ms) : NULL;
    c->y = xpl__arena_take(a, n_coal * D * sizeof(double));
    if (exact)
        return;
    if (c->n_groups > 1) {
        c->gbase = xpl__arena_take(a, D * sizeof(double));
        c->gdelta = xpl__arena_take(a, D * sizeof(double));
        c->gphi = xpl__arena_take(a, D * M * sizeof(double));
        c->gvar = xpl__arena_take(a, D * M * sizeof(double));
    }
    void *pm = xpl__arena_take(a, xpl__ks_plan_bytes(M, n_coal,
                                                     c->ks->opts.sampler));
    if (pm)
        xpl__ks_plan_init(&c->plan, pm, M, n_coal, c->ks->opts.sampler);
    void *lm = xpl__arena_take(a, xpl__ks_lists_bytes(n_coal, M));
    if (lm)
        xpl__ks_lists_init(&c->lists, lm, n_coal, M);
    for (int i = 0; i < (use_surrogate(c) ? 2 : 1); i++) {
        struct selection *s = &c->sel[i];
        void *fm = xpl__arena_take(a, xpl__ks_fit_bytes(M));
        if (fm) {
            xpl__ks_fit_init(&s->fit, fm, M);
            s->fit.lists = &c->lists;
        }
        s->w = xpl__arena_take(a, n_coal * sizeof(double));
        s->counts = xpl__arena_take(a, n_coal * sizeof(uint32_t));
        s->gn = xpl__arena_take(a, (M / 2 + 2) * sizeof(double));
        s->gscale = xpl__arena_take(a, (M / 2 + 2) * sizeof(double));
    }
    c->r = xpl__arena_take(a, n_coal * sizeof(double));
    c->rng_state = xpl__arena_take(a, xpl__ks_rng_state_size());
    if (c->ks->opts.l1_reg != XPL_L1_NONE) {
        c->l1 = xpl__arena_take(a, xpl__ks_l1_bytes(n_coal, M));
        c->map = xpl__arena_take(a, M * sizeof(int32_t));
        c->active = xpl__arena_take(a, M * sizeof(uint32_t));
        c->tmp_phi = xpl__arena_take(a, 2 * M * sizeof(double));
    }
    if (use_surrogate(c)) {
        void *sm = xpl__arena_take(a, xpl__ks_surrogate_bytes(n_coal, M));
        if (sm)
            xpl__ks_surrogate_init(&c->sur, sm, n_coal, M);
        c->tmp_y = xpl__arena_take(a, n_coal * sizeof(double));
        c->tmp_phi = xpl__arena_take(a, 4 * M * sizeof(double));
        c->tmp_var = xpl__arena_take(a, 2 * M * sizeof(double));
    }
}

/* ------------------------------------------------------ coalition values */

/* The N synthetic rows of block slot k hold coalition slot_mask[k]: x's
 * values on the coalition's features, background row b's elsewhere. A slot
 * keeps its rows from one block to the next, so moving it to coalition
 * `mask` rewrites either only the players whose membership changed or,
 * when more of them changed, every row from whichever side (x or the
 * background) needs fewer overwrites. The rows are the same either way:
 * only the work differs. The players to set to x go to c->ix (their values
 * to c->xv), those to set to the background to c->ib. */
static void fill_slot(row_ctx *c, size_t k, const uint64_t *mask,
                      size_t words)
{
    size_t P = c->P, M = c->M, N = c->N;
    uint64_t *old = c->slot_mask + k * words;
    size_t in = xpl__mask_count(mask, words);
    size_t side = 2 * in > M ? M - in : in;
    size_t changed = SIZE_MAX;
    if (k < c->slots_valid) {
        changed = 0;
        for (size_t i = 0; i < words; i++)
            changed += (size_t)__builtin_popcountll(old[i] ^ mask[i]);
    }
    /* a row copy costs about as much as P / 4 scattered writes */
    int delta = changed <= side + P / 4;
    int from_x = !delta && 2 * in > M;
    size_t nx = 0, nb = 0;
    for (size_t i = 0; i < words; i++) {
        uint64_t bits = delta ? old[i] ^ mask[i] : from_x ? ~mask[i] : mask[i];
        if (i == words - 1 && (M & 63))
            bits &= ((uint64_t)1 << (M & 63)) - 1;
        while (bits) {
            size_t t = (size_t)__builtin_ctzll(bits);
            uint32_t j = c->vary[i * 64 + t];
            bits &= bits - 1;
            if (mask[i] >> t & 1) {
                c->ix[nx] = j;
                c->xv[nx++] = c->x[j];
            } else {
                c->ib[nb++] = j;
            }
        }
        old[i] = mask[i];
    }
    /* column by column: few columns change, and each runs over N rows */
    double *dst = c->xb + k * N * P;
    if (!delta)
        for (size_t b = 0; b < N; b++)
            memcpy(dst + b * P, from_x ? c->x : c->bg + b * P,
                   P * sizeof *dst);
    for (size_t t = 0; t < nx; t++) {
        double v = c->xv[t], *col = dst + c->ix[t];
        for (size_t b = 0; b < N; b++)
            col[b * P] = v;
    }
    for (size_t t = 0; t < nb; t++) {
        double *col = dst + c->ib[t];
        const double *src = c->bg + c->ib[t];
        for (size_t b = 0; b < N; b++)
            col[b * P] = src[b * P];
    }
}

/* Predict the first nb slots and store each slot's value, link(E_b f) -
 * base, at y_of[k] (D values each). */
static int predict_slots(row_ctx *c, size_t nb, double *const *y_of)
{
    const xpl_kernel_shap *ks = c->ks;
    size_t N = c->N, D = c->D;
    int rc = xpl__ks_predict(ks, c->mscratch, c->xb, nb * N, c->yb);
    if (rc)
        return rc;
    if (nb > c->slots_valid)
        c->slots_valid = nb;
    for (size_t k = 0; k < nb; k++) {
        const double *out = c->yb + k * N * D;
        double *y = y_of[k];
        for (size_t d = 0; d < D; d++) {
            double s = 0;
            for (size_t b = 0; b < N; b++)
                s += c->bg_w[b] * out[b * D + d];
            y[d] = xpl__ks_apply_link(ks->opts.link, s / c->wsum) -
                   c->base[d];
            if (!isfinite(y[d]))
                return xpl__error(XPL_ENUMERIC, "Kernel SHAP: the model's "
                                  "expected output %zu for a coalition is "
                                  "not finite (%g)", d, s);
        }
    }
    return XPL_OK;
}

/* Evaluate the plan's coalitions [c0, c1) into c->y (row c of D values). */
static int evaluate(row_ctx *c, const uint64_t *masks, size_t words,
                    size_t c0, size_t c1)
{
    while (c0 < c1) {
        size_t nb = c1 - c0 < c->block_coal ? c1 - c0 : c->block_coal;
        for (size_t k = 0; k < nb; k++) {
            fill_slot(c, k, masks + (c0 + k) * words, words);
            c->y_of[k] = c->y + (c0 + k) * c->D;
        }
        int rc = predict_slots(c, nb, c->y_of);
        if (rc)
            return rc;
        c0 += nb;
    }
    return XPL_OK;
}

/* ------------------------------------------------------------ exact mode */

/* Every proper coalition into c->y[mask * D], in Gray-code order within
 * each block slot: slot k walks positions [k L, (k + 1) L) of the sequence
 * gray(1), gray(2), ... (the full coalition left out), so from one block to
 * the next its rows change in one player (two across the full coalition),
 * and each model row costs a single write. */
static int evaluate_all(row_ctx *c)
{
    size_t M = c->M, total = ((size_t)1 << M) - 2;
    size_t full = total + 1, full_at = 0; /* gray(full_at) = full */
    for (size_t v = full; v; v >>= 1)
        full_at ^= v;
    size_t run = (total + c->block_coal - 1) / c->block_coal;
    for (size_t i = 0; i < run; i++) {
        size_t nb = 0;
        for (size_t p = i; p < total; p += run, nb++) {
            size_t g = p + 1 + (p + 1 >= full_at);
            uint64_t mask = (uint64_t)(g ^ g >> 1);
            fill_slot(c, nb, &mask, 1);
            c->y_of[nb] = c->y + mask * c->D;
        }
        int rc = predict_slots(c, nb, c->y_of);
        if (rc)
            return rc;
    }
    return XPL_OK;
}

/* All 2^M - 2 proper coalitions, then the Shapley formula
 * phi_j = sum_{S not containing j} |S|! (M-|S|-1)! / M! (v(S+j) - v(S)). */
static int explain_exact(row_ctx *c)
{
    size_t M = c->M, D = c->D;
    size_t full = ((size_t)1 << M) - 1;
    int rc = evaluate_all(c);
    if (rc)
        return rc;
    for (size_t d = 0; d < D; d++) {
        c->y[d] = 0;
        c->y[full * D + d] = c->delta[d];
    }
    /* coef[s] = s! (M-s-1)! / M! = 1 / (M C(M-1, s)) */
    double coef[64];
    for (size_t s = 0; s < M; s++)
        coef[s] = 1.0 / ((double)M * xpl__binom(M - 1, s));
    memset(c->phi, 0, D * M * sizeof *c->phi);
    for (size_t S = 0; S < full; S++) {
        double wgt = coef[__builtin_popcountll((unsigned long long)S)];
        const double *ys = c->y + S * D;
        for (size_t j = 0; j < M; j++) {
            if (S >> j & 1)
                continue;
            const double *yj = c->y + (S | (size_t)1 << j) * D;
            for (size_t d = 0; d < D; d++)
                c->phi[d * M + j] += wgt * (yj[d] - ys[d]);
        }
    }
    memset(c->var, 0, D * M * sizeof *c->var);
    c->n_evaluated = full - 1;
    return XPL_OK;
}

/* ---------------------------------------------------------- sampled mode */

/* Weights of a selection (units [0, n_units) of fold `fold`, or all with
 * fold < 0) and its factored regression. */
static int select(row_ctx *c, struct selection *s, size_t n_units, int fold)
{
    xpl__ks_plan *p = &c->plan;
    s->n_coal = xpl__ks_plan_weights(p, n_units, fold, s->w, s->counts, s->gn,
                                     s->gscale);
    s->fit.m = c->M;
    return xpl__ks_fit_factor(&s->fit, p->masks, p->words, s->w, s->n_coal,
                              NULL);
}

/* Plain Kernel SHAP of values y (stride between coalitions) on a factored
 * selection: phi and, if var is not NULL, its variances (M values each). */
static void ls_output(row_ctx *c, struct selection *s, size_t n_units,
                      const double *y, size_t stride, double delta,
                      double *phi, double *var)
{
    xpl__ks_plan *p = &c->plan;
    xpl__ks_fit_solve(&s->fit, p->masks, p->words, s->w, s->n_coal, NULL, y,
                      stride, delta, phi);
    if (!var)
        return;
    xpl__ks_fit_residuals(&s->fit, p->masks, p->words, s->w, s->n_coal, NULL,
                          y, stride, phi, c->r);
    memset(var, 0, c->M * sizeof *var);
    xpl__ks_fit_variance(&s->fit, p, n_units, s->counts, s->gn, s->gscale,
                         NULL, c->r, var);
}

/* Every sampled group of the plan has at least three units in the
 * selection (or all its units, if fewer): the variance can be estimated
 * and is not mostly noise. */
static int variance_ready(const row_ctx *c, const struct selection *s)
{
    const xpl__ks_plan *p = &c->plan;
    for (size_t g = 0; g < p->n_groups; g++) {
        const xpl__ks_group *grp = &p->groups[g];
        if (grp->kind == XPL__KS_ENUMERATED || grp->n_plan == 0)
            continue;
        double need = grp->n_plan < 3 ? grp->n_plan : 3;
        if (s->gn[g] < need)
            return 0;
    }
    return 1;
}

/* max_j sqrt(var_j) / (max phi - min phi) <= tol for every output. */
static int converged(const row_ctx *c, double tol)
{
    size_t M = c->M;
    for (size_t d = 0; d < c->D; d++) {
        const double *phi = c->phi + d * M, *var = c->var + d * M;
        double lo = INFINITY, hi = -INFINITY, sd = 0;
        for (size_t j = 0; j < M; j++) {
            if (phi[j] < lo)
                lo = phi[j];
            if (phi[j] > hi)
                hi = phi[j];
            if (!(var[j] <= sd * sd))
                sd = sqrt(var[j]);
        }
        if (!(sd <= tol * (hi - lo)))
            return 0;
    }
    return 1;
}

/* The regression-adjusted estimate of output d (both folds factored): per
 * fold F, a surrogate g_F of the residuals of fold F's own fit, then
 * phi(g_F) (exact) plus Kernel SHAP of v - g_F on the other fold; the two
 * halves averaged, their variances (given g) combined. */
static int adjusted_output(row_ctx *c, size_t n_units, size_t d, double *phi,
                           double *var)
{
    size_t M = c->M, D = c->D;
    xpl__ks_plan *p = &c->plan;
    double *est = c->tmp_phi, *fvar = c->tmp_var;
    for (int f = 0; f < 2; f++) {
        struct selection *own = &c->sel[f], *other = &c->sel[1 - f];
        xpl__ks_fit_solve(&own->fit, p->masks, p->words, own->w, own->n_coal,
                          NULL, c->y + d, D, c->delta[d], est + 2 * M);
        xpl__ks_fit_residuals(&own->fit, p->masks, p->words, own->w,
                              own->n_coal, NULL, c->y + d, D, est + 2 * M,
                              c->r);
        double g0, g1;
        int rc = xpl__ks_surrogate_fit(&c->sur, &c->lists, p->masks,
                                       p->words, M, own->w, c->r, own->n_coal,
                                       1, c->sur_trees, est + 3 * M, &g0,
                                       &g1);
        if (rc)
            return rc;
        xpl__ks_surrogate_predict(&c->sur, p->masks, p->words, other->n_coal,
                                  other->w, c->tmp_y);
        for (size_t k = 0; k < other->n_coal; k++)
            if (other->w[k] > 0)
                c->tmp_y[k] = c->y[k * D + d] - (c->tmp_y[k] - g0);
        ls_output(c, other, n_units, c->tmp_y, 1, c->delta[d] - (g1 - g0),
                  est + f * M, fvar + f * M);
        for (size_t j = 0; j < M; j++)
            est[f * M + j] += est[3 * M + j];
    }
    for (size_t j = 0; j < M; j++) {
        phi[j] = 0.5 * (est[j] + est[M + j]);
        var[j] = 0.25 * (fvar[j] + fvar[M + j]);
    }
    return XPL_OK;
}

/* Kernel SHAP of output d on the players that L1 selection keeps (all
 * units selected in c->sel[0]); the others get 0. */
static int l1_output(row_ctx *c, size_t n_units, size_t d, double *phi,
                     double *var)
{
    const xpl_kernel_shap *ks = c->ks;
    size_t M = c->M, D = c->D;
    xpl__ks_plan *p = &c->plan;
    struct selection *s = &c->sel[0];
    size_t n_act = xpl__ks_l1_select(c->l1, (int)ks->opts.l1_reg,
                                     ks->opts.l1_top_k, p->masks, p->words, M,
                                     s->w, s->n_coal, c->y + d, D,
                                     c->delta[d], c->active);
    for (size_t j = 0; j < M; j++)
        c->map[j] = -1;
    for (size_t k = 0; k < n_act; k++)
        c->map[c->active[k]] = (int32_t)k;
    s->fit.m = n_act;
    int rc = xpl__ks_fit_factor(&s->fit, p->masks, p->words, s->w, s->n_coal,
                                c->map);
    if (rc)
        return rc;
    double *pa = c->tmp_phi, *va = c->tmp_phi + M;
    xpl__ks_fit_solve(&s->fit, p->masks, p->words, s->w, s->n_coal, c->map,
                      c->y + d, D, c->delta[d], pa);
    xpl__ks_fit_residuals(&s->fit, p->masks, p->words, s->w, s->n_coal,
                          c->map, c->y + d, D, pa, c->r);
    memset(va, 0, n_act * sizeof *va);
    xpl__ks_fit_variance(&s->fit, p, n_units, s->counts, s->gn, s->gscale,
                         c->map, c->r, va);
    memset(phi, 0, M * sizeof *phi);
    memset(var, 0, M * sizeof *var);
    for (size_t k = 0; k < n_act; k++) {
        phi[c->active[k]] = pa[k];
        var[c->active[k]] = va[k];
    }
    return XPL_OK;
}

/* The surrogate needs every sampled stratum in both folds. */
static int surrogate_possible(const row_ctx *c, size_t n_units)
{
    const xpl__ks_plan *p = &c->plan;
    double *n = c->sel[0].gn;
    if (!use_surrogate(c))
        return 0;
    for (size_t g = 0; g < p->n_groups; g++)
        n[g] = 0;
    for (size_t u = 0; u < n_units; u++)
        n[p->units[u].group] += 1;
    for (size_t g = 0; g < p->n_groups; g++)
        if (p->groups[g].kind != XPL__KS_ENUMERATED && n[g] > 0 && n[g] < 4)
            return 0;
    return 1;
}

static int explain_sampled(row_ctx *c, uint64_t row_index, uint64_t stream)
{
    const xpl_kernel_shap *ks = c->ks;
    size_t M = c->M, D = c->D;
    xpl__ks_plan *p = &c->plan;
    struct selection *all = &c->sel[0];
    xpl__ks_rng_init(&c->rng, c->rng_state, ks->opts.seed,
                     row_index + stream * UINT64_C(0x9E3779B97F4A7C15));
    /* With early stopping, only what the default budget would enumerate is
     * enumerated: the rest is sampled so that every checkpoint sees a
     * stratified sample. */
    size_t base = c->budget;
    if (ks->opts.tolerance > 0 && base > 2 * M + 2048)
        base = 2 * M + 2048;
    xpl__ks_plan_build(p, c->budget, base, &c->rng);
    xpl__ks_lists_build(&c->lists, p->masks, p->words, M, p->n_coal);

    /* With a tolerance, convergence is tested at checkpoints over the
     * sampled units: the first after max(M, 16) of them, then every 25%
     * more (at least 8 more), so that the tests cost a few times the final
     * fit whatever the budget and sampling stops at most 25% late. Without
     * a tolerance the whole plan is evaluated at once. */
    size_t u0 = p->n_fixed_units, U = p->n_units, n_units = U;
    double tol = ks->opts.tolerance;
    size_t step = M > 16 ? M : 16, u_end = tol > 0 ? u0 : U;
    int rc;
    for (;;) {
        if (tol > 0) {
            size_t grow = (u_end - u0) / 4;
            u_end = u_end == u0 ? u0 + step : u_end + (grow > 8 ? grow : 8);
            if (u_end > U)
                u_end = U;
        }
        if (u_end > 0) {
            const xpl__ks_unit *last = &p->units[u_end - 1];
            size_t c_end = last->first + last->len;
            if (c_end > c->n_evaluated) {
                rc = evaluate(c, p->masks, p->words, c->n_evaluated, c_end);
                if (rc)
                    return rc;
                c->n_evaluated = c_end;
            }
        }
        if (u_end >= U)
            break;
        all->n_coal = xpl__ks_plan_weights(p, u_end, -1, all->w, all->counts,
                                           all->gn, all->gscale);
        if (!variance_ready(c, all))
            continue;
        if ((rc = select(c, all, u_end, -1)))
            return rc;
        for (size_t d = 0; d < D; d++)
            ls_output(c, all, u_end, c->y + d, D, c->delta[d],
                      c->phi + d * M, c->var + d * M);
        if (converged(c, tol)) {
            n_units = u_end;
            break;
        }
    }

    if (surrogate_possible(c, n_units)) {
        for (int f = 0; f < 2; f++)
            if ((rc = select(c, &c->sel[f], n_units, f)))
                return rc;
        for (size_t d = 0; d < D; d++)
            if ((rc = adjusted_output(c, n_units, d, c->phi + d * M,
                                      c->var + d * M)))
                return rc;
        return XPL_OK;
    }
    if (ks->opts.l1_reg != XPL_L1_NONE) {
        all->n_coal = xpl__ks_plan_weights(p, n_units, -1, all->w, all->counts,
                                           all->gn, all->gscale);
        for (size_t d = 0; d < D; d++)
            if ((rc = l1_output(c, n_units, d, c->phi + d * M, c->var + d * M)))
                return rc;
        return XPL_OK;
    }
    if ((rc = select(c, all, n_units, -1)))
        return rc;
    for (size_t d = 0; d < D; d++)
        ls_output(c, all, n_units, c->y + d, D, c->delta[d], c->phi + d * M,
                  c->var + d * M);
    return XPL_OK;
}

/* The sampled estimate over background groups (background_groups): group
 * g, rows [g N / G, (g + 1) N / G) with weight W_g, is explained on its
 * own rows with its own coalitions (the row's generator continued as
 * stream g), for its own base value; phi = sum_g W_g phi_g, and the groups
 * being independent, var = sum_g W_g^2 var_g. Each phi_g sums to its
 * delta_g, and sum_g W_g delta_g = delta (identity link): efficiency
 * holds. */
static int explain_groups(row_ctx *c, uint64_t row_index)
{
    const xpl_kernel_shap *ks = c->ks;
    size_t M = c->M, D = c->D, P = c->P, G = c->n_groups, N = ks->n_bg;
    memset(c->gphi, 0, D * M * sizeof *c->gphi);
    memset(c->gvar, 0, D * M * sizeof *c->gvar);
    memcpy(c->gdelta, c->delta, D * sizeof *c->gdelta);
    c->model_rows = 0;
    for (size_t g = 0; g < G; g++) {
        size_t b0 = g * N / G, b1 = (g + 1) * N / G;
        double W = 0;
        for (size_t b = b0; b < b1; b++)
            W += ks->bg_w[b];
        if (!(W > 0))
            continue; /* zero weight: contributes nothing */
        for (size_t d = 0; d < D; d++) {
            double s = 0;
            for (size_t b = b0; b < b1; b++)
                s += ks->bg_w[b] * ks->bg_pred[b * D + d];
            c->gbase[d] = xpl__ks_apply_link(ks->opts.link, s / W);
            c->delta[d] = xpl__ks_apply_link(ks->opts.link, c->fx[d]) -
                          c->gbase[d];
        }
        c->bg = ks->bg + b0 * P;
        c->bg_w = ks->bg_w + b0;
        c->N = b1 - b0;
        c->wsum = W;
        c->base = c->gbase;
        c->slots_valid = 0; /* the slots hold another group's rows */
        c->n_evaluated = 0;
        int rc = explain_sampled(c, row_index, g);
        if (rc)
            return rc;
        c->model_rows += c->n_evaluated * c->N;
        for (size_t i = 0; i < D * M; i++) {
            c->gphi[i] += W * c->phi[i];
            c->gvar[i] += W * W * c->var[i];
        }
    }
    memcpy(c->delta, c->gdelta, D * sizeof *c->delta);
    memcpy(c->phi, c->gphi, D * M * sizeof *c->phi);
    memcpy(c->var, c->gvar, D * M * sizeof *c->var);
    return XPL_OK;
}

/* ----------------------------------------------------------- explaining */

int xpl_kernel_shap_explain(const xpl_kernel_shap *ks, xpl_workspace *ws,
                            const double *x, uint64_t row_index,
                            double *contrib, double *std_error,
                            double *prediction, size_t *n_evals)
{
    if (!ks || !x || !contrib)
        return xpl__error(XPL_EINVAL, "xpl_kernel_shap_explain: NULL "
                          "argument");
    row_ctx c;
    memset(&c, 0, sizeof c);
    c.ks = ks;
    c.x = x;
    c.P = ks->n_features;
    c.D = ks->n_outputs;
    c.N = ks->n_bg;
    size_t P = c.P, D = c.D, N = c.N;

    size_t M = 0;
    for (size_t j = 0; j < P; j++)
        if (!ks->col_const[j] || !xpl__ks_same_value(x[j], ks->col_value[j]))
            M++;
    if (M > XPL_KERNEL_SHAP_MAX_PLAYERS)
        return xpl__error(XPL_ELIMIT, "Kernel SHAP: the row has %zu varying "
                          "features; at most %zu are supported", M,
                          XPL_KERNEL_SHAP_MAX_PLAYERS);
    c.M = M;
    c.bg = ks->bg;
    c.bg_w = ks->bg_w;
    c.base = ks->base;
    c.wsum = 1;
    c.n_groups = M >= 2 ? background_groups(ks, M) : 1;

    /* Mode and number of coalitions. */
    size_t budget = ks->opts.nsamples ? ks->opts.nsamples : 2 * M + 2048;
    size_t cap = M <= 62 ? ((size_t)1 << M) - 2 : SIZE_MAX;
    if (M < 2)
        cap = 0;
    int exact = M >= 2 && budget >= cap && ks->opts.l1_reg == XPL_L1_NONE;
    if (exact)
        c.n_groups = 1;
    /* rows per coalition: the largest group's */
    c.N = N = (ks->n_bg + c.n_groups - 1) / c.n_groups;
    c.sur_trees = c.n_groups == 1 ? surrogate_trees(ks, M) : 0;
    size_t n_coal = 0;
    if (exact)
        n_coal = cap + 2; /* y is indexed by the mask, 0 .. 2^M - 1 */
    else if (M >= 2)
        n_coal = budget < cap ? budget : cap;
    c.budget = n_coal;
    size_t total_coal = exact ? cap : n_coal;
    c.block_coal = N >= BLOCK_ROWS ? 1 : BLOCK_ROWS / N;
    if (c.block_coal > total_coal)
        c.block_coal = total_coal;
    if (c.block_coal == 0)
        c.block_coal = 1;

    xpl__arena a = { NULL, 0 };
    layout(&c, &a, exact, n_coal);
    xpl_workspace *tmp = NULL;
    int rc = xpl__arena_from_workspace(&a, &ws, &tmp);
    if (rc)
        return rc;
    layout(&c, &a, exact, n_coal);

    M = 0;
    for (size_t j = 0; j < P; j++)
        if (!ks->col_const[j] || !xpl__ks_same_value(x[j], ks->col_value[j]))
            c.vary[M++] = (uint32_t)j;

    /* f(x) through the first block's buffers. */
    memcpy(c.xb, x, P * sizeof *x);
    if ((rc = xpl__ks_predict(ks, c.mscratch, c.xb, 1, c.yb)))
        goto done;
    for (size_t d = 0; d < D; d++) {
        c.fx[d] = c.yb[d];
        c.delta[d] = xpl__ks_apply_link(ks->opts.link, c.fx[d]) - ks->base[d];
        if (!isfinite(c.delta[d])) {
            rc = xpl__error(XPL_ENUMERIC, "Kernel SHAP: the model's output "
                            "%zu for the row is not finite (%g)", d, c.fx[d]);
            goto done;
        }
    }
    if (M == 1) {
        for (size_t d = 0; d < D; d++) {
            c.phi[d] = c.delta[d];
            c.var[d] = 0;
        }
    } else if (exact) {
        rc = explain_exact(&c);
    } else if (M >= 2 && c.n_groups == 1) {
        rc = explain_sampled(&c, row_index, 0);
        c.model_rows = c.n_evaluated * N;
    } else if (M >= 2) {
        rc = explain_groups(&c, row_index);
    }
    if (rc)
        goto done;

    /* Efficiency to the last bit that rounding allows: spread what the
     * arithmetic left over the players with a non-zero value (so that the
     * players L1 selection left out stay exactly 0). */
    for (size_t d = 0; d < D && M > 0; d++) {
        double s = 0;
        size_t nz = 0;
        for (size_t j = 0; j < M; j++) {
            s += c.phi[d * M + j];
            nz += c.phi[d * M + j] != 0;
        }
        double fix = (c.delta[d] - s) / (double)(nz ? nz : M);
        for (size_t j = 0; j < M; j++)
            if (!nz || c.phi[d * M + j] != 0)
                c.phi[d * M + j] += fix;
    }
    for (size_t i = 0; i < D * M; i++)
        if (!isfinite(c.phi[i])) {
            rc = xpl__error(XPL_ENUMERIC, "Kernel SHAP: the regression "
                            "produced a non-finite value");
            goto done;
        }

    memset(contrib, 0, D * P * sizeof *contrib);
    if (std_error)
        memset(std_error, 0, D * P * sizeof *std_error);
    for (size_t d = 0; d < D; d++)
        for (size_t j = 0; j < M; j++) {
            contrib[d * P + c.vary[j]] = c.phi[d * M + j];
            if (std_error)
                std_error[d * P + c.vary[j]] =
                    c.var[d * M + j] > 0 ? sqrt(c.var[d * M + j])
                                         : (isnan(c.var[d * M + j]) ? NAN : 0);
        }
    if (prediction)
        for (size_t d = 0; d < D; d++)
            prediction[d] = xpl__ks_apply_link(ks->opts.link, c.fx[d]);
    if (n_evals)
        *n_evals = 1 + (exact ? c.n_evaluated * N : c.model_rows);
done:
    xpl_workspace_free(tmp);
    return rc;
}
