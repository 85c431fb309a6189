/* explain serve's HTTP side (libmicrohttpd). */
#ifndef XPL_CLI_SERVE_HTTP_H
#define XPL_CLI_SERVE_HTTP_H

#include <stdatomic.h>
#include <sys/socket.h>

#include "serve.h"
#include "serve_engine.h"

struct serve_server {
    struct serve_engine *engine;
    size_t max_body, max_rows;
    unsigned timeout;              /* idle seconds before a connection drops */
    const char *const *id_columns; /* --id-column: default identifiers */
    size_t n_ids;
    struct MHD_Daemon *daemon;
    unsigned port;                 /* the bound port (for --port 0) */
    atomic_size_t in_flight;       /* requests begun and not completed */
    atomic_int stopping;
};

/* Listen on addr with `threads` threads (each serving many connections).
 * Returns 0, or -1 (libmicrohttpd has printed why). */
int serve_http_start(struct serve_server *sv, const struct sockaddr *addr,
                     unsigned threads);
/* Stop accepting connections; requests in progress go on. */
void serve_http_quiesce(struct serve_server *sv);
/* Close every connection and join the threads. */
void serve_http_stop(struct serve_server *sv);

#endif
