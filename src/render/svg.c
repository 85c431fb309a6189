#include "render/svg.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "render/number.h"
#include "render/svg_rows.h"

/* Advance widths of ASCII 32..126 in 1/1000 em: for each character the
 * larger of Helvetica's (which Arial and Liberation Sans share) and DejaVu
 * Sans' (the usual fallback on Linux, wider for most characters), so that
 * an estimate holds whichever of them draws the text. */
static const unsigned short ascii_width[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318,
    337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838,
    838, 556, 1015, 684, 686, 722, 770, 667, 611, 778, 752, 295, 500, 667, 557,
    863, 748, 787, 667, 787, 722, 667, 611, 732, 684, 989, 685, 667, 685, 390,
    337, 390, 838, 556, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278,
    579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
};

/* A small margin for hinting and kerning; bold DejaVu Sans runs about 10%
 * wider than regular. */
#define WIDTH_MARGIN 1.03
#define BOLD_FACTOR 1.12
#define ELLIPSIS "\xe2\x80\xa6"

/* Decode one UTF-8 character of s[0..len): its length in bytes (>= 1) and
 * code point, U+FFFD for an invalid, overlong or truncated sequence. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    if (n > len) {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = v << 6 | (s[k] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        v = 0xfffd;
    *cp = v;
    return n;
}

static int xml_char_ok(uint32_t c)
{
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
           (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* East Asian wide and emoji ranges take a full em; other non-ASCII letters
 * are estimated at 0.7 em. */
static unsigned cp_width(uint32_t c)
{
    if (c >= 32 && c < 127)
        return ascii_width[c - 32];
    if (c == 0x2212)
        return 838; /* minus sign */
    if (c == 0x2026)
        return 1000; /* ellipsis */
    if (c == 0xb7)
        return 318; /* middle dot */
    if (c == 0xfffd)
        return 1025; /* replacement character */
    if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) || c >= 0x1f000)
        return 1000;
    return 700;
}

double xpl__text_width(const char *s, size_t len, double px, int bold)
{
    const unsigned char *p = (const unsigned char *)s;
    double units = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        i += utf8_next(p + i, len - i, &c);
        units += cp_width(c);
    }
    return units * px / 1000.0 * WIDTH_MARGIN * (bold ? BOLD_FACTOR : 1.0);
}

size_t xpl__text_fit(const char *s, double max_px, double px, int bold,
                     int *cut)
{
    size_t len = strlen(s);
    *cut = 0;
    if (max_px <= 0 || xpl__text_width(s, len, px, bold) <= max_px)
        return len;
    *cut = 1;
    double room = max_px - xpl__text_width(ELLIPSIS, 3, px, bold);
    const unsigned char *p = (const unsigned char *)s;
    double w = 0;
    size_t keep = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n = utf8_next(p + i, len - i, &c);
        w += cp_width(c) * px / 1000.0 * WIDTH_MARGIN *
             (bold ? BOLD_FACTOR : 1.0);
        if (w > room)
            break;
        i += n;
        keep = i;
    }
    while (keep > 0 && s[keep - 1] == ' ')
        keep--;
    return keep;
}

void xpl__xml_escape(FILE *fp, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n = utf8_next(p + i, len - i, &c);
        if (!xml_char_ok(c) || c == 0xfffd)
            fputs("\xef\xbf\xbd", fp);
        else if (c == '&')
            fputs("&amp;", fp);
        else if (c == '<')
            fputs("&lt;", fp);
        else if (c == '>')
            fputs("&gt;", fp);
        else if (c == '"')
            fputs("&quot;", fp);
        else
            fwrite(p + i, 1, n, fp);
        i += n;
    }
}

void xpl__svg_coord(FILE *fp, double v)
{
    char buf[XPL__NUM_SIZE];
    xpl__fmt_coord(buf, v);
    fputs(buf, fp);
}

void xpl__svg_line(FILE *fp, double x1, double y1, double x2, double y2,
                   const char *stroke)
{
    fputs("<line x1=\"", fp);
    xpl__svg_coord(fp, x1);
    fputs("\" y1=\"", fp);
    xpl__svg_coord(fp, y1);
    fputs("\" x2=\"", fp);
    xpl__svg_coord(fp, x2);
    fputs("\" y2=\"", fp);
    xpl__svg_coord(fp, y2);
    fprintf(fp, "\" stroke=\"%s\"/>\n", stroke);
}

void xpl__svg_text(FILE *fp, double x, double y, const char *attrs,
                   const char *s, double max_px, double px, int bold)
{
    int cut;
    size_t keep = xpl__text_fit(s, max_px, px, bold, &cut);
    fputs("<text x=\"", fp);
    xpl__svg_coord(fp, x);
    fputs("\" y=\"", fp);
    xpl__svg_coord(fp, y);
    fprintf(fp, "\" %s>", attrs);
    xpl__xml_escape(fp, s, keep);
    if (cut)
        fputs(ELLIPSIS, fp);
    fputs("</text>\n", fp);
}

static double label_width(const char *s, size_t len, const void *ctx)
{
    (void)ctx;
    return xpl__text_width(s, len, XPL__SVG_LABEL_PX, 0);
}

static double label_px(const char *s)
{
    return label_width(s, strlen(s), NULL);
}

double xpl__svg_label_width(const xpl__label *l)
{
    return label_px(l->pre) + label_px(l->name) + label_px(l->post);
}

void xpl__svg_label(FILE *fp, double x_right, double y, const xpl__label *l,
                    double max_px, const char *fill)
{
    fputs("<text x=\"", fp);
    xpl__svg_coord(fp, x_right);
    fputs("\" y=\"", fp);
    xpl__svg_coord(fp, y);
    fprintf(fp, "\" font-size=\"12\" text-anchor=\"end\" fill=\"%s\">"
            "<title>", fill);
    xpl__xml_escape(fp, l->pre, strlen(l->pre));
    xpl__xml_escape(fp, l->name, strlen(l->name));
    xpl__xml_escape(fp, l->post, strlen(l->post));
    fputs("</title>", fp);
    double fixed = label_px(l->pre) + label_px(l->post);
    double ell = label_px(ELLIPSIS);
    if (max_px - fixed < 4 * XPL__SVG_LABEL_PX) {
        /* no room for the name beside its value: shorten the whole label,
         * from its end */
        char whole[1024];
        xpl__label_text(l, whole, sizeof whole);
        int cut;
        size_t keep = xpl__text_fit(whole, max_px, XPL__SVG_LABEL_PX, 0,
                                    &cut);
        xpl__xml_escape(fp, whole, keep);
        if (cut)
            fputs(ELLIPSIS, fp);
        fputs("</text>\n", fp);
        return;
    }
    xpl__elision el;
    xpl__elide(l->name, l->differ, max_px - fixed, ell, label_width, NULL,
               &el);
    xpl__xml_escape(fp, l->pre, strlen(l->pre));
    xpl__xml_escape(fp, l->name, el.head);
    if (el.cut) {
        fputs(ELLIPSIS, fp);
        xpl__xml_escape(fp, l->name + el.tail, el.end - el.tail);
        if (el.end < strlen(l->name))
            fputs(ELLIPSIS, fp);
    }
    xpl__xml_escape(fp, l->post, strlen(l->post));
    fputs("</text>\n", fp);
}

double xpl__scale_x(const xpl__scale *s, double v)
{
    return s->x0 + (v - s->lo) / (s->hi - s->lo) * (s->x1 - s->x0);
}

void xpl__range_fix(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
    }
    /* A spread of a few thousand ULPs is rounding, not data (a linear
     * model's 3e-14 on 67.33): no tick labels could tell it apart, so it
     * is drawn as the single value it is. */
    double mag = fmax(fabs(*lo), fabs(*hi));
    if (*hi > *lo && *hi - *lo > mag * 1e-9)
        return;
    double v = *hi > *lo ? *lo + (*hi - *lo) / 2 : *lo, pad = fabs(v) > 0 ? fabs(v) * 0.1 : 1;
    if (v == 0) {
        *lo = 0;
        *hi = 1;
    } else {
        *lo = v - pad;
        *hi = v + pad;
    }
}

static size_t tick_count(double lo, double hi, double step, double *first)
{
    double f = ceil(lo / step - 1e-9);
    double l = floor(hi / step + 1e-9);
    *first = f * step;
    return l >= f ? (size_t)(l - f) + 1 : 0;
}

size_t xpl__nice_ticks(double lo, double hi, size_t max_ticks, double *first,
                       double *step)
{
    if (max_ticks < 2)
        max_ticks = 2;
    /* The finest step of 1, 2 or 5 x 10^k that gives at most max_ticks,
     * starting a decade below the even split so none is skipped. */
    double e = floor(log10((hi - lo) / (double)max_ticks)) - 1;
    static const double mult[] = { 1, 2, 5 };
    for (int k = 0; k < 40; k++) {
        double st = mult[k % 3] * pow(10, e + (double)(k / 3));
        size_t n = tick_count(lo, hi, st, first);
        if (n <= max_ticks) {
            *step = st;
            return n;
        }
    }
    *step = hi - lo;
    return tick_count(lo, hi, *step, first);
}

void xpl__svg_num(char *buf, double v, int plus)
{
    xpl__fmt_num(buf, v, 3, XPL__NUM_MINUS | (plus ? XPL__NUM_PLUS : 0));
}

double xpl__svg_heading(FILE *fp, const char *heading, const char *subtitle)
{
    double room = XPL__SVG_WIDTH - 2 * XPL__SVG_MARGIN;
    xpl__svg_text(fp, XPL__SVG_MARGIN, 26,
                  "font-size=\"15\" font-weight=\"bold\" fill=\"" XPL__SVG_INK
                  "\"", heading, room, XPL__SVG_TITLE_PX, 1);
    if (subtitle && subtitle[0]) {
        xpl__svg_text(fp, XPL__SVG_MARGIN, 45,
                      "font-size=\"12\" fill=\"" XPL__SVG_MUTED "\"",
                      subtitle, room, XPL__SVG_SUB_PX, 0);
        return 58;
    }
    return 38;
}

double xpl__svg_axis(FILE *fp, const xpl__scale *s, double y_top,
                     double y_axis, const char *title)
{
    /* About one tick per 80 px keeps labels like "-1,230" apart. */
    size_t max_ticks = (size_t)((s->x1 - s->x0) / 80.0) + 1;
    double first, step;
    size_t n = xpl__nice_ticks(s->lo, s->hi, max_ticks, &first, &step);
    double max_abs = fmax(fabs(s->lo), fabs(s->hi));
    int digits = xpl__tick_digits(max_abs, step);
    fputs("<g class=\"grid\">\n", fp);
    for (size_t k = 0; k < n; k++) {
        double x = xpl__scale_x(s, first + (double)k * step);
        xpl__svg_line(fp, x, y_top, x, y_axis, XPL__SVG_GRID);
    }
    fputs("</g>\n", fp);
    xpl__svg_line(fp, s->x0, y_axis, s->x1, y_axis, XPL__SVG_AXIS);
    char prev[XPL__NUM_SIZE] = "";
    for (size_t k = 0; k < n; k++) {
        double v = first + (double)k * step;
        if (fabs(v) < step * 1e-9)
            v = 0; /* 0.1 * 3 - 0.3 is not 0 */
        double x = xpl__scale_x(s, v);
        char buf[XPL__NUM_SIZE];
        xpl__fmt_num(buf, v, digits, XPL__NUM_MINUS);
        if (!strcmp(buf, prev))
            continue; /* never the same label twice */
        memcpy(prev, buf, sizeof prev);
        xpl__svg_line(fp, x, y_axis, x, y_axis + 4, XPL__SVG_AXIS);
        xpl__svg_text(fp, x, y_axis + 17,
                      "font-size=\"11\" text-anchor=\"middle\" fill=\""
                      XPL__SVG_MUTED "\"", buf, 0, XPL__SVG_TICK_PX, 0);
    }
    if (!title)
        return y_axis + 28;
    /* Centred under the plot, but allowed the canvas' width: shifted left
     * when it would pass the right edge. */
    double room = XPL__SVG_WIDTH - 2 * XPL__SVG_MARGIN;
    double w = fmin(xpl__text_width(title, strlen(title), XPL__SVG_LABEL_PX,
                                    0), room);
    double cx = (s->x0 + s->x1) / 2;
    if (cx + w / 2 > XPL__SVG_WIDTH - XPL__SVG_MARGIN)
        cx = XPL__SVG_WIDTH - XPL__SVG_MARGIN - w / 2;
    if (cx - w / 2 < XPL__SVG_MARGIN)
        cx = XPL__SVG_MARGIN + w / 2;
    xpl__svg_text(fp, cx, y_axis + 36,
                  "font-size=\"12\" text-anchor=\"middle\" fill=\""
                  XPL__SVG_INK "\"", title, room, XPL__SVG_LABEL_PX, 0);
    return y_axis + 48;
}
