/* The collapsed writer and the sink under it.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "emit/collapsed.h"
#include "emit/sink.h"
#include "suites.h"

static struct sink sink;
static char path[] = "/tmp/austinc-collapsed-XXXXXX";

static void open_temp(void)
{
	strcpy(path, "/tmp/austinc-collapsed-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sink_open(&sink, path, 0), 0);
}

/* Close the sink and return what it wrote (static buffer). */
static const char *written(void)
{
	static char text[32768];
	ck_assert_int_eq(sink_close(&sink), 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	return text;
}

/* A frame as a test builds it: from its pieces only... */
static struct frame piece_frame(const char *file, const char *name, int line)
{
	return (struct frame){.file = file,
	                      .name = name,
	                      .file_len = (uint32_t)strlen(file),
	                      .name_len = (uint32_t)strlen(name),
	                      .line = line};
}

/* ... or with the label "file:name:" that the code cache makes. */
static struct frame labelled_frame(const char *file, const char *name,
                                   const char *label, int line)
{
	struct frame f = piece_frame(file, name, line);
	f.label = label;
	ck_assert_uint_eq(frame_label_len(&f), strlen(label));
	return f;
}

START_TEST(sample_line_is_outermost_first)
{
	static struct stack st;
	st.depth = 3;
	st.frames[0] = labelled_frame("lib.py", "leaf", "lib.py:leaf:", 7);
	st.frames[1] = (struct frame){.kind = FRAME_INVALID};
	st.frames[2] = piece_frame("app.py", "<module>", 1);
	open_temp();
	collapsed_sample(
	        NULL, &sink, LINE_TIME,
	        &(struct sample){
	                .pid = 42, .tid = 4243, .stack = &st, .time_us = 105});
	ck_assert_str_eq(written(), "P42;T0:4243;app.py:<module>:1;:INVALID:;"
	                            "lib.py:leaf:7 105\n");
}
END_TEST

START_TEST(memory_and_full_metrics_and_gc_frame)
{
	static struct stack st;
	st.depth = 1;
	st.frames[0] = piece_frame("a.py", "grow", 3);
	struct sample sm = {.pid = 7,
	                    .tid = 8,
	                    .stack = &st,
	                    .time_us = 99,
	                    .idle = 1,
	                    .rss_delta = -4096};
	open_temp();
	collapsed_sample(NULL, &sink, LINE_MEMORY, &sm);
	collapsed_sample(NULL, &sink, LINE_FULL, &sm);
	sm.gc = 1;
	sm.idle = 0;
	sm.rss_delta = 8192;
	collapsed_sample(NULL, &sink, LINE_FULL, &sm);
	ck_assert_str_eq(written(), "P7;T0:8;a.py:grow:3 -4096\n"
	                            "P7;T0:8;a.py:grow:3 99,1,-4096\n"
	                            "P7;T0:8;a.py:grow:3;:GC: 99,0,8192\n");
}
END_TEST

/* Labelled or not, short or too long for the fast path, every line
 * number: the same text. */
START_TEST(labels_pieces_and_line_digits_agree)
{
	static struct stack st;
	static char file[5000];
	static char label[5010];
	memset(file, 'x', sizeof file - 1);
	snprintf(label, sizeof label, "%s:n:", file);
	const int lines[] = {0,    9,    10,    99,       100, 999,
	                     1000, 9999, 10000, 12345678, -1,  2147483647};
	size_t n_lines = sizeof lines / sizeof lines[0];
	st.depth = (uint32_t)(2 * n_lines + 2);
	for (size_t i = 0; i < n_lines; i++) {
		st.frames[2 * i] = piece_frame("a.py", "f", lines[i]);
		st.frames[2 * i + 1] =
		        labelled_frame("a.py", "f", "a.py:f:", lines[i]);
	}
	st.frames[2 * n_lines] = piece_frame(file, "n", 5);
	st.frames[2 * n_lines + 1] = labelled_frame(file, "n", label, 5);
	open_temp();
	collapsed_sample(NULL, &sink, LINE_TIME,
	                 &(struct sample){.pid = 1, .tid = 2, .stack = &st});
	const char *text = written();
	char want[16384];
	size_t at = (size_t)snprintf(want, sizeof want, "P1;T0:2");
	for (int k = 0; k < 2; k++)
		at += (size_t)snprintf(want + at, sizeof want - at, ";%s5",
		                       label);
	for (size_t i = n_lines; i > 0; i--)
		for (int k = 0; k < 2; k++)
			at += (size_t)snprintf(want + at, sizeof want - at,
			                       ";a.py:f:%d", lines[i - 1]);
	snprintf(want + at, sizeof want - at, " 0\n");
	ck_assert_str_eq(text, want);
}
END_TEST

START_TEST(empty_stack_has_only_process_and_thread)
{
	static struct stack st;
	st.depth = 0;
	open_temp();
	collapsed_sample(
	        NULL, &sink, LINE_TIME,
	        &(struct sample){.pid = 1, .iid = 2, .tid = 3, .stack = &st});
	ck_assert_str_eq(written(), "P1;T2:3 0\n");
}
END_TEST

START_TEST(metadata_never_looks_like_a_sample)
{
	open_temp();
	collapsed_metadata(&sink, "interval", "100us");
	collapsed_metadata(&sink, "python", "3.11.7 (shared)");
	collapsed_metadata(&sink, "careless", "took 12");
	const char *text = written();
	ck_assert_str_eq(text, "# interval: 100us\n"
	                       "# python: 3.11.7 (shared)\n"
	                       "# careless: took 12 (value)\n");
}
END_TEST

START_TEST(flamegraph_rule)
{
	ck_assert(collapsed_looks_like_sample("a;b;c 12\n"));
	ck_assert(collapsed_looks_like_sample("a 1.5"));
	ck_assert(!collapsed_looks_like_sample("# duration: 1234us"));
	ck_assert(!collapsed_looks_like_sample("# austinc: 0.1.0"));
	ck_assert(!collapsed_looks_like_sample("12"));
	ck_assert(!collapsed_looks_like_sample("a;b 12x"));
}
END_TEST

START_TEST(large_output_survives_buffer_flushes)
{
	static struct stack st;
	st.depth = 1;
	st.frames[0] = labelled_frame("f.py", "g", "f.py:g:", 1);
	open_temp();
	for (int i = 0; i < 10000; i++)
		collapsed_sample(NULL, &sink, LINE_TIME,
		                 &(struct sample){.pid = 1,
		                                  .tid = 1,
		                                  .stack = &st,
		                                  .time_us = (uint64_t)i});
	ck_assert_int_eq(sink_close(&sink), 0);
	FILE *f = fopen(path, "r");
	char line[64];
	int n = 0, ok = 1;
	while (fgets(line, sizeof line, f)) {
		char want[64];
		snprintf(want, sizeof want, "P1;T0:1;f.py:g:1 %d\n", n++);
		ok &= strcmp(line, want) == 0;
	}
	fclose(f);
	unlink(path);
	ck_assert(ok);
	ck_assert_int_eq(n, 10000);
}
END_TEST

START_TEST(write_error_is_sticky)
{
	ck_assert_int_eq(sink_open(&sink, "/dev/full", 0), 0);
	for (int i = 0; i < 20000; i++)
		sink_puts(&sink, "0123456789");
	sink_flush(&sink);
	ck_assert(sink_failed(&sink));
	ck_assert_int_ne(sink_close(&sink), 0);
}
END_TEST

START_TEST(integers_print_in_full)
{
	open_temp();
	sink_put_int(&sink, INT64_MIN);
	sink_putc(&sink, ' ');
	sink_put_uint(&sink, UINT64_MAX);
	sink_putc(&sink, ' ');
	sink_put_int(&sink, 0);
	ck_assert_str_eq(written(),
	                 "-9223372036854775808 18446744073709551615 0");
}
END_TEST

/* Every length of number, at both ends of it. */
START_TEST(format_uint_every_length)
{
	unsigned long long low = 1;
	for (int digits = 1; digits <= 20; digits++, low *= 10) {
		unsigned long long high =
		        digits == 20 ? UINT64_MAX : low * 10 - 1;
		unsigned long long values[] = {digits == 1 ? 0 : low, high};
		for (int k = 0; k < 2; k++) {
			char out[24], expected[24];
			memset(out, 'x', sizeof out);
			size_t n = format_uint(out, values[k]);
			snprintf(expected, sizeof expected, "%llu", values[k]);
			ck_assert_uint_eq(n, strlen(expected));
			ck_assert(memcmp(out, expected, n) == 0);
			ck_assert_int_eq(out[n], 'x'); /* nothing past it */
			long long negative = -(long long)(values[k] / 2);
			n = format_int(out, negative);
			snprintf(expected, sizeof expected, "%lld", negative);
			ck_assert_uint_eq(n, strlen(expected));
			ck_assert(memcmp(out, expected, n) == 0);
		}
	}
	char out[24];
	ck_assert_uint_eq(format_int(out, INT64_MIN), 20);
	ck_assert(memcmp(out, "-9223372036854775808", 20) == 0);
}
END_TEST

/* What a gzip sink wrote, inflated (static buffer). */
static const char *gunzipped(size_t *len)
{
	static char text[1 << 20];
	gzFile f = gzopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	int n = gzread(f, text, sizeof text - 1);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(gzclose(f), Z_OK);
	text[n] = '\0';
	*len = (size_t)n;
	return text;
}

START_TEST(gzip_sink_round_trips)
{
	strcpy(path, "/tmp/austinc-gzip-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sink_open(&sink, path, 1), 0);
	/* More than a buffer, so that deflate runs several times. */
	for (int i = 0; i < 20000; i++) {
		sink_puts(&sink, "line ");
		sink_put_int(&sink, i);
		sink_putc(&sink, '\n');
		if (i == 10)
			sink_sync(&sink);
	}
	ck_assert_int_eq(sink_close(&sink), 0);
	size_t len;
	const char *text = gunzipped(&len);
	ck_assert(strncmp(text, "line 0\nline 1\n", 14) == 0);
	ck_assert_ptr_nonnull(strstr(text, "\nline 19999\n"));
	ck_assert_uint_eq(len, 20000 * 6 + 10 * 1 + 90 * 2 + 900 * 3 +
	                               9000 * 4 + 10000 * 5);
	/* The file is one complete gzip stream: gzip -t agrees. */
	char command[128];
	snprintf(command, sizeof command, "gzip -t %s", path);
	ck_assert_int_eq(system(command), 0);
	unlink(path);
}
END_TEST

START_TEST(gzip_sink_reports_write_errors)
{
	ck_assert_int_eq(sink_open(&sink, "/dev/full", 1), 0);
	for (int i = 0; i < 100000; i++)
		sink_put_uint(&sink, (unsigned long long)i * 2654435761u);
	ck_assert_int_ne(sink_close(&sink), 0);
}
END_TEST

Suite *collapsed_suite(void)
{
	Suite *s = suite_create("collapsed");
	TCase *tc = tcase_create("writer");
	tcase_add_test(tc, sample_line_is_outermost_first);
	tcase_add_test(tc, labels_pieces_and_line_digits_agree);
	tcase_add_test(tc, format_uint_every_length);
	tcase_add_test(tc, memory_and_full_metrics_and_gc_frame);
	tcase_add_test(tc, empty_stack_has_only_process_and_thread);
	tcase_add_test(tc, metadata_never_looks_like_a_sample);
	tcase_add_test(tc, flamegraph_rule);
	tcase_add_test(tc, large_output_survives_buffer_flushes);
	tcase_add_test(tc, write_error_is_sticky);
	tcase_add_test(tc, integers_print_in_full);
	tcase_add_test(tc, gzip_sink_round_trips);
	tcase_add_test(tc, gzip_sink_reports_write_errors);
	suite_add_tcase(s, tc);
	return s;
}
