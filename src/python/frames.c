/* Frame walkers.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Every pointer comes from a process that keeps running while we read it:
 * the chain is bounded in length, checked for cycles, and a frame that
 * cannot be read becomes an INVALID frame that ends the walk. A stack
 * deeper than a sample holds is walked to its end all the same; only the
 * frames it keeps are decoded. */
#include "python/frames.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"

static uint32_t max_end(uint32_t size, uint32_t offset, uint32_t width)
{
	if (offset == LAYOUT_NONE)
		return size;
	return offset + width > size ? offset + width : size;
}

int unwinder_init(struct unwinder *u, struct prefetch *pf,
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
	u->interpreter_frames = layout->frame_model != MODEL_FRAME_OBJECTS;
	u->skip_owners = layout->frame.skip_owners;
	int32_t cstack = layout->frame.owner_cstack;
	if (cstack >= 0 && cstack < 32)
		u->skip_owners |= 1u << cstack;
	/* A window is read to the end of its page. */
	return blocks_init(&u->blocks, pf->remote,
	                   MAX_WINDOW_BYTES + WINDOW_PAGE);
}

void unwinder_free(struct unwinder *u)
{
	blocks_free(&u->blocks);
}

static void push_invalid(struct stack *out)
{
	if (out->depth < STACK_MAX_DEPTH)
		out->frames[out->depth++] =
		        (struct frame){.kind = FRAME_INVALID};
}

/* The frame that stands for the n frames left out of a deep stack. */
static void push_left_out(struct stack *out, uint64_t n)
{
	int len = snprintf(out->left_out_name, sizeof out->left_out_name,
	                   STACK_LEFT_OUT_FORMAT, n);
	out->frames[out->depth++] = (struct frame){
	        .kind = FRAME_LEFT_OUT,
	        .file = "",
	        .name = out->left_out_name,
	        .name_len = (uint32_t)len,
	};
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
	}
	return u->last_info;
}

/* Free-threaded 3.14+: a thread may run its own copy of a code object's
 * bytecode, entry tlbc_index of the code object's co_tlbc array
 * (_PyCodeArray { Py_ssize_t size; char *entries[]; }), whose entry 0 is
 * co_code_adaptive. The address instr_ptr counts from; 0 if unknown. */
static uint64_t bytecode_start(struct unwinder *u, uint64_t code, int32_t index)
{
	const struct py_layout *L = u->layout;
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

/* The byte offset of the frame's current instruction; -1 if unknown. */
static int64_t instruction_offset(struct unwinder *u,
                                  const struct frame_view *v)
{
	if (!u->interpreter_frames) {
		int64_t lasti = (int32_t)v->instr;
		if (u->layout->line_format == LINES_LINETABLE310 && lasti >= 0)
			lasti *= 2; /* 3.10 counts code units */
		return lasti;
	}
	uint64_t start = bytecode_start(u, v->code, v->tlbc_index);
	return start ? (int64_t)(v->instr - start) : -1;
}

/* The memo slot of the frame v describes. */
static struct frame_memo *memo_slot(struct unwinder *u,
                                    const struct frame_view *v)
{
	uint64_t key = (v->code + v->instr) * 0x9e3779b97f4a7c15ull;
	return &u->memo[key >> (64 - FRAME_MEMO_BITS)];
}

/* Does m hold the frame v describes, made of a code entry still good? */
static int memo_holds(struct unwinder *u, const struct frame_memo *m,
                      const struct frame_view *v)
{
	return m->info && m->code == v->code && m->instr == v->instr &&
	       m->tlbc_index == v->tlbc_index &&
	       m->evictions == u->code->evictions &&
	       code_use_trusted(u->code, m->info);
}

/* Make the frame v describes into m; -1 when its code cannot be read. */
static int make_frame(struct unwinder *u, struct frame_memo *m,
                      const struct frame_view *v)
{
	struct code_info *ci = lookup(u, v->code);
	if (!ci)
		return -1;
	int64_t addr = instruction_offset(u, v);
	int offset = addr < 0 || addr > INT32_MAX ? -1 : (int)addr;
	*m = (struct frame_memo){
	        .code = v->code,
	        .instr = v->instr,
	        .tlbc_index = v->tlbc_index,
	        .offset = offset,
	        .evictions = u->code->evictions,
	        .info = ci,
	        .frame = {.kind = FRAME_PYTHON,
	                  .file = ci->filename,
	                  .name = ci->name,
	                  .file_len = ci->filename_len,
	                  .name_len = ci->name_len,
	                  .line = code_line(ci, u->layout->line_format, offset),
	                  .label = ci->label,
	                  .code_id = ci->id},
	};
	return 0;
}

/* Push the frame of m, the walk's last frame now. */
__attribute__((always_inline)) static inline void
push_memo(struct unwinder *u, struct stack *out, const struct frame_memo *m)
{
	u->last = m;
	out->frames[out->depth++] = m->frame;
}

/* Push the frame v describes, made afresh into its memo slot m (out of
 * line: most frames come from the memo); 1 when it could not be read. */
__attribute__((noinline)) static int push_new_frame(struct unwinder *u,
                                                    struct stack *out,
                                                    struct frame_memo *m,
                                                    const struct frame_view *v)
{
	if (make_frame(u, m, v)) {
		push_invalid(out);
		return 1;
	}
	push_memo(u, out, m);
	return 0;
}

/* Push the frame v describes; 1 when it could not be read. A recursion
 * meets the same code object at the same instruction frame after frame:
 * the walk's last frame is pushed again; other frames come from the memo
 * when a tick made them before (inlined: a call costs more than either). */
__attribute__((always_inline)) static inline int
push_code(struct unwinder *u, struct stack *out, const struct frame_view *v)
{
	const struct frame_memo *last = u->last;
	if (last && v->code == last->code && v->instr == last->instr &&
	    v->tlbc_index == last->tlbc_index) {
		out->frames[out->depth++] = last->frame;
		return 0;
	}
	struct frame_memo *m = memo_slot(u, v);
	if (memo_holds(u, m, v)) {
		push_memo(u, out, m);
		return 0;
	}
	return push_new_frame(u, out, m, v);
}

static uint64_t page_floor(uint64_t addr)
{
	return addr & ~(uint64_t)(WINDOW_PAGE - 1);
}

static uint64_t page_ceil(uint64_t addr)
{
	return page_floor(addr + WINDOW_PAGE - 1);
}

/* [addr, addr + len) through the read-ahead while the walk is among the
 * innermost frames and it has room, else NULL with errno ENOMEM. */
static const uint8_t *read_ahead(struct unwinder *u, uint64_t addr, size_t len)
{
	if (u->in_middle) {
		errno = ENOMEM;
		return NULL;
	}
	return prefetch_read(u->pf, addr, len);
}

/* [addr, addr + len) in a block of its own pages. */
static const uint8_t *read_alone(struct unwinder *u, uint64_t addr, size_t len)
{
	uint64_t lo = page_floor(addr);
	const uint8_t *copy =
	        blocks_load(&u->blocks, lo, page_ceil(addr + len));
	return copy ? copy + (addr - lo) : NULL;
}

/* A frame object in a block that ends at it and holds the older frames
 * below it (at the start of a mapping, its own pages). */
static const uint8_t *heap_block(struct unwinder *u, uint64_t addr, size_t len)
{
	const uint8_t *f = blocks_find(&u->blocks, addr, len);
	if (f)
		return f;
	uint64_t hi = page_ceil(addr + len);
	if (hi - HEAP_BLOCK_BYTES >= WINDOW_PAGE && hi > HEAP_BLOCK_BYTES) {
		uint64_t lo = hi - HEAP_BLOCK_BYTES;
		f = blocks_load(&u->blocks, lo, hi);
		if (f)
			return f + (addr - lo);
	}
	return read_alone(u, addr, len);
}

/* <= 3.10: PyFrameObjects on the heap. The innermost come from the
 * read-ahead, a frame it missed read alone; but once LONE_MISSES in a row
 * missed, the stack changed deep down since the last tick (a recursion
 * going down or coming back), and the walk reads on in blocks, planning
 * each frame for the next tick all the same. Frame by frame, a walk
 * through new frames is slower than the target returning from them, and
 * falls into freed memory. Past the innermost frames, blocks only. */
static const uint8_t *read_frame_object(struct unwinder *u, uint64_t addr)
{
	size_t len = u->frame_read_size;
	if (u->in_middle || u->afresh)
		return heap_block(u, addr, len);
	const uint8_t *f;
	if (u->missed < LONE_MISSES) {
		f = prefetch_held(u->pf, addr, len);
		if (f) {
			u->missed = 0;
			return f;
		}
		u->missed++;
		f = prefetch_read_new(u->pf, addr, len);
		return f || errno != ENOMEM ? f : heap_block(u, addr, len);
	}
	f = heap_block(u, addr, len);
	if (f)
		prefetch_plan(u->pf, addr, len);
	return f;
}

static void decode_frame_object(struct unwinder *u, const uint8_t *f,
                                struct frame_view *v)
{
	const struct py_layout *L = u->layout;
	v->previous = load_u64(f, L->frame.previous);
	v->code = load_u64(f, L->frame.code);
	v->instr = (uint64_t)load_i32(f, L->frame.lasti);
	v->tlbc_index = 0;
	v->skip = 0;
}

/* [base, need) of a data-stack chunk past the read-ahead's windows, from a
 * block held or a new one that runs on upwards: CPython maps each new
 * chunk just below the one before (of the 368 chunks of a 50,000-frame
 * recursion, 364 lay right above the next newer), so one block holds the
 * older chunks the walk goes on to. */
static const uint8_t *chunk_block(struct unwinder *u, uint64_t base,
                                  uint64_t need)
{
	const uint8_t *data = blocks_find(&u->blocks, base, need - base);
	if (data)
		return data;
	uint64_t want = base + CHUNK_BLOCK_BYTES;
	return blocks_load_some(&u->blocks, base, need,
	                        want > need ? want : need);
}

/* Enter the next chunk of the data stack at the frame at addr: copy it from
 * its start to the frame (to the end of the page: the kernel pins that page
 * anyway, and a stack that grows by a few frames before the next tick is
 * then still inside the region read ahead) after checking that addr lies
 * inside the chunk its header describes. The chunks of the innermost
 * frames are windows of the read-ahead, the others blocks. */
static const uint8_t *enter_chunk(struct unwinder *u, uint64_t addr)
{
	const struct py_layout *L = u->layout;
	uint64_t base = u->next_chunk, hi = addr + u->frame_read_size;
	if (!remote_plausible(base) || addr < base + L->chunk.size ||
	    hi - base > MAX_WINDOW_BYTES)
		return NULL;
	uint64_t page_end = page_ceil(hi);
	int ahead = u->n_windows < MAX_WINDOWS;
	const uint8_t *data =
	        ahead ? read_ahead(u, base, page_end - base) : NULL;
	if (!data) {
		ahead = 0;
		data = chunk_block(u, base, page_end);
	}
	if (!data || hi - base > load_u64(data, L->chunk.chunk_size))
		return NULL; /* unreadable, or not this chunk's frame */
	u->next_chunk = load_u64(data, L->chunk.previous);
	if (ahead) {
		u->windows[u->n_windows] =
		        (struct window){base, hi - u->frame_read_size, data};
		u->newest = &u->windows[u->n_windows++];
	} else {
		u->chunk_lo = base;
		u->chunk_hi = hi;
	}
	return data + (addr - base);
}

/* The header of the interpreter frame at addr, from a chunk copy when it
 * lies in one, else read on its own. NULL when unreadable. */
static const uint8_t *interpreter_frame(struct unwinder *u, uint64_t addr)
{
	size_t len = u->frame_read_size;
	/* Newest first: the walk is in the chunk it read last. */
	const struct window *newest = u->newest;
	if (newest && addr >= newest->lo && addr <= newest->last_header)
		return newest->data + (addr - newest->lo);
	for (size_t i = u->n_windows; i-- > 0;) {
		const struct window *w = &u->windows[i];
		if (addr >= w->lo && addr <= w->last_header)
			return w->data + (addr - w->lo);
	}
	const uint8_t *hdr = NULL;
	if (addr >= u->chunk_lo && addr + len <= u->chunk_hi)
		hdr = blocks_find(&u->blocks, addr, len);
	if (!hdr)
		hdr = enter_chunk(u, addr);
	if (!hdr)
		hdr = read_ahead(u, addr, len);
	if (!hdr && errno == ENOMEM)
		hdr = read_alone(u, addr, len);
	return hdr;
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
	v->instr = load_u64(hdr, L->frame.lasti);
	v->tlbc_index =
	        L->frame.tlbc_index ? load_i32(hdr, L->frame.tlbc_index) : 0;
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

/* A Python frame the walk met: pushed among the innermost, else kept in
 * the ring for the end of the walk. 1 when it could not be read. */
static int meet(struct unwinder *u, struct stack *out,
                const struct frame_view *v)
{
	if (!u->in_middle && out->depth < STACK_KEEP_INNER)
		return push_code(u, out, v);
	u->in_middle = 1;
	u->outer[u->n_outer++ % OUTER_RING] = *v;
	return 0;
}

/* The frames of the ring, at the end of a walk: all of them when they fit
 * (with a last INVALID frame when the walk failed), else the marker and
 * the outermost that fit. Returns how many could not be read. */
static int push_outer(struct unwinder *u, struct stack *out, int failed)
{
	uint64_t room = STACK_MAX_DEPTH - out->depth - (failed ? 1 : 0);
	uint64_t first = 0;
	int problems = 0;
	if (u->n_outer > room) {
		first = u->n_outer - (room - 1);
		push_left_out(out, first);
	}
	for (uint64_t i = first; i < u->n_outer; i++)
		problems += push_code(u, out, &u->outer[i % OUTER_RING]);
	return problems;
}

/* Follow a chain of frames from addr, for at most WALK_MAX_FRAMES. */
static int walk(struct unwinder *u, uint64_t addr, struct stack *out)
{
	struct cycle_check cycle;
	int problems = 0, failed = 0;
	cycle_init(&cycle);
	u->last_code = 0;
	u->last_info = NULL;
	u->last = NULL;
	u->in_middle = 0;
	u->missed = 0;
	u->n_outer = 0;
	for (uint32_t followed = 0; addr; followed++) {
		struct frame_view v;
		if (followed == WALK_MAX_FRAMES || !remote_plausible(addr) ||
		    cycle_seen(&cycle, addr) || !read_frame(u, addr, &v)) {
			failed = 1;
			break;
		}
		if (!v.skip)
			problems += meet(u, out, &v);
		addr = v.previous;
	}
	problems += push_outer(u, out, failed);
	if (failed)
		push_invalid(out);
	return problems + failed;
}

/* Walk from frame, in the data-stack chunk at chunk (3.11+; 0 when
 * unknown: each frame is then read on its own). */
static int walk_from(struct unwinder *u, uint64_t frame, uint64_t chunk,
                     struct stack *out)
{
	out->depth = 0;
	u->n_windows = 0;
	u->newest = NULL;
	u->chunk_lo = u->chunk_hi = 0;
	u->next_chunk = chunk;
	return walk(u, frame, out);
}

/* The same, walked again when a code object changed since it was decoded:
 * it is decoded afresh then (its entry is no longer taken on trust). The
 * walk again has nothing left to check unless the target keeps replacing
 * code objects under us: then the stack is given up for this tick. */
static int walk_checked(struct unwinder *u, uint64_t frame, uint64_t chunk,
                        struct stack *out)
{
	int problems = walk_from(u, frame, chunk, out);
	for (int walks = 1; code_check_due(u->code) > 0; walks++) {
		if (walks == MAX_WALKS) {
			out->depth = 0;
			push_invalid(out);
			return 1;
		}
		problems = walk_from(u, frame, chunk, out);
	}
	return problems;
}

/* The thread's innermost frame into *frame; -1 when it cannot be read. */
static int top_frame(struct unwinder *u, const uint8_t *tstate, uint64_t *frame)
{
	const struct py_layout *L = u->layout;
	uint64_t top = load_u64(tstate, L->tstate.frame);
	if (L->frame_model == MODEL_CFRAME && top) {
		/* tstate->cframe->current_frame */
		const uint8_t *cframe = NULL;
		uint64_t at = top + L->cframe.current_frame;
		if (remote_plausible(top))
			cframe = u->afresh ? read_alone(u, at, 8)
			                   : prefetch_read(u->pf, at, 8);
		if (!cframe)
			return -1;
		top = load_u64(cframe, 0);
	}
	*frame = top;
	return 0;
}

int unwind_thread(struct unwinder *u, const uint8_t *tstate, struct stack *out)
{
	uint64_t frame;
	if (top_frame(u, tstate, &frame)) {
		out->depth = 0;
		push_invalid(out);
		return 1;
	}
	uint64_t chunk =
	        u->interpreter_frames
	                ? load_u64(tstate, u->layout->tstate.datastack_chunk)
	                : 0;
	return walk_checked(u, frame, chunk, out);
}

int unwind_frames(struct unwinder *u, uint64_t frame, struct stack *out)
{
	return walk_checked(u, frame, 0, out);
}

int unwind_thread_afresh(struct unwinder *u, const uint8_t *tstate,
                         struct stack *out)
{
	u->afresh = 1;
	blocks_forget(&u->blocks); /* read by the walk that failed */
	int problems = unwind_thread(u, tstate, out);
	u->afresh = 0;
	return problems;
}
