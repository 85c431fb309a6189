/* The public TreeSHAP explainer: path-dependent without a background,
 * interventional with one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/workspace.h"
#include "data/dataset_internal.h"
#include "explainers/new_args.h"
#include "explainers/tree_shap/tree_interv.h"
#include "explainers/tree_shap/tree_shap.h"
#include "models/model_internal.h"

struct xpl_tree_shap {
    const xpl_model *model;
    const xpl__ensemble *e;
    xpl__tree_shap_plan plan;
    double *bg;         /* n_bg * n_features, or NULL (path-dependent) */
    double *weights;    /* n_bg, normalised */
    size_t n_bg;
    xpl__interv_plan interv; /* with a background */
    double *base_value; /* n_outputs */
};

void xpl_tree_shap_free(xpl_tree_shap *ts)
{
    if (!ts)
        return;
    xpl__tree_shap_plan_free(&ts->plan);
    xpl__interv_plan_free(&ts->interv);
    free(ts->bg);
    free(ts->weights);
    free(ts->base_value);
    free(ts);
}

/* Copy the background and normalise its weights; base values are the
 * weighted mean raw prediction over it. */
static int set_background(xpl_tree_shap *ts, const xpl_dataset *bg)
{
    const xpl_model *m = ts->model;
    int rc = xpl__model_check_background(m, bg);
    if (rc)
        return rc;
    size_t n = bg->n_rows, p = bg->n_cols, k = xpl_model_n_outputs(m);
    ts->bg = xpl__malloc_array(n, p * sizeof(double));
    ts->weights = xpl__malloc_array(n, sizeof(double));
    double *pred = xpl__malloc_array(n, k * sizeof(double));
    if (!ts->bg || !ts->weights || !pred) {
        free(pred);
        return xpl__enomem();
    }
    memcpy(ts->bg, bg->x, n * p * sizeof(double));
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += bg->w ? bg->w[i] : 1.0;
    if (!(total > 0)) {
        free(pred);
        return xpl__error(XPL_EINVAL, "background weights sum to 0");
    }
    for (size_t i = 0; i < n; i++)
        ts->weights[i] = (bg->w ? bg->w[i] : 1.0) / total;
    ts->n_bg = n;
    rc = xpl_model_predict(m, NULL, ts->bg, n, XPL_OUTPUT_RAW, pred);
    if (!rc)
        for (size_t o = 0; o < k; o++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += ts->weights[i] * pred[i * k + o];
            ts->base_value[o] = s;
        }
    free(pred);
    if (!rc)
        rc = xpl__interv_plan_new(&ts->interv, ts->e, ts->bg, ts->weights, n,
                                  XPL__INTERV_AUTO);
    return rc;
}

int xpl_tree_shap_new(xpl_tree_shap **out, const xpl_model *m,
                      const xpl_dataset *background)
{
    XPL__EXPLAINER_NEW_ARGS("xpl_tree_shap_new", out, m);
    const xpl__ensemble *e = xpl__trees_params(m);
    if (!e && xpl__model_family(m) == XPL__FAMILY_LINEAR_TREES)
        return xpl__error(XPL_EUNSUPPORTED, "TreeSHAP does not explain "
                          "linear trees (LightGBM's linear_tree: each leaf "
                          "is a linear model of the row, and LightGBM's own "
                          "pred_contrib refuses them too); use Kernel SHAP "
                          "(--method kernel-shap, XPL_METHOD_KERNEL_SHAP) "
                          "or LIME with a background");
    if (!e)
        return xpl__error(XPL_EUNSUPPORTED, "TreeSHAP needs a tree ensemble; "
                          "this model is \"%s\"", xpl_model_kind(m));
    xpl_tree_shap *ts = calloc(1, sizeof *ts);
    if (!ts)
        return xpl__enomem();
    ts->model = m;
    ts->e = e;
    int rc = xpl__tree_shap_plan_new(&ts->plan, e);
    if (!rc) {
        ts->base_value = xpl__malloc_array(e->n_outputs, sizeof(double));
        if (!ts->base_value)
            rc = xpl__enomem();
    }
    if (!rc && background)
        rc = set_background(ts, background);
    else if (!rc)
        memcpy(ts->base_value, ts->plan.base_value,
               e->n_outputs * sizeof(double));
    if (rc) {
        xpl_tree_shap_free(ts);
        return rc;
    }
    *out = ts;
    return XPL_OK;
}

size_t xpl_tree_shap_n_outputs(const xpl_tree_shap *ts)
{
    return ts ? ts->e->n_outputs : 0;
}

size_t xpl_tree_shap_n_features(const xpl_tree_shap *ts)
{
    return ts ? ts->e->n_features : 0;
}

int xpl_tree_shap_is_interventional(const xpl_tree_shap *ts)
{
    return ts && ts->bg != NULL;
}

const double *xpl_tree_shap_base_values(const xpl_tree_shap *ts)
{
    return ts ? ts->base_value : NULL;
}

int xpl_tree_shap_explain(const xpl_tree_shap *ts, xpl_workspace *ws,
                          const double *x, double *contrib,
                          double *prediction)
{
    if (!ts || !x || !contrib)
        return xpl__error(XPL_EINVAL, "xpl_tree_shap_explain: NULL argument");
    const xpl__ensemble *e = ts->e;
    size_t need = ts->bg ? xpl__interv_scratch(e, &ts->interv)
                         : xpl__tree_shap_scratch(e, &ts->plan);
    xpl_workspace *tmp = NULL;
    void *scratch;
    int rc = xpl__workspace_scratch_for_call(&ws, &tmp, need, &scratch);
    if (rc)
        return rc;
    if (ts->bg)
        xpl__interv_row(e, &ts->interv, scratch, x, contrib);
    else
        xpl__tree_shap_row(e, &ts->plan, scratch, x, contrib);
    if (prediction)
        /* base + contributions is the raw prediction up to rounding;
         * reporting the model's own value keeps the sum check honest. */
        rc = xpl_model_predict(ts->model, ws, x, 1, XPL_OUTPUT_RAW,
                               prediction);
    xpl_workspace_free(tmp);
    return rc;
}

int xpl_tree_shap_interactions(const xpl_tree_shap *ts, xpl_workspace *ws,
                               const double *x, double *interactions,
                               double *prediction)
{
    if (!ts || !x || !interactions)
        return xpl__error(XPL_EINVAL,
                          "xpl_tree_shap_interactions: NULL argument");
    if (ts->bg)
        return xpl__error(XPL_EUNSUPPORTED, "SHAP interaction values need "
                          "a path-dependent explainer (built without a "
                          "background)");
    const xpl__ensemble *e = ts->e;
    xpl_workspace *tmp = NULL;
    void *scratch;
    int rc = xpl__workspace_scratch_for_call(
        &ws, &tmp, xpl__tree_interactions_scratch(e, &ts->plan), &scratch);
    if (rc)
        return rc;
    xpl__tree_interactions_row(e, &ts->plan, scratch, x, interactions);
    if (prediction)
        rc = xpl_model_predict(ts->model, ws, x, 1, XPL_OUTPUT_RAW,
                               prediction);
    xpl_workspace_free(tmp);
    return rc;
}
