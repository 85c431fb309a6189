/* Seeding: the splitmix64 mixer, and the key of a row (a hash of its
 * values) that seeds its random stream. */
#ifndef XPL_CORE_RNG_SEED_H
#define XPL_CORE_RNG_SEED_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64's output function applied to z + the golden-ratio increment:
 * one step of the generator whose state was z. */
uint64_t xpl__mix64(uint64_t z);

/* The key of a row of p values: a hash of its values in order, so a row
 * gets the same numbers wherever it appears (any call, thread, batch or
 * position in a file). -0 counts as 0 and every NaN as one missing value.
 * Documented in <xplain/explainer.h>: changing it changes results. */
uint64_t xpl__row_key(const double *x, size_t p);

#endif
