/* Horizontal bars from a zero line: labels in a column on the left, the
 * value printed past each bar's end, an x axis below. Space for the value
 * texts is reserved on both sides before the data is scaled, so that no
 * text can leave the canvas or reach the labels. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"
#include "render/svg_chart.h"

enum { MIN_PAD = 28 }; /* half of the widest tick label, with room */

static double value_width(const char *s)
{
    return xpl__text_width(s, strlen(s), XPL__SVG_VALUE_PX, 0);
}

static void bar_text(char *buf, const xpl__hbar_spec *s, double v)
{
    xpl__svg_num(buf, v, !s->unsigned_values);
}

double xpl__svg_label_column(const xpl__hbar *bars, size_t n)
{
    double w = 40;
    for (size_t i = 0; i < n; i++) {
        double lw = xpl__svg_label_width(&bars[i].label);
        if (lw > w)
            w = lw;
    }
    return w > XPL__SVG_LABEL_MAX ? XPL__SVG_LABEL_MAX : w;
}

double xpl__svg_hbars(FILE *fp, const xpl__hbar_spec *s)
{
    double y = xpl__svg_heading(fp, s->heading, s->subtitle) + 4;
    double label_w = xpl__svg_label_column(s->bars, s->n);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double px1 = XPL__SVG_WIDTH - XPL__SVG_MARGIN;
    double lo = 0, hi = 0, pad_l = MIN_PAD, pad_r = MIN_PAD;
    char buf[XPL__NUM_SIZE];
    for (size_t i = 0; i < s->n; i++) {
        double v = s->bars[i].length;
        bar_text(buf, s, v);
        double w = value_width(buf) + 6;
        if (v < 0) {
            pad_l = fmax(pad_l, w);
        } else {
            pad_r = fmax(pad_r, w);
        }
        if (isfinite(v)) {
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    }
    xpl__range_fix(&lo, &hi);
    xpl__scale sc = { lo, hi, px0 + pad_l, px1 - pad_r };
    double y_axis = y + (double)s->n * XPL__SVG_ROW + 6;
    double bottom = xpl__svg_axis(fp, &sc, y, y_axis, s->axis_title);
    double x0 = xpl__scale_x(&sc, 0);
    xpl__svg_line(fp, x0, y, x0, y_axis, XPL__SVG_AXIS);
    for (size_t i = 0; i < s->n; i++) {
        const xpl__hbar *b = &s->bars[i];
        double yc = y + ((double)i + 0.5) * XPL__SVG_ROW;
        double v = b->length;
        const char *fill = s->unsigned_values || v >= 0 ? XPL__SVG_POS
                                                        : XPL__SVG_NEG;
        if (s->unsigned_values)
            fill = XPL__SVG_NEG;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &b->label,
                       label_w,
                       b->other ? XPL__SVG_MUTED : XPL__SVG_INK);
        double xv = isfinite(v) ? xpl__scale_x(&sc, v) : x0;
        if (isfinite(v) && v != 0) {
            fputs("<rect x=\"", fp);
            xpl__svg_coord(fp, fmin(x0, xv));
            fputs("\" y=\"", fp);
            xpl__svg_coord(fp, yc - XPL__SVG_BAR / 2);
            fputs("\" width=\"", fp);
            xpl__svg_coord(fp, fabs(xv - x0));
            fputs("\" height=\"", fp);
            xpl__svg_coord(fp, (int)XPL__SVG_BAR);
            fputs("\" fill=\"", fp);
            fputs(fill, fp);
            fputs(b->other ? "\" fill-opacity=\"0.55\"/>\n" : "\"/>\n", fp);
        }
        bar_text(buf, s, v);
        char attrs[96];
        int left = isfinite(v) && v < 0;
        snprintf(attrs, sizeof attrs,
                 "font-size=\"11\" text-anchor=\"%s\" fill=\"%s\"",
                 left ? "end" : "start",
                 isfinite(v) && v != 0 ? fill : XPL__SVG_MUTED);
        xpl__svg_text(fp, left ? xv - 4 : xv + 4, yc + 4, attrs, buf, 0,
                      XPL__SVG_VALUE_PX, 0);
    }
    return bottom + 8;
}

static void hbar_values(FILE *fp, const xpl__hbar *bars, size_t n, int plus)
{
    char buf[XPL__NUM_SIZE];
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "; " : "", fp);
        const xpl__label *l = &bars[i].label;
        fprintf(fp, "%s%s%s", l->pre, l->name, l->post);
        xpl__fmt_num(buf, bars[i].length, 3, plus ? XPL__NUM_PLUS : 0);
        fprintf(fp, ": %s", buf);
    }
    fputs(n ? "." : "", fp);
}

char *xpl__hbar_desc(const xpl__hbar *bars, size_t n, int plus,
                     const char *fmt, ...)
{
    char *desc = NULL;
    size_t len = 0;
    FILE *d = open_memstream(&desc, &len);
    if (!d)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(d, fmt, ap);
    va_end(ap);
    hbar_values(d, bars, n, plus);
    if (fclose(d) != 0) {
        free(desc);
        return NULL;
    }
    return desc;
}
