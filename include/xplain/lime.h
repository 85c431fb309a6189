/*
 * xplain LIME: local surrogate explanations of tabular models with the
 * semantics of Python's lime (LimeTabularExplainer), with its known bugs
 * fixed and per-row seeding. See docs/lime.md.
 *
 * The conventions of <xplain/xplain.h> hold (return codes, output
 * parameters, ownership, thread safety). This header includes it (the
 * umbrella; including it alone is enough). The one explainer API of
 * <xplain/explainer.h> runs LIME too; this is the lower-level entry point.
 */
#include "xplain.h" /* first, outside the guard: the umbrella includes us */

#ifndef XPLAIN_LIME_H
#define XPLAIN_LIME_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * LIME for one model over training statistics. For each explained row:
 *
 *  1. num_samples perturbed rows are drawn (row 0 is the row itself).
 *     Discretized (default): every continuous feature is cut into bins at
 *     the training data's quartiles or deciles; a sample draws each
 *     feature's bin with the training frequencies and a value inside it
 *     from a normal with the bin's training mean and standard deviation,
 *     truncated to the bin. Not discretized: each continuous feature is
 *     drawn from a normal with the training standard deviation around the
 *     training mean (or the row). Categorical features draw a training
 *     value with its training frequency.
 *  2. Each sample's interpretable representation: 1/0 "same bin (value) as
 *     the row" for discretized and categorical features, the z-score
 *     (x - mean) / std for the others.
 *  3. Weights: sqrt(exp(-d^2 / w^2)), d the Euclidean distance to row 0 in
 *     that representation, w the kernel width.
 *  4. Feature selection (at most num_features features), then a weighted
 *     ridge regression (alpha 1, unpenalised intercept) of the explained
 *     model output on the selected columns: its coefficients are the
 *     weights; score is its weighted R^2 on the samples and
 *     local_prediction its value at row 0.
 *
 * An explainer is immutable once built and may be shared by any number of
 * threads, each with its own xpl_workspace. A row's result depends only on
 * the explainer, the row, the options' seed and the row_index passed to
 * xpl_lime_explain.
 */
typedef struct xpl_lime xpl_lime;

/** How continuous features are represented. */
typedef enum xpl_lime_discretizer {
    XPL_LIME_QUARTILE = 0, /**< bins at the 25/50/75th percentiles (default) */
    XPL_LIME_DECILE = 1,   /**< bins at the 10/20/.../90th percentiles */
    XPL_LIME_NONE = 2      /**< no bins: z-scores (lime's
                                discretize_continuous=False) */
} xpl_lime_discretizer;

/** How the features of the surrogate are chosen (lime's names). */
typedef enum xpl_lime_selection {
    XPL_LIME_SELECT_AUTO = 0,    /**< forward if num_features <= 6, else
                                      highest weights (default) */
    XPL_LIME_SELECT_FORWARD = 1, /**< greedy: add the feature that most
                                      raises the weighted R^2 of an
                                      unpenalised fit, num_features times */
    XPL_LIME_SELECT_HIGHEST_WEIGHTS = 2, /**< the num_features largest
                                      |coefficient x row's representation|
                                      of a ridge fit (alpha 0.01) on all */
    XPL_LIME_SELECT_LASSO_PATH = 3, /**< the last point of the weighted
                                      LARS-lasso path with at most
                                      num_features non-zero coefficients */
    XPL_LIME_SELECT_NONE = 4     /**< every feature (num_features ignored) */
} xpl_lime_selection;

/** Explained output chosen automatically (xpl_lime_options.model_output
 *  and .class_index). */
#define XPL_LIME_AUTO (-1)

/** Options of a LIME explainer. Initialise with XPL_LIME_OPTIONS_INIT and
 *  change what you need. */
typedef struct xpl_lime_options {
    unsigned version;          /**< XPL_LIME_OPTIONS_VERSION */
    size_t num_samples;        /**< samples per row, >= 2 (default 5000) */
    /** Features kept by the selection, 1 .. n_features; 0 (default) means
     *  lime's 10, or every feature when the model has fewer. */
    size_t num_features;
    /** Kernel width w > 0; 0 (default) means 0.75 sqrt(n_features). */
    double kernel_width;
    xpl_lime_discretizer discretizer; /**< default XPL_LIME_QUARTILE */
    xpl_lime_selection feature_selection; /**< default XPL_LIME_SELECT_AUTO */
    /** Indices of categorical features (values are codes compared
     *  exactly), n_categorical of them, or NULL. Copied. */
    const size_t *categorical;
    size_t n_categorical;
    /** XPL_LIME_AUTO (default): class probabilities for classifiers
     *  (xpl_model_is_classifier), raw outputs otherwise; or an xpl_output
     *  value. */
    int model_output;
    /** Which class (probability output) or output is explained:
     *  XPL_LIME_AUTO (default) means the predicted class of each row for
     *  more than two classes, class 1 for binary classifiers and output 0
     *  otherwise. A binary classifier with one output has classes 0
     *  (probability 1 - p) and 1 (p). */
    int class_index;
    uint64_t seed;             /**< seed of every row's generator (default 0) */
    /** Independent runs per row, >= 1 (default 1); with R > 1 the result
     *  holds the mean weight, its standard deviation over the runs and how
     *  often each feature was selected. Run r of a row uses the same
     *  stream whatever R is. */
    unsigned repeats;
    /** Not discretized only: 1 draws continuous features around the row
     *  instead of the training mean (lime's sample_around_instance). */
    int sample_around_instance;
    /** Decimals of numbers in condition labels (lime: 2). 0 .. 17. */
    int label_decimals;
} xpl_lime_options;

#define XPL_LIME_OPTIONS_VERSION 1u
#define XPL_LIME_OPTIONS_INIT                                              \
    { XPL_LIME_OPTIONS_VERSION, 5000, 0, 0.0, XPL_LIME_QUARTILE,           \
      XPL_LIME_SELECT_AUTO, NULL, 0, XPL_LIME_AUTO, XPL_LIME_AUTO, 0, 1, 0, \
      2 }

/** Largest accepted num_samples (XPL_ELIMIT beyond). */
#define XPL_LIME_MAX_SAMPLES ((size_t)1 << 26)
/** Models with more features are rejected with XPL_ELIMIT: the surrogate
 *  works on an n_features^2 matrix. */
#define XPL_LIME_MAX_FEATURES ((size_t)4096)
/** Largest accepted repeats (XPL_ELIMIT beyond). */
#define XPL_LIME_MAX_REPEATS 10000u

/**
 * Build a LIME explainer.
 *
 * Statistics come from `training` when it is given: per continuous
 * feature the mean and population standard deviation, the bin boundaries
 * (numpy percentiles, duplicates merged) and per bin the frequency, mean,
 * standard deviation and range; per categorical feature its values and
 * their frequencies. Missing values are ignored; row weights, if any,
 * weight the frequencies, means and standard deviations (the boundaries
 * are unweighted percentiles). With `training` NULL they come from the
 * model: the embedded statistics (xpl_model_stats: mean, std, min, max and
 * boundaries, from the whole training set) and the embedded background
 * rows (bin frequencies, means and standard deviations; categorical
 * values). With statistics but no background, each bin gets the frequency
 * of its percentile interval and a uniform distribution over its range;
 * with a background but no statistics, the background is the training
 * data.
 *
 * @param[out] out       the explainer
 * @param[in]  m         the model (borrowed: must outlive the explainer)
 * @param[in]  training  training rows whose columns are the model's
 *                       features in order (names checked), or NULL
 * @param[in]  opts      options, or NULL for the defaults
 * @return XPL_OK; XPL_EINVAL (NULL model, bad option: version, num_samples
 *         < 2, num_features > n_features, negative or non-finite kernel
 *         width, unknown discretizer, selection or output, class out of
 *         range, repeats 0, categorical index out of range or repeated,
 *         label_decimals out of range; no training data given or embedded;
 *         a feature with no observed or an infinite training value;
 *         categorical features without training rows), XPL_ESHAPE
 *         (training columns are not the model's features), XPL_ELIMIT
 *         (num_samples, repeats, or more than XPL_LIME_MAX_FEATURES
 *         features), XPL_ENOMEM.
 */
XPL_API int xpl_lime_new(xpl_lime **out, const xpl_model *m,
                         const xpl_dataset *training,
                         const xpl_lime_options *opts);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_lime_free(xpl_lime *lime);

/** Features of the model (the length of x and of the weight arrays). */
XPL_API size_t xpl_lime_n_features(const xpl_lime *lime);

/** The options in effect, defaults resolved (num_features, kernel_width;
 *  categorical points into the explainer). Borrowed. */
XPL_API const xpl_lime_options *xpl_lime_options_used(const xpl_lime *lime);

/** Summary of one row's explanation. With repeats > 1 the values are means
 *  over the runs and the _std fields their standard deviations (0 with one
 *  run). */
typedef struct xpl_lime_summary {
    double intercept;         /**< the surrogate's intercept */
    double intercept_std;
    double score;             /**< weighted R^2 of the surrogate on its
                                   samples (in-sample, like lime) */
    double score_std;
    double local_prediction;  /**< the surrogate at the row */
    double local_prediction_std;
    double prediction;        /**< the model's explained output at the row */
    int explained_class;      /**< the class (or output) explained */
    int explained_output;     /**< the xpl_output explained */
    size_t n_selected;        /**< features selected in at least one run */
} xpl_lime_summary;

/**
 * Explain one row.
 *
 * @param[in]  lime        the explainer (shared, read only)
 * @param[in]  ws          scratch owned by the calling thread, or NULL to
 *                         allocate temporary scratch for this call; it
 *                         grows to about num_samples + one block of model
 *                         rows plus n_features^2 doubles
 * @param[in]  x           n_features values in feature order; missing
 *                         values (NaN) are rejected
 * @param[in]  row_index   seeds the row's generator together with the
 *                         options' seed: pass the row's position in the
 *                         input so that results do not depend on how rows
 *                         are split between threads or calls
 * @param[out] weights     n_features surrogate coefficients (mean over the
 *                         runs); 0 for features never selected.
 *                         Discretized and categorical features: the effect
 *                         of being in the row's bin (category); others:
 *                         per training standard deviation
 * @param[out] selected    n_features flags: 1 if selected in at least one
 *                         run, or NULL
 * @param[out] weight_std  n_features standard deviations of the weights
 *                         over the runs (population, 0 for one run), or
 *                         NULL
 * @param[out] selection_frequency  n_features fractions of the runs that
 *                         selected each feature, or NULL
 * @param[out] summary     intercept, score, predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument, a missing value in x),
 *         XPL_ENUMERIC (the model returned a non-finite value),
 *         XPL_ENOMEM, XPL_EUSER. Outputs are untouched on failure.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_lime_explain(const xpl_lime *lime, xpl_workspace *ws,
                             const double *x, uint64_t row_index,
                             double *weights, unsigned char *selected,
                             double *weight_std, double *selection_frequency,
                             xpl_lime_summary *summary);

/**
 * lime's label of feature j for row x, as in lime's as_list: for a
 * discretized feature its bin, "name <= 3.20", "1.50 < name <= 3.20" or
 * "name > 3.20" (label_decimals decimals); for a categorical feature
 * "name=value" (value: the category's name when the model names that
 * code, xpl_model_category_names; else the shortest text that reads back
 * exactly); else
 * the name. Writes at most `size` bytes including the NUL (truncating like
 * snprintf; buf may be NULL when size is 0).
 *
 * @return the length of the whole label (without the NUL), which may
 *         exceed size - 1; or XPL_EINVAL (NULL explainer or x, j out of
 *         range, NULL buf with size > 0, a missing value of a discretized
 *         feature).
 */
XPL_API int xpl_lime_condition(const xpl_lime *lime, const double *x,
                               size_t j, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_LIME_H */
