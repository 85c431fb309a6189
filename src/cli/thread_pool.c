/* Explaining a batch of rows on several threads: each thread takes the next
 * unexplained row until none is left; results land in the row's slot, so
 * the output order is the input order whatever the threads. */
#include <pthread.h>

#include "thread_pool.h"

struct worker {
    struct batch *b;
    size_t id;
};

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
    }
    return NULL;
}

void run_batch(struct batch *b, size_t threads)
{
    atomic_store(&b->next, 0);
    if (threads > b->n)
        threads = b->n;
    pthread_t tid[1024];
    struct worker wk[1024];
    size_t started = 0;
    for (size_t t = 1; t < threads; t++) {
        wk[t].b = b;
        wk[t].id = t;
        if (pthread_create(&tid[t], NULL, work, &wk[t]) != 0)
            break;
        started = t;
    }
    wk[0].b = b;
    wk[0].id = 0;
    work(&wk[0]);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
}
