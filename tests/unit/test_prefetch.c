/* The read-ahead against a fake address space: one batch per tick, this
 * tick's bytes, plans that follow what was used, and regions that cannot be
 * read.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prefetch.h"
#include "remote.h"
#include "suites.h"

#define BASE  0x20000000ull
#define SIZE  (256 * 1024)
#define WORDS 40 /* more than the plan sorts by insertion */

static uint8_t memory[SIZE];
static struct fake_region region = {.addr = BASE, .data = memory};
static struct remote remote;
static struct prefetch pf;
static unsigned long calls;

static void setup(void)
{
	for (size_t i = 0; i < SIZE; i++)
		memory[i] = (uint8_t)(i * 7);
	region.len = SIZE;
	remote_init_fake(&remote, &region, 1);
	remote.fake_calls = &calls;
	calls = 0;
	ck_assert_int_eq(prefetch_init(&pf, &remote), 0);
}

static void teardown(void)
{
	prefetch_free(&pf);
}

/* Scattered addresses, far enough apart to be spans of their own, in an
 * order that is not the address order. */
static uint64_t word_addr(size_t i)
{
	return BASE + ((i * 37) % WORDS) * 4096 + 8 * i;
}

/* Read the first n words as a tick's walk would; 1 if all had their
 * current bytes. */
static int read_words(size_t n)
{
	int ok = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t addr = word_addr(i);
		const uint8_t *got = prefetch_read(&pf, addr, 16);
		ok &= got && memcmp(got, memory + (addr - BASE), 16) == 0;
	}
	return ok;
}

/* A few regions (sorted by insertion) and many (by qsort): the second tick
 * reads all of them in one batch, with its own bytes. */
START_TEST(planned_regions_are_read_in_one_batch)
{
	const size_t counts[] = {5, WORDS};
	for (size_t k = 0; k < 2; k++) {
		setup();
		size_t n = counts[k];
		prefetch_begin(&pf);
		ck_assert(read_words(n));
		ck_assert_uint_eq(calls, n); /* nothing planned yet */
		for (int tick = 0; tick < 3; tick++) {
			memory[word_addr(1) - BASE] ^= 0xff; /* changed since */
			calls = 0;
			prefetch_begin(&pf);
			ck_assert(read_words(n));
			ck_assert_uint_eq(calls, 1);
		}
		teardown();
	}
}
END_TEST

/* What a tick did not use is not read at the next; what it missed is. */
START_TEST(plan_follows_what_was_used)
{
	setup();
	prefetch_begin(&pf);
	ck_assert(read_words(WORDS));
	prefetch_begin(&pf);
	ck_assert(read_words(3)); /* the rest went unused */
	calls = 0;
	prefetch_begin(&pf);
	ck_assert_uint_eq(calls, 1);
	ck_assert(read_words(3));
	ck_assert_uint_eq(calls, 1);
	ck_assert(read_words(4)); /* the fourth: read alone... */
	ck_assert_uint_eq(calls, 2);
	calls = 0;
	prefetch_begin(&pf); /* ... and planned for the next tick */
	ck_assert(read_words(4));
	ck_assert_uint_eq(calls, 1);
	teardown();
}
END_TEST

/* A planned region that cannot be read any more fails alone. */
START_TEST(unreadable_region_fails_alone)
{
	setup();
	prefetch_begin(&pf);
	ck_assert(read_words(WORDS));
	region.len = word_addr(0) - BASE + 16; /* every other word is gone */
	prefetch_begin(&pf);
	for (size_t i = 0; i < WORDS; i++) {
		uint64_t addr = word_addr(i);
		const uint8_t *got = prefetch_read(&pf, addr, 16);
		if (addr + 16 <= BASE + region.len)
			ck_assert(got &&
			          memcmp(got, memory + (addr - BASE), 16) == 0);
		else
			ck_assert_ptr_null(got);
	}
	teardown();
}
END_TEST

/* A region that cannot be read is no sign of a process gone; a process
 * that has exited is, until the next tick. */
START_TEST(gone_is_told_from_unreadable)
{
	setup();
	ck_assert_ptr_null(prefetch_read(&pf, BASE + SIZE, 16));
	ck_assert_int_eq(prefetch_gone(&pf), 0);
	teardown();

	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	struct remote exited;
	remote_init(&exited, child);
	ck_assert_int_eq(prefetch_init(&pf, &exited), 0);
	prefetch_begin(&pf);
	ck_assert_ptr_null(prefetch_read(&pf, (uint64_t)(uintptr_t)memory, 16));
	ck_assert_int_eq(prefetch_gone(&pf), 1);
	prefetch_plan(&pf, (uint64_t)(uintptr_t)memory, 16);
	prefetch_begin(&pf); /* the batch finds it gone too */
	ck_assert_int_eq(prefetch_gone(&pf), 1);
	pf.remote = &remote;
	remote_init_fake(&remote, &region, 1);
	prefetch_begin(&pf);
	ck_assert_int_eq(prefetch_gone(&pf), 0);
	prefetch_free(&pf);
}
END_TEST

Suite *prefetch_suite(void)
{
	Suite *s = suite_create("prefetch");
	TCase *tc = tcase_create("read-ahead");
	tcase_add_test(tc, planned_regions_are_read_in_one_batch);
	tcase_add_test(tc, plan_follows_what_was_used);
	tcase_add_test(tc, unreadable_region_fails_alone);
	tcase_add_test(tc, gone_is_told_from_unreadable);
	suite_add_tcase(s, tc);
	return s;
}
