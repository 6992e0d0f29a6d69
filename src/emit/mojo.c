/* MOJO writer: interning tables and the events of a sample.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Strings are interned by (pid, contents) and frames by (file, name, line)
 * with the strings already interned, so a frame key stands for what was
 * read, whatever address the python layer's code cache kept it at (those
 * addresses are reused after eviction). In front of the tables, a small
 * cache keyed by the frame's code id (struct frame: one id, one file and
 * name, never reused) and line finds a frame without hashing or comparing
 * its text. Frames without an id are interned by their text every time. */
#include "emit/mojo.h"

#include <stdlib.h>
#include <string.h>

#include "emit/memo.h"
#include "growable.h"
#include "hash.h"
#include "idindex.h"

#define NONE UINT32_MAX

/* Entries of the address-keyed cache in front of the frame table. */
#define RECENT_BITS  12
#define RECENT_SLOTS (1u << RECENT_BITS)

struct interned_string {
	char *text;
	uint32_t len;
	pid_t pid;
};

struct interned_frame {
	uint32_t file, name; /* indexes into the string table */
	int32_t line;
};

struct recent_frame {
	uint64_t code_id;
	int line;
	pid_t pid;
	uint32_t frame; /* index + 1, 0 when empty */
};

struct mojo {
	uint32_t max_strings, max_frames;
	size_t string_bytes;
	struct interned_string *strings;
	uint32_t n_strings;
	size_t strings_capacity;
	struct idindex string_index;
	struct interned_frame *frames;
	uint32_t n_frames;
	size_t frames_capacity;
	struct idindex frame_index;
	struct recent_frame recent[RECENT_SLOTS];
	int64_t keys[STACK_MAX_DEPTH]; /* the sample's frame keys */
	struct memo memo;              /* each thread's last FRAME_REFs */
};

/* --- integers ------------------------------------------------------- */

size_t mojo_encode_int(int64_t value, uint8_t out[MOJO_INT_MAX_BYTES])
{
	uint64_t magnitude = value < 0 ? 0u - (uint64_t)value : (uint64_t)value;
	uint8_t first = (uint8_t)(magnitude & 0x3f);
	if (value < 0)
		first |= 0x40;
	magnitude >>= 6;
	size_t n = 0;
	out[n++] = (uint8_t)(first | (magnitude ? 0x80 : 0));
	while (magnitude) {
		uint8_t bits = (uint8_t)(magnitude & 0x7f);
		magnitude >>= 7;
		out[n++] = (uint8_t)(bits | (magnitude ? 0x80 : 0));
	}
	return n;
}

int mojo_decode_int(const uint8_t *data, size_t len, size_t *at, int64_t *value)
{
	size_t i = *at;
	if (i >= len)
		return -1;
	uint8_t byte = data[i++];
	int negative = byte & 0x40;
	uint64_t magnitude = byte & 0x3f;
	unsigned shift = 6;
	while (byte & 0x80) {
		if (i >= len || i - *at >= MOJO_INT_MAX_BYTES)
			return -1;
		byte = data[i++];
		uint64_t bits = byte & 0x7f;
		/* The tenth byte has room for two bits only. */
		if (shift > 57 && (bits >> (64 - shift)) != 0)
			return -1;
		magnitude |= bits << shift;
		shift += 7;
	}
	uint64_t limit = (uint64_t)INT64_MAX + (negative ? 1 : 0);
	if (magnitude > limit)
		return -1;
	if (!negative)
		*value = (int64_t)magnitude;
	else if (magnitude == limit)
		*value = INT64_MIN;
	else
		*value = -(int64_t)magnitude;
	*at = i;
	return 0;
}

/* --- writing events ------------------------------------------------- */

static void put_int(struct sink *s, int64_t value)
{
	char *out = sink_reserve(s, MOJO_INT_MAX_BYTES);
	if (out)
		sink_commit(s, mojo_encode_int(value, (uint8_t *)out));
}

static void put_event(struct sink *s, enum mojo_event event)
{
	sink_putc(s, (char)event);
}

/* An event and its one integer, in one reservation: the hot path. */
static void put_event_int(struct sink *s, enum mojo_event event, int64_t value)
{
	char *out = sink_reserve(s, 1 + MOJO_INT_MAX_BYTES);
	if (!out)
		return;
	out[0] = (char)event;
	sink_commit(s, 1 + mojo_encode_int(value, (uint8_t *)out + 1));
}

static void put_string(struct sink *s, const char *text, size_t len)
{
	sink_write(s, text, len);
	sink_putc(s, '\0');
}

/* Lowercase hexadecimal, no prefix, as Austin's "%lx". */
static void put_hex_string(struct sink *s, uint64_t value)
{
	char digits[17];
	size_t n = sizeof digits;
	digits[--n] = '\0';
	do {
		digits[--n] = "0123456789abcdef"[value & 0xf];
		value >>= 4;
	} while (value);
	sink_write(s, digits + n, sizeof digits - n);
}

static void put_string_def(struct sink *s, int64_t key, const char *text,
                           size_t len)
{
	put_event(s, MOJO_STRING);
	put_int(s, key);
	put_string(s, text, len);
}

static void put_frame_def(struct sink *s, int64_t key, int64_t file_key,
                          int64_t name_key, int line)
{
	put_event(s, MOJO_FRAME);
	put_int(s, key);
	put_int(s, file_key);
	put_int(s, name_key);
	put_int(s, line);
	/* line_end, column, column_end: not sampled */
	put_int(s, 0);
	put_int(s, 0);
	put_int(s, 0);
}

/* --- hashing -------------------------------------------------------- */

static uint64_t hash_text(pid_t pid, const char *text, size_t len)
{
	return hash_bytes((uint32_t)pid, text, len);
}

static uint64_t hash_frame(uint32_t file, uint32_t name, int32_t line)
{
	return hash_mix(((uint64_t)file << 32 | name) ^
	                (uint64_t)(uint32_t)line * 0x9e3779b97f4a7c15ull);
}

static size_t recent_slot(pid_t pid, const struct frame *f)
{
	/* Multiplicative hashing: the top bits of the product depend on
	 * every bit of the key. */
	uint64_t key = f->code_id ^ ((uint64_t)(uint32_t)f->line << 24) ^
	               ((uint64_t)(uint32_t)pid << 44);
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - RECENT_BITS));
}

/* --- tables ---------------------------------------------------------- */

/* Room for one more of n items, up to max; -1 if there is none. */
static int reserve_items(void **items, size_t *capacity, uint32_t n,
                         uint32_t max, size_t size)
{
	return n < max ? grow_array(items, capacity, (size_t)n + 1, size) : -1;
}

struct string_key {
	const char *text;
	size_t len;
	pid_t pid;
};

static int same_string(const void *table, uint32_t i, const void *key)
{
	const struct interned_string *e =
	        &((const struct mojo *)table)->strings[i];
	const struct string_key *k = key;
	return e->pid == k->pid && e->len == k->len &&
	       memcmp(e->text, k->text, k->len) == 0;
}

/* The index of (pid, text), interning it (and writing its STRING event)
 * when new; NONE when the table is full. */
static uint32_t intern_string(struct mojo *m, struct sink *s, pid_t pid,
                              const char *text, size_t len)
{
	struct string_key key = {text, len, pid};
	size_t slot;
	uint32_t found = idindex_lookup(&m->string_index, m->n_strings,
	                                hash_text(pid, text, len), same_string,
	                                m, &key, &slot);
	if (found != NONE || slot == IDINDEX_NO_ROOM)
		return found;
	if (m->string_bytes + len + 1 > MOJO_MAX_STRING_BYTES ||
	    reserve_items((void **)&m->strings, &m->strings_capacity,
	                  m->n_strings, m->max_strings, sizeof *m->strings))
		return NONE;
	char *copy = malloc(len + 1);
	if (!copy)
		return NONE;
	memcpy(copy, text, len);
	copy[len] = '\0';
	uint32_t i = m->n_strings++;
	m->strings[i] = (struct interned_string){copy, (uint32_t)len, pid};
	m->string_bytes += len + 1;
	idindex_set(&m->string_index, slot, i);
	put_string_def(s, MOJO_FIRST_STRING_KEY + (int64_t)i, copy, len);
	return i;
}

static int64_t string_key(uint32_t i)
{
	return MOJO_FIRST_STRING_KEY + (int64_t)i;
}

static int64_t frame_key(uint32_t i)
{
	return MOJO_FIRST_FRAME_KEY + (int64_t)i;
}

static int same_frame(const void *table, uint32_t i, const void *key)
{
	const struct interned_frame *f =
	        &((const struct mojo *)table)->frames[i];
	const struct interned_frame *k = key;
	return f->file == k->file && f->name == k->name && f->line == k->line;
}

/* The index of a frame of interned strings, interning it (and writing its
 * FRAME event) when new; NONE when the table is full. */
static uint32_t intern_frame(struct mojo *m, struct sink *s, uint32_t file,
                             uint32_t name, int line)
{
	struct interned_frame key = {file, name, line};
	size_t slot;
	uint32_t found = idindex_lookup(&m->frame_index, m->n_frames,
	                                hash_frame(file, name, line),
	                                same_frame, m, &key, &slot);
	if (found != NONE || slot == IDINDEX_NO_ROOM)
		return found;
	if (reserve_items((void **)&m->frames, &m->frames_capacity, m->n_frames,
	                  m->max_frames, sizeof *m->frames))
		return NONE;
	uint32_t i = m->n_frames++;
	m->frames[i] = key;
	idindex_set(&m->frame_index, slot, i);
	put_frame_def(s, frame_key(i), string_key(file), string_key(name),
	              line);
	return i;
}

/* --- frames of a sample ---------------------------------------------- */

/* Scratch keys: past every key the tables can hand out, one frame key per
 * stack position and two string keys (file, name). */
static int64_t scratch_frame_key(const struct mojo *m, uint32_t position)
{
	return frame_key(m->max_frames) + position;
}

static int64_t scratch_string_key(const struct mojo *m, uint32_t position,
                                  int which)
{
	return string_key(m->max_strings) + 2 * (int64_t)position + which;
}

/* The key of a string, defining it under a scratch key when it could not
 * be interned. */
static int64_t string_or_scratch(const struct mojo *m, struct sink *s,
                                 uint32_t i, uint32_t position, int which,
                                 const char *text, size_t len)
{
	if (i != NONE)
		return string_key(i);
	int64_t key = scratch_string_key(m, position, which);
	put_string_def(s, key, text, len);
	return key;
}

/* The key of frame f at position in the stack, writing the definitions it
 * needs. */
static int64_t define_frame(struct mojo *m, struct sink *s, pid_t pid,
                            const struct frame *f, uint32_t position)
{
	struct recent_frame *r =
	        f->code_id ? &m->recent[recent_slot(pid, f)] : NULL;
	if (r && r->frame && r->code_id == f->code_id && r->line == f->line &&
	    r->pid == pid)
		return frame_key(r->frame - 1);
	uint32_t file = intern_string(m, s, pid, f->file, f->file_len);
	uint32_t name = intern_string(m, s, pid, f->name, f->name_len);
	uint32_t i = file != NONE && name != NONE
	                     ? intern_frame(m, s, file, name, f->line)
	                     : NONE;
	if (i != NONE) {
		if (r)
			*r = (struct recent_frame){f->code_id, f->line, pid,
			                           i + 1};
		return frame_key(i);
	}
	int64_t file_key = string_or_scratch(m, s, file, position, 0, f->file,
	                                     f->file_len);
	int64_t name_key = string_or_scratch(m, s, name, position, 1, f->name,
	                                     f->name_len);
	int64_t key = scratch_frame_key(m, position);
	put_frame_def(s, key, file_key, name_key, f->line);
	return key;
}

/* Austin resolves (and so defines) the innermost frame first. */
static void define_frames(struct mojo *m, struct sink *s, pid_t pid,
                          const struct stack *stack, uint32_t depth)
{
	for (uint32_t i = 0; i < depth; i++) {
		const struct frame *f = &stack->frames[i];
		m->keys[i] = f->kind != FRAME_INVALID
		                     ? define_frame(m, s, pid, f, i)
		                     : 0;
	}
}

/* A FRAME_REF of an interned frame goes in the thread's memo line: it
 * means the same in every later sample. Scratch keys do not. */
static int memo_ref(const struct mojo *m, struct memo_line *l,
                    const struct frame *f, int64_t key)
{
	char *out = f->code_id && key < frame_key(m->max_frames)
	                    ? memo_room(l, 1 + MOJO_INT_MAX_BYTES)
	                    : NULL;
	if (!out)
		return 0;
	out[0] = (char)MOJO_FRAME_REF;
	memo_add_frame(l, f, 1 + mojo_encode_int(key, (uint8_t *)out + 1));
	return 1;
}

/* The references, outermost first: those of the line's frames, those that
 * join it, then the rest (from the first that cannot). */
static void put_frame_refs(struct mojo *m, struct memo_line *l, struct sink *s,
                           const struct stack *stack, uint32_t depth)
{
	uint32_t i = depth - l->depth;
	while (i > 0 && stack->frames[i - 1].kind != FRAME_INVALID &&
	       memo_ref(m, l, &stack->frames[i - 1], m->keys[i - 1]))
		i--;
	sink_write(s, l->bytes, memo_held(l));
	for (; i > 0; i--) {
		if (stack->frames[i - 1].kind == FRAME_INVALID) {
			put_event(s, MOJO_FRAME_INVALID);
			continue;
		}
		put_event_int(s, MOJO_FRAME_REF, m->keys[i - 1]);
	}
}

static void put_metrics(struct sink *s, enum metric_kind kind,
                        const struct sample *sample)
{
	if (kind != LINE_MEMORY) {
		uint64_t time = sample->time_us;
		put_event_int(s, MOJO_METRIC_TIME,
		              time > INT64_MAX ? INT64_MAX : (int64_t)time);
	}
	if (kind == LINE_FULL && sample->idle)
		put_event(s, MOJO_IDLE);
	if (kind != LINE_TIME) {
		put_event_int(s, MOJO_METRIC_MEMORY, sample->rss_delta);
	}
}

void mojo_sample(struct mojo *m, struct sink *s, enum metric_kind kind,
                 const struct sample *sample)
{
	const struct stack *stack = sample->stack;
	uint32_t depth =
	        stack->depth < STACK_MAX_DEPTH ? stack->depth : STACK_MAX_DEPTH;
	put_event(s, MOJO_STACK);
	put_int(s, sample->pid);
	put_int(s, sample->iid);
	put_hex_string(s, (uint64_t)sample->tid);
	/* The outermost frames the thread's previous sample had too are
	 * defined already: their references are copied. */
	struct memo_line *l = memo_line_for(&m->memo, sample);
	if (!l->used)
		memo_add_head(l, 0);
	uint32_t kept = memo_keep_common(l, stack);
	define_frames(m, s, sample->pid, stack, depth - kept);
	put_frame_refs(m, l, s, stack, depth);
	if (sample->gc)
		put_event(s, MOJO_GC);
	put_metrics(s, kind, sample);
}

/* --- the rest of the stream ------------------------------------------ */

void mojo_header(struct mojo *m, struct sink *s)
{
	(void)m;
	sink_write(s, "MOJ", 3);
	put_int(s, MOJO_VERSION);
}

void mojo_metadata(struct mojo *m, struct sink *s, const char *key,
                   const char *value)
{
	(void)m;
	put_event(s, MOJO_METADATA);
	put_string(s, key, strlen(key));
	put_string(s, value, strlen(value));
}

struct mojo *mojo_new_bounded(uint32_t max_strings, uint32_t max_frames)
{
	struct mojo *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->max_strings = max_strings;
	m->max_frames = max_frames;
	if (memo_init(&m->memo)) {
		free(m);
		return NULL;
	}
	return m;
}

struct mojo *mojo_new(void)
{
	return mojo_new_bounded(MOJO_MAX_STRINGS, MOJO_MAX_FRAMES);
}

void mojo_free(struct mojo *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; i < m->n_strings; i++)
		free(m->strings[i].text);
	free(m->strings);
	idindex_free(&m->string_index);
	free(m->frames);
	idindex_free(&m->frame_index);
	memo_free(&m->memo);
	free(m);
}

size_t mojo_interned_strings(const struct mojo *m)
{
	return m->n_strings;
}

size_t mojo_interned_frames(const struct mojo *m)
{
	return m->n_frames;
}
