/* Symbols and load addresses of ELF files on disk.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The file is read with pread into buffers whose sizes are checked against
 * the file size first, and every field is decoded as little-endian bytes, so
 * neither a corrupt file nor the host's byte order can cause a read outside
 * what was read. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#else
#define _POSIX_C_SOURCE 200809L /* pread, O_CLOEXEC */
#endif

#include "elf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The ELF64 structures, as offsets and sizes of their fields. <elf.h> is
 * not used: this file's own header shadows it on the include path. */
enum {
	EHDR_SIZE = 64,
	PHDR_SIZE = 56,
	SHDR_SIZE = 64,
	SYM_SIZE = 24,
};

/* A field: its offset in the structure and its size in bytes. */
struct field {
	unsigned char offset, size;
};

static const struct field E_TYPE = {16, 2}, E_PHOFF = {32, 8},
                          E_SHOFF = {40, 8}, E_PHENTSIZE = {54, 2},
                          E_PHNUM = {56, 2}, E_SHENTSIZE = {58, 2},
                          E_SHNUM = {60, 2}, E_SHSTRNDX = {62, 2};
static const struct field P_TYPE = {0, 4}, P_FLAGS = {4, 4}, P_VADDR = {16, 8},
                          P_MEMSZ = {40, 8}, P_ALIGN = {48, 8};
static const struct field SH_NAME = {0, 4}, SH_TYPE = {4, 4}, SH_ADDR = {16, 8},
                          SH_OFFSET = {24, 8}, SH_SIZE = {32, 8},
                          SH_LINK = {40, 4}, SH_INFO = {44, 4},
                          SH_ENTSIZE = {56, 8};
static const struct field ST_NAME = {0, 4}, ST_INFO = {4, 1}, ST_SHNDX = {6, 2},
                          ST_VALUE = {8, 8}, ST_SIZE = {16, 8};

/* The constants of the ELF specification that are used here. */
enum {
	EI_CLASS = 4,
	EI_DATA = 5,
	EI_VERSION = 6,
	ELFCLASS64 = 2,
	ELFDATA2LSB = 1,
	EV_CURRENT = 1,
	ET_EXEC = 2,
	ET_DYN = 3,
	PN_XNUM = 0xffff,
	PT_LOAD = 1,
	PF_W = 2,
	SHT_SYMTAB = 2,
	SHT_STRTAB = 3,
	SHT_DYNSYM = 11,
	SHN_UNDEF = 0,
	STB_LOCAL = 0,
	STB_GLOBAL = 1,
	STT_OBJECT = 1,
	STT_FUNC = 2,
};

static const unsigned char ELF_MAGIC[4] = {0x7f, 'E', 'L', 'F'};

/* An open ELF file and the tables read from it. */
struct elf_file {
	int fd;
	uint64_t size;
	unsigned char ehdr[EHDR_SIZE];
	unsigned char *shdrs; /* section header table, shnum entries */
	uint64_t shnum;
	uint64_t phnum;
};

/* One symbol table and its string table, as read from the file. */
struct symbol_table {
	unsigned char *symbols;
	uint64_t count;
	char *strings;
	uint64_t strings_size;
};

/* Per-query state while looking up: found, and found as a non-LOCAL. */
struct match {
	bool found;
	bool global;
};

/* The little-endian value of field f of the structure at p. */
static uint64_t get(const unsigned char *p, struct field f)
{
	uint64_t v = 0;

	for (unsigned i = f.size; i-- > 0;)
		v = v << 8 | p[f.offset + i];
	return v;
}

/* True when [offset, offset + size) lies inside the file. */
static bool in_file(const struct elf_file *f, uint64_t offset, uint64_t size)
{
	return offset <= f->size && size <= f->size - offset;
}

static int read_at(const struct elf_file *f, void *buf, uint64_t size,
                   uint64_t offset)
{
	unsigned char *p = buf;

	if (!in_file(f, offset, size))
		return -1;
	while (size > 0) {
		ssize_t got = pread(f->fd, p, size, (off_t)offset);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		size -= (uint64_t)got;
		offset += (uint64_t)got;
	}
	return 0;
}

/* count entries of entsize (> 0) bytes at offset, in a new buffer, or NULL
 * on error. No entries give a 1-byte buffer: NULL always means failure. */
static void *read_table(const struct elf_file *f, uint64_t offset,
                        uint64_t count, uint64_t entsize)
{
	uint64_t size;
	void *buf;

	if (count > f->size / entsize)
		return NULL; /* cannot fit, and count * entsize may overflow */
	size = count * entsize;
	buf = malloc(size > 0 ? size : 1);
	if (buf != NULL && read_at(f, buf, size, offset) < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool valid_ident(const unsigned char *ehdr)
{
	return memcmp(ehdr, ELF_MAGIC, sizeof(ELF_MAGIC)) == 0 &&
	       ehdr[EI_CLASS] == ELFCLASS64 && ehdr[EI_DATA] == ELFDATA2LSB &&
	       ehdr[EI_VERSION] == EV_CURRENT;
}

static int read_header(struct elf_file *f)
{
	uint64_t type;

	if (read_at(f, f->ehdr, sizeof(f->ehdr), 0) < 0 ||
	    !valid_ident(f->ehdr))
		return -1;
	type = get(f->ehdr, E_TYPE);
	if (type != ET_EXEC && type != ET_DYN)
		return -1;
	return 0;
}

/* Section 0 holds the real counts when they overflow the ELF header. */
static int read_extended_counts(struct elf_file *f, uint64_t shoff)
{
	unsigned char sh0[SHDR_SIZE];

	if (f->shnum != 0 && f->phnum != PN_XNUM)
		return 0;
	if (shoff == 0 || read_at(f, sh0, sizeof(sh0), shoff) < 0)
		return f->phnum == PN_XNUM ? -1 : 0;
	if (f->shnum == 0)
		f->shnum = get(sh0, SH_SIZE);
	if (f->phnum == PN_XNUM)
		f->phnum = get(sh0, SH_INFO);
	return 0;
}

/* Read the section header table; a file without one has no symbols. */
static int read_section_headers(struct elf_file *f)
{
	uint64_t shoff = get(f->ehdr, E_SHOFF);

	f->shnum = get(f->ehdr, E_SHNUM);
	f->phnum = get(f->ehdr, E_PHNUM);
	if (read_extended_counts(f, shoff) < 0)
		return -1;
	if (shoff == 0)
		f->shnum = 0;
	if (f->shnum > 0 && get(f->ehdr, E_SHENTSIZE) != SHDR_SIZE)
		return -1;
	f->shdrs = read_table(f, shoff, f->shnum, SHDR_SIZE);
	return f->shdrs == NULL ? -1 : 0;
}

static uint64_t round_down(uint64_t value, uint64_t align)
{
	return align > 1 ? value - value % align : value;
}

/* Widen [*start, *end) to cover the segment ph. */
static void widen(const unsigned char *ph, uint64_t *start, uint64_t *end)
{
	uint64_t v = get(ph, P_VADDR), memsz = get(ph, P_MEMSZ);

	if (*start == *end || v < *start)
		*start = v;
	if (v + memsz > *end && memsz <= UINT64_MAX - v)
		*end = v + memsz;
}

/* From the PT_LOAD segments: the lowest p_vaddr rounded down to its p_align,
 * and the span of the writable ones. -1 when there is no PT_LOAD or the
 * program headers lie outside the file. */
static int read_load_segments(const struct elf_file *f, uint64_t *vaddr,
                              struct elf_info *info)
{
	uint64_t phoff = get(f->ehdr, E_PHOFF), w_start = 0, w_end = 0;
	unsigned char *phdrs;
	bool found = false;

	if (f->phnum == 0 || get(f->ehdr, E_PHENTSIZE) != PHDR_SIZE)
		return -1;
	phdrs = read_table(f, phoff, f->phnum, PHDR_SIZE);
	if (phdrs == NULL)
		return -1;
	for (uint64_t i = 0; i < f->phnum; i++) {
		const unsigned char *ph = phdrs + i * PHDR_SIZE;
		uint64_t v = round_down(get(ph, P_VADDR), get(ph, P_ALIGN));

		if (get(ph, P_TYPE) != PT_LOAD)
			continue;
		if (!found || v < *vaddr)
			*vaddr = v;
		found = true;
		if (get(ph, P_FLAGS) & PF_W)
			widen(ph, &w_start, &w_end);
	}
	free(phdrs);
	info->writable_vaddr = w_start;
	info->writable_size = w_end - w_start;
	return found ? 0 : -1;
}

static const unsigned char *section(const struct elf_file *f, uint64_t i)
{
	return f->shdrs + i * SHDR_SIZE;
}

static bool has_section_type(const struct elf_file *f, uint32_t type)
{
	for (uint64_t i = 0; i < f->shnum; i++)
		if (get(section(f, i), SH_TYPE) == type)
			return true;
	return false;
}

/* The section called name, from the section-name string table (which
 * strip keeps); NULL when there is none. */
static const unsigned char *section_named(const struct elf_file *f,
                                          const char *name)
{
	uint64_t strndx = get(f->ehdr, E_SHSTRNDX);
	const unsigned char *names, *found = NULL;
	char *strings;
	uint64_t size;

	if (strndx == 0 || strndx >= f->shnum)
		return NULL;
	names = section(f, strndx);
	size = get(names, SH_SIZE);
	strings = read_table(f, get(names, SH_OFFSET), size, 1);
	if (strings == NULL)
		return NULL;
	for (uint64_t i = 0; i < f->shnum && !found; i++) {
		uint64_t at = get(section(f, i), SH_NAME);

		if (at < size && strlen(name) < size - at &&
		    memcmp(strings + at, name, strlen(name) + 1) == 0)
			found = section(f, i);
	}
	free(strings);
	return found;
}

static void locate_section(const struct elf_file *f, struct elf_info *info)
{
	const unsigned char *s = info->section_name
	                                 ? section_named(f, info->section_name)
	                                 : NULL;

	info->section_vaddr = s ? get(s, SH_ADDR) : 0;
	info->section_size = s ? get(s, SH_SIZE) : 0;
}

static void free_symbol_table(struct symbol_table *t)
{
	free(t->symbols);
	free(t->strings);
	memset(t, 0, sizeof(*t));
}

/* Read the symbols of section sym and the strings of the section it links
 * to; -1 when either is malformed or outside the file. */
static int read_symbol_table(const struct elf_file *f, const unsigned char *sym,
                             struct symbol_table *t)
{
	uint64_t link = get(sym, SH_LINK);
	const unsigned char *str;

	memset(t, 0, sizeof(*t));
	if (get(sym, SH_ENTSIZE) != SYM_SIZE || link == 0 || link >= f->shnum)
		return -1;
	str = section(f, link);
	if (get(str, SH_TYPE) != SHT_STRTAB)
		return -1;
	t->count = get(sym, SH_SIZE) / SYM_SIZE;
	t->strings_size = get(str, SH_SIZE);
	t->symbols = read_table(f, get(sym, SH_OFFSET), t->count, SYM_SIZE);
	t->strings = read_table(f, get(str, SH_OFFSET), t->strings_size, 1);
	if (t->symbols == NULL || t->strings == NULL) {
		free_symbol_table(t);
		return -1;
	}
	return 0;
}

/* The NUL-terminated name at offset in the string table, or NULL. */
static const char *symbol_name(const struct symbol_table *t, uint64_t offset)
{
	if (offset >= t->strings_size ||
	    memchr(t->strings + offset, '\0', t->strings_size - offset) == NULL)
		return NULL;
	return t->strings + offset;
}

/* Whether a symbol defines an object or a function we may report. */
static bool is_definition(const unsigned char *s)
{
	unsigned info = (unsigned)get(s, ST_INFO);
	unsigned bind = info >> 4, type = info & 0xf;

	return (bind == STB_GLOBAL || bind == STB_LOCAL) &&
	       (type == STT_OBJECT || type == STT_FUNC) &&
	       get(s, ST_SHNDX) != SHN_UNDEF;
}

/* Record symbol s for every query it answers better than what was found:
 * a first match, or a GLOBAL one replacing a LOCAL one. */
static void match_symbol(const unsigned char *s, const char *name,
                         struct elf_symbol_query *queries,
                         struct match *matches, size_t n)
{
	bool global = get(s, ST_INFO) >> 4 != STB_LOCAL;

	for (size_t q = 0; q < n; q++) {
		if (matches[q].global || (matches[q].found && !global) ||
		    queries[q].name == NULL ||
		    strcmp(queries[q].name, name) != 0)
			continue;
		queries[q].value = get(s, ST_VALUE);
		queries[q].size = get(s, ST_SIZE);
		matches[q].found = true;
		matches[q].global = global;
	}
}

static void search_table(const struct symbol_table *t,
                         struct elf_symbol_query *queries,
                         struct match *matches, size_t n)
{
	for (uint64_t i = 0; i < t->count; i++) {
		const unsigned char *s = t->symbols + i * SYM_SIZE;
		const char *name;

		if (!is_definition(s))
			continue;
		name = symbol_name(t, get(s, ST_NAME));
		if (name != NULL && *name != '\0')
			match_symbol(s, name, queries, matches, n);
	}
}

/* Search every section of the given type that reads back well. */
static void search_sections(const struct elf_file *f, uint32_t type,
                            struct elf_symbol_query *queries,
                            struct match *matches, size_t n)
{
	for (uint64_t i = 0; i < f->shnum; i++) {
		struct symbol_table t;

		if (get(section(f, i), SH_TYPE) != type ||
		    read_symbol_table(f, section(f, i), &t) < 0)
			continue;
		search_table(&t, queries, matches, n);
		free_symbol_table(&t);
	}
}

static bool all_global(const struct match *matches, size_t n)
{
	for (size_t q = 0; q < n; q++)
		if (!matches[q].global)
			return false;
	return true;
}

static int count_found(const struct match *matches, size_t n)
{
	int found = 0;

	for (size_t q = 0; q < n; q++)
		found += matches[q].found;
	return found;
}

/* .dynsym first; .symtab only for what is still missing or LOCAL. */
static int look_up_symbols(const struct elf_file *f,
                           struct elf_symbol_query *queries, size_t n)
{
	struct match *matches = calloc(n ? n : 1, sizeof(*matches));
	int found;

	if (matches == NULL)
		return -1;
	search_sections(f, SHT_DYNSYM, queries, matches, n);
	if (!all_global(matches, n))
		search_sections(f, SHT_SYMTAB, queries, matches, n);
	found = count_found(matches, n);
	free(matches);
	return found;
}

static void clear_queries(struct elf_symbol_query *queries, size_t n)
{
	for (size_t q = 0; q < n; q++) {
		queries[q].value = 0;
		queries[q].size = 0;
	}
}

static int open_elf(const char *path, struct elf_file *f)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return -1;
	if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(f->fd);
		return -1;
	}
	f->size = (uint64_t)st.st_size;
	return 0;
}

static void close_elf(struct elf_file *f)
{
	free(f->shdrs);
	close(f->fd);
}

int elf_lookup(const char *path, struct elf_symbol_query *queries, size_t n,
               struct elf_info *info)
{
	struct elf_info scratch = {0};
	struct elf_file f;
	uint64_t vaddr = 0;
	int found = -1;

	if (info == NULL)
		info = &scratch;
	clear_queries(queries, n);
	if (path == NULL || open_elf(path, &f) < 0)
		return -1;
	if (read_header(&f) == 0 && read_section_headers(&f) == 0 &&
	    read_load_segments(&f, &vaddr, info) == 0)
		found = look_up_symbols(&f, queries, n);
	if (found >= 0) {
		info->first_load_vaddr = vaddr;
		info->has_symtab = has_section_type(&f, SHT_SYMTAB);
		locate_section(&f, info);
	}
	close_elf(&f);
	return found;
}
