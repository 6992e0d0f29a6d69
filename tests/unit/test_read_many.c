/* Several recordings of one run read as one: what names them (a
 * directory without its hidden files, a glob pattern), their order by
 * "started", their places on the time axis, sums, and the disagreements
 * that make them not one run.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/profile.h"
#include "report/read_many.h"
#include "suites.h"

#define MINUTE_US 60000000ull

/* A recording of the run: "started" at 16:15 plus minute minutes (none
 * when minute < 0), two periods of --system, an event, a footer. */
static void recording(char *out, size_t len, int minute, const char *mode,
                      const char *event, uint64_t time)
{
	char started[64] = "";
	if (minute >= 0)
		snprintf(started, sizeof started,
		         "# started: 2026-12-05T16:%02d:00.000000Z\n",
		         15 + minute);
	snprintf(out, len,
	         "# austinc: 0.1.0\n%s# interval: 100us\n# mode: %s\n"
	         "# system-period: 100000us\n"
	         "# system: machine cpu.user=10%% t=0us\n"
	         "P1;T0:1;app.py:main:1;app.py:f:2 %llu\n"
	         "# event: %s\n"
	         "# system: machine cpu.user=20%% t=100000us\n"
	         "P1;T0:1;app.py:main:1;app.py:g:3 %llu\n"
	         "# duration: 200000us\n"
	         "# samples: 2 (errors: 1, saturated: 0)\n"
	         "# sampling: 1ns min\n",
	         started, mode, (unsigned long long)time, event,
	         (unsigned long long)time * 2);
}

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/austinc-many-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void put_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* The three recordings of a run, one a minute, its process restarting. */
static void three_recordings(void)
{
	char text[1024];
	make_dir();
	recording(text, sizeof text, 0, "wall",
	          "attach pid=1 t=0us python=CPython 3.12.1", 100);
	put_file("app-1615.txt", text);
	recording(text, sizeof text, 1, "wall", "detach pid=1 t=50000us", 1000);
	put_file("app-1616.txt", text);
	recording(text, sizeof text, 2, "wall",
	          "attach pid=2 t=150000us python=CPython 3.12.1", 10000);
	put_file("app-1617.txt", text);
}

static void remove_dir(void)
{
	char command[128];
	snprintf(command, sizeof command, "rm -rf %s", dir);
	ck_assert_int_eq(system(command), 0);
}

/* Read the recordings args name into p; read_many's result. */
static int read_args(struct profile *p, char **args, size_t n, char *err,
                     size_t err_len)
{
	struct recordings r = {0};
	profile_init(p);
	err[0] = '\0';
	int rc = read_many_expand(&r, args, n, err, err_len) ||
	                         read_many(p, &r, NULL, NULL, err, err_len)
	                 ? -1
	                 : 0;
	read_many_free(&r);
	return rc;
}

static char *path_of(const char *name)
{
	static char paths[4][128];
	static int next;
	char *path = paths[next++ % 4];
	snprintf(path, 128, "%s/%s", dir, name);
	return path;
}

static uint64_t total_time(const struct profile *p)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < p->samples.n; i++)
		sum += profile_sample_at(p, i)->time;
	return sum;
}

/* --- merging --------------------------------------------------------- */

START_TEST(samples_add_up_and_stacks_are_shared)
{
	three_recordings();
	struct profile p;
	char err[512];
	ck_assert_msg(read_args(&p, (char *[]){dir}, 1, err, sizeof err) == 0,
	              "%s", err);
	ck_assert_uint_eq(p.samples.n, 6);
	ck_assert_uint_eq(total_time(&p), 3 * (100 + 1000 + 10000));
	/* The same two stacks in every recording. */
	ck_assert_uint_eq(p.stacks.n, 2);
	ck_assert_uint_eq(p.threads.n, 1);
	ck_assert_str_eq(profile_meta(&p, "samples"), "6 (errors: 3)");
	ck_assert_str_eq(profile_meta(&p, "recordings"), "3 merged");
	/* The last began two minutes after the first and ran 0.2 s. */
	ck_assert_str_eq(profile_meta(&p, "duration"), "120200000us");
	/* One recording's statistics do not add up. */
	ck_assert_ptr_null(profile_meta(&p, "sampling"));
	ck_assert_int_eq(p.started_us, 1796487300000000);
	profile_free(&p);
	remove_dir();
}
END_TEST

START_TEST(times_are_offset_by_start)
{
	three_recordings();
	struct profile p;
	char err[512];
	ck_assert_msg(read_args(&p, (char *[]){dir}, 1, err, sizeof err) == 0,
	              "%s", err);
	static const uint64_t AT[] = {0,
	                              100000,
	                              MINUTE_US,
	                              MINUTE_US + 100000,
	                              2 * MINUTE_US,
	                              2 * MINUTE_US + 100000};
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(profile_sample_at(&p, i)->at_us, AT[i]);
	ck_assert_uint_eq(p.series.n, 1);
	const struct profile_series *s = profile_series_at(&p, 0);
	ck_assert_uint_eq(s->points.n, 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(profile_points(s)[i].t_us, AT[i]);
	ck_assert_uint_eq(p.marks.n, 3);
	ck_assert_uint_eq(profile_mark_at(&p, 0)->t_us, 0);
	ck_assert_uint_eq(profile_mark_at(&p, 1)->t_us, MINUTE_US + 50000);
	ck_assert_uint_eq(profile_mark_at(&p, 1)->kind, MARK_DETACH);
	ck_assert_uint_eq(profile_mark_at(&p, 2)->t_us, 2 * MINUTE_US + 150000);
	ck_assert_str_eq(profile_str(&p, profile_mark_at(&p, 2)->python),
	                 "CPython 3.12.1");
	profile_free(&p);
	remove_dir();
}
END_TEST

/* Given last first, they are still read in the order they started. */
START_TEST(order_is_by_started)
{
	three_recordings();
	struct profile p;
	char err[512];
	char *args[] = {path_of("app-1617.txt"), path_of("app-1615.txt"),
	                path_of("app-1616.txt")};
	ck_assert_msg(read_args(&p, args, 3, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(profile_sample_at(&p, 0)->time, 100);
	ck_assert_uint_eq(profile_sample_at(&p, 2)->time, 1000);
	ck_assert_uint_eq(profile_sample_at(&p, 4)->time, 10000);
	ck_assert_uint_eq(profile_sample_at(&p, 4)->at_us, 2 * MINUTE_US);
	ck_assert_int_eq(p.started_us, 1796487300000000);
	profile_free(&p);
	remove_dir();
}
END_TEST

/* Without "started", in the order given, each where the last ended. */
START_TEST(without_started_end_to_end)
{
	char text[1024];
	make_dir();
	recording(text, sizeof text, -1, "wall", "x", 100);
	put_file("b.txt", text);
	recording(text, sizeof text, -1, "wall", "x", 1000);
	put_file("a.txt", text);
	struct profile p;
	char err[512];
	char *args[] = {path_of("b.txt"), path_of("a.txt")};
	ck_assert_msg(read_args(&p, args, 2, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(profile_sample_at(&p, 0)->time, 100);
	ck_assert_uint_eq(profile_sample_at(&p, 2)->time, 1000);
	ck_assert_uint_eq(profile_sample_at(&p, 2)->at_us, 200000);
	ck_assert_str_eq(profile_meta(&p, "duration"), "400000us");
	profile_free(&p);
	remove_dir();
}
END_TEST

START_TEST(one_recording_is_read_as_ever)
{
	three_recordings();
	struct profile p;
	char err[512];
	ck_assert_int_eq(read_args(&p, (char *[]){path_of("app-1616.txt")}, 1,
	                           err, sizeof err),
	                 0);
	ck_assert_uint_eq(p.samples.n, 2);
	ck_assert_uint_eq(profile_sample_at(&p, 0)->at_us, 0);
	ck_assert_str_eq(profile_meta(&p, "duration"), "200000us");
	ck_assert_str_eq(profile_meta(&p, "sampling"), "1ns min");
	ck_assert_ptr_null(profile_meta(&p, "recordings"));
	profile_free(&p);
	remove_dir();
}
END_TEST

/* --- not one run ---------------------------------------------------- */

START_TEST(mode_mismatch_names_both_files)
{
	char text[1024];
	three_recordings();
	recording(text, sizeof text, 3, "cpu", "x", 5);
	put_file("app-1618.txt", text);
	struct profile p;
	char err[512];
	ck_assert_int_eq(read_args(&p, (char *[]){dir}, 1, err, sizeof err),
	                 -1);
	ck_assert_msg(strstr(err, "app-1615.txt and ") &&
	                      strstr(err, "app-1618.txt: not one run: the "
	                                  "mode differs (wall against cpu)"),
	              "%s", err);
	profile_free(&p);
	remove_dir();
}
END_TEST

START_TEST(interval_mismatch_is_an_error)
{
	char text[1024], other[1100];
	three_recordings();
	recording(text, sizeof text, 3, "wall", "x", 5);
	char *at = strstr(text, "100us");
	snprintf(other, sizeof other, "%.*s1000us%s", (int)(at - text), text,
	         at + 5);
	put_file("app-1618.txt", other);
	struct profile p;
	char err[512];
	ck_assert_int_eq(read_args(&p, (char *[]){dir}, 1, err, sizeof err),
	                 -1);
	ck_assert_msg(strstr(err, "the interval differs (100us against "
	                          "1000us)"),
	              "%s", err);
	profile_free(&p);
	remove_dir();
}
END_TEST

/* --- naming the recordings ------------------------------------------- */

/* Hidden files (the sampler's unfinished ones) and other names are not
 * read: a hidden one of another mode would be an error. */
START_TEST(directory_skips_hidden_and_other_files)
{
	char text[1024];
	three_recordings();
	recording(text, sizeof text, 3, "memory", "x", 5);
	put_file(".app-1618.txt", text);
	put_file("notes.md", "not a recording\n");
	struct recordings r = {0};
	char err[512];
	ck_assert_int_eq(
	        read_many_expand(&r, (char *[]){dir}, 1, err, sizeof err), 0);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(r.paths[0], path_of("app-1615.txt"));
	ck_assert_str_eq(r.paths[2], path_of("app-1617.txt"));
	read_many_free(&r);
	struct profile p;
	ck_assert_msg(read_args(&p, (char *[]){dir}, 1, err, sizeof err) == 0,
	              "%s", err);
	ck_assert_uint_eq(p.samples.n, 6);
	profile_free(&p);
	remove_dir();
}
END_TEST

START_TEST(glob_pattern_is_expanded)
{
	three_recordings();
	struct recordings r = {0};
	char err[512];
	ck_assert_int_eq(read_many_expand(&r, (char *[]){path_of("app-*.txt")},
	                                  1, err, sizeof err),
	                 0);
	ck_assert_uint_eq(r.n, 3);
	read_many_free(&r);
	ck_assert_int_eq(read_many_expand(&r, (char *[]){path_of("x-*.txt")}, 1,
	                                  err, sizeof err),
	                 -1);
	ck_assert_msg(strstr(err, "no file matches it"), "%s", err);
	read_many_free(&r);
	remove_dir();
}
END_TEST

START_TEST(recording_names)
{
	ck_assert(read_many_is_recording_name("a.txt"));
	ck_assert(read_many_is_recording_name("a.mojo.gz"));
	ck_assert(read_many_is_recording_name("app-20261205T161500.mojo"));
	ck_assert(read_many_is_recording_name("a.austin"));
	ck_assert(!read_many_is_recording_name(".a.txt"));
	ck_assert(!read_many_is_recording_name("a.txt.tmp"));
	ck_assert(!read_many_is_recording_name("README"));
	ck_assert(!read_many_is_recording_name(".txt"));
}
END_TEST

START_TEST(empty_directory_and_stdin_among_others)
{
	make_dir();
	struct recordings r = {0};
	char err[512];
	ck_assert_int_eq(
	        read_many_expand(&r, (char *[]){dir}, 1, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "no recordings in it"), "%s", err);
	read_many_free(&r);
	ck_assert_int_eq(
	        read_many_expand(&r, (char *[]){dir, "-"}, 2, err, sizeof err),
	        -1);
	read_many_free(&r);
	ck_assert_int_eq(read_many_expand(&r, NULL, 0, err, sizeof err), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_ptr_null(r.paths[0]);
	read_many_free(&r);
	remove_dir();
}
END_TEST

Suite *read_many_suite(void)
{
	Suite *s = suite_create("read_many");
	TCase *merge = tcase_create("merge");
	tcase_add_test(merge, samples_add_up_and_stacks_are_shared);
	tcase_add_test(merge, times_are_offset_by_start);
	tcase_add_test(merge, order_is_by_started);
	tcase_add_test(merge, without_started_end_to_end);
	tcase_add_test(merge, one_recording_is_read_as_ever);
	tcase_add_test(merge, mode_mismatch_names_both_files);
	tcase_add_test(merge, interval_mismatch_is_an_error);
	suite_add_tcase(s, merge);
	TCase *names = tcase_create("names");
	tcase_add_test(names, directory_skips_hidden_and_other_files);
	tcase_add_test(names, glob_pattern_is_expanded);
	tcase_add_test(names, recording_names);
	tcase_add_test(names, empty_directory_and_stdin_among_others);
	suite_add_tcase(s, names);
	return s;
}
