/* model.bin: CRC-32 and byte buffers, round trips bit for bit, atomic
 * saving, format detection, and every reader error provoked on purpose with
 * files built by hand from docs/model-format.md (the constants below are
 * the document's, not the implementation's). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_helpers.h"
#include "core/bytes.h"
#include "core/crc32.h"
#include "data/dataset_internal.h"
#include "data/stats_internal.h"
#include "models/linear.h"
#include "models/model_file.h"
#include "models/model_internal.h"
#include <xplain/adapter.h>
#include <xplain/xplain.h>

#define MAGIC "\x89XPLAIN\n"
#define SEC_MODEL 1u
#define SEC_LINEAR 2u
#define SEC_BACKGROUND 16u
#define SEC_STATS 17u
#define OPTIONAL 1u

#define ck_assert_error(expr, code, substr)                                  \
    do {                                                                     \
        int rc_ = (expr);                                                    \
        ck_assert_msg(rc_ == (code), "rc %d, expected %d (%s)", rc_, (code), \
                      xpl_last_error());                                     \
        ck_assert_msg(strstr(xpl_last_error(), (substr)) != NULL,            \
                      "message \"%s\" lacks \"%s\"", xpl_last_error(),       \
                      (substr));                                             \
    } while (0)

/* ---------------------------------------------------------------- helpers */

static double bits_to_double(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static int same_bits(const double *a, const double *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static xpl_model *make_linear(size_t nf, size_t no, xpl_link link)
{
    char **names = calloc(nf, sizeof *names);
    double *b = calloc(no, sizeof *b);
    double *w = calloc(nf * no, sizeof *w);
    ck_assert(names && b && w);
    for (size_t j = 0; j < nf; j++) {
        names[j] = malloc(32);
        /* Non-ASCII names survive the trip too. */
        snprintf(names[j], 32, j == 1 ? "gr\xc3\xb6\xc3\x9f" "e%zu" : "x%zu",
                 j);
    }
    for (size_t k = 0; k < no; k++)
        b[k] = 0.1 * (double)k - 0.3;
    for (size_t i = 0; i < nf * no; i++)
        w[i] = sin((double)i + 1.0) * pow(10.0, (double)(i % 7) - 3.0);
    if (nf * no > 2) {
        w[1] = -0.0;
        w[2] = 1e-310; /* subnormal */
    }
    xpl_model *m = NULL;
    int rc = xpl__linear_model_new(&m, nf, no, (const char *const *)names,
                                   link, b, w);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    for (size_t j = 0; j < nf; j++)
        free(names[j]);
    free(names);
    free(b);
    free(w);
    return m;
}

/* Background values include NaNs with payloads (quiet and signalling) and
 * infinities: the file keeps bit patterns, not just values. */
static void add_background(xpl_model *m, size_t rows, int weighted)
{
    size_t nf = xpl_model_n_features(m);
    double *x = malloc(rows * nf * sizeof *x);
    double *w = malloc(rows * sizeof *w);
    ck_assert(x && w);
    for (size_t i = 0; i < rows * nf; i++)
        x[i] = cos((double)i) * 3.0;
    x[0] = bits_to_double(0x7ff8000000000123u);
    if (rows * nf > 2) {
        x[1] = bits_to_double(0xfff0000000000001u);
        x[2] = -INFINITY;
    }
    for (size_t r = 0; r < rows; r++)
        w[r] = (double)r * 0.5; /* zero weight allowed */
    xpl_dataset *ds;
    ck_assert_int_eq(xpl_dataset_new(&ds, rows, nf, x, xpl_model_feature_names(m),
                                     weighted ? w : NULL), XPL_OK);
    ck_assert_int_eq(xpl_model_set_background(m, ds), XPL_OK);
    xpl_dataset_free(ds);
    free(x);
    free(w);
}

static void add_stats(xpl_model *m, size_t nq)
{
    size_t nf = xpl_model_n_features(m);
    xpl_stats *s;
    ck_assert_int_eq(xpl__stats_alloc(&s, nf, nq), XPL_OK);
    for (size_t q = 0; q < nq; q++)
        s->probs[q] = (double)q / (double)(nq > 1 ? nq - 1 : 1);
    for (size_t j = 0; j < nf; j++) {
        xpl_feature_stats *f = &s->feature[j];
        f->n = 1000 + j;
        f->n_missing = j == 0 ? UINT64_MAX : j;
        f->mean = 0.1 * (double)j;
        f->std = j == 0 ? bits_to_double(0x7ff80000deadbeefu) : 1.5;
        f->min = -(double)j;
        f->max = j == 1 ? INFINITY : (double)j;
        for (size_t q = 0; q < nq; q++)
            s->quantiles[j * nq + q] = (double)q - (double)j / 3.0;
    }
    xpl_stats_free(m->stats);
    m->stats = s;
}

static unsigned char *serialize(const xpl_model *m, size_t *n)
{
    void *p = NULL;
    int rc = xpl_model_serialize(m, &p, n);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    return p;
}

/* Load from an exact-size heap copy, so that the address sanitizer sees any
 * read past the end. */
static int load_copy(xpl_model **out, const void *p, size_t n)
{
    void *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    if (n)
        memcpy(copy, p, n);
    int rc = xpl_model_load_buffer(out, copy, n, "t.bin");
    free(copy);
    return rc;
}

static int try_load(const void *p, size_t n)
{
    xpl_model *m = (xpl_model *)&m; /* must be reset to NULL */
    int rc = load_copy(&m, p, n);
    if (rc != XPL_OK)
        ck_assert_ptr_null(m);
    else
        ck_assert_ptr_nonnull(m);
    xpl_model_free(m);
    return rc;
}

static void assert_identical(const xpl_model *a, const xpl_model *b)
{
    size_t nf = xpl_model_n_features(a), no = xpl_model_n_outputs(a);
    ck_assert_uint_eq(xpl_model_n_features(b), nf);
    ck_assert_uint_eq(xpl_model_n_outputs(b), no);
    ck_assert_int_eq(xpl_model_link(b), xpl_model_link(a));
    ck_assert_str_eq(xpl_model_kind(b), "linear");
    for (size_t j = 0; j < nf; j++)
        ck_assert_str_eq(xpl_model_feature_name(b, j),
                         xpl_model_feature_name(a, j));
    const xpl__linear *la = xpl__linear_params(a), *lb = xpl__linear_params(b);
    ck_assert(same_bits(la->intercept, lb->intercept, no));
    ck_assert(same_bits(la->coef, lb->coef, no * nf));

    const xpl_dataset *da = xpl_model_background(a);
    const xpl_dataset *db = xpl_model_background(b);
    ck_assert_int_eq(da == NULL, db == NULL);
    if (da) {
        ck_assert_uint_eq(db->n_rows, da->n_rows);
        ck_assert_uint_eq(db->n_cols, nf);
        for (size_t j = 0; j < nf; j++)
            ck_assert_str_eq(xpl_dataset_col_name(db, j),
                             xpl_model_feature_name(a, j));
        ck_assert(same_bits(da->x, db->x, da->n_rows * nf));
        ck_assert_int_eq(da->w == NULL, db->w == NULL);
        if (da->w)
            ck_assert(same_bits(da->w, db->w, da->n_rows));
    }
    const xpl_stats *sa = xpl_model_stats(a), *sb = xpl_model_stats(b);
    ck_assert_int_eq(sa == NULL, sb == NULL);
    if (sa) {
        size_t nq = sa->n_quantiles;
        ck_assert_uint_eq(sb->n_features, nf);
        ck_assert_uint_eq(sb->n_quantiles, nq);
        ck_assert(same_bits(sa->probs, sb->probs, nq));
        ck_assert(same_bits(sa->quantiles, sb->quantiles, nq * nf));
        for (size_t j = 0; j < nf; j++) {
            ck_assert_uint_eq(sa->feature[j].n, sb->feature[j].n);
            ck_assert_uint_eq(sa->feature[j].n_missing,
                              sb->feature[j].n_missing);
            ck_assert(same_bits(&sa->feature[j].mean, &sb->feature[j].mean, 1));
            ck_assert(same_bits(&sa->feature[j].std, &sb->feature[j].std, 1));
            ck_assert(same_bits(&sa->feature[j].min, &sb->feature[j].min, 1));
            ck_assert(same_bits(&sa->feature[j].max, &sb->feature[j].max, 1));
        }
    }

    enum { ROWS = 4 };
    double *x = malloc(ROWS * nf * sizeof *x);
    double *ya = malloc(ROWS * no * sizeof *ya);
    double *yb = malloc(ROWS * no * sizeof *yb);
    for (size_t i = 0; i < ROWS * nf; i++)
        x[i] = (double)i * 0.37 - 1.0;
    ck_assert_int_eq(xpl_model_predict(a, NULL, x, ROWS, XPL_OUTPUT_RAW, ya),
                     XPL_OK);
    ck_assert_int_eq(xpl_model_predict(b, NULL, x, ROWS, XPL_OUTPUT_RAW, yb),
                     XPL_OK);
    ck_assert(same_bits(ya, yb, ROWS * no));
    free(x);
    free(ya);
    free(yb);
}

/* A model with everything: 3 outputs, weighted background, statistics. */
static unsigned char *full_file(size_t *n)
{
    xpl_model *m = make_linear(4, 3, XPL_LINK_SOFTMAX);
    add_background(m, 3, 1);
    add_stats(m, 5);
    unsigned char *p = serialize(m, n);
    xpl_model_free(m);
    return p;
}

/* ------------------------------------------- hand-built files (the spec) */

static void put_header(xpl__writer *f, unsigned major, unsigned minor,
                       uint32_t flags)
{
    xpl__writer_init(f);
    xpl__put_bytes(f, MAGIC, 8);
    xpl__put_u16(f, (uint16_t)major);
    xpl__put_u16(f, (uint16_t)minor);
    xpl__put_u32(f, flags);
}

/* Append a section holding `payload`'s bytes (and release the payload). */
static void put_section(xpl__writer *f, uint32_t type, uint32_t flags,
                        xpl__writer *payload)
{
    xpl__put_u32(f, type);
    xpl__put_u32(f, flags);
    xpl__put_u64(f, payload->size);
    xpl__put_bytes(f, payload->data, payload->size);
    xpl__writer_free(payload);
}

static void put_model(xpl__writer *f, uint32_t family, uint32_t link,
                      uint64_t nf, uint64_t no, const char *const *names)
{
    xpl__writer p;
    xpl__writer_init(&p);
    xpl__put_u32(&p, family);
    xpl__put_u32(&p, link);
    xpl__put_u64(&p, nf);
    xpl__put_u64(&p, no);
    for (uint64_t j = 0; names && j < nf; j++)
        xpl__put_string(&p, names[j], strlen(names[j]));
    put_section(f, SEC_MODEL, 0, &p);
}

static void put_doubles(xpl__writer *f, uint32_t type, uint32_t flags,
                        const double *v, size_t n)
{
    xpl__writer p;
    xpl__writer_init(&p);
    for (size_t i = 0; i < n; i++)
        xpl__put_f64(&p, v[i]);
    put_section(f, type, flags, &p);
}

static const char *const ab[] = { "a", "b" };
static const double params[] = { 1.0, 2.0, 3.0 }; /* intercept, coef a, b */

/* The smallest complete file: identity, features a and b, one output. */
static void put_small(xpl__writer *f)
{
    put_model(f, 1, 0, 2, 1, ab);
    put_doubles(f, SEC_LINEAR, 0, params, 3);
}

static unsigned char *finish(xpl__writer *f, size_t *n)
{
    ck_assert(!f->failed);
    xpl__put_u32(f, xpl__crc32(0, f->data, f->size));
    unsigned char *p = xpl__writer_take(f, n);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void fix_crc(unsigned char *p, size_t n)
{
    uint32_t c = xpl__crc32(0, p, n - 4);
    for (int i = 0; i < 4; i++)
        p[n - 4 + i] = (unsigned char)(c >> (8 * i));
}

/* Load a hand-built file, expecting an error code and message part. */
#define expect_file(f, code, substr)                                         \
    do {                                                                     \
        size_t n_;                                                           \
        unsigned char *p_ = finish((f), &n_);                                \
        ck_assert_error(try_load(p_, n_), (code), (substr));                 \
        free(p_);                                                            \
    } while (0)

/* --------------------------------------------------------- crc and bytes */

START_TEST(crc32_known_values)
{
    ck_assert_uint_eq(xpl__crc32(0, "123456789", 9), 0xcbf43926u);
    ck_assert_uint_eq(xpl__crc32(0, "", 0), 0);
    ck_assert_uint_eq(xpl__crc32(0, "a", 1), 0xe8b7be43u);
    const char *s = "The quick brown fox jumps over the lazy dog";
    ck_assert_uint_eq(xpl__crc32(0, s, strlen(s)), 0x414fa339u);
    /* Continuing over a split equals one pass. */
    ck_assert_uint_eq(xpl__crc32(xpl__crc32(0, s, 10), s + 10, strlen(s) - 10),
                      0x414fa339u);
}
END_TEST

START_TEST(bytes_round_trip_little_endian)
{
    xpl__writer w;
    xpl__writer_init(&w);
    xpl__put_u8(&w, 0xab);
    xpl__put_u16(&w, 0x0102);
    xpl__put_u32(&w, 0x01020304u);
    xpl__put_u64(&w, 0x0102030405060708u);
    xpl__put_f64(&w, 1.0);
    xpl__put_string(&w, "h\xc3\xa9", 3);
    size_t at = w.size;
    xpl__put_u64(&w, 0);
    xpl__patch_u64(&w, at, 0x1122334455667788u);
    for (int i = 0; i < 1000; i++) /* past the first capacity */
        xpl__put_u8(&w, (uint8_t)i);
    size_t n;
    unsigned char *p = xpl__writer_take(&w, &n);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(n, 1 + 2 + 4 + 8 + 8 + 7 + 8 + 1000);
    static const unsigned char head[] = {
        0xab, 0x02, 0x01, 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05,
        0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 3, 0, 0, 0,
        'h', 0xc3, 0xa9, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11
    };
    ck_assert_mem_eq(p, head, sizeof head);

    xpl__reader r;
    xpl__reader_init(&r, p, n, "buf");
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    double d;
    char *s;
    ck_assert_int_eq(xpl__get_u8(&r, &u8), XPL_OK);
    ck_assert_uint_eq(u8, 0xab);
    ck_assert_int_eq(xpl__get_u16(&r, &u16), XPL_OK);
    ck_assert_uint_eq(u16, 0x0102);
    ck_assert_int_eq(xpl__get_u32(&r, &u32), XPL_OK);
    ck_assert_uint_eq(u32, 0x01020304u);
    ck_assert_int_eq(xpl__get_u64(&r, &u64), XPL_OK);
    ck_assert_uint_eq(u64, 0x0102030405060708u);
    ck_assert_int_eq(xpl__get_f64(&r, &d), XPL_OK);
    ck_assert_double_eq(d, 1.0);
    ck_assert_int_eq(xpl__get_string(&r, 10, &s), XPL_OK);
    ck_assert_str_eq(s, "h\xc3\xa9");
    free(s);
    ck_assert_int_eq(xpl__get_u64(&r, &u64), XPL_OK);
    ck_assert_uint_eq(u64, 0x1122334455667788u);
    ck_assert_int_eq(xpl__reader_skip(&r, 998), XPL_OK);
    ck_assert_uint_eq(xpl__reader_left(&r), 2);
    ck_assert_error(xpl__get_u32(&r, &u32), XPL_EFORMAT,
                    "buf: offset 1036: truncated: 4 bytes needed, 2 left");
    free(p);
}
END_TEST

START_TEST(bytes_reader_checks)
{
    static const unsigned char data[] = { 5, 0, 0, 0, 'a', 'b', 0, 'c', 'd',
                                          0xff, 0xff, 0xff, 0xff };
    xpl__reader r;
    char *s;
    xpl__reader_init(&r, data, sizeof data, "x");
    ck_assert_error(xpl__get_string(&r, 100, &s), XPL_EFORMAT,
                    "x: offset 0: string contains a NUL byte");
    xpl__reader_init(&r, data, sizeof data, "x");
    ck_assert_error(xpl__get_string(&r, 4, &s), XPL_ELIMIT, "longer than");
    r.pos = 9; /* length 0xffffffff */
    ck_assert_error(xpl__get_string(&r, UINT32_MAX, &s), XPL_EFORMAT,
                    "truncated");
    static const unsigned char empty[] = { 0, 0, 0, 0 };
    xpl__reader_init(&r, empty, sizeof empty, "x");
    ck_assert_error(xpl__get_string(&r, 10, &s), XPL_EFORMAT, "empty string");
    static const unsigned char bad[] = { 2, 0, 0, 0, 0xc3, 'x' };
    xpl__reader_init(&r, bad, sizeof bad, "x");
    ck_assert_error(xpl__get_string(&r, 10, &s), XPL_EFORMAT, "UTF-8");

    xpl__reader_init(&r, data, sizeof data, "x");
    ck_assert_int_eq(xpl__reader_need(&r, 13, 1, "bytes"), XPL_OK);
    ck_assert_error(xpl__reader_need(&r, 7, 2, "pairs"), XPL_EFORMAT,
                    "7 pairs need at least 2 bytes each, only 13 bytes left");
    /* count * size overflows 64 bits: still refused. */
    ck_assert_int_eq(xpl__reader_need(&r, (uint64_t)1 << 62, 16, "x"),
                     XPL_EFORMAT);
    ck_assert_int_eq(xpl__reader_need(&r, UINT64_MAX, 0, "x"), XPL_OK);
    xpl__reader sub;
    ck_assert_int_eq(xpl__reader_sub(&r, 14, &sub), XPL_EFORMAT);
    ck_assert_int_eq(xpl__reader_sub(&r, 4, &sub), XPL_OK);
    ck_assert_uint_eq(xpl__reader_left(&sub), 4);
    ck_assert_uint_eq(r.pos, 4);
    ck_assert_int_eq(xpl__reader_skip(&sub, 5), XPL_EFORMAT);
    ck_assert_int_eq(xpl__reader_skip(&r, UINT64_MAX), XPL_EFORMAT);
}
END_TEST

START_TEST(utf8_validation)
{
    ck_assert(xpl__utf8_valid("", 0));
    ck_assert(xpl__utf8_valid("plain", 5));
    ck_assert(xpl__utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    ck_assert(xpl__utf8_valid("\xf4\x8f\xbf\xbf", 4));      /* U+10FFFF */
    ck_assert(!xpl__utf8_valid("\xc0\x80", 2));             /* overlong NUL */
    ck_assert(!xpl__utf8_valid("\xe0\x80\xaf", 3));         /* overlong */
    ck_assert(!xpl__utf8_valid("\xed\xa0\x80", 3));         /* surrogate */
    ck_assert(!xpl__utf8_valid("\xf4\x90\x80\x80", 4));     /* > U+10FFFF */
    ck_assert(!xpl__utf8_valid("\xe2\x82", 2));             /* cut short */
    ck_assert(!xpl__utf8_valid("\x80", 1));                 /* lone tail */
    ck_assert(!xpl__utf8_valid("\xc3\x28", 2));             /* bad tail */
    ck_assert(!xpl__utf8_valid("\xff", 1));
}
END_TEST

/* ------------------------------------------------------------ round trips */

START_TEST(hand_built_file_matches_writer)
{
    /* The writer's bytes equal a file built from the spec by hand. */
    xpl__writer f;
    put_header(&f, 1, 0, 0);
    put_small(&f);
    size_t n_hand;
    unsigned char *hand = finish(&f, &n_hand);
    ck_assert_uint_eq(n_hand, 16 + (16 + 24 + 5 + 5) + (16 + 24) + 4);

    xpl_model *m;
    ck_assert_int_eq(xpl__linear_model_new(&m, 2, 1, ab, XPL_LINK_IDENTITY,
                                           params, params + 1), XPL_OK);
    size_t n;
    unsigned char *p = serialize(m, &n);
    ck_assert_uint_eq(n, n_hand);
    ck_assert_mem_eq(p, hand, n);

    xpl_model *back;
    ck_assert_int_eq(xpl_model_load_buffer(&back, hand, n_hand, NULL), XPL_OK);
    assert_identical(m, back);
    xpl_model_free(back);
    xpl_model_free(m);
    free(p);
    free(hand);
}
END_TEST

START_TEST(round_trip_every_variant)
{
    static const struct {
        size_t no;
        xpl_link link;
    } kinds[] = {
        { 1, XPL_LINK_IDENTITY },
        { 1, XPL_LINK_LOGIT },
        { 3, XPL_LINK_IDENTITY },
        { 3, XPL_LINK_LOGIT },
        { 3, XPL_LINK_SOFTMAX },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (int bg = 0; bg < 3; bg++)         /* none, plain, weighted */
            for (int st = 0; st < 3; st++) {   /* none, 11 quantiles, 0 */
                xpl_model *m = make_linear(5, kinds[k].no, kinds[k].link);
                if (bg)
                    add_background(m, 7, bg == 2);
                if (st)
                    add_stats(m, st == 1 ? 11 : 0);
                size_t n1, n2;
                unsigned char *p1 = serialize(m, &n1);
                xpl_model *back = NULL;
                int rc = xpl_model_load_buffer(&back, p1, n1, "rt.bin");
                ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
                assert_identical(m, back);
                unsigned char *p2 = serialize(back, &n2);
                ck_assert_uint_eq(n1, n2);
                ck_assert_mem_eq(p1, p2, n1);
                xpl_model_free(back);
                xpl_model_free(m);
                free(p1);
                free(p2);
            }
}
END_TEST

START_TEST(wide_model_round_trip)
{
    xpl_model *m = make_linear(3000, 2, XPL_LINK_LOGIT);
    add_background(m, 20, 1);
    add_stats(m, 11);
    size_t n;
    unsigned char *p = serialize(m, &n);
    xpl_model *back;
    ck_assert_int_eq(xpl_model_load_buffer(&back, p, n, NULL), XPL_OK);
    assert_identical(m, back);
    xpl_model_free(back);
    xpl_model_free(m);
    free(p);
}
END_TEST

/* ----------------------------------------------------- save and load files */

static int zero_predict(const void *state, void *scratch, const double *x,
                        size_t n_rows, size_t n_cols, double *out)
{
    for (size_t i = 0; i < n_rows; i++)
        out[i] = 0.0;
    return 0;
}

static const xpl_adapter custom_ops = { XPL_ADAPTER_VERSION, "custom", NULL,
                                        zero_predict, NULL };

static int has_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            found = 1;
    closedir(d);
    return found;
}

static char *path_in_tmp(const char *name)
{
    char *p = malloc(1024);
    snprintf(p, 1024, "%s/%s", tmp_dir(), name);
    return p;
}

static unsigned char *read_whole(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *p = malloc(1 << 20);
    *n = fread(p, 1, 1 << 20, f);
    fclose(f);
    return p;
}

START_TEST(save_and_load_file)
{
    xpl_model *m = make_linear(3, 3, XPL_LINK_SOFTMAX);
    add_background(m, 4, 0);
    add_stats(m, 11);
    char *path = path_in_tmp("saved.bin");
    unlink(path);
    mode_t old = umask(022);
    ck_assert_int_eq(xpl_model_save(m, path), XPL_OK);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    /* A new file gets the usual permissions, not mkstemp's 0600. */
    ck_assert_uint_eq(st.st_mode & 0777, 0644);

    size_t n, n_file;
    unsigned char *p = serialize(m, &n);
    unsigned char *file = read_whole(path, &n_file);
    ck_assert_uint_eq(n_file, n);
    ck_assert_mem_eq(file, p, n);

    xpl_model *back;
    ck_assert_int_eq(xpl_model_load(&back, path), XPL_OK);
    assert_identical(m, back);
    xpl_model_free(back);

    /* Replacing keeps the existing file's permissions. */
    ck_assert_int_eq(chmod(path, 0640), 0);
    xpl_model *other = make_linear(2, 1, XPL_LINK_LOGIT);
    ck_assert_int_eq(xpl_model_save(other, path), XPL_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0640);
    ck_assert_int_eq(xpl_model_load(&back, path), XPL_OK);
    assert_identical(other, back);
    xpl_model_free(back);
    ck_assert(!has_temp_files(tmp_dir()));

    xpl_model_free(other);
    xpl_model_free(m);
    unlink(path);
    free(path);
    free(p);
    free(file);
}
END_TEST

/* A symbolic link survives a save (the file it names is replaced), and a
 * device is written in place rather than replaced by a regular file. */
START_TEST(save_follows_links_and_keeps_devices)
{
    xpl_model *m = make_linear(2, 1, XPL_LINK_IDENTITY);
    char *real = path_in_tmp("real.bin");
    char *link = path_in_tmp("link.bin");
    write_tmp("real.bin", "old", 3);
    ck_assert_int_eq(symlink(real, link), 0);
    ck_assert_int_eq(xpl_model_save(m, link), XPL_OK);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    xpl_model *back;
    ck_assert_int_eq(xpl_model_load(&back, real), XPL_OK);
    assert_identical(m, back);
    xpl_model_free(back);
    ck_assert(!has_temp_files(tmp_dir()));
    unlink(link);
    unlink(real);
    free(link);
    free(real);

    if (stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode)) {
        ck_assert_error(xpl_model_save(m, "/dev/full"), XPL_EIO, "/dev/full");
        ck_assert_int_eq(stat("/dev/full", &st), 0);
        ck_assert(S_ISCHR(st.st_mode));
    }
    if (stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode)) {
        ck_assert_int_eq(xpl_model_save(m, "/dev/null"), XPL_OK);
        ck_assert_int_eq(stat("/dev/null", &st), 0);
        ck_assert(S_ISCHR(st.st_mode));
    }
    xpl_model_free(m);
}
END_TEST

START_TEST(save_failures_leave_nothing)
{
    xpl_model *m = make_linear(2, 1, XPL_LINK_IDENTITY);
    char *path = path_in_tmp("no-such-dir/model.bin");
    ck_assert_error(xpl_model_save(m, path), XPL_EIO, path);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), strerror(ENOENT)));
    free(path);

    /* The target is a directory: refused before anything is written; the
     * directory and its content are untouched. */
    char *dir = path_in_tmp("occupied");
    char *inside = path_in_tmp("occupied/keep");
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    write_tmp("occupied/keep", "x", 1);
    ck_assert_error(xpl_model_save(m, dir), XPL_EIO, "Is a directory");
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(stat(inside, &st), 0);
    ck_assert_int_eq(st.st_size, 1);
    ck_assert(!has_temp_files(tmp_dir()));
    unlink(inside);
    rmdir(dir);
    free(inside);
    free(dir);

    /* An existing file stays as it was when the model cannot be saved. */
    char *target = path_in_tmp("existing.bin");
    write_tmp("existing.bin", "old", 3);
    static const xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, 2, 1, NULL,
                                         XPL_LINK_IDENTITY };
    xpl_model *custom;
    ck_assert_int_eq(xpl_model_wrap(&custom, &custom_ops, NULL, &spec),
                     XPL_OK);
    ck_assert_error(xpl_model_save(custom, target), XPL_EUNSUPPORTED,
                    "user callback");
    size_t n;
    unsigned char *p = read_whole(target, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_mem_eq(p, "old", 3);
    free(p);
    ck_assert(!has_temp_files(tmp_dir()));
    unlink(target);
    free(target);
    xpl_model_free(custom);

    ck_assert_error(xpl_model_save(NULL, "x"), XPL_EINVAL, "NULL");
    ck_assert_error(xpl_model_save(m, NULL), XPL_EINVAL, "NULL");
    xpl_model_free(m);
}
END_TEST

START_TEST(load_file_errors)
{
    xpl_model *m = (xpl_model *)&m;
    char *path = path_in_tmp("absent.bin");
    ck_assert_error(xpl_model_load(&m, path), XPL_EIO, path);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), strerror(ENOENT)));
    ck_assert_ptr_null(m);
    free(path);

    ck_assert_error(xpl_model_load(&m, tmp_dir()), XPL_EIO,
                    strerror(EISDIR));
    /* Not a regular file: read until end of file. */
    ck_assert_error(xpl_model_load(&m, "/dev/null"), XPL_EFORMAT,
                    "/dev/null: empty file");

    /* A sparse file just over 1 GiB is refused before it is read. */
    char *big = path_in_tmp("big.bin");
    FILE *f = fopen(big, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(ftruncate(fileno(f), ((off_t)1 << 30) + 1), 0);
    fclose(f);
    ck_assert_error(xpl_model_load(&m, big), XPL_ELIMIT, "limit");
    unlink(big);
    free(big);

    ck_assert_error(xpl_model_load(NULL, "x"), XPL_EINVAL, "out");
    ck_assert_error(xpl_model_load(&m, NULL), XPL_EINVAL, "path");
}
END_TEST

START_TEST(serialize_argument_errors)
{
    xpl_model *m = make_linear(2, 1, XPL_LINK_IDENTITY);
    void *p = (void *)&m;
    size_t n = 12345;
    ck_assert_error(xpl_model_serialize(NULL, &p, &n), XPL_EINVAL, "NULL");
    ck_assert_error(xpl_model_serialize(m, NULL, &n), XPL_EINVAL, "NULL");
    ck_assert_error(xpl_model_serialize(m, &p, NULL), XPL_EINVAL, "NULL");
    /* Outputs are untouched on failure. */
    ck_assert_ptr_eq(p, (void *)&m);
    ck_assert_uint_eq(n, 12345);
    xpl_model_free(m);
}
END_TEST

/* --------------------------------------------------------------- detection */

START_TEST(detection_by_content)
{
    xpl_model *m = (xpl_model *)&m;
    ck_assert_error(xpl_model_load_buffer(&m, "", 0, "e.bin"), XPL_EFORMAT,
                    "e.bin: empty file");
    ck_assert_ptr_null(m);
    ck_assert_error(xpl_model_load_buffer(&m, "PK\3\4junk", 8, NULL),
                    XPL_EFORMAT,
                    "<buffer>: not a model file: expected model.bin, a "
                    "JSON model or a LightGBM text model");
    ck_assert_error(xpl_model_load_buffer(&m, "[1, 2]", 6, "a.json"),
                    XPL_EFORMAT, "not a model file");
    /* A JSON object, after whitespace and a byte order mark, goes to the
     * JSON reader, which then complains about its content. */
    static const char json[] = "\xef\xbb\xbf \r\n\t{\"type\": \"linear\"}";
    ck_assert_error(xpl_model_load_buffer(&m, json, sizeof json - 1, "m.json"),
                    XPL_EFORMAT, "m.json: missing key \"link\"");
    /* A file cut inside the magic is reported as a truncated model.bin. */
    ck_assert_error(xpl_model_load_buffer(&m, MAGIC, 5, "cut.bin"),
                    XPL_EFORMAT, "cut.bin: offset 5: truncated");
    ck_assert_error(xpl_model_load_buffer(&m, "\x89XPLAIM\n", 8, "x"),
                    XPL_EFORMAT, "not a model file");
    ck_assert_error(xpl_model_load_buffer(NULL, "{}", 2, NULL), XPL_EINVAL,
                    "out");
    ck_assert_error(xpl_model_load_buffer(&m, NULL, 2, NULL), XPL_EINVAL,
                    "data");
    /* The binary reader checks the magic itself too. */
    ck_assert_error(xpl__model_read_bin(&m, (const unsigned char *)"{}", 2,
                                        "j"), XPL_EFORMAT, "magic");
}
END_TEST

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(random_garbage_is_rejected)
{
    uint64_t seed = 0x9e3779b97f4a7c15u;
    unsigned char buf[600];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(next_random(&seed) % sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)next_random(&seed);
        if (n > 0 && (buf[0] == '{' || buf[0] == 0x89))
            buf[0] = 'x';
        ck_assert_int_eq(try_load(buf, n), XPL_EFORMAT);

        /* Garbage behind a valid header and checksum reaches the section
         * parser: it must fail cleanly, never crash. */
        if (n < 20)
            continue;
        memcpy(buf, MAGIC "\1\0\0\0\0\0\0\0", 16);
        if (round % 2) /* a plausible first section header */
            memcpy(buf + 16, "\1\0\0\0\0\0\0\0", 8);
        fix_crc(buf, n);
        int rc = try_load(buf, n);
        ck_assert_msg(rc == XPL_EFORMAT || rc == XPL_ELIMIT ||
                      rc == XPL_EVERSION || rc == XPL_EUNSUPPORTED,
                      "rc %d: %s", rc, xpl_last_error());
    }
}
END_TEST

/* ------------------------------------------------------------- corruption */

START_TEST(truncation_at_every_offset)
{
    size_t n;
    unsigned char *p = full_file(&n);
    for (size_t len = 0; len < n; len++) {
        int rc = try_load(p, len);
        ck_assert_msg(rc == XPL_EFORMAT, "length %zu: rc %d (%s)", len, rc,
                      xpl_last_error());
    }
    /* Cut and re-sealed with a valid checksum: the structure checks alone
     * must catch every cut, except one that drops whole optional sections
     * after LINEAR, which leaves a valid smaller model. */
    size_t valid_cut[8], n_valid = 0, pos = 16;
    for (int k = 0; pos < n - 4; k++) {
        uint64_t len = 0;
        for (int b = 0; b < 8; b++)
            len |= (uint64_t)p[pos + 8 + b] << (8 * b);
        pos += 16 + (size_t)len;
        if (k >= 1)
            valid_cut[n_valid++] = pos;
    }
    ck_assert_uint_eq(n_valid, 3); /* after LINEAR, BACKGROUND, STATS */
    for (size_t len = 20; len < n; len++) {
        unsigned char *q = malloc(len);
        memcpy(q, p, len - 4);
        fix_crc(q, len);
        int valid = 0;
        for (size_t k = 0; k < n_valid; k++)
            valid |= valid_cut[k] == len - 4;
        int rc = try_load(q, len);
        ck_assert_msg(rc == (valid ? XPL_OK : XPL_EFORMAT),
                      "resealed length %zu: rc %d (%s)", len, rc,
                      xpl_last_error());
        free(q);
    }
    free(p);
}
END_TEST

START_TEST(every_flipped_byte_is_detected)
{
    size_t n;
    unsigned char *p = full_file(&n);
    static const unsigned char masks[] = { 0x01, 0x80, 0xff };
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof masks; k++) {
            p[i] ^= masks[k];
            int rc = try_load(p, n);
            /* Bytes 8-11 hold the version, checked before the checksum. */
            ck_assert_msg(rc == XPL_EFORMAT || (i >= 8 && i < 12 &&
                                                rc == XPL_EVERSION),
                          "byte %zu ^ %02x: rc %d (%s)", i, masks[k], rc,
                          xpl_last_error());
            if (i >= 16 && i < n - 4 && rc == XPL_EFORMAT)
                ck_assert_ptr_nonnull(strstr(xpl_last_error(),
                                             "checksum mismatch"));
            p[i] ^= masks[k];
        }
    ck_assert_int_eq(try_load(p, n), XPL_OK);
    free(p);
}
END_TEST

START_TEST(flipped_bytes_with_valid_checksum_never_crash)
{
    size_t n;
    unsigned char *p = full_file(&n);
    unsigned char *q = malloc(n);
    for (size_t i = 0; i < n - 4; i++)
        for (unsigned bit = 0; bit < 8; bit++) {
            memcpy(q, p, n);
            q[i] ^= (unsigned char)(1u << bit);
            fix_crc(q, n);
            xpl_model *m = NULL;
            int rc = load_copy(&m, q, n);
            /* Some flips give another valid model (a changed coefficient);
             * the rest must be clean errors. */
            ck_assert_msg(rc <= 0 && rc != XPL_ENOMEM && rc != XPL_EINVAL,
                          "byte %zu bit %u: rc %d", i, bit, rc);
            xpl_model_free(m);
        }
    free(q);
    free(p);
}
END_TEST

/* ------------------------------------------------------------ header rules */

START_TEST(header_errors)
{
    size_t n;
    unsigned char *p = full_file(&n);

    p[8] = 2; /* major 2, checksum left stale: the version wins */
    ck_assert_error(try_load(p, n), XPL_EVERSION,
                    "t.bin: offset 8: model.bin version 2.0 is newer than "
                    "this library (1.x)");
    fix_crc(p, n);
    ck_assert_error(try_load(p, n), XPL_EVERSION, "version 2.0 is newer");
    p[8] = 0;
    ck_assert_error(try_load(p, n), XPL_EVERSION, "version 0.0 is older");
    p[8] = 1;

    p[10] = 7; /* minor 7: fine while nothing unknown is required */
    fix_crc(p, n);
    ck_assert_int_eq(try_load(p, n), XPL_OK);
    p[10] = 0;

    p[12] = 1; /* header flags */
    fix_crc(p, n);
    ck_assert_error(try_load(p, n), XPL_EFORMAT,
                    "t.bin: offset 12: header flags 0x00000001: must be 0");
    p[10] = 3;
    fix_crc(p, n);
    ck_assert_error(try_load(p, n), XPL_EVERSION, "model.bin 1.3");
    p[10] = 0;
    p[12] = 0;

    p[n - 1] ^= 0x10;
    ck_assert_error(try_load(p, n), XPL_EFORMAT,
                    "checksum mismatch (file corrupted");
    fix_crc(p, n);
    ck_assert_int_eq(try_load(p, n), XPL_OK);
    free(p);

    xpl__writer f;
    put_header(&f, 1, 0, 0);
    expect_file(&f, XPL_EFORMAT, "offset 16: no MODEL section");
    /* 19 bytes: a header and most of a checksum. */
    static const unsigned char short_file[19] = MAGIC "\1\0\0\0";
    ck_assert_error(try_load(short_file, sizeof short_file), XPL_EFORMAT,
                    "truncated: a model.bin file has at least 20 bytes");
}
END_TEST

/* ----------------------------------------------------------- section rules */

START_TEST(section_structure_errors)
{
    xpl__writer f, p;

    put_header(&f, 1, 0, 0);
    put_doubles(&f, SEC_LINEAR, 0, params, 3);
    put_model(&f, 1, 0, 2, 1, ab);
    expect_file(&f, XPL_EFORMAT, "offset 16: the first section must be MODEL");

    put_header(&f, 1, 0, 0);
    put_model(&f, 1, 0, 2, 1, ab);
    expect_file(&f, XPL_EFORMAT, "no LINEAR section");

    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_model(&f, 1, 0, 2, 1, ab);
    expect_file(&f, XPL_EFORMAT, "a second MODEL section");

    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_doubles(&f, SEC_LINEAR, 0, params, 3);
    expect_file(&f, XPL_EFORMAT, "a second LINEAR section");

    /* Payload longer than its content. */
    put_header(&f, 1, 0, 0);
    put_model(&f, 1, 0, 2, 1, ab);
    static const double four[] = { 1, 2, 3, 4 };
    put_doubles(&f, SEC_LINEAR, 0, four, 4);
    expect_file(&f, XPL_EFORMAT,
                "offset 106: 8 unexpected bytes at the end of the LINEAR "
                "section");

    /* Payload shorter than its content. */
    put_header(&f, 1, 0, 0);
    put_model(&f, 1, 0, 2, 1, ab);
    put_doubles(&f, SEC_LINEAR, 0, params, 2);
    expect_file(&f, XPL_EFORMAT, "offset 82: 3 intercepts and coefficients need at least 8 "
                                 "bytes each, only 16 bytes left");

    /* A length beyond the end of the file. */
    put_header(&f, 1, 0, 0);
    put_small(&f);
    xpl__put_u32(&f, 99);
    xpl__put_u32(&f, OPTIONAL);
    xpl__put_u64(&f, (uint64_t)1 << 62);
    expect_file(&f, XPL_EFORMAT, "offset 114: section type 99 claims "
                                 "4611686018427387904 bytes, only 0 left");

    /* Stray bytes after the last section. */
    put_header(&f, 1, 0, 0);
    put_small(&f);
    xpl__put_bytes(&f, "\0\0\0", 3);
    expect_file(&f, XPL_EFORMAT, "offset 106: truncated section header");

    /* Section flags. */
    put_header(&f, 1, 0, 0);
    put_small(&f);
    xpl__writer_init(&p);
    put_section(&f, 99, 2, &p);
    expect_file(&f, XPL_EFORMAT, "offset 110: section type 99 has undefined "
                                 "flags 0x2");
    put_header(&f, 1, 3, 0);
    put_small(&f);
    xpl__writer_init(&p);
    put_section(&f, 99, 3, &p);
    expect_file(&f, XPL_EVERSION, "undefined flags");

    put_header(&f, 1, 0, 0);
    put_model(&f, 1, 0, 2, 1, ab);
    put_doubles(&f, SEC_LINEAR, OPTIONAL, params, 3);
    expect_file(&f, XPL_EFORMAT, "LINEAR section with flags 1, expected 0");

    put_header(&f, 1, 0, 0);
    put_small(&f);
    xpl__writer_init(&p);
    xpl__put_u32(&p, 0);
    put_section(&f, SEC_STATS, 0, &p);
    expect_file(&f, XPL_EFORMAT, "STATS section with flags 0, expected 1");
}
END_TEST

START_TEST(unknown_sections)
{
    xpl_model *ref;
    ck_assert_int_eq(xpl__linear_model_new(&ref, 2, 1, ab, XPL_LINK_IDENTITY,
                                           params, params + 1), XPL_OK);
    xpl__writer f, p;
    for (unsigned minor = 0; minor < 3; minor++) {
        /* Optional and unknown: skipped wherever it comes after MODEL. */
        put_header(&f, 1, minor, 0);
        put_model(&f, 1, 0, 2, 1, ab);
        xpl__writer_init(&p);
        xpl__put_bytes(&p, "future data", 11);
        put_section(&f, 99, OPTIONAL, &p);
        put_doubles(&f, SEC_LINEAR, 0, params, 3);
        xpl__writer_init(&p);
        put_section(&f, 1000, OPTIONAL, &p);
        size_t n;
        unsigned char *bytes = finish(&f, &n);
        xpl_model *m;
        ck_assert_int_eq(load_copy(&m, bytes, n), XPL_OK);
        assert_identical(ref, m);
        /* Saving again writes the known sections only. */
        size_t n2;
        unsigned char *again = serialize(m, &n2);
        ck_assert_uint_eq(n2, n - (16 + 11) - 16);
        xpl_model_free(m);
        free(again);
        free(bytes);
    }

    /* Required and unknown: corrupt in 1.0 to 1.2, from the future in
     * 1.3. */
    put_header(&f, 1, 0, 0);
    put_small(&f);
    xpl__writer_init(&p);
    xpl__put_u64(&p, 7);
    put_section(&f, 99, 0, &p);
    expect_file(&f, XPL_EFORMAT,
                "t.bin: offset 106: unknown required section type 99");
    put_header(&f, 1, 3, 0);
    put_small(&f);
    xpl__writer_init(&p);
    put_section(&f, 99, 0, &p);
    expect_file(&f, XPL_EVERSION, "the file is model.bin 1.3, this library "
                                  "reads up to 1.2");

    /* An optional unknown section cannot come first. */
    put_header(&f, 1, 0, 0);
    xpl__writer_init(&p);
    put_section(&f, 99, OPTIONAL, &p);
    put_small(&f);
    expect_file(&f, XPL_EFORMAT, "first section must be MODEL");
    xpl_model_free(ref);
}
END_TEST

/* A MODEL section whose one feature name claims `len` bytes and holds one. */
static void put_model_long_name(xpl__writer *f, uint32_t len)
{
    xpl__writer p;
    xpl__writer_init(&p);
    xpl__put_u32(&p, 1);
    xpl__put_u32(&p, 0);
    xpl__put_u64(&p, 1);
    xpl__put_u64(&p, 1);
    xpl__put_u32(&p, len);
    xpl__put_u8(&p, 'a');
    put_section(f, SEC_MODEL, 0, &p);
}

START_TEST(model_section_errors)
{
    xpl__writer f;
    static const char *const aa[] = { "a", "a" };
    static const char *const empty_name[] = { "", "abcdef" };
    static const char *const latin1[] = { "a", "caf\xe9" };

    /* Offsets: header 16, section header 16, family 32, link 36,
     * n_features 40, n_outputs 48, names 56. Each case: a 1.minor header,
     * a MODEL section, then the linear parameters if `linear`. */
    static const struct {
        unsigned minor;
        uint32_t family, link;
        uint64_t nf, no;
        const char *const *names;
        int linear;
        int code;
        const char *msg;
    } cases[] = {
        { 0, 1, 0, (uint64_t)1 << 60, 1, NULL, 0, XPL_ELIMIT,
          "t.bin: offset 40: 1152921504606846976 features: more than the "
          "limit" },
        { 0, 1, 0, 1000, 1, NULL, 0, XPL_EFORMAT,
          "offset 56: 1000 feature names need at least 5 bytes each, only 0 "
          "bytes left" },
        { 0, 1, 0, 2, (uint64_t)1 << 40, ab, 0, XPL_ELIMIT,
          "offset 48: 1099511627776 outputs" },
        { 0, 1, 0, 0, 1, NULL, 0, XPL_EFORMAT,
          "offset 40: the model has no features" },
        { 0, 1, 0, 2, 0, ab, 0, XPL_EFORMAT,
          "offset 48: the model has no outputs" },
        { 0, 2, 0, 2, 1, ab, 0, XPL_EFORMAT,
          "no TREES section in a tree-ensemble model" },
        { 0, 0, 0, 2, 1, ab, 0, XPL_EFORMAT,
          "offset 32: unknown model family 0" },
        { 3, 7, 0, 2, 1, ab, 0, XPL_EVERSION, "unknown model family 7" },
        /* family 3 (linear trees) is defined from 1.2 on */
        { 1, 3, 0, 2, 1, ab, 0, XPL_EFORMAT,
          "offset 32: unknown model family 3 (linear trees need model.bin "
          "1.2)" },
        { 2, 3, 0, 2, 1, ab, 0, XPL_EFORMAT,
          "no TREES section in a tree-ensemble model" },
        { 0, 1, 6, 2, 1, ab, 0, XPL_EFORMAT, "offset 36: unknown link 6" },
        { 0, 1, XPL_LINK_SOFTMAX, 2, 1, ab, 1, XPL_EFORMAT,
          "offset 36: the softmax link needs at least 2 outputs" },
        { 0, 1, XPL_LINK_LOG, 2, 1, ab, 1, XPL_EUNSUPPORTED,
          "t.bin: linear models support" },
        { 0, 1, 0, 2, 1, aa, 1, XPL_EFORMAT,
          "t.bin: duplicate feature name \"a\"" },
        { 0, 1, 0, 2, 1, empty_name, 0, XPL_EFORMAT,
          "offset 56: empty string" },
        { 0, 1, 0, 2, 1, latin1, 0, XPL_EFORMAT,
          "offset 61: string is not valid UTF-8" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        put_header(&f, 1, cases[i].minor, 0);
        put_model(&f, cases[i].family, cases[i].link, cases[i].nf,
                  cases[i].no, cases[i].names);
        if (cases[i].linear)
            put_doubles(&f, SEC_LINEAR, 0, params, 3);
        expect_file(&f, cases[i].code, cases[i].msg);
    }

    /* A name length beyond the limit, and one beyond the data. */
    put_header(&f, 1, 0, 0);
    put_model_long_name(&f, UINT32_MAX);
    expect_file(&f, XPL_ELIMIT, "offset 56: string of 4294967295 bytes");
    put_header(&f, 1, 0, 0);
    put_model_long_name(&f, 4000);
    expect_file(&f, XPL_EFORMAT, "offset 60: truncated: 4000 bytes needed, "
                                 "1 left");
}
END_TEST

START_TEST(linear_section_errors)
{
    xpl__writer f;
    const double nan_coef[] = { 1.0, 2.0, NAN };
    const double inf_icpt[] = { INFINITY, 2.0, 3.0 };
    put_header(&f, 1, 0, 0);
    put_model(&f, 1, 0, 2, 1, ab);
    put_doubles(&f, SEC_LINEAR, 0, nan_coef, 3);
    /* LINEAR payload starts at 66 + 16 = 82: the intercept, then the
     * coefficients from 90 (coefficient 1 at 98). */
    expect_file(&f, XPL_EFORMAT, "offset 98: coefficient 1 of output 0 is "
                                 "not finite");
    put_header(&f, 1, 0, 0);
    put_model(&f, 1, 0, 2, 1, ab);
    put_doubles(&f, SEC_LINEAR, 0, inf_icpt, 3);
    expect_file(&f, XPL_EFORMAT, "offset 82: intercept 0 is not finite");
}
END_TEST

/* BACKGROUND payload for the small model (2 features). */
static void put_background(xpl__writer *f, uint64_t rows, uint8_t has_w,
                           const double *x, size_t nx, const double *w,
                           size_t nw)
{
    xpl__writer p;
    xpl__writer_init(&p);
    xpl__put_u64(&p, rows);
    xpl__put_u8(&p, has_w);
    for (size_t i = 0; i < nx; i++)
        xpl__put_f64(&p, x[i]);
    for (size_t i = 0; i < nw; i++)
        xpl__put_f64(&p, w[i]);
    put_section(f, SEC_BACKGROUND, OPTIONAL, &p);
}

START_TEST(background_section_errors)
{
    xpl__writer f;
    const double x[] = { 1, NAN, 3, 4 };
    const double good_w[] = { 0.0, 2.5 };
    const double neg_w[] = { 1.0, -1.0 };
    const double nan_w[] = { NAN, 1.0 };

    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 2, 1, x, 4, good_w, 2);
    size_t n;
    unsigned char *bytes = finish(&f, &n);
    xpl_model *m;
    ck_assert_int_eq(load_copy(&m, bytes, n), XPL_OK);
    const xpl_dataset *bg = xpl_model_background(m);
    ck_assert_uint_eq(xpl_dataset_n_rows(bg), 2);
    ck_assert_str_eq(xpl_dataset_col_name(bg, 1), "b");
    ck_assert(isnan(xpl_dataset_data(bg)[1]));
    ck_assert_double_eq(xpl_dataset_weights(bg)[1], 2.5);
    xpl_model_free(m);
    free(bytes);

    /* The small file's sections end at 106; this payload starts at 122:
     * n_rows 122, has_weights 130, values 131, weights 163. */
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 0, 0, NULL, 0, NULL, 0);
    expect_file(&f, XPL_EFORMAT, "offset 122: the background has no rows");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, (uint64_t)1 << 60, 0, x, 4, NULL, 0);
    expect_file(&f, XPL_ELIMIT, "offset 122: 1152921504606846976 background "
                                "rows: more than the limit");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, (uint64_t)1 << 30, 0, x, 4, NULL, 0);
    expect_file(&f, XPL_EFORMAT, "1073741824 background rows need at least "
                                 "16 bytes each, only 32 bytes left");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 2, 2, x, 4, good_w, 2);
    expect_file(&f, XPL_EFORMAT, "offset 130: has_weights is 2");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 2, 1, x, 4, neg_w, 2);
    expect_file(&f, XPL_EFORMAT, "offset 171: background weight 1 is -1");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 2, 1, x, 4, nan_w, 2);
    expect_file(&f, XPL_EFORMAT, "background weight 0 is nan");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 2, 0, x, 4, good_w, 2);
    expect_file(&f, XPL_EFORMAT, "16 unexpected bytes at the end of the "
                                 "BACKGROUND section");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_background(&f, 2, 0, x, 4, NULL, 0);
    put_background(&f, 2, 0, x, 4, NULL, 0);
    expect_file(&f, XPL_EFORMAT, "a second BACKGROUND section");
}
END_TEST

static void put_stats(xpl__writer *f, uint32_t nq, const double *probs,
                      size_t n_probs, size_t n_features)
{
    xpl__writer p;
    xpl__writer_init(&p);
    xpl__put_u32(&p, nq);
    for (size_t q = 0; q < n_probs; q++)
        xpl__put_f64(&p, probs[q]);
    for (size_t j = 0; j < n_features; j++) {
        xpl__put_u64(&p, 10);
        xpl__put_u64(&p, 1);
        for (int k = 0; k < 4; k++)
            xpl__put_f64(&p, (double)k);
        for (size_t q = 0; q < n_probs; q++)
            xpl__put_f64(&p, (double)q);
    }
    put_section(f, SEC_STATS, OPTIONAL, &p);
}

START_TEST(stats_section_errors)
{
    xpl__writer f;
    const double good[] = { 0.0, 0.5, 1.0 };
    const double flat[] = { 0.1, 0.5, 0.5 };
    const double above[] = { 0.1, 0.5, 1.5 };

    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_stats(&f, 3, good, 3, 2);
    size_t n;
    unsigned char *bytes = finish(&f, &n);
    xpl_model *m;
    ck_assert_int_eq(load_copy(&m, bytes, n), XPL_OK);
    const xpl_stats *s = xpl_model_stats(m);
    ck_assert_uint_eq(xpl_stats_n_features(s), 2);
    ck_assert_uint_eq(xpl_stats_n_quantiles(s), 3);
    ck_assert_double_eq(xpl_stats_quantile_probs(s)[1], 0.5);
    xpl_feature_stats fs;
    ck_assert_int_eq(xpl_stats_feature(s, 1, &fs), XPL_OK);
    ck_assert_uint_eq(fs.n, 10);
    ck_assert_double_eq(fs.max, 3.0);
    ck_assert_double_eq(xpl_stats_quantiles(s, 1)[2], 2.0);
    xpl_model_free(m);
    free(bytes);

    /* STATS payload starts at 122; the probabilities at 126. */
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_stats(&f, 3, flat, 3, 2);
    expect_file(&f, XPL_EFORMAT, "offset 142: quantile probability 2 is 0.5");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_stats(&f, 3, above, 3, 2);
    expect_file(&f, XPL_EFORMAT, "quantile probability 2 is 1.5");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_stats(&f, UINT32_MAX, good, 3, 2);
    expect_file(&f, XPL_EFORMAT, "offset 126: 4294967295 quantile "
                                 "probabilities need");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_stats(&f, 3, good, 3, 1);
    expect_file(&f, XPL_EFORMAT, "2 feature statistics need at least 72 "
                                 "bytes each, only 72 bytes left");
    put_header(&f, 1, 0, 0);
    put_small(&f);
    put_stats(&f, 3, good, 3, 3);
    expect_file(&f, XPL_EFORMAT, "72 unexpected bytes at the end of the STATS "
                                 "section");
}
END_TEST

/* ------------------------------------------------------------------ suite */

int main(void)
{
    Suite *s = suite_create("model_file");
    TCase *tc = tcase_create("bytes");
    tcase_add_test(tc, crc32_known_values);
    tcase_add_test(tc, bytes_round_trip_little_endian);
    tcase_add_test(tc, bytes_reader_checks);
    tcase_add_test(tc, utf8_validation);
    suite_add_tcase(s, tc);

    tc = tcase_create("round_trip");
    tcase_add_test(tc, hand_built_file_matches_writer);
    tcase_add_test(tc, round_trip_every_variant);
    tcase_add_test(tc, wide_model_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_test(tc, save_and_load_file);
    tcase_add_test(tc, save_failures_leave_nothing);
    tcase_add_test(tc, save_follows_links_and_keeps_devices);
    tcase_add_test(tc, load_file_errors);
    tcase_add_test(tc, serialize_argument_errors);
    tcase_add_test(tc, detection_by_content);
    tcase_add_test(tc, random_garbage_is_rejected);
    suite_add_tcase(s, tc);

    tc = tcase_create("corruption");
    tcase_add_test(tc, truncation_at_every_offset);
    tcase_add_test(tc, every_flipped_byte_is_detected);
    tcase_add_test(tc, flipped_bytes_with_valid_checksum_never_crash);
    tcase_add_test(tc, header_errors);
    tcase_add_test(tc, section_structure_errors);
    tcase_add_test(tc, unknown_sections);
    tcase_add_test(tc, model_section_errors);
    tcase_add_test(tc, linear_section_errors);
    tcase_add_test(tc, background_section_errors);
    tcase_add_test(tc, stats_section_errors);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
