/* The importance accumulator's layout, shared by its text, JSON, CSV and
 * SVG writers. */
#ifndef XPL_RENDER_IMPORTANCE_H
#define XPL_RENDER_IMPORTANCE_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/render.h>

#include "render/svg_chart.h"

struct xpl_importance {
    size_t p, d;            /* features, outputs */
    char **names;           /* p copies */
    char method[32];        /* of the first explanation added */
    uint64_t *rows;         /* d: rows added per output */
    double *sum_abs, *sum;  /* d * p sums of |contribution| and contribution */
    uint64_t *n_finite;     /* d * p finite contributions */
    size_t cap;             /* rows kept per output in the sample */
    size_t *kept, *room;    /* d: rows in the sample, rows allocated */
    float **value, **contrib; /* d samples, rows x p (NULL until used) */
    double **base, **pred;    /* d samples, rows: base value (LIME: the
                                 intercept) and prediction (LIME: the local
                                 model's), for decision and force plots */    /* SHAP interaction values, from the first explanation that has them:
     * d * p * p sums of |value| and counts of finite values (NULL before) */
    double *inter_abs;
    uint64_t *inter_n;
};

/* Mean |contribution| of feature j for output k (NaN without data). */
double xpl__imp_mean_abs(const xpl_importance *imp, size_t k, size_t j);

/* Mean |interaction value| of features i and j for output k (NaN
 * without data or before any interaction values were added). */
double xpl__imp_mean_abs_inter(const xpl_importance *imp, size_t k, size_t i,
                               size_t j);

/* Features of output k ranked by mean |contribution| into idx (p). */
void xpl__imp_rank(const xpl_importance *imp, size_t k, double *scratch,
                   size_t *idx);

/* The same ranking in a new heap array of p indices, most important
 * first; NULL if out of memory (error set). */
size_t *xpl__imp_ranked(const xpl_importance *imp, size_t k);

/* The label lines of a chart with one line per feature, for output k:
 * the top_k features by mean |contribution|, then "other N features" when
 * some are left (its text in `other`: the struct must not move while the
 * lines are used). */
#define XPL__OTHER_SIZE 64
typedef struct xpl__imp_lines {
    size_t *idx;      /* p features, most important first */
    xpl__hbar *lines; /* m lines (room for p + 1) */
    size_t shown, m;  /* features shown; lines: shown + 1 if some are left */
    char other[XPL__OTHER_SIZE];
} xpl__imp_lines;

/* Fill l: XPL_OK or XPL_ENOMEM; release with xpl__imp_lines_free either
 * way. */
int xpl__imp_lines_new(xpl__imp_lines *l, const xpl_importance *imp,
                       size_t k, size_t top_k);
void xpl__imp_lines_free(xpl__imp_lines *l);

/* XPL_OK if some output has rows, else XPL_EINVAL naming fn. */
int xpl__imp_any_rows(const xpl_importance *imp, const char *fn);

/* Chart writers (arg: struct xpl__imp_chart). */
typedef struct xpl__imp_chart {
    const xpl_importance *imp;
    size_t output;
    const xpl_render_options *opts;
} xpl__imp_chart;

int xpl__chart_importance_bar(FILE *fp, const void *arg, size_t id,
                              xpl__chart *info);
int xpl__chart_beeswarm(FILE *fp, const void *arg, size_t id, xpl__chart *info);
int xpl__chart_dependence(FILE *fp, const void *arg, size_t id,
                          xpl__chart *info);
int xpl__chart_decision(FILE *fp, const void *arg, size_t id,
                        xpl__chart *info);
int xpl__chart_heatmap(FILE *fp, const void *arg, size_t id, xpl__chart *info);
int xpl__chart_force_rows(FILE *fp, const void *arg, size_t id,
                          xpl__chart *info);
int xpl__chart_stacked(FILE *fp, const void *arg, size_t id, xpl__chart *info);
int xpl__chart_interactions(FILE *fp, const void *arg, size_t id,
                            xpl__chart *info);

/* The feature that interacts most with feature f in output k's sample, by
 * shap's approximate_interactions heuristic; p if none correlates. */
size_t xpl__strongest_interaction(const xpl_importance *imp, size_t k,
                                  size_t f, int *rc);

#endif
