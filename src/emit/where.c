/* The where view.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "emit/where.h"

#include <inttypes.h>

#define BOLD   "\033[1m"
#define DIM    "\033[2m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define RESET  "\033[0m"

/* An ANSI sequence, or nothing without colours. */
static const char *ansi(int colour, const char *sequence)
{
	return colour ? sequence : "";
}

void where_process(FILE *out, int colour, pid_t pid, const char *description)
{
	fprintf(out, "%sProcess %d%s: Python %s\n", ansi(colour, BOLD),
	        (int)pid, ansi(colour, RESET), description);
}

static void put_frame(FILE *out, int colour, const struct frame *f)
{
	if (f->kind == FRAME_INVALID) {
		fprintf(out, "    %s<frame not readable>%s\n",
		        ansi(colour, DIM), ansi(colour, RESET));
		return;
	}
	if (f->kind == FRAME_LEFT_OUT) {
		fprintf(out, "    %s%s%s\n", ansi(colour, DIM), f->name,
		        ansi(colour, RESET));
		return;
	}
	fprintf(out, "    %s%s:%d%s %s%s%s\n", ansi(colour, DIM), f->file,
	        f->line, ansi(colour, RESET), ansi(colour, YELLOW), f->name,
	        ansi(colour, RESET));
}

void where_thread(FILE *out, int colour, const struct sample *sample)
{
	const struct stack *stack = sample->stack;
	fprintf(out,
	        "  %sThread %" PRId64 "%s (interpreter %" PRId64 ", %s%s%s)\n",
	        ansi(colour, BOLD), sample->tid, ansi(colour, RESET),
	        sample->iid, ansi(colour, sample->idle ? DIM : GREEN),
	        sample->idle ? "idle" : "running", ansi(colour, RESET));
	for (uint32_t i = stack->depth; i > 0; i--)
		put_frame(out, colour, &stack->frames[i - 1]);
	if (sample->gc)
		fprintf(out, "    %s(collecting garbage)%s\n",
		        ansi(colour, DIM), ansi(colour, RESET));
}
