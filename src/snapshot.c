/* -w/--where: one look at every thread, printed for a person.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "snapshot.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "controller.h"
#include "emit/where.h"
#include "log.h"
#include "privilege.h"
#include "procfs.h"
#include "python/python.h"
#include "tasks.h"

#define MAX_DESCENDANTS 4096

struct snapshot {
	pid_t pid;
	struct tasks *tasks;
	int colour;
};

static void print_thread(void *ctx, const struct py_thread *t,
                         const struct stack *stack)
{
	struct snapshot *sn = ctx;
	struct sample sm = {.pid = sn->pid,
	                    .iid = t->iid,
	                    .tid = t->tid,
	                    .stack = stack,
	                    .gc = t->in_gc};
	sm.idle = sn->tasks && tasks_idle(sn->tasks, t->tid) == 1;
	where_thread(stdout, sn->colour, &sm);
}

/* Print one process's threads; 0, or -1 when it went away meanwhile. */
static int show(struct py_process *py, pid_t pid, int colour)
{
	struct snapshot sn = {
	        .pid = pid, .tasks = tasks_new(pid), .colour = colour};
	where_process(stdout, colour, pid, py_description(py));
	if (sn.tasks)
		tasks_begin_tick(sn.tasks);
	struct py_sample_result r =
	        py_sample(py, PY_WANT_GC, print_thread, &sn);
	tasks_free(sn.tasks);
	return r.gone ? -1 : 0;
}

/* Under privilege: may pid, admitted into w, be read now, just before it
 * is? A refusal is an error for the process named by -w (EXIT_DENIED), a
 * note for a descendant; a process gone since is not read, lest its PID
 * be another's now. EXIT_OK, or the code. */
static int check_again(const struct privilege_watch *w, pid_t pid, int named)
{
	char why[512];
	switch (privilege_watch_check(w, pid, 1, why, sizeof why)) {
	case PRIVILEGE_ALLOWED:
		return EXIT_OK;
	case PRIVILEGE_REFUSED:
		if (named)
			return controller_refuse(why);
		log_note("leaving out %s", why);
		return EXIT_DENIED;
	case PRIVILEGE_GONE:
		break;
	}
	if (named)
		log_error("process %d exited while being read", (int)pid);
	return EXIT_NO_PROCESS;
}

/* Attach to the named process, explaining a failure; EXIT_OK or the code. */
static int attach_root(pid_t pid, struct py_process **py,
                       struct privilege_watch *w)
{
	char why[512];
	if (kill(pid, 0) != 0 && errno == ESRCH) {
		log_error("no such process: %d", (int)pid);
		return EXIT_NO_PROCESS;
	}
	if (privilege_admit(pid, w, why, sizeof why) == PRIVILEGE_REFUSED)
		return controller_refuse(why);
	char subject[32];
	snprintf(subject, sizeof subject, "process %d", (int)pid);
	return controller_explain(py_attach(pid, py, why, sizeof why), pid,
	                          subject, why);
}

/* -C: the Python descendants, each in turn; the others are passed over.
 * EXIT_INTERNAL when out of memory. */
static int show_descendants(pid_t root, int colour)
{
	static pid_t pids[MAX_DESCENDANTS];
	int n = procfs_descendants(root, pids, MAX_DESCENDANTS);
	for (int i = 0; i < n; i++) {
		struct py_process *py = NULL;
		struct privilege_watch w;
		char why[512];
		enum privilege_verdict v =
		        privilege_admit(pids[i], &w, why, sizeof why);
		if (v == PRIVILEGE_REFUSED)
			log_note("leaving out %s", why);
		enum py_status st =
		        v == PRIVILEGE_ALLOWED
		                ? py_attach(pids[i], &py, why, sizeof why)
		                : PY_DENIED;
		if (st == PY_FOUND && check_again(&w, pids[i], 0) == EXIT_OK) {
			putchar('\n');
			show(py, pids[i], colour);
		}
		py_detach(py);
		privilege_watch_close(&w);
		if (st == PY_NO_MEMORY)
			return controller_explain(st, pids[i], "", why);
	}
	return EXIT_OK;
}

int snapshot_run(const struct options *opts)
{
	struct py_process *py = NULL;
	struct privilege_watch w = {.fd = -1};
	int code = attach_root(opts->where_pid, &py, &w);
	if (code == EXIT_OK)
		code = check_again(&w, opts->where_pid, 1);
	privilege_watch_close(&w);
	if (code != EXIT_OK) {
		py_detach(py);
		return code;
	}
	int colour = isatty(STDOUT_FILENO) && !privilege_getenv("NO_COLOR");
	int gone = show(py, opts->where_pid, colour);
	py_detach(py);
	if (gone) {
		log_error("process %d exited while being read",
		          (int)opts->where_pid);
		return EXIT_NO_PROCESS;
	}
	if (opts->children && show_descendants(opts->where_pid, colour))
		return EXIT_INTERNAL;
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_OUTPUT;
}
