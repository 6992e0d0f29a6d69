/* Durations as options give them: "500", "2ms", "1.5s", each option with
 * its own units, bare unit and bounds.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_DURATION_H
#define AUSTINC_DURATION_H

#include <stdint.h>
#include <stdio.h>

#define US_PER_MS 1000ULL
#define US_PER_S  1000000ULL

/* Units a duration may carry, as a bit mask. */
#define UNIT_S   1u
#define UNIT_MS  2u
#define UNIT_US  4u
#define UNIT_M   8u /* minutes, h hours: whole ones only */
#define UNIT_H   16u
#define UNIT_ALL (UNIT_S | UNIT_MS | UNIT_US)

/* How one duration option is read and checked. */
struct duration_spec {
	const char *what; /* "interval" */
	uint64_t bare_unit_us;
	unsigned allowed;
	const char *units; /* "s, ms or us" */
	uint64_t min_us, max_us;
	const char *range; /* "between 1us and 1s" */
};

/* Parse a duration such as "500", "2ms", "1.5s" into microseconds.
 * bare_unit_us is the value of one unit when no suffix is given (1 for
 * microseconds, 1000 for milliseconds, 1000000 for seconds), and any of
 * s, ms and us may be given. Returns 0 on success, -1 on a malformed,
 * negative, zero or overflowing value. */
int duration_parse(const char *text, uint64_t bare_unit_us, uint64_t *out_us);

/* Read text as spec says into *out_us; -1 after saying why on err. */
int duration_read(const struct duration_spec *spec, const char *text,
                  uint64_t *out_us, FILE *err);

#endif
