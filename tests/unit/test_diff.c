/* The --diff views: folded stacks with both runs' values, and the call
 * tree of the change in share, on small recordings read from text.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The two runs of each test have different pids and tids, and meet their
 * frames in different orders, as two real runs do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/collapsed.h"
#include "report/profile.h"
#include "report/read.h"
#include "report/views.h"
#include "suites.h"

static struct profile base, after;

static void setup(void)
{
	profile_init(&base);
	profile_init(&after);
}

static void teardown(void)
{
	profile_free(&base);
	profile_free(&after);
}

static void load(struct profile *p, const char *text)
{
	char err[256] = "";
	int rc = read_text(p, text, strlen(text), NULL, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
}

typedef int (*diff_fn)(const struct profile *, const struct profile *,
                       const struct view_options *, FILE *);

/* What a diff view writes of base and after (caller frees). */
static char *render(diff_fn view, const struct view_options *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(view(&base, &after, o, out), 0);
	ck_assert_int_eq(fclose(out), 0);
	return text;
}

static void assert_view(diff_fn view, const struct view_options *o,
                        const char *expected)
{
	char *text = render(view, o);
	ck_assert_str_eq(text, expected);
	free(text);
}

static const struct view_options NAMED = {.metric = METRIC_TIME,
                                          .base_name = "before.txt",
                                          .new_name = "after.txt"};

/* --- folded stacks -------------------------------------------------------- */

/* Two threads of the base run on one stack are one line; so are the runs'
 * GC stacks; a stack of one run only has 0 in the other. */
#define BASE_FOLDED                                                            \
	"# mode: wall\n"                                                       \
	"P1;T0:1;a.py:main:1;a.py:hot:2 600\n"                                 \
	"P1;T0:2;a.py:main:1;a.py:hot:2 100\n"                                 \
	"P1;T0:1;a.py:main:1;a.py:other:3 300\n"                               \
	"P1;T0:1 50\n"                                                         \
	"P1;T0:1;a.py:main:1;:GC: 20\n"
#define NEW_FOLDED                                                             \
	"# mode: wall\n"                                                       \
	"P9;T0:10;a.py:main:1;a.py:other:3 300\n"                              \
	"P9;T0:11;a.py:main:1;a.py:hot:2 350\n"                                \
	"P9;T0:10;a.py:main:1;a.py:fresh:4 40\n"                               \
	"P9;T0:10;a.py:main:1;:GC: 10\n"

START_TEST(collapsed_merges_threads_and_keeps_both_values)
{
	load(&base, BASE_FOLDED);
	load(&after, NEW_FOLDED);
	assert_view(view_diff_collapsed, &NAMED,
	            "a.py:main:1;a.py:hot:2 700 350\n"
	            "a.py:main:1;a.py:other:3 300 300\n"
	            "[no Python frames] 50 0\n"
	            "a.py:main:1;:GC: 20 10\n"
	            "a.py:main:1;a.py:fresh:4 0 40\n");
}
END_TEST

/* flamegraph.pl reads a count, and before it another one, off the end of
 * a line: every line is a stack with two, even when a run's name ends in a
 * number or holds a line break (names are not written at all). */
START_TEST(collapsed_lines_read_as_flamegraph_expects)
{
	load(&base, BASE_FOLDED);
	load(&after, NEW_FOLDED);
	struct view_options o = {.metric = METRIC_TIME,
	                         .base_name = "run 2",
	                         .new_name = "run\n3"};
	char *text = render(view_diff_collapsed, &o);
	size_t stacks = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *last = strrchr(line, ' ');
		ck_assert_msg(collapsed_looks_like_sample(line),
		              "'%s' is not a stack and a count", line);
		ck_assert_ptr_nonnull(last);
		*last = '\0';
		ck_assert_msg(collapsed_looks_like_sample(line),
		              "'%s' lacks its base count", line);
		stacks++;
	}
	ck_assert_uint_eq(stacks, 5);
	free(text);
}
END_TEST

START_TEST(collapsed_without_samples)
{
	load(&base, "# mode: wall\n");
	load(&after, "# mode: wall\n");
	struct view_options o = {.metric = METRIC_CPU};
	assert_view(view_diff_collapsed, &o, ""); /* and a note on stderr */
}
END_TEST

/* The metric is projected out of each run: memory growth of -f runs. */
START_TEST(collapsed_projects_the_metric)
{
	load(&base, "# mode: full\n"
	            "P1;T0:1;a.py:main:1 10,0,4096\n"
	            "P1;T0:1;a.py:main:1 10,1,-4096\n"
	            "P1;T0:1;a.py:main:1;a.py:f:2 10,0,1000\n");
	load(&after, "# mode: full\n"
	             "P2;T0:2;a.py:main:1;a.py:f:2 10,0,8192\n");
	struct view_options o = {.metric = METRIC_MEMORY_UP};
	char *text = render(view_diff_collapsed, &o);
	ck_assert_str_eq(text, "a.py:main:1 4096 0\n"
	                       "a.py:main:1;a.py:f:2 1000 8192\n");
	free(text);
}
END_TEST

/* --- the tree ------------------------------------------------------------- */

#define BASE_TREE                                                              \
	"# mode: wall\n"                                                       \
	"P1;T0:1;a.py:main:1;a.py:hot:2 600\n"                                 \
	"P1;T0:2;a.py:main:1;a.py:other:3 300\n"                               \
	"P1;T0:1;a.py:main:1;a.py:gone:5 100\n"
#define NEW_TREE                                                               \
	"# mode: wall\n"                                                       \
	"P9;T0:10;a.py:main:1;a.py:other:3 400\n"                              \
	"P9;T0:11;a.py:main:1;a.py:hot:2 300\n"                                \
	"P9;T0:10;a.py:main:1;a.py:fresh:4 300\n"

#define TREE_HEADER                                                            \
	"base: 1.0 ms of wall time in 3 samples (before.txt)\n"                \
	"new:  1.0 ms of wall time in 3 samples (after.txt)\n"                 \
	"Shares of each run's own total, threads merged; largest change "      \
	"first.\n\n"                                                           \
	"  base     new  change\n"

/* Largest change first whichever way it goes; equal changes by the share
 * in NEW, then in BASE. */
START_TEST(tree_orders_by_change)
{
	load(&base, BASE_TREE);
	load(&after, NEW_TREE);
	assert_view(view_diff_tree, &NAMED,
	            TREE_HEADER "100.0%  100.0%    +0.0  main  a.py:1\n"
	                        " 60.0%   30.0%   -30.0  ├─ hot  a.py:2\n"
	                        "  0.0%   30.0%   +30.0  ├─ fresh  a.py:4\n"
	                        " 30.0%   40.0%   +10.0  ├─ other  a.py:3\n"
	                        " 10.0%    0.0%   -10.0  └─ gone  a.py:5\n");
}
END_TEST

/* Shares are of each run's own total: a run twice as long with the same
 * profile shows no change. */
START_TEST(tree_normalises_each_run)
{
	load(&base, "P1;T0:1;a.py:main:1;a.py:f:2 300\n"
	            "P1;T0:1;a.py:main:1;a.py:g:3 100\n");
	load(&after, "P2;T0:2;a.py:main:1;a.py:f:2 600\n"
	             "P2;T0:2;a.py:main:1;a.py:g:3 200\n");
	struct view_options o = {.metric = METRIC_TIME};
	assert_view(view_diff_tree, &o,
	            "base: 400 us of wall time in 2 samples\n"
	            "new:  800 us of wall time in 2 samples\n"
	            "Shares of each run's own total, threads merged; largest "
	            "change first.\n\n"
	            "  base     new  change\n"
	            "100.0%  100.0%    +0.0  main  a.py:1\n"
	            " 75.0%   75.0%    +0.0  ├─ f  a.py:2\n"
	            " 25.0%   25.0%    +0.0  └─ g  a.py:3\n");
}
END_TEST

/* Hidden: change and share in NEW both under the threshold. */
START_TEST(tree_hides_small_nodes)
{
	load(&base, BASE_TREE);
	load(&after, NEW_TREE);
	struct view_options o = NAMED;
	o.threshold = 15;
	assert_view(view_diff_tree, &o,
	            TREE_HEADER
	            "100.0%  100.0%    +0.0  main  a.py:1\n"
	            " 60.0%   30.0%   -30.0  ├─ hot  a.py:2\n"
	            "  0.0%   30.0%   +30.0  ├─ fresh  a.py:4\n"
	            " 30.0%   40.0%   +10.0  └─ other  a.py:3\n"
	            "… 1 call changed by less than 15 points and under 15% "
	            "in new hidden (--threshold 0 shows them)\n");
}
END_TEST

/* A frame is a function at a line: time that moved to another line of
 * the same function is a change. */
START_TEST(tree_keys_frames_by_line)
{
	load(&base, "P1;T0:1;a.py:main:1;a.py:f:2 100\n");
	load(&after, "P1;T0:1;a.py:main:1;a.py:f:3 100\n");
	struct view_options o = {.metric = METRIC_TIME};
	char *text = render(view_diff_tree, &o);
	ck_assert_ptr_nonnull(strstr(text, "  0.0%  100.0%  +100.0  ├─ f  "
	                                   "a.py:3\n"
	                                   "100.0%    0.0%  -100.0  └─ f  "
	                                   "a.py:2\n"));
	free(text);
}
END_TEST

#define JSON "/usr/lib/python3.12/json/"

/* Library runs fold as in the tree view, into the user code they call. */
START_TEST(tree_folds_library_frames_unless_all)
{
	load(&base, "P1;T0:1;a.py:main:1;" JSON "__init__.py:dumps:10;" JSON
	            "encoder.py:enc:20;a.py:cb:7 100\n"
	            "P1;T0:1;a.py:main:1 100\n");
	load(&after, "P2;T0:2;a.py:main:1;" JSON "__init__.py:dumps:10;" JSON
	             "encoder.py:enc:20;a.py:cb:7 300\n"
	             "P2;T0:2;a.py:main:1 100\n");
	struct view_options o = {.metric = METRIC_TIME};
	char *text = render(view_diff_tree, &o);
	ck_assert_ptr_nonnull(strstr(text, "100.0%  100.0%    +0.0  main  "
	                                   "a.py:1\n"
	                                   " 50.0%   75.0%   +25.0  └─ [2 "
	                                   "library frames]  json, "
	                                   "json.encoder\n"
	                                   " 50.0%   75.0%   +25.0     └─ cb  "
	                                   "a.py:7\n"));
	free(text);
	o.all = 1;
	text = render(view_diff_tree, &o);
	ck_assert_ptr_nonnull(strstr(text, " 50.0%   75.0%   +25.0  └─ dumps  "
	                                   "/usr/lib/python3.12/json/"
	                                   "__init__.py:10\n"));
	ck_assert_ptr_nonnull(strstr(text, "└─ cb  a.py:7\n"));
	ck_assert_ptr_null(strstr(text, "library frame"));
	free(text);
}
END_TEST

/* Samples without frames, GC and invalid frames match across runs. */
START_TEST(tree_pseudo_frames_and_frameless)
{
	load(&base, "P1;T0:1 100\n"
	            "P1;T0:1;a.py:main:1;:GC: 100\n"
	            "P1;T0:1;a.py:main:1;:INVALID: 200\n");
	load(&after, "P2;T0:2;a.py:main:1;:INVALID: 100\n"
	             "P2;T0:2;a.py:main:1;:GC: 300\n");
	struct view_options o = {.metric = METRIC_TIME};
	char *text = render(view_diff_tree, &o);
	ck_assert_ptr_nonnull(strstr(text, "  base     new  change\n"
	                                   " 75.0%  100.0%   +25.0  main  "
	                                   "a.py:1\n"
	                                   " 25.0%   75.0%   +50.0  ├─ :GC:\n"
	                                   " 50.0%   25.0%   -25.0  └─ "
	                                   ":INVALID:\n"
	                                   " 25.0%    0.0%   -25.0  [no "
	                                   "Python frames]\n"));
	free(text);
}
END_TEST

/* Red for growth, green for shrink, only when asked. */
START_TEST(tree_colours_changes)
{
	load(&base, BASE_TREE);
	load(&after, NEW_TREE);
	struct view_options o = NAMED;
	char *plain = render(view_diff_tree, &o);
	ck_assert_ptr_null(strchr(plain, '\033'));
	free(plain);
	o.colour = 1;
	char *coloured = render(view_diff_tree, &o);
	ck_assert_ptr_nonnull(strstr(coloured, " 60.0%   30.0%  \033[32m "
	                                       "-30.0\033[0m  "));
	ck_assert_ptr_nonnull(strstr(coloured, "  0.0%   30.0%  \033[31m "
	                                       "+30.0\033[0m  "));
	/* no change, no colour */
	ck_assert_ptr_nonnull(strstr(coloured, "100.0%  100.0%    +0.0  "));
	free(coloured);
}
END_TEST

START_TEST(tree_with_an_empty_run)
{
	load(&base, "# mode: wall\n");
	load(&after, NEW_TREE);
	assert_view(view_diff_tree, &NAMED,
	            "base: 0 us of wall time in 0 samples (before.txt)\n"
	            "new:  1.0 ms of wall time in 3 samples (after.txt)\n"
	            "\nNothing to compare: no sample of the base recording "
	            "has a value.\n");
}
END_TEST

/* Stacks thousands of frames deep (recursion) are drawn without
 * recursion. */
START_TEST(tree_deep_stacks)
{
	enum { DEPTH = 5000 };
	static const char frame[] = ";a.py:f:2";
	size_t len = strlen("P1;T0:1;a.py:main:1") + DEPTH * strlen(frame);
	char *text = malloc(len + 16);
	ck_assert_ptr_nonnull(text);
	char *out = text + sprintf(text, "P1;T0:1;a.py:main:1");
	for (int i = 0; i < DEPTH; i++)
		out += sprintf(out, "%s", frame);
	strcpy(out, " 10\n");
	load(&base, text);
	text[1] = '2'; /* another pid */
	load(&after, text);
	free(text);
	struct view_options o = {.metric = METRIC_TIME};
	char *tree = render(view_diff_tree, &o);
	size_t lines = 0;
	for (const char *c = tree; *c; c++)
		lines += *c == '\n';
	ck_assert_uint_eq(lines, 5 + 1 + DEPTH);
	free(tree);
}
END_TEST

Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *folded = tcase_create("collapsed");
	tcase_add_checked_fixture(folded, setup, teardown);
	tcase_add_test(folded, collapsed_merges_threads_and_keeps_both_values);
	tcase_add_test(folded, collapsed_lines_read_as_flamegraph_expects);
	tcase_add_test(folded, collapsed_without_samples);
	tcase_add_test(folded, collapsed_projects_the_metric);
	suite_add_tcase(s, folded);
	TCase *tree = tcase_create("tree");
	tcase_set_timeout(tree, 60); /* 5,000 frames deep, on a loaded machine */
	tcase_add_checked_fixture(tree, setup, teardown);
	tcase_add_test(tree, tree_orders_by_change);
	tcase_add_test(tree, tree_normalises_each_run);
	tcase_add_test(tree, tree_hides_small_nodes);
	tcase_add_test(tree, tree_keys_frames_by_line);
	tcase_add_test(tree, tree_folds_library_frames_unless_all);
	tcase_add_test(tree, tree_pseudo_frames_and_frameless);
	tcase_add_test(tree, tree_colours_changes);
	tcase_add_test(tree, tree_with_an_empty_run);
	tcase_add_test(tree, tree_deep_stacks);
	suite_add_tcase(s, tree);
	return s;
}
