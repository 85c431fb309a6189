/* Explaining batches of rows on long-lived threads. Rows are taken one at a
 * time from a batch's atomic counter; the lock is taken only when a thread
 * enters or leaves a batch, so a batch of 256 rows costs each thread two
 * lock round trips. The threads live as long as the run: starting them per
 * batch cost about 65 us a batch (pthread_create and join, measured on the
 * 2-vCPU machine), and a fresh thread starts on cold caches. */
#include "thread_pool.h"

#include <errno.h>
#include <stdlib.h>

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work;      /* a batch was submitted, or quit */
    pthread_cond_t done;      /* a batch's last row was done */
    struct batch *head;       /* submitted, not yet waited for, in order */
    int quit;
    size_t n_threads;         /* started, the caller not counted */
    struct pool_thread {
        struct pool *p;
        size_t id;
        pthread_t tid;
    } t[];
};

/* Explain rows of b until none is left; returns how many this thread did. */
static size_t take_rows(struct batch *b, size_t id)
{
    size_t P = xpl_explainer_n_features(b->ex), did = 0;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            return did;
        const double *x = b->x + i * P;
        b->rc[i] = explainer_row(b->ex, b->ws[id], x, b->res, i, b->msg[i],
                                 sizeof b->msg[i]);
        if (b->after && !b->rc[i])
            b->after_rc[i] = b->after(b->after_ctx, id, i);
        did++;
    }
}

/* The first submitted batch with rows nobody has taken; under the lock. */
static struct batch *open_batch(struct pool *p)
{
    for (struct batch *b = p->head; b; b = b->queued)
        if (atomic_load(&b->next) < b->n)
            return b;
    return NULL;
}

/* Leave b having done `did` rows of it; under the lock. */
static void leave(struct pool *p, struct batch *b, size_t did)
{
    b->inside--;
    b->done += did;
    if (b->done == b->n && b->inside == 0)
        pthread_cond_broadcast(&p->done);
}

static void *thread_main(void *arg)
{
    struct pool_thread *t = arg;
    struct pool *p = t->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct batch *b = open_batch(p);
        if (!b) {
            if (p->quit)
                break;
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        b->inside++;
        pthread_mutex_unlock(&p->mu);
        size_t did = take_rows(b, t->id);
        pthread_mutex_lock(&p->mu);
        leave(p, b, did);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int pool_new(struct pool **out, size_t threads)
{
    *out = NULL;
    size_t n = threads > 1 ? threads - 1 : 0;
    struct pool *p = calloc(1, sizeof *p + n * sizeof p->t[0]);
    if (!p)
        return ENOMEM;
    int rc = pthread_mutex_init(&p->mu, NULL);
    if (rc) {
        free(p);
        return rc;
    }
    if ((rc = pthread_cond_init(&p->work, NULL))) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return rc;
    }
    if ((rc = pthread_cond_init(&p->done, NULL))) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return rc;
    }
    for (size_t k = 0; k < n; k++) {
        p->t[k].p = p;
        p->t[k].id = k + 1;
        if ((rc = pthread_create(&p->t[k].tid, NULL, thread_main, &p->t[k])))
        {
            pool_free(p); /* stops the ones started */
            return rc;
        }
        p->n_threads = k + 1;
    }
    *out = p;
    return 0;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (size_t k = 0; k < p->n_threads; k++)
        pthread_join(p->t[k].tid, NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

void pool_submit(struct pool *p, struct batch *b)
{
    atomic_store(&b->next, 0);
    b->done = 0;
    b->inside = 0;
    b->queued = NULL;
    pthread_mutex_lock(&p->mu);
    struct batch **end = &p->head;
    while (*end)
        end = &(*end)->queued;
    *end = b;
    if (p->n_threads)
        pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void pool_wait(struct pool *p, struct batch *b)
{
    pthread_mutex_lock(&p->mu);
    b->inside++;
    pthread_mutex_unlock(&p->mu);
    size_t did = take_rows(b, 0);
    pthread_mutex_lock(&p->mu);
    leave(p, b, did);
    while (b->done < b->n || b->inside > 0)
        pthread_cond_wait(&p->done, &p->mu);
    struct batch **at = &p->head;
    while (*at != b)
        at = &(*at)->queued;
    *at = b->queued;
    pthread_mutex_unlock(&p->mu);
}
