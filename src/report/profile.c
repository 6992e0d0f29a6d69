/* The profile model: interning and metrics.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "growable.h"
#include "hash.h"

#define NO_ID IDINDEX_NONE
/* Ids must stay below NO_ID. */
#define MAX_ITEMS (NO_ID - 1u)

static void array_init(struct profile_array *a, size_t size)
{
	memset(a, 0, sizeof *a);
	a->size = size;
}

/* Room for one more item; NULL when out of memory or full. */
static void *array_push(struct profile_array *a)
{
	if (a->n >= MAX_ITEMS ||
	    grow_array(&a->items, &a->capacity, a->n + 1, a->size))
		return NULL;
	return (char *)a->items + a->n++ * a->size;
}

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
	p->mode = PROFILE_WALL;
	array_init(&p->strings, sizeof(char *));
	array_init(&p->frames, sizeof(struct profile_frame));
	array_init(&p->threads, sizeof(struct profile_thread));
	array_init(&p->stacks, sizeof(struct profile_stack));
	array_init(&p->frame_ids, sizeof(uint32_t));
	array_init(&p->samples, sizeof(struct profile_sample));
	array_init(&p->meta, sizeof(struct profile_meta));
	array_init(&p->series, sizeof(struct profile_series));
	array_init(&p->marks, sizeof(struct profile_mark));
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; i < p->strings.n; i++)
		free(((char **)p->strings.items)[i]);
	for (size_t i = 0; i < p->meta.n; i++) {
		struct profile_meta *m =
		        (struct profile_meta *)p->meta.items + i;
		free(m->key);
		free(m->value);
	}
	for (size_t i = 0; i < p->series.n; i++)
		free(((struct profile_series *)p->series.items)[i]
		             .points.items);
	struct profile_array *arrays[] = {
	        &p->strings, &p->frames, &p->threads, &p->stacks, &p->frame_ids,
	        &p->samples, &p->meta,   &p->series,  &p->marks};
	for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
		free(arrays[i]->items);
	idindex_free(&p->string_index);
	idindex_free(&p->frame_index);
	idindex_free(&p->thread_index);
	idindex_free(&p->stack_index);
	memset(p, 0, sizeof *p);
}

/* --- strings -------------------------------------------------------- */

struct string_key {
	const char *text;
	size_t len;
};

static int same_string(const void *table, uint32_t id, const void *key)
{
	const struct string_key *k = key;
	const char *s = profile_str(table, id);
	return strncmp(s, k->text, k->len) == 0 && s[k->len] == '\0';
}

uint32_t profile_string(struct profile *p, const char *text, size_t len)
{
	struct string_key key = {text, len};
	size_t slot;
	uint32_t id = idindex_lookup(&p->string_index, p->strings.n,
	                             hash_bytes(0, text, len), same_string, p,
	                             &key, &slot);
	if (id != NO_ID || slot == IDINDEX_NO_ROOM)
		return id;
	char *copy = malloc(len + 1);
	char **item = copy ? array_push(&p->strings) : NULL;
	if (!item) {
		free(copy);
		return NO_ID;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	*item = copy;
	id = (uint32_t)p->strings.n - 1;
	idindex_set(&p->string_index, slot, id);
	return id;
}

/* --- frames and threads: fixed-size records ------------------------- */

static int same_frame(const void *table, uint32_t id, const void *key)
{
	return memcmp(profile_frame_at(table, id), key,
	              sizeof(struct profile_frame)) == 0;
}

uint32_t profile_frame(struct profile *p, uint32_t file, uint32_t name,
                       int32_t line, enum frame_kind kind)
{
	struct profile_frame f = {file, name, line, (uint32_t)kind};
	size_t slot;
	uint32_t id = idindex_lookup(&p->frame_index, p->frames.n,
	                             hash_bytes(0, &f, sizeof f), same_frame, p,
	                             &f, &slot);
	if (id != NO_ID || slot == IDINDEX_NO_ROOM)
		return id;
	struct profile_frame *item = array_push(&p->frames);
	if (!item)
		return NO_ID;
	*item = f;
	id = (uint32_t)p->frames.n - 1;
	idindex_set(&p->frame_index, slot, id);
	return id;
}

static int same_thread(const void *table, uint32_t id, const void *key)
{
	return memcmp(profile_thread_at(table, id), key,
	              sizeof(struct profile_thread)) == 0;
}

uint32_t profile_thread(struct profile *p, int64_t pid, int64_t iid,
                        int64_t tid)
{
	struct profile_thread t = {pid, iid, tid};
	size_t slot;
	uint32_t id = idindex_lookup(&p->thread_index, p->threads.n,
	                             hash_bytes(0, &t, sizeof t), same_thread,
	                             p, &t, &slot);
	if (id != NO_ID || slot == IDINDEX_NO_ROOM)
		return id;
	struct profile_thread *item = array_push(&p->threads);
	if (!item)
		return NO_ID;
	*item = t;
	id = (uint32_t)p->threads.n - 1;
	idindex_set(&p->thread_index, slot, id);
	return id;
}

/* --- stacks --------------------------------------------------------- */

struct stack_key {
	uint32_t thread, depth;
	const uint32_t *frames;
};

static int same_stack(const void *table, uint32_t id, const void *key)
{
	const struct stack_key *k = key;
	const struct profile_stack *s = profile_stack_at(table, id);
	if (s->thread != k->thread || s->depth != k->depth)
		return 0;
	/* An empty stack has no frames to compare (and maybe no array). */
	return k->depth == 0 ||
	       memcmp(profile_stack_frames(table, s), k->frames,
	              k->depth * sizeof *k->frames) == 0;
}

static uint64_t hash_stack(uint32_t thread, const uint32_t *frames,
                           uint32_t depth)
{
	/* An empty stack may have no array. */
	return depth ? hash_bytes(thread, frames, depth * sizeof *frames)
	             : hash_mix(thread);
}

/* Append the frame ids of a new stack; the first index, or NO_ID. */
static uint32_t push_frame_ids(struct profile *p, const uint32_t *frames,
                               uint32_t depth)
{
	size_t first = p->frame_ids.n;
	if (first >= MAX_ITEMS)
		return NO_ID;
	for (uint32_t i = 0; i < depth; i++) {
		uint32_t *id = array_push(&p->frame_ids);
		if (!id) {
			p->frame_ids.n = first;
			return NO_ID;
		}
		*id = frames[i];
	}
	return (uint32_t)first;
}

uint32_t profile_stack(struct profile *p, uint32_t thread,
                       const uint32_t *frames, uint32_t depth)
{
	struct stack_key key = {thread, depth, frames};
	size_t slot;
	uint32_t id = idindex_lookup(&p->stack_index, p->stacks.n,
	                             hash_stack(thread, frames, depth),
	                             same_stack, p, &key, &slot);
	if (id != NO_ID || slot == IDINDEX_NO_ROOM)
		return id;
	uint32_t first = push_frame_ids(p, frames, depth);
	struct profile_stack *item =
	        first != NO_ID ? array_push(&p->stacks) : NULL;
	if (!item)
		return NO_ID;
	*item = (struct profile_stack){thread, depth, first};
	id = (uint32_t)p->stacks.n - 1;
	idindex_set(&p->stack_index, slot, id);
	return id;
}

int profile_add_sample(struct profile *p, const struct profile_sample *s)
{
	struct profile_sample *item = array_push(&p->samples);
	if (!item)
		return -1;
	*item = *s;
	return 0;
}

/* --- system series -------------------------------------------------- */

uint32_t profile_series(struct profile *p, const char *name, int64_t pid)
{
	uint32_t name_id = profile_string(p, name, strlen(name));
	if (name_id == NO_ID)
		return NO_ID;
	/* A recording has a few dozen series: a scan is enough. */
	for (size_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(p, (uint32_t)i);
		if (s->name == name_id && s->pid == pid)
			return (uint32_t)i;
	}
	struct profile_series *s = array_push(&p->series);
	if (!s)
		return NO_ID;
	s->name = name_id;
	s->pid = pid;
	array_init(&s->points, sizeof(struct profile_point));
	return (uint32_t)(p->series.n - 1);
}

int profile_series_add(struct profile *p, uint32_t series, uint64_t t_us,
                       double value)
{
	struct profile_series *s =
	        (struct profile_series *)p->series.items + series;
	struct profile_point *point = array_push(&s->points);
	if (!point)
		return -1;
	*point = (struct profile_point){t_us, value};
	return 0;
}

/* --- marks ---------------------------------------------------------- */

int profile_add_mark(struct profile *p, const struct profile_mark *m)
{
	struct profile_mark *item = array_push(&p->marks);
	if (!item)
		return -1;
	*item = *m;
	return 0;
}

/* --- metadata ------------------------------------------------------- */

static const char *const MODE_NAMES[] = {"wall", "cpu", "memory", "full"};

static struct profile_meta *find_meta(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->meta.n; i++) {
		struct profile_meta *m =
		        (struct profile_meta *)p->meta.items + i;
		if (strcmp(m->key, key) == 0)
			return m;
	}
	return NULL;
}

int profile_set_meta(struct profile *p, const char *key, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return -1;
	struct profile_meta *m = find_meta(p, key);
	if (!m) {
		char *key_copy = strdup(key);
		m = key_copy ? array_push(&p->meta) : NULL;
		if (!m) {
			free(key_copy);
			free(copy);
			return -1;
		}
		m->key = key_copy;
		m->value = NULL;
	}
	free(m->value);
	m->value = copy;
	if (strcmp(key, "mode") == 0)
		for (size_t i = 0; i < 4; i++)
			if (strcmp(value, MODE_NAMES[i]) == 0)
				p->mode = (enum profile_mode)i;
	return 0;
}

const char *profile_meta(const struct profile *p, const char *key)
{
	const struct profile_meta *m = find_meta(p, key);
	return m ? m->value : NULL;
}

void profile_unset_meta(struct profile *p, const char *key)
{
	struct profile_meta *m = find_meta(p, key);
	if (!m)
		return;
	struct profile_meta *items = p->meta.items;
	size_t at = (size_t)(m - items);
	free(m->key);
	free(m->value);
	/* The order of the rest is kept: views list metadata as read. */
	memmove(m, m + 1, (p->meta.n - at - 1) * sizeof *m);
	p->meta.n--;
}

/* --- metrics -------------------------------------------------------- */

static const char *const METRIC_NAMES[] = {"time", "cpu", "wall", "memory+",
                                           "memory-"};

int profile_has_metric(const struct profile *p, enum profile_metric m)
{
	switch (m) {
	case METRIC_TIME:
		return p->mode != PROFILE_MEMORY;
	case METRIC_CPU:
		return p->mode == PROFILE_CPU || p->mode == PROFILE_FULL;
	case METRIC_WALL:
		return p->mode == PROFILE_WALL || p->mode == PROFILE_FULL;
	case METRIC_MEMORY_UP:
	case METRIC_MEMORY_DOWN:
		return p->mode == PROFILE_MEMORY || p->mode == PROFILE_FULL;
	}
	return 0;
}

uint64_t profile_value(const struct profile *p, const struct profile_sample *s,
                       enum profile_metric m)
{
	switch (m) {
	case METRIC_TIME:
	case METRIC_WALL:
		return s->time;
	case METRIC_CPU:
		/* A -s recording holds only samples that were not idle. */
		return p->mode == PROFILE_CPU || !s->idle ? s->time : 0;
	case METRIC_MEMORY_UP:
		return s->memory > 0 ? (uint64_t)s->memory : 0;
	case METRIC_MEMORY_DOWN:
		return s->memory < 0 ? 0u - (uint64_t)s->memory : 0;
	}
	return 0;
}

uint64_t *profile_stack_sums(const struct profile *p, enum profile_metric m)
{
	uint64_t *sums = calloc(p->stacks.n ? p->stacks.n : 1, sizeof *sums);
	if (!sums)
		return NULL;
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		sums[s->stack] += profile_value(p, s, m);
	}
	return sums;
}

const char *profile_metric_name(enum profile_metric m)
{
	return METRIC_NAMES[m];
}

int profile_metric_parse(const char *name, enum profile_metric *out)
{
	for (size_t i = 0; i < sizeof METRIC_NAMES / sizeof *METRIC_NAMES; i++)
		if (strcmp(name, METRIC_NAMES[i]) == 0) {
			*out = (enum profile_metric)i;
			return 0;
		}
	return -1;
}

const char *profile_metric_unit(enum profile_metric m)
{
	return m == METRIC_MEMORY_UP || m == METRIC_MEMORY_DOWN ? "bytes"
	                                                        : "us";
}

int profile_frame_label(const struct profile *p, uint32_t frame, char *buf,
                        size_t len)
{
	const struct profile_frame *f = profile_frame_at(p, frame);
	if (f->kind == FRAME_INVALID)
		return snprintf(buf, len, ":INVALID:");
	if (f->kind == FRAME_GC)
		return snprintf(buf, len, ":GC:");
	return snprintf(buf, len, "%s (%s:%d)", profile_str(p, f->name),
	                profile_str(p, f->file), (int)f->line);
}
