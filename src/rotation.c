/* The names of a run's recordings (rotation.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "rotation.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* How many "-N" names are tried before giving up on a free one. */
#define MAX_SUFFIX 1000

void rotation_init(struct rotation *r, const char *pattern, int timed,
                   unsigned keep)
{
	memset(r, 0, sizeof *r);
	r->pattern = pattern;
	r->timed = timed;
	r->keep = keep;
}

/* Where path's last component begins. */
static size_t base_at(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) + 1 : 0;
}

/* Where path's extension begins: its last component's first dot, not a
 * leading one; the end of path when it has none. */
static size_t extension_at(const char *path)
{
	size_t base = base_at(path);
	/* An empty last component ("", "dir/") has no path + base + 1. */
	const char *dot = path[base] ? strchr(path + base + 1, '.') : NULL;
	return dot ? (size_t)(dot - path) : strlen(path);
}

/* path with insert put before its extension into out. */
static int insert_before_extension(const char *path, const char *insert,
                                   char *out, size_t len)
{
	size_t at = extension_at(path);
	int n = snprintf(out, len, "%.*s%s%s", (int)at, path, insert,
	                 path + at);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int rotation_stamped(const char *path, time_t when, char *out, size_t len)
{
	char stamp[32];
	struct tm tm;
	if (!localtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof stamp, ".%Y%m%dT%H%M%S", &tm))
		return -1;
	return insert_before_extension(path, stamp, out, len);
}

int rotation_begin(struct rotation *r, time_t when, char *why, size_t len)
{
	struct tm tm;
	r->began = when;
	if (!r->timed) {
		snprintf(r->final, sizeof r->final, "%s", r->pattern);
		snprintf(r->writing, sizeof r->writing, "%s", r->pattern);
		return 0;
	}
	size_t base = 0;
	if (!localtime_r(&when, &tm) ||
	    !strftime(r->final, sizeof r->final, r->pattern, &tm))
		goto too_long;
	base = base_at(r->final);
	int n = snprintf(r->writing, sizeof r->writing, "%.*s.%s.part",
	                 (int)base, r->final, r->final + base);
	if (n < 0 || (size_t)n >= sizeof r->writing)
		goto too_long;
	return 0;
too_long:
	snprintf(why, len, "the output name of pattern %s is too long",
	         r->pattern);
	return -1;
}

void rotation_discard(const struct rotation *r)
{
	if (r->timed)
		unlink(r->writing);
}

/* Rename from to to, or to to with "-N" before its extension when to is
 * taken: the name it took in name. 0, or an errno. */
static int rename_to_free_name(const char *from, const char *to,
                               char name[PATH_MAX])
{
	snprintf(name, PATH_MAX, "%s", to);
	for (int i = 1; i <= MAX_SUFFIX; i++) {
		if (renameat2(AT_FDCWD, from, AT_FDCWD, name,
		              RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EINVAL && access(name, F_OK) != 0)
			/* A file system without RENAME_NOREPLACE. */
			return rename(from, name) == 0 ? 0 : errno;
		if (errno != EEXIST && errno != EINVAL)
			return errno;
		char suffix[16];
		snprintf(suffix, sizeof suffix, "-%d", i);
		if (insert_before_extension(to, suffix, name, PATH_MAX))
			return ENAMETOOLONG;
	}
	return EEXIST;
}

/* The files of the pattern: each strftime field a '*', other glob
 * characters escaped. 0, or -1 when it does not fit. */
static int pattern_glob(const char *pattern, char *out, size_t len)
{
	size_t n = 0;
	for (const char *p = pattern; *p; p++) {
		if (n + 3 > len)
			return -1;
		if (*p == '%' && p[1] == '%') {
			out[n++] = '%';
			p++;
		} else if (*p == '%' && p[1]) {
			out[n++] = '*';
			p++;
			while (p[1] == 'E' || p[1] == 'O') /* %Ey and such */
				p++;
		} else {
			if (strchr("*?[\\", *p))
				out[n++] = '\\';
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return 0;
}

struct aged {
	const char *path;
	struct timespec mtime;
};

static int oldest_first(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Delete the oldest files of the pattern beyond keep (glob leaves hidden
 * files out: unfinished recordings stay). */
static void apply_retention(const struct rotation *r)
{
	char expr[2 * PATH_MAX];
	glob_t g;
	if (!r->keep || pattern_glob(r->pattern, expr, sizeof expr) ||
	    glob(expr, GLOB_NOSORT, NULL, &g) != 0)
		return;
	struct aged *files = calloc(g.gl_pathc + 1, sizeof *files);
	size_t n = 0;
	for (size_t i = 0; files && i < g.gl_pathc; i++) {
		struct stat st;
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
			files[n++] = (struct aged){g.gl_pathv[i], st.st_mtim};
	}
	if (files)
		qsort(files, n, sizeof *files, oldest_first);
	for (size_t i = 0; files && n > r->keep && i < n - r->keep; i++)
		if (unlink(files[i].path) != 0)
			log_warning("cannot delete %s (--keep): %s",
			            files[i].path, strerror(errno));
	free(files);
	globfree(&g);
}

int rotation_complete(struct rotation *r, int set_aside, char *why, size_t len)
{
	char aside[PATH_MAX], taken[PATH_MAX];
	const char *to = r->final;
	if (!r->timed && !set_aside)
		return 0; /* -o was written in place */
	if (set_aside) {
		if (rotation_stamped(r->final, r->began, aside, sizeof aside)) {
			snprintf(why, len,
			         "the name of a dump of %s is too long",
			         r->final);
			return -1;
		}
		to = aside;
	}
	int error = rename_to_free_name(r->writing, to, taken);
	if (error) {
		snprintf(why, len, "cannot rename %s to %s: %s", r->writing, to,
		         strerror(error));
		return -1;
	}
	memcpy(r->final, taken, sizeof r->final);
	apply_retention(r);
	return 0;
}
