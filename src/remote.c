/* Reading another process's memory with process_vm_readv.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "remote.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

void remote_init(struct remote *r, pid_t pid)
{
	r->pid = pid;
	r->fake = NULL;
	r->n_fake = 0;
	r->fake_calls = NULL;
}

void remote_init_fake(struct remote *r, const struct fake_region *regions,
                      size_t n)
{
	r->pid = 0;
	r->fake = regions;
	r->n_fake = n;
	r->fake_calls = NULL;
}

static void count_fake_call(const struct remote *r)
{
	if (r->fake_calls)
		++*r->fake_calls;
}

static ssize_t fake_read(const struct remote *r, uint64_t addr, void *buf,
                         size_t len)
{
	for (size_t i = 0; i < r->n_fake; i++) {
		const struct fake_region *reg = &r->fake[i];
		if (addr < reg->addr || addr - reg->addr >= reg->len)
			continue;
		size_t avail = reg->len - (size_t)(addr - reg->addr);
		size_t n = len < avail ? len : avail;
		memcpy(buf, (const char *)reg->data + (addr - reg->addr), n);
		return (ssize_t)n;
	}
	errno = EFAULT;
	return -1;
}

ssize_t remote_read_some(const struct remote *r, uint64_t addr, void *buf,
                         size_t len)
{
	if (len == 0)
		return 0;
	if (r->fake) {
		count_fake_call(r);
		return fake_read(r, addr, buf, len);
	}
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr,
	                       .iov_len = len};
	return process_vm_readv(r->pid, &local, 1, &remote, 1, 0);
}

int remote_read(const struct remote *r, uint64_t addr, void *buf, size_t len)
{
	ssize_t n = remote_read_some(r, addr, buf, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

ssize_t remote_readv(const struct remote *r, const struct iovec *local,
                     const struct iovec *remote, size_t n)
{
	if (!r->fake)
		return process_vm_readv(r->pid, local, 1, remote, n, 0);
	count_fake_call(r);
	size_t done = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = remote[i].iov_len;
		if (done + len > local->iov_len ||
		    fake_read(r, (uint64_t)(uintptr_t)remote[i].iov_base,
		              (char *)local->iov_base + done,
		              len) != (ssize_t)len)
			break;
		done += len;
	}
	if (done == 0 && n > 0 && remote[0].iov_len > 0)
		return -1;
	return (ssize_t)done;
}
