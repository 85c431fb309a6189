/* The SVG document: charts stacked top to bottom in one standalone SVG 1.1
 * file. The root element states the total height, so charts are kept in
 * memory until the document is written. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/svg.h"
#include "render/svg_chart.h"

enum { CHART_GAP = 12 };

struct xpl_svg {
    xpl_render_options opts;
    char *title;      /* copy of opts.title */
    char *unit, *feature, *color_by; /* copies of the options' strings */
    char **output_names;             /* n_output_names copies */
    char *what;
    FILE *body;       /* memory stream of the chart groups */
    char *buf;
    size_t len;
    double height;
    size_t n;
    char *first_title, *first_desc;
};

char *xpl__strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int xpl__svg_new(xpl_svg **out, const xpl_render_options *opts,
                 const char *what)
{
    xpl_svg *s = calloc(1, sizeof *s);
    if (!s)
        return xpl__enomem();
    xpl_render_options init = XPL_RENDER_OPTIONS_INIT;
    s->opts = opts ? *opts : init;
    int ok = 1;
#define COPY(field)                                                         \
    if (s->opts.field) {                                                    \
        ok = ok && (s->field = xpl__strdup(s->opts.field)) != NULL;         \
        s->opts.field = s->field;                                           \
    }
    COPY(title)
    COPY(unit)
    COPY(feature)
    COPY(color_by)
#undef COPY
    if (s->opts.output_names && s->opts.n_output_names) {
        size_t n = s->opts.n_output_names;
        s->output_names = xpl__calloc_array(n, sizeof *s->output_names);
        ok = ok && s->output_names;
        for (size_t k = 0; ok && k < n; k++)
            if (s->opts.output_names[k])
                ok = (s->output_names[k] =
                          xpl__strdup(s->opts.output_names[k])) != NULL;
        s->opts.output_names = (const char *const *)s->output_names;
    } else {
        s->opts.output_names = NULL;
        s->opts.n_output_names = 0;
    }
    s->what = xpl__strdup(what);
    s->body = open_memstream(&s->buf, &s->len);
    if (!ok || !s->what || !s->body) {
        xpl_render_svg_free(s);
        return xpl__enomem();
    }
    *out = s;
    return XPL_OK;
}

const xpl_render_options *xpl__svg_options(const xpl_svg *svg)
{
    return &svg->opts;
}

int xpl_render_svg_begin(xpl_svg **out, const xpl_render_options *opts)
{
    static const char fn[] = "xpl_render_svg_begin";
    if (!out)
        return xpl__error(XPL_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    int rc = xpl__options_check(opts, fn);
    if (rc)
        return rc;
    if (opts && opts->chart != XPL_CHART_BAR &&
        opts->chart != XPL_CHART_WATERFALL && opts->chart != XPL_CHART_FORCE)
        return xpl__error(XPL_EINVAL, "%s: a row's chart is bar, waterfall "
                          "or force (the others are charts of many rows: "
                          "xpl_importance_render_svg)", fn);
    return xpl__svg_new(out, opts, "explained row and output");
}

void xpl_render_svg_free(xpl_svg *svg)
{
    if (!svg)
        return;
    if (svg->body)
        fclose(svg->body);
    free(svg->buf);
    free(svg->title);
    free(svg->unit);
    free(svg->feature);
    free(svg->color_by);
    for (size_t k = 0; svg->output_names && k < svg->opts.n_output_names; k++)
        free(svg->output_names[k]);
    free(svg->output_names);
    free(svg->what);
    free(svg->first_title);
    free(svg->first_desc);
    free(svg);
}

int xpl__svg_add(xpl_svg *svg, xpl__chart_fn fn, const void *arg)
{
    char *cbuf = NULL;
    size_t clen = 0;
    FILE *cfp = open_memstream(&cbuf, &clen);
    if (!cfp)
        return xpl__enomem();
    xpl__chart info = { NULL, NULL, 0 };
    int rc = fn(cfp, arg, svg->n, &info);
    if (fclose(cfp) != 0 && rc == XPL_OK)
        rc = xpl__enomem();
    if (rc == XPL_OK && (!info.title || !info.desc))
        rc = xpl__enomem();
    if (rc == XPL_OK) {
        FILE *b = svg->body;
        double top = svg->height + (svg->n ? CHART_GAP : 0);
        fputs("<g transform=\"translate(0,", b);
        xpl__svg_coord(b, top);
        fputs(")\">\n<title>", b);
        xpl__xml_escape(b, info.title, strlen(info.title));
        fputs("</title>\n<desc>", b);
        xpl__xml_escape(b, info.desc, strlen(info.desc));
        fputs("</desc>\n", b);
        fwrite(cbuf, 1, clen, b);
        fputs("</g>\n", b);
        if (fflush(b) != 0 || ferror(b)) {
            rc = xpl__enomem();
        } else {
            /* whole pixels, so that a viewer's canvas fits exactly */
            svg->height = top + ceil(info.height);
            if (svg->n++ == 0) {
                svg->first_title = info.title;
                svg->first_desc = info.desc;
                info.title = info.desc = NULL;
            }
        }
    }
    free(cbuf);
    free(info.title);
    free(info.desc);
    return rc;
}

int xpl_render_svg_chart(xpl_svg *svg, const xpl_explanation *e)
{
    return xpl_render_svg_chart_titled(svg, e, NULL);
}

int xpl_render_svg_chart_titled(xpl_svg *svg, const xpl_explanation *e,
                                const char *title)
{
    static const char fn[] = "xpl_render_svg_chart_titled";
    if (!svg)
        return xpl__error(XPL_EINVAL, "%s: document is NULL", fn);
    int rc = xpl__explanation_check(e, fn);
    if (rc)
        return rc;
    /* the chart is drawn during the call: a copy of the options with this
     * title lives long enough */
    xpl_render_options o = svg->opts;
    if (title)
        o.title = title;
    xpl__hbar *bars;
    char *other;
    xpl__row_chart arg = { e, &o, NULL, 0 };
    if ((rc = xpl__row_bars(e, &o, &bars, &arg.n, &other)))
        return rc;
    arg.bars = bars;
    rc = xpl__svg_add(svg, o.chart == XPL_CHART_WATERFALL
                               ? xpl__chart_waterfall
                           : svg->opts.chart == XPL_CHART_FORCE
                               ? xpl__chart_force
                               : xpl__chart_bar,
                      &arg);
    free(bars);
    free(other);
    return rc;
}

int xpl_render_svg_end(const xpl_svg *svg, FILE *fp)
{
    static const char fn[] = "xpl_render_svg_end";
    int rc;
    if (!svg)
        return xpl__error(XPL_EINVAL, "%s: document is NULL", fn);
    if ((rc = xpl__stream_check(fp, fn)))
        return rc;
    if (svg->n == 0)
        return xpl__error(XPL_EINVAL, "%s: no chart was added", fn);
    if (fflush(svg->body) != 0)
        return xpl__enomem();
    double h = svg->height;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
          "width=\"720\" height=\"", fp);
    xpl__svg_coord(fp, h);
    fputs("\" viewBox=\"0 0 720 ", fp);
    xpl__svg_coord(fp, h);
    /* text widths are estimated for these fonts (render/svg.c) */
    fputs("\" font-family=\"Helvetica, Arial, 'Liberation Sans', "
          "'DejaVu Sans', sans-serif\">\n<title>", fp);
    const char *title = svg->title ? svg->title : svg->first_title;
    if (svg->n > 1 && !svg->title)
        title = "Feature contributions";
    xpl__xml_escape(fp, title, strlen(title));
    fputs("</title>\n<desc>", fp);
    if (svg->n == 1) {
        xpl__xml_escape(fp, svg->first_desc, strlen(svg->first_desc));
    } else {
        fprintf(fp, "%zu charts stacked top to bottom, one per ", svg->n);
        xpl__xml_escape(fp, svg->what, strlen(svg->what));
        fputs("; each has its own title and description.", fp);
    }
    fputs("</desc>\n<rect x=\"0\" y=\"0\" width=\"720\" height=\"", fp);
    xpl__svg_coord(fp, h);
    fputs("\" fill=\"#ffffff\"/>\n", fp);
    fwrite(svg->buf, 1, svg->len, fp);
    fputs("</svg>\n", fp);
    return xpl__write_status(fp, fn);
}

int xpl_render_svg(FILE *fp, const xpl_explanation *e, size_t n,
                   const xpl_render_options *opts)
{
    static const char fn[] = "xpl_render_svg";
    if (!e || n == 0)
        return xpl__error(XPL_EINVAL, "%s: no explanation", fn);
    int rc = xpl__stream_check(fp, fn);
    if (rc)
        return rc;
    xpl_svg *svg;
    if ((rc = xpl_render_svg_begin(&svg, opts)))
        return rc;
    for (size_t i = 0; i < n && rc == XPL_OK; i++)
        rc = xpl_render_svg_chart(svg, &e[i]);
    if (rc == XPL_OK)
        rc = xpl_render_svg_end(svg, fp);
    xpl_render_svg_free(svg);
    return rc;
}
