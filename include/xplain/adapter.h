/*
 * xplain model adapters: wrap your own model so that every explainer can use
 * it. The adapter is a small versioned table of functions; xplain calls only
 * predict_batch, on large batches, from many threads at once.
 */
#ifndef XPLAIN_ADAPTER_H
#define XPLAIN_ADAPTER_H

#include "xplain.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XPL_ADAPTER_VERSION 1u

/** Operations of a model. The table must outlive every model made with it
 *  (a static const table is the usual choice). */
typedef struct xpl_adapter {
    unsigned version; /**< XPL_ADAPTER_VERSION */
    const char *name; /**< kind reported by xpl_model_kind, e.g. "my-gbm" */

    /** Bytes of scratch predict_batch needs for n_rows rows; NULL means 0.
     *  Must not fail and must be reentrant. */
    size_t (*scratch_size)(const void *state, size_t n_rows);

    /**
     * Write raw outputs (before the link) of n_rows rows.
     * @param[in]  state    the pointer given to xpl_model_wrap
     * @param[in]  scratch  scratch_size(state, n_rows) bytes, 16-byte aligned,
     *                      owned by the calling thread (NULL if size 0)
     * @param[in]  x        n_rows * n_cols values, row-major; NaN = missing
     * @param[out] out      n_rows * n_outputs values, row-major
     * @return 0 on success, non-zero on failure (reported as XPL_EUSER).
     * Must be reentrant: it is called concurrently with distinct scratch.
     */
    int (*predict_batch)(const void *state, void *scratch, const double *x,
                         size_t n_rows, size_t n_cols, double *out);

    /** Release state when the model is freed; NULL if nothing to do. */
    void (*destroy)(void *state);
} xpl_adapter;

/** Shape and meaning of a wrapped model's inputs and outputs. */
typedef struct xpl_model_spec {
    unsigned version;                 /**< XPL_MODEL_SPEC_VERSION */
    size_t n_features;                /**< >= 1 */
    size_t n_outputs;                 /**< >= 1 */
    const char *const *feature_names; /**< n_features names, or NULL: f0.. */
    xpl_link link;                    /**< link applied to raw outputs */
} xpl_model_spec;

#define XPL_MODEL_SPEC_VERSION 1u

/**
 * Wrap a user model. On success the model owns `state` and calls
 * ops->destroy(state) when freed; on failure the caller keeps it.
 * @return XPL_OK; XPL_EINVAL (bad table, version, shape or names),
 *         XPL_ELIMIT, XPL_ENOMEM.
 */
XPL_API int xpl_model_wrap(xpl_model **out, const xpl_adapter *ops,
                           void *state, const xpl_model_spec *spec);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_ADAPTER_H */
