/* Rendering into memory: the FILE * writers pointed at a growing buffer,
 * so the bytes are exactly those of a file. */
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include <xplain/render.h>

static int render_all(FILE *fp, xpl_format format, const xpl_explanation *e,
                      size_t n, const xpl_render_options *opts,
                      xpl_workspace *ws)
{
    int rc = XPL_OK;
    switch (format) {
    case XPL_FORMAT_JSON:
        for (size_t i = 0; !rc && i < n; i++)
            rc = xpl_render_json(fp, &e[i]);
        return rc;
    case XPL_FORMAT_TEXT:
        for (size_t i = 0; !rc && i < n; i++)
            rc = xpl_render_text(fp, &e[i], opts, ws);
        return rc;
    case XPL_FORMAT_CSV:
        rc = xpl_render_csv_header(fp, &e[0]);
        for (size_t i = 0; !rc && i < n; i++)
            rc = xpl_render_csv_row(fp, &e[i]);
        return rc;
    case XPL_FORMAT_SVG:
        return xpl_render_svg(fp, e, n, opts);
    }
    return xpl__error(XPL_EINVAL, "xpl_render_memory: unknown format %d",
                      (int)format);
}

int xpl_render_memory(char **out, size_t *size, xpl_format format,
                      const xpl_explanation *e, size_t n,
                      const xpl_render_options *opts, xpl_workspace *ws)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "xpl_render_memory: out is NULL");
    *out = NULL;
    if (!e || n == 0)
        return xpl__error(XPL_EINVAL, "xpl_render_memory: no explanations");
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return xpl__enomem();
    int rc = render_all(fp, format, e, n, opts, ws);
    /* the stream's only failure is memory: a write error reads as one */
    if (fclose(fp) != 0 && !rc)
        rc = xpl__enomem();
    if (rc == XPL_EIO)
        rc = xpl__enomem();
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    if (size)
        *size = len;
    return XPL_OK;
}
