#include "render/svg_rows.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/number.h"

/* shap's blue, a purple half-way, shap's red. */
static const unsigned char stops[3][3] = {
    { 0x00, 0x8b, 0xfb }, { 0x8a, 0x4b, 0xd0 }, { 0xff, 0x00, 0x51 },
};

static double clamp01(double t)
{
    return !(t >= 0) ? 0 : t > 1 ? 1 : t;
}

static void mix(const unsigned char *a, const unsigned char *b, double u,
                char out[8])
{
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(a[k] + (b[k] - a[k]) * u);
    /* per dot or cell: by hand, not snprintf */
    static const char hex[] = "0123456789abcdef";
    out[0] = '#';
    for (int k = 0; k < 3; k++) {
        int v = c[k] < 0 ? 0 : c[k] > 255 ? 255 : c[k];
        out[1 + 2 * k] = hex[v >> 4];
        out[2 + 2 * k] = hex[v & 15];
    }
    out[7] = '\0';
}

void xpl__color_scale(double t, char out[8])
{
    t = clamp01(t);
    int seg = t < 0.5 ? 0 : 1;
    mix(stops[seg], stops[seg + 1], (t - 0.5 * seg) * 2, out);
}

void xpl__color_diverging(double t, char out[8])
{
    static const unsigned char white[3] = { 0xff, 0xff, 0xff };
    if (!(t == t))
        t = 0;
    t = t < -1 ? -1 : t > 1 ? 1 : t;
    if (t < 0)
        mix(white, stops[0], -t, out);
    else
        mix(white, stops[2], t, out);
}

const char *xpl__color_category(size_t k)
{
    /* shap's red and blue first, then colours far from both and each
     * other (a colour-blind-safe set after Okabe and Ito) */
    static const char *const c[10] = {
        "#008bfb", "#ff0051", "#e69f00", "#009e73", "#8a4bd0",
        "#56b4e9", "#d55e00", "#cc79a7", "#999999", "#0072b2",
    };
    return c[k % 10];
}

struct yticks {
    double first, step;
    size_t n;
    int digits;
};

static void yticks(const xpl__scale *s, struct yticks *t)
{
    size_t max_ticks = (size_t)(fabs(s->x0 - s->x1) / 36.0) + 1;
    if (max_ticks < 3) /* a short axis still shows where it goes */
        max_ticks = 3;
    t->n = xpl__nice_ticks(s->lo, s->hi, max_ticks, &t->first, &t->step);
    t->digits = xpl__tick_digits(fmax(fabs(s->lo), fabs(s->hi)), t->step);
}

static double tick_value(const struct yticks *t, size_t k)
{
    double v = t->first + (double)k * t->step;
    return fabs(v) < t->step * 1e-9 ? 0 : v;
}

double xpl__svg_yaxis_width(const xpl__scale *s)
{
    struct yticks t;
    yticks(s, &t);
    double w = 0;
    char buf[XPL__NUM_SIZE];
    for (size_t k = 0; k < t.n; k++) {
        xpl__fmt_num(buf, tick_value(&t, k), t.digits, XPL__NUM_MINUS);
        w = fmax(w, xpl__text_width(buf, strlen(buf), XPL__SVG_TICK_PX, 0));
    }
    return w + 8;
}

void xpl__svg_yaxis(FILE *fp, const xpl__scale *s, double x, double x_grid_end,
                    const char *title, double x_title)
{
    struct yticks t;
    yticks(s, &t);
    char buf[XPL__NUM_SIZE], prev[XPL__NUM_SIZE] = "";
    fputs("<g class=\"grid\">\n", fp);
    for (size_t k = 0; k < t.n; k++) {
        double y = xpl__scale_x(s, tick_value(&t, k));
        xpl__svg_line(fp, x, y, x_grid_end, y, XPL__SVG_GRID);
    }
    fputs("</g>\n", fp);
    xpl__svg_line(fp, x, s->x0, x, s->x1, XPL__SVG_AXIS);
    for (size_t k = 0; k < t.n; k++) {
        double v = tick_value(&t, k), y = xpl__scale_x(s, v);
        xpl__fmt_num(buf, v, t.digits, XPL__NUM_MINUS);
        if (!strcmp(buf, prev))
            continue;
        memcpy(prev, buf, sizeof prev);
        xpl__svg_line(fp, x - 4, y, x, y, XPL__SVG_AXIS);
        xpl__svg_text(fp, x - 6, y + 4, "font-size=\"11\" text-anchor=\"end\" "
                      "fill=\"" XPL__SVG_MUTED "\"", buf, 0, XPL__SVG_TICK_PX,
                      0);
    }
    if (!title)
        return;
    double cy = (s->x0 + s->x1) / 2, room = fabs(s->x0 - s->x1);
    int cut;
    size_t keep = xpl__text_fit(title, room, XPL__SVG_LABEL_PX, 0, &cut);
    fputs("<text transform=\"rotate(-90 ", fp);
    xpl__svg_coord(fp, x_title);
    fputc(' ', fp);
    xpl__svg_coord(fp, cy);
    fputs(")\" x=\"", fp);
    xpl__svg_coord(fp, x_title);
    fputs("\" y=\"", fp);
    xpl__svg_coord(fp, cy);
    fputs("\" font-size=\"12\" text-anchor=\"middle\" fill=\"" XPL__SVG_INK
          "\">", fp);
    xpl__xml_escape(fp, title, keep);
    if (cut)
        fputs("\xe2\x80\xa6", fp);
    fputs("</text>\n", fp);
}

void xpl__svg_colorbar(FILE *fp, size_t id, double x, double top,
                       double bottom, const char *low_label,
                       const char *high_label, const char *title,
                       int diverging)
{
    fprintf(fp, "<defs><linearGradient id=\"xpl-colorbar-%zu\" x1=\"0\" "
            "y1=\"1\" x2=\"0\" y2=\"0\">", id);
    static const unsigned char white[3] = { 0xff, 0xff, 0xff };
    for (int k = 0; k < 3; k++) {
        const unsigned char *c = k == 1 && diverging ? white : stops[k];
        fprintf(fp, "<stop offset=\"%s\" stop-color=\"#%02x%02x%02x\"/>",
                k == 0 ? "0" : k == 1 ? "0.5" : "1", c[0], c[1], c[2]);
    }
    fputs("</linearGradient></defs>\n<rect x=\"", fp);
    xpl__svg_coord(fp, x);
    fputs("\" y=\"", fp);
    xpl__svg_coord(fp, top);
    fputs("\" width=\"8\" height=\"", fp);
    xpl__svg_coord(fp, bottom - top);
    fprintf(fp, "\" fill=\"url(#xpl-colorbar-%zu)\"/>\n", id);
    static const char attrs[] = "font-size=\"11\" text-anchor=\"middle\" "
                                "fill=\"" XPL__SVG_MUTED "\"";
    /* labels no wider than the legend column */
    xpl__svg_text(fp, x + 4, top - 4, attrs, high_label, 68,
                  XPL__SVG_VALUE_PX, 0);
    xpl__svg_text(fp, x + 4, bottom + 12, attrs, low_label, 68,
                  XPL__SVG_VALUE_PX, 0);
    double cx = x + 26, cy = (top + bottom) / 2;
    int cut;
    size_t keep = xpl__text_fit(title, bottom - top, XPL__SVG_VALUE_PX, 0,
                                &cut);
    fputs("<text transform=\"rotate(-90 ", fp);
    xpl__svg_coord(fp, cx);
    fputc(' ', fp);
    xpl__svg_coord(fp, cy);
    fputs(")\" x=\"", fp);
    xpl__svg_coord(fp, cx);
    fputs("\" y=\"", fp);
    xpl__svg_coord(fp, cy);
    fprintf(fp, "\" %s>", attrs);
    xpl__xml_escape(fp, title, keep);
    if (cut)
        fputs("\xe2\x80\xa6", fp);
    fputs("</text>\n", fp);
}

size_t xpl__feature_index(const xpl_importance *imp, const char *name)
{
    for (size_t j = 0; name && j < imp->p; j++)
        if (!strcmp(imp->names[j], name))
            return j;
    return imp->p;
}

static double key_of(double v)
{
    return isfinite(v) ? v : -INFINITY;
}

size_t xpl__rows_order(const xpl_importance *imp, size_t k, size_t max,
                       int by_output, size_t *order, int *rc)
{
    size_t n = imp->kept[k], p = imp->p;
    *rc = XPL_OK;
    if (n > max)
        n = max; /* the sample is uniform: its first rows are too */
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion by prediction (stable, no comparator state) */
    const double *pred = imp->pred[k];
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], m = i;
        while (m > 0 && key_of(pred[order[m - 1]]) > key_of(pred[v])) {
            order[m] = order[m - 1];
            m--;
        }
        order[m] = v;
    }
    if (by_output || n < 3)
        return n;
    /* nearest-neighbour chain over the contributions (L1 distance) from
     * the row of lowest prediction; ties go to the lower index */
    unsigned char *used = calloc(n, 1);
    size_t *chain = xpl__malloc_array(n, sizeof *chain);
    if (!used || !chain) {
        free(used);
        free(chain);
        *rc = xpl__enomem();
        return 0;
    }
    const float *c = imp->contrib[k];
    size_t at = order[0];
    chain[0] = at;
    used[at] = 1;
    for (size_t step = 1; step < n; step++) {
        double best = INFINITY;
        size_t pick = n;
        for (size_t i = 0; i < n; i++) {
            if (used[i])
                continue;
            double d = 0;
            for (size_t j = 0; j < p && d < best; j++) {
                double a = c[at * p + j], b = c[i * p + j];
                d += isfinite(a) && isfinite(b) ? fabs(a - b) : 0;
            }
            if (d < best || pick == n) {
                best = d;
                pick = i;
            }
        }
        chain[step] = at = pick;
        used[pick] = 1;
    }
    memcpy(order, chain, n * sizeof *order);
    free(used);
    free(chain);
    return n;
}

void xpl__rows_heading(const xpl__imp_chart *c, const char *kind,
                       size_t rows_drawn, char *heading, size_t hsize,
                       char *subtitle, size_t ssize)
{
    const xpl_importance *imp = c->imp;
    char out[280], where[300] = "";
    xpl__output_suffix(c->opts, c->output, imp->d, out, sizeof out);
    if (c->opts->title)
        snprintf(heading, hsize, "%s", c->opts->title);
    else
        snprintf(heading, hsize, "%s%s", kind, out);
    if (c->opts->title && out[0])
        snprintf(where, sizeof where, "%s \xc2\xb7 ", out + 2);
    const char *u = xpl__unit(c->opts);
    char rows[96];
    unsigned long long total = (unsigned long long)imp->rows[c->output];
    if ((uint64_t)rows_drawn < imp->rows[c->output])
        snprintf(rows, sizeof rows, "a sample of %zu of %llu rows",
                 rows_drawn, total);
    else
        snprintf(rows, sizeof rows, "%zu row%s", rows_drawn,
                 rows_drawn == 1 ? "" : "s");
    snprintf(subtitle, ssize, "%s%s%s%s \xc2\xb7 %s", where,
             imp->method[0] ? imp->method : "unknown method",
             u ? " \xc2\xb7 " : "", u ? u : "", rows);
}
