/* Loading fields out of bytes copied from another process: unaligned,
 * native byte order.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_BYTES_H
#define AUSTINC_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint64_t load_u64(const uint8_t *buf, uint32_t offset)
{
	uint64_t v;
	memcpy(&v, buf + offset, sizeof v);
	return v;
}

static inline uint32_t load_u32(const uint8_t *buf, uint32_t offset)
{
	uint32_t v;
	memcpy(&v, buf + offset, sizeof v);
	return v;
}

static inline int32_t load_i32(const uint8_t *buf, uint32_t offset)
{
	int32_t v;
	memcpy(&v, buf + offset, sizeof v);
	return v;
}

#endif
