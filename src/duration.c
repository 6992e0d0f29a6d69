/* Durations (duration.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "duration.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

enum duration_status {
	DURATION_OK,
	DURATION_MALFORMED,    /* not a number with an allowed unit */
	DURATION_NOT_POSITIVE, /* zero or negative */
	DURATION_TOO_PRECISE,  /* not a whole number of microseconds */
	DURATION_OVERFLOW,     /* does not fit in 64 bits of microseconds */
};

/* The pieces of a duration's text: digits, optional fraction, unit. */
struct duration_text {
	const char *integer;
	size_t integer_len;
	const char *fraction;
	size_t fraction_len;
	const char *unit;
};

static size_t count_digits(const char *text)
{
	size_t n = 0;

	while (isdigit((unsigned char)text[n]))
		n++;
	return n;
}

static int split_duration(const char *text, struct duration_text *parts)
{
	parts->integer = text;
	parts->integer_len = count_digits(text);
	if (parts->integer_len == 0)
		return -1;
	parts->fraction = text + parts->integer_len;
	parts->fraction_len = 0;
	if (*parts->fraction == '.') {
		parts->fraction++;
		parts->fraction_len = count_digits(parts->fraction);
		if (parts->fraction_len == 0)
			return -1;
	}
	parts->unit = parts->fraction + parts->fraction_len;
	return 0;
}

/* Microseconds in one unit, or 0 for an unknown or disallowed unit. */
static uint64_t unit_value(const char *unit, uint64_t bare_unit_us,
                           unsigned allowed)
{
	if (*unit == '\0')
		return bare_unit_us;
	if (strcmp(unit, "s") == 0 && (allowed & UNIT_S))
		return US_PER_S;
	if (strcmp(unit, "ms") == 0 && (allowed & UNIT_MS))
		return US_PER_MS;
	if (strcmp(unit, "us") == 0 && (allowed & UNIT_US))
		return 1;
	if (strcmp(unit, "m") == 0 && (allowed & UNIT_M))
		return 60 * US_PER_S;
	if (strcmp(unit, "h") == 0 && (allowed & UNIT_H))
		return 3600 * US_PER_S;
	return 0;
}

/* Parse n decimal digits; -1 on overflow. */
static int parse_digits(const char *digits, size_t n, uint64_t *value)
{
	*value = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t digit = (uint64_t)(digits[i] - '0');

		if (*value > (UINT64_MAX - digit) / 10)
			return -1;
		*value = *value * 10 + digit;
	}
	return 0;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

/* The fraction's digits times unit, exactly, in microseconds (1.5h is
 * 5,400,000,000 us; 1.5us is not a whole number of them). */
static enum duration_status fraction_value(const struct duration_text *parts,
                                           uint64_t unit, uint64_t *out)
{
	size_t len = parts->fraction_len;
	uint64_t value, scale = 1;

	*out = 0;
	if (len > 0 && unit == 1)
		return DURATION_TOO_PRECISE; /* no decimals on microseconds */
	while (len > 0 && parts->fraction[len - 1] == '0')
		len--;
	if (len == 0)
		return DURATION_OK;
	if (len > 18) /* finer than any unit's microsecond */
		return DURATION_TOO_PRECISE;
	parse_digits(parts->fraction, len, &value); /* at most 18 digits */
	for (size_t i = 0; i < len; i++)
		scale *= 10;
	/* value / scale of a unit: whole microseconds when scale, once
	 * reduced by what it shares with unit, divides value. */
	uint64_t common = gcd(unit, scale);
	if (value % (scale / common) != 0)
		return DURATION_TOO_PRECISE;
	*out = value / (scale / common) * (unit / common);
	return DURATION_OK;
}

static enum duration_status parse_unsigned_duration(const char *text,
                                                    uint64_t bare_unit_us,
                                                    unsigned allowed,
                                                    uint64_t *out_us)
{
	struct duration_text parts;
	uint64_t unit, whole, fraction;
	enum duration_status status;

	if (split_duration(text, &parts) < 0)
		return DURATION_MALFORMED;
	unit = unit_value(parts.unit, bare_unit_us, allowed);
	if (unit == 0)
		return DURATION_MALFORMED;
	status = fraction_value(&parts, unit, &fraction);
	if (status != DURATION_OK)
		return status;
	if (parse_digits(parts.integer, parts.integer_len, &whole) < 0 ||
	    whole > (UINT64_MAX - fraction) / unit)
		return DURATION_OVERFLOW;
	*out_us = whole * unit + fraction;
	return *out_us == 0 ? DURATION_NOT_POSITIVE : DURATION_OK;
}

static enum duration_status parse_duration(const char *text,
                                           uint64_t bare_unit_us,
                                           unsigned allowed, uint64_t *out_us)
{
	bool negative = text[0] == '-';
	enum duration_status status;

	status = parse_unsigned_duration(text + negative, bare_unit_us, allowed,
	                                 out_us);
	if (negative && status != DURATION_MALFORMED)
		return DURATION_NOT_POSITIVE;
	return status;
}

int duration_parse(const char *text, uint64_t bare_unit_us, uint64_t *out_us)
{
	uint64_t value;

	if (text == NULL || bare_unit_us == 0 ||
	    parse_duration(text, bare_unit_us, UNIT_ALL, &value) != DURATION_OK)
		return -1;
	*out_us = value;
	return 0;
}

static void print_error_reason(const struct duration_spec *spec,
                               const char *text, enum duration_status status,
                               FILE *err)
{
	switch (status) {
	case DURATION_NOT_POSITIVE:
		fprintf(err,
		        "austinc: invalid %s '%s': must be greater than zero\n",
		        spec->what, text);
		break;
	case DURATION_TOO_PRECISE:
		fprintf(err,
		        "austinc: invalid %s '%s': not a whole number of "
		        "microseconds\n",
		        spec->what, text);
		break;
	case DURATION_OVERFLOW:
		fprintf(err, "austinc: %s '%s' out of range: must be %s\n",
		        spec->what, text, spec->range);
		break;
	default:
		fprintf(err,
		        "austinc: invalid %s '%s': expected a number with an "
		        "optional unit %s\n",
		        spec->what, text, spec->units);
		break;
	}
}

int duration_read(const struct duration_spec *spec, const char *text,
                  uint64_t *out_us, FILE *err)
{
	uint64_t value = 0;
	enum duration_status status;

	status =
	        parse_duration(text, spec->bare_unit_us, spec->allowed, &value);
	if (status == DURATION_OK &&
	    (value < spec->min_us || value > spec->max_us))
		status = DURATION_OVERFLOW;
	if (status != DURATION_OK) {
		print_error_reason(spec, text, status, err);
		return -1;
	}
	*out_us = value;
	return 0;
}
