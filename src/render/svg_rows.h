/* Pieces shared by the charts over many rows (force over rows, decision,
 * heatmap, dependence, stacked importance): colour scales, a y axis, the
 * colour bar legend, and the order in which sampled rows are drawn. */
#ifndef XPL_RENDER_SVG_ROWS_H
#define XPL_RENDER_SVG_ROWS_H

#include <stddef.h>
#include <stdio.h>

#include "render/importance.h"
#include "render/svg.h"

/* Rows drawn at most by the charts with one mark per row and feature. */
#define XPL__ROWS_MAX 500

/* shap's blue (t = 0) through purple to red (t = 1) as "#rrggbb"; NaN or
 * out-of-range t is clamped. */
void xpl__color_scale(double t, char out[8]);

/* Diverging: blue (t = -1), white (0), red (+1). */
void xpl__color_diverging(double t, char out[8]);

/* One of 10 distinct colours for category k (outputs in stacked bars). */
const char *xpl__color_category(size_t k);

/* A y axis at x (ticks and labels to its left, grid lines to x_grid_end):
 * s maps data to y with x0 = the bottom pixel and x1 = the top one. The
 * title (NULL: none) is drawn rotated at x_title. Returns the width the
 * labels take left of x. */
void xpl__svg_yaxis(FILE *fp, const xpl__scale *s, double x, double x_grid_end,
                    const char *title, double x_title);

/* Width the labels of xpl__svg_yaxis need for this scale. */
double xpl__svg_yaxis_width(const xpl__scale *s);

/* A vertical colour bar at x from top to bottom (low at the bottom), the
 * scale of xpl__color_scale, labelled low_label / high_label and with a
 * rotated title; diverging: the scale of xpl__color_diverging instead.
 * `id` makes the gradient's id unique. */
void xpl__svg_colorbar(FILE *fp, size_t id, double x, double top,
                       double bottom, const char *low_label,
                       const char *high_label, const char *title,
                       int diverging);

/* Width the colour bar and its labels take right of x. Its end labels,
 * centred over the bar, reach up to 30 px left of x: a plot beside it
 * ends XPL__COLORBAR_GAP left of x. */
#define XPL__COLORBAR_W 56.0
#define XPL__COLORBAR_GAP 34.0

/* Order of at most max sampled rows of output k into order[]: by the
 * prediction when by_output, else by similarity of the contributions (a
 * nearest-neighbour chain from the row of lowest prediction), which puts
 * rows explained alike next to each other as shap's clustering order does.
 * Returns the count. XPL_ENOMEM is reported as 0 rows with *rc set. */
size_t xpl__rows_order(const xpl_importance *imp, size_t k, size_t max,
                       int by_output, size_t *order, int *rc);

/* Index of the feature called name (exact match), or imp->p. */
size_t xpl__feature_index(const xpl_importance *imp, const char *name);

/* Text under a chart title: "<what><, output>" and its subtitle with the
 * method, the unit and the number of rows; shared by the charts over rows. */
void xpl__rows_heading(const xpl__imp_chart *c, const char *kind,
                       size_t rows_drawn, char *heading, size_t hsize,
                       char *subtitle, size_t ssize);

#endif
