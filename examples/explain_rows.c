/*
 * Explain rows of a CSV file with exact TreeSHAP over the background that
 * the model file embeds, and print one JSON line per row, the way a scoring
 * service would: build the explainer once, explain each row with a
 * workspace, render.
 *
 *   cc explain_rows.c $(pkg-config --cflags --libs xplain) -o explain_rows
 *   ./explain_rows data/models/breast_cancer_xgb.bin data/breast_cancer.csv
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <xplain/render.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL.bin ROWS.csv\n", argv[0]);
        return 1;
    }
    xpl_model *model = NULL;
    xpl_dataset *rows = NULL;
    xpl_tree_shap *ts = NULL;
    xpl_workspace *ws = NULL;
    double *phi = NULL, *pred = NULL;
    int rc = xpl_model_load(&model, argv[1]);
    if (rc == XPL_OK) {
        xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
        opts.columns = xpl_model_feature_names(model);
        opts.n_columns = xpl_model_n_features(model);
        rc = xpl_dataset_read_csv(&rows, argv[2], &opts);
    }
    /* Built once; immutable, so any number of threads may share it. */
    if (rc == XPL_OK)
        rc = xpl_tree_shap_new(&ts, model, xpl_model_background(model));
    if (rc == XPL_OK)
        rc = xpl_workspace_new(&ws); /* one per thread */
    size_t P = xpl_model_n_features(model), D = xpl_model_n_outputs(model);
    if (rc == XPL_OK) {
        phi = malloc(D * P * sizeof *phi);
        pred = malloc(D * sizeof *pred);
        if (!phi || !pred)
            rc = XPL_ENOMEM;
    }
    for (size_t i = 0; rc == XPL_OK && i < xpl_dataset_n_rows(rows); i++) {
        const double *x = xpl_dataset_data(rows) + i * P;
        rc = xpl_tree_shap_explain(ts, ws, x, phi, pred);
        for (size_t d = 0; rc == XPL_OK && d < D; d++) {
            xpl_explanation e = {
                .row = i, .output = d, .n_outputs = D, .method = "tree-shap",
                .n_features = P, .names = xpl_model_feature_names(model),
                .values = x, .contributions = phi + d * P,
                .base_value = xpl_tree_shap_base_values(ts)[d],
                .prediction = pred[d],
                .intercept = NAN, .score = NAN, .local_prediction = NAN,
            };
            rc = xpl_render_json(stdout, &e);
        }
    }
    if (rc != XPL_OK)
        fprintf(stderr, "explain_rows: %s\n", xpl_last_error());
    free(phi);
    free(pred);
    xpl_workspace_free(ws);
    xpl_tree_shap_free(ts);
    xpl_dataset_free(rows);
    xpl_model_free(model);
    return rc == XPL_OK ? 0 : 2;
}
