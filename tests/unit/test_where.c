/* The where view and the mode statistics.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/where.h"
#include "stats.h"
#include "suites.h"

/* What the where view prints for one process with one thread. */
static char *render(int colour, int idle, int gc)
{
	static struct stack st;
	st.depth = 3;
	st.frames[0] = (struct frame){.file = "/a/lib.py",
	                              .name = "leaf",
	                              .file_len = 9,
	                              .name_len = 4,
	                              .line = 7};
	st.frames[1] = (struct frame){.kind = FRAME_INVALID};
	st.frames[2] = (struct frame){.file = "/a/app.py",
	                              .name = "<module>",
	                              .file_len = 9,
	                              .name_len = 8,
	                              .line = 40};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	where_process(out, colour, 4242, "3.12.1 (shared)");
	struct sample sm = {.pid = 4242,
	                    .iid = 0,
	                    .tid = 4243,
	                    .stack = &st,
	                    .idle = idle,
	                    .gc = gc};
	where_thread(out, colour, &sm);
	fclose(out);
	return text;
}

START_TEST(where_is_innermost_last_without_colours)
{
	char *text = render(0, 0, 0);
	ck_assert_str_eq(text, "Process 4242: Python 3.12.1 (shared)\n"
	                       "  Thread 4243 (interpreter 0, running)\n"
	                       "    /a/app.py:40 <module>\n"
	                       "    <frame not readable>\n"
	                       "    /a/lib.py:7 leaf\n");
	free(text);
	text = render(0, 1, 1);
	ck_assert_ptr_nonnull(strstr(text, "(interpreter 0, idle)\n"));
	ck_assert_ptr_nonnull(strstr(text, "(collecting garbage)\n"));
	free(text);
}
END_TEST

START_TEST(where_colours_only_when_asked)
{
	char *plain = render(0, 0, 0);
	char *coloured = render(1, 0, 0);
	ck_assert_ptr_null(strchr(plain, '\033'));
	ck_assert_ptr_nonnull(strstr(coloured, "\033[33mleaf\033[0m"));
	ck_assert_ptr_nonnull(strstr(coloured, "\033[32mrunning\033[0m"));
	free(plain);
	free(coloured);
}
END_TEST

/* The marker of a deep stack's middle is shown by its name alone. */
START_TEST(where_shows_frames_left_out_by_name)
{
	static struct stack st;
	st.depth = 1;
	st.frames[0] = (struct frame){.kind = FRAME_LEFT_OUT,
	                              .file = "",
	                              .name = "[907 frames left out]",
	                              .name_len = 21};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	where_thread(out, 0, &(struct sample){.tid = 7, .stack = &st});
	fclose(out);
	ck_assert_str_eq(text, "  Thread 7 (interpreter 0, running)\n"
	                       "    [907 frames left out]\n");
	free(text);
}
END_TEST

START_TEST(mode_statistics)
{
	struct stats st;
	stats_init(&st, 0);
	ck_assert_int_eq(st.rss_start, -1);
	stats_add_root_rss(&st, 100);
	stats_add_root_rss(&st, 300);
	stats_add_root_rss(&st, -1); /* unreadable: ignored */
	stats_add_root_rss(&st, 200);
	ck_assert_int_eq(st.rss_start, 100);
	ck_assert_int_eq(st.rss_peak, 300);
	ck_assert_int_eq(st.rss_end, -1); /* nothing charged yet */
	stats_root_rss_charged(&st, 250);
	stats_root_rss_charged(&st, -1);
	ck_assert_int_eq(st.rss_end, 250);
	stats_add_rss_delta(&st, 4096);
	stats_add_rss_delta(&st, -1024);
	stats_add_rss_delta(&st, 0);
	ck_assert_int_eq(st.allocated, 4096);
	ck_assert_int_eq(st.released, 1024);
	for (int i = 0; i < 8; i++)
		stats_add_sample(&st, 1000, 100000, 0);
	st.gc_samples = 2;
	st.thread_samples = 16;
	st.idle_samples = 4;
	ck_assert_uint_eq(stats_gc_basis_points(&st), 2500);
	ck_assert_uint_eq(stats_idle_basis_points(&st), 2500);
}
END_TEST

Suite *where_suite(void)
{
	Suite *s = suite_create("where");
	TCase *tc = tcase_create("view");
	tcase_add_test(tc, where_is_innermost_last_without_colours);
	tcase_add_test(tc, where_colours_only_when_asked);
	tcase_add_test(tc, where_shows_frames_left_out_by_name);
	tcase_add_test(tc, mode_statistics);
	suite_add_tcase(s, tc);
	return s;
}
