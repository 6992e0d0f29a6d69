/* XML and JSON escaping of untrusted strings.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/escape.h"

#include <string.h>

#include "utf8.h"

#define XML_REPLACEMENT "&#xFFFD;"

/* What a format needs instead of the character at s (*len bytes), or NULL
 * when it goes out as it is; buf has room for an escape made up. */
typedef const char *substitute_fn(const char *s, size_t n, size_t *len,
                                  char buf[8]);

/* s (len bytes) with every character that substitute replaces replaced,
 * and runs of the others written in one go. */
static void write_escaped(FILE *out, const char *s, size_t len,
                          substitute_fn *substitute)
{
	size_t plain = 0; /* bytes before i that go out unchanged */
	char buf[8];
	for (size_t i = 0; i < len;) {
		size_t used;
		const char *sub = substitute(s + i, len - i, &used, buf);
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

/* XML's substitutes (it makes none up). */
static const char *xml_substitute(const char *s, size_t n, size_t *len,
                                  char buf[8])
{
	(void)buf;
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
	write_escaped(out, s, len, xml_substitute);
}

/* JSON's: buf holds \u escapes of control bytes. */
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
	putc('"', out);
	write_escaped(out, s, strlen(s), json_substitute);
	putc('"', out);
}
