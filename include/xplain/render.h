/*
 * xplain rendering: explanations as JSON Lines, CSV, text tables and SVG
 * charts, and global feature importance over many rows.
 *
 * Every renderer reads a borrowed view of one explanation (xpl_explanation):
 * it works with any explainer and copies nothing it keeps. Writers take a
 * FILE * and return XPL_OK, XPL_EINVAL (a NULL or inconsistent argument,
 * nothing written) or XPL_EIO (ferror() was set on the stream, checked after
 * writing). The bytes written depend only on the arguments: no locale, clock
 * or address leaks into them, so outputs can be compared with golden files.
 * Formats are documented in docs/output.md.
 *
 * Conventions are those of <xplain/xplain.h>, which this header includes.
 */
#include "xplain.h" /* first, outside the guard: the umbrella includes us */

#ifndef XPLAIN_RENDER_H
#define XPLAIN_RENDER_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ numbers */

/** Room for any string of xpl_format_double, its NUL included. */
#define XPL_DOUBLE_CHARS 32

/**
 * Write v as the JSON and CSV writers write numbers: the shortest decimal
 * that strtod reads back as exactly v (the closest such, ties to an even
 * digit), laid out as JavaScript's Number toString does ("17.99", "100",
 * "1e+21", "0.000001", "1e-7"), except that -0 is "-0". NaN is written
 * "nan" and the infinities "inf" and "-inf" (the JSON writer writes null,
 * the CSV writer an empty cell instead). The rule is in docs/output.md.
 *
 * @param[out] buf  at least XPL_DOUBLE_CHARS bytes; NUL-terminated
 * @return the length written, NUL excluded. Never fails; uses no locale
 *         and no state, so any thread may call it.
 */
XPL_API size_t xpl_format_double(char buf[XPL_DOUBLE_CHARS], double v);

/* ----------------------------------------------------------- the view */

/** One explained (row, output): every pointer is borrowed and only read
 *  during the call. Unused optional members are NULL (arrays) or NAN. */
typedef struct xpl_explanation {
    size_t row;                    /**< 0-based input row */
    size_t output;                 /**< model output (class) explained */
    size_t n_outputs;              /**< outputs of the model (text shows
                                        "output k" when > 1) */
    const char *method;            /**< "kernel-shap", "tree-shap",
                                        "linear-shap", "lime" */
    size_t n_features;
    const char *const *names;      /**< n_features feature names (UTF-8) */
    const double *values;          /**< n_features inputs, NaN = missing */
    const double *contributions;   /**< n_features */
    const double *std_errors;      /**< n_features, or NULL (exact methods) */
    double base_value;             /**< expected output; for LIME the
                                        intercept */
    double prediction;             /**< the model's output for the row */
    /* LIME only (method "lime"): NULL / NAN otherwise */
    const char *const *conditions; /**< n_features labels ("age <= 30.00")
                                        or NULL */
    const unsigned char *selected; /**< n_features 0/1 or NULL */
    double intercept, score, local_prediction;
    /** SHAP interaction values, (n_features+1)^2 row-major, index
     *  n_features = bias, or NULL */
    const double *interactions;
    /** n_features category names of the values (the model's name of a
     *  categorical feature's code, NULL for other features and for codes
     *  without a name), or NULL when none has one. Writers show the name
     *  in place of the code (JSON: "value" as a string). */
    const char *const *value_names;
} xpl_explanation;

/* ------------------------------------------------------------ options */

/** Chart kinds for the SVG renderers. Per-row charts (xpl_render_svg_*):
 *  bar, waterfall, force. Charts over many rows (xpl_importance_render_svg):
 *  bar, beeswarm, stacked, dependence, decision, heatmap, force (stacked
 *  force plots, one column per sampled row). */
typedef enum xpl_chart {
    XPL_CHART_BAR = 0,       /**< horizontal bars, sorted (default) */
    XPL_CHART_WATERFALL = 1, /**< per row: path from base value to prediction */
    XPL_CHART_BEESWARM = 2,  /**< importance: one dot per row and feature */
    XPL_CHART_FORCE = 3,     /**< shap's force plot: per row, pushes up and
                                  down along one axis from the base value
                                  to the prediction; over rows, one
                                  column per row ordered by similarity */
    XPL_CHART_DECISION = 4,  /**< importance: shap's decision plot, one line
                                  per row through the cumulative sums */
    XPL_CHART_HEATMAP = 5,   /**< importance: rows x features coloured by
                                  contribution, the output on top */
    XPL_CHART_DEPENDENCE = 6,/**< importance: a feature's value against its
                                  contribution (opts.feature), coloured by
                                  another feature (opts.color_by) */
    XPL_CHART_STACKED = 7,   /**< importance: one bar per feature, stacked
                                  over the outputs (classes) */
    XPL_CHART_COEFFICIENTS = 8, /**< a linear model's coefficients, one
                                  chart per output (xpl_model_render_svg) */
    XPL_CHART_TREE = 9,      /**< one tree of a tree model (opts.tree),
                                  drawn as an indented outline */
    XPL_CHART_INTERACTIONS = 10 /**< importance of explanations with SHAP
                                  interaction values: the matrix of mean
                                  |interaction value| per feature pair */
} xpl_chart;

/** Options of the text and SVG renderers. Initialise with
 *  XPL_RENDER_OPTIONS_INIT and change what you need. */
typedef struct xpl_render_options {
    unsigned version;  /**< XPL_RENDER_OPTIONS_VERSION */
    /** Features shown, largest |contribution| first; the rest are summed
     *  into one "other N features" line. 0 (default) shows all. A single
     *  leftover feature is shown itself rather than as "other 1 feature". */
    size_t top_k;
    int color;         /**< text: 1 = ANSI colours (default 0). The caller
                            decides, e.g. isatty() and no NO_COLOR. */
    xpl_chart chart;   /**< SVG chart kind (default XPL_CHART_BAR) */
    const char *title; /**< SVG title (UTF-8), or NULL for a generated one */
    /* version 2 */
    /** Names of the model's outputs (classes), n_output_names of them, or
     *  NULL: charts and tables then say "output k". Borrowed for the call
     *  (a document copies them). */
    const char *const *output_names;
    size_t n_output_names;
    /** Unit of base values, predictions and contributions, shown on every
     *  axis and table ("log-odds", "probability"...), or NULL for none. */
    const char *unit;
    /** XPL_CHART_DEPENDENCE: the feature on the x axis (its name). */
    const char *feature;
    /** XPL_CHART_DEPENDENCE: the feature whose value colours the dots:
     *  NULL (one colour), a name, or "auto" for the one that interacts
     *  most (shap's approximate_interactions heuristic over the sample). */
    const char *color_by;
    /** XPL_CHART_HEATMAP and XPL_CHART_FORCE over rows: 1 = rows ordered
     *  by their prediction, 0 (default) = by similarity of their
     *  contributions (rows explained alike side by side). */
    int order_by_output;
    /** XPL_CHART_TREE: which tree of the model (0-based). */
    size_t tree;
} xpl_render_options;

#define XPL_RENDER_OPTIONS_VERSION 2u
#define XPL_RENDER_OPTIONS_INIT \
    { XPL_RENDER_OPTIONS_VERSION, 0, 0, XPL_CHART_BAR, NULL, NULL, 0, NULL, \
      NULL, NULL, 0, 0 }

/* --------------------------------------------------- per-row renderers */

/**
 * Write one JSON Lines object (one line, ending in '\n'):
 * {"row","output","method","base_value","prediction",["intercept","score",
 * "local_prediction",]"features":[{"name","value","contribution",
 * ["std_error",]["condition",]["selected"]}...][,"interactions":[[...]]]}.
 * std_error only when std_errors != NULL; the LIME keys when method is
 * "lime"; condition / selected when their arrays are not NULL. Numbers are
 * as xpl_format_double writes them (shortest round-trip, '.' whatever the
 * locale); NaN and infinities are null. All features, in the model's order.
 */
XPL_API int xpl_render_json(FILE *fp, const xpl_explanation *e);

/**
 * Write a text table: features sorted by |contribution| (top_k, then
 * "other N features"), each with its value, contribution, standard error
 * (if any) and a proportional bar; then the base value, the prediction and
 * the sum check. For LIME, the selected features with their conditions, then
 * the intercept, local prediction, prediction and score. With opts->color,
 * ANSI colours (red positive, blue negative).
 *
 * @param[in] ws  scratch of the calling thread (sorting space), or NULL to
 *                allocate temporary memory for this call
 * @return XPL_OK, XPL_EINVAL, XPL_ENOMEM, XPL_EIO.
 */
XPL_API int xpl_render_text(FILE *fp, const xpl_explanation *e,
                            const xpl_render_options *opts,
                            xpl_workspace *ws);

/** CSV header: row,output,method,base_value,prediction, then one column per
 *  feature name (RFC 4180 quoting), '\n' line ends. */
XPL_API int xpl_render_csv_header(FILE *fp, const xpl_explanation *e);

/** One CSV line for e: the columns of xpl_render_csv_header, numbers as
 *  xpl_format_double writes them, non-finite numbers as empty cells. */
XPL_API int xpl_render_csv_row(FILE *fp, const xpl_explanation *e);

/* ----------------------------------------------------------------- SVG */

/** An SVG document being assembled: charts are stacked top to bottom and
 *  the file is written by xpl_render_svg_end (the total height goes first,
 *  so the charts are held in memory until then). One thread at a time. */
typedef struct xpl_svg xpl_svg;

/** Start a document. opts (copied; NULL for defaults) sets the chart kind,
 *  top_k and the document title. XPL_EINVAL for a bad version or a chart
 *  kind other than bar or waterfall. */
XPL_API int xpl_render_svg_begin(xpl_svg **out,
                                 const xpl_render_options *opts);

/** Append the chart of one explanation (bar: sorted contributions labelled
 *  "feature = value"; waterfall: the path from the base value to the
 *  prediction). XPL_EINVAL, XPL_ENOMEM. */
XPL_API int xpl_render_svg_chart(xpl_svg *svg, const xpl_explanation *e);

/** As xpl_render_svg_chart, with `title` (UTF-8; NULL: the document's) as
 *  this chart's heading; the subtitle then says which row it is. For
 *  charts named by the row's identifiers. */
XPL_API int xpl_render_svg_chart_titled(xpl_svg *svg, const xpl_explanation *e,
                                        const char *title);

/** Write the document (standalone SVG 1.1) to fp. May be called more than
 *  once. XPL_EINVAL if no chart was added, XPL_EIO. */
XPL_API int xpl_render_svg_end(const xpl_svg *svg, FILE *fp);

/** Release a document. NULL-safe. */
XPL_API void xpl_render_svg_free(xpl_svg *svg);

/** Convenience: a document of the n explanations e[0..n-1] (one chart
 *  each), written to fp. */
XPL_API int xpl_render_svg(FILE *fp, const xpl_explanation *e, size_t n,
                           const xpl_render_options *opts);

/* ------------------------------------------------------ model pictures */

/**
 * A picture of the model itself (opts->chart): XPL_CHART_COEFFICIENTS
 * draws a linear model's coefficients, one chart per output, largest
 * |coefficient| first (top_k, the rest summed as "other N features"),
 * red for positive and blue for negative, with the intercept and the link
 * in the subtitle. Coefficients are per unit of each feature, so compare
 * them only across features on the same scale. XPL_CHART_TREE draws tree
 * opts->tree of a tree model as an outline, one node per line, children
 * indented under their split ("feature <= threshold", where missing values
 * go, the cover) and leaves with their values, red raising and blue
 * lowering the output: legible at any depth, 18 px per node.
 *
 * @return XPL_OK; XPL_EINVAL (NULL argument, another chart kind, a tree
 *         index past the last); XPL_EUNSUPPORTED (not a linear model, not
 *         a tree model); XPL_ENOMEM; XPL_EIO.
 */
XPL_API int xpl_model_render_svg(FILE *fp, const xpl_model *m,
                                 const xpl_render_options *opts);

/* ------------------------------------------------------------- memory */

/** Formats of xpl_render_memory. Values are stable and append-only. */
typedef enum xpl_format {
    XPL_FORMAT_JSON = 0, /**< JSON Lines: one line per explanation */
    XPL_FORMAT_TEXT = 1, /**< one text table per explanation */
    XPL_FORMAT_CSV = 2,  /**< the header (from e[0]), then one line each */
    XPL_FORMAT_SVG = 3   /**< one SVG document, one chart per explanation */
} xpl_format;

/**
 * Render n explanations into memory, as the FILE * writers above would
 * write them (the same bytes): for services that build responses in
 * buffers. No temporary file, no open_memstream needed by the caller.
 *
 * @param[out] out     the bytes, NUL-terminated (not counted in *size);
 *                     free with xpl_free. NULL on failure.
 * @param[out] size    their number (may be NULL)
 * @param[in]  format  one of xpl_format
 * @param[in]  e       n explanations (n >= 1)
 * @param[in]  opts    text and SVG options, or NULL for the defaults
 * @param[in]  ws      scratch of the calling thread (text), or NULL
 * @return XPL_OK; XPL_EINVAL (NULL argument, n == 0, unknown format, an
 *         explanation a renderer refuses), XPL_ENOMEM.
 * Thread-safe (distinct workspaces).
 */
XPL_API int xpl_render_memory(char **out, size_t *size, xpl_format format,
                              const xpl_explanation *e, size_t n,
                              const xpl_render_options *opts,
                              xpl_workspace *ws);

/**
 * A growable byte buffer that xpl_render_append and xpl_bytes_append add
 * to: start from a zeroed one; `data` holds `len` bytes (not
 * NUL-terminated) in `cap` bytes of heap memory owned by the caller. Set
 * len to 0 to reuse the memory (rendering batch after batch allocates
 * nothing once it is large enough); release with xpl_bytes_free (or, when
 * `data` is handed on, with xpl_free).
 */
typedef struct xpl_bytes {
    char *data;
    size_t len;
    size_t cap;
} xpl_bytes;

/**
 * Append one explanation as the FILE * writer of `format` writes it:
 * XPL_FORMAT_JSON its line, XPL_FORMAT_TEXT its table, XPL_FORMAT_CSV its
 * row line (the header is xpl_render_csv_header's). No stdio and no
 * printf: the fast path for services and batch writers that assemble
 * output in memory.
 *
 * @param[in,out] out  the buffer; on failure len and the bytes before it
 *                     are unchanged (data and cap may have changed)
 * @return XPL_OK; XPL_EINVAL (out NULL, an explanation a renderer refuses,
 *         XPL_FORMAT_SVG or an unknown format); XPL_ENOMEM.
 * Thread-safe for distinct buffers and workspaces.
 */
XPL_API int xpl_render_append(xpl_bytes *out, xpl_format format,
                              const xpl_explanation *e,
                              const xpl_render_options *opts,
                              xpl_workspace *ws);

/** Append n bytes at p (the caller's own text between rendered pieces).
 *  XPL_OK; XPL_EINVAL (out NULL, p NULL with n > 0); XPL_ENOMEM (len
 *  unchanged). */
XPL_API int xpl_bytes_append(xpl_bytes *out, const void *p, size_t n);

/** Free the memory and zero the struct; NULL-safe. */
XPL_API void xpl_bytes_free(xpl_bytes *b);

/* ------------------------------------------------------- PNG and PDF */

/** Raster and print formats of xpl_render_convert. */
typedef enum xpl_raster_format {
    XPL_RASTER_PNG = 0, /**< PNG, `scale` pixels per SVG pixel */
    XPL_RASTER_PDF = 1  /**< PDF, one page the size of the drawing (an SVG
                             pixel is 0.75 pt, CSS's 96 per inch) */
} xpl_raster_format;

/** 1 if this build converts to PNG and PDF, else 0 with the reason in
 *  xpl_last_error(): built without librsvg and cairo, or librsvg cannot be
 *  loaded. librsvg and cairo are opened on the first call of this or
 *  xpl_render_convert, not when libxplain is loaded (they bring some sixty
 *  shared libraries that other uses do not need). */
XPL_API int xpl_render_convert_available(void);

/**
 * Draw an SVG document (len bytes, as written by the SVG renderers) as PNG
 * or PDF to fp, with librsvg and cairo. PDF metadata carries no date, so
 * the same SVG gives the same bytes.
 *
 * @param[in] scale  PNG: pixels per SVG pixel (0 for 2, sharp on slides);
 *                   1 to 8; ignored for PDF
 * @return XPL_OK; XPL_EINVAL (NULL argument, bad format or scale);
 *         XPL_EFORMAT (librsvg cannot read the SVG); XPL_ELIMIT (a PNG
 *         over 32767 pixels a side, cairo's limit); XPL_EIO (write
 *         error); XPL_ENOMEM; XPL_EUNSUPPORTED (built without them, or
 *         librsvg cannot be loaded).
 *         Thread-safe for distinct streams.
 */
XPL_API int xpl_render_convert(FILE *fp, const char *svg, size_t len,
                               xpl_raster_format format, double scale);

/* --------------------------------------------------- global importance */

/** Accumulates explanations of many rows: per output and feature, the mean
 *  |contribution| and mean contribution over all rows added (non-finite
 *  contributions skipped), and for the beeswarm a uniform sample of at most
 *  XPL_IMPORTANCE_SAMPLE_ROWS rows (values and contributions as float),
 *  chosen by a reservoir with a fixed seed: the same rows added in the same
 *  order give the same sample. Memory is bounded whatever the row count. */
typedef struct xpl_importance xpl_importance;

#define XPL_IMPORTANCE_SAMPLE_ROWS ((size_t)2000)

/** New accumulator for a model with n_features features (names copied) and
 *  n_outputs outputs. XPL_EINVAL, XPL_ELIMIT, XPL_ENOMEM. */
XPL_API int xpl_importance_new(xpl_importance **out, size_t n_features,
                               size_t n_outputs, const char *const *names);

/** Release an accumulator. NULL-safe. */
XPL_API void xpl_importance_free(xpl_importance *imp);

/** Add one explanation. XPL_EINVAL if e->n_features or e->output does not
 *  match; XPL_ENOMEM (the sample grows on demand). Not thread-safe: add
 *  from one thread, in input order, for deterministic samples. */
XPL_API int xpl_importance_add(xpl_importance *imp, const xpl_explanation *e);

/** Rows added for `output` (0 if out of range). */
XPL_API uint64_t xpl_importance_n_rows(const xpl_importance *imp,
                                       size_t output);

/** Mean |contribution| (mean_abs) and mean contribution (mean, or NULL) of
 *  every feature for `output`, n_features values each, model order. NaN
 *  for a feature with no finite contribution. XPL_EINVAL. */
XPL_API int xpl_importance_values(const xpl_importance *imp, size_t output,
                                  double *mean_abs, double *mean);

/** Mean |SHAP interaction value| of every pair of features for `output`
 *  over the explanations added with interaction values (TreeSHAP with
 *  interactions): n_features x n_features, row-major, model order; the
 *  diagonal holds the main effects, as in shap_interaction_values. NaN
 *  for a pair with no finite value. XPL_EINVAL when no explanation of that
 *  output carried interaction values. */
XPL_API int xpl_importance_interactions(const xpl_importance *imp,
                                        size_t output, double *mean_abs);

/** Text: per output, features sorted by mean |contribution| (top_k, then
 *  "other N features"), with a bar each. XPL_EINVAL, XPL_ENOMEM, XPL_EIO. */
XPL_API int xpl_importance_render_text(FILE *fp, const xpl_importance *imp,
                                       const xpl_render_options *opts);

/** JSON Lines, one object per output: {"output","method","rows",
 *  "features":[{"name","mean_abs_contribution","mean_contribution"}...]}
 *  in model order. */
XPL_API int xpl_importance_render_json(FILE *fp, const xpl_importance *imp);

/** CSV: header output,feature,rows,mean_abs_contribution,mean_contribution,
 *  then one line per (output, feature) in model order. */
XPL_API int xpl_importance_render_csv(FILE *fp, const xpl_importance *imp);

/** SVG, one chart per output stacked in one document: XPL_CHART_BAR (mean
 *  |contribution|, sorted) or XPL_CHART_BEESWARM (shap's summary plot over
 *  the sampled rows: x = contribution, colour = feature value from low
 *  (blue) to high (red), dots piled up where they are dense). XPL_EINVAL
 *  (waterfall, no rows added), XPL_ENOMEM, XPL_EIO. */
XPL_API int xpl_importance_render_svg(FILE *fp, const xpl_importance *imp,
                                      const xpl_render_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* XPLAIN_RENDER_H */
