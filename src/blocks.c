/* Block reads of remote memory.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "blocks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int blocks_init(struct blocks *b, const struct remote *remote,
                size_t slot_bytes)
{
	memset(b, 0, sizeof *b);
	b->remote = remote;
	b->slot_bytes = slot_bytes;
	b->buf = malloc(BLOCK_SLOTS * slot_bytes);
	return b->buf ? 0 : -1;
}

void blocks_free(struct blocks *b)
{
	free(b->buf);
	b->buf = NULL;
}

void blocks_forget(struct blocks *b)
{
	for (unsigned i = 0; i < BLOCK_SLOTS; i++)
		b->held[i].lo = b->held[i].hi = 0;
}

const uint8_t *blocks_find(const struct blocks *b, uint64_t addr, size_t len)
{
	for (unsigned i = 0; i < BLOCK_SLOTS; i++) {
		uint64_t lo = b->held[i].lo, hi = b->held[i].hi;
		if (addr >= lo && addr < hi && len <= hi - addr)
			return b->buf + i * b->slot_bytes + (addr - lo);
	}
	return NULL;
}

const uint8_t *blocks_load_some(struct blocks *b, uint64_t lo, uint64_t need,
                                uint64_t want)
{
	if (need <= lo || want < need || want - lo > b->slot_bytes) {
		errno = EINVAL;
		return NULL;
	}
	unsigned slot = b->oldest;
	uint8_t *copy = b->buf + slot * b->slot_bytes;
	b->held[slot].lo = b->held[slot].hi = 0;
	b->loads++;
	ssize_t got = remote_read_some(b->remote, lo, copy, want - lo);
	if (got < 0)
		return NULL;
	if ((uint64_t)got < need - lo) {
		errno = EFAULT;
		return NULL;
	}
	b->held[slot].lo = lo;
	b->held[slot].hi = lo + (uint64_t)got;
	b->oldest = (slot + 1) % BLOCK_SLOTS;
	return copy;
}

const uint8_t *blocks_load(struct blocks *b, uint64_t lo, uint64_t hi)
{
	return blocks_load_some(b, lo, hi, hi);
}
