/* LightGBM text models (Booster.save_model, model_to_string): the header's
 * keys, one block of keys per tree, then parameters and pandas_categorical.
 * Splits are routed as LightGBM's Tree::NumericalDecision and
 * CategoricalDecision route them (docs/tree-models.md). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/error.h"
#include "models/category_import.h"
#include "models/linear_trees.h"
#include "models/model_file.h"
#include "models/model_internal.h"
#include "models/trees.h"

/* decision_type bits (LightGBM's tree.h). */
enum {
    DT_CATEGORICAL = 1,
    DT_DEFAULT_LEFT = 2,
    DT_MISSING_SHIFT = 2, /* 2 bits: 0 None, 1 Zero, 2 NaN */
    MISSING_NONE = 0,
    MISSING_ZERO = 1,
    MISSING_NAN = 2
};

/* One line of the file, without its end. */
struct line {
    const char *text;
    size_t len;
};

struct lgb {
    const char *name;
    struct line *lines;
    size_t n_lines;
};

static int fail(const struct lgb *p, size_t line, size_t col,
                const char *fmt, ...) XPL__PRINTF(4, 5);

/* An error at line `line` (0-based), column `col` (0-based; SIZE_MAX:
 * none). */
static int fail(const struct lgb *p, size_t line, size_t col,
                const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (col == SIZE_MAX)
        return xpl__error(XPL_EFORMAT, "%s:%zu: LightGBM model: %s", p->name,
                          line + 1, msg);
    return xpl__error(XPL_EFORMAT, "%s:%zu:%zu: LightGBM model: %s", p->name,
                      line + 1, col + 1, msg);
}

static int split_lines(struct lgb *p, const char *text, size_t size)
{
    size_t n = 1;
    for (size_t i = 0; i < size; i++)
        n += text[i] == '\n';
    p->lines = xpl__malloc_array(n, sizeof *p->lines);
    if (!p->lines)
        return xpl__enomem();
    size_t start = 0;
    p->n_lines = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && text[i] != '\n')
            continue;
        size_t len = i - start;
        if (len > 0 && text[start + len - 1] == '\r')
            len--;
        p->lines[p->n_lines++] = (struct line){ text + start, len };
        start = i + 1;
    }
    for (size_t l = 0; l < p->n_lines; l++)
        if (memchr(p->lines[l].text, '\0', p->lines[l].len))
            return fail(p, l, SIZE_MAX, "a NUL byte in a text model");
    return XPL_OK;
}

static int line_is(const struct line *l, const char *s)
{
    return l->len == strlen(s) && memcmp(l->text, s, l->len) == 0;
}

static int line_starts(const struct line *l, const char *s)
{
    size_t n = strlen(s);
    return l->len >= n && memcmp(l->text, s, n) == 0;
}

/* The value of "key=value" among lines [from, to), or NULL; *at gets its
 * line. */
static const struct line *find_key(const struct lgb *p, size_t from,
                                   size_t to, const char *key, size_t *at,
                                   struct line *value)
{
    size_t n = strlen(key);
    for (size_t l = from; l < to; l++) {
        const struct line *x = &p->lines[l];
        if (x->len > n && memcmp(x->text, key, n) == 0 && x->text[n] == '=') {
            *at = l;
            *value = (struct line){ x->text + n + 1, x->len - n - 1 };
            return x;
        }
    }
    return NULL;
}

/* Parse `count` whitespace-separated numbers of "key=..." on line `at`.
 * Integers are checked to be integers within [lo, hi]. */
static int parse_numbers(const struct lgb *p, size_t at, const char *key,
                         struct line v, size_t count, double *out,
                         int integer, double lo, double hi)
{
    size_t key_len = strlen(key) + 1, i = 0, n = 0;
    char buf[64];
    while (i < v.len || n < count) {
        while (i < v.len && v.text[i] == ' ')
            i++;
        if (i == v.len) {
            if (n < count)
                return fail(p, at, key_len + i, "%s: expected %zu values, "
                            "found %zu", key, count, n);
            break;
        }
        size_t start = i;
        while (i < v.len && v.text[i] != ' ')
            i++;
        if (n == count)
            return fail(p, at, key_len + start, "%s: more than the %zu "
                        "values expected", key, count);
        size_t len = i - start;
        if (len >= sizeof buf)
            return fail(p, at, key_len + start, "%s: value too long", key);
        memcpy(buf, v.text + start, len);
        buf[len] = '\0';
        char *end;
        errno = 0;
        double x = strtod(buf, &end);
        if (end != buf + len || (integer && (x != floor(x) || x < lo ||
                                             x > hi)) ||
            (!integer && isnan(x)))
            return fail(p, at, key_len + start, "%s: expected %s, found "
                        "\"%s\"", key, integer ? "an integer in range"
                                               : "a number", buf);
        out[n++] = x;
    }
    return XPL_OK;
}

/* A required "key=<one integer>" among lines [from, to). */
static int key_int(const struct lgb *p, size_t from, size_t to,
                   const char *key, double lo, double hi, double *out)
{
    size_t at;
    struct line v;
    if (!find_key(p, from, to, key, &at, &v))
        return fail(p, from, SIZE_MAX, "missing %s= in the block starting "
                    "here", key);
    return parse_numbers(p, at, key, v, 1, out, 1, lo, hi);
}

/* A required array of `count` numbers; absent is an error unless
 * `optional` (then *found is 0). */
static int key_array(const struct lgb *p, size_t from, size_t to,
                     const char *key, size_t count, double *out, int integer,
                     double lo, double hi, int optional, int *found)
{
    size_t at;
    struct line v;
    if (found)
        *found = 0;
    if (!find_key(p, from, to, key, &at, &v)) {
        if (optional)
            return XPL_OK;
        return fail(p, from, SIZE_MAX, "missing %s= in the tree starting "
                    "here", key);
    }
    if (found)
        *found = 1;
    return parse_numbers(p, at, key, v, count, out, integer, lo, hi);
}

/* ------------------------------------------------------------ objective */

struct objective {
    xpl_link link;
    double scale;     /* sigmoid:k */
    size_t n_class;   /* num_class:K, else 1 */
    char text[128];   /* as written, for the model's properties */
};

/* The first word names the objective; "sigmoid:k", "num_class:K" and
 * "sqrt" follow it (LightGBM's ObjectiveFunction::ToString). */
static int parse_objective(const struct lgb *p, size_t at, struct line v,
                           struct objective *o)
{
    static const struct {
        const char *name;
        xpl_link link;
    } known[] = {
        { "regression", XPL_LINK_IDENTITY },
        { "regression_l1", XPL_LINK_IDENTITY },
        { "huber", XPL_LINK_IDENTITY },
        { "fair", XPL_LINK_IDENTITY },
        { "quantile", XPL_LINK_IDENTITY },
        { "mape", XPL_LINK_IDENTITY },
        { "binary", XPL_LINK_LOGIT },
        { "multiclass", XPL_LINK_SOFTMAX },
        { "multiclassova", XPL_LINK_LOGIT },
        { "cross_entropy", XPL_LINK_LOGIT },
        { "cross_entropy_lambda", XPL_LINK_SOFTPLUS },
        { "poisson", XPL_LINK_LOG },
        { "gamma", XPL_LINK_LOG },
        { "tweedie", XPL_LINK_LOG },
        /* rankers' scores are raw: predict() returns them as they are */
        { "lambdarank", XPL_LINK_IDENTITY },
        { "rank_xendcg", XPL_LINK_IDENTITY },
        { "custom", XPL_LINK_IDENTITY },
    };
    size_t col = strlen("objective=");
    if (v.len >= sizeof o->text)
        return fail(p, at, col, "objective: too long");
    if (!xpl__utf8_valid(v.text, v.len))
        return fail(p, at, col, "objective: not valid UTF-8");
    memcpy(o->text, v.text, v.len);
    o->text[v.len] = '\0';
    o->scale = 1.0;
    o->n_class = 1;
    char *save = NULL, *word = strtok_r(o->text, " ", &save);
    if (!word)
        return fail(p, at, col, "objective: empty");
    size_t k = 0, n_known = sizeof known / sizeof known[0];
    while (k < n_known && strcmp(word, known[k].name) != 0)
        k++;
    if (k == n_known)
        return xpl__error(XPL_EUNSUPPORTED, "%s:%zu:%zu: LightGBM objective "
                          "\"%s\" is not supported", p->name, at + 1,
                          col + 1, word);
    o->link = known[k].link;
    int multi = o->link == XPL_LINK_SOFTMAX || strcmp(word, "multiclassova")
                                                   == 0;
    while ((word = strtok_r(NULL, " ", &save))) {
        size_t wcol = col + (size_t)(word - o->text);
        char *end;
        if (strncmp(word, "sigmoid:", 8) == 0) {
            o->scale = strtod(word + 8, &end);
            if (end == word + 8 || *end || !(o->scale > 0) ||
                isinf(o->scale))
                return fail(p, at, wcol, "objective: bad \"%s\"", word);
        } else if (strncmp(word, "num_class:", 10) == 0) {
            unsigned long long n = strtoull(word + 10, &end, 10);
            if (end == word + 10 || *end || n < 1 || n > XPL_MAX_OUTPUTS)
                return fail(p, at, wcol, "objective: bad \"%s\"", word);
            o->n_class = (size_t)n;
        } else if (strcmp(word, "sqrt") == 0) {
            if (o->link != XPL_LINK_IDENTITY)
                return fail(p, at, wcol, "objective: sqrt with a %s link",
                            xpl_link_name(o->link));
            o->link = XPL_LINK_SIGNED_SQUARE;
        }
        /* Other words (tweedie's variance power, ...) do not change
         * predictions. */
    }
    if (multi && o->n_class < 2)
        return fail(p, at, col, "objective: a multiclass objective needs "
                    "num_class >= 2");
    memcpy(o->text, v.text, v.len); /* strtok_r cut it */
    o->text[v.len] = '\0';
    return XPL_OK;
}

/* ----------------------------------------------------------------- trees */

struct tree_block {
    size_t first, end; /* lines of the block, "Tree=" excluded */
};

static int read_tree(const struct lgb *p, struct tree_block b, size_t t,
                     size_t n_features, xpl__catpool *cats,
                     xpl__tree_arrays *a, xpl__tree_spec *ts, int *linear)
{
    double v;
    int rc = key_int(p, b.first, b.end, "num_leaves", 1, 1 << 24, &v);
    if (rc)
        return rc;
    size_t n_leaves = (size_t)v, n_int = n_leaves - 1, n = n_int + n_leaves;
    double n_cat_d = 0;
    if (n_int > 0 &&
        (rc = key_int(p, b.first, b.end, "num_cat", 0, (double)n_int,
                      &n_cat_d)))
        return rc;
    size_t n_cat = (size_t)n_cat_d;
    size_t at;
    struct line val;
    *linear = 0;
    if (find_key(p, b.first, b.end, "is_linear", &at, &val) &&
        (rc = parse_numbers(p, at, "is_linear", val, 1, &v, 1, 0, 1)) == 0)
        *linear = v == 1;
    if (rc)
        return rc;

    int arrays = xpl__tree_arrays_alloc(a, n);
    double *tmp = xpl__malloc_array(n + 1, 5 * sizeof *tmp);
    double *cb = xpl__malloc_array(n_cat + 1, sizeof *cb);
    if (arrays || !tmp || !cb) {
        free(tmp);
        free(cb);
        return xpl__enomem();
    }
    double *sf = tmp, *dt = tmp + n + 1, *lc = tmp + 2 * (n + 1),
           *rcd = tmp + 3 * (n + 1), *cnt = tmp + 4 * (n + 1);
    double max_child = (double)n_int - 1, min_child = -(double)n_leaves;
    int have_counts = 1, found;

    /* Leaves: nodes n_int .. n - 1. */
    rc = key_array(p, b.first, b.end, "leaf_value", n_leaves,
                   a->value + n_int, 0, 0, 0, 0, NULL);
    if (!rc)
        rc = key_array(p, b.first, b.end, "leaf_count", n_leaves,
                       a->cover + n_int, 1, 0, 9.0e15, n_int == 0, &found);
    if (!rc && n_int == 0 && !found)
        a->cover[0] = 0;
    for (size_t j = 0; !rc && j < n_leaves; j++) {
        size_t i = n_int + j;
        a->feature[i] = -1;
        a->left[i] = a->right[i] = -1;
        a->threshold[i] = 0;
        if (!isfinite(a->value[i]))
            rc = fail(p, b.first, SIZE_MAX, "tree %zu: leaf %zu: value is "
                      "not finite", t, j);
    }
    if (!rc && n_int > 0) {
        rc = key_array(p, b.first, b.end, "split_feature", n_int, sf, 1, 0,
                       (double)n_features - 1, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "threshold", n_int,
                           a->threshold, 0, 0, 0, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "decision_type", n_int, dt, 1,
                           0, 255, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "left_child", n_int, lc, 1,
                           min_child, max_child, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "right_child", n_int, rcd, 1,
                           min_child, max_child, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "internal_count", n_int, cnt, 1,
                           0, 9.0e15, 1, &have_counts);
    }
    size_t set_base = cats->n_sets;
    if (!rc && n_cat > 0) {
        rc = key_array(p, b.first, b.end, "cat_boundaries", n_cat + 1, cb, 1,
                       0, 4294967295.0, 0, NULL);
        for (size_t c = 0; !rc && c < n_cat; c++)
            if (cb[c + 1] < cb[c] || cb[0] != 0)
                rc = fail(p, b.first, SIZE_MAX, "tree %zu: cat_boundaries "
                          "must start at 0 and not decrease", t);
        size_t n_words = rc ? 0 : (size_t)cb[n_cat];
        double *w = rc ? NULL : xpl__malloc_array(n_words + 1, sizeof *w);
        if (!rc && !w)
            rc = xpl__enomem();
        if (!rc)
            rc = key_array(p, b.first, b.end, "cat_threshold", n_words, w, 1,
                           0, 4294967295.0, 0, NULL);
        for (size_t c = 0; !rc && c < n_cat; c++) {
            uint32_t *words;
            size_t index, nw = (size_t)(cb[c + 1] - cb[c]);
            rc = xpl__catpool_add(cats, nw, XPL__CAT_TRUNCATE, &words,
                                  &index);
            for (size_t i = 0; !rc && i < nw; i++)
                words[i] = (uint32_t)w[(size_t)cb[c] + i];
        }
        free(w);
    }
    for (size_t i = 0; !rc && i < n_int; i++) {
        unsigned d = (unsigned)dt[i];
        unsigned missing = (d >> DT_MISSING_SHIFT) & 3;
        if (missing > MISSING_NAN) {
            rc = fail(p, b.first, SIZE_MAX, "tree %zu, node %zu: "
                      "decision_type %u has an unknown missing type", t, i,
                      d);
            break;
        }
        a->feature[i] = (int64_t)sf[i];
        a->left[i] = lc[i] >= 0 ? (int64_t)lc[i]
                                : (int64_t)n_int + (int64_t)(-lc[i] - 1);
        a->right[i] = rcd[i] >= 0 ? (int64_t)rcd[i]
                                  : (int64_t)n_int + (int64_t)(-rcd[i] - 1);
        a->value[i] = NAN; /* the builder takes the cover-weighted mean */
        a->cover[i] = have_counts ? cnt[i] : 0;
        if (d & DT_CATEGORICAL) {
            double c = a->threshold[i];
            if (!(c >= 0 && c < (double)n_cat && c == floor(c))) {
                rc = fail(p, b.first, SIZE_MAX, "tree %zu, node %zu: "
                          "category set %g out of range (num_cat=%zu)", t, i,
                          c, n_cat);
                break;
            }
            a->threshold[i] = (double)(set_base + (size_t)c);
            a->split_kind[i] = XPL__SPLIT_CATEGORICAL;
            /* LightGBM 4 sends NaN right at categorical splits. */
            a->default_left[i] = 0;
            continue;
        }
        if (!isfinite(a->threshold[i]) && !isinf(a->threshold[i])) {
            rc = fail(p, b.first, SIZE_MAX, "tree %zu, node %zu: threshold "
                      "is NaN", t, i);
            break;
        }
        switch (missing) {
        case MISSING_NONE:
            /* NaN is read as 0, which then compares. */
            a->default_left[i] = 0.0 <= a->threshold[i];
            break;
        case MISSING_ZERO:
            a->split_kind[i] = XPL__SPLIT_ZERO_MISSING;
            a->default_left[i] = (d & DT_DEFAULT_LEFT) != 0;
            break;
        default:
            a->default_left[i] = (d & DT_DEFAULT_LEFT) != 0;
        }
    }
    if (!rc && !have_counts)
        for (size_t i = 0; i < n; i++)
            a->cover[i] = 0;
    free(tmp);
    free(cb);
    if (rc)
        return rc;
    *ts = (xpl__tree_spec){ n, 0, a->feature, a->threshold, a->left,
                            a->right, a->default_left, a->value, a->cover,
                            a->split_kind };
    return XPL_OK;
}

/* Grow an array to hold `need` elements of `size` bytes. */
static int reserve(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return XPL_OK;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *grown = realloc(*arr, c * size);
    if (!grown)
        return xpl__enomem();
    *arr = grown;
    *cap = c;
    return XPL_OK;
}

/* Linear leaves as the trees are read. */
struct lin_pool {
    xpl__linear_leaves l;
    size_t cap_trees, cap_leaves, cap_terms;
    int any; /* some tree is linear */
};

/* Tree t's leaves into the pool: its linear models (is_linear=1:
 * leaf_const, num_features, leaf_features, leaf_coeff) or constants (the
 * leaf values). */
static int read_linear_leaves(const struct lgb *p, struct tree_block b,
                              size_t t, size_t n_features, int linear,
                              xpl__tree_arrays *a, size_t n_leaves,
                              struct lin_pool *lp)
{
    xpl__linear_leaves *l = &lp->l;
    size_t n_int = n_leaves - 1, first = l->n_leaves;
    int rc = reserve((void **)&l->leaf_start, &lp->cap_trees, t + 2,
                     sizeof *l->leaf_start);
    /* the three leaf arrays grow together, to the same capacity */
    size_t need = first + n_leaves + 1, cap = lp->cap_leaves;
    if (!rc)
        rc = reserve((void **)&l->leaf_const, &cap, need,
                     sizeof *l->leaf_const);
    cap = lp->cap_leaves;
    if (!rc)
        rc = reserve((void **)&l->leaf_value, &cap, need,
                     sizeof *l->leaf_value);
    cap = lp->cap_leaves;
    if (!rc)
        rc = reserve((void **)&l->term_start, &cap, need,
                     sizeof *l->term_start);
    if (rc)
        return rc;
    lp->cap_leaves = cap;
    if (t == 0) {
        l->leaf_start[0] = 0;
        l->term_start[0] = 0;
    }
    double *counts = xpl__malloc_array(n_leaves, sizeof *counts);
    if (!counts)
        return xpl__enomem();
    for (size_t j = 0; j < n_leaves; j++) {
        l->leaf_value[first + j] = a->value[n_int + j];
        l->leaf_const[first + j] = a->value[n_int + j];
        counts[j] = 0;
    }
    if (linear) {
        rc = key_array(p, b.first, b.end, "leaf_const", n_leaves,
                       l->leaf_const + first, 0, 0, 0, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "num_features", n_leaves,
                           counts, 1, 0, (double)n_features, 0, NULL);
    }
    size_t n_terms = 0;
    for (size_t j = 0; j < n_leaves; j++)
        n_terms += (size_t)counts[j];
    size_t terms = l->n_terms;
    double *feat = rc ? NULL : xpl__malloc_array(n_terms + 1, sizeof *feat);
    cap = lp->cap_terms;
    if (!rc && !feat)
        rc = xpl__enomem();
    if (!rc)
        rc = reserve((void **)&l->feature, &cap, terms + n_terms + 1,
                     sizeof *l->feature);
    cap = lp->cap_terms;
    if (!rc)
        rc = reserve((void **)&l->coeff, &cap, terms + n_terms + 1,
                     sizeof *l->coeff);
    if (!rc)
        lp->cap_terms = cap;
    if (!rc && linear) {
        rc = key_array(p, b.first, b.end, "leaf_features", n_terms, feat, 1,
                       0, (double)n_features - 1, 0, NULL);
        if (!rc)
            rc = key_array(p, b.first, b.end, "leaf_coeff", n_terms,
                           l->coeff + terms, 0, 0, 0, 0, NULL);
    }
    for (size_t j = 0; !rc && j < n_leaves; j++) {
        if (!isfinite(l->leaf_const[first + j]))
            rc = fail(p, b.first, SIZE_MAX, "tree %zu: leaf_const %zu is not "
                      "finite", t, j);
        l->term_start[first + j + 1] = l->term_start[first + j] +
                                       (size_t)counts[j];
    }
    for (size_t i = 0; !rc && i < n_terms; i++) {
        l->feature[terms + i] = (uint32_t)feat[i];
        if (!isfinite(l->coeff[terms + i]))
            rc = fail(p, b.first, SIZE_MAX, "tree %zu: leaf_coeff %zu is not "
                      "finite", t, i);
    }
    free(feat);
    free(counts);
    if (rc)
        return rc;
    l->n_leaves = first + n_leaves;
    l->n_terms = terms + n_terms;
    l->n_trees = t + 1;
    l->leaf_start[t + 1] = l->n_leaves;
    lp->any |= linear;
    return XPL_OK;
}

/* Feature names from "feature_names=a b c"; NULL entries if absent. */
static int read_names(const struct lgb *p, size_t header_end, size_t n,
                      char ***out)
{
    *out = NULL;
    size_t at;
    struct line v;
    if (!find_key(p, 1, header_end, "feature_names", &at, &v))
        return XPL_OK;
    char **names = xpl__calloc_array(n, sizeof *names);
    if (!names)
        return xpl__enomem();
    size_t i = 0, k = 0;
    int rc = XPL_OK;
    while (!rc && i < v.len) {
        while (i < v.len && v.text[i] == ' ')
            i++;
        if (i == v.len)
            break;
        size_t start = i;
        while (i < v.len && v.text[i] != ' ')
            i++;
        if (k == n) {
            rc = fail(p, at, strlen("feature_names=") + start, "more "
                      "feature names than the %zu features", n);
            break;
        }
        if (!xpl__utf8_valid(v.text + start, i - start)) {
            rc = fail(p, at, strlen("feature_names=") + start,
                      "feature name %zu is not valid UTF-8", k + 1);
            break;
        }
        names[k] = malloc(i - start + 1);
        if (!names[k]) {
            rc = xpl__enomem();
            break;
        }
        memcpy(names[k], v.text + start, i - start);
        names[k][i - start] = '\0';
        k++;
    }
    if (!rc && k != n)
        rc = fail(p, at, SIZE_MAX, "%zu feature names for %zu features", k,
                  n);
    if (rc) {
        for (size_t j = 0; j < n; j++)
            free(names[j]);
        free(names);
        return rc;
    }
    *out = names;
    return XPL_OK;
}

/* The categorical features, in order: the parameters' line
 * "[categorical_feature: 3,4]" when present, else the features whose
 * feature_infos entry is a list of categories (not "[min:max]" or
 * "none"). */
static int categorical_features(const struct lgb *p, size_t header_end,
                                size_t n_features, size_t *idx, size_t *n)
{
    *n = 0;
    static const char key[] = "[categorical_feature: ";
    for (size_t l = header_end; l < p->n_lines; l++) {
        const struct line *x = &p->lines[l];
        if (!line_starts(x, key) || x->text[x->len - 1] != ']')
            continue;
        size_t i = strlen(key), end = x->len - 1;
        while (i < end) {
            size_t v = 0, start = i;
            while (i < end && x->text[i] >= '0' && x->text[i] <= '9' &&
                   v < n_features)
                v = 10 * v + (size_t)(x->text[i++] - '0');
            if (i == start || v >= n_features || *n == n_features ||
                (i < end && x->text[i] != ','))
                return fail(p, l, i, "categorical_feature: expected "
                            "feature indices below %zu", n_features);
            idx[(*n)++] = v;
            i += i < end;
        }
        return XPL_OK;
    }
    size_t at;
    struct line v;
    if (!find_key(p, 1, header_end, "feature_infos", &at, &v))
        return XPL_OK;
    size_t j = 0;
    for (size_t i = 0; i < v.len && j < n_features; j++) {
        size_t start = i;
        while (i < v.len && v.text[i] != ' ')
            i++;
        size_t len = i - start;
        if (len > 0 && v.text[start] != '[' &&
            !(len == 4 && memcmp(v.text + start, "none", 4) == 0))
            idx[(*n)++] = j;
        i++;
    }
    return XPL_OK;
}

/* "pandas_categorical:[[...], ...]" (LightGBM's Python package writes it
 * after the parameters; "null" without pandas): the category names of the
 * categorical features in order. */
static int read_pandas_categorical(const struct lgb *p, size_t header_end,
                                   xpl_model *m)
{
    static const char key[] = "pandas_categorical:";
    size_t l = p->n_lines;
    while (l > header_end && !line_starts(&p->lines[l - 1], key))
        l--;
    if (l == header_end)
        return XPL_OK;
    const struct line *x = &p->lines[--l];
    size_t k = strlen(key);
    json_error_t err;
    json_t *lists = json_loadb(x->text + k, x->len - k, JSON_DECODE_ANY,
                               &err);
    if (!lists)
        return fail(p, l, k + (size_t)(err.column > 0 ? err.column - 1 : 0),
                    "pandas_categorical: %s", err.text);
    int rc = XPL_OK;
    if (json_is_null(lists)) {
        json_decref(lists);
        return XPL_OK;
    }
    size_t n_features = m->n_features, n_cat = 0;
    size_t *idx = xpl__malloc_array(n_features, sizeof *idx);
    if (!idx)
        rc = xpl__enomem();
    if (!rc && !json_is_array(lists))
        rc = fail(p, l, k, "pandas_categorical: expected a list of lists");
    if (!rc)
        rc = categorical_features(p, header_end, n_features, idx, &n_cat);
    if (!rc && n_cat != json_array_size(lists))
        rc = fail(p, l, k, "pandas_categorical lists %zu features' "
                  "categories; the model has %zu categorical features",
                  json_array_size(lists), n_cat);
    if (!rc) {
        char where[300];
        snprintf(where, sizeof where, "%s:%zu: LightGBM model: "
                 "pandas_categorical", p->name, l + 1);
        rc = xpl__categories_from_json_lists(m, lists, idx, n_cat, where);
    }
    free(idx);
    json_decref(lists);
    return rc;
}

/* *out (the routing trees) becomes the linear-tree model around it. */
static int make_linear(xpl_model **out, xpl__linear_leaves *l)
{
    xpl_model *m;
    int rc = xpl__linear_trees_model_new(&m, *out, l);
    if (rc)
        return rc;
    *out = m;
    return XPL_OK;
}

int xpl__model_read_lightgbm(xpl_model **out, const char *text, size_t size,
                             const char *name)
{
    *out = NULL;
    struct lgb p = { name, NULL, 0 };
    int rc = split_lines(&p, text, size);
    if (rc) {
        free(p.lines);
        return rc;
    }
    if (!line_is(&p.lines[0], "tree")) {
        free(p.lines);
        return fail(&p, 0, 0, "expected \"tree\" on the first line");
    }
    /* The header runs to the first "Tree=" line. */
    size_t header_end = 1;
    while (header_end < p.n_lines &&
           !line_starts(&p.lines[header_end], "Tree="))
        header_end++;

    struct objective obj = { XPL_LINK_IDENTITY, 1.0, 1, "" };
    double v;
    size_t n_features = 0, per_iter = 1, n_class = 1, at = 1;
    struct line val;
    int average = 0;
    for (size_t l = 1; l < header_end; l++)
        if (line_is(&p.lines[l], "average_output"))
            average = 1;
    rc = key_int(&p, 1, header_end, "max_feature_idx", 0,
                 (double)XPL_MAX_FEATURES - 1, &v);
    if (!rc)
        n_features = (size_t)v + 1;
    if (!rc && !(rc = key_int(&p, 1, header_end, "num_class", 1,
                              (double)XPL_MAX_OUTPUTS, &v)))
        n_class = (size_t)v;
    if (!rc && !(rc = key_int(&p, 1, header_end, "num_tree_per_iteration", 1,
                              (double)XPL_MAX_OUTPUTS, &v)))
        per_iter = (size_t)v;
    if (!rc) {
        if (find_key(&p, 1, header_end, "objective", &at, &val))
            rc = parse_objective(&p, at, val, &obj);
        else
            memcpy(obj.text, "custom", 7); /* no objective: raw scores */
    }
    if (!rc && obj.n_class != n_class)
        rc = fail(&p, at, SIZE_MAX, "objective has num_class:%zu, the "
                  "header num_class=%zu", obj.n_class, n_class);
    if (!rc && per_iter != n_class)
        rc = fail(&p, 1, SIZE_MAX, "num_tree_per_iteration=%zu with "
                  "num_class=%zu", per_iter, n_class);
    if (rc) {
        free(p.lines);
        return rc;
    }

    /* Tree blocks: "Tree=i" lines in order, up to "end of trees". */
    size_t n_trees = 0, l = header_end;
    while (l < p.n_lines && !line_is(&p.lines[l], "end of trees")) {
        n_trees += line_starts(&p.lines[l], "Tree=");
        l++;
    }
    size_t trees_end = l;
    if (l == p.n_lines)
        rc = fail(&p, p.n_lines - 1, SIZE_MAX, "no \"end of trees\" line: "
                  "the file is truncated");
    else if (n_trees == 0)
        rc = fail(&p, l, SIZE_MAX, "the model has no trees");
    else if (n_trees > XPL__MAX_TREES)
        rc = xpl__error(XPL_ELIMIT, "%s: LightGBM model: %zu trees: more "
                        "than the limit %zu", name, n_trees, XPL__MAX_TREES);
    if (!rc && n_trees % per_iter != 0)
        rc = fail(&p, l, SIZE_MAX, "%zu trees is not a multiple of "
                  "num_tree_per_iteration=%zu", n_trees, per_iter);

    xpl__tree_spec *ts = NULL;
    xpl__tree_arrays *arrays = NULL;
    char **names = NULL;
    double *base = NULL;
    xpl__catpool cats = { 0 };
    struct lin_pool lin;
    memset(&lin, 0, sizeof lin);
    if (!rc) {
        ts = xpl__calloc_array(n_trees, sizeof *ts);
        arrays = xpl__calloc_array(n_trees, sizeof *arrays);
        base = xpl__calloc_array(n_class, sizeof *base);
        if (!ts || !arrays || !base)
            rc = xpl__enomem();
    }
    size_t t = 0;
    for (l = header_end; !rc && l < trees_end; l++) {
        if (!line_starts(&p.lines[l], "Tree="))
            continue;
        char *end;
        const struct line *h = &p.lines[l];
        char idx[24] = "";
        size_t il = h->len - 5 < sizeof idx - 1 ? h->len - 5 : sizeof idx - 1;
        memcpy(idx, h->text + 5, il);
        if (strtoull(idx, &end, 10) != t || *end || end == idx) {
            rc = fail(&p, l, 5, "expected Tree=%zu", t);
            break;
        }
        struct tree_block b = { l + 1, l + 1 };
        while (b.end < trees_end && !line_starts(&p.lines[b.end], "Tree="))
            b.end++;
        int linear = 0;
        rc = read_tree(&p, b, t, n_features, &cats, &arrays[t], &ts[t],
                       &linear);
        if (!rc)
            rc = read_linear_leaves(&p, b, t, n_features, linear, &arrays[t],
                                    (ts[t].n_nodes + 1) / 2, &lin);
        if (rc)
            break;
        ts[t].output = (uint32_t)(t % per_iter);
        t++;
    }
    /* A model with linear leaves routes rows with trees whose leaf values
     * are the leaves' indices (linear_trees.h). */
    for (size_t i = 0; !rc && lin.any && i < n_trees; i++) {
        size_t n_leaves = (ts[i].n_nodes + 1) / 2;
        for (size_t j = 0; j < n_leaves; j++)
            arrays[i].value[n_leaves - 1 + j] = (double)j;
    }
    if (!rc)
        rc = read_names(&p, header_end, n_features, &names);
    if (!rc) {
        char version[32] = "";
        if (find_key(&p, 1, header_end, "version", &at, &val) &&
            val.len < sizeof version)
            memcpy(version, val.text, val.len);
        xpl__ensemble_spec spec = {
            .n_features = n_features,
            .n_outputs = n_class,
            .feature_names = (const char *const *)names,
            .link = obj.link,
            .aggregation = average ? XPL__AGG_MEAN : XPL__AGG_SUM,
            .float32_inputs = 0,
            .compare_le = 1,
            .raw_is_probability = 0,
            .link_scale = obj.scale,
            .base_score = base,
            .objective = obj.text,
            .n_trees = n_trees,
            .trees = ts,
            .cats = xpl__catpool_table(&cats),
        };
        rc = xpl__trees_model_new(out, &spec, name);
        if (!rc && ((version[0] &&
                     (rc = xpl__model_add_property(*out, "lightgbm format",
                                                   "%s", version))) ||
                    (rc = read_pandas_categorical(&p, trees_end, *out)) ||
                    (lin.any && (rc = make_linear(out, &lin.l))))) {
            xpl_model_free(*out);
            *out = NULL;
        }
    }
    for (size_t i = 0; arrays && i < n_trees; i++)
        xpl__tree_arrays_free(&arrays[i]);
    free(arrays);
    free(ts);
    for (size_t j = 0; names && j < n_features; j++)
        free(names[j]);
    free(names);
    free(base);
    xpl__catpool_free(&cats);
    xpl__linear_leaves_free(&lin.l);
    free(p.lines);
    return rc;
}
