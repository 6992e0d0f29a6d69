/* The index from keys to ids: collisions, wrapping, growth.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "idindex.h"
#include "suites.h"

/* A table of strings, with a hash the test picks. */
struct table {
	const char **items;
	uint32_t n;
	uint64_t (*hash)(const char *s);
	size_t compared; /* calls of table_same */
};

static int table_same(const void *table, uint32_t id, const void *key)
{
	struct table *t = (struct table *)table;
	t->compared++;
	return strcmp(t->items[id], key) == 0;
}

/* The id of s, added when new. */
static uint32_t intern(struct idindex *x, struct table *t, const char *s)
{
	size_t slot;
	uint32_t id =
	        idindex_lookup(x, t->n, t->hash(s), table_same, t, s, &slot);
	if (id == IDINDEX_NONE) {
		ck_assert_uint_ne(slot, IDINDEX_NO_ROOM);
		id = t->n++;
		t->items[id] = s;
		idindex_set(x, slot, id);
	}
	return id;
}

static uint64_t full_hash(const char *s)
{
	return hash_bytes(0, s, strlen(s));
}

/* Weak hashes: every key in one chain, or one chain per length. */
static uint64_t zero_hash(const char *s)
{
	(void)s;
	return 0;
}

static uint64_t length_hash(const char *s)
{
	return strlen(s);
}

/* Hashes that differ only past the bits the index keeps. */
static uint64_t high_bits_hash(const char *s)
{
	return full_hash(s) << 32;
}

/* The last slot of the first index: chains wrap around to slot 0. */
static uint64_t last_slot_hash(const char *s)
{
	(void)s;
	return 255;
}

static char **numbered_keys(size_t n)
{
	char **keys = malloc(n * sizeof *keys);
	for (size_t i = 0; i < n; i++) {
		keys[i] = malloc(16);
		snprintf(keys[i], 16, "k%zu", i);
	}
	return keys;
}

static void free_keys(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Keys interned in order get ids in order, and find them again after any
 * number of growths; the index stays at most half full. */
static void check_keys(uint64_t (*hash)(const char *), size_t n)
{
	char **keys = numbered_keys(n);
	struct table t = {malloc(n * sizeof *t.items), 0, hash, 0};
	struct idindex x = {0};
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(intern(&x, &t, keys[i]), i);
		ck_assert_uint_le(2 * t.n, x.capacity);
		ck_assert_uint_eq(x.capacity & (x.capacity - 1), 0);
	}
	for (size_t i = 0; i < n; i++) {
		char copy[16];
		strcpy(copy, keys[i]); /* found by contents, not address */
		ck_assert_uint_eq(intern(&x, &t, copy), i);
	}
	ck_assert_uint_eq(t.n, n);
	idindex_free(&x);
	ck_assert_ptr_null(x.slots);
	free(t.items);
	free_keys(keys, n);
}

START_TEST(many_keys_across_growths)
{
	check_keys(full_hash, 100000);
}
END_TEST

START_TEST(every_key_colliding)
{
	check_keys(zero_hash, 2000);
}
END_TEST

START_TEST(keys_of_a_length_colliding)
{
	check_keys(length_hash, 5000);
}
END_TEST

START_TEST(keys_differing_in_high_hash_bits)
{
	check_keys(high_bits_hash, 3000);
}
END_TEST

START_TEST(chains_wrap_around)
{
	check_keys(last_slot_hash, 100);
}
END_TEST

/* Equal hashes, different keys: the comparison tells them apart. */
START_TEST(equal_hashes_distinct_strings)
{
	const char *items[4];
	struct table t = {items, 0, length_hash, 0};
	struct idindex x = {0};
	ck_assert_uint_eq(intern(&x, &t, "ab"), 0);
	ck_assert_uint_eq(intern(&x, &t, "ba"), 1);
	ck_assert_uint_eq(intern(&x, &t, "b"), 2);
	ck_assert_uint_eq(intern(&x, &t, "ba"), 1);
	ck_assert_uint_eq(intern(&x, &t, "ab"), 0);
	ck_assert_uint_eq(intern(&x, &t, "b"), 2);
	ck_assert_uint_eq(t.n, 3);
	idindex_free(&x);
}
END_TEST

START_TEST(empty_index_finds_nothing)
{
	const char *items[1] = {NULL};
	struct table t = {items, 0, full_hash, 0};
	struct idindex x = {0};
	size_t slot;
	ck_assert_uint_eq(idindex_lookup(&x, 0, full_hash("a"), table_same, &t,
	                                 "a", &slot),
	                  IDINDEX_NONE);
	ck_assert_uint_lt(slot, x.capacity);
	ck_assert_uint_eq(t.compared, 0);
	idindex_free(&x);
}
END_TEST

/* Keys whose hashes differ are not compared: a full hash of numbered keys
 * asks about as many comparisons as there are lookups that find. */
START_TEST(compares_only_matching_hashes)
{
	enum { N = 10000 };
	char **keys = numbered_keys(N);
	struct table t = {malloc(N * sizeof *t.items), 0, full_hash, 0};
	struct idindex x = {0};
	for (size_t i = 0; i < N; i++)
		intern(&x, &t, keys[i]);
	ck_assert_uint_lt(t.compared, 10);
	t.compared = 0;
	for (size_t i = 0; i < N; i++)
		intern(&x, &t, keys[i]);
	ck_assert_uint_lt(t.compared, N + 10);
	idindex_free(&x);
	free(t.items);
	free_keys(keys, N);
}
END_TEST

Suite *idindex_suite(void)
{
	Suite *s = suite_create("idindex");
	TCase *tc = tcase_create("idindex");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, many_keys_across_growths);
	tcase_add_test(tc, every_key_colliding);
	tcase_add_test(tc, keys_of_a_length_colliding);
	tcase_add_test(tc, keys_differing_in_high_hash_bits);
	tcase_add_test(tc, chains_wrap_around);
	tcase_add_test(tc, equal_hashes_distinct_strings);
	tcase_add_test(tc, empty_index_finds_nothing);
	tcase_add_test(tc, compares_only_matching_hashes);
	suite_add_tcase(s, tc);
	return s;
}
