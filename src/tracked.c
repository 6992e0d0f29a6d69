/* The processes a session samples.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "tracked.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "procfs.h"

#define MAX_DESCENDANTS 4096
#define TID_VERDICTS    1024
/* How long a TID found not to be the process's own is believed so. */
#define FOREIGN_TID_US 100000

void tracked_init(struct tracked_set *set, unsigned needs,
                  tracked_note_fn *note, void *note_ctx)
{
	memset(set, 0, sizeof *set);
	set->needs = needs;
	set->note = note;
	set->note_ctx = note_ctx;
}

/* A verdict, with a refusal noted; 1 when allowed. */
static int allowed(struct tracked_set *set, enum privilege_verdict v,
                   const char *why)
{
	if (v == PRIVILEGE_REFUSED && set->note)
		set->note(set->note_ctx, why);
	return v == PRIVILEGE_ALLOWED;
}

int tracked_admit(struct tracked_set *set, pid_t pid)
{
	char why[512];
	enum privilege_verdict v = privilege_admit(pid, NULL, why, sizeof why);
	return allowed(set, v, why) || v == PRIVILEGE_GONE;
}

static void release(struct tracked *t)
{
	if (t->statm_fd >= 0)
		close(t->statm_fd);
	tasks_free(t->tasks);
	cache_free(t->tids, NULL);
	privilege_watch_close(&t->watch);
	py_detach(t->py);
}

int tracked_add(struct tracked_set *set, pid_t pid, struct py_process *py)
{
	if (set->n >= MAX_TRACKED) {
		py_detach(py);
		return -1;
	}
	struct tracked *t = &set->procs[set->n];
	char why[512];
	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->py = py;
	t->statm_fd = -1;
	t->rss = t->charged_rss = -1;
	if (!allowed(set, privilege_admit(pid, &t->watch, why, sizeof why),
	             why)) {
		release(t);
		return -1;
	}
	if (set->needs & TRACK_RSS) {
		t->statm_fd = procfs_open_statm(pid);
		t->rss = t->charged_rss =
		        t->statm_fd >= 0 ? procfs_rss_bytes(t->statm_fd) : -1;
	}
	if (set->needs & TRACK_TASKS)
		t->tasks = tasks_new(pid);
	t->tids = cache_new(TID_VERDICTS);
	if (!t->tids || ((set->needs & TRACK_RSS) && t->rss < 0) ||
	    ((set->needs & TRACK_TASKS) && !t->tasks)) {
		release(t);
		return -1;
	}
	set->n++;
	return 0;
}

/* A process found unreadable while tracked (another user's now) is given
 * up on as a candidate, so that the scans that still see it do not note it
 * again. */
static void give_up(struct tracked_set *set, pid_t pid)
{
	if (set->n_candidates < MAX_CANDIDATES)
		set->candidates[set->n_candidates++] = (struct candidate){
		        .pid = pid, .given_up = 1, .seen = 1};
}

void tracked_remove(struct tracked_set *set, size_t i)
{
	pid_t pid = set->procs[i].pid;
	int unreadable = set->procs[i].unreadable;
	release(&set->procs[i]);
	set->procs[i] = set->procs[--set->n];
	if (unreadable)
		give_up(set, pid);
}

/* A verdict is stored as (time << 1 | own): never 0, as the cache wants. */
int tracked_owns(struct tracked *t, int64_t tid, uint64_t now)
{
	uint64_t key = (uint64_t)tid;
	uint64_t verdict = (uintptr_t)cache_get(t->tids, key);
	if (verdict & 1)
		return 1;
	if (verdict && now - (verdict >> 1) < FOREIGN_TID_US)
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%lld", (int)t->pid,
	         (long long)tid);
	int own = access(path, F_OK) == 0;
	cache_put(t->tids, key, (void *)(uintptr_t)(now << 1 | (uint64_t)own));
	return own;
}

/* Mark t unreadable unless the check passes; 1 while it is readable. */
static int still_allowed(struct tracked_set *set, struct tracked *t, int full)
{
	char why[512];
	if (!t->unreadable &&
	    !allowed(set,
	             privilege_watch_check(&t->watch, t->pid, full, why,
	                                   sizeof why),
	             why))
		t->unreadable = 1;
	return !t->unreadable;
}

int tracked_readable(struct tracked_set *set, struct tracked *t)
{
	return still_allowed(set, t, 0);
}

void tracked_recheck(struct tracked_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		still_allowed(set, &set->procs[i], 1);
}

int tracked_has(const struct tracked_set *set, pid_t pid)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->procs[i].pid == pid)
			return 1;
	return 0;
}

static struct candidate *find_candidate(struct tracked_set *set, pid_t pid)
{
	for (size_t i = 0; i < set->n_candidates; i++)
		if (set->candidates[i].pid == pid)
			return &set->candidates[i];
	return NULL;
}

/* Forget the candidates that the latest scan did not see: they are gone,
 * and their PIDs may come back as other processes. */
static void drop_unseen_candidates(struct tracked_set *set)
{
	size_t kept = 0;
	for (size_t i = 0; i < set->n_candidates; i++)
		if (set->candidates[i].seen)
			set->candidates[kept++] = set->candidates[i];
	set->n_candidates = kept;
}

/* Try to track a descendant; one that does not run Python (yet) is
 * remembered, and given up on once the start-up timeout has passed. */
static void consider(struct tracked_set *set, pid_t pid, uint64_t now,
                     uint64_t timeout_us)
{
	struct candidate *c = find_candidate(set, pid);
	if (c && c->given_up) {
		c->seen = 1;
		return;
	}
	struct py_process *py = NULL;
	char why[256];
	enum py_status st = tracked_admit(set, pid)
	                            ? py_attach(pid, &py, why, sizeof why)
	                            : PY_DENIED;
	if (st == PY_FOUND) {
		tracked_add(set, pid, py);
		if (c)
			c->pid = 0; /* never matches: dropped below */
		return;
	}
	if (!c && set->n_candidates < MAX_CANDIDATES) {
		c = &set->candidates[set->n_candidates++];
		*c = (struct candidate){.pid = pid, .first_seen_us = now};
	}
	if (st == PY_NO_MEMORY)
		log_error("%s", why);
	if (!c)
		return;
	c->seen = 1;
	/* A process that cannot be read, or runs a Python austinc cannot
	 * sample, will not get better by retrying. */
	c->given_up = st == PY_UNSUPPORTED || st == PY_DENIED ||
	              now - c->first_seen_us >= timeout_us;
}

void tracked_scan_children(struct tracked_set *set, pid_t root, uint64_t now,
                           uint64_t timeout_us)
{
	static pid_t pids[MAX_DESCENDANTS];
	int n = procfs_descendants(root, pids, MAX_DESCENDANTS);
	if (n < 0)
		return;
	for (size_t i = 0; i < set->n_candidates; i++)
		set->candidates[i].seen = 0;
	for (int i = 0; i < n; i++)
		if (!tracked_has(set, pids[i]))
			consider(set, pids[i], now, timeout_us);
	drop_unseen_candidates(set);
}

void tracked_clear(struct tracked_set *set)
{
	while (set->n > 0)
		tracked_remove(set, set->n - 1);
	set->n_candidates = 0;
}
