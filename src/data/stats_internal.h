/* The statistics table's layout, shared with model.bin's reader and writer. */
#ifndef XPL_DATA_STATS_INTERNAL_H
#define XPL_DATA_STATS_INTERNAL_H

#include <xplain/xplain.h>

struct xpl_stats {
    size_t n_features;
    size_t n_quantiles;
    double *probs;              /* n_quantiles, strictly increasing in [0,1] */
    xpl_feature_stats *feature; /* n_features */
    double *quantiles;          /* n_features * n_quantiles, row per feature */
};

/* Allocate an empty table (values zeroed, probs unset). */
int xpl__stats_alloc(xpl_stats **out, size_t n_features, size_t n_quantiles);

/* Deep copy. */
int xpl__stats_copy(xpl_stats **out, const xpl_stats *s);

#endif
