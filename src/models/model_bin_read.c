/* model.bin: reading bytes into a model (xpl_model_load dispatches here). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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

/* What has been read so far; sections may come in any order after MODEL, so
 * the model is built only once every section has been read. */
struct bin {
    const char *name;
    uint16_t minor;
    uint32_t family;
    xpl_link link;
    size_t n_features;
    size_t n_outputs;
    char **names;   /* n_features, NULL entries until read */
    double *intercept;
    double *coef;
    int have_trees;
    xpl__owned_ensemble trees;
    size_t bg_rows;
    double *bg_x;
    double *bg_w;
    xpl_stats *stats;
    xpl__catnames **cats; /* n_features, or NULL */
    int have_leaves;
    xpl__linear_leaves leaves; /* family 3 */
};

static void bin_free(struct bin *b)
{
    if (b->names)
        for (size_t j = 0; j < b->n_features; j++)
            free(b->names[j]);
    free(b->names);
    free(b->intercept);
    free(b->coef);
    xpl__owned_ensemble_free(&b->trees);
    free(b->bg_x);
    free(b->bg_w);
    xpl_stats_free(b->stats);
    for (size_t j = 0; b->cats && j < b->n_features; j++)
        xpl__catnames_free(b->cats[j]);
    free(b->cats);
    xpl__linear_leaves_free(&b->leaves);
}

/* Something that version 1.0 does not define. If the file says it is a
 * newer 1.x, a newer library may well read it: report a version problem
 * rather than corruption. */
static int undefined(const struct bin *b, const xpl__reader *r, size_t at,
                     const char *fmt, ...) XPL__PRINTF(4, 5);

static int undefined(const struct bin *b, const xpl__reader *r, size_t at,
                     const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (b->minor > BIN_MINOR)
        return xpl__reader_error(r, at, XPL_EVERSION, "%s: the file is "
                                 "model.bin %d.%u, this library reads up to "
                                 "%d.%d", msg, BIN_MAJOR, (unsigned)b->minor,
                                 BIN_MAJOR, BIN_MINOR);
    return xpl__reader_error(r, at, XPL_EFORMAT, "%s", msg);
}

static int read_f64s(xpl__reader *r, double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = xpl__get_f64(r, &v[i]);
        if (rc)
            return rc;
    }
    return XPL_OK;
}

/* A count of the model's `what` (features, outputs): at least 1, at most
 * limit. */
static int get_model_count(xpl__reader *r, uint64_t *n, const char *what,
                           size_t limit)
{
    size_t at = r->pos;
    int rc = xpl__get_u64(r, n);
    if (rc)
        return rc;
    if (*n == 0)
        return xpl__reader_error(r, at, XPL_EFORMAT, "the model has no %s",
                                 what);
    if (*n > limit)
        return xpl__reader_error(r, at, XPL_ELIMIT, "%llu %s: more than the "
                                 "limit %zu", (unsigned long long)*n, what,
                                 limit);
    return XPL_OK;
}

static int read_model(struct bin *b, xpl__reader *r)
{
    size_t at = r->pos;
    uint32_t family, link;
    int rc = xpl__get_u32(r, &family);
    if (rc)
        return rc;
    if (family != XPL__FAMILY_LINEAR && family != XPL__FAMILY_TREES &&
        !(family == XPL__FAMILY_LINEAR_TREES && b->minor >= 2))
        return undefined(b, r, at, "unknown model family %lu%s",
                         (unsigned long)family,
                         family == XPL__FAMILY_LINEAR_TREES
                             ? " (linear trees need model.bin 1.2)"
                             : "");
    b->family = family;

    size_t link_at = r->pos;
    if ((rc = xpl__get_u32(r, &link)))
        return rc;
    if (link > XPL_LINK_SIGNED_SQUARE)
        return undefined(b, r, link_at, "unknown link %lu",
                         (unsigned long)link);
    b->link = (xpl_link)link;

    uint64_t n_features, n_outputs;
    if ((rc = get_model_count(r, &n_features, "features", XPL_MAX_FEATURES)) ||
        (rc = get_model_count(r, &n_outputs, "outputs", XPL_MAX_OUTPUTS)))
        return rc;
    if (b->link == XPL_LINK_SOFTMAX && n_outputs < 2)
        return xpl__reader_error(r, link_at, XPL_EFORMAT, "the softmax "
                                 "link needs at least 2 outputs, the model "
                                 "has 1");

    if ((rc = xpl__reader_need(r, n_features, MIN_NAME_BYTES,
                               "feature names")))
        return rc;
    b->names = calloc((size_t)n_features, sizeof *b->names);
    if (!b->names)
        return xpl__enomem();
    b->n_features = (size_t)n_features;
    b->n_outputs = (size_t)n_outputs;
    for (size_t j = 0; j < b->n_features; j++)
        if ((rc = xpl__get_string(r, XPL_MAX_NAME_LENGTH, &b->names[j])))
            return rc;
    return XPL_OK;
}

static int read_linear(struct bin *b, xpl__reader *r)
{
    if (b->family != XPL__FAMILY_LINEAR)
        return xpl__reader_error(r, r->pos, XPL_EFORMAT, "LINEAR section in "
                                 "a model of family %lu",
                                 (unsigned long)b->family);
    size_t n_coef;
    /* Both counts are within the limits, so this cannot overflow a 64-bit
     * size_t; on a 32-bit one it can, and the product is then too big to
     * be in memory anyway. */
    if (!xpl__mul_ok(b->n_features, b->n_outputs, &n_coef))
        return xpl__reader_error(r, r->pos, XPL_ELIMIT, "too many "
                                 "coefficients for this machine");
    int rc = xpl__reader_need(r, (uint64_t)b->n_outputs + n_coef, 8,
                              "intercepts and coefficients");
    if (rc)
        return rc;
    b->intercept = xpl__malloc_array(b->n_outputs, sizeof(double));
    b->coef = xpl__malloc_array(n_coef, sizeof(double));
    if (!b->intercept || !b->coef)
        return xpl__enomem();
    size_t at = r->pos;
    if ((rc = read_f64s(r, b->intercept, b->n_outputs)))
        return rc;
    for (size_t k = 0; k < b->n_outputs; k++)
        if (!isfinite(b->intercept[k]))
            return xpl__reader_error(r, at + 8 * k, XPL_EFORMAT, "intercept "
                                     "%zu is not finite", k);
    at = r->pos;
    if ((rc = read_f64s(r, b->coef, n_coef)))
        return rc;
    for (size_t i = 0; i < n_coef; i++)
        if (!isfinite(b->coef[i]))
            return xpl__reader_error(r, at + 8 * i, XPL_EFORMAT, "coefficient "
                                     "%zu of output %zu is not finite",
                                     i % b->n_features, i / b->n_features);
    return XPL_OK;
}

static int read_trees(struct bin *b, xpl__reader *r)
{
    if (b->family != XPL__FAMILY_TREES &&
        b->family != XPL__FAMILY_LINEAR_TREES)
        return xpl__reader_error(r, r->pos, XPL_EFORMAT, "TREES section in "
                                 "a model of family %lu",
                                 (unsigned long)b->family);
    b->have_trees = 1;
    return xpl__tree_section_read(r, b->n_features, b->n_outputs, &b->trees);
}

/* LINEAR_LEAVES (family 3): u64 n_trees, n_trees x u64 leaves, then per
 * leaf f64 constant, f64 value without terms, u32 n_terms, n_terms x (u32
 * feature, f64 coefficient). The trees' routing (TREES) numbers each
 * tree's leaves; the model's builder checks the two agree. */
enum { LEAF_MIN_BYTES = 20, TERM_BYTES = 12 };

static int read_leaf(struct bin *b, xpl__reader *r, size_t i,
                     size_t *n_terms, size_t *cap)
{
    xpl__linear_leaves *l = &b->leaves;
    size_t at = r->pos;
    uint32_t k;
    int rc = xpl__get_f64(r, &l->leaf_const[i]);
    if (!rc)
        rc = xpl__get_f64(r, &l->leaf_value[i]);
    if (!rc)
        rc = xpl__get_u32(r, &k);
    if (rc)
        return rc;
    if (!isfinite(l->leaf_const[i]) || !isfinite(l->leaf_value[i]))
        return xpl__reader_error(r, at, XPL_EFORMAT, "leaf %zu: value not "
                                 "finite", i);
    if ((rc = xpl__reader_need(r, k, TERM_BYTES, "linear terms")))
        return rc;
    if (*n_terms + k > *cap) {
        size_t c = 2 * *cap + k;
        uint32_t *f = realloc(l->feature, c * sizeof *f);
        if (f)
            l->feature = f;
        double *w = f ? realloc(l->coeff, c * sizeof *w) : NULL;
        if (!w)
            return xpl__enomem();
        l->coeff = w;
        *cap = c;
    }
    for (uint32_t t = 0; t < k; t++, (*n_terms)++) {
        at = r->pos;
        if ((rc = xpl__get_u32(r, &l->feature[*n_terms])) ||
            (rc = xpl__get_f64(r, &l->coeff[*n_terms])))
            return rc;
        if (l->feature[*n_terms] >= b->n_features)
            return xpl__reader_error(r, at, XPL_EFORMAT, "leaf %zu: feature "
                                     "%lu of %zu", i,
                                     (unsigned long)l->feature[*n_terms],
                                     b->n_features);
        if (!isfinite(l->coeff[*n_terms]))
            return xpl__reader_error(r, at + 4, XPL_EFORMAT, "leaf %zu: "
                                     "coefficient not finite", i);
    }
    l->term_start[i + 1] = *n_terms;
    return XPL_OK;
}

static int read_linear_leaves(struct bin *b, xpl__reader *r)
{
    if (b->family != XPL__FAMILY_LINEAR_TREES)
        return xpl__reader_error(r, r->pos, XPL_EFORMAT, "LINEAR_LEAVES "
                                 "section in a model of family %lu",
                                 (unsigned long)b->family);
    b->have_leaves = 1;
    xpl__linear_leaves *l = &b->leaves;
    size_t at = r->pos;
    uint64_t n_trees;
    int rc = xpl__get_u64(r, &n_trees);
    if (rc)
        return rc;
    if (n_trees == 0 || n_trees > XPL__MAX_TREES)
        return xpl__reader_error(r, at, n_trees ? XPL_ELIMIT : XPL_EFORMAT,
                                 "%llu trees: expected 1 to %zu",
                                 (unsigned long long)n_trees,
                                 XPL__MAX_TREES);
    if ((rc = xpl__reader_need(r, n_trees, 8, "leaf counts")))
        return rc;
    l->leaf_start = malloc(((size_t)n_trees + 1) * sizeof *l->leaf_start);
    if (!l->leaf_start)
        return xpl__enomem();
    l->n_trees = (size_t)n_trees;
    l->leaf_start[0] = 0;
    for (size_t t = 0; t < l->n_trees; t++) {
        uint64_t n;
        at = r->pos;
        if ((rc = xpl__get_u64(r, &n)))
            return rc;
        /* checked against the bytes left, so the sum cannot overflow */
        if (n == 0 || n > xpl__reader_left(r) / LEAF_MIN_BYTES)
            return xpl__reader_error(r, at, XPL_EFORMAT, "tree %zu: %llu "
                                     "leaves, expected 1 to what the "
                                     "section holds", t,
                                     (unsigned long long)n);
        l->leaf_start[t + 1] = l->leaf_start[t] + (size_t)n;
    }
    size_t n_leaves = l->leaf_start[l->n_trees];
    if ((rc = xpl__reader_need(r, n_leaves, LEAF_MIN_BYTES, "leaves")))
        return rc;
    l->leaf_const = malloc(n_leaves * sizeof *l->leaf_const);
    l->leaf_value = malloc(n_leaves * sizeof *l->leaf_value);
    l->term_start = malloc((n_leaves + 1) * sizeof *l->term_start);
    if (!l->leaf_const || !l->leaf_value || !l->term_start)
        return xpl__enomem();
    l->n_leaves = n_leaves;
    l->term_start[0] = 0;
    size_t n_terms = 0, cap = 0;
    for (size_t i = 0; i < n_leaves; i++)
        if ((rc = read_leaf(b, r, i, &n_terms, &cap)))
            return rc;
    l->n_terms = n_terms;
    return XPL_OK;
}

static int read_background(struct bin *b, xpl__reader *r)
{
    size_t at = r->pos;
    uint64_t n_rows;
    uint8_t has_weights;
    int rc = xpl__get_u64(r, &n_rows);
    if (rc)
        return rc;
    if (n_rows == 0)
        return xpl__reader_error(r, at, XPL_EFORMAT, "the background has no "
                                 "rows");
    if (n_rows > XPL_MAX_ROWS)
        return xpl__reader_error(r, at, XPL_ELIMIT, "%llu background rows: "
                                 "more than the limit %zu",
                                 (unsigned long long)n_rows, XPL_MAX_ROWS);
    at = r->pos;
    if ((rc = xpl__get_u8(r, &has_weights)))
        return rc;
    if (has_weights > 1)
        return xpl__reader_error(r, at, XPL_EFORMAT, "has_weights is %u, "
                                 "expected 0 or 1", (unsigned)has_weights);
    /* n_features <= 2^20, so the row size cannot overflow. */
    uint64_t row_bytes = 8 * (uint64_t)b->n_features + (has_weights ? 8 : 0);
    if ((rc = xpl__reader_need(r, n_rows, row_bytes, "background rows")))
        return rc;
    /* The check above bounds n_rows * n_features by the bytes in memory. */
    size_t n_values = (size_t)n_rows * b->n_features;
    b->bg_x = xpl__malloc_array(n_values, sizeof(double));
    if (!b->bg_x)
        return xpl__enomem();
    b->bg_rows = (size_t)n_rows;
    if ((rc = read_f64s(r, b->bg_x, n_values)))
        return rc;
    if (!has_weights)
        return XPL_OK;
    b->bg_w = xpl__malloc_array(b->bg_rows, sizeof(double));
    if (!b->bg_w)
        return xpl__enomem();
    at = r->pos;
    if ((rc = read_f64s(r, b->bg_w, b->bg_rows)))
        return rc;
    for (size_t i = 0; i < b->bg_rows; i++)
        if (!(isfinite(b->bg_w[i]) && b->bg_w[i] >= 0))
            return xpl__reader_error(r, at + 8 * i, XPL_EFORMAT, "background "
                                     "weight %zu is %g: weights must be "
                                     "finite and non-negative", i,
                                     b->bg_w[i]);
    return XPL_OK;
}

static int read_stats(struct bin *b, xpl__reader *r)
{
    uint32_t n_quantiles;
    int rc = xpl__get_u32(r, &n_quantiles);
    if (rc)
        return rc;
    if ((rc = xpl__reader_need(r, n_quantiles, 8, "quantile probabilities")))
        return rc;
    size_t probs_at = r->pos;
    uint64_t per_feature = STATS_FEATURE_BYTES + 8 * (uint64_t)n_quantiles;
    /* Check the whole section's size before allocating anything: the
     * probabilities, then one record per feature. */
    xpl__reader rest = *r;
    rest.pos += 8 * (size_t)n_quantiles;
    if ((rc = xpl__reader_need(&rest, b->n_features, per_feature,
                               "feature statistics")))
        return rc;

    if ((rc = xpl__stats_alloc(&b->stats, b->n_features, n_quantiles)))
        return rc;
    xpl_stats *s = b->stats;
    if ((rc = read_f64s(r, s->probs, n_quantiles)))
        return rc;
    for (size_t q = 0; q < n_quantiles; q++)
        if (!(s->probs[q] >= 0 && s->probs[q] <= 1) ||
            (q > 0 && !(s->probs[q] > s->probs[q - 1])))
            return xpl__reader_error(r, probs_at + 8 * q, XPL_EFORMAT,
                                     "quantile probability %zu is %g: "
                                     "probabilities must increase strictly "
                                     "within [0, 1]", q, s->probs[q]);
    for (size_t j = 0; j < b->n_features; j++) {
        xpl_feature_stats *f = &s->feature[j];
        if ((rc = xpl__get_u64(r, &f->n)) ||
            (rc = xpl__get_u64(r, &f->n_missing)) ||
            (rc = xpl__get_f64(r, &f->mean)) ||
            (rc = xpl__get_f64(r, &f->std)) ||
            (rc = xpl__get_f64(r, &f->min)) ||
            (rc = xpl__get_f64(r, &f->max)) ||
            (rc = read_f64s(r, s->quantiles + j * s->n_quantiles,
                            n_quantiles)))
            return rc;
    }
    return XPL_OK;
}

static int read_categories(struct bin *b, xpl__reader *r)
{
    size_t at = r->pos;
    uint32_t count;
    int rc = xpl__get_u32(r, &count);
    if (rc)
        return rc;
    if (count == 0 || count > b->n_features)
        return xpl__reader_error(r, at, XPL_EFORMAT, "%lu features with "
                                 "category names: expected 1 to %zu",
                                 (unsigned long)count, b->n_features);
    if ((rc = xpl__reader_need(r, count, 8 + MIN_NAME_BYTES,
                               "features with category names")))
        return rc;
    b->cats = xpl__calloc_array(b->n_features, sizeof *b->cats);
    if (!b->cats)
        return xpl__enomem();
    int64_t last = -1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t j, n;
        at = r->pos;
        if ((rc = xpl__get_u32(r, &j)))
            return rc;
        if (j >= b->n_features || (int64_t)j <= last)
            return xpl__reader_error(r, at, XPL_EFORMAT, "feature %lu: "
                                     "expected a feature index above %lld "
                                     "and below %zu", (unsigned long)j,
                                     (long long)last, b->n_features);
        last = j;
        size_t n_at = r->pos;
        if ((rc = xpl__get_u32(r, &n)))
            return rc;
        if (n == 0 || n > XPL_MAX_CATEGORIES)
            return xpl__reader_error(r, n_at, n ? XPL_ELIMIT : XPL_EFORMAT,
                                     "feature %lu: %lu category names: "
                                     "expected 1 to %zu", (unsigned long)j,
                                     (unsigned long)n, XPL_MAX_CATEGORIES);
        if ((rc = xpl__reader_need(r, n, MIN_NAME_BYTES, "category names")))
            return rc;
        char **names = xpl__calloc_array(n, sizeof *names);
        if (!names)
            return xpl__enomem();
        for (uint32_t k = 0; !rc && k < n; k++)
            rc = xpl__get_string(r, XPL_MAX_NAME_LENGTH, &names[k]);
        if (!rc) {
            char what[64], msg[512];
            snprintf(what, sizeof what, "feature %lu", (unsigned long)j);
            rc = xpl__catnames_new(&b->cats[j], (const char *const *)names,
                                   n, what);
            if (rc) {
                snprintf(msg, sizeof msg, "%s", xpl_last_error());
                rc = xpl__reader_error(r, n_at, rc, "%s", msg);
            }
        }
        for (uint32_t k = 0; k < n; k++)
            free(names[k]);
        free(names);
        if (rc)
            return rc;
    }
    return XPL_OK;
}

struct section_kind {
    uint32_t type;
    uint32_t flags; /* the only flags a valid file may give this type */
    const char *label;
    int (*read)(struct bin *b, xpl__reader *r);
};

static const struct section_kind section_kinds[] = {
    { SEC_MODEL, 0, "MODEL", read_model },
    { SEC_LINEAR, 0, "LINEAR", read_linear },
    { SEC_TREES, 0, "TREES", read_trees },
    { SEC_LINEAR_LEAVES, 0, "LINEAR_LEAVES", read_linear_leaves },
    { SEC_BACKGROUND, SEC_OPTIONAL, "BACKGROUND", read_background },
    { SEC_STATS, SEC_OPTIONAL, "STATS", read_stats },
    { SEC_CATEGORIES, SEC_OPTIONAL, "CATEGORIES", read_categories },
};

#define N_SECTION_KINDS (sizeof section_kinds / sizeof section_kinds[0])

static int read_sections(struct bin *b, xpl__reader *body)
{
    int seen[N_SECTION_KINDS] = { 0 };
    int first = 1;
    while (xpl__reader_left(body) > 0) {
        size_t at = body->pos;
        if (xpl__reader_left(body) < SECTION_HEADER_SIZE)
            return xpl__reader_error(body, at, XPL_EFORMAT, "truncated "
                                     "section header: %d bytes needed, %zu "
                                     "left", SECTION_HEADER_SIZE,
                                     xpl__reader_left(body));
        uint32_t type = 0, flags = 0;
        uint64_t length = 0;
        int rc = xpl__get_u32(body, &type);
        if (!rc)
            rc = xpl__get_u32(body, &flags);
        if (!rc)
            rc = xpl__get_u64(body, &length);
        if (rc)
            return rc;
        if (flags & ~SEC_OPTIONAL)
            return undefined(b, body, at + 4, "section type %lu has "
                             "undefined flags 0x%lx", (unsigned long)type,
                             (unsigned long)flags);
        if (length > xpl__reader_left(body))
            return xpl__reader_error(body, at + 8, XPL_EFORMAT, "section "
                                     "type %lu claims %llu bytes, only %zu "
                                     "left", (unsigned long)type,
                                     (unsigned long long)length,
                                     xpl__reader_left(body));
        xpl__reader payload;
        if ((rc = xpl__reader_sub(body, length, &payload)))
            return rc;

        if (first && type != SEC_MODEL)
            return xpl__reader_error(body, at, XPL_EFORMAT, "the first "
                                     "section must be MODEL (type 1), found "
                                     "type %lu", (unsigned long)type);
        first = 0;
        size_t k = 0;
        while (k < N_SECTION_KINDS && section_kinds[k].type != type)
            k++;
        if (k == N_SECTION_KINDS) {
            if (flags & SEC_OPTIONAL)
                continue;
            return undefined(b, body, at, "unknown required section type %lu",
                             (unsigned long)type);
        }
        const struct section_kind *kind = &section_kinds[k];
        if (flags != kind->flags)
            return xpl__reader_error(body, at + 4, XPL_EFORMAT, "%s section "
                                     "with flags %lu, expected %lu",
                                     kind->label, (unsigned long)flags,
                                     (unsigned long)kind->flags);
        if (seen[k])
            return xpl__reader_error(body, at, XPL_EFORMAT, "a second %s "
                                     "section", kind->label);
        seen[k] = 1;
        if ((rc = kind->read(b, &payload)))
            return rc;
        if (xpl__reader_left(&payload) != 0)
            return xpl__reader_error(&payload, payload.pos, XPL_EFORMAT,
                                     "%zu unexpected bytes at the end of the "
                                     "%s section", xpl__reader_left(&payload),
                                     kind->label);
    }
    if (first)
        return xpl__reader_error(body, body->pos, XPL_EFORMAT, "no MODEL "
                                 "section");
    if (b->family == XPL__FAMILY_LINEAR && !b->coef)
        return xpl__reader_error(body, body->pos, XPL_EFORMAT, "no LINEAR "
                                 "section in a linear model");
    if (b->family != XPL__FAMILY_LINEAR && !b->have_trees)
        return xpl__reader_error(body, body->pos, XPL_EFORMAT, "no TREES "
                                 "section in a tree-ensemble model");
    if (b->family == XPL__FAMILY_LINEAR_TREES && !b->have_leaves)
        return xpl__reader_error(body, body->pos, XPL_EFORMAT, "no "
                                 "LINEAR_LEAVES section in a linear-tree "
                                 "model");
    return XPL_OK;
}

static int build_model(xpl_model **out, struct bin *b)
{
    xpl_model *m;
    int rc;
    if (b->family != XPL__FAMILY_LINEAR) {
        b->trees.spec.feature_names = (const char *const *)b->names;
        b->trees.spec.link = b->link;
        rc = xpl__trees_model_new(&m, &b->trees.spec, b->name);
        if (rc)
            return rc;
        if (b->family == XPL__FAMILY_LINEAR_TREES) {
            xpl_model *routing = m;
            rc = xpl__linear_trees_model_new(&m, routing, &b->leaves);
            if (rc) {
                xpl_model_free(routing);
                return xpl__error_in_file(rc, b->name);
            }
        }
    } else {
        rc = xpl__linear_model_new(&m, b->n_features, b->n_outputs,
                                   (const char *const *)b->names, b->link,
                                   b->intercept, b->coef);
        if (rc)
            return xpl__error_in_file(rc, b->name);
    }
    if (b->bg_x) {
        /* The model copied the names; the background takes the originals. */
        rc = xpl__dataset_adopt(&m->background, b->bg_rows, b->n_features,
                                b->bg_x, b->names, b->bg_w);
        if (rc) {
            xpl_model_free(m);
            return xpl__error_in_file(rc, b->name);
        }
        b->bg_x = NULL;
        b->names = NULL;
        b->bg_w = NULL;
    }
    m->stats = b->stats;
    b->stats = NULL;
    m->categories = b->cats;
    b->cats = NULL;
    *out = m;
    return XPL_OK;
}

int xpl__model_read_bin(xpl_model **out, const unsigned char *data,
                        size_t size, const char *name)
{
    *out = NULL;
    if (!name)
        name = "<buffer>";
    xpl__reader r;
    xpl__reader_init(&r, data, size, name);

    size_t n = size < XPL__MODEL_BIN_MAGIC_SIZE ? size
                                                : XPL__MODEL_BIN_MAGIC_SIZE;
    if (size == 0 || memcmp(data, XPL__MODEL_BIN_MAGIC, n) != 0)
        return xpl__reader_error(&r, 0, XPL_EFORMAT, "not a model.bin file "
                                 "(wrong magic bytes)");
    /* The version comes before the size and checksum checks: a future
     * major version may lay out the rest differently. */
    uint16_t major = 0, minor = 0;
    if (size >= XPL__MODEL_BIN_MAGIC_SIZE + 4) {
        r.pos = XPL__MODEL_BIN_MAGIC_SIZE;
        (void)xpl__get_u16(&r, &major);
        (void)xpl__get_u16(&r, &minor);
        if (major != BIN_MAJOR)
            return xpl__reader_error(&r, XPL__MODEL_BIN_MAGIC_SIZE,
                                     XPL_EVERSION, "model.bin version %u.%u "
                                     "is %s than this library (%d.x)",
                                     (unsigned)major, (unsigned)minor,
                                     major > BIN_MAJOR ? "newer" : "older",
                                     BIN_MAJOR);
    }
    if (size < HEADER_SIZE + TRAILER_SIZE)
        return xpl__reader_error(&r, size, XPL_EFORMAT, "truncated: a "
                                 "model.bin file has at least %d bytes, this "
                                 "one has %zu", HEADER_SIZE + TRAILER_SIZE,
                                 size);

    size_t body_end = size - TRAILER_SIZE;
    uint32_t stored = (uint32_t)data[body_end] |
                      (uint32_t)data[body_end + 1] << 8 |
                      (uint32_t)data[body_end + 2] << 16 |
                      (uint32_t)data[body_end + 3] << 24;
    uint32_t computed = xpl__crc32(0, data, body_end);
    if (stored != computed)
        return xpl__reader_error(&r, body_end, XPL_EFORMAT, "checksum "
                                 "mismatch (file corrupted or truncated): "
                                 "stored %08lx, computed %08lx",
                                 (unsigned long)stored,
                                 (unsigned long)computed);

    struct bin b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.minor = minor;
    uint32_t flags;
    (void)xpl__get_u32(&r, &flags);
    if (flags != 0)
        return undefined(&b, &r, XPL__MODEL_BIN_MAGIC_SIZE + 4, "header "
                         "flags 0x%08lx: must be 0", (unsigned long)flags);

    r.end = body_end;
    int rc = read_sections(&b, &r);
    if (!rc)
        rc = build_model(out, &b);
    bin_free(&b);
    return rc;
}
