/* CSV reading: cell syntax, layouts, column selection, streaming, and every
 * error path with its exact "path:line:column:" position. */
#include "check_helpers.h"

#include <xplain/xplain.h>

#include <fcntl.h>
#include <float.h>
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_BYTES (64 * 1024)

/* write_tmp's buffer is overwritten by the next call: keep a copy. */
static const char *tmp_csv(const char *name, const char *content, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", write_tmp(name, content, len));
    return path;
}

static const char *tmp_text(const char *name, const char *content)
{
    return tmp_csv(name, content, strlen(content));
}

static xpl_dataset *read_ok(const char *path, const xpl_csv_options *o)
{
    xpl_dataset *ds = NULL;
    int rc = xpl_dataset_read_csv(&ds, path, o);
    ck_assert_msg(rc == XPL_OK, "%s: %s", path, xpl_last_error());
    ck_assert_ptr_nonnull(ds);
    return ds;
}

static xpl_dataset *read_str(const char *content, const xpl_csv_options *o)
{
    return read_ok(tmp_text("ok.csv", content), o);
}

static void assert_values(const xpl_dataset *ds, size_t n_rows,
                          size_t n_cols, const double *want)
{
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), n_rows);
    ck_assert_uint_eq(xpl_dataset_n_cols(ds), n_cols);
    const double *x = xpl_dataset_data(ds);
    for (size_t i = 0; i < n_rows * n_cols; i++) {
        if (isnan(want[i]))
            ck_assert_msg(isnan(x[i]), "cell %zu: %g, want NaN", i, x[i]);
        else
            ck_assert_msg(x[i] == want[i], "cell %zu: %.17g, want %.17g", i,
                          x[i], want[i]);
    }
}

/* Read `content` both whole and streamed row by row: both must fail with
 * `code` and the message "<path>:<where_what>". */
static void expect_fail_n(const char *content, size_t len,
                          const xpl_csv_options *o, int code,
                          const char *where_what)
{
    const char *path = tmp_csv("bad.csv", content, len);
    char want[2048];
    snprintf(want, sizeof want, "%s:%s", path, where_what);

    xpl_dataset *ds = (xpl_dataset *)&want;
    int rc = xpl_dataset_read_csv(&ds, path, o);
    ck_assert_msg(rc == code, "%s: rc %d, want %d (%s)", where_what, rc, code,
                  xpl_last_error());
    ck_assert_ptr_null(ds);
    ck_assert_str_eq(xpl_last_error(), want);

    xpl_csv_reader *r = NULL;
    rc = xpl_csv_reader_open(&r, path, o);
    if (rc == XPL_OK) {
        double row[64];
        size_t got = 0;
        ck_assert_uint_le(xpl_csv_reader_n_cols(r), 64);
        while ((rc = xpl_csv_reader_read(r, row, 1, &got)) == XPL_OK && got)
            ;
        xpl_csv_reader_free(r);
    } else {
        ck_assert_ptr_null(r);
    }
    ck_assert_int_eq(rc, code);
    ck_assert_str_eq(xpl_last_error(), want);
}

static void expect_fail(const char *content, const xpl_csv_options *o,
                        int code, const char *where_what)
{
    expect_fail_n(content, strlen(content), o, code, where_what);
}

/* ------------------------------------------------------------ layouts */

START_TEST(test_basic)
{
    xpl_dataset *ds = read_str("a,b,c\n1,2,3\n4.5,-6,7e-1\n", NULL);
    const double want[] = { 1, 2, 3, 4.5, -6, 0.7 };
    assert_values(ds, 2, 3, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "a");
    ck_assert_str_eq(xpl_dataset_col_name(ds, 2), "c");
    ck_assert_ptr_null(xpl_dataset_col_name(ds, 3));
    ck_assert_ptr_null(xpl_dataset_weights(ds));
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_no_trailing_newline)
{
    xpl_dataset *ds = read_str("a,b\n1,2\n3,4", NULL);
    const double want[] = { 1, 2, 3, 4 };
    assert_values(ds, 2, 2, want);
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_line_ends)
{
    const double want[] = { 1, 2, 3, 4 };
    const char *variants[] = {
        "a,b\r\n1,2\r\n3,4\r\n", /* CRLF */
        "a,b\r1,2\r3,4\r",       /* old Mac CR */
        "a,b\n1,2\r\n3,4",       /* mixed, no final line end */
    };
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        xpl_dataset *ds = read_str(variants[i], NULL);
        assert_values(ds, 2, 2, want);
        ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "b");
        xpl_dataset_free(ds);
    }
    /* Physical lines are counted the same way for every line end. */
    expect_fail("a,b\r\n1,2\r\n\r\n3,x\r\n", NULL, XPL_EFORMAT,
                "4: field 2: expected a number, found \"x\"");
    expect_fail("a,b\r1,2\r\r3,x\r", NULL, XPL_EFORMAT,
                "4: field 2: expected a number, found \"x\"");
}
END_TEST

START_TEST(test_bom_crlf_fixture)
{
    xpl_dataset *ds = read_ok(src_path("tests/data/csv/bom_crlf.csv"), NULL);
    const double want[] = { 1, 2, 3, 4 };
    assert_values(ds, 2, 2, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "a");
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_quoted_fixture)
{
    xpl_dataset *ds = read_ok(src_path("tests/data/csv/quoted.csv"), NULL);
    const double want[] = { 1.5, 2, -300, 4, 5.25, 6 };
    assert_values(ds, 2, 3, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "age");
    ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "body mass, index");
    ck_assert_str_eq(xpl_dataset_col_name(ds, 2), "s\"1");
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_quoted_newline_in_header)
{
    xpl_dataset *ds = read_str("\"two\nlines\",b\n1,2\n", NULL);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "two\nlines");
    xpl_dataset_free(ds);
    /* The quoted line end is still a physical line. */
    expect_fail("\"two\nlines\",b\n1,x\n", NULL, XPL_EFORMAT,
                "3: field 2: expected a number, found \"x\"");
}
END_TEST

START_TEST(test_blank_lines)
{
    xpl_dataset *ds = read_str("\n\na,b\n\n1,2\n   \n\t\n\r\n3,4\n\n\n", NULL);
    const double want[] = { 1, 2, 3, 4 };
    assert_values(ds, 2, 2, want);
    xpl_dataset_free(ds);
    expect_fail("a\n\n1\n\n\nx\n", NULL, XPL_EFORMAT,
                "6: field 1: expected a number, found \"x\"");
}
END_TEST

START_TEST(test_header_only)
{
    const char *variants[] = { "a,b\n", "a,b", "\357\273\277a,b\r\n\r\n" };
    for (size_t i = 0; i < 3; i++) {
        xpl_dataset *ds = read_str(variants[i], NULL);
        ck_assert_uint_eq(xpl_dataset_n_rows(ds), 0);
        ck_assert_uint_eq(xpl_dataset_n_cols(ds), 2);
        ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "b");
        xpl_dataset_free(ds);
    }
}
END_TEST

START_TEST(test_delimiters)
{
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.delimiter = '\t';
    xpl_dataset *ds = read_str("a\tb\tc\n1\t\t3\n", &o);
    const double want[] = { 1, NAN, 3 };
    assert_values(ds, 1, 3, want);
    xpl_dataset_free(ds);

    o.delimiter = ';';
    ds = read_str("a;b\n1.5;2\n", &o);
    const double want2[] = { 1.5, 2 };
    assert_values(ds, 1, 2, want2);
    xpl_dataset_free(ds);
    /* A comma is then part of the cell: "1,5" is not a number. */
    expect_fail("a;b\n1,5;2\n", &o, XPL_EFORMAT,
                "2: field 1: expected a number, found \"1,5\"");
}
END_TEST

/* --------------------------------------------------------------- cells */

START_TEST(test_missing_tokens)
{
    xpl_dataset *ds =
        read_str("a,b,c\n,NA,NaN\nnan,\"\", NA \n\" \",\"nan\",-nan\n", NULL);
    const double want[] = { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
    assert_values(ds, 3, 3, want);
    /* Missing values are plain NaN, whatever the spelling. */
    const double *x = xpl_dataset_data(ds);
    for (size_t i = 0; i < 9; i++)
        ck_assert(!signbit(x[i]));
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_number_syntax)
{
    xpl_dataset *ds = read_str(
        "a,b,c,d\n"
        "inf,-inf,Infinity,-Infinity\n"
        " 1 ,\t2\t,\" 3 \",\"-4.5e1\"\n"
        "+5,.5,5.,1E2\n"
        "4.9e-324,2.2250738585072014e-308,1e-400,-0\n"
        "1.7976931348623157e308,-1.7976931348623157e308,0.1,123456789012\n",
        NULL);
    const double want[] = {
        INFINITY, -INFINITY, INFINITY, -INFINITY,
        1, 2, 3, -45,
        5, 0.5, 5, 100,
        4.9e-324, DBL_MIN, 0, -0.0,
        DBL_MAX, -DBL_MAX, 0.1, 123456789012.0,
    };
    assert_values(ds, 5, 4, want);
    const double *x = xpl_dataset_data(ds);
    ck_assert(x[12] > 0);           /* the subnormal survives */
    ck_assert(signbit(x[15]));      /* -0 stays negative zero */
    xpl_dataset_free(ds);
}
END_TEST

/* The reader's fast path for plain decimals (Clinger's) against strtod:
 * random digit strings with and without a point, leading zeros, signs and
 * exponents, around the fast path's edges (2^53, 10^+-22) and beyond
 * them, must read as the very double strtod gives. */
START_TEST(test_numbers_match_strtod)
{
    enum { N = 20000 };
    char *csv = malloc((size_t)N * 48 + 8);
    char (*cells)[48] = malloc(sizeof *cells * N);
    ck_assert(csv && cells);
    uint64_t state = 0x2545F4914F6CDD1Dull;
    size_t len = (size_t)sprintf(csv, "a\n");
    for (int i = 0; i < N; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint64_t r = state;
        int nd = 1 + (int)(r % 19), point = (int)((r >> 8) % (nd + 2)) - 1;
        char *c = cells[i];
        int k = 0;
        if ((r >> 16) % 3 == 0)
            c[k++] = (r >> 18) % 2 ? '-' : '+';
        uint64_t d = r >> 20;
        for (int j = 0; j < nd; j++) {
            if (j == point)
                c[k++] = '.';
            c[k++] = (char)('0' + (j == 0 && (r >> 5) % 4 ? 9 - d % 10
                                                          : d % 10));
            d = d / 10 ? d / 10 : state >> 3;
        }
        if ((r >> 24) % 2) {
            int e = (int)((r >> 32) % 61) - 30;
            k += sprintf(c + k, "%s%d", (r >> 40) % 2 ? "e" : "E", e);
        }
        c[k] = '\0';
        len += (size_t)sprintf(csv + len, "%s\n", c);
    }
    xpl_dataset *ds = read_ok(tmp_csv("numbers.csv", csv, len), NULL);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), N);
    const double *x = xpl_dataset_data(ds);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        double want = strtod(cells[i], NULL);
        if (memcmp(&want, &x[i], sizeof want) != 0 && bad++ < 10)
            printf("# \"%s\": %a, strtod %a\n", cells[i], x[i], want);
    }
    ck_assert_int_eq(bad, 0);
    xpl_dataset_free(ds);
    free(csv);
    free(cells);
}
END_TEST

START_TEST(test_locale_independent)
{
    /* Where a decimal-comma locale is installed, it must not change how
     * "1.5" reads. Without one this still checks the default path. */
    const char *locales[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                              "C.UTF-8" };
    for (size_t i = 0; i < 4; i++)
        if (setlocale(LC_ALL, locales[i]))
            break;
    xpl_dataset *ds = read_str("a,b\n1.5,-2.25e1\n", NULL);
    const double want[] = { 1.5, -22.5 };
    assert_values(ds, 1, 2, want);
    xpl_dataset_free(ds);
    expect_fail("a\n\"1,5\"\n", NULL, XPL_EFORMAT,
                "2: field 1: expected a number, found \"1,5\"");
    setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_bad_cells)
{
    expect_fail("a,b,c\n1,2,3\n1,2,abc\n", NULL, XPL_EFORMAT,
                "3: field 3: expected a number, found \"abc\"");
    expect_fail("a,b\n1,2x\n", NULL, XPL_EFORMAT,
                "2: field 2: expected a number, found \"2x\"");
    expect_fail("a,b\n0x1p3,2\n", NULL, XPL_EFORMAT,
                "2: field 1: expected a number, found \"0x1p3\"");
    expect_fail("a,b\n1,-0X1A\n", NULL, XPL_EFORMAT,
                "2: field 2: expected a number, found \"-0X1A\"");
    expect_fail("a,b\n1e999,2\n", NULL, XPL_EFORMAT,
                "2: field 1: number out of range, found \"1e999\"");
    expect_fail("a,b\n1,-1e999\n", NULL, XPL_EFORMAT,
                "2: field 2: number out of range, found \"-1e999\"");
    expect_fail("a,b\n1,\"1 2\"\n", NULL, XPL_EFORMAT,
                "2: field 2: expected a number, found \"1 2\"");
    expect_fail("a,b\n1,NULL\n", NULL, XPL_EFORMAT,
                "2: field 2: expected a number, found \"NULL\"");
    expect_fail("a,b\n1,1.5.2\n", NULL, XPL_EFORMAT,
                "2: field 2: expected a number, found \"1.5.2\"");
    /* Quotes and control bytes are escaped in the message. */
    expect_fail("a,b\n1,\"say \"\"hi\"\"\"\n", NULL, XPL_EFORMAT,
                "2: field 2: expected a number, found \"say \\\"hi\\\"\"");
    expect_fail_n("a,b\n1,1\0002\n", 10, NULL, XPL_EFORMAT,
                  "2: field 2: expected a number, found \"1\\x002\"");
    /* Long cells are cut in the message. */
    expect_fail("a\nabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\n",
                NULL, XPL_EFORMAT,
                "2: field 1: expected a number, found "
                "\"abcdefghijklmnopqrstuvwxyzabcdefghijklmn...\"");
}
END_TEST

/* ------------------------------------------------------------- structure */

START_TEST(test_ragged_rows)
{
    expect_fail("a,b,c\n1,2,3\n1,2\n", NULL, XPL_EFORMAT,
                "3: expected 3 fields, found 2");
    expect_fail("a,b\n1,2,3\n", NULL, XPL_EFORMAT,
                "2: expected 2 fields, found 3");
    expect_fail("a,b\n1,2,\n", NULL, XPL_EFORMAT,
                "2: expected 2 fields, found 3");
    expect_fail("a\n1\n2,3\n", NULL, XPL_EFORMAT,
                "3: expected 1 field, found 2");
    /* The final row without a line end is checked too. */
    expect_fail("a,b\n1,2\n3", NULL, XPL_EFORMAT,
                "3: expected 2 fields, found 1");
}
END_TEST

START_TEST(test_bad_quoting)
{
    expect_fail("a,b\n1,2\"3\n", NULL, XPL_EFORMAT,
                "2: field 2: quote inside an unquoted field (quote the whole field "
                "and double the inner quotes)");
    expect_fail("a,b\n\"1\"x,2\n", NULL, XPL_EFORMAT,
                "2: field 1: unexpected character after a closing quote");
    expect_fail("a,b\n\"1\" \"2\",3\n", NULL, XPL_EFORMAT,
                "2: field 1: unexpected character after a closing quote");
    expect_fail("a,b\n1,\"2\n3,4\n", NULL, XPL_EFORMAT,
                "2: field 2: unterminated quoted field");
    expect_fail("a,b\n1,\"2", NULL, XPL_EFORMAT,
                "2: field 2: unterminated quoted field");
    /* A quoted field that closed, then another that never does. */
    expect_fail("a,b\n\"1\n\",\"2\n\n", NULL, XPL_EFORMAT,
                "3: field 2: unterminated quoted field");
}
END_TEST

START_TEST(test_header_errors)
{
    expect_fail("a,b,a\n1,2,3\n", NULL, XPL_EFORMAT,
                "1: field 3: duplicate column name \"a\" (also field 1)");
    expect_fail("x,y,z,y,x\n", NULL, XPL_EFORMAT,
                "1: field 4: duplicate column name \"y\" (also field 2)");
    expect_fail("a,,c\n1,2,3\n", NULL, XPL_EFORMAT, "1: field 2: empty column name");
    expect_fail("a,\"\"\n", NULL, XPL_EFORMAT, "1: field 2: empty column name");
    expect_fail("\n\na,b,\n", NULL, XPL_EFORMAT, "3: field 3: empty column name");
    expect_fail_n("a,b\0c\n", 6, NULL, XPL_EFORMAT,
                  "1: field 2: column name contains a NUL byte");
}
END_TEST

START_TEST(test_empty_file)
{
    expect_fail("", NULL, XPL_EFORMAT, "1: empty file, expected a header");
    expect_fail("\n\r\n  \n", NULL, XPL_EFORMAT,
                "1: empty file, expected a header");
    expect_fail("\xef\xbb\xbf", NULL, XPL_EFORMAT,
                "1: empty file, expected a header");
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = 0;
    expect_fail("", &o, XPL_EFORMAT, "1: empty file, expected a row");

    /* With named columns and no header, an empty file has 0 rows. */
    const char *cols[] = { "x", "y" };
    o.columns = cols;
    o.n_columns = 2;
    xpl_dataset *ds = read_str("", &o);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), 0);
    ck_assert_uint_eq(xpl_dataset_n_cols(ds), 2);
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_nonexistent_file)
{
    char path[600];
    snprintf(path, sizeof path, "%s/does-not-exist.csv", tmp_dir());
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, NULL), XPL_EIO);
    ck_assert_ptr_null(ds);
    char want[700];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory",
             path);
    ck_assert_str_eq(xpl_last_error(), want);

    xpl_csv_reader *r = (xpl_csv_reader *)path;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_EIO);
    ck_assert_ptr_null(r);

    /* A directory opens but cannot be read. */
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, tmp_dir(), NULL), XPL_EIO);
    snprintf(want, sizeof want, "%s:1: read error: ", tmp_dir());
    ck_assert_msg(strncmp(xpl_last_error(), want, strlen(want)) == 0, "%s",
                  xpl_last_error());
}
END_TEST

/* Regression: the I/O messages came from strerror, whose buffer is shared by
 * every thread. They now come from strerror_l; each thread must see its own
 * complete message. */
struct io_job {
    const char *missing; /* a path that does not exist */
    const char *dir;     /* a directory */
    int bad;             /* messages that were not the expected ones */
};

static void *io_messages(void *arg)
{
    struct io_job *job = arg;
    char want_open[700], want_read[700];
    snprintf(want_open, sizeof want_open,
             "%s: cannot open: No such file or directory", job->missing);
    snprintf(want_read, sizeof want_read, "%s:1: read error: Is a directory",
             job->dir);
    for (int i = 0; i < 200; i++) {
        xpl_dataset *ds = NULL;
        const char *path = i % 2 ? job->missing : job->dir;
        if (xpl_dataset_read_csv(&ds, path, NULL) != XPL_EIO || ds ||
            strcmp(xpl_last_error(), i % 2 ? want_open : want_read) != 0)
            job->bad++;
    }
    return NULL;
}

START_TEST(test_io_messages_threads)
{
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no-such-file.csv", tmp_dir());
    enum { N_THREADS = 8 };
    pthread_t threads[N_THREADS];
    struct io_job jobs[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        jobs[t] = (struct io_job){ missing, tmp_dir(), 0 };
        ck_assert_int_eq(pthread_create(&threads[t], NULL, io_messages,
                                        &jobs[t]), 0);
    }
    for (int t = 0; t < N_THREADS; t++) {
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
        ck_assert_int_eq(jobs[t].bad, 0);
    }
}
END_TEST

/* ---------------------------------------------------------------- limits */

static char *repeat(char c, size_t n, const char *prefix, const char *suffix)
{
    size_t p = strlen(prefix), s = strlen(suffix);
    char *buf = malloc(p + n + s + 1);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, prefix, p);
    memset(buf + p, c, n);
    memcpy(buf + p + n, suffix, s + 1);
    return buf;
}

START_TEST(test_field_too_long)
{
    char msg[128];
    snprintf(msg, sizeof msg, "2: field 2: longer than %zu bytes",
             (size_t)XPL_MAX_FIELD_LENGTH);
    char *text = repeat('1', XPL_MAX_FIELD_LENGTH + 1, "a,b\n1,", "\n");
    expect_fail(text, NULL, XPL_ELIMIT, msg);
    free(text);
    /* A quoted field that never closes is cut off at the limit too, and
     * its position is where it stopped. */
    text = repeat('1', XPL_MAX_FIELD_LENGTH + 1, "a,b\n1,\"", "");
    expect_fail(text, NULL, XPL_ELIMIT, msg);
    free(text);
    /* Exactly at the limit is fine (it is just not a number). */
    text = repeat('1', XPL_MAX_FIELD_LENGTH, "a,b\n1,", "\n");
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_read_csv(
                         &ds, tmp_text("max.csv", text), NULL),
                     XPL_EFORMAT);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), ":2: field 2: number out of range"));
    free(text);

    snprintf(msg, sizeof msg, "1: field 2: column name is longer than %zu bytes",
             (size_t)XPL_MAX_NAME_LENGTH);
    text = repeat('n', XPL_MAX_NAME_LENGTH + 1, "a,", "\n1,2\n");
    expect_fail(text, NULL, XPL_ELIMIT, msg);
    free(text);
}
END_TEST

START_TEST(test_too_many_columns)
{
    /* One name too many: "c,c,...,c". The limit is met before the
     * duplicate check. */
    size_t n = XPL_MAX_FEATURES + 1;
    char *text = malloc(2 * n + 1);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = 'c';
        text[2 * i + 1] = i + 1 < n ? ',' : '\n';
    }
    text[2 * n] = '\0';
    char msg[128];
    snprintf(msg, sizeof msg, "1: field %zu: more than %zu columns", n,
             (size_t)XPL_MAX_FEATURES);
    expect_fail(text, NULL, XPL_ELIMIT, msg);

    /* The same row as data without a header. */
    for (size_t i = 0; i < n; i++)
        text[2 * i] = '0';
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = 0;
    expect_fail(text, &o, XPL_ELIMIT, msg);
    free(text);
}
END_TEST

/* ------------------------------------------------------ column selection */

START_TEST(test_select_by_name)
{
    const char *cols[] = { "age", "bmi", "s3" };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 3;
    /* Reordered, and the text columns id and target are never parsed. */
    xpl_dataset *ds = read_ok(src_path("tests/data/csv/select.csv"), &o);
    const double want[] = { 41, 22.5, 0.5, NAN, 30, NAN, 67, 18.25, -1e-3 };
    assert_values(ds, 3, 3, want);
    for (size_t j = 0; j < 3; j++)
        ck_assert_str_eq(xpl_dataset_col_name(ds, j), cols[j]);
    xpl_dataset_free(ds);

    /* Ignored columns still count for the row width. */
    expect_fail("id,x\nabc,1\nabc\n", &(xpl_csv_options){
                    XPL_CSV_OPTIONS_VERSION, 1, ',',
                    (const char *const[]){ "x" }, 1, NULL, 0, NULL, 0, NULL,
                    NULL, 0 },
                XPL_EFORMAT, "3: expected 2 fields, found 1");
}
END_TEST

START_TEST(test_missing_columns)
{
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    const char *two[] = { "bmi", "age", "s3", "s4" };
    o.columns = two;
    o.n_columns = 4;
    expect_fail("age,s4,x\n1,2,3\n", &o, XPL_ESHAPE,
                "1: missing columns \"bmi\", \"s3\"");
    o.n_columns = 2;
    expect_fail("\n\nage,x\n1,2\n", &o, XPL_ESHAPE, "3: missing column \"bmi\"");

    /* A long list is cut short with the total. */
    enum { MANY = 200 };
    static char names[MANY][16];
    const char *many[MANY];
    for (size_t i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "feature_%03zu", i);
        many[i] = names[i];
    }
    o.columns = many;
    o.n_columns = MANY;
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_read_csv(
                         &ds, tmp_text("m.csv", "a\n1\n"), &o),
                     XPL_ESHAPE);
    const char *msg = xpl_last_error();
    ck_assert_ptr_nonnull(strstr(msg, ":1: missing columns \"feature_000\", "
                                      "\"feature_001\""));
    ck_assert_ptr_nonnull(strstr(msg, ", ... (200 in all)"));
    ck_assert_uint_lt(strlen(msg), 1000);
}
END_TEST

/* What pandas and spreadsheets write: df.to_csv() puts the row index first
 * under an empty name; unused columns may repeat a name or have none. */
START_TEST(test_pandas_index_and_unused_names)
{
    /* Every column kept: the unnamed first column is the index, skipped. */
    xpl_dataset *ds = read_str(",a,b\n0,1,2\n1,3,4\n", NULL);
    const double want[] = { 1, 2, 3, 4 };
    assert_values(ds, 2, 2, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "a");
    ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "b");
    xpl_dataset_free(ds);
    /* ... and so is it streamed. */
    xpl_csv_reader *r = NULL;
    ck_assert_int_eq(xpl_csv_reader_open(&r, tmp_text("p.csv", ",a\n7,8\n"),
                                         NULL), XPL_OK);
    ck_assert_uint_eq(xpl_csv_reader_n_cols(r), 1);
    double row[2] = { 0, 0 };
    size_t got = 0;
    ck_assert_int_eq(xpl_csv_reader_read(r, row, 2, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert(row[0] == 8);
    xpl_csv_reader_free(r);
    /* A column of its own without a name has nothing to be called. */
    expect_fail("\"\"\n1\n", NULL, XPL_EFORMAT, "1: field 1: empty column name");

    /* Columns selected: unnamed and repeated unused columns are ignored,
     * the index column included. */
    const char *cols[] = { "b", "a" };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 2;
    ds = read_str(",a,x,,x,b\n0,1,t,,u,2\n1,3,v,w,,4\n", &o);
    const double want_ba[] = { 2, 1, 4, 3 };
    assert_values(ds, 2, 2, want_ba);
    xpl_dataset_free(ds);
    /* A selected name that appears twice is ambiguous. */
    expect_fail("x,a,y,x,b,a\n1,2,3,4,5,6\n", &o, XPL_EFORMAT,
                "1: field 6: duplicate column name \"a\" (also field 2)");
}
END_TEST

/* A file split on the wrong delimiter has a header of one field: the
 * message says which delimiter to set. */
START_TEST(test_delimiter_hint)
{
    const char *cols[] = { "a", "b" };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 2;
    expect_fail("a;b\n1;2\n", &o, XPL_ESHAPE,
                "1: missing columns \"a\", \"b\"; the header is one field "
                "holding ';': set the delimiter to ';' "
                "(explain --delimiter ';')");
    expect_fail("a\tb\n1\t2\n", &o, XPL_ESHAPE,
                "1: missing columns \"a\", \"b\"; the header is one field "
                "holding tabs: set the delimiter to a tab "
                "(explain --delimiter $'\\t')");
    o.delimiter = ';';
    expect_fail("a,b\n1,2\n", &o, XPL_ESHAPE,
                "1: missing columns \"a\", \"b\"; the header is one field "
                "holding ',': set the delimiter to ',' (the default)");
    /* Several fields: the delimiter was right, a name is just absent. */
    o.delimiter = ',';
    expect_fail("a;x,c\n1,2\n", &o, XPL_ESHAPE,
                "1: missing columns \"a\", \"b\"");
}
END_TEST

START_TEST(test_no_header)
{
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = 0;
    xpl_dataset *ds = read_str("\n1,2,3\n4,5,6", &o);
    const double want[] = { 1, 2, 3, 4, 5, 6 };
    assert_values(ds, 2, 3, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "f0");
    ck_assert_str_eq(xpl_dataset_col_name(ds, 2), "f2");
    xpl_dataset_free(ds);

    expect_fail("1,2\n3,4,5\n", &o, XPL_EFORMAT,
                "2: expected 2 fields, found 3");
    /* Without a header the first row is data: a bad cell fails the open. */
    expect_fail("1,x\n", &o, XPL_EFORMAT,
                "1: field 2: expected a number, found \"x\"");

    const char *cols[] = { "p", "q", "r" };
    o.columns = cols;
    o.n_columns = 3;
    ds = read_str("1,2,3\n4,5,6\n", &o);
    assert_values(ds, 2, 3, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 1), "q");
    xpl_dataset_free(ds);
    expect_fail("1,2,3\n4,5\n", &o, XPL_EFORMAT,
                "2: expected 3 fields, found 2");
    expect_fail("1,2,3,4\n", &o, XPL_EFORMAT,
                "1: expected 3 fields, found 4");
}
END_TEST

START_TEST(test_bad_options)
{
    xpl_dataset *ds = NULL;
    const char *path = tmp_text("o.csv", "a,b\n1,2\n");
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.version = 4;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(),
                     "csv options version 4 is not supported (expected 1 to 3)");

    const char bad_delims[] = { '"', '\n', '\r', '\0' };
    for (size_t i = 0; i < sizeof bad_delims; i++) {
        o = (xpl_csv_options)XPL_CSV_OPTIONS_INIT;
        o.delimiter = bad_delims[i];
        ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);
    }
    o = (xpl_csv_options)XPL_CSV_OPTIONS_INIT;
    o.has_header = 2;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);

    o = (xpl_csv_options)XPL_CSV_OPTIONS_INIT;
    o.n_columns = 2;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);

    const char *dup[] = { "a", "b", "a" };
    o.columns = dup;
    o.n_columns = 3;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(),
                     "csv options: column \"a\" is selected twice (0 and 2)");
    const char *empty[] = { "a", "" };
    o.columns = empty;
    o.n_columns = 2;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);
    const char *null[] = { "a", NULL };
    o.columns = null;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);
    o.columns = dup;
    o.n_columns = 0;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_EINVAL);
    o.n_columns = XPL_MAX_FEATURES + 1; /* refused before columns is read */
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_ELIMIT);
    char *long_name = repeat('n', XPL_MAX_NAME_LENGTH + 1, "", "");
    const char *too_long[] = { long_name };
    o.columns = too_long;
    o.n_columns = 1;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_ELIMIT);
    free(long_name);

    ck_assert_int_eq(xpl_dataset_read_csv(NULL, path, NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, NULL, NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, "", NULL), XPL_EINVAL);
    ck_assert_ptr_null(ds);

    xpl_csv_reader *r = NULL;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
    double row[2];
    size_t got = 7;
    ck_assert_int_eq(xpl_csv_reader_read(r, row, 0, &got), XPL_EINVAL);
    ck_assert_int_eq(xpl_csv_reader_read(r, NULL, 1, &got), XPL_EINVAL);
    ck_assert_int_eq(xpl_csv_reader_read(r, row, 1, NULL), XPL_EINVAL);
    ck_assert_int_eq(xpl_csv_reader_read(NULL, row, 1, &got), XPL_EINVAL);
    ck_assert_uint_eq(got, 7); /* untouched on failure */
    ck_assert_uint_eq(xpl_csv_reader_n_cols(NULL), 0);
    ck_assert_ptr_null(xpl_csv_reader_col_name(r, 2));
    ck_assert_ptr_null(xpl_csv_reader_col_name(NULL, 0));
    xpl_csv_reader_free(r);
    xpl_csv_reader_free(NULL);
}
END_TEST

/* ------------------------------------------------------------- streaming */

START_TEST(test_error_after_good_rows)
{
    const char *path = tmp_text("s.csv", "a\n1\n2\n\nx\n3\n");
    xpl_csv_reader *r;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 0);
    double out[10];
    size_t got = 0;
    /* The rows before the bad one come first (one column: the blank line
     * is a missing value)... */
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 10, &got), XPL_OK);
    ck_assert_uint_eq(got, 3);
    ck_assert(out[0] == 1 && out[1] == 2 && isnan(out[2]));
    ck_assert_uint_eq(xpl_csv_reader_line(r), 4);
    /* ...then the error, even if another failure happened in between... */
    xpl_dataset *ds;
    ck_assert_int_eq(xpl_dataset_new(&ds, 0, 0, NULL, NULL, NULL), XPL_EINVAL);
    char want[600];
    snprintf(want, sizeof want, "%s:5: field 1: expected a number, found \"x\"",
             path);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 10, &got), XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(), want);
    /* ...and it stays. */
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 10, &got), XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(), want);
    ck_assert_uint_eq(got, 3);
    xpl_csv_reader_free(r);
}
END_TEST

START_TEST(test_reader_basics)
{
    const char *path = tmp_text("r.csv", "a,b\n1,2\n3,4\n5,6\n");
    xpl_csv_reader *r;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
    ck_assert_uint_eq(xpl_csv_reader_n_cols(r), 2);
    ck_assert_str_eq(xpl_csv_reader_col_name(r, 0), "a");
    ck_assert_str_eq(xpl_csv_reader_col_name(r, 1), "b");
    double out[4] = { 0 };
    size_t got;
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 2, &got), XPL_OK);
    ck_assert_uint_eq(got, 2);
    ck_assert(out[0] == 1 && out[3] == 4);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 3);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 2, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert(out[0] == 5 && out[1] == 6 && out[2] == 3);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 4);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 2, &got), XPL_OK);
    ck_assert_uint_eq(got, 0);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 2, &got), XPL_OK);
    ck_assert_uint_eq(got, 0);
    xpl_csv_reader_free(r);

    /* No header, no columns: the first row is read at open and still
     * delivered. */
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = 0;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, &o), XPL_EFORMAT);
    path = tmp_text("r2.csv", "7,8\n9,10\n");
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, &o), XPL_OK);
    ck_assert_uint_eq(xpl_csv_reader_n_cols(r), 2);
    ck_assert_str_eq(xpl_csv_reader_col_name(r, 1), "f1");
    ck_assert_uint_eq(xpl_csv_reader_line(r), 1);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 1, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert(out[0] == 7 && out[1] == 8);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 2, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert(out[0] == 9 && out[1] == 10);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 2);
    xpl_csv_reader_free(r);
}
END_TEST

/* A deterministic table rendered as CSV, with varied cell spellings. */
static char *generate(size_t n_rows, size_t n_cols, size_t *len_out,
                      double *values)
{
    size_t cap = 64 + n_rows * n_cols * 24, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    for (size_t j = 0; j < n_cols; j++)
        len += (size_t)snprintf(s + len, cap - len, "%sc%zu", j ? "," : "", j);
    s[len++] = '\n';
    unsigned long long state = 12345;
    for (size_t i = 0; i < n_rows; i++) {
        for (size_t j = 0; j < n_cols; j++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            long v = (long)(state >> 40) - (1L << 23);
            double x = (double)v / 1000.0;
            const char *sep = j ? "," : "";
            if (v % 17 == 0) {
                len += (size_t)snprintf(s + len, cap - len, "%s", sep);
                x = NAN;
            } else if (v % 5 == 0) {
                len += (size_t)snprintf(s + len, cap - len, "%s\"%.3f\"", sep, x);
            } else {
                len += (size_t)snprintf(s + len, cap - len, "%s%.3f", sep, x);
            }
            if (values)
                values[i * n_cols + j] = x;
        }
        len += (size_t)snprintf(s + len, cap - len, i % 3 ? "\n" : "\r\n");
    }
    s[len] = '\0';
    *len_out = len;
    return s;
}

static int same_bits(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
            return 0;
    return 1;
}

START_TEST(test_batches_equal_whole)
{
    const size_t rows = 3000, cols = 7;
    size_t len;
    double *want = malloc(rows * cols * sizeof *want);
    char *text = generate(rows, cols, &len, want);
    ck_assert_uint_gt(len, 2 * CHUNK_BYTES); /* crosses block boundaries */
    const char *path = tmp_csv("gen.csv", text, len);
    free(text);

    xpl_dataset *ds = read_ok(path, NULL);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), rows);
    ck_assert(same_bits(xpl_dataset_data(ds), want, rows * cols));

    const size_t batches[] = { 1, 2, 3, 7, 64, 999, 5000 };
    double *got_all = malloc(rows * cols * sizeof *got_all);
    double *buf = malloc(5000 * cols * sizeof *buf);
    for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
        xpl_csv_reader *r;
        ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
        size_t total = 0, got;
        while (xpl_csv_reader_read(r, buf, batches[b], &got) == XPL_OK && got) {
            ck_assert_uint_le(got, batches[b]);
            ck_assert_uint_le(total + got, rows);
            memcpy(got_all + total * cols, buf, got * cols * sizeof *buf);
            total += got;
        }
        ck_assert_uint_eq(total, rows);
        ck_assert_uint_eq(xpl_csv_reader_line(r), rows + 1);
        ck_assert(same_bits(got_all, want, rows * cols));
        xpl_csv_reader_free(r);
    }
    free(buf);
    free(got_all);
    free(want);
    xpl_dataset_free(ds);
}
END_TEST

/* Pad with blank lines so that the next text starts `before` bytes short of
 * the block boundary at `at`. */
static size_t pad_to(char *s, size_t len, size_t at, size_t before)
{
    while (len + before < at)
        s[len++] = '\n';
    return len;
}

START_TEST(test_rows_across_block_boundary)
{
    char *s = malloc(4 * CHUNK_BYTES);
    size_t len = (size_t)sprintf(s, "a,\"b\nc\"\n");
    /* A row split across the boundary inside a number. */
    len = pad_to(s, len, CHUNK_BYTES, 4);
    len += (size_t)sprintf(s + len, "12345,6\n");
    /* A quoted field with a line end split across the next boundary. */
    len = pad_to(s, len, 2 * CHUNK_BYTES, 3);
    len += (size_t)sprintf(s + len, "\"7\n\",8\n");
    /* A CRLF split between CR and LF, then a bad cell on the next line. */
    len = pad_to(s, len, 3 * CHUNK_BYTES, 4);
    len += (size_t)sprintf(s + len, "9,1\r\n10,y\n");
    ck_assert(s[3 * CHUNK_BYTES - 1] == '\r' && s[3 * CHUNK_BYTES] == '\n');

    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += s[i] == '\n';
    const char *path = tmp_csv("boundary.csv", s, len);
    char want[700];
    snprintf(want, sizeof want, "%s:%zu: field 2: expected a number, found \"y\"",
             path, lines - 1);

    xpl_csv_reader *r;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
    ck_assert_str_eq(xpl_csv_reader_col_name(r, 1), "b\nc");
    double out[8];
    size_t got;
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 8, &got), XPL_OK);
    ck_assert_uint_eq(got, 3);
    const double rows[] = { 12345, 6, 7, 8, 9, 1 };
    ck_assert(same_bits(out, rows, 6));
    ck_assert_uint_eq(xpl_csv_reader_line(r), lines - 2);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 8, &got), XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(), want);
    xpl_csv_reader_free(r);
    free(s);
}
END_TEST

/* ------------------------------------------------- one-column blank lines */

/* Stream `path` in batches of `batch` rows into vals (one column) and the
 * line of each row into lines (known for the last row of every batch; with
 * batch 1, for every row). Returns the number of rows; fails on an error. */
static size_t stream_one_col(const char *path, const xpl_csv_options *o,
                             size_t batch, double *vals, uint64_t *lines,
                             size_t cap)
{
    xpl_csv_reader *r;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, o), XPL_OK);
    ck_assert_uint_eq(xpl_csv_reader_n_cols(r), 1);
    double buf[64];
    ck_assert_uint_le(batch, 64);
    size_t total = 0, got;
    int rc;
    while ((rc = xpl_csv_reader_read(r, buf, batch, &got)) == XPL_OK && got) {
        if (got > batch || total + got > cap)
            ck_abort_msg("%s: %zu rows in a batch of %zu, %zu before", path,
                         got, batch, total);
        memcpy(vals + total, buf, got * sizeof *buf);
        total += got;
        for (size_t i = total - got; i < total; i++)
            lines[i] = 0;
        lines[total - 1] = xpl_csv_reader_line(r);
    }
    ck_assert_msg(rc == XPL_OK, "%s: %s", path, xpl_last_error());
    xpl_csv_reader_free(r);
    return total;
}

/* Check the known lines (non-zero) of n rows; one assertion in all, as
 * check's assertions are costly in long loops. */
static void assert_lines(const uint64_t *lines, const uint64_t *want,
                         size_t n, size_t batch)
{
    size_t bad = n;
    for (size_t i = 0; i < n && bad == n; i++)
        if (lines[i] && lines[i] != want[i])
            bad = i;
    ck_assert_msg(bad == n, "batch %zu row %zu: line %llu, want %llu", batch,
                  bad, bad < n ? (unsigned long long)lines[bad] : 0ULL,
                  bad < n ? (unsigned long long)want[bad] : 0ULL);
}

/* `content` read whole and streamed in batches of 1, 2 and 5 gives the
 * n one-column values `want`, row i ending on line want_line[i]. */
static void expect_one_col(const char *content, const xpl_csv_options *o,
                           size_t n, const double *want,
                           const uint64_t *want_line)
{
    const char *path = tmp_text("one.csv", content);
    xpl_dataset *ds = read_ok(path, o);
    assert_values(ds, n, 1, want);
    xpl_dataset_free(ds);

    double vals[64];
    uint64_t lines[64];
    const size_t batches[] = { 1, 2, 5 };
    for (size_t b = 0; b < 3; b++) {
        size_t got = stream_one_col(path, o, batches[b], vals, lines, 64);
        ck_assert_uint_eq(got, n);
        ck_assert(same_bits(vals, want, n));
        assert_lines(lines, want_line, n, batches[b]);
    }
}

START_TEST(test_one_column_blank_is_missing)
{
    /* Blank and whitespace-only lines between rows are missing values, at
     * their own lines; none shifts the rows after it. */
    const double want[] = { 1, NAN, 3, NAN, NAN, 6 };
    const uint64_t lines[] = { 2, 3, 4, 5, 6, 7 };
    expect_one_col("x\n1\n\n3\n   \n\t \n6\n", NULL, 6, want, lines);

    /* Right after the header too; blank lines before the header are not
     * rows. */
    const double want2[] = { NAN, NAN, 3 };
    const uint64_t lines2[] = { 4, 5, 6 };
    expect_one_col("\n\nx\n\n\n3\n", NULL, 3, want2, lines2);

    /* The last line need not end. */
    const double want3[] = { 1, NAN, 2 };
    const uint64_t lines3[] = { 2, 3, 4 };
    expect_one_col("x\n1\n\n2", NULL, 3, want3, lines3);

    /* A quoted empty or blank cell is a missing value as well. */
    const double want4[] = { NAN, NAN, NAN, 4 };
    const uint64_t lines4[] = { 2, 3, 4, 5 };
    expect_one_col("x\n\"\"\n\n\" \"\n4\n", NULL, 4, want4, lines4);

    /* The column selected by name from a one-column file. */
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    const char *cols[] = { "x" };
    o.columns = cols;
    o.n_columns = 1;
    expect_one_col("x\n1\n\n3\n", &o, 3, want, lines);

    /* The blank line is a row: a bad cell after it is still on its line. */
    expect_fail("x\n1\n\n\nz\n", NULL, XPL_EFORMAT,
                "5: field 1: expected a number, found \"z\"");
    /* A tab delimiter makes a lone tab two empty fields, not a blank. */
    o = (xpl_csv_options)XPL_CSV_OPTIONS_INIT;
    o.delimiter = '\t';
    expect_fail("x\n1\n\t\n", &o, XPL_EFORMAT, "3: expected 1 field, found 2");
}
END_TEST

START_TEST(test_one_column_trailing_blanks)
{
    /* Blank lines that no row follows are the end of the file. */
    const double want[] = { 1, NAN, 3 };
    const uint64_t lines[] = { 2, 3, 4 };
    const char *variants[] = {
        "x\n1\n\n3\n\n",         "x\n1\n\n3\n\n\n",
        "x\n1\n\n3\n \n\t\n  ", "x\n1\n\n3\n\n\n\n\n\n\n\n\n\n\n\n",
    };
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++)
        expect_one_col(variants[i], NULL, 3, want, lines);

    /* A header followed by blank lines only: no rows. */
    expect_one_col("x\n\n\n", NULL, 0, want, lines);
    expect_one_col("x\n \n", NULL, 0, want, lines);
}
END_TEST

START_TEST(test_one_column_line_ends)
{
    const double want[] = { 1, NAN, 3, NAN, 5 };
    const uint64_t lines[] = { 2, 3, 4, 5, 6 };
    const char *variants[] = {
        "x\r\n1\r\n\r\n3\r\n\r\n5\r\n\r\n\r\n", /* CRLF */
        "x\r1\r\r3\r\r5\r\r",                   /* lone CR */
        "x\n1\r\n\r3\n \r\n5\r\n\n",            /* mixed */
        "x\r\n1\r\n \t\r\n3\r\n\r\n5",          /* no final line end */
    };
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++)
        expect_one_col(variants[i], NULL, 5, want, lines);
    expect_fail("x\r\n1\r\n\r\n\r\nz\r\n", NULL, XPL_EFORMAT,
                "5: field 1: expected a number, found \"z\"");
    expect_fail("x\r1\r\r\rz\r", NULL, XPL_EFORMAT,
                "5: field 1: expected a number, found \"z\"");
}
END_TEST

START_TEST(test_one_column_quoted_blank_line)
{
    /* A blank line inside a quoted field belongs to the field: the header
     * name keeps it, and the cell "<space><LF><LF><space>" is one missing
     * value ending on line 7, not three. */
    const char *path =
        tmp_text("q1.csv", "\"a\n\nb\"\n1\n\" \n\n \"\n\n9\n\n");
    xpl_dataset *ds = read_ok(path, NULL);
    const double want[] = { 1, NAN, NAN, 9 };
    assert_values(ds, 4, 1, want);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 0), "a\n\nb");
    xpl_dataset_free(ds);
    double vals[8];
    uint64_t lines[8];
    ck_assert_uint_eq(stream_one_col(path, NULL, 1, vals, lines, 8), 4);
    ck_assert(same_bits(vals, want, 4));
    const uint64_t want_lines[] = { 4, 7, 8, 9 };
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(lines[i], want_lines[i]);
    /* An open quote is not a blank line: the message points at it. */
    expect_fail("x\n1\n\n\"\n\n", NULL, XPL_EFORMAT,
                "4: field 1: unterminated quoted field");
}
END_TEST

START_TEST(test_one_column_no_header)
{
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = 0;
    /* The first row is one field wide: the blank lines before it are
     * missing values too, the ones at the end are not. */
    const double want[] = { NAN, NAN, 1, NAN, 2 };
    const uint64_t lines[] = { 1, 2, 3, 4, 5 };
    expect_one_col("\n\n1\n\n2\n\n", &o, 5, want, lines);
    expect_one_col("\r\n \r\n1\r\n\r\n2\r\n\r\n", &o, 5, want, lines);
    /* Likewise with one column named. */
    const char *cols[] = { "v" };
    o.columns = cols;
    o.n_columns = 1;
    expect_one_col("\n\n1\n\n2\n\n", &o, 5, want, lines);
    o.columns = NULL;
    o.n_columns = 0;

    /* Blank lines only: still an empty file. */
    expect_fail("\n \n\n", &o, XPL_EFORMAT, "1: empty file, expected a row");

    /* A wider first row: blank lines are skipped, before it and after. */
    xpl_dataset *ds = read_str("\n\n1,2\n\n3,4\n\n", &o);
    const double want2[] = { 1, 2, 3, 4 };
    assert_values(ds, 2, 2, want2);
    xpl_dataset_free(ds);
    xpl_csv_reader *r;
    ck_assert_int_eq(
        xpl_csv_reader_open(&r, tmp_text("w.csv", "\n\n1,2\n\n3,4\n\n"), &o),
        XPL_OK);
    double out[4];
    size_t got;
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 1, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 3);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 4, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 5);
    xpl_csv_reader_free(r);
}
END_TEST

START_TEST(test_multi_column_blank_lines_skipped)
{
    /* Two or more columns: a blank line cannot be a row, it is skipped
     * wherever it is, also when a single column is selected. */
    const double want[] = { 1, 2, 3, 4 };
    const char *variants[] = {
        "a,b\n1,2\n\n3,4\n\n", "a,b\r\n\r\n1,2\r\n \r\n\r\n3,4\r\n\r\n",
        "a,b\r1,2\r\r3,4\r\r", "\n\na,b\n\n\n1,2\n\t\n3,4",
    };
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        xpl_dataset *ds = read_str(variants[i], NULL);
        assert_values(ds, 2, 2, want);
        xpl_dataset_free(ds);
    }
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    const char *cols[] = { "b" };
    o.columns = cols;
    o.n_columns = 1;
    xpl_dataset *ds = read_str("a,b\n1,2\n\n3,4\n\n", &o);
    const double want_b[] = { 2, 4 };
    assert_values(ds, 2, 1, want_b);
    xpl_dataset_free(ds);
    /* Lines are still counted. */
    const char *path = tmp_text("m.csv", "a,b\n\n1,2\n\n\n3,4\n\n");
    double vals[4];
    uint64_t lines[4];
    ck_assert_uint_eq(stream_one_col(path, &o, 1, vals, lines, 4), 2);
    ck_assert(same_bits(vals, want_b, 2));
    ck_assert_uint_eq(lines[0], 3);
    ck_assert_uint_eq(lines[1], 6);
}
END_TEST

START_TEST(test_one_column_batches_equal_whole)
{
    /* A long one-column file with runs of blank lines (some as CRLF or
     * with spaces), crossing block boundaries, ending in blank lines. */
    const size_t rows = 40000;
    size_t cap = rows * 16 + 64, len = 0;
    char *s = malloc(cap);
    double *want = malloc(rows * sizeof *want);
    uint64_t *want_line = malloc(rows * sizeof *want_line);
    ck_assert(s && want && want_line);
    len += (size_t)sprintf(s, "value\n");
    uint64_t line = 2;
    unsigned long long state = 99;
    for (size_t i = 0; i < rows; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned k = (unsigned)(state >> 59); /* 0..31 */
        if (k < 6 && i + 1 < rows) {
            static const char *blank[] = { "\n", "\r\n", "  \n",
                                           "\t\r\n", " \t\n", "\n" };
            len += (size_t)sprintf(s + len, "%s", blank[k]);
            want[i] = NAN;
        } else {
            want[i] = (double)(state >> 44) / 8.0;
            len += (size_t)sprintf(s + len, "%.3f%s", want[i],
                                   k & 1 ? "\r\n" : "\n");
        }
        want_line[i] = line++;
    }
    len += (size_t)sprintf(s + len, "\n\r\n  \n");
    ck_assert_uint_gt(len, 2 * CHUNK_BYTES);
    const char *path = tmp_csv("one_gen.csv", s, len);
    free(s);

    xpl_dataset *ds = read_ok(path, NULL);
    ck_assert_uint_eq(xpl_dataset_n_rows(ds), rows);
    ck_assert(same_bits(xpl_dataset_data(ds), want, rows));
    xpl_dataset_free(ds);

    double *vals = malloc(rows * sizeof *vals);
    uint64_t *lines = malloc(rows * sizeof *lines);
    const size_t batches[] = { 1, 2, 3, 64 };
    for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
        size_t got = stream_one_col(path, NULL, batches[b], vals, lines, rows);
        ck_assert_uint_eq(got, rows);
        ck_assert(same_bits(vals, want, rows));
        assert_lines(lines, want_line, rows, batches[b]);
    }
    free(lines);
    free(vals);
    free(want_line);
    free(want);
}
END_TEST

START_TEST(test_one_column_blanks_across_block_boundary)
{
    /* A run of blank lines held back across a block boundary: the boundary
     * falls at each offset in and around the run, and the row that makes
     * the blank lines values comes after it. */
    char *s = malloc(2 * CHUNK_BYTES);
    for (size_t shift = 0; shift < 16; shift++) {
        size_t len = (size_t)sprintf(s, "x\n1\n"), values = 0, blanks = 0;
        while (len + 2 <= CHUNK_BYTES - 12 + shift) {
            s[len++] = '5';
            s[len++] = '\n';
            values++;
        }
        for (; blanks < 4; blanks++)
            len += (size_t)sprintf(s + len, blanks % 2 ? "  \n" : "\r\n");
        len += (size_t)sprintf(s + len, "7\n\n");
        const char *path = tmp_csv("one_edge.csv", s, len);

        size_t n = 1 + values + blanks + 1;
        double *vals = malloc(n * sizeof *vals);
        uint64_t *lines = malloc(n * sizeof *lines);
        ck_assert_uint_eq(stream_one_col(path, NULL, 1, vals, lines, n), n);
        double *want = malloc(n * sizeof *want);
        uint64_t *want_line = malloc(n * sizeof *want_line);
        for (size_t i = 0; i < n; i++) {
            want[i] = i == 0 ? 1 : i == n - 1 ? 7 : i <= values ? 5 : NAN;
            want_line[i] = i + 2;
        }
        ck_assert(same_bits(vals, want, n));
        assert_lines(lines, want_line, n, 1);
        free(want_line);
        free(want);
        free(lines);
        free(vals);
    }
    free(s);
}
END_TEST

static size_t heap_in_use(void)
{
#if defined(__GLIBC__)
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#else
    return 0;
#endif
}

START_TEST(test_large_file_bounded_memory)
{
    const size_t rows = 100000, cols = 8;
    size_t len;
    char *text = generate(rows, cols, &len, NULL);
    const char *path = tmp_csv("large.csv", text, len);
    free(text);
    ck_assert_uint_gt(len, 6u << 20);

    size_t base = heap_in_use();
    xpl_csv_reader *r;
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
    double buf[100 * 8];
    size_t got, total = 0, peak = 0;
    double sum = 0;
    while (xpl_csv_reader_read(r, buf, 100, &got) == XPL_OK && got) {
        for (size_t i = 0; i < got * cols; i++)
            sum += isnan(buf[i]) ? 0 : buf[i];
        total += got;
        size_t now = heap_in_use();
        if (now > peak)
            peak = now;
    }
    ck_assert_uint_eq(total, rows);
    ck_assert(isfinite(sum));
    ck_assert_uint_eq(xpl_csv_reader_line(r), rows + 1);
    xpl_csv_reader_free(r);
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    /* Sanitizers replace malloc and glibc's counters then see nothing. */
    ck_assert_msg(peak < base + (1u << 20), "heap grew by %zu bytes",
                  peak - base);
#else
    (void)base;
#endif
}
END_TEST

START_TEST(test_stdin)
{
    const char *path = tmp_text("stdin.csv", "a,b\n1,2\n3,z\n");
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    xpl_csv_reader *r;
    ck_assert_int_eq(xpl_csv_reader_open(&r, "-", NULL), XPL_OK);
    double out[4];
    size_t got;
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 4, &got), XPL_OK);
    ck_assert_uint_eq(got, 1);
    ck_assert_int_eq(xpl_csv_reader_read(r, out, 4, &got), XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(),
                     "<stdin>:3: field 2: expected a number, found \"z\"");
    xpl_csv_reader_free(r);
    /* Standard input belongs to the program and stays open. */
    ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);

    ck_assert_int_eq(lseek(STDIN_FILENO, 0, SEEK_SET), 0);
    ck_assert_int_eq(xpl_dataset_read_csv(&(xpl_dataset *){ NULL }, "-", NULL),
                     XPL_EFORMAT);
    ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
}
END_TEST

/* ------------------------------------------- memory, text and file columns */

/* Stream every row of a reader, one per call; the values go to x (rows *
 * n_cols) and text column 0 of each row to ids (each at most 31 bytes). */
static size_t stream_rows(xpl_csv_reader *r, double *x, size_t cap,
                          char (*ids)[32])
{
    size_t n = 0, got;
    size_t d = xpl_csv_reader_n_cols(r);
    while (n < cap) {
        int rc = xpl_csv_reader_read(r, x + n * d, 1, &got);
        ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
        if (!got)
            break;
        if (ids) {
            const char *t = xpl_csv_reader_text(r, 0);
            ck_assert_ptr_nonnull(t);
            snprintf(ids[n], sizeof ids[n], "%s", t);
        }
        n++;
    }
    return n;
}

START_TEST(test_memory_reader)
{
    static const char text[] = "\xef\xbb\xbf" "a,b\r\n1,2\r\n\"3\",4e1\r\n";
    xpl_csv_reader *r = NULL;
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, text, strlen(text),
                                                "body", NULL), XPL_OK);
    double x[6];
    ck_assert_uint_eq(stream_rows(r, x, 3, NULL), 2);
    const double want[] = { 1, 2, 3, 40 };
    for (size_t i = 0; i < 4; i++)
        ck_assert(x[i] == want[i]);
    ck_assert_uint_eq(xpl_csv_reader_line(r), 3);
    ck_assert_ptr_null(xpl_csv_reader_text(r, 0));
    xpl_csv_reader_free(r);

    /* the buffer need not end in NUL: the size is the end */
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, "a\n5\n6", 4, NULL, NULL),
                     XPL_OK);
    ck_assert_uint_eq(stream_rows(r, x, 3, NULL), 1);
    ck_assert(x[0] == 5);
    xpl_csv_reader_free(r);

    /* errors name the given source */
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, "a,b\n1,x\n", 8, "body",
                                                NULL), XPL_OK);
    size_t got = 9;
    ck_assert_int_eq(xpl_csv_reader_read(r, x, 1, &got), XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(),
                     "body:2: field 2: expected a number, found \"x\"");
    xpl_csv_reader_free(r);
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, "", 0, NULL, NULL),
                     XPL_EFORMAT);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(xpl_last_error(),
                     "<memory>:1: empty file, expected a header");
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, NULL, 3, NULL, NULL),
                     XPL_EINVAL);
    ck_assert_int_eq(xpl_csv_reader_open_memory(NULL, "a", 1, NULL, NULL),
                     XPL_EINVAL);
}
END_TEST

/* ------------------------------------------- reset onto another text */

/* Everything a reader says about a text, as one string: the open (or
 * reset) result, the columns, and each row with its line, values (exact
 * bits) and texts, up to the error or the end. */
static void transcript(char *out, size_t cap, int rc, xpl_csv_reader *r,
                       size_t n_text)
{
    size_t len = 0;
#define PUT(...)                                                          \
    do {                                                                  \
        if (len < cap)                                                    \
            len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__);   \
    } while (0)
    PUT("rc %d", rc);
    if (rc) {
        PUT(" %s", xpl_last_error());
        return;
    }
    size_t n = xpl_csv_reader_n_cols(r);
    PUT(" cols");
    for (size_t j = 0; j < n; j++)
        PUT(" %s", xpl_csv_reader_col_name(r, j));
    double x[8];
    for (int rows = 0; rows < 20; rows++) {
        size_t got = 0;
        int st = xpl_csv_reader_read(r, x, 1, &got);
        if (st) {
            PUT(" | read %d %s", st, xpl_last_error());
            return;
        }
        if (!got) {
            PUT(" | end");
            return;
        }
        PUT(" | line %llu:", (unsigned long long)xpl_csv_reader_line(r));
        for (size_t j = 0; j < n && j < 8; j++)
            PUT(" %a", x[j]);
        for (size_t k = 0; k < n_text; k++)
            PUT(" '%s'", xpl_csv_reader_text(r, k));
    }
#undef PUT
}

START_TEST(test_reset_memory_equals_fresh_open)
{
    /* texts that differ in header, line ends, marks, quoting and errors */
    static const char *const texts[] = {
        "a,b\n1,2\n3,4\n",       "a,b\r\n1,2\r\n5,6\r\n",
        "\xef\xbb\xbf" "a,b\n1,2\n", "b,a\n1,2\n",
        "a,b,id\n1,2,x\n3,4,y",  "id,a,b\nk,5,6\n",
        "a,b\n1,x\n",            "a,b\n1,2,3\n",
        "a,b\n",                 "a,b",
        "",                      "\n\na,b\n1,2\n",
        "\"a\",b\n1,2\n",        "a,b\n\n1,2\n\n",
        "a\n1\n\n2\n",           "a,b\n\"1\n\",2\n",
        "a,b\n\"1,2\n",          "a;b\n1;2\n",
        "a,a\n1,2\n",            "a,b\n\xef\xbb\xbf" "1,2\n",
        "a,b\r1,2\r3,4\r",       "x\n",
        "id,a,b\n",              "a,b\r\n",
        "a,b\r\n1,2",            "a,\"b\nc\"\n1,2\n",
        "a,b,c\n1,2,3\n",        "1,2\n3,4\n",
        "a,b\n1,2\n",            "a,b\n1,2\n",
    };
    static const char *const ab[] = { "a", "b" };
    static const char *const id[] = { "id" };
    static const char *const file[] = { "id", "a", "b" };
    enum { N_OPTS = 7 };
    xpl_csv_options opts[N_OPTS];
    size_t n_text[N_OPTS] = { 0 };
    for (int k = 0; k < N_OPTS; k++)
        opts[k] = (xpl_csv_options)XPL_CSV_OPTIONS_INIT;
    opts[1].columns = ab; /* selected by name */
    opts[1].n_columns = 2;
    opts[2] = opts[1]; /* and an identifier */
    opts[2].text_columns = id;
    opts[2].n_text_columns = 1;
    n_text[2] = 1;
    opts[3].has_header = 0; /* width from the first row */
    opts[4].has_header = 0; /* by position */
    opts[4].columns = ab;
    opts[4].n_columns = 2;
    opts[5].delimiter = ';';
    opts[6].has_header = 0; /* named file columns */
    opts[6].file_columns = file;
    opts[6].n_file_columns = 3;
    opts[6].columns = ab;
    opts[6].n_columns = 2;
    opts[6].text_columns = id;
    opts[6].n_text_columns = 1;
    n_text[6] = 1;
    size_t n = sizeof texts / sizeof *texts;
    char *want = malloc(4096), *got = malloc(4096);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    int hits = 0;
    for (int k = 0; k < N_OPTS; k++) {
        /* a reader on the first text it opens, then reset onto every text
         * after every other (each pair, both orders, and each twice) */
        xpl_csv_reader *r = NULL;
        for (size_t i = 0; i < n && !r; i++)
            if (xpl_csv_reader_open_memory(&r, texts[i], strlen(texts[i]),
                                           "body", &opts[k]))
                r = NULL;
        ck_assert_ptr_nonnull(r);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                for (int twice = 0; twice < 2; twice++) {
                    const char *t = twice ? texts[j] : texts[i];
                    xpl_csv_reader *f = NULL;
                    int rc = xpl_csv_reader_open_memory(&f, t, strlen(t),
                                                        "body", &opts[k]);
                    transcript(want, 4096, rc, f, n_text[k]);
                    xpl_csv_reader_free(f);
                    rc = xpl_csv_reader_reset_memory(r, t, strlen(t));
                    transcript(got, 4096, rc, r, n_text[k]);
                    if (strcmp(want, got) != 0)
                        ck_abort_msg("options %d, text %zu after %zu:\n"
                                     "fresh: %s\nreset: %s", k,
                                     twice ? j : i, twice ? i : j, want, got);
                    hits += rc == 0;
                }
            }
        }
        xpl_csv_reader_free(r);
    }
    ck_assert_int_gt(hits, 1000);
    free(want);
    free(got);
}
END_TEST

START_TEST(test_reset_memory_errors)
{
    xpl_csv_reader *r = NULL;
    ck_assert_int_eq(xpl_csv_reader_reset_memory(NULL, "a", 1), XPL_EINVAL);
    const char *path = tmp_text("reset.csv", "a\n1\n");
    ck_assert_int_eq(xpl_csv_reader_open(&r, path, NULL), XPL_OK);
    ck_assert_int_eq(xpl_csv_reader_reset_memory(r, "a\n2\n", 4), XPL_EINVAL);
    ck_assert_str_eq(xpl_last_error(), "the reader reads a file, not memory");
    xpl_csv_reader_free(r);
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, "a\n1\n", 4, NULL, NULL),
                     XPL_OK);
    ck_assert_int_eq(xpl_csv_reader_reset_memory(r, NULL, 3), XPL_EINVAL);
    /* NULL with no bytes is an empty text */
    ck_assert_int_eq(xpl_csv_reader_reset_memory(r, NULL, 0), XPL_EFORMAT);
    ck_assert_str_eq(xpl_last_error(),
                     "<memory>:1: empty file, expected a header");
    double x;
    size_t got = 0;
    ck_assert_int_eq(xpl_csv_reader_reset_memory(r, "a\n7\n", 4), XPL_OK);
    ck_assert_int_eq(xpl_csv_reader_read(r, &x, 1, &got), XPL_OK);
    ck_assert(got == 1 && x == 7);
    xpl_csv_reader_free(r);
}
END_TEST

START_TEST(test_text_columns)
{
    static const char text[] =
        "x,id,y,key\n1,a-1,2,\"k,1\"\n3,,4,k2\n5,\"q\"\"t\",6,k3\n";
    const char *cols[] = { "y", "x" };
    const char *ids[] = { "key", "id" };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = 2;
    o.text_columns = ids;
    o.n_text_columns = 2;
    xpl_csv_reader *r = NULL;
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, text, strlen(text), NULL,
                                                &o), XPL_OK);
    double x[8];
    char got_ids[4][32];
    ck_assert_ptr_null(xpl_csv_reader_text(r, 0)); /* no row yet */
    ck_assert_uint_eq(stream_rows(r, x, 1, got_ids), 1);
    ck_assert_str_eq(xpl_csv_reader_text(r, 1), "a-1");
    ck_assert_uint_eq(stream_rows(r, x + 2, 1, got_ids + 1), 1);
    ck_assert_str_eq(xpl_csv_reader_text(r, 1), "");
    ck_assert_uint_eq(stream_rows(r, x + 4, 1, got_ids + 2), 1);
    ck_assert_str_eq(xpl_csv_reader_text(r, 1), "q\"t");
    ck_assert_ptr_null(xpl_csv_reader_text(r, 2));
    ck_assert_str_eq(got_ids[0], "k,1");
    ck_assert_str_eq(got_ids[1], "k2");
    ck_assert_str_eq(got_ids[2], "k3");
    const double want[] = { 2, 1, 4, 3, 6, 5 };
    for (size_t i = 0; i < 6; i++)
        ck_assert(x[i] == want[i]);
    xpl_csv_reader_free(r);

    /* the whole-file reader drops them */
    xpl_dataset *ds = read_str(text, &o);
    assert_values(ds, 3, 2, want);
    xpl_dataset_free(ds);

    /* a missing one is named with the missing columns */
    const char *gone[] = { "nope" };
    o.text_columns = gone;
    o.n_text_columns = 1;
    expect_fail(text, &o, XPL_ESHAPE, "1: missing column \"nope\"");

    /* a NUL byte in an identifier is refused, not cut */
    o.text_columns = ids + 1;
    expect_fail_n("x,id,y\n1,a\0b,2\n", 15, &o, XPL_EFORMAT,
                  "2: field 2: text contains a NUL byte");
}
END_TEST

START_TEST(test_file_columns)
{
    /* without a header, named file columns select like a header */
    static const char text[] = "r1,10,20,30\nr2,11,21,31\n";
    const char *file[] = { "id", "a", "b", "c" };
    const char *cols[] = { "c", "a" };
    const char *ids[] = { "id" };
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = 0;
    o.file_columns = file;
    o.n_file_columns = 4;
    o.columns = cols;
    o.n_columns = 2;
    o.text_columns = ids;
    o.n_text_columns = 1;
    xpl_csv_reader *r = NULL;
    ck_assert_int_eq(xpl_csv_reader_open_memory(&r, text, strlen(text), NULL,
                                                &o), XPL_OK);
    ck_assert_str_eq(xpl_csv_reader_col_name(r, 0), "c");
    double x[4];
    char got_ids[2][32];
    ck_assert_uint_eq(stream_rows(r, x, 2, got_ids), 2);
    const double want[] = { 30, 10, 31, 11 };
    for (size_t i = 0; i < 4; i++)
        ck_assert(x[i] == want[i]);
    ck_assert_str_eq(got_ids[0], "r1");
    ck_assert_str_eq(got_ids[1], "r2");
    xpl_csv_reader_free(r);

    /* every row must have the named width; the first line is a row */
    expect_fail("r1,10,20,30\nr2,11,21\n", &o, XPL_EFORMAT,
                "2: expected 4 fields, found 3");

    /* without columns, every file column is delivered under its name */
    xpl_csv_options all = XPL_CSV_OPTIONS_INIT;
    all.has_header = 0;
    all.file_columns = file + 1;
    all.n_file_columns = 3;
    xpl_dataset *ds = read_str("1,2,3\n", &all);
    ck_assert_str_eq(xpl_dataset_col_name(ds, 2), "c");
    xpl_dataset_free(ds);
}
END_TEST

START_TEST(test_v2_option_errors)
{
    const char *path = tmp_text("o2.csv", "id,a\nx,1\n");
    xpl_dataset *ds = NULL;
    const char *a[] = { "a" }, *id[] = { "id" }, *file[] = { "id", "a" };
    const char *twice[] = { "id", "id" };
    struct {
        xpl_csv_options o;
        const char *msg;
    } bad[] = {
        { { 2, 1, ',', a, 1, NULL, 0, id, 0, NULL, NULL, 0 },
          "csv options: text_columns and n_text_columns disagree" },
        { { 2, 1, ',', NULL, 0, NULL, 0, id, 1, NULL, NULL, 0 },
          "csv options: text_columns needs columns" },
        { { 2, 0, ',', a, 1, NULL, 0, id, 1, NULL, NULL, 0 },
          "csv options: text_columns needs a header or file_columns" },
        { { 2, 1, ',', a, 1, file, 2, NULL, 0, NULL, NULL, 0 },
          "csv options: file_columns is for a file without a header" },
        { { 2, 1, ',', a, 1, NULL, 0, a, 1, NULL, NULL, 0 },
          "csv options: text column \"a\" is also one of the columns" },
        { { 2, 1, ',', a, 1, NULL, 0, twice, 2, NULL, NULL, 0 },
          "csv options: text column \"id\" is given twice (0 and 1)" },
        { { 2, 0, ',', twice, 1, twice, 2, NULL, 0, NULL, NULL, 0 },
          "csv options: file column \"id\" is given twice (0 and 1)" },
        { { 2, 0, ',', (const char *const[]){ "b" }, 1, file, 2, NULL, 0, NULL, NULL, 0 },
          "csv options: column \"b\" is not among the file columns" },
        { { 2, 0, ',', a, 1, file, 2, (const char *const[]){ "z" }, 1, NULL, NULL, 0 },
          "csv options: text column \"z\" is not among the file columns" },
        { { 2, 0, ',', a, 1, (const char *const[]){ "a", "" }, 2, NULL, 0, NULL, NULL, 0 },
          "csv options: file column 1 is empty" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &bad[i].o),
                         XPL_EINVAL);
        ck_assert_str_eq(xpl_last_error(), bad[i].msg);
    }

    /* a version 1 struct ends before the version 2 members: they are not
     * read (here they would be garbage) */
    struct {
        unsigned version;
        int has_header;
        char delimiter;
        const char *const *columns;
        size_t n_columns;
    } v1 = { 1, 1, ',', a, 1 };
    ds = read_ok(path, (const xpl_csv_options *)(void *)&v1);
    const double want[] = { 1 };
    assert_values(ds, 1, 1, want);
    xpl_dataset_free(ds);
}
END_TEST

static Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, test_basic);
    tcase_add_test(tc, test_no_trailing_newline);
    tcase_add_test(tc, test_line_ends);
    tcase_add_test(tc, test_bom_crlf_fixture);
    tcase_add_test(tc, test_quoted_fixture);
    tcase_add_test(tc, test_quoted_newline_in_header);
    tcase_add_test(tc, test_blank_lines);
    tcase_add_test(tc, test_header_only);
    tcase_add_test(tc, test_delimiters);
    suite_add_tcase(s, tc);

    tc = tcase_create("cells");
    tcase_add_test(tc, test_missing_tokens);
    tcase_add_test(tc, test_number_syntax);
    tcase_add_test(tc, test_numbers_match_strtod);
    tcase_add_test(tc, test_locale_independent);
    tcase_add_test(tc, test_bad_cells);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_ragged_rows);
    tcase_add_test(tc, test_bad_quoting);
    tcase_add_test(tc, test_header_errors);
    tcase_add_test(tc, test_empty_file);
    tcase_add_test(tc, test_nonexistent_file);
    tcase_add_test(tc, test_io_messages_threads);
    tcase_add_test(tc, test_field_too_long);
    tcase_add_test(tc, test_too_many_columns);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);

    tc = tcase_create("columns");
    tcase_add_test(tc, test_select_by_name);
    tcase_add_test(tc, test_missing_columns);
    tcase_add_test(tc, test_pandas_index_and_unused_names);
    tcase_add_test(tc, test_delimiter_hint);
    tcase_add_test(tc, test_no_header);
    tcase_add_test(tc, test_memory_reader);
    tcase_add_test(tc, test_reset_memory_equals_fresh_open);
    tcase_add_test(tc, test_reset_memory_errors);
    tcase_add_test(tc, test_text_columns);
    tcase_add_test(tc, test_file_columns);
    tcase_add_test(tc, test_v2_option_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("streaming");
    tcase_add_test(tc, test_error_after_good_rows);
    tcase_add_test(tc, test_reader_basics);
    tcase_add_test(tc, test_batches_equal_whole);
    tcase_add_test(tc, test_rows_across_block_boundary);
    tcase_add_test(tc, test_large_file_bounded_memory);
    tcase_add_test(tc, test_stdin);
    suite_add_tcase(s, tc);

    tc = tcase_create("one_column");
    tcase_add_test(tc, test_one_column_blank_is_missing);
    tcase_add_test(tc, test_one_column_trailing_blanks);
    tcase_add_test(tc, test_one_column_line_ends);
    tcase_add_test(tc, test_one_column_quoted_blank_line);
    tcase_add_test(tc, test_one_column_no_header);
    tcase_add_test(tc, test_multi_column_blank_lines_skipped);
    tcase_add_test(tc, test_one_column_batches_equal_whole);
    tcase_add_test(tc, test_one_column_blanks_across_block_boundary);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(csv_suite());
}
