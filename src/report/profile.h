/* austinc-report's model of a recording: what every reader fills and every
 * view reads, whatever the format the recording came in.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Strings, frames, threads and stacks are interned: each distinct one is
 * stored once and named by its index. Samples keep their order and their
 * raw metrics; views project the metric they show (profile_value). */
#ifndef AUSTINC_REPORT_PROFILE_H
#define AUSTINC_REPORT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "frame_kind.h"
#include "idindex.h"

/* What the sampler recorded (the "# mode:" metadata). */
enum profile_mode {
	PROFILE_WALL,   /* time: wall-clock microseconds */
	PROFILE_CPU,    /* time of samples that were not idle (-s) */
	PROFILE_MEMORY, /* signed RSS deltas (-m) */
	PROFILE_FULL,   /* time, idle flag and RSS delta (-f) */
};

/* The quantity a view shows. */
enum profile_metric {
	METRIC_TIME,        /* the recording's own time: wall, or CPU with -s */
	METRIC_CPU,         /* time of samples not idle */
	METRIC_WALL,        /* all time, idle or not */
	METRIC_MEMORY_UP,   /* memory+: RSS growth, bytes */
	METRIC_MEMORY_DOWN, /* memory-: RSS release, bytes, as positive */
};

struct profile_frame {
	uint32_t file, name; /* string ids ("" for INVALID and GC) */
	int32_t line;
	uint32_t kind; /* enum frame_kind (frame_kind.h) */
};

struct profile_thread {
	int64_t pid, iid, tid;
};

struct profile_stack {
	uint32_t thread; /* thread id */
	uint32_t depth;
	uint32_t first; /* its frame ids: frame_ids[first .. first + depth),
	                   outermost first */
};

struct profile_sample {
	uint32_t stack;
	uint32_t idle;  /* 1: the thread was idle (-f, or 0) */
	uint64_t time;  /* microseconds (0 in memory mode) */
	int64_t memory; /* RSS delta, bytes (0 unless -m or -f) */
	/* With --system: when the period the sample was taken in began,
	 * microseconds since sampling began (the t of the last system record
	 * before it); 0 otherwise. */
	uint64_t at_us;
};

struct profile_meta {
	char *key, *value;
};

/* A growable array of fixed-size items; internal to the model. */
struct profile_array {
	void *items;
	size_t n, capacity, size;
};

/* One point of a --system time series. */
struct profile_point {
	uint64_t t_us; /* since sampling began */
	double value;
};

/* A --system time series: a machine figure (pid 0) or one process's, named
 * as in the recording ("cpu.user", "rss", "disk.write"...). */
struct profile_series {
	uint32_t name;               /* string id */
	int64_t pid;                 /* 0: the machine */
	struct profile_array points; /* struct profile_point, by time */
};

/* Something that happened to the target, from an "event" record: austinc
 * attached to a process, or lost it (it exited). */
enum profile_mark_kind {
	MARK_ATTACH,
	MARK_DETACH,
};

struct profile_mark {
	uint64_t t_us;   /* since sampling began */
	int64_t pid;     /* > 0 */
	uint32_t kind;   /* enum profile_mark_kind */
	uint32_t python; /* string id: attach's python text ("" if none) */
};

struct profile {
	enum profile_mode mode;
	struct profile_array strings;   /* char * (NUL-terminated, owned) */
	struct profile_array frames;    /* struct profile_frame */
	struct profile_array threads;   /* struct profile_thread */
	struct profile_array stacks;    /* struct profile_stack */
	struct profile_array frame_ids; /* uint32_t: the stacks' frames */
	struct profile_array samples;   /* struct profile_sample, in order */
	struct profile_array meta;      /* struct profile_meta, in order */
	struct profile_array series;    /* struct profile_series */
	struct profile_array marks;     /* struct profile_mark, as read */
	uint64_t period_us; /* --system period; 0: no system records */
	/* The "started" metadata (UTC, microseconds since the epoch), when
	 * has_started: the wall-clock time sampling began. */
	int64_t started_us;
	int has_started;
	/* From contents to ids; internal. */
	struct idindex string_index, frame_index, thread_index, stack_index;
};

void profile_init(struct profile *p);
void profile_free(struct profile *p);

/* Interning; each returns the id, or UINT32_MAX when out of memory. */
uint32_t profile_string(struct profile *p, const char *text, size_t len);
uint32_t profile_frame(struct profile *p, uint32_t file, uint32_t name,
                       int32_t line, enum frame_kind kind);
uint32_t profile_thread(struct profile *p, int64_t pid, int64_t iid,
                        int64_t tid);
uint32_t profile_stack(struct profile *p, uint32_t thread,
                       const uint32_t *frames, uint32_t depth);

/* Append a sample; 0, or -1 when out of memory. */
int profile_add_sample(struct profile *p, const struct profile_sample *s);

/* The series of that name and pid, created when new; UINT32_MAX when out
 * of memory. */
uint32_t profile_series(struct profile *p, const char *name, int64_t pid);
/* Append a point; 0, or -1 when out of memory. */
int profile_series_add(struct profile *p, uint32_t series, uint64_t t_us,
                       double value);
static inline const struct profile_series *
profile_series_at(const struct profile *p, uint32_t id)
{
	return (const struct profile_series *)p->series.items + id;
}
static inline const struct profile_point *
profile_points(const struct profile_series *s)
{
	return (const struct profile_point *)s->points.items;
}

/* Append a mark; 0, or -1 when out of memory. */
int profile_add_mark(struct profile *p, const struct profile_mark *m);
static inline const struct profile_mark *
profile_mark_at(const struct profile *p, size_t i)
{
	return (const struct profile_mark *)p->marks.items + i;
}

/* Set (or replace) a metadata value; 0 or -1. The "mode" key also sets
 * p->mode ("wall", "cpu", "memory", "full"). */
int profile_set_meta(struct profile *p, const char *key, const char *value);
/* The value of key, or NULL. */
const char *profile_meta(const struct profile *p, const char *key);
/* Remove key, if there. */
void profile_unset_meta(struct profile *p, const char *key);

/* Accessors (ids are not checked: they come from the model). */
static inline const char *profile_str(const struct profile *p, uint32_t id)
{
	return ((char *const *)p->strings.items)[id];
}
static inline const struct profile_frame *
profile_frame_at(const struct profile *p, uint32_t id)
{
	return (const struct profile_frame *)p->frames.items + id;
}
static inline const struct profile_thread *
profile_thread_at(const struct profile *p, uint32_t id)
{
	return (const struct profile_thread *)p->threads.items + id;
}
static inline const struct profile_stack *
profile_stack_at(const struct profile *p, uint32_t id)
{
	return (const struct profile_stack *)p->stacks.items + id;
}
static inline const uint32_t *
profile_stack_frames(const struct profile *p, const struct profile_stack *s)
{
	/* An empty stack may come before any frame id is stored. */
	return s->depth ? (const uint32_t *)p->frame_ids.items + s->first
	                : NULL;
}
static inline const struct profile_sample *
profile_sample_at(const struct profile *p, size_t i)
{
	return (const struct profile_sample *)p->samples.items + i;
}

/* Does the recording carry this metric? (memory only from -m and -f; cpu
 * from -s or -f; time and wall from every mode but -m.) */
int profile_has_metric(const struct profile *p, enum profile_metric m);

/* One sample's value under a metric, >= 0. */
uint64_t profile_value(const struct profile *p, const struct profile_sample *s,
                       enum profile_metric m);

/* Each stack's value under the metric, summed over its samples: a new
 * array of p->stacks.n values (free it), or NULL when out of memory. A
 * long recording repeats few stacks many times, so views walk these. */
uint64_t *profile_stack_sums(const struct profile *p, enum profile_metric m);

/* "time", "cpu", "wall", "memory+", "memory-"; and parsing them back
 * (-1 if unknown). */
const char *profile_metric_name(enum profile_metric m);
int profile_metric_parse(const char *name, enum profile_metric *out);
/* The unit of a metric's values: "us" or "bytes". */
const char *profile_metric_unit(enum profile_metric m);

/* The display text of a frame: "name (file:line)", ":INVALID:", ":GC:". */
int profile_frame_label(const struct profile *p, uint32_t frame, char *buf,
                        size_t len);

#endif
