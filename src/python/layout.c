/* Structure offsets: the generated per-version tables and the reader of
 * _Py_DebugOffsets.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/layout.h"

#include <stdio.h>
#include <string.h>

#include "bitset.h"
#include "bytes.h"

#include "python/layouts/py2_7.h"
#include "python/layouts/py3_10.h"
#include "python/layouts/py3_11.h"
#include "python/layouts/py3_12.h"
#include "python/layouts/py3_13.h"
#include "python/layouts/py3_6.h"
#include "python/layouts/py3_7.h"
#include "python/layouts/py3_8.h"
#include "python/layouts/py3_9.h"

const struct py_layout *layout_for_version(unsigned major, unsigned minor)
{
	if (major == 2 && minor == 7)
		return &py2_7_layout;
	if (major != 3)
		return NULL;
	switch (minor) {
	case 6:
		return &py3_6_layout;
	case 7:
		return &py3_7_layout;
	case 8:
		return &py3_8_layout;
	case 9:
		return &py3_9_layout;
	case 10:
		return &py3_10_layout;
	case 11:
		return &py3_11_layout;
	case 12:
		return &py3_12_layout;
	case 13:
		return &py3_13_layout;
	default:
		return NULL;
	}
}

/* ---- The _Py_DebugOffsets reader -------------------------------------
 *
 * _Py_DebugOffsets (3.13+) opens with char cookie[8], uint64_t version and
 * uint64_t free_threaded; the sub-structs after them are made of uint64_t
 * members only, so the block has no padding and a member's place is
 * 24 + 8 * (its index among all the members). Which members, in which
 * order, changes from one minor version to the next (3.14 inserted members
 * in the middle of several sub-structs): each version's shape is
 * transcribed below from CPython's headers, and the reader finds every
 * member it needs by name. Values are in host byte order: the target runs
 * on this machine. */
#define HEADER_BYTES 24

/* One sub-struct: its name and its members in declaration order. */
struct group {
	const char *name;
	const char *members; /* separated by single spaces */
};

/* CPython 3.13: Include/internal/pycore_runtime.h (checked against the
 * installed 3.13.0 headers by scripts/gen-debug-offsets-fixtures). */
static const struct group groups_313[] = {
        {"runtime_state", "size finalizing interpreters_head"},
        {"interpreter_state",
         "size id next threads_head gc imports_modules sysdict builtins "
         "ceval_gil gil_runtime_state gil_runtime_state_enabled "
         "gil_runtime_state_locked gil_runtime_state_holder"},
        {"thread_state", "size prev next interp current_frame thread_id "
                         "native_thread_id datastack_chunk status"},
        {"interpreter_frame",
         "size previous executable instr_ptr localsplus owner"},
        {"code_object", "size filename name qualname linetable firstlineno "
                        "argcount localsplusnames localspluskinds "
                        "co_code_adaptive"},
        {"pyobject", "size ob_type"},
        {"type_object", "size tp_name tp_repr tp_flags"},
        {"tuple_object", "size ob_item ob_size"},
        {"list_object", "size ob_item ob_size"},
        {"dict_object", "size ma_keys ma_values"},
        {"float_object", "size ob_fval"},
        {"long_object", "size lv_tag ob_digit"},
        {"bytes_object", "size ob_size ob_sval"},
        {"unicode_object", "size state length asciiobject_size"},
        {"gc", "size collecting"},
};

/* CPython 3.14: Include/internal/pycore_debug_offsets.h of the 3.14
 * branch. New against 3.13: interpreter_state.threads_main,
 * code_object_generation, tlbc_generation; interpreter_frame.stackpointer,
 * tlbc_index; code_object.co_tlbc; set_object before dict_object;
 * gen_object, llist_node and debugger_support at the end. */
static const struct group groups_314[] = {
        {"runtime_state", "size finalizing interpreters_head"},
        {"interpreter_state",
         "size id next threads_head threads_main gc imports_modules sysdict "
         "builtins ceval_gil gil_runtime_state gil_runtime_state_enabled "
         "gil_runtime_state_locked gil_runtime_state_holder "
         "code_object_generation tlbc_generation"},
        {"thread_state", "size prev next interp current_frame thread_id "
                         "native_thread_id datastack_chunk status"},
        {"interpreter_frame", "size previous executable instr_ptr localsplus "
                              "owner stackpointer tlbc_index"},
        {"code_object", "size filename name qualname linetable firstlineno "
                        "argcount localsplusnames localspluskinds "
                        "co_code_adaptive co_tlbc"},
        {"pyobject", "size ob_type"},
        {"type_object", "size tp_name tp_repr tp_flags"},
        {"tuple_object", "size ob_item ob_size"},
        {"list_object", "size ob_item ob_size"},
        {"set_object", "size used table mask"},
        {"dict_object", "size ma_keys ma_values"},
        {"float_object", "size ob_fval"},
        {"long_object", "size lv_tag ob_digit"},
        {"bytes_object", "size ob_size ob_sval"},
        {"unicode_object", "size state length asciiobject_size"},
        {"gc", "size collecting"},
        {"gen_object", "size gi_name gi_iframe gi_frame_state"},
        {"llist_node", "next prev"},
        {"debugger_support",
         "eval_breaker remote_debugger_support remote_debugging_enabled "
         "debugger_pending_call debugger_script_path "
         "debugger_script_path_size"},
};

/* CPython 3.15, from its development branch (not released: the shape may
 * still change, which the checks below then catch). New against 3.14:
 * thread_state.base_frame, last_profiled_frame, last_profiled_frame_seq
 * before thread_id and holds_gil, gil_requested, current_exception,
 * exc_state after status; err_stackitem; type_object.tp_basicsize,
 * tp_dictoffset; heap_type_object; unicode_object.compactunicodeobject_size;
 * gc.frame, generation_stats_size, generation_stats. */
static const struct group groups_315[] = {
        {"runtime_state", "size finalizing interpreters_head"},
        {"interpreter_state",
         "size id next threads_head threads_main gc imports_modules sysdict "
         "builtins ceval_gil gil_runtime_state gil_runtime_state_enabled "
         "gil_runtime_state_locked gil_runtime_state_holder "
         "code_object_generation tlbc_generation"},
        {"thread_state",
         "size prev next interp current_frame base_frame last_profiled_frame "
         "last_profiled_frame_seq thread_id native_thread_id datastack_chunk "
         "status holds_gil gil_requested current_exception exc_state"},
        {"err_stackitem", "exc_value"},
        {"interpreter_frame", "size previous executable instr_ptr localsplus "
                              "owner stackpointer tlbc_index"},
        {"code_object", "size filename name qualname linetable firstlineno "
                        "argcount localsplusnames localspluskinds "
                        "co_code_adaptive co_tlbc"},
        {"pyobject", "size ob_type"},
        {"type_object",
         "size tp_name tp_repr tp_flags tp_basicsize tp_dictoffset"},
        {"heap_type_object", "size ht_cached_keys"},
        {"tuple_object", "size ob_item ob_size"},
        {"list_object", "size ob_item ob_size"},
        {"set_object", "size used table mask"},
        {"dict_object", "size ma_keys ma_values"},
        {"float_object", "size ob_fval"},
        {"long_object", "size lv_tag ob_digit"},
        {"bytes_object", "size ob_size ob_sval"},
        {"unicode_object",
         "size state length asciiobject_size compactunicodeobject_size"},
        {"gc", "size collecting frame generation_stats_size generation_stats"},
        {"gen_object", "size gi_name gi_iframe gi_frame_state"},
        {"llist_node", "next prev"},
        {"debugger_support",
         "eval_breaker remote_debugger_support remote_debugging_enabled "
         "debugger_pending_call debugger_script_path "
         "debugger_script_path_size"},
};

/* A version's block, and the facts of its ABI that the block does not
 * carry. Index [free_threaded] picks the build. */
struct shape {
	unsigned minor;
	int released; /* transcribed from a released CPython */
	const struct group *groups;
	size_t n_groups;
	/* enum _frameowner: FRAME_OWNED_BY_CSTACK (3.13), or the owners of
	 * interpreter frames (3.14: INTERPRETER = 3, CSTACK = 4; 3.15:
	 * INTERPRETER = 3, THREAD_STATE = 4). */
	int8_t owner_cstack;
	uint8_t skip_owners;
	/* Py_TAG_BITS of pycore_stackref.h for f_executable (3.14+). */
	uint8_t code_tag_bits[2];
	/* PyASCIIObject.state: the kind, compact and ascii bits. 3.14 made
	 * `interned` a whole byte in free-threaded builds. */
	uint8_t unicode_shift[2][3];
	/* int PyThreadState.state lies state_delta bytes after this member
	 * (3.13: _status, _whence, state; 3.14: _status, holds_gil, _whence,
	 * state; 3.15: ..., gil_requested, _whence, state). */
	const char *state_after;
	uint8_t state_delta;
};

#define N_OWNER(n) (uint8_t)(1u << (n))

#define N_GROUPS(g) (sizeof(g) / sizeof(g)[0])

static const struct shape shapes[] = {
        {.minor = 13,
         .released = 1,
         .groups = groups_313,
         .n_groups = N_GROUPS(groups_313),
         .owner_cstack = 3,
         .skip_owners = 0,
         .code_tag_bits = {0, 0}, /* a plain PyObject pointer */
         .unicode_shift = {{2, 5, 6}, {2, 5, 6}},
         .state_after = "thread_state.status",
         .state_delta = 8},
        {.minor = 14,
         .released = 1,
         .groups = groups_314,
         .n_groups = N_GROUPS(groups_314),
         .owner_cstack = -1,
         .skip_owners = N_OWNER(3) | N_OWNER(4),
         .code_tag_bits = {3, 1},
         .unicode_shift = {{2, 5, 6}, {8, 11, 12}},
         .state_after = "thread_state.status",
         .state_delta = 12},
        {.minor = 15,
         .released = 0,
         .groups = groups_315,
         .n_groups = N_GROUPS(groups_315),
         .owner_cstack = -1,
         .skip_owners = N_OWNER(3) | N_OWNER(4),
         .code_tag_bits = {3, 3},
         .unicode_shift = {{2, 5, 6}, {8, 11, 12}},
         .state_after = "thread_state.gil_requested",
         .state_delta = 8},
};
#define N_SHAPES N_GROUPS(shapes)

/* The members austinc reads. */
enum slot {
	RT_SIZE,
	RT_INTERP_HEAD,
	IS_SIZE,
	IS_ID,
	IS_NEXT,
	IS_THREADS_HEAD,
	IS_GC,
	IS_CEVAL_GIL,
	IS_GIL,
	IS_GIL_HOLDER,
	IS_GIL_LOCKED,
	TS_SIZE,
	TS_PREV,
	TS_NEXT,
	TS_INTERP,
	TS_FRAME,
	TS_THREAD_ID,
	TS_NATIVE_ID,
	TS_CHUNK,
	FR_SIZE,
	FR_PREVIOUS,
	FR_EXECUTABLE,
	FR_INSTR,
	FR_OWNER,
	FR_TLBC,
	CO_SIZE,
	CO_FILENAME,
	CO_NAME,
	CO_QUALNAME,
	CO_LINETABLE,
	CO_FIRSTLINENO,
	CO_ADAPTIVE,
	CO_TLBC,
	OB_SIZE,
	OB_TYPE,
	BY_SIZE,
	BY_OB_SIZE,
	BY_SVAL,
	UN_SIZE,
	UN_STATE,
	UN_LENGTH,
	UN_ASCII_SIZE,
	UN_COMPACT_SIZE,
	GC_SIZE,
	GC_COLLECTING,
	GEN_SIZE,
	GEN_NAME,
	GEN_IFRAME,
	GEN_FRAME_STATE,
	LLIST_NEXT,
	LLIST_PREV,
	TS_STATE_ANCHOR, /* the shape's state_after */
	N_SLOTS
};

_Static_assert(TS_STATE_ANCHOR == N_SLOTS - 1, "the state anchor comes last");

/* The slots a block has: bit n for slot n. */
struct slot_set {
	uint64_t words[BITSET_WORDS(N_SLOTS)];
};

/* Where each slot is; optional ones may be missing from a shape (0). */
static const struct {
	const char *name;
	int optional;
} slot_names[N_SLOTS - 1] = {
        {"runtime_state.size", 0},
        {"runtime_state.interpreters_head", 0},
        {"interpreter_state.size", 0},
        {"interpreter_state.id", 0},
        {"interpreter_state.next", 0},
        {"interpreter_state.threads_head", 0},
        {"interpreter_state.gc", 0},
        {"interpreter_state.ceval_gil", 0},
        {"interpreter_state.gil_runtime_state", 0},
        {"interpreter_state.gil_runtime_state_holder", 0},
        {"interpreter_state.gil_runtime_state_locked", 0},
        {"thread_state.size", 0},
        {"thread_state.prev", 0},
        {"thread_state.next", 0},
        {"thread_state.interp", 0},
        {"thread_state.current_frame", 0},
        {"thread_state.thread_id", 0},
        {"thread_state.native_thread_id", 0},
        {"thread_state.datastack_chunk", 0},
        {"interpreter_frame.size", 0},
        {"interpreter_frame.previous", 0},
        {"interpreter_frame.executable", 0},
        {"interpreter_frame.instr_ptr", 0},
        {"interpreter_frame.owner", 0},
        {"interpreter_frame.tlbc_index", 1},
        {"code_object.size", 0},
        {"code_object.filename", 0},
        {"code_object.name", 0},
        {"code_object.qualname", 0},
        {"code_object.linetable", 0},
        {"code_object.firstlineno", 0},
        {"code_object.co_code_adaptive", 0},
        {"code_object.co_tlbc", 1},
        {"pyobject.size", 0},
        {"pyobject.ob_type", 0},
        {"bytes_object.size", 0},
        {"bytes_object.ob_size", 0},
        {"bytes_object.ob_sval", 0},
        {"unicode_object.size", 0},
        {"unicode_object.state", 0},
        {"unicode_object.length", 0},
        {"unicode_object.asciiobject_size", 0},
        {"unicode_object.compactunicodeobject_size", 1},
        {"gc.size", 0},
        {"gc.collecting", 0},
        {"gen_object.size", 1},
        {"gen_object.gi_name", 1},
        {"gen_object.gi_iframe", 1},
        {"gen_object.gi_frame_state", 1},
        {"llist_node.next", 1},
        {"llist_node.prev", 1},
};

/* Facts of every version so far that the block does not carry. */
enum {
	/* PyThreadState: PyObject **datastack_top follows
	 * _PyStackChunk *datastack_chunk. */
	DATASTACK_TOP_AFTER_CHUNK = 8,
	/* _PyStackChunk { previous; size_t size; size_t top; data[] }. */
	CHUNK_PREVIOUS = 0,
	CHUNK_SIZE = 8,
	CHUNK_HEADER = 24,
	/* PyCompactUnicodeObject = PyASCIIObject + Py_ssize_t utf8_length +
	 * char *utf8 (3.15 also says so in the block). */
	COMPACT_EXTRA = 16,
	/* _Py_THREAD_ATTACHED, Include/internal/pycore_pystate.h. */
	THREAD_ATTACHED = 1,
	/* struct llist_node { next; prev; } (3.14+). */
	LLIST_NODE_BYTES = 16,
};

/* No CPython structure we read comes near this; anything bigger is garbage
 * or a different struct. */
#define MAX_PLAUSIBLE (1u << 20)

/* Index of word (len bytes) in a space-separated list, or -1. */
static int word_index(const char *list, const char *word, size_t len)
{
	int index = 0;
	for (const char *w = list; *w; index++) {
		size_t n = strcspn(w, " ");
		if (n == len && strncmp(w, word, len) == 0)
			return index;
		w += n + (w[n] == ' ');
	}
	return -1;
}

static int word_count(const char *list)
{
	int n = 0;
	for (const char *w = list; *w; n++) {
		size_t len = strcspn(w, " ");
		w += len + (w[len] == ' ');
	}
	return n;
}

/* The index of "group.member" among all the members of a shape, or -1. */
static int member_index(const struct shape *s, const char *dotted)
{
	size_t group_len = strcspn(dotted, ".");
	const char *member = dotted + group_len + (dotted[group_len] == '.');
	int base = 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		const struct group *gr = &s->groups[g];
		if (strlen(gr->name) == group_len &&
		    strncmp(gr->name, dotted, group_len) == 0) {
			int i = word_index(gr->members, member, strlen(member));
			return i < 0 ? -1 : base + i;
		}
		base += word_count(gr->members);
	}
	return -1;
}

/* The size of a whole block of this shape. */
static size_t shape_bytes(const struct shape *s)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		n += (size_t)word_count(s->groups[g].members);
	return HEADER_BYTES + 8 * n;
}

/* Copy the member called name into *v; -1 when the shape has none. */
static int load_member(const struct shape *s, const uint8_t *blob,
                       const char *name, uint64_t *v)
{
	int i = member_index(s, name);
	if (i < 0)
		return -1;
	memcpy(v, blob + HEADER_BYTES + 8 * (size_t)i, sizeof *v);
	return 0;
}

/* Read every slot (0 for optional ones the shape lacks) and add each one
 * it has to *present; -1 if a required one is missing. */
static int read_slots(const struct shape *s, const uint8_t *blob,
                      uint64_t v[N_SLOTS], struct slot_set *present)
{
	memset(present, 0, sizeof *present);
	for (int i = 0; i < N_SLOTS - 1; i++) {
		v[i] = 0;
		if (load_member(s, blob, slot_names[i].name, &v[i]) == 0)
			bitset_add(present->words, (unsigned)i);
		else if (!slot_names[i].optional)
			return -1;
	}
	bitset_add(present->words, TS_STATE_ANCHOR);
	return load_member(s, blob, s->state_after, &v[TS_STATE_ANCHOR]);
}

/* The minor version of a PY_VERSION_HEX for CPython 3.13 or later (major,
 * minor, micro, release level, serial: a 32-bit value), or -1. */
static int declared_minor(uint64_t hex)
{
	unsigned level = (hex >> 4) & 0xf;
	unsigned minor = (hex >> 16) & 0xff;
	if (hex >> 32 != 0 || hex >> 24 != 3 || minor < 13)
		return -1;
	if (level != 0xa && level != 0xb && level != 0xc && level != 0xf)
		return -1;
	return (int)minor;
}

/* The shape of minor's block: its own, or for a version newer than any
 * known, the newest one (the checks then tell whether it still fits). */
static const struct shape *shape_for(unsigned minor)
{
	const struct shape *newest = &shapes[N_SHAPES - 1];
	for (size_t i = 0; i < N_SHAPES; i++)
		if (shapes[i].minor == minor)
			return &shapes[i];
	return minor > newest->minor ? newest : NULL;
}

/* A field of `width` bytes at `off` lies inside a struct of `size` bytes. */
static int inside(uint64_t off, uint64_t width, uint64_t size)
{
	return size <= MAX_PLAUSIBLE && off <= size && width <= size - off;
}

/* Same, for a pointer field, which must also be naturally aligned. */
static int ptr_inside(uint64_t off, uint64_t size)
{
	return off % 8 == 0 && inside(off, 8, size);
}

static int plausible_interp(const uint64_t *v)
{
	uint64_t size = v[IS_SIZE], gil = v[IS_GIL], holder = v[IS_GIL_HOLDER];
	if (!ptr_inside(v[RT_INTERP_HEAD], v[RT_SIZE]) ||
	    !ptr_inside(v[IS_NEXT], size) ||
	    !ptr_inside(v[IS_THREADS_HEAD], size) ||
	    !inside(v[IS_ID], 8, size) || !ptr_inside(v[IS_CEVAL_GIL], size))
		return 0;
	/* The interpreter's own GIL is embedded in it; last_holder is a
	 * pointer inside that struct. */
	if (!inside(gil, 0, size) || holder < gil ||
	    !ptr_inside(holder, size) || !ptr_inside(holder - gil, size))
		return 0;
	/* locked, an int, follows it in the same struct. */
	if (v[IS_GIL_LOCKED] < gil || !inside(v[IS_GIL_LOCKED], 4, size))
		return 0;
	/* gc.collecting is an int inside the interpreter's gc state. */
	return inside(v[GC_COLLECTING], 4, v[GC_SIZE]) &&
	       inside(v[IS_GC], v[GC_SIZE], size);
}

static int plausible_tstate(const struct shape *s, const uint64_t *v, int ft)
{
	uint64_t size = v[TS_SIZE];
	uint64_t state = v[TS_STATE_ANCHOR] + s->state_delta;
	if (!ptr_inside(v[TS_PREV], size) || !ptr_inside(v[TS_NEXT], size) ||
	    !ptr_inside(v[TS_INTERP], size) || !ptr_inside(v[TS_FRAME], size) ||
	    !inside(v[TS_THREAD_ID], 8, size) ||
	    !inside(v[TS_NATIVE_ID], 8, size) ||
	    !ptr_inside(v[TS_CHUNK], size) ||
	    !ptr_inside(v[TS_CHUNK] + DATASTACK_TOP_AFTER_CHUNK, size))
		return 0;
	return !ft || (state % 4 == 0 && inside(state, 4, size));
}

/* In a free-threaded build of a version that has thread-local bytecode,
 * its members must be set; elsewhere they are 0 and unused. */
static int plausible_tlbc(uint64_t off, uint64_t width, uint64_t size,
                          int wanted)
{
	return wanted ? off != 0 && off % width == 0 && inside(off, width, size)
	              : 1;
}

static int plausible_frame_code(const uint64_t *v,
                                const struct slot_set *present, int ft)
{
	uint64_t fsize = v[FR_SIZE], csize = v[CO_SIZE];
	if (!ptr_inside(v[FR_PREVIOUS], fsize) ||
	    !ptr_inside(v[FR_EXECUTABLE], fsize) ||
	    !ptr_inside(v[FR_INSTR], fsize) || !inside(v[FR_OWNER], 1, fsize))
		return 0;
	if (!ptr_inside(v[CO_FILENAME], csize) ||
	    !ptr_inside(v[CO_NAME], csize) ||
	    !ptr_inside(v[CO_QUALNAME], csize) ||
	    !ptr_inside(v[CO_LINETABLE], csize) ||
	    !inside(v[CO_FIRSTLINENO], 4, csize) ||
	    !inside(v[CO_ADAPTIVE], 0, csize) || v[CO_ADAPTIVE] < v[OB_SIZE])
		return 0;
	return plausible_tlbc(v[FR_TLBC], 4, fsize,
	                      ft && bitset_has(present->words, FR_TLBC)) &&
	       plausible_tlbc(v[CO_TLBC], 8, csize,
	                      ft && bitset_has(present->words, CO_TLBC));
}

/* Objects. Besides bounds, facts that hold in every build and version so
 * far anchor the shape: ob_type is PyObject's last member, and ob_size
 * (PyVarObject) and a str's length come right after the object header. A
 * block read with the wrong shape fails them. */
static int plausible_objects(const uint64_t *v, const struct slot_set *present)
{
	uint64_t head = v[OB_SIZE], ascii = v[UN_ASCII_SIZE];
	uint64_t compact = v[UN_COMPACT_SIZE];
	if (head < 16 || head > 64 || v[OB_TYPE] % 8 != 0 ||
	    v[OB_TYPE] + 8 != head || v[BY_OB_SIZE] != head ||
	    v[UN_LENGTH] != head)
		return 0;
	if (!inside(v[BY_OB_SIZE], 8, v[BY_SIZE]) ||
	    !inside(v[BY_SVAL], 0, v[BY_SIZE]) || v[BY_SVAL] < head + 8)
		return 0;
	if (!inside(ascii, 0, v[UN_SIZE]) || !inside(v[UN_LENGTH], 8, ascii) ||
	    !inside(v[UN_STATE], 4, ascii))
		return 0;
	return !bitset_has(present->words, UN_COMPACT_SIZE) ||
	       (compact > ascii && compact <= v[UN_SIZE]);
}

static int plausible(const struct shape *s, const uint64_t *v,
                     const struct slot_set *present, int ft)
{
	return plausible_interp(v) && plausible_tstate(s, v, ft) &&
	       plausible_frame_code(v, present, ft) &&
	       plausible_objects(v, present);
}

/* Every value below passed plausible(): each is <= MAX_PLAUSIBLE, so the
 * narrowing to uint32_t is exact. */
static void fill_states(struct py_layout *l, const struct shape *s,
                        const uint64_t *v, int ft)
{
	l->runtime.size = (uint32_t)v[RT_SIZE];
	l->runtime.interp_head = (uint32_t)v[RT_INTERP_HEAD];
	l->runtime.interp_main = LAYOUT_NONE; /* found by its cookie instead */
	l->interp.modules = LAYOUT_NONE;
	l->runtime.gil_holder = LAYOUT_NONE;    /* the GIL is per interpreter */
	l->runtime.gc_collecting = LAYOUT_NONE; /* gc is per interpreter */
	l->interp.size = (uint32_t)v[IS_SIZE];
	l->interp.next = (uint32_t)v[IS_NEXT];
	l->interp.tstate_head = (uint32_t)v[IS_THREADS_HEAD];
	l->interp.id = (uint32_t)v[IS_ID];
	l->interp.gil = (uint32_t)v[IS_CEVAL_GIL];
	l->interp.gc_collecting = (uint32_t)(v[IS_GC] + v[GC_COLLECTING]);
	/* The block gives last_holder inside the interpreter's embedded _gil;
	 * ceval.gil may point at another interpreter's, so keep the offset
	 * relative to struct _gil_runtime_state. */
	l->gil.last_holder = (uint32_t)(v[IS_GIL_HOLDER] - v[IS_GIL]);
	l->gil.locked = (uint32_t)(v[IS_GIL_LOCKED] - v[IS_GIL]);
	l->runtime.gil_locked = LAYOUT_NONE;
	l->tstate.size = (uint32_t)v[TS_SIZE];
	l->tstate.prev = (uint32_t)v[TS_PREV];
	l->tstate.next = (uint32_t)v[TS_NEXT];
	l->tstate.interp = (uint32_t)v[TS_INTERP];
	l->tstate.frame = (uint32_t)v[TS_FRAME];
	l->tstate.thread_id = (uint32_t)v[TS_THREAD_ID];
	l->tstate.native_thread_id = (uint32_t)v[TS_NATIVE_ID];
	l->tstate.datastack_chunk = (uint32_t)v[TS_CHUNK];
	l->tstate.datastack_top =
	        l->tstate.datastack_chunk + DATASTACK_TOP_AFTER_CHUNK;
	l->tstate.state =
	        ft ? (uint32_t)(v[TS_STATE_ANCHOR] + s->state_delta) : 0;
	l->cframe.current_frame = LAYOUT_NONE; /* no _PyCFrame since 3.13 */
	l->chunk.size = CHUNK_HEADER;
	l->chunk.previous = CHUNK_PREVIOUS;
	l->chunk.chunk_size = CHUNK_SIZE;
}

static void fill_frames(struct py_layout *l, const struct shape *s,
                        const uint64_t *v, int ft)
{
	l->frame.size = (uint32_t)v[FR_SIZE];
	l->frame.previous = (uint32_t)v[FR_PREVIOUS];
	l->frame.code = (uint32_t)v[FR_EXECUTABLE];
	l->frame.lasti = (uint32_t)v[FR_INSTR];
	l->frame.owner = (uint32_t)v[FR_OWNER];
	l->frame.owner_cstack = s->owner_cstack;
	l->frame.skip_owners = s->skip_owners;
	l->frame.code_tag_bits = s->code_tag_bits[ft];
	l->frame.tlbc_index = ft ? (uint32_t)v[FR_TLBC] : 0;
	l->code.size = (uint32_t)v[CO_SIZE];
	l->code.filename = (uint32_t)v[CO_FILENAME];
	l->code.name = (uint32_t)v[CO_NAME];
	l->code.qualname = (uint32_t)v[CO_QUALNAME];
	l->code.firstlineno = (uint32_t)v[CO_FIRSTLINENO];
	l->code.linetable = (uint32_t)v[CO_LINETABLE];
	l->code.code_adaptive = (uint32_t)v[CO_ADAPTIVE];
	l->code.tlbc = ft ? (uint32_t)v[CO_TLBC] : 0;
}

static void fill_objects(struct py_layout *l, const struct shape *s,
                         const uint64_t *v, const struct slot_set *present,
                         int ft)
{
	l->object.ob_type = (uint32_t)v[OB_TYPE];
	l->bytes.ob_size = (uint32_t)v[BY_OB_SIZE];
	l->bytes.ob_sval = (uint32_t)v[BY_SVAL];
	l->unicode.length = (uint32_t)v[UN_LENGTH];
	l->unicode.state = (uint32_t)v[UN_STATE];
	l->unicode.ascii_size = (uint32_t)v[UN_ASCII_SIZE];
	l->unicode.compact_size =
	        bitset_has(present->words, UN_COMPACT_SIZE)
	                ? (uint32_t)v[UN_COMPACT_SIZE]
	                : l->unicode.ascii_size + COMPACT_EXTRA;
	l->unicode.kind_shift = s->unicode_shift[ft][0];
	l->unicode.compact_shift = s->unicode_shift[ft][1];
	l->unicode.ascii_shift = s->unicode_shift[ft][2];
}

/* Generators and the asyncio task list (3.14+): kept when the block
 * describes them in full and within bounds, else left unknown (gen.size
 * 0). Nothing reads them yet: they do not decide whether a block is
 * accepted. */
static void fill_generators(struct py_layout *l, const uint64_t *v,
                            const struct slot_set *present)
{
	for (unsigned i = GEN_SIZE; i <= LLIST_PREV; i++)
		if (!bitset_has(present->words, i))
			return;
	uint64_t size = v[GEN_SIZE];
	if (!ptr_inside(v[GEN_NAME], size) || !inside(v[GEN_IFRAME], 0, size) ||
	    !inside(v[GEN_FRAME_STATE], 1, size) ||
	    !ptr_inside(v[LLIST_NEXT], LLIST_NODE_BYTES) ||
	    !ptr_inside(v[LLIST_PREV], LLIST_NODE_BYTES))
		return;
	l->gen.size = (uint32_t)size;
	l->gen.name = (uint32_t)v[GEN_NAME];
	l->gen.iframe = (uint32_t)v[GEN_IFRAME];
	l->gen.frame_state = (uint32_t)v[GEN_FRAME_STATE];
	l->llist.next = (uint32_t)v[LLIST_NEXT];
	l->llist.prev = (uint32_t)v[LLIST_PREV];
}

int layout_from_debug_offsets(const uint8_t *blob, size_t len,
                              struct py_layout *out)
{
	uint64_t hex, ft, v[N_SLOTS];
	struct slot_set present;
	if (blob == NULL || out == NULL || len < HEADER_BYTES ||
	    memcmp(blob, "xdebugpy", 8) != 0)
		return -1;
	memcpy(&hex, blob + 8, sizeof hex);
	memcpy(&ft, blob + 16, sizeof ft);
	int minor = declared_minor(hex);
	const struct shape *s = minor < 0 ? NULL : shape_for((unsigned)minor);
	if (s == NULL || ft > 1 || len < shape_bytes(s) ||
	    read_slots(s, blob, v, &present) != 0 ||
	    !plausible(s, v, &present, (int)ft))
		return -1;

	struct py_layout l;
	memset(&l, 0, sizeof l);
	l.major = 3;
	l.minor = (unsigned)minor;
	l.frame_model = MODEL_DIRECT;
	l.line_format = LINES_LOCATIONS;
	l.newer_than_known = !s->released || l.minor > s->minor;
	l.free_threaded = (int)ft;
	fill_states(&l, s, v, (int)ft);
	fill_frames(&l, s, v, (int)ft);
	fill_objects(&l, s, v, &present, (int)ft);
	fill_generators(&l, v, &present);
	memcpy(out, &l, sizeof l);
	return 0;
}

int layout_newer_warning(const struct py_layout *l, char *buf, size_t len)
{
	if (!l->newer_than_known)
		return 0;
	snprintf(
	        buf, len,
	        "CPython %u.%u is newer than austinc knows; reading it through "
	        "its debug offsets",
	        l->major, l->minor);
	return 1;
}

int layout_thread_attached(const struct py_layout *l, const uint8_t *tstate)
{
	if (!l->free_threaded || l->tstate.state == 0)
		return 0;
	return load_i32(tstate, l->tstate.state) == THREAD_ATTACHED;
}
