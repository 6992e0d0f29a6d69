/* One profile from several (see merge.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/merge.h"

#include <stdlib.h>
#include <string.h>

#define NO_ID UINT32_MAX

const char *merge_conflict(const struct profile *dst, const struct profile *src)
{
	/* The mode may have come from the metrics, not a "mode" line. */
	if (dst->mode != src->mode)
		return "mode";
	const char *a = profile_meta(dst, "interval");
	const char *b = profile_meta(src, "interval");
	if (a && b && strcmp(a, b) != 0)
		return "interval";
	if (dst->period_us && src->period_us &&
	    dst->period_us != src->period_us)
		return "system-period";
	return NULL;
}

/* src's ids in dst, one table per kind of item. */
struct id_maps {
	uint32_t *strings, *frames, *threads, *stacks;
};

static void free_maps(struct id_maps *m)
{
	free(m->strings);
	free(m->frames);
	free(m->threads);
	free(m->stacks);
}

static int alloc_maps(struct id_maps *m, const struct profile *src)
{
	/* (calloc of 0 may give NULL: one more each.) */
	m->strings = calloc(src->strings.n + 1, sizeof *m->strings);
	m->frames = calloc(src->frames.n + 1, sizeof *m->frames);
	m->threads = calloc(src->threads.n + 1, sizeof *m->threads);
	m->stacks = calloc(src->stacks.n + 1, sizeof *m->stacks);
	return m->strings && m->frames && m->threads && m->stacks ? 0 : -1;
}

static int map_strings(struct profile *dst, const struct profile *src,
                       struct id_maps *m)
{
	for (size_t i = 0; i < src->strings.n; i++) {
		const char *s = profile_str(src, (uint32_t)i);
		m->strings[i] = profile_string(dst, s, strlen(s));
		if (m->strings[i] == NO_ID)
			return -1;
	}
	return 0;
}

static int map_frames(struct profile *dst, const struct profile *src,
                      struct id_maps *m)
{
	for (size_t i = 0; i < src->frames.n; i++) {
		const struct profile_frame *f =
		        profile_frame_at(src, (uint32_t)i);
		m->frames[i] = profile_frame(dst, m->strings[f->file],
		                             m->strings[f->name], f->line,
		                             (enum frame_kind)f->kind);
		if (m->frames[i] == NO_ID)
			return -1;
	}
	return 0;
}

static int map_threads(struct profile *dst, const struct profile *src,
                       struct id_maps *m)
{
	for (size_t i = 0; i < src->threads.n; i++) {
		const struct profile_thread *t =
		        profile_thread_at(src, (uint32_t)i);
		m->threads[i] = profile_thread(dst, t->pid, t->iid, t->tid);
		if (m->threads[i] == NO_ID)
			return -1;
	}
	return 0;
}

static uint32_t max_depth(const struct profile *src)
{
	uint32_t depth = 1;
	for (size_t i = 0; i < src->stacks.n; i++) {
		const struct profile_stack *s =
		        profile_stack_at(src, (uint32_t)i);
		if (s->depth > depth)
			depth = s->depth;
	}
	return depth;
}

static int map_stacks(struct profile *dst, const struct profile *src,
                      struct id_maps *m)
{
	uint32_t *frames = malloc(max_depth(src) * sizeof *frames);
	if (!frames)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < src->stacks.n && rc == 0; i++) {
		const struct profile_stack *s =
		        profile_stack_at(src, (uint32_t)i);
		const uint32_t *ids = profile_stack_frames(src, s);
		for (uint32_t k = 0; k < s->depth; k++)
			frames[k] = m->frames[ids[k]];
		m->stacks[i] = profile_stack(dst, m->threads[s->thread], frames,
		                             s->depth);
		rc = m->stacks[i] == NO_ID ? -1 : 0;
	}
	free(frames);
	return rc;
}

static int add_samples(struct profile *dst, const struct profile *src,
                       const struct id_maps *m, uint64_t offset_us)
{
	for (size_t i = 0; i < src->samples.n; i++) {
		struct profile_sample s = *profile_sample_at(src, i);
		s.stack = m->stacks[s.stack];
		s.at_us += offset_us;
		if (profile_add_sample(dst, &s))
			return -1;
	}
	return 0;
}

static int add_series(struct profile *dst, const struct profile *src,
                      uint64_t offset_us)
{
	for (size_t i = 0; i < src->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(src, (uint32_t)i);
		uint32_t id =
		        profile_series(dst, profile_str(src, s->name), s->pid);
		if (id == NO_ID)
			return -1;
		const struct profile_point *points = profile_points(s);
		for (size_t k = 0; k < s->points.n; k++)
			if (profile_series_add(dst, id,
			                       points[k].t_us + offset_us,
			                       points[k].value))
				return -1;
	}
	return 0;
}

static int add_marks(struct profile *dst, const struct profile *src,
                     const struct id_maps *m, uint64_t offset_us)
{
	for (size_t i = 0; i < src->marks.n; i++) {
		struct profile_mark mark = *profile_mark_at(src, i);
		mark.t_us += offset_us;
		mark.python = m->strings[mark.python];
		if (profile_add_mark(dst, &mark))
			return -1;
	}
	return 0;
}

static int add_meta(struct profile *dst, const struct profile *src)
{
	const struct profile_meta *meta = src->meta.items;
	for (size_t i = 0; i < src->meta.n; i++)
		if (!profile_meta(dst, meta[i].key) &&
		    profile_set_meta(dst, meta[i].key, meta[i].value))
			return -1;
	return 0;
}

int merge_profile(struct profile *dst, const struct profile *src,
                  uint64_t offset_us)
{
	struct id_maps m = {0};
	int rc = alloc_maps(&m, src) || map_strings(dst, src, &m) ||
	                         map_frames(dst, src, &m) ||
	                         map_threads(dst, src, &m) ||
	                         map_stacks(dst, src, &m) ||
	                         add_samples(dst, src, &m, offset_us) ||
	                         add_series(dst, src, offset_us) ||
	                         add_marks(dst, src, &m, offset_us) ||
	                         add_meta(dst, src)
	                 ? -1
	                 : 0;
	if (rc == 0 && !dst->period_us)
		dst->period_us = src->period_us;
	free_maps(&m);
	return rc;
}
