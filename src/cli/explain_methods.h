/* The explainer behind the main form and explain importance: which
 * algorithm runs for the model and options, and one row's results. */
#ifndef XPL_CLI_EXPLAIN_METHODS_H
#define XPL_CLI_EXPLAIN_METHODS_H

#include "explain_args.h"

struct explainer {
    enum explain_method method; /* resolved: never METHOD_SHAP */
    const xpl_model *model;
    size_t P, D;                /* features, model outputs */
    xpl_kernel_shap *ks;
    xpl_tree_shap *ts;
    xpl_linear_shap *ls;
    xpl_lime *lime;
    const double *base;         /* D base values (SHAP methods) */
    int interactions;
    int lime_repeats;           /* LIME with repeats > 1: std and frequency */
};

/* Results of a batch of rows, in buffers sized by results_alloc. */
struct results {
    double *contrib;            /* rows * D * P */
    double *se;                 /* rows * D * P, or NULL */
    double *pred;               /* rows * D */
    double *inter;              /* rows * D * (P+1)^2, or NULL */
    unsigned char *selected;    /* rows * P (LIME), or NULL */
    double *frequency;          /* rows * P (LIME repeats), or NULL */
    xpl_lime_summary *summary;  /* rows (LIME), or NULL */
};

/* Choose and build the explainer. bg is the background (or LIME's training
 * data) read from --background, or NULL for what the model embeds.
 * Returns an exit code, having printed the error. */
int explainer_open(struct explainer *ex, const xpl_model *m,
                   const xpl_dataset *bg, const struct explain_args *a);
void explainer_close(struct explainer *ex);

/* Rows per batch: up to `max`, fewer when a row's results are large
 * (interaction matrices), so memory stays bounded. */
size_t explainer_batch_rows(const struct explainer *ex, size_t max);

int results_alloc(struct results *r, const struct explainer *ex, size_t rows);
void results_free(struct results *r);

/* Explain x into slot i of r. key seeds the sampling methods. On failure
 * the message is in msg (msg_size bytes) when the CLI itself rejected the
 * row, else msg is "" and xpl_last_error() has it. */
int explainer_row(const struct explainer *ex, xpl_workspace *ws,
                  const double *x, uint64_t key, struct results *r, size_t i,
                  char *msg, size_t msg_size);

#endif
