/* In-memory datasets: construction, validation, copies and getters. */
#include "data/dataset_internal.h"

#include "core/error.h"
#include "data/names.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names must be usable as keys (model features, CSV headers, JSON output),
 * so they are checked here once rather than by every consumer. Sorting
 * keeps the duplicate check O(n log n) for the million-column limit. */
static int check_names(const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            return xpl__error(XPL_EINVAL, "column name %zu is NULL", i);
        size_t len = strlen(names[i]);
        if (len == 0)
            return xpl__error(XPL_EINVAL, "column name %zu is empty", i);
        if (len > XPL_MAX_NAME_LENGTH)
            return xpl__error(XPL_ELIMIT,
                              "column name %zu is longer than %zu bytes", i,
                              XPL_MAX_NAME_LENGTH);
    }
    if (n < 2)
        return XPL_OK;

    /* the pair whose second occurrence comes first: what a reader
     * scanning the columns left to right would notice */
    size_t first = 0, second;
    xpl__named *sorted = xpl__names_sorted(names, n, &first, &second);
    if (!sorted)
        return xpl__enomem();
    int rc = XPL_OK;
    if (second != XPL__NO_NAME)
        rc = xpl__error(XPL_EINVAL,
                        "duplicate column name \"%.64s\" (columns %zu and %zu)",
                        names[first], first, second);
    free(sorted);
    return rc;
}

static int check_shape(size_t n_rows, size_t n_cols)
{
    if (n_cols == 0)
        return xpl__error(XPL_EINVAL, "a dataset needs at least one column");
    if (n_cols > XPL_MAX_FEATURES)
        return xpl__error(XPL_ELIMIT, "%zu columns: the limit is %zu", n_cols,
                          XPL_MAX_FEATURES);
    if (n_rows > XPL_MAX_ROWS)
        return xpl__error(XPL_ELIMIT, "%zu rows: the limit is %zu", n_rows,
                          XPL_MAX_ROWS);
    size_t cells;
    if (!xpl__mul_ok(n_rows, n_cols, &cells) ||
        !xpl__mul_ok(cells, sizeof(double), &cells))
        return xpl__error(XPL_ELIMIT, "%zu x %zu values do not fit in memory",
                          n_rows, n_cols);
    return XPL_OK;
}

static int check_weights(const double *w, size_t n_rows)
{
    for (size_t i = 0; w && i < n_rows; i++) {
        if (!isfinite(w[i]) || w[i] < 0)
            return xpl__error(XPL_EINVAL,
                              "weight of row %zu is %g: weights must be "
                              "finite and non-negative",
                              i, w[i]);
    }
    return XPL_OK;
}

/* Owned copies of `names`, or "f0", "f1", ... when names is NULL. */
static char **copy_names(const char *const *names, size_t n)
{
    char **copy = xpl__calloc_array(n, sizeof *copy);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (names) {
            copy[i] = xpl__strdup(names[i]);
        } else {
            char buf[32];
            snprintf(buf, sizeof buf, "f%zu", i);
            copy[i] = xpl__strdup(buf);
        }
        if (!copy[i]) {
            xpl__strings_free(copy, n);
            return NULL;
        }
    }
    return copy;
}

int xpl__dataset_adopt(xpl_dataset **out, size_t n_rows, size_t n_cols,
                       double *x, char **names, double *w)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    int rc = check_shape(n_rows, n_cols);
    if (rc)
        return rc;
    if (!x && n_rows > 0)
        return xpl__error(XPL_EINVAL, "no values for %zu rows", n_rows);
    if ((rc = check_weights(w, n_rows)) != XPL_OK)
        return rc;

    char **generated = NULL;
    if (names) {
        if ((rc = check_names((const char *const *)names, n_cols)) != XPL_OK)
            return rc;
    } else if (!(generated = copy_names(NULL, n_cols))) {
        return xpl__enomem();
    }

    xpl_dataset *ds = malloc(sizeof *ds);
    if (!ds) {
        xpl__strings_free(generated, n_cols);
        return xpl__enomem();
    }
    ds->n_rows = n_rows;
    ds->n_cols = n_cols;
    ds->x = x;
    ds->names = names ? names : generated;
    ds->w = w;
    *out = ds;
    return XPL_OK;
}

int xpl_dataset_new(xpl_dataset **out, size_t n_rows, size_t n_cols,
                    const double *x, const char *const *names,
                    const double *weights)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    int rc = check_shape(n_rows, n_cols);
    if (rc)
        return rc;
    if (names && (rc = check_names(names, n_cols)) != XPL_OK)
        return rc;
    if ((rc = check_weights(weights, n_rows)) != XPL_OK)
        return rc;

    size_t cells = n_rows * n_cols; /* checked by check_shape */
    double *xc = x ? xpl__malloc_array(cells, sizeof *xc)
                   : xpl__calloc_array(cells, sizeof *xc);
    double *wc = weights ? xpl__malloc_array(n_rows, sizeof *wc) : NULL;
    char **nc = copy_names(names, n_cols);
    if (!xc || (weights && !wc) || !nc)
        goto nomem;
    if (x && cells)
        memcpy(xc, x, cells * sizeof *xc);
    if (weights && n_rows)
        memcpy(wc, weights, n_rows * sizeof *wc);

    if ((rc = xpl__dataset_adopt(out, n_rows, n_cols, xc, nc, wc)) != XPL_OK) {
        free(xc);
        free(wc);
        xpl__strings_free(nc, n_cols);
    }
    return rc;

nomem:
    free(xc);
    free(wc);
    xpl__strings_free(nc, n_cols);
    return xpl__enomem();
}

int xpl__dataset_copy(xpl_dataset **out, const xpl_dataset *ds)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (!ds)
        return xpl__error(XPL_EINVAL, "dataset is NULL");
    return xpl_dataset_new(out, ds->n_rows, ds->n_cols, ds->x,
                           (const char *const *)ds->names, ds->w);
}

void xpl_dataset_free(xpl_dataset *ds)
{
    if (!ds)
        return;
    free(ds->x);
    free(ds->w);
    xpl__strings_free(ds->names, ds->n_cols);
    free(ds);
}

size_t xpl_dataset_n_rows(const xpl_dataset *ds)
{
    return ds ? ds->n_rows : 0;
}

size_t xpl_dataset_n_cols(const xpl_dataset *ds)
{
    return ds ? ds->n_cols : 0;
}

const char *xpl_dataset_col_name(const xpl_dataset *ds, size_t i)
{
    return ds && i < ds->n_cols ? ds->names[i] : NULL;
}

const double *xpl_dataset_data(const xpl_dataset *ds)
{
    return ds ? ds->x : NULL;
}

const double *xpl_dataset_weights(const xpl_dataset *ds)
{
    return ds ? ds->w : NULL;
}
