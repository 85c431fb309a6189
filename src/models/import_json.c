/* JSON models: xplain's own JSON format (specified in docs/model-format.md),
 * and recognition of JSON formats that are not supported yet. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/import_json_categories.h"
#include "models/json_util.h"
#include "models/linear.h"
#include "models/trees.h"
#include "models/model_file.h"
#include "models/model_internal.h"

#define FORMAT_NAME "xplain-model"
#define FORMAT_VERSION 1

/* xpl__model_add_property keeps at most 255 bytes of a value and would cut
 * a longer one anywhere, even inside a UTF-8 sequence; metadata is only
 * shown, so a long value is shortened here, on a character boundary and
 * with a visible ellipsis. */
#define MAX_PROPERTY_VALUE 255
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, 3 bytes */

/* The fields every model type shares, read before the type's own fields. */
struct common {
    const char *name;           /* file name for messages */
    xpl_link link;
    size_t n_features;
    const char **feature_names; /* borrowed from the JSON tree */
    json_t *metadata;           /* validated object, or NULL */
};

/* Build the model from the type's own keys. Messages start with c->name. */
typedef int (*type_reader)(xpl_model **out, json_t *root,
                           const struct common *c);

struct model_type {
    const char *type;        /* value of "type" */
    const char *const *keys; /* the type's own top-level keys, NULL-ended */
    type_reader read;
};

static const char *const common_keys[] = {
    "format", "format_version", "type", "link", "feature_names", "metadata",
    NULL
};

static const struct {
    const char *name;
    xpl_link link;
} link_names[] = {
    { "identity", XPL_LINK_IDENTITY },
    { "logit", XPL_LINK_LOGIT },
    { "softmax", XPL_LINK_SOFTMAX },
    { "log", XPL_LINK_LOG },
    { "softplus", XPL_LINK_SOFTPLUS },
    { "signed_square", XPL_LINK_SIGNED_SQUARE },
};

static int get_key(const struct common *c, json_t *obj, const char *key,
                   json_t **out)
{
    *out = json_object_get(obj, key);
    if (!*out)
        return xpl__error(XPL_EFORMAT, "%s: missing key \"%s\"", c->name, key);
    return XPL_OK;
}

/* ----------------------------------------------------------------- linear */

static const char *const linear_keys[] = { "intercept", "coef", NULL };

static int read_linear(xpl_model **out, json_t *root, const struct common *c)
{
    json_t *intercept = NULL, *coef = NULL;
    int rc = get_key(c, root, "intercept", &intercept);
    if (!rc)
        rc = get_key(c, root, "coef", &coef);
    if (rc)
        return rc;

    if (!json_is_array(intercept))
        return xpl__error(XPL_EFORMAT, "%s: intercept: expected an array of "
                          "numbers (one per output), found %s", c->name,
                          xpl__json_type_text(intercept));
    size_t n_outputs = json_array_size(intercept);
    if (n_outputs == 0)
        return xpl__error(XPL_EFORMAT, "%s: intercept: empty: a model needs "
                          "at least one output", c->name);
    if (n_outputs > XPL_MAX_OUTPUTS)
        return xpl__error(XPL_ELIMIT, "%s: intercept: %zu outputs: more than "
                          "the limit %zu", c->name, n_outputs,
                          XPL_MAX_OUTPUTS);
    if (c->link == XPL_LINK_SOFTMAX && n_outputs < 2)
        return xpl__error(XPL_EFORMAT, "%s: link: \"softmax\" needs at least "
                          "2 outputs, intercept has 1", c->name);
    if (!json_is_array(coef))
        return xpl__error(XPL_EFORMAT, "%s: coef: expected an array of %zu "
                          "rows (one per output), found %s", c->name,
                          n_outputs, xpl__json_type_text(coef));
    if (json_array_size(coef) != n_outputs)
        return xpl__error(XPL_EFORMAT, "%s: coef: expected %zu rows (one per "
                          "output, as in intercept), found %zu", c->name,
                          n_outputs, json_array_size(coef));

    /* Validate every row before allocating n_outputs * n_features values:
     * a small file must not be able to request a huge buffer. */
    char path[48];
    size_t nf = c->n_features;
    for (size_t k = 0; k < n_outputs; k++) {
        snprintf(path, sizeof path, "coef[%zu]", k);
        if ((rc = xpl__json_numbers(c->name, json_array_get(coef, k), path,
                                    nf, NULL)))
            return rc;
    }
    double *b = xpl__malloc_array(n_outputs, sizeof *b);
    double *w = xpl__malloc_array(n_outputs, nf * sizeof *w);
    if (!b || !w) {
        free(b);
        free(w);
        return xpl__enomem();
    }
    rc = xpl__json_numbers(c->name, intercept, "intercept", n_outputs, b);
    for (size_t k = 0; !rc && k < n_outputs; k++)
        rc = xpl__json_numbers(c->name, json_array_get(coef, k), "coef", nf,
                               w + k * nf);
    if (!rc) {
        rc = xpl__linear_model_new(out, nf, n_outputs, c->feature_names,
                                   c->link, b, w);
        if (rc)
            rc = xpl__error_in_file(rc, c->name);
    }
    free(b);
    free(w);
    return rc;
}

/* ---------------------------------------------------------- tree ensemble */

static const char *const tree_ensemble_keys[] = {
    "n_outputs", "aggregation", "base_score", "threshold_type", "comparison",
    "raw_is_probability", "trees", "categories", NULL
};

static const char *const tree_keys[] = {
    "output", "feature", "threshold", "left", "right", "default_left",
    "value", "cover", "left_categories", NULL
};

/* One of the strings in `choices` (NULL-ended); its index in *out. */
static int read_choice(const struct common *c, json_t *root, const char *key,
                       const char *const *choices, int *out)
{
    json_t *v;
    int rc = get_key(c, root, key, &v);
    if (rc)
        return rc;
    for (int i = 0; json_is_string(v) && choices[i]; i++)
        if (strcmp(json_string_value(v), choices[i]) == 0) {
            *out = i;
            return XPL_OK;
        }
    char list[128] = "";
    size_t len = 0;
    for (int i = 0; choices[i] && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"",
                                i ? " or " : "", choices[i]);
    return xpl__error(XPL_EFORMAT, "%s: %s: expected %s", c->name, key, list);
}

/* Where a tree's categorical splits go: the known categories of each
 * feature and the sets collected so far. */
struct cat_context {
    const size_t *n_known;
    xpl__catpool *pool;
};

static int read_tree(const struct common *c, json_t *tree, size_t t,
                     size_t n_outputs, const struct cat_context *cc,
                     xpl__tree_spec *ts, xpl__tree_arrays *a)
{
    char path[96];
    if (!json_is_object(tree))
        return xpl__error(XPL_EFORMAT, "%s: trees[%zu]: expected an object, "
                          "found %s", c->name, t, xpl__json_type_text(tree));
    const char *key;
    json_t *v;
    json_object_foreach(tree, key, v) {
        size_t i = 0;
        while (tree_keys[i] && strcmp(tree_keys[i], key) != 0)
            i++;
        if (!tree_keys[i])
            return xpl__error(XPL_EFORMAT, "%s: trees[%zu]: unknown key "
                              "\"%s\"", c->name, t, key);
    }
    json_t *output = json_object_get(tree, "output");
    if (json_is_string(output) && strcmp(json_string_value(output), "all") == 0)
        ts->output = XPL__ALL_OUTPUTS;
    else if (json_is_integer(output) && json_integer_value(output) >= 0 &&
             (size_t)json_integer_value(output) < n_outputs)
        ts->output = (uint32_t)json_integer_value(output);
    else
        return xpl__error(XPL_EFORMAT, "%s: trees[%zu].output: expected an "
                          "output index below %zu or \"all\"", c->name, t,
                          n_outputs);
    size_t n;
    snprintf(path, sizeof path, "trees[%zu].feature", t);
    int rc = xpl__json_array_len(c->name, json_object_get(tree, "feature"),
                                 path, &n);
    if (rc)
        return rc;
    if (n == 0)
        return xpl__error(XPL_EFORMAT, "%s: %s: a tree needs at least one "
                          "node", c->name, path);
    size_t n_vals = ts->output == XPL__ALL_OUTPUTS ? n_outputs : 1;
    a->feature = xpl__malloc_array(n, sizeof *a->feature);
    a->left = xpl__malloc_array(n, sizeof *a->left);
    a->right = xpl__malloc_array(n, sizeof *a->right);
    a->threshold = xpl__malloc_array(n, sizeof *a->threshold);
    a->cover = xpl__malloc_array(n, sizeof *a->cover);
    a->value = xpl__malloc_array(n, n_vals * sizeof *a->value);
    if (!a->feature || !a->left || !a->right || !a->threshold || !a->cover ||
        !a->value)
        return xpl__enomem();
    static const char *const int_keys[] = { "feature", "left", "right" };
    int64_t *ints[] = { a->feature, a->left, a->right };
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "trees[%zu].%s", t, int_keys[k]);
        json_t *arr = json_object_get(tree, int_keys[k]);
        if (!arr)
            return xpl__error(XPL_EFORMAT, "%s: %s: missing", c->name, path);
        if ((rc = xpl__json_ints(c->name, arr, path, n, ints[k])))
            return rc;
    }
    static const char *const num_keys[] = { "threshold", "cover" };
    double *nums[] = { a->threshold, a->cover };
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "trees[%zu].%s", t, num_keys[k]);
        json_t *arr = json_object_get(tree, num_keys[k]);
        if (!arr)
            return xpl__error(XPL_EFORMAT, "%s: %s: missing", c->name, path);
        if ((rc = xpl__json_numbers(c->name, arr, path, n, nums[k])))
            return rc;
    }
    json_t *values = json_object_get(tree, "value");
    snprintf(path, sizeof path, "trees[%zu].value", t);
    if (!values)
        return xpl__error(XPL_EFORMAT, "%s: %s: missing", c->name, path);
    if (n_vals == 1) {
        if ((rc = xpl__json_numbers(c->name, values, path, n, a->value)))
            return rc;
    } else {
        size_t rows;
        if ((rc = xpl__json_array_len(c->name, values, path, &rows)))
            return rc;
        if (rows != n)
            return xpl__error(XPL_EFORMAT, "%s: %s: expected %zu rows (one "
                              "per node), found %zu", c->name, path, n, rows);
        for (size_t i = 0; i < n; i++) {
            snprintf(path, sizeof path, "trees[%zu].value[%zu]", t, i);
            if ((rc = xpl__json_numbers(c->name, json_array_get(values, i),
                                        path, n_vals, a->value + i * n_vals)))
                return rc;
        }
    }
    json_t *dl = json_object_get(tree, "default_left");
    if (dl) {
        snprintf(path, sizeof path, "trees[%zu].default_left", t);
        int64_t *tmp = xpl__malloc_array(n, sizeof *tmp);
        a->default_left = malloc(n);
        if (!tmp || !a->default_left) {
            free(tmp);
            return xpl__enomem();
        }
        rc = xpl__json_ints(c->name, dl, path, n, tmp);
        for (size_t i = 0; !rc && i < n; i++) {
            if (tmp[i] != 0 && tmp[i] != 1)
                rc = xpl__error(XPL_EFORMAT, "%s: %s[%zu]: expected 0 or 1",
                                c->name, path, i);
            a->default_left[i] = (unsigned char)tmp[i];
        }
        free(tmp);
        if (rc)
            return rc;
    }
    json_t *left_cats = json_object_get(tree, "left_categories");
    if (left_cats) {
        if (!(a->split_kind = calloc(n, 1)))
            return xpl__enomem();
        if ((rc = xpl__json_tree_categories(c->name, left_cats, t,
                                            cc->n_known, c->n_features, a, n,
                                            cc->pool)))
            return rc;
    }
    *ts = (xpl__tree_spec){ n, ts->output, a->feature, a->threshold, a->left,
                            a->right, a->default_left, a->value, a->cover,
                            a->split_kind };
    return XPL_OK;
}

static int read_tree_ensemble(xpl_model **out, json_t *root,
                              const struct common *c)
{
    static const char *const aggregations[] = { "sum", "mean", NULL };
    static const char *const threshold_types[] = { "float64", "float32",
                                                   NULL };
    static const char *const comparisons[] = { "<", "<=", NULL };
    xpl__ensemble_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.n_features = c->n_features;
    spec.feature_names = c->feature_names;
    spec.link = c->link;

    json_t *n_outputs, *base, *trees, *raw_prob;
    int rc = get_key(c, root, "n_outputs", &n_outputs);
    if (rc)
        return rc;
    if (!json_is_integer(n_outputs) || json_integer_value(n_outputs) < 1)
        return xpl__error(XPL_EFORMAT, "%s: n_outputs: expected an integer "
                          "from 1 to %zu", c->name, XPL_MAX_OUTPUTS);
    if ((uint64_t)json_integer_value(n_outputs) > XPL_MAX_OUTPUTS)
        return xpl__error(XPL_ELIMIT, "%s: n_outputs: %lld outputs: more "
                          "than the limit %zu", c->name,
                          (long long)json_integer_value(n_outputs),
                          XPL_MAX_OUTPUTS);
    spec.n_outputs = (size_t)json_integer_value(n_outputs);
    if ((rc = read_choice(c, root, "aggregation", aggregations,
                          &spec.aggregation)) ||
        (rc = read_choice(c, root, "threshold_type", threshold_types,
                          &spec.float32_inputs)) ||
        (rc = read_choice(c, root, "comparison", comparisons,
                          &spec.compare_le)) ||
        (rc = get_key(c, root, "base_score", &base)) ||
        (rc = get_key(c, root, "trees", &trees)))
        return rc;
    raw_prob = json_object_get(root, "raw_is_probability");
    if (raw_prob && !json_is_boolean(raw_prob))
        return xpl__error(XPL_EFORMAT, "%s: raw_is_probability: expected "
                          "true or false", c->name);
    spec.raw_is_probability = json_is_true(raw_prob);
    double *base_score = xpl__malloc_array(spec.n_outputs, sizeof(double));
    if (!base_score)
        return xpl__enomem();
    if ((rc = xpl__json_numbers(c->name, base, "base_score", spec.n_outputs,
                                base_score))) {
        free(base_score);
        return rc;
    }
    spec.base_score = base_score;
    size_t n_trees;
    if ((rc = xpl__json_array_len(c->name, trees, "trees", &n_trees))) {
        free(base_score);
        return rc;
    }
    json_t *cats = json_object_get(root, "categories");
    xpl__catpool pool;
    memset(&pool, 0, sizeof pool);
    size_t *n_known = xpl__calloc_array(c->n_features, sizeof *n_known);
    xpl__tree_spec *ts = xpl__calloc_array(n_trees, sizeof *ts);
    xpl__tree_arrays *arrays = xpl__calloc_array(n_trees, sizeof *arrays);
    if (!ts || !arrays || !n_known)
        rc = xpl__enomem();
    if (!rc)
        rc = xpl__json_known_categories(
            c->name, cats, (const char *const *)c->feature_names,
            c->n_features, n_known);
    struct cat_context cc = { n_known, &pool };
    for (size_t t = 0; !rc && t < n_trees; t++)
        rc = read_tree(c, json_array_get(trees, t), t, spec.n_outputs, &cc,
                       &ts[t], &arrays[t]);
    if (!rc) {
        spec.n_trees = n_trees;
        spec.trees = ts;
        spec.cats = xpl__catpool_table(&pool);
        rc = xpl__trees_model_new(out, &spec, c->name);
    }
    if (!rc && (rc = xpl__json_attach_categories(*out, c->name, cats))) {
        xpl_model_free(*out);
        *out = NULL;
    }
    for (size_t t = 0; arrays && t < n_trees; t++)
        xpl__tree_arrays_free(&arrays[t]);
    xpl__catpool_free(&pool);
    free(n_known);
    free(arrays);
    free(ts);
    free(base_score);
    return rc;
}

/* One entry per supported "type": a new model family slots in here. */
static const struct model_type model_types[] = {
    { "linear", linear_keys, read_linear },
    { "tree_ensemble", tree_ensemble_keys, read_tree_ensemble },
};

#define N_MODEL_TYPES (sizeof model_types / sizeof model_types[0])

/* ------------------------------------------------------------ top level */

static int key_allowed(const char *key, const struct model_type *t)
{
    for (size_t i = 0; common_keys[i]; i++)
        if (strcmp(key, common_keys[i]) == 0)
            return 1;
    for (size_t i = 0; t->keys[i]; i++)
        if (strcmp(key, t->keys[i]) == 0)
            return 1;
    return 0;
}

static int unknown_key(const struct common *c, const char *key,
                       const struct model_type *t)
{
    char allowed[512] = "";
    size_t len = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *const *keys = pass == 0 ? common_keys : t->keys;
        for (size_t i = 0; keys[i] && len < sizeof allowed; i++)
            len += (size_t)snprintf(allowed + len, sizeof allowed - len,
                                    "%s%s", len ? ", " : "", keys[i]);
    }
    return xpl__error(XPL_EFORMAT, "%s: unknown key \"%s\" (a %s model has: "
                      "%s)", c->name, key, t->type, allowed);
}

static int read_header(const struct common *c, json_t *root)
{
    json_t *format = json_object_get(root, "format");
    if (format && !(json_is_string(format) &&
                    strcmp(json_string_value(format), FORMAT_NAME) == 0))
        return xpl__error(XPL_EFORMAT, "%s: format: expected \"%s\", found "
                          "%s%s%s", c->name, FORMAT_NAME,
                          json_is_string(format) ? "\"" : "",
                          json_is_string(format) ? json_string_value(format)
                                                 : xpl__json_type_text(format),
                          json_is_string(format) ? "\"" : "");
    json_t *version = json_object_get(root, "format_version");
    if (version) {
        if (!json_is_integer(version))
            return xpl__error(XPL_EFORMAT, "%s: format_version: expected an "
                              "integer, found %s", c->name,
                              json_is_real(version) ? "a fraction"
                                                    : xpl__json_type_text(version));
        json_int_t v = json_integer_value(version);
        if (v > FORMAT_VERSION)
            return xpl__error(XPL_EVERSION, "%s: format_version %lld is "
                              "newer than this library (it reads version "
                              "%d)", c->name, (long long)v, FORMAT_VERSION);
        if (v < 1)
            return xpl__error(XPL_EFORMAT, "%s: format_version %lld: "
                              "versions start at 1", c->name, (long long)v);
    }
    return XPL_OK;
}

static int read_type(const struct common *c, json_t *root,
                     const struct model_type **out)
{
    json_t *type;
    int rc = get_key(c, root, "type", &type);
    if (rc)
        return rc;
    if (!json_is_string(type))
        return xpl__error(XPL_EFORMAT, "%s: type: expected a string, found "
                          "%s", c->name, xpl__json_type_text(type));
    const char *s = json_string_value(type);
    for (size_t i = 0; i < N_MODEL_TYPES; i++)
        if (strcmp(s, model_types[i].type) == 0) {
            *out = &model_types[i];
            return XPL_OK;
        }
    char supported[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < N_MODEL_TYPES && len < sizeof supported; i++)
        len += (size_t)snprintf(supported + len, sizeof supported - len,
                                "%s%s", i ? ", " : "", model_types[i].type);
    return xpl__error(XPL_EUNSUPPORTED, "%s: type: \"%s\" models are not "
                      "supported (supported: %s)", c->name, s, supported);
}

static int read_link(struct common *c, json_t *root)
{
    json_t *link;
    int rc = get_key(c, root, "link", &link);
    if (rc)
        return rc;
    if (!json_is_string(link))
        return xpl__error(XPL_EFORMAT, "%s: link: expected a string, found "
                          "%s", c->name, xpl__json_type_text(link));
    const char *s = json_string_value(link);
    for (size_t i = 0; i < sizeof link_names / sizeof link_names[0]; i++)
        if (strcmp(s, link_names[i].name) == 0) {
            c->link = link_names[i].link;
            return XPL_OK;
        }
    return xpl__error(XPL_EFORMAT, "%s: link: unknown link \"%s\" (expected "
                      "identity, logit, softmax or log)", c->name, s);
}

static int read_feature_names(struct common *c, json_t *root)
{
    json_t *names;
    int rc = get_key(c, root, "feature_names", &names);
    if (rc)
        return rc;
    if (!json_is_array(names))
        return xpl__error(XPL_EFORMAT, "%s: feature_names: expected an array "
                          "of strings, found %s", c->name, xpl__json_type_text(names));
    size_t n = json_array_size(names);
    if (n == 0)
        return xpl__error(XPL_EFORMAT, "%s: feature_names: empty: a model "
                          "needs at least one feature", c->name);
    if (n > XPL_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "%s: feature_names: %zu features: more "
                          "than the limit %zu", c->name, n, XPL_MAX_FEATURES);
    for (size_t j = 0; j < n; j++) {
        json_t *s = json_array_get(names, j);
        if (!json_is_string(s))
            return xpl__error(XPL_EFORMAT, "%s: feature_names[%zu]: expected "
                              "a string, found %s", c->name, j, xpl__json_type_text(s));
        if (json_string_length(s) == 0)
            return xpl__error(XPL_EFORMAT, "%s: feature_names[%zu]: empty "
                              "name", c->name, j);
        if (json_string_length(s) > XPL_MAX_NAME_LENGTH)
            return xpl__error(XPL_ELIMIT, "%s: feature_names[%zu]: name "
                              "longer than %zu bytes", c->name, j,
                              XPL_MAX_NAME_LENGTH);
    }
    c->feature_names = xpl__malloc_array(n, sizeof *c->feature_names);
    if (!c->feature_names)
        return xpl__enomem();
    for (size_t j = 0; j < n; j++)
        c->feature_names[j] = json_string_value(json_array_get(names, j));
    c->n_features = n;
    return XPL_OK;
}

static int read_metadata(struct common *c, json_t *root)
{
    json_t *meta = json_object_get(root, "metadata");
    if (!meta)
        return XPL_OK;
    if (!json_is_object(meta))
        return xpl__error(XPL_EFORMAT, "%s: metadata: expected an object of "
                          "strings, found %s", c->name, xpl__json_type_text(meta));
    const char *key;
    json_t *value;
    json_object_foreach(meta, key, value) {
        if (!json_is_string(value))
            return xpl__error(XPL_EFORMAT, "%s: metadata.%s: expected a "
                              "string, found %s", c->name, key,
                              xpl__json_type_text(value));
    }
    c->metadata = meta;
    return XPL_OK;
}

static int add_metadata(xpl_model *m, const struct common *c)
{
    if (!c->metadata)
        return XPL_OK;
    const char *key;
    json_t *value;
    json_object_foreach(c->metadata, key, value) {
        size_t len = strlen(key);
        char *full = malloc(sizeof "metadata." + len);
        if (!full)
            return xpl__enomem();
        memcpy(full, "metadata.", sizeof "metadata." - 1);
        memcpy(full + sizeof "metadata." - 1, key, len + 1);
        const char *s = json_string_value(value);
        size_t n = json_string_length(value);
        int rc;
        if (n <= MAX_PROPERTY_VALUE) {
            rc = xpl__model_add_property(m, full, "%s", s);
        } else {
            size_t cut = MAX_PROPERTY_VALUE - (sizeof ELLIPSIS - 1);
            while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
                cut--;
            rc = xpl__model_add_property(m, full, "%.*s" ELLIPSIS, (int)cut,
                                         s);
        }
        free(full);
        if (rc)
            return rc;
    }
    return XPL_OK;
}

static int read_root(xpl_model **out, json_t *root, struct common *c)
{
    if (!json_is_object(root))
        return xpl__error(XPL_EFORMAT, "%s: expected a JSON object, found %s",
                          c->name, xpl__json_type_text(root));
    /* XGBoost's save_model JSON has "learner" at the top; xplain JSON never
     * does, and an explicit "format" says the file is ours. */
    if (!json_object_get(root, "format") && json_object_get(root, "learner"))
        return xpl__model_read_xgboost(out, root, c->name);

    /* The version is checked first: a newer file may use keys and types
     * that this version would misreport as errors. */
    int rc = read_header(c, root);
    if (rc)
        return rc;
    const struct model_type *type = NULL;
    if ((rc = read_type(c, root, &type)))
        return rc;
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        if (!key_allowed(key, type))
            return unknown_key(c, key, type);
    }
    if ((rc = read_link(c, root)) || (rc = read_feature_names(c, root)) ||
        (rc = read_metadata(c, root)))
        return rc;

    xpl_model *m;
    if ((rc = type->read(&m, root, c)))
        return rc;
    if ((rc = add_metadata(m, c))) {
        xpl_model_free(m);
        return rc;
    }
    *out = m;
    return XPL_OK;
}

int xpl__model_read_json(xpl_model **out, const char *text, size_t size,
                         const char *name)
{
    *out = NULL;
    struct common c;
    memset(&c, 0, sizeof c);
    c.name = name ? name : "<buffer>";

    /* Jansson limits nesting (JSON_PARSER_MAX_DEPTH, 2048 in Debian's
     * build), so a deeply nested file fails to parse instead of
     * exhausting the stack; the tests check this. */
    json_error_t err;
    json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &err);
    char *marked = NULL;
    if (!root && json_error_code(&err) != json_error_out_of_memory &&
        xpl__json_mark_nonfinite(text, size, &marked) != 0) {
        /* XGBoost writes NaN (categorical splits of 1.6-2.x): read its
         * files with the tokens marked; any other JSON keeps the error. */
        if (!marked)
            return xpl__enomem();
        json_error_t err2;
        root = json_loadb(marked, size, JSON_REJECT_DUPLICATES, &err2);
        free(marked);
        if (root && (json_object_get(root, "format") ||
                     !json_object_get(root, "learner"))) {
            json_decref(root);
            root = NULL;
        }
    }
    if (!root) {
        if (json_error_code(&err) == json_error_out_of_memory)
            return xpl__enomem();
        if (err.line < 1)
            return xpl__error(XPL_EFORMAT, "%s: invalid JSON: %s", c.name,
                              err.text);
        return xpl__error(XPL_EFORMAT, "%s:%d:%d: invalid JSON: %s", c.name,
                          err.line, err.column, err.text);
    }
    int rc = read_root(out, root, &c);
    free(c.feature_names);
    json_decref(root);
    return rc;
}
