/* Attribution (attribution.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "attribution.h"

#include "cache.h"
#include "procfs.h"
#include "tasks.h"

#define THREAD_CLOCKS 4096

int attribution_init(struct attribution *a, enum metric_kind metric,
                     int sleepless, struct stats *stats)
{
	*a = (struct attribution){
	        .metric = metric, .sleepless = sleepless, .stats = stats};
	a->clocks = cache_new(THREAD_CLOCKS);
	return a->clocks ? 0 : -1;
}

void attribution_free(struct attribution *a)
{
	cache_free(a->clocks, NULL);
	a->clocks = NULL;
}

void attribution_start(struct attribution *a, pid_t root, uint64_t now_us)
{
	a->root = root;
	a->previous_tick_us = now_us;
}

void attribution_begin_tick(struct attribution *a, uint64_t tick_us)
{
	a->tick_us = tick_us;
	a->tick_gc = 0;
}

void attribution_end_tick(struct attribution *a)
{
	a->stats->gc_samples += (uint64_t)a->tick_gc;
	a->previous_tick_us = a->tick_us;
}

void attribution_begin_process(struct attribution *a, struct tracked *p)
{
	a->current = p;
	a->rss_delta = 0;
	if (p->statm_fd < 0)
		return;
	/* A process that has exited but not been reaped reads 0. */
	int64_t rss = procfs_rss_bytes(p->statm_fd);
	if (rss > 0) {
		p->rss = rss;
		if (p->pid == a->root)
			stats_add_root_rss(a->stats, rss);
	}
	a->rss_delta = p->rss - p->charged_rss;
}

/* Microseconds to charge thread state (iid, tid) for this tick. */
static uint64_t thread_elapsed(struct attribution *a, int64_t iid, int64_t tid)
{
	/* Linux TIDs (never 0 here) fit in 32 bits: the interpreter id goes
	 * above them. The value stored is the time, which is never 0 either. */
	uint64_t key = ((uint64_t)iid << 32) ^ (uint64_t)tid;
	uintptr_t last = (uintptr_t)cache_get(a->clocks, key);
	cache_put(a->clocks, key, (void *)(uintptr_t)a->tick_us);
	return a->tick_us - (last ? last : a->previous_tick_us);
}

/* Memory goes to the GIL holder's line only, once per process and tick. */
static int64_t take_rss_delta(struct attribution *a, const struct py_thread *t)
{
	int64_t delta = a->rss_delta;
	if (!t->holds_gil || a->metric == LINE_TIME)
		return 0;
	a->rss_delta = 0;
	a->current->charged_rss = a->current->rss;
	stats_add_rss_delta(a->stats, delta);
	if (a->current->pid == a->root)
		stats_root_rss_charged(a->stats, a->current->charged_rss);
	return delta;
}

/* Is the thread idle: not running in the kernel's eyes? The thread that
 * holds the GIL at this tick runs Python code, which saves reading its
 * state (/proc/PID/task/TID/stat costs about as much as the rest of a
 * sample); the others are read. */
static int is_idle(struct tasks *tasks, const struct py_thread *t)
{
	if (t->holds_gil_now) {
		tasks_keep(tasks, t->tid);
		return 0;
	}
	return tasks_idle(tasks, t->tid) == 1;
}

int attribution_charge(struct attribution *a, const struct py_thread *t,
                       const struct stack *stack, struct sample *sm)
{
	struct tracked *p = a->current;
	*sm = (struct sample){.pid = p->pid,
	                      .iid = t->iid,
	                      .tid = t->tid,
	                      .stack = stack,
	                      .gc = t->in_gc};
	sm->idle = p->tasks && is_idle(p->tasks, t);
	sm->rss_delta = take_rss_delta(a, t);
	a->tick_gc |= t->in_gc;
	a->stats->thread_samples++;
	a->stats->stack_errors += (uint64_t)t->bad_stack;
	a->stats->idle_samples += (uint64_t)sm->idle;
	if (a->metric == LINE_MEMORY)
		return sm->rss_delta != 0;
	sm->time_us = thread_elapsed(a, t->iid, t->tid);
	/* -s: time mode only (options settle the modes) */
	return !(a->sleepless && sm->idle);
}
