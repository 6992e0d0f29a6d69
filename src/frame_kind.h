/* What a frame of a sample stands for: one set of kinds for the sampler's
 * stacks (stack.h) and the report's profiles (report/profile.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_FRAME_KIND_H
#define AUSTINC_FRAME_KIND_H

enum frame_kind {
	FRAME_PYTHON,  /* file:name:line */
	FRAME_INVALID, /* ":INVALID:": it could not be read */
	/* ":GC:": the collector was running. The sampler flags the sample
	 * (struct sample's gc) rather than adding a frame. */
	FRAME_GC,
	/* ":[N frames left out]:0": stands for the middle of a stack
	 * deeper than a sample holds (stack.h). */
	FRAME_LEFT_OUT,
};

#endif
