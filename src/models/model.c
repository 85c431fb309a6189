#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "core/workspace.h"
#include "data/dataset_internal.h"
#include "data/stats_internal.h"
#include "models/model_internal.h"

static int compare_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names must be non-empty, bounded, UTF-8 and unique: explanations are
 * keyed by name and CSV columns are matched by name. Sorting a copy of the
 * pointers keeps the duplicate check O(n log n) for wide models. */
static int check_names(const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return xpl__error(XPL_EINVAL, "feature %zu has an empty name", i);
        if (strlen(names[i]) > XPL_MAX_NAME_LENGTH)
            return xpl__error(XPL_ELIMIT,
                              "feature %zu: name longer than %zu bytes", i,
                              XPL_MAX_NAME_LENGTH);
        /* names go into JSON output and model.bin, both UTF-8 */
        if (!xpl__utf8_valid(names[i], strlen(names[i])))
            return xpl__error(XPL_EINVAL,
                              "feature %zu: name is not valid UTF-8", i);
    }
    const char **sorted = xpl__malloc_array(n, sizeof *sorted);
    if (!sorted)
        return xpl__enomem();
    memcpy(sorted, names, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_str_ptr);
    int rc = XPL_OK;
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            rc = xpl__error(XPL_EINVAL, "duplicate feature name \"%s\"",
                            sorted[i]);
            break;
        }
    free(sorted);
    return rc;
}

static char **copy_names(const char *const *names, size_t n)
{
    char **copy = xpl__calloc_array(n, sizeof *copy);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        const char *src = names ? names[i] : buf;
        if (!names)
            snprintf(buf, sizeof buf, "f%zu", i);
        copy[i] = xpl__strdup(src);
        if (!copy[i]) {
            xpl__strings_free(copy, n);
            return NULL;
        }
    }
    return copy;
}

int xpl__check_model_shape(size_t n_features, size_t n_outputs, xpl_link link)
{
    if (n_features == 0 || n_outputs == 0)
        return xpl__error(XPL_EINVAL, "a model needs at least one feature "
                                      "and one output");
    if (n_features > XPL_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "%zu features: more than the limit %zu",
                          n_features, XPL_MAX_FEATURES);
    if (n_outputs > XPL_MAX_OUTPUTS)
        return xpl__error(XPL_ELIMIT, "%zu outputs: more than the limit %zu",
                          n_outputs, XPL_MAX_OUTPUTS);
    if ((unsigned)link > XPL_LINK_SIGNED_SQUARE)
        return xpl__error(XPL_EINVAL, "unknown link %d", (int)link);
    if (link == XPL_LINK_SOFTMAX && n_outputs < 2)
        return xpl__error(XPL_EINVAL, "softmax link needs at least 2 outputs");
    return XPL_OK;
}

double xpl__model_row_cost(const xpl_model *m)
{
    return m->row_cost;
}

int xpl__model_new(xpl_model **out, const xpl_adapter *ops, void *state,
                   int family, size_t n_features, size_t n_outputs,
                   const char *const *names, xpl_link link)
{
    *out = NULL;
    int rc = xpl__check_model_shape(n_features, n_outputs, link);
    if (rc)
        return rc;
    if (names && (rc = check_names(names, n_features)))
        return rc;
    xpl_model *m = calloc(1, sizeof *m);
    if (!m)
        return xpl__enomem();
    m->feature_names = copy_names(names, n_features);
    if (!m->feature_names) {
        free(m);
        return xpl__enomem();
    }
    m->ops = ops;
    m->state = state;
    m->family = family;
    m->n_features = n_features;
    m->n_outputs = n_outputs;
    m->link = link;
    m->link_scale = 1.0;
    m->row_cost = INFINITY; /* a user adapter: unknown, assumed expensive */
    *out = m;
    return XPL_OK;
}

int xpl__model_add_property(xpl_model *m, const char *key, const char *fmt, ...)
{
    char value[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);

    size_t n = m->n_props + 1;
    char **keys = realloc(m->prop_keys, n * sizeof *keys);
    if (!keys)
        return xpl__enomem();
    m->prop_keys = keys;
    char **values = realloc(m->prop_values, n * sizeof *values);
    if (!values)
        return xpl__enomem();
    m->prop_values = values;
    keys[n - 1] = xpl__strdup(key);
    values[n - 1] = xpl__strdup(value);
    if (!keys[n - 1] || !values[n - 1]) {
        free(keys[n - 1]);
        free(values[n - 1]);
        return xpl__enomem();
    }
    m->n_props = n;
    return XPL_OK;
}

int xpl_model_wrap(xpl_model **out, const xpl_adapter *ops, void *state,
                   const xpl_model_spec *spec)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "xpl_model_wrap: out is NULL");
    *out = NULL;
    if (!ops || !spec)
        return xpl__error(XPL_EINVAL, "xpl_model_wrap: ops and spec are "
                                      "required");
    if (ops->version != XPL_ADAPTER_VERSION)
        return xpl__error(XPL_EINVAL, "adapter version %u, expected %u",
                          ops->version, XPL_ADAPTER_VERSION);
    if (spec->version != XPL_MODEL_SPEC_VERSION)
        return xpl__error(XPL_EINVAL, "model spec version %u, expected %u",
                          spec->version, XPL_MODEL_SPEC_VERSION);
    if (!ops->predict_batch)
        return xpl__error(XPL_EINVAL, "adapter has no predict_batch");
    if (!ops->name || !ops->name[0])
        return xpl__error(XPL_EINVAL, "adapter has no name");
    return xpl__model_new(out, ops, state, XPL__FAMILY_CUSTOM,
                          spec->n_features, spec->n_outputs,
                          spec->feature_names, spec->link);
}

void xpl_model_free(xpl_model *m)
{
    if (!m)
        return;
    if (m->ops && m->ops->destroy)
        m->ops->destroy(m->state);
    xpl__strings_free(m->feature_names, m->n_features);
    xpl__strings_free(m->prop_keys, m->n_props);
    xpl__strings_free(m->prop_values, m->n_props);
    xpl_dataset_free(m->background);
    xpl_stats_free(m->stats);
    xpl__model_categories_free(m);
    free(m);
}

const char *xpl_model_kind(const xpl_model *m)
{
    return m ? m->ops->name : NULL;
}

int xpl__model_family(const xpl_model *m)
{
    return m->family;
}

int xpl__model_raw_is_probability(const xpl_model *m)
{
    return m->raw_is_probability;
}

size_t xpl_model_n_features(const xpl_model *m)
{
    return m ? m->n_features : 0;
}

size_t xpl_model_n_outputs(const xpl_model *m)
{
    return m ? m->n_outputs : 0;
}

const char *xpl_model_feature_name(const xpl_model *m, size_t i)
{
    return m && i < m->n_features ? m->feature_names[i] : NULL;
}

const char *const *xpl_model_feature_names(const xpl_model *m)
{
    return m ? (const char *const *)m->feature_names : NULL;
}

int xpl_model_is_classifier(const xpl_model *m)
{
    return m && (m->link == XPL_LINK_LOGIT || m->link == XPL_LINK_SOFTMAX ||
                 m->raw_is_probability);
}

xpl_link xpl_model_link(const xpl_model *m)
{
    return m ? m->link : XPL_LINK_IDENTITY;
}

size_t xpl_model_n_properties(const xpl_model *m)
{
    return m ? m->n_props : 0;
}

int xpl_model_property(const xpl_model *m, size_t i, const char **key,
                       const char **value)
{
    if (!m || i >= m->n_props || !key || !value)
        return xpl__error(XPL_EINVAL, "xpl_model_property: bad argument");
    *key = m->prop_keys[i];
    *value = m->prop_values[i];
    return XPL_OK;
}

const xpl_dataset *xpl_model_background(const xpl_model *m)
{
    return m ? m->background : NULL;
}

const xpl_stats *xpl_model_stats(const xpl_model *m)
{
    return m ? m->stats : NULL;
}

int xpl__model_check_background(const xpl_model *m, const xpl_dataset *bg)
{
    if (bg->n_cols != m->n_features)
        return xpl__error(XPL_ESHAPE, "background has %zu columns, the "
                          "model has %zu features", bg->n_cols, m->n_features);
    for (size_t j = 0; j < m->n_features; j++)
        if (strcmp(bg->names[j], m->feature_names[j]) != 0)
            return xpl__error(XPL_ESHAPE, "background column %zu is \"%s\", "
                              "the model's feature %zu is \"%s\"", j + 1,
                              bg->names[j], j + 1, m->feature_names[j]);
    if (bg->n_rows == 0)
        return xpl__error(XPL_EINVAL, "background has no rows");
    return XPL_OK;
}

int xpl_model_set_background(xpl_model *m, const xpl_dataset *bg)
{
    if (!m || !bg)
        return xpl__error(XPL_EINVAL, "xpl_model_set_background: NULL "
                                      "argument");
    int rc = xpl__model_check_background(m, bg);
    if (rc)
        return rc;
    xpl_dataset *copy;
    rc = xpl__dataset_copy(&copy, bg);
    if (rc)
        return rc;
    xpl_dataset_free(m->background);
    m->background = copy;
    return XPL_OK;
}

int xpl_model_set_stats(xpl_model *m, const xpl_stats *s)
{
    if (!m || !s)
        return xpl__error(XPL_EINVAL, "xpl_model_set_stats: NULL argument");
    if (s->n_features != m->n_features)
        return xpl__error(XPL_ESHAPE, "statistics cover %zu features, the "
                          "model has %zu", s->n_features, m->n_features);
    xpl_stats *copy;
    int rc = xpl__stats_copy(&copy, s);
    if (rc)
        return rc;
    xpl_stats_free(m->stats);
    m->stats = copy;
    return XPL_OK;
}

size_t xpl__model_predict_scratch(const xpl_model *m, size_t n_rows)
{
    return m->ops->scratch_size ? m->ops->scratch_size(m->state, n_rows) : 0;
}

int xpl__model_predict_into(const xpl_model *m, void *scratch, const double *x,
                            size_t n_rows, xpl_output kind, double *out)
{
    int status = m->ops->predict_batch(m->state, scratch, x, n_rows,
                                       m->n_features, out);
    if (status != 0)
        return m->family == XPL__FAMILY_CUSTOM
                   ? xpl__error(XPL_EUSER, "model \"%s\": predict_batch "
                                "returned %d", m->ops->name, status)
                   : status;
    if (kind != XPL_OUTPUT_RAW)
        xpl__model_link_outputs(m, out, n_rows);
    return XPL_OK;
}

int xpl_model_predict(const xpl_model *m, xpl_workspace *ws, const double *x,
                      size_t n_rows, xpl_output kind, double *out)
{
    if (!m || (n_rows && (!x || !out)))
        return xpl__error(XPL_EINVAL, "xpl_model_predict: NULL argument");
    if (kind != XPL_OUTPUT_RAW && kind != XPL_OUTPUT_PROBABILITY &&
        kind != XPL_OUTPUT_RESPONSE)
        return xpl__error(XPL_EINVAL, "unknown output kind %d", (int)kind);
    if (kind == XPL_OUTPUT_PROBABILITY && !xpl_model_is_classifier(m))
        return xpl__error(XPL_EINVAL, "probability output needs a classifier "
                          "(logit or softmax link); this model's link is %s",
                          xpl_link_name(m->link));
    if (n_rows == 0)
        return XPL_OK;
    size_t bytes = xpl__model_predict_scratch(m, n_rows);
    xpl_workspace *own = NULL;
    void *scratch = NULL;
    if (bytes) {
        int rc = xpl__workspace_scratch_for_call(&ws, &own, bytes, &scratch);
        if (rc)
            return rc;
    }
    int rc = xpl__model_predict_into(m, scratch, x, n_rows, kind, out);
    xpl_workspace_free(own);
    return rc;
}
