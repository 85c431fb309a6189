/* What the Kernel SHAP explainer's two halves share: the object (built in
 * kernel_shap.c) and the helpers the row's explanation
 * (kernel_shap_row.c) uses too. */
#ifndef XPL_EXPLAINERS_KERNEL_SHAP_INTERNAL_H
#define XPL_EXPLAINERS_KERNEL_SHAP_INTERNAL_H

#include <math.h>
#include <xplain/kernel_shap.h>

#include "models/model_internal.h"

struct xpl_kernel_shap {
    const xpl_model *model;
    xpl_kernel_shap_options opts;
    size_t n_features, n_outputs, n_bg;
    double *bg;               /* n_bg * n_features */
    double *bg_w;             /* n_bg weights summing to 1 */
    double *fnull;            /* n_outputs: sum_b w_b f(b) */
    double *base;             /* n_outputs: link(fnull) */
    double *bg_pred;          /* n_bg * n_outputs: f(b), for the base
                                 values of background groups */
    unsigned char *col_const; /* every background row has col_value[j] */
    double *col_value;
    double row_cost;          /* xpl__model_row_cost: node steps per row */
};

/* Equal, or both missing. */
static inline int xpl__ks_same_value(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* The link Kernel SHAP explains in: identity, or logit of a clamped
 * probability. */
static inline double xpl__ks_apply_link(xpl_link link, double p)
{
    if (link != XPL_LINK_LOGIT)
        return p;
    if (p < 1e-15)
        p = 1e-15;
    else if (p > 1 - 1e-15)
        p = 1 - 1e-15;
    return log(p / (1 - p));
}

/* Predict n rows with the caller's scratch (carved from the same workspace
 * as the explainer's buffers). */
static inline int xpl__ks_predict(const xpl_kernel_shap *ks, void *scratch,
                                  const double *x, size_t n, double *out)
{
    return xpl__model_predict_into(ks->model, scratch, x, n,
                                   ks->opts.model_output, out);
}

#endif
