/* shap's summary plot: for each feature (largest mean |contribution| on
 * top) one dot per sampled row at its contribution, coloured by the
 * feature's value. Dots that fall in the same narrow x bin are stacked
 * alternately above and below the row's centre line, so the row's
 * thickness shows where contributions are dense; the offsets depend only
 * on the sample's order, so the bytes are deterministic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define DOT_R 2.2
#define BIN_PX 3.0        /* width of a stacking bin */
#define LEGEND_W 56.0     /* colour bar and its labels, right of the plot */
#define MIN_BODY 110.0    /* room for the colour bar's labels */
#define NAN_COLOR "#8c8c8c"

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The 5th and 95th percentiles of the finite values (nearest rank), as
 * shap clips its colour scale; the extremes if those coincide. */
static void value_range(const float *v, size_t rows, size_t p, size_t j,
                        double *tmp, double *lo, double *hi)
{
    size_t n = 0;
    for (size_t i = 0; i < rows; i++)
        if (isfinite(v[i * p + j]))
            tmp[n++] = v[i * p + j];
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    qsort(tmp, n, sizeof *tmp, cmp_double);
    *lo = tmp[(size_t)floor(0.05 * (double)(n - 1) + 0.5)];
    *hi = tmp[(size_t)floor(0.95 * (double)(n - 1) + 0.5)];
    if (!(*hi > *lo)) {
        *lo = tmp[0];
        *hi = tmp[n - 1];
    }
}

struct swarm {
    const xpl_importance *imp;
    size_t k, rows, shown;
    const size_t *idx;
    double *x;        /* rows: contribution of the current line */
    double *tmp;      /* rows */
    unsigned *bin_n;  /* per bin counts */
    size_t n_bins;
    xpl__scale sc;
};

/* Contribution of sampled row i on line r ("other": the sum of the rest). */
static double line_value(const struct swarm *s, size_t r, size_t i)
{
    const float *c = s->imp->contrib[s->k] + i * s->imp->p;
    if (r < s->shown)
        return c[s->idx[r]];
    double sum = 0;
    for (size_t q = s->shown; q < s->imp->p; q++)
        sum += isfinite(c[s->idx[q]]) ? c[s->idx[q]] : 0;
    return sum;
}

static void draw_line(FILE *fp, struct swarm *s, size_t r, double yc)
{
    const xpl_importance *imp = s->imp;
    size_t p = imp->p;
    double vlo = NAN, vhi = NAN;
    if (r < s->shown)
        value_range(imp->value[s->k], s->rows, p, s->idx[r], s->tmp, &vlo,
                    &vhi);
    memset(s->bin_n, 0, s->n_bins * sizeof *s->bin_n);
    unsigned most = 1;
    for (size_t i = 0; i < s->rows; i++) {
        double c = line_value(s, r, i);
        s->x[i] = isfinite(c) ? xpl__scale_x(&s->sc, c) : NAN;
        if (isnan(s->x[i]))
            continue;
        size_t b = (size_t)((s->x[i] - s->sc.x0) / BIN_PX);
        b = b >= s->n_bins ? s->n_bins - 1 : b;
        if (++s->bin_n[b] > most)
            most = s->bin_n[b];
    }
    /* Layers alternate +1, -1, +2, -2, ... around the centre; squeeze them
     * when the fullest bin would leave the row. */
    double half = (double)(most / 2);
    double step = half > 0 ? fmin(DOT_R, (XPL__SVG_ROW / 2 - DOT_R - 1) / half)
                           : DOT_R;
    memset(s->bin_n, 0, s->n_bins * sizeof *s->bin_n);
    char color[8];
    for (size_t i = 0; i < s->rows; i++) {
        if (isnan(s->x[i]))
            continue;
        size_t b = (size_t)((s->x[i] - s->sc.x0) / BIN_PX);
        b = b >= s->n_bins ? s->n_bins - 1 : b;
        unsigned t = s->bin_n[b]++;
        double off = t == 0 ? 0 : (t % 2 ? 1.0 : -1.0) * (double)((t + 1) / 2);
        const char *fill = NAN_COLOR;
        if (r < s->shown) {
            double v = imp->value[s->k][i * p + s->idx[r]];
            if (isfinite(v) && isfinite(vlo)) {
                xpl__color_scale(vhi > vlo ? (v - vlo) / (vhi - vlo) : 0.5, color);
                fill = color;
            }
        }
        fputs("<circle cx=\"", fp);
        xpl__svg_coord(fp, s->x[i]);
        fputs("\" cy=\"", fp);
        xpl__svg_coord(fp, yc + off * step);
        fputs("\" r=\"", fp);
        xpl__svg_coord(fp, DOT_R);
        fputs("\" fill=\"", fp);
        fputs(fill, fp);
        fputs("\"/>\n", fp);
    }
}

int xpl__chart_beeswarm(FILE *fp, const void *arg, size_t id,
                        xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    size_t k = c->output, p = imp->p, rows = imp->kept[k];
    struct swarm s = { .imp = imp, .k = k, .rows = rows };
    double *mabs = xpl__malloc_array(p, sizeof *mabs);
    size_t *idx = xpl__malloc_array(p, sizeof *idx);
    xpl__hbar *lines = xpl__calloc_array(p + 1, sizeof *lines);
    s.x = xpl__malloc_array(rows + 1, sizeof *s.x);
    s.tmp = xpl__malloc_array(rows + 1, sizeof *s.tmp);
    s.n_bins = (size_t)(XPL__SVG_WIDTH / BIN_PX) + 2;
    s.bin_n = xpl__calloc_array(s.n_bins, sizeof *s.bin_n);
    int rc = XPL_OK;
    if (!mabs || !idx || !lines || !s.x || !s.tmp || !s.bin_n) {
        rc = xpl__enomem();
        goto done;
    }
    xpl__imp_rank(imp, k, mabs, idx);
    s.idx = idx;
    s.shown = xpl__n_shown(p, c->opts->top_k);
    size_t n = s.shown + (s.shown < p);
    char other[64];
    snprintf(other, sizeof other, "other %zu features", p - s.shown);
    for (size_t r = 0; r < n; r++) {
        xpl__label_set(&lines[r].label, r < s.shown ? imp->names[idx[r]]
                                                    : other, NULL, NULL);
        lines[r].length = r < s.shown ? mabs[idx[r]] : NAN;
        lines[r].other = r >= s.shown;
    }
    if ((rc = xpl__label_differ(lines, n, sizeof *lines, NULL)))
        goto done;
    double lo = 0, hi = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < rows; i++) {
            double v = line_value(&s, r, i);
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    xpl__range_fix(&lo, &hi);

    char heading[512], subtitle[512], out[280], where[300] = "";
    xpl__output_suffix(c->opts, k, imp->d, out, sizeof out);
    if (c->opts->title)
        snprintf(heading, sizeof heading, "%s", c->opts->title);
    else
        snprintf(heading, sizeof heading, "Feature contributions%s", out);
    if (c->opts->title && out[0])
        snprintf(where, sizeof where, "%s \xc2\xb7 ", out + 2);
    if ((uint64_t)rows < imp->rows[k])
        snprintf(subtitle, sizeof subtitle, "%s%s \xc2\xb7 a sample of %zu "
                 "of %llu rows", where, imp->method[0] ? imp->method
                 : "unknown method", rows, (unsigned long long)imp->rows[k]);
    else
        snprintf(subtitle, sizeof subtitle, "%s%s \xc2\xb7 %zu row%s", where,
                 imp->method[0] ? imp->method : "unknown method", rows,
                 rows == 1 ? "" : "s");
    double y = xpl__svg_heading(fp, heading, subtitle) + 4;
    double label_w = xpl__svg_label_column(lines, n);
    double px0 = XPL__SVG_MARGIN + label_w + 12;
    double px1 = XPL__SVG_WIDTH - XPL__SVG_MARGIN - LEGEND_W;
    s.sc = (xpl__scale){ lo, hi, px0 + 12, px1 - 12 };
    double body = fmax((double)n * XPL__SVG_ROW, MIN_BODY);
    double y_axis = y + body + 6;
    int lime = strcmp(imp->method, "lime") == 0;
    char axis[160];
    xpl__axis_title(c->opts, lime ? "LIME weight" : "contribution to the "
                    "prediction", lime ? "effect on the local model's "
                    "prediction" : "SHAP value", axis, sizeof axis);
    double bottom = xpl__svg_axis(fp, &s.sc, y, y_axis, axis);
    double x0 = xpl__scale_x(&s.sc, 0);
    xpl__svg_line(fp, x0, y, x0, y_axis, XPL__SVG_AXIS);
    for (size_t r = 0; r < n; r++) {
        double yc = y + ((double)r + 0.5) * XPL__SVG_ROW;
        xpl__svg_label(fp, XPL__SVG_MARGIN + label_w, yc + 4, &lines[r].label,
                       label_w,
                       lines[r].other ? XPL__SVG_MUTED : XPL__SVG_INK);
        draw_line(fp, &s, r, yc);
    }
    /* shap's colour bar: feature value from low (blue) to high (red) */
    xpl__svg_colorbar(fp, id, px1 + 14, y + 14, y + body - 14, "low", "high",
                      "feature value", 0);
    info->height = bottom + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__hbar_desc(
        lines, s.shown, 0, "Beeswarm plot%s (%s): for each feature, one dot per "
        "row at its contribution, coloured by the feature's value "
        "from low (blue) to high (red); features by mean absolute "
        "contribution, largest first. ", out, subtitle);
done:
    free(mabs);
    free(idx);
    free(lines);
    free(s.x);
    free(s.tmp);
    free(s.bin_n);
    return rc;
}
