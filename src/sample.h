/* One thread sample with its metrics, as the session hands it to the
 * emitters.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SAMPLE_H
#define AUSTINC_SAMPLE_H

#include <stdint.h>
#include <sys/types.h>

#include "stack.h"

/* Which metrics a sample line carries. */
enum metric_kind {
	LINE_TIME,   /* microseconds since the thread's previous sample */
	LINE_MEMORY, /* signed RSS change in bytes */
	LINE_FULL,   /* time, idle flag, RSS change */
};

struct sample {
	pid_t pid;
	int64_t iid, tid;
	const struct stack *stack; /* innermost frame first */
	int gc;                    /* taken while the collector ran */
	uint64_t time_us;
	int idle;
	int64_t rss_delta;
};

#endif
