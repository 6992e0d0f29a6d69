/* The "started" and "event" records, in both formats (see read_event.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/read_event.h"

#include <stdio.h>
#include <string.h>

#include "report/parse.h"

#define NO_ID UINT32_MAX

/* The field that starts at *pos: up to the next space, or the end when
 * last. *pos is moved past it and its space. */
static int next_field(const char *value, size_t len, size_t *pos, int last,
                      const char **field, size_t *field_len)
{
	if (*pos > len)
		return -1;
	const char *start = value + *pos;
	const char *space = last ? NULL : memchr(start, ' ', len - *pos);
	size_t n = space ? (size_t)(space - start) : len - *pos;
	if (!last && !space)
		return -1;
	*field = start;
	*field_len = n;
	*pos += n + 1;
	return 0;
}

/* "pid=<digits>" with the pid > 0. */
static int parse_pid(const char *s, size_t len, int64_t *pid)
{
	return len < 5 || memcmp(s, "pid=", 4) != 0 ||
	                       parse_count(s + 4, len - 4, pid) || *pid == 0
	               ? -1
	               : 0;
}

/* After the kind: "pid=<pid> t=<us>us", then for attach " python=<text>".
 * *pos is where each field begins, for the caller's message. */
static int parse_fields(const char *value, size_t len, size_t *pos, int attach,
                        struct profile_mark *m, const char **python,
                        size_t *python_len)
{
	const char *f;
	size_t n, pid_at = *pos;
	if (next_field(value, len, pos, 0, &f, &n) ||
	    parse_pid(f, n, &m->pid)) {
		*pos = pid_at;
		return -1;
	}
	size_t t_at = *pos;
	if (next_field(value, len, pos, !attach, &f, &n) ||
	    parse_micros(f, n, "t", &m->t_us)) {
		*pos = t_at;
		return -1;
	}
	if (!attach)
		return 0;
	size_t python_at = *pos;
	if (next_field(value, len, pos, 1, &f, &n) || n < 7 ||
	    memcmp(f, "python=", 7) != 0) {
		*pos = python_at;
		return -1;
	}
	*python = f + 7;
	*python_len = n - 7;
	return 0;
}

int event_read_record(struct profile *p, const char *value, size_t len,
                      size_t *offset, char *err, size_t err_len)
{
	char q[QUOTE_ROOM];
	const char *space = memchr(value, ' ', len);
	size_t kind_len = space ? (size_t)(space - value) : len;
	*offset = 0;
	if (kind_len == 0)
		return parse_error(err, err_len,
		                   "event record: no kind (attach, detach...) "
		                   "at its start");
	int attach = is_text(value, kind_len, "attach");
	if (!attach && !is_text(value, kind_len, "detach"))
		return 0; /* a kind of a later writer's */
	struct profile_mark m = {.kind = attach ? MARK_ATTACH : MARK_DETACH};
	const char *python = "";
	size_t python_len = 0, pos = kind_len + 1;
	if (parse_fields(value, len, &pos, attach, &m, &python, &python_len)) {
		*offset = pos < len ? pos : len;
		return parse_error(err, err_len,
		                   "event record '%s' is not %s pid=<pid> "
		                   "t=<microseconds>us%s",
		                   quote(q, value, len),
		                   attach ? "attach" : "detach",
		                   attach ? " python=<text>" : "");
	}
	m.python = profile_string(p, python, python_len);
	if (m.python == NO_ID || profile_add_mark(p, &m))
		return parse_error(err, err_len, "out of memory");
	return 0;
}

/* --- started ----------------------------------------------------------- */

/* n digits at s, as a number; -1 if any is not a digit. */
static int digits(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int64_t year, int64_t month)
{
	static const int DAYS[] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return DAYS[month - 1] + (month == 2 && leap);
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar: the
 * year counted from March, so that February's leap day comes last, in
 * 400-year eras of 146097 days. */
static int64_t days_since_epoch(int64_t year, int64_t month, int64_t day)
{
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	int64_t year_of_era = year - era * 400;
	int64_t day_of_year =
	        (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 -
	                     year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

int parse_started(const char *v, size_t len, int64_t *us)
{
	/* 2026-12-05T16:15:00.123456Z */
	static const char SHAPE[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	if (len != sizeof SHAPE - 1)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (SHAPE[i] != 'd' && v[i] != SHAPE[i])
			return -1;
	int64_t year, month, day, hour, minute, second, micro;
	if (digits(v, 4, &year) || digits(v + 5, 2, &month) ||
	    digits(v + 8, 2, &day) || digits(v + 11, 2, &hour) ||
	    digits(v + 14, 2, &minute) || digits(v + 17, 2, &second) ||
	    digits(v + 20, 6, &micro))
		return -1;
	if (month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour > 23 || minute > 59 ||
	    second > 59)
		return -1;
	int64_t s = days_since_epoch(year, month, day) * 86400 + hour * 3600 +
	            minute * 60 + second;
	*us = s * 1000000 + micro;
	return 0;
}

int event_read_started(struct profile *p, const char *value, size_t len,
                       char *err, size_t err_len)
{
	char q[QUOTE_ROOM];
	if (parse_started(value, len, &p->started_us))
		return parse_error(err, err_len,
		                   "started '%s' is not "
		                   "YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC, a real "
		                   "date and time)",
		                   quote(q, value, len));
	p->has_started = 1;
	return 0;
}
