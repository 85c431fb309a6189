/*
 * xplain linear SHAP: a lower-level entry point beside the one explainer API
 * of <xplain/explainer.h>, for callers that want this method's own
 * arrays. Conventions are those of <xplain/xplain.h>, which this header
 * includes (the umbrella; include it alone).
 */
#include "xplain.h" /* first, outside the guard: the umbrella includes us */

#ifndef XPLAIN_LINEAR_SHAP_H
#define XPLAIN_LINEAR_SHAP_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Exact SHAP values of a linear model's raw output (margins) with
 * independent features, as shap's LinearExplainer: the contribution of
 * feature k to output o is w_ok (x_k - E[x_k]), where E is the weighted
 * mean over a background. They sum to the raw prediction minus the base
 * value b_o + w_o . E[x] exactly (to rounding). A missing input gets a NaN
 * contribution and a NaN prediction.
 *
 * Probabilities are not linear in x: explain them with Kernel SHAP (exact
 * when the budget covers every coalition). Immutable once built; share it
 * between threads (explaining needs no scratch).
 */
typedef struct xpl_linear_shap xpl_linear_shap;

/**
 * Build a linear SHAP explainer.
 * @param[out] out         the explainer
 * @param[in]  m           a linear model (borrowed: must outlive it)
 * @param[in]  background  rows whose columns are the model's features in
 *                         order, optionally weighted, none missing; NULL
 *                         uses the model's embedded background, else its
 *                         embedded statistics (the feature means)
 * @return XPL_OK; XPL_EINVAL (NULL argument, no background given or
 *         embedded, empty background, weights summing to 0),
 *         XPL_EUNSUPPORTED (not a linear model), XPL_ESHAPE (background
 *         columns), XPL_ENUMERIC (a missing or non-finite background
 *         value), XPL_ENOMEM.
 */
XPL_API int xpl_linear_shap_new(xpl_linear_shap **out, const xpl_model *m,
                                const xpl_dataset *background);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_linear_shap_free(xpl_linear_shap *ls);

XPL_API size_t xpl_linear_shap_n_outputs(const xpl_linear_shap *ls);
XPL_API size_t xpl_linear_shap_n_features(const xpl_linear_shap *ls);
/** Base values, n_outputs raw values (borrowed): the expected raw output
 *  b_o + w_o . E[x]. */
XPL_API const double *xpl_linear_shap_base_values(const xpl_linear_shap *ls);
/** The background means E[x_k], n_features values (borrowed). */
XPL_API const double *xpl_linear_shap_means(const xpl_linear_shap *ls);

/**
 * Explain one row.
 * @param[in]  ls          the explainer
 * @param[in]  x           n_features values (NaN missing)
 * @param[out] contrib     n_outputs * n_features contributions, one row per
 *                         output
 * @param[out] prediction  n_outputs raw predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument). Thread-safe.
 */
XPL_API int xpl_linear_shap_explain(const xpl_linear_shap *ls,
                                    const double *x, double *contrib,
                                    double *prediction);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_LINEAR_SHAP_H */
