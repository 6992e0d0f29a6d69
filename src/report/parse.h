/* Small pieces of text parsing that the readers share: decimal integers,
 * literal comparison, and quoting untrusted text in an error message.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_REPORT_PARSE_H
#define AUSTINC_REPORT_PARSE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* How much of an offending piece of text an error message quotes. */
#define QUOTE_BYTES 48

/* Room for a quote: QUOTE_BYTES, "..." and the NUL. */
#define QUOTE_ROOM (QUOTE_BYTES + 8)

/* A short printable copy of untrusted text into out (QUOTE_ROOM bytes):
 * control bytes become '?', and a long text is cut (at a UTF-8 character
 * boundary) and ends in "...". Returns out. */
const char *quote(char *out, const char *text, size_t len);

/* Are the len bytes of s exactly literal? */
int is_text(const char *s, size_t len, const char *literal);

/* Decimal digits, optionally after a '-', within int64_t; 0 or -1. */
int parse_int64(const char *s, size_t len, int64_t *out);

/* Digits only, no sign, within int64_t; 0 or -1. */
int parse_count(const char *s, size_t len, int64_t *out);

/* "<name>=<digits>us" (t=1500us): the microseconds; 0 or -1. */
int parse_micros(const char *s, size_t len, const char *name, uint64_t *out);

/* "<digits>us" at the start of a metadata value (austinc's "interval",
 * "duration"): 1 with the microseconds in *us, 0 when value is NULL or
 * not that. */
int parse_micros_value(const char *value, uint64_t *us);

/* A message into err (of err_len bytes; nothing when err is NULL), for
 * a reader or merger that fails with no place in a file to name. Returns
 * -1. */
int parse_error(char *err, size_t err_len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* The readers' one way to fail: "<where> <at>: <message>" into err (of
 * err_len bytes; nothing when err is NULL). Returns -1. */
int parse_failure(char *err, size_t err_len, const char *where, size_t at,
                  const char *fmt, va_list ap);

#endif
