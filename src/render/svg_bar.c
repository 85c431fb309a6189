/* The bar chart of one explanation: the largest contributions first, each
 * labelled "feature = value" (LIME: its condition), the rest summed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/svg.h"
#include "render/svg_chart.h"

void xpl__row_heading(const xpl_explanation *e, const xpl_render_options *o,
                      const char *kind, char *heading, size_t hsize,
                      char *subtitle, size_t ssize)
{
    char out[280], a[XPL__NUM_SIZE], b[XPL__NUM_SIZE], c[XPL__NUM_SIZE];
    xpl__output_suffix(o, e->output, e->n_outputs, out, sizeof out);
    if (o->title)
        snprintf(heading, hsize, "%s", o->title);
    else
        snprintf(heading, hsize, "%s, row %zu%s", kind, e->row, out);
    /* With a caller's title the subtitle says which row this is. */
    char where[320] = "";
    if (o->title)
        snprintf(where, sizeof where, "row %zu%s \xc2\xb7 ", e->row, out);
    char method[96];
    snprintf(method, sizeof method, "%s%s%s",
             e->method ? e->method : "unknown method",
             xpl__unit(o) ? " \xc2\xb7 " : "", xpl__unit(o) ? o->unit : "");
    xpl__svg_num(b, e->prediction, 0);
    if (xpl__is_lime(e)) {
        xpl__svg_num(a, e->intercept, 0);
        xpl__svg_num(c, e->local_prediction, 0);
        char s[XPL__NUM_SIZE];
        xpl__fmt_num(s, e->score, 3, 0);
        snprintf(subtitle, ssize, "%s%s \xc2\xb7 intercept %s \xc2\xb7 local "
                 "prediction %s \xc2\xb7 prediction %s \xc2\xb7 score %s",
                 where, method, a, c, b, s);
    } else {
        xpl__svg_num(a, e->base_value, 0);
        snprintf(subtitle, ssize, "%s%s \xc2\xb7 base value %s \xc2\xb7 "
                 "prediction %s", where, method, a, b);
    }
}

/* Bars of the shown features (and "other"), values formatted; the caller
 * frees *out and *other_name. */
int xpl__row_bars(const xpl_explanation *e, const xpl_render_options *o,
                  xpl__hbar **out, size_t *n_out, char **other_name)
{
    *out = NULL;
    *other_name = NULL;
    size_t *idx = xpl__malloc_array(e->n_features + 1, sizeof *idx);
    xpl__hbar *bars = xpl__calloc_array(e->n_features + 1, sizeof *bars);
    if (!idx || !bars) {
        free(idx);
        free(bars);
        return xpl__enomem();
    }
    size_t count = xpl__rank(e, idx), shown = xpl__n_shown(count, o->top_k);
    for (size_t k = 0; k < shown; k++) {
        size_t j = idx[k];
        char value[XPL__NUM_SIZE];
        xpl__label_set(&bars[k].label, e->names[j], xpl__condition(e, j),
                       xpl__value_text(e, j, value, 3, XPL__NUM_MINUS));
        bars[k].length = e->contributions[j];
    }
    size_t n = shown;
    if (shown < count) {
        double rest = 0;
        for (size_t k = shown; k < count; k++)
            rest += e->contributions[idx[k]];
        *other_name = xpl__strdupf("other %zu features", count - shown);
        if (!*other_name) {
            free(idx);
            free(bars);
            return xpl__enomem();
        }
        xpl__label_set(&bars[n].label, *other_name, NULL, NULL);
        bars[n].length = rest;
        bars[n].other = 1;
        n++;
    }
    free(idx);
    if (xpl__label_differ(bars, n, sizeof *bars, NULL)) {
        free(bars);
        free(*other_name);
        *other_name = NULL;
        return xpl__enomem();
    }
    *out = bars;
    *n_out = n;
    return XPL_OK;
}

int xpl__chart_bar(FILE *fp, const void *arg, size_t id, xpl__chart *info)
{
    const xpl__row_chart *rc = arg;
    const xpl_explanation *e = rc->e;
    char heading[512], subtitle[512];
    xpl__row_heading(e, rc->opts, "Feature contributions", heading,
                     sizeof heading, subtitle, sizeof subtitle);
    int lime = xpl__is_lime(e);
    char axis[160];
    xpl__axis_title(rc->opts, lime ? "LIME weight" : "contribution to the "
                    "prediction", lime ? "effect on the local model's "
                    "prediction" : "SHAP value", axis, sizeof axis);
    xpl__hbar_spec spec = { heading, subtitle, axis, rc->bars, rc->n, 0 };
    info->height = xpl__svg_hbars(fp, &spec);
    info->title = xpl__strdupf("%s", heading);
    char out[280];
    xpl__output_suffix(rc->opts, e->output, e->n_outputs, out, sizeof out);
    info->desc = xpl__hbar_desc(rc->bars, rc->n, 1, "Bar chart of the "
                                "feature contributions to row %zu%s (%s), "
                                "largest first; red bars raise the "
                                "prediction, blue bars lower it. ", e->row,
                                out, subtitle);
    (void)id;
    return XPL_OK;
}
