/* The process handle of the python layer: what py_attach() finds and
 * every sample reads through.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_PROCESS_H
#define AUSTINC_PYTHON_PROCESS_H

#include "prefetch.h"
#include "python/code.h"
#include "python/frames.h"
#include "python/python.h"
#include "python/roster.h"
#include "python/runtime.h"

struct py_process {
	pid_t pid;
	struct remote remote;
	struct prefetch prefetch;
	struct py_runtime runtime;
	struct code_reader code;
	struct unwinder unwinder;
	/* Where struct pthread keeps the Linux TID (<= 3.10, which do not
	 * record native thread ids). */
	uint32_t pthread_tid_offset;
	/* The parts of the interpreter and thread states a sample reads. */
	uint32_t interp_read_from, interp_read_size, tstate_read_size;
	/* The last thread state seen holding the process-wide GIL: 2.7 only
	 * says who holds it now, and nobody does while all threads wait. */
	uint64_t last_gil_holder;
	/* A full walk's interpreters, in list order (newest first). */
	struct interp_seen {
		uint64_t addr;
		const uint8_t *state; /* its bytes from interp_read_from on */
	} interps[MAX_INTERPRETERS];
	/* What the last full walk found: src/python/roster.h. */
	struct roster roster;
	/* A thread state read again, on its own (tstate_read_size bytes). */
	uint8_t *tstate_again;
	/* This tick's bytes of each of the roster's thread states. */
	const uint8_t *tstates_read[MAX_THREADS];
	char description[64];
	struct stack stack;
};

/* py_attach() once runtime_find() has found rt in pid's memory, read
 * through remote (which tests make a fake address space). */
enum py_status py_attach_runtime(pid_t pid, const struct remote *remote,
                                 const struct py_runtime *rt,
                                 struct py_process **out, char *why,
                                 size_t why_len);

#endif
