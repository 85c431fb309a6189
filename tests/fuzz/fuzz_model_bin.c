/* model.bin reader (xpl_model_load_buffer on binary input). Most mutations
 * break the trailing CRC-32 and would stop at the checksum, so each input
 * is also tried with its checksum recomputed: that copy reaches the section
 * parsers. */
#include <stdlib.h>
#include <string.h>

#include "core/crc32.h"
#include "fuzz.h"

static const char name[] = "fuzz.bin";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_model(data, size, name);
    if (size < 20 || memcmp(data, "\x89XPLAIN\n", 8) != 0)
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    uint32_t crc = xpl__crc32(0, fixed, size - 4);
    for (int i = 0; i < 4; i++)
        fixed[size - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    if (memcmp(fixed + size - 4, data + size - 4, 4) != 0)
        fuzz_load_model(fixed, size, name);
    free(fixed);
    return 0;
}
