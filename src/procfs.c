/* /proc readers used outside the sampling tick.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "procfs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Extend the entry for path if one is already listed. */
static int extend_known(struct mapped_file *out, int n, const char *path,
                        uint64_t end)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(out[i].path, path) == 0) {
			if (end > out[i].end)
				out[i].end = end;
			return 1;
		}
	}
	return 0;
}

int procfs_mapped_files(pid_t pid, const char *prefix, struct mapped_file *out,
                        size_t max)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	FILE *maps = fopen(name, "re");
	if (!maps)
		return -1;

	char line[PATH_MAX + 128];
	int n = 0;
	while (fgets(line, sizeof line, maps)) {
		uint64_t start, end, offset;
		int path_at = 0;
		if (sscanf(line,
		           "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n",
		           &start, &end, &offset, &path_at) < 3 ||
		    path_at == 0 || line[path_at] != '/')
			continue;
		char *path = line + path_at;
		path[strcspn(path, "\n")] = '\0';
		if (prefix &&
		    strncmp(base_name(path), prefix, strlen(prefix)) != 0)
			continue;
		if (extend_known(out, n, path, end) || offset != 0 ||
		    (size_t)n >= max)
			continue;
		out[n].start = start;
		out[n].end = end;
		snprintf(out[n].path, sizeof out[n].path, "%s", path);
		n++;
	}
	fclose(maps);
	return n;
}

int procfs_exe(pid_t pid, char *buf, size_t len)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(name, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

void procfs_root_path(pid_t pid, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/%d/root%s", (int)pid, path);
}

int procfs_alive(pid_t pid)
{
	char name[64], state = 0;
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(name, "re");
	if (!f)
		return 0;
	/* The state follows the command name, which may hold spaces and
	 * parentheses: find the last ')'. */
	char buf[512];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	if (paren && paren[1] == ' ')
		state = paren[2];
	return state != 0 && state != 'Z' && state != 'X';
}
