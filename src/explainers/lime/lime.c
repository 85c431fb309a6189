/* LIME tabular: the explainer object (options, the training data's
 * summary, the kernel) and the conditions that label its features.
 * lime_row.c explains a row; lime_sample.c draws the samples;
 * lime_train.c summarises the training data, lime_fit.c fits. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "explainers/lime/lime_object.h"
#include "explainers/new_args.h"
#include "models/model_internal.h"

/* --------------------------------------------------------- construction */

static int check_options(const xpl_lime_options *o, const xpl_model *m)
{
    size_t P = xpl_model_n_features(m);
    if (P > XPL_LIME_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "LIME: the model has %zu features; at "
                          "most %zu are supported", P, XPL_LIME_MAX_FEATURES);
    if (o->version != XPL_LIME_OPTIONS_VERSION)
        return xpl__error(XPL_EINVAL, "LIME options: version %u is not "
                          "supported (expected %u: initialise with "
                          "XPL_LIME_OPTIONS_INIT)", o->version,
                          XPL_LIME_OPTIONS_VERSION);
    if (o->num_samples < 2)
        return xpl__error(XPL_EINVAL, "LIME: num_samples must be at least 2, "
                          "not %zu", o->num_samples);
    if (o->num_samples > XPL_LIME_MAX_SAMPLES)
        return xpl__error(XPL_ELIMIT, "LIME: num_samples %zu exceeds the "
                          "limit of %zu", o->num_samples,
                          XPL_LIME_MAX_SAMPLES);
    if (o->num_features > P)
        return xpl__error(XPL_EINVAL, "LIME: num_features %zu exceeds the "
                          "model's %zu features", o->num_features, P);
    if (!(o->kernel_width >= 0) || isinf(o->kernel_width))
        return xpl__error(XPL_EINVAL, "LIME: the kernel width must be a "
                          "finite number > 0 (or 0 for the default), not %g",
                          o->kernel_width);
    if (o->discretizer != XPL_LIME_QUARTILE &&
        o->discretizer != XPL_LIME_DECILE && o->discretizer != XPL_LIME_NONE)
        return xpl__error(XPL_EINVAL, "LIME: unknown discretizer %d",
                          (int)o->discretizer);
    if ((unsigned)o->feature_selection > (unsigned)XPL_LIME_SELECT_NONE)
        return xpl__error(XPL_EINVAL, "LIME: unknown feature selection %d",
                          (int)o->feature_selection);
    if (o->n_categorical > 0 && !o->categorical)
        return xpl__error(XPL_EINVAL, "LIME: n_categorical is %zu but "
                          "categorical is NULL", o->n_categorical);
    for (size_t i = 0; i < o->n_categorical; i++) {
        if (o->categorical[i] >= P)
            return xpl__error(XPL_EINVAL, "LIME: categorical feature index "
                              "%zu is out of range (%zu features)",
                              o->categorical[i], P);
        for (size_t k = 0; k < i; k++)
            if (o->categorical[k] == o->categorical[i])
                return xpl__error(XPL_EINVAL, "LIME: categorical feature "
                                  "index %zu is listed twice",
                                  o->categorical[i]);
    }
    if (o->model_output != XPL_LIME_AUTO &&
        o->model_output != XPL_OUTPUT_RAW &&
        o->model_output != XPL_OUTPUT_PROBABILITY &&
        o->model_output != XPL_OUTPUT_RESPONSE)
        return xpl__error(XPL_EINVAL, "LIME: unknown model output %d",
                          o->model_output);
    if (o->model_output == XPL_OUTPUT_PROBABILITY &&
        !xpl_model_is_classifier(m))
        return xpl__error(XPL_EINVAL, "LIME: probability output needs a "
                          "classifier; this model's link is %s",
                          xpl_link_name(xpl_model_link(m)));
    if (o->class_index < XPL_LIME_AUTO)
        return xpl__error(XPL_EINVAL, "LIME: class_index must be >= 0 or "
                          "XPL_LIME_AUTO, not %d", o->class_index);
    if (o->repeats < 1)
        return xpl__error(XPL_EINVAL, "LIME: repeats must be at least 1");
    if (o->repeats > XPL_LIME_MAX_REPEATS)
        return xpl__error(XPL_ELIMIT, "LIME: repeats %u exceeds the limit of "
                          "%u", o->repeats, XPL_LIME_MAX_REPEATS);
    if (o->sample_around_instance != 0 && o->sample_around_instance != 1)
        return xpl__error(XPL_EINVAL, "LIME: sample_around_instance must be "
                          "0 or 1");
    if (o->label_decimals < 0 || o->label_decimals > 17)
        return xpl__error(XPL_EINVAL, "LIME: label_decimals must be in 0..17, "
                          "not %d", o->label_decimals);
    return XPL_OK;
}

void xpl_lime_free(xpl_lime *lime)
{
    if (!lime)
        return;
    xpl__lime_train_free(&lime->t);
    free(lime->wtab);
    free(lime->draw);
    free(lime->all_point);
    free(lime->categorical);
    free(lime);
}

int xpl_lime_new(xpl_lime **out, const xpl_model *m,
                 const xpl_dataset *training, const xpl_lime_options *opts)
{
    XPL__EXPLAINER_NEW_ARGS("xpl_lime_new", out, m);
    xpl_lime_options defaults = XPL_LIME_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    int rc = check_options(opts, m);
    if (rc)
        return rc;
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    xpl_output output = opts->model_output == XPL_LIME_AUTO
                            ? (xpl_model_is_classifier(m)
                                   ? XPL_OUTPUT_PROBABILITY
                                   : XPL_OUTPUT_RAW)
                            : (xpl_output)opts->model_output;
    int binary_single = output == XPL_OUTPUT_PROBABILITY && D == 1;
    int n_classes = binary_single ? 2 : (int)D;
    if (opts->class_index >= n_classes)
        return xpl__error(XPL_EINVAL, "LIME: class %d is out of range (the "
                          "explained output has %d %s)", opts->class_index,
                          n_classes,
                          output == XPL_OUTPUT_PROBABILITY ? "classes"
                                                           : "outputs");
    int classifier = xpl_model_is_classifier(m);

    xpl_lime *l = calloc(1, sizeof *l);
    if (!l)
        return xpl__enomem();
    l->model = m;
    l->opts = *opts;
    l->P = P;
    l->D = D;
    l->output = output;
    l->n_classes = n_classes;
    l->binary_single = binary_single;
    l->auto_argmax = classifier && n_classes > 2;
    unsigned char *is_cat = xpl__calloc_array(P, 1);
    l->categorical = xpl__malloc_array(opts->n_categorical + 1,
                                       sizeof *l->categorical);
    if (!is_cat || !l->categorical) {
        free(is_cat);
        xpl_lime_free(l);
        return xpl__enomem();
    }
    for (size_t i = 0; i < opts->n_categorical; i++) {
        l->categorical[i] = opts->categorical[i];
        is_cat[opts->categorical[i]] = 1;
    }
    l->opts.categorical = opts->n_categorical ? l->categorical : NULL;
    if (l->opts.num_features == 0)
        l->opts.num_features = P < 10 ? P : 10;
    if (l->opts.kernel_width == 0)
        l->opts.kernel_width = 0.75 * sqrt((double)P);
    l->inv_w2 = 1 / (l->opts.kernel_width * l->opts.kernel_width);
    xpl__lime_zig_init(&l->zig);
    xpl__lime_qtable_init(&l->qt);
    l->sample = xpl__lime_pick_sampler();
    rc = xpl__lime_train_build(&l->t, m, training, is_cat, opts->discretizer);
    free(is_cat);
    if (rc) {
        xpl_lime_free(l);
        return rc;
    }
    l->binary = 1;
    for (size_t j = 0; j < P; j++)
        l->binary &= l->t.f[j].kind != XPL__LIME_ZSCORE;
    l->wtab = xpl__malloc_array(P + 1, sizeof *l->wtab);
    if (!l->wtab) {
        xpl_lime_free(l);
        return xpl__enomem();
    }
    for (size_t d = 0; d <= P; d++)
        l->wtab[d] = sqrt(exp(-(double)d * l->inv_w2));
    size_t nbins = 0;
    for (size_t j = 0; j < P; j++)
        if (l->t.f[j].kind != XPL__LIME_ZSCORE &&
            l->t.f[j].first + l->t.f[j].n_bins > nbins)
            nbins = l->t.f[j].first + l->t.f[j].n_bins;
    l->draw = xpl__malloc_array(nbins + 1, sizeof *l->draw);
    l->all_point = xpl__calloc_array(P, 1);
    if (!l->draw || !l->all_point) {
        xpl_lime_free(l);
        return xpl__enomem();
    }
    for (size_t j = 0; j < P; j++) {
        const xpl__lime_feature *f = &l->t.f[j];
        if (f->kind == XPL__LIME_ZSCORE)
            continue;
        l->all_point[j] = 1;
        for (size_t q = f->first; q < f->first + f->n_bins; q++) {
            const xpl__lime_bin *b = &l->t.bins[q];
            draw_bin *d = &l->draw[q];
            d->cum = b->cum;
            d->c0 = b->c0;
            if (b->point) {
                d->pa = 0.25;
                d->slope = 0;
                d->mean = d->lo = d->hi = b->value;
                d->std = 0;
            } else {
                d->pa = b->pa;
                d->slope = b->slope;
                d->mean = b->mean;
                d->std = b->std;
                d->lo = b->lo;
                d->hi = b->hi;
            }
            l->all_point[j] &= b->point != 0;
        }
    }
    *out = l;
    return XPL_OK;
}

size_t xpl_lime_n_features(const xpl_lime *lime)
{
    return lime ? lime->P : 0;
}

const xpl_lime_options *xpl_lime_options_used(const xpl_lime *lime)
{
    return lime ? &lime->opts : NULL;
}

/* --------------------------------------------------------------- labels */

/* Shortest %g text that reads back as v. */
static void shortest(double v, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int xpl_lime_condition(const xpl_lime *l, const double *x, size_t j,
                       char *buf, size_t size)
{
    if (!l || !x)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: NULL argument");
    if (j >= l->P)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: feature %zu is "
                          "out of range (%zu features)", j, l->P);
    if (!buf && size > 0)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: buf is NULL");
    const xpl__lime_feature *f = &l->t.f[j];
    const char *name = xpl_model_feature_name(l->model, j);
    int dec = l->opts.label_decimals, n;
    char tmp[1];
    if (!buf) {
        buf = tmp;
        size = 0;
    }
    if (f->kind == XPL__LIME_BINS) {
        if (isnan(x[j]))
            return xpl__error(XPL_EINVAL, "xpl_lime_condition: feature \"%s\" "
                              "is missing", name);
        const double *e = l->t.edges + f->first_edge;
        size_t b = xpl__lime_bin_of(&l->t, j, x[j]), ne = f->n_bins - 1;
        if (b == 0)
            n = snprintf(buf, size, "%s <= %.*f", name, dec, e[0]);
        else if (b == ne)
            n = snprintf(buf, size, "%s > %.*f", name, dec, e[ne - 1]);
        else
            n = snprintf(buf, size, "%.*f < %s <= %.*f", dec, e[b - 1], name,
                         dec, e[b]);
    } else if (f->kind == XPL__LIME_CATEGORY) {
        /* A code the model names is shown by its name (color=red); other
         * values as numbers. */
        char v[40];
        const char *const *names = xpl_model_category_names(l->model, j);
        double c = x[j];
        if (names && c >= 0 && c < (double)xpl_model_n_categories(l->model, j)
            && c == floor(c)) {
            n = snprintf(buf, size, "%s=%s", name, names[(size_t)c]);
        } else {
            shortest(x[j], v, sizeof v);
            n = snprintf(buf, size, "%s=%s", name, v);
        }
    } else {
        n = snprintf(buf, size, "%s", name);
    }
    if (n < 0)
        return xpl__error(XPL_EINVAL, "xpl_lime_condition: cannot format the "
                          "label");
    return n;
}
