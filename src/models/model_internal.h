/* The model object shared by every adapter, loader and explainer. */
#ifndef XPL_MODELS_MODEL_INTERNAL_H
#define XPL_MODELS_MODEL_INTERNAL_H

#include <xplain/adapter.h>
#include <xplain/xplain.h>

/* Which built-in family a model belongs to: decides how model.bin stores it.
 * Values are written to files: append only. */
enum xpl__model_family {
    XPL__FAMILY_CUSTOM = 0, /* wrapped user callback: not serialisable */
    XPL__FAMILY_LINEAR = 1,
    XPL__FAMILY_TREES = 2,
    XPL__FAMILY_LINEAR_TREES = 3 /* LightGBM linear trees: predictions only
                                    (no model.bin form yet) */
};

struct xpl_model {
    const xpl_adapter *ops;
    void *state;             /* owned; released with ops->destroy */
    int family;              /* enum xpl__model_family */
    double row_cost;         /* xpl__model_row_cost; set by the family */
    size_t n_features;
    size_t n_outputs;
    char **feature_names;    /* n_features owned strings */
    xpl_link link;
    int raw_is_probability;  /* raw outputs are already probabilities */
    double link_scale;       /* raw outputs are multiplied by it before the
                                link (LightGBM's sigmoid:k); 1 usually */
    size_t n_props;
    char **prop_keys;        /* n_props owned strings */
    char **prop_values;
    xpl_dataset *background; /* owned, or NULL */
    xpl_stats *stats;        /* owned, or NULL */
    struct xpl__catnames **categories; /* n_features category names
                                          (NULL entries), or NULL */
};

/* ---- category names (categories.c, categories_json.c) */
struct xpl__catnames;
/* Release m's category names (xpl_model_free). */
void xpl__model_categories_free(xpl_model *m);
/* 1 if some feature has category names. */
int xpl__model_has_categories(const xpl_model *m);
/* Feature j's names, or NULL. */
const struct xpl__catnames *xpl__model_catnames(const xpl_model *m, size_t j);
/* Give feature j the names c (owned on success; NULL removes). */
int xpl__model_adopt_catnames(xpl_model *m, size_t j,
                              struct xpl__catnames *c);
/* out[j] = the name of x[j]'s code, or NULL, for every feature; returns 1
 * if some value has a name (0, out untouched, for models without names). */
int xpl__model_value_names(const xpl_model *m, const double *x,
                           const char **out);
/* CATS.json text (see xpl_model_read_categories); `name` for messages. */
int xpl__model_parse_categories(xpl_model *m, const char *text, size_t size,
                                const char *name);

/* The model's enum xpl__model_family: how explainers pick an exact method
 * without reading the model's fields. */
int xpl__model_family(const xpl_model *m);

/* The one background/model check: the background's columns are the
 * model's features in order (XPL_ESHAPE naming the first that is not) and
 * it has rows (XPL_EINVAL). */
int xpl__model_check_background(const xpl_model *m, const xpl_dataset *bg);

/* 1 if the raw outputs are already probabilities (a forest classifier). */
int xpl__model_raw_is_probability(const xpl_model *m);

/* Validate counts and link before any array of that shape is touched. */
int xpl__check_model_shape(size_t n_features, size_t n_outputs, xpl_link link);

/* Build a model around an adapter. Names may be NULL ("f0", "f1", ...); they
 * are validated (non-empty, at most XPL_MAX_NAME_LENGTH bytes, no duplicates)
 * and copied. On success the model owns `state`; on failure the caller does. */
int xpl__model_new(xpl_model **out, const xpl_adapter *ops, void *state,
                   int family, size_t n_features, size_t n_outputs,
                   const char *const *names, xpl_link link);

/* Append a descriptive property (value formatted printf-style). */
int xpl__model_add_property(xpl_model *m, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Apply the link to n_rows * n_outputs raw values in place (probabilities). */
void xpl__apply_link(xpl_link link, double *v, size_t n_rows, size_t n_outputs);

/* The model's response from n_rows * n_outputs raw values, in place: the
 * link after the model's link scale. */
void xpl__model_link_outputs(const xpl_model *m, double *v, size_t n_rows);

/* Bytes of adapter scratch xpl__model_predict_into needs for n_rows. */
size_t xpl__model_predict_scratch(const xpl_model *m, size_t n_rows);

/* The one way into a model's predictions: n_rows rows of x into out
 * (n_rows * n_outputs) with the caller's scratch (at least
 * xpl__model_predict_scratch bytes), as `kind` asks (checked by the
 * caller). xpl_model_predict, Kernel SHAP and LIME all predict through it. */
int xpl__model_predict_into(const xpl_model *m, void *scratch, const double *x,
                            size_t n_rows, xpl_output kind, double *out);

/* A deterministic estimate of the work of predicting one row, in tree node
 * steps (one step of one row down one tree; about 2 ns on the reference
 * machine), read from the model's structure alone: for tree ensembles the
 * sum over trees of depth + leaf values added, plus P / 8 for rounding the
 * inputs to float32; for linear models P D / 4 (multiply-adds run about
 * four to a step). Explainers use it to size optional work against the
 * cost of the model evaluations; it is a floor, so cheap models are not
 * overcharged. User adapters: +inf (unknown, assumed expensive). Each
 * family sets it when it builds the model (model.c knows no family). */
double xpl__model_row_cost(const xpl_model *m);

#endif
