/* The processes a session samples: the command or -p PID, and with -C every
 * Python descendant, found as they appear.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_TRACKED_H
#define AUSTINC_TRACKED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cache.h"
#include "privilege.h"
#include "python/python.h"
#include "tasks.h"

#define MAX_TRACKED    256
#define MAX_CANDIDATES 1024

/* What each tracked process needs beyond its stacks. */
#define TRACK_RSS   1u /* a held-open statm, read every tick */
#define TRACK_TASKS 2u /* held-open task stat files: idle or running */

struct tracked {
	pid_t pid;
	struct py_process *py;
	int statm_fd; /* -1 without TRACK_RSS */
	/* The RSS last read, and the RSS up to which changes have been
	 * charged to a thread: a change waits for a tick that finds the GIL
	 * holder. -1 until read. */
	int64_t rss, charged_rss;
	struct tasks *tasks;   /* NULL without TRACK_TASKS */
	struct cache *tids;    /* which TIDs are its threads (tracked_owns) */
	unsigned failed_ticks; /* consecutive ticks without a readable thread */
	/* Under privilege (privilege.h): watched for a change of owner, and
	 * set once it may not be read any more. */
	struct privilege_watch watch;
	int unreadable;
};

/* A descendant not (yet) known to run Python: retried at every scan until
 * the start-up timeout, then left alone while it lives. */
struct candidate {
	pid_t pid;
	uint64_t first_seen_us;
	int given_up;
	int seen; /* in the latest scan */
};

/* Says why a process is left out: under privilege, it is not the
 * caller's own (privilege.h). */
typedef void tracked_note_fn(void *ctx, const char *why);

struct tracked_set {
	unsigned needs; /* TRACK_* */
	tracked_note_fn *note;
	void *note_ctx;
	size_t n;
	struct tracked procs[MAX_TRACKED];
	size_t n_candidates;
	struct candidate candidates[MAX_CANDIDATES];
};

void tracked_init(struct tracked_set *set, unsigned needs,
                  tracked_note_fn *note, void *note_ctx);

/* May pid be read (privilege_admit)? A refusal is noted; 1 unless it was
 * refused. Ask before attaching to a process. */
int tracked_admit(struct tracked_set *set, pid_t pid);

/* Track pid, sampled through py (which the set then owns). Returns 0, or -1
 * when the set is full, its /proc files cannot be opened, or pid may not be
 * read (admitted again, and watched from now on; a refusal is noted). py
 * is then detached. */
int tracked_add(struct tracked_set *set, pid_t pid, struct py_process *py);

/* Stop tracking procs[i]; the last entry takes its place. */
void tracked_remove(struct tracked_set *set, size_t i);

/* Is tid one of the process's threads? Just after a fork the child still
 * lists its parent's thread states, whose TIDs are not its own: those are
 * not its threads. Checked in /proc when a TID is first seen; a TID found
 * foreign is checked again after a while. */
int tracked_owns(struct tracked *t, int64_t tid, uint64_t now);

/* May the process still be read, this tick? Under privilege one fstat
 * (privilege_watch_check); a process that changed owner is noted, and is
 * unreadable from then on, as is one that is gone. Always 1 otherwise. */
int tracked_readable(struct tracked_set *set, struct tracked *t);

/* Under privilege, off the tick: read every tracked process's ids again,
 * marking those that changed unreadable (noted). */
void tracked_recheck(struct tracked_set *set);

/* Is pid tracked? */
int tracked_has(const struct tracked_set *set, pid_t pid);

/* Look for root's descendants and track those that run Python now. Not for
 * the sampling tick: it reads the process table. */
void tracked_scan_children(struct tracked_set *set, pid_t root, uint64_t now,
                           uint64_t timeout_us);

void tracked_clear(struct tracked_set *set);

#endif
