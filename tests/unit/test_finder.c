/* Unit tests of the finder: the target named by a pidfile or by a pattern
 * on command lines, found among real processes the tests start.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "finder.h"

#define SLEEP "/bin/sleep"

/* --- helpers --------------------------------------------------------- */

/* A fresh directory and a pidfile name in it (the file not yet made). */
struct place {
	char dir[64];
	char pidfile[96];
};

static void make_place(struct place *p)
{
	snprintf(p->dir, sizeof p->dir, "/tmp/austinc-finder.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(p->dir));
	snprintf(p->pidfile, sizeof p->pidfile, "%s/app.pid", p->dir);
}

static void remove_place(const struct place *p)
{
	unlink(p->pidfile);
	rmdir(p->dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* A child that waits for its end; the alarm ends it should a failed
 * assertion leave it behind. */
static pid_t start_waiting_child(void)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL); /* whatever check set, it ends us */
		alarm(30);
		for (;;)
			pause();
	}
	return pid;
}

/* A child running /bin/sleep with argument arg, returned once the exec has
 * happened: the write end of a close-on-exec pipe closes with it, so the
 * command line the finder reads is sleep's, not ours. */
static pid_t start_sleep(const char *arg)
{
	int fds[2];
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		execl(SLEEP, SLEEP, arg, (char *)NULL);
		int error = errno;
		if (write(fds[1], &error, sizeof error) < 0)
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	int error = 0;
	ssize_t n = read(fds[0], &error, sizeof error);
	close(fds[0]);
	ck_assert_msg(n == 0, "cannot exec %s: %s", SLEEP, strerror(error));
	return pid;
}

/* Kill a child and wait until it is a zombie, not reaping it. */
static void kill_unreaped(pid_t pid)
{
	siginfo_t info;
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
}

static void reap(pid_t pid)
{
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	reap(pid);
}

/* A sleep argument no other process has: it holds this process's PID and
 * a serial, and sleeps about 30 s. */
static void unique_sleep(char *arg, size_t len, char *pattern, size_t plen)
{
	static int serial;
	snprintf(arg, len, "30.%d%03d", (int)getpid(), ++serial);
	snprintf(pattern, plen, "^" SLEEP " 30\\.%d%03d$", (int)getpid(),
	         serial);
}

/* finder_find with a pidfile; why is checked to be set. */
static enum find_result find_by_pidfile(const char *pidfile, pid_t *pid,
                                        char *why, size_t len)
{
	struct finder f;
	char init_why[64] = "";
	ck_assert_int_eq(
	        finder_init(&f, pidfile, NULL, init_why, sizeof init_why), 0);
	why[0] = '\0';
	enum find_result r = finder_find(&f, pid, why, len);
	finder_free(&f);
	return r;
}

static enum find_result find_by_name(const char *name, pid_t *pid, char *why,
                                     size_t len)
{
	struct finder f;
	char init_why[256] = "";
	ck_assert_msg(finder_init(&f, NULL, name, init_why, sizeof init_why) ==
	                      0,
	              "%s", init_why);
	why[0] = '\0';
	enum find_result r = finder_find(&f, pid, why, len);
	finder_free(&f);
	return r;
}

/* --- pidfile --------------------------------------------------------- */

START_TEST(a_missing_pidfile_names_nothing_yet)
{
	struct place p;
	make_place(&p);
	pid_t pid = -1;
	char why[256], expected[256];
	ck_assert_int_eq(find_by_pidfile(p.pidfile, &pid, why, sizeof why),
	                 FIND_NONE);
	snprintf(expected, sizeof expected,
	         "cannot read pidfile %s: No such file or directory",
	         p.pidfile);
	ck_assert_str_eq(why, expected);
	ck_assert_int_eq(pid, -1);
	remove_place(&p);
}
END_TEST

START_TEST(an_empty_pidfile_names_nothing_yet)
{
	struct place p;
	make_place(&p);
	write_file(p.pidfile, "");
	pid_t pid = -1;
	char why[256], expected[256];
	ck_assert_int_eq(find_by_pidfile(p.pidfile, &pid, why, sizeof why),
	                 FIND_NONE);
	snprintf(expected, sizeof expected, "pidfile %s is empty", p.pidfile);
	ck_assert_str_eq(why, expected);
	remove_place(&p);
}
END_TEST

/* Each holds no PID: not digits, digits and more, no sign, not zero, not
 * beyond a pid_t, not a PID on a later line, not longer than a pidfile. */
static const char *const GARBAGE[] = {
        "abc",
        "12x",
        "-5",
        "+5",
        "0",
        "1 2",
        "2147483648",
        "99999999999999999999999",
        "12\n13\n",
        "   \n",
        "000000000000000000000000000000000000000000000000000000000000000012",
};

START_TEST(a_pidfile_without_a_pid_is_bad)
{
	struct place p;
	make_place(&p);
	write_file(p.pidfile, GARBAGE[_i]);
	pid_t pid = -1;
	char why[256], expected[256];
	ck_assert_msg(find_by_pidfile(p.pidfile, &pid, why, sizeof why) ==
	                      FIND_BAD,
	              "'%s' was taken for a PID", GARBAGE[_i]);
	snprintf(expected, sizeof expected, "pidfile %s holds no PID",
	         p.pidfile);
	ck_assert_str_eq(why, expected);
	ck_assert_int_eq(pid, -1);
	remove_place(&p);
}
END_TEST

/* A pidfile that cannot be read (here a directory) is bad, not absent. */
START_TEST(an_unreadable_pidfile_is_bad)
{
	struct place p;
	make_place(&p);
	pid_t pid = -1;
	char why[256], expected[256];
	ck_assert_int_eq(find_by_pidfile(p.dir, &pid, why, sizeof why),
	                 FIND_BAD);
	snprintf(expected, sizeof expected,
	         "cannot read pidfile %s: Is a directory", p.dir);
	ck_assert_str_eq(why, expected);
	/* Only a missing file is no pidfile yet: a path through a file is
	 * wrong for good. */
	char through[128];
	write_file(p.pidfile, "1\n");
	snprintf(through, sizeof through, "%s/x", p.pidfile);
	ck_assert_int_eq(find_by_pidfile(through, &pid, why, sizeof why),
	                 FIND_BAD);
	snprintf(expected, sizeof expected,
	         "cannot read pidfile %s: Not a directory", through);
	ck_assert_str_eq(why, expected);
	ck_assert_int_eq(pid, -1);
	remove_place(&p);
}
END_TEST

/* The PID of a live process, with the white space files have around it. */
START_TEST(a_pidfile_names_a_live_process)
{
	static const char *const forms[] = {"%d",       "%d\n",   "  %d \n",
	                                    "\t%d\r\n", "%d\n\n", "\n%d\n"};
	struct place p;
	make_place(&p);
	pid_t child = start_waiting_child();
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		char text[32], why[256] = "";
		snprintf(text, sizeof text, forms[i], (int)child);
		write_file(p.pidfile, text);
		pid_t pid = -1;
		enum find_result r =
		        find_by_pidfile(p.pidfile, &pid, why, sizeof why);
		ck_assert_msg(r == FIND_OK, "form %zu: %d (%s)", i, r, why);
		ck_assert_int_eq(pid, child);
	}
	kill_and_reap(child);
	remove_place(&p);
}
END_TEST

/* Once the process has died, as a zombie and once reaped, the pidfile
 * names nothing: the service is between two runs. */
START_TEST(a_pidfile_of_a_dead_process_names_nothing)
{
	struct place p;
	make_place(&p);
	pid_t child = start_waiting_child();
	char text[32], why[256], expected[256];
	snprintf(text, sizeof text, "%d\n", (int)child);
	write_file(p.pidfile, text);
	snprintf(expected, sizeof expected,
	         "process %d of pidfile %s is not running", (int)child,
	         p.pidfile);
	pid_t pid = -1;
	kill_unreaped(child);
	ck_assert_int_eq(find_by_pidfile(p.pidfile, &pid, why, sizeof why),
	                 FIND_NONE);
	ck_assert_str_eq(why, expected);
	reap(child);
	ck_assert_int_eq(find_by_pidfile(p.pidfile, &pid, why, sizeof why),
	                 FIND_NONE);
	ck_assert_str_eq(why, expected);
	remove_place(&p);
}
END_TEST

/* --- name ------------------------------------------------------------ */

START_TEST(a_name_finds_the_matching_process)
{
	char arg[32], pattern[64], why[256] = "";
	unique_sleep(arg, sizeof arg, pattern, sizeof pattern);
	pid_t child = start_sleep(arg);
	pid_t pid = -1;
	enum find_result r = find_by_name(pattern, &pid, why, sizeof why);
	ck_assert_msg(r == FIND_OK, "%d: %s", r, why);
	ck_assert_int_eq(pid, child);
	/* Dead, it is no match: a zombie has no command line to match. */
	kill_unreaped(child);
	pid = -1;
	ck_assert_int_eq(find_by_name(pattern, &pid, why, sizeof why),
	                 FIND_NONE);
	ck_assert_int_eq(pid, -1);
	reap(child);
}
END_TEST

START_TEST(a_name_matching_nothing_finds_nothing)
{
	char arg[32], pattern[64], why[256], expected[128];
	unique_sleep(arg, sizeof arg, pattern, sizeof pattern);
	pid_t pid = -1;
	ck_assert_int_eq(find_by_name(pattern, &pid, why, sizeof why),
	                 FIND_NONE);
	ck_assert_int_eq(pid, -1);
	snprintf(expected, sizeof expected, "no process matches name '%s'",
	         pattern);
	ck_assert_str_eq(why, expected);
}
END_TEST

START_TEST(an_invalid_pattern_is_refused)
{
	struct finder f;
	char why[256] = "";
	ck_assert_int_eq(finder_init(&f, NULL, "sleep (", why, sizeof why), -1);
	const char *prefix = "invalid --name pattern 'sleep (': ";
	ck_assert_msg(strncmp(why, prefix, strlen(prefix)) == 0 &&
	                      strlen(why) > strlen(prefix),
	              "got '%s'", why);
	finder_free(&f); /* safe after a failed init */
	ck_assert_int_eq(finder_init(&f, NULL, "[a-", why, sizeof why), -1);
	ck_assert_int_eq(finder_init(&f, NULL, "a{2,1}", why, sizeof why), -1);
}
END_TEST

/* Of two matches the oldest wins: a service's master, not a worker it
 * started later. Ticks are 10 ms: 50 ms apart, they cannot tie. */
START_TEST(of_two_matches_the_oldest_wins)
{
	char arg[32], pattern[64], why[256] = "";
	unique_sleep(arg, sizeof arg, pattern, sizeof pattern);
	pid_t first = start_sleep(arg);
	nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
	pid_t second = start_sleep(arg);
	pid_t pid = -1;
	enum find_result r = find_by_name(pattern, &pid, why, sizeof why);
	ck_assert_msg(r == FIND_OK, "%d: %s", r, why);
	ck_assert_int_eq(pid, first);
	/* The first gone, the second is the one. */
	kill_and_reap(first);
	r = find_by_name(pattern, &pid, why, sizeof why);
	ck_assert_msg(r == FIND_OK, "%d: %s", r, why);
	ck_assert_int_eq(pid, second);
	kill_and_reap(second);
}
END_TEST

/* A regular expression of the text, matched exactly. */
static void escape_exactly(const char *text, size_t n, char *out, size_t len)
{
	size_t at = 0;
	out[at++] = '^';
	for (size_t i = 0; i < n && at + 4 < len; i++) {
		char c = text[i] ? text[i]
		                 : ' '; /* arguments join with spaces */
		if (strchr("\\^$.|?*+()[]{}", c))
			out[at++] = '\\';
		out[at++] = c;
	}
	out[at++] = '$';
	out[at] = '\0';
}

/* This process's command line, its arguments joined as the finder joins
 * them. */
static void own_command_line_pattern(char *out, size_t len)
{
	char cmdline[512];
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ssize_t n = read(fd, cmdline, sizeof cmdline);
	close(fd);
	ck_assert_int_gt(n, 1);
	ck_assert_int_lt(n, (ssize_t)sizeof cmdline);
	escape_exactly(cmdline, (size_t)n - 1, out, len);
}

/* The pattern of austinc's own command line matches austinc and, under
 * check's forking runner, the runner that is its parent too: neither is
 * ever the target. Other runs of these tests may match, never us. */
START_TEST(a_name_never_finds_the_caller_or_its_parent)
{
	char pattern[1100], why[2048] = "";
	own_command_line_pattern(pattern, sizeof pattern);
	pid_t pid = 0;
	enum find_result r = find_by_name(pattern, &pid, why, sizeof why);
	ck_assert_msg(r != FIND_BAD, "%s", why);
	if (r == FIND_OK) {
		ck_assert_int_ne(pid, getpid());
		ck_assert_int_ne(pid, getppid());
	}
	r = find_by_name("check_austinc", &pid, why, sizeof why);
	ck_assert_msg(r != FIND_BAD, "%s", why);
	if (r == FIND_OK) {
		ck_assert_int_ne(pid, getpid());
		ck_assert_int_ne(pid, getppid());
	}
}
END_TEST

/* --- describe -------------------------------------------------------- */

START_TEST(describe_names_what_finds_the_process)
{
	struct finder f;
	char why[64], out[64];
	ck_assert_int_eq(finder_init(&f, "app.pid", NULL, why, sizeof why), 0);
	finder_describe(&f, out, sizeof out);
	ck_assert_str_eq(out, "pidfile app.pid");
	finder_free(&f);
	ck_assert_int_eq(
	        finder_init(&f, NULL, "gunicorn: master", why, sizeof why), 0);
	finder_describe(&f, out, sizeof out);
	ck_assert_str_eq(out, "name 'gunicorn: master'");
	finder_free(&f);
	finder_free(&f); /* twice is harmless */
}
END_TEST

Suite *finder_suite(void)
{
	Suite *s = suite_create("finder");
	TCase *tc = tcase_create("pidfile");
	tcase_add_test(tc, a_missing_pidfile_names_nothing_yet);
	tcase_add_test(tc, an_empty_pidfile_names_nothing_yet);
	tcase_add_loop_test(tc, a_pidfile_without_a_pid_is_bad, 0,
	                    sizeof GARBAGE / sizeof *GARBAGE);
	tcase_add_test(tc, an_unreadable_pidfile_is_bad);
	tcase_add_test(tc, a_pidfile_names_a_live_process);
	tcase_add_test(tc, a_pidfile_of_a_dead_process_names_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("name");
	tcase_add_test(tc, a_name_finds_the_matching_process);
	tcase_add_test(tc, a_name_matching_nothing_finds_nothing);
	tcase_add_test(tc, an_invalid_pattern_is_refused);
	tcase_add_test(tc, of_two_matches_the_oldest_wins);
	tcase_add_test(tc, a_name_never_finds_the_caller_or_its_parent);
	tcase_add_test(tc, describe_names_what_finds_the_process);
	suite_add_tcase(s, tc);
	return s;
}
