/* What every model harness does with a model that loaded, and the checks
 * on error messages. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Largest explanation (doubles) the harness allocates for one row. */
#define OUT_VALUES ((size_t)1 << 20)

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void fuzz_check_error(int rc, const char *name)
{
    if (rc >= 0 || rc < XPL_EUSER)
        fuzz_fail("return code %d is not an XPL_E* code", rc);
    const char *msg = xpl_last_error();
    if (!msg[0])
        fuzz_fail("error %d without a message", rc);
    if (strchr(msg, '\n'))
        fuzz_fail("message of more than one line: %s", msg);
    size_t n = strlen(name);
    if (rc != XPL_ENOMEM && (strncmp(msg, name, n) != 0 || msg[n] != ':'))
        fuzz_fail("message does not start with \"%s:\": %s", name, msg);
}

/* Rows that reach every branch kind: zeros, missing values, extremes. */
static double *test_rows(size_t m, size_t *n_rows)
{
    *n_rows = 4;
    double *x = malloc(4 * m * sizeof *x);
    if (!x)
        fuzz_fail("out of memory");
    for (size_t j = 0; j < m; j++) {
        x[j] = 0.0;
        x[m + j] = NAN;
        x[2 * m + j] = j % 2 ? -1e300 : 1e300;
        x[3 * m + j] = (double)j - 0.5;
    }
    return x;
}

static void round_trip(const xpl_model *m, const char *name)
{
    void *bytes = NULL, *again = NULL;
    size_t size = 0, size2 = 0;
    int rc = xpl_model_serialize(m, &bytes, &size);
    /* LightGBM linear trees are the one loadable kind model.bin cannot
     * hold yet (docs/tree-models.md): they must say so, not fail else */
    if (rc == XPL_EUNSUPPORTED &&
        strcmp(xpl_model_kind(m), "lightgbm_linear_trees") == 0)
        return;
    if (rc)
        fuzz_fail("%s: loaded but cannot be serialised: %s", name,
                  xpl_last_error());
    xpl_model *back = NULL;
    rc = xpl_model_load_buffer(&back, bytes, size, "round-trip");
    if (rc)
        fuzz_fail("%s: serialised model does not load: %s", name,
                  xpl_last_error());
    rc = xpl_model_serialize(back, &again, &size2);
    if (rc || size != size2 || memcmp(bytes, again, size) != 0)
        fuzz_fail("%s: model.bin does not round-trip", name);
    xpl_free(bytes);
    xpl_free(again);
    xpl_model_free(back);
}

static void predict(const xpl_model *m, const double *x, size_t n_rows)
{
    size_t k = xpl_model_n_outputs(m);
    double *y = malloc(n_rows * k * sizeof *y);
    if (!y)
        fuzz_fail("out of memory");
    for (int kind = XPL_OUTPUT_RAW; kind <= XPL_OUTPUT_RESPONSE; kind++) {
        if (kind == XPL_OUTPUT_PROBABILITY && !xpl_model_is_classifier(m))
            continue;
        int rc = xpl_model_predict(m, NULL, x, n_rows, (xpl_output)kind, y);
        if (rc)
            fuzz_fail("predict (output %d) failed: %s", kind,
                      xpl_last_error());
    }
    free(y);
}

static void tree_shap(const xpl_model *m, const double *x, size_t n_rows)
{
    size_t nf = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    const xpl_dataset *bg = xpl_model_background(m);
    /* A few bytes of XGBoost JSON can declare 2^20 features and 2^16
     * classes: the harness keeps its own buffers small. */
    if (nf * k > OUT_VALUES)
        return;
    int interactions = (nf + 1) * (nf + 1) * k <= OUT_VALUES;
    double *phi = malloc((interactions ? (nf + 1) * (nf + 1) : nf) * k
                         * sizeof *phi);
    double *pred = malloc(k * sizeof *pred);
    if (!phi || !pred)
        fuzz_fail("out of memory");
    for (int interventional = 0; interventional < 2; interventional++) {
        /* A walk per background row and tree: keep the cost bounded. */
        if (interventional && (!bg || xpl_dataset_n_rows(bg) > 64))
            break;
        xpl_tree_shap *ts = NULL;
        if (xpl_tree_shap_new(&ts, m, interventional ? bg : NULL) != XPL_OK)
            break; /* not a tree model */
        for (size_t i = 0; i < n_rows; i++) {
            if (xpl_tree_shap_explain(ts, NULL, x + i * nf, phi, pred))
                fuzz_fail("tree shap failed: %s", xpl_last_error());
            if (!interventional && interactions &&
                xpl_tree_shap_interactions(ts, NULL, x + i * nf, phi, pred))
                fuzz_fail("tree shap interactions failed: %s",
                          xpl_last_error());
        }
        xpl_tree_shap_free(ts);
    }
    free(phi);
    free(pred);
}

static void linear_shap(const xpl_model *m, const double *x, size_t n_rows)
{
    size_t nf = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    if (nf * k > OUT_VALUES)
        return;
    xpl_linear_shap *ls = NULL;
    if (xpl_linear_shap_new(&ls, m, NULL) != XPL_OK)
        return; /* not linear, or nothing to take means from */
    double *phi = malloc(nf * k * sizeof *phi);
    if (!phi)
        fuzz_fail("out of memory");
    for (size_t i = 0; i < n_rows; i++)
        if (xpl_linear_shap_explain(ls, x + i * nf, phi, NULL))
            fuzz_fail("linear shap failed: %s", xpl_last_error());
    free(phi);
    xpl_linear_shap_free(ls);
}

static void kernel_shap(const xpl_model *m, const double *x)
{
    size_t nf = xpl_model_n_features(m), k = xpl_model_n_outputs(m);
    const xpl_dataset *bg = xpl_model_background(m);
    if (!bg || nf > 16 || xpl_dataset_n_rows(bg) > 16 || k > 4)
        return;
    xpl_kernel_shap_options o = XPL_KERNEL_SHAP_OPTIONS_INIT;
    o.nsamples = 16;
    xpl_kernel_shap *ks = NULL;
    int rc = xpl_kernel_shap_new(&ks, m, NULL, &o);
    if (rc) /* e.g. a non-finite expected output: a documented error */
        return;
    double *phi = malloc(nf * k * sizeof *phi);
    if (!phi)
        fuzz_fail("out of memory");
    /* The row of extremes: every feature varies. */
    rc = xpl_kernel_shap_explain(ks, NULL, x + 2 * nf, 0, phi, NULL, NULL,
                                 NULL);
    if (rc && rc != XPL_ENUMERIC)
        fuzz_fail("kernel shap failed: %s", xpl_last_error());
    free(phi);
    xpl_kernel_shap_free(ks);
}

void fuzz_exercise_model(const xpl_model *m, const char *name)
{
    round_trip(m, name);
    size_t n_rows;
    double *x = test_rows(xpl_model_n_features(m), &n_rows);
    predict(m, x, n_rows);
    tree_shap(m, x, n_rows);
    linear_shap(m, x, n_rows);
    kernel_shap(m, x);
    free(x);
}

void fuzz_load_model(const uint8_t *data, size_t size, const char *name)
{
    xpl_model *m = NULL;
    int rc = xpl_model_load_buffer(&m, data, size, name);
    if (rc) {
        if (m)
            fuzz_fail("failed load left a model behind");
        fuzz_check_error(rc, name);
        return;
    }
    fuzz_exercise_model(m, name);
    xpl_model_free(m);
}
