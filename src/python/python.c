/* The python layer's entry points (python.h): attach, describe, sample.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/python.h"

#include <stdio.h>
#include <stdlib.h>

#include "python/threads.h"
#include "timeutil.h"

static enum py_status no_memory(char *why, size_t why_len)
{
	snprintf(why, why_len, "out of memory");
	return PY_NO_MEMORY;
}

static void describe(struct py_process *p)
{
	const struct py_runtime *rt = &p->runtime;
	const char *shape = rt->shared ? "shared" : "static";
	if (rt->has_micro)
		snprintf(p->description, sizeof p->description, "%u.%u.%u (%s)",
		         rt->major, rt->minor, rt->micro, shape);
	else
		snprintf(p->description, sizeof p->description, "%u.%u (%s)",
		         rt->major, rt->minor, shape);
}

enum py_status py_attach_runtime(pid_t pid, const struct remote *remote,
                                 const struct py_runtime *rt,
                                 struct py_process **out, char *why,
                                 size_t why_len)
{
	struct py_process *p = calloc(1, sizeof *p);
	if (!p)
		return no_memory(why, why_len);
	p->pid = pid;
	p->remote = *remote;
	p->runtime = *rt;
	if (code_reader_init(&p->code, &p->remote, &p->runtime.layout,
	                     &p->runtime.types)) {
		free(p);
		return no_memory(why, why_len);
	}
	/* From here py_detach() frees what was made (it takes zeroed parts). */
	int failed = prefetch_init(&p->prefetch, &p->remote) ||
	             unwinder_init(&p->unwinder, &p->prefetch,
	                           &p->runtime.layout, &p->code);
	if (failed || threads_init(p)) {
		py_detach(p);
		return no_memory(why, why_len);
	}
	describe(p);
	*out = p;
	return PY_FOUND;
}

enum py_status py_attach(pid_t pid, struct py_process **out, char *why,
                         size_t why_len)
{
	struct remote remote;
	struct py_runtime rt;
	remote_init(&remote, pid);
	enum py_status st = runtime_find(pid, &remote, &rt, why, why_len);
	if (st != PY_FOUND)
		return st;
	return py_attach_runtime(pid, &remote, &rt, out, why, why_len);
}

void py_detach(struct py_process *p)
{
	if (!p)
		return;
	unwinder_free(&p->unwinder);
	prefetch_free(&p->prefetch);
	free(p->tstate_again);
	code_reader_free(&p->code);
	free(p);
}

const char *py_description(const struct py_process *p)
{
	return p->description;
}

struct py_sample_result py_sample(struct py_process *p, unsigned want,
                                  py_thread_fn fn, void *ctx)
{
	return py_sample_at(p, want, now_us(), fn, ctx);
}

struct py_sample_result py_sample_at(struct py_process *p, unsigned want,
                                     uint64_t now, py_thread_fn fn, void *ctx)
{
	struct py_sample_result res = {0};
	if (want & (PY_WANT_GC | PY_WANT_RUNNING))
		want |= PY_WANT_GIL; /* both are about the GIL's holder */
	code_reader_new_tick(&p->code, now);
	prefetch_begin(&p->prefetch);
	unwinder_new_tick(&p->unwinder);
	threads_sample(p, want, now, fn, ctx, &res);
	return res;
}
