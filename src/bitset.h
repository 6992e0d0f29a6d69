/* A set of small numbers in an array of 64-bit words.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_BITSET_H
#define AUSTINC_BITSET_H

#include <stdint.h>

/* The words a set of the numbers below n needs. */
#define BITSET_WORDS(n) (((n) + 63) / 64)

static inline void bitset_add(uint64_t *set, unsigned n)
{
	set[n / 64] |= 1ull << (n % 64);
}

static inline int bitset_has(const uint64_t *set, unsigned n)
{
	return set[n / 64] >> (n % 64) & 1;
}

#endif
