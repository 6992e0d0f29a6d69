/* Writing strings from a recording (function and file names: untrusted
 * bytes) into XML and JSON.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Both writers pass valid UTF-8 through and turn every byte that does not
 * start a valid sequence into U+FFFD, so what they write always parses. */
#ifndef AUSTINC_REPORT_ESCAPE_H
#define AUSTINC_REPORT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* XML character data or attribute value: &, <, >, " and ' as entities;
 * control bytes (a name is one line: tab and newline included), U+FFFE and
 * U+FFFF (not XML characters) as U+FFFD. */
void xml_escape(FILE *out, const char *s, size_t len);

/* A JSON string literal, quotes included. */
void json_string(FILE *out, const char *s);

#endif
