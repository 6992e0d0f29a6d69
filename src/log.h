/* The one log: every message meant for a person (errors, warnings, notes)
 * goes through here, from any layer, as one line "program: [level: ]text"
 * on standard error, or to syslog (which the journal collects) for a
 * service. The summary and the views are output, not log.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_LOG_H
#define AUSTINC_LOG_H

#include <stdio.h>

enum log_level {
	LOG_LEVEL_ERROR,   /* austinc cannot do what it was asked */
	LOG_LEVEL_WARNING, /* it goes on, but the user should know */
	LOG_LEVEL_NOTE,    /* something left out, as the user would expect */
	LOG_LEVEL_DEBUG,   /* for austinc's developers: off by default */
};

/* The program's name, the prefix of every line. Until called: "austinc". */
void log_init(const char *program);

/* Where lines go: a stream (standard error by default; a file in tests),
 * or syslog with the program's name and PID. */
void log_to_stream(FILE *stream);
void log_to_syslog(void);

/* Lines less severe than level are dropped; LOG_LEVEL_NOTE by default. */
void log_set_level(enum log_level level);

#define LOG_PRINTF __attribute__((format(printf, 1, 2)))
void log_error(const char *fmt, ...) LOG_PRINTF;
void log_warning(const char *fmt, ...) LOG_PRINTF;
void log_note(const char *fmt, ...) LOG_PRINTF;
void log_debug(const char *fmt, ...) LOG_PRINTF;
#undef LOG_PRINTF

#endif
