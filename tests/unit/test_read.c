/* Reading recordings: the text reader, files, standard input and gzip.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "model_text.h"
#include "report/profile.h"
#include "report/read.h"
#include "suites.h"

static struct profile model;
static char err[512];

static void setup(void)
{
	profile_init(&model);
	err[0] = '\0';
}

static void teardown(void)
{
	profile_free(&model);
}

static int read_string(const char *text)
{
	return read_text(&model, text, strlen(text), NULL, err, sizeof err);
}

/* Read text that must parse. */
static void parse(const char *text)
{
	int rc = read_string(text);
	ck_assert_msg(rc == 0, "read_text failed: %s", err);
}

/* Read text that must fail with exactly this message. */
static void parse_fails(const char *text, const char *message)
{
	ck_assert_int_eq(read_string(text), -1);
	ck_assert_str_eq(err, message);
}

static const struct profile_sample *sample(size_t i)
{
	ck_assert_uint_lt(i, model.samples.n);
	return profile_sample_at(&model, i);
}

static const struct profile_stack *stack_of(size_t i)
{
	return profile_stack_at(&model, sample(i)->stack);
}

static const struct profile_frame *frame_of(size_t i, uint32_t depth)
{
	const struct profile_stack *s = stack_of(i);
	ck_assert_uint_lt(depth, s->depth);
	return profile_frame_at(&model, profile_stack_frames(&model, s)[depth]);
}

static void assert_frame(size_t i, uint32_t depth, const char *file,
                         const char *name, int32_t line)
{
	const struct profile_frame *f = frame_of(i, depth);
	ck_assert_uint_eq(f->kind, FRAME_PYTHON);
	ck_assert_str_eq(profile_str(&model, f->file), file);
	ck_assert_str_eq(profile_str(&model, f->name), name);
	ck_assert_int_eq(f->line, line);
}

static void assert_thread(size_t i, int64_t pid, int64_t iid, int64_t tid)
{
	const struct profile_thread *t =
	        profile_thread_at(&model, stack_of(i)->thread);
	ck_assert_int_eq(t->pid, pid);
	ck_assert_int_eq(t->iid, iid);
	ck_assert_int_eq(t->tid, tid);
}

static const char FULL[] =
        "# austinc: 0.1.0\n"
        "# interval: 100us\n"
        "# mode: full\n"
        "# python: 3.12.1 (shared)\n"
        "P4242;T0:4243;/srv/app.py:<module>:40;/srv/app.py:Parser.feed:31;"
        ":GC: 101,0,4096\n"
        "P4242;T0:4243 97,1,0\n"
        "P4242;T1:4250;/srv/app.py:<module>:40;:INVALID:;/srv/lib.py:"
        "leaf:-3 5,1,-8192\n"
        "# duration: 2031542us\n"
        "# samples: 19876 (errors: 2, saturated: 60, stacks: 19876)\n";

START_TEST(full_mode_lines_become_the_model)
{
	parse(FULL);
	ck_assert_int_eq(model.mode, PROFILE_FULL);
	ck_assert_uint_eq(model.samples.n, 3);
	ck_assert_uint_eq(model.threads.n, 2);

	assert_thread(0, 4242, 0, 4243);
	ck_assert_uint_eq(stack_of(0)->depth, 3);
	assert_frame(0, 0, "/srv/app.py", "<module>", 40);
	assert_frame(0, 1, "/srv/app.py", "Parser.feed", 31);
	ck_assert_uint_eq(frame_of(0, 2)->kind, FRAME_GC);
	ck_assert_uint_eq(sample(0)->time, 101);
	ck_assert_uint_eq(sample(0)->idle, 0);
	ck_assert_int_eq(sample(0)->memory, 4096);

	assert_thread(1, 4242, 0, 4243);
	ck_assert_uint_eq(stack_of(1)->depth, 0);
	ck_assert_uint_eq(sample(1)->time, 97);
	ck_assert_uint_eq(sample(1)->idle, 1);
	ck_assert_int_eq(sample(1)->memory, 0);

	assert_thread(2, 4242, 1, 4250);
	ck_assert_uint_eq(stack_of(2)->depth, 3);
	assert_frame(2, 0, "/srv/app.py", "<module>", 40);
	ck_assert_uint_eq(frame_of(2, 1)->kind, FRAME_INVALID);
	assert_frame(2, 2, "/srv/lib.py", "leaf", -3);
	ck_assert_int_eq(sample(2)->memory, -8192);
	/* The same frame text is one frame. */
	ck_assert_uint_eq(profile_stack_frames(&model, stack_of(0))[0],
	                  profile_stack_frames(&model, stack_of(2))[0]);
}
END_TEST

START_TEST(metadata_is_kept_whole)
{
	parse(FULL);
	ck_assert_uint_eq(model.meta.n, 6);
	ck_assert_str_eq(profile_meta(&model, "austinc"), "0.1.0");
	ck_assert_str_eq(profile_meta(&model, "interval"), "100us");
	ck_assert_str_eq(profile_meta(&model, "mode"), "full");
	ck_assert_str_eq(profile_meta(&model, "python"), "3.12.1 (shared)");
	ck_assert_str_eq(profile_meta(&model, "duration"), "2031542us");
	ck_assert_str_eq(profile_meta(&model, "samples"),
	                 "19876 (errors: 2, saturated: 60, stacks: 19876)");
}
END_TEST

START_TEST(comments_and_empty_values)
{
	parse("#\n"
	      "#comment: not metadata\n"
	      "# just a remark\n"
	      "# empty:\n"
	      "# url: http://host:80/x\n"
	      "# a:b: c\n"
	      "P1;T0:2 5\n");
	ck_assert_uint_eq(model.meta.n, 3);
	ck_assert_str_eq(profile_meta(&model, "empty"), "");
	ck_assert_str_eq(profile_meta(&model, "url"), "http://host:80/x");
	ck_assert_str_eq(profile_meta(&model, "a:b"), "c");
	ck_assert_uint_eq(model.samples.n, 1);
}
END_TEST

/* The writer's " (value)" after a value that ends in a number is not part
 * of the value. */
START_TEST(value_mark_is_dropped)
{
	parse("# command: python3 app.py 5 (value)\n"
	      "# note: (value)\n"
	      "# odd: x(value)\n"
	      "P1;T0:2 5\n");
	ck_assert_str_eq(profile_meta(&model, "command"), "python3 app.py 5");
	ck_assert_str_eq(profile_meta(&model, "note"), "(value)");
	ck_assert_str_eq(profile_meta(&model, "odd"), "x(value)");
}
END_TEST

START_TEST(wall_and_cpu_modes_hold_time_only)
{
	parse("# mode: wall\nP1;T0:2;a.py:f:1 250\nP1;T0:2;a.py:f:1 0\n");
	ck_assert_int_eq(model.mode, PROFILE_WALL);
	ck_assert_uint_eq(sample(0)->time, 250);
	ck_assert_int_eq(sample(0)->memory, 0);
	ck_assert_uint_eq(sample(1)->time, 0);
	ck_assert_uint_eq(sample(0)->stack, sample(1)->stack);
	ck_assert_uint_eq(model.stacks.n, 1);
	profile_free(&model);
	profile_init(&model);
	parse("# mode: cpu\nP1;T0:2;a.py:f:1 18446744073\n");
	ck_assert_int_eq(model.mode, PROFILE_CPU);
	ck_assert_uint_eq(sample(0)->time, 18446744073u);
}
END_TEST

START_TEST(memory_mode_keeps_signs)
{
	parse("# mode: memory\n"
	      "P7;T0:8;m.py:grow:3 1048576\n"
	      "P7;T0:8;m.py:shrink:9 -524288\n"
	      "P7;T0:8 -9223372036854775808\n");
	ck_assert_int_eq(model.mode, PROFILE_MEMORY);
	ck_assert_int_eq(sample(0)->memory, 1048576);
	ck_assert_uint_eq(sample(0)->time, 0);
	ck_assert_int_eq(sample(1)->memory, -524288);
	ck_assert_uint_eq(sample(1)->time, 0);
	ck_assert_int_eq(sample(2)->memory, INT64_MIN);
}
END_TEST

START_TEST(mode_is_inferred_from_the_metrics)
{
	parse("P1;T0:2 5\nP1;T0:2 7\n");
	ck_assert_int_eq(model.mode, PROFILE_WALL);
	ck_assert_int_eq(sample(0)->memory, 0);
	profile_free(&model);
	profile_init(&model);

	parse("P1;T0:2 5\nP1;T0:2 -7\n");
	ck_assert_int_eq(model.mode, PROFILE_MEMORY);
	ck_assert_uint_eq(sample(0)->time, 0);
	ck_assert_int_eq(sample(0)->memory, 5);
	ck_assert_int_eq(sample(1)->memory, -7);
	profile_free(&model);
	profile_init(&model);

	parse("P1;T0:2 5,1,-7\n");
	ck_assert_int_eq(model.mode, PROFILE_FULL);
	ck_assert_uint_eq(sample(0)->time, 5);
	ck_assert_int_eq(sample(0)->memory, -7);
	ck_assert_uint_eq(profile_meta(&model, "mode") == NULL, 1);
	profile_free(&model);
	profile_init(&model);

	parse("# nothing but a comment\n");
	ck_assert_int_eq(model.mode, PROFILE_WALL);
	ck_assert_uint_eq(model.samples.n, 0);
}
END_TEST

START_TEST(metrics_must_fit_the_mode)
{
	parse_fails("# mode: wall\nP1;T0:2 5\nP1;T0:2 -7\n",
	            "line 3: metric '-7' is negative, but the mode is wall");
	profile_free(&model);
	profile_init(&model);
	parse_fails(
	        "# mode: memory\nP1;T0:2 5,0,1\n",
	        "line 2: metric '5,0,1' has three fields (time,idle,memory),"
	        " but the mode is memory");
	profile_free(&model);
	profile_init(&model);
	parse_fails("# mode: full\n\nP1;T0:2 5\n",
	            "line 3: metric '5' is a single number, but the mode is "
	            "full");
	profile_free(&model);
	profile_init(&model);
	/* Without a mode line, a mix of shapes fails at the first misfit. */
	parse_fails("P1;T0:2 5\nP1;T0:2 5,0,1\nP1;T0:2 6\n",
	            "line 1: metric '5' is a single number, but the mode is "
	            "full");
	profile_free(&model);
	profile_init(&model);
	/* A mode line after the samples still rules them. */
	parse_fails("P1;T0:2 5\nP1;T0:2 -1\n# mode: cpu\n",
	            "line 2: metric '-1' is negative, but the mode is cpu");
}
END_TEST

START_TEST(file_names_with_spaces_and_colons)
{
	parse("P1;T0:2;<frozen importlib._bootstrap>:_find_and_load:1176;"
	      "C:\\Program Files\\app:v2.py:main:7;::0 33\n");
	ck_assert_uint_eq(stack_of(0)->depth, 3);
	assert_frame(0, 0, "<frozen importlib._bootstrap>", "_find_and_load",
	             1176);
	assert_frame(0, 1, "C:\\Program Files\\app:v2.py", "main", 7);
	assert_frame(0, 2, "", "", 0);
	ck_assert_uint_eq(sample(0)->time, 33);
}
END_TEST

START_TEST(line_ends_and_blank_lines)
{
	const char *lf = "# mode: wall\n\nP1;T0:2;a.py:f:1 5\n  \t\n"
	                 "P1;T0:3;b c.py:g:2 6\n";
	const char *crlf = "# mode: wall\r\n\r\nP1;T0:2;a.py:f:1 5\r\n  \t\r\n"
	                   "P1;T0:3;b c.py:g:2 6\r\n";
	parse(lf);
	ck_assert_uint_eq(model.samples.n, 2);
	assert_frame(1, 0, "b c.py", "g", 2);
	ck_assert_uint_eq(sample(1)->time, 6);
	profile_free(&model);
	profile_init(&model);
	parse(crlf);
	ck_assert_str_eq(profile_meta(&model, "mode"), "wall");
	ck_assert_uint_eq(model.samples.n, 2);
	assert_frame(0, 0, "a.py", "f", 1);
	assert_frame(1, 0, "b c.py", "g", 2);
	ck_assert_uint_eq(sample(1)->time, 6);
}
END_TEST

START_TEST(garbage_names_the_first_bad_line)
{
	/* Austin-style lines without the process and thread. */
	parse_fails("# mode: wall\napp.py:main:3;app.py:f:9 100\n",
	            "line 2: expected 'P<pid>;T<iid>:<tid>' at the start of a "
	            "sample");
	char text[4096] = "# mode: wall\n";
	for (int i = 2; i < 40; i++)
		strcat(text, "P1;T0:2;a.py:f:1 5\n");
	strcat(text, "P1;T0:2;a.py:f:1 12x\nP1;T0:2 zz\n");
	parse_fails(text, "line 40: metric '12x' is not a number");
}
END_TEST

/* Each line here is wrong in one way; the reader must say which. */
START_TEST(malformed_samples)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
	        {"P1;T0:2;a.py:f:1\n", "line 1: no metric: a sample ends in "
	                               "a space and a number"},
	        {"P1;T0:2\n", "line 1: no metric: a sample ends in a space "
	                      "and a number"},
	        {"P1;T0:2 \n", "line 1: metric '' is not a number"},
	        {"P1;T0:2;a.py:f:1 5 \n", "line 1: metric '' is not a number"},
	        {"P1;T0 5\n", "line 1: expected 'P<pid>;T<iid>:<tid>' at the "
	                      "start of a sample"},
	        {"P1;T0:x 5\n", "line 1: expected 'P<pid>;T<iid>:<tid>' at "
	                        "the start of a sample"},
	        {"P1;X0:2 5\n", "line 1: expected 'P<pid>;T<iid>:<tid>' at "
	                        "the start of a sample"},
	        {"P;T0:2 5\n", "line 1: expected 'P<pid>;T<iid>:<tid>' at the "
	                       "start of a sample"},
	        {"P-1;T0:2 5\n", "line 1: expected 'P<pid>;T<iid>:<tid>' at "
	                         "the start of a sample"},
	        {"P99999999999999999999;T0:2 5\n",
	         "line 1: expected 'P<pid>;T<iid>:<tid>' at the start of a "
	         "sample"},
	        {"P1;T0:2;;a.py:f:1 5\n",
	         "line 1: empty frame (two ';' in a row, or a ';' at the end)"},
	        {"P1;T0:2;a.py:f:1; 5\n",
	         "line 1: empty frame (two ';' in a row, or a ';' at the end)"},
	        {"P1;T0:2;a.py 5\n",
	         "line 1: frame 'a.py' is not file:function:line"},
	        {"P1;T0:2;a.py:f 5\n",
	         "line 1: frame 'a.py:f' is not file:function:line"},
	        {"P1;T0:2;a.py:f:x1 5\n",
	         "line 1: frame 'a.py:f:x1': line 'x1' is not a number"},
	        {"P1;T0:2;a.py:f: 5\n",
	         "line 1: frame 'a.py:f:': line '' is not a number"},
	        {"P1;T0:2;a.py:f:2147483648 5\n",
	         "line 1: frame 'a.py:f:2147483648': line '2147483648' is not "
	         "a number"},
	        {"P1;T0:2 9223372036854775808\n",
	         "line 1: metric '9223372036854775808' is not a number"},
	        {"P1;T0:2 +5\n", "line 1: metric '+5' is not a number"},
	        {"P1;T0:2 5,2,0\n", "line 1: metric '5,2,0' is not "
	                            "<time>,<idle 0|1>,<memory delta>"},
	        {"P1;T0:2 -5,0,0\n", "line 1: metric '-5,0,0' is not "
	                             "<time>,<idle 0|1>,<memory delta>"},
	        {"P1;T0:2 5,0\n", "line 1: metric '5,0' is not "
	                          "<time>,<idle 0|1>,<memory delta>"},
	        {"P1;T0:2 5,0,1,2\n", "line 1: metric '5,0,1,2' is not "
	                              "<time>,<idle 0|1>,<memory delta>"},
	        {"P1;T0:2 5,,1\n", "line 1: metric '5,,1' is not "
	                           "<time>,<idle 0|1>,<memory delta>"},
	        {"# mode: fast\n",
	         "line 1: mode 'fast' is not wall, cpu, memory or full"},
	        {"P1;T0:2\t5\n", "line 1: no metric: a sample ends in a space "
	                         "and a number"},
	        {"P1;T0:2;a\x01.py:f:q 5\n",
	         "line 1: frame 'a?.py:f:q': line 'q' is not a number"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		profile_free(&model);
		profile_init(&model);
		ck_assert_int_eq(read_string(cases[i].text), -1);
		ck_assert_msg(strcmp(err, cases[i].message) == 0,
		              "case %zu: got \"%s\", expected \"%s\"", i, err,
		              cases[i].message);
	}
}
END_TEST

START_TEST(a_nul_byte_is_not_text)
{
	static const char text[] = "# mode: wall\nP1;T0:2 5\nP1;T0\0:2 5\n";
	ck_assert_int_eq(
	        read_text(&model, text, sizeof text - 1, NULL, err, sizeof err),
	        -1);
	ck_assert_str_eq(err, "line 3: a NUL byte: not a text recording");
}
END_TEST

START_TEST(errors_fit_any_buffer)
{
	char small[24];
	memset(small, 'x', sizeof small);
	ck_assert_int_eq(
	        read_text(&model, "zzz 5\n", 6, NULL, small, sizeof small), -1);
	ck_assert_str_eq(small, "line 1: expected 'P<pid");
	ck_assert_int_eq(read_text(&model, "zzz 5\n", 6, NULL, NULL, 0), -1);
	ck_assert_int_eq(read_text(&model, "zzz 5\n", 6, NULL, small, 3), -1);
	ck_assert_str_eq(small, "li");
}
END_TEST

START_TEST(very_long_lines)
{
	/* 100000 frames on one line, and one frame of a megabyte. */
	enum { FRAMES = 100000, NAME = 1 << 20 };
	char *text = malloc((size_t)FRAMES * 16 + NAME + 64);
	ck_assert_ptr_nonnull(text);
	size_t n = (size_t)sprintf(text, "P1;T0:2");
	for (int i = 0; i < FRAMES; i++)
		n += (size_t)sprintf(text + n, ";r.py:f:%d", i % 1000);
	text[n++] = ';';
	memset(text + n, 'z', NAME);
	n += NAME;
	n += (size_t)sprintf(text + n, ".py:deep:1 42\nP1;T0:2 1\n");
	ck_assert_int_eq(read_text(&model, text, n, NULL, err, sizeof err), 0);
	ck_assert_uint_eq(stack_of(0)->depth, FRAMES + 1);
	assert_frame(0, 999, "r.py", "f", 999);
	ck_assert_uint_eq(
	        strlen(profile_str(&model, frame_of(0, FRAMES)->file)),
	        NAME + 3);
	ck_assert_uint_eq(sample(0)->time, 42);
	ck_assert_uint_eq(stack_of(1)->depth, 0);
	free(text);
}
END_TEST

START_TEST(a_long_bad_frame_is_quoted_in_part)
{
	enum { NAME = 1 << 20 };
	char *text = malloc(NAME + 64);
	ck_assert_ptr_nonnull(text);
	size_t n = (size_t)sprintf(text, "P1;T0:2;");
	memset(text + n, 'z', NAME);
	n += NAME;
	n += (size_t)sprintf(text + n, ":f:q 1\n");
	ck_assert_int_eq(read_text(&model, text, n, NULL, err, sizeof err), -1);
	char want[256] = "line 1: frame '";
	memset(want + strlen(want), 'z', 48);
	strcat(want, "...': line 'q' is not a number");
	ck_assert_str_eq(err, want);
	free(text);
}
END_TEST

START_TEST(quotes_cut_at_a_character_boundary)
{
	/* "x" then two-byte characters: the 48-byte cut falls inside one,
	 * so the quote keeps 47 bytes. */
	char text[256] = "P1;T0:2 x";
	for (int i = 0; i < 30; i++)
		strcat(text, "\xc3\xa9");
	strcat(text, "\n");
	ck_assert_int_eq(read_string(text), -1);
	char want[256] = "line 1: metric 'x";
	for (int i = 0; i < 23; i++)
		strcat(want, "\xc3\xa9");
	strcat(want, "...' is not a number");
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(stack_depth_is_bounded)
{
	size_t frames = (1u << 20) + 1, n = 0;
	char *text = malloc(frames * 5 + 32);
	ck_assert_ptr_nonnull(text);
	n += (size_t)sprintf(text, "P1;T0:2");
	for (size_t i = 0; i < frames; i++) {
		memcpy(text + n, ";:GC:", 5);
		n += 5;
	}
	n += (size_t)sprintf(text + n, " 1\n");
	ck_assert_int_eq(read_text(&model, text, n, NULL, err, sizeof err), -1);
	ck_assert_str_eq(err, "line 1: more than 1048576 frames in one stack");
	free(text);
}
END_TEST

START_TEST(metadata_keys_are_bounded)
{
	char *text = malloc(1100 * 16);
	ck_assert_ptr_nonnull(text);
	size_t n = 0;
	for (int i = 0; i < 1100; i++)
		n += (size_t)sprintf(text + n, "# k%d: v\n", i % 1025);
	ck_assert_int_eq(read_text(&model, text, n, NULL, err, sizeof err), -1);
	ck_assert_str_eq(err, "line 1025: more than 1024 metadata keys");
	free(text);
	/* A key read again keeps its place and takes the last value. */
	profile_free(&model);
	profile_init(&model);
	parse("# a: 1\n# b: 2\n# a: 3\n# mode: wall\n# mode: memory\n"
	      "P1;T0:2 -5\n");
	ck_assert_uint_eq(model.meta.n, 3);
	const struct profile_meta *meta = model.meta.items;
	ck_assert_str_eq(meta[0].key, "a");
	ck_assert_str_eq(meta[0].value, "3");
	ck_assert_str_eq(meta[1].key, "b");
	ck_assert_str_eq(meta[2].value, "memory");
	ck_assert_int_eq(model.mode, PROFILE_MEMORY);
}
END_TEST

START_TEST(the_same_stack_text_is_one_stack)
{
	parse("P1;T0:2;a.py:f:1;b.py:g:2 1\n"
	      "P1;T0:3;a.py:f:1;b.py:g:2 1\n"
	      "P1;T0:2;a.py:f:1;b.py:g:2 1\n"
	      "P1;T0:2;a.py:f:1 1\n");
	ck_assert_uint_eq(model.stacks.n, 3);
	ck_assert_uint_eq(model.frames.n, 2);
	ck_assert_uint_eq(sample(0)->stack, sample(2)->stack);
	ck_assert_uint_ne(sample(0)->stack, sample(1)->stack);
}
END_TEST

START_TEST(threads_are_numbers_not_text)
{
	parse("P1;T0:2 5\nP01;T0:2 6\nP1;T00:0002;a.py:f:1 7\n"
	      "P1;T0:2;a.py:f:1 8\n");
	ck_assert_uint_eq(model.threads.n, 1);
	ck_assert_uint_eq(model.stacks.n, 2);
	ck_assert_uint_eq(sample(0)->stack, sample(1)->stack);
	ck_assert_uint_eq(sample(2)->stack, sample(3)->stack);
	assert_thread(2, 1, 0, 2);
}
END_TEST

/* --- files, standard input, gzip ----------------------------------------
 */

static char path[] = "/tmp/austinc-read-XXXXXX";

static void write_temp(const void *data, size_t len)
{
	strcpy(path, "/tmp/austinc-read-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A gzip member of data, appended to out. */
static size_t gzip_into(unsigned char *out, size_t cap, const char *data,
                        size_t len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(
	        deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
	        Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

static void assert_same_model_as_text(const char *text)
{
	struct profile expected;
	profile_init(&expected);
	ck_assert_int_eq(
	        read_text(&expected, text, strlen(text), NULL, err, sizeof err),
	        0);
	char *want = model_text(&expected, 1);
	char *got = model_text(&model, 1);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	profile_free(&expected);
}

START_TEST(a_file_reads_like_its_text)
{
	write_temp(FULL, strlen(FULL));
	int rc = report_read(&model, path, NULL, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	assert_same_model_as_text(FULL);
}
END_TEST

START_TEST(gzip_reads_like_its_text)
{
	unsigned char gz[4096];
	size_t n = gzip_into(gz, sizeof gz, FULL, strlen(FULL));
	write_temp(gz, n);
	int rc = report_read(&model, path, NULL, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	assert_same_model_as_text(FULL);
	ck_assert_uint_eq(model.samples.n, 3);
}
END_TEST

START_TEST(concatenated_gzip_members_and_padding)
{
	unsigned char gz[8192];
	size_t half = 100, n = gzip_into(gz, sizeof gz, FULL, half);
	n += gzip_into(gz + n, sizeof gz - n, FULL + half, strlen(FULL) - half);
	memset(gz + n, 0, 512); /* as tape archivers pad */
	write_temp(gz, n + 512);
	int rc = report_read(&model, path, NULL, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	assert_same_model_as_text(FULL);
}
END_TEST

/* Many sample lines of a few stacks, after a mode line (malloc'd). */
static char *many_lines(size_t lines, size_t *len)
{
	char *text = malloc(lines * 40 + 64);
	ck_assert_ptr_nonnull(text);
	size_t n = (size_t)sprintf(text, "# mode: wall\n");
	for (size_t i = 0; i < lines; i++)
		n += (size_t)sprintf(text + n,
		                     "P1;T0:2;a.py:f:%zu;b.py:g:%zu %zu\n",
		                     i % 7, i % 13, i % 100);
	*len = n;
	return text;
}

START_TEST(a_large_gzip_is_inflated_in_pieces)
{
	/* Several MB of text in two members: inflated a piece at a time,
	 * lines cut between pieces and between members. */
	size_t lines = 100000, len;
	char *text = many_lines(lines, &len);
	size_t half = len / 2 + 7, cap = len + 4096;
	unsigned char *gz = malloc(cap);
	ck_assert_ptr_nonnull(gz);
	size_t n = gzip_into(gz, cap, text, half);
	n += gzip_into(gz + n, cap - n, text + half, len - half);
	write_temp(gz, n);
	int rc = report_read(&model, path, NULL, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(model.samples.n, lines);
	assert_same_model_as_text(text);
	free(gz);
	free(text);
}
END_TEST

START_TEST(truncated_and_corrupt_gzip_fail)
{
	unsigned char gz[4096];
	size_t n = gzip_into(gz, sizeof gz, FULL, strlen(FULL));
	char want[600];

	write_temp(gz, n - 5);
	ck_assert_int_eq(report_read(&model, path, NULL, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: truncated gzip stream", path);
	ck_assert_str_eq(err, want);
	unlink(path);

	write_temp(gz, 2);
	ck_assert_int_eq(report_read(&model, path, NULL, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: truncated gzip stream", path);
	ck_assert_str_eq(err, want);
	unlink(path);

	gz[n / 2] ^= 0x55;
	write_temp(gz, n);
	ck_assert_int_eq(report_read(&model, path, NULL, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "corrupt gzip stream"));
	unlink(path);
	gz[n / 2] ^= 0x55;

	memcpy(gz + n, "garbage", 7);
	write_temp(gz, n + 7);
	ck_assert_int_eq(report_read(&model, path, NULL, err, sizeof err), -1);
	snprintf(want, sizeof want,
	         "%s: byte %zu: data after the end of the gzip stream", path,
	         n);
	ck_assert_str_eq(err, want);
	unlink(path);
}
END_TEST

/* Run report_read with standard input reading from a pipe holding text. */
static int read_stdin(const char *name, const char *text)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], text, strlen(text)),
	                 (ssize_t)strlen(text));
	close(fds[1]);
	int saved = dup(STDIN_FILENO);
	ck_assert_int_ge(saved, 0);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	int rc = report_read(&model, name, NULL, err, sizeof err);
	dup2(saved, STDIN_FILENO);
	close(saved);
	return rc;
}

START_TEST(standard_input)
{
	ck_assert_msg(read_stdin("-", FULL) == 0, "%s", err);
	assert_same_model_as_text(FULL);
	profile_free(&model);
	profile_init(&model);
	ck_assert_int_eq(read_stdin(NULL, "P1;T0:2 x\n"), -1);
	ck_assert_str_eq(err, "standard input: line 1: metric 'x' is not a "
	                      "number");
}
END_TEST

START_TEST(file_errors_name_the_file)
{
	ck_assert_int_eq(report_read(&model, "/nonexistent/rec.txt", NULL, err,
	                             sizeof err),
	                 -1);
	ck_assert_str_eq(err,
	                 "/nonexistent/rec.txt: No such file or directory");
	ck_assert_int_eq(report_read(&model, "/tmp", NULL, err, sizeof err),
	                 -1);
	ck_assert_str_eq(err, "/tmp: Is a directory");
	write_temp("P1;T0:2;a.py:f:1 5\nbad\n", 23);
	ck_assert_int_eq(report_read(&model, path, NULL, err, sizeof err), -1);
	char want[600];
	snprintf(want, sizeof want,
	         "%s: line 2: expected 'P<pid>;T<iid>:<tid>' at the start of "
	         "a sample",
	         path);
	ck_assert_str_eq(err, want);
	unlink(path);
}
END_TEST

START_TEST(files_over_the_limit_are_refused)
{
	/* A sparse MOJO file (MOJO is read whole): its size is refused
	 * before the rest of it is read. */
	write_temp("MOJ", 3);
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, ((off_t)4 << 30) + 1), 0);
	close(fd);
	ck_assert_int_eq(report_read(&model, path, NULL, err, sizeof err), -1);
	unlink(path);
	ck_assert_ptr_nonnull(
	        strstr(err, ": larger than 4 GiB, the most austinc-report "
	                    "reads"));
}
END_TEST

START_TEST(an_empty_file_is_an_empty_profile)
{
	write_temp("", 0);
	int rc = report_read(&model, path, NULL, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(model.samples.n, 0);
	ck_assert_int_eq(model.mode, PROFILE_WALL);
}
END_TEST

/* FULL and one line more fed in pieces of every size, lines cut anywhere:
 * the model reading it whole makes; and without the last newline, the
 * model of FULL alone, cut in the same line whatever the pieces. */
START_TEST(text_in_pieces_reads_like_whole_text)
{
	static const char tail[] = "P4242;T0:4243;/srv/app.py:<module>:41 "
	                           "7,0,0\n";
	char text[sizeof FULL + sizeof tail];
	snprintf(text, sizeof text, "%s%s", FULL, tail);
	size_t whole = strlen(text);
	for (size_t len = whole - 1; len <= whole; len++)
		for (size_t piece = 1; piece <= len; piece++) {
			profile_free(&model);
			profile_init(&model);
			struct text_reader *r =
			        text_reader_new(&model, err, sizeof err);
			ck_assert_ptr_nonnull(r);
			for (size_t at = 0; at < len; at += piece) {
				size_t n = len - at < piece ? len - at : piece;
				ck_assert_msg(
				        text_reader_feed(r, text + at, n) == 0,
				        "%s", err);
			}
			struct read_cut cut;
			ck_assert_msg(text_reader_end(r, &cut) == 0, "%s", err);
			text_reader_free(r);
			ck_assert_int_eq(cut.cut, len < whole);
			if (len < whole)
				ck_assert_str_eq(
				        cut.where,
				        "line 10 (no newline at its end)");
			ck_assert_uint_eq(model.samples.n, len < whole ? 3 : 4);
			assert_same_model_as_text(len < whole ? FULL : text);
		}
}
END_TEST

static int feed(struct text_reader *r, const char *text)
{
	return text_reader_feed(r, text, strlen(text));
}

/* An error names its line however the pieces cut the text. */
START_TEST(errors_in_pieces_name_their_line)
{
	struct text_reader *r = text_reader_new(&model, err, sizeof err);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(feed(r, "# mode: wall\nP1;T0:2 5\nP1;"), 0);
	ck_assert_int_eq(text_reader_feed(r, "T0\0:2 5\n", 9), -1);
	ck_assert_str_eq(err, "line 3: a NUL byte: not a text recording");
	text_reader_free(r);

	r = text_reader_new(&model, err, sizeof err);
	ck_assert_int_eq(feed(r, "P1;T0:2 5\nP1;T0:2"), 0);
	ck_assert_int_eq(feed(r, " x"), 0);
	ck_assert_int_eq(text_reader_end(r, NULL), -1);
	ck_assert_str_eq(err, "line 2: metric 'x' is not a number");
	text_reader_free(r);
}
END_TEST

/* Text larger than a piece, from a file and from a pipe: read as it comes,
 * the same model as read whole. */
START_TEST(large_text_streams_from_files_and_pipes)
{
	size_t lines = 150000, len;
	char *text = many_lines(lines, &len);
	ck_assert_uint_gt(len, 3u << 20);
	write_temp(text, len);
	int rc = report_read(&model, path, NULL, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(model.samples.n, lines);
	assert_same_model_as_text(text);

	profile_free(&model);
	profile_init(&model);
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		close(fds[0]);
		_exit(write(fds[1], text, len) == (ssize_t)len ? 0 : 1);
	}
	close(fds[1]);
	int saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	rc = report_read(&model, "-", NULL, err, sizeof err);
	dup2(saved, STDIN_FILENO);
	close(saved);
	int status;
	ck_assert_int_eq(waitpid(writer, &status, 0), writer);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(model.samples.n, lines);
	assert_same_model_as_text(text);
	free(text);
}
END_TEST

/* The one test that needs read_mojo: bytes starting "MOJ" go to it, not to
 * the text reader (which would fail on line 1). */
START_TEST(mojo_magic_goes_to_the_mojo_reader)
{
	static const uint8_t header[] = {'M', 'O', 'J', 3};
	int rc = report_read_bytes(&model, header, sizeof header, NULL, err,
	                           sizeof err);
	ck_assert_msg(rc == 0 || strncmp(err, "line ", 5) != 0,
	              "the text reader got MOJO: %s", err);
}
END_TEST

Suite *read_suite(void)
{
	Suite *s = suite_create("read");
	TCase *text = tcase_create("text");
	tcase_add_checked_fixture(text, setup, teardown);
	tcase_set_timeout(text, 30);
	tcase_add_test(text, full_mode_lines_become_the_model);
	tcase_add_test(text, metadata_is_kept_whole);
	tcase_add_test(text, comments_and_empty_values);
	tcase_add_test(text, value_mark_is_dropped);
	tcase_add_test(text, wall_and_cpu_modes_hold_time_only);
	tcase_add_test(text, memory_mode_keeps_signs);
	tcase_add_test(text, mode_is_inferred_from_the_metrics);
	tcase_add_test(text, metrics_must_fit_the_mode);
	tcase_add_test(text, file_names_with_spaces_and_colons);
	tcase_add_test(text, line_ends_and_blank_lines);
	tcase_add_test(text, garbage_names_the_first_bad_line);
	tcase_add_test(text, malformed_samples);
	tcase_add_test(text, a_nul_byte_is_not_text);
	tcase_add_test(text, errors_fit_any_buffer);
	tcase_add_test(text, very_long_lines);
	tcase_add_test(text, a_long_bad_frame_is_quoted_in_part);
	tcase_add_test(text, quotes_cut_at_a_character_boundary);
	tcase_add_test(text, stack_depth_is_bounded);
	tcase_add_test(text, metadata_keys_are_bounded);
	tcase_add_test(text, the_same_stack_text_is_one_stack);
	tcase_add_test(text, threads_are_numbers_not_text);
	suite_add_tcase(s, text);

	TCase *files = tcase_create("files");
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_set_timeout(files, 30);
	tcase_add_test(files, a_file_reads_like_its_text);
	tcase_add_test(files, gzip_reads_like_its_text);
	tcase_add_test(files, concatenated_gzip_members_and_padding);
	tcase_add_test(files, a_large_gzip_is_inflated_in_pieces);
	tcase_add_test(files, text_in_pieces_reads_like_whole_text);
	tcase_add_test(files, errors_in_pieces_name_their_line);
	tcase_add_test(files, large_text_streams_from_files_and_pipes);
	tcase_add_test(files, truncated_and_corrupt_gzip_fail);
	tcase_add_test(files, standard_input);
	tcase_add_test(files, file_errors_name_the_file);
	tcase_add_test(files, files_over_the_limit_are_refused);
	tcase_add_test(files, an_empty_file_is_an_empty_profile);
	tcase_add_test(files, mojo_magic_goes_to_the_mojo_reader);
	suite_add_tcase(s, files);
	return s;
}
