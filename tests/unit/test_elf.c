/* Unit tests of the ELF symbol reader, on a committed fixture and on
 * truncated, corrupted and garbage copies of it.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "suites.h"
#include <check.h>

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR must name the directory of the test fixtures"
#endif

#define FIXTURE        FIXTURES_DIR "/fixture.so"
#define GLOBAL_SYMBOL  "austinc_fixture_symbol"
#define GLOBAL_FUNC    "austinc_fixture_function"
#define LOCAL_SYMBOL   "austinc_fixture_local"
#define MISSING_SYMBOL "austinc_fixture_missing"
#define N_QUERIES      4

/* ELF64 constants and field offsets the corruption tests patch. */
enum {
	E_SHOFF = 40,
	E_PHOFF = 32,
	E_PHNUM = 56,
	E_SHENTSIZE = 58,
	E_SHNUM = 60,
	SHDR_SIZE = 64,
	SH_TYPE = 4,
	SH_OFFSET = 24,
	SH_SIZE = 32,
	SH_LINK = 40,
	SH_INFO = 44,
	SHT_SYMTAB = 2,
	SHT_DYNSYM = 11,
	PHDR_SIZE = 56,
	P_TYPE = 0,
	P_VADDR = 16,
	P_ALIGN = 48,
	PT_LOAD = 1,
	SYM_SIZE = 24,
	ST_NAME = 0,
	ST_INFO = 4,
	ST_SHNDX = 6,
};

static unsigned char *fixture;
static size_t fixture_size;
static char temp_path[64];

static void load_fixture(void)
{
	FILE *f = fopen(FIXTURE, "rb");
	long size;

	ck_assert_msg(f != NULL, "cannot open %s", FIXTURE);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	ck_assert_int_gt(size, 64);
	rewind(f);
	fixture_size = (size_t)size;
	fixture = malloc(fixture_size);
	ck_assert_ptr_nonnull(fixture);
	ck_assert_uint_eq(fread(fixture, 1, fixture_size, f), fixture_size);
	fclose(f);
}

static void setup(void)
{
	int fd;

	load_fixture();
	snprintf(temp_path, sizeof(temp_path), "/tmp/austinc-elf-XXXXXX");
	fd = mkstemp(temp_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(temp_path);
	free(fixture);
	fixture = NULL;
}

static void write_temp(const void *bytes, size_t size)
{
	FILE *f = fopen(temp_path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
}

static void init_queries(struct elf_symbol_query *q)
{
	static const char *const names[N_QUERIES] = {
	        GLOBAL_SYMBOL, GLOBAL_FUNC, LOCAL_SYMBOL, MISSING_SYMBOL};

	for (int i = 0; i < N_QUERIES; i++) {
		q[i].name = names[i];
		q[i].value = 0xdead;
		q[i].size = 0xbeef;
	}
}

/* Look the four fixture names up in path; checks the result's range. */
static int look_up(const char *path, struct elf_symbol_query *q)
{
	struct elf_info info = {0};
	int found;

	init_queries(q);
	found = elf_lookup(path, q, N_QUERIES, &info);
	ck_assert_int_ge(found, -1);
	ck_assert_int_le(found, 3);
	ck_assert_uint_eq(q[3].value, 0);
	return found;
}

START_TEST(test_fixture_symbols)
{
	struct elf_symbol_query q[N_QUERIES];
	struct elf_info info = {.first_load_vaddr = 123, .has_symtab = -1};

	init_queries(q);
	ck_assert_int_eq(elf_lookup(FIXTURE, q, N_QUERIES, &info), 3);
	ck_assert_uint_ne(q[0].value, 0);
	ck_assert_uint_eq(q[0].size, sizeof(int));
	ck_assert_uint_ne(q[1].value, 0);
	ck_assert_uint_gt(q[1].size, 0);
	ck_assert_uint_ne(q[2].value, 0);
	ck_assert_uint_eq(q[2].size, sizeof(int));
	ck_assert_uint_eq(q[3].value, 0);
	ck_assert_uint_eq(q[3].size, 0);
	ck_assert_uint_eq(info.first_load_vaddr, 0);
	ck_assert_int_eq(info.has_symtab, 1);
}
END_TEST

START_TEST(test_no_queries)
{
	struct elf_info info = {.first_load_vaddr = 123, .has_symtab = -1};

	ck_assert_int_eq(elf_lookup(FIXTURE, NULL, 0, &info), 0);
	ck_assert_uint_eq(info.first_load_vaddr, 0);
	ck_assert_int_eq(info.has_symtab, 1);
}
END_TEST

/* What a stripped file still tells: where its writable data is (the
 * fixture's one RW segment) and where a named section is. */
START_TEST(test_writable_span_and_section)
{
	struct elf_info info = {.section_name = ".data"};

	ck_assert_int_eq(elf_lookup(FIXTURE, NULL, 0, &info), 0);
	ck_assert_uint_eq(info.writable_vaddr, 0x1f00);
	ck_assert_uint_eq(info.writable_size, 0x108);
	ck_assert_uint_eq(info.section_vaddr, 0x2000);
	ck_assert_uint_eq(info.section_size, 8);
	info.section_name = ".PyRuntime";
	ck_assert_int_eq(elf_lookup(FIXTURE, NULL, 0, &info), 0);
	ck_assert_uint_eq(info.section_vaddr, 0);
	ck_assert_uint_eq(info.section_size, 0);
}
END_TEST

START_TEST(test_info_is_optional)
{
	struct elf_symbol_query q = {MISSING_SYMBOL, 1, 1};

	ck_assert_int_eq(elf_lookup(FIXTURE, &q, 1, NULL), 0);
	ck_assert_uint_eq(q.value, 0);
	ck_assert_uint_eq(q.size, 0);
}
END_TEST

#if defined(__x86_64__)
/* The values read from the file, plus the load bias, are the addresses the
 * dynamic loader gives: the values 42 and 7 are found where they say. */
START_TEST(test_values_match_loader)
{
	struct elf_symbol_query q[N_QUERIES];
	struct elf_info info = {0};
	void *handle = dlopen(FIXTURE, RTLD_NOW | RTLD_LOCAL);
	const unsigned char *symbol, *base;

	ck_assert_msg(handle != NULL, "dlopen: %s", dlerror());
	init_queries(q);
	ck_assert_int_eq(elf_lookup(FIXTURE, q, N_QUERIES, &info), 3);
	symbol = dlsym(handle, GLOBAL_SYMBOL);
	ck_assert_ptr_nonnull(symbol);
	base = symbol - (q[0].value - info.first_load_vaddr);
	ck_assert_int_eq(memcmp(base, "\177ELF", 4), 0);
	ck_assert_int_eq(*(const int *)symbol, 42);
	ck_assert_int_eq(*(const int *)(base + q[2].value), 7);
	ck_assert_ptr_eq(base + q[1].value, dlsym(handle, GLOBAL_FUNC));
	dlclose(handle);
}
END_TEST
#endif

START_TEST(test_unreadable_paths)
{
	struct elf_symbol_query q[N_QUERIES];

	ck_assert_int_eq(look_up(FIXTURES_DIR "/no-such-file.so", q), -1);
	ck_assert_int_eq(look_up(FIXTURES_DIR, q), -1);
	ck_assert_int_eq(look_up("", q), -1);
	ck_assert_int_eq(elf_lookup(NULL, q, N_QUERIES, NULL), -1);
}
END_TEST

/* Every truncation cuts at least the section headers at the end. */
START_TEST(test_truncated)
{
	struct elf_symbol_query q[N_QUERIES];

	for (size_t n = fixture_size; n-- > 0;) {
		write_temp(fixture, n);
		ck_assert_msg(look_up(temp_path, q) <= 0,
		              "a copy cut at %zu bytes gave symbols", n);
	}
}
END_TEST

/* A deterministic pseudo-random sequence (xorshift64). */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

START_TEST(test_garbage)
{
	static const size_t sizes[] = {0, 1, 4, 63, 64, 65, 1000, 8192};
	struct elf_symbol_query q[N_QUERIES];
	uint64_t state = 0x9e3779b97f4a7c15u;
	unsigned char bytes[8192];

	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		for (size_t i = 0; i < sizes[s]; i++)
			bytes[i] = (unsigned char)next_random(&state);
		write_temp(bytes, sizes[s]);
		ck_assert_int_eq(look_up(temp_path, q), -1);
		/* A valid ELF header over garbage: no symbols either. */
		if (sizes[s] >= 64) {
			memcpy(bytes, fixture, 64);
			write_temp(bytes, sizes[s]);
			ck_assert_int_le(look_up(temp_path, q), 0);
		}
	}
}
END_TEST

/* Random bytes changed anywhere: any result, but no crash or overread. */
START_TEST(test_random_corruption)
{
	struct elf_symbol_query q[N_QUERIES];
	unsigned char *copy = malloc(fixture_size);
	uint64_t state = 0x0123456789abcdefu;

	ck_assert_ptr_nonnull(copy);
	for (int round = 0; round < 500; round++) {
		memcpy(copy, fixture, fixture_size);
		for (int k = 0; k < 1 + round % 8; k++) {
			size_t at = next_random(&state) % fixture_size;

			copy[at] = (unsigned char)next_random(&state);
		}
		write_temp(copy, fixture_size);
		look_up(temp_path, q);
	}
	free(copy);
}
END_TEST

static uint64_t get_le(const unsigned char *p, int size)
{
	uint64_t v = 0;

	while (size-- > 0)
		v = v << 8 | p[size];
	return v;
}

static void put_le(unsigned char *p, int size, uint64_t v)
{
	for (int i = 0; i < size; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* The header of the fixture's section of the given type, in buf. */
static unsigned char *section_of_type(unsigned char *buf, uint32_t type)
{
	uint64_t shoff = get_le(buf + E_SHOFF, 8);
	uint64_t shnum = get_le(buf + E_SHNUM, 2);

	for (uint64_t i = 0; i < shnum; i++) {
		unsigned char *sh = buf + shoff + i * SHDR_SIZE;

		if (get_le(sh + SH_TYPE, 4) == type)
			return sh;
	}
	ck_abort_msg("fixture has no section of type %u", (unsigned)type);
	return NULL;
}

/* A field of a corrupted copy: where it is and what it becomes. */
struct patch {
	uint32_t section; /* 0: the ELF header, else a section type */
	int offset, size;
	uint64_t value;
};

/* A corruption and how many of the three symbols must still be found. */
struct corruption {
	struct patch patches[2];
	int found;
};

#define BIG      UINT64_C(0xfffffffffffffff0)
#define NEAR_END UINT64_C(1) /* the file size less one section header */

static const struct corruption CORRUPTIONS[] = {
        {{{0, 0, 1, 0}}, -1},              /* magic */
        {{{0, 4, 1, 1}}, -1},              /* ELFCLASS32 */
        {{{0, 5, 1, 2}}, -1},              /* big-endian */
        {{{0, 16, 2, 1}}, -1},             /* ET_REL */
        {{{0, E_SHOFF, 8, BIG}}, -1},      /* section headers off the end */
        {{{0, E_SHOFF, 8, NEAR_END}}, -1}, /* section headers cut short */
        {{{0, E_SHNUM, 2, 0xfeff}}, -1},   /* too many sections */
        {{{0, E_SHENTSIZE, 2, 40}}, -1},   /* wrong entry size */
        {{{0, E_PHOFF, 8, BIG}}, -1},      /* program headers off the end */
        {{{0, E_PHNUM, 2, 0}}, -1},        /* no program headers */
        {{{0, E_SHOFF, 8, 0}}, 0},         /* no section headers */
        {{{SHT_DYNSYM, SH_OFFSET, 8, BIG}}, 3}, /* .symtab has them all */
        {{{SHT_DYNSYM, SH_LINK, 4, 99}}, 3},
        {{{SHT_DYNSYM, SH_LINK, 4, 1}}, 3}, /* link to a non-STRTAB */
        {{{SHT_DYNSYM, SH_SIZE, 8, BIG}}, 3},
        {{{SHT_SYMTAB, SH_OFFSET, 8, BIG}}, 2}, /* the LOCAL one is lost */
        {{{SHT_SYMTAB, SH_SIZE, 8, BIG}}, 2},
        {{{SHT_SYMTAB, SH_SIZE, 8, 23}}, 2}, /* less than one symbol */
        {{{SHT_SYMTAB, 56, 8, 16}}, 2},      /* sh_entsize */
        {{{SHT_DYNSYM, SH_OFFSET, 8, BIG}, {SHT_SYMTAB, SH_OFFSET, 8, BIG}}, 0},
        {{{SHT_DYNSYM, SH_TYPE, 4, 1}, {SHT_SYMTAB, SH_TYPE, 4, 1}}, 0},
};

/* Where a patch writes in buf; NULL for an unused patch. */
static unsigned char *patch_target(unsigned char *buf, const struct patch *p)
{
	if (p->size == 0)
		return NULL;
	if (p->section == 0)
		return buf + p->offset;
	return section_of_type(buf, p->section) + p->offset;
}

START_TEST(test_corruption)
{
	const struct corruption *c = &CORRUPTIONS[_i];
	struct elf_symbol_query q[N_QUERIES];
	unsigned char *copy = malloc(fixture_size);
	unsigned char *at[2];

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, fixture, fixture_size);
	/* Find both places first: a patch may change a section's type. */
	for (int i = 0; i < 2; i++)
		at[i] = patch_target(copy, &c->patches[i]);
	for (int i = 0; i < 2; i++) {
		uint64_t value = c->patches[i].value;

		if (value == NEAR_END)
			value = fixture_size - SHDR_SIZE;
		if (at[i] != NULL)
			put_le(at[i], c->patches[i].size, value);
	}
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), c->found);
	free(copy);
}
END_TEST

/* The symbol called name in the fixture's table of the given type, in buf. */
static unsigned char *symbol_entry(unsigned char *buf, uint32_t type,
                                   const char *name)
{
	unsigned char *sh = section_of_type(buf, type);
	unsigned char *strtab_sh = buf + get_le(buf + E_SHOFF, 8) +
	                           get_le(sh + SH_LINK, 4) * SHDR_SIZE;
	const char *strings =
	        (const char *)buf + get_le(strtab_sh + SH_OFFSET, 8);
	unsigned char *symbols = buf + get_le(sh + SH_OFFSET, 8);
	uint64_t count = get_le(sh + SH_SIZE, 8) / SYM_SIZE;

	for (uint64_t i = 0; i < count; i++) {
		unsigned char *sym = symbols + i * SYM_SIZE;

		if (strcmp(strings + get_le(sym + ST_NAME, 4), name) == 0)
			return sym;
	}
	ck_abort_msg("fixture has no symbol %s", name);
	return NULL;
}

/* Undefined symbols and symbols that are neither objects nor functions are
 * no answer. */
START_TEST(test_only_definitions)
{
	struct elf_symbol_query q[N_QUERIES];
	unsigned char *copy = malloc(fixture_size);
	static const uint32_t tables[] = {SHT_DYNSYM, SHT_SYMTAB};

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, fixture, fixture_size);
	for (int t = 0; t < 2; t++) {
		unsigned char *object =
		        symbol_entry(copy, tables[t], GLOBAL_SYMBOL);
		unsigned char *func =
		        symbol_entry(copy, tables[t], GLOBAL_FUNC);

		put_le(object + ST_SHNDX, 2, 0); /* SHN_UNDEF */
		put_le(func + ST_INFO, 1, 0x10); /* GLOBAL NOTYPE */
	}
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), 1);
	ck_assert_uint_eq(q[0].value, 0);
	ck_assert_uint_eq(q[1].value, 0);
	ck_assert_uint_ne(q[2].value, 0);
	free(copy);
}
END_TEST

/* With .dynsym gone and the LOCAL symbol renamed to the GLOBAL one's name
 * (it comes first in .symtab), the GLOBAL definition still wins. */
START_TEST(test_global_wins_over_local)
{
	struct elf_symbol_query q[N_QUERIES], good[N_QUERIES];
	unsigned char *copy = malloc(fixture_size);
	unsigned char *local, *global;

	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(look_up(FIXTURE, good), 3);
	memcpy(copy, fixture, fixture_size);
	local = symbol_entry(copy, SHT_SYMTAB, LOCAL_SYMBOL);
	global = symbol_entry(copy, SHT_SYMTAB, GLOBAL_SYMBOL);
	ck_assert(local < global);
	memcpy(local + ST_NAME, global + ST_NAME, 4);
	put_le(section_of_type(copy, SHT_DYNSYM) + SH_TYPE, 4, 1);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), 2);
	ck_assert_uint_eq(q[0].value, good[0].value);
	ck_assert_uint_eq(q[0].size, good[0].size);
	ck_assert_uint_eq(q[2].value, 0);
	free(copy);
}
END_TEST

/* .strtab cut just before the NUL ending the LOCAL symbol's name: that name
 * runs past the table and is not read; the names in .dynsym still are. */
START_TEST(test_unterminated_strings)
{
	struct elf_symbol_query q[N_QUERIES];
	unsigned char *copy = malloc(fixture_size);
	unsigned char *symtab, *strtab, *local;
	uint64_t end;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, fixture, fixture_size);
	symtab = section_of_type(copy, SHT_SYMTAB);
	strtab = copy + get_le(copy + E_SHOFF, 8) +
	         get_le(symtab + SH_LINK, 4) * SHDR_SIZE;
	local = symbol_entry(copy, SHT_SYMTAB, LOCAL_SYMBOL);
	end = get_le(local + ST_NAME, 4) + strlen(LOCAL_SYMBOL);
	put_le(strtab + SH_SIZE, 8, end);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), 2);
	ck_assert_uint_eq(q[2].value, 0);
	put_le(strtab + SH_SIZE, 8, end + 1);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), 3);
	free(copy);
}
END_TEST

/* The fixture's two PT_LOAD headers moved: the lowest p_vaddr, rounded down
 * to its p_align, is the first load address. */
START_TEST(test_first_load_vaddr)
{
	struct elf_symbol_query q[N_QUERIES];
	struct elf_info info = {0};
	unsigned char *copy = malloc(fixture_size);
	unsigned char *load[2];

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, fixture, fixture_size);
	load[0] = copy + get_le(copy + E_PHOFF, 8);
	load[1] = load[0] + PHDR_SIZE;
	ck_assert_uint_eq(get_le(load[0] + P_TYPE, 4), PT_LOAD);
	ck_assert_uint_eq(get_le(load[1] + P_TYPE, 4), PT_LOAD);
	put_le(load[0] + P_VADDR, 8, 0x401234);
	put_le(load[1] + P_VADDR, 8, 0x402f00);
	write_temp(copy, fixture_size);
	init_queries(q);
	ck_assert_int_eq(elf_lookup(temp_path, q, N_QUERIES, &info), 3);
	ck_assert_uint_eq(info.first_load_vaddr, 0x401000);
	put_le(load[1] + P_VADDR, 8, 0x200f00);
	put_le(load[1] + P_ALIGN, 8, 0x200000);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(elf_lookup(temp_path, q, N_QUERIES, &info), 3);
	ck_assert_uint_eq(info.first_load_vaddr, 0x200000);
	put_le(load[0] + P_TYPE, 4, 0);
	put_le(load[1] + P_TYPE, 4, 0);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(elf_lookup(temp_path, q, N_QUERIES, &info), -1);
	free(copy);
}
END_TEST

/* More than 0xff00 sections or 0xffff program headers: the counts move to
 * section 0, and must be read from there. */
START_TEST(test_extended_counts)
{
	struct elf_symbol_query q[N_QUERIES];
	unsigned char *copy = malloc(fixture_size);
	unsigned char *sh0;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, fixture, fixture_size);
	sh0 = copy + get_le(copy + E_SHOFF, 8);
	put_le(sh0 + SH_SIZE, 8, get_le(copy + E_SHNUM, 2));
	put_le(sh0 + SH_INFO, 4, get_le(copy + E_PHNUM, 2));
	put_le(copy + E_SHNUM, 2, 0);
	put_le(copy + E_PHNUM, 2, 0xffff);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), 3);
	put_le(sh0 + SH_INFO, 4, 0xffffffffu);
	write_temp(copy, fixture_size);
	ck_assert_int_eq(look_up(temp_path, q), -1);
	free(copy);
}
END_TEST

Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("lookup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fixture_symbols);
	tcase_add_test(tc, test_no_queries);
	tcase_add_test(tc, test_writable_span_and_section);
	tcase_add_test(tc, test_info_is_optional);
#if defined(__x86_64__)
	tcase_add_test(tc, test_values_match_loader);
#endif
	tcase_add_test(tc, test_unreadable_paths);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_random_corruption);
	tcase_add_loop_test(tc, test_corruption, 0,
	                    sizeof(CORRUPTIONS) / sizeof(*CORRUPTIONS));
	tcase_add_test(tc, test_unterminated_strings);
	tcase_add_test(tc, test_only_definitions);
	tcase_add_test(tc, test_global_wins_over_local);
	tcase_add_test(tc, test_first_load_vaddr);
	tcase_add_test(tc, test_extended_counts);
	suite_add_tcase(s, tc);
	return s;
}
