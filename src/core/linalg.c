#include "core/linalg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/eigen.h"
#include "core/error.h"

int xpl__cholesky(double *A, size_t n, size_t ld, double *dmin, double *dmax)
{
    double lo = INFINITY, hi = 0;
    for (size_t j = 0; j < n; j++) {
        double *aj = A + j * ld;
        double d = aj[j];
        for (size_t k = 0; k < j; k++)
            d -= aj[k] * aj[k];
        if (!(d > 0))
            return -1;
        double l = sqrt(d);
        aj[j] = l;
        if (d < lo)
            lo = d;
        if (d > hi)
            hi = d;
        for (size_t i = j + 1; i < n; i++) {
            double *ai = A + i * ld;
            double s = ai[j];
            for (size_t k = 0; k < j; k++)
                s -= ai[k] * aj[k];
            ai[j] = s / l;
        }
    }
    if (dmin)
        *dmin = lo;
    if (dmax)
        *dmax = hi;
    return 0;
}

void xpl__cholesky_solve(const double *L, size_t n, size_t ld, double *b)
{
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= L[i * ld + k] * b[k];
        b[i] = s / L[i * ld + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= L[k * ld + i] * b[k];
        b[i] = s / L[i * ld + i];
    }
}

int xpl__spd_solve(const double *G, size_t n, size_t ld, const double *rhs,
                   double *x, double *work, double rel_pivot)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            work[i * n + j] = G[i * ld + j];
    double dmin, dmax;
    if (xpl__cholesky(work, n, n, &dmin, &dmax) != 0 ||
        !(dmin > dmax * rel_pivot))
        return -1;
    memcpy(x, rhs, n * sizeof *x);
    xpl__cholesky_solve(work, n, n, x);
    return 0;
}

/* The eigen-decomposition of the leading n x n block of A and the
 * threshold below which eigenvalues are dropped. */
struct eig {
    double *vec, *val, cut;
};

static int decompose(size_t n, const double *A, size_t lda, double tol,
                     struct eig *e)
{
    double *a = xpl__malloc_array(n * n, sizeof *a);
    e->vec = xpl__malloc_array(n * n, sizeof *e->vec);
    e->val = xpl__malloc_array(n, sizeof *e->val);
    int rc = a && e->vec && e->val ? XPL_OK : xpl__enomem();
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            memcpy(a + i * n, A + i * lda, n * sizeof *a);
        rc = xpl__eigen_symmetric(n, a, e->val, e->vec);
    }
    free(a);
    if (rc) {
        free(e->vec);
        free(e->val);
        return rc;
    }
    double lmax = 0;
    for (size_t k = 0; k < n; k++)
        if (fabs(e->val[k]) > lmax)
            lmax = fabs(e->val[k]);
    e->cut = lmax * tol;
    return XPL_OK;
}

int xpl__sym_pinv(size_t n, const double *A, size_t lda, double tol,
                  double *out, size_t ldo)
{
    struct eig e;
    int rc = decompose(n, A, lda, tol, &e);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            out[i * ldo + j] = 0;
    for (size_t k = 0; k < n; k++) {
        double l = e.val[k];
        if (!(l > e.cut))
            continue;
        for (size_t i = 0; i < n; i++) {
            double vi = e.vec[i * n + k] / l;
            for (size_t j = 0; j < n; j++)
                out[i * ldo + j] += vi * e.vec[j * n + k];
        }
    }
    free(e.vec);
    free(e.val);
    return XPL_OK;
}

int xpl__sym_pinv_solve(size_t n, const double *A, double tol, double *b)
{
    double *t = xpl__calloc_array(n, sizeof *t);
    if (!t)
        return xpl__enomem();
    struct eig e;
    int rc = decompose(n, A, n, tol, &e);
    if (rc) {
        free(t);
        return rc;
    }
    for (size_t q = 0; q < n; q++) {
        double l = e.val[q];
        if (!(l > e.cut))
            continue;
        double proj = 0;
        for (size_t i = 0; i < n; i++)
            proj += e.vec[i * n + q] * b[i];
        for (size_t i = 0; i < n; i++)
            t[i] += e.vec[i * n + q] * proj / l;
    }
    memcpy(b, t, n * sizeof *t);
    free(t);
    free(e.vec);
    free(e.val);
    return XPL_OK;
}
