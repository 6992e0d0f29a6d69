/* Recordings cut short: what each reader keeps, what it says, and what
 * --strict (a NULL struct read_cut) makes of the same bytes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The fixtures recording-full.{txt,txt.gz,mojo,mojo.gz} are real
 * recordings: austinc -f -i 2ms (and -b for MOJO, -o NAME.gz for gzip) of
 * tests/functional/targets/busy.py 0.3 under /usr/bin/python3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "model_text.h"
#include "report/profile.h"
#include "report/read.h"
#include "suites.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name the unit-test fixture directory"
#endif

static struct profile model;
static struct read_cut cut;
static char err[512];

static void setup(void)
{
	profile_init(&model);
	memset(&cut, 0x55, sizeof cut); /* the reader must fill it in */
	err[0] = '\0';
}

static void teardown(void)
{
	profile_free(&model);
}

static void fresh_model(void)
{
	profile_free(&model);
	profile_init(&model);
}

/* --- text -------------------------------------------------------------- */

static int read_string(const char *text, struct read_cut *c)
{
	fresh_model();
	return read_text(&model, text, strlen(text), c, err, sizeof err);
}

/* Strict, text gives the error strict_error (none when NULL); salvaged,
 * n samples, cut at where ("": no cut), and the model stays. */
static void assert_text_cut(const char *text, size_t n, const char *where,
                            const char *strict_error)
{
	int strict = read_string(text, NULL);
	if (strict_error) {
		ck_assert_int_eq(strict, -1);
		ck_assert_str_eq(err, strict_error);
	} else {
		ck_assert_msg(strict == 0, "%s", err);
	}
	ck_assert_msg(read_string(text, &cut) == 0, "%s", err);
	ck_assert_uint_eq(model.samples.n, n);
	ck_assert_int_eq(cut.cut, *where != '\0');
	if (cut.cut)
		ck_assert_str_eq(cut.where, where);
}

START_TEST(a_last_line_without_newline_is_left_out)
{
	/* A metric that may have lost digits: left out all the same. */
	assert_text_cut("# mode: wall\nP1;T0:2;a.py:f:1 5\nP1;T0:2;a.py:f:1 12",
	                1, "line 3 (no newline at its end)",
	                "line 3: no newline at its end: the recording was cut "
	                "short");
	/* Strict, a line that does not read gives the error it always
	 * gave. */
	assert_text_cut("# mode: wall\nP1;T0:2;a.py:f:1 5\nP1;T0:2;a.py:f", 1,
	                "line 3 (no newline at its end)",
	                "line 3: no metric: a sample ends in a space and a "
	                "number");
	/* The footer cut: what came before it is kept, not the rest. */
	assert_text_cut("# mode: wall\nP1;T0:2 5\n# duration: 20315", 1,
	                "line 3 (no newline at its end)",
	                "line 3: no newline at its end: the recording was cut "
	                "short");
	ck_assert_ptr_null(profile_meta(&model, "duration"));
	ck_assert_str_eq(profile_meta(&model, "mode"), "wall");
	/* The mode line itself cut: the mode comes from the samples. */
	assert_text_cut("# mode: fu", 0, "line 1 (no newline at its end)",
	                "line 1: mode 'fu' is not wall, cpu, memory or full");
	ck_assert_int_eq(model.mode, PROFILE_WALL);
	/* A cut between two lines cannot be told from an end. */
	assert_text_cut("# mode: wall\nP1;T0:2 5\n", 1, "", NULL);
	assert_text_cut("", 0, "", NULL);
}
END_TEST

START_TEST(damage_before_the_end_stays_an_error)
{
	ck_assert_int_eq(read_string("P1;T0:2 x\nP1;T0:2 5", &cut), -1);
	ck_assert_str_eq(err, "line 1: metric 'x' is not a number");
	ck_assert_int_eq(read_string("P1;T0:2 5\nP1;T0 5\nP1;T0:2 5", &cut),
	                 -1);
	ck_assert_str_eq(err, "line 2: expected 'P<pid>;T<iid>:<tid>' at the "
	                      "start of a sample");
	/* The mode is still checked over the samples kept. */
	ck_assert_int_eq(read_string("P1;T0:2 5,0,0\nP1;T0:2 6\nP1;T0", &cut),
	                 -1);
	ck_assert_str_eq(err, "line 2: metric '6' is a single number, but the "
	                      "mode is full");
}
END_TEST

/* --- MOJO -------------------------------------------------------------- */

static int read_bytes(const uint8_t *data, size_t len, struct read_cut *c)
{
	fresh_model();
	return read_mojo(&model, data, len, c, err, sizeof err);
}

/* Where sample i (from 0) begins: the shortest prefix from which the
 * strict reader reads i samples ends with the last event of sample i - 1,
 * and sample i's STACK follows. */
static size_t start_of_sample(const uint8_t *data, size_t len, size_t i)
{
	for (size_t at = 0; at <= len; at++)
		if (read_bytes(data, at, NULL) == 0 && model.samples.n == i)
			return at;
	ck_abort_msg("no prefix holds %zu samples", i);
	return 0;
}

START_TEST(a_mojo_cut_keeps_the_whole_samples_before_it)
{
	size_t len;
	uint8_t *data = slurp(FIXTURES_DIR "/golden.mojo", &len);
	ck_assert_int_eq(read_bytes(data, len, &cut), 0);
	ck_assert_int_eq(cut.cut, 0);
	size_t whole = model.samples.n;

	/* In the footer (the duration): every sample, the footer lost. */
	ck_assert_int_eq(read_bytes(data, len - 1, &cut), 0);
	ck_assert_uint_eq(model.samples.n, whole);
	ck_assert_ptr_null(profile_meta(&model, "duration"));
	char want[64];
	size_t footer = len - strlen("duration") - strlen("2031542us") - 3;
	snprintf(want, sizeof want, "byte %zu (in an event)", footer);
	ck_assert_str_eq(cut.where, want);
	ck_assert_int_eq(read_bytes(data, len - 1, NULL), -1);
	ck_assert_str_eq(err + strcspn(err, ":"),
	                 ": truncated metadata value (no terminating NUL)");

	/* One byte into the third sample, and in the middle of it: two. */
	size_t third = start_of_sample(data, len, 2);
	for (size_t at = third + 1; at < third + 8; at++) {
		ck_assert_int_eq(read_bytes(data, at, &cut), 0);
		ck_assert_uint_eq(model.samples.n, 2);
		snprintf(want, sizeof want, "byte %zu (in a sample)", third);
		ck_assert_str_eq(cut.where, want);
		ck_assert_int_eq(read_bytes(data, at, NULL), -1);
	}

	/* The header alone, or less. */
	ck_assert_int_eq(read_bytes(data, 3, &cut), 0);
	ck_assert_uint_eq(model.samples.n, 0);
	ck_assert_str_eq(cut.where, "byte 0 (in the header)");
	ck_assert_int_eq(read_bytes(data, 3, NULL), -1);
	ck_assert_str_eq(err, "byte 3: truncated MOJO version");
	free(data);
}
END_TEST

START_TEST(a_full_sample_needs_its_memory_metric)
{
	/* MOJ v3, mode full, then STACK pid 1 iid 0 tid "2", TIME 5: the
	 * memory metric that ends a full sample never came. */
	static const uint8_t cut_after_time[] = {
	        'M', 'O', 'J', 3, 1, 'm', 'o', 'd', 'e', 0, 'f',
	        'u', 'l', 'l', 0, 2, 1,   0,   '2', 0,   9, 5};
	ck_assert_int_eq(
	        read_bytes(cut_after_time, sizeof cut_after_time, &cut), 0);
	ck_assert_uint_eq(model.samples.n, 0);
	ck_assert_str_eq(cut.where, "byte 15 (in a sample)");
	ck_assert_int_eq(
	        read_bytes(cut_after_time, sizeof cut_after_time, NULL), -1);
	ck_assert_str_eq(err, "byte 22: the sample at byte 15 has no memory "
	                      "metric");
	/* What follows the memory metric is not part of the sample. */
	static const uint8_t idle_last[] = {
	        'M', 'O', 'J', 3, 1, 'm', 'o', 'd', 'e', 0,  'f', 'u', 'l',
	        'l', 0,   2,   1, 0, '2', 0,   9,   5,   10, 1,   8};
	ck_assert_int_eq(read_bytes(idle_last, sizeof idle_last, &cut), -1);
	ck_assert_str_eq(err, "byte 24: idle mark after the sample's memory "
	                      "metric");
}
END_TEST

START_TEST(mojo_damage_before_the_end_stays_an_error)
{
	size_t len;
	uint8_t *data = slurp(FIXTURES_DIR "/golden.mojo", &len);
	size_t third = start_of_sample(data, len, 2);
	data[third] = 0x7f; /* no such event */
	ck_assert_int_eq(read_bytes(data, len - 1, &cut), -1);
	char want[64];
	snprintf(want, sizeof want, "byte %zu: unknown event 127", third);
	ck_assert_str_eq(err, want);
	free(data);
}
END_TEST

/* --- files: gzip ------------------------------------------------------- */

/* A file in memory holding the first len bytes of data, for report_read
 * to open by name; its path in path. */
static int memory_file(const uint8_t *data, size_t len, char *path,
                       size_t path_len)
{
	static int fd = -1;
	if (fd < 0)
		fd = memfd_create("read_cut", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, data, len, 0), (ssize_t)len);
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return fd;
}

static int read_file(const uint8_t *data, size_t len, struct read_cut *c)
{
	char path[64];
	memory_file(data, len, path, sizeof path);
	fresh_model();
	int rc = report_read(&model, path, c, err, sizeof err);
	/* Errors name the file: keep what follows the name. */
	if (rc)
		memmove(err, err + strlen(path) + 2,
		        strlen(err + strlen(path) + 2) + 1);
	return rc;
}

START_TEST(a_cut_gzip_keeps_what_it_inflated)
{
	size_t len;
	uint8_t *gz = slurp(FIXTURES_DIR "/recording-full.txt.gz", &len);
	ck_assert_int_eq(read_file(gz, len, &cut), 0);
	ck_assert_int_eq(cut.cut, 0);
	size_t whole = model.samples.n;
	ck_assert_uint_gt(whole, 100);

	/* In the trailer (check and size): all of the text, unchecked. */
	ck_assert_int_eq(read_file(gz, len - 3, &cut), 0);
	ck_assert_uint_eq(model.samples.n, whole);
	char want[160];
	snprintf(want, sizeof want, "byte %zu (in the gzip stream)", len - 3);
	ck_assert_str_eq(cut.where, want);
	ck_assert_int_eq(read_file(gz, len - 3, NULL), -1);
	ck_assert_str_eq(err, "truncated gzip stream");

	/* Half of it: some of the samples, the inflated text cut in a
	 * line. */
	ck_assert_int_eq(read_file(gz, len / 2, &cut), 0);
	ck_assert_uint_gt(model.samples.n, 0);
	ck_assert_uint_lt(model.samples.n, whole);
	snprintf(want, sizeof want,
	         "byte %zu (in the gzip stream), inflated at line ", len / 2);
	ck_assert_msg(strncmp(cut.where, want, strlen(want)) == 0, "%s",
	              cut.where);
	ck_assert_ptr_nonnull(strstr(cut.where, " (no newline at its end)"));
	ck_assert_int_eq(read_file(gz, len / 2, NULL), -1);
	ck_assert_str_eq(err, "truncated gzip stream");

	/* Damage in the middle: an error still. */
	gz[len / 2] ^= 0x55;
	ck_assert_int_eq(read_file(gz, len, &cut), -1);
	ck_assert_ptr_nonnull(strstr(err, "corrupt gzip stream"));
	free(gz);
}
END_TEST

START_TEST(a_cut_between_gzip_members)
{
	/* Two members, then the first byte of a third. */
	size_t len;
	uint8_t *gz = slurp(FIXTURES_DIR "/recording-full.txt.gz", &len);
	uint8_t *two = malloc(2 * len + 1);
	ck_assert_ptr_nonnull(two);
	memcpy(two, gz, len);
	memcpy(two + len, gz, len);
	two[2 * len] = 0x1f;
	ck_assert_int_eq(read_file(two, 2 * len, &cut), 0);
	size_t whole = model.samples.n;
	ck_assert_int_eq(read_file(two, 2 * len + 1, &cut), 0);
	ck_assert_uint_eq(model.samples.n, whole);
	char want[64];
	snprintf(want, sizeof want, "byte %zu (in the gzip stream)",
	         2 * len + 1);
	ck_assert_str_eq(cut.where, want);
	ck_assert_int_eq(read_file(two, 2 * len + 1, NULL), -1);
	ck_assert_str_eq(err, "truncated gzip stream");
	free(two);
	free(gz);
}
END_TEST

/* --- every cut of a real recording ------------------------------------- */

/* How many bytes zlib inflates from the first len bytes of a gzip file
 * (malloc'd in *out), as far as they go. */
static size_t inflate_prefix(const uint8_t *gz, size_t len, uint8_t **out)
{
	size_t capacity = 1 << 20, n = 0;
	*out = malloc(capacity);
	ck_assert_ptr_nonnull(*out);
	if (len < 2 || gz[0] != 0x1f || gz[1] != 0x8b)
		return 0;
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	z.next_out = *out;
	z.avail_out = (uInt)capacity;
	int rc = inflate(&z, Z_SYNC_FLUSH);
	ck_assert_msg(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR,
	              "zlib: %d", rc);
	n = capacity - z.avail_out;
	ck_assert_uint_lt(n, capacity);
	inflateEnd(&z);
	return n;
}

/* What reading the first n bytes of a plain recording must keep, for
 * every n. Text: the sample lines whole in them, counted here. MOJO: what
 * the strict reader reads from the longest prefix it accepts (one that
 * ends between events, after a whole sample); clean[n]: whether it
 * accepts n bytes. */
struct oracle {
	size_t *kept;
	int *clean;
};

static struct oracle oracle_of(const uint8_t *data, size_t len, int mojo)
{
	struct oracle o = {calloc(len + 1, sizeof *o.kept),
	                   calloc(len + 1, sizeof *o.clean)};
	ck_assert(o.kept && o.clean);
	o.clean[0] = 1;
	size_t lines = 0, line_start = 0;
	for (size_t n = 1; n <= len; n++) {
		if (!mojo) {
			if (data[n - 1] == '\n') {
				lines += data[line_start] == 'P';
				line_start = n;
			}
			o.kept[n] = lines;
			o.clean[n] = data[n - 1] == '\n';
			continue;
		}
		fresh_model();
		o.clean[n] = report_read_bytes(&model, data, n, NULL, err,
		                               sizeof err) == 0;
		o.kept[n] = o.clean[n] ? model.samples.n : o.kept[n - 1];
	}
	return o;
}

/* The model read from a cut holds the first samples of the whole, each
 * the same. */
static void assert_prefix_of(const char *whole, size_t at)
{
	char *got = model_text(&model, 0);
	ck_assert_msg(strncmp(got, whole, strlen(got)) == 0,
	              "cut at %zu: the samples are not the first of the whole",
	              at);
	free(got);
}

static void cut_everywhere(const char *name, int gzip, int mojo)
{
	char file[512];
	snprintf(file, sizeof file, "%s/%s", FIXTURES_DIR, name);
	size_t len;
	uint8_t *data = slurp(file, &len);
	ck_assert_int_eq(read_file(data, len, NULL), 0);
	char *whole = model_text(&model, 0);
	uint8_t *plain = data;
	size_t plain_len = gzip ? inflate_prefix(data, len, &plain) : len;
	struct oracle o = oracle_of(plain, plain_len, mojo);
	ck_assert_uint_eq(o.kept[plain_len], model.samples.n);

	/* Every offset of a small file; some thousand of a large one. */
	size_t step = len > 8192 ? (len / 1024) | 1 : 1, cuts = 0;
	for (size_t at = 0;; at = at + step < len ? at + step : len) {
		ck_assert_msg(read_file(data, at, &cut) == 0,
		              "%s cut at %zu: %s", name, at, err);
		size_t n = at;
		if (gzip) {
			uint8_t *inflated;
			n = inflate_prefix(data, at, &inflated);
			free(inflated);
		}
		ck_assert_msg(
		        model.samples.n == o.kept[n],
		        "%s cut at %zu: %zu samples, %zu whole ones before "
		        "the cut",
		        name, at, model.samples.n, o.kept[n]);
		int expect_cut = gzip ? at > 0 && at < len : !o.clean[n];
		ck_assert_msg(cut.cut == expect_cut, "%s cut at %zu: cut %d",
		              name, at, cut.cut);
		assert_prefix_of(whole, at);
		cuts++;
		if (at == len)
			break;
	}
	ck_assert_uint_gt(cuts, 1000);
	free(o.kept);
	free(o.clean);
	if (gzip)
		free(plain);
	free(whole);
	free(data);
}

static const struct {
	const char *name;
	int gzip, mojo;
} REAL[] = {
        {"recording-full.txt", 0, 0},
        {"recording-full.txt.gz", 1, 0},
        {"recording-full.mojo", 0, 1},
        {"recording-full.mojo.gz", 1, 1},
};

START_TEST(every_cut_of_a_real_recording_keeps_its_first_samples)
{
	cut_everywhere(REAL[_i].name, REAL[_i].gzip, REAL[_i].mojo);
}
END_TEST

Suite *read_cut_suite(void)
{
	Suite *s = suite_create("read_cut");
	TCase *t = tcase_create("salvage");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, a_last_line_without_newline_is_left_out);
	tcase_add_test(t, damage_before_the_end_stays_an_error);
	tcase_add_test(t, a_mojo_cut_keeps_the_whole_samples_before_it);
	tcase_add_test(t, a_full_sample_needs_its_memory_metric);
	tcase_add_test(t, mojo_damage_before_the_end_stays_an_error);
	tcase_add_test(t, a_cut_gzip_keeps_what_it_inflated);
	tcase_add_test(t, a_cut_between_gzip_members);
	tcase_add_loop_test(
	        t, every_cut_of_a_real_recording_keeps_its_first_samples, 0,
	        sizeof REAL / sizeof *REAL);
	suite_add_tcase(s, t);
	return s;
}
