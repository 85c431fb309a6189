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
} xpl_csv_options;

/** Version 1 options (without file_columns and text_columns) are still
 *  accepted. */
#define XPL_CSV_OPTIONS_VERSION 2u
#define XPL_CSV_OPTIONS_INIT \
    { XPL_CSV_OPTIONS_VERSION, 1, ',', NULL, 0, NULL, 0, NULL, 0 }

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
    XPL_LINK_LOG = 3       /**< counts / positive responses: exp(raw) */
} xpl_link;

/** Which output predictions and explanations are in. */
typedef enum xpl_output {
    XPL_OUTPUT_RAW = 0,         /**< margins, before the link */
    XPL_OUTPUT_PROBABILITY = 1, /**< class probabilities: needs a classifier
                                     (logit or softmax link, or a forest
                                     whose raw outputs are probabilities) */
    XPL_OUTPUT_RESPONSE = 2     /**< after the link, whatever it is: what the
                                     training library's predict() returns,
                                     e.g. exp(margin) for Poisson models */
} xpl_output;

/** 1 if XPL_OUTPUT_PROBABILITY is meaningful for the model (a classifier). */
XPL_API int xpl_model_is_classifier(const xpl_model *m);

/** "identity", "logit", "softmax", "log", or "unknown". */
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

/* ------------------------------------------------------------ Kernel SHAP */

/**
 * Kernel SHAP: model-agnostic Shapley values of one model output over a
 * weighted background sample (the interventional value function of shap's
 * KernelExplainer):
 *
 *     v(S) = link( sum_b w_b f(x_S, b_notS) ),
 *
 * where x_S takes the explained row's values on the features of S and the
 * background row b's values elsewhere. The contributions phi_j of a row sum
 * to link(f(x)) - link(E_bg f) exactly (to rounding): efficiency is imposed,
 * not estimated.
 *
 * Only features that vary take part: feature j is a player if x_j differs
 * from the value of at least one background row (exact comparison; NaN
 * equals NaN). The others get exactly 0. With M players the evaluation
 * budget (nsamples coalitions, default 2M + 2048 like shap) is compared with
 * the 2^M - 2 proper coalitions: if it covers them all, the explainer
 * enumerates every coalition and returns the exact Shapley values (std
 * errors 0). Otherwise it samples coalitions and solves the Kernel SHAP
 * weighted least-squares problem under the efficiency constraint; see
 * xpl_ks_sampler and docs/kernel-shap.md. Every coalition costs one model
 * row per background row; rows are built and predicted in bounded blocks.
 *
 * An explainer is immutable once built and may be shared by any number of
 * threads, each with its own xpl_workspace. A row's result depends only on
 * the explainer, the row, the options' seed and the row_index passed to
 * xpl_kernel_shap_explain: not on other rows, their order or thread count.
 */
typedef struct xpl_kernel_shap xpl_kernel_shap;

/** Optional L1 feature selection before the regression (as shap's l1_reg),
 *  applied only when coalitions are sampled or when it is asked for
 *  explicitly with full enumeration. Features left out get 0; efficiency
 *  still holds over the selected ones. See docs/kernel-shap.md. */
typedef enum xpl_l1_reg {
    XPL_L1_NONE = 0,  /**< no selection (default; shap's l1_reg=False) */
    XPL_L1_AIC = 1,   /**< LARS-lasso path, minimum AIC (shap's "aic") */
    XPL_L1_BIC = 2,   /**< LARS-lasso path, minimum BIC (shap's "bic") */
    XPL_L1_TOP_K = 3  /**< the first l1_top_k features to enter the LARS
                           path (shap's "num_features(k)") */
} xpl_l1_reg;

/** How coalitions are chosen when they cannot all be enumerated. */
typedef enum xpl_ks_sampler {
    /** Default: coalition sizes stratified in pairs (s, M - s), every
     *  stratum that the budget covers enumerated, the rest sampled with
     *  equal budget per size (the leverage scores of the regression) as
     *  complementary pairs without replacement, then a cross-fitted
     *  regression adjustment: a small boosted-tree surrogate of the
     *  regression residuals whose Shapley values are exact, and Kernel SHAP
     *  on what it leaves. Exactly efficient; about half shap's error at
     *  equal budget (docs/kernel-shap.md). */
    XPL_KS_SAMPLER_XPLAIN = 0,
    /** shap's KernelExplainer scheme, for comparison: sizes enumerated while
     *  the kernel's share of the budget covers them, the rest drawn with
     *  replacement from the Shapley kernel with paired complements and
     *  duplicates merged into weights. */
    XPL_KS_SAMPLER_SHAP = 1,
    /** XPL_KS_SAMPLER_XPLAIN without the regression adjustment: plain
     *  Kernel SHAP on the stratified leverage sample (lowest overhead). */
    XPL_KS_SAMPLER_LEVERAGE = 2
} xpl_ks_sampler;

/** Options of a Kernel SHAP explainer. Initialise with
 *  XPL_KERNEL_SHAP_OPTIONS_INIT and change what you need. */
typedef struct xpl_kernel_shap_options {
    unsigned version;         /**< XPL_KERNEL_SHAP_OPTIONS_VERSION */
    /** Coalitions to evaluate per row: 0 (default) means 2M + 2048 for a
     *  row with M players, like shap; otherwise at least 2. Capped at
     *  2^M - 2, where the result is exact. */
    size_t nsamples;
    /** Which model output is explained: XPL_OUTPUT_RAW (default: margins),
     *  XPL_OUTPUT_PROBABILITY (classifiers) or XPL_OUTPUT_RESPONSE. */
    xpl_output model_output;
    /** Link applied to expected outputs (shap's link): XPL_LINK_IDENTITY
     *  (default) or XPL_LINK_LOGIT, log(p / (1 - p)) with p clipped to
     *  [1e-15, 1 - 1e-15]; the logit link needs probabilities (probability
     *  output, the response of a logit or softmax model, or a forest whose
     *  raw outputs are probabilities). */
    xpl_link link;
    uint64_t seed;            /**< seed of every row's generator (default 0) */
    /** Early stopping: when > 0, nsamples is a maximum; sampled
     *  coalitions are evaluated in growing batches and sampling stops once,
     *  for every output, max_j std_error_j / (max_j phi_j - min_j phi_j)
     *  <= tolerance (R's kernelshap uses 0.005). Only the sizes that a
     *  budget of min(nsamples, 2M + 2048) enumerates are enumerated; the
     *  rest is sampled. 0 (default) spends the whole budget. */
    double tolerance;
    xpl_l1_reg l1_reg;        /**< default XPL_L1_NONE */
    size_t l1_top_k;          /**< features kept by XPL_L1_TOP_K (>= 1) */
    xpl_ks_sampler sampler;   /**< default XPL_KS_SAMPLER_XPLAIN */
} xpl_kernel_shap_options;

#define XPL_KERNEL_SHAP_OPTIONS_VERSION 1u
#define XPL_KERNEL_SHAP_OPTIONS_INIT                                         \
    { XPL_KERNEL_SHAP_OPTIONS_VERSION, 0, XPL_OUTPUT_RAW, XPL_LINK_IDENTITY, \
      0, 0.0, XPL_L1_NONE, 0, XPL_KS_SAMPLER_XPLAIN }

/** Rows with more players (varying features) than this are rejected with
 *  XPL_ELIMIT: the regression needs M x M matrices. */
#define XPL_KERNEL_SHAP_MAX_PLAYERS ((size_t)2048)
/** Largest accepted nsamples (XPL_ELIMIT beyond). */
#define XPL_KERNEL_SHAP_MAX_SAMPLES ((size_t)1 << 30)

/**
 * Build a Kernel SHAP explainer.
 *
 * Predicts the background once to compute the base values. The background
 * is copied; the model is borrowed and must outlive the explainer.
 *
 * @param[out] out         the explainer
 * @param[in]  m           the model
 * @param[in]  background  rows whose columns are the model's features in
 *                         order (names checked), at least one row, with
 *                         optional weights (normalised to sum 1; NULL
 *                         weights mean uniform); NULL uses the background
 *                         embedded in the model
 * @param[in]  opts        options, or NULL for the defaults
 * @return XPL_OK; XPL_EINVAL (NULL model, no background given or embedded,
 *         empty background, weights summing to 0, bad option: version,
 *         nsamples 1, unknown output, link, sampler or l1_reg, top-k of 0,
 *         negative or NaN tolerance, probability output or logit link on a
 *         model without probabilities), XPL_ESHAPE (background columns are
 *         not the model's features), XPL_ELIMIT (nsamples too large),
 *         XPL_ENUMERIC (the model's expected output is not finite),
 *         XPL_ENOMEM, XPL_EUSER (a wrapped model's callback failed).
 */
XPL_API int xpl_kernel_shap_new(xpl_kernel_shap **out, const xpl_model *m,
                                const xpl_dataset *background,
                                const xpl_kernel_shap_options *opts);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_kernel_shap_free(xpl_kernel_shap *ks);

/** Outputs explained: the model's n_outputs. */
XPL_API size_t xpl_kernel_shap_n_outputs(const xpl_kernel_shap *ks);

/** Features of the model (the length of x and of each contribution row). */
XPL_API size_t xpl_kernel_shap_n_features(const xpl_kernel_shap *ks);

/** Base values, n_outputs values (borrowed): link(sum_b w_b f(b)), the
 *  link applied to the background's expected output. */
XPL_API const double *xpl_kernel_shap_base_values(const xpl_kernel_shap *ks);

/**
 * Explain one row.
 *
 * @param[in]  ks          the explainer (shared, read only)
 * @param[in]  ws          scratch owned by the calling thread, or NULL to
 *                         allocate temporary scratch for this call; its
 *                         memory grows to about nsamples * (n_outputs + 1)
 *                         doubles plus one block of model rows
 * @param[in]  x           n_features values in feature order (NaN missing)
 * @param[in]  row_index   seeds the row's generator together with the
 *                         options' seed: pass the row's position in the
 *                         input so that results do not depend on how rows
 *                         are split between threads or calls
 * @param[out] contrib     n_outputs * n_features contributions, one row per
 *                         output; they sum (per output) to
 *                         prediction - base value
 * @param[out] std_error   same shape: standard errors of the estimates (0
 *                         when exact or for features that do not take
 *                         part), or NULL
 * @param[out] prediction  n_outputs values link(f(x)), or NULL
 * @param[out] n_evals     model rows evaluated for this row (1 + coalitions
 *                         x background rows), or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument), XPL_ELIMIT (more than
 *         XPL_KERNEL_SHAP_MAX_PLAYERS players), XPL_ENUMERIC (the model
 *         returned a non-finite value, or the regression failed),
 *         XPL_ENOMEM, XPL_EUSER. Outputs are untouched on failure.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_kernel_shap_explain(const xpl_kernel_shap *ks,
                                    xpl_workspace *ws, const double *x,
                                    uint64_t row_index, double *contrib,
                                    double *std_error, double *prediction,
                                    size_t *n_evals);

/* --------------------------------------------------------------- TreeSHAP */

/**
 * Exact SHAP values of a tree ensemble's raw output (margins), in time
 * polynomial in the trees' size:
 *
 *  - path-dependent (no background): the Shapley values of
 *    v(S) = E[f(X) | X_S = x_S] where the expectation follows the training
 *    data's path through each tree (node covers), as XGBoost's pred_contribs
 *    and shap's TreeExplainer(feature_perturbation="tree_path_dependent");
 *  - interventional (with a background): the Shapley values of
 *    v(S) = sum_b w_b f(x_S, b_notS), the same game Kernel SHAP estimates,
 *    computed exactly. Building summarises the background per tree in
 *    tables (at most 256 MiB in all) wherever that is cheaper than walking
 *    every (row, background row) pair, so a row's cost mostly does not grow
 *    with the background's size (docs/tree-shap-interventional.md).
 *
 * Contributions sum to the raw prediction minus the base value. Immutable
 * once built; share it between threads, one xpl_workspace each.
 */
typedef struct xpl_tree_shap xpl_tree_shap;

/**
 * Build a TreeSHAP explainer.
 * @param[out] out         the explainer
 * @param[in]  m           a tree-ensemble model (borrowed: must outlive the
 *                         explainer)
 * @param[in]  background  NULL for path-dependent TreeSHAP; else rows whose
 *                         columns are the model's features in order, with
 *                         optional weights (copied), for interventional
 *                         TreeSHAP
 * @return XPL_OK; XPL_EINVAL (NULL argument, empty background, weights
 *         summing to 0), XPL_EUNSUPPORTED (not a tree ensemble),
 *         XPL_ESHAPE (background columns), XPL_ENOMEM.
 */
XPL_API int xpl_tree_shap_new(xpl_tree_shap **out, const xpl_model *m,
                              const xpl_dataset *background);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_tree_shap_free(xpl_tree_shap *ts);

XPL_API size_t xpl_tree_shap_n_outputs(const xpl_tree_shap *ts);
XPL_API size_t xpl_tree_shap_n_features(const xpl_tree_shap *ts);
/** 1 if built with a background (interventional), else 0. */
XPL_API int xpl_tree_shap_is_interventional(const xpl_tree_shap *ts);
/** Base values, n_outputs raw values (borrowed): the expected raw output
 *  under the covers (path-dependent) or over the background. */
XPL_API const double *xpl_tree_shap_base_values(const xpl_tree_shap *ts);

/**
 * Explain one row.
 * @param[in]  ts          the explainer
 * @param[in]  ws          scratch of the calling thread, or NULL
 * @param[in]  x           n_features values (NaN missing)
 * @param[out] contrib     n_outputs * n_features contributions, one row per
 *                         output (NaN for an output whose trees cannot route
 *                         a missing value of x)
 * @param[out] prediction  n_outputs raw predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument), XPL_ENOMEM.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_tree_shap_explain(const xpl_tree_shap *ts, xpl_workspace *ws,
                                  const double *x, double *contrib,
                                  double *prediction);

/**
 * SHAP interaction values of one row (path-dependent explainers only), as
 * XGBoost's pred_interactions and shap's
 * TreeExplainer.shap_interaction_values: per output an (M+1) x (M+1)
 * matrix, M = n_features, row-major. For i != j < M, entry (i, j) is half
 * the change of feature j's SHAP value when feature i is held present
 * instead of absent (the Shapley interaction index split evenly between
 * (i, j) and (j, i), so the matrix is symmetric); entry (i, i) is the SHAP
 * value of i minus the rest of row i, so row i sums to the SHAP value of
 * i; entry (M, M) is the base value and the rest of row and column M is 0.
 * All entries sum to the raw prediction. Cost: about twice the SHAP values
 * per feature that each tree splits on (features no tree uses are free).
 * @param[in]  ts            a path-dependent explainer (no background)
 * @param[in]  ws            scratch of the calling thread, or NULL
 * @param[in]  x             n_features values (NaN missing)
 * @param[out] interactions  n_outputs * (M+1) * (M+1) values, one matrix
 *                           per output (NaN as for xpl_tree_shap_explain)
 * @param[out] prediction    n_outputs raw predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument), XPL_EUNSUPPORTED (an
 *         interventional explainer), XPL_ENOMEM.
 * Thread-safe for distinct workspaces.
 */
XPL_API int xpl_tree_shap_interactions(const xpl_tree_shap *ts,
                                       xpl_workspace *ws, const double *x,
                                       double *interactions,
                                       double *prediction);

/* ------------------------------------------------------------ Linear SHAP */

/**
 * Exact SHAP values of a linear model's raw output (margins) with
 * independent features, as shap's LinearExplainer: the contribution of
 * feature k to output o is w_ok (x_k - E[x_k]), where E is the weighted
 * mean over a background. They sum to the raw prediction minus the base
 * value b_o + w_o . E[x] exactly (to rounding). A missing input gets a NaN
 * contribution and a NaN prediction.
 *
 * Probabilities are not linear in x: explain them with Kernel SHAP (exact
 * when the budget covers every coalition). Immutable once built; share it
 * between threads (explaining needs no scratch).
 */
typedef struct xpl_linear_shap xpl_linear_shap;

/**
 * Build a linear SHAP explainer.
 * @param[out] out         the explainer
 * @param[in]  m           a linear model (borrowed: must outlive it)
 * @param[in]  background  rows whose columns are the model's features in
 *                         order, optionally weighted, none missing; NULL
 *                         uses the model's embedded background, else its
 *                         embedded statistics (the feature means)
 * @return XPL_OK; XPL_EINVAL (NULL argument, no background given or
 *         embedded, empty background, weights summing to 0),
 *         XPL_EUNSUPPORTED (not a linear model), XPL_ESHAPE (background
 *         columns), XPL_ENUMERIC (a missing or non-finite background
 *         value), XPL_ENOMEM.
 */
XPL_API int xpl_linear_shap_new(xpl_linear_shap **out, const xpl_model *m,
                                const xpl_dataset *background);

/** Release an explainer. NULL-safe. */
XPL_API void xpl_linear_shap_free(xpl_linear_shap *ls);

XPL_API size_t xpl_linear_shap_n_outputs(const xpl_linear_shap *ls);
XPL_API size_t xpl_linear_shap_n_features(const xpl_linear_shap *ls);
/** Base values, n_outputs raw values (borrowed): the expected raw output
 *  b_o + w_o . E[x]. */
XPL_API const double *xpl_linear_shap_base_values(const xpl_linear_shap *ls);
/** The background means E[x_k], n_features values (borrowed). */
XPL_API const double *xpl_linear_shap_means(const xpl_linear_shap *ls);

/**
 * Explain one row.
 * @param[in]  ls          the explainer
 * @param[in]  x           n_features values (NaN missing)
 * @param[out] contrib     n_outputs * n_features contributions, one row per
 *                         output
 * @param[out] prediction  n_outputs raw predictions, or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument). Thread-safe.
 */
XPL_API int xpl_linear_shap_explain(const xpl_linear_shap *ls,
                                    const double *x, double *contrib,
                                    double *prediction);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_XPLAIN_H */
