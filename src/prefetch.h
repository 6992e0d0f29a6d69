/* Reading ahead: every region of remote memory the last sample read is read
 * again, in one batched process_vm_readv, at the start of the next.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A sample follows a chain of dependent pointers (runtime, interpreter,
 * thread, frames), which would cost one system call per link. Between two
 * ticks most links stay where they were, so the addresses read last time are
 * a good guess of what this tick will need. The guess only decides *where*
 * to read: the bytes handed out are always this tick's, and the walkers
 * follow the pointers they find in them. A region the guess missed is read
 * on its own and joins the next tick's batch; one that was not used drops
 * out of it. */
#ifndef AUSTINC_PREFETCH_H
#define AUSTINC_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "remote.h"

#define PREFETCH_MAX_REGIONS 4096
#define PREFETCH_ARENA_BYTES (4u << 20)
/* Regions closer than this are read as one span: the kernel's cost is per
 * region read far more than per byte (pinning pages), and heap objects that
 * a stack links together often sit side by side. */
#define PREFETCH_SPAN_GAP   512
#define PREFETCH_SPAN_BYTES (256u << 10)

struct prefetch_region {
	uint64_t addr;
	uint32_t len;
	uint32_t ok;      /* read in full this tick */
	uint32_t planned; /* already in the next tick's plan */
	size_t at;        /* offset of its bytes in the arena */
};

/* A contiguous range read as one element of the batch. */
struct prefetch_span {
	uint64_t lo, hi;
	size_t at;
	int ok;
};

struct prefetch {
	const struct remote *remote;
	size_t n_regions, cursor;
	struct prefetch_region regions[PREFETCH_MAX_REGIONS];
	size_t n_spans;
	struct prefetch_span spans[PREFETCH_MAX_REGIONS];
	uint32_t order[PREFETCH_MAX_REGIONS]; /* regions by address */
	uint32_t span_of[PREFETCH_MAX_REGIONS];
	size_t n_spanned;   /* the regions the spans were made for */
	size_t spans_bytes; /* the spans' total length */
	size_t n_plan;
	struct prefetch_region plan[PREFETCH_MAX_REGIONS];
	size_t arena_used;
	uint8_t *arena;
	uint64_t batches; /* process_vm_readv calls made for the batch */
	int gone;         /* a read of this tick found the process gone */
};

int prefetch_init(struct prefetch *pf, const struct remote *remote);
void prefetch_free(struct prefetch *pf);

/* Start a tick: read every planned region. */
void prefetch_begin(struct prefetch *pf);

/* The bytes [addr, addr + len) as of this tick, valid until the next
 * prefetch_begin; NULL with errno set when they cannot be read. */
const uint8_t *prefetch_read(struct prefetch *pf, uint64_t addr, size_t len);

/* Has a read of this tick found that the process no longer exists? */
static inline int prefetch_gone(const struct prefetch *pf)
{
	return pf->gone;
}

/* The same if this tick's batch read them, else NULL (and no read). */
const uint8_t *prefetch_held(struct prefetch *pf, uint64_t addr, size_t len);

/* The same when the batch did not read them: read now, alone. */
const uint8_t *prefetch_read_new(struct prefetch *pf, uint64_t addr,
                                 size_t len);

/* Read [addr, addr + len) in the next tick's batch (the caller read them
 * this tick some other way). */
void prefetch_plan(struct prefetch *pf, uint64_t addr, size_t len);

#endif
