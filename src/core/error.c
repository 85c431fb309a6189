#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One message per thread: callers on different threads never see each
 * other's errors, and no lock is needed. */
static _Thread_local char last_error[1024];

/* A message is one line: control bytes that come from the input (a
 * feature or JSON key named "a\nb") are shown as \xNN. */
static void set_message(const char *text)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            if (o + 1 >= sizeof last_error)
                break;
            last_error[o++] = (char)*p;
            continue;
        }
        if (o + 4 >= sizeof last_error)
            break;
        last_error[o++] = '\\';
        last_error[o++] = 'x';
        last_error[o++] = hex[*p >> 4];
        last_error[o++] = hex[*p & 15];
    }
    last_error[o] = '\0';
}

int xpl__error(int code, const char *fmt, ...)
{
    char text[sizeof last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    set_message(text);
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

void xpl__strings_free(char **s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

int xpl__io_error(const char *path, const char *what, int err)
{
    char text[128];
    if (strerror_r(err, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", err);
    return xpl__error(XPL_EIO, "%s: cannot %s: %s", path, what, text);
}
