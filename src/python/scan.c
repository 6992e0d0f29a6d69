/* Finding the runtime of a CPython whose symbols were stripped.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/scan.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"

#define MAX_INTERPRETERS 256
#define CACHE_SLOTS      4096 /* a power of two */

static const char COOKIE[8] = {'x', 'd', 'e', 'b', 'u', 'g', 'p', 'y'};

/* The area's bytes, read once (bounded by SCAN_MAX_BYTES), starting at
 * *start rounded up to pointer alignment. NULL when nothing could be read. */
static uint8_t *read_area(const struct remote *remote,
                          const struct scan_area *area, uint64_t *start,
                          size_t *got)
{
	uint64_t skip = (8 - (area->start & 7)) & 7;
	if (area->size <= skip)
		return NULL;
	size_t size = area->size - skip < SCAN_MAX_BYTES
	                      ? (size_t)(area->size - skip)
	                      : SCAN_MAX_BYTES;
	uint8_t *buf = malloc(size);
	if (!buf)
		return NULL;
	*start = area->start + skip;
	ssize_t n = remote_read_some(remote, *start, buf, size);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	*got = (size_t)n;
	return buf;
}

uint64_t scan_for_debug_offsets(const struct remote *remote,
                                const struct scan_area *area)
{
	uint64_t start, found = 0;
	size_t size;
	uint8_t *buf = read_area(remote, area, &start, &size);
	for (size_t at = 0; buf && at + sizeof COOKIE <= size && !found;
	     at += 8)
		if (memcmp(buf + at, COOKIE, sizeof COOKIE) == 0)
			found = start + at;
	free(buf);
	return found;
}

static int read_pointer(const struct remote *remote, uint64_t addr,
                        uint64_t *value)
{
	return remote_read(remote, addr, value, sizeof *value);
}

/* What a candidate is checked against. */
struct scan_rules {
	const struct remote *remote;
	const struct py_layout *L;
	uint64_t code_type; /* PyCode_Type, 0 when unknown */
};

/* Is obj a code object: of type code_type, or when that is unknown, of a
 * type named "code"? (tp_name follows the PyVarObject header in every
 * version.) */
static int is_code(const struct scan_rules *r, uint64_t obj)
{
	const uint32_t tp_name = 24;
	uint64_t type, name;
	char text[5];
	if (!remote_plausible(obj) ||
	    read_pointer(r->remote, obj + layout_ob_type(r->L), &type))
		return 0;
	if (r->code_type)
		return type == r->code_type;
	return remote_plausible(type) &&
	       read_pointer(r->remote, type + tp_name, &name) == 0 &&
	       remote_read(r->remote, name, text, sizeof text) == 0 &&
	       memcmp(text, "code", sizeof text) == 0;
}

/* Up to 3.10 a thread's frame is NULL or a frame object running a code
 * object. This tells a thread state from an interpreter state, whose first
 * words mirror it (next, then interp / tstate_head): before 3.7 a global
 * pointing at the running thread would otherwise pass for interp_head. */
static int frame_looks_right(const struct scan_rules *r, uint64_t tstate)
{
	uint64_t frame, code;
	if (r->L->frame_model != MODEL_FRAME_OBJECTS)
		return 1;
	if (read_pointer(r->remote, tstate + r->L->tstate.frame, &frame))
		return 0;
	return frame == 0 ||
	       (remote_plausible(frame) &&
	        read_pointer(r->remote, frame + r->L->frame.code, &code) == 0 &&
	        is_code(r, code));
}

/* Has interp its modules (2.7, 3.6)? Until it has, no Python code runs,
 * every frame is NULL, and the mirror that frame_looks_right() tells
 * apart would pass as well as interp_head: the search waits for it. */
static int initialised(const struct scan_rules *r, uint64_t interp)
{
	uint64_t modules;
	return r->L->interp.modules == LAYOUT_NONE ||
	       (read_pointer(r->remote, interp + r->L->interp.modules,
	                     &modules) == 0 &&
	        remote_plausible(modules));
}

/* Is interp an interpreter: does its first thread point back at it? Its
 * next interpreter goes to *next. */
static int is_interpreter(const struct scan_rules *r, uint64_t interp,
                          uint64_t *next)
{
	const struct py_layout *L = r->L;
	uint64_t tstate, back;
	return remote_plausible(interp) && initialised(r, interp) &&
	       read_pointer(r->remote, interp + L->interp.next, next) == 0 &&
	       read_pointer(r->remote, interp + L->interp.tstate_head,
	                    &tstate) == 0 &&
	       remote_plausible(tstate) &&
	       read_pointer(r->remote, tstate + L->tstate.interp, &back) == 0 &&
	       back == interp && frame_looks_right(r, tstate);
}

/* How many interpreters the list from head holds, when each is one and the
 * last is main (0: any); 0 when it is not such a list. */
static int list_length(const struct scan_rules *r, uint64_t head, uint64_t main)
{
	uint64_t interp = head, next;
	for (int n = 1; n <= MAX_INTERPRETERS; n++) {
		if (!is_interpreter(r, interp, &next))
			return 0;
		if (next == 0)
			return main == 0 || interp == main ? n : 0;
		interp = next;
	}
	return 0;
}

/* Candidates repeat (many globals point at the same few objects): each
 * (head, main) pair is followed into the target once, within the budget. */
struct checks {
	struct {
		uint64_t head, main;
		int length;
	} slot[CACHE_SLOTS];
	unsigned budget;
};

static int checked_length(struct checks *c, const struct scan_rules *r,
                          uint64_t head, uint64_t main)
{
	unsigned i = (unsigned)((head ^ main * 31) >> 3) & (CACHE_SLOTS - 1);
	if (c->slot[i].head == head && c->slot[i].main == main)
		return c->slot[i].length;
	if (c->budget == 0)
		return 0;
	c->budget--;
	c->slot[i].head = head;
	c->slot[i].main = main;
	c->slot[i].length = list_length(r, head, main);
	return c->slot[i].length;
}

/* The head and main pointers a runtime at buf + at would hold; 0 when
 * they are not plausible there. */
static int candidate_at(const struct py_layout *L, const struct scan_area *a,
                        const uint8_t *buf, size_t size, size_t at,
                        uint64_t *head, uint64_t *main)
{
	int has_main = L->runtime.interp_main != LAYOUT_NONE;
	if (size - at < L->runtime.size)
		return 0;
	*head = load_u64(buf, at + L->runtime.interp_head);
	*main = has_main ? load_u64(buf, at + L->runtime.interp_main) : 0;
	if (!remote_plausible(*head) || (has_main && !remote_plausible(*main)))
		return 0;
	/* Before 3.7 the interpreters are on the heap, never in the file. */
	return has_main || *head < a->file_start || *head >= a->file_end;
}

uint64_t scan_for_runtime(const struct remote *remote,
                          const struct py_layout *L, uint64_t code_type,
                          const struct scan_area *area)
{
	const struct scan_rules rules = {remote, L, code_type};
	uint64_t start, found = 0, head, main;
	size_t size;
	int best = 0;
	struct checks *checks = calloc(1, sizeof *checks);
	uint8_t *buf = checks ? read_area(remote, area, &start, &size) : NULL;
	if (buf)
		checks->budget = SCAN_MAX_CHECKS;
	for (size_t at = 0; buf && at + 8 <= size; at += 8) {
		if (!candidate_at(L, area, buf, size, at, &head, &main))
			continue;
		int length = checked_length(checks, &rules, head, main);
		if (length > best) {
			best = length;
			found = start + at;
		}
	}
	free(buf);
	free(checks);
	return found;
}
