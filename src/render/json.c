/* JSON Lines: one object per explained (row, output). The key order and
 * number format are the stable schema of docs/output.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/common.h"
#include "render/json_util.h"

void xpl__json_string(xpl__buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    xpl__buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': xpl__buf_put(b, "\\\"", 2); break;
        case '\\': xpl__buf_put(b, "\\\\", 2); break;
        case '\n': xpl__buf_put(b, "\\n", 2); break;
        case '\r': xpl__buf_put(b, "\\r", 2); break;
        case '\t': xpl__buf_put(b, "\\t", 2); break;
        default:
            if (*p < 0x20) {
                char u[6] = { '\\', 'u', '0', '0', hex[*p >> 4],
                              hex[*p & 15] };
                xpl__buf_put(b, u, sizeof u);
            } else {
                xpl__buf_putc(b, (char)*p);
            }
        }
    }
    xpl__buf_putc(b, '"');
}

/* JSON has no infinity: a missing value (NaN) is null and an infinity the
 * string "inf" or "-inf" (what Python's float() and xplain's CSV reader
 * take back), so the two stay apart (docs/output.md). */
void xpl__json_number(xpl__buf *b, double v)
{
    if (isinf(v))
        xpl__buf_puts(b, v > 0 ? "\"inf\"" : "\"-inf\"");
    else if (isnan(v))
        xpl__buf_put(b, "null", 4);
    else
        xpl__buf_double(b, v);
}

/* key is the literal text between the comma and the number, e.g.
 * "\"value\":": no printf in the per-number path. */
static void key_number(xpl__buf *b, const char *key, double v)
{
    xpl__buf_putc(b, ',');
    xpl__buf_puts(b, key);
    xpl__json_number(b, v);
}

static void interactions(xpl__buf *b, const double *m, size_t p)
{
    xpl__buf_puts(b, ",\"interactions\":[");
    for (size_t i = 0; i <= p; i++) {
        xpl__buf_puts(b, i ? ",[" : "[");
        for (size_t k = 0; k <= p; k++) {
            if (k)
                xpl__buf_putc(b, ',');
            xpl__json_number(b, m[i * (p + 1) + k]);
        }
        xpl__buf_putc(b, ']');
    }
    xpl__buf_putc(b, ']');
}

int xpl__render_json_buf(xpl__buf *b, const xpl_explanation *e)
{
    int rc = xpl__explanation_check(e, "xpl_render_json");
    if (rc)
        return rc;
    int lime = xpl__is_lime(e);
    xpl__buf_puts(b, "{\"row\":");
    xpl__buf_uint(b, e->row);
    xpl__buf_puts(b, ",\"output\":");
    xpl__buf_uint(b, e->output);
    xpl__buf_puts(b, ",\"method\":");
    xpl__json_string(b, e->method ? e->method : "");
    key_number(b, "\"base_value\":", e->base_value);
    key_number(b, "\"prediction\":", e->prediction);
    if (lime) {
        key_number(b, "\"intercept\":", e->intercept);
        key_number(b, "\"score\":", e->score);
        key_number(b, "\"local_prediction\":", e->local_prediction);
    }
    xpl__buf_puts(b, ",\"features\":[");
    for (size_t j = 0; j < e->n_features; j++) {
        xpl__buf_puts(b, j ? ",{\"name\":" : "{\"name\":");
        xpl__json_string(b, e->names[j]);
        if (e->value_names && e->value_names[j]) {
            xpl__buf_puts(b, ",\"value\":");
            xpl__json_string(b, e->value_names[j]);
        } else {
            key_number(b, "\"value\":", e->values[j]);
        }
        key_number(b, "\"contribution\":", e->contributions[j]);
        if (e->std_errors)
            key_number(b, "\"std_error\":", e->std_errors[j]);
        if (e->conditions) {
            xpl__buf_puts(b, ",\"condition\":");
            if (e->conditions[j])
                xpl__json_string(b, e->conditions[j]);
            else
                xpl__buf_put(b, "null", 4);
        }
        if (e->selected)
            xpl__buf_puts(b, e->selected[j] ? ",\"selected\":true"
                                            : ",\"selected\":false");
        xpl__buf_putc(b, '}');
    }
    xpl__buf_putc(b, ']');
    if (e->interactions)
        interactions(b, e->interactions, e->n_features);
    xpl__buf_put(b, "}\n", 2);
    return XPL_OK;
}

int xpl_render_json(FILE *fp, const xpl_explanation *e)
{
    static const char fn[] = "xpl_render_json";
    char stack[4096];
    xpl__buf b;
    xpl__buf_init(&b, stack, sizeof stack);
    int rc = xpl__render_json_buf(&b, e);
    if (!rc && !(rc = xpl__stream_check(fp, fn)))
        rc = xpl__buf_write(&b, fp, fn);
    xpl__buf_free(&b);
    return rc;
}
