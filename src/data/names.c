/* Names sorted for lookup: CSV headers against the wanted columns, and the
 * duplicate check of every set of column or feature names. */
#include "data/names.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int compare_named(const void *a, const void *b)
{
    const xpl__named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

xpl__named *xpl__names_sorted(const char *const *names, size_t n,
                              size_t *dup_first, size_t *dup_second)
{
    xpl__named *sorted = xpl__malloc_array(n, sizeof *sorted);
    if (!sorted)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        sorted[i].name = names[i];
        sorted[i].index = i;
    }
    qsort(sorted, n, sizeof *sorted, compare_named);
    *dup_second = XPL__NO_NAME;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1].name, sorted[i].name) == 0 &&
            sorted[i].index < *dup_second) {
            *dup_first = sorted[i - 1].index;
            *dup_second = sorted[i].index;
        }
    }
    return sorted;
}

size_t xpl__names_find(const xpl__named *sorted, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted[mid].name, name);
        if (c == 0)
            return sorted[mid].index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return XPL__NO_NAME;
}

void xpl__names_duplicate_of(const xpl__named *sorted, size_t n,
                             const char *name, size_t *first,
                             size_t *second)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first entry >= name */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(sorted[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo + 1 < n && strcmp(sorted[lo].name, name) == 0 &&
        strcmp(sorted[lo + 1].name, name) == 0) {
        *first = sorted[lo].index;
        *second = sorted[lo + 1].index;
    }
}
