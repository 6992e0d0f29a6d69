/* Unit tests of the recordings' names: strftime'd, written hidden, renamed
 * once complete without overwriting, the oldest beyond --keep deleted, and
 * dumps set aside under a stamped name.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rotation.h"

/* 2025-12-05 16:15:00 UTC. */
#define WHEN  ((time_t)1764951300)
#define STAMP "20251205T161500"

static char dir[64];
static char *saved_tz;

/* Names depend on the time zone: UTC for all, restored after. */
static void setup(void)
{
	const char *tz = getenv("TZ");
	saved_tz = tz ? strdup(tz) : NULL;
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, sizeof dir, "/tmp/austinc-rotation.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Empty the directory (one level: the tests make no subdirectories). */
static void teardown(void)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
	if (saved_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved_tz);
}

/* dir/name into out. */
static const char *in_dir(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
	return out;
}

/* A file holding text, modified at mtime. */
static void make_file(const char *path, const char *text, time_t mtime)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	struct timespec times[2] = {{.tv_sec = mtime}, {.tv_sec = mtime}};
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* The text of a file, or "" when it does not exist. */
static const char *contents(const char *path)
{
	static char text[64];
	FILE *f = fopen(path, "r");
	text[0] = '\0';
	if (f) {
		text[fread(text, 1, sizeof text - 1, f)] = '\0';
		fclose(f);
	}
	return text;
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* How many entries the directory holds. */
static int entries(void)
{
	int n = 0;
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* One recording as the session makes it: begun at when, written (text,
 * last modified at mtime) under its hidden name, then completed. */
static void record_at(struct rotation *r, time_t when, time_t mtime,
                      const char *text)
{
	char why[PATH_MAX + 64] = "";
	ck_assert_int_eq(rotation_begin(r, when, why, sizeof why), 0);
	make_file(r->writing, text, mtime);
	ck_assert_msg(rotation_complete(r, 0, why, sizeof why) == 0, "%s", why);
	ck_assert(!exists(r->writing));
}

static void record(struct rotation *r, time_t when, const char *text)
{
	record_at(r, when, when, text);
}

/* --- timed recordings (--rotate) ------------------------------------- */

START_TEST(a_recording_is_written_hidden_beside_its_name)
{
	char pattern[128], expected[128], why[256];
	struct rotation r;
	rotation_init(
	        &r,
	        in_dir(pattern, sizeof pattern, "app-%Y%m%dT%H%M%S.mojo.gz"), 1,
	        0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
	ck_assert_str_eq(r.final, in_dir(expected, sizeof expected,
	                                 "app-" STAMP ".mojo.gz"));
	ck_assert_str_eq(r.writing, in_dir(expected, sizeof expected,
	                                   ".app-" STAMP ".mojo.gz.part"));
	ck_assert(r.began == WHEN);
	ck_assert_int_eq(entries(), 0); /* naming makes no file */
}
END_TEST

/* Without a directory, the hidden name is in the current one. */
START_TEST(a_relative_pattern_is_written_hidden_too)
{
	char why[256];
	struct rotation r;
	rotation_init(&r, "p-%H%M.txt", 1, 0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
	ck_assert_str_eq(r.final, "p-1615.txt");
	ck_assert_str_eq(r.writing, ".p-1615.txt.part");
}
END_TEST

START_TEST(a_complete_recording_takes_its_name)
{
	char pattern[128], expected[128];
	struct rotation r;
	rotation_init(&r,
	              in_dir(pattern, sizeof pattern, "app-%Y%m%dT%H%M%S.txt"),
	              1, 0);
	record(&r, WHEN, "one");
	ck_assert_str_eq(r.final, in_dir(expected, sizeof expected,
	                                 "app-" STAMP ".txt"));
	ck_assert_str_eq(contents(r.final), "one");
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* Two recordings in one second: the second takes "-1" before the
 * extension, the third "-2"; the first is never overwritten. */
START_TEST(a_taken_name_is_never_overwritten)
{
	char pattern[128], first[PATH_MAX], expected[128];
	struct rotation r;
	rotation_init(
	        &r,
	        in_dir(pattern, sizeof pattern, "app-%Y%m%dT%H%M%S.mojo.gz"), 1,
	        0);
	record(&r, WHEN, "one");
	snprintf(first, sizeof first, "%s", r.final);
	record(&r, WHEN, "two");
	ck_assert_str_eq(r.final, in_dir(expected, sizeof expected,
	                                 "app-" STAMP "-1.mojo.gz"));
	ck_assert_str_eq(contents(r.final), "two");
	record(&r, WHEN, "three");
	ck_assert_str_eq(r.final, in_dir(expected, sizeof expected,
	                                 "app-" STAMP "-2.mojo.gz"));
	ck_assert_str_eq(contents(r.final), "three");
	ck_assert_str_eq(contents(first), "one");
	ck_assert_int_eq(entries(), 3);
}
END_TEST

/* --keep 2 after four recordings: the two newest stay. Hidden files and
 * files outside the pattern are not the pattern's. */
START_TEST(keep_leaves_the_newest)
{
	char pattern[128], hidden[128], other[128], path[128];
	make_file(in_dir(hidden, sizeof hidden, ".20000101T000000.txt"), "h",
	          WHEN - 3600);
	make_file(in_dir(other, sizeof other, "other.log"), "o", WHEN - 3600);
	struct rotation r;
	rotation_init(&r, in_dir(pattern, sizeof pattern, "%Y%m%dT%H%M%S.txt"),
	              1, 2);
	record(&r, WHEN, "1");
	record(&r, WHEN + 60, "2");
	ck_assert_int_eq(entries(), 4);
	record(&r, WHEN + 120, "3");
	ck_assert(!exists(in_dir(path, sizeof path, STAMP ".txt")));
	record(&r, WHEN + 180, "4");
	ck_assert(!exists(in_dir(path, sizeof path, "20251205T161600.txt")));
	ck_assert_str_eq(
	        contents(in_dir(path, sizeof path, "20251205T161700.txt")),
	        "3");
	ck_assert_str_eq(
	        contents(in_dir(path, sizeof path, "20251205T161800.txt")),
	        "4");
	ck_assert(exists(hidden));
	ck_assert(exists(other));
	ck_assert_int_eq(entries(), 4);
}
END_TEST

/* Age is the time of modification, not the name: a file that sorts first
 * but was modified last stays. "-N" names count as the pattern's. */
START_TEST(keep_goes_by_modification_time)
{
	char pattern[128], early[128], path[128];
	make_file(in_dir(early, sizeof early, "app-20000101T000000.txt"), "e",
	          WHEN + 1000);
	struct rotation r;
	rotation_init(&r,
	              in_dir(pattern, sizeof pattern, "app-%Y%m%dT%H%M%S.txt"),
	              1, 2);
	record(&r, WHEN, "1");
	/* The same second, so app-STAMP-1.txt; modified later. */
	record_at(&r, WHEN, WHEN + 1, "2");
	ck_assert_str_eq(contents(early), "e");
	ck_assert(!exists(in_dir(path, sizeof path, "app-" STAMP ".txt")));
	ck_assert_str_eq(
	        contents(in_dir(path, sizeof path, "app-" STAMP "-1.txt")),
	        "2");
	ck_assert_int_eq(entries(), 2);
}
END_TEST

START_TEST(a_name_too_long_is_refused)
{
	static char pattern[PATH_MAX + 16];
	char why[PATH_MAX + 128];
	struct rotation r;
	/* The final name fits, its hidden one (7 more) does not. */
	memset(pattern, 'a', PATH_MAX - 4);
	strcpy(pattern + PATH_MAX - 4, "%H");
	rotation_init(&r, pattern, 1, 0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), -1);
	const char *prefix = "the output name of pattern aaa";
	ck_assert_int_eq(strncmp(why, prefix, strlen(prefix)), 0);
	ck_assert_ptr_nonnull(strstr(why, "a%H is too long"));
	/* Nor does the final one. */
	strcpy(pattern + PATH_MAX - 4, "aaaaaa%H");
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), -1);
	ck_assert_int_eq(strncmp(why, prefix, strlen(prefix)), 0);
}
END_TEST

/* An abandoned recording leaves nothing with --rotate; without it -o,
 * opened before anything started, stays as it was. */
START_TEST(an_abandoned_recording_leaves_no_hidden_file)
{
	char pattern[128], why[256];
	struct rotation r;
	rotation_init(&r, in_dir(pattern, sizeof pattern, "app-%H.txt"), 1, 0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
	make_file(r.writing, "", WHEN);
	rotation_discard(&r);
	ck_assert_int_eq(entries(), 0);

	rotation_init(&r, in_dir(pattern, sizeof pattern, "out.txt"), 0, 0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
	make_file(r.writing, "", WHEN);
	rotation_discard(&r);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* --- one recording (no --rotate) ------------------------------------- */

/* -o is written in place; completing it leaves it there. */
START_TEST(without_rotate_the_output_is_written_in_place)
{
	char output[128], why[256];
	struct rotation r;
	rotation_init(&r, in_dir(output, sizeof output, "out-%H.txt"), 0, 0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
	ck_assert_str_eq(r.final, output); /* a '%' is no field here */
	ck_assert_str_eq(r.writing, output);
	make_file(r.writing, "x", WHEN);
	ck_assert_int_eq(rotation_complete(&r, 0, why, sizeof why), 0);
	ck_assert_str_eq(contents(output), "x");
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* A dump on demand sets the recording aside under its start time, and a
 * second dump in the same second gets its own name. */
START_TEST(a_dump_is_set_aside_under_its_start_time)
{
	char output[128], expected[128], why[256];
	struct rotation r;
	rotation_init(&r, in_dir(output, sizeof output, "out.mojo.gz"), 0, 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
		make_file(r.writing, i ? "second" : "first", WHEN);
		ck_assert_int_eq(rotation_complete(&r, 1, why, sizeof why), 0);
		ck_assert(!exists(output));
	}
	ck_assert_str_eq(contents(in_dir(expected, sizeof expected,
	                                 "out." STAMP ".mojo.gz")),
	                 "first");
	/* "-1" goes before the stamped name's extension, which begins
	 * with the stamp itself. */
	ck_assert_str_eq(r.final, in_dir(expected, sizeof expected,
	                                 "out-1." STAMP ".mojo.gz"));
	ck_assert_str_eq(contents(r.final), "second");
	ck_assert_int_eq(entries(), 2);
}
END_TEST

/* Nothing written, nothing to rename: an error naming both files. */
START_TEST(a_missing_recording_cannot_be_completed)
{
	char pattern[128], why[512];
	struct rotation r;
	rotation_init(&r, in_dir(pattern, sizeof pattern, "%H.txt"), 1, 0);
	ck_assert_int_eq(rotation_begin(&r, WHEN, why, sizeof why), 0);
	ck_assert_int_eq(rotation_complete(&r, 0, why, sizeof why), -1);
	char expected[512];
	snprintf(expected, sizeof expected,
	         "cannot rename %s/.16.txt.part to %s/16.txt: No such file or "
	         "directory",
	         dir, dir);
	ck_assert_str_eq(why, expected);
}
END_TEST

/* --- stamped names --------------------------------------------------- */

static const struct {
	const char *path, *stamped;
} STAMPED[] = {
        {"dir/p.txt", "dir/p." STAMP ".txt"},
        {"p.txt.gz", "p." STAMP ".txt.gz"},
        {"/var/lib/p.mojo.gz", "/var/lib/p." STAMP ".mojo.gz"},
        {"dir/p", "dir/p." STAMP},
        {"p", "p." STAMP},
        {"d.x/p", "d.x/p." STAMP}, /* a directory's dot is no extension */
        {".p", ".p." STAMP},       /* nor is a leading one */
        {"d/.p.txt", "d/.p." STAMP ".txt"},
        /* No last component: nothing read beyond the end. */
        {"dir/", "dir/." STAMP},
        {"", "." STAMP},
};

START_TEST(a_stamp_goes_before_the_extension)
{
	char out[128];
	ck_assert_int_eq(
	        rotation_stamped(STAMPED[_i].path, WHEN, out, sizeof out), 0);
	ck_assert_str_eq(out, STAMPED[_i].stamped);
}
END_TEST

START_TEST(a_stamp_that_does_not_fit_is_refused)
{
	char out[sizeof "p." STAMP ".txt"];
	ck_assert_int_eq(rotation_stamped("p.txt", WHEN, out, sizeof out), 0);
	ck_assert_str_eq(out, "p." STAMP ".txt");
	ck_assert_int_eq(rotation_stamped("p.txt", WHEN, out, sizeof out - 1),
	                 -1);
}
END_TEST

Suite *rotation_suite(void)
{
	Suite *s = suite_create("rotation");
	TCase *tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_recording_is_written_hidden_beside_its_name);
	tcase_add_test(tc, a_relative_pattern_is_written_hidden_too);
	tcase_add_test(tc, a_complete_recording_takes_its_name);
	tcase_add_test(tc, a_taken_name_is_never_overwritten);
	tcase_add_test(tc, keep_leaves_the_newest);
	tcase_add_test(tc, keep_goes_by_modification_time);
	tcase_add_test(tc, a_name_too_long_is_refused);
	tcase_add_test(tc, an_abandoned_recording_leaves_no_hidden_file);
	tcase_add_test(tc, without_rotate_the_output_is_written_in_place);
	tcase_add_test(tc, a_dump_is_set_aside_under_its_start_time);
	tcase_add_test(tc, a_missing_recording_cannot_be_completed);
	tcase_add_loop_test(tc, a_stamp_goes_before_the_extension, 0,
	                    sizeof STAMPED / sizeof *STAMPED);
	tcase_add_test(tc, a_stamp_that_does_not_fit_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
