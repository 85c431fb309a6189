/*
 * xplain's one explainer API: pick a method for a model (or name one),
 * build it once, explain rows into complete, renderable explanations.
 *
 *     xpl_explainer *ex;
 *     xpl_explainer_new(&ex, model, NULL, NULL);      // AUTO, defaults
 *     size_t n = xpl_explainer_n_outputs(ex);
 *     xpl_explanation e[n];                             // or malloc
 *     xpl_explainer_explain(ex, ws, x, e);              // one row
 *     xpl_render_json(stdout, &e[0]);
 *
 * This is what the `explain` command line runs: for the same model,
 * background, options and row, the API and the CLI give the same bytes.
 * Conventions are those of <xplain/xplain.h>, which this header includes
 * (the umbrella; include it alone).
 *
 * Outputs (docs/output.md): an explanation's `output` is a class index for
 * a classifier (xpl_model_is_classifier) and a model output index for any
 * other model, under every method and output kind. A binary classifier
 * whose model has one output (the margin or probability of class 1) has
 * two classes: output 1 is that model output, output 0 its complement
 * (the negated margin, or 1 - p), whose contributions are the negated
 * ones. xpl_explanation.n_outputs is the number of classes (outputs).
 *
 * Seeds: a row's random stream (Kernel SHAP's coalitions, LIME's samples)
 * is derived from the options' seed and the row's values: a 64-bit hash of
 * its n_features doubles in order, with -0 counted as 0 and every NaN as
 * one missing value. A row gets the same numbers whichever call, thread,
 * batch or position in a file it comes in; the CLI seeds the same way.
 */
#include "xplain.h" /* first, outside the guard: the umbrella includes us */

#ifndef XPLAIN_EXPLAINER_H
#define XPLAIN_EXPLAINER_H

#ifdef __cplusplus
extern "C" {
#endif

/** Explanation methods. Values are stable and append-only. */
typedef enum xpl_method {
    /** The exact algorithm when the model has one, for raw margins: tree
     *  ensembles get TreeSHAP (interventional over the background given or
     *  embedded, else path-dependent), linear models with a background or
     *  embedded statistics get linear SHAP. Everything else (another
     *  output kind, a Kernel SHAP link or setting that differs from its
     *  default, another model) gets Kernel SHAP. */
    XPL_METHOD_AUTO = 0,
    XPL_METHOD_KERNEL_SHAP = 1, /**< <xplain/kernel_shap.h> */
    XPL_METHOD_TREE_SHAP = 2,   /**< <xplain/tree_shap.h>: raw margins */
    XPL_METHOD_LINEAR_SHAP = 3, /**< <xplain/linear_shap.h>: raw margins */
    XPL_METHOD_LIME = 4         /**< <xplain/lime.h> */
} xpl_method;

/** Every output (class) of the model: the default of class_index. */
#define XPL_ALL_OUTPUTS (-1)

/** Options of an explainer. Initialise with XPL_EXPLAINER_OPTIONS_INIT
 *  and change what you need. */
typedef struct xpl_explainer_options {
    unsigned version;  /**< XPL_EXPLAINER_OPTIONS_VERSION */
    xpl_method method; /**< default XPL_METHOD_AUTO */
    /** What is explained: XPL_OUTPUT_AUTO (default) means raw margins for
     *  the SHAP methods and, for LIME, class probabilities of classifiers
     *  and raw outputs of other models; or XPL_OUTPUT_RAW,
     *  XPL_OUTPUT_PROBABILITY (classifiers only) or XPL_OUTPUT_RESPONSE.
     *  TreeSHAP and linear SHAP explain raw margins only. */
    xpl_output output;
    /** Which output (class, see the header's comment) is explained:
     *  XPL_ALL_OUTPUTS (default) means, for the SHAP methods, every output
     *  the model computes (class 1 alone for a binary classifier with one
     *  model output) and, for LIME (one output per row), the predicted
     *  class of a multiclass model, class 1 of a binary one, output 0
     *  otherwise. Else 0 .. classes - 1: that output alone. */
    int class_index;
    /** Seed of every row's random stream (default 0); Kernel SHAP and LIME
     *  use it, with the row's values (see the header's comment). */
    uint64_t seed;
    /** Kernel SHAP's settings. Its model_output and seed are ignored (the
     *  fields above hold them). */
    xpl_kernel_shap_options kernel_shap;
    /** TreeSHAP's settings. */
    struct {
        /** 1: also SHAP interaction values (path-dependent: the
         *  background is not used). Needs a tree model and raw margins. */
        int interactions;
    } tree_shap;
    /** LIME's settings. Its model_output, class_index and seed are
     *  ignored (the fields above hold them). */
    xpl_lime_options lime;
} xpl_explainer_options;

#define XPL_EXPLAINER_OPTIONS_VERSION 1u
#define XPL_EXPLAINER_OPTIONS_INIT                                       \
    { XPL_EXPLAINER_OPTIONS_VERSION, XPL_METHOD_AUTO, XPL_OUTPUT_AUTO,   \
      XPL_ALL_OUTPUTS, 0, XPL_KERNEL_SHAP_OPTIONS_INIT, { 0 },             \
      XPL_LIME_OPTIONS_INIT }

/** A built explainer: immutable, shareable between threads (one
 *  xpl_workspace each). */
typedef struct xpl_explainer xpl_explainer;

/**
 * The method XPL_METHOD_AUTO would run for these arguments (or
 * opts->method when it names one). Never XPL_METHOD_AUTO.
 *
 * @param[in] m           the model (NULL: XPL_METHOD_KERNEL_SHAP)
 * @param[in] background  as for xpl_explainer_new, or NULL
 * @param[in] opts        options, or NULL for the defaults
 * Thread-safe.
 */
XPL_API xpl_method xpl_method_choose(const xpl_model *m,
                                     const xpl_dataset *background,
                                     const xpl_explainer_options *opts);

/** The method's name as written in explanations: "kernel-shap",
 *  "tree-shap", "linear-shap", "lime"; "auto" or "unknown". Static. */
XPL_API const char *xpl_method_name(xpl_method method);

/**
 * Build an explainer.
 *
 * @param[out] out         the explainer (NULL on failure)
 * @param[in]  m           the model (borrowed: must outlive the explainer)
 * @param[in]  background  background rows (Kernel SHAP, interventional
 *                         TreeSHAP, linear SHAP) or training data (LIME),
 *                         columns the model's features in order, optionally
 *                         weighted; copied or summarised, not kept. NULL:
 *                         the model's embedded background if any (TreeSHAP
 *                         without one is path-dependent; linear SHAP and
 *                         LIME fall back on the embedded statistics)
 * @param[in]  opts        options, or NULL for the defaults
 * @return XPL_OK; XPL_EINVAL (NULL model, bad option or version, class out
 *         of range, probability output for a model that is not a
 *         classifier, no background where the method needs one, interaction
 *         values with another method, model or output), XPL_EUNSUPPORTED (a
 *         method that does not fit the model, e.g. TreeSHAP for a linear
 *         model), and the errors of the method's own constructor
 *         (XPL_ESHAPE, XPL_ELIMIT, XPL_ENUMERIC, XPL_ENOMEM, XPL_EUSER).
 *         xpl_last_error() says what.
 */
XPL_API int xpl_explainer_new(xpl_explainer **out, const xpl_model *m,
                              const xpl_dataset *background,
                              const xpl_explainer_options *opts);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_explainer_free(xpl_explainer *ex);

/** What runs, in detail: "kernel-shap", "tree-shap-interventional",
 *  "tree-shap-path-dependent", "linear-shap" or "lime" (explanations carry
 *  the family name, "tree-shap"). Static string. */
XPL_API const char *xpl_explainer_method(const xpl_explainer *ex);

/** The method that runs (never XPL_METHOD_AUTO). */
XPL_API xpl_method xpl_explainer_method_id(const xpl_explainer *ex);

/** Explanations per row: the entries xpl_explainer_explain fills (1 with
 *  a class_index or for LIME, else the model's outputs). */
XPL_API size_t xpl_explainer_n_outputs(const xpl_explainer *ex);

/** Classes (outputs) of the model under the rule of this header: an
 *  explanation's `output` is below it (2 for a binary classifier with one
 *  model output, else the model's n_outputs). */
XPL_API size_t xpl_explainer_n_classes(const xpl_explainer *ex);

/** Features of the model: the length of x. */
XPL_API size_t xpl_explainer_n_features(const xpl_explainer *ex);

/**
 * Explain one row.
 *
 * Fills out[0 .. xpl_explainer_n_outputs() - 1] completely: row (0: set it
 * yourself if you render several rows), output, n_outputs (classes),
 * method, names (the model's), values (a copy of x), contributions,
 * std_errors (Kernel SHAP; LIME with repeats; else NULL), base_value,
 * prediction, and for LIME conditions, selected, intercept, score and
 * local_prediction (NULL / NaN otherwise), interactions (TreeSHAP with
 * interactions, else NULL). Ready for every renderer of <xplain/render.h>.
 *
 * The arrays live in `ws` until its next use by any xplain call (copy what
 * you keep); the names live as long as the model.
 *
 * @param[in]  ex   the explainer (shared, read only)
 * @param[in]  ws   scratch owned by the calling thread (not NULL)
 * @param[in]  x    n_features values in feature order, NaN for missing
 * @param[out] out  xpl_explainer_n_outputs(ex) entries
 * @return XPL_OK; XPL_EINVAL (NULL argument; LIME: a missing value),
 *         XPL_ENUMERIC (a value linear SHAP cannot take (missing or
 *         infinite), a non-finite model output, a failed regression),
 *         XPL_ELIMIT (Kernel SHAP: too many varying features), XPL_ENOMEM,
 *         XPL_EUSER (a wrapped model's callback failed). On failure out is
 *         untouched.
 * Thread-safe for distinct workspaces. The result depends only on the
 * explainer, its options and x: not on threads, other rows or their order.
 */
XPL_API int xpl_explainer_explain(const xpl_explainer *ex, xpl_workspace *ws,
                                  const double *x, xpl_explanation *out);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_EXPLAINER_H */
