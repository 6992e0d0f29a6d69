/* Thread states from held-open /proc/PID/task/TID/stat files.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The held TIDs live in a dense array, so that the end of a tick visits only
 * them, indexed by an open-addressing hash (linear probing, at most half
 * full, backward-shift deletion so that no tombstones build up). */
#include "tasks.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS      (2 * TASKS_MAX) /* a power of two */
#define SLOT_EMPTY 0

struct task {
	int64_t tid;
	int fd;
	uint32_t tick; /* the last tick the TID was asked about in */
};

struct tasks {
	pid_t pid;
	uint32_t tick;
	size_t count;
	struct task held[TASKS_MAX];
	uint16_t slots[SLOTS]; /* index into held plus one, or SLOT_EMPTY */
};

static size_t home_slot(int64_t tid)
{
	/* Fibonacci hashing: TIDs are often consecutive. */
	uint64_t h = (uint64_t)tid * UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 51) & (SLOTS - 1);
}

/* The slot holding tid, or the empty slot where it would go. */
static size_t find_slot(const struct tasks *t, int64_t tid)
{
	size_t s = home_slot(tid);
	while (t->slots[s] != SLOT_EMPTY && t->held[t->slots[s] - 1].tid != tid)
		s = (s + 1) & (SLOTS - 1);
	return s;
}

/* Is slot s cyclically in (empty, at]? */
static int between(size_t empty, size_t s, size_t at)
{
	return empty <= at ? empty < s && s <= at : empty < s || s <= at;
}

/* Empty slot s, then move back the entries after it that could not be found
 * from their home slot across an empty slot. */
static void clear_slot(struct tasks *t, size_t s)
{
	size_t empty = s;
	for (size_t at = (s + 1) & (SLOTS - 1); t->slots[at] != SLOT_EMPTY;
	     at = (at + 1) & (SLOTS - 1)) {
		size_t home = home_slot(t->held[t->slots[at] - 1].tid);
		if (between(empty, home, at))
			continue;
		t->slots[empty] = t->slots[at];
		empty = at;
	}
	t->slots[empty] = SLOT_EMPTY;
}

/* Close held[i] and forget it; the last entry takes its place. */
static void forget(struct tasks *t, size_t i)
{
	close(t->held[i].fd);
	clear_slot(t, find_slot(t, t->held[i].tid));
	size_t last = --t->count;
	if (i == last)
		return;
	t->held[i] = t->held[last];
	t->slots[find_slot(t, t->held[i].tid)] = (uint16_t)(i + 1);
}

/* Open the stat file of tid and hold it in slot s; its index, or -1. */
static int hold(struct tasks *t, size_t s, int64_t tid)
{
	if (t->count >= TASKS_MAX)
		return -1;
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/task/%lld/stat", (int)t->pid,
	         (long long)tid);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t i = t->count++;
	t->held[i] = (struct task){.tid = tid, .fd = fd};
	t->slots[s] = (uint16_t)(i + 1);
	return (int)i;
}

struct tasks *tasks_new(pid_t pid)
{
	struct tasks *t = calloc(1, sizeof *t);
	if (t)
		t->pid = pid;
	return t;
}

void tasks_free(struct tasks *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->count; i++)
		close(t->held[i].fd);
	free(t);
}

void tasks_begin_tick(struct tasks *t)
{
	t->tick++;
}

int tasks_idle(struct tasks *t, int64_t tid)
{
	if (tid <= 0 || tid > INT_MAX)
		return -1;
	size_t s = find_slot(t, tid);
	int i = t->slots[s] != SLOT_EMPTY ? t->slots[s] - 1 : hold(t, s, tid);
	if (i < 0)
		return -1;
	struct task *task = &t->held[i];
	task->tick = t->tick;
	/* "TID (comm) S": comm is at most 15 bytes for user threads. */
	char buf[256];
	ssize_t n = pread(task->fd, buf, sizeof buf, 0);
	int state = n > 0 ? tasks_parse_state(buf, (size_t)n) : -1;
	if (state < 0) {
		forget(t, (size_t)i);
		return -1;
	}
	return state != 'R';
}

void tasks_keep(struct tasks *t, int64_t tid)
{
	size_t s = find_slot(t, tid);
	if (t->slots[s] != SLOT_EMPTY)
		t->held[t->slots[s] - 1].tick = t->tick;
}

void tasks_end_tick(struct tasks *t)
{
	/* Downwards, so that the entry forget moves into i was already seen. */
	for (size_t i = t->count; i-- > 0;)
		if (t->held[i].tick != t->tick)
			forget(t, i);
}

size_t tasks_count(const struct tasks *t)
{
	return t->count;
}

int tasks_parse_state(const char *buf, size_t len)
{
	size_t i = len;
	while (i > 0 && buf[i - 1] != ')')
		i--;
	if (i == 0 || i + 1 >= len || buf[i] != ' ')
		return -1;
	/* Letters only, lower case included ('t' is a tracing stop). */
	unsigned char state = (unsigned char)buf[i + 1];
	int letter = (state >= 'A' && state <= 'Z') ||
	             (state >= 'a' && state <= 'z');
	return letter ? state : -1;
}
