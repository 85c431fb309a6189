/* Text model readers (xplain JSON, XGBoost JSON, LightGBM text): one
 * harness through xpl_model_load_buffer, built three times with different
 * seed corpora and dictionaries. */

#include "fuzz.h"

static const char name[] = "fuzz.json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xpl_model *m = NULL;
    int rc = xpl_model_load_buffer(&m, data, size, name);
    if (rc) {
        if (m)
            fuzz_fail("failed load left a model behind");
        fuzz_check_error(rc, name);
        return 0;
    }
    fuzz_exercise_model(m, name);
    xpl_model_free(m);
    return 0;
}
