#include "models/json_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

const char *xpl__json_type_text(const json_t *v)
{
    if (!v)
        return "nothing (the key is missing)";
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "an unknown value";
}

int xpl__json_array_len(const char *name, json_t *arr, const char *path,
                        size_t *n)
{
    if (!json_is_array(arr))
        return xpl__error(XPL_EFORMAT, "%s: %s: expected an array, found %s",
                          name, path, xpl__json_type_text(arr));
    *n = json_array_size(arr);
    return XPL_OK;
}

int xpl__json_numbers(const char *name, json_t *arr, const char *path,
                      size_t n, double *v)
{
    if (!json_is_array(arr))
        return xpl__error(XPL_EFORMAT, "%s: %s: expected an array of %zu "
                          "numbers, found %s", name, path, n,
                          xpl__json_type_text(arr));
    if (json_array_size(arr) != n)
        return xpl__error(XPL_EFORMAT, "%s: %s: expected %zu numbers, found "
                          "%zu", name, path, n, json_array_size(arr));
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(arr, i);
        if (!json_is_number(x))
            return xpl__error(XPL_EFORMAT, "%s: %s[%zu]: expected a number, "
                              "found %s", name, path, i,
                              xpl__json_type_text(x));
        if (v)
            v[i] = json_number_value(x);
    }
    return XPL_OK;
}

int xpl__json_ints(const char *name, json_t *arr, const char *path, size_t n,
                   int64_t *v)
{
    if (!json_is_array(arr))
        return xpl__error(XPL_EFORMAT, "%s: %s: expected an array of %zu "
                          "integers, found %s", name, path, n,
                          xpl__json_type_text(arr));
    if (json_array_size(arr) != n)
        return xpl__error(XPL_EFORMAT, "%s: %s: expected %zu integers, found "
                          "%zu", name, path, n, json_array_size(arr));
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(arr, i);
        if (!json_is_integer(x))
            return xpl__error(XPL_EFORMAT, "%s: %s[%zu]: expected an "
                              "integer, found %s", name, path, i,
                              json_is_real(x) ? "a fraction"
                                              : xpl__json_type_text(x));
        v[i] = json_integer_value(x);
    }
    return XPL_OK;
}

static const struct {
    const char *token, *marker;
} nonfinite[] = {
    { "NaN", "\"N\"" },
    { "Infinity", "\"Infini\"" },
    { "-Infinity", "\"-Infini\"" },
};

int xpl__json_mark_nonfinite(const char *text, size_t size, char **copy)
{
    *copy = NULL;
    int in_string = 0;
    for (size_t i = 0; i < size; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
            continue;
        }
        for (size_t k = 0; k < sizeof nonfinite / sizeof nonfinite[0]; k++) {
            size_t n = strlen(nonfinite[k].token);
            if (c != nonfinite[k].token[0] || n > size - i ||
                memcmp(text + i, nonfinite[k].token, n) != 0)
                continue;
            if (!*copy) {
                *copy = malloc(size ? size : 1);
                if (!*copy)
                    return -1;
                memcpy(*copy, text, size);
            }
            memcpy(*copy + i, nonfinite[k].marker, n);
            i += n - 1;
            break;
        }
    }
    return *copy != NULL;
}

int xpl__json_number_or_marker(const json_t *x, double *v)
{
    if (json_is_number(x)) {
        *v = json_number_value(x);
        return 1;
    }
    const char *s = json_string_value(x);
    if (!s)
        return 0;
    if (strcmp(s, "N") == 0)
        *v = NAN;
    else if (strcmp(s, "Infini") == 0)
        *v = INFINITY;
    else if (strcmp(s, "-Infini") == 0)
        *v = -INFINITY;
    else
        return 0;
    return 1;
}
