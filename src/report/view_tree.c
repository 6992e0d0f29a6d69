/* The tree view: a top-down call tree for the terminal, pyinstrument
 * style, hot paths first.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 *      total   self
 *     100.0%   0.0%  <module>  app.py:52
 *      99.8%   0.0%  └─ main  app.py:46
 *      66.5%  12.0%     ├─ parse  app.py:20
 *      54.5%   0.0%     │  └─ [3 library frames]  json, json.decoder
 *      ...
 *
 * A node is a frame: a file, a function and the line it was running, so a
 * function that spends time on two lines, or calls from two, has a node
 * for each. Shares are of the metric's total over all samples. Unless
 * --all, a run of library frames (view_is_library_file) becomes one line
 * whose children are the user frames it called back into. Nodes under the
 * threshold are left out and counted in a last line. The walking, the
 * folding and the drawing of frames are treewalk.c's. */
#include <stdint.h>
#include <stdlib.h>

#include "report/calltree.h"
#include "report/treewalk.h"
#include "report/views.h"

/* The tree, for the walker's node(). */
struct tree_view {
	const struct profile *p;
	const struct call_tree *t;
};

static void node_of(const void *ctx, uint32_t id, struct treewalk_node *out)
{
	const struct tree_view *v = ctx;
	const struct call_node *n = &v->t->nodes[id];
	*out = (struct treewalk_node){.first_child = n->first_child,
	                              .next_sibling = n->next_sibling,
	                              .p = v->p,
	                              .frame = n->frame,
	                              .total = {n->total},
	                              .self = {n->self}};
}

/* Under the threshold: a share of the total under it. */
static int hide_small(const struct treewalk *w, const struct treewalk_item *it)
{
	return it->share[0] < w->o->threshold;
}

static int by_total(const void *a, const void *b)
{
	const struct treewalk_item *x = a, *y = b;
	if (x->value[0] != y->value[0])
		return x->value[0] > y->value[0] ? -1 : 1;
	return treewalk_tiebreak(x, y);
}

static void put_shares(const struct treewalk *w, const struct treewalk_item *it,
                       const uint64_t self[TREEWALK_RUNS])
{
	double t = it->share[0];
	const char *colour = t >= 60   ? TREEWALK_RED
	                     : t >= 30 ? TREEWALK_YELLOW
	                     : t >= 10 ? TREEWALK_GREEN
	                               : "";
	if (w->o->colour && *colour)
		fprintf(w->out, "%s%5.1f%%%s", colour, t, TREEWALK_RESET);
	else
		fprintf(w->out, "%5.1f%%", t);
	fprintf(w->out, " %5.1f%%  ", treewalk_share(w, 0, self[0]));
}

static const struct treewalk_ops TREE_OPS = {.node = node_of,
                                             .hide = hide_small,
                                             .order = by_total,
                                             .put_numbers = put_shares};

/* "Thread 4243 (process 4242, interpreter 0): 45.1%", after a blank line
 * from the second on. */
static void put_section(const struct treewalk *w, const struct call_node *n,
                        int first)
{
	const struct tree_view *v = w->ctx;
	const struct profile_thread *t = profile_thread_at(v->p, n->thread);
	fprintf(w->out,
	        "%s%sThread %lld (process %lld, interpreter %lld): "
	        "%.1f%%%s\n",
	        first ? "" : "\n", w->o->colour ? TREEWALK_BOLD : "",
	        (long long)t->tid, (long long)t->pid, (long long)t->iid,
	        treewalk_share(w, 0, n->total),
	        w->o->colour ? TREEWALK_RESET : "");
}

/* One section per thread when there are several; a lone thread's tree
 * starts straight at its outermost frames. */
static int draw_threads(struct treewalk *w, const struct call_tree *t)
{
	const struct call_node *root = &t->nodes[0];
	size_t threads = 0;
	for (uint32_t c = root->first_child; c != CALL_NONE;
	     c = t->nodes[c].next_sibling)
		threads++;
	if (threads == 1)
		return treewalk_draw(w, root->first_child);
	int first = 1;
	for (uint32_t c = root->first_child; c != CALL_NONE;
	     c = t->nodes[c].next_sibling) {
		if (treewalk_share(w, 0, t->nodes[c].total) < w->o->threshold) {
			w->hidden++;
			continue;
		}
		put_section(w, &t->nodes[c], first);
		first = 0;
		if (treewalk_draw(w, c))
			return -1;
	}
	return 0;
}

int view_tree(const struct profile *p, const struct view_options *o, FILE *out)
{
	struct call_tree t;
	if (!view_total(p, o->metric, NULL)) {
		view_nothing_to_show(p, o->metric, out);
		return 0;
	}
	if (call_tree_build(&t, p, o->metric, 1))
		return -1;
	struct tree_view v = {.p = p, .t = &t};
	struct treewalk w = {.ops = &TREE_OPS,
	                     .ctx = &v,
	                     .o = o,
	                     .out = out,
	                     .total = {t.nodes[0].total}};
	char summary[160];
	view_summary(p, o->metric, summary, sizeof summary);
	view_put_marks(p, out);
	fprintf(out, "%s\n\n%6s %6s\n", summary, "total", "self");
	int rc = draw_threads(&w, &t);
	if (rc == 0 && w.hidden)
		fprintf(out,
		        "… %zu call%s below %g%% hidden (--threshold 0 "
		        "shows them)\n",
		        w.hidden, w.hidden == 1 ? "" : "s", o->threshold);
	treewalk_free(&w);
	call_tree_free(&t);
	return rc;
}
