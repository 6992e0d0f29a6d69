/* The session: the tick loop over every tracked process, the periodic jobs
 * between ticks, and the run from start to exit code, with the controller
 * (launch, attach, exit codes), the recorder (the output) and attribution
 * (what each sample is charged) doing their parts.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "session.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "attribution.h"
#include "cmdline.h"
#include "controller.h"
#include "follow.h"
#include "log.h"
#include "notify.h"
#include "privilege.h"
#include "procfs.h"
#include "push.h"
#include "recorder.h"
#include "rotation.h"
#include "scheduler.h"
#include "system.h"
#include "timeutil.h"

/* A descendant whose runtime cannot be read for this many ticks in a row
 * (it exec'd something else, say) is dropped; a later scan may find it
 * again. */
#define MAX_FAILED_TICKS 100
/* --system: the shortest period worth a last batch when sampling ends. */
#define MIN_LAST_SYSTEM_US 10000

struct session {
	const struct options *opts;
	const struct signal_flags *signals;
	struct controller control;
	struct py_process *py; /* the first process's, until it is tracked */
	struct recorder *recorder;
	struct recorder_config output; /* how each recording is opened */
	struct rotation names;         /* and named */
	struct pusher *pusher;         /* --push: each complete one sent */
	int write_error;               /* errno of the output, once failed */
	struct stats stats;            /* the recording's */
	struct stats total;            /* the run's, every recording's */
	uint64_t run_start_us;
	uint64_t recording_cpu_ns; /* austinc's CPU time when it began */
	struct follower *follower; /* --pidfile, --name; else NULL */
	char python[128];          /* the latest root's Python */
	sig_atomic_t dumps_seen, hangups_seen;
	struct attribution charge;
	enum metric_kind metric;
	unsigned want; /* PY_WANT_* */
	struct tracked_set tracked;
	struct system *system; /* --system: machine and process metrics */
	struct scheduler jobs;
	uint64_t last_system_us;
	int root_tracked, root_gone, root_refused;
};

static void record_system(void *ctx, uint64_t now);

static pid_t root_pid(const struct session *s)
{
	return s->control.target.pid;
}

/* A process left out because austinc may not read it (privilege.h). */
static void note_dropped(void *ctx, const char *why)
{
	struct session *s = ctx;
	log_note("leaving out %s", why);
	recorder_metadata(s->recorder, "dropped", why);
}

static void emit_thread(void *ctx, const struct py_thread *t,
                        const struct stack *stack)
{
	struct session *s = ctx;
	struct sample sm;
	if (!tracked_owns(s->charge.current, t->tid, s->charge.tick_us))
		return; /* a thread state a fork left behind */
	if (attribution_charge(&s->charge, t, stack, &sm))
		recorder_sample(s->recorder, &sm);
}

static const char *mode_name(const struct session *s)
{
	if (s->metric == LINE_MEMORY)
		return "memory";
	if (s->metric == LINE_FULL)
		return "full";
	return s->opts->sleepless ? "cpu" : "wall";
}

/* The first Python sampled: the command's, or with -C a descendant's; the
 * latest root's when following. */
static const char *python_description(const struct session *s)
{
	if (s->python[0])
		return s->python;
	if (s->py)
		return py_description(s->py);
	if (s->tracked.n > 0)
		return py_description(s->tracked.procs[0].py);
	return "unknown (exited while starting)";
}

/* Service mode: "attach pid=42 t=1500us python=..." or "detach pid=42
 * t=...", t since the recording began. */
static void record_event(struct session *s, const char *what, pid_t pid,
                         const char *python)
{
	char value[256];
	if (!s->follower)
		return;
	snprintf(value, sizeof value, "%s pid=%d t=%lluus%s%s", what, (int)pid,
	         (unsigned long long)(now_us() - s->stats.start_us),
	         python ? " python=" : "", python ? python : "");
	recorder_metadata(s->recorder, "event", value);
	notify_status(value);
}

/* The root is gone: with --follow, the next one is looked for. */
static void lose_root(struct session *s)
{
	if (s->root_gone)
		return;
	s->root_gone = 1;
	if (!s->follower)
		return;
	record_event(s, "detach", root_pid(s), NULL);
	log_note("process %d has exited%s", (int)root_pid(s),
	         s->opts->follow ? ": waiting for the next" : "");
	s->follower->given_up = root_pid(s); /* while it lingers */
}

/* The wall clock (microseconds since the epoch) at monotonic time
 * mono_us: a recording's start, so that one file's start plus its duration
 * is the next one's start. */
static uint64_t wall_clock_at(uint64_t mono_us)
{
	struct timespec ts;
	uint64_t mono_now = now_us();
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t wall_now =
	        (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
	return wall_now - (mono_now - mono_us);
}

static void write_header(struct session *s)
{
	const struct options *o = s->opts;
	char command[CMDLINE_MAX];
	struct recording_facts f = {.interval_us = o->interval_us,
	                            .mode = mode_name(s),
	                            .python = python_description(s),
	                            .command = command,
	                            .system_us = o->system_us,
	                            .started_us =
	                                    wall_clock_at(s->stats.start_us)};
	/* The command launched, or the attached process's command line. */
	if (s->control.target.launched)
		cmdline_join((const char *const *)o->argv, (size_t)o->argc,
		             command, sizeof command);
	else if (cmdline_of(root_pid(s), command, sizeof command) != 0)
		f.command = NULL;
	recorder_header(s->recorder, &f);
}

/* End the recording; 0 or the errno of a failed write. */
static int write_footer(struct session *s)
{
	if (!s->recorder->format)
		return s->write_error; /* the next could not be opened */
	unsigned parts = 0;
	if (s->metric != LINE_TIME)
		parts |= FOOTER_MEMORY;
	if (s->tracked.needs & TRACK_TASKS)
		parts |= FOOTER_IDLE;
	if (s->opts->gc)
		parts |= FOOTER_GC;
	return recorder_end(s->recorder, &s->stats, parts);
}

/* Should sampling stop before the next tick? */
static int should_stop(struct session *s, uint64_t tick_us)
{
	const struct options *o = s->opts;
	if (recorder_failed(s->recorder) || s->write_error ||
	    signals_terminate(s->signals))
		return 1;
	if (o->exposure_us && tick_us - s->run_start_us >= o->exposure_us)
		return 1;
	/* Ctrl-C reaches a launched command too: let it handle it and keep
	 * sampling until it exits; a second Ctrl-C stops at once. */
	return s->signals->interrupts > (s->control.target.launched ? 1 : 0);
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
	int is_root = p->pid == root_pid(s);
	if (!tracked_readable(&s->tracked, p))
		return 1; /* another user's now, or gone */
	attribution_begin_process(&s->charge, p);
	if (p->tasks)
		tasks_begin_tick(p->tasks);
	struct py_sample_result r =
	        py_sample_at(p->py, s->want, s->charge.tick_us, emit_thread, s);
	if (p->tasks)
		tasks_end_tick(p->tasks);
	p->failed_ticks = r.threads ? 0 : p->failed_ticks + 1;
	if (r.gone ||
	    (is_root && r.threads == 0 && target_exited(&s->control.target)))
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
	for (size_t i = 0; i < s->tracked.n;) {
		struct tracked *p = &s->tracked.procs[i];
		if (!sample_process(s, p, &error)) {
			i++;
			continue;
		}
		if (p->pid == root_pid(s))
			lose_root(s);
		tracked_remove(&s->tracked, i);
	}
	return error;
}

/* Sample the command (or PID) from now on; its RSS now is where its
 * memory statistics start. */
static void track_root(struct session *s, struct py_process *py)
{
	snprintf(s->python, sizeof s->python, "%s", py_description(py));
	s->root_tracked = tracked_add(&s->tracked, root_pid(s), py) == 0;
	if (!s->root_tracked)
		return;
	record_event(s, "attach", root_pid(s), s->python);
	const struct tracked *root = &s->tracked.procs[s->tracked.n - 1];
	stats_add_root_rss(&s->stats, root->charged_rss);
	stats_root_rss_charged(&s->stats, root->charged_rss);
}

/* With -C sampling goes on while the command (or PID) lives, Python or
 * not, and while any descendant is sampled. */
static int all_gone(const struct session *s)
{
	if (s->opts->follow)
		return 0; /* the next process may come: -x or a signal ends */
	if (s->opts->children)
		return s->root_gone && s->tracked.n == 0;
	return s->tracked.n == 0 || s->root_gone;
}

/* -C, a command that did not run Python when sampling began: has it exited,
 * or does it run Python now (a wrapper that exec'd it late)? */
static void check_untracked_root(struct session *s)
{
	pid_t pid = root_pid(s);
	if (s->root_tracked || s->root_gone)
		return;
	if (s->control.target.launched ? target_exited(&s->control.target)
	                               : !procfs_alive(pid)) {
		lose_root(s);
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
		log_error("%s", why); /* tried again at the next scan */
}

/* A job: with -C look for new descendants; under privilege check that
 * every process sampled is still the caller's. */
static void scan_children(void *ctx, uint64_t now)
{
	struct session *s = ctx;
	tracked_recheck(&s->tracked);
	if (s->opts->children)
		check_untracked_root(s);
	if (s->opts->children && !s->root_gone)
		tracked_scan_children(&s->tracked, root_pid(s), now,
		                      s->opts->timeout_us);
}

static void emit_system_record(void *ctx, const char *record)
{
	struct session *s = ctx;
	recorder_metadata(s->recorder, "system", record);
}

/* A job, --system: one batch of records, the machine's and each tracked
 * process's, stamped with the time since sampling began. It reads a dozen
 * /proc files, too much for the tick. */
static void record_system(void *ctx, uint64_t now)
{
	struct session *s = ctx;
	pid_t pids[MAX_TRACKED];
	for (size_t i = 0; i < s->tracked.n; i++)
		pids[i] = s->tracked.procs[i].pid;
	system_record(s->system, pids, s->tracked.n, now - s->stats.start_us,
	              emit_system_record, s);
	s->last_system_us = now;
}

/* A recording begins: named (rotation.h), opened, its header written and
 * its statistics started, with the root's RSS now as their start. 0 or an
 * errno (ENOMEM: out of memory). */
static int begin_recording(struct session *s, uint64_t now)
{
	char why[256];
	if (s->opts->output &&
	    rotation_begin(&s->names, time(NULL), why, sizeof why) != 0) {
		log_error("%s", why);
		return ENAMETOOLONG;
	}
	s->output.path = s->opts->output ? s->names.writing : NULL;
	int error = recorder_open(s->recorder, &s->output);
	if (error == ENOMEM)
		log_error("out of memory");
	else if (error)
		log_error("cannot open output %s: %s", s->output.path,
		          strerror(error));
	if (error)
		return error;
	stats_init(&s->stats, now);
	s->recording_cpu_ns = cpu_time_ns();
	return 0;
}

/* The recording's statistics are complete at end_us: they join the
 * run's. */
static void close_statistics(struct session *s, uint64_t end_us)
{
	uint64_t cpu = cpu_time_ns();
	s->stats.end_us = end_us;
	s->stats.cpu_ns = cpu - s->recording_cpu_ns;
	stats_merge(&s->total, &s->stats);
}

/* The recording ends: its footer, and with --rotate (or set aside by a
 * dump) its final name. 0 or the errno of a failed write. */
static int end_recording(struct session *s, int set_aside)
{
	char why[PATH_MAX + 256];
	int error = write_footer(s);
	if (!error && s->opts->output &&
	    rotation_complete(&s->names, set_aside, why, sizeof why) != 0)
		log_warning("%s", why);
	else if (!error && s->pusher)
		pusher_add(s->pusher, s->names.final, s->names.began,
		           time(NULL), s->opts->push_private);
	return error;
}

/* End the recording now and begin the next (rotation, a dump, a reopen),
 * so that every tick is in exactly one. A failure stops sampling. */
static void next_recording(struct session *s, int set_aside)
{
	uint64_t now = now_us();
	close_statistics(s, now);
	s->write_error = end_recording(s, set_aside);
	if (s->write_error || (s->write_error = begin_recording(s, now)))
		return;
	write_header(s);
	for (size_t i = 0; i < s->tracked.n; i++) {
		const struct tracked *p = &s->tracked.procs[i];
		if (p->pid == root_pid(s)) {
			stats_add_root_rss(&s->stats, p->charged_rss);
			stats_root_rss_charged(&s->stats, p->charged_rss);
		}
	}
	if (s->system)
		record_system(s, now); /* the new file's t=0 */
}

/* A job, --rotate: the period is over. */
static void rotate(void *ctx, uint64_t now)
{
	(void)now;
	next_recording(ctx, 0);
}

/* SIGUSR1 ends the recording now (set aside under a stamped name without
 * --rotate); SIGHUP, with -o, begins -o anew (logrotate moved it). */
static void serve_signals(struct session *s)
{
	const struct signal_flags *f = s->signals;
	if (f->dumps != s->dumps_seen) {
		s->dumps_seen = f->dumps;
		if (s->opts->output)
			next_recording(s, !s->opts->rotate_us);
		else
			log_warning("SIGUSR1: the output is not a file (-o): "
			            "nothing to dump");
	}
	if (f->hangups != s->hangups_seen && f->hangup_reopens) {
		s->hangups_seen = f->hangups;
		next_recording(s, 0);
	}
}

/* A job, --follow: while the root is gone, look for the next. */
static void follow_root(void *ctx, uint64_t now)
{
	struct session *s = ctx;
	pid_t pid;
	struct py_process *py;
	if (!s->root_gone || !follower_poll(s->follower, now, &pid, &py))
		return;
	target_attach(&s->control.target, pid);
	s->root_gone = s->root_refused = 0;
	s->charge.root = pid; /* its RSS is the summary's now */
	track_root(s, py);
	if (!s->root_tracked) {
		s->root_gone = 1;
		s->follower->given_up = pid;
	}
}

/* The jobs between ticks, from start_us: the first system batch opens the
 * first period, at t=0. */
static void schedule_jobs(struct session *s, uint64_t start_us)
{
	if (s->opts->children || privilege_limited())
		scheduler_add(&s->jobs, scan_children, s, CHILD_SCAN_US,
		              s->control.next_scan_us);
	if (s->opts->follow)
		scheduler_add(&s->jobs, follow_root, s, FOLLOW_POLL_US,
		              start_us + FOLLOW_POLL_US);
	if (s->opts->rotate_us)
		scheduler_add(&s->jobs, rotate, s, s->opts->rotate_us,
		              start_us + s->opts->rotate_us);
	if (s->system) {
		scheduler_add(&s->jobs, record_system, s, s->opts->system_us,
		              start_us);
		scheduler_run_due(&s->jobs, start_us);
	}
}

/* Sleep until the next tick, running the jobs due before it (the interval
 * may be longer than their periods). A signal ends the wait early, as it
 * ends the plain sleep. */
static void sleep_until_tick(struct session *s, uint64_t tick_us)
{
	uint64_t due;
	while ((due = scheduler_next_due(&s->jobs)) < tick_us &&
	       !s->signals->interrupts && !signals_terminate(s->signals)) {
		sleep_until_us(due);
		scheduler_run_due(&s->jobs, now_us());
	}
	sleep_until_us(tick_us);
}

/* When the next tick is due: with nothing to sample yet (-C, a command
 * that has not started Python; --follow, a service restarting), when the
 * next job may have found something. */
static uint64_t next_tick_us(const struct session *s, uint64_t next_us)
{
	uint64_t due = scheduler_next_due(&s->jobs);
	return s->tracked.n == 0 && due != UINT64_MAX && due > next_us
	               ? due
	               : next_us;
}

/* One tick; 1 when sampling is over. */
static int tick(struct session *s)
{
	if (s->write_error)
		return 1; /* the next recording could not begin */
	uint64_t interval_ns = s->opts->interval_us * 1000;
	uint64_t t0 = now_ns();
	attribution_begin_tick(&s->charge, t0 / 1000);
	int error = sample_all(s);
	uint64_t t1 = now_ns();
	if (all_gone(s))
		return 1;
	if (s->tracked.n > 0)
		stats_add_sample(&s->stats, t1 - t0, interval_ns, error);
	attribution_end_tick(&s->charge);
	recorder_tick(s->recorder, t0 / 1000);
	return should_stop(s, t0 / 1000);
}

static void sample_loop(struct session *s)
{
	/* The default 50 us timer slack would stretch every 100 us tick. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	uint64_t next_us = now_us();
	s->run_start_us = next_us;
	stats_init(&s->stats, next_us);
	stats_init(&s->total, next_us);
	s->recording_cpu_ns = cpu_time_ns();
	write_header(s);
	attribution_start(&s->charge, root_pid(s), next_us);
	if (s->py) /* else -C found Python descendants first */
		track_root(s, s->py);
	s->py = NULL; /* the set owns it now */
	schedule_jobs(s, next_us);
	char status[64];
	snprintf(status, sizeof status, "sampling pid %d", (int)root_pid(s));
	notify_ready(status);
	while (!tick(s)) {
		serve_signals(s);
		uint64_t t1 = now_us();
		scheduler_run_due(&s->jobs, t1);
		next_us = next_tick_us(s, next_us + s->opts->interval_us);
		/* A tick late (or jobs that ran long) starts at once. */
		uint64_t after = s->jobs.n ? now_us() : t1;
		if (next_us < after)
			next_us = after;
		else
			sleep_until_tick(s, next_us);
	}
	notify_stopping();
	/* The figures of the last, shorter period, unless it is too short to
	 * give any. */
	uint64_t end = now_us();
	if (s->system && !s->write_error &&
	    end - s->last_system_us >= MIN_LAST_SYSTEM_US)
		record_system(s, end);
	close_statistics(s, end);
}

/* --push: the last periods go out (PUSH_DRAIN_S at most), and what
 * became of them all is told. */
static void finish_pushing(struct session *s)
{
	if (!s->pusher)
		return;
	struct push_counts c;
	pusher_finish(s->pusher, &c);
	s->pusher = NULL;
	if (!s->opts->pipe || c.dropped || c.unsent)
		log_note("--push: %" PRIu64 " profile%s pushed to %s, %" PRIu64
		         " dropped (queue full), %" PRIu64 " not sent, %" PRIu64
		         " tries failed",
		         c.pushed, c.pushed == 1 ? "" : "s", s->opts->push_url,
		         c.dropped, c.unsent, c.failures);
}

/* Sample from the first tick to the last; the exit code. */
static int sample_and_finish(struct session *s)
{
	sample_loop(s);
	int write_error = end_recording(s, 0);
	if (!s->opts->pipe)
		stats_print_summary(&s->total, stderr, s->metric != LINE_TIME,
		                    s->tracked.needs & TRACK_TASKS,
		                    s->opts->gc);
	finish_pushing(s);
	if (write_error) {
		/* Sampling stopped early: the command goes on, untouched. */
		log_error("cannot write output: %s", strerror(write_error));
		return EXIT_OUTPUT;
	}
	return controller_finish(&s->control);
}

static int run(struct session *s)
{
	int code = controller_start(&s->control);
	if (code == EXIT_OK)
		code = controller_wait_for_runtime(&s->control, &s->py);
	if (code == EXIT_EXITED_EARLY) {
		/* Nothing to sample: an empty but complete profile. */
		stats_init(&s->stats, now_us());
		write_header(s);
		return write_footer(s) ? EXIT_OUTPUT
		                       : target_exit_code(&s->control.target);
	}
	if (code != EXIT_OK) {
		controller_abandon(&s->control);
		recorder_abandon(s->recorder);
		rotation_discard(&s->names); /* acts only with --rotate */
		return code;
	}
	return sample_and_finish(s);
}

/* Compress with -z, or when the file name says so. */
static int wants_gzip(const struct options *o)
{
	size_t len = o->output ? strlen(o->output) : 0;
	return o->gzip || (len > 3 && strcmp(o->output + len - 3, ".gz") == 0);
}

/* The first recording, opened before anything starts: a bad -o is told
 * before a command is launched. */
static int open_output(struct session *s)
{
	const struct options *o = s->opts;
	s->output = (struct recorder_config){.gzip = wants_gzip(o),
	                                     .binary = o->binary,
	                                     .folded = o->folded,
	                                     .metric = s->metric};
	/* For measuring what the cadence costs (scripts/bench). */
	const char *sync_ms = privilege_getenv("AUSTINC_SYNC_MS");
	if (sync_ms)
		s->output.sync_us = strtoull(sync_ms, NULL, 10) * 1000;
	rotation_init(&s->names, o->output, o->rotate_us != 0, o->keep);
	int error = begin_recording(s, now_us());
	return !error ? EXIT_OK : error == ENOMEM ? EXIT_INTERNAL : EXIT_OUTPUT;
}

/* --push: its credentials read and its thread started before anything
 * is launched. */
static int start_pushing(struct session *s)
{
	char why[512];
	if (!s->opts->push_url)
		return EXIT_OK;
	s->pusher = pusher_start(s->opts, why, sizeof why);
	if (s->pusher)
		return EXIT_OK;
	log_error("%s", why);
	return EXIT_USAGE;
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
	s->control = (struct controller){
	        .opts = o, .signals = s->signals, .tracked = &s->tracked};
}

int session_run(const struct options *opts, const struct signal_flags *signals)
{
	static struct session session; /* large: keep it off the stack */
	static struct recorder recorder;
	struct session *s = &session;
	memset(s, 0, sizeof *s);
	s->opts = opts;
	s->signals = signals;
	s->recorder = &recorder;
	configure_modes(s);
	if (opts->system_us)
		s->system = system_new();
	if (attribution_init(&s->charge, s->metric, opts->sleepless,
	                     &s->stats) != 0 ||
	    (opts->system_us && !s->system)) {
		log_error("out of memory");
		system_free(s->system);
		attribution_free(&s->charge);
		return EXIT_INTERNAL;
	}
	static struct follower follower;
	if ((opts->pidfile || opts->name) &&
	    follower_init(&follower, opts->pidfile, opts->name,
	                  opts->timeout_us) == 0) {
		s->follower = &follower;
		s->control.finder = &follower.finder;
	}
	int code = (opts->pidfile || opts->name) && !s->follower
	                   ? EXIT_USAGE
	                   : start_pushing(s);
	if (code == EXIT_OK)
		code = open_output(s);
	if (code == EXIT_OK)
		code = run(s);
	finish_pushing(s);
	if (s->follower)
		follower_free(s->follower);
	py_detach(s->py);
	tracked_clear(&s->tracked);
	system_free(s->system);
	attribution_free(&s->charge);
	return code;
}
