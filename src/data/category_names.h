/* The names of one categorical feature's categories, in code order, with a
 * sorted index for looking a name up: shared by the CSV reader (cells that
 * hold a name) and the model (names it stores or is given). */
#ifndef XPL_DATA_CATEGORY_NAMES_H
#define XPL_DATA_CATEGORY_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

typedef struct xpl__catnames {
    size_t n;         /* names: code c is names[c] */
    char **names;     /* owned */
    struct xpl__named *sorted; /* the names sorted (data/names.h) */
} xpl__catnames;

/* Validate and copy n names (1 <= n <= XPL_MAX_CATEGORIES; each non-empty,
 * at most XPL_MAX_NAME_LENGTH bytes of UTF-8; no two alike). `what` names
 * the feature in messages ("feature \"colour\""). XPL_EINVAL naming the
 * offending code, XPL_ELIMIT, XPL_ENOMEM. */
int xpl__catnames_new(xpl__catnames **out, const char *const *names,
                      size_t n, const char *what);
void xpl__catnames_free(xpl__catnames *c);

/* The code whose name is s[0..len) (s[len] must be NUL), or -1. */
int64_t xpl__catnames_find(const xpl__catnames *c, const char *s, size_t len);

/* Up to `max` names, comma-separated and quoted, into buf (for messages:
 * `"red", "green", ... (12 names)`). */
void xpl__catnames_list(const xpl__catnames *c, char *buf, size_t cap);

#endif
