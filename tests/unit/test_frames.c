/* The frame walkers against a fake address space: good stacks, cycles,
 * truncated strings and wild pointers, stacks deeper than a sample
 * holds; 3.14's tagged f_executable, interpreter-owned frames and thread-local
 * bytecode, on layouts read from the synthetic 3.14 and 3.14t _Py_DebugOffsets
 * fixtures.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <string.h>

#include "python/code.h"
#include "python/frames.h"
#include "python/layout.h"
#include "remote.h"
#include "suites.h"

#define BASE       0x10000000ull
#define ARENA_SIZE (8 * 1024 * 1024) /* deep stacks */
#define CODE_TYPE  0x5000ull
#define STR_TYPE   0x6000ull
#define BYTES_TYPE 0x7000ull

/* A fake process image: one arena of memory at BASE. */
static uint8_t arena[ARENA_SIZE];
static size_t arena_used;
static const struct py_layout *L;
static struct py_layout from_block; /* a layout read from a fixture */
static struct remote remote;
static struct fake_region region = {.addr = BASE, .data = arena};
static struct code_reader code;
static struct unwinder unwinder;
static struct prefetch pf;
static struct stack stack;
static uint8_t tstate[4096];

static uint64_t alloc(size_t size)
{
	uint64_t addr = BASE + arena_used;
	arena_used += (size + 15) & ~(size_t)15;
	ck_assert_uint_le(arena_used, ARENA_SIZE);
	return addr;
}

static void put64(uint64_t addr, uint32_t offset, uint64_t v)
{
	memcpy(arena + (addr - BASE) + offset, &v, sizeof v);
}

static void put32(uint64_t addr, uint32_t offset, uint32_t v)
{
	memcpy(arena + (addr - BASE) + offset, &v, sizeof v);
}

/* A compact ASCII str whose length field says length characters. */
static uint64_t make_str_len(const char *text, int64_t length)
{
	size_t n = strlen(text);
	uint64_t s = alloc(L->unicode.ascii_size + n + 1);
	put64(s, layout_ob_type(L), STR_TYPE);
	put64(s, L->unicode.length, (uint64_t)length);
	put32(s, L->unicode.state,
	      (1u << L->unicode.kind_shift) | (1u << L->unicode.compact_shift) |
	              (1u << L->unicode.ascii_shift));
	memcpy(arena + (s - BASE) + L->unicode.ascii_size, text, n + 1);
	return s;
}

static uint64_t make_str(const char *text)
{
	return make_str_len(text, (int64_t)strlen(text));
}

static uint64_t make_bytes(const uint8_t *data, size_t n)
{
	uint64_t b = alloc(L->bytes.ob_sval + n + 1);
	put64(b, layout_ob_type(L), BYTES_TYPE);
	put64(b, L->bytes.ob_size, n);
	memcpy(arena + (b - BASE) + L->bytes.ob_sval, data, n);
	return b;
}

static uint64_t make_code(const char *file, const char *name, int first,
                          const uint8_t *table, size_t table_len)
{
	uint64_t c = alloc(L->code.size + 64);
	put64(c, layout_ob_type(L), CODE_TYPE);
	put64(c, L->code.filename, make_str(file));
	put64(c, L->code.name, make_str(name));
	if (L->code.qualname != LAYOUT_NONE)
		put64(c, L->code.qualname, make_str(name));
	put32(c, L->code.firstlineno, (uint32_t)first);
	put64(c, L->code.linetable, make_bytes(table, table_len));
	return c;
}

static void setup_layout(const struct py_layout *layout)
{
	L = layout;
	ck_assert_ptr_nonnull(L);
	memset(arena, 0, sizeof arena);
	memset(tstate, 0, sizeof tstate);
	arena_used = 16;
	region.len = ARENA_SIZE;
	remote_init_fake(&remote, &region, 1);
	struct py_types types = {CODE_TYPE, STR_TYPE, BYTES_TYPE};
	ck_assert_int_eq(code_reader_init(&code, &remote, L, &types), 0);
	ck_assert_int_eq(prefetch_init(&pf, &remote), 0);
	ck_assert_int_eq(unwinder_init(&unwinder, &pf, L, &code), 0);
}

static void setup_version(unsigned minor)
{
	setup_layout(layout_for_version(3, minor));
}

/* The layout read from tests/unit/fixtures/debug_offsets_<name>.bin. */
static void setup_block(const char *name)
{
	uint8_t blob[LAYOUT_DEBUG_OFFSETS_MAX];
	char path[512];
	snprintf(path, sizeof path, "%s/debug_offsets_%s.bin", FIXTURES_DIR,
	         name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t n = fread(blob, 1, sizeof blob, f);
	fclose(f);
	ck_assert_int_eq(layout_from_debug_offsets(blob, n, &from_block), 0);
	setup_layout(&from_block);
}

static void teardown(void)
{
	unwinder_free(&unwinder);
	prefetch_free(&pf);
	code_reader_free(&code);
}

static int unwind(void)
{
	prefetch_begin(&pf);
	unwinder_new_tick(&unwinder);
	int problems = unwind_thread(&unwinder, tstate, &stack);
	code_reader_end_sample(&code);
	return problems;
}

/* 3.9: lines 10 (first), 11 for bytes 0-5, 12 from byte 6. */
static const uint8_t lnotab[] = {0, 1, 6, 1};

static uint64_t make_frame_object(uint64_t code_addr, int lasti, uint64_t back)
{
	uint64_t f = alloc(L->frame.size);
	put64(f, L->frame.code, code_addr);
	put32(f, L->frame.lasti, (uint32_t)lasti);
	put64(f, L->frame.previous, back);
	return f;
}

static void set_top_frame(uint64_t frame)
{
	memcpy(tstate + L->tstate.frame, &frame, sizeof frame);
}

START_TEST(frame_objects_give_names_and_lines)
{
	setup_version(9);
	uint64_t outer = make_frame_object(
	        make_code("app.py", "main", 10, lnotab, sizeof lnotab), 2, 0);
	uint64_t inner = make_frame_object(
	        make_code("lib.py", "work", 10, lnotab, sizeof lnotab), 8,
	        outer);
	set_top_frame(inner);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_str_eq(stack.frames[0].file, "lib.py");
	ck_assert_str_eq(stack.frames[0].name, "work");
	ck_assert_int_eq(stack.frames[0].line, 12);
	ck_assert_int_eq(stack.frames[0].kind, FRAME_PYTHON);
	ck_assert_str_eq(stack.frames[1].name, "main");
	ck_assert_int_eq(stack.frames[1].line, 11);
	/* what the writers take ready-made */
	ck_assert_str_eq(stack.frames[0].label, "lib.py:work:");
	ck_assert_uint_eq(frame_label_len(&stack.frames[0]), 12);
	ck_assert_str_eq(stack.frames[1].label, "app.py:main:");
	ck_assert_uint_ne(stack.frames[0].code_id, 0);
	ck_assert_uint_ne(stack.frames[0].code_id, stack.frames[1].code_id);
	teardown();
}
END_TEST

START_TEST(frame_cycle_ends_in_invalid)
{
	setup_version(9);
	uint64_t c = make_code("a.py", "f", 1, lnotab, sizeof lnotab);
	uint64_t a = make_frame_object(c, 0, 0);
	uint64_t b = make_frame_object(c, 0, a);
	put64(a, L->frame.previous, b); /* a -> b -> a */
	set_top_frame(a);
	ck_assert_int_gt(unwind(), 0);
	ck_assert_uint_lt(stack.depth, 16);
	ck_assert_int_eq(stack.frames[stack.depth - 1].kind, FRAME_INVALID);
	teardown();
}
END_TEST

START_TEST(wild_pointer_ends_in_invalid)
{
	setup_version(9);
	uint64_t c = make_code("a.py", "f", 1, lnotab, sizeof lnotab);
	uint64_t top = make_frame_object(c, 0, 0xdead0000ull);
	set_top_frame(top);
	ck_assert_int_eq(unwind(), 1);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_str_eq(stack.frames[0].name, "f");
	ck_assert_ptr_null(stack.frames[1].file);
	teardown();
}
END_TEST

START_TEST(truncated_string_gives_invalid_frame)
{
	setup_version(9);
	uint64_t c = make_code("a.py", "f", 1, lnotab, sizeof lnotab);
	/* A name that claims to run past the end of the address space. */
	region.len = ARENA_SIZE;
	uint64_t name = BASE + ARENA_SIZE - L->unicode.ascii_size - 4;
	put64(name, 8, STR_TYPE);
	put64(name, L->unicode.length, 1000);
	put32(name, L->unicode.state,
	      (1u << L->unicode.kind_shift) | (1u << L->unicode.compact_shift) |
	              (1u << L->unicode.ascii_shift));
	put64(c, L->code.name, name);
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 1);
	ck_assert_uint_eq(stack.depth, 1);
	ck_assert_ptr_null(stack.frames[0].file);
	teardown();
}
END_TEST

START_TEST(garbage_code_object_gives_invalid_frame)
{
	setup_version(9);
	uint64_t c = make_code("a.py", "f", 1, lnotab, sizeof lnotab);
	put64(c, 8, 0x1234); /* not a code object's type */
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 1);
	ck_assert_ptr_null(stack.frames[0].file);
	teardown();
}
END_TEST

/* A type object named name, as a stripped interpreter has them: no
 * symbol tells its address. */
static uint64_t make_type(const char *name)
{
	uint64_t text = alloc(strlen(name) + 2) + 1; /* text is not aligned */
	memcpy(arena + (text - BASE), name, strlen(name) + 1);
	uint64_t type = alloc(64);
	put64(type, layout_ob_type(L) + 16, text); /* tp_name */
	return type;
}

START_TEST(stripped_interpreter_learns_the_code_type_by_its_name)
{
	setup_version(9);
	code_reader_free(&code);
	struct py_types unknown = {0, STR_TYPE, BYTES_TYPE};
	ck_assert_int_eq(code_reader_init(&code, &remote, L, &unknown), 0);
	uint64_t c = make_code("a.py", "f", 1, lnotab, sizeof lnotab);
	/* A torn pointer: some other object, whose fields read as names. */
	put64(c, layout_ob_type(L), make_type("dict"));
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 1);
	ck_assert_ptr_null(stack.frames[0].file);
	ck_assert_uint_eq(code.types.code, 0);
	uint64_t code_type = make_type("code");
	put64(c, layout_ob_type(L), code_type);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "f");
	ck_assert_uint_eq(code.types.code, code_type);
	/* From then on only that type is code. */
	uint64_t twin = make_code("b.py", "g", 1, lnotab, sizeof lnotab);
	put64(twin, layout_ob_type(L), make_type("code"));
	set_top_frame(make_frame_object(twin, 0, 0));
	ck_assert_int_eq(unwind(), 1);
	teardown();
}
END_TEST

START_TEST(garbage_first_line_gives_invalid_frame)
{
	setup_version(9);
	uint64_t c = make_code("a.py", "f", -213717008, lnotab, sizeof lnotab);
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 1);
	ck_assert_ptr_null(stack.frames[0].file);
	teardown();
}
END_TEST

START_TEST(reused_code_address_is_decoded_again)
{
	setup_version(9);
	uint64_t c = make_code("old.py", "gone", 1, lnotab, sizeof lnotab);
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "gone");
	uint64_t old_id = stack.frames[0].code_id;

	/* The code object dies; a new one takes its address. */
	put64(c, L->code.filename, make_str("new.py"));
	put64(c, L->code.name, make_str("born"));
	code_reader_new_tick(&code, CODE_TRUST_MIN_US / 2);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "gone"); /* still trusted */
	code_reader_new_tick(&code, CODE_TRUST_MIN_US + 1);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].file, "new.py");
	ck_assert_str_eq(stack.frames[0].name, "born");
	ck_assert_str_eq(stack.frames[0].label, "new.py:born:");
	ck_assert_uint_ne(stack.frames[0].code_id, old_id);
	teardown();
}
END_TEST

START_TEST(code_not_in_the_last_sample_is_checked_again)
{
	setup_version(9);
	uint64_t c = make_code("old.py", "gone", 1, lnotab, sizeof lnotab);
	uint64_t other =
	        make_code("other.py", "elsewhere", 1, lnotab, sizeof lnotab);
	code_reader_new_tick(&code, 100);
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "gone");
	/* A sample without it; then its address holds new code, which is
	 * seen although the entry is still within its trust. */
	code_reader_new_tick(&code, 200);
	set_top_frame(make_frame_object(other, 0, 0));
	ck_assert_int_eq(unwind(), 0);
	put64(c, L->code.name, make_str("born"));
	code_reader_new_tick(&code, 300);
	set_top_frame(make_frame_object(c, 0, 0));
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "born");
	/* austinc held up between two samples: checked again too. */
	put64(c, L->code.name, make_str("again"));
	code_reader_new_tick(&code, 300 + CODE_FRESH_US + 1);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "again");
	teardown();
}
END_TEST

/* At an interval longer than CODE_FRESH_US (-i 1ms), a code object seen
 * at every tick stays trusted; a gap of more than twice the usual one is
 * austinc held up, and the object is checked again. */
START_TEST(a_steady_long_interval_is_not_taken_for_a_hold_up)
{
	setup_version(9);
	uint64_t c = make_code("old.py", "gone", 1, lnotab, sizeof lnotab);
	set_top_frame(make_frame_object(c, 0, 0));
	for (uint64_t t = 1000; t <= 3000; t += 1000) {
		if (t == 3000) /* new code at its address, within its trust */
			put64(c, L->code.name, make_str("born"));
		code_reader_new_tick(&code, t);
		ck_assert_int_eq(unwind(), 0);
		ck_assert_str_eq(stack.frames[0].name, "gone");
	}
	code_reader_new_tick(&code, 3000 + 2 * 1000 + 1);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "born");
	teardown();
}
END_TEST

/* A recursion: the same code object frame after frame, at different
 * offsets, and another code object between them. Each frame gets its own
 * line, and the other one its own name. */
START_TEST(recursion_gives_each_frame_its_line)
{
	setup_version(9);
	uint64_t c = make_code("r.py", "rec", 10, lnotab, sizeof lnotab);
	uint64_t d = make_code("o.py", "other", 10, lnotab, sizeof lnotab);
	/* innermost first: c@8 c@2 c@2 d@8 c@8 c@-1 (not started) */
	uint64_t f = make_frame_object(c, -1, 0);
	f = make_frame_object(c, 8, f);
	f = make_frame_object(d, 8, f);
	f = make_frame_object(c, 2, f);
	f = make_frame_object(c, 2, f);
	f = make_frame_object(c, 8, f);
	set_top_frame(f);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 6);
	const int lines[] = {12, 11, 11, 12, 12, 10};
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(stack.frames[i].line, lines[i]);
		ck_assert_str_eq(stack.frames[i].name,
		                 i == 3 ? "other" : "rec");
	}
	teardown();
}
END_TEST

/* Frames a tick made before come from the unwinder's memo, by code object
 * and instruction: two frames that share a slot (code + instruction the
 * same sum) each keep their own name and line, tick after tick. */
START_TEST(frames_sharing_a_memo_slot_keep_their_own)
{
	setup_version(9);
	uint64_t c = make_code("a.py", "first", 10, lnotab, sizeof lnotab);
	uint64_t d = make_code("b.py", "second", 20, lnotab, sizeof lnotab);
	ck_assert_uint_gt(d, c);
	int d_lasti = 8, c_lasti = (int)(d - c) + d_lasti; /* c + 8 + ... */
	uint64_t outer = make_frame_object(c, c_lasti, 0);
	set_top_frame(make_frame_object(d, d_lasti, outer));
	for (uint64_t tick = 1; tick <= 3; tick++) {
		code_reader_new_tick(&code, 100 * tick);
		ck_assert_int_eq(unwind(), 0);
		ck_assert_uint_eq(stack.depth, 2);
		ck_assert_str_eq(stack.frames[0].name, "second");
		ck_assert_int_eq(stack.frames[0].line, 22);
		ck_assert_str_eq(stack.frames[1].name, "first");
		ck_assert_int_eq(stack.frames[1].line, 12);
	}
	/* The outer frame moves on: its new instruction is a new frame. */
	put32(outer, L->frame.lasti, 2);
	code_reader_new_tick(&code, 400);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_int_eq(stack.frames[1].line, 11);
	ck_assert_int_eq(stack.frames[0].line, 22);
	teardown();
}
END_TEST

/* A chain of frame objects, one per code object, codes[0] innermost. */
static void set_chain(const uint64_t *codes, size_t n)
{
	uint64_t back = 0;
	for (size_t i = n; i > 0; i--)
		back = make_frame_object(codes[i - 1], 0, back);
	set_top_frame(back);
}

/* Unwind at now_us; the system calls it took. */
static unsigned long calls_to_unwind(uint64_t now_us, int problems)
{
	unsigned long calls = 0;
	remote.fake_calls = &calls;
	code_reader_new_tick(&code, now_us);
	ck_assert_int_eq(unwind(), problems);
	remote.fake_calls = NULL;
	return calls;
}

/* n code objects of a.py named f0, f1, ... */
static void make_named_codes(uint64_t *codes, int n)
{
	char name[16];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "f%d", i);
		codes[i] = make_code("a.py", name, 1, lnotab, sizeof lnotab);
	}
}

/* Ten functions and a recursion of the last: when their trust runs out
 * together, one read checks them all. */
START_TEST(due_code_objects_are_checked_in_one_read)
{
	setup_version(9);
	uint64_t codes[30];
	make_named_codes(codes, 10);
	for (int i = 10; i < 30; i++)
		codes[i] = codes[9];
	set_chain(codes, 30);
	calls_to_unwind(100, 0);
	/* Ticks 400 us apart: each uses what the last one did. */
	unsigned long trusted = calls_to_unwind(500, 0);
	ck_assert_uint_eq(calls_to_unwind(900, 0), trusted);
	ck_assert_uint_eq(calls_to_unwind(100 + CODE_TRUST_MIN_US + 200, 0),
	                  trusted + 1);
	ck_assert_uint_eq(stack.depth, 30);
	ck_assert_str_eq(stack.frames[3].name, "f3");
	ck_assert_str_eq(stack.frames[29].name, "f9");
	teardown();
}
END_TEST

/* Among due entries, those whose address now holds another code object are
 * decoded afresh, beyond the batch's room too; the others are kept. */
START_TEST(changed_code_among_due_ones_is_decoded_again)
{
	setup_version(9);
	enum { N = CODE_DUE_MAX + 8 };
	uint64_t codes[N];
	char name[16];
	make_named_codes(codes, N);
	set_chain(codes, N);
	calls_to_unwind(100, 0);
	const int changed[] = {2, N - 3}; /* in the batch, and after it */
	for (size_t i = 0; i < 2; i++)
		put64(codes[changed[i]], L->code.name, make_str("new"));
	calls_to_unwind(500, 0);
	ck_assert_str_eq(stack.frames[2].name, "f2"); /* still trusted */
	calls_to_unwind(100 + CODE_TRUST_MIN_US + 200, 0);
	ck_assert_uint_eq(stack.depth, N);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "f%d", i);
		int is_new = i == changed[0] || i == changed[1];
		ck_assert_str_eq(stack.frames[i].name, is_new ? "new" : name);
	}
	/* Each entry was checked once: the next tick takes all on trust. */
	unsigned long trusted =
	        calls_to_unwind(100 + CODE_TRUST_MIN_US + 600, 0);
	ck_assert_uint_eq(calls_to_unwind(100 + CODE_TRUST_MIN_US + 1000, 0),
	                  trusted);
	teardown();
}
END_TEST

/* 3.11 location table: one entry, "no column" form, 4 code units, line
 * delta +1; a second one, 4 units, delta +2. */
static const uint8_t locations[] = {0x80 | (13 << 3) | 3, 0x02,
                                    0x80 | (13 << 3) | 3, 0x04};

/* Interpreter frames of 3.11 in one data-stack chunk. */
static uint64_t make_chunk(size_t size)
{
	uint64_t chunk = alloc(size);
	put64(chunk, L->chunk.previous, 0);
	put64(chunk, L->chunk.chunk_size, size);
	return chunk;
}

static uint64_t make_iframe(uint64_t at, uint64_t code_addr, int unit,
                            uint64_t previous)
{
	put64(at, L->frame.code, code_addr);
	put64(at, L->frame.lasti,
	      code_addr + L->code.code_adaptive + 2 * (uint64_t)unit);
	put64(at, L->frame.previous, previous);
	return at;
}

static void set_cframe(uint64_t current, uint64_t chunk)
{
	uint64_t cframe = alloc(64);
	put64(cframe, L->cframe.current_frame, current);
	memcpy(tstate + L->tstate.frame, &cframe, sizeof cframe);
	memcpy(tstate + L->tstate.datastack_chunk, &chunk, sizeof chunk);
}

START_TEST(interpreter_frames_give_qualnames_and_lines)
{
	setup_version(11);
	uint64_t c1 =
	        make_code("app.py", "<module>", 1, locations, sizeof locations);
	uint64_t c2 = make_code("app.py", "Worker.run", 20, locations,
	                        sizeof locations);
	uint64_t chunk = make_chunk(4096);
	uint64_t f1 = make_iframe(chunk + L->chunk.size, c1, 1, 0);
	uint64_t f2 = make_iframe(f1 + 128, c2, 5, f1);
	set_cframe(f2, chunk);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_str_eq(stack.frames[0].name, "Worker.run");
	ck_assert_int_eq(stack.frames[0].line, 23);
	ck_assert_str_eq(stack.frames[1].name, "<module>");
	ck_assert_int_eq(stack.frames[1].line, 2);
	ck_assert_uint_eq(unwinder.n_windows, 1); /* one read for both */
	teardown();
}
END_TEST

/* A code object freed and another allocated at its address differ in at
 * least one of these: each alone makes the entry decoded again, once its
 * trust has run out (a new id), or an invalid frame (not a code object). */
START_TEST(each_identity_field_tells_reused_code_apart)
{
	enum { FILENAME, NAME, QUALNAME, LINETABLE, FIRSTLINENO, TYPE, FIELDS };
	for (int field = 0; field < FIELDS; field++) {
		setup_version(11);
		uint64_t c = make_code("app.py", "f", 20, locations,
		                       sizeof locations);
		uint64_t chunk = make_chunk(4096);
		set_cframe(make_iframe(chunk + L->chunk.size, c, 5, 0), chunk);
		code_reader_new_tick(&code, 100);
		ck_assert_int_eq(unwind(), 0);
		uint64_t id = stack.frames[0].code_id;
		switch (field) {
		case FILENAME:
			put64(c, L->code.filename, make_str("app.py"));
			break;
		case NAME:
			put64(c, L->code.name, make_str("f"));
			break;
		case QUALNAME:
			put64(c, L->code.qualname, make_str("f"));
			break;
		case LINETABLE:
			put64(c, L->code.linetable,
			      make_bytes(locations, sizeof locations));
			break;
		case FIRSTLINENO:
			put32(c, L->code.firstlineno, 21);
			break;
		case TYPE:
			put64(c, layout_ob_type(L), STR_TYPE);
			break;
		}
		code_reader_new_tick(&code, 100 + CODE_TRUST_MIN_US + 1);
		if (field == TYPE) {
			ck_assert_int_eq(unwind(), 1);
			ck_assert_ptr_null(stack.frames[0].file);
		} else {
			ck_assert_int_eq(unwind(), 0);
			ck_assert_uint_ne(stack.frames[0].code_id, id);
		}
		teardown();
	}
}
END_TEST

/* A stack that grows by a frame between two ticks stays inside the data
 * stack read ahead: no read of its own. */
START_TEST(growing_stack_stays_in_the_read_ahead)
{
	setup_version(11);
	uint64_t c = make_code("app.py", "f", 1, locations, sizeof locations);
	/* a chunk starting on a page, as CPython's (mmap'd) do */
	alloc(WINDOW_PAGE - (arena_used % WINDOW_PAGE));
	uint64_t chunk = make_chunk(2 * WINDOW_PAGE);
	ck_assert_uint_eq(chunk % WINDOW_PAGE, 0);
	uint64_t f1 = make_iframe(chunk + L->chunk.size, c, 1, 0);
	uint64_t f2 = make_iframe(f1 + 128, c, 2, f1);
	set_cframe(f1, chunk);
	calls_to_unwind(100, 0);
	unsigned long steady = calls_to_unwind(200, 0);
	/* a call: one frame more */
	uint64_t cframe;
	memcpy(&cframe, tstate + L->tstate.frame, sizeof cframe);
	put64(cframe, L->cframe.current_frame, f2);
	ck_assert_uint_eq(calls_to_unwind(300, 0), steady);
	ck_assert_uint_eq(stack.depth, 2);
	teardown();
}
END_TEST

START_TEST(interpreter_frame_outside_chunk_is_read_alone)
{
	setup_version(11);
	uint64_t c = make_code("gen.py", "gen", 5, locations, sizeof locations);
	uint64_t chunk = make_chunk(1024);
	uint64_t f1 = make_iframe(chunk + L->chunk.size, c, 0, 0);
	uint64_t heap = alloc(256); /* a generator's frame */
	uint64_t f2 = make_iframe(heap, c, 4, f1);
	set_cframe(f2, chunk);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_int_eq(stack.frames[0].line, 8);
	ck_assert_int_eq(stack.frames[1].line, 6);
	teardown();
}
END_TEST

START_TEST(interpreter_frame_cycle_and_wild_pointer)
{
	setup_version(11);
	uint64_t c = make_code("a.py", "f", 1, locations, sizeof locations);
	uint64_t chunk = make_chunk(4096);
	uint64_t f1 = chunk + L->chunk.size;
	uint64_t f2 = f1 + 128;
	make_iframe(f1, c, 0, f2);
	make_iframe(f2, c, 0, f1);
	set_cframe(f2, chunk);
	ck_assert_int_gt(unwind(), 0);
	ck_assert_uint_lt(stack.depth, 16);
	ck_assert_ptr_null(stack.frames[stack.depth - 1].file);

	make_iframe(f1, c, 0, 0x7fff00000000ull);
	ck_assert_int_eq(unwind(), 1);
	ck_assert_uint_eq(stack.depth, 3);
	ck_assert_ptr_null(stack.frames[2].file);
	teardown();
}
END_TEST

/* A walk from a frame no thread state points to. */
static int unwind_from(uint64_t frame)
{
	prefetch_begin(&pf);
	unwinder_new_tick(&unwinder);
	int problems = unwind_frames(&unwinder, frame, &stack);
	code_reader_end_sample(&code);
	return problems;
}

/* A chain of frame objects (<= 3.10), as a suspended generator's. */
START_TEST(frame_objects_unwind_from_a_given_frame)
{
	setup_version(9);
	uint64_t c = make_code("gen.py", "produce", 10, lnotab, sizeof lnotab);
	uint64_t outer = make_frame_object(c, 2, 0);
	uint64_t inner = make_frame_object(c, 8, outer);
	ck_assert_int_eq(unwind_from(inner), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_int_eq(stack.frames[0].line, 12);
	ck_assert_int_eq(stack.frames[1].line, 11);
	put64(outer, L->frame.previous, 0x7fff00001000ull);
	ck_assert_int_eq(unwind_from(inner), 1);
	ck_assert_uint_eq(stack.depth, 3);
	ck_assert_int_eq(stack.frames[2].kind, FRAME_INVALID);
	teardown();
}
END_TEST

/* Interpreter frames (3.11+) outside any data-stack chunk, as in
 * generator objects: each read on its own. */
START_TEST(interpreter_frames_unwind_from_a_given_frame)
{
	setup_version(11);
	uint64_t c = make_code("task.py", "Task.step", 20, locations,
	                       sizeof locations);
	uint64_t outer = make_iframe(alloc(256), c, 6, 0);
	uint64_t inner = make_iframe(alloc(256), c, 1, outer);
	ck_assert_int_eq(unwind_from(inner), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_str_eq(stack.frames[0].name, "Task.step");
	ck_assert_int_eq(stack.frames[0].line, 21);
	ck_assert_int_eq(stack.frames[1].line, 23);
	ck_assert_uint_eq(unwinder.n_windows, 0); /* no chunk copied */
	ck_assert_int_eq(unwind_from(0), 0);
	ck_assert_uint_eq(stack.depth, 0);
	teardown();
}
END_TEST

/* 3.13+: tstate->current_frame, no cframe. */
static void set_current_frame(uint64_t current, uint64_t chunk)
{
	memcpy(tstate + L->tstate.frame, &current, sizeof current);
	memcpy(tstate + L->tstate.datastack_chunk, &chunk, sizeof chunk);
}

/* A 3.14 interpreter frame: f_executable as a tagged stack reference. */
static uint64_t make_frame314(uint64_t at, uint64_t executable,
                              uint64_t code_addr, int unit, uint8_t owner,
                              uint64_t previous)
{
	put64(at, L->frame.code, executable);
	put64(at, L->frame.lasti,
	      code_addr + L->code.code_adaptive + 2 * (uint64_t)unit);
	put64(at, L->frame.previous, previous);
	arena[at - BASE + L->frame.owner] = owner;
	return at;
}

enum {
	OWNED_BY_THREAD = 0,
	OWNED_BY_GENERATOR = 1,
	OWNED_BY_INTERPRETER = 3, /* 3.14: entry frames of the eval loop */
	OWNED_BY_CSTACK = 4,
	TAG_REFCNT = 1, /* Py_TAG_REFCNT / Py_TAG_DEFERRED */
	TAG_INT = 3,    /* Py_INT_TAG: a tagged int, not an object */
};

/* Two Python functions, each entered from C through an entry frame owned
 * by the interpreter, and a C-stack frame on top: only the functions are
 * sampled, their references untagged. */
START_TEST(direct_314_tagged_refs_and_interpreter_frames)
{
	setup_block("3_14");
	uint64_t c1 =
	        make_code("app.py", "<module>", 1, locations, sizeof locations);
	uint64_t c2 = make_code("app.py", "Worker.run", 20, locations,
	                        sizeof locations);
	uint64_t none = make_str("None stands in");
	uint64_t chunk = make_chunk(4096);
	uint64_t f0 = chunk + L->chunk.size;
	make_frame314(f0, none | TAG_REFCNT, none, 0, OWNED_BY_INTERPRETER, 0);
	make_frame314(f0 + 128, c1 | TAG_REFCNT, c1, 1, OWNED_BY_THREAD, f0);
	make_frame314(f0 + 256, none | TAG_REFCNT, none, 0,
	              OWNED_BY_INTERPRETER, f0 + 128);
	make_frame314(f0 + 384, c2, c2, 5, OWNED_BY_GENERATOR, f0 + 256);
	make_frame314(f0 + 512, TAG_INT | 8, none, 0, OWNED_BY_CSTACK,
	              f0 + 384);
	set_current_frame(f0 + 512, chunk);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_str_eq(stack.frames[0].name, "Worker.run");
	ck_assert_int_eq(stack.frames[0].line, 23);
	ck_assert_str_eq(stack.frames[1].name, "<module>");
	ck_assert_int_eq(stack.frames[1].line, 2);

	/* Read as a plain pointer, the tagged reference is no code object:
	 * the tag bits are what made the difference. */
	from_block.frame.code_tag_bits = 0;
	unwinder_free(&unwinder);
	ck_assert_int_eq(unwinder_init(&unwinder, &pf, L, &code), 0);
	ck_assert_int_gt(unwind(), 0);
	ck_assert_ptr_null(stack.frames[stack.depth - 1].file);
	teardown();
}
END_TEST

/* The same frames read with 3.13's rules: owner 3 was the C-stack shim
 * then, and 4 a value no frame had. */
START_TEST(direct_313_skips_only_cstack_frames)
{
	setup_version(13);
	uint64_t c = make_code("a.py", "f", 1, locations, sizeof locations);
	uint64_t chunk = make_chunk(4096);
	uint64_t f0 = chunk + L->chunk.size;
	make_iframe(f0, c, 0, 0);
	make_iframe(f0 + 128, c, 0, f0);
	arena[f0 + 128 - BASE + L->frame.owner] = 3;
	set_current_frame(f0 + 128, chunk);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 1);
	teardown();
}
END_TEST

/* 3.14t: the deferred tag is bit 0 only, and a thread may run its own
 * copy of the bytecode (tlbc_index into the code object's co_tlbc). */
START_TEST(direct_314t_deferred_refs_and_thread_local_bytecode)
{
	setup_block("3_14t");
	uint64_t c1 =
	        make_code("ft.py", "main", 1, locations, sizeof locations);
	uint64_t c2 =
	        make_code("ft.py", "work", 10, locations, sizeof locations);
	/* _PyCodeArray of c2: size 3; entry 0 is co_code_adaptive. */
	uint64_t copies = alloc(64);
	uint64_t copy2 = alloc(64);
	put64(copies, 0, 3);
	put64(copies, 8, c2 + L->code.code_adaptive);
	put64(copies, 16, alloc(64));
	put64(copies, 24, copy2);
	put64(c2, L->code.tlbc, copies);
	uint64_t chunk = make_chunk(4096);
	uint64_t f1 = chunk + L->chunk.size;
	uint64_t f2 = f1 + 128;
	make_frame314(f1, c1 | TAG_REFCNT, c1, 1, OWNED_BY_THREAD, 0);
	make_frame314(f2, c2, c2, 0, OWNED_BY_THREAD, f1);
	put64(f2, L->frame.lasti, copy2 + 2 * 5); /* unit 5 of copy 2 */
	put32(f2, L->frame.tlbc_index, 2);
	set_current_frame(f2, chunk);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, 2);
	ck_assert_str_eq(stack.frames[0].name, "work");
	ck_assert_int_eq(stack.frames[0].line, 13);
	ck_assert_str_eq(stack.frames[1].name, "main");
	ck_assert_int_eq(stack.frames[1].line, 2);

	/* An index past the array: the frame is named, at its first line. */
	put32(f2, L->frame.tlbc_index, 3);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_str_eq(stack.frames[0].name, "work");
	ck_assert_int_eq(stack.frames[0].line, 10);

	/* Bit 1 is no tag in 3.14t: such a reference is garbage. */
	put32(f2, L->frame.tlbc_index, 0);
	put64(f2, L->frame.code, c2 | 2);
	ck_assert_int_eq(unwind(), 1);
	ck_assert_ptr_null(stack.frames[0].file);
	teardown();
}
END_TEST

/* A frame object stack innermost first: leaf, n frames of rec, main. The
 * rec frames from junk_from up to junk_to (innermost first) run no code
 * object at all. */
static void set_deep_chain(uint32_t n, uint32_t junk_from, uint32_t junk_to)
{
	uint64_t main_code = make_code("app.py", "main", 1, lnotab, 4);
	uint64_t rec = make_code("app.py", "rec", 10, lnotab, 4);
	uint64_t leaf = make_code("app.py", "leaf", 20, lnotab, 4);
	uint64_t not_code = make_str("not a code object");
	uint64_t f = make_frame_object(main_code, 0, 0);
	for (uint32_t i = n; i > 0; i--) {
		int junk = i - 1 >= junk_from && i - 1 < junk_to;
		f = make_frame_object(junk ? not_code : rec, 8, f);
	}
	set_top_frame(make_frame_object(leaf, 2, f));
}

static void assert_frame(uint32_t i, const char *name, int line)
{
	ck_assert_ptr_nonnull(stack.frames[i].file);
	ck_assert_str_eq(stack.frames[i].name, name);
	ck_assert_int_eq(stack.frames[i].line, line);
}

/* Deeper than a sample holds: the innermost and outermost frames around
 * one marker, a good sample; the frames left out are not decoded (here
 * they run no code object: decoding them would make INVALID frames). */
/* The count the stack's marker frame names, 0 without one. */
static unsigned long long left_out(void)
{
	unsigned long long n = 0, found = 0;
	for (uint32_t i = 0; i < stack.depth; i++) {
		const struct frame *f = &stack.frames[i];
		if (f->kind == FRAME_LEFT_OUT &&
		    sscanf(f->name, "[%llu frames left out]", &n) == 1)
			found = n;
	}
	return found;
}

START_TEST(deep_stack_keeps_its_ends_around_a_marker)
{
	setup_version(9);
	enum { REC = 5000, TOTAL = REC + 2 };
	/* the rec frames kept: 2047 innermost, 2046 outermost */
	set_deep_chain(REC, STACK_KEEP_INNER - 1, REC - (STACK_KEEP_OUTER - 1));
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, STACK_MAX_DEPTH);
	assert_frame(0, "leaf", 21);
	assert_frame(STACK_KEEP_INNER - 1, "rec", 12);
	const struct frame *marker = &stack.frames[STACK_KEEP_INNER];
	ck_assert_int_eq(marker->kind, FRAME_LEFT_OUT);
	ck_assert_str_eq(marker->file, "");
	ck_assert_str_eq(marker->name, "[907 frames left out]");
	ck_assert_uint_eq(marker->name_len, strlen(marker->name));
	ck_assert_int_eq(marker->line, 0);
	ck_assert_uint_eq(marker->code_id, 0);
	ck_assert_uint_eq(left_out(), TOTAL - (STACK_MAX_DEPTH - 1));
	assert_frame(STACK_KEEP_INNER + 1, "rec", 12);
	assert_frame(STACK_MAX_DEPTH - 1, "main", 2);
	teardown();
}
END_TEST

/* As deep as a sample holds: every frame, no marker; one deeper: a marker
 * for two frames (it takes the place of one). */
START_TEST(stack_that_fits_has_no_marker)
{
	setup_version(9);
	set_deep_chain(STACK_MAX_DEPTH - 2, 0, 0);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, STACK_MAX_DEPTH);
	ck_assert_uint_eq(left_out(), 0);
	for (uint32_t i = 1; i < STACK_MAX_DEPTH - 1; i++)
		assert_frame(i, "rec", 12);
	assert_frame(STACK_MAX_DEPTH - 1, "main", 2);

	set_deep_chain(STACK_MAX_DEPTH - 1, 0, 0);
	ck_assert_int_eq(unwind(), 0);
	ck_assert_uint_eq(stack.depth, STACK_MAX_DEPTH);
	ck_assert_uint_eq(left_out(), 2);
	ck_assert_str_eq(stack.frames[STACK_KEEP_INNER].name,
	                 "[2 frames left out]");
	assert_frame(STACK_MAX_DEPTH - 1, "main", 2);
	teardown();
}
END_TEST

/* A deep chain that ends in a wild pointer: the marker, the last frames
 * read, and an INVALID frame; an error. */
START_TEST(deep_stack_that_breaks_ends_in_invalid)
{
	setup_version(9);
	set_deep_chain(6000, 0, 0);
	uint64_t main_frame = 0, f;
	memcpy(&f, tstate + L->tstate.frame, sizeof f);
	while (f) { /* find main's frame, the outermost */
		main_frame = f;
		memcpy(&f, arena + (f - BASE) + L->frame.previous, sizeof f);
	}
	put64(main_frame, L->frame.previous, 0x7fff00001000ull);
	ck_assert_int_eq(unwind(), 1);
	ck_assert_uint_eq(stack.depth, STACK_MAX_DEPTH);
	ck_assert_uint_eq(left_out(), 6002 - (STACK_MAX_DEPTH - 2));
	assert_frame(STACK_MAX_DEPTH - 2, "main", 2);
	ck_assert_ptr_null(stack.frames[STACK_MAX_DEPTH - 1].file);
	teardown();
}
END_TEST

/* 3.11: 6,000 frames in 16 KiB chunks, each mapped right below the one
 * before, as CPython's are: the chunks past the read-ahead's windows are
 * read a few at a time, and the frames left out are not decoded. */
START_TEST(deep_data_stack_is_read_in_blocks)
{
	setup_version(11);
	enum { FRAMES = 6000, FRAME = 128, CHUNK = 16384 };
	enum { PER_CHUNK = (CHUNK - 64) / FRAME };
	enum { CHUNKS = (FRAMES + PER_CHUNK - 1) / PER_CHUNK };
	uint64_t rec =
	        make_code("app.py", "rec", 10, locations, sizeof locations);
	uint64_t main_code =
	        make_code("app.py", "main", 1, locations, sizeof locations);
	uint64_t junk = make_str("not a code object");
	alloc(WINDOW_PAGE - (arena_used % WINDOW_PAGE));
	uint64_t top = alloc((size_t)CHUNKS * CHUNK); /* newest chunk lowest */
	uint64_t previous = 0, chunk_of = 0;
	for (int i = 0; i < FRAMES; i++) { /* outermost first */
		int c = i / PER_CHUNK;
		uint64_t chunk = top + (uint64_t)(CHUNKS - 1 - c) * CHUNK;
		if (chunk != chunk_of) {
			put64(chunk, L->chunk.previous, chunk_of);
			put64(chunk, L->chunk.chunk_size, CHUNK);
			chunk_of = chunk;
		}
		uint64_t at = chunk + 64 + (uint64_t)(i % PER_CHUNK) * FRAME;
		int left_out = i > 2047 && i < FRAMES - 2048;
		uint64_t runs = i == 0 ? main_code : left_out ? junk : rec;
		make_iframe(at, runs, 1, previous);
		previous = at;
	}
	set_cframe(previous, chunk_of);
	ck_assert_int_eq(unwind(), 0);
	uint64_t loads = unwinder.blocks.loads;
	ck_assert_uint_eq(stack.depth, STACK_MAX_DEPTH);
	ck_assert_uint_eq(left_out(), FRAMES - (STACK_MAX_DEPTH - 1));
	assert_frame(0, "rec", 11);
	assert_frame(STACK_MAX_DEPTH - 2, "rec", 11);
	assert_frame(STACK_MAX_DEPTH - 1, "main", 2);
	/* 47 chunks, 16 of them windows: the other 31 in two blocks. */
	ck_assert_uint_le(loads, 3);
	ck_assert_uint_eq(unwinder.n_windows, MAX_WINDOWS);
	teardown();
}
END_TEST

Suite *frames_suite(void)
{
	Suite *s = suite_create("frames");
	TCase *tc = tcase_create("walkers");
	tcase_add_test(tc, frame_objects_give_names_and_lines);
	tcase_add_test(tc, frame_cycle_ends_in_invalid);
	tcase_add_test(tc, recursion_gives_each_frame_its_line);
	tcase_add_test(tc, frames_sharing_a_memo_slot_keep_their_own);
	tcase_add_test(tc, wild_pointer_ends_in_invalid);
	tcase_add_test(tc, truncated_string_gives_invalid_frame);
	tcase_add_test(tc,
	               stripped_interpreter_learns_the_code_type_by_its_name);
	tcase_add_test(tc, garbage_first_line_gives_invalid_frame);
	tcase_add_test(tc, garbage_code_object_gives_invalid_frame);
	tcase_add_test(tc, reused_code_address_is_decoded_again);
	tcase_add_test(tc, code_not_in_the_last_sample_is_checked_again);
	tcase_add_test(tc, a_steady_long_interval_is_not_taken_for_a_hold_up);
	tcase_add_test(tc, due_code_objects_are_checked_in_one_read);
	tcase_add_test(tc, changed_code_among_due_ones_is_decoded_again);
	tcase_add_test(tc, interpreter_frames_give_qualnames_and_lines);
	tcase_add_test(tc, interpreter_frame_outside_chunk_is_read_alone);
	tcase_add_test(tc, growing_stack_stays_in_the_read_ahead);
	tcase_add_test(tc, each_identity_field_tells_reused_code_apart);
	tcase_add_test(tc, interpreter_frame_cycle_and_wild_pointer);
	tcase_add_test(tc, frame_objects_unwind_from_a_given_frame);
	tcase_add_test(tc, interpreter_frames_unwind_from_a_given_frame);
	tcase_add_test(tc, direct_314_tagged_refs_and_interpreter_frames);
	tcase_add_test(tc, direct_313_skips_only_cstack_frames);
	tcase_add_test(tc, direct_314t_deferred_refs_and_thread_local_bytecode);
	tcase_add_test(tc, deep_stack_keeps_its_ends_around_a_marker);
	tcase_add_test(tc, stack_that_fits_has_no_marker);
	tcase_add_test(tc, deep_stack_that_breaks_ends_in_invalid);
	tcase_add_test(tc, deep_data_stack_is_read_in_blocks);
	suite_add_tcase(s, tc);
	return s;
}
