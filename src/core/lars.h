/* One least angle regression path (LARS, Efron, Hastie, Johnstone and
 * Tibshirani 2004), plain or lasso, from the Gram matrix X'X and X'y: the
 * path behind Kernel SHAP's L1 selection (shap's l1_reg through scikit-
 * learn's lars_path / LassoLarsIC) and LIME's lasso-path feature selection
 * (lime's lars_path(method="lasso")).
 *
 * Each step adds the inactive variable most correlated with the residual,
 * moves the active coefficients along the equiangular direction until
 * another variable's correlation catches up (or, for the lasso, an active
 * coefficient reaches zero and leaves), and records the coefficients at
 * that knot. In exact arithmetic every option set below gives the same
 * path; they differ in how near-ties, round-off and singular active sets
 * are handled, and each explainer must reproduce the reference it is
 * tested against bit for bit, so those rules are parameters. */
#ifndef XPL_CORE_LARS_H
#define XPL_CORE_LARS_H

#include <stddef.h>
#include <stdint.h>

/* Which variable enters, and when the correlations count as exhausted. */
typedef enum {
    /* Correlations within a relative 1e-12 of the current maximum tie, and
     * the first (lowest index) of tied variables enters; the maximum C is
     * taken over every variable, active ones included; the path stops when
     * C falls to 1e-12 of the largest initial |X'y|. Kernel SHAP: shap's
     * augmented problem has exactly tied columns (players that appear in
     * the same coalitions), and round-off decides between them unless the
     * comparison tolerates it; this reproduces the l1 fixtures. */
    XPL__LARS_TIES_RELATIVE = 0,
    /* Exact comparisons, the first of equal correlations wins (numpy's
     * argmax), C over the inactive variables only, stop when C is exactly
     * 0: scikit-learn's lars_path as lime calls it (LIME fixtures). */
    XPL__LARS_TIES_EXACT = 1
} xpl__lars_ties;

/* How the correlations X'(y - X beta) follow the path. */
typedef enum {
    /* Updated at each step, c -= gamma X'X d, and the sign of a variable's
     * direction fixed when it enters: scikit-learn's Gram-based update
     * (Kernel SHAP). */
    XPL__LARS_CORR_INCREMENTAL = 0,
    /* Recomputed from X'y and the coefficients at every step, and the
     * signs of the direction taken from them (c > 0: +1, else -1): round-
     * off does not accumulate along a long path (LIME). */
    XPL__LARS_CORR_RECOMPUTED = 1
} xpl__lars_corr;

/* How the step length gamma guards against round-off in its ratios. */
typedef enum {
    /* A candidate ratio counts only if above 1e-15 times the current
     * step, and a zero direction never makes a variable leave: a variable
     * that has just joined or left cannot stop the step at its own knot
     * again (Kernel SHAP). */
    XPL__LARS_STEP_RELATIVE = 0,
    /* Denominators get float's smallest normal (1.1754944e-38) added and
     * only positive ratios count, scikit-learn's own guard (LIME). */
    XPL__LARS_STEP_FLOAT_TINY = 1
} xpl__lars_step;

/* What a singular active set does (duplicate or collinear columns). */
typedef enum {
    /* Stop at the last knot: LassoLarsIC's path ends when the active Gram
     * is not numerically positive definite (Kernel SHAP). */
    XPL__LARS_SINGULAR_STOP = 0,
    /* Solve for the direction with the pseudo-inverse (eigenvalues at or
     * below 1e-12 of the largest dropped) and go on, as scikit-learn's
     * solve falls back to a least-squares solution (LIME). */
    XPL__LARS_SINGULAR_PSEUDO_INVERSE = 1
} xpl__lars_singular;

typedef struct xpl__lars_opts {
    int lasso;                   /* 1: a coefficient reaching 0 leaves the
                                    active set (the lasso path); 0: plain
                                    LAR, variables only enter */
    xpl__lars_ties ties;
    xpl__lars_corr corr;
    xpl__lars_step step;
    xpl__lars_singular singular;
    double pivot_tol;            /* the active Gram is singular if its
                                    Cholesky fails or, when > 0, its
                                    smallest pivot is at or below pivot_tol
                                    times its largest (Kernel SHAP 1e-14;
                                    LIME 0: only a failed factor) */
    size_t max_steps;            /* knots after the first (scikit-learn's
                                    max_iter); must be >= 1 */
    size_t max_add;              /* 0, or stop before the (max_add + 1)-th
                                    entry (shap's "num_features(k)") */
    size_t stop_at;              /* 0, or stop at that knot */
} xpl__lars_opts;

/* The problem: m variables, X'X in the leading m x m block of G (row-major,
 * leading dimension ld), X'y at Xy[j * xy_stride]. Not modified. */
typedef struct xpl__lars_gram {
    size_t m;
    const double *G;
    size_t ld;
    const double *Xy;
    size_t xy_stride;
} xpl__lars_gram;

/* Working memory of one path, carved from a caller's block. */
typedef struct xpl__lars_work {
    double *beta;          /* m: the coefficients at the last knot */
    unsigned char *active; /* m: 1 for the variables of the active set
                              when the path ended (a variable whose entry
                              made the set singular included, at zero) */
    /* private: correlations X'(y - X beta), the direction d by position
     * in the active set, X'X d, the signs of the active correlations by
     * position and by variable (at entry), the active Gram */
    double *c, *d, *a, *s, *sign, *GA;
    uint32_t *order;       /* active variables in order of entry */
} xpl__lars_work;

/* Bytes of working memory for m variables (a multiple of 64). */
size_t xpl__lars_bytes(size_t m);

/* Lay out w in mem (xpl__lars_bytes(m) bytes, aligned for doubles). */
void xpl__lars_work_init(xpl__lars_work *w, void *mem, size_t m);

/* Follows the path and returns its number of knots (>= 1; knot 0 is all
 * zeros). path (NULL or (max_steps + 1) * m doubles) receives the
 * coefficients at every knot, nnz (NULL or max_steps + 1 entries) their
 * number of non-zeros; w->beta and w->active hold the last knot's. Ends at
 * max_steps, stop_at, max_add, when the correlations are exhausted, every
 * variable is active, or the active set is singular (per opts). Never
 * fails: the pseudo-inverse's allocation failing ends the path too. */
size_t xpl__lars_path(const xpl__lars_gram *p, const xpl__lars_opts *o,
                      xpl__lars_work *w, double *path, uint32_t *nnz);

#endif
