/*
 * xplain: explain the predictions of tabular models.
 *
 * This header is the consumer API and its specification. Conventions that hold
 * for every function unless its comment says otherwise:
 *
 *  - Fallible calls return int: XPL_OK (0) or a negative XPL_E* code. The
 *    message for the most recent failure on the calling thread is returned by
 *    xpl_last_error(); it says where and what ("rows.csv:14:3: expected a
 *    number, found \"abc\"").
 *  - Output parameters come first. On failure they are left untouched, except
 *    that constructors set *out to NULL.
 *  - An object returned through a `**out` parameter is owned by the caller and
 *    released with the matching NULL-safe _free function. Pointers returned as
 *    values are borrowed and live as long as the object they came from.
 *  - Arrays are row-major doubles; missing values are NaN. Lengths are stated
 *    in the comment of each function; the caller allocates outputs.
 *  - Thread safety: a loaded or built xpl_model and an xpl_dataset are
 *    immutable once shared and may be used from any number of threads at once
 *    (functions marked "not thread-safe" mutate and must be called before the
 *    object is shared). An xpl_workspace or xpl_csv_reader belongs to one
 *    thread at a time.
 *  - The library never prints, never exits, never aborts and never calls
 *    gsl_set_error_handler; nor does it need the caller to turn GSL's
 *    (aborting) handler off: every GSL call it makes has its arguments
 *    checked and its memory allocated beforehand, so none can report an
 *    error. Link with `pkg-config --cflags --libs xplain` alone.
 *
 * The header is C99 and C++ clean and uses no GSL, libcsv or jansson types.
 */
#ifndef XPLAIN_XPLAIN_H
#define XPLAIN_XPLAIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(XPL_BUILDING_LIBRARY) && defined(__GNUC__)
#define XPL_API __attribute__((visibility("default")))
#else
#define XPL_API
#endif

/* ---------------------------------------------------------------- version */

#define XPL_VERSION_MAJOR 0
#define XPL_VERSION_MINOR 1
#define XPL_VERSION_PATCH 0
#define XPL_VERSION_STRING "0.1.0"

/** The library's version string ("0.1.0"), to compare with
 *  XPL_VERSION_STRING and detect a header/library mismatch. */
XPL_API const char *xpl_version(void);

/* ----------------------------------------------------------------- errors */

/** Return codes. Values are stable and append-only. */
typedef enum xpl_status {
    XPL_OK = 0,
    XPL_EINVAL = -1,      /**< invalid argument (NULL, zero size, bad option) */
    XPL_ENOMEM = -2,      /**< out of memory */
    XPL_EIO = -3,         /**< cannot open, read or write a file */
    XPL_EFORMAT = -4,     /**< malformed input: CSV, model file, JSON */
    XPL_EVERSION = -5,    /**< file format version not supported */
    XPL_ESHAPE = -6,      /**< dimensions or names do not match */
    XPL_ENUMERIC = -7,    /**< a numerical routine failed */
    XPL_ELIMIT = -8,      /**< a documented size limit was exceeded */
    XPL_EUNSUPPORTED = -9, /**< valid input that this version cannot handle */
    XPL_EUSER = -10       /**< a user callback returned an error */
} xpl_status;

/** Message describing the most recent failure on the calling thread, or ""
 *  if none. The pointer stays valid until the next failing call on this
 *  thread. Thread-safe (the buffer is thread-local). */
XPL_API const char *xpl_last_error(void);

/** Static text for a return code ("invalid argument", ...). Never NULL. */
XPL_API const char *xpl_strerror(int code);

/** Free memory that the library handed to the caller (xpl_model_serialize). */
XPL_API void xpl_free(void *p);

/* ------------------------------------------------------------------ limits */

/** Documented maximums, enforced with XPL_ELIMIT before any allocation. */
#define XPL_MAX_FEATURES ((size_t)1 << 20)   /**< columns of a model or CSV */
#define XPL_MAX_OUTPUTS ((size_t)1 << 16)    /**< outputs (classes) of a model */
#define XPL_MAX_NAME_LENGTH ((size_t)4096)   /**< bytes in a feature name */
#define XPL_MAX_FIELD_LENGTH ((size_t)1 << 20) /**< bytes in one CSV field */
#define XPL_MAX_ROWS ((size_t)1 << 31)       /**< rows of an in-memory dataset */
#define XPL_MAX_CATEGORIES ((size_t)1 << 24) /**< named categories of a feature */

/* --------------------------------------------------------------- datasets */

/** An immutable in-memory table of doubles: rows x columns, row-major, with
 *  column names and optional row weights (a weighted background sample). */
typedef struct xpl_dataset xpl_dataset;

/** Options for reading CSV. Initialise with XPL_CSV_OPTIONS_INIT. */
typedef struct xpl_csv_options {
    unsigned version;       /**< XPL_CSV_OPTIONS_VERSION */
    int has_header;         /**< 1 (default): first row holds column names */
    char delimiter;         /**< ',' by default */
    /** Columns to keep, in this order (e.g. a model's feature names), or NULL
     *  to keep every column of the file. With a header they are matched by
     *  name in any order, extra file columns are ignored (they may repeat a
     *  name or have none, as pandas' index column) and a missing one is
     *  an XPL_ESHAPE error naming it (with the delimiter to use when the
     *  header came out as one field holding ';', a tab, '|' or ','). With
     *  columns NULL, an unnamed first column (pandas' df.to_csv() index)
     *  is skipped and any other empty or repeated name is an error.
     *  Without a header the file must have exactly n_columns columns,
     *  taken by position and given these names (unless file_columns
     *  names them). */
    const char *const *columns;
    size_t n_columns;
    /* version 2 */
    /** Without a header (has_header 0): the names of the file's columns in
     *  order, or NULL. Every row must then have n_file_columns fields, and
     *  columns and text_columns are chosen from these names as they would
     *  be from a header (each must be among them: XPL_EINVAL otherwise).
     *  Must be NULL when has_header is 1. */
    const char *const *file_columns;
    size_t n_file_columns;
    /** Columns read as text, never parsed as numbers (identifiers that
     *  results are joined back on), or NULL. Needs `columns` and a header
     *  or file_columns; matched by name like `columns` (a missing one is
     *  XPL_ESHAPE), and no column may be in both lists. The streaming
     *  reader returns them with xpl_csv_reader_text; xpl_dataset_read_csv
     *  reads and drops them. */
    const char *const *text_columns;
    size_t n_text_columns;
    /* version 3 */
    /** Category names of the selected columns, or NULL: n_columns entries
     *  (needs `columns`), entry i NULL for a numeric column or the
     *  n_categories[i] names of column i's categories in code order (as
     *  xpl_model_category_names gives them). A cell of such a column that
     *  is exactly one of its names reads as that name's code; any other
     *  cell is read as a number (a code), as in other columns. Names are
     *  validated as xpl_model_set_categories does. */
    const char *const *const *categories;
    const size_t *n_categories;
    /** What a cell of a column with category names becomes when it is
     *  neither one of them nor a number: XPL_UNKNOWN_CATEGORY_ERROR (0,
     *  the default: XPL_EFORMAT "path:line: field N: unknown category
     *  ...") or XPL_UNKNOWN_CATEGORY_MISSING (NaN, which tree models
     *  route as their library routes a category it never saw). */
    int unknown_category;
} xpl_csv_options;

/** How a cell that names no known category is read (xpl_csv_options). */
typedef enum xpl_unknown_category {
    XPL_UNKNOWN_CATEGORY_ERROR = 0,
    XPL_UNKNOWN_CATEGORY_MISSING = 1
} xpl_unknown_category;

/** Version 1 and 2 options (without the members after text_columns, or
 *  after file_columns) are still accepted. */
#define XPL_CSV_OPTIONS_VERSION 3u
#define XPL_CSV_OPTIONS_INIT \
    { XPL_CSV_OPTIONS_VERSION, 1, ',', NULL, 0, NULL, 0, NULL, 0, NULL, \
      NULL, XPL_UNKNOWN_CATEGORY_ERROR }

/**
 * Read a whole CSV file into memory.
 *
 * Cells are numbers as written by C's strtod in the "C" locale (whatever the
 * process locale); "", "NA", "NaN" and "nan" are missing (NaN); "inf" and
 * "-inf" are infinities. Quoted fields, CRLF line ends and a UTF-8 byte order
 * mark are accepted. Blank lines (empty or only spaces and tabs, outside
 * quotes) are skipped, except in a file of one column (a header of one name;
 * without a header, one selected column or a first row of one field): there
 * a blank line after the header, or anywhere without one, is a row whose
 * value is missing, at its own line, if a row comes after it; blank lines at
 * the end of the file are ignored. A file with a header and no
 * rows, or an empty file read without a header but with named columns,
 * gives a dataset of 0 rows.
 *
 * @param[out] out   the dataset (weights: none)
 * @param[in]  path  file name, or "-" for standard input
 * @param[in]  opts  options, or NULL for the defaults
 * @return XPL_OK; XPL_EIO (cannot open/read), XPL_EFORMAT (bad cell, ragged
 *         row, an empty file where a header is expected; message
 *         "path:line: field N: ...", N the 1-based field of the row;
 *         "path:line: ..." for a whole row), XPL_ESHAPE
 *         (requested column absent), XPL_ELIMIT, XPL_ENOMEM, XPL_EINVAL.
 */
XPL_API int xpl_dataset_read_csv(xpl_dataset **out, const char *path,
                                 const xpl_csv_options *opts);

/**
 * Build a dataset from memory (all arrays are copied).
 *
 * @param[out] out      the dataset
 * @param[in]  n_rows   rows (may be 0)
 * @param[in]  n_cols   columns (>= 1)
 * @param[in]  x        n_rows * n_cols values, or NULL for all zeros
 * @param[in]  names    n_cols column names, or NULL for "f0", "f1", ...
 * @param[in]  weights  n_rows finite non-negative weights, or NULL (unweighted)
 */
XPL_API int xpl_dataset_new(xpl_dataset **out, size_t n_rows, size_t n_cols,
                            const double *x, const char *const *names,
                            const double *weights);

/** Release a dataset. NULL-safe. */
XPL_API void xpl_dataset_free(xpl_dataset *ds);

XPL_API size_t xpl_dataset_n_rows(const xpl_dataset *ds);
XPL_API size_t xpl_dataset_n_cols(const xpl_dataset *ds);
/** Column name i (borrowed), or NULL if i is out of range. */
XPL_API const char *xpl_dataset_col_name(const xpl_dataset *ds, size_t i);
/** All values, n_rows * n_cols, row-major (borrowed). */
XPL_API const double *xpl_dataset_data(const xpl_dataset *ds);
/** Row weights, n_rows values (borrowed), or NULL when unweighted. */
XPL_API const double *xpl_dataset_weights(const xpl_dataset *ds);

/**
 * Draw k rows uniformly without replacement with a seeded generator
 * (like shap.sample). If k >= n_rows the result is a copy. Weights of the
 * drawn rows are kept (NULL stays NULL).
 */
XPL_API int xpl_dataset_sample(xpl_dataset **out, const xpl_dataset *ds,
                               size_t k, uint64_t seed);

/**
 * Summarise the rows into k weighted centres with k-means (like shap.kmeans):
 * missing values are mean-imputed, k-means++ seeding from `seed` with 10
 * restarts keeps the lowest inertia, every centre coordinate is then snapped
 * to the nearest value the column takes in the data, and each centre is
 * weighted by the total weight of its cluster. If k >= n_rows the result is a
 * copy. XPL_EINVAL if k == 0 or the dataset is empty.
 */
XPL_API int xpl_dataset_kmeans(xpl_dataset **out, const xpl_dataset *ds,
                               size_t k, uint64_t seed);

/* ------------------------------------------------------ streaming CSV rows */

/** Reads a CSV file in row batches with constant memory. One thread. */
typedef struct xpl_csv_reader xpl_csv_reader;

/** Open a CSV file ("-" for standard input) and read its header. Same
 *  options, cell syntax and errors as xpl_dataset_read_csv. */
XPL_API int xpl_csv_reader_open(xpl_csv_reader **out, const char *path,
                                const xpl_csv_options *opts);

/** Read CSV text held in memory: data[0..size) (borrowed: it must outlive
 *  the reader; need not end in NUL). `name` (NULL: "<memory>") stands for
 *  the file in error messages. Otherwise as xpl_csv_reader_open. */
XPL_API int xpl_csv_reader_open_memory(xpl_csv_reader **out, const char *data,
                                       size_t size, const char *name,
                                       const xpl_csv_options *opts);

/** Start over on another text held in memory, data[0..size) (borrowed, as
 *  for xpl_csv_reader_open_memory), with the options of a reader that
 *  xpl_csv_reader_open_memory opened; any error of the last text is
 *  forgotten. Reads the new header (or first row) and reports its errors as
 *  opening on it would. The same as opening a new reader on the text, but
 *  without checking the options again, and a text whose first line is
 *  byte for byte the last text's header line keeps the column mapping
 *  instead of matching the names again: for a service reading many small
 *  bodies with one header. XPL_EINVAL for a reader of a file. */
XPL_API int xpl_csv_reader_reset_memory(xpl_csv_reader *r, const char *data,
                                        size_t size);

/** Close the file and release the reader. NULL-safe. */
XPL_API void xpl_csv_reader_free(xpl_csv_reader *r);

/** Number of columns delivered per row (the selected columns). */
XPL_API size_t xpl_csv_reader_n_cols(const xpl_csv_reader *r);
/** Name of delivered column i (borrowed), or NULL if out of range. */
XPL_API const char *xpl_csv_reader_col_name(const xpl_csv_reader *r, size_t i);

/**
 * Read up to max_rows rows.
 *
 * @param[out] out     max_rows * n_cols values; rows read are written first
 * @param[out] n_read  rows written; 0 means end of file
 * @return XPL_OK or an error (as xpl_dataset_read_csv). Rows read before a
 *         bad row are delivered by the call that meets it only if n_read > 0;
 *         the error is then returned by the next call.
 */
XPL_API int xpl_csv_reader_read(xpl_csv_reader *r, double *out,
                                size_t max_rows, size_t *n_read);

/** Physical line (1-based) on which the most recently delivered row ended. */
XPL_API uint64_t xpl_csv_reader_line(const xpl_csv_reader *r);

/** Bytes read from the file so far (ahead of the rows delivered by at most
 *  one internal block of 64 KiB or so): with the file's size, a progress
 *  estimate. 0 for NULL. */
XPL_API uint64_t xpl_csv_reader_bytes(const xpl_csv_reader *r);

/** Text column k (in the order of xpl_csv_options.text_columns) of the most
 *  recently delivered row, NUL-terminated (borrowed until the next read), or
 *  NULL if k is out of range or no row was delivered yet. Read one row per
 *  call to see every row's text. A text cell holding a NUL byte is an
 *  XPL_EFORMAT error, like a bad number. */
XPL_API const char *xpl_csv_reader_text(const xpl_csv_reader *r, size_t k);

/* ------------------------------------------------------ feature statistics */

/** Per-feature training statistics: counts, mean, standard deviation,
 *  extremes and quantiles. Immutable. */
typedef struct xpl_stats xpl_stats;

/** Statistics of one feature, ignoring missing values. With no observed
 *  value, mean/std/min/max are NaN. std is the population std (ddof 0). */
typedef struct xpl_feature_stats {
    uint64_t n;          /**< non-missing values */
    uint64_t n_missing;  /**< missing values */
    double mean;
    double std;
    double min;
    double max;
} xpl_feature_stats;

/** Number of quantiles kept per feature by xpl_stats_compute. */
#define XPL_STATS_N_QUANTILES 11

/**
 * Compute statistics for every column of ds (weights, if any, are ignored).
 * Quantiles are kept at probabilities 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6,
 * 0.7, 0.75, 0.8, 0.9 with linear interpolation between order statistics
 * (numpy's default, used by lime's quartile and decile discretizers).
 */
XPL_API int xpl_stats_compute(xpl_stats **out, const xpl_dataset *ds);
XPL_API void xpl_stats_free(xpl_stats *s);
XPL_API size_t xpl_stats_n_features(const xpl_stats *s);
/** Copy feature j's statistics to *out. XPL_EINVAL if j is out of range. */
XPL_API int xpl_stats_feature(const xpl_stats *s, size_t j,
                              xpl_feature_stats *out);
XPL_API size_t xpl_stats_n_quantiles(const xpl_stats *s);
/** The quantile probabilities, n_quantiles values (borrowed). */
XPL_API const double *xpl_stats_quantile_probs(const xpl_stats *s);
/** Feature j's quantiles, n_quantiles values (borrowed), NULL if out of range. */
XPL_API const double *xpl_stats_quantiles(const xpl_stats *s, size_t j);

/* ----------------------------------------------------------------- models */

/** A loaded model: immutable, shareable across threads. */
typedef struct xpl_model xpl_model;

/** How raw model outputs (margins) map to the response. */
typedef enum xpl_link {
    XPL_LINK_IDENTITY = 0, /**< regression: the raw output is the response */
    XPL_LINK_LOGIT = 1,    /**< binary: probability = 1 / (1 + exp(-raw)) */
    XPL_LINK_SOFTMAX = 2,  /**< multiclass: probabilities = softmax(raw) */
    XPL_LINK_LOG = 3,      /**< counts / positive responses: exp(raw) */
    XPL_LINK_SOFTPLUS = 4, /**< log(1 + exp(raw)) (LightGBM's
                                cross_entropy_lambda) */
    XPL_LINK_SIGNED_SQUARE = 5 /**< sign(raw) raw^2 (LightGBM's regression
                                    with reg_sqrt) */
} xpl_link;

/** Which output predictions and explanations are in. */
typedef enum xpl_output {
    XPL_OUTPUT_RAW = 0,         /**< margins, before the link */
    XPL_OUTPUT_PROBABILITY = 1, /**< class probabilities: needs a classifier
                                     (logit or softmax link, or a forest
                                     whose raw outputs are probabilities) */
    XPL_OUTPUT_RESPONSE = 2,    /**< after the link, whatever it is: what the
                                     training library's predict() returns,
                                     e.g. exp(margin) for Poisson models */
    XPL_OUTPUT_AUTO = -1        /**< explainer options only: the method's
                                     default (<xplain/explainer.h>) */
} xpl_output;

/** 1 if XPL_OUTPUT_PROBABILITY is meaningful for the model (a classifier). */
XPL_API int xpl_model_is_classifier(const xpl_model *m);

/** "identity", "logit", "softmax", "log", "softplus", "signed_square",
 *  or "unknown". */
XPL_API const char *xpl_link_name(xpl_link link);

/**
 * Load a model file. The format is detected from the content, not the name:
 * xplain's binary model.bin, or a JSON model (xplain JSON; see
 * docs/model-format.md).
 *
 * @return XPL_OK; XPL_EIO, XPL_EFORMAT, XPL_EVERSION, XPL_ELIMIT,
 *         XPL_EUNSUPPORTED, XPL_ENOMEM.
 */
XPL_API int xpl_model_load(xpl_model **out, const char *path);

/** Load a model from memory. `name` is used in error messages (may be NULL). */
XPL_API int xpl_model_load_buffer(xpl_model **out, const void *data,
                                  size_t size, const char *name);

/**
 * Write the model, with its background and statistics if any, as model.bin.
 * The file is written to a temporary name in the same folder and renamed:
 * a failure leaves no partial file and an existing file untouched.
 * XPL_EUNSUPPORTED for models wrapped around a user callback.
 */
XPL_API int xpl_model_save(const xpl_model *m, const char *path);

/** Serialise to model.bin bytes in memory; free *out with xpl_free. */
XPL_API int xpl_model_serialize(const xpl_model *m, void **out, size_t *size);

/** Release a model. NULL-safe. */
XPL_API void xpl_model_free(xpl_model *m);

/** "linear", or the adapter's name for other models. */
XPL_API const char *xpl_model_kind(const xpl_model *m);
XPL_API size_t xpl_model_n_features(const xpl_model *m);
XPL_API size_t xpl_model_n_outputs(const xpl_model *m);
/** Feature name i (borrowed), or NULL if out of range. */
XPL_API const char *xpl_model_feature_name(const xpl_model *m, size_t i);
/** All n_features names (borrowed array). */
XPL_API const char *const *xpl_model_feature_names(const xpl_model *m);
XPL_API xpl_link xpl_model_link(const xpl_model *m);

/** Descriptive key/value properties of the model ("coefficients" = "30", ...)
 *  for `explain info`: their number, and entry i (borrowed strings). */
XPL_API size_t xpl_model_n_properties(const xpl_model *m);
XPL_API int xpl_model_property(const xpl_model *m, size_t i, const char **key,
                               const char **value);

/** The embedded background sample (columns in feature order, possibly
 *  weighted), or NULL. Borrowed. */
XPL_API const xpl_dataset *xpl_model_background(const xpl_model *m);
/** The embedded training statistics, or NULL. Borrowed. */
XPL_API const xpl_stats *xpl_model_stats(const xpl_model *m);

/** Embed a copy of a background sample. Its columns must be the model's
 *  features in order (XPL_ESHAPE otherwise; select them when reading with
 *  xpl_csv_options.columns). Not thread-safe: call before sharing. */
XPL_API int xpl_model_set_background(xpl_model *m, const xpl_dataset *bg);
/** Embed a copy of training statistics (one entry per model feature). Not
 *  thread-safe: call before sharing. */
XPL_API int xpl_model_set_stats(xpl_model *m, const xpl_stats *s);

/* ------------------------------------------------------ category names */

/* A categorical feature's values are category codes 0, 1, 2, ...; a model
 * may know their names: LightGBM's pandas_categorical and XGBoost 3.1+'s
 * stored encodings are read with the model, and xpl_model_set_categories
 * or xpl_model_read_categories add them (model.bin keeps them). Rows may
 * then give a name where a code is expected (xpl_csv_options.categories),
 * and explanations show the name with the code (xpl_explanation
 * .value_names). */

/** Number of named categories of feature j (0: none, or j out of
 *  range). */
XPL_API size_t xpl_model_n_categories(const xpl_model *m, size_t j);

/** The names of feature j's categories in code order, n_categories of them
 *  (borrowed), or NULL when it has none. */
XPL_API const char *const *xpl_model_category_names(const xpl_model *m,
                                                    size_t j);

/**
 * The code of category `name` of feature j.
 * @param[out] code  the code (0 .. n_categories - 1)
 * @return XPL_OK; XPL_EINVAL (NULL argument, j out of range, the feature
 *         has no names, or no category has this name: the message lists
 *         some of them).
 * Thread-safe.
 */
XPL_API int xpl_model_category_code(size_t *code, const xpl_model *m,
                                    size_t j, const char *name);

/** 1 if feature j is categorical: some split of the model tests it as a
 *  set of categories, or its categories have names. 0 otherwise. */
XPL_API int xpl_model_feature_is_categorical(const xpl_model *m, size_t j);

/**
 * Name feature j's categories: names[c] is code c's name. n == 0 removes
 * them. Names are non-empty UTF-8 of at most XPL_MAX_NAME_LENGTH bytes,
 * no two alike; n <= XPL_MAX_CATEGORIES. Copied.
 * @return XPL_OK; XPL_EINVAL, XPL_ELIMIT, XPL_ENOMEM (the model is then
 *         unchanged). Not thread-safe: call before sharing the model.
 */
XPL_API int xpl_model_set_categories(xpl_model *m, size_t j,
                                     const char *const *names, size_t n);

/**
 * Read category names from a JSON file (`explain convert --categories`):
 * an object whose keys are feature names and whose values are arrays of
 * names in code order, {"colour": ["red", "green"], ...}. Every feature it
 * names gets its names (replacing any it had); the others keep theirs.
 * @return XPL_OK; XPL_EIO, XPL_EFORMAT ("path:line:col: ..." for bad JSON,
 *         an unknown feature, a name that is not a string, an empty,
 *         repeated or duplicate name), XPL_ELIMIT, XPL_ENOMEM; on failure
 *         the model is unchanged. Not thread-safe: call before sharing.
 */
XPL_API int xpl_model_read_categories(xpl_model *m, const char *path);

/* ------------------------------------------------------------- workspaces */

/** Per-thread scratch memory reused across calls. Not shareable. */
typedef struct xpl_workspace xpl_workspace;

XPL_API int xpl_workspace_new(xpl_workspace **out);
XPL_API void xpl_workspace_free(xpl_workspace *ws);

/* ------------------------------------------------------------- prediction */

/**
 * Predict a batch of rows.
 *
 * @param[in]  m       the model
 * @param[in]  ws      scratch owned by the calling thread, or NULL to
 *                     allocate temporary scratch for this call
 * @param[in]  x       n_rows * n_features values in feature order
 * @param[in]  n_rows  rows (0 is allowed and writes nothing)
 * @param[in]  kind    XPL_OUTPUT_RAW, _PROBABILITY or _RESPONSE
 * @param[out] out     n_rows * n_outputs values, row-major
 * @return XPL_OK; XPL_EINVAL (bad argument, or probability output for a model
 *         that is not a classifier), XPL_ENOMEM, XPL_EUSER.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_model_predict(const xpl_model *m, xpl_workspace *ws,
                              const double *x, size_t n_rows, xpl_output kind,
                              double *out);

#ifdef __cplusplus
}
#endif

/* The umbrella: the explainers' headers and the one explainer API. Each
 * includes this header first, outside its guard, so any include order
 * works. */
#include "kernel_shap.h"
#include "tree_shap.h"
#include "linear_shap.h"
#include "lime.h"
#include "render.h"
#include "explainer.h"

#endif /* XPLAIN_XPLAIN_H */
