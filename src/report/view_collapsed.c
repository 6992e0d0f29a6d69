/* The collapsed view: folded stacks for flamegraph.pl, speedscope and the
 * FlameGraph tools, one line per distinct stack under one metric.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Samples are summed by stack id in an array indexed by it, so a million
 * samples cost one addition each and no allocation; the lines come out in
 * the order their stacks first appear, which keeps the output the same
 * from run to run and close to the recording's own order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit/collapsed.h"
#include "report/views.h"

/* Write text with line breaks turned into spaces: a value read from a MOJO
 * file may hold one, and the second line could pass for a stack. */
static void put_one_line(FILE *out, const char *text)
{
	for (const char *c = text; *c; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
}

/* Would the line "# <key>: <value>" look like a sample? Only the value's
 * end decides (the ": " before it is white space, as a whole line's would
 * be), so the check runs on "# " and the last 200 bytes of the value. */
static int value_looks_like_count(const char *value)
{
	char probe[256] = "# ";
	size_t len = strlen(value);
	const char *tail = len > 200 ? value + len - 200 : value;
	size_t n = 2;
	for (const char *c = tail; *c; c++)
		probe[n++] = *c == '\n' || *c == '\r' ? ' ' : *c;
	probe[n] = '\0';
	return collapsed_looks_like_sample(probe);
}

/* "# key: value", suffixed the way the sampler does it when the value
 * would end in white space and a number. */
static void put_meta(FILE *out, const char *key, const char *value)
{
	fputs("# ", out);
	put_one_line(out, key);
	fputs(": ", out);
	put_one_line(out, value);
	if (value_looks_like_count(value))
		fputs(" (value)", out);
	fputc('\n', out);
}

static void put_metadata(const struct profile *p, enum profile_metric m,
                         FILE *out)
{
	for (size_t i = 0; i < p->meta.n; i++) {
		const struct profile_meta *meta =
		        (const struct profile_meta *)p->meta.items + i;
		/* Ours says what the values below are; a recording's own
		 * would contradict it. */
		if (strcmp(meta->key, "metric") != 0)
			put_meta(out, meta->key, meta->value);
	}
	fprintf(out, "# metric: %s (%s)\n", profile_metric_name(m),
	        profile_metric_unit(m));
}

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
	put_metadata(p, o->metric, out);
	if (!distinct)
		fprintf(out, "# no sample has a %s value\n",
		        profile_metric_name(o->metric));
	for (size_t i = 0; i < distinct; i++)
		put_stack(p, order[i], sums[order[i]], out);
	free(sums);
	free(order);
	return 0;
}
