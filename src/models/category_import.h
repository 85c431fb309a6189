/* Category names that model files store (category_import.c). */
#ifndef XPL_MODELS_CATEGORY_IMPORT_H
#define XPL_MODELS_CATEGORY_IMPORT_H

#include <stddef.h>
#include <xplain/xplain.h>

typedef struct json_t json_t;

/* lists: a JSON array of n arrays; array i holds the category values of
 * feature features[i] in code order (strings, or numbers written as
 * Python prints them). Empty arrays are skipped. `where` prefixes
 * messages. XPL_EFORMAT, XPL_EINVAL (duplicates), XPL_ENOMEM. */
int xpl__categories_from_json_lists(xpl_model *m, const json_t *lists,
                                    const size_t *features, size_t n,
                                    const char *where);

/* XGBoost 3.1+'s learner.gradient_booster.model.cats (NULL: none): per
 * feature, string categories as UTF-8 bytes cut by offsets, or numbers. */
int xpl__categories_from_xgboost(xpl_model *m, const json_t *cats,
                                 const char *name);

#endif
