/* The top view: the functions with the largest self share, and the
 * formatting helpers the text views share.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A function is a file and a name: the lines of its frames are merged.
 * Samples are first summed per stack (an array indexed by stack id), then
 * each distinct stack is walked once, so the cost is the samples plus the
 * frames of the distinct stacks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/views.h"

#define BOLD  "\033[1m"
#define RESET "\033[0m"

/* --- shared helpers --------------------------------------------------- */

void view_format_value(enum profile_metric m, uint64_t value, char *buf,
                       size_t len)
{
	double v = (double)value;
	if (m == METRIC_MEMORY_UP || m == METRIC_MEMORY_DOWN) {
		if (value >= 1000000000u)
			snprintf(buf, len, "%.2f GB", v / 1e9);
		else if (value >= 1000000u)
			snprintf(buf, len, "%.1f MB", v / 1e6);
		else if (value >= 1000u)
			snprintf(buf, len, "%.1f kB", v / 1e3);
		else
			snprintf(buf, len, "%llu B", (unsigned long long)value);
	} else if (value >= 1000000u) {
		snprintf(buf, len, "%.2f s", v / 1e6);
	} else if (value >= 1000u) {
		snprintf(buf, len, "%.1f ms", v / 1e3);
	} else {
		snprintf(buf, len, "%llu us", (unsigned long long)value);
	}
}

uint64_t view_total(const struct profile *p, enum profile_metric m,
                    size_t *samples)
{
	uint64_t total = 0;
	size_t counted = 0;
	for (size_t i = 0; i < p->samples.n; i++) {
		uint64_t v = profile_value(p, profile_sample_at(p, i), m);
		total += v;
		counted += v != 0;
	}
	if (samples)
		*samples = counted;
	return total;
}

/* What the metric measures here: METRIC_TIME is CPU time in a -s
 * recording and wall time in the others. */
static const char *metric_noun(const struct profile *p, enum profile_metric m)
{
	switch (m) {
	case METRIC_TIME:
		return p->mode == PROFILE_CPU ? "CPU time" : "wall time";
	case METRIC_CPU:
		return "CPU time";
	case METRIC_WALL:
		return "wall time";
	case METRIC_MEMORY_UP:
		return "memory growth";
	case METRIC_MEMORY_DOWN:
		return "memory release";
	}
	return "value";
}

void view_summary(const struct profile *p, enum profile_metric m, char *buf,
                  size_t len)
{
	size_t samples;
	uint64_t total = view_total(p, m, &samples);
	char amount[32];
	view_format_value(m, total, amount, sizeof amount);
	const char *what = m == METRIC_MEMORY_UP     ? "grown"
	                   : m == METRIC_MEMORY_DOWN ? "released"
	                                             : metric_noun(p, m);
	snprintf(buf, len, "%s %s%s in %zu sample%s", amount,
	         m == METRIC_MEMORY_UP || m == METRIC_MEMORY_DOWN ? "" : "of ",
	         what, samples, samples == 1 ? "" : "s");
}

void view_nothing_to_show(const struct profile *p, enum profile_metric m,
                          FILE *out)
{
	fprintf(out,
	        "Nothing to show: no sample in this recording has any %s.\n",
	        metric_noun(p, m));
}

/* --- functions -------------------------------------------------------- */

struct function {
	uint32_t kind, file, name;
	uint32_t seen; /* the last stack counted in total, + 1 */
	uint64_t self, total;
};

struct functions {
	struct function *items;
	size_t n;
	uint32_t *of_frame; /* frame id -> function index */
};

static uint64_t function_hash(const struct profile_frame *f)
{
	uint64_t h = ((uint64_t)f->file << 32 | f->name) * 0x9e3779b97f4a7c15u;
	return h ^ (h >> 31) ^ f->kind;
}

/* Give every frame its function: frames that differ only in their line
 * share one. An open-addressing table of function index + 1. */
static int map_functions(const struct profile *p, struct functions *fs)
{
	size_t capacity = 16;
	while (capacity < p->frames.n * 2)
		capacity *= 2;
	uint32_t *slots = calloc(capacity, sizeof *slots);
	fs->items = calloc(p->frames.n ? p->frames.n : 1, sizeof *fs->items);
	fs->of_frame =
	        malloc((p->frames.n ? p->frames.n : 1) * sizeof(uint32_t));
	if (!slots || !fs->items || !fs->of_frame) {
		free(slots);
		return -1;
	}
	for (uint32_t id = 0; id < p->frames.n; id++) {
		const struct profile_frame *f = profile_frame_at(p, id);
		size_t i = function_hash(f) & (capacity - 1);
		for (; slots[i]; i = (i + 1) & (capacity - 1)) {
			const struct function *g = &fs->items[slots[i] - 1];
			if (g->kind == f->kind && g->file == f->file &&
			    g->name == f->name)
				break;
		}
		if (!slots[i]) {
			fs->items[fs->n] = (struct function){.kind = f->kind,
			                                     .file = f->file,
			                                     .name = f->name};
			slots[i] = (uint32_t)++fs->n;
		}
		fs->of_frame[id] = slots[i] - 1;
	}
	free(slots);
	return 0;
}

/* Charge one stack's value: self to its innermost function, total once to
 * every function on it, however often recursion repeats it. */
static void charge_stack(const struct profile *p, struct functions *fs,
                         uint32_t stack, uint64_t value)
{
	const struct profile_stack *s = profile_stack_at(p, stack);
	const uint32_t *frames = profile_stack_frames(p, s);
	for (uint32_t i = 0; i < s->depth; i++) {
		struct function *f = &fs->items[fs->of_frame[frames[i]]];
		if (f->seen != stack + 1) {
			f->seen = stack + 1;
			f->total += value;
		}
	}
	if (s->depth)
		fs->items[fs->of_frame[frames[s->depth - 1]]].self += value;
}

static int charge_samples(const struct profile *p, enum profile_metric m,
                          struct functions *fs)
{
	uint64_t *sums = profile_stack_sums(p, m);
	if (!sums)
		return -1;
	for (uint32_t id = 0; id < p->stacks.n; id++)
		if (sums[id])
			charge_stack(p, fs, id, sums[id]);
	free(sums);
	return 0;
}

/* --- ranking and printing --------------------------------------------- */

static const char *function_name(const struct profile *p,
                                 const struct function *f)
{
	if (f->kind == FRAME_INVALID)
		return ":INVALID:";
	if (f->kind == FRAME_GC)
		return ":GC:";
	return profile_str(p, f->name);
}

/* qsort has no context argument; ranking is not reentrant. */
static const struct profile *rank_profile;

/* Largest self first, then largest total, then by name and file, so equal
 * functions come out in the same order every time. */
static int by_self(const void *a, const void *b)
{
	const struct function *x = a, *y = b;
	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	int c = strcmp(function_name(rank_profile, x),
	               function_name(rank_profile, y));
	if (c)
		return c;
	return strcmp(profile_str(rank_profile, x->file),
	              profile_str(rank_profile, y->file));
}

static double share(uint64_t value, uint64_t total)
{
	return total ? 100.0 * (double)value / (double)total : 0.0;
}

#define NAME_WIDTH_MAX 40

static int name_width(const struct profile *p, const struct function *fs,
                      size_t n)
{
	size_t width = strlen("function");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(function_name(p, &fs[i]));
		if (len > width)
			width = len;
	}
	return (int)(width < NAME_WIDTH_MAX ? width : NAME_WIDTH_MAX);
}

static void put_row(const struct profile *p, const struct view_options *o,
                    const struct function *f, uint64_t total, int width,
                    FILE *out)
{
	char self[32], all[32];
	view_format_value(o->metric, f->self, self, sizeof self);
	view_format_value(o->metric, f->total, all, sizeof all);
	const char *name = function_name(p, f);
	fprintf(out, "%5.1f%%  %5.1f%%  %9s  %9s  ", share(f->self, total),
	        share(f->total, total), self, all);
	fprintf(out, "%s%s%s", o->colour ? BOLD : "", name,
	        o->colour ? RESET : "");
	int pad = width - (int)strlen(name);
	fprintf(out, "%*s  %s\n", pad > 0 ? pad : 0, "",
	        profile_str(p, f->file));
}

static void put_table(const struct profile *p, const struct view_options *o,
                      struct functions *fs, FILE *out)
{
	size_t top = o->top ? o->top : VIEW_TOP_DEFAULT;
	size_t shown = 0;
	while (shown < fs->n && fs->items[shown].total)
		shown++;
	if (shown > top)
		shown = top;
	char summary[160];
	view_summary(p, o->metric, summary, sizeof summary);
	view_put_marks(p, out);
	fprintf(out, "%s; the top %zu function%s by self share:\n\n", summary,
	        shown, shown == 1 ? "" : "s");
	int width = name_width(p, fs->items, shown);
	fprintf(out, "%6s  %6s  %9s  %9s  %-*s  file\n", "self", "total",
	        "self", "total", width, "function");
	uint64_t total = view_total(p, o->metric, NULL);
	for (size_t i = 0; i < shown; i++)
		put_row(p, o, &fs->items[i], total, width, out);
}

int view_top(const struct profile *p, const struct view_options *o, FILE *out)
{
	if (!view_total(p, o->metric, NULL)) {
		view_nothing_to_show(p, o->metric, out);
		return 0;
	}
	struct functions fs = {0};
	int rc = map_functions(p, &fs);
	if (rc == 0)
		rc = charge_samples(p, o->metric, &fs);
	if (rc == 0) {
		rank_profile = p;
		qsort(fs.items, fs.n, sizeof *fs.items, by_self);
		put_table(p, o, &fs, out);
	}
	free(fs.items);
	free(fs.of_frame);
	return rc;
}
