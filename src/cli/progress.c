/* The progress line of explain: rows done, rate and time left, on stderr. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "progress.h"

static double seconds_between(const struct timespec *a,
                              const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

void progress_update(struct progress *p, size_t rows, uint64_t bytes,
                            int last)
{
    if (!p->on)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!last && seconds_between(&p->last, &now) < 0.25)
        return;
    p->last = now;
    double t = seconds_between(&p->start, &now);
    fprintf(stderr, "\r\033[Kexplain: %zu row%s, %.1f rows/s, %.1f s", rows,
            rows == 1 ? "" : "s", t > 0 ? (double)rows / t : 0.0, t);
    if (!last && p->total_bytes && bytes > 0 && bytes < p->total_bytes)
        fprintf(stderr, ", about %.0f s left",
                t * (double)(p->total_bytes - bytes) / (double)bytes);
    if (last)
        fputc('\n', stderr);
    /* an error printed now first erases the unfinished line */
    cli_progress_shown(!last);
}

void progress_start(struct progress *p, int on, const char *rows_path)
{
    memset(p, 0, sizeof *p);
    p->on = on;
    struct stat in_st;
    if (strcmp(rows_path, "-") != 0 && stat(rows_path, &in_st) == 0 &&
        S_ISREG(in_st.st_mode))
        p->total_bytes = (uint64_t)in_st.st_size;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}
