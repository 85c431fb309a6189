/* LIME's sampler: a block of samples drawn a column at a time, in one
 * build per CPU family (base, AVX2, AVX-512) that all give the same bits. */
/* The sampler's builds for different CPUs must round alike: clang would
 * otherwise fuse a * b + c where a build has FMA (GCC in ISO C mode never
 * does). First, so that it covers the inline code of the headers. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explainers/lime/lime_object.h"

/* Samples are drawn a column (feature) at a time over a block of rows:
 * each loop then runs with one feature's parameters, its branches are
 * predictable, and the distances and representations are built as the
 * values are drawn. Within a column, four samples are drawn at once, one
 * per lane of the generator (lime_vec.h): sample i of a block comes from
 * lane i % 4, and each lane's stream is consumed in the order block,
 * feature, group of four (a last, partial group still advances every
 * lane). */

/* The value of a binned feature for a uniform u, and its bin: one
 * uniform picks the bin by inverting the cumulative frequencies, and its
 * position within the bin's share, rescaled to [Phi(a), Phi(b)], gives
 * the value by inverting the normal distribution function: an exact draw
 * from the truncated normal without rejection. The scalar reference of
 * bins4 below (same operations, same order, same bits), used where GNU C
 * vectors are not available. */
#if !XPL__LIME_HAVE_VEC
static inline double bin_value(const xpl_lime *l, const draw_bin *bins,
                               size_t nb, const double c[3], int few,
                               int point, double u, size_t *kk_out)
{
    size_t kk;
    if (few) {
        kk = (size_t)(u >= c[0]) + (size_t)(u >= c[1]) + (size_t)(u >= c[2]);
    } else {
        kk = 0;
        for (size_t q = 0; q + 1 < nb; q++)
            kk += u >= bins[q].cum;
    }
    const draw_bin *b = &bins[kk];
    double v = b->mean;
    if (!point) {
        /* p in [Phi(a), Phi(b)]; 0 or 1 by rounding gives an infinite
         * quantile, which the clamp turns into the bin's end */
        double pr = b->pa + (u - b->c0) * b->slope;
        v += b->std * xpl__lime_quantile_fast(&l->qt, pr);
        v = v < b->lo ? b->lo : v;
        v = v > b->hi ? b->hi : v;
    }
    *kk_out = kk;
    return v;
}
#endif

#if XPL__LIME_HAVE_VEC
/* bin_value on 4 lanes: the value, and in *hit all ones where the lane's
 * bin is kx. Many bins: a bin's parameters are read lane by lane (the
 * lanes' bins differ). */
XPL__LIME_HOT xpl__vd bins4(const xpl_lime *l, const draw_bin *bins,
                            size_t nb, int point, xpl__vd u, xpl__vi kx,
                            xpl__vi *hit)
{
    xpl__vi kk = { 0, 0, 0, 0 };
    for (size_t q = 0; q + 1 < nb; q++)
        kk -= (xpl__vi)(u >= xpl__vsplat(bins[q].cum));
    *hit = (xpl__vi)(kk == kx);
    const draw_bin *b0 = &bins[kk[0]], *b1 = &bins[kk[1]],
                   *b2 = &bins[kk[2]], *b3 = &bins[kk[3]];
#define LANES(field) ((xpl__vd){ b0->field, b1->field, b2->field, b3->field })
    xpl__vd v = LANES(mean);
    if (!point) {
        xpl__vd pr = LANES(pa) + (u - LANES(c0)) * LANES(slope);
        v += LANES(std) * xpl__lime_quantile4(&l->qt, pr);
        xpl__vd lo = LANES(lo), hi = LANES(hi);
        v = xpl__vselect((xpl__vi)(v < lo), lo, v);
        v = xpl__vselect((xpl__vi)(v > hi), hi, v);
    }
#undef LANES
    return v;
}

/* At most 4 bins (quartiles, small categoricals): each parameter of the
 * 4 bins held as 4 broadcast vectors, a lane's picked by three blends
 * instead of four scalar loads and their shuffles. */
typedef struct four_bins {
    xpl__vd cum[3];                            /* 2 past the last bin */
    xpl__vd mean[4], pa[4], c0[4], slope[4], std[4], lo[4], hi[4];
} four_bins;

static inline void four_bins_init(four_bins *f, const draw_bin *bins,
                                  size_t nb)
{
    for (size_t q = 0; q < 4; q++) {
        /* missing bins repeat the last one; they are never picked */
        const draw_bin *b = &bins[q < nb ? q : nb - 1];
        if (q < 3)
            f->cum[q] = xpl__vsplat(q + 1 < nb ? b->cum : 2);
        f->mean[q] = xpl__vsplat(b->mean);
        f->pa[q] = xpl__vsplat(b->pa);
        f->c0[q] = xpl__vsplat(b->c0);
        f->slope[q] = xpl__vsplat(b->slope);
        f->std[q] = xpl__vsplat(b->std);
        f->lo[q] = xpl__vsplat(b->lo);
        f->hi[q] = xpl__vsplat(b->hi);
    }
}

XPL__LIME_HOT xpl__vd few_bins4(const xpl_lime *l, const four_bins *f,
                                int point, xpl__vd u, xpl__vi kx,
                                xpl__vi *hit)
{
    /* u >= cum[1] implies u >= cum[0], and so on: nested masks */
    xpl__vi m1 = (xpl__vi)(u >= f->cum[0]), m2 = (xpl__vi)(u >= f->cum[1]),
            m3 = (xpl__vi)(u >= f->cum[2]);
    *hit = (xpl__vi)(-(m1 + m2 + m3) == kx);
#define PICK(a)                                                             \
    xpl__vselect(m3, (a)[3],                                                \
                 xpl__vselect(m2, (a)[2], xpl__vselect(m1, (a)[1], (a)[0])))
    xpl__vd v = PICK(f->mean);
    if (!point) {
        xpl__vd pr = PICK(f->pa) + (u - PICK(f->c0)) * PICK(f->slope);
        v += PICK(f->std) * xpl__lime_quantile4(&l->qt, pr);
        xpl__vd lo = PICK(f->lo), hi = PICK(f->hi);
        v = xpl__vselect((xpl__vi)(v < lo), lo, v);
        v = xpl__vselect((xpl__vi)(v > hi), hi, v);
    }
#undef PICK
    return v;
}
#endif

/* A continuous feature without bins: N(centre, noise) by the ziggurat (no
 * noise, and no draw, for a constant column), its z-score and its part of
 * the squared distance. The ziggurat's fast path is one draw, two table
 * reads and a compare, about half the work of inverting the table
 * quantile. The z-score multiplies by 1 / scale (computed once) rather
 * than dividing: a division per value costs more than all the rest of
 * the z-score, and the two differ by at most an ulp. */
XPL__LIME_HOT void sample_zscore(const xpl_lime *l, row_ctx *c, size_t j,
                                 const double *x, lanes_rng *r, size_t n)
{
    const xpl__lime_feature *f = &l->t.f[j];
    size_t P = l->P, S = c->zstride;
    double centre = l->opts.sample_around_instance ? x[j] : f->mean;
    double mean = f->mean, inv = 1 / f->scale, noise = f->noise,
           z0 = c->z0[j];
    double *xc = c->xb + j, *zc = c->zb + j, *d2 = c->d2;
#if XPL__LIME_HAVE_VEC
    xpl__lime_rng4 rr = *r; /* in registers: the stores cannot alias it */
    xpl__vd vc = xpl__vsplat(centre), vn = xpl__vsplat(noise),
            vm = xpl__vsplat(mean), vi = xpl__vsplat(inv),
            vz0 = xpl__vsplat(z0);
    for (size_t i = 0; i < n; i += XPL__LIME_LANES) {
        xpl__vd v = vc;
        if (noise > 0)
            v += vn * xpl__lime_gauss4(&l->zig, &rr);
        xpl__vd z = (v - vm) * vi;
        xpl__vd dz = z - vz0;
        size_t cnt = n - i < XPL__LIME_LANES ? n - i : XPL__LIME_LANES;
        for (size_t k = 0; k < cnt; k++) {
            xc[(i + k) * P] = v[k];
            zc[(i + k) * S] = z[k];
        }
        if (cnt == XPL__LIME_LANES) { /* d2 is contiguous */
            xpl__vd dv = xpl__vload(d2 + i) + dz * dz;
            memcpy(d2 + i, &dv, sizeof dv);
        } else {
            for (size_t k = 0; k < cnt; k++)
                d2[i + k] += dz[k] * dz[k];
        }
    }
    *r = rr;
#else
    for (size_t i = 0; i < n; i += XPL__LIME_LANES) {
        for (size_t k = 0; k < XPL__LIME_LANES; k++) {
            double v = centre;
            if (noise > 0)
                v += noise * xpl__lime_gauss52(&l->zig, &r->lane[k]);
            if (i + k >= n)
                continue;
            double z = (v - mean) * inv, dz = z - z0;
            xc[(i + k) * P] = v;
            zc[(i + k) * S] = z;
            d2[i + k] += dz * dz;
        }
    }
#endif
}

/* A discretized or categorical feature: values (bin_value), then the
 * representation from the bins. */
XPL__LIME_HOT void sample_bins(const xpl_lime *l, row_ctx *c, size_t j,
                               lanes_rng *r, size_t n)
{
    const xpl__lime_feature *f = &l->t.f[j];
    const draw_bin *bins = l->draw + f->first;
    size_t P = l->P, nb = f->n_bins, kx = c->b0[j];
    double *xc = c->xb + j;
    int64_t *hit = c->hit;
    int few = nb <= 4, point = l->all_point[j], binary = l->binary;
    uint64_t *hb = binary ? c->hbits + j / 64 * c->bcap : NULL,
             bit = (uint64_t)1 << (j % 64);
#if XPL__LIME_HAVE_VEC
    xpl__lime_rng4 rr = *r; /* in registers: the stores cannot alias it */
    xpl__vi kxv = { (int64_t)kx, (int64_t)kx, (int64_t)kx, (int64_t)kx };
    four_bins fb;
    if (few)
        four_bins_init(&fb, bins, nb);
    for (size_t i = 0; i < n; i += XPL__LIME_LANES) {
        xpl__vd u = xpl__lime_open52_4(xpl__lime_next4(&rr)), v;
        xpl__vi h;
        if (few)
            v = few_bins4(l, &fb, point, u, kxv, &h);
        else
            v = bins4(l, bins, nb, point, u, kxv, &h);
        /* hit and hbits have room for a whole group */
        if (binary) {
            xpl__vu w;
            memcpy(&w, hb + i, sizeof w);
            w |= (xpl__vu)h & xpl__vusplat(bit);
            memcpy(hb + i, &w, sizeof w);
        } else {
            memcpy(hit + i, &h, sizeof h);
        }
        size_t cnt = n - i < XPL__LIME_LANES ? n - i : XPL__LIME_LANES;
        for (size_t q = 0; q < cnt; q++)
            xc[(i + q) * P] = v[q];
    }
    *r = rr;
#else
    /* quartiles (at most 4 bins): three compares, unrolled; cum is 1 from
     * the last bin that occurs on, so a missing bin is never chosen */
    double cb[3] = { nb > 1 ? bins[0].cum : 2, nb > 2 ? bins[1].cum : 2,
                     nb > 3 ? bins[2].cum : 2 };
    for (size_t i = 0; i < n; i += XPL__LIME_LANES)
        for (size_t q = 0; q < XPL__LIME_LANES; q++) {
            double u = xpl__lime_open52(xpl__lime_next(&r->lane[q]));
            size_t kk;
            double v = bin_value(l, bins, nb, cb, few, point, u, &kk);
            if (i + q < n) {
                xc[(i + q) * P] = v;
                if (binary)
                    hb[i + q] |= kk == kx ? bit : 0;
                else
                    hit[i + q] = kk == kx;
            }
        }
#endif
    if (!binary) {
        size_t S = c->zstride;
        double *zc = c->zb + j, *d2 = c->d2;
        for (size_t s = 0; s < n; s++) {
            int h = hit[s] != 0;
            zc[s * S] = h;
            d2[s] += !h;
        }
    }
}

/* n samples: values (row-major, for the model) and representations. */
XPL__LIME_HOT void sample_block_body(const xpl_lime *l, row_ctx *c,
                                     const double *x, lanes_rng *r, size_t n)
{
    size_t M = l->P, W = (M + 63) / 64;
    if (l->binary)
        memset(c->hbits, 0, W * c->bcap * sizeof *c->hbits);
    else
        memset(c->d2, 0, n * sizeof *c->d2);
    for (size_t j = 0; j < l->P; j++) {
        if (l->t.f[j].kind == XPL__LIME_ZSCORE)
            sample_zscore(l, c, j, x, r, n);
        else
            sample_bins(l, c, j, r, n);
    }
    if (!l->binary || W == 1)
        return; /* up to 64 features the Gram reads the bits */
    /* each sample's features in the row's bin, ascending, from its bits */
    for (size_t s = 0; s < n; s++) {
        uint32_t *idx = c->sidx + s * M, cnt = 0;
        for (size_t w = 0; w < W; w++)
            for (uint64_t b = c->hbits[w * c->bcap + s]; b; b &= b - 1)
                idx[cnt++] = (uint32_t)(w * 64 + xpl__lime_ctz64(b));
        c->cnt[s] = cnt;
    }
}

static void sample_block(const xpl_lime *l, row_ctx *c, const double *x,
                         lanes_rng *r, size_t n)
{
    sample_block_body(l, c, x, r, n);
}

#if XPL__LIME_HAVE_VEC && (defined(__x86_64__) || defined(__i386__))
/* The same code for AVX2 (one instruction per 4 lanes instead of two),
 * and for AVX-512VL (still 4 lanes, but 32 registers and mask registers
 * for the compares and blends: about 10 % faster again), chosen at run
 * time. Contraction stays off (ISO C mode for GCC; the pragma at the top
 * for clang), so no clone fuses a multiply and an add that another
 * rounds twice: every build gives the same bits. */
__attribute__((target("avx2"))) static void
sample_block_avx2(const xpl_lime *l, row_ctx *c, const double *x,
                  lanes_rng *r, size_t n)
{
    sample_block_body(l, c, x, r, n);
}

__attribute__((target("avx512f,avx512vl,avx512dq"))) static void
sample_block_avx512(const xpl_lime *l, row_ctx *c, const double *x,
                    lanes_rng *r, size_t n)
{
    sample_block_body(l, c, x, r, n);
}
#define XPL__LIME_CLONES 1
#endif

/* A build of the sampler, or NULL if this CPU or compiler lacks it. */
static sample_fn sampler_build(int build)
{
    switch (build) {
    case XPL__LIME_BUILD_BASE:
        return sample_block;
#ifdef XPL__LIME_CLONES
    case XPL__LIME_BUILD_AVX2:
        return __builtin_cpu_supports("avx2") ? sample_block_avx2 : NULL;
    case XPL__LIME_BUILD_AVX512:
        return __builtin_cpu_supports("avx512vl") &&
                       __builtin_cpu_supports("avx512dq")
                   ? sample_block_avx512
                   : NULL;
#endif
    default:
        return NULL;
    }
}

sample_fn xpl__lime_pick_sampler(void)
{
    for (int b = XPL__LIME_BUILD_AVX512; b > XPL__LIME_BUILD_BASE; b--)
        if (sampler_build(b))
            return sampler_build(b);
    return sample_block;
}

int xpl__lime_use_build(xpl_lime *l, int build)
{
    sample_fn f = sampler_build(build);
    if (!f)
        return 0;
    l->sample = f;
    return 1;
}

