/* Symbols and load addresses of ELF files on disk.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_ELF_H
#define AUSTINC_ELF_H

#include <stddef.h>
#include <stdint.h>

struct elf_symbol_query {
	const char *name; /* in */
	uint64_t value;   /* out: st_value, 0 when absent */
	uint64_t size;    /* out: st_size */
};

struct elf_info {
	/* p_vaddr of the first PT_LOAD segment rounded down to its alignment:
	 * the run-time address of the mapping at file offset 0 minus this is
	 * the load bias to add to symbol values. */
	uint64_t first_load_vaddr;
	int has_symtab; /* a .symtab section was present */
	/* The span of the writable PT_LOAD segments (.data, .bss and the
	 * like), link-time addresses: where a stripped file's globals are. */
	uint64_t writable_vaddr, writable_size;
	/* in: the name of a section to locate, or NULL; out: its link-time
	 * address and size, both 0 when the file has no such section. */
	const char *section_name;
	uint64_t section_vaddr, section_size;
};

/* Look up the queried symbols (GLOBAL or LOCAL object/func symbols in .dynsym
 * and .symtab) in the ELF file at path. Returns the number of symbols found
 * (0..n), or -1 when the file cannot be read or is not a valid 64-bit
 * little-endian ELF file. Every offset in the file is bounds-checked: a
 * corrupt file gives -1 or fewer symbols, never a crash. info, when not
 * NULL, receives what else is known of the file (see struct elf_info). */
int elf_lookup(const char *path, struct elf_symbol_query *queries, size_t n,
               struct elf_info *info);

#endif
