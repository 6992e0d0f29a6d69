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
#include "emit/collapsed.h"
#include "emit/sink.h"
#include "procfs.h"
#include "python/python.h"
#include "stats.h"
#include "target.h"
#include "timeutil.h"

#define THREAD_CLOCKS 4096
/* While waiting for a runtime: poll fast at first, so that a program that
 * runs only milliseconds is still caught, then relax. */
#define FAST_POLL_US     100
#define FAST_POLL_FOR_US 1000000
#define SLOW_POLL_US     2000

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
	struct py_process *py;
	struct sink *sink;
	struct stats stats;
	uint64_t tick_us, previous_tick_us;
	/* When each thread state (interpreter id, TID) was last sampled, to
	 * charge it the time since: one OS thread can hold a thread state in
	 * several interpreters. Bounded: threads that are gone age out. */
	struct cache *clocks;
};

static void fail(const char *fmt, const char *detail)
{
	fprintf(stderr, "austinc: ");
	fprintf(stderr, fmt, detail);
	fputc('\n', stderr);
}

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

static void emit_thread(void *ctx, int64_t iid, int64_t tid,
                        const struct stack *stack)
{
	struct session *s = ctx;
	collapsed_sample(s->sink, s->target.pid, iid, tid, stack,
	                 thread_elapsed(s, iid, tid));
	s->stats.thread_samples++;
}

static int start_target(struct session *s)
{
	const struct options *o = s->opts;
	char why[512];
	if (o->pid) {
		target_attach(&s->target, o->pid);
		if (kill(o->pid, 0) == 0 || errno == EPERM)
			return EXIT_OK;
		fprintf(stderr, "austinc: no such process: %d\n", (int)o->pid);
		return EXIT_NO_PROCESS;
	}
	switch (target_launch(&s->target, o->argv, o->output == NULL, why,
	                      sizeof why)) {
	case LAUNCH_OK:
		return EXIT_OK;
	case LAUNCH_NOT_FOUND:
		fail("%s", why);
		return EXIT_NOT_FOUND;
	case LAUNCH_NOT_EXECUTABLE:
		fail("%s", why);
		return EXIT_NOT_EXECUTABLE;
	case LAUNCH_FAILED:
		break;
	}
	fail("%s", why);
	return EXIT_INTERNAL;
}

static int report_denied(const struct session *s)
{
	fprintf(stderr,
	        "austinc: permission denied reading process %d: run as root, "
	        "or give austinc CAP_SYS_PTRACE (setcap cap_sys_ptrace+ep "
	        "austinc), or relax kernel.yama.ptrace_scope\n",
	        (int)s->target.pid);
	return EXIT_DENIED;
}

static int report_not_python(const struct session *s, const char *why)
{
	if (s->target.launched)
		fprintf(stderr,
		        "austinc: %s is not a Python process: %s within the "
		        "timeout\n",
		        s->opts->argv[0], why);
	else
		fprintf(stderr,
		        "austinc: process %d is not a Python process: %s "
		        "within the timeout\n",
		        (int)s->target.pid, why);
	return EXIT_NOT_PYTHON;
}

/* The launched command ended before sampling began. A Python program that
 * ran only milliseconds is no failure: its (empty) profile is written and
 * its status passed on. */
static int exited_while_starting(struct session *s, int seen_python)
{
	if (!seen_python) {
		fprintf(stderr,
		        "austinc: %s exited before a Python runtime was "
		        "found\n",
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
	if (!s->target.launched || procfs_exe(s->target.pid, exe, sizeof exe))
		return 0;
	const char *base = strrchr(exe, '/');
	return strncmp(base ? base + 1 : exe, "python", 6) == 0;
}

/* Poll for an initialised runtime until the timeout. */
static int wait_for_runtime(struct session *s)
{
	char why[512] = "no Python runtime found";
	uint64_t start = now_us();
	int seen_python = 0;
	for (;;) {
		enum py_status st =
		        py_attach(s->target.pid, &s->py, why, sizeof why);
		if (st == PY_FOUND)
			return EXIT_OK;
		if (st == PY_DENIED)
			return report_denied(s);
		if (st == PY_UNSUPPORTED) {
			fail("%s", why);
			return EXIT_UNSUPPORTED;
		}
		seen_python |= st == PY_STARTING || looks_like_python(s);
		if (st == PY_GONE && s->target.launched)
			target_wait(&s->target); /* it died: reap it */
		if (target_exited(&s->target))
			return exited_while_starting(s, seen_python);
		if (st == PY_GONE) {
			fprintf(stderr, "austinc: process %d has exited\n",
			        (int)s->target.pid);
			return EXIT_NO_PROCESS;
		}
		uint64_t waited = now_us() - start;
		if (waited >= s->opts->timeout_us)
			return report_not_python(s, why);
		if (interrupts || terminated) {
			fprintf(stderr,
			        "austinc: interrupted while waiting for "
			        "a Python runtime\n");
			return 128 + (interrupts ? SIGINT : SIGTERM);
		}
		sleep_us(waited < FAST_POLL_FOR_US ? FAST_POLL_US
		                                   : SLOW_POLL_US);
	}
}

static void write_header(struct session *s)
{
	char value[128];
	collapsed_metadata(s->sink, "austinc", PACKAGE_VERSION);
	snprintf(value, sizeof value, "%lluus",
	         (unsigned long long)s->opts->interval_us);
	collapsed_metadata(s->sink, "interval", value);
	collapsed_metadata(s->sink, "mode", "wall");
	collapsed_metadata(s->sink, "python",
	                   s->py ? py_description(s->py)
	                         : "unknown (exited while starting)");
	sink_flush(s->sink);
}

static void write_footer(struct session *s)
{
	const struct stats *st = &s->stats;
	char value[160];
	snprintf(value, sizeof value, "%lluus",
	         (unsigned long long)(st->end_us - st->start_us));
	collapsed_metadata(s->sink, "duration", value);
	snprintf(value, sizeof value,
	         "%llu (errors: %llu, saturated: %llu, stacks: %llu)",
	         (unsigned long long)st->samples,
	         (unsigned long long)st->errors,
	         (unsigned long long)st->saturated,
	         (unsigned long long)st->thread_samples);
	collapsed_metadata(s->sink, "samples", value);
	snprintf(
	        value, sizeof value,
	        "%lluns min, %lluns avg, %lluns max, %lluns median, %lluns cpu",
	        (unsigned long long)(st->samples ? st->cost_min_ns : 0),
	        (unsigned long long)stats_cost_avg_ns(st),
	        (unsigned long long)st->cost_max_ns,
	        (unsigned long long)stats_cost_median_ns(st),
	        (unsigned long long)stats_cpu_per_sample_ns(st));
	collapsed_metadata(s->sink, "sampling", value);
}

static void print_summary(const struct session *s)
{
	const struct stats *st = &s->stats;
	double seconds = (double)(st->end_us - st->start_us) / 1e6;
	uint64_t err = stats_error_basis_points(st);
	uint64_t sat = stats_saturation_basis_points(st);
	fprintf(stderr,
	        "austinc: %.2f s, %llu samples (%.0f/s); sample cost "
	        "min/avg/max %.1f/%.1f/%.1f us, median %.1f us, cpu %.1f us; "
	        "saturation %llu.%02llu%%; errors %llu (%llu.%02llu%%)\n",
	        seconds, (unsigned long long)st->samples,
	        seconds > 0 ? (double)st->samples / seconds : 0.0,
	        st->samples ? (double)st->cost_min_ns / 1e3 : 0.0,
	        (double)stats_cost_avg_ns(st) / 1e3,
	        (double)st->cost_max_ns / 1e3,
	        (double)stats_cost_median_ns(st) / 1e3,
	        (double)stats_cpu_per_sample_ns(st) / 1e3,
	        (unsigned long long)(sat / 100),
	        (unsigned long long)(sat % 100), (unsigned long long)st->errors,
	        (unsigned long long)(err / 100),
	        (unsigned long long)(err % 100));
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

static void sample_loop(struct session *s)
{
	uint64_t interval_ns = s->opts->interval_us * 1000;
	/* The default 50 us timer slack would stretch every 100 us tick. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	uint64_t cpu_start = cpu_time_ns();
	uint64_t next_us = now_us();
	stats_init(&s->stats, next_us);
	s->previous_tick_us = next_us;
	for (;;) {
		uint64_t t0 = now_ns();
		s->tick_us = t0 / 1000;
		struct py_sample_result r = py_sample(s->py, emit_thread, s);
		uint64_t t1 = now_ns();
		if (r.gone || (r.threads == 0 && target_exited(&s->target)))
			break;
		stats_add_sample(&s->stats, t1 - t0, interval_ns, r.errors > 0);
		s->previous_tick_us = s->tick_us;
		if (should_stop(s, 0))
			break;
		next_us += s->opts->interval_us;
		if (next_us < t1 / 1000)
			next_us = t1 / 1000;
		else
			sleep_until_us(next_us);
	}
	s->stats.end_us = now_us();
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

static int open_output(struct sink *sink, const char *path)
{
	if (sink_open(sink, path) == 0)
		return EXIT_OK;
	fprintf(stderr, "austinc: cannot open output %s: %s\n", path,
	        strerror(errno));
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
	write_footer(s);
	int write_error = sink_close(s->sink);
	if (!s->opts->pipe)
		print_summary(s);
	if (write_error) {
		/* Sampling stopped early: the command goes on, untouched. */
		fprintf(stderr, "austinc: cannot write output: %s\n",
		        strerror(write_error));
		return EXIT_OUTPUT;
	}
	return finish_target(s);
}

int session_run(const struct options *opts)
{
	static struct session session; /* large: keep it off the stack */
	static struct sink sink;
	struct session *s = &session;
	memset(s, 0, sizeof *s);
	s->opts = opts;
	s->sink = &sink;
	install_signal_handlers();
	s->clocks = cache_new(THREAD_CLOCKS);
	if (!s->clocks) {
		fprintf(stderr, "austinc: out of memory\n");
		return EXIT_INTERNAL;
	}
	int code = open_output(s->sink, opts->output);
	if (code == EXIT_OK)
		code = run(s);
	py_detach(s->py);
	cache_free(s->clocks, NULL);
	return code;
}
