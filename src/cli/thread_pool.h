/* Explaining batches of rows on long-lived threads. */
#ifndef XPL_CLI_THREAD_POOL_H
#define XPL_CLI_THREAD_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "explain_methods.h"

/* --threads is at most this (explain_args.c checks it). */
enum { MAX_THREADS = 1024 };

/* A batch of rows to explain: set the fields, then pool_submit. */
struct batch {
    const xpl_explainer *ex;
    xpl_workspace **ws;     /* one per thread of the pool */
    const double *x;
    size_t n;
    struct results *res;
    int *rc;
    char (*msg)[256];
    /* Optional: called on the explaining thread right after row i was
     * explained without error (to render it there, off the writing
     * thread); its return value goes to after_rc[i]. */
    int (*after)(void *ctx, size_t thread, size_t i);
    void *after_ctx;
    int *after_rc;
    /* the pool's: */
    atomic_size_t next;     /* the next row nobody has taken */
    size_t done;            /* rows explained (under the pool's lock) */
    size_t inside;          /* threads taking its rows (ditto) */
    struct batch *queued;   /* the batch submitted after it */
};

struct pool;

/* Start threads - 1 threads (the caller is the other one) that wait for
 * batches. Returns 0, or an errno value with nothing started. */
int pool_new(struct pool **out, size_t threads);

/* Stop and join the threads. Every submitted batch must have been waited
 * for. NULL-safe. */
void pool_free(struct pool *p);

/* Hand the batch to the threads and return at once: the caller is free to
 * read the next batch or write the previous one. The threads take rows of
 * the batches in the order submitted, moving on to the next batch as soon
 * as one has no rows left, so a thread never waits while a submitted
 * batch has rows. Row i's status goes to b->rc[i], its message (if any) to
 * b->msg[i]; the results land in row i's slot, so the output order is the
 * input order whatever the threads. */
void pool_submit(struct pool *p, struct batch *b);

/* Explain the batch's rows that nobody has taken on the calling thread
 * (as thread 0), then wait until every row of it is done and no thread
 * touches it any more: then b and its buffers are the caller's again. */
void pool_wait(struct pool *p, struct batch *b);

#endif
