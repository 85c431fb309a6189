/* Response buffers (on the library's xpl_bytes) and request errors of
 * explain serve. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
    xpl_bytes *x = &b->bytes;
    if (n == 0 || b->failed)
        return;
    /* most pieces fit: copied here, the library called only to grow */
    if (x->cap - x->len >= n) {
        memcpy(x->data + x->len, s, n);
        x->len += n;
    } else if (xpl_bytes_append(x, s, n)) {
        b->failed = 1;
    }
}

void sbuf_str(struct sbuf *b, const char *s)
{
    sbuf_add(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        sbuf_add(b, small, (size_t)n);
        return;
    }
    /* longer than any line serve formats today: a heap copy */
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sbuf_add(b, big, (size_t)n);
    free(big);
}

int sbuf_json_string(struct sbuf *b, const char *s)
{
    json_t *j = json_string(s); /* NULL for invalid UTF-8 */
    if (!j)
        return -1;
    char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    if (!text) {
        b->failed = 1;
        return 0;
    }
    sbuf_str(b, text);
    free(text);
    return 0;
}

void sbuf_free(struct sbuf *b)
{
    xpl_bytes_free(&b->bytes);
    b->failed = 0;
}

void serve_fail(struct serve_error *e, unsigned status, const char *fmt, ...)
{
    e->status = status;
    e->line = e->column = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}
