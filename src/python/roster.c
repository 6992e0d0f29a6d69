/* The interpreters and thread states of a process between full walks.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/roster.h"

#include <stddef.h>

void roster_start(struct roster *r, uint64_t now_us)
{
	r->complete = 0;
	r->taken_us = now_us;
	r->n_interps = r->n_tstates = 0;
}

struct roster_interp *roster_add_interp(struct roster *r, uint64_t addr,
                                        int64_t iid, uint64_t gil)
{
	if (r->n_interps == MAX_INTERPRETERS)
		return NULL;
	struct roster_interp *ri = &r->interps[r->n_interps++];
	*ri = (struct roster_interp){addr, iid, gil, r->n_tstates, 0};
	return ri;
}

int roster_add_tstate(struct roster *r, uint64_t tstate)
{
	if (r->n_interps == 0 || r->n_tstates == MAX_THREADS)
		return -1;
	r->tstates[r->n_tstates++] = tstate;
	r->interps[r->n_interps - 1].count++;
	return 0;
}

int roster_trusted(const struct roster *r, uint64_t now_us)
{
	return r->complete && now_us >= r->taken_us &&
	       now_us - r->taken_us < ROSTER_MAX_AGE_US;
}

int roster_links_hold(const struct roster *r, const struct roster_interp *ri,
                      uint32_t j, uint64_t prev, uint64_t next, uint64_t interp)
{
	const uint64_t *t = &r->tstates[ri->first];
	uint64_t was_prev = j > 0 ? t[j - 1] : 0;
	uint64_t was_next = j + 1 < ri->count ? t[j + 1] : 0;
	return prev == was_prev && next == was_next && interp == ri->addr;
}

void roster_distrust(struct roster *r)
{
	r->complete = 0;
}
