/* model.bin's TREES section: the tree ensemble's own payload. */
#ifndef XPL_MODELS_TREE_SECTION_H
#define XPL_MODELS_TREE_SECTION_H

#include "core/bytes.h"
#include "models/trees.h"

/* An ensemble spec read from a file, owning its arrays. */
typedef struct xpl__owned_ensemble {
    xpl__ensemble_spec spec;
    xpl__tree_spec *trees;
    double *base_score;
    char *objective;
    xpl__catset *cat_sets;
    uint32_t *cat_words;
} xpl__owned_ensemble;

/* Write the payload (the section header is the caller's). */
void xpl__tree_section_write(xpl__writer *w, const xpl__ensemble *e);

/* Read the payload of a model with the given shape. Every count is checked
 * against the bytes left before allocating; the builder validates the rest. */
int xpl__tree_section_read(xpl__reader *r, size_t n_features,
                           size_t n_outputs, xpl__owned_ensemble *out);

void xpl__owned_ensemble_free(xpl__owned_ensemble *o);

#endif
