/* Batched read-ahead of remote memory.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "prefetch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define BATCH_IOVECS 1024 /* IOV_MAX on Linux */

int prefetch_init(struct prefetch *pf, const struct remote *remote)
{
	memset(pf, 0, sizeof *pf);
	pf->remote = remote;
	pf->arena = malloc(PREFETCH_ARENA_BYTES);
	return pf->arena ? 0 : -1;
}

void prefetch_free(struct prefetch *pf)
{
	free(pf->arena);
	pf->arena = NULL;
}

/* Read spans[from, to) with as few system calls as possible. The kernel
 * stops at the first element it cannot read and never splits one: mark the
 * ones before it read, skip it, and go on after it. */
static void read_spans(struct prefetch *pf, size_t from, size_t to)
{
	struct iovec local, remote[BATCH_IOVECS];
	while (from < to) {
		size_t n = to - from < BATCH_IOVECS ? to - from : BATCH_IOVECS;
		size_t total = 0;
		for (size_t i = 0; i < n; i++) {
			const struct prefetch_span *sp = &pf->spans[from + i];
			remote[i].iov_base = (void *)(uintptr_t)sp->lo;
			remote[i].iov_len = sp->hi - sp->lo;
			total += sp->hi - sp->lo;
		}
		local.iov_base = pf->arena + pf->spans[from].at;
		local.iov_len = total;
		ssize_t got = remote_readv(pf->remote, &local, remote, n);
		pf->batches++;
		if (got < 0 && errno == ESRCH) {
			pf->gone = 1;
			return; /* every span stays unread */
		}
		size_t done = 0, i = 0;
		for (; i < n && got > 0 &&
		       done + remote[i].iov_len <= (size_t)got;
		     i++) {
			pf->spans[from + i].ok = 1;
			done += remote[i].iov_len;
		}
		from += i + 1; /* skip the element that failed */
	}
}

static const struct prefetch_region *sort_base;

static int by_address(const void *a, const void *b)
{
	uint64_t x = sort_base[*(const uint32_t *)a].addr;
	uint64_t y = sort_base[*(const uint32_t *)b].addr;
	return x < y ? -1 : x > y;
}

/* A plan is a handful of regions per thread, and changes whenever a full
 * walk of the interpreters adds two and the next tick drops them: sorting
 * a few by insertion costs a fraction of a call to qsort. */
#define INSERTION_SORT_MAX 32

static void sort_by_address(struct prefetch *pf, size_t n)
{
	const struct prefetch_region *r = pf->regions;
	if (n > INSERTION_SORT_MAX) {
		sort_base = r;
		qsort(pf->order, n, sizeof pf->order[0], by_address);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint32_t item = pf->order[i];
		size_t j = i;
		for (; j > 0 && r[pf->order[j - 1]].addr > r[item].addr; j--)
			pf->order[j] = pf->order[j - 1];
		pf->order[j] = item;
	}
}

/* Group the planned regions, by address, into spans. */
static void make_spans(struct prefetch *pf)
{
	size_t n = pf->n_regions, at = 0;
	for (size_t i = 0; i < n; i++)
		pf->order[i] = (uint32_t)i;
	sort_by_address(pf, n);
	pf->n_spans = 0;
	for (size_t k = 0; k < n; k++) {
		const struct prefetch_region *r = &pf->regions[pf->order[k]];
		uint64_t end = r->addr + r->len;
		struct prefetch_span *last =
		        pf->n_spans ? &pf->spans[pf->n_spans - 1] : NULL;
		if (last && r->addr <= last->hi + PREFETCH_SPAN_GAP &&
		    end - last->lo <= PREFETCH_SPAN_BYTES) {
			if (end > last->hi) {
				at += end - last->hi;
				last->hi = end;
			}
		} else {
			last = &pf->spans[pf->n_spans++];
			*last = (struct prefetch_span){r->addr, end, at, 0};
			at += r->len;
		}
		pf->span_of[pf->order[k]] = (uint32_t)(pf->n_spans - 1);
	}
	pf->spans_bytes = at;
}

/* Is this tick's plan the one the spans were made for? Usually it is: the
 * stacks did not change shape, and sorting can be skipped. */
static int same_plan(const struct prefetch *pf)
{
	if (pf->n_plan != pf->n_spanned)
		return 0;
	for (size_t i = 0; i < pf->n_plan; i++)
		if (pf->plan[i].addr != pf->regions[i].addr ||
		    pf->plan[i].len != pf->regions[i].len)
			return 0;
	return 1;
}

void prefetch_begin(struct prefetch *pf)
{
	int reuse = same_plan(pf);
	pf->gone = 0;
	for (size_t i = 0; i < pf->n_plan; i++)
		pf->regions[i] = pf->plan[i];
	pf->n_regions = pf->n_plan;
	pf->n_plan = 0;
	pf->cursor = 0;
	if (pf->n_regions == 0) {
		pf->arena_used = pf->n_spanned = 0;
		return;
	}
	if (!reuse)
		make_spans(pf);
	pf->n_spanned = pf->n_regions;
	pf->arena_used = pf->spans_bytes;
	for (size_t i = 0; i < pf->n_spans; i++)
		pf->spans[i].ok = 0;
	read_spans(pf, 0, pf->n_spans);
	for (size_t i = 0; i < pf->n_regions; i++) {
		struct prefetch_region *r = &pf->regions[i];
		const struct prefetch_span *sp = &pf->spans[pf->span_of[i]];
		r->ok = (uint32_t)sp->ok;
		r->planned = 0;
		r->at = sp->at + (size_t)(r->addr - sp->lo);
	}
}

static void plan(struct prefetch *pf, struct prefetch_region *r)
{
	if (r->planned || pf->n_plan == PREFETCH_MAX_REGIONS)
		return;
	r->planned = 1;
	pf->plan[pf->n_plan++] = *r;
}

static int contains(const struct prefetch_region *r, uint64_t addr, size_t len)
{
	return r->ok && addr >= r->addr && addr - r->addr <= r->len &&
	       len <= r->len - (addr - r->addr);
}

/* Regions are mostly asked for in the order they were read: look from
 * where the last hit was. */
static struct prefetch_region *find(struct prefetch *pf, uint64_t addr,
                                    size_t len)
{
	size_t n = pf->n_regions, i = pf->cursor < n ? pf->cursor : 0;
	for (size_t k = 0; k < n; k++, i++) {
		if (i == n)
			i = 0;
		if (contains(&pf->regions[i], addr, len)) {
			pf->cursor = i;
			return &pf->regions[i];
		}
	}
	return NULL;
}

const uint8_t *prefetch_held(struct prefetch *pf, uint64_t addr, size_t len)
{
	struct prefetch_region *r = find(pf, addr, len);
	if (!r)
		return NULL;
	plan(pf, r);
	return pf->arena + r->at + (addr - r->addr);
}

const uint8_t *prefetch_read_new(struct prefetch *pf, uint64_t addr, size_t len)
{
	if (pf->n_regions == PREFETCH_MAX_REGIONS ||
	    len > PREFETCH_ARENA_BYTES - pf->arena_used || len > UINT32_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	struct prefetch_region *r = &pf->regions[pf->n_regions];
	*r = (struct prefetch_region){
	        .addr = addr, .len = (uint32_t)len, .at = pf->arena_used};
	if (remote_read(pf->remote, addr, pf->arena + r->at, len)) {
		pf->gone |= errno == ESRCH;
		return NULL;
	}
	r->ok = 1;
	pf->n_regions++;
	pf->arena_used += len;
	plan(pf, r);
	return pf->arena + r->at;
}

const uint8_t *prefetch_read(struct prefetch *pf, uint64_t addr, size_t len)
{
	const uint8_t *bytes = prefetch_held(pf, addr, len);
	return bytes ? bytes : prefetch_read_new(pf, addr, len);
}

void prefetch_plan(struct prefetch *pf, uint64_t addr, size_t len)
{
	if (pf->n_plan < PREFETCH_MAX_REGIONS && len <= UINT32_MAX)
		pf->plan[pf->n_plan++] = (struct prefetch_region){
		        .addr = addr, .len = (uint32_t)len};
}
