/* Terminal text pieces shared by the per-row and importance tables. */
#ifndef XPL_RENDER_TEXT_UTIL_H
#define XPL_RENDER_TEXT_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* Characters (UTF-8 code points) in s. */
size_t xpl__utf8_width(const char *s);

/* s padded to `width` characters (right-aligned if `right`), or cut to
 * width - 3 characters plus "..." if longer. */
void xpl__put_cell(FILE *fp, const char *s, size_t width, int right);

/* Two spaces and a bar for c on an axis whose left side holds `neg`
 * (largest |negative|) and right side `pos`: "    ###|" for negatives,
 * "    |####" for positives, coloured blue / red when `color`; nothing when
 * c is not finite or every value is 0. */
void xpl__text_bar(FILE *fp, double c, double neg, double pos, int color);

#endif
