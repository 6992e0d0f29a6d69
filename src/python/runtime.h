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
	uint64_t addr;                /* _PyRuntime in the target */
	unsigned major, minor, micro; /* micro is 0 when unknown */
	int shared; /* the runtime lives in libpython, not the executable */
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
