/* Periodic jobs between ticks: the children scan, --system batches, and
 * whatever comes next (rotation, pushes). Each job keeps to its period's
 * grid; after a stall it starts a new one rather than running again and
 * again to catch up.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SCHEDULER_H
#define AUSTINC_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#define SCHEDULER_JOBS 8

typedef void job_fn(void *ctx, uint64_t now_us);

struct job {
	job_fn *run;
	void *ctx;
	uint64_t period_us, next_us;
};

struct scheduler {
	struct job jobs[SCHEDULER_JOBS];
	size_t n;
};

/* A job to run every period_us, first at first_us; returns its id, or -1
 * when there are too many. */
int scheduler_add(struct scheduler *s, job_fn *run, void *ctx,
                  uint64_t period_us, uint64_t first_us);

/* Run every job due at now_us (in the order they were added). */
void scheduler_run_due(struct scheduler *s, uint64_t now_us);

/* When the first job is due next; UINT64_MAX when none is scheduled. */
uint64_t scheduler_next_due(const struct scheduler *s);

#endif
