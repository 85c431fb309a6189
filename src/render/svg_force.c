/* shap's force plot. For one row: on an axis of the output, the features
 * that raise it (red) push from the left up to the prediction and those
 * that lower it (blue) push from the right down to it, the largest next
 * to the prediction; labels go under the segments in two lanes where they
 * fit, and every segment has its label and value as a tooltip. Over many
 * rows: one column per row, red below and blue above the prediction line,
 * rows ordered by similarity or by prediction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define BAND_H 24.0
#define TIP 5.0
#define LABEL_MAX 230.0
#define LANES 2

static void segment(FILE *fp, double x0, double x1, double yc, int pos,
                    const xpl__hbar *b)
{
    double h = BAND_H / 2, t = fmin(TIP, (x1 - x0) / 2);
    /* chevrons point the way the feature pushes: right for red */
    double pts[12];
    if (pos) {
        double a[12] = { x0, yc - h, x1 - t, yc - h, x1, yc, x1 - t, yc + h,
                         x0, yc + h, x0 + t, yc };
        memcpy(pts, a, sizeof a);
    } else {
        double a[12] = { x0 + t, yc - h, x1, yc - h, x1 - t, yc, x1, yc + h,
                         x0 + t, yc + h, x0, yc };
        memcpy(pts, a, sizeof a);
    }
    fputs("<polygon points=\"", fp);
    for (int k = 0; k < 12; k += 2) {
        if (k)
            fputc(' ', fp);
        xpl__svg_coord(fp, pts[k]);
        fputc(',', fp);
        xpl__svg_coord(fp, pts[k + 1]);
    }
    fprintf(fp, "\" fill=\"%s\"%s><title>", pos ? XPL__SVG_POS : XPL__SVG_NEG,
            b->other ? " fill-opacity=\"0.55\"" : "");
    const xpl__label *l = &b->label;
    xpl__xml_escape(fp, l->pre, strlen(l->pre));
    xpl__xml_escape(fp, l->name, strlen(l->name));
    xpl__xml_escape(fp, l->post, strlen(l->post));
    char buf[XPL__NUM_SIZE];
    xpl__svg_num(buf, b->length, 1);
    fprintf(fp, ": %s</title></polygon>\n", buf);
}

struct placed {
    double x0, x1;
};

int xpl__chart_force(FILE *fp, const void *arg, size_t id, xpl__chart *info)
{
    const xpl__row_chart *rc = arg;
    const xpl_explanation *e = rc->e;
    int lime = xpl__is_lime(e);
    const xpl__hbar *bars = rc->bars;
    size_t n = rc->n;
    struct placed *lane = xpl__calloc_array(LANES * (n + 1), sizeof *lane);
    size_t used[LANES] = { 0 };
    if (!lane)
        return xpl__enomem();
    double base = lime ? e->intercept : e->base_value;
    if (!isfinite(base))
        base = 0;
    double pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        double v = bars[i].length;
        if (isfinite(v) && v > 0)
            pos += v;
        else if (isfinite(v) && v < 0)
            neg -= v;
    }
    /* the drawn prediction is the sum, so the segments meet there */
    double f = base + pos - neg;
    double lo = fmin(base, f - pos), hi = fmax(base, f + neg);
    xpl__range_fix(&lo, &hi);
    char heading[512], subtitle[512];
    xpl__row_heading(e, rc->opts, "Force plot", heading, sizeof heading,
                     subtitle, sizeof subtitle);
    double y = xpl__svg_heading(fp, heading, subtitle);
    double px0 = XPL__SVG_MARGIN + 8, px1 = XPL__SVG_WIDTH - XPL__SVG_MARGIN - 8;
    xpl__scale sc = { lo, hi, px0 + 40, px1 - 40 };
    /* markers: the prediction (bold) and the base value, one line each */
    char num[XPL__NUM_SIZE], label[160];
    double y_f = y + 14, y_b = y + 30, yc = y + 48 + BAND_H / 2;
    xpl__svg_num(num, lime ? e->local_prediction : e->prediction, 0);
    snprintf(label, sizeof label, "%s %s", lime ? "local prediction" : "f(x)",
             num);
    double xf = xpl__scale_x(&sc, f), xb = xpl__scale_x(&sc, base);
    double wl = xpl__text_width(label, strlen(label), XPL__SVG_LABEL_PX, 1);
    double xt = fmin(fmax(xf, px0 + wl / 2), px1 - wl / 2);
    xpl__svg_text(fp, xt, y_f, "font-size=\"12\" font-weight=\"bold\" "
                  "text-anchor=\"middle\" fill=\"" XPL__SVG_INK "\"", label, 0,
                  XPL__SVG_LABEL_PX, 1);
    xpl__svg_num(num, base, 0);
    snprintf(label, sizeof label, "%s %s", lime ? "intercept" : "base value",
             num);
    wl = xpl__text_width(label, strlen(label), XPL__SVG_VALUE_PX, 0);
    xt = fmin(fmax(xb, px0 + wl / 2), px1 - wl / 2);
    xpl__svg_text(fp, xt, y_b, "font-size=\"11\" text-anchor=\"middle\" "
                  "fill=\"" XPL__SVG_MUTED "\"", label, 0, XPL__SVG_VALUE_PX,
                  0);
    xpl__svg_line(fp, xb, y_b + 4, xb, yc - BAND_H / 2, XPL__SVG_MUTED);
    if (fabs(xf - xt) > wl / 2 + 4) /* clear of the base value's label */
        xpl__svg_line(fp, xf, y_f + 4, xf, yc - BAND_H / 2, XPL__SVG_INK);
    /* segments: red ones leftwards from f, blue ones rightwards, in the
     * order of the bars (largest |contribution| first) */
    double at_pos = f, at_neg = f;
    double *x0s = xpl__malloc_array(n + 1, sizeof *x0s);
    double *x1s = xpl__malloc_array(n + 1, sizeof *x1s);
    if (!x0s || !x1s) {
        free(x0s);
        free(x1s);
        free(lane);
        return xpl__enomem();
    }
    for (size_t i = 0; i < n; i++) {
        double v = bars[i].length;
        x0s[i] = x1s[i] = NAN;
        if (!isfinite(v) || v == 0)
            continue;
        double a, b;
        if (v > 0) {
            a = at_pos - v;
            b = at_pos;
            at_pos = a;
        } else {
            a = at_neg;
            b = at_neg - v;
            at_neg = b;
        }
        x0s[i] = xpl__scale_x(&sc, a);
        x1s[i] = xpl__scale_x(&sc, b);
        if (x1s[i] - x0s[i] >= 0.3)
            segment(fp, x0s[i], x1s[i], yc, v > 0, &bars[i]);
    }
    /* labels in lanes under the band, where they do not collide */
    size_t unlabelled = 0;
    double lane_y[LANES] = { yc + BAND_H / 2 + 16, yc + BAND_H / 2 + 32 };
    for (size_t i = 0; i < n; i++) {
        if (isnan(x0s[i]))
            continue;
        double lw = fmin(xpl__svg_label_width(&bars[i].label), LABEL_MAX);
        double cx = (x0s[i] + x1s[i]) / 2;
        double a = fmin(fmax(cx - lw / 2, px0), px1 - lw);
        int done = 0;
        for (int ln = 0; ln < LANES && !done; ln++) {
            int clash = 0;
            for (size_t q = 0; q < used[ln] && !clash; q++)
                clash = a < lane[ln * (n + 1) + q].x1 + 8 &&
                        lane[ln * (n + 1) + q].x0 < a + lw + 8;
            if (clash)
                continue;
            lane[ln * (n + 1) + used[ln]++] = (struct placed){ a, a + lw };
            xpl__svg_label(fp, a + lw, lane_y[ln], &bars[i].label, lw,
                           bars[i].length > 0 ? "#c4003e" : "#006bc2");
            done = 1;
        }
        unlabelled += !done;
    }
    double y_axis = lane_y[LANES - 1] + 14;
    char axis[160];
    xpl__axis_title(rc->opts, "model output", lime ? "local model" : NULL,
                    axis, sizeof axis);
    double bottom = xpl__svg_axis(fp, &sc, y_axis, y_axis, axis);
    if (unlabelled) {
        snprintf(label, sizeof label, "%zu narrow segment%s unlabelled: "
                 "hover for their names", unlabelled,
                 unlabelled == 1 ? "" : "s");
        xpl__svg_text(fp, px0, bottom + 6, "font-size=\"11\" fill=\""
                      XPL__SVG_MUTED "\"", label, px1 - px0,
                      XPL__SVG_VALUE_PX, 0);
        bottom += 16;
    }
    info->height = bottom + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__hbar_desc(
        bars, n, 1, "Force plot (%s): the features that raise the output "
        "(red) push from the left and those that lower it (blue) "
        "from the right, meeting at the prediction; each segment is "
        "as long as the contribution. ", subtitle);
    free(x0s);
    free(x1s);
    free(lane);
    (void)id;
    return XPL_OK;
}

/* The points of a line over n row columns of width cw from x_left, each
 * value held flat across its column: left to right, or right to left
 * (then after a space: it continues a polygon's outline). */
static void step_points(FILE *fp, double x_left, double cw,
                        const xpl__scale *ys, const double *v, size_t n,
                        int backwards)
{
    for (size_t i = 0; i < 2 * n; i++) {
        size_t t = backwards ? 2 * n - 1 - i : i; /* column t / 2, edge t % 2 */
        size_t a = t / 2;
        int s = (int)(t % 2);
        if (i || backwards)
            fputc(' ', fp);
        xpl__svg_coord(fp, x_left + ((double)a + s) * cw);
        fputc(',', fp);
        xpl__svg_coord(fp, xpl__scale_x(ys, v[a]));
    }
}

int xpl__chart_force_rows(FILE *fp, const void *arg, size_t id,
                          xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    const xpl_render_options *o = c->opts;
    size_t k = c->output, p = imp->p;
    size_t *order = xpl__malloc_array(imp->kept[k] + 1, sizeof *order);
    double *lo_v = xpl__malloc_array(imp->kept[k] + 1, sizeof *lo_v);
    double *hi_v = xpl__malloc_array(imp->kept[k] + 1, sizeof *hi_v);
    double *f_v = xpl__malloc_array(imp->kept[k] + 1, sizeof *f_v);
    int rc = XPL_OK;
    if (!order || !lo_v || !hi_v || !f_v) {
        rc = xpl__enomem();
        goto done;
    }
    size_t n = xpl__rows_order(imp, k, XPL__ROWS_MAX, o->order_by_output,
                               order, &rc);
    if (rc)
        goto done;
    double lo = INFINITY, hi = -INFINITY, base_sum = 0;
    for (size_t a = 0; a < n; a++) {
        size_t i = order[a];
        const float *con = imp->contrib[k] + i * p;
        double pos = 0, neg = 0, b = imp->base[k][i];
        b = isfinite(b) ? b : 0;
        base_sum += b;
        for (size_t j = 0; j < p; j++)
            if (isfinite(con[j]))
                con[j] > 0 ? (pos += con[j]) : (neg -= con[j]);
        f_v[a] = b + pos - neg;
        lo_v[a] = f_v[a] - pos;
        hi_v[a] = f_v[a] + neg;
        lo = fmin(lo, lo_v[a]);
        hi = fmax(hi, hi_v[a]);
    }
    xpl__range_fix(&lo, &hi);
    char heading[512], subtitle[640];
    xpl__rows_heading(c, "Force plots", n, heading, sizeof heading, subtitle,
                      sizeof subtitle);
    char num[XPL__NUM_SIZE];
    xpl__svg_num(num, n ? base_sum / (double)n : 0, 0);
    size_t len = strlen(subtitle);
    snprintf(subtitle + len, sizeof subtitle - len, " \xc2\xb7 rows by %s "
             "\xc2\xb7 mean base value %s",
             o->order_by_output ? "prediction" : "similarity", num);
    double y = xpl__svg_heading(fp, heading, subtitle) + 10;
    double y_bottom = y + 260;
    xpl__scale ys = { lo, hi, y_bottom - 6, y + 6 };
    double x_left = XPL__SVG_MARGIN + 22 + xpl__svg_yaxis_width(&ys);
    double x_right = XPL__SVG_WIDTH - XPL__SVG_MARGIN;
    double cw = (x_right - x_left) / (double)(n ? n : 1);
    char ytitle[160];
    xpl__axis_title(o, "model output", NULL, ytitle, sizeof ytitle);
    xpl__svg_yaxis(fp, &ys, x_left, x_right, ytitle, XPL__SVG_MARGIN + 10);
    /* the red band below the prediction and the blue one above it, as two
     * polygons over all rows */
    for (int band = 0; band < 2; band++) {
        fprintf(fp, "<polygon fill=\"%s\" fill-opacity=\"0.85\" points=\"",
                band ? XPL__SVG_NEG : XPL__SVG_POS);
        const double *edge = band ? hi_v : lo_v;
        step_points(fp, x_left, cw, &ys, f_v, n, 0);
        step_points(fp, x_left, cw, &ys, edge, n, 1);
        fputs("\"/>\n", fp);
    }
    fputs("<polyline fill=\"none\" stroke=\"" XPL__SVG_INK "\" "
          "stroke-width=\"1\" points=\"", fp);
    step_points(fp, x_left, cw, &ys, f_v, n, 0);
    fputs("\"/>\n", fp);
    xpl__svg_line(fp, x_left, y_bottom, x_right, y_bottom, XPL__SVG_AXIS);
    char axis[96];
    snprintf(axis, sizeof axis, "rows (%zu), ordered by %s", n,
             o->order_by_output ? "prediction" : "similarity");
    xpl__svg_text(fp, (x_left + x_right) / 2, y_bottom + 18,
                  "font-size=\"12\" text-anchor=\"middle\" fill=\""
                  XPL__SVG_INK "\"", axis, x_right - x_left,
                  XPL__SVG_LABEL_PX, 0);
    info->height = y_bottom + 30;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__strdupf("Force plots of many rows (%s): one column per "
                              "row; the black line is the prediction, the "
                              "red band below it the sum of the "
                              "contributions that raise the output and the "
                              "blue band above it the sum of those that "
                              "lower it.", subtitle);
    (void)id;
done:
    free(order);
    free(lo_v);
    free(hi_v);
    free(f_v);
    return rc;
}
