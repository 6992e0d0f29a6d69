/* Decimal numbers: digits, where they end, overflow.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <string.h>

#include "decimal.h"
#include "suites.h"

/* The number at text[at] (*end: where it ended), or -1. */
static int parse(const char *text, size_t at, size_t *end, uint64_t *value)
{
	*end = at;
	return decimal_parse(text, strlen(text), end, value);
}

START_TEST(parses_digits_up_to_the_first_other)
{
	size_t end;
	uint64_t v = 0;
	ck_assert_int_eq(parse("0", 0, &end, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(end, 1);
	ck_assert_int_eq(parse("12345 6", 0, &end, &v), 0);
	ck_assert_uint_eq(v, 12345);
	ck_assert_uint_eq(end, 5);
	ck_assert_int_eq(parse("ab 0042x", 3, &end, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_uint_eq(end, 7);
	ck_assert_int_eq(parse("18446744073709551615", 0, &end, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(stops_at_the_length)
{
	size_t at = 0;
	uint64_t v = 0;
	ck_assert_int_eq(decimal_parse("12345", 3, &at, &v), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_uint_eq(at, 3);
	ck_assert_int_eq(decimal_parse("12345", 3, &at, &v), -1);
}
END_TEST

START_TEST(refuses_no_digits_and_overflow)
{
	size_t end;
	uint64_t v = 7;
	const char *bad[] = {"",
	                     " 1",
	                     "-1",
	                     "+1",
	                     "x",
	                     "/",
	                     ":",
	                     "18446744073709551616",
	                     "99999999999999999999",
	                     "184467440737095516150"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(parse(bad[i], 0, &end, &v) == -1, "%s", bad[i]);
		ck_assert_uint_eq(end, 0); /* not moved */
	}
	ck_assert_uint_eq(v, 7); /* not written */
}
END_TEST

Suite *decimal_suite(void)
{
	Suite *s = suite_create("decimal");
	TCase *tc = tcase_create("decimal");
	tcase_add_test(tc, parses_digits_up_to_the_first_other);
	tcase_add_test(tc, stops_at_the_length);
	tcase_add_test(tc, refuses_no_digits_and_overflow);
	suite_add_tcase(s, tc);
	return s;
}
