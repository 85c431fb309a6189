#include "explain_methods.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Library errors while building: a bad option combination (XPL_EINVAL) or
 * a method that does not fit the model (XPL_EUNSUPPORTED) is the user's
 * command line; anything else is about the input. */
static int build_error(int rc, const struct explain_args *a)
{
    if (rc == XPL_EINVAL || rc == XPL_EUNSUPPORTED)
        return cli_usage_error(a->importance ? "importance" : NULL, "%s",
                               xpl_last_error());
    return cli_library_error(rc);
}

/* --categorical a,b: names to indices. */
static int categorical_indices(const xpl_model *m, const char *list,
                               size_t **out, size_t *n_out,
                               const struct explain_args *a)
{
    size_t P = xpl_model_n_features(m), n = 0;
    size_t *idx = malloc(sizeof *idx * P);
    if (!idx) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t j = 0;
        while (j < P && !(strlen(xpl_model_feature_name(m, j)) == len &&
                          memcmp(xpl_model_feature_name(m, j), p, len) == 0))
            j++;
        if (j == P) {
            free(idx);
            return cli_usage_error(a->importance ? "importance" : NULL,
                                   "--categorical: %s has no feature "
                                   "'%.*s'", a->model_path, (int)len, p);
        }
        for (size_t k = 0; k < n; k++)
            if (idx[k] == j) {
                free(idx);
                return cli_usage_error(a->importance ? "importance" : NULL,
                                       "--categorical names '%.*s' twice",
                                       (int)len, p);
            }
        idx[n++] = j;
        if (!end)
            break;
        p = end + 1;
    }
    *out = idx;
    *n_out = n;
    return EXIT_OK;
}

/* --method shap: the exact algorithm for the model when there is one. */
static enum explain_method resolve(const xpl_model *m, const xpl_dataset *bg,
                                   const struct explain_args *a)
{
    const char *kind = xpl_model_kind(m);
    int margins = a->ks.model_output == XPL_OUTPUT_RAW &&
                  a->ks.link == XPL_LINK_IDENTITY;
    int exact = 0;
    if (strcmp(kind, "tree_ensemble") == 0)
        exact = METHOD_TREE_SHAP;
    else if (strcmp(kind, "linear") == 0 &&
             (bg || xpl_model_background(m) || xpl_model_stats(m)))
        exact = METHOD_LINEAR_SHAP;
    if (exact && margins && !a->kernel_only)
        return (enum explain_method)exact;
    if (exact && !a->quiet)
        cli_error("note: exact SHAP explains raw margins; %s, so Kernel "
                  "SHAP runs",
                  a->kernel_only ? "a Kernel SHAP option was given"
                                 : "another output or link was asked for");
    return METHOD_KERNEL_SHAP;
}

int explainer_open(struct explainer *ex, const xpl_model *m,
                   const xpl_dataset *bg, const struct explain_args *a)
{
    const char *cmd = a->importance ? "importance" : NULL;
    memset(ex, 0, sizeof *ex);
    ex->model = m;
    ex->P = xpl_model_n_features(m);
    ex->D = xpl_model_n_outputs(m);
    /* interaction values are TreeSHAP's: never silently dropped (with
     * --method tree-shap, other outputs are refused below) */
    if (a->interactions && strcmp(xpl_model_kind(m), "tree_ensemble") != 0)
        return cli_usage_error(cmd, "--interactions needs a tree model; %s "
                               "is a %s model", a->model_path,
                               xpl_model_kind(m));
    if (a->interactions && a->method == METHOD_SHAP &&
        (a->ks.model_output != XPL_OUTPUT_RAW ||
         a->ks.link != XPL_LINK_IDENTITY || a->kernel_only))
        return cli_usage_error(cmd, "--interactions needs TreeSHAP, which "
                               "explains raw margins: drop --model-output "
                               "and the Kernel SHAP options");
    ex->method = a->method == METHOD_SHAP ? resolve(m, bg, a) : a->method;
    int raw = a->ks.model_output == XPL_OUTPUT_RAW;
    const xpl_dataset *any_bg = bg ? bg : xpl_model_background(m);
    int rc = XPL_OK;
    switch (ex->method) {
    case METHOD_TREE_SHAP:
        if (!raw)
            return cli_usage_error(cmd, "tree-shap explains raw margins; use "
                                   "--method kernel-shap for "
                                   "--model-output %s",
                                   a->ks.model_output == XPL_OUTPUT_PROBABILITY
                                       ? "probability" : "response");
        /* interaction values are path-dependent: they need no background */
        rc = xpl_tree_shap_new(&ex->ts, m, a->interactions ? NULL : any_bg);
        if (!rc)
            ex->base = xpl_tree_shap_base_values(ex->ts);
        ex->interactions = a->interactions;
        break;
    case METHOD_LINEAR_SHAP:
        if (!raw)
            return cli_usage_error(cmd, "linear-shap explains raw margins; "
                                   "use --method kernel-shap for "
                                   "--model-output %s",
                                   a->ks.model_output == XPL_OUTPUT_PROBABILITY
                                       ? "probability" : "response");
        rc = xpl_linear_shap_new(&ex->ls, m, bg);
        if (!rc)
            ex->base = xpl_linear_shap_base_values(ex->ls);
        break;
    case METHOD_KERNEL_SHAP:
        if (!any_bg)
            return cli_usage_error(cmd, "%s has no embedded background: pass "
                                   "--background BG.csv (or embed one with "
                                   "'explain convert --background')",
                                   a->model_path);
        rc = xpl_kernel_shap_new(&ex->ks, m, bg, &a->ks);
        if (!rc)
            ex->base = xpl_kernel_shap_base_values(ex->ks);
        break;
    case METHOD_LIME: {
        if (!any_bg && !xpl_model_stats(m))
            return cli_usage_error(cmd, "LIME needs training data: pass "
                                   "--background TRAIN.csv, or embed a "
                                   "background or statistics in %s "
                                   "('explain convert --background' or "
                                   "'--stats')", a->model_path);
        xpl_lime_options o = a->lime;
        size_t *cat = NULL;
        if (a->categorical) {
            int st = categorical_indices(m, a->categorical, &cat,
                                         &o.n_categorical, a);
            if (st)
                return st;
            o.categorical = cat;
        }
        if (a->class_index >= 0)
            o.class_index = (int)a->class_index;
        rc = xpl_lime_new(&ex->lime, m, bg, &o);
        free(cat);
        ex->lime_repeats = o.repeats > 1;
        break;
    }
    case METHOD_SHAP:
        break;
    }
    if (rc) {
        int st = build_error(rc, a);
        explainer_close(ex);
        return st;
    }
    return EXIT_OK;
}

void explainer_close(struct explainer *ex)
{
    xpl_kernel_shap_free(ex->ks);
    xpl_tree_shap_free(ex->ts);
    xpl_linear_shap_free(ex->ls);
    xpl_lime_free(ex->lime);
    memset(ex, 0, sizeof *ex);
}

size_t explainer_batch_rows(const struct explainer *ex, size_t max)
{
    if (!ex->interactions)
        return max;
    /* keep the interaction matrices of a batch under ~64 MiB */
    size_t per_row = ex->D * (ex->P + 1) * (ex->P + 1) * sizeof(double);
    size_t rows = ((size_t)64 << 20) / (per_row ? per_row : 1);
    return rows < 1 ? 1 : rows < max ? rows : max;
}

void results_free(struct results *r)
{
    free(r->contrib);
    free(r->se);
    free(r->pred);
    free(r->inter);
    free(r->selected);
    free(r->frequency);
    free(r->summary);
    memset(r, 0, sizeof *r);
}

int results_alloc(struct results *r, const struct explainer *ex, size_t rows)
{
    memset(r, 0, sizeof *r);
    size_t P = ex->P, D = ex->D;
    int ok = 1;
#define ALLOC(field, n) \
    ok = ok && (r->field = calloc((n), sizeof *r->field)) != NULL
    ALLOC(contrib, rows * D * P);
    ALLOC(pred, rows * D);
    if (ex->ks || ex->lime_repeats)
        ALLOC(se, rows * D * P);
    if (ex->interactions)
        ALLOC(inter, rows * D * (P + 1) * (P + 1));
    if (ex->lime) {
        ALLOC(selected, rows * P);
        ALLOC(summary, rows);
        if (ex->lime_repeats)
            ALLOC(frequency, rows * P);
    }
#undef ALLOC
    if (!ok) {
        results_free(r);
        return XPL_ENOMEM;
    }
    return XPL_OK;
}

/* Linear SHAP gives a missing or infinite input a NaN or infinite
 * contribution and prediction, which the library documents; the CLI fails
 * the row instead, as Kernel SHAP and LIME do. */
static int linear_row_check(const struct explainer *ex, const double *x,
                            char *msg, size_t msg_size)
{
    for (size_t j = 0; j < ex->P; j++) {
        if (isfinite(x[j]))
            continue;
        const char *name = xpl_model_feature_name(ex->model, j);
        if (isnan(x[j]))
            snprintf(msg, msg_size, "linear SHAP: feature \"%.100s\" is "
                     "missing; linear models need every value", name);
        else
            snprintf(msg, msg_size, "linear SHAP: feature \"%.100s\" is "
                     "%s; linear models need finite values", name,
                     x[j] > 0 ? "inf" : "-inf");
        return XPL_ENUMERIC;
    }
    return XPL_OK;
}

int explainer_row(const struct explainer *ex, xpl_workspace *ws,
                  const double *x, uint64_t key, struct results *r, size_t i,
                  char *msg, size_t msg_size)
{
    size_t P = ex->P, D = ex->D;
    double *contrib = r->contrib + i * D * P, *pred = r->pred + i * D;
    msg[0] = '\0';
    switch (ex->method) {
    case METHOD_KERNEL_SHAP:
        return xpl_kernel_shap_explain(ex->ks, ws, x, key, contrib,
                                       r->se + i * D * P, pred, NULL);
    case METHOD_TREE_SHAP:
        if (ex->interactions) {
            double *inter = r->inter + i * D * (P + 1) * (P + 1);
            int rc = xpl_tree_shap_interactions(ex->ts, ws, x, inter, pred);
            /* the SHAP values are the interaction matrix's row sums */
            for (size_t d = 0; !rc && d < D; d++)
                for (size_t j = 0; j < P; j++) {
                    const double *row = inter + (d * (P + 1) + j) * (P + 1);
                    double s = 0;
                    for (size_t k = 0; k < P; k++)
                        s += row[k];
                    contrib[d * P + j] = s;
                }
            return rc;
        }
        return xpl_tree_shap_explain(ex->ts, ws, x, contrib, pred);
    case METHOD_LINEAR_SHAP: {
        int rc = linear_row_check(ex, x, msg, msg_size);
        return rc ? rc : xpl_linear_shap_explain(ex->ls, x, contrib, pred);
    }
    case METHOD_LIME: {
        /* LIME explains one output per row: slot 0 holds it */
        xpl_lime_summary *s = r->summary + i;
        int rc = xpl_lime_explain(ex->lime, ws, x, key, contrib,
                                  r->selected + i * P,
                                  r->se ? r->se + i * D * P : NULL,
                                  r->frequency ? r->frequency + i * P : NULL,
                                  s);
        if (!rc)
            pred[0] = s->prediction;
        return rc;
    }
    case METHOD_SHAP:
        break;
    }
    return XPL_EINVAL;
}
