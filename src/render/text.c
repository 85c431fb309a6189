/* Text tables for a terminal: features sorted by |contribution| with a bar
 * each, then the totals. Colour is only ANSI escapes around otherwise
 * identical text, so stripping them gives the plain output. */
#include <math.h>
#include <stdint.h>
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

/* East Asian wide and fullwidth code points (2 terminal columns): the main
 * blocks of Unicode's EastAsianWidth W and F classes, enough for CJK names,
 * Hangul, fullwidth forms and the common emoji. */
static const struct { uint32_t lo, hi; } wide[] = {
    { 0x1100, 0x115f },   /* Hangul Jamo initials */
    { 0x231a, 0x231b },   { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
    { 0x23f0, 0x23f0 },   { 0x23f3, 0x23f3 }, { 0x25fd, 0x25fe },
    { 0x2614, 0x2615 },   { 0x2648, 0x2653 }, { 0x267f, 0x267f },
    { 0x2693, 0x2693 },   { 0x26a1, 0x26a1 }, { 0x26aa, 0x26ab },
    { 0x26bd, 0x26be },   { 0x26c4, 0x26c5 }, { 0x26ce, 0x26ce },
    { 0x26d4, 0x26d4 },   { 0x26ea, 0x26ea }, { 0x26f2, 0x26f3 },
    { 0x26f5, 0x26f5 },   { 0x26fa, 0x26fa }, { 0x26fd, 0x26fd },
    { 0x2705, 0x2705 },   { 0x270a, 0x270b }, { 0x2728, 0x2728 },
    { 0x274c, 0x274c },   { 0x274e, 0x274e }, { 0x2753, 0x2755 },
    { 0x2757, 0x2757 },   { 0x2795, 0x2797 }, { 0x27b0, 0x27b0 },
    { 0x27bf, 0x27bf },   { 0x2b1b, 0x2b1c }, { 0x2b50, 0x2b50 },
    { 0x2b55, 0x2b55 },
    { 0x2e80, 0x303e },   /* CJK radicals, punctuation */
    { 0x3041, 0x33ff },   /* kana, bopomofo, CJK compatibility */
    { 0x3400, 0x4dbf },   /* CJK extension A */
    { 0x4e00, 0x9fff },   /* CJK unified ideographs */
    { 0xa000, 0xa4cf },   /* Yi */
    { 0xa960, 0xa97f },   /* Hangul Jamo extended A */
    { 0xac00, 0xd7a3 },   /* Hangul syllables */
    { 0xf900, 0xfaff },   /* CJK compatibility ideographs */
    { 0xfe10, 0xfe19 },   { 0xfe30, 0xfe6f }, /* vertical and small forms */
    { 0xff00, 0xff60 },   { 0xffe0, 0xffe6 }, /* fullwidth forms */
    { 0x16fe0, 0x16fe4 }, { 0x17000, 0x18cff }, /* Tangut */
    { 0x1b000, 0x1b2ff }, /* kana supplement and extensions */
    { 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e },
    { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f251 },
    { 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c },
    { 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 },
    { 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e },
    { 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d },
    { 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a },
    { 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f },
    { 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 },
    { 0x1f6d5, 0x1f6d7 }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc },
    { 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 },
    { 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faff },
    { 0x20000, 0x2fffd }, /* CJK extensions B to F */
    { 0x30000, 0x3fffd }, /* CJK extension G and later */
};

static int is_wide(uint32_t c)
{
    size_t lo = 0, hi = sizeof wide / sizeof wide[0];
    if (c < wide[0].lo)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c > wide[mid].hi)
            lo = mid + 1;
        else if (c < wide[mid].lo)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

/* Combining marks take no column of their own. */
static int is_combining(uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) ||
           (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
           (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200b || c == 0x200d ||
           (c >= 0xfe00 && c <= 0xfe0f);
}

/* One unit of a cell: a valid, printable UTF-8 character (len bytes, cols
 * columns), or a byte shown as \xNN (escape set, 4 columns): a C0 control,
 * DEL, a byte of a C1 control (U+0080 to U+009F, which terminals may obey)
 * or of invalid UTF-8. A name can then never move the cursor or send an
 * escape sequence, and a newline cannot break the table. */
struct unit {
    size_t len, cols;
    int escape;
};

static struct unit next_unit(const unsigned char *p)
{
    struct unit u = { 1, 4, 1 };
    unsigned c = p[0];
    if (c < 0x80) {
        if (c >= 0x20 && c != 0x7f) {
            u.cols = 1;
            u.escape = 0;
        }
        return u;
    }
    size_t n = c >= 0xf0 && c <= 0xf4   ? 4
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xc2 && c <= 0xdf ? 2
                                        : 0;
    if (!n)
        return u;
    uint32_t cp = c & (0x7fu >> n);
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return u;
        cp = cp << 6 | (p[k] & 0x3fu);
    }
    /* overlong forms, surrogates and code points past U+10FFFF */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return u;
    if (cp >= 0x80 && cp <= 0x9f)
        return u; /* C1 control: its bytes escaped one by one */
    u.len = n;
    u.escape = 0;
    u.cols = is_combining(cp) ? 0 : is_wide(cp) ? 2 : 1;
    return u;
}

/* "\xNN" for byte c. */
static void put_hex_escape(xpl__buf *ob, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char x[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
    xpl__buf_put(ob, x, sizeof x);
}

static void put_unit(xpl__buf *ob, const char *p, struct unit u)
{
    if (u.escape)
        put_hex_escape(ob, *(const unsigned char *)p);
    else
        xpl__buf_put(ob, p, u.len);
}

size_t xpl__term_width(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p;) {
        struct unit u = next_unit((const unsigned char *)p);
        n += u.cols;
        p += u.len;
    }
    return n;
}

static void pad(xpl__buf *ob, size_t n)
{
    for (size_t k = 0; k < n; k++)
        xpl__buf_putc(ob, ' ');
}

void xpl__put_cell(xpl__buf *ob, const char *s, size_t width, int right)
{
    size_t w = xpl__term_width(s);
    const char *end = NULL; /* cut here, then "..." */
    if (w > width && width >= 3) {
        /* whole units only, keeping room for "..." */
        size_t keep = width - 3, seen = 0;
        const char *p = s;
        while (*p) {
            struct unit u = next_unit((const unsigned char *)p);
            if (seen + u.cols > keep)
                break;
            seen += u.cols;
            p += u.len;
        }
        /* combining marks belong to the character before the cut */
        while (*p) {
            struct unit u = next_unit((const unsigned char *)p);
            if (u.cols)
                break;
            p += u.len;
        }
        end = p;
        w = seen + 3;
    }
    if (right && w < width)
        pad(ob, width - w);
    for (const char *p = s; *p && (!end || p < end);) {
        struct unit u = next_unit((const unsigned char *)p);
        put_unit(ob, p, u);
        p += u.len;
    }
    if (end)
        xpl__buf_puts(ob, "...");
    if (!right && w < width)
        pad(ob, width - w);
}

/* Terminal columns of s[0..len), for label elision. */
static double cols_of(const char *s, size_t len, const void *ctx)
{
    (void)ctx;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        struct unit u = next_unit((const unsigned char *)s + i);
        n += u.cols;
        i += u.len;
    }
    return (double)n;
}

static void put_units(xpl__buf *ob, const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        struct unit u = next_unit((const unsigned char *)s + i);
        put_unit(ob, s + i, u);
        i += u.len;
    }
}

void xpl__put_label_text(xpl__buf *ob, const char *s)
{
    put_units(ob, s, strlen(s));
}

size_t xpl__label_cols(const xpl__label *l)
{
    return xpl__term_width(l->pre) + xpl__term_width(l->name) +
           xpl__term_width(l->post);
}

void xpl__put_label(xpl__buf *ob, const xpl__label *l, size_t width)
{
    size_t fixed = xpl__term_width(l->pre) + xpl__term_width(l->post);
    size_t w = fixed + xpl__term_width(l->name);
    if (w > width && (width < fixed + 7 || width < 3)) {
        char whole[1024];
        xpl__label_text(l, whole, sizeof whole);
        xpl__put_cell(ob, whole, width, 0);
        return;
    }
    put_units(ob, l->pre, strlen(l->pre));
    if (w <= width) {
        put_units(ob, l->name, strlen(l->name));
        put_units(ob, l->post, strlen(l->post));
        pad(ob, width - w);
        return;
    }
    xpl__elision el;
    xpl__elide(l->name, l->differ, (double)(width - fixed), 3, cols_of, NULL,
               &el);
    put_units(ob, l->name, el.head);
    size_t used = fixed + (size_t)cols_of(l->name, el.head, NULL);
    if (el.cut) {
        xpl__buf_puts(ob, "...");
        put_units(ob, l->name + el.tail, el.end - el.tail);
        used += 3 + (size_t)cols_of(l->name + el.tail, el.end - el.tail,
                                    NULL);
        if (el.end < strlen(l->name)) {
            xpl__buf_puts(ob, "...");
            used += 3;
        }
    }
    put_units(ob, l->post, strlen(l->post));
    if (used < width)
        pad(ob, width - used);
}

void xpl__text_bar(xpl__buf *ob, double c, double neg, double pos, int color)
{
    double span = neg + pos;
    if (!(span > 0) || !isfinite(span) || !isfinite(c))
        return;
    xpl__buf_puts(ob, "  ");
    size_t left = neg > 0 ? (size_t)lround(BAR_WIDTH * neg / span) : 0;
    size_t n = (size_t)lround(fabs(c) * BAR_WIDTH / span);
    if (c < 0) {
        n = n > left ? left : n;
        for (size_t k = n; k < left; k++)
            xpl__buf_putc(ob, ' ');
        if (color && n)
            xpl__buf_puts(ob, BLUE);
        for (size_t k = 0; k < n; k++)
            xpl__buf_putc(ob, '#');
        if (color && n)
            xpl__buf_puts(ob, RESET);
        xpl__buf_putc(ob, '|');
        return;
    }
    for (size_t k = 0; k < left; k++)
        xpl__buf_putc(ob, ' ');
    xpl__buf_putc(ob, '|');
    if (color && n)
        xpl__buf_puts(ob, RED);
    for (size_t k = 0; k < n && k < BAR_WIDTH - left; k++)
        xpl__buf_putc(ob, '#');
    if (color && n)
        xpl__buf_puts(ob, RESET);
}

struct table {
    const xpl_explanation *e;
    const size_t *idx;
    const xpl__label *labels; /* of the shown features */
    size_t count, shown;
    double other;            /* sum of the contributions not shown */
    size_t w_name, w_value, w_contrib, w_se;
    double neg, pos;         /* largest |negative| and positive shown */
    int color, se;
    const xpl_render_options *opts;
};

static void widen(size_t *w, const char *s)
{
    size_t n = xpl__term_width(s);
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
            size_t lw = xpl__label_cols(&t->labels[k]);
            t->w_name = lw > t->w_name ? lw : t->w_name;
            widen(&t->w_value, xpl__value_text(e, j, buf, 6, 0));
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

static void row_line(xpl__buf *ob, const struct table *t,
                     const xpl__label *label,
                     const char *value, double c, const char *se)
{
    char buf[XPL__NUM_SIZE];
    xpl__buf_puts(ob, "  ");
    xpl__put_label(ob, label, t->w_name);
    xpl__buf_puts(ob, "  ");
    xpl__put_cell(ob, value, t->w_value, 1);
    xpl__buf_puts(ob, "  ");
    xpl__fmt_num(buf, c, 3, XPL__NUM_PLUS);
    const char *on = !t->color || !(c != 0) || isnan(c) ? NULL
                     : c > 0                           ? RED
                                                       : BLUE;
    if (on)
        xpl__buf_puts(ob, on);
    xpl__put_cell(ob, buf, t->w_contrib, 1);
    if (on)
        xpl__buf_puts(ob, RESET);
    if (t->se) {
        xpl__buf_puts(ob, "  ");
        xpl__put_cell(ob, se, t->w_se, 1);
    }
    xpl__text_bar(ob, c, t->neg, t->pos, t->color);
    xpl__buf_putc(ob, '\n');
}

static void header(xpl__buf *ob, const struct table *t)
{
    const xpl_explanation *e = t->e;
    if (t->color)
        xpl__buf_puts(ob, BOLD);
    xpl__buf_put(ob, "row ", 4);
    xpl__buf_uint(ob, e->row);
    char out[280];
    xpl__output_suffix(t->opts, e->output, e->n_outputs, out, sizeof out);
    xpl__put_label_text(ob, out);
    xpl__buf_put(ob, " (", 2);
    xpl__buf_puts(ob, e->method ? e->method : "unknown method");
    if (t->se) {
        int sampled = 0;
        for (size_t j = 0; j < e->n_features; j++)
            sampled |= e->std_errors[j] > 0 || isnan(e->std_errors[j]);
        xpl__buf_puts(ob, sampled ? ", sampled" : ", exact");
    }
    if (xpl__unit(t->opts)) {
        xpl__buf_puts(ob, ", ");
        xpl__put_label_text(ob, t->opts->unit);
    }
    xpl__buf_putc(ob, ')');
    if (t->color)
        xpl__buf_puts(ob, RESET);
    xpl__buf_puts(ob, "\n  ");
    xpl__put_cell(ob, "feature", t->w_name, 0);
    xpl__buf_puts(ob, "  ");
    xpl__put_cell(ob, "value", t->w_value, 1);
    xpl__buf_puts(ob, "  ");
    xpl__put_cell(ob, xpl__is_lime(e) ? "weight" : "contribution",
                  t->w_contrib, 1);
    if (t->se) {
        xpl__buf_puts(ob, "  ");
        xpl__put_cell(ob, "std error", t->w_se, 1);
    }
    xpl__buf_putc(ob, '\n');
}

/* "  label        number" with the numbers in one column. */
static void total(xpl__buf *ob, const char *label, double v)
{
    char buf[XPL__NUM_SIZE];
    xpl__fmt_num(buf, v, 6, 0);
    size_t n = strlen(label);
    xpl__buf_put(ob, "  ", 2);
    xpl__buf_put(ob, label, n);
    pad(ob, n < 18 ? 18 - n : 0);
    xpl__buf_puts(ob, buf);
    xpl__buf_putc(ob, '\n');
}

static void footer(xpl__buf *ob, const struct table *t)
{
    const xpl_explanation *e = t->e;
    char a[XPL__NUM_SIZE], b[XPL__NUM_SIZE];
    if (xpl__is_lime(e)) {
        total(ob, "intercept", e->intercept);
        total(ob, "local prediction", e->local_prediction);
        total(ob, "prediction", e->prediction);
        total(ob, "score (R^2)", e->score);
        xpl__buf_putc(ob, '\n');
        return;
    }
    double sum = 0;
    for (size_t j = 0; j < e->n_features; j++)
        sum += e->contributions[j];
    total(ob, "base value", e->base_value);
    total(ob, "prediction", e->prediction);
    xpl__fmt_num(a, sum, 6, 0);
    xpl__fmt_num(b, sum - (e->prediction - e->base_value), 3, 0);
    xpl__buf_puts(ob, "  sum of contributions ");
    xpl__buf_puts(ob, a);
    xpl__buf_puts(ob, " = prediction - base value (difference ");
    xpl__buf_puts(ob, b);
    xpl__buf_puts(ob, ")\n\n");
}

int xpl__render_text_buf(xpl__buf *ob, const xpl_explanation *e,
                         const xpl_render_options *opts, xpl_workspace *ws)
{
    static const char fn[] = "xpl_render_text";
    int rc = xpl__explanation_check(e, fn);
    if (rc || (rc = xpl__options_check(opts, fn)))
        return rc;
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    if (opts)
        o = *opts;
    /* scratch: ranks, then the shown labels and pointers to them */
    size_t n = e->n_features + 1, *idx, bytes, per;
    per = sizeof *idx + sizeof(xpl__label) + sizeof(xpl__label *);
    if (!xpl__mul_ok(n, per, &bytes))
        return xpl__enomem();
    char *heap = NULL, *mem = ws ? xpl__workspace_scratch(ws, bytes)
                                 : (heap = malloc(bytes));
    if (!mem)
        return xpl__enomem();
    idx = (size_t *)(void *)mem;
    xpl__label *labels = (xpl__label *)(void *)(mem + n * sizeof *idx);
    xpl__label **order = (xpl__label **)(void *)(labels + n);
    struct table t = { .e = e, .idx = idx, .labels = labels,
                       .color = o.color != 0, .se = e->std_errors != NULL,
                       .opts = &o };
    t.count = xpl__rank(e, idx);
    t.shown = xpl__n_shown(t.count, o.top_k);
    for (size_t k = 0; k < t.shown; k++)
        xpl__label_set(&labels[k], e->names[idx[k]],
                       xpl__condition(e, idx[k]), NULL);
    xpl__label_differ(labels, t.shown, sizeof *labels, order);
    measure(&t);
    header(ob, &t);
    char value[XPL__NUM_SIZE], se[XPL__NUM_SIZE];
    for (size_t k = 0; k < t.shown; k++) {
        size_t j = idx[k];
        const char *shown = xpl__value_text(e, j, value, 6, 0);
        if (t.se)
            xpl__fmt_num(se, e->std_errors[j], 3, 0);
        row_line(ob, &t, &labels[k], shown, e->contributions[j],
                 t.se ? se : "");
    }
    if (t.shown < t.count) {
        char label[64];
        snprintf(label, sizeof label, "other %zu features",
                 t.count - t.shown);
        xpl__label other;
        xpl__label_set(&other, label, NULL, NULL);
        row_line(ob, &t, &other, "", t.other, "");
    }
    footer(ob, &t);
    free(heap);
    return XPL_OK;
}

int xpl_render_text(FILE *fp, const xpl_explanation *e,
                    const xpl_render_options *opts, xpl_workspace *ws)
{
    static const char fn[] = "xpl_render_text";
    int rc = xpl__explanation_check(e, fn);
    if (rc || (rc = xpl__stream_check(fp, fn)))
        return rc;
    char stack[4096];
    xpl__buf b;
    xpl__buf_init(&b, stack, sizeof stack);
    rc = xpl__render_text_buf(&b, e, opts, ws);
    if (!rc)
        rc = xpl__buf_write(&b, fp, fn);
    xpl__buf_free(&b);
    return rc;
}
