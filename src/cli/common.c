/* realpath is an XSI function in glibc's headers. */
#define _XOPEN_SOURCE 700

#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A progress line is on standard error, without its newline. */
static int progress_shown;

void cli_progress_shown(int shown)
{
    progress_shown = shown;
}

void cli_progress_clear(void)
{
    if (progress_shown)
        fputs("\r\033[K", stderr);
    progress_shown = 0;
}

/* A message on one line: names from files (features, paths) may hold
 * control bytes, which would break the line or reach the terminal as
 * escape sequences, so they are written as \xNN. */
static void put_message(const char *fmt, va_list ap)
{
    char buf[2048];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        n = 0;
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    fputs("explain: ", stderr);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 || c == 0x7f)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    cli_progress_clear();
    va_start(ap, fmt);
    put_message(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    cli_progress_clear();
    va_start(ap, fmt);
    put_message(fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "\nTry 'explain %s --help'.\n", cmd);
    else
        fputs("\nTry 'explain --help'.\n", stderr);
    return EXIT_USAGE;
}

int cli_library_error(int rc)
{
    const char *msg = xpl_last_error();
    cli_error("%s", msg[0] ? msg : xpl_strerror(rc));
    switch (rc) {
    case XPL_ENOMEM:
    case XPL_EUSER:
        return EXIT_INTERNAL;
    default:
        return EXIT_INPUT;
    }
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    /* strtoull accepts leading whitespace and a minus sign (wrapping the
     * value): both would silently turn typos into numbers. */
    if (!s || s[0] < '0' || s[0] > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    uint64_t v;
    if (cli_parse_u64(s, &v) || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_check_output(const char *cmd, const char *out, const char *dir_hint,
                     const cli_input *inputs, size_t n_inputs)
{
    if (!out || strcmp(out, "-") == 0)
        return EXIT_OK;
    struct stat st;
    int exists = stat(out, &st) == 0;
    size_t len = strlen(out);
    if (dir_hint && ((exists && S_ISDIR(st.st_mode)) || out[len - 1] == '/'))
        return cli_usage_error(cmd, "-o %s is a directory: this writes one "
                               "file, name it%s", out, dir_hint);
    /* Only a regular file would be replaced; devices (/dev/null) are
     * written in place and may well be read too. */
    if (!exists || !S_ISREG(st.st_mode))
        return EXIT_OK;
    for (size_t i = 0; i < n_inputs; i++) {
        struct stat in;
        const char *p = inputs[i].path;
        if (!p || strcmp(p, "-") == 0 || stat(p, &in) != 0)
            continue;
        if (in.st_dev == st.st_dev && in.st_ino == st.st_ino)
            return cli_usage_error(cmd, "-o %s is the input %s%s%s%s: "
                                   "refusing to overwrite it", out,
                                   inputs[i].role,
                                   strcmp(p, out) ? " (" : "",
                                   strcmp(p, out) ? p : "",
                                   strcmp(p, out) ? ")" : "");
    }
    return EXIT_OK;
}

const char *cli_article(const char *word)
{
    return word && strchr("aeiouAEIOU", word[0]) && word[0] ? "an" : "a";
}

int cli_seed_error(const char *cmd, const char *value)
{
    size_t digits = strspn(value, "0123456789");
    if (digits > 0 && value[digits] == '\0')
        return cli_usage_error(cmd, "--seed %s is too large: seeds go from 0 "
                               "to %llu", value,
                               (unsigned long long)UINT64_MAX);
    return cli_usage_error(cmd, "--seed must be a non-negative integer, not "
                           "'%s'", value);
}

/* Write in place to an existing device, FIFO or socket. */
static int open_direct(cli_output *o, const char *path)
{
    o->fp = fopen(path, "w");
    if (!o->fp) {
        cli_error("%s: cannot open for writing: %s", path,
                  strerror(errno));
        cli_output_abort(o);
        return EXIT_INPUT;
    }
    o->direct = 1;
    return EXIT_OK;
}

int cli_output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return EXIT_OK;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        cli_error("%s: cannot write: Is a directory", path);
        return EXIT_INPUT;
    }
    /* Not a regular file: a rename would put a regular file in place of the
     * device node (as root, /dev/null or /dev/full itself). */
    if (exists && !S_ISREG(st.st_mode)) {
        if (!(o->target = strdup(path))) {
            cli_error("out of memory");
            return EXIT_INTERNAL;
        }
        return open_direct(o, path);
    }
    /* Through a symbolic link, replace the file it points to and keep the
     * link: the temporary goes beside the real file. */
    struct stat lst;
    char *resolved = NULL;
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        resolved = realpath(path, NULL);
    const char *real = resolved ? resolved : path;

    size_t n = strlen(real);
    o->target = malloc(n + 1);
    o->tmp = malloc(n + sizeof ".tmp-XXXXXX");
    if (!o->target || !o->tmp) {
        free(resolved);
        cli_output_abort(o);
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    memcpy(o->target, real, n + 1);
    memcpy(o->tmp, real, n);
    memcpy(o->tmp + n, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    free(resolved);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        cli_error("%s: cannot create output file: %s", path,
                  strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        cli_output_abort(o);
        return EXIT_INPUT;
    }
    /* mkstemp creates 0600. Replacing a file keeps its permissions, as an
     * in-place write would; a new file gets what a plain fopen would give. */
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0) {
        cli_error("%s: %s", path, strerror(errno));
        close(fd);
        cli_output_abort(o);
        return EXIT_INPUT;
    }
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        close(fd);
        cli_error("%s: %s", path, strerror(errno));
        cli_output_abort(o);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

int cli_output_commit(cli_output *o)
{
    if (!o->target) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("write error on standard output: %s",
                      strerror(errno));
            return EXIT_INPUT;
        }
        return EXIT_OK;
    }
    int saved = 0;
    int failed = fflush(o->fp) != 0 || ferror(o->fp);
    if (failed)
        saved = errno;
    /* A device or FIFO cannot be synced (EINVAL) and is not renamed. */
    if (!failed && !o->direct && fsync(fileno(o->fp)) != 0) {
        failed = 1;
        saved = errno;
    }
    if (fclose(o->fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (!failed && !o->direct && rename(o->tmp, o->target) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        cli_error("%s: cannot write: %s", o->target,
                  saved ? strerror(saved) : "write error");
        cli_output_abort(o);
        return EXIT_INPUT;
    }
    free(o->tmp);
    free(o->target);
    o->tmp = o->target = NULL;
    return EXIT_OK;
}

void cli_output_abort(cli_output *o)
{
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->target);
    memset(o, 0, sizeof *o);
}

int cli_csv_categories(xpl_csv_options *csv, const xpl_model *m, int unknown,
                       cli_categories *keep)
{
    size_t P = xpl_model_n_features(m), any = 0;
    keep->names = NULL;
    keep->n = NULL;
    csv->unknown_category = unknown;
    for (size_t j = 0; j < P; j++)
        any += xpl_model_n_categories(m, j) > 0;
    if (!any)
        return EXIT_OK;
    keep->names = calloc(P, sizeof *keep->names);
    keep->n = calloc(P, sizeof *keep->n);
    if (!keep->names || !keep->n) {
        cli_csv_categories_free(keep);
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t j = 0; j < P; j++) {
        keep->names[j] = xpl_model_category_names(m, j);
        keep->n[j] = xpl_model_n_categories(m, j);
    }
    csv->categories = keep->names;
    csv->n_categories = keep->n;
    return EXIT_OK;
}

void cli_csv_categories_free(cli_categories *keep)
{
    free(keep->names);
    free(keep->n);
    keep->names = NULL;
    keep->n = NULL;
}
