#include "render/common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int xpl__explanation_check(const xpl_explanation *e, const char *fn)
{
    if (!e)
        return xpl__error(XPL_EINVAL, "%s: explanation is NULL", fn);
    if (e->n_features && (!e->names || !e->values || !e->contributions))
        return xpl__error(XPL_EINVAL, "%s: names, values and contributions "
                          "are required", fn);
    for (size_t j = 0; j < e->n_features; j++)
        if (!e->names[j])
            return xpl__error(XPL_EINVAL, "%s: feature name %zu is NULL", fn,
                              j);
    return XPL_OK;
}

int xpl__options_check(const xpl_render_options *o, const char *fn)
{
    if (o && o->version != XPL_RENDER_OPTIONS_VERSION)
        return xpl__error(XPL_EINVAL, "%s: options version %u, expected %u",
                          fn, o->version, XPL_RENDER_OPTIONS_VERSION);
    return XPL_OK;
}

int xpl__stream_check(FILE *fp, const char *fn)
{
    return fp ? XPL_OK : xpl__error(XPL_EINVAL, "%s: stream is NULL", fn);
}

int xpl__write_status(FILE *fp, const char *fn)
{
    if (ferror(fp))
        return xpl__error(XPL_EIO, "%s: write error", fn);
    return XPL_OK;
}

int xpl__is_lime(const xpl_explanation *e)
{
    return e->method && strcmp(e->method, "lime") == 0;
}

static double rank_key(double v)
{
    return isnan(v) ? -1.0 : fabs(v);
}

/* 1 if feature a is shown after feature b. */
static int later(const double *v, size_t a, size_t b)
{
    double ka = rank_key(v[a]), kb = rank_key(v[b]);
    if (ka != kb)
        return ka < kb;
    return a > b;
}

static void sift_down(const double *v, size_t *idx, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && later(v, idx[child + 1], idx[child]))
            child++;
        if (!later(v, idx[child], idx[root]))
            return;
        size_t t = idx[root];
        idx[root] = idx[child];
        idx[child] = t;
        root = child;
    }
}

/* Heapsort: O(n log n) with no memory beyond idx, so that a table per row
 * allocates nothing. */
void xpl__rank_values(const double *v, size_t *idx, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(v, idx, i, n);
    for (size_t end = n; end-- > 1;) {
        size_t t = idx[0];
        idx[0] = idx[end];
        idx[end] = t;
        sift_down(v, idx, 0, end);
    }
}

size_t xpl__rank(const xpl_explanation *e, size_t *idx)
{
    size_t n = 0;
    for (size_t j = 0; j < e->n_features; j++)
        if (!e->selected || !xpl__is_lime(e) || e->selected[j])
            idx[n++] = j;
    xpl__rank_values(e->contributions, idx, n);
    return n;
}

size_t xpl__n_shown(size_t count, size_t top_k)
{
    if (top_k == 0 || top_k + 1 >= count)
        return count;
    return top_k;
}

const char *xpl__condition(const xpl_explanation *e, size_t j)
{
    if (e->conditions && e->conditions[j] && e->conditions[j][0])
        return e->conditions[j];
    return NULL;
}

void xpl__output_name(const xpl_render_options *o, size_t k, char *buf,
                      size_t size)
{
    if (o && o->output_names && k < o->n_output_names &&
        o->output_names[k] && o->output_names[k][0])
        snprintf(buf, size, "%s", o->output_names[k]);
    else
        snprintf(buf, size, "output %zu", k);
}

void xpl__output_suffix(const xpl_render_options *o, size_t k, size_t n,
                        char *buf, size_t size)
{
    int named = o && o->output_names && k < o->n_output_names &&
                o->output_names[k] && o->output_names[k][0];
    if (n <= 1 && !named) {
        if (size)
            buf[0] = '\0';
        return;
    }
    char name[256];
    xpl__output_name(o, k, name, sizeof name);
    snprintf(buf, size, ", %s", name);
}

const char *xpl__unit(const xpl_render_options *o)
{
    return o && o->unit && o->unit[0] ? o->unit : NULL;
}

void xpl__axis_title(const xpl_render_options *o, const char *what,
                     const char *detail, char *buf, size_t size)
{
    const char *u = xpl__unit(o);
    if (detail && u)
        snprintf(buf, size, "%s (%s, %s)", what, detail, u);
    else if (detail || u)
        snprintf(buf, size, "%s (%s)", what, detail ? detail : u);
    else
        snprintf(buf, size, "%s", what);
}

const char *xpl__value_text(const xpl_explanation *e, size_t j,
                            char buf[XPL__NUM_SIZE], int sig, int flags)
{
    if (e->value_names && e->value_names[j])
        return e->value_names[j];
    xpl__fmt_num(buf, e->values[j], sig, flags);
    return buf;
}
