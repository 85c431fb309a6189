/* Per-thread scratch memory: explainers and adapters borrow from it. */
#ifndef XPL_CORE_WORKSPACE_H
#define XPL_CORE_WORKSPACE_H

#include <stddef.h>
#include <xplain/xplain.h>

struct xpl_workspace {
    void *scratch; /* 64-byte aligned, grown on demand, never shrunk */
    size_t capacity;
    /* where xpl_explainer_explain leaves its explanations' arrays: apart
     * from scratch, which the methods use while they fill it */
    void *results;
    size_t results_capacity;
};

/* At least `bytes` of scratch (64-byte aligned; NULL with an error set on
 * allocation failure). Invalidates pointers from earlier calls. */
void *xpl__workspace_scratch(xpl_workspace *ws, size_t bytes);

/* Scratch for one library call whose caller may pass no workspace: with
 * *ws NULL a workspace is made for the call and stored in *ws and *own
 * (the caller frees *own, NULL or not, when the call ends). *scratch gets
 * at least `bytes`. Returns XPL_OK or an error code (the error is set). */
int xpl__workspace_scratch_for_call(xpl_workspace **ws, xpl_workspace **own,
                                    size_t bytes, void **scratch);

/* The same for the results region (64-byte aligned); scratch calls leave
 * it alone. */
void *xpl__workspace_results(xpl_workspace *ws, size_t bytes);

#endif
