/* The checks every explainer constructor starts with. */
#ifndef XPL_EXPLAINERS_NEW_ARGS_H
#define XPL_EXPLAINERS_NEW_ARGS_H

#include "core/error.h"

/* In FN (a string literal, the public function's name): fail with
 * XPL_EINVAL unless `out` is somewhere to put the explainer (cleared here,
 * so a failed call leaves NULL) and `model` is a model. A macro because it
 * returns from the constructor. */
#define XPL__EXPLAINER_NEW_ARGS(fn, out, model)                              \
    do {                                                                     \
        if (!(out))                                                          \
            return xpl__error(XPL_EINVAL, fn ": out is NULL");               \
        *(out) = NULL;                                                       \
        if (!(model))                                                        \
            return xpl__error(XPL_EINVAL, fn ": model is NULL");             \
    } while (0)

#endif
