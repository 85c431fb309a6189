#include "data/category_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "data/names.h"

void xpl__catnames_free(xpl__catnames *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->names && i < c->n; i++)
        free(c->names[i]);
    free(c->names);
    free(c->sorted);
    free(c);
}

int xpl__catnames_new(xpl__catnames **out, const char *const *names,
                      size_t n, const char *what)
{
    *out = NULL;
    if (n == 0 || !names)
        return xpl__error(XPL_EINVAL, "%s: no category names", what);
    if (n > XPL_MAX_CATEGORIES)
        return xpl__error(XPL_ELIMIT, "%s: %zu categories: more than the "
                          "limit %zu", what, n, XPL_MAX_CATEGORIES);
    for (size_t i = 0; i < n; i++) {
        size_t len = names[i] ? strlen(names[i]) : 0;
        if (len == 0)
            return xpl__error(XPL_EINVAL, "%s: the name of category %zu is "
                              "empty", what, i);
        if (len > XPL_MAX_NAME_LENGTH)
            return xpl__error(XPL_ELIMIT, "%s: the name of category %zu is "
                              "longer than %zu bytes", what, i,
                              XPL_MAX_NAME_LENGTH);
        if (!xpl__utf8_valid(names[i], len))
            return xpl__error(XPL_EINVAL, "%s: the name of category %zu is "
                              "not valid UTF-8", what, i);
    }
    xpl__catnames *c = calloc(1, sizeof *c);
    if (!c)
        return xpl__enomem();
    c->names = xpl__calloc_array(n, sizeof *c->names);
    c->n = n;
    int rc = c->names ? XPL_OK : xpl__enomem();
    for (size_t i = 0; !rc && i < n; i++)
        if (!(c->names[i] = xpl__strdup(names[i])))
            rc = xpl__enomem();
    size_t first = 0, second = XPL__NO_NAME;
    if (!rc && !(c->sorted = xpl__names_sorted((const char *const *)c->names,
                                               n, &first, &second)))
        rc = xpl__enomem();
    if (!rc && second != XPL__NO_NAME)
        rc = xpl__error(XPL_EINVAL, "%s: categories %zu and %zu are both "
                        "named \"%.200s\"", what, first, second,
                        c->names[second]);
    if (rc) {
        xpl__catnames_free(c);
        return rc;
    }
    *out = c;
    return XPL_OK;
}

int64_t xpl__catnames_find(const xpl__catnames *c, const char *s, size_t len)
{
    /* s[len] is NUL; a NUL byte inside would cut the comparison short */
    if (memchr(s, '\0', len))
        return -1;
    size_t k = xpl__names_find(c->sorted, c->n, s);
    return k == XPL__NO_NAME ? -1 : (int64_t)k;
}

void xpl__catnames_list(const xpl__catnames *c, char *buf, size_t cap)
{
    size_t len = 0, shown = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->n && shown < 8; i++) {
        int k = snprintf(buf + len, cap - len, "%s\"%.40s\"", i ? ", " : "",
                         c->names[i]);
        if (k < 0 || (size_t)k >= cap - len - 24) {
            buf[len] = '\0';
            break;
        }
        len += (size_t)k;
        shown++;
    }
    if (shown < c->n)
        snprintf(buf + len, cap - len, "%s... (%zu names)", shown ? ", " : "",
                 c->n);
}
