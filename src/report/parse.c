/* Small pieces of text parsing that the readers share.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *quote(char *out, const char *text, size_t len)
{
	size_t n = len;
	if (n > QUOTE_BYTES) {
		n = QUOTE_BYTES;
		/* Back over at most three continuation bytes. */
		for (int k = 0;
		     k < 3 && ((unsigned char)text[n] & 0xc0) == 0x80; k++)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	strcpy(out + n, n < len ? "..." : "");
	return out;
}

int is_text(const char *s, size_t len, const char *literal)
{
	return len == strlen(literal) && memcmp(s, literal, len) == 0;
}

int parse_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int negative = len > 0 && s[0] == '-';
	i += (size_t)negative;
	if (i == len)
		return -1;
	/* Accumulate as a negative number: its range is the larger. */
	int64_t value = 0;
	for (; i < len; i++) {
		unsigned digit = (unsigned)(unsigned char)s[i] - '0';
		if (digit > 9 || value < (INT64_MIN + (int64_t)digit) / 10)
			return -1;
		value = value * 10 - (int64_t)digit;
	}
	if (!negative && value == INT64_MIN)
		return -1;
	*out = negative ? value : -value;
	return 0;
}

int parse_count(const char *s, size_t len, int64_t *out)
{
	return len == 0 || s[0] == '-' ? -1 : parse_int64(s, len, out);
}

int parse_micros(const char *s, size_t len, const char *name, uint64_t *out)
{
	size_t name_len = strlen(name);
	int64_t v;
	if (len < name_len + 4 || memcmp(s, name, name_len) != 0 ||
	    s[name_len] != '=' || memcmp(s + len - 2, "us", 2) != 0 ||
	    parse_count(s + name_len + 1, len - name_len - 3, &v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int parse_error(char *err, size_t err_len, const char *fmt, ...)
{
	if (err && err_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int parse_failure(char *err, size_t err_len, const char *where, size_t at,
                  const char *fmt, va_list ap)
{
	if (!err || err_len == 0)
		return -1;
	int n = snprintf(err, err_len, "%s %zu: ", where, at);
	if (n >= 0 && (size_t)n < err_len)
		vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
	return -1;
}

int parse_micros_value(const char *value, uint64_t *us)
{
	char *end;
	if (!value || value[0] < '0' || value[0] > '9')
		return 0;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 10);
	if (errno || strncmp(end, "us", 2) != 0)
		return 0;
	*us = v;
	return 1;
}
