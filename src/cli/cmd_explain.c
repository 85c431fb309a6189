/* explain [--method M] MODEL ROWS.csv: per-row explanations, and
 * explain importance MODEL DATA.csv: their mean magnitude per feature.
 * Rows stream through in bounded batches, are explained on any number of
 * threads and come out in input order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "explain_args.h"
#include "explain_background.h"
#include "explain_methods.h"
#include "explain_sink.h"
#include "explain_usage.h"
#include "importance_explanations.h"
#include "progress.h"
#include "thread_pool.h"

/* Rows read and explained per batch: output stays in input order and memory
 * stays bounded whatever the input size. */
enum { BATCH_ROWS = 256 };

/* ----------------------------------------------------------------- main */

/* What one run holds: the model, background and explainer, the reader,
 * one workspace per thread and the batch buffers. */
struct run {
    struct explain_args a;
    const char *cmd;        /* "importance" or NULL: for usage hints */
    xpl_model *model;
    xpl_dataset *bg;
    xpl_explainer *ex;
    struct results res;
    struct sink sink;
    int sink_open_done;     /* sink_finish still to be called */
    xpl_csv_reader *reader;
    xpl_workspace **ws;     /* a.threads of them */
    size_t batch_rows;
    double *x;              /* batch_rows * P */
    int *rcs;
    uint64_t *lines;        /* the line each row of the batch ended on */
    char (*msgs)[256];
    char **ids;             /* batch_rows * a.n_ids identifier texts */
};

/* --columns must name every feature (or the file could not be read), and
 * an identifier cannot be a feature: both are usage errors, before any
 * file is opened. */
static int check_columns(const xpl_model *m, const struct explain_args *a,
                         const char *cmd)
{
    size_t P = xpl_model_n_features(m);
    for (size_t j = 0; j < P && a->n_columns; j++) {
        const char *f = xpl_model_feature_name(m, j);
        size_t k = 0;
        while (k < a->n_columns && strcmp(a->columns[k], f))
            k++;
        if (k == a->n_columns)
            return cli_usage_error(cmd, "--columns does not name feature "
                                   "'%s' of %s", f, a->model_path);
    }
    for (size_t k = 0; k < a->n_ids; k++)
        for (size_t j = 0; j < P; j++)
            if (strcmp(a->id_columns[k], xpl_model_feature_name(m, j)) == 0)
                return cli_usage_error(cmd, "--id-column '%s' is a feature "
                                       "of %s, not an identifier",
                                       a->id_columns[k], a->model_path);
    return EXIT_OK;
}

/* Keep the identifiers of the row just read as row n of the batch. */
static int keep_ids(struct run *r, size_t n)
{
    for (size_t k = 0; k < r->a.n_ids; k++) {
        char **slot = &r->ids[n * r->a.n_ids + k];
        free(*slot);
        if (!(*slot = strdup(xpl_csv_reader_text(r->reader, k)))) {
            cli_error("out of memory");
            return EXIT_INTERNAL;
        }
    }
    return EXIT_OK;
}

/* Load the model, check the options against it, build the explainer,
 * open the rows and the sink. Returns an exit code, having printed the
 * error; run_close releases whatever was acquired. */
static int run_open(struct run *r)
{
    struct explain_args *a = &r->a;
    const char *cmd = r->cmd;
    int rc, status;
    if ((rc = xpl_model_load(&r->model, a->model_path)))
        return cli_library_error(rc);
    size_t P = xpl_model_n_features(r->model);
    if (a->ks.model_output == XPL_OUTPUT_PROBABILITY &&
        !xpl_model_is_classifier(r->model))
    {
        const char *link = xpl_link_name(xpl_model_link(r->model));
        return cli_usage_error(cmd, "--model-output probability needs a "
                               "classifier; %s has %s %s link", a->model_path,
                               cli_article(link), link);
    }
    /* the dependence chart's features, before any row is explained */
    const char *need[2] = { a->render.feature, a->render.color_by };
    for (int k = 0; k < 2; k++) {
        if (!need[k] || (k == 1 && !strcmp(need[k], "auto")))
            continue;
        size_t j = 0;
        while (j < P && strcmp(xpl_model_feature_name(r->model, j), need[k]))
            j++;
        if (j == P) {
            cli_error("%s: no feature named \"%s\" (%s)", a->model_path,
                      need[k], k ? "--color-by" : "--feature");
            return EXIT_INPUT;
        }
    }
    if ((status = explain_load_background(&r->bg, r->model, a)))
        return status;
    if ((status = explainer_open(&r->ex, r->model, r->bg, a)))
        return status;
    if ((status = explain_fit_outputs(a, r->model,
                                      explain_method_of(xpl_explainer_method(r->ex)),
                                      cmd)))
        return status;
    if ((status = check_columns(r->model, a, cmd)))
        return status;
    xpl_csv_options csv = XPL_CSV_OPTIONS_INIT;
    csv.has_header = a->has_header;
    csv.delimiter = a->delimiter;
    csv.columns = xpl_model_feature_names(r->model);
    csv.n_columns = P;
    csv.file_columns = a->n_columns ? a->columns : NULL;
    csv.n_file_columns = a->n_columns;
    csv.text_columns = a->n_ids ? a->id_columns : NULL;
    csv.n_text_columns = a->n_ids;
    cli_categories cats;
    if (cli_csv_categories(&csv, r->model, a->unknown_category, &cats))
        return EXIT_INTERNAL;
    rc = xpl_csv_reader_open(&r->reader, a->rows_path, &csv);
    cli_csv_categories_free(&cats);
    if (rc)
        return cli_library_error(rc);
    size_t batch_rows = explainer_batch_rows(r->ex, a->interactions,
                                             BATCH_ROWS);
    r->batch_rows = batch_rows;
    r->ws = calloc(a->threads, sizeof *r->ws);
    r->x = malloc(sizeof *r->x * batch_rows * P);
    r->rcs = malloc(sizeof *r->rcs * batch_rows);
    r->lines = malloc(sizeof *r->lines * batch_rows);
    r->msgs = malloc(sizeof *r->msgs * batch_rows);
    if (a->n_ids)
        r->ids = calloc(batch_rows * a->n_ids, sizeof *r->ids);
    if (!r->ws || !r->x || !r->rcs || !r->lines || !r->msgs ||
        (a->n_ids && !r->ids) ||
        results_alloc(&r->res, r->ex, batch_rows)) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t t = 0; t < a->threads; t++)
        if ((rc = xpl_workspace_new(&r->ws[t])))
            return cli_library_error(rc);
    /* sink_finish releases whatever a failed sink_open got */
    r->sink_open_done = 1;
    return sink_open(&r->sink, a, r->ex, r->model);
}

/* Read, explain and emit the rows batch by batch; then finish the sink.
 * Returns the exit code. */
static int stream_rows(struct run *r)
{
    const struct explain_args *a = &r->a;
    size_t P = xpl_explainer_n_features(r->ex), batch_rows = r->batch_rows;
    double *x = r->x;
    int status = EXIT_OK, rc;
    struct progress prog;
    progress_start(&prog, !a->quiet && isatty(STDERR_FILENO), a->rows_path);
    size_t first_row = 0;
    const char *rows_name = strcmp(a->rows_path, "-") == 0 ? "<stdin>"
                                                            : a->rows_path;
    int rows_on_tty = prog.on && !a->importance &&
                      r->sink.out.fp == stdout && isatty(STDOUT_FILENO);
    for (;;) {
        /* row by row, to know each row's line for its error message; the
         * reader keeps an error for the next call, so the rows before a
         * bad one are explained and written first */
        size_t n = 0, got = 1;
        while (n < batch_rows && got &&
               !xpl_csv_reader_read(r->reader, x + n * P, 1, &got) && got) {
            if (r->ids && (status = keep_ids(r, n)))
                break;
            r->lines[n++] = xpl_csv_reader_line(r->reader);
        }
        if (status)
            break;
        if (n == 0) {
            if ((rc = xpl_csv_reader_read(r->reader, x, 1, &got)))
                status = cli_library_error(rc);
            break;
        }
        struct batch b = { r->ex, r->ws, x, n, &r->res, r->rcs, r->msgs, 0 };
        run_batch(&b, a->threads);
        /* rows written to the terminal that shows the progress line start
         * on a line of their own; the line is redrawn after them */
        if (rows_on_tty)
            cli_progress_clear();
        for (size_t i = 0; i < n && status == EXIT_OK; i++) {
            if (r->rcs[i]) {
                cli_error("%s:%llu: row %zu: %s", rows_name,
                          (unsigned long long)r->lines[i], first_row + i,
                          r->msgs[i][0] ? r->msgs[i]
                                        : xpl_strerror(r->rcs[i]));
                status = r->rcs[i] == XPL_ENOMEM || r->rcs[i] == XPL_EUSER
                             ? EXIT_INTERNAL
                             : EXIT_INPUT;
                break;
            }
            status = emit_row(&r->sink, &r->res, i, first_row + i,
                              r->ids ? r->ids + i * a->n_ids : NULL);
        }
        if (rows_on_tty)
            fflush(stdout); /* before the progress line; errors stick */
        if (status != EXIT_OK)
            break;
        first_row += n;
        progress_update(&prog, first_row, xpl_csv_reader_bytes(r->reader), 0);
    }
    /* the final count on success; after an error, the message has taken
     * the progress line's place */
    if (status == EXIT_OK)
        progress_update(&prog, first_row, xpl_csv_reader_bytes(r->reader), 1);
    /* nothing to chart: an SVG document needs a chart, so no rows is an
     * error (as for importance) rather than an empty or broken document;
     * JSON Lines, CSV and text simply have no lines */
    if (status == EXIT_OK && first_row == 0 &&
        (a->importance || a->format == FORMAT_SVG)) {
        cli_error("%s: no data rows", rows_name);
        status = EXIT_INPUT;
    }
    status = sink_finish(&r->sink, status);
    r->sink_open_done = 0;
    return status;
}

static void run_close(struct run *r, int status)
{
    if (r->sink_open_done)
        sink_finish(&r->sink, status ? status : EXIT_INTERNAL);
    if (r->ws)
        for (size_t t = 0; t < r->a.threads; t++)
            xpl_workspace_free(r->ws[t]);
    free(r->ws);
    free(r->x);
    free(r->rcs);
    free(r->lines);
    free(r->msgs);
    if (r->ids)
        for (size_t i = 0; i < r->batch_rows * r->a.n_ids; i++)
            free(r->ids[i]);
    free(r->ids);
    results_free(&r->res);
    xpl_csv_reader_free(r->reader);
    xpl_explainer_free(r->ex);
    xpl_dataset_free(r->bg);
    xpl_model_free(r->model);
}

static int run(int argc, char **argv, int importance)
{
    struct run r = { 0 };
    int status = explain_parse_args(argc, argv, &r.a, importance,
                                    importance ? importance_usage
                                               : explain_usage);
    if (status < 0)
        return EXIT_OK; /* --help */
    if (status)
        return status;
    if (r.a.n_explanations) {
        status = importance_from_explanations(&r.a);
        explain_args_free(&r.a);
        return status;
    }
    r.cmd = importance ? "importance" : NULL;
    /* colour only for a terminal, and never when NO_COLOR is set */
    const char *no_color = getenv("NO_COLOR");
    r.a.render.color = r.a.format == FORMAT_TEXT &&
                       (!r.a.out_path || strcmp(r.a.out_path, "-") == 0) &&
                       isatty(STDOUT_FILENO) && !(no_color && *no_color);
    status = run_open(&r);
    if (status == EXIT_OK)
        status = stream_rows(&r);
    run_close(&r, status);
    explain_args_free(&r.a);
    return status;
}

int cmd_explain(int argc, char **argv)
{
    return run(argc, argv, 0);
}

int cmd_importance(int argc, char **argv)
{
    return run(argc, argv, 1);
}
