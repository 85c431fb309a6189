/* explain serve MODEL: the HTTP/JSON explanation service. Loads the model
 * and builds the explainer once, serves until SIGINT or SIGTERM, then
 * stops taking connections and finishes the requests in progress. */
#define _GNU_SOURCE 1 /* sigtimedwait under -std=c17 */
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "explain_args.h"
#include "serve_http.h"

static const char serve_text[] =
    "Usage: explain serve MODEL [options]\n"
    "\n"
    "Serve explanations over HTTP until SIGINT or SIGTERM (requests in\n"
    "progress are finished first; a second signal stops at once).\n"
    "Endpoints:\n"
    "  GET  /healthz      {\"status\":\"ok\"}\n"
    "  GET  /v1/model     the model, as 'explain info' describes it (JSON)\n"
    "  POST /v1/explain   rows as CSV with a header (text/csv) or JSON\n"
    "                     {\"rows\":[{\"feature\":value,...},...]}\n"
    "                     (application/json); answers the JSON Lines\n"
    "                     'explain MODEL ROWS.csv' prints for those rows\n"
    "  POST /v1/predict   the same bodies; {\"row\",\"prediction\":[...]} lines\n"
    "                     (?model-output=raw|probability|response)\n"
    "Query: ?id-column=NAME (repeatable) copies that column (CSV) or key\n"
    "(JSON) of every row into its lines as \"id\". Errors are 4xx with\n"
    "{\"error\",\"line\",\"column\"}.\n"
    "\n"
    "Options:\n"
    "  --host ADDR          address to listen on (default 127.0.0.1)\n"
    "  --port N             port (default 8080; 0: any free port)\n"
    "  --threads T          server threads (default 1); each serves many\n"
    "                       connections and explains one request at a time\n"
    "  --max-body BYTES     largest request body (default 1048576)\n"
    "  --max-rows N         most rows per request (default 10000)\n"
    "  --timeout S          drop a connection idle for S seconds (default\n"
    "                       10): a slow or stalled client cannot hold a\n"
    "                       thread\n"
    "  --id-column NAME     identifier column of every request (default\n"
    "                       none; the query's id-column replaces it)\n"
    "  and the main form's method options: --method, --background,\n"
    "  --background-size, --background-method, --class, --model-output,\n"
    "  --seed, --interactions, Kernel SHAP and LIME options\n"
    "  ('explain --help').\n"
    "\n"
    "The listening address is printed on standard error once ready:\n"
    "  explain serve: listening on http://127.0.0.1:8080\n"
    "See docs/serve.md.\n";

static const char *const serve_usage[] = { serve_text, NULL };

/* The address to bind: --host (a numeric address or a name) and --port. */
static int resolve(const struct explain_args *a,
                   struct sockaddr_storage *addr)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    char port[16];
    snprintf(port, sizeof port, "%u", a->port);
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(a->host, port, &hints, &res);
    if (rc || !res) {
        cli_error("--host %s: %s", a->host, gai_strerror(rc));
        return EXIT_USAGE;
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return EXIT_OK;
}

/* After the signal: wait for the requests in progress to be answered. A
 * stalled client is dropped by the idle timeout, so this ends; a second
 * SIGINT or SIGTERM stops at once (as an orchestrator's impatience or a
 * second Ctrl-C would ask). Returns the second signal, or 0. */
static int drain(struct serve_server *sv, const sigset_t *stop)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    while (atomic_load(&sv->in_flight) > 0) {
        int sig = sigtimedwait(stop, NULL, &tick);
        if (sig > 0)
            return sig;
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    struct explain_args a;
    int status = explain_parse_args(argc, argv, &a, MODE_SERVE, serve_usage);
    if (status < 0)
        return EXIT_OK;
    if (status) {
        explain_args_free(&a);
        return status;
    }
    struct sockaddr_storage addr;
    if ((status = resolve(&a, &addr)))
        return status;
    struct serve_server sv = { .max_body = a.max_body, .max_rows = a.max_rows,
                               .timeout = a.timeout,
                               .id_columns = a.id_columns, .n_ids = a.n_ids };
    if ((status = serve_engine_open(&sv.engine, &a)))
        return status;

    /* the signals are taken by sigwait below: block them before any thread
     * starts, so every thread inherits the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (serve_http_start(&sv, (const struct sockaddr *)&addr,
                         (unsigned)a.threads)) {
        cli_error("cannot listen on %s port %u", a.host, a.port);
        serve_engine_close(sv.engine);
        return EXIT_INPUT;
    }
    int v6 = addr.ss_family == AF_INET6;
    fprintf(stderr, "explain serve: listening on http://%s%s%s:%u\n",
            v6 ? "[" : "", a.host, v6 ? "]" : "", sv.port);
    fflush(stderr);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    serve_http_quiesce(&sv);
    if (drain(&sv, &stop)) {
        /* the threads are inside requests that may run for long: leave
         * without waiting for them (or freeing what they use) */
        fprintf(stderr, "explain serve: stopped (%s; a second signal cut "
                "the requests in progress short)\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
        fflush(stderr);
        _exit(EXIT_OK);
    }
    serve_http_stop(&sv);
    serve_engine_close(sv.engine);
    fprintf(stderr, "explain serve: stopped (%s)\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    return EXIT_OK;
}
