/* JSON pieces shared by the per-row and the importance writers. */
#ifndef XPL_RENDER_JSON_UTIL_H
#define XPL_RENDER_JSON_UTIL_H

#include <xplain/render.h>

#include "render/buf.h"

/* s as a JSON string: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) copied. */
void xpl__json_string(xpl__buf *b, const char *s);

/* Shortest round-trip form, null for NaN, "inf" / "-inf" (strings) for
 * the infinities. */
void xpl__json_number(xpl__buf *b, double v);

/* xpl_render_json's line appended to b: XPL_OK or XPL_EINVAL (e checked
 * here); an allocation failure shows in b->failed. */
int xpl__render_json_buf(xpl__buf *b, const xpl_explanation *e);

#endif
