/* /proc readers; all but procfs_rss_bytes run outside the sampling tick.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decimal.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Extend the entry for path if one is already listed. */
static int extend_known(struct mapped_file *out, int n, const char *path,
                        uint64_t end)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(out[i].path, path) == 0) {
			if (end > out[i].end)
				out[i].end = end;
			return 1;
		}
	}
	return 0;
}

int procfs_mapped_files(pid_t pid, const char *prefix, struct mapped_file *out,
                        size_t max)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	FILE *maps = fopen(name, "re");
	if (!maps)
		return -1;

	char line[PATH_MAX + 128];
	int n = 0;
	while (fgets(line, sizeof line, maps)) {
		uint64_t start, end, offset;
		int path_at = 0;
		if (sscanf(line,
		           "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n",
		           &start, &end, &offset, &path_at) < 3 ||
		    path_at == 0 || line[path_at] != '/')
			continue;
		char *path = line + path_at;
		path[strcspn(path, "\n")] = '\0';
		if (prefix &&
		    strncmp(base_name(path), prefix, strlen(prefix)) != 0)
			continue;
		if (extend_known(out, n, path, end) || offset != 0 ||
		    (size_t)n >= max)
			continue;
		out[n].start = start;
		out[n].end = end;
		snprintf(out[n].path, sizeof out[n].path, "%s", path);
		n++;
	}
	fclose(maps);
	return n;
}

int procfs_comm(pid_t pid, char *buf, size_t len)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/comm", (int)pid);
	FILE *f = fopen(name, "re");
	if (!f)
		return -1;
	int ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int procfs_exe(pid_t pid, char *buf, size_t len)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(name, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

void procfs_root_path(pid_t pid, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/%d/root%s", (int)pid, path);
}

int procfs_alive(pid_t pid)
{
	char name[64], state = 0;
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(name, "re");
	if (!f)
		return 0;
	/* The state follows the command name, which may hold spaces and
	 * parentheses: find the last ')'. */
	char buf[512];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	if (paren && paren[1] == ' ')
		state = paren[2];
	return state != 0 && state != 'Z' && state != 'X';
}

int procfs_open_statm(pid_t pid)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/statm", (int)pid);
	return open(name, O_RDONLY | O_CLOEXEC);
}

/* Parse the decimal number at buf[*at], which must be followed by a space
 * or a newline; *at moves past both. Returns 0, or -1 if there is none. */
static int parse_field(const char *buf, size_t len, size_t *at, uint64_t *out)
{
	size_t i = *at;
	/* Into a local: a store through out could change buf, as far as the
	 * compiler knows, and buf[i] would be loaded again (the tick). */
	uint64_t v;
	/* No digits, or the buffer ends inside the number: short content. */
	if (decimal_parse(buf, len, &i, &v) < 0 || i >= len ||
	    (buf[i] != ' ' && buf[i] != '\n'))
		return -1;
	*at = i + 1;
	*out = v;
	return 0;
}

int64_t procfs_parse_statm_rss(const char *buf, size_t len, long page_size)
{
	size_t at = 0;
	uint64_t size, resident;
	if (page_size <= 0 || parse_field(buf, len, &at, &size) < 0 ||
	    parse_field(buf, len, &at, &resident) < 0 ||
	    resident > (uint64_t)INT64_MAX / (uint64_t)page_size)
		return -1;
	return (int64_t)(resident * (uint64_t)page_size);
}

int64_t procfs_rss_bytes(int statm_fd)
{
	static long page_size;
	if (page_size == 0)
		page_size = sysconf(_SC_PAGESIZE);
	/* Seven numbers of at most 20 digits; the first two always fit. */
	char buf[128];
	ssize_t n = pread(statm_fd, buf, sizeof buf, 0);
	if (n <= 0)
		return -1;
	return procfs_parse_statm_rss(buf, (size_t)n, page_size);
}

/* One row of the process table. */
struct proc_row {
	pid_t pid, ppid;
	char zombie;
};

static int by_ppid(const void *a, const void *b)
{
	pid_t x = ((const struct proc_row *)a)->ppid;
	pid_t y = ((const struct proc_row *)b)->ppid;
	return (x > y) - (x < y);
}

/* The first row whose parent is ppid in rows sorted by parent, or n. */
static size_t first_child(const struct proc_row *rows, size_t n, pid_t ppid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].ppid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The process table as rows sorted by parent, in a buffer for the caller to
 * free; NULL with errno set on failure. */
static struct proc_row *read_table(size_t *count)
{
	enum pids_item items[] = {PIDS_ID_PID, PIDS_ID_PPID, PIDS_STATE};
	enum { ITEM_PID, ITEM_PPID, ITEM_STATE };
	/* procps_pids_reap reads /proc afresh on every call: the context is
	 * only created once. */
	static struct pids_info *info;
	if (!info) {
		int rc = procps_pids_new(&info, items, 3);
		if (rc < 0) {
			info = NULL;
			errno = -rc;
			return NULL;
		}
	}
	struct pids_fetch *fetch =
	        procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (!fetch) {
		if (errno == 0)
			errno = EIO;
		return NULL;
	}
	size_t n = fetch->counts->total > 0 ? (size_t)fetch->counts->total : 0;
	struct proc_row *rows = malloc((n ? n : 1) * sizeof *rows);
	if (!rows)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct pids_stack *st = fetch->stacks[i];
		rows[i].pid = PIDS_VAL(ITEM_PID, s_int, st, info);
		rows[i].ppid = PIDS_VAL(ITEM_PPID, s_int, st, info);
		char state = PIDS_VAL(ITEM_STATE, s_ch, st, info);
		rows[i].zombie = state == 'Z' || state == 'X';
	}
	qsort(rows, n, sizeof *rows, by_ppid);
	*count = n;
	return rows;
}

int procfs_descendants(pid_t root, pid_t *out, size_t max)
{
	/* Below 1, every process would be a descendant of "root". */
	if (root <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (max > INT_MAX)
		max = INT_MAX;
	size_t n;
	struct proc_row *rows = read_table(&n);
	if (!rows)
		return -1;
	pid_t *queue = malloc((n + 1) * sizeof *queue);
	if (!queue) {
		free(rows);
		return -1;
	}
	/* Breadth first from root. Every process has one parent, so a process
	 * can only be queued again through a ppid cycle back to root, which is
	 * never queued twice: the queue holds at most n + 1 entries. */
	size_t head = 0, tail = 0, stored = 0;
	queue[tail++] = root;
	while (head < tail) {
		pid_t parent = queue[head++];
		for (size_t i = first_child(rows, n, parent);
		     i < n && rows[i].ppid == parent; i++) {
			if (rows[i].pid <= 0 || rows[i].pid == root || tail > n)
				continue;
			queue[tail++] = rows[i].pid;
			if (!rows[i].zombie && stored < max)
				out[stored++] = rows[i].pid;
		}
	}
	free(queue);
	free(rows);
	return (int)stored;
}
