/* Text model readers (xplain JSON, XGBoost JSON, LightGBM text): one
 * harness through xpl_model_load_buffer, built three times with different
 * seed corpora and dictionaries. */

#include "fuzz.h"

static const char name[] = "fuzz.json";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_model(data, size, name);
    return 0;
}
