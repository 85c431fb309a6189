/* explain serve's HTTP side, on libmicrohttpd: routes, request bodies under
 * a size limit, and JSON errors. One call of `answer` per request step:
 * the first sees the headers, the middle ones the body, the last answers. */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "serve_http.h"

enum route {
    ROUTE_NONE,
    ROUTE_HEALTH,  /* GET /healthz */
    ROUTE_MODEL,   /* GET /v1/model */
    ROUTE_EXPLAIN, /* POST /v1/explain */
    ROUTE_PREDICT  /* POST /v1/predict */
};

/* One request in progress. */
struct request {
    enum route route;
    int method_ok;
    struct sbuf body;
    int too_large;
    /* query parameters */
    const char *ids[MAX_ID_COLUMNS];
    size_t n_ids;
    xpl_output kind;
    struct serve_error bad_query; /* status 0: the query is fine */
};

static enum route route_of(const char *url, const char **method)
{
    if (strcmp(url, "/healthz") == 0) {
        *method = "GET";
        return ROUTE_HEALTH;
    }
    if (strcmp(url, "/v1/model") == 0) {
        *method = "GET";
        return ROUTE_MODEL;
    }
    if (strcmp(url, "/v1/explain") == 0) {
        *method = "POST";
        return ROUTE_EXPLAIN;
    }
    if (strcmp(url, "/v1/predict") == 0) {
        *method = "POST";
        return ROUTE_PREDICT;
    }
    return ROUTE_NONE;
}

/* ------------------------------------------------------------ answers */

/* allow: the Allow header of a 405, NULL otherwise. It comes from the
 * request, never from the shared server (which other threads read). */
static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status,
                                 const char *type, struct sbuf *b,
                                 const struct serve_server *sv,
                                 const char *allow)
{
    struct MHD_Response *r;
    if (b->bytes.len) {
        r = MHD_create_response_from_buffer_with_free_callback(
            b->bytes.len, b->bytes.data, xpl_free);
        if (r)
            b->bytes = (xpl_bytes){ 0 }; /* the response frees it */
    } else {
        r = MHD_create_response_from_buffer(0, (void *)"",
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    if (atomic_load(&sv->stopping))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* {"error": msg, "line": L, "column": C} with the error's status. */
static enum MHD_Result send_error_allow(struct MHD_Connection *c,
                                        const struct serve_error *e,
                                        const struct serve_server *sv,
                                        const char *allow)
{
    struct sbuf b = { 0 };
    sbuf_str(&b, "{\"error\":");
    if (sbuf_json_string(&b, e->msg))
        sbuf_str(&b, "\"(message not valid UTF-8)\"");
    if (e->line)
        sbuf_printf(&b, ",\"line\":%llu", e->line);
    else
        sbuf_str(&b, ",\"line\":null");
    if (e->column)
        sbuf_printf(&b, ",\"column\":%llu", e->column);
    else
        sbuf_str(&b, ",\"column\":null");
    sbuf_str(&b, "}\n");
    if (b.failed) {
        sbuf_free(&b);
        return MHD_NO;
    }
    enum MHD_Result ok =
        send_body(c, e->status, "application/json", &b, sv, allow);
    sbuf_free(&b);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c,
                                  const struct serve_error *e,
                                  const struct serve_server *sv)
{
    return send_error_allow(c, e, sv, NULL);
}

static enum MHD_Result send_fail(struct MHD_Connection *c, unsigned status,
                                 const struct serve_server *sv,
                                 const char *msg)
{
    struct serve_error e;
    serve_fail(&e, status, "%s", msg);
    return send_error(c, &e, sv);
}

/* ------------------------------------------------------------ queries */

static enum MHD_Result on_query(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *value)
{
    (void)kind;
    struct request *rq = cls;
    if (rq->bad_query.status)
        return MHD_NO;
    if (strcmp(key, "id-column") == 0) {
        if (!value || !*value) {
            serve_fail(&rq->bad_query, 400, "id-column needs a column name");
            return MHD_NO;
        }
        if (rq->n_ids == MAX_ID_COLUMNS) {
            serve_fail(&rq->bad_query, 400, "at most %d id-column parameters",
                       MAX_ID_COLUMNS);
            return MHD_NO;
        }
        for (size_t k = 0; k < rq->n_ids; k++)
            if (strcmp(rq->ids[k], value) == 0) {
                serve_fail(&rq->bad_query, 400, "id-column \"%.200s\" is given "
                           "twice", value);
                return MHD_NO;
            }
        rq->ids[rq->n_ids++] = value;
        return MHD_YES;
    }
    if (strcmp(key, "model-output") == 0 && rq->route == ROUTE_PREDICT) {
        if (value && strcmp(value, "raw") == 0)
            rq->kind = XPL_OUTPUT_RAW;
        else if (value && strcmp(value, "probability") == 0)
            rq->kind = XPL_OUTPUT_PROBABILITY;
        else if (value && strcmp(value, "response") == 0)
            rq->kind = XPL_OUTPUT_RESPONSE;
        else {
            serve_fail(&rq->bad_query, 400, "model-output must be raw, "
                       "probability or response");
            return MHD_NO;
        }
        return MHD_YES;
    }
    serve_fail(&rq->bad_query, 400, "unknown query parameter \"%.200s\"",
               key);
    return MHD_NO;
}

/* ------------------------------------------------------------- bodies */

/* CSV or JSON: by Content-Type, else by the first character. */
static int body_is_json(struct MHD_Connection *c, const struct sbuf *body,
                        struct serve_error *e)
{
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   "Content-Type");
    if (type && strncasecmp(type, "application/json", 16) == 0)
        return 1;
    if (type && (strncasecmp(type, "text/csv", 8) == 0 ||
                 strncasecmp(type, "text/plain", 10) == 0))
        return 0;
    if (type &&
        strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0 &&
        strncasecmp(type, "application/octet-stream", 24) != 0) {
        serve_fail(e, 415, "Content-Type must be text/csv or "
                   "application/json");
        return -1;
    }
    for (size_t i = 0; i < body->bytes.len; i++) {
        char ch = body->bytes.data[i];
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
            return ch == '{';
    }
    return 0;
}

static enum MHD_Result answer_rows(struct MHD_Connection *c,
                                   struct request *rq,
                                   const struct serve_server *sv)
{
    struct serve_error e = { 0 };
    if (rq->too_large) {
        serve_fail(&e, 413, "request body larger than %zu bytes "
                   "(--max-body)", sv->max_body);
        return send_error(c, &e, sv);
    }
    struct serve_schema s;
    serve_engine_schema(sv->engine, &s);
    s.max_rows = sv->max_rows;
    if (rq->n_ids) {
        s.id_columns = rq->ids;
        s.n_ids = rq->n_ids;
    } else {
        s.id_columns = sv->id_columns;
        s.n_ids = sv->n_ids;
    }
    for (size_t k = 0; k < s.n_ids; k++)
        for (size_t j = 0; j < s.P; j++)
            if (strcmp(s.id_columns[k], s.features[j]) == 0) {
                serve_fail(&e, 400, "id-column \"%.200s\" is a feature of "
                           "the model, not an identifier", s.id_columns[k]);
                return send_error(c, &e, sv);
            }
    int json = body_is_json(c, &rq->body, &e);
    if (json < 0)
        return send_error(c, &e, sv);
    struct serve_rows rows;
    const char *text = rq->body.bytes.data ? rq->body.bytes.data : "";
    int bad;
    if (json) {
        bad = serve_read_json(&rows, text, rq->body.bytes.len, &s, &e);
    } else if (rq->n_ids) {
        bad = serve_read_csv(&rows, text, rq->body.bytes.len, &s, &e);
    } else {
        /* the server's own schema: a kept reader */
        xpl_csv_reader *r = serve_engine_take_reader(sv->engine);
        bad = serve_read_csv_with(&rows, text, rq->body.bytes.len, &s, &e, &r);
        serve_engine_give_reader(sv->engine, r);
    }
    if (bad)
        return send_error(c, &e, sv);
    struct sbuf out = { 0 };
    int rc = rq->route == ROUTE_EXPLAIN
                 ? serve_engine_explain(sv->engine, &rows, &out, &e)
                 : serve_engine_predict(sv->engine, &rows, rq->kind, &out, &e);
    serve_rows_free(&rows);
    enum MHD_Result ok = rc ? send_error(c, &e, sv)
                            : send_body(c, MHD_HTTP_OK,
                                        "application/x-ndjson", &out, sv, NULL);
    sbuf_free(&out);
    return ok;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    struct serve_server *sv = cls;
    struct request *rq = *con_cls;
    if (!rq) {
        /* the headers: route, method, query, declared size */
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        atomic_fetch_add(&sv->in_flight, 1);
        const char *want = NULL;
        rq->route = route_of(url, &want);
        rq->method_ok = want && strcmp(method, want) == 0;
        if (rq->route != ROUTE_NONE && rq->method_ok)
            MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_query, rq);
        const char *length = MHD_lookup_connection_value(
            c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > sv->max_body)
            rq->too_large = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        /* the body, in pieces; kept only for the routes that read one */
        int keep = rq->method_ok && (rq->route == ROUTE_EXPLAIN ||
                                     rq->route == ROUTE_PREDICT);
        if (keep && !rq->too_large) {
            if (*upload_size > sv->max_body - rq->body.bytes.len) {
                rq->too_large = 1;
                sbuf_free(&rq->body);
            } else {
                sbuf_add(&rq->body, upload_data, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->route == ROUTE_NONE)
        return send_fail(c, MHD_HTTP_NOT_FOUND, sv, "no such endpoint: "
                         "GET /healthz, GET /v1/model, POST /v1/explain, "
                         "POST /v1/predict");
    if (!rq->method_ok) {
        int post = rq->route == ROUTE_EXPLAIN || rq->route == ROUTE_PREDICT;
        struct serve_error e;
        serve_fail(&e, MHD_HTTP_METHOD_NOT_ALLOWED, "%s",
                   post ? "use POST" : "use GET");
        return send_error_allow(c, &e, sv, post ? "POST" : "GET");
    }
    if (rq->bad_query.status)
        return send_error(c, &rq->bad_query, sv);
    if (rq->body.failed)
        return send_fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, sv,
                         "out of memory");
    struct sbuf out = { 0 };
    enum MHD_Result ok;
    switch (rq->route) {
    case ROUTE_HEALTH:
        sbuf_str(&out, "{\"status\":\"ok\"}\n");
        ok = send_body(c, MHD_HTTP_OK, "application/json", &out, sv, NULL);
        break;
    case ROUTE_MODEL:
        serve_engine_describe(sv->engine, &out);
        ok = out.failed ? MHD_NO
                        : send_body(c, MHD_HTTP_OK, "application/json", &out,
                                    sv, NULL);
        break;
    default:
        ok = answer_rows(c, rq, sv);
        break;
    }
    sbuf_free(&out);
    return ok;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    struct serve_server *sv = cls;
    struct request *rq = *con_cls;
    if (!rq)
        return;
    sbuf_free(&rq->body);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&sv->in_flight, 1);
}

int serve_http_start(struct serve_server *sv, const struct sockaddr *addr,
                     unsigned threads)
{
    /* ITC: what MHD_quiesce_daemon needs to wake the pool's threads */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                     MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (addr->sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_OptionItem pool[] = {
        { MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL },
        { MHD_OPTION_END, 0, NULL },
    };
    if (threads < 2)
        pool[0].option = MHD_OPTION_END;
    sv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, answer, sv, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)sv->timeout,
        MHD_OPTION_NOTIFY_COMPLETED, completed, sv,
        MHD_OPTION_ARRAY, pool, MHD_OPTION_END);
    if (!sv->daemon)
        return -1;
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(sv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    sv->port = info ? info->port : 0;
    return 0;
}

void serve_http_quiesce(struct serve_server *sv)
{
    atomic_store(&sv->stopping, 1);
    /* the listening socket closes: new connections are refused, the open
     * ones are still served */
    MHD_socket s = MHD_quiesce_daemon(sv->daemon);
    if (s != MHD_INVALID_SOCKET)
        close(s);
}

void serve_http_stop(struct serve_server *sv)
{
    if (sv->daemon)
        MHD_stop_daemon(sv->daemon);
    sv->daemon = NULL;
}
