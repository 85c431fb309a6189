/* Text tables for a terminal: features sorted by |contribution| with a bar
 * each, then the totals. Colour is only ANSI escapes around otherwise
 * identical text, so stripping them gives the plain output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/workspace.h"
#include "render/common.h"
#include "render/number.h"
#include "render/text_util.h"

enum {
    NAME_MIN = 7,   /* width of the header word "feature" */
    NAME_MAX = 40,  /* longer names are cut with "..." */
    BAR_WIDTH = 24  /* characters for the largest |contribution| span */
};

#define RED "\033[31m"
#define BLUE "\033[34m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

size_t xpl__utf8_width(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

void xpl__put_cell(FILE *fp, const char *s, size_t width, int right)
{
    size_t w = xpl__utf8_width(s);
    if (w > width && width >= 3) {
        /* cut at a character boundary, keeping room for "..." */
        size_t keep = width - 3, seen = 0;
        const char *p = s;
        while (*p) {
            if ((*(const unsigned char *)p & 0xc0) != 0x80) {
                if (seen == keep)
                    break;
                seen++;
            }
            p++;
        }
        fwrite(s, 1, (size_t)(p - s), fp);
        fputs("...", fp);
        return;
    }
    if (right)
        for (size_t k = w; k < width; k++)
            fputc(' ', fp);
    fputs(s, fp);
    if (!right)
        for (size_t k = w; k < width; k++)
            fputc(' ', fp);
}

void xpl__text_bar(FILE *fp, double c, double neg, double pos, int color)
{
    double span = neg + pos;
    if (!(span > 0) || !isfinite(span) || !isfinite(c))
        return;
    fputs("  ", fp);
    size_t left = neg > 0 ? (size_t)lround(BAR_WIDTH * neg / span) : 0;
    size_t n = (size_t)lround(fabs(c) * BAR_WIDTH / span);
    if (c < 0) {
        n = n > left ? left : n;
        for (size_t k = n; k < left; k++)
            fputc(' ', fp);
        if (color && n)
            fputs(BLUE, fp);
        for (size_t k = 0; k < n; k++)
            fputc('#', fp);
        if (color && n)
            fputs(RESET, fp);
        fputc('|', fp);
        return;
    }
    for (size_t k = 0; k < left; k++)
        fputc(' ', fp);
    fputc('|', fp);
    if (color && n)
        fputs(RED, fp);
    for (size_t k = 0; k < n && k < BAR_WIDTH - left; k++)
        fputc('#', fp);
    if (color && n)
        fputs(RESET, fp);
}

/* A row label: the LIME condition, else the feature name. */
static const char *label_of(const xpl_explanation *e, size_t j)
{
    const char *c = xpl__condition(e, j);
    return c ? c : e->names[j];
}

struct table {
    const xpl_explanation *e;
    const size_t *idx;
    size_t count, shown;
    double other;            /* sum of the contributions not shown */
    size_t w_name, w_value, w_contrib, w_se;
    double neg, pos;         /* largest |negative| and positive shown */
    int color, se;
};

static void widen(size_t *w, const char *s)
{
    size_t n = xpl__utf8_width(s);
    if (n > *w)
        *w = n;
}

static void measure(struct table *t)
{
    const xpl_explanation *e = t->e;
    char buf[XPL__NUM_SIZE], other[64];
    t->w_name = NAME_MIN;
    t->w_value = 5;
    t->w_contrib = xpl__is_lime(e) ? 6 : 12;
    t->w_se = 9;
    t->neg = t->pos = 0;
    t->other = 0;
    for (size_t k = t->shown; k < t->count; k++)
        t->other += e->contributions[t->idx[k]];
    for (size_t k = 0; k <= t->shown && k < t->count; k++) {
        double c;
        if (k == t->shown) {
            snprintf(other, sizeof other, "other %zu features",
                     t->count - t->shown);
            widen(&t->w_name, other);
            c = t->other;
        } else {
            size_t j = t->idx[k];
            widen(&t->w_name, label_of(e, j));
            xpl__fmt_num(buf, e->values[j], 6, 0);
            widen(&t->w_value, buf);
            if (t->se) {
                xpl__fmt_num(buf, e->std_errors[j], 3, 0);
                widen(&t->w_se, buf);
            }
            c = e->contributions[j];
        }
        xpl__fmt_num(buf, c, 3, XPL__NUM_PLUS);
        widen(&t->w_contrib, buf);
        if (c < 0 && -c > t->neg)
            t->neg = -c;
        if (c > 0 && c > t->pos)
            t->pos = c;
    }
    if (t->w_name > NAME_MAX)
        t->w_name = NAME_MAX;
    if (!isfinite(t->neg))
        t->neg = 0;
    if (!isfinite(t->pos))
        t->pos = 0;
}

static void row_line(FILE *fp, const struct table *t, const char *label,
                     const char *value, double c, const char *se)
{
    char buf[XPL__NUM_SIZE];
    fputs("  ", fp);
    xpl__put_cell(fp, label, t->w_name, 0);
    fputs("  ", fp);
    xpl__put_cell(fp, value, t->w_value, 1);
    fputs("  ", fp);
    xpl__fmt_num(buf, c, 3, XPL__NUM_PLUS);
    const char *on = !t->color || !(c != 0) || isnan(c) ? NULL
                     : c > 0                           ? RED
                                                       : BLUE;
    if (on)
        fputs(on, fp);
    xpl__put_cell(fp, buf, t->w_contrib, 1);
    if (on)
        fputs(RESET, fp);
    if (t->se) {
        fputs("  ", fp);
        xpl__put_cell(fp, se, t->w_se, 1);
    }
    xpl__text_bar(fp, c, t->neg, t->pos, t->color);
    fputc('\n', fp);
}

static void header(FILE *fp, const struct table *t)
{
    const xpl_explanation *e = t->e;
    if (t->color)
        fputs(BOLD, fp);
    fprintf(fp, "row %zu", e->row);
    if (e->n_outputs > 1)
        fprintf(fp, ", output %zu", e->output);
    fprintf(fp, " (%s", e->method ? e->method : "unknown method");
    if (t->se) {
        int sampled = 0;
        for (size_t j = 0; j < e->n_features; j++)
            sampled |= e->std_errors[j] > 0 || isnan(e->std_errors[j]);
        fputs(sampled ? ", sampled" : ", exact", fp);
    }
    fputc(')', fp);
    if (t->color)
        fputs(RESET, fp);
    fputs("\n  ", fp);
    xpl__put_cell(fp, "feature", t->w_name, 0);
    fputs("  ", fp);
    xpl__put_cell(fp, "value", t->w_value, 1);
    fputs("  ", fp);
    xpl__put_cell(fp, xpl__is_lime(e) ? "weight" : "contribution",
                  t->w_contrib, 1);
    if (t->se) {
        fputs("  ", fp);
        xpl__put_cell(fp, "std error", t->w_se, 1);
    }
    fputc('\n', fp);
}

/* "  label        number" with the numbers in one column. */
static void total(FILE *fp, const char *label, double v)
{
    char buf[XPL__NUM_SIZE];
    xpl__fmt_num(buf, v, 6, 0);
    fprintf(fp, "  %-18s%s\n", label, buf);
}

static void footer(FILE *fp, const struct table *t)
{
    const xpl_explanation *e = t->e;
    char a[XPL__NUM_SIZE], b[XPL__NUM_SIZE];
    if (xpl__is_lime(e)) {
        total(fp, "intercept", e->intercept);
        total(fp, "local prediction", e->local_prediction);
        total(fp, "prediction", e->prediction);
        total(fp, "score (R^2)", e->score);
        fputc('\n', fp);
        return;
    }
    double sum = 0;
    for (size_t j = 0; j < e->n_features; j++)
        sum += e->contributions[j];
    total(fp, "base value", e->base_value);
    total(fp, "prediction", e->prediction);
    xpl__fmt_num(a, sum, 6, 0);
    xpl__fmt_num(b, sum - (e->prediction - e->base_value), 3, 0);
    fprintf(fp, "  sum of contributions %s = prediction - base value "
                "(difference %s)\n\n", a, b);
}

int xpl_render_text(FILE *fp, const xpl_explanation *e,
                    const xpl_render_options *opts, xpl_workspace *ws)
{
    static const char fn[] = "xpl_render_text";
    int rc = xpl__explanation_check(e, fn);
    if (rc || (rc = xpl__stream_check(fp, fn)) ||
        (rc = xpl__options_check(opts, fn)))
        return rc;
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    if (opts)
        o = *opts;
    size_t *idx, *heap = NULL, bytes;
    if (!xpl__mul_ok(e->n_features + 1, sizeof *idx, &bytes))
        return xpl__enomem();
    idx = ws ? xpl__workspace_scratch(ws, bytes) : (heap = malloc(bytes));
    if (!idx)
        return xpl__enomem();
    struct table t = { .e = e, .idx = idx, .color = o.color != 0,
                       .se = e->std_errors != NULL };
    t.count = xpl__rank(e, idx);
    t.shown = xpl__n_shown(t.count, o.top_k);
    measure(&t);
    header(fp, &t);
    char value[XPL__NUM_SIZE], se[XPL__NUM_SIZE];
    for (size_t k = 0; k < t.shown; k++) {
        size_t j = idx[k];
        xpl__fmt_num(value, e->values[j], 6, 0);
        if (t.se)
            xpl__fmt_num(se, e->std_errors[j], 3, 0);
        row_line(fp, &t, label_of(e, j), value, e->contributions[j],
                 t.se ? se : "");
    }
    if (t.shown < t.count) {
        char label[64];
        snprintf(label, sizeof label, "other %zu features",
                 t.count - t.shown);
        row_line(fp, &t, label, "", t.other, "");
    }
    footer(fp, &t);
    free(heap);
    return xpl__write_status(fp, fn);
}
