/* Unwinding one thread's Python frames, one walker per frame model.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_FRAMES_H
#define AUSTINC_PYTHON_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "prefetch.h"
#include "python/code.h"
#include "python/layout.h"
#include "stack.h"

/* Local copies of data-stack chunks (3.11+): one read covers many frames. */
#define MAX_WINDOWS      4
#define MAX_WINDOW_BYTES (1u << 20)
#define WINDOW_PAGE      4096 /* windows are read to a multiple of this */
/* Thread-local bytecode copies (free-threaded 3.14+) are indexed per
 * thread: more than this many is garbage. */
#define MAX_TLBC_INDEX 4096
/* Walks of one thread in one tick, when code objects change under them. */
#define MAX_WALKS 3

struct window {
	uint64_t lo;          /* remote range copied, from lo */
	uint64_t last_header; /* up to a frame header at last_header */
	const uint8_t *data;
};

struct unwinder {
	struct prefetch *pf;
	const struct py_layout *layout;
	struct code_reader *code;
	uint32_t frame_read_size; /* bytes of a frame header we need */
	int interpreter_frames;   /* 3.11+, else frame objects */
	uint64_t top_chunk;       /* this thread's current chunk, 0 if none */
	size_t n_windows;
	struct window windows[MAX_WINDOWS];
	uint32_t skip_owners; /* bit n: frames of owner n are skipped */
	/* The code object of the walk's last frame, and the last frame
	 * made of it, at last_offset. */
	uint64_t last_code;
	struct code_info *last_info;
	int last_offset;
	struct frame last_frame;
};

/* Frames are read through pf: the caller starts each tick with
 * prefetch_begin(). */
void unwinder_init(struct unwinder *u, struct prefetch *pf,
                   const struct py_layout *layout, struct code_reader *code);

/* Unwind the thread whose PyThreadState was copied into tstate (at least
 * up to every offset the layout names). Fills out innermost first; returns
 * how many frames could not be read (0 when the stack is clean). */
int unwind_thread(struct unwinder *u, const uint8_t *tstate, struct stack *out);

/* Brent's cycle detection over a chain of remote pointers. */
struct cycle_check {
	uint64_t tortoise;
	uint32_t power, steps;
};

static inline void cycle_init(struct cycle_check *c)
{
	c->tortoise = 0;
	c->power = c->steps = 1;
}

/* Feed the next address of the chain; 1 when it closes a loop. */
static inline int cycle_seen(struct cycle_check *c, uint64_t addr)
{
	if (addr == c->tortoise)
		return 1;
	if (c->steps == c->power) {
		c->tortoise = addr;
		c->power *= 2;
		c->steps = 0;
	}
	c->steps++;
	return 0;
}

#endif
