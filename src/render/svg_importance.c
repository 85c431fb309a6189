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
    char heading[512], subtitle[256], out[32] = "";
    if (imp->d > 1)
        snprintf(out, sizeof out, ", output %zu", k);
    if (c->opts->title)
        snprintf(heading, sizeof heading, "%s", c->opts->title);
    else
        snprintf(heading, sizeof heading, "Feature importance%s", out);
    char where[48] = "";
    if (c->opts->title && imp->d > 1)
        snprintf(where, sizeof where, "output %zu \xc2\xb7 ", k);
    snprintf(subtitle, sizeof subtitle, "%smean |contribution| over %llu "
             "rows \xc2\xb7 %s", where, (unsigned long long)imp->rows[k],
             imp->method[0] ? imp->method : "unknown method");
    xpl__hbar_spec spec = { heading, subtitle,
                            "mean |contribution| (average impact on the "
                            "output)", bars, n, 1 };
    info->height = xpl__svg_hbars(fp, &spec);
    info->title = xpl__strdupf("%s", heading);
    char *desc = NULL;
    size_t len = 0;
    FILE *d = open_memstream(&desc, &len);
    if (d) {
        fprintf(d, "Bar chart of global feature importance%s: the mean "
                "absolute contribution of each feature over %llu rows "
                "(%s), largest first. ", out,
                (unsigned long long)imp->rows[k],
                imp->method[0] ? imp->method : "unknown method");
        xpl__hbar_desc(d, bars, n, 0);
        if (fclose(d) != 0) {
            free(desc);
            desc = NULL;
        }
    }
    info->desc = desc;
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
    if (opts && opts->chart == XPL_CHART_WATERFALL)
        return xpl__error(XPL_EINVAL, "%s: importance charts are bar or "
                          "beeswarm", fn);
    xpl_svg *svg;
    if ((rc = xpl__svg_new(&svg, opts, "model output")))
        return rc;
    const xpl_render_options *o = xpl__svg_options(svg);
    for (size_t k = 0; k < imp->d && rc == XPL_OK; k++) {
        if (!imp->rows[k])
            continue;
        xpl__imp_chart arg = { imp, k, o };
        rc = xpl__svg_add(svg, o->chart == XPL_CHART_BEESWARM
                                   ? xpl__chart_beeswarm
                                   : xpl__chart_importance_bar,
                          &arg);
    }
    if (rc == XPL_OK)
        rc = xpl_render_svg_end(svg, fp);
    xpl_render_svg_free(svg);
    return rc;
}
