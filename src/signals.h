/* What the signals that end or steer a run have asked for. The handlers
 * only count into the flags given to signals_install(); whoever runs the
 * session reads them, so a session can also be driven by a test.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_SIGNALS_H
#define AUSTINC_SIGNALS_H

#include <signal.h>

struct signal_flags {
	volatile sig_atomic_t interrupts; /* SIGINT count */
	volatile sig_atomic_t terminated; /* SIGTERM seen */
	volatile sig_atomic_t hangups;    /* SIGHUP count */
	volatile sig_atomic_t dumps;      /* SIGUSR1 count */
	/* Set before sampling when -o names a file: SIGHUP then reopens it
	 * (for logrotate) instead of ending the run. */
	int hangup_reopens;
};

/* Count SIGINT, SIGTERM, SIGHUP and SIGUSR1 into flags from now on; a closed
 * pipe becomes a write error instead of a SIGPIPE. */
void signals_install(struct signal_flags *flags);

/* Has a signal asked the run to end (Ctrl-C aside)? */
static inline int signals_terminate(const struct signal_flags *f)
{
	return f->terminated || (f->hangups && !f->hangup_reopens);
}

#endif
