/* CRC-32 (IEEE 802.3, the zlib/PNG polynomial), for model.bin's trailer. */
#ifndef XPL_CORE_CRC32_H
#define XPL_CORE_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over more bytes; start with crc = 0. */
uint32_t xpl__crc32(uint32_t crc, const void *data, size_t size);

#endif
