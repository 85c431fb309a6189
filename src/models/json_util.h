/* Small jansson helpers shared by the JSON model readers. Every failure
 * records "NAME: PATH: ..." and returns XPL_EFORMAT. */
#ifndef XPL_MODELS_JSON_UTIL_H
#define XPL_MODELS_JSON_UTIL_H

#include <jansson.h>
#include <stdint.h>

/* "an array", "a number", ... for messages. */
const char *xpl__json_type_text(const json_t *v);

/* `arr` must be an array of exactly n numbers (integers count); copy them
 * to v unless v is NULL. */
int xpl__json_numbers(const char *name, json_t *arr, const char *path,
                      size_t n, double *v);

/* `arr` must be an array of exactly n integers; copy them to v. */
int xpl__json_ints(const char *name, json_t *arr, const char *path, size_t n,
                   int64_t *v);

/* `arr` must be an array; its length, or an error naming `path`. */
int xpl__json_array_len(const char *name, json_t *arr, const char *path,
                        size_t *n);

#endif
