#include "core/eigen.h"

#include "core/error.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <stdlib.h>
#include <string.h>

int xpl__eigen_symmetric(size_t n, const double *a, double *eval,
                         double *evec)
{
    if (n == 0)
        return XPL_OK; /* GSL's views refuse a zero dimension */
    size_t nn;
    if (!xpl__mul_ok(n, n, &nn) || nn > SIZE_MAX / sizeof(double) - 4 * n)
        return xpl__enomem();
    /* One block: a copy of a (symmv destroys its input), then the four
     * n-vectors gsl_eigen_symmv_alloc would allocate (diagonal,
     * subdiagonal and the Givens rotations' cosines and sines). */
    double *mem = malloc((nn + 4 * n) * sizeof *mem);
    if (!mem)
        return xpl__enomem();
    memcpy(mem, a, nn * sizeof *mem);
    gsl_eigen_symmv_workspace w = {
        .size = n,
        .d = mem + nn,
        .sd = mem + nn + n,
        .gc = mem + nn + 2 * n,
        .gs = mem + nn + 3 * n,
    };
    gsl_matrix_view av = gsl_matrix_view_array(mem, n, n);
    gsl_matrix_view vv = gsl_matrix_view_array(evec, n, n);
    gsl_vector_view ev = gsl_vector_view_array(eval, n);
    /* The shapes are square and agree, so symmv cannot fail: its only
     * errors are shape checks. */
    gsl_eigen_symmv(&av.matrix, &ev.vector, &vv.matrix, &w);
    free(mem);
    return XPL_OK;
}
