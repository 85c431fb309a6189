/*
 * Explain rows of a CSV file and print one JSON line per row and output,
 * the way a scoring service would: build the explainer once (the method
 * the model fits best, over the background the model file embeds), then
 * per row: explain into the workspace, render.
 *
 *   cc explain_rows.c $(pkg-config --cflags --libs xplain) -o explain_rows
 *   ./explain_rows data/models/breast_cancer_xgb.bin data/breast_cancer.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <xplain/xplain.h>

/* The service core: one explainer shared by every thread, one workspace
 * per thread, and per row a complete explanation ready to render. */
static int explain_all(const xpl_explainer *ex, xpl_workspace *ws,
                       const xpl_dataset *rows, xpl_explanation *e)
{
    size_t P = xpl_explainer_n_features(ex), n = xpl_explainer_n_outputs(ex);
    int rc = XPL_OK;
    for (size_t i = 0; rc == XPL_OK && i < xpl_dataset_n_rows(rows); i++) {
        rc = xpl_explainer_explain(ex, ws, xpl_dataset_data(rows) + i * P, e);
        for (size_t k = 0; rc == XPL_OK && k < n; k++) {
            e[k].row = i;
            rc = xpl_render_json(stdout, &e[k]);
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL ROWS.csv\n", argv[0]);
        return 1;
    }
    xpl_model *model = NULL;
    xpl_dataset *rows = NULL;
    xpl_explainer *ex = NULL;
    xpl_workspace *ws = NULL;
    xpl_explanation *e = NULL;
    int rc = xpl_model_load(&model, argv[1]);
    if (rc == XPL_OK) {
        xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
        opts.columns = xpl_model_feature_names(model);
        opts.n_columns = xpl_model_n_features(model);
        rc = xpl_dataset_read_csv(&rows, argv[2], &opts);
    }
    if (rc == XPL_OK)
        rc = xpl_explainer_new(&ex, model, NULL, NULL);
    if (rc == XPL_OK)
        rc = xpl_workspace_new(&ws);
    if (rc == XPL_OK && !(e = calloc(xpl_explainer_n_outputs(ex), sizeof *e)))
        rc = XPL_ENOMEM;
    if (rc == XPL_OK)
        rc = explain_all(ex, ws, rows, e);
    if (rc != XPL_OK)
        fprintf(stderr, "explain_rows: %s\n", xpl_last_error());
    free(e);
    xpl_workspace_free(ws);
    xpl_explainer_free(ex);
    xpl_dataset_free(rows);
    xpl_model_free(model);
    return rc == XPL_OK ? 0 : 2;
}
