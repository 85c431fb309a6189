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

struct explain_args {
    int importance;          /* explain importance: aggregate, then render */
    enum explain_method method;
    const char *model_path, *rows_path, *background_path, *out_path;
    size_t background_size;
    int kmeans, has_header;
    char delimiter;
    long class_index;        /* -1: all outputs (SHAP) / automatic (LIME) */
    size_t threads;
    enum explain_format format;
    xpl_render_options render;
    int quiet;
    int interactions;        /* SHAP interaction values (tree-shap) */
    int model_output_given;
    const char *categorical; /* LIME: comma-separated feature names */
    xpl_kernel_shap_options ks;
    xpl_lime_options lime;
    /* options given that only one family of methods reads, for the check
     * that they fit the method */
    const char *kernel_only, *lime_only;
};

/* Defaults, then argv (argv[0] is the program or subcommand name).
 * Returns EXIT_OK, EXIT_USAGE after printing the error, or -1 after
 * printing `usage` (the NULL-terminated parts of the help) for --help. */
int explain_parse_args(int argc, char **argv, struct explain_args *a,
                       int importance, const char *const *usage);

/* The method's name as printed in outputs ("kernel-shap"). */
const char *explain_method_name(enum explain_method m);

#endif
