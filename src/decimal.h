/* Decimal numbers in text the kernel writes (/proc).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_DECIMAL_H
#define AUSTINC_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* The decimal digits at text[*at] (len bytes in all), at least one; *at
 * moves past them. 0, or -1 with *at as it was when there are none or
 * they overflow 64 bits. Inline: the memory modes parse statm every tick. */
static inline int decimal_parse(const char *text, size_t len, size_t *at,
                                uint64_t *out)
{
	size_t i = *at;
	uint64_t v = 0;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
		unsigned digit = (unsigned)(text[i] - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return -1;
		v = v * 10 + digit;
	}
	if (i == *at)
		return -1;
	*at = i;
	*out = v;
	return 0;
}

#endif
