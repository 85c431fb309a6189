/* The progress line of explain. */
#ifndef XPL_CLI_PROGRESS_H
#define XPL_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct progress {
    int on;
    uint64_t total_bytes; /* size of a regular input file, else 0 */
    struct timespec start, last;
};

/* Start the clock; `on` draws the line at all; rows_path ("-" for stdin)
 * gives the total size when it is a regular file. */
void progress_start(struct progress *p, int on, const char *rows_path);

/* Rows done, the rate and, for a file of known size, the time left from
 * the share of bytes read; redrawn at most 4 times a second and only on a
 * terminal, so piped or logged stderr stays clean. */
void progress_update(struct progress *p, size_t rows, uint64_t bytes,
                     int last);

#endif
