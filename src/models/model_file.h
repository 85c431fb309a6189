/* Readers for the model file formats; xpl_model_load_buffer dispatches. */
#ifndef XPL_MODELS_MODEL_FILE_H
#define XPL_MODELS_MODEL_FILE_H

#include <stddef.h>
#include <xplain/xplain.h>

/* model.bin's first 8 bytes. */
#define XPL__MODEL_BIN_MAGIC "\x89XPLAIN\n"
#define XPL__MODEL_BIN_MAGIC_SIZE 8

/* The whole file at `path` (at most the model size limit, 1 GiB) into a
 * new buffer; XPL_EIO, XPL_ELIMIT, XPL_ENOMEM. */
int xpl__read_model_file(const char *path, unsigned char **out,
                         size_t *out_size);

/* Parse model.bin bytes (magic included). `name` prefixes error messages. */
int xpl__model_read_bin(xpl_model **out, const unsigned char *data,
                        size_t size, const char *name);

/* Parse a JSON model (xplain JSON; later also XGBoost JSON). */
int xpl__model_read_json(xpl_model **out, const char *text, size_t size,
                         const char *name);

/* Build a model from a parsed XGBoost JSON document (Booster.save_model). */
typedef struct json_t json_t;
int xpl__model_read_xgboost(xpl_model **out, json_t *root, const char *name);

/* Parse a LightGBM text model (Booster.save_model); text starts "tree". */
int xpl__model_read_lightgbm(xpl_model **out, const char *text, size_t size,
                             const char *name);

#endif
