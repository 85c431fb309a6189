/* xplain JSON models: valid files of each link, and every malformed kind
 * provoked on purpose, with the message's location checked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "models/linear.h"
#include <xplain/xplain.h>

#define ck_assert_error(expr, code, substr)                                  \
    do {                                                                     \
        int rc_ = (expr);                                                    \
        ck_assert_msg(rc_ == (code), "rc %d, expected %d (%s)", rc_, (code), \
                      xpl_last_error());                                     \
        ck_assert_msg(strstr(xpl_last_error(), (substr)) != NULL,            \
                      "message \"%s\" lacks \"%s\"", xpl_last_error(),       \
                      (substr));                                             \
    } while (0)

/* Parse from an exact-size heap copy (no terminating NUL), so that the
 * address sanitizer sees any read past the end. */
static int load_json(xpl_model **out, const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, text, n);
    int rc = xpl_model_load_buffer(out, copy, n, "m.json");
    free(copy);
    return rc;
}

static int try_json(const char *text)
{
    xpl_model *m = (xpl_model *)&m;
    int rc = load_json(&m, text);
    if (rc != XPL_OK)
        ck_assert_ptr_null(m);
    xpl_model_free(m);
    return rc;
}

/* A valid two-feature model with `extra` spliced in among the keys. */
static char *with(const char *link, const char *extra)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"type\": \"linear\", \"link\": \"%s\", \"feature_names\": "
             "[\"a\", \"b\"], \"intercept\": [0.5], \"coef\": [[1, -2.5]]%s}",
             link, extra);
    return buf;
}

#define expect(text, code, substr) ck_assert_error(try_json(text), code, substr)

/* ---------------------------------------------------------- valid models */

START_TEST(identity_with_every_optional_key)
{
    const char *text =
        "{\n"
        "  \"format\": \"xplain-model\",\n"
        "  \"format_version\": 1,\n"
        "  \"type\": \"linear\",\n"
        "  \"link\": \"identity\",\n"
        "  \"feature_names\": [\"age\", \"bmi\", \"s\\u00e9rum\"],\n"
        "  \"intercept\": [152.13],\n"
        "  \"coef\": [[-10, 519.84, 1e-3]],\n"
        "  \"metadata\": {\"source\": \"sklearn 1.4\", \"target\": "
        "\"disease progression\"}\n"
        "}\n";
    xpl_model *m;
    ck_assert_int_eq(load_json(&m, text), XPL_OK);
    ck_assert_str_eq(xpl_model_kind(m), "linear");
    ck_assert_uint_eq(xpl_model_n_features(m), 3);
    ck_assert_uint_eq(xpl_model_n_outputs(m), 1);
    ck_assert_int_eq(xpl_model_link(m), XPL_LINK_IDENTITY);
    ck_assert_str_eq(xpl_model_feature_name(m, 2), "s\xc3\xa9rum");
    const xpl__linear *lin = xpl__linear_params(m);
    ck_assert_double_eq(lin->intercept[0], 152.13);
    ck_assert_double_eq(lin->coef[0], -10.0);
    ck_assert_double_eq(lin->coef[1], 519.84);
    ck_assert_double_eq(lin->coef[2], 1e-3);

    const double x[] = { 2.0, 0.5, 1000.0 };
    double y;
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_RAW, &y),
                     XPL_OK);
    ck_assert(close_rel(y, 152.13 - 20.0 + 259.92 + 1.0, 1e-14));

    /* Metadata becomes properties, in file order, after the model's own. */
    int found = 0;
    for (size_t i = 0; i < xpl_model_n_properties(m); i++) {
        const char *k, *v;
        ck_assert_int_eq(xpl_model_property(m, i, &k, &v), XPL_OK);
        if (strcmp(k, "metadata.source") == 0) {
            ck_assert_str_eq(v, "sklearn 1.4");
            found++;
        } else if (strcmp(k, "metadata.target") == 0) {
            ck_assert_str_eq(v, "disease progression");
            ck_assert_int_eq(found, 1);
            found++;
        }
    }
    ck_assert_int_eq(found, 2);
    ck_assert_ptr_null(xpl_model_background(m));
    ck_assert_ptr_null(xpl_model_stats(m));
    xpl_model_free(m);
}
END_TEST

START_TEST(logit_binary)
{
    xpl_model *m;
    ck_assert_int_eq(load_json(&m, with("logit", "")), XPL_OK);
    ck_assert_int_eq(xpl_model_link(m), XPL_LINK_LOGIT);
    const double x[] = { 1.0, 1.0 };
    double p;
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_PROBABILITY,
                                       &p), XPL_OK);
    ck_assert(close_rel(p, 1.0 / (1.0 + exp(1.0)), 1e-15));
    xpl_model_free(m);
}
END_TEST

START_TEST(softmax_three_classes)
{
    const char *text =
        "{\"type\":\"linear\",\"link\":\"softmax\",\"feature_names\":[\"x\","
        "\"y\"],\"intercept\":[0,1,-1],\"coef\":[[1,0],[0,1],[1.5,-1]]}";
    xpl_model *m;
    ck_assert_int_eq(load_json(&m, text), XPL_OK);
    ck_assert_uint_eq(xpl_model_n_outputs(m), 3);
    const double x[] = { 2.0, 3.0 };
    double raw[3], p[3];
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_RAW, raw),
                     XPL_OK);
    ck_assert_double_eq(raw[0], 2.0);
    ck_assert_double_eq(raw[1], 4.0);
    ck_assert_double_eq(raw[2], -1.0);
    ck_assert_int_eq(xpl_model_predict(m, NULL, x, 1, XPL_OUTPUT_PROBABILITY,
                                       p), XPL_OK);
    double z = exp(2.0) + exp(4.0) + exp(-1.0);
    ck_assert(close_rel(p[1], exp(4.0) / z, 1e-14));

    /* JSON -> model.bin -> model: the same model. */
    void *bin;
    size_t n;
    ck_assert_int_eq(xpl_model_serialize(m, &bin, &n), XPL_OK);
    xpl_model *back;
    ck_assert_int_eq(xpl_model_load_buffer(&back, bin, n, NULL), XPL_OK);
    ck_assert_int_eq(xpl_model_link(back), XPL_LINK_SOFTMAX);
    ck_assert_int_eq(xpl_model_predict(back, NULL, x, 1, XPL_OUTPUT_RAW, p),
                     XPL_OK);
    ck_assert_mem_eq(p, raw, sizeof raw);
    xpl_model_free(back);
    xpl_free(bin);
    xpl_model_free(m);
}
END_TEST

static const char *property(const xpl_model *m, const char *key)
{
    for (size_t i = 0; i < xpl_model_n_properties(m); i++) {
        const char *k, *v;
        ck_assert_int_eq(xpl_model_property(m, i, &k, &v), XPL_OK);
        if (strcmp(k, key) == 0)
            return v;
    }
    return NULL;
}

START_TEST(long_metadata_is_shortened_for_display)
{
    /* Properties hold up to 255 bytes: longer values are cut on a UTF-8
     * character boundary and end with an ellipsis. */
    char meta[4096], value[1024];
    memset(value, 'v', 255);
    value[255] = '\0';
    snprintf(meta, sizeof meta, ", \"metadata\": {\"fits\": \"%s\", "
             "\"long\": \"%s-and-more\"}", value, value);
    xpl_model *m;
    ck_assert_int_eq(load_json(&m, with("identity", meta)), XPL_OK);
    ck_assert_str_eq(property(m, "metadata.fits"), value);
    const char *v = property(m, "metadata.long");
    ck_assert_uint_eq(strlen(v), 255);
    ck_assert_str_eq(v + 252, "\xe2\x80\xa6");
    xpl_model_free(m);

    /* 251 ASCII bytes, then 2-byte characters: byte 252 is a continuation
     * byte, so the cut moves back to 251. */
    size_t n = 251;
    memset(value, 'a', n);
    for (int i = 0; i < 20; i++) {
        value[n++] = '\xc3';
        value[n++] = '\xa9';
    }
    value[n] = '\0';
    snprintf(meta, sizeof meta, ", \"metadata\": {\"long\": \"%s\"}", value);
    ck_assert_int_eq(load_json(&m, with("identity", meta)), XPL_OK);
    v = property(m, "metadata.long");
    ck_assert_uint_eq(strlen(v), 254);
    ck_assert_mem_eq(v, value, 251);
    ck_assert_str_eq(v + 251, "\xe2\x80\xa6");
    xpl_model_free(m);
}
END_TEST

START_TEST(load_from_file)
{
    const char *text = with("identity", "");
    const char *path = write_tmp("model.json", text, strlen(text));
    xpl_model *m;
    ck_assert_int_eq(xpl_model_load(&m, path), XPL_OK);
    ck_assert_uint_eq(xpl_model_n_features(m), 2);
    xpl_model_free(m);

    /* Errors name the file. */
    static const char bad[] = "{\"type\": \"linear\",\n \"link\": 3}";
    path = write_tmp("bad.json", bad, sizeof bad - 1);
    char expected[600];
    snprintf(expected, sizeof expected, "%s: link: expected a string, found a "
             "number", path);
    ck_assert_error(xpl_model_load(&m, path), XPL_EFORMAT, expected);
}
END_TEST

/* ------------------------------------------------------------ malformed */

START_TEST(invalid_json_reports_line_and_column)
{
    expect("{\n  \"type\": \"linear\",\n  oops\n}", XPL_EFORMAT,
           "m.json:3:6: invalid JSON: string or '}' expected near "
           "'oops'");
    expect("{\"type\": \"linear\"", XPL_EFORMAT, "m.json:1:17: invalid JSON");
    expect("{\"a\": 1} trailing", XPL_EFORMAT, "invalid JSON");
    /* JSON has no NaN or infinity; an overflowing literal is refused. */
    expect(with("identity", ", \"x\": NaN"), XPL_EFORMAT, "invalid JSON");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\"], \"intercept\": [1e999], \"coef\": [[1]]}",
           XPL_EFORMAT, "invalid JSON: real number overflow");
    expect("{\"type\": \"linear\", \"intercept\": [99999999999999999999]}",
           XPL_EFORMAT, "invalid JSON");
    /* Duplicate keys are refused by the parser, whatever their depth. */
    expect("{\"type\": \"linear\",\n\"type\": \"linear\"}", XPL_EFORMAT,
           "m.json:2:");
    expect("{\"type\": \"linear\",\n\"type\": \"linear\"}", XPL_EFORMAT,
           "duplicate object key");
    expect(with("identity", ", \"metadata\": {\"k\": \"1\", \"k\": \"2\"}"),
           XPL_EFORMAT, "duplicate object key");
    /* An embedded NUL and invalid UTF-8 are parse errors too. */
    static const char nul[] = "{\"type\": \"lin\0ear\"}";
    xpl_model *m;
    ck_assert_error(xpl_model_load_buffer(&m, nul, sizeof nul - 1, "m.json"),
                    XPL_EFORMAT, "invalid JSON");
    expect("{\"type\": \"\\u0000\"}", XPL_EFORMAT, "invalid JSON");
    expect("{\"type\": \"caf\xe9\"}", XPL_EFORMAT, "invalid JSON");
}
END_TEST

START_TEST(deeply_nested_input_is_refused)
{
    /* Far deeper than any model: must fail cleanly, not overflow the stack. */
    enum { DEPTH = 200000 };
    char *text = malloc(2 * DEPTH + 64);
    size_t n = (size_t)sprintf(text, "{\"type\": ");
    for (int i = 0; i < DEPTH; i++)
        text[n++] = '[';
    for (int i = 0; i < DEPTH; i++)
        text[n++] = ']';
    text[n++] = '}';
    text[n] = '\0';
    expect(text, XPL_EFORMAT, "maximum parsing depth");
    free(text);

    /* Nesting that the parser accepts is still a type error. */
    expect(with("identity", ", \"metadata\": {\"a\": [[[[[[1]]]]]]}"),
           XPL_EFORMAT, "metadata.a: expected a string, found an array");
}
END_TEST

START_TEST(missing_keys)
{
    static const char *const keys[] = { "type", "link", "feature_names",
                                         "intercept", "coef" };
    for (size_t k = 0; k < 5; k++) {
        char text[512] = "{";
        static const char *const parts[] = {
            "\"type\": \"linear\"", "\"link\": \"identity\"",
            "\"feature_names\": [\"a\"]", "\"intercept\": [1]",
            "\"coef\": [[2]]"
        };
        int first = 1;
        for (size_t i = 0; i < 5; i++) {
            if (i == k)
                continue;
            if (!first)
                strcat(text, ", ");
            strcat(text, parts[i]);
            first = 0;
        }
        strcat(text, "}");
        char expected[64];
        snprintf(expected, sizeof expected, "m.json: missing key \"%s\"",
                 keys[k]);
        expect(text, XPL_EFORMAT, expected);
    }
    expect("{}", XPL_EFORMAT, "m.json: missing key \"type\"");
}
END_TEST

START_TEST(wrong_types)
{
    expect("{\"type\": 1}", XPL_EFORMAT,
           "m.json: type: expected a string, found a number");
    expect("{\"type\": \"linear\", \"link\": null}", XPL_EFORMAT,
           "link: expected a string, found null");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "\"a\"}", XPL_EFORMAT,
           "feature_names: expected an array of strings, found a string");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\", 2]}", XPL_EFORMAT,
           "feature_names[1]: expected a string, found a number");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\"], \"intercept\": {}, \"coef\": [[1]]}", XPL_EFORMAT,
           "intercept: expected an array of numbers (one per output), found "
           "an object");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\"], \"intercept\": [\"1\"], \"coef\": [[1]]}", XPL_EFORMAT,
           "intercept[0]: expected a number, found a string");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\"], \"intercept\": [1], \"coef\": 1}", XPL_EFORMAT,
           "coef: expected an array of 1 rows (one per output), found a "
           "number");
    /* A flat coefficient list for one output is a common slip. */
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\", \"b\"], \"intercept\": [1], \"coef\": [1, 2]}",
           XPL_EFORMAT, "coef: expected 1 rows (one per output, as in "
                        "intercept), found 2");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\"], \"intercept\": [1], \"coef\": [1]}", XPL_EFORMAT,
           "coef[0]: expected an array of 1 numbers, found a number");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\", \"b\"], \"intercept\": [1], \"coef\": [[1, true]]}",
           XPL_EFORMAT, "coef[0][1]: expected a number, found true");
    expect(with("identity", ", \"metadata\": [\"a\"]"), XPL_EFORMAT,
           "metadata: expected an object of strings, found an array");
    expect(with("identity", ", \"metadata\": {\"rows\": 442}"), XPL_EFORMAT,
           "m.json: metadata.rows: expected a string, found a number");
    expect(with("identity", ", \"format\": 1"), XPL_EFORMAT,
           "format: expected \"xplain-model\", found a number");
    expect(with("identity", ", \"format\": \"onnx\""), XPL_EFORMAT,
           "format: expected \"xplain-model\", found \"onnx\"");
    expect(with("identity", ", \"format_version\": \"1\""), XPL_EFORMAT,
           "format_version: expected an integer, found a string");
    expect(with("identity", ", \"format_version\": 1.5"), XPL_EFORMAT,
           "format_version: expected an integer, found a fraction");
    expect(with("identity", ", \"format_version\": 0"), XPL_EFORMAT,
           "format_version 0: versions start at 1");
    expect("[{\"type\": \"linear\"}]", XPL_EFORMAT, "not a model file");
}
END_TEST

START_TEST(length_mismatches)
{
    const char *ten = "[\"f0\",\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\","
                      "\"f7\",\"f8\",\"f9\"]";
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\": \"linear\", \"link\": \"softmax\", \"feature_names\": "
             "%s, \"intercept\": [0, 0, 0], \"coef\": [[0,1,2,3,4,5,6,7,8,9], "
             "[0,1,2,3,4,5,6,7,8], [0,1,2,3,4,5,6,7,8,9]]}", ten);
    expect(text, XPL_EFORMAT, "m.json: coef[1]: expected 10 numbers, found 9");
    expect("{\"type\": \"linear\", \"link\": \"softmax\", \"feature_names\": "
           "[\"a\"], \"intercept\": [0, 0, 0], \"coef\": [[1], [2]]}",
           XPL_EFORMAT, "coef: expected 3 rows (one per output, as in "
                        "intercept), found 2");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\"], \"intercept\": [], \"coef\": []}", XPL_EFORMAT,
           "intercept: empty: a model needs at least one output");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[], \"intercept\": [1], \"coef\": [[]]}", XPL_EFORMAT,
           "feature_names: empty: a model needs at least one feature");
}
END_TEST

START_TEST(semantic_errors)
{
    expect(with("identity", ", \"coeff\": [[1, 2]]"), XPL_EFORMAT,
           "m.json: unknown key \"coeff\" (a linear model has: format, "
           "format_version, type, link, feature_names, metadata, intercept, "
           "coef)");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\", \"b\", \"a\"], \"intercept\": [1], \"coef\": [[1,2,3]]}",
           XPL_EFORMAT, "m.json: duplicate feature name \"a\"");
    expect("{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
           "[\"a\", \"\"], \"intercept\": [1], \"coef\": [[1,2]]}",
           XPL_EFORMAT, "feature_names[1]: empty name");
    expect("{\"type\": \"linear\", \"link\": \"softmax\", \"feature_names\": "
           "[\"a\"], \"intercept\": [1], \"coef\": [[1]]}", XPL_EFORMAT,
           "m.json: link: \"softmax\" needs at least 2 outputs, intercept "
           "has 1");
    expect(with("probit", ""), XPL_EFORMAT,
           "link: unknown link \"probit\" (expected identity, logit, softmax "
           "or log)");
    /* "log" is a link xplain knows, but not for linear models. */
    expect(with("log", ""), XPL_EUNSUPPORTED,
           "m.json: linear models support the identity, logit and softmax");
}
END_TEST

START_TEST(versions_and_unsupported_kinds)
{
    expect(with("identity", ", \"format_version\": 2"), XPL_EVERSION,
           "m.json: format_version 2 is newer than this library (it reads "
           "version 1)");
    /* The version is checked before anything a newer format might change. */
    expect("{\"format_version\": 7, \"type\": \"sparse-linear\", \"w\": 1}",
           XPL_EVERSION, "format_version 7");
    expect("{\"type\": \"forest\", \"trees\": []}", XPL_EUNSUPPORTED,
           "m.json: type: \"forest\" models are not supported "
           "(supported: linear, tree_ensemble)");
    /* XGBoost's layout is recognised and read by its own importer. */
    expect("{\"learner\": {\"gradient_booster\": {}}, \"version\": [2, 0, 3]}",
           XPL_EFORMAT, "m.json: XGBoost model: missing "
                        "learner.learner_model_param");
    /* An explicit xplain format wins over a stray "learner" key. */
    expect(with("identity", ", \"format\": \"xplain-model\", \"learner\": 1"),
           XPL_EFORMAT, "unknown key \"learner\"");
}
END_TEST

START_TEST(size_limits)
{
    /* More outputs than XPL_MAX_OUTPUTS: refused before reading the rows. */
    size_t n_out = XPL_MAX_OUTPUTS + 1;
    char *text = malloc(2 * n_out + 256);
    size_t n = (size_t)sprintf(text, "{\"type\": \"linear\", \"link\": "
                               "\"identity\", \"feature_names\": [\"a\"], "
                               "\"intercept\": [");
    for (size_t i = 0; i < n_out; i++)
        n += (size_t)sprintf(text + n, i ? ",0" : "0");
    sprintf(text + n, "], \"coef\": []}");
    expect(text, XPL_ELIMIT, "intercept: 65537 outputs: more than the limit "
                             "65536");
    free(text);

    /* More features than XPL_MAX_FEATURES. */
    size_t n_feat = XPL_MAX_FEATURES + 1;
    text = malloc(2 * n_feat + 256);
    n = (size_t)sprintf(text, "{\"type\": \"linear\", \"link\": \"identity\", "
                        "\"feature_names\": [");
    for (size_t i = 0; i < n_feat; i++)
        n += (size_t)sprintf(text + n, i ? ",0" : "0");
    sprintf(text + n, "]}");
    expect(text, XPL_ELIMIT, "feature_names: 1048577 features: more than the "
                             "limit 1048576");
    free(text);

    /* A feature name longer than XPL_MAX_NAME_LENGTH. */
    text = malloc(XPL_MAX_NAME_LENGTH + 256);
    ck_assert_ptr_nonnull(text);
    n = (size_t)sprintf(text, "{\"type\": \"linear\", \"link\": \"identity\", "
                        "\"feature_names\": [\"");
    memset(text + n, 'x', XPL_MAX_NAME_LENGTH + 1);
    n += XPL_MAX_NAME_LENGTH + 1;
    sprintf(text + n, "\"], \"intercept\": [1], \"coef\": [[1]]}");
    expect(text, XPL_ELIMIT, "feature_names[0]: name longer than 4096 bytes");
    free(text);


    /* A small file cannot make the reader allocate for rows it lacks: the
     * rows are checked before the coefficient matrix is allocated. */
    size_t nf = 100000;
    text = malloc(12 * nf + 2 * 65536 + 256);
    n = (size_t)sprintf(text, "{\"type\": \"linear\", \"link\": \"softmax\", "
                        "\"feature_names\": [");
    for (size_t i = 0; i < nf; i++)
        n += (size_t)sprintf(text + n, i ? ",\"f%zu\"" : "\"f%zu\"", i);
    n += (size_t)sprintf(text + n, "], \"intercept\": [");
    for (size_t i = 0; i < 65536; i++)
        n += (size_t)sprintf(text + n, i ? ",0" : "0");
    n += (size_t)sprintf(text + n, "], \"coef\": [");
    for (size_t i = 0; i < 65536; i++)
        n += (size_t)sprintf(text + n, i ? ",[]" : "[]");
    sprintf(text + n, "]}");
    expect(text, XPL_EFORMAT, "coef[0]: expected 100000 numbers, found 0");
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ suite */

int main(void)
{
    Suite *s = suite_create("json_model");
    TCase *tc = tcase_create("valid");
    tcase_add_test(tc, identity_with_every_optional_key);
    tcase_add_test(tc, logit_binary);
    tcase_add_test(tc, softmax_three_classes);
    tcase_add_test(tc, long_metadata_is_shortened_for_display);
    tcase_add_test(tc, load_from_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_test(tc, invalid_json_reports_line_and_column);
    tcase_add_test(tc, deeply_nested_input_is_refused);
    tcase_add_test(tc, missing_keys);
    tcase_add_test(tc, wrong_types);
    tcase_add_test(tc, length_mismatches);
    tcase_add_test(tc, semantic_errors);
    tcase_add_test(tc, versions_and_unsupported_kinds);
    tcase_add_test(tc, size_limits);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
