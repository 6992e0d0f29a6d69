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
 * threshold are left out and counted in a last line.
 *
 * The tree is walked with an explicit stack of levels, never by recursion:
 * stacks are hundreds of frames deep under recursion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/calltree.h"
#include "report/views.h"

#define BOLD   "\033[1m"
#define DIM    "\033[2m"
#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define RESET  "\033[0m"

/* --- library files ---------------------------------------------------- */

/* The standard library of any install prefix (/usr/lib/python3.11/,
 * ~/.pyenv/versions/3.12.1/lib/python3.12/, a venv's lib/python3.12/) and
 * installed packages (pip's site-packages, Debian's dist-packages). */
static const char *const LIBRARY_MARKS[] = {"/lib/python2.", "/lib/python3.",
                                            "site-packages/", "dist-packages/"};

#define FROZEN "<frozen "

int view_is_library_file(const char *file)
{
	if (strncmp(file, FROZEN, strlen(FROZEN)) == 0)
		return 1;
	for (size_t i = 0; i < sizeof LIBRARY_MARKS / sizeof *LIBRARY_MARKS;
	     i++)
		if (strstr(file, LIBRARY_MARKS[i]))
			return 1;
	return 0;
}

/* Where the module path starts in a library file: after site-packages/,
 * after lib/pythonX.Y/, else at the base name. */
static const char *module_start(const char *file)
{
	for (size_t i = 2; i < 4; i++) {
		const char *mark = strstr(file, LIBRARY_MARKS[i]);
		if (mark)
			return mark + strlen(LIBRARY_MARKS[i]);
	}
	for (size_t i = 0; i < 2; i++) {
		const char *mark = strstr(file, LIBRARY_MARKS[i]);
		const char *slash =
		        mark ? strchr(mark + strlen(LIBRARY_MARKS[i]), '/')
		             : NULL;
		if (slash)
			return slash + 1;
	}
	const char *slash = strrchr(file, '/');
	return slash ? slash + 1 : file;
}

static int ends_with(const char *start, const char *end, const char *suffix)
{
	size_t n = strlen(suffix);
	return (size_t)(end - start) >= n && memcmp(end - n, suffix, n) == 0;
}

/* The module a library file holds: ".../lib/python3.12/json/decoder.py"
 * is "json.decoder"; a frozen module keeps its name as it is. */
void view_put_module(FILE *out, const char *file)
{
	if (strncmp(file, FROZEN, strlen(FROZEN)) == 0) {
		fputs(file, out);
		return;
	}
	const char *start = module_start(file);
	const char *end = start + strlen(start);
	if (ends_with(start, end, ".py"))
		end -= 3;
	if (ends_with(start, end, "/__init__"))
		end -= strlen("/__init__");
	for (const char *c = start; c < end; c++)
		fputc(*c == '/' ? '.' : *c, out);
}

/* --- what is drawn ---------------------------------------------------- */

enum item_kind {
	ITEM_NODE,      /* a frame (or a thread: only as a section) */
	ITEM_LIBRARY,   /* a run of library frames starting at node */
	ITEM_FRAMELESS, /* samples of node's thread with no Python frame */
};

struct item {
	uint32_t node;
	uint32_t kind;  /* enum item_kind */
	uint64_t total; /* what it is sorted and filtered by */
};

struct item_list {
	struct item *items;
	size_t n, capacity;
};

/* A library run, summed while its children are collected. */
#define REGION_MODULES 3

struct region {
	size_t frames;
	uint64_t self;
	uint32_t files[REGION_MODULES + 1]; /* distinct, first seen first */
	size_t n_files;
};

/* The items of one sibling list being drawn. */
struct level {
	struct item *items;
	size_t n, next;
};

struct tree_view {
	const struct profile *p;
	const struct view_options *o;
	const struct call_tree *t;
	FILE *out;
	uint64_t total;
	size_t hidden;
	struct level *levels;
	size_t depth, capacity;
	uint32_t *pending; /* a region's library nodes, in the order seen */
	size_t n_pending, pending_capacity;
};

static double share_of(const struct tree_view *v, uint64_t value)
{
	return 100.0 * (double)value / (double)v->total;
}

static int list_push(struct item_list *l, struct item it)
{
	if (l->n == l->capacity) {
		size_t capacity = l->capacity ? l->capacity * 2 : 8;
		struct item *items =
		        realloc(l->items, capacity * sizeof *items);
		if (!items)
			return -1;
		l->items = items;
		l->capacity = capacity;
	}
	l->items[l->n++] = it;
	return 0;
}

/* Add an item, or count it as hidden when under the threshold. */
static int add_item(struct tree_view *v, struct item_list *l, uint32_t node,
                    enum item_kind kind, uint64_t total)
{
	if (share_of(v, total) < v->o->threshold) {
		v->hidden++;
		return 0;
	}
	return list_push(l, (struct item){node, (uint32_t)kind, total});
}

static int by_total(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

static const struct call_node *node_at(const struct tree_view *v, uint32_t id)
{
	return &v->t->nodes[id];
}

static int is_folded(const struct tree_view *v, uint32_t id)
{
	uint32_t frame = node_at(v, id)->frame;
	if (v->o->all || frame == CALL_NONE)
		return 0;
	const struct profile_frame *f = profile_frame_at(v->p, frame);
	return f->kind == FRAME_PYTHON &&
	       view_is_library_file(profile_str(v->p, f->file));
}

/* A child as drawn: a library frame starts a folded run. */
static int add_child(struct tree_view *v, struct item_list *l, uint32_t id)
{
	return add_item(v, l, id, is_folded(v, id) ? ITEM_LIBRARY : ITEM_NODE,
	                node_at(v, id)->total);
}

/* The children of a frame, or of a thread: its samples without frames
 * first become an item of their own. */
static int node_children(struct tree_view *v, uint32_t id, struct item_list *l)
{
	const struct call_node *n = node_at(v, id);
	if (n->frame == CALL_NONE && n->self &&
	    add_item(v, l, id, ITEM_FRAMELESS, n->self))
		return -1;
	for (uint32_t c = n->first_child; c != CALL_NONE;
	     c = node_at(v, c)->next_sibling)
		if (add_child(v, l, c))
			return -1;
	return 0;
}

static int pending_push(struct tree_view *v, uint32_t id)
{
	if (v->n_pending == v->pending_capacity) {
		size_t capacity =
		        v->pending_capacity ? v->pending_capacity * 2 : 64;
		uint32_t *p = realloc(v->pending, capacity * sizeof *p);
		if (!p)
			return -1;
		v->pending = p;
		v->pending_capacity = capacity;
	}
	v->pending[v->n_pending++] = id;
	return 0;
}

static void note_file(struct region *r, uint32_t file)
{
	for (size_t i = 0; i < r->n_files; i++)
		if (r->files[i] == file)
			return;
	if (r->n_files < REGION_MODULES + 1)
		r->files[r->n_files++] = file;
}

/* Visit the run of library frames from id: sum it into r, and collect
 * the frames it calls that are not library frames. Breadth first, so the
 * modules named are those nearest the run's start, hottest first. */
static int region_children(struct tree_view *v, uint32_t id, struct region *r,
                           struct item_list *l)
{
	v->n_pending = 0;
	if (pending_push(v, id))
		return -1;
	for (size_t next = 0; next < v->n_pending; next++) {
		const struct call_node *n = node_at(v, v->pending[next]);
		r->frames++;
		r->self += n->self;
		note_file(r, profile_frame_at(v->p, n->frame)->file);
		for (uint32_t c = n->first_child; c != CALL_NONE;
		     c = node_at(v, c)->next_sibling) {
			int rc = is_folded(v, c) ? pending_push(v, c)
			                         : add_child(v, l, c);
			if (rc)
				return -1;
		}
	}
	return 0;
}

/* --- drawing ---------------------------------------------------------- */

static void put_shares(const struct tree_view *v, uint64_t total, uint64_t self)
{
	double t = share_of(v, total);
	const char *colour = t >= 60   ? RED
	                     : t >= 30 ? YELLOW
	                     : t >= 10 ? GREEN
	                               : "";
	if (v->o->colour && *colour)
		fprintf(v->out, "%s%5.1f%%%s", colour, t, RESET);
	else
		fprintf(v->out, "%5.1f%%", t);
	fprintf(v->out, " %5.1f%%  ", share_of(v, self));
}

/* The tree lines left of an item of the innermost level. */
static void put_prefix(const struct tree_view *v)
{
	for (size_t k = 1; k + 1 < v->depth; k++) {
		const struct level *l = &v->levels[k];
		fputs(l->next < l->n ? "│  " : "   ", v->out);
	}
	const struct level *own = &v->levels[v->depth - 1];
	if (v->depth > 1)
		fputs(own->next < own->n ? "├─ " : "└─ ", v->out);
}

static void put_styled(const struct tree_view *v, const char *style,
                       const char *text)
{
	if (v->o->colour)
		fprintf(v->out, "%s%s%s", style, text, RESET);
	else
		fputs(text, v->out);
}

static void put_frame(const struct tree_view *v, uint32_t frame)
{
	const struct profile_frame *f = profile_frame_at(v->p, frame);
	if (f->kind != FRAME_PYTHON) {
		put_styled(v, DIM, f->kind == FRAME_GC ? ":GC:" : ":INVALID:");
		return;
	}
	put_styled(v, BOLD, profile_str(v->p, f->name));
	fputs("  ", v->out);
	if (v->o->colour)
		fputs(DIM, v->out);
	fprintf(v->out, "%s:%d", profile_str(v->p, f->file), (int)f->line);
	if (v->o->colour)
		fputs(RESET, v->out);
}

static void put_region(const struct tree_view *v, const struct region *r)
{
	if (v->o->colour)
		fputs(DIM, v->out);
	fprintf(v->out, "[%zu library frame%s]  ", r->frames,
	        r->frames == 1 ? "" : "s");
	for (size_t i = 0; i < r->n_files && i < REGION_MODULES; i++) {
		fputs(i ? ", " : "", v->out);
		view_put_module(v->out, profile_str(v->p, r->files[i]));
	}
	if (r->n_files > REGION_MODULES)
		fputs(", …", v->out);
	if (v->o->colour)
		fputs(RESET, v->out);
}

/* Draw one item (its level is the innermost) and collect its children. */
static int draw_item(struct tree_view *v, const struct item *it,
                     struct item_list *kids)
{
	const struct call_node *n = node_at(v, it->node);
	struct region r = {0};
	if (it->kind == ITEM_LIBRARY && region_children(v, it->node, &r, kids))
		return -1;
	if (it->kind == ITEM_NODE && node_children(v, it->node, kids))
		return -1;
	put_shares(v, it->total,
	           it->kind == ITEM_LIBRARY ? r.self
	           : it->kind == ITEM_NODE  ? n->self
	                                    : it->total);
	put_prefix(v);
	if (it->kind == ITEM_LIBRARY)
		put_region(v, &r);
	else if (it->kind == ITEM_FRAMELESS)
		put_styled(v, DIM, "[no Python frames]");
	else
		put_frame(v, n->frame);
	fputc('\n', v->out);
	return 0;
}

static int push_level(struct tree_view *v, struct item_list *l)
{
	if (v->depth == v->capacity) {
		size_t capacity = v->capacity ? v->capacity * 2 : 32;
		struct level *levels =
		        realloc(v->levels, capacity * sizeof *levels);
		if (!levels)
			return -1;
		v->levels = levels;
		v->capacity = capacity;
	}
	qsort(l->items, l->n, sizeof *l->items, by_total);
	v->levels[v->depth++] = (struct level){l->items, l->n, 0};
	return 0;
}

/* Draw a list of top-level items and everything under them. */
static int draw_tree(struct tree_view *v, struct item_list *roots)
{
	int rc = push_level(v, roots);
	if (rc)
		free(roots->items);
	while (v->depth && rc == 0) {
		struct level *l = &v->levels[v->depth - 1];
		if (l->next == l->n) {
			free(l->items);
			v->depth--;
			continue;
		}
		struct item it = l->items[l->next++];
		struct item_list kids = {0};
		rc = draw_item(v, &it, &kids);
		if (rc == 0 && kids.n)
			rc = push_level(v, &kids);
		else
			free(kids.items);
	}
	while (v->depth)
		free(v->levels[--v->depth].items);
	return rc;
}

static int draw_thread(struct tree_view *v, uint32_t thread_node)
{
	struct item_list roots = {0};
	if (node_children(v, thread_node, &roots)) {
		free(roots.items);
		return -1;
	}
	return draw_tree(v, &roots);
}

/* "Thread 4243 (process 4242, interpreter 0): 45.1%", after a blank line
 * from the second on. */
static void put_section(const struct tree_view *v, uint32_t id, int first)
{
	const struct call_node *n = node_at(v, id);
	const struct profile_thread *t = profile_thread_at(v->p, n->thread);
	fprintf(v->out,
	        "%s%sThread %lld (process %lld, interpreter %lld): "
	        "%.1f%%%s\n",
	        first ? "" : "\n", v->o->colour ? BOLD : "", (long long)t->tid,
	        (long long)t->pid, (long long)t->iid, share_of(v, n->total),
	        v->o->colour ? RESET : "");
}

/* One section per thread when there are several; a lone thread's tree
 * starts straight at its outermost frames. */
static int draw_threads(struct tree_view *v)
{
	const struct call_node *root = node_at(v, 0);
	size_t threads = 0;
	for (uint32_t c = root->first_child; c != CALL_NONE;
	     c = node_at(v, c)->next_sibling)
		threads++;
	if (threads == 1)
		return draw_thread(v, root->first_child);
	int first = 1;
	for (uint32_t c = root->first_child; c != CALL_NONE;
	     c = node_at(v, c)->next_sibling) {
		if (share_of(v, node_at(v, c)->total) < v->o->threshold) {
			v->hidden++;
			continue;
		}
		put_section(v, c, first);
		first = 0;
		if (draw_thread(v, c))
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
	struct tree_view v = {
	        .p = p, .o = o, .t = &t, .out = out, .total = t.nodes[0].total};
	char summary[160];
	view_summary(p, o->metric, summary, sizeof summary);
	fprintf(out, "%s\n\n%6s %6s\n", summary, "total", "self");
	int rc = draw_threads(&v);
	if (rc == 0 && v.hidden)
		fprintf(out,
		        "… %zu call%s below %g%% hidden (--threshold 0 "
		        "shows them)\n",
		        v.hidden, v.hidden == 1 ? "" : "s", o->threshold);
	free(v.levels);
	free(v.pending);
	call_tree_free(&t);
	return rc;
}
