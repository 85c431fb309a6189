/* explain predict MODEL ROWS.csv: one line of predictions per row. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xplain/render.h>

#include "cli.h"

static const char usage[] =
    "Usage: explain predict MODEL ROWS.csv [options]\n"
    "\n"
    "Predict every row of ROWS.csv ('-' for standard input) and print one line\n"
    "per row, outputs separated by commas, with 17 significant digits.\n"
    "Columns are matched to the model's features by name; other columns (a\n"
    "target, an id) are ignored.\n"
    "\n"
    "One column per model output ('explain info' shows how many): a binary\n"
    "classifier with one margin (XGBoost, gradient boosting, logistic\n"
    "regression) gives one, the probability of class 1; a model with one\n"
    "output per class (a random forest, a multiclass model) gives one per\n"
    "class, like scikit-learn's predict_proba. --header names them.\n"
    "\n"
    "Options:\n"
    "  --model-output raw|probability|response\n"
    "                     raw margins (default); class probabilities\n"
    "                     (classifiers only); or the response after the\n"
    "                     link, whatever it is (e.g. exp(margin) for Poisson)\n"
    "  --no-header        ROWS.csv has no header: columns are taken by\n"
    "                     position and must match the model's features\n"
    "  --delimiter C      field separator (default ',')\n"
    "  --unknown-category error|missing\n"
    "                     a cell naming no category of its feature (the\n"
    "                     model's names; codes always work): an error\n"
    "                     (default), or a missing value\n"
    "  --header           first print a header naming the columns: raw,\n"
    "                     probability_1 or response for one output;\n"
    "                     raw_K, probability_K, response_K for output K\n"
    "  -o, --output FILE  write to FILE (atomically) instead of standard output\n"
    "  -h, --help         show this help\n";

/* The column names of --header: the output kind, and the output's index
 * when there are several. A single probability is that of class 1 (a
 * binary classifier with one margin). */
static void print_header(FILE *fp, xpl_output kind, size_t n_outputs)
{
    const char *name = kind == XPL_OUTPUT_PROBABILITY ? "probability"
                       : kind == XPL_OUTPUT_RESPONSE  ? "response"
                                                      : "raw";
    if (n_outputs == 1) {
        fprintf(fp, kind == XPL_OUTPUT_PROBABILITY ? "%s_1\n" : "%s\n", name);
        return;
    }
    for (size_t k = 0; k < n_outputs; k++)
        fprintf(fp, "%s_%zu%c", name, k, k + 1 < n_outputs ? ',' : '\n');
}

/* Rows per batch: large enough to amortise the model call, small enough to
 * keep memory constant for any input size. */
enum { BATCH_ROWS = 1024 };

int cmd_predict(int argc, char **argv)
{
    static const struct option options[] = {
        { "model-output", required_argument, NULL, 'm' },
        { "no-header", no_argument, NULL, 'H' },
        { "delimiter", required_argument, NULL, 'd' },
        { "header", no_argument, NULL, 'N' },
        { "unknown-category", required_argument, NULL, 'U' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    xpl_output kind = XPL_OUTPUT_RAW;
    xpl_csv_options csv = XPL_CSV_OPTIONS_INIT;
    const char *out_path = NULL;
    int header = 0, unknown = XPL_UNKNOWN_CATEGORY_ERROR, c;
    cli_categories cats = { NULL, NULL };
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "raw") == 0)
                kind = XPL_OUTPUT_RAW;
            else if (strcmp(optarg, "probability") == 0)
                kind = XPL_OUTPUT_PROBABILITY;
            else if (strcmp(optarg, "response") == 0)
                kind = XPL_OUTPUT_RESPONSE;
            else
                return cli_usage_error("predict", "--model-output must be "
                                       "'raw', 'probability' or 'response', "
                                       "not '%s'", optarg);
            break;
        case 'H':
            csv.has_header = 0;
            break;
        case 'N':
            header = 1;
            break;
        case 'U':
            if (strcmp(optarg, "error") && strcmp(optarg, "missing"))
                return cli_usage_error("predict", "--unknown-category must "
                                       "be 'error' or 'missing', not '%s'",
                                       optarg);
            unknown = strcmp(optarg, "missing") == 0
                          ? XPL_UNKNOWN_CATEGORY_MISSING
                          : XPL_UNKNOWN_CATEGORY_ERROR;
            break;
        case 'd':
            if (strlen(optarg) != 1)
                return cli_usage_error("predict", "--delimiter takes one "
                                       "character, not '%s'", optarg);
            /* An invalid option value is a usage error (exit 1), not bad
             * input: check here what the CSV reader would refuse. */
            if (strchr("\"\r\n", optarg[0]))
                return cli_usage_error("predict", "--delimiter cannot be a "
                                       "quote or a line end");
            csv.delimiter = optarg[0];
            break;
        case 'o':
            if (!optarg[0])
                return cli_usage_error("predict", "-o needs a file name "
                                       "('-' for standard output)");
            out_path = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case ':':
            return cli_usage_error("predict", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("predict", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("predict", "expected MODEL and ROWS.csv, got "
                               "%d argument%s", argc - optind,
                               argc - optind == 1 ? "" : "s");
    const char *model_path = argv[optind];
    const char *rows_path = argv[optind + 1];
    const cli_input inputs[] = { { "MODEL", model_path },
                                 { "ROWS.csv", rows_path } };
    int status = cli_check_output("predict", out_path, "", inputs, 2);
    if (status)
        return status;

    xpl_model *model = NULL;
    xpl_csv_reader *reader = NULL;
    xpl_workspace *ws = NULL;
    double *x = NULL, *y = NULL;
    cli_output out = { 0 };
    int rc;

    if ((rc = xpl_model_load(&model, model_path))) {
        status = cli_library_error(rc);
        goto done;
    }
    size_t n_features = xpl_model_n_features(model);
    size_t n_outputs = xpl_model_n_outputs(model);
    if (kind == XPL_OUTPUT_PROBABILITY && !xpl_model_is_classifier(model)) {
        const char *link = xpl_link_name(xpl_model_link(model));
        status = cli_usage_error("predict", "--model-output probability needs "
                                 "a classifier; %s has %s %s link (use "
                                 "'response' for the prediction after the "
                                 "link)", model_path, cli_article(link),
                                 link);
        goto done;
    }
    csv.columns = xpl_model_feature_names(model);
    csv.n_columns = n_features;
    if (cli_csv_categories(&csv, model, unknown, &cats)) {
        status = EXIT_INTERNAL;
        goto done;
    }
    rc = xpl_csv_reader_open(&reader, rows_path, &csv);
    cli_csv_categories_free(&cats);
    if (rc ||
        (rc = xpl_workspace_new(&ws))) {
        status = cli_library_error(rc);
        goto done;
    }
    /* A batch holds about 2^20 values (8 MiB) at most: the widest models
     * (XPL_MAX_FEATURES inputs, XPL_MAX_OUTPUTS outputs) are read a row
     * or two at a time rather than allocating gigabytes. */
    size_t width = n_features + n_outputs, batch_rows = BATCH_ROWS;
    if (width > ((size_t)1 << 20) / BATCH_ROWS)
        batch_rows = ((size_t)1 << 20) / width + 1;
    x = malloc(sizeof *x * batch_rows * n_features);
    y = malloc(sizeof *y * batch_rows * n_outputs);
    if (!x || !y) {
        fputs("explain: out of memory\n", stderr);
        status = EXIT_INTERNAL;
        goto done;
    }
    if ((status = cli_output_open(&out, out_path)))
        goto done;
    if (header)
        print_header(out.fp, kind, n_outputs);
    for (;;) {
        size_t n;
        if ((rc = xpl_csv_reader_read(reader, x, batch_rows, &n)) ||
            (rc = xpl_model_predict(model, ws, x, n, kind, y))) {
            status = cli_library_error(rc);
            break;
        }
        if (n == 0)
            break;
        for (size_t r = 0; r < n; r++) {
            for (size_t k = 0; k < n_outputs; k++) {
                char num[XPL_DOUBLE_CHARS];
                xpl_format_double(num, y[r * n_outputs + k]);
                fputs(num, out.fp);
                fputc(k + 1 < n_outputs ? ',' : '\n', out.fp);
            }
        }
    }
    if (status == EXIT_OK)
        status = cli_output_commit(&out);
    else
        cli_output_abort(&out);
done:
    free(x);
    free(y);
    xpl_workspace_free(ws);
    xpl_csv_reader_free(reader);
    xpl_model_free(model);
    return status;
}
