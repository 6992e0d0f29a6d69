/* The session's parts: the scheduler, attribution, the recorder, and a
 * whole session driven by signal flags a test sets.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attribution.h"
#include "log.h"
#include "recorder.h"
#include "scheduler.h"
#include "session.h"
#include "stats.h"
#include "suites.h"

/* --- the scheduler -------------------------------------------------- */

struct runs {
	int n;
	uint64_t at[16];
};

static void count_run(void *ctx, uint64_t now_us)
{
	struct runs *r = ctx;
	r->at[r->n++ % 16] = now_us;
}

START_TEST(jobs_keep_to_their_grid)
{
	struct scheduler s = {0};
	struct runs r = {0};
	ck_assert_int_eq(scheduler_add(&s, count_run, &r, 100, 1000), 0);
	scheduler_run_due(&s, 999);
	ck_assert_int_eq(r.n, 0);
	scheduler_run_due(&s, 1030); /* late: the next stays on the grid */
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(scheduler_next_due(&s), 1100);
	scheduler_run_due(&s, 1100);
	ck_assert_int_eq(r.n, 2);
	ck_assert_uint_eq(scheduler_next_due(&s), 1200);
}
END_TEST

START_TEST(a_stall_starts_a_new_grid_without_catching_up)
{
	struct scheduler s = {0};
	struct runs r = {0};
	scheduler_add(&s, count_run, &r, 100, 1000);
	scheduler_run_due(&s, 1750);
	ck_assert_int_eq(r.n, 1);
	ck_assert_uint_eq(scheduler_next_due(&s), 1850);
}
END_TEST

START_TEST(the_earliest_job_is_next_and_the_table_is_bounded)
{
	struct scheduler s = {0};
	struct runs a = {0}, b = {0};
	ck_assert_uint_eq(scheduler_next_due(&s), UINT64_MAX);
	scheduler_add(&s, count_run, &a, 50000, 500);
	scheduler_add(&s, count_run, &b, 1000, 200);
	ck_assert_uint_eq(scheduler_next_due(&s), 200);
	ck_assert_int_eq(scheduler_add(&s, count_run, &a, 0, 0), -1);
	for (int i = 2; i < SCHEDULER_JOBS; i++)
		ck_assert_int_eq(scheduler_add(&s, count_run, &a, 1, 0), i);
	ck_assert_int_eq(scheduler_add(&s, count_run, &a, 1, 0), -1);
}
END_TEST

/* --- attribution ---------------------------------------------------- */

static struct stats stats;
static struct attribution charge;
static struct tracked proc = {.pid = 40, .statm_fd = -1};

/* The RSS read is this process's own. */
static void track_own_rss(void)
{
	proc.statm_fd = open("/proc/self/statm", O_RDONLY);
	ck_assert_int_ge(proc.statm_fd, 0);
	proc.rss = proc.charged_rss = 0;
}

static void untrack_rss(void)
{
	close(proc.statm_fd);
	proc.statm_fd = -1;
}

static void charge_setup(enum metric_kind metric, int sleepless)
{
	memset(&stats, 0, sizeof stats);
	ck_assert_int_eq(attribution_init(&charge, metric, sleepless, &stats),
	                 0);
	attribution_start(&charge, proc.pid, 1000);
}

static int charge_thread(uint64_t tick_us, int64_t tid, int gil,
                         struct sample *sm)
{
	struct py_thread t = {.iid = 0, .tid = tid, .holds_gil = gil};
	attribution_begin_tick(&charge, tick_us);
	attribution_begin_process(&charge, &proc);
	int written = attribution_charge(&charge, &t, NULL, sm);
	attribution_end_tick(&charge);
	return written;
}

START_TEST(time_is_charged_since_the_threads_last_sample)
{
	struct sample sm;
	charge_setup(LINE_TIME, 0);
	ck_assert(charge_thread(1100, 41, 1, &sm));
	ck_assert_uint_eq(sm.time_us, 100); /* since sampling began */
	ck_assert(charge_thread(1250, 41, 1, &sm));
	ck_assert_uint_eq(sm.time_us, 150);
	/* A thread first seen now: since the previous tick. */
	ck_assert(charge_thread(1300, 42, 0, &sm));
	ck_assert_uint_eq(sm.time_us, 50);
	ck_assert(sm.pid == 40 && sm.tid == 42 && sm.rss_delta == 0);
	ck_assert_uint_eq(stats.thread_samples, 3);
	attribution_free(&charge);
}
END_TEST

START_TEST(memory_goes_to_the_gil_holder_once)
{
	struct sample sm;
	charge_setup(LINE_MEMORY, 0);
	track_own_rss();
	/* Not the holder: nothing to write in memory mode. */
	ck_assert(!charge_thread(1100, 41, 0, &sm));
	ck_assert_int_gt(proc.rss, 0);
	ck_assert_int_eq(proc.charged_rss, 0);
	ck_assert(charge_thread(1200, 42, 1, &sm));
	ck_assert_int_eq(sm.rss_delta, proc.rss);
	ck_assert_int_eq(proc.charged_rss, proc.rss);
	ck_assert_int_eq(stats.allocated, proc.rss);
	/* Charged once: the next holder gets only what changed since. */
	ck_assert(charge_thread(1300, 41, 1, &sm) == (sm.rss_delta != 0));
	untrack_rss();
	attribution_free(&charge);
}
END_TEST

START_TEST(full_mode_charges_time_and_memory)
{
	struct sample sm;
	charge_setup(LINE_FULL, 0);
	track_own_rss();
	ck_assert(charge_thread(1100, 41, 0, &sm)); /* time, no memory */
	ck_assert_int_eq(sm.rss_delta, 0);
	/* As if 1 GiB more had been charged: a release, as read now. */
	int64_t charged = proc.charged_rss = proc.rss + (1 << 30);
	ck_assert(charge_thread(1200, 41, 1, &sm));
	ck_assert_int_eq(sm.rss_delta, proc.rss - charged);
	ck_assert_int_lt(sm.rss_delta, 0);
	ck_assert_uint_eq(sm.time_us, 100);
	ck_assert_int_eq(stats.released, -sm.rss_delta);
	untrack_rss();
	attribution_free(&charge);
}
END_TEST

/* --- the recorder --------------------------------------------------- */

static char path[64];

static const char *read_back(void)
{
	static char text[1 << 20];
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static struct recorder recorder;

static void record_one(enum folded_metric folded, int binary)
{
	struct recorder_config c = {.path = path,
	                            .folded = folded,
	                            .binary = binary,
	                            .metric = LINE_TIME};
	struct recording_facts f = {.interval_us = 100,
	                            .started_us = 1796487300123456ull,
	                            .mode = "wall",
	                            .python = "3.11.2 (static)",
	                            .command = "python3 app.py"};
	struct stack stack = {0};
	struct sample sm = {.pid = 7, .tid = 8, .stack = &stack, .time_us = 99};
	strcpy(path, "/tmp/austinc-recorder-XXXXXX");
	close(mkstemp(path));
	ck_assert_int_eq(recorder_open(&recorder, &c), 0);
	recorder_header(&recorder, &f);
	recorder_sample(&recorder, &sm);
	memset(&stats, 0, sizeof stats);
	stats.samples = 1, stats.end_us = 250;
	ck_assert_int_eq(recorder_end(&recorder, &stats, FOOTER_GC), 0);
}

START_TEST(text_has_header_samples_and_footer)
{
	record_one(FOLDED_NONE, 0);
	const char *t = read_back();
	ck_assert_ptr_nonnull(strstr(t,
	                             "# austinc: " PACKAGE_VERSION "\n"
	                             "# started: 2026-12-05T16:15:00.123456Z\n"
	                             "# interval: 100us\n# mode: wall\n"
	                             "# python: 3.11.2 (static)\n"
	                             "# command: python3 app.py\n"
	                             "P7;T0:8 99\n"
	                             "# duration: 250us\n# samples: 1 ("));
	ck_assert_ptr_nonnull(strstr(t, "# gc: 0 of 1 samples (0.00%)\n"));
	ck_assert_ptr_null(strstr(t, "# memory:"));
	unlink(path);
}
END_TEST

START_TEST(folded_output_has_no_metadata)
{
	record_one(FOLDED_TIME, 0);
	ck_assert_str_eq(read_back(), "P7;T0:8 99\n");
	unlink(path);
}
END_TEST

START_TEST(mojo_begins_with_its_header)
{
	record_one(FOLDED_NONE, 1);
	ck_assert_mem_eq(read_back(), "MOJ", 3);
	unlink(path);
}
END_TEST

START_TEST(an_unwritable_output_is_an_errno)
{
	struct recorder_config c = {.path = "/nonexistent/dir/p.txt"};
	ck_assert_int_eq(recorder_open(&recorder, &c), ENOENT);
}
END_TEST

/* --- a whole session, driven by its signal flags ---------------------- */

static FILE *log_file;

static int run_session(struct signal_flags *flags, char **argv, int argc)
{
	struct options o;
	FILE *null = fopen("/dev/null", "w");
	ck_assert_int_eq(options_parse(argc, argv, &o, null, null),
	                 OPTIONS_RUN);
	fclose(null);
	log_file = tmpfile();
	log_to_stream(log_file);
	int code = session_run(&o, flags);
	log_to_stream(NULL);
	return code;
}

static const char *logged(void)
{
	static char text[1024];
	rewind(log_file);
	size_t n = fread(text, 1, sizeof text - 1, log_file);
	text[n] = '\0';
	fclose(log_file);
	return text;
}

START_TEST(a_terminate_flag_ends_the_wait_for_a_runtime)
{
	struct signal_flags flags = {.terminated = 1};
	char *argv[] = {"austinc", "-o", "/dev/null", "/bin/sleep", "5", NULL};
	ck_assert_int_eq(run_session(&flags, argv, 5), 128 + SIGTERM);
	ck_assert_str_eq(logged(), "austinc: interrupted while waiting for "
	                           "a Python runtime\n");
}
END_TEST

START_TEST(an_interrupt_flag_ends_the_wait_with_sigints_code)
{
	struct signal_flags flags = {.interrupts = 1};
	char *argv[] = {"austinc", "-o", "/dev/null", "/bin/sleep", "5", NULL};
	ck_assert_int_eq(run_session(&flags, argv, 5), 128 + SIGINT);
	logged();
}
END_TEST

START_TEST(a_python_command_is_sampled_to_its_end)
{
	struct signal_flags flags = {0};
	strcpy(path, "/tmp/austinc-session-XXXXXX");
	close(mkstemp(path));
	char *argv[] = {"austinc",
	                "-P",
	                "-i",
	                "1ms",
	                "-o",
	                path,
	                "/usr/bin/python3",
	                "-c",
	                "import time\nend = time.time() + 0.3\n"
	                "while time.time() < end: pass\nraise SystemExit(3)",
	                NULL};
	ck_assert_int_eq(run_session(&flags, argv, 9), 3);
	ck_assert_str_eq(logged(), "");
	const char *t = read_back();
	ck_assert_ptr_nonnull(strstr(t, "# mode: wall\n"));
	ck_assert_ptr_nonnull(strstr(t, ";<string>:<module>:3 "));
	ck_assert_ptr_nonnull(strstr(t, "# samples: "));
	unlink(path);
}
END_TEST

/* --- a run's statistics over its recordings ------------------------- */

/* Two periods of a rotating run, and an empty third, make the run's total:
 * counts summed, the cost's extremes and median over all, the RSS start of
 * the first and end of the last that read one. */
START_TEST(periods_merge_into_the_run_total)
{
	struct stats total, a, b, c;
	stats_init(&total, 1000);
	stats_init(&a, 1000);
	stats_add_sample(&a, 50, 200, 0);
	stats_add_sample(&a, 300, 200, 1); /* saturated */
	a.thread_samples = 4;
	a.stack_errors = 1;
	a.cpu_ns = 1000;
	a.gc_samples = 1;
	a.idle_samples = 2;
	stats_add_rss_delta(&a, 4096);
	stats_add_rss_delta(&a, -1024);
	stats_add_root_rss(&a, 100);
	stats_add_root_rss(&a, 300);
	stats_root_rss_charged(&a, 250);
	a.end_us = 2000;
	stats_init(&b, 2000);
	stats_add_sample(&b, 150, 200, 1);
	stats_add_sample(&b, 400, 200, 0); /* saturated */
	stats_add_sample(&b, 250, 200, 0); /* saturated */
	b.thread_samples = 6;
	b.stack_errors = 2;
	b.cpu_ns = 2000;
	b.idle_samples = 1;
	stats_add_rss_delta(&b, 512);
	stats_add_root_rss(&b, 500); /* read, never charged: no end */
	b.end_us = 3500;
	stats_init(&c, 3500); /* a period without a sample */
	c.end_us = 4000;
	stats_merge(&total, &a);
	stats_merge(&total, &b);
	stats_merge(&total, &c);
	ck_assert_uint_eq(total.start_us, 1000);
	ck_assert_uint_eq(total.end_us, 4000);
	ck_assert_uint_eq(total.samples, 5);
	ck_assert_uint_eq(total.thread_samples, 10);
	ck_assert_uint_eq(total.errors, 2);
	ck_assert_uint_eq(total.stack_errors, 3);
	ck_assert_uint_eq(total.saturated, 3);
	ck_assert_uint_eq(total.cost_min_ns, 50);
	ck_assert_uint_eq(total.cost_max_ns, 400);
	ck_assert_uint_eq(total.cost_sum_ns, 1150);
	ck_assert_uint_eq(stats_cost_avg_ns(&total), 230);
	/* 50 and 150 in the first bucket, 250, 300 and 400 in the second. */
	ck_assert_uint_eq(stats_cost_median_ns(&total), 375);
	ck_assert_uint_eq(total.cpu_ns, 3000);
	ck_assert_uint_eq(stats_cpu_per_sample_ns(&total), 600);
	ck_assert_uint_eq(total.gc_samples, 1);
	ck_assert_uint_eq(total.idle_samples, 3);
	ck_assert_uint_eq(stats_error_basis_points(&total), 4000);
	ck_assert_uint_eq(stats_saturation_basis_points(&total), 6000);
	ck_assert_uint_eq(stats_stack_error_basis_points(&total), 3000);
	ck_assert_int_eq(total.allocated, 4608);
	ck_assert_int_eq(total.released, 1024);
	ck_assert_int_eq(total.rss_start, 100);
	ck_assert_int_eq(total.rss_peak, 500);
	ck_assert_int_eq(total.rss_end, 250);
}
END_TEST

/* A total merged from nothing but empty periods stays empty. */
START_TEST(empty_periods_leave_the_total_empty)
{
	struct stats total, part;
	stats_init(&total, 10);
	stats_init(&part, 20);
	part.end_us = 30;
	stats_merge(&total, &part);
	ck_assert_uint_eq(total.start_us, 10);
	ck_assert_uint_eq(total.end_us, 30);
	ck_assert_uint_eq(total.samples, 0);
	ck_assert_uint_eq(total.cost_min_ns, UINT64_MAX);
	ck_assert_uint_eq(total.cost_max_ns, 0);
	ck_assert_uint_eq(stats_cost_median_ns(&total), 0);
	ck_assert_int_eq(total.rss_start, -1);
	ck_assert_int_eq(total.rss_peak, -1);
	ck_assert_int_eq(total.rss_end, -1);
}
END_TEST

Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("scheduler");
	tcase_add_test(tc, jobs_keep_to_their_grid);
	tcase_add_test(tc, a_stall_starts_a_new_grid_without_catching_up);
	tcase_add_test(tc, the_earliest_job_is_next_and_the_table_is_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("attribution");
	tcase_add_test(tc, time_is_charged_since_the_threads_last_sample);
	tcase_add_test(tc, memory_goes_to_the_gil_holder_once);
	tcase_add_test(tc, full_mode_charges_time_and_memory);
	suite_add_tcase(s, tc);
	tc = tcase_create("recorder");
	tcase_add_test(tc, text_has_header_samples_and_footer);
	tcase_add_test(tc, folded_output_has_no_metadata);
	tcase_add_test(tc, mojo_begins_with_its_header);
	tcase_add_test(tc, an_unwritable_output_is_an_errno);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats");
	tcase_add_test(tc, periods_merge_into_the_run_total);
	tcase_add_test(tc, empty_periods_leave_the_total_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_terminate_flag_ends_the_wait_for_a_runtime);
	tcase_add_test(tc, an_interrupt_flag_ends_the_wait_with_sigints_code);
	tcase_add_test(tc, a_python_command_is_sampled_to_its_end);
	suite_add_tcase(s, tc);
	return s;
}
