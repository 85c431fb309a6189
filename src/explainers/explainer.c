/* The one explainer API: which method runs for a model and options
 * (XPL_METHOD_AUTO), the one numbering of outputs (docs/output.md), the
 * seeding of rows from their values, and complete explanations whose
 * arrays live in the caller's workspace. */
#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/rng_seed.h"
#include "core/workspace.h"
#include "explainers/new_args.h"
#include "models/model_internal.h"

struct xpl_explainer {
    xpl_method method;       /* never AUTO */
    const char *detail;      /* xpl_explainer_method */
    const xpl_model *model;
    size_t P, D;             /* features, model outputs */
    size_t n_classes;        /* D, or 2 for a binary one-output classifier */
    int binary_single;       /* classifier whose one output is class 1 */
    double complement;       /* class 0 = complement - class 1 */
    int class_index;         /* XPL_ALL_OUTPUTS or a class */
    size_t n_out;            /* explanations per row */
    xpl_kernel_shap *ks;
    xpl_tree_shap *ts;
    xpl_linear_shap *ls;
    xpl_lime *lime;
    const double *base;      /* D base values (SHAP methods) */
    int interactions;
    int lime_repeats;        /* std errors over LIME's runs */
    int lime_from_output;    /* LIME explains model output 0 as class 1 */
};

const char *xpl_method_name(xpl_method method)
{
    switch (method) {
    case XPL_METHOD_AUTO: return "auto";
    case XPL_METHOD_KERNEL_SHAP: return "kernel-shap";
    case XPL_METHOD_TREE_SHAP: return "tree-shap";
    case XPL_METHOD_LINEAR_SHAP: return "linear-shap";
    case XPL_METHOD_LIME: return "lime";
    }
    return "unknown";
}

/* Kernel SHAP settings that only Kernel SHAP reads: AUTO takes any that
 * differs from its default as a request for Kernel SHAP. */
static int kernel_settings_default(const xpl_kernel_shap_options *k)
{
    xpl_kernel_shap_options d = XPL_KERNEL_SHAP_OPTIONS_INIT;
    return k->nsamples == d.nsamples && k->link == d.link &&
           k->tolerance == d.tolerance && k->l1_reg == d.l1_reg &&
           k->sampler == d.sampler;
}

static xpl_method exact_method(const xpl_model *m, const xpl_dataset *bg)
{
    int family = xpl__model_family(m);
    if (family == XPL__FAMILY_TREES)
        return XPL_METHOD_TREE_SHAP;
    if (family == XPL__FAMILY_LINEAR &&
        (bg || xpl_model_background(m) || xpl_model_stats(m)))
        return XPL_METHOD_LINEAR_SHAP;
    return XPL_METHOD_AUTO;
}

xpl_method xpl_method_choose(const xpl_model *m, const xpl_dataset *bg,
                             const xpl_explainer_options *opts)
{
    xpl_explainer_options d = XPL_EXPLAINER_OPTIONS_INIT;
    if (!opts)
        opts = &d;
    if (opts->method != XPL_METHOD_AUTO)
        return opts->method;
    if (!m)
        return XPL_METHOD_KERNEL_SHAP;
    xpl_method exact = exact_method(m, bg);
    int margins = (opts->output == XPL_OUTPUT_AUTO ||
                   opts->output == XPL_OUTPUT_RAW) &&
                  kernel_settings_default(&opts->kernel_shap);
    return exact != XPL_METHOD_AUTO && margins ? exact
                                               : XPL_METHOD_KERNEL_SHAP;
}

void xpl_explainer_free(xpl_explainer *ex)
{
    if (!ex)
        return;
    xpl_kernel_shap_free(ex->ks);
    xpl_tree_shap_free(ex->ts);
    xpl_linear_shap_free(ex->ls);
    xpl_lime_free(ex->lime);
    free(ex);
}

static int check_options(const xpl_model *m,
                         const xpl_explainer_options *o)
{
    if (o->version != XPL_EXPLAINER_OPTIONS_VERSION)
        return xpl__error(XPL_EINVAL, "explainer options: version %u, "
                          "expected %u (use XPL_EXPLAINER_OPTIONS_INIT)",
                          o->version, XPL_EXPLAINER_OPTIONS_VERSION);
    if (o->method < XPL_METHOD_AUTO || o->method > XPL_METHOD_LIME)
        return xpl__error(XPL_EINVAL, "unknown method %d", (int)o->method);
    if (o->output != XPL_OUTPUT_AUTO && o->output != XPL_OUTPUT_RAW &&
        o->output != XPL_OUTPUT_PROBABILITY &&
        o->output != XPL_OUTPUT_RESPONSE)
        return xpl__error(XPL_EINVAL, "unknown output kind %d",
                          (int)o->output);
    if (o->output == XPL_OUTPUT_PROBABILITY && !xpl_model_is_classifier(m))
        return xpl__error(XPL_EINVAL, "probability output needs a "
                          "classifier; this model's link is %s",
                          xpl_link_name(xpl_model_link(m)));
    if (o->class_index < XPL_ALL_OUTPUTS)
        return xpl__error(XPL_EINVAL, "class_index must be >= 0 or "
                          "XPL_ALL_OUTPUTS, not %d", o->class_index);
    if (o->tree_shap.interactions != 0 && o->tree_shap.interactions != 1)
        return xpl__error(XPL_EINVAL, "tree_shap.interactions must be 0 or "
                          "1");
    if (!o->tree_shap.interactions)
        return XPL_OK;
    if (xpl__model_family(m) != XPL__FAMILY_TREES)
        return xpl__error(XPL_EINVAL, "interaction values: TreeSHAP needs a "
                          "tree model; this is a %s model",
                          xpl_model_kind(m));
    if (o->method == XPL_METHOD_AUTO &&
        xpl_method_choose(m, NULL, o) != XPL_METHOD_TREE_SHAP)
        return xpl__error(XPL_EINVAL, "interaction values: the method "
                          "needs TreeSHAP, which explains raw margins: drop "
                          "the output kind and the Kernel SHAP settings");
    if (o->method != XPL_METHOD_AUTO && o->method != XPL_METHOD_TREE_SHAP)
        return xpl__error(XPL_EINVAL, "interaction values need TreeSHAP, "
                          "not %s", xpl_method_name(o->method));
    return XPL_OK;
}

/* Is class 1 of a binary one-output classifier, as explained, a
 * probability (class 0 = 1 - it) or a margin (class 0 = -it)? */
static double complement_of(const xpl_model *m, xpl_output out,
                            const xpl_explainer_options *o, xpl_method method)
{
    int prob = out == XPL_OUTPUT_PROBABILITY ||
               (out == XPL_OUTPUT_RESPONSE &&
                xpl_model_link(m) == XPL_LINK_LOGIT) ||
               xpl__model_raw_is_probability(m);
    if (method == XPL_METHOD_KERNEL_SHAP &&
        o->kernel_shap.link == XPL_LINK_LOGIT)
        prob = 0; /* log-odds: logit(1 - p) = -logit(p) */
    return prob ? 1.0 : 0.0;
}

static int not_raw(xpl_method method, xpl_output out)
{
    return xpl__error(XPL_EINVAL, "%s explains raw margins; use Kernel SHAP "
                      "for %s output", xpl_method_name(method),
                      out == XPL_OUTPUT_PROBABILITY ? "probability"
                                                    : "response");
}

static int build(xpl_explainer *ex, const xpl_dataset *bg,
                 const xpl_explainer_options *o, xpl_output out)
{
    const xpl_model *m = ex->model;
    const xpl_dataset *any_bg = bg ? bg : xpl_model_background(m);
    int rc = XPL_OK;
    switch (ex->method) {
    case XPL_METHOD_TREE_SHAP:
        if (out != XPL_OUTPUT_RAW)
            return not_raw(ex->method, out);
        /* interaction values are path-dependent: they need no background */
        ex->interactions = o->tree_shap.interactions;
        rc = xpl_tree_shap_new(&ex->ts, m, ex->interactions ? NULL : any_bg);
        if (!rc) {
            ex->base = xpl_tree_shap_base_values(ex->ts);
            ex->detail = xpl_tree_shap_is_interventional(ex->ts)
                             ? "tree-shap-interventional"
                             : "tree-shap-path-dependent";
        }
        return rc;
    case XPL_METHOD_LINEAR_SHAP:
        if (out != XPL_OUTPUT_RAW)
            return not_raw(ex->method, out);
        rc = xpl_linear_shap_new(&ex->ls, m, bg);
        if (!rc)
            ex->base = xpl_linear_shap_base_values(ex->ls);
        return rc;
    case XPL_METHOD_KERNEL_SHAP: {
        if (!any_bg)
            return xpl__error(XPL_EINVAL, "Kernel SHAP needs a background: "
                              "none was given and the model has no "
                              "embedded background");
        xpl_kernel_shap_options k = o->kernel_shap;
        k.model_output = out;
        k.seed = o->seed;
        rc = xpl_kernel_shap_new(&ex->ks, m, bg, &k);
        if (!rc)
            ex->base = xpl_kernel_shap_base_values(ex->ks);
        return rc;
    }
    case XPL_METHOD_LIME: {
        xpl_lime_options l = o->lime;
        l.model_output = o->output == XPL_OUTPUT_AUTO ? XPL_LIME_AUTO
                                                      : (int)o->output;
        l.seed = o->seed;
        /* LIME's own classes of a binary one-output classifier are those
         * of probabilities; for margins or responses it explains model
         * output 0, which is class 1 (class 0 is its complement) */
        ex->lime_from_output = ex->binary_single &&
                               out != XPL_OUTPUT_PROBABILITY;
        l.class_index = ex->lime_from_output ? (o->class_index < 0
                                                    ? XPL_LIME_AUTO
                                                    : 0)
                                             : o->class_index;
        rc = xpl_lime_new(&ex->lime, m, bg, &l);
        ex->lime_repeats = l.repeats > 1;
        return rc;
    }
    case XPL_METHOD_AUTO:
        break;
    }
    return xpl__error(XPL_EINVAL, "no method chosen");
}

int xpl_explainer_new(xpl_explainer **out, const xpl_model *m,
                      const xpl_dataset *background,
                      const xpl_explainer_options *opts)
{
    XPL__EXPLAINER_NEW_ARGS("xpl_explainer_new", out, m);
    xpl_explainer_options defaults = XPL_EXPLAINER_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    int rc = check_options(m, opts);
    if (rc)
        return rc;
    xpl_explainer *ex = calloc(1, sizeof *ex);
    if (!ex)
        return xpl__enomem();
    ex->model = m;
    ex->P = xpl_model_n_features(m);
    ex->D = xpl_model_n_outputs(m);
    ex->method = xpl_method_choose(m, background, opts);
    ex->detail = xpl_method_name(ex->method);
    ex->binary_single = xpl_model_is_classifier(m) && ex->D == 1;
    ex->n_classes = ex->binary_single ? 2 : ex->D;
    ex->class_index = opts->class_index;
    xpl_output kind = opts->output;
    if (kind == XPL_OUTPUT_AUTO)
        kind = ex->method == XPL_METHOD_LIME && xpl_model_is_classifier(m)
                   ? XPL_OUTPUT_PROBABILITY
                   : XPL_OUTPUT_RAW;
    if (opts->class_index >= 0 && (size_t)opts->class_index >= ex->n_classes) {
        rc = xpl__error(XPL_EINVAL, "class %d is out of range: the model "
                        "has %zu output%s (0 to %zu)", opts->class_index,
                        ex->n_classes, ex->n_classes == 1 ? "" : "s",
                        ex->n_classes - 1);
        xpl_explainer_free(ex);
        return rc;
    }
    ex->complement = complement_of(m, kind, opts, ex->method);
    ex->n_out = ex->method == XPL_METHOD_LIME || opts->class_index >= 0 ||
                        ex->binary_single
                    ? 1
                    : ex->D;
    if ((rc = build(ex, background, opts, kind))) {
        xpl_explainer_free(ex);
        return rc;
    }
    *out = ex;
    return XPL_OK;
}

const char *xpl_explainer_method(const xpl_explainer *ex)
{
    return ex ? ex->detail : "unknown";
}

xpl_method xpl_explainer_method_id(const xpl_explainer *ex)
{
    return ex ? ex->method : XPL_METHOD_AUTO;
}

size_t xpl_explainer_n_outputs(const xpl_explainer *ex)
{
    return ex ? ex->n_out : 0;
}

size_t xpl_explainer_n_classes(const xpl_explainer *ex)
{
    return ex ? ex->n_classes : 0;
}

size_t xpl_explainer_n_features(const xpl_explainer *ex)
{
    return ex ? ex->P : 0;
}

/* ------------------------------------------------------------ one row */

/* Linear SHAP gives a missing or infinite input a NaN or infinite
 * contribution; the one API fails the row instead, as Kernel SHAP and
 * LIME do, rather than hand out a silently unusable explanation. */
static int linear_row_check(const xpl_explainer *ex, const double *x)
{
    for (size_t j = 0; j < ex->P; j++) {
        if (isfinite(x[j]))
            continue;
        const char *name = xpl_model_feature_name(ex->model, j);
        if (isnan(x[j]))
            return xpl__error(XPL_ENUMERIC, "linear SHAP: feature \"%.100s\" "
                              "is missing; linear models need every value",
                              name);
        return xpl__error(XPL_ENUMERIC, "linear SHAP: feature \"%.100s\" is "
                          "%s; linear models need finite values", name,
                          x[j] > 0 ? "inf" : "-inf");
    }
    return XPL_OK;
}

/* The row's arrays, carved from the workspace's results region. */
struct row_arrays {
    double *values;       /* P */
    double *contrib;      /* D * P */
    double *se;           /* D * P, or NULL */
    double *pred;         /* D */
    double *inter;        /* D * (P+1)^2, or NULL */
    unsigned char *selected; /* P (LIME) */
    const char **labels;  /* P (LIME) */
    char *text;           /* the labels' bytes (LIME) */
    const char **value_names; /* P category names, or NULL */
};

/* Bytes from `*at`, aligned for `align`, advancing *at. */
static size_t take(size_t *at, size_t bytes, size_t align)
{
    size_t start = (*at + align - 1) / align * align;
    *at = start + bytes;
    return start;
}

/* Length of LIME's label of feature j (the feature's name when it has no
 * label). */
static size_t label_length(const xpl_explainer *ex, const double *x,
                           size_t j)
{
    int n = xpl_lime_condition(ex->lime, x, j, NULL, 0);
    return n >= 0 ? (size_t)n
                  : strlen(xpl_model_feature_name(ex->model, j));
}

static int carve(const xpl_explainer *ex, xpl_workspace *ws, const double *x,
                 struct row_arrays *a)
{
    size_t P = ex->P, D = ex->D, at = 0;
    size_t inter_n = (P + 1) * (P + 1) * D;
    size_t o_values = take(&at, P * sizeof(double), alignof(double));
    size_t o_contrib = take(&at, D * P * sizeof(double), alignof(double));
    int se = ex->ks || ex->lime_repeats;
    size_t o_se = se ? take(&at, D * P * sizeof(double), alignof(double)) : 0;
    size_t o_pred = take(&at, D * sizeof(double), alignof(double));
    size_t o_inter = ex->interactions
                         ? take(&at, inter_n * sizeof(double), alignof(double))
                         : 0;
    size_t o_sel = 0, o_labels = 0, o_text = 0, text = 0;
    if (ex->lime) {
        o_sel = take(&at, P, 1);
        o_labels = take(&at, P * sizeof(char *), alignof(char *));
        for (size_t j = 0; j < P; j++)
            text += label_length(ex, x, j) + 1;
        o_text = take(&at, text, 1);
    }
    /* models with category names: the names of the row's codes */
    int named = xpl__model_has_categories(ex->model);
    size_t o_names = named ? take(&at, P * sizeof(char *),
                                  alignof(char *))
                           : 0;
    char *base = xpl__workspace_results(ws, at);
    if (!base)
        return XPL_ENOMEM;
    *a = (struct row_arrays){ 0 };
    a->values = (double *)(void *)(base + o_values);
    a->contrib = (double *)(void *)(base + o_contrib);
    a->se = se ? (double *)(void *)(base + o_se) : NULL;
    a->pred = (double *)(void *)(base + o_pred);
    a->inter = ex->interactions ? (double *)(void *)(base + o_inter) : NULL;
    if (ex->lime) {
        a->selected = (unsigned char *)(base + o_sel);
        a->labels = (const char **)(void *)(base + o_labels);
        a->text = base + o_text;
        char *t = a->text;
        for (size_t j = 0; j < P; j++) {
            size_t n = label_length(ex, x, j);
            if (xpl_lime_condition(ex->lime, x, j, t, n + 1) < 0)
                memcpy(t, xpl_model_feature_name(ex->model, j), n + 1);
            a->labels[j] = t;
            t += n + 1;
        }
    }
    if (named) {
        a->value_names = (const char **)(void *)(base + o_names);
        if (!xpl__model_value_names(ex->model, x, a->value_names))
            a->value_names = NULL;
    }
    memcpy(a->values, x, P * sizeof *x);
    return XPL_OK;
}

static int run_shap(const xpl_explainer *ex, xpl_workspace *ws,
                    const double *x, struct row_arrays *a)
{
    size_t P = ex->P, D = ex->D;
    switch (ex->method) {
    case XPL_METHOD_KERNEL_SHAP:
        return xpl_kernel_shap_explain(ex->ks, ws, x, xpl__row_key(x, P),
                                       a->contrib, a->se, a->pred, NULL);
    case XPL_METHOD_TREE_SHAP:
        if (ex->interactions) {
            int rc = xpl_tree_shap_interactions(ex->ts, ws, x, a->inter,
                                                a->pred);
            /* the SHAP values are the interaction matrix's row sums */
            for (size_t d = 0; !rc && d < D; d++)
                for (size_t j = 0; j < P; j++) {
                    const double *row = a->inter + (d * (P + 1) + j) * (P + 1);
                    double s = 0;
                    for (size_t k = 0; k < P; k++)
                        s += row[k];
                    a->contrib[d * P + j] = s;
                }
            return rc;
        }
        return xpl_tree_shap_explain(ex->ts, ws, x, a->contrib, a->pred);
    case XPL_METHOD_LINEAR_SHAP: {
        int rc = linear_row_check(ex, x);
        return rc ? rc
                  : xpl_linear_shap_explain(ex->ls, x, a->contrib, a->pred);
    }
    default:
        return xpl__error(XPL_EINVAL, "not a SHAP method");
    }
}

/* Class 0 of a binary one-output classifier: the complement of class 1,
 * whose contributions are class 1's negated. */
static void to_class0(double c, double *v, size_t n, double *base,
                      double *pred)
{
    for (size_t j = 0; j < n; j++)
        v[j] = -v[j];
    *base = c - *base;
    *pred = c - *pred;
}

int xpl_explainer_explain(const xpl_explainer *ex, xpl_workspace *ws,
                          const double *x, xpl_explanation *out)
{
    if (!ex || !ws || !x || !out)
        return xpl__error(XPL_EINVAL, "xpl_explainer_explain: NULL "
                          "argument");
    size_t P = ex->P;
    struct row_arrays a;
    int rc = carve(ex, ws, x, &a);
    if (rc)
        return rc;
    xpl_explanation e = {
        .n_outputs = ex->n_classes,
        .method = xpl_method_name(ex->method),
        .n_features = P,
        .names = xpl_model_feature_names(ex->model),
        .values = a.values,
        .value_names = a.value_names,
        .intercept = NAN,
        .score = NAN,
        .local_prediction = NAN,
    };
    if (ex->lime) {
        xpl_lime_summary s;
        rc = xpl_lime_explain(ex->lime, ws, x, xpl__row_key(x, P), a.contrib,
                              a.selected, a.se, NULL, &s);
        if (rc)
            return rc;
        e.output = (size_t)s.explained_class;
        if (ex->lime_from_output) {
            e.output = ex->class_index == 0 ? 0 : 1;
            if (e.output == 0) {
                double c = ex->complement;
                to_class0(c, a.contrib, P, &s.intercept, &s.prediction);
                s.local_prediction = c - s.local_prediction;
            }
        }
        e.contributions = a.contrib;
        e.std_errors = a.se;
        e.base_value = s.intercept;
        e.prediction = s.prediction;
        e.conditions = a.labels;
        e.selected = a.selected;
        e.intercept = s.intercept;
        e.score = s.score;
        e.local_prediction = s.local_prediction;
        out[0] = e;
        return XPL_OK;
    }
    if ((rc = run_shap(ex, ws, x, &a)))
        return rc;
    size_t k = 0;
    for (size_t d = 0; d < ex->D; d++) {
        size_t cls = ex->binary_single ? 1 : d;
        if (ex->class_index >= 0 && !ex->binary_single &&
            (size_t)ex->class_index != d)
            continue;
        e.output = cls;
        e.contributions = a.contrib + d * P;
        e.std_errors = a.se ? a.se + d * P : NULL;
        e.base_value = ex->base[d];
        e.prediction = a.pred[d];
        e.interactions = a.inter ? a.inter + d * (P + 1) * (P + 1) : NULL;
        if (ex->binary_single && ex->class_index == 0) {
            e.output = 0;
            to_class0(ex->complement, a.contrib, P, &e.base_value,
                      &e.prediction);
            if (a.inter) {
                size_t cells = (P + 1) * (P + 1);
                for (size_t i = 0; i < cells; i++)
                    a.inter[i] = -a.inter[i];
                a.inter[cells - 1] += ex->complement; /* the base value */
            }
        }
        out[k++] = e;
    }
    return XPL_OK;
}
