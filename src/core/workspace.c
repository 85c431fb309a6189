#include "core/workspace.h"

#include <stdlib.h>

#include "core/error.h"

enum { SCRATCH_ALIGN = 64 };

int xpl_workspace_new(xpl_workspace **out)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "xpl_workspace_new: out is NULL");
    *out = calloc(1, sizeof **out);
    return *out ? XPL_OK : xpl__enomem();
}

void xpl_workspace_free(xpl_workspace *ws)
{
    if (!ws)
        return;
    free(ws->scratch);
    free(ws->results);
    free(ws);
}

/* At least `bytes` at *block (capacity *capacity), grown geometrically so
 * a sequence of slightly larger requests does not reallocate every time. */
static void *grow(void **block, size_t *capacity_io, size_t bytes)
{
    if (bytes <= *capacity_io)
        return *block;
    if (bytes > (size_t)-1 - SCRATCH_ALIGN) {
        xpl__enomem();
        return NULL;
    }
    size_t capacity = *capacity_io ? *capacity_io : 4096;
    while (capacity < bytes) {
        if (capacity > (size_t)-1 / 2) {
            capacity = bytes;
            break;
        }
        capacity *= 2;
    }
    capacity = (capacity + SCRATCH_ALIGN - 1) / SCRATCH_ALIGN * SCRATCH_ALIGN;
    void *p = aligned_alloc(SCRATCH_ALIGN, capacity);
    if (!p) {
        xpl__enomem();
        return NULL;
    }
    free(*block);
    *block = p;
    *capacity_io = capacity;
    return p;
}

void *xpl__workspace_scratch(xpl_workspace *ws, size_t bytes)
{
    return grow(&ws->scratch, &ws->capacity, bytes);
}

int xpl__workspace_scratch_for_call(xpl_workspace **ws, xpl_workspace **own,
                                    size_t bytes, void **scratch)
{
    *own = NULL;
    if (!*ws) {
        int rc = xpl_workspace_new(own);
        if (rc)
            return rc;
        *ws = *own;
    }
    *scratch = xpl__workspace_scratch(*ws, bytes);
    if (!*scratch) {
        xpl_workspace_free(*own);
        *own = NULL;
        return XPL_ENOMEM;
    }
    return XPL_OK;
}

void *xpl__workspace_results(xpl_workspace *ws, size_t bytes)
{
    return grow(&ws->results, &ws->results_capacity, bytes);
}
