#include "check_helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *src_path(const char *relative)
{
    static char buf[4096];
    const char *root = getenv("XPL_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : ".", relative);
    return buf;
}

const char *tmp_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/xpl-test-XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            abort();
        }
    }
    return dir;
}

const char *write_tmp(const char *name, const void *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int close_rel(double a, double b, double tol)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    double scale = fabs(b) > 1.0 ? fabs(b) : 1.0;
    return fabs(a - b) <= tol * scale;
}

xpl_model *load_model(const char *relative)
{
    xpl_model *m = NULL;
    int rc = xpl_model_load(&m, src_path(relative));
    ck_assert_msg(rc == XPL_OK, "%s: %s", relative, xpl_last_error());
    return m;
}

xpl_dataset *read_columns(const char *relative, const char *const *cols,
                          size_t n)
{
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = cols;
    o.n_columns = n;
    xpl_dataset *ds = NULL;
    int rc = xpl_dataset_read_csv(&ds, src_path(relative), &o);
    ck_assert_msg(rc == XPL_OK, "%s: %s", relative, xpl_last_error());
    return ds;
}
