/* Regressions from hardening (issue 8): inputs found by the fuzz harnesses
 * (tests/fuzz/regressions/ keeps the raw files, replayed by the
 * fuzz_*_replay tests) and limit cases of docs/limits.md that only the
 * explainers reach: a tree at the depth limit, with a different feature at
 * every level, explained by every TreeSHAP variant. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_helpers.h"
#include "models/trees.h"
#include <xplain/xplain.h>

/* A chain of `depth` splits, split i on feature i % n_features with its
 * left child a leaf, as xplain JSON. Leaf values differ so every split
 * matters. */
static char *chain_json(size_t depth, size_t n_features)
{
    size_t nodes = 2 * depth + 1, cap = nodes * 80 + n_features * 16 + 512;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    size_t len = (size_t)snprintf(buf, cap,
        "{\"type\":\"tree_ensemble\",\"link\":\"identity\","
        "\"n_outputs\":1,\"aggregation\":\"sum\",\"base_score\":[0.5],"
        "\"threshold_type\":\"float64\",\"comparison\":\"<\","
        "\"feature_names\":[");
    for (size_t j = 0; j < n_features; j++)
        len += (size_t)snprintf(buf + len, cap - len, "%s\"f%zu\"",
                                j ? "," : "", j);
    len += (size_t)snprintf(buf + len, cap - len, "],\"trees\":[{\"output\":0,"
                            "\"default_left\":[");
    for (size_t i = 0; i < nodes; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%d", i ? "," : "",
                                (int)(i % 4 == 0));
    len += (size_t)snprintf(buf + len, cap - len, "]");
    const char *keys[] = { "feature", "threshold", "left", "right", "value",
                           "cover" };
    for (int k = 0; k < 6; k++) {
        len += (size_t)snprintf(buf + len, cap - len, ",\"%s\":[", keys[k]);
        for (size_t i = 0; i < nodes; i++) {
            /* node 2s splits into leaf 2s+1 and node 2s+2; the last is a leaf */
            int split = i % 2 == 0 && i + 1 < nodes;
            double v = 0;
            switch (k) {
            case 0: v = split ? (double)((i / 2) % n_features) : -1; break;
            case 1: v = 0.5; break;
            case 2: v = split ? (double)i + 1 : -1; break;
            case 3: v = split ? (double)i + 2 : -1; break;
            case 4: v = split ? 0 : (double)(i % 7) - 3; break;
            case 5: v = (double)(nodes - i); break;
            }
            len += (size_t)snprintf(buf + len, cap - len, "%s%.17g",
                                    i ? "," : "", v);
        }
        len += (size_t)snprintf(buf + len, cap - len, "]");
    }
    snprintf(buf + len, cap - len, "}]}");
    return buf;
}

struct deep_job {
    const xpl_model *m;
    const xpl_dataset *bg; /* or NULL: no interventional run */
    int interactions;      /* also the interaction values */
    int ok;
};

/* Contributions add up to the raw prediction for every explainer. */
static void *explain_deep(void *arg)
{
    struct deep_job *job = arg;
    size_t m = xpl_model_n_features(job->m);
    double *x = malloc(m * sizeof *x);
    double *phi = malloc((m + 1) * (m + 1) * sizeof *phi);
    for (size_t j = 0; j < m; j++)
        x[j] = j % 3 == 0 ? NAN : (double)(j % 2); /* both sides, missing */
    job->ok = 1;
    for (int kind = 0; kind < 3; kind++) {
        if ((kind == 1 && !job->bg) || (kind == 2 && !job->interactions))
            continue;
        xpl_tree_shap *ts = NULL;
        double pred, sum = 0;
        int rc = xpl_tree_shap_new(&ts, job->m, kind == 1 ? job->bg : NULL);
        if (!rc && kind == 2)
            rc = xpl_tree_shap_interactions(ts, NULL, x, phi, &pred);
        else if (!rc)
            rc = xpl_tree_shap_explain(ts, NULL, x, phi, &pred);
        if (rc) {
            job->ok = 0;
            break;
        }
        size_t n = kind == 2 ? (m + 1) * (m + 1) - 1 : m;
        for (size_t i = 0; i < n; i++)
            sum += phi[i];
        double base = kind == 2 ? phi[(m + 1) * (m + 1) - 1]
                                : xpl_tree_shap_base_values(ts)[0];
        if (!close_rel(base + sum, pred, 1e-9))
            job->ok = 0;
        xpl_tree_shap_free(ts);
    }
    free(x);
    free(phi);
    return NULL;
}

static void run_deep(const xpl_model *m, const xpl_dataset *bg,
                     int interactions)
{
    struct deep_job job = { m, bg, interactions, 0 };
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    ck_assert_int_eq(pthread_attr_setstacksize(&attr, 1 << 20), 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, &attr, explain_deep, &job), 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    ck_assert_msg(job.ok, "an explainer failed or is not additive");
}

/* The deepest tree the limit allows, on as many features as levels, so
 * the TreeSHAP path grows to its maximum length: every explainer works,
 * in a thread whose stack is an eighth of the usual 8 MiB (recursion is
 * bounded by the depth limit, not by the input). Interaction values cost
 * a TreeSHAP pass per feature: they get the same depth on 8 features. */
START_TEST(deepest_tree_explained_on_a_small_stack)
{
    size_t depth = XPL__MAX_TREE_DEPTH, nf = XPL__MAX_TREE_DEPTH;
    char *text = chain_json(depth, 8);
    xpl_model *narrow = NULL;
    ck_assert_msg(xpl_model_load_buffer(&narrow, text, strlen(text),
                                        "deep8.json") == XPL_OK, "%s",
                  xpl_last_error());
    free(text);
    run_deep(narrow, NULL, 1);
    xpl_model_free(narrow);

    text = chain_json(depth, nf);
    xpl_model *m = NULL;
    ck_assert_msg(xpl_model_load_buffer(&m, text, strlen(text), "deep.json")
                  == XPL_OK, "%s", xpl_last_error());
    free(text);
    double *bg_x = malloc(2 * nf * sizeof *bg_x);
    for (size_t j = 0; j < 2 * nf; j++)
        bg_x[j] = (double)((j / 3) % 2);
    xpl_dataset *bg = NULL;
    ck_assert_int_eq(xpl_dataset_new(&bg, 2, nf, bg_x,
                                     xpl_model_feature_names(m), NULL),
                     XPL_OK);
    free(bg_x);

    run_deep(m, bg, 0);

    /* One level more is refused when loading, before any explainer. */
    text = chain_json(depth + 1, nf);
    xpl_model *deeper = NULL;
    ck_assert_int_eq(xpl_model_load_buffer(&deeper, text, strlen(text),
                                           "deeper.json"), XPL_ELIMIT);
    ck_assert_ptr_null(deeper);
    ck_assert_ptr_nonnull(strstr(xpl_last_error(), "deeper than the limit"));
    free(text);
    xpl_dataset_free(bg);
    xpl_model_free(m);
}
END_TEST

/* A count over a documented limit is XPL_ELIMIT (xplain JSON's n_outputs
 * was XPL_EFORMAT). */
START_TEST(counts_over_the_limits)
{
    static const char *const cases[] = {
        "{\"type\":\"tree_ensemble\",\"link\":\"softmax\","
        "\"feature_names\":[\"a\"],\"n_outputs\":65537,\"aggregation\":\"sum\","
        "\"base_score\":[0],\"threshold_type\":\"float64\",\"comparison\":\"<\","
        "\"trees\":[]}",
        "{\"type\":\"tree_ensemble\",\"link\":\"identity\","
        "\"feature_names\":[\"a\"],\"n_outputs\":4294967297,"
        "\"aggregation\":\"sum\",\"base_score\":[0],\"threshold_type\":"
        "\"float64\",\"comparison\":\"<\",\"trees\":[]}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xpl_model *m = NULL;
        int rc = xpl_model_load_buffer(&m, cases[i], strlen(cases[i]), "c");
        ck_assert_msg(rc == XPL_ELIMIT, "case %zu: %d (%s)", i, rc,
                      xpl_last_error());
        ck_assert_ptr_nonnull(strstr(xpl_last_error(), "more than the limit"));
        xpl_model_free(m);
    }
}
END_TEST

/* Found by fuzz_xplain_json: a misspelt key holding a line feed
 * ("feature\nnames") made a two-line message. Names from the input reach
 * messages in many places (keys, feature names, CSV headers), so every
 * message now shows control bytes escaped. */
START_TEST(messages_are_one_line)
{
    static const char json[] =
        "{\"type\":\"linear\",\"link\":\"identity\",\"feature\\nnames\":"
        "[\"a\"],\"intercept\":[0],\"coef\":[[1]]}";
    xpl_model *m = NULL;
    ck_assert_int_eq(xpl_model_load_buffer(&m, json, strlen(json), "k.json"),
                     XPL_EFORMAT);
    ck_assert_msg(strstr(xpl_last_error(), "unknown key \"feature\\x0anames\"")
                  != NULL, "%s", xpl_last_error());

    /* A model feature with a tab and a line feed, absent from the CSV. */
    static const char model[] =
        "{\"type\":\"linear\",\"link\":\"identity\",\"feature_names\":"
        "[\"x\",\"a\\t\\nb\"],\"intercept\":[0],\"coef\":[[1,2]]}";
    ck_assert_int_eq(xpl_model_load_buffer(&m, model, strlen(model), "m"),
                     XPL_OK);
    static const char csv[] = "x,y\n1,2\n";
    const char *path = write_tmp("rows.csv", csv, strlen(csv));
    xpl_csv_options o = XPL_CSV_OPTIONS_INIT;
    o.columns = xpl_model_feature_names(m);
    o.n_columns = xpl_model_n_features(m);
    xpl_dataset *ds = NULL;
    ck_assert_int_eq(xpl_dataset_read_csv(&ds, path, &o), XPL_ESHAPE);
    ck_assert_msg(strpbrk(xpl_last_error(), "\t\n") == NULL, "%s",
                  xpl_last_error());
    ck_assert_msg(strstr(xpl_last_error(), "a\\x09\\x0ab") != NULL, "%s",
                  xpl_last_error());
    xpl_model_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regressions");
    TCase *tc = tcase_create("limits");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, deepest_tree_explained_on_a_small_stack);
    tcase_add_test(tc, counts_over_the_limits);
    suite_add_tcase(s, tc);
    tc = tcase_create("fuzz findings");
    tcase_add_test(tc, messages_are_one_line);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
