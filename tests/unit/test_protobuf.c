/* The Protocol Buffers writer: bytes as the wire format lays them out.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <string.h>

#include "report/protobuf.h"
#include "suites.h"

static void assert_bytes(const struct pb *b, const uint8_t *want, size_t n)
{
	ck_assert_int_eq(b->failed, 0);
	ck_assert_uint_eq(b->n, n);
	ck_assert_mem_eq(b->data, want, n);
}

/* protobuf's own examples: field 1 = 150 is 08 96 01; a string "testing"
 * in field 2 is 12 07 74 65 73 74 69 6e 67. */
START_TEST(varints_and_strings_as_the_documentation_shows)
{
	struct pb b = {0};
	pb_uint(&b, 1, 150);
	pb_bytes(&b, 2, "testing", 7);
	const uint8_t want[] = {0x08, 0x96, 0x01, 0x12, 0x07, 't',
	                        'e',  's',  't',  'i',  'n',  'g'};
	assert_bytes(&b, want, sizeof want);
	pb_clear(&b);
	pb_uint(&b, 3, 0);
	pb_uint(&b, 16, UINT64_MAX); /* a two-byte key, a ten-byte varint */
	const uint8_t wide[] = {0x18, 0x00, 0x80, 0x01, 0xff, 0xff, 0xff,
	                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	assert_bytes(&b, wide, sizeof wide);
	pb_free(&b);
}
END_TEST

/* int64 -1 is the ten-byte varint of its two's complement. */
START_TEST(negative_int64_takes_ten_bytes)
{
	struct pb b = {0};
	pb_int(&b, 1, -1);
	const uint8_t want[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
	                        0xff, 0xff, 0xff, 0xff, 0x01};
	assert_bytes(&b, want, sizeof want);
	pb_free(&b);
}
END_TEST

/* Packed repeated values (protobuf's example: field 4 = 3, 270, 86942 is
 * 22 06 03 8e 02 9e a7 05) inside a nested message. */
START_TEST(packed_values_in_a_nested_message)
{
	struct pb outer = {0}, inner = {0}, scratch = {0};
	const uint64_t values[] = {3, 270, 86942};
	pb_packed(&inner, &scratch, 4, values, 3);
	pb_packed(&inner, &scratch, 5, values, 0); /* nothing */
	pb_message(&outer, 2, &inner);
	const uint8_t want[] = {0x12, 0x08, 0x22, 0x06, 0x03,
	                        0x8e, 0x02, 0x9e, 0xa7, 0x05};
	assert_bytes(&outer, want, sizeof want);
	pb_free(&outer);
	pb_free(&inner);
	pb_free(&scratch);
}
END_TEST

/* A nested message that ran out of memory fails the one it goes into. */
START_TEST(failure_carries_into_the_outer_message)
{
	struct pb outer = {0}, inner = {0};
	inner.failed = 1;
	pb_uint(&inner, 1, 1);
	ck_assert_uint_eq(inner.n, 0);
	pb_message(&outer, 1, &inner);
	ck_assert_int_eq(outer.failed, 1);
	pb_free(&outer);
	pb_free(&inner);
}
END_TEST

Suite *protobuf_suite(void)
{
	Suite *s = suite_create("protobuf");
	TCase *tc = tcase_create("wire");
	tcase_add_test(tc, varints_and_strings_as_the_documentation_shows);
	tcase_add_test(tc, negative_int64_takes_ten_bytes);
	tcase_add_test(tc, packed_values_in_a_nested_message);
	tcase_add_test(tc, failure_carries_into_the_outer_message);
	suite_add_tcase(s, tc);
	return s;
}
