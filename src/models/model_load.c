/* xpl_model_load / xpl_model_load_buffer: read the bytes, recognise the
 * format from the content, hand over to the format's reader. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "models/model_file.h"

/* Model files are read whole into memory; the limit turns a wrong path (a
 * disk image, /dev/zero) into a clear error instead of exhausting memory. */
#define MODEL_FILE_LIMIT ((size_t)1 << 30)

static int too_big(const char *path)
{
    return xpl__error(XPL_ELIMIT, "%s: larger than %zu bytes (1 GiB), the "
                      "limit for model files", path, MODEL_FILE_LIMIT);
}

/* Read the whole file. Works for pipes and files whose size changes while
 * they are read: the size from fstat is only the first guess. */
int xpl__read_model_file(const char *path, unsigned char **out,
                         size_t *out_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xpl__io_error(path, "open", errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return xpl__io_error(path, "stat", err);
    }
    size_t cap = 64 * 1024;
    if (S_ISREG(st.st_mode)) {
        if ((uintmax_t)st.st_size > MODEL_FILE_LIMIT) {
            close(fd);
            return too_big(path);
        }
        /* One spare byte: reaching end-of-file needs no reallocation. */
        cap = (size_t)st.st_size + 1;
    }
    unsigned char *data = malloc(cap);
    if (!data) {
        close(fd);
        return xpl__enomem();
    }
    size_t size = 0;
    for (;;) {
        if (size == cap) {
            if (cap > MODEL_FILE_LIMIT) {
                free(data);
                close(fd);
                return too_big(path);
            }
            size_t grown = cap > MODEL_FILE_LIMIT / 2 ? MODEL_FILE_LIMIT + 1
                                                      : cap * 2;
            unsigned char *bigger = realloc(data, grown);
            if (!bigger) {
                free(data);
                close(fd);
                return xpl__enomem();
            }
            data = bigger;
            cap = grown;
        }
        ssize_t n = read(fd, data + size, cap - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            free(data);
            close(fd);
            return xpl__io_error(path, "read", err);
        }
        if (n == 0)
            break;
        size += (size_t)n;
    }
    close(fd);
    if (size > MODEL_FILE_LIMIT) {
        free(data);
        return too_big(path);
    }
    *out = data;
    *out_size = size;
    return XPL_OK;
}

int xpl_model_load(xpl_model **out, const char *path)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "xpl_model_load: out is NULL");
    *out = NULL;
    if (!path || !path[0])
        return xpl__error(XPL_EINVAL, "xpl_model_load: no path given");
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = xpl__read_model_file(path, &data, &size);
    if (rc)
        return rc;
    rc = xpl_model_load_buffer(out, data, size, path);
    free(data);
    return rc;
}

int xpl_model_load_buffer(xpl_model **out, const void *data, size_t size,
                          const char *name)
{
    if (!out)
        return xpl__error(XPL_EINVAL, "xpl_model_load_buffer: out is NULL");
    *out = NULL;
    if (!data && size)
        return xpl__error(XPL_EINVAL, "xpl_model_load_buffer: data is NULL");
    if (!name)
        name = "<buffer>";
    if (size == 0)
        return xpl__error(XPL_EFORMAT, "%s: empty file: expected model.bin or "
                          "a JSON model", name);

    const unsigned char *p = data;
    /* A file cut short inside the magic is still recognisably model.bin, and
     * "truncated" is the more useful message. */
    size_t n = size < XPL__MODEL_BIN_MAGIC_SIZE ? size
                                                : XPL__MODEL_BIN_MAGIC_SIZE;
    if (memcmp(p, XPL__MODEL_BIN_MAGIC, n) == 0)
        return xpl__model_read_bin(out, p, size, name);

    /* Editors on Windows often start UTF-8 text with a byte order mark,
     * which JSON parsers reject; skipping it costs nothing. */
    size_t start = 0;
    if (size >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        start = 3;
    size_t i = start;
    while (i < size && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                        p[i] == '\n'))
        i++;
    if (i < size && p[i] == '{')
        return xpl__model_read_json(out, (const char *)p + start,
                                    size - start, name);
    /* LightGBM's text models start with the line "tree". */
    if (size - start >= 5 && memcmp(p + start, "tree", 4) == 0 &&
        (p[start + 4] == '\n' || p[start + 4] == '\r'))
        return xpl__model_read_lightgbm(out, (const char *)p + start,
                                        size - start, name);
    return xpl__error(XPL_EFORMAT, "%s: not a model file: expected model.bin, "
                      "a JSON model or a LightGBM text model", name);
}
