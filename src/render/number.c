#include "render/number.h"

#include <xplain/render.h>

#include <math.h>
#include <string.h>

#include "core/rounded.h"
#include "core/shortest.h"

/* Thresholds of fixed notation: below 0.001 leading zeros crowd out the
 * digits, from 1e6 on the separators make numbers hard to count. */
enum { FIXED_MIN_EXP = -3, FIXED_MAX_EXP = 5 };

/* The decimal digits (trailing zeros dropped) and exponent of v rounded
 * to sig digits, as "%.{sig-1}e" would give them, but without printf: this
 * is the per-number path of the text and SVG renderers. Returns the
 * number of digits. */
static int decompose(double v, int sig, char *digits, int *exp10)
{
    char d[XPL__ROUNDED_SIZE];
    xpl__rounded_digits(v, sig, d, exp10);
    int n = (int)strlen(d);
    while (n > 1 && d[n - 1] == '0')
        n--;
    memcpy(digits, d, (size_t)n);
    digits[n] = '\0';
    return n;
}

static char *put(char *o, const char *s)
{
    size_t len = strlen(s);
    memcpy(o, s, len);
    return o + len;
}

static char *put_minus(char *o, int flags)
{
    return put(o, flags & XPL__NUM_MINUS ? "\xe2\x88\x92" : "-");
}

void xpl__fmt_num(char buf[XPL__NUM_SIZE], double v, int sig, int flags)
{
    char *o = buf;
    if (isnan(v)) {
        strcpy(buf, "NA");
        return;
    }
    if (sig < 1)
        sig = 1;
    if (sig > 17)
        sig = 17;
    if (v < 0)
        o = put_minus(o, flags);
    else if (v > 0 && (flags & XPL__NUM_PLUS))
        *o++ = '+';
    if (isinf(v)) {
        strcpy(o, "inf");
        return;
    }
    if (v == 0) {
        strcpy(buf, "0");
        return;
    }
    char d[32];
    int e, n = decompose(v, sig, d, &e);
    if (e < FIXED_MIN_EXP || e > FIXED_MAX_EXP) {
        *o++ = d[0];
        if (n > 1) {
            *o++ = '.';
            o = put(o, d + 1);
        }
        *o++ = 'e';
        if (e < 0) {
            o = put_minus(o, flags);
            e = -e;
        }
        o = xpl__put_uint(o, (unsigned long long)e);
        *o = '\0';
        return;
    }
    if (e < 0) {
        o = put(o, "0.");
        for (int k = -1; k > e; k--)
            *o++ = '0';
        o = put(o, d);
        *o = '\0';
        return;
    }
    int int_digits = e + 1;
    int group = !(flags & XPL__NUM_NOGROUP) && int_digits > 3;
    for (int k = 0; k < int_digits; k++) {
        if (group && k > 0 && (int_digits - k) % 3 == 0)
            *o++ = ',';
        *o++ = k < n ? d[k] : '0';
    }
    if (n > int_digits) {
        *o++ = '.';
        o = put(o, d + int_digits);
    }
    *o = '\0';
}

int xpl__tick_digits(double max_abs, double step)
{
    if (!(max_abs > 0) || !(step > 0) || !isfinite(max_abs) ||
        !isfinite(step))
        return 3;
    int d = (int)floor(log10(max_abs)) - (int)floor(log10(step) + 1e-9) + 1;
    return d < 3 ? 3 : d > 17 ? 17 : d;
}

/* Shortest round-trip digits: no printf, no locale, so '.' always. */
void xpl__fmt_json(char buf[XPL__NUM_SIZE], double v)
{
    if (!isfinite(v)) {
        strcpy(buf, "null");
        return;
    }
    xpl__shortest_format(buf, v);
}

void xpl__fmt_csv(char buf[XPL__NUM_SIZE], double v)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return;
    }
    xpl__shortest_format(buf, v);
}

char *xpl__fmt_size(char buf[XPL__NUM_SIZE], size_t n)
{
    *xpl__put_uint(buf, n) = '\0';
    return buf;
}

_Static_assert(XPL_DOUBLE_CHARS >= XPL__SHORTEST_SIZE &&
                   XPL__NUM_SIZE >= XPL__SHORTEST_SIZE,
               "number buffers hold any shortest form");

size_t xpl_format_double(char buf[XPL_DOUBLE_CHARS], double v)
{
    return xpl__shortest_format(buf, v);
}

void xpl__fmt_coord(char buf[XPL__NUM_SIZE], double v)
{
    if (!isfinite(v) || fabs(v) > 1e12)
        v = 0;
    long long t = llround(v * 10);
    char *o = buf;
    if (t < 0)
        *o++ = '-';
    unsigned long long a = t < 0 ? 0ull - (unsigned long long)t
                                 : (unsigned long long)t;
    o = xpl__put_uint(o, a / 10);
    if (a % 10) {
        *o++ = '.';
        *o++ = (char)('0' + a % 10);
    }
    *o = '\0';
}
