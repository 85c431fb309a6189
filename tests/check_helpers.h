/* Helpers shared by the Check test programs. */
#ifndef XPL_TESTS_CHECK_HELPERS_H
#define XPL_TESTS_CHECK_HELPERS_H

#include <check.h>
#include <stddef.h>
#include <xplain/xplain.h>

/* Absolute path of a file in the source tree ("data/diabetes.csv"); the
 * returned string is static storage overwritten by the next call. */
const char *src_path(const char *relative);

/* A fresh temporary directory for this test process, created once. */
const char *tmp_dir(void);

/* Write `size` bytes to a new file in tmp_dir(); returns its path (static
 * storage overwritten by the next call). */
const char *write_tmp(const char *name, const void *data, size_t size);

/* The whole of a file in the source tree, NUL-terminated, in a new buffer
 * (free it); its length in *size. Fails the test if it cannot be read. */
char *read_source(const char *relative, size_t *size);

/* Load a model from the source tree; fails the test on error. */
xpl_model *load_model(const char *relative);

/* Read the named columns of a CSV in the source tree; fails the test on
 * error. */
xpl_dataset *read_columns(const char *relative, const char *const *cols,
                          size_t n);

/* The model's feature columns of a CSV in the source tree, category cells
 * read by the model's category names (unknown: an xpl_unknown_category,
 * what a name the model lacks becomes); fails the test on error. */
xpl_dataset *read_model_rows(const xpl_model *m, const char *relative,
                             int unknown);

/* Load a model and data, predict every row once on this thread, then on 8
 * threads sharing the model (each with its own workspace, `reps` times), and
 * require every thread's results to equal the single-threaded ones bit for
 * bit. */
void check_threads_match(const char *model_relative, const char *data_relative,
                         xpl_output kind, int reps);

/* The tests' one Shapley formula, for any game given by its value table:
 * v[S * D + d] for every coalition S of the P players (bit j: player j
 * present) and D outputs; phi[d * P + j] = sum over S without j of
 * |S|! (P-|S|-1)! / P! (v(S+j) - v(S)). P <= 30. */
void shapley_from_values(size_t P, size_t D, const double *v, double *phi);

/* The interventional game of row x: v(S) = sum_b w_b f(x_S, b_notS) over
 * n_bg background rows bg (row-major) with weights w (NULL: uniform;
 * normalised here), for every coalition S of the model's P <= 20 features,
 * into v (2^P * n_outputs, as shapley_from_values reads it). */
void interventional_values(const xpl_model *m, const double *bg,
                           const double *w, size_t n_bg, const double *x,
                           xpl_output kind, double *v);

/* Exact interventional Shapley values by brute force over all 2^P subsets
 * of the model's features (P <= 20): v(S) = sum_b w_b f(x_S, b_notS) with
 * the background's weights (NULL: uniform), phi_j = sum over S without j of
 * |S|! (P-|S|-1)! / P! (v(S+j) - v(S)). phi is n_outputs * P, one row per
 * output. Independent of every explainer: plain enumeration and
 * xpl_model_predict. */
void brute_force_shapley(const xpl_model *m, const xpl_dataset *bg,
                         const double *x, xpl_output kind, double *phi);

/* Require got[i] == want[i] to tol relative to max(1, |want[i]|) for the n
 * values; a failure names label, row and the value's index. */
void assert_values_close(const double *got, const double *want, size_t n,
                      double tol, const char *label, size_t row);

/* Interventional TreeSHAP (xpl__tree_shap_interventional_row) of rows
 * first..n_rows-1 of x (row-major, the model's P <= 20 features), with
 * x's first n_bg rows as the uniformly weighted background, must equal the
 * raw-output interventional Shapley values found by brute force
 * (interventional_values, shapley_from_values) to tol relative; label
 * names the model in a failure. */
void check_interventional_brute_force(const xpl_model *m, const double *x,
                                      size_t n_rows, size_t first,
                                      size_t n_bg, double tol,
                                      const char *label);

/* A text edit that must make a model file fail to load: the first `from`
 * replaced by `to`; loading then returns `code`, with a message that
 * contains `msg`. */
struct bad_edit {
    const char *from, *to;
    int code;
    const char *msg;
};

/* text with its first `from` replaced by `to`, in a new NUL-terminated
 * buffer (free it). Fails the test if `from` is not in text, so an edit
 * that no longer matches its fixture cannot pass unseen. */
char *edit_text(const char *text, const char *from, const char *to);

/* Apply edit to text and load the result from memory as `name`: require
 * the edit's code, its msg inside xpl_last_error() and the output model
 * set to NULL. `i` numbers the case in a failure. */
void expect_bad_edit(const char *text, const char *name,
                     const struct bad_edit *edit, size_t i);

/* expect_bad_edit for each of the n edits. */
void expect_bad_edits(const char *text, const char *name,
                      const struct bad_edit *edits, size_t n);

/* Every tree model shipped in data/models/ (MODEL.json) with the data set
 * it was trained on (data/DATA.csv): the one table the tests loop over. */
struct shipped_model {
    const char *model, *data;
};
enum { N_SHIPPED_TREE_MODELS = 19 };
extern const struct shipped_model shipped_tree_models[N_SHIPPED_TREE_MODELS];

/* Run a suite in TAP mode; returns the process exit status. */
int run_suite(Suite *s);

/* |a - b| <= tol * max(1, |b|) */
int close_rel(double a, double b, double tol);

#endif
