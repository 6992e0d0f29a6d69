/* Building the merged call tree.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Samples are first summed per distinct stack, and each stack is merged
 * once; children are found through a hash of (parent, frame), one probe per
 * frame. The sibling lists are sorted once at the end. */
#include "report/calltree.h"

#include <stdlib.h>
#include <string.h>

#include "growable.h"
#include "hash.h"
#include "idindex.h"

struct builder {
	struct call_tree *tree;
	struct idindex children; /* node ids by (parent, frame, thread) */
};

static uint64_t child_hash(uint32_t parent, uint32_t frame, uint32_t thread)
{
	return hash_mix(((uint64_t)parent << 32 | frame) ^
	                (uint64_t)thread * 0xc2b2ae3d27d4eb4full);
}

static int same_child(const void *tree, uint32_t id, const void *key)
{
	const struct call_node *c =
	        &((const struct call_tree *)tree)->nodes[id];
	const struct call_node *k = key;
	return c->parent == k->parent && c->frame == k->frame &&
	       c->thread == k->thread;
}

/* The child of parent for frame (or for thread, a thread node); created
 * when missing. CALL_NONE when out of memory. */
static uint32_t child(struct builder *b, uint32_t parent, uint32_t frame,
                      uint32_t thread)
{
	struct call_tree *t = b->tree;
	struct call_node key = {.frame = frame,
	                        .thread = thread,
	                        .parent = parent,
	                        .first_child = CALL_NONE,
	                        .next_sibling = CALL_NONE};
	size_t slot;
	uint32_t id = idindex_lookup(&b->children, t->n,
	                             child_hash(parent, frame, thread),
	                             same_child, t, &key, &slot);
	if (id != CALL_NONE || slot == IDINDEX_NO_ROOM)
		return id;
	if (grow_array((void **)&t->nodes, &t->capacity, t->n + 1,
	               sizeof *t->nodes))
		return CALL_NONE;
	id = (uint32_t)t->n++;
	t->nodes[id] = key;
	idindex_set(&b->children, slot, id);
	return id;
}

/* Add one distinct stack, worth value in all. */
static int add_stack(struct builder *b, const struct profile *p, uint32_t stack,
                     uint64_t value, int per_thread)
{
	const struct profile_stack *st = profile_stack_at(p, stack);
	const uint32_t *frames = profile_stack_frames(p, st);
	uint32_t node = 0;
	b->tree->nodes[0].total += value;
	if (per_thread) {
		node = child(b, 0, CALL_NONE, st->thread);
		if (node == CALL_NONE)
			return -1;
		b->tree->nodes[node].total += value;
	}
	for (uint32_t i = 0; i < st->depth; i++) {
		node = child(b, node, frames[i], CALL_NONE);
		if (node == CALL_NONE)
			return -1;
		b->tree->nodes[node].total += value;
	}
	b->tree->nodes[node].self += value;
	return 0;
}

/* Ordering of siblings: larger total first, then by frame id for a result
 * that does not depend on the order of the samples. */
static const struct call_node *sort_base;

static int by_total(const void *a, const void *b)
{
	const struct call_node *x = &sort_base[*(const uint32_t *)a];
	const struct call_node *y = &sort_base[*(const uint32_t *)b];
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->thread < y->thread ? -1 : x->thread > y->thread;
}

/* Link every node into its parent's sibling list, largest first. */
static int link_children(struct call_tree *t)
{
	uint32_t *order = malloc(t->n * sizeof *order);
	if (!order)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		order[i] = (uint32_t)i;
	sort_base = t->nodes;
	qsort(order + 1, t->n - 1, sizeof *order, by_total);
	/* Prepending in reverse order leaves each list largest first. */
	for (size_t i = t->n; i-- > 1;) {
		struct call_node *c = &t->nodes[order[i]];
		c->next_sibling = t->nodes[c->parent].first_child;
		t->nodes[c->parent].first_child = order[i];
	}
	free(order);
	return 0;
}

int call_tree_build(struct call_tree *t, const struct profile *p,
                    enum profile_metric m, int per_thread)
{
	memset(t, 0, sizeof *t);
	t->metric = m;
	struct builder b = {.tree = t};
	if (grow_array((void **)&t->nodes, &t->capacity, 1, sizeof *t->nodes))
		return -1;
	t->nodes[0] = (struct call_node){.frame = CALL_NONE,
	                                 .thread = CALL_NONE,
	                                 .parent = CALL_NONE,
	                                 .first_child = CALL_NONE,
	                                 .next_sibling = CALL_NONE};
	t->n = 1;
	uint64_t *sums = profile_stack_sums(p, m);
	int rc = sums ? 0 : -1;
	for (size_t i = 0; sums && i < p->stacks.n && rc == 0; i++)
		if (sums[i])
			rc = add_stack(&b, p, (uint32_t)i, sums[i], per_thread);
	free(sums);
	idindex_free(&b.children);
	if (rc == 0)
		rc = link_children(t);
	if (rc)
		call_tree_free(t);
	return rc;
}

void call_tree_free(struct call_tree *t)
{
	free(t->nodes);
	memset(t, 0, sizeof *t);
}
