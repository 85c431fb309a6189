/* Pictures of models: the tree outline's arguments, shared by
 * svg_model.c (the entry point) and svg_tree.c. */
#ifndef XPL_RENDER_SVG_MODEL_H
#define XPL_RENDER_SVG_MODEL_H

#include <stddef.h>
#include <stdio.h>
#include <xplain/render.h>

#include "models/trees.h"
#include "render/svg_chart.h"

struct tree_chart {
    const xpl_model *m;
    const xpl__ensemble *e;
    size_t t;
    const xpl_render_options *opts;
};

/* One tree as an outline (arg: struct tree_chart). */
int xpl__chart_tree(FILE *fp, const void *arg, size_t id, xpl__chart *info);

#endif
