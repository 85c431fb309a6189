/* Linear SHAP: for a model f(x) = b + w.x with independent features, the
 * interventional Shapley value of feature k is w_k (x_k - E_bg[x_k]): the
 * game is additive, so no sampling and no enumeration are needed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "data/dataset_internal.h"
#include "explainers/new_args.h"
#include "models/linear.h"
#include "models/model_internal.h"

struct xpl_linear_shap {
    const xpl_model *model;
    const xpl__linear *lin;
    double *mean;       /* n_features: E_bg[x_k] */
    double *base_value; /* n_outputs: b + w.mean = E_bg[f] */
};

void xpl_linear_shap_free(xpl_linear_shap *ls)
{
    if (!ls)
        return;
    free(ls->mean);
    free(ls->base_value);
    free(ls);
}

/* Weighted column means. A missing background value has no linear effect
 * to average over, so it is an error rather than a silently skipped cell. */
static int background_means(double *mean, const xpl_dataset *bg)
{
    size_t n = bg->n_rows, p = bg->n_cols;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += bg->w ? bg->w[i] : 1.0;
    if (!(total > 0))
        return xpl__error(XPL_EINVAL, "background weights sum to 0");
    for (size_t j = 0; j < p; j++)
        mean[j] = 0;
    for (size_t i = 0; i < n; i++) {
        double w = (bg->w ? bg->w[i] : 1.0) / total;
        for (size_t j = 0; j < p; j++) {
            double v = bg->x[i * p + j];
            if (isnan(v))
                return xpl__error(XPL_ENUMERIC, "background row %zu: \"%s\" "
                                  "is missing; linear SHAP needs complete "
                                  "background rows", i + 1, bg->names[j]);
            mean[j] += w * v;
        }
    }
    for (size_t j = 0; j < p; j++)
        if (!isfinite(mean[j]))
            return xpl__error(XPL_ENUMERIC, "the background mean of \"%s\" "
                              "is not finite", bg->names[j]);
    return XPL_OK;
}

static int stats_means(double *mean, const xpl_model *m, const xpl_stats *s)
{
    if (xpl_stats_n_features(s) != xpl_model_n_features(m))
        return xpl__error(XPL_ESHAPE, "the embedded statistics cover %zu "
                          "features, the model has %zu",
                          xpl_stats_n_features(s), xpl_model_n_features(m));
    for (size_t j = 0; j < xpl_model_n_features(m); j++) {
        xpl_feature_stats fs;
        int rc = xpl_stats_feature(s, j, &fs);
        if (rc)
            return rc;
        if (!isfinite(fs.mean))
            return xpl__error(XPL_ENUMERIC, "the embedded mean of \"%s\" is "
                              "not finite", xpl_model_feature_name(m, j));
        mean[j] = fs.mean;
    }
    return XPL_OK;
}

int xpl_linear_shap_new(xpl_linear_shap **out, const xpl_model *m,
                        const xpl_dataset *background)
{
    XPL__EXPLAINER_NEW_ARGS("xpl_linear_shap_new", out, m);
    const xpl__linear *lin = xpl__linear_params(m);
    if (!lin)
        return xpl__error(XPL_EUNSUPPORTED, "linear SHAP needs a linear "
                          "model; this model is \"%s\"", xpl_model_kind(m));
    const xpl_dataset *bg = background ? background : xpl_model_background(m);
    const xpl_stats *stats = background ? NULL : xpl_model_stats(m);
    if (!bg && !stats)
        return xpl__error(XPL_EINVAL, "linear SHAP needs a background: pass "
                          "one or embed a background or statistics in the "
                          "model");
    xpl_linear_shap *ls = calloc(1, sizeof *ls);
    if (!ls)
        return xpl__enomem();
    ls->model = m;
    ls->lin = lin;
    size_t p = lin->n_features, k = lin->n_outputs;
    ls->mean = xpl__malloc_array(p, sizeof(double));
    ls->base_value = xpl__malloc_array(k, sizeof(double));
    int rc = ls->mean && ls->base_value ? XPL_OK : xpl__enomem();
    if (!rc && bg)
        rc = xpl__model_check_background(m, bg);
    if (!rc)
        rc = bg ? background_means(ls->mean, bg)
                : stats_means(ls->mean, m, stats);
    if (rc) {
        xpl_linear_shap_free(ls);
        return rc;
    }
    for (size_t o = 0; o < k; o++) {
        const double *w = lin->coef + o * p;
        double s = lin->intercept[o];
        for (size_t j = 0; j < p; j++)
            s += w[j] * ls->mean[j];
        ls->base_value[o] = s;
    }
    *out = ls;
    return XPL_OK;
}

size_t xpl_linear_shap_n_outputs(const xpl_linear_shap *ls)
{
    return ls ? ls->lin->n_outputs : 0;
}

size_t xpl_linear_shap_n_features(const xpl_linear_shap *ls)
{
    return ls ? ls->lin->n_features : 0;
}

const double *xpl_linear_shap_base_values(const xpl_linear_shap *ls)
{
    return ls ? ls->base_value : NULL;
}

const double *xpl_linear_shap_means(const xpl_linear_shap *ls)
{
    return ls ? ls->mean : NULL;
}

int xpl_linear_shap_explain(const xpl_linear_shap *ls, const double *x,
                            double *contrib, double *prediction)
{
    if (!ls || !x || !contrib)
        return xpl__error(XPL_EINVAL, "xpl_linear_shap_explain: NULL "
                          "argument");
    const xpl__linear *lin = ls->lin;
    size_t p = lin->n_features;
    for (size_t o = 0; o < lin->n_outputs; o++) {
        const double *w = lin->coef + o * p;
        double *phi = contrib + o * p;
        double f = lin->intercept[o];
        for (size_t j = 0; j < p; j++) {
            /* a missing input has no value to move the output by: its
             * contribution (and the prediction) is NaN, never a guess */
            phi[j] = w[j] * (x[j] - ls->mean[j]);
            f += w[j] * x[j];
        }
        if (prediction)
            prediction[o] = f;
    }
    return XPL_OK;
}
