/* Unit tests of the search for a stripped runtime, on a fake address space:
 * a data area holding the runtime (and decoys), and a heap holding the
 * interpreters, threads, frames and code objects they point to.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <stdint.h>
#include <string.h>

#include "python/layout.h"
#include "python/scan.h"
#include "remote.h"

#define DATA      0x10000u
#define DATA_SIZE 0x2000u
#define HEAP      0x100000u
#define HEAP_SIZE 0x4000u

/* Heap objects, as offsets into the heap. */
enum {
	INTERP = 0x100,
	SUB_INTERP = 0x400,
	TSTATE = 0x800,
	SUB_TSTATE = 0xa00,
	FRAME = 0x1000,
	CODE = 0x1400,
	CODE_TYPE = 0x1800,
	TYPE_NAME = 0x1900,
	DICT = 0x2000,
};

static uint8_t data[DATA_SIZE], heap[HEAP_SIZE];
static struct remote remote;
static const struct scan_area area = {DATA, DATA_SIZE, DATA, DATA + DATA_SIZE};

static void put(uint8_t *mem, uint32_t at, uint64_t value)
{
	memcpy(mem + at, &value, sizeof value);
}

/* An interpreter at heap offset interp whose one thread runs a frame of a
 * code object (a type named "code"); its other fields point at a dict. */
static void put_interpreter(const struct py_layout *L, uint32_t interp,
                            uint32_t tstate, uint64_t next)
{
	put(heap, interp + L->interp.next, next);
	put(heap, interp + L->interp.tstate_head, HEAP + tstate);
	/* what sits where a thread keeps its frame: modules (2.7), a dict */
	put(heap, interp + L->tstate.frame, HEAP + DICT);
	if (L->interp.modules != LAYOUT_NONE)
		put(heap, interp + L->interp.modules, HEAP + DICT);
	put(heap, tstate + L->tstate.interp, HEAP + interp);
	put(heap, tstate + L->tstate.frame, HEAP + FRAME);
}

static void setup_heap(const struct py_layout *L)
{
	memset(data, 0, sizeof data);
	memset(heap, 0, sizeof heap);
	put_interpreter(L, INTERP, TSTATE, 0);
	put(heap, FRAME + L->frame.code, HEAP + CODE);
	put(heap, CODE + 8, HEAP + CODE_TYPE);
	put(heap, CODE_TYPE + 24, HEAP + TYPE_NAME);
	memcpy(heap + TYPE_NAME, "code", 5);
	static const struct fake_region regions[] = {
	        {DATA, DATA_SIZE, data},
	        {HEAP, HEAP_SIZE, heap},
	};
	remote_init_fake(&remote, regions, 2);
}

/* 2.7: a global pointing at the running thread comes first (like
 * _PyThreadState_Current), then interp_head, then autoInterpreterState. A
 * thread state's first words mirror an interpreter's, so only its frame
 * tells the decoy from interp_head. */
START_TEST(test_interp_head_among_decoys)
{
	const struct py_layout *L = layout_for_version(2, 7);
	setup_heap(L);
	put(data, 0x100, HEAP + TSTATE);
	put(data, 0x108, HEAP + INTERP);
	put(data, 0x110, HEAP + INTERP);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area), DATA + 0x108);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, HEAP + CODE_TYPE, &area),
	                  DATA + 0x108);
	/* A frame whose code is not of the code type: no thread, no match. */
	ck_assert_uint_eq(scan_for_runtime(&remote, L, HEAP + 8, &area), 0);
}
END_TEST

/* 2.7 starting up: no modules yet, no code running. The decoy's frame
 * check cannot tell it from interp_head (the interpreter's modules, where
 * the decoy looks for a frame, are NULL too), so neither is taken until
 * the interpreter has its modules. */
START_TEST(test_waits_for_initialised_interpreter)
{
	const struct py_layout *L = layout_for_version(2, 7);
	setup_heap(L);
	put(heap, INTERP + L->interp.modules, 0);
	put(heap, TSTATE + L->tstate.frame, 0);
	put(data, 0x100, HEAP + TSTATE);
	put(data, 0x108, HEAP + INTERP);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area), 0);
	put(heap, INTERP + L->interp.modules, HEAP + DICT);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area), DATA + 0x108);
}
END_TEST

/* With a sub-interpreter at the head of the list, the pointer to the head
 * wins over the one to the main interpreter, wherever it is. */
START_TEST(test_longest_list_wins)
{
	const struct py_layout *L = layout_for_version(3, 6);
	setup_heap(L);
	put_interpreter(L, SUB_INTERP, SUB_TSTATE, HEAP + INTERP);
	put(heap, SUB_TSTATE + L->tstate.frame, 0); /* not running */
	put(data, 0x100, HEAP + INTERP);
	put(data, 0x200, HEAP + SUB_INTERP);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area), DATA + 0x200);
}
END_TEST

/* 3.9: _PyRuntime holds interpreters.head and .main, then next_id. A lone
 * pointer to the interpreter is no runtime; nor is the runtime shifted by a
 * word (its main would be next_id). */
START_TEST(test_runtime_with_head_and_main)
{
	const struct py_layout *L = layout_for_version(3, 9);
	const uint32_t runtime = 0x400;
	setup_heap(L);
	put(data, 0x40, HEAP + INTERP);
	put(data, runtime + L->runtime.interp_head, HEAP + INTERP);
	put(data, runtime + L->runtime.interp_main, HEAP + INTERP);
	put(data, runtime + L->runtime.interp_main + 8, 1); /* next_id */
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area),
	                  DATA + runtime);
	/* A list that does not end at main is not this runtime's. */
	put(data, runtime + L->runtime.interp_main, HEAP + SUB_INTERP);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area), 0);
}
END_TEST

/* A runtime that does not fit in what is left of the area is not one. */
START_TEST(test_runtime_must_fit)
{
	const struct py_layout *L = layout_for_version(3, 12);
	const uint32_t runtime = DATA_SIZE - 64;
	ck_assert_uint_gt(L->runtime.size, 64);
	ck_assert_uint_lt(L->runtime.interp_main + 8, 64);
	setup_heap(L);
	put(data, runtime + L->runtime.interp_head, HEAP + INTERP);
	put(data, runtime + L->runtime.interp_main, HEAP + INTERP);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &area), 0);
}
END_TEST

START_TEST(test_debug_offsets_cookie)
{
	const struct py_layout *L = layout_for_version(3, 13);
	setup_heap(L);
	ck_assert_uint_eq(scan_for_debug_offsets(&remote, &area), 0);
	memcpy(data + 0x1c4, "xdebugpy", 8); /* not pointer-aligned */
	ck_assert_uint_eq(scan_for_debug_offsets(&remote, &area), 0);
	memcpy(data + 0x300, "xdebugpy", 8);
	ck_assert_uint_eq(scan_for_debug_offsets(&remote, &area), DATA + 0x300);
}
END_TEST

/* Nothing to read, or an area outside every mapping: nothing found. */
START_TEST(test_empty_or_unreadable_area)
{
	const struct py_layout *L = layout_for_version(2, 7);
	const struct scan_area empty = {DATA, 0, DATA, DATA};
	const struct scan_area unmapped = {0x900000, 0x1000, 0x900000,
	                                   0x901000};
	setup_heap(L);
	put(data, 0x108, HEAP + INTERP);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &empty), 0);
	ck_assert_uint_eq(scan_for_runtime(&remote, L, 0, &unmapped), 0);
	ck_assert_uint_eq(scan_for_debug_offsets(&remote, &unmapped), 0);
}
END_TEST

Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_interp_head_among_decoys);
	tcase_add_test(tc, test_waits_for_initialised_interpreter);
	tcase_add_test(tc, test_longest_list_wins);
	tcase_add_test(tc, test_runtime_with_head_and_main);
	tcase_add_test(tc, test_runtime_must_fit);
	tcase_add_test(tc, test_debug_offsets_cookie);
	tcase_add_test(tc, test_empty_or_unreadable_area);
	suite_add_tcase(s, tc);
	return s;
}
