/* Unit tests of the line-table decoders.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Ground truth comes from fixtures/linetables.h (scripts/gen-linetable-fixtures
 * records what each CPython says the line of every offset is); hand-made
 * tables cover each entry kind, truncation and garbage. */
#include "suites.h"

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/linetables.h"
#include "python/linetable.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

typedef int (*decoder_fn)(const uint8_t *, size_t, int, int);

static decoder_fn decoder_for(const struct lt_version *v)
{
	if (v->major == 2)
		return linetable_lnotab27;
	if (v->minor <= 9)
		return linetable_lnotab;
	if (v->minor == 10)
		return linetable_310;
	return linetable_locations;
}

/* co_lnotab (2.7, 3.6-3.9) rather than a 3.10+ table. */
static int is_lnotab(const struct lt_version *v)
{
	return v->major == 2 || v->minor <= 9;
}

/* Calls `fn` on an exact-size heap copy of tab[0, len), so that a read past
 * the end is caught by AddressSanitizer or valgrind. */
static int decode_copy(decoder_fn fn, const uint8_t *tab, size_t len,
                       int firstlineno, int addr)
{
	uint8_t *copy = malloc(len ? len : 1);
	int line;

	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, tab, len);
	line = fn(copy, len, firstlineno, addr);
	free(copy);
	return line;
}

/* The size in bytes of the bytecode a fixture describes. */
static int code_size(const struct lt_code *c)
{
	return c->n_ranges ? c->ranges[c->n_ranges - 1].end : 0;
}

/* The line of `addr` according to the fixture. */
static int fixture_line(const struct lt_code *c, int addr)
{
	for (size_t r = 0; r < c->n_ranges; r++)
		if (c->ranges[r].start <= addr && addr < c->ranges[r].end)
			return c->ranges[r].line;
	return -1;
}

/* --- fixtures ------------------------------------------------------------ */

START_TEST(test_fixture_versions)
{
	/* One block per supported version, in order: 2.7, then 3.6 on. */
	ck_assert_uint_eq(N_ELEMS(lt_versions), 9);
	ck_assert_int_eq(lt_versions[0].major, 2);
	ck_assert_int_eq(lt_versions[0].minor, 7);
	ck_assert_int_eq(lt_versions[0].unit, 1);
	for (size_t v = 1; v < N_ELEMS(lt_versions); v++) {
		ck_assert_int_eq(lt_versions[v].major, 3);
		ck_assert_int_eq(lt_versions[v].minor, 5 + (int)v);
		ck_assert_int_eq(lt_versions[v].unit, 2);
	}
	for (size_t v = 0; v < N_ELEMS(lt_versions); v++)
		ck_assert_uint_gt(lt_versions[v].n_codes, 0);
}
END_TEST

/* Every offset of every fixture code object of version _i. */
START_TEST(test_fixture_offsets)
{
	const struct lt_version *v = &lt_versions[_i];
	decoder_fn fn = decoder_for(v);
	int checked = 0;

	for (size_t k = 0; k < v->n_codes; k++) {
		const struct lt_code *c = &v->codes[k];
		int prev_end = 0;

		for (size_t r = 0; r < c->n_ranges; r++) {
			const struct lt_range *rg = &c->ranges[r];

			ck_assert_int_eq(rg->start, prev_end);
			prev_end = rg->end;
			for (int off = rg->start; off < rg->end;
			     off += v->unit) {
				int got =
				        decode_copy(fn, c->table, c->table_len,
				                    c->firstlineno, off);

				ck_assert_msg(got == rg->line,
				              "%s %s: offset %d: line %d, "
				              "expected %d",
				              v->python, c->name, off, got,
				              rg->line);
				checked++;
			}
		}
	}
	ck_assert_int_gt(checked, 100);
}
END_TEST

/* Past the end of the bytecode: lnotab cannot tell and keeps the last line;
 * the 3.10+ tables cover the bytecode exactly, so nothing applies. Before the
 * first instruction (a frame not yet started), CPython answers
 * co_firstlineno. */
START_TEST(test_fixture_bounds)
{
	const struct lt_version *v = &lt_versions[_i];
	decoder_fn fn = decoder_for(v);

	for (size_t k = 0; k < v->n_codes; k++) {
		const struct lt_code *c = &v->codes[k];
		int end = code_size(c);
		int last = c->ranges[c->n_ranges - 1].line;
		int want = is_lnotab(v) ? last : 0;

		ck_assert_int_eq(
		        fn(c->table, c->table_len, c->firstlineno, end), want);
		ck_assert_int_eq(
		        fn(c->table, c->table_len, c->firstlineno, end + 1000),
		        want);
		ck_assert_int_eq(
		        fn(c->table, c->table_len, c->firstlineno, INT_MAX),
		        want);
		ck_assert_int_eq(fn(c->table, c->table_len, c->firstlineno, -2),
		                 c->firstlineno);
	}
}
END_TEST

/* How many bytes of bytecode the complete entries of tab[0, len) cover, or
 * -1 if len does not end at an entry boundary. `pairs`: a table of byte
 * pairs (lnotab, 3.10), else a location table (3.11+). */
static int covered(bool pairs, const uint8_t *tab, size_t len, size_t full)
{
	int bytes = 0;

	if (pairs) {
		if (len % 2)
			return -1;
		for (size_t i = 0; i < len; i += 2)
			bytes += tab[i];
		return bytes;
	}
	if (len < full && !(tab[len] & 0x80))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (tab[i] & 0x80)
			bytes += 2 * ((tab[i] & 7) + 1);
	return bytes;
}

/* Every prefix of every fixture table, as if the copy had been cut short:
 * offsets that complete entries cover keep their line; with a 3.10+ table
 * every other offset has none (lnotab has no way to know). */
START_TEST(test_fixture_truncated)
{
	const struct lt_version *v = &lt_versions[_i];
	decoder_fn fn = decoder_for(v);

	for (size_t k = 0; k < v->n_codes; k++) {
		const struct lt_code *c = &v->codes[k];
		int end = code_size(c);

		for (size_t len = 0; len < c->table_len; len++) {
			int cov = covered(v->major == 2 || v->minor <= 10,
			                  c->table, len, c->table_len);

			for (int off = 0; off < end; off += v->unit) {
				int got = decode_copy(fn, c->table, len,
				                      c->firstlineno, off);
				int full = fixture_line(c, off);

				if (off < cov)
					ck_assert_msg(got == full,
					              "%s %s cut at %zu: "
					              "offset %d: line %d, "
					              "expected %d",
					              v->python, c->name, len,
					              off, got, full);
				else if (!is_lnotab(v) && cov >= 0)
					ck_assert_int_eq(got, 0);
				else if (!is_lnotab(v))
					ck_assert(got == 0 || got == full);
			}
		}
	}
}
END_TEST

/* --- hand-made tables ---------------------------------------------------- */

START_TEST(test_empty)
{
	static const uint8_t none[1];

	/* No lnotab entry: the whole code is on the first line. */
	ck_assert_int_eq(linetable_lnotab(NULL, 0, 42, 0), 42);
	ck_assert_int_eq(linetable_lnotab(none, 0, 42, 100), 42);
	ck_assert_int_eq(linetable_lnotab27(NULL, 0, 42, 0), 42);
	ck_assert_int_eq(linetable_lnotab27(none, 0, 42, 100), 42);
	/* An empty 3.10+ table covers no bytecode at all. */
	ck_assert_int_eq(linetable_310(NULL, 0, 42, 0), 0);
	ck_assert_int_eq(linetable_310(none, 0, 42, 0), 0);
	ck_assert_int_eq(linetable_locations(NULL, 0, 42, 0), 0);
	ck_assert_int_eq(linetable_locations(none, 0, 42, 0), 0);
	/* A NULL table with a length is a caller's bug, not a crash. */
	ck_assert_int_eq(linetable_lnotab(NULL, 8, 42, 0), 0);
	ck_assert_int_eq(linetable_lnotab27(NULL, 8, 42, 0), 0);
	ck_assert_int_eq(linetable_310(NULL, 8, 42, 0), 0);
	ck_assert_int_eq(linetable_locations(NULL, 8, 42, 0), 0);
}
END_TEST

START_TEST(test_lnotab)
{
	/* 0 -> 1, 6 -> 2, 50 -> 7, 350 -> 207, 361 -> 208: the address jump of
	 * 300 and the line jump of 200 take two pairs each. */
	static const uint8_t tab[] = {6,  1,   44, 5,  255, 0,
	                              45, 127, 0,  73, 11,  1};
	static const struct {
		int addr, line;
	} want[] = {{0, 1},     {4, 1},     {6, 2},     {48, 2},
	            {50, 7},    {304, 7},   {305, 7},   {349, 7},
	            {350, 207}, {360, 207}, {361, 208}, {100000, 208}};
	/* Signed line increments (3.6+): 20 -> 10 at 4, back to 30 at 8. */
	static const uint8_t neg[] = {4, 0xf6, 4, 20};
	/* A line that would go below 1 is no line. */
	static const uint8_t below[] = {2, 0xfb};
	/* The odd byte of an odd-sized table is ignored. */
	static const uint8_t odd[] = {2, 1, 2};

	for (size_t i = 0; i < N_ELEMS(want); i++)
		ck_assert_int_eq(decode_copy(linetable_lnotab, tab, sizeof(tab),
		                             1, want[i].addr),
		                 want[i].line);
	ck_assert_int_eq(decode_copy(linetable_lnotab, neg, sizeof(neg), 20, 2),
	                 20);
	ck_assert_int_eq(decode_copy(linetable_lnotab, neg, sizeof(neg), 20, 4),
	                 10);
	ck_assert_int_eq(decode_copy(linetable_lnotab, neg, sizeof(neg), 20, 8),
	                 30);
	ck_assert_int_eq(
	        decode_copy(linetable_lnotab, below, sizeof(below), 1, 0), 1);
	ck_assert_int_eq(
	        decode_copy(linetable_lnotab, below, sizeof(below), 1, 2), 0);
	ck_assert_int_eq(decode_copy(linetable_lnotab, odd, sizeof(odd), 5, 1),
	                 5);
	ck_assert_int_eq(
	        decode_copy(linetable_lnotab, odd, sizeof(odd), 5, 100), 6);
}
END_TEST

/* 2.7: line increments are unsigned, so 128-255 move forward. */
START_TEST(test_lnotab27)
{
	/* 0 -> 1, 6 -> 201, 10 -> 501 (255 + 45 in two pairs), 13 -> 502. */
	static const uint8_t tab[] = {6, 200, 4, 255, 0, 45, 3, 1};
	static const struct {
		int addr, line;
	} want[] = {{0, 1},    {5, 1},    {6, 201},  {9, 201},
	            {10, 501}, {12, 501}, {13, 502}, {100000, 502}};

	for (size_t i = 0; i < N_ELEMS(want); i++)
		ck_assert_int_eq(decode_copy(linetable_lnotab27, tab,
		                             sizeof(tab), 1, want[i].addr),
		                 want[i].line);
	/* The same bytes read as 3.6+ go backwards: 1 - 56 is no line. */
	ck_assert_int_eq(decode_copy(linetable_lnotab, tab, sizeof(tab), 1, 6),
	                 0);
	/* A line past INT_MAX is no line, not an overflow. */
	ck_assert_int_eq(decode_copy(linetable_lnotab27, tab, sizeof(tab),
	                             INT_MAX - 100, 6),
	                 0);
}
END_TEST

/* The 2.7 fixtures have line increments above 127 (the +300 and +202 line
 * jumps of "jumps"): read as signed, as 3.6+ must, they give wrong lines.
 * So the fixture test above tells the two decoders apart. */
START_TEST(test_fixture_27_unsigned)
{
	const struct lt_version *v = &lt_versions[0];
	int differ = 0;

	ck_assert_int_eq(v->major, 2);
	for (size_t k = 0; k < v->n_codes; k++) {
		const struct lt_code *c = &v->codes[k];

		for (int off = 0; off < code_size(c); off++) {
			int want = fixture_line(c, off);

			ck_assert_int_eq(
			        linetable_lnotab27(c->table, c->table_len,
			                           c->firstlineno, off),
			        want);
			differ += linetable_lnotab(c->table, c->table_len,
			                           c->firstlineno, off) != want;
		}
	}
	ck_assert_int_gt(differ, 0);
}
END_TEST

/* Checked against CPython 3.10's co_lines() on the same table. */
static const uint8_t t310[] = {
        4,   1,    /* [0, 4) 201 */
        0,   127,  /* empty, line 328 */
        6,   2,    /* [4, 10) 330 */
        8,   0x80, /* [10, 18) no line */
        2,   0,    /* [18, 20) 330: "no line" kept the line */
        254, 0xfd, /* [20, 274) 327 */
        254, 0,    /* [274, 528) 327 */
        0,   0x81, /* empty, line 200 */
        2,   0xf6, /* [528, 530) 190 */
        2,   0x80, /* [530, 532) no line */
        4,   5,    /* [532, 536) 195 */
};
static const struct {
	int addr, line;
} want310[] = {
        {0, 201},  {2, 201},   {4, 330},   {8, 330},   {10, 0},    {16, 0},
        {18, 330}, {20, 327},  {273, 327}, {274, 327}, {527, 327}, {528, 190},
        {530, 0},  {532, 195}, {534, 195}, {536, 0},   {1000, 0},  {-2, 200},
};

START_TEST(test_310)
{
	/* A line that would go below 1 is no line. */
	static const uint8_t below[] = {2, 0xfb};

	for (size_t i = 0; i < N_ELEMS(want310); i++)
		ck_assert_int_eq(decode_copy(linetable_310, t310, sizeof(t310),
		                             200, want310[i].addr),
		                 want310[i].line);
	/* Cut anywhere, the entries before the cut still answer. */
	for (size_t len = 0; len < sizeof(t310); len++)
		for (size_t i = 0; i < N_ELEMS(want310); i++) {
			int cov = covered(true, t310, len & ~(size_t)1, 0);
			int addr = want310[i].addr;
			int got = decode_copy(linetable_310, t310, len, 200,
			                      addr);

			if (addr < cov)
				ck_assert_int_eq(got, want310[i].line);
			else
				ck_assert_int_eq(got, 0);
		}
	ck_assert_int_eq(decode_copy(linetable_310, below, sizeof(below), 1, 0),
	                 0);
}
END_TEST

/* Location entry header: code and length in code units. */
#define LOC(code, units) (0x80 | (code) << 3 | ((units)-1))

/* Checked against CPython 3.11's and 3.13's co_positions(). */
static const uint8_t tloc[] = {
        LOC(0, 1),  0x05,       /* [0, 2) 100, short form */
        LOC(11, 3), 4,    9,    /* [2, 8) 101, one-line form, +1 */
        LOC(15, 2),             /* [8, 12) no location */
        LOC(13, 1), 0x58, 0x09, /* [12, 14) 401, no-column form, +300 */
        LOC(14, 8), 0x75, 0x07, /* [14, 30) 151, long form, -250 */
        0x02,       0x48, 0x03, /* end line +2, column 200 */
        0x52,       0x03,       /* end column 210 */
        LOC(9, 8),  0x12,       /* [30, 46) 151, short form */
        LOC(10, 1), 1,    2,    /* [46, 48) 151, one-line form, +0 */
        LOC(12, 1), 0,    0x7f, /* [48, 50) 153, one-line form, +2 */
        LOC(15, 1),             /* [50, 52) no location */
        LOC(3, 1),  0x21,       /* [52, 54) 153 */
};
static const struct {
	int addr, line;
} wantloc[] = {
        {0, 100},  {1, 100},  {2, 101},  {6, 101},  {8, 0},    {10, 0},
        {12, 401}, {14, 151}, {29, 151}, {30, 151}, {44, 151}, {46, 151},
        {48, 153}, {50, 0},   {52, 153}, {54, 0},   {999, 0},  {-2, 100},
};

START_TEST(test_locations)
{
	for (size_t i = 0; i < N_ELEMS(wantloc); i++)
		ck_assert_int_eq(decode_copy(linetable_locations, tloc,
		                             sizeof(tloc), 100,
		                             wantloc[i].addr),
		                 wantloc[i].line);
}
END_TEST

START_TEST(test_locations_truncated)
{
	/* The long form at tloc[9] is cut after its header, inside or after
	 * each of its varints: the entries before it answer, it and anything
	 * after have no line. */
	static const size_t cuts[] = {10, 11, 12, 14, 15, 16};

	for (size_t c = 0; c < N_ELEMS(cuts); c++) {
		for (size_t i = 0; i < N_ELEMS(wantloc); i++) {
			int addr = wantloc[i].addr;
			int got = decode_copy(linetable_locations, tloc,
			                      cuts[c], 100, addr);

			ck_assert_int_eq(got, addr < 14 ? wantloc[i].line : 0);
		}
	}
	/* Cut after the long form, its lines are all there. */
	ck_assert_int_eq(decode_copy(linetable_locations, tloc, 17, 100, 28),
	                 151);
	ck_assert_int_eq(decode_copy(linetable_locations, tloc, 17, 100, 30),
	                 0);
}
END_TEST

START_TEST(test_locations_malformed)
{
	/* A table must start with an entry header. */
	static const uint8_t nohead[] = {0x05, LOC(0, 1), 0x05};
	/* A varint that never ends. */
	static const uint8_t endless[] = {
	        LOC(0, 1), 0x00, LOC(13, 1), 0x7f, 0x7f, 0x7f, 0x7f,
	        0x7f,      0x7f, 0x7f,       0x7f, 0x7f, 0x7f, 0x7f,
	        0x7f,      0x7f, 0x7f,       0x7f, 0x01};
	/* A varint of more chunks than any line needs, even if they are
	 * zeros. */
	static const uint8_t long_zero[] = {
	        LOC(0, 1), 0x00, LOC(13, 1), 0x40, 0x40, 0x40, 0x40, 0x40,
	        0x40,      0x40, 0x40,       0x40, 0x40, 0x40, 0x40, 0x00};
	/* A one-line form lacking its end column. */
	static const uint8_t one_line_cut[] = {LOC(0, 1), 0x00, LOC(11, 1),
	                                       0x01};
	/* A line delta of 2^38 does not fit an int. */
	static const uint8_t huge[] = {LOC(13, 1), 0x40, 0x40, 0x40,
	                               0x40,       0x40, 0x40, 0x08};
	/* A short form lacking its column byte, the next header taking its
	 * place. */
	static const uint8_t short_cut[] = {LOC(0, 1), LOC(0, 1), 0x00};
	/* A line that would go below 1 is no line. */
	static const uint8_t below[] = {LOC(13, 1), 0x0b, LOC(11, 1), 1, 2};
	/* Stray bytes after a complete entry are skipped up to the next
	 * header. */
	static const uint8_t stray[] = {LOC(0, 1),  0x05, 0x05, 0x05,
	                                LOC(11, 1), 1,    2};

	ck_assert_int_eq(
	        decode_copy(linetable_locations, nohead, sizeof(nohead), 5, 0),
	        0);
	ck_assert_int_eq(decode_copy(linetable_locations, endless,
	                             sizeof(endless), 5, 0),
	                 5);
	ck_assert_int_eq(decode_copy(linetable_locations, endless,
	                             sizeof(endless), 5, 2),
	                 0);
	ck_assert_int_eq(decode_copy(linetable_locations, long_zero,
	                             sizeof(long_zero), 5, 2),
	                 0);
	ck_assert_int_eq(decode_copy(linetable_locations, one_line_cut,
	                             sizeof(one_line_cut), 5, 0),
	                 5);
	ck_assert_int_eq(decode_copy(linetable_locations, one_line_cut,
	                             sizeof(one_line_cut), 5, 2),
	                 0);
	ck_assert_int_eq(
	        decode_copy(linetable_locations, huge, sizeof(huge), 5, 0), 0);
	ck_assert_int_eq(decode_copy(linetable_locations, short_cut,
	                             sizeof(short_cut), 5, 0),
	                 0);
	ck_assert_int_eq(
	        decode_copy(linetable_locations, below, sizeof(below), 3, 0),
	        0);
	ck_assert_int_eq(
	        decode_copy(linetable_locations, below, sizeof(below), 3, 2),
	        0);
	ck_assert_int_eq(
	        decode_copy(linetable_locations, below, sizeof(below), 6, 2),
	        2);
	ck_assert_int_eq(
	        decode_copy(linetable_locations, stray, sizeof(stray), 5, 0),
	        5);
	ck_assert_int_eq(
	        decode_copy(linetable_locations, stray, sizeof(stray), 5, 2),
	        6);
}
END_TEST

/* --- garbage ------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1du) >> 32);
}

/* Random tables of random sizes, some biased towards entry headers and
 * varint continuations, at random offsets: every decoder returns a line >= 0
 * and, in exact-size heap copies, never reads outside them. */
START_TEST(test_garbage)
{
	static const decoder_fn fns[] = {linetable_lnotab, linetable_lnotab27,
	                                 linetable_310, linetable_locations};
	uint8_t buf[96];

	for (int iter = 0; iter < 10000; iter++) {
		size_t len = rng() % (sizeof(buf) + 1);
		uint32_t mode = rng() % 4;
		int firstlineno = (int)(rng() % 2000) - 100;
		int addr;

		for (size_t i = 0; i < len; i++) {
			uint8_t b = (uint8_t)rng();

			if (mode == 1)
				b |= 0x80; /* all headers */
			else if (mode == 2 && (rng() % 3))
				b = (b & 0x3f) | 0x40; /* varint chunks */
			else if (mode == 3)
				b = (rng() % 4) ? 0xff : 0x80; /* extremes */
			buf[i] = b;
		}
		switch (rng() % 4) {
		case 0:
			addr = (int)(rng() % 64) - 4;
			break;
		case 1:
			addr = (int)(rng() % 4096);
			break;
		case 2:
			addr = INT_MAX - (int)(rng() % 4);
			break;
		default:
			addr = INT_MIN + (int)(rng() % 4);
			break;
		}
		for (size_t f = 0; f < N_ELEMS(fns); f++) {
			int line = decode_copy(fns[f], buf, len, firstlineno,
			                       addr);

			ck_assert_int_ge(line, 0);
		}
	}
}
END_TEST

Suite *linetable_suite(void)
{
	Suite *s = suite_create("linetable");
	TCase *tc;
	int nver = (int)N_ELEMS(lt_versions);

	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fixture_versions);
	tcase_add_loop_test(tc, test_fixture_offsets, 0, nver);
	tcase_add_loop_test(tc, test_fixture_bounds, 0, nver);
	tcase_add_loop_test(tc, test_fixture_truncated, 0, nver);
	tcase_add_test(tc, test_fixture_27_unsigned);
	suite_add_tcase(s, tc);

	tc = tcase_create("hand-made");
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_lnotab);
	tcase_add_test(tc, test_lnotab27);
	tcase_add_test(tc, test_310);
	tcase_add_test(tc, test_locations);
	tcase_add_test(tc, test_locations_truncated);
	tcase_add_test(tc, test_locations_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("garbage");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);

	return s;
}
