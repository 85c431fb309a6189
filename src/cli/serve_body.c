/* Request bodies of explain serve: CSV with a header, or JSON
 * {"rows": [{"feature": value, ...}, ...]}, into rows of the model's
 * features and the identifier columns' texts. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve.h"

void serve_rows_free(struct serve_rows *r)
{
    if (r->ids)
        for (size_t i = 0; i < r->n * r->n_ids; i++)
            free(r->ids[i]);
    free(r->ids);
    free(r->x);
    memset(r, 0, sizeof *r);
}

/* Room for one more row; -1 when out of memory. */
static int grow(struct serve_rows *r, size_t *cap)
{
    if (r->n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 16;
    double *x = realloc(r->x, c * r->P * sizeof *x);
    if (!x)
        return -1;
    r->x = x;
    if (r->n_ids) {
        char **ids = realloc(r->ids, c * r->n_ids * sizeof *ids);
        if (!ids)
            return -1;
        r->ids = ids;
    }
    *cap = c;
    return 0;
}

static unsigned long long leading_number(const char **s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(*s, &end, 10);
    if (end == *s || errno)
        return 0;
    *s = end;
    return v;
}

/* The library's "body:LINE: field N: what" (or "body:LINE: what") as the
 * error's fields: the line, and the field as the column. */
static void csv_error(struct serve_error *e, int rc)
{
    const char *m = xpl_last_error();
    unsigned long long line = 0, col = 0;
    static const char prefix[] = "body:", field[] = " field ";
    if (strncmp(m, prefix, sizeof prefix - 1) == 0) {
        const char *p = m + sizeof prefix - 1;
        if ((line = leading_number(&p)) && *p == ':') {
            p++;
            const char *q = p;
            if (strncmp(q, field, sizeof field - 1) == 0) {
                q += sizeof field - 1;
                if ((col = leading_number(&q)) && *q == ':')
                    p = q + 1;
                else
                    col = 0;
            }
            m = p + (*p == ' ');
        } else {
            line = 0;
        }
    }
    serve_fail(e, rc == XPL_ENOMEM ? 500 : 400, "%s", m);
    e->line = line;
    e->column = col;
}

int serve_read_csv_with(struct serve_rows *out, const char *body, size_t len,
                        const struct serve_schema *s, struct serve_error *e,
                        xpl_csv_reader **reader)
{
    memset(out, 0, sizeof *out);
    out->P = s->P;
    out->n_ids = s->n_ids;
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = s->features;
    o.n_columns = s->P;
    if (s->n_ids) {
        o.text_columns = s->id_columns;
        o.n_text_columns = s->n_ids;
    }
    xpl_csv_reader *r = reader ? *reader : NULL;
    int rc;
    if (r) {
        rc = xpl_csv_reader_reset_memory(r, body, len);
    } else {
        cli_categories cats = { NULL, NULL };
        if (s->model &&
            cli_csv_categories(&o, s->model, s->unknown_category, &cats)) {
            serve_fail(e, 500, "out of memory");
            return -1;
        }
        rc = xpl_csv_reader_open_memory(&r, body, len, "body", &o);
        cli_csv_categories_free(&cats);
        if (reader)
            *reader = r;
    }
    if (rc) {
        csv_error(e, rc);
        return -1;
    }
    size_t cap = 0, got;
    for (;;) {
        if (grow(out, &cap)) {
            serve_fail(e, 500, "out of memory");
            goto fail;
        }
        if ((rc = xpl_csv_reader_read(r, out->x + out->n * s->P, 1, &got))) {
            csv_error(e, rc);
            goto fail;
        }
        if (!got)
            break;
        if (out->n == s->max_rows) {
            serve_fail(e, 413, "more than %zu rows (--max-rows)", s->max_rows);
            e->line = xpl_csv_reader_line(r);
            goto fail;
        }
        for (size_t k = 0; k < s->n_ids; k++) {
            char *t = strdup(xpl_csv_reader_text(r, k));
            if (!t) {
                for (size_t j = 0; j < k; j++)
                    free(out->ids[out->n * s->n_ids + j]);
                serve_fail(e, 500, "out of memory");
                goto fail;
            }
            out->ids[out->n * s->n_ids + k] = t;
        }
        out->n++;
    }
    if (!reader)
        xpl_csv_reader_free(r);
    return 0;
fail:
    if (!reader)
        xpl_csv_reader_free(r);
    serve_rows_free(out);
    return -1;
}

int serve_read_csv(struct serve_rows *out, const char *body, size_t len,
                   const struct serve_schema *s, struct serve_error *e)
{
    return serve_read_csv_with(out, body, len, s, e, NULL);
}

/* ----------------------------------------------------------------- JSON */

/* Index of feature `name`, or (size_t)-1: binary search over the sorted
 * indices. */
static size_t find_feature(const struct serve_schema *s, const char *name)
{
    size_t lo = 0, hi = s->P;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->features[s->sorted[mid]], name);
        if (c == 0)
            return s->sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

static size_t find_id(const struct serve_schema *s, const char *name)
{
    for (size_t k = 0; k < s->n_ids; k++)
        if (strcmp(s->id_columns[k], name) == 0)
            return k;
    return (size_t)-1;
}

/* An identifier's text: a string as it is, a number as the shortest text
 * that reads back to it (integers without a decimal point). */
static char *id_text(const json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    char buf[64];
    double d = json_number_value(v);
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return strdup(buf);
}

/* Row i of the JSON body into out (row out->n). */
static int json_row(struct serve_rows *out, const json_t *row, size_t i,
                    const struct serve_schema *s, unsigned char *seen,
                    struct serve_error *e)
{
    if (!json_is_object(row)) {
        serve_fail(e, 400, "rows[%zu]: expected an object of feature values",
                   i);
        return -1;
    }
    double *x = out->x + out->n * s->P;
    char **ids = out->ids ? out->ids + out->n * s->n_ids : NULL;
    for (size_t k = 0; k < s->n_ids; k++)
        ids[k] = NULL;
    memset(seen, 0, s->P);
    const char *key;
    const json_t *v;
    size_t given = 0;
    json_object_foreach((json_t *)row, key, v) {
        size_t j = find_feature(s, key);
        if (j != (size_t)-1) {
            if (json_is_null(v))
                x[j] = NAN;
            else if (json_is_number(v))
                x[j] = json_number_value(v);
            else if (json_is_string(v) && s->model &&
                     xpl_model_n_categories(s->model, j)) {
                size_t code;
                if (xpl_model_category_code(&code, s->model, j,
                                            json_string_value(v)) == XPL_OK)
                    x[j] = (double)code;
                else if (s->unknown_category == XPL_UNKNOWN_CATEGORY_MISSING)
                    x[j] = NAN;
                else {
                    serve_fail(e, 400, "rows[%zu].%s: %s", i, key,
                               xpl_last_error());
                    goto fail;
                }
            } else {
                serve_fail(e, 400, "rows[%zu].%s: expected a number%s or "
                           "null", i, key, s->model &&
                           xpl_model_n_categories(s->model, j)
                               ? ", a category name" : "");
                goto fail;
            }
            seen[j] = 1;
            given++;
            continue;
        }
        size_t k = find_id(s, key);
        if (k == (size_t)-1) {
            serve_fail(e, 400, "rows[%zu]: unknown feature \"%.200s\"", i,
                       key);
            goto fail;
        }
        if (!json_is_string(v) && !json_is_number(v)) {
            serve_fail(e, 400, "rows[%zu].%s: expected a string or a number",
                       i, key);
            goto fail;
        }
        if (!(ids[k] = id_text(v))) {
            serve_fail(e, 500, "out of memory");
            goto fail;
        }
    }
    if (given < s->P) {
        for (size_t j = 0; j < s->P; j++)
            if (!seen[j]) {
                serve_fail(e, 400, "rows[%zu]: missing feature \"%.200s\" "
                           "(null for a missing value)", i, s->features[j]);
                goto fail;
            }
    }
    for (size_t k = 0; k < s->n_ids; k++)
        if (!ids[k]) {
            serve_fail(e, 400, "rows[%zu]: missing identifier \"%.200s\"", i,
                       s->id_columns[k]);
            goto fail;
        }
    out->n++;
    return 0;
fail:
    for (size_t k = 0; k < s->n_ids; k++)
        free(ids[k]);
    return -1;
}

int serve_read_json(struct serve_rows *out, const char *body, size_t len,
                    const struct serve_schema *s, struct serve_error *e)
{
    memset(out, 0, sizeof *out);
    out->P = s->P;
    out->n_ids = s->n_ids;
    json_error_t jerr;
    json_t *root = json_loadb(body, len,
                              JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL,
                              &jerr);
    if (!root) {
        serve_fail(e, 400, "%s", jerr.text);
        e->line = jerr.line > 0 ? (unsigned long long)jerr.line : 0;
        e->column = jerr.column > 0 ? (unsigned long long)jerr.column : 0;
        return -1;
    }
    unsigned char *seen = NULL;
    const json_t *rows = json_object_get(root, "rows");
    if (!json_is_object(root) || !json_is_array(rows)) {
        serve_fail(e, 400, "expected {\"rows\": [{\"feature\": value, ...}, "
                   "...]}");
        goto fail;
    }
    if (json_object_size(root) != 1) {
        serve_fail(e, 400, "unexpected key beside \"rows\"");
        goto fail;
    }
    size_t n = json_array_size(rows);
    if (n > s->max_rows) {
        serve_fail(e, 413, "%zu rows, more than %zu (--max-rows)", n,
                   s->max_rows);
        goto fail;
    }
    size_t cap = 0;
    seen = malloc(s->P);
    if (!seen) {
        serve_fail(e, 500, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        if (grow(out, &cap)) {
            serve_fail(e, 500, "out of memory");
            goto fail;
        }
        if (json_row(out, json_array_get(rows, i), i, s, seen, e))
            goto fail;
    }
    free(seen);
    json_decref(root);
    return 0;
fail:
    free(seen);
    json_decref(root);
    serve_rows_free(out);
    return -1;
}
