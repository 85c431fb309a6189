/* JSON pieces shared by the per-row and the importance writers. */
#ifndef XPL_RENDER_JSON_UTIL_H
#define XPL_RENDER_JSON_UTIL_H

#include <stdio.h>

/* s as a JSON string: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) copied. */
void xpl__json_string(FILE *fp, const char *s);

/* Shortest round-trip form, or null when not finite. */
void xpl__json_number(FILE *fp, double v);

#endif
