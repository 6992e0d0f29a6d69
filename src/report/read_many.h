/* The recordings of one run, read as one: several files, a directory of
 * them, or a glob pattern, ordered in time and merged (merge.h).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * What names recordings (read_many_expand), each argument in turn:
 *   - a directory: every file in it whose name ends in .txt, .mojo,
 *     .austin or .gz (so .txt.gz, .mojo.gz too) and does not start with
 *     '.' (the sampler writes a file it has not finished under a hidden
 *     name), in the byte order of their names;
 *   - a name with '*', '?' or '[' that is no existing file: the files
 *     glob(3) finds, in its (sorted) order; none is an error;
 *   - anything else: that file ("-": standard input, alone only).
 *
 * How they are put together (read_many): when every recording has
 * "started", in that order (recordings that started together keep the
 * order given), each placed on the time axis at its start less the first
 * one's; otherwise in the order given, each placed where the one before
 * ended (its duration, or else the last time it holds). The mode, the
 * interval and the --system period must agree. The merged profile's
 * "duration" spans them all, its "samples" adds theirs up, and the
 * figures of one recording that do not add up ("sampling", "rss") are
 * left out. One recording is read as it always was, nothing changed. */
#ifndef AUSTINC_REPORT_READ_MANY_H
#define AUSTINC_REPORT_READ_MANY_H

#include <stddef.h>

#include "report/profile.h"
#include "report/read.h"

/* Paths named by the arguments; a NULL path is standard input. */
struct recordings {
	char **paths;
	size_t n, capacity;
};

/* Is name (without its directory) one a directory's recordings have? */
int read_many_is_recording_name(const char *name);

/* The recordings that args name (no args: standard input), appended to
 * r; 0, or -1 with the reason in err. */
int read_many_expand(struct recordings *r, char *const *args, size_t n,
                     char *err, size_t err_len);
void read_many_free(struct recordings *r);

/* Told of each recording salvaged up to a cut, with the samples kept of
 * it. */
typedef void (*read_many_cut_fn)(void *ctx, const char *path,
                                 const struct read_cut *cut, size_t samples);

/* Read r's recordings into p (initialised, empty) as one. on_cut NULL:
 * strict (a cut is an error); else each cut is salvaged and reported. 0,
 * or -1 with the reason in err (naming the file). */
int read_many(struct profile *p, const struct recordings *r,
              read_many_cut_fn on_cut, void *ctx, char *err, size_t err_len);

#endif
