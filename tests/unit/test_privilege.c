/* Unit tests of the rule that holds a privileged austinc to its caller's
 * own processes, and of the /proc/PID/status lines it reads.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privilege.h"

static const char STATUS[] = "Name:\tpython3\n"
                             "Umask:\t0022\n"
                             "State:\tR (running)\n"
                             "Tgid:\t4242\n"
                             "Pid:\t4242\n"
                             "PPid:\t1\n"
                             "Uid:\t1000\t1001\t1002\t1003\n"
                             "Gid:\t100\t101\t102\t103\n"
                             "Groups:\t27 100\n";

static struct privilege_ids ids(uid_t r, uid_t e, uid_t s, gid_t gr, gid_t ge,
                                gid_t gs)
{
	return (struct privilege_ids){{r, e, s}, {gr, ge, gs}};
}

START_TEST(own_process_is_allowed)
{
	struct privilege_ids t = ids(1000, 1000, 1000, 100, 100, 100);
	ck_assert_int_eq(privilege_judge(1000, 100, &t, 1), PRIVILEGE_OWN);
}
END_TEST

/* Any one of the six ids not the caller's real one is enough: a
 * set-user-id program run by the caller keeps the caller as its real
 * user, and is still not the caller's to read. */
START_TEST(each_id_counts)
{
	for (int i = 0; i < 6; i++) {
		struct privilege_ids t = ids(1000, 1000, 1000, 100, 100, 100);
		if (i < 3)
			t.uid[i] = 0;
		else
			t.gid[i - 3] = 42;
		ck_assert_int_eq(privilege_judge(1000, 100, &t, 1),
		                 i < 3 ? PRIVILEGE_OTHER_USER
		                       : PRIVILEGE_OTHER_GROUP);
	}
}
END_TEST

START_TEST(users_come_before_groups_and_dumpability)
{
	struct privilege_ids t = ids(0, 0, 0, 0, 0, 0);
	ck_assert_int_eq(privilege_judge(1000, 100, &t, 0),
	                 PRIVILEGE_OTHER_USER);
	t = ids(1000, 1000, 1000, 0, 0, 0);
	ck_assert_int_eq(privilege_judge(1000, 100, &t, 0),
	                 PRIVILEGE_OTHER_GROUP);
}
END_TEST

START_TEST(non_dumpable_own_process_is_refused)
{
	struct privilege_ids t = ids(1000, 1000, 1000, 100, 100, 100);
	ck_assert_int_eq(privilege_judge(1000, 100, &t, 0),
	                 PRIVILEGE_NOT_DUMPABLE);
}
END_TEST

START_TEST(status_lines_are_read)
{
	struct privilege_ids t;
	char state = 0;
	ck_assert_int_eq(privilege_parse_status(STATUS, &t, &state), 0);
	ck_assert_int_eq(state, 'R');
	ck_assert_uint_eq(t.uid[0], 1000);
	ck_assert_uint_eq(t.uid[1], 1001);
	ck_assert_uint_eq(t.uid[2], 1002);
	ck_assert_uint_eq(t.gid[0], 100);
	ck_assert_uint_eq(t.gid[1], 101);
	ck_assert_uint_eq(t.gid[2], 102);
}
END_TEST

static int parse_with(const char *from, const char *to)
{
	char text[sizeof STATUS + 64], state;
	struct privilege_ids t;
	const char *at = strstr(STATUS, from);
	ck_assert_ptr_nonnull(at);
	size_t head = (size_t)(at - STATUS);
	snprintf(text, sizeof text, "%.*s%s%s", (int)head, STATUS, to,
	         at + strlen(from));
	return privilege_parse_status(text, &t, &state);
}

/* A key counts at the start of a line only, with three plain decimal ids
 * each after a tab; anything else is no answer, and austinc refuses. */
START_TEST(malformed_status_is_rejected)
{
	ck_assert_int_eq(parse_with("Uid:", "Xid:"), -1);
	ck_assert_int_eq(
	        parse_with("Gid:\t100\t101\t102\t103", "Gid:\t100\t101"), -1);
	ck_assert_int_eq(parse_with("Uid:\t1000", "Uid:\t-1"), -1);
	ck_assert_int_eq(parse_with("Uid:\t1000", "Uid:\t99999999999"), -1);
	ck_assert_int_eq(parse_with("Uid:\t1000\t1001", "Uid:\t1000x\t1001"),
	                 -1);
	ck_assert_int_eq(parse_with("1002\t1003", "1002x\t1003"), -1);
	ck_assert_int_eq(parse_with("State:\tR", "State:\t?"), -1);
	ck_assert_int_eq(parse_with("State:", "Stat:"), -1);
	ck_assert_int_eq(
	        parse_with("Name:\tpython3", "Name:\tx Uid:\t0\t0\t0\t0"),
	        0); /* not at a line's start: the real line counts */
	ck_assert_int_eq(parse_with("Uid:\t1000\t1001\t1002\t1003\n", ""), -1);
}
END_TEST

START_TEST(zombie_state_is_read)
{
	char text[sizeof STATUS], state = 0;
	struct privilege_ids t;
	memcpy(text, STATUS, sizeof STATUS);
	char *r = strstr(text, "R (running)");
	r[0] = 'Z';
	ck_assert_int_eq(privilege_parse_status(text, &t, &state), 0);
	ck_assert_int_eq(state, 'Z');
}
END_TEST

/* Without AT_SECURE (as here) nothing is limited: every process is let
 * through, with nothing held open, and the environment is read. */
START_TEST(unprivileged_runs_are_not_limited)
{
	struct privilege_watch w = {.fd = 7};
	char why[256] = "";
	ck_assert_int_eq(privilege_init(), 0);
	ck_assert_int_eq(privilege_limited(), 0);
	ck_assert_int_eq(privilege_admit(1, &w, why, sizeof why),
	                 PRIVILEGE_ALLOWED);
	ck_assert_int_eq(w.fd, -1);
	ck_assert_int_eq(privilege_watch_check(&w, 1, 1, why, sizeof why),
	                 PRIVILEGE_ALLOWED);
	ck_assert_str_eq(why, "");
	ck_assert_int_eq(privilege_drop_for_exec(), 0);
	setenv("AUSTINC_TEST_VARIABLE", "yes", 1);
	ck_assert_str_eq(privilege_getenv("AUSTINC_TEST_VARIABLE"), "yes");
}
END_TEST

Suite *privilege_suite(void)
{
	Suite *s = suite_create("privilege");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, own_process_is_allowed);
	tcase_add_test(tc, each_id_counts);
	tcase_add_test(tc, users_come_before_groups_and_dumpability);
	tcase_add_test(tc, non_dumpable_own_process_is_refused);
	tcase_add_test(tc, status_lines_are_read);
	tcase_add_test(tc, malformed_status_is_rejected);
	tcase_add_test(tc, zombie_state_is_read);
	tcase_add_test(tc, unprivileged_runs_are_not_limited);
	suite_add_tcase(s, tc);
	return s;
}
