/* What /proc tells about a process: its mapped files and its executable.
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

/* The path under which austinc can open a file the process sees at path:
 * through /proc/PID/root, so processes in other mount namespaces work. */
void procfs_root_path(pid_t pid, const char *path, char *buf, size_t len);

/* Does the process exist (zombies count as gone)? */
int procfs_alive(pid_t pid);

#endif
