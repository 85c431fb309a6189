/* Background samples: seeded row sampling and weighted k-means summaries. */
#include "core/error.h"
#include "data/dataset_internal.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KMEANS_RESTARTS 10
#define KMEANS_MAX_ITER 300

/* MT19937 is seeded with 32 bits only; mixing first makes every bit of the
 * 64-bit seed matter and keeps consecutive seeds far apart. */
static unsigned long mix_seed(uint64_t seed)
{
    uint64_t z = seed + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    z ^= z >> 31;
    return (unsigned long)((z ^ (z >> 32)) & 0xffffffffu);
}

/* Not gsl_rng_alloc: it reports a failed allocation through GSL's error
 * handler, which aborts unless the caller turned it off. */
static gsl_rng *rng_new(uint64_t seed)
{
    gsl_rng *r = malloc(sizeof *r);
    void *state = calloc(1, gsl_rng_mt19937->size);
    if (!r || !state) {
        free(r);
        free(state);
        return NULL;
    }
    r->type = gsl_rng_mt19937;
    r->state = state;
    gsl_rng_set(r, mix_seed(seed));
    return r;
}

static void rng_free(gsl_rng *r)
{
    if (r)
        free(r->state);
    free(r);
}

static char **copy_names(const xpl_dataset *ds)
{
    char **names = xpl__calloc_array(ds->n_cols, sizeof *names);
    if (!names)
        return NULL;
    for (size_t j = 0; j < ds->n_cols; j++) {
        if (!(names[j] = xpl__strdup(ds->names[j]))) {
            xpl__strings_free(names, ds->n_cols);
            return NULL;
        }
    }
    return names;
}

/* Hand x, w and a copy of ds's names to a new dataset; x and w are freed
 * on failure. */
static int adopt_with_names(xpl_dataset **out, const xpl_dataset *ds,
                            size_t n_rows, double *x, double *w)
{
    char **names = copy_names(ds);
    if (!names) {
        free(x);
        free(w);
        return xpl__enomem();
    }
    int rc = xpl__dataset_adopt(out, n_rows, ds->n_cols, x, names, w);
    if (rc) {
        free(x);
        free(w);
        xpl__strings_free(names, ds->n_cols);
    }
    return rc;
}

/* The summaries' first checks: somewhere to put the result, and a dataset
 * to summarise. */
static int check_out_and_input(xpl_dataset **out, const xpl_dataset *ds)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "out is NULL");
    *out = NULL;
    if (!ds)
        return xpl__error(XPL_EINVAL, "dataset is NULL");
    return XPL_OK;
}

int xpl_dataset_sample(xpl_dataset **out, const xpl_dataset *ds, size_t k,
                       uint64_t seed)
{
    int rc = check_out_and_input(out, ds);
    if (rc)
        return rc;
    if (k == 0)
        return xpl__error(XPL_EINVAL, "sample size is 0");
    if (k >= ds->n_rows)
        return xpl__dataset_copy(out, ds);

    const size_t d = ds->n_cols;
    double *x = xpl__malloc_array(k, d * sizeof *x);
    double *w = ds->w ? xpl__malloc_array(k, sizeof *w) : NULL;
    gsl_rng *rng = rng_new(seed);
    if (!x || (ds->w && !w) || !rng) {
        free(x);
        free(w);
        rng_free(rng);
        return xpl__enomem();
    }

    /* Selection sampling (Knuth's algorithm S): one pass, each row kept with
     * probability (still needed) / (still available). Every k-subset is
     * equally likely, chosen rows keep their order, and no index array of
     * n_rows entries is needed. */
    size_t chosen = 0;
    for (size_t i = 0; i < ds->n_rows && chosen < k; i++) {
        double u = gsl_rng_uniform(rng);
        if ((double)(ds->n_rows - i) * u < (double)(k - chosen)) {
            memcpy(x + chosen * d, ds->x + i * d, d * sizeof *x);
            if (w)
                w[chosen] = ds->w[i];
            chosen++;
        }
    }
    rng_free(rng);
    return adopt_with_names(out, ds, k, x, w);
}

/* ------------------------------------------------------------- k-means */

struct kmeans {
    size_t n, d, k;
    const double *x;  /* n * d imputed values */
    const double *w;  /* n row weights */
    double total_w;
    /* per restart */
    double *centres;  /* k * d */
    size_t *assign;   /* n */
    double *d2;       /* n: squared distance to the nearest centre */
    double *sum_w;    /* k */
};

static double dist2(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++) {
        double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

/* A row drawn with probability w[i] d2[i] / total (d2 NULL: w[i] / total).
 * Rounding can leave u just past the last partial sum: the last row with
 * positive mass then takes it, never a row that cannot be drawn. */
static size_t draw(const struct kmeans *km, gsl_rng *rng, const double *d2,
                   double total)
{
    double u = gsl_rng_uniform(rng) * total;
    double cum = 0;
    size_t last = 0;
    for (size_t i = 0; i < km->n; i++) {
        double m = km->w[i] * (d2 ? d2[i] : 1.0);
        if (m <= 0)
            continue;
        last = i;
        cum += m;
        if (u < cum)
            return i;
    }
    return last;
}

/* k-means++ seeding with rows weighted by their weights. When every row
 * already coincides with a centre (fewer distinct rows than k), the extra
 * centres are drawn by weight alone; they duplicate a centre, lose every
 * tie in assign() and end up as empty clusters that are dropped. */
static void seed_centres(struct kmeans *km, gsl_rng *rng)
{
    const size_t d = km->d;
    size_t i = draw(km, rng, NULL, km->total_w);
    memcpy(km->centres, km->x + i * d, d * sizeof(double));
    for (size_t r = 0; r < km->n; r++)
        km->d2[r] = dist2(km->x + r * d, km->centres, d);

    for (size_t c = 1; c < km->k; c++) {
        double pot = 0;
        for (size_t r = 0; r < km->n; r++)
            pot += km->w[r] * km->d2[r];
        i = pot > 0 ? draw(km, rng, km->d2, pot)
                    : draw(km, rng, NULL, km->total_w);
        double *centre = km->centres + c * d;
        memcpy(centre, km->x + i * d, d * sizeof(double));
        for (size_t r = 0; r < km->n; r++) {
            double t = dist2(km->x + r * d, centre, d);
            if (t < km->d2[r])
                km->d2[r] = t;
        }
    }
}

/* Nearest centre for every row (ties go to the lower index); returns
 * whether any assignment changed. */
static int assign(struct kmeans *km, int first)
{
    int changed = first;
    for (size_t r = 0; r < km->n; r++) {
        const double *row = km->x + r * km->d;
        size_t best = 0;
        double best_d = dist2(row, km->centres, km->d);
        for (size_t c = 1; c < km->k; c++) {
            double t = dist2(row, km->centres + c * km->d, km->d);
            if (t < best_d) {
                best_d = t;
                best = c;
            }
        }
        if (first || km->assign[r] != best) {
            km->assign[r] = best;
            changed = 1;
        }
        km->d2[r] = best_d;
    }
    return changed;
}

/* Weighted means of the clusters; a cluster without weight keeps its
 * centre (it has no mean to move to). */
static void update(struct kmeans *km)
{
    const size_t d = km->d;
    memset(km->sum_w, 0, km->k * sizeof *km->sum_w);
    for (size_t r = 0; r < km->n; r++)
        km->sum_w[km->assign[r]] += km->w[r];
    for (size_t c = 0; c < km->k; c++) {
        if (km->sum_w[c] > 0)
            memset(km->centres + c * d, 0, d * sizeof(double));
    }
    for (size_t r = 0; r < km->n; r++) {
        size_t c = km->assign[r];
        if (!(km->sum_w[c] > 0))
            continue;
        double f = km->w[r] / km->sum_w[c];
        const double *row = km->x + r * d;
        double *centre = km->centres + c * d;
        for (size_t j = 0; j < d; j++)
            centre[j] += f * row[j];
    }
}

static double run_once(struct kmeans *km, gsl_rng *rng)
{
    seed_centres(km, rng);
    int first = 1;
    for (int it = 0; it < KMEANS_MAX_ITER; it++) {
        if (!assign(km, first))
            break;
        first = 0;
        update(km);
    }
    /* The last update may have moved centres after the final assignment. */
    assign(km, 0);
    double inertia = 0;
    for (size_t r = 0; r < km->n; r++)
        inertia += km->w[r] * km->d2[r];
    return inertia;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The element of sorted[0..n) closest to v (the lower one on a tie). */
static double nearest(const double *sorted, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n)
        return sorted[n - 1];
    if (lo == 0)
        return sorted[0];
    return v - sorted[lo - 1] <= sorted[lo] - v ? sorted[lo - 1] : sorted[lo];
}

/* Mean imputation per column, as shap.kmeans does with SimpleImputer. A
 * column with no observed value has no mean; 0 keeps it out of the
 * distances. */
static int impute(double *x, const xpl_dataset *ds)
{
    const size_t n = ds->n_rows, d = ds->n_cols;
    for (size_t j = 0; j < d; j++) {
        double mean = 0;
        size_t seen = 0;
        for (size_t i = 0; i < n; i++) {
            double v = ds->x[i * d + j];
            if (isnan(v))
                continue;
            if (isinf(v))
                return xpl__error(XPL_EINVAL,
                                  "k-means: row %zu, column \"%.64s\" is "
                                  "infinite",
                                  i, ds->names[j]);
            seen++;
            mean += (v - mean) / (double)seen;
        }
        for (size_t i = 0; i < n; i++) {
            double v = ds->x[i * d + j];
            x[i * d + j] = isnan(v) ? (seen ? mean : 0.0) : v;
        }
    }
    return XPL_OK;
}

/* Data whose largest magnitude exceeds 2^SCALE_LIMIT_EXP is scaled down to
 * it: then no squared distance over XPL_MAX_FEATURES columns, nor its product
 * with a sane total weight, can overflow. */
#define SCALE_LIMIT_EXP 400

/* *shift = the power of two every value is divided by (0 for ordinary
 * data); *scaled = the scaled copy of x, or NULL when *shift is 0. One factor
 * for all columns scales every distance alike and so keeps the geometry. */
static int scale_values(const double *x, size_t n_values, int *shift,
                        double **scaled)
{
    *scaled = NULL;
    *shift = 0;
    double max = 0;
    for (size_t i = 0; i < n_values; i++)
        max = fmax(max, fabs(x[i]));
    if (!(max > ldexp(1.0, SCALE_LIMIT_EXP)))
        return XPL_OK;
    int s = ilogb(max) - SCALE_LIMIT_EXP;
    double *xs = xpl__malloc_array(n_values, sizeof *xs);
    if (!xs)
        return xpl__enomem();
    for (size_t i = 0; i < n_values; i++)
        xs[i] = ldexp(x[i], -s);
    *shift = s;
    *scaled = xs;
    return XPL_OK;
}

int xpl_dataset_kmeans(xpl_dataset **out, const xpl_dataset *ds, size_t k,
                       uint64_t seed)
{
    int rc = check_out_and_input(out, ds);
    if (rc)
        return rc;
    if (k == 0)
        return xpl__error(XPL_EINVAL, "k-means: k is 0");
    if (ds->n_rows == 0)
        return xpl__error(XPL_EINVAL, "k-means: the dataset has no rows");
    if (k >= ds->n_rows)
        return xpl__dataset_copy(out, ds);

    const size_t n = ds->n_rows, d = ds->n_cols;
    struct kmeans km = { .n = n, .d = d, .k = k };
    double *x = xpl__malloc_array(n, d * sizeof *x);
    double *w = xpl__malloc_array(n, sizeof *w);
    double *best = xpl__malloc_array(k, d * sizeof *best);
    size_t *best_assign = xpl__malloc_array(n, sizeof *best_assign);
    double *column = xpl__malloc_array(n, sizeof *column);
    int shift = 0;
    double *xs = NULL; /* x scaled by 2^-shift when its values are huge */
    km.centres = xpl__malloc_array(k, d * sizeof *km.centres);
    km.assign = xpl__malloc_array(n, sizeof *km.assign);
    km.d2 = xpl__malloc_array(n, sizeof *km.d2);
    km.sum_w = xpl__malloc_array(k, sizeof *km.sum_w);
    double *out_x = NULL, *out_w = NULL;
    rc = XPL_OK;
    if (!x || !w || !best || !best_assign || !column || !km.centres ||
        !km.assign || !km.d2 || !km.sum_w) {
        rc = xpl__enomem();
        goto done;
    }
    if ((rc = impute(x, ds)) != XPL_OK)
        goto done;
    km.total_w = 0;
    for (size_t i = 0; i < n; i++) {
        w[i] = ds->w ? ds->w[i] : 1.0;
        km.total_w += w[i];
    }
    if (!(km.total_w > 0) || !isfinite(km.total_w)) {
        rc = xpl__error(XPL_EINVAL,
                        "k-means: the row weights sum to %g, not a positive "
                        "finite number",
                        km.total_w);
        goto done;
    }
    /* Squared distances of values beyond ~1e154 overflow to infinity and
     * k-means then degenerates (every row ties with the first centre). Such
     * data is scaled by a power of two, which is exact and changes no
     * decision; ordinary data is used exactly as it is. */
    if ((rc = scale_values(x, n * d, &shift, &xs)) != XPL_OK)
        goto done;
    km.x = xs ? xs : x;
    km.w = w;

    double best_inertia = INFINITY;
    for (uint64_t restart = 0; restart < KMEANS_RESTARTS; restart++) {
        gsl_rng *rng = rng_new(seed + restart);
        if (!rng) {
            rc = xpl__enomem();
            goto done;
        }
        double inertia = run_once(&km, rng);
        rng_free(rng);
        /* Strictly lower: on ties the earliest restart wins, so the result
         * does not depend on floating-point noise in the order of runs. */
        if (restart == 0 || inertia < best_inertia) {
            best_inertia = inertia;
            memcpy(best, km.centres, k * d * sizeof *best);
            memcpy(best_assign, km.assign, n * sizeof *best_assign);
        }
    }

    /* Weights and occupancy of the winning clusters (reuse km.sum_w). */
    size_t *count = km.assign; /* k < n slots; the run is over */
    memset(km.sum_w, 0, k * sizeof *km.sum_w);
    memset(count, 0, k * sizeof *count);
    for (size_t r = 0; r < n; r++) {
        km.sum_w[best_assign[r]] += w[r];
        count[best_assign[r]]++;
    }
    size_t kept = 0;
    for (size_t c = 0; c < k; c++)
        kept += count[c] > 0 && km.sum_w[c] > 0;

    out_x = xpl__malloc_array(kept, d * sizeof *out_x);
    out_w = xpl__malloc_array(kept, sizeof *out_w);
    if (!out_x || !out_w) {
        rc = xpl__enomem();
        goto done;
    }
    for (size_t c = 0, o = 0; c < k; c++) {
        if (count[c] > 0 && km.sum_w[c] > 0) {
            for (size_t j = 0; j < d; j++)
                out_x[o * d + j] = ldexp(best[c * d + j], shift);
            out_w[o++] = km.sum_w[c];
        }
    }
    /* Snap to values the feature really takes, so that a background row
     * never holds an impossible value (a 0.37 of a one-hot column). */
    for (size_t j = 0; j < d; j++) {
        for (size_t i = 0; i < n; i++)
            column[i] = x[i * d + j];
        qsort(column, n, sizeof *column, compare_double);
        for (size_t c = 0; c < kept; c++)
            out_x[c * d + j] = nearest(column, n, out_x[c * d + j]);
    }
    rc = adopt_with_names(out, ds, kept, out_x, out_w);
    out_x = out_w = NULL; /* adopted, or freed by adopt_with_names */

done:
    free(x);
    free(xs);
    free(w);
    free(best);
    free(best_assign);
    free(column);
    free(km.centres);
    free(km.assign);
    free(km.d2);
    free(km.sum_w);
    free(out_x);
    free(out_w);
    return rc;
}
