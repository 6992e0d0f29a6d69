/* austinc-report --html: the JSON document the page embeds, on small
 * profiles built through the model's API, and what keeps it inside its
 * <script> element.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/profile.h"
#include "report/views.h"
#include "suites.h"

#define DATA_OPEN "<script type=\"application/json\" id=\"data\">"

/* --- building profiles ------------------------------------------------- */

static uint32_t frame(struct profile *p, const char *file, const char *name,
                      int line)
{
	uint32_t f = profile_frame(p, profile_string(p, file, strlen(file)),
	                           profile_string(p, name, strlen(name)), line,
	                           FRAME_PYTHON);
	ck_assert_uint_ne(f, UINT32_MAX);
	return f;
}

static uint32_t stack(struct profile *p, int64_t tid, uint32_t depth,
                      const uint32_t *frames)
{
	uint32_t s =
	        profile_stack(p, profile_thread(p, 42, 0, tid), frames, depth);
	ck_assert_uint_ne(s, UINT32_MAX);
	return s;
}

static void sample(struct profile *p, uint32_t stack_id, uint64_t at_us,
                   uint64_t time, uint32_t idle, int64_t memory)
{
	struct profile_sample s = {.stack = stack_id,
	                           .idle = idle,
	                           .time = time,
	                           .memory = memory,
	                           .at_us = at_us};
	ck_assert_int_eq(profile_add_sample(p, &s), 0);
}

static void point(struct profile *p, const char *name, int64_t pid,
                  uint64_t t_us, double value)
{
	uint32_t s = profile_series(p, name, pid);
	ck_assert_uint_ne(s, UINT32_MAX);
	ck_assert_int_eq(profile_series_add(p, s, t_us, value), 0);
}

static void meta(struct profile *p, const char *key, const char *value)
{
	ck_assert_int_eq(profile_set_meta(p, key, value), 0);
}

/* A -f recording with --system: two periods, two threads, a function
 * named "</script>", a library frame and an invalid one. */
static void tiny(struct profile *p)
{
	profile_init(p);
	meta(p, "mode", "full");
	meta(p, "python", "3.11.2");
	meta(p, "duration", "300000us");
	meta(p, "samples", "4 (errors: 1, saturated: 0, stacks: 4)");
	uint32_t module = frame(p, "app.py", "<module>", 1);
	uint32_t script = frame(p, "app.py", "</script>", 5);
	uint32_t dumps =
	        frame(p, "/usr/lib/python3.11/json/encoder.py", "dumps", 10);
	uint32_t empty = profile_string(p, "", 0);
	uint32_t invalid = profile_frame(p, empty, empty, 0, FRAME_INVALID);
	uint32_t s0 = stack(p, 7, 2, (uint32_t[]){module, script});
	uint32_t s1 = stack(p, 7, 2, (uint32_t[]){module, dumps});
	uint32_t s2 = stack(p, 8, 1, (uint32_t[]){invalid});
	sample(p, s0, 0, 100, 0, 4096);
	sample(p, s0, 0, 100, 1, 0);
	sample(p, s1, 100000, 50, 0, -8192);
	sample(p, s2, 100000, 30, 1, 0);
	p->period_us = 100000;
	point(p, "rss", 42, 0, 1000);
	point(p, "rss", 42, 100000, 5000.5);
	point(p, "cores", 0, 100000, 2);
	point(p, "mem.total", 0, 100000, 8e9);
}

/* --- reading the page back ----------------------------------------------- */

typedef int (*view_fn)(const struct profile *, const struct view_options *,
                       FILE *);

static char *render(const struct profile *base, const struct profile *p,
                    enum profile_metric m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	struct view_options o = {.metric = m};
	int rc =
	        base ? view_diff_html(base, p, &o, out) : view_html(p, &o, out);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(ferror(out), 0);
	fclose(out);
	return text;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *s = strstr(text, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

/* The JSON document of a page (malloc'd). */
static char *data_of(const char *page)
{
	const char *start = strstr(page, DATA_OPEN);
	ck_assert_ptr_nonnull(start);
	start += strlen(DATA_OPEN);
	const char *end = strstr(start, "</script>");
	ck_assert_ptr_nonnull(end);
	return strndup(start, (size_t)(end - start));
}

/* Where the JSON value that starts at `at` ends. */
static const char *value_end(const char *at)
{
	if (*at != '[' && *at != '{' && *at != '"')
		return at + strcspn(at, ",]}");
	int depth = 0, in_string = 0;
	for (; *at; at++) {
		if (in_string) {
			if (*at == '\\')
				at++;
			else if (*at == '"')
				in_string = 0;
		} else if (*at == '"') {
			in_string = 1;
		} else if (*at == '[' || *at == '{') {
			depth++;
			continue;
		} else if (*at == ']' || *at == '}') {
			depth--;
		}
		if (depth == 0 && !in_string)
			return at + 1;
	}
	return at;
}

/* The text of the first member with that key, key and value:
 * '"series":[...]' (malloc'd). */
static char *member(const char *json, const char *key)
{
	char quoted[64];
	snprintf(quoted, sizeof quoted, "\"%s\":", key);
	const char *start = strstr(json, quoted);
	ck_assert_msg(start != NULL, "no member %s", key);
	const char *end = value_end(start + strlen(quoted));
	return strndup(start, (size_t)(end - start));
}

static void assert_member(const char *json, const char *key,
                          const char *expected)
{
	char *m = member(json, key);
	ck_assert_str_eq(m, expected);
	free(m);
}

/* --- the document ------------------------------------------------------ */

START_TEST(html_data_exact)
{
	struct profile p;
	tiny(&p);
	char *page = render(NULL, &p, METRIC_TIME);
	char *json = data_of(page);
	ck_assert_str_eq(
	        json,
	        "{\"format\":1,"
	        "\"summary\":{\"mode\":\"full\",\"command\":null,"
	        "\"python\":\"3.11.2\",\"duration_us\":300000,\"samples\":4,"
	        "\"errors\":1,\"peak_rss\":5000.5,\"cores\":2,"
	        "\"mem_total\":8000000000,\"threads\":2,\"processes\":1},"
	        "\"meta\":[[\"mode\",\"full\"],[\"python\",\"3.11.2\"],"
	        "[\"duration\",\"300000us\"],"
	        "[\"samples\",\"4 (errors: 1, saturated: 0, stacks: 4)\"]],"
	        "\"metrics\":[\"wall\",\"cpu\",\"memory+\",\"memory-\"],"
	        "\"metric\":\"wall\","
	        "\"strings\":[\"\\u003cmodule\\u003e\",\"app.py\","
	        "\"\\u003c/script\\u003e\",\"dumps\","
	        "\"/usr/lib/python3.11/json/encoder.py\",\":INVALID:\",\"\"],"
	        "\"frames\":[[0,1,1,0],[2,1,5,0],[3,4,10,1],[5,6,0,0]],"
	        "\"threads\":[[42,0,7],[42,0,8]],"
	        "\"stacks\":[[0,1],[0,2],[3]],\"stack_threads\":[0,0,1],"
	        "\"period\":100000,"
	        "\"buckets\":[[0,[0,200,100,4096,0]],"
	        "[100000,[1,50,50,0,8192,1,30,0,0,0]]],"
	        "\"series\":[{\"name\":\"rss\",\"pid\":42,\"t\":[0,100000],"
	        "\"v\":[1000,5000.5]},"
	        "{\"name\":\"cores\",\"pid\":0,\"t\":[100000],\"v\":[2]},"
	        "{\"name\":\"mem.total\",\"pid\":0,\"t\":[100000],"
	        "\"v\":[8000000000]}]}");
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* The metric asked for is the one the page opens with; the columns are
 * what the recording has, whatever was asked. */
START_TEST(html_opens_with_the_metric_asked_for)
{
	struct profile p;
	tiny(&p);
	char *page = render(NULL, &p, METRIC_MEMORY_UP);
	char *json = data_of(page);
	assert_member(json, "metric", "\"metric\":\"memory+\"");
	assert_member(json, "metrics",
	              "\"metrics\":[\"wall\",\"cpu\",\"memory+\",\"memory-\"]");
	free(json);
	free(page);
	profile_free(&p);

	/* A -s recording: CPU time only, and "time" means it. */
	profile_init(&p);
	meta(&p, "mode", "cpu");
	uint32_t f = frame(&p, "app.py", "f", 1);
	sample(&p, stack(&p, 1, 1, &f), 0, 10, 0, 0);
	page = render(NULL, &p, METRIC_TIME);
	json = data_of(page);
	assert_member(json, "metric", "\"metric\":\"cpu\"");
	assert_member(json, "metrics", "\"metrics\":[\"cpu\"]");
	assert_member(json, "buckets", "\"buckets\":[[0,[0,10]]]");
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* Without --system: one bucket, no period, no series, the peak RSS from
 * the footer's metadata. */
START_TEST(html_without_system_one_bucket)
{
	struct profile p;
	profile_init(&p);
	meta(&p, "mode", "memory");
	meta(&p, "rss", "6893568B at start, 23166976B peak, 15122432B at end");
	uint32_t f = frame(&p, "app.py", "grow", 3);
	uint32_t s = stack(&p, 1, 1, &f);
	sample(&p, s, 0, 0, 0, 4096);
	sample(&p, s, 0, 0, 0, -4096);
	sample(&p, s, 0, 0, 0, 8192);
	char *page = render(NULL, &p, METRIC_MEMORY_UP);
	char *json = data_of(page);
	assert_member(json, "period", "\"period\":0");
	assert_member(json, "buckets", "\"buckets\":[[0,[0,12288,4096]]]");
	assert_member(json, "series", "\"series\":[]");
	assert_member(json, "metrics", "\"metrics\":[\"memory+\",\"memory-\"]");
	assert_member(json, "peak_rss", "\"peak_rss\":23166976");
	assert_member(json, "duration_us", "\"duration_us\":null");
	assert_member(json, "errors", "\"errors\":null");
	/* No samples line: the samples counted. */
	assert_member(json, "samples", "\"samples\":3");
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* Many periods are merged in runs, so that there are at most a thousand
 * buckets; nothing is lost. */
START_TEST(html_merges_periods_beyond_a_thousand)
{
	struct profile p;
	profile_init(&p);
	meta(&p, "mode", "wall");
	uint32_t f = frame(&p, "app.py", "f", 1);
	uint32_t s = stack(&p, 1, 1, &f);
	for (uint64_t i = 0; i < 2500; i++)
		sample(&p, s, i * 1000, 1, 0, 0);
	p.period_us = 1000;
	char *page = render(NULL, &p, METRIC_TIME);
	char *json = data_of(page);
	assert_member(json, "period", "\"period\":3000");
	char *buckets = member(json, "buckets");
	/* 2500 periods in runs of 3: 834 buckets, the last holding one. */
	ck_assert_uint_eq(count(buckets, ",[0,"), 834);
	ck_assert_uint_eq(count(buckets, ",[0,3]]"), 833);
	ck_assert_ptr_nonnull(strstr(buckets, "[0,[0,3]],[3000,[0,3]],"));
	ck_assert_ptr_nonnull(strstr(buckets, ",[2499000,[0,1]]]"));
	free(buckets);
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* Entries beyond 2000000 numbers (here 400000 entries of a stack and four
 * values) halve the buckets until they fit; the stacks of a bucket ascend,
 * each written as its step from the one before. */
START_TEST(html_entries_within_budget)
{
	struct profile p;
	profile_init(&p);
	meta(&p, "mode", "full");
	enum { STACKS = 401, PERIODS = 1000 };
	uint32_t stacks[STACKS];
	for (uint32_t i = 0; i < STACKS; i++) {
		uint32_t f = frame(&p, "app.py", "f", (int)i + 1);
		stacks[i] = stack(&p, 1, 1, &f);
	}
	for (uint64_t j = 0; j < PERIODS; j++)
		for (uint32_t i = 0; i < STACKS; i++)
			sample(&p, stacks[i], j * 1000, 1, 0, 0);
	p.period_us = 1000;
	char *page = render(NULL, &p, METRIC_TIME);
	char *json = data_of(page);
	/* 1000 x 401 entries of 5 numbers are too many; 500 x 401 are not. */
	assert_member(json, "period", "\"period\":2000");
	char *buckets = member(json, "buckets");
	char one[STACKS * 16 + 32];
	int n = snprintf(one, sizeof one, "[2000,[0,2,2,0,0");
	for (uint32_t i = 1; i < STACKS; i++)
		n += snprintf(one + n, sizeof one - (size_t)n, ",1,2,2,0,0");
	snprintf(one + n, sizeof one - (size_t)n, "]]");
	ck_assert_ptr_nonnull(strstr(buckets, one));
	ck_assert_uint_eq(count(buckets, ",[0,2,2,0,0,1,2,2,0,0,"),
	                  PERIODS / 2);
	ck_assert_ptr_nonnull(strstr(buckets, ",[998000,[0,2,2,0,0,1,"));
	free(buckets);
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* A long series keeps at most 2000 points: means of runs of points. */
START_TEST(html_thins_long_series)
{
	struct profile p;
	profile_init(&p);
	for (uint64_t i = 0; i < 5000; i++)
		point(&p, "rss", 7, i * 10, (double)i);
	char *page = render(NULL, &p, METRIC_TIME);
	char *json = data_of(page);
	char *series = member(json, "series");
	/* Runs of 3: 1667 points, the last the mean of 4998 and 4999. */
	ck_assert_ptr_nonnull(strstr(series, "\"t\":[0,30,60,"));
	ck_assert_ptr_nonnull(strstr(series, ",49980],\"v\":[1,4,7,"));
	ck_assert_ptr_nonnull(strstr(series, ",4996,4998.5]}]"));
	ck_assert_uint_eq(count(series, ","), 2 * 1667 - 2 + 3);
	assert_member(json, "peak_rss", "\"peak_rss\":4999");
	free(series);
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* Two processes' RSS add up at each time into the peak. */
START_TEST(html_peak_rss_of_all_processes)
{
	struct profile p;
	profile_init(&p);
	point(&p, "rss", 10, 0, 100);
	point(&p, "rss", 10, 200, 300);
	point(&p, "rss", 11, 100, 250);
	point(&p, "rss", 11, 200, 50);
	point(&p, "rss", 0, 100, 1e9); /* not a process's */
	char *page = render(NULL, &p, METRIC_TIME);
	char *json = data_of(page);
	/* t=100: 100 + 250; t=200: 300 + 50. */
	assert_member(json, "peak_rss", "\"peak_rss\":350");
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

/* --- staying inside the script element ----------------------------------- */

START_TEST(html_names_cannot_end_the_script_element)
{
	struct profile p;
	profile_init(&p);
	meta(&p, "mode", "wall");
	meta(&p, "command", "python app.py </title><b>");
	uint32_t evil =
	        frame(&p, "<!--x.py", "</script><script>alert(1)</script>", 1);
	uint32_t odd = frame(&p, "a\"b\\c.py", "bad\xff\x01name", 2);
	sample(&p, stack(&p, 1, 2, (uint32_t[]){evil, odd}), 0, 5, 0, 0);
	char *page = render(NULL, &p, METRIC_TIME);
	/* The data and the script: one end tag each, nothing else. */
	ck_assert_uint_eq(count(page, "</script"), 2);
	ck_assert_uint_eq(count(page, "<script"), 2);
	char *json = data_of(page);
	ck_assert_ptr_null(strchr(json, '<'));
	ck_assert_ptr_null(strchr(json, '>'));
	assert_member(json, "strings",
	              "\"strings\":[\"\\u003c/script\\u003e\\u003cscript"
	              "\\u003ealert(1)\\u003c/script\\u003e\","
	              "\"\\u003c!--x.py\",\"bad\\ufffd\\u0001name\","
	              "\"a\\\"b\\\\c.py\"]");
	assert_member(json, "command",
	              "\"command\":\"python app.py \\u003c/title\\u003e"
	              "\\u003cb\\u003e\"");
	/* The title and the heading are HTML text. */
	ck_assert_uint_eq(count(page, "python app.py &lt;/title&gt;&lt;b&gt;"),
	                  2);
	free(json);
	free(page);
	profile_free(&p);
}
END_TEST

START_TEST(html_page_is_whole)
{
	struct profile p;
	tiny(&p);
	char *page = render(NULL, &p, METRIC_TIME);
	ck_assert_ptr_eq(strstr(page, "<!DOCTYPE html>"), page);
	ck_assert_ptr_nonnull(strstr(page, "</html>\n"));
	/* Every marker filled in; nothing to fetch (the one address is
	 * SVG's namespace, which is a name). */
	const char *markers[] = {"@TITLE@", "@HEADING@", "@STYLE@", "@DATA@",
	                         "@SCRIPT@"};
	for (size_t i = 0; i < sizeof markers / sizeof *markers; i++)
		ck_assert_ptr_null(strstr(page, markers[i]));
	ck_assert_uint_eq(count(page, "http"),
	                  count(page, "\"http://www.w3.org/2000/svg\""));
	ck_assert_ptr_null(strstr(page, "src="));
	ck_assert_ptr_null(strstr(page, "href="));
	ck_assert_ptr_null(strstr(page, "@import"));
	ck_assert_ptr_nonnull(strstr(page, "<title>austinc report: Python "
	                                   "3.11.2</title>"));
	free(page);
	profile_free(&p);
}
END_TEST

/* --- diff ---------------------------------------------------------------- */

START_TEST(html_diff_shares_the_frame_table)
{
	struct profile p, base;
	tiny(&p);
	profile_init(&base);
	uint32_t module = frame(&base, "app.py", "<module>", 1);
	uint32_t old = frame(&base, "app.py", "old", 3);
	uint32_t b0 = stack(&base, 1, 2, (uint32_t[]){module, old});
	uint32_t b1 = stack(&base, 1, 1, &module);
	sample(&base, b0, 0, 70, 0, 0);
	sample(&base, b1, 0, 30, 0, 0);
	sample(&base, b0, 0, 5, 0, 0);
	char *page = render(&base, &p, METRIC_TIME);
	ck_assert_ptr_nonnull(strstr(page, "<title>austinc diff: "));
	char *json = data_of(page);
	/* NEW's frames first, then the base's own: "<module>" is shared. */
	assert_member(json, "strings",
	              "\"strings\":[\"\\u003cmodule\\u003e\",\"app.py\","
	              "\"\\u003c/script\\u003e\",\"dumps\","
	              "\"/usr/lib/python3.11/json/encoder.py\",\":INVALID:\","
	              "\"\",\"old\"]");
	assert_member(json, "frames",
	              "\"frames\":[[0,1,1,0],[2,1,5,0],[3,4,10,1],[5,6,0,0],"
	              "[7,1,3,0]]");
	char *base_json = member(json, "base");
	ck_assert_str_eq(base_json,
	                 "\"base\":{\"format\":1,\"metrics\":[\"wall\"],"
	                 "\"summary\":{\"mode\":\"wall\",\"command\":null,"
	                 "\"python\":null,\"duration_us\":null,\"samples\":3,"
	                 "\"errors\":null,\"peak_rss\":null,\"cores\":null,"
	                 "\"mem_total\":null,\"threads\":1,\"processes\":1},"
	                 "\"stacks\":[[0,4],[0]],\"entries\":[0,75,1,30]}");
	free(base_json);
	free(json);
	free(page);
	profile_free(&base);
	profile_free(&p);
}
END_TEST

Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *data = tcase_create("data");
	/* Some tests build profiles of 400000 samples: on a loaded machine
	 * that takes more than check's default 4 seconds. */
	tcase_set_timeout(data, 60);
	tcase_add_test(data, html_data_exact);
	tcase_add_test(data, html_opens_with_the_metric_asked_for);
	tcase_add_test(data, html_without_system_one_bucket);
	tcase_add_test(data, html_merges_periods_beyond_a_thousand);
	tcase_add_test(data, html_entries_within_budget);
	tcase_add_test(data, html_thins_long_series);
	tcase_add_test(data, html_peak_rss_of_all_processes);
	suite_add_tcase(s, data);
	TCase *page = tcase_create("page");
	tcase_add_test(page, html_names_cannot_end_the_script_element);
	tcase_add_test(page, html_page_is_whole);
	tcase_add_test(page, html_diff_shares_the_frame_table);
	suite_add_tcase(s, page);
	return s;
}
