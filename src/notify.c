/* Telling systemd how a run is going: sd_notify, or nothing without
 * libsystemd.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "notify.h"

#include <stdio.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

/* "STATUS=" and the text, made one line: a newline would end the
 * assignment, and systemctl shows the rest as one line anyway. */
static void status_line(char *buf, size_t len, const char *status)
{
	int n = snprintf(buf, len, "STATUS=%.*s", NOTIFY_STATUS_MAX, status);
	for (int i = 7; n > 0 && i < n && buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
}

#ifdef HAVE_SYSTEMD

/* sd_notify keeps NOTIFY_SOCKET (unset_environment 0): austinc notifies
 * again and again. A failure to notify is not a failure of the run: the
 * unit then times out or shows an old status, which says enough. */
static void send_state(const char *state)
{
	(void)sd_notify(0, state);
}

bool notify_available(void)
{
	return true;
}

uint64_t notify_watchdog_usec(void)
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}

#else

static void send_state(const char *state)
{
	(void)state;
}

bool notify_available(void)
{
	return false;
}

uint64_t notify_watchdog_usec(void)
{
	return 0;
}

#endif

void notify_ready(const char *status)
{
	char buf[sizeof "READY=1\nSTATUS=" + NOTIFY_STATUS_MAX];
	if (!status) {
		send_state("READY=1");
		return;
	}
	/* One datagram: systemd then never shows "ready" without the status. */
	char line[sizeof "STATUS=" + NOTIFY_STATUS_MAX];
	status_line(line, sizeof line, status);
	snprintf(buf, sizeof buf, "READY=1\n%s", line);
	send_state(buf);
}

void notify_status(const char *status)
{
	char line[sizeof "STATUS=" + NOTIFY_STATUS_MAX];
	status_line(line, sizeof line, status ? status : "");
	send_state(line);
}

void notify_stopping(void)
{
	send_state("STOPPING=1");
}

void notify_watchdog(void)
{
	send_state("WATCHDOG=1");
}
