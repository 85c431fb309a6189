/* Thread-local error messages and small checked-arithmetic helpers. */
#ifndef XPL_CORE_ERROR_H
#define XPL_CORE_ERROR_H

#include <stddef.h>
#include <xplain/xplain.h>

#if defined(__GNUC__)
#define XPL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define XPL__PRINTF(a, b)
#endif

/* Record a message for xpl_last_error() on this thread and return `code`,
 * so that failures read `return xpl__error(XPL_EFORMAT, "%s:%d: ...", ...)`. */
int xpl__error(int code, const char *fmt, ...) XPL__PRINTF(2, 3);

/* For readers of files: prefix the current message (from a constructor that
 * knows no file name) with "name: ", and report a bad argument as malformed
 * content (XPL_EFORMAT). XPL_ENOMEM passes through unchanged. */
int xpl__error_in_file(int code, const char *name);

/* Out-of-memory is reported with a fixed message (formatting may allocate). */
int xpl__enomem(void);

/* a * b without overflow: 1 and *out set, or 0 on overflow. */
static inline int xpl__mul_ok(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a)
        return 0;
    *out = a * b;
    return 1;
}

/* malloc(a * b) with an overflow check; NULL on overflow or failure.
 * Never returns NULL for a zero-byte request that succeeded (allocates 1). */
void *xpl__malloc_array(size_t a, size_t b);
void *xpl__calloc_array(size_t a, size_t b);

/* XPL_EIO with "PATH: cannot WHAT: strerror(err)". */
int xpl__io_error(const char *path, const char *what, int err);

/* Heap copy of a NUL-terminated string, or NULL. */
char *xpl__strdup(const char *s);

/* Free an array of n heap strings (NULL entries allowed) and the array;
 * NULL does nothing. */
void xpl__strings_free(char **s, size_t n);

#endif
