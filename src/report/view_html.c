/* austinc-report --html: one self-contained, interactive HTML report.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The page is a template (assets/report.html) with its style sheet and
 * scripts (report.css, report.js, report-marks.js) compiled in, and the
 * recording embedded as one JSON document that the script draws everything
 * from: the header, the flame graph, the timeline panels. Nothing is fetched:
 * the file works offline, anywhere.
 *
 * The JSON is kept compact, because a long recording has millions of
 * samples: strings and frames are tables named by index, stacks are arrays
 * of frame indexes, and samples are summed per (period, stack) with one
 * column per metric the recording has. The periods are those of --system
 * (a sample's at_us); a recording without them is one period. Periods are
 * merged in runs so that there are at most MAX_BUCKETS, and in longer runs
 * while the (period, stack) entries take more than MAX_NUMBERS; a
 * --system series keeps at most MAX_POINTS points (means of runs;
 * view_html_facts.c). So the
 * file grows with the number of distinct stacks, not with the length of
 * the run: the time resolution of a range gives way instead.
 *
 * The JSON sits in a <script type="application/json"> element, which ends
 * at the first "</script" whatever the quotes around it: every '<', '>'
 * and '&' in it is written as a \u escape, so that a function named
 * "</script>" cannot end the element. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "growable.h"
#include "hash.h"
#include "idindex.h"
#include "report/escape.h"
#include "report/view_html.h"
#include "report/views.h"
#include "src/report/report-assets.h" /* generated: report_html/js/css */

/* Time resolution of the range selection: a timeline is at most about a
 * thousand pixels wide. */
#define MAX_BUCKETS 1000
/* The numbers the entries may take, some 3 bytes each: this keeps the
 * samples to about 6 MB, half of what the report of a million samples may
 * take (400000 entries of a -f recording, 1000000 of a time one). */
#define MAX_NUMBERS 2000000

#define NO_ID IDINDEX_NONE

/* The metrics a report can show, in the order of the columns. */
static const enum profile_metric SHOWN[] = {
        METRIC_WALL, METRIC_CPU, METRIC_MEMORY_UP, METRIC_MEMORY_DOWN};
#define MAX_COLUMNS (sizeof SHOWN / sizeof *SHOWN)

struct columns {
	enum profile_metric metric[MAX_COLUMNS];
	size_t n;
};

/* --- the string and frame tables ------------------------------------- */

/* A frame as the page sees it: indexes into the string table. */
struct out_frame {
	uint32_t name, file;
	int32_t line;
	uint32_t library; /* view_is_library_file */
};

/* The tables written: the strings and frames of one recording, or of two
 * for a diff, each once. The strings are the profiles' own. */
struct tables {
	const char **strings;
	size_t n_strings, strings_capacity;
	struct idindex string_index;
	struct out_frame *frames;
	size_t n_frames, frames_capacity;
	struct idindex frame_index;
};

static int same_string(const void *table, uint32_t id, const void *key)
{
	return strcmp(((const struct tables *)table)->strings[id], key) == 0;
}

/* The index of s in the string table, added when new; NO_ID when out of
 * memory. */
static uint32_t intern_string(struct tables *t, const char *s)
{
	size_t slot;
	uint32_t id = idindex_lookup(&t->string_index, t->n_strings,
	                             hash_bytes(0, s, strlen(s)), same_string,
	                             t, s, &slot);
	if (id != NO_ID || slot == IDINDEX_NO_ROOM)
		return id;
	if (grow_array((void **)&t->strings, &t->strings_capacity,
	               t->n_strings + 1, sizeof *t->strings))
		return NO_ID;
	id = (uint32_t)t->n_strings++;
	t->strings[id] = s;
	idindex_set(&t->string_index, slot, id);
	return id;
}

static uint64_t hash_frame(const struct out_frame *f)
{
	return hash_mix((uint64_t)f->name << 32 ^ f->file) ^
	       hash_mix((uint64_t)(uint32_t)f->line);
}

static int same_frame(const void *table, uint32_t id, const void *key)
{
	const struct out_frame *a = &((const struct tables *)table)->frames[id];
	const struct out_frame *b = key;
	return a->name == b->name && a->file == b->file && a->line == b->line;
}

/* The name a frame is shown with: special frames have none of their own. */
static const char *frame_name(const struct profile *p,
                              const struct profile_frame *f)
{
	if (f->kind == FRAME_INVALID)
		return ":INVALID:";
	if (f->kind == FRAME_GC)
		return ":GC:";
	return profile_str(p, f->name);
}

static uint32_t intern_frame(struct tables *t, const struct profile *p,
                             const struct profile_frame *pf)
{
	const char *file =
	        pf->kind == FRAME_PYTHON ? profile_str(p, pf->file) : "";
	struct out_frame f = {.name = intern_string(t, frame_name(p, pf)),
	                      .file = intern_string(t, file),
	                      .line = pf->kind == FRAME_PYTHON ? pf->line : 0,
	                      .library = view_is_library_file(file)};
	if (f.name == NO_ID || f.file == NO_ID)
		return NO_ID;
	size_t slot;
	uint32_t id = idindex_lookup(&t->frame_index, t->n_frames,
	                             hash_frame(&f), same_frame, t, &f, &slot);
	if (id != NO_ID || slot == IDINDEX_NO_ROOM)
		return id;
	if (grow_array((void **)&t->frames, &t->frames_capacity,
	               t->n_frames + 1, sizeof *t->frames))
		return NO_ID;
	id = (uint32_t)t->n_frames++;
	t->frames[id] = f;
	idindex_set(&t->frame_index, slot, id);
	return id;
}

/* The table index of each of p's frames (malloc'd), adding them. */
static uint32_t *map_frames(struct tables *t, const struct profile *p)
{
	uint32_t *map = malloc((p->frames.n ? p->frames.n : 1) * sizeof *map);
	for (size_t i = 0; map && i < p->frames.n; i++) {
		map[i] = intern_frame(t, p, profile_frame_at(p, (uint32_t)i));
		if (map[i] == NO_ID) {
			free(map);
			map = NULL;
		}
	}
	return map;
}

static void free_tables(struct tables *t)
{
	free(t->strings);
	idindex_free(&t->string_index);
	free(t->frames);
	idindex_free(&t->frame_index);
}

static void put_strings(FILE *out, const struct tables *t)
{
	fputs(",\"strings\":[", out);
	for (size_t i = 0; i < t->n_strings; i++) {
		if (i)
			putc(',', out);
		html_put_string(out, t->strings[i]);
	}
	putc(']', out);
}

static void put_frames(FILE *out, const struct tables *t)
{
	fputs(",\"frames\":[", out);
	for (size_t i = 0; i < t->n_frames; i++) {
		const struct out_frame *f = &t->frames[i];
		fprintf(out,
		        "%s[%" PRIu32 ",%" PRIu32 ",%" PRId32 ",%" PRIu32 "]",
		        i ? "," : "", f->name, f->file, f->line, f->library);
	}
	putc(']', out);
}

static void put_threads(FILE *out, const struct profile *p)
{
	fputs(",\"threads\":[", out);
	for (size_t i = 0; i < p->threads.n; i++) {
		const struct profile_thread *t =
		        profile_thread_at(p, (uint32_t)i);
		fprintf(out, "%s[%" PRId64 ",%" PRId64 ",%" PRId64 "]",
		        i ? "," : "", t->pid, t->iid, t->tid);
	}
	putc(']', out);
}

/* "stacks": each one's frames (table indexes), outermost first; with
 * threads, "stack_threads": each one's thread. */
static void put_stacks(FILE *out, const struct profile *p,
                       const uint32_t *frame_map, int threads)
{
	fputs(",\"stacks\":[", out);
	for (size_t i = 0; i < p->stacks.n; i++) {
		const struct profile_stack *s =
		        profile_stack_at(p, (uint32_t)i);
		const uint32_t *frames = profile_stack_frames(p, s);
		fputs(i ? ",[" : "[", out);
		for (uint32_t d = 0; d < s->depth; d++)
			fprintf(out, "%s%" PRIu32, d ? "," : "",
			        frame_map[frames[d]]);
		putc(']', out);
	}
	putc(']', out);
	if (!threads)
		return;
	fputs(",\"stack_threads\":[", out);
	for (size_t i = 0; i < p->stacks.n; i++)
		fprintf(out, "%s%" PRIu32, i ? "," : "",
		        profile_stack_at(p, (uint32_t)i)->thread);
	putc(']', out);
}

static struct columns columns_of(const struct profile *p)
{
	struct columns c = {.n = 0};
	for (size_t i = 0; i < MAX_COLUMNS; i++)
		if (profile_has_metric(p, SHOWN[i]))
			c.metric[c.n++] = SHOWN[i];
	return c;
}

static void put_columns(FILE *out, const struct columns *c)
{
	fputs(",\"metrics\":[", out);
	for (size_t i = 0; i < c->n; i++)
		fprintf(out, "%s\"%s\"", i ? "," : "",
		        profile_metric_name(c->metric[i]));
	putc(']', out);
}

/* The name of the metric the page opens with. */
static const char *first_metric(const struct profile *p, enum profile_metric m)
{
	if (m == METRIC_TIME)
		m = p->mode == PROFILE_CPU ? METRIC_CPU : METRIC_WALL;
	return profile_metric_name(m);
}

/* --- periods ----------------------------------------------------------- */

/* The periods samples were taken in, merged in runs of `merge`: bucket b
 * holds the samples whose at_us is one of starts[b * merge ...]. */
struct buckets {
	uint64_t *starts; /* the distinct at_us, in order */
	size_t n_starts;
	size_t merge;
	size_t n; /* buckets */
};

static void set_merge(struct buckets *b, size_t merge)
{
	b->merge = merge;
	b->n = (b->n_starts + merge - 1) / merge;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int find_buckets(const struct profile *p, struct buckets *b)
{
	/* Samples come in time order, in long runs of one period: keep one
	 * value per run, then sort out what is left. */
	b->starts =
	        malloc((p->samples.n ? p->samples.n : 1) * sizeof *b->starts);
	if (!b->starts)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < p->samples.n; i++) {
		uint64_t at = profile_sample_at(p, i)->at_us;
		if (n == 0 || b->starts[n - 1] != at)
			b->starts[n++] = at;
	}
	qsort(b->starts, n, sizeof *b->starts, compare_u64);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		if (distinct == 0 || b->starts[distinct - 1] != b->starts[i])
			b->starts[distinct++] = b->starts[i];
	b->n_starts = distinct;
	set_merge(b, distinct > MAX_BUCKETS
	                     ? (distinct + MAX_BUCKETS - 1) / MAX_BUCKETS
	                     : 1);
	return 0;
}

static uint32_t bucket_of(const struct buckets *b, uint64_t at_us)
{
	size_t low = 0, high = b->n_starts;
	while (high - low > 1) {
		size_t mid = low + (high - low) / 2;
		if (b->starts[mid] <= at_us)
			low = mid;
		else
			high = mid;
	}
	return (uint32_t)(low / b->merge);
}

/* --- samples summed per (bucket, stack) ------------------------------ */

struct entry {
	uint32_t bucket, stack;
	uint64_t value[MAX_COLUMNS];
};

struct entries {
	struct entry *items;
	size_t n, capacity;
	struct idindex index;
};

static uint64_t hash_key(uint32_t bucket, uint32_t stack)
{
	return hash_mix((uint64_t)bucket << 32 | stack);
}

static int same_entry(const void *table, uint32_t id, const void *key)
{
	const struct entry *e = &((const struct entries *)table)->items[id];
	const struct entry *k = key;
	return e->bucket == k->bucket && e->stack == k->stack;
}

static void free_entries(struct entries *es)
{
	free(es->items);
	idindex_free(&es->index);
}

/* The entry of (bucket, stack), added (at zero) when new. */
static struct entry *entry_for(struct entries *es, uint32_t bucket,
                               uint32_t stack)
{
	struct entry key = {.bucket = bucket, .stack = stack};
	size_t slot;
	uint32_t id = idindex_lookup(&es->index, es->n, hash_key(bucket, stack),
	                             same_entry, es, &key, &slot);
	if (id != NO_ID)
		return &es->items[id];
	if (slot == IDINDEX_NO_ROOM)
		return NULL;
	if (grow_array((void **)&es->items, &es->capacity, es->n + 1,
	               sizeof key))
		return NULL;
	id = (uint32_t)es->n++;
	es->items[id] = key;
	idindex_set(&es->index, slot, id);
	return &es->items[id];
}

static int add_to_entry(struct entries *es, uint32_t bucket, uint32_t stack,
                        const uint64_t *values, size_t columns)
{
	struct entry *e = entry_for(es, bucket, stack);
	if (!e)
		return -1;
	for (size_t k = 0; k < columns; k++)
		e->value[k] += values[k];
	return 0;
}

/* Sum every sample worth something into its (bucket, stack) entry. */
static int sum_samples(const struct profile *p, const struct buckets *b,
                       const struct columns *c, struct entries *es)
{
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		uint64_t v[MAX_COLUMNS], any = 0;
		for (size_t k = 0; k < c->n; k++)
			any |= v[k] = profile_value(p, s, c->metric[k]);
		if (any &&
		    add_to_entry(es, bucket_of(b, s->at_us), s->stack, v, c->n))
			return -1;
	}
	return 0;
}

/* Merge the buckets in pairs: bucket i goes into i / 2, as it does when
 * the periods are merged in runs twice as long. */
static int halve_buckets(struct buckets *b, struct entries *es, size_t columns)
{
	struct entries merged = {0};
	for (size_t i = 0; i < es->n; i++) {
		const struct entry *e = &es->items[i];
		if (add_to_entry(&merged, e->bucket / 2, e->stack, e->value,
		                 columns)) {
			free_entries(&merged);
			return -1;
		}
	}
	free_entries(es);
	*es = merged;
	set_merge(b, b->merge * 2);
	return 0;
}

static int by_bucket_then_stack(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return (x->stack > y->stack) - (x->stack < y->stack);
}

/* The entries of p's samples, within MAX_NUMBERS unless one bucket holds
 * more, in bucket, then stack order. */
static int sum_entries(const struct profile *p, struct buckets *b,
                       const struct columns *c, struct entries *es)
{
	if (sum_samples(p, b, c, es))
		return -1;
	while (es->n * (c->n + 1) > MAX_NUMBERS && b->n > 1)
		if (halve_buckets(b, es, c->n))
			return -1;
	if (es->n) /* (no entries, no array: qsort must not see NULL) */
		qsort(es->items, es->n, sizeof *es->items,
		      by_bucket_then_stack);
	return 0;
}

/* Entries from es->items[from] to the first of another bucket (all of
 * them when all_buckets), as "stack, value per column, ..." where each
 * stack but the first is given as its difference from the one before:
 * the stacks of a bucket ascend, so those are small numbers. Returns
 * where it stopped. */
static size_t put_entries(FILE *out, const struct entries *es, size_t from,
                          size_t columns, int all_buckets)
{
	uint32_t bucket = from < es->n ? es->items[from].bucket : 0;
	uint32_t previous = 0;
	size_t i = from;
	for (; i < es->n; i++) {
		const struct entry *e = &es->items[i];
		if (!all_buckets && e->bucket != bucket)
			break;
		fprintf(out, "%s%" PRIu32, i == from ? "" : ",",
		        e->stack - previous);
		previous = e->stack;
		for (size_t k = 0; k < columns; k++)
			fprintf(out, ",%" PRIu64, e->value[k]);
	}
	return i;
}

/* "buckets": [start, [entries]] each, in time order; "period": a
 * bucket's length (0 without --system). */
static void put_buckets(FILE *out, const struct profile *p,
                        const struct buckets *b, const struct entries *es,
                        size_t columns)
{
	fprintf(out, ",\"period\":%" PRIu64 ",\"buckets\":[",
	        p->period_us * b->merge);
	size_t e = 0;
	for (size_t i = 0; i < b->n; i++) {
		fprintf(out, "%s[%" PRIu64 ",[", i ? "," : "",
		        b->starts[i * b->merge]);
		if (e < es->n && es->items[e].bucket == i)
			e = put_entries(out, es, e, columns, 0);
		fputs("]]", out);
	}
	putc(']', out);
}

/* --- one recording ---------------------------------------------------- */

/* Samples of p summed per bucket and stack (one bucket when !timeline). */
static int write_samples(FILE *out, const struct profile *p,
                         const struct columns *c, int timeline)
{
	struct buckets b = {0};
	struct entries es = {0};
	int rc = find_buckets(p, &b);
	if (rc == 0 && !timeline)
		set_merge(&b, b.n_starts ? b.n_starts : 1);
	if (rc == 0)
		rc = sum_entries(p, &b, c, &es);
	if (rc == 0 && timeline) {
		put_buckets(out, p, &b, &es, c->n);
	} else if (rc == 0) {
		fputs(",\"entries\":[", out);
		put_entries(out, &es, 0, c->n, 1);
		putc(']', out);
	}
	free(b.starts);
	free_entries(&es);
	return rc;
}

/* What the page needs of the base of a diff: its summary, its metrics and
 * its stacks summed over the whole run (no timeline, threads merged). */
static int write_base(FILE *out, const struct profile *base,
                      const uint32_t *frame_map)
{
	struct columns c = columns_of(base);
	fputs(",\"base\":{\"format\":1", out);
	put_columns(out, &c);
	if (html_put_summary(out, base))
		return -1;
	put_stacks(out, base, frame_map, 0);
	if (write_samples(out, base, &c, 0))
		return -1;
	putc('}', out);
	return 0;
}

/* The document, once the frames of p (and of base) are in the tables. */
static int write_document(FILE *out, const struct tables *t,
                          const struct profile *p, const uint32_t *map,
                          const struct profile *base, const uint32_t *base_map,
                          const struct view_options *o)
{
	struct columns c = columns_of(p);
	fputs("{\"format\":1", out);
	if (html_put_summary(out, p))
		return -1;
	html_put_meta(out, p);
	put_columns(out, &c);
	fprintf(out, ",\"metric\":\"%s\"", first_metric(p, o->metric));
	put_strings(out, t);
	put_frames(out, t);
	put_threads(out, p);
	put_stacks(out, p, map, 1);
	if (write_samples(out, p, &c, 1))
		return -1;
	html_put_series(out, p);
	html_put_marks(out, p);
	if (base && write_base(out, base, base_map))
		return -1;
	putc('}', out);
	return 0;
}

/* The whole JSON document; base is NULL unless for a diff. 0, or -1 with
 * errno set when out of memory. */
static int write_data(FILE *out, const struct profile *base,
                      const struct profile *p, const struct view_options *o)
{
	struct tables t = {0};
	uint32_t *map = map_frames(&t, p);
	uint32_t *base_map = map && base ? map_frames(&t, base) : NULL;
	int rc = map && (!base || base_map)
	                 ? write_document(out, &t, p, map, base, base_map, o)
	                 : -1;
	int saved = errno;
	free(map);
	free(base_map);
	free_tables(&t);
	errno = saved;
	return rc;
}

/* --- the page ---------------------------------------------------------- */

/* What names the recording: its command, or else its Python. */
static void put_heading(FILE *out, const struct profile *p)
{
	const char *command = profile_meta(p, "command");
	const char *python = profile_meta(p, "python");
	if (command) {
		xml_escape(out, command, strlen(command));
	} else if (python) {
		fputs("Python ", out);
		xml_escape(out, python, strlen(python));
	} else {
		fputs("a recording", out);
	}
}

static void put_title(FILE *out, const struct profile *p, int diff)
{
	fputs(diff ? "austinc diff: " : "austinc report: ", out);
	put_heading(out, p);
}

/* Write the template with each @NAME@ marker replaced. */
static int write_page(FILE *out, const struct profile *base,
                      const struct profile *p, const struct view_options *o)
{
	const char *at = report_html;
	for (;;) {
		const char *marker = strchr(at, '@');
		const char *end = marker ? strchr(marker + 1, '@') : NULL;
		if (!end) {
			fputs(at, out);
			return 0;
		}
		fwrite(at, 1, (size_t)(marker - at), out);
		size_t len = (size_t)(end + 1 - marker);
		at = end + 1;
		if (strncmp(marker, "@TITLE@", len) == 0) {
			put_title(out, p, base != NULL);
		} else if (strncmp(marker, "@HEADING@", len) == 0) {
			put_heading(out, p);
		} else if (strncmp(marker, "@STYLE@", len) == 0) {
			fputs(report_css, out);
		} else if (strncmp(marker, "@SCRIPT@", len) == 0) {
			/* The marks' script listens for the timeline that
			 * report.js draws: it comes first. */
			fputs(report_marks_js, out);
			fputs(report_js, out);
		} else if (strncmp(marker, "@DATA@", len) == 0) {
			if (write_data(out, base, p, o))
				return -1;
		} else {
			/* Not a marker: the '@' goes out as it is. */
			putc('@', out);
			at = marker + 1;
		}
	}
}

int view_html(const struct profile *p, const struct view_options *o, FILE *out)
{
	return write_page(out, NULL, p, o);
}

int view_diff_html(const struct profile *base, const struct profile *p,
                   const struct view_options *o, FILE *out)
{
	return write_page(out, base, p, o);
}
