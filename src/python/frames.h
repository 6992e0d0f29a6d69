/* Unwinding one thread's Python frames, one walker per frame model.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_FRAMES_H
#define AUSTINC_PYTHON_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "blocks.h"
#include "prefetch.h"
#include "python/code.h"
#include "python/layout.h"
#include "stack.h"

/* Local copies of data-stack chunks (3.11+): one read covers many frames.
 * Those of the innermost frames go through the read-ahead, up to
 * MAX_WINDOWS of them (2048 frames fill some 16 of CPython's 16 KiB
 * chunks); the others are the unwinder's blocks. */
#define MAX_WINDOWS      16
#define MAX_WINDOW_BYTES (1u << 20)
#define WINDOW_PAGE      4096 /* windows are read to a multiple of this */
/* A chunk past the windows is read with the older ones above it, up to
 * this many bytes in all. */
#define CHUNK_BLOCK_BYTES (256u << 10)
/* Frame objects (<= 3.10) past the innermost ones are read in blocks of
 * this many bytes that end at the frame: each frame of a recursion lies
 * below the one it called, 432 to 512 bytes apart on 2.7 to 3.10. */
#define HEAP_BLOCK_BYTES (64u << 10)
/* Frames in a row that the read-ahead missed before the walk reads blocks
 * (frames.c: read_frame_object). */
#define LONE_MISSES 2
/* The most frames one walk follows, a bound on the time of a walk: the
 * middle of a deep stack costs some 30 ns a frame on 3.12 and 150 ns on
 * 3.10 (which reads whole frame objects), so at most 30 to 150 ms. A
 * longer chain ends in an INVALID frame, an error: it is a loop that
 * Brent's check has not caught yet, or a recursion limit raised a
 * thousandfold (a million frames are some 100 MB of data stack on 3.11+,
 * 400 MB of frame objects before). */
#define WALK_MAX_FRAMES (1u << 20)
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

/* What one frame's header says. The offset into the bytecode is worked out
 * only for frames that are kept. */
struct frame_view {
	uint64_t previous, code;
	uint64_t instr;     /* instruction pointer (3.11+), f_lasti before */
	int32_t tlbc_index; /* free-threaded 3.14+: which bytecode copy */
	int skip;           /* not a Python frame of its own */
};

/* The frames a walk meets past its STACK_KEEP_INNER innermost: the last
 * ones, in a ring, are decoded when it ends; those before them never. */
#define OUTER_RING (STACK_MAX_DEPTH - STACK_KEEP_INNER)

/* A frame made before, by code object and instruction (struct unwinder's
 * memo). */
#define FRAME_MEMO_BITS 7
struct frame_memo {
	uint64_t code, instr;
	int32_t tlbc_index;
	int offset;             /* into the bytecode; -1: not started */
	uint64_t evictions;     /* the code reader's count when made */
	struct code_info *info; /* the code entry frame was made of */
	struct frame frame;
};

struct unwinder {
	struct prefetch *pf;
	struct blocks blocks;
	const struct py_layout *layout;
	struct code_reader *code;
	uint32_t frame_read_size;    /* bytes of a frame header we need */
	int interpreter_frames;      /* 3.11+, else frame objects */
	uint64_t next_chunk;         /* the chunk a window is read from next */
	uint64_t chunk_lo, chunk_hi; /* the frames of the chunk entered last
	                                as a block */
	int in_middle;               /* the walk is past the innermost frames */
	int missed;                  /* frames the read-ahead missed in a row */
	int afresh;                  /* read nothing through the read-ahead */
	size_t n_windows;
	struct window windows[MAX_WINDOWS];
	const struct window *newest; /* the last of windows, or NULL */
	uint32_t skip_owners;        /* bit n: frames of owner n are skipped */
	/* The code object lookup() found last in this walk: a recursion
	 * meets it again and again. */
	uint64_t last_code;
	struct code_info *last_info;
	/* The walk's last frame pushed, in the memo (NULL: none yet): a
	 * frame that repeats its code object and instruction pointer (and
	 * bytecode copy) is the same. Only make_frame writes the memo, and
	 * then last is set. */
	const struct frame_memo *last;
	uint64_t n_outer; /* frames met past the innermost ones */
	struct frame_view outer[OUTER_RING];
	/* Frames that ticks meet again (the outer frames of a stack that
	 * stays while its leaf moves) are copied from here rather than made
	 * afresh, for as long as their code entry is trusted and none was
	 * evicted since (code_use_trusted, code_reader.evictions). */
	struct frame_memo memo[1u << FRAME_MEMO_BITS];
};

/* Frames are read through pf and the unwinder's own blocks: the caller
 * starts each tick with prefetch_begin() and unwinder_new_tick(). -1 when
 * out of memory. */
int unwinder_init(struct unwinder *u, struct prefetch *pf,
                  const struct py_layout *layout, struct code_reader *code);
void unwinder_free(struct unwinder *u);

static inline void unwinder_new_tick(struct unwinder *u)
{
	blocks_forget(&u->blocks);
}

/* Unwind the thread whose PyThreadState was copied into tstate (at least
 * up to every offset the layout names). Fills out innermost first, a
 * deeper stack than it holds around a marker (stack.h); returns how many
 * frames could not be read (0 when the stack is clean). */
int unwind_thread(struct unwinder *u, const uint8_t *tstate, struct stack *out);

/* Unwind the chain of frames that starts at the remote frame at frame, of
 * the layout's frame model (a PyFrameObject <= 3.10, a
 * _PyInterpreterFrame 3.11+), as unwind_thread() does: a generator's or a
 * task's, which no thread state points to. Each frame is read on its own,
 * not from a copy of the data-stack chunk it may lie in. */
int unwind_frames(struct unwinder *u, uint64_t frame, struct stack *out);

/* The same as unwind_thread() with every frame read now, none taken from the
 * tick's batch of read-ahead: for a stack that changed while it was read. */
int unwind_thread_afresh(struct unwinder *u, const uint8_t *tstate,
                         struct stack *out);

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
