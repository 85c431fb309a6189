/* explain [--method M] MODEL ROWS.csv: per-row explanations, and
 * explain importance MODEL DATA.csv: their mean magnitude per feature.
 * Rows stream through in bounded batches, are explained on any number of
 * threads and come out in input order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* One batch in flight: its rows, their results and rendered text. Two
 * slots let the calling thread read the next batch and write this one
 * while the other threads explain the rest. */
struct slot {
    size_t n, first_row;    /* rows held, input number of the first */
    double *x;              /* batch_rows * P */
    int *rcs;
    uint64_t *lines;        /* the line each row of the batch ended on */
    char (*msgs)[256];
    char **ids;             /* batch_rows * a.n_ids identifier texts */
    struct results res;
    int *render_rcs;        /* EXIT_OK: row i was rendered by its thread */
    struct row_buffers rb;
    struct batch b;
};

/* What one run holds: the model, background and explainer, the reader,
 * one workspace per thread and the batch slots. */
struct run {
    struct explain_args a;
    const char *cmd;        /* "importance" or NULL: for usage hints */
    xpl_model *model;
    xpl_dataset *bg;
    xpl_explainer *ex;
    struct sink sink;
    int sink_open_done;     /* sink_finish still to be called */
    int render_in_threads;  /* rows rendered by the threads that explain */
    xpl_csv_reader *reader;
    xpl_workspace **ws;     /* a.threads of them */
    struct pool *pool;      /* a.threads - 1 threads besides this one */
    size_t batch_rows;
    struct slot slots[2];
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

/* Keep the identifiers of the row just read as row n of sl's batch. */
static int keep_ids(struct run *r, struct slot *sl, size_t n)
{
    for (size_t k = 0; k < r->a.n_ids; k++) {
        char **slot = &sl->ids[n * r->a.n_ids + k];
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
    size_t batch_rows = explainer_batch_rows(
        r->ex, a->interactions, a->batch_rows ? a->batch_rows : BATCH_ROWS);
    r->batch_rows = batch_rows;
    r->ws = calloc(a->threads, sizeof *r->ws);
    if (!r->ws) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t t = 0; t < a->threads; t++)
        if ((rc = xpl_workspace_new(&r->ws[t])))
            return cli_library_error(rc);
    if ((rc = pool_new(&r->pool, a->threads))) {
        cli_error("cannot start %zu threads: %s", a->threads, strerror(rc));
        return EXIT_INTERNAL;
    }
    for (int k = 0; k < 2; k++) {
        struct slot *sl = &r->slots[k];
        sl->x = malloc(sizeof *sl->x * batch_rows * P);
        sl->rcs = malloc(sizeof *sl->rcs * batch_rows);
        sl->lines = malloc(sizeof *sl->lines * batch_rows);
        sl->msgs = malloc(sizeof *sl->msgs * batch_rows);
        sl->render_rcs = malloc(sizeof *sl->render_rcs * batch_rows);
        if (a->n_ids)
            sl->ids = calloc(batch_rows * a->n_ids, sizeof *sl->ids);
        if (!sl->x || !sl->rcs || !sl->lines || !sl->msgs ||
            !sl->render_rcs || (a->n_ids && !sl->ids) ||
            results_alloc(&sl->res, r->ex, batch_rows)) {
            cli_error("out of memory");
            return EXIT_INTERNAL;
        }
    }
    /* sink_finish releases whatever a failed sink_open got */
    r->sink_open_done = 1;
    if ((status = sink_open(&r->sink, a, r->ex, r->model)))
        return status;
    r->render_in_threads = sink_renders_in_workers(&r->sink);
    for (int k = 0; r->render_in_threads && k < 2; k++)
        if ((status = row_buffers_init(&r->slots[k].rb, &r->sink, a->threads,
                                       r->ws, batch_rows)))
            return status;
    return EXIT_OK;
}

/* The slot a batch belongs to, from the batch's context. */
struct slot_ctx {
    struct run *r;
    struct slot *sl;
};

static int render_slot_row(void *ctx, size_t thread, size_t i)
{
    const struct slot_ctx *c = ctx;
    struct slot *sl = c->sl;
    return render_row(&c->r->sink, &sl->rb, thread, &sl->res, i,
                      sl->first_row + i,
                      sl->ids ? sl->ids + i * c->r->a.n_ids : NULL);
}

/* Read up to batch_rows rows into sl, row by row, to know each row's line
 * for its error message. The reader keeps an error for the next call, so
 * the rows before a bad one are explained and written first: a read error
 * comes with n == 0, its code in *read_rc (the message still in
 * xpl_last_error, printed by the caller when its turn comes). Returns
 * EXIT_OK or a printed error's exit code. */
static int read_batch(struct run *r, struct slot *sl, size_t first_row,
                      int *read_rc)
{
    size_t P = xpl_explainer_n_features(r->ex), n = 0, got = 1;
    *read_rc = XPL_OK;
    sl->first_row = first_row;
    while (n < r->batch_rows && got &&
           !xpl_csv_reader_read(r->reader, sl->x + n * P, 1, &got) && got) {
        if (sl->ids) {
            int status = keep_ids(r, sl, n);
            if (status)
                return status;
        }
        sl->lines[n++] = xpl_csv_reader_line(r->reader);
    }
    sl->n = n;
    if (n == 0)
        *read_rc = xpl_csv_reader_read(r->reader, sl->x, 1, &got);
    return EXIT_OK;
}

/* Set up sl's batch and hand it to the pool's threads. */
static void submit_batch(struct run *r, struct slot *sl, struct slot_ctx *c)
{
    struct batch *b = &sl->b;
    b->ex = r->ex;
    b->ws = r->ws;
    b->x = sl->x;
    b->n = sl->n;
    b->res = &sl->res;
    b->rc = sl->rcs;
    b->msg = sl->msgs;
    b->after = NULL;
    if (r->render_in_threads) {
        c->r = r;
        c->sl = sl;
        for (size_t i = 0; i < sl->n; i++)
            sl->render_rcs[i] = EXIT_INPUT; /* until rendered */
        row_buffers_rewind(&sl->rb);
        b->after = render_slot_row;
        b->after_ctx = c;
        b->after_rc = sl->render_rcs;
    }
    pool_submit(r->pool, b);
}

/* Read the next batch into sl (rows_read: rows before it; advanced) and,
 * if it has rows, hand it to the threads; *submitted says whether. */
static int read_and_submit(struct run *r, struct slot *sl, struct slot_ctx *c,
                           size_t *rows_read, int *read_rc, int *submitted)
{
    int status = read_batch(r, sl, *rows_read, read_rc);
    *rows_read += sl->n;
    *submitted = status == EXIT_OK && sl->n > 0;
    if (*submitted)
        submit_batch(r, sl, c);
    return status;
}

/* Write an explained batch in input order; a row's error ends the run. */
static int write_batch(struct run *r, struct slot *sl, const char *rows_name)
{
    int status = EXIT_OK;
    size_t n_ids = r->a.n_ids;
    for (size_t i = 0; i < sl->n && status == EXIT_OK; i++) {
        if (sl->rcs[i]) {
            cli_error("%s:%llu: row %zu: %s", rows_name,
                      (unsigned long long)sl->lines[i], sl->first_row + i,
                      sl->msgs[i][0] ? sl->msgs[i]
                                     : xpl_strerror(sl->rcs[i]));
            return sl->rcs[i] == XPL_ENOMEM || sl->rcs[i] == XPL_EUSER
                       ? EXIT_INTERNAL
                       : EXIT_INPUT;
        }
        if (r->render_in_threads && sl->render_rcs[i] == EXIT_OK) {
            /* the header comes before the first row, as emit_row does */
            status = sink_csv_header(&r->sink, &sl->res.e[i * sl->res.n_out]);
            if (status == EXIT_OK)
                status = write_rendered_row(&r->sink, &sl->rb, i);
        } else { /* not rendered in a thread, or failed there: again here,
                    which prints the error */
            status = emit_row(&r->sink, &sl->res, i, sl->first_row + i,
                              sl->ids ? sl->ids + i * n_ids : NULL);
        }
    }
    return status;
}

/* Write a batch, with the progress line around it. */
static int write_and_count(struct run *r, struct slot *sl,
                           struct progress *prog, int rows_on_tty,
                           const char *rows_name, size_t *rows_written)
{
    /* rows written to the terminal that shows the progress line start on
     * a line of their own; the line is redrawn after them */
    if (rows_on_tty)
        cli_progress_clear();
    int status = write_batch(r, sl, rows_name);
    if (rows_on_tty)
        fflush(stdout); /* before the progress line; errors stick */
    if (status == EXIT_OK) {
        *rows_written += sl->n;
        progress_update(prog, *rows_written, xpl_csv_reader_bytes(r->reader),
                        0);
    }
    return status;
}

/* Read, explain and emit the rows batch by batch; then finish the sink.
 * From a regular file, batch k+1 is read and handed to the threads before
 * the calling thread joins in on batch k and writes it: a thread done with
 * its rows of batch k goes straight on to batch k+1, and reading and
 * writing overlap the explaining. From a pipe or a terminal, reading ahead
 * could wait for rows not yet sent and hold back rows already explained,
 * so each batch is written (and flushed) before the next is read. Returns
 * the exit code. */
static int stream_rows(struct run *r)
{
    const struct explain_args *a = &r->a;
    int status = EXIT_OK, read_rc;
    struct progress prog;
    progress_start(&prog, !a->quiet && isatty(STDERR_FILENO), a->rows_path);
    size_t rows_read = 0, rows_written = 0;
    const char *rows_name = strcmp(a->rows_path, "-") == 0 ? "<stdin>"
                                                            : a->rows_path;
    int rows_on_tty = prog.on && !a->importance &&
                      r->sink.out.fp == stdout && isatty(STDOUT_FILENO);
    struct stat st;
    int read_ahead = strcmp(a->rows_path, "-") != 0 &&
                     stat(a->rows_path, &st) == 0 && S_ISREG(st.st_mode);
    struct slot *cur = &r->slots[0];
    struct slot_ctx ctx[2];
    int submitted; /* the invariant below says it: cur->n > 0 */
    status = read_and_submit(r, cur, &ctx[0], &rows_read, &read_rc,
                             &submitted);
    /* invariant: cur holds a submitted batch, or none (n == 0) */
    while (status == EXIT_OK && cur->n > 0) {
        struct slot *next = cur == &r->slots[0] ? &r->slots[1]
                                                : &r->slots[0];
        struct slot_ctx *next_ctx = &ctx[next == &r->slots[1]];
        int next_submitted = 0;
        next->n = 0;
        if (read_ahead)
            status = read_and_submit(r, next, next_ctx, &rows_read, &read_rc,
                                     &next_submitted);
        pool_wait(r->pool, &cur->b);
        if (status == EXIT_OK)
            status = write_and_count(r, cur, &prog, rows_on_tty, rows_name,
                                     &rows_written);
        if (!read_ahead && status == EXIT_OK) {
            /* a filter passes each batch on before waiting for more rows
             * (--batch-rows 1: each row); a write error sticks */
            if (r->sink.out.fp)
                fflush(r->sink.out.fp);
            status = read_and_submit(r, next, next_ctx, &rows_read,
                                     &read_rc, &next_submitted);
        }
        if (status != EXIT_OK && next_submitted)
            pool_wait(r->pool, &next->b); /* the threads must let go */
        cur = next;
    }
    if (status == EXIT_OK && read_rc)
        status = cli_library_error(read_rc);
    /* the final count on success; after an error, the message has taken
     * the progress line's place */
    if (status == EXIT_OK)
        progress_update(&prog, rows_written, xpl_csv_reader_bytes(r->reader),
                        1);
    /* nothing to chart: an SVG document needs a chart, so no rows is an
     * error (as for importance) rather than an empty or broken document;
     * JSON Lines, CSV and text simply have no lines */
    if (status == EXIT_OK && rows_written == 0 &&
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
    pool_free(r->pool);
    if (r->ws)
        for (size_t t = 0; t < r->a.threads; t++)
            xpl_workspace_free(r->ws[t]);
    free(r->ws);
    for (int k = 0; k < 2; k++) {
        struct slot *sl = &r->slots[k];
        free(sl->x);
        free(sl->rcs);
        free(sl->lines);
        free(sl->msgs);
        free(sl->render_rcs);
        if (sl->ids)
            for (size_t i = 0; i < r->batch_rows * r->a.n_ids; i++)
                free(sl->ids[i]);
        free(sl->ids);
        results_free(&sl->res);
        row_buffers_free(&sl->rb);
    }
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
    if (status) { /* a usage error: what parsing allocated goes too */
        explain_args_free(&r.a);
        return status;
    }
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
