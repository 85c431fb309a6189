/* One tree of a tree model as an outline: a node per line in depth-first
 * order, the "yes" branch (the split's condition holds) first, children
 * indented under their parent and joined to it by elbow lines. An outline
 * stays legible at any depth, where a top-down drawing of a depth-8 tree
 * would need 256 leaves side by side. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/trees.h"
#include "render/common.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define LINE_H 18.0
#define INDENT 16.0

#include "render/svg_model.h"

struct item {
    size_t node, depth, parent_line;
    int yes; /* 1: the left ("yes") child, 0: right, -1: the root */
};

/* The codes a categorical split lists, as "{1, 3, 5}" (at most
 * MAX_CODES, then how many more), each by its category's name where the
 * model names them. */
enum { MAX_CODES = 12 };

static void code_list(char *buf, size_t size, const xpl__ensemble *e,
                      const xpl__catset *set, const char *const *names,
                      size_t n_names)
{
    const uint32_t *w = e->cats.words + set->first_word;
    size_t len = (size_t)snprintf(buf, size, "{");
    size_t shown = 0, total = 0;
    for (size_t code = 0; code < (size_t)set->n_words * 32; code++) {
        if (!(w[code / 32] >> (code % 32) & 1u))
            continue;
        total++;
        if (shown < MAX_CODES && len < size) {
            if (code < n_names) /* the category's name, if it has one */
                len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                        shown ? ", " : "", names[code]);
            else
                len += (size_t)snprintf(buf + len, size - len, "%s%zu",
                                        shown ? ", " : "", code);
            shown++;
        }
    }
    if (len < size && total > shown)
        len += (size_t)snprintf(buf + len, size - len, ", ... %zu more",
                                total - shown);
    if (len < size)
        snprintf(buf + len, size - len, "}");
}

/* A split's condition for its "yes" (left) branch: "x <= t", or for a
 * categorical split the category codes that go left ("x in {...}" where
 * the listed codes go left, as in LightGBM; "x not in {...}" where they
 * go right, as in XGBoost); then where missing values (and, for
 * LightGBM's zero-is-missing splits, zeros) go. */
static void split_text(char *text, size_t size, const char *tag,
                       const xpl_model *m, const xpl__ensemble *e,
                       const xpl__tree *t, const xpl__tnode *nd)
{
    uint32_t f = nd->feature & XPL__TNODE_FEATURE_MASK;
    const char *name = xpl_model_feature_name(m, f);
    int missing_left = (nd->feature & XPL__TNODE_DEFAULT_LEFT) != 0;
    const char *missing = !t->missing_ok ? ""
                          : nd->feature & XPL__TNODE_ZERO_MISSING
                              ? (missing_left ? "  (0 and missing: yes)"
                                              : "  (0 and missing: no)")
                              : (missing_left ? "  (missing: yes)"
                                              : "  (missing: no)");
    if (nd->feature & XPL__TNODE_CATEGORICAL) {
        const xpl__catset *set = &e->cats.sets[(size_t)nd->threshold];
        char codes[400];
        code_list(codes, sizeof codes, e, set,
                  xpl_model_category_names(m, f), xpl_model_n_categories(m, f));
        snprintf(text, size, "%s%s %s %s%s", tag, name ? name : "?",
                 set->flags & XPL__CAT_LISTED_RIGHT ? "not in" : "in", codes,
                 missing);
        return;
    }
    char num[XPL__NUM_SIZE];
    xpl__fmt_num(num, nd->threshold, 6, XPL__NUM_MINUS);
    snprintf(text, size, "%s%s %s %s%s", tag, name ? name : "?",
             e->compare_le ? "<=" : "<", num, missing);
}

int xpl__chart_tree(FILE *fp, const void *arg, size_t id, xpl__chart *info)
{
    const struct tree_chart *c = arg;
    const xpl__ensemble *e = c->e;
    const xpl__tree *t = &e->trees[c->t];
    const xpl__tnode *nodes = e->nodes + t->first_node;
    const double *cover = e->cover + t->first_node;
    size_t nv = xpl__tree_n_vals(e, t), n = t->n_nodes;
    /* depth-first, left first, with a stack of pending nodes (each pop
     * pushes at most two, so n + 1 entries are enough) */
    struct item *order = xpl__malloc_array(n, sizeof *order);
    struct item *pend = xpl__malloc_array(n + 1, sizeof *pend);
    size_t sp = 0, m = 0;
    if (!order || !pend) {
        free(order);
        free(pend);
        return xpl__enomem();
    }
    pend[sp++] = (struct item){ 0, 0, 0, -1 };
    while (sp && m < n) {
        struct item it = pend[--sp];
        order[m] = it;
        size_t line = m++;
        if (!xpl__tnode_is_leaf(nodes, it.node)) {
            size_t l = nodes[it.node].left;
            pend[sp++] = (struct item){ l + 1, it.depth + 1, line, 0 };
            pend[sp++] = (struct item){ l, it.depth + 1, line, 1 };
        }
    }
    char heading[512], subtitle[512], out[280];
    if (t->output == XPL__ALL_OUTPUTS || e->n_outputs == 1)
        out[0] = '\0';
    else
        xpl__output_suffix(c->opts, t->output, e->n_outputs, out, sizeof out);
    if (c->opts->title)
        snprintf(heading, sizeof heading, "%s", c->opts->title);
    else
        snprintf(heading, sizeof heading, "Tree %zu of %zu%s", c->t,
                 e->n_trees, out);
    snprintf(subtitle, sizeof subtitle, "depth %lu \xc2\xb7 %zu leaves "
             "\xc2\xb7 splits go to \"yes\" when %s \xc2\xb7 leaf values in "
             "the model's raw output (%s link)",
             (unsigned long)t->depth, t->n_leaves,
             t->special ? "the condition shown holds"
             : e->compare_le ? "x <= threshold" : "x < threshold",
             xpl_link_name(xpl_model_link(c->m)));
    double y0 = xpl__svg_heading(fp, heading, subtitle) + 8;
    double root_cover = cover[0] > 0 ? cover[0] : 1;
    char text[640], num[XPL__NUM_SIZE], cov[XPL__NUM_SIZE];
    double room_right = XPL__SVG_WIDTH - XPL__SVG_MARGIN;
    for (size_t i = 0; i < m; i++) {
        const struct item *it = &order[i];
        const xpl__tnode *nd = &nodes[it->node];
        double x = XPL__SVG_MARGIN + 4 + INDENT * (double)it->depth;
        double y = y0 + ((double)i + 0.5) * LINE_H;
        if (it->yes >= 0) { /* elbow from the parent's line */
            double px = x - INDENT + 4;
            double py = y0 + ((double)it->parent_line + 0.5) * LINE_H + 5;
            xpl__svg_line(fp, px, py, px, y, XPL__SVG_AXIS);
            xpl__svg_line(fp, px, y, x - 2, y, XPL__SVG_AXIS);
        }
        /* cover as a share of the root's, right-aligned */
        xpl__svg_num(cov, cover[it->node], 0);
        char share[XPL__NUM_SIZE];
        xpl__fmt_num(share, 100 * cover[it->node] / root_cover, 3, 0);
        char right[128];
        snprintf(right, sizeof right, "cover %s (%s%%)", cov, share);
        double rw = xpl__text_width(right, strlen(right), XPL__SVG_VALUE_PX,
                                    0);
        xpl__svg_text(fp, room_right, y + 4, "font-size=\"11\" "
                      "text-anchor=\"end\" fill=\"" XPL__SVG_MUTED "\"",
                      right, 0, XPL__SVG_VALUE_PX, 0);
        const char *tag = it->yes < 0 ? "" : it->yes ? "yes: " : "no: ";
        double room = room_right - rw - 12 - x;
        if (xpl__tnode_is_leaf(nodes, it->node)) {
            const double *v = e->values + t->first_value + it->node * nv;
            size_t len = (size_t)snprintf(text, sizeof text, "%sleaf", tag);
            for (size_t k = 0; k < nv && len < sizeof text - 64; k++) {
                xpl__svg_num(num, v[k], 1);
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
                                        k ? ", " : " ", num);
            }
            const char *fill = nv == 1 && v[0] > 0   ? "#c4003e"
                               : nv == 1 && v[0] < 0 ? "#006bc2"
                                                     : XPL__SVG_INK;
            char attrs[96];
            snprintf(attrs, sizeof attrs, "font-size=\"12\" fill=\"%s\"",
                     fill);
            xpl__svg_text(fp, x, y + 4, attrs, text, room, XPL__SVG_LABEL_PX,
                          0);
        } else {
            split_text(text, sizeof text, tag, c->m, e, t, nd);
            xpl__label l;
            xpl__label_set(&l, text, NULL, NULL);
            double w = xpl__svg_label_width(&l);
            xpl__svg_label(fp, x + fmin(w, room), y + 4, &l, fmin(w, room),
                           XPL__SVG_INK);
        }
    }
    info->height = y0 + (double)m * LINE_H + 12;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__strdupf("Outline of tree %zu (%s): one node per line, "
                              "each split's \"yes\" branch (the condition "
                              "holds) first, children indented under it; "
                              "leaves show their values and every node its "
                              "cover.", c->t, subtitle);
    free(order);
    free(pend);
    (void)id;
    return XPL_OK;
}
