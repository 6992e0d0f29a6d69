/* Reader of the collapsed text format austinc writes:
 *
 *     P<pid>;T<iid>:<tid>[;<file>:<function>:<line>]* <metric>
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The text comes in pieces of any size (a recording may be far larger than
 * memory); each whole line is parsed where it lies, and only a line cut by
 * the end of a piece is copied, to be completed by the next. A recording
 * repeats the same stacks over and over, so the text before the metric
 * (thread and frames) is looked up in a table of the stacks already seen,
 * keyed by a copy of that text, and only a stack seen for the first time
 * is split into frames; their ids go into one buffer that every line
 * reuses. The metric's meaning depends on
 * the mode, which the "# mode:" line gives or, failing that, the metrics'
 * shape over the whole file: so samples are checked against the mode as
 * they come when it is known, and once more at the end.
 *
 * With --system, "# system: ..." lines carry the machine's and each
 * process's figures every period: they become the model's series (not
 * metadata), and each sample's at_us is the t of the last one before it.
 * Their grammar is parsed in read_system.c, for both formats; so is that
 * of a followed service's "# event: ..." lines, which become the model's
 * marks, and "# started:" (read_event.c). */
#include "report/read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "report/parse.h"
#include "report/read_event.h"
#include "report/read_system.h"

#define NO_ID UINT32_MAX

/* Deeper than any stack austinc writes (4096 frames), and it bounds the
 * frame buffer whatever the input. */
#define MAX_DEPTH (1u << 20)

/* Distinct metadata keys a recording may hold (austinc writes about a
 * dozen): the model looks keys up by a linear search. */
#define MAX_META_KEYS 1024
#define META_SLOTS    (2 * MAX_META_KEYS) /* a power of two */

/* The shapes a metric comes in; which ones a mode accepts. */
enum shape {
	SHAPE_UNSIGNED, /* "123": time, or memory */
	SHAPE_NEGATIVE, /* "-123": memory only */
	SHAPE_TRIPLE,   /* "123,0,-4096": full */
	SHAPES,
};

struct stack_entry {
	char *text; /* a copy; NULL: empty slot */
	size_t len;
	uint64_t hash;
	uint32_t stack;
};

/* A metadata key as read and its last value, NUL-terminated copies. The
 * model gets each key once, at the end, in the order keys first came: the
 * same result as setting every line, without a search per line. */
struct meta_entry {
	char *key, *value;
	size_t key_len;
};

struct text_reader {
	struct profile *p;
	size_t line; /* 1-based number of the line being read */
	/* The start of a line that the last piece of text cut. */
	char *partial;
	size_t partial_len, partial_capacity;
	char *err;
	size_t err_len;

	uint32_t *frames; /* the ids of the stack being split */
	size_t depth, frames_capacity;

	struct stack_entry *seen; /* stack text -> stack id */
	size_t seen_count, seen_capacity;

	uint32_t empty_string;   /* its id, or NO_ID until needed */
	struct meta_entry *meta; /* MAX_META_KEYS of them, once needed */
	uint32_t *meta_slots;    /* META_SLOTS: entry index + 1; 0: empty */
	size_t meta_count;

	struct system_reader system; /* --system records: series, at_us */

	size_t first_sample;       /* the first sample this read added */
	int mode_known;            /* a "# mode:" line was read */
	size_t first_line[SHAPES]; /* where each shape first came; 0: never */
	char first_text[SHAPES][QUOTE_ROOM];
};

static int fail_at_line(struct text_reader *r, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Set "line N: <message>" and return -1. */
static int fail_at_line(struct text_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	parse_failure(r->err, r->err_len, "line", r->line, fmt, ap);
	va_end(ap);
	return -1;
}

static int out_of_memory(struct text_reader *r)
{
	return fail_at_line(
	        r, "out of memory (or more than 4 billion distinct items)");
}

/* --- the table of stacks already seen ---------------------------------- */

static struct stack_entry *seen_slot(const struct text_reader *r,
                                     const char *text, size_t len,
                                     uint64_t hash)
{
	size_t mask = r->seen_capacity - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct stack_entry *e = &r->seen[i];
		if (!e->text || (e->hash == hash && e->len == len &&
		                 memcmp(e->text, text, len) == 0))
			return e;
	}
}

/* Keep the table under half full; the table only saves time, so when it
 * cannot grow the reader goes on without adding to it. */
static int seen_reserve(struct text_reader *r)
{
	if ((r->seen_count + 1) * 2 <= r->seen_capacity)
		return 0;
	size_t capacity = r->seen_capacity ? r->seen_capacity * 2 : 1024;
	struct stack_entry *slots = calloc(capacity, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < r->seen_capacity; i++) {
		const struct stack_entry *e = &r->seen[i];
		if (!e->text)
			continue;
		size_t j = e->hash & (capacity - 1);
		while (slots[j].text)
			j = (j + 1) & (capacity - 1);
		slots[j] = *e;
	}
	free(r->seen);
	r->seen = slots;
	r->seen_capacity = capacity;
	return 0;
}

/* A NUL-terminated copy of len bytes of text, or NULL. */
static char *copy_text(const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

static void seen_add(struct text_reader *r, const char *text, size_t len,
                     uint64_t hash, uint32_t stack)
{
	char *copy = seen_reserve(r) ? NULL : copy_text(text, len);
	if (!copy)
		return;
	struct stack_entry *e = seen_slot(r, text, len, hash);
	*e = (struct stack_entry){copy, len, hash, stack};
	r->seen_count++;
}

/* --- stacks ------------------------------------------------------------ */

static int bad_prefix(struct text_reader *r)
{
	return fail_at_line(r,
	                    "expected 'P<pid>;T<iid>:<tid>' at the start of a "
	                    "sample");
}

/* Digits from *pos up to the byte stop, which must come; *pos is left on
 * the stop. */
static int take_number(const char *text, size_t len, size_t *pos, char stop,
                       int64_t *out)
{
	const char *end = memchr(text + *pos, stop, len - *pos);
	if (!end)
		return -1;
	size_t start = *pos;
	*pos = (size_t)(end - text);
	return parse_count(text + start, *pos - start, out);
}

/* "P<pid>;T<iid>:<tid>", then the end or a ';'. The thread's id, and in
 * *pos where the frames begin. */
static int parse_thread(struct text_reader *r, const char *text, size_t len,
                        size_t *pos, uint32_t *thread)
{
	int64_t pid, iid, tid;
	size_t i = 1;
	if (len < 2 || text[0] != 'P' ||
	    take_number(text, len, &i, ';', &pid) || i + 1 >= len ||
	    text[i + 1] != 'T')
		return bad_prefix(r);
	i += 2;
	if (take_number(text, len, &i, ':', &iid))
		return bad_prefix(r);
	i++;
	/* The tid runs to the first frame's ';', or to the end. */
	const char *semi = memchr(text + i, ';', len - i);
	size_t end = semi ? (size_t)(semi - text) : len;
	if (parse_count(text + i, end - i, &tid))
		return bad_prefix(r);
	*pos = end;
	*thread = profile_thread(r->p, pid, iid, tid);
	return *thread == NO_ID ? out_of_memory(r) : 0;
}

static int push_frame(struct text_reader *r, uint32_t frame)
{
	if (r->depth == r->frames_capacity) {
		if (r->depth >= MAX_DEPTH)
			return fail_at_line(r,
			                    "more than %u frames in one stack",
			                    MAX_DEPTH);
		size_t capacity =
		        r->frames_capacity ? r->frames_capacity * 2 : 256;
		uint32_t *frames =
		        realloc(r->frames, capacity * sizeof *frames);
		if (!frames)
			return out_of_memory(r);
		r->frames = frames;
		r->frames_capacity = capacity;
	}
	r->frames[r->depth++] = frame;
	return 0;
}

/* "file:function:line" — split at the last two colons, as file names may
 * hold colons and function names may not — or a pseudo-frame. */
static int parse_frame(struct text_reader *r, const char *f, size_t len,
                       uint32_t *frame)
{
	char q[QUOTE_ROOM], q_line[QUOTE_ROOM];
	if (len == 0)
		return fail_at_line(
		        r, "empty frame (two ';' in a row, or a ';' at "
		           "the end)");
	if (is_text(f, len, ":INVALID:") || is_text(f, len, ":GC:")) {
		enum frame_kind kind = f[1] == 'G' ? FRAME_GC : FRAME_INVALID;
		/* Pseudo-frames name the empty string, interned when the
		 * first one comes. */
		if (r->empty_string == NO_ID)
			r->empty_string = profile_string(r->p, "", 0);
		uint32_t none = r->empty_string;
		*frame = none == NO_ID
		                 ? NO_ID
		                 : profile_frame(r->p, none, none, 0, kind);
		return *frame == NO_ID ? out_of_memory(r) : 0;
	}
	const char *last = memrchr(f, ':', len);
	const char *name_colon =
	        last ? memrchr(f, ':', (size_t)(last - f)) : NULL;
	if (!name_colon)
		return fail_at_line(r, "frame '%s' is not file:function:line",
		                    quote(q, f, len));
	const char *line_text = last + 1;
	size_t line_len = len - (size_t)(line_text - f);
	int64_t line;
	if (parse_int64(line_text, line_len, &line) || line < INT32_MIN ||
	    line > INT32_MAX)
		return fail_at_line(r, "frame '%s': line '%s' is not a number",
		                    quote(q, f, len),
		                    quote(q_line, line_text, line_len));
	uint32_t file = profile_string(r->p, f, (size_t)(name_colon - f));
	uint32_t name = profile_string(r->p, name_colon + 1,
	                               (size_t)(last - name_colon - 1));
	*frame = file == NO_ID || name == NO_ID
	                 ? NO_ID
	                 : profile_frame(r->p, file, name, (int32_t)line,
	                                 FRAME_PYTHON);
	return *frame == NO_ID ? out_of_memory(r) : 0;
}

/* The thread and frames of a stack seen for the first time. */
static int parse_stack(struct text_reader *r, const char *text, size_t len,
                       uint32_t *stack)
{
	size_t pos = 0;
	uint32_t thread = 0;
	if (parse_thread(r, text, len, &pos, &thread))
		return -1;
	r->depth = 0;
	/* Here text[pos] is the ';' before a frame, or pos is the end. */
	while (pos < len) {
		const char *f = text + pos + 1;
		size_t left = len - pos - 1;
		const char *semi = memchr(f, ';', left);
		size_t flen = semi ? (size_t)(semi - f) : left;
		uint32_t frame;
		if (parse_frame(r, f, flen, &frame) || push_frame(r, frame))
			return -1;
		pos += 1 + flen;
	}
	/* Never a null pointer, even for no frames: the model compares
	 * them with memcmp. */
	static const uint32_t no_frames[1];
	const uint32_t *frames = r->depth ? r->frames : no_frames;
	*stack = profile_stack(r->p, thread, frames, (uint32_t)r->depth);
	return *stack == NO_ID ? out_of_memory(r) : 0;
}

static int find_stack(struct text_reader *r, const char *text, size_t len,
                      uint32_t *stack)
{
	uint64_t hash = hash_bytes(0, text, len);
	if (r->seen_capacity) {
		const struct stack_entry *e = seen_slot(r, text, len, hash);
		if (e->text) {
			*stack = e->stack;
			return 0;
		}
	}
	if (parse_stack(r, text, len, stack))
		return -1;
	seen_add(r, text, len, hash, *stack);
	return 0;
}

/* --- metrics ----------------------------------------------------------- */

static const char *const MODE_NAMES[] = {"wall", "cpu", "memory", "full"};

static int mode_accepts(enum profile_mode mode, enum shape shape)
{
	switch (mode) {
	case PROFILE_WALL:
	case PROFILE_CPU:
		return shape == SHAPE_UNSIGNED;
	case PROFILE_MEMORY:
		return shape != SHAPE_TRIPLE;
	case PROFILE_FULL:
		return shape == SHAPE_TRIPLE;
	}
	return 0;
}

static int wrong_shape(struct text_reader *r, enum shape shape,
                       const char *quoted)
{
	static const char *const WHAT[] = {
	        "is a single number", "is negative",
	        "has three fields (time,idle,memory)"};
	return fail_at_line(r, "metric '%s' %s, but the mode is %s", quoted,
	                    WHAT[shape], MODE_NAMES[r->p->mode]);
}

/* "<time>,<idle 0|1>,<memory>" */
static int parse_triple(const char *m, size_t len, struct profile_sample *s)
{
	const char *c1 = memchr(m, ',', len);
	const char *c2 =
	        c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - m)) : NULL;
	if (!c2)
		return -1;
	size_t idle_len = (size_t)(c2 - c1 - 1);
	int64_t time;
	if (parse_count(m, (size_t)(c1 - m), &time) || idle_len != 1 ||
	    (c1[1] != '0' && c1[1] != '1') ||
	    parse_int64(c2 + 1, len - (size_t)(c2 + 1 - m), &s->memory))
		return -1;
	s->time = (uint64_t)time;
	s->idle = c1[1] == '1';
	return 0;
}

/* The metric of a sample, whatever the mode; a single number is kept as
 * both time and memory until the mode is settled. */
static int parse_metric(struct text_reader *r, const char *m, size_t len,
                        struct profile_sample *s)
{
	char q[QUOTE_ROOM];
	enum shape shape;
	if (memchr(m, ',', len)) {
		if (parse_triple(m, len, s))
			return fail_at_line(r,
			                    "metric '%s' is not "
			                    "<time>,<idle 0|1>,<memory delta>",
			                    quote(q, m, len));
		shape = SHAPE_TRIPLE;
	} else {
		if (parse_int64(m, len, &s->memory))
			return fail_at_line(r, "metric '%s' is not a number",
			                    quote(q, m, len));
		shape = s->memory < 0 ? SHAPE_NEGATIVE : SHAPE_UNSIGNED;
		s->time = s->memory < 0 ? 0 : (uint64_t)s->memory;
	}
	if (r->mode_known && !mode_accepts(r->p->mode, shape))
		return wrong_shape(r, shape, quote(q, m, len));
	if (!r->first_line[shape]) {
		r->first_line[shape] = r->line;
		quote(r->first_text[shape], m, len);
	}
	return 0;
}

/* --- lines ------------------------------------------------------------- */

static int read_sample(struct text_reader *r, const char *line, size_t len)
{
	if (line[0] != 'P')
		return bad_prefix(r);
	const char *space = memrchr(line, ' ', len);
	if (!space)
		return fail_at_line(r,
		                    "no metric: a sample ends in a space and a "
		                    "number");
	/* The metric first: a line that is not a sample at all is more
	 * likely to show it there. */
	struct profile_sample s = {.at_us = r->system.t_us};
	if (parse_metric(r, space + 1, len - (size_t)(space + 1 - line), &s) ||
	    find_stack(r, line, (size_t)(space - line), &s.stack))
		return -1;
	return profile_add_sample(r->p, &s) ? out_of_memory(r) : 0;
}

static int check_mode(struct text_reader *r, const char *value, size_t len)
{
	char q[QUOTE_ROOM];
	for (size_t i = 0; i < sizeof MODE_NAMES / sizeof *MODE_NAMES; i++)
		if (is_text(value, len, MODE_NAMES[i])) {
			r->mode_known = 1;
			r->p->mode = (enum profile_mode)i;
			return 0;
		}
	return fail_at_line(r, "mode '%s' is not wall, cpu, memory or full",
	                    quote(q, value, len));
}

/* Where key's entry index + 1 is, or 0 would go. */
static uint32_t *meta_slot(const struct text_reader *r, const char *key,
                           size_t len)
{
	size_t mask = META_SLOTS - 1;
	for (size_t i = hash_bytes(0, key, len) & mask;; i = (i + 1) & mask) {
		uint32_t *slot = &r->meta_slots[i];
		const struct meta_entry *e = *slot ? &r->meta[*slot - 1] : NULL;
		if (!e || (e->key_len == len && memcmp(e->key, key, len) == 0))
			return slot;
	}
}

static int remember_meta(struct text_reader *r, const char *key, size_t key_len,
                         const char *value, size_t value_len)
{
	if (!r->meta) {
		r->meta = malloc(MAX_META_KEYS * sizeof *r->meta);
		r->meta_slots = calloc(META_SLOTS, sizeof *r->meta_slots);
		if (!r->meta || !r->meta_slots)
			return out_of_memory(r);
	}
	uint32_t *slot = meta_slot(r, key, key_len);
	if (!*slot) {
		if (r->meta_count == MAX_META_KEYS)
			return fail_at_line(r, "more than %d metadata keys",
			                    MAX_META_KEYS);
		char *copy = copy_text(key, key_len);
		if (!copy)
			return out_of_memory(r);
		r->meta[r->meta_count] =
		        (struct meta_entry){copy, NULL, key_len};
		*slot = (uint32_t)++r->meta_count;
	}
	struct meta_entry *e = &r->meta[*slot - 1];
	free(e->value);
	e->value = copy_text(value, value_len);
	return e->value ? 0 : out_of_memory(r);
}

/* --system records go to the model's series (read_system.c). */
static int read_system_line(struct text_reader *r, const char *value,
                            size_t len)
{
	char message[256];
	size_t offset;
	if (system_read_record(r->p, &r->system, value, len, &offset, message,
	                       sizeof message))
		return fail_at_line(r, "%s", message);
	return 0;
}

static int read_period_line(struct text_reader *r, const char *value,
                            size_t len)
{
	char message[256];
	if (system_read_period(r->p, value, len, message, sizeof message))
		return fail_at_line(r, "%s", message);
	return 0;
}

/* A followed service's events go to the model's marks (read_event.c). */
static int read_event_line(struct text_reader *r, const char *value, size_t len)
{
	char message[256];
	size_t offset;
	if (event_read_record(r->p, value, len, &offset, message,
	                      sizeof message))
		return fail_at_line(r, "%s", message);
	return 0;
}

static int read_started_line(struct text_reader *r, const char *value,
                             size_t len)
{
	char message[256];
	if (event_read_started(r->p, value, len, message, sizeof message))
		return fail_at_line(r, "%s", message);
	return 0;
}

#define VALUE_MARK     " (value)"
#define VALUE_MARK_LEN (sizeof VALUE_MARK - 1)

/* "# key: value" (or "# key:" for an empty value). Any other line that
 * starts with '#' is a comment. A "system" record goes to the model's
 * series, not its metadata: there is one per process every period. */
static int read_metadata(struct text_reader *r, const char *line, size_t len)
{
	if (len < 3 || line[1] != ' ')
		return 0;
	const char *key = line + 2, *end = line + len;
	const char *colon = memchr(key, ':', len - 2);
	while (colon && colon + 1 < end && colon[1] != ' ')
		colon = memchr(colon + 1, ':', (size_t)(end - colon - 1));
	if (!colon || colon == key)
		return 0;
	const char *value = colon + 1 < end ? colon + 2 : end;
	size_t key_len = (size_t)(colon - key);
	size_t value_len = (size_t)(end - value);
	/* Writers add " (value)" to a value that ends in a number, lest
	 * flamegraph.pl read the line as a stack and its count. */
	if (value_len >= VALUE_MARK_LEN &&
	    memcmp(end - VALUE_MARK_LEN, VALUE_MARK, VALUE_MARK_LEN) == 0)
		value_len -= VALUE_MARK_LEN;
	if (is_text(key, key_len, "mode") && check_mode(r, value, value_len))
		return -1;
	if (is_text(key, key_len, "system"))
		return read_system_line(r, value, value_len);
	if (is_text(key, key_len, "system-period") &&
	    read_period_line(r, value, value_len))
		return -1;
	if (is_text(key, key_len, "event"))
		return read_event_line(r, value, value_len);
	if (is_text(key, key_len, "started") &&
	    read_started_line(r, value, value_len))
		return -1;
	return remember_meta(r, key, key_len, value, value_len);
}

/* Give the model the metadata read. */
static int store_meta(struct text_reader *r)
{
	for (size_t i = 0; i < r->meta_count; i++)
		if (profile_set_meta(r->p, r->meta[i].key, r->meta[i].value))
			return out_of_memory(r);
	return 0;
}

static int is_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}

static int read_line(struct text_reader *r, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 ||
	    ((line[0] == ' ' || line[0] == '\t') && is_blank(line, len)))
		return 0;
	if (line[0] == '#')
		return read_metadata(r, line, len);
	return read_sample(r, line, len);
}

/* Text holds no NUL byte: a NUL means a binary file, and the model's
 * strings could not hold one. */
static int check_no_nul(struct text_reader *r, const char *data, size_t len)
{
	const char *nul = memchr(data, '\0', len);
	if (!nul)
		return 0;
	r->line++;
	for (const char *c = data; c < nul; c++)
		r->line += *c == '\n';
	return fail_at_line(r, "a NUL byte: not a text recording");
}

/* Keep the start of a cut line, after what is kept of it already. */
static int keep_partial(struct text_reader *r, const char *text, size_t len)
{
	if (len == 0)
		return 0;
	size_t need = r->partial_len + len;
	if (need > r->partial_capacity) {
		size_t capacity =
		        r->partial_capacity ? r->partial_capacity : 256;
		while (capacity < need)
			capacity *= 2;
		char *partial = realloc(r->partial, capacity);
		if (!partial)
			return out_of_memory(r);
		r->partial = partial;
		r->partial_capacity = capacity;
	}
	memcpy(r->partial + r->partial_len, text, len);
	r->partial_len = need;
	return 0;
}

static int next_line(struct text_reader *r, const char *line, size_t len)
{
	r->line++;
	return read_line(r, line, len);
}

int text_reader_feed(struct text_reader *r, const char *data, size_t len)
{
	if (len == 0)
		return 0;
	if (check_no_nul(r, data, len))
		return -1;
	const char *end = data + len, *newline;
	for (; (newline = memchr(data, '\n', (size_t)(end - data)));
	     data = newline + 1) {
		const char *line = data;
		size_t n = (size_t)(newline - data);
		if (r->partial_len > 0) { /* the end of the line cut last */
			if (keep_partial(r, data, n))
				return -1;
			line = r->partial;
			n = r->partial_len;
			r->partial_len = 0;
		}
		if (next_line(r, line, n))
			return -1;
	}
	return keep_partial(r, data, (size_t)(end - data));
}

/* --- the mode ---------------------------------------------------------- */

/* Without a "# mode:" line: three fields make full, a negative number
 * memory, anything else wall. */
static enum profile_mode infer_mode(const struct text_reader *r)
{
	if (r->first_line[SHAPE_TRIPLE])
		return PROFILE_FULL;
	if (r->first_line[SHAPE_NEGATIVE])
		return PROFILE_MEMORY;
	return PROFILE_WALL;
}

/* Check every sample against the final mode (the mode line may follow
 * samples, or be missing), then keep only the metrics the mode has. */
static int settle_mode(struct text_reader *r)
{
	if (!r->mode_known)
		r->p->mode = infer_mode(r);
	size_t first_bad = 0;
	enum shape bad = SHAPES;
	for (enum shape s = 0; s < SHAPES; s++)
		if (r->first_line[s] && !mode_accepts(r->p->mode, s) &&
		    (!first_bad || r->first_line[s] < first_bad)) {
			first_bad = r->first_line[s];
			bad = s;
		}
	if (bad != SHAPES) {
		r->line = first_bad;
		return wrong_shape(r, bad, r->first_text[bad]);
	}
	if (r->p->mode == PROFILE_FULL)
		return 0;
	struct profile_sample *samples = r->p->samples.items;
	for (size_t i = r->first_sample; i < r->p->samples.n; i++) {
		if (r->p->mode == PROFILE_MEMORY)
			samples[i].time = 0;
		else
			samples[i].memory = 0;
	}
	return 0;
}

struct text_reader *text_reader_new(struct profile *p, char *err,
                                    size_t err_len)
{
	struct text_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	/* Samples already in the model (from an earlier read) keep their
	 * metrics: only the ones read here are settled. */
	r->p = p;
	r->err = err;
	r->err_len = err_len;
	r->first_sample = p->samples.n;
	r->empty_string = NO_ID;
	if (err && err_len)
		err[0] = '\0';
	return r;
}

/* The last line has no newline. austinc ends every line with one, so the
 * recording was cut inside it and the line may have lost its end ("... 123"
 * of "... 1234"): salvaging, it is left out and cut says where; strict, it
 * is read as before (an error of its own, most likely), and is an error
 * when it reads. */
static int end_without_newline(struct text_reader *r, struct read_cut *cut)
{
	r->line++;
	if (cut) {
		cut->cut = 1;
		snprintf(cut->where, sizeof cut->where,
		         "line %zu (no newline at its end)", r->line);
		return 0;
	}
	if (read_line(r, r->partial, r->partial_len))
		return -1;
	return fail_at_line(
	        r, "no newline at its end: the recording was cut short");
}

int text_reader_end(struct text_reader *r, struct read_cut *cut)
{
	if (cut)
		*cut = (struct read_cut){0};
	if (r->partial_len > 0 && end_without_newline(r, cut))
		return -1;
	r->partial_len = 0;
	return store_meta(r) || settle_mode(r) ? -1 : 0;
}

void text_reader_free(struct text_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->seen_capacity; i++)
		free(r->seen[i].text);
	for (size_t i = 0; i < r->meta_count; i++) {
		free(r->meta[i].key);
		free(r->meta[i].value);
	}
	free(r->partial);
	free(r->frames);
	free(r->seen);
	free(r->meta);
	free(r->meta_slots);
	system_reader_free(&r->system);
	free(r);
}

int read_text(struct profile *p, const char *data, size_t len,
              struct read_cut *cut, char *err, size_t err_len)
{
	struct text_reader *r = text_reader_new(p, err, err_len);
	if (!r) {
		if (err && err_len)
			snprintf(err, err_len, "out of memory");
		return -1;
	}
	int rc = text_reader_feed(r, data, len) || text_reader_end(r, cut) ? -1
	                                                                   : 0;
	text_reader_free(r);
	return rc;
}
