/* What /proc tells about a process: its mapped files, its executable, its
 * resident memory and its descendants.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_PROCFS_H
#define AUSTINC_PROCFS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A file mapped into a process at file offset 0: where its image starts. */
struct mapped_file {
	uint64_t start;
	uint64_t end; /* end of the last mapping of this file */
	char path[PATH_MAX];
};

/* List the distinct files mapped at offset 0 whose base name starts with
 * prefix (NULL: every file), in address order. Returns how many were stored
 * (at most max), or -1 with errno set when the maps cannot be read. */
int procfs_mapped_files(pid_t pid, const char *prefix, struct mapped_file *out,
                        size_t max);

/* The path of the process's executable, as the process sees it. Returns 0 or
 * -1 with errno set. */
int procfs_exe(pid_t pid, char *buf, size_t len);

/* The process's command name (what exec gave it, at most 15 bytes); still
 * readable once it has exited but is not yet reaped, when its exe is not.
 * Returns 0 or -1. */
int procfs_comm(pid_t pid, char *buf, size_t len);

/* The path under which austinc can open a file the process sees at path:
 * through /proc/PID/root, so processes in other mount namespaces work. */
void procfs_root_path(pid_t pid, const char *path, char *buf, size_t len);

/* Does the process exist (zombies count as gone)? */
int procfs_alive(pid_t pid);

/* Open /proc/PID/statm for procfs_rss_bytes, read-only and close-on-exec.
 * Returns the fd, or -1 with errno set. */
int procfs_open_statm(pid_t pid);

/* The resident set size in bytes, from a statm fd held open: one pread, no
 * allocation, so it can run on every tick. -1 when the read fails (ESRCH once
 * the process is gone) or the content does not parse. */
int64_t procfs_rss_bytes(int statm_fd);

/* The resident pages of a statm line ("size resident shared ...") times
 * page_size, or -1 when the line is short, garbled or overflows. */
int64_t procfs_parse_statm_rss(const char *buf, size_t len, long page_size);

/* Store in out (at most max) the PIDs of every live process whose parent
 * chain leads to root: children, grandchildren and so on, not root itself.
 * Zombies are left out but their descendants are not. Returns how many were
 * stored, or -1 with errno set. Reads the whole process table: call it
 * outside the sampling tick. Not thread-safe (the libproc2 context it keeps
 * is shared). */
int procfs_descendants(pid_t root, pid_t *out, size_t max);

#endif
