/* Collapsed text writer.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "emit/collapsed.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "emit/memo.h"

int collapsed_looks_like_sample(const char *line)
{
	size_t end = strlen(line);
	while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r'))
		end--;
	/* flamegraph.pl: /^(.*)\s+?(\d+(?:\.\d*)?)$/ */
	size_t i = end;
	while (i > 0 &&
	       (isdigit((unsigned char)line[i - 1]) || line[i - 1] == '.'))
		i--;
	if (i == end || i == 0 || !isspace((unsigned char)line[i - 1]))
		return 0;
	/* The number must be digits with at most one dot, not leading. */
	const char *number = line + i;
	size_t len = end - i;
	const char *dot = memchr(number, '.', len);
	return isdigit((unsigned char)number[0]) &&
	       (!dot ||
	        !memchr(dot + 1, '.', len - (size_t)(dot + 1 - number)));
}

void collapsed_metadata(struct sink *s, const char *key, const char *value)
{
	sink_puts(s, "# ");
	sink_puts(s, key);
	sink_puts(s, ": ");
	sink_puts(s, value);
	char probe[256];
	size_t vlen = strlen(value);
	const char *tail = vlen > 200 ? value + vlen - 200 : value;
	probe[0] = '#';
	probe[1] = ' ';
	strcpy(probe + 2, tail);
	if (collapsed_looks_like_sample(probe))
		sink_puts(s, " (value)");
	sink_putc(s, '\n');
}

struct collapsed {
	struct memo memo;
};

/* Longest frame written in full; longer ones (only with absurd names) go
 * through the slower path. */
#define FAST_FRAME_BYTES 4096

/* ";file:name:line" from the pieces. */
static void put_frame_pieces(struct sink *s, const struct frame *f)
{
	size_t need = 1 + f->file_len + 1 + f->name_len + 1 + 21;
	char *out = need <= FAST_FRAME_BYTES ? sink_reserve(s, need) : NULL;
	if (!out) {
		sink_putc(s, ';');
		sink_puts(s, f->file);
		sink_putc(s, ':');
		sink_puts(s, f->name);
		sink_putc(s, ':');
		sink_put_int(s, f->line);
		return;
	}
	size_t n = 0;
	out[n++] = ';';
	memcpy(out + n, f->file, f->file_len);
	n += f->file_len;
	out[n++] = ':';
	memcpy(out + n, f->name, f->name_len);
	n += f->name_len;
	out[n++] = ':';
	n += format_int(out + n, f->line);
	sink_commit(s, n);
}

/* ";file:name:line" of a frame with a label, into out (room for
 * 1 + frame_label_len(f) + 21): the usual case. */
static size_t format_labelled(char *out, const struct frame *f)
{
	size_t n = 1 + frame_label_len(f);
	out[0] = ';';
	memcpy(out + 1, f->label, n - 1);
	return n + format_int(out + n, f->line);
}

static void put_frame(struct sink *s, const struct frame *f)
{
	if (f->kind == FRAME_INVALID) {
		sink_write(s, ";:INVALID:", 10);
		return;
	}
	size_t need = 1 + (size_t)frame_label_len(f) + 21;
	char *out = f->label && need <= FAST_FRAME_BYTES ? sink_reserve(s, need)
	                                                 : NULL;
	if (out)
		sink_commit(s, format_labelled(out, f));
	else
		put_frame_pieces(s, f);
}

static void put_metrics(struct sink *s, enum metric_kind kind,
                        const struct sample *sample)
{
	switch (kind) {
	case LINE_TIME:
		sink_put_uint(s, sample->time_us);
		break;
	case LINE_MEMORY:
		sink_put_int(s, sample->rss_delta);
		break;
	case LINE_FULL:
		sink_put_uint(s, sample->time_us);
		sink_puts(s, sample->idle ? ",1," : ",0,");
		sink_put_int(s, sample->rss_delta);
		break;
	}
}

#define HEAD_MAX (2 * 21 + 11 + 4)

/* "P<pid>;T<iid>:<tid>" into out (room for HEAD_MAX). */
static size_t format_head(char *out, const struct sample *sample)
{
	size_t n = 0;
	out[n++] = 'P';
	n += format_int(out + n, sample->pid);
	out[n++] = ';';
	out[n++] = 'T';
	n += format_int(out + n, sample->iid);
	out[n++] = ':';
	n += format_int(out + n, sample->tid);
	return n;
}

/* The head and the outermost frames through the thread's memo line: those
 * the previous sample wrote alike are copied, the others formatted there.
 * Returns how many frames were written. */
static uint32_t put_held(struct collapsed *w, struct sink *s,
                         const struct sample *sample)
{
	const struct stack *stack = sample->stack;
	struct memo_line *l = memo_line_for(&w->memo, sample);
	if (!l->used)
		memo_add_head(l, format_head(memo_room(l, HEAD_MAX), sample));
	uint32_t i = memo_keep_common(l, stack);
	for (; i < stack->depth; i++) {
		const struct frame *f = &stack->frames[stack->depth - 1 - i];
		char *out =
		        f->code_id && f->label
		                ? memo_room(l,
		                            1 + (size_t)frame_label_len(f) + 21)
		                : NULL;
		if (!out)
			break;
		memo_add_frame(l, f, format_labelled(out, f));
	}
	sink_write(s, l->bytes, memo_held(l));
	return i;
}

/* "P<pid>;T<iid>:<tid>;frames... " up to the metrics. */
static void put_stack(struct collapsed *w, struct sink *s,
                      const struct sample *sample)
{
	const struct stack *stack = sample->stack;
	uint32_t written = 0;
	if (w) {
		written = put_held(w, s, sample);
	} else {
		char *out = sink_reserve(s, HEAD_MAX);
		if (out)
			sink_commit(s, format_head(out, sample));
	}
	for (uint32_t i = stack->depth - written; i > 0; i--)
		put_frame(s, &stack->frames[i - 1]);
	if (sample->gc)
		sink_write(s, ";:GC:", 5);
	sink_putc(s, ' ');
}

struct collapsed *collapsed_new(void)
{
	struct collapsed *w = calloc(1, sizeof *w);
	if (w && memo_init(&w->memo)) {
		free(w);
		return NULL;
	}
	return w;
}

void collapsed_free(struct collapsed *w)
{
	if (!w)
		return;
	memo_free(&w->memo);
	free(w);
}

void collapsed_sample(struct collapsed *w, struct sink *s,
                      enum metric_kind kind, const struct sample *sample)
{
	put_stack(w, s, sample);
	put_metrics(s, kind, sample);
	sink_putc(s, '\n');
}

void collapsed_folded(struct collapsed *w, struct sink *s, uint64_t count,
                      const struct sample *sample)
{
	put_stack(w, s, sample);
	sink_put_uint(s, count);
	sink_putc(s, '\n');
}
