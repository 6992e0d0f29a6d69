/* XML and JSON escaping of untrusted strings.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/escape.h"

#include <string.h>

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
	 * surrogates (ED) and code points past U+10FFFF (F4). */
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

#define XML_REPLACEMENT "&#xFFFD;"

/* What XML needs instead of the character at s (*len bytes), or NULL when
 * it goes out as it is. */
static const char *xml_substitute(const char *s, size_t n, size_t *len)
{
	unsigned char c = (unsigned char)*s;
	*len = 1;
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&apos;";
	}
	if (c < 0x20)
		return XML_REPLACEMENT;
	if (c < 0x80)
		return NULL;
	*len = utf8_sequence(s, n);
	if (*len == 0) {
		*len = 1;
		return XML_REPLACEMENT;
	}
	if (*len == 3 && c == 0xEF && (unsigned char)s[1] == 0xBF &&
	    (unsigned char)s[2] >= 0xBE)
		return XML_REPLACEMENT; /* U+FFFE, U+FFFF */
	return NULL;
}

void xml_escape(FILE *out, const char *s, size_t len)
{
	size_t plain = 0; /* bytes before i that go out unchanged */
	for (size_t i = 0; i < len;) {
		size_t used;
		const char *sub = xml_substitute(s + i, len - i, &used);
		if (sub) {
			fwrite(s + i - plain, 1, plain, out);
			fputs(sub, out);
			plain = 0;
		} else {
			plain += used;
		}
		i += used;
	}
	fwrite(s + len - plain, 1, plain, out);
}

/* What JSON needs instead of the character at s (*len bytes), or NULL;
 * buf holds \u escapes. */
static const char *json_substitute(const char *s, size_t n, size_t *len,
                                   char buf[8])
{
	unsigned char c = (unsigned char)*s;
	*len = 1;
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	if (c < 0x20) {
		snprintf(buf, 8, "\\u%04x", c);
		return buf;
	}
	if (c < 0x80)
		return NULL;
	*len = utf8_sequence(s, n);
	if (*len == 0) {
		*len = 1;
		return "\\ufffd";
	}
	return NULL;
}

void json_string(FILE *out, const char *s)
{
	size_t len = strlen(s), plain = 0;
	char buf[8];
	putc('"', out);
	for (size_t i = 0; i < len;) {
		size_t used;
		const char *sub = json_substitute(s + i, len - i, &used, buf);
		if (sub) {
			fwrite(s + i - plain, 1, plain, out);
			fputs(sub, out);
			plain = 0;
		} else {
			plain += used;
		}
		i += used;
	}
	fwrite(s + len - plain, 1, plain, out);
	putc('"', out);
}
