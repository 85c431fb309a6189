/* Explaining a batch of rows on several threads. */
#ifndef XPL_CLI_THREAD_POOL_H
#define XPL_CLI_THREAD_POOL_H

#include <stdatomic.h>
#include <stddef.h>

#include "explain_methods.h"

struct batch {
    const xpl_explainer *ex;
    xpl_workspace **ws;
    const double *x;
    size_t n;
    struct results *res;
    int *rc;
    char (*msg)[256];
    atomic_size_t next;
};

/* Explain the batch on `threads` threads (the calling one included). Row
 * i's status goes to b->rc[i], its message (if any) to b->msg[i]. */
void run_batch(struct batch *b, size_t threads);

#endif
