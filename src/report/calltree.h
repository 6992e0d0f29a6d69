/* A merged call tree of a profile under one metric: what the tree, top and
 * flame graph views draw.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_REPORT_CALLTREE_H
#define AUSTINC_REPORT_CALLTREE_H

#include <stddef.h>
#include <stdint.h>

#include "report/profile.h"

#define CALL_NONE UINT32_MAX

struct call_node {
	uint32_t frame;  /* frame id; CALL_NONE for the root and thread nodes */
	uint32_t thread; /* thread id of a thread node; CALL_NONE otherwise */
	uint32_t parent, first_child, next_sibling; /* CALL_NONE: none */
	uint64_t total; /* the metric summed over this node and below */
	uint64_t self;  /* ... over samples whose innermost frame it is */
};

struct call_tree {
	struct call_node *nodes; /* nodes[0] is the root (everything) */
	size_t n, capacity;
	enum profile_metric metric;
};

/* Merge every sample's stack under the metric. With per_thread the root's
 * children are one node per thread (frame CALL_NONE), else the outermost
 * frames of all threads merged. Samples worth 0 add nothing. Children are
 * sorted by total, largest first (ties: by frame id, the order
 * frames first appear in). Returns 0 or -1
 * when out of memory. */
int call_tree_build(struct call_tree *t, const struct profile *p,
                    enum profile_metric m, int per_thread);
void call_tree_free(struct call_tree *t);

#endif
