/* Code objects: file name, qualified name and line table, decoded once and
 * kept in a bounded cache keyed by the code object's address.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_CODE_H
#define AUSTINC_PYTHON_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "python/layout.h"
#include "remote.h"
#include "stack.h"

#define CODE_CACHE_CAPACITY 8192
#define MAX_STRING_CHARS    4096
#define MAX_LINETABLE_BYTES (1 << 20)

#define LINE_MEMO            32 /* a power of two */
#define CODE_IDENTITY_FIELDS 4

struct code_info {
	char *filename;
	char *name; /* qualified name on 3.11+ */
	uint32_t filename_len, name_len;
	char *label; /* "filename:name:" (struct frame's label) */
	uint64_t id; /* never reused (struct frame's code_id) */
	int firstlineno;
	uint8_t *linetable;
	size_t linetable_len;
	/* Recently decoded offsets: a deep recursion asks for the same
	 * line of the same code hundreds of times a sample, and the
	 * innermost frame's hot loop for one of a few dozen offsets (with
	 * 8 slots most of a 30-instruction loop missed; 32 cost 256 bytes
	 * an entry). */
	int memo_addr[LINE_MEMO];
	int memo_line[LINE_MEMO];
	/* What identifies the object decoded: a code object freed and another
	 * allocated at the same address differ in these. */
	uint64_t identity[CODE_IDENTITY_FIELDS];
	uint64_t verified_us; /* when the object at its address last matched */
	uint64_t trust_us;    /* how long that match is trusted */
	uint64_t used_us;     /* the sample that last used it */
};

/* Addresses of the type objects that tell a real code object, string or
 * bytes object from garbage (0 when unknown: the check is skipped). On 2.7
 * `bytes` is PyString_Type, which its names and line tables have. */
struct py_types {
	uint64_t code, unicode, bytes;
};

/* Cached entries due for a check that one walk may take on trust, to be
 * checked together in one read at its end. */
#define CODE_DUE_MAX 32
/* The most of a code object's header read (a layout whose code.size is
 * larger decodes nothing). */
#define CODE_HEADER_MAX 1024

struct code_reader {
	const struct remote *remote;
	const struct py_layout *layout;
	struct py_types types;
	/* Where the pointer fields of code_info's identity are. */
	uint32_t identity_at[CODE_IDENTITY_FIELDS], n_identity;
	struct cache *cache;
	uint64_t now_us;      /* the time of the current sample */
	uint64_t previous_us; /* and of the one before */
	uint64_t fresh_us;    /* a gap between samples up to this is usual */
	/* Entries used on trust since the last code_check_due: */
	size_t n_due;
	struct code_info *due[CODE_DUE_MAX];
	uint64_t due_addr[CODE_DUE_MAX];
	uint8_t due_headers[CODE_DUE_MAX * CODE_HEADER_MAX];
	/* Entries evicted during a sample stay alive until it is written. */
	struct code_info *evicted[STACK_MAX_DEPTH];
	size_t n_evicted;
	/* Entries displaced so far: a caller that keeps a code_info between
	 * samples (the unwinder's frame memo) may use it while this has not
	 * changed. */
	uint64_t evictions;
};

int code_reader_init(struct code_reader *cr, const struct remote *remote,
                     const struct py_layout *layout,
                     const struct py_types *types);
void code_reader_free(struct code_reader *cr);

/* How long a decoded entry is trusted before the object at its address is
 * compared with it again. Code objects are freed (a module's code once it
 * has run, exec'd strings) and their memory reused by new ones, so an entry
 * keyed by address can go stale; checking on every use would cost a read
 * per frame. A new entry is trusted for the minimum, and each match doubles
 * that up to the maximum: the code that runs for long (functions) is checked
 * rarely, the short-lived (module code, exec'd strings) often. An entry that
 * the previous sample did not use, or that it used longer ago than usual
 * (austinc was held up: more than twice the gap before, and more than
 * CODE_FRESH_US), is checked whatever its trust: its code may have ended,
 * and the address gone to new code, in between (a module's code run at
 * start-up, then a function of the program). The usual gap follows the
 * sampling interval, so that at -i 1ms every tick is not taken for one
 * held up. */
#define CODE_TRUST_MIN_US 1000
#define CODE_TRUST_MAX_US 64000
#define CODE_FRESH_US     500

/* The decoded code object at addr, or NULL when it cannot be read or is not
 * a code object. A cached entry due for a check may be returned unchecked,
 * up to CODE_DUE_MAX of them: code_check_due must follow before its
 * frames are used. */
struct code_info *code_lookup(struct code_reader *cr, uint64_t addr);

/* May ci, returned by code_lookup and not evicted since, be used now
 * without looking at its object again? Then it is marked used by this
 * sample, as code_lookup would (its first test, for callers that keep
 * entries: the unwinder's frame memo). */
static inline int code_use_trusted(struct code_reader *cr, struct code_info *ci)
{
	int in_use = ci->used_us >= cr->previous_us &&
	             cr->now_us - ci->used_us <= cr->fresh_us;
	if (!in_use || cr->now_us - ci->verified_us >= ci->trust_us)
		return 0;
	ci->used_us = cr->now_us;
	return 1;
}

/* Check the entries code_lookup returned unchecked, all in one read (a
 * walk of ten functions would otherwise make ten system calls on the tick
 * their trust runs out, or after austinc was held up). Returns how many
 * no longer match their object: those are decoded afresh by the next
 * code_lookup, and the frames that used them must be looked up again. */
size_t code_check_due(struct code_reader *cr);

/* The line at byte offset addr into the bytecode (the first line when the
 * table has none for it). */
int code_line(struct code_info *ci, enum line_format format, int addr);

/* A new sample begins at now_us. */
static inline void code_reader_new_tick(struct code_reader *cr, uint64_t now_us)
{
	uint64_t gap = cr->previous_us ? cr->now_us - cr->previous_us : 0;
	cr->fresh_us = gap > CODE_FRESH_US / 2 ? 2 * gap : CODE_FRESH_US;
	cr->previous_us = cr->now_us;
	cr->now_us = now_us;
}

/* Free what was evicted during the sample just written. */
void code_reader_end_sample(struct code_reader *cr);

/* Read a str object into a fresh NUL-terminated UTF-8 string (malloc'd), or
 * NULL when it is not a plausible compact str. Exposed for tests. */
char *code_read_string(const struct remote *remote,
                       const struct py_layout *layout,
                       const struct py_types *types, uint64_t addr);

#endif
