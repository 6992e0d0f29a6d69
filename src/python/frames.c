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
	u->frame_read_size = size;
}

static void push_invalid(struct stack *out)
{
	if (out->depth < STACK_MAX_DEPTH)
		out->frames[out->depth++] = (struct frame){0};
}

/* Push a frame of code object code_addr; 1 when it could not be read. */
static int push_code(struct unwinder *u, struct stack *out, uint64_t code_addr,
                     int64_t addr)
{
	struct code_info *ci = code_lookup(u->code, code_addr);
	if (!ci) {
		push_invalid(out);
		return 1;
	}
	int offset = addr < 0 || addr > INT32_MAX ? -1 : (int)addr;
	out->frames[out->depth++] = (struct frame){
	        .file = ci->filename,
	        .name = ci->name,
	        .file_len = ci->filename_len,
	        .name_len = ci->name_len,
	        .line = code_line(ci, u->layout->line_format, offset),
	};
	return 0;
}

/* What one frame's header says. */
struct frame_view {
	uint64_t previous, code;
	int64_t offset; /* byte offset of the current instruction */
	int skip;       /* not a Python frame of its own */
};

typedef const uint8_t *(*frame_reader)(struct unwinder *u, uint64_t addr);
typedef void (*frame_decoder)(const struct py_layout *L, const uint8_t *hdr,
                              struct frame_view *v);

/* Follow a chain of frames from addr, reading each with read and making
 * sense of it with decode. */
static int walk(struct unwinder *u, uint64_t addr, struct stack *out,
                frame_reader read, frame_decoder decode)
{
	struct cycle_check cycle;
	int problems = 0;
	cycle_init(&cycle);
	while (addr && out->depth < STACK_MAX_DEPTH - 1) {
		const uint8_t *hdr = NULL;
		if (remote_plausible(addr) && !cycle_seen(&cycle, addr))
			hdr = read(u, addr);
		if (!hdr) {
			push_invalid(out);
			return problems + 1;
		}
		struct frame_view v;
		decode(u->layout, hdr, &v);
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

/* <= 3.10: PyFrameObjects on the heap. */
static const uint8_t *read_frame_object(struct unwinder *u, uint64_t addr)
{
	return prefetch_read(u->pf, addr, u->frame_read_size);
}

static void decode_frame_object(const struct py_layout *L, const uint8_t *f,
                                struct frame_view *v)
{
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
	const uint8_t *data = prefetch_read(u->pf, base, hi - base);
	if (!data || hi - base > load_u64(data, L->chunk.chunk_size))
		return NULL; /* unreadable, or not this chunk's frame */
	u->windows[u->n_windows++] = (struct window){base, hi, data};
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
	for (size_t i = 0; i < u->n_windows; i++) {
		const struct window *w = &u->windows[i];
		if (addr >= w->lo && addr + u->frame_read_size <= w->hi)
			return w->data + (addr - w->lo);
	}
	if (u->n_windows < MAX_WINDOWS) {
		const uint8_t *hdr = load_window(u, next_chunk(u), addr);
		if (hdr)
			return hdr;
	}
	return prefetch_read(u->pf, addr, u->frame_read_size);
}

/* 3.11+: _PyInterpreterFrames in per-thread data-stack chunks (generator
 * frames live in their generator objects); shim frames of the C stack are
 * not Python frames. */
static void decode_interpreter_frame(const struct py_layout *L,
                                     const uint8_t *hdr, struct frame_view *v)
{
	v->previous = load_u64(hdr, L->frame.previous);
	v->code = load_u64(hdr, L->frame.code);
	uint64_t instr = load_u64(hdr, L->frame.lasti);
	v->offset = (int64_t)(instr - (v->code + L->code.code_adaptive));
	v->skip = L->frame.owner_cstack >= 0 &&
	          hdr[L->frame.owner] == L->frame.owner_cstack;
}

int unwind_thread(struct unwinder *u, const uint8_t *tstate, struct stack *out)
{
	const struct py_layout *L = u->layout;
	uint64_t top = load_u64(tstate, L->tstate.frame);
	out->depth = 0;
	switch (L->frame_model) {
	case FRAME_OBJECTS:
		return walk(u, top, out, read_frame_object,
		            decode_frame_object);
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
	return walk(u, top, out, interpreter_frame, decode_interpreter_frame);
}
