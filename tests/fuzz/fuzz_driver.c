/* main() for builds without libFuzzer: run the harness once on each file
 * named on the command line, or on standard input if none is (AFL++ runs
 * `fuzz_x @@`). A crash or abort is the failure; exit 0 otherwise. */
/* realpath is an XSI function in glibc's headers. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fputs("out of memory\n", stderr);
            return 1;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        unsigned char *bigger = realloc(buf, cap);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    int bad = ferror(f);
    if (path)
        fclose(f);
    if (bad) {
        perror(path);
        free(buf);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    /* Names are resolved first: a harness may change directory (the CLI
     * harness works in a scratch folder). */
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths)
        return 1;
    for (int i = 1; i < argc; i++)
        if (!(paths[i] = realpath(argv[i], NULL))) {
            perror(argv[i]);
            return 1;
        }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int status = argc < 2 ? run_file(NULL) : 0;
    for (int i = 1; i < argc; i++) {
        status |= run_file(paths[i]);
        free(paths[i]);
    }
    free(paths);
    return status;
}
