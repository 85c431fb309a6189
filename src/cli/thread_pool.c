/* Explaining a batch of rows on several threads: each thread takes the next
 * unexplained row until none is left; results land in the row's slot, so
 * the output order is the input order whatever the threads. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "thread_pool.h"

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The row's key for the explainer's generator: a hash of its values, so a
 * row gets the same numbers wherever it appears in the input (and whatever
 * the threads). -0 counts as 0 and every NaN as the same missing value. */
static uint64_t row_key(const double *x, size_t P)
{
    uint64_t h = 0x3243f6a8885a308du;
    for (size_t j = 0; j < P; j++) {
        double v = x[j] == 0 ? 0.0 : x[j];
        uint64_t bits = 0x7ff8000000000000u;
        if (!isnan(v))
            memcpy(&bits, &v, sizeof bits);
        h = mix64(h ^ bits);
    }
    return h;
}

struct worker {
    struct batch *b;
    size_t id;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct batch *b = w->b;
    size_t P = b->ex->P;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            break;
        const double *x = b->x + i * P;
        b->rc[i] = explainer_row(b->ex, b->ws[w->id], x, row_key(x, P),
                                 b->res, i, b->msg[i], sizeof b->msg[i]);
        if (b->rc[i] && !b->msg[i][0])
            snprintf(b->msg[i], sizeof b->msg[i], "%s", xpl_last_error());
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
