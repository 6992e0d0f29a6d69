/* The one log (log.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "log.h"

#include <stdarg.h>
#include <syslog.h>

static struct {
	const char *program;
	FILE *stream; /* NULL: standard error, read when a line is written */
	int to_syslog;
	enum log_level level;
} state = {.program = "austinc", .level = LOG_LEVEL_NOTE};

void log_init(const char *program)
{
	state.program = program;
}

void log_to_stream(FILE *stream)
{
	if (state.to_syslog)
		closelog();
	state.to_syslog = 0;
	state.stream = stream;
}

void log_to_syslog(void)
{
	openlog(state.program, LOG_PID, LOG_DAEMON);
	state.to_syslog = 1;
}

void log_set_level(enum log_level level)
{
	state.level = level;
}

static void log_line(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const label[] = {"",
	                                    "warning: ", "note: ", "debug: "};
	static const int priority[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE,
	                               LOG_DEBUG};
	if (level > state.level)
		return;
	if (state.to_syslog) {
		vsyslog(priority[level], fmt, ap);
		return;
	}
	/* One line, whole, even if another thread writes to the stream. */
	FILE *out = state.stream ? state.stream : stderr;
	flockfile(out);
	fprintf(out, "%s: %s", state.program, label[level]);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	funlockfile(out);
}

#define LOG_AT(name, level)                                                    \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_line(level, fmt, ap);                                      \
		va_end(ap);                                                    \
	}
LOG_AT(log_error, LOG_LEVEL_ERROR)
LOG_AT(log_warning, LOG_LEVEL_WARNING)
LOG_AT(log_note, LOG_LEVEL_NOTE)
LOG_AT(log_debug, LOG_LEVEL_DEBUG)
