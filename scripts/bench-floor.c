/* What this machine's kernel charges for the reads a sample is made of.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * usage: bench-floor [ROUNDS]   (default 3000)
 *
 * scripts/bench builds and runs this beside austinc, so that each cost it
 * prints can be set against the least a sampler could pay here. A child
 * keeps writing to three pages of its memory, as a busy interpreter does to
 * its thread state and frames; this process sleeps 100 us (austinc's
 * default interval) before each read, as austinc does between ticks, and
 * times:
 *
 *   readv1  one process_vm_readv of one 256-byte region
 *   readv3  one process_vm_readv of three such regions on three pages
 *           (what a 3.11 or 3.12 tick reads in time mode)
 *   statm   one pread of the child's /proc/PID/statm (what -m adds)
 *
 * in turn, and prints the median of each in microseconds on one line:
 * "readv1 X readv3 Y statm Z". Nothing here is austinc's code: the figures
 * are what any sampler reading the same regions would pay. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE    4096
#define REGION  256
#define REGIONS 3
#define KINDS   3

static volatile unsigned char pages[REGIONS * 4 * PAGE];

static void busy_child(void)
{
	for (unsigned long i = 0;; i++)
		pages[(i % REGIONS) * 4 * PAGE + i % REGION] = (unsigned char)i;
}

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One read of the given kind; its cost in us, or a negative on failure. */
static double timed_read(int kind, pid_t child, int statm)
{
	static char into[REGIONS * REGION];
	struct iovec local = {into, sizeof into};
	struct iovec remote[REGIONS];
	for (int i = 0; i < REGIONS; i++)
		remote[i] =
		        (struct iovec){(void *)&pages[i * 4 * PAGE], REGION};
	double start = now_us();
	long got;
	if (kind == 2)
		got = pread(statm, into, sizeof into, 0);
	else
		got = process_vm_readv(child, &local, 1, remote,
		                       kind == 0 ? 1 : REGIONS, 0);
	double took = now_us() - start;
	return got > 0 ? took : -1;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3000;
	if (rounds < 1) {
		fprintf(stderr, "usage: bench-floor [ROUNDS]\n");
		return 2;
	}
	pid_t child = fork();
	if (child == 0)
		busy_child();
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/statm", (int)child);
	int statm = open(path, O_RDONLY);
	double *took[KINDS];
	int n[KINDS] = {0};
	for (int k = 0; k < KINDS; k++)
		took[k] = malloc(sizeof(double) * (size_t)rounds);
	const struct timespec interval = {0, 100000};
	int failed = statm < 0 || !took[0] || !took[1] || !took[2];
	for (int r = 0; r < rounds * KINDS && !failed; r++) {
		int kind = r % KINDS;
		nanosleep(&interval, NULL);
		double us = timed_read(kind, child, statm);
		failed = us < 0;
		if (!failed)
			took[kind][n[kind]++] = us;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (failed) {
		perror("bench-floor");
		return 1;
	}
	const char *names[KINDS] = {"readv1", "readv3", "statm"};
	for (int k = 0; k < KINDS; k++) {
		qsort(took[k], (size_t)n[k], sizeof(double), by_value);
		printf("%s%s %.2f", k ? " " : "", names[k], took[k][n[k] / 2]);
		free(took[k]);
	}
	printf("\n");
	return 0;
}
