/* Little-endian byte buffers for model.bin: a growable writer and a
 * bounds-checked reader. Values are assembled byte by byte, so the encoding
 * is the same on every host whatever its endianness or alignment rules. */
#ifndef XPL_CORE_BYTES_H
#define XPL_CORE_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* ----------------------------------------------------------------- writer */

/* Append-only buffer. A failed allocation sets `failed` and turns every later
 * call into a no-op, so a writer can emit a whole file and check once. */
typedef struct xpl__writer {
    unsigned char *data;
    size_t size;
    size_t cap;
    int failed;
} xpl__writer;

void xpl__writer_init(xpl__writer *w);
/* Release the buffer (if not taken by xpl__writer_take). */
void xpl__writer_free(xpl__writer *w);
/* Hand the bytes to the caller (free with free()); NULL if any call failed,
 * in which case the writer is released. Never NULL for a 0-byte success. */
unsigned char *xpl__writer_take(xpl__writer *w, size_t *size);

void xpl__put_u8(xpl__writer *w, uint8_t v);
void xpl__put_u16(xpl__writer *w, uint16_t v);
void xpl__put_u32(xpl__writer *w, uint32_t v);
void xpl__put_u64(xpl__writer *w, uint64_t v);
/* The IEEE-754 binary64 bit pattern: NaN payloads and -0.0 are preserved. */
void xpl__put_f64(xpl__writer *w, double v);
void xpl__put_bytes(xpl__writer *w, const void *p, size_t n);
/* u32 byte length, then the bytes (no terminator). n must fit in a u32. */
void xpl__put_string(xpl__writer *w, const char *s, size_t n);
/* Overwrite 8 bytes already written at `offset` (a length known only after
 * its payload was written). */
void xpl__patch_u64(xpl__writer *w, size_t offset, uint64_t v);

/* ----------------------------------------------------------------- reader */

/* A cursor over [pos, end) of a const buffer. Offsets in messages are
 * absolute positions in `data`, so a reader restricted to one section still
 * reports where the problem is in the file. Every failing call records
 * "NAME: offset N: ..." with xpl__error and returns XPL_EFORMAT (or the code
 * documented below); the cursor is then unspecified. */
typedef struct xpl__reader {
    const unsigned char *data;
    size_t pos;
    size_t end;
    const char *name;
} xpl__reader;

void xpl__reader_init(xpl__reader *r, const void *data, size_t size,
                      const char *name);

static inline size_t xpl__reader_left(const xpl__reader *r)
{
    return r->end - r->pos;
}

/* A reader over the next n bytes, which this reader skips. XPL_EFORMAT if
 * fewer than n are left. */
int xpl__reader_sub(xpl__reader *r, uint64_t n, xpl__reader *sub);
int xpl__reader_skip(xpl__reader *r, uint64_t n);

int xpl__get_u8(xpl__reader *r, uint8_t *v);
int xpl__get_u16(xpl__reader *r, uint16_t *v);
int xpl__get_u32(xpl__reader *r, uint32_t *v);
int xpl__get_u64(xpl__reader *r, uint64_t *v);
int xpl__get_f64(xpl__reader *r, double *v);
int xpl__get_bytes(xpl__reader *r, void *out, size_t n);

/* A u32-length-prefixed string copied into a new NUL-terminated heap string.
 * Length 0 or an embedded NUL or invalid UTF-8: XPL_EFORMAT; longer than
 * max_len: XPL_ELIMIT; allocation: XPL_ENOMEM. The length is checked against
 * the bytes left before anything is allocated. */
int xpl__get_string(xpl__reader *r, size_t max_len, char **out);

/* Check, before allocating, that `count` elements of at least `elem_size`
 * bytes each can still be read: count * elem_size <= bytes left, computed
 * without overflow. `what` names the elements in the message
 * ("NAME: offset N: 1152921504606846976 feature names need at least ... bytes,
 * only 40 left"). */
int xpl__reader_need(const xpl__reader *r, uint64_t count, uint64_t elem_size,
                     const char *what);

/* Record "NAME: offset OFFSET: <message>" and return `code`. */
int xpl__reader_error(const xpl__reader *r, size_t offset, int code,
                      const char *fmt, ...) XPL__PRINTF(4, 5);

/* ------------------------------------------------------------------ UTF-8 */

/* 1 if the n bytes are well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF), else 0. */
int xpl__utf8_valid(const void *s, size_t n);

#endif
