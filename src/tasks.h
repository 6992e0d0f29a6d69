/* Which threads of a process are running and which are idle.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Each thread's /proc/PID/task/TID/stat is opened the first time its TID is
 * asked about and kept open; one pread per thread per tick reads its state.
 * An fd refers to the thread it was opened for, so a TID reused by a new
 * thread is never confused with the old one: reads from the old fd fail. At
 * most TASKS_MAX TIDs are held; nothing is allocated after tasks_new. */
#ifndef AUSTINC_TASKS_H
#define AUSTINC_TASKS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TASKS_MAX 4096

struct tasks;

/* The threads of process pid; NULL when out of memory. */
struct tasks *tasks_new(pid_t pid);

/* Close every fd held and free t (NULL is fine). */
void tasks_free(struct tasks *t);

/* Start a tick: no TID has been asked about yet. */
void tasks_begin_tick(struct tasks *t);

/* 1 when thread tid is idle, 0 when it is running (state 'R'), -1 when its
 * state is unknown: the thread is gone (its fd is then closed and the TID
 * forgotten), or TASKS_MAX TIDs are already held. */
int tasks_idle(struct tasks *t, int64_t tid);

/* Keep thread tid's fd, if one is held, through this tick's end without
 * reading its state: the caller knows the thread is running. */
void tasks_keep(struct tasks *t, int64_t tid);

/* End a tick: close the fds of the TIDs not asked about since
 * tasks_begin_tick, whose threads are taken to be gone. */
void tasks_end_tick(struct tasks *t);

/* How many TIDs are held. */
size_t tasks_count(const struct tasks *t);

/* The state letter of a /proc stat line ("TID (comm) S ..."), found after the
 * last ')' since comm may hold spaces and parentheses; -1 if there is none. */
int tasks_parse_state(const char *buf, size_t len);

#endif
