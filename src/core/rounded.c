/* Fixed-precision rounding of a double to decimal digits.
 *
 * Fast path (sig <= 15, v normal): the shortest round-trip decimal D = d * 10^q of v
 * (core/shortest.c) with n digits decides.
 *  - n <= sig: D itself, padded with zeros. |v - D| is at most half an ulp,
 *    below 2.3e-16 |v|, while sig-digit decimals are at least 1e-14 |v|
 *    apart: D is the nearest, and no tie is possible (a tie would make v
 *    an exact (sig+1)-digit decimal, farther than that from D).
 *  - n > sig: the midpoint M between the two sig-digit candidates has
 *    sig+1 digits. M cannot lie strictly between v and D: it would read
 *    back as v (everything between v and D does), so it would be shorter
 *    than D (n >= sig+2) or as short and closer (n = sig+1), and Schubfach
 *    picks the shortest, then closest. So v and D round alike unless
 *    D = M, which needs n = sig+1 and a last digit 5: only then is the
 *    exact value consulted.
 * Exact path (ties, sig >= 16 and subnormals, where the shortest digits
 * say too little):
 * v = m * 2^e exactly, so |v| = m * 2^e (e >= 0) or m * 5^-e * 10^e
 * (e < 0): an integer of at most 2550 bits times a power of ten, whose
 * decimal digits are all computed and then rounded half to even. */
#include "core/rounded.h"

#include <float.h>
#include <stdint.h>
#include <string.h>

#include "core/shortest.h"

/* m * 5^1074 needs 2547 bits. */
enum { LIMBS = 82 };

struct big {
    uint32_t w[LIMBS]; /* little-endian base 2^32 */
    int n;             /* limbs in use */
};

static void big_mul_small(struct big *b, uint32_t f)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t t = (uint64_t)b->w[i] * f + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        b->w[b->n++] = (uint32_t)carry;
}

static void big_shift_left(struct big *b, int s)
{
    int words = s / 32, bits = s % 32;
    if (bits) {
        uint32_t carry = 0;
        for (int i = 0; i < b->n; i++) {
            uint32_t w = b->w[i];
            b->w[i] = (w << bits) | carry;
            carry = w >> (32 - bits);
        }
        if (carry)
            b->w[b->n++] = carry;
    }
    if (words) {
        memmove(b->w + words, b->w, sizeof b->w[0] * (size_t)b->n);
        memset(b->w, 0, sizeof b->w[0] * (size_t)words);
        b->n += words;
    }
}

/* b /= d; returns the remainder. */
static uint32_t big_div_small(struct big *b, uint32_t d)
{
    uint64_t rem = 0;
    for (int i = b->n - 1; i >= 0; i--) {
        uint64_t t = (rem << 32) | b->w[i];
        b->w[i] = (uint32_t)(t / d);
        rem = t % d;
    }
    while (b->n > 0 && b->w[b->n - 1] == 0)
        b->n--;
    return (uint32_t)rem;
}

/* Round the decimal string s (len digits, the first non-zero) at sig
 * digits, ties to even; `sticky` says whether non-zero digits follow s.
 * Writes sig digits to out; returns 1 if rounding carried into a new
 * leading digit (out is then "100..."). */
static int round_digits(const char *s, int len, int sig, int sticky,
                        char *out)
{
    for (int i = 0; i < sig; i++)
        out[i] = i < len ? s[i] : '0';
    out[sig] = '\0';
    if (len <= sig)
        return 0;
    int rest_nonzero = sticky;
    for (int i = sig + 1; i < len && !rest_nonzero; i++)
        rest_nonzero = s[i] != '0';
    char next = s[sig];
    int up = next > '5' || (next == '5' && (rest_nonzero ||
                                           (out[sig - 1] - '0') % 2 == 1));
    if (!up)
        return 0;
    int i = sig - 1;
    while (i >= 0 && out[i] == '9')
        out[i--] = '0';
    if (i >= 0) {
        out[i]++;
        return 0;
    }
    out[0] = '1'; /* 99.9 -> 100: sig digits "100...", one more power */
    return 1;
}

static void exact_digits(double v, int sig, char *digits, int *exp10)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & (((uint64_t)1 << 52) - 1);
    int e = -1074;
    if (biased) {
        m |= (uint64_t)1 << 52;
        e = biased - 1075;
    }
    struct big b = { { (uint32_t)m, (uint32_t)(m >> 32) }, 2 };
    int q = 0; /* |v| = b * 10^q */
    if (e >= 0) {
        big_shift_left(&b, e);
    } else {
        int k = -e;
        for (; k >= 13; k -= 13)
            big_mul_small(&b, 1220703125u); /* 5^13 */
        uint32_t p = 1;
        while (k-- > 0)
            p *= 5;
        big_mul_small(&b, p);
        q = e;
    }
    while (b.n > 0 && b.w[b.n - 1] == 0)
        b.n--;
    /* decimal digits, nine at a time from the least significant end */
    char tmp[800];
    int len = 0;
    while (b.n > 0) {
        uint32_t chunk = big_div_small(&b, 1000000000u);
        for (int i = 0; i < 9; i++) {
            tmp[len++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    }
    while (len > 1 && tmp[len - 1] == '0')
        len--;
    char s[800];
    for (int i = 0; i < len; i++)
        s[i] = tmp[len - 1 - i];
    *exp10 = len - 1 + q + round_digits(s, len, sig, 0, digits);
}

void xpl__rounded_digits(double v, int sig, char digits[XPL__ROUNDED_SIZE],
                         int *exp10)
{
    if (sig < 1)
        sig = 1;
    if (sig > 17)
        sig = 17;
    /* subnormals have fewer significant bits: the bound of the fast path
     * does not hold for them */
    if (sig > 15 || (v < DBL_MIN && v > -DBL_MIN)) {
        exact_digits(v, sig, digits, exp10);
        return;
    }
    uint64_t d;
    int q;
    xpl__shortest_decimal(v, &d, &q);
    char s[24];
    int n = 0;
    char tmp[24];
    do
        tmp[n++] = (char)('0' + d % 10);
    while ((d /= 10) != 0);
    for (int i = 0; i < n; i++)
        s[i] = tmp[n - 1 - i];
    if (n == sig + 1 && s[sig] == '5') {
        exact_digits(v, sig, digits, exp10);
        return;
    }
    /* n > sig + 1 with s[sig] == '5': more non-zero digits follow, so
     * round_digits rounds up, as for v (see above) */
    *exp10 = n - 1 + q + round_digits(s, n, sig, 0, digits);
}
