/* A sampling session: find the runtime, tick until the end, report.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SESSION_H
#define AUSTINC_SESSION_H

#include "controller.h"
#include "options.h"
#include "signals.h"

/* Run a session as the options say, ending early as the signals ask;
 * returns the exit code. */
int session_run(const struct options *opts, const struct signal_flags *signals);

#endif
