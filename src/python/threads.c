/* Walking interpreters and their threads.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/threads.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

/* glibc's offsetof(struct pthread, tid) on x86-64, used when the scan below
 * finds nothing better. */
#define GLIBC_PTHREAD_TID_OFFSET 0x2d0
#define PTHREAD_SCAN_BYTES       2048
#define MAX_TASKS                1024

static uint32_t read_size(uint32_t size, const uint32_t *offsets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (offsets[i] != LAYOUT_NONE && offsets[i] + 8 > size)
			size = offsets[i] + 8;
	return size;
}

static void compute_read_sizes(struct py_process *p)
{
	const struct py_layout *L = &p->runtime.layout;
	const uint32_t interp[] = {L->interp.next, L->interp.tstate_head,
	                           L->interp.id};
	/* prev and interp check the roster (src/python/roster.h);
	 * tstate.state: who runs, in free-threaded builds. */
	const uint32_t tstate[] = {L->tstate.prev,
	                           L->tstate.next,
	                           L->tstate.interp,
	                           L->tstate.frame,
	                           L->tstate.thread_id,
	                           L->tstate.native_thread_id,
	                           L->tstate.datastack_chunk,
	                           L->tstate.state};
	/* 3.13 keeps them some 7 KiB into the struct: read just that part. */
	p->interp_read_from = interp[0];
	for (size_t i = 1; i < 3; i++)
		if (interp[i] < p->interp_read_from)
			p->interp_read_from = interp[i];
	p->interp_read_size = read_size(0, interp, 3) - p->interp_read_from;
	p->tstate_read_size =
	        read_size(0, tstate, sizeof tstate / sizeof tstate[0]);
}

static int read_tids(pid_t pid, int32_t *tids, size_t max)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/task", (int)pid);
	DIR *dir = opendir(name);
	if (!dir)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dir)) && (size_t)n < max)
		if (e->d_name[0] != '.')
			tids[n++] = (int32_t)atoi(e->d_name);
	closedir(dir);
	return n;
}

static int is_tid(int32_t v, const int32_t *tids, int n)
{
	for (int i = 0; i < n; i++)
		if (tids[i] == v)
			return 1;
	return 0;
}

/* Find where glibc's struct pthread holds the TID: scan the pthread struct
 * of the first thread states for a word equal to one of the process's
 * TIDs. */
static uint32_t find_pthread_tid_offset(struct py_process *p)
{
	const struct py_layout *L = &p->runtime.layout;
	static int32_t tids[MAX_TASKS];
	int n = read_tids(p->pid, tids, MAX_TASKS);
	uint64_t interp = 0, tstate = 0;
	remote_read(&p->remote, p->runtime.addr + L->runtime.interp_head,
	            &interp, sizeof interp);
	if (interp)
		remote_read(&p->remote, interp + L->interp.tstate_head, &tstate,
		            sizeof tstate);
	for (int t = 0; t < 16 && remote_plausible(tstate); t++) {
		uint8_t pthread[PTHREAD_SCAN_BYTES];
		uint64_t handle = 0;
		if (remote_read(&p->remote, tstate + L->tstate.thread_id,
		                &handle, sizeof handle) ||
		    !remote_plausible(handle) ||
		    remote_read(&p->remote, handle, pthread, sizeof pthread))
			break;
		for (uint32_t off = 0; off < sizeof pthread; off += 4) {
			int32_t v;
			memcpy(&v, pthread + off, sizeof v);
			if (v > 0 && is_tid(v, tids, n))
				return off;
		}
		if (remote_read(&p->remote, tstate + L->tstate.next, &tstate,
		                sizeof tstate))
			break;
	}
	return GLIBC_PTHREAD_TID_OFFSET;
}

static int64_t thread_tid(struct py_process *p, const uint8_t *tstate)
{
	const struct py_layout *L = &p->runtime.layout;
	if (L->tstate.native_thread_id != LAYOUT_NONE)
		return (int64_t)load_u64(tstate, L->tstate.native_thread_id);
	int32_t tid = 0;
	uint64_t handle = load_u64(tstate, L->tstate.thread_id);
	const uint8_t *at = NULL;
	if (remote_plausible(handle))
		at = prefetch_read(&p->prefetch, handle + p->pthread_tid_offset,
		                   sizeof tid);
	if (at)
		memcpy(&tid, at, sizeof tid);
	return tid;
}

/* A word of remote memory read through this tick's read-ahead; 0 when it
 * cannot be read. */
static uint64_t read_word(struct py_process *p, uint64_t addr, size_t len)
{
	uint64_t value = 0;
	const uint8_t *at = remote_plausible(addr)
	                            ? prefetch_read(&p->prefetch, addr, len)
	                            : NULL;
	if (at)
		memcpy(&value, at, len);
	return value;
}

/* An interpreter's GIL at this tick. */
struct gil_state {
	uint64_t holder; /* the thread state that took it last; 0: unknown */
	int locked;      /* it is held now (by holder) */
};

/* The process's one GIL (up to 3.11). 2.7 and 3.6 name only the thread
 * that holds it now (NULL while it is free): the last one seen stands in
 * as the holder meanwhile. */
static struct gil_state process_gil(struct py_process *p)
{
	uint64_t now = read_word(p, p->runtime.gil_holder_at, 8);
	if (now)
		p->last_gil_holder = now;
	struct gil_state g = {.holder = p->last_gil_holder, .locked = now != 0};
	if (p->runtime.gil_locked_at)
		g.locked = (uint32_t)read_word(p, p->runtime.gil_locked_at, 4);
	return g;
}

/* The GIL at gil (3.12+): each interpreter's own, which its ceval.gil
 * points to. */
static struct gil_state interp_gil(struct py_process *p, uint64_t gil)
{
	const struct py_layout *L = &p->runtime.layout;
	struct gil_state g = {0, 0};
	if (!gil || L->gil.last_holder == LAYOUT_NONE)
		return g;
	g.holder = read_word(p, gil + L->gil.last_holder, 8);
	if (L->gil.locked != LAYOUT_NONE)
		g.locked = (uint32_t)read_word(p, gil + L->gil.locked, 4);
	return g;
}

/* Is the interpreter's collector running? It says so in one flag for the
 * whole process up to 3.8, in each interpreter after. */
static int gc_collecting(struct py_process *p, uint64_t interp)
{
	const struct py_layout *L = &p->runtime.layout;
	uint64_t at = p->runtime.gc_collecting_at;
	if (!at && L->interp.gc_collecting != LAYOUT_NONE)
		at = interp + L->interp.gc_collecting;
	return at && (uint32_t)read_word(p, at, 4) != 0;
}

/* What one interpreter's threads need to know at this tick. */
struct interp_tick {
	struct gil_state gil;
	int collecting;
};

/* The GIL of the interpreter at this tick, if want asks for it. */
static struct gil_state tick_gil(struct py_process *p, unsigned want,
                                 const struct roster_interp *ri)
{
	struct gil_state none = {0, 0};
	if (!(want & PY_WANT_GIL))
		return none;
	/* The process's one thread took the GIL last: no need to read it,
	 * unless whether it holds it now matters. */
	if (!(want & PY_WANT_RUNNING) && p->roster.n_tstates == 1 &&
	    ri->count == 1) {
		struct gil_state only = {p->roster.tstates[ri->first], 0};
		return only;
	}
	return p->runtime.gil_holder_at ? process_gil(p)
	                                : interp_gil(p, ri->gil);
}

static struct interp_tick read_interp_tick(struct py_process *p, unsigned want,
                                           const struct roster_interp *ri)
{
	struct interp_tick it = {tick_gil(p, want, ri), 0};
	it.collecting = (want & PY_WANT_GC) && gc_collecting(p, ri->addr);
	return it;
}

/* A thread state through this tick's read-ahead; NULL when it cannot be
 * read (res says whether the process is gone). */
static const uint8_t *read_tstate(struct py_process *p, uint64_t tstate,
                                  struct py_sample_result *res)
{
	const uint8_t *ts = remote_plausible(tstate)
	                            ? prefetch_read(&p->prefetch, tstate,
	                                            p->tstate_read_size)
	                            : NULL;
	if (!ts)
		res->gone |= prefetch_gone(&p->prefetch);
	return ts;
}

/* A stack that could not be read may have changed under the walk: a deep
 * recursion coming back returns from its frames faster than a walk that
 * starts at the tick's copy of the thread state (and takes frames from the
 * batch read before it) reaches them, and it runs into freed memory
 * (0.5 to 12 % of the samples of a 50,000-frame recursion on 2.7 to 3.10
 * were errors). Once more from a fresh copy, every frame read now. */
static int unwind_again(struct py_process *p, uint64_t tstate, int problems)
{
	if (remote_read(&p->remote, tstate, p->tstate_again,
	                p->tstate_read_size))
		return problems;
	return unwind_thread_afresh(&p->unwinder, p->tstate_again, &p->stack);
}

/* Sample one thread state of an interpreter. */
static void sample_thread(struct py_process *p, const struct roster_interp *ri,
                          const struct interp_tick *it, const uint8_t *ts,
                          uint64_t tstate, py_thread_fn fn, void *ctx,
                          struct py_sample_result *res)
{
	const struct py_layout *L = &p->runtime.layout;
	struct py_thread thread = {.iid = ri->iid,
	                           .tid = thread_tid(p, ts),
	                           .holds_gil = tstate == it->gil.holder};
	thread.holds_gil_now = thread.holds_gil && it->gil.locked;
	/* Free-threaded builds have no GIL holder: the threads attached to
	 * the interpreter are the ones running. */
	if (L->free_threaded)
		thread.holds_gil = thread.holds_gil_now =
		        layout_thread_attached(L, ts);
	thread.in_gc = thread.holds_gil && it->collecting;
	if (thread.tid == 0)
		return; /* a thread state not running yet */
	int problems = unwind_thread(&p->unwinder, ts, &p->stack);
	if (problems)
		problems = unwind_again(p, tstate, problems);
	thread.bad_stack = problems > 0;
	fn(ctx, &thread, &p->stack);
	code_reader_end_sample(&p->code);
	res->threads++;
	res->errors += thread.bad_stack;
}

/* Sample every thread state of the roster, read at this tick. */
static void sample_roster(struct py_process *p, unsigned want, py_thread_fn fn,
                          void *ctx, struct py_sample_result *res)
{
	const struct roster *r = &p->roster;
	for (uint32_t i = 0; i < r->n_interps; i++) {
		const struct roster_interp *ri = &r->interps[i];
		struct interp_tick it = read_interp_tick(p, want, ri);
		for (uint32_t k = ri->first; k < ri->first + ri->count; k++)
			sample_thread(p, ri, &it, p->tstates_read[k],
			              r->tstates[k], fn, ctx, res);
	}
}

/* Does every thread state of the roster still link as it did? They are
 * all read (with their frames, in the batch this tick's read-ahead
 * planned) before any is sampled. */
static int roster_holds(struct py_process *p, struct py_sample_result *res)
{
	const struct py_layout *L = &p->runtime.layout;
	const struct roster *r = &p->roster;
	for (uint32_t i = 0; i < r->n_interps; i++) {
		const struct roster_interp *ri = &r->interps[i];
		for (uint32_t j = 0; j < ri->count; j++) {
			uint32_t k = ri->first + j;
			const uint8_t *ts = read_tstate(p, r->tstates[k], res);
			if (!ts ||
			    !roster_links_hold(r, ri, j,
			                       load_u64(ts, L->tstate.prev),
			                       load_u64(ts, L->tstate.next),
			                       load_u64(ts, L->tstate.interp)))
				return 0;
			p->tstates_read[k] = ts;
		}
	}
	return 1;
}

/* The interpreter's id; versions without one (2.7, 3.6) count from the
 * main interpreter, the last of the list, as 0, which is what their
 * successors' ids would say for interpreters created one after another. */
static int64_t interp_id(const struct py_process *p, size_t index, size_t n)
{
	const struct py_layout *L = &p->runtime.layout;
	if (L->interp.id == LAYOUT_NONE)
		return (int64_t)(n - 1 - index);
	return (int64_t)load_u64(p->interps[index].state,
	                         L->interp.id - p->interp_read_from);
}

/* Read this tick's list of interpreters into p->interps; returns how many
 * were read. An unreadable link ends the list and counts as an error. */
static size_t read_interpreters(struct py_process *p, uint64_t interp,
                                struct py_sample_result *res)
{
	const struct py_layout *L = &p->runtime.layout;
	struct cycle_check cycle;
	size_t n = 0;
	cycle_init(&cycle);
	while (interp && n < MAX_INTERPRETERS) {
		const uint8_t *is = NULL;
		if (remote_plausible(interp) && !cycle_seen(&cycle, interp))
			is = prefetch_read(&p->prefetch,
			                   interp + p->interp_read_from,
			                   p->interp_read_size);
		if (!is) {
			res->gone |= prefetch_gone(&p->prefetch);
			res->errors++;
			break;
		}
		p->interps[n++] = (struct interp_seen){interp, is};
		interp = load_u64(is, L->interp.next - p->interp_read_from);
	}
	return n;
}

/* Add the thread states of interpreter i to the roster; returns 0 when its
 * list could be read to the end. */
static int walk_threads(struct py_process *p, size_t i,
                        struct py_sample_result *res)
{
	const struct py_layout *L = &p->runtime.layout;
	uint64_t tstate = load_u64(p->interps[i].state,
	                           L->interp.tstate_head - p->interp_read_from);
	struct cycle_check cycle;
	cycle_init(&cycle);
	while (tstate) {
		const uint8_t *ts = cycle_seen(&cycle, tstate)
		                            ? NULL
		                            : read_tstate(p, tstate, res);
		if (!ts) {
			res->errors++;
			return -1;
		}
		if (roster_add_tstate(&p->roster, tstate))
			return -1; /* more threads than are sampled */
		p->tstates_read[p->roster.n_tstates - 1] = ts;
		tstate = load_u64(ts, L->tstate.next);
	}
	return 0;
}

/* A full walk: the runtime's interpreters and their thread states, into
 * the roster. It can be trusted when every list was read to its end. */
static void walk_lists(struct py_process *p, unsigned want, uint64_t now_us,
                       struct py_sample_result *res)
{
	const struct py_layout *L = &p->runtime.layout;
	roster_start(&p->roster, now_us);
	const uint8_t *head = prefetch_read(
	        &p->prefetch, p->runtime.addr + L->runtime.interp_head, 8);
	if (!head) {
		res->gone = prefetch_gone(&p->prefetch);
		res->errors = !res->gone;
		return;
	}
	int errors = res->errors;
	size_t n = read_interpreters(p, load_u64(head, 0), res);
	int complete = res->errors == errors;
	for (size_t i = 0; i < n && !res->gone; i++) {
		uint64_t addr = p->interps[i].addr, gil = 0;
		if ((want & PY_WANT_GIL) && L->interp.gil != LAYOUT_NONE)
			gil = read_word(p, addr + L->interp.gil, 8);
		if (!roster_add_interp(&p->roster, addr, interp_id(p, i, n),
		                       gil)) {
			complete = 0;
			break;
		}
		/* An empty list gains its first thread without a thread
		 * state of the roster changing: walk again until it has one. */
		complete &=
		        walk_threads(p, i, res) == 0 &&
		        p->roster.interps[p->roster.n_interps - 1].count > 0;
	}
	p->roster.complete = complete && L->tstate.prev != LAYOUT_NONE;
}

int threads_init(struct py_process *p)
{
	compute_read_sizes(p);
	p->tstate_again = malloc(p->tstate_read_size);
	if (!p->tstate_again)
		return -1;
	if (p->runtime.layout.tstate.native_thread_id == LAYOUT_NONE)
		p->pthread_tid_offset = find_pthread_tid_offset(p);
	return 0;
}

void threads_sample(struct py_process *p, unsigned want, uint64_t now,
                    py_thread_fn fn, void *ctx, struct py_sample_result *res)
{
	if (!roster_trusted(&p->roster, now) || !roster_holds(p, res))
		walk_lists(p, want, now, res);
	if (!res->gone)
		sample_roster(p, want, fn, ctx, res);
	/* A thread that could not be read may have ended: look again. */
	if (res->errors)
		roster_distrust(&p->roster);
}
