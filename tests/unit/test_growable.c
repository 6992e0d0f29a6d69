/* Growing arrays: doubling, contents kept, overflow refused.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdint.h>

#include "growable.h"
#include "suites.h"

START_TEST(doubles_from_the_first_room)
{
	int *items = NULL;
	size_t capacity = 0;
	ck_assert_int_eq(
	        grow_array((void **)&items, &capacity, 1, sizeof *items), 0);
	ck_assert_uint_eq(capacity, GROW_FIRST);
	ck_assert_int_eq(grow_array((void **)&items, &capacity, GROW_FIRST,
	                            sizeof *items),
	                 0);
	ck_assert_uint_eq(capacity, GROW_FIRST);
	ck_assert_int_eq(grow_array((void **)&items, &capacity, GROW_FIRST + 1,
	                            sizeof *items),
	                 0);
	ck_assert_uint_eq(capacity, 2 * GROW_FIRST);
	/* A need past twice the room: doubled until it holds it. */
	ck_assert_int_eq(grow_array((void **)&items, &capacity, 9 * GROW_FIRST,
	                            sizeof *items),
	                 0);
	ck_assert_uint_eq(capacity, 16 * GROW_FIRST);
	free(items);
}
END_TEST

START_TEST(keeps_the_items)
{
	uint32_t *items = NULL;
	size_t capacity = 0;
	for (uint32_t n = 0; n < 100000; n++) {
		ck_assert_int_eq(grow_array((void **)&items, &capacity, n + 1,
		                            sizeof *items),
		                 0);
		items[n] = n * 2654435761u;
	}
	for (uint32_t n = 0; n < 100000; n++)
		ck_assert_uint_eq(items[n], n * 2654435761u);
	free(items);
}
END_TEST

START_TEST(refuses_sizes_past_the_address_space)
{
	char one = 'x';
	char *items = malloc(1);
	items[0] = one;
	size_t capacity = 1;
	/* The byte count, and the doubling, would overflow. */
	ck_assert_int_eq(
	        grow_array((void **)&items, &capacity, SIZE_MAX / 8, 16), -1);
	ck_assert_int_eq(
	        grow_array((void **)&items, &capacity, SIZE_MAX / 2 + 2, 1),
	        -1);
	ck_assert_int_eq(resize_array((void **)&items, &capacity, SIZE_MAX, 2),
	                 -1);
	/* Left as it was. */
	ck_assert_uint_eq(capacity, 1);
	ck_assert_int_eq(items[0], one);
	free(items);
}
END_TEST

START_TEST(resizes_exactly)
{
	char *bytes = NULL;
	size_t capacity = 0;
	ck_assert_int_eq(resize_array((void **)&bytes, &capacity, 1000, 1), 0);
	ck_assert_uint_eq(capacity, 1000);
	bytes[999] = 'z';
	ck_assert_int_eq(resize_array((void **)&bytes, &capacity, 1001, 1), 0);
	ck_assert_uint_eq(capacity, 1001);
	ck_assert_int_eq(bytes[999], 'z');
	free(bytes);
}
END_TEST

Suite *growable_suite(void)
{
	Suite *s = suite_create("growable");
	TCase *tc = tcase_create("growable");
	/* 100,000 checked items: seconds under AddressSanitizer. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, doubles_from_the_first_room);
	tcase_add_test(tc, keeps_the_items);
	tcase_add_test(tc, refuses_sizes_past_the_address_space);
	tcase_add_test(tc, resizes_exactly);
	suite_add_tcase(s, tc);
	return s;
}
