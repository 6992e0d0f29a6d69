/* The one log: its lines, its levels.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "suites.h"

static FILE *stream;

static void to_file(void)
{
	stream = tmpfile();
	ck_assert_ptr_nonnull(stream);
	log_init("austinc");
	log_to_stream(stream);
	log_set_level(LOG_LEVEL_NOTE);
}

static void back_to_stderr(void)
{
	log_to_stream(NULL);
	log_set_level(LOG_LEVEL_NOTE);
	fclose(stream);
}

/* Everything logged so far. */
static const char *logged(void)
{
	static char text[1024];
	fflush(stream);
	rewind(stream);
	size_t n = fread(text, 1, sizeof text - 1, stream);
	text[n] = '\0';
	return text;
}

START_TEST(one_line_per_message_with_its_level)
{
	log_error("no such process: %d", 42);
	log_warning("CPython %u.%u is newer", 3u, 16u);
	log_note("leaving out %s", "process 7");
	ck_assert_str_eq(logged(), "austinc: no such process: 42\n"
	                           "austinc: warning: CPython 3.16 is newer\n"
	                           "austinc: note: leaving out process 7\n");
}
END_TEST

START_TEST(debug_is_quiet_by_default)
{
	log_debug("tick %d", 1);
	ck_assert_str_eq(logged(), "");
	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("tick %d", 2);
	ck_assert_str_eq(logged(), "austinc: debug: tick 2\n");
}
END_TEST

START_TEST(a_level_drops_what_is_less_severe)
{
	log_set_level(LOG_LEVEL_ERROR);
	log_warning("dropped");
	log_note("dropped");
	log_error("kept");
	ck_assert_str_eq(logged(), "austinc: kept\n");
}
END_TEST

START_TEST(the_program_names_each_line)
{
	log_init("austinc-report");
	log_error("cannot open %s", "p.txt");
	log_init("austinc");
	ck_assert_str_eq(logged(), "austinc-report: cannot open p.txt\n");
}
END_TEST

Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, to_file, back_to_stderr);
	tcase_add_test(tc, one_line_per_message_with_its_level);
	tcase_add_test(tc, debug_is_quiet_by_default);
	tcase_add_test(tc, a_level_drops_what_is_less_severe);
	tcase_add_test(tc, the_program_names_each_line);
	suite_add_tcase(s, tc);
	return s;
}
