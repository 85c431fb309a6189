/* SVG of global importance: one chart per output with rows, stacked in one
 * document; bars of mean |contribution|, or the beeswarm. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

int xpl__chart_importance_bar(FILE *fp, const void *arg, size_t id,
                              xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    size_t k = c->output, p = imp->p;
    double *mabs = xpl__malloc_array(p, sizeof *mabs);
    size_t *idx = xpl__malloc_array(p, sizeof *idx);
    xpl__hbar *bars = xpl__calloc_array(p + 1, sizeof *bars);
    char other[64];
    if (!mabs || !idx || !bars) {
        free(mabs);
        free(idx);
        free(bars);
        return xpl__enomem();
    }
    xpl__imp_rank(imp, k, mabs, idx);
    size_t shown = xpl__n_shown(p, c->opts->top_k), n = shown;
    for (size_t r = 0; r < shown; r++) {
        xpl__label_set(&bars[r].label, imp->names[idx[r]], NULL, NULL);
        bars[r].length = mabs[idx[r]];
    }
    if (shown < p) {
        double rest = 0;
        for (size_t r = shown; r < p; r++)
            rest += isfinite(mabs[idx[r]]) ? mabs[idx[r]] : 0;
        snprintf(other, sizeof other, "other %zu features", p - shown);
        xpl__label_set(&bars[n].label, other, NULL, NULL);
        bars[n].length = rest;
        bars[n].other = 1;
        n++;
    }
    if (xpl__label_differ(bars, n, sizeof *bars, NULL)) {
        free(mabs);
        free(idx);
        free(bars);
        return xpl__enomem();
    }
    char heading[512], subtitle[512], out[280];
    xpl__output_suffix(c->opts, k, imp->d, out, sizeof out);
    if (c->opts->title)
        snprintf(heading, sizeof heading, "%s", c->opts->title);
    else
        snprintf(heading, sizeof heading, "Feature importance%s", out);
    char where[300] = "";
    if (c->opts->title && out[0])
        snprintf(where, sizeof where, "%s \xc2\xb7 ", out + 2);
    snprintf(subtitle, sizeof subtitle, "%smean |contribution| over %llu "
             "rows \xc2\xb7 %s", where, (unsigned long long)imp->rows[k],
             imp->method[0] ? imp->method : "unknown method");
    char axis[160];
    xpl__axis_title(c->opts, "mean |contribution|", "average impact on the "
                    "output", axis, sizeof axis);
    xpl__hbar_spec spec = { heading, subtitle, axis, bars, n, 1 };
    info->height = xpl__svg_hbars(fp, &spec);
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__hbar_desc(
        bars, n, 0, "Bar chart of global feature importance%s: the mean "
        "absolute contribution of each feature over %llu row%s "
        "(%s), largest first. ", out,
        (unsigned long long)imp->rows[k], imp->rows[k] == 1 ? "" : "s",
        imp->method[0] ? imp->method : "unknown method");
    free(mabs);
    free(idx);
    free(bars);
    (void)id;
    return XPL_OK;
}

int xpl_importance_render_svg(FILE *fp, const xpl_importance *imp,
                              const xpl_render_options *opts)
{
    static const char fn[] = "xpl_importance_render_svg";
    int rc;
    if (!imp)
        return xpl__error(XPL_EINVAL, "%s: accumulator is NULL", fn);
    if ((rc = xpl__stream_check(fp, fn)) ||
        (rc = xpl__options_check(opts, fn)) ||
        (rc = xpl__imp_any_rows(imp, fn)))
        return rc;
    xpl_chart kind = opts ? opts->chart : XPL_CHART_BAR;
    xpl__chart_fn draw = NULL;
    switch (kind) {
    case XPL_CHART_BAR: draw = xpl__chart_importance_bar; break;
    case XPL_CHART_BEESWARM: draw = xpl__chart_beeswarm; break;
    case XPL_CHART_DEPENDENCE: draw = xpl__chart_dependence; break;
    case XPL_CHART_DECISION: draw = xpl__chart_decision; break;
    case XPL_CHART_HEATMAP: draw = xpl__chart_heatmap; break;
    case XPL_CHART_FORCE: draw = xpl__chart_force_rows; break;
    case XPL_CHART_STACKED: draw = xpl__chart_stacked; break;
    case XPL_CHART_INTERACTIONS: draw = xpl__chart_interactions; break;
    case XPL_CHART_WATERFALL: break;
    case XPL_CHART_COEFFICIENTS: break;
    case XPL_CHART_TREE: break;
    }
    if (!draw)
        return xpl__error(XPL_EINVAL, "%s: importance charts are bar, "
                          "beeswarm, stacked, dependence, decision, heatmap, "
                          "force or interactions (waterfall is a row's "
                          "chart)", fn);
    if (kind == XPL_CHART_INTERACTIONS && !imp->inter_abs)
        return xpl__error(XPL_EINVAL, "%s: interactions chart: the "
                          "explanations added had no interaction values",
                          fn);
    if (kind == XPL_CHART_DEPENDENCE &&
        xpl__feature_index(imp, opts->feature) == imp->p)
        return xpl__error(XPL_EINVAL, "%s: dependence chart: no feature "
                          "named \"%s\"", fn,
                          opts->feature ? opts->feature : "(none given)");
    if (kind == XPL_CHART_DEPENDENCE && opts->color_by &&
        strcmp(opts->color_by, "auto") != 0 &&
        xpl__feature_index(imp, opts->color_by) == imp->p)
        return xpl__error(XPL_EINVAL, "%s: dependence chart: no feature "
                          "named \"%s\" to colour by", fn, opts->color_by);
    xpl_svg *svg;
    if ((rc = xpl__svg_new(&svg, opts, "model output")))
        return rc;
    const xpl_render_options *o = xpl__svg_options(svg);
    for (size_t k = 0; k < imp->d && rc == XPL_OK; k++) {
        if (!imp->rows[k])
            continue;
        xpl__imp_chart arg = { imp, k, o };
        rc = xpl__svg_add(svg, draw, &arg);
        if (kind == XPL_CHART_STACKED)
            break; /* one chart for every output */
    }
    if (rc == XPL_OK)
        rc = xpl_render_svg_end(svg, fp);
    xpl_render_svg_free(svg);
    return rc;
}
