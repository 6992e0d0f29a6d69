/* One sampled stack, as the python layer hands it to the emitters.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_STACK_H
#define AUSTINC_STACK_H

#include <inttypes.h>
#include <stdint.h>

#include "frame_kind.h"

/* A sample holds at most STACK_MAX_DEPTH frames. A deeper stack keeps its
 * STACK_KEEP_INNER innermost and STACK_KEEP_OUTER outermost frames and, in
 * their place between, one marker frame (FRAME_LEFT_OUT): an empty file,
 * line 0 and the name STACK_LEFT_OUT_FORMAT, the number of frames left
 * out. It is a good sample like any other, written (":[45904 frames left
 * out]:0" in text) and read back as a frame. The bound keeps a sample's
 * memory and its output line sensible (a 50,000-frame line would be some
 * 2 MB). */
#define STACK_KEEP_INNER      2048
#define STACK_KEEP_OUTER      2047
#define STACK_MAX_DEPTH       (STACK_KEEP_INNER + 1 + STACK_KEEP_OUTER)
#define STACK_LEFT_OUT_FORMAT "[%" PRIu64 " frames left out]"

struct frame {
	const char *file;
	const char *name;
	/* Optional, for the writers' speed (NULL and 0 when not known):
	 * label is "file:name:", the frame as text prints it up to the
	 * line, ready to copy (frame_label_len() bytes); two frames with the
	 * same code_id have the same file and name (ids are never reused in
	 * a run). */
	const char *label;
	uint64_t code_id;
	uint32_t file_len, name_len; /* strlen of each, known in advance */
	int line;
	/* Python, INVALID (file and name NULL) or LEFT_OUT: never GC, which
	 * the sampler flags per sample (struct sample's gc). */
	enum frame_kind kind;
};

/* The length of a frame's label, which is not stored: a sample copies
 * every frame it keeps, and 48 bytes copy faster than 56. */
static inline uint32_t frame_label_len(const struct frame *f)
{
	return f->file_len + f->name_len + 2;
}

struct stack {
	uint32_t depth;
	char left_out_name[40]; /* the marker's name, when it has one */
	struct frame frames[STACK_MAX_DEPTH]; /* innermost first */
};

#endif
