/* Categorical splits in xplain's JSON: the model lists each categorical
 * feature's categories ("categories", names in code order) and each
 * categorical split the codes that go left ("left_categories"). The rule
 * is scikit-learn's HistGradientBoosting one: a known code goes left when
 * listed, right otherwise; a value that is no known code (negative, past
 * the last category, NaN) goes the way of missing values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/category_import.h"
#include "models/import_json_categories.h"
#include "models/json_util.h"
#include "models/model_internal.h"

static size_t feature_index(const char *const *names, size_t n,
                            const char *key)
{
    for (size_t j = 0; j < n; j++)
        if (strcmp(names[j], key) == 0)
            return j;
    return n;
}

int xpl__json_known_categories(const char *name, json_t *cats,
                               const char *const *feature_names,
                               size_t n_features, size_t *n_known)
{
    if (!cats)
        return XPL_OK;
    if (!json_is_object(cats))
        return xpl__error(XPL_EFORMAT, "%s: categories: expected an object "
                          "(feature name -> list of category names), found "
                          "%s", name, xpl__json_type_text(cats));
    const char *key;
    json_t *list;
    json_object_foreach(cats, key, list) {
        size_t j = feature_index(feature_names, n_features, key);
        if (j == n_features)
            return xpl__error(XPL_EFORMAT, "%s: categories.%s: not a "
                              "feature of feature_names", name, key);
        if (!json_is_array(list) || json_array_size(list) == 0)
            return xpl__error(XPL_EFORMAT, "%s: categories.%s: expected a "
                              "non-empty array of category names, found %s",
                              name, key, json_is_array(list)
                                             ? "an empty array"
                                             : xpl__json_type_text(list));
        if (json_array_size(list) > XPL_MAX_CATEGORIES)
            return xpl__error(XPL_ELIMIT, "%s: categories.%s: %zu "
                              "categories: more than the limit %zu", name,
                              key, json_array_size(list),
                              XPL_MAX_CATEGORIES);
        for (size_t c = 0; c < json_array_size(list); c++)
            if (!json_is_string(json_array_get(list, c)))
                return xpl__error(XPL_EFORMAT, "%s: categories.%s[%zu]: "
                                  "expected a string, found %s", name, key,
                                  c, xpl__json_type_text(
                                         json_array_get(list, c)));
        n_known[j] = json_array_size(list);
    }
    return XPL_OK;
}

/* Node i's listed codes into a set of xplain's rules. Missing values going
 * right: the set is the listed codes, listed go left, everything else
 * (unlisted, unknown, invalid) right. Going left: the set is the known
 * codes that are not listed, and they go right; everything else left. The
 * XGBoost code rule (valid when 0 <= v < 2^24, truncated) sends negative
 * values the unlisted way, as scikit-learn does. */
static int add_set(const char *name, json_t *codes, const char *path,
                   size_t n_known, int default_left, xpl__catpool *pool,
                   size_t *index)
{
    size_t n_words = (n_known + 31) / 32;
    if (n_words > XPL__JSON_MAX_CAT_WORDS - pool->n_words)
        return xpl__error(XPL_ELIMIT, "%s: %s: the categorical splits need "
                          "more than %zu set words", name, path,
                          XPL__JSON_MAX_CAT_WORDS);
    uint32_t *words;
    int rc = xpl__catpool_add(pool, n_words,
                              default_left ? XPL__CAT_LISTED_RIGHT : 0u,
                              &words, index);
    if (rc)
        return rc;
    for (size_t k = 0; k < json_array_size(codes); k++) {
        json_t *x = json_array_get(codes, k);
        json_int_t c = json_is_integer(x) ? json_integer_value(x) : -1;
        if (c < 0 || (size_t)c >= n_known)
            return xpl__error(XPL_EFORMAT, "%s: %s[%zu]: expected a category "
                              "code from 0 to %zu, found %s", name, path, k,
                              n_known - 1, json_is_integer(x)
                                               ? "a code out of range"
                                               : xpl__json_type_text(x));
        uint32_t bit = 1u << (c & 31);
        if (words[c >> 5] & bit)
            return xpl__error(XPL_EFORMAT, "%s: %s[%zu]: code %lld listed "
                              "twice", name, path, k, (long long)c);
        words[c >> 5] |= bit;
    }
    if (default_left) {
        for (size_t w = 0; w < n_words; w++)
            words[w] = ~words[w];
        if (n_known % 32)
            words[n_words - 1] &= (1u << (n_known % 32)) - 1;
    }
    return XPL_OK;
}

int xpl__json_tree_categories(const char *name, json_t *left_cats, size_t t,
                              const size_t *n_known, size_t n_features,
                              xpl__tree_arrays *a, size_t n_nodes,
                              xpl__catpool *pool)
{
    if (!left_cats)
        return XPL_OK;
    char path[96];
    snprintf(path, sizeof path, "trees[%zu].left_categories", t);
    size_t n;
    int rc = xpl__json_array_len(name, left_cats, path, &n);
    if (rc)
        return rc;
    if (n != n_nodes)
        return xpl__error(XPL_EFORMAT, "%s: %s: expected %zu entries (one "
                          "per node), found %zu", name, path, n_nodes, n);
    for (size_t i = 0; i < n; i++) {
        json_t *codes = json_array_get(left_cats, i);
        if (json_is_null(codes))
            continue;
        snprintf(path, sizeof path, "trees[%zu].left_categories[%zu]", t, i);
        if (!json_is_array(codes))
            return xpl__error(XPL_EFORMAT, "%s: %s: expected null or an "
                              "array of category codes, found %s", name,
                              path, xpl__json_type_text(codes));
        int64_t f = a->feature[i];
        if (f < 0)
            return xpl__error(XPL_EFORMAT, "%s: %s: node %zu is a leaf; "
                              "only splits have categories", name, path, i);
        if ((uint64_t)f >= n_features || n_known[f] == 0)
            return xpl__error(XPL_EFORMAT, "%s: %s: feature %lld has no "
                              "entry in \"categories\"", name, path,
                              (long long)f);
        if (!a->default_left)
            return xpl__error(XPL_EFORMAT, "%s: trees[%zu]: a tree with "
                              "categorical splits needs default_left (the "
                              "way of missing and unknown categories)", name,
                              t);
        size_t index;
        if ((rc = add_set(name, codes, path, n_known[f], a->default_left[i],
                          pool, &index)))
            return rc;
        a->split_kind[i] = XPL__SPLIT_CATEGORICAL;
        a->threshold[i] = (double)index;
    }
    return XPL_OK;
}

int xpl__json_attach_categories(xpl_model *m, const char *name,
                                json_t *cats)
{
    size_t n = cats ? json_object_size(cats) : 0;
    if (n == 0)
        return XPL_OK;
    json_t *lists = json_array();
    size_t *features = xpl__malloc_array(n, sizeof *features);
    if (!lists || !features) {
        json_decref(lists);
        free(features);
        return xpl__enomem();
    }
    const char *key;
    json_t *list;
    size_t i = 0;
    int rc = XPL_OK;
    json_object_foreach(cats, key, list) {
        features[i++] = feature_index((const char *const *)m->feature_names,
                                      m->n_features, key);
        if (json_array_append(lists, list)) {
            rc = xpl__enomem();
            break;
        }
    }
    char where[64];
    snprintf(where, sizeof where, "%.40s: categories", name);
    if (!rc)
        rc = xpl__categories_from_json_lists(m, lists, features, n, where);
    json_decref(lists);
    free(features);
    return rc;
}
