#include "render/label.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Characters kept before the differing one, for context ("…_017_mean"
 * rather than "…7_mean"), unless a separator comes first. */
enum { CONTEXT = 6, HEAD_MIN = 4 };

static int is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

static size_t char_len(const char *s, size_t i, size_t len)
{
    size_t n = 1;
    while (i + n < len && is_cont((unsigned char)s[i + n]))
        n++;
    return n;
}

static size_t char_start(const char *s, size_t i)
{
    while (i > 0 && is_cont((unsigned char)s[i]))
        i--;
    return i;
}

static int is_separator(char c)
{
    return c == '_' || c == ' ' || c == '.' || c == '-' || c == '/' ||
           c == ':' || c == '(' || c == '[';
}

/* Largest character boundary h <= limit with width(s[from..h)) <= budget. */
static size_t prefix_fit(const char *s, size_t from, size_t limit,
                         double budget, xpl__width_fn w, const void *ctx)
{
    double used = 0;
    size_t i = from;
    while (i < limit) {
        size_t n = char_len(s, i, limit);
        double cw = w(s + i, n, ctx);
        if (used + cw > budget)
            break;
        used += cw;
        i += n;
    }
    return i;
}

/* Smallest character boundary t >= lower with width(s[t..len)) <= budget. */
static size_t suffix_fit(const char *s, size_t lower, size_t len,
                         double budget, xpl__width_fn w, const void *ctx)
{
    double used = 0;
    size_t t = len;
    while (t > lower) {
        size_t start = char_start(s, t - 1);
        if (start < lower)
            break;
        double cw = w(s + start, t - start, ctx);
        if (used + cw > budget)
            break;
        used += cw;
        t = start;
    }
    return t;
}

void xpl__elide(const char *name, size_t differ, double room,
                double ellipsis_w, xpl__width_fn w, const void *ctx,
                xpl__elision *out)
{
    size_t len = strlen(name);
    out->cut = 0;
    out->head = out->tail = out->end = len;
    /* (room is often a sum of widths less the fixed parts: rounding) */
    if (w(name, len, ctx) <= room + 1e-6)
        return;
    out->cut = 1;
    double avail = room - ellipsis_w;
    if (differ > len)
        differ = len;
    differ = char_start(name, differ);
    /* a little context before the differing character */
    size_t t0 = differ;
    for (int k = 0; k < CONTEXT && t0 > 0; k++) {
        size_t prev = char_start(name, t0 - 1);
        if (is_separator(name[prev]) && k > 0)
            break;
        t0 = prev;
    }
    /* First try the head and the tail with 40% of the room (the end often
     * tells units apart): enough when the differing character is in the
     * head or in the tail. */
    size_t t = suffix_fit(name, 0, len, 0.4 * avail, w, ctx);
    double tw = w(name + t, len - t, ctx);
    out->head = prefix_fit(name, 0, t, avail - tw, w, ctx);
    out->tail = t;
    if (out->head > differ || (t0 >= t && out->head > 0))
        return;
    if (out->head == 0) { /* no room for a head: the end only */
        out->tail = suffix_fit(name, 0, len, avail, w, ctx);
        return;
    }
    double tail_w = w(name + t0, len - t0, ctx);
    /* the head: the first word if it is short, else a few characters */
    size_t head_min = 0;
    for (int k = 0; k < HEAD_MIN && head_min < t0; k++)
        head_min += char_len(name, head_min, t0);
    for (size_t i = head_min; i < t0 && i < 2 * HEAD_MIN; i++)
        if (is_separator(name[i])) {
            head_min = i;
            break;
        }
    double head_min_w = w(name, head_min, ctx);
    if (head_min_w + tail_w <= avail) {
        /* head, ellipsis, all of the rest from the differing part */
        out->head = prefix_fit(name, 0, t0, avail - tail_w, w, ctx);
        out->tail = t0;
        return;
    }
    /* a short head, then a window starting at the differing part, cut at
     * its end too */
    double avail2 = avail - ellipsis_w - head_min_w;
    size_t end = prefix_fit(name, t0, len, avail2, w, ctx);
    if (end > t0) {
        out->head = head_min;
        out->tail = t0;
        out->end = end;
        return;
    }
    /* too narrow for any of that: the start of the name */
    out->head = prefix_fit(name, 0, len, avail, w, ctx);
}

static int cmp_label(const void *pa, const void *pb)
{
    const xpl__label *a = *(const xpl__label *const *)pa;
    const xpl__label *b = *(const xpl__label *const *)pb;
    return strcmp(a->name, b->name);
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    return i;
}

int xpl__label_differ(void *items, size_t n, size_t stride,
                      xpl__label **scratch)
{
    if (n == 0)
        return XPL_OK;
    xpl__label **order = scratch ? scratch
                                 : xpl__malloc_array(n, sizeof *order);
    if (!order)
        return xpl__enomem();
    for (size_t i = 0; i < n; i++)
        order[i] = (xpl__label *)(void *)((char *)items + i * stride);
    /* in sorted order the longest shared prefix is with a neighbour */
    qsort(order, n, sizeof *order, cmp_label);
    for (size_t i = 0; i < n; i++) {
        const char *s = order[i]->name;
        size_t d = 0, len = strlen(s);
        int dup = 0;
        for (size_t k = i ? i - 1 : 0; k <= i + 1 && k < n; k++) {
            if (k == i)
                continue;
            size_t c = common_prefix(s, order[k]->name);
            if (c == len && order[k]->name[c] == '\0')
                dup = 1;
            if (c > d)
                d = c;
        }
        order[i]->differ = dup || d >= len ? 0 : char_start(s, d);
    }
    if (!scratch)
        free(order);
    return XPL_OK;
}

void xpl__label_set(xpl__label *l, const char *name, const char *condition,
                    const char *value)
{
    l->pre[0] = l->post[0] = '\0';
    l->differ = 0;
    l->name = name;
    if (condition && condition[0]) {
        const char *at = name[0] ? strstr(condition, name) : NULL;
        size_t pre = at ? (size_t)(at - condition) : 0;
        size_t post = at ? strlen(at + strlen(name)) : 0;
        if (!at || pre >= sizeof l->pre || post >= sizeof l->post) {
            l->name = condition;
            return;
        }
        memcpy(l->pre, condition, pre);
        l->pre[pre] = '\0';
        memcpy(l->post, at + strlen(name), post + 1);
        return;
    }
    if (value && value[0])
        snprintf(l->post, sizeof l->post, " = %s", value);
}

void xpl__label_text(const xpl__label *l, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", l->pre, l->name, l->post);
}
