/* explain [--method M] MODEL ROWS.csv: per-row explanations, and
 * explain importance MODEL DATA.csv: their mean magnitude per feature.
 * Rows stream through in bounded batches, are explained on any number of
 * threads and come out in input order. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "explain_args.h"
#include "explain_methods.h"

static const char usage_methods[] =
    "Usage: explain [--method M] MODEL ROWS.csv [options]\n"
    "\n"
    "Explain every row of ROWS.csv ('-' for standard input): how much each\n"
    "feature moves the model's output away from its expected value.\n"
    "\n"
    "Methods (--method):\n"
    "  shap          the exact algorithm when the model has one (default):\n"
    "                tree models: interventional TreeSHAP over the background\n"
    "                (given or embedded), else path-dependent TreeSHAP;\n"
    "                linear models: linear SHAP; otherwise, or for\n"
    "                probabilities, Kernel SHAP. The output's \"method\" says\n"
    "                which ran.\n"
    "  kernel-shap   model-agnostic Shapley values over a background (shap's\n"
    "                KernelExplainer): exact when every coalition fits in\n"
    "                the budget, sampled otherwise, with standard errors\n"
    "  tree-shap     exact TreeSHAP (raw margins of tree models)\n"
    "  linear-shap   exact w_k (x_k - E x_k) (raw margins of linear models)\n"
    "  lime          local weighted linear surrogates (lime's\n"
    "                LimeTabularExplainer)\n"
    "\n"
    "Common options:\n"
    "  --background BG.csv  background rows (LIME: training data); default:\n"
    "                       what MODEL embeds ('explain convert --background')\n"
    "  --background-size K  summarise the background to K rows\n"
    "  --background-method sample|kmeans\n"
    "                       draw K rows uniformly (default) or K weighted\n"
    "                       k-means centres, like shap.sample / shap.kmeans\n"
    "  --class K            only output K (0-based) of a multi-output model;\n"
    "                       LIME: the class explained (default: the\n"
    "                       predicted class, or class 1 of a binary model)\n"
    "  --model-output raw|probability|response\n"
    "                       explain margins (default for SHAP), class\n"
    "                       probabilities (default for LIME on classifiers),\n"
    "                       or the response after the model's link\n"
    "  --seed S             seed (default 0); a row's numbers depend only on\n"
    "                       S and its values, not on --threads or on where\n"
    "                       the row is in the file\n"
    "  --threads T          rows explained in parallel (default 1)\n"
    "  --no-header          CSV files have no header: columns by position\n"
    "  --delimiter C        field separator (default ',')\n"
    "\n";

static const char usage_options[] =
    "Kernel SHAP:\n"
    "  --nsamples N         coalitions per row (default 2M + 2048 for M\n"
    "                       varying features; all 2^M - 2 when that is fewer,\n"
    "                       which gives exact values)\n"
    "  --sampler xplain|shap|leverage\n"
    "                       coalition sampling (default xplain: about half\n"
    "                       shap's error; 'shap' reproduces shap's scheme)\n"
    "  --tolerance T        stop sampling a row once max std error / range of\n"
    "                       the contributions <= T (default 0: full budget)\n"
    "  --link identity|logit  link applied to expected outputs (shap's link)\n"
    "  --l1 none|aic|bic|top:K  feature selection, as shap's l1_reg\n"
    "\n"
    "TreeSHAP:\n"
    "  --interactions       also SHAP interaction values (path-dependent,\n"
    "                       JSON only)\n"
    "\n"
    "LIME:\n"
    "  --num-samples N      perturbed samples per row (default 5000)\n"
    "  --num-features K     features in each explanation (default 10)\n"
    "  --discretizer quartile|decile|none   (default quartile)\n"
    "  --kernel-width W     (default 0.75 sqrt(number of features))\n"
    "  --feature-selection auto|forward|highest-weights|lasso-path|none\n"
    "  --categorical a,b    categorical features (values are codes)\n"
    "  --repeats R          R runs per row: mean and std of each weight and\n"
    "                       how often each feature is selected\n"
    "  --sample-around-instance  (with --discretizer none) sample around\n"
    "                       the row instead of the training mean\n"
    "\n"
    "Output:\n"
    "  --format json|text|csv|svg\n"
    "                       JSON Lines, one object per row and output\n"
    "                       (default), aligned tables, CSV, or SVG charts;\n"
    "                       by default -o's extension (.svg, .csv, .txt)\n"
    "                       decides\n"
    "  --top K              the K largest features, the rest summed\n"
    "                       (default: all in text, 10 in SVG charts, 20 in\n"
    "                       importance charts; 0: all)\n"
    "  --chart bar|waterfall  SVG chart (default bar)\n"
    "  -o, --output FILE    write to FILE (atomically) instead of standard\n"
    "                       output; with --format svg, a path ending in '/'\n"
    "                       is a directory that gets one file per row\n"
    "  -q, --quiet          no progress bar and no notes on standard error\n"
    "  -h, --help           show this help\n"
    "\n"
    "See docs/output.md for the formats, docs/kernel-shap.md, docs/lime.md\n"
    "and docs/tree-shap.md for the methods.\n";

static const char *const usage[] = { usage_methods, usage_options, NULL };

static const char importance_text[] =
    "Usage: explain importance MODEL DATA.csv [options]\n"
    "\n"
    "Global feature importance: explain every row of DATA.csv and report,\n"
    "per output, the mean |contribution| of each feature (and the mean\n"
    "contribution), as a table (default), JSON, CSV or an SVG chart.\n"
    "\n"
    "Takes every option of the main form (see 'explain --help'): --method,\n"
    "--background, --seed, --threads, --class, --model-output, the methods'\n"
    "options, --format text|json|csv|svg, --top K, -o FILE, --quiet; and\n"
    "  --chart bar|beeswarm bars of the mean |contribution| (default), or\n"
    "                       shap's summary plot: one dot per row and\n"
    "                       feature, x = contribution, colour = feature\n"
    "                       value (at most 2000 rows, sampled\n"
    "                       deterministically)\n";

static const char *const importance_usage[] = { importance_text, NULL };

/* Rows read and explained per batch: output stays in input order and memory
 * stays bounded whatever the input size. */
enum { BATCH_ROWS = 256 };

/* The background: --background (summarised if asked), else NULL for the
 * model's embedded one. */
static int load_background(xpl_dataset **out, const xpl_model *m,
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
    xpl_dataset *all = NULL, *kept = NULL;
    int rc = xpl_dataset_read_csv(&all, a->background_path, &csv);
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

/* ------------------------------------------------------------- workers */

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The row's key for the explainer's generator: a hash of its values, so a
 * row gets the same numbers wherever it appears in the input (and whatever
 * the threads). -0 counts as 0 and every NaN as the same missing value. */
static uint64_t row_key(const double *x, size_t P)
{
    uint64_t h = 0x3243f6a8885a308du;
    for (size_t j = 0; j < P; j++) {
        double v = x[j] == 0 ? 0.0 : x[j];
        uint64_t bits = 0x7ff8000000000000u;
        if (!isnan(v))
            memcpy(&bits, &v, sizeof bits);
        h = mix64(h ^ bits);
    }
    return h;
}

struct batch {
    const struct explainer *ex;
    xpl_workspace **ws;
    const double *x;
    size_t n;
    struct results *res;
    int *rc;
    char (*msg)[256];
    atomic_size_t next;
};

struct worker {
    struct batch *b;
    size_t id;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct batch *b = w->b;
    size_t P = b->ex->P;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            break;
        const double *x = b->x + i * P;
        b->rc[i] = explainer_row(b->ex, b->ws[w->id], x, row_key(x, P),
                                 b->res, i, b->msg[i], sizeof b->msg[i]);
        if (b->rc[i] && !b->msg[i][0])
            snprintf(b->msg[i], sizeof b->msg[i], "%s", xpl_last_error());
    }
    return NULL;
}

/* Explain the batch on `threads` threads (the calling one included). */
static void run_batch(struct batch *b, size_t threads)
{
    atomic_store(&b->next, 0);
    if (threads > b->n)
        threads = b->n;
    pthread_t tid[1024];
    struct worker wk[1024];
    size_t started = 0;
    for (size_t t = 1; t < threads; t++) {
        wk[t].b = b;
        wk[t].id = t;
        if (pthread_create(&tid[t], NULL, work, &wk[t]) != 0)
            break;
        started = t;
    }
    wk[0].b = b;
    wk[0].id = 0;
    work(&wk[0]);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
}

/* --------------------------------------------------------------- sinks */

/* Where explanations go: a per-row writer, one SVG document, a directory
 * of SVG files, or the importance accumulator. */
struct sink {
    const struct explain_args *a;
    cli_output out;
    int csv_header_done;
    xpl_svg *svg;
    int svg_dir;           /* -o dir/: one SVG file per explanation */
    xpl_importance *imp;
    xpl_workspace *ws;     /* the writing thread's scratch */
    const char *method;
    char (*labels)[128];   /* LIME condition labels of the current row */
    const char **label_ptrs;
};

static int render_error(int rc)
{
    if (rc == XPL_EIO) {
        cli_error("write error on the output");
        return EXIT_INPUT;
    }
    return cli_library_error(rc);
}

static int write_svg_file(struct sink *s, const xpl_explanation *e)
{
    char path[4096];
    const char *dir = s->a->out_path;
    int n = e->n_outputs > 1
                ? snprintf(path, sizeof path, "%srow-%zu-output-%zu.svg", dir,
                           e->row, e->output)
                : snprintf(path, sizeof path, "%srow-%zu.svg", dir, e->row);
    if (n < 0 || (size_t)n >= sizeof path) {
        cli_error("%s: path too long", dir);
        return EXIT_INPUT;
    }
    cli_output o;
    int st = cli_output_open(&o, path);
    if (st)
        return st;
    int rc = xpl_render_svg(o.fp, e, 1, &s->a->render);
    if (rc) {
        cli_output_abort(&o);
        return render_error(rc);
    }
    return cli_output_commit(&o);
}

static int emit(struct sink *s, const xpl_explanation *e)
{
    int rc = XPL_OK;
    if (s->imp) {
        rc = xpl_importance_add(s->imp, e);
    } else {
        switch (s->a->format) {
        case FORMAT_JSON: rc = xpl_render_json(s->out.fp, e); break;
        case FORMAT_TEXT:
            rc = xpl_render_text(s->out.fp, e, &s->a->render, s->ws);
            break;
        case FORMAT_CSV:
            if (!s->csv_header_done) {
                rc = xpl_render_csv_header(s->out.fp, e);
                s->csv_header_done = 1;
            }
            if (!rc)
                rc = xpl_render_csv_row(s->out.fp, e);
            break;
        case FORMAT_SVG:
            if (s->svg_dir)
                return write_svg_file(s, e);
            rc = xpl_render_svg_chart(s->svg, e);
            break;
        }
    }
    return rc ? render_error(rc) : EXIT_OK;
}

/* Outputs an explanation can name: LIME explains class 0 or 1 of a binary
 * classifier that has a single output (p). */
static size_t explained_outputs(const struct explainer *ex)
{
    if (ex->lime && ex->D == 1 && xpl_model_is_classifier(ex->model))
        return 2;
    return ex->D;
}

/* Emit row i of a batch: one explanation per output shown. */
static int emit_row(struct sink *s, const struct explainer *ex,
                    const struct results *r, const double *x, size_t i,
                    size_t row)
{
    size_t P = ex->P, D = ex->D;
    xpl_explanation e = {
        .row = row,
        .n_outputs = explained_outputs(ex),
        .method = s->method,
        .n_features = P,
        .names = xpl_model_feature_names(ex->model),
        .values = x,
        .intercept = NAN,
        .score = NAN,
        .local_prediction = NAN,
    };
    if (ex->lime) {
        const xpl_lime_summary *sum = &r->summary[i];
        for (size_t j = 0; j < P; j++) {
            int n = xpl_lime_condition(ex->lime, x, j, s->labels[j],
                                       sizeof s->labels[j]);
            if (n < 0)
                snprintf(s->labels[j], sizeof s->labels[j], "%s",
                         xpl_model_feature_name(ex->model, j));
            s->label_ptrs[j] = s->labels[j];
        }
        e.output = (size_t)sum->explained_class;
        e.contributions = r->contrib + i * D * P;
        e.std_errors = r->se ? r->se + i * D * P : NULL;
        e.base_value = sum->intercept;
        e.prediction = sum->prediction;
        e.conditions = s->label_ptrs;
        e.selected = r->selected + i * P;
        e.intercept = sum->intercept;
        e.score = sum->score;
        e.local_prediction = sum->local_prediction;
        return emit(s, &e);
    }
    for (size_t d = 0; d < D; d++) {
        if (s->a->class_index >= 0 && (size_t)s->a->class_index != d)
            continue;
        e.output = d;
        e.contributions = r->contrib + (i * D + d) * P;
        e.std_errors = r->se ? r->se + (i * D + d) * P : NULL;
        e.base_value = ex->base[d];
        e.prediction = r->pred[i * D + d];
        e.interactions = r->inter
                             ? r->inter + (i * D + d) * (P + 1) * (P + 1)
                             : NULL;
        int st = emit(s, &e);
        if (st)
            return st;
    }
    return EXIT_OK;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int sink_open(struct sink *s, const struct explain_args *a,
                     const struct explainer *ex)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    s->method = explain_method_name(ex->method);
    int rc = xpl_workspace_new(&s->ws);
    if (!rc && ex->lime) {
        s->labels = calloc(ex->P, sizeof *s->labels);
        s->label_ptrs = calloc(ex->P, sizeof *s->label_ptrs);
        if (!s->labels || !s->label_ptrs)
            rc = XPL_ENOMEM;
    }
    if (!rc && a->importance)
        rc = xpl_importance_new(&s->imp, ex->P, explained_outputs(ex),
                                xpl_model_feature_names(ex->model));
    else if (!rc && a->format == FORMAT_SVG) {
        size_t n = a->out_path ? strlen(a->out_path) : 0;
        s->svg_dir = n && a->out_path[n - 1] == '/';
        if (s->svg_dir && !is_directory(a->out_path)) {
            cli_error("%s: not a directory (a path ending in '/' takes one "
                      "SVG file per row)", a->out_path);
            return EXIT_INPUT;
        }
        if (!s->svg_dir)
            rc = xpl_render_svg_begin(&s->svg, &a->render);
    }
    if (rc)
        return cli_library_error(rc);
    if (s->svg_dir)
        return EXIT_OK;
    return cli_output_open(&s->out, a->out_path);
}

/* Finish the output: documents written at the end are written now. */
static int sink_finish(struct sink *s, int status)
{
    int rc = XPL_OK;
    if (status == EXIT_OK && s->imp) {
        switch (s->a->format) {
        case FORMAT_JSON: rc = xpl_importance_render_json(s->out.fp, s->imp);
            break;
        case FORMAT_TEXT:
            rc = xpl_importance_render_text(s->out.fp, s->imp, &s->a->render);
            break;
        case FORMAT_CSV: rc = xpl_importance_render_csv(s->out.fp, s->imp);
            break;
        case FORMAT_SVG:
            rc = xpl_importance_render_svg(s->out.fp, s->imp, &s->a->render);
            break;
        }
    } else if (status == EXIT_OK && s->svg) {
        rc = xpl_render_svg_end(s->svg, s->out.fp);
    }
    if (rc)
        status = render_error(rc);
    if (!s->svg_dir) {
        if (status == EXIT_OK)
            status = cli_output_commit(&s->out);
        else
            cli_output_abort(&s->out);
    }
    xpl_render_svg_free(s->svg);
    xpl_importance_free(s->imp);
    xpl_workspace_free(s->ws);
    free(s->labels);
    free(s->label_ptrs);
    return status;
}

/* ------------------------------------------------------------ progress */

struct progress {
    int on;
    uint64_t total_bytes; /* size of a regular input file, else 0 */
    struct timespec start, last;
};

static double seconds_between(const struct timespec *a,
                              const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

/* Rows done, the rate and, for a file of known size, the time left from
 * the share of bytes read; redrawn at most 4 times a second and only on a
 * terminal, so piped or logged stderr stays clean. */
static void progress_update(struct progress *p, size_t rows, uint64_t bytes,
                            int last)
{
    if (!p->on)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!last && seconds_between(&p->last, &now) < 0.25)
        return;
    p->last = now;
    double t = seconds_between(&p->start, &now);
    fprintf(stderr, "\r\033[Kexplain: %zu rows, %.1f rows/s, %.1f s", rows,
            t > 0 ? (double)rows / t : 0.0, t);
    if (!last && p->total_bytes && bytes > 0 && bytes < p->total_bytes)
        fprintf(stderr, ", about %.0f s left",
                t * (double)(p->total_bytes - bytes) / (double)bytes);
    if (last)
        fputc('\n', stderr);
    /* an error printed now first erases the unfinished line */
    cli_progress_shown(!last);
}

/* ----------------------------------------------------------------- main */

static int run(int argc, char **argv, int importance)
{
    struct explain_args a;
    int status = explain_parse_args(argc, argv, &a, importance,
                                    importance ? importance_usage : usage);
    if (status < 0)
        return EXIT_OK; /* --help */
    if (status)
        return status;
    const char *cmd = importance ? "importance" : NULL;
    /* colour only for a terminal, and never when NO_COLOR is set */
    const char *no_color = getenv("NO_COLOR");
    a.render.color = a.format == FORMAT_TEXT &&
                     (!a.out_path || strcmp(a.out_path, "-") == 0) &&
                     isatty(STDOUT_FILENO) && !(no_color && *no_color);

    xpl_model *model = NULL;
    xpl_dataset *bg = NULL;
    struct explainer ex = { 0 };
    struct results res = { 0 };
    struct sink sink;
    int sink_open_done = 0;
    xpl_csv_reader *reader = NULL;
    xpl_workspace **ws = NULL;
    double *x = NULL;
    int *rcs = NULL;
    uint64_t *lines = NULL; /* the line each row of the batch ended on */
    char (*msgs)[256] = NULL;
    int rc;

    if ((rc = xpl_model_load(&model, a.model_path))) {
        status = cli_library_error(rc);
        goto done;
    }
    size_t P = xpl_model_n_features(model), D = xpl_model_n_outputs(model);
    if (a.ks.model_output == XPL_OUTPUT_PROBABILITY &&
        !xpl_model_is_classifier(model)) {
        status = cli_usage_error(cmd, "--model-output probability needs a "
                                 "classifier; %s has a %s link", a.model_path,
                                 xpl_link_name(xpl_model_link(model)));
        goto done;
    }
    if (a.method != METHOD_LIME && a.class_index >= 0 &&
        (size_t)a.class_index >= D) {
        status = cli_usage_error(cmd, "--class %ld: %s has %zu output%s (0 "
                                 "to %zu)", a.class_index, a.model_path, D,
                                 D == 1 ? "" : "s", D - 1);
        goto done;
    }
    if ((status = load_background(&bg, model, &a)))
        goto done;
    if ((status = explainer_open(&ex, model, bg, &a)))
        goto done;
    if (ex.interactions && a.format != FORMAT_JSON) {
        status = cli_usage_error(cmd, "--interactions needs --format json");
        goto done;
    }
    xpl_csv_options csv = XPL_CSV_OPTIONS_INIT;
    csv.has_header = a.has_header;
    csv.delimiter = a.delimiter;
    csv.columns = xpl_model_feature_names(model);
    csv.n_columns = P;
    if ((rc = xpl_csv_reader_open(&reader, a.rows_path, &csv))) {
        status = cli_library_error(rc);
        goto done;
    }
    size_t batch_rows = explainer_batch_rows(&ex, BATCH_ROWS);
    ws = calloc(a.threads, sizeof *ws);
    x = malloc(sizeof *x * batch_rows * P);
    rcs = malloc(sizeof *rcs * batch_rows);
    lines = malloc(sizeof *lines * batch_rows);
    msgs = malloc(sizeof *msgs * batch_rows);
    if (!ws || !x || !rcs || !lines || !msgs ||
        results_alloc(&res, &ex, batch_rows)) {
        cli_error("out of memory");
        status = EXIT_INTERNAL;
        goto done;
    }
    for (size_t t = 0; t < a.threads; t++)
        if ((rc = xpl_workspace_new(&ws[t]))) {
            status = cli_library_error(rc);
            goto done;
        }
    /* sink_finish releases whatever a failed sink_open got */
    sink_open_done = 1;
    if ((status = sink_open(&sink, &a, &ex)))
        goto done;

    struct progress prog = { .on = !a.quiet && isatty(STDERR_FILENO) };
    struct stat in_st;
    if (strcmp(a.rows_path, "-") != 0 && stat(a.rows_path, &in_st) == 0 &&
        S_ISREG(in_st.st_mode))
        prog.total_bytes = (uint64_t)in_st.st_size;
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    prog.last = prog.start;
    size_t first_row = 0;
    const char *rows_name = strcmp(a.rows_path, "-") == 0 ? "<stdin>"
                                                           : a.rows_path;
    int rows_on_tty = prog.on && !importance && sink.out.fp == stdout &&
                      isatty(STDOUT_FILENO);
    for (;;) {
        /* row by row, to know each row's line for its error message; the
         * reader keeps an error for the next call, so the rows before a
         * bad one are explained and written first */
        size_t n = 0, got = 1;
        while (n < batch_rows && got &&
               !xpl_csv_reader_read(reader, x + n * P, 1, &got) && got)
            lines[n++] = xpl_csv_reader_line(reader);
        if (n == 0) {
            if ((rc = xpl_csv_reader_read(reader, x, 1, &got)))
                status = cli_library_error(rc);
            break;
        }
        struct batch b = { &ex, ws, x, n, &res, rcs, msgs, 0 };
        run_batch(&b, a.threads);
        /* rows written to the terminal that shows the progress line start
         * on a line of their own; the line is redrawn after them */
        if (rows_on_tty)
            cli_progress_clear();
        for (size_t i = 0; i < n && status == EXIT_OK; i++) {
            if (rcs[i]) {
                cli_error("%s:%llu: row %zu: %s", rows_name,
                          (unsigned long long)lines[i], first_row + i,
                          msgs[i][0] ? msgs[i] : xpl_strerror(rcs[i]));
                status = rcs[i] == XPL_ENOMEM || rcs[i] == XPL_EUSER
                             ? EXIT_INTERNAL
                             : EXIT_INPUT;
                break;
            }
            status = emit_row(&sink, &ex, &res, x + i * P, i, first_row + i);
        }
        if (rows_on_tty)
            fflush(stdout); /* before the progress line; errors stick */
        if (status != EXIT_OK)
            break;
        first_row += n;
        progress_update(&prog, first_row, xpl_csv_reader_bytes(reader), 0);
    }
    /* the final count on success; after an error, the message has taken
     * the progress line's place */
    if (status == EXIT_OK)
        progress_update(&prog, first_row, xpl_csv_reader_bytes(reader), 1);
    /* nothing to chart: an SVG document needs a chart, so no rows is an
     * error (as for importance) rather than an empty or broken document;
     * JSON Lines, CSV and text simply have no lines */
    if (status == EXIT_OK && first_row == 0 &&
        (importance || a.format == FORMAT_SVG)) {
        cli_error("%s: no data rows", rows_name);
        status = EXIT_INPUT;
    }
    status = sink_finish(&sink, status);
    sink_open_done = 0;
done:
    if (sink_open_done)
        sink_finish(&sink, status ? status : EXIT_INTERNAL);
    if (ws)
        for (size_t t = 0; t < a.threads; t++)
            xpl_workspace_free(ws[t]);
    free(ws);
    free(x);
    free(rcs);
    free(lines);
    free(msgs);
    results_free(&res);
    xpl_csv_reader_free(reader);
    explainer_close(&ex);
    xpl_dataset_free(bg);
    xpl_model_free(model);
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
