#include "models/linear.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/model_internal.h"

static int linear_predict(const void *state, void *scratch, const double *x,
                          size_t n_rows, size_t n_cols, double *out)
{
    const xpl__linear *lin = state;
    size_t k_out = lin->n_outputs;
    for (size_t r = 0; r < n_rows; r++) {
        const double *row = x + r * n_cols;
        for (size_t k = 0; k < k_out; k++) {
            const double *w = lin->coef + k * n_cols;
            double sum = lin->intercept[k];
            for (size_t j = 0; j < n_cols; j++)
                sum += w[j] * row[j];
            out[r * k_out + k] = sum;
        }
    }
    return 0;
}

static void linear_destroy(void *state)
{
    xpl__linear *lin = state;
    if (!lin)
        return;
    free(lin->intercept);
    free(lin->coef);
    free(lin);
}

static const xpl_adapter linear_ops = {
    .version = XPL_ADAPTER_VERSION,
    .name = "linear",
    .scratch_size = NULL,
    .predict_batch = linear_predict,
    .destroy = linear_destroy,
};

int xpl__linear_model_new(xpl_model **out, size_t n_features, size_t n_outputs,
                          const char *const *names, xpl_link link,
                          const double *intercept, const double *coef)
{
    *out = NULL;
    int rc = xpl__check_model_shape(n_features, n_outputs, link);
    if (rc)
        return rc;
    if (link == XPL_LINK_LOG)
        return xpl__error(XPL_EUNSUPPORTED, "linear models support the "
                          "identity, logit and softmax links");
    size_t n_coef;
    if (!xpl__mul_ok(n_features, n_outputs, &n_coef))
        return xpl__error(XPL_ELIMIT, "too many coefficients");
    for (size_t k = 0; k < n_outputs; k++)
        if (!isfinite(intercept[k]))
            return xpl__error(XPL_EFORMAT, "intercept %zu is not finite", k);
    for (size_t i = 0; i < n_coef; i++)
        if (!isfinite(coef[i]))
            return xpl__error(XPL_EFORMAT, "coefficient %zu of output %zu is "
                              "not finite", i % n_features, i / n_features);

    xpl__linear *lin = calloc(1, sizeof *lin);
    if (!lin)
        return xpl__enomem();
    lin->n_features = n_features;
    lin->n_outputs = n_outputs;
    lin->intercept = xpl__malloc_array(n_outputs, sizeof(double));
    lin->coef = xpl__malloc_array(n_coef, sizeof(double));
    if (!lin->intercept || !lin->coef) {
        linear_destroy(lin);
        return xpl__enomem();
    }
    memcpy(lin->intercept, intercept, n_outputs * sizeof(double));
    memcpy(lin->coef, coef, n_coef * sizeof(double));

    xpl_model *m;
    rc = xpl__model_new(&m, &linear_ops, lin, XPL__FAMILY_LINEAR,
                            n_features, n_outputs, names, link);
    if (rc) {
        linear_destroy(lin);
        return rc;
    }
    /* multiply-adds run about four to a node step */
    m->row_cost = (double)(n_features * n_outputs) / 4;
    size_t nonzero = 0;
    for (size_t i = 0; i < n_coef; i++)
        nonzero += coef[i] != 0.0;
    rc = xpl__model_add_property(m, "coefficients", "%zu", n_coef);
    if (!rc)
        rc = xpl__model_add_property(m, "nonzero coefficients", "%zu", nonzero);
    if (rc) {
        xpl_model_free(m);
        return rc;
    }
    *out = m;
    return XPL_OK;
}

const xpl__linear *xpl__linear_params(const xpl_model *m)
{
    return m && m->family == XPL__FAMILY_LINEAR ? m->state : NULL;
}
