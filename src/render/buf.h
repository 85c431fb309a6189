/* The renderers' output: a growable byte buffer appended to without stdio.
 * Writing through FILE * costs a locked, general-purpose call per piece
 * (glibc's _IO_default_xsputn); rows of numbers are thousands of small
 * pieces, so the renderers build bytes here and hand them over whole: to a
 * FILE * (the public writers), to the caller's xpl_bytes
 * (xpl_render_append), or to a worker's per-batch buffer in the CLI. */
#ifndef XPL_RENDER_BUF_H
#define XPL_RENDER_BUF_H

#include <stdio.h>
#include <string.h>

#include "core/shortest.h"

typedef struct xpl__buf {
    char *data;
    size_t len, cap;
    int owned;  /* data is heap memory of the buffer's, not the caller's */
    int failed; /* an allocation failed: appends are dropped from then on */
} xpl__buf;

/* Start on the caller's storage (e.g. a stack array); the first append
 * that does not fit moves the bytes to the heap. */
void xpl__buf_init(xpl__buf *b, char *storage, size_t size);

/* Release heap memory (NULL-safe members); the buffer is empty again. */
void xpl__buf_free(xpl__buf *b);

/* Make room for `more` bytes past len; 0, or -1 (and failed set). */
int xpl__buf_reserve(xpl__buf *b, size_t more);

static inline void xpl__buf_put(xpl__buf *b, const char *p, size_t n)
{
    if (n == 0 || (b->cap - b->len < n && xpl__buf_reserve(b, n)))
        return; /* n == 0: data may still be NULL */
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void xpl__buf_puts(xpl__buf *b, const char *s)
{
    xpl__buf_put(b, s, strlen(s));
}

static inline void xpl__buf_putc(xpl__buf *b, char c)
{
    if (b->cap == b->len && xpl__buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
}

/* v in the shortest round-trip form (core/shortest.h, "nan", "inf"). */
static inline void xpl__buf_double(xpl__buf *b, double v)
{
    if (b->cap - b->len < XPL__SHORTEST_SIZE &&
        xpl__buf_reserve(b, XPL__SHORTEST_SIZE))
        return;
    b->len += xpl__shortest_format(b->data + b->len, v);
}

/* n in decimal. */
static inline void xpl__buf_uint(xpl__buf *b, unsigned long long n)
{
    if (b->cap - b->len < 20 && xpl__buf_reserve(b, 20))
        return;
    b->len = (size_t)(xpl__put_uint(b->data + b->len, n) - b->data);
}

/* printf into the buffer: for headers and labels, never per number. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void xpl__buf_printf(xpl__buf *b, const char *fmt, ...);

/* Write the bytes to fp. XPL_OK; XPL_ENOMEM if an append failed;
 * XPL_EIO (naming fn) if the write failed or fp's error flag is set. */
int xpl__buf_write(const xpl__buf *b, FILE *fp, const char *fn);

#endif
