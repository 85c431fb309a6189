/* explain [--method M] MODEL ROWS.csv: Kernel SHAP explanations of rows, as
 * JSON Lines or text, in input order, on any number of threads. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: explain [--method kernel-shap|shap] MODEL ROWS.csv [options]\n"
    "\n"
    "Explain every row of ROWS.csv ('-' for standard input): how much each\n"
    "feature moves the model's output away from its average over a\n"
    "background sample (Shapley values of the interventional game, as\n"
    "shap's KernelExplainer computes them). Contributions sum exactly to\n"
    "prediction - base value. Exact when every coalition of the varying\n"
    "features fits in the budget, sampled otherwise, with standard errors.\n"
    "\n"
    "Options:\n"
    "  --method kernel-shap|shap  the explainer (default kernel-shap; 'shap'\n"
    "                       means kernel-shap in this version)\n"
    "  --background BG.csv  background rows (default: the one embedded in\n"
    "                       MODEL by 'explain convert --background')\n"
    "  --background-size K  summarise the background to K rows\n"
    "  --background-method sample|kmeans\n"
    "                       draw K rows uniformly (default) or K weighted\n"
    "                       k-means centres, like shap.sample / shap.kmeans\n"
    "  --nsamples N         coalitions per row (default 2M + 2048 for M\n"
    "                       varying features; all 2^M - 2 when that is fewer,\n"
    "                       which gives exact values)\n"
    "  --sampler xplain|shap|leverage\n"
    "                       how coalitions are sampled (default xplain: about\n"
    "                       half shap's error; 'shap' reproduces shap's\n"
    "                       scheme; see docs/kernel-shap.md)\n"
    "  --tolerance T        stop sampling a row once max std error / range of\n"
    "                       the contributions <= T (default 0: full budget)\n"
    "  --seed S             seed (default 0); a row's numbers depend only on\n"
    "                       S and its values, not on --threads or on where\n"
    "                       the row is in the file\n"
    "  --threads T          rows explained in parallel (default 1)\n"
    "  --class K            only output K (0-based) of a multi-output model\n"
    "  --model-output raw|probability|response\n"
    "                       explain margins (default), class probabilities,\n"
    "                       or the response after the model's link\n"
    "  --link identity|logit\n"
    "                       link applied to expected outputs (shap's link);\n"
    "                       logit needs probabilities\n"
    "  --l1 none|aic|bic|top:K\n"
    "                       feature selection before the regression, as\n"
    "                       shap's l1_reg (default none)\n"
    "  --format json|text   JSON Lines, one object per row and output\n"
    "                       (default), or a table per row\n"
    "  --no-header          CSV files have no header: columns by position\n"
    "  --delimiter C        field separator (default ',')\n"
    "  -o, --output FILE    write to FILE (atomically) instead of standard\n"
    "                       output\n"
    "  -h, --help           show this help\n"
    "\n"
    "JSON: {\"row\":0,\"output\":0,\"method\":\"kernel-shap\",\"base_value\":..,\n"
    "\"prediction\":..,\"features\":[{\"name\":..,\"value\":..,\"contribution\":..,\n"
    "\"std_error\":..},...]} with features in the model's order; missing\n"
    "values are null. See docs/kernel-shap.md.\n";

/* Rows read and explained per batch: output stays in input order and memory
 * stays bounded whatever the input size. */
enum { BATCH_ROWS = 256 };

struct explain_args {
    const char *model_path, *rows_path, *background_path, *out_path;
    size_t background_size;
    int kmeans, has_header, json;
    char delimiter;
    long class_index; /* -1: all outputs */
    size_t threads;
    xpl_kernel_shap_options opts;
};

static int parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct explain_args *a)
{
    enum {
        O_METHOD = 256, O_BG, O_BG_SIZE, O_BG_METHOD, O_NSAMPLES, O_SAMPLER,
        O_TOL, O_SEED, O_THREADS, O_CLASS, O_OUTPUT_KIND, O_LINK, O_L1,
        O_FORMAT, O_NO_HEADER, O_DELIM
    };
    static const struct option options[] = {
        { "method", required_argument, NULL, O_METHOD },
        { "background", required_argument, NULL, O_BG },
        { "background-size", required_argument, NULL, O_BG_SIZE },
        { "background-method", required_argument, NULL, O_BG_METHOD },
        { "nsamples", required_argument, NULL, O_NSAMPLES },
        { "sampler", required_argument, NULL, O_SAMPLER },
        { "tolerance", required_argument, NULL, O_TOL },
        { "seed", required_argument, NULL, O_SEED },
        { "threads", required_argument, NULL, O_THREADS },
        { "class", required_argument, NULL, O_CLASS },
        { "model-output", required_argument, NULL, O_OUTPUT_KIND },
        { "link", required_argument, NULL, O_LINK },
        { "l1", required_argument, NULL, O_L1 },
        { "format", required_argument, NULL, O_FORMAT },
        { "no-header", no_argument, NULL, O_NO_HEADER },
        { "delimiter", required_argument, NULL, O_DELIM },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int size_given = 0, c;
    size_t n;
    uint64_t u;
    double d;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case O_METHOD:
            if (strcmp(optarg, "kernel-shap") != 0 &&
                strcmp(optarg, "shap") != 0)
                return cli_usage_error(NULL, "--method must be 'kernel-shap' "
                                       "or 'shap', not '%s'", optarg);
            break;
        case O_BG: a->background_path = optarg; break;
        case O_BG_SIZE:
            if (cli_parse_size(optarg, &a->background_size) ||
                a->background_size == 0)
                return cli_usage_error(NULL, "--background-size must be a "
                                       "positive integer, not '%s'", optarg);
            size_given = 1;
            break;
        case O_BG_METHOD:
            if (strcmp(optarg, "sample") == 0)
                a->kmeans = 0;
            else if (strcmp(optarg, "kmeans") == 0)
                a->kmeans = 1;
            else
                return cli_usage_error(NULL, "--background-method must be "
                                       "'sample' or 'kmeans', not '%s'",
                                       optarg);
            break;
        case O_NSAMPLES:
            if (cli_parse_size(optarg, &n) || n == 1)
                return cli_usage_error(NULL, "--nsamples must be 0 (auto) or "
                                       "an integer >= 2, not '%s'", optarg);
            a->opts.nsamples = n;
            break;
        case O_SAMPLER:
            if (strcmp(optarg, "xplain") == 0)
                a->opts.sampler = XPL_KS_SAMPLER_XPLAIN;
            else if (strcmp(optarg, "shap") == 0)
                a->opts.sampler = XPL_KS_SAMPLER_SHAP;
            else if (strcmp(optarg, "leverage") == 0)
                a->opts.sampler = XPL_KS_SAMPLER_LEVERAGE;
            else
                return cli_usage_error(NULL, "--sampler must be 'xplain', "
                                       "'shap' or 'leverage', not '%s'",
                                       optarg);
            break;
        case O_TOL:
            if (parse_double(optarg, &d) || d < 0)
                return cli_usage_error(NULL, "--tolerance must be a number "
                                       ">= 0, not '%s'", optarg);
            a->opts.tolerance = d;
            break;
        case O_SEED:
            if (cli_parse_u64(optarg, &u))
                return cli_usage_error(NULL, "--seed must be a non-negative "
                                       "integer, not '%s'", optarg);
            a->opts.seed = u;
            break;
        case O_THREADS:
            if (cli_parse_size(optarg, &n) || n == 0 || n > 1024)
                return cli_usage_error(NULL, "--threads must be an integer "
                                       "from 1 to 1024, not '%s'", optarg);
            a->threads = n;
            break;
        case O_CLASS:
            if (cli_parse_size(optarg, &n) || n > 65535)
                return cli_usage_error(NULL, "--class must be a non-negative "
                                       "integer (the 0-based output), not "
                                       "'%s'", optarg);
            a->class_index = (long)n;
            break;
        case O_OUTPUT_KIND:
            if (strcmp(optarg, "raw") == 0)
                a->opts.model_output = XPL_OUTPUT_RAW;
            else if (strcmp(optarg, "probability") == 0)
                a->opts.model_output = XPL_OUTPUT_PROBABILITY;
            else if (strcmp(optarg, "response") == 0)
                a->opts.model_output = XPL_OUTPUT_RESPONSE;
            else
                return cli_usage_error(NULL, "--model-output must be 'raw', "
                                       "'probability' or 'response', not "
                                       "'%s'", optarg);
            break;
        case O_LINK:
            if (strcmp(optarg, "identity") == 0)
                a->opts.link = XPL_LINK_IDENTITY;
            else if (strcmp(optarg, "logit") == 0)
                a->opts.link = XPL_LINK_LOGIT;
            else
                return cli_usage_error(NULL, "--link must be 'identity' or "
                                       "'logit', not '%s'", optarg);
            break;
        case O_L1:
            if (strcmp(optarg, "none") == 0) {
                a->opts.l1_reg = XPL_L1_NONE;
            } else if (strcmp(optarg, "aic") == 0) {
                a->opts.l1_reg = XPL_L1_AIC;
            } else if (strcmp(optarg, "bic") == 0) {
                a->opts.l1_reg = XPL_L1_BIC;
            } else if (strncmp(optarg, "top:", 4) == 0 &&
                       !cli_parse_size(optarg + 4, &n) && n > 0) {
                a->opts.l1_reg = XPL_L1_TOP_K;
                a->opts.l1_top_k = n;
            } else {
                return cli_usage_error(NULL, "--l1 must be 'none', 'aic', "
                                       "'bic' or 'top:K' with K >= 1, not "
                                       "'%s'", optarg);
            }
            break;
        case O_FORMAT:
            if (strcmp(optarg, "json") == 0)
                a->json = 1;
            else if (strcmp(optarg, "text") == 0)
                a->json = 0;
            else
                return cli_usage_error(NULL, "--format must be 'json' or "
                                       "'text', not '%s'", optarg);
            break;
        case O_NO_HEADER: a->has_header = 0; break;
        case O_DELIM:
            if (strlen(optarg) != 1)
                return cli_usage_error(NULL, "--delimiter takes one "
                                       "character, not '%s'", optarg);
            a->delimiter = optarg[0];
            break;
        case 'o': a->out_path = optarg; break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        case ':':
            return cli_usage_error(NULL, "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error(NULL, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(NULL, "expected MODEL and ROWS.csv, got %d "
                               "argument%s", argc - optind,
                               argc - optind == 1 ? "" : "s");
    a->model_path = argv[optind];
    a->rows_path = argv[optind + 1];
    if ((size_given || a->kmeans) && !a->background_path)
        return cli_usage_error(NULL, "--background-size and "
                               "--background-method need --background");
    return EXIT_OK;
}

/* The background: --background (summarised if asked), else NULL for the
 * model's embedded one. */
static int load_background(xpl_dataset **out, const xpl_model *m,
                           const struct explain_args *a)
{
    *out = NULL;
    if (!a->background_path) {
        if (!xpl_model_background(m))
            return cli_usage_error(NULL, "%s has no embedded background: "
                                   "pass --background BG.csv (or embed one "
                                   "with 'explain convert --background')",
                                   a->model_path);
        return EXIT_OK;
    }
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
        fprintf(stderr, "explain: %s: no data rows\n", a->background_path);
        xpl_dataset_free(all);
        return EXIT_INPUT;
    }
    if (a->background_size && a->background_size < xpl_dataset_n_rows(all)) {
        rc = a->kmeans ? xpl_dataset_kmeans(&kept, all, a->background_size,
                                            a->opts.seed)
                       : xpl_dataset_sample(&kept, all, a->background_size,
                                            a->opts.seed);
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
    const xpl_kernel_shap *ks;
    xpl_workspace **ws;
    const double *x;
    size_t n, first_row, P, D;
    double *contrib, *se, *pred;
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
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            break;
        const double *x = b->x + i * b->P;
        b->rc[i] = xpl_kernel_shap_explain(b->ks, b->ws[w->id], x,
                                           row_key(x, b->P),
                                           b->contrib + i * b->D * b->P,
                                           b->se + i * b->D * b->P,
                                           b->pred + i * b->D, NULL);
        if (b->rc[i])
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

/* ------------------------------------------------------------- writers */

static void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\r': fputs("\\r", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

static void json_number(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.17g", v);
    else
        fputs("null", fp);
}

static void write_json(FILE *fp, const xpl_model *m, size_t row, size_t d,
                       double base, double pred, const double *x,
                       const double *phi, const double *se)
{
    size_t P = xpl_model_n_features(m);
    fprintf(fp, "{\"row\":%zu,\"output\":%zu,\"method\":\"kernel-shap\","
                "\"base_value\":", row, d);
    json_number(fp, base);
    fputs(",\"prediction\":", fp);
    json_number(fp, pred);
    fputs(",\"features\":[", fp);
    for (size_t j = 0; j < P; j++) {
        fputs(j ? ",{\"name\":" : "{\"name\":", fp);
        json_string(fp, xpl_model_feature_name(m, j));
        fputs(",\"value\":", fp);
        json_number(fp, x[j]);
        fputs(",\"contribution\":", fp);
        json_number(fp, phi[j]);
        fputs(",\"std_error\":", fp);
        json_number(fp, se[j]);
        fputc('}', fp);
    }
    fputs("]}\n", fp);
}

struct by_size {
    const double *phi;
    size_t j;
};

static int cmp_by_size(const void *pa, const void *pb)
{
    const struct by_size *a = pa, *b = pb;
    double x = fabs(a->phi[a->j]), y = fabs(b->phi[b->j]);
    if (x != y)
        return x < y ? 1 : -1;
    return (a->j > b->j) - (a->j < b->j);
}

static void write_text(FILE *fp, const xpl_model *m, size_t row, size_t d,
                       double base, double pred, const double *x,
                       const double *phi, const double *se,
                       struct by_size *order)
{
    size_t P = xpl_model_n_features(m), width = 7;
    double sum = 0;
    int sampled = 0;
    for (size_t j = 0; j < P; j++) {
        size_t len = strlen(xpl_model_feature_name(m, j));
        if (len > width)
            width = len;
        order[j].phi = phi;
        order[j].j = j;
        sum += phi[j];
        sampled |= se[j] > 0 || isnan(se[j]);
    }
    if (width > 40)
        width = 40;
    qsort(order, P, sizeof *order, cmp_by_size);
    if (xpl_model_n_outputs(m) > 1)
        fprintf(fp, "row %zu, output %zu (kernel-shap, %s)\n", row, d,
                sampled ? "sampled" : "exact");
    else
        fprintf(fp, "row %zu (kernel-shap, %s)\n", row,
                sampled ? "sampled" : "exact");
    fprintf(fp, "  %-*s  %14s  %14s  %10s\n", (int)width, "feature", "value",
            "contribution", "std error");
    for (size_t k = 0; k < P; k++) {
        size_t j = order[k].j;
        char value[32];
        if (isnan(x[j]))
            snprintf(value, sizeof value, "NA");
        else
            snprintf(value, sizeof value, "%.6g", x[j]);
        fprintf(fp, "  %-*.*s  %14s  %+14.6g  %10.3g\n", (int)width,
                (int)width, xpl_model_feature_name(m, j), value, phi[j],
                se[j]);
    }
    fprintf(fp, "  base value    %.10g\n", base);
    fprintf(fp, "  prediction    %.10g\n", pred);
    fprintf(fp, "  sum of contributions %.10g = prediction - base value "
                "(difference %.3g)\n\n", sum, sum - (pred - base));
}

/* ----------------------------------------------------------------- main */

int cmd_explain(int argc, char **argv)
{
    struct explain_args a = { .has_header = 1, .json = 1, .delimiter = ',',
                              .class_index = -1, .threads = 1 };
    a.opts = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        return EXIT_OK; /* --help */
    if (status)
        return status;

    xpl_model *model = NULL;
    xpl_dataset *bg = NULL;
    xpl_kernel_shap *ks = NULL;
    xpl_csv_reader *reader = NULL;
    xpl_workspace **ws = NULL;
    double *x = NULL, *contrib = NULL, *se = NULL, *pred = NULL;
    int *rcs = NULL;
    char (*msgs)[256] = NULL;
    struct by_size *order = NULL;
    cli_output out = { 0 };
    int rc;

    if ((rc = xpl_model_load(&model, a.model_path))) {
        status = cli_library_error(rc);
        goto done;
    }
    size_t P = xpl_model_n_features(model), D = xpl_model_n_outputs(model);
    if (a.opts.model_output == XPL_OUTPUT_PROBABILITY &&
        !xpl_model_is_classifier(model)) {
        status = cli_usage_error(NULL, "--model-output probability needs a "
                                 "classifier; %s has a %s link",
                                 a.model_path,
                                 xpl_link_name(xpl_model_link(model)));
        goto done;
    }
    if (a.class_index >= 0 && (size_t)a.class_index >= D) {
        status = cli_usage_error(NULL, "--class %ld: %s has %zu output%s "
                                 "(0 to %zu)", a.class_index, a.model_path, D,
                                 D == 1 ? "" : "s", D - 1);
        goto done;
    }
    if ((status = load_background(&bg, model, &a)))
        goto done;
    if ((rc = xpl_kernel_shap_new(&ks, model, bg, &a.opts))) {
        /* bad option combinations (a logit link on margins, ...) are usage
         * errors; anything else is about the input */
        status = rc == XPL_EINVAL
                     ? cli_usage_error(NULL, "%s", xpl_last_error())
                     : cli_library_error(rc);
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
    ws = calloc(a.threads, sizeof *ws);
    x = malloc(sizeof *x * BATCH_ROWS * P);
    contrib = malloc(sizeof *contrib * BATCH_ROWS * D * P);
    se = malloc(sizeof *se * BATCH_ROWS * D * P);
    pred = malloc(sizeof *pred * BATCH_ROWS * D);
    rcs = malloc(sizeof *rcs * BATCH_ROWS);
    msgs = malloc(sizeof *msgs * BATCH_ROWS);
    order = malloc(sizeof *order * P);
    if (!ws || !x || !contrib || !se || !pred || !rcs || !msgs || !order) {
        fputs("explain: out of memory\n", stderr);
        status = EXIT_INTERNAL;
        goto done;
    }
    for (size_t t = 0; t < a.threads; t++)
        if ((rc = xpl_workspace_new(&ws[t]))) {
            status = cli_library_error(rc);
            goto done;
        }
    if ((status = cli_output_open(&out, a.out_path)))
        goto done;
    const double *base = xpl_kernel_shap_base_values(ks);
    size_t first_row = 0;
    for (;;) {
        size_t n;
        if ((rc = xpl_csv_reader_read(reader, x, BATCH_ROWS, &n))) {
            status = cli_library_error(rc);
            break;
        }
        if (n == 0)
            break;
        struct batch b = { ks, ws, x, n, first_row, P, D, contrib, se, pred,
                           rcs, msgs, 0 };
        run_batch(&b, a.threads);
        for (size_t i = 0; i < n && status == EXIT_OK; i++) {
            if (rcs[i]) {
                fprintf(stderr, "explain: %s: row %zu: %s\n", a.rows_path,
                        first_row + i, msgs[i][0] ? msgs[i]
                                                  : xpl_strerror(rcs[i]));
                status = rcs[i] == XPL_ENOMEM || rcs[i] == XPL_EUSER
                             ? EXIT_INTERNAL
                             : EXIT_INPUT;
                break;
            }
            for (size_t d = 0; d < D; d++) {
                if (a.class_index >= 0 && (size_t)a.class_index != d)
                    continue;
                const double *phi = contrib + (i * D + d) * P;
                const double *s = se + (i * D + d) * P;
                if (a.json)
                    write_json(out.fp, model, first_row + i, d, base[d],
                               pred[i * D + d], x + i * P, phi, s);
                else
                    write_text(out.fp, model, first_row + i, d, base[d],
                               pred[i * D + d], x + i * P, phi, s, order);
            }
        }
        if (status != EXIT_OK)
            break;
        first_row += n;
    }
    if (status == EXIT_OK)
        status = cli_output_commit(&out);
    else
        cli_output_abort(&out);
done:
    if (ws)
        for (size_t t = 0; t < a.threads; t++)
            xpl_workspace_free(ws[t]);
    free(ws);
    free(x);
    free(contrib);
    free(se);
    free(pred);
    free(rcs);
    free(msgs);
    free(order);
    xpl_csv_reader_free(reader);
    xpl_kernel_shap_free(ks);
    xpl_dataset_free(bg);
    xpl_model_free(model);
    return status;
}
