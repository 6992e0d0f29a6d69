/* Drawing a call tree for the terminal (treewalk.h), and which frames are
 * library frames.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The tree is walked with an explicit stack of levels, never by recursion:
 * stacks are hundreds of frames deep under recursion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "growable.h"
#include "report/treewalk.h"

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
	ITEM_NODE,      /* a frame */
	ITEM_LIBRARY,   /* a run of library frames starting at node */
	ITEM_FRAMELESS, /* samples of a frameless node (thread, root) */
};

struct item_list {
	struct treewalk_item *items;
	size_t n, capacity;
};

/* A library run, summed while its children are collected. */
#define REGION_MODULES 3

struct region {
	size_t frames;
	uint64_t self[TREEWALK_RUNS];
	const char *files[REGION_MODULES + 1]; /* distinct, first seen first */
	size_t n_files;
};

/* The items of one sibling list being drawn. */
struct treewalk_level {
	struct treewalk_item *items;
	size_t n, next;
};

double treewalk_share(const struct treewalk *w, int run, uint64_t value)
{
	uint64_t total = w->total[run];
	return total ? 100.0 * (double)value / (double)total : 0.0;
}

int treewalk_tiebreak(const struct treewalk_item *x,
                      const struct treewalk_item *y)
{
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

static struct treewalk_node node_at(const struct treewalk *w, uint32_t id)
{
	struct treewalk_node n = {0};
	w->ops->node(w->ctx, id, &n);
	return n;
}

static int list_push(struct item_list *l, const struct treewalk_item *it)
{
	if (grow_array((void **)&l->items, &l->capacity, l->n + 1,
	               sizeof *l->items))
		return -1;
	l->items[l->n++] = *it;
	return 0;
}

/* Add an item, or count it as hidden when the view says it is too small. */
static int add_item(struct treewalk *w, struct item_list *l, uint32_t node,
                    enum item_kind kind, const uint64_t value[TREEWALK_RUNS])
{
	struct treewalk_item it = {.node = node, .kind = (uint32_t)kind};
	for (int r = 0; r < TREEWALK_RUNS; r++) {
		it.value[r] = value[r];
		it.share[r] = treewalk_share(w, r, value[r]);
	}
	if (w->ops->hide(w, &it)) {
		w->hidden++;
		return 0;
	}
	return list_push(l, &it);
}

static int is_folded(const struct treewalk *w, const struct treewalk_node *n)
{
	if (w->o->all || n->frame == TREEWALK_NONE)
		return 0;
	const struct profile_frame *f = profile_frame_at(n->p, n->frame);
	return f->kind == FRAME_PYTHON &&
	       view_is_library_file(profile_str(n->p, f->file));
}

/* A child as drawn: a library frame starts a folded run. */
static int add_child(struct treewalk *w, struct item_list *l, uint32_t id,
                     const struct treewalk_node *n)
{
	return add_item(w, l, id, is_folded(w, n) ? ITEM_LIBRARY : ITEM_NODE,
	                n->total);
}

static int has_self(const struct treewalk_node *n)
{
	for (int r = 0; r < TREEWALK_RUNS; r++)
		if (n->self[r])
			return 1;
	return 0;
}

/* The children of a node; the samples of a node without a frame (a
 * thread, the root) that have no frame either first become an item of
 * their own. */
static int node_children(struct treewalk *w, uint32_t id, struct item_list *l)
{
	struct treewalk_node n = node_at(w, id);
	if (n.frame == TREEWALK_NONE && has_self(&n) &&
	    add_item(w, l, id, ITEM_FRAMELESS, n.self))
		return -1;
	for (uint32_t c = n.first_child; c != TREEWALK_NONE;) {
		struct treewalk_node kid = node_at(w, c);
		if (add_child(w, l, c, &kid))
			return -1;
		c = kid.next_sibling;
	}
	return 0;
}

static int pending_push(struct treewalk *w, uint32_t id)
{
	if (grow_array((void **)&w->pending, &w->pending_capacity,
	               w->n_pending + 1, sizeof *w->pending))
		return -1;
	w->pending[w->n_pending++] = id;
	return 0;
}

/* Count a library frame into its run, and its module among the first few
 * distinct ones. */
static void add_to_region(struct region *r, const struct treewalk_node *n)
{
	r->frames++;
	for (int run = 0; run < TREEWALK_RUNS; run++)
		r->self[run] += n->self[run];
	const char *file =
	        profile_str(n->p, profile_frame_at(n->p, n->frame)->file);
	for (size_t i = 0; i < r->n_files; i++)
		if (strcmp(r->files[i], file) == 0)
			return;
	if (r->n_files < REGION_MODULES + 1)
		r->files[r->n_files++] = file;
}

/* Visit the run of library frames from id: sum it into r, and collect
 * the frames it calls that are not library frames. Breadth first, so the
 * modules named are those nearest the run's start, hottest first. */
static int region_children(struct treewalk *w, uint32_t id, struct region *r,
                           struct item_list *l)
{
	w->n_pending = 0;
	if (pending_push(w, id))
		return -1;
	for (size_t next = 0; next < w->n_pending; next++) {
		struct treewalk_node n = node_at(w, w->pending[next]);
		add_to_region(r, &n);
		for (uint32_t c = n.first_child; c != TREEWALK_NONE;) {
			struct treewalk_node kid = node_at(w, c);
			int rc = is_folded(w, &kid) ? pending_push(w, c)
			                            : add_child(w, l, c, &kid);
			if (rc)
				return -1;
			c = kid.next_sibling;
		}
	}
	return 0;
}

/* --- drawing ---------------------------------------------------------- */

/* The tree lines left of an item of the innermost level. */
static void put_prefix(const struct treewalk *w)
{
	for (size_t k = 1; k + 1 < w->depth; k++) {
		const struct treewalk_level *l = &w->levels[k];
		fputs(l->next < l->n ? "│  " : "   ", w->out);
	}
	const struct treewalk_level *own = &w->levels[w->depth - 1];
	if (w->depth > 1)
		fputs(own->next < own->n ? "├─ " : "└─ ", w->out);
}

static void put_styled(const struct treewalk *w, const char *style,
                       const char *text)
{
	if (w->o->colour)
		fprintf(w->out, "%s%s%s", style, text, TREEWALK_RESET);
	else
		fputs(text, w->out);
}

static void put_frame(const struct treewalk *w, const struct treewalk_node *n)
{
	const struct profile_frame *f = profile_frame_at(n->p, n->frame);
	if (f->kind != FRAME_PYTHON) {
		put_styled(w, TREEWALK_DIM,
		           f->kind == FRAME_GC ? ":GC:" : ":INVALID:");
		return;
	}
	put_styled(w, TREEWALK_BOLD, profile_str(n->p, f->name));
	fputs("  ", w->out);
	if (w->o->colour)
		fputs(TREEWALK_DIM, w->out);
	fprintf(w->out, "%s:%d", profile_str(n->p, f->file), (int)f->line);
	if (w->o->colour)
		fputs(TREEWALK_RESET, w->out);
}

static void put_region(const struct treewalk *w, const struct region *r)
{
	if (w->o->colour)
		fputs(TREEWALK_DIM, w->out);
	fprintf(w->out, "[%zu library frame%s]  ", r->frames,
	        r->frames == 1 ? "" : "s");
	for (size_t i = 0; i < r->n_files && i < REGION_MODULES; i++) {
		fputs(i ? ", " : "", w->out);
		view_put_module(w->out, r->files[i]);
	}
	if (r->n_files > REGION_MODULES)
		fputs(", …", w->out);
	if (w->o->colour)
		fputs(TREEWALK_RESET, w->out);
}

/* Draw one item (its level is the innermost) and collect its children. */
static int draw_item(struct treewalk *w, const struct treewalk_item *it,
                     struct item_list *kids)
{
	struct treewalk_node n = node_at(w, it->node);
	struct region r = {0};
	if (it->kind == ITEM_LIBRARY && region_children(w, it->node, &r, kids))
		return -1;
	if (it->kind == ITEM_NODE && node_children(w, it->node, kids))
		return -1;
	w->ops->put_numbers(w, it,
	                    it->kind == ITEM_LIBRARY ? r.self
	                    : it->kind == ITEM_NODE  ? n.self
	                                             : it->value);
	put_prefix(w);
	if (it->kind == ITEM_LIBRARY)
		put_region(w, &r);
	else if (it->kind == ITEM_FRAMELESS)
		put_styled(w, TREEWALK_DIM, TREEWALK_FRAMELESS);
	else
		put_frame(w, &n);
	fputc('\n', w->out);
	return 0;
}

static int push_level(struct treewalk *w, struct item_list *l)
{
	if (grow_array((void **)&w->levels, &w->capacity, w->depth + 1,
	               sizeof *w->levels))
		return -1;
	qsort(l->items, l->n, sizeof *l->items, w->ops->order);
	w->levels[w->depth++] = (struct treewalk_level){l->items, l->n, 0};
	return 0;
}

int treewalk_draw(struct treewalk *w, uint32_t top)
{
	struct item_list roots = {0};
	int rc = node_children(w, top, &roots);
	if (rc == 0)
		rc = push_level(w, &roots);
	if (rc)
		free(roots.items);
	while (w->depth && rc == 0) {
		struct treewalk_level *l = &w->levels[w->depth - 1];
		if (l->next == l->n) {
			free(l->items);
			w->depth--;
			continue;
		}
		struct treewalk_item it = l->items[l->next++];
		struct item_list kids = {0};
		rc = draw_item(w, &it, &kids);
		if (rc == 0 && kids.n)
			rc = push_level(w, &kids);
		else
			free(kids.items);
	}
	while (w->depth)
		free(w->levels[--w->depth].items);
	return rc;
}

void treewalk_free(struct treewalk *w)
{
	free(w->levels);
	free(w->pending);
}
