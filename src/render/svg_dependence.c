/* shap's dependence (scatter) plot over the sampled rows: a feature's
 * value on x, its contribution on y, each dot coloured by the value of a
 * second feature, by default the one that interacts most with the first
 * as estimated by shap's approximate_interactions heuristic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "render/common.h"
#include "render/importance.h"
#include "render/svg.h"
#include "render/svg_chart.h"
#include "render/svg_rows.h"

#define DOT_R 2.6
#define PLOT_H 300.0
#define NAN_COLOR "#8c8c8c"

struct pair {
    double x;
    size_t row;
};

static int cmp_pair(const void *pa, const void *pb)
{
    const struct pair *a = pa, *b = pb;
    /* NaN last, ties by row for a deterministic order */
    int na = isnan(a->x), nb = isnan(b->x);
    if (na != nb)
        return na - nb;
    if (!na && a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* |Pearson correlation| of u and v over [0, n), 0 if either is constant
 * (pairs with a non-finite member are left out). */
static double abs_corr(const double *u, const double *v, size_t n)
{
    double su = 0, sv = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(u[i]) && isfinite(v[i])) {
            su += u[i];
            sv += v[i];
            m++;
        }
    if (m < 2)
        return 0;
    double mu = su / m, mv = sv / m, cuu = 0, cvv = 0, cuv = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(u[i]) && isfinite(v[i])) {
            cuu += (u[i] - mu) * (u[i] - mu);
            cuv += (u[i] - mu) * (v[i] - mv);
            cvv += (v[i] - mv) * (v[i] - mv);
        }
    if (!(cuu > 0) || !(cvv > 0))
        return 0;
    return fabs(cuv / sqrt(cuu * cvv));
}

/* shap.utils.approximate_interactions: rows sorted by feature f's value,
 * cut into runs of max(min(n / 10, 50), 1); for each other feature the sum
 * over runs of |corr(contribution of f, value of the other)|, and the same
 * with the other's missing-value indicator; the largest wins. Returns p
 * when no feature correlates at all. */
size_t xpl__strongest_interaction(const xpl_importance *imp, size_t k,
                                  size_t f, int *rc)
{
    size_t n = imp->kept[k], p = imp->p;
    *rc = XPL_OK;
    struct pair *pr = xpl__malloc_array(n + 1, sizeof *pr);
    double *ref = xpl__malloc_array(n + 1, sizeof *ref);
    double *oth = xpl__malloc_array(n + 1, sizeof *oth);
    double *ind = xpl__malloc_array(n + 1, sizeof *ind);
    if (!pr || !ref || !oth || !ind) {
        free(pr);
        free(ref);
        free(oth);
        free(ind);
        *rc = xpl__enomem();
        return p;
    }
    const float *val = imp->value[k], *con = imp->contrib[k];
    for (size_t i = 0; i < n; i++) {
        pr[i].x = val[i * p + f];
        pr[i].row = i;
    }
    qsort(pr, n, sizeof *pr, cmp_pair);
    for (size_t i = 0; i < n; i++)
        ref[i] = con[pr[i].row * p + f];
    size_t inc = n / 10;
    inc = inc > 50 ? 50 : inc < 1 ? 1 : inc;
    size_t best = p;
    double best_v = 0;
    for (size_t j = 0; j < p; j++) {
        if (j == f)
            continue;
        double any = 0, any_nan = 0;
        for (size_t i = 0; i < n; i++) {
            oth[i] = val[pr[i].row * p + j];
            ind[i] = isnan(oth[i]) ? 1 : 0;
            any += isfinite(oth[i]) ? fabs(oth[i]) : 0;
            any_nan += ind[i];
        }
        double v = 0, v_nan = 0;
        for (size_t s = 0; s < n; s += inc) {
            size_t len = s + inc <= n ? inc : n - s;
            if (any >= 1e-8)
                v += abs_corr(ref + s, oth + s, len);
            if (any_nan >= 1e-8)
                v_nan += abs_corr(ref + s, ind + s, len);
        }
        v = fmax(v, v_nan);
        if (v > best_v) {
            best_v = v;
            best = j;
        }
    }
    free(pr);
    free(ref);
    free(oth);
    free(ind);
    return best;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* 5th and 95th percentiles of the finite values of feature j (the extremes
 * if those coincide), as shap clips its colour scale. */
static int value_range(const xpl_importance *imp, size_t k, size_t j,
                       double *lo, double *hi)
{
    size_t n = imp->kept[k], p = imp->p, m = 0;
    double *tmp = xpl__malloc_array(n + 1, sizeof *tmp);
    if (!tmp)
        return xpl__enomem();
    for (size_t i = 0; i < n; i++) {
        double v = imp->value[k][i * p + j];
        if (isfinite(v))
            tmp[m++] = v;
    }
    *lo = *hi = NAN;
    if (m) {
        qsort(tmp, m, sizeof *tmp, cmp_double);
        *lo = tmp[(size_t)floor(0.05 * (double)(m - 1) + 0.5)];
        *hi = tmp[(size_t)floor(0.95 * (double)(m - 1) + 0.5)];
        if (!(*hi > *lo)) {
            *lo = tmp[0];
            *hi = tmp[m - 1];
        }
    }
    free(tmp);
    return XPL_OK;
}

int xpl__chart_dependence(FILE *fp, const void *arg, size_t id,
                          xpl__chart *info)
{
    const xpl__imp_chart *c = arg;
    const xpl_importance *imp = c->imp;
    const xpl_render_options *o = c->opts;
    size_t k = c->output, p = imp->p, n = imp->kept[k];
    size_t f = xpl__feature_index(imp, o->feature);
    if (f == p)
        return xpl__error(XPL_EINVAL, "dependence chart: no feature named "
                          "\"%s\"", o->feature ? o->feature : "(none)");
    int rc = XPL_OK, automatic = 0;
    size_t g = p; /* colouring feature */
    if (o->color_by && !strcmp(o->color_by, "auto")) {
        automatic = 1;
        g = xpl__strongest_interaction(imp, k, f, &rc);
        if (rc)
            return rc;
    } else if (o->color_by) {
        g = xpl__feature_index(imp, o->color_by);
        if (g == p)
            return xpl__error(XPL_EINVAL, "dependence chart: no feature "
                              "named \"%s\" to colour by", o->color_by);
    }
    double glo = NAN, ghi = NAN;
    if (g < p && (rc = value_range(imp, k, g, &glo, &ghi)))
        return rc;

    const float *val = imp->value[k], *con = imp->contrib[k];
    double xlo = INFINITY, xhi = -INFINITY, ylo = 0, yhi = 0;
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        double x = val[i * p + f], y = con[i * p + f];
        if (!isfinite(x) || !isfinite(y)) {
            missing++;
            continue;
        }
        xlo = fmin(xlo, x);
        xhi = fmax(xhi, x);
        ylo = fmin(ylo, y);
        yhi = fmax(yhi, y);
    }
    xpl__range_fix(&xlo, &xhi);
    xpl__range_fix(&ylo, &yhi);

    char kind[320], heading[512], subtitle[640];
    snprintf(kind, sizeof kind, "Dependence on %s", imp->names[f]);
    xpl__rows_heading(c, kind, n, heading, sizeof heading, subtitle,
                      sizeof subtitle);
    if (g < p || missing) {
        size_t len = strlen(subtitle);
        if (g < p)
            snprintf(subtitle + len, sizeof subtitle - len,
                     " \xc2\xb7 colour: %s%s", imp->names[g],
                     automatic ? " (strongest interaction, estimated)" : "");
        len = strlen(subtitle);
        if (missing)
            snprintf(subtitle + len, sizeof subtitle - len,
                     " \xc2\xb7 %zu without a value", missing);
    }
    double y0 = xpl__svg_heading(fp, heading, subtitle) + 12;
    double y_bottom = y0 + PLOT_H;
    xpl__scale ys = { ylo, yhi, y_bottom - 8, y0 + 8 };
    double x_left = XPL__SVG_MARGIN + 22 + xpl__svg_yaxis_width(&ys);
    double x_bar = XPL__SVG_WIDTH - XPL__SVG_MARGIN - XPL__COLORBAR_W + 14;
    double x_right = g < p ? x_bar - XPL__COLORBAR_GAP
                           : XPL__SVG_WIDTH - XPL__SVG_MARGIN;
    xpl__scale xs = { xlo, xhi, x_left + 10, x_right - 10 };
    char ytitle[400];
    char what[320];
    snprintf(what, sizeof what, "%s of %s", strcmp(imp->method, "lime")
             ? "SHAP value" : "LIME weight", imp->names[f]);
    xpl__axis_title(o, what, NULL, ytitle, sizeof ytitle);
    xpl__svg_yaxis(fp, &ys, x_left, x_right, ytitle, XPL__SVG_MARGIN + 10);
    double bottom = xpl__svg_axis(fp, &xs, y0, y_bottom, imp->names[f]);
    xpl__svg_line(fp, x_left, y_bottom, x_right, y_bottom, XPL__SVG_AXIS);
    xpl__svg_line(fp, x_left, xpl__scale_x(&ys, 0), x_right,
                  xpl__scale_x(&ys, 0), XPL__SVG_AXIS);
    char color[8];
    for (size_t i = 0; i < n; i++) {
        double x = val[i * p + f], y = con[i * p + f];
        if (!isfinite(x) || !isfinite(y))
            continue;
        const char *fill = g < p ? NAN_COLOR : XPL__SVG_NEG;
        if (g < p) {
            double v = val[i * p + g];
            if (isfinite(v) && isfinite(glo)) {
                xpl__color_scale(ghi > glo ? (v - glo) / (ghi - glo) : 0.5,
                                 color);
                fill = color;
            }
        }
        fputs("<circle cx=\"", fp);
        xpl__svg_coord(fp, xpl__scale_x(&xs, x));
        fputs("\" cy=\"", fp);
        xpl__svg_coord(fp, xpl__scale_x(&ys, y));
        fputs("\" r=\"", fp);
        xpl__svg_coord(fp, DOT_R);
        fputs("\" fill=\"", fp);
        fputs(fill, fp);
        fputs("\" fill-opacity=\"0.8\"/>\n", fp);
    }
    if (g < p) {
        char lo_s[XPL__NUM_SIZE], hi_s[XPL__NUM_SIZE];
        xpl__svg_num(lo_s, glo, 0);
        xpl__svg_num(hi_s, ghi, 0);
        xpl__svg_colorbar(fp, id, x_bar, y0 + 20, y_bottom - 20,
                          lo_s, hi_s, imp->names[g], 0);
    }
    info->height = bottom + 8;
    info->title = xpl__strdupf("%s", heading);
    info->desc = xpl__strdupf("Dependence plot (%s): for each row, the value "
                              "of %s (x) against its contribution (y)%s%s%s.",
                              subtitle, imp->names[f],
                              g < p ? ", coloured by the value of " : "",
                              g < p ? imp->names[g] : "",
                              g < p ? " from low (blue) to high (red)" : "");
    return XPL_OK;
}
