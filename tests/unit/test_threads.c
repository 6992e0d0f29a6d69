/* Sampling the runtimes of CPython 2.7, 3.6 and 3.7 in a fake address space:
 * interpreters with and without ids, the GIL holder (2.7 and 3.6 only know
 * the running thread, which austinc remembers while none runs), the
 * collector's flag, and 2.7's byte-string names and unsigned line
 * increments.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "python/threads.h"
#include "suites.h"
#include "timeutil.h"

#define BASE       0x10000000ull
#define ARENA_SIZE (64 * 1024)
#define CODE_TYPE  0x5000ull
#define STR_TYPE   0x6000ull
#define BYTES_TYPE 0x7000ull /* 2.7: PyString_Type */
/* Where the fake struct pthread keeps the TID: not glibc's usual offset,
 * so that finding it is tested. */
#define PTHREAD_TID   0x100
#define PTHREAD_BYTES 2048
#define OTHER_TID     4242 /* thread B's TID: any value will do */

static uint8_t arena[ARENA_SIZE];
static size_t arena_used;
static const struct py_layout *L;
static struct fake_region region = {.addr = BASE, .data = arena};

static uint64_t alloc(size_t size)
{
	uint64_t addr = BASE + arena_used;
	arena_used += (size + 15) & ~(size_t)15;
	ck_assert_uint_le(arena_used, ARENA_SIZE);
	return addr;
}

static void put64(uint64_t addr, uint32_t offset, uint64_t v)
{
	memcpy(arena + (addr - BASE) + offset, &v, sizeof v);
}

static void put32(uint64_t addr, uint32_t offset, uint32_t v)
{
	memcpy(arena + (addr - BASE) + offset, &v, sizeof v);
}

static uint64_t get64(uint64_t addr, uint32_t offset)
{
	uint64_t v;
	memcpy(&v, arena + (addr - BASE) + offset, sizeof v);
	return v;
}

static uint64_t make_bytes(const void *data, size_t n)
{
	uint64_t b = alloc(L->bytes.ob_sval + n + 1);
	put64(b, 8, BYTES_TYPE);
	put64(b, L->bytes.ob_size, n);
	memcpy(arena + (b - BASE) + L->bytes.ob_sval, data, n);
	return b;
}

/* A name as the version keeps it: a compact ASCII str, or on 2.7 a byte
 * string (which may hold any bytes). */
static uint64_t make_name(const char *text)
{
	size_t n = strlen(text);
	if (L->unicode.length == LAYOUT_NONE)
		return make_bytes(text, n);
	uint64_t s = alloc(L->unicode.ascii_size + n + 1);
	put64(s, 8, STR_TYPE);
	put64(s, L->unicode.length, n);
	put32(s, L->unicode.state,
	      (1u << L->unicode.kind_shift) | (1u << L->unicode.compact_shift) |
	              (1u << L->unicode.ascii_shift));
	memcpy(arena + (s - BASE) + L->unicode.ascii_size, text, n + 1);
	return s;
}

/* Line 10, then 210 from byte 6: 2.7 writes the increment as one unsigned
 * byte, 3.6+ as signed bytes of at most 127. */
static const uint8_t lnotab27[] = {6, 200};
static const uint8_t lnotab36[] = {6, 127, 0, 73};

static uint64_t make_code(const char *file, const char *name)
{
	int old = L->line_format == LINES_LNOTAB27;
	uint64_t c = alloc(L->code.size);
	put64(c, 8, CODE_TYPE);
	put64(c, L->code.filename, make_name(file));
	put64(c, L->code.name, make_name(name));
	put32(c, L->code.firstlineno, 10);
	put64(c, L->code.linetable,
	      old ? make_bytes(lnotab27, sizeof lnotab27)
	          : make_bytes(lnotab36, sizeof lnotab36));
	return c;
}

static uint64_t make_frame(uint64_t code, int lasti, uint64_t back)
{
	uint64_t f = alloc(L->frame.size);
	put64(f, L->frame.code, code);
	put32(f, L->frame.lasti, (uint32_t)lasti);
	put64(f, L->frame.previous, back);
	return f;
}

static uint64_t make_pthread(int32_t tid)
{
	uint64_t t = alloc(PTHREAD_BYTES);
	put32(t, PTHREAD_TID, (uint32_t)tid);
	return t;
}

static uint64_t make_tstate(uint64_t next, uint64_t frame, uint64_t pthread)
{
	uint64_t t = alloc(L->tstate.size);
	put64(t, L->tstate.next, next);
	put64(t, L->tstate.frame, frame);
	put64(t, L->tstate.thread_id, pthread);
	return t;
}

static uint64_t make_interp(uint64_t next, uint64_t tstates, int64_t id)
{
	uint64_t i = alloc(L->interp.size);
	put64(i, L->interp.next, next);
	put64(i, L->interp.tstate_head, tstates);
	if (L->interp.id != LAYOUT_NONE)
		put64(i, L->interp.id, (uint64_t)id);
	return i;
}

/* The image: thread A (this test's TID) runs T_main in the main interpreter
 * and T_sub in a sub-interpreter (id 5 where ids exist); thread B runs
 * T_worker, in the main interpreter. */
struct image {
	struct py_runtime rt;
	uint64_t main_interp, sub_interp;
	uint64_t t_main, t_worker, t_sub;
};

/* Link the thread states of interp back to it and to their predecessors,
 * as CPython does (2.7 links one way). */
static void link_threads(uint64_t interp)
{
	uint64_t prev = 0;
	for (uint64_t t = get64(interp, L->interp.tstate_head); t;
	     prev = t, t = get64(t, L->tstate.next)) {
		put64(t, L->tstate.interp, interp);
		if (L->tstate.prev != LAYOUT_NONE)
			put64(t, L->tstate.prev, prev);
	}
}

/* A new thread state (thread tid running a frame of function name) at the
 * head of interp's list, where CPython adds one. */
static uint64_t add_thread(uint64_t interp, int32_t tid, const char *name)
{
	uint64_t frame = make_frame(make_code("new.py", name), 6, 0);
	uint64_t t = make_tstate(get64(interp, L->interp.tstate_head), frame,
	                         make_pthread(tid));
	put64(interp, L->interp.tstate_head, t);
	link_threads(interp);
	return t;
}

static void build(unsigned major, unsigned minor, struct image *im)
{
	L = layout_for_version(major, minor);
	ck_assert_ptr_nonnull(L);
	memset(arena, 0, sizeof arena);
	memset(im, 0, sizeof *im);
	arena_used = 16;
	region.len = ARENA_SIZE;

	uint64_t a = make_pthread((int32_t)syscall(SYS_gettid));
	uint64_t b = make_pthread(OTHER_TID);
	uint64_t module = make_frame(make_code("main.py", "<module>"), 3, 0);
	uint64_t work = make_frame(make_code("main.py", "work"), 6, module);
	/* Latin-1 é, a UTF-8 é, and a ';' the output format cannot carry. */
	uint64_t odd = make_frame(
	        make_code("caf\xe9.py", "r\xc3\xa9sum\xc3\xa9;x"), 6, 0);
	uint64_t spin = make_frame(make_code("<string>", "sub_spin"), 6, 0);

	im->t_worker = make_tstate(0, odd, b);
	im->t_main = make_tstate(im->t_worker, work, a);
	im->t_sub = make_tstate(0, spin, a);
	im->main_interp = make_interp(0, im->t_main, 0);
	im->sub_interp = make_interp(im->main_interp, im->t_sub, 5);
	link_threads(im->main_interp);
	link_threads(im->sub_interp);

	im->rt.major = major;
	im->rt.minor = minor;
	im->rt.shared = 1;
	im->rt.layout = *L;
	im->rt.types = (struct py_types){CODE_TYPE, STR_TYPE, BYTES_TYPE};
	/* _PyRuntime with its members (3.7), or interp_head and two statics
	 * (2.7, 3.6), as runtime_find() would have located them. */
	im->rt.addr = alloc(L->runtime.size);
	put64(im->rt.addr, L->runtime.interp_head, im->sub_interp);
	if (L->runtime.gil_holder != LAYOUT_NONE) {
		im->rt.gil_holder_at = im->rt.addr + L->runtime.gil_holder;
		im->rt.gil_locked_at = im->rt.addr + L->runtime.gil_locked;
		im->rt.gc_collecting_at =
		        im->rt.addr + L->runtime.gc_collecting;
	} else {
		im->rt.gil_holder_at = alloc(8);
		im->rt.gc_collecting_at = alloc(4);
	}
}

/* The versions the tests of this file cover: loop tests run once for
 * each, with _i as the index. */
static const unsigned versions[][2] = {{2, 7}, {3, 6}, {3, 7}};
#define N_VERSIONS (int)(sizeof versions / sizeof versions[0])

static void build_version(int i, struct image *im)
{
	build(versions[i][0], versions[i][1], im);
}

#define MAX_SEEN 8

struct seen {
	struct py_thread thread;
	int depth;
	char file[32], name[32];
	int line;
};

struct seen_all {
	int n;
	struct seen s[MAX_SEEN];
};

static void collect(void *ctx, const struct py_thread *thread,
                    const struct stack *stack)
{
	struct seen_all *all = ctx;
	ck_assert_int_lt(all->n, MAX_SEEN);
	struct seen *s = &all->s[all->n++];
	s->thread = *thread;
	s->depth = (int)stack->depth;
	if (stack->depth == 0 || !stack->frames[0].file)
		return;
	const struct frame *f = &stack->frames[0]; /* innermost */
	snprintf(s->file, sizeof s->file, "%.*s", (int)f->file_len, f->file);
	snprintf(s->name, sizeof s->name, "%.*s", (int)f->name_len, f->name);
	s->line = f->line;
}

static struct py_process *attach(const struct image *im)
{
	struct remote remote;
	struct py_process *p = NULL;
	char why[128] = "";
	remote_init_fake(&remote, &region, 1);
	ck_assert_int_eq(py_attach_runtime(getpid(), &remote, &im->rt, &p, why,
	                                   sizeof why),
	                 PY_FOUND);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Sample once, expecting that many threads, `errors` of which have
 * unreadable frames. */
static struct seen_all sample_n(struct py_process *p, int errors, int threads)
{
	struct seen_all all = {0};
	struct py_sample_result r =
	        py_sample(p, PY_WANT_GC | PY_WANT_RUNNING, collect, &all);
	ck_assert_int_eq(r.errors, errors);
	ck_assert_int_eq(r.threads, threads);
	ck_assert_int_eq(all.n, threads);
	return all;
}

/* Sample the image's three threads once. */
static struct seen_all sample(struct py_process *p, int errors)
{
	return sample_n(p, errors, 3);
}

/* The sample of one thread state, by its innermost function. */
static const struct seen *by_name(const struct seen_all *all, const char *name)
{
	for (int i = 0; i < all->n; i++)
		if (strcmp(all->s[i].name, name) == 0)
			return &all->s[i];
	ck_abort_msg("no sample in %s", name);
	return NULL;
}

/* Thread B's sample: T_worker's. */
static const struct seen *worker(const struct seen_all *all)
{
	for (int i = 0; i < all->n; i++)
		if (all->s[i].thread.tid == OTHER_TID)
			return &all->s[i];
	ck_abort_msg("no sample of thread B");
	return NULL;
}

/* tstate takes the GIL; 0: it is released (2.7, 3.6: no thread named). */
static void set_gil(const struct image *im, uint64_t tstate)
{
	if (im->rt.gil_locked_at) {
		put32(im->rt.gil_locked_at, 0, tstate != 0);
		if (!tstate)
			return; /* last_holder keeps its record */
	}
	put64(im->rt.gil_holder_at, 0, tstate);
}

START_TEST(stacks_ids_and_lines)
{
	struct image im;
	build_version(_i, &im);
	/* 3.7 has ids: the sub-interpreter's own; 2.7 and 3.6 are numbered
	 * from the main interpreter. */
	int64_t sub_id = L->interp.id == LAYOUT_NONE ? 1 : 5;
	struct py_process *p = attach(&im);
	set_gil(&im, im.t_main);
	struct seen_all all = sample(p, 0);
	const struct seen *work = by_name(&all, "work");
	const struct seen *spin = by_name(&all, "sub_spin");
	int32_t tid = (int32_t)syscall(SYS_gettid);

	ck_assert_str_eq(work->file, "main.py");
	ck_assert_int_eq(work->depth, 2);
	ck_assert_int_eq(work->line, 210);
	ck_assert_int_eq(work->thread.iid, 0);
	ck_assert_int_eq(work->thread.tid, tid);
	ck_assert_str_eq(spin->file, "<string>");
	ck_assert_int_eq(spin->thread.iid, sub_id);
	ck_assert_int_eq(spin->thread.tid, tid);
	ck_assert_int_eq(worker(&all)->thread.iid, 0);
	ck_assert_int_eq(worker(&all)->depth, 1);
	py_detach(p);
}
END_TEST

/* 2.7's names are bytes: UTF-8 is kept, anything else and the format's
 * separators become '?'. */
START_TEST(py27_byte_string_names)
{
	struct image im;
	build(2, 7, &im);
	struct py_process *p = attach(&im);
	struct seen_all all = sample(p, 0);
	ck_assert_str_eq(worker(&all)->name, "r\xc3\xa9sum\xc3\xa9?x");
	ck_assert_str_eq(worker(&all)->file, "caf?.py");
	py_detach(p);
}
END_TEST

/* A 2.7 name that is not a byte string, or says it is too long, makes the
 * frame unreadable rather than misread. */
START_TEST(py27_bad_name_is_invalid)
{
	struct image im;
	build(2, 7, &im);
	uint64_t frame = get64(im.t_worker, L->tstate.frame);
	uint64_t code = get64(frame, L->frame.code);
	uint64_t name = get64(code, L->code.name);

	put64(name, 8, STR_TYPE); /* a 3.x str: not PyString_Type */
	struct py_process *p = attach(&im);
	struct seen_all all = sample(p, 1);
	ck_assert_str_eq(worker(&all)->name, "");
	ck_assert_int_eq(worker(&all)->depth, 1);
	py_detach(p);

	put64(name, 8, BYTES_TYPE);
	put64(name, L->bytes.ob_size, MAX_STRING_CHARS + 1);
	p = attach(&im);
	all = sample(p, 1);
	ck_assert_str_eq(worker(&all)->name, "");
	py_detach(p);

	put64(name, L->bytes.ob_size, 6); /* "r\xc3\xa9sum": fine again */
	p = attach(&im);
	all = sample(p, 0);
	ck_assert_str_eq(worker(&all)->name, "r\xc3\xa9sum");
	py_detach(p);
}
END_TEST

/* 2.7 and 3.6 say which thread runs now, NULL while none does: the holder
 * is then the last one seen; 3.7 keeps last_holder and says whether the GIL
 * is locked. The collector's flag marks the holder only. */
START_TEST(gil_and_gc)
{
	struct image im;
	build_version(_i, &im);
	struct py_process *p = attach(&im);

	set_gil(&im, im.t_worker);
	put32(im.rt.gc_collecting_at, 0, 1);
	struct seen_all all = sample(p, 0);
	ck_assert_int_eq(by_name(&all, "work")->thread.holds_gil, 0);
	ck_assert_int_eq(by_name(&all, "sub_spin")->thread.holds_gil, 0);
	ck_assert_int_eq(worker(&all)->thread.holds_gil, 1);
	ck_assert_int_eq(worker(&all)->thread.holds_gil_now, 1);
	ck_assert_int_eq(by_name(&all, "work")->thread.holds_gil_now, 0);
	ck_assert_int_eq(worker(&all)->thread.in_gc, 1);
	ck_assert_int_eq(by_name(&all, "work")->thread.in_gc, 0);

	/* Released: the last holder keeps the memory, but runs no more. */
	set_gil(&im, 0);
	put32(im.rt.gc_collecting_at, 0, 0);
	all = sample(p, 0);
	ck_assert_int_eq(worker(&all)->thread.holds_gil, 1);
	ck_assert_int_eq(worker(&all)->thread.holds_gil_now, 0);
	ck_assert_int_eq(worker(&all)->thread.in_gc, 0);

	set_gil(&im, im.t_sub);
	all = sample(p, 0);
	ck_assert_int_eq(by_name(&all, "sub_spin")->thread.holds_gil, 1);
	ck_assert_int_eq(worker(&all)->thread.holds_gil, 0);
	py_detach(p);
}
END_TEST

static int sampled_tid(const struct seen_all *all, int64_t tid)
{
	for (int i = 0; i < all->n; i++)
		if (all->s[i].thread.tid == tid)
			return 1;
	return 0;
}

/* Between full walks the thread states alone are read (roster.h); a thread
 * that starts or ends still shows at the next tick, in every version. */
START_TEST(threads_come_and_go)
{
	struct image im;
	build_version(_i, &im);
	struct py_process *p = attach(&im);
	sample(p, 0);
	sample(p, 0);

	add_thread(im.main_interp, OTHER_TID + 1, "fresh");
	struct seen_all all = sample_n(p, 0, 4);
	ck_assert_int_eq(by_name(&all, "fresh")->thread.tid, OTHER_TID + 1);
	ck_assert_int_eq(by_name(&all, "fresh")->thread.iid, 0);
	sample_n(p, 0, 4);

	/* The oldest thread (B) ends: its predecessor's next is cleared. */
	put64(im.t_main, L->tstate.next, 0);
	all = sample_n(p, 0, 3);
	ck_assert(!sampled_tid(&all, OTHER_TID));
	ck_assert(sampled_tid(&all, OTHER_TID + 1));

	/* The newest (the head) ends: the next one becomes the head. */
	uint64_t head = get64(im.main_interp, L->interp.tstate_head);
	put64(im.main_interp, L->interp.tstate_head,
	      get64(head, L->tstate.next));
	link_threads(im.main_interp);
	all = sample_n(p, 0, 2);
	ck_assert(!sampled_tid(&all, OTHER_TID + 1));
	by_name(&all, "work");
	py_detach(p);
}
END_TEST

/* A new interpreter changes no thread state: it is found by the next full
 * walk, at most ROSTER_MAX_AGE_US after the last; 2.7 walks every tick. */
START_TEST(new_interpreter)
{
	struct image im;
	build_version(_i, &im);
	int walks_every_tick = L->tstate.prev == LAYOUT_NONE;
	struct py_process *p = attach(&im);
	sample(p, 0);

	uint64_t interp = make_interp(im.sub_interp, 0, 7);
	add_thread(interp, OTHER_TID + 2, "newcomer");
	put64(im.rt.addr, L->runtime.interp_head, interp);
	p->roster.taken_us = now_us(); /* a walk just now */
	sample_n(p, 0, walks_every_tick ? 4 : 3);

	p->roster.taken_us = now_us() - ROSTER_MAX_AGE_US;
	struct seen_all all = sample_n(p, 0, 4);
	ck_assert_int_eq(by_name(&all, "newcomer")->thread.tid, OTHER_TID + 2);
	py_detach(p);
}
END_TEST

/* An interpreter with no thread yet: its first one changes no thread state
 * of the roster, so a roster with an empty list is not trusted. */
START_TEST(empty_list_gains_a_thread)
{
	struct image im;
	build_version(_i, &im);
	struct py_process *p = attach(&im);
	put64(im.sub_interp, L->interp.tstate_head, 0);
	sample_n(p, 0, 2);
	put64(im.sub_interp, L->interp.tstate_head, im.t_sub);
	link_threads(im.sub_interp);
	p->roster.taken_us = now_us(); /* a walk just now */
	struct seen_all all = sample_n(p, 0, 3);
	by_name(&all, "sub_spin");
	py_detach(p);
}
END_TEST

/* A thread state that now says it belongs to another interpreter is not
 * trusted: the lists are walked again. */
START_TEST(py37_moved_thread_state)
{
	struct image im;
	build(3, 7, &im);
	struct py_process *p = attach(&im);
	sample(p, 0);
	put64(im.t_sub, L->tstate.interp, im.main_interp);
	put64(im.sub_interp, L->interp.tstate_head, 0);
	p->roster.taken_us = now_us();
	struct seen_all all = sample_n(p, 0, 2);
	by_name(&all, "work");
	worker(&all);
	py_detach(p);
}
END_TEST

/* The GIL's holder of a process with one thread is that thread, which -m
 * (PY_WANT_GIL) takes without reading the GIL; -f and -s ask whether it
 * holds it now (PY_WANT_RUNNING), which only the GIL says. */
START_TEST(one_thread)
{
	struct image im;
	build_version(_i, &im);
	put64(im.t_main, L->tstate.next, 0);
	put64(im.rt.addr, L->runtime.interp_head, im.main_interp);
	link_threads(im.main_interp);
	set_gil(&im, 0); /* it names no holder */
	struct py_process *p = attach(&im);
	struct seen_all all = {0};

	py_sample(p, PY_WANT_GIL, collect, &all);
	ck_assert_int_eq(all.n, 1);
	ck_assert_int_eq(all.s[0].thread.holds_gil, 1);
	ck_assert_int_eq(all.s[0].thread.holds_gil_now, 0);

	all.n = 0;
	py_sample(p, PY_WANT_RUNNING, collect, &all);
	ck_assert_int_eq(all.s[0].thread.holds_gil, 0);

	set_gil(&im, im.t_main);
	all.n = 0;
	py_sample(p, PY_WANT_RUNNING, collect, &all);
	ck_assert_int_eq(all.s[0].thread.holds_gil, 1);
	ck_assert_int_eq(all.s[0].thread.holds_gil_now, 1);
	py_detach(p);
}
END_TEST

Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("pre-3.8");
	tcase_add_loop_test(tc, stacks_ids_and_lines, 0, N_VERSIONS);
	tcase_add_test(tc, py27_byte_string_names);
	tcase_add_test(tc, py27_bad_name_is_invalid);
	tcase_add_loop_test(tc, gil_and_gc, 0, N_VERSIONS);
	tcase_add_loop_test(tc, threads_come_and_go, 0, N_VERSIONS);
	tcase_add_loop_test(tc, new_interpreter, 0, N_VERSIONS);
	tcase_add_test(tc, py37_moved_thread_state);
	tcase_add_loop_test(tc, empty_list_gains_a_thread, 0, N_VERSIONS);
	tcase_add_loop_test(tc, one_thread, 0, N_VERSIONS);
	suite_add_tcase(s, tc);
	return s;
}
