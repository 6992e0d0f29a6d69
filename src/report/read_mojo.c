/* austinc-report: MOJO recordings into the profile model.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The format is described in emit/mojo.h. Definitions (STRING, FRAME) are
 * kept as they come, keyed by (pid of the current STACK, key), pointing into
 * the input; a frame is only added to the model when a sample refers to it,
 * file name first, then function name, then the frame, outermost frame
 * first, and the GC mark last: the order in which the text reader meets
 * the same frames (tests/unit/test_mojo.c holds it to that), so both readers
 * give the same model, ids and all, for the same samples. Without a "mode"
 * metadata the mode is what the metrics show, and, as in the text reader,
 * a sample keeps only the metrics of the mode.
 *
 * A METADATA event with the key "system" is a --system record
 * (read_system.h): it ends the sample before it, its figures go to the
 * model's series and not to the metadata, and the samples after it get its
 * t as their at_us. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emit/mojo.h"
#include "report/parse.h"
#include "report/read.h"
#include "report/read_event.h"
#include "report/read_system.h"

#define NO_ID UINT32_MAX

/* The bounds read_text.c keeps: deeper than any stack austinc writes, and
 * few enough metadata keys for the model's linear search. */
#define MAX_DEPTH     (1u << 20)
#define MAX_META_KEYS 256

/* Austin's text form of a kernel frame is ";kernel:<scope>:0". */
#define KERNEL_FILE "kernel"
/* What string key 1 means when the stream does not define it. */
#define UNKNOWN_TEXT "<unknown>"

/* A definition: a string (text) or a frame (file, name, line). */
struct definition {
	int64_t pid, key;
	const char *file, *name;
	uint32_t file_len, name_len;
	int32_t line;
	uint32_t frame; /* the model's frame id once used, else NO_ID */
	int used;
};

/* Open addressing with linear probing, load under a half. The keys come
 * from the input: a seed that the input cannot know keeps a file made of
 * colliding keys from taking quadratic time. */
struct definitions {
	struct definition *slots;
	size_t capacity, count;
	uint64_t seed;
};

struct reader {
	const uint8_t *data;
	size_t len, at;
	size_t event_at; /* where the event being read began */
	int ran_out;     /* the data ended inside an integer or a string */
	int64_t version;
	struct profile *p;
	size_t first_sample; /* the first one read here */
	int mode_known;
	int seen_full, seen_memory; /* samples with both metrics, memory */
	char *err;
	size_t err_len;
	struct definitions strings, frames;
	int seen_stack;
	int64_t pid; /* of the latest STACK: definitions belong to it */
	struct system_reader system;
	/* the sample being read */
	int in_sample;
	size_t sample_at;
	uint64_t sample_at_us; /* the period it was taken in */
	uint32_t thread;
	uint32_t *stack;
	size_t depth, stack_capacity;
	int gc, idle, has_time, has_memory;
	uint64_t time;
	int64_t memory;
};

static int fail_at_byte(struct reader *r, size_t at, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Set "byte N: <message>" and return -1. */
static int fail_at_byte(struct reader *r, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	parse_failure(r->err, r->err_len, "byte", at, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- definitions ------------------------------------------------------ */

static uint64_t hash_ref(uint64_t seed, int64_t pid, int64_t key)
{
	uint64_t h = ((uint64_t)key * 0x9e3779b97f4a7c15ull) ^ (uint64_t)pid;
	h ^= seed;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

static struct definition *slot_of(const struct definitions *d, int64_t pid,
                                  int64_t key)
{
	size_t mask = d->capacity - 1;
	size_t i = hash_ref(d->seed, pid, key) & mask;
	while (d->slots[i].used &&
	       (d->slots[i].pid != pid || d->slots[i].key != key))
		i = (i + 1) & mask;
	return &d->slots[i];
}

static int grow(struct definitions *d)
{
	if ((d->count + 1) * 2 <= d->capacity)
		return 0;
	struct definitions bigger = {NULL, d->capacity ? d->capacity * 2 : 256,
	                             d->count, d->seed};
	bigger.slots = calloc(bigger.capacity, sizeof *bigger.slots);
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < d->capacity; i++)
		if (d->slots[i].used)
			*slot_of(&bigger, d->slots[i].pid, d->slots[i].key) =
			        d->slots[i];
	free(d->slots);
	*d = bigger;
	return 0;
}

/* Add or replace the definition of key in the current process. */
static int define(struct reader *r, struct definitions *d,
                  const struct definition *def)
{
	if (grow(d))
		return fail_at_byte(r, r->at, "out of memory");
	struct definition *slot = slot_of(d, def->pid, def->key);
	if (!slot->used)
		d->count++;
	*slot = *def;
	slot->used = 1;
	return 0;
}

static struct definition *lookup(const struct definitions *d, int64_t pid,
                                 int64_t key)
{
	if (!d->capacity)
		return NULL;
	struct definition *slot = slot_of(d, pid, key);
	return slot->used ? slot : NULL;
}

/* --- primitives ------------------------------------------------------- */

static int read_int(struct reader *r, int64_t *value, const char *what)
{
	size_t at = r->at;
	if (mojo_decode_int(r->data, r->len, &r->at, value) == 0)
		return 0;
	size_t end = at;
	while (end < r->len && (r->data[end] & 0x80))
		end++;
	if (end >= r->len) {
		r->ran_out = 1;
		return fail_at_byte(r, at, "truncated %s", what);
	}
	return fail_at_byte(r, at, "%s is not a 64-bit integer", what);
}

static int read_string(struct reader *r, const char **text, uint32_t *len,
                       const char *what)
{
	const uint8_t *start = r->data + r->at;
	const uint8_t *nul = memchr(start, '\0', r->len - r->at);
	*text = NULL;
	*len = 0;
	if (!nul) {
		r->ran_out = 1;
		return fail_at_byte(r, r->at,
		                    "truncated %s (no terminating NUL)", what);
	}
	if ((size_t)(nul - start) > UINT32_MAX)
		return fail_at_byte(r, r->at, "%s too long", what);
	*text = (const char *)start;
	*len = (uint32_t)(nul - start);
	r->at += *len + 1u;
	return 0;
}

/* A definition belongs to the process of the latest STACK. */
static int need_stack(struct reader *r, size_t at, const char *what)
{
	if (!r->seen_stack)
		return fail_at_byte(r, at, "%s before any stack", what);
	return 0;
}

/* --- the sample being read -------------------------------------------- */

static int push_frame(struct reader *r, size_t at, uint32_t frame)
{
	if (frame == NO_ID)
		return fail_at_byte(r, at, "out of memory");
	if (r->depth >= MAX_DEPTH)
		return fail_at_byte(r, at, "more than %u frames in one stack",
		                    MAX_DEPTH);
	if (r->depth == r->stack_capacity) {
		size_t capacity =
		        r->stack_capacity ? r->stack_capacity * 2 : 64;
		uint32_t *bigger = realloc(r->stack, capacity * sizeof *bigger);
		if (!bigger)
			return fail_at_byte(r, at, "out of memory");
		r->stack = bigger;
		r->stack_capacity = capacity;
	}
	r->stack[r->depth++] = frame;
	return 0;
}

/* Frames may only come between the STACK and the GC mark or metrics. */
static int frame_allowed(struct reader *r, size_t at, const char *what)
{
	if (!r->in_sample)
		return fail_at_byte(r, at, "%s outside a sample", what);
	if (r->has_time || r->has_memory)
		return fail_at_byte(r, at, "%s after the sample's metrics",
		                    what);
	if (r->gc)
		return fail_at_byte(r, at, "%s after the sample's GC mark",
		                    what);
	return 0;
}

static uint32_t pseudo_frame(struct reader *r, enum frame_kind kind)
{
	uint32_t empty = profile_string(r->p, "", 0);
	if (empty == NO_ID)
		return NO_ID;
	return profile_frame(r->p, empty, empty, 0, kind);
}

static int end_sample(struct reader *r, size_t at)
{
	if (!r->in_sample)
		return 0;
	r->in_sample = 0;
	if (!r->has_time && !r->has_memory)
		return fail_at_byte(r, at,
		                    "the sample at byte %zu has no metric",
		                    r->sample_at);
	if (r->gc && push_frame(r, at, pseudo_frame(r, FRAME_GC)))
		return -1;
	r->seen_full |= r->has_time && r->has_memory;
	r->seen_memory |= r->has_memory;
	struct profile_sample sample = {
	        .stack = profile_stack(r->p, r->thread, r->stack,
	                               (uint32_t)r->depth),
	        .idle = (uint32_t)r->idle,
	        .time = r->time,
	        .memory = r->memory,
	        .at_us = r->sample_at_us,
	};
	if (sample.stack == NO_ID || profile_add_sample(r->p, &sample))
		return fail_at_byte(r, at, "out of memory");
	return 0;
}

/* --- events ----------------------------------------------------------- */

static int is_mode(const char *value)
{
	static const char *const MODES[] = {"wall", "cpu", "memory", "full"};
	for (size_t i = 0; i < sizeof MODES / sizeof *MODES; i++)
		if (strcmp(value, MODES[i]) == 0)
			return 1;
	return 0;
}

/* A --system record: the sample before it is complete. Errors name the
 * byte of the offending field. */
static int on_system(struct reader *r, size_t at, const char *value,
                     uint32_t len)
{
	char message[256];
	size_t offset;
	size_t value_at = (size_t)((const uint8_t *)value - r->data);
	if (end_sample(r, at))
		return -1;
	if (system_read_record(r->p, &r->system, value, len, &offset, message,
	                       sizeof message))
		return fail_at_byte(r, value_at + offset, "%s", message);
	return 0;
}

/* A followed service's event: it too ends the sample before it, and goes
 * to the model's marks. */
static int on_event(struct reader *r, size_t at, const char *value,
                    uint32_t len)
{
	char message[256];
	size_t offset;
	size_t value_at = (size_t)((const uint8_t *)value - r->data);
	if (end_sample(r, at))
		return -1;
	if (event_read_record(r->p, value, len, &offset, message,
	                      sizeof message))
		return fail_at_byte(r, value_at + offset, "%s", message);
	return 0;
}

/* A metadata value that a reader of its own makes sense of (the start
 * time, the system period): its error at the value's offset. */
static int on_value(struct reader *r, const char *value, uint32_t len,
                    int (*read)(struct profile *, const char *, size_t, char *,
                                size_t))
{
	char message[256];
	size_t value_at = (size_t)((const uint8_t *)value - r->data);
	if (read(r->p, value, len, message, sizeof message))
		return fail_at_byte(r, value_at, "%s", message);
	return 0;
}

static int on_metadata(struct reader *r, size_t at)
{
	const char *key, *value;
	uint32_t key_len, value_len;
	if (read_string(r, &key, &key_len, "metadata key") ||
	    read_string(r, &value, &value_len, "metadata value"))
		return -1;
	/* Both end at their NUL, which read_string found. */
	if (strcmp(key, "system") == 0)
		return on_system(r, at, value, value_len);
	if (strcmp(key, "system-period") == 0 &&
	    on_value(r, value, value_len, system_read_period))
		return -1;
	if (strcmp(key, "event") == 0)
		return on_event(r, at, value, value_len);
	if (strcmp(key, "started") == 0 &&
	    on_value(r, value, value_len, event_read_started))
		return -1;
	if (strcmp(key, "mode") == 0) {
		if (!is_mode(value))
			return fail_at_byte(
			        r, at,
			        "mode '%.48s' is not wall, cpu, memory or full",
			        value);
		r->mode_known = 1;
	}
	if (r->p->meta.n >= MAX_META_KEYS && !profile_meta(r->p, key))
		return fail_at_byte(r, at, "more than %d metadata keys",
		                    MAX_META_KEYS);
	if (profile_set_meta(r->p, key, value))
		return fail_at_byte(r, at, "out of memory");
	return 0;
}

/* "%lx": 1 to 16 hexadecimal digits. */
static int parse_thread_id(const char *text, uint32_t len, int64_t *tid)
{
	if (len == 0 || len > 16)
		return -1;
	uint64_t value = 0;
	for (uint32_t i = 0; i < len; i++) {
		char c = text[i];
		int digit = c >= '0' && c <= '9'   ? c - '0'
		            : c >= 'a' && c <= 'f' ? c - 'a' + 10
		            : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                                   : -1;
		if (digit < 0)
			return -1;
		value = value << 4 | (uint64_t)digit;
	}
	*tid = (int64_t)value;
	return 0;
}

static int on_stack(struct reader *r, size_t at)
{
	if (end_sample(r, at))
		return -1;
	int64_t pid, iid = 0, tid;
	const char *thread;
	uint32_t thread_len;
	if (read_int(r, &pid, "pid") ||
	    (r->version >= 3 && read_int(r, &iid, "interpreter id")))
		return -1;
	size_t thread_at = r->at;
	if (read_string(r, &thread, &thread_len, "thread id"))
		return -1;
	if (parse_thread_id(thread, thread_len, &tid))
		return fail_at_byte(
		        r, thread_at,
		        "thread id is not 1 to 16 hexadecimal digits");
	r->thread = profile_thread(r->p, pid, iid, tid);
	if (r->thread == NO_ID)
		return fail_at_byte(r, at, "out of memory");
	r->seen_stack = 1;
	r->pid = pid;
	r->in_sample = 1;
	r->sample_at = at;
	r->sample_at_us = r->system.t_us;
	r->depth = 0;
	r->gc = r->idle = r->has_time = r->has_memory = 0;
	r->time = 0;
	r->memory = 0;
	return 0;
}

static int on_string(struct reader *r, size_t at)
{
	struct definition def = {.pid = r->pid, .frame = NO_ID};
	if (need_stack(r, at, "string") ||
	    read_int(r, &def.key, "string key") ||
	    read_string(r, &def.file, &def.file_len, "string"))
		return -1;
	return define(r, &r->strings, &def);
}

static int on_string_ref(struct reader *r, size_t at)
{
	int64_t key;
	if (need_stack(r, at, "string reference"))
		return -1;
	size_t key_at = r->at;
	if (read_int(r, &key, "string key"))
		return -1;
	if (key != MOJO_UNKNOWN_KEY && !lookup(&r->strings, r->pid, key))
		return fail_at_byte(r, key_at, "undefined string %lld",
		                    (long long)key);
	return 0;
}

/* The text of a string key, read at key_at. */
static int resolve_string(struct reader *r, size_t key_at, int64_t key,
                          const char **text, uint32_t *len)
{
	const struct definition *d = lookup(&r->strings, r->pid, key);
	if (d) {
		*text = d->file;
		*len = d->file_len;
		return 0;
	}
	if (key == MOJO_UNKNOWN_KEY) {
		*text = UNKNOWN_TEXT;
		*len = (uint32_t)strlen(UNKNOWN_TEXT);
		return 0;
	}
	return fail_at_byte(r, key_at, "undefined string %lld", (long long)key);
}

static int read_string_ref(struct reader *r, const char **text, uint32_t *len,
                           const char *what)
{
	int64_t key;
	size_t key_at = r->at;
	if (read_int(r, &key, what))
		return -1;
	return resolve_string(r, key_at, key, text, len);
}

/* line_end, column and column_end: read, not kept. */
static int skip_positions(struct reader *r)
{
	int64_t unused;
	return read_int(r, &unused, "frame end line") ||
	       read_int(r, &unused, "frame column") ||
	       read_int(r, &unused, "frame end column");
}

static int on_frame(struct reader *r, size_t at)
{
	struct definition def = {.pid = r->pid, .frame = NO_ID};
	int64_t line;
	if (need_stack(r, at, "frame") || read_int(r, &def.key, "frame key") ||
	    read_string_ref(r, &def.file, &def.file_len, "file name key") ||
	    read_string_ref(r, &def.name, &def.name_len, "function name key"))
		return -1;
	size_t line_at = r->at;
	if (read_int(r, &line, "line") || skip_positions(r))
		return -1;
	if (line < INT32_MIN || line > INT32_MAX)
		return fail_at_byte(r, line_at, "line %lld out of range",
		                    (long long)line);
	def.line = (int32_t)line;
	return define(r, &r->frames, &def);
}

/* The model's id of a python frame, interning its strings first. */
static uint32_t model_frame(struct reader *r, const char *file,
                            uint32_t file_len, const char *name,
                            uint32_t name_len, int32_t line)
{
	uint32_t file_id = profile_string(r->p, file, file_len);
	uint32_t name_id = profile_string(r->p, name, name_len);
	if (file_id == NO_ID || name_id == NO_ID)
		return NO_ID;
	return profile_frame(r->p, file_id, name_id, line, FRAME_PYTHON);
}

static int on_frame_ref(struct reader *r, size_t at)
{
	int64_t key;
	if (frame_allowed(r, at, "frame reference"))
		return -1;
	size_t key_at = r->at;
	if (read_int(r, &key, "frame key"))
		return -1;
	struct definition *d = lookup(&r->frames, r->pid, key);
	if (!d)
		return fail_at_byte(r, key_at, "undefined frame %lld",
		                    (long long)key);
	if (d->frame == NO_ID)
		d->frame = model_frame(r, d->file, d->file_len, d->name,
		                       d->name_len, d->line);
	return push_frame(r, at, d->frame);
}

static int on_frame_invalid(struct reader *r, size_t at)
{
	if (frame_allowed(r, at, "invalid frame"))
		return -1;
	return push_frame(r, at, pseudo_frame(r, FRAME_INVALID));
}

static int on_frame_kernel(struct reader *r, size_t at)
{
	const char *scope;
	uint32_t scope_len;
	if (frame_allowed(r, at, "kernel frame") ||
	    read_string(r, &scope, &scope_len, "kernel frame"))
		return -1;
	return push_frame(r, at,
	                  model_frame(r, KERNEL_FILE, strlen(KERNEL_FILE),
	                              scope, scope_len, 0));
}

static int on_gc(struct reader *r, size_t at)
{
	if (!r->in_sample)
		return fail_at_byte(r, at, "GC mark outside a sample");
	if (r->gc)
		return fail_at_byte(r, at, "second GC mark in one sample");
	if (r->has_time || r->has_memory)
		return fail_at_byte(r, at,
		                    "GC mark after the sample's metrics");
	r->gc = 1;
	return 0;
}

static int on_idle(struct reader *r, size_t at)
{
	if (!r->in_sample)
		return fail_at_byte(r, at, "idle mark outside a sample");
	if (r->idle)
		return fail_at_byte(r, at, "second idle mark in one sample");
	/* The memory metric ends a sample (emit/mojo.h): what follows it
	 * would not be there had the stream been cut right after it. */
	if (r->has_memory)
		return fail_at_byte(
		        r, at, "idle mark after the sample's memory metric");
	r->idle = 1;
	return 0;
}

static int on_metric_time(struct reader *r, size_t at)
{
	int64_t value;
	if (!r->in_sample)
		return fail_at_byte(r, at, "time metric outside a sample");
	if (r->has_time)
		return fail_at_byte(r, at, "second time metric in one sample");
	size_t value_at = r->at;
	if (read_int(r, &value, "time metric"))
		return -1;
	if (value < 0)
		return fail_at_byte(r, value_at, "negative time %lld",
		                    (long long)value);
	r->time = (uint64_t)value;
	r->has_time = 1;
	return 0;
}

static int on_metric_memory(struct reader *r, size_t at)
{
	if (!r->in_sample)
		return fail_at_byte(r, at, "memory metric outside a sample");
	if (r->has_memory)
		return fail_at_byte(r, at,
		                    "second memory metric in one sample");
	if (read_int(r, &r->memory, "memory metric"))
		return -1;
	r->has_memory = 1;
	return 0;
}

typedef int (*event_fn)(struct reader *r, size_t at);

static const event_fn EVENTS[] = {
        [MOJO_METADATA] = on_metadata,
        [MOJO_STACK] = on_stack,
        [MOJO_FRAME] = on_frame,
        [MOJO_FRAME_INVALID] = on_frame_invalid,
        [MOJO_FRAME_REF] = on_frame_ref,
        [MOJO_FRAME_KERNEL] = on_frame_kernel,
        [MOJO_GC] = on_gc,
        [MOJO_IDLE] = on_idle,
        [MOJO_METRIC_TIME] = on_metric_time,
        [MOJO_METRIC_MEMORY] = on_metric_memory,
        [MOJO_STRING] = on_string,
        [MOJO_STRING_REF] = on_string_ref,
};

static int read_header(struct reader *r)
{
	if (r->len < 3 || memcmp(r->data, "MOJ", 3) != 0) {
		size_t at = 0;
		while (at < 3 && at < r->len && r->data[at] == "MOJ"[at])
			at++;
		r->ran_out = at == r->len;
		return fail_at_byte(r, at,
		                    at < r->len ? "not a MOJO file"
		                                : "truncated MOJO header");
	}
	r->at = 3;
	if (read_int(r, &r->version, "MOJO version"))
		return -1;
	/* Version 2 (Austin 3.5) lacks only the interpreter id. Version 1
	 * is left out: Austin 3.4.0 and 3.4.1 wrote different frames under
	 * that same number (strings inline, then by reference). */
	if (r->version < 2 || r->version > MOJO_VERSION)
		return fail_at_byte(r, 3, "MOJO version %lld, expected 2 or %d",
		                    (long long)r->version, MOJO_VERSION);
	return 0;
}

/* --- the mode ---------------------------------------------------------- */

/* Without a "mode" metadata: time and memory together make full, memory
 * alone memory, anything else wall. */
static enum profile_mode infer_mode(const struct reader *r)
{
	if (r->seen_full)
		return PROFILE_FULL;
	return r->seen_memory ? PROFILE_MEMORY : PROFILE_WALL;
}

/* Keep only the metrics the mode has, as the text reader does. */
static void settle_mode(struct reader *r)
{
	if (!r->mode_known)
		r->p->mode = infer_mode(r);
	enum profile_mode mode = r->p->mode;
	if (mode == PROFILE_FULL)
		return;
	struct profile_sample *samples = r->p->samples.items;
	for (size_t i = r->first_sample; i < r->p->samples.n; i++) {
		if (mode == PROFILE_MEMORY)
			samples[i].time = 0;
		else
			samples[i].memory = 0;
		samples[i].idle = 0;
	}
}

static int read_events(struct reader *r)
{
	while (r->at < r->len) {
		size_t at = r->event_at = r->at;
		uint8_t event = r->data[r->at++];
		event_fn handle = event < sizeof EVENTS / sizeof *EVENTS
		                          ? EVENTS[event]
		                          : NULL;
		if (!handle)
			return fail_at_byte(r, at, "unknown event %u", event);
		if (handle(r, at))
			return -1;
	}
	return 0;
}

/* What the sample being read lacks of the metrics its mode writes
 * ("metric" when it has none), or NULL when it has them all. Without a
 * mode, any metric will do. */
static const char *missing_metric(const struct reader *r)
{
	if (!r->has_time && !r->has_memory)
		return "metric";
	if (!r->mode_known)
		return NULL;
	enum profile_mode mode = r->p->mode;
	if (mode != PROFILE_MEMORY && !r->has_time)
		return "time metric";
	if ((mode == PROFILE_MEMORY || mode == PROFILE_FULL) && !r->has_memory)
		return "memory metric";
	return NULL;
}

/* The stream ran out in the event at r->event_at (or in the header): keep
 * what came before, the sample being read only if it is whole, and say
 * where the part left out begins. */
static int salvage(struct reader *r, struct read_cut *cut)
{
	size_t at = r->event_at;
	const char *in = "an event";
	if (!r->version) {
		in = "the header";
	} else if (r->in_sample && missing_metric(r)) {
		at = r->sample_at;
		in = "a sample";
		r->in_sample = 0;
	} else if (r->data[at] == MOJO_STACK) {
		in = "a sample";
	}
	if (end_sample(r, r->len))
		return -1;
	cut->cut = 1;
	snprintf(cut->where, sizeof cut->where, "byte %zu (in %s)", at, in);
	if (r->err && r->err_len)
		r->err[0] = '\0';
	return 0;
}

/* The end of the stream, which ends the sample being read: one without
 * the metrics of its mode was cut short. */
static int read_end(struct reader *r, struct read_cut *cut)
{
	const char *missing = r->in_sample ? missing_metric(r) : NULL;
	if (!missing)
		return end_sample(r, r->len);
	if (cut)
		return salvage(r, cut);
	return fail_at_byte(r, r->len, "the sample at byte %zu has no %s",
	                    r->sample_at, missing);
}

int read_mojo(struct profile *p, const uint8_t *data, size_t len,
              struct read_cut *cut, char *err, size_t err_len)
{
	struct reader r = {.data = data,
	                   .len = len,
	                   .p = p,
	                   .first_sample = p->samples.n,
	                   .err = err,
	                   .err_len = err_len};
	if (err && err_len)
		err[0] = '\0';
	if (cut)
		*cut = (struct read_cut){0};
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	r.strings.seed = r.frames.seed =
	        (uint64_t)now.tv_nsec * 0x9e3779b97f4a7c15ull ^
	        (uint64_t)now.tv_sec ^ (uint64_t)(uintptr_t)&r;
	int result =
	        read_header(&r) || read_events(&r) ? -1 : read_end(&r, cut);
	if (result && r.ran_out && cut)
		result = salvage(&r, cut);
	if (result == 0)
		settle_mode(&r);
	free(r.strings.slots);
	free(r.frames.slots);
	free(r.stack);
	system_reader_free(&r.system);
	return result;
}
