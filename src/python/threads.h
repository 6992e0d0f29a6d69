/* Interpreters and thread states: the roster of a process's threads, and
 * each thread's sample.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PYTHON_THREADS_H
#define AUSTINC_PYTHON_THREADS_H

#include "python/process.h"

/* At attach time, once the runtime, read-ahead, code reader and unwinder
 * are set up: what a sample reads of the interpreter and thread states,
 * and where the TIDs are. -1 when out of memory. */
int threads_init(struct py_process *p);

/* Sample every thread state of every interpreter at a tick that began at
 * now (the read-ahead and the unwinder started it already), into res. */
void threads_sample(struct py_process *p, unsigned want, uint64_t now,
                    py_thread_fn fn, void *ctx, struct py_sample_result *res);

#endif
