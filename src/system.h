/* --system: what the machine and each sampled process were doing, read at
 * their own period outside the sampling tick and written as "system"
 * metadata records (see austinc(1), OUTPUT FORMAT, System records):
 *
 *     machine cpu.user=12.5% ... ctxt=1520/s t=1200000us
 *     process:4242 cpu.user=97.5% ... ctxt.involuntary=3/s t=1200000us
 *
 * The machine figures come from libproc2 (per-CPU ticks and context
 * switches, memory, paging, disks) and /proc/loadavg; a process's from its
 * /proc/PID/stat, statm, io and status files, held open between readings.
 * Rates and CPU shares are the change between two readings divided by the
 * time between them; a first reading has none.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SYSTEM_H
#define AUSTINC_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Processes recorded per batch at most (the sampler tracks no more). */
#define SYSTEM_MAX_PROCESSES 256

/* CPU time in clock ticks, folded into the five shares a record gives:
 * user takes nice (and guest, which the kernel counts in user), system
 * takes irq and softirq; so the five add up to all the time there was. */
struct cpu_ticks {
	bool online;
	uint64_t user, system, iowait, steal, idle;
};

/* Which groups of machine figures a reading holds. */
#define MACHINE_CPU  1u /* all, cpus, cores, ctxt */
#define MACHINE_LOAD 2u
#define MACHINE_MEM  4u
#define MACHINE_VM   8u
#define MACHINE_DISK 16u

struct machine_reading {
	uint64_t at_us;  /* monotonic time of the reading */
	unsigned fields; /* MACHINE_* */
	struct cpu_ticks all;
	struct cpu_ticks *cpus; /* n_cpus slots, by CPU id */
	size_t n_cpus;
	unsigned cores; /* online CPUs */
	uint64_t ctxt;  /* context switches since boot */
	double load[3]; /* 1, 5 and 15 minute load averages */
	uint64_t mem_total, mem_available; /* bytes */
	uint64_t swap_in, swap_out;        /* pages since boot */
	uint64_t faults, major_faults;     /* page faults since boot, all and
	                                      major */
	uint64_t disk_read, disk_write;    /* bytes since boot, whole disks */
	uint64_t disks; /* which disks are counted, as a hash of their names */
};

/* Which groups of process figures a reading holds. */
#define PROCESS_CPU    1u /* utime, stime */
#define PROCESS_RSS    2u
#define PROCESS_IO     4u
#define PROCESS_STATUS 8u /* threads, voluntary, involuntary */

struct process_reading {
	uint64_t at_us;
	unsigned fields;       /* PROCESS_* */
	uint64_t utime, stime; /* clock ticks */
	uint64_t rss;          /* bytes */
	/* /proc/PID/io read_bytes and write_bytes: what the process had
	 * fetched from and sent to the storage layer. */
	uint64_t read_bytes, write_bytes;
	uint64_t threads, voluntary, involuntary;
};

/* The held-open files, the libproc2 contexts and the previous readings. */
struct system;

/* NULL when out of memory. Figures that cannot be read on this machine
 * (no /proc/diskstats in a container, say) are left out of the records. */
struct system *system_new(void);
void system_free(struct system *sys);

/* Called with each record of a batch (the value of a "system" metadata
 * line), the machine's first. */
typedef void (*system_emit_fn)(void *ctx, const char *record);

/* Read the machine and each of the n processes in pids now and emit one
 * record for each, all with t = t_us (microseconds since sampling began).
 * A process that cannot be read (it has exited) gets no record; one not in
 * pids any more is forgotten and its files closed. Opens files and may
 * allocate: never call it inside the sampling tick. */
void system_record(struct system *sys, const pid_t *pids, size_t n,
                   uint64_t t_us, system_emit_fn emit, void *ctx);

/* The record of the machine: "machine <fields> t=<t_us>us" in buf. Rates
 * and CPU shares need prev, a reading of the same machine taken before cur;
 * with prev NULL they are left out. Returns the length, or -1 when buf is
 * too short (buf is then not a record). */
int system_format_machine(const struct machine_reading *prev,
                          const struct machine_reading *cur, uint64_t t_us,
                          char *buf, size_t len);

/* The record of process pid, "process:<pid> <fields> t=<t_us>us", the same
 * way; ticks_per_s converts utime and stime. */
int system_format_process(pid_t pid, long ticks_per_s,
                          const struct process_reading *prev,
                          const struct process_reading *cur, uint64_t t_us,
                          char *buf, size_t len);

/* Parsers of /proc text, for readings; each returns 0 and sets the fields
 * and its PROCESS_* bit in r, or returns -1 and leaves r alone when the
 * text lacks what it needs. */
/* /proc/PID/stat: utime and stime (fields 14 and 15). */
int system_parse_stat(const char *text, size_t len, struct process_reading *r);
/* /proc/PID/io: read_bytes and write_bytes. */
int system_parse_io(const char *text, size_t len, struct process_reading *r);
/* /proc/PID/status: Threads, voluntary_ctxt_switches and
 * nonvoluntary_ctxt_switches. */
int system_parse_status(const char *text, size_t len,
                        struct process_reading *r);
/* /proc/loadavg: the three load averages, into r->load (MACHINE_LOAD). */
int system_parse_loadavg(const char *text, size_t len,
                         struct machine_reading *r);

#endif
