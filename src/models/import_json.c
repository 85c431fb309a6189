/* JSON models: xplain's own JSON format (specified in docs/model-format.md),
 * and recognition of JSON formats that are not supported yet. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/linear.h"
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

static const char *type_text(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "an unknown value";
}

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
};

static int get_key(const struct common *c, json_t *obj, const char *key,
                   json_t **out)
{
    *out = json_object_get(obj, key);
    if (!*out)
        return xpl__error(XPL_EFORMAT, "%s: missing key \"%s\"", c->name, key);
    return XPL_OK;
}

/* The constructors report problems without a file name; add it, and report
 * bad contents as a format error rather than a bad argument. */
static int rewrap(const char *name, int rc)
{
    if (rc == XPL_ENOMEM)
        return rc;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", xpl_last_error());
    return xpl__error(rc == XPL_EINVAL ? XPL_EFORMAT : rc, "%s: %s", name,
                      msg);
}

/* Check that `arr` (at `path`) is an array of exactly n numbers, and copy
 * them to v if v is not NULL. Integers count as numbers. */
static int read_numbers(const struct common *c, json_t *arr, const char *path,
                        size_t n, double *v)
{
    if (!json_is_array(arr))
        return xpl__error(XPL_EFORMAT, "%s: %s: expected an array of %zu "
                          "numbers, found %s", c->name, path, n,
                          type_text(arr));
    if (json_array_size(arr) != n)
        return xpl__error(XPL_EFORMAT, "%s: %s: expected %zu numbers, found "
                          "%zu", c->name, path, n, json_array_size(arr));
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(arr, i);
        if (!json_is_number(x))
            return xpl__error(XPL_EFORMAT, "%s: %s[%zu]: expected a number, "
                              "found %s", c->name, path, i, type_text(x));
        if (v)
            v[i] = json_number_value(x);
    }
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
                          type_text(intercept));
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
                          n_outputs, type_text(coef));
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
        if ((rc = read_numbers(c, json_array_get(coef, k), path, nf, NULL)))
            return rc;
    }
    double *b = xpl__malloc_array(n_outputs, sizeof *b);
    double *w = xpl__malloc_array(n_outputs, nf * sizeof *w);
    if (!b || !w) {
        free(b);
        free(w);
        return xpl__enomem();
    }
    rc = read_numbers(c, intercept, "intercept", n_outputs, b);
    for (size_t k = 0; !rc && k < n_outputs; k++)
        rc = read_numbers(c, json_array_get(coef, k), "coef", nf, w + k * nf);
    if (!rc) {
        rc = xpl__linear_model_new(out, nf, n_outputs, c->feature_names,
                                   c->link, b, w);
        if (rc)
            rc = rewrap(c->name, rc);
    }
    free(b);
    free(w);
    return rc;
}

/* One entry per supported "type": a new model family slots in here. */
static const struct model_type model_types[] = {
    { "linear", linear_keys, read_linear },
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
                                                 : type_text(format),
                          json_is_string(format) ? "\"" : "");
    json_t *version = json_object_get(root, "format_version");
    if (version) {
        if (!json_is_integer(version))
            return xpl__error(XPL_EFORMAT, "%s: format_version: expected an "
                              "integer, found %s", c->name,
                              json_is_real(version) ? "a fraction"
                                                    : type_text(version));
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
                          "%s", c->name, type_text(type));
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
                          "%s", c->name, type_text(link));
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
                          "of strings, found %s", c->name, type_text(names));
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
                              "a string, found %s", c->name, j, type_text(s));
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
                          "strings, found %s", c->name, type_text(meta));
    const char *key;
    json_t *value;
    json_object_foreach(meta, key, value) {
        if (!json_is_string(value))
            return xpl__error(XPL_EFORMAT, "%s: metadata.%s: expected a "
                              "string, found %s", c->name, key,
                              type_text(value));
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
                          c->name, type_text(root));
    /* XGBoost's save_model JSON has "learner" at the top; xplain JSON never
     * does, and an explicit "format" says the file is ours. */
    if (!json_object_get(root, "format") && json_object_get(root, "learner"))
        return xpl__error(XPL_EUNSUPPORTED, "%s: XGBoost JSON models are not "
                          "supported yet", c->name);

    /* The version is checked first: a newer file may use keys and types
     * that this version would misreport as errors. */
    int rc = read_header(c, root);
    if (rc)
        return rc;
    const struct model_type *type;
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
