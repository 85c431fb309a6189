/* LIME's sampler, four samples at a time: four independent xoshiro256**
 * streams side by side, their uniforms, and the table quantile of
 * lime_normal.h on four probabilities.
 *
 * Why: a row draws num_samples x n_features values, and one value in
 * scalar code is about a hundred instructions (a draw, a bin, a quantile
 * polynomial, a clamp), all independent across samples. GNU C vector
 * types let one source compile to two SSE2 instructions per operation on
 * baseline x86-64 and to one AVX2 instruction in the clone that lime.c
 * picks at run time. Every operation is element-wise IEEE arithmetic or
 * an exact bit manipulation, and contraction stays off (ISO C mode, no
 * FMA target), so both clones give the same bits.
 *
 * A lane's numbers are exactly those of the scalar functions
 * (xpl__lime_next, xpl__lime_open52, xpl__lime_quantile_fast) applied to
 * that lane's stream; the lanes' streams are seeded from (seed, row, run)
 * alone, so a row's samples do not depend on threads or other rows. */
#ifndef XPL_EXPLAINERS_LIME_VEC_H
#define XPL_EXPLAINERS_LIME_VEC_H

#include <stdint.h>
#include <string.h>

#include "explainers/lime/lime_normal.h"
#include "explainers/lime/lime_random.h"

enum { XPL__LIME_LANES = 4 };

/* Seed the 4 lanes' states (lane-major: s[lane][word]). Lane 0 is not the
 * scalar stream of (seed, row, run): each lane is a separate splitmix64
 * chain continuing from the scalar seeding's mixed key, so the lanes are
 * as independent as separately seeded xoshiro streams. */
static inline void xpl__lime_seed_lanes(uint64_t s[XPL__LIME_LANES][4],
                                        uint64_t seed, uint64_t row,
                                        uint64_t run)
{
    xpl__lime_rng r;
    xpl__lime_rng_seed(&r, seed, row, run);
    /* r's state is four splitmix outputs of the key; continue from its
     * last word as a new chain */
    uint64_t x = r.s[3] ^ 0x3c6ef372fe94f82bu;
    for (int l = 0; l < XPL__LIME_LANES; l++)
        for (int i = 0; i < 4; i++)
            s[l][i] = xpl__lime_splitmix(&x);
}

/* XPL__LIME_NO_VEC (a test switch) builds the scalar reference instead. */
#if defined(__GNUC__) && !defined(XPL__LIME_NO_VEC)
#define XPL__LIME_HAVE_VEC 1

/* GCC and clang warn that 32-byte vectors are passed differently with
 * and without AVX. Every function here and in lime.c that takes or
 * returns one is always inlined, so no vector ever crosses a call: the
 * warning does not apply (it is off for the rest of the including
 * file). */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef double xpl__vd __attribute__((vector_size(32)));
typedef uint64_t xpl__vu __attribute__((vector_size(32)));
typedef int64_t xpl__vi __attribute__((vector_size(32)));

/* The 4 lanes' xoshiro256** states, word by word. */
typedef struct xpl__lime_rng4 {
    xpl__vu s0, s1, s2, s3;
} xpl__lime_rng4;

static inline void xpl__lime_rng4_seed(xpl__lime_rng4 *r, uint64_t seed,
                                       uint64_t row, uint64_t run)
{
    uint64_t s[XPL__LIME_LANES][4];
    xpl__lime_seed_lanes(s, seed, row, run);
    r->s0 = (xpl__vu){ s[0][0], s[1][0], s[2][0], s[3][0] };
    r->s1 = (xpl__vu){ s[0][1], s[1][1], s[2][1], s[3][1] };
    r->s2 = (xpl__vu){ s[0][2], s[1][2], s[2][2], s[3][2] };
    r->s3 = (xpl__vu){ s[0][3], s[1][3], s[2][3], s[3][3] };
}

XPL__LIME_HOT xpl__vd xpl__vsplat(double v)
{
    return (xpl__vd){ v, v, v, v };
}

XPL__LIME_HOT xpl__vu xpl__vusplat(uint64_t v)
{
    return (xpl__vu){ v, v, v, v };
}

/* Lane by lane: where m (all ones or zero per lane), b, else a. */
XPL__LIME_HOT xpl__vd xpl__vselect(xpl__vi m, xpl__vd b, xpl__vd a)
{
    return (xpl__vd)(((xpl__vi)b & m) | ((xpl__vi)a & ~m));
}

/* 4 doubles from memory (any alignment). */
XPL__LIME_HOT xpl__vd xpl__vload(const double *p)
{
    xpl__vd v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Transpose the 4 x 4 matrix whose rows are r[0..3]: afterwards r[k]
 * holds element k of every former row. A gather of 4 consecutive fields
 * of 4 records costs 4 loads and 8 shuffles this way, against 16 scalar
 * loads and 12 shuffles lane by lane. */
XPL__LIME_HOT void xpl__vtranspose(xpl__vd r[4])
{
    xpl__vd t0 = __builtin_shufflevector(r[0], r[1], 0, 4, 2, 6);
    xpl__vd t1 = __builtin_shufflevector(r[0], r[1], 1, 5, 3, 7);
    xpl__vd t2 = __builtin_shufflevector(r[2], r[3], 0, 4, 2, 6);
    xpl__vd t3 = __builtin_shufflevector(r[2], r[3], 1, 5, 3, 7);
    r[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    r[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    r[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    r[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

/* xoshiro256** on 4 lanes. The multiplications by 5 and 9 are shifts and
 * adds: SSE2 and AVX2 have no 64-bit multiply, and x * 5 = (x << 2) + x
 * modulo 2^64 exactly. */
XPL__LIME_HOT xpl__vu xpl__lime_next4(xpl__lime_rng4 *r)
{
    xpl__vu x5 = (r->s1 << 2) + r->s1;
    xpl__vu rot = (x5 << 7) | (x5 >> 57);
    xpl__vu out = (rot << 3) + rot;
    xpl__vu t = r->s1 << 17;
    r->s2 ^= r->s0;
    r->s3 ^= r->s1;
    r->s1 ^= r->s2;
    r->s0 ^= r->s3;
    r->s2 ^= t;
    r->s3 = (r->s3 << 45) | (r->s3 >> 19);
    return out;
}

/* xpl__lime_open52 on 4 lanes: uniforms in (0, 1), never 0 or 1. */
XPL__LIME_HOT xpl__vd xpl__lime_open52_4(xpl__vu bits)
{
    xpl__vu one = (bits >> 12) | xpl__vusplat(0x3ff0000000000000u);
    return (xpl__vd)one - xpl__vsplat(1 - 0x1.0p-53);
}

/* xpl__lime_quantile_fast on 4 lanes, the same steps in the same order.
 * The cell's 8 coefficients are read lane by lane (a gather); a lane
 * outside the table (p = 1/2, or min(p, 1 - p) < 2^-25: about one draw
 * in 17 million) reads cell 0 and is then replaced by AS 241. */
XPL__LIME_HOT xpl__vd xpl__lime_quantile4(const xpl__lime_qtable *t,
                                          xpl__vd p)
{
    xpl__vd pq = xpl__vsplat(1) - p; /* exact for p >= 1/2 */
    xpl__vi upper = pq < p;
    xpl__vu bits = ((xpl__vu)p & ~(xpl__vu)upper) |
                   ((xpl__vu)pq & (xpl__vu)upper);
    xpl__vu sign = (xpl__vu)upper << 63;
    /* in the table: 2^-(OCTAVES+1) <= min(p, 1 - p) < 1/2, tested on the
     * double (SSE2 has no 64-bit integer compare) */
    xpl__vd pp = (xpl__vd)bits;
    xpl__vi in = (pp >= xpl__vsplat(0x1.0p-25)) & (pp < xpl__vsplat(0.5));
    /* cell index o CELLS + cell, o = 1021 - exponent: the top 16 bits
     * are exponent << 4 | cell */
    xpl__vu top = bits >> 48;
    xpl__vu idx = xpl__vusplat(1021u * XPL__QT_CELLS) -
                  (top & xpl__vusplat(~(uint64_t)15)) +
                  (top & xpl__vusplat(15));
    idx &= (xpl__vu)in;
    /* x = 2 m' - 3 with m' = 1.(the fraction's bits below the cell):
     * the same exact value as the scalar (m - 1) 2 CELLS - (2 cell + 1) */
    xpl__vu low = ((bits << 4) & xpl__vusplat(0x000fffffffffffffu)) |
                  xpl__vusplat(0x3ff0000000000000u);
    xpl__vd x = (xpl__vd)low * xpl__vsplat(2) - xpl__vsplat(3);
    /* each lane's cell (8 coefficients, one cache line), transposed into
     * lo[k] = coefficient k, hi[k] = coefficient 4 + k of every lane */
    xpl__vd lo[4], hi[4];
    for (int l = 0; l < XPL__LIME_LANES; l++) {
        lo[l] = xpl__vload(t->c[idx[l]]);
        hi[l] = xpl__vload(t->c[idx[l]] + 4);
    }
    xpl__vtranspose(lo);
    xpl__vtranspose(hi);
    xpl__vd x2 = x * x, x4 = x2 * x2;
    xpl__vd v = ((lo[0] + lo[1] * x) + x2 * (lo[2] + lo[3] * x)) +
                x4 * ((hi[0] + hi[1] * x) + x2 * (hi[2] + hi[3] * x));
    v = (xpl__vd)((xpl__vu)v ^ sign);
    xpl__vi out = ~in;
    if ((out[0] | out[1] | out[2] | out[3]) != 0) {
        for (int l = 0; l < XPL__LIME_LANES; l++)
            if (out[l])
                v[l] = xpl__lime_normal_quantile(p[l]);
    }
    return v;
}

/* A lane that the ziggurat's fast path rejected: the wedge or tail test
 * with that lane's stream, then xpl__lime_gauss52 from scratch if that
 * rejects too, exactly as the scalar function continues. */
static inline double xpl__lime_gauss_lane(const xpl__lime_zig *z,
                                          xpl__lime_rng4 *r, int lane,
                                          int layer, double u)
{
    xpl__lime_rng one = { { r->s0[lane], r->s1[lane], r->s2[lane],
                            r->s3[lane] } };
    int accept;
    double x = xpl__lime_zig_slow(z, &one, layer, u, &accept);
    if (!accept)
        x = xpl__lime_gauss52(z, &one);
    r->s0[lane] = one.s[0];
    r->s1[lane] = one.s[1];
    r->s2[lane] = one.s[2];
    r->s3[lane] = one.s[3];
    return x;
}

/* xpl__lime_gauss52 on 4 lanes: one draw per lane, and the fast path
 * (about 99 % of the draws) as vector code; the rare lane that fails it
 * finishes on its own stream. */
XPL__LIME_HOT xpl__vd xpl__lime_gauss4(const xpl__lime_zig *z,
                                       xpl__lime_rng4 *r)
{
    xpl__vu bits = xpl__lime_next4(r);
    xpl__vu layer = bits & xpl__vusplat(XPL__ZIG_LAYERS - 1);
    xpl__vd u = xpl__vsplat(2) * xpl__lime_open52_4(bits) - xpl__vsplat(1);
    xpl__vd ratio = { z->ratio[layer[0]], z->ratio[layer[1]],
                      z->ratio[layer[2]], z->ratio[layer[3]] };
    xpl__vd edge = { z->x[layer[0]], z->x[layer[1]], z->x[layer[2]],
                     z->x[layer[3]] };
    xpl__vd au = (xpl__vd)((xpl__vu)u & xpl__vusplat(~((uint64_t)1 << 63)));
    xpl__vi reject = (xpl__vi)(au >= ratio);
    xpl__vd v = u * edge;
    if ((reject[0] | reject[1] | reject[2] | reject[3]) != 0)
        for (int l = 0; l < XPL__LIME_LANES; l++)
            if (reject[l])
                v[l] = xpl__lime_gauss_lane(z, r, l, (int)layer[l], u[l]);
    return v;
}

#else
#define XPL__LIME_HAVE_VEC 0
#endif /* __GNUC__ */

#endif
