/* Finding the process to sample (finder.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "finder.h"

#include <errno.h>
#include <fcntl.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decimal.h"
#include "privilege.h"
#include "procfs.h"

/* A pidfile longer than this holds more than a PID. */
#define PIDFILE_MAX 64
/* How many matches a message names. */
#define NAMED_MAX 4

int finder_init(struct finder *f, const char *pidfile, const char *name,
                char *why, size_t len)
{
	memset(f, 0, sizeof *f);
	f->pidfile = pidfile;
	if (!name)
		return 0;
	int rc = regcomp(&f->pattern, name, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char reason[128];
		regerror(rc, &f->pattern, reason, sizeof reason);
		snprintf(why, len, "invalid --name pattern '%s': %s", name,
		         reason);
		return -1;
	}
	f->name = name;
	return 0;
}

void finder_free(struct finder *f)
{
	if (f->name)
		regfree(&f->pattern);
	f->name = NULL;
}

void finder_describe(const struct finder *f, char *out, size_t len)
{
	if (f->pidfile)
		snprintf(out, len, "pidfile %s", f->pidfile);
	else
		snprintf(out, len, "name '%s'", f->name ? f->name : "");
}

/* Past the spaces, tabs and line ends from at. */
static size_t skip_blanks(const char *text, size_t n, size_t at)
{
	while (at < n && text[at] && strchr(" \t\r\n", text[at]))
		at++;
	return at;
}

/* The PID in text: digits, surrounded by white space at most. */
static int parse_pid(const char *text, size_t n, pid_t *pid)
{
	size_t at = skip_blanks(text, n, 0);
	uint64_t value;
	if (decimal_parse(text, n, &at, &value) < 0 || value == 0 ||
	    value > INT32_MAX)
		return -1;
	at = skip_blanks(text, n, at);
	if (at != n)
		return -1;
	*pid = (pid_t)value;
	return 0;
}

static enum find_result read_pidfile(const char *path, pid_t *pid, char *why,
                                     size_t len)
{
	char text[PIDFILE_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int error = errno;
		snprintf(why, len, "cannot read pidfile %s: %s", path,
		         strerror(error));
		return error == ENOENT ? FIND_NONE : FIND_BAD;
	}
	ssize_t n = read(fd, text, sizeof text);
	int error = errno;
	close(fd);
	if (n < 0) {
		snprintf(why, len, "cannot read pidfile %s: %s", path,
		         strerror(error));
		return FIND_BAD;
	}
	if (n == 0) {
		/* Being written, most likely: a service writes it once up. */
		snprintf(why, len, "pidfile %s is empty", path);
		return FIND_NONE;
	}
	if (n > PIDFILE_MAX || parse_pid(text, (size_t)n, pid) < 0) {
		snprintf(why, len, "pidfile %s holds no PID", path);
		return FIND_BAD;
	}
	if (!procfs_alive(*pid)) {
		snprintf(why, len, "process %d of pidfile %s is not running",
		         (int)*pid, path);
		return FIND_NONE;
	}
	return FIND_OK;
}

/* One row of the process table. */
struct row {
	pid_t pid, ppid;
	unsigned long long began; /* clock ticks after boot */
	int matches;
};

/* Does the process table hold pid among austinc and its ancestors? */
static int is_self_or_ancestor(const struct row *rows, size_t n, pid_t pid)
{
	pid_t at = getpid();
	/* At most n steps: a chain longer than the table is a loop. */
	for (size_t steps = 0; at > 0 && steps <= n; steps++) {
		if (at == pid)
			return 1;
		pid_t parent = 0;
		for (size_t i = 0; i < n; i++)
			if (rows[i].pid == at)
				parent = rows[i].ppid;
		at = parent;
	}
	return 0;
}

/* The process table, each row marked where its command line matches; NULL
 * with why set on failure. */
static struct row *read_rows(const struct finder *f, size_t *count, char *why,
                             size_t len)
{
	enum pids_item items[] = {PIDS_ID_PID, PIDS_ID_PPID, PIDS_STATE,
	                          PIDS_TICS_BEGAN, PIDS_CMDLINE};
	enum { ITEM_PID, ITEM_PPID, ITEM_STATE, ITEM_BEGAN, ITEM_CMDLINE };
	struct pids_info *info = NULL;
	struct pids_fetch *fetch = NULL;
	struct row *rows = NULL;
	if (procps_pids_new(&info, items, 5) < 0 ||
	    !(fetch = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY)) ||
	    !(rows = calloc((size_t)fetch->counts->total + 1, sizeof *rows))) {
		snprintf(why, len, "cannot read the process table: %s",
		         strerror(errno ? errno : EIO));
		procps_pids_unref(&info);
		return NULL;
	}
	size_t n = 0;
	for (int i = 0; i < fetch->counts->total; i++) {
		struct pids_stack *st = fetch->stacks[i];
		char state = PIDS_VAL(ITEM_STATE, s_ch, st, info);
		const char *cmdline = PIDS_VAL(ITEM_CMDLINE, str, st, info);
		rows[n] = (struct row){
		        .pid = PIDS_VAL(ITEM_PID, s_int, st, info),
		        .ppid = PIDS_VAL(ITEM_PPID, s_int, st, info),
		        .began = PIDS_VAL(ITEM_BEGAN, ull_int, st, info),
		        .matches =
		                state != 'Z' && state != 'X' && cmdline &&
		                regexec(&f->pattern, cmdline, 0, NULL, 0) == 0};
		n++;
	}
	procps_pids_unref(&info);
	*count = n;
	return rows;
}

/* May the match at rows[i] be sampled? Not austinc itself or what runs
 * it, and under privilege only the caller's own. */
static int eligible(const struct row *rows, size_t n, size_t i)
{
	if (!rows[i].matches || is_self_or_ancestor(rows, n, rows[i].pid))
		return 0;
	char why[256];
	return !privilege_limited() ||
	       privilege_admit(rows[i].pid, NULL, why, sizeof why) ==
	               PRIVILEGE_ALLOWED;
}

/* "several processes match name 'x' and started together: 12, 13" */
static void name_ties(const struct finder *f, const struct row *rows, size_t n,
                      size_t oldest, char *why, size_t len)
{
	int at = snprintf(why, len,
	                  "several processes match name '%s' and started "
	                  "together (%d",
	                  f->name, (int)rows[oldest].pid);
	int named = 1;
	for (size_t i = 0; i < n && at > 0 && (size_t)at < len; i++) {
		if (i == oldest || rows[i].began != rows[oldest].began ||
		    !eligible(rows, n, i))
			continue;
		at += named++ < NAMED_MAX
		              ? snprintf(why + at, len - (size_t)at, ", %d",
		                         (int)rows[i].pid)
		              : snprintf(why + at, len - (size_t)at, ", ...");
		if (named > NAMED_MAX)
			break;
	}
	if (at > 0 && (size_t)at < len)
		snprintf(why + at, len - (size_t)at,
		         "): make the pattern tell them apart, or use "
		         "--pidfile");
}

static enum find_result match_name(const struct finder *f, pid_t *pid,
                                   char *why, size_t len)
{
	size_t n, oldest = SIZE_MAX, ties = 0;
	struct row *rows = read_rows(f, &n, why, len);
	if (!rows)
		return FIND_BAD;
	for (size_t i = 0; i < n; i++) {
		if (!eligible(rows, n, i))
			continue;
		if (oldest == SIZE_MAX || rows[i].began < rows[oldest].began) {
			oldest = i;
			ties = 0;
		} else if (rows[i].began == rows[oldest].began) {
			ties++;
		}
	}
	enum find_result r = FIND_OK;
	if (oldest == SIZE_MAX) {
		snprintf(why, len, "no process matches name '%s'", f->name);
		r = FIND_NONE;
	} else if (ties) {
		name_ties(f, rows, n, oldest, why, len);
		r = FIND_AMBIGUOUS;
	} else {
		*pid = rows[oldest].pid;
	}
	free(rows);
	return r;
}

enum find_result finder_find(const struct finder *f, pid_t *pid, char *why,
                             size_t len)
{
	if (f->pidfile)
		return read_pidfile(f->pidfile, pid, why, len);
	return match_name(f, pid, why, len);
}
