/* Following a service across restarts (follow.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "follow.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "privilege.h"

int follower_init(struct follower *f, const char *pidfile, const char *name,
                  uint64_t timeout_us)
{
	char why[256];
	memset(f, 0, sizeof *f);
	f->timeout_us = timeout_us;
	if (finder_init(&f->finder, pidfile, name, why, sizeof why) == 0)
		return 0;
	log_error("%s", why);
	return -1;
}

void follower_free(struct follower *f)
{
	finder_free(&f->finder);
}

/* Note why, unless it was the last thing noted. */
static void note_once(struct follower *f, const char *why)
{
	if (strcmp(f->said, why) == 0)
		return;
	snprintf(f->said, sizeof f->said, "%s", why);
	log_note("%s", why);
}

/* Leave pid be while it lives, saying why. */
static void give_up(struct follower *f, pid_t pid, const char *why)
{
	f->given_up = pid;
	f->trying = 0;
	note_once(f, why);
}

/* Try pid, found at now_us: 1 when its runtime can be read. */
static int try_process(struct follower *f, pid_t pid, uint64_t now_us,
                       struct py_process **py)
{
	char why[512];
	if (pid != f->trying) {
		f->trying = pid;
		f->trying_since_us = now_us;
	}
	if (privilege_admit(pid, NULL, why, sizeof why) == PRIVILEGE_REFUSED) {
		give_up(f, pid, why);
		return 0;
	}
	enum py_status st = py_attach(pid, py, why, sizeof why);
	if (st == PY_FOUND) {
		f->trying = 0;
		f->said[0] = '\0';
		return 1;
	}
	if (st == PY_DENIED || st == PY_UNSUPPORTED) {
		give_up(f, pid, why);
	} else if ((st == PY_NOT_YET || st == PY_STARTING) &&
	           now_us - f->trying_since_us >= f->timeout_us) {
		char said[700];
		snprintf(said, sizeof said,
		         "process %d is not a Python process (%s): waiting for "
		         "the next",
		         (int)pid, why);
		give_up(f, pid, said);
	} else if (st == PY_NO_MEMORY) {
		note_once(f, why); /* tried again at the next poll */
	}
	return 0;
}

int follower_poll(struct follower *f, uint64_t now_us, pid_t *pid,
                  struct py_process **py)
{
	char why[512];
	pid_t found;
	enum find_result r = finder_find(&f->finder, &found, why, sizeof why);
	if (r != FIND_OK) {
		if (r != FIND_NONE)
			note_once(f, why);
		return 0;
	}
	if (found == f->given_up)
		return 0;
	if (!try_process(f, found, now_us, py))
		return 0;
	*pid = found;
	return 1;
}
