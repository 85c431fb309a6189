/* What the LIME explainer's files share: the object (built in lime.c), the
 * per-row memory (laid out in lime_row.c) and the sampler's types
 * (lime_sample.c). */
#ifndef XPL_EXPLAINERS_LIME_OBJECT_H
#define XPL_EXPLAINERS_LIME_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/lime.h>

#include "explainers/lime/lime_internal.h"
#include "explainers/lime/lime_normal.h"
#include "explainers/lime/lime_random.h"
#include "explainers/lime/lime_vec.h"

/* One row's buffers, carved from the workspace (lime_row.c). */
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

/* The sampler build for this CPU (lime_sample.c). */
sample_fn xpl__lime_pick_sampler(void);

#endif
