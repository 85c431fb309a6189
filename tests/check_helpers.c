#include "check_helpers.h"

#include <math.h>
#include <pthread.h>
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

struct thread_job {
    const xpl_model *m;
    const double *x;
    size_t n;
    xpl_output kind;
    int reps;
    double *y;
    int rc;
};

static void *predict_job(void *arg)
{
    struct thread_job *job = arg;
    xpl_workspace *ws;
    job->rc = xpl_workspace_new(&ws);
    for (int rep = 0; rep < job->reps && job->rc == XPL_OK; rep++)
        job->rc = xpl_model_predict(job->m, ws, job->x, job->n, job->kind,
                                    job->y);
    xpl_workspace_free(ws);
    return NULL;
}

void check_threads_match(const char *model_relative, const char *data_relative,
                         xpl_output kind, int reps)
{
    xpl_model *m = load_model(model_relative);
    xpl_dataset *x = read_columns(data_relative, xpl_model_feature_names(m),
                                  xpl_model_n_features(m));
    size_t n = xpl_dataset_n_rows(x), k = xpl_model_n_outputs(m);
    double *want = malloc(n * k * sizeof *want);
    ck_assert_int_eq(xpl_model_predict(m, NULL, xpl_dataset_data(x), n, kind,
                                       want), XPL_OK);
    enum { N_THREADS = 8 };
    pthread_t t[N_THREADS];
    struct thread_job jobs[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        jobs[i] = (struct thread_job){ m, xpl_dataset_data(x), n, kind, reps,
                                       malloc(n * k * sizeof(double)), -1 };
        ck_assert_int_eq(pthread_create(&t[i], NULL, predict_job, &jobs[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(jobs[i].rc, XPL_OK);
        ck_assert_mem_eq(jobs[i].y, want, n * k * sizeof *want);
        free(jobs[i].y);
    }
    free(want);
    xpl_dataset_free(x);
    xpl_model_free(m);
}
