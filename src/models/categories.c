/* Category names of a model's features: what the model stores or the user
 * gives (CATS.json), looked up when rows hold names and shown in
 * explanations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "data/category_names.h"
#include "models/linear_trees.h"
#include "models/model_internal.h"
#include "models/trees.h"

void xpl__model_categories_free(xpl_model *m)
{
    for (size_t j = 0; m->categories && j < m->n_features; j++)
        xpl__catnames_free(m->categories[j]);
    free(m->categories);
    m->categories = NULL;
}

int xpl__model_has_categories(const xpl_model *m)
{
    for (size_t j = 0; m->categories && j < m->n_features; j++)
        if (m->categories[j])
            return 1;
    return 0;
}

const xpl__catnames *xpl__model_catnames(const xpl_model *m, size_t j)
{
    return m && m->categories && j < m->n_features ? m->categories[j] : NULL;
}

int xpl__model_adopt_catnames(xpl_model *m, size_t j, xpl__catnames *c)
{
    if (!m->categories) {
        if (!c)
            return XPL_OK;
        m->categories = xpl__calloc_array(m->n_features,
                                          sizeof *m->categories);
        if (!m->categories)
            return xpl__enomem();
    }
    xpl__catnames_free(m->categories[j]);
    m->categories[j] = c;
    return XPL_OK;
}

size_t xpl_model_n_categories(const xpl_model *m, size_t j)
{
    const xpl__catnames *c = xpl__model_catnames(m, j);
    return c ? c->n : 0;
}

const char *const *xpl_model_category_names(const xpl_model *m, size_t j)
{
    const xpl__catnames *c = xpl__model_catnames(m, j);
    return c ? (const char *const *)c->names : NULL;
}

int xpl_model_category_code(size_t *code, const xpl_model *m, size_t j,
                            const char *name)
{
    if (!code || !m || !name)
        return xpl__error(XPL_EINVAL, "xpl_model_category_code: NULL "
                          "argument");
    if (j >= m->n_features)
        return xpl__error(XPL_EINVAL, "feature %zu: the model has %zu", j,
                          m->n_features);
    const xpl__catnames *c = xpl__model_catnames(m, j);
    if (!c)
        return xpl__error(XPL_EINVAL, "feature \"%s\" has no category "
                          "names", m->feature_names[j]);
    int64_t k = xpl__catnames_find(c, name, strlen(name));
    if (k < 0) {
        char list[400];
        xpl__catnames_list(c, list, sizeof list);
        return xpl__error(XPL_EINVAL, "unknown category \"%.200s\" of \"%s\" "
                          "(expected one of %s)", name, m->feature_names[j],
                          list);
    }
    *code = (size_t)k;
    return XPL_OK;
}

int xpl_model_feature_is_categorical(const xpl_model *m, size_t j)
{
    if (!m || j >= m->n_features)
        return 0;
    if (xpl__model_catnames(m, j))
        return 1;
    const xpl__ensemble *e = xpl__trees_params(m);
    if (!e)
        e = xpl__linear_trees_routing(m);
    if (!e || !e->has_special)
        return 0;
    for (size_t i = 0; i < e->n_nodes; i++) {
        uint32_t f = e->nodes[i].feature;
        if ((f & XPL__TNODE_CATEGORICAL) && (f & XPL__TNODE_FEATURE_MASK) == j)
            return 1;
    }
    return 0;
}

int xpl_model_set_categories(xpl_model *m, size_t j, const char *const *names,
                             size_t n)
{
    if (!m)
        return xpl__error(XPL_EINVAL, "xpl_model_set_categories: NULL model");
    if (j >= m->n_features)
        return xpl__error(XPL_EINVAL, "feature %zu: the model has %zu", j,
                          m->n_features);
    xpl__catnames *c = NULL;
    if (n > 0) {
        char what[XPL_MAX_NAME_LENGTH + 32];
        snprintf(what, sizeof what, "feature \"%s\"", m->feature_names[j]);
        int rc = xpl__catnames_new(&c, names, n, what);
        if (rc)
            return rc;
    }
    int rc = xpl__model_adopt_catnames(m, j, c);
    if (rc)
        xpl__catnames_free(c);
    return rc;
}

int xpl__model_value_names(const xpl_model *m, const double *x,
                           const char **out)
{
    if (!m->categories)
        return 0;
    int any = 0;
    for (size_t j = 0; j < m->n_features; j++) {
        const xpl__catnames *c = m->categories[j];
        double v = x[j];
        out[j] = NULL;
        /* A code is the value's integer part where the libraries truncate;
         * only exact codes are shown by name. */
        if (c && v >= 0 && v < (double)c->n && v == (double)(size_t)v) {
            out[j] = c->names[(size_t)v];
            any = 1;
        }
    }
    return any;
}
