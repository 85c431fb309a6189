/* Shared by the renderers: argument checks, the order in which features are
 * shown, and the end-of-write check. */
#ifndef XPL_RENDER_COMMON_H
#define XPL_RENDER_COMMON_H

#include <stddef.h>
#include <stdio.h>
#include <xplain/render.h>

#include "render/number.h"

/* XPL_OK, or XPL_EINVAL naming `fn` when e or one of its required arrays is
 * NULL. */
int xpl__explanation_check(const xpl_explanation *e, const char *fn);

/* XPL_OK, or XPL_EINVAL for a bad options version (NULL is fine). */
int xpl__options_check(const xpl_render_options *o, const char *fn);

/* XPL_OK, or XPL_EINVAL naming `fn` if fp is NULL. */
int xpl__stream_check(FILE *fp, const char *fn);

/* XPL_EIO naming `fn` if the stream's error flag is set, else XPL_OK. */
int xpl__write_status(FILE *fp, const char *fn);

/* 1 if e comes from LIME (its extra keys and columns apply). */
int xpl__is_lime(const xpl_explanation *e);

/* Write into idx the features to show (for LIME with a selection: only the
 * selected ones), largest |contribution| first, NaN last, ties by index;
 * returns their count. idx has room for n_features entries. */
size_t xpl__rank(const xpl_explanation *e, size_t *idx);

/* The same order for any values: idx[0..n) sorted by |v| descending. */
void xpl__rank_values(const double *v, size_t *idx, size_t n);

/* How many of `count` ranked features are shown before "other": top_k (0 =
 * all), but never leaving a single feature in "other". */
size_t xpl__n_shown(size_t count, size_t top_k);

/* Label of feature j in charts and tables: the LIME condition if there is
 * one, else NULL (the caller composes "name = value"). */
const char *xpl__condition(const xpl_explanation *e, size_t j);

/* ", NAME" for output k of a model of n outputs (the caller's name for it,
 * else "output k"), or "" for a one-output model without a name. */
void xpl__output_suffix(const xpl_render_options *o, size_t k, size_t n,
                        char *buf, size_t size);

/* The name of output k ("output k" without one). */
void xpl__output_name(const xpl_render_options *o, size_t k, char *buf,
                      size_t size);

/* The unit of contributions (opts.unit), or NULL. */
const char *xpl__unit(const xpl_render_options *o);

/* Axis title "what (unit)" or "what (detail, unit)": detail may be NULL. */
void xpl__axis_title(const xpl_render_options *o, const char *what,
                     const char *detail, char *buf, size_t size);

/* Feature j's value as shown: its category name when the explanation has
 * one, else the number formatted into buf (xpl__fmt_num's sig, flags). */
const char *xpl__value_text(const xpl_explanation *e, size_t j,
                            char buf[XPL__NUM_SIZE], int sig, int flags);

#endif
