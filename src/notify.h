/* Telling systemd how a run is going (sd_notify), for a Type=notify unit
 * such as contrib/austinc@.service.
 *
 * Every call is cheap and harmless outside systemd: without NOTIFY_SOCKET
 * in the environment it sends nothing, and in a build without libsystemd
 * (configure --without-systemd, or libsystemd not found) every function is
 * a no-op. Callers call them unconditionally, with no #ifdef.
 *
 * Only austinc's own process may notify (the unit says NotifyAccess=main):
 * a launched command inherits NOTIFY_SOCKET, and systemd ignores what it
 * might send.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_NOTIFY_H
#define AUSTINC_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* STATUS= text longer than this is cut: it is one line of systemctl
 * status, not a log. */
#define NOTIFY_STATUS_MAX 256

/* Was austinc built with libsystemd? (false: every call below is a no-op) */
bool notify_available(void);

/* READY=1 with STATUS=status (NULL: none). Call once, when the run has
 * started for good: options checked, signals set up, the output opened,
 * and the target found or, for a run that waits for one (--pidfile,
 * --name, --follow), the wait begun. Not later: a unit that waits for a
 * target that never comes would otherwise fail to start when
 * TimeoutStartSec runs out. Until READY=1, `systemctl start` blocks. */
void notify_ready(const char *status);

/* STATUS=status: what `systemctl status` shows. Call when it changes,
 * never per tick: attached to PID N (and its command line), waiting for a
 * target, a new file begun (--rotate), a file reopened (SIGHUP). A
 * newline or other control character becomes a space (a newline would end
 * the assignment); text longer than NOTIFY_STATUS_MAX is cut. */
void notify_status(const char *status);

/* STOPPING=1: call once, as soon as a SIGTERM or SIGINT is seen (or the
 * run ends by itself), before finishing the current file, so systemd shows
 * "deactivating" while the footer and the rename are written. */
void notify_stopping(void);

/* The watchdog period in microseconds when the unit sets WatchdogSec= (and
 * it is meant for this process), else 0. Read it once at start-up: when it
 * is not 0, call notify_watchdog() at least every half of it from the
 * sampling loop (between ticks, as the periodic jobs are), so that a run
 * stuck in a write or a read is restarted by systemd. */
uint64_t notify_watchdog_usec(void);

/* WATCHDOG=1: the loop is alive. */
void notify_watchdog(void);

#endif
