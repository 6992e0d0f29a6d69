/* Well-formed UTF-8: every lead byte, against a decoder by code point.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdint.h>

#include "suites.h"
#include "utf8.h"

/* The rules as code points: what a sequence of len bytes decodes to must
 * need len bytes, be no surrogate and be at most U+10FFFF. */
static size_t reference_length(const unsigned char *s, size_t n)
{
	static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len = s[0] < 0x80   ? 1
	             : s[0] < 0xC0 ? 0
	             : s[0] < 0xE0 ? 2
	             : s[0] < 0xF0 ? 3
	             : s[0] < 0xF8 ? 4
	                           : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t cp = s[0] & (0xFFu >> (len + 1));
	if (len == 1)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < smallest[len] || (cp >= 0xD800 && cp <= 0xDFFF) ||
	    cp > 0x10FFFF)
		return 0;
	return len;
}

START_TEST(known_sequences)
{
	ck_assert_uint_eq(utf8_sequence("a", 1), 1);
	ck_assert_uint_eq(utf8_sequence("\xc3\xa9", 2), 2);
	ck_assert_uint_eq(utf8_sequence("\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(utf8_sequence("\xef\xbf\xbf", 3), 3); /* U+FFFF */
	ck_assert_uint_eq(utf8_sequence("\xf0\x9f\x98\x80", 4), 4);
	ck_assert_uint_eq(utf8_sequence("\xf4\x8f\xbf\xbf", 4), 4);
	/* Only the sequence at s counts, not what follows it. */
	ck_assert_uint_eq(utf8_sequence("\xc3\xa9\xff", 3), 2);
}
END_TEST

START_TEST(refuses_malformed)
{
	ck_assert_uint_eq(utf8_sequence("", 0), 0);
	ck_assert_uint_eq(utf8_sequence("\x80", 1), 0);     /* continuation */
	ck_assert_uint_eq(utf8_sequence("\xc3\xa9", 1), 0); /* cut short */
	ck_assert_uint_eq(utf8_sequence("\xf0\x9f\x98", 3), 0);
	ck_assert_uint_eq(utf8_sequence("\xe2\x82x", 3), 0);
	ck_assert_uint_eq(utf8_sequence("\xc0\xaf", 2), 0);     /* overlong */
	ck_assert_uint_eq(utf8_sequence("\xc1\xbf", 2), 0);     /* overlong */
	ck_assert_uint_eq(utf8_sequence("\xe0\x80\xaf", 3), 0); /* overlong */
	ck_assert_uint_eq(utf8_sequence("\xe0\x9f\xbf", 3), 0); /* overlong */
	ck_assert_uint_eq(utf8_sequence("\xf0\x8f\xbf\xbf", 4), 0);
	ck_assert_uint_eq(utf8_sequence("\xed\xa0\x80", 3), 0); /* surrogate */
	ck_assert_uint_eq(utf8_sequence("\xed\xbf\xbf", 3), 0);
	ck_assert_uint_eq(utf8_sequence("\xf4\x90\x80\x80", 4), 0); /* > max */
	ck_assert_uint_eq(utf8_sequence("\xf5\x80\x80\x80", 4), 0);
	ck_assert_uint_eq(utf8_sequence("\xff", 1), 0);
}
END_TEST

/* Every sequence of up to three bytes. */
START_TEST(agrees_with_code_points_up_to_three_bytes)
{
	unsigned char s[3];
	for (uint32_t v = 0; v < 1u << 24; v++) {
		s[0] = (unsigned char)(v >> 16);
		s[1] = (unsigned char)(v >> 8);
		s[2] = (unsigned char)v;
		for (size_t n = 1; n <= 3; n++)
			if (utf8_sequence((const char *)s, n) !=
			    reference_length(s, n))
				ck_abort_msg("%02x %02x %02x (%zu bytes)", s[0],
				             s[1], s[2], n);
	}
}
END_TEST

/* Four-byte leads with every second byte, the others at the edges of the
 * continuation range and just past them. */
START_TEST(agrees_with_code_points_at_four_bytes)
{
	static const unsigned char edges[] = {0x7F, 0x80, 0xBF, 0xC0};
	unsigned char s[4];
	for (unsigned lead = 0xF0; lead <= 0xFF; lead++)
		for (unsigned second = 0; second <= 0xFF; second++)
			for (size_t k = 0; k < 16; k++) {
				s[0] = (unsigned char)lead;
				s[1] = (unsigned char)second;
				s[2] = edges[k % 4];
				s[3] = edges[k / 4];
				ck_assert_uint_eq(
				        utf8_sequence((const char *)s, 4),
				        reference_length(s, 4));
			}
}
END_TEST

Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");
	tcase_add_test(tc, known_sequences);
	tcase_add_test(tc, refuses_malformed);
	tcase_add_test(tc, agrees_with_code_points_up_to_three_bytes);
	tcase_add_test(tc, agrees_with_code_points_at_four_bytes);
	suite_add_tcase(s, tc);
	return s;
}
