/* Symmetric eigen-decomposition on GSL, without GSL's error handler.
 *
 * GSL reports a failed allocation or a bad argument through its process-wide
 * error handler, which aborts unless the program turned it off. The library
 * must not depend on its caller doing that, so GSL's allocators are not
 * used: the matrices are views of memory allocated here, the workspace is
 * filled in here, and the sizes GSL checks are right by construction. */
#ifndef XPL_CORE_EIGEN_H
#define XPL_CORE_EIGEN_H

#include <stddef.h>

/* Eigenvalues eval[0..n) and eigenvectors (column k of the row-major n x n
 * evec belongs to eval[k]) of the symmetric row-major n x n matrix a, in
 * GSL's (unsorted) order. a is not modified. n == 0 does nothing.
 * Returns XPL_OK or XPL_ENOMEM (error set); never calls GSL's handler. */
int xpl__eigen_symmetric(size_t n, const double *a, double *eval,
                         double *evec);

#endif
