/* The session: start or attach, wait for the runtime, the tick loop, the
 * footer and summary, and the mapping of every outcome to an exit code.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cache.h"
#include "cmdline.h"
#include "emit/collapsed.h"
#include "emit/mojo.h"
#include "emit/sink.h"
#include "log.h"
#include "privilege.h"
#include "procfs.h"
#include "python/python.h"
#include "sample.h"
#include "stats.h"
#include "system.h"
#include "target.h"
#include "timeutil.h"
#include "tracked.h"

#define THREAD_CLOCKS 4096
/* While waiting for a runtime: poll fast at first, so that a program that
 * runs only milliseconds is still caught, then relax. */
#define FAST_POLL_US     100
#define FAST_POLL_FOR_US 1000000
#define SLOW_POLL_US     2000
/* -C: how often the process table is read for new descendants. */
#define CHILD_SCAN_US 50000
/* A descendant whose runtime cannot be read for this many ticks in a row
 * (it exec'd something else, say) is dropped; a later scan may find it
 * again. */
#define MAX_FAILED_TICKS 100
/* --system: the shortest period worth a last batch when sampling ends. */
#define MIN_LAST_SYSTEM_US 10000

static volatile sig_atomic_t interrupts; /* SIGINT count */
static volatile sig_atomic_t terminated; /* SIGTERM or SIGHUP seen */

static void on_interrupt(int sig)
{
	(void)sig;
	interrupts++;
}

static void on_terminate(int sig)
{
	(void)sig;
	terminated = 1;
}

static void install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_terminate;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error */
}

struct session {
	const struct options *opts;
	struct target target;
	struct py_process *py; /* the first process's, until it is tracked */
	struct sink *sink;
	struct stats stats;
	enum metric_kind metric;
	unsigned want; /* PY_WANT_* */
	struct tracked_set tracked;
	struct mojo *mojo;           /* -b: MOJO instead of text */
	struct collapsed *collapsed; /* else text */
	struct system *system;       /* --system: machine and process metrics */
	uint64_t next_system_us, last_system_us;
	int root_tracked, root_gone, root_refused;
	uint64_t tick_us, previous_tick_us, next_scan_us;
	/* The process being sampled, and its RSS change waiting for the GIL
	 * holder's line. */
	struct tracked *current;
	int64_t rss_delta;
	int tick_gc;
	/* When each thread state (interpreter id, TID) was last sampled, to
	 * charge it the time since: one OS thread can hold a thread state in
	 * several interpreters. Bounded: threads that are gone age out. */
	struct cache *clocks;
};

/* Microseconds to charge thread state (iid, tid) for this tick. */
static uint64_t thread_elapsed(struct session *s, int64_t iid, int64_t tid)
{
	/* Linux TIDs (never 0 here) fit in 32 bits: the interpreter id goes
	 * above them. The value stored is the time, which is never 0 either. */
	uint64_t key = ((uint64_t)iid << 32) ^ (uint64_t)tid;
	uintptr_t last = (uintptr_t)cache_get(s->clocks, key);
	cache_put(s->clocks, key, (void *)(uintptr_t)s->tick_us);
	return s->tick_us - (last ? last : s->previous_tick_us);
}

/* --folded writes stacks and counts only: no metadata. */
static void emit_metadata(struct session *s, const char *key, const char *value)
{
	if (s->opts->folded != FOLDED_NONE)
		return;
	if (s->mojo)
		mojo_metadata(s->mojo, s->sink, key, value);
	else
		collapsed_metadata(s->sink, key, value);
	sink_mark(s->sink);
}

/* A process left out because austinc may not read it (privilege.h). */
static void note_dropped(void *ctx, const char *why)
{
	log_note("leaving out %s", why);
	emit_metadata(ctx, "dropped", why);
}

/* The one count of a --folded line; 0 leaves the line out. */
static uint64_t folded_count(enum folded_metric folded, const struct sample *sm)
{
	switch (folded) {
	case FOLDED_GROWTH:
		return sm->rss_delta > 0 ? (uint64_t)sm->rss_delta : 0;
	case FOLDED_RELEASE:
		return sm->rss_delta < 0 ? -(uint64_t)sm->rss_delta : 0;
	default:
		return sm->time_us;
	}
}

static void emit_sample(struct session *s, const struct sample *sm)
{
	uint64_t count;
	if (s->mojo)
		mojo_sample(s->mojo, s->sink, s->metric, sm);
	else if (s->opts->folded == FOLDED_NONE)
		collapsed_sample(s->collapsed, s->sink, s->metric, sm);
	else if ((count = folded_count(s->opts->folded, sm)) != 0)
		collapsed_folded(s->collapsed, s->sink, count, sm);
	sink_mark(s->sink);
}

/* Memory goes to the GIL holder's line only, once per process and tick. */
static int64_t take_rss_delta(struct session *s, const struct py_thread *t)
{
	int64_t delta = s->rss_delta;
	if (!t->holds_gil || s->metric == LINE_TIME)
		return 0;
	s->rss_delta = 0;
	s->current->charged_rss = s->current->rss;
	stats_add_rss_delta(&s->stats, delta);
	if (s->current->pid == s->target.pid)
		stats_root_rss_charged(&s->stats, s->current->charged_rss);
	return delta;
}

/* Is the thread idle: not running in the kernel's eyes? The thread that
 * holds the GIL at this tick runs Python code, which saves reading its
 * state (/proc/PID/task/TID/stat costs about as much as the rest of a
 * sample); the others are read. */
static int is_idle(struct tasks *tasks, const struct py_thread *t)
{
	if (t->holds_gil_now) {
		tasks_keep(tasks, t->tid);
		return 0;
	}
	return tasks_idle(tasks, t->tid) == 1;
}

static void emit_thread(void *ctx, const struct py_thread *t,
                        const struct stack *stack)
{
	struct session *s = ctx;
	struct tracked *p = s->current;
	if (!tracked_owns(p, t->tid, s->tick_us))
		return; /* a thread state a fork left behind */
	struct sample sm = {.pid = p->pid,
	                    .iid = t->iid,
	                    .tid = t->tid,
	                    .stack = stack,
	                    .gc = t->in_gc};
	sm.idle = p->tasks && is_idle(p->tasks, t);
	sm.rss_delta = take_rss_delta(s, t);
	s->tick_gc |= t->in_gc;
	s->stats.thread_samples++;
	s->stats.stack_errors += (uint64_t)t->bad_stack;
	s->stats.idle_samples += sm.idle;
	if (s->metric == LINE_MEMORY) {
		if (sm.rss_delta != 0)
			emit_sample(s, &sm);
		return;
	}
	sm.time_us = thread_elapsed(s, t->iid, t->tid);
	if (s->opts->sleepless && sm.idle)
		return; /* -s: time mode only (options settle the modes) */
	emit_sample(s, &sm);
}

static int start_target(struct session *s)
{
	const struct options *o = s->opts;
	char why[512];
	if (o->pid) {
		target_attach(&s->target, o->pid);
		if (kill(o->pid, 0) == 0 || errno == EPERM)
			return EXIT_OK;
		log_error("no such process: %d", (int)o->pid);
		return EXIT_NO_PROCESS;
	}
	switch (target_launch(&s->target, o->argv, o->output == NULL, why,
	                      sizeof why)) {
	case LAUNCH_OK:
		return EXIT_OK;
	case LAUNCH_NOT_FOUND:
		log_error("%s", why);
		return EXIT_NOT_FOUND;
	case LAUNCH_NOT_EXECUTABLE:
		log_error("%s", why);
		return EXIT_NOT_EXECUTABLE;
	case LAUNCH_FAILED:
		break;
	}
	log_error("%s", why);
	return EXIT_INTERNAL;
}

int session_report_denied(pid_t pid)
{
	log_error("permission denied reading process %d: run as root, or give "
	          "austinc CAP_SYS_PTRACE (setcap cap_sys_ptrace+ep austinc), "
	          "or relax kernel.yama.ptrace_scope",
	          (int)pid);
	return EXIT_DENIED;
}

int session_report_refused(const char *why)
{
	log_error("refusing to attach to %s", why);
	return EXIT_DENIED;
}

static int report_not_python(const struct session *s, const char *why)
{
	if (s->target.launched)
		log_error("%s is not a Python process: %s within the timeout",
		          s->opts->argv[0], why);
	else
		log_error("process %d is not a Python process: %s within the "
		          "timeout",
		          (int)s->target.pid, why);
	return EXIT_NOT_PYTHON;
}

/* The launched command ended before sampling began. A Python program that
 * ran only milliseconds is no failure: its (empty) profile is written and
 * its status passed on. */
static int exited_while_starting(struct session *s, int seen_python)
{
	if (!seen_python) {
		log_error("%s exited before a Python runtime was found",
		          s->opts->argv[0]);
		return EXIT_NOT_PYTHON;
	}
	return EXIT_EXITED_EARLY;
}

/* Is the launched command running an executable named python*? Asked
 * while polling: if it then exits before its runtime could be read (a
 * program of a few milliseconds on a busy machine), it still counts as a
 * Python program that ended early. */
static int looks_like_python(const struct session *s)
{
	char exe[PATH_MAX];
	if (!s->target.launched)
		return 0;
	/* An exited child (a zombie until we reap it) has no exe, but keeps
	 * its command name: a program of a few milliseconds may have been
	 * seen only then, on a busy machine. */
	if (procfs_exe(s->target.pid, exe, sizeof exe) &&
	    procfs_comm(s->target.pid, exe, sizeof exe))
		return 0;
	const char *base = strrchr(exe, '/');
	return strncmp(base ? base + 1 : exe, "python", 6) == 0;
}

/* -C: the command may be no Python itself but start Python processes (a
 * shell script, a build tool): sampling begins with the first of them.
 * Scanned at the children's period, not at every poll. */
static int found_python_child(struct session *s)
{
	uint64_t now = now_us();
	if (!s->opts->children || now < s->next_scan_us)
		return 0;
	tracked_scan_children(&s->tracked, s->target.pid, now,
	                      s->opts->timeout_us);
	s->next_scan_us = now + CHILD_SCAN_US;
	return s->tracked.n > 0;
}

/* Poll for an initialised runtime until the timeout. */
static int wait_for_runtime(struct session *s)
{
	char why[512] = "no Python runtime found";
	uint64_t start = now_us();
	int seen_python = 0;
	for (;;) {
		if (privilege_admit(s->target.pid, NULL, why, sizeof why) ==
		    PRIVILEGE_REFUSED)
			return session_report_refused(why);
		enum py_status st =
		        py_attach(s->target.pid, &s->py, why, sizeof why);
		if (st == PY_FOUND)
			return EXIT_OK;
		if (st == PY_DENIED)
			return session_report_denied(s->target.pid);
		if (st == PY_UNSUPPORTED) {
			log_error("%s", why);
			return EXIT_UNSUPPORTED;
		}
		if (st == PY_NO_MEMORY) {
			log_error("%s", why);
			return EXIT_INTERNAL;
		}
		seen_python |= st == PY_STARTING || looks_like_python(s);
		if (found_python_child(s))
			return EXIT_OK;
		if (st == PY_GONE && s->target.launched)
			target_wait(&s->target); /* it died: reap it */
		if (target_exited(&s->target))
			return exited_while_starting(s, seen_python);
		if (st == PY_GONE) {
			log_error("process %d has exited", (int)s->target.pid);
			return EXIT_NO_PROCESS;
		}
		uint64_t waited = now_us() - start;
		if (waited >= s->opts->timeout_us)
			return report_not_python(s, why);
		if (interrupts || terminated) {
			log_error("interrupted while waiting for a Python "
			          "runtime");
			return 128 + (interrupts ? SIGINT : SIGTERM);
		}
		sleep_us(waited < FAST_POLL_FOR_US ? FAST_POLL_US
		                                   : SLOW_POLL_US);
	}
}

static const char *mode_name(const struct session *s)
{
	if (s->metric == LINE_MEMORY)
		return "memory";
	if (s->metric == LINE_FULL)
		return "full";
	return s->opts->sleepless ? "cpu" : "wall";
}

/* The first Python sampled: the command's, or with -C a descendant's. */
static const char *python_description(const struct session *s)
{
	if (s->py)
		return py_description(s->py);
	if (s->tracked.n > 0)
		return py_description(s->tracked.procs[0].py);
	return "unknown (exited while starting)";
}

/* The command launched, or the attached process's command line. */
static void put_command(struct session *s)
{
	char line[CMDLINE_MAX];
	if (s->opts->pid == 0)
		cmdline_join((const char *const *)s->opts->argv,
		             (size_t)s->opts->argc, line, sizeof line);
	else if (cmdline_of(s->opts->pid, line, sizeof line) != 0)
		return;
	emit_metadata(s, "command", line);
}

static void write_header(struct session *s)
{
	char value[128];
	emit_metadata(s, "austinc", PACKAGE_VERSION);
	snprintf(value, sizeof value, "%lluus",
	         (unsigned long long)s->opts->interval_us);
	emit_metadata(s, "interval", value);
	emit_metadata(s, "mode", mode_name(s));
	emit_metadata(s, "python", python_description(s));
	put_command(s);
	if (s->opts->system_us) {
		snprintf(value, sizeof value, "%lluus",
		         (unsigned long long)s->opts->system_us);
		emit_metadata(s, "system-period", value);
	}
	sink_flush(s->sink);
}

/* "N of M <what> (P.PP%)" */
static void format_share(char *out, size_t len, uint64_t part, uint64_t whole,
                         uint64_t basis_points, const char *what)
{
	snprintf(out, len, "%llu of %llu %s (%llu.%02llu%%)",
	         (unsigned long long)part, (unsigned long long)whole, what,
	         (unsigned long long)(basis_points / 100),
	         (unsigned long long)(basis_points % 100));
}

/* The statistics of the modes in use. */
static void write_mode_footer(struct session *s)
{
	const struct stats *st = &s->stats;
	char value[160];
	if (s->metric != LINE_TIME) {
		snprintf(value, sizeof value, "%lldB allocated, %lldB released",
		         (long long)st->allocated, (long long)st->released);
		emit_metadata(s, "memory", value);
		snprintf(value, sizeof value,
		         "%lldB at start, %lldB peak, %lldB at end",
		         (long long)st->rss_start, (long long)st->rss_peak,
		         (long long)st->rss_end);
		emit_metadata(s, "rss", value);
	}
	if (s->tracked.needs & TRACK_TASKS) {
		format_share(value, sizeof value, st->idle_samples,
		             st->thread_samples, stats_idle_basis_points(st),
		             "thread samples");
		emit_metadata(s, "idle", value);
	}
	if (s->opts->gc) {
		format_share(value, sizeof value, st->gc_samples, st->samples,
		             stats_gc_basis_points(st), "samples");
		emit_metadata(s, "gc", value);
	}
}

static void write_footer(struct session *s)
{
	const struct stats *st = &s->stats;
	char value[160];
	snprintf(value, sizeof value, "%lluus",
	         (unsigned long long)(st->end_us - st->start_us));
	emit_metadata(s, "duration", value);
	snprintf(value, sizeof value,
	         "%llu (errors: %llu, saturated: %llu, stacks: %llu, "
	         "stack errors: %llu)",
	         (unsigned long long)st->samples,
	         (unsigned long long)st->errors,
	         (unsigned long long)st->saturated,
	         (unsigned long long)st->thread_samples,
	         (unsigned long long)st->stack_errors);
	emit_metadata(s, "samples", value);
	snprintf(
	        value, sizeof value,
	        "%lluns min, %lluns avg, %lluns max, %lluns median, %lluns cpu",
	        (unsigned long long)(st->samples ? st->cost_min_ns : 0),
	        (unsigned long long)stats_cost_avg_ns(st),
	        (unsigned long long)st->cost_max_ns,
	        (unsigned long long)stats_cost_median_ns(st),
	        (unsigned long long)stats_cpu_per_sample_ns(st));
	emit_metadata(s, "sampling", value);
	write_mode_footer(s);
}

/* Should sampling stop before the next tick? */
static int should_stop(struct session *s, int gone)
{
	const struct options *o = s->opts;
	if (gone || sink_failed(s->sink) || terminated)
		return 1;
	if (o->exposure_us && s->tick_us - s->stats.start_us >= o->exposure_us)
		return 1;
	/* Ctrl-C reaches a launched command too: let it handle it and keep
	 * sampling until it exits; a second Ctrl-C stops at once. */
	return s->target.launched ? interrupts > 1 : interrupts > 0;
}

/* austinc's own CPU time, user and system, in nanoseconds. */
static uint64_t cpu_time_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sample one tracked process; returns 1 when it is gone. */
static int sample_process(struct session *s, struct tracked *p, int *error)
{
	int is_root = p->pid == s->target.pid;
	if (!tracked_readable(&s->tracked, p))
		return 1; /* another user's now, or gone */
	s->current = p;
	s->rss_delta = 0;
	if (p->statm_fd >= 0) {
		/* A process that has exited but not been reaped reads 0. */
		int64_t rss = procfs_rss_bytes(p->statm_fd);
		if (rss > 0) {
			p->rss = rss;
			if (is_root)
				stats_add_root_rss(&s->stats, rss);
		}
		s->rss_delta = p->rss - p->charged_rss;
	}
	if (p->tasks)
		tasks_begin_tick(p->tasks);
	struct py_sample_result r =
	        py_sample_at(p->py, s->want, s->tick_us, emit_thread, s);
	if (p->tasks)
		tasks_end_tick(p->tasks);
	p->failed_ticks = r.threads ? 0 : p->failed_ticks + 1;
	if (r.gone || (is_root && r.threads == 0 && target_exited(&s->target)))
		return 1;
	if (!is_root && p->failed_ticks >= MAX_FAILED_TICKS)
		return 1;
	/* A descendant none of whose threads could be read is starting up
	 * or exiting (its memory comes and goes under us): not an error of
	 * the sampler, and dropped once it is gone. */
	if (is_root || r.threads > 0)
		*error |= r.errors > 0;
	return 0;
}

/* One tick over every tracked process; returns whether any had an error.
 * Processes that are gone are dropped. */
static int sample_all(struct session *s)
{
	int error = 0;
	s->tick_gc = 0;
	for (size_t i = 0; i < s->tracked.n;) {
		struct tracked *p = &s->tracked.procs[i];
		if (!sample_process(s, p, &error)) {
			i++;
			continue;
		}
		s->root_gone |= p->pid == s->target.pid;
		tracked_remove(&s->tracked, i);
	}
	return error;
}

/* Sample the command (or PID) from now on; its RSS now is where its
 * memory statistics start. */
static void track_root(struct session *s, struct py_process *py)
{
	s->root_tracked = tracked_add(&s->tracked, s->target.pid, py) == 0;
	if (!s->root_tracked)
		return;
	const struct tracked *root = &s->tracked.procs[s->tracked.n - 1];
	stats_add_root_rss(&s->stats, root->charged_rss);
	stats_root_rss_charged(&s->stats, root->charged_rss);
}

/* With -C sampling goes on while the command (or PID) lives, Python or
 * not, and while any descendant is sampled. */
static int all_gone(const struct session *s)
{
	if (s->opts->children)
		return s->root_gone && s->tracked.n == 0;
	return s->tracked.n == 0 || s->root_gone;
}

/* -C, a command that did not run Python when sampling began: has it exited,
 * or does it run Python now (a wrapper that exec'd it late)? */
static void check_untracked_root(struct session *s)
{
	pid_t pid = s->target.pid;
	if (s->root_tracked || s->root_gone)
		return;
	if (s->target.launched ? target_exited(&s->target)
	                       : !procfs_alive(pid)) {
		s->root_gone = 1;
		return;
	}
	char why[256];
	struct py_process *py = NULL;
	if (s->root_refused ||
	    (s->root_refused = !tracked_admit(&s->tracked, pid)))
		return; /* it became another user's: noted once */
	enum py_status st = py_attach(pid, &py, why, sizeof why);
	if (st == PY_FOUND)
		track_root(s, py);
	else if (st == PY_NO_MEMORY)
		log_error("%s", why); /* retried at the next scan */
}

/* Now and then, between ticks: with -C look for new descendants; under
 * privilege check that every process sampled is still the caller's. */
static void maybe_scan_children(struct session *s)
{
	if ((!s->opts->children && !privilege_limited()) ||
	    s->tick_us < s->next_scan_us)
		return;
	tracked_recheck(&s->tracked);
	if (s->opts->children)
		check_untracked_root(s);
	if (s->opts->children && !s->root_gone)
		tracked_scan_children(&s->tracked, s->target.pid, s->tick_us,
		                      s->opts->timeout_us);
	s->next_scan_us = now_us() + CHILD_SCAN_US;
}

static void emit_system_record(void *ctx, const char *record)
{
	emit_metadata(ctx, "system", record);
}

/* --system: one batch of records, the machine's and each tracked
 * process's, stamped with the time since sampling began. */
static void record_system(struct session *s, uint64_t now)
{
	pid_t pids[MAX_TRACKED];
	for (size_t i = 0; i < s->tracked.n; i++)
		pids[i] = s->tracked.procs[i].pid;
	system_record(s->system, pids, s->tracked.n, now - s->stats.start_us,
	              emit_system_record, s);
	s->last_system_us = now;
	/* Keep to the period's grid; after a stall, start a new one. */
	s->next_system_us += s->opts->system_us;
	if (s->next_system_us <= now)
		s->next_system_us = now + s->opts->system_us;
}

/* --system: a batch when one is due, between ticks; it reads a dozen /proc
 * files, too much for the tick. */
static void maybe_record_system(struct session *s)
{
	if (!s->system)
		return;
	uint64_t now = now_us();
	if (now >= s->next_system_us)
		record_system(s, now);
}

/* Sleep until the next tick, waking for the system batches due before it
 * (the interval may be longer than their period). A signal ends the wait
 * early, as it ends the plain sleep. */
static void sleep_until_tick(struct session *s, uint64_t tick_us)
{
	while (s->system && s->next_system_us < tick_us && !interrupts &&
	       !terminated) {
		sleep_until_us(s->next_system_us);
		maybe_record_system(s);
	}
	sleep_until_us(tick_us);
}

/* When the next tick is due: with nothing to sample yet (-C, a command
 * that has not started Python), at the next scan. */
static uint64_t next_tick_us(const struct session *s, uint64_t next_us)
{
	return s->tracked.n == 0 && s->next_scan_us > next_us ? s->next_scan_us
	                                                      : next_us;
}

static void sample_loop(struct session *s)
{
	uint64_t interval_ns = s->opts->interval_us * 1000;
	/* The default 50 us timer slack would stretch every 100 us tick. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	uint64_t cpu_start = cpu_time_ns();
	uint64_t next_us = now_us();
	stats_init(&s->stats, next_us);
	s->previous_tick_us = next_us;
	if (s->py) /* else -C found Python descendants first */
		track_root(s, s->py);
	s->py = NULL; /* the set owns it now */
	/* The first batch opens the first period, at t=0. */
	if (s->system) {
		s->next_system_us = next_us;
		record_system(s, next_us);
	}
	for (;;) {
		uint64_t t0 = now_ns();
		s->tick_us = t0 / 1000;
		int error = sample_all(s);
		uint64_t t1 = now_ns();
		if (all_gone(s))
			break;
		if (s->tracked.n > 0)
			stats_add_sample(&s->stats, t1 - t0, interval_ns,
			                 error);
		s->stats.gc_samples += s->tick_gc;
		s->previous_tick_us = s->tick_us;
		sink_tick(s->sink, s->tick_us);
		if (should_stop(s, 0))
			break;
		maybe_scan_children(s);
		maybe_record_system(s);
		next_us = next_tick_us(s, next_us + s->opts->interval_us);
		/* The end of the tick will do, unless -C or --system did
		 * work since. */
		uint64_t after =
		        s->opts->children || s->system ? now_us() : t1 / 1000;
		if (next_us < after)
			next_us = after;
		else
			sleep_until_tick(s, next_us);
	}
	/* The figures of the last, shorter period, unless it is too short to
	 * give any. */
	uint64_t end = now_us();
	if (s->system && end - s->last_system_us >= MIN_LAST_SYSTEM_US)
		record_system(s, end);
	s->stats.end_us = end;
	s->stats.cpu_ns = cpu_time_ns() - cpu_start;
}

/* After sampling: collect the launched command's status. A second Ctrl-C
 * (or SIGTERM) while waiting leaves it be. */
static int finish_target(struct session *s)
{
	if (!s->target.launched)
		return EXIT_OK;
	if (terminated && !target_exited(&s->target))
		kill(s->target.pid, SIGTERM);
	while (!target_exited(&s->target) && interrupts < 2)
		sleep_us(10000);
	return s->target.reaped ? target_exit_code(&s->target) : 128 + SIGINT;
}

/* Compress with -z, or when the file name says so. */
static int wants_gzip(const struct options *o)
{
	size_t len = o->output ? strlen(o->output) : 0;
	return o->gzip || (len > 3 && strcmp(o->output + len - 3, ".gz") == 0);
}

static int open_output(struct session *s)
{
	const char *path = s->opts->output;
	if (s->opts->binary ? !(s->mojo = mojo_new())
	                    : !(s->collapsed = collapsed_new())) {
		log_error("out of memory");
		return EXIT_INTERNAL;
	}
	if (sink_open(s->sink, path, wants_gzip(s->opts)) == 0) {
		/* For measuring what the cadence costs (scripts/bench). */
		const char *sync_ms = privilege_getenv("AUSTINC_SYNC_MS");
		if (sync_ms)
			s->sink->sync_us = strtoull(sync_ms, NULL, 10) * 1000;
		if (s->mojo)
			mojo_header(s->mojo, s->sink);
		return EXIT_OK;
	}
	log_error("cannot open output %s: %s", path, strerror(errno));
	return EXIT_OUTPUT;
}

static int run(struct session *s)
{
	int code = start_target(s);
	if (code == EXIT_OK)
		code = wait_for_runtime(s);
	if (code == EXIT_EXITED_EARLY) {
		/* Nothing to sample: an empty but complete profile. */
		write_header(s);
		stats_init(&s->stats, now_us());
		write_footer(s);
		return sink_close(s->sink) ? EXIT_OUTPUT
		                           : target_exit_code(&s->target);
	}
	if (code != EXIT_OK) {
		if (s->target.launched && !target_exited(&s->target)) {
			kill(s->target.pid, SIGTERM);
			target_wait(&s->target);
		}
		return code;
	}
	write_header(s);
	sample_loop(s);
	if (sink_failed(s->sink) && sink_recover(s->sink) == 0)
		emit_metadata(s, "output", "cut short by a failed write");
	write_footer(s);
	int write_error = sink_close(s->sink);
	if (!s->opts->pipe)
		stats_print_summary(&s->stats, stderr, s->metric != LINE_TIME,
		                    s->tracked.needs & TRACK_TASKS,
		                    s->opts->gc);
	if (write_error) {
		/* Sampling stopped early: the command goes on, untouched. */
		log_error("cannot write output: %s", strerror(write_error));
		return EXIT_OUTPUT;
	}
	return finish_target(s);
}

static void configure_modes(struct session *s)
{
	const struct options *o = s->opts;
	unsigned needs = 0;
	s->metric = o->full ? LINE_FULL : o->memory ? LINE_MEMORY : LINE_TIME;
	if (s->metric != LINE_TIME) {
		s->want |= PY_WANT_GIL;
		needs |= TRACK_RSS;
	}
	if (o->gc)
		s->want |= PY_WANT_GC;
	if (o->full || o->sleepless) {
		needs |= TRACK_TASKS;
		s->want |= PY_WANT_RUNNING; /* the GIL's holder is not idle */
	}
	tracked_init(&s->tracked, needs, note_dropped, s);
}

int session_run(const struct options *opts)
{
	static struct session session; /* large: keep it off the stack */
	static struct sink sink;
	struct session *s = &session;
	memset(s, 0, sizeof *s);
	s->opts = opts;
	s->sink = &sink;
	configure_modes(s);
	install_signal_handlers();
	s->clocks = cache_new(THREAD_CLOCKS);
	if (opts->system_us)
		s->system = system_new();
	if (!s->clocks || (opts->system_us && !s->system)) {
		log_error("out of memory");
		system_free(s->system);
		cache_free(s->clocks, NULL);
		return EXIT_INTERNAL;
	}
	int code = open_output(s);
	if (code == EXIT_OK)
		code = run(s);
	py_detach(s->py);
	tracked_clear(&s->tracked);
	mojo_free(s->mojo);
	collapsed_free(s->collapsed);
	system_free(s->system);
	cache_free(s->clocks, NULL);
	return code;
}
