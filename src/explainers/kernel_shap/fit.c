#include "explainers/kernel_shap/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/lars.h"
#include "core/linalg.h"

enum { ALIGN = 64 };

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* xpl__ks_fit_variance's accumulators: per group (at most m/2 + 2) m
 * second moments, a count and a cost; four m-vectors. */
static size_t acc_doubles(size_t m)
{
    size_t g = m / 2 + 2;
    return g * (m + 2) + 4 * m;
}

size_t xpl__ks_fit_bytes(size_t m)
{
    return 2 * round_up(m * m * sizeof(double)) +
           3 * round_up(m * sizeof(double)) +
           round_up(acc_doubles(m) * sizeof(double)) +
           2 * round_up(m * sizeof(uint16_t)) + 2 * round_up(m);
}

void xpl__ks_fit_init(xpl__ks_fit *f, void *mem, size_t m)
{
    unsigned char *b = mem;
    memset(f, 0, sizeof *f);
    f->m = m;
    f->A = (double *)b;
    b += round_up(m * m * sizeof(double));
    f->K = (double *)b;
    b += round_up(m * m * sizeof(double));
    f->a1 = (double *)b;
    b += round_up(m * sizeof(double));
    f->v = (double *)b;
    b += round_up(m * sizeof(double));
    f->t = (double *)b;
    b += round_up(m * sizeof(double));
    f->acc = (double *)b;
    b += round_up(acc_doubles(m) * sizeof(double));
    f->list = (uint16_t *)b;
    b += round_up(m * sizeof(uint16_t));
    f->touch = (uint16_t *)b;
    b += round_up(m * sizeof(uint16_t));
    f->mark = b;
    memset(f->mark, 0, m);
    b += round_up(m);
    f->seen = b;
    memset(f->seen, 0, m);
}

size_t xpl__ks_fit_members(xpl__ks_fit *f, const uint64_t *mask,
                           size_t words, const int32_t *map)
{
    size_t k = 0;
    for (size_t i = 0; i < words; i++) {
        uint64_t bits = mask[i];
        while (bits) {
            size_t j = i * 64 + (size_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            if (!map)
                f->list[k++] = (uint16_t)j;
            else if (map[j] >= 0)
                f->list[k++] = (uint16_t)map[j];
        }
    }
    return k;
}

/* Replace the k members in f->list by the players of the regression that
 * are not members; returns their number. */
static size_t complement_list(xpl__ks_fit *f, size_t k)
{
    size_t m = f->m, n = 0;
    for (size_t i = 0; i < k; i++)
        f->mark[f->list[i]] = 1;
    for (size_t j = 0; j < m; j++) {
        if (f->mark[j])
            f->mark[j] = 0;
        else
            f->list[n++] = (uint16_t)j;
    }
    return n;
}

/* The members of coalition c as a list in f->cur, or, when they are more
 * than half the players, the non-members (returns -count): the cheaper
 * side. From the precomputed lists when every player takes part (inline:
 * the regressions call this once per coalition and output). */
static long cheap_side_members(xpl__ks_fit *f, const uint64_t *masks,
                               size_t words, size_t c, const int32_t *map)
{
    f->cur = f->list;
    size_t k = xpl__ks_fit_members(f, masks + c * words, words, map);
    if (2 * k <= f->m)
        return (long)k;
    return -(long)complement_list(f, k);
}

static inline long cheap_side(xpl__ks_fit *f, const uint64_t *masks,
                              size_t words, size_t c, const int32_t *map)
{
    if (f->lists && !map) {
        const xpl__ks_lists *l = f->lists;
        f->cur = l->players + l->off[c];
        long n = (long)(l->off[c + 1] - l->off[c]);
        return l->flip[c] ? -n : n;
    }
    return cheap_side_members(f, masks, words, c, map);
}

/* G = (H A H) restricted to the leading (m-1) block, into out (ld m). */
static void reflect(const xpl__ks_fit *f, const double *A, double *out)
{
    size_t m = f->m, n = m - 1;
    const double *v = f->v;
    double *p = f->t, beta = 2.0 / (2.0 - 2.0 / sqrt((double)m)), s = 0;
    for (size_t i = 0; i < m; i++) {
        double acc = 0;
        for (size_t j = 0; j < m; j++)
            acc += A[i * m + j] * v[j];
        p[i] = acc;
        s += v[i] * acc;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            out[i * m + j] = A[i * m + j] - beta * (v[i] * p[j] + p[i] * v[j])
                             + beta * beta * s * v[i] * v[j];
}

/* Pseudo-inverse of the (m-1) block of f->K (ld m), in place. */
static int pseudo_inverse(xpl__ks_fit *f)
{
    size_t m = f->m, n = m - 1;
    return xpl__sym_pinv(n, f->K, m, 1e-12 * (double)n, f->K, m);
}

int xpl__ks_fit_factor(xpl__ks_fit *f, const uint64_t *masks, size_t words,
                       const double *w, size_t n_coal, const int32_t *map)
{
    size_t m = f->m;
    double *A = f->A, *K = f->K;
    memset(A, 0, m * m * sizeof *A);
    memset(K, 0, m * m * sizeof *K);
    f->pseudo = 0;
    if (m == 1) {
        f->a1[0] = 0;
        return XPL_OK;
    }
    /* A = sum w z z'. A coalition with more than half the players is
     * added through its complement zc: z z' = 1 1' - 1 zc' - zc 1' + zc zc'. */
    double alpha = 0, *rv = f->t;
    memset(rv, 0, m * sizeof *rv);
    for (size_t c = 0; c < n_coal; c++) {
        double wc = w[c];
        if (!(wc > 0))
            continue;
        long k = cheap_side(f, masks, words, c, map);
        size_t n = (size_t)(k < 0 ? -k : k);
        if (k < 0) {
            alpha += wc;
            for (size_t a = 0; a < n; a++)
                rv[f->cur[a]] += wc;
        }
        for (size_t a = 0; a < n; a++) {
            double *row = A + (size_t)f->cur[a] * m;
            for (size_t b = a; b < n; b++)
                row[f->cur[b]] += wc;
        }
    }
    for (size_t i = 0; i < m; i++)
        for (size_t j = i; j < m; j++) {
            double v = A[i * m + j] + alpha - rv[i] - rv[j];
            A[i * m + j] = A[j * m + i] = v;
        }
    for (size_t i = 0; i < m; i++) {
        double s = 0;
        for (size_t j = 0; j < m; j++)
            s += A[i * m + j];
        f->a1[i] = s;
    }
    /* Householder vector mapping 1/sqrt(m) to e_m. */
    double r = 1.0 / sqrt((double)m);
    for (size_t i = 0; i < m; i++)
        f->v[i] = r;
    f->v[m - 1] = r - 1.0;

    size_t n = m - 1;
    reflect(f, A, K);
    double dmin, dmax;
    if (xpl__cholesky(K, n, m, &dmin, &dmax) == 0 && dmin > dmax * 1e-12) {
        /* A = L^-1 (lower), then K = L^-T L^-1. */
        memset(A, 0, m * m * sizeof *A);
        for (size_t j = 0; j < n; j++) {
            A[j * m + j] = 1.0 / K[j * m + j];
            for (size_t i = j + 1; i < n; i++) {
                double s = 0;
                for (size_t k = j; k < i; k++)
                    s += K[i * m + k] * A[k * m + j];
                A[i * m + j] = -s / K[i * m + i];
            }
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) {
                double s = 0;
                for (size_t k = i; k < n; k++)
                    s += A[k * m + i] * A[k * m + j];
                K[i * m + j] = K[j * m + i] = s;
            }
    } else {
        f->pseudo = 1;
        reflect(f, A, K);
        int rc = pseudo_inverse(f);
        if (rc)
            return rc;
    }
    /* K = H [G^+ 0; 0 0] H. */
    for (size_t i = 0; i < m; i++)
        K[i * m + n] = K[n * m + i] = 0;
    double beta = 2.0 / (2.0 - 2.0 * r), s = 0, *q = f->t;
    for (size_t i = 0; i < m; i++) {
        double acc = 0;
        for (size_t j = 0; j < n; j++)
            acc += K[i * m + j] * f->v[j];
        q[i] = acc;
        s += f->v[i] * acc;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            K[i * m + j] += -beta * (f->v[i] * q[j] + q[i] * f->v[j]) +
                            beta * beta * s * f->v[i] * f->v[j];
    for (size_t i = 0; i < m * m; i++)
        if (!isfinite(K[i]))
            return xpl__error(XPL_ENUMERIC, "Kernel SHAP: the regression "
                              "matrix could not be inverted");
    return XPL_OK;
}

void xpl__ks_fit_solve(xpl__ks_fit *f, const uint64_t *masks, size_t words,
                       const double *w, size_t n_coal, const int32_t *map,
                       const double *y, size_t stride, double delta,
                       double *phi)
{
    size_t m = f->m;
    if (m == 1) {
        phi[0] = delta;
        return;
    }
    /* b = sum w y z (the complement side: all minus non-members). */
    double *b = f->t, all = 0;
    memset(b, 0, m * sizeof *b);
    for (size_t c = 0; c < n_coal; c++) {
        if (!(w[c] > 0))
            continue;
        double wy = w[c] * y[c * stride];
        long k = cheap_side(f, masks, words, c, map);
        if (k >= 0) {
            for (long a = 0; a < k; a++)
                b[f->cur[a]] += wy;
        } else {
            all += wy;
            for (long a = 0; a < -k; a++)
                b[f->cur[a]] -= wy;
        }
    }
    double d = delta / (double)m;
    for (size_t i = 0; i < m; i++)
        b[i] += all - d * f->a1[i];
    for (size_t i = 0; i < m; i++) {
        double s = 0;
        for (size_t j = 0; j < m; j++)
            s += f->K[i * m + j] * b[j];
        phi[i] = d + s;
    }
}

void xpl__ks_fit_residuals(xpl__ks_fit *f, const uint64_t *masks,
                           size_t words, const double *w, size_t n_coal,
                           const int32_t *map, const double *y,
                           size_t stride, const double *phi, double *r)
{
    double total = 0;
    for (size_t j = 0; j < f->m; j++)
        total += phi[j];
    for (size_t c = 0; c < n_coal; c++) {
        if (!(w[c] > 0)) {
            r[c] = 0;
            continue;
        }
        long k = cheap_side(f, masks, words, c, map);
        double s = 0;
        for (long a = 0; a < (k < 0 ? -k : k); a++)
            s += phi[f->cur[a]];
        r[c] = y[c * stride] - (k >= 0 ? s : total - s);
    }
}

/* The second moments about the mean (m2g, m values) and the count (*cnt)
 * of group g's draws scale * psi_u, psi_u = sum_{c in u} r_c K z_c, by
 * Welford's update draw by draw: m operations per member visited. */
static void group_by_draws(xpl__ks_fit *f, const xpl__ks_plan *p, size_t g,
                           size_t n_units, const uint32_t *counts,
                           double scale, const int32_t *map, const double *r,
                           double *m2g, double *cnt)
{
    size_t m = f->m;
    double *psi = f->acc + p->n_groups * (m + 2), *mg = psi + m;
    memset(mg, 0, m * sizeof *mg);
    for (size_t u = 0; u < n_units; u++) {
        const xpl__ks_unit *unit = &p->units[u];
        uint32_t count = counts[u];
        if (!count || unit->group != g)
            continue;
        memset(psi, 0, m * sizeof *psi);
        for (size_t i = 0; i < unit->len; i++) {
            size_t c = unit->first + i;
            long k = cheap_side(f, p->masks, p->words, c, map);
            /* K z = sum of K's rows of the members = minus those of the
             * non-members (K 1 = 0). */
            double rc = k >= 0 ? r[c] : -r[c];
            for (long a = 0; a < (k < 0 ? -k : k); a++) {
                const double *row = f->K + (size_t)f->cur[a] * m;
                for (size_t j = 0; j < m; j++)
                    psi[j] += rc * row[j];
            }
        }
        /* Welford update with multiplicity `count`. */
        double n0 = *cnt, n1 = n0 + count;
        *cnt = n1;
        for (size_t j = 0; j < m; j++) {
            double x = scale * psi[j];
            double d = x - mg[j];
            mg[j] += d * count / n1;
            m2g[j] += d * (x - mg[j]) * count;
        }
    }
}

/* One unit's s = sum_{c in u} r_c z_c through the coalitions' cheaper
 * sides (z = 1 - zc, and K 1 = 0: a non-member list counts with -r_c), in
 * the general case: the players it touches go to f->touch (returns their
 * number), their values to s. */
static size_t unit_vector(xpl__ks_fit *f, const xpl__ks_plan *p,
                          const xpl__ks_unit *unit, const int32_t *map,
                          const double *r, double *s)
{
    size_t nt = 0;
    for (size_t i = 0; i < unit->len; i++) {
        size_t c = unit->first + i;
        long k = cheap_side(f, p->masks, p->words, c, map);
        double rc = k >= 0 ? r[c] : -r[c];
        for (long a = 0; a < (k < 0 ? -k : k); a++) {
            uint16_t j = f->cur[a];
            if (!f->seen[j]) {
                f->seen[j] = 1;
                f->touch[nt++] = j;
            }
            s[j] += rc;
        }
    }
    return nt;
}

/* The same moments through the draws' common factor: psi_u = K s_u, and
 * s_u has only the unit's few players (its coalitions' cheaper sides), so
 * the draws are summed as S = sum count s s' (upper triangle) and
 * t = sum count s, and then
 *     m2_j = scale^2 ((K S K)_jj - (K t)_j^2 / n)
 * (K is symmetric): a few additions per pair of the unit's players, then
 * m^3 once per group instead of m per member visited. A unit of a
 * coalition and its complement with the same cheaper side (m odd, or
 * sizes other than m / 2) has s = sigma 1_L over that one sorted list L.
 * This cancels what group_by_draws never forms: S is dominated by the
 * units' common part along 1, which K removes (K 1 = 0), and the mean is
 * subtracted after squaring. The terms of m2_j are bounded by
 * B_j = (sum_a |K_ja| sqrt(S_aa))^2 (Cauchy-Schwarz); when an m2_j is below
 * 1e-7 B_j (an exact fit whose residuals are rounding noise can lose every
 * digit) this returns 0 and the caller takes group_by_draws. Otherwise
 * the standard errors keep about 8 digits or more (they agree with
 * group_by_draws to 1e-12 on the shipped models). S lives in f->A, free
 * once the fit is factored. */
static int group_by_moments(xpl__ks_fit *f, const xpl__ks_plan *p, size_t g,
                             size_t n_units, const uint32_t *counts,
                             double scale, const int32_t *map,
                             const double *r, double *m2g, double *cnt)
{
    size_t m = f->m;
    double *S = f->A, *s = f->acc + p->n_groups * (m + 2), *t = s + m;
    double *ks = t + m;
    const uint16_t *touch = f->touch;
    /* stable lists: f->cur points into them across cheap_side calls */
    int stable = f->lists && !map;
    memset(S, 0, m * m * sizeof *S);
    memset(s, 0, 2 * m * sizeof *s);
    double n = 0;
    for (size_t u = 0; u < n_units; u++) {
        const xpl__ks_unit *unit = &p->units[u];
        uint32_t count = counts[u];
        if (!count || unit->group != g)
            continue;
        n += count;
        if (stable) {
            long k = cheap_side(f, p->masks, p->words, unit->first, map);
            const uint16_t *L = f->cur;
            double sigma = k >= 0 ? r[unit->first] : -r[unit->first];
            int one_list = unit->len == 1;
            if (unit->len == 2) {
                long k2 = cheap_side(f, p->masks, p->words, unit->first + 1,
                                     map);
                one_list = k2 == -k;
                sigma += k2 >= 0 ? r[unit->first + 1] : -r[unit->first + 1];
            }
            if (one_list) {
                size_t nl = (size_t)(k < 0 ? -k : k);
                double v = count * sigma * sigma, ts = count * sigma;
                for (size_t a = 0; a < nl; a++) {
                    double *row = S + (size_t)L[a] * m;
                    t[L[a]] += ts;
                    for (size_t b = a; b < nl; b++)
                        row[L[b]] += v;
                }
                continue;
            }
        }
        size_t nt = unit_vector(f, p, unit, map, r, s);
        for (size_t a = 0; a < nt; a++) {
            size_t i = touch[a];
            double cs = count * s[i];
            t[i] += cs;
            for (size_t b = a; b < nt; b++) {
                size_t j = touch[b];
                S[(i < j ? i : j) * m + (i < j ? j : i)] += cs * s[j];
            }
        }
        for (size_t a = 0; a < nt; a++) {
            s[touch[a]] = 0;
            f->seen[touch[a]] = 0;
        }
    }
    *cnt = n;
    if (!(n > 0))
        return 1;
    double *root = s; /* s is all zero again: sqrt(S_aa) */
    for (size_t a = 0; a < m; a++) {
        root[a] = sqrt(S[a * m + a]);
        for (size_t b = a + 1; b < m; b++)
            S[b * m + a] = S[a * m + b];
    }
    for (size_t j = 0; j < m; j++) {
        const double *kj = f->K + j * m;
        double quad = 0, kt = 0, bound = 0;
        for (size_t a = 0; a < m; a++) {
            bound += fabs(kj[a]) * root[a];
            const double *row = S + a * m;
            double acc = 0;
            for (size_t b = 0; b < m; b++)
                acc += row[b] * kj[b];
            ks[a] = acc;
        }
        for (size_t a = 0; a < m; a++) {
            quad += kj[a] * ks[a];
            kt += kj[a] * t[a];
        }
        double v = quad - kt * kt / n;
        if (!(v >= 1e-7 * bound * bound))
            return 0;
        m2g[j] = scale * scale * v;
    }
    return 1;
}

void xpl__ks_fit_variance(xpl__ks_fit *f, const xpl__ks_plan *p,
                          size_t n_units, const uint32_t *counts,
                          const double *n_g,
                          const double *scale_g, const int32_t *map,
                          const double *r, double *var)
{
    size_t m = f->m, G = p->n_groups;
    double *m2 = f->acc, *cnt = m2 + G * m, *work = cnt + G;
    memset(f->acc, 0, G * (m + 2) * sizeof *f->acc);
    if (m == 1)
        return;
    /* Members visited per group: m operations each by draws, against m^3
     * for the moments' projection (the choice depends on the plan only). */
    for (size_t u = 0; u < n_units; u++) {
        const xpl__ks_unit *unit = &p->units[u];
        if (!counts[u] || p->groups[unit->group].kind == XPL__KS_ENUMERATED)
            continue;
        for (size_t i = 0; i < unit->len; i++) {
            long k = cheap_side(f, p->masks, p->words, unit->first + i, map);
            work[unit->group] += (double)(k < 0 ? -k : k);
        }
    }
    for (size_t g = 0; g < G; g++) {
        if (!(work[g] > 0))
            continue;
        if ((double)m * (double)m < work[g] &&
            group_by_moments(f, p, g, n_units, counts, scale_g[g], map, r,
                             m2 + g * m, cnt + g))
            continue;
        memset(m2 + g * m, 0, m * sizeof *m2);
        cnt[g] = 0;
        group_by_draws(f, p, g, n_units, counts, scale_g[g], map, r,
                       m2 + g * m, cnt + g);
    }
    double *psi = work + G;
    /* Pooled variance relative to scale^2, for groups with a single draw. */
    double *pool = psi;
    size_t n_pool = 0;
    memset(pool, 0, m * sizeof *pool);
    for (size_t g = 0; g < G; g++) {
        if (p->groups[g].kind == XPL__KS_ENUMERATED || cnt[g] < 2 ||
            !(scale_g[g] > 0))
            continue;
        for (size_t j = 0; j < m; j++)
            pool[j] += m2[g * m + j] / (cnt[g] - 1) /
                       (scale_g[g] * scale_g[g]);
        n_pool++;
    }
    /* Residuals of a fit with m - 1 free parameters understate the errors
     * by about (n - m + 1) / n over n sampled units: scale back (HC1). */
    double n_s = 0;
    for (size_t g = 0; g < G; g++)
        if (p->groups[g].kind != XPL__KS_ENUMERATED && n_g[g] > 0)
            n_s += n_g[g];
    double dof = n_s - (double)(m - 1);
    double hc1 = n_s / (dof > 1 ? dof : 1);
    for (size_t g = 0; g < G; g++) {
        const xpl__ks_group *grp = &p->groups[g];
        if (grp->kind == XPL__KS_ENUMERATED || !(n_g[g] > 0))
            continue;
        double fpc = grp->kind == XPL__KS_DRAWS ? 1.0
                                                : 1.0 - n_g[g] / grp->n_pop;
        if (fpc < 0)
            fpc = 0;
        for (size_t j = 0; j < m; j++) {
            double s2;
            if (cnt[g] >= 2)
                s2 = m2[g * m + j] / (cnt[g] - 1);
            else if (n_pool)
                s2 = pool[j] / (double)n_pool * scale_g[g] * scale_g[g];
            else
                s2 = NAN;
            var[j] += hc1 * fpc * s2 / n_g[g];
        }
    }
}

/* --------------------------------------------------------- L1 selection */

/* Working memory of the selection, carved from the caller's block. */
typedef struct l1_mem {
    size_t n, m;   /* rows of the augmented problem, players */
    double *X;     /* n * m */
    double *y;     /* n */
    double *G;     /* m * m: X'X */
    double *c;     /* m: X'y */
    double *ols;   /* m: the least-squares coefficients */
    double *work;  /* m * m: the factor of X'X */
    double *path;  /* (max_steps + 1) * m coefficients at the knots */
    double *r;     /* n */
    void *lars;    /* xpl__lars_bytes(m) */
} l1_mem;

enum { L1_MAX_STEPS = 500 }; /* scikit-learn's LassoLarsIC default */

/* LassoLarsIC's max_iter, raised to m so that the path can reach every
 * player (shap's augmented problems can have more players than 500). */
static size_t l1_max_steps(size_t m)
{
    return m < L1_MAX_STEPS ? L1_MAX_STEPS : m;
}

size_t xpl__ks_l1_bytes(size_t n_coal, size_t m)
{
    size_t n = 2 * n_coal, steps = l1_max_steps(m) + 1;
    return round_up(n * m * sizeof(double)) + 2 * round_up(n * sizeof(double)) +
           2 * round_up(m * m * sizeof(double)) +
           2 * round_up(m * sizeof(double)) +
           round_up(steps * m * sizeof(double)) + xpl__lars_bytes(m);
}

static void l1_carve(l1_mem *L, void *mem, size_t n_coal, size_t m)
{
    unsigned char *b = mem;
    size_t n = 2 * n_coal, steps = l1_max_steps(m) + 1;
    L->n = n;
    L->m = m;
    L->X = (double *)b;
    b += round_up(n * m * sizeof(double));
    L->y = (double *)b;
    b += round_up(n * sizeof(double));
    L->r = (double *)b;
    b += round_up(n * sizeof(double));
    L->G = (double *)b;
    b += round_up(m * m * sizeof(double));
    L->work = (double *)b;
    b += round_up(m * m * sizeof(double));
    L->c = (double *)b;
    b += round_up(m * sizeof(double));
    L->ols = (double *)b;
    b += round_up(m * sizeof(double));
    L->path = (double *)b;
    b += round_up(steps * m * sizeof(double));
    L->lars = b;
}

/* The LARS path of (L->X, L->y) through its Gram matrix, with the rules of
 * shap's reference (scikit-learn's Gram-based lars_path as LassoLarsIC and
 * "num_features(k)" run it): relative ties, incremental correlations, a
 * relative step guard, the path ends when the active set is singular. With
 * `lasso`, coefficients that reach zero leave; max_add > 0 stops before
 * the (max_add + 1)-th entry. Knots go to L->path; returns their number,
 * and leaves the active set of the last knot in *w. */
static size_t lars(l1_mem *L, xpl__lars_work *w, int lasso, size_t max_add)
{
    xpl__lars_opts o = {
        .lasso = lasso,
        .ties = XPL__LARS_TIES_RELATIVE,
        .corr = XPL__LARS_CORR_INCREMENTAL,
        .step = XPL__LARS_STEP_RELATIVE,
        .singular = XPL__LARS_SINGULAR_STOP,
        .pivot_tol = 1e-14,
        .max_steps = l1_max_steps(L->m),
        .max_add = max_add,
    };
    xpl__lars_gram p = { L->m, L->G, L->m, L->c, 1 };
    xpl__lars_work_init(w, L->lars, L->m);
    return xpl__lars_path(&p, &o, w, L->path, NULL);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* G = X'X and c = X'y of the augmented rows. */
static void gram(l1_mem *L)
{
    size_t n = L->n, m = L->m;
    memset(L->G, 0, m * m * sizeof *L->G);
    memset(L->c, 0, m * sizeof *L->c);
    for (size_t i = 0; i < n; i++) {
        const double *x = L->X + i * m;
        for (size_t j = 0; j < m; j++) {
            if (x[j] == 0)
                continue;
            L->c[j] += x[j] * L->y[i];
            for (size_t k = j; k < m; k++)
                L->G[j * m + k] += x[j] * x[k];
        }
    }
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < j; k++)
            L->G[j * m + k] = L->G[k * m + j];
}

static double rss(const l1_mem *L, const double *beta)
{
    double s = 0;
    for (size_t i = 0; i < L->n; i++) {
        double e = L->y[i];
        for (size_t j = 0; j < L->m; j++)
            e -= L->X[i * L->m + j] * beta[j];
        s += e * e;
    }
    return s;
}

size_t xpl__ks_l1_select(void *mem, int criterion, size_t top_k,
                         const uint64_t *masks, size_t words, size_t m,
                         const double *w, size_t n_coal, const double *y,
                         size_t stride, double delta, uint32_t *active)
{
    l1_mem L;
    l1_carve(&L, mem, n_coal, m);
    /* shap's augmented rows: (z, y) weighted w (m - |z|), (z - 1, y -
     * delta) weighted w |z|, scaled by the square roots of the weights. */
    size_t n = 0;
    for (size_t c = 0; c < n_coal; c++) {
        if (!(w[c] > 0))
            continue;
        const uint64_t *mask = masks + c * words;
        double s = (double)xpl__mask_count(mask, words);
        double r1 = sqrt(w[c] * ((double)m - s)), r2 = sqrt(w[c] * s);
        double *x1 = L.X + n * m, *x2 = x1 + m;
        for (size_t j = 0; j < m; j++) {
            double z = xpl__mask_has(mask, j);
            x1[j] = r1 * z;
            x2[j] = r2 * (z - 1);
        }
        L.y[n] = r1 * y[c * stride];
        L.y[n + 1] = r2 * (y[c * stride] - delta);
        n += 2;
    }
    L.n = n;
    size_t n_sel = 0;
    xpl__lars_work lw;
    if (criterion == XPL_L1_TOP_K) {
        gram(&L);
        lars(&L, &lw, 0, top_k);
        for (size_t k = 0; k < m; k++)
            if (lw.active[k])
                active[n_sel++] = (uint32_t)k;
    } else {
        /* StandardScaler(with_mean=False), then LassoLarsIC's intercept:
         * centre the scaled columns and the response. */
        double ym = 0;
        for (size_t i = 0; i < n; i++)
            ym += L.y[i] / (double)n;
        for (size_t i = 0; i < n; i++)
            L.y[i] -= ym;
        for (size_t j = 0; j < m; j++) {
            double mean = 0, var = 0;
            for (size_t i = 0; i < n; i++)
                mean += L.X[i * m + j] / (double)n;
            for (size_t i = 0; i < n; i++) {
                double d = L.X[i * m + j] - mean;
                var += d * d / (double)n;
            }
            double sd = var > 0 ? sqrt(var) : 1.0;
            for (size_t i = 0; i < n; i++)
                L.X[i * m + j] = (L.X[i * m + j] - mean) / sd;
        }
        gram(&L);
        size_t dof = n > m + 1 ? n - m - 1 : 0;
        if (dof == 0) {
            /* too few rows to estimate the noise: keep every player */
            for (size_t j = 0; j < m; j++)
                active[j] = (uint32_t)j;
            return m;
        }
        int ols_ok =
            xpl__spd_solve(L.G, m, m, L.c, L.ols, L.work, 1e-14) == 0;
        double sigma2 = ols_ok ? rss(&L, L.ols) / (double)dof : NAN;
        size_t knots = lars(&L, &lw, 1, 0);
        if (!ols_ok)
            sigma2 = rss(&L, L.path + (knots - 1) * m) / (double)dof;
        double factor = criterion == XPL_L1_AIC ? 2.0 : log((double)n);
        size_t best = 0;
        double best_crit = INFINITY;
        if (sigma2 > 0)
            for (size_t k = 0; k < knots; k++) {
                const double *b = L.path + k * m;
                size_t df = 0;
                for (size_t j = 0; j < m; j++)
                    df += fabs(b[j]) > 2.220446049250313e-16;
                double crit = (double)n * log(6.283185307179586 * sigma2) +
                              rss(&L, b) / sigma2 + factor * (double)df;
                if (crit < best_crit) {
                    best_crit = crit;
                    best = k;
                }
            }
        else
            best = knots - 1;
        for (size_t j = 0; j < m; j++)
            if (L.path[best * m + j] != 0)
                active[n_sel++] = (uint32_t)j;
        if (n_sel == 0 && knots > 1)
            for (size_t j = 0; j < m && n_sel == 0; j++)
                if (L.path[m + j] != 0)
                    active[n_sel++] = (uint32_t)j;
    }
    if (n_sel == 0) {
        /* nothing selected: keep the player most correlated with the
         * response, the first the path would take (L.c is still X'y) */
        size_t best = 0;
        for (size_t j = 1; j < m; j++)
            if (fabs(L.c[j]) > fabs(L.c[best]))
                best = j;
        active[n_sel++] = (uint32_t)best;
    }
    qsort(active, n_sel, sizeof *active, cmp_u32);
    return n_sel;
}
