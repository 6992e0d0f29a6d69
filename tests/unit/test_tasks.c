/* Thread states from held-open /proc stat files.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "tasks.h"

#define STR(s) s, sizeof s - 1

START_TEST(parses_state)
{
	ck_assert_int_eq(tasks_parse_state(STR("42 (python3) S 1 42 42 0")),
	                 'S');
	ck_assert_int_eq(tasks_parse_state(STR("42 (a) b (c) R 1 42 42 0")),
	                 'R');
	ck_assert_int_eq(tasks_parse_state(STR("7 ()) ) t 1")), 't');
	ck_assert_int_eq(tasks_parse_state(STR("7 (x) Z")), 'Z');
	ck_assert_int_eq(tasks_parse_state(STR("7 (x) ")), -1);
	ck_assert_int_eq(tasks_parse_state(STR("7 (x)")), -1);
	ck_assert_int_eq(tasks_parse_state(STR("7 (x)R 1")), -1);
	ck_assert_int_eq(tasks_parse_state(STR("7 (x) 1 1")), -1);
	ck_assert_int_eq(tasks_parse_state(STR("7 (x")), -1);
	ck_assert_int_eq(tasks_parse_state(STR("")), -1);
}
END_TEST

static int open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	int n = 0;
	while (readdir(dir))
		n++;
	closedir(dir);
	return n;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){.tv_nsec = ms * 1000000}, NULL);
}

/* A thread that reports its TID, then blocks until its gate closes. */
struct blocked {
	pthread_t thread;
	int report[2], gate[2];
	pid_t tid;
};

static void *block(void *arg)
{
	struct blocked *b = arg;
	pid_t tid = gettid();
	char c;
	if (write(b->report[1], &tid, sizeof tid) == sizeof tid)
		(void)!read(b->gate[0], &c, 1);
	return NULL;
}

static void start_blocked(struct blocked *b)
{
	ck_assert_int_eq(pipe(b->report), 0);
	ck_assert_int_eq(pipe(b->gate), 0);
	ck_assert_int_eq(pthread_create(&b->thread, NULL, block, b), 0);
	ck_assert_int_eq(read(b->report[0], &b->tid, sizeof b->tid),
	                 sizeof b->tid);
}

static void stop_blocked(struct blocked *b)
{
	close(b->gate[1]);
	ck_assert_int_eq(pthread_join(b->thread, NULL), 0);
	close(b->gate[0]);
	close(b->report[0]);
	close(b->report[1]);
}

/* One tick asking about tid alone. */
static int idle_alone(struct tasks *t, pid_t tid)
{
	tasks_begin_tick(t);
	int idle = tasks_idle(t, tid);
	tasks_end_tick(t);
	return idle;
}

START_TEST(self_is_running)
{
	struct tasks *t = tasks_new(getpid());
	ck_assert_ptr_nonnull(t);
	/* Reading its own stat, the thread is on a CPU. */
	ck_assert_int_eq(idle_alone(t, gettid()), 0);
	ck_assert_int_eq(idle_alone(t, gettid()), 0);
	ck_assert_uint_eq(tasks_count(t), 1);
	tasks_free(t);
}
END_TEST

START_TEST(blocked_thread_is_idle_then_gone)
{
	struct blocked b;
	start_blocked(&b);
	struct tasks *t = tasks_new(getpid());
	/* It may not have reached its read yet. */
	int idle = 0;
	for (int i = 0; i < 5000 && idle != 1; i++, sleep_ms(1))
		idle = idle_alone(t, b.tid);
	ck_assert_int_eq(idle, 1);
	stop_blocked(&b);
	/* The kernel may release the thread a moment after the join. */
	for (int i = 0; i < 5000 && idle != -1; i++, sleep_ms(1))
		idle = idle_alone(t, b.tid);
	ck_assert_int_eq(idle, -1);
	ck_assert_uint_eq(tasks_count(t), 0);
	tasks_free(t);
}
END_TEST

START_TEST(unknown_tids)
{
	struct tasks *t = tasks_new(getpid());
	tasks_begin_tick(t);
	ck_assert_int_eq(tasks_idle(t, 0), -1);
	ck_assert_int_eq(tasks_idle(t, -1), -1);
	ck_assert_int_eq(tasks_idle(t, INT64_MAX), -1);
	/* Above any pid_max the kernel allows. */
	ck_assert_int_eq(tasks_idle(t, 1 << 30), -1);
	tasks_end_tick(t);
	ck_assert_uint_eq(tasks_count(t), 0);
	tasks_free(t);
}
END_TEST

START_TEST(end_of_tick_closes_what_was_not_asked_about)
{
	struct blocked b;
	start_blocked(&b);
	int base = open_fds();
	struct tasks *t = tasks_new(getpid());
	tasks_begin_tick(t);
	ck_assert_int_ge(tasks_idle(t, gettid()), 0);
	ck_assert_int_ge(tasks_idle(t, b.tid), 0);
	tasks_end_tick(t);
	ck_assert_int_eq(open_fds(), base + 2);

	tasks_begin_tick(t);
	ck_assert_int_ge(tasks_idle(t, gettid()), 0);
	tasks_end_tick(t);
	ck_assert_int_eq(open_fds(), base + 1);
	ck_assert_uint_eq(tasks_count(t), 1);

	/* Asked about again, it is opened again. */
	tasks_begin_tick(t);
	ck_assert_int_ge(tasks_idle(t, b.tid), 0);
	ck_assert_int_ge(tasks_idle(t, gettid()), 0);
	tasks_end_tick(t);
	ck_assert_int_eq(open_fds(), base + 2);

	tasks_free(t);
	ck_assert_int_eq(open_fds(), base);
	stop_blocked(&b);
}
END_TEST

/* A thread kept (known to run) holds its fd without a read; keeping one
 * never asked about opens nothing. */
START_TEST(kept_thread_stays_open)
{
	struct blocked b;
	start_blocked(&b);
	int base = open_fds();
	struct tasks *t = tasks_new(getpid());
	tasks_begin_tick(t);
	ck_assert_int_ge(tasks_idle(t, b.tid), 0);
	tasks_end_tick(t);
	ck_assert_int_eq(open_fds(), base + 1);

	tasks_begin_tick(t);
	tasks_keep(t, b.tid);
	tasks_keep(t, gettid());
	tasks_end_tick(t);
	ck_assert_int_eq(open_fds(), base + 1);
	ck_assert_uint_eq(tasks_count(t), 1);

	tasks_begin_tick(t);
	tasks_end_tick(t);
	ck_assert_uint_eq(tasks_count(t), 0);
	ck_assert_int_eq(open_fds(), base);
	tasks_free(t);
	stop_blocked(&b);
}
END_TEST

#define MANY 48

/* Many threads, half of them dropped each tick, alternately: exercises the
 * removals from the array and the hash. */
START_TEST(many_threads_come_and_go)
{
	static struct blocked b[MANY];
	for (int i = 0; i < MANY; i++)
		start_blocked(&b[i]);
	int base = open_fds();
	struct tasks *t = tasks_new(getpid());
	for (int round = 0; round < 6; round++) {
		/* All of them, then odd and even ones by turns. */
		int first = round ? round % 2 : 0, step = round ? 2 : 1;
		tasks_begin_tick(t);
		for (int i = first; i < MANY; i += step)
			ck_assert_int_ge(tasks_idle(t, b[i].tid), 0);
		tasks_end_tick(t);
		size_t expect = round ? MANY / 2 : MANY;
		ck_assert_uint_eq(tasks_count(t), expect);
		ck_assert_int_eq(open_fds(), base + (int)expect);
	}
	tasks_free(t);
	ck_assert_int_eq(open_fds(), base);
	for (int i = 0; i < MANY; i++)
		stop_blocked(&b[i]);
}
END_TEST

Suite *tasks_suite(void)
{
	Suite *s = suite_create("tasks");
	TCase *tc = tcase_create("tasks");
	tcase_add_test(tc, parses_state);
	tcase_add_test(tc, self_is_running);
	tcase_add_test(tc, blocked_thread_is_idle_then_gone);
	tcase_add_test(tc, unknown_tids);
	tcase_add_test(tc, end_of_tick_closes_what_was_not_asked_about);
	tcase_add_test(tc, kept_thread_stays_open);
	tcase_add_test(tc, many_threads_come_and_go);
	suite_add_tcase(s, tc);
	return s;
}
