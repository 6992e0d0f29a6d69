/* A sampling session: find the runtime, tick until the end, report.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SESSION_H
#define AUSTINC_SESSION_H

#include <sys/types.h>

#include "options.h"

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

/* Say how to get permission to read pid; returns EXIT_DENIED. */
int session_report_denied(pid_t pid);

/* Say that austinc refuses to read a process its caller could not (why,
 * from privilege_admit); returns EXIT_DENIED. */
int session_report_refused(const char *why);

/* Run a session as the options say; returns the exit code. */
int session_run(const struct options *opts);

#endif
