/* austinc-report's flame graph: one self-contained, interactive SVG.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The classic layout: the root at the bottom, callees stacked on their
 * callers, every frame as wide as its share of the metric, siblings largest
 * first. Frames are written at their full-view size with their labels
 * already fitted, so the file reads without its script (an <img>, an image
 * viewer); the embedded script (assets/flamegraph.js) adds click-to-zoom,
 * search and details. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/calltree.h"
#include "report/escape.h"
#include "report/views.h"
#include "src/report/flamegraph-assets.h" /* generated: flamegraph_js/css */
#include "utf8.h"

#define IMAGE_WIDTH   1200
#define MARGIN        10 /* left and right of the frames */
#define AREA_WIDTH    (IMAGE_WIDTH - 2 * MARGIN)
#define HEADER_HEIGHT 60 /* heading, subheading, buttons */
#define FOOTER_HEIGHT 30 /* details of the frame under the mouse */
#define FRAME_HEIGHT  16
#define CHAR_WIDTH    7.2 /* Verdana's average advance at 12px */
/* Frames worth less than 1/HIDE_BELOW of the total are not drawn: they
 * would be under 1.2 pixels wide, and they are most of a deep profile. */
#define HIDE_BELOW 1000

struct flame {
	const struct profile *p;
	struct call_tree tree;
	FILE *out;
	const char *unit;
	uint64_t total;     /* the root's */
	uint64_t min_total; /* nodes below it are not drawn */
	uint32_t max_depth; /* of the nodes drawn */
	size_t drawn;
};

/* A node to draw: its depth (the root's is 0) and where it starts, in
 * metric units from the left edge. */
struct placed {
	uint32_t node, depth;
	uint64_t start;
};

struct placed_stack {
	struct placed *items;
	size_t n, capacity;
};

static int push_placed(struct placed_stack *s, struct placed item)
{
	if (s->n == s->capacity) {
		size_t capacity = s->capacity ? s->capacity * 2 : 256;
		struct placed *items =
		        realloc(s->items, capacity * sizeof *items);
		if (!items)
			return -1;
		s->items = items;
		s->capacity = capacity;
	}
	s->items[s->n++] = item;
	return 0;
}

typedef void (*visit_fn)(struct flame *f, const struct placed *at);

/* Visit every node wide enough to draw, parents before children, without
 * recursion (stacks can be thousands of frames deep). Children come
 * largest first, so the first one too narrow ends its siblings. */
static int walk_drawn(struct flame *f, visit_fn visit)
{
	struct placed_stack todo = {0};
	int rc = f->total ? push_placed(&todo, (struct placed){0, 0, 0}) : 0;
	while (rc == 0 && todo.n > 0) {
		struct placed at = todo.items[--todo.n];
		visit(f, &at);
		uint64_t start = at.start;
		const struct call_node *nodes = f->tree.nodes;
		for (uint32_t c = nodes[at.node].first_child;
		     c != CALL_NONE && rc == 0; c = nodes[c].next_sibling) {
			if (nodes[c].total < f->min_total)
				break;
			rc = push_placed(
			        &todo, (struct placed){c, at.depth + 1, start});
			start += nodes[c].total;
		}
	}
	free(todo.items);
	return rc;
}

static void measure(struct flame *f, const struct placed *at)
{
	f->drawn++;
	if (at->depth > f->max_depth)
		f->max_depth = at->depth;
}

/* --- text ------------------------------------------------------------ */

static void put_thousands(FILE *out, uint64_t value)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, value);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			putc(',', out);
		putc(digits[i], out);
	}
}

static void put_escaped(FILE *out, const char *s)
{
	xml_escape(out, s, strlen(s));
}

/* The name a node is drawn with: the function, or what the node stands
 * for; buf holds names that are made up here. */
static const char *node_name(const struct flame *f, const struct call_node *n,
                             char *buf, size_t len)
{
	if (n->thread != CALL_NONE) {
		const struct profile_thread *t =
		        profile_thread_at(f->p, n->thread);
		int w = snprintf(buf, len, "thread %" PRId64 " (pid %" PRId64,
		                 t->tid, t->pid);
		if (t->iid != 0 && w > 0 && (size_t)w < len)
			snprintf(buf + w, len - (size_t)w,
			         ", interpreter %" PRId64, t->iid);
		strncat(buf, ")", len - strlen(buf) - 1);
		return buf;
	}
	if (n->frame == CALL_NONE)
		return "all";
	const struct profile_frame *fr = profile_frame_at(f->p, n->frame);
	if (fr->kind == FRAME_INVALID)
		return ":INVALID:";
	if (fr->kind == FRAME_GC)
		return ":GC:";
	return profile_str(f->p, fr->name);
}

/* The label that fits a frame w pixels wide: the whole name, or its first
 * characters and "..", or nothing. (flamegraph.js fits them the same way
 * after a zoom.) */
static void put_label(FILE *out, const char *name, double w)
{
	double room = (w - 6) / CHAR_WIDTH;
	if (room < 3)
		return;
	size_t fits = (size_t)room, chars = 0, cut = 0, len = strlen(name);
	for (size_t i = 0; i < len && chars <= fits; chars++) {
		if (chars == fits - 2)
			cut = i;
		size_t step = utf8_sequence(name + i, len - i);
		i += step ? step : 1;
	}
	if (chars <= fits) {
		xml_escape(out, name, len);
	} else {
		xml_escape(out, name, cut);
		fputs("..", out);
	}
}

/* --- colours --------------------------------------------------------- */

struct rgb {
	unsigned r, g, b;
};

/* hue in degrees [0, 360), saturation and lightness in [0, 1]. */
static struct rgb from_hsl(unsigned hue, double sat, double light)
{
	double chroma =
	        (1 - (light > 0.5 ? 2 * light - 1 : 1 - 2 * light)) * sat;
	double slope = (hue % 60) / 60.0;
	if ((hue / 60) % 2 == 1)
		slope = 1 - slope;
	double x = chroma * slope, m = light - chroma / 2;
	double r = 0, g = 0, b = 0;
	switch (hue / 60) {
	case 0:
		r = chroma, g = x;
		break;
	case 1:
		r = x, g = chroma;
		break;
	case 2:
		g = chroma, b = x;
		break;
	case 3:
		g = x, b = chroma;
		break;
	case 4:
		r = x, b = chroma;
		break;
	default:
		r = chroma, b = x;
		break;
	}
	return (struct rgb){(unsigned)((r + m) * 255 + 0.5),
	                    (unsigned)((g + m) * 255 + 0.5),
	                    (unsigned)((b + m) * 255 + 0.5)};
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Warm tones for the program's frames, cool ones for the standard library
 * and site-packages, picked by a hash of the name so a function keeps its
 * colour from one graph to the next. */
static struct rgb frame_colour(const struct flame *f, const struct call_node *n)
{
	if (n->frame == CALL_NONE)
		return from_hsl(40, 0.12, 0.80); /* root and threads */
	const struct profile_frame *fr = profile_frame_at(f->p, n->frame);
	if (fr->kind == FRAME_INVALID)
		return from_hsl(0, 0, 0.75);
	if (fr->kind == FRAME_GC)
		return from_hsl(275, 0.45, 0.72);
	uint32_t h = name_hash(profile_str(f->p, fr->name));
	double sat = (h >> 8) % 20 / 100.0, light = (h >> 16) % 12 / 100.0;
	if (view_is_library_file(profile_str(f->p, fr->file)))
		return from_hsl(190 + h % 40, 0.40 + sat, 0.62 + light);
	return from_hsl(h % 50, 0.72 + sat, 0.54 + light);
}

/* --- the document ---------------------------------------------------- */

static const char *metric_title(const struct profile *p, enum profile_metric m)
{
	switch (m) {
	case METRIC_TIME:
		return p->mode == PROFILE_CPU ? "CPU time" : "Wall time";
	case METRIC_CPU:
		return "CPU time";
	case METRIC_WALL:
		return "Wall time";
	case METRIC_MEMORY_UP:
		return "Memory growth";
	case METRIC_MEMORY_DOWN:
		return "Memory released";
	}
	return "?";
}

static double x_at(const struct flame *f, uint64_t value)
{
	double x = MARGIN + (double)value * AREA_WIDTH / (double)f->total;
	return (double)(int64_t)(x * 100 + 0.5) / 100; /* as written */
}

static void put_title(struct flame *f, const struct call_node *n,
                      const char *name)
{
	FILE *out = f->out;
	fputs("<title>", out);
	put_escaped(out, name);
	if (n->frame != CALL_NONE) {
		const struct profile_frame *fr =
		        profile_frame_at(f->p, n->frame);
		if (fr->kind == FRAME_PYTHON) {
			putc('\n', out);
			put_escaped(out, profile_str(f->p, fr->file));
			fprintf(out, ":%" PRId32, fr->line);
		}
	}
	putc('\n', out);
	put_thousands(out, n->total);
	fprintf(out, " %s (%.2f%%)</title>", f->unit,
	        100.0 * (double)n->total / (double)f->total);
}

static void draw(struct flame *f, const struct placed *at)
{
	const struct call_node *n = &f->tree.nodes[at->node];
	double x = x_at(f, at->start);
	double w = x_at(f, at->start + n->total) - x;
	int y = HEADER_HEIGHT + (int)(f->max_depth - at->depth) * FRAME_HEIGHT;
	char buf[128];
	const char *name = node_name(f, n, buf, sizeof buf);
	struct rgb c = frame_colour(f, n);
	fputs("<g class=\"f\">", f->out);
	put_title(f, n, name);
	fprintf(f->out,
	        "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
	        "fill=\"#%02x%02x%02x\"/><text x=\"%.2f\" y=\"%d\">",
	        x, y, w, FRAME_HEIGHT - 1, c.r, c.g, c.b, x + 3, y + 12);
	put_label(f->out, name, w);
	fputs("</text></g>\n", f->out);
}

static size_t counted_samples(const struct profile *p, enum profile_metric m)
{
	size_t n = 0;
	for (size_t i = 0; i < p->samples.n; i++)
		n += profile_value(p, profile_sample_at(p, i), m) != 0;
	return n;
}

static void put_subheading(const struct flame *f, enum profile_metric m)
{
	FILE *out = f->out;
	fprintf(out, "<text id=\"subheading\" x=\"%d\" y=\"44\">",
	        IMAGE_WIDTH / 2);
	if (f->total == 0) {
		fputs("No sample has a value under this metric</text>\n", out);
		return;
	}
	put_thousands(out, f->total);
	fprintf(out, " %s in ", f->unit);
	put_thousands(out, counted_samples(f->p, m));
	fprintf(out,
	        " samples, %zu thread%s \xc2\xb7 frames under 0.1%% of the "
	        "total are not drawn (",
	        f->p->threads.n, f->p->threads.n == 1 ? "" : "s");
	put_thousands(out, f->tree.n - f->drawn);
	fputs(" of ", out);
	put_thousands(out, f->tree.n);
	fputs(")</text>\n", out);
}

static void put_header(const struct flame *f, enum profile_metric m, int height)
{
	FILE *out = f->out;
	const char *title = metric_title(f->p, m);
	fprintf(out,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
	        "<title>%s (%s): austinc-report flame graph</title>\n"
	        "<style><![CDATA[\n%s]]></style>\n"
	        "<rect id=\"background\" x=\"0\" y=\"0\" width=\"%d\" "
	        "height=\"%d\"/>\n"
	        "<text id=\"heading\" x=\"%d\" y=\"24\">%s (%s)</text>\n",
	        IMAGE_WIDTH, height, IMAGE_WIDTH, height, title, f->unit,
	        flamegraph_css, IMAGE_WIDTH, height, IMAGE_WIDTH / 2, title,
	        f->unit);
	put_subheading(f, m);
	fprintf(out,
	        "<text id=\"reset\" class=\"button hidden\" x=\"%d\" "
	        "y=\"24\">Reset zoom</text>\n"
	        "<text id=\"search\" class=\"button\" x=\"%d\" y=\"24\" "
	        "text-anchor=\"end\">Search</text>\n"
	        "<text id=\"details\" x=\"%d\" y=\"%d\"></text>\n"
	        "<text id=\"matched\" x=\"%d\" y=\"%d\"></text>\n"
	        "<g id=\"frames\" data-left=\"%d\" data-width=\"%d\" "
	        "data-char=\"%.1f\">\n",
	        MARGIN, IMAGE_WIDTH - MARGIN, MARGIN, height - 10,
	        IMAGE_WIDTH - MARGIN, height - 10, MARGIN, AREA_WIDTH,
	        CHAR_WIDTH);
}

static void put_footer(FILE *out)
{
	fprintf(out, "</g>\n<script><![CDATA[\n%s]]></script>\n</svg>\n",
	        flamegraph_js);
}

int view_svg(const struct profile *p, const struct view_options *o, FILE *out)
{
	struct flame f = {.p = p, .out = out};
	f.unit = profile_metric_unit(o->metric);
	if (call_tree_build(&f.tree, p, o->metric, p->threads.n > 1))
		return -1;
	f.total = f.tree.nodes[0].total;
	f.min_total = f.total / HIDE_BELOW + (f.total % HIDE_BELOW != 0);
	int rc = walk_drawn(&f, measure);
	if (rc == 0) {
		int height =
		        HEADER_HEIGHT +
		        (int)(f.drawn ? f.max_depth + 1 : 0) * FRAME_HEIGHT +
		        FOOTER_HEIGHT;
		put_header(&f, o->metric, height);
		rc = walk_drawn(&f, draw);
		put_footer(out);
	}
	int saved = errno;
	call_tree_free(&f.tree);
	errno = saved;
	return rc ? -1 : 0;
}
