/* Attribution: what each thread's sample is charged — the time since that
 * thread state was last sampled, its process's RSS change (to the GIL
 * holder's line only), and whether it was idle — and the statistics that
 * follow from it.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_ATTRIBUTION_H
#define AUSTINC_ATTRIBUTION_H

#include <stdint.h>

#include "python/python.h"
#include "sample.h"
#include "stats.h"
#include "tracked.h"

struct attribution {
	enum metric_kind metric;
	int sleepless; /* -s: idle samples are not written */
	pid_t root;    /* the command or -p PID: its RSS is the summary's */
	struct stats *stats;
	uint64_t tick_us, previous_tick_us;
	/* The process being sampled, and its RSS change waiting for the GIL
	 * holder's line. */
	struct tracked *current;
	int64_t rss_delta;
	int tick_gc; /* a collector ran in some process at this tick */
	/* When each thread state (interpreter id, TID) was last sampled, to
	 * charge it the time since: one OS thread can hold a thread state in
	 * several interpreters. Bounded: threads that are gone age out. */
	struct cache *clocks;
};

/* 0, or -1 when out of memory. */
int attribution_init(struct attribution *a, enum metric_kind metric,
                     int sleepless, struct stats *stats);
void attribution_free(struct attribution *a);

/* Sampling of root (and, with -C, its descendants) begins now: a thread's
 * first sample is charged the time since. */
void attribution_start(struct attribution *a, pid_t root, uint64_t now_us);

/* A tick begins at tick_us: what was sampled before it was charged up to
 * the previous one. */
void attribution_begin_tick(struct attribution *a, uint64_t tick_us);
void attribution_end_tick(struct attribution *a);

/* Process p is sampled now: its RSS is read (when tracked) and its change
 * since the last charge waits for its GIL holder. */
void attribution_begin_process(struct attribution *a, struct tracked *p);

/* Fill sm for thread t of the current process; 1 when the sample is to be
 * written (memory mode writes only changes; -s leaves idle threads out). */
int attribution_charge(struct attribution *a, const struct py_thread *t,
                       const struct stack *stack, struct sample *sm);

#endif
