/* --system: machine and process metrics, read and formatted between ticks.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "system.h"

#include <dirent.h>
#include <fcntl.h>
#include <libproc2/diskstats.h>
#include <libproc2/meminfo.h>
#include <libproc2/stat.h>
#include <libproc2/vmstat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decimal.h"
#include "hash.h"
#include "procfs.h"
#include "timeutil.h"

/* /proc/diskstats counts 512-byte sectors whatever the device's own size. */
#define SECTOR_BYTES 512
/* Room for a record: the machine's, the longest, has five fields for each
 * CPU besides its own; a process's fits in the fixed part. */
#define MACHINE_RECORD_BYTES 1024
#define CPU_FIELDS_BYTES     160
/* /proc/PID/status is about 1.5 KiB; its CPU and memory-node lists grow on
 * big machines, and the context switches come last. */
#define SCRATCH_BYTES     (64 * 1024)
#define MAX_DISK_VERDICTS 64

/* ---------------------------------------------------------------------- */
/* Records                                                                */
/* ---------------------------------------------------------------------- */

/* A record being written into a caller's buffer; overflow is sticky. */
struct text {
	char *buf;
	size_t len, cap;
	bool overflow;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t,
                                                      const char *fmt, ...)
{
	if (t->overflow)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len)
		t->overflow = true;
	else
		t->len += (size_t)n;
}

/* " name=<value><unit>" with at most `decimals` decimals and no trailing
 * zeros: never an exponent, as the record grammar wants. A value that is
 * negative (a rate of a counter that went back) or not finite has no
 * honest figure: the field is left out. */
static void put_number(struct text *t, const char *name, double value,
                       int decimals, const char *unit)
{
	char num[48];
	if (!isfinite(value) || value < 0)
		return;
	/* + 0.0 turns a -0.0 (which is not < 0) into 0. */
	int n = snprintf(num, sizeof num, "%.*f", decimals, value + 0.0);
	if (n < 0 || (size_t)n >= sizeof num)
		return;
	if (decimals > 0) {
		while (num[n - 1] == '0')
			num[--n] = '\0';
		if (num[n - 1] == '.')
			num[--n] = '\0';
	}
	put(t, " %s=%s%s", name, num, unit);
}

static void put_count(struct text *t, const char *name, uint64_t value,
                      const char *unit)
{
	put(t, " %s=%llu%s", name, (unsigned long long)value, unit);
}

/* Per second, of a counter read twice elapsed_us apart; -1 (no figure)
 * when it went back: a device removed, a counter reset. */
static double per_second(uint64_t before, uint64_t after, uint64_t elapsed_us)
{
	if (after < before || elapsed_us == 0)
		return -1;
	return (double)(after - before) * 1e6 / (double)elapsed_us;
}

static uint64_t increase(uint64_t before, uint64_t after)
{
	return after > before ? after - before : 0;
}

/* "<prefix>.user=..% <prefix>.system=..% ...": the five shares of the time
 * that passed between the readings a and b. */
static void put_cpu_shares(struct text *t, const char *prefix,
                           const struct cpu_ticks *a, const struct cpu_ticks *b)
{
	static const char *const names[] = {"user", "system", "iowait", "steal",
	                                    "idle"};
	if (!a->online || !b->online)
		return;
	uint64_t d[] = {
	        increase(a->user, b->user), increase(a->system, b->system),
	        increase(a->iowait, b->iowait), increase(a->steal, b->steal),
	        increase(a->idle, b->idle)};
	uint64_t total = d[0] + d[1] + d[2] + d[3] + d[4];
	if (total == 0)
		return; /* no clock tick in so short a period */
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		char name[48];
		snprintf(name, sizeof name, "%s.%s", prefix, names[i]);
		put_number(t, name, 100.0 * (double)d[i] / (double)total, 1,
		           "%");
	}
}

/* cpu.*, cpuN.* and cores; the shares need prev, a reading with CPUs. */
static void put_cpus(struct text *t, const struct machine_reading *prev,
                     const struct machine_reading *cur)
{
	if (prev) {
		put_cpu_shares(t, "cpu", &prev->all, &cur->all);
		size_t n =
		        prev->n_cpus < cur->n_cpus ? prev->n_cpus : cur->n_cpus;
		for (size_t i = 0; i < n; i++) {
			char prefix[32];
			snprintf(prefix, sizeof prefix, "cpu%zu", i);
			put_cpu_shares(t, prefix, &prev->cpus[i],
			               &cur->cpus[i]);
		}
	}
	put_count(t, "cores", cur->cores, "");
}

static void put_memory(struct text *t, const struct machine_reading *r)
{
	put_count(t, "mem.used", increase(r->mem_available, r->mem_total), "B");
	put_count(t, "mem.available", r->mem_available, "B");
	put_count(t, "mem.total", r->mem_total, "B");
}

/* Which groups both readings hold: those a rate can be taken of. */
static unsigned both(const struct machine_reading *prev,
                     const struct machine_reading *cur)
{
	return prev && cur->at_us > prev->at_us ? prev->fields & cur->fields
	                                        : 0;
}

static void put_machine_rates(struct text *t, unsigned fields,
                              const struct machine_reading *a,
                              const struct machine_reading *b)
{
	uint64_t us = b->at_us - a->at_us;
	if (fields & MACHINE_VM) {
		put_number(t, "swap.in", per_second(a->swap_in, b->swap_in, us),
		           2, "/s");
		put_number(t, "swap.out",
		           per_second(a->swap_out, b->swap_out, us), 2, "/s");
		/* The kernel's pgfault counts every fault, major ones too. */
		put_number(t, "faults.minor",
		           per_second(a->faults - a->major_faults,
		                      b->faults - b->major_faults, us),
		           2, "/s");
		put_number(t, "faults.major",
		           per_second(a->major_faults, b->major_faults, us), 2,
		           "/s");
	}
	/* A disk that came or went changes the sums by all its traffic. */
	if ((fields & MACHINE_DISK) && a->disks == b->disks) {
		put_number(t, "disk.read",
		           per_second(a->disk_read, b->disk_read, us), 0,
		           "B/s");
		put_number(t, "disk.write",
		           per_second(a->disk_write, b->disk_write, us), 0,
		           "B/s");
	}
	if (fields & MACHINE_CPU)
		put_number(t, "ctxt", per_second(a->ctxt, b->ctxt, us), 2,
		           "/s");
}

static int finish(struct text *t, uint64_t t_us)
{
	put(t, " t=%lluus", (unsigned long long)t_us);
	return t->overflow ? -1 : (int)t->len;
}

int system_format_machine(const struct machine_reading *prev,
                          const struct machine_reading *cur, uint64_t t_us,
                          char *buf, size_t len)
{
	struct text t = {buf, 0, len, false};
	unsigned rated = both(prev, cur);
	put(&t, "machine");
	if (cur->fields & MACHINE_CPU)
		put_cpus(&t, (rated & MACHINE_CPU) ? prev : NULL, cur);
	if (cur->fields & MACHINE_LOAD) {
		put_number(&t, "load.1", cur->load[0], 2, "");
		put_number(&t, "load.5", cur->load[1], 2, "");
		put_number(&t, "load.15", cur->load[2], 2, "");
	}
	if (cur->fields & MACHINE_MEM)
		put_memory(&t, cur);
	if (rated)
		put_machine_rates(&t, rated, prev, cur);
	return finish(&t, t_us);
}

/* Which groups of process figures both readings hold. */
static unsigned both_process(const struct process_reading *prev,
                             const struct process_reading *cur)
{
	return prev && cur->at_us > prev->at_us ? prev->fields & cur->fields
	                                        : 0;
}

static void put_process_cpu(struct text *t, long ticks_per_s,
                            const struct process_reading *a,
                            const struct process_reading *b)
{
	uint64_t us = b->at_us - a->at_us;
	if (ticks_per_s <= 0)
		return;
	/* Clock ticks per second over ticks_per_s: cores kept busy. */
	double to_percent = 100.0 / (double)ticks_per_s;
	put_number(t, "cpu.user",
	           per_second(a->utime, b->utime, us) * to_percent, 1, "%");
	put_number(t, "cpu.system",
	           per_second(a->stime, b->stime, us) * to_percent, 1, "%");
}

static void put_process_io(struct text *t, const struct process_reading *a,
                           const struct process_reading *b)
{
	uint64_t us = b->at_us - a->at_us;
	put_number(t, "io.read", per_second(a->read_bytes, b->read_bytes, us),
	           0, "B/s");
	put_number(t, "io.write",
	           per_second(a->write_bytes, b->write_bytes, us), 0, "B/s");
}

static void put_process_switches(struct text *t,
                                 const struct process_reading *a,
                                 const struct process_reading *b)
{
	uint64_t us = b->at_us - a->at_us;
	put_number(t, "ctxt.voluntary",
	           per_second(a->voluntary, b->voluntary, us), 2, "/s");
	put_number(t, "ctxt.involuntary",
	           per_second(a->involuntary, b->involuntary, us), 2, "/s");
}

int system_format_process(pid_t pid, long ticks_per_s,
                          const struct process_reading *prev,
                          const struct process_reading *cur, uint64_t t_us,
                          char *buf, size_t len)
{
	struct text t = {buf, 0, len, false};
	unsigned rated = both_process(prev, cur);
	put(&t, "process:%d", (int)pid);
	if (rated & PROCESS_CPU)
		put_process_cpu(&t, ticks_per_s, prev, cur);
	if (cur->fields & PROCESS_RSS)
		put_count(&t, "rss", cur->rss, "B");
	if (rated & PROCESS_IO)
		put_process_io(&t, prev, cur);
	if (cur->fields & PROCESS_STATUS)
		put_count(&t, "threads", cur->threads, "");
	if (rated & PROCESS_STATUS)
		put_process_switches(&t, prev, cur);
	return finish(&t, t_us);
}

/* ---------------------------------------------------------------------- */
/* Parsing /proc text                                                     */
/* ---------------------------------------------------------------------- */

/* A whole number that ends the text, a line or a word. */
static int parse_number(const char *text, size_t len, size_t *at, uint64_t *out)
{
	size_t i = *at;
	if (decimal_parse(text, len, &i, out) ||
	    (i < len && text[i] != ' ' && text[i] != '\n' && text[i] != '\t'))
		return -1;
	*at = i;
	return 0;
}

/* The number on the line that starts with key ("read_bytes:"), after
 * blanks. 0, or -1 when no line has it. */
static int keyed_number(const char *text, size_t len, const char *key,
                        uint64_t *out)
{
	size_t key_len = strlen(key);
	for (size_t line = 0; line < len;) {
		const char *nl = memchr(text + line, '\n', len - line);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end - line > key_len &&
		    memcmp(text + line, key, key_len) == 0) {
			size_t at = line + key_len;
			while (at < end &&
			       (text[at] == ' ' || text[at] == '\t'))
				at++;
			return parse_number(text, end, &at, out);
		}
		line = end + 1;
	}
	return -1;
}

/* Move *at past n space-separated words. 0, or -1 at the end. */
static int skip_words(const char *text, size_t len, size_t *at, int n)
{
	for (; n > 0; n--) {
		const char *space = memchr(text + *at, ' ', len - *at);
		if (!space)
			return -1;
		*at = (size_t)(space - text) + 1;
	}
	return 0;
}

int system_parse_stat(const char *text, size_t len, struct process_reading *r)
{
	/* The command name (field 2) may hold spaces and parentheses: the
	 * fields that follow start after its last ')'. */
	const char *paren = NULL;
	for (size_t i = len; i > 0 && !paren; i--)
		if (text[i - 1] == ')')
			paren = text + i - 1;
	if (!paren || (size_t)(paren - text) + 3 > len)
		return -1;
	size_t at = (size_t)(paren - text) + 2; /* field 3, the state */
	char state = text[at];
	uint64_t utime, stime;
	if (state == 'Z' || state == 'X' || skip_words(text, len, &at, 11) ||
	    parse_number(text, len, &at, &utime) || at >= len ||
	    text[at] != ' ')
		return -1;
	at++;
	if (parse_number(text, len, &at, &stime))
		return -1;
	r->utime = utime;
	r->stime = stime;
	r->fields |= PROCESS_CPU;
	return 0;
}

int system_parse_io(const char *text, size_t len, struct process_reading *r)
{
	uint64_t read, written;
	if (keyed_number(text, len, "read_bytes:", &read) ||
	    keyed_number(text, len, "write_bytes:", &written))
		return -1;
	r->read_bytes = read;
	r->write_bytes = written;
	r->fields |= PROCESS_IO;
	return 0;
}

int system_parse_status(const char *text, size_t len, struct process_reading *r)
{
	uint64_t threads, voluntary, involuntary;
	if (keyed_number(text, len, "Threads:", &threads) ||
	    keyed_number(text, len, "voluntary_ctxt_switches:", &voluntary) ||
	    keyed_number(text, len,
	                 "nonvoluntary_ctxt_switches:", &involuntary))
		return -1;
	r->threads = threads;
	r->voluntary = voluntary;
	r->involuntary = involuntary;
	r->fields |= PROCESS_STATUS;
	return 0;
}

/* A load average: digits, a point and digits ("0.52"). */
static int parse_load(const char *text, size_t len, size_t *at, double *out)
{
	uint64_t whole, fraction;
	size_t i = *at;
	if (decimal_parse(text, len, &i, &whole) || i >= len || text[i] != '.')
		return -1;
	size_t start = ++i;
	if (decimal_parse(text, len, &i, &fraction) || i - start > 9)
		return -1;
	double scale = 1;
	for (size_t k = start; k < i; k++)
		scale *= 10;
	*out = (double)whole + (double)fraction / scale;
	*at = i;
	return 0;
}

int system_parse_loadavg(const char *text, size_t len,
                         struct machine_reading *r)
{
	double load[3];
	size_t at = 0;
	for (int i = 0; i < 3; i++) {
		if (parse_load(text, len, &at, &load[i]) || at >= len ||
		    text[at] != ' ')
			return -1;
		at++;
	}
	memcpy(r->load, load, sizeof load);
	r->fields |= MACHINE_LOAD;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Reading the machine                                                    */
/* ---------------------------------------------------------------------- */

/* A sampled process and its /proc files, held open between batches. */
struct watched {
	pid_t pid;
	bool seen, has_prev;
	int stat_fd, statm_fd, io_fd, status_fd;
	struct process_reading prev;
};

/* Whether a whole disk is counted, decided once per name. */
struct disk_verdict {
	char name[32];
	bool counted;
};

struct system {
	struct stat_info *stat;
	struct meminfo_info *meminfo;
	struct vmstat_info *vmstat;
	struct diskstats_info *diskstats;
	int loadavg_fd;
	long ticks_per_s;
	/* The machine read now and the time before; swapped each batch. */
	struct machine_reading machine[2];
	int current;
	bool has_prev;
	size_t n_watched;
	struct watched watched[SYSTEM_MAX_PROCESSES];
	size_t n_verdicts;
	struct disk_verdict verdicts[MAX_DISK_VERDICTS];
	char *record;
	size_t record_len;
	char scratch[SCRATCH_BYTES];
};

/* Empty r for a new reading, keeping its per-CPU slots. */
static void clear_reading(struct machine_reading *r)
{
	struct cpu_ticks *cpus = r->cpus;
	size_t n = r->n_cpus;
	memset(r, 0, sizeof *r);
	memset(cpus, 0, n * sizeof *cpus);
	r->cpus = cpus;
	r->n_cpus = n;
}

/* The libproc2 items of one CPU line of /proc/stat, in this order. */
enum { TIC_ID, TIC_USER, TIC_SYSTEM, TIC_IOWAIT, TIC_STEAL, TIC_IDLE, CTXT };

/* One tick count of a libproc2 stack (what STAT_VAL reads). */
static uint64_t ticks(const struct stat_stack *stack, int item)
{
	return stack->head[item].result.ull_int;
}

static void fill_ticks(const struct stat_stack *stack, struct cpu_ticks *out)
{
	out->online = true;
	out->user = ticks(stack, TIC_USER);
	out->system = ticks(stack, TIC_SYSTEM);
	out->iowait = ticks(stack, TIC_IOWAIT);
	out->steal = ticks(stack, TIC_STEAL);
	out->idle = ticks(stack, TIC_IDLE);
}

static void read_cpus(struct system *sys, struct machine_reading *r)
{
	/* The SUM items fold nice into user and interrupts into system. */
	enum stat_item items[] = {STAT_TIC_ID,          STAT_TIC_SUM_USER,
	                          STAT_TIC_SUM_SYSTEM,  STAT_TIC_IOWAIT,
	                          STAT_TIC_STOLEN,      STAT_TIC_IDLE,
	                          STAT_SYS_CTX_SWITCHES};
	if (!sys->stat)
		return;
	struct stat_reaped *got =
	        procps_stat_reap(sys->stat, STAT_REAP_CPUS_ONLY, items,
	                         (int)(sizeof items / sizeof items[0]));
	if (!got)
		return;
	fill_ticks(got->summary, &r->all);
	r->ctxt = STAT_VAL(CTXT, ul_int, got->summary, sys->stat);
	for (int i = 0; i < got->cpus->total; i++) {
		struct stat_stack *cpu = got->cpus->stacks[i];
		int id = STAT_VAL(TIC_ID, s_int, cpu, sys->stat);
		r->cores++;
		if (id >= 0 && (size_t)id < r->n_cpus)
			fill_ticks(cpu, &r->cpus[id]);
	}
	r->fields |= MACHINE_CPU;
}

static void read_memory(struct system *sys, struct machine_reading *r)
{
	enum meminfo_item items[] = {MEMINFO_MEM_TOTAL, MEMINFO_MEM_AVAILABLE};
	if (!sys->meminfo)
		return;
	struct meminfo_stack *got =
	        procps_meminfo_select(sys->meminfo, items, 2);
	if (!got)
		return;
	/* libproc2 gives KiB, as /proc/meminfo does. */
	r->mem_total = MEMINFO_VAL(0, ul_int, got, sys->meminfo) * 1024ull;
	r->mem_available = MEMINFO_VAL(1, ul_int, got, sys->meminfo) * 1024ull;
	r->fields |= MACHINE_MEM;
}

static void read_paging(struct system *sys, struct machine_reading *r)
{
	enum vmstat_item items[] = {VMSTAT_PSWPIN, VMSTAT_PSWPOUT,
	                            VMSTAT_PGFAULT, VMSTAT_PGMAJFAULT};
	if (!sys->vmstat)
		return;
	struct vmstat_stack *got = procps_vmstat_select(sys->vmstat, items, 4);
	if (!got)
		return;
	r->swap_in = VMSTAT_VAL(0, ul_int, got, sys->vmstat);
	r->swap_out = VMSTAT_VAL(1, ul_int, got, sys->vmstat);
	r->faults = VMSTAT_VAL(2, ul_int, got, sys->vmstat);
	r->major_faults = VMSTAT_VAL(3, ul_int, got, sys->vmstat);
	r->fields |= MACHINE_VM;
}

/* Does any block device sit on this one (LVM, RAID)? */
static bool has_slaves(const char *name)
{
	char path[96];
	snprintf(path, sizeof path, "/sys/block/%s/slaves", name);
	DIR *dir = opendir(path);
	if (!dir)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(dir)))
		found = e->d_name[0] != '.';
	closedir(dir);
	return found;
}

/* A whole disk's traffic also shows on the disks under it when it is
 * stacked on them (device mapper, md RAID), and on the disk holding the
 * file behind a loop device; RAM disks are no disks: those are left out,
 * so that every byte is counted once. */
static bool disk_counted(struct system *sys, const char *name)
{
	for (size_t i = 0; i < sys->n_verdicts; i++)
		if (strcmp(sys->verdicts[i].name, name) == 0)
			return sys->verdicts[i].counted;
	bool counted = strncmp(name, "loop", 4) != 0 &&
	               strncmp(name, "ram", 3) != 0 &&
	               strncmp(name, "zram", 4) != 0 && !has_slaves(name);
	if (sys->n_verdicts < MAX_DISK_VERDICTS &&
	    strlen(name) < sizeof sys->verdicts[0].name) {
		struct disk_verdict *v = &sys->verdicts[sys->n_verdicts++];
		snprintf(v->name, sizeof v->name, "%s", name);
		v->counted = counted;
	}
	return counted;
}

static void read_disks(struct system *sys, struct machine_reading *r)
{
	enum diskstats_item items[] = {DISKSTATS_NAME, DISKSTATS_TYPE,
	                               DISKSTATS_READ_SECTORS,
	                               DISKSTATS_WRITE_SECTORS};
	if (!sys->diskstats)
		return;
	struct diskstats_reaped *got =
	        procps_diskstats_reap(sys->diskstats, items, 4);
	if (!got)
		return;
	for (int i = 0; i < got->total; i++) {
		struct diskstats_stack *d = got->stacks[i];
		const char *name = DISKSTATS_VAL(0, str, d, sys->diskstats);
		if (DISKSTATS_VAL(1, s_int, d, sys->diskstats) !=
		            DISKSTATS_TYPE_DISK ||
		    !name || !disk_counted(sys, name))
			continue;
		/* The set of disks, to tell readings of other sets apart:
		 * each name's length is hashed with it. */
		r->disks = hash_bytes(r->disks, name, strlen(name));
		r->disk_read +=
		        (uint64_t)DISKSTATS_VAL(2, ul_int, d, sys->diskstats) *
		        SECTOR_BYTES;
		r->disk_write +=
		        (uint64_t)DISKSTATS_VAL(3, ul_int, d, sys->diskstats) *
		        SECTOR_BYTES;
	}
	r->fields |= MACHINE_DISK;
}

/* pread the whole of a held-open /proc file into the scratch buffer;
 * its length, or -1. */
static ssize_t read_held(struct system *sys, int fd)
{
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, sys->scratch, sizeof sys->scratch, 0);
	return n > 0 ? n : -1;
}

static void read_load(struct system *sys, struct machine_reading *r)
{
	ssize_t n = read_held(sys, sys->loadavg_fd);
	if (n > 0)
		system_parse_loadavg(sys->scratch, (size_t)n, r);
}

static void read_machine(struct system *sys, struct machine_reading *r)
{
	clear_reading(r);
	r->at_us = now_us();
	read_cpus(sys, r);
	read_load(sys, r);
	read_memory(sys, r);
	read_paging(sys, r);
	read_disks(sys, r);
}

/* ---------------------------------------------------------------------- */
/* Reading the processes                                                  */
/* ---------------------------------------------------------------------- */

static int open_proc_file(pid_t pid, const char *name)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void close_watched(struct watched *w)
{
	int fds[] = {w->stat_fd, w->statm_fd, w->io_fd, w->status_fd};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The entry of pid, opened now if it has none; NULL when the process is
 * gone or the table is full. Files other than stat may be refused (io
 * needs the right to trace the process): their figures are left out. */
static struct watched *watch(struct system *sys, pid_t pid)
{
	for (size_t i = 0; i < sys->n_watched; i++)
		if (sys->watched[i].pid == pid)
			return &sys->watched[i];
	if (sys->n_watched >= SYSTEM_MAX_PROCESSES)
		return NULL;
	struct watched w = {.pid = pid, .stat_fd = open_proc_file(pid, "stat")};
	if (w.stat_fd < 0)
		return NULL;
	w.statm_fd = procfs_open_statm(pid);
	w.io_fd = open_proc_file(pid, "io");
	w.status_fd = open_proc_file(pid, "status");
	sys->watched[sys->n_watched] = w;
	return &sys->watched[sys->n_watched++];
}

/* 0, or -1 when the process is gone (or a zombie). */
static int read_process(struct system *sys, struct watched *w,
                        struct process_reading *r)
{
	memset(r, 0, sizeof *r);
	r->at_us = now_us();
	ssize_t n = read_held(sys, w->stat_fd);
	if (n < 0 || system_parse_stat(sys->scratch, (size_t)n, r) < 0)
		return -1;
	int64_t rss = w->statm_fd >= 0 ? procfs_rss_bytes(w->statm_fd) : -1;
	if (rss >= 0) {
		r->rss = (uint64_t)rss;
		r->fields |= PROCESS_RSS;
	}
	if ((n = read_held(sys, w->io_fd)) > 0)
		system_parse_io(sys->scratch, (size_t)n, r);
	if ((n = read_held(sys, w->status_fd)) > 0)
		system_parse_status(sys->scratch, (size_t)n, r);
	return 0;
}

/* Forget the processes this batch did not ask for, and those gone. */
static void sweep_watched(struct system *sys)
{
	for (size_t i = 0; i < sys->n_watched;) {
		struct watched *w = &sys->watched[i];
		if (w->seen) {
			w->seen = false;
			i++;
			continue;
		}
		close_watched(w);
		*w = sys->watched[--sys->n_watched];
	}
}

static void record_process(struct system *sys, pid_t pid, uint64_t t_us,
                           system_emit_fn emit, void *ctx)
{
	struct watched *w = watch(sys, pid);
	struct process_reading r;
	if (!w)
		return;
	if (read_process(sys, w, &r) < 0)
		return; /* not marked seen: closed by the sweep */
	w->seen = true;
	if (system_format_process(pid, sys->ticks_per_s,
	                          w->has_prev ? &w->prev : NULL, &r, t_us,
	                          sys->record, sys->record_len) >= 0)
		emit(ctx, sys->record);
	w->prev = r;
	w->has_prev = true;
}

void system_record(struct system *sys, const pid_t *pids, size_t n,
                   uint64_t t_us, system_emit_fn emit, void *ctx)
{
	struct machine_reading *cur = &sys->machine[sys->current];
	struct machine_reading *prev = &sys->machine[!sys->current];
	read_machine(sys, cur);
	if (system_format_machine(sys->has_prev ? prev : NULL, cur, t_us,
	                          sys->record, sys->record_len) >= 0)
		emit(ctx, sys->record);
	sys->current = !sys->current;
	sys->has_prev = true;
	for (size_t i = 0; i < n; i++)
		record_process(sys, pids[i], t_us, emit, ctx);
	sweep_watched(sys);
}

/* ---------------------------------------------------------------------- */
/* Set-up                                                                 */
/* ---------------------------------------------------------------------- */

/* The libproc2 contexts; one that cannot be made leaves its figures out. */
static void open_sources(struct system *sys)
{
	if (procps_stat_new(&sys->stat) < 0)
		sys->stat = NULL;
	if (procps_meminfo_new(&sys->meminfo) < 0)
		sys->meminfo = NULL;
	if (procps_vmstat_new(&sys->vmstat) < 0)
		sys->vmstat = NULL;
	if (procps_diskstats_new(&sys->diskstats) < 0)
		sys->diskstats = NULL;
	sys->loadavg_fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
}

struct system *system_new(void)
{
	struct system *sys = calloc(1, sizeof *sys);
	if (!sys)
		return NULL;
	/* CPU ids run below the number of CPUs configured, online or not. */
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	size_t n_cpus = cpus > 0 ? (size_t)cpus : 1;
	sys->record_len = MACHINE_RECORD_BYTES + n_cpus * CPU_FIELDS_BYTES;
	sys->record = malloc(sys->record_len);
	for (int i = 0; i < 2; i++) {
		sys->machine[i].cpus = calloc(n_cpus, sizeof(struct cpu_ticks));
		sys->machine[i].n_cpus = n_cpus;
	}
	sys->loadavg_fd = -1;
	if (!sys->record || !sys->machine[0].cpus || !sys->machine[1].cpus) {
		system_free(sys);
		return NULL;
	}
	sys->ticks_per_s = sysconf(_SC_CLK_TCK);
	open_sources(sys);
	return sys;
}

void system_free(struct system *sys)
{
	if (!sys)
		return;
	for (size_t i = 0; i < sys->n_watched; i++)
		close_watched(&sys->watched[i]);
	if (sys->loadavg_fd >= 0)
		close(sys->loadavg_fd);
	if (sys->stat)
		procps_stat_unref(&sys->stat);
	if (sys->meminfo)
		procps_meminfo_unref(&sys->meminfo);
	if (sys->vmstat)
		procps_vmstat_unref(&sys->vmstat);
	if (sys->diskstats)
		procps_diskstats_unref(&sys->diskstats);
	free(sys->machine[0].cpus);
	free(sys->machine[1].cpus);
	free(sys->record);
	free(sys);
}
