/* Finding a CPython runtime in a process and choosing its layout.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_RUNTIME_H
#define AUSTINC_PYTHON_RUNTIME_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "python/code.h"
#include "python/layout.h"
#include "python/python.h"
#include "remote.h"

struct py_runtime {
	/* _PyRuntime in the target; before 3.7, which has none, the static
	 * interp_head pointer (its layout then has interp_head at 0). */
	uint64_t addr;
	/* Where the one GIL of the process records its holder, a thread state
	 * pointer: _PyRuntime.ceval.gil.last_holder (3.7-3.11), the static
	 * gil_last_holder (3.6), or _PyThreadState_Current (2.7, whose GIL
	 * keeps no record: the pointer is NULL while the GIL is free). 0 when
	 * the GIL is per interpreter (3.12+) or cannot be found. */
	uint64_t gil_holder_at;
	/* The int that says the GIL is held right now,
	 * _PyRuntime.ceval.gil.locked (3.7-3.11); 0 otherwise (2.7 and 3.6
	 * then read gil_holder_at as "held by", NULL when free). */
	uint64_t gil_locked_at;
	/* The collector's one `collecting` flag (an int): _PyRuntime.gc (3.7,
	 * 3.8) or a static of gcmodule.c (2.7, 3.6). 0 when it is per
	 * interpreter (3.9+) or cannot be found. */
	uint64_t gc_collecting_at;
	unsigned major, minor, micro;
	int has_micro; /* micro is known (Py_Version, 3.11+, when not stripped)
	                */
	int shared;    /* the runtime lives in libpython, not the executable */
	char path[PATH_MAX]; /* the file that holds it, as the target sees it */
	struct py_layout layout;
	struct py_types types;
};

/* Look for a CPython runtime in pid. PY_FOUND once the runtime exists and
 * its main interpreter has a thread; PY_NOT_YET while there is none (yet);
 * otherwise why not, with a message in why. */
enum py_status runtime_find(pid_t pid, const struct remote *remote,
                            struct py_runtime *rt, char *why, size_t why_len);

#endif
