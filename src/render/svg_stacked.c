/* Importance of a multi-output model in one chart: per feature a bar of
 * the mean |contribution| summed over the outputs, in segments of one
 * colour per output (class), features by the total; a legend names the
 * outputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define SWATCH 10.0

int xpl__chart_stacked(FILE *fp, const void *arg, size_t id, xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    const xpl_render_options *o = c->opts;
    size_t p = imp->p, d = imp->d;
    double *total = xpl__calloc_array(p, sizeof *total);
    size_t *idx = xpl__malloc_array(p, sizeof *idx);
    xpl__hbar *bars = xpl__calloc_array(p + 1, sizeof *bars);
    int rc = XPL_OK;
    if (!total || !idx || !bars) {
        rc = xpl__enomem();
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        idx[j] = j;
        for (size_t k = 0; k < d; k++) {
            double v = imp->rows[k] ? xpl__imp_mean_abs(imp, k, j) : NAN;
            total[j] += isfinite(v) ? v : 0;
        }
    }
    xpl__rank_values(total, idx, p);
    size_t shown = xpl__n_shown(p, o->top_k), m = shown + (shown < p);
    char other[64];
    snprintf(other, sizeof other, "other %zu features", p - shown);
    double rest = 0;
    for (size_t r = shown; r < p; r++)
        rest += total[idx[r]];
    for (size_t r = 0; r < m; r++) {
        xpl__label_set(&bars[r].label, r < shown ? imp->names[idx[r]]
                                                 : other, NULL, NULL);
        bars[r].length = r < shown ? total[idx[r]] : rest;
        bars[r].other = r >= shown;
    }
    if ((rc = xpl__label_differ(bars, m, sizeof *bars, NULL)))
        goto done;
    char heading[512], subtitle[512];
    if (o->title)
        snprintf(heading, sizeof heading, "%s", o->title);
    else
        snprintf(heading, sizeof heading, "Feature importance by output");
    uint64_t rows = 0;
    for (size_t k = 0; k < d; k++)
        rows = imp->rows[k] > rows ? imp->rows[k] : rows;
    const char *u = xpl__unit(o);
    snprintf(subtitle, sizeof subtitle, "mean |contribution| over %llu rows, "
             "stacked over %zu outputs \xc2\xb7 %s%s%s",
             (unsigned long long)rows, d,
             imp->method[0] ? imp->method : "unknown method",
             u ? " \xc2\xb7 " : "", u ? u : "");
    double y = xpl__svg_heading(fp, heading, subtitle);
    /* legend: swatches and output names, wrapped to the width */
    double lx = XPL__SVG_MARGIN, ly = y + 6;
    double room = XPL__SVG_WIDTH - 2 * XPL__SVG_MARGIN;
    char name[256];
    for (size_t k = 0; k < d; k++) {
        if (!imp->rows[k])
            continue;
        xpl__output_name(o, k, name, sizeof name);
        double w = fmin(xpl__text_width(name, strlen(name), XPL__SVG_LABEL_PX,
                                        0), 200);
        if (lx > XPL__SVG_MARGIN && lx + SWATCH + 4 + w > XPL__SVG_MARGIN +
                                                           room) {
            lx = XPL__SVG_MARGIN;
            ly += 18;
        }
        fputs("<rect x=\"", fp);
        xpl__svg_coord(fp, lx);
        fputs("\" y=\"", fp);
        xpl__svg_coord(fp, ly);
        fprintf(fp, "\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                (int)SWATCH, (int)SWATCH, xpl__color_category(k));
        xpl__svg_text(fp, lx + SWATCH + 4, ly + 9.5, "font-size=\"12\" fill=\""
                      XPL__SVG_INK "\"", name, 200, XPL__SVG_LABEL_PX, 0);
        lx += SWATCH + 4 + w + 16;
    }
    y = ly + 24;
    double label_w = xpl__svg_label_column(bars, m);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double px1 = XPL__SVG_WIDTH - XPL__SVG_MARGIN;
    double lo = 0, hi = 0, pad = 28;
    char buf[XPL__NUM_SIZE];
    for (size_t r = 0; r < m; r++) {
        hi = fmax(hi, bars[r].length);
        xpl__svg_num(buf, bars[r].length, 0);
        pad = fmax(pad, xpl__text_width(buf, strlen(buf), XPL__SVG_VALUE_PX,
                                        0) + 8);
    }
    xpl__range_fix(&lo, &hi);
    xpl__scale sc = { lo, hi, px0 + 4, px1 - pad };
    double y_axis = y + (double)m * XPL__SVG_ROW + 6;
    char axis[160];
    xpl__axis_title(o, "mean |contribution|", "summed over the outputs",
                    axis, sizeof axis);
    double bottom = xpl__svg_axis(fp, &sc, y, y_axis, axis);
    for (size_t r = 0; r < m; r++) {
        double yc = y + ((double)r + 0.5) * XPL__SVG_ROW;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &bars[r].label,
                       label_w, bars[r].other ? XPL__SVG_MUTED : XPL__SVG_INK);
        double at = 0;
        for (size_t k = 0; k < d; k++) {
            if (!imp->rows[k])
                continue;
            double v = 0;
            if (r < shown) {
                v = xpl__imp_mean_abs(imp, k, idx[r]);
            } else {
                for (size_t q = shown; q < p; q++) {
                    double t = xpl__imp_mean_abs(imp, k, idx[q]);
                    v += isfinite(t) ? t : 0;
                }
            }
            if (!isfinite(v) || v <= 0)
                continue;
            double x0 = xpl__scale_x(&sc, at), x1 = xpl__scale_x(&sc, at + v);
            at += v;
            fputs("<rect x=\"", fp);
            xpl__svg_coord(fp, x0);
            fputs("\" y=\"", fp);
            xpl__svg_coord(fp, yc - XPL__SVG_BAR / 2);
            fputs("\" width=\"", fp);
            xpl__svg_coord(fp, x1 - x0);
            fputs("\" height=\"", fp);
            xpl__svg_coord(fp, (int)XPL__SVG_BAR);
            fputs("\" fill=\"", fp);
            fputs(xpl__color_category(k), fp);
            fputs(bars[r].other ? "\" fill-opacity=\"0.55\"><title>"
                                : "\"><title>", fp);
            xpl__output_name(o, k, name, sizeof name);
            xpl__xml_escape(fp, name, strlen(name));
            xpl__svg_num(buf, v, 0);
            fprintf(fp, ": %s</title></rect>\n", buf);
        }
        xpl__svg_num(buf, bars[r].length, 0);
        xpl__svg_text(fp, xpl__scale_x(&sc, at) + 4, yc + 4, "font-size=\"11\" "
                      "fill=\"" XPL__SVG_MUTED "\"", buf, 0, XPL__SVG_VALUE_PX,
                      0);
    }
    info->height = bottom + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__hbar_desc(
        bars, m, 0, "Stacked bar chart of global feature importance (%s): "
        "for each feature the mean absolute contribution to each "
        "output, one colour per output, largest total first. ",
        subtitle);
    (void)id;
done:
    free(total);
    free(idx);
    free(bars);
    return rc;
}
