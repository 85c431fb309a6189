/* shap's decision plot: features by importance, most important on top;
 * each sampled row is a line that starts at its base value below the
 * bottom feature and moves by each feature's contribution on the way up,
 * ending at its prediction above the top one. Lines are coloured by the
 * prediction. The features past top_k are summed into the bottom step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

/* The path of sampled row i over m = shown (+ 1 for the rest) lines:
 * path[m] = its base value, path[r] = the value after line r, lines summed
 * bottom up (path[0] is the prediction). Missing values move nothing. */
static void row_path(const xpl_importance *imp, size_t k, size_t i,
                     const size_t *idx, size_t shown, double *path)
{
    size_t p = imp->p, m = shown + (shown < p);
    const float *con = imp->contrib[k] + i * p;
    double b = imp->base[k][i];
    path[m] = isfinite(b) ? b : 0;
    for (size_t r = m; r-- > 0;) {
        double d = 0;
        if (r < shown) {
            d = con[idx[r]];
        } else {
            for (size_t q = shown; q < p; q++)
                d += isfinite(con[idx[q]]) ? con[idx[q]] : 0;
        }
        path[r] = path[r + 1] + (isfinite(d) ? d : 0);
    }
}

int xpl__chart_decision(FILE *fp, const void *arg, size_t id,
                        xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    const xpl_render_options *o = c->opts;
    size_t k = c->output, p = imp->p;
    size_t n = imp->kept[k] < XPL__ROWS_MAX ? imp->kept[k] : XPL__ROWS_MAX;
    xpl__imp_lines il;
    int rc = xpl__imp_lines_new(&il, imp, k, o->top_k);
    double *path = xpl__malloc_array(p + 2, sizeof *path);
    if (!rc && !path)
        rc = xpl__enomem();
    if (rc)
        goto done;
    const size_t *idx = il.idx;
    const xpl__hbar *lines = il.lines;
    size_t shown = il.shown, m = il.m;

    double lo = INFINITY, hi = -INFINITY, flo = INFINITY, fhi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        row_path(imp, k, i, idx, shown, path);
        for (size_t r = 0; r <= m; r++) {
            lo = fmin(lo, path[r]);
            hi = fmax(hi, path[r]);
        }
        flo = fmin(flo, path[0]);
        fhi = fmax(fhi, path[0]);
    }
    xpl__range_fix(&lo, &hi);

    char heading[512], subtitle[640];
    xpl__rows_heading(c, "Decision plot", n, heading, sizeof heading,
                      subtitle, sizeof subtitle);
    double y = xpl__svg_heading(fp, heading, subtitle) + 8;
    double label_w = xpl__svg_label_column(lines, m);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double x_bar = XPL__SVG_WIDTH - XPL__SVG_MARGIN - XPL__COLORBAR_W + 14;
    double px1 = x_bar - XPL__COLORBAR_GAP;
    xpl__scale sc = { lo, hi, px0 + 10, px1 - 10 };
    double body = fmax((double)m * XPL__SVG_ROW, 110);
    double y_axis = y + body + 6;
    char axis[160];
    xpl__axis_title(o, "model output", NULL, axis, sizeof axis);
    double bottom = xpl__svg_axis(fp, &sc, y, y_axis, axis);
    double step = body / (double)m;
    for (size_t r = 0; r < m; r++) {
        double yc = y + ((double)r + 0.5) * step;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &lines[r].label,
                       label_w, lines[r].other ? XPL__SVG_MUTED : XPL__SVG_INK);
        xpl__svg_line(fp, px0, y + (double)(r + 1) * step, px1,
                      y + (double)(r + 1) * step, XPL__SVG_GRID);
    }
    char color[8];
    for (size_t i = 0; i < n; i++) {
        row_path(imp, k, i, idx, shown, path);
        xpl__color_scale(fhi > flo ? (path[0] - flo) / (fhi - flo) : 0.5,
                         color);
        fputs("<polyline fill=\"none\" stroke-width=\"1\" "
              "stroke-opacity=\"0.7\" stroke=\"", fp);
        fprintf(fp, "%s\" points=\"", color);
        for (size_t r = m + 1; r-- > 0;) {
            xpl__svg_coord(fp, xpl__scale_x(&sc, path[r]));
            fputc(',', fp);
            xpl__svg_coord(fp, y + (double)r * step);
            fputc(r ? ' ' : '"', fp);
        }
        fputs("/>\n", fp);
    }
    char lo_s[XPL__NUM_SIZE], hi_s[XPL__NUM_SIZE];
    xpl__svg_num(lo_s, flo, 0);
    xpl__svg_num(hi_s, fhi, 0);
    xpl__svg_colorbar(fp, id, x_bar, y + 14, y + body - 14, lo_s, hi_s,
                      "prediction", 0);
    info->height = bottom + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__strdupf("Decision plot (%s): one line per row, from "
                              "its base value at the bottom through the sum "
                              "of the contributions of the features listed, "
                              "least important first, to its prediction at "
                              "the top; lines coloured by the prediction from "
                              "low (blue) to high (red).", subtitle);
done:
    xpl__imp_lines_free(&il);
    free(path);
    return rc;
}
