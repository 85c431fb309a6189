/* shap's heatmap: sampled rows across (ordered by similarity of their
 * explanations, or by prediction), features down (most important on top,
 * the rest summed in the last line), each cell coloured by the
 * contribution from blue (lowers the output) through white to red (raises
 * it); the prediction of every row drawn as a line above. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define CELL_H 20.0
#define TOP_H 64.0 /* the prediction line above the cells */

static double cell_value(const xpl_importance *imp, size_t k, size_t i,
                         const size_t *idx, size_t shown, size_t r)
{
    const float *c = imp->contrib[k] + i * imp->p;
    if (r < shown)
        return c[idx[r]];
    double s = 0;
    for (size_t q = shown; q < imp->p; q++)
        s += isfinite(c[idx[q]]) ? c[idx[q]] : 0;
    return s;
}

int xpl__chart_heatmap(FILE *fp, const void *arg, size_t id,
                       xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    const xpl_render_options *o = c->opts;
    size_t k = c->output;
    xpl__imp_lines il;
    int rc = xpl__imp_lines_new(&il, imp, k, o->top_k);
    size_t *order = xpl__malloc_array(imp->kept[k] + 1, sizeof *order);
    if (!rc && !order)
        rc = xpl__enomem();
    if (rc)
        goto done;
    size_t n = xpl__rows_order(imp, k, XPL__ROWS_MAX, o->order_by_output,
                               order, &rc);
    if (rc)
        goto done;
    const size_t *idx = il.idx;
    const xpl__hbar *lines = il.lines;
    size_t shown = il.shown, m = il.m;
    double cmax = 0, flo = INFINITY, fhi = -INFINITY;
    for (size_t a = 0; a < n; a++) {
        for (size_t r = 0; r < m; r++) {
            double v = cell_value(imp, k, order[a], idx, shown, r);
            if (isfinite(v))
                cmax = fmax(cmax, fabs(v));
        }
        double f = imp->pred[k][order[a]];
        if (isfinite(f)) {
            flo = fmin(flo, f);
            fhi = fmax(fhi, f);
        }
    }
    xpl__range_fix(&flo, &fhi);

    char heading[512], subtitle[640];
    xpl__rows_heading(c, "Heatmap", n, heading, sizeof heading, subtitle,
                      sizeof subtitle);
    size_t len = strlen(subtitle);
    snprintf(subtitle + len, sizeof subtitle - len, " \xc2\xb7 rows by %s",
             o->order_by_output ? "prediction" : "similarity");
    double y = xpl__svg_heading(fp, heading, subtitle) + 8;
    double label_w = xpl__svg_label_column(lines, m);
    /* the prediction's y axis labels share the label column */
    xpl__scale fs = { flo, fhi, y + TOP_H - 8, y + 8 };
    double yw = xpl__svg_yaxis_width(&fs);
    label_w = fmax(label_w, yw + 40);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double x_bar = XPL__SVG_WIDTH - XPL__SVG_MARGIN - XPL__COLORBAR_W + 14;
    double px1 = x_bar - XPL__COLORBAR_GAP;
    double cw = (px1 - px0) / (double)(n ? n : 1);
    char ftitle[96];
    snprintf(ftitle, sizeof ftitle, "f(x)");
    xpl__svg_yaxis(fp, &fs, px0, px1, NULL, 0);
    xpl__svg_text(fp, px0 - yw - 6, y + TOP_H / 2 + 4, "font-size=\"12\" "
                  "text-anchor=\"end\" fill=\"" XPL__SVG_INK "\"", ftitle, 0,
                  XPL__SVG_LABEL_PX, 0);
    fputs("<polyline fill=\"none\" stroke=\"" XPL__SVG_INK "\" "
          "stroke-width=\"1.5\" points=\"", fp);
    int first = 1;
    for (size_t a = 0; a < n; a++) {
        double f = imp->pred[k][order[a]];
        if (!isfinite(f))
            continue;
        fputs(first ? "" : " ", fp);
        first = 0;
        xpl__svg_coord(fp, px0 + ((double)a + 0.5) * cw);
        fputc(',', fp);
        xpl__svg_coord(fp, xpl__scale_x(&fs, f));
    }
    fputs("\"/>\n", fp);
    double y_cells = y + TOP_H + 8;
    char color[8];
    for (size_t r = 0; r < m; r++) {
        double yc = y_cells + ((double)r + 0.5) * CELL_H;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &lines[r].label,
                       label_w, lines[r].other ? XPL__SVG_MUTED : XPL__SVG_INK);
        for (size_t a = 0; a < n; a++) {
            double v = cell_value(imp, k, order[a], idx, shown, r);
            const char *fill = "#f2f2f2";
            if (isfinite(v)) {
                xpl__color_diverging(cmax > 0 ? v / cmax : 0, color);
                fill = color;
            }
            fputs("<rect x=\"", fp);
            xpl__svg_coord(fp, px0 + (double)a * cw);
            fputs("\" y=\"", fp);
            xpl__svg_coord(fp, y_cells + (double)r * CELL_H);
            fputs("\" width=\"", fp);
            /* a hair wider, so that no seam shows between cells */
            xpl__svg_coord(fp, fmin(cw + 0.3, px1 - px0 - (double)a * cw));
            fputs("\" height=\"", fp);
            xpl__svg_coord(fp, (int)CELL_H);
            fputs("\" fill=\"", fp);
            fputs(fill, fp);
            fputs("\"/>\n", fp);
        }
    }
    double y_axis = y_cells + (double)m * CELL_H + 4;
    xpl__svg_line(fp, px0, y_axis, px1, y_axis, XPL__SVG_AXIS);
    char axis[96];
    snprintf(axis, sizeof axis, "rows (%zu), ordered by %s", n,
             o->order_by_output ? "prediction" : "similarity");
    xpl__svg_text(fp, (px0 + px1) / 2, y_axis + 18, "font-size=\"12\" "
                  "text-anchor=\"middle\" fill=\"" XPL__SVG_INK "\"", axis,
                  px1 - px0, XPL__SVG_LABEL_PX, 0);
    char lo_s[XPL__NUM_SIZE + 1], hi_s[XPL__NUM_SIZE + 1];
    xpl__svg_num(lo_s, -cmax, 0);
    xpl__svg_num(hi_s, cmax, 1);
    char ctitle[128];
    xpl__axis_title(o, "contribution", NULL, ctitle, sizeof ctitle);
    double bar_top = y_cells + 14, bar_bottom = y_axis - 14;
    if (bar_bottom - bar_top < 60) /* few lines: the bar runs down further */
        bar_bottom = bar_top + 60;
    xpl__svg_colorbar(fp, id, x_bar, bar_top, bar_bottom, lo_s, hi_s,
                      ctitle, 1);
    info->height = fmax(y_axis + 30, bar_bottom + 20) + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__strdupf("Heatmap (%s): one column per row, one line "
                              "per feature (most important on top), each "
                              "cell coloured by the contribution from blue "
                              "(lowers the output) through white to red "
                              "(raises it); above, the prediction of each "
                              "row.", subtitle);
done:
    xpl__imp_lines_free(&il);
    free(order);
    return rc;
}
