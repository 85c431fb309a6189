/*
 * xplain TreeSHAP: a lower-level entry point beside the one explainer API
 * of <xplain/explainer.h>, for callers that want this method's own
 * arrays. Conventions are those of <xplain/xplain.h>, which this header
 * includes (the umbrella; include it alone).
 */
#include "xplain.h" /* first, outside the guard: the umbrella includes us */

#ifndef XPLAIN_TREE_SHAP_H
#define XPLAIN_TREE_SHAP_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Exact SHAP values of a tree ensemble's raw output (margins), in time
 * polynomial in the trees' size:
 *
 *  - path-dependent (no background): the Shapley values of
 *    v(S) = E[f(X) | X_S = x_S] where the expectation follows the training
 *    data's path through each tree (node covers), as XGBoost's pred_contribs
 *    and shap's TreeExplainer(feature_perturbation="tree_path_dependent");
 *  - interventional (with a background): the Shapley values of
 *    v(S) = sum_b w_b f(x_S, b_notS), the same game Kernel SHAP estimates,
 *    computed exactly. Building summarises the background per tree in
 *    tables (at most 256 MiB in all) wherever that is cheaper than walking
 *    every (row, background row) pair, so a row's cost mostly does not grow
 *    with the background's size (docs/tree-shap-interventional.md).
 *
 * Contributions sum to the raw prediction minus the base value. Immutable
 * once built; share it between threads, one xpl_workspace each.
 */
typedef struct xpl_tree_shap xpl_tree_shap;

/**
 * Build a TreeSHAP explainer.
 * @param[out] out         the explainer
 * @param[in]  m           a tree-ensemble model (borrowed: must outlive the
 *                         explainer)
 * @param[in]  background  NULL for path-dependent TreeSHAP; else rows whose
 *                         columns are the model's features in order, with
 *                         optional weights (copied), for interventional
 *                         TreeSHAP
 * @return XPL_OK; XPL_EINVAL (NULL argument, empty background, weights
 *         summing to 0), XPL_EUNSUPPORTED (not a tree ensemble),
 *         XPL_ESHAPE (background columns), XPL_ENOMEM.
 */
XPL_API int xpl_tree_shap_new(xpl_tree_shap **out, const xpl_model *m,
                              const xpl_dataset *background);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_tree_shap_free(xpl_tree_shap *ts);

XPL_API size_t xpl_tree_shap_n_outputs(const xpl_tree_shap *ts);
XPL_API size_t xpl_tree_shap_n_features(const xpl_tree_shap *ts);
/** 1 if built with a background (interventional), else 0. */
XPL_API int xpl_tree_shap_is_interventional(const xpl_tree_shap *ts);
/** Base values, n_outputs raw values (borrowed): the expected raw output
 *  under the covers (path-dependent) or over the background. */
XPL_API const double *xpl_tree_shap_base_values(const xpl_tree_shap *ts);

/**
 * Explain one row.
 * @param[in]  ts          the explainer
 * @param[in]  ws          scratch of the calling thread, or NULL
 * @param[in]  x           n_features values (NaN missing)
 * @param[out] contrib     n_outputs * n_features contributions, one row per
 *                         output (NaN for an output whose trees cannot route
 *                         a missing value of x)
 * @param[out] prediction  n_outputs raw predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument), XPL_ENOMEM.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_tree_shap_explain(const xpl_tree_shap *ts, xpl_workspace *ws,
                                  const double *x, double *contrib,
                                  double *prediction);

/**
 * SHAP interaction values of one row (path-dependent explainers only), as
 * XGBoost's pred_interactions and shap's
 * TreeExplainer.shap_interaction_values: per output an (M+1) x (M+1)
 * matrix, M = n_features, row-major. For i != j < M, entry (i, j) is half
 * the change of feature j's SHAP value when feature i is held present
 * instead of absent (the Shapley interaction index split evenly between
 * (i, j) and (j, i), so the matrix is symmetric); entry (i, i) is the SHAP
 * value of i minus the rest of row i, so row i sums to the SHAP value of
 * i; entry (M, M) is the base value and the rest of row and column M is 0.
 * All entries sum to the raw prediction. Cost: about twice the SHAP values
 * per feature that each tree splits on (features no tree uses are free).
 * @param[in]  ts            a path-dependent explainer (no background)
 * @param[in]  ws            scratch of the calling thread, or NULL
 * @param[in]  x             n_features values (NaN missing)
 * @param[out] interactions  n_outputs * (M+1) * (M+1) values, one matrix
 *                           per output (NaN as for xpl_tree_shap_explain)
 * @param[out] prediction    n_outputs raw predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument), XPL_EUNSUPPORTED (an
 *         interventional explainer), XPL_ENOMEM.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_tree_shap_interactions(const xpl_tree_shap *ts,
                                       xpl_workspace *ws, const double *x,
                                       double *interactions,
                                       double *prediction);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_TREE_SHAP_H */
