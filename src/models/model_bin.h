/* model.bin's layout, shared by its writer (model_bin_write.c) and reader
 * (model_bin_read.c). The layout is specified in docs/model-format.md; the
 * two files implement exactly that document, and the writer emits only
 * what the reader accepts. */
#ifndef XPL_MODELS_MODEL_BIN_H
#define XPL_MODELS_MODEL_BIN_H

#include "models/model_file.h"

enum {
    BIN_MAJOR = 1,
    BIN_MINOR = 2, /* 1.1 added the CATEGORIES section, 1.2 family 3
                      (linear trees) and its LINEAR_LEAVES section */
    HEADER_SIZE = XPL__MODEL_BIN_MAGIC_SIZE + 8, /* magic, major, minor, flags */
    TRAILER_SIZE = 4,
    SECTION_HEADER_SIZE = 16                     /* type, flags, length */
};

/* Section types. Values are written to files: append only. */
enum {
    SEC_MODEL = 1,
    SEC_LINEAR = 2,
    SEC_TREES = 3,
    SEC_LINEAR_LEAVES = 4,
    SEC_BACKGROUND = 16,
    SEC_STATS = 17,
    SEC_CATEGORIES = 18
};

/* Section flag bit 0: a reader that does not know the type may skip it. */
#define SEC_OPTIONAL 1u

/* Bytes of one feature's fixed statistics: n, n_missing, mean, std, min, max. */
#define STATS_FEATURE_BYTES 48u

/* Smallest encoded feature name: a u32 length and at least one byte. */
#define MIN_NAME_BYTES 5u

#endif
