/* Options of the main form (explain [--method M] MODEL ROWS.csv) and of
 * explain importance, which share them. */
#ifndef XPL_CLI_EXPLAIN_ARGS_H
#define XPL_CLI_EXPLAIN_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <xplain/lime.h>
#include <xplain/render.h>
#include <xplain/xplain.h>

enum explain_method {
    METHOD_SHAP,        /* the best exact SHAP algorithm for the model */
    METHOD_KERNEL_SHAP,
    METHOD_TREE_SHAP,
    METHOD_LINEAR_SHAP,
    METHOD_LIME
};

enum explain_format { FORMAT_JSON, FORMAT_TEXT, FORMAT_CSV, FORMAT_SVG };

/* Which command the options are for (explain_parse_args' `mode`). */
enum explain_mode {
    MODE_EXPLAIN = 0,        /* explain MODEL ROWS.csv */
    MODE_IMPORTANCE = 1,     /* explain importance MODEL DATA.csv */
    MODE_SERVE = 2           /* explain serve MODEL */
};

/* Most identifier columns (--id-column) a run can carry. */
enum { MAX_ID_COLUMNS = 16, MAX_BATCH_ROWS = 65536 };

struct explain_args {
    int importance;          /* explain importance: aggregate, then render */
    int serve;               /* explain serve: options of the service */
    enum explain_method method;
    const char *model_path, *rows_path, *background_path, *out_path;
    size_t background_size;
    int kmeans, has_header;
    int unknown_category;    /* an xpl_unknown_category */
    char delimiter;
    long class_index;        /* -1: all outputs (SHAP) / automatic (LIME) */
    size_t threads;
    size_t batch_rows;       /* --batch-rows; 0: not given (BATCH_ROWS) */
    enum explain_format format;
    int raster;              /* --format png|pdf: an xpl_raster_format (the
                                chart is drawn as SVG, then converted);
                                -1 otherwise */
    xpl_render_options render;
    /* --output-names a,b,c: render.output_names points into these */
    char *output_names_arg;  /* owned copy, cut at the commas */
    const char **output_names;
    int order_given;         /* --order (heatmap, force over rows) */
    int quiet;
    int interactions;        /* SHAP interaction values (tree-shap) */
    int model_output_given;
    const char *categorical; /* LIME: comma-separated feature names */
    xpl_kernel_shap_options ks;
    xpl_lime_options lime;
    /* options given that only one family of methods reads, for the check
     * that they fit the method */
    const char *kernel_only, *lime_only;
    /* --columns a,b,c: the names of a headerless file's columns */
    char *columns_arg;       /* owned copy, cut at the commas */
    const char **columns;
    size_t n_columns;
    /* --id-column NAME (repeatable): copied into every output */
    const char *id_columns[MAX_ID_COLUMNS];
    size_t n_ids;
    /* importance --explanations A.jsonl ...: from shards' JSON Lines */
    char **explanation_paths;
    size_t n_explanations;
    /* serve */
    const char *host;
    unsigned port;
    size_t max_body, max_rows;
    unsigned timeout;        /* seconds a connection may stay idle */
};

/* Defaults, then argv (argv[0] is the program or subcommand name).
 * Returns EXIT_OK, EXIT_USAGE after printing the error, or -1 after
 * printing `usage` (the NULL-terminated parts of the help) for --help. */
int explain_parse_args(int argc, char **argv, struct explain_args *a,
                       int mode, const char *const *usage);

/* Release what explain_parse_args allocated (--columns). */
void explain_args_free(struct explain_args *a);

/* Once the model and the method are known: check --output-names against
 * the model's outputs (a usage error otherwise), set the unit of the
 * charts and tables (log-odds, probability, response) and align the
 * names with what is explained. */
int explain_fit_outputs(struct explain_args *a, const xpl_model *m,
                        enum explain_method method, const char *cmd);

/* The method called `name` in outputs ("kernel-shap"), METHOD_SHAP if
 * none. */
enum explain_method explain_method_of(const char *name);

/* The method's name as printed in outputs ("kernel-shap"). */
const char *explain_method_name(enum explain_method m);

#endif
