/* Unit tests of the layout tables and the _Py_DebugOffsets reader.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Exposes, through suites.h:
 *     Suite *layout_suite(void);
 * FIXTURES_DIR (a string) names the directory of debug_offsets_3_13.bin,
 * written by scripts/capture-debug-offsets. */
#include "python/layout.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name the unit-test fixture directory"
#endif

/* Byte offsets of a few members of the 3.13 block, for corrupting it. */
#define OFF_VERSION       8
#define OFF_FREE_THREADED 16
#define OFF_INTERP_HEAD   40
#define OFF_INTERP_NEXT   64
#define OFF_FRAME_OWNER   264

static uint8_t fixture[4096];
static size_t fixture_len;

static void load_fixture(void)
{
	FILE *f = fopen(FIXTURES_DIR "/debug_offsets_3_13.bin", "rb");

	ck_assert_msg(f != NULL, "cannot open %s",
	              FIXTURES_DIR "/debug_offsets_3_13.bin");
	fixture_len = fread(fixture, 1, sizeof fixture, f);
	fclose(f);
	ck_assert_uint_eq(fixture_len, LAYOUT_DEBUG_OFFSETS_SIZE);
}

static void put_u64(uint8_t *blob, size_t off, uint64_t v)
{
	memcpy(blob + off, &v, sizeof v);
}

START_TEST(test_versions)
{
	static const struct {
		unsigned minor;
		enum frame_model model;
		enum line_format lines;
	} want[] = {
	        {8, FRAME_OBJECTS, LINES_LNOTAB},
	        {9, FRAME_OBJECTS, LINES_LNOTAB},
	        {10, FRAME_OBJECTS, LINES_LINETABLE310},
	        {11, FRAME_CFRAME, LINES_LOCATIONS},
	        {12, FRAME_CFRAME, LINES_LOCATIONS},
	        {13, FRAME_DIRECT, LINES_LOCATIONS},
	};

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct py_layout *l =
		        layout_for_version(3, want[i].minor);

		ck_assert_ptr_nonnull(l);
		ck_assert_uint_eq(l->major, 3);
		ck_assert_uint_eq(l->minor, want[i].minor);
		ck_assert_int_eq(l->frame_model, want[i].model);
		ck_assert_int_eq(l->line_format, want[i].lines);
	}
	ck_assert_ptr_null(layout_for_version(3, 7));
	ck_assert_ptr_null(layout_for_version(3, 14));
	ck_assert_ptr_null(layout_for_version(2, 7));
	ck_assert_ptr_null(layout_for_version(4, 13));
}
END_TEST

/* Fields a version lacks are LAYOUT_NONE; fields it has are not. */
START_TEST(test_missing_fields)
{
	for (unsigned minor = 8; minor <= 13; minor++) {
		const struct py_layout *l = layout_for_version(3, minor);
		int has_chunks = minor >= 11;
		int has_cframe = minor == 11 || minor == 12;

		ck_assert_ptr_nonnull(l);
		ck_assert_int_eq(l->runtime.gil_holder != LAYOUT_NONE,
		                 minor <= 11);
		ck_assert_int_eq(l->runtime.gc_collecting != LAYOUT_NONE,
		                 minor == 8);
		ck_assert_int_eq(l->interp.gil != LAYOUT_NONE, minor >= 12);
		ck_assert_int_eq(l->gil.last_holder != LAYOUT_NONE,
		                 minor >= 12);
		ck_assert_int_eq(l->interp.gc_collecting != LAYOUT_NONE,
		                 minor >= 9);
		ck_assert_int_eq(l->tstate.native_thread_id != LAYOUT_NONE,
		                 has_chunks);
		ck_assert_int_eq(l->tstate.datastack_chunk != LAYOUT_NONE,
		                 has_chunks);
		ck_assert_int_eq(l->tstate.datastack_top != LAYOUT_NONE,
		                 has_chunks);
		ck_assert_int_eq(l->chunk.size != LAYOUT_NONE, has_chunks);
		ck_assert_int_eq(l->cframe.current_frame != LAYOUT_NONE,
		                 has_cframe);
		ck_assert_int_eq(l->frame.owner != LAYOUT_NONE, minor >= 11);
		ck_assert_int_eq(l->frame.owner_cstack, minor >= 12 ? 3 : -1);
		ck_assert_int_eq(l->code.qualname != LAYOUT_NONE, minor >= 11);
		ck_assert_int_eq(l->code.code_adaptive != LAYOUT_NONE,
		                 minor >= 11);
		ck_assert_uint_ne(l->code.linetable, LAYOUT_NONE);
		ck_assert_uint_le(l->unicode.state + 4, l->unicode.ascii_size);
		ck_assert_uint_gt(l->unicode.compact_size,
		                  l->unicode.ascii_size);
	}
}
END_TEST

START_TEST(test_fixture_matches_table)
{
	const struct py_layout *t = layout_for_version(3, 13);
	struct py_layout d;

	load_fixture();
	ck_assert_int_eq(layout_from_debug_offsets(fixture, fixture_len, &d),
	                 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(d.major, 3);
	ck_assert_uint_eq(d.minor, 13);
	ck_assert_int_eq(d.frame_model, FRAME_DIRECT);
	ck_assert_int_eq(d.line_format, LINES_LOCATIONS);

	/* Carried by the block. */
	ck_assert_uint_eq(d.runtime.size, t->runtime.size);
	ck_assert_uint_eq(d.runtime.interp_head, t->runtime.interp_head);
	ck_assert_uint_eq(d.interp.size, t->interp.size);
	ck_assert_uint_eq(d.interp.next, t->interp.next);
	ck_assert_uint_eq(d.interp.tstate_head, t->interp.tstate_head);
	ck_assert_uint_eq(d.interp.id, t->interp.id);
	ck_assert_uint_eq(d.interp.gil, t->interp.gil);
	ck_assert_uint_eq(d.interp.gc_collecting, t->interp.gc_collecting);
	ck_assert_uint_eq(d.gil.last_holder, t->gil.last_holder);
	ck_assert_uint_eq(d.tstate.size, t->tstate.size);
	ck_assert_uint_eq(d.tstate.next, t->tstate.next);
	ck_assert_uint_eq(d.tstate.interp, t->tstate.interp);
	ck_assert_uint_eq(d.tstate.frame, t->tstate.frame);
	ck_assert_uint_eq(d.tstate.thread_id, t->tstate.thread_id);
	ck_assert_uint_eq(d.tstate.native_thread_id,
	                  t->tstate.native_thread_id);
	ck_assert_uint_eq(d.tstate.datastack_chunk, t->tstate.datastack_chunk);
	ck_assert_uint_eq(d.frame.size, t->frame.size);
	ck_assert_uint_eq(d.frame.previous, t->frame.previous);
	ck_assert_uint_eq(d.frame.code, t->frame.code);
	ck_assert_uint_eq(d.frame.lasti, t->frame.lasti);
	ck_assert_uint_eq(d.frame.owner, t->frame.owner);
	ck_assert_uint_eq(d.code.size, t->code.size);
	ck_assert_uint_eq(d.code.filename, t->code.filename);
	ck_assert_uint_eq(d.code.name, t->code.name);
	ck_assert_uint_eq(d.code.qualname, t->code.qualname);
	ck_assert_uint_eq(d.code.firstlineno, t->code.firstlineno);
	ck_assert_uint_eq(d.code.linetable, t->code.linetable);
	ck_assert_uint_eq(d.code.code_adaptive, t->code.code_adaptive);
	ck_assert_uint_eq(d.bytes.ob_size, t->bytes.ob_size);
	ck_assert_uint_eq(d.bytes.ob_sval, t->bytes.ob_sval);
	ck_assert_uint_eq(d.unicode.length, t->unicode.length);
	ck_assert_uint_eq(d.unicode.state, t->unicode.state);
	ck_assert_uint_eq(d.unicode.ascii_size, t->unicode.ascii_size);
}
END_TEST

/* The fields the block lacks come from constants of the 3.13 ABI: they must
 * agree with what the headers said. */
START_TEST(test_fixture_constants_match_table)
{
	const struct py_layout *t = layout_for_version(3, 13);
	struct py_layout d;

	load_fixture();
	ck_assert_int_eq(layout_from_debug_offsets(fixture, fixture_len, &d),
	                 0);
	ck_assert_uint_eq(d.runtime.gil_holder, t->runtime.gil_holder);
	ck_assert_uint_eq(d.runtime.gc_collecting, t->runtime.gc_collecting);
	ck_assert_uint_eq(d.tstate.datastack_top, t->tstate.datastack_top);
	ck_assert_uint_eq(d.cframe.current_frame, t->cframe.current_frame);
	ck_assert_uint_eq(d.chunk.size, t->chunk.size);
	ck_assert_uint_eq(d.chunk.previous, t->chunk.previous);
	ck_assert_uint_eq(d.chunk.chunk_size, t->chunk.chunk_size);
	ck_assert_int_eq(d.frame.owner_cstack, t->frame.owner_cstack);
	ck_assert_uint_eq(d.unicode.compact_size, t->unicode.compact_size);
	ck_assert_uint_eq(d.unicode.kind_shift, t->unicode.kind_shift);
	ck_assert_uint_eq(d.unicode.compact_shift, t->unicode.compact_shift);
	ck_assert_uint_eq(d.unicode.ascii_shift, t->unicode.ascii_shift);
	/* Nothing left over: the whole struct agrees. */
	ck_assert_int_eq(memcmp(&d, t, sizeof d), 0);
}
END_TEST

START_TEST(test_truncated_rejected)
{
	struct py_layout d, before;

	load_fixture();
	memset(&d, 0xaa, sizeof d);
	before = d;
	ck_assert_int_eq(
	        layout_from_debug_offsets(fixture, fixture_len - 1, &d), -1);
	ck_assert_int_eq(layout_from_debug_offsets(fixture, 16, &d), -1);
	ck_assert_int_eq(layout_from_debug_offsets(fixture, 0, &d), -1);
	ck_assert_int_eq(layout_from_debug_offsets(NULL, fixture_len, &d), -1);
	ck_assert_int_eq(memcmp(&d, &before, sizeof d), 0);
}
END_TEST

START_TEST(test_bad_cookie_rejected)
{
	uint8_t blob[LAYOUT_DEBUG_OFFSETS_SIZE];
	struct py_layout d, before;

	load_fixture();
	memset(&d, 0x55, sizeof d);
	before = d;
	memcpy(blob, fixture, sizeof blob);
	blob[0] = 'X';
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);
	memcpy(blob, fixture, sizeof blob);
	blob[7] = '\0';
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);
	ck_assert_int_eq(memcmp(&d, &before, sizeof d), 0);
}
END_TEST

/* Only 3.13 blocks are read: 3.14 moved members inside the struct. */
START_TEST(test_other_versions_rejected)
{
	uint8_t blob[LAYOUT_DEBUG_OFFSETS_SIZE];
	struct py_layout d;

	load_fixture();
	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_VERSION, 0x030e00f0); /* 3.14.0 */
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);
	put_u64(blob, OFF_VERSION, 0x030c01f0); /* 3.12.1 */
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);
	put_u64(blob, OFF_VERSION, 0x040d00f0); /* 4.13 */
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);
	put_u64(blob, OFF_VERSION, 0x030d05f0); /* 3.13.5: same ABI */
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), 0);
	ck_assert_uint_eq(d.minor, 13);
}
END_TEST

START_TEST(test_implausible_rejected)
{
	uint8_t blob[LAYOUT_DEBUG_OFFSETS_SIZE];
	struct py_layout d;

	load_fixture();
	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_INTERP_HEAD, 2u << 20);
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);

	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_INTERP_HEAD, UINT64_MAX - 4);
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);

	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_INTERP_NEXT, 3); /* misaligned pointer */
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);

	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_FRAME_OWNER, 4096); /* past the frame */
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);

	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_FREE_THREADED, 2);
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), -1);

	/* A free-threaded block is fine. */
	memcpy(blob, fixture, sizeof blob);
	put_u64(blob, OFF_FREE_THREADED, 1);
	ck_assert_int_eq(layout_from_debug_offsets(blob, sizeof blob, &d), 0);
}
END_TEST

/* Random values after a valid header never crash the reader, and whatever
 * it accepts stays inside the bounds it promises. */
START_TEST(test_random_blobs)
{
	uint8_t blob[LAYOUT_DEBUG_OFFSETS_SIZE + 8];
	uint64_t x = 0x9e3779b97f4a7c15u;
	struct py_layout d;

	load_fixture();
	for (int round = 0; round < 2000; round++) {
		memcpy(blob, fixture, LAYOUT_DEBUG_OFFSETS_SIZE);
		for (int k = 0; k < 4; k++) {
			size_t at;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			at = 24 + (x % (LAYOUT_DEBUG_OFFSETS_SIZE - 24));
			blob[at] = (uint8_t)(x >> 32);
		}
		if (layout_from_debug_offsets(blob, sizeof blob, &d) == 0) {
			ck_assert_uint_le(d.runtime.interp_head + 8,
			                  d.runtime.size);
			ck_assert_uint_le(d.tstate.datastack_top + 8,
			                  d.tstate.size);
			ck_assert_uint_le(d.frame.owner + 1, d.frame.size);
			ck_assert_uint_le(d.code.qualname + 8, d.code.size);
			ck_assert_uint_le(d.unicode.state + 4,
			                  d.unicode.ascii_size);
		}
	}
}
END_TEST

Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tables = tcase_create("tables");
	TCase *debug = tcase_create("debug_offsets");

	tcase_add_test(tables, test_versions);
	tcase_add_test(tables, test_missing_fields);
	suite_add_tcase(s, tables);

	tcase_add_test(debug, test_fixture_matches_table);
	tcase_add_test(debug, test_fixture_constants_match_table);
	tcase_add_test(debug, test_truncated_rejected);
	tcase_add_test(debug, test_bad_cookie_rejected);
	tcase_add_test(debug, test_other_versions_rejected);
	tcase_add_test(debug, test_implausible_rejected);
	tcase_add_test(debug, test_random_blobs);
	suite_add_tcase(s, debug);
	return s;
}
