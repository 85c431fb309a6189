#include "render/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/error.h"

void xpl__buf_init(xpl__buf *b, char *storage, size_t size)
{
    *b = (xpl__buf){ .data = storage, .cap = storage ? size : 0 };
}

void xpl__buf_free(xpl__buf *b)
{
    if (b->owned)
        free(b->data);
    *b = (xpl__buf){ 0 };
}

int xpl__buf_reserve(xpl__buf *b, size_t more)
{
    if (b->failed)
        return -1;
    if (b->cap - b->len >= more)
        return 0;
    if (more > SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    /* doubling: appends cost amortised O(1) */
    size_t cap = b->cap < 256 ? 256 : b->cap;
    while (cap - b->len < more)
        cap *= 2;
    char *p = b->owned ? realloc(b->data, cap) : malloc(cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    if (!b->owned && b->len)
        memcpy(p, b->data, b->len);
    b->data = p;
    b->cap = cap;
    b->owned = 1;
    return 0;
}

void xpl__buf_printf(xpl__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        xpl__buf_put(b, small, (size_t)n);
        return;
    }
    if (xpl__buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int xpl__buf_write(const xpl__buf *b, FILE *fp, const char *fn)
{
    if (b->failed)
        return xpl__enomem();
    if ((b->len && fwrite(b->data, 1, b->len, fp) != b->len) || ferror(fp))
        return xpl__error(XPL_EIO, "%s: write error", fn);
    return XPL_OK;
}
