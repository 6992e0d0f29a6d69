/* Finding the process to sample by what names it when its PID changes: a
 * pidfile (--pidfile) or a pattern on command lines (--name).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_FINDER_H
#define AUSTINC_FINDER_H

#include <regex.h>
#include <stddef.h>
#include <sys/types.h>

enum find_result {
	FIND_OK,        /* *pid names the process */
	FIND_NONE,      /* nothing now: no match, no pidfile, a dead PID */
	FIND_AMBIGUOUS, /* several matches started in the same clock tick */
	FIND_BAD,       /* the pidfile cannot be read, or holds no PID */
};

struct finder {
	const char *pidfile; /* or NULL */
	const char *name;    /* the pattern as given, or NULL */
	regex_t pattern;     /* compiled, when name is set */
};

/* Find by pidfile, or else by name: a POSIX extended regular
 * expression matched against each process's command line (its arguments
 * joined by spaces, as pgrep -f does). Returns 0, or -1 after writing why
 * the pattern does not compile into why. */
int finder_init(struct finder *f, const char *pidfile, const char *name,
                char *why, size_t len);

/* The process named now. The pidfile's PID if that process lives; else the
 * oldest process whose command line matches, leaving out austinc itself and its
 * ancestors (whose command lines hold the pattern too), zombies and, under
 * privilege, other users' processes. why says what went wrong. Reads the
 * whole process table with a pattern: never call it in the tick. */
enum find_result finder_find(const struct finder *f, pid_t *pid, char *why,
                             size_t len);

/* What finds the process, for messages: "pidfile app.pid" or "name
 * 'gunicorn: master'". */
void finder_describe(const struct finder *f, char *out, size_t len);

void finder_free(struct finder *f);

#endif
