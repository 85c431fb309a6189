/*
 * xplain Kernel SHAP: a lower-level entry point beside the one explainer API
 * of <xplain/explainer.h>, for callers that want this method's own
 * arrays. Conventions are those of <xplain/xplain.h>, which this header
 * includes (the umbrella; include it alone).
 */
#include "xplain.h" /* first, outside the guard: the umbrella includes us */

#ifndef XPLAIN_KERNEL_SHAP_H
#define XPLAIN_KERNEL_SHAP_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Kernel SHAP: model-agnostic Shapley values of one model output over a
 * weighted background sample (the interventional value function of shap's
 * KernelExplainer):
 *
 *     v(S) = link( sum_b w_b f(x_S, b_notS) ),
 *
 * where x_S takes the explained row's values on the features of S and the
 * background row b's values elsewhere. The contributions phi_j of a row sum
 * to link(f(x)) - link(E_bg f) exactly (to rounding): efficiency is imposed,
 * not estimated.
 *
 * Only features that vary take part: feature j is a player if x_j differs
 * from the value of at least one background row (exact comparison; NaN
 * equals NaN). The others get exactly 0. With M players the evaluation
 * budget (nsamples coalitions, default 2M + 2048 like shap) is compared with
 * the 2^M - 2 proper coalitions: if it covers them all, the explainer
 * enumerates every coalition and returns the exact Shapley values (std
 * errors 0). Otherwise it samples coalitions and solves the Kernel SHAP
 * weighted least-squares problem under the efficiency constraint; see
 * xpl_ks_sampler and docs/kernel-shap.md. Every coalition costs one model
 * row per background row; rows are built and predicted in bounded blocks.
 *
 * An explainer is immutable once built and may be shared by any number of
 * threads, each with its own xpl_workspace. A row's result depends only on
 * the explainer, the row, the options' seed and the row_index passed to
 * xpl_kernel_shap_explain: not on other rows, their order or thread count.
 */
typedef struct xpl_kernel_shap xpl_kernel_shap;

/** Optional L1 feature selection before the regression (as shap's l1_reg),
 *  applied only when coalitions are sampled or when it is asked for
 *  explicitly with full enumeration. Features left out get 0; efficiency
 *  still holds over the selected ones. See docs/kernel-shap.md. */
typedef enum xpl_l1_reg {
    XPL_L1_NONE = 0,  /**< no selection (default; shap's l1_reg=False) */
    XPL_L1_AIC = 1,   /**< LARS-lasso path, minimum AIC (shap's "aic") */
    XPL_L1_BIC = 2,   /**< LARS-lasso path, minimum BIC (shap's "bic") */
    XPL_L1_TOP_K = 3  /**< the first l1_top_k features to enter the LARS
                           path (shap's "num_features(k)") */
} xpl_l1_reg;

/** How coalitions are chosen when they cannot all be enumerated. */
typedef enum xpl_ks_sampler {
    /** Default: coalition sizes stratified in pairs (s, M - s), every
     *  stratum that the budget covers enumerated, the rest sampled with
     *  equal budget per size (the leverage scores of the regression) as
     *  complementary pairs without replacement. With the identity link the
     *  background is split into groups (as many as the overhead budget
     *  allows), each explained on its own rows with its own coalitions,
     *  the same model evaluations in all; otherwise (or with a single
     *  group) a cross-fitted regression adjustment: a small boosted-tree
     *  surrogate of the regression residuals whose Shapley values are
     *  exact, and Kernel SHAP on what it leaves. Exactly efficient; about
     *  0.3-0.4x shap's error at equal budget on the accuracy study
     *  (docs/kernel-shap.md). */
    XPL_KS_SAMPLER_XPLAIN = 0,
    /** shap's KernelExplainer scheme, for comparison: sizes enumerated while
     *  the kernel's share of the budget covers them, the rest drawn with
     *  replacement from the Shapley kernel with paired complements and
     *  duplicates merged into weights. */
    XPL_KS_SAMPLER_SHAP = 1,
    /** XPL_KS_SAMPLER_XPLAIN without background groups or regression
     *  adjustment: plain Kernel SHAP on the stratified leverage sample
     *  (lowest overhead). */
    XPL_KS_SAMPLER_LEVERAGE = 2
} xpl_ks_sampler;

/** Options of a Kernel SHAP explainer. Initialise with
 *  XPL_KERNEL_SHAP_OPTIONS_INIT and change what you need. */
typedef struct xpl_kernel_shap_options {
    unsigned version;         /**< XPL_KERNEL_SHAP_OPTIONS_VERSION */
    /** Coalitions to evaluate per row: 0 (default) means 2M + 2048 for a
     *  row with M players, like shap; otherwise at least 2. Capped at
     *  2^M - 2, where the result is exact. */
    size_t nsamples;
    /** Which model output is explained: XPL_OUTPUT_RAW (default: margins),
     *  XPL_OUTPUT_PROBABILITY (classifiers) or XPL_OUTPUT_RESPONSE. */
    xpl_output model_output;
    /** Link applied to expected outputs (shap's link): XPL_LINK_IDENTITY
     *  (default) or XPL_LINK_LOGIT, log(p / (1 - p)) with p clipped to
     *  [1e-15, 1 - 1e-15]; the logit link needs probabilities (probability
     *  output, the response of a logit or softmax model, or a forest whose
     *  raw outputs are probabilities). */
    xpl_link link;
    uint64_t seed;            /**< seed of every row's generator (default 0) */
    /** Early stopping: when > 0, nsamples is a maximum; sampled
     *  coalitions are evaluated in growing batches and sampling stops once,
     *  for every output, max_j std_error_j / (max_j phi_j - min_j phi_j)
     *  <= tolerance (R's kernelshap uses 0.005). Only the sizes that a
     *  budget of min(nsamples, 2M + 2048) enumerates are enumerated; the
     *  rest is sampled. 0 (default) spends the whole budget. */
    double tolerance;
    xpl_l1_reg l1_reg;        /**< default XPL_L1_NONE */
    size_t l1_top_k;          /**< features kept by XPL_L1_TOP_K (>= 1) */
    xpl_ks_sampler sampler;   /**< default XPL_KS_SAMPLER_XPLAIN */
} xpl_kernel_shap_options;

#define XPL_KERNEL_SHAP_OPTIONS_VERSION 1u
#define XPL_KERNEL_SHAP_OPTIONS_INIT                                         \
    { XPL_KERNEL_SHAP_OPTIONS_VERSION, 0, XPL_OUTPUT_RAW, XPL_LINK_IDENTITY, \
      0, 0.0, XPL_L1_NONE, 0, XPL_KS_SAMPLER_XPLAIN }

/** Rows with more players (varying features) than this are rejected with
 *  XPL_ELIMIT: the regression needs M x M matrices. */
#define XPL_KERNEL_SHAP_MAX_PLAYERS ((size_t)2048)
/** Largest accepted nsamples (XPL_ELIMIT beyond). */
#define XPL_KERNEL_SHAP_MAX_SAMPLES ((size_t)1 << 30)

/**
 * Build a Kernel SHAP explainer.
 *
 * Predicts the background once to compute the base values. The background
 * is copied; the model is borrowed and must outlive the explainer.
 *
 * @param[out] out         the explainer
 * @param[in]  m           the model
 * @param[in]  background  rows whose columns are the model's features in
 *                         order (names checked), at least one row, with
 *                         optional weights (normalised to sum 1; NULL
 *                         weights mean uniform); NULL uses the background
 *                         embedded in the model
 * @param[in]  opts        options, or NULL for the defaults
 * @return XPL_OK; XPL_EINVAL (NULL model, no background given or embedded,
 *         empty background, weights summing to 0, bad option: version,
 *         nsamples 1, unknown output, link, sampler or l1_reg, top-k of 0,
 *         negative or NaN tolerance, probability output or logit link on a
 *         model without probabilities), XPL_ESHAPE (background columns are
 *         not the model's features), XPL_ELIMIT (nsamples too large),
 *         XPL_ENUMERIC (the model's expected output is not finite),
 *         XPL_ENOMEM, XPL_EUSER (a wrapped model's callback failed).
 */
XPL_API int xpl_kernel_shap_new(xpl_kernel_shap **out, const xpl_model *m,
                                const xpl_dataset *background,
                                const xpl_kernel_shap_options *opts);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_kernel_shap_free(xpl_kernel_shap *ks);

/** Outputs explained: the model's n_outputs. */
XPL_API size_t xpl_kernel_shap_n_outputs(const xpl_kernel_shap *ks);

/** Features of the model (the length of x and of each contribution row). */
XPL_API size_t xpl_kernel_shap_n_features(const xpl_kernel_shap *ks);

/** Base values, n_outputs values (borrowed): link(sum_b w_b f(b)), the
 *  link applied to the background's expected output. */
XPL_API const double *xpl_kernel_shap_base_values(const xpl_kernel_shap *ks);

/**
 * Explain one row.
 *
 * @param[in]  ks          the explainer (shared, read only)
 * @param[in]  ws          scratch owned by the calling thread, or NULL to
 *                         allocate temporary scratch for this call; its
 *                         memory grows to about nsamples * (n_outputs + 1)
 *                         doubles plus one block of model rows
 * @param[in]  x           n_features values in feature order (NaN missing)
 * @param[in]  row_index   seeds the row's generator together with the
 *                         options' seed: pass the row's position in the
 *                         input so that results do not depend on how rows
 *                         are split between threads or calls
 * @param[out] contrib     n_outputs * n_features contributions, one row per
 *                         output; they sum (per output) to
 *                         prediction - base value
 * @param[out] std_error   same shape: standard errors of the estimates (0
 *                         when exact or for features that do not take
 *                         part), or NULL
 * @param[out] prediction  n_outputs values link(f(x)), or NULL
 * @param[out] n_evals     model rows evaluated for this row (1 + coalitions
 *                         x background rows), or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument), XPL_ELIMIT (more than
 *         XPL_KERNEL_SHAP_MAX_PLAYERS players), XPL_ENUMERIC (the model
 *         returned a non-finite value, or the regression failed),
 *         XPL_ENOMEM, XPL_EUSER. Outputs are untouched on failure.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_kernel_shap_explain(const xpl_kernel_shap *ks,
                                    xpl_workspace *ws, const double *x,
                                    uint64_t row_index, double *contrib,
                                    double *std_error, double *prediction,
                                    size_t *n_evals);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_KERNEL_SHAP_H */
