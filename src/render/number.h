/* Numbers for people (3 significant digits, thousands separators, scientific
 * where needed) and for machines (the shortest decimal that reads back as
 * the same double), independent of the C locale. */
#ifndef XPL_RENDER_NUMBER_H
#define XPL_RENDER_NUMBER_H

#include <stddef.h>

enum {
    XPL__NUM_PLUS = 1,    /* "+1.5" for positive numbers */
    XPL__NUM_NOGROUP = 2, /* no thousands separators */
    XPL__NUM_MINUS = 4    /* U+2212 MINUS SIGN instead of '-' (figures) */
};

/* Room for any formatted number (sig <= 17, separators, exponent). */
#define XPL__NUM_SIZE 48

/* v rounded to `sig` significant digits (1..17), trailing zeros dropped:
 * fixed notation for 0.001 <= |v| < 1e6 ("0.00123", "12,300", "-4.5"),
 * else scientific without '+' or leading exponent zeros ("1.23e6",
 * "-4.5e-7"); 0 and -0 give "0", NaN "NA", infinities "inf" / "-inf".
 * Rounding decides the notation: 999,999.6 at 3 digits is "1e6". */
void xpl__fmt_num(char buf[XPL__NUM_SIZE], double v, int sig, int flags);

/* Significant digits that tell apart ticks spaced `step` apart up to
 * magnitude `max_abs`: at least 3. */
int xpl__tick_digits(double max_abs, double step);

/* Shortest round-trip form (core/shortest.h), or "null" if v is not
 * finite. */
void xpl__fmt_json(char buf[XPL__NUM_SIZE], double v);

/* Shortest round-trip form, or "" if v is not finite (CSV cells). */
void xpl__fmt_csv(char buf[XPL__NUM_SIZE], double v);

/* n in decimal; returns buf. */
char *xpl__fmt_size(char buf[XPL__NUM_SIZE], size_t n);

/* An SVG coordinate: v rounded to 0.1 without a trailing ".0" and never
 * "-0" ("12.3", "40", "-0.5"). */
void xpl__fmt_coord(char buf[XPL__NUM_SIZE], double v);

#endif
