/* model.bin: writing a model into bytes (xpl_model_serialize). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/crc32.h"
#include "core/error.h"
#include "data/category_names.h"
#include "data/dataset_internal.h"
#include "data/stats_internal.h"
#include "models/linear.h"
#include "models/linear_trees.h"
#include "models/model_bin.h"
#include "models/model_internal.h"
#include "models/tree_section.h"
#include "models/trees.h"

/* Everything the reader checks is checked here too, so a file that was
 * written can always be read back. The objects' constructors already
 * guarantee most of it; this catches the rest (UTF-8 names) and any future
 * constructor that is less strict. */
static int check_writable(const xpl_model *m)
{
    if (m->family == XPL__FAMILY_CUSTOM)
        return xpl__error(XPL_EUNSUPPORTED, "model \"%s\" wraps a user "
                          "callback: only built-in models can be saved",
                          xpl_model_kind(m));
    if ((unsigned)m->link > XPL_LINK_SIGNED_SQUARE)
        return xpl__error(XPL_EINVAL, "cannot save: unknown link %d",
                          (int)m->link);
    for (size_t j = 0; j < m->n_features; j++) {
        size_t len = strlen(m->feature_names[j]);
        if (len == 0 || len > XPL_MAX_NAME_LENGTH ||
            !xpl__utf8_valid(m->feature_names[j], len))
            return xpl__error(XPL_EINVAL, "cannot save: the name of feature "
                              "%zu is empty, too long or not valid UTF-8", j);
    }
    /* Tree ensembles are fully validated by their builder; linear leaves
     * come from a reader that may not have checked every number. */
    const xpl__linear_leaves *leaves = xpl__linear_trees_leaves(m);
    for (size_t i = 0; leaves && i < leaves->n_leaves; i++)
        if (!isfinite(leaves->leaf_const[i]) ||
            !isfinite(leaves->leaf_value[i]))
            return xpl__error(XPL_EINVAL, "cannot save: linear leaf %zu is "
                              "not finite", i);
    for (size_t i = 0; leaves && i < leaves->n_terms; i++)
        if (!isfinite(leaves->coeff[i]))
            return xpl__error(XPL_EINVAL, "cannot save: a linear leaf's "
                              "coefficient is not finite");
    const xpl__linear *lin = xpl__linear_params(m);
    for (size_t k = 0; lin && k < m->n_outputs; k++)
        if (!isfinite(lin->intercept[k]))
            return xpl__error(XPL_EINVAL, "cannot save: intercept %zu is not "
                              "finite", k);
    for (size_t i = 0; lin && i < m->n_outputs * m->n_features; i++)
        if (!isfinite(lin->coef[i]))
            return xpl__error(XPL_EINVAL, "cannot save: a coefficient is not "
                              "finite");

    const xpl_dataset *bg = m->background;
    if (bg) {
        if (bg->n_cols != m->n_features || bg->n_rows == 0 ||
            bg->n_rows > XPL_MAX_ROWS)
            return xpl__error(XPL_EINVAL, "cannot save: the background has "
                              "%zu rows and %zu columns", bg->n_rows,
                              bg->n_cols);
        for (size_t i = 0; bg->w && i < bg->n_rows; i++)
            if (!(isfinite(bg->w[i]) && bg->w[i] >= 0))
                return xpl__error(XPL_EINVAL, "cannot save: background "
                                  "weight %zu is negative or not finite", i);
    }
    const xpl_stats *s = m->stats;
    if (s) {
        if (s->n_features != m->n_features || s->n_quantiles > UINT32_MAX)
            return xpl__error(XPL_EINVAL, "cannot save: statistics of %zu "
                              "features with %zu quantiles", s->n_features,
                              s->n_quantiles);
        for (size_t q = 0; q < s->n_quantiles; q++)
            if (!(s->probs[q] >= 0 && s->probs[q] <= 1) ||
                (q > 0 && !(s->probs[q] > s->probs[q - 1])))
                return xpl__error(XPL_EINVAL, "cannot save: quantile "
                                  "probabilities must increase strictly "
                                  "within [0, 1]");
    }
    return XPL_OK;
}

/* Write a section header with a placeholder length; returns where the
 * length goes, for end_section to fill in once the payload is written. */
static size_t begin_section(xpl__writer *w, uint32_t type, uint32_t flags)
{
    xpl__put_u32(w, type);
    xpl__put_u32(w, flags);
    size_t at = w->size;
    xpl__put_u64(w, 0);
    return at;
}

static void end_section(xpl__writer *w, size_t length_at)
{
    xpl__patch_u64(w, length_at, (uint64_t)(w->size - length_at - 8));
}

static void put_f64s(xpl__writer *w, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xpl__put_f64(w, v[i]);
}

static void write_model(xpl__writer *w, const xpl_model *m)
{
    size_t at = begin_section(w, SEC_MODEL, 0);
    xpl__put_u32(w, (uint32_t)m->family);
    xpl__put_u32(w, (uint32_t)m->link);
    xpl__put_u64(w, m->n_features);
    xpl__put_u64(w, m->n_outputs);
    for (size_t j = 0; j < m->n_features; j++)
        xpl__put_string(w, m->feature_names[j], strlen(m->feature_names[j]));
    end_section(w, at);
}

static void write_linear(xpl__writer *w, const xpl__linear *lin)
{
    size_t at = begin_section(w, SEC_LINEAR, 0);
    put_f64s(w, lin->intercept, lin->n_outputs);
    put_f64s(w, lin->coef, lin->n_outputs * lin->n_features);
    end_section(w, at);
}

static void write_trees(xpl__writer *w, const xpl__ensemble *e)
{
    size_t at = begin_section(w, SEC_TREES, 0);
    xpl__tree_section_write(w, e);
    end_section(w, at);
}

/* LightGBM's linear leaves: per tree its number of leaves, then per leaf
 * the constant, the value used when a term's feature is missing, and the
 * terms (feature, coefficient). */
static void write_linear_leaves(xpl__writer *w, const xpl__linear_leaves *l)
{
    size_t at = begin_section(w, SEC_LINEAR_LEAVES, 0);
    xpl__put_u64(w, l->n_trees);
    for (size_t t = 0; t < l->n_trees; t++)
        xpl__put_u64(w, l->leaf_start[t + 1] - l->leaf_start[t]);
    for (size_t i = 0; i < l->n_leaves; i++) {
        xpl__put_f64(w, l->leaf_const[i]);
        xpl__put_f64(w, l->leaf_value[i]);
        xpl__put_u32(w, (uint32_t)(l->term_start[i + 1] - l->term_start[i]));
        for (size_t k = l->term_start[i]; k < l->term_start[i + 1]; k++) {
            xpl__put_u32(w, l->feature[k]);
            xpl__put_f64(w, l->coeff[k]);
        }
    }
    end_section(w, at);
}

static void write_background(xpl__writer *w, const xpl_dataset *bg)
{
    size_t at = begin_section(w, SEC_BACKGROUND, SEC_OPTIONAL);
    xpl__put_u64(w, bg->n_rows);
    xpl__put_u8(w, bg->w ? 1 : 0);
    put_f64s(w, bg->x, bg->n_rows * bg->n_cols);
    if (bg->w)
        put_f64s(w, bg->w, bg->n_rows);
    end_section(w, at);
}

static void write_stats(xpl__writer *w, const xpl_stats *s)
{
    size_t at = begin_section(w, SEC_STATS, SEC_OPTIONAL);
    xpl__put_u32(w, (uint32_t)s->n_quantiles);
    put_f64s(w, s->probs, s->n_quantiles);
    for (size_t j = 0; j < s->n_features; j++) {
        const xpl_feature_stats *f = &s->feature[j];
        xpl__put_u64(w, f->n);
        xpl__put_u64(w, f->n_missing);
        xpl__put_f64(w, f->mean);
        xpl__put_f64(w, f->std);
        xpl__put_f64(w, f->min);
        xpl__put_f64(w, f->max);
        put_f64s(w, s->quantiles + j * s->n_quantiles, s->n_quantiles);
    }
    end_section(w, at);
}

/* Features with category names: u32 count, then per feature (increasing)
 * u32 index, u32 n, n strings. */
static void write_categories(xpl__writer *w, const xpl_model *m)
{
    size_t at = begin_section(w, SEC_CATEGORIES, SEC_OPTIONAL);
    uint32_t count = 0;
    for (size_t j = 0; j < m->n_features; j++)
        count += m->categories[j] != NULL;
    xpl__put_u32(w, count);
    for (size_t j = 0; j < m->n_features; j++) {
        const xpl__catnames *c = m->categories[j];
        if (!c)
            continue;
        xpl__put_u32(w, (uint32_t)j);
        xpl__put_u32(w, (uint32_t)c->n);
        for (size_t k = 0; k < c->n; k++)
            xpl__put_string(w, c->names[k], strlen(c->names[k]));
    }
    end_section(w, at);
}

static int has_categories(const xpl_model *m)
{
    for (size_t j = 0; m->categories && j < m->n_features; j++)
        if (m->categories[j])
            return 1;
    return 0;
}

int xpl_model_serialize(const xpl_model *m, void **out, size_t *size)
{
    if (!m || !out || !size)
        return xpl__error(XPL_EINVAL, "xpl_model_serialize: NULL argument");
    int rc = check_writable(m);
    if (rc)
        return rc;

    xpl__writer w;
    xpl__writer_init(&w);
    xpl__put_bytes(&w, XPL__MODEL_BIN_MAGIC, XPL__MODEL_BIN_MAGIC_SIZE);
    xpl__put_u16(&w, BIN_MAJOR);
    /* The smallest version that defines what the file holds: 1.2 for
     * linear trees (family 3; a 1.1 reader refuses them as newer, where
     * reading the routing trees alone would mispredict), 1.1 with category
     * names (a 1.0 reader skips that optional section), else 1.0. */
    int linear_trees = m->family == XPL__FAMILY_LINEAR_TREES;
    xpl__put_u16(&w, linear_trees ? 2 : has_categories(m) ? 1 : 0);
    xpl__put_u32(&w, 0);
    write_model(&w, m);
    if (m->family == XPL__FAMILY_LINEAR) {
        write_linear(&w, xpl__linear_params(m));
    } else if (linear_trees) {
        write_trees(&w, xpl__linear_trees_routing(m));
        write_linear_leaves(&w, xpl__linear_trees_leaves(m));
    } else {
        write_trees(&w, xpl__trees_params(m));
    }
    if (m->background)
        write_background(&w, m->background);
    if (m->stats)
        write_stats(&w, m->stats);
    if (has_categories(m))
        write_categories(&w, m);
    if (!w.failed)
        xpl__put_u32(&w, xpl__crc32(0, w.data, w.size));

    size_t n;
    unsigned char *data = xpl__writer_take(&w, &n);
    if (!data)
        return xpl__enomem();
    *out = data;
    *size = n;
    return XPL_OK;
}

