/* MOJO: Austin's binary sample format, version 3.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * What this writer (and report/read_mojo.c) rely on, as Austin 3.6 and 3.7
 * write it (src/mojo.h, src/events.h, src/py_thread.c, src/frame.h) and as
 * austin-python's MOJO reader (austin/format/mojo.py) reads it:
 *
 * Integers. Sign and magnitude. The first byte holds the 6 lowest bits of
 * the magnitude, 0x40 for a negative number and 0x80 when more bytes
 * follow; each further byte holds the next 7 bits and 0x80 when more
 * follow. A 64-bit magnitude needs at most 10 bytes. Austin writes every
 * integer unsigned except the memory metric.
 *
 * Strings. The bytes, then NUL.
 *
 * Stream. "MOJ", the version (3) as an integer, then events: one byte, the
 * event's number, then its fields:
 *
 *    1 METADATA        key string, value string
 *    2 STACK           pid, iid (interpreter id, new in version 3), and the
 *                      thread id as a string: lowercase hexadecimal, no
 *                      prefix (Austin's "%lx"; the text format shows the same
 *                      number in decimal, and austin-python converts back)
 *    3 FRAME           key, file name string key, function string key,
 *                      line, line_end, column, column_end (the last three
 *                      new in version 2; Austin writes 0 where it has none)
 *    4 FRAME_INVALID   no fields
 *    5 FRAME_REF       key of a FRAME
 *    6 FRAME_KERNEL    scope string (austinp's kernel frames; text form
 *                      ";kernel:<scope>:0")
 *    7 GC              no fields: the collector was running
 *    8 IDLE            no fields: the thread was idle
 *    9 METRIC_TIME     microseconds
 *   10 METRIC_MEMORY   signed bytes
 *   11 STRING          key, string
 *   12 STRING_REF      key (defined by the format; Austin never writes it,
 *                      and readers resolve nothing from it)
 *
 * A sample is STACK, then the definitions it needs (STRING for each new
 * file or function name, then FRAME for each new frame; Austin resolves the
 * innermost frame first), then one FRAME_REF or FRAME_INVALID per frame,
 * outermost first, then GC while collecting, then the metrics: time mode
 * METRIC_TIME; memory mode METRIC_MEMORY; full mode METRIC_TIME, IDLE if
 * idle, METRIC_MEMORY. It ends where the next STACK (or the stream) begins.
 * METADATA comes before the first sample and after the last.
 *
 * Keys. Austin takes them from addresses in the target (a string's is its
 * object's address cut to 27 bits; a frame's, the code address and the
 * instruction offset), so readers treat them as opaque numbers, scoped to
 * the pid of the current STACK (austin-python keys its maps by (pid, key)),
 * and a key may be defined again, which replaces it: Austin does that when
 * its caches evict. String key 1 is Austin's "<unknown>" and is never
 * defined in the stream; readers supply it. Definitions come only after a
 * STACK, since that names their process.
 *
 * This writer numbers its keys itself: strings from 2, frames from 1, per
 * distinct (pid, contents), so a key never serves two processes. The tables
 * are bounded. Once one is full, a new string or frame is no longer interned
 * but defined in each sample that needs it, under a scratch key kept for its
 * position in the stack (keys past the interned range), which the next such
 * sample redefines. MOJO has no inline frame, so redefinition is what the
 * format allows; the cost falls only on what came after the table filled. */
#ifndef AUSTINC_EMIT_MOJO_H
#define AUSTINC_EMIT_MOJO_H

#include <stddef.h>
#include <stdint.h>

#include "emit/sink.h"
#include "sample.h"

#define MOJO_VERSION       3
#define MOJO_INT_MAX_BYTES 10

enum mojo_event {
	MOJO_METADATA = 1,
	MOJO_STACK = 2,
	MOJO_FRAME = 3,
	MOJO_FRAME_INVALID = 4,
	MOJO_FRAME_REF = 5,
	MOJO_FRAME_KERNEL = 6,
	MOJO_GC = 7,
	MOJO_IDLE = 8,
	MOJO_METRIC_TIME = 9,
	MOJO_METRIC_MEMORY = 10,
	MOJO_STRING = 11,
	MOJO_STRING_REF = 12,
};

/* The first key of each kind, and the string key readers take for
 * "<unknown>" without a definition. */
#define MOJO_FIRST_STRING_KEY 2
#define MOJO_FIRST_FRAME_KEY  1
#define MOJO_UNKNOWN_KEY      1

/* How much the writer interns at most (see above). */
#define MOJO_MAX_STRINGS      (1u << 18)
#define MOJO_MAX_STRING_BYTES (32u << 20)
#define MOJO_MAX_FRAMES       (1u << 19)

/* Interning state: strings and frames already defined in the stream. */
struct mojo;

/* NULL when out of memory. */
struct mojo *mojo_new(void);
/* The same with smaller tables (tests fill them). */
struct mojo *mojo_new_bounded(uint32_t max_strings, uint32_t max_frames);
void mojo_free(struct mojo *m);

/* "MOJ" and the version. */
void mojo_header(struct mojo *m, struct sink *s);
void mojo_metadata(struct mojo *m, struct sink *s, const char *key,
                   const char *value);
/* One sample, with the metrics of kind (see above). No allocation once the
 * sample's strings and frames are known. */
void mojo_sample(struct mojo *m, struct sink *s, enum metric_kind kind,
                 const struct sample *sample);

/* How many strings and frames are interned (for tests). */
size_t mojo_interned_strings(const struct mojo *m);
size_t mojo_interned_frames(const struct mojo *m);

/* Encode value into out; returns how many bytes. */
size_t mojo_encode_int(int64_t value, uint8_t out[MOJO_INT_MAX_BYTES]);
/* Decode the integer at data[*at] (data holds len bytes), advancing *at
 * past it. 0, or -1 if it is truncated, longer than MOJO_INT_MAX_BYTES or
 * does not fit in an int64_t (*at is then left where it was). */
int mojo_decode_int(const uint8_t *data, size_t len, size_t *at,
                    int64_t *value);

#endif
