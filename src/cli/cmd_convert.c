/* explain convert MODEL -o OUT.bin: bundle a model with what explainers need. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: explain convert MODEL -o OUT.bin [options]\n"
    "\n"
    "Write MODEL (model.bin or a JSON model) as model.bin, optionally with a\n"
    "background sample and per-feature training statistics embedded, so that\n"
    "explanations need no other file. OUT.bin is written atomically.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE            the model.bin to write (required)\n"
    "  --background DATA.csv        embed a background sample from DATA.csv\n"
    "  --background-size K          keep K rows of it (default: all rows)\n"
    "  --background-method sample|kmeans\n"
    "                               draw K rows uniformly (default) or\n"
    "                               summarise the rows into K weighted k-means\n"
    "                               centres, like shap.kmeans\n"
    "  --stats DATA.csv             embed training statistics of DATA.csv\n"
    "                               (mean, std, min, max, quantiles)\n"
    "  --categories CATS.json       name the categories of categorical\n"
    "                               features: {\"feature\": [\"name of code 0\",\n"
    "                               \"name of code 1\", ...], ...}; rows may\n"
    "                               then hold names where codes go\n"
    "  --seed N                     seed for sampling and k-means (default 0)\n"
    "  --no-header                  the CSV files have no header row\n"
    "  -h, --help                   show this help\n"
    "\n"
    "An existing background, statistics or category names in MODEL are kept\n"
    "unless replaced (--categories replaces the names of the features it\n"
    "lists).\n";

struct convert_args {
    const char *model_path;
    const char *out_path;
    const char *background_path;
    const char *stats_path;
    const char *categories_path;
    size_t background_size; /* 0 = all rows */
    int kmeans;
    uint64_t seed;
    int has_header;
};

static int parse_args(int argc, char **argv, struct convert_args *a)
{
    static const struct option options[] = {
        { "output", required_argument, NULL, 'o' },
        { "background", required_argument, NULL, 'b' },
        { "background-size", required_argument, NULL, 'k' },
        { "background-method", required_argument, NULL, 'M' },
        { "stats", required_argument, NULL, 's' },
        { "categories", required_argument, NULL, 'C' },
        { "seed", required_argument, NULL, 'S' },
        { "no-header", no_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int size_given = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (!optarg[0])
                return cli_usage_error("convert", "-o needs a file name");
            a->out_path = optarg;
            break;
        case 'b': a->background_path = optarg; break;
        case 's': a->stats_path = optarg; break;
        case 'C': a->categories_path = optarg; break;
        case 'H': a->has_header = 0; break;
        case 'k':
            if (cli_parse_size(optarg, &a->background_size) ||
                a->background_size == 0)
                return cli_usage_error("convert", "--background-size must be "
                                       "a positive integer, not '%s'", optarg);
            size_given = 1;
            break;
        case 'M':
            if (strcmp(optarg, "sample") == 0)
                a->kmeans = 0;
            else if (strcmp(optarg, "kmeans") == 0)
                a->kmeans = 1;
            else
                return cli_usage_error("convert", "--background-method must "
                                       "be 'sample' or 'kmeans', not '%s'",
                                       optarg);
            break;
        case 'S':
            if (cli_parse_u64(optarg, &a->seed))
                return cli_seed_error("convert", optarg);
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        case ':':
            return cli_usage_error("convert", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("convert", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("convert", "expected one MODEL argument");
    a->model_path = argv[optind];
    if (!a->out_path)
        return cli_usage_error("convert", "the output file (-o OUT.bin) is "
                               "required");
    if ((size_given || a->kmeans) && !a->background_path)
        return cli_usage_error("convert", "--background-size and "
                               "--background-method need --background");
    const cli_input inputs[] = { { "MODEL", a->model_path },
                                 { "--background", a->background_path },
                                 { "--stats", a->stats_path },
                                 { "--categories", a->categories_path } };
    return cli_check_output("convert", a->out_path, "", inputs, 4);
}

/* Read a CSV with the model's features as columns, in the model's order. */
static int read_features(xpl_dataset **out, const xpl_model *m,
                         const char *path, int has_header)
{
    xpl_csv_options csv = XPL_CSV_OPTIONS_INIT;
    csv.has_header = has_header;
    csv.columns = xpl_model_feature_names(m);
    csv.n_columns = xpl_model_n_features(m);
    cli_categories cats;
    if (cli_csv_categories(&csv, m, XPL_UNKNOWN_CATEGORY_ERROR, &cats))
        return XPL_ENOMEM;
    int rc = xpl_dataset_read_csv(out, path, &csv);
    cli_csv_categories_free(&cats);
    return rc;
}

static int embed_background(xpl_model *m, const struct convert_args *a)
{
    xpl_dataset *all = NULL, *kept = NULL;
    int rc = read_features(&all, m, a->background_path, a->has_header);
    if (!rc && xpl_dataset_n_rows(all) == 0)
        fprintf(stderr, "explain: %s: no data rows\n", a->background_path);
    if (rc || xpl_dataset_n_rows(all) == 0) {
        xpl_dataset_free(all);
        return rc ? cli_library_error(rc) : EXIT_INPUT;
    }
    const xpl_dataset *bg = all;
    if (a->background_size && a->background_size < xpl_dataset_n_rows(all)) {
        rc = a->kmeans
                 ? xpl_dataset_kmeans(&kept, all, a->background_size, a->seed)
                 : xpl_dataset_sample(&kept, all, a->background_size, a->seed);
        bg = kept;
    }
    if (!rc)
        rc = xpl_model_set_background(m, bg);
    xpl_dataset_free(kept);
    xpl_dataset_free(all);
    return rc ? cli_library_error(rc) : EXIT_OK;
}

static int embed_stats(xpl_model *m, const struct convert_args *a)
{
    xpl_dataset *data = NULL;
    xpl_stats *stats = NULL;
    int rc = read_features(&data, m, a->stats_path, a->has_header);
    /* As for --background: statistics of no rows are all NaN, which is
     * never what was meant (a header-only or wrong file). */
    if (!rc && xpl_dataset_n_rows(data) == 0) {
        fprintf(stderr, "explain: %s: no data rows\n", a->stats_path);
        xpl_dataset_free(data);
        return EXIT_INPUT;
    }
    if (!rc)
        rc = xpl_stats_compute(&stats, data);
    if (!rc)
        rc = xpl_model_set_stats(m, stats);
    xpl_stats_free(stats);
    xpl_dataset_free(data);
    return rc ? cli_library_error(rc) : EXIT_OK;
}

int cmd_convert(int argc, char **argv)
{
    struct convert_args a = { .has_header = 1 };
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        return EXIT_OK; /* --help */
    if (status)
        return status;

    xpl_model *m;
    int rc = xpl_model_load(&m, a.model_path);
    if (rc)
        return cli_library_error(rc);
    /* names first: the background and statistics files may use them */
    if (a.categories_path &&
        (rc = xpl_model_read_categories(m, a.categories_path)))
        status = cli_library_error(rc);
    if (!status && a.background_path)
        status = embed_background(m, &a);
    if (!status && a.stats_path)
        status = embed_stats(m, &a);
    if (!status && (rc = xpl_model_save(m, a.out_path)))
        status = cli_library_error(rc);
    xpl_model_free(m);
    return status;
}
