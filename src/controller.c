/* The controller (controller.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "controller.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "privilege.h"
#include "procfs.h"
#include "timeutil.h"

/* While waiting for a runtime: poll fast at first, so that a program that
 * runs only milliseconds is still caught, then relax. */
#define FAST_POLL_US     100
#define FAST_POLL_FOR_US 1000000
#define SLOW_POLL_US     2000

int controller_explain(enum py_status st, pid_t pid, const char *subject,
                       const char *why)
{
	switch (st) {
	case PY_FOUND:
		return EXIT_OK;
	case PY_DENIED:
		log_error("permission denied reading process %d: run as root, "
		          "or give austinc CAP_SYS_PTRACE (setcap "
		          "cap_sys_ptrace+ep austinc), or relax "
		          "kernel.yama.ptrace_scope",
		          (int)pid);
		return EXIT_DENIED;
	case PY_UNSUPPORTED:
		log_error("%s", why);
		return EXIT_UNSUPPORTED;
	case PY_NO_MEMORY:
		log_error("%s", why);
		return EXIT_INTERNAL;
	case PY_GONE:
		log_error("%s has exited", subject);
		return EXIT_NO_PROCESS;
	case PY_NOT_YET:
	case PY_STARTING:
		break;
	}
	log_error("%s is not a Python process: %s", subject, why);
	return EXIT_NOT_PYTHON;
}

int controller_refuse(const char *why)
{
	log_error("refusing to attach to %s", why);
	return EXIT_DENIED;
}

/* Has a signal cut a wait short? Its exit code, after saying so; else 0. */
static int interrupted(const struct controller *c, const char *waiting_for)
{
	if (!c->signals->interrupts && !signals_terminate(c->signals))
		return 0;
	log_error("interrupted while waiting for %s", waiting_for);
	return 128 + (c->signals->interrupts ? SIGINT : SIGTERM);
}

/* --pidfile, --name: the process they name now or, with --follow, within
 * the timeout. */
static int find_target(struct controller *c)
{
	char why[512];
	uint64_t start = now_us();
	if (c->opts->follow) /* started for good: the wait is the service */
		notify_ready("waiting for the process to follow");
	for (;;) {
		pid_t pid;
		enum find_result r =
		        finder_find(c->finder, &pid, why, sizeof why);
		if (r == FIND_OK) {
			target_attach(&c->target, pid);
			return EXIT_OK;
		}
		if (r != FIND_NONE || !c->opts->follow ||
		    now_us() - start >= c->opts->timeout_us) {
			log_error("%s", why);
			return EXIT_NO_PROCESS;
		}
		int code = interrupted(c, "the process to follow");
		if (code)
			return code;
		sleep_us(SLOW_POLL_US * 10);
	}
}

int controller_start(struct controller *c)
{
	const struct options *o = c->opts;
	char why[512];
	if (c->finder)
		return find_target(c);
	if (o->pid) {
		target_attach(&c->target, o->pid);
		if (kill(o->pid, 0) == 0 || errno == EPERM)
			return EXIT_OK;
		log_error("no such process: %d", (int)o->pid);
		return EXIT_NO_PROCESS;
	}
	enum launch_result r = target_launch(
	        &c->target, o->argv, o->output == NULL, why, sizeof why);
	if (r == LAUNCH_OK)
		return EXIT_OK;
	log_error("%s", why);
	return r == LAUNCH_NOT_FOUND        ? EXIT_NOT_FOUND
	       : r == LAUNCH_NOT_EXECUTABLE ? EXIT_NOT_EXECUTABLE
	                                    : EXIT_INTERNAL;
}

/* The launched command ended before sampling began. A Python program that
 * ran only milliseconds is no failure: its (empty) profile is written and
 * its status passed on. */
static int exited_while_starting(const struct controller *c, int seen_python)
{
	if (!seen_python) {
		log_error("%s exited before a Python runtime was found",
		          c->opts->argv[0]);
		return EXIT_NOT_PYTHON;
	}
	return EXIT_EXITED_EARLY;
}

/* Is the launched command running an executable named python*? Asked
 * while polling: if it then exits before its runtime could be read (a
 * program of a few milliseconds on a busy machine), it still counts as a
 * Python program that ended early. */
static int looks_like_python(const struct controller *c)
{
	char exe[PATH_MAX];
	if (!c->target.launched)
		return 0;
	/* An exited child (a zombie until we reap it) has no exe, but keeps
	 * its command name: a program of a few milliseconds may have been
	 * seen only then, on a busy machine. */
	if (procfs_exe(c->target.pid, exe, sizeof exe) &&
	    procfs_comm(c->target.pid, exe, sizeof exe))
		return 0;
	const char *base = strrchr(exe, '/');
	return strncmp(base ? base + 1 : exe, "python", 6) == 0;
}

/* -C: the command may be no Python itself but start Python processes (a
 * shell script, a build tool): sampling begins with the first of them.
 * Scanned at the children's period, not at every poll. */
static int found_python_child(struct controller *c)
{
	uint64_t now = now_us();
	if (!c->opts->children || now < c->next_scan_us)
		return 0;
	tracked_scan_children(c->tracked, c->target.pid, now,
	                      c->opts->timeout_us);
	c->next_scan_us = now + CHILD_SCAN_US;
	return c->tracked->n > 0;
}

/* No runtime within the timeout. */
static int not_python(const struct controller *c, const char *why)
{
	char subject[64], detail[600];
	if (c->target.launched)
		snprintf(subject, sizeof subject, "%s", c->opts->argv[0]);
	else
		snprintf(subject, sizeof subject, "process %d",
		         (int)c->target.pid);
	snprintf(detail, sizeof detail, "%s within the timeout", why);
	return controller_explain(PY_NOT_YET, c->target.pid, subject, detail);
}

/* One poll: EXIT_OK when found, a code when waiting is over, else 1. */
static int poll_runtime(struct controller *c, struct py_process **py,
                        int *seen_python, char *why, size_t len)
{
	pid_t pid = c->target.pid;
	if (privilege_admit(pid, NULL, why, len) == PRIVILEGE_REFUSED)
		return controller_refuse(why);
	enum py_status st = py_attach(pid, py, why, len);
	if (st == PY_FOUND || st == PY_DENIED || st == PY_UNSUPPORTED ||
	    st == PY_NO_MEMORY)
		return controller_explain(st, pid, "", why);
	*seen_python |= st == PY_STARTING || looks_like_python(c);
	if (found_python_child(c))
		return EXIT_OK;
	if (st == PY_GONE && c->target.launched)
		target_wait(&c->target); /* it died: reap it */
	if (target_exited(&c->target))
		return exited_while_starting(c, *seen_python);
	if (st == PY_GONE) {
		char subject[32];
		snprintf(subject, sizeof subject, "process %d", (int)pid);
		return controller_explain(st, pid, subject, why);
	}
	return 1;
}

int controller_wait_for_runtime(struct controller *c, struct py_process **py)
{
	char why[512] = "no Python runtime found";
	uint64_t start = now_us();
	int seen_python = 0;
	for (;;) {
		int code = poll_runtime(c, py, &seen_python, why, sizeof why);
		if (code != 1)
			return code;
		uint64_t waited = now_us() - start;
		if (waited >= c->opts->timeout_us)
			return not_python(c, why);
		code = interrupted(c, "a Python runtime");
		if (code)
			return code;
		sleep_us(waited < FAST_POLL_FOR_US ? FAST_POLL_US
		                                   : SLOW_POLL_US);
	}
}

void controller_abandon(struct controller *c)
{
	if (c->target.launched && !target_exited(&c->target)) {
		kill(c->target.pid, SIGTERM);
		target_wait(&c->target);
	}
}

int controller_finish(struct controller *c)
{
	if (!c->target.launched)
		return EXIT_OK;
	if (signals_terminate(c->signals) && !target_exited(&c->target))
		kill(c->target.pid, SIGTERM);
	while (!target_exited(&c->target) && c->signals->interrupts < 2)
		sleep_us(10000);
	return c->target.reaped ? target_exit_code(&c->target) : 128 + SIGINT;
}
