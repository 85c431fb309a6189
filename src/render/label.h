/* Labels that stay distinct when shortened. A label is "pre name post":
 * the feature name, with a fixed text before and after it (" = 13.4",
 * or a LIME condition's "0.09 < " and " <= 0.11"). Only the name is ever
 * shortened, and in the middle: the head, an ellipsis, and the part where
 * the name differs from the other names of the chart, so 200 features
 * named "customer_..._number_NNN_rolling_mean" keep their NNN. */
#ifndef XPL_RENDER_LABEL_H
#define XPL_RENDER_LABEL_H

#include <stddef.h>

/* Room for a label's fixed parts (a value or a condition's threshold). */
#define XPL__LABEL_AFFIX 64

typedef struct xpl__label {
    char pre[XPL__LABEL_AFFIX];
    const char *name;    /* borrowed, NUL-terminated */
    char post[XPL__LABEL_AFFIX];
    size_t differ;       /* byte offset in name where it differs from the
                            other names shown with it (0: unknown) */
} xpl__label;

/* Width of s[0..len) in the caller's unit (pixels, terminal columns). */
typedef double (*xpl__width_fn)(const char *s, size_t len, const void *ctx);

/* How to draw name within `room`: name[0..head), an ellipsis, then
 * name[tail..end), and a second ellipsis if end < strlen(name). All fits
 * when *cut is 0 (head = strlen(name)). Offsets are on UTF-8 character
 * boundaries. */
typedef struct xpl__elision {
    size_t head, tail, end;
    int cut;
} xpl__elision;

void xpl__elide(const char *name, size_t differ, double room,
                double ellipsis_w, xpl__width_fn w, const void *ctx,
                xpl__elision *out);

/* Set the `differ` of n labels: the byte offset of the first character
 * in which the name differs from every other name (the length of the
 * longest prefix it shares with another); 0 when the first character
 * already differs, for a duplicate, or for a prefix of another name. The
 * labels are the first member of n items `stride` bytes apart (an array
 * of xpl__label, or of structs that start with one). scratch: room for n
 * pointers, or NULL to allocate. XPL_OK or XPL_ENOMEM. */
int xpl__label_differ(void *items, size_t n, size_t stride,
                      xpl__label **scratch);

/* Fill a label for feature `name`: with a LIME condition that contains
 * the name ("a < name <= b"), the text around the name becomes pre and
 * post; else post is " = value" (or nothing when value is NULL or "").
 * A condition that does not contain the name, or whose fixed parts are
 * too long, is the whole name. */
void xpl__label_set(xpl__label *l, const char *name, const char *condition,
                    const char *value);

/* The whole label, "pre name post", into buf (cut to size). */
void xpl__label_text(const xpl__label *l, char *buf, size_t size);

#endif
