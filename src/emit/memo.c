/* What each thread's last sample wrote.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "emit/memo.h"

#include <stdlib.h>

int memo_init(struct memo *m)
{
	/* Pages of lines never used are never touched: calloc'd memory costs
	 * no RSS until written. */
	m->lines = calloc(MEMO_SLOTS, sizeof *m->lines);
	return m->lines ? 0 : -1;
}

void memo_free(struct memo *m)
{
	free(m->lines);
	m->lines = NULL;
}

struct memo_line *memo_line_for(struct memo *m, const struct sample *sample)
{
	uint64_t key = (uint64_t)sample->tid ^ (uint64_t)sample->pid << 20 ^
	               (uint64_t)sample->iid << 40;
	size_t slot =
	        (size_t)(key * 0x9e3779b97f4a7c15ull >> 32) & (MEMO_SLOTS - 1);
	struct memo_line *l = &m->lines[slot];
	if (!l->used || l->pid != sample->pid || l->iid != sample->iid ||
	    l->tid != sample->tid) {
		l->pid = sample->pid;
		l->iid = sample->iid;
		l->tid = sample->tid;
		l->used = 0;
		l->depth = 0;
		l->end[0] = 0;
	}
	return l;
}

uint32_t memo_keep_common(struct memo_line *l, const struct stack *stack)
{
	uint32_t n = l->depth < stack->depth ? l->depth : stack->depth;
	uint32_t i = 0;
	/* Frames without a code id (INVALID ones) are never held. */
	for (; i < n; i++) {
		const struct frame *f = &stack->frames[stack->depth - 1 - i];
		if (f->code_id != l->code_id[i] || f->line != l->line[i])
			break;
	}
	l->depth = i;
	return i;
}
