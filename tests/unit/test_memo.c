/* The writers' memo of each thread's last sample: what it copies must be
 * exactly what formatting in full would write.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/collapsed.h"
#include "emit/memo.h"
#include "emit/mojo.h"
#include "suites.h"

#define THREADS     40 /* more than MEMO_SLOTS: lines are taken over */
#define CODES       6
#define SAMPLES     3000
#define LONG_LABEL  300
#define SHAPE_BYTES (32 * 1024 * 1024)

static char labels[CODES][LONG_LABEL + 8];
static char names[CODES][LONG_LABEL];
static struct stack last[THREADS];
static struct stack st;

static uint64_t rng = 88172645463325252ull;

static uint32_t next(uint32_t below)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % below);
}

/* Code object c: a short name for most, a very long one for the last (its
 * frames overflow a memo line's bytes in deep stacks). */
static void make_codes(void)
{
	for (int c = 0; c < CODES; c++) {
		size_t len = c == CODES - 1 ? LONG_LABEL - 1 : 8;
		memset(names[c], 'a' + c, len);
		names[c][len] = '\0';
		/* "mC.py:NAME:" */
		memcpy(labels[c], "m0.py:", 6);
		labels[c][1] = (char)('0' + c);
		memcpy(labels[c] + 6, names[c], len);
		memcpy(labels[c] + 6 + len, ":", 2);
	}
}

static struct frame frame_of(int c, int line, int with_ids)
{
	static const char *files[CODES] = {"m0.py", "m1.py", "m2.py",
	                                   "m3.py", "m4.py", "m5.py"};
	struct frame f = {.file = files[c],
	                  .name = names[c],
	                  .file_len = 5,
	                  .name_len = (uint32_t)strlen(names[c]),
	                  .label = labels[c],
	                  .line = line};
	if (with_ids)
		f.code_id = (uint64_t)c + 1;
	return f;
}

/* The next stack of a thread: mostly its last one with the innermost few
 * frames changed; sometimes one of a new depth (deep ones past
 * MEMO_FRAMES), an INVALID frame, a frame without a label. Frames are kept
 * as (code, line) in code_id and line, and rebuilt by fill(). */
static void mutate(struct stack *t)
{
	uint32_t roll = next(100);
	if (roll < 5)
		t->depth = next(roll < 1 ? MEMO_FRAMES + 60 : 40);
	uint32_t change = next(4);
	for (uint32_t i = 0; i < change && i < t->depth; i++)
		t->frames[i] = (struct frame){.code_id = next(CODES) + 1,
		                              .line = (int)next(3) + 1};
	for (uint32_t i = 0; i < t->depth; i++)
		if (t->frames[i].code_id == 0)
			t->frames[i] = (struct frame){
			        .code_id = next(CODES) + 1, .line = 1};
	if (roll == 97 && t->depth > 0) /* INVALID */
		t->frames[next(t->depth)].code_id = CODES + 1;
	if (roll == 98 && t->depth > 0) /* no label, no code id */
		t->frames[next(t->depth)].code_id = CODES + 2;
}

static void fill(const struct stack *t, int with_ids)
{
	st.depth = t->depth;
	for (uint32_t i = 0; i < t->depth; i++) {
		uint64_t c = t->frames[i].code_id;
		if (c == CODES + 1)
			st.frames[i] = (struct frame){.kind = FRAME_INVALID};
		else if (c == CODES + 2)
			st.frames[i] = (struct frame){.file = "x.py",
			                              .name = "bare",
			                              .file_len = 4,
			                              .name_len = 4,
			                              .line = 9};
		else
			st.frames[i] = frame_of((int)c - 1, t->frames[i].line,
			                        with_ids);
	}
}

/* The same run of samples through one writer; with_ids 0 gives the
 * frames no code ids, so that nothing is ever copied from a memo. */
static char *write_run(int binary, int with_ids, size_t *len)
{
	static char path[] = "/tmp/austinc-memo-XXXXXX";
	strcpy(path, "/tmp/austinc-memo-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct sink *sink = malloc(sizeof *sink);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(sink_open(sink, path, 0), 0);
	struct collapsed *text = collapsed_new();
	struct mojo *mojo = mojo_new_bounded(64, 64);
	ck_assert(text && mojo);
	rng = 88172645463325252ull;
	memset(last, 0, sizeof last);
	for (int n = 0; n < SAMPLES; n++) {
		uint32_t t = next(THREADS);
		mutate(&last[t]);
		fill(&last[t], with_ids);
		struct sample sm = {.pid = 100 + (pid_t)(t % 2),
		                    .iid = t % 3,
		                    .tid = 1000 + t,
		                    .stack = &st,
		                    .time_us = (uint64_t)n};
		if (binary)
			mojo_sample(mojo, sink, LINE_TIME, &sm);
		else
			collapsed_sample(text, sink, LINE_TIME, &sm);
	}
	collapsed_free(text);
	mojo_free(mojo);
	ck_assert_int_eq(sink_close(sink), 0);
	free(sink);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	char *bytes = malloc(SHAPE_BYTES);
	ck_assert_ptr_nonnull(bytes);
	*len = fread(bytes, 1, SHAPE_BYTES, f);
	ck_assert_uint_lt(*len, SHAPE_BYTES);
	fclose(f);
	unlink(path);
	return bytes;
}

static void assert_same_bytes(int binary)
{
	make_codes();
	size_t memo_len, full_len;
	char *memo = write_run(binary, 1, &memo_len);
	char *full = write_run(binary, 0, &full_len);
	ck_assert_uint_gt(full_len, 100000);
	ck_assert_uint_eq(memo_len, full_len);
	ck_assert(memcmp(memo, full, full_len) == 0);
	free(memo);
	free(full);
}

START_TEST(text_copied_from_the_memo_is_the_full_text)
{
	assert_same_bytes(0);
}
END_TEST

/* The MOJO writer's tables are bounded to 64 frames and strings here, so
 * that scratch keys (never copied) come up too. */
START_TEST(mojo_copied_from_the_memo_is_the_full_stream)
{
	assert_same_bytes(1);
}
END_TEST

START_TEST(common_frames_are_counted_from_the_outermost)
{
	struct memo m;
	ck_assert_int_eq(memo_init(&m), 0);
	struct sample sm = {.pid = 1, .tid = 2, .stack = &st};
	struct memo_line *l = memo_line_for(&m, &sm);
	ck_assert_int_eq(l->used, 0);
	memo_add_head(l, 0);
	st.depth = 3;
	for (uint32_t i = 0; i < 3; i++)
		st.frames[i] = (struct frame){.code_id = 10 + i, .line = 1};
	for (uint32_t i = 0; i < 3; i++)
		memo_add_frame(l, &st.frames[2 - i], 1);
	st.frames[0].line = 2; /* the innermost moved on */
	ck_assert_uint_eq(memo_keep_common(l, &st), 2);
	ck_assert_uint_eq(memo_held(l), 2);
	st.depth = 1; /* a shallower stack: only its one frame can match */
	st.frames[0] = (struct frame){.code_id = 12, .line = 1};
	ck_assert_uint_eq(memo_keep_common(l, &st), 1);
	/* Another thread in the same slot starts afresh. */
	for (sm.tid = 3; memo_line_for(&m, &sm) != l; sm.tid++)
		continue;
	ck_assert_int_eq(l->used, 0);
	ck_assert_uint_eq(l->depth, 0);
	memo_free(&m);
}
END_TEST

Suite *memo_suite(void)
{
	Suite *s = suite_create("memo");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, text_copied_from_the_memo_is_the_full_text);
	tcase_add_test(tc, mojo_copied_from_the_memo_is_the_full_stream);
	tcase_add_test(tc, common_frames_are_counted_from_the_outermost);
	suite_add_tcase(s, tc);
	return s;
}
