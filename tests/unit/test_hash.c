/* The mixer and the hash of bytes: every bit and byte counts.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <string.h>

#include "hash.h"
#include "suites.h"

/* Flipping any one input bit flips about half the output bits. */
START_TEST(mix_avalanches)
{
	uint64_t x = 0x0123456789abcdefull;
	for (int bit = 0; bit < 64; bit++) {
		uint64_t flipped = hash_mix(x) ^ hash_mix(x ^ (1ull << bit));
		int changed = __builtin_popcountll(flipped);
		ck_assert_msg(changed >= 16 && changed <= 48,
		              "bit %d changes %d bits", bit, changed);
	}
}
END_TEST

START_TEST(mix_of_small_numbers_differs)
{
	/* A bijection: no two of these collide, nor in their low bits
	 * (an index uses those) more than chance allows. */
	enum { N = 4096 };
	static unsigned char seen[N];
	memset(seen, 0, sizeof seen);
	int collisions = 0;
	for (uint64_t i = 0; i < N; i++) {
		ck_assert_uint_ne(hash_mix(i), hash_mix(i + N));
		collisions += seen[hash_mix(i) % N]++ != 0;
	}
	/* About N/e of N balls in N bins land in a taken one. */
	ck_assert_int_lt(collisions, N / 2);
}
END_TEST

/* Every byte of every length, the tail's included, changes the hash. */
START_TEST(every_byte_counts)
{
	unsigned char data[24];
	for (size_t len = 1; len <= sizeof data; len++) {
		memset(data, 'a', sizeof data);
		uint64_t h = hash_bytes(0, data, len);
		for (size_t i = 0; i < len; i++) {
			data[i] ^= 1;
			ck_assert_uint_ne(hash_bytes(0, data, len), h);
			data[i] ^= 1;
		}
		ck_assert_uint_eq(hash_bytes(0, data, len), h);
	}
}
END_TEST

START_TEST(length_and_seed_count)
{
	/* Zero bytes past the end would otherwise hash the same. */
	ck_assert_uint_ne(hash_bytes(0, "a", 1), hash_bytes(0, "a\0", 2));
	ck_assert_uint_ne(hash_bytes(0, "", 0), hash_bytes(0, "\0", 1));
	ck_assert_uint_ne(hash_bytes(1, "abc", 3), hash_bytes(2, "abc", 3));
	ck_assert_uint_eq(hash_bytes(7, "abcdefghij", 10),
	                  hash_bytes(7, "abcdefghij", 10));
}
END_TEST

Suite *hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("hash");
	tcase_add_test(tc, mix_avalanches);
	tcase_add_test(tc, mix_of_small_numbers_differs);
	tcase_add_test(tc, every_byte_counts);
	tcase_add_test(tc, length_and_seed_count);
	suite_add_tcase(s, tc);
	return s;
}
