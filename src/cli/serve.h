/* explain serve: an HTTP/JSON explanation service beside a scoring service.
 *
 * The pieces: cmd_serve.c (options, start, signals, graceful stop),
 * serve_http.c (libmicrohttpd callbacks: routes, bodies, limits, errors),
 * serve_body.c (a request body, CSV or JSON, into rows and identifiers) and
 * serve_engine.c (rows into the JSON Lines `explain` prints). */
#ifndef XPL_CLI_SERVE_H
#define XPL_CLI_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/xplain.h>

/* A response body: the library's byte buffer, and whether an append
 * failed, so that a body is built with unchecked appends and checked once. */
struct sbuf {
    xpl_bytes bytes;
    int failed; /* out of memory: the content is incomplete */
};
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_str(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s as a JSON string (quoted, escaped); -1 if s is not valid UTF-8. */
int sbuf_json_string(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);

/* What went wrong with a request: the HTTP status and the JSON error body's
 * fields ({"error","line","column"}; 0 = unknown, written as null). */
struct serve_error {
    unsigned status;
    char msg[512];
    unsigned long long line, column;
};
void serve_fail(struct serve_error *e, unsigned status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The rows of one request: n rows of P features (model order, NaN =
 * missing) and, when identifier columns were asked for, n_ids texts per
 * row. */
struct serve_rows {
    size_t n, P, n_ids;
    double *x;
    char **ids; /* n * n_ids owned strings, or NULL */
};
void serve_rows_free(struct serve_rows *r);

/* What a body is read against. */
struct serve_schema {
    const char *const *features; /* P names, model order */
    size_t P;
    const size_t *sorted; /* P indices, features sorted by name */
    const char *const *id_columns;
    size_t n_ids;
    size_t max_rows;
    const xpl_model *model;  /* its category names, for rows that use them */
    int unknown_category;    /* an xpl_unknown_category */
};

/* The body as CSV with a header (feature columns by name, extra columns
 * ignored) or JSON {"rows": [{"feature": value, ...}, ...]} (every feature
 * given, a number or null; nothing else but the identifier columns).
 * Returns 0, or -1 with e filled (400, 413 for too many rows). */
int serve_read_csv(struct serve_rows *out, const char *body, size_t len,
                   const struct serve_schema *s, struct serve_error *e);
/* serve_read_csv through a reader kept between requests of one schema:
 * *reader is reset onto the body, or opened when NULL (then left in
 * *reader, even after an error in the rows, for the next request). Bodies
 * with the last one's header skip matching the names. */
int serve_read_csv_with(struct serve_rows *out, const char *body, size_t len,
                        const struct serve_schema *s, struct serve_error *e,
                        xpl_csv_reader **reader);
int serve_read_json(struct serve_rows *out, const char *body, size_t len,
                    const struct serve_schema *s, struct serve_error *e);

#endif
