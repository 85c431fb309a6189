/* A double rounded to a fixed number of significant decimal digits, as
 * printf's "%.{sig-1}e" gives it under glibc (the exact binary value
 * rounded, ties to an even digit), without printf: no locale, no stdio,
 * no state; safe from any thread. */
#ifndef XPL_CORE_ROUNDED_H
#define XPL_CORE_ROUNDED_H

/* Room for the digits of xpl__rounded_digits, NUL included. */
#define XPL__ROUNDED_SIZE 20

/* |v| rounded to sig significant digits (1 to 17; clamped): `digits` gets
 * exactly sig decimal digits and a NUL, *exp10 the exponent of the first
 * (|v| ~ d.ddd * 10^exp10). v must be finite and non-zero. */
void xpl__rounded_digits(double v, int sig, char digits[XPL__ROUNDED_SIZE],
                         int *exp10);

#endif
