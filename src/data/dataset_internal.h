/* The in-memory dataset's layout, shared by the data, model and explainer code. */
#ifndef XPL_DATA_DATASET_INTERNAL_H
#define XPL_DATA_DATASET_INTERNAL_H

#include <xplain/xplain.h>

struct xpl_dataset {
    size_t n_rows;
    size_t n_cols;
    double *x;     /* n_rows * n_cols, row-major (may be NULL when n_rows == 0) */
    char **names;  /* n_cols owned strings */
    double *w;     /* n_rows weights, or NULL */
};

/* Build a dataset that takes ownership of x, names (array and strings) and w
 * on success; on failure the caller still owns them. */
int xpl__dataset_adopt(xpl_dataset **out, size_t n_rows, size_t n_cols,
                       double *x, char **names, double *w);

/* Deep copy. */
int xpl__dataset_copy(xpl_dataset **out, const xpl_dataset *ds);

#endif
