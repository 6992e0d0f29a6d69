/* Structure offsets of one CPython version: everything the sampler reads.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The per-version tables in layouts/ are generated from CPython's own headers
 * by scripts/gen-layouts; 3.13+ targets carry the same facts in
 * _Py_DebugOffsets, which layout_from_debug_offsets() reads. An offset of
 * LAYOUT_NONE means "this version has no such field". */
#ifndef AUSTINC_PYTHON_LAYOUT_H
#define AUSTINC_PYTHON_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define LAYOUT_NONE 0xffffffffu

/* How a thread's Python frames are chained; the unwinder branches on this,
 * never on the version number. */
enum frame_model {
	FRAME_OBJECTS, /* <= 3.10: tstate->frame, PyFrameObject.f_back */
	FRAME_CFRAME,  /* 3.11, 3.12: tstate->cframe->current_frame */
	FRAME_DIRECT,  /* 3.13+: tstate->current_frame */
};

/* How the current line is encoded in a code object. */
enum line_format {
	LINES_LNOTAB,       /* <= 3.9: co_lnotab, f_lasti in bytes */
	LINES_LINETABLE310, /* 3.10: co_linetable, f_lasti in code units */
	LINES_LOCATIONS,    /* 3.11+: location table, code units */
};

struct py_layout {
	unsigned major, minor;
	enum frame_model frame_model;
	enum line_format line_format;

	struct {
		uint32_t size; /* sizeof(_PyRuntimeState), bytes to read */
		uint32_t interp_head;   /* interpreters.head */
		uint32_t gil_holder;    /* ceval.gil.last_holder (<= 3.11) */
		uint32_t gc_collecting; /* gc.collecting (3.8 only) */
	} runtime;

	struct {
		uint32_t size;
		uint32_t next;
		uint32_t tstate_head; /* tstate_head / threads.head */
		uint32_t id;
		uint32_t gil; /* ceval.gil: pointer to the GIL (3.12+) */
		uint32_t gc_collecting; /* gc.collecting (3.9+) */
	} interp;

	struct {
		uint32_t last_holder; /* in struct _gil_runtime_state (3.12+) */
	} gil;

	struct {
		uint32_t size;
		uint32_t next;
		uint32_t interp;
		uint32_t frame;            /* frame / cframe / current_frame */
		uint32_t thread_id;        /* pthread_t */
		uint32_t native_thread_id; /* Linux TID (3.11+) */
		uint32_t datastack_chunk;  /* 3.11+ */
		uint32_t datastack_top;    /* 3.11+ */
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
};

/* The generated table for major.minor, or NULL when there is none. */
const struct py_layout *layout_for_version(unsigned major, unsigned minor);

/* Bytes of _Py_DebugOffsets, as laid out by CPython 3.13, that
 * layout_from_debug_offsets() needs: read at least this many from the start
 * of the target's _PyRuntime. */
#define LAYOUT_DEBUG_OFFSETS_SIZE 584

/* Fill *out from a _Py_DebugOffsets block copied out of a target (the first
 * bytes of its _PyRuntime): a FRAME_DIRECT / LINES_LOCATIONS layout. The blob
 * is untrusted: it is bounds-checked and every offset is checked for
 * plausibility. Only 3.13 blocks (default or free-threaded build) are
 * accepted: 3.14 reshaped the struct, so its blocks are rejected.
 *
 * Returns 0 on success and -1, leaving *out untouched, when len is short,
 * the cookie is not "xdebugpy", the version is not 3.13 or a value is
 * implausible. */
int layout_from_debug_offsets(const uint8_t *blob, size_t len,
                              struct py_layout *out);

#endif
