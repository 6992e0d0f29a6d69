/* Finding the runtime of a CPython whose symbols were stripped.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * When no symbol names _PyRuntime (or, before 3.7, interp_head), the
 * writable data of the file that holds the runtime is read from the target
 * once and searched for the one place that is self-consistent with the
 * version's layout. The search is bounded: at most SCAN_MAX_BYTES are read
 * and at most SCAN_MAX_CHECKS candidates are followed into the target. */
#ifndef AUSTINC_PYTHON_SCAN_H
#define AUSTINC_PYTHON_SCAN_H

#include <stdint.h>

#include "python/layout.h"
#include "remote.h"

#define SCAN_MAX_BYTES  (64u << 20)
#define SCAN_MAX_CHECKS 20000

/* Where to search, as addresses in the target. */
struct scan_area {
	uint64_t start, size; /* the file's writable data (.data, .bss) */
	/* Everything the file maps: before 3.7 the interpreters are on the
	 * heap, so a pointer into the file is not one of them. */
	uint64_t file_start, file_end;
};

/* 3.13+: the address of the first _Py_DebugOffsets cookie ("xdebugpy", at
 * the start of _PyRuntime) in the area, or 0. The caller validates the
 * block. */
uint64_t scan_for_debug_offsets(const struct remote *remote,
                                const struct scan_area *area);

/* Up to 3.12: the address that L calls the runtime (_PyRuntime from 3.7,
 * the interp_head pointer before), or 0 when none is found. A candidate
 * must point to a list of interpreters each of whose first thread points
 * back at it and (up to 3.10) runs a code object or nothing (its type is
 * code_type, or when that is 0, a type named "code"); from 3.7 the list must
 * end at the runtime's interpreters.main, and the runtime must fit in the area.
 * Of several, the longest list wins, then the lowest address (2.7 and 3.6 keep
 * a second pointer to the main interpreter, autoInterpreterState, after
 * interp_head). */
uint64_t scan_for_runtime(const struct remote *remote,
                          const struct py_layout *L, uint64_t code_type,
                          const struct scan_area *area);

#endif
