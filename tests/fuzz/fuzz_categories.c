/* CATS.json (explain convert --categories): the category-name reader over
 * a fixed five-feature model. A failure must leave the model without names
 * and a message naming the file; a success must give names that survive
 * model.bin and are found again by name. */
#include <string.h>

#include "fuzz.h"
#include "models/model_internal.h"

static const char name[] = "fuzz.json";

/* A linear model with the feature names of the categorical fixtures. */
static const char model_json[] =
    "{\"type\": \"linear\", \"link\": \"identity\", \"feature_names\": "
    "[\"num_a\", \"num_nan\", \"num_zero\", \"cat_big\", \"cat_small\"], "
    "\"intercept\": [0], \"coef\": [[1, 2, 3, 4, 5]]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xpl_model *m = NULL;
    if (xpl_model_load_buffer(&m, model_json, strlen(model_json), "m.json"))
        fuzz_fail("the fixed model does not load: %s", xpl_last_error());
    int rc = xpl__model_parse_categories(m, (const char *)data, size, name);
    size_t P = xpl_model_n_features(m);
    if (rc) {
        fuzz_check_error(rc, name);
        for (size_t j = 0; j < P; j++)
            if (xpl_model_n_categories(m, j))
                fuzz_fail("a failed read left names on feature %zu", j);
        xpl_model_free(m);
        return 0;
    }
    for (size_t j = 0; j < P; j++) {
        const char *const *names = xpl_model_category_names(m, j);
        for (size_t c = 0; c < xpl_model_n_categories(m, j); c++) {
            size_t code = (size_t)-1;
            if (xpl_model_category_code(&code, m, j, names[c]) || code != c)
                fuzz_fail("feature %zu: name %zu is not found again", j, c);
        }
    }
    fuzz_exercise_model(m, name);
    xpl_model_free(m);
    return 0;
}
