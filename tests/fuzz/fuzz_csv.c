/* CSV readers: the whole-file reader and the streaming reader on the same
 * bytes must agree exactly (same rows bit for bit, or the same error). The
 * first input byte chooses the options; the rest is the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char path[512];

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/xpl-fuzz-csv-XXXXXX",
             dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        fuzz_fail("cannot create %s", path);
    close(fd);
    atexit(remove_file);
    return 0;
}

static void write_file(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write %s", path);
}

struct result {
    int rc;
    char msg[1024];
    size_t n_cols, n_rows;
    char **names;
    double *x;
};

static void result_free(struct result *r)
{
    for (size_t j = 0; r->names && j < r->n_cols; j++)
        free(r->names[j]);
    free(r->names);
    free(r->x);
}

static void save_error(struct result *r, int rc)
{
    fuzz_check_error(rc, path);
    r->rc = rc;
    snprintf(r->msg, sizeof r->msg, "%s", xpl_last_error());
}

static char **copy_names(size_t n, const char *(*get)(const void *, size_t),
                         const void *obj)
{
    char **names = calloc(n ? n : 1, sizeof *names);
    for (size_t j = 0; names && j < n; j++) {
        const char *s = get(obj, j);
        if (!s)
            fuzz_fail("column %zu has no name", j);
        names[j] = strdup(s);
    }
    return names;
}

static const char *ds_name(const void *ds, size_t j)
{
    return xpl_dataset_col_name(ds, j);
}

static const char *reader_name(const void *r, size_t j)
{
    return xpl_csv_reader_col_name(r, j);
}

static void read_whole(const xpl_csv_options *o, struct result *res)
{
    xpl_dataset *ds = NULL;
    int rc = xpl_dataset_read_csv(&ds, path, o);
    if (rc) {
        save_error(res, rc);
        return;
    }
    res->n_cols = xpl_dataset_n_cols(ds);
    res->n_rows = xpl_dataset_n_rows(ds);
    res->names = copy_names(res->n_cols, ds_name, ds);
    size_t n = res->n_rows * res->n_cols;
    res->x = malloc((n ? n : 1) * sizeof *res->x);
    if (res->x && n)
        memcpy(res->x, xpl_dataset_data(ds), n * sizeof *res->x);
    xpl_dataset_free(ds);
}

static void read_stream(const xpl_csv_options *o, size_t batch,
                        struct result *res)
{
    xpl_csv_reader *r = NULL;
    int rc = xpl_csv_reader_open(&r, path, o);
    if (rc) {
        save_error(res, rc);
        return;
    }
    size_t m = xpl_csv_reader_n_cols(r), cap = 64, n_rows = 0;
    res->n_cols = m;
    res->names = copy_names(m, reader_name, r);
    double *x = malloc(cap * (m ? m : 1) * sizeof *x);
    double *chunk = malloc(batch * (m ? m : 1) * sizeof *chunk);
    uint64_t last_line = 0;
    for (;;) {
        size_t got = 0;
        rc = xpl_csv_reader_read(r, chunk, batch, &got);
        if (rc) {
            save_error(res, rc);
            break;
        }
        if (got == 0)
            break;
        if (got > batch)
            fuzz_fail("read %zu rows into a batch of %zu", got, batch);
        uint64_t line = xpl_csv_reader_line(r);
        if (line < last_line)
            fuzz_fail("line went back from %llu to %llu",
                      (unsigned long long)last_line,
                      (unsigned long long)line);
        last_line = line;
        while (n_rows + got > cap) {
            cap *= 2;
            double *bigger = realloc(x, cap * m * sizeof *x);
            if (!bigger)
                fuzz_fail("out of memory");
            x = bigger;
        }
        memcpy(x + n_rows * m, chunk, got * m * sizeof *x);
        n_rows += got;
    }
    free(chunk);
    res->n_rows = n_rows;
    res->x = x;
    xpl_csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char delims[] = { ',', ';', '\t', '|' };
    static const char *const cols[] = { "a", "b" };
    uint8_t b = data[0];
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.has_header = !(b & 1);
    o.delimiter = delims[(b >> 1) & 3];
    if (b & 8) {
        o.columns = cols;
        o.n_columns = 2;
    }
    size_t batch = 1 + ((b >> 4) & 7);
    write_file(data + 1, size - 1);

    struct result whole = { 0 }, stream = { 0 };
    read_whole(&o, &whole);
    read_stream(&o, batch, &stream);

    if (whole.rc != stream.rc)
        fuzz_fail("whole-file reader says %d (%s), streaming %d (%s)",
                  whole.rc, whole.msg, stream.rc, stream.msg);
    if (whole.rc && strcmp(whole.msg, stream.msg) != 0)
        fuzz_fail("different messages: \"%s\" and \"%s\"", whole.msg,
                  stream.msg);
    if (!whole.rc) {
        if (whole.n_cols != stream.n_cols || whole.n_rows != stream.n_rows)
            fuzz_fail("whole file %zu x %zu, streaming %zu x %zu",
                      whole.n_rows, whole.n_cols, stream.n_rows,
                      stream.n_cols);
        for (size_t j = 0; j < whole.n_cols; j++)
            if (strcmp(whole.names[j], stream.names[j]) != 0)
                fuzz_fail("column %zu named \"%s\" and \"%s\"", j,
                          whole.names[j], stream.names[j]);
        size_t n = whole.n_rows * whole.n_cols;
        if (n && memcmp(whole.x, stream.x, n * sizeof(double)) != 0)
            fuzz_fail("the readers return different values");
    }
    result_free(&whole);
    result_free(&stream);
    return 0;
}
