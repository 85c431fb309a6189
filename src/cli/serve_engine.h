/* explain serve's engine: what answers /v1/explain, /v1/predict and
 * /v1/model. Built once; shared by every server thread. */
#ifndef XPL_CLI_SERVE_ENGINE_H
#define XPL_CLI_SERVE_ENGINE_H

#include "explain_args.h"
#include "serve.h"

struct serve_engine;

/* Load the model and its background, build the explainer (a's method
 * options). Returns an exit code, having printed the error. a is borrowed
 * for the engine's life. */
int serve_engine_open(struct serve_engine **out, const struct explain_args *a);
void serve_engine_close(struct serve_engine *g);

/* A CSV reader kept for bodies of the server's default schema (NULL: none
 * idle, open one), and its return for the next request. The engine frees
 * the ones it holds. */
xpl_csv_reader *serve_engine_take_reader(struct serve_engine *g);
void serve_engine_give_reader(struct serve_engine *g, xpl_csv_reader *r);

/* The schema bodies are read against (identifier columns left empty). */
void serve_engine_schema(const struct serve_engine *g,
                         struct serve_schema *s);

/* The rows' explanations as the JSON Lines `explain MODEL ROWS.csv` prints
 * for the same rows and options (rows numbered from 0), each line with
 * "id" first when the rows carry identifiers. Thread-safe. Returns 0, or
 * -1 with e filled (422 for a row the method cannot explain, 500). */
int serve_engine_explain(struct serve_engine *g, const struct serve_rows *r,
                         struct sbuf *out, struct serve_error *e);

/* The rows' predictions, one JSON line per row:
 * {["id":..,]"row":i,"prediction":[...]} in `kind` units. */
int serve_engine_predict(struct serve_engine *g, const struct serve_rows *r,
                         xpl_output kind, struct sbuf *out,
                         struct serve_error *e);

/* What `explain info` says about the model, as one JSON object, and the
 * method that runs. */
void serve_engine_describe(const struct serve_engine *g, struct sbuf *out);

/* "id":<text>, for one identifier or "id":[...], for several, then the
 * rest of the JSON object line `obj` (which starts with '{'). */
int serve_put_with_id(struct sbuf *out, const char *obj, size_t len,
                      char *const *ids, size_t n_ids);

#endif
