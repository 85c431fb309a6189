/* Where explanations go. */
#ifndef XPL_CLI_EXPLAIN_SINK_H
#define XPL_CLI_EXPLAIN_SINK_H

#include "cli.h"
#include "explain_methods.h"

/* Where one thread writes explanations, with its scratch. Rows, tables
 * and lines are rendered into `bytes` (xpl_render_append: no stdio per
 * number); the writing thread's emitter passes them on to fp after each
 * explanation, a worker's keeps its batch for write_rendered_row. */
struct emitter {
    FILE *fp;              /* the output; NULL for a worker */
    xpl_workspace *ws;     /* the thread's scratch (text sorting) */
    xpl_bytes bytes;
    int failed;            /* an append ran out of memory */
    int rows_only;         /* a worker's buffer: never the CSV header */
    int quiet;             /* failures return EXIT_INPUT unprinted */
};

/* Where explanations go: a per-row writer, one SVG document, a directory
 * of SVG files, or the importance accumulator. */
struct sink {
    const struct explain_args *a;
    cli_output out;
    int csv_header_done;
    xpl_svg *svg;
    int svg_dir;           /* -o dir/: one SVG file per explanation */
    xpl_importance *imp;
    xpl_workspace *ws;     /* the writing thread's scratch */
    struct emitter main;   /* the writing thread's, onto out.fp */
};

/* Rows of one batch rendered by the threads that explained them, each
 * into its own byte buffer, then written in input order by the writing
 * thread: formatting numbers costs as much as explaining them, so it must
 * not be serial. The buffers keep their largest size, so memory is bounded
 * by the batch, not the run. */
struct row_buffers {
    struct emitter *em;    /* one per thread */
    size_t threads;
    size_t *off, *len;     /* row i: bytes [off, off + len) of ... */
    size_t *thread;        /* ... thread[i]'s buffer */
};

/* Open the sink the options ask for. On failure the error is printed and
 * an exit code returned; sink_finish still releases what was acquired. */
int sink_open(struct sink *s, const struct explain_args *a,
              const xpl_explainer *ex, const xpl_model *m);

/* Emit row i of a batch (input row number `row`): its explanations, each
 * carrying the row's identifiers (a->n_ids texts; NULL without
 * --id-column): JSON "id" (a string, or an array for several), CSV leading
 * columns, SVG chart titles, a text line before the table. Returns EXIT_OK
 * or an exit code after printing the error. */
int emit_row(struct sink *s, const struct results *r, size_t i, size_t row,
             char *const *ids);

/* Whether the format is one the threads can render rows of (JSON, CSV,
 * text; not SVG documents or importance, which gather every row). */
int sink_renders_in_workers(const struct sink *s);

/* Write the CSV header now if the format is CSV and it is not written yet
 * (rendered rows never carry it); e is any explanation of the run (the
 * header needs only its names). Returns EXIT_OK or a printed error's exit
 * code. */
int sink_csv_header(struct sink *s, const xpl_explanation *e);

/* Buffers for `threads` threads (ws[t] their workspaces) and `rows` rows
 * a batch. Returns EXIT_OK or a printed error's exit code;
 * row_buffers_free releases a partial one. */
int row_buffers_init(struct row_buffers *rb, const struct sink *s,
                     size_t threads, xpl_workspace **ws, size_t rows);
void row_buffers_free(struct row_buffers *rb);

/* Before a batch: every thread's buffer starts empty again. */
void row_buffers_rewind(struct row_buffers *rb);

/* On thread `thread`: render row i as emit_row would write it. Returns
 * EXIT_OK, or EXIT_INPUT without printing anything: the writing thread
 * then emits the row itself with emit_row, which prints the error. */
int render_row(struct sink *s, struct row_buffers *rb, size_t thread,
               const struct results *r, size_t i, size_t row,
               char *const *ids);

/* Write rendered row i to the output. */
int write_rendered_row(struct sink *s, const struct row_buffers *rb,
                       size_t i);

/* Finish the output: documents written at the end are written now, and the
 * output is committed if status is EXIT_OK, else discarded. Returns the
 * final status. */
int sink_finish(struct sink *s, int status);

#endif
