/* The collapsed view: folded stacks for flamegraph.pl, speedscope and the
 * FlameGraph tools, one line per distinct stack under one metric.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Samples are summed by stack id in an array indexed by it, so a million
 * samples cost one addition each and no allocation; the lines come out in
 * the order their stacks first appear, which keeps the output the same
 * from run to run and close to the recording's own order. Nothing but
 * stacks and counts is written: flamegraph.pl reports any other line as
 * one "with invalid format". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "report/views.h"

static void put_frame(const struct profile *p, uint32_t id, FILE *out)
{
	const struct profile_frame *f = profile_frame_at(p, id);
	if (f->kind == FRAME_INVALID)
		fputs(";:INVALID:", out);
	else if (f->kind == FRAME_GC)
		fputs(";:GC:", out);
	else
		fprintf(out, ";%s:%s:%d", profile_str(p, f->file),
		        profile_str(p, f->name), (int)f->line);
}

static void put_stack(const struct profile *p, uint32_t stack, uint64_t value,
                      FILE *out)
{
	const struct profile_stack *s = profile_stack_at(p, stack);
	const struct profile_thread *t = profile_thread_at(p, s->thread);
	const uint32_t *frames = profile_stack_frames(p, s);
	fprintf(out, "P%lld;T%lld:%lld", (long long)t->pid, (long long)t->iid,
	        (long long)t->tid);
	for (uint32_t i = 0; i < s->depth; i++)
		put_frame(p, frames[i], out);
	fprintf(out, " %llu\n", (unsigned long long)value);
}

int view_collapsed(const struct profile *p, const struct view_options *o,
                   FILE *out)
{
	size_t n = p->stacks.n;
	uint64_t *sums = calloc(n ? n : 1, sizeof *sums);
	uint32_t *order = malloc((n ? n : 1) * sizeof *order);
	if (!sums || !order) {
		free(sums);
		free(order);
		return -1;
	}
	size_t distinct = 0;
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		uint64_t value = profile_value(p, s, o->metric);
		if (!value)
			continue;
		if (!sums[s->stack])
			order[distinct++] = s->stack;
		sums[s->stack] += value;
	}
	if (!distinct)
		log_note("no sample has a %s value",
		         profile_metric_name(o->metric));
	for (size_t i = 0; i < distinct; i++)
		put_stack(p, order[i], sums[order[i]], out);
	free(sums);
	free(order);
	return 0;
}
