/* LIME tabular: the explainer object, per-row sampling in bounded blocks
 * through the model's adapter, the kernel, and the surrogate per run
 * (lime_train.c summarises the training data, lime_fit.c fits). */

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

#include "core/arena.h"
#include "core/error.h"
#include "core/workspace.h"
#include "explainers/lime/lime_internal.h"
#include "explainers/lime/lime_normal.h"
#include "explainers/lime/lime_random.h"
#include "explainers/lime/lime_vec.h"
#include "models/model_internal.h"
#include "explainers/new_args.h"

/* Sampled rows per predict call. */
enum { BLOCK_ROWS = 256 };

/* What sampling reads of a bin, in one cache line. A point bin gets a
 * harmless probability (1/4) and std 0, so that it yields its value
 * without a branch. */
typedef struct draw_bin {
    double cum, c0, pa, slope; /* bin and probability: see xpl__lime_bin */
    double mean, std, lo, hi;  /* value = clamp(mean + std z, lo, hi) */
} draw_bin;

/* The generator's lanes (lime_vec.h); without GNU C vectors, four scalar
 * streams giving the same numbers. */
#if XPL__LIME_HAVE_VEC
typedef xpl__lime_rng4 lanes_rng;
#else
typedef struct lanes_rng {
    xpl__lime_rng lane[XPL__LIME_LANES];
} lanes_rng;
#endif

struct row_ctx;
/* Draws a block of samples (one of two builds of the same code). */
typedef void (*sample_fn)(const xpl_lime *l, struct row_ctx *c,
                          const double *x, lanes_rng *r, size_t n);

struct xpl_lime {
    const xpl_model *model;
    xpl_lime_options opts;   /* defaults resolved; categorical is ours */
    size_t *categorical;
    size_t P, D;
    xpl_output output;
    int n_classes;           /* classes (or outputs) to choose from */
    int binary_single;       /* one probability p stands for (1 - p, p) */
    int auto_argmax;         /* auto class = the row's predicted class */
    double inv_w2;           /* 1 / kernel_width^2 */
    double *wtab;            /* binary: the kernel weight of a sample
                                with d features out of the row's bins */
    int binary;              /* every feature's representation is 0/1 */
    xpl__lime_train t;
    draw_bin *draw;          /* parallel to t.bins */
    unsigned char *all_point;/* per feature: every bin is a point */
    xpl__lime_zig zig;
    xpl__lime_qtable qt;
    sample_fn sample;        /* the build for this CPU */
};

static sample_fn pick_sampler(void);

/* --------------------------------------------------------- construction */

static int check_options(const xpl_lime_options *o, const xpl_model *m)
{
    size_t P = m->n_features;
    if (P > XPL_LIME_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "LIME: the model has %zu features; at "
                          "most %zu are supported", P, XPL_LIME_MAX_FEATURES);
    if (o->version != XPL_LIME_OPTIONS_VERSION)
        return xpl__error(XPL_EINVAL, "LIME options: version %u is not "
                          "supported (expected %u: initialise with "
                          "XPL_LIME_OPTIONS_INIT)", o->version,
                          XPL_LIME_OPTIONS_VERSION);
    if (o->num_samples < 2)
        return xpl__error(XPL_EINVAL, "LIME: num_samples must be at least 2, "
                          "not %zu", o->num_samples);
    if (o->num_samples > XPL_LIME_MAX_SAMPLES)
        return xpl__error(XPL_ELIMIT, "LIME: num_samples %zu exceeds the "
                          "limit of %zu", o->num_samples,
                          XPL_LIME_MAX_SAMPLES);
    if (o->num_features > P)
        return xpl__error(XPL_EINVAL, "LIME: num_features %zu exceeds the "
                          "model's %zu features", o->num_features, P);
    if (!(o->kernel_width >= 0) || isinf(o->kernel_width))
        return xpl__error(XPL_EINVAL, "LIME: the kernel width must be a "
                          "finite number > 0 (or 0 for the default), not %g",
                          o->kernel_width);
    if (o->discretizer != XPL_LIME_QUARTILE &&
        o->discretizer != XPL_LIME_DECILE && o->discretizer != XPL_LIME_NONE)
        return xpl__error(XPL_EINVAL, "LIME: unknown discretizer %d",
                          (int)o->discretizer);
    if ((unsigned)o->feature_selection > (unsigned)XPL_LIME_SELECT_NONE)
        return xpl__error(XPL_EINVAL, "LIME: unknown feature selection %d",
                          (int)o->feature_selection);
    if (o->n_categorical > 0 && !o->categorical)
        return xpl__error(XPL_EINVAL, "LIME: n_categorical is %zu but "
                          "categorical is NULL", o->n_categorical);
    for (size_t i = 0; i < o->n_categorical; i++) {
        if (o->categorical[i] >= P)
            return xpl__error(XPL_EINVAL, "LIME: categorical feature index "
                              "%zu is out of range (%zu features)",
                              o->categorical[i], P);
        for (size_t k = 0; k < i; k++)
            if (o->categorical[k] == o->categorical[i])
                return xpl__error(XPL_EINVAL, "LIME: categorical feature "
                                  "index %zu is listed twice",
                                  o->categorical[i]);
    }
    if (o->model_output != XPL_LIME_AUTO &&
        o->model_output != XPL_OUTPUT_RAW &&
        o->model_output != XPL_OUTPUT_PROBABILITY &&
        o->model_output != XPL_OUTPUT_RESPONSE)
        return xpl__error(XPL_EINVAL, "LIME: unknown model output %d",
                          o->model_output);
    if (o->model_output == XPL_OUTPUT_PROBABILITY &&
        !xpl_model_is_classifier(m))
        return xpl__error(XPL_EINVAL, "LIME: probability output needs a "
                          "classifier; this model's link is %s",
                          xpl_link_name(m->link));
    if (o->class_index < XPL_LIME_AUTO)
        return xpl__error(XPL_EINVAL, "LIME: class_index must be >= 0 or "
                          "XPL_LIME_AUTO, not %d", o->class_index);
    if (o->repeats < 1)
        return xpl__error(XPL_EINVAL, "LIME: repeats must be at least 1");
    if (o->repeats > XPL_LIME_MAX_REPEATS)
        return xpl__error(XPL_ELIMIT, "LIME: repeats %u exceeds the limit of "
                          "%u", o->repeats, XPL_LIME_MAX_REPEATS);
    if (o->sample_around_instance != 0 && o->sample_around_instance != 1)
        return xpl__error(XPL_EINVAL, "LIME: sample_around_instance must be "
                          "0 or 1");
    if (o->label_decimals < 0 || o->label_decimals > 17)
        return xpl__error(XPL_EINVAL, "LIME: label_decimals must be in 0..17, "
                          "not %d", o->label_decimals);
    return XPL_OK;
}

void xpl_lime_free(xpl_lime *lime)
{
    if (!lime)
        return;
    xpl__lime_train_free(&lime->t);
    free(lime->wtab);
    free(lime->draw);
    free(lime->all_point);
    free(lime->categorical);
    free(lime);
}

int xpl_lime_new(xpl_lime **out, const xpl_model *m,
                 const xpl_dataset *training, const xpl_lime_options *opts)
{
    XPL__EXPLAINER_NEW_ARGS("xpl_lime_new", out, m);
    xpl_lime_options defaults = XPL_LIME_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    int rc = check_options(opts, m);
    if (rc)
        return rc;
    size_t P = m->n_features, D = m->n_outputs;
    xpl_output output = opts->model_output == XPL_LIME_AUTO
                            ? (xpl_model_is_classifier(m)
                                   ? XPL_OUTPUT_PROBABILITY
                                   : XPL_OUTPUT_RAW)
                            : (xpl_output)opts->model_output;
    int binary_single = output == XPL_OUTPUT_PROBABILITY && D == 1;
    int n_classes = binary_single ? 2 : (int)D;
    if (opts->class_index >= n_classes)
        return xpl__error(XPL_EINVAL, "LIME: class %d is out of range (the "
                          "explained output has %d %s)", opts->class_index,
                          n_classes,
                          output == XPL_OUTPUT_PROBABILITY ? "classes"
                                                           : "outputs");
    int classifier = xpl_model_is_classifier(m);

    xpl_lime *l = calloc(1, sizeof *l);
    if (!l)
        return xpl__enomem();
    l->model = m;
    l->opts = *opts;
    l->P = P;
    l->D = D;
    l->output = output;
    l->n_classes = n_classes;
    l->binary_single = binary_single;
    l->auto_argmax = classifier && n_classes > 2;
    unsigned char *is_cat = xpl__calloc_array(P, 1);
    l->categorical = xpl__malloc_array(opts->n_categorical + 1,
                                       sizeof *l->categorical);
    if (!is_cat || !l->categorical) {
        free(is_cat);
        xpl_lime_free(l);
        return xpl__enomem();
    }
    for (size_t i = 0; i < opts->n_categorical; i++) {
        l->categorical[i] = opts->categorical[i];
        is_cat[opts->categorical[i]] = 1;
    }
    l->opts.categorical = opts->n_categorical ? l->categorical : NULL;
    if (l->opts.num_features == 0)
        l->opts.num_features = P < 10 ? P : 10;
    if (l->opts.kernel_width == 0)
        l->opts.kernel_width = 0.75 * sqrt((double)P);
    l->inv_w2 = 1 / (l->opts.kernel_width * l->opts.kernel_width);
    xpl__lime_zig_init(&l->zig);
    xpl__lime_qtable_init(&l->qt);
    l->sample = pick_sampler();
    rc = xpl__lime_train_build(&l->t, m, training, is_cat, opts->discretizer);
    free(is_cat);
    if (rc) {
        xpl_lime_free(l);
        return rc;
    }
    l->binary = 1;
    for (size_t j = 0; j < P; j++)
        l->binary &= l->t.f[j].kind != XPL__LIME_ZSCORE;
    l->wtab = xpl__malloc_array(P + 1, sizeof *l->wtab);
    if (!l->wtab) {
        xpl_lime_free(l);
        return xpl__enomem();
    }
    for (size_t d = 0; d <= P; d++)
        l->wtab[d] = sqrt(exp(-(double)d * l->inv_w2));
    size_t nbins = 0;
    for (size_t j = 0; j < P; j++)
        if (l->t.f[j].kind != XPL__LIME_ZSCORE &&
            l->t.f[j].first + l->t.f[j].n_bins > nbins)
            nbins = l->t.f[j].first + l->t.f[j].n_bins;
    l->draw = xpl__malloc_array(nbins + 1, sizeof *l->draw);
    l->all_point = xpl__calloc_array(P, 1);
    if (!l->draw || !l->all_point) {
        xpl_lime_free(l);
        return xpl__enomem();
    }
    for (size_t j = 0; j < P; j++) {
        const xpl__lime_feature *f = &l->t.f[j];
        if (f->kind == XPL__LIME_ZSCORE)
            continue;
        l->all_point[j] = 1;
        for (size_t q = f->first; q < f->first + f->n_bins; q++) {
            const xpl__lime_bin *b = &l->t.bins[q];
            draw_bin *d = &l->draw[q];
            d->cum = b->cum;
            d->c0 = b->c0;
            if (b->point) {
                d->pa = 0.25;
                d->slope = 0;
                d->mean = d->lo = d->hi = b->value;
                d->std = 0;
            } else {
                d->pa = b->pa;
                d->slope = b->slope;
                d->mean = b->mean;
                d->std = b->std;
                d->lo = b->lo;
                d->hi = b->hi;
            }
            l->all_point[j] &= b->point != 0;
        }
    }
    *out = l;
    return XPL_OK;
}

size_t xpl_lime_n_features(const xpl_lime *lime)
{
    return lime ? lime->P : 0;
}

const xpl_lime_options *xpl_lime_options_used(const xpl_lime *lime)
{
    return lime ? &lime->opts : NULL;
}

/* ------------------------------------------------------------ sampling */

/* -------------------------------------------------------- the row's memory */


typedef struct row_ctx {
    size_t block;
    size_t zstride;        /* M + 1: a representation, then the response */
    double *xb, *yb;       /* block rows (row-major), outputs */
    void *mscratch;
    /* not binary: dense representations with the response (block x
     * zstride), squared distances, kernel weights */
    double *zb, *d2, *wv;
    double *yv;            /* binary, up to 64 features: responses */
    /* binary, more than 64 features: each sample's columns in the row's
     * bin, and their count */
    uint32_t *sidx, *cnt;
    /* binary, while sampling: bit j % 64 of word j / 64 of a sample says
     * that feature j is in the row's bin; word w of sample s at
     * hbits[w * bcap + s], so a group of lanes is contiguous */
    uint64_t *hbits;
    size_t bcap;           /* block + LANES */
    /* one binned column: per sample, non-zero if it fell in the row's
     * bin (block + LANES: the last group of lanes is stored whole) */
    int64_t *hit;
    double *z0;            /* the row's representation */
    size_t *b0;            /* the row's bin (category) per feature */
    uint32_t *idx;         /* M + 1 */
    double *val;           /* M + 1 */
    void *gmem, *fmem;
    uint32_t *sel;         /* M */
    double *coef;          /* M */
    double *wsum, *wsq;    /* M: sums over the runs */
    uint32_t *count;       /* M */
} row_ctx;

static void layout(const xpl_lime *l, row_ctx *c, xpl__arena *a)
{
    size_t P = l->P, D = l->D, M = P, B = c->block;
    const xpl_model *m = l->model;
    c->zstride = M + 1;
    c->bcap = B + XPL__LIME_LANES;
    c->xb = xpl__arena_take(a, B * P * sizeof(double));
    c->yb = xpl__arena_take(a, B * D * sizeof(double));
    if (l->binary) {
        if (M > 64) { /* else the Gram reads hbits */
            c->sidx = xpl__arena_take(a, B * M * sizeof(uint32_t));
            c->cnt = xpl__arena_take(a, B * sizeof(uint32_t));
        }
        c->hbits = xpl__arena_take(a, (M + 63) / 64 * c->bcap *
                                          sizeof(uint64_t));
        c->yv = xpl__arena_take(a, B * sizeof(double));
        c->wv = xpl__arena_take(a, B * sizeof(double));
    } else {
        c->zb = xpl__arena_take(a, B * c->zstride * sizeof(double));
        c->d2 = xpl__arena_take(a, B * sizeof(double));
        c->wv = xpl__arena_take(a, B * sizeof(double));
    }
    c->hit = xpl__arena_take(a, (B + XPL__LIME_LANES) * sizeof(int64_t));
    size_t ms = xpl__model_predict_scratch(m, B);
    c->mscratch = ms ? xpl__arena_take(a, ms) : NULL;
    c->z0 = xpl__arena_take(a, M * sizeof(double));
    c->b0 = xpl__arena_take(a, M * sizeof(size_t));
    c->idx = xpl__arena_take(a, (M + 1) * sizeof(uint32_t));
    c->val = xpl__arena_take(a, (M + 1) * sizeof(double));
    c->gmem = xpl__arena_take(a, xpl__lime_gram_bytes(M));
    c->fmem = xpl__arena_take(a, xpl__lime_fit_bytes(M));
    c->sel = xpl__arena_take(a, M * sizeof(uint32_t));
    c->coef = xpl__arena_take(a, M * sizeof(double));
    c->wsum = xpl__arena_take(a, M * sizeof(double));
    c->wsq = xpl__arena_take(a, M * sizeof(double));
    c->count = xpl__arena_take(a, M * sizeof(uint32_t));
}

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

static sample_fn pick_sampler(void)
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

static int predict(const xpl_lime *l, row_ctx *c, size_t n)
{
    return xpl__model_predict_into(l->model, c->mscratch, c->xb, n, l->output,
                                   c->yb);
}

static double explained(const xpl_lime *l, const double *y, int cls)
{
    if (l->binary_single)
        return cls == 1 ? y[0] : 1 - y[0];
    return y[cls];
}

/* One run: sample, weigh, select, fit. */
static int run_once(const xpl_lime *l, row_ctx *c, const double *x,
                    uint64_t row_index, unsigned run, int cls, double y0,
                    double *intercept, double *score, double *local)
{
    size_t P = l->P, M = P, N = l->opts.num_samples;
    lanes_rng r;
#if XPL__LIME_HAVE_VEC
    xpl__lime_rng4_seed(&r, l->opts.seed, row_index, run);
#else
    uint64_t s[XPL__LIME_LANES][4];
    xpl__lime_seed_lanes(s, l->opts.seed, row_index, run);
    for (int k = 0; k < XPL__LIME_LANES; k++)
        memcpy(r.lane[k].s, s[k], sizeof s[k]);
#endif
    xpl__lime_gram g;
    xpl__lime_gram_init(&g, c->gmem, M);
    /* row 0: the row itself, weight 1, response y0 (the shift) */
    size_t nnz = 0;
    for (size_t j = 0; j < M; j++)
        if (c->z0[j] != 0) {
            c->idx[nnz] = (uint32_t)j;
            c->val[nnz++] = c->z0[j];
        }
    xpl__lime_gram_add(&g, c->idx, c->val, nnz, 0.0, 1.0);
    for (size_t done = 1; done < N;) {
        size_t n = N - done < c->block ? N - done : c->block;
        l->sample(l, c, x, &r, n);
        int rc = predict(l, c, n);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++) {
            double y = explained(l, c->yb + i * l->D, cls);
            if (!isfinite(y))
                return xpl__error(XPL_ENUMERIC, "LIME: the model returned a "
                                  "non-finite value (%g) for a sample", y);
            if (l->binary && M <= 64) {
                /* the row is all ones: d^2 counts the zeros */
                c->yv[i] = y - y0;
                c->wv[i] = l->wtab[M - xpl__lime_popcount64(c->hbits[i])];
            } else if (l->binary) {
                xpl__lime_gram_add_binary(&g, c->sidx + i * M, c->cnt[i],
                                          y - y0, l->wtab[M - c->cnt[i]]);
            } else {
                c->zb[i * c->zstride + M] = y - y0;
                c->wv[i] = sqrt(exp(-c->d2[i] * l->inv_w2));
            }
        }
        if (!l->binary)
            xpl__lime_gram_add_dense(&g, c->zb, n, c->zstride, c->wv);
        else if (M <= 64)
            xpl__lime_gram_add_bits(&g, c->hbits, c->yv, c->wv, n);
        done += n;
    }
    xpl__lime_gram_center(&g);
    size_t k = xpl__lime_select(&g, l->opts.feature_selection,
                                l->opts.num_features, c->z0, c->fmem, c->sel);
    double icpt, r2;
    int rc = xpl__lime_ridge(&g, c->sel, k, 1.0, c->fmem, c->coef, &icpt, &r2);
    if (rc)
        return rc;
    double lp = icpt;
    for (size_t i = 0; i < k; i++)
        lp += c->coef[i] * c->z0[c->sel[i]];
    for (size_t i = 0; i < k; i++) {
        size_t j = c->sel[i];
        c->wsum[j] += c->coef[i];
        c->wsq[j] += c->coef[i] * c->coef[i];
        c->count[j]++;
    }
    *intercept = icpt + y0;
    *score = r2;
    *local = lp + y0;
    return XPL_OK;
}

static double pop_std(double sum, double sq, double n)
{
    double mean = sum / n, v = sq / n - mean * mean;
    return v > 0 ? sqrt(v) : 0;
}

int xpl_lime_explain(const xpl_lime *l, xpl_workspace *ws, const double *x,
                     uint64_t row_index, double *weights,
                     unsigned char *selected, double *weight_std,
                     double *selection_frequency, xpl_lime_summary *summary)
{
    if (!l || !x || !weights)
        return xpl__error(XPL_EINVAL, "xpl_lime_explain: NULL argument");
    size_t P = l->P, M = P, D = l->D;
    for (size_t j = 0; j < P; j++)
        if (isnan(x[j]))
            return xpl__error(XPL_EINVAL, "LIME: feature \"%s\" is missing in "
                              "the row; LIME needs every value",
                              l->model->feature_names[j]);
    row_ctx c;
    memset(&c, 0, sizeof c);
    c.block = l->opts.num_samples - 1 < BLOCK_ROWS ? l->opts.num_samples - 1
                                                   : BLOCK_ROWS;
    xpl__arena a = { NULL, 0 };
    layout(l, &c, &a);
    xpl_workspace *tmp = NULL;
    void *base;
    int rc = xpl__workspace_scratch_for_call(&ws, &tmp, a.used, &base);
    if (rc)
        return rc;
    a.base = base;
    a.used = 0;
    layout(l, &c, &a);

    for (size_t j = 0; j < M; j++) {
        const xpl__lime_feature *f = &l->t.f[j];
        c.b0[j] = xpl__lime_bin_of(&l->t, j, x[j]);
        /* z-scores as the sampler makes them (sample_zscore) */
        c.z0[j] = f->kind == XPL__LIME_ZSCORE
                      ? (x[j] - f->mean) * (1 / f->scale)
                      : 1.0;
        c.wsum[j] = c.wsq[j] = 0;
        c.count[j] = 0;
    }
    /* The model at the row: the prediction, the class, the shift. */
    memcpy(c.xb, x, P * sizeof *x);
    rc = predict(l, &c, 1);
    if (rc)
        goto done;
    int cls = l->opts.class_index;
    if (cls == XPL_LIME_AUTO) {
        cls = l->n_classes == 2 && xpl_model_is_classifier(l->model) ? 1
                                                                     : 0;
        if (l->auto_argmax)
            for (size_t d = 1; d < D; d++)
                if (c.yb[d] > c.yb[cls])
                    cls = (int)d;
    }
    double y0 = explained(l, c.yb, cls);
    if (!isfinite(y0)) {
        rc = xpl__error(XPL_ENUMERIC, "LIME: the model's output for the row "
                        "is not finite (%g)", y0);
        goto done;
    }
    unsigned R = l->opts.repeats;
    double s_i = 0, q_i = 0, s_s = 0, q_s = 0, s_l = 0, q_l = 0;
    for (unsigned run = 0; run < R; run++) {
        double icpt = 0, score = 0, local = 0;
        if ((rc = run_once(l, &c, x, row_index, run, cls, y0, &icpt, &score,
                           &local)))
            goto done;
        s_i += icpt;
        q_i += icpt * icpt;
        s_s += score;
        q_s += score * score;
        s_l += local;
        q_l += local * local;
    }
    size_t n_sel = 0;
    for (size_t j = 0; j < M; j++) {
        weights[j] = c.wsum[j] / R;
        if (c.count[j] == 0)
            weights[j] = 0;
        n_sel += c.count[j] > 0;
        if (selected)
            selected[j] = c.count[j] > 0;
        if (weight_std)
            weight_std[j] = R > 1 ? pop_std(c.wsum[j], c.wsq[j], R) : 0;
        if (selection_frequency)
            selection_frequency[j] = (double)c.count[j] / R;
    }
    if (summary) {
        summary->intercept = s_i / R;
        summary->intercept_std = R > 1 ? pop_std(s_i, q_i, R) : 0;
        summary->score = s_s / R;
        summary->score_std = R > 1 ? pop_std(s_s, q_s, R) : 0;
        summary->local_prediction = s_l / R;
        summary->local_prediction_std = R > 1 ? pop_std(s_l, q_l, R) : 0;
        summary->prediction = y0;
        summary->explained_class = cls;
        summary->explained_output = (int)l->output;
        summary->n_selected = n_sel;
    }
done:
    xpl_workspace_free(tmp);
    return rc;
}

/* --------------------------------------------------------------- labels */

/* Shortest %g text that reads back as v. */
static void shortest(double v, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int xpl_lime_condition(const xpl_lime *l, const double *x, size_t j,
                       char *buf, size_t size)
{
    if (!l || !x)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: NULL argument");
    if (j >= l->P)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: feature %zu is "
                          "out of range (%zu features)", j, l->P);
    if (!buf && size > 0)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: buf is NULL");
    const xpl__lime_feature *f = &l->t.f[j];
    const char *name = l->model->feature_names[j];
    int dec = l->opts.label_decimals, n;
    char tmp[1];
    if (!buf) {
        buf = tmp;
        size = 0;
    }
    if (f->kind == XPL__LIME_BINS) {
        if (isnan(x[j]))
            return xpl__error(XPL_EINVAL, "xpl_lime_condition: feature \"%s\" "
                              "is missing", name);
        const double *e = l->t.edges + f->first_edge;
        size_t b = xpl__lime_bin_of(&l->t, j, x[j]), ne = f->n_bins - 1;
        if (b == 0)
            n = snprintf(buf, size, "%s <= %.*f", name, dec, e[0]);
        else if (b == ne)
            n = snprintf(buf, size, "%s > %.*f", name, dec, e[ne - 1]);
        else
            n = snprintf(buf, size, "%.*f < %s <= %.*f", dec, e[b - 1], name,
                         dec, e[b]);
    } else if (f->kind == XPL__LIME_CATEGORY) {
        char v[40];
        shortest(x[j], v, sizeof v);
        n = snprintf(buf, size, "%s=%s", name, v);
    } else {
        n = snprintf(buf, size, "%s", name);
    }
    if (n < 0)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: cannot format the "
                          "label");
    return n;
}
