/* The controller: launch the command or attach to the PID, wait for its
 * Python runtime, collect its status at the end, and explain every way
 * this can fail, each with its exit code.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_CONTROLLER_H
#define AUSTINC_CONTROLLER_H

#include <stdint.h>
#include <sys/types.h>

#include "finder.h"
#include "options.h"
#include "python/python.h"
#include "signals.h"
#include "target.h"
#include "tracked.h"

/* Exit codes, as documented in austinc(1). A launched command's own exit
 * status replaces EXIT_OK once it has been sampled. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,
	EXIT_USAGE = 2,
	EXIT_NO_PROCESS = 3,
	EXIT_DENIED = 4,
	EXIT_NOT_PYTHON = 5,
	EXIT_UNSUPPORTED = 6,
	EXIT_OUTPUT = 7,
	EXIT_NOT_EXECUTABLE = 126,
	EXIT_NOT_FOUND = 127,
	/* Internal: a launched Python command ended before sampling began. */
	EXIT_EXITED_EARLY = -1,
};

/* How often the process table is read for new descendants (-C). */
#define CHILD_SCAN_US 50000

struct controller {
	const struct options *opts;
	const struct signal_flags *signals;
	struct target target;
	/* --pidfile, --name: what names the process; NULL otherwise. */
	const struct finder *finder;
	/* -C: where descendants found running Python are added. */
	struct tracked_set *tracked;
	uint64_t next_scan_us;
};

/* Launch or attach (with a finder, to the process it names, waited for up
 * to the timeout with --follow); EXIT_OK or the code, explained. */
int controller_start(struct controller *c);

/* Poll for an initialised runtime until the timeout: the target's (in
 * *py) or, with -C, a descendant's (in c->tracked). EXIT_OK, or the code
 * (EXIT_EXITED_EARLY: a Python command that ended at once), explained. */
int controller_wait_for_runtime(struct controller *c, struct py_process **py);

/* Sampling will not happen: terminate and reap a launched command. */
void controller_abandon(struct controller *c);

/* After sampling: the launched command's status as the exit code (a
 * SIGTERM is passed on to it; a second Ctrl-C leaves it be); EXIT_OK for
 * an attached process. */
int controller_finish(struct controller *c);

/* Tell the user why the process called subject ("process 42", or the
 * command) cannot be sampled: st from py_attach, why its detail. Returns
 * the exit code (EXIT_OK for PY_FOUND, when nothing is said). */
int controller_explain(enum py_status st, pid_t pid, const char *subject,
                       const char *why);

/* Say that austinc refuses to read a process its caller could not (why,
 * from privilege_admit); returns EXIT_DENIED. */
int controller_refuse(const char *why);

#endif
