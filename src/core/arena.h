/* The bump allocator explainers lay out a row's memory with: one pass with
 * base NULL measures, the second (over a workspace block of that size)
 * hands out 64-byte aligned pieces in the same order. */
#ifndef XPL_CORE_ARENA_H
#define XPL_CORE_ARENA_H

#include <stddef.h>

#include "core/workspace.h"

typedef struct xpl__arena {
    unsigned char *base; /* NULL: only measure */
    size_t used;
} xpl__arena;

enum { XPL__ARENA_ALIGN = 64 };

/* `bytes` from the arena (NULL while measuring). */
static inline void *xpl__arena_take(xpl__arena *a, size_t bytes)
{
    void *p = a->base ? a->base + a->used : NULL;
    a->used += (bytes + XPL__ARENA_ALIGN - 1) / XPL__ARENA_ALIGN *
               XPL__ARENA_ALIGN;
    return p;
}

/* Between the two passes: point the measured arena (a->used bytes) at
 * scratch from *ws, or from a workspace made for the call (then in *own,
 * for the caller to free), and rewind it. Returns XPL_OK or an error. */
static inline int xpl__arena_from_workspace(xpl__arena *a, xpl_workspace **ws,
                                            xpl_workspace **own)
{
    void *base;
    int rc = xpl__workspace_scratch_for_call(ws, own, a->used, &base);
    if (rc)
        return rc;
    a->base = base;
    a->used = 0;
    return XPL_OK;
}

#endif
