/* The names of the recordings a run writes, one after another: with
 * --rotate, -o is a pattern of strftime fields, each recording is written
 * under a hidden name beside its own and renamed once complete (nothing
 * ever reads half a file), and the oldest beyond --keep are deleted;
 * without it, -o itself, and a dump on demand (SIGUSR1) sets the complete
 * recording aside under a name that holds its start time.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_ROTATION_H
#define AUSTINC_ROTATION_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

struct rotation {
	const char *pattern;    /* -o */
	int timed;              /* --rotate: pattern holds strftime fields */
	unsigned keep;          /* --keep, 0: every file */
	char final[PATH_MAX];   /* the name the recording will have */
	char writing[PATH_MAX]; /* where it is written meanwhile */
	time_t began;
};

void rotation_init(struct rotation *r, const char *pattern, int timed,
                   unsigned keep);

/* Name a recording that begins at `when`: r->writing is the file to open.
 * 0, or -1 with why set when the name does not fit. */
int rotation_begin(struct rotation *r, time_t when, char *why, size_t len);

/* The recording begun last is complete and closed: a timed one takes its
 * final name, never over another file ("-1", "-2"... before the extension),
 * and the oldest of the pattern beyond keep go; with set_aside (a dump
 * without --rotate) -o moves to a name with the start time in it. 0, or -1
 * with why set (the file stays where it was written). */
int rotation_complete(struct rotation *r, int set_aside, char *why, size_t len);

/* A recording abandoned before it began (no target, interrupted): with
 * --rotate its hidden file goes, as nothing in it was complete. */
void rotation_discard(const struct rotation *r);

/* The name stamped with the time `when`: ".YYYYmmddTHHMMSS" before the
 * extension of path's last component (app.mojo.gz: app.20261205T161500
 * .mojo.gz). 0, or -1 when it does not fit. */
int rotation_stamped(const char *path, time_t when, char *out, size_t len);

#endif
