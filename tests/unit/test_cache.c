/* The bounded two-choice cache.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdint.h>
#include <stdlib.h>

#include "cache.h"
#include "suites.h"

static void *value(uintptr_t v)
{
	return (void *)v;
}

START_TEST(stores_and_finds)
{
	struct cache *c = cache_new(64);
	ck_assert_ptr_null(cache_get(c, 0x1000));
	ck_assert_ptr_null(cache_put(c, 0x1000, value(1)));
	ck_assert_ptr_eq(cache_get(c, 0x1000), value(1));
	ck_assert_ptr_eq(cache_put(c, 0x1000, value(2)), value(1));
	ck_assert_ptr_eq(cache_get(c, 0x1000), value(2));
	ck_assert_uint_eq(cache_count(c), 1);
	cache_free(c, NULL);
}
END_TEST

START_TEST(stays_bounded_and_hands_back_evicted)
{
	struct cache *c = cache_new(100);
	size_t cap = cache_capacity(c);
	ck_assert_uint_eq(cap, 128);
	size_t evicted = 0;
	for (uintptr_t k = 1; k <= 10000; k++)
		evicted += cache_put(c, k * 16, value(k)) != NULL;
	ck_assert_uint_le(cache_count(c), cap);
	ck_assert_uint_eq(cache_count(c) + evicted, 10000);
	cache_free(c, NULL);
}
END_TEST

START_TEST(recently_used_survive)
{
	struct cache *c = cache_new(1024);
	/* Keep touching a hot key while streaming cold ones through. */
	cache_put(c, 0xabc0, value(0xdead));
	for (uintptr_t k = 1; k <= 5000; k++) {
		ck_assert_ptr_eq(cache_get(c, 0xabc0), value(0xdead));
		void *out = cache_put(c, 0x100000 + k * 8, value(k));
		ck_assert_ptr_ne(out, value(0xdead));
	}
	cache_free(c, NULL);
}
END_TEST

static int freed;

static void count_free(void *v)
{
	(void)v;
	freed++;
}

START_TEST(free_releases_every_value)
{
	struct cache *c = cache_new(32);
	for (uintptr_t k = 1; k <= 10; k++)
		cache_put(c, k, value(k));
	freed = 0;
	cache_free(c, count_free);
	ck_assert_int_eq(freed, 10);
}
END_TEST

Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");
	tcase_add_test(tc, stores_and_finds);
	tcase_add_test(tc, stays_bounded_and_hands_back_evicted);
	tcase_add_test(tc, recently_used_survive);
	tcase_add_test(tc, free_releases_every_value);
	suite_add_tcase(s, tc);
	return s;
}
