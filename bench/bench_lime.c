/* LIME benchmark: the library's overhead per row (sampling, kernel, Gram,
 * selection, fit) without the model's own time, one thread.
 *
 *   bench_lime [--rows N] [--repeat N] [--samples N] [--features N]
 *              [--only C] [--root DIR]
 *
 * A synthetic training set (1000 rows, --features columns, default 30) and
 * a wrapped model whose predict (a linear score through tanh) times itself
 * with the thread's CPU clock; overhead = the thread's CPU time in
 * xpl_lime_explain minus the time inside predict. Every configuration
 * explains --rows rows (20) --repeat times (5); the best and median of the
 * per-row overhead are printed, for the default discretizer (quartile),
 * decile and none, with auto selection (highest weights at K = 10) and
 * forward selection at K = 5 (--only C: configuration C alone, 0-4, for
 * profiling). With --root DIR (the source tree), also the
 * wall-clock milliseconds per row of default LIME on
 * data/models/breast_cancer_xgb.bin, model included.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <xplain/adapter.h>
#include <xplain/lime.h>

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_lime: %s: %s\n", what, xpl_last_error());
    exit(2);
}

typedef struct timed_model {
    size_t P;
    double *coef;
    double seconds; /* CPU time inside predict */
} timed_model;

static int timed_predict(const void *state, void *scratch, const double *x,
                         size_t n_rows, size_t n_cols, double *out)
{
    (void)scratch;
    timed_model *t = (timed_model *)(size_t)state;
    double t0 = cpu_now();
    for (size_t i = 0; i < n_rows; i++) {
        double s = 0;
        for (size_t j = 0; j < n_cols; j++)
            s += t->coef[j] * x[i * n_cols + j];
        out[i] = tanh(s);
    }
    t->seconds += cpu_now() - t0;
    return 0;
}

static const xpl_adapter timed_ops = { XPL_ADAPTER_VERSION, "timed", NULL,
                                       timed_predict, NULL };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t rows = 20, repeat = 5, samples = 5000, P = 30;
    const char *root = NULL;
    long only = -1;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--rows") == 0)
            rows = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--repeat") == 0)
            repeat = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--samples") == 0)
            samples = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--features") == 0)
            P = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--only") == 0)
            only = strtol(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--root") == 0)
            root = argv[++i];
        else {
            fprintf(stderr, "usage: bench_lime [--rows N] [--repeat N] "
                            "[--samples N] [--features N] [--only C] "
                            "[--root DIR]\n");
            return 1;
        }
    }
    if (rows == 0 || repeat == 0 || P == 0 || samples < 2) {
        fprintf(stderr, "bench_lime: counts must be positive\n");
        return 1;
    }
    gsl_set_error_handler_off();

    /* training rows: skewed, ordinary and ties-heavy columns */
    size_t N = 1000;
    double *x = malloc(N * P * sizeof *x);
    unsigned long long s = 88172645463325252ull;
    for (size_t i = 0; i < N * P; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double u = ((double)(s >> 11) + 0.5) * 0x1.0p-53;
        size_t j = i % P;
        x[i] = j % 3 == 0 ? -log(u) : (j % 3 == 1 ? u * 10 : floor(u * 4));
    }
    xpl_dataset *train;
    if (xpl_dataset_new(&train, N, P, x, NULL, NULL))
        die("dataset");
    timed_model tm = { P, malloc(P * sizeof(double)), 0 };
    for (size_t j = 0; j < P; j++)
        tm.coef[j] = sin((double)j + 1) / (double)P;
    xpl_model_spec spec = { XPL_MODEL_SPEC_VERSION, P, 1, NULL,
                            XPL_LINK_IDENTITY };
    xpl_model *m;
    if (xpl_model_wrap(&m, &timed_ops, &tm, &spec))
        die("model");

    struct config {
        const char *name;
        xpl_lime_discretizer disc;
        xpl_lime_selection sel;
        size_t k;
    } configs[] = {
        { "quartile, auto (highest weights), K=10", XPL_LIME_QUARTILE,
          XPL_LIME_SELECT_AUTO, 10 },
        { "decile, auto (highest weights), K=10", XPL_LIME_DECILE,
          XPL_LIME_SELECT_AUTO, 10 },
        { "none, auto (highest weights), K=10", XPL_LIME_NONE,
          XPL_LIME_SELECT_AUTO, 10 },
        { "quartile, forward, K=5", XPL_LIME_QUARTILE,
          XPL_LIME_SELECT_FORWARD, 5 },
        { "quartile, lasso path, K=10", XPL_LIME_QUARTILE,
          XPL_LIME_SELECT_LASSO_PATH, 10 },
    };
    if (P < 10)
        for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++)
            configs[c].k = configs[c].k > P ? P : configs[c].k;
    xpl_workspace *ws;
    if (xpl_workspace_new(&ws))
        die("workspace");
    double *w = malloc(P * sizeof *w);
    double *per = malloc(repeat * sizeof *per);
    printf("LIME overhead per row, one thread: %zu samples, %zu features, "
           "%zu rows x %zu repetitions\n", samples, P, rows, repeat);
    printf("| configuration | overhead ms/row (best / median) | model ms/row "
           "|\n|---|---:|---:|\n");
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        if (only >= 0 && (size_t)only != c)
            continue;
        xpl_lime_options o = XPL_LIME_OPTIONS_INIT;
        o.num_samples = samples;
        o.discretizer = configs[c].disc;
        o.feature_selection = configs[c].sel;
        o.num_features = configs[c].k;
        xpl_lime *l;
        if (xpl_lime_new(&l, m, train, &o))
            die("xpl_lime_new");
        if (xpl_lime_explain(l, ws, x, 0, w, NULL, NULL, NULL, NULL))
            die("warm-up");
        double model = 0;
        for (size_t r = 0; r < repeat; r++) {
            tm.seconds = 0;
            double t0 = cpu_now();
            for (size_t i = 0; i < rows; i++)
                if (xpl_lime_explain(l, ws, x + (i % N) * P, i, w, NULL, NULL,
                                     NULL, NULL))
                    die("xpl_lime_explain");
            double total = cpu_now() - t0;
            per[r] = (total - tm.seconds) / (double)rows * 1e3;
            model = tm.seconds / (double)rows * 1e3;
        }
        qsort(per, repeat, sizeof *per, cmp_double);
        printf("| %s | %.3f / %.3f | %.3f |\n", configs[c].name, per[0],
               per[repeat / 2], model);
        printf("result config=%zu overhead_ms=%.4f overhead_median_ms=%.4f\n",
               c, per[0], per[repeat / 2]);
        xpl_lime_free(l);
    }

    if (root) {
        char mp[4096], dp[4096];
        snprintf(mp, sizeof mp, "%s/data/models/breast_cancer_xgb.bin", root);
        snprintf(dp, sizeof dp, "%s/data/breast_cancer.csv", root);
        xpl_model *bc;
        if (xpl_model_load(&bc, mp))
            die(mp);
        xpl_csv_options co = XPL_CSV_OPTIONS_INIT;
        co.columns = xpl_model_feature_names(bc);
        co.n_columns = xpl_model_n_features(bc);
        xpl_dataset *d;
        if (xpl_dataset_read_csv(&d, dp, &co))
            die(dp);
        xpl_lime *l;
        if (xpl_lime_new(&l, bc, d, NULL))
            die("xpl_lime_new");
        size_t bp = xpl_dataset_n_cols(d);
        double *bw = malloc(bp * sizeof *bw);
        for (size_t r = 0; r < repeat; r++) {
            double t0 = wall_now();
            for (size_t i = 0; i < rows; i++)
                if (xpl_lime_explain(l, ws, xpl_dataset_data(d) + i * bp, i,
                                     bw, NULL, NULL, NULL, NULL))
                    die("xpl_lime_explain");
            per[r] = (wall_now() - t0) / (double)rows * 1e3;
        }
        qsort(per, repeat, sizeof *per, cmp_double);
        printf("breast_cancer_xgb.bin, default LIME (5000 samples), model "
               "included: %.2f / %.2f ms/row (best / median)\n", per[0],
               per[repeat / 2]);
        free(bw);
        xpl_lime_free(l);
        xpl_dataset_free(d);
        xpl_model_free(bc);
    }
    free(per);
    free(w);
    xpl_workspace_free(ws);
    xpl_model_free(m);
    free(tm.coef);
    xpl_dataset_free(train);
    free(x);
    return 0;
}
