/* Structure offsets of one CPython version: everything the sampler reads.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The per-version tables in layouts/ are generated from CPython's own headers
 * by scripts/gen-layouts; 3.13+ targets carry the same facts in
 * _Py_DebugOffsets, which layout_from_debug_offsets() reads. An offset of
 * LAYOUT_NONE means "this version has no such field".
 *
 * The members marked "(3.13+)" below are filled by the _Py_DebugOffsets
 * reader only; the generated tables leave them 0, which always means the
 * plain pre-3.14 default-build behaviour (documented at each member). */
#ifndef AUSTINC_PYTHON_LAYOUT_H
#define AUSTINC_PYTHON_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define LAYOUT_NONE 0xffffffffu

/* How a thread's Python frames are chained; the unwinder branches on this,
 * never on the version number. */
enum frame_model {
	MODEL_FRAME_OBJECTS, /* <= 3.10: tstate->frame, PyFrameObject.f_back */
	MODEL_CFRAME,        /* 3.11, 3.12: tstate->cframe->current_frame */
	MODEL_DIRECT,        /* 3.13+: tstate->current_frame */
};

/* How the current line is encoded in a code object. */
enum line_format {
	LINES_LNOTAB27,     /* 2.7: co_lnotab, unsigned line increments */
	LINES_LNOTAB,       /* 3.6-3.9: co_lnotab, f_lasti in bytes */
	LINES_LINETABLE310, /* 3.10: co_linetable, f_lasti in code units */
	LINES_LOCATIONS,    /* 3.11+: location table, code units */
};

struct py_layout {
	unsigned major, minor;
	enum frame_model frame_model;
	enum line_format line_format;
	/* (3.13+) Read from the debug offsets of a CPython newer than any
	 * austinc was checked against: see layout_newer_warning(). */
	int newer_than_known;
	/* (3.13+) A free-threaded build (Py_GIL_DISABLED): no GIL holder,
	 * tstate.state tells which threads run. */
	int free_threaded;

	struct {
		/* (3.13+) PyObject.ob_type; 0 stands for 8, where it is in
		 * every default (GIL) build. Use layout_ob_type(). */
		uint32_t ob_type;
	} object;

	struct {
		uint32_t size; /* sizeof(_PyRuntimeState), bytes to read */
		uint32_t interp_head; /* interpreters.head */
		/* interpreters.main (3.7-3.12): the last of the list, which
		 * tells _PyRuntime from other pointers to the interpreters
		 * when no symbol names it (src/python/scan.c) */
		uint32_t interp_main;
		uint32_t gil_holder;    /* ceval.gil.last_holder (<= 3.11) */
		uint32_t gil_locked;    /* ceval.gil.locked, an int (<= 3.11) */
		uint32_t gc_collecting; /* gc.collecting (3.8 only) */
	} runtime;

	struct {
		uint32_t size;
		uint32_t next;
		uint32_t tstate_head; /* tstate_head / threads.head */
		/* modules (2.7, 3.6): set once the interpreter is initialised,
		 * which tells interp_head from a pointer to the running thread
		 * when no symbol names it (src/python/scan.c) */
		uint32_t modules;
		uint32_t id;
		uint32_t gil; /* ceval.gil: pointer to the GIL (3.12+) */
		uint32_t gc_collecting; /* gc.collecting (3.9+) */
	} interp;

	struct {
		uint32_t last_holder; /* in struct _gil_runtime_state (3.12+) */
		uint32_t locked;      /* int, in the same struct (3.12+) */
	} gil;

	struct {
		uint32_t size;
		uint32_t prev; /* LAYOUT_NONE in 2.7, which links one way */
		uint32_t next;
		uint32_t interp;
		uint32_t frame;            /* frame / cframe / current_frame */
		uint32_t thread_id;        /* pthread_t */
		uint32_t native_thread_id; /* Linux TID (3.11+) */
		uint32_t datastack_chunk;  /* 3.11+ */
		uint32_t datastack_top;    /* 3.11+ */
		/* (3.13+) int PyThreadState.state (_Py_THREAD_ATTACHED...);
		 * set for free-threaded builds only, else 0. */
		uint32_t state;
	} tstate;

	struct {
		uint32_t current_frame; /* in _PyCFrame (3.11, 3.12) */
	} cframe;

	struct {
		uint32_t size; /* _PyStackChunk header: bytes before data */
		uint32_t previous;
		uint32_t chunk_size;
	} chunk;

	struct {
		uint32_t size;     /* bytes to read for one frame */
		uint32_t previous; /* f_back / previous */
		uint32_t code;     /* f_code / f_executable */
		uint32_t lasti;    /* f_lasti (int) / prev_instr / instr_ptr */
		uint32_t owner;    /* char; LAYOUT_NONE before 3.11 */
		int32_t owner_cstack; /* owner value of C-stack shim frames, -1
		                         if none */
		/* (3.14+) Bit n set: frames whose owner is n belong to the
		 * interpreter, not to a Python function (entry frames,
		 * sentinels), and are skipped. 0: only owner_cstack is. */
		uint8_t skip_owners;
		/* (3.14+) Tag bits of the _PyStackRef f_executable to clear
		 * to get the code object's address; 0: a plain pointer. */
		uint8_t code_tag_bits;
		/* (3.14+, free-threaded) int32 tlbc_index: which thread-local
		 * copy of the bytecode instr_ptr points into; 0: none. */
		uint32_t tlbc_index;
	} frame;

	struct {
		uint32_t size;
		uint32_t filename;
		uint32_t name;
		uint32_t qualname;    /* 3.11+ */
		uint32_t firstlineno; /* int */
		uint32_t
		        linetable; /* co_lnotab / co_linetable (bytes object) */
		uint32_t code_adaptive; /* first instruction (3.11+) */
		/* (3.14+, free-threaded) _PyCodeArray *co_tlbc; 0: none. */
		uint32_t tlbc;
	} code;

	struct {
		uint32_t ob_size;
		uint32_t ob_sval;
	} bytes;

	struct {
		uint32_t length;
		uint32_t state;      /* the bit-field word */
		uint32_t ascii_size; /* sizeof(PyASCIIObject): ASCII data start
		                      */
		uint32_t compact_size; /* sizeof(PyCompactUnicodeObject) */
		uint8_t kind_shift;    /* state bits: kind (3 bits) */
		uint8_t compact_shift;
		uint8_t ascii_shift;
	} unicode;

	/* (3.14+) Generator objects, for the stacks of suspended
	 * coroutines and tasks (nothing reads them yet). size 0: unknown,
	 * and so is llist. */
	struct {
		uint32_t size;
		uint32_t name;        /* gi_name */
		uint32_t iframe;      /* gi_iframe: its embedded frame */
		uint32_t frame_state; /* gi_frame_state, an int8_t */
	} gen;

	/* (3.14+) struct llist_node, which links asyncio's tasks and the
	 * thread states' task lists; known when gen.size is. */
	struct {
		uint32_t next;
		uint32_t prev;
	} llist;
};

/* The generated table for major.minor, or NULL when there is none. */
const struct py_layout *layout_for_version(unsigned major, unsigned minor);

/* The most bytes of _Py_DebugOffsets that layout_from_debug_offsets() reads
 * (the largest block it knows): read at least this many from the start of
 * the target's _PyRuntime. */
#define LAYOUT_DEBUG_OFFSETS_MAX 1024

/* Fill *out from a _Py_DebugOffsets block copied out of a target (the first
 * bytes of its _PyRuntime): a MODEL_DIRECT / LINES_LOCATIONS layout, for a
 * default or a free-threaded build. The blob is untrusted: the cookie
 * "xdebugpy", the declared version (a PY_VERSION_HEX, 3.13 or later) and
 * every offset austinc uses are checked, and the block must be whole.
 *
 * The block's own shape (which members, in which order) is known for 3.13,
 * 3.14 and, from CPython's development branch, 3.15. A later version is read
 * with the newest shape known and, if that validates, accepted with
 * newer_than_known set; so is 3.15 itself until it is released.
 *
 * Returns 0 on success and -1, leaving *out untouched, when the block is
 * short, its cookie or version is wrong or a value is implausible. */
int layout_from_debug_offsets(const uint8_t *blob, size_t len,
                              struct py_layout *out);

/* The one-line warning for a layout with newer_than_known set ("CPython
 * 3.N is newer than austinc knows; reading it through its debug offsets"),
 * written into buf; returns 0 when the layout needs none (buf untouched). */
int layout_newer_warning(const struct py_layout *l, char *buf, size_t len);

/* PyObject.ob_type in this layout. */
static inline uint32_t layout_ob_type(const struct py_layout *l)
{
	return l->object.ob_type ? l->object.ob_type : 8;
}

/* Is the thread whose PyThreadState was copied into tstate (at least up to
 * tstate.state + 4) attached, i.e. running Python code, in a free-threaded
 * build? Always 0 for other builds, whose running thread is the GIL's. */
int layout_thread_attached(const struct py_layout *l, const uint8_t *tstate);

#endif
