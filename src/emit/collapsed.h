/* The collapsed (folded) text format: one sample per line.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 *     P<pid>;T<iid>:<tid>[;<file>:<function>:<line>]* <metric>
 *
 * frames outermost first. Metadata lines are "# key: value"; a value must not
 * end in whitespace followed by digits, or flamegraph.pl would take the line
 * for a stack — numbers carry their unit. */
#ifndef AUSTINC_EMIT_COLLAPSED_H
#define AUSTINC_EMIT_COLLAPSED_H

#include <stdint.h>
#include <sys/types.h>

#include "emit/sink.h"
#include "sample.h"

/* Write "# key: value". A value that would end in whitespace and digits gets
 * no such ending: callers pass values with units, and the check here keeps
 * that promise even when a caller forgets (the value is then suffixed). */
void collapsed_metadata(struct sink *s, const char *key, const char *value);

/* A writer of sample lines, which remembers what each thread's last line
 * held so as to copy what did not change (emit/memo.h); NULL when out of
 * memory. A NULL writer formats every line in full. */
struct collapsed;
struct collapsed *collapsed_new(void);
void collapsed_free(struct collapsed *w);

/* One line: the stack, ";:GC:" when taken during a collection, and the
 * metrics of kind: "123", "-4096" or "123,0,4096". */
void collapsed_sample(struct collapsed *w, struct sink *s,
                      enum metric_kind kind, const struct sample *sample);

/* One line of plain folded stacks (--folded): the stack as above and one
 * count, for flamegraph.pl and the FlameGraph tools. */
void collapsed_folded(struct collapsed *w, struct sink *s, uint64_t count,
                      const struct sample *sample);

/* Does a line look like a stack with a count to flamegraph.pl? */
int collapsed_looks_like_sample(const char *line);

#endif
