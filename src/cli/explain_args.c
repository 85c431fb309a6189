#include "explain_args.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

const char *explain_method_name(enum explain_method m)
{
    switch (m) {
    case METHOD_KERNEL_SHAP: return "kernel-shap";
    case METHOD_TREE_SHAP: return "tree-shap";
    case METHOD_LINEAR_SHAP: return "linear-shap";
    case METHOD_LIME: return "lime";
    case METHOD_SHAP: break;
    }
    return "shap";
}

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

/* Index of `s` in the NULL-terminated `names`, or -1. */
static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* File name extensions match in any case: out.SVG is an SVG file. */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

enum {
    O_METHOD = 256, O_BG, O_BG_SIZE, O_BG_METHOD, O_NSAMPLES, O_SAMPLER,
    O_TOL, O_SEED, O_THREADS, O_BATCH_ROWS, O_CLASS, O_OUTPUT_KIND, O_LINK,
    O_L1,
    O_FORMAT, O_NO_HEADER, O_DELIM, O_TOP, O_CHART, O_INTERACTIONS,
    O_NUM_SAMPLES, O_NUM_FEATURES, O_DISCRETIZER, O_KERNEL_WIDTH,
    O_SELECTION, O_CATEGORICAL, O_REPEATS, O_AROUND, O_COLUMNS, O_ID_COLUMN,
    O_FEATURE, O_COLOR_BY, O_ORDER, O_OUTPUT_NAMES,
    O_EXPLANATIONS, O_HOST, O_PORT, O_MAX_BODY, O_MAX_ROWS, O_TIMEOUT,
    O_UNKNOWN_CATEGORY
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
    { "batch-rows", required_argument, NULL, O_BATCH_ROWS },
    { "class", required_argument, NULL, O_CLASS },
    { "model-output", required_argument, NULL, O_OUTPUT_KIND },
    { "link", required_argument, NULL, O_LINK },
    { "l1", required_argument, NULL, O_L1 },
    { "format", required_argument, NULL, O_FORMAT },
    { "no-header", no_argument, NULL, O_NO_HEADER },
    { "delimiter", required_argument, NULL, O_DELIM },
    { "top", required_argument, NULL, O_TOP },
    { "chart", required_argument, NULL, O_CHART },
    { "feature", required_argument, NULL, O_FEATURE },
    { "color-by", required_argument, NULL, O_COLOR_BY },
    { "colour-by", required_argument, NULL, O_COLOR_BY },
    { "order", required_argument, NULL, O_ORDER },
    { "output-names", required_argument, NULL, O_OUTPUT_NAMES },
    { "interactions", no_argument, NULL, O_INTERACTIONS },
    { "num-samples", required_argument, NULL, O_NUM_SAMPLES },
    { "num-features", required_argument, NULL, O_NUM_FEATURES },
    { "discretizer", required_argument, NULL, O_DISCRETIZER },
    { "kernel-width", required_argument, NULL, O_KERNEL_WIDTH },
    { "feature-selection", required_argument, NULL, O_SELECTION },
    { "categorical", required_argument, NULL, O_CATEGORICAL },
    { "repeats", required_argument, NULL, O_REPEATS },
    { "sample-around-instance", no_argument, NULL, O_AROUND },
    { "columns", required_argument, NULL, O_COLUMNS },
    { "unknown-category", required_argument, NULL, O_UNKNOWN_CATEGORY },
    { "id-column", required_argument, NULL, O_ID_COLUMN },
    { "explanations", no_argument, NULL, O_EXPLANATIONS },
    { "host", required_argument, NULL, O_HOST },
    { "port", required_argument, NULL, O_PORT },
    { "max-body", required_argument, NULL, O_MAX_BODY },
    { "max-rows", required_argument, NULL, O_MAX_ROWS },
    { "timeout", required_argument, NULL, O_TIMEOUT },
    { "output", required_argument, NULL, 'o' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static const char *const method_names[] = {
    "shap", "kernel-shap", "tree-shap", "linear-shap", "lime", NULL
};
static const char *const format_names[] = {
    "json", "text", "csv", "svg", "png", "pdf", NULL
};

/* --chart names and kinds, in the order of the help. */
static const char *const chart_names[] = {
    "bar", "waterfall", "force", "beeswarm", "stacked", "dependence",
    "decision", "heatmap", "interactions", NULL
};
static const xpl_chart chart_kinds[] = {
    XPL_CHART_BAR, XPL_CHART_WATERFALL, XPL_CHART_FORCE, XPL_CHART_BEESWARM,
    XPL_CHART_STACKED, XPL_CHART_DEPENDENCE, XPL_CHART_DECISION,
    XPL_CHART_HEATMAP, XPL_CHART_INTERACTIONS,
};

static const char *chart_name(xpl_chart c)
{
    for (size_t i = 0; chart_names[i]; i++)
        if (chart_kinds[i] == c)
            return chart_names[i];
    return "?";
}

/* --output-names a,b,c: the names of the model's outputs, in order; an
 * empty name is an error (it would read as a missing one). */
static int parse_output_names(struct explain_args *a, const char *cmd,
                              const char *list)
{
    free(a->output_names_arg);
    free(a->output_names);
    a->output_names = NULL;
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    a->output_names_arg = strdup(list);
    a->output_names = malloc(n * sizeof *a->output_names);
    if (!a->output_names_arg || !a->output_names) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    char *p = a->output_names_arg;
    for (size_t k = 0; k < n; k++) {
        char *end = strchr(p, ',');
        if (end)
            *end = '\0';
        if (!*p)
            return cli_usage_error(cmd, "--output-names: name %zu is empty",
                                   k + 1);
        a->output_names[k] = p;
        p = end ? end + 1 : p + strlen(p);
    }
    a->render.output_names = a->output_names;
    a->render.n_output_names = n;
    return EXIT_OK;
}

/* --columns a,b,c: the names of a headerless file's columns, in order. */
static int parse_columns(struct explain_args *a, const char *cmd,
                         const char *list)
{
    free(a->columns_arg);
    free(a->columns);
    a->columns = NULL;
    a->n_columns = 0;
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    a->columns_arg = strdup(list);
    a->columns = malloc(n * sizeof *a->columns);
    if (!a->columns_arg || !a->columns) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    char *p = a->columns_arg;
    for (size_t k = 0; k < n; k++) {
        char *end = strchr(p, ',');
        if (end)
            *end = '\0';
        if (!*p)
            return cli_usage_error(cmd, "--columns: column %zu has no name",
                                   k + 1);
        for (size_t j = 0; j < k; j++)
            if (strcmp(a->columns[j], p) == 0)
                return cli_usage_error(cmd, "--columns names '%s' twice", p);
        a->columns[k] = p;
        p = end ? end + 1 : p + strlen(p);
    }
    a->n_columns = n;
    return EXIT_OK;
}

/* --host, --port, --max-body, --max-rows, --timeout of explain serve. */
static int parse_serve_option(int c, struct explain_args *a, const char *v)
{
    size_t n;
    switch (c) {
    case O_HOST:
        if (!v[0])
            return cli_usage_error("serve", "--host needs an address");
        a->host = v;
        break;
    case O_PORT:
        if (cli_parse_size(v, &n) || n > 65535)
            return cli_usage_error("serve", "--port must be an integer from "
                                   "0 (any free port) to 65535, not '%s'", v);
        a->port = (unsigned)n;
        break;
    case O_MAX_BODY:
        if (cli_parse_size(v, &n) || n == 0 || n > ((size_t)1 << 32))
            return cli_usage_error("serve", "--max-body must be a number of "
                                   "bytes from 1 to 4294967296, not '%s'", v);
        a->max_body = n;
        break;
    case O_MAX_ROWS:
        if (cli_parse_size(v, &n) || n == 0 || n > XPL_MAX_ROWS)
            return cli_usage_error("serve", "--max-rows must be a positive "
                                   "integer, not '%s'", v);
        a->max_rows = n;
        break;
    case O_TIMEOUT:
        if (cli_parse_size(v, &n) || n == 0 || n > 86400)
            return cli_usage_error("serve", "--timeout must be a number of "
                                   "seconds from 1 to 86400, not '%s'", v);
        a->timeout = (unsigned)n;
        break;
    }
    return EXIT_OK;
}

/* One option; returns EXIT_OK, EXIT_USAGE or -1 (--help). */
static int parse_one(int c, struct explain_args *a,
                     const char *const *usage,
                     int *size_given, int *format_given, int *chart_given,
                     char **argv)
{
    /* the hint names the subcommand whose --help lists the option */
    const char *cmd = a->serve ? "serve" : a->importance ? "importance" : NULL;
    size_t n;
    uint64_t u;
    double d;
    int i;
    switch (c) {
    case O_METHOD:
        if ((i = pick(optarg, method_names)) < 0)
            return cli_usage_error(cmd, "--method must be 'shap', "
                                   "'kernel-shap', 'tree-shap', "
                                   "'linear-shap' or 'lime', not '%s'",
                                   optarg);
        a->method = (enum explain_method)i;
        break;
    case O_BG: a->background_path = optarg; break;
    case O_BG_SIZE:
        if (cli_parse_size(optarg, &a->background_size) ||
            a->background_size == 0)
            return cli_usage_error(cmd, "--background-size must be a "
                                   "positive integer, not '%s'", optarg);
        *size_given = 1;
        break;
    case O_BG_METHOD:
        if ((i = pick(optarg, (const char *const[]){ "sample", "kmeans",
                                                     NULL })) < 0)
            return cli_usage_error(cmd, "--background-method must be "
                                   "'sample' or 'kmeans', not '%s'", optarg);
        a->kmeans = i;
        *size_given = 1;
        break;
    case O_NSAMPLES:
        if (cli_parse_size(optarg, &n) || n == 1 ||
            n > XPL_KERNEL_SHAP_MAX_SAMPLES)
            return cli_usage_error(cmd, "--nsamples must be 0 (auto) or an "
                                   "integer from 2 to %zu, not '%s'",
                                   XPL_KERNEL_SHAP_MAX_SAMPLES, optarg);
        a->ks.nsamples = n;
        a->kernel_only = "--nsamples";
        break;
    case O_SAMPLER:
        if ((i = pick(optarg, (const char *const[]){ "xplain", "shap",
                                                     "leverage", NULL })) < 0)
            return cli_usage_error(cmd, "--sampler must be 'xplain', "
                                   "'shap' or 'leverage', not '%s'", optarg);
        a->ks.sampler = i == 0   ? XPL_KS_SAMPLER_XPLAIN
                        : i == 1 ? XPL_KS_SAMPLER_SHAP
                                 : XPL_KS_SAMPLER_LEVERAGE;
        a->kernel_only = "--sampler";
        break;
    case O_TOL:
        if (parse_double(optarg, &d) || d < 0)
            return cli_usage_error(cmd, "--tolerance must be a number >= 0, "
                                   "not '%s'", optarg);
        a->ks.tolerance = d;
        a->kernel_only = "--tolerance";
        break;
    case O_SEED:
        if (cli_parse_u64(optarg, &u))
            return cli_seed_error(cmd, optarg);
        a->ks.seed = u;
        a->lime.seed = u;
        break;
    case O_THREADS:
        if (cli_parse_size(optarg, &n) || n == 0 || n > 1024)
            return cli_usage_error(cmd, "--threads must be an integer from 1 "
                                   "to 1024, not '%s'", optarg);
        a->threads = n;
        break;
    case O_BATCH_ROWS:
        if (cli_parse_size(optarg, &n) || n == 0 || n > MAX_BATCH_ROWS)
            return cli_usage_error(cmd, "--batch-rows must be an integer "
                                   "from 1 to %d, not '%s'", MAX_BATCH_ROWS,
                                   optarg);
        a->batch_rows = n;
        break;
    case O_CLASS:
        if (cli_parse_size(optarg, &n) || n > 65535)
            return cli_usage_error(cmd, "--class must be a non-negative "
                                   "integer (the 0-based output), not '%s'",
                                   optarg);
        a->class_index = (long)n;
        break;
    case O_OUTPUT_KIND:
        if ((i = pick(optarg, (const char *const[]){ "raw", "probability",
                                                     "response", NULL })) < 0)
            return cli_usage_error(cmd, "--model-output must be 'raw', "
                                   "'probability' or 'response', not '%s'",
                                   optarg);
        a->ks.model_output = i == 0   ? XPL_OUTPUT_RAW
                             : i == 1 ? XPL_OUTPUT_PROBABILITY
                                      : XPL_OUTPUT_RESPONSE;
        a->lime.model_output = (int)a->ks.model_output;
        a->model_output_given = 1;
        break;
    case O_LINK:
        if ((i = pick(optarg, (const char *const[]){ "identity", "logit",
                                                     NULL })) < 0)
            return cli_usage_error(cmd, "--link must be 'identity' or "
                                   "'logit', not '%s'", optarg);
        a->ks.link = i ? XPL_LINK_LOGIT : XPL_LINK_IDENTITY;
        a->kernel_only = "--link";
        break;
    case O_L1:
        if (strcmp(optarg, "none") == 0) {
            a->ks.l1_reg = XPL_L1_NONE;
        } else if (strcmp(optarg, "aic") == 0) {
            a->ks.l1_reg = XPL_L1_AIC;
        } else if (strcmp(optarg, "bic") == 0) {
            a->ks.l1_reg = XPL_L1_BIC;
        } else if (strncmp(optarg, "top:", 4) == 0 &&
                   !cli_parse_size(optarg + 4, &n) && n > 0) {
            a->ks.l1_reg = XPL_L1_TOP_K;
            a->ks.l1_top_k = n;
        } else {
            return cli_usage_error(cmd, "--l1 must be 'none', 'aic', 'bic' "
                                   "or 'top:K' with K >= 1, not '%s'",
                                   optarg);
        }
        a->kernel_only = "--l1";
        break;
    case O_FORMAT:
        if ((i = pick(optarg, format_names)) < 0)
            return cli_usage_error(cmd, "--format must be 'json', 'text', "
                                   "'csv', 'svg', 'png' or 'pdf', not '%s'",
                                   optarg);
        a->format = i >= 4 ? FORMAT_SVG : (enum explain_format)i;
        a->raster = i == 4 ? XPL_RASTER_PNG : i == 5 ? XPL_RASTER_PDF : -1;
        *format_given = 1;
        break;
    case O_NO_HEADER: a->has_header = 0; break;
    case O_DELIM:
        if (strlen(optarg) != 1)
            return cli_usage_error(cmd, "--delimiter takes one character, "
                                   "not '%s'", optarg);
        /* what the CSV reader would refuse is a usage error, as in
         * predict */
        if (strchr("\"\r\n", optarg[0]))
            return cli_usage_error(cmd, "--delimiter cannot be a quote or a "
                                   "line end");
        a->delimiter = optarg[0];
        break;
    case O_TOP:
        if (cli_parse_size(optarg, &n))
            return cli_usage_error(cmd, "--top must be a non-negative "
                                   "integer (0 shows every feature), not "
                                   "'%s'", optarg);
        a->render.top_k = n;
        break;
    case O_CHART:
        if ((i = pick(optarg, chart_names)) < 0)
            return cli_usage_error(cmd, "--chart must be 'bar', 'waterfall', "
                                   "'force', 'beeswarm', 'stacked', "
                                   "'dependence', 'decision' or 'heatmap', "
                                   "not '%s'", optarg);
        a->render.chart = chart_kinds[i];
        *chart_given = 1;
        break;
    case O_FEATURE:
        if (!optarg[0])
            return cli_usage_error(cmd, "--feature needs a feature name");
        a->render.feature = optarg;
        break;
    case O_COLOR_BY:
        if (!optarg[0])
            return cli_usage_error(cmd, "--color-by needs a feature name or "
                                   "'auto'");
        a->render.color_by = optarg;
        break;
    case O_ORDER:
        if ((i = pick(optarg, (const char *const[]){ "similarity", "output",
                                                     NULL })) < 0)
            return cli_usage_error(cmd, "--order must be 'similarity' or "
                                   "'output', not '%s'", optarg);
        a->render.order_by_output = i == 1;
        a->order_given = 1;
        break;
    case O_OUTPUT_NAMES:
        return parse_output_names(a, cmd, optarg);
    case 'q': a->quiet = 1; break;
    case O_INTERACTIONS: a->interactions = 1; break;
    case O_NUM_SAMPLES:
        if (cli_parse_size(optarg, &n) || n < 2 || n > XPL_LIME_MAX_SAMPLES)
            return cli_usage_error(cmd, "--num-samples must be an integer "
                                   "from 2 to %zu, not '%s'",
                                   XPL_LIME_MAX_SAMPLES, optarg);
        a->lime.num_samples = n;
        a->lime_only = "--num-samples";
        break;
    case O_NUM_FEATURES:
        if (cli_parse_size(optarg, &n) || n == 0)
            return cli_usage_error(cmd, "--num-features must be a positive "
                                   "integer, not '%s'", optarg);
        a->lime.num_features = n;
        a->lime_only = "--num-features";
        break;
    case O_DISCRETIZER:
        if ((i = pick(optarg, (const char *const[]){ "quartile", "decile",
                                                     "none", NULL })) < 0)
            return cli_usage_error(cmd, "--discretizer must be 'quartile', "
                                   "'decile' or 'none', not '%s'", optarg);
        a->lime.discretizer = i == 0   ? XPL_LIME_QUARTILE
                              : i == 1 ? XPL_LIME_DECILE
                                       : XPL_LIME_NONE;
        a->lime_only = "--discretizer";
        break;
    case O_KERNEL_WIDTH:
        if (parse_double(optarg, &d) || !(d > 0))
            return cli_usage_error(cmd, "--kernel-width must be a number "
                                   "> 0, not '%s'", optarg);
        a->lime.kernel_width = d;
        a->lime_only = "--kernel-width";
        break;
    case O_SELECTION:
        if ((i = pick(optarg, (const char *const[]){
                 "auto", "forward", "highest-weights", "lasso-path", "none",
                 NULL })) < 0)
            return cli_usage_error(cmd, "--feature-selection must be "
                                   "'auto', 'forward', 'highest-weights', "
                                   "'lasso-path' or 'none', not '%s'",
                                   optarg);
        a->lime.feature_selection = (xpl_lime_selection)i;
        a->lime_only = "--feature-selection";
        break;
    case O_CATEGORICAL:
        a->categorical = optarg;
        a->lime_only = "--categorical";
        break;
    case O_REPEATS:
        if (cli_parse_size(optarg, &n) || n == 0 ||
            n > XPL_LIME_MAX_REPEATS)
            return cli_usage_error(cmd, "--repeats must be an integer from "
                                   "1 to %u, not '%s'", XPL_LIME_MAX_REPEATS,
                                   optarg);
        a->lime.repeats = (unsigned)n;
        a->lime_only = "--repeats";
        break;
    case O_AROUND:
        a->lime.sample_around_instance = 1;
        a->lime_only = "--sample-around-instance";
        break;
    case O_COLUMNS:
        return parse_columns(a, cmd, optarg);
    case O_UNKNOWN_CATEGORY:
        if (strcmp(optarg, "error") == 0)
            a->unknown_category = XPL_UNKNOWN_CATEGORY_ERROR;
        else if (strcmp(optarg, "missing") == 0)
            a->unknown_category = XPL_UNKNOWN_CATEGORY_MISSING;
        else
            return cli_usage_error(cmd, "--unknown-category must be 'error' "
                                   "or 'missing', not '%s'", optarg);
        break;
    case O_ID_COLUMN:
        if (a->importance)
            return cli_usage_error(cmd, "--id-column is for per-row "
                                   "outputs, not importance");
        if (!optarg[0])
            return cli_usage_error(cmd, "--id-column needs a column name");
        if (a->n_ids == MAX_ID_COLUMNS)
            return cli_usage_error(cmd, "at most %d --id-column options",
                                   MAX_ID_COLUMNS);
        for (size_t k = 0; k < a->n_ids; k++)
            if (strcmp(a->id_columns[k], optarg) == 0)
                return cli_usage_error(cmd, "--id-column '%s' is given "
                                       "twice", optarg);
        a->id_columns[a->n_ids++] = optarg;
        break;
    case O_EXPLANATIONS:
        if (!a->importance)
            return cli_usage_error(cmd, "--explanations is an option of "
                                   "'explain importance'");
        a->n_explanations = 1; /* the files are the arguments after MODEL */
        break;
    case O_HOST:
    case O_PORT:
    case O_MAX_BODY:
    case O_MAX_ROWS:
    case O_TIMEOUT:
        if (!a->serve)
            return cli_usage_error(cmd, "%s is an option of 'explain serve'",
                                   argv[optind - 1]);
        return parse_serve_option(c, a, optarg);
    case 'o':
        if (!optarg[0])
            return cli_usage_error(cmd, "-o needs a file name ('-' for "
                                   "standard output)");
        a->out_path = optarg;
        break;
    case 'h':
        for (; *usage; usage++)
            fputs(*usage, stdout);
        return -1;
    case ':':
        return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
    default:
        return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
    }
    return EXIT_OK;
}

/* Checks that need every option: what the method reads, what the output
 * can hold. */
static int check_combination(struct explain_args *a, int size_given,
                             int format_given, int chart_given, int top_given)
{
    const char *cmd = a->serve ? "serve" : a->importance ? "importance" : NULL;
    if (size_given && !a->background_path)
        return cli_usage_error(cmd, "--background-size and "
                               "--background-method need --background");
    if (a->kernel_only && a->method != METHOD_KERNEL_SHAP &&
        a->method != METHOD_SHAP)
        return cli_usage_error(cmd, "%s applies to --method kernel-shap, not "
                               "%s", a->kernel_only,
                               explain_method_name(a->method));
    if (a->lime_only && a->method != METHOD_LIME)
        return cli_usage_error(cmd, "%s applies to --method lime", a->lime_only);
    if (a->interactions && a->method != METHOD_SHAP &&
        a->method != METHOD_TREE_SHAP)
        return cli_usage_error(cmd, "--interactions needs --method tree-shap "
                               "(or shap on a tree model)");
    /* the format follows -o's extension unless given */
    if (!format_given && a->out_path) {
        if (ends_with(a->out_path, ".png") || ends_with(a->out_path, ".pdf")) {
            a->format = FORMAT_SVG;
            a->raster = ends_with(a->out_path, ".png") ? XPL_RASTER_PNG
                                                       : XPL_RASTER_PDF;
        } else if (ends_with(a->out_path, ".svg") ||
                   ends_with(a->out_path, "/"))
            a->format = FORMAT_SVG;
        else if (ends_with(a->out_path, ".csv"))
            a->format = FORMAT_CSV;
        else if (ends_with(a->out_path, ".txt"))
            a->format = FORMAT_TEXT;
    }
    /* charts show what fits, as shap's plots do: 10 features per row,
     * 20 for the global ones (beeswarm like shap's summary plot) */
    if (!top_given && a->format == FORMAT_SVG)
        a->render.top_k = a->importance ? 20 : 10;
    if (a->interactions && !a->importance && a->format != FORMAT_JSON)
        return cli_usage_error(cmd, "--interactions needs --format json");
    /* importance: the matrix of mean |interaction| in JSON, or its chart */
    if (a->interactions && a->importance && a->format != FORMAT_JSON &&
        a->format != FORMAT_SVG)
        return cli_usage_error(cmd, "importance --interactions needs --format "
                               "json, svg, png or pdf");
    if (a->interactions && a->importance && a->format == FORMAT_SVG) {
        if (chart_given && a->render.chart != XPL_CHART_INTERACTIONS)
            return cli_usage_error(cmd, "importance --interactions draws "
                                   "--chart interactions");
        a->render.chart = XPL_CHART_INTERACTIONS;
    }
    if (a->render.chart == XPL_CHART_INTERACTIONS && !a->interactions)
        return cli_usage_error(cmd, "--chart interactions needs "
                               "--interactions");
    /* --top shortens what people read, as shap's max_display does for its
     * plots; JSON and CSV are data and always hold every feature, so
     * asking them for fewer is refused, as --chart is without SVG */
    if (top_given && (a->format == FORMAT_JSON || a->format == FORMAT_CSV))
        return cli_usage_error(cmd, "--top applies to --format text and svg; "
                               "%s output always holds every feature (keep "
                               "the largest downstream%s)",
                               a->format == FORMAT_JSON ? "JSON" : "CSV",
                               a->format == FORMAT_JSON ? ", e.g. with jq"
                                                        : "");
    if (chart_given && a->format != FORMAT_SVG)
        return cli_usage_error(cmd, "--chart needs --format svg, png or pdf");
    if (a->raster >= 0 && !xpl_render_convert_available())
        return cli_usage_error(cmd, "--format png and pdf are not "
                               "available (%s); --format svg is",
                               xpl_last_error());
    if (a->raster >= 0 && (!a->out_path || !strcmp(a->out_path, "-")) &&
        isatty(STDOUT_FILENO))
        return cli_usage_error(cmd, "--format %s is binary: give -o FILE "
                               "or redirect standard output",
                               a->raster == XPL_RASTER_PNG ? "png" : "pdf");
    xpl_chart ch = a->render.chart;
    int row_chart = ch == XPL_CHART_BAR || ch == XPL_CHART_WATERFALL ||
                    ch == XPL_CHART_FORCE;
    if (!a->importance && !row_chart)
        return cli_usage_error(cmd, "--chart %s is a chart of many rows: use "
                               "'explain importance --chart %s'",
                               chart_name(ch), chart_name(ch));
    if (a->importance && ch == XPL_CHART_WATERFALL)
        return cli_usage_error(cmd, "--chart waterfall is a per-row chart; "
                               "importance draws bar, beeswarm, stacked, "
                               "dependence, decision, heatmap, force or "
                               "interactions");
    if (ch == XPL_CHART_DEPENDENCE && !a->render.feature)
        return cli_usage_error(cmd, "--chart dependence needs --feature NAME");
    if (ch != XPL_CHART_DEPENDENCE && (a->render.feature ||
                                       a->render.color_by))
        return cli_usage_error(cmd, "--feature and --color-by are options of "
                               "--chart dependence");
    if (a->order_given && !(a->importance && (ch == XPL_CHART_HEATMAP ||
                                              ch == XPL_CHART_FORCE)))
        return cli_usage_error(cmd, "--order is an option of 'explain "
                               "importance --chart heatmap' and '--chart "
                               "force'");
    /* -o dir/ is a folder of per-row charts; anywhere else a directory
     * is a mistake on the command line, not bad input */
    const char *dir_hint =
        a->importance ? ""
        : a->format != FORMAT_SVG
            ? " (only --format svg writes a directory, with -o DIR/: one "
              "chart per row)"
            : " (or end it with '/' for one chart per row)";
    if (!a->importance && a->format == FORMAT_SVG && a->out_path &&
        ends_with(a->out_path, "/"))
        dir_hint = NULL;
    const cli_input inputs[] = { { "MODEL", a->model_path },
                                 { a->importance ? "DATA.csv" : "ROWS.csv",
                                   a->rows_path },
                                 { "--background", a->background_path } };
    return cli_check_output(cmd, a->out_path, dir_hint, inputs, 3);
}

void explain_args_free(struct explain_args *a)
{
    free(a->output_names_arg);
    free(a->output_names);
    a->output_names_arg = NULL;
    a->output_names = NULL;
    a->render.output_names = NULL;
    a->render.n_output_names = 0;
    free(a->columns_arg);
    free(a->columns);
    a->columns_arg = NULL;
    a->columns = NULL;
    a->n_columns = 0;
}

/* Checks of --columns, --no-header, --id-column and --explanations. */
static int check_inputs(struct explain_args *a, const char *cmd)
{
    if (a->n_columns && a->has_header)
        return cli_usage_error(cmd, "--columns names the columns of a file "
                               "without a header: add --no-header");
    if (a->n_ids && !a->has_header && !a->n_columns)
        return cli_usage_error(cmd, "--id-column on a file without a header "
                               "needs --columns to name its columns");
    if (a->n_ids && a->n_columns)
        for (size_t k = 0; k < a->n_ids; k++) {
            size_t j = 0;
            while (j < a->n_columns && strcmp(a->columns[j], a->id_columns[k]))
                j++;
            if (j == a->n_columns)
                return cli_usage_error(cmd, "--id-column '%s' is not in "
                                       "--columns", a->id_columns[k]);
        }
    if (a->n_explanations && (a->n_columns || !a->has_header ||
                              a->background_path || a->kernel_only ||
                              a->interactions ||
                              a->lime_only || a->method != METHOD_SHAP ||
                              a->threads > 1 || a->batch_rows))
        return cli_usage_error(cmd, "--explanations reads explanations "
                               "already made: --method, --background, the "
                               "methods' options, --interactions, --threads, "
                               "--batch-rows, --columns and --no-header do "
                               "not apply");
    return EXIT_OK;
}

int explain_parse_args(int argc, char **argv, struct explain_args *a,
                       int mode, const char *const *usage)
{
    int importance = mode == MODE_IMPORTANCE;
    *a = (struct explain_args){ .importance = importance,
                                .serve = mode == MODE_SERVE,
                                .has_header = 1,
                                .delimiter = ',', .class_index = -1,
                                .threads = 1,
                                .host = "127.0.0.1", .port = 8080,
                                .max_body = (size_t)1 << 20,
                                .max_rows = 10000, .timeout = 10,
                                .format = importance ? FORMAT_TEXT
                                                     : FORMAT_JSON,
                                .raster = -1 };
    a->render = (xpl_render_options)XPL_RENDER_OPTIONS_INIT;
    a->ks = (xpl_kernel_shap_options)XPL_KERNEL_SHAP_OPTIONS_INIT;
    a->lime = (xpl_lime_options)XPL_LIME_OPTIONS_INIT;
    int size_given = 0, format_given = 0, chart_given = 0, top_given = 0;
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qh", options, NULL)) != -1)
        if ((rc = parse_one(c, a, usage, &size_given, &format_given,
                            &chart_given, argv)))
            return rc;
        else if (c == O_TOP)
            top_given = 1;
    const char *cmd = a->serve ? "serve" : importance ? "importance" : NULL;
    if ((rc = check_inputs(a, cmd)))
        return rc;
    if (a->serve) {
        if (argc - optind != 1)
            return cli_usage_error(cmd, "expected one MODEL argument, got "
                                   "%d", argc - optind);
        if (format_given || a->out_path || chart_given || top_given ||
            a->quiet || a->n_columns || !a->has_header || a->batch_rows)
            return cli_usage_error(cmd, "the service answers JSON Lines: "
                                   "--format, -o, --chart, --top, --quiet, "
                                   "--batch-rows, --columns and --no-header "
                                   "do not apply");
        a->model_path = argv[optind];
        return check_combination(a, size_given, format_given, chart_given,
                                 top_given);
    }
    if (a->n_explanations) {
        if (argc - optind < 2)
            return cli_usage_error(cmd, "--explanations: expected MODEL and "
                                   "at least one JSON Lines file");
        a->model_path = argv[optind];
        a->explanation_paths = argv + optind + 1;
        a->n_explanations = (size_t)(argc - optind - 1);
        a->rows_path = NULL;
        return check_combination(a, size_given, format_given, chart_given,
                                 top_given);
    }
    if (argc - optind != 2)
        return cli_usage_error(cmd, "expected MODEL and %s, got %d "
                               "argument%s", importance ? "DATA.csv"
                                                        : "ROWS.csv",
                               argc - optind, argc - optind == 1 ? "" : "s");
    a->model_path = argv[optind];
    a->rows_path = argv[optind + 1];
    return check_combination(a, size_given, format_given, chart_given,
                             top_given);
}

/* The unit of the explained output, for chart axes and table headers:
 * margins of classifiers are log-odds, probabilities are probabilities,
 * and Kernel SHAP's logit link puts them back on the log-odds scale. */
static const char *output_unit(const xpl_model *m,
                               const struct explain_args *a,
                               enum explain_method method)
{
    xpl_link link = xpl_model_link(m);
    int lime = method == METHOD_LIME;
    xpl_output kind = a->model_output_given ? a->ks.model_output
                      : lime && xpl_model_is_classifier(m)
                          ? XPL_OUTPUT_PROBABILITY
                          : XPL_OUTPUT_RAW;
    if (method == METHOD_KERNEL_SHAP && a->ks.link == XPL_LINK_LOGIT)
        return "log-odds";
    int classes = link == XPL_LINK_LOGIT || link == XPL_LINK_SOFTMAX;
    switch (kind) {
    case XPL_OUTPUT_PROBABILITY:
        return "probability";
    case XPL_OUTPUT_RESPONSE:
        return classes ? "probability" : "response";
    case XPL_OUTPUT_RAW:
    case XPL_OUTPUT_AUTO: /* resolved above: not reached */
        break;
    }
    if (classes)
        return "log-odds";
    return link == XPL_LINK_LOG ? "log of the response" : "response";
}

int explain_fit_outputs(struct explain_args *a, const xpl_model *m,
                        enum explain_method method, const char *cmd)
{
    size_t D = xpl_model_n_outputs(m);
    int binary = D == 1 && xpl_model_is_classifier(m);
    if (a->render.output_names && a->render.n_output_names != D &&
        !(binary && a->render.n_output_names == 2))
        return cli_usage_error(cmd, "--output-names gives %zu name%s; %s "
                               "has %zu output%s%s", a->render.n_output_names,
                               a->render.n_output_names == 1 ? "" : "s",
                               a->model_path, D, D == 1 ? "" : "s",
                               binary ? " (2 names for its two classes)" : "");
    /* a binary classifier's one output scores its second class, and
     * explanations call it output 1 of 2: two names, one per class */
    a->render.unit = output_unit(m, a, method);
    return EXIT_OK;
}

enum explain_method explain_method_of(const char *name)
{
    int i = name ? pick(name, method_names) : -1;
    return i < 0 ? METHOD_SHAP : (enum explain_method)i;
}
