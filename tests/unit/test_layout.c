/* Unit tests of the layout tables and the _Py_DebugOffsets reader.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Exposes, through suites.h:
 *     Suite *layout_suite(void);
 * FIXTURES_DIR (a string) names the directory of the debug_offsets_*.bin
 * blocks: 3.13 captured from the installed library by
 * scripts/capture-debug-offsets, the others written by
 * scripts/gen-debug-offsets-fixtures (3.13t from CPython's 3.13 headers;
 * 3.14, 3.14t and 3.16 synthesised member by member). */
#include "python/layout.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bitset.h"
#include "suites.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name the unit-test fixture directory"
#endif

/* Byte offset of the i-th uint64_t member after the 24-byte header. */
#define SLOT(i) (24 + 8 * (i))

/* Members of the 3.13 block, for corrupting it. */
#define OFF_VERSION       8
#define OFF_FREE_THREADED 16
#define OFF_INTERP_HEAD   SLOT(2)
#define OFF_INTERP_NEXT   SLOT(3 + 2)
#define OFF_FRAME_OWNER   SLOT(3 + 13 + 9 + 5)

/* Members of the 3.14 block: runtime_state has 3, interpreter_state 16,
 * thread_state 9, interpreter_frame 8, code_object 11. */
#define OFF314_TSTATE_SIZE SLOT(3 + 16)
#define OFF314_EXECUTABLE  SLOT(3 + 16 + 9 + 2)
#define OFF314_OWNER       SLOT(3 + 16 + 9 + 5)
#define OFF314_TLBC_INDEX  SLOT(3 + 16 + 9 + 7)
#define OFF314_OB_TYPE     SLOT(3 + 16 + 9 + 8 + 11 + 1)
/* ... then pyobject 2, type 4, tuple 3, list 3, set 4, dict 3, float 2,
 * long 3, bytes 3, unicode 4, gc 2. */
#define OFF314_GEN_SIZE                                                        \
	SLOT(3 + 16 + 9 + 8 + 11 + 2 + 4 + 3 + 3 + 4 + 3 + 2 + 3 + 3 + 4 + 2)
#define OFF314_GI_NAME (OFF314_GEN_SIZE + 8)

#define BLOCK_MAX 1024

static uint8_t fixture[BLOCK_MAX];
static size_t fixture_len;

/* Read tests/unit/fixtures/debug_offsets_<name>.bin into buf (zeroed
 * beyond the file); returns its length. */
static size_t load_block(const char *name, uint8_t *buf)
{
	char path[512];
	snprintf(path, sizeof path, "%s/debug_offsets_%s.bin", FIXTURES_DIR,
	         name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	memset(buf, 0, BLOCK_MAX);
	size_t n = fread(buf, 1, BLOCK_MAX, f);
	fclose(f);
	ck_assert_uint_gt(n, 24);
	ck_assert_uint_le(n, LAYOUT_DEBUG_OFFSETS_MAX);
	return n;
}

static void load_fixture(void)
{
	fixture_len = load_block("3_13", fixture);
	ck_assert_uint_eq(fixture_len, 584);
}

/* A layout read from the named fixture, which must be accepted. */
static struct py_layout read_block(const char *name)
{
	uint8_t blob[BLOCK_MAX];
	struct py_layout d;
	size_t n = load_block(name, blob);
	ck_assert_msg(layout_from_debug_offsets(blob, n, &d) == 0,
	              "debug_offsets_%s.bin rejected", name);
	return d;
}

static void put_u64(uint8_t *blob, size_t off, uint64_t v)
{
	memcpy(blob + off, &v, sizeof v);
}

START_TEST(test_versions)
{
	static const struct {
		unsigned major, minor;
		enum frame_model model;
		enum line_format lines;
	} want[] = {
	        {2, 7, MODEL_FRAME_OBJECTS, LINES_LNOTAB27},
	        {3, 6, MODEL_FRAME_OBJECTS, LINES_LNOTAB},
	        {3, 7, MODEL_FRAME_OBJECTS, LINES_LNOTAB},
	        {3, 8, MODEL_FRAME_OBJECTS, LINES_LNOTAB},
	        {3, 9, MODEL_FRAME_OBJECTS, LINES_LNOTAB},
	        {3, 10, MODEL_FRAME_OBJECTS, LINES_LINETABLE310},
	        {3, 11, MODEL_CFRAME, LINES_LOCATIONS},
	        {3, 12, MODEL_CFRAME, LINES_LOCATIONS},
	        {3, 13, MODEL_DIRECT, LINES_LOCATIONS},
	};

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct py_layout *l =
		        layout_for_version(want[i].major, want[i].minor);

		ck_assert_ptr_nonnull(l);
		ck_assert_uint_eq(l->major, want[i].major);
		ck_assert_uint_eq(l->minor, want[i].minor);
		ck_assert_int_eq(l->frame_model, want[i].model);
		ck_assert_int_eq(l->line_format, want[i].lines);
	}
	ck_assert_ptr_null(layout_for_version(3, 5));
	ck_assert_ptr_null(layout_for_version(3, 14));
	ck_assert_ptr_null(layout_for_version(2, 6));
	ck_assert_ptr_null(layout_for_version(4, 13));
}
END_TEST

/* Before 3.7 there is no _PyRuntime: the tables describe the interp_head
 * pointer as an 8-byte runtime with the head at 0, and leave the GIL and
 * the collector (statics of their own) to runtime discovery. 2.7 has no
 * PEP 393 str and no interpreter ids. */
START_TEST(test_old_runtimes)
{
	const struct py_layout *v27 = layout_for_version(2, 7);
	const struct py_layout *v36 = layout_for_version(3, 6);
	const struct py_layout *v37 = layout_for_version(3, 7);

	for (int i = 0; i < 2; i++) {
		const struct py_layout *l = i ? v36 : v27;

		ck_assert_uint_eq(l->runtime.size, 8);
		ck_assert_uint_eq(l->runtime.interp_head, 0);
		ck_assert_uint_eq(l->runtime.gil_holder, LAYOUT_NONE);
		ck_assert_uint_eq(l->runtime.gc_collecting, LAYOUT_NONE);
		ck_assert_uint_eq(l->interp.id, LAYOUT_NONE);
		ck_assert_uint_eq(l->interp.gc_collecting, LAYOUT_NONE);
	}
	ck_assert_uint_gt(v37->runtime.interp_head, 0);
	ck_assert_uint_ne(v37->runtime.gil_holder, LAYOUT_NONE);
	ck_assert_uint_ne(v37->runtime.gc_collecting, LAYOUT_NONE);
	ck_assert_uint_ne(v37->interp.id, LAYOUT_NONE);
	ck_assert_uint_eq(v27->unicode.length, LAYOUT_NONE);
	ck_assert_uint_ne(v36->unicode.length, LAYOUT_NONE);
	/* PyStringObject: ob_shash and ob_sstate before the characters. */
	ck_assert_uint_gt(v27->bytes.ob_sval, v27->bytes.ob_size + 8);
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
	ck_assert_int_eq(d.frame_model, MODEL_DIRECT);
	ck_assert_int_eq(d.line_format, LINES_LOCATIONS);
	ck_assert_int_eq(d.newer_than_known, 0);
	ck_assert_int_eq(d.free_threaded, 0);

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
	ck_assert_uint_eq(d.tstate.prev, t->tstate.prev);
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

/* The fields the block lacks come from the reader's 3.13 facts: they must
 * agree with what the headers said. */
START_TEST(test_fixture_constants_match_table)
{
	struct py_layout t = *layout_for_version(3, 13);
	struct py_layout d;

	load_fixture();
	ck_assert_int_eq(layout_from_debug_offsets(fixture, fixture_len, &d),
	                 0);
	ck_assert_uint_eq(d.runtime.gil_holder, t.runtime.gil_holder);
	ck_assert_uint_eq(d.runtime.gc_collecting, t.runtime.gc_collecting);
	ck_assert_uint_eq(d.tstate.datastack_top, t.tstate.datastack_top);
	ck_assert_uint_eq(d.cframe.current_frame, t.cframe.current_frame);
	ck_assert_uint_eq(d.chunk.size, t.chunk.size);
	ck_assert_uint_eq(d.chunk.previous, t.chunk.previous);
	ck_assert_uint_eq(d.chunk.chunk_size, t.chunk.chunk_size);
	ck_assert_int_eq(d.frame.owner_cstack, t.frame.owner_cstack);
	ck_assert_uint_eq(d.unicode.compact_size, t.unicode.compact_size);
	ck_assert_uint_eq(d.unicode.kind_shift, t.unicode.kind_shift);
	ck_assert_uint_eq(d.unicode.compact_shift, t.unicode.compact_shift);
	ck_assert_uint_eq(d.unicode.ascii_shift, t.unicode.ascii_shift);
	/* The table leaves ob_type at 0, "where it is in every default
	 * build"; the block says where that is. */
	ck_assert_uint_eq(layout_ob_type(&t), 8);
	ck_assert_uint_eq(d.object.ob_type, 8);
	t.object.ob_type = 8;
	/* The block has no interpreters.main: a stripped 3.13 is found by
	 * the block's cookie, not through it. */
	ck_assert_uint_eq(d.runtime.interp_main, LAYOUT_NONE);
	t.runtime.interp_main = LAYOUT_NONE;
	/* Nothing left over: the whole struct agrees. */
	ck_assert_int_eq(memcmp(&d, &t, sizeof d), 0);
}
END_TEST

/* 3.13t, from CPython's 3.13 headers with Py_GIL_DISABLED: the same thread
 * state and frame as the default build, objects 16 bytes further in. */
START_TEST(test_313t_free_threaded)
{
	const struct py_layout *t = layout_for_version(3, 13);
	struct py_layout d = read_block("3_13t");

	ck_assert_uint_eq(d.minor, 13);
	ck_assert_int_eq(d.free_threaded, 1);
	ck_assert_int_eq(d.newer_than_known, 0);
	ck_assert_uint_eq(d.object.ob_type, 24);
	ck_assert_uint_eq(layout_ob_type(&d), 24);
	ck_assert_uint_eq(d.runtime.size, 328256);
	ck_assert_uint_eq(d.interp.size, 215616);
	ck_assert_uint_eq(d.interp.gc_collecting, 7400 + 200);
	ck_assert_uint_eq(d.gil.last_holder, 7776 - 7760);
	/* _status, _whence, state. */
	ck_assert_uint_eq(d.tstate.state, 32 + 8);
	ck_assert_int_eq(memcmp(&d.frame, &t->frame, sizeof d.frame), 0);
	ck_assert_uint_eq(d.tstate.frame, t->tstate.frame);
	ck_assert_uint_eq(d.tstate.native_thread_id,
	                  t->tstate.native_thread_id);
	ck_assert_uint_eq(d.tstate.datastack_top, t->tstate.datastack_top);
	ck_assert_uint_eq(d.code.size, t->code.size + 16);
	ck_assert_uint_eq(d.code.filename, t->code.filename + 16);
	ck_assert_uint_eq(d.code.qualname, t->code.qualname + 16);
	ck_assert_uint_eq(d.code.firstlineno, t->code.firstlineno + 16);
	ck_assert_uint_eq(d.code.code_adaptive, t->code.code_adaptive + 16);
	ck_assert_uint_eq(d.code.tlbc, 0); /* no thread-local bytecode */
	ck_assert_uint_eq(d.bytes.ob_size, 32);
	ck_assert_uint_eq(d.bytes.ob_sval, 48);
	ck_assert_uint_eq(d.unicode.length, 32);
	ck_assert_uint_eq(d.unicode.state, 48);
	ck_assert_uint_eq(d.unicode.ascii_size, 56);
	ck_assert_uint_eq(d.unicode.compact_size, 72);
	/* 3.13 keeps `interned:2` in both builds. */
	ck_assert_uint_eq(d.unicode.kind_shift, 2);
	ck_assert_uint_eq(d.unicode.compact_shift, 5);
	ck_assert_uint_eq(d.unicode.ascii_shift, 6);
}
END_TEST

/* Everything austinc reads from a 3.14 block, each member taken from its
 * 3.14 place (members were inserted in interpreter_state,
 * interpreter_frame and code_object). */
START_TEST(test_314_shape)
{
	struct py_layout d = read_block("3_14");

	ck_assert_uint_eq(d.major, 3);
	ck_assert_uint_eq(d.minor, 14);
	ck_assert_int_eq(d.frame_model, MODEL_DIRECT);
	ck_assert_int_eq(d.line_format, LINES_LOCATIONS);
	ck_assert_int_eq(d.newer_than_known, 0);
	ck_assert_int_eq(d.free_threaded, 0);
	ck_assert_uint_eq(d.runtime.size, 285368);
	ck_assert_uint_eq(d.runtime.interp_head, 632);
	ck_assert_uint_eq(d.runtime.gil_holder, LAYOUT_NONE);
	ck_assert_uint_eq(d.interp.size, 199064);
	ck_assert_uint_eq(d.interp.next, 7264);
	ck_assert_uint_eq(d.interp.tstate_head, 7344);
	ck_assert_uint_eq(d.interp.id, 7272);
	ck_assert_uint_eq(d.interp.gil, 16);
	ck_assert_uint_eq(d.interp.gc_collecting, 7400 + 200);
	ck_assert_uint_eq(d.gil.last_holder, 7760 - 7752);
	ck_assert_uint_eq(d.tstate.size, 832);
	ck_assert_uint_eq(d.tstate.prev, 0);
	ck_assert_uint_eq(d.tstate.next, 8);
	ck_assert_uint_eq(d.tstate.interp, 16);
	ck_assert_uint_eq(d.tstate.frame, 72);
	ck_assert_uint_eq(d.tstate.thread_id, 152);
	ck_assert_uint_eq(d.tstate.native_thread_id, 160);
	ck_assert_uint_eq(d.tstate.datastack_chunk, 232);
	ck_assert_uint_eq(d.tstate.datastack_top, 240);
	ck_assert_uint_eq(d.tstate.state, 0); /* a GIL build */
	ck_assert_uint_eq(d.frame.size, 88);
	ck_assert_uint_eq(d.frame.previous, 8);
	ck_assert_uint_eq(d.frame.code, 0);
	ck_assert_uint_eq(d.frame.lasti, 56);
	ck_assert_uint_eq(d.frame.owner, 74);
	ck_assert_uint_eq(d.frame.tlbc_index, 0);
	/* FRAME_OWNED_BY_INTERPRETER (3) and _CSTACK (4) are skipped. */
	ck_assert_int_eq(d.frame.owner_cstack, -1);
	ck_assert_uint_eq(d.frame.skip_owners, (1u << 3) | (1u << 4));
	/* Py_TAG_BITS of the default build. */
	ck_assert_uint_eq(d.frame.code_tag_bits, 3);
	ck_assert_uint_eq(d.code.size, 208);
	ck_assert_uint_eq(d.code.filename, 112);
	ck_assert_uint_eq(d.code.name, 120);
	ck_assert_uint_eq(d.code.qualname, 128);
	ck_assert_uint_eq(d.code.linetable, 136);
	ck_assert_uint_eq(d.code.firstlineno, 68);
	ck_assert_uint_eq(d.code.code_adaptive, 200);
	ck_assert_uint_eq(d.code.tlbc, 0);
	ck_assert_uint_eq(d.object.ob_type, 8);
	ck_assert_uint_eq(d.bytes.ob_size, 16);
	ck_assert_uint_eq(d.bytes.ob_sval, 32);
	ck_assert_uint_eq(d.unicode.length, 16);
	ck_assert_uint_eq(d.unicode.state, 32);
	ck_assert_uint_eq(d.unicode.ascii_size, 40);
	ck_assert_uint_eq(d.unicode.compact_size, 56);
	ck_assert_uint_eq(d.unicode.kind_shift, 2);
	ck_assert_uint_eq(d.unicode.compact_shift, 5);
	ck_assert_uint_eq(d.unicode.ascii_shift, 6);
	/* Kept for the stacks of tasks, read by nothing yet. */
	ck_assert_uint_eq(d.gen.size, 16 + 0x90);
	ck_assert_uint_eq(d.gen.name, 16 + 16);
	ck_assert_uint_eq(d.gen.iframe, 16 + 0x48);
	ck_assert_uint_eq(d.gen.frame_state, 16 + 0x43);
	ck_assert_uint_eq(d.llist.next, 0);
	ck_assert_uint_eq(d.llist.prev, 8);
}
END_TEST

/* 3.13's block and the generated tables have no generator members; a
 * 3.14 block whose generator members are out of bounds is read all the
 * same, without them. */
START_TEST(test_generators_unknown)
{
	ck_assert_uint_eq(read_block("3_13").gen.size, 0);
	ck_assert_uint_eq(layout_for_version(3, 12)->gen.size, 0);
	uint8_t blob[BLOCK_MAX];
	struct py_layout d;
	size_t n = load_block("3_14", blob);
	put_u64(blob, OFF314_GI_NAME, 16 + 0x90); /* past the object */
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), 0);
	ck_assert_uint_eq(d.gen.size, 0);
	ck_assert_uint_eq(d.code.size, 208);
}
END_TEST

/* The set of slots the reader found holds more than 64. */
START_TEST(test_bitset_past_one_word)
{
	uint64_t set[BITSET_WORDS(130)] = {0};
	ck_assert_uint_eq(sizeof set / sizeof set[0], 3);
	bitset_add(set, 0);
	bitset_add(set, 64);
	bitset_add(set, 129);
	ck_assert_int_eq(bitset_has(set, 0), 1);
	ck_assert_int_eq(bitset_has(set, 1), 0);
	ck_assert_int_eq(bitset_has(set, 63), 0);
	ck_assert_int_eq(bitset_has(set, 64), 1);
	ck_assert_int_eq(bitset_has(set, 65), 0);
	ck_assert_int_eq(bitset_has(set, 128), 0);
	ck_assert_int_eq(bitset_has(set, 129), 1);
	ck_assert_uint_eq(set[1], 1);
	ck_assert_uint_eq(set[2], 2);
}
END_TEST

START_TEST(test_314t_free_threaded)
{
	struct py_layout d = read_block("3_14t");

	ck_assert_uint_eq(d.minor, 14);
	ck_assert_int_eq(d.free_threaded, 1);
	ck_assert_uint_eq(d.object.ob_type, 24);
	ck_assert_uint_eq(d.gil.last_holder, 7776 - 7760);
	/* _status, holds_gil, _whence, state. */
	ck_assert_uint_eq(d.tstate.state, 32 + 12);
	ck_assert_uint_eq(d.frame.owner, 78);
	ck_assert_uint_eq(d.frame.tlbc_index, 72);
	ck_assert_uint_eq(d.frame.code_tag_bits, 1); /* Py_TAG_DEFERRED */
	ck_assert_uint_eq(d.frame.skip_owners, (1u << 3) | (1u << 4));
	ck_assert_uint_eq(d.code.size, 232);
	ck_assert_uint_eq(d.code.filename, 128);
	ck_assert_uint_eq(d.code.qualname, 144);
	ck_assert_uint_eq(d.code.firstlineno, 84);
	ck_assert_uint_eq(d.code.tlbc, 216);
	ck_assert_uint_eq(d.code.code_adaptive, 224);
	ck_assert_uint_eq(d.bytes.ob_size, 32);
	ck_assert_uint_eq(d.unicode.length, 32);
	ck_assert_uint_eq(d.unicode.state, 48);
	ck_assert_uint_eq(d.unicode.ascii_size, 56);
	/* 3.14 made `interned` a whole byte in free-threaded builds. */
	ck_assert_uint_eq(d.unicode.kind_shift, 8);
	ck_assert_uint_eq(d.unicode.compact_shift, 11);
	ck_assert_uint_eq(d.unicode.ascii_shift, 12);
}
END_TEST

/* The running thread of a free-threaded build is the attached one. */
START_TEST(test_thread_attached)
{
	struct py_layout ft = read_block("3_14t");
	struct py_layout ft13 = read_block("3_13t");
	struct py_layout gil = read_block("3_14");
	uint8_t tstate[1024];
	int32_t state;

	memset(tstate, 0, sizeof tstate);
	state = 1; /* _Py_THREAD_ATTACHED */
	memcpy(tstate + 44, &state, sizeof state);
	ck_assert_int_eq(layout_thread_attached(&ft, tstate), 1);
	ck_assert_int_eq(layout_thread_attached(&ft13, tstate), 0);
	ck_assert_int_eq(layout_thread_attached(&gil, tstate), 0);
	memcpy(tstate + 40, &state, sizeof state);
	ck_assert_int_eq(layout_thread_attached(&ft13, tstate), 1);
	state = 2; /* _Py_THREAD_SUSPENDED */
	memcpy(tstate + 44, &state, sizeof state);
	ck_assert_int_eq(layout_thread_attached(&ft, tstate), 0);
	state = 0; /* _Py_THREAD_DETACHED */
	memcpy(tstate + 44, &state, sizeof state);
	ck_assert_int_eq(layout_thread_attached(&ft, tstate), 0);
}
END_TEST

/* A version newer than any known is read with the newest shape (3.15's),
 * and flagged; so is 3.15, which is not released. */
START_TEST(test_future_version_accepted_with_warning)
{
	uint8_t blob[BLOCK_MAX];
	char line[128];
	struct py_layout d;
	size_t n = load_block("3_16", blob);

	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), 0);
	ck_assert_uint_eq(d.minor, 16);
	ck_assert_int_eq(d.newer_than_known, 1);
	ck_assert_int_eq(layout_newer_warning(&d, line, sizeof line), 1);
	ck_assert_str_eq(line, "CPython 3.16 is newer than austinc knows; "
	                       "reading it through its debug offsets");
	/* Read from 3.15's places (thread_state grew before thread_id). */
	ck_assert_uint_eq(d.tstate.thread_id, 152);
	ck_assert_uint_eq(d.tstate.native_thread_id, 160);
	ck_assert_uint_eq(d.tstate.datastack_chunk, 232);
	ck_assert_uint_eq(d.frame.owner, 74);
	ck_assert_uint_eq(d.code.code_adaptive, 200);
	ck_assert_uint_eq(d.unicode.compact_size, 56); /* from the block */
	ck_assert_uint_eq(d.frame.skip_owners, (1u << 3) | (1u << 4));

	put_u64(blob, OFF_VERSION, 0x030f00a3); /* 3.15.0a3 */
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), 0);
	ck_assert_int_eq(layout_newer_warning(&d, line, sizeof line), 1);
	ck_assert_str_eq(line, "CPython 3.15 is newer than austinc knows; "
	                       "reading it through its debug offsets");

	/* Known versions: no warning, buffer untouched. */
	strcpy(line, "unchanged");
	d = read_block("3_14");
	ck_assert_int_eq(layout_newer_warning(&d, line, sizeof line), 0);
	d = read_block("3_13");
	ck_assert_int_eq(layout_newer_warning(&d, line, sizeof line), 0);
	ck_assert_str_eq(line, "unchanged");
}
END_TEST

START_TEST(test_truncated_rejected)
{
	static const char *const names[] = {"3_13", "3_13t", "3_14", "3_14t",
	                                    "3_16"};
	uint8_t blob[BLOCK_MAX];
	struct py_layout d, before;

	memset(&d, 0xaa, sizeof d);
	before = d;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = load_block(names[i], blob);
		ck_assert_int_eq(layout_from_debug_offsets(blob, n - 1, &d),
		                 -1);
		ck_assert_int_eq(layout_from_debug_offsets(blob, 24, &d), -1);
		ck_assert_int_eq(layout_from_debug_offsets(blob, 16, &d), -1);
		ck_assert_int_eq(layout_from_debug_offsets(blob, 0, &d), -1);
		ck_assert_int_eq(layout_from_debug_offsets(NULL, n, &d), -1);
		ck_assert_int_eq(memcmp(&d, &before, sizeof d), 0);
	}
	/* The 3.14 block is longer than the 3.13 one: 3.13's length is not
	 * enough. */
	load_block("3_14", blob);
	ck_assert_int_eq(layout_from_debug_offsets(blob, 584, &d), -1);
}
END_TEST

START_TEST(test_bad_cookie_rejected)
{
	uint8_t blob[BLOCK_MAX];
	struct py_layout d, before;
	size_t n;

	memset(&d, 0x55, sizeof d);
	before = d;
	n = load_block("3_13", blob);
	blob[0] = 'X';
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_13", blob);
	blob[7] = '\0';
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_14", blob);
	memcpy(blob, "xdebugpz", 8);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	ck_assert_int_eq(memcmp(&d, &before, sizeof d), 0);
}
END_TEST

/* The declared version picks the shape; a version that does not match
 * the block's real shape fails the checks instead of being misread. */
START_TEST(test_other_versions_rejected)
{
	uint8_t blob[BLOCK_MAX];
	struct py_layout d;
	size_t n;

	load_fixture();
	memcpy(blob, fixture, sizeof fixture);
	put_u64(blob, OFF_VERSION, 0x030c01f0); /* 3.12.1: no block */
	ck_assert_int_eq(layout_from_debug_offsets(blob, BLOCK_MAX, &d), -1);
	put_u64(blob, OFF_VERSION, 0x040d00f0); /* 4.13 */
	ck_assert_int_eq(layout_from_debug_offsets(blob, BLOCK_MAX, &d), -1);
	put_u64(blob, OFF_VERSION, 0x030d00e0); /* release level 0xe */
	ck_assert_int_eq(layout_from_debug_offsets(blob, BLOCK_MAX, &d), -1);
	put_u64(blob, OFF_VERSION, 0x1030d00f0ull); /* not 32 bits */
	ck_assert_int_eq(layout_from_debug_offsets(blob, BLOCK_MAX, &d), -1);
	put_u64(blob, OFF_VERSION, 0x030d05f0); /* 3.13.5: same ABI */
	ck_assert_int_eq(layout_from_debug_offsets(blob, fixture_len, &d), 0);
	ck_assert_uint_eq(d.minor, 13);

	/* A 3.13 block that says 3.14 or 3.16, even followed by enough
	 * bytes for those shapes. */
	put_u64(blob, OFF_VERSION, 0x030e00f0);
	ck_assert_int_eq(layout_from_debug_offsets(blob, BLOCK_MAX, &d), -1);
	put_u64(blob, OFF_VERSION, 0x031000a1);
	ck_assert_int_eq(layout_from_debug_offsets(blob, BLOCK_MAX, &d), -1);

	/* A 3.14 block that says 3.13; a 3.15-shaped one that says 3.14. */
	n = load_block("3_14", blob);
	put_u64(blob, OFF_VERSION, 0x030d00f0);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_14t", blob);
	put_u64(blob, OFF_VERSION, 0x030d00f0);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_16", blob);
	put_u64(blob, OFF_VERSION, 0x030e00f0);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
}
END_TEST

START_TEST(test_implausible_rejected)
{
	uint8_t blob[BLOCK_MAX];
	struct py_layout d;
	size_t n;

	load_fixture();
	memcpy(blob, fixture, sizeof fixture);
	put_u64(blob, OFF_INTERP_HEAD, 2u << 20);
	ck_assert_int_eq(layout_from_debug_offsets(blob, fixture_len, &d), -1);

	memcpy(blob, fixture, sizeof fixture);
	put_u64(blob, OFF_INTERP_HEAD, UINT64_MAX - 4);
	ck_assert_int_eq(layout_from_debug_offsets(blob, fixture_len, &d), -1);

	memcpy(blob, fixture, sizeof fixture);
	put_u64(blob, OFF_INTERP_NEXT, 3); /* misaligned pointer */
	ck_assert_int_eq(layout_from_debug_offsets(blob, fixture_len, &d), -1);

	memcpy(blob, fixture, sizeof fixture);
	put_u64(blob, OFF_FRAME_OWNER, 4096); /* past the frame */
	ck_assert_int_eq(layout_from_debug_offsets(blob, fixture_len, &d), -1);

	memcpy(blob, fixture, sizeof fixture);
	put_u64(blob, OFF_FREE_THREADED, 2);
	ck_assert_int_eq(layout_from_debug_offsets(blob, fixture_len, &d), -1);

	/* 3.14: a misplaced f_executable, owner and ob_type. */
	n = load_block("3_14", blob);
	put_u64(blob, OFF314_EXECUTABLE, 4);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_14", blob);
	put_u64(blob, OFF314_OWNER, 88);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_14", blob);
	put_u64(blob, OFF314_OB_TYPE, 16); /* not PyObject's last member */
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);

	/* 3.14t: thread-local bytecode must be described, and the thread
	 * state must hold the state field. */
	n = load_block("3_14t", blob);
	put_u64(blob, OFF314_TLBC_INDEX, 0);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_14t", blob);
	put_u64(blob, OFF314_TLBC_INDEX, 86); /* runs past the frame */
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	n = load_block("3_14t", blob);
	put_u64(blob, OFF314_TSTATE_SIZE, 44); /* state would be outside */
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), -1);
	/* The same block as a GIL build does not need those. */
	n = load_block("3_14t", blob);
	put_u64(blob, OFF314_TLBC_INDEX, 0);
	put_u64(blob, OFF_FREE_THREADED, 0);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &d), 0);
	ck_assert_uint_eq(d.frame.tlbc_index, 0);
}
END_TEST

/* Random values after a valid header never crash the reader, and whatever
 * it accepts stays inside the bounds it promises. */
static void check_random(const char *name)
{
	uint8_t good[BLOCK_MAX], blob[BLOCK_MAX];
	uint64_t x = 0x9e3779b97f4a7c15u;
	struct py_layout d;
	size_t n = load_block(name, good);

	for (int round = 0; round < 2000; round++) {
		memcpy(blob, good, sizeof blob);
		for (int k = 0; k < 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			blob[16 + x % (n - 16)] = (uint8_t)(x >> 32);
		}
		if (layout_from_debug_offsets(blob, n, &d) != 0)
			continue;
		ck_assert_uint_le(d.runtime.interp_head + 8, d.runtime.size);
		ck_assert_uint_le(d.tstate.datastack_top + 8, d.tstate.size);
		ck_assert_uint_le(d.frame.owner + 1, d.frame.size);
		ck_assert_uint_le(d.frame.tlbc_index + 4, d.frame.size);
		ck_assert_uint_le(d.code.qualname + 8, d.code.size);
		ck_assert_uint_le(d.code.tlbc + 8, d.code.size);
		ck_assert_uint_le(d.unicode.state + 4, d.unicode.ascii_size);
		ck_assert_uint_le(layout_ob_type(&d) + 8, d.bytes.ob_sval);
		if (d.free_threaded)
			ck_assert_uint_le(d.tstate.state + 4, d.tstate.size);
	}
}

START_TEST(test_random_blobs)
{
	check_random("3_13");
	check_random("3_13t");
	check_random("3_14");
	check_random("3_14t");
	check_random("3_16");
}
END_TEST

Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tables = tcase_create("tables");
	TCase *debug = tcase_create("debug_offsets");

	tcase_add_test(tables, test_versions);
	tcase_add_test(tables, test_missing_fields);
	tcase_add_test(tables, test_old_runtimes);
	tcase_add_test(tables, test_bitset_past_one_word);
	suite_add_tcase(s, tables);

	tcase_add_test(debug, test_fixture_matches_table);
	tcase_add_test(debug, test_fixture_constants_match_table);
	tcase_add_test(debug, test_313t_free_threaded);
	tcase_add_test(debug, test_314_shape);
	tcase_add_test(debug, test_generators_unknown);
	tcase_add_test(debug, test_314t_free_threaded);
	tcase_add_test(debug, test_thread_attached);
	tcase_add_test(debug, test_future_version_accepted_with_warning);
	tcase_add_test(debug, test_truncated_rejected);
	tcase_add_test(debug, test_bad_cookie_rejected);
	tcase_add_test(debug, test_other_versions_rejected);
	tcase_add_test(debug, test_implausible_rejected);
	tcase_add_test(debug, test_random_blobs);
	suite_add_tcase(s, debug);
	return s;
}
