/* -w/--where: print where every thread of a process is, once.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SNAPSHOT_H
#define AUSTINC_SNAPSHOT_H

#include "options.h"

/* Print opts->where_pid's threads (and with opts->children its Python
 * descendants') to stdout; returns the exit code. */
int snapshot_run(const struct options *opts);

#endif
