/* --system: records from readings, the /proc parsers, and one live batch.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "system.h"

#define STR(s) s, sizeof s - 1

/* Two readings of a two-CPU machine half a second apart. */
static struct cpu_ticks cpus_before[2], cpus_after[2];

static void machine_pair(struct machine_reading *a, struct machine_reading *b)
{
	memset(cpus_before, 0, sizeof cpus_before);
	memset(cpus_after, 0, sizeof cpus_after);
	*a = (struct machine_reading){
	        .at_us = 1000000,
	        .fields = MACHINE_CPU | MACHINE_LOAD | MACHINE_MEM |
	                  MACHINE_VM | MACHINE_DISK,
	        .all = {true, 1000, 500, 100, 50, 2000},
	        .cpus = cpus_before,
	        .n_cpus = 2,
	        .cores = 2,
	        .ctxt = 5000,
	        .load = {0.5, 0.25, 0.127},
	        .mem_total = 8000,
	        .mem_available = 3000,
	        .swap_in = 7,
	        .swap_out = 9,
	        .faults = 100000,
	        .major_faults = 10,
	        .disk_read = 4096,
	        .disk_write = 0,
	        .disks = 77,
	};
	*b = *a;
	b->at_us = 1500000;
	b->cpus = cpus_after;
	/* 200 ticks in all: 50 user, 25 system, 10 iowait, 5 steal, 110 idle */
	b->all = (struct cpu_ticks){true, 1050, 525, 110, 55, 2110};
	cpus_before[0] = (struct cpu_ticks){true, 10, 10, 0, 0, 80};
	cpus_after[0] = (struct cpu_ticks){true, 40, 20, 0, 0, 140};
	/* cpu1 came online between the readings: it has no figures yet */
	cpus_after[1] = (struct cpu_ticks){true, 1, 1, 1, 1, 1};
	b->ctxt = 5333;
	b->load[0] = 1.59;
	b->mem_available = 2500;
	b->swap_in = 17;
	b->faults = 101001;
	b->major_faults = 11;
	b->disk_read = 4096 + 1048576;
	b->disk_write = 1;
}

START_TEST(formats_first_machine_record)
{
	struct machine_reading a, b;
	char buf[1024];
	machine_pair(&a, &b);
	int n = system_format_machine(NULL, &a, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "machine cores=2 load.1=0.5 load.5=0.25 "
	                      "load.15=0.13 mem.used=5000B mem.available=3000B "
	                      "mem.total=8000B t=0us");
	ck_assert_int_eq(n, (int)strlen(buf));
}
END_TEST

START_TEST(formats_machine_rates)
{
	struct machine_reading a, b;
	char buf[1024];
	machine_pair(&a, &b);
	system_format_machine(&a, &b, 500000, buf, sizeof buf);
	ck_assert_str_eq(buf,
	                 "machine cpu.user=25% cpu.system=12.5% cpu.iowait=5% "
	                 "cpu.steal=2.5% cpu.idle=55% cpu0.user=30% "
	                 "cpu0.system=10% cpu0.iowait=0% cpu0.steal=0% "
	                 "cpu0.idle=60% cores=2 load.1=1.59 load.5=0.25 "
	                 "load.15=0.13 mem.used=5500B mem.available=2500B "
	                 "mem.total=8000B swap.in=20/s swap.out=0/s "
	                 "faults.minor=2000/s faults.major=2/s "
	                 "disk.read=2097152B/s disk.write=2B/s ctxt=666/s "
	                 "t=500000us");
}
END_TEST

/* A counter that went back, a disk that came or went, a group one reading
 * lacks: no figure rather than a wrong one. */
START_TEST(leaves_out_what_has_no_honest_rate)
{
	struct machine_reading a, b;
	char buf[1024];
	machine_pair(&a, &b);
	b.ctxt = a.ctxt - 1;
	b.disks = 78;
	a.fields &= ~MACHINE_VM;
	b.at_us = a.at_us + 300000;
	b.swap_in = 0;
	system_format_machine(&a, &b, 300000, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, " cpu.user=25% "));
	ck_assert_ptr_nonnull(strstr(buf, " mem.total=8000B t=300000us"));
	ck_assert_ptr_null(strstr(buf, "ctxt"));
	ck_assert_ptr_null(strstr(buf, "disk"));
	ck_assert_ptr_null(strstr(buf, "swap"));
	ck_assert_ptr_null(strstr(buf, "faults"));
	/* Readings out of order give no rates at all. */
	machine_pair(&a, &b);
	system_format_machine(&b, &a, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "machine cores=2 load.1=0.5 load.5=0.25 "
	                      "load.15=0.13 mem.used=5000B mem.available=3000B "
	                      "mem.total=8000B t=1us");
}
END_TEST

START_TEST(fractional_rates_have_no_exponent)
{
	struct machine_reading a, b;
	char buf[1024];
	machine_pair(&a, &b);
	a.fields = b.fields = MACHINE_CPU;
	b.at_us = a.at_us + 300000;
	b.ctxt = a.ctxt + 1;
	b.all = a.all; /* no tick: no shares */
	system_format_machine(&a, &b, 123, buf, sizeof buf);
	ck_assert_str_eq(buf, "machine cpu0.user=30% cpu0.system=10% "
	                      "cpu0.iowait=0% cpu0.steal=0% cpu0.idle=60% "
	                      "cores=2 ctxt=3.33/s t=123us");
	b.ctxt = a.ctxt + 30000000000000ull;
	system_format_machine(&a, &b, 123, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, " ctxt=100000000000000/s "));
}
END_TEST

START_TEST(reports_a_short_buffer)
{
	struct machine_reading a, b;
	struct process_reading p = {.at_us = 1, .fields = PROCESS_RSS};
	char buf[64];
	machine_pair(&a, &b);
	ck_assert_int_eq(system_format_machine(&a, &b, 0, buf, sizeof buf), -1);
	ck_assert_int_eq(system_format_process(1, 100, NULL, &p, 0, buf, 10),
	                 -1);
	ck_assert_int_eq(system_format_process(1, 100, NULL, &p, 0, buf, 64),
	                 (int)strlen("process:1 rss=0B t=0us"));
}
END_TEST

START_TEST(formats_process_records)
{
	struct process_reading a = {
	        .at_us = 5000000,
	        .fields =
	                PROCESS_CPU | PROCESS_RSS | PROCESS_IO | PROCESS_STATUS,
	        .utime = 1000,
	        .stime = 50,
	        .rss = 1 << 20,
	        .read_bytes = 4096,
	        .write_bytes = 8192,
	        .threads = 2,
	        .voluntary = 100,
	        .involuntary = 7,
	};
	struct process_reading b = a;
	char buf[512];
	/* Ten seconds later, at 100 ticks a second. */
	b.at_us += 10000000;
	b.utime += 975;
	b.stime += 12;
	b.rss = 104857600;
	b.write_bytes += 20971520;
	b.threads = 3;
	b.voluntary += 120;
	b.involuntary += 30;
	system_format_process(4242, 100, NULL, &a, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "process:4242 rss=1048576B threads=2 t=0us");
	system_format_process(4242, 100, &a, &b, 1200000, buf, sizeof buf);
	ck_assert_str_eq(buf, "process:4242 cpu.user=97.5% cpu.system=1.2% "
	                      "rss=104857600B io.read=0B/s "
	                      "io.write=2097152B/s threads=3 "
	                      "ctxt.voluntary=12/s ctxt.involuntary=3/s "
	                      "t=1200000us");
	/* /proc/PID/io refused: no io fields, the rest as before. */
	b.fields &= ~PROCESS_IO;
	system_format_process(4242, 100, &a, &b, 1200000, buf, sizeof buf);
	ck_assert_ptr_null(strstr(buf, "io."));
	ck_assert_ptr_nonnull(strstr(buf, "rss=104857600B threads=3 "));
}
END_TEST

START_TEST(parses_io)
{
	struct process_reading r = {0};
	ck_assert_int_eq(
	        system_parse_io(STR("rchar: 6976\nwchar: 0\nsyscr: 10\n"
	                            "syscw: 0\nread_bytes: 12288\n"
	                            "write_bytes: 2097152\n"
	                            "cancelled_write_bytes: 4096\n"),
	                        &r),
	        0);
	ck_assert_uint_eq(r.read_bytes, 12288);
	ck_assert_uint_eq(r.write_bytes, 2097152);
	ck_assert_uint_eq(r.fields, PROCESS_IO);
	/* "write_bytes" must start its line: cancelled_write_bytes is not
	 * it; and without both fields nothing is taken. */
	struct process_reading untouched = {.read_bytes = 1};
	ck_assert_int_eq(system_parse_io(STR("read_bytes: 5\n"
	                                     "cancelled_write_bytes: 9\n"),
	                                 &untouched),
	                 -1);
	ck_assert_uint_eq(untouched.read_bytes, 1);
	ck_assert_uint_eq(untouched.fields, 0);
	ck_assert_int_eq(system_parse_io(STR("read_bytes: x\nwrite_bytes: 1\n"),
	                                 &untouched),
	                 -1);
	/* The last line may lack its newline. */
	ck_assert_int_eq(
	        system_parse_io(STR("read_bytes: 1\nwrite_bytes: 2"), &r), 0);
	ck_assert_uint_eq(r.write_bytes, 2);
}
END_TEST

START_TEST(parses_status)
{
	struct process_reading r = {0};
	ck_assert_int_eq(
	        system_parse_status(STR("Name:\tpython3\nState:\tR (running)\n"
	                                "Threads:\t3\nSigQ:\t0/95793\n"
	                                "voluntary_ctxt_switches:\t1234\n"
	                                "nonvoluntary_ctxt_switches:\t56\n"),
	                            &r),
	        0);
	ck_assert_uint_eq(r.threads, 3);
	ck_assert_uint_eq(r.voluntary, 1234);
	ck_assert_uint_eq(r.involuntary, 56);
	ck_assert_uint_eq(r.fields, PROCESS_STATUS);
	/* nonvoluntary_ctxt_switches does not stand for the voluntary ones. */
	struct process_reading bare = {0};
	ck_assert_int_eq(
	        system_parse_status(STR("Threads:\t1\n"
	                                "nonvoluntary_ctxt_switches:\t5\n"),
	                            &bare),
	        -1);
	ck_assert_uint_eq(bare.fields, 0);
}
END_TEST

START_TEST(parses_stat)
{
	struct process_reading r = {0};
	/* A command name with spaces and parentheses. */
	ck_assert_int_eq(
	        system_parse_stat(STR("42 (a (b) c) R 1 42 42 0 -1 4194304 "
	                              "100 0 0 0 731 29 0 0 20 0 3 0 1307199 "
	                              "2998272 377\n"),
	                          &r),
	        0);
	ck_assert_uint_eq(r.utime, 731);
	ck_assert_uint_eq(r.stime, 29);
	ck_assert_uint_eq(r.fields, PROCESS_CPU);
	struct process_reading other = {0};
	ck_assert_int_eq(system_parse_stat(STR("42 (zz) Z 1 42 42 0 -1 4194304 "
	                                       "100 0 0 0 731 29 0 0\n"),
	                                   &other),
	                 -1);
	ck_assert_int_eq(system_parse_stat(STR("42 (x) S 1 42 42 0 -1 4194304 "
	                                       "100 0 0 0 731"),
	                                   &other),
	                 -1);
	ck_assert_int_eq(system_parse_stat(STR("42 (x"), &other), -1);
	ck_assert_int_eq(system_parse_stat(STR("42 (x) S 1 42 42 0 -1 4194304 "
	                                       "100 0 0 0 7x1 29 0\n"),
	                                   &other),
	                 -1);
	ck_assert_uint_eq(other.fields, 0);
}
END_TEST

static int near(double x, double y)
{
	return x - y < 1e-9 && y - x < 1e-9;
}

START_TEST(parses_loadavg)
{
	struct machine_reading r = {0};
	ck_assert_int_eq(
	        system_parse_loadavg(STR("0.52 10.58 1.05 2/467 12345\n"), &r),
	        0);
	ck_assert(near(r.load[0], 0.52) && near(r.load[1], 10.58) &&
	          near(r.load[2], 1.05));
	ck_assert_uint_eq(r.fields, MACHINE_LOAD);
	struct machine_reading bad = {0};
	ck_assert_int_eq(system_parse_loadavg(STR("0.52 0.58\n"), &bad), -1);
	ck_assert_int_eq(system_parse_loadavg(STR("1 0.58 1.05 1/2 3\n"), &bad),
	                 -1);
	ck_assert_int_eq(
	        system_parse_loadavg(STR("0.52 -0.58 1.05 1/2 3\n"), &bad), -1);
	ck_assert_uint_eq(bad.fields, 0);
}
END_TEST

/* Is record a "system" value by the grammar: scope, then name=number+unit
 * fields, the last t=<N>us? */
static int follows_grammar(const char *record)
{
	const char *p = record;
	if (strncmp(p, "machine ", 8) == 0)
		p += 8;
	else if (strncmp(p, "process:", 8) == 0) {
		p += 8;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p++ != ' ')
			return 0;
	} else
		return 0;
	for (;;) {
		const char *name = p;
		while (islower((unsigned char)*p) ||
		       isdigit((unsigned char)*p) || *p == '.')
			p++;
		if (p == name || *p++ != '=' || !isdigit((unsigned char)*p))
			return 0;
		int last = strncmp(name, "t=", 2) == 0;
		char *end;
		strtoull(p, &end, 10);
		if (*end == '.' && isdigit((unsigned char)end[1]))
			strtoull(end + 1, &end, 10);
		const char *unit = end;
		p = strchr(unit, ' ');
		size_t unit_len = p ? (size_t)(p - unit) : strlen(unit);
		if (last)
			return !p && unit_len == 2 &&
			       strncmp(unit, "us", 2) == 0;
		static const char *const units[] = {"", "%", "B", "B/s", "/s"};
		int known = 0;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
			known |= strlen(units[i]) == unit_len &&
			         strncmp(unit, units[i], unit_len) == 0;
		if (!known || !p)
			return 0;
		p++;
	}
}

static char records[8][65536];
static int n_records;

static void keep(void *ctx, const char *record)
{
	(void)ctx;
	if (n_records < 8)
		snprintf(records[n_records], sizeof records[0], "%s", record);
	n_records++;
}

/* Two batches over this process and a PID that names no process. */
START_TEST(records_a_live_batch)
{
	struct system *sys = system_new();
	ck_assert_ptr_nonnull(sys);
	pid_t pids[] = {getpid(), 0x7ffffff0};
	char self[32];
	snprintf(self, sizeof self, "process:%d ", (int)getpid());
	for (int batch = 0; batch < 2; batch++) {
		n_records = 0;
		system_record(sys, pids, 2, batch * 20000u, keep, NULL);
		ck_assert_int_eq(n_records, 2);
		ck_assert_msg(follows_grammar(records[0]), "%s", records[0]);
		ck_assert_msg(follows_grammar(records[1]), "%s", records[1]);
		ck_assert_ptr_nonnull(strstr(records[0], "machine "));
		ck_assert_ptr_nonnull(strstr(records[0], " mem.total="));
		ck_assert_ptr_nonnull(strstr(records[1], self));
		ck_assert_ptr_nonnull(strstr(records[1], " rss="));
		ck_assert_ptr_nonnull(strstr(records[1], " threads="));
		usleep(20000);
	}
	char t[32];
	snprintf(t, sizeof t, " t=%uus", 20000u);
	ck_assert_ptr_nonnull(strstr(records[0], t));
	ck_assert_ptr_nonnull(strstr(records[1], t));
	/* The second batch has rates. */
	ck_assert_ptr_nonnull(strstr(records[0], " ctxt="));
	ck_assert_ptr_nonnull(strstr(records[1], " ctxt.voluntary="));
	system_free(sys);
}
END_TEST

START_TEST(grammar_checker_rejects)
{
	/* The checker the live test relies on must be able to fail. */
	ck_assert(follows_grammar("machine cores=2 t=0us"));
	ck_assert(!follows_grammar("machine cores=2 t=0"));
	ck_assert(!follows_grammar("machine cores=2e3 t=0us"));
	ck_assert(!follows_grammar("machine cores=2  t=0us"));
	ck_assert(!follows_grammar("machine t=0us cores=2"));
	ck_assert(!follows_grammar("process: rss=1B t=0us"));
	ck_assert(!follows_grammar("machine rss=1KB t=0us"));
}
END_TEST

Suite *system_suite(void)
{
	Suite *s = suite_create("system");
	TCase *tc = tcase_create("system");
	tcase_add_test(tc, formats_first_machine_record);
	tcase_add_test(tc, formats_machine_rates);
	tcase_add_test(tc, leaves_out_what_has_no_honest_rate);
	tcase_add_test(tc, fractional_rates_have_no_exponent);
	tcase_add_test(tc, reports_a_short_buffer);
	tcase_add_test(tc, formats_process_records);
	tcase_add_test(tc, parses_io);
	tcase_add_test(tc, parses_status);
	tcase_add_test(tc, parses_stat);
	tcase_add_test(tc, parses_loadavg);
	tcase_add_test(tc, grammar_checker_rejects);
	tcase_add_test(tc, records_a_live_batch);
	suite_add_tcase(s, tc);
	return s;
}
