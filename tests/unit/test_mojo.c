/* MOJO: the integer codec, the writer's events and interning, the golden
 * recording, and the reader (report/read_mojo.c) on good and bad input.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The golden file, tests/unit/fixtures/golden.mojo, is what write_golden()
 * below makes with this writer: metadata, then samples in each metric
 * layout (time, memory, full with and without idle), with GC marks, an
 * invalid frame, two processes, two interpreters and an empty stack, so it
 * holds every event the writer writes. Regenerate it (only after a
 * deliberate change of format) from the build directory with
 *
 *     AUSTINC_WRITE_GOLDEN=../tests/unit/fixtures/golden.mojo \
 *         CK_RUN_SUITE=mojo CK_RUN_CASE=golden tests/unit/check_austinc
 *
 * and verify it again as it was verified when it was made: outside this
 * repository, austin-python's MojoStreamReader (austin/format/mojo.py, at
 * its commit a8bb20d) parsed every event of it, and the samples it gave
 * (pid, interpreter id, thread id turned from hexadecimal into decimal,
 * frames from FRAME_REF, :INVALID: and :GC: where their events came, idle,
 * time and memory), written as collapsed lines, were golden_lines[] below
 * exactly; its own sample objects agreed. FRAME_KERNEL and STRING_REF, which
 * this writer never writes, are read in reader_on_austin_streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/collapsed.h"
#include "emit/mojo.h"
#include "emit/sink.h"
#include "model_text.h"
#include "report/profile.h"
#include "report/read.h"
#include "suites.h"

/* --- capturing what the writer writes ---------------------------------- */

static struct sink sink;
static char path[64];

static void open_capture(void)
{
	strcpy(path, "/tmp/austinc-mojo-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sink_open(&sink, path, 0), 0);
}

/* Close the capture and return its bytes (malloc'd). */
static uint8_t *captured(size_t *len)
{
	ck_assert_int_eq(sink_close(&sink), 0);
	uint8_t *data = slurp(path, len);
	unlink(path);
	return data;
}

static void assert_bytes(const uint8_t *got, size_t got_len,
                         const uint8_t *want, size_t want_len)
{
	for (size_t i = 0; i < got_len && i < want_len; i++)
		ck_assert_msg(got[i] == want[i],
		              "byte %zu: got 0x%02x, want 0x%02x", i, got[i],
		              want[i]);
	ck_assert_uint_eq(got_len, want_len);
}

/* --- building expected streams ------------------------------------------ */

struct bytes {
	uint8_t data[4096];
	size_t len;
};

static void put_raw(struct bytes *b, const void *data, size_t len)
{
	ck_assert_uint_le(b->len + len, sizeof b->data);
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void put_byte(struct bytes *b, uint8_t byte)
{
	put_raw(b, &byte, 1);
}

static void put_int(struct bytes *b, int64_t value)
{
	uint8_t out[MOJO_INT_MAX_BYTES];
	put_raw(b, out, mojo_encode_int(value, out));
}

/* The text and its NUL. */
static void put_str(struct bytes *b, const char *text)
{
	put_raw(b, text, strlen(text) + 1);
}

static void put_header(struct bytes *b, int64_t version)
{
	put_raw(b, "MOJ", 3);
	put_int(b, version);
}

static void put_stack(struct bytes *b, int64_t pid, int64_t iid,
                      const char *tid)
{
	put_byte(b, MOJO_STACK);
	put_int(b, pid);
	put_int(b, iid);
	put_str(b, tid);
}

static void put_string_def(struct bytes *b, int64_t key, const char *text)
{
	put_byte(b, MOJO_STRING);
	put_int(b, key);
	put_str(b, text);
}

static void put_frame_def(struct bytes *b, int64_t key, int64_t file,
                          int64_t name, int64_t line)
{
	put_byte(b, MOJO_FRAME);
	put_int(b, key);
	put_int(b, file);
	put_int(b, name);
	put_int(b, line);
	put_int(b, 0);
	put_int(b, 0);
	put_int(b, 0);
}

static void put_event_int(struct bytes *b, enum mojo_event event, int64_t value)
{
	put_byte(b, event);
	put_int(b, value);
}

/* --- the integer codec --------------------------------------------------- */

static const int64_t CODEC_VALUES[] = {
        0,
        1,
        -1,
        63,
        -63,
        64,
        -64,
        8191,
        -8191,
        8192,
        2147483648,
        -2147483648,
        2147483647,
        INT64_MAX,
        -INT64_MAX,
        INT64_MIN,
        (int64_t)1 << 62,
        -((int64_t)1 << 62),
        4242,
        -4096,
};

START_TEST(integers_round_trip)
{
	for (size_t i = 0; i < sizeof CODEC_VALUES / sizeof *CODEC_VALUES;
	     i++) {
		uint8_t out[MOJO_INT_MAX_BYTES];
		size_t n = mojo_encode_int(CODEC_VALUES[i], out);
		ck_assert_uint_ge(n, 1);
		ck_assert_uint_le(n, MOJO_INT_MAX_BYTES);
		size_t at = 0;
		int64_t value = 0;
		ck_assert_int_eq(mojo_decode_int(out, n, &at, &value), 0);
		ck_assert_uint_eq(at, n);
		ck_assert_msg(value == CODEC_VALUES[i], "%lld came back %lld",
		              (long long)CODEC_VALUES[i], (long long)value);
		/* Every shorter prefix is truncated. */
		for (size_t cut = 0; cut < n; cut++) {
			at = 0;
			ck_assert_int_eq(mojo_decode_int(out, cut, &at, &value),
			                 -1);
			ck_assert_uint_eq(at, 0);
		}
	}
}
END_TEST

static void assert_encoding(int64_t value, const char *hex)
{
	uint8_t out[MOJO_INT_MAX_BYTES];
	size_t n = mojo_encode_int(value, out);
	char got[2 * MOJO_INT_MAX_BYTES + 1];
	for (size_t i = 0; i < n; i++)
		snprintf(got + 2 * i, 3, "%02x", out[i]);
	got[2 * n] = '\0';
	ck_assert_msg(strcmp(got, hex) == 0, "%lld: got %s, want %s",
	              (long long)value, got, hex);
}

START_TEST(integers_exact_bytes)
{
	assert_encoding(0, "00");
	assert_encoding(1, "01");
	assert_encoding(-1, "41");
	assert_encoding(63, "3f");
	assert_encoding(-63, "7f");
	assert_encoding(64, "8001");
	assert_encoding(-64, "c001");
	assert_encoding(8191, "bf7f");
	assert_encoding(-8191, "ff7f");
	assert_encoding(8192, "808001");
	assert_encoding(2147483648, "8080808010");
	assert_encoding(-2147483648, "c080808010");
	assert_encoding(INT64_MAX, "bfffffffffffffffff01");
	assert_encoding(-INT64_MAX, "ffffffffffffffffff01");
	assert_encoding(INT64_MIN, "c0808080808080808002");
}
END_TEST

START_TEST(integers_rejected)
{
	int64_t value = 7;
	size_t at = 0;
	/* nothing, and a continuation with nothing after it */
	ck_assert_int_eq(mojo_decode_int((const uint8_t *)"", 0, &at, &value),
	                 -1);
	const uint8_t open[] = {0x80};
	ck_assert_int_eq(mojo_decode_int(open, 1, &at, &value), -1);
	/* eleven bytes */
	const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	                          0x80, 0x80, 0x80, 0x80, 0x00};
	ck_assert_int_eq(mojo_decode_int(eleven, sizeof eleven, &at, &value),
	                 -1);
	/* 2^64 and 2^63 do not fit; -2^63 does */
	const uint8_t big[] = {0x80, 0x80, 0x80, 0x80, 0x80,
	                       0x80, 0x80, 0x80, 0x80, 0x04};
	ck_assert_int_eq(mojo_decode_int(big, sizeof big, &at, &value), -1);
	const uint8_t two63[] = {0x80, 0x80, 0x80, 0x80, 0x80,
	                         0x80, 0x80, 0x80, 0x80, 0x02};
	ck_assert_int_eq(mojo_decode_int(two63, sizeof two63, &at, &value), -1);
	ck_assert_uint_eq(at, 0);
	ck_assert(value == 7);
	const uint8_t minus63[] = {0xc0, 0x80, 0x80, 0x80, 0x80,
	                           0x80, 0x80, 0x80, 0x80, 0x02};
	ck_assert_int_eq(mojo_decode_int(minus63, sizeof minus63, &at, &value),
	                 0);
	ck_assert(value == INT64_MIN);
	/* decoding starts at *at and stops after the integer */
	const uint8_t two[] = {0x05, 0x81, 0x01, 0x09};
	at = 1;
	ck_assert_int_eq(mojo_decode_int(two, sizeof two, &at, &value), 0);
	ck_assert_uint_eq(at, 3);
	ck_assert(value == 65);
}
END_TEST

/* --- the writer's events -------------------------------------------------- */

static struct stack st;

static void set_frame(uint32_t i, const char *file, const char *name, int line)
{
	st.frames[i] = (struct frame){
	        .kind = file ? FRAME_PYTHON : FRAME_INVALID,
	        .file = file,
	        .name = name,
	        .file_len = file ? (uint32_t)strlen(file) : 0,
	        .name_len = name ? (uint32_t)strlen(name) : 0,
	        .line = line,
	};
}

/* The same with the code id the code cache gives (0: none). */
static void set_frame_id(uint32_t i, const char *file, const char *name,
                         int line, uint64_t id)
{
	set_frame(i, file, name, line);
	st.frames[i].code_id = id;
}

START_TEST(header_and_metadata)
{
	struct mojo *m = mojo_new();
	ck_assert_ptr_nonnull(m);
	open_capture();
	mojo_header(m, &sink);
	mojo_metadata(m, &sink, "mode", "full");
	size_t len;
	uint8_t *got = captured(&len);
	struct bytes want = {0};
	put_raw(&want, "MOJ\x03", 4);
	put_byte(&want, MOJO_METADATA);
	put_str(&want, "mode");
	put_str(&want, "full");
	assert_bytes(got, len, want.data, want.len);
	free(got);
	mojo_free(m);
}
END_TEST

/* Two samples of one stack, inner frame first in st: the first defines
 * its strings and frames, the second only refers to them. */
START_TEST(sample_defines_then_refers)
{
	struct mojo *m = mojo_new();
	st.depth = 2;
	set_frame(0, "/srv/app.py", "main", 31);
	set_frame(1, "/srv/app.py", "<module>", 40);
	struct sample sm = {.pid = 4242,
	                    .iid = 0,
	                    .tid = 0x1093,
	                    .stack = &st,
	                    .time_us = 101};
	open_capture();
	mojo_sample(m, &sink, LINE_TIME, &sm);
	sm.time_us = 99;
	mojo_sample(m, &sink, LINE_TIME, &sm);
	size_t len;
	uint8_t *got = captured(&len);

	struct bytes want = {0};
	put_stack(&want, 4242, 0, "1093");
	/* innermost resolved first: its file, its name, the frame */
	put_string_def(&want, 2, "/srv/app.py");
	put_string_def(&want, 3, "main");
	put_frame_def(&want, 1, 2, 3, 31);
	put_string_def(&want, 4, "<module>");
	put_frame_def(&want, 2, 2, 4, 40);
	/* references outermost first */
	put_event_int(&want, MOJO_FRAME_REF, 2);
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 101);
	put_stack(&want, 4242, 0, "1093");
	put_event_int(&want, MOJO_FRAME_REF, 2);
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 99);
	assert_bytes(got, len, want.data, want.len);
	ck_assert_uint_eq(mojo_interned_strings(m), 3);
	ck_assert_uint_eq(mojo_interned_frames(m), 2);
	free(got);
	mojo_free(m);
}
END_TEST

START_TEST(invalid_gc_idle_and_metrics)
{
	struct mojo *m = mojo_new();
	st.depth = 2;
	set_frame(0, NULL, NULL, 0);
	set_frame(1, "a.py", "f", 3);
	struct sample sm = {.pid = 7,
	                    .iid = 1,
	                    .tid = 255,
	                    .stack = &st,
	                    .gc = 1,
	                    .time_us = 64,
	                    .idle = 1,
	                    .rss_delta = -4096};
	open_capture();
	mojo_sample(m, &sink, LINE_FULL, &sm);
	sm.gc = 0;
	sm.idle = 0;
	mojo_sample(m, &sink, LINE_FULL, &sm);
	mojo_sample(m, &sink, LINE_MEMORY, &sm);
	st.depth = 0;
	mojo_sample(m, &sink, LINE_TIME, &sm);
	size_t len;
	uint8_t *got = captured(&len);

	struct bytes want = {0};
	put_stack(&want, 7, 1, "ff");
	put_string_def(&want, 2, "a.py");
	put_string_def(&want, 3, "f");
	put_frame_def(&want, 1, 2, 3, 3);
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_byte(&want, MOJO_FRAME_INVALID);
	put_byte(&want, MOJO_GC);
	/* full: time, idle when idle, memory */
	put_event_int(&want, MOJO_METRIC_TIME, 64);
	put_byte(&want, MOJO_IDLE);
	put_event_int(&want, MOJO_METRIC_MEMORY, -4096);
	put_stack(&want, 7, 1, "ff");
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_byte(&want, MOJO_FRAME_INVALID);
	put_event_int(&want, MOJO_METRIC_TIME, 64);
	put_event_int(&want, MOJO_METRIC_MEMORY, -4096);
	/* memory mode: the memory metric alone */
	put_stack(&want, 7, 1, "ff");
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_byte(&want, MOJO_FRAME_INVALID);
	put_event_int(&want, MOJO_METRIC_MEMORY, -4096);
	/* an empty stack */
	put_stack(&want, 7, 1, "ff");
	put_event_int(&want, MOJO_METRIC_TIME, 64);
	assert_bytes(got, len, want.data, want.len);
	free(got);
	mojo_free(m);
}
END_TEST

/* Interning is by contents: the same text at another address is the same
 * string, other text at a reused address is a new one, and the same text
 * in another process gets its own keys. */
START_TEST(interning_follows_contents_and_pid)
{
	struct mojo *m = mojo_new();
	char file[16] = "x.py", name[16] = "g";
	char file_copy[16] = "x.py";
	st.depth = 1;
	set_frame(0, file, name, 5);
	struct sample sm = {.pid = 1, .tid = 1, .stack = &st, .time_us = 1};
	open_capture();
	mojo_sample(m, &sink, LINE_TIME, &sm);
	set_frame(0, file_copy, name, 5); /* same text elsewhere */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	strcpy(name, "h"); /* the address now holds another name */
	set_frame(0, file_copy, name, 5);
	mojo_sample(m, &sink, LINE_TIME, &sm);
	sm.pid = 2; /* another process */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	size_t len;
	uint8_t *got = captured(&len);

	struct bytes want = {0};
	put_stack(&want, 1, 0, "1");
	put_string_def(&want, 2, "x.py");
	put_string_def(&want, 3, "g");
	put_frame_def(&want, 1, 2, 3, 5);
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 1, 0, "1");
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 1, 0, "1");
	put_string_def(&want, 4, "h");
	put_frame_def(&want, 2, 2, 4, 5);
	put_event_int(&want, MOJO_FRAME_REF, 2);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 2, 0, "1");
	put_string_def(&want, 5, "x.py");
	put_string_def(&want, 6, "h");
	put_frame_def(&want, 3, 5, 6, 5);
	put_event_int(&want, MOJO_FRAME_REF, 3);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	assert_bytes(got, len, want.data, want.len);
	free(got);
	mojo_free(m);
}
END_TEST

/* Frames with a code id are found by id and line, whatever the address of
 * their text; another line, another process or another id with the same
 * text are told apart as the text alone would tell them. */
START_TEST(code_ids_find_frames_by_id_and_line)
{
	struct mojo *m = mojo_new();
	char copy[16] = "x.py";
	st.depth = 1;
	set_frame_id(0, "x.py", "g", 5, 7);
	struct sample sm = {.pid = 1, .tid = 1, .stack = &st, .time_us = 1};
	open_capture();
	mojo_sample(m, &sink, LINE_TIME, &sm);
	set_frame_id(0, copy, "g", 5, 7); /* same code, text elsewhere */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	set_frame_id(0, "x.py", "g", 6, 7); /* another line */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	set_frame_id(0, "x.py", "g", 5, 8); /* decoded again: a new id */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	set_frame_id(0, "x.py", "g", 5, 7);
	sm.pid = 2; /* another process */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	size_t len;
	uint8_t *got = captured(&len);

	struct bytes want = {0};
	put_stack(&want, 1, 0, "1");
	put_string_def(&want, 2, "x.py");
	put_string_def(&want, 3, "g");
	put_frame_def(&want, 1, 2, 3, 5);
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 1, 0, "1");
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 1, 0, "1");
	put_frame_def(&want, 2, 2, 3, 6);
	put_event_int(&want, MOJO_FRAME_REF, 2);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 1, 0, "1");
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	put_stack(&want, 2, 0, "1");
	put_string_def(&want, 4, "x.py");
	put_string_def(&want, 5, "g");
	put_frame_def(&want, 3, 4, 5, 5);
	put_event_int(&want, MOJO_FRAME_REF, 3);
	put_event_int(&want, MOJO_METRIC_TIME, 1);
	assert_bytes(got, len, want.data, want.len);
	ck_assert_uint_eq(mojo_interned_frames(m), 3);
	free(got);
	mojo_free(m);
}
END_TEST

/* With full tables, what is new is defined again in every sample under
 * scratch keys, and what was interned keeps its keys. */
START_TEST(full_tables_define_inline)
{
	struct mojo *m = mojo_new_bounded(3, 1);
	st.depth = 1;
	set_frame(0, "a.py", "f", 1);
	struct sample sm = {.pid = 1, .tid = 1, .stack = &st, .time_us = 5};
	open_capture();
	mojo_header(m, &sink);
	mojo_sample(m, &sink, LINE_TIME, &sm); /* interns a.py, f, a.py:f:1 */
	st.depth = 2;
	set_frame(0, "a.py", "g", 2); /* g fits, the frame does not */
	set_frame(1, "a.py", "f", 1);
	mojo_sample(m, &sink, LINE_TIME, &sm);
	set_frame(0, "b.py", "k", 3); /* neither string fits */
	mojo_sample(m, &sink, LINE_TIME, &sm);
	mojo_sample(m, &sink, LINE_TIME, &sm);
	size_t len;
	uint8_t *got = captured(&len);
	ck_assert_uint_eq(mojo_interned_strings(m), 3);
	ck_assert_uint_eq(mojo_interned_frames(m), 1);

	/* scratch keys: frames from 1 + 1, strings from 2 + 3 */
	struct bytes want = {0};
	put_header(&want, 3);
	put_stack(&want, 1, 0, "1");
	put_string_def(&want, 2, "a.py");
	put_string_def(&want, 3, "f");
	put_frame_def(&want, 1, 2, 3, 1);
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_METRIC_TIME, 5);

	put_stack(&want, 1, 0, "1");
	put_string_def(&want, 4, "g");
	put_frame_def(&want, 2, 2, 4, 2); /* scratch frame of position 0 */
	put_event_int(&want, MOJO_FRAME_REF, 1);
	put_event_int(&want, MOJO_FRAME_REF, 2);
	put_event_int(&want, MOJO_METRIC_TIME, 5);
	for (int i = 0; i < 2; i++) {
		put_stack(&want, 1, 0, "1");
		put_string_def(&want, 5, "b.py");
		put_string_def(&want, 6, "k");
		put_frame_def(&want, 2, 5, 6, 3);
		put_event_int(&want, MOJO_FRAME_REF, 1);
		put_event_int(&want, MOJO_FRAME_REF, 2);
		put_event_int(&want, MOJO_METRIC_TIME, 5);
	}
	assert_bytes(got, len, want.data, want.len);

	/* and a reader sees the frames they stand for */
	struct profile p;
	profile_init(&p);
	char err[128] = "";
	ck_assert_msg(read_mojo(&p, got, len, NULL, err, sizeof err) == 0, "%s",
	              err);
	ck_assert_uint_eq(p.samples.n, 4);
	const struct profile_stack *last =
	        profile_stack_at(&p, profile_sample_at(&p, 3)->stack);
	const struct profile_frame *inner =
	        profile_frame_at(&p, profile_stack_frames(&p, last)[1]);
	ck_assert_str_eq(profile_str(&p, inner->file), "b.py");
	ck_assert_str_eq(profile_str(&p, inner->name), "k");
	ck_assert_int_eq(inner->line, 3);
	ck_assert_uint_eq(p.frames.n, 3);
	profile_free(&p);
	free(got);
	mojo_free(m);
}
END_TEST

/* --- the golden recording ------------------------------------------------ */

struct golden_sample {
	pid_t pid;
	int64_t iid, tid;
	const char
	        *frames[4]; /* "file:name:line" outermost first, "" = invalid */
	int gc;
	enum metric_kind kind;
	uint64_t time;
	int idle;
	int64_t memory;
};

/* Every metric layout, GC and idle marks, an invalid frame, two processes,
 * two interpreters, an empty stack. (A real recording has one mode; this
 * one carries the three layouts so that one file covers them.) */
#define MODULE "/srv/app.py:<module>:40"
#define MAIN   "/srv/app.py:main:31"

static const struct golden_sample GOLDEN[] = {
        {.pid = 4242,
         .tid = 4243,
         .frames = {MODULE, MAIN},
         .gc = 1,
         .kind = LINE_FULL,
         .time = 101,
         .memory = 4096},
        {.pid = 4242,
         .tid = 4243,
         .frames = {MODULE, MAIN, "/srv/lib/work.py:Worker.run:7"},
         .kind = LINE_FULL,
         .time = 250,
         .idle = 1,
         .memory = -8192},
        {.pid = 4242,
         .iid = 1,
         .tid = 4250,
         .frames = {MODULE, "", "/srv/lib/work.py:Worker.run:9"},
         .kind = LINE_FULL,
         .time = 64},
        {.pid = 4300,
         .tid = 4301,
         .frames = {MODULE, MAIN},
         .kind = LINE_FULL,
         .time = 8191,
         .idle = 1,
         .memory = -64},
        {.pid = 4242, .tid = 4243, .kind = LINE_TIME, .time = 63},
        {.pid = 4242,
         .tid = 4243,
         .frames = {MODULE, MAIN},
         .kind = LINE_MEMORY,
         .memory = 2147483648},
        {.pid = 4242,
         .tid = 140737488355327,
         .frames = {MODULE},
         .gc = 1,
         .kind = LINE_FULL,
         .time = 1000000,
         .idle = 1,
         .memory = -2147483648},
};

#define GOLDEN_COUNT (sizeof GOLDEN / sizeof *GOLDEN)

/* What the collapsed writer prints for GOLDEN, and what the model of the
 * golden file renders as (render_sample, in full layout). */
static const char *const golden_lines[] = {
        "P4242;T0:4243;/srv/app.py:<module>:40;/srv/app.py:main:31;:GC: "
        "101,0,4096",
        "P4242;T0:4243;/srv/app.py:<module>:40;/srv/app.py:main:31;"
        "/srv/lib/work.py:Worker.run:7 250,1,-8192",
        "P4242;T1:4250;/srv/app.py:<module>:40;:INVALID:;"
        "/srv/lib/work.py:Worker.run:9 64,0,0",
        "P4300;T0:4301;/srv/app.py:<module>:40;/srv/app.py:main:31 "
        "8191,1,-64",
        "P4242;T0:4243 63,0,0",
        "P4242;T0:4243;/srv/app.py:<module>:40;/srv/app.py:main:31 "
        "0,0,2147483648",
        "P4242;T0:140737488355327;/srv/app.py:<module>:40;:GC: "
        "1000000,1,-2147483648",
};

static const char *const golden_meta[][2] = {
        {"austinc", "0.1.0"},
        {"interval", "100us"},
        {"mode", "full"},
        {"python", "3.12.1 (shared)"},
};

/* Strings of the golden frames, split out of "file:name:line"; some are
 * copies so that the same text comes at more than one address. */
static char golden_text[GOLDEN_COUNT][4][2][64];

static void fill_stack(size_t i)
{
	const struct golden_sample *g = &GOLDEN[i];
	uint32_t depth = 0;
	while (depth < 4 && g->frames[depth])
		depth++;
	st.depth = depth;
	for (uint32_t k = 0; k < depth; k++) {
		/* st is innermost first, GOLDEN outermost first */
		const char *spec = g->frames[depth - 1 - k];
		if (!*spec) {
			set_frame(k, NULL, NULL, 0);
			continue;
		}
		char *file = golden_text[i][k][0], *name = golden_text[i][k][1];
		const char *colon = strchr(spec, ':');
		const char *last = strrchr(spec, ':');
		snprintf(file, 64, "%.*s", (int)(colon - spec), spec);
		snprintf(name, 64, "%.*s", (int)(last - colon - 1), colon + 1);
		set_frame(k, file, name, atoi(last + 1));
	}
}

enum writer { AS_MOJO, AS_TEXT };

/* The golden metadata and samples under mode, each sample with the metrics
 * of kind, or, when kind is NULL, of its own kind. */
static void write_recording(struct sink *s, enum writer w, const char *mode,
                            const enum metric_kind *kind)
{
	struct mojo *m = mojo_new();
	ck_assert_ptr_nonnull(m);
	if (w == AS_MOJO)
		mojo_header(m, s);
	for (size_t i = 0; i < 4; i++) {
		const char *key = golden_meta[i][0];
		const char *value =
		        strcmp(key, "mode") == 0 ? mode : golden_meta[i][1];
		if (w == AS_TEXT)
			collapsed_metadata(s, key, value);
		else
			mojo_metadata(m, s, key, value);
	}
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		const struct golden_sample *g = &GOLDEN[i];
		fill_stack(i);
		struct sample sm = {g->pid, g->iid,  g->tid,  &st,
		                    g->gc,  g->time, g->idle, g->memory};
		enum metric_kind k = kind ? *kind : g->kind;
		if (w == AS_TEXT)
			collapsed_sample(NULL, s, k, &sm);
		else
			mojo_sample(m, s, k, &sm);
	}
	if (w == AS_TEXT)
		collapsed_metadata(s, "duration", "2031542us");
	else
		mojo_metadata(m, s, "duration", "2031542us");
	mojo_free(m);
}

static void write_golden(struct sink *s)
{
	write_recording(s, AS_MOJO, "full", NULL);
}

static uint8_t *golden_fixture(size_t *len)
{
	return slurp(FIXTURES_DIR "/golden.mojo", len);
}

START_TEST(golden)
{
	const char *regenerate = getenv("AUSTINC_WRITE_GOLDEN");
	if (regenerate) {
		ck_assert_int_eq(sink_open(&sink, regenerate, 0), 0);
		write_golden(&sink);
		ck_assert_int_eq(sink_close(&sink), 0);
	}
	open_capture();
	write_golden(&sink);
	size_t len, want_len;
	uint8_t *got = captured(&len);
	uint8_t *want = golden_fixture(&want_len);
	assert_bytes(got, len, want, want_len);
	free(got);
	free(want);
}
END_TEST

/* The golden samples as the collapsed writer prints them (full layout). */
START_TEST(golden_lines_are_the_collapsed_text)
{
	const enum metric_kind full = LINE_FULL;
	open_capture();
	write_recording(&sink, AS_TEXT, "full", &full);
	size_t len;
	char *text = (char *)captured(&len);
	text[len] = '\0';
	char *line = text;
	for (size_t i = 0; i < 4; i++)
		line = strchr(line, '\n') + 1;
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		char *end = strchr(line, '\n');
		ck_assert_ptr_nonnull(end);
		*end = '\0';
		ck_assert_str_eq(line, golden_lines[i]);
		line = end + 1;
	}
	ck_assert_str_eq(line, "# duration: 2031542us\n");
	free(text);
}
END_TEST

/* --- the reader ------------------------------------------------------------
 */

static void append(char *out, size_t len, const char *fmt, const char *a,
                   long long b)
{
	size_t used = strlen(out);
	ck_assert_uint_lt(used, len);
	snprintf(out + used, len - used, fmt, a, b);
}

/* A sample of the model in the collapsed full layout. */
static void render_sample(const struct profile *p, size_t i, char *out,
                          size_t len)
{
	const struct profile_sample *s = profile_sample_at(p, i);
	const struct profile_stack *stack = profile_stack_at(p, s->stack);
	const struct profile_thread *t = profile_thread_at(p, stack->thread);
	snprintf(out, len, "P%lld;T%lld:%lld", (long long)t->pid,
	         (long long)t->iid, (long long)t->tid);
	for (uint32_t k = 0; k < stack->depth; k++) {
		const struct profile_frame *f =
		        profile_frame_at(p, profile_stack_frames(p, stack)[k]);
		if (f->kind == FRAME_INVALID)
			append(out, len, "%s:INVALID:", ";", 0);
		else if (f->kind == FRAME_GC)
			append(out, len, "%s:GC:", ";", 0);
		else {
			append(out, len, ";%s", profile_str(p, f->file), 0);
			append(out, len, ":%s", profile_str(p, f->name), 0);
			append(out, len, "%s:%lld", "", f->line);
		}
	}
	append(out, len, " %s%lld", "", (long long)s->time);
	append(out, len, ",%s%lld", "", (long long)s->idle);
	append(out, len, ",%s%lld", "", (long long)s->memory);
}

START_TEST(reader_on_golden)
{
	size_t len;
	uint8_t *data = golden_fixture(&len);
	struct profile p;
	profile_init(&p);
	char err[128] = "";
	ck_assert_msg(read_mojo(&p, data, len, NULL, err, sizeof err) == 0,
	              "%s", err);
	ck_assert_int_eq(p.mode, PROFILE_FULL);
	ck_assert_uint_eq(p.meta.n, 5);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(profile_meta(&p, golden_meta[i][0]),
		                 golden_meta[i][1]);
	ck_assert_str_eq(profile_meta(&p, "duration"), "2031542us");
	ck_assert_uint_eq(p.samples.n, GOLDEN_COUNT);
	for (size_t i = 0; i < GOLDEN_COUNT; i++) {
		char line[512];
		render_sample(&p, i, line, sizeof line);
		ck_assert_str_eq(line, golden_lines[i]);
	}
	/* interned once: 4 threads; 7 stacks (the sixth sample repeats the
	 * first's frames without its GC mark) */
	ck_assert_uint_eq(p.threads.n, 4);
	ck_assert_uint_eq(p.stacks.n, 7);
	profile_free(&p);
	free(data);
}
END_TEST

static void assert_same_strings(const struct profile *a,
                                const struct profile *b)
{
	ck_assert_uint_eq(a->strings.n, b->strings.n);
	for (uint32_t i = 0; i < a->strings.n; i++)
		ck_assert_str_eq(profile_str(a, i), profile_str(b, i));
	ck_assert_uint_eq(a->meta.n, b->meta.n);
	for (size_t i = 0; i < a->meta.n; i++) {
		const struct profile_meta *x =
		        (const struct profile_meta *)a->meta.items + i;
		const struct profile_meta *y =
		        (const struct profile_meta *)b->meta.items + i;
		ck_assert_str_eq(x->key, y->key);
		ck_assert_str_eq(x->value, y->value);
	}
}

static void assert_same_stacks(const struct profile *a, const struct profile *b)
{
	ck_assert_uint_eq(a->frames.n, b->frames.n);
	ck_assert(memcmp(a->frames.items, b->frames.items,
	                 a->frames.n * sizeof(struct profile_frame)) == 0);
	ck_assert_uint_eq(a->threads.n, b->threads.n);
	ck_assert(memcmp(a->threads.items, b->threads.items,
	                 a->threads.n * sizeof(struct profile_thread)) == 0);
	ck_assert_uint_eq(a->stacks.n, b->stacks.n);
	for (uint32_t i = 0; i < a->stacks.n; i++) {
		const struct profile_stack *x = profile_stack_at(a, i);
		const struct profile_stack *y = profile_stack_at(b, i);
		ck_assert_uint_eq(x->thread, y->thread);
		ck_assert_uint_eq(x->depth, y->depth);
		ck_assert(x->depth == 0 ||
		          memcmp(profile_stack_frames(a, x),
		                 profile_stack_frames(b, y),
		                 x->depth * sizeof(uint32_t)) == 0);
	}
}

/* The same model, ids and all: whatever a view does with it, it does the
 * same for both. */
static void assert_same_model(const struct profile *a, const struct profile *b)
{
	ck_assert_int_eq(a->mode, b->mode);
	assert_same_strings(a, b);
	assert_same_stacks(a, b);
	ck_assert_uint_eq(a->samples.n, b->samples.n);
	for (size_t i = 0; i < a->samples.n; i++) {
		const struct profile_sample *x = profile_sample_at(a, i);
		const struct profile_sample *y = profile_sample_at(b, i);
		ck_assert_uint_eq(x->stack, y->stack);
		ck_assert_uint_eq(x->idle, y->idle);
		ck_assert_uint_eq(x->time, y->time);
		ck_assert_int_eq(x->memory, y->memory);
	}
}

static void read_capture(struct profile *p, enum writer w)
{
	size_t len;
	uint8_t *data = captured(&len);
	char err[128] = "";
	profile_init(p);
	int rc = w == AS_MOJO ? read_mojo(p, data, len, NULL, err, sizeof err)
	                      : read_text(p, (const char *)data, len, NULL, err,
	                                  sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	free(data);
}

/* The golden file (its samples of mixed layouts are, in full mode, the
 * full lines of the text) against the collapsed text of its samples. */
START_TEST(golden_reads_as_its_text)
{
	const enum metric_kind full = LINE_FULL;
	struct profile text, mojo;
	open_capture();
	write_recording(&sink, AS_TEXT, "full", &full);
	read_capture(&text, AS_TEXT);
	open_capture();
	write_golden(&sink);
	read_capture(&mojo, AS_MOJO);
	assert_same_model(&text, &mojo);
	profile_free(&text);
	profile_free(&mojo);
}
END_TEST

/* A text and a MOJO recording of the same samples, in each mode. */
static const struct {
	const char *mode;
	enum metric_kind kind;
} MODES[] = {
        {"wall", LINE_TIME},
        {"cpu", LINE_TIME},
        {"memory", LINE_MEMORY},
        {"full", LINE_FULL},
};

START_TEST(text_and_mojo_give_one_model)
{
	struct profile text, mojo;
	open_capture();
	write_recording(&sink, AS_TEXT, MODES[_i].mode, &MODES[_i].kind);
	read_capture(&text, AS_TEXT);
	open_capture();
	write_recording(&sink, AS_MOJO, MODES[_i].mode, &MODES[_i].kind);
	read_capture(&mojo, AS_MOJO);
	assert_same_model(&text, &mojo);
	ck_assert_uint_eq(mojo.samples.n, GOLDEN_COUNT);
	profile_free(&text);
	profile_free(&mojo);
}
END_TEST

static int read_bytes(const uint8_t *data, size_t len, char *err,
                      size_t err_len)
{
	struct profile p;
	profile_init(&p);
	int result = read_mojo(&p, data, len, NULL, err, err_len);
	profile_free(&p);
	return result;
}

/* Every prefix either reads or names the byte where it went wrong (read
 * strictly: none is salvaged); only those that end with a whole event and
 * a last sample with the metrics of the mode read. */
START_TEST(reader_on_every_prefix)
{
	size_t len;
	uint8_t *data = golden_fixture(&len);
	size_t parsed = 0;
	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *copy =
		        malloc(cut ? cut : 1); /* valgrind sees overruns */
		memcpy(copy, data, cut);
		char err[128] = "";
		if (read_bytes(copy, cut, err, sizeof err) == 0)
			parsed++;
		else
			ck_assert_msg(strncmp(err, "byte ", 5) == 0,
			              "prefix %zu: %s", cut, err);
		free(copy);
	}
	/* Those ending after the header, after each of the first four
	 * metadata, after the memory metric of each full sample (the mode
	 * is full: the samples of the other layouts have one metric only,
	 * and are whole only where another sample follows them), and the
	 * whole file. */
	ck_assert_uint_eq(parsed, 1 + 4 + 5 + 1);
	free(data);
}
END_TEST

/* Every byte replaced by a few values: no crash, an answer either way. */
START_TEST(reader_on_corrupted_bytes)
{
	size_t len;
	uint8_t *data = golden_fixture(&len);
	const uint8_t values[] = {0x00, 0x05, 0x0c, 0x0d, 0x7f, 0x80, 0xff};
	for (size_t i = 0; i < len; i++)
		for (size_t v = 0; v < sizeof values; v++) {
			uint8_t saved = data[i];
			data[i] = values[v];
			char err[128] = "";
			if (read_bytes(data, len, err, sizeof err))
				ck_assert_msg(strncmp(err, "byte ", 5) == 0,
				              "byte %zu = %u: %s", i, values[v],
				              err);
			data[i] = saved;
		}
	free(data);
}
END_TEST

struct bad_case {
	const char *what;
	void (*build)(struct bytes *b);
	const char *error;
};

static void sample_start(struct bytes *b)
{
	put_header(b, 3);
	put_stack(b, 1, 0, "a");
}

static void bad_magic(struct bytes *b)
{
	put_raw(b, "MOX\x03", 4);
}

static void short_magic(struct bytes *b)
{
	put_raw(b, "MO", 2);
}

static void version_4(struct bytes *b)
{
	put_header(b, 4);
}

static void version_1(struct bytes *b)
{
	put_header(b, 1);
}

static void no_version(struct bytes *b)
{
	put_raw(b, "MOJ", 3);
}

static void unknown_event(struct bytes *b)
{
	sample_start(b);
	put_byte(b, 13);
}

static void event_zero(struct bytes *b)
{
	put_header(b, 3);
	put_byte(b, 0);
}

static void string_before_stack(struct bytes *b)
{
	put_header(b, 3);
	put_string_def(b, 2, "a.py");
}

static void bad_thread(struct bytes *b)
{
	put_header(b, 3);
	put_stack(b, 1, 0, "12g4");
}

static void empty_thread(struct bytes *b)
{
	put_header(b, 3);
	put_stack(b, 1, 0, "");
}

static void long_thread(struct bytes *b)
{
	put_header(b, 3);
	put_stack(b, 1, 0, "10000000000000000");
}

static void undefined_frame(struct bytes *b)
{
	sample_start(b);
	put_event_int(b, MOJO_FRAME_REF, 5);
}

static void undefined_string(struct bytes *b)
{
	sample_start(b);
	put_string_def(b, 2, "a.py");
	put_frame_def(b, 1, 2, 9, 3);
}

/* Keys belong to the process of the STACK they follow. */
static void frame_of_other_process(struct bytes *b)
{
	sample_start(b);
	put_string_def(b, 2, "a.py");
	put_frame_def(b, 1, 2, 2, 3);
	put_event_int(b, MOJO_FRAME_REF, 1);
	put_event_int(b, MOJO_METRIC_TIME, 1);
	put_stack(b, 2, 0, "a");
	put_event_int(b, MOJO_FRAME_REF, 1);
}

static void frame_after_metric(struct bytes *b)
{
	sample_start(b);
	put_event_int(b, MOJO_METRIC_TIME, 1);
	put_byte(b, MOJO_FRAME_INVALID);
}

static void frame_after_gc(struct bytes *b)
{
	sample_start(b);
	put_byte(b, MOJO_GC);
	put_byte(b, MOJO_FRAME_INVALID);
}

static void no_metric_then_stack(struct bytes *b)
{
	sample_start(b);
	put_stack(b, 1, 0, "a");
}

static void no_metric_at_end(struct bytes *b)
{
	sample_start(b);
	put_byte(b, MOJO_FRAME_INVALID);
}

static void negative_time(struct bytes *b)
{
	sample_start(b);
	put_event_int(b, MOJO_METRIC_TIME, -5);
}

static void huge_line(struct bytes *b)
{
	sample_start(b);
	put_string_def(b, 2, "a.py");
	put_frame_def(b, 1, 2, 2, (int64_t)1 << 40);
}

static void truncated_pid(struct bytes *b)
{
	put_header(b, 3);
	put_byte(b, MOJO_STACK);
	put_byte(b, 0x80);
}

static void overlong_pid(struct bytes *b)
{
	put_header(b, 3);
	put_byte(b, MOJO_STACK);
	for (int i = 0; i < 11; i++)
		put_byte(b, 0x80);
	put_byte(b, 0);
}

static void unterminated_key(struct bytes *b)
{
	put_header(b, 3);
	put_byte(b, MOJO_METADATA);
	put_raw(b, "mode", 4);
}

static void metric_outside_sample(struct bytes *b)
{
	put_header(b, 3);
	put_event_int(b, MOJO_METRIC_TIME, 1);
}

static void ref_outside_sample(struct bytes *b)
{
	put_header(b, 3);
	put_event_int(b, MOJO_FRAME_REF, 1);
}

static void two_time_metrics(struct bytes *b)
{
	sample_start(b);
	put_event_int(b, MOJO_METRIC_TIME, 1);
	put_event_int(b, MOJO_METRIC_TIME, 1);
}

static void two_gc_marks(struct bytes *b)
{
	sample_start(b);
	put_byte(b, MOJO_GC);
	put_byte(b, MOJO_GC);
}

static void undefined_string_ref(struct bytes *b)
{
	sample_start(b);
	put_event_int(b, MOJO_STRING_REF, 3);
}

static void bad_mode(struct bytes *b)
{
	put_header(b, 3);
	put_byte(b, MOJO_METADATA);
	put_str(b, "mode");
	put_str(b, "fast");
}

/* The model looks metadata up one by one: their number is bounded. */
static void too_many_keys(struct bytes *b)
{
	put_header(b, 3);
	for (int i = 0; i <= 256; i++) {
		char key[16];
		snprintf(key, sizeof key, "k%d", i);
		put_byte(b, MOJO_METADATA);
		put_str(b, key);
		put_str(b, "");
	}
}

static const struct bad_case BAD[] = {
        {"mode", bad_mode,
         "byte 4: mode 'fast' is not wall, cpu, memory or full"},
        {"keys", too_many_keys, "byte 1686: more than 256 metadata keys"},
        {"magic", bad_magic, "byte 2: not a MOJO file"},
        {"short magic", short_magic, "byte 2: truncated MOJO header"},
        {"version 4", version_4, "byte 3: MOJO version 4, expected 2 or 3"},
        {"version 1", version_1, "byte 3: MOJO version 1, expected 2 or 3"},
        {"no version", no_version, "byte 3: truncated MOJO version"},
        {"unknown event", unknown_event, "byte 9: unknown event 13"},
        {"event 0", event_zero, "byte 4: unknown event 0"},
        {"string first", string_before_stack,
         "byte 4: string before any stack"},
        {"thread", bad_thread,
         "byte 7: thread id is not 1 to 16 hexadecimal digits"},
        {"empty thread", empty_thread,
         "byte 7: thread id is not 1 to 16 hexadecimal digits"},
        {"long thread", long_thread,
         "byte 7: thread id is not 1 to 16 hexadecimal digits"},
        {"undefined frame", undefined_frame, "byte 10: undefined frame 5"},
        {"undefined string", undefined_string, "byte 19: undefined string 9"},
        {"other process", frame_of_other_process, "byte 34: undefined frame 1"},
        {"frame after metric", frame_after_metric,
         "byte 11: invalid frame after the sample's metrics"},
        {"frame after gc", frame_after_gc,
         "byte 10: invalid frame after the sample's GC mark"},
        {"no metric", no_metric_then_stack,
         "byte 9: the sample at byte 4 has no metric"},
        {"no metric at end", no_metric_at_end,
         "byte 10: the sample at byte 4 has no metric"},
        {"negative time", negative_time, "byte 10: negative time -5"},
        {"huge line", huge_line, "byte 20: line 1099511627776 out of range"},
        {"truncated pid", truncated_pid, "byte 5: truncated pid"},
        {"overlong pid", overlong_pid, "byte 5: pid is not a 64-bit integer"},
        {"unterminated", unterminated_key,
         "byte 5: truncated metadata key (no terminating NUL)"},
        {"metric outside", metric_outside_sample,
         "byte 4: time metric outside a sample"},
        {"ref outside", ref_outside_sample,
         "byte 4: frame reference outside a sample"},
        {"two times", two_time_metrics,
         "byte 11: second time metric in one sample"},
        {"two gc", two_gc_marks, "byte 10: second GC mark in one sample"},
        {"string ref", undefined_string_ref, "byte 10: undefined string 3"},
};

START_TEST(reader_errors)
{
	const struct bad_case *c = &BAD[_i];
	struct bytes b = {0};
	c->build(&b);
	char err[128] = "";
	ck_assert_msg(read_bytes(b.data, b.len, err, sizeof err) == -1,
	              "%s: read", c->what);
	ck_assert_msg(strcmp(err, c->error) == 0, "%s: got \"%s\", want \"%s\"",
	              c->what, err, c->error);
}
END_TEST

/* What Austin writes and this writer does not: keys from addresses, key 1
 * for "<unknown>", frames redefined under the same key, kernel frames,
 * STRING_REF; and MOJO 2 (no interpreter id). */
START_TEST(reader_on_austin_streams)
{
	struct bytes b = {0};
	const int64_t file = 0x5f3a6c8, name = 0x5f3a710;
	const int64_t frame = (int64_t)0x5f3a5a0 << 16 | 42;
	put_header(&b, 3);
	put_byte(&b, MOJO_METADATA);
	put_str(&b, "mode");
	put_str(&b, "wall");
	put_stack(&b, 100, 0, "7f3a");
	put_string_def(&b, file, "/x/m.py");
	put_string_def(&b, name, "run");
	put_frame_def(&b, frame, file, name, 12);
	put_frame_def(&b, 99, file, MOJO_UNKNOWN_KEY, 0);
	put_event_int(&b, MOJO_FRAME_REF, frame);
	put_event_int(&b, MOJO_FRAME_REF, 99);
	put_byte(&b, MOJO_FRAME_KERNEL);
	put_str(&b, "do_syscall_64");
	put_event_int(&b, MOJO_STRING_REF, file);
	put_event_int(&b, MOJO_METRIC_TIME, 300);
	put_stack(&b, 100, 0, "7f3a");
	put_string_def(&b, name, "stop"); /* replaces "run" from here on */
	put_frame_def(&b, frame, file, name, 13);
	put_event_int(&b, MOJO_FRAME_REF, frame);
	put_event_int(&b, MOJO_METRIC_TIME, 200);

	struct profile p;
	profile_init(&p);
	char err[128] = "";
	ck_assert_msg(read_mojo(&p, b.data, b.len, NULL, err, sizeof err) == 0,
	              "%s", err);
	ck_assert_int_eq(p.mode, PROFILE_WALL);
	ck_assert_uint_eq(p.samples.n, 2);
	char line[512];
	render_sample(&p, 0, line, sizeof line);
	ck_assert_str_eq(line, "P100;T0:32570;/x/m.py:run:12;/x/m.py:<unknown>:"
	                       "0;kernel:do_syscall_64:0 300,0,0");
	render_sample(&p, 1, line, sizeof line);
	ck_assert_str_eq(line, "P100;T0:32570;/x/m.py:stop:13 200,0,0");
	profile_free(&p);

	/* MOJO 2: the same stack without the interpreter id */
	struct bytes v2 = {0};
	put_header(&v2, 2);
	put_byte(&v2, MOJO_STACK);
	put_int(&v2, 5);
	put_str(&v2, "a");
	put_string_def(&v2, 2, "v.py");
	put_frame_def(&v2, 1, 2, 2, 1);
	put_event_int(&v2, MOJO_FRAME_REF, 1);
	put_event_int(&v2, MOJO_METRIC_MEMORY, -7);
	profile_init(&p);
	ck_assert_msg(read_mojo(&p, v2.data, v2.len, NULL, err, sizeof err) ==
	                      0,
	              "%s", err);
	render_sample(&p, 0, line, sizeof line);
	ck_assert_str_eq(line, "P5;T0:10;v.py:v.py:1 0,0,-7");
	/* no mode metadata: the metrics tell */
	ck_assert_int_eq(p.mode, PROFILE_MEMORY);
	profile_free(&p);

	struct bytes full = {0};
	sample_start(&full);
	put_event_int(&full, MOJO_METRIC_TIME, 10);
	put_event_int(&full, MOJO_METRIC_MEMORY, 0);
	profile_init(&p);
	ck_assert_int_eq(
	        read_mojo(&p, full.data, full.len, NULL, err, sizeof err), 0);
	ck_assert_int_eq(p.mode, PROFILE_FULL);
	profile_free(&p);
}
END_TEST

Suite *mojo_suite(void)
{
	Suite *s = suite_create("mojo");
	TCase *t = tcase_create("integers");
	tcase_add_test(t, integers_round_trip);
	tcase_add_test(t, integers_exact_bytes);
	tcase_add_test(t, integers_rejected);
	suite_add_tcase(s, t);
	t = tcase_create("writer");
	tcase_add_test(t, header_and_metadata);
	tcase_add_test(t, sample_defines_then_refers);
	tcase_add_test(t, invalid_gc_idle_and_metrics);
	tcase_add_test(t, interning_follows_contents_and_pid);
	tcase_add_test(t, code_ids_find_frames_by_id_and_line);
	tcase_add_test(t, full_tables_define_inline);
	suite_add_tcase(s, t);
	t = tcase_create("golden");
	tcase_add_test(t, golden);
	tcase_add_test(t, golden_lines_are_the_collapsed_text);
	suite_add_tcase(s, t);
	t = tcase_create("reader");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, reader_on_golden);
	tcase_add_test(t, golden_reads_as_its_text);
	tcase_add_loop_test(t, text_and_mojo_give_one_model, 0,
	                    sizeof MODES / sizeof *MODES);
	tcase_add_test(t, reader_on_every_prefix);
	tcase_add_test(t, reader_on_corrupted_bytes);
	tcase_add_loop_test(t, reader_errors, 0, sizeof BAD / sizeof *BAD);
	tcase_add_test(t, reader_on_austin_streams);
	suite_add_tcase(s, t);
	return s;
}
