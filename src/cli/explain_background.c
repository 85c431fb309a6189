/* --background for explain, explain importance and explain serve: read with
 * the rows' layout options and summarised as --background-size and
 * --kmeans ask. */
#include <xplain/xplain.h>

#include "cli.h"
#include "explain_background.h"

int explain_load_background(xpl_dataset **out, const xpl_model *m,
                            const struct explain_args *a)
{
    *out = NULL;
    if (!a->background_path)
        return EXIT_OK;
    xpl_csv_options csv = XPL_CSV_OPTIONS_INIT;
    csv.has_header = a->has_header;
    csv.delimiter = a->delimiter;
    csv.columns = xpl_model_feature_names(m);
    csv.n_columns = xpl_model_n_features(m);
    csv.file_columns = a->n_columns ? a->columns : NULL;
    csv.n_file_columns = a->n_columns;
    cli_categories cats;
    if (cli_csv_categories(&csv, m, a->unknown_category, &cats))
        return EXIT_INTERNAL;
    xpl_dataset *all = NULL, *kept = NULL;
    int rc = xpl_dataset_read_csv(&all, a->background_path, &csv);
    cli_csv_categories_free(&cats);
    if (rc)
        return cli_library_error(rc);
    if (xpl_dataset_n_rows(all) == 0) {
        cli_error("%s: no data rows", a->background_path);
        xpl_dataset_free(all);
        return EXIT_INPUT;
    }
    if (a->background_size && a->background_size < xpl_dataset_n_rows(all)) {
        rc = a->kmeans ? xpl_dataset_kmeans(&kept, all, a->background_size,
                                            a->ks.seed)
                       : xpl_dataset_sample(&kept, all, a->background_size,
                                            a->ks.seed);
        xpl_dataset_free(all);
        if (rc)
            return cli_library_error(rc);
        *out = kept;
    } else {
        *out = all;
    }
    return EXIT_OK;
}
