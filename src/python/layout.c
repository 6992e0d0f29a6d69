/* Structure offsets: the generated per-version tables and the reader of
 * _Py_DebugOffsets.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/layout.h"

#include <string.h>

#include "python/layouts/py3_10.h"
#include "python/layouts/py3_11.h"
#include "python/layouts/py3_12.h"
#include "python/layouts/py3_13.h"
#include "python/layouts/py3_8.h"
#include "python/layouts/py3_9.h"

const struct py_layout *layout_for_version(unsigned major, unsigned minor)
{
	if (major != 3)
		return NULL;
	switch (minor) {
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

/* _Py_DebugOffsets as CPython 3.13 lays it out (Include/internal/
 * pycore_runtime.h): an 8-byte cookie, then nothing but uint64_t, so the
 * mirror has no padding. Values are in host byte order: the target runs on
 * this machine.
 *
 * It is an ABI of one minor version only. 3.14 inserts members in the middle
 * of the sub-structs (interpreter_state.threads_main after threads_head,
 * interpreter_frame.stackpointer, a set_object group before dict_object), so
 * beyond runtime_state the 3.13 prefix does not hold; blocks whose version
 * is not 3.13 are therefore rejected rather than misread. */
struct debug_offsets_313 {
	char cookie[8];
	uint64_t version; /* PY_VERSION_HEX */
	uint64_t free_threaded;
	struct {
		uint64_t size, finalizing, interpreters_head;
	} runtime_state;
	struct {
		uint64_t size, id, next, threads_head, gc, imports_modules,
		        sysdict, builtins, ceval_gil, gil_runtime_state,
		        gil_runtime_state_enabled, gil_runtime_state_locked,
		        gil_runtime_state_holder;
	} interpreter_state;
	struct {
		uint64_t size, prev, next, interp, current_frame, thread_id,
		        native_thread_id, datastack_chunk, status;
	} thread_state;
	struct {
		uint64_t size, previous, executable, instr_ptr, localsplus,
		        owner;
	} interpreter_frame;
	struct {
		uint64_t size, filename, name, qualname, linetable, firstlineno,
		        argcount, localsplusnames, localspluskinds,
		        co_code_adaptive;
	} code_object;
	struct {
		uint64_t size, ob_type;
	} pyobject;
	struct {
		uint64_t size, tp_name, tp_repr, tp_flags;
	} type_object;
	struct {
		uint64_t size, ob_item, ob_size;
	} tuple_object, list_object;
	struct {
		uint64_t size, ma_keys, ma_values;
	} dict_object;
	struct {
		uint64_t size, ob_fval;
	} float_object;
	struct {
		uint64_t size, lv_tag, ob_digit;
	} long_object;
	struct {
		uint64_t size, ob_size, ob_sval;
	} bytes_object;
	struct {
		uint64_t size, state, length, asciiobject_size;
	} unicode_object;
	struct {
		uint64_t size, collecting;
	} gc;
};

_Static_assert(sizeof(struct debug_offsets_313) == LAYOUT_DEBUG_OFFSETS_SIZE,
               "_Py_DebugOffsets 3.13 mirror has the wrong size");

/* No CPython structure we read comes near this; anything bigger is garbage
 * or a different struct. */
#define MAX_PLAUSIBLE (1u << 20)

/* Facts of the 3.13 ABI that the block does not carry. */
enum {
	/* PyThreadState: PyObject **datastack_top follows
	 * _PyStackChunk *datastack_chunk. */
	DATASTACK_TOP_AFTER_CHUNK = 8,
	/* _PyStackChunk { previous; size_t size; size_t top; data[] },
	 * unchanged since 3.11. */
	CHUNK_PREVIOUS = 0,
	CHUNK_SIZE = 8,
	CHUNK_HEADER = 24,
	/* PyCompactUnicodeObject = PyASCIIObject + Py_ssize_t utf8_length +
	 * char *utf8, in both the default and the free-threaded build. */
	COMPACT_EXTRA = 16,
	/* PyASCIIObject.state: interned:2, kind:3, compact:1, ascii:1,
	 * statically_allocated:1 (3.12 and 3.13, both builds). */
	KIND_SHIFT = 2,
	COMPACT_SHIFT = 5,
	ASCII_SHIFT = 6,
	/* enum _frameowner: FRAME_OWNED_BY_CSTACK = 3 (3.12, 3.13). */
	OWNED_BY_CSTACK = 3,
};

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

static int plausible(const struct debug_offsets_313 *d)
{
	uint64_t gil_base = d->interpreter_state.gil_runtime_state;
	uint64_t holder = d->interpreter_state.gil_runtime_state_holder;
	uint64_t isize = d->interpreter_state.size;
	uint64_t tsize = d->thread_state.size;
	uint64_t fsize = d->interpreter_frame.size;
	uint64_t csize = d->code_object.size;
	uint64_t asize = d->unicode_object.asciiobject_size;

	if (d->free_threaded > 1)
		return 0;
	if (!ptr_inside(d->runtime_state.interpreters_head,
	                d->runtime_state.size))
		return 0;
	if (!ptr_inside(d->interpreter_state.next, isize) ||
	    !ptr_inside(d->interpreter_state.threads_head, isize) ||
	    !inside(d->interpreter_state.id, 8, isize) ||
	    !ptr_inside(d->interpreter_state.ceval_gil, isize))
		return 0;
	/* The interpreter's own GIL is embedded in it; last_holder is a
	 * pointer inside that struct. */
	if (!inside(gil_base, 0, isize) || holder < gil_base ||
	    !ptr_inside(holder, isize) || !ptr_inside(holder - gil_base, isize))
		return 0;
	/* gc.collecting is an int inside the interpreter's gc state. */
	if (!inside(d->gc.collecting, 4, d->gc.size) ||
	    !inside(d->interpreter_state.gc, d->gc.size, isize))
		return 0;
	if (!ptr_inside(d->thread_state.next, tsize) ||
	    !ptr_inside(d->thread_state.interp, tsize) ||
	    !ptr_inside(d->thread_state.current_frame, tsize) ||
	    !inside(d->thread_state.thread_id, 8, tsize) ||
	    !inside(d->thread_state.native_thread_id, 8, tsize) ||
	    !ptr_inside(d->thread_state.datastack_chunk, tsize) ||
	    !ptr_inside(d->thread_state.datastack_chunk +
	                        DATASTACK_TOP_AFTER_CHUNK,
	                tsize))
		return 0;
	if (!ptr_inside(d->interpreter_frame.previous, fsize) ||
	    !ptr_inside(d->interpreter_frame.executable, fsize) ||
	    !ptr_inside(d->interpreter_frame.instr_ptr, fsize) ||
	    !inside(d->interpreter_frame.owner, 1, fsize))
		return 0;
	if (!ptr_inside(d->code_object.filename, csize) ||
	    !ptr_inside(d->code_object.name, csize) ||
	    !ptr_inside(d->code_object.qualname, csize) ||
	    !ptr_inside(d->code_object.linetable, csize) ||
	    !inside(d->code_object.firstlineno, 4, csize) ||
	    !inside(d->code_object.co_code_adaptive, 0, csize))
		return 0;
	if (!inside(d->bytes_object.ob_size, 8, d->bytes_object.size) ||
	    !inside(d->bytes_object.ob_sval, 0, d->bytes_object.size))
		return 0;
	if (!inside(asize, 0, d->unicode_object.size) ||
	    !inside(d->unicode_object.length, 8, asize) ||
	    !inside(d->unicode_object.state, 4, asize))
		return 0;
	return 1;
}

int layout_from_debug_offsets(const uint8_t *blob, size_t len,
                              struct py_layout *out)
{
	struct debug_offsets_313 d;
	struct py_layout l;

	if (blob == NULL || out == NULL || len < sizeof d)
		return -1;
	memcpy(&d, blob, sizeof d);
	if (memcmp(d.cookie, "xdebugpy", sizeof d.cookie) != 0)
		return -1;
	if ((d.version >> 24) != 3 || ((d.version >> 16) & 0xff) != 13)
		return -1;
	if (!plausible(&d))
		return -1;

	/* Every value below passed plausible(): each is <= MAX_PLAUSIBLE, so
	 * the narrowing to uint32_t is exact. */
	memset(&l, 0, sizeof l);
	l.major = 3;
	l.minor = 13;
	l.frame_model = FRAME_DIRECT;
	l.line_format = LINES_LOCATIONS;

	l.runtime.size = (uint32_t)d.runtime_state.size;
	l.runtime.interp_head = (uint32_t)d.runtime_state.interpreters_head;
	l.runtime.gil_holder = LAYOUT_NONE;    /* the GIL is per interpreter */
	l.runtime.gc_collecting = LAYOUT_NONE; /* gc is per interpreter */

	l.interp.size = (uint32_t)d.interpreter_state.size;
	l.interp.next = (uint32_t)d.interpreter_state.next;
	l.interp.tstate_head = (uint32_t)d.interpreter_state.threads_head;
	l.interp.id = (uint32_t)d.interpreter_state.id;
	l.interp.gil = (uint32_t)d.interpreter_state.ceval_gil;
	l.interp.gc_collecting =
	        (uint32_t)(d.interpreter_state.gc + d.gc.collecting);

	/* The block gives last_holder inside the interpreter's embedded _gil;
	 * ceval.gil may point at another interpreter's, so keep the offset
	 * relative to struct _gil_runtime_state. */
	l.gil.last_holder =
	        (uint32_t)(d.interpreter_state.gil_runtime_state_holder -
	                   d.interpreter_state.gil_runtime_state);

	l.tstate.size = (uint32_t)d.thread_state.size;
	l.tstate.next = (uint32_t)d.thread_state.next;
	l.tstate.interp = (uint32_t)d.thread_state.interp;
	l.tstate.frame = (uint32_t)d.thread_state.current_frame;
	l.tstate.thread_id = (uint32_t)d.thread_state.thread_id;
	l.tstate.native_thread_id = (uint32_t)d.thread_state.native_thread_id;
	l.tstate.datastack_chunk = (uint32_t)d.thread_state.datastack_chunk;
	/* Not in the block: a fixed neighbour of datastack_chunk in 3.13. */
	l.tstate.datastack_top =
	        l.tstate.datastack_chunk + DATASTACK_TOP_AFTER_CHUNK;

	l.cframe.current_frame = LAYOUT_NONE; /* no _PyCFrame since 3.13 */

	/* Not in the block: _PyStackChunk is a public struct, fixed in 3.13. */
	l.chunk.size = CHUNK_HEADER;
	l.chunk.previous = CHUNK_PREVIOUS;
	l.chunk.chunk_size = CHUNK_SIZE;

	l.frame.size = (uint32_t)d.interpreter_frame.size;
	l.frame.previous = (uint32_t)d.interpreter_frame.previous;
	l.frame.code = (uint32_t)d.interpreter_frame.executable;
	l.frame.lasti = (uint32_t)d.interpreter_frame.instr_ptr;
	l.frame.owner = (uint32_t)d.interpreter_frame.owner;
	/* Not in the block: the enum value is part of the 3.13 ABI. */
	l.frame.owner_cstack = OWNED_BY_CSTACK;

	l.code.size = (uint32_t)d.code_object.size;
	l.code.filename = (uint32_t)d.code_object.filename;
	l.code.name = (uint32_t)d.code_object.name;
	l.code.qualname = (uint32_t)d.code_object.qualname;
	l.code.firstlineno = (uint32_t)d.code_object.firstlineno;
	l.code.linetable = (uint32_t)d.code_object.linetable;
	l.code.code_adaptive = (uint32_t)d.code_object.co_code_adaptive;

	l.bytes.ob_size = (uint32_t)d.bytes_object.ob_size;
	l.bytes.ob_sval = (uint32_t)d.bytes_object.ob_sval;

	l.unicode.length = (uint32_t)d.unicode_object.length;
	l.unicode.state = (uint32_t)d.unicode_object.state;
	l.unicode.ascii_size = (uint32_t)d.unicode_object.asciiobject_size;
	/* Not in the block: see COMPACT_EXTRA and the *_SHIFT constants. */
	l.unicode.compact_size = l.unicode.ascii_size + COMPACT_EXTRA;
	l.unicode.kind_shift = KIND_SHIFT;
	l.unicode.compact_shift = COMPACT_SHIFT;
	l.unicode.ascii_shift = ASCII_SHIFT;

	memcpy(out, &l, sizeof l);
	return 0;
}
