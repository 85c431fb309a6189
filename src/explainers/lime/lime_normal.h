/* The standard normal quantile for LIME's samplers: Wichura's algorithm
 * AS 241 (PPND16, Applied Statistics 37, 1988), accurate to about 1e-16.
 * GSL's gsl_cdf_ugaussian_Pinv costs several times more per call, and a
 * row draws num_samples x n_features of them: inlined into the sampling
 * loop, independent calls overlap. */
#ifndef XPL_EXPLAINERS_LIME_NORMAL_H
#define XPL_EXPLAINERS_LIME_NORMAL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Rational functions of degree 7 / 7, coefficients from the constant term
 * up (the denominators' constant terms are 1). */
static const double xpl__lime_central_num[8] = {
    3.3871328727963666080e0, 1.3314166789178437745e+2,
    1.9715909503065514427e+3, 1.3731693765509461125e+4,
    4.5921953931549871457e+4, 6.7265770927008700853e+4,
    3.3430575583588128105e+4, 2.5090809287301226727e+3,
};
static const double xpl__lime_central_den[8] = {
    1.0, 4.2313330701600911252e+1,
    6.8718700749205790830e+2, 5.3941960214247511077e+3,
    2.1213794301586595867e+4, 3.9307895800092710610e+4,
    2.8729085735721942674e+4, 5.2264952788528545610e+3,
};
static const double xpl__lime_near_num[8] = {
    1.42343711074968357734e0, 4.63033784615654529590e0,
    5.76949722146069140550e0, 3.64784832476320460504e0,
    1.27045825245236838258e0, 2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4,
};
static const double xpl__lime_near_den[8] = {
    1.0, 2.05319162663775882187e0,
    1.67638483018380384940e0, 6.89767334985100004550e-1,
    1.48103976427480074590e-1, 1.51986665636164571966e-2,
    5.47593808499534494600e-4, 1.05075007164441684324e-9,
};
static const double xpl__lime_far_num[8] = {
    6.65790464350110377720e0, 5.46378491116411436990e0,
    1.78482653991729133580e0, 2.96560571828504891230e-1,
    2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7,
};
static const double xpl__lime_far_den[8] = {
    1.0, 5.99832206555887937690e-1,
    1.36929880922735805310e-1, 1.48753612908506148525e-2,
    7.86869131145613259100e-4, 1.84631831751005468180e-5,
    1.42151175831644588870e-7, 2.04426310338993978564e-15,
};

/* num(r) / den(r) by Estrin's scheme: three dependent multiply-adds
 * instead of Horner's seven, so consecutive draws overlap better. */
static inline double xpl__lime_poly7(const double *c, double r, double r2,
                                     double r4)
{
    return (c[0] + c[1] * r) + r2 * (c[2] + c[3] * r) +
           r4 * ((c[4] + c[5] * r) + r2 * (c[6] + c[7] * r));
}

static inline double xpl__lime_ratio(const double *num, const double *den,
                                     double r)
{
    double r2 = r * r, r4 = r2 * r2;
    return xpl__lime_poly7(num, r, r2, r4) / xpl__lime_poly7(den, r, r2, r4);
}

/* The central region |p - 0.5| <= 0.425, from q = p - 0.5: no branch, no
 * libm call, so a sampler can run it over a whole column. */
static inline double xpl__lime_quantile_central(double q)
{
    return q * xpl__lime_ratio(xpl__lime_central_num, xpl__lime_central_den,
                               0.180625 - q * q);
}

/* The tails |p - 0.5| > 0.425 (0 < p < 1). */
static inline double xpl__lime_quantile_tail(double p)
{
    double q = p - 0.5;
    double r = sqrt(-log(q < 0 ? p : 1 - p));
    double v = r <= 5 ? xpl__lime_ratio(xpl__lime_near_num,
                                        xpl__lime_near_den, r - 1.6)
                      : xpl__lime_ratio(xpl__lime_far_num, xpl__lime_far_den,
                                        r - 5);
    return q < 0 ? -v : v;
}

/* +-inf at 0 and 1, NaN outside [0, 1]. */
static inline double xpl__lime_normal_quantile(double p)
{
    double q = p - 0.5;
    if (fabs(q) <= 0.425)
        return xpl__lime_quantile_central(q);
    double r = q < 0 ? p : 1 - p;
    if (!(r > 0))
        return q < 0 ? -INFINITY : (r == 0 ? INFINITY : NAN);
    return xpl__lime_quantile_tail(p);
}

/* ------------------------------------------------- the quantile by table
 *
 * A sampler needs the quantile about 150,000 times per row; AS 241 costs
 * a division and, in the tails, a logarithm and a square root. The table
 * splits (0, 1/2) into octaves [2^-(o+2), 2^-(o+1)), o = 0 .. OCTAVES - 1,
 * and each octave into CELLS equal cells; in each cell the quantile is the
 * degree-7 polynomial interpolating AS 241 at the cell's 8 Chebyshev
 * points, in the cell's coordinate x in [-1, 1]. Octaves make the cells
 * narrow where the quantile bends (the tails), and the cell and x come
 * from the bits of p, without a division or a logarithm. Agreement with
 * AS 241 and GSL is tested (worst relative difference about 1e-15, the
 * rounding of the evaluation); p below the last octave, p = 1/2 and p
 * above 1/2 are handled by symmetry or by AS 241. */

enum { XPL__QT_CELLS = 16, XPL__QT_OCTAVES = 24, XPL__QT_DEGREE = 7 };

/* Coefficients, cell by cell (8 doubles: one cache line), lowest power
 * first. Read-only once built. */
typedef struct xpl__lime_qtable {
    double c[XPL__QT_OCTAVES * XPL__QT_CELLS][XPL__QT_DEGREE + 1];
} xpl__lime_qtable;

static inline void xpl__lime_qtable_init(xpl__lime_qtable *t)
{
    enum { N = XPL__QT_DEGREE + 1 };
    const double pi = 3.14159265358979323846;
    /* power-basis coefficients of the Chebyshev polynomials T_0 .. T_7 */
    double T[N][N] = { { 0 } };
    T[0][0] = 1;
    T[1][1] = 1;
    for (int k = 2; k < N; k++)
        for (int i = 0; i < N; i++)
            T[k][i] = (i ? 2 * T[k - 1][i - 1] : 0) - T[k - 2][i];
    for (int o = 0; o < XPL__QT_OCTAVES; o++) {
        double base = ldexp(1.0, -(o + 2));
        for (int cell = 0; cell < XPL__QT_CELLS; cell++) {
            double f[N], a[N];
            for (int j = 0; j < N; j++) {
                double x = cos(pi * (j + 0.5) / N);
                double m = 1 + (cell + (x + 1) / 2) / XPL__QT_CELLS;
                f[j] = xpl__lime_normal_quantile(m * base);
            }
            for (int k = 0; k < N; k++) {
                double sum = 0;
                for (int j = 0; j < N; j++)
                    sum += f[j] * cos(pi * k * (j + 0.5) / N);
                a[k] = (k ? 2.0 : 1.0) * sum / N;
            }
            double *c = t->c[o * XPL__QT_CELLS + cell];
            for (int i = 0; i < N; i++) {
                double sum = 0;
                for (int k = 0; k < N; k++)
                    sum += a[k] * T[k][i];
                c[i] = sum;
            }
        }
    }
}

/* The quantile at p in (0, 1). */
static inline double xpl__lime_quantile_fast(const xpl__lime_qtable *t,
                                             double p)
{
    /* pp = min(p, 1 - p) and the sign of the result, selected with bit
     * masks: p > 1/2 is a coin toss, and a branch would mispredict half
     * of the time */
    double pq = 1 - p; /* exact for p >= 1/2 */
    uint64_t pb, qb;
    memcpy(&pb, &p, sizeof pb);
    memcpy(&qb, &pq, sizeof qb);
    uint64_t upper = (uint64_t)0 - (uint64_t)(pq < p);
    uint64_t bits = (pb & ~upper) | (qb & upper);
    uint64_t sign = upper << 63;
    /* 1021 is the biased exponent of [1/4, 1/2) */
    int64_t o = 1021 - (int64_t)(bits >> 52);
    if (o < 0 || o >= XPL__QT_OCTAVES)
        return xpl__lime_normal_quantile(p); /* p = 1/2, or far out */
    uint64_t frac = bits & 0x000fffffffffffffu;
    uint64_t cell = frac >> (52 - 4); /* 4 = log2(XPL__QT_CELLS) */
    uint64_t one = 0x3ff0000000000000u | frac;
    double m;
    memcpy(&m, &one, sizeof m);
    /* m in [1, 2): x = 2 ((m - 1) CELLS - cell) - 1, every step exact */
    double x = (m - 1) * (2 * XPL__QT_CELLS) - (double)(2 * cell + 1);
    const double *c = t->c[o * XPL__QT_CELLS + (int64_t)cell];
    double x2 = x * x, x4 = x2 * x2;
    double v = ((c[0] + c[1] * x) + x2 * (c[2] + c[3] * x)) +
               x4 * ((c[4] + c[5] * x) + x2 * (c[6] + c[7] * x));
    uint64_t vb;
    memcpy(&vb, &v, sizeof vb);
    vb ^= sign;
    memcpy(&v, &vb, sizeof v);
    return v;
}

#endif
