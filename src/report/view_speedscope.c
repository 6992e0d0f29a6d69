/* austinc-report's speedscope view: speedscope's JSON file format
 * (https://www.speedscope.app/file-format-schema.json).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * One "sampled" profile per thread that has a non-zero value under the
 * metric. Its samples keep the recording's order, so speedscope's
 * time-order view replays the run; consecutive samples with the same stack
 * become one entry whose weight is their sum. The frame table is shared
 * and indexed by the model's frame ids, so stacks are written as they are
 * stored. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/views.h"

#define SCHEMA "https://www.speedscope.app/file-format-schema.json"

/* The samples worth something under the metric, grouped by thread in
 * recording order: thread t's are order[first[t] .. first[t + 1]). */
struct by_thread {
	uint32_t *order;
	size_t *first;
};

static void free_by_thread(struct by_thread *b)
{
	free(b->order);
	free(b->first);
}

/* A stable counting sort of the sample indexes by thread: O(samples). */
static int group_by_thread(const struct profile *p, enum profile_metric m,
                           struct by_thread *b)
{
	size_t threads = p->threads.n;
	b->first = calloc(threads + 2, sizeof *b->first);
	b->order = malloc((p->samples.n ? p->samples.n : 1) * sizeof *b->order);
	if (!b->first || !b->order)
		return -1;
	/* first[t + 2] counts thread t; the prefix sum below turns first[t + 1]
	 * into where t starts, and the fill moves it to where t ends. */
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		if (profile_value(p, s, m))
			b->first[profile_stack_at(p, s->stack)->thread + 2]++;
	}
	for (size_t t = 2; t < threads + 2; t++)
		b->first[t] += b->first[t - 1];
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		if (!profile_value(p, s, m))
			continue;
		uint32_t t = profile_stack_at(p, s->stack)->thread;
		b->order[b->first[t + 1]++] = (uint32_t)i;
	}
	return 0;
}

/* Stacks and weights are most of the file, and fprintf per number would be
 * most of the time spent on a million samples: they go through this
 * buffer, formatted by hand. */
struct numbers {
	size_t n;
	char buf[4096];
};

struct writer {
	const struct profile *p;
	enum profile_metric metric;
	FILE *out;
	struct numbers num;
};

static void flush_numbers(struct writer *w)
{
	fwrite(w->num.buf, 1, w->num.n, w->out);
	w->num.n = 0;
}

/* Append sep (unless '\0') and then value in decimal. */
static void put_number(struct writer *w, char sep, uint64_t value)
{
	char digits[20];
	size_t n = 0;
	if (w->num.n + sizeof digits + 2 > sizeof w->num.buf)
		flush_numbers(w);
	if (sep)
		w->num.buf[w->num.n++] = sep;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		w->num.buf[w->num.n++] = digits[--n];
}

static void put_char(struct writer *w, char c)
{
	if (w->num.n == sizeof w->num.buf)
		flush_numbers(w);
	w->num.buf[w->num.n++] = c;
}

/* The run of samples with the same stack that starts at order[i], ending
 * before order[end]: its weight in *weight; returns where the next run
 * starts. */
static size_t next_run(const struct writer *w, const uint32_t *order, size_t i,
                       size_t end, uint64_t *weight)
{
	uint32_t stack = profile_sample_at(w->p, order[i])->stack;
	*weight = 0;
	for (; i < end; i++) {
		const struct profile_sample *s =
		        profile_sample_at(w->p, order[i]);
		if (s->stack != stack)
			break;
		*weight += profile_value(w->p, s, w->metric);
	}
	return i;
}

static void put_stack(struct writer *w, char sep, uint32_t stack_id)
{
	const struct profile_stack *st = profile_stack_at(w->p, stack_id);
	const uint32_t *frames = profile_stack_frames(w->p, st);
	if (sep)
		put_char(w, sep);
	put_char(w, '[');
	for (uint32_t i = 0; i < st->depth; i++)
		put_number(w, i ? ',' : '\0', frames[i]);
	put_char(w, ']');
}

/* "samples" and "weights" of one thread's samples, order[begin .. end);
 * returns the total weight. */
static uint64_t put_samples(struct writer *w, const uint32_t *order,
                            size_t begin, size_t end)
{
	uint64_t weight, total = 0;
	fputs("\"samples\":[", w->out);
	for (size_t i = begin; i < end;) {
		put_stack(w, i > begin ? ',' : '\0',
		          profile_sample_at(w->p, order[i])->stack);
		i = next_run(w, order, i, end, &weight);
	}
	flush_numbers(w);
	fputs("],\n\"weights\":[", w->out);
	for (size_t i = begin; i < end;) {
		size_t next = next_run(w, order, i, end, &weight);
		put_number(w, i > begin ? ',' : '\0', weight);
		total += weight;
		i = next;
	}
	flush_numbers(w);
	fputs("],\n", w->out);
	return total;
}

static void put_profile(struct writer *w, uint32_t thread,
                        const uint32_t *order, size_t begin, size_t end)
{
	const struct profile_thread *t = profile_thread_at(w->p, thread);
	char name[128];
	int n = snprintf(name, sizeof name, "thread %" PRId64 " (pid %" PRId64,
	                 t->tid, t->pid);
	if (t->iid != 0 && n > 0 && (size_t)n < sizeof name)
		snprintf(name + n, sizeof name - (size_t)n,
		         ", interpreter %" PRId64, t->iid);
	strncat(name, ")", sizeof name - strlen(name) - 1);
	const char *unit = strcmp(profile_metric_unit(w->metric), "bytes") == 0
	                           ? "bytes"
	                           : "microseconds";
	fprintf(w->out,
	        "{\"type\":\"sampled\",\"name\":\"%s\",\"unit\":\"%s\","
	        "\"startValue\":0,\n",
	        name, unit);
	uint64_t total = put_samples(w, order, begin, end);
	fprintf(w->out, "\"endValue\":%" PRIu64 "}", total);
}

static void put_frame(const struct profile *p, uint32_t id, FILE *out)
{
	const struct profile_frame *f = profile_frame_at(p, id);
	if (f->kind != FRAME_PYTHON) {
		fprintf(out, "{\"name\":\"%s\"}",
		        f->kind == FRAME_GC ? ":GC:" : ":INVALID:");
		return;
	}
	fputs("{\"name\":", out);
	json_string(out, profile_str(p, f->name));
	fputs(",\"file\":", out);
	json_string(out, profile_str(p, f->file));
	if (f->line > 0)
		fprintf(out, ",\"line\":%" PRId32, f->line);
	putc('}', out);
}

static void put_head(const struct profile *p, enum profile_metric m, FILE *out)
{
	char name[256];
	const char *python = profile_meta(p, "python");
	snprintf(name, sizeof name, "austinc %s (%s)%s%s",
	         profile_metric_name(m), profile_metric_unit(m),
	         python ? ", python " : "", python ? python : "");
	fputs("{\"$schema\":\"" SCHEMA "\",\n\"name\":", out);
	json_string(out, name);
	fputs(",\n\"exporter\":\"austinc-report " PACKAGE_VERSION "\",\n"
	      "\"activeProfileIndex\":0,\n\"shared\":{\"frames\":[",
	      out);
	for (uint32_t id = 0; id < p->frames.n; id++) {
		fputs(id ? ",\n" : "\n", out);
		put_frame(p, id, out);
	}
	fputs("]},\n\"profiles\":[", out);
}

int view_speedscope(const struct profile *p, const struct view_options *o,
                    FILE *out)
{
	struct by_thread b = {0};
	if (group_by_thread(p, o->metric, &b)) {
		free_by_thread(&b);
		errno = ENOMEM;
		return -1;
	}
	struct writer w = {.p = p, .metric = o->metric, .out = out};
	put_head(p, o->metric, out);
	int written = 0;
	for (uint32_t t = 0; t < p->threads.n; t++) {
		size_t begin = b.first[t], end = b.first[t + 1];
		if (begin == end)
			continue;
		fputs(written++ ? ",\n" : "\n", out);
		put_profile(&w, t, b.order, begin, end);
	}
	fputs("]}\n", out);
	free_by_thread(&b);
	return 0;
}
