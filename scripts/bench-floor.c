/* What this machine charges any sampler for a tick: the wake-up and the reads.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * usage: bench-floor [-i US] [-w WAKES] [-r ROUNDS] [-c CLOCKS] [NAME=STEPS]...
 *
 * scripts/bench builds and runs this beside austinc, so that austinc's CPU
 * time per sample can be set against the least a sampler could pay here.
 * A child keeps writing to the pages of its memory, as a busy interpreter
 * does to its thread state and frames. This process loops as austinc's
 * tick does (src/session.c, src/timeutil.h): with a timer slack of 1 us,
 * it sleeps to an absolute deadline on CLOCK_MONOTONIC, one interval (-i,
 * default 100 us) after the previous one, or not at all when it is already
 * late. Each kind of loop is measured by this process's own rusage (user
 * plus system CPU time, as austinc's "cpu" figure is), over WAKES wake-ups
 * (default 500), in ROUNDS rounds (default 6) that take the kinds in turn,
 * so that they share whatever else the machine is doing:
 *
 *   sleep   the bare loop: one clock read and the sleep
 *   clocks  the same with CLOCKS clock reads in all (default 4, as a tick
 *           of austinc in time mode makes; vDSO, no system call)
 *   NAME    the clocks loop plus the reads STEPS list, in order, separated
 *           by '/': "v240,2351,183" is one process_vm_readv of three
 *           regions of those sizes (each region on pages of its own), "m"
 *           one pread of the child's /proc/PID/statm, "s" one pread of its
 *           /proc/PID/task/PID/stat
 *
 * It prints one line, "sleep X clocks Y NAME Z ...", each figure the CPU
 * time per wake-up in microseconds. Nothing here is austinc's code: the
 * figures are what any sampler waking and reading the same would pay. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE      4096
#define MAX_KINDS 16
#define MAX_STEPS 64
#define MAX_IOV   1024
#define MISALIGN  64 /* where in its first page a region starts */

struct step {
	char what; /* 'v', 'm' or 's' */
	int n;     /* regions of a readv */
	struct iovec *remote;
};

struct kind {
	const char *name;
	int clocks;
	int n;
	struct step steps[MAX_STEPS];
	double cpu_us;
};

static unsigned char *memory; /* the child's pages, mapped before fork */
static size_t memory_len, memory_used;
static char *buffer; /* where reads land */
static size_t buffer_len;
static int statm_fd = -1, stat_fd = -1;
static volatile long sink;

static void busy_child(void)
{
	for (unsigned long i = 0;; i++)
		memory[(i * PAGE + i % 61) % memory_len] = (unsigned char)i;
}

static double cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static unsigned long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000000000ull +
	       (unsigned long long)t.tv_nsec;
}

/* Room for a region of len bytes, on pages of its own; its address. */
static void *place(size_t len)
{
	size_t pages = (MISALIGN + len + PAGE - 1) / PAGE;
	void *at = memory + memory_used + MISALIGN;
	memory_used += pages * PAGE;
	if (len > buffer_len)
		buffer_len = len;
	return at;
}

/* "v240,2351,183": sizes; the second pass places them. */
static int parse_readv(const char *text, struct step *st, int place_them)
{
	int n = 0;
	size_t total = 0;
	for (const char *p = text; *p; n++) {
		char *end;
		unsigned long len = strtoul(p, &end, 10);
		if (end == p || len == 0 || n == MAX_IOV)
			return -1;
		if (place_them) {
			st->remote[n].iov_base = place(len);
			st->remote[n].iov_len = len;
		} else {
			memory_len +=
			        ((MISALIGN + len + PAGE - 1) / PAGE) * PAGE;
		}
		total += len;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	st->n = n;
	if (place_them && total > buffer_len)
		buffer_len = total;
	return n ? 0 : -1;
}

static int parse_kind(const char *arg, struct kind *k, int clocks,
                      int place_them)
{
	char *copy = strdup(arg), *eq = strchr(copy, '='), *save = NULL;
	if (!eq)
		return -1;
	*eq = '\0';
	k->name = copy;
	k->clocks = clocks;
	k->n = 0;
	for (char *s = strtok_r(eq + 1, "/", &save); s;
	     s = strtok_r(NULL, "/", &save)) {
		if (k->n == MAX_STEPS)
			return -1;
		struct step *st = &k->steps[k->n++];
		st->what = s[0];
		if (s[0] == 'v') {
			if (place_them)
				st->remote =
				        calloc(MAX_IOV, sizeof *st->remote);
			if (parse_readv(s + 1, st, place_them))
				return -1;
		} else if ((s[0] != 'm' && s[0] != 's') || s[1]) {
			return -1;
		}
	}
	return 0;
}

static int run_steps(const struct kind *k, pid_t child)
{
	for (int i = 0; i < k->n; i++) {
		const struct step *st = &k->steps[i];
		long got;
		if (st->what == 'v') {
			struct iovec local = {buffer, buffer_len};
			got = process_vm_readv(child, &local, 1, st->remote,
			                       (unsigned long)st->n, 0);
		} else {
			got = pread(st->what == 'm' ? statm_fd : stat_fd,
			            buffer, buffer_len, 0);
		}
		if (got <= 0)
			return -1;
	}
	return 0;
}

/* wakes turns of a kind's loop; -1 when a read failed. */
static int run_loop(const struct kind *k, pid_t child, int wakes,
                    unsigned long long interval_ns)
{
	unsigned long long deadline = now_ns();
	for (int w = 0; w < wakes; w++) {
		if (run_steps(k, child))
			return -1;
		for (int c = 1; c < k->clocks; c++)
			sink += (long)now_ns();
		unsigned long long now = now_ns();
		deadline += interval_ns;
		if (deadline < now) {
			deadline = now;
			continue;
		}
		struct timespec ts = {
		        .tv_sec = (time_t)(deadline / 1000000000ull),
		        .tv_nsec = (long)(deadline % 1000000000ull)};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-floor [-i US] [-w WAKES] [-r ROUNDS] "
	                "[-c CLOCKS] [NAME=STEPS]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int interval_us = 100, wakes = 500, rounds = 6, clocks = 4, opt;
	while ((opt = getopt(argc, argv, "i:w:r:c:")) != -1) {
		int v = atoi(optarg);
		if (v < 1)
			return usage();
		if (opt == 'i')
			interval_us = v;
		else if (opt == 'w')
			wakes = v;
		else if (opt == 'r')
			rounds = v;
		else if (opt == 'c')
			clocks = v;
		else
			return usage();
	}
	static struct kind kinds[MAX_KINDS];
	int n = 2 + argc - optind;
	if (n > MAX_KINDS)
		return usage();
	kinds[0] = (struct kind){.name = "sleep", .clocks = 1};
	kinds[1] = (struct kind){.name = "clocks", .clocks = clocks};
	memory_len = PAGE;
	for (int i = 2; i < n; i++)
		if (parse_kind(argv[optind + i - 2], &kinds[i], clocks, 0))
			return usage();
	memory = mmap(NULL, memory_len, PROT_READ | PROT_WRITE,
	              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED) {
		perror("bench-floor: mmap");
		return 1;
	}
	memset(memory, 1, memory_len);
	for (int i = 2; i < n; i++)
		parse_kind(argv[optind + i - 2], &kinds[i], clocks, 1);
	buffer = malloc(buffer_len + 1);
	pid_t child = fork();
	if (child == 0)
		busy_child();
	/* As austinc: the default 50 us slack would stretch each sleep. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/statm", (int)child);
	statm_fd = open(path, O_RDONLY);
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)child,
	         (int)child);
	stat_fd = open(path, O_RDONLY);
	int failed = statm_fd < 0 || stat_fd < 0 || !buffer;
	for (int r = 0; r < rounds && !failed; r++)
		for (int i = 0; i < n && !failed; i++) {
			double start = cpu_us();
			failed = run_loop(&kinds[i], child, wakes,
			                  interval_us * 1000ull) != 0;
			kinds[i].cpu_us += cpu_us() - start;
		}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (failed) {
		perror("bench-floor");
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%s%s %.2f", i ? " " : "", kinds[i].name,
		       kinds[i].cpu_us / ((double)wakes * rounds));
	printf("\n");
	return 0;
}
