/* Sorted names for lookups and the duplicate check. */
#ifndef XPL_DATA_NAMES_H
#define XPL_DATA_NAMES_H

#include <stddef.h>

/* "no such name" from xpl__names_find; "no duplicate" in *dup_second. */
#define XPL__NO_NAME ((size_t)-1)

typedef struct xpl__named {
    const char *name;
    size_t index; /* position in the unsorted list */
} xpl__named;

/* names[0..n) sorted by (name, index) for binary search; NULL if out of
 * memory. The first duplicate in column order (the pair whose
 * second occurrence comes first) goes to *dup_first and *dup_second;
 * *dup_second is XPL__NO_NAME when every name is distinct. */
xpl__named *xpl__names_sorted(const char *const *names, size_t n,
                              size_t *dup_first, size_t *dup_second);

/* The index of `name` in sorted[0..n), or XPL__NO_NAME. */
size_t xpl__names_find(const xpl__named *sorted, size_t n, const char *name);

/* If `name` is in sorted[0..n) more than once, set *first and *second to
 * its first two indices. */
void xpl__names_duplicate_of(const xpl__named *sorted, size_t n,
                             const char *name, size_t *first,
                             size_t *second);

#endif
