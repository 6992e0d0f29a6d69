/* The --system records, in both formats (see read_system.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/read_system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "report/parse.h"

#define NO_ID UINT32_MAX

/* Far beyond what the sampler writes (names under 20 bytes, numbers under
 * 20 digits); they bound the copies and keep error messages short. */
#define SYSTEM_NAME_MAX   64
#define SYSTEM_NUMBER_MAX 40
/* Series one recording may hold: a 256-core machine has about 1300, each
 * process 9 more. profile_series() scans every series when it creates one,
 * so the bound also caps the time a hostile recording can cost. */
#define SYSTEM_MAX_SERIES (1u << 16)

struct series_key {
	uint32_t name;
	int64_t pid;
};

static int same_series(const void *profile, uint32_t id, const void *key)
{
	const struct profile_series *s = profile_series_at(profile, id);
	const struct series_key *k = key;
	return s->name == k->name && s->pid == k->pid;
}

/* The series of name and pid, created when new; 0, -1 when out of memory,
 * -2 when there would be more than SYSTEM_MAX_SERIES. */
static int find_series(struct profile *p, struct system_reader *r,
                       const char *name, size_t len, int64_t pid, uint32_t *id)
{
	struct series_key key = {profile_string(p, name, len), pid};
	if (key.name == NO_ID)
		return -1;
	size_t slot;
	*id = idindex_lookup(&r->series, r->count,
	                     hash_mix((uint64_t)key.name << 32 ^ (uint64_t)pid),
	                     same_series, p, &key, &slot);
	if (*id != NO_ID)
		return 0;
	if (slot == IDINDEX_NO_ROOM)
		return -1;
	if (p->series.n >= SYSTEM_MAX_SERIES)
		return -2;
	char copy[SYSTEM_NAME_MAX + 1];
	memcpy(copy, name, len);
	copy[len] = '\0';
	*id = profile_series(p, copy, pid);
	if (*id == NO_ID)
		return -1;
	idindex_set(&r->series, slot, *id);
	r->count++;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "[-]digits[.digits]": how many bytes of s it takes, 0 if none. */
static size_t decimal_length(const char *s, size_t len)
{
	size_t i = len > 0 && s[0] == '-';
	size_t start = i;
	while (i < len && is_digit(s[i]))
		i++;
	if (i == start)
		return 0;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1])) {
		i++;
		while (i < len && is_digit(s[i]))
			i++;
	}
	return i;
}

/* The value of a decimal that decimal_length() accepted. Up to 15 digits
 * the digits and the power of ten are exact doubles, so the one division
 * rounds correctly (and the same on every machine, whatever the locale,
 * unlike strtod). */
static double decimal_value(const char *s, size_t len)
{
	double digits = 0.0, scale = 1.0;
	int after_dot = 0;
	for (size_t i = s[0] == '-'; i < len; i++) {
		if (s[i] == '.') {
			after_dot = 1;
			continue;
		}
		digits = digits * 10.0 + (s[i] - '0');
		if (after_dot)
			scale *= 10.0;
	}
	return (s[0] == '-' ? -digits : digits) / scale;
}

static int known_unit(const char *unit, size_t len)
{
	static const char *const UNITS[] = {"", "%", "B", "B/s", "/s"};
	for (size_t i = 0; i < sizeof UNITS / sizeof *UNITS; i++)
		if (is_text(unit, len, UNITS[i]))
			return 1;
	return 0;
}

/* Lowercase letters, digits, dots and underscores, a letter first. */
static int valid_name(const char *name, size_t len)
{
	if (len == 0 || len > SYSTEM_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (size_t i = 1; i < len; i++) {
		char c = name[i];
		if (!(c >= 'a' && c <= 'z') && !is_digit(c) && c != '.' &&
		    c != '_')
			return 0;
	}
	return 1;
}

/* "machine" (pid 0) or "process:<pid>" with pid > 0. */
static int parse_scope(const char *s, size_t len, int64_t *pid)
{
	static const char PROCESS[] = "process:";
	const size_t prefix = sizeof PROCESS - 1;
	if (is_text(s, len, "machine")) {
		*pid = 0;
		return 0;
	}
	if (len <= prefix || memcmp(s, PROCESS, prefix) != 0 ||
	    parse_count(s + prefix, len - prefix, pid) || *pid == 0)
		return -1;
	return 0;
}

/* One "<name>=<number><unit>" field: its series gets the point (t_us). */
static int read_figure(struct profile *p, struct system_reader *r,
                       const char *f, size_t len, int64_t pid, uint64_t t_us,
                       char *err, size_t err_len)
{
	char q[QUOTE_ROOM];
	const char *eq = memchr(f, '=', len);
	size_t name_len = eq ? (size_t)(eq - f) : len;
	if (!eq || !valid_name(f, name_len))
		return parse_error(err, err_len,
		                   "system record: '%s' is not "
		                   "<name>=<number><unit> (a name is a "
		                   "lowercase letter, then letters, digits, "
		                   "'.' and '_')",
		                   quote(q, f, len));
	if (is_text(f, name_len, "t"))
		return parse_error(err, err_len,
		                   "system record: t must be the last field");
	const char *number = eq + 1;
	size_t rest = len - name_len - 1;
	size_t number_len = decimal_length(number, rest);
	if (number_len == 0 || number_len > SYSTEM_NUMBER_MAX)
		return parse_error(err, err_len,
		                   "system record: '%s' has no decimal number "
		                   "(of at most %d characters) after '='",
		                   quote(q, f, len), SYSTEM_NUMBER_MAX);
	if (!known_unit(number + number_len, rest - number_len))
		return parse_error(err, err_len,
		                   "system record: the unit of '%s' is not %%, "
		                   "B, B/s, /s or none",
		                   quote(q, f, len));
	uint32_t id;
	int rc = find_series(p, r, f, name_len, pid, &id);
	if (rc == -2)
		return parse_error(err, err_len,
		                   "system record: more than %u series",
		                   SYSTEM_MAX_SERIES);
	if (rc ||
	    profile_series_add(p, id, t_us, decimal_value(number, number_len)))
		return parse_error(err, err_len, "out of memory");
	return 0;
}

/* The bounds of the field at pos: up to the next space or the end. An
 * empty field (two spaces, or one at either end) is malformed. */
static size_t field_end(const char *value, size_t len, size_t pos)
{
	const char *space = memchr(value + pos, ' ', len - pos);
	return space ? (size_t)(space - value) : len;
}

int system_read_record(struct profile *p, struct system_reader *r,
                       const char *value, size_t len, size_t *offset, char *err,
                       size_t err_len)
{
	char q[QUOTE_ROOM];
	int64_t pid;
	size_t end = field_end(value, len, 0);
	*offset = 0;
	if (parse_scope(value, end, &pid))
		return parse_error(err, err_len,
		                   "system record: scope '%s' is not machine "
		                   "or process:<pid>",
		                   quote(q, value, end));
	const char *last_space = memrchr(value, ' ', len);
	size_t t_at = last_space ? (size_t)(last_space - value) + 1 : len;
	uint64_t t_us;
	*offset = t_at;
	if (!last_space || parse_micros(value + t_at, len - t_at, "t", &t_us))
		return parse_error(err, err_len,
		                   "system record: it does not end in "
		                   "t=<microseconds>us");
	if (r->seen && t_us < r->t_us)
		return parse_error(err, err_len,
		                   "system record: t=%lluus is before the "
		                   "previous record's t=%lluus",
		                   (unsigned long long)t_us,
		                   (unsigned long long)r->t_us);
	for (size_t pos = end + 1; pos < t_at; pos = end + 1) {
		end = field_end(value, len, pos);
		*offset = pos;
		if (end == pos)
			return parse_error(err, err_len,
			                   "system record: an empty field (two "
			                   "spaces in a row)");
		if (read_figure(p, r, value + pos, end - pos, pid, t_us, err,
		                err_len))
			return -1;
	}
	r->t_us = t_us;
	r->seen = 1;
	return 0;
}

int system_read_period(struct profile *p, const char *value, size_t len,
                       char *err, size_t err_len)
{
	char q[QUOTE_ROOM];
	int64_t period;
	if (len < 3 || memcmp(value + len - 2, "us", 2) != 0 ||
	    parse_count(value, len - 2, &period) || period == 0)
		return parse_error(err, err_len,
		                   "system-period '%s' is not <microseconds>us "
		                   "(more than 0)",
		                   quote(q, value, len));
	p->period_us = (uint64_t)period;
	return 0;
}

void system_reader_free(struct system_reader *r)
{
	idindex_free(&r->series);
	memset(r, 0, sizeof *r);
}
