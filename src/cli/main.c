/* explain: command-line front end of libxplain. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "explain_usage.h"

static const char usage[] =
    "Usage: explain [--method M] MODEL ROWS.csv [options]\n"
    "       explain COMMAND [options]\n"
    "\n"
    "Explain the predictions of tabular models. Without a command, explain\n"
    "every row of ROWS.csv (SHAP by default: exact TreeSHAP or linear SHAP\n"
    "where the model allows it, else Kernel SHAP; or LIME with --method\n"
    "lime), with the methods and options below.\n"
    "\n"
    "Commands:\n"
    "  predict MODEL ROWS.csv      predict every row (one line per row)\n"
    "  importance MODEL DATA.csv   global feature importance: mean\n"
    "                              |contribution| per feature\n"
    "  serve MODEL                 explanations over HTTP/JSON\n"
    "  info MODEL                  describe a model file\n"
    "  convert MODEL -o OUT.bin    bundle a model (and a background sample\n"
    "                              and training statistics) into model.bin\n"
    "\n"
    "MODEL is a model.bin file or a JSON model; the format is detected from\n"
    "the content. ROWS.csv may be '-' for standard input.\n"
    "\n";

/* After the main form's methods and options (explain_usage_body). */
static const char usage_tail[] =
    "  -V, --version        show the version\n"
    "\n"
    "Every command has its own --help ('explain predict --help').\n"
    "Exit status: 0 success, 1 bad usage, 2 bad input or model, 3 internal\n"
    "error. See explain(1).\n";

static void print_help(void)
{
    fputs(usage, stdout);
    for (const char *const *part = explain_usage_body; *part; part++)
        fputs(*part, stdout);
    fputs(usage_tail, stdout);
    fputs(explain_usage_see_also, stdout);
}

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

#ifndef XPL_HAVE_SERVE
/* Built without libmicrohttpd: say so rather than "unknown command". */
int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("explain: this build has no 'serve': it needs libmicrohttpd "
          "(Debian: libmicrohttpd-dev; meson -Dserve=enabled)\n", stderr);
    return EXIT_USAGE;
}
#endif

static const struct command commands[] = {
    { "predict", cmd_predict },
    { "info", cmd_info },
    { "convert", cmd_convert },
    { "importance", cmd_importance },
    { "serve", cmd_serve },
};

/* Whatever the command printed to standard output (info, --help, the
 * version) must have reached it: `explain info m.bin >/dev/full` fails. */
static int check_stdout(int status)
{
    int err = fflush(stdout) != 0 ? errno : 0;
    if (status == EXIT_OK && (err || ferror(stdout))) {
        fprintf(stderr, "explain: write error on standard output: %s\n",
                err ? strerror(err) : "output lost");
        return EXIT_INPUT;
    }
    return status;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    return check_stdout(run(argc, argv));
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        /* the synopsis only: the whole help is long */
        fputs("Usage: explain [--method M] MODEL ROWS.csv [options]\n"
              "       explain COMMAND [options]\n"
              "Try 'explain --help'.\n", stderr);
        return EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0) {
        print_help();
        return EXIT_OK;
    }
    if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
        printf("explain (xplain) %s\n", xpl_version());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(first, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);

    /* The main form, `explain [--method M] MODEL ROWS.csv [options]`:
     * options may come first. A lone word that does not look like a file
     * name is a mistyped command. */
    if (first[0] != '-' && argc == 2 && !strchr(first, '/') &&
        !strchr(first, '.'))
        return cli_usage_error(NULL, "unknown command '%s'", first);
    return cmd_explain(argc, argv);
}
