/* The explainer behind the main form and explain importance, built with
 * the library's one explainer API, and the rows of a batch it explains. */
#ifndef XPL_CLI_EXPLAIN_METHODS_H
#define XPL_CLI_EXPLAIN_METHODS_H

#include "explain_args.h"

/* Build the explainer the options ask for. bg is the background (or
 * LIME's training data) read from --background, or NULL for what the model
 * embeds. Prints a note when --method shap runs Kernel SHAP although the
 * model has an exact method. Returns an exit code, having printed the
 * error. */
int explainer_open(xpl_explainer **out, const xpl_model *m,
                   const xpl_dataset *bg, const struct explain_args *a);

/* Rows per batch: up to `max`, fewer when a row's results are large
 * (interaction matrices), so memory stays bounded. */
size_t explainer_batch_rows(const xpl_explainer *ex, int interactions,
                            size_t max);

/* The explanations of a batch's rows: each row's copied out of the
 * workspace that made it, so the rows can be written after the whole
 * batch is explained. */
struct results {
    size_t rows;
    size_t n_out;              /* explanations per row */
    xpl_explanation *e;        /* rows * n_out */
    void **mem;                /* rows: the arrays of each row's copies */
    size_t *cap;               /* rows: bytes at mem[i] */
};

int results_alloc(struct results *r, const xpl_explainer *ex, size_t rows);
void results_free(struct results *r);

/* Explain x into slot i of r. Returns XPL_OK or an error code, with the
 * message in msg (msg_size bytes): the library's last error is the worker
 * thread's, so it is kept here for the thread that writes. */
int explainer_row(const xpl_explainer *ex, xpl_workspace *ws,
                  const double *x, struct results *r, size_t i, char *msg,
                  size_t msg_size);

#endif
