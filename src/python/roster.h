/* The interpreters and thread states of a process, as the last full walk of
 * its lists found them.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A full walk reads the runtime's list head, every interpreter and every
 * thread state. On 3.11+ the first two are two remote pages of their own,
 * which cost about as much again as the thread state and its frames. So
 * between walks a tick reads the roster's thread states alone (and their
 * frames), and trusts the roster while each still links to the same
 * neighbours and interpreter. CPython adds a thread state at the head of
 * its interpreter's list, which sets the old head's prev, and unlinks one by
 * relinking its neighbours: either shows at the next tick. A new
 * interpreter changes no thread state, so a full walk at least every
 * ROSTER_MAX_AGE_US finds it. 2.7's thread states have no prev: there every
 * tick walks. */
#ifndef AUSTINC_PYTHON_ROSTER_H
#define AUSTINC_PYTHON_ROSTER_H

#include <stdint.h>

#define MAX_INTERPRETERS  256
#define MAX_THREADS       4096 /* thread states per process and tick */
#define ROSTER_MAX_AGE_US 10000

struct roster_interp {
	uint64_t addr;
	int64_t iid;
	uint64_t gil;          /* its GIL (3.12+, when wanted); 0: none */
	uint32_t first, count; /* its thread states, from tstates[first] */
};

struct roster {
	int complete;      /* every list was read to its end */
	uint64_t taken_us; /* when */
	uint32_t n_interps, n_tstates;
	struct roster_interp interps[MAX_INTERPRETERS];
	uint64_t tstates[MAX_THREADS];
};

/* Start a new walk at now_us. */
void roster_start(struct roster *r, uint64_t now_us);

/* Add an interpreter; NULL when the roster is full. */
struct roster_interp *roster_add_interp(struct roster *r, uint64_t addr,
                                        int64_t iid, uint64_t gil);

/* Add a thread state to the last interpreter added; -1 when full. */
int roster_add_tstate(struct roster *r, uint64_t tstate);

/* May a tick at now_us read the roster's thread states alone? */
int roster_trusted(const struct roster *r, uint64_t now_us);

/* Does the j-th thread state of ri still link as it did, with the prev,
 * next and interp pointers read from it now? */
int roster_links_hold(const struct roster *r, const struct roster_interp *ri,
                      uint32_t j, uint64_t prev, uint64_t next,
                      uint64_t interp);

/* Walk again at the next tick. */
void roster_distrust(struct roster *r);

#endif
