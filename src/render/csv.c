/* CSV: one line per explained (row, output), one column per feature
 * contribution, so that a batch reads as a matrix. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/common.h"
#include "render/csv_util.h"

void xpl__csv_field(xpl__buf *b, const char *s)
{
    /* RFC 4180: a field with a separator, quote or line break is quoted,
     * and its quotes doubled. Leading or trailing spaces are kept as they
     * are, inside quotes so that no reader trims them. */
    size_t len = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL ||
                (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!quote) {
        xpl__buf_put(b, s, len);
        return;
    }
    xpl__buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            xpl__buf_putc(b, '"');
        xpl__buf_putc(b, *s);
    }
    xpl__buf_putc(b, '"');
}

/* A missing value (NaN) is an empty cell, an infinity "inf" or "-inf", as
 * xplain's CSV reader and pandas read them back. */
void xpl__csv_number(xpl__buf *b, double v)
{
    if (!isnan(v))
        xpl__buf_double(b, v);
}

int xpl__render_csv_header_buf(xpl__buf *b, const xpl_explanation *e)
{
    int rc = xpl__explanation_check(e, "xpl_render_csv_header");
    if (rc)
        return rc;
    xpl__buf_puts(b, "row,output,method,base_value,prediction");
    for (size_t j = 0; j < e->n_features; j++) {
        xpl__buf_putc(b, ',');
        xpl__csv_field(b, e->names[j]);
    }
    xpl__buf_putc(b, '\n');
    return XPL_OK;
}

int xpl__render_csv_row_buf(xpl__buf *b, const xpl_explanation *e)
{
    int rc = xpl__explanation_check(e, "xpl_render_csv_row");
    if (rc)
        return rc;
    xpl__buf_uint(b, e->row);
    xpl__buf_putc(b, ',');
    xpl__buf_uint(b, e->output);
    xpl__buf_putc(b, ',');
    xpl__csv_field(b, e->method ? e->method : "");
    xpl__buf_putc(b, ',');
    xpl__csv_number(b, e->base_value);
    xpl__buf_putc(b, ',');
    xpl__csv_number(b, e->prediction);
    for (size_t j = 0; j < e->n_features; j++) {
        xpl__buf_putc(b, ',');
        xpl__csv_number(b, e->contributions[j]);
    }
    xpl__buf_putc(b, '\n');
    return XPL_OK;
}

/* A public FILE * writer: the line built in memory, then written whole. */
static int to_file(FILE *fp, const xpl_explanation *e, const char *fn,
                   int (*render)(xpl__buf *, const xpl_explanation *))
{
    char stack[4096];
    xpl__buf b;
    xpl__buf_init(&b, stack, sizeof stack);
    int rc = render(&b, e);
    if (!rc && !(rc = xpl__stream_check(fp, fn)))
        rc = xpl__buf_write(&b, fp, fn);
    xpl__buf_free(&b);
    return rc;
}

int xpl_render_csv_header(FILE *fp, const xpl_explanation *e)
{
    return to_file(fp, e, "xpl_render_csv_header",
                   xpl__render_csv_header_buf);
}

int xpl_render_csv_row(FILE *fp, const xpl_explanation *e)
{
    return to_file(fp, e, "xpl_render_csv_row", xpl__render_csv_row_buf);
}
