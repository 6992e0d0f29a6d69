/* The marks of a followed service (attach, exit) as a few lines of text
 * at the head of the text views.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>

#include "report/views.h"

/* A service restarting all day would push the view off the screen: the
 * first ones, then a count. */
#define MARK_LINES 10

static void put_mark(const struct profile *p, const struct profile_mark *m,
                     FILE *out)
{
	char at[32];
	view_format_value(METRIC_WALL, m->t_us, at, sizeof at);
	if (m->kind == MARK_DETACH) {
		fprintf(out, "lost PID %lld at %s\n", (long long)m->pid, at);
		return;
	}
	const char *python = profile_str(p, m->python);
	fprintf(out, "attached to PID %lld at %s", (long long)m->pid, at);
	if (*python)
		fprintf(out, " (python %s)", python);
	putc('\n', out);
}

void view_put_marks(const struct profile *p, FILE *out)
{
	size_t n = p->marks.n;
	for (size_t i = 0; i < n && i < MARK_LINES; i++)
		put_mark(p, profile_mark_at(p, i), out);
	if (n > MARK_LINES)
		fprintf(out, "… and %zu more attach and exit events\n",
		        n - MARK_LINES);
	if (n)
		putc('\n', out);
}
