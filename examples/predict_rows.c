/*
 * Load a model, read rows from a CSV file and print the predictions.
 *
 *   cc predict_rows.c $(pkg-config --cflags --libs xplain) -o predict_rows
 *   ./predict_rows data/models/wine_logistic.bin data/wine.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <xplain/xplain.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL ROWS.csv\n", argv[0]);
        return 1;
    }
    xpl_model *model = NULL;
    xpl_dataset *rows = NULL;
    double *pred = NULL;
    int rc = xpl_model_load(&model, argv[1]);
    if (rc == XPL_OK) {
        /* Match the file's columns to the model's features by name. */
        xpl_csv_options opts = XPL_CSV_OPTIONS_INIT;
        opts.columns = xpl_model_feature_names(model);
        opts.n_columns = xpl_model_n_features(model);
        rc = xpl_dataset_read_csv(&rows, argv[2], &opts);
    }
    if (rc != XPL_OK) {
        fprintf(stderr, "error: %s\n", xpl_last_error());
        xpl_model_free(model);
        return 2;
    }

    size_t n = xpl_dataset_n_rows(rows);
    size_t k = xpl_model_n_outputs(model);
    xpl_link link = xpl_model_link(model);
    xpl_output kind = link == XPL_LINK_LOGIT || link == XPL_LINK_SOFTMAX
                          ? XPL_OUTPUT_PROBABILITY
                          : XPL_OUTPUT_RAW;
    pred = malloc(n * k * sizeof *pred);
    if (!pred)
        rc = XPL_ENOMEM;
    else
        rc = xpl_model_predict(model, NULL, xpl_dataset_data(rows), n, kind,
                               pred);
    if (rc == XPL_OK) {
        printf("%zu rows, %zu outputs (%s)\n", n, k,
               kind == XPL_OUTPUT_RAW ? "raw" : "probability");
        for (size_t r = 0; r < n && r < 5; r++) {
            printf("row %zu:", r + 1);
            for (size_t j = 0; j < k; j++)
                printf(" %.6f", pred[r * k + j]);
            putchar('\n');
        }
    } else {
        fprintf(stderr, "error: %s\n", xpl_last_error());
    }
    free(pred);
    xpl_dataset_free(rows);
    xpl_model_free(model);
    return rc == XPL_OK ? 0 : 2;
}
