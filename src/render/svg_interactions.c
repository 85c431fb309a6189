/* The interaction summary: for the most important features (by mean
 * |contribution|, most important first; --top, at most 40), the matrix of
 * mean |SHAP interaction value| of every pair over the rows, each cell
 * coloured from blue (none) to red (the largest interaction). The diagonal
 * holds the main effects, which are usually far larger than any
 * interaction: they are drawn grey (their value in the tooltip) so that the
 * scale shows the interactions. Rows carry the feature names with a number;
 * columns carry the numbers, so that long names need no rotated text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/number.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define CELL_MAX 40.0 /* cell side when few features are shown */
#define CELL_MIN 16.0 /* and at least: the row labels' line height */
#define MAX_SHOWN 40  /* features in the matrix at most */
#define NUM_ROOM 18.0 /* pixels a column number needs */
#define HEAD_H 22.0   /* the column numbers above the cells */

int xpl__chart_interactions(FILE *fp, const void *arg, size_t id,
                            xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    const xpl_render_options *o = c->opts;
    size_t k = c->output, p = imp->p;
    size_t *idx = xpl__imp_ranked(imp, k);
    xpl__hbar *lines = xpl__calloc_array(p, sizeof *lines);
    int rc = XPL_OK;
    if (!idx || !lines) {
        rc = xpl__enomem();
        goto done;
    }
    size_t m = xpl__n_shown(p, o->top_k);
    if (m > MAX_SHOWN)
        m = MAX_SHOWN;
    for (size_t r = 0; r < m; r++) {
        xpl__label_set(&lines[r].label, imp->names[idx[r]], NULL, NULL);
        snprintf(lines[r].label.pre, sizeof lines[r].label.pre, "%zu ",
                 r + 1); /* the column number */
    }
    if ((rc = xpl__label_differ(lines, m, sizeof *lines, NULL)))
        goto done;
    double vmax = 0; /* the largest interaction (off the diagonal) */
    for (size_t r = 0; r < m; r++)
        for (size_t q = 0; q < m; q++) {
            double v = xpl__imp_mean_abs_inter(imp, k, idx[r], idx[q]);
            if (q != r && isfinite(v))
                vmax = fmax(vmax, v);
        }

    char heading[512], subtitle[640];
    xpl__rows_heading(c, "SHAP interaction values", (size_t)imp->rows[k],
                      heading, sizeof heading, subtitle, sizeof subtitle);
    double y = xpl__svg_heading(fp, heading, subtitle) + 8;
    double label_w = xpl__svg_label_column(lines, m);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double x_bar = XPL__SVG_WIDTH - XPL__SVG_MARGIN - XPL__COLORBAR_W + 14;
    double room = x_bar - XPL__COLORBAR_GAP - px0;
    /* lines no closer than a label's height: fewer features if need be */
    if (m > 1 && room / (double)m < CELL_MIN)
        m = (size_t)fmax(1, floor(room / CELL_MIN));
    double cell = fmin(CELL_MAX, room / (double)(m ? m : 1));
    double y_cells = y + HEAD_H;
    static const char num_attrs[] = "font-size=\"11\" text-anchor=\"middle\" "
                                    "fill=\"" XPL__SVG_MUTED "\"";
    char num[XPL__NUM_SIZE], color[8], tip[600];
    /* every column numbered where there is room, else every step-th */
    size_t step = cell >= NUM_ROOM ? 1 : (size_t)ceil(NUM_ROOM / cell);
    for (size_t q = 0; q < m; q += step) {
        snprintf(num, sizeof num, "%zu", q + 1);
        xpl__svg_text(fp, px0 + ((double)q + 0.5) * cell, y_cells - 6,
                      num_attrs, num, cell, XPL__SVG_VALUE_PX, 0);
    }
    for (size_t r = 0; r < m; r++) {
        double yc = y_cells + ((double)r + 0.5) * cell;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &lines[r].label,
                       label_w, XPL__SVG_INK);
        for (size_t q = 0; q < m; q++) {
            double v = xpl__imp_mean_abs_inter(imp, k, idx[r], idx[q]);
            const char *fill = q == r ? "#d9d9d9" : "#f2f2f2";
            if (q != r && isfinite(v)) {
                xpl__color_scale(vmax > 0 ? v / vmax : 0, color);
                fill = color;
            }
            fputs("<rect x=\"", fp);
            xpl__svg_coord(fp, px0 + (double)q * cell);
            fputs("\" y=\"", fp);
            xpl__svg_coord(fp, y_cells + (double)r * cell);
            fputs("\" width=\"", fp);
            xpl__svg_coord(fp, cell - 1);
            fputs("\" height=\"", fp);
            xpl__svg_coord(fp, cell - 1);
            fprintf(fp, "\" fill=\"%s\"><title>", fill);
            xpl__fmt_num(num, v, 3, 0);
            if (q == r)
                snprintf(tip, sizeof tip, "%s, main effect: %s",
                         imp->names[idx[r]], isfinite(v) ? num : "no value");
            else
                snprintf(tip, sizeof tip, "%s \xc3\x97 %s: %s",
                         imp->names[idx[r]], imp->names[idx[q]],
                         isfinite(v) ? num : "no value");
            xpl__xml_escape(fp, tip, strlen(tip));
            fputs("</title></rect>\n", fp);
        }
    }
    double y_end = y_cells + (double)m * cell;
    char lo_s[XPL__NUM_SIZE + 1], hi_s[XPL__NUM_SIZE + 1], ctitle[128];
    xpl__svg_num(lo_s, 0, 0);
    xpl__svg_num(hi_s, vmax, 0);
    xpl__axis_title(o, "mean |interaction value|", "off the diagonal",
                    ctitle, sizeof ctitle);
    double bar_top = y_cells + 14, bar_bottom = fmax(y_end - 14,
                                                     bar_top + 60);
    xpl__svg_colorbar(fp, id, x_bar, bar_top, bar_bottom, lo_s, hi_s, ctitle,
                      0);
    info->height = fmax(y_end + 12, bar_bottom + 20) + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__strdupf("Interaction summary (%s): for the %zu most "
                              "important features, numbered down the side "
                              "and across the top, the mean absolute SHAP "
                              "interaction value of each pair over the rows, "
                              "from blue (none) to red (the largest, %s); "
                              "the diagonal, grey, holds the main effects.",
                              subtitle, m, hi_s);
done:
    free(idx);
    free(lines);
    return rc;
}
