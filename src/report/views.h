/* The views austinc-report writes, each from the profile model.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_REPORT_VIEWS_H
#define AUSTINC_REPORT_VIEWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/profile.h"

/* The tree's --threshold when none is given, percent of the total: the
 * cut-off pyinstrument uses, which keeps a tree to a screen or two. */
#define VIEW_TREE_THRESHOLD 1.0
/* How many functions --top lists when o->top is 0. */
#define VIEW_TOP_DEFAULT 5

struct view_options {
	enum profile_metric metric;
	double threshold; /* --threshold: hide tree nodes under this percent */
	int all;          /* --all: do not fold library frames */
	int colour;       /* ANSI colours (a terminal) */
	size_t top;       /* --top N */
	/* --diff: how to name the BASE and NEW recordings in a diff view's
	 * header (file names); NULL: not named. */
	const char *base_name, *new_name;
};

/* Each returns 0, or -1 with errno set (out of memory); write errors are
 * left in out's error flag for the caller. */

/* Folded stacks, "P<pid>;T<iid>:<tid>;file:name:line;... <value>", one
 * line per distinct stack with a non-zero value, metadata as "# " lines
 * that never end in white space and digits. */
int view_collapsed(const struct profile *p, const struct view_options *o,
                   FILE *out);
/* A top-down call tree for the terminal, pyinstrument style: one line per
 * frame (function and the line it ran) with its total and self share,
 * largest first; runs of library frames folded unless o->all; nodes under
 * o->threshold percent left out and counted in a last line. */
int view_tree(const struct profile *p, const struct view_options *o, FILE *out);
/* The o->top functions (file and name, lines merged) with the largest
 * self share, with their total share (once per stack under recursion). */
int view_top(const struct profile *p, const struct view_options *o, FILE *out);
/* A self-contained interactive SVG flame graph. */
int view_svg(const struct profile *p, const struct view_options *o, FILE *out);
/* speedscope's JSON file format, one profile per thread. */
int view_speedscope(const struct profile *p, const struct view_options *o,
                    FILE *out);

/* pprof's profile.proto, gzip-compressed (go tool pprof, Pyroscope,
 * Parca): one sample type per metric the recording has, and the count of
 * samples; the view's metric is the default one. */
int view_pprof(const struct profile *p, const struct view_options *o,
               FILE *out);

/* One self-contained HTML report (no network): the flame graph with a
 * metric switch, and under it the --system timeline panels on one time
 * axis; selecting a range redraws the flame graph from that range's
 * samples, and the range is kept in the URL fragment (#range=2.0-3.5). */
int view_html(const struct profile *p, const struct view_options *o, FILE *out);

/* Before and after (--diff BASE NEW). Process and thread ids differ from
 * run to run, so both diff views merge the threads and processes of each
 * run: a stack is its frames (file, function and line) alone. */
/* Folded stacks with both counts, "stack <base> <new>", as FlameGraph's
 * difffolded.pl writes them for flamegraph.pl: one line per stack with a
 * value in either run, raw values in the metric's unit (no P;T prefix). */
int view_diff_collapsed(const struct profile *base, const struct profile *p,
                        const struct view_options *o, FILE *out);
/* The call tree of NEW (and what BASE had that NEW lost) with each node's
 * share of its own run's total in BASE and in NEW and the change in
 * points, biggest change first; library frames folded unless o->all; a
 * node whose change and NEW share are both under o->threshold hidden. */
int view_diff_tree(const struct profile *base, const struct profile *p,
                   const struct view_options *o, FILE *out);
/* The pprof file of NEW with BASE's samples negated and labelled
 * pprof::base=true: what `pprof -diff_base BASE NEW` would compare. */
int view_diff_pprof(const struct profile *base, const struct profile *p,
                    const struct view_options *o, FILE *out);
/* The HTML report of NEW, its flame graph coloured by growth or shrink of
 * each frame's share against BASE (shares of each run's own total). */
int view_diff_html(const struct profile *base, const struct profile *p,
                   const struct view_options *o, FILE *out);

/* Is this frame's file in the standard library or site-packages (folded
 * by the tree unless --all)? True for paths containing "/lib/python2.",
 * "/lib/python3.", "site-packages/" or "dist-packages/", and for frozen
 * modules ("<frozen importlib._bootstrap>"). */
int view_is_library_file(const char *file);

/* The module of a library file, as the tree names it in a folded run:
 * ".../lib/python3.12/json/decoder.py" is "json.decoder" (treewalk.c). */
void view_put_module(FILE *out, const char *file);

/* Helpers the text views share (view_top.c). A value in its metric's
 * unit: "2.03 s", "814.2 ms", "999 us", "104.9 MB". */
void view_format_value(enum profile_metric m, uint64_t value, char *buf,
                       size_t len);
/* The metric's total over all samples; *samples: how many carry some. */
uint64_t view_total(const struct profile *p, enum profile_metric m,
                    size_t *samples);
/* "2.03 s of wall time in 19876 samples", "104.9 MB grown in 52 samples". */
void view_summary(const struct profile *p, enum profile_metric m, char *buf,
                  size_t len);
/* The text views' lines for the marks of a followed service, first ten
 * and a count, then a blank line: "attached to PID 4242 at 1.50 s (python
 * CPython 3.11.2)", "lost PID 4242 at 3.20 s"; nothing without marks
 * (view_marks.c). */
void view_put_marks(const struct profile *p, FILE *out);
/* The one line a text view prints when nothing has the metric. */
void view_nothing_to_show(const struct profile *p, enum profile_metric m,
                          FILE *out);

#endif
