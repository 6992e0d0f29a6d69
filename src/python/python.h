/* The python layer's face: attach to a process's CPython runtime and sample
 * the stacks of all its threads. Knows nothing of output formats.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_PYTHON_H
#define AUSTINC_PYTHON_PYTHON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stack.h"

enum py_status {
	PY_FOUND,       /* an initialised runtime */
	PY_NOT_YET,     /* no runtime (yet): not Python, or not exec'd yet */
	PY_STARTING,    /* a CPython runtime, not initialised yet */
	PY_UNSUPPORTED, /* a CPython austinc cannot read */
	PY_GONE,        /* the process no longer exists */
	PY_DENIED,      /* not allowed to read the process */
	PY_NO_MEMORY,   /* out of memory (why says so) */
};

struct py_process;

/* Attach to pid's runtime if it has one. On PY_FOUND *out holds the new
 * process handle; otherwise why holds a one-line reason. */
enum py_status py_attach(pid_t pid, struct py_process **out, char *why,
                         size_t why_len);
void py_detach(struct py_process *p);

/* "3.11.7 (shared)": the version and where the runtime lives. */
const char *py_description(const struct py_process *p);

/* One thread state, as sampled. */
struct py_thread {
	int64_t iid; /* interpreter id */
	int64_t tid; /* Linux thread id */
	/* The last thread state to take its interpreter's GIL (with
	 * PY_WANT_GIL). The GIL keeps that record after a release, so an
	 * interpreter that has run Python code always has one. */
	int holds_gil;
	/* It holds the GIL at this tick (PY_WANT_RUNNING): the GIL is locked
	 * and it is the holder, so it is running Python code (or, rarely, a
	 * C call that blocks without releasing the GIL). 0 when not, or
	 * unknown. Free-threaded builds: it is attached. */
	int holds_gil_now;
	/* It holds the GIL while its interpreter's collector runs
	 * (PY_WANT_GC). */
	int in_gc;
	/* Its stack has a frame that could not be read (INVALID). */
	int bad_stack;
};

/* Called once per thread sampled, innermost frame first in stack. */
typedef void (*py_thread_fn)(void *ctx, const struct py_thread *thread,
                             const struct stack *stack);

/* What a sample reads beyond the stacks: each costs a few bytes more of
 * remote reads per interpreter. PY_WANT_GC and PY_WANT_RUNNING imply
 * PY_WANT_GIL. */
#define PY_WANT_GIL     1u /* holds_gil */
#define PY_WANT_GC      2u /* in_gc */
#define PY_WANT_RUNNING 4u /* holds_gil_now */

struct py_sample_result {
	int gone;    /* the process has exited (or cannot be read any more) */
	int errors;  /* threads whose stack had an unreadable part */
	int threads; /* threads sampled */
};

/* Sample every thread of every interpreter once; want is a set of
 * PY_WANT_* flags. */
struct py_sample_result py_sample(struct py_process *p, unsigned want,
                                  py_thread_fn fn, void *ctx);
/* The same at a tick that began at now_us (the monotonic clock's
 * microseconds), which the caller read already. */
struct py_sample_result py_sample_at(struct py_process *p, unsigned want,
                                     uint64_t now_us, py_thread_fn fn,
                                     void *ctx);

#endif
