/* The one explainer API: the same bytes as the CLI for the same rows under
 * every method (the CLI is its client, so this pins the seeding from row
 * values and the output rule on both sides), the numbering of outputs,
 * rendering to memory, and every error on purpose. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"

/* The first n rows of a CSV in the source tree, with its header, as a
 * temporary file. */
static const char *head_rows(const char *relative, size_t n)
{
    FILE *in = fopen(src_path(relative), "rb");
    ck_assert_ptr_nonnull(in);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int c, lines = 0;
    while ((c = fgetc(in)) != EOF && lines <= (int)n) {
        if (len + 1 >= cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        buf[len++] = (char)c;
        lines += c == '\n';
    }
    fclose(in);
    const char *path = write_tmp("rows.csv", buf, len);
    free(buf);
    return path;
}

/* Everything the CLI writes to standard output (malloc'd, NUL-terminated). */
static char *run_cli(const char *args, const char *model, const char *rows)
{
    const char *exe = getenv("EXPLAIN");
    ck_assert_msg(exe != NULL, "EXPLAIN is not set");
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s' %s -q '%s' '%s'", exe, args, model, rows);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t len = 0, cap = 1 << 16;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    size_t got;
    while ((got = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += got;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
            ck_assert_ptr_nonnull(out);
        }
    }
    out[len] = '\0';
    ck_assert_int_eq(pclose(p), 0);
    return out;
}

/* The API's JSON Lines for every row of `rows` (malloc'd). */
static char *run_api(const xpl_model *m, const xpl_dataset *bg,
                     const xpl_explainer_options *o, const char *rows)
{
    xpl_csv_options csv = XPL_CSV_OPTIONS_INIT;
    csv.columns = xpl_model_feature_names(m);
    csv.n_columns = xpl_model_n_features(m);
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, rows, &csv), XPL_OK);
    xpl_explainer *ex = NULL;
    int rc = xpl_explainer_new(&ex, m, bg, o);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    xpl_workspace *ws = NULL;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    size_t n = xpl_explainer_n_outputs(ex), P = xpl_model_n_features(m);
    xpl_explanation *e = calloc(n, sizeof *e);
    ck_assert_ptr_nonnull(e);
    size_t len = 0;
    char *all = calloc(1, 1);
    for (size_t i = 0; i < xpl_dataset_n_rows(ds); i++) {
        rc = xpl_explainer_explain(ex, ws, xpl_dataset_data(ds) + i * P, e);
        ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
        for (size_t k = 0; k < n; k++)
            e[k].row = i;
        char *part = NULL;
        size_t plen = 0;
        ck_assert_int_eq(xpl_render_memory(&part, &plen, XPL_FORMAT_JSON, e,
                                           n, NULL, ws),
                         XPL_OK);
        all = realloc(all, len + plen + 1);
        memcpy(all + len, part, plen + 1);
        len += plen;
        xpl_free(part);
    }
    free(e);
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_dataset_free(ds);
    return all;
}

/* One comparison: CLI arguments and the API options that mean the same. */
static void same_bytes(const char *model_rel, const char *data_rel,
                       size_t n_rows, const char *bg_rel, const char *args,
                       const xpl_explainer_options *o)
{
    xpl_model *m = load_model(model_rel);
    const char *rows = head_rows(data_rel, n_rows);
    char rows_copy[4096];
    snprintf(rows_copy, sizeof rows_copy, "%s", rows);
    xpl_dataset *bg = NULL;
    char cli_args[2048];
    if (bg_rel) {
        bg = read_columns(bg_rel, xpl_model_feature_names(m),
                          xpl_model_n_features(m));
        snprintf(cli_args, sizeof cli_args, "%s --background '%s'", args,
                 src_path(bg_rel));
    } else {
        snprintf(cli_args, sizeof cli_args, "%s", args);
    }
    char model_path[4096];
    snprintf(model_path, sizeof model_path, "%s", src_path(model_rel));
    char *cli = run_cli(cli_args, model_path, rows_copy);
    char *api = run_api(m, bg, o, rows_copy);
    ck_assert_msg(strlen(cli) > 0, "the CLI wrote nothing");
    ck_assert_msg(strcmp(cli, api) == 0, "%s: API and CLI differ\nCLI:\n%.400s"
                  "\nAPI:\n%.400s", args, cli, api);
    free(cli);
    free(api);
    xpl_dataset_free(bg);
    xpl_model_free(m);
}

START_TEST(auto_is_interventional_treeshap)
{
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    same_bytes("data/models/breast_cancer_xgb.bin", "data/breast_cancer.csv",
               6, NULL, "", &o);
    xpl_model *m = load_model("data/models/breast_cancer_xgb.bin");
    xpl_explainer *ex = NULL;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, NULL, NULL), XPL_OK);
    ck_assert_str_eq(xpl_explainer_method(ex), "tree-shap-interventional");
    ck_assert_int_eq(xpl_explainer_method_id(ex), XPL_METHOD_TREE_SHAP);
    xpl_explainer_free(ex);
    xpl_model_free(m);
}
END_TEST

START_TEST(kernel_shap_sampled)
{
    /* 30 features, 200 coalitions: sampled, so the row seeds matter */
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_KERNEL_SHAP;
    o.seed = 7;
    o.kernel_shap.nsamples = 200;
    same_bytes("data/models/breast_cancer_xgb.bin", "data/breast_cancer.csv",
               5, NULL, "--method kernel-shap --seed 7 --nsamples 200", &o);
    same_bytes("data/models/breast_cancer_xgb.bin", "data/breast_cancer.csv",
               5, NULL, "--method kernel-shap --seed 7 --nsamples 200 "
               "--threads 2", &o);
}
END_TEST

START_TEST(kernel_shap_probability_class0)
{
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.output = XPL_OUTPUT_PROBABILITY;
    o.class_index = 0;
    o.kernel_shap.nsamples = 100;
    same_bytes("data/models/breast_cancer_logistic.bin",
               "data/breast_cancer.csv", 4, NULL,
               "--model-output probability --class 0 --nsamples 100", &o);
}
END_TEST

START_TEST(tree_shap_interactions)
{
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_TREE_SHAP;
    o.tree_shap.interactions = 1;
    same_bytes("data/models/wine_xgb.json", "data/wine.csv", 3, NULL,
               "--method tree-shap --interactions", &o);
}
END_TEST

START_TEST(linear_shap_with_background)
{
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_LINEAR_SHAP;
    same_bytes("data/models/diabetes_linear.json", "data/diabetes.csv", 8,
               "data/diabetes.csv", "--method linear-shap", &o);
}
END_TEST

START_TEST(lime_binary_and_multiclass)
{
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_LIME;
    o.seed = 3;
    o.lime.num_samples = 600;
    same_bytes("data/models/breast_cancer_logistic.bin",
               "data/breast_cancer.csv", 4, NULL,
               "--method lime --seed 3 --num-samples 600", &o);
    same_bytes("data/models/wine_logistic.bin", "data/wine.csv", 4, NULL,
               "--method lime --seed 3 --num-samples 600", &o);
    o.lime.repeats = 3;
    o.output = XPL_OUTPUT_RAW;
    o.class_index = 0;
    same_bytes("data/models/breast_cancer_xgb.bin", "data/breast_cancer.csv",
               3, NULL, "--method lime --seed 3 --num-samples 600 "
               "--repeats 3 --model-output raw --class 0", &o);
}
END_TEST

/* The rule of docs/output.md: a binary classifier has classes 0 and 1;
 * class 0's margin contributions are class 1's negated, its base value
 * and prediction too; probabilities complement to 1. */
START_TEST(binary_classes_complement)
{
    xpl_model *m = load_model("data/models/breast_cancer_xgb.bin");
    xpl_workspace *ws = NULL;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    size_t P = xpl_model_n_features(m);
    const xpl_dataset *bg = xpl_model_background(m);
    const double *x = xpl_dataset_data(bg) + 3 * P;
    for (int prob = 0; prob <= 1; prob++) {
        xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
        if (prob) {
            o.output = XPL_OUTPUT_PROBABILITY;
            o.kernel_shap.nsamples = 64;
        }
        xpl_explainer *one = NULL, *zero = NULL;
        ck_assert_int_eq(xpl_explainer_new(&one, m, NULL, &o), XPL_OK);
        o.class_index = 0;
        ck_assert_int_eq(xpl_explainer_new(&zero, m, NULL, &o), XPL_OK);
        ck_assert_uint_eq(xpl_explainer_n_outputs(one), 1);
        ck_assert_uint_eq(xpl_explainer_n_classes(one), 2);
        xpl_explanation e1, e0;
        ck_assert_int_eq(xpl_explainer_explain(one, ws, x, &e1), XPL_OK);
        double *c1 = malloc(P * sizeof *c1);
        memcpy(c1, e1.contributions, P * sizeof *c1);
        double b1 = e1.base_value, p1 = e1.prediction;
        ck_assert_uint_eq(e1.output, 1);
        ck_assert_uint_eq(e1.n_outputs, 2);
        ck_assert_int_eq(xpl_explainer_explain(zero, ws, x, &e0), XPL_OK);
        ck_assert_uint_eq(e0.output, 0);
        double c = prob ? 1.0 : 0.0;
        for (size_t j = 0; j < P; j++)
            ck_assert(e0.contributions[j] == -c1[j]);
        ck_assert(e0.base_value == c - b1);
        ck_assert(e0.prediction == c - p1);
        free(c1);
        xpl_explainer_free(one);
        xpl_explainer_free(zero);
    }
    xpl_workspace_free(ws);
    xpl_model_free(m);
}
END_TEST

/* Explanations fill completely: additivity holds on what is handed out,
 * and a second row reuses the workspace. */
START_TEST(explanations_are_complete)
{
    xpl_model *m = load_model("data/models/wine_logistic.bin");
    xpl_explainer *ex = NULL;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, NULL, NULL), XPL_OK);
    ck_assert_str_eq(xpl_explainer_method(ex), "linear-shap");
    size_t n = xpl_explainer_n_outputs(ex), P = xpl_explainer_n_features(ex);
    ck_assert_uint_eq(n, 3);
    xpl_explanation e[3];
    xpl_workspace *ws = NULL;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    const double *x = xpl_dataset_data(xpl_model_background(m));
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, x, e), XPL_OK);
    for (size_t k = 0; k < n; k++) {
        ck_assert_uint_eq(e[k].output, k);
        ck_assert_str_eq(e[k].method, "linear-shap");
        ck_assert_ptr_nonnull(e[k].names);
        ck_assert_ptr_null(e[k].conditions);
        ck_assert(isnan(e[k].intercept));
        double s = e[k].base_value;
        for (size_t j = 0; j < P; j++) {
            ck_assert(e[k].values[j] == x[j]);
            s += e[k].contributions[j];
        }
        ck_assert(close_rel(s, e[k].prediction, 1e-12));
    }
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_model_free(m);
}
END_TEST

START_TEST(memory_equals_file)
{
    xpl_model *m = load_model("data/models/breast_cancer_logistic.bin");
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_LIME;
    o.lime.num_samples = 300;
    xpl_explainer *ex = NULL;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, NULL, &o), XPL_OK);
    xpl_workspace *ws = NULL;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    xpl_explanation e;
    ck_assert_int_eq(xpl_explainer_explain(
                         ex, ws, xpl_dataset_data(xpl_model_background(m)), &e),
                     XPL_OK);
    for (int f = XPL_FORMAT_JSON; f <= XPL_FORMAT_SVG; f++) {
        FILE *fp = tmpfile();
        ck_assert_ptr_nonnull(fp);
        int rc = XPL_OK;
        switch (f) {
        case XPL_FORMAT_JSON: rc = xpl_render_json(fp, &e); break;
        case XPL_FORMAT_TEXT: rc = xpl_render_text(fp, &e, NULL, ws); break;
        case XPL_FORMAT_CSV:
            rc = xpl_render_csv_header(fp, &e);
            if (!rc)
                rc = xpl_render_csv_row(fp, &e);
            break;
        case XPL_FORMAT_SVG: rc = xpl_render_svg(fp, &e, 1, NULL); break;
        }
        ck_assert_int_eq(rc, XPL_OK);
        long size = ftell(fp);
        rewind(fp);
        char *want = malloc((size_t)size + 1);
        ck_assert_uint_eq(fread(want, 1, (size_t)size, fp), (size_t)size);
        fclose(fp);
        char *got = NULL;
        size_t len = 0;
        ck_assert_int_eq(xpl_render_memory(&got, &len, (xpl_format)f, &e, 1,
                                           NULL, ws),
                         XPL_OK);
        ck_assert_uint_eq(len, (size_t)size);
        ck_assert(memcmp(got, want, len) == 0);
        ck_assert(got[len] == '\0');
        xpl_free(got);
        if (f != XPL_FORMAT_SVG) {
            /* appended after the caller's bytes: the same, CSV without
             * its header line */
            const char *body = f == XPL_FORMAT_CSV ? strchr(want, '\n') + 1
                                                   : want;
            size_t body_len = (size_t)size - (size_t)(body - want);
            xpl_bytes b = { 0 };
            ck_assert_int_eq(xpl_bytes_append(&b, "id ", 3), XPL_OK);
            ck_assert_int_eq(xpl_render_append(&b, (xpl_format)f, &e, NULL,
                                               ws),
                             XPL_OK);
            ck_assert_uint_eq(b.len, 3 + body_len);
            ck_assert(memcmp(b.data, "id ", 3) == 0);
            ck_assert(memcmp(b.data + 3, body, body_len) == 0);
            xpl_bytes_free(&b);
            ck_assert_ptr_null(b.data);
            ck_assert_uint_eq(b.len, 0);
        }
        free(want);
    }
    /* refusals leave the bytes as they were */
    xpl_bytes b = { 0 };
    ck_assert_int_eq(xpl_bytes_append(&b, "abc", 3), XPL_OK);
    ck_assert_int_eq(xpl_render_append(&b, XPL_FORMAT_SVG, &e, NULL, ws),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_render_append(&b, (xpl_format)9, &e, NULL, ws),
                     XPL_EINVAL);
    ck_assert(strstr(xpl_last_error(), "format 9") != NULL);
    xpl_explanation bad = e;
    bad.names = NULL;
    for (int f = XPL_FORMAT_JSON; f <= XPL_FORMAT_CSV; f++)
        ck_assert_int_eq(xpl_render_append(&b, (xpl_format)f, &bad, NULL,
                                           ws),
                         XPL_EINVAL);
    ck_assert_int_eq(xpl_render_append(&b, XPL_FORMAT_JSON, NULL, NULL, ws),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_render_append(NULL, XPL_FORMAT_JSON, &e, NULL, ws),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_bytes_append(NULL, "x", 1), XPL_EINVAL);
    ck_assert_int_eq(xpl_bytes_append(&b, NULL, 1), XPL_EINVAL);
    ck_assert_int_eq(xpl_bytes_append(&b, NULL, 0), XPL_OK);
    ck_assert_uint_eq(b.len, 3);
    ck_assert(memcmp(b.data, "abc", 3) == 0);
    xpl_bytes_free(&b);
    xpl_bytes_free(NULL);
    char *got = (char *)1;
    ck_assert_int_eq(xpl_render_memory(&got, NULL, (xpl_format)9, &e, 1,
                                       NULL, ws),
                     XPL_EINVAL);
    ck_assert_ptr_null(got);
    ck_assert_int_eq(xpl_render_memory(&got, NULL, XPL_FORMAT_JSON, &e, 0,
                                       NULL, ws),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_render_memory(NULL, NULL, XPL_FORMAT_JSON, &e, 1,
                                       NULL, ws),
                     XPL_EINVAL);
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_model_free(m);
}
END_TEST

/* Every refusal, with *out set to NULL and a message. */
static void refused(const xpl_model *m, const xpl_dataset *bg,
                    const xpl_explainer_options *o, int code,
                    const char *says)
{
    xpl_explainer *ex = (xpl_explainer *)1;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, bg, o), code);
    ck_assert_ptr_null(ex);
    ck_assert_msg(strstr(xpl_last_error(), says) != NULL, "\"%s\" lacks "
                  "\"%s\"", xpl_last_error(), says);
}

START_TEST(errors)
{
    xpl_model *lin = load_model("data/models/diabetes_linear.json");
    xpl_model *trees = load_model("data/models/diabetes_xgb.json");
    xpl_model *wine = load_model("data/models/wine_logistic.bin");
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    ck_assert_int_eq(xpl_explainer_new(NULL, lin, NULL, NULL), XPL_EINVAL);
    refused(NULL, NULL, NULL, XPL_EINVAL, "model is NULL");
    o.version = 99;
    refused(lin, NULL, &o, XPL_EINVAL, "version");
    o = (xpl_explainer_options)XPL_EXPLAINER_OPTIONS_INIT;
    o.method = (xpl_method)17;
    refused(lin, NULL, &o, XPL_EINVAL, "unknown method");
    o = (xpl_explainer_options)XPL_EXPLAINER_OPTIONS_INIT;
    o.output = (xpl_output)9;
    refused(lin, NULL, &o, XPL_EINVAL, "unknown output");
    o.output = XPL_OUTPUT_PROBABILITY;
    refused(lin, NULL, &o, XPL_EINVAL, "needs a classifier");
    o = (xpl_explainer_options)XPL_EXPLAINER_OPTIONS_INIT;
    o.class_index = -2;
    refused(lin, NULL, &o, XPL_EINVAL, "class_index");
    o.class_index = 3;
    refused(wine, NULL, &o, XPL_EINVAL, "3 outputs");
    o = (xpl_explainer_options)XPL_EXPLAINER_OPTIONS_INIT;
    o.tree_shap.interactions = 1;
    refused(lin, NULL, &o, XPL_EINVAL, "needs a tree model");
    o.output = XPL_OUTPUT_RESPONSE;
    refused(trees, NULL, &o, XPL_EINVAL, "needs TreeSHAP");
    o.output = XPL_OUTPUT_AUTO;
    o.method = XPL_METHOD_KERNEL_SHAP;
    refused(trees, NULL, &o, XPL_EINVAL, "need TreeSHAP");
    o.tree_shap.interactions = 2;
    refused(trees, NULL, &o, XPL_EINVAL, "interactions must be");
    o = (xpl_explainer_options)XPL_EXPLAINER_OPTIONS_INIT;
    o.method = XPL_METHOD_KERNEL_SHAP;
    refused(trees, NULL, &o, XPL_EINVAL, "no embedded background");
    o.method = XPL_METHOD_TREE_SHAP;
    o.output = XPL_OUTPUT_RESPONSE;
    refused(trees, NULL, &o, XPL_EINVAL, "explains raw margins");
    o.output = XPL_OUTPUT_RAW;
    refused(lin, NULL, &o, XPL_EUNSUPPORTED, "tree ensemble");
    o.method = XPL_METHOD_LINEAR_SHAP;
    refused(trees, NULL, &o, XPL_EUNSUPPORTED, "linear");

    /* explain: NULL arguments, and values linear SHAP cannot take */
    xpl_explainer *ex = NULL;
    xpl_dataset *bg = read_columns("data/diabetes.csv",
                                   xpl_model_feature_names(lin),
                                   xpl_model_n_features(lin));
    ck_assert_int_eq(xpl_explainer_new(&ex, lin, bg, NULL), XPL_OK);
    xpl_workspace *ws = NULL;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    double x[10] = { 0 };
    xpl_explanation e;
    ck_assert_int_eq(xpl_explainer_explain(NULL, ws, x, &e), XPL_EINVAL);
    ck_assert_int_eq(xpl_explainer_explain(ex, NULL, x, &e), XPL_EINVAL);
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, NULL, &e), XPL_EINVAL);
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, x, NULL), XPL_EINVAL);
    x[2] = NAN;
    e.output = 77;
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, x, &e), XPL_ENUMERIC);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "missing"));
    ck_assert_uint_eq(e.output, 77); /* untouched */
    x[2] = -INFINITY;
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, x, &e), XPL_ENUMERIC);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "-inf"));
    ck_assert_str_eq(xpl_explainer_method(NULL), "unknown");
    ck_assert_uint_eq(xpl_explainer_n_outputs(NULL), 0);
    ck_assert_uint_eq(xpl_explainer_n_classes(NULL), 0);
    ck_assert_uint_eq(xpl_explainer_n_features(NULL), 0);
    ck_assert_int_eq(xpl_explainer_method_id(NULL), XPL_METHOD_AUTO);
    ck_assert_str_eq(xpl_method_name(XPL_METHOD_LIME), "lime");
    ck_assert_str_eq(xpl_method_name((xpl_method)40), "unknown");
    ck_assert_int_eq(xpl_method_choose(NULL, NULL, NULL),
                     XPL_METHOD_KERNEL_SHAP);
    xpl_explainer_free(NULL);
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_dataset_free(bg);
    xpl_model_free(lin);
    xpl_model_free(trees);
    xpl_model_free(wine);
}
END_TEST

/* AUTO: the exact method where there is one, Kernel SHAP for anything
 * else; no background and no statistics leaves linear models to Kernel
 * SHAP. */
START_TEST(auto_choice)
{
    xpl_model *lin = load_model("data/models/diabetes_linear.json");
    xpl_model *trees = load_model("data/models/breast_cancer_xgb.json");
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    ck_assert_int_eq(xpl_method_choose(trees, NULL, &o),
                     XPL_METHOD_TREE_SHAP);
    ck_assert_int_eq(xpl_method_choose(lin, NULL, &o),
                     XPL_METHOD_KERNEL_SHAP);
    xpl_dataset *bg = read_columns("data/diabetes.csv",
                                   xpl_model_feature_names(lin),
                                   xpl_model_n_features(lin));
    ck_assert_int_eq(xpl_method_choose(lin, bg, &o), XPL_METHOD_LINEAR_SHAP);
    o.output = XPL_OUTPUT_PROBABILITY;
    ck_assert_int_eq(xpl_method_choose(trees, NULL, &o),
                     XPL_METHOD_KERNEL_SHAP);
    o.output = XPL_OUTPUT_RAW;
    o.kernel_shap.nsamples = 100;
    ck_assert_int_eq(xpl_method_choose(trees, NULL, &o),
                     XPL_METHOD_KERNEL_SHAP);
    o.kernel_shap.nsamples = 0;
    o.method = XPL_METHOD_LIME;
    ck_assert_int_eq(xpl_method_choose(trees, NULL, &o), XPL_METHOD_LIME);
    xpl_dataset_free(bg);
    xpl_model_free(lin);
    xpl_model_free(trees);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("explainer");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, auto_is_interventional_treeshap);
    tcase_add_test(tc, kernel_shap_sampled);
    tcase_add_test(tc, kernel_shap_probability_class0);
    tcase_add_test(tc, tree_shap_interactions);
    tcase_add_test(tc, linear_shap_with_background);
    tcase_add_test(tc, lime_binary_and_multiclass);
    tcase_add_test(tc, binary_classes_complement);
    tcase_add_test(tc, explanations_are_complete);
    tcase_add_test(tc, memory_equals_file);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, auto_choice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
