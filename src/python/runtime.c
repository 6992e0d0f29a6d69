/* Runtime discovery: the libpython mapping or the executable, its symbols,
 * the version, and the layout to read it with.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "log.h"
#include "procfs.h"
#include "python/scan.h"

#define MAX_MAPPED_FILES 512
/* Enough for any _Py_DebugOffsets block seen so far (3.13: 0x2d0 bytes). */
#define DEBUG_OFFSETS_READ 4096

enum symbol_index {
	SYM_RUNTIME,
	SYM_VERSION,
	SYM_INTERP_HEAD,
	SYM_CODE_TYPE,
	SYM_UNICODE_TYPE,
	SYM_BYTES_TYPE,
	SYM_STRING_TYPE,
	SYM_TSTATE_CURRENT,
	SYM_GC_COLLECTING,
	SYM_COUNT,
};

/* Before 3.7 the runtime's parts are globals of their own source files:
 * interp_head in pystate.c and collecting in gcmodule.c are statics, found
 * in .symtab (which shared builds keep); _PyThreadState_Current is
 * exported. 2.7's str is PyString_Type (its PyBytes_Type is a macro). */
static const char *const symbol_names[SYM_COUNT] = {
        "_PyRuntime",     "Py_Version",
        "interp_head",    "PyCode_Type",
        "PyUnicode_Type", "PyBytes_Type",
        "PyString_Type",  "_PyThreadState_Current",
        "collecting",
};

/* CPython 3.10+ puts _PyRuntime alone in a section of this name, which
 * survives strip. */
#define RUNTIME_SECTION ".PyRuntime"

/* A mapped file that may hold the runtime (libpython, or the executable),
 * with its symbols. */
struct runtime_candidate {
	struct mapped_file file;
	uint64_t bias;
	uint64_t symbols[SYM_COUNT]; /* run-time addresses, 0 when absent */
	uint64_t sizes[SYM_COUNT];   /* st_size */
	/* No runtime symbol: the runtime is searched for in this area, the
	 * runtime section if there is one, else the writable data. */
	int stripped;
	int has_section; /* RUNTIME_SECTION */
	struct scan_area area;
};

/* Remember the last file looked up, so that polling a starting process does
 * not parse the same ELF file again and again. */
static struct {
	char path[PATH_MAX];
	int found;
	struct elf_info info;
	uint64_t values[SYM_COUNT];
	uint64_t sizes[SYM_COUNT];
} last_lookup;

/* Where a stripped file's runtime may be, at run-time addresses. */
static void set_scan_area(struct runtime_candidate *c,
                          const struct elf_info *info)
{
	int in_section = info->section_size > 0;
	c->has_section = in_section;
	c->area = (struct scan_area){
	        .start = c->bias + (in_section ? info->section_vaddr
	                                       : info->writable_vaddr),
	        .size = in_section ? info->section_size : info->writable_size,
	        .file_start = c->file.start,
	        .file_end = c->file.end,
	};
}

static int lookup_symbols(pid_t pid, struct runtime_candidate *c)
{
	if (strcmp(last_lookup.path, c->file.path) != 0) {
		char on_disk[PATH_MAX + 32];
		struct elf_symbol_query q[SYM_COUNT];
		struct elf_info *info = &last_lookup.info;
		for (int i = 0; i < SYM_COUNT; i++)
			q[i] = (struct elf_symbol_query){
			        .name = symbol_names[i]};
		procfs_root_path(pid, c->file.path, on_disk, sizeof on_disk);
		*info = (struct elf_info){.section_name = RUNTIME_SECTION};
		last_lookup.found = elf_lookup(on_disk, q, SYM_COUNT, info);
		for (int i = 0; i < SYM_COUNT; i++) {
			last_lookup.values[i] = q[i].value;
			last_lookup.sizes[i] = q[i].size;
		}
		snprintf(last_lookup.path, sizeof last_lookup.path, "%s",
		         c->file.path);
	}
	if (last_lookup.found < 0)
		return -1;
	c->bias = c->file.start - last_lookup.info.first_load_vaddr;
	set_scan_area(c, &last_lookup.info);
	for (int i = 0; i < SYM_COUNT; i++) {
		c->symbols[i] = last_lookup.values[i]
		                        ? last_lookup.values[i] + c->bias
		                        : 0;
		c->sizes[i] = last_lookup.sizes[i];
	}
	return 0;
}

static int has_runtime(const struct runtime_candidate *c)
{
	return c->symbols[SYM_RUNTIME] || c->symbols[SYM_INTERP_HEAD];
}

/* "libpython3.9.so.1.0", "python3.9": the X.Y in a file name. */
static int version_from_name(const char *path, unsigned *major, unsigned *minor)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *v = strstr(base, "python");
	return v && sscanf(v + 6, "%u.%u", major, minor) == 2 ? 0 : -1;
}

/* Could a file without runtime symbols hold a stripped runtime? Only one
 * with the runtime section or named for a Python version is searched. */
static int may_hold_runtime(const struct runtime_candidate *c)
{
	unsigned major, minor;
	return c->area.size > 0 &&
	       (c->has_section ||
	        version_from_name(c->file.path, &major, &minor) == 0);
}

/* Look file up as a candidate: 0 when it has the runtime symbols; else,
 * when it may hold a stripped runtime, keep it in *stripped (the first
 * such file only). */
static int consider(pid_t pid, const struct mapped_file *file, int shared,
                    struct runtime_candidate *c,
                    struct runtime_candidate *stripped, int *stripped_shared)
{
	c->file = *file;
	if (lookup_symbols(pid, c) != 0)
		return 1;
	if (has_runtime(c))
		return 0;
	if (!stripped->stripped && may_hold_runtime(c)) {
		*stripped = *c;
		stripped->stripped = 1;
		*stripped_shared = shared;
	}
	return 1;
}

/* The file holding the runtime: a libpython if one is mapped, else the
 * executable; failing both, one of them without symbols. Returns 0 when
 * found. */
static int find_candidate(pid_t pid, struct runtime_candidate *c, int *shared)
{
	static struct mapped_file files[MAX_MAPPED_FILES];
	static struct runtime_candidate stripped;
	int stripped_shared = 0;
	stripped.stripped = 0;
	int n = procfs_mapped_files(pid, "libpython", files, MAX_MAPPED_FILES);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (consider(pid, &files[i], 1, c, &stripped,
		             &stripped_shared) == 0) {
			*shared = 1;
			return 0;
		}
	char exe[PATH_MAX];
	if (procfs_exe(pid, exe, sizeof exe))
		return -1;
	n = procfs_mapped_files(pid, NULL, files, MAX_MAPPED_FILES);
	for (int i = 0; i < n; i++)
		if (strcmp(files[i].path, exe) == 0 &&
		    consider(pid, &files[i], 0, c, &stripped,
		             &stripped_shared) == 0) {
			*shared = 0;
			return 0;
		}
	if (!stripped.stripped)
		return 1;
	*c = stripped;
	*shared = stripped_shared;
	return 0;
}

static enum py_status read_failure(char *why, size_t len, const char *what)
{
	if (errno == ESRCH) {
		snprintf(why, len, "the process has exited");
		return PY_GONE;
	}
	if (errno == EPERM || errno == EACCES) {
		snprintf(why, len, "permission denied reading %s", what);
		return PY_DENIED;
	}
	snprintf(why, len, "cannot read %s: %s", what, strerror(errno));
	return PY_NOT_YET;
}

static enum py_status detect_version(const struct remote *remote,
                                     const struct runtime_candidate *c,
                                     struct py_runtime *rt, char *why,
                                     size_t len)
{
	rt->micro = 0;
	rt->has_micro = c->symbols[SYM_VERSION] != 0;
	if (rt->has_micro) {
		uint32_t hex;
		if (remote_read(remote, c->symbols[SYM_VERSION], &hex,
		                sizeof hex))
			return read_failure(why, len, "Py_Version");
		rt->major = hex >> 24;
		rt->minor = (hex >> 16) & 0xff;
		rt->micro = (hex >> 8) & 0xff;
		return PY_FOUND;
	}
	if (version_from_name(c->file.path, &rt->major, &rt->minor) == 0)
		return PY_FOUND;
	snprintf(why, len, "cannot tell the Python version of %s",
	         c->file.path);
	return PY_UNSUPPORTED;
}

/* A CPython newer than any austinc knows is read through its debug offsets
 * with a one-line warning, once per version (attach is retried while a
 * program starts, and -C meets the same interpreter again and again). */
static void warn_if_newer(const struct py_layout *layout)
{
	static unsigned warned_minor;
	char line[128];
	if (layout->minor != warned_minor &&
	    layout_newer_warning(layout, line, sizeof line)) {
		log_warning("%s", line);
		warned_minor = layout->minor;
	}
}

static enum py_status choose_layout(const struct remote *remote,
                                    struct py_runtime *rt, char *why,
                                    size_t len)
{
	if (rt->major == 3 && rt->minor >= 13) {
		uint8_t *block = malloc(DEBUG_OFFSETS_READ);
		if (!block) {
			snprintf(why, len, "out of memory");
			return PY_NO_MEMORY;
		}
		ssize_t n = remote_read_some(remote, rt->addr, block,
		                             DEBUG_OFFSETS_READ);
		int bad = n <= 0 || layout_from_debug_offsets(block, (size_t)n,
		                                              &rt->layout) != 0;
		free(block);
		if (n < 0)
			return read_failure(why, len, "_Py_DebugOffsets");
		if (!bad) {
			warn_if_newer(&rt->layout);
			return PY_FOUND;
		}
		snprintf(
		        why, len,
		        "Python %u.%u: no valid _Py_DebugOffsets in _PyRuntime",
		        rt->major, rt->minor);
		return PY_STARTING; /* the loader may still be mapping it */
	}
	const struct py_layout *table =
	        layout_for_version(rt->major, rt->minor);
	if (!table) {
		snprintf(why, len,
		         "unsupported Python version %u.%u (austinc reads "
		         "CPython 2.7 and 3.6 to 3.13)",
		         rt->major, rt->minor);
		return PY_UNSUPPORTED;
	}
	rt->layout = *table;
	return PY_FOUND;
}

/* A table for a version without _PyRuntime describes the interp_head
 * pointer as the runtime, with the head at offset 0; _PyRuntimeState has
 * other members first. */
static int layout_wants_interp_head(const struct py_layout *L)
{
	return L->runtime.interp_head == 0;
}

/* Does the symbol found match the layout chosen by the version? A file
 * named for one version that holds another's runtime is not read. */
static enum py_status check_shape(const struct runtime_candidate *c,
                                  const struct py_runtime *rt, char *why,
                                  size_t len)
{
	int has_runtime = c->symbols[SYM_RUNTIME] != 0;
	if (has_runtime != layout_wants_interp_head(&rt->layout))
		return PY_FOUND;
	snprintf(why, len,
	         "%s: Python %u.%u should have %s, but the file has %s",
	         c->file.path, rt->major, rt->minor,
	         has_runtime ? "interp_head" : "_PyRuntime",
	         has_runtime ? "_PyRuntime" : "interp_head");
	return PY_UNSUPPORTED;
}

/* The address of symbol i if it is an object of the given size, else 0:
 * the static names looked for are common words, and a variable of another
 * size is not the one meant. */
static uint64_t object_of_size(const struct runtime_candidate *c, int i,
                               uint64_t size)
{
	return c->sizes[i] == size ? c->symbols[i] : 0;
}

/* Where the process-wide GIL holder and collector flag are, if anywhere
 * (see struct py_runtime). */
static void locate_gil_and_gc(const struct runtime_candidate *c,
                              struct py_runtime *rt)
{
	const struct py_layout *L = &rt->layout;
	rt->gil_holder_at = rt->gil_locked_at = rt->gc_collecting_at = 0;
	if (L->runtime.gil_holder != LAYOUT_NONE)
		rt->gil_holder_at = rt->addr + L->runtime.gil_holder;
	if (L->runtime.gil_locked != LAYOUT_NONE)
		rt->gil_locked_at = rt->addr + L->runtime.gil_locked;
	if (L->runtime.gc_collecting != LAYOUT_NONE)
		rt->gc_collecting_at = rt->addr + L->runtime.gc_collecting;
	if (!layout_wants_interp_head(L))
		return;
	/* 3.6 has a gil_last_holder static too, but it creates its GIL only
	 * when a second thread starts: until then nothing records a holder
	 * there, while _PyThreadState_Current always names the running
	 * thread. */
	rt->gil_holder_at = object_of_size(c, SYM_TSTATE_CURRENT, 8);
	rt->gc_collecting_at = object_of_size(c, SYM_GC_COLLECTING, 4);
}

/* No symbol names the runtime: search the file's data for it (3.13+: its
 * debug offsets' cookie; before: a self-consistent runtime). */
static enum py_status scan_for_stripped(const struct remote *remote,
                                        const struct runtime_candidate *c,
                                        struct py_runtime *rt, char *why,
                                        size_t len)
{
	const struct py_layout *table =
	        layout_for_version(rt->major, rt->minor);
	if (rt->major == 3 && rt->minor >= 13)
		rt->addr = scan_for_debug_offsets(remote, &c->area);
	else if (table)
		rt->addr = scan_for_runtime(remote, table, rt->types.code,
		                            &c->area);
	else
		return choose_layout(remote, rt, why, len); /* says why not */
	if (rt->addr)
		return PY_FOUND;
	snprintf(why, len,
	         "%s has no runtime symbol, and no Python %u.%u runtime was "
	         "found in its data",
	         c->file.path, rt->major, rt->minor);
	return PY_STARTING; /* it may not be initialised yet */
}

/* Is the main interpreter up, with at least one thread? */
static enum py_status check_initialised(const struct remote *remote,
                                        const struct py_runtime *rt, char *why,
                                        size_t len)
{
	uint64_t interp = 0, tstate = 0;
	if (remote_read(remote, rt->addr + rt->layout.runtime.interp_head,
	                &interp, sizeof interp))
		return read_failure(why, len, "the Python runtime");
	if (interp == 0 ||
	    remote_read(remote, interp + rt->layout.interp.tstate_head, &tstate,
	                sizeof tstate) ||
	    tstate == 0) {
		snprintf(why, len, "the Python runtime is not initialised");
		return PY_STARTING;
	}
	return PY_FOUND;
}

enum py_status runtime_find(pid_t pid, const struct remote *remote,
                            struct py_runtime *rt, char *why, size_t why_len)
{
	struct runtime_candidate c;
	memset(&c, 0, sizeof c);
	int found = find_candidate(pid, &c, &rt->shared);
	if (found != 0) {
		if (found < 0 && errno == ENOENT) {
			errno = ESRCH; /* no /proc entry: no process */
			return read_failure(why, why_len, "the process");
		}
		if (found < 0 && errno == EACCES) {
			errno = EACCES;
			return read_failure(why, why_len, "/proc/PID/maps");
		}
		snprintf(why, why_len, "no Python runtime found");
		return PY_NOT_YET;
	}
	/* _PyRuntime from 3.7, interp_head before. */
	rt->addr = c.symbols[SYM_RUNTIME] ? c.symbols[SYM_RUNTIME]
	                                  : c.symbols[SYM_INTERP_HEAD];
	snprintf(rt->path, sizeof rt->path, "%s", c.file.path);
	uint64_t bytes_type = c.symbols[SYM_BYTES_TYPE]
	                              ? c.symbols[SYM_BYTES_TYPE]
	                              : c.symbols[SYM_STRING_TYPE];
	rt->types = (struct py_types){.code = c.symbols[SYM_CODE_TYPE],
	                              .unicode = c.symbols[SYM_UNICODE_TYPE],
	                              .bytes = bytes_type};
	enum py_status st = detect_version(remote, &c, rt, why, why_len);
	if (st == PY_FOUND && c.stripped)
		st = scan_for_stripped(remote, &c, rt, why, why_len);
	if (st == PY_FOUND)
		st = choose_layout(remote, rt, why, why_len);
	if (st == PY_FOUND && !c.stripped)
		st = check_shape(&c, rt, why, why_len);
	if (st == PY_FOUND) {
		locate_gil_and_gc(&c, rt);
		st = check_initialised(remote, rt, why, why_len);
	}
	/* The runtime symbol is there: whatever could not be read yet (the
	 * loader still mapping the library), this is a Python starting up. */
	return st == PY_NOT_YET ? PY_STARTING : st;
}
