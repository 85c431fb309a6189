#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

double bench_now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int bench_parse_size(const char *prog, const char *text, const char *what,
                     size_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || v == 0 || text[0] == '-') {
        fprintf(stderr, "%s: %s: expected a positive integer, found \"%s\"\n",
                prog, what, text);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}
