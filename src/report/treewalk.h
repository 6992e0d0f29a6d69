/* Drawing a call tree for the terminal: what the tree view and the diff
 * tree view share.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A view hands the walker its own tree through treewalk_ops: how to read a
 * node, when an item is too small to draw, which comes first, and the
 * numbers left of a line. The walker does the rest the same way for both:
 * it folds runs of library frames into "[N library frames]" lines (unless
 * --all), counts what it hides, and draws the tree lines and frames. */
#ifndef AUSTINC_REPORT_TREEWALK_H
#define AUSTINC_REPORT_TREEWALK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/profile.h"
#include "report/views.h"

#define TREEWALK_NONE UINT32_MAX
/* Values per node: the tree view has one run, the diff view two. */
#define TREEWALK_RUNS 2

#define TREEWALK_BOLD   "\033[1m"
#define TREEWALK_DIM    "\033[2m"
#define TREEWALK_RED    "\033[31m"
#define TREEWALK_GREEN  "\033[32m"
#define TREEWALK_YELLOW "\033[33m"
#define TREEWALK_RESET  "\033[0m"

/* What a stack with no Python frame is called. */
#define TREEWALK_FRAMELESS "[no Python frames]"

/* One node of a view's tree, as the walker reads it. */
struct treewalk_node {
	uint32_t first_child, next_sibling; /* TREEWALK_NONE: none */
	const struct profile *p;            /* the recording frame is in */
	uint32_t frame; /* TREEWALK_NONE: the root, or a thread */
	uint64_t total[TREEWALK_RUNS]; /* over the node and below, per run */
	uint64_t self[TREEWALK_RUNS];  /* of samples it is innermost in */
};

/* A line to draw: a node, a folded run of library frames starting at it,
 * or its samples without a frame. */
struct treewalk_item {
	uint32_t node;
	uint32_t kind;                 /* private to the walker */
	uint64_t value[TREEWALK_RUNS]; /* its total in each run */
	double share[TREEWALK_RUNS];   /* value, percent of the run's total */
};

struct treewalk;

struct treewalk_ops {
	/* Fill n with node id of the tree w->ctx. */
	void (*node)(const void *ctx, uint32_t id, struct treewalk_node *n);
	/* Is the item under the threshold (left out, counted as hidden)? */
	int (*hide)(const struct treewalk *w, const struct treewalk_item *it);
	/* qsort's comparison of two items of a sibling list; ties end in
	 * treewalk_tiebreak. */
	int (*order)(const void *a, const void *b);
	/* The numbers left of the tree lines; self: the item's self value in
	 * each run (a folded run's is that of all its frames). */
	void (*put_numbers)(const struct treewalk *w,
	                    const struct treewalk_item *it,
	                    const uint64_t self[TREEWALK_RUNS]);
};

struct treewalk_level;

struct treewalk {
	const struct treewalk_ops *ops;
	const void *ctx; /* the view's tree, for ops->node */
	const struct view_options *o;
	FILE *out;
	uint64_t total[TREEWALK_RUNS]; /* what shares are of */
	size_t hidden;                 /* items left out, so far */
	/* The walker's own (zero them; treewalk_free frees them). */
	struct treewalk_level *levels; /* the sibling lists being drawn */
	size_t depth, capacity;
	uint32_t *pending; /* a folded run's library nodes, in the order seen */
	size_t n_pending, pending_capacity;
};

/* value as a percent of run's total; 0 when the run has none. */
double treewalk_share(const struct treewalk *w, int run, uint64_t value);

/* The last order of two items that compare equal otherwise: the order the
 * nodes were made in, for output that does not vary. */
int treewalk_tiebreak(const struct treewalk_item *x,
                      const struct treewalk_item *y);

/* Draw the children of node top and everything under them, one line each
 * (hidden ones counted in w->hidden). 0, or -1 when out of memory. */
int treewalk_draw(struct treewalk *w, uint32_t top);

void treewalk_free(struct treewalk *w);

#endif
