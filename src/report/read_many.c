/* The recordings of one run, read as one (see read_many.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Every recording is read whole into a profile of its own before any is
 * merged: their order comes from their "started", which only reading
 * finds (in MOJO, or in a gzipped file, it is no fixed place). So the
 * peak is the parts and the merged profile together, about twice the
 * model of the run. */
#include "report/read_many.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "growable.h"
#include "report/merge.h"
#include "report/parse.h"

/* --- naming the recordings --------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

int read_many_is_recording_name(const char *name)
{
	static const char *const SUFFIXES[] = {".txt", ".mojo", ".austin",
	                                       ".gz"};
	if (name[0] == '.')
		return 0;
	for (size_t i = 0; i < sizeof SUFFIXES / sizeof *SUFFIXES; i++)
		if (ends_with(name, SUFFIXES[i]))
			return 1;
	return 0;
}

/* Append a copy of path (NULL: standard input); 0 or -1. */
static int add_path(struct recordings *r, const char *path)
{
	char *copy = path ? strdup(path) : NULL;
	if ((path && !copy) || grow_array((void **)&r->paths, &r->capacity,
	                                  r->n + 1, sizeof *r->paths)) {
		free(copy);
		return -1;
	}
	r->paths[r->n++] = copy;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir's recordings, in name order, appended to r. */
static int add_directory(struct recordings *r, const char *dir, char *err,
                         size_t err_len)
{
	DIR *d = opendir(dir);
	if (!d)
		return parse_error(err, err_len, "%s: %s", dir,
		                   strerror(errno));
	size_t first = r->n;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (!read_many_is_recording_name(e->d_name))
			continue;
		char *path = NULL;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			path = NULL;
		rc = !path || (is_regular(path) && add_path(r, path)) ? -1 : 0;
		free(path);
	}
	closedir(d);
	if (rc)
		return parse_error(err, err_len, "out of memory");
	if (r->n == first)
		return parse_error(
		        err, err_len,
		        "%s: no recordings in it (files named *.txt, "
		        "*.mojo, *.austin or *.gz)",
		        dir);
	qsort(r->paths + first, r->n - first, sizeof *r->paths, by_name);
	return 0;
}

static int add_glob(struct recordings *r, const char *pattern, char *err,
                    size_t err_len)
{
	glob_t g;
	int rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return parse_error(err, err_len, "%s: no file matches it",
		                   pattern);
	if (rc != 0)
		return parse_error(err, err_len, "%s: cannot expand it",
		                   pattern);
	for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = add_path(r, g.gl_pathv[i]);
	globfree(&g);
	return rc ? parse_error(err, err_len, "out of memory") : 0;
}

static int add_argument(struct recordings *r, const char *arg, char *err,
                        size_t err_len)
{
	struct stat st;
	int exists = stat(arg, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		return add_directory(r, arg, err, err_len);
	if (!exists && strpbrk(arg, "*?["))
		return add_glob(r, arg, err, err_len);
	return add_path(r, arg) ? parse_error(err, err_len, "out of memory")
	                        : 0;
}

int read_many_expand(struct recordings *r, char *const *args, size_t n,
                     char *err, size_t err_len)
{
	if (n == 0 || (n == 1 && strcmp(args[0], "-") == 0))
		return add_path(r, NULL)
		               ? parse_error(err, err_len, "out of memory")
		               : 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(args[i], "-") == 0)
			return parse_error(
			        err, err_len,
			        "standard input (-) can only be the one "
			        "recording");
		if (add_argument(r, args[i], err, err_len))
			return -1;
	}
	return 0;
}

void read_many_free(struct recordings *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r->paths);
	memset(r, 0, sizeof *r);
}

/* --- reading and ordering ---------------------------------------------- */

struct part {
	struct profile p;
	const char *path;
	size_t given;       /* its place among the arguments */
	uint64_t offset_us; /* its start on the merged time axis */
};

static const char *name_of(const char *path)
{
	return path ? path : "standard input";
}

static int read_one(struct profile *p, const char *path,
                    read_many_cut_fn on_cut, void *ctx, char *err,
                    size_t err_len)
{
	struct read_cut cut;
	if (report_read(p, path, on_cut ? &cut : NULL, err, err_len))
		return -1;
	if (on_cut && cut.cut)
		on_cut(ctx, path, &cut, p->samples.n);
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	if (x->p.started_us != y->p.started_us)
		return x->p.started_us < y->p.started_us ? -1 : 1;
	return (x->given > y->given) - (x->given < y->given);
}

static void at_least(uint64_t *latest, uint64_t t)
{
	if (t > *latest)
		*latest = t;
}

/* How long a recording ran: its "duration", or the last time it holds. */
static uint64_t length_of(const struct profile *p)
{
	uint64_t us = 0;
	if (parse_micros_value(profile_meta(p, "duration"), &us))
		return us;
	for (size_t i = 0; i < p->samples.n; i++)
		at_least(&us, profile_sample_at(p, i)->at_us + p->period_us);
	for (size_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(p, (uint32_t)i);
		if (s->points.n)
			at_least(&us, profile_points(s)[s->points.n - 1].t_us);
	}
	for (size_t i = 0; i < p->marks.n; i++)
		at_least(&us, profile_mark_at(p, i)->t_us);
	return us;
}

/* Order the parts and place each on the time axis. */
static void place(struct part *parts, size_t n)
{
	int all_started = 1;
	for (size_t i = 0; i < n; i++)
		all_started &= parts[i].p.has_started;
	if (all_started) {
		qsort(parts, n, sizeof *parts, by_start);
		for (size_t i = 0; i < n; i++)
			parts[i].offset_us = (uint64_t)(parts[i].p.started_us -
			                                parts[0].p.started_us);
		return;
	}
	for (size_t i = 1; i < n; i++)
		parts[i].offset_us =
		        parts[i - 1].offset_us + length_of(&parts[i - 1].p);
}

/* --- the merged figures ------------------------------------------------ */

/* "N (errors: E, ...)": N, and E when there. */
static void sample_counts(const struct profile *p, uint64_t *samples,
                          uint64_t *errors)
{
	const char *value = profile_meta(p, "samples");
	if (!value || value[0] < '0' || value[0] > '9') {
		*samples += p->samples.n;
		return;
	}
	*samples += strtoull(value, NULL, 10);
	const char *e = strstr(value, "errors: ");
	if (e)
		*errors += strtoull(e + 8, NULL, 10);
}

/* The footer of the whole run: figures that add up over the parts. */
struct footer {
	uint64_t span_us, samples, errors;
	size_t recordings;
};

/* Before the parts are merged (and freed). */
static void add_up(struct footer *f, const struct part *parts, size_t n)
{
	*f = (struct footer){.recordings = n};
	for (size_t i = 0; i < n; i++) {
		at_least(&f->span_us,
		         parts[i].offset_us + length_of(&parts[i].p));
		sample_counts(&parts[i].p, &f->samples, &f->errors);
	}
}

/* The merged profile's footer: the figures of one recording that do not
 * add up are left out. */
static int set_footer(struct profile *p, const struct footer *f)
{
	profile_unset_meta(p, "sampling");
	profile_unset_meta(p, "rss");
	char duration[32], counts[64], recordings[32];
	snprintf(duration, sizeof duration, "%" PRIu64 "us", f->span_us);
	snprintf(counts, sizeof counts, "%" PRIu64 " (errors: %" PRIu64 ")",
	         f->samples, f->errors);
	snprintf(recordings, sizeof recordings, "%zu merged", f->recordings);
	return profile_set_meta(p, "duration", duration) ||
	                       profile_set_meta(p, "samples", counts) ||
	                       profile_set_meta(p, "recordings", recordings)
	               ? -1
	               : 0;
}

/* What two recordings disagree on, as "the mode differs (wall against
 * memory)". */
static void describe_conflict(const struct profile *a, const struct profile *b,
                              const char *key, char *out, size_t len)
{
	static const char *const MODES[] = {"wall", "cpu", "memory", "full"};
	if (strcmp(key, "mode") == 0)
		snprintf(out, len, "the mode differs (%s against %s)",
		         MODES[a->mode], MODES[b->mode]);
	else if (strcmp(key, "interval") == 0)
		snprintf(out, len, "the interval differs (%s against %s)",
		         profile_meta(a, key), profile_meta(b, key));
	else
		snprintf(out, len,
		         "the system period differs (%" PRIu64
		         "us against %" PRIu64 "us)",
		         a->period_us, b->period_us);
}

static int merge_parts(struct profile *p, struct part *parts, size_t n,
                       char *err, size_t err_len)
{
	for (size_t i = 1; i < n; i++) {
		const char *key = merge_conflict(&parts[0].p, &parts[i].p);
		if (!key)
			continue;
		char why[160];
		describe_conflict(&parts[0].p, &parts[i].p, key, why,
		                  sizeof why);
		return parse_error(err, err_len, "%s and %s: not one run: %s",
		                   name_of(parts[0].path),
		                   name_of(parts[i].path), why);
	}
	struct footer footer;
	add_up(&footer, parts, n);
	*p = parts[0].p;
	profile_init(&parts[0].p);
	for (size_t i = 1; i < n; i++) {
		if (merge_profile(p, &parts[i].p, parts[i].offset_us))
			return parse_error(err, err_len, "%s: out of memory",
			                   name_of(parts[i].path));
		profile_free(&parts[i].p);
		profile_init(&parts[i].p);
	}
	return set_footer(p, &footer)
	               ? parse_error(err, err_len, "out of memory")
	               : 0;
}

int read_many(struct profile *p, const struct recordings *r,
              read_many_cut_fn on_cut, void *ctx, char *err, size_t err_len)
{
	if (r->n == 1)
		return read_one(p, r->paths[0], on_cut, ctx, err, err_len);
	struct part *parts = calloc(r->n, sizeof *parts);
	if (!parts)
		return parse_error(err, err_len, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		parts[i].path = r->paths[i];
		parts[i].given = i;
		profile_init(&parts[i].p);
		rc = read_one(&parts[i].p, r->paths[i], on_cut, ctx, err,
		              err_len);
	}
	if (rc == 0) {
		place(parts, r->n);
		profile_free(p);
		rc = merge_parts(p, parts, r->n, err, err_len);
	}
	for (size_t i = 0; i < r->n; i++)
		profile_free(&parts[i].p);
	free(parts);
	return rc;
}
