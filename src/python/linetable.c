/* Decoders of CPython's line-number tables.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Written from the format descriptions (lnotab_notes.txt, locations.md). All
 * arithmetic is done in int64_t so that a hostile table cannot overflow an
 * int; every loop consumes at least one byte per iteration, so each decoder
 * runs in O(len) and stops at tab + len. */
#include "python/linetable.h"

#include <limits.h>
#include <stdbool.h>

/* A computed line as the int the API returns: 0 unless in [1, INT_MAX]. */
static int line_result(int64_t line)
{
	return (line >= 1 && line <= INT_MAX) ? (int)line : 0;
}

/* co_lnotab: pairs (address increment: unsigned byte, line increment). The
 * line of `addr` is firstlineno plus the line increments of all the pairs
 * whose cumulative address is <= addr. A trailing odd byte is ignored, as
 * CPython does. An offset past the last pair gets the last line: the table
 * does not know where the bytecode ends. Line increments are signed bytes
 * since 3.6 (lines may go backwards), unsigned before (2.7 splits a jump of
 * more than 255 lines into several pairs and never goes back). */
static int lnotab(const uint8_t *tab, size_t len, int firstlineno, int addr,
                  bool signed_lines)
{
	int64_t line = firstlineno;
	int64_t at = 0;

	if (addr < 0)
		return line_result(firstlineno);
	if (tab == NULL && len > 0)
		return 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		at += tab[i];
		if (at > addr)
			break;
		line += signed_lines ? (int8_t)tab[i + 1] : tab[i + 1];
	}
	return line_result(line);
}

int linetable_lnotab(const uint8_t *tab, size_t len, int firstlineno, int addr)
{
	return lnotab(tab, len, firstlineno, addr, true);
}

int linetable_lnotab27(const uint8_t *tab, size_t len, int firstlineno,
                       int addr)
{
	return lnotab(tab, len, firstlineno, addr, false);
}

/* 3.10 co_linetable: pairs (bytecode length in bytes: unsigned byte, line delta
 * from the previous entry's line: signed byte, -128 meaning "no line"). Entries
 * follow one another in address order, each covering [start, start + length).
 * A "no line" entry leaves the running line unchanged. */
int linetable_310(const uint8_t *tab, size_t len, int firstlineno, int addr)
{
	int64_t line = firstlineno;
	int64_t end = 0;

	if (addr < 0)
		return line_result(firstlineno);
	if (tab == NULL)
		return 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		int64_t start = end;
		int delta = (int8_t)tab[i + 1];
		bool noline = delta == -128;

		end = start + tab[i];
		if (!noline)
			line += delta;
		if (start <= addr && addr < end)
			return noline ? 0 : line_result(line);
	}
	return 0;
}

/* 3.11+ location table. */

enum {
	LOC_SHORT_LAST = 9, /* codes 0..9: short form, line delta 0 */
	LOC_ONE_LINE0 = 10, /* codes 10..12: line delta code - 10 */
	LOC_ONE_LINE2 = 12,
	LOC_NO_COLUMNS = 13, /* svarint line delta */
	LOC_LONG = 14,       /* svarint line, varint end line, col, end col */
	LOC_NONE = 15,       /* no location */
	LOC_VARINT_MAX = 10, /* chunks of 6 bits: 60 bits is plenty */
};

/* Reads a varint of 6-bit chunks, least significant first, bit 6 meaning
 * "more follows", from tab[*pos, len). Payload bytes never have bit 7 set: one
 * that has it starts the next entry, so the varint is cut. */
static bool read_varint(const uint8_t *tab, size_t len, size_t *pos,
                        uint64_t *out)
{
	uint64_t val = 0;
	unsigned shift = 0;

	for (int n = 0; n < LOC_VARINT_MAX; n++) {
		uint8_t b;

		if (*pos >= len)
			return false;
		b = tab[*pos];
		if (b & 0x80)
			return false;
		(*pos)++;
		val |= (uint64_t)(b & 0x3f) << shift;
		shift += 6;
		if (!(b & 0x40)) {
			*out = val;
			return true;
		}
	}
	return false;
}

/* A signed varint: the unsigned value's low bit is the sign, the rest the
 * magnitude. */
static bool read_svarint(const uint8_t *tab, size_t len, size_t *pos,
                         int64_t *out)
{
	uint64_t u;

	if (!read_varint(tab, len, pos, &u))
		return false;
	*out = (u & 1) ? -(int64_t)(u >> 1) : (int64_t)(u >> 1);
	return true;
}

/* Skips `n` plain payload bytes (bit 7 clear). */
static bool skip_bytes(const uint8_t *tab, size_t len, size_t *pos, int n)
{
	for (int k = 0; k < n; k++) {
		if (*pos >= len || (tab[*pos] & 0x80))
			return false;
		(*pos)++;
	}
	return true;
}

/* Each entry is a header byte (bit 7 set, code in bits 3-6, length in code
 * units minus one in bits 0-2) followed by the code's payload. The start line
 * of an entry is a delta from the previous entry's start line (the first from
 * firstlineno); "no location" entries carry no delta. An entry whose payload is
 * cut short makes the table malformed from that entry on. Bytes after a
 * complete payload and before the next header are skipped. */
int linetable_locations(const uint8_t *tab, size_t len, int firstlineno,
                        int addr)
{
	int64_t line = firstlineno;
	int64_t end = 0;
	size_t pos = 0;

	if (addr < 0)
		return line_result(firstlineno);
	if (tab == NULL)
		return 0;

	while (pos < len) {
		uint8_t head = tab[pos++];
		int code = (head >> 3) & 0x0f;
		int64_t start = end;
		int64_t delta = 0;
		uint64_t ignored;
		bool ok = true;

		if (!(head & 0x80))
			return 0;
		end = start + 2 * ((head & 0x07) + 1);

		if (code <= LOC_SHORT_LAST) {
			ok = skip_bytes(tab, len, &pos, 1);
		} else if (code <= LOC_ONE_LINE2) {
			delta = code - LOC_ONE_LINE0;
			ok = skip_bytes(tab, len, &pos, 2);
		} else if (code == LOC_NO_COLUMNS) {
			ok = read_svarint(tab, len, &pos, &delta);
		} else if (code == LOC_LONG) {
			ok = read_svarint(tab, len, &pos, &delta) &&
			     read_varint(tab, len, &pos, &ignored) &&
			     read_varint(tab, len, &pos, &ignored) &&
			     read_varint(tab, len, &pos, &ignored);
		}
		if (!ok)
			return 0;
		/* Keep the running line bounded: a garbage table could
		 * otherwise push it around by up to 2^59 per entry. */
		line += delta;
		if (line < INT_MIN || line > INT_MAX)
			return 0;

		if (start <= addr && addr < end)
			return code == LOC_NONE ? 0 : line_result(line);

		while (pos < len && !(tab[pos] & 0x80))
			pos++;
	}
	return 0;
}
