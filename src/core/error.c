#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One message per thread: callers on different threads never see each
 * other's errors, and no lock is needed. */
static _Thread_local char last_error[1024];

int xpl__error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return code;
}

int xpl__error_in_file(int code, const char *name)
{
    if (code == XPL_ENOMEM)
        return code;
    char msg[sizeof last_error];
    memcpy(msg, last_error, sizeof msg);
    /* Through xpl__error: a long message is cut, which is intended. */
    return xpl__error(code == XPL_EINVAL ? XPL_EFORMAT : code, "%s: %s", name,
                      msg);
}

int xpl__enomem(void)
{
    static const char msg[] = "out of memory";
    memcpy(last_error, msg, sizeof msg);
    return XPL_ENOMEM;
}

const char *xpl_last_error(void)
{
    return last_error;
}

const char *xpl_strerror(int code)
{
    switch (code) {
    case XPL_OK: return "success";
    case XPL_EINVAL: return "invalid argument";
    case XPL_ENOMEM: return "out of memory";
    case XPL_EIO: return "input/output error";
    case XPL_EFORMAT: return "malformed input";
    case XPL_EVERSION: return "unsupported format version";
    case XPL_ESHAPE: return "dimensions or names do not match";
    case XPL_ENUMERIC: return "numerical failure";
    case XPL_ELIMIT: return "size limit exceeded";
    case XPL_EUNSUPPORTED: return "not supported";
    case XPL_EUSER: return "user callback failed";
    default: return "unknown error";
    }
}

void xpl_free(void *p)
{
    free(p);
}

void *xpl__malloc_array(size_t a, size_t b)
{
    size_t bytes;
    if (!xpl__mul_ok(a, b, &bytes))
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *xpl__calloc_array(size_t a, size_t b)
{
    size_t bytes;
    if (!xpl__mul_ok(a, b, &bytes))
        return NULL;
    return calloc(bytes ? bytes : 1, 1);
}

char *xpl__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}
