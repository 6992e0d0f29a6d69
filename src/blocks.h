/* Reading remote memory in large blocks: the middle of a deep stack.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The read-ahead (prefetch.h) plans every region a tick read for the next
 * tick, which needs room per region: it holds the innermost frames of a
 * stack, not the 50,000 of a deep recursion. Those are read here: a block
 * is one read of up to a slot's bytes, which the caller places so that it
 * holds the frames the walk meets next (a data-stack chunk; heap frames
 * that lie side by side). The last BLOCK_SLOTS blocks are held, a new one
 * replacing the oldest, until the next tick forgets them all: nothing is
 * planned, and the memory is allocated once. */
#ifndef AUSTINC_BLOCKS_H
#define AUSTINC_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "remote.h"

#define BLOCK_SLOTS 4

struct blocks {
	const struct remote *remote;
	size_t slot_bytes;
	uint8_t *buf; /* BLOCK_SLOTS slots of slot_bytes */
	struct {
		uint64_t lo, hi; /* the remote range held; lo == hi: none */
	} held[BLOCK_SLOTS];
	unsigned oldest;
	uint64_t loads; /* reads made (tests and measurements) */
};

/* Slots of slot_bytes each (untouched pages cost no memory). */
int blocks_init(struct blocks *b, const struct remote *remote,
                size_t slot_bytes);
void blocks_free(struct blocks *b);

/* A new tick: nothing held is current any more. */
void blocks_forget(struct blocks *b);

/* [addr, addr + len) from a block held, or NULL. */
const uint8_t *blocks_find(const struct blocks *b, uint64_t addr, size_t len);

/* Read [lo, hi) (at most slot_bytes) as a new block; the copy of lo, valid
 * until BLOCK_SLOTS more loads or the next tick. NULL with errno set when
 * it cannot be read in full. */
const uint8_t *blocks_load(struct blocks *b, uint64_t lo, uint64_t hi);

/* The same for [lo, want), or as much of it as can be read (a mapping may
 * end before want) when that is at least [lo, need). */
const uint8_t *blocks_load_some(struct blocks *b, uint64_t lo, uint64_t need,
                                uint64_t want);

#endif
