/* Terminal text pieces shared by the per-row and importance tables. */
#ifndef XPL_RENDER_TEXT_UTIL_H
#define XPL_RENDER_TEXT_UTIL_H

#include <stddef.h>
#include <xplain/render.h>

#include "render/buf.h"
#include "render/label.h"

/* Terminal columns that xpl__put_cell takes for s: 1 per character, 2 for
 * an East Asian wide or fullwidth one, 0 for a combining mark, and 4 for
 * each byte it writes as \xNN (C0 controls, DEL, C1 controls, invalid
 * UTF-8). */
size_t xpl__term_width(const char *s);

/* s padded to `width` columns (right-aligned if `right`), or cut to at most
 * width - 3 columns of whole characters plus "..." (and padded) if longer.
 * Bytes a terminal could act on are written as \xNN. */
void xpl__put_cell(xpl__buf *b, const char *s, size_t width, int right);

/* s with the bytes a terminal could act on escaped as \xNN. */
void xpl__put_label_text(xpl__buf *b, const char *s);

/* Terminal columns of a whole label. */
size_t xpl__label_cols(const xpl__label *l);

/* A label padded to `width` columns, its name shortened in the middle
 * with "..." (render/label.h) when it is wider; escaped as put_cell. */
void xpl__put_label(xpl__buf *b, const xpl__label *l, size_t width);

/* Two spaces and a bar for c on an axis whose left side holds `neg`
 * (largest |negative|) and right side `pos`: "    ###|" for negatives,
 * "    |####" for positives, coloured blue / red when `color`; nothing when
 * c is not finite or every value is 0. */
void xpl__text_bar(xpl__buf *b, double c, double neg, double pos, int color);

/* xpl_render_text's table appended to b: XPL_OK, XPL_EINVAL, XPL_ENOMEM
 * (scratch); an allocation failure of b shows in b->failed. */
int xpl__render_text_buf(xpl__buf *b, const xpl_explanation *e,
                         const xpl_render_options *opts, xpl_workspace *ws);

#endif
