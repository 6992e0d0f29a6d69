/* One sampled stack, as the python layer hands it to the emitters.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_STACK_H
#define AUSTINC_STACK_H

#include <stdint.h>

/* Deeper stacks are cut, the cut marked with an invalid frame. */
#define STACK_MAX_DEPTH 4096

struct frame {
	const char *file; /* NULL: the frame could not be read (INVALID) */
	const char *name;
	/* Optional, for the writers' speed (NULL and 0 when not known):
	 * label is "file:name:", the frame as text prints it up to the
	 * line, ready to copy; two frames with the same code_id have the
	 * same file and name (ids are never reused in a run). */
	const char *label;
	uint64_t code_id;
	uint32_t file_len, name_len; /* strlen of each, known in advance */
	uint32_t label_len;
	int line;
};

struct stack {
	uint32_t depth;
	struct frame frames[STACK_MAX_DEPTH]; /* innermost first */
};

#endif
