#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("explain: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
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
    fprintf(stderr, "explain: %s\n", msg[0] ? msg : xpl_strerror(rc));
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

int cli_output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return EXIT_OK;
    }
    size_t n = strlen(path);
    o->target = malloc(n + 1);
    o->tmp = malloc(n + sizeof ".tmp-XXXXXX");
    if (!o->target || !o->tmp) {
        cli_output_abort(o);
        fputs("explain: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    memcpy(o->target, path, n + 1);
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        fprintf(stderr, "explain: %s: cannot create output file: %s\n", path,
                strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        cli_output_abort(o);
        return EXIT_INPUT;
    }
    /* mkstemp creates 0600; give the result the permissions a plain fopen
     * would have. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        fprintf(stderr, "explain: %s: %s\n", path, strerror(errno));
        close(fd);
        cli_output_abort(o);
        return EXIT_INPUT;
    }
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        close(fd);
        fprintf(stderr, "explain: %s: %s\n", path, strerror(errno));
        cli_output_abort(o);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

int cli_output_commit(cli_output *o)
{
    if (!o->target) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "explain: write error on standard output: %s\n",
                    strerror(errno));
            return EXIT_INPUT;
        }
        return EXIT_OK;
    }
    int failed = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp));
    int saved = errno;
    failed |= fclose(o->fp) != 0;
    o->fp = NULL;
    if (!failed && rename(o->tmp, o->target) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        fprintf(stderr, "explain: %s: cannot write: %s\n", o->target,
                strerror(saved));
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
