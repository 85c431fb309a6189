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

/* XGBoost writes NaN and infinities as bare tokens (NaN, Infinity,
 * -Infinity), which JSON and jansson reject. If `text` has such tokens
 * outside strings, *copy gets a copy where each is replaced by a string
 * of the same length ("N", "Infini", "-Infini": line and column numbers
 * stay right) and 1 is returned; else 0 (*copy NULL); -1: out of memory.
 * xpl__json_number_or_marker reads them back. */
int xpl__json_mark_nonfinite(const char *text, size_t size, char **copy);

/* A JSON number, or a marker string of xpl__json_mark_nonfinite: 1 and *v
 * set; else 0. */
int xpl__json_number_or_marker(const json_t *x, double *v);

#endif
