/* Dense symmetric linear algebra for the explainers' small regressions:
 * Cholesky factor and solves, and the pseudo-inverse of a symmetric matrix
 * (through its eigen-decomposition) for the singular cases. Row-major
 * matrices with a leading dimension `ld` (elements between rows), so a
 * leading block of a larger matrix can be used in place. */
#ifndef XPL_CORE_LINALG_H
#define XPL_CORE_LINALG_H

#include <stddef.h>

/* In-place Cholesky factor of the leading n x n block of A: A = L L', L in
 * the lower triangle (the strict upper triangle is not touched). Returns
 * 0, or -1 as soon as a pivot is not positive (A not numerically positive
 * definite). dmin/dmax (either may be NULL) receive the smallest and
 * largest pivot before its square root, for a conditioning test. */
int xpl__cholesky(double *A, size_t n, size_t ld, double *dmin,
                  double *dmax);

/* b = (L L')^-1 b in place, L from xpl__cholesky. */
void xpl__cholesky_solve(const double *L, size_t n, size_t ld, double *b);

/* x = G^-1 rhs for the SPD leading n x n block of G, through a Cholesky
 * factor in work (n * n doubles; G is not modified). Returns 0, or -1 if
 * G is not positive definite or its smallest pivot is below `rel_pivot`
 * times the largest. */
int xpl__spd_solve(const double *G, size_t n, size_t ld, const double *rhs,
                   double *x, double *work, double rel_pivot);

/* out = A^+, the pseudo-inverse of the symmetric leading n x n block of A
 * (ld lda) into the leading block of out (ld ldo; out may be A):
 * eigenvalues not above `tol` times the largest magnitude are dropped, as
 * an SVD solver drops negligible singular values. Allocates; returns
 * XPL_OK or XPL_ENOMEM. */
int xpl__sym_pinv(size_t n, const double *A, size_t lda, double tol,
                  double *out, size_t ldo);

/* b = A^+ b for the symmetric n x n matrix A (ld n), eigenvalues not above
 * `tol` times the largest magnitude dropped. Allocates; returns XPL_OK or
 * XPL_ENOMEM. */
int xpl__sym_pinv_solve(size_t n, const double *A, double tol, double *b);

#endif
