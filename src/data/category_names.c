#include "data/category_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"

/* Names compare as byte strings of known length (a prefix sorts first). */
static int compare_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

/* qsort has no context argument: sort pairs of (name, code) instead. */
struct pair {
    const char *name;
    uint32_t code;
};

static int compare_pairs(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    return strcmp(x->name, y->name);
}

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
    struct pair *pairs = xpl__malloc_array(n, sizeof *pairs);
    if (!c || !pairs) {
        free(c);
        free(pairs);
        return xpl__enomem();
    }
    c->names = xpl__calloc_array(n, sizeof *c->names);
    c->sorted = xpl__malloc_array(n, sizeof *c->sorted);
    c->n = n;
    int rc = c->names && c->sorted ? XPL_OK : xpl__enomem();
    for (size_t i = 0; !rc && i < n; i++)
        if (!(c->names[i] = xpl__strdup(names[i])))
            rc = xpl__enomem();
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            pairs[i] = (struct pair){ c->names[i], (uint32_t)i };
        qsort(pairs, n, sizeof *pairs, compare_pairs);
        for (size_t i = 0; i < n; i++) {
            c->sorted[i] = pairs[i].code;
            if (i > 0 && strcmp(pairs[i - 1].name, pairs[i].name) == 0) {
                uint32_t a = pairs[i - 1].code, b = pairs[i].code;
                rc = xpl__error(XPL_EINVAL, "%s: categories %lu and %lu "
                                "are both named \"%.200s\"", what,
                                (unsigned long)(a < b ? a : b),
                                (unsigned long)(a < b ? b : a),
                                pairs[i].name);
                break;
            }
        }
    }
    free(pairs);
    if (rc) {
        xpl__catnames_free(c);
        return rc;
    }
    *out = c;
    return XPL_OK;
}

int64_t xpl__catnames_find(const xpl__catnames *c, const char *s, size_t len)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *name = c->names[c->sorted[mid]];
        int cmp = compare_bytes(name, strlen(name), s, len);
        if (cmp == 0)
            return c->sorted[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
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
