/* Telling well-formed UTF-8 from other bytes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "utf8.h"

static int continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t utf8_sequence(const char *s, size_t n)
{
	const unsigned char *b = (const unsigned char *)s;
	if (n == 0)
		return 0;
	if (b[0] < 0x80)
		return 1;
	/* The second byte's range rules out overlong forms (E0, F0),
	 * surrogates (ED) and code points past U+10FFFF (F4); C0, C1 and F5
	 * to FF only start overlong or too large ones. */
	unsigned char low = 0x80, high = 0xBF;
	size_t len;
	if (b[0] >= 0xC2 && b[0] <= 0xDF) {
		len = 2;
	} else if (b[0] >= 0xE0 && b[0] <= 0xEF) {
		len = 3;
		low = b[0] == 0xE0 ? 0xA0 : 0x80;
		high = b[0] == 0xED ? 0x9F : 0xBF;
	} else if (b[0] >= 0xF0 && b[0] <= 0xF4) {
		len = 4;
		low = b[0] == 0xF0 ? 0x90 : 0x80;
		high = b[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (n < len || b[1] < low || b[1] > high)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!continuation(b[i]))
			return 0;
	return len;
}
