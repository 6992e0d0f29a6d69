/* Following a service across restarts (--follow): once the process the
 * pidfile or pattern named is gone, look for the next one between ticks
 * and attach to it as soon as its Python runtime can be read.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_FOLLOW_H
#define AUSTINC_FOLLOW_H

#include <stdint.h>
#include <sys/types.h>

#include "finder.h"
#include "python/python.h"

/* How often a lost target is looked for. */
#define FOLLOW_POLL_US 100000

struct follower {
	struct finder finder;
	uint64_t timeout_us; /* -t: how long a new process may take to
	                      * start Python */
	pid_t trying;        /* the process found, not Python yet; or 0 */
	uint64_t trying_since_us;
	pid_t given_up; /* no Python within the timeout, or not to be read:
	                 * left be while it lives */
	char said[768]; /* the last note, said once */
};

/* With the options' pidfile or pattern; 0, or -1 after saying why. */
int follower_init(struct follower *f, const char *pidfile, const char *name,
                  uint64_t timeout_us);

/* One look for the next process. 1 with *pid and *py (the caller's now)
 * when it runs Python; 0 when there is none yet (what stands in the way is
 * noted once). Reads the process table: never in the tick. */
int follower_poll(struct follower *f, uint64_t now_us, pid_t *pid,
                  struct py_process **py);

void follower_free(struct follower *f);

#endif
