/* Pictures of the model itself: a linear model's coefficients. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "models/linear.h"
#include "render/common.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_model.h"

struct coef_chart {
    const xpl_model *m;
    const xpl__linear *lin;
    size_t output;
    const xpl_render_options *opts;
};

static int chart_coefficients(FILE *fp, const void *arg, size_t id,
                              xpl__chart *info)
{
    const struct coef_chart *c = arg;
    const xpl__linear *lin = c->lin;
    size_t p = lin->n_features, k = c->output;
    const double *w = lin->coef + k * p;
    size_t *idx = xpl__malloc_array(p, sizeof *idx);
    xpl__hbar *bars = xpl__calloc_array(p + 1, sizeof *bars);
    if (!idx || !bars) {
        free(idx);
        free(bars);
        return xpl__enomem();
    }
    for (size_t j = 0; j < p; j++)
        idx[j] = j;
    xpl__rank_values(w, idx, p);
    size_t shown = xpl__n_shown(p, c->opts->top_k), n = shown;
    char other[64];
    for (size_t r = 0; r < shown; r++) {
        xpl__label_set(&bars[r].label, xpl_model_feature_name(c->m, idx[r]),
                       NULL, NULL);
        bars[r].length = w[idx[r]];
    }
    if (shown < p) {
        double rest = 0;
        for (size_t r = shown; r < p; r++)
            rest += w[idx[r]];
        snprintf(other, sizeof other, "other %zu features (sum)", p - shown);
        xpl__label_set(&bars[n].label, other, NULL, NULL);
        bars[n].length = rest;
        bars[n].other = 1;
        n++;
    }
    int rc = xpl__label_differ(bars, n, sizeof *bars, NULL);
    if (rc) {
        free(idx);
        free(bars);
        return rc;
    }
    char heading[512], subtitle[512], out[280], num[XPL__NUM_SIZE];
    xpl__output_suffix(c->opts, k, lin->n_outputs, out, sizeof out);
    if (c->opts->title)
        snprintf(heading, sizeof heading, "%s", c->opts->title);
    else
        snprintf(heading, sizeof heading, "Coefficients%s", out);
    xpl__svg_num(num, lin->intercept[k], 0);
    xpl_link link = xpl_model_link(c->m);
    size_t nonzero = 0;
    for (size_t j = 0; j < p; j++)
        nonzero += w[j] != 0;
    snprintf(subtitle, sizeof subtitle, "linear model \xc2\xb7 %s link "
             "\xc2\xb7 intercept %s \xc2\xb7 %zu of %zu coefficients "
             "nonzero", xpl_link_name(link), num, nonzero, p);
    const char *unit = link == XPL_LINK_LOGIT || link == XPL_LINK_SOFTMAX
                           ? "log-odds per unit of the feature"
                       : link == XPL_LINK_LOG ? "log of the response per unit "
                                                "of the feature"
                                              : "response per unit of the "
                                                "feature";
    char axis[160];
    snprintf(axis, sizeof axis, "coefficient (%s)", unit);
    xpl__hbar_spec spec = { heading, subtitle, axis, bars, n, 0 };
    info->height = xpl__svg_hbars(fp, &spec);
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__hbar_desc(
        bars, n, 1, "Bar chart of the coefficients of a linear model%s (%s), "
        "largest magnitude first; red raises the output, blue lowers "
        "it. ", out, subtitle);
    free(idx);
    free(bars);
    (void)id;
    return XPL_OK;
}

int xpl_model_render_svg(FILE *fp, const xpl_model *m,
                         const xpl_render_options *opts)
{
    static const char fn[] = "xpl_model_render_svg";
    int rc;
    if (!m)
        return xpl__error(XPL_EINVAL, "%s: model is NULL", fn);
    if ((rc = xpl__stream_check(fp, fn)) || (rc = xpl__options_check(opts, fn)))
        return rc;
    if (opts && opts->chart == XPL_CHART_TREE) {
        const xpl__ensemble *e = xpl__trees_params(m);
        if (!e)
            return xpl__error(XPL_EUNSUPPORTED, "%s: trees are drawn for "
                              "tree models; this is a %s model", fn,
                              xpl_model_kind(m));
        if (opts->tree >= e->n_trees)
            return xpl__error(XPL_EINVAL, "%s: tree %zu: the model has %zu "
                              "trees (0 to %zu)", fn, opts->tree, e->n_trees,
                              e->n_trees - 1);
        xpl_svg *svg;
        if ((rc = xpl__svg_new(&svg, opts, "tree")))
            return rc;
        struct tree_chart arg = { m, e, opts->tree, xpl__svg_options(svg) };
        rc = xpl__svg_add(svg, xpl__chart_tree, &arg);
        if (rc == XPL_OK)
            rc = xpl_render_svg_end(svg, fp);
        xpl_render_svg_free(svg);
        return rc;
    }
    if (!opts || opts->chart != XPL_CHART_COEFFICIENTS)
        return xpl__error(XPL_EINVAL, "%s: the model's chart is "
                          "coefficients or tree", fn);
    const xpl__linear *lin = xpl__linear_params(m);
    if (!lin)
        return xpl__error(XPL_EUNSUPPORTED, "%s: coefficients are drawn for "
                          "linear models; this is a %s model", fn,
                          xpl_model_kind(m));
    xpl_svg *svg;
    if ((rc = xpl__svg_new(&svg, opts, "model output")))
        return rc;
    const xpl_render_options *o = xpl__svg_options(svg);
    for (size_t k = 0; k < lin->n_outputs && rc == XPL_OK; k++) {
        struct coef_chart arg = { m, lin, k, o };
        rc = xpl__svg_add(svg, chart_coefficients, &arg);
    }
    if (rc == XPL_OK)
        rc = xpl_render_svg_end(svg, fp);
    xpl_render_svg_free(svg);
    return rc;
}
