/* Global importance: running sums per (output, feature) over every row, and
 * a bounded uniform sample of rows for the beeswarm. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/rng_seed.h"
#include "render/common.h"
#include "render/csv_util.h"
#include "render/importance.h"
#include "render/json_util.h"
#include "render/number.h"
#include "render/text_util.h"

/* Values (pairs of floats) kept per output at most: bounds the sample of
 * wide models, whose rows are large. */
#define SAMPLE_VALUES ((size_t)1 << 21)
#define RESERVOIR_SEED 0x5851f42d4c957f2dULL

/* Doubles beyond float's range become infinities (a plain conversion of
 * such a value is undefined behaviour). */
static float to_float(double v)
{
    if (v > FLT_MAX)
        return INFINITY;
    if (v < -FLT_MAX)
        return -INFINITY;
    return (float)v;
}

int xpl_importance_new(xpl_importance **out, size_t n_features,
                       size_t n_outputs, const char *const *names)
{
    static const char fn[] = "xpl_importance_new";
    if (!out)
        return xpl__error(XPL_EINVAL, "%s: out is NULL", fn);
    *out = NULL;
    if (n_features == 0 || n_outputs == 0 || !names)
        return xpl__error(XPL_EINVAL, "%s: needs features, outputs and "
                          "names", fn);
    if (n_features > XPL_MAX_FEATURES || n_outputs > XPL_MAX_OUTPUTS)
        return xpl__error(XPL_ELIMIT, "%s: %zu features x %zu outputs is "
                          "over the limits", fn, n_features, n_outputs);
    for (size_t j = 0; j < n_features; j++)
        if (!names[j])
            return xpl__error(XPL_EINVAL, "%s: name %zu is NULL", fn, j);
    xpl_importance *m = calloc(1, sizeof *m);
    if (!m)
        return xpl__enomem();
    m->p = n_features;
    m->d = n_outputs;
    size_t cells = n_features * n_outputs; /* both limited: no overflow */
    m->names = calloc(n_features, sizeof *m->names);
    m->rows = calloc(n_outputs, sizeof *m->rows);
    m->sum_abs = calloc(cells, sizeof *m->sum_abs);
    m->sum = calloc(cells, sizeof *m->sum);
    m->n_finite = calloc(cells, sizeof *m->n_finite);
    m->kept = calloc(n_outputs, sizeof *m->kept);
    m->room = calloc(n_outputs, sizeof *m->room);
    m->value = calloc(n_outputs, sizeof *m->value);
    m->contrib = calloc(n_outputs, sizeof *m->contrib);
    m->base = calloc(n_outputs, sizeof *m->base);
    m->pred = calloc(n_outputs, sizeof *m->pred);
    int ok = m->names && m->rows && m->sum_abs && m->sum && m->n_finite &&
             m->kept && m->room && m->value && m->contrib && m->base &&
             m->pred;
    for (size_t j = 0; ok && j < n_features; j++)
        ok = (m->names[j] = xpl__strdup(names[j])) != NULL;
    if (!ok) {
        xpl_importance_free(m);
        return xpl__enomem();
    }
    m->cap = SAMPLE_VALUES / n_features;
    if (m->cap > XPL_IMPORTANCE_SAMPLE_ROWS)
        m->cap = XPL_IMPORTANCE_SAMPLE_ROWS;
    if (m->cap == 0)
        m->cap = 1;
    *out = m;
    return XPL_OK;
}

void xpl_importance_free(xpl_importance *imp)
{
    if (!imp)
        return;
    for (size_t j = 0; imp->names && j < imp->p; j++)
        free(imp->names[j]);
    for (size_t k = 0; imp->value && k < imp->d; k++)
        free(imp->value[k]);
    for (size_t k = 0; imp->contrib && k < imp->d; k++)
        free(imp->contrib[k]);
    for (size_t k = 0; imp->base && k < imp->d; k++)
        free(imp->base[k]);
    for (size_t k = 0; imp->pred && k < imp->d; k++)
        free(imp->pred[k]);
    free(imp->base);
    free(imp->pred);
    free(imp->inter_abs);
    free(imp->inter_n);
    free(imp->names);
    free(imp->rows);
    free(imp->sum_abs);
    free(imp->sum);
    free(imp->n_finite);
    free(imp->kept);
    free(imp->room);
    free(imp->value);
    free(imp->contrib);
    free(imp);
}

/* Make room for `rows` sample rows of output k (grown geometrically). */
static int sample_reserve(xpl_importance *m, size_t k, size_t rows)
{
    if (rows <= m->room[k])
        return XPL_OK;
    size_t want = m->room[k] ? m->room[k] * 2 : 64;
    if (want > m->cap)
        want = m->cap;
    float *v = realloc(m->value[k], want * m->p * sizeof *v);
    if (!v)
        return xpl__enomem();
    m->value[k] = v;
    float *c = realloc(m->contrib[k], want * m->p * sizeof *c);
    if (!c)
        return xpl__enomem();
    m->contrib[k] = c;
    double *b = realloc(m->base[k], want * sizeof *b);
    if (!b)
        return xpl__enomem();
    m->base[k] = b;
    double *f = realloc(m->pred[k], want * sizeof *f);
    if (!f)
        return xpl__enomem();
    m->pred[k] = f;
    m->room[k] = want;
    return XPL_OK;
}

/* Sums of |interaction value| over the features' (p+1)^2 matrix of one
 * explanation (its last row and column, the bias, left out). */
static int add_interactions(xpl_importance *imp, size_t k, const double *in)
{
    size_t p = imp->p;
    if (!imp->inter_abs) {
        imp->inter_abs = xpl__calloc_array(imp->d * p, p * sizeof(double));
        imp->inter_n = xpl__calloc_array(imp->d * p, p * sizeof(uint64_t));
        if (!imp->inter_abs || !imp->inter_n) {
            free(imp->inter_abs);
            free(imp->inter_n);
            imp->inter_abs = NULL;
            imp->inter_n = NULL;
            return xpl__enomem();
        }
    }
    double *sa = imp->inter_abs + k * p * p;
    uint64_t *n = imp->inter_n + k * p * p;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double v = in[i * (p + 1) + j];
            if (isfinite(v)) {
                sa[i * p + j] += fabs(v);
                n[i * p + j]++;
            }
        }
    return XPL_OK;
}

int xpl_importance_add(xpl_importance *imp, const xpl_explanation *e)
{
    static const char fn[] = "xpl_importance_add";
    if (!imp)
        return xpl__error(XPL_EINVAL, "%s: accumulator is NULL", fn);
    int rc = xpl__explanation_check(e, fn);
    if (rc)
        return rc;
    if (e->n_features != imp->p || e->output >= imp->d)
        return xpl__error(XPL_EINVAL, "%s: explanation of %zu features, "
                          "output %zu; expected %zu features, outputs < %zu",
                          fn, e->n_features, e->output, imp->p, imp->d);
    size_t k = e->output, p = imp->p;
    /* Reservoir sampling (Vitter's algorithm R) with a hash of the row's
     * rank as the random draw: the sample depends only on the sequence. */
    uint64_t seen = imp->rows[k];
    size_t slot = (size_t)-1;
    if (seen < imp->cap) {
        if ((rc = sample_reserve(imp, k, (size_t)seen + 1)))
            return rc;
        slot = (size_t)seen;
        imp->kept[k] = slot + 1;
    } else {
        uint64_t r = xpl__mix64(RESERVOIR_SEED ^ xpl__mix64(seen ^ ((uint64_t)k << 40)));
        uint64_t pick = r % (seen + 1);
        if (pick < imp->cap)
            slot = (size_t)pick;
    }
    if (!imp->method[0] && e->method)
        snprintf(imp->method, sizeof imp->method, "%s", e->method);
    imp->rows[k]++;
    double *sa = imp->sum_abs + k * p, *s = imp->sum + k * p;
    uint64_t *nf = imp->n_finite + k * p;
    for (size_t j = 0; j < p; j++) {
        double c = e->contributions[j];
        if (isfinite(c)) {
            sa[j] += fabs(c);
            s[j] += c;
            nf[j]++;
        }
    }
    if (e->interactions && (rc = add_interactions(imp, k, e->interactions)))
        return rc;
    if (slot != (size_t)-1) {
        for (size_t j = 0; j < p; j++) {
            imp->value[k][slot * p + j] = to_float(e->values[j]);
            imp->contrib[k][slot * p + j] = to_float(e->contributions[j]);
        }
        int lime = xpl__is_lime(e);
        imp->base[k][slot] = lime ? e->intercept : e->base_value;
        imp->pred[k][slot] = lime ? e->local_prediction : e->prediction;
    }
    return XPL_OK;
}

double xpl__imp_mean_abs_inter(const xpl_importance *imp, size_t k, size_t i,
                               size_t j)
{
    if (!imp->inter_abs)
        return NAN;
    size_t at = (k * imp->p + i) * imp->p + j;
    return imp->inter_n[at] ? imp->inter_abs[at] / (double)imp->inter_n[at]
                            : NAN;
}

int xpl_importance_interactions(const xpl_importance *imp, size_t output,
                                double *mean_abs)
{
    static const char fn[] = "xpl_importance_interactions";
    if (!imp || !mean_abs)
        return xpl__error(XPL_EINVAL, "%s: NULL argument", fn);
    if (output >= imp->d)
        return xpl__error(XPL_EINVAL, "%s: output %zu of %zu", fn, output,
                          imp->d);
    int any = 0;
    for (size_t i = 0; imp->inter_n && i < imp->p * imp->p; i++)
        any |= imp->inter_n[output * imp->p * imp->p + i] != 0;
    if (!any)
        return xpl__error(XPL_EINVAL, "%s: no explanation of output %zu had "
                          "interaction values", fn, output);
    for (size_t i = 0; i < imp->p; i++)
        for (size_t j = 0; j < imp->p; j++)
            mean_abs[i * imp->p + j] = xpl__imp_mean_abs_inter(imp, output,
                                                               i, j);
    return XPL_OK;
}

uint64_t xpl_importance_n_rows(const xpl_importance *imp, size_t output)
{
    return imp && output < imp->d ? imp->rows[output] : 0;
}

double xpl__imp_mean_abs(const xpl_importance *imp, size_t k, size_t j)
{
    uint64_t n = imp->n_finite[k * imp->p + j];
    return n ? imp->sum_abs[k * imp->p + j] / (double)n : NAN;
}

static double imp_mean(const xpl_importance *imp, size_t k, size_t j)
{
    uint64_t n = imp->n_finite[k * imp->p + j];
    return n ? imp->sum[k * imp->p + j] / (double)n : NAN;
}

int xpl_importance_values(const xpl_importance *imp, size_t output,
                          double *mean_abs, double *mean)
{
    if (!imp || output >= imp->d || !mean_abs)
        return xpl__error(XPL_EINVAL, "xpl_importance_values: bad "
                          "argument");
    for (size_t j = 0; j < imp->p; j++) {
        mean_abs[j] = xpl__imp_mean_abs(imp, output, j);
        if (mean)
            mean[j] = imp_mean(imp, output, j);
    }
    return XPL_OK;
}

void xpl__imp_rank(const xpl_importance *imp, size_t k, double *scratch,
                   size_t *idx)
{
    for (size_t j = 0; j < imp->p; j++) {
        scratch[j] = xpl__imp_mean_abs(imp, k, j);
        idx[j] = j;
    }
    xpl__rank_values(scratch, idx, imp->p);
}

size_t *xpl__imp_ranked(const xpl_importance *imp, size_t k)
{
    double *scratch = xpl__malloc_array(imp->p, sizeof *scratch);
    size_t *idx = xpl__malloc_array(imp->p, sizeof *idx);
    if (!scratch || !idx) {
        free(scratch);
        free(idx);
        xpl__enomem();
        return NULL;
    }
    xpl__imp_rank(imp, k, scratch, idx);
    free(scratch);
    return idx;
}

int xpl__imp_lines_new(xpl__imp_lines *l, const xpl_importance *imp,
                       size_t k, size_t top_k)
{
    size_t p = imp->p, n = xpl__n_shown(p, top_k), m = n + (n < p);
    *l = (xpl__imp_lines){ .shown = n, .m = m };
    l->idx = xpl__imp_ranked(imp, k);
    l->lines = xpl__calloc_array(p + 1, sizeof *l->lines);
    if (!l->idx || !l->lines)
        return xpl__enomem();
    snprintf(l->other, sizeof l->other, "other %zu features", p - n);
    for (size_t r = 0; r < m; r++)
        xpl__label_set(&l->lines[r].label,
                       r < n ? imp->names[l->idx[r]] : l->other, NULL, NULL);
    return xpl__label_differ(l->lines, m, sizeof *l->lines, NULL);
}

void xpl__imp_lines_free(xpl__imp_lines *l)
{
    free(l->idx);
    free(l->lines);
    *l = (xpl__imp_lines){ 0 };
}

static const char *method_of(const xpl_importance *imp)
{
    return imp->method[0] ? imp->method : "unknown method";
}

int xpl__imp_any_rows(const xpl_importance *imp, const char *fn)
{
    for (size_t k = 0; k < imp->d; k++)
        if (imp->rows[k])
            return XPL_OK;
    return xpl__error(XPL_EINVAL, "%s: no rows were added", fn);
}

static int imp_text(xpl__buf *ob, const xpl_importance *imp,
                    const xpl_render_options *opts)
{
    int rc = XPL_OK;
    xpl_render_options o = XPL_RENDER_OPTIONS_INIT;
    if (opts)
        o = *opts;
    double *mabs = xpl__malloc_array(imp->p, sizeof *mabs);
    size_t *idx = xpl__malloc_array(imp->p, sizeof *idx);
    xpl__label *labels = xpl__malloc_array(imp->p + 1, sizeof *labels);
    if (!mabs || !idx || !labels) {
        free(mabs);
        free(idx);
        free(labels);
        return xpl__enomem();
    }
    for (size_t k = 0; k < imp->d; k++) {
        if (!imp->rows[k])
            continue;
        xpl__imp_rank(imp, k, mabs, idx);
        size_t shown = xpl__n_shown(imp->p, o.top_k);
        for (size_t r = 0; r < shown; r++)
            xpl__label_set(&labels[r], imp->names[idx[r]], NULL, NULL);
        if (xpl__label_differ(labels, shown, sizeof *labels, NULL)) {
            rc = xpl__enomem();
            break;
        }
        double other = 0, other_mean = 0, top = 0;
        size_t w = 7;
        for (size_t r = 0; r < imp->p; r++) {
            double v = mabs[idx[r]];
            if (r >= shown) {
                other += isfinite(v) ? v : 0;
                double m = imp_mean(imp, k, idx[r]);
                other_mean += isfinite(m) ? m : 0;
            } else {
                size_t nw = xpl__term_width(imp->names[idx[r]]);
                w = nw > w ? nw : w;
            }
            if (isfinite(v) && r < shown && v > top)
                top = v;
        }
        top = fmax(top, other);
        w = w > 40 ? 40 : w < 17 ? 17 : w;
        if (o.color)
            xpl__buf_puts(ob, "\033[1m");
        xpl__buf_puts(ob, "importance");
        char out[280];
        xpl__output_suffix(&o, k, imp->d, out, sizeof out);
        xpl__put_label_text(ob, out);
        xpl__buf_printf(ob, " (%s, %llu row%s", method_of(imp),
                        (unsigned long long)imp->rows[k],
                        imp->rows[k] == 1 ? "" : "s");
        if (xpl__unit(&o)) {
            xpl__buf_puts(ob, ", ");
            xpl__put_label_text(ob, o.unit);
        }
        xpl__buf_putc(ob, ')');
        if (o.color)
            xpl__buf_puts(ob, "\033[0m");
        xpl__buf_puts(ob, "\n  ");
        xpl__put_cell(ob, "feature", w, 0);
        xpl__buf_puts(ob, "  mean |contribution|  mean contribution\n");
        char a[XPL__NUM_SIZE], b[XPL__NUM_SIZE], label[64];
        for (size_t r = 0; r <= shown && r < imp->p; r++) {
            double va, vm;
            const xpl__label *name;
            if (r == shown) {
                snprintf(label, sizeof label, "other %zu features",
                         imp->p - shown);
                xpl__label_set(&labels[r], label, NULL, NULL);
                name = &labels[r];
                va = other;
                vm = other_mean;
            } else {
                name = &labels[r];
                va = mabs[idx[r]];
                vm = imp_mean(imp, k, idx[r]);
            }
            xpl__fmt_num(a, va, 3, 0);
            xpl__fmt_num(b, vm, 3, XPL__NUM_PLUS);
            xpl__buf_puts(ob, "  ");
            xpl__put_label(ob, name, w);
            xpl__buf_puts(ob, "  ");
            xpl__put_cell(ob, a, 19, 1);
            xpl__buf_puts(ob, "  ");
            xpl__put_cell(ob, b, 17, 1);
            xpl__text_bar(ob, va, 0, top, o.color);
            xpl__buf_putc(ob, '\n');
        }
        xpl__buf_putc(ob, '\n');
    }
    free(mabs);
    free(idx);
    free(labels);
    return rc;
}

static int imp_json(xpl__buf *ob, const xpl_importance *imp,
                    const xpl_render_options *opts)
{
    (void)opts;
    for (size_t k = 0; k < imp->d; k++) {
        if (!imp->rows[k])
            continue;
        xpl__buf_puts(ob, "{\"output\":");
        xpl__buf_uint(ob, k);
        xpl__buf_puts(ob, ",\"method\":");
        xpl__json_string(ob, imp->method);
        xpl__buf_puts(ob, ",\"rows\":");
        xpl__buf_uint(ob, imp->rows[k]);
        xpl__buf_puts(ob, ",\"features\":[");
        for (size_t j = 0; j < imp->p; j++) {
            xpl__buf_puts(ob, j ? ",{\"name\":" : "{\"name\":");
            xpl__json_string(ob, imp->names[j]);
            xpl__buf_puts(ob, ",\"mean_abs_contribution\":");
            xpl__json_number(ob, xpl__imp_mean_abs(imp, k, j));
            xpl__buf_puts(ob, ",\"mean_contribution\":");
            xpl__json_number(ob, imp_mean(imp, k, j));
            xpl__buf_putc(ob, '}');
        }
        xpl__buf_putc(ob, ']');
        if (imp->inter_abs) {
            /* features in model order, as "features" lists them */
            xpl__buf_puts(ob, ",\"mean_abs_interactions\":[");
            for (size_t i = 0; i < imp->p; i++) {
                xpl__buf_puts(ob, i ? ",[" : "[");
                for (size_t j = 0; j < imp->p; j++) {
                    xpl__buf_puts(ob, j ? "," : "");
                    xpl__json_number(ob, xpl__imp_mean_abs_inter(imp, k, i, j));
                }
                xpl__buf_putc(ob, ']');
            }
            xpl__buf_putc(ob, ']');
        }
        xpl__buf_puts(ob, "}\n");
    }
    return XPL_OK;
}

static int imp_csv(xpl__buf *ob, const xpl_importance *imp,
                   const xpl_render_options *opts)
{
    (void)opts;
    xpl__buf_puts(ob, "output,feature,rows,mean_abs_contribution,"
                      "mean_contribution\n");
    for (size_t k = 0; k < imp->d; k++) {
        if (!imp->rows[k])
            continue;
        for (size_t j = 0; j < imp->p; j++) {
            xpl__buf_uint(ob, k);
            xpl__buf_putc(ob, ',');
            xpl__csv_field(ob, imp->names[j]);
            xpl__buf_putc(ob, ',');
            xpl__buf_uint(ob, imp->rows[k]);
            xpl__buf_putc(ob, ',');
            xpl__csv_number(ob, xpl__imp_mean_abs(imp, k, j));
            xpl__buf_putc(ob, ',');
            xpl__csv_number(ob, imp_mean(imp, k, j));
            xpl__buf_putc(ob, '\n');
        }
    }
    return XPL_OK;
}

/* The tables are built in memory and written whole: no stdio call per
 * piece (render/buf.h). */
static int to_file(FILE *fp, const xpl_importance *imp,
                   const xpl_render_options *opts, const char *fn,
                   int (*render)(xpl__buf *, const xpl_importance *,
                                 const xpl_render_options *))
{
    if (!imp)
        return xpl__error(XPL_EINVAL, "%s: accumulator is NULL", fn);
    int rc = xpl__stream_check(fp, fn);
    if (rc)
        return rc;
    xpl__buf b;
    xpl__buf_init(&b, NULL, 0);
    rc = render(&b, imp, opts);
    if (!rc)
        rc = xpl__buf_write(&b, fp, fn);
    xpl__buf_free(&b);
    return rc;
}

int xpl_importance_render_text(FILE *fp, const xpl_importance *imp,
                               const xpl_render_options *opts)
{
    static const char fn[] = "xpl_importance_render_text";
    int rc;
    if (imp && fp && ((rc = xpl__options_check(opts, fn)) ||
                      (rc = xpl__imp_any_rows(imp, fn))))
        return rc;
    return to_file(fp, imp, opts, fn, imp_text);
}

int xpl_importance_render_json(FILE *fp, const xpl_importance *imp)
{
    return to_file(fp, imp, NULL, "xpl_importance_render_json", imp_json);
}

int xpl_importance_render_csv(FILE *fp, const xpl_importance *imp)
{
    return to_file(fp, imp, NULL, "xpl_importance_render_csv", imp_csv);
}
