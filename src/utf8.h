/* Telling well-formed UTF-8 from other bytes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_UTF8_H
#define AUSTINC_UTF8_H

#include <stddef.h>

/* The length (1-4) of the well-formed UTF-8 sequence at s, which has n
 * bytes left; 0 when the bytes there do not start one (a bad lead or
 * continuation byte, a sequence cut short, an overlong form, a surrogate,
 * a code point past U+10FFFF). */
size_t utf8_sequence(const char *s, size_t n);

#endif
