/* The where view: every thread of a process and its stack, for a person to
 * read, innermost frame last as in a Python traceback.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 *     Process 4242: Python 3.12.1 (shared)
 *       Thread 4242 (interpreter 0, running)
 *         /srv/app.py:31 <module>
 *         /srv/app.py:12 main
 */
#ifndef AUSTINC_EMIT_WHERE_H
#define AUSTINC_EMIT_WHERE_H

#include <stdio.h>
#include <sys/types.h>

#include "sample.h"

/* colour: use ANSI colours (for a terminal). */
void where_process(FILE *out, int colour, pid_t pid, const char *description);
void where_thread(FILE *out, int colour, const struct sample *sample);

#endif
