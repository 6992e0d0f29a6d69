/* Unit tests of the systemd notifications: the datagrams that reach a
 * NOTIFY_SOCKET the test binds, as systemd's would be.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

/* A datagram socket in a fresh directory, named by NOTIFY_SOCKET. */
struct listener {
	char dir[64];
	char path[96];
	int fd;
};

static void listen_here(struct listener *l)
{
	snprintf(l->dir, sizeof l->dir, "/tmp/austinc-notify.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(l->dir));
	snprintf(l->path, sizeof l->path, "%s/notify", l->dir);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l->fd, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	ck_assert_uint_lt(strlen(l->path), sizeof addr.sun_path);
	strcpy(addr.sun_path, l->path);
	ck_assert_int_eq(bind(l->fd, (struct sockaddr *)&addr, sizeof addr), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", l->path, 1), 0);
}

static void stop_listening(struct listener *l)
{
	close(l->fd);
	unlink(l->path);
	rmdir(l->dir);
	unsetenv("NOTIFY_SOCKET");
}

/* The next datagram, or "" when none is waiting: sd_notify has sent it
 * before it returns, so there is nothing to wait for. */
static const char *next_datagram(struct listener *l)
{
	static char buf[1024];
	ssize_t n = recv(l->fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Built without libsystemd, every call must send nothing: that much is
 * checked, and the test says the datagrams were not. */
static int without_systemd(struct listener *l)
{
	if (notify_available())
		return 0;
	fprintf(stderr, "notify: built without libsystemd: checking that "
	                "nothing is sent, not the datagrams\n");
	ck_assert_str_eq(next_datagram(l), "");
	return 1;
}

START_TEST(each_call_sends_its_state)
{
	struct listener l;
	listen_here(&l);
	notify_ready("waiting for a process matching 'myapp'");
	notify_status("sampling 4242: python3 -m myapp");
	notify_ready(NULL);
	notify_watchdog();
	notify_stopping();
	if (!without_systemd(&l)) {
		ck_assert_str_eq(next_datagram(&l),
		                 "READY=1\nSTATUS=waiting for a process "
		                 "matching 'myapp'");
		ck_assert_str_eq(next_datagram(&l),
		                 "STATUS=sampling 4242: python3 -m myapp");
		ck_assert_str_eq(next_datagram(&l), "READY=1");
		ck_assert_str_eq(next_datagram(&l), "WATCHDOG=1");
		ck_assert_str_eq(next_datagram(&l), "STOPPING=1");
		ck_assert_str_eq(next_datagram(&l), "");
	}
	stop_listening(&l);
}
END_TEST

/* A status is one line (a newline would start another assignment) of at
 * most NOTIFY_STATUS_MAX bytes. */
START_TEST(status_is_one_bounded_line)
{
	struct listener l;
	listen_here(&l);
	notify_status("python3 -c 'a\nREADY=1'\t");
	char longer[NOTIFY_STATUS_MAX + 100];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	notify_status(longer);
	if (!without_systemd(&l)) {
		ck_assert_str_eq(next_datagram(&l),
		                 "STATUS=python3 -c 'a READY=1' ");
		const char *cut = next_datagram(&l);
		ck_assert_uint_eq(strlen(cut),
		                  strlen("STATUS=") + NOTIFY_STATUS_MAX);
	}
	stop_listening(&l);
}
END_TEST

/* Outside systemd nothing is sent and nothing fails. */
START_TEST(no_socket_is_quiet)
{
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	notify_ready("ready");
	notify_status("status");
	notify_watchdog();
	notify_stopping();
	ck_assert_uint_eq(notify_watchdog_usec(), 0);
}
END_TEST

/* WatchdogSec= reaches the service as WATCHDOG_USEC, for the process that
 * WATCHDOG_PID names (when it names one). */
START_TEST(watchdog_period_is_ours_only)
{
	char pid[32];
	setenv("WATCHDOG_USEC", "3000000", 1);
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	uint64_t ours = notify_watchdog_usec();
	setenv("WATCHDOG_PID", "1", 1);
	uint64_t other = notify_watchdog_usec();
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	ck_assert_uint_eq(other, 0);
	if (!notify_available()) {
		fprintf(stderr, "notify: built without libsystemd: no "
		                "watchdog period to check\n");
		ck_assert_uint_eq(ours, 0);
		return;
	}
	ck_assert_uint_eq(ours, 3000000);
}
END_TEST

Suite *notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, each_call_sends_its_state);
	tcase_add_test(tc, status_is_one_bounded_line);
	tcase_add_test(tc, no_socket_is_quiet);
	tcase_add_test(tc, watchdog_period_is_ours_only);
	suite_add_tcase(s, tc);
	return s;
}
