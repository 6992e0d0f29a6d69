/* Helpers that more than one unit-test suite needs.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "model_text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static void put_sample(FILE *f, const struct profile *p,
                       const struct profile_sample *s)
{
	const struct profile_stack *st = profile_stack_at(p, s->stack);
	const struct profile_thread *t = profile_thread_at(p, st->thread);
	fprintf(f, "%lld/%lld/%lld", (long long)t->pid, (long long)t->iid,
	        (long long)t->tid);
	for (uint32_t d = 0; d < st->depth; d++) {
		char label[256];
		profile_frame_label(p, profile_stack_frames(p, st)[d], label,
		                    sizeof label);
		fprintf(f, ";%s", label);
	}
	fprintf(f, " %llu %u %lld @%llu\n", (unsigned long long)s->time,
	        s->idle, (long long)s->memory, (unsigned long long)s->at_us);
}

char *model_text(const struct profile *p, int with_meta)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(f);
	if (with_meta) {
		fprintf(f, "mode %d\n", (int)p->mode);
		for (size_t i = 0; i < p->meta.n; i++) {
			const struct profile_meta *m =
			        (const struct profile_meta *)p->meta.items + i;
			fprintf(f, "%s=%s\n", m->key, m->value);
		}
	}
	for (size_t i = 0; i < p->samples.n; i++)
		put_sample(f, p, profile_sample_at(p, i));
	fclose(f);
	return text;
}

uint8_t *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", name);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	ck_assert_int_ge(size, 0);
	rewind(f);
	uint8_t *data = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(data);
	*len = fread(data, 1, (size_t)size, f);
	ck_assert_uint_eq(*len, (size_t)size);
	fclose(f);
	return data;
}
