/* explain serve's engine: the model and explainer built once, workspaces
 * lent to the server's threads, and a request's rows turned into the same
 * JSON Lines `explain` prints for them. */
#define _GNU_SOURCE 1 /* qsort_r */

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xplain/xplain.h>

#include "cli.h"
#include "explain_background.h"
#include "explain_methods.h"
#include "serve_engine.h"

struct serve_engine {
    const struct explain_args *a;
    xpl_model *model;
    xpl_dataset *bg;
    xpl_explainer *ex;
    size_t *sorted; /* feature indices sorted by name */
    /* idle workspaces: a request takes one and gives it back, so there are
     * never more than the server has threads */
    pthread_mutex_t lock;
    xpl_workspace **idle;
    size_t n_idle, cap_idle;
    xpl_csv_reader **readers; /* idle CSV readers, as the workspaces */
    size_t n_readers, cap_readers;
};

static int by_name(const void *x, const void *y, void *names)
{
    const char *const *n = names;
    return strcmp(n[*(const size_t *)x], n[*(const size_t *)y]);
}

int serve_engine_open(struct serve_engine **out, const struct explain_args *a)
{
    *out = NULL;
    struct serve_engine *g = calloc(1, sizeof *g);
    if (!g) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    g->a = a;
    pthread_mutex_init(&g->lock, NULL);
    int st, rc = xpl_model_load(&g->model, a->model_path);
    if (rc) {
        serve_engine_close(g);
        return cli_library_error(rc);
    }
    if ((st = explain_load_background(&g->bg, g->model, a)) ||
        (st = explainer_open(&g->ex, g->model, g->bg, a))) {
        serve_engine_close(g);
        return st;
    }
    size_t P = xpl_explainer_n_features(g->ex);
    g->sorted = malloc(P * sizeof *g->sorted);
    if (!g->sorted) {
        serve_engine_close(g);
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t j = 0; j < P; j++)
        g->sorted[j] = j;
    qsort_r(g->sorted, P, sizeof *g->sorted, by_name,
            (void *)xpl_model_feature_names(g->model));
    *out = g;
    return EXIT_OK;
}

void serve_engine_close(struct serve_engine *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_idle; i++)
        xpl_workspace_free(g->idle[i]);
    free(g->idle);
    for (size_t i = 0; i < g->n_readers; i++)
        xpl_csv_reader_free(g->readers[i]);
    free(g->readers);
    pthread_mutex_destroy(&g->lock);
    free(g->sorted);
    xpl_explainer_free(g->ex);
    xpl_dataset_free(g->bg);
    xpl_model_free(g->model);
    free(g);
}

void serve_engine_schema(const struct serve_engine *g, struct serve_schema *s)
{
    memset(s, 0, sizeof *s);
    s->features = xpl_model_feature_names(g->model);
    s->P = xpl_explainer_n_features(g->ex);
    s->sorted = g->sorted;
    s->model = g->model;
    s->unknown_category = g->a->unknown_category;
}

/* ---------------------------------------------------------- workspaces */

static xpl_workspace *take_workspace(struct serve_engine *g)
{
    xpl_workspace *ws = NULL;
    pthread_mutex_lock(&g->lock);
    if (g->n_idle)
        ws = g->idle[--g->n_idle];
    pthread_mutex_unlock(&g->lock);
    if (!ws && xpl_workspace_new(&ws))
        return NULL;
    return ws;
}

/* Put p on the idle list (*list, *n, *cap) under the lock; 0, or -1 when
 * the list cannot grow (the caller frees p). */
static int put_idle(struct serve_engine *g, void ***list, size_t *n,
                    size_t *cap, void *p)
{
    pthread_mutex_lock(&g->lock);
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        void **grown = realloc(*list, c * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&g->lock);
            return -1;
        }
        *list = grown;
        *cap = c;
    }
    (*list)[(*n)++] = p;
    pthread_mutex_unlock(&g->lock);
    return 0;
}

static void give_workspace(struct serve_engine *g, xpl_workspace *ws)
{
    if (put_idle(g, (void ***)&g->idle, &g->n_idle, &g->cap_idle, ws))
        xpl_workspace_free(ws);
}

xpl_csv_reader *serve_engine_take_reader(struct serve_engine *g)
{
    xpl_csv_reader *r = NULL;
    pthread_mutex_lock(&g->lock);
    if (g->n_readers)
        r = g->readers[--g->n_readers];
    pthread_mutex_unlock(&g->lock);
    return r;
}

void serve_engine_give_reader(struct serve_engine *g, xpl_csv_reader *r)
{
    if (r && put_idle(g, (void ***)&g->readers, &g->n_readers,
                      &g->cap_readers, r))
        xpl_csv_reader_free(r);
}

/* ------------------------------------------------------------- outputs */

int serve_put_with_id(struct sbuf *out, const char *obj, size_t len,
                      char *const *ids, size_t n_ids)
{
    if (!n_ids) {
        sbuf_add(out, obj, len);
        return 0;
    }
    sbuf_str(out, "{\"id\":");
    if (n_ids > 1)
        sbuf_str(out, "[");
    for (size_t k = 0; k < n_ids; k++) {
        if (k)
            sbuf_str(out, ",");
        if (sbuf_json_string(out, ids[k]))
            return -1;
    }
    sbuf_str(out, n_ids > 1 ? "]," : ",");
    sbuf_add(out, obj + 1, len - 1);
    return 0;
}

/* Render explanation e into out (through line, a buffer kept for the
 * request), with the row's identifiers. */
static int put(struct sbuf *out, xpl_bytes *line, const xpl_explanation *e,
               char *const *ids, size_t n_ids, struct serve_error *err)
{
    line->len = 0;
    if (xpl_render_append(line, XPL_FORMAT_JSON, e, NULL, NULL)) {
        serve_fail(err, 500, "%s", xpl_last_error());
        return -1;
    }
    if (serve_put_with_id(out, line->data, line->len, ids, n_ids)) {
        serve_fail(err, 400, "row %zu: an identifier is not valid UTF-8",
                   e->row);
        return -1;
    }
    return 0;
}

/* Explain row i of r into out; e has room for the explainer's outputs. */
static int explain_one(struct serve_engine *g, xpl_workspace *ws,
                       const struct serve_rows *r, size_t i,
                       xpl_explanation *e, xpl_bytes *line, struct sbuf *out,
                       struct serve_error *err)
{
    size_t P = xpl_explainer_n_features(g->ex);
    int rc = xpl_explainer_explain(g->ex, ws, r->x + i * P, e);
    if (rc) {
        serve_fail(err, rc == XPL_ENOMEM ? 500 : 422, "row %zu: %s", i,
                   xpl_last_error());
        return -1;
    }
    char *const *ids = r->ids ? r->ids + i * r->n_ids : NULL;
    for (size_t k = 0; k < xpl_explainer_n_outputs(g->ex); k++) {
        e[k].row = i;
        if (put(out, line, &e[k], ids, r->n_ids, err))
            return -1;
    }
    return 0;
}

int serve_engine_explain(struct serve_engine *g, const struct serve_rows *r,
                         struct sbuf *out, struct serve_error *e)
{
    xpl_explanation *ex = calloc(xpl_explainer_n_outputs(g->ex), sizeof *ex);
    xpl_bytes line = { 0 };
    xpl_workspace *ws = take_workspace(g);
    int rc = -1;
    if (!ws || !ex) {
        serve_fail(e, 500, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->n; i++)
        if (explain_one(g, ws, r, i, ex, &line, out, e))
            goto done;
    if (out->failed) {
        serve_fail(e, 500, "out of memory");
        goto done;
    }
    rc = 0;
done:
    if (ws)
        give_workspace(g, ws);
    free(ex);
    xpl_bytes_free(&line);
    return rc;
}

int serve_engine_predict(struct serve_engine *g, const struct serve_rows *r,
                         xpl_output kind, struct sbuf *out,
                         struct serve_error *e)
{
    size_t D = xpl_model_n_outputs(g->model);
    double *y = r->n ? malloc(r->n * D * sizeof *y) : NULL;
    xpl_workspace *ws = take_workspace(g);
    int rc = -1;
    if ((r->n && !y) || !ws) {
        serve_fail(e, 500, "out of memory");
        goto done;
    }
    if (kind == XPL_OUTPUT_PROBABILITY && !xpl_model_is_classifier(g->model)) {
        serve_fail(e, 400, "model-output probability needs a classifier");
        goto done;
    }
    if (r->n && xpl_model_predict(g->model, ws, r->x, r->n, kind, y)) {
        serve_fail(e, 422, "%s", xpl_last_error());
        goto done;
    }
    struct sbuf line = { 0 };
    for (size_t i = 0; i < r->n; i++) {
        line.bytes.len = 0;
        sbuf_printf(&line, "{\"row\":%zu,\"prediction\":[", i);
        for (size_t d = 0; d < D; d++) {
            char num[XPL_DOUBLE_CHARS];
            xpl_format_double(num, y[i * D + d]);
            if (isfinite(y[i * D + d]))
                sbuf_printf(&line, "%s%s", d ? "," : "", num);
            else
                sbuf_printf(&line, "%snull", d ? "," : "");
        }
        sbuf_str(&line, "]}\n");
        if (line.failed ||
            serve_put_with_id(out, line.bytes.data, line.bytes.len,
                              r->ids ? r->ids + i * r->n_ids : NULL,
                              r->n_ids)) {
            serve_fail(e, line.failed ? 500 : 400,
                       line.failed ? "out of memory"
                                   : "an identifier is not valid UTF-8");
            sbuf_free(&line);
            goto done;
        }
    }
    sbuf_free(&line);
    rc = out->failed ? (serve_fail(e, 500, "out of memory"), -1) : 0;
done:
    if (ws)
        give_workspace(g, ws);
    free(y);
    return rc;
}

void serve_engine_describe(const struct serve_engine *g, struct sbuf *out)
{
    const xpl_model *m = g->model;
    sbuf_str(out, "{\"model\":");
    sbuf_json_string(out, g->a->model_path);
    sbuf_printf(out, ",\"kind\":\"%s\",\"link\":\"%s\",\"outputs\":%zu,"
                "\"method\":\"%s\",\"features\":[",
                xpl_model_kind(m), xpl_link_name(xpl_model_link(m)),
                xpl_model_n_outputs(m), xpl_method_name(xpl_explainer_method_id(g->ex)));
    for (size_t j = 0; j < xpl_model_n_features(m); j++) {
        if (j)
            sbuf_str(out, ",");
        sbuf_json_string(out, xpl_model_feature_name(m, j));
    }
    sbuf_str(out, "],\"properties\":{");
    for (size_t i = 0; i < xpl_model_n_properties(m); i++) {
        const char *key, *value;
        if (xpl_model_property(m, i, &key, &value) != XPL_OK)
            continue;
        if (i)
            sbuf_str(out, ",");
        sbuf_json_string(out, key);
        sbuf_str(out, ":");
        sbuf_json_string(out, value);
    }
    sbuf_str(out, "},\"background\":");
    const xpl_dataset *bg = g->bg ? g->bg : xpl_model_background(m);
    if (!bg) {
        sbuf_str(out, "null");
    } else {
        const double *w = xpl_dataset_weights(bg);
        size_t n = xpl_dataset_n_rows(bg);
        sbuf_printf(out, "{\"rows\":%zu,\"weighted\":%s", n,
                    w ? "true" : "false");
        if (w) {
            double total = 0;
            for (size_t i = 0; i < n; i++)
                total += w[i];
            char num[XPL_DOUBLE_CHARS];
            xpl_format_double(num, total);
            sbuf_printf(out, ",\"total_weight\":%s", num);
        }
        sbuf_str(out, "}");
    }
    const xpl_stats *s = xpl_model_stats(m);
    if (s)
        sbuf_printf(out, ",\"statistics\":{\"features\":%zu,\"quantiles\":%zu}",
                    xpl_stats_n_features(s), xpl_stats_n_quantiles(s));
    else
        sbuf_str(out, ",\"statistics\":null");
    sbuf_str(out, "}\n");
}
