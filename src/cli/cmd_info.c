/* explain info MODEL: what a model file holds. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: explain info MODEL\n"
    "\n"
    "Describe a model: its kind, link, outputs, features, properties, and the\n"
    "background sample and training statistics embedded in it.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n";

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
    static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        return cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
    }
    if (argc - optind != 1)
        return cli_usage_error("info", "expected one MODEL argument");

    const char *path = argv[optind];
    xpl_model *m;
    int rc = xpl_model_load(&m, path);
    if (rc)
        return cli_library_error(rc);

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
    print_background(xpl_model_background(m));
    print_stats(m, xpl_model_stats(m));
    xpl_model_free(m);
    return EXIT_OK;
}
