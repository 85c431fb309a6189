/* XGBoost JSON models (Booster.save_model("m.json")) as 1.x to 3.x write
 * them: gbtree boosters with numeric and categorical splits. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/json_util.h"
#include "models/category_import.h"
#include "models/model_file.h"
#include "models/model_internal.h"
#include "models/trees.h"

enum base_transform { BASE_AS_IS, BASE_LOGIT, BASE_LOG };

/* The objectives xplain reproduces: how predict() maps margins, and how
 * XGBoost turns base_score (given in response space) into a margin. */
static const struct objective {
    const char *name;
    xpl_link link;
    enum base_transform base;
    int multiclass;
} objectives[] = {
    { "reg:squarederror", XPL_LINK_IDENTITY, BASE_AS_IS, 0 },
    { "reg:linear", XPL_LINK_IDENTITY, BASE_AS_IS, 0 },
    { "reg:squaredlogerror", XPL_LINK_IDENTITY, BASE_AS_IS, 0 },
    { "reg:pseudohubererror", XPL_LINK_IDENTITY, BASE_AS_IS, 0 },
    { "reg:absoluteerror", XPL_LINK_IDENTITY, BASE_AS_IS, 0 },
    { "reg:logistic", XPL_LINK_LOGIT, BASE_LOGIT, 0 },
    { "binary:logistic", XPL_LINK_LOGIT, BASE_LOGIT, 0 },
    /* logitraw predicts margins; its base_score is a margin already. */
    { "binary:logitraw", XPL_LINK_LOGIT, BASE_AS_IS, 0 },
    { "multi:softprob", XPL_LINK_SOFTMAX, BASE_AS_IS, 1 },
    { "multi:softmax", XPL_LINK_SOFTMAX, BASE_AS_IS, 1 },
    { "count:poisson", XPL_LINK_LOG, BASE_LOG, 0 },
    { "reg:gamma", XPL_LINK_LOG, BASE_LOG, 0 },
    { "reg:tweedie", XPL_LINK_LOG, BASE_LOG, 0 },
};

/* Fetch obj[key] (a path in messages), requiring a JSON type. */
static int member(const char *name, json_t *obj, const char *path,
                  const char *key, json_type type, json_t **out)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: missing %s%s%s",
                          name, path, *path ? "." : "", key);
    if (json_typeof(v) != type)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s%s%s: found %s",
                          name, path, *path ? "." : "", key,
                          xpl__json_type_text(v));
    *out = v;
    return XPL_OK;
}

/* XGBoost writes model parameters as strings ("100", "5E-1"; 2.x may wrap a
 * vector in brackets: "[5E-1,2E-1]"). Parse up to `max` numbers. */
static int parse_param_numbers(const char *name, const char *key,
                               const char *text, double *v, size_t max,
                               size_t *n)
{
    const char *p = text;
    while (*p == ' ' || *p == '[')
        p++;
    *n = 0;
    while (*p && *p != ']') {
        char *end;
        double x = strtod(p, &end);
        if (end == p || *n == max)
            return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s: cannot "
                              "read \"%s\"", name, key, text);
        v[(*n)++] = x;
        p = end;
        while (*p == ' ' || *p == ',')
            p++;
    }
    if (*n == 0)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s: empty", name,
                          key);
    return XPL_OK;
}

static int param_size(const char *name, json_t *params, const char *key,
                      size_t max, size_t *out)
{
    json_t *v = json_object_get(params, key);
    if (!v) {
        *out = 0;
        return XPL_OK;
    }
    if (!json_is_string(v))
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s: expected a "
                          "string", name, key);
    char *end;
    const char *s = json_string_value(v);
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s || *end || s[0] == '-' || n > max)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s: \"%s\" is not "
                          "a count up to %zu", name, key, s, max);
    *out = (size_t)n;
    return XPL_OK;
}

/* XGBoost computes in float32: thresholds and leaves are float32 values
 * written in shortest form ("0.21000001"), read back exactly by rounding. */
static double f32(double v)
{
    return (double)(float)v;
}

static double base_margin(enum base_transform how, double base)
{
    float b = (float)base;
    switch (how) {
    case BASE_LOGIT: return (double)-logf(1.0f / b - 1.0f);
    case BASE_LOG: return (double)logf(b);
    case BASE_AS_IS: break;
    }
    return (double)b;
}

/* split_conditions: numbers, NaN for categorical splits in 1.6-2.x. */
static int read_conditions(const char *name, json_t *arr, const char *path,
                           size_t n, double *v)
{
    if (!json_is_array(arr) || json_array_size(arr) != n)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s.split_"
                          "conditions: expected an array of %zu numbers",
                          name, path, n);
    for (size_t i = 0; i < n; i++)
        if (!xpl__json_number_or_marker(json_array_get(arr, i), &v[i]))
            return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s.split_"
                              "conditions[%zu]: expected a number", name,
                              path, i);
    return XPL_OK;
}

/* Categorical splits: the categories listed for node categories_nodes[i]
 * are categories[segments[i] .. + sizes[i]]; they go right. */
static int read_categories(const char *name, json_t *tree, const char *path,
                           size_t n, const xpl__tree_arrays *a,
                           uint32_t cat_flags, xpl__catpool *pool)
{
    json_t *split_type = json_object_get(tree, "split_type");
    if (!split_type)
        return XPL_OK; /* before 1.6: numeric splits only */
    size_t n_cat_nodes = 0, n_cats = 0;
    char p[96];
    snprintf(p, sizeof p, "%s.split_type", path);
    int64_t *kind = xpl__malloc_array(n, sizeof *kind);
    if (!kind)
        return xpl__enomem();
    int rc = xpl__json_ints(name, split_type, p, n, kind);
    for (size_t i = 0; !rc && i < n; i++) {
        if (kind[i] != 0 && kind[i] != 1)
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s[%zu]: split "
                            "type %lld (0 numeric, 1 categorical)", name, p,
                            i, (long long)kind[i]);
        else if (kind[i] == 1 && a->left[i] == -1)
            kind[i] = 0; /* a leaf's split type does not matter */
        else
            n_cat_nodes += kind[i] == 1;
    }
    json_t *cn = json_object_get(tree, "categories_nodes");
    json_t *cseg = json_object_get(tree, "categories_segments");
    json_t *csz = json_object_get(tree, "categories_sizes");
    json_t *cats = json_object_get(tree, "categories");
    int64_t *nodes = NULL, *seg = NULL, *size = NULL, *list = NULL;
    if (!rc) {
        n_cats = json_is_array(cats) ? json_array_size(cats) : 0;
        nodes = xpl__malloc_array(n_cat_nodes + 1, sizeof *nodes);
        seg = xpl__malloc_array(n_cat_nodes + 1, sizeof *seg);
        size = xpl__malloc_array(n_cat_nodes + 1, sizeof *size);
        list = xpl__malloc_array(n_cats + 1, sizeof *list);
        if (!nodes || !seg || !size || !list)
            rc = xpl__enomem();
    }
    const char *keys[] = { "categories_nodes", "categories_segments",
                           "categories_sizes", "categories" };
    json_t *arrs[] = { cn, cseg, csz, cats };
    int64_t *dst[] = { nodes, seg, size, list };
    for (int k = 0; !rc && k < 4; k++) {
        snprintf(p, sizeof p, "%s.%s", path, keys[k]);
        rc = xpl__json_ints(name, arrs[k], p, k == 3 ? n_cats : n_cat_nodes,
                            dst[k]);
    }
    for (size_t c = 0; !rc && c < n_cat_nodes; c++) {
        int64_t i = nodes[c];
        if (i < 0 || (uint64_t)i >= n || kind[i] != 1) {
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s.categories_"
                            "nodes[%zu]: node %lld is not a categorical "
                            "split", name, path, c, (long long)i);
            break;
        }
        kind[i] = 2; /* seen */
        if (seg[c] < 0 || size[c] < 0 || (uint64_t)seg[c] > n_cats ||
            (uint64_t)size[c] > n_cats - (uint64_t)seg[c]) {
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s: categories "
                            "of node %lld out of range", name, path,
                            (long long)i);
            break;
        }
        int64_t max = -1;
        for (int64_t j = seg[c]; j < seg[c] + size[c]; j++) {
            if (list[j] < 0 || list[j] >= 16777216) {
                rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: "
                                "%s.categories[%lld]: category %lld is not "
                                "in 0..2^24-1", name, path, (long long)j,
                                (long long)list[j]);
                break;
            }
            if (list[j] > max)
                max = list[j];
        }
        /* XGBoost sizes a node's bit field for its largest listed code. */
        uint32_t *words;
        size_t index;
        if (!rc)
            rc = xpl__catpool_add(pool, (size_t)(max + 1 + 31) / 32,
                                  cat_flags, &words, &index);
        for (int64_t j = seg[c]; !rc && j < seg[c] + size[c]; j++)
            words[list[j] >> 5] |= 1u << (list[j] & 31);
        if (!rc) {
            a->split_kind[i] = XPL__SPLIT_CATEGORICAL;
            a->threshold[i] = (double)index;
        }
    }
    for (size_t i = 0; !rc && i < n; i++)
        if (kind[i] == 1)
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s, node %zu: "
                            "a categorical split without categories", name,
                            path, i);
    free(kind);
    free(nodes);
    free(seg);
    free(size);
    free(list);
    return rc;
}

static int read_tree(const char *name, json_t *tree, size_t t,
                     size_t n_features, uint32_t cat_flags,
                     xpl__catpool *pool, xpl__tree_arrays *a,
                     xpl__tree_spec *ts)
{
    char path[64];
    snprintf(path, sizeof path, "trees[%zu]", t);
    json_t *arr;
    size_t n;
    int rc = member(name, tree, path, "left_children", JSON_ARRAY, &arr);
    if (rc)
        return rc;
    n = json_array_size(arr);
    if (n == 0)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s has no nodes",
                          name, path);
    json_t *param = json_object_get(tree, "tree_param");
    size_t leaf_vector;
    if ((rc = param_size(name, param, "size_leaf_vector", SIZE_MAX,
                         &leaf_vector)))
        return rc;
    if (leaf_vector > 1)
        return xpl__error(XPL_EUNSUPPORTED, "%s: XGBoost model: %s: "
                          "multi-target trees (vector leaves) are not "
                          "supported", name, path);

    int arrays = xpl__tree_arrays_alloc(a, n);
    int64_t *dl = xpl__malloc_array(n, sizeof *dl);
    if (arrays || !dl) {
        free(dl);
        return xpl__enomem();
    }
    static const char *const int_keys[] = { "left_children",
                                            "right_children",
                                            "split_indices" };
    int64_t *ints[] = { a->left, a->right, a->feature };
    for (int k = 0; k < 3 && !rc; k++) {
        char p[96];
        snprintf(p, sizeof p, "%s.%s", path, int_keys[k]);
        rc = xpl__json_ints(name, json_object_get(tree, int_keys[k]), p, n,
                            ints[k]);
    }
    char p[96];
    if (!rc) {
        rc = read_conditions(name, json_object_get(tree, "split_conditions"),
                             path, n, a->threshold);
    }
    if (!rc) {
        snprintf(p, sizeof p, "%s.sum_hessian", path);
        rc = xpl__json_numbers(name, json_object_get(tree, "sum_hessian"), p,
                               n, a->cover);
    }
    if (!rc) {
        snprintf(p, sizeof p, "%s.default_left", path);
        json_t *d = json_object_get(tree, "default_left");
        for (size_t i = 0; d && json_is_array(d) && i < json_array_size(d);
             i++) {
            json_t *x = json_array_get(d, i);
            /* 1.x writes 0/1; some writers use booleans. */
            if (json_is_boolean(x))
                json_array_set_new(d, i, json_integer(json_is_true(x)));
        }
        rc = xpl__json_ints(name, d, p, n, dl);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        int leaf = a->left[i] == -1;
        if (!leaf && (a->feature[i] < 0 ||
                      (uint64_t)a->feature[i] >= n_features))
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s, node %zu: "
                            "split feature %lld out of range (%zu features)",
                            name, path, i, (long long)a->feature[i],
                            n_features);
        else if (dl[i] != 0 && dl[i] != 1)
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s, node %zu: "
                            "default_left must be 0 or 1", name, path, i);
        if (rc)
            break;
        /* Leaves keep their value in split_conditions (learning rate
         * applied); base_weights are not leaf values. */
        if (leaf && !isfinite(a->threshold[i]))
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s, node %zu: "
                            "leaf value is not finite", name, path, i);
        if (rc)
            break;
        a->value[i] = leaf ? f32(a->threshold[i]) : NAN;
        /* Categorical splits write NaN (1.6-2.x) or anything here; their
         * threshold becomes a category set below. */
        a->threshold[i] = leaf ? 0.0 : isnan(a->threshold[i])
                                           ? 0.0 : f32(a->threshold[i]);
        if (leaf)
            a->feature[i] = -1;
        a->default_left[i] = (unsigned char)dl[i];
    }
    free(dl);
    if (!rc)
        rc = read_categories(name, tree, path, n, a, cat_flags, pool);
    if (rc)
        return rc;
    *ts = (xpl__tree_spec){ n, 0, a->feature, a->threshold, a->left, a->right,
                            a->default_left, a->value, a->cover,
                            a->split_kind };
    return XPL_OK;
}

static int read_feature_names(const char *name, json_t *learner, size_t n,
                              const char ***out)
{
    *out = NULL;
    json_t *names = json_object_get(learner, "feature_names");
    if (!json_is_array(names) || json_array_size(names) == 0)
        return XPL_OK; /* XGBoost's own default: f0, f1, ... */
    if (json_array_size(names) != n)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %zu feature names "
                          "for %zu features", name, json_array_size(names), n);
    const char **v = xpl__malloc_array(n, sizeof *v);
    if (!v)
        return xpl__enomem();
    for (size_t j = 0; j < n; j++) {
        json_t *s = json_array_get(names, j);
        if (!json_is_string(s)) {
            free(v);
            return xpl__error(XPL_EFORMAT, "%s: XGBoost model: "
                              "feature_names[%zu]: expected a string", name,
                              j);
        }
        v[j] = json_string_value(s);
    }
    *out = v;
    return XPL_OK;
}

int xpl__model_read_xgboost(xpl_model **out, json_t *root, const char *name)
{
    json_t *learner = NULL, *params = NULL, *objective = NULL, *obj_name = NULL;
    json_t *booster = NULL, *booster_name = NULL;
    int rc = member(name, root, "", "learner", JSON_OBJECT, &learner);
    if (!rc)
        rc = member(name, learner, "learner", "learner_model_param",
                    JSON_OBJECT, &params);
    if (!rc)
        rc = member(name, learner, "learner", "objective", JSON_OBJECT,
                    &objective);
    if (!rc)
        rc = member(name, objective, "learner.objective", "name", JSON_STRING,
                    &obj_name);
    if (!rc)
        rc = member(name, learner, "learner", "gradient_booster", JSON_OBJECT,
                    &booster);
    if (!rc)
        rc = member(name, booster, "learner.gradient_booster", "name",
                    JSON_STRING, &booster_name);
    if (rc)
        return rc;
    const char *bname = json_string_value(booster_name);
    if (strcmp(bname, "gbtree") != 0)
        return xpl__error(XPL_EUNSUPPORTED, "%s: XGBoost booster \"%s\" is "
                          "not supported (only gbtree)", name, bname);
    const char *oname = json_string_value(obj_name);
    const struct objective *obj = NULL;
    for (size_t i = 0; i < sizeof objectives / sizeof objectives[0]; i++)
        if (strcmp(oname, objectives[i].name) == 0)
            obj = &objectives[i];
    if (!obj)
        return xpl__error(XPL_EUNSUPPORTED, "%s: XGBoost objective \"%s\" is "
                          "not supported", name, oname);

    size_t n_features = 0, n_class = 0;
    if ((rc = param_size(name, params, "num_feature", XPL_MAX_FEATURES,
                         &n_features)) ||
        (rc = param_size(name, params, "num_class", XPL_MAX_OUTPUTS,
                         &n_class)))
        return rc;
    if (n_features == 0)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: num_feature is 0",
                          name);
    size_t n_outputs = obj->multiclass ? n_class : 1;
    if (obj->multiclass && n_class < 2)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %s with num_class "
                          "%zu", name, oname, n_class);

    json_t *base = json_object_get(params, "base_score");
    double base_raw[XPL_MAX_OUTPUTS > 64 ? 64 : XPL_MAX_OUTPUTS];
    size_t n_base = 1;
    base_raw[0] = 0.5; /* XGBoost's default when absent */
    if (base && (!json_is_string(base) ||
                 (rc = parse_param_numbers(name, "base_score",
                                           json_string_value(base), base_raw,
                                           64, &n_base))))
        return rc ? rc : xpl__error(XPL_EFORMAT, "%s: XGBoost model: "
                                    "base_score: expected a string", name);
    if (n_base != 1 && n_base != n_outputs)
        return xpl__error(XPL_EFORMAT, "%s: XGBoost model: %zu base scores "
                          "for %zu outputs", name, n_base, n_outputs);
    double *base_score = xpl__malloc_array(n_outputs, sizeof *base_score);
    if (!base_score)
        return xpl__enomem();
    for (size_t k = 0; k < n_outputs; k++) {
        double b = base_raw[n_base == 1 ? 0 : k];
        if ((obj->base == BASE_LOGIT && !(b > 0 && b < 1)) ||
            (obj->base == BASE_LOG && !(b > 0))) {
            free(base_score);
            return xpl__error(XPL_EFORMAT, "%s: XGBoost model: base_score %g "
                              "is out of range for %s", name, b, oname);
        }
        base_score[k] = base_margin(obj->base, b);
    }

    json_t *model, *trees, *tree_info = NULL;
    const char **names = NULL;
    xpl__tree_spec *ts = NULL;
    xpl__tree_arrays *arrays = NULL;
    size_t n_trees = 0;
    xpl__catpool pool = { 0 };
    /* Listed codes go right; invalid ones (negative, >= 2^24) and codes
     * past a split's bit field go left, in 1.7.4 as in 3.2 (the fixtures
     * xgb1_nan and xgb3_nan tell the candidate rules apart). */
    uint32_t cat_flags = XPL__CAT_LISTED_RIGHT;
    json_t *version = json_object_get(root, "version");
    rc = member(name, booster, "learner.gradient_booster", "model",
                JSON_OBJECT, &model);
    if (!rc)
        rc = member(name, model, "learner.gradient_booster.model", "trees",
                    JSON_ARRAY, &trees);
    if (!rc) {
        n_trees = json_array_size(trees);
        tree_info = json_object_get(model, "tree_info");
        if (n_trees > 0 && (!json_is_array(tree_info) ||
                            json_array_size(tree_info) != n_trees))
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: tree_info must "
                            "list the output of each of the %zu trees", name,
                            n_trees);
    }
    if (!rc)
        rc = read_feature_names(name, learner, n_features, &names);
    if (!rc && n_trees) {
        ts = xpl__calloc_array(n_trees, sizeof *ts);
        arrays = xpl__calloc_array(n_trees, sizeof *arrays);
        if (!ts || !arrays)
            rc = xpl__enomem();
    }
    for (size_t t = 0; !rc && t < n_trees; t++) {
        rc = read_tree(name, json_array_get(trees, t), t, n_features,
                       cat_flags, &pool, &arrays[t], &ts[t]);
        json_t *info = json_array_get(tree_info, t);
        if (!rc && (!json_is_integer(info) || json_integer_value(info) < 0 ||
                    (size_t)json_integer_value(info) >= n_outputs))
            rc = xpl__error(XPL_EFORMAT, "%s: XGBoost model: tree_info[%zu] "
                            "is not an output below %zu", name, t, n_outputs);
        if (!rc)
            ts[t].output = (uint32_t)json_integer_value(info);
    }
    if (!rc) {
        xpl__ensemble_spec spec = {
            .n_features = n_features,
            .n_outputs = n_outputs,
            .feature_names = names,
            .link = obj->link,
            .aggregation = XPL__AGG_SUM,
            .float32_inputs = 1,
            .compare_le = 0,
            .raw_is_probability = 0,
            .base_score = base_score,
            .objective = oname,
            .n_trees = n_trees,
            .trees = ts,
            .cats = xpl__catpool_table(&pool),
        };
        rc = xpl__trees_model_new(out, &spec, name);
    }
    if (!rc) {
        rc = xpl__categories_from_xgboost(*out, json_object_get(model, "cats"),
                                          name);

        if (!rc && json_is_array(version) && json_array_size(version) == 3)
            rc = xpl__model_add_property(
                *out, "xgboost version", "%lld.%lld.%lld",
                (long long)json_integer_value(json_array_get(version, 0)),
                (long long)json_integer_value(json_array_get(version, 1)),
                (long long)json_integer_value(json_array_get(version, 2)));
        if (rc) {
            xpl_model_free(*out);
            *out = NULL;
        }
    }
    for (size_t t = 0; arrays && t < n_trees; t++)
        xpl__tree_arrays_free(&arrays[t]);
    free(arrays);
    free(ts);
    xpl__catpool_free(&pool);
    free(names);
    free(base_score);
    return rc;
}
