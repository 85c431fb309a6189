/* Where explanations go. */
#ifndef XPL_CLI_EXPLAIN_SINK_H
#define XPL_CLI_EXPLAIN_SINK_H

#include "cli.h"
#include "explain_methods.h"

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
    /* --id-column: a JSON line is rendered here first, to put "id" in */
    FILE *mem;
    char *mem_buf;
    size_t mem_size;
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

/* Finish the output: documents written at the end are written now, and the
 * output is committed if status is EXIT_OK, else discarded. Returns the
 * final status. */
int sink_finish(struct sink *s, int status);

#endif
