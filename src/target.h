/* The process austinc samples: launched as a child, or attached by PID.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_TARGET_H
#define AUSTINC_TARGET_H

#include <stddef.h>
#include <sys/types.h>

struct target {
	pid_t pid;
	int launched; /* we forked it and must reap it */
	int reaped;   /* its wait status is in status */
	int status;
};

enum launch_result {
	LAUNCH_OK,
	LAUNCH_NOT_FOUND,      /* exec: no such file in PATH */
	LAUNCH_NOT_EXECUTABLE, /* exec: permission denied, bad format */
	LAUNCH_FAILED,         /* fork or pipe failed */
};

/* Fork and exec argv (searching PATH). With stdout_to_stderr the command's
 * standard output goes to our standard error, so that it cannot mix with
 * samples written to stdout. The child learns of exec failures through a
 * close-on-exec pipe, so the result is known when this returns. */
enum launch_result target_launch(struct target *t, char **argv,
                                 int stdout_to_stderr, char *why,
                                 size_t why_len);

void target_attach(struct target *t, pid_t pid);

/* Has the launched child exited? Reaps it without blocking. Always 0 for an
 * attached process (the sampler notices those through failed reads). */
int target_exited(struct target *t);

/* Wait for the launched child to exit. */
void target_wait(struct target *t);

/* The launched child's status as an exit code: its own code, or 128 + the
 * signal that killed it. */
int target_exit_code(const struct target *t);

#endif
