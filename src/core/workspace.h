/* Per-thread scratch memory: explainers and adapters borrow from it. */
#ifndef XPL_CORE_WORKSPACE_H
#define XPL_CORE_WORKSPACE_H

#include <stddef.h>
#include <xplain/xplain.h>

struct xpl_workspace {
    void *scratch; /* 64-byte aligned, grown on demand, never shrunk */
    size_t capacity;
};

/* At least `bytes` of scratch (64-byte aligned; NULL with an error set on
 * allocation failure). Invalidates pointers from earlier calls. */
void *xpl__workspace_scratch(xpl_workspace *ws, size_t bytes);

#endif
