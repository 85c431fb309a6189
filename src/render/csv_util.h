/* CSV pieces shared by the per-row and the importance writers. */
#ifndef XPL_RENDER_CSV_UTIL_H
#define XPL_RENDER_CSV_UTIL_H

#include <xplain/render.h>

#include "render/buf.h"

/* One field with RFC 4180 quoting when needed. */
void xpl__csv_field(xpl__buf *b, const char *s);

/* Shortest round-trip form, "inf" / "-inf", or an empty cell for NaN. */
void xpl__csv_number(xpl__buf *b, double v);

/* xpl_render_csv_header's and xpl_render_csv_row's line appended to b:
 * XPL_OK or XPL_EINVAL (e checked here); an allocation failure shows in
 * b->failed. */
int xpl__render_csv_header_buf(xpl__buf *b, const xpl_explanation *e);
int xpl__render_csv_row_buf(xpl__buf *b, const xpl_explanation *e);

#endif
