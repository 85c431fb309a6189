/* SVG primitives shared by the charts: text measurement for a generic
 * sans-serif, XML escaping, coordinates, ticks, and the layout pieces every
 * chart has (heading, label column, x axis). */
#ifndef XPL_RENDER_SVG_H
#define XPL_RENDER_SVG_H

#include <stddef.h>
#include <stdio.h>
#include <xplain/render.h>

#include "render/label.h"

/* Geometry of every chart, in px (user units of the viewBox). */
#define XPL__SVG_WIDTH 720.0
#define XPL__SVG_MARGIN 16.0
#define XPL__SVG_ROW 26.0       /* height of a feature row */
#define XPL__SVG_BAR 18.0       /* thickness of a bar within a row */
#define XPL__SVG_LABEL_PX 12.0  /* font sizes */
#define XPL__SVG_VALUE_PX 11.0
#define XPL__SVG_TICK_PX 11.0
#define XPL__SVG_TITLE_PX 15.0
#define XPL__SVG_SUB_PX 12.0
#define XPL__SVG_LABEL_MAX 300.0 /* widest label column */

/* shap's colours: red for contributions that raise the output, blue for
 * those that lower it. */
#define XPL__SVG_POS "#ff0051"
#define XPL__SVG_NEG "#008bfb"
#define XPL__SVG_INK "#333333"
#define XPL__SVG_MUTED "#666666"
#define XPL__SVG_GRID "#e6e6e6"
#define XPL__SVG_AXIS "#999999"

/* Estimated advance width of the first `len` bytes of UTF-8 text at font
 * size px (bold: 1), from the larger of Helvetica's and DejaVu Sans'
 * metrics per character: an overestimate, so text never runs past what it
 * was measured for. Invalid bytes count as U+FFFD. */
double xpl__text_width(const char *s, size_t len, double px, int bold);

/* Bytes of s to draw within max_px: strlen(s) if all fits (*cut = 0), else
 * a prefix ending on a character boundary that leaves room for an ellipsis
 * (*cut = 1). */
size_t xpl__text_fit(const char *s, double max_px, double px, int bold,
                     int *cut);

/* len bytes of s as XML character data: & < > " escaped, invalid UTF-8 and
 * characters XML forbids replaced by U+FFFD. */
void xpl__xml_escape(FILE *fp, const char *s, size_t len);

/* <text x y ATTRS>s</text>, s cut with an ellipsis to max_px (0: no
 * limit). attrs is inserted verbatim (font-size, anchor, fill...). */
void xpl__svg_text(FILE *fp, double x, double y, const char *attrs,
                   const char *s, double max_px, double px, int bold);

/* Print a coordinate attribute value (see xpl__fmt_coord). */
void xpl__svg_coord(FILE *fp, double v);

/* A line segment. */
void xpl__svg_line(FILE *fp, double x1, double y1, double x2, double y2,
                   const char *stroke);

/* A label (render/label.h) right-aligned at x_right and shortened to
 * max_px in the middle of its name, keeping its distinct part and the
 * fixed text around the name; the whole label is its <title> (tooltip). */
void xpl__svg_label(FILE *fp, double x_right, double y, const xpl__label *l,
                    double max_px, const char *fill);

/* Width needed by xpl__svg_label for the full label. */
double xpl__svg_label_width(const xpl__label *l);

/* Linear map of data values to x. */
typedef struct xpl__scale {
    double lo, hi; /* data range, lo < hi */
    double x0, x1; /* its pixels */
} xpl__scale;

double xpl__scale_x(const xpl__scale *s, double v);

/* Make [lo, hi] usable for a scale: finite and non-empty (all-zero data
 * gives [0, 1]; a single value v gives a range around it). */
void xpl__range_fix(double *lo, double *hi);

/* Heading and subtitle at the top of a chart; returns the y where the
 * chart's body starts. */
double xpl__svg_heading(FILE *fp, const char *heading, const char *subtitle);

/* Grid lines from y_top down to the axis at y_axis, the axis line, ticks
 * with labels chosen by xpl__nice_ticks, and the axis title (NULL: none)
 * centred under the plot. Returns the y of the chart's bottom edge. */
double xpl__svg_axis(FILE *fp, const xpl__scale *s, double y_top,
                     double y_axis, const char *title);

/* Ticks at multiples of 1, 2 or 5 x 10^k inside [lo, hi], at most
 * max_ticks of them (>= 2): first tick and step. Returns the count. */
size_t xpl__nice_ticks(double lo, double hi, size_t max_ticks, double *first,
                       double *step);

/* A value formatted for a chart (3 significant digits, U+2212 minus); with
 * plus: "+" on positive numbers. */
void xpl__svg_num(char *buf, double v, int plus);

#endif
