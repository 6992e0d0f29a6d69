/* One 64-bit mixer and one hash of bytes, for the id indexes (idindex.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Nothing written out depends on these values: they only place ids in an
 * index, so they may change. */
#ifndef AUSTINC_HASH_H
#define AUSTINC_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A bijection of 64-bit values in which every input bit moves about half
 * the output bits (MurmurHash3's finaliser). */
static inline uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* The bytes [data, data + len) and a seed (another hash, to continue it).
 * Eight bytes a step: the sampler hashes the text of every new frame. */
static inline uint64_t hash_bytes(uint64_t seed, const void *data, size_t len)
{
	const char *bytes = data;
	uint64_t h = hash_mix(seed ^ ((uint64_t)len << 32));
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t word;
		memcpy(&word, bytes + i, 8);
		h = (h ^ word) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	uint64_t tail = 0;
	memcpy(&tail, bytes + i, len - i);
	return hash_mix(h ^ tail);
}

#endif
