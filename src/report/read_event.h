/* The records a followed service adds to a recording, parsed for both
 * readers: "started" in the header, "event" among the samples.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Both formats carry them as metadata with the same text value (a
 * "# key: value" line, or a METADATA event):
 *
 *     started: 2026-12-05T16:15:00.123456Z
 *     event: attach pid=<pid> t=<microseconds>us python=<text to the end>
 *     event: detach pid=<pid> t=<microseconds>us
 *
 * started is UTC with exactly six digits of fraction; t counts from when
 * sampling of this recording began (like a system record's); pid > 0;
 * fields one space apart, in that order; python's text may hold spaces,
 * or be empty. An event of another kind (its first word) is skipped, for
 * the writers to come: only attach and detach are checked. */
#ifndef AUSTINC_REPORT_READ_EVENT_H
#define AUSTINC_REPORT_READ_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "report/profile.h"

/* One event record appended to p's marks (or skipped: another kind). 0,
 * or -1 with the reason in err (without a position: the caller names the
 * line or byte) and in *offset where in value it went wrong. */
int event_read_record(struct profile *p, const char *value, size_t len,
                      size_t *offset, char *err, size_t err_len);

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" into microseconds since the epoch; 0 or
 * -1 (not that shape, or no such date or time). */
int parse_started(const char *value, size_t len, int64_t *us);

/* A "started" value into p->started_us (and has_started); 0, or -1 with
 * the reason in err. */
int event_read_started(struct profile *p, const char *value, size_t len,
                       char *err, size_t err_len);

#endif
