#include "core/bytes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* ----------------------------------------------------------------- writer */

void xpl__writer_init(xpl__writer *w)
{
    w->data = NULL;
    w->size = 0;
    w->cap = 0;
    w->failed = 0;
}

void xpl__writer_free(xpl__writer *w)
{
    free(w->data);
    xpl__writer_init(w);
}

unsigned char *xpl__writer_take(xpl__writer *w, size_t *size)
{
    if (!w->failed && !w->data)
        w->data = malloc(1);
    if (w->failed || !w->data) {
        xpl__writer_free(w);
        return NULL;
    }
    unsigned char *data = w->data;
    *size = w->size;
    xpl__writer_init(w);
    return data;
}

/* Room for n more bytes; 0 (and the writer marked failed) if impossible. */
static int reserve(xpl__writer *w, size_t n)
{
    if (w->failed)
        return 0;
    if (n <= w->cap - w->size)
        return 1;
    if (n > (size_t)-1 - w->size) {
        w->failed = 1;
        return 0;
    }
    size_t need = w->size + n;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < need)
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    unsigned char *data = realloc(w->data, cap);
    if (!data) {
        w->failed = 1;
        return 0;
    }
    w->data = data;
    w->cap = cap;
    return 1;
}

static void put_le(xpl__writer *w, uint64_t v, size_t n)
{
    if (!reserve(w, n))
        return;
    for (size_t i = 0; i < n; i++)
        w->data[w->size + i] = (unsigned char)(v >> (8 * i));
    w->size += n;
}

void xpl__put_u8(xpl__writer *w, uint8_t v)
{
    put_le(w, v, 1);
}

void xpl__put_u16(xpl__writer *w, uint16_t v)
{
    put_le(w, v, 2);
}

void xpl__put_u32(xpl__writer *w, uint32_t v)
{
    put_le(w, v, 4);
}

void xpl__put_u64(xpl__writer *w, uint64_t v)
{
    put_le(w, v, 8);
}

void xpl__put_f64(xpl__writer *w, double v)
{
    /* memcpy, not arithmetic, so that a signalling NaN is not quietened. */
    uint64_t bits = 0;
    memcpy(&bits, &v, sizeof bits);
    put_le(w, bits, 8);
}

void xpl__put_bytes(xpl__writer *w, const void *p, size_t n)
{
    if (n == 0 || !reserve(w, n))
        return;
    memcpy(w->data + w->size, p, n);
    w->size += n;
}

void xpl__put_string(xpl__writer *w, const char *s, size_t n)
{
    if (n > UINT32_MAX) {
        w->failed = 1;
        return;
    }
    xpl__put_u32(w, (uint32_t)n);
    xpl__put_bytes(w, s, n);
}

void xpl__patch_u64(xpl__writer *w, size_t offset, uint64_t v)
{
    if (w->failed || offset > w->size || w->size - offset < 8)
        return;
    for (size_t i = 0; i < 8; i++)
        w->data[offset + i] = (unsigned char)(v >> (8 * i));
}

/* ----------------------------------------------------------------- reader */

void xpl__reader_init(xpl__reader *r, const void *data, size_t size,
                      const char *name)
{
    r->data = data;
    r->pos = 0;
    r->end = size;
    r->name = name;
}

int xpl__reader_error(const xpl__reader *r, size_t offset, int code,
                      const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return xpl__error(code, "%s: offset %zu: %s", r->name, offset, msg);
}

static int truncated(const xpl__reader *r, uint64_t n)
{
    return xpl__reader_error(r, r->pos, XPL_EFORMAT,
                             "truncated: %llu bytes needed, %zu left",
                             (unsigned long long)n, xpl__reader_left(r));
}

int xpl__reader_sub(xpl__reader *r, uint64_t n, xpl__reader *sub)
{
    if (n > xpl__reader_left(r))
        return truncated(r, n);
    *sub = *r;
    sub->end = r->pos + (size_t)n;
    r->pos = sub->end;
    return XPL_OK;
}

int xpl__reader_skip(xpl__reader *r, uint64_t n)
{
    if (n > xpl__reader_left(r))
        return truncated(r, n);
    r->pos += (size_t)n;
    return XPL_OK;
}

static int get_le(xpl__reader *r, size_t n, uint64_t *v)
{
    if (n > xpl__reader_left(r))
        return truncated(r, n);
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)r->data[r->pos + i] << (8 * i);
    r->pos += n;
    *v = x;
    return XPL_OK;
}

int xpl__get_u8(xpl__reader *r, uint8_t *v)
{
    uint64_t x = 0;
    int rc = get_le(r, 1, &x);
    if (!rc)
        *v = (uint8_t)x;
    return rc;
}

int xpl__get_u16(xpl__reader *r, uint16_t *v)
{
    uint64_t x = 0;
    int rc = get_le(r, 2, &x);
    if (!rc)
        *v = (uint16_t)x;
    return rc;
}

int xpl__get_u32(xpl__reader *r, uint32_t *v)
{
    uint64_t x = 0;
    int rc = get_le(r, 4, &x);
    if (!rc)
        *v = (uint32_t)x;
    return rc;
}

int xpl__get_u64(xpl__reader *r, uint64_t *v)
{
    return get_le(r, 8, v);
}

int xpl__get_f64(xpl__reader *r, double *v)
{
    uint64_t bits = 0;
    int rc = get_le(r, 8, &bits);
    if (!rc)
        memcpy(v, &bits, sizeof *v);
    return rc;
}

int xpl__get_bytes(xpl__reader *r, void *out, size_t n)
{
    if (n > xpl__reader_left(r))
        return truncated(r, n);
    if (n)
        memcpy(out, r->data + r->pos, n);
    r->pos += n;
    return XPL_OK;
}

int xpl__get_string(xpl__reader *r, size_t max_len, char **out)
{
    size_t at = r->pos;
    uint32_t len;
    int rc = xpl__get_u32(r, &len);
    if (rc)
        return rc;
    if (len == 0)
        return xpl__reader_error(r, at, XPL_EFORMAT, "empty string");
    if (len > max_len)
        return xpl__reader_error(r, at, XPL_ELIMIT, "string of %lu bytes: "
                                 "longer than the limit %zu",
                                 (unsigned long)len, max_len);
    if (len > xpl__reader_left(r))
        return truncated(r, len);
    const unsigned char *p = r->data + r->pos;
    if (memchr(p, 0, len))
        return xpl__reader_error(r, at, XPL_EFORMAT, "string contains a NUL "
                                 "byte");
    if (!xpl__utf8_valid(p, len))
        return xpl__reader_error(r, at, XPL_EFORMAT, "string is not valid "
                                 "UTF-8");
    char *s = malloc((size_t)len + 1);
    if (!s)
        return xpl__enomem();
    memcpy(s, p, len);
    s[len] = '\0';
    r->pos += len;
    *out = s;
    return XPL_OK;
}

int xpl__reader_need(const xpl__reader *r, uint64_t count, uint64_t elem_size,
                     const char *what)
{
    uint64_t left = xpl__reader_left(r);
    if (elem_size != 0 && count > left / elem_size)
        return xpl__reader_error(r, r->pos, XPL_EFORMAT,
                                 "%llu %s need at least %llu bytes each, only "
                                 "%llu bytes left", (unsigned long long)count,
                                 what, (unsigned long long)elem_size,
                                 (unsigned long long)left);
    return XPL_OK;
}

/* ------------------------------------------------------------------ UTF-8 */

int xpl__utf8_valid(const void *s, size_t n)
{
    const unsigned char *p = s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned min;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            min = 0x10000;
        } else {
            return 0; /* continuation byte, overlong lead, or > U+10FFFF */
        }
        if (n - i < len)
            return 0;
        unsigned cp = c & (0xffu >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}
