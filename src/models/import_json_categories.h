/* Categorical splits of xplain's JSON tree ensembles
 * (import_json_categories.c; docs/model-format.md section 2). */
#ifndef XPL_MODELS_IMPORT_JSON_CATEGORIES_H
#define XPL_MODELS_IMPORT_JSON_CATEGORIES_H

#include <jansson.h>
#include <stddef.h>
#include <xplain/xplain.h>

#include "models/trees.h"

/* Largest number of category-set words one JSON model may ask for (all its
 * categorical splits together): a node of a few bytes names up to
 * n_known / 32 words, so the total is bounded, not the file size. */
#define XPL__JSON_MAX_CAT_WORDS ((size_t)1 << 24)

/* The top-level "categories" object (NULL: absent): feature name -> list of
 * the feature's category names in code order. n_known[j] (n_features
 * entries, zeroed by the caller) gets each listed feature's number of
 * categories. Messages start with `name`. */
int xpl__json_known_categories(const char *name, json_t *cats,
                               const char *const *feature_names,
                               size_t n_features, size_t *n_known);

/* Tree t's "left_categories" (NULL: absent): per node null, or the codes
 * that go left at a categorical split on a feature of "categories". Sets
 * a's split kinds and thresholds (set indices) and adds the sets to pool,
 * folding scikit-learn's rule (unknown codes go the missing way) into
 * xplain's category sets. */
int xpl__json_tree_categories(const char *name, json_t *left_cats, size_t t,
                              const size_t *n_known, size_t n_features,
                              xpl__tree_arrays *a, size_t n_nodes,
                              xpl__catpool *pool);

/* Give the built model the names of "categories" (NULL: nothing to do). */
int xpl__json_attach_categories(xpl_model *m, const char *name,
                                json_t *cats);

#endif
