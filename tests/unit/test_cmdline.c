/* Unit tests of the command line written as the "command" metadata.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <string.h>
#include <unistd.h>

#include "cmdline.h"

static const char *join(const char *const *args, size_t n, size_t len)
{
	static char buf[CMDLINE_MAX];
	ck_assert_uint_le(len, sizeof buf);
	memset(buf, 'x', sizeof buf);
	cmdline_join(args, n, buf, len);
	ck_assert_uint_lt(strlen(buf), len);
	return buf;
}

START_TEST(plain_words_stay_bare)
{
	const char *args[] = {"/usr/bin/python3", "-m", "app.main", "--n=5",
	                      "a,b:c@d%e+f"};
	ck_assert_str_eq(join(args, 5, CMDLINE_MAX),
	                 "/usr/bin/python3 -m app.main --n=5 a,b:c@d%e+f");
	ck_assert_str_eq(join(args, 0, CMDLINE_MAX), "");
}
END_TEST

/* What a shell would split or expand is quoted, so the line pastes back. */
START_TEST(others_are_quoted)
{
	const char *args[] = {"python", "my app.py", "", "it's", "$HOME", "*"};
	ck_assert_str_eq(join(args, 6, CMDLINE_MAX),
	                 "python 'my app.py' '' 'it'\\''s' '$HOME' '*'");
}
END_TEST

START_TEST(control_characters_become_question_marks)
{
	const char *args[] = {"python", "-c", "a\nb\tc\x7f"};
	ck_assert_str_eq(join(args, 3, CMDLINE_MAX), "python -c 'a?b?c?'");
}
END_TEST

/* A line too long for the buffer is cut and says so. */
START_TEST(long_lines_end_in_dots)
{
	const char *args[] = {"python", "0123456789"};
	ck_assert_str_eq(join(args, 2, 18), "python 0123456789");
	ck_assert_str_eq(join(args, 2, 17), "python 012345...");
	ck_assert_str_eq(join(args, 2, 12), "python 0...");
	ck_assert_str_eq(join(args, 2, 5), "p...");
}
END_TEST

START_TEST(own_command_line)
{
	char line[CMDLINE_MAX];
	ck_assert_int_eq(cmdline_of(getpid(), line, sizeof line), 0);
	ck_assert_ptr_nonnull(strstr(line, "check_austinc"));
	ck_assert_int_eq(cmdline_of(0, line, sizeof line), -1);
}
END_TEST

Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, plain_words_stay_bare);
	tcase_add_test(tc, others_are_quoted);
	tcase_add_test(tc, control_characters_become_question_marks);
	tcase_add_test(tc, long_lines_end_in_dots);
	tcase_add_test(tc, own_command_line);
	suite_add_tcase(s, tc);
	return s;
}
