/* Category names stored by the libraries themselves: LightGBM's
 * pandas_categorical line and XGBoost 3.1+'s category encodings. Both list,
 * per categorical feature, the category values in code order (pandas'
 * `cat.categories`), which is how the libraries recode a DataFrame at
 * predict time. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/shortest.h"
#include "data/category_names.h"
#include "models/category_import.h"
#include "models/model_internal.h"

/* A category value as text: strings as they are, integers in decimal,
 * reals as Python's repr writes them (shortest digits, "2.0" for 2). */
static int value_text(const json_t *v, char *buf, size_t cap,
                      const char **out)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        char s[XPL__SHORTEST_SIZE];
        xpl__shortest_format(s, json_real_value(v));
        snprintf(buf, cap, "%s%s", s, strpbrk(s, ".eni") ? "" : ".0");
    } else if (json_is_true(v) || json_is_false(v)) {
        snprintf(buf, cap, "%s", json_is_true(v) ? "True" : "False");
    } else {
        return -1;
    }
    *out = buf;
    return 0;
}

int xpl__categories_from_json_lists(xpl_model *m, const json_t *lists,
                                    const size_t *features, size_t n,
                                    const char *where)
{
    xpl__catnames **got = xpl__calloc_array(n ? n : 1, sizeof *got);
    if (!got)
        return xpl__enomem();
    int rc = XPL_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        const json_t *list = json_array_get(lists, i);
        size_t k = json_array_size(list);
        if (!json_is_array(list)) {
            rc = xpl__error(XPL_EFORMAT, "%s: entry %zu is not a list",
                            where, i);
            break;
        }
        if (k == 0)
            continue; /* a feature without categories keeps codes only */
        const char **names = xpl__malloc_array(k, sizeof *names);
        char *bufs = xpl__malloc_array(k, 48);
        if (!names || !bufs) {
            free(names);
            free(bufs);
            rc = xpl__enomem();
            break;
        }
        for (size_t c = 0; !rc && c < k; c++)
            if (value_text(json_array_get(list, c), bufs + 48 * c, 48,
                           &names[c]))
                rc = xpl__error(XPL_EFORMAT, "%s: entry %zu, category %zu: "
                                "expected a string or a number", where, i,
                                c);
        if (!rc) {
            char what[XPL_MAX_NAME_LENGTH + 64];
            snprintf(what, sizeof what, "%s: feature \"%s\"", where,
                     m->feature_names[features[i]]);
            rc = xpl__catnames_new(&got[i], names, k, what);
        }
        free(names);
        free(bufs);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rc && got[i]) {
            rc = xpl__model_adopt_catnames(m, features[i], got[i]);
            if (rc)
                xpl__catnames_free(got[i]);
        } else {
            xpl__catnames_free(got[i]);
        }
    }
    free(got);
    return rc;
}

/* One feature's entry of XGBoost's "enc": {"offsets": [...], "values":
 * [bytes]} for strings (name c is values[offsets[c] .. offsets[c+1])),
 * {"type": t, "values": [numbers]} for numbers, or empty lists. Returns a
 * new JSON list of the values (empty when none), or NULL if malformed. */
static json_t *xgboost_entry(const json_t *e)
{
    const json_t *off = json_object_get(e, "offsets");
    const json_t *val = json_object_get(e, "values");
    if (!json_is_array(val))
        return NULL;
    if (!json_is_array(off) || json_array_size(off) == 0) {
        if (json_is_array(off) && json_array_size(val) != 0)
            return NULL; /* string values without their offsets */
        return json_deep_copy(val);
    }
    size_t n = json_array_size(off) - 1, n_bytes = json_array_size(val);
    char *bytes = malloc(n_bytes + 1);
    json_t *list = json_array();
    if (!bytes || !list) {
        free(bytes);
        json_decref(list);
        return NULL;
    }
    int ok = 1;
    for (size_t i = 0; ok && i < n_bytes; i++) {
        const json_t *b = json_array_get(val, i);
        json_int_t v = json_integer_value(b);
        ok = json_is_integer(b) && v >= 0 && v <= 255;
        bytes[i] = (char)v;
    }
    for (size_t c = 0; ok && c < n; c++) {
        const json_t *a = json_array_get(off, c), *z = json_array_get(off,
                                                                      c + 1);
        json_int_t from = json_integer_value(a), to = json_integer_value(z);
        ok = json_is_integer(a) && json_is_integer(z) && from >= 0 &&
             from <= to && (size_t)to <= n_bytes;
        /* json_stringn refuses bytes that are not UTF-8 */
        json_t *s = ok ? json_stringn(bytes + from, (size_t)(to - from))
                       : NULL;
        ok = s && json_array_append_new(list, s) == 0;
    }
    free(bytes);
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

int xpl__categories_from_xgboost(xpl_model *m, const json_t *cats,
                                 const char *name)
{
    const json_t *enc = json_object_get(cats, "enc");
    /* models without categorical features write "enc": [] */
    if (!enc || (json_is_array(enc) && json_array_size(enc) == 0))
        return XPL_OK;
    char where[300];
    snprintf(where, sizeof where, "%s: XGBoost model: "
             "learner.gradient_booster.model.cats.enc", name);
    if (!json_is_array(enc) || json_array_size(enc) != m->n_features)
        return xpl__error(XPL_EFORMAT, "%s: expected one entry per feature "
                          "(%zu)", where, m->n_features);
    json_t *lists = json_array();
    size_t *idx = xpl__malloc_array(m->n_features, sizeof *idx);
    size_t n = 0;
    int rc = lists && idx ? XPL_OK : xpl__enomem();
    for (size_t j = 0; !rc && j < m->n_features; j++) {
        json_t *list = xgboost_entry(json_array_get(enc, j));
        if (!list) {
            rc = xpl__error(XPL_EFORMAT, "%s[%zu]: malformed category "
                            "encoding", where, j);
            break;
        }
        if (json_array_size(list) == 0) {
            json_decref(list);
            continue;
        }
        idx[n++] = j;
        if (json_array_append_new(lists, list))
            rc = xpl__enomem();
    }
    if (!rc)
        rc = xpl__categories_from_json_lists(m, lists, idx, n, where);
    free(idx);
    json_decref(lists);
    return rc;
}
