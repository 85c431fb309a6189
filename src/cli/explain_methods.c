#include "explain_methods.h"

#include <limits.h>
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

/* The model's categorical features (xpl_model_feature_is_categorical). */
static int model_categorical(const xpl_model *m, size_t **out, size_t *n_out)
{
    size_t P = xpl_model_n_features(m), n = 0;
    size_t *idx = malloc(sizeof *idx * P);
    if (!idx) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t j = 0; j < P; j++)
        if (xpl_model_feature_is_categorical(m, j))
            idx[n++] = j;
    *out = idx;
    *n_out = n;
    return EXIT_OK;
}

static xpl_method api_method(enum explain_method m)
{
    switch (m) {
    case METHOD_SHAP: return XPL_METHOD_AUTO;
    case METHOD_KERNEL_SHAP: return XPL_METHOD_KERNEL_SHAP;
    case METHOD_TREE_SHAP: return XPL_METHOD_TREE_SHAP;
    case METHOD_LINEAR_SHAP: return XPL_METHOD_LINEAR_SHAP;
    case METHOD_LIME: return XPL_METHOD_LIME;
    }
    return XPL_METHOD_AUTO;
}

int explainer_open(xpl_explainer **out, const xpl_model *m,
                   const xpl_dataset *bg, const struct explain_args *a)
{
    const char *cmd = a->importance ? "importance" : NULL;
    *out = NULL;
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = api_method(a->method);
    o.output = a->model_output_given ? a->ks.model_output : XPL_OUTPUT_AUTO;
    o.class_index = a->class_index < 0          ? XPL_ALL_OUTPUTS
                    : a->class_index > INT_MAX ? INT_MAX
                                               : (int)a->class_index;
    o.seed = a->ks.seed;
    o.kernel_shap = a->ks;
    o.tree_shap.interactions = a->interactions;
    o.lime = a->lime;
    size_t *cat = NULL;
    if (a->categorical) {
        int st = categorical_indices(m, a->categorical, &cat,
                                     &o.lime.n_categorical, a);
        if (st)
            return st;
        o.lime.categorical = cat;
    } else if (o.method == XPL_METHOD_LIME &&
               (bg || xpl_model_background(m))) {
        /* By default the features the model itself treats as categories
         * (categorical splits, or named categories): perturbing a code by
         * a normal draw around its mean means nothing. Their categories
         * come from training rows, so not with statistics alone. */
        int st = model_categorical(m, &cat, &o.lime.n_categorical);
        if (st)
            return st;
        o.lime.categorical = o.lime.n_categorical ? cat : NULL;
    }
    if (o.method == XPL_METHOD_LIME && !bg && !xpl_model_background(m) &&
        !xpl_model_stats(m)) {
        free(cat);
        return cli_usage_error(cmd, "LIME needs training data: pass "
                               "--background TRAIN.csv, or embed a "
                               "background or statistics in %s "
                               "('explain convert --background' or "
                               "'--stats')", a->model_path);
    }
    int rc = xpl_explainer_new(out, m, bg, &o);
    free(cat);
    if (rc) {
        /* the library cannot name the CLI's options: say which one
         * supplies what is missing */
        if (rc == XPL_EINVAL && !bg && !xpl_model_background(m) &&
            xpl_method_choose(m, bg, &o) == XPL_METHOD_KERNEL_SHAP)
            return cli_usage_error(cmd, "%s has no embedded background: "
                                   "pass --background BG.csv (or embed one "
                                   "with 'explain convert --background')",
                                   a->model_path);
        return build_error(rc, a);
    }
    /* --method shap: the exact algorithm for the model when there is one;
     * say so when another output, link or setting passes it over */
    xpl_explainer_options plain = XPL_EXPLAINER_OPTIONS_INIT;
    if (o.method == XPL_METHOD_AUTO && !a->quiet &&
        xpl_explainer_method_id(*out) == XPL_METHOD_KERNEL_SHAP &&
        xpl_method_choose(m, bg, &plain) != XPL_METHOD_KERNEL_SHAP)
        cli_error("note: exact SHAP explains raw margins; %s, so Kernel "
                  "SHAP runs",
                  a->kernel_only ? "a Kernel SHAP option was given"
                                 : "another output or link was asked for");
    return EXIT_OK;
}

size_t explainer_batch_rows(const xpl_explainer *ex, int interactions,
                            size_t max)
{
    if (!interactions)
        return max;
    /* keep the interaction matrices of a batch under ~64 MiB */
    size_t P = xpl_explainer_n_features(ex);
    size_t per_row = xpl_explainer_n_outputs(ex) * (P + 1) * (P + 1) *
                     sizeof(double);
    size_t rows = ((size_t)64 << 20) / (per_row ? per_row : 1);
    return rows < 1 ? 1 : rows < max ? rows : max;
}

void results_free(struct results *r)
{
    if (r->mem)
        for (size_t i = 0; r->cap && i < r->rows; i++)
            free(r->mem[i]);
    free(r->mem);
    free(r->cap);
    free(r->e);
    memset(r, 0, sizeof *r);
}

int results_alloc(struct results *r, const xpl_explainer *ex, size_t rows)
{
    memset(r, 0, sizeof *r);
    r->rows = rows;
    r->n_out = xpl_explainer_n_outputs(ex);
    r->e = calloc(rows * r->n_out, sizeof *r->e);
    r->mem = calloc(rows, sizeof *r->mem);
    r->cap = calloc(rows, sizeof *r->cap);
    if (!r->e || !r->mem || !r->cap) {
        results_free(r);
        return XPL_ENOMEM;
    }
    return XPL_OK;
}

/* Copying explanations: a first pass with p == NULL measures. */
struct copier {
    char *p;
    size_t at;
};

static const void *put(struct copier *c, const void *src, size_t bytes,
                       size_t align)
{
    if (!src)
        return NULL;
    size_t start = (c->at + align - 1) / align * align;
    c->at = start + bytes;
    if (!c->p)
        return src;
    memcpy(c->p + start, src, bytes);
    return c->p + start;
}

static void copy_row(struct copier *c, xpl_explanation *dst,
                     const xpl_explanation *src, size_t n)
{
    size_t P = src[0].n_features, dbl = sizeof(double);
    const double *values = put(c, src[0].values, P * dbl, dbl);
    /* the names themselves belong to the model, which outlives the rows */
    const char *const *value_names =
        put(c, src[0].value_names, P * sizeof(char *), sizeof(char *));
    for (size_t k = 0; k < n; k++) {
        const xpl_explanation *s = &src[k];
        xpl_explanation e = *s;
        e.values = values;
        e.value_names = value_names;
        e.contributions = put(c, s->contributions, P * dbl, dbl);
        e.std_errors = put(c, s->std_errors, P * dbl, dbl);
        e.interactions = put(c, s->interactions, (P + 1) * (P + 1) * dbl,
                             dbl);
        e.selected = put(c, s->selected, P, 1);
        if (s->conditions) {
            const char **labels = (const char **)put(
                c, s->conditions, P * sizeof *labels, sizeof *labels);
            for (size_t j = 0; j < P; j++) {
                const char *t = put(c, s->conditions[j],
                                    strlen(s->conditions[j]) + 1, 1);
                if (c->p)
                    labels[j] = t;
            }
            e.conditions = labels;
        }
        if (dst)
            dst[k] = e;
    }
}

int explainer_row(const xpl_explainer *ex, xpl_workspace *ws,
                  const double *x, struct results *r, size_t i, char *msg,
                  size_t msg_size)
{
    xpl_explanation *e = r->e + i * r->n_out;
    msg[0] = '\0';
    int rc = xpl_explainer_explain(ex, ws, x, e);
    if (rc) {
        snprintf(msg, msg_size, "%s", xpl_last_error());
        return rc;
    }
    struct copier c = { NULL, 0 };
    copy_row(&c, NULL, e, r->n_out);
    if (c.at > r->cap[i]) {
        void *p = malloc(c.at);
        if (!p) {
            snprintf(msg, msg_size, "out of memory");
            return XPL_ENOMEM;
        }
        free(r->mem[i]);
        r->mem[i] = p;
        r->cap[i] = c.at;
    }
    c = (struct copier){ r->mem[i], 0 };
    copy_row(&c, e, e, r->n_out);
    return XPL_OK;
}
