/* LIME's random numbers: xoshiro256** (Blackman and Vigna) seeded per
 * (seed, row, run) through splitmix64, uniforms, and standard normals by
 * Marsaglia and Tsang's ziggurat (Doornik's 128-layer variant with double
 * tables), whose fast path costs one 64-bit draw. Everything is inline:
 * the sampler draws num_samples x n_features numbers per row.
 *
 * The sampler itself runs four of these streams side by side (lime_vec.h,
 * seeded from xpl__lime_rng_seed) and takes its normals from
 * xpl__lime_gauss52 (four lanes at a time; truncated normals come from
 * the quantile instead, lime_normal.h). */
#ifndef XPL_EXPLAINERS_LIME_RANDOM_H
#define XPL_EXPLAINERS_LIME_RANDOM_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The hot path must inline even where the compiler's heuristics would not
 * (a call per draw costs as much as the draw). */
#if defined(__GNUC__)
#define XPL__LIME_HOT static inline __attribute__((always_inline))
#else
#define XPL__LIME_HOT static inline
#endif

typedef struct xpl__lime_rng {
    uint64_t s[4];
} xpl__lime_rng;

static inline uint64_t xpl__lime_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A stream that depends only on (seed, row, run). */
static inline void xpl__lime_rng_seed(xpl__lime_rng *r, uint64_t seed,
                                      uint64_t row, uint64_t run)
{
    uint64_t x = seed;
    uint64_t a = xpl__lime_splitmix(&x);
    x = row ^ 0x6a09e667f3bcc908u;
    uint64_t b = xpl__lime_splitmix(&x);
    x = run ^ 0xbb67ae8584caa73bu;
    uint64_t c = xpl__lime_splitmix(&x);
    x = a ^ (b * 0x9e3779b97f4a7c15u) ^ (c * 0xc2b2ae3d27d4eb4fu);
    for (int i = 0; i < 4; i++)
        r->s[i] = xpl__lime_splitmix(&x);
}

XPL__LIME_HOT uint64_t xpl__lime_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

XPL__LIME_HOT uint64_t xpl__lime_next(xpl__lime_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = xpl__lime_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = xpl__lime_rotl(s[3], 45);
    return out;
}

/* Uniform in (0, 1) from the top 53 bits: never 0 or 1. */
XPL__LIME_HOT double xpl__lime_open(uint64_t bits)
{
    return ((double)(bits >> 11) + 0.5) * 0x1.0p-53;
}

/* Uniform in (0, 1) from the top 52 bits, without an integer conversion:
 * m in [1, 2) from the bits, then m - (1 - 2^-53) = (2k + 1) 2^-53,
 * exact, never 0 or 1. */
XPL__LIME_HOT double xpl__lime_open52(uint64_t bits)
{
    uint64_t one = (bits >> 12) | 0x3ff0000000000000u;
    double m;
    memcpy(&m, &one, sizeof m);
    return m - (1 - 0x1.0p-53);
}

/* ------------------------------------------------------------ ziggurat */

enum { XPL__ZIG_LAYERS = 128 };
#define XPL__ZIG_R 3.442619855899       /* start of the tail */
#define XPL__ZIG_V 9.91256303526217e-3  /* area of each layer */

/* Layer edges x[0..128] (x[0] = V / f(R) for the base layer, x[128] = 0)
 * and the share of each layer that lies under the curve, ratio[i] =
 * x[i+1] / x[i]. Read-only once built. */
typedef struct xpl__lime_zig {
    double x[XPL__ZIG_LAYERS + 1];
    double ratio[XPL__ZIG_LAYERS];
} xpl__lime_zig;

static inline void xpl__lime_zig_init(xpl__lime_zig *z)
{
    double f = exp(-0.5 * XPL__ZIG_R * XPL__ZIG_R);
    z->x[0] = XPL__ZIG_V / f;
    z->x[1] = XPL__ZIG_R;
    z->x[XPL__ZIG_LAYERS] = 0;
    for (int i = 2; i < XPL__ZIG_LAYERS; i++) {
        z->x[i] = sqrt(-2 * log(XPL__ZIG_V / z->x[i - 1] + f));
        f = exp(-0.5 * z->x[i] * z->x[i]);
    }
    for (int i = 0; i < XPL__ZIG_LAYERS; i++)
        z->ratio[i] = z->x[i + 1] / z->x[i];
}

/* The slow paths: the tail beyond R (Marsaglia's exponential method) and
 * the wedges between layers (exact rejection). */
static inline double xpl__lime_zig_slow(const xpl__lime_zig *z,
                                        xpl__lime_rng *r, int i, double u,
                                        int *accept)
{
    if (i == 0) {
        double t, y;
        do {
            t = log(xpl__lime_open(xpl__lime_next(r))) / XPL__ZIG_R;
            y = log(xpl__lime_open(xpl__lime_next(r)));
        } while (-2 * y < t * t);
        *accept = 1;
        return u < 0 ? t - XPL__ZIG_R : XPL__ZIG_R - t;
    }
    double x = u * z->x[i];
    double f0 = exp(-0.5 * (z->x[i] * z->x[i] - x * x));
    double f1 = exp(-0.5 * (z->x[i + 1] * z->x[i + 1] - x * x));
    *accept = f1 + xpl__lime_open(xpl__lime_next(r)) * (f0 - f1) < 1.0;
    return x;
}

/* A standard normal. The uniform u in (-1, 1) comes from the top 53 bits
 * (open52 = 0) or, as xpl__lime_open52, the top 52 (open52 = 1): no
 * integer conversion, which vector code lacks (lime_vec.h runs its fast
 * path on 4 lanes and this on a lane that rejects); u = 2 open52 - 1 is
 * exact. open52 is a constant at every call, so each variant inlines
 * without the test. */
XPL__LIME_HOT double xpl__lime_zig_gauss(const xpl__lime_zig *z,
                                         xpl__lime_rng *r, int open52)
{
    for (;;) {
        uint64_t bits = xpl__lime_next(r);
        int i = (int)(bits & (XPL__ZIG_LAYERS - 1));
        double u = 2 * (open52 ? xpl__lime_open52(bits)
                               : xpl__lime_open(bits)) - 1;
        if (fabs(u) < z->ratio[i])
            return u * z->x[i];
        int accept;
        double x = xpl__lime_zig_slow(z, r, i, u, &accept);
        if (accept)
            return x;
    }
}

XPL__LIME_HOT double xpl__lime_gauss(const xpl__lime_zig *z,
                                     xpl__lime_rng *r)
{
    return xpl__lime_zig_gauss(z, r, 0);
}

XPL__LIME_HOT double xpl__lime_gauss52(const xpl__lime_zig *z,
                                       xpl__lime_rng *r)
{
    return xpl__lime_zig_gauss(z, r, 1);
}

#endif
