/* explain info MODEL: what a model file holds. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xplain/render.h>

#include "cli.h"

static const char usage[] =
    "Usage: explain info MODEL\n"
    "       explain info MODEL --chart coefficients|tree [-o FILE] [options]\n"
    "\n"
    "Describe a model: its kind, link, outputs, features, properties, and the\n"
    "background sample and training statistics embedded in it. With --chart,\n"
    "draw the model instead.\n"
    "\n"
    "Options:\n"
    "  --chart coefficients  a linear model's coefficients, one chart per\n"
    "                        output, largest magnitude first\n"
    "  --chart tree          one tree of a tree model as an outline: splits,\n"
    "                        thresholds, where missing values go, covers and\n"
    "                        leaf values\n"
    "  --tree N              which tree (0-based, default 0)\n"
    "  --format svg|png|pdf  the chart's format (default: -o's extension,\n"
    "                        else svg)\n"
    "  --top K               the K largest coefficients, the rest summed\n"
    "                        (default 20; 0: all)\n"
    "  --output-names a,b    names of the model's outputs\n"
    "  -o, --output FILE     write to FILE instead of standard output\n"
    "  -h, --help            show this help\n";

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* --output-names a,b,c cut in place into names[] (at most max). */
static size_t split_names(char *list, const char **names, size_t max)
{
    size_t n = 0;
    for (char *p = list; n < max;) {
        char *end = strchr(p, ',');
        if (end)
            *end = '\0';
        names[n++] = p;
        if (!end)
            break;
        p = end + 1;
    }
    return n;
}

/* The model as a chart, written to path (NULL: standard output). */
static int draw_model(const xpl_model *m, xpl_render_options *ro,
                      const char *path, int raster)
{
    if (raster >= 0 && !xpl_render_convert_available())
        return cli_usage_error("info", "--format png and pdf are not "
                               "available (%s); --format svg is",
                               xpl_last_error());
    cli_output o;
    int st = cli_output_open(&o, path);
    if (st)
        return st;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = raster >= 0 ? open_memstream(&buf, &len) : o.fp;
    int rc = fp ? xpl_model_render_svg(fp, m, ro) : XPL_ENOMEM;
    if (raster >= 0 && fp && fclose(fp) != 0 && rc == XPL_OK)
        rc = XPL_ENOMEM;
    if (rc == XPL_OK && raster >= 0)
        rc = xpl_render_convert(o.fp, buf, len, (xpl_raster_format)raster, 0);
    free(buf);
    if (rc) {
        cli_output_abort(&o);
        return cli_library_error(rc);
    }
    return cli_output_commit(&o);
}

/* The named categories of each feature: code and name, the first
 * MAX_SHOWN of them. */
static void print_categories(const xpl_model *m)
{
    enum { MAX_SHOWN = 50 };
    int any = 0;
    for (size_t j = 0; j < xpl_model_n_features(m); j++) {
        size_t n = xpl_model_n_categories(m, j);
        if (!n)
            continue;
        if (!any)
            puts("categories:");
        any = 1;
        const char *const *names = xpl_model_category_names(m, j);
        printf("  %s: %zu categor%s\n", xpl_model_feature_name(m, j), n,
               n == 1 ? "y" : "ies");
        for (size_t c = 0; c < n && c < MAX_SHOWN; c++)
            printf("    %4zu  %s\n", c, names[c]);
        if (n > MAX_SHOWN)
            printf("    ... and %zu more\n", n - MAX_SHOWN);
    }
}

static void print_background(const xpl_dataset *bg)
{
    if (!bg) {
        puts("background:  none");
        return;
    }
    size_t n = xpl_dataset_n_rows(bg);
    const double *w = xpl_dataset_weights(bg);
    if (!w) {
        printf("background:  %zu row%s, unweighted\n", n, n == 1 ? "" : "s");
        return;
    }
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    printf("background:  %zu row%s, weighted (total weight %.6g)\n", n,
           n == 1 ? "" : "s", total);
}

static void print_stats(const xpl_model *m, const xpl_stats *s)
{
    if (!s) {
        puts("statistics:  none");
        return;
    }
    size_t nq = xpl_stats_n_quantiles(s);
    printf("statistics:  %zu features, %zu quantiles\n",
           xpl_stats_n_features(s), nq);
    size_t width = 4;
    for (size_t j = 0; j < xpl_model_n_features(m); j++) {
        size_t len = strlen(xpl_model_feature_name(m, j));
        if (len > width)
            width = len;
    }
    printf("  %-*s %12s %12s %12s %12s %9s\n", (int)width, "name", "mean",
           "std", "min", "max", "missing");
    for (size_t j = 0; j < xpl_stats_n_features(s); j++) {
        xpl_feature_stats f;
        if (xpl_stats_feature(s, j, &f))
            continue;
        printf("  %-*s %12.6g %12.6g %12.6g %12.6g %9llu\n", (int)width,
               xpl_model_feature_name(m, j), f.mean, f.std, f.min, f.max,
               (unsigned long long)f.n_missing);
    }
}

int cmd_info(int argc, char **argv)
{
    enum { O_CHART = 256, O_FORMAT, O_TOP, O_NAMES, O_TREE };
    static const struct option options[] = {
        { "chart", required_argument, NULL, O_CHART },
        { "format", required_argument, NULL, O_FORMAT },
        { "top", required_argument, NULL, O_TOP },
        { "output-names", required_argument, NULL, O_NAMES },
        { "tree", required_argument, NULL, O_TREE },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    xpl_render_options ro = XPL_RENDER_OPTIONS_INIT;
    ro.top_k = 20;
    const char *out_path = NULL, *format = NULL;
    char *names_arg = NULL;
    const char *names[256];
    int c, chart = 0, tree_given = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case O_CHART:
            if (strcmp(optarg, "coefficients") && strcmp(optarg, "tree"))
                return cli_usage_error("info", "--chart must be "
                                       "'coefficients' or 'tree', not '%s'",
                                       optarg);
            chart = strcmp(optarg, "tree") ? 1 : 2;
            break;
        case O_TREE:
            if (cli_parse_size(optarg, &ro.tree))
                return cli_usage_error("info", "--tree must be a "
                                       "non-negative integer, not '%s'",
                                       optarg);
            tree_given = 1;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "svg") && strcmp(optarg, "png") &&
                strcmp(optarg, "pdf"))
                return cli_usage_error("info", "--format must be 'svg', "
                                       "'png' or 'pdf', not '%s'", optarg);
            format = optarg;
            break;
        case O_TOP:
            if (cli_parse_size(optarg, &ro.top_k))
                return cli_usage_error("info", "--top must be a "
                                       "non-negative integer, not '%s'",
                                       optarg);
            break;
        case O_NAMES:
            names_arg = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case ':':
            return cli_usage_error("info", "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error("info", "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("info", "expected one MODEL argument");
    if (!chart && (format || out_path || names_arg || tree_given))
        return cli_usage_error("info", "--format, -o, --output-names and "
                               "--tree draw a chart: add --chart "
                               "coefficients or tree");
    if (tree_given && chart != 2)
        return cli_usage_error("info", "--tree goes with --chart tree");

    const char *path = argv[optind];
    xpl_model *m;
    int rc = xpl_model_load(&m, path);
    if (rc)
        return cli_library_error(rc);
    if (chart) {
        int raster = -1;
        if (!format && out_path)
            format = ends_with(out_path, ".png")   ? "png"
                     : ends_with(out_path, ".pdf") ? "pdf"
                                                   : "svg";
        if (format && strcmp(format, "svg"))
            raster = !strcmp(format, "png") ? XPL_RASTER_PNG : XPL_RASTER_PDF;
        ro.chart = chart == 2 ? XPL_CHART_TREE : XPL_CHART_COEFFICIENTS;
        if (names_arg) {
            ro.output_names = names;
            ro.n_output_names = split_names(names_arg, names, 256);
            if (ro.n_output_names != xpl_model_n_outputs(m)) {
                xpl_model_free(m);
                return cli_usage_error("info", "--output-names gives %zu "
                                       "names; %s has %zu outputs",
                                       ro.n_output_names, path,
                                       xpl_model_n_outputs(m));
            }
        }
        int st = draw_model(m, &ro, out_path, raster);
        xpl_model_free(m);
        return st;
    }

    printf("model:       %s\n", path);
    printf("kind:        %s\n", xpl_model_kind(m));
    printf("link:        %s\n", xpl_link_name(xpl_model_link(m)));
    printf("outputs:     %zu\n", xpl_model_n_outputs(m));
    printf("features:    %zu\n", xpl_model_n_features(m));
    for (size_t j = 0; j < xpl_model_n_features(m); j++)
        printf("  %4zu  %s\n", j + 1, xpl_model_feature_name(m, j));
    for (size_t i = 0; i < xpl_model_n_properties(m); i++) {
        const char *key, *value;
        if (xpl_model_property(m, i, &key, &value) == XPL_OK)
            printf("%s: %s\n", key, value);
    }
    print_categories(m);
    print_background(xpl_model_background(m));
    print_stats(m, xpl_model_stats(m));
    xpl_model_free(m);
    return EXIT_OK;
}
