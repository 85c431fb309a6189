/* Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2021),
 * implemented from the paper's description.
 *
 * A finite positive double is v = c * 2^q. Every decimal strictly inside
 * (or, for even c, on the ends of) its rounding interval R = [vl, vr] reads
 * back as v. Pick k = floor(log10(2^q)) (for the narrower interval of a
 * power of two, floor(log10(3/4 * 2^q))): the width of R measured in units
 * of 10^k then lies in [1, 10), so R holds at most one multiple of 10^(k+1)
 * and at least one multiple of 10^k. If exactly one multiple of 10^(k+1)
 * is in R it is the shortest answer; else the multiples s, s+1 of 10^k
 * around v decide, the nearer to v winning when both are in R.
 *
 * The endpoints and v, scaled by 4 * 10^-k, are computed with a 126-bit
 * approximation g of 10^-k (pow10_table.h) and rounded to odd: the floor,
 * with the lowest bit set when the product was not exact. Against the even
 * numbers 4s, 4(s+1) and 2(2s+1) such an approximation compares exactly as
 * the true value does; the paper proves the 126 bits enough for doubles. */
#include "core/shortest.h"

#include <string.h>

#include "core/pow10_table.h"

#define C_MIN ((uint64_t)1 << 52) /* hidden bit of a normal significand */
#define MASK63 (((uint64_t)1 << 63) - 1)
enum { Q_MIN = -1074, EXP_OFFSET = 1075 };

static uint64_t mul_high(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    return (uint64_t)(((u128)a * b) >> 64);
#else
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
    uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* floor(x / 2^s) for any sign, without relying on >> of negative values. */
static int floor_shift(int64_t x, int s)
{
    if (x >= 0)
        return (int)(x >> s);
    return -(int)(((uint64_t)(-x) + ((uint64_t)1 << s) - 1) >> s);
}

/* Integer approximations of logarithms, exact for |q|, |e| < 5000 (the
 * table generator checks the range used against exact arithmetic). */
static int floor_log10_pow2(int q)
{
    return floor_shift((int64_t)q * 661971961083, 41);
}

static int floor_log10_three_quarters_pow2(int q)
{
    return floor_shift((int64_t)q * 661971961083 - 274743187321, 41);
}

static int floor_log2_pow10(int e)
{
    return floor_shift((int64_t)e * 913124641741, 38);
}

/* (g * cp) / 2^127 rounded to odd, g = g1 * 2^63 + g0. */
static uint64_t round_to_odd(uint64_t g1, uint64_t g0, uint64_t cp)
{
    uint64_t x1 = mul_high(g0, cp);
    uint64_t y0 = g1 * cp;
    uint64_t y1 = mul_high(g1, cp);
    uint64_t z = (y0 >> 1) + x1;
    uint64_t floor = y1 + (z >> 63);
    return floor | (((z & MASK63) + MASK63) >> 63);
}

static void strip_zeros(uint64_t *digits, int *exp10)
{
    while (*digits % 10 == 0) {
        *digits /= 10;
        ++*exp10;
    }
}

void xpl__shortest_decimal(double v, uint64_t *digits, int *exp10)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)((bits >> 52) & 0x7ff);
    uint64_t c = bits & (C_MIN - 1);
    int q = Q_MIN;
    if (biased) {
        c |= C_MIN;
        q = biased - EXP_OFFSET;
    }
    uint64_t out = c & 1; /* odd c: the ends of R round to the neighbours */
    uint64_t cb = c << 2, cbr = cb + 2, cbl;
    int k;
    if (c != C_MIN || q == Q_MIN) {
        cbl = cb - 2;
        k = floor_log10_pow2(q);
    } else { /* a power of two: the gap below is half the gap above */
        cbl = cb - 1;
        k = floor_log10_three_quarters_pow2(q);
    }
    int h = q + floor_log2_pow10(-k) + 2; /* 2 to 5 */
    const uint64_t *g = xpl__pow10_g[-k - XPL__POW10_E_MIN];
    uint64_t vb = round_to_odd(g[0], g[1], cb << h);
    uint64_t vbl = round_to_odd(g[0], g[1], cbl << h);
    uint64_t vbr = round_to_odd(g[0], g[1], cbr << h);

    uint64_t s = vb >> 2;
    uint64_t sp10 = s / 10 * 10, tp10 = sp10 + 10;
    int upin = vbl + out <= sp10 << 2;
    int wpin = (tp10 << 2) + out <= vbr;
    if (upin != wpin) {
        *digits = upin ? sp10 : tp10;
        *exp10 = k;
        strip_zeros(digits, exp10);
        return;
    }
    uint64_t t = s + 1;
    int uin = vbl + out <= s << 2;
    int win = (t << 2) + out <= vbr;
    if (uin != win) {
        *digits = uin ? s : t;
    } else { /* both in R: the nearer, an even digit on a tie */
        uint64_t mid = (s + t) << 1;
        *digits = vb < mid || (vb == mid && (s & 1) == 0) ? s : t;
    }
    *exp10 = k;
    strip_zeros(digits, exp10);
}

static char *put_zeros(char *o, int n)
{
    memset(o, '0', (size_t)n);
    return o + n;
}

char *xpl__put_uint(char *o, unsigned long long n)
{
    char tmp[24];
    int len = 0;
    do {
        tmp[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (len)
        *o++ = tmp[--len];
    return o;
}

size_t xpl__shortest_format(char buf[XPL__SHORTEST_SIZE], double v)
{
    char *o = buf;
    if (v != v) {
        memcpy(buf, "nan", 4);
        return 3;
    }
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if (bits >> 63)
        *o++ = '-';
    if ((bits & ~((uint64_t)1 << 63)) == 0) {
        *o++ = '0';
        *o = '\0';
        return (size_t)(o - buf);
    }
    if (((bits >> 52) & 0x7ff) == 0x7ff) {
        memcpy(o, "inf", 4);
        return (size_t)(o - buf) + 3;
    }
    uint64_t d;
    int k;
    xpl__shortest_decimal(v, &d, &k);
    char digits[20];
    int n = 20;
    do {
        digits[--n] = (char)('0' + d % 10);
        d /= 10;
    } while (d);
    const char *ds = digits + n;
    n = 20 - n;
    int e = k + n; /* v = 0.ds * 10^e */
    if (n <= e && e <= 21) {
        memcpy(o, ds, (size_t)n);
        o = put_zeros(o + n, e - n);
    } else if (0 < e && e <= 21) {
        memcpy(o, ds, (size_t)e);
        o += e;
        *o++ = '.';
        memcpy(o, ds + e, (size_t)(n - e));
        o += n - e;
    } else if (-6 < e && e <= 0) {
        *o++ = '0';
        *o++ = '.';
        o = put_zeros(o, -e);
        memcpy(o, ds, (size_t)n);
        o += n;
    } else {
        *o++ = ds[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, ds + 1, (size_t)(n - 1));
            o += n - 1;
        }
        *o++ = 'e';
        *o++ = e - 1 < 0 ? '-' : '+';
        o = xpl__put_uint(o, (unsigned)(e - 1 < 0 ? 1 - e : e - 1));
    }
    *o = '\0';
    return (size_t)(o - buf);
}
