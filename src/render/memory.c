/* Rendering into memory: the same bytes as the FILE * writers, built in a
 * byte buffer (render/buf.h); SVG documents alone go through a memory
 * stream, their writers being FILE * ones. */
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "render/buf.h"
#include "render/csv_util.h"
#include "render/json_util.h"
#include "render/text_util.h"
#include <xplain/render.h>

/* One explanation appended to b (CSV: its row line). */
static int render_one(xpl__buf *b, xpl_format format,
                      const xpl_explanation *e,
                      const xpl_render_options *opts, xpl_workspace *ws,
                      const char *fn)
{
    switch (format) {
    case XPL_FORMAT_JSON: return xpl__render_json_buf(b, e);
    case XPL_FORMAT_TEXT: return xpl__render_text_buf(b, e, opts, ws);
    case XPL_FORMAT_CSV: return xpl__render_csv_row_buf(b, e);
    case XPL_FORMAT_SVG: break;
    }
    return xpl__error(XPL_EINVAL, "%s: format %d is not one of JSON, text, "
                      "CSV", fn, (int)format);
}

static int svg_memory(xpl__buf *b, const xpl_explanation *e, size_t n,
                      const xpl_render_options *opts)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return xpl__enomem();
    int rc = xpl_render_svg(fp, e, n, opts);
    /* the stream's only failure is memory: a write error reads as one */
    if (fclose(fp) != 0 && !rc)
        rc = xpl__enomem();
    if (rc == XPL_EIO)
        rc = xpl__enomem();
    if (!rc)
        xpl__buf_put(b, buf, len);
    free(buf);
    return rc;
}

int xpl_render_memory(char **out, size_t *size, xpl_format format,
                      const xpl_explanation *e, size_t n,
                      const xpl_render_options *opts, xpl_workspace *ws)
{
    static const char fn[] = "xpl_render_memory";
    if (!out)
        return xpl__error(XPL_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (!e || n == 0)
        return xpl__error(XPL_EINVAL, "%s: no explanations", fn);
    xpl__buf b;
    xpl__buf_init(&b, NULL, 0);
    int rc = XPL_OK;
    if (format == XPL_FORMAT_SVG)
        rc = svg_memory(&b, e, n, opts);
    else if (format == XPL_FORMAT_CSV)
        rc = xpl__render_csv_header_buf(&b, &e[0]);
    for (size_t i = 0; !rc && format != XPL_FORMAT_SVG && i < n; i++)
        rc = render_one(&b, format, &e[i], opts, ws, fn);
    xpl__buf_putc(&b, '\0');
    if (!rc && b.failed)
        rc = xpl__enomem();
    if (rc) {
        xpl__buf_free(&b);
        return rc;
    }
    *out = b.data;
    if (size)
        *size = b.len - 1;
    return XPL_OK;
}

int xpl_render_append(xpl_bytes *out, xpl_format format,
                      const xpl_explanation *e,
                      const xpl_render_options *opts, xpl_workspace *ws)
{
    static const char fn[] = "xpl_render_append";
    if (!out)
        return xpl__error(XPL_EINVAL, "%s: out is NULL", fn);
    xpl__buf b = { .data = out->data, .len = out->len, .cap = out->cap,
                   .owned = 1 };
    int rc = render_one(&b, format, e, opts, ws, fn);
    if (!rc && b.failed)
        rc = xpl__enomem();
    /* the memory may have moved even when the call failed */
    out->data = b.data;
    out->cap = b.cap;
    if (!rc)
        out->len = b.len;
    return rc;
}

int xpl_bytes_append(xpl_bytes *out, const void *p, size_t n)
{
    if (!out || (!p && n))
        return xpl__error(XPL_EINVAL, "xpl_bytes_append: %s is NULL",
                          out ? "p" : "out");
    xpl__buf b = { .data = out->data, .len = out->len, .cap = out->cap,
                   .owned = 1 };
    if (n)
        xpl__buf_put(&b, p, n);
    out->data = b.data;
    out->cap = b.cap;
    if (b.failed)
        return xpl__enomem();
    out->len = b.len;
    return XPL_OK;
}

void xpl_bytes_free(xpl_bytes *b)
{
    if (!b)
        return;
    free(b->data);
    *b = (xpl_bytes){ 0 };
}
