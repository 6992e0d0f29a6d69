/* Signal handlers (signals.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "signals.h"

#include <string.h>

/* A handler can reach nothing else. */
static struct signal_flags *flags;

static void on_signal(int sig)
{
	if (sig == SIGINT)
		flags->interrupts++;
	else if (sig == SIGTERM)
		flags->terminated = 1;
	else if (sig == SIGUSR1)
		flags->dumps++;
	else
		flags->hangups++;
}

void signals_install(struct signal_flags *f)
{
	struct sigaction sa;
	flags = f;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error */
}
