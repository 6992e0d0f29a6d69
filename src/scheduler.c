/* Periodic jobs (scheduler.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "scheduler.h"

int scheduler_add(struct scheduler *s, job_fn *run, void *ctx,
                  uint64_t period_us, uint64_t first_us)
{
	if (s->n == SCHEDULER_JOBS || period_us == 0)
		return -1;
	s->jobs[s->n] = (struct job){run, ctx, period_us, first_us};
	return (int)s->n++;
}

void scheduler_run_due(struct scheduler *s, uint64_t now_us)
{
	for (size_t i = 0; i < s->n; i++) {
		struct job *j = &s->jobs[i];
		if (now_us < j->next_us)
			continue;
		j->run(j->ctx, now_us);
		j->next_us += j->period_us;
		if (j->next_us <= now_us)
			j->next_us = now_us + j->period_us;
	}
}

uint64_t scheduler_next_due(const struct scheduler *s)
{
	uint64_t next = UINT64_MAX;
	for (size_t i = 0; i < s->n; i++)
		if (s->jobs[i].next_us < next)
			next = s->jobs[i].next_us;
	return next;
}
