/* explain importance MODEL --explanations A.jsonl B.jsonl ...: the global
 * importance of explanations that shards wrote as JSON Lines, equal to
 * what `explain importance MODEL DATA.csv` computes from the rows (the
 * contributions and values are printed round-trip exact). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "explain_args.h"
#include "explain_sink.h"
#include "importance_explanations.h"

/* What one file is read with. */
struct reading {
    const char *path;
    unsigned long long line;
    const xpl_model *model;
    size_t P;
    double *values, *contrib; /* P each */
    char method[64];
};

static int bad(const struct reading *r, const char *what)
{
    cli_error("%s:%llu: %s", r->path, r->line, what);
    return EXIT_INPUT;
}

/* A number, null (NaN) or "inf" / "-inf" (infinities: JSON has none, see
 * docs/output.md) member of a feature object. */
static int number_of(const json_t *f, const char *key, double *out)
{
    const json_t *v = json_object_get(f, key);
    if (json_is_null(v)) {
        *out = NAN;
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcmp(s, "inf") && strcmp(s, "-inf"))
            return -1;
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* One JSON line into e (which points into r's buffers). */
static int parse_line(struct reading *r, const char *text, size_t len,
                      xpl_explanation *e)
{
    json_error_t err;
    json_t *o = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &err);
    if (!o) {
        char msg[256];
        snprintf(msg, sizeof msg, "%d: %s", err.column, err.text);
        return bad(r, msg);
    }
    int st = EXIT_INPUT;
    const json_t *out = json_object_get(o, "output");
    const json_t *method = json_object_get(o, "method");
    const json_t *features = json_object_get(o, "features");
    if (!json_is_object(o) || !json_is_number(out) ||
        !json_is_string(method) || !json_is_array(features)) {
        st = bad(r, "expected an explanation: {\"output\", \"method\", "
                 "\"features\": [...]} as 'explain' writes them");
        goto done;
    }
    double k = json_number_value(out);
    if (!(k >= 0 && k < 65536 && k == floor(k))) {
        st = bad(r, "\"output\" is not an output index");
        goto done;
    }
    if (json_array_size(features) != r->P) {
        char msg[256];
        snprintf(msg, sizeof msg, "%zu features, the model has %zu",
                 json_array_size(features), r->P);
        st = bad(r, msg);
        goto done;
    }
    const char *m = json_string_value(method);
    if (!r->method[0])
        snprintf(r->method, sizeof r->method, "%s", m);
    else if (strcmp(r->method, m) != 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "method \"%.60s\", the first explanation's "
                 "was \"%s\": one importance is over one method", m,
                 r->method);
        st = bad(r, msg);
        goto done;
    }
    for (size_t j = 0; j < r->P; j++) {
        const json_t *f = json_array_get(features, j);
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name || strcmp(name, xpl_model_feature_name(r->model, j)) != 0) {
            char msg[512];
            snprintf(msg, sizeof msg, "feature %zu is \"%.200s\", the model's "
                     "is \"%.200s\"", j + 1, name ? name : "?",
                     xpl_model_feature_name(r->model, j));
            st = bad(r, msg);
            goto done;
        }
        /* a categorical value is written as its category's name */
        const char *cat = json_string_value(json_object_get(f, "value"));
        size_t code;
        int named = cat && xpl_model_n_categories(r->model, j) &&
                    xpl_model_category_code(&code, r->model, j, cat) == XPL_OK;
        if (named)
            r->values[j] = (double)code;
        if ((!named && number_of(f, "value", &r->values[j])) ||
            number_of(f, "contribution", &r->contrib[j])) {
            char msg[512];
            snprintf(msg, sizeof msg, "feature \"%.200s\": value and "
                     "contribution must be numbers or null", name);
            st = bad(r, msg);
            goto done;
        }
    }
    *e = (xpl_explanation){
        .output = (size_t)k,
        .method = r->method,
        .n_features = r->P,
        .names = xpl_model_feature_names(r->model),
        .values = r->values,
        .contributions = r->contrib,
        .intercept = NAN,
        .score = NAN,
        .local_prediction = NAN,
    };
    st = EXIT_OK;
done:
    json_decref(o);
    return st;
}

/* The method of the first explanation in the files, to size the
 * accumulator: LIME names two outputs of a one-output classifier. */
static int first_method(struct reading *r, char **paths, size_t n)
{
    char *line = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < n && !r->method[0]; i++) {
        FILE *fp = fopen(paths[i], "r");
        if (!fp)
            continue; /* the real pass says why */
        ssize_t len = getline(&line, &cap, fp);
        if (len > 0) {
            json_t *o = json_loadb(line, (size_t)len, 0, NULL);
            const char *m = json_string_value(json_object_get(o, "method"));
            if (m)
                snprintf(r->method, sizeof r->method, "%s", m);
            json_decref(o);
        }
        fclose(fp);
    }
    free(line);
    return EXIT_OK;
}

int importance_from_explanations(const struct explain_args *a)
{
    xpl_model *model = NULL;
    int rc = xpl_model_load(&model, a->model_path);
    if (rc)
        return cli_library_error(rc);
    struct reading r = { .model = model, .P = xpl_model_n_features(model) };
    struct explain_args args = *a; /* with the unit and output names */
    struct sink s = { .a = &args };
    int status = EXIT_OK;
    char *line = NULL;
    size_t cap = 0, rows = 0;
    r.values = malloc(r.P * sizeof *r.values);
    r.contrib = malloc(r.P * sizeof *r.contrib);
    if (!r.values || !r.contrib) {
        cli_error("out of memory");
        status = EXIT_INTERNAL;
        goto done;
    }
    first_method(&r, a->explanation_paths, a->n_explanations);
    if ((status = explain_fit_outputs(&args, model,
                                      explain_method_of(r.method),
                                      "importance")))
        goto done;
    size_t D = xpl_model_n_outputs(model);
    /* classes under every method: a binary classifier has two
     * (docs/output.md) */
    size_t outputs = D == 1 && xpl_model_is_classifier(model) ? 2 : D;
    r.method[0] = '\0'; /* the real pass checks every line against line 1 */
    if ((rc = xpl_importance_new(&s.imp, r.P, outputs,
                                 xpl_model_feature_names(model)))) {
        status = cli_library_error(rc);
        goto done;
    }
    if ((status = cli_output_open(&s.out, a->out_path)))
        goto done;
    for (size_t i = 0; i < a->n_explanations && status == EXIT_OK; i++) {
        r.path = a->explanation_paths[i];
        r.line = 0;
        FILE *fp = strcmp(r.path, "-") == 0 ? stdin : fopen(r.path, "r");
        if (!fp) {
            cli_error("%s: cannot open: %s", r.path, strerror(errno));
            status = EXIT_INPUT;
            break;
        }
        ssize_t len;
        while (status == EXIT_OK && (len = getline(&line, &cap, fp)) >= 0) {
            r.line++;
            if (len == 0 || (len == 1 && line[0] == '\n'))
                continue;
            xpl_explanation e;
            if ((status = parse_line(&r, line, (size_t)len, &e)))
                break;
            if (e.output >= outputs) {
                status = bad(&r, "\"output\" is not an output of the model");
                break;
            }
            if ((rc = xpl_importance_add(s.imp, &e)))
                status = cli_library_error(rc);
            rows++;
        }
        if (status == EXIT_OK && ferror(fp)) {
            cli_error("%s: read error", r.path);
            status = EXIT_INPUT;
        }
        if (fp != stdin)
            fclose(fp);
    }
    if (status == EXIT_OK && rows == 0) {
        cli_error("%s: no explanations", a->explanation_paths[0]);
        status = EXIT_INPUT;
    }
    status = sink_finish(&s, status);
    s.imp = NULL;
done:
    if (s.imp)
        xpl_importance_free(s.imp);
    free(line);
    free(r.values);
    free(r.contrib);
    xpl_model_free(model);
    return status;
}
