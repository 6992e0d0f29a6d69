/* Launching and reaping the command to profile.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privilege.h"

/* Tell the parent why exec did not happen: errno, negated when the
 * privileges could not be dropped (the command then never runs). */
static void report_and_exit(int report_fd, int err)
{
	ssize_t ignored = write(report_fd, &err, sizeof err);
	(void)ignored;
	_exit(127);
}

static void exec_child(char **argv, int stdout_to_stderr, int report_fd)
{
	if (privilege_drop_for_exec())
		report_and_exit(report_fd, -errno);
	/* Default signal dispositions for the command, whatever ours are. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (stdout_to_stderr)
		dup2(STDERR_FILENO, STDOUT_FILENO);
	execvp(argv[0], argv);
	report_and_exit(report_fd, errno);
}

enum launch_result target_launch(struct target *t, char **argv,
                                 int stdout_to_stderr, char *why,
                                 size_t why_len)
{
	int report[2];
	memset(t, 0, sizeof *t);
	if (pipe2(report, O_CLOEXEC)) {
		snprintf(why, why_len, "cannot launch %s: %s", argv[0],
		         strerror(errno));
		return LAUNCH_FAILED;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "cannot launch %s: %s", argv[0],
		         strerror(errno));
		close(report[0]);
		close(report[1]);
		return LAUNCH_FAILED;
	}
	if (pid == 0) {
		close(report[0]);
		exec_child(argv, stdout_to_stderr, report[1]);
	}
	close(report[1]);
	t->pid = pid;
	t->launched = 1;
	int err = 0;
	ssize_t n;
	do
		n = read(report[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n <= 0)
		return LAUNCH_OK; /* the pipe closed on a successful exec */
	target_wait(t);
	if (err < 0) {
		snprintf(why, why_len,
		         "cannot drop privileges to launch %s: %s", argv[0],
		         strerror(-err));
		return LAUNCH_FAILED;
	}
	if (err == ENOENT) {
		snprintf(why, why_len, "%s: command not found", argv[0]);
		return LAUNCH_NOT_FOUND;
	}
	snprintf(why, why_len, "cannot execute %s: %s", argv[0], strerror(err));
	return LAUNCH_NOT_EXECUTABLE;
}

void target_attach(struct target *t, pid_t pid)
{
	memset(t, 0, sizeof *t);
	t->pid = pid;
}

int target_exited(struct target *t)
{
	if (!t->launched || t->reaped)
		return t->reaped;
	int status;
	pid_t r = waitpid(t->pid, &status, WNOHANG);
	if (r == t->pid) {
		t->reaped = 1;
		t->status = status;
	}
	return t->reaped;
}

void target_wait(struct target *t)
{
	while (t->launched && !t->reaped) {
		int status;
		pid_t r = waitpid(t->pid, &status, 0);
		if (r == t->pid) {
			t->reaped = 1;
			t->status = status;
		} else if (r < 0 && errno != EINTR) {
			break;
		}
	}
}

int target_exit_code(const struct target *t)
{
	if (!t->reaped)
		return 0;
	if (WIFEXITED(t->status))
		return WEXITSTATUS(t->status);
	if (WIFSIGNALED(t->status))
		return 128 + WTERMSIG(t->status);
	return 1;
}
