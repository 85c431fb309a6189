#include "check_helpers.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explainers/tree_shap/tree_shap.h"
#include "models/trees.h"

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

void shapley_from_values(size_t P, size_t D, const double *v, double *phi)
{
    ck_assert(P <= 30);
    double fact[32];
    fact[0] = 1;
    for (size_t i = 1; i < 32; i++)
        fact[i] = fact[i - 1] * (double)i;
    memset(phi, 0, D * P * sizeof *phi);
    for (size_t S = 0; S < (size_t)1 << P; S++) {
        size_t s = (size_t)__builtin_popcountll((unsigned long long)S);
        for (size_t j = 0; j < P; j++) {
            if (S >> j & 1)
                continue;
            double c = fact[s] * fact[P - s - 1] / fact[P];
            for (size_t d = 0; d < D; d++)
                phi[d * P + j] += c * (v[(S | (size_t)1 << j) * D + d] -
                                       v[S * D + d]);
        }
    }
}

void interventional_values(const xpl_model *m, const double *bg,
                           const double *w, size_t n_bg, const double *x,
                           xpl_output kind, double *v)
{
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    ck_assert(P <= 20);
    double *rows = malloc(n_bg * P * sizeof *rows);
    double *out = malloc(n_bg * D * sizeof *out);
    ck_assert(rows && out);
    double wt = 0;
    for (size_t i = 0; i < n_bg; i++)
        wt += w ? w[i] : 1.0;
    for (size_t S = 0; S < (size_t)1 << P; S++) {
        for (size_t i = 0; i < n_bg; i++)
            for (size_t j = 0; j < P; j++)
                rows[i * P + j] = (S >> j & 1) ? x[j] : bg[i * P + j];
        ck_assert(xpl_model_predict(m, NULL, rows, n_bg, kind, out) ==
                  XPL_OK);
        for (size_t d = 0; d < D; d++) {
            double s = 0;
            for (size_t i = 0; i < n_bg; i++)
                s += (w ? w[i] : 1.0) / wt * out[i * D + d];
            v[S * D + d] = s;
        }
    }
    free(rows);
    free(out);
}

void brute_force_shapley(const xpl_model *m, const xpl_dataset *bg,
                         const double *x, xpl_output kind, double *phi)
{
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    ck_assert(P <= 20);
    double *v = malloc(((size_t)1 << P) * D * sizeof *v);
    ck_assert(v);
    interventional_values(m, xpl_dataset_data(bg), xpl_dataset_weights(bg),
                          xpl_dataset_n_rows(bg), x, kind, v);
    shapley_from_values(P, D, v, phi);
    free(v);
}

xpl_dataset *read_model_rows(const xpl_model *m, const char *relative,
                             int unknown)
{
    size_t P = xpl_model_n_features(m);
    const char *const **names = calloc(P, sizeof *names);
    size_t *counts = calloc(P, sizeof *counts);
    ck_assert(names && counts);
    for (size_t j = 0; j < P; j++) {
        names[j] = xpl_model_category_names(m, j);
        counts[j] = xpl_model_n_categories(m, j);
    }
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = xpl_model_feature_names(m);
    o.n_columns = P;
    o.categories = names;
    o.n_categories = counts;
    o.unknown_category = unknown;
    xpl_dataset *ds;
    int rc = xpl_dataset_read_csv(&ds, src_path(relative), &o);
    ck_assert_msg(rc == XPL_OK, "%s", xpl_last_error());
    free(names);
    free(counts);
    return ds;
}

void assert_values_close(const double *got, const double *want, size_t n,
                      double tol, const char *label, size_t row)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs(got[i] - want[i]) <= tol * fmax(1, fabs(want[i])),
                      "%s row %zu value %zu: %.17g vs %.17g", label, row, i,
                      got[i], want[i]);
}

void check_interventional_brute_force(const xpl_model *m, const double *x,
                                      size_t n_rows, size_t first,
                                      size_t n_bg, double tol,
                                      const char *label)
{
    const xpl__ensemble *e = xpl__trees_params(m);
    ck_assert_ptr_nonnull(e);
    size_t P = xpl_model_n_features(m), D = xpl_model_n_outputs(m);
    ck_assert(P <= 20 && n_bg <= n_rows);
    xpl__tree_shap_plan plan;
    ck_assert_int_eq(xpl__tree_shap_plan_new(&plan, e), XPL_OK);
    void *scratch = malloc(xpl__tree_shap_interventional_scratch(e, &plan));
    double *w = malloc(n_bg * sizeof *w);
    double *v = malloc(((size_t)1 << P) * D * sizeof *v);
    double *phi = malloc(D * P * sizeof *phi);
    double *want = malloc(D * P * sizeof *want);
    ck_assert(scratch && w && v && phi && want);
    for (size_t b = 0; b < n_bg; b++)
        w[b] = 1.0 / (double)n_bg;
    for (size_t r = first; r < n_rows; r++) {
        xpl__tree_shap_interventional_row(e, &plan, scratch, x + r * P, x, w,
                                          n_bg, phi);
        interventional_values(m, x, NULL, n_bg, x + r * P, XPL_OUTPUT_RAW, v);
        shapley_from_values(P, D, v, want);
        assert_values_close(phi, want, D * P, tol, label, r);
    }
    free(want);
    free(phi);
    free(v);
    free(w);
    free(scratch);
    xpl__tree_shap_plan_free(&plan);
}

char *edit_text(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "the text lacks \"%s\"", from);
    size_t head = (size_t)(at - text), n_from = strlen(from),
           n_to = strlen(to), tail = strlen(at + n_from);
    char *out = malloc(head + n_to + tail + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, text, head);
    memcpy(out + head, to, n_to);
    memcpy(out + head + n_to, at + n_from, tail + 1);
    return out;
}

void expect_bad_edit(const char *text, const char *name,
                     const struct bad_edit *edit, size_t i)
{
    char *bad = edit_text(text, edit->from, edit->to);
    xpl_model *m = (xpl_model *)1; /* must be set to NULL */
    int rc = xpl_model_load_buffer(&m, bad, strlen(bad), name);
    ck_assert_msg(rc == edit->code, "edit %zu: rc %d, expected %d (%s)", i,
                  rc, edit->code, xpl_last_error());
    ck_assert_msg(strstr(xpl_last_error(), edit->msg) != NULL,
                  "edit %zu: \"%s\" lacks \"%s\"", i, xpl_last_error(),
                  edit->msg);
    ck_assert_ptr_null(m);
    free(bad);
}

void expect_bad_edits(const char *text, const char *name,
                      const struct bad_edit *edits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        expect_bad_edit(text, name, &edits[i], i);
}

const struct shipped_model shipped_tree_models[N_SHIPPED_TREE_MODELS] = {
    { "diabetes_xgb", "diabetes" },
    { "diabetes_missing_xgb", "diabetes_missing" },
    { "diabetes_xgb_base_score", "diabetes" },
    { "diabetes_xgb_poisson", "diabetes" },
    { "diabetes_xgb_gamma", "diabetes" },
    { "diabetes_xgb_tweedie", "diabetes" },
    { "breast_cancer_xgb", "breast_cancer" },
    { "breast_cancer_xgb_base_score", "breast_cancer" },
    { "breast_cancer_xgb_logitraw", "breast_cancer" },
    { "wine_xgb", "wine" },
    { "wine_xgb_softmax", "wine" },
    { "diabetes_tree", "diabetes" },
    { "diabetes_forest", "diabetes" },
    { "diabetes_gbm", "diabetes" },
    { "breast_cancer_forest", "breast_cancer" },
    { "breast_cancer_gbm", "breast_cancer" },
    { "wine_forest", "wine" },
    { "wine_extra_trees", "wine" },
    { "wine_gbm", "wine" },
};

char *read_source(const char *relative, size_t *size)
{
    FILE *f = fopen(src_path(relative), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", relative);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    ck_assert_int_eq(fseek(f, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *size = (size_t)n;
    return buf;
}
