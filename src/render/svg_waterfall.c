/* The waterfall of one explanation, as shap draws it: starting from the
 * base value at the bottom, each feature's arrow starts where the one below
 * it ended, so the top arrow ends at the prediction. For LIME the path runs
 * from the intercept to the local model's prediction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/svg.h"
#include "render/svg_chart.h"

enum { MIN_PAD = 28, TIP = 6 };

static double width11(const char *s)
{
    return xpl__text_width(s, strlen(s), XPL__SVG_VALUE_PX, 0);
}

static void dashed(FILE *fp, double x, double y1, double y2)
{
    fputs("<line x1=\"", fp);
    xpl__svg_coord(fp, x);
    fputs("\" y1=\"", fp);
    xpl__svg_coord(fp, y1);
    fputs("\" x2=\"", fp);
    xpl__svg_coord(fp, x);
    fputs("\" y2=\"", fp);
    xpl__svg_coord(fp, y2);
    fputs("\" stroke=\"" XPL__SVG_MUTED "\" stroke-dasharray=\"3,3\"/>\n",
          fp);
}

/* A text centred at x but kept inside [x0, x1]. */
static void marker(FILE *fp, double x, double y, const char *s, double x0,
                   double x1)
{
    double half = width11(s) / 2;
    if (x - half < x0)
        x = x0 + half;
    if (x + half > x1)
        x = x1 - half;
    xpl__svg_text(fp, x, y, "font-size=\"11\" text-anchor=\"middle\" fill=\""
                  XPL__SVG_INK "\"", s, x1 - x0, XPL__SVG_VALUE_PX, 0);
}

/* An arrow from xs to xe (pointing at xe), centred on yc. */
static void arrow(FILE *fp, double xs, double xe, double yc, const char *fill,
                  double opacity)
{
    double h = XPL__SVG_BAR / 2, dir = xe >= xs ? 1 : -1;
    double tip = fmin(TIP, fabs(xe - xs));
    double xb = xe - dir * tip;
    double pts[10] = { xs, yc - h, xb, yc - h, xe, yc, xb, yc + h, xs, yc + h };
    fputs("<polygon points=\"", fp);
    for (int k = 0; k < 10; k += 2) {
        if (k)
            fputc(' ', fp);
        xpl__svg_coord(fp, pts[k]);
        fputc(',', fp);
        xpl__svg_coord(fp, pts[k + 1]);
    }
    fprintf(fp, "\" fill=\"%s\"", fill);
    if (opacity < 1)
        fputs(" fill-opacity=\"0.55\"", fp);
    fputs("/>\n", fp);
}

int xpl__chart_waterfall(FILE *fp, const void *arg, size_t id,
                         xpl__chart *info)
{
    const xpl__row_chart *rc = arg;
    const xpl_explanation *e = rc->e;
    int lime = xpl__is_lime(e);
    const xpl__hbar *bars = rc->bars;
    size_t n = rc->n;
    double *start = xpl__malloc_array(n + 1, sizeof *start);
    if (!start)
        return xpl__enomem();
    /* Path from the bottom row up; NaN contributions move nothing. */
    double base = lime ? e->intercept : e->base_value;
    if (!isfinite(base))
        base = 0;
    double at = base, lo = base, hi = base;
    for (size_t i = n; i-- > 0;) {
        start[i] = at;
        if (isfinite(bars[i].length))
            at += bars[i].length;
        lo = fmin(lo, at);
        hi = fmax(hi, at);
    }
    double end = at;
    xpl__range_fix(&lo, &hi);

    char heading[512], subtitle[512], buf[XPL__NUM_SIZE];
    xpl__row_heading(e, rc->opts, "Waterfall", heading, sizeof heading,
                     subtitle, sizeof subtitle);
    double y = xpl__svg_heading(fp, heading, subtitle);
    double y_top_marker = y + 10;
    y += 20;
    double label_w = xpl__svg_label_column(bars, n);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double px1 = XPL__SVG_WIDTH - XPL__SVG_MARGIN;
    double pad = MIN_PAD;
    for (size_t i = 0; i < n; i++) {
        xpl__svg_num(buf, bars[i].length, 1);
        pad = fmax(pad, width11(buf) + 8);
    }
    xpl__scale sc = { lo, hi, px0 + pad, px1 - pad };
    double y_axis = y + (double)n * XPL__SVG_ROW + 6;
    xpl__svg_axis(fp, &sc, y, y_axis, NULL);

    char label[128], num[XPL__NUM_SIZE];
    xpl__svg_num(num, lime ? e->local_prediction : e->prediction, 0);
    snprintf(label, sizeof label, "%s %s",
             lime ? "local prediction" : "prediction", num);
    double x_end = xpl__scale_x(&sc, end);
    marker(fp, x_end, y_top_marker, label, px0, px1);
    dashed(fp, x_end, y_top_marker + 4, y + (XPL__SVG_ROW - XPL__SVG_BAR) / 2);
    double x_base = xpl__scale_x(&sc, base);
    dashed(fp, x_base, y + (double)n * XPL__SVG_ROW -
                           (XPL__SVG_ROW - XPL__SVG_BAR) / 2, y_axis);
    xpl__svg_num(num, base, 0);
    snprintf(label, sizeof label, "%s %s", lime ? "intercept" : "base value",
             num);
    marker(fp, x_base, y_axis + 36, label, px0, px1);

    for (size_t i = 0; i < n; i++) {
        double yc = y + ((double)i + 0.5) * XPL__SVG_ROW;
        double v = bars[i].length;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &bars[i].label,
                       label_w,
                       bars[i].other ? XPL__SVG_MUTED : XPL__SVG_INK);
        double xs = xpl__scale_x(&sc, start[i]);
        double xe = isfinite(v) ? xpl__scale_x(&sc, start[i] + v) : xs;
        const char *fill = v < 0 ? XPL__SVG_NEG : XPL__SVG_POS;
        if (i > 0) /* connector to the arrow above, which starts at xe */
            dashed(fp, xe, yc - XPL__SVG_ROW + XPL__SVG_BAR / 2,
                   yc - XPL__SVG_BAR / 2);
        if (isfinite(v) && xe != xs)
            arrow(fp, xs, xe, yc, fill, bars[i].other ? 0.55 : 1);
        xpl__svg_num(buf, v, 1);
        double tw = width11(buf);
        char attrs[96];
        if (isfinite(v) && fabs(xe - xs) - TIP >= tw + 8) {
            double mid = (xs + xe) / 2 - (v < 0 ? -1 : 1) * TIP / 2;
            xpl__svg_text(fp, mid, yc + 4, "font-size=\"11\" "
                          "text-anchor=\"middle\" fill=\"#ffffff\"", buf, 0,
                          XPL__SVG_VALUE_PX, 0);
        } else {
            int left = isfinite(v) && v < 0;
            snprintf(attrs, sizeof attrs,
                     "font-size=\"11\" text-anchor=\"%s\" fill=\"%s\"",
                     left ? "end" : "start",
                     isfinite(v) && v != 0 ? fill : XPL__SVG_MUTED);
            xpl__svg_text(fp, left ? xe - 4 : xe + 4, yc + 4, attrs, buf, 0,
                          XPL__SVG_VALUE_PX, 0);
        }
    }
    info->height = y_axis + 46 + 8;
    info->title = xpl__strdupf("%s", heading);
    char out[280];
    xpl__output_suffix(rc->opts, e->output, e->n_outputs, out, sizeof out);
    info->desc = xpl__hbar_desc(
        bars, n, 1, "Waterfall chart of row %zu%s (%s): from the %s at the "
        "bottom, each feature's contribution moves the output, up to the %s "
        "at the top. ", e->row, out, subtitle,
        lime ? "intercept" : "base value",
        lime ? "local prediction" : "prediction");
    free(start);
    (void)id;
    return XPL_OK;
}
