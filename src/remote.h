/* Reading another process's memory, or a fake memory image for tests.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_REMOTE_H
#define AUSTINC_REMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One region of a fake address space (tests and fuzzing). */
struct fake_region {
	uint64_t addr;
	size_t len;
	const void *data;
};

struct remote {
	pid_t pid;
	/* When set, reads come from these regions instead of a process. */
	const struct fake_region *fake;
	size_t n_fake;
	/* When set (tests), counts the system calls the fake reads stand
	 * for: one per remote_read_some or remote_readv. */
	unsigned long *fake_calls;
};

void remote_init(struct remote *r, pid_t pid);
void remote_init_fake(struct remote *r, const struct fake_region *regions,
                      size_t n);

/* Copy len bytes at remote address addr into buf. Returns 0 on success and
 * -1 on failure with errno set: ESRCH when the process is gone, EPERM when we
 * may not read it, EFAULT for an address outside its mappings (a short read
 * counts as EFAULT). */
int remote_read(const struct remote *r, uint64_t addr, void *buf, size_t len);

/* Read up to len bytes, returning how many were read (a read that stops at
 * the end of a mapping is not an error), or -1 with errno set. */
ssize_t remote_read_some(const struct remote *r, uint64_t addr, void *buf,
                         size_t len);

/* Read several remote regions into one local buffer in a single system call
 * (fake backend: region by region). Returns the bytes read or -1 with errno
 * set; like process_vm_readv, it stops at the first region it cannot read
 * in full and never reads part of one. */
struct iovec;
ssize_t remote_readv(const struct remote *r, const struct iovec *local,
                     const struct iovec *remote, size_t n);

/* A cheap plausibility test for a pointer read from the target: non-null,
 * pointer-aligned and in the user half of the address space. */
static inline int remote_plausible(uint64_t addr)
{
	return addr >= 4096 && addr < 0x800000000000ull && (addr & 7) == 0;
}

#endif
