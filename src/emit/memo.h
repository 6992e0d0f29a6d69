/* What each thread's last sample wrote, for the writers to copy what did not
 * change.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * From one tick to the next a thread's outermost frames rarely change: only
 * the few innermost ones do. A writer keeps, per thread, the bytes it wrote
 * for the sample's head (process and thread) and for each frame, outermost
 * first, with each frame's code id and line; the next sample of that thread
 * copies the bytes of the frames that are the same and formats the rest.
 * Two frames with the same code id and line are written the same (code ids
 * are never reused in a run). Memory is fixed: a few threads' worth, each
 * up to MEMO_FRAMES frames and MEMO_BYTES bytes; what does not fit is
 * written as before. */
#ifndef AUSTINC_EMIT_MEMO_H
#define AUSTINC_EMIT_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "sample.h"

#define MEMO_SLOTS  16 /* threads remembered (a power of two) */
#define MEMO_FRAMES 256
#define MEMO_BYTES  (16 * 1024)

struct memo_line {
	pid_t pid;
	int64_t iid, tid;
	int used;       /* holds this thread's head */
	uint32_t depth; /* frames held, outermost first */
	uint64_t code_id[MEMO_FRAMES];
	int line[MEMO_FRAMES];
	uint32_t end[MEMO_FRAMES +
	             1]; /* end[0]: the head's; end[i]: frame i's */
	char bytes[MEMO_BYTES];
};

struct memo {
	struct memo_line *lines; /* MEMO_SLOTS of them */
};

int memo_init(struct memo *m);
void memo_free(struct memo *m);

/* The line of sample's thread, emptied when it held another thread's (then
 * its head must be written again: used is 0). */
struct memo_line *memo_line_for(struct memo *m, const struct sample *sample);

/* How many of the stack's outermost frames are the ones the line holds;
 * the line then holds those only. */
uint32_t memo_keep_common(struct memo_line *l, const struct stack *stack);

/* Room for n more bytes after what the line holds, or NULL when the line
 * can hold no more (its frames or bytes are full). */
static inline char *memo_room(struct memo_line *l, size_t n)
{
	uint32_t at = l->end[l->depth];
	if (l->depth == MEMO_FRAMES || n > MEMO_BYTES - at)
		return NULL;
	return l->bytes + at;
}

/* The head, its n bytes just written at memo_room(). */
static inline void memo_add_head(struct memo_line *l, size_t n)
{
	l->used = 1;
	l->depth = 0;
	l->end[0] = (uint32_t)n;
}

/* The next frame outward, its n bytes just written at memo_room(). */
static inline void memo_add_frame(struct memo_line *l, const struct frame *f,
                                  size_t n)
{
	uint32_t i = l->depth++;
	l->code_id[i] = f->code_id;
	l->line[i] = f->line;
	l->end[i + 1] = l->end[i] + (uint32_t)n;
}

/* The bytes held: the head and every frame kept. */
static inline size_t memo_held(const struct memo_line *l)
{
	return l->end[l->depth];
}

#endif
