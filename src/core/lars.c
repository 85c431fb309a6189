#include "core/lars.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

enum { ALIGN = 64 };

/* float's smallest normal: scikit-learn adds it to the step's denominators
 * (it computes in the input's precision and guards with float32's tiny) */
static const double FLOAT_TINY = 1.1754944e-38;

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

size_t xpl__lars_bytes(size_t m)
{
    return 6 * round_up(m * sizeof(double)) +
           round_up(m * m * sizeof(double)) +
           round_up(m * sizeof(uint32_t)) + round_up(m);
}

void xpl__lars_work_init(xpl__lars_work *w, void *mem, size_t m)
{
    unsigned char *b = mem;
    double **vec[6] = { &w->beta, &w->c, &w->d, &w->a, &w->s, &w->sign };
    for (size_t i = 0; i < 6; i++) {
        *vec[i] = (double *)b;
        b += round_up(m * sizeof(double));
    }
    w->GA = (double *)b;
    b += round_up(m * m * sizeof(double));
    w->order = (uint32_t *)b;
    b += round_up(m * sizeof(uint32_t));
    w->active = b;
}

static double min_pos_ratio(double num, double den)
{
    double r = num / den;
    return r > 0 ? r : INFINITY;
}

/* The largest correlation C and the entering candidate (m if none). */
static double max_corr(const xpl__lars_gram *p, const xpl__lars_opts *o,
                       const xpl__lars_work *w, size_t n_act, size_t *best)
{
    size_t m = p->m;
    double C = 0;
    *best = m;
    if (o->ties == XPL__LARS_TIES_EXACT) {
        for (size_t j = 0; j < m; j++)
            if (!w->active[j] && fabs(w->c[j]) > C) {
                C = fabs(w->c[j]);
                *best = j;
            }
        return C;
    }
    for (size_t j = 0; j < m; j++) {
        double v = fabs(w->c[j]);
        if (!w->active[j] && v > C * (1 + 1e-12) + 1e-300) {
            C = v;
            *best = j;
        }
    }
    for (size_t k = 0; k < n_act; k++)
        C = fmax(C, fabs(w->c[w->order[k]]));
    return C;
}

/* The equiangular direction d (coefficient space) of the k active
 * variables: X_A'X_A d = s_A, scaled so that a unit step changes every
 * active correlation by *AA. Returns 0, or -1 to end the path. */
static int direction(const xpl__lars_gram *p, const xpl__lars_opts *o,
                     xpl__lars_work *w, size_t k, double *AA)
{
    const double *G = p->G;
    size_t ld = p->ld;
    double *GA = w->GA, *d = w->d, *s = w->s;
    for (size_t i = 0; i < k; i++) {
        const double *row = G + (size_t)w->order[i] * ld;
        for (size_t j = 0; j < k; j++)
            GA[i * k + j] = row[w->order[j]];
        if (o->corr == XPL__LARS_CORR_INCREMENTAL)
            s[i] = w->sign[w->order[i]];
        else
            s[i] = w->c[w->order[i]] > 0 ? 1.0 : -1.0;
    }
    memcpy(d, s, k * sizeof *d);
    double dmin, dmax;
    if (xpl__cholesky(GA, k, k, &dmin, &dmax) == 0 &&
        !(o->pivot_tol > 0 && !(dmin > dmax * o->pivot_tol))) {
        xpl__cholesky_solve(GA, k, k, d);
    } else {
        if (o->singular == XPL__LARS_SINGULAR_STOP)
            return -1;
        for (size_t i = 0; i < k; i++) {
            const double *row = G + (size_t)w->order[i] * ld;
            for (size_t j = 0; j < k; j++)
                GA[i * k + j] = row[w->order[j]];
        }
        if (xpl__sym_pinv_solve(k, GA, 1e-12, d) != XPL_OK)
            return -1;
    }
    /* s'd = 1 / AA^2; d_i s_i is exact, so the sum does not depend on
     * whether the signs went into the matrix or the right-hand side */
    double sw = 0;
    for (size_t i = 0; i < k; i++)
        sw += d[i] * s[i];
    if (!(sw > 0))
        return -1;
    *AA = 1 / sqrt(sw);
    for (size_t i = 0; i < k; i++)
        d[i] *= *AA;
    return 0;
}

static double x_dot_d(const xpl__lars_gram *p, const xpl__lars_work *w,
                      size_t j, size_t k)
{
    const double *row = p->G + j * p->ld;
    double a = 0;
    for (size_t i = 0; i < k; i++)
        a += row[w->order[i]] * w->d[i];
    return a;
}

/* The step: the least gamma at which an inactive correlation reaches the
 * active ones (and, for the lasso, an active coefficient reaches zero:
 * *leave gets its position, else k). */
static double step_length(const xpl__lars_gram *p, const xpl__lars_opts *o,
                          xpl__lars_work *w, size_t k, double C, double AA,
                          size_t *leave)
{
    int rel = o->step == XPL__LARS_STEP_RELATIVE;
    double gamma = C / AA;
    for (size_t j = 0; j < p->m; j++) {
        if (w->active[j])
            continue;
        double a = w->a[j] = x_dot_d(p, w, j, k), c = w->c[j];
        if (rel) {
            double g1 = (C - c) / (AA - a), g2 = (C + c) / (AA + a);
            if (g1 > 1e-15 * gamma && g1 < gamma)
                gamma = g1;
            if (g2 > 1e-15 * gamma && g2 < gamma)
                gamma = g2;
        } else {
            double g1 = min_pos_ratio(C - c, AA - a + FLOAT_TINY);
            double g2 = min_pos_ratio(C + c, AA + a + FLOAT_TINY);
            if (g1 < gamma)
                gamma = g1;
            if (g2 < gamma)
                gamma = g2;
        }
    }
    *leave = k;
    if (!o->lasso)
        return gamma;
    for (size_t i = 0; i < k; i++) {
        double b = w->beta[w->order[i]], g;
        if (rel) {
            if (w->d[i] == 0)
                continue;
            g = -b / w->d[i];
            if (!(g > 1e-15 * gamma))
                continue;
        } else {
            g = min_pos_ratio(-b, w->d[i] + FLOAT_TINY);
        }
        if (g < gamma) {
            gamma = g;
            *leave = i;
        }
    }
    return gamma;
}

size_t xpl__lars_path(const xpl__lars_gram *p, const xpl__lars_opts *o,
                      xpl__lars_work *w, double *path, uint32_t *nnz)
{
    size_t m = p->m, n_act = 0, knots = 1, added = 0;
    int incremental = o->corr == XPL__LARS_CORR_INCREMENTAL, dropped = 0;
    double *beta = w->beta, *c = w->c, floor_c = 0;
    memset(beta, 0, m * sizeof *beta);
    memset(w->active, 0, m);
    if (path)
        memcpy(path, beta, m * sizeof *beta);
    if (nnz)
        nnz[0] = 0;
    if (incremental)
        for (size_t j = 0; j < m; j++)
            c[j] = p->Xy[j * p->xy_stride];
    if (o->ties == XPL__LARS_TIES_RELATIVE) {
        double cnorm = 0;
        for (size_t j = 0; j < m; j++)
            cnorm = fmax(cnorm, fabs(p->Xy[j * p->xy_stride]));
        floor_c = cnorm * 1e-12 + 1e-300;
    }
    for (size_t step = 0; step < o->max_steps && n_act < m; step++) {
        if (!incremental)
            for (size_t j = 0; j < m; j++) {
                const double *row = p->G + j * p->ld;
                double cj = p->Xy[j * p->xy_stride];
                for (size_t q = 0; q < m; q++)
                    if (beta[q] != 0)
                        cj -= row[q] * beta[q];
                c[j] = cj;
            }
        size_t best;
        double C = max_corr(p, o, w, n_act, &best);
        if (C <= floor_c)
            break;
        /* after a drop the next step adds nobody: the variable that left
         * is the one at C and would re-enter at once */
        if (!dropped) {
            if (best == m || (o->max_add && added == o->max_add))
                break;
            w->active[best] = 1;
            w->sign[best] = c[best] >= 0 ? 1 : -1;
            w->order[n_act++] = (uint32_t)best;
            added++;
        }
        dropped = 0;
        double AA;
        if (direction(p, o, w, n_act, &AA) != 0)
            break;
        size_t leave;
        double gamma = step_length(p, o, w, n_act, C, AA, &leave);
        for (size_t i = 0; i < n_act; i++)
            beta[w->order[i]] += gamma * w->d[i];
        if (incremental) { /* step_length filled a for the inactive */
            for (size_t i = 0; i < n_act; i++)
                w->a[w->order[i]] = x_dot_d(p, w, w->order[i], n_act);
            for (size_t j = 0; j < m; j++)
                c[j] -= gamma * w->a[j];
        }
        if (leave < n_act) {
            size_t j = w->order[leave];
            beta[j] = 0;
            w->active[j] = 0;
            memmove(w->order + leave, w->order + leave + 1,
                    (n_act - leave - 1) * sizeof *w->order);
            n_act--;
            dropped = 1;
        }
        if (path)
            memcpy(path + knots * m, beta, m * sizeof *beta);
        if (nnz) {
            uint32_t nz = 0;
            for (size_t j = 0; j < m; j++)
                nz += beta[j] != 0;
            nnz[knots] = nz;
        }
        knots++;
        if (o->stop_at && knots - 1 == o->stop_at)
            break;
    }
    return knots;
}
