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
#include "procfs.h"

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
	SYM_COUNT,
};

static const char *const symbol_names[SYM_COUNT] = {
        "_PyRuntime",  "Py_Version",     "interp_head",
        "PyCode_Type", "PyUnicode_Type", "PyBytes_Type",
};

struct candidate {
	struct mapped_file file;
	uint64_t bias;
	uint64_t symbols[SYM_COUNT]; /* run-time addresses, 0 when absent */
};

/* Remember the last file looked up, so that polling a starting process does
 * not parse the same ELF file again and again. */
static struct {
	char path[PATH_MAX];
	int found;
	uint64_t first_load_vaddr;
	uint64_t values[SYM_COUNT];
} last_lookup;

static int lookup_symbols(pid_t pid, struct candidate *c)
{
	if (strcmp(last_lookup.path, c->file.path) != 0) {
		char on_disk[PATH_MAX + 32];
		struct elf_symbol_query q[SYM_COUNT];
		struct elf_info info = {0};
		for (int i = 0; i < SYM_COUNT; i++)
			q[i] = (struct elf_symbol_query){
			        .name = symbol_names[i]};
		procfs_root_path(pid, c->file.path, on_disk, sizeof on_disk);
		last_lookup.found = elf_lookup(on_disk, q, SYM_COUNT, &info);
		last_lookup.first_load_vaddr = info.first_load_vaddr;
		for (int i = 0; i < SYM_COUNT; i++)
			last_lookup.values[i] = q[i].value;
		snprintf(last_lookup.path, sizeof last_lookup.path, "%s",
		         c->file.path);
	}
	if (last_lookup.found <= 0)
		return -1;
	c->bias = c->file.start - last_lookup.first_load_vaddr;
	for (int i = 0; i < SYM_COUNT; i++)
		c->symbols[i] = last_lookup.values[i]
		                        ? last_lookup.values[i] + c->bias
		                        : 0;
	return 0;
}

static int has_runtime(const struct candidate *c)
{
	return c->symbols[SYM_RUNTIME] || c->symbols[SYM_INTERP_HEAD];
}

/* The file holding the runtime: a libpython if one is mapped, else the
 * executable. Returns 0 when found. */
static int find_candidate(pid_t pid, struct candidate *c, int *shared)
{
	static struct mapped_file files[MAX_MAPPED_FILES];
	int n = procfs_mapped_files(pid, "libpython", files, MAX_MAPPED_FILES);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		c->file = files[i];
		if (lookup_symbols(pid, c) == 0 && has_runtime(c)) {
			*shared = 1;
			return 0;
		}
	}
	char exe[PATH_MAX];
	if (procfs_exe(pid, exe, sizeof exe))
		return -1;
	n = procfs_mapped_files(pid, NULL, files, MAX_MAPPED_FILES);
	for (int i = 0; i < n; i++) {
		if (strcmp(files[i].path, exe) != 0)
			continue;
		c->file = files[i];
		*shared = 0;
		return lookup_symbols(pid, c) == 0 && has_runtime(c) ? 0 : 1;
	}
	return 1;
}

/* "libpython3.9.so.1.0", "python3.9": the X.Y in a file name. */
static int version_from_name(const char *path, unsigned *major, unsigned *minor)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *v = strstr(base, "python");
	return v && sscanf(v + 6, "%u.%u", major, minor) == 2 ? 0 : -1;
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
                                     const struct candidate *c,
                                     struct py_runtime *rt, char *why,
                                     size_t len)
{
	rt->micro = 0;
	if (c->symbols[SYM_VERSION]) {
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

static enum py_status choose_layout(const struct remote *remote,
                                    struct py_runtime *rt, char *why,
                                    size_t len)
{
	if (rt->major == 3 && rt->minor >= 13) {
		uint8_t *block = malloc(DEBUG_OFFSETS_READ);
		if (!block)
			return PY_NOT_YET;
		ssize_t n = remote_read_some(remote, rt->addr, block,
		                             DEBUG_OFFSETS_READ);
		int bad = n <= 0 || layout_from_debug_offsets(block, (size_t)n,
		                                              &rt->layout) != 0;
		free(block);
		if (n < 0)
			return read_failure(why, len, "_Py_DebugOffsets");
		if (!bad)
			return PY_FOUND;
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
		         "CPython 3.8 to 3.13)",
		         rt->major, rt->minor);
		return PY_UNSUPPORTED;
	}
	rt->layout = *table;
	return PY_FOUND;
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
	struct candidate c;
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
	if (!c.symbols[SYM_RUNTIME]) {
		/* interp_head alone: CPython 3.6 or older. */
		unsigned major = 0, minor = 0;
		version_from_name(c.file.path, &major, &minor);
		snprintf(why, why_len,
		         "unsupported Python version %u.%u (austinc reads "
		         "CPython 3.8 to 3.13)",
		         major, minor);
		return PY_UNSUPPORTED;
	}
	rt->addr = c.symbols[SYM_RUNTIME];
	snprintf(rt->path, sizeof rt->path, "%s", c.file.path);
	rt->types = (struct py_types){.code = c.symbols[SYM_CODE_TYPE],
	                              .unicode = c.symbols[SYM_UNICODE_TYPE],
	                              .bytes = c.symbols[SYM_BYTES_TYPE]};
	enum py_status st = detect_version(remote, &c, rt, why, why_len);
	if (st == PY_FOUND)
		st = choose_layout(remote, rt, why, why_len);
	if (st == PY_FOUND)
		st = check_initialised(remote, rt, why, why_len);
	/* The runtime symbol is there: whatever could not be read yet (the
	 * loader still mapping the library), this is a Python starting up. */
	return st == PY_NOT_YET ? PY_STARTING : st;
}
