/* xpl_model_save: model.bin bytes written to a file atomically (a
 * temporary file next to it, then rename), keeping links and permissions. */
/* realpath is an XSI function in glibc's headers. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "models/model_file.h"

/* mkstemp creates files readable by the owner only. A saved model should get
 * the permissions any new file would get (0666 minus the umask). The umask
 * cannot be read without changing it, which would race with other threads,
 * so it is taken from /proc on Linux; elsewhere the file stays 0600. */
static mode_t new_file_mode(void)
{
    mode_t mode = S_IRUSR | S_IWUSR;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return mode;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        unsigned mask;
        if (sscanf(line, "Umask: %o", &mask) == 1) {
            mode = (mode_t)(0666u & ~mask);
            break;
        }
    }
    fclose(f);
    return mode;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Make the rename itself durable. Best effort: some file systems cannot
 * sync a directory, and the new file is complete either way. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash)
        dir = xpl__strdup(".");
    else if (slash == path)
        dir = xpl__strdup("/");
    else {
        dir = malloc((size_t)(slash - path) + 1);
        if (dir) {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = '\0';
        }
    }
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static int replace_regular(const char *path, const unsigned char *data,
                           size_t size)
{
    static const char suffix[] = ".tmp-XXXXXX";
    size_t len = strlen(path);
    char *tmp = malloc(len + sizeof suffix);
    if (!tmp)
        return xpl__enomem();
    memcpy(tmp, path, len);
    memcpy(tmp + len, suffix, sizeof suffix);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return xpl__io_error(path, "create a temporary file next to it", err);
    }
    /* Replacing a file keeps its permissions, as an in-place write would. */
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777)
                                       : new_file_mode();
    (void)fchmod(fd, mode);

    const char *failed = NULL;
    if (write_all(fd, data, size) != 0)
        failed = "write";
    else if (fsync(fd) != 0)
        failed = "sync";
    int err = errno;
    /* close can report a deferred write error (NFS, quotas). */
    if (close(fd) != 0 && !failed) {
        failed = "write";
        err = errno;
    }
    if (!failed && rename(tmp, path) != 0) {
        failed = "replace";
        err = errno;
    }
    if (failed) {
        unlink(tmp);
        free(tmp);
        return xpl__io_error(path, failed, err);
    }
    free(tmp);
    sync_parent(path);
    return XPL_OK;
}

/* A device or FIFO (/dev/stdout, a pipe) is written in place: renaming over
 * it would replace the node itself. */
static int write_in_place(const char *path, const unsigned char *data,
                          size_t size)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return xpl__io_error(path, "open", errno);
    int failed = write_all(fd, data, size) != 0;
    int err = errno;
    if (close(fd) != 0 && !failed) {
        failed = 1;
        err = errno;
    }
    return failed ? xpl__io_error(path, "write", err) : XPL_OK;
}

/* Write to a temporary file next to the target, then rename over it: readers
 * see the old file or the new one, never a partial one. A symbolic link is
 * followed, so the link survives and the file it names is replaced. */
static int replace_file(const char *target, const unsigned char *data,
                        size_t size)
{
    struct stat st;
    if (stat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return xpl__io_error(target, "write", EISDIR);
        return write_in_place(target, data, size);
    }
    char *resolved = NULL;
    if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode)) {
        resolved = realpath(target, NULL);
        if (!resolved)
            return xpl__io_error(target, "resolve the link", errno);
    }
    int rc = replace_regular(resolved ? resolved : target, data, size);
    free(resolved);
    return rc;
}

int xpl_model_save(const xpl_model *m, const char *path)
{
    if (!m || !path || !path[0])
        return xpl__error(XPL_EINVAL, "xpl_model_save: NULL argument");
    void *data;
    size_t size;
    int rc = xpl_model_serialize(m, &data, &size);
    if (rc)
        return rc;
    rc = replace_file(path, data, size);
    free(data);
    return rc;
}

