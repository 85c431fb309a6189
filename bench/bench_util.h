/* What the benchmark programs share: clocks, sorting timings and reading
 * counts from the command line. */
#ifndef XPL_BENCH_UTIL_H
#define XPL_BENCH_UTIL_H

#include <stddef.h>
#include <time.h>

/* Seconds on `clock` (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID, ...). */
double bench_now(clockid_t clock);

/* qsort's comparison of doubles, ascending. */
int bench_cmp_double(const void *a, const void *b);

/* A positive integer from text into *out; else prints
 * "PROG: WHAT: expected a positive integer" to stderr and returns -1. */
int bench_parse_size(const char *prog, const char *text, const char *what,
                     size_t *out);

#endif
