/* JSON Lines: one object per explained (row, output). The key order and
 * number format are the stable schema of docs/output.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/common.h"
#include "render/json_util.h"
#include "render/number.h"

void xpl__json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

/* JSON has no infinity: a missing value (NaN) is null and an infinity the
 * string "inf" or "-inf" (what Python's float() and xplain's CSV reader
 * take back), so the two stay apart (docs/output.md). */
void xpl__json_number(FILE *fp, double v)
{
    if (isinf(v)) {
        fputs(v > 0 ? "\"inf\"" : "\"-inf\"", fp);
        return;
    }
    char buf[XPL__NUM_SIZE];
    xpl__fmt_json(buf, v);
    fputs(buf, fp);
}

/* key is the literal text between the comma and the number, e.g.
 * "\"value\":": no printf in the per-number path. */
static void key_number(FILE *fp, const char *key, double v)
{
    fputc(',', fp);
    fputs(key, fp);
    xpl__json_number(fp, v);
}

static void interactions(FILE *fp, const double *m, size_t p)
{
    fputs(",\"interactions\":[", fp);
    for (size_t i = 0; i <= p; i++) {
        fputs(i ? ",[" : "[", fp);
        for (size_t k = 0; k <= p; k++) {
            if (k)
                fputc(',', fp);
            xpl__json_number(fp, m[i * (p + 1) + k]);
        }
        fputc(']', fp);
    }
    fputc(']', fp);
}

int xpl_render_json(FILE *fp, const xpl_explanation *e)
{
    static const char fn[] = "xpl_render_json";
    int rc = xpl__explanation_check(e, fn);
    if (rc)
        return rc;
    if ((rc = xpl__stream_check(fp, fn)))
        return rc;
    int lime = xpl__is_lime(e);
    char num[XPL__NUM_SIZE];
    fputs("{\"row\":", fp);
    fputs(xpl__fmt_size(num, e->row), fp);
    fputs(",\"output\":", fp);
    fputs(xpl__fmt_size(num, e->output), fp);
    fputs(",\"method\":", fp);
    xpl__json_string(fp, e->method ? e->method : "");
    key_number(fp, "\"base_value\":", e->base_value);
    key_number(fp, "\"prediction\":", e->prediction);
    if (lime) {
        key_number(fp, "\"intercept\":", e->intercept);
        key_number(fp, "\"score\":", e->score);
        key_number(fp, "\"local_prediction\":", e->local_prediction);
    }
    fputs(",\"features\":[", fp);
    for (size_t j = 0; j < e->n_features; j++) {
        fputs(j ? ",{\"name\":" : "{\"name\":", fp);
        xpl__json_string(fp, e->names[j]);
        if (e->value_names && e->value_names[j]) {
            fputs(",\"value\":", fp);
            xpl__json_string(fp, e->value_names[j]);
        } else {
            key_number(fp, "\"value\":", e->values[j]);
        }
        key_number(fp, "\"contribution\":", e->contributions[j]);
        if (e->std_errors)
            key_number(fp, "\"std_error\":", e->std_errors[j]);
        if (e->conditions) {
            fputs(",\"condition\":", fp);
            if (e->conditions[j])
                xpl__json_string(fp, e->conditions[j]);
            else
                fputs("null", fp);
        }
        if (e->selected)
            fputs(e->selected[j] ? ",\"selected\":true"
                                 : ",\"selected\":false", fp);
        fputc('}', fp);
    }
    fputc(']', fp);
    if (e->interactions)
        interactions(fp, e->interactions, e->n_features);
    fputs("}\n", fp);
    return xpl__write_status(fp, fn);
}
