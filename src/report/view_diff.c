/* The before-and-after views (--diff BASE NEW): folded stacks with both
 * runs' values, and a call tree of the change in each frame's share.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Two recordings intern their strings and frames each in its own order, so
 * the frames of both are first matched by what they are (kind, file,
 * function, line) into one table of joint frames, and everything after
 * compares joint ids. Processes and threads are not compared at all: their
 * ids are whatever the kernel gave each run, so the threads of a run are
 * merged and a stack is its frames alone. A frame is a function at a line,
 * as in the tree view, so a function that moved its time from one line to
 * another shows it.
 *
 *     base: 1.21 s of wall time in 12034 samples (before.txt)
 *     new:  804.5 ms of wall time in 8013 samples (after.txt)
 *     Shares of each run's own total, threads merged; largest change first.
 *
 *       base     new  change
 *     100.0%  100.0%    +0.0  <module>  app.py:52
 *      66.4%   49.8%   -16.6  ├─ hot  app.py:20
 *      33.1%   49.6%   +16.5  └─ other  app.py:30
 *
 * Shares are of each run's own total: a run that took half as long is
 * compared by where its time went, not by how much there was. The folded
 * stacks keep the raw values, as FlameGraph's difffolded.pl writes them
 * (its -n normalises; flamegraph.pl colours by the raw difference). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "idindex.h"
#include "log.h"
#include "report/treewalk.h"
#include "report/views.h"

#define NONE TREEWALK_NONE

enum run { BASE, NEW, RUNS };

/* --- frames of both runs ---------------------------------------------- */

/* A joint frame is named by the first frame of either run that had it. */
struct joint_frame {
	const struct profile *p;
	uint32_t frame;
};

struct joint {
	const struct profile *runs[RUNS];
	struct joint_frame *frames;
	size_t n;
	struct idindex index; /* joint ids by content */
	uint32_t *of[RUNS];   /* a run's frame id -> joint id */
};

static uint64_t frame_hash(const struct profile *p, uint32_t id)
{
	const struct profile_frame *f = profile_frame_at(p, id);
	const char *file = profile_str(p, f->file);
	const char *name = profile_str(p, f->name);
	uint64_t h = hash_bytes(f->kind, file, strlen(file));
	return hash_bytes(h ^ (uint32_t)f->line, name, strlen(name));
}

static int same_frame(const struct profile *a, uint32_t x,
                      const struct profile *b, uint32_t y)
{
	const struct profile_frame *f = profile_frame_at(a, x);
	const struct profile_frame *g = profile_frame_at(b, y);
	return f->kind == g->kind && f->line == g->line &&
	       strcmp(profile_str(a, f->file), profile_str(b, g->file)) == 0 &&
	       strcmp(profile_str(a, f->name), profile_str(b, g->name)) == 0;
}

static int same_joint(const void *joint, uint32_t id, const void *key)
{
	const struct joint_frame *a =
	        &((const struct joint *)joint)->frames[id];
	const struct joint_frame *b = key;
	return same_frame(a->p, a->frame, b->p, b->frame);
}

/* The joint id of a run's frame, added when new (the frames are sized for
 * every frame of both runs); NONE when out of memory. */
static uint32_t joint_id(struct joint *j, const struct profile *p,
                         uint32_t frame)
{
	struct joint_frame key = {p, frame};
	size_t slot;
	uint32_t id = idindex_lookup(&j->index, j->n, frame_hash(p, frame),
	                             same_joint, j, &key, &slot);
	if (id != NONE || slot == IDINDEX_NO_ROOM)
		return id;
	id = (uint32_t)j->n++;
	j->frames[id] = key;
	idindex_set(&j->index, slot, id);
	return id;
}

static void joint_free(struct joint *j)
{
	free(j->frames);
	idindex_free(&j->index);
	free(j->of[BASE]);
	free(j->of[NEW]);
}

static int joint_build(struct joint *j, const struct profile *base,
                       const struct profile *p)
{
	memset(j, 0, sizeof *j);
	j->runs[BASE] = base;
	j->runs[NEW] = p;
	size_t most = base->frames.n + p->frames.n;
	j->frames = malloc((most ? most : 1) * sizeof *j->frames);
	for (int r = BASE; r < RUNS; r++)
		j->of[r] = malloc(
		        (j->runs[r]->frames.n ? j->runs[r]->frames.n : 1) *
		        sizeof *j->of[r]);
	if (!j->frames || !j->of[BASE] || !j->of[NEW]) {
		joint_free(j);
		return -1;
	}
	for (int r = BASE; r < RUNS; r++)
		for (uint32_t id = 0; id < j->runs[r]->frames.n; id++)
			if ((j->of[r][id] = joint_id(j, j->runs[r], id)) ==
			    NONE) {
				joint_free(j);
				return -1;
			}
	return 0;
}

static const struct profile_frame *
joint_frame_at(const struct joint *j, uint32_t id, const struct profile **p)
{
	*p = j->frames[id].p;
	return profile_frame_at(*p, j->frames[id].frame);
}

/* --- per-stack sums --------------------------------------------------- */

/* Frames over all of a run's distinct stacks: what sizes the tables. */
static size_t depth_sum(const struct profile *p)
{
	size_t sum = 0;
	for (uint32_t i = 0; i < p->stacks.n; i++)
		sum += profile_stack_at(p, i)->depth;
	return sum;
}

/* Call add(ctx, run, stack, value) for every stack of both runs with a
 * value, BASE first, each run's stacks in the order they first came. */
typedef int (*stack_fn)(void *ctx, const struct joint *j, int run,
                        uint32_t stack, uint64_t value);

static int each_stack(const struct joint *j, enum profile_metric m,
                      stack_fn add, void *ctx)
{
	for (int r = BASE; r < RUNS; r++) {
		uint64_t *sums = profile_stack_sums(j->runs[r], m);
		if (!sums)
			return -1;
		int rc = 0;
		for (uint32_t id = 0; id < j->runs[r]->stacks.n && !rc; id++)
			if (sums[id])
				rc = add(ctx, j, r, id, sums[id]);
		free(sums);
		if (rc)
			return -1;
	}
	return 0;
}

/* --- folded stacks ---------------------------------------------------- */

struct diff_stack {
	size_t first; /* its joint frames: ids[first .. first + depth) */
	uint32_t depth;
	uint64_t value[RUNS];
};

/* Distinct stacks of joint frames, sized for all the stacks of both runs
 * (nothing grows). */
struct stacks {
	struct diff_stack *items;
	size_t n;
	uint32_t *ids;
	size_t n_ids;
	uint32_t *slots; /* stack index + 1, by frames; 0: empty */
	size_t capacity;
};

static uint64_t ids_hash(const uint32_t *ids, uint32_t depth)
{
	uint64_t h = 0x9e3779b97f4a7c15ull * (depth + 1u);
	for (uint32_t i = 0; i < depth; i++) {
		h = (h ^ ids[i]) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	return h;
}

/* Add a run's stack: its frames are written as joint ids at the end of
 * the pool, and kept there only when the stack is new. */
static int add_folded(void *ctx, const struct joint *j, int run, uint32_t stack,
                      uint64_t value)
{
	struct stacks *s = ctx;
	const struct profile *p = j->runs[run];
	const struct profile_stack *st = profile_stack_at(p, stack);
	const uint32_t *frames = profile_stack_frames(p, st);
	uint32_t *key = s->ids + s->n_ids;
	for (uint32_t d = 0; d < st->depth; d++)
		key[d] = j->of[run][frames[d]];
	size_t mask = s->capacity - 1;
	size_t i = ids_hash(key, st->depth) & mask;
	for (; s->slots[i]; i = (i + 1) & mask) {
		struct diff_stack *e = &s->items[s->slots[i] - 1];
		if (e->depth == st->depth &&
		    memcmp(s->ids + e->first, key, st->depth * sizeof *key) ==
		            0) {
			e->value[run] += value;
			return 0;
		}
	}
	s->items[s->n] =
	        (struct diff_stack){.first = s->n_ids, .depth = st->depth};
	s->items[s->n].value[run] = value;
	s->slots[i] = (uint32_t)++s->n;
	s->n_ids += st->depth;
	return 0;
}

static void stacks_free(struct stacks *s)
{
	free(s->items);
	free(s->ids);
	free(s->slots);
}

static int stacks_build(struct stacks *s, const struct joint *j,
                        enum profile_metric m)
{
	memset(s, 0, sizeof *s);
	size_t most = j->runs[BASE]->stacks.n + j->runs[NEW]->stacks.n;
	size_t frames = depth_sum(j->runs[BASE]) + depth_sum(j->runs[NEW]);
	s->capacity = 16;
	while (s->capacity < 2 * most)
		s->capacity *= 2;
	s->items = malloc((most ? most : 1) * sizeof *s->items);
	s->ids = malloc((frames ? frames : 1) * sizeof *s->ids);
	s->slots = calloc(s->capacity, sizeof *s->slots);
	if (!s->items || !s->ids || !s->slots ||
	    each_stack(j, m, add_folded, s)) {
		stacks_free(s);
		return -1;
	}
	return 0;
}

/* Text with line breaks turned into spaces: a MOJO string may hold one,
 * and the rest of it could pass for a stack. */
static void put_one_line(FILE *out, const char *text)
{
	for (const char *c = text; *c; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
}

static void put_folded_frame(FILE *out, const struct joint *j, uint32_t id)
{
	const struct profile *p;
	const struct profile_frame *f = joint_frame_at(j, id, &p);
	if (f->kind == FRAME_INVALID) {
		fputs(":INVALID:", out);
	} else if (f->kind == FRAME_GC) {
		fputs(":GC:", out);
	} else {
		put_one_line(out, profile_str(p, f->file));
		fputc(':', out);
		put_one_line(out, profile_str(p, f->name));
		fprintf(out, ":%d", (int)f->line);
	}
}

static void put_folded(FILE *out, const struct joint *j, const struct stacks *s,
                       const struct diff_stack *e)
{
	for (uint32_t d = 0; d < e->depth; d++) {
		if (d)
			fputc(';', out);
		put_folded_frame(out, j, s->ids[e->first + d]);
	}
	if (!e->depth)
		fputs(TREEWALK_FRAMELESS, out);
	fprintf(out, " %llu %llu\n", (unsigned long long)e->value[BASE],
	        (unsigned long long)e->value[NEW]);
}

int view_diff_collapsed(const struct profile *base, const struct profile *p,
                        const struct view_options *o, FILE *out)
{
	struct joint j;
	struct stacks s;
	if (joint_build(&j, base, p))
		return -1;
	int rc = stacks_build(&s, &j, o->metric);
	if (rc == 0) {
		if (!s.n)
			log_note("no sample of either run has a %s value",
			         profile_metric_name(o->metric));
		for (size_t i = 0; i < s.n; i++)
			put_folded(out, &j, &s, &s.items[i]);
		stacks_free(&s);
	}
	joint_free(&j);
	return rc;
}

/* --- the merged call tree of both runs -------------------------------- */

struct diff_node {
	uint32_t frame; /* joint frame id; NONE for the root */
	uint32_t parent, first_child, next_sibling;
	uint64_t total[RUNS]; /* over this node and below, per run */
	uint64_t self[RUNS];  /* of samples whose innermost frame it is */
};

/* Every path of either run, sized for all their frames (nothing grows):
 * nodes[0] is the root. */
struct diff_tree {
	struct diff_node *nodes;
	size_t n;
	uint32_t *slots; /* node id + 1, by (parent, frame); 0: empty */
	size_t capacity;
};

static uint64_t child_hash(uint32_t parent, uint32_t frame)
{
	uint64_t h = ((uint64_t)parent << 32 | frame) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static uint32_t child_of(struct diff_tree *t, uint32_t parent, uint32_t frame)
{
	size_t mask = t->capacity - 1;
	size_t i = child_hash(parent, frame) & mask;
	for (; t->slots[i]; i = (i + 1) & mask) {
		const struct diff_node *c = &t->nodes[t->slots[i] - 1];
		if (c->parent == parent && c->frame == frame)
			return t->slots[i] - 1;
	}
	uint32_t id = (uint32_t)t->n++;
	t->nodes[id] = (struct diff_node){.frame = frame,
	                                  .parent = parent,
	                                  .first_child = NONE,
	                                  .next_sibling =
	                                          t->nodes[parent].first_child};
	t->nodes[parent].first_child = id;
	t->slots[i] = id + 1;
	return id;
}

static int add_path(void *ctx, const struct joint *j, int run, uint32_t stack,
                    uint64_t value)
{
	struct diff_tree *t = ctx;
	const struct profile *p = j->runs[run];
	const struct profile_stack *st = profile_stack_at(p, stack);
	const uint32_t *frames = profile_stack_frames(p, st);
	uint32_t node = 0;
	t->nodes[0].total[run] += value;
	for (uint32_t d = 0; d < st->depth; d++) {
		node = child_of(t, node, j->of[run][frames[d]]);
		t->nodes[node].total[run] += value;
	}
	t->nodes[node].self[run] += value;
	return 0;
}

static void diff_tree_free(struct diff_tree *t)
{
	free(t->nodes);
	free(t->slots);
}

static int diff_tree_build(struct diff_tree *t, const struct joint *j,
                           enum profile_metric m)
{
	memset(t, 0, sizeof *t);
	size_t most = 1 + depth_sum(j->runs[BASE]) + depth_sum(j->runs[NEW]);
	t->capacity = 16;
	while (t->capacity < 2 * most)
		t->capacity *= 2;
	t->nodes = malloc(most * sizeof *t->nodes);
	t->slots = calloc(t->capacity, sizeof *t->slots);
	if (!t->nodes || !t->slots) {
		diff_tree_free(t);
		return -1;
	}
	t->nodes[0] = (struct diff_node){.frame = NONE,
	                                 .parent = NONE,
	                                 .first_child = NONE,
	                                 .next_sibling = NONE};
	t->n = 1;
	if (each_stack(j, m, add_path, t)) {
		diff_tree_free(t);
		return -1;
	}
	return 0;
}

/* --- drawing the tree ------------------------------------------------- */

/* What the walker is handed. */
struct diff_view {
	const struct joint *j;
	const struct diff_tree *t;
};

static void node_of(const void *ctx, uint32_t id, struct treewalk_node *out)
{
	const struct diff_view *v = ctx;
	const struct diff_node *n = &v->t->nodes[id];
	*out = (struct treewalk_node){.first_child = n->first_child,
	                              .next_sibling = n->next_sibling,
	                              .frame = NONE,
	                              .total = {n->total[BASE], n->total[NEW]},
	                              .self = {n->self[BASE], n->self[NEW]}};
	if (n->frame != NONE) {
		const struct joint_frame *jf = &v->j->frames[n->frame];
		out->p = jf->p;
		out->frame = jf->frame;
	}
}

static double magnitude(double x)
{
	return x < 0 ? -x : x;
}

static double change_of(const struct treewalk_item *it)
{
	return it->share[NEW] - it->share[BASE];
}

/* Hidden when both its change and its share in NEW are under the
 * threshold. */
static int hide_small(const struct treewalk *w, const struct treewalk_item *it)
{
	double threshold = w->o->threshold;
	return magnitude(change_of(it)) < threshold &&
	       it->share[NEW] < threshold;
}

/* Largest change first, either way; then largest in NEW, in BASE. */
static int by_change(const void *a, const void *b)
{
	const struct treewalk_item *x = a, *y = b;
	double cx = magnitude(change_of(x)), cy = magnitude(change_of(y));
	if (cx != cy)
		return cx > cy ? -1 : 1;
	for (int r = NEW; r >= BASE; r--)
		if (x->share[r] != y->share[r])
			return x->share[r] > y->share[r] ? -1 : 1;
	return treewalk_tiebreak(x, y);
}

/* "base  new  change": the change red when the share grew, green when it
 * shrank (a tenth of a point or more either way). */
static void put_shares(const struct treewalk *w, const struct treewalk_item *it,
                       const uint64_t self[TREEWALK_RUNS])
{
	(void)self;
	double change = change_of(it);
	if (magnitude(change) < 0.05)
		change = 0.0; /* never "-0.0" */
	fprintf(w->out, "%5.1f%%  %5.1f%%  ", it->share[BASE], it->share[NEW]);
	const char *colour = change > 0   ? TREEWALK_RED
	                     : change < 0 ? TREEWALK_GREEN
	                                  : "";
	if (w->o->colour && *colour)
		fprintf(w->out, "%s%+6.1f%s  ", colour, change, TREEWALK_RESET);
	else
		fprintf(w->out, "%+6.1f  ", change);
}

static const struct treewalk_ops DIFF_OPS = {.node = node_of,
                                             .hide = hide_small,
                                             .order = by_change,
                                             .put_numbers = put_shares};

/* "base: 1.21 s of wall time in 12034 samples (before.txt)" */
static void put_run(FILE *out, const char *label, const struct profile *p,
                    enum profile_metric m, const char *name)
{
	char summary[160];
	view_summary(p, m, summary, sizeof summary);
	fprintf(out, "%-5s %s", label, summary);
	if (name) {
		fputs(" (", out);
		put_one_line(out, name);
		fputc(')', out);
	}
	fputc('\n', out);
}

static int draw_diff(struct treewalk *w, const struct diff_node *root)
{
	if (!root->total[BASE] || !root->total[NEW]) {
		fprintf(w->out,
		        "\nNothing to compare: no sample of the %s "
		        "recording has a value.\n",
		        root->total[BASE] ? "new" : "base");
		return 0;
	}
	fprintf(w->out,
	        "Shares of each run's own total, threads merged; largest "
	        "change first.\n\n%6s  %6s  %6s\n",
	        "base", "new", "change");
	int rc = treewalk_draw(w, 0);
	if (rc == 0 && w->hidden)
		fprintf(w->out,
		        "… %zu call%s changed by less than %g point%s and "
		        "under %g%% in new hidden (--threshold 0 shows "
		        "them)\n",
		        w->hidden, w->hidden == 1 ? "" : "s", w->o->threshold,
		        w->o->threshold == 1 ? "" : "s", w->o->threshold);
	return rc;
}

int view_diff_tree(const struct profile *base, const struct profile *p,
                   const struct view_options *o, FILE *out)
{
	struct joint j;
	struct diff_tree t;
	if (joint_build(&j, base, p))
		return -1;
	if (diff_tree_build(&t, &j, o->metric)) {
		joint_free(&j);
		return -1;
	}
	put_run(out, "base:", base, o->metric, o->base_name);
	put_run(out, "new:", p, o->metric, o->new_name);
	struct diff_view v = {.j = &j, .t = &t};
	struct treewalk w = {
	        .ops = &DIFF_OPS,
	        .ctx = &v,
	        .o = o,
	        .out = out,
	        .total = {t.nodes[0].total[BASE], t.nodes[0].total[NEW]}};
	int rc = draw_diff(&w, &t.nodes[0]);
	treewalk_free(&w);
	diff_tree_free(&t);
	joint_free(&j);
	return rc;
}
