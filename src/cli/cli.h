/* Shared pieces of the `explain` command-line tool. Built on the public API. */
#ifndef XPL_CLI_CLI_H
#define XPL_CLI_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <xplain/xplain.h>

/* Exit codes, documented in the man page. */
enum cli_exit {
    EXIT_OK = 0,
    EXIT_USAGE = 1,    /* bad command line */
    EXIT_INPUT = 2,    /* bad input file or model */
    EXIT_INTERNAL = 3  /* out of memory, failing callback, bug */
};

/* Print "explain: " + formatted message + newline to stderr, after
 * clearing the progress line if one is showing. Every error and note goes
 * through here (or cli_usage_error / cli_library_error), so a message never
 * lands glued to the end of the progress line. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The progress line: cli_progress_shown(1) after drawing one without its
 * newline; cli_progress_clear() erases it (if shown) so the next message
 * starts at the beginning of an empty line. */
void cli_progress_shown(int shown);
void cli_progress_clear(void);

/* Print "explain: " + formatted message to stderr; returns EXIT_USAGE after
 * adding a hint pointing at `explain CMD --help`. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The category names of a model's features for a CSV reader whose columns
 * are the model's features in order (csv->columns set already): csv
 * borrows keep's arrays, which borrow the model's names; release keep with
 * cli_csv_categories_free once the reader is open. `unknown` is an
 * xpl_unknown_category. Returns EXIT_OK or EXIT_INTERNAL (no memory). */
typedef struct cli_categories {
    const char *const **names;
    size_t *n;
} cli_categories;
int cli_csv_categories(xpl_csv_options *csv, const xpl_model *m, int unknown,
                       cli_categories *keep);
void cli_csv_categories_free(cli_categories *keep);

/* Report the library's last error for return code `rc` on stderr and map it
 * to an exit code. */
int cli_library_error(int rc);

/* Strict parsers for option values: the whole string must be a number. */
int cli_parse_u64(const char *s, uint64_t *out);
int cli_parse_size(const char *s, size_t *out);
/* The usage error for a --seed value cli_parse_u64 refused: too large (a
 * number past 2^64 - 1) or not a non-negative integer. */
int cli_seed_error(const char *cmd, const char *value);
/* "a" or "an", whichever goes before `word` ("an identity link"). */
const char *cli_article(const char *word);

/* An output that is either stdout or a file written atomically: a temporary
 * file beside the target is renamed over it only on success, so a failed run
 * never leaves a half-written file. A target that exists and is not a regular
 * file (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over it
 * would replace the device node itself. A symbolic link is followed, so the
 * link survives and the file it points to is replaced. */
typedef struct cli_output {
    FILE *fp;
    char *target; /* NULL for stdout */
    char *tmp;    /* NULL when writing to target directly */
    int direct;   /* target is a device or FIFO: written in place */
} cli_output;

/* An input file of a command, for cli_check_output: its role as the
 * usage names it ("ROWS.csv", "--background") and its path (NULL or "-":
 * none, or standard input). */
typedef struct cli_input {
    const char *role;
    const char *path;
} cli_input;

/* The checks on -o that come before anything is read, all usage errors
 * (exit 1, with the hint for `cmd`): a directory (an existing one, or a
 * path ending in '/') where one file is written, unless `dir_hint` is NULL
 * (the caller writes a folder there); and an output that is one of the
 * inputs, by any spelling or symbolic link (same device and inode), which
 * would be replaced. `dir_hint` ends the directory message ("" for none).
 * Returns EXIT_OK or EXIT_USAGE. */
int cli_check_output(const char *cmd, const char *out, const char *dir_hint,
                     const cli_input *inputs, size_t n_inputs);

/* Open `path` (NULL or "-" = stdout). Returns EXIT_OK or an exit code. */
int cli_output_open(cli_output *o, const char *path);
/* Flush and publish. Returns EXIT_OK or EXIT_INPUT (write error). */
int cli_output_commit(cli_output *o);
/* Discard: remove the temporary file. Safe after a failed open. */
void cli_output_abort(cli_output *o);

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_predict(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_importance(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* The main form, explain [--method M] MODEL ROWS.csv: argv[0] is the
 * program. */
int cmd_explain(int argc, char **argv);

#endif
