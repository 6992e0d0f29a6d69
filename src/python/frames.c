/* Frame walkers.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Every pointer comes from a process that keeps running while we read it:
 * the chain is bounded in depth, checked for cycles, and a frame that cannot
 * be read becomes an INVALID frame that ends the walk. */
#include "python/frames.h"

#include <string.h>

#include "bytes.h"

static uint32_t max_end(uint32_t size, uint32_t offset, uint32_t width)
{
	if (offset == LAYOUT_NONE)
		return size;
	return offset + width > size ? offset + width : size;
}

void unwinder_init(struct unwinder *u, struct prefetch *pf,
                   const struct py_layout *layout, struct code_reader *code)
{
	memset(u, 0, sizeof *u);
	u->pf = pf;
	u->layout = layout;
	u->code = code;
	uint32_t size = 0;
	size = max_end(size, layout->frame.previous, 8);
	size = max_end(size, layout->frame.code, 8);
	size = max_end(size, layout->frame.lasti, 8);
	size = max_end(size, layout->frame.owner, 1);
	if (layout->frame.tlbc_index)
		size = max_end(size, layout->frame.tlbc_index, 4);
	u->frame_read_size = size;
	u->interpreter_frames = layout->frame_model != FRAME_OBJECTS;
	u->skip_owners = layout->frame.skip_owners;
	int32_t cstack = layout->frame.owner_cstack;
	if (cstack >= 0 && cstack < 32)
		u->skip_owners |= 1u << cstack;
}

static void push_invalid(struct stack *out)
{
	if (out->depth < STACK_MAX_DEPTH)
		out->frames[out->depth++] = (struct frame){0};
}

/* The decoded code object at code_addr. A recursion meets the same code
 * object frame after frame: the last one found is kept for the rest of the
 * walk (code_lookup would return the same entry, now trusted for this
 * walk). */
static struct code_info *lookup(struct unwinder *u, uint64_t code_addr)
{
	if (code_addr != u->last_code || !u->last_info) {
		u->last_info = code_lookup(u->code, code_addr);
		u->last_code = code_addr;
		u->last_offset = -2; /* no frame made: -1 is "not started" */
	}
	return u->last_info;
}

/* Push a frame of code object code_addr; 1 when it could not be read. The
 * frame made last is pushed again while code object and offset repeat. */
static int push_code(struct unwinder *u, struct stack *out, uint64_t code_addr,
                     int64_t addr)
{
	struct code_info *ci = lookup(u, code_addr);
	if (!ci) {
		push_invalid(out);
		return 1;
	}
	int offset = addr < 0 || addr > INT32_MAX ? -1 : (int)addr;
	if (offset != u->last_offset) {
		u->last_frame = (struct frame){
		        .file = ci->filename,
		        .name = ci->name,
		        .file_len = ci->filename_len,
		        .name_len = ci->name_len,
		        .line = code_line(ci, u->layout->line_format, offset),
		        .label = ci->label,
		        .label_len = ci->label_len,
		        .code_id = ci->id,
		};
		u->last_offset = offset;
	}
	out->frames[out->depth++] = u->last_frame;
	return 0;
}

/* What one frame's header says. */
struct frame_view {
	uint64_t previous, code;
	int64_t offset; /* byte offset of the current instruction */
	int skip;       /* not a Python frame of its own */
};

/* <= 3.10: PyFrameObjects on the heap. */
static const uint8_t *read_frame_object(struct unwinder *u, uint64_t addr)
{
	return prefetch_read(u->pf, addr, u->frame_read_size);
}

static void decode_frame_object(struct unwinder *u, const uint8_t *f,
                                struct frame_view *v)
{
	const struct py_layout *L = u->layout;
	int64_t lasti = load_i32(f, L->frame.lasti);
	if (L->line_format == LINES_LINETABLE310 && lasti >= 0)
		lasti *= 2; /* 3.10 counts code units */
	v->previous = load_u64(f, L->frame.previous);
	v->code = load_u64(f, L->frame.code);
	v->offset = lasti;
	v->skip = 0;
}

/* Copy [base, addr + frame size) of a data-stack chunk in one read, after
 * checking that addr lies inside the chunk the header describes. */
static const uint8_t *load_window(struct unwinder *u, uint64_t base,
                                  uint64_t addr)
{
	const struct py_layout *L = u->layout;
	uint64_t hi = addr + u->frame_read_size;
	if (!remote_plausible(base) || addr < base + L->chunk.size ||
	    hi - base > MAX_WINDOW_BYTES)
		return NULL;
	/* Read on to the end of the page: the kernel pins that page anyway,
	 * and a stack that grows by a few frames before the next tick is
	 * then still inside the region it reads ahead (else it would miss,
	 * and cost a read of its own and a new plan). */
	uint64_t page_end =
	        (hi + WINDOW_PAGE - 1) & ~(uint64_t)(WINDOW_PAGE - 1);
	const uint8_t *data = prefetch_read(u->pf, base, page_end - base);
	if (!data || hi - base > load_u64(data, L->chunk.chunk_size))
		return NULL; /* unreadable, or not this chunk's frame */
	u->windows[u->n_windows++] =
	        (struct window){base, hi - u->frame_read_size, data};
	return data + (addr - base);
}

/* The chunk to try next: the thread's current one, then each one's
 * predecessor. */
static uint64_t next_chunk(const struct unwinder *u)
{
	if (u->n_windows == 0)
		return u->top_chunk;
	const struct window *last = &u->windows[u->n_windows - 1];
	return load_u64(last->data, u->layout->chunk.previous);
}

/* The header of the interpreter frame at addr, from a chunk copy when it
 * lies in one, else read on its own. NULL when unreadable. */
static const uint8_t *interpreter_frame(struct unwinder *u, uint64_t addr)
{
	/* Newest first: the walk is in the chunk it read last. */
	for (size_t i = u->n_windows; i-- > 0;) {
		const struct window *w = &u->windows[i];
		if (addr >= w->lo && addr <= w->last_header)
			return w->data + (addr - w->lo);
	}
	if (u->n_windows < MAX_WINDOWS) {
		const uint8_t *hdr = load_window(u, next_chunk(u), addr);
		if (hdr)
			return hdr;
	}
	return prefetch_read(u->pf, addr, u->frame_read_size);
}

/* Does a frame with this owner belong to the interpreter rather than to a
 * Python function? The C-stack shim frames of 3.12 and 3.13, and from 3.14
 * the interpreter's own entry frames (and 3.15's sentinel base frame): the
 * owners in u->skip_owners, or owner_cstack when it does not fit there. */
static int interpreter_owned(const struct unwinder *u, uint8_t owner)
{
	if (owner < 32)
		return u->skip_owners >> owner & 1;
	return owner == u->layout->frame.owner_cstack;
}

/* Free-threaded 3.14+: a thread may run its own copy of a code object's
 * bytecode, entry tlbc_index of the code object's co_tlbc array
 * (_PyCodeArray { Py_ssize_t size; char *entries[]; }), whose entry 0 is
 * co_code_adaptive. The address instr_ptr counts from; 0 if unknown. */
static uint64_t bytecode_start(struct unwinder *u, uint64_t code,
                               const uint8_t *hdr)
{
	const struct py_layout *L = u->layout;
	int32_t index =
	        L->frame.tlbc_index ? load_i32(hdr, L->frame.tlbc_index) : 0;
	if (index == 0)
		return code + L->code.code_adaptive;
	if (index < 0 || index > MAX_TLBC_INDEX || !remote_plausible(code))
		return 0;
	const uint8_t *field = prefetch_read(u->pf, code + L->code.tlbc, 8);
	uint64_t array = field ? load_u64(field, 0) : 0;
	uint32_t want = 8 * (uint32_t)(index + 2); /* size and entries */
	const uint8_t *copy = remote_plausible(array)
	                              ? prefetch_read(u->pf, array, want)
	                              : NULL;
	if (!copy || load_u64(copy, 0) <= (uint64_t)index)
		return 0;
	return load_u64(copy, 8 * (uint32_t)(index + 1));
}

/* 3.11+: _PyInterpreterFrames in per-thread data-stack chunks (generator
 * frames live in their generator objects). From 3.14 f_executable is a
 * tagged _PyStackRef: its tag bits are cleared to get the code object. */
static void decode_interpreter_frame(struct unwinder *u, const uint8_t *hdr,
                                     struct frame_view *v)
{
	const struct py_layout *L = u->layout;
	v->previous = load_u64(hdr, L->frame.previous);
	v->skip = interpreter_owned(u, hdr[L->frame.owner]);
	v->code = load_u64(hdr, L->frame.code) &
	          ~(uint64_t)L->frame.code_tag_bits;
	v->offset = -1;
	if (v->skip)
		return;
	uint64_t start = bytecode_start(u, v->code, hdr);
	if (start)
		v->offset = (int64_t)(load_u64(hdr, L->frame.lasti) - start);
}

/* Read and make sense of the frame at addr, by the frame model; 0 when it
 * cannot be read. */
static int read_frame(struct unwinder *u, uint64_t addr, struct frame_view *v)
{
	const uint8_t *hdr = u->interpreter_frames ? interpreter_frame(u, addr)
	                                           : read_frame_object(u, addr);
	if (!hdr)
		return 0;
	if (u->interpreter_frames)
		decode_interpreter_frame(u, hdr, v);
	else
		decode_frame_object(u, hdr, v);
	return 1;
}

/* Follow a chain of frames from addr. */
static int walk(struct unwinder *u, uint64_t addr, struct stack *out)
{
	struct cycle_check cycle;
	int problems = 0;
	cycle_init(&cycle);
	u->last_code = 0;
	u->last_info = NULL;
	while (addr && out->depth < STACK_MAX_DEPTH - 1) {
		struct frame_view v;
		if (!remote_plausible(addr) || cycle_seen(&cycle, addr) ||
		    !read_frame(u, addr, &v)) {
			push_invalid(out);
			return problems + 1;
		}
		if (!v.skip)
			problems += push_code(u, out, v.code, v.offset);
		addr = v.previous;
	}
	if (addr) {
		push_invalid(out); /* cut: deeper than we keep */
		problems++;
	}
	return problems;
}

static int unwind_once(struct unwinder *u, const uint8_t *tstate,
                       struct stack *out)
{
	const struct py_layout *L = u->layout;
	uint64_t top = load_u64(tstate, L->tstate.frame);
	out->depth = 0;
	switch (L->frame_model) {
	case FRAME_OBJECTS:
		return walk(u, top, out);
	case FRAME_CFRAME:
		/* tstate->cframe->current_frame */
		if (top) {
			const uint8_t *cframe = NULL;
			if (remote_plausible(top))
				cframe = prefetch_read(
				        u->pf, top + L->cframe.current_frame,
				        8);
			if (!cframe) {
				push_invalid(out);
				return 1;
			}
			top = load_u64(cframe, 0);
		}
		break;
	case FRAME_DIRECT:
		break;
	}
	u->n_windows = 0;
	u->top_chunk = load_u64(tstate, L->tstate.datastack_chunk);
	return walk(u, top, out);
}

int unwind_thread(struct unwinder *u, const uint8_t *tstate, struct stack *out)
{
	int problems = unwind_once(u, tstate, out);
	/* A code object that changed since it was decoded is decoded afresh
	 * on the next walk (its entry is no longer taken on trust). That one
	 * has nothing left to check unless the target keeps replacing code
	 * objects under us: then the stack is given up for this tick. */
	for (int walks = 1; code_check_due(u->code) > 0; walks++) {
		if (walks == MAX_WALKS) {
			out->depth = 0;
			push_invalid(out);
			return 1;
		}
		problems = unwind_once(u, tstate, out);
	}
	return problems;
}
