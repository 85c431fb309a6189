/* Kernel SHAP: the explainer object (its options, background and base
 * values). kernel_shap_row.c explains a row with it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "data/dataset_internal.h"
#include "explainers/kernel_shap/kernel_shap_internal.h"
#include "explainers/new_args.h"
#include "models/model_internal.h"

/* --------------------------------------------------------- construction */

static int check_options(const xpl_kernel_shap_options *o, const xpl_model *m)
{
    if (o->version != XPL_KERNEL_SHAP_OPTIONS_VERSION)
        return xpl__error(XPL_EINVAL, "Kernel SHAP options: version %u is "
                          "not supported (expected %u: initialise with "
                          "XPL_KERNEL_SHAP_OPTIONS_INIT)", o->version,
                          XPL_KERNEL_SHAP_OPTIONS_VERSION);
    if (o->nsamples == 1)
        return xpl__error(XPL_EINVAL, "Kernel SHAP: nsamples must be 0 "
                          "(automatic: 2M + 2048) or at least 2, not 1");
    if (o->nsamples > XPL_KERNEL_SHAP_MAX_SAMPLES)
        return xpl__error(XPL_ELIMIT, "Kernel SHAP: nsamples %zu exceeds "
                          "the limit of %zu", o->nsamples,
                          XPL_KERNEL_SHAP_MAX_SAMPLES);
    if (o->model_output != XPL_OUTPUT_RAW &&
        o->model_output != XPL_OUTPUT_PROBABILITY &&
        o->model_output != XPL_OUTPUT_RESPONSE)
        return xpl__error(XPL_EINVAL, "Kernel SHAP: unknown model output %d",
                          (int)o->model_output);
    if (o->model_output == XPL_OUTPUT_PROBABILITY &&
        !xpl_model_is_classifier(m))
        return xpl__error(XPL_EINVAL, "Kernel SHAP: probability output needs "
                          "a classifier; this model's link is %s",
                          xpl_link_name(xpl_model_link(m)));
    if (o->link != XPL_LINK_IDENTITY && o->link != XPL_LINK_LOGIT)
        return xpl__error(XPL_EINVAL, "Kernel SHAP: the link must be identity "
                          "or logit, not %s (%d)", xpl_link_name(o->link),
                          (int)o->link);
    if (o->link == XPL_LINK_LOGIT) {
        int classifier_link = xpl_model_link(m) == XPL_LINK_LOGIT ||
                              xpl_model_link(m) == XPL_LINK_SOFTMAX;
        int probs = xpl__model_raw_is_probability(m) ||
                    o->model_output == XPL_OUTPUT_PROBABILITY ||
                    (o->model_output == XPL_OUTPUT_RESPONSE && classifier_link);
        int raw = o->model_output == XPL_OUTPUT_RAW;
        if (!probs)
            return xpl__error(XPL_EINVAL, "Kernel SHAP: the logit link needs "
                              "probabilities; use probability output (this "
                              "model's %s outputs are %s)",
                              raw ? "raw" : "response",
                              raw ? "margins" : "not probabilities");
    }
    if (!(o->tolerance >= 0) || isinf(o->tolerance))
        return xpl__error(XPL_EINVAL, "Kernel SHAP: tolerance must be a "
                          "finite number >= 0, not %g", o->tolerance);
    if (o->l1_reg != XPL_L1_NONE && o->l1_reg != XPL_L1_AIC &&
        o->l1_reg != XPL_L1_BIC && o->l1_reg != XPL_L1_TOP_K)
        return xpl__error(XPL_EINVAL, "Kernel SHAP: unknown l1_reg %d",
                          (int)o->l1_reg);
    if (o->l1_reg == XPL_L1_TOP_K && o->l1_top_k == 0)
        return xpl__error(XPL_EINVAL, "Kernel SHAP: l1_top_k must be at "
                          "least 1 with XPL_L1_TOP_K");
    if (o->sampler != XPL_KS_SAMPLER_XPLAIN &&
        o->sampler != XPL_KS_SAMPLER_SHAP &&
        o->sampler != XPL_KS_SAMPLER_LEVERAGE)
        return xpl__error(XPL_EINVAL, "Kernel SHAP: unknown sampler %d",
                          (int)o->sampler);
    return XPL_OK;
}

static int check_background(const xpl_dataset *bg, const xpl_model *m)
{
    /* the one background check, its message prefixed with the method */
    int rc = xpl__model_check_background(m, bg);
    if (rc) {
        char msg[1024]; /* the size of the last-error buffer */
        snprintf(msg, sizeof msg, "%s", xpl_last_error());
        return xpl__error(rc, "Kernel SHAP: %s", msg);
    }
    if (bg->w) {
        double total = 0;
        for (size_t i = 0; i < bg->n_rows; i++)
            total += bg->w[i];
        if (!(total > 0) || !isfinite(total))
            return xpl__error(XPL_EINVAL, "Kernel SHAP: the background "
                              "weights sum to %g; they must sum to a "
                              "positive number", total);
    }
    return XPL_OK;
}

void xpl_kernel_shap_free(xpl_kernel_shap *ks)
{
    if (!ks)
        return;
    free(ks->bg);
    free(ks->bg_w);
    free(ks->fnull);
    free(ks->base);
    free(ks->bg_pred);
    free(ks->col_const);
    free(ks->col_value);
    free(ks);
}

int xpl_kernel_shap_new(xpl_kernel_shap **out, const xpl_model *m,
                        const xpl_dataset *background,
                        const xpl_kernel_shap_options *opts)
{
    XPL__EXPLAINER_NEW_ARGS("xpl_kernel_shap_new", out, m);
    xpl_kernel_shap_options defaults = XPL_KERNEL_SHAP_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    int rc = check_options(opts, m);
    if (rc)
        return rc;
    const xpl_dataset *bg = background ? background : xpl_model_background(m);
    if (!bg)
        return xpl__error(XPL_EINVAL, "Kernel SHAP needs a background sample: "
                          "pass one, or embed one in the model (explain "
                          "convert --background)");
    if ((rc = check_background(bg, m)))
        return rc;

    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    size_t N = bg->n_rows;
    xpl_kernel_shap *ks = calloc(1, sizeof *ks);
    if (!ks)
        return xpl__enomem();
    ks->model = m;
    ks->opts = *opts;
    ks->n_features = P;
    ks->n_outputs = D;
    ks->n_bg = N;
    ks->row_cost = xpl__model_row_cost(m);
    ks->bg = xpl__malloc_array(N, P * sizeof(double));
    ks->bg_w = xpl__malloc_array(N, sizeof(double));
    ks->fnull = xpl__calloc_array(D, sizeof(double));
    ks->base = xpl__malloc_array(D, sizeof(double));
    ks->col_const = xpl__malloc_array(P, 1);
    ks->col_value = xpl__malloc_array(P, sizeof(double));
    double *pred = xpl__malloc_array(N, D * sizeof(double));
    if (!ks->bg || !ks->bg_w || !ks->fnull || !ks->base || !ks->col_const ||
        !ks->col_value || !pred) {
        free(pred);
        xpl_kernel_shap_free(ks);
        return xpl__enomem();
    }
    memcpy(ks->bg, bg->x, N * P * sizeof(double));
    double total = 0;
    for (size_t b = 0; b < N; b++)
        total += bg->w ? bg->w[b] : 1.0;
    for (size_t b = 0; b < N; b++)
        ks->bg_w[b] = (bg->w ? bg->w[b] : 1.0) / total;
    for (size_t j = 0; j < P; j++) {
        double v = ks->bg[j];
        unsigned char same = 1;
        for (size_t b = 1; b < N && same; b++)
            same = (unsigned char)xpl__ks_same_value(ks->bg[b * P + j], v);
        ks->col_const[j] = same;
        ks->col_value[j] = v;
    }
    rc = xpl_model_predict(m, NULL, ks->bg, N, opts->model_output, pred);
    if (rc) {
        free(pred);
        xpl_kernel_shap_free(ks);
        return rc;
    }
    for (size_t d = 0; d < D; d++) {
        double s = 0;
        for (size_t b = 0; b < N; b++)
            s += ks->bg_w[b] * pred[b * D + d];
        ks->fnull[d] = s;
        ks->base[d] = xpl__ks_apply_link(opts->link, s);
        if (!isfinite(ks->base[d])) {
            free(pred);
            xpl_kernel_shap_free(ks);
            return xpl__error(XPL_ENUMERIC, "Kernel SHAP: the model's "
                              "expected output %zu over the background is "
                              "not finite (%g)", d, s);
        }
    }
    ks->bg_pred = pred;
    *out = ks;
    return XPL_OK;
}

size_t xpl_kernel_shap_n_outputs(const xpl_kernel_shap *ks)
{
    return ks ? ks->n_outputs : 0;
}

size_t xpl_kernel_shap_n_features(const xpl_kernel_shap *ks)
{
    return ks ? ks->n_features : 0;
}

const double *xpl_kernel_shap_base_values(const xpl_kernel_shap *ks)
{
    return ks ? ks->base : NULL;
}
