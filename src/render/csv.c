/* CSV: one line per explained (row, output), one column per feature
 * contribution, so that a batch reads as a matrix. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/common.h"
#include "render/csv_util.h"
#include "render/number.h"

void xpl__csv_field(FILE *fp, const char *s)
{
    /* RFC 4180: a field with a separator, quote or line break is quoted,
     * and its quotes doubled. Leading or trailing spaces are kept as they
     * are, inside quotes so that no reader trims them. */
    size_t len = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL ||
                (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!quote) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* A missing value (NaN) is an empty cell, an infinity "inf" or "-inf", as
 * xplain's CSV reader and pandas read them back. */
void xpl__csv_number(FILE *fp, double v)
{
    if (isinf(v)) {
        fputs(v > 0 ? "inf" : "-inf", fp);
        return;
    }
    char buf[XPL__NUM_SIZE];
    xpl__fmt_csv(buf, v);
    fputs(buf, fp);
}

int xpl_render_csv_header(FILE *fp, const xpl_explanation *e)
{
    static const char fn[] = "xpl_render_csv_header";
    int rc = xpl__explanation_check(e, fn);
    if (rc || (rc = xpl__stream_check(fp, fn)))
        return rc;
    fputs("row,output,method,base_value,prediction", fp);
    for (size_t j = 0; j < e->n_features; j++) {
        fputc(',', fp);
        xpl__csv_field(fp, e->names[j]);
    }
    fputc('\n', fp);
    return xpl__write_status(fp, fn);
}

int xpl_render_csv_row(FILE *fp, const xpl_explanation *e)
{
    static const char fn[] = "xpl_render_csv_row";
    int rc = xpl__explanation_check(e, fn);
    if (rc || (rc = xpl__stream_check(fp, fn)))
        return rc;
    char num[XPL__NUM_SIZE];
    fputs(xpl__fmt_size(num, e->row), fp);
    fputc(',', fp);
    fputs(xpl__fmt_size(num, e->output), fp);
    fputc(',', fp);
    xpl__csv_field(fp, e->method ? e->method : "");
    fputc(',', fp);
    xpl__csv_number(fp, e->base_value);
    fputc(',', fp);
    xpl__csv_number(fp, e->prediction);
    for (size_t j = 0; j < e->n_features; j++) {
        fputc(',', fp);
        xpl__csv_number(fp, e->contributions[j]);
    }
    fputc('\n', fp);
    return xpl__write_status(fp, fn);
}
