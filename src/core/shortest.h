/* Shortest round-trip decimal form of a double: the fewest significant
 * digits that strtod reads back as the identical double, the closest such
 * decimal when several have that length (ties to an even last digit). The
 * same digits as Python's repr, JavaScript, Ryu, Schubfach and Dragonbox.
 * Pure functions: no locale, no printf, no state; safe from any thread. */
#ifndef XPL_CORE_SHORTEST_H
#define XPL_CORE_SHORTEST_H

#include <stddef.h>
#include <stdint.h>

/* |v| = digits * 10^exp10 exactly as chosen above, with `digits` free of
 * trailing zeros (1 to 17 decimal digits). v must be finite and non-zero;
 * its sign is ignored. */
void xpl__shortest_decimal(double v, uint64_t *digits, int *exp10);

/* Room for any string of xpl__shortest_format, its NUL included. */
#define XPL__SHORTEST_SIZE 32

/* Write v as ECMAScript's Number.prototype.toString lays out the shortest
 * digits, except that -0 keeps its sign (so that every double round-trips):
 *   with v = 0.d1...dn * 10^e (n minimal, d1 != 0, dn != 0):
 *   n <= e <= 21     digits then e-n zeros           "123", "1e+21" not here
 *   0 < e <= 21      digits with a '.' after e       "12.5"
 *   -6 < e <= 0      "0." then -e zeros then digits  "0.000125"
 *   otherwise        d1[.d2...dn]e(+|-)|e-1|         "1.25e-7", "1e+21"
 * A '-' leads negative numbers (and -0: "-0"); 0 is "0". NaN is "nan", the
 * infinities "inf" and "-inf" (C's spelling, which strtod reads back).
 * Returns the length written, excluding the NUL. */
size_t xpl__shortest_format(char buf[XPL__SHORTEST_SIZE], double v);

/* n in decimal at o (up to 20 digits, no NUL); returns the end. The one
 * integer writer of the number formatters. */
char *xpl__put_uint(char *o, unsigned long long n);

#endif
