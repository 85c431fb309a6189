/* Charts and the document that stacks them. A chart writes its elements to
 * a stream with y = 0 at its own top, and reports its height, title and
 * description; the document places it and writes the SVG around it. */
#ifndef XPL_RENDER_SVG_CHART_H
#define XPL_RENDER_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>
#include <xplain/render.h>

#include "render/label.h"
#include "render/number.h"

typedef struct xpl__chart {
    char *title;   /* heap, plain UTF-8 (escaped when written) */
    char *desc;    /* heap, plain UTF-8 */
    double height;
} xpl__chart;

/* Draw one chart. `id` is unique in the document (for element ids). */
typedef int (*xpl__chart_fn)(FILE *fp, const void *arg, size_t id,
                             xpl__chart *info);

/* A document; `what` names one chart in the description of a document of
 * several ("explained row and output", "model output"). */
int xpl__svg_new(xpl_svg **out, const xpl_render_options *opts,
                 const char *what);

/* Draw a chart with fn(arg) and append it below the others. */
int xpl__svg_add(xpl_svg *svg, xpl__chart_fn fn, const void *arg);

/* The document's copy of the options. */
const xpl_render_options *xpl__svg_options(const xpl_svg *svg);

/* Horizontal bars with labels, values at the bar ends and an x axis: the
 * per-row bar chart and the importance bar chart. */
typedef struct xpl__hbar {
    xpl__label label;             /* first: see xpl__label_differ */
    double length;                /* signed; NaN draws no bar */
    int other;                    /* the summed rest: drawn lighter */
} xpl__hbar;

/* Per-row charts: arg is a const xpl__row_chart *: the explanation, the
 * document's options and the bars the chart draws (xpl__row_bars, made
 * once by the caller for whichever chart the options ask for). */
typedef struct xpl__row_chart {
    const xpl_explanation *e;
    const xpl_render_options *opts;
    const xpl__hbar *bars;
    size_t n;
} xpl__row_chart;

int xpl__chart_bar(FILE *fp, const void *arg, size_t id, xpl__chart *info);
int xpl__chart_waterfall(FILE *fp, const void *arg, size_t id,
                         xpl__chart *info);
int xpl__chart_force(FILE *fp, const void *arg, size_t id, xpl__chart *info);


typedef struct xpl__hbar_spec {
    const char *heading, *subtitle, *axis_title;
    const xpl__hbar *bars;
    size_t n;
    int unsigned_values;          /* importance: one colour, no '+' */
} xpl__hbar_spec;

/* Width of the label column for these bars (at most XPL__SVG_LABEL_MAX). */
double xpl__svg_label_column(const xpl__hbar *bars, size_t n);

/* Returns the chart's height. */
double xpl__svg_hbars(FILE *fp, const xpl__hbar_spec *s);

/* A chart's description (its <desc>): the opening sentence, printf-style,
 * then the bars read out ("label: +1.23; ...", with the sign when plus).
 * A heap string, or NULL if memory ran out (the chart goes without). */
char *xpl__hbar_desc(const xpl__hbar *bars, size_t n, int plus,
                     const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The bars of a per-row chart: shown features, then "other N features"
 * (its name in *other_name). The caller frees *out and *other_name. */
int xpl__row_bars(const xpl_explanation *e, const xpl_render_options *o,
                  xpl__hbar **out, size_t *n_out, char **other_name);

/* Heap copy of a formatted string (NULL on failure). */
char *xpl__strdupf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Heading and subtitle of a per-row chart (kind: "Feature contributions"
 * or "Waterfall") written into the buffers. */
void xpl__row_heading(const xpl_explanation *e, const xpl_render_options *o,
                      const char *kind, char *heading, size_t hsize,
                      char *subtitle, size_t ssize);

#endif
