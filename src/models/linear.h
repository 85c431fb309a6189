/* Linear models: raw output = intercept + coef . x, per output. */
#ifndef XPL_MODELS_LINEAR_H
#define XPL_MODELS_LINEAR_H

#include <xplain/xplain.h>

typedef struct xpl__linear {
    size_t n_features;
    size_t n_outputs;
    double *intercept; /* n_outputs */
    double *coef;      /* n_outputs * n_features, one row per output */
} xpl__linear;

/* Build a linear model (arrays are copied). Checks that the link fits the
 * number of outputs (softmax needs >= 2) and that every value is finite. */
int xpl__linear_model_new(xpl_model **out, size_t n_features, size_t n_outputs,
                          const char *const *names, xpl_link link,
                          const double *intercept, const double *coef);

/* The parameters of a linear model, or NULL for any other model. */
const xpl__linear *xpl__linear_params(const xpl_model *m);

#endif
