/* Resident memory and descendants from /proc.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "suites.h"

#define STR(s) s, sizeof s - 1

START_TEST(parses_statm)
{
	ck_assert_int_eq(
	        procfs_parse_statm_rss(STR("100 25 3 1 0 7 0\n"), 4096),
	        25 * 4096);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("1 0 0 0 0 0 0\n"), 4096),
	                 0);
	/* The second field ends with a space or a newline, or it is cut. */
	ck_assert_int_eq(procfs_parse_statm_rss(STR("9 8\n"), 65536),
	                 8 * 65536);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("9 8"), 4096), -1);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("9"), 4096), -1);
	ck_assert_int_eq(procfs_parse_statm_rss(STR(""), 4096), -1);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("9  8 1\n"), 4096), -1);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("x 8 1\n"), 4096), -1);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("9 -8 1\n"), 4096), -1);
	ck_assert_int_eq(procfs_parse_statm_rss(STR("9 8 1\n"), 0), -1);
	/* Overflows, of the number and of the product. */
	ck_assert_int_eq(
	        procfs_parse_statm_rss(STR("1 99999999999999999999 1\n"), 1),
	        -1);
	ck_assert_int_eq(
	        procfs_parse_statm_rss(STR("1 9223372036854775807 1\n"), 2),
	        -1);
	ck_assert_int_eq(
	        procfs_parse_statm_rss(STR("1 9223372036854775807 1\n"), 1),
	        INT64_MAX);
}
END_TEST

/* VmRSS from /proc/self/status, in bytes, or -1. */
static int64_t status_rss(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	char line[256];
	long long kb = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

START_TEST(rss_of_self_matches_status)
{
	int fd = procfs_open_statm(getpid());
	ck_assert_int_ge(fd, 0);
	int64_t statm = procfs_rss_bytes(fd);
	int64_t status = status_rss();
	ck_assert_int_gt(statm, 0);
	ck_assert_int_gt(status, 0);
	/* The two are read a moment apart: allow some drift. */
	int64_t diff = statm > status ? statm - status : status - statm;
	ck_assert_int_le(diff, status / 10 + (1 << 20));
	/* Held open, the fd reads afresh every time. */
	ck_assert_int_gt(procfs_rss_bytes(fd), 0);
	close(fd);
	ck_assert_int_eq(procfs_rss_bytes(fd), -1);
	ck_assert_int_eq(procfs_rss_bytes(-1), -1);
}
END_TEST

/* Fork a child that waits until the write end of gate closes. */
static pid_t fork_waiting(int gate[2])
{
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(gate[1]);
		_exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
	}
	return pid;
}

START_TEST(rss_of_a_gone_process_fails)
{
	int gate[2];
	ck_assert_int_eq(pipe(gate), 0);
	pid_t child = fork_waiting(gate);
	ck_assert_int_gt(child, 0);
	int fd = procfs_open_statm(child);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(procfs_rss_bytes(fd), 0);
	close(gate[1]);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_int_eq(procfs_rss_bytes(fd), -1);
	ck_assert_int_eq(errno, ESRCH);
	close(fd);
	close(gate[0]);
	ck_assert_int_eq(procfs_open_statm(child), -1);
}
END_TEST

static int has(const pid_t *pids, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* A child that forks a grandchild; both wait on gate. The grandchild's PID
 * comes through report. */
static void child_with_grandchild(int gate[2], int report[2])
{
	pid_t grandchild = fork_waiting(gate);
	close(gate[1]);
	close(gate[0]);
	if (write(report[1], &grandchild, sizeof grandchild) < 0)
		_exit(1);
	waitpid(grandchild, NULL, 0);
	_exit(0);
}

START_TEST(finds_children_and_grandchildren)
{
	int gate[2], report[2];
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(pipe(report), 0);
	pid_t child = fork();
	if (child == 0)
		child_with_grandchild(gate, report);
	ck_assert_int_gt(child, 0);
	pid_t grandchild = 0;
	ck_assert_int_eq(read(report[0], &grandchild, sizeof grandchild),
	                 sizeof grandchild);
	ck_assert_int_gt(grandchild, 0);

	pid_t out[256];
	int n = procfs_descendants(getpid(), out, 256);
	ck_assert(has(out, n, child) && has(out, n, grandchild));
	ck_assert(!has(out, n, getpid()));
	n = procfs_descendants(child, out, 256);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(out[0], grandchild);
	ck_assert_int_eq(procfs_descendants(grandchild, out, 256), 0);
	/* Bounded by max, and called again with the same context. */
	ck_assert_int_eq(procfs_descendants(getpid(), out, 1), 1);
	ck_assert_int_eq(procfs_descendants(0, out, 256), -1);

	close(gate[1]);
	close(gate[0]);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	close(report[0]);
	close(report[1]);
	ck_assert_int_eq(procfs_descendants(child, out, 256), 0);
}
END_TEST

static pid_t zombie_grandchild;

static void *reap_then_exit(void *arg)
{
	(void)arg;
	waitpid(zombie_grandchild, NULL, 0);
	/* Not _exit: under valgrind, what the ended main thread referred to
	 * would be reported lost. An exec ends the process without a leak
	 * check. */
	execl("/bin/true", "true", (char *)NULL);
	_exit(0);
}

/* A child whose main thread ends while another thread lives on: the process
 * shows as a zombie ('Z') though its grandchild is alive. */
static void zombie_leader(int gate[2], int report[2])
{
	zombie_grandchild = fork_waiting(gate);
	close(gate[1]);
	close(gate[0]);
	if (write(report[1], &zombie_grandchild, sizeof zombie_grandchild) < 0)
		_exit(1);
	pthread_t thread;
	if (pthread_create(&thread, NULL, reap_then_exit, NULL) != 0)
		_exit(1);
	pthread_exit(NULL);
}

START_TEST(skips_zombies_but_not_their_descendants)
{
	int gate[2], report[2];
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(pipe(report), 0);
	pid_t child = fork();
	if (child == 0)
		zombie_leader(gate, report);
	ck_assert_int_gt(child, 0);
	pid_t grandchild = 0;
	ck_assert_int_eq(read(report[0], &grandchild, sizeof grandchild),
	                 sizeof grandchild);
	/* procfs_alive takes 'Z' for gone. */
	for (int i = 0; i < 5000 && procfs_alive(child); i++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	ck_assert(!procfs_alive(child));

	pid_t out[256];
	int n = procfs_descendants(getpid(), out, 256);
	ck_assert(!has(out, n, child));
	ck_assert(has(out, n, grandchild));

	close(gate[1]);
	close(gate[0]);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	close(report[0]);
	close(report[1]);
}
END_TEST

Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *tc = tcase_create("procfs");
	tcase_add_test(tc, parses_statm);
	tcase_add_test(tc, rss_of_self_matches_status);
	tcase_add_test(tc, rss_of_a_gone_process_fails);
	tcase_add_test(tc, finds_children_and_grandchildren);
	tcase_add_test(tc, skips_zombies_but_not_their_descendants);
	suite_add_tcase(s, tc);
	return s;
}
