/* Explaining a batch of rows on several threads: each thread takes the next
 * unexplained row until none is left; results land in the row's slot, so
 * the output order is the input order whatever the threads. */
#include "thread_pool.h"

static void *work(void *arg)
{
    struct worker *w = arg;
    struct batch *b = w->b;
    size_t P = xpl_explainer_n_features(b->ex);
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            break;
        const double *x = b->x + i * P;
        b->rc[i] = explainer_row(b->ex, b->ws[w->id], x, b->res, i,
                                 b->msg[i], sizeof b->msg[i]);
        if (b->after && !b->rc[i])
            b->after_rc[i] = b->after(b->after_ctx, w->id, i);
    }
    return NULL;
}

void batch_start(struct batch *b, size_t threads)
{
    atomic_store(&b->next, 0);
    if (threads > b->n)
        threads = b->n;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    b->started = 0;
    for (size_t t = 1; t < threads; t++) {
        b->wk[t].b = b;
        b->wk[t].id = t;
        if (pthread_create(&b->tid[t], NULL, work, &b->wk[t]) != 0)
            break; /* the threads already started and the caller cope */
        b->started = t;
    }
}

void batch_finish(struct batch *b)
{
    b->wk[0].b = b;
    b->wk[0].id = 0;
    work(&b->wk[0]);
    for (size_t t = 1; t <= b->started; t++)
        pthread_join(b->tid[t], NULL);
    b->started = 0;
}

void run_batch(struct batch *b, size_t threads)
{
    batch_start(b, threads);
    batch_finish(b);
}
