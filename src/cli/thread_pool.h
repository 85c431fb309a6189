/* Explaining a batch of rows on several threads. */
#ifndef XPL_CLI_THREAD_POOL_H
#define XPL_CLI_THREAD_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "explain_methods.h"

/* --threads is at most this (explain_args.c checks it). */
enum { MAX_THREADS = 1024 };

struct batch;

struct worker {
    struct batch *b;
    size_t id;
};

struct batch {
    const xpl_explainer *ex;
    xpl_workspace **ws;
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
    atomic_size_t next;
    /* the threads batch_start started */
    size_t started;
    pthread_t tid[MAX_THREADS];
    struct worker wk[MAX_THREADS];
};

/* Start explaining the batch on threads - 1 new threads and return at
 * once: the calling thread is free (to read the next batch, to write the
 * previous one) until it calls batch_finish. Row i's status goes to
 * b->rc[i], its message (if any) to b->msg[i]. */
void batch_start(struct batch *b, size_t threads);

/* Explain the rows nobody has taken yet on the calling thread (as thread
 * 0), then wait for the threads of batch_start. */
void batch_finish(struct batch *b);

/* batch_start and batch_finish at once. */
void run_batch(struct batch *b, size_t threads);

#endif
