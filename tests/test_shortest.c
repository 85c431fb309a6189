/* Shortest round-trip formatting (src/core/shortest.c) against an oracle
 * that shares none of its code: glibc's correctly rounded printf and strtod.
 * For a double v, the shortest length is the least p for which "%.{p-1}e"
 * reads back as v (round-tripping is monotone in p, so a binary search
 * finds it), and the digits must be exactly those printf gives at that
 * length: correctly rounded, so the closest decimal of that length, ties
 * to even.
 *
 * `test_shortest --float32-sweep [FIRST LAST]` checks every float32 bit
 * pattern in [FIRST, LAST] (default all 2^32) converted to double: the
 * string reads back as the double, and neither neighbouring decimal with
 * one digit fewer does (which rules out every shorter decimal, see
 * sweep_one). It takes minutes, so the suite checks a stratified sample
 * and docs/output.md reports the full run. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "core/rounded.h"
#include "core/shortest.h"

/* xorshift64*: a fixed sequence, so failures reproduce. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static uint64_t to_bits(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

/* Significant digits of a decimal string (no leading or trailing zeros of
 * the digit sequence, exponent ignored) into out; returns their count. */
static int significant_digits(const char *s, char *out)
{
    int n = 0;
    for (; *s && *s != 'e'; s++) {
        if (*s < '0' || *s > '9' || (n == 0 && *s == '0'))
            continue;
        out[n++] = *s;
    }
    while (n > 0 && out[n - 1] == '0')
        n--;
    out[n] = '\0';
    return n;
}

static int round_trips(const char *s, double v)
{
    char *end;
    double back = strtod(s, &end);
    return *end == '\0' && to_bits(back) == to_bits(v);
}

/* A p-digit decimal that reads back as v, or 0 if none: the correctly
 * rounded one (printf), else its neighbour on the other side of v, which
 * matters for powers of two, whose rounding interval is narrower below. */
static int decimal_of_length(double v, int p, char *out, size_t size)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    if (round_trips(buf, v)) {
        snprintf(out, size, "%s", buf);
        return 1;
    }
    /* buf = D * 10^E with D of p digits */
    unsigned long long d = 0;
    for (const char *c = buf; *c && *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            d = d * 10 + (unsigned long long)(*c - '0');
    int exp10 = atoi(strchr(buf, 'e') + 1) - (p - 1);
    unsigned long long min = 1;
    for (int k = 1; k < p; k++)
        min *= 10;
    const char *sign = v < 0 ? "-" : "";
    if (fabs(strtod(buf, NULL)) < fabs(v))
        snprintf(out, size, "%s%llue%d", sign, d + 1, exp10);
    else if (d - 1 >= min)
        snprintf(out, size, "%s%llue%d", sign, d - 1, exp10);
    else
        snprintf(out, size, "%s%llue%d", sign, d * 10 - 1, exp10 - 1);
    return round_trips(out, v);
}

/* The oracle's shortest digits of v: a decimal of the least length that
 * reads back (whether one exists is monotone in the length, so a binary
 * search finds it); the closest one of that length, since printf's is. */
static int oracle_digits(double v, char *digits)
{
    char buf[64];
    int lo = 1, hi = 17; /* 17 digits always round-trip */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (decimal_of_length(v, mid, buf, sizeof buf))
            hi = mid;
        else
            lo = mid + 1;
    }
    decimal_of_length(v, lo, buf, sizeof buf);
    return significant_digits(buf, digits);
}

/* Returns 0 if v's string is right, else prints why and returns 1. */
static int check_one(double v)
{
    char s[XPL__SHORTEST_SIZE + 8];
    memset(s, 'x', sizeof s);
    size_t len = xpl__shortest_format(s, v);
    if (len != strlen(s) || len >= XPL__SHORTEST_SIZE) {
        printf("# %a: length %zu, string \"%s\"\n", v, len, s);
        return 1;
    }
    if (!round_trips(s, v)) {
        printf("# %a: \"%s\" does not read back\n", v, s);
        return 1;
    }
    char ours[32], theirs[32];
    significant_digits(s, ours);
    oracle_digits(v, theirs);
    if (strcmp(ours, theirs) != 0) {
        printf("# %a: \"%s\", the shortest closest digits are %s\n", v, s,
               theirs);
        return 1;
    }
    return 0;
}

static int check_both_signs(double v)
{
    return check_one(v) + check_one(-v);
}

START_TEST(known_strings)
{
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {0.0, "0"},
        {-0.0, "-0"},
        {1.0, "1"},
        {-2.5, "-2.5"},
        {17.99, "17.99"},
        {0.1, "0.1"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"},
        {100.0, "100"},
        {123456.0, "123456"},
        {1e20, "100000000000000000000"},
        {1e21, "1e+21"},
        {1.5e21, "1.5e+21"},
        {123456789012345678901.0, "123456789012345680000"},
        {0.000001, "0.000001"},
        {0.0000015, "0.0000015"},
        {1e-7, "1e-7"},
        {1.25e-7, "1.25e-7"},
        {9007199254740993.0, "9007199254740992"},
        {1e23, "1e+23"},
        {5e-324, "5e-324"},
        {-5e-324, "-5e-324"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {2.225073858507201e-308, "2.225073858507201e-308"},
        {1125899906842624.25, "1125899906842624.2"}, /* tie: even digit */
        {1125899906842624.75, "1125899906842624.8"},
        {INFINITY, "inf"},
        {-INFINITY, "-inf"},
        {NAN, "nan"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[XPL__SHORTEST_SIZE];
        size_t len = xpl__shortest_format(buf, cases[i].v);
        ck_assert_msg(strcmp(buf, cases[i].s) == 0, "%a: got %s, want %s",
                      cases[i].v, buf, cases[i].s);
        ck_assert_uint_eq(len, strlen(cases[i].s));
    }
}
END_TEST

START_TEST(decimal_and_exponent)
{
    uint64_t d;
    int e;
    xpl__shortest_decimal(1200.0, &d, &e);
    ck_assert_uint_eq(d, 12);
    ck_assert_int_eq(e, 2);
    xpl__shortest_decimal(-0.015625, &d, &e);
    ck_assert_uint_eq(d, 15625);
    ck_assert_int_eq(e, -6);
    xpl__shortest_decimal(5e-324, &d, &e);
    ck_assert_uint_eq(d, 5);
    ck_assert_int_eq(e, -324);
}
END_TEST

/* Every float32 bit pattern class: 2^18 patterns, one random pattern in
 * each stride of 2^14, so every exponent and sign is covered. */
START_TEST(float32_stratified_sample)
{
    uint64_t state = 0x9E3779B97F4A7C15ull;
    int bad = 0;
    for (uint64_t base = 0; base < ((uint64_t)1 << 32); base += 1u << 14) {
        uint32_t bits = (uint32_t)(base + (next_random(&state) & 0x3fff));
        float f;
        memcpy(&f, &bits, sizeof f);
        if (isfinite(f))
            bad += check_one((double)f);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Uniform over bit patterns: uniform over the whole exponent range. */
START_TEST(random_doubles)
{
    uint64_t state = 0xD1B54A32D192ED03ull;
    int bad = 0;
    for (int i = 0; i < 150000; i++) {
        double v = from_bits(next_random(&state));
        if (isfinite(v))
            bad += check_one(v);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* The smallest and the largest subnormals, random ones, and the normals
 * next to them. */
START_TEST(subnormals)
{
    uint64_t state = 0x8BB84B93962EACC9ull;
    uint64_t top = ((uint64_t)1 << 52) - 1;
    int bad = 0;
    for (uint64_t k = 1; k <= 2000; k++)
        bad += check_both_signs(from_bits(k)) +
               check_both_signs(from_bits(top + 1 - k)) +
               check_both_signs(from_bits(top + k));
    for (int i = 0; i < 20000; i++)
        bad += check_one(from_bits(next_random(&state) & top));
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Powers of ten and of two (whose rounding interval is lopsided) and the
 * doubles next to each. */
START_TEST(powers_and_neighbours)
{
    int bad = 0;
    for (int p = -323; p <= 308; p++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", p);
        double v = strtod(s, NULL);
        bad += check_both_signs(v) + check_both_signs(nextafter(v, 0)) +
               check_both_signs(nextafter(v, INFINITY));
        char ours[XPL__SHORTEST_SIZE], digits[32];
        xpl__shortest_format(ours, v);
        ck_assert_int_eq(significant_digits(ours, digits), 1);
    }
    for (int p = -1074; p <= 1023; p++) {
        double v = ldexp(1.0, p);
        bad += check_both_signs(v) + check_both_signs(nextafter(v, 0)) +
               check_both_signs(nextafter(v, INFINITY));
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Halfway cases. (1) Exact ties between the two nearest candidates: only
 * v = c/4 with c odd in [2^50, 2^51) sits exactly halfway between two
 * shortest candidates (v * 10 ends in .5 and no integer is within 1/8),
 * and the even one must win. (2) Rounding-interval ends that are short
 * decimals: v = c * 2^q whose lower (or upper) end v -+ 2^(q-1) is
 * D = 2^(q-1) * 5^t * odd, a multiple of 10^t. The end belongs to the
 * interval only when c is even, so D is the answer for even c and must not
 * be for odd c. */
START_TEST(halfway_cases)
{
    uint64_t state = 0x2545F4914F6CDD1Dull;
    const uint64_t mask52 = ((uint64_t)1 << 52) - 1;
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t c = ((uint64_t)1 << 52) | (next_random(&state) & mask52) | 1;
        bad += check_both_signs(ldexp((double)c, -2));
    }
    for (int q = 2; q <= 70; q++) {
        for (int t = 1; t <= q - 1 && t <= 20; t++) {
            uint64_t p5 = 1;
            for (int j = 0; j < t; j++)
                p5 *= 5;
            for (int i = 0; i < 20; i++) {
                /* u = D / 2^(q-1) = 5^t * odd in (2^53, 2^54 - 1) */
                uint64_t lo = ((uint64_t)1 << 53) / p5 + 1;
                uint64_t hi = (((uint64_t)1 << 54) - 2) / p5;
                uint64_t odd = (lo + next_random(&state) % (hi - lo)) | 1;
                uint64_t u = p5 * odd;
                if (u <= ((uint64_t)1 << 53) || u >= ((uint64_t)1 << 54) - 1)
                    continue;
                bad += check_both_signs(ldexp((double)(u + 1), q - 1)) +
                       check_both_signs(ldexp((double)(u - 1), q - 1));
            }
        }
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Fixed-precision rounding (core/rounded.c, the text and SVG renderers'
 * numbers) against glibc's "%.{sig-1}e": the same digits and exponent for
 * every sig from 1 to 17. Returns 1 on a mismatch. */
static int check_rounded(double v, int sig)
{
    char want[64], got[XPL__ROUNDED_SIZE];
    snprintf(want, sizeof want, "%.*e", sig - 1, fabs(v));
    char digits[24];
    int n = 0;
    const char *p = want;
    for (; *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    digits[n] = '\0';
    int want_exp = atoi(p + 1), got_exp;
    xpl__rounded_digits(v, sig, got, &got_exp);
    if (strcmp(got, digits) != 0 || got_exp != want_exp) {
        printf("%a at %d digits: %se%d, printf %se%d\n", v, sig, got, got_exp,
               digits, want_exp);
        return 1;
    }
    return 0;
}

static int check_rounded_all(double v)
{
    int bad = 0;
    for (int sig = 1; sig <= 17; sig++)
        bad += check_rounded(v, sig);
    return bad;
}

/* Random bit patterns (every exponent, subnormals), decimals with few
 * digits and their neighbours (where the shortest digits are short and
 * ties sit), exact ties k + 1/2 and k/2^j, and nines that carry. */
START_TEST(rounded_digits_match_printf)
{
    uint64_t state = 0x9E3779B97F4A7C15ull;
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        double v = from_bits(next_random(&state));
        if (isfinite(v) && v != 0)
            bad += check_rounded_all(v);
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t r = next_random(&state);
        double v = (double)(r % 100000) * pow(10, (int)(r >> 40) % 40 - 25);
        if (v == 0)
            continue;
        bad += check_rounded_all(v);
        bad += check_rounded_all(nextafter(v, 0));
        bad += check_rounded_all(nextafter(v, INFINITY));
    }
    for (int i = 1; i < 4000; i++) {
        bad += check_rounded_all(i + 0.5);
        bad += check_rounded_all(i / 1024.0);
        bad += check_rounded_all(i * 0.125);
    }
    for (int k = 1; k <= 17; k++) {
        double nines = pow(10, k) - 1;
        bad += check_rounded_all(nines);
        bad += check_rounded_all(nines / pow(10, k + 3));
        bad += check_rounded_all(0.95);
        bad += check_rounded_all(999999.5);
    }
    bad += check_rounded_all(DBL_MAX);
    bad += check_rounded_all(DBL_MIN);
    bad += check_rounded_all(DBL_TRUE_MIN);
    bad += check_rounded_all(0.1);
    bad += check_rounded_all(-2.5);
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* One float32 pattern for the sweep: returns 0 if right. The decimal is
 * digits * 10^e with n digits; any shorter decimal in v's rounding interval
 * would put a multiple of 10^(e+1) in it, and then (the interval being an
 * interval) also one of the two multiples next to digits * 10^e: so it is
 * enough that neither floor(digits/10) nor floor(digits/10)+1, times
 * 10^(e+1), reads back as v. */
static int sweep_one(double v)
{
    char s[XPL__SHORTEST_SIZE];
    xpl__shortest_format(s, v);
    if (!round_trips(s, v)) {
        printf("%a: \"%s\" does not read back\n", v, s);
        return 1;
    }
    uint64_t d;
    int e;
    xpl__shortest_decimal(v, &d, &e);
    if (d < 10)
        return 0;
    char shorter[48];
    for (uint64_t up = 0; up <= 1; up++) {
        /* sign, digits, 'e', exponent: by hand, the sweep's hot path */
        char tmp[48];
        int n = 0, k = 0;
        int x = e + 1 < 0 ? -(e + 1) : e + 1;
        do
            tmp[n++] = (char)('0' + x % 10);
        while ((x /= 10) != 0);
        if (e + 1 < 0)
            tmp[n++] = '-';
        tmp[n++] = 'e';
        uint64_t m = d / 10 + up;
        do
            tmp[n++] = (char)('0' + m % 10);
        while ((m /= 10) != 0);
        if (v < 0)
            tmp[n++] = '-';
        while (n)
            shorter[k++] = tmp[--n];
        shorter[k] = '\0';
        if (round_trips(shorter, v)) {
            printf("%a: \"%s\" but \"%s\" is shorter\n", v, s, shorter);
            return 1;
        }
    }
    return 0;
}

static int float32_sweep(uint64_t first, uint64_t last)
{
    uint64_t bad = 0, checked = 0;
    for (uint64_t b = first; b <= last; b++) {
        uint32_t bits = (uint32_t)b;
        float f;
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f))
            continue;
        bad += (uint64_t)sweep_one((double)f);
        checked++;
        if ((b & 0xfffffff) == 0xfffffff) {
            printf("%#llx: %llu checked, %llu wrong\n", (unsigned long long)b,
                   (unsigned long long)checked, (unsigned long long)bad);
            fflush(stdout);
        }
    }
    printf("float32 sweep [%#llx, %#llx]: %llu finite values checked, %llu "
           "wrong\n", (unsigned long long)first, (unsigned long long)last,
           (unsigned long long)checked, (unsigned long long)bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--float32-sweep") == 0) {
        uint64_t first = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
        uint64_t last = argc > 3 ? strtoull(argv[3], NULL, 0) : 0xffffffffu;
        return float32_sweep(first, last);
    }
    Suite *s = suite_create("shortest");
    TCase *tc = tcase_create("shortest");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, known_strings);
    tcase_add_test(tc, decimal_and_exponent);
    tcase_add_test(tc, float32_stratified_sample);
    tcase_add_test(tc, random_doubles);
    tcase_add_test(tc, subnormals);
    tcase_add_test(tc, powers_and_neighbours);
    tcase_add_test(tc, halfway_cases);
    tcase_add_test(tc, rounded_digits_match_printf);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
