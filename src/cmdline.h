/* The command line of a run, as the recording's "command" metadata.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_CMDLINE_H
#define AUSTINC_CMDLINE_H

#include <stddef.h>
#include <sys/types.h>

/* Enough for any command line worth showing; a longer one is cut. */
#define CMDLINE_MAX 1024

/* Join the n arguments into buf (len > 4 bytes) as one line a POSIX shell
 * would read back: an argument with anything but letters, digits and
 * _@%+=:,./- in it goes in single quotes. Control characters become '?',
 * so the line stays one line; a line too long for buf ends in "...". */
void cmdline_join(const char *const *args, size_t n, char *buf, size_t len);

/* The command line of process pid (/proc/PID/cmdline), joined as above.
 * Returns 0, or -1 when it cannot be read or is empty (a kernel thread, a
 * zombie). */
int cmdline_of(pid_t pid, char *buf, size_t len);

#endif
