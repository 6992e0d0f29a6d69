/* austinc-report's pprof view: the recording as a gzip-compressed
 * profile.proto (github.com/google/pprof, proto/profile.proto), which
 * go tool pprof, Grafana Pyroscope and Parca read.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Samples with the same stack are one pprof Sample whose values are their
 * sums, one value per sample type: the count of samples, then each metric
 * the recording has (wall and CPU time in nanoseconds, memory growth and
 * release in bytes). Process, thread and interpreter ids are numeric
 * labels, not frames. A Function is a (name, file) pair, a Location a
 * (function, line) pair, each written once; strings are interned. A diff
 * writes the new recording's samples and the base's with their values
 * negated and the label pprof::base=true, which is what pprof's own
 * -diff_base merges in. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "growable.h"
#include "hash.h"
#include "idindex.h"
#include "report/parse.h"
#include "report/protobuf.h"
#include "report/views.h"

/* profile.proto's field numbers. */
enum {
	PROFILE_SAMPLE_TYPE = 1,
	PROFILE_SAMPLE = 2,
	PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5,
	PROFILE_STRING_TABLE = 6,
	PROFILE_TIME_NANOS = 9,
	PROFILE_DURATION_NANOS = 10,
	PROFILE_PERIOD_TYPE = 11,
	PROFILE_PERIOD = 12,
	PROFILE_COMMENT = 13,
	PROFILE_DEFAULT_SAMPLE_TYPE = 14,
	VALUE_TYPE_TYPE = 1,
	VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1,
	SAMPLE_VALUE = 2,
	SAMPLE_LABEL = 3,
	LABEL_KEY = 1,
	LABEL_STR = 2,
	LABEL_NUM = 3,
	LOCATION_ID = 1,
	LOCATION_LINE = 4,
	LINE_FUNCTION_ID = 1,
	LINE_LINE = 2,
	FUNCTION_ID = 1,
	FUNCTION_NAME = 2,
	FUNCTION_SYSTEM_NAME = 3,
	FUNCTION_FILENAME = 4,
	FUNCTION_START_LINE = 5,
};

/* A sample type: the count of samples (metric unused), or a metric. */
struct sample_type {
	const char *type, *unit;
	int counts;                 /* the number of samples */
	enum profile_metric metric; /* else this metric's value */
	uint64_t scale;             /* times this (microseconds to ns) */
};

static const struct sample_type SAMPLE_TYPES[] = {
        {"samples", "count", 1, METRIC_TIME, 1},
        {"wall", "nanoseconds", 0, METRIC_WALL, 1000},
        {"cpu", "nanoseconds", 0, METRIC_CPU, 1000},
        {"memory_growth", "bytes", 0, METRIC_MEMORY_UP, 1},
        {"memory_release", "bytes", 0, METRIC_MEMORY_DOWN, 1},
};
#define N_TYPES (sizeof SAMPLE_TYPES / sizeof SAMPLE_TYPES[0])

struct function {
	uint32_t name, file; /* string indexes */
	int32_t start_line;  /* the lowest line sampled, 0 when none */
};

struct location {
	uint32_t function; /* index in functions: id - 1 */
	int32_t line;
};

struct pprof {
	char **strings; /* owned copies; strings[0] is "" */
	size_t n_strings, strings_cap;
	struct idindex string_index;
	struct function *functions;
	size_t n_functions, functions_cap;
	struct idindex function_index;
	struct location *locations;
	size_t n_locations, locations_cap;
	struct idindex location_index;
	const struct sample_type *types[N_TYPES]; /* the file's, in order */
	size_t n_types;
	struct pb out, sample, label, scratch;
	uint64_t *ids; /* a sample's location ids */
	size_t ids_cap;
	int failed; /* out of memory outside the buffers */
};

static int same_string(const void *table, uint32_t id, const void *key)
{
	return strcmp(((char *const *)table)[id], key) == 0;
}

/* The string table index of text. */
static uint32_t intern(struct pprof *w, const char *text)
{
	size_t slot, len = strlen(text);
	uint32_t id = idindex_lookup(&w->string_index, w->n_strings,
	                             hash_bytes(0, text, len), same_string,
	                             w->strings, text, &slot);
	if (id != IDINDEX_NONE)
		return id;
	char *copy = slot == IDINDEX_NO_ROOM ? NULL : strdup(text);
	if (!copy || grow_array((void **)&w->strings, &w->strings_cap,
	                        w->n_strings + 1, sizeof *w->strings)) {
		free(copy);
		w->failed = 1;
		return 0;
	}
	id = (uint32_t)w->n_strings;
	w->strings[w->n_strings++] = copy;
	idindex_set(&w->string_index, slot, id);
	return id;
}

static int same_function(const void *table, uint32_t id, const void *key)
{
	const struct function *a = (const struct function *)table + id;
	const struct function *b = key;
	return a->name == b->name && a->file == b->file;
}

/* The function id (from 1) of (name, file), its start line lowered to
 * line when that is a line. */
static uint32_t function_id(struct pprof *w, uint32_t name, uint32_t file,
                            int32_t line)
{
	struct function key = {name, file, line > 0 ? line : 0};
	size_t slot;
	uint32_t i = idindex_lookup(&w->function_index, w->n_functions,
	                            hash_mix((uint64_t)name << 32 | file),
	                            same_function, w->functions, &key, &slot);
	if (i != IDINDEX_NONE) {
		struct function *f = &w->functions[i];
		if (key.start_line && (!f->start_line || line < f->start_line))
			f->start_line = line;
		return i + 1;
	}
	if (slot == IDINDEX_NO_ROOM ||
	    grow_array((void **)&w->functions, &w->functions_cap,
	               w->n_functions + 1, sizeof *w->functions)) {
		w->failed = 1;
		return 1;
	}
	i = (uint32_t)w->n_functions++;
	w->functions[i] = key;
	idindex_set(&w->function_index, slot, i);
	return i + 1;
}

static int same_location(const void *table, uint32_t id, const void *key)
{
	const struct location *a = (const struct location *)table + id;
	const struct location *b = key;
	return a->function == b->function && a->line == b->line;
}

static uint32_t location_id(struct pprof *w, uint32_t function, int32_t line)
{
	struct location key = {function, line};
	size_t slot;
	uint32_t i = idindex_lookup(
	        &w->location_index, w->n_locations,
	        hash_mix((uint64_t)function << 32 | (uint32_t)line),
	        same_location, w->locations, &key, &slot);
	if (i != IDINDEX_NONE)
		return i + 1;
	if (slot == IDINDEX_NO_ROOM ||
	    grow_array((void **)&w->locations, &w->locations_cap,
	               w->n_locations + 1, sizeof *w->locations)) {
		w->failed = 1;
		return 1;
	}
	i = (uint32_t)w->n_locations++;
	w->locations[i] = key;
	idindex_set(&w->location_index, slot, i);
	return i + 1;
}

/* The location id of a frame of the model: Python frames by file,
 * function and line; the others by what text writes for them. */
static uint32_t frame_location(struct pprof *w, const struct profile *p,
                               uint32_t frame)
{
	const struct profile_frame *f = profile_frame_at(p, frame);
	const char *name = profile_str(p, f->name);
	if (f->kind == FRAME_INVALID)
		name = ":INVALID:";
	else if (f->kind == FRAME_GC)
		name = ":GC:";
	uint32_t fn = function_id(w, intern(w, name),
	                          intern(w, profile_str(p, f->file)), f->line);
	return location_id(w, fn - 1, f->line > 0 ? f->line : 0);
}

/* Location ids of every frame of p, by frame id (filled as met). */
static uint32_t *frame_locations(struct pprof *w, const struct profile *p)
{
	uint32_t *ids = calloc(p->frames.n ? p->frames.n : 1, sizeof *ids);
	if (!ids)
		w->failed = 1;
	return ids;
}

static void put_num_label(struct pprof *w, const char *key, int64_t num)
{
	pb_clear(&w->label);
	pb_uint(&w->label, LABEL_KEY, intern(w, key));
	pb_int(&w->label, LABEL_NUM, num);
	pb_message(&w->sample, SAMPLE_LABEL, &w->label);
}

/* One Sample: the stack (innermost first), its values and labels. */
static void put_sample(struct pprof *w, const struct profile *p,
                       uint32_t stack_id, uint32_t *locations,
                       const int64_t *values, int base)
{
	const struct profile_stack *st = profile_stack_at(p, stack_id);
	const uint32_t *frames = profile_stack_frames(p, st);
	if (grow_array((void **)&w->ids, &w->ids_cap, st->depth,
	               sizeof *w->ids)) {
		w->failed = 1;
		return;
	}
	for (uint32_t i = 0; i < st->depth; i++) {
		uint32_t frame = frames[st->depth - 1 - i];
		if (!locations[frame])
			locations[frame] = frame_location(w, p, frame);
		w->ids[i] = locations[frame];
	}
	pb_clear(&w->sample);
	pb_packed(&w->sample, &w->scratch, SAMPLE_LOCATION_ID, w->ids,
	          st->depth);
	uint64_t v[N_TYPES];
	for (size_t k = 0; k < w->n_types; k++)
		v[k] = (uint64_t)values[k];
	pb_packed(&w->sample, &w->scratch, SAMPLE_VALUE, v, w->n_types);
	const struct profile_thread *t = profile_thread_at(p, st->thread);
	put_num_label(w, "pid", t->pid);
	put_num_label(w, "tid", t->tid);
	if (t->iid)
		put_num_label(w, "interpreter", t->iid);
	if (base) {
		pb_clear(&w->label);
		pb_uint(&w->label, LABEL_KEY, intern(w, "pprof::base"));
		pb_uint(&w->label, LABEL_STR, intern(w, "true"));
		pb_message(&w->sample, SAMPLE_LABEL, &w->label);
	}
	pb_message(&w->out, PROFILE_SAMPLE, &w->sample);
}

/* The value of sample type t for s in p (0 when p has not the metric). */
static int64_t type_value(const struct profile *p, const struct sample_type *t,
                          const struct profile_sample *s)
{
	if (t->counts)
		return 1;
	if (!profile_has_metric(p, t->metric))
		return 0;
	return (int64_t)(profile_value(p, s, t->metric) * t->scale);
}

/* Every stack of p with its summed values, as Samples; base: negated and
 * labelled pprof::base. */
static int put_samples(struct pprof *w, const struct profile *p, int base)
{
	size_t n = w->n_types, stacks = p->stacks.n;
	int64_t *sums = calloc(stacks ? stacks * n : 1, sizeof *sums);
	uint32_t *locations = frame_locations(w, p);
	if (!sums || !locations) {
		free(sums);
		free(locations);
		return -1;
	}
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		for (size_t k = 0; k < n; k++)
			sums[s->stack * n + k] += type_value(p, w->types[k], s);
	}
	for (size_t id = 0; id < stacks; id++) {
		int64_t *v = sums + id * n;
		if (!v[0])
			continue; /* no sample has this stack */
		for (size_t k = 0; base && k < n; k++)
			v[k] = -v[k];
		put_sample(w, p, (uint32_t)id, locations, v, base);
	}
	free(sums);
	free(locations);
	return 0;
}

static void put_value_type(struct pprof *w, uint32_t field, const char *type,
                           const char *unit)
{
	pb_clear(&w->label);
	pb_uint(&w->label, VALUE_TYPE_TYPE, intern(w, type));
	pb_uint(&w->label, VALUE_TYPE_UNIT, intern(w, unit));
	pb_message(&w->out, field, &w->label);
}

/* The sample types of p: the count, and each metric it has. */
static void choose_types(struct pprof *w, const struct profile *p)
{
	for (size_t k = 0; k < N_TYPES; k++) {
		const struct sample_type *t = &SAMPLE_TYPES[k];
		if (t->counts || profile_has_metric(p, t->metric))
			w->types[w->n_types++] = t;
	}
	for (size_t k = 0; k < w->n_types; k++)
		put_value_type(w, PROFILE_SAMPLE_TYPE, w->types[k]->type,
		               w->types[k]->unit);
}

/* The sample type the view's metric is, for pprof's default. */
static void put_default_type(struct pprof *w, const struct profile *p,
                             enum profile_metric m)
{
	if (m == METRIC_TIME)
		m = p->mode == PROFILE_CPU ? METRIC_CPU : METRIC_WALL;
	for (size_t k = 0; k < w->n_types; k++)
		if (!w->types[k]->counts && w->types[k]->metric == m)
			pb_uint(&w->out, PROFILE_DEFAULT_SAMPLE_TYPE,
			        intern(w, w->types[k]->type));
}

static void put_comment(struct pprof *w, const struct profile *p,
                        const char *key)
{
	const char *value = profile_meta(p, key);
	if (!value)
		return;
	size_t len = strlen(key) + 2 + strlen(value) + 1;
	char *text = malloc(len);
	if (!text) {
		w->failed = 1;
		return;
	}
	snprintf(text, len, "%s: %s", key, value);
	pb_uint(&w->out, PROFILE_COMMENT, intern(w, text));
	free(text);
}

/* When, how long, at what interval, and the run's facts as comments. */
static void put_run(struct pprof *w, const struct profile *p)
{
	uint64_t us;
	if (p->has_started)
		pb_int(&w->out, PROFILE_TIME_NANOS, p->started_us * 1000);
	if (parse_micros_value(profile_meta(p, "duration"), &us))
		pb_int(&w->out, PROFILE_DURATION_NANOS, (int64_t)us * 1000);
	put_value_type(w, PROFILE_PERIOD_TYPE,
	               p->mode == PROFILE_CPU ? "cpu" : "wall", "nanoseconds");
	if (parse_micros_value(profile_meta(p, "interval"), &us))
		pb_int(&w->out, PROFILE_PERIOD, (int64_t)us * 1000);
	static const char *const KEYS[] = {"command", "python", "mode",
	                                   "austinc"};
	for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
		put_comment(w, p, KEYS[i]);
}

/* The tables the samples referred to. */
static void put_tables(struct pprof *w)
{
	struct pb *m = &w->sample, *line = &w->label;
	for (size_t i = 0; i < w->n_locations; i++) {
		pb_clear(line);
		pb_uint(line, LINE_FUNCTION_ID, w->locations[i].function + 1);
		pb_int(line, LINE_LINE, w->locations[i].line);
		pb_clear(m);
		pb_uint(m, LOCATION_ID, i + 1);
		pb_message(m, LOCATION_LINE, line);
		pb_message(&w->out, PROFILE_LOCATION, m);
	}
	for (size_t i = 0; i < w->n_functions; i++) {
		const struct function *f = &w->functions[i];
		pb_clear(m);
		pb_uint(m, FUNCTION_ID, i + 1);
		pb_uint(m, FUNCTION_NAME, f->name);
		pb_uint(m, FUNCTION_SYSTEM_NAME, f->name);
		pb_uint(m, FUNCTION_FILENAME, f->file);
		pb_int(m, FUNCTION_START_LINE, f->start_line);
		pb_message(&w->out, PROFILE_FUNCTION, m);
	}
	for (size_t i = 0; i < w->n_strings; i++)
		pb_bytes(&w->out, PROFILE_STRING_TABLE, w->strings[i],
		         strlen(w->strings[i]));
}

static void pprof_free(struct pprof *w)
{
	for (size_t i = 0; i < w->n_strings; i++)
		free(w->strings[i]);
	free(w->strings);
	free(w->functions);
	free(w->locations);
	free(w->ids);
	idindex_free(&w->string_index);
	idindex_free(&w->function_index);
	idindex_free(&w->location_index);
	pb_free(&w->out);
	pb_free(&w->sample);
	pb_free(&w->label);
	pb_free(&w->scratch);
}

/* The message, gzip-compressed, to out. */
static int write_gzip(const struct pb *b, FILE *out)
{
	z_stream z = {0};
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	                 Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	unsigned char chunk[65536];
	z.next_in = b->data;
	int rc;
	size_t left = b->n;
	do {
		uInt step = left > 1u << 30 ? 1u << 30 : (uInt)left;
		z.avail_in = step;
		left -= step;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof chunk;
			rc = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
			fwrite(chunk, 1, sizeof chunk - z.avail_out, out);
		} while (z.avail_out == 0);
	} while (left);
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : (errno = EIO, -1);
}

/* The pprof file of p, with base's samples as the negated base when not
 * NULL. */
static int write_pprof(const struct profile *base, const struct profile *p,
                       const struct view_options *o, FILE *out)
{
	struct pprof w = {0};
	intern(&w, ""); /* index 0, as profile.proto wants */
	choose_types(&w, p);
	int rc = put_samples(&w, p, 0);
	if (!rc && base)
		rc = put_samples(&w, base, 1);
	put_default_type(&w, p, o->metric);
	put_run(&w, p);
	put_tables(&w);
	if (!rc && (w.failed || w.out.failed || w.sample.failed ||
	            w.label.failed || w.scratch.failed)) {
		errno = ENOMEM;
		rc = -1;
	}
	if (!rc)
		rc = write_gzip(&w.out, out);
	pprof_free(&w);
	return rc;
}

int view_pprof(const struct profile *p, const struct view_options *o, FILE *out)
{
	return write_pprof(NULL, p, o, out);
}

int view_diff_pprof(const struct profile *base, const struct profile *p,
                    const struct view_options *o, FILE *out)
{
	return write_pprof(base, p, o, out);
}
