/* A followed service's records: "event" lines and MOJO events become the
 * model's marks (attach, detach; other kinds skipped, malformed ones named
 * by line or byte), and "started" the time sampling began.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/profile.h"
#include "report/read.h"
#include "report/read_event.h"
#include "suites.h"

#define HEADER "# austinc: 0.1.0\n# mode: wall\n"
#define SAMPLE "P42;T0:42;app.py:main:3 100\n"

static int read_text_of(struct profile *p, const char *text, char *err,
                        size_t err_len)
{
	profile_init(p);
	err[0] = '\0';
	return read_text(p, text, strlen(text), NULL, err, err_len);
}

/* A MOJO recording of metadata only: (key, value) pairs. */
static int read_mojo_of(struct profile *p, const char *const *pairs, size_t n,
                        char *err, size_t err_len)
{
	uint8_t data[1024];
	size_t len = 0;
	memcpy(data, "MOJ\x03", 4); /* the magic, version 3 */
	len = 4;
	for (size_t i = 0; i < n; i++) {
		data[len++] = 1; /* METADATA */
		for (int k = 0; k < 2; k++) {
			size_t l = strlen(pairs[2 * i + k]) + 1;
			ck_assert_uint_lt(len + l, sizeof data);
			memcpy(data + len, pairs[2 * i + k], l);
			len += l;
		}
	}
	profile_init(p);
	err[0] = '\0';
	return read_mojo(p, data, len, NULL, err, err_len);
}

static void assert_mark(const struct profile *p, size_t i,
                        enum profile_mark_kind kind, int64_t pid, uint64_t t_us,
                        const char *python)
{
	ck_assert_uint_gt(p->marks.n, i);
	const struct profile_mark *m = profile_mark_at(p, i);
	ck_assert_uint_eq(m->kind, kind);
	ck_assert_int_eq(m->pid, pid);
	ck_assert_uint_eq(m->t_us, t_us);
	ck_assert_str_eq(profile_str(p, m->python), python);
}

/* --- good events ---------------------------------------------------- */

START_TEST(text_events_become_marks)
{
	struct profile p;
	char err[256];
	const char *text =
	        HEADER "# event: attach pid=4242 t=1500000us python=CPython "
	               "3.11.2 (static runtime)\n" SAMPLE
	               "# event: detach pid=4242 t=2000000us\n"
	               "# event: attach pid=7 t=2500000us python=\n" SAMPLE;
	ck_assert_msg(read_text_of(&p, text, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(p.marks.n, 3);
	assert_mark(&p, 0, MARK_ATTACH, 4242, 1500000,
	            "CPython 3.11.2 (static runtime)");
	assert_mark(&p, 1, MARK_DETACH, 4242, 2000000, "");
	assert_mark(&p, 2, MARK_ATTACH, 7, 2500000, "");
	/* Events are no metadata, and the samples are all there. */
	ck_assert_ptr_null(profile_meta(&p, "event"));
	ck_assert_uint_eq(p.samples.n, 2);
	profile_free(&p);
}
END_TEST

START_TEST(mojo_events_become_marks)
{
	struct profile p;
	char err[256];
	const char *pairs[] = {
	        "mode",  "wall",
	        "event", "attach pid=4242 t=1500000us python=CPython 3.12.1",
	        "event", "detach pid=4242 t=2000000us",
	        "event", "resume pid=4242 t=3us",
	};
	ck_assert_msg(read_mojo_of(&p, pairs, 4, err, sizeof err) == 0, "%s",
	              err);
	ck_assert_uint_eq(p.marks.n, 2);
	assert_mark(&p, 0, MARK_ATTACH, 4242, 1500000, "CPython 3.12.1");
	assert_mark(&p, 1, MARK_DETACH, 4242, 2000000, "");
	profile_free(&p);
}
END_TEST

/* Kinds of later writers are skipped, whatever follows them. */
START_TEST(unknown_kinds_are_skipped)
{
	struct profile p;
	char err[256];
	const char *text = HEADER "# event: restart pid=1 t=5us\n"
	                          "# event: gc\n"
	                          "# event: attached pid=oops\n" SAMPLE;
	ck_assert_msg(read_text_of(&p, text, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(p.marks.n, 0);
	ck_assert_uint_eq(p.samples.n, 1);
	profile_free(&p);
}
END_TEST

/* --- malformed events ----------------------------------------------- */

static const char *const BAD_EVENTS[] = {
        "",
        " attach pid=5 t=1us python=x",
        "attach",
        "attach pid=5",
        "attach pid=5 t=1us",
        "attach pid=0 t=1us python=x",
        "attach pid=-5 t=1us python=x",
        "attach pid=5 t=1ms python=x",
        "attach pid=5 t=us python=x",
        "attach pid=5  t=1us python=x",
        "attach pid=5 t=1us CPython 3.12",
        "attach t=1us pid=5 python=x",
        "detach pid=5",
        "detach pid=5 t=1us extra",
        "detach pid=5 t=1us ",
        "detach pid=x t=1us",
};
#define BAD_COUNT (int)(sizeof BAD_EVENTS / sizeof *BAD_EVENTS)

START_TEST(malformed_event_is_named)
{
	struct profile p;
	char err[256], text[256];
	snprintf(text, sizeof text, HEADER SAMPLE "# event: %s\n" SAMPLE,
	         BAD_EVENTS[_i]);
	ck_assert_int_eq(read_text_of(&p, text, err, sizeof err), -1);
	ck_assert_msg(strncmp(err, "line 4: event record", 20) == 0, "'%s': %s",
	              BAD_EVENTS[_i], err);
	profile_free(&p);

	const char *pairs[] = {"mode", "wall", "event", BAD_EVENTS[_i]};
	ck_assert_int_eq(read_mojo_of(&p, pairs, 2, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "event record") &&
	                      strncmp(err, "byte ", 5) == 0,
	              "'%s': %s", BAD_EVENTS[_i], err);
	profile_free(&p);
}
END_TEST

/* --- started -------------------------------------------------------- */

START_TEST(started_is_parsed)
{
	static const struct {
		const char *text;
		int64_t us;
	} GOOD[] = {
	        {"1970-01-01T00:00:00.000000Z", 0},
	        {"2026-12-05T16:15:00.123456Z", 1796487300123456},
	        {"2000-02-29T23:59:59.999999Z", 951868799999999},
	        {"1969-12-31T23:59:59.000000Z", -1000000},
	};
	for (size_t i = 0; i < sizeof GOOD / sizeof *GOOD; i++) {
		int64_t us = 1;
		ck_assert_int_eq(
		        parse_started(GOOD[i].text, strlen(GOOD[i].text), &us),
		        0);
		ck_assert_int_eq(us, GOOD[i].us);
	}
}
END_TEST

START_TEST(malformed_started_is_refused)
{
	static const char *const BAD[] = {
	        "2001-02-29T00:00:00.000000Z", "2026-13-01T00:00:00.000000Z",
	        "2026-04-31T00:00:00.000000Z", "2026-12-05T24:00:00.000000Z",
	        "2026-12-05T16:60:00.000000Z", "2026-12-05 16:15:00.123456Z",
	        "2026-12-05T16:15:00.12345Z",  "2026-12-05T16:15:00.123456",
	        "2026-12-05T16:15:00Z",        "2026-12-05T16:15:00.123456+01",
	        "2026-1a-05T16:15:00.123456Z", "",
	};
	for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
		int64_t us;
		ck_assert_msg(parse_started(BAD[i], strlen(BAD[i]), &us) == -1,
		              "%s", BAD[i]);
	}
}
END_TEST

START_TEST(started_in_both_formats)
{
	struct profile p;
	char err[256];
	const char *text =
	        "# started: 2026-12-05T16:15:00.123456Z\n" HEADER SAMPLE;
	ck_assert_msg(read_text_of(&p, text, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(p.has_started, 1);
	ck_assert_int_eq(p.started_us, 1796487300123456);
	ck_assert_str_eq(profile_meta(&p, "started"),
	                 "2026-12-05T16:15:00.123456Z");
	profile_free(&p);

	const char *pairs[] = {"started", "2026-12-05T16:15:00.123456Z"};
	ck_assert_msg(read_mojo_of(&p, pairs, 1, err, sizeof err) == 0, "%s",
	              err);
	ck_assert_int_eq(p.has_started, 1);
	ck_assert_int_eq(p.started_us, 1796487300123456);
	profile_free(&p);

	ck_assert_int_eq(read_text_of(&p, HEADER SAMPLE, err, sizeof err), 0);
	ck_assert_int_eq(p.has_started, 0);
	profile_free(&p);

	ck_assert_int_eq(read_text_of(&p, HEADER "# started: yesterday\n", err,
	                              sizeof err),
	                 -1);
	ck_assert_msg(strstr(err, "line 3: started 'yesterday'"), "%s", err);
	profile_free(&p);
}
END_TEST

Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *events = tcase_create("events");
	tcase_add_test(events, text_events_become_marks);
	tcase_add_test(events, mojo_events_become_marks);
	tcase_add_test(events, unknown_kinds_are_skipped);
	tcase_add_loop_test(events, malformed_event_is_named, 0, BAD_COUNT);
	suite_add_tcase(s, events);
	TCase *started = tcase_create("started");
	tcase_add_test(started, started_is_parsed);
	tcase_add_test(started, malformed_started_is_refused);
	tcase_add_test(started, started_in_both_formats);
	suite_add_tcase(s, started);
	return s;
}
