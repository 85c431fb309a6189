/* CSV pieces shared by the per-row and the importance writers. */
#ifndef XPL_RENDER_CSV_UTIL_H
#define XPL_RENDER_CSV_UTIL_H

#include <stdio.h>

/* One field with RFC 4180 quoting when needed. */
void xpl__csv_field(FILE *fp, const char *s);

/* Shortest round-trip form, or an empty cell when not finite. */
void xpl__csv_number(FILE *fp, double v);

#endif
