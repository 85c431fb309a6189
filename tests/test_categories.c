/* Category names: stored by LightGBM (pandas_categorical) and XGBoost 3.1+
 * (category encodings) or given in CATS.json; rows that hold names; model.bin
 * round trips; explanations that show names; every bad input. Predictions
 * from names are checked against LightGBM's and XGBoost's own predict() on
 * the pandas DataFrame (tools/make_categorical_models.py). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xplain/xplain.h>

#include "check_helpers.h"

#define DIR "tests/fixtures/categorical/"

static const char *const big[] = { "red", "green", "blue", "cyan",
                                   "magenta", "yellow", "black", "white",
                                   "grey", "orange", "pink", "brown" };
static const char *const small[] = { "low", "mid", "high" };

static void assert_names(const xpl_model *m)
{
    ck_assert_uint_eq(xpl_model_n_categories(m, 0), 0);
    ck_assert_ptr_null(xpl_model_category_names(m, 2));
    ck_assert_uint_eq(xpl_model_n_categories(m, 3), 12);
    ck_assert_uint_eq(xpl_model_n_categories(m, 4), 3);
    ck_assert_uint_eq(xpl_model_n_categories(m, 99), 0);
    for (size_t c = 0; c < 12; c++)
        ck_assert_str_eq(xpl_model_category_names(m, 3)[c], big[c]);
    for (size_t c = 0; c < 3; c++)
        ck_assert_str_eq(xpl_model_category_names(m, 4)[c], small[c]);
    size_t code = 99;
    ck_assert_int_eq(xpl_model_category_code(&code, m, 3, "pink"), XPL_OK);
    ck_assert_uint_eq(code, 10);
    ck_assert_int_eq(xpl_model_category_code(&code, m, 4, "high"), XPL_OK);
    ck_assert_uint_eq(code, 2);
    ck_assert_int_eq(xpl_model_category_code(&code, m, 3, "purple"),
                     XPL_EINVAL);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "unknown category "
                                 "\"purple\" of \"cat_big\""));
    ck_assert_int_eq(xpl_model_category_code(&code, m, 0, "x"), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_category_code(&code, m, 7, "x"), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_category_code(NULL, m, 3, "red"), XPL_EINVAL);
    ck_assert_uint_eq(code, 2);
    ck_assert(xpl_model_feature_is_categorical(m, 3));
    ck_assert(xpl_model_feature_is_categorical(m, 4));
    ck_assert(!xpl_model_feature_is_categorical(m, 0));
    ck_assert(!xpl_model_feature_is_categorical(m, 5));
}

/* Read `rows` with the model's names (unknown as given), predict raw. */
static double *predict_rows(const xpl_model *m, const char *rows, int unknown,
                            size_t *n_rows)
{
    xpl_dataset *ds = read_model_rows(m, rows, unknown);
    size_t n = xpl_dataset_n_rows(ds);
    double *out = malloc(n * sizeof *out);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(ds), n,
                                       XPL_OUTPUT_RAW, out), XPL_OK);
    xpl_dataset_free(ds);
    *n_rows = n;
    return out;
}

static double *column0(const char *relative, size_t n)
{
    xpl_dataset *ds = read_columns(relative, (const char *const[]){ "raw0" },
                                   1);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), n);
    double *v = malloc(n * sizeof *v);
    memcpy(v, xpl_dataset_data(ds), n * sizeof *v);
    xpl_dataset_free(ds);
    return v;
}

/* Names, codes and the library's predictions on the DataFrame agree. */
static void check_model(const char *model, const char *pred, double tol)
{
    xpl_model *m = load_model(model);
    assert_names(m);
    size_t n, n2;
    double *by_name = predict_rows(m, DIR "rows_names.csv", 0, &n);
    double *by_code = predict_rows(m, DIR "rows_names_codes.csv", 0, &n2);
    ck_assert_uint_eq(n, n2);
    ck_assert_uint_ge(n, 20);
    double *want = column0(pred, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(by_name[i] == by_code[i], "row %zu", i);
        ck_assert_msg(close_rel(by_name[i], want[i], tol),
                      "%s row %zu: %.17g, the library %.17g", model, i,
                      by_name[i], want[i]);
    }
    free(by_name);
    free(by_code);
    free(want);
    xpl_model_free(m);
}

START_TEST(lightgbm_pandas_categorical)
{
    /* LightGBM predicts in double: 1e-9 relative */
    check_model(DIR "lgb_pandas.txt", DIR "lgb_pandas_pred.csv", 1e-9);
}
END_TEST

START_TEST(xgboost_encodings)
{
    /* XGBoost sums in float32 */
    check_model(DIR "xgb3_pandas.json", DIR "xgb3_pandas_pred.csv", 1e-6);
}
END_TEST

/* LightGBM's predict recodes a DataFrame by name and reads a category it
 * never saw as NaN: --unknown-category missing gives its predictions. */
START_TEST(unseen_names_as_missing)
{
    xpl_model *m = load_model(DIR "lgb_pandas.txt");
    size_t n;
    double *got = predict_rows(m, DIR "rows_names_unseen.csv", 1, &n);
    double *want = column0(DIR "lgb_pandas_unseen_pred.csv", n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(close_rel(got[i], want[i], 1e-9), "row %zu", i);
    free(got);
    free(want);

    /* by default an unknown name is an error at its line and field */
    const char *const *names[5] = { NULL, NULL, NULL,
                                    xpl_model_category_names(m, 3),
                                    xpl_model_category_names(m, 4) };
    size_t counts[5] = { 0, 0, 0, 12, 3 };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = xpl_model_feature_names(m);
    o.n_columns = 5;
    o.categories = names;
    o.n_categories = counts;
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, src_path(DIR
                                          "rows_names_unseen.csv"), &o),
                     XPL_EFORMAT);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "rows_names_unseen.csv:"
                                 "2: field 4: unknown category \"purple\" of "
                                 "\"cat_big\" (expected a code or one of "
                                 "\"red\", \"green\""));
    ck_assert_ptr_null(ds);
    o.unknown_category = 7;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, src_path(DIR "rows.csv"), &o),
                     XPL_EINVAL);
    o.unknown_category = 0;
    o.columns = NULL;
    o.n_columns = 0;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, src_path(DIR "rows.csv"), &o),
                     XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "csv options: categories needs "
                     "columns and n_categories");
    /* names are checked as the model checks them */
    o.columns = xpl_model_feature_names(m);
    o.n_columns = 5;
    const char *const twice[] = { "a", "b", "a" };
    names[3] = twice;
    counts[3] = 3;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, src_path(DIR "rows.csv"), &o),
                     XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "csv options: column \"cat_big\": "
                     "categories 0 and 2 are both named \"a\"");
    xpl_model_free(m);
}
END_TEST

/* XGBoost 3.2 does not read an unseen name as missing: the test records
 * which rows differ, so a change in XGBoost shows here (docs). */
START_TEST(xgboost_unseen_names_differ)
{
    xpl_model *m = load_model(DIR "xgb3_pandas.json");
    size_t n, differ = 0;
    double *got = predict_rows(m, DIR "rows_names_unseen.csv", 1, &n);
    double *want = column0(DIR "xgb3_pandas_unseen_pred.csv", n);
    for (size_t i = 0; i < n; i++) {
        int same = close_rel(got[i], want[i], 1e-6);
        if (i % 3 != 0)
            ck_assert_msg(same, "row %zu has no unseen name", i);
        differ += !same;
    }
    ck_assert_uint_eq(differ, 4);
    free(got);
    free(want);
    xpl_model_free(m);
}
END_TEST

START_TEST(model_bin_round_trip)
{
    xpl_model *m = load_model(DIR "lgb_pandas.txt");
    void *bytes;
    size_t size;
    ck_assert_int_eq(xpl_model_serialize(m, &bytes, &size), XPL_OK);
    ck_assert_uint_eq(((unsigned char *)bytes)[10], 1); /* minor 1 */
    xpl_model *back;
    ck_assert_int_eq(xpl_model_load_buffer(&back, bytes, size, "m.bin"),
                     XPL_OK);
    assert_names(back);
    void *again;
    size_t size2;
    ck_assert_int_eq(xpl_model_serialize(back, &again, &size2), XPL_OK);
    ck_assert_uint_eq(size, size2);
    ck_assert(memcmp(bytes, again, size) == 0);
    xpl_free(again);
    xpl_model_free(back);

    /* without names: a 1.0 file, as before */
    ck_assert_int_eq(xpl_model_set_categories(m, 3, NULL, 0), XPL_OK);
    ck_assert_int_eq(xpl_model_set_categories(m, 4, NULL, 0), XPL_OK);
    ck_assert_uint_eq(xpl_model_n_categories(m, 3), 0);
    ck_assert(xpl_model_feature_is_categorical(m, 3)); /* its splits */
    ck_assert_int_eq(xpl_model_serialize(m, &again, &size2), XPL_OK);
    ck_assert_uint_eq(((unsigned char *)again)[10], 0);
    ck_assert_uint_lt(size2, size);
    xpl_free(again);
    xpl_free(bytes);
    xpl_model_free(m);
}
END_TEST

/* model.bin bytes of the lgb_pandas model, its CATEGORIES section found. */
struct bin {
    unsigned char *p;
    size_t n, sec; /* offset of the CATEGORIES section header */
};

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
    }
    return ~c;
}

static void fix_crc(struct bin *b)
{
    put32(b->p + b->n - 4, crc32_of(b->p, b->n - 4));
}

static struct bin bin_with_names(void)
{
    xpl_model *m = load_model(DIR "lgb_pandas.txt");
    struct bin b;
    void *bytes;
    ck_assert_int_eq(xpl_model_serialize(m, &bytes, &b.n), XPL_OK);
    b.p = malloc(b.n);
    memcpy(b.p, bytes, b.n);
    xpl_free(bytes);
    xpl_model_free(m);
    size_t at = 16;
    while (get32(b.p + at) != 18) {
        uint64_t len = get32(b.p + at + 8) |
                       (uint64_t)get32(b.p + at + 12) << 32;
        at += 16 + (size_t)len;
        ck_assert_uint_lt(at, b.n - 4);
    }
    b.sec = at;
    return b;
}

static void expect_bad(struct bin *b, int code, const char *msg)
{
    fix_crc(b);
    xpl_model *m = NULL;
    int rc = xpl_model_load_buffer(&m, b->p, b->n, "t.bin");
    ck_assert_msg(rc == code, "rc %d, expected %d (%s)", rc, code,
                  xpl_last_error());
    ck_assert_msg(strstr(xpl_last_error(), msg), "\"%s\" lacks \"%s\"",
                  xpl_last_error(), msg);
    ck_assert_ptr_null(m);
}

START_TEST(model_bin_bad_sections)
{
    /* payload: u32 count, then u32 feature, u32 n, strings */
    struct bin b = bin_with_names();
    size_t pay = b.sec + 16;
    ck_assert_uint_eq(get32(b.p + pay), 2);
    ck_assert_uint_eq(get32(b.p + pay + 4), 3);
    ck_assert_uint_eq(get32(b.p + pay + 8), 12);

    put32(b.p + pay, 0);
    expect_bad(&b, XPL_EFORMAT, "0 features with category names");
    put32(b.p + pay, 6);
    expect_bad(&b, XPL_EFORMAT, "6 features with category names: expected "
               "1 to 5");
    put32(b.p + pay, 2);
    put32(b.p + pay + 4, 5);
    expect_bad(&b, XPL_EFORMAT, "feature 5: expected a feature index above "
               "-1 and below 5");
    put32(b.p + pay + 4, 3);
    put32(b.p + pay + 8, 0);
    expect_bad(&b, XPL_EFORMAT, "feature 3: 0 category names");
    put32(b.p + pay + 8, 0x7fffffff);
    expect_bad(&b, XPL_ELIMIT, "category names");
    put32(b.p + pay + 8, 4000000);
    expect_bad(&b, XPL_EFORMAT, "category names");
    put32(b.p + pay + 8, 12);
    /* "red" -> "grn": still fine; -> "green" twice is refused */
    size_t first = pay + 12;
    ck_assert_uint_eq(get32(b.p + first), 3);
    ck_assert(memcmp(b.p + first + 4, "red", 3) == 0);
    memcpy(b.p + first + 4, "\xff\xfe\xfd", 3);
    expect_bad(&b, XPL_EFORMAT, "UTF-8");
    /* second name "green" (5 bytes) at first + 7: make the first "gre" and
     * the second "gre" + "en" is not possible; use the small feature:
     * low, mid, high -> low, low, high */
    memcpy(b.p + first + 4, "red", 3);
    size_t at = first;
    for (int k = 0; k < 12; k++)
        at += 4 + get32(b.p + at);
    ck_assert_uint_eq(get32(b.p + at), 4); /* feature 4 */
    ck_assert_uint_eq(get32(b.p + at + 4), 3);
    ck_assert(memcmp(b.p + at + 12, "low", 3) == 0);
    ck_assert(memcmp(b.p + at + 19, "mid", 3) == 0);
    memcpy(b.p + at + 19, "low", 3);
    expect_bad(&b, XPL_EINVAL, "categories 0 and 1 are both named \"low\"");
    memcpy(b.p + at + 19, "mid", 3);
    put32(b.p + at, 3); /* features must increase */
    expect_bad(&b, XPL_EFORMAT, "feature 3: expected a feature index above "
               "3");
    put32(b.p + at, 4);
    fix_crc(&b);
    xpl_model *m;
    ck_assert_int_eq(xpl_model_load_buffer(&m, b.p, b.n, "t.bin"), XPL_OK);
    assert_names(m);
    xpl_model_free(m);

    /* truncated inside the section: its length no longer fits */
    memmove(b.p + b.n - 8, b.p + b.n - 4, 4);
    b.n -= 4;
    expect_bad(&b, XPL_EFORMAT, "section type 18 claims");
    free(b.p);
}
END_TEST

START_TEST(set_categories_errors)
{
    xpl_model *m = load_model(DIR "xgb1_reg.json");
    ck_assert_uint_eq(xpl_model_n_categories(m, 3), 0);
    ck_assert(xpl_model_feature_is_categorical(m, 3));
    ck_assert(!xpl_model_feature_is_categorical(m, 1));
    const char *const two[] = { "a", "b" };
    ck_assert_int_eq(xpl_model_set_categories(NULL, 0, two, 2), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_set_categories(m, 5, two, 2), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_set_categories(m, 3, NULL, 2), XPL_EINVAL);
    ck_assert_int_eq(xpl_model_set_categories(m, 3, (const char *const[]){
                                                  "a", "" }, 2),
                     XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "feature \"cat_big\": the name of "
                     "category 1 is empty");
    ck_assert_int_eq(xpl_model_set_categories(m, 3, (const char *const[]){
                                                  "a", NULL }, 2),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_model_set_categories(m, 3, (const char *const[]){
                                                  "\xc3\x28" }, 1),
                     XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "feature \"cat_big\": the name of "
                     "category 0 is not valid UTF-8");
    ck_assert_int_eq(xpl_model_set_categories(m, 3, (const char *const[]){
                                                  "b", "a", "b" }, 3),
                     XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "feature \"cat_big\": categories 0 "
                     "and 2 are both named \"b\"");
    char *long_name = malloc(XPL_MAX_NAME_LENGTH + 2);
    memset(long_name, 'x', XPL_MAX_NAME_LENGTH + 1);
    long_name[XPL_MAX_NAME_LENGTH + 1] = '\0';
    ck_assert_int_eq(xpl_model_set_categories(m, 3, (const char *const *)
                                              &long_name, 1),
                     XPL_ELIMIT);
    free(long_name);
    ck_assert_int_eq(xpl_model_set_categories(m, 3, two,
                                              XPL_MAX_CATEGORIES + 1),
                     XPL_ELIMIT);
    ck_assert_uint_eq(xpl_model_n_categories(m, 3), 0); /* unchanged */
    ck_assert_int_eq(xpl_model_set_categories(m, 3, big, 12), XPL_OK);
    ck_assert_int_eq(xpl_model_set_categories(m, 4, small, 3), XPL_OK);
    assert_names(m);
    /* the names give XGBoost 1.7.4's model the same rows as codes */
    size_t n, n2;
    double *a = predict_rows(m, DIR "rows_names.csv", 0, &n);
    double *b = predict_rows(m, DIR "rows_names_codes.csv", 0, &n2);
    ck_assert_uint_eq(n, n2);
    ck_assert(memcmp(a, b, n * sizeof *a) == 0);
    free(a);
    free(b);
    xpl_model_free(m);
}
END_TEST

/* Parse CATS.json text into a fresh xgb1_reg model. */
static int read_cats(const char *text, xpl_model **out)
{
    xpl_model *m = load_model(DIR "xgb1_reg.json");
    const char *path = write_tmp("cats.json", text, strlen(text));
    int rc = xpl_model_read_categories(m, path);
    *out = m;
    return rc;
}

static void cats_error(const char *text, int code, const char *msg)
{
    xpl_model *m;
    int rc = read_cats(text, &m);
    ck_assert_msg(rc == code, "%s: rc %d (%s)", text, rc, xpl_last_error());
    const char *e = xpl_last_error();
    const char *colon = strstr(e, "cats.json:");
    ck_assert_msg(colon && strcmp(colon + strlen("cats.json:"), msg) == 0,
                  "\"%s\": expected \"cats.json:%s\"", e, msg);
    /* the model is unchanged */
    for (size_t j = 0; j < 5; j++)
        ck_assert_uint_eq(xpl_model_n_categories(m, j), 0);
    xpl_model_free(m);
}

START_TEST(cats_json)
{
    xpl_model *m;
    ck_assert_int_eq(xpl_model_read_categories(NULL, "x"), XPL_EINVAL);
    ck_assert_int_eq(read_cats("\xef\xbb\xbf {\"cat_small\": [\"low\",\r\n"
                               "\"mi\\u0064\", \"h\\u00e9\\ud83d\\ude00\"],"
                               " \"num_a\": [\"x\"]}\n", &m), XPL_OK);
    ck_assert_uint_eq(xpl_model_n_categories(m, 4), 3);
    ck_assert_str_eq(xpl_model_category_names(m, 4)[1], "mid");
    ck_assert_str_eq(xpl_model_category_names(m, 4)[2],
                     "h\xc3\xa9\xf0\x9f\x98\x80");
    ck_assert_uint_eq(xpl_model_n_categories(m, 0), 1);
    /* a second file replaces what it lists, keeps the rest */
    const char *p = write_tmp("c2.json", "{\"cat_small\":[\"a\"]}", 19);
    ck_assert_int_eq(xpl_model_read_categories(m, p), XPL_OK);
    ck_assert_uint_eq(xpl_model_n_categories(m, 4), 1);
    ck_assert_uint_eq(xpl_model_n_categories(m, 0), 1);
    xpl_model_free(m);
    ck_assert_int_eq(read_cats("{}", &m), XPL_OK);
    xpl_model_free(m);
    ck_assert_int_eq(read_cats(src_path(DIR "cats.json"), &m), XPL_EFORMAT);
    xpl_model_free(m);
    m = load_model(DIR "xgb1_reg.json");
    ck_assert_int_eq(xpl_model_read_categories(m, src_path(DIR "cats.json")),
                     XPL_OK);
    assert_names(m);
    ck_assert_int_eq(xpl_model_read_categories(m, "/nonexistent/c.json"),
                     XPL_EIO);
    assert_names(m);
    xpl_model_free(m);

    cats_error("", XPL_EFORMAT, "1:1: expected '{' (an object: feature "
               "name -> category names), found the end of the file");
    cats_error("[1]", XPL_EFORMAT, "1:1: expected '{' (an object: feature "
               "name -> category names), found '['");
    cats_error("{\n  \"nope\": [\"a\"]}", XPL_EFORMAT,
               "2:3: the model has no feature \"nope\"");
    cats_error("{\"cat_big\": [\"a\"],\n \"cat_big\": [\"b\"]}", XPL_EFORMAT,
               "2:2: feature \"cat_big\" is given twice");
    cats_error("{\"cat_big\": [\"a\", 3]}", XPL_EFORMAT,
               "1:19: expected a category name (a string), found '3'");
    cats_error("{\"cat_big\": []}", XPL_EFORMAT,
               "1:13: feature \"cat_big\": no category names");
    cats_error("{\"cat_big\": \"red\"}", XPL_EFORMAT,
               "1:13: expected '[' (the feature's category names), found "
               "'\"'");
    cats_error("{\"cat_big\": [\"a\", \"b\",\n\t\"a\"]}", XPL_EFORMAT,
               "2:2: feature \"cat_big\": category 2 is named \"a\" like an "
               "earlier one");
    cats_error("{\"cat_big\": [\"a\", \"\"]}", XPL_EFORMAT,
               "1:19: feature \"cat_big\": the name of category 1 is empty");
    cats_error("{\"cat_big\": [\"a\" \"b\"]}", XPL_EFORMAT,
               "1:18: expected ',' or ']', found '\"'");
    cats_error("{\"cat_big\": [\"a\"] \"x\"}", XPL_EFORMAT,
               "1:19: expected ',' or '}', found '\"'");
    cats_error("{\"cat_big\" [\"a\"]}", XPL_EFORMAT,
               "1:12: expected ':', found '['");
    cats_error("{\"cat_big\": [\"a\"]} x", XPL_EFORMAT,
               "1:20: expected the end of the file after the object, found "
               "'x'");
    cats_error("{\"cat_big\": [\"a\\q\"]}", XPL_EFORMAT,
               "1:16: bad escape sequence");
    cats_error("{\"cat_big\": [\"a\\u12\"]}", XPL_EFORMAT,
               "1:16: bad escape sequence");
    cats_error("{\"cat_big\": [\"\\ud800x\"]}", XPL_EFORMAT,
               "1:15: a high surrogate without its low surrogate");
    cats_error("{\"cat_big\": [\"\\udc00\"]}", XPL_EFORMAT,
               "1:15: a lone low surrogate");
    cats_error("{\"cat_big\": [\"\\u0000\"]}", XPL_EFORMAT,
               "1:15: a NUL character in a string");
    cats_error("{\"cat_big\": [\"a\tb\"]}", XPL_EFORMAT,
               "1:16: control character 0x09 in a string (write it as "
               "\\u0009)");
    cats_error("{\"cat_big\": [\"\xff\"]}", XPL_EFORMAT,
               "1:14: the string is not valid UTF-8");
    cats_error("{\"cat_big\": [\"abc", XPL_EFORMAT,
               "1:14: unterminated string");
    cats_error("{\"cat_big\": [\"a\",", XPL_EFORMAT,
               "1:18: expected a category name (a string), found the end "
               "of the file");
    cats_error("{\"cat_big\": [\"a\"],\n\"cat_small\": [\"x\", \"y\"],\n"
               "\"num_a\": []}", XPL_EFORMAT,
               "3:10: feature \"num_a\": no category names");
}
END_TEST

/* The explainer names the codes of each row; JSON shows the name. */
START_TEST(explanations_show_names)
{
    xpl_model *m = load_model(DIR "lgb_pandas.txt");
    xpl_explainer_options o = XPL_EXPLAINER_OPTIONS_INIT;
    xpl_explainer *ex;
    ck_assert_int_eq(xpl_explainer_new(&ex, m, NULL, &o), XPL_OK);
    xpl_workspace *ws;
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    double x[5] = { 0.5, NAN, 0, 10, 2.5 };
    xpl_explanation e;
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, x, &e), XPL_OK);
    ck_assert_ptr_nonnull(e.value_names);
    ck_assert_ptr_null(e.value_names[0]);
    ck_assert_str_eq(e.value_names[3], "pink");
    ck_assert_ptr_null(e.value_names[4]); /* 2.5 is no code */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    ck_assert_int_eq(xpl_render_json(fp, &e), XPL_OK);
    fclose(fp);
    ck_assert_ptr_nonnull(strstr(buf, "{\"name\":\"cat_big\",\"value\":"
                                 "\"pink\",\"contribution\":"));
    ck_assert_ptr_nonnull(strstr(buf, "{\"name\":\"cat_small\",\"value\":2.5,"));
    free(buf);
    /* no name in range: no array */
    double y[5] = { 0.5, NAN, 0, 12, -1 };
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, y, &e), XPL_OK);
    ck_assert_ptr_null(e.value_names);
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_model_free(m);

    /* models without names never have the array */
    m = load_model(DIR "lgb_regression.txt");
    ck_assert_int_eq(xpl_explainer_new(&ex, m, NULL, &o), XPL_OK);
    ck_assert_int_eq(xpl_workspace_new(&ws), XPL_OK);
    ck_assert_int_eq(xpl_explainer_explain(ex, ws, x, &e), XPL_OK);
    ck_assert_ptr_null(e.value_names);
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_model_free(m);
}
END_TEST

/* Malformed stored names in the model files: the fixture's last line,
 * the names, replaced. */
static const char stored[] =
    "pandas_categorical:[[\"red\", \"green\", \"blue\", \"cyan\", "
    "\"magenta\", \"yellow\", \"black\", \"white\", \"grey\", \"orange\", "
    "\"pink\", \"brown\"], [\"low\", \"mid\", \"high\"]]\n";

START_TEST(bad_stored_names)
{
    size_t size;
    char *text = read_source(DIR "lgb_pandas.txt", &size);
    ck_assert(size > strlen(stored) &&
              strcmp(text + size - strlen(stored), stored) == 0);
    static const struct bad_edit cases[] = {
        { stored, "pandas_categorical:[[\"a\", \"b\"]]\n", XPL_EFORMAT,
          "pandas_categorical lists 1 features' categories; the model has 2 "
          "categorical features" },
        { stored, "pandas_categorical:[[\"a\", \"a\"], [\"x\"]]\n",
          XPL_EINVAL,
          "feature \"cat_big\": categories 0 and 1 are both named \"a\"" },
        { stored, "pandas_categorical:[[\"a\", {}], [\"x\"]]\n", XPL_EFORMAT,
          "entry 0, category 1: expected a string or a number" },
        { stored, "pandas_categorical:[[\"a\"], 7]\n", XPL_EFORMAT,
          "entry 1 is not a list" },
        { stored, "pandas_categorical:{\"a\": 1}\n", XPL_EFORMAT,
          "expected a list of lists" },
        { stored, "pandas_categorical:[[\"a\"\n", XPL_EFORMAT,
          "pandas_categorical:" },
    };
    expect_bad_edits(text, "l.txt", cases, sizeof cases / sizeof cases[0]);
    /* numbers are named as Python prints them; null: no names */
    const struct {
        const char *line;
        const char *name1;
    } ok[] = {
        { "pandas_categorical:[[1, 5], [2.5, 3.0, true]]\n", "5" },
        { "pandas_categorical:null\n", NULL },
    };
    for (size_t i = 0; i < 2; i++) {
        char *good = edit_text(text, stored, ok[i].line);
        xpl_model *m = NULL;
        ck_assert_int_eq(xpl_model_load_buffer(&m, good, strlen(good),
                                               "l.txt"), XPL_OK);
        if (ok[i].name1) {
            ck_assert_str_eq(xpl_model_category_names(m, 3)[1], "5");
            ck_assert_str_eq(xpl_model_category_names(m, 4)[0], "2.5");
            ck_assert_str_eq(xpl_model_category_names(m, 4)[1], "3.0");
            ck_assert_str_eq(xpl_model_category_names(m, 4)[2], "True");
        } else {
            ck_assert_uint_eq(xpl_model_n_categories(m, 3), 0);
        }
        xpl_model_free(m);
        free(good);
    }
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("categories");
    TCase *tc = tcase_create("categories");
    tcase_add_test(tc, lightgbm_pandas_categorical);
    tcase_add_test(tc, xgboost_encodings);
    tcase_add_test(tc, unseen_names_as_missing);
    tcase_add_test(tc, xgboost_unseen_names_differ);
    tcase_add_test(tc, model_bin_round_trip);
    tcase_add_test(tc, model_bin_bad_sections);
    tcase_add_test(tc, set_categories_errors);
    tcase_add_test(tc, cats_json);
    tcase_add_test(tc, explanations_show_names);
    tcase_add_test(tc, bad_stored_names);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
