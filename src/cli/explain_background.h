/* The background every explain command reads from --background. */
#ifndef XPL_CLI_EXPLAIN_BACKGROUND_H
#define XPL_CLI_EXPLAIN_BACKGROUND_H

#include "explain_args.h"

/* --background read as the rows are (header, --columns, delimiter) and
 * summarised to --background-size rows (a sample, or --kmeans centres);
 * *out is NULL without --background: the model's embedded background is
 * used. Returns an exit code, having printed any error. */
int explain_load_background(xpl_dataset **out, const xpl_model *m,
                            const struct explain_args *a);

#endif
