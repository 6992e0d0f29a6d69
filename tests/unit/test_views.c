/* The text views of austinc-report (collapsed, tree, top) and the call
 * tree they are built on, on small profiles made with the model's API.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/collapsed.h"
#include "report/calltree.h"
#include "report/profile.h"
#include "report/views.h"
#include "suites.h"

static struct profile prof;

static void setup(void)
{
	profile_init(&prof);
}

static void teardown(void)
{
	profile_free(&prof);
}

static uint32_t str(const char *s)
{
	uint32_t id = profile_string(&prof, s, strlen(s));
	ck_assert_uint_ne(id, UINT32_MAX);
	return id;
}

/* One frame of a stack spec: "file:name:line", ":INVALID:" or ":GC:". */
static uint32_t frame_of(const char *spec, size_t len)
{
	char text[256];
	ck_assert_uint_lt(len, sizeof text);
	memcpy(text, spec, len);
	text[len] = '\0';
	uint32_t empty = str("");
	if (strcmp(text, ":INVALID:") == 0)
		return profile_frame(&prof, empty, empty, 0, FRAME_INVALID);
	if (strcmp(text, ":GC:") == 0)
		return profile_frame(&prof, empty, empty, 0, FRAME_GC);
	char *last = strrchr(text, ':');
	ck_assert_ptr_nonnull(last);
	*last = '\0';
	char *name = strrchr(text, ':');
	ck_assert_ptr_nonnull(name);
	*name++ = '\0';
	return profile_frame(&prof, str(text), str(name), atoi(last + 1),
	                     FRAME_PYTHON);
}

/* A sample of thread tid (process 42) on the stack "f1;f2;..." (outermost
 * first, "" for none). */
static void add(int64_t tid, const char *stack, uint64_t time, int idle,
                int64_t memory)
{
	uint32_t frames[64];
	uint32_t depth = 0;
	for (const char *s = stack; *s;) {
		const char *end = strchr(s, ';');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		ck_assert_uint_lt(depth, 64);
		frames[depth++] = frame_of(s, len);
		s += len + (end != NULL);
	}
	uint32_t thread = profile_thread(&prof, 42, 0, tid);
	struct profile_sample sm = {
	        .stack = profile_stack(&prof, thread, frames, depth),
	        .idle = (uint32_t)idle,
	        .time = time,
	        .memory = memory};
	ck_assert_int_eq(profile_add_sample(&prof, &sm), 0);
}

static void add_time(int64_t tid, const char *stack, uint64_t time)
{
	add(tid, stack, time, 0, 0);
}

typedef int (*view_fn)(const struct profile *, const struct view_options *,
                       FILE *);

/* What a view writes (caller frees). */
static char *render(view_fn view, const struct view_options *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(view(&prof, o, out), 0);
	ck_assert_int_eq(fclose(out), 0);
	return text;
}

static void assert_view(view_fn view, const struct view_options *o,
                        const char *expected)
{
	char *text = render(view, o);
	ck_assert_str_eq(text, expected);
	free(text);
}

/* --- call tree -------------------------------------------------------- */

/* The child of parent whose frame reads "name (file:line)", or CALL_NONE. */
static uint32_t child_named(const struct call_tree *t, uint32_t parent,
                            const char *label)
{
	for (uint32_t c = t->nodes[parent].first_child; c != CALL_NONE;
	     c = t->nodes[c].next_sibling) {
		char buf[256];
		if (t->nodes[c].frame == CALL_NONE)
			continue;
		profile_frame_label(&prof, t->nodes[c].frame, buf, sizeof buf);
		if (strcmp(buf, label) == 0)
			return c;
	}
	return CALL_NONE;
}

static size_t count_children(const struct call_tree *t, uint32_t parent)
{
	size_t n = 0;
	for (uint32_t c = t->nodes[parent].first_child; c != CALL_NONE;
	     c = t->nodes[c].next_sibling)
		n++;
	return n;
}

START_TEST(calltree_merges_stacks_with_totals_and_self)
{
	add_time(1, "a.py:main:1;a.py:f:2", 10);
	add_time(1, "a.py:main:1;a.py:f:2", 5);
	add_time(1, "a.py:main:1", 3);
	add_time(2, "a.py:main:1;a.py:g:3", 7);
	struct call_tree t;
	ck_assert_int_eq(call_tree_build(&t, &prof, METRIC_TIME, 0), 0);
	ck_assert_uint_eq(t.nodes[0].total, 25);
	ck_assert_uint_eq(count_children(&t, 0), 1);
	uint32_t main_ = child_named(&t, 0, "main (a.py:1)");
	ck_assert_uint_ne(main_, CALL_NONE);
	ck_assert_uint_eq(t.nodes[main_].total, 25);
	ck_assert_uint_eq(t.nodes[main_].self, 3);
	uint32_t f = child_named(&t, main_, "f (a.py:2)");
	ck_assert_uint_eq(t.nodes[f].total, 15);
	ck_assert_uint_eq(t.nodes[f].self, 15);
	ck_assert_uint_eq(t.n, 4); /* root, main, f, g */
	call_tree_free(&t);
}
END_TEST

START_TEST(calltree_per_thread_roots)
{
	add_time(1, "a.py:main:1", 4);
	add_time(2, "a.py:main:1", 6);
	add_time(2, "", 1);
	struct call_tree t;
	ck_assert_int_eq(call_tree_build(&t, &prof, METRIC_TIME, 1), 0);
	ck_assert_uint_eq(count_children(&t, 0), 2);
	uint32_t first = t.nodes[0].first_child;
	uint32_t second = t.nodes[first].next_sibling;
	ck_assert_uint_eq(t.nodes[first].frame, CALL_NONE);
	ck_assert_int_eq(profile_thread_at(&prof, t.nodes[first].thread)->tid,
	                 2);
	ck_assert_uint_eq(t.nodes[first].total, 7);
	ck_assert_uint_eq(t.nodes[first].self, 1); /* the frameless sample */
	ck_assert_int_eq(profile_thread_at(&prof, t.nodes[second].thread)->tid,
	                 1);
	ck_assert_uint_eq(t.nodes[second].total, 4);
	ck_assert_uint_eq(count_children(&t, first), 1);
	call_tree_free(&t);
}
END_TEST

START_TEST(calltree_children_largest_first_and_zeros_left_out)
{
	add(1, "a.py:main:1;a.py:small:2", 0, 0, 100);
	add(1, "a.py:main:1;a.py:big:3", 0, 0, 300);
	add(1, "a.py:main:1;a.py:middle:4", 0, 0, 200);
	add(1, "a.py:main:1;a.py:frees:5", 0, 0, -400);
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "memory"), 0);
	struct call_tree t;
	ck_assert_int_eq(call_tree_build(&t, &prof, METRIC_MEMORY_UP, 0), 0);
	uint32_t main_ = t.nodes[0].first_child;
	ck_assert_uint_eq(count_children(&t, main_), 3);
	uint32_t c = t.nodes[main_].first_child;
	ck_assert_uint_eq(t.nodes[c].total, 300);
	c = t.nodes[c].next_sibling;
	ck_assert_uint_eq(t.nodes[c].total, 200);
	c = t.nodes[c].next_sibling;
	ck_assert_uint_eq(t.nodes[c].total, 100);
	ck_assert_uint_eq(child_named(&t, main_, "frees (a.py:5)"), CALL_NONE);
	call_tree_free(&t);

	ck_assert_int_eq(call_tree_build(&t, &prof, METRIC_MEMORY_DOWN, 0), 0);
	ck_assert_uint_eq(t.nodes[0].total, 400);
	main_ = t.nodes[0].first_child;
	ck_assert_uint_eq(count_children(&t, main_), 1);
	call_tree_free(&t);
}
END_TEST

/* --- collapsed -------------------------------------------------------- */

static const struct view_options TIME_OPTIONS = {.metric = METRIC_TIME};

START_TEST(collapsed_merges_identical_stacks_in_first_seen_order)
{
	ck_assert_int_eq(profile_set_meta(&prof, "austinc", "0.1.0"), 0);
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "wall"), 0);
	add_time(1, "a.py:main:1;a.py:f:2", 100);
	add_time(1, "a.py:main:1;a.py:g:3", 50);
	add_time(1, "a.py:main:1;a.py:f:2", 30);
	add_time(2, "a.py:main:1;a.py:f:2", 10);
	add_time(1, "a.py:main:1;a.py:h:4", 0); /* worth nothing */
	add_time(1, "a.py:main:1;:INVALID:;:GC:", 5);
	add_time(3, "", 7);
	assert_view(view_collapsed, &TIME_OPTIONS,
	            "P42;T0:1;a.py:main:1;a.py:f:2 130\n"
	            "P42;T0:1;a.py:main:1;a.py:g:3 50\n"
	            "P42;T0:2;a.py:main:1;a.py:f:2 10\n"
	            "P42;T0:1;a.py:main:1;:INVALID:;:GC: 5\n"
	            "P42;T0:3 7\n");
}
END_TEST

/* A full recording: time, idle flag and memory on every sample. */
static void full_recording(void)
{
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "full"), 0);
	add(1, "m.py:grow:3", 100, 0, 4096);
	add(1, "m.py:grow:3", 100, 1, 8192);
	add(1, "m.py:shrink:9", 100, 0, -12288);
	add(1, "m.py:grow:3", 100, 0, -4096);
	add(1, "m.py:rest:12", 100, 1, 0);
}

START_TEST(collapsed_projects_each_metric_of_a_full_recording)
{
	full_recording();
	struct view_options o = {.metric = METRIC_MEMORY_UP};
	assert_view(view_collapsed, &o, "P42;T0:1;m.py:grow:3 12288\n");
	o.metric = METRIC_MEMORY_DOWN;
	assert_view(view_collapsed, &o,
	            "P42;T0:1;m.py:shrink:9 12288\n"
	            "P42;T0:1;m.py:grow:3 4096\n");
	o.metric = METRIC_CPU;
	assert_view(view_collapsed, &o,
	            "P42;T0:1;m.py:grow:3 200\n"
	            "P42;T0:1;m.py:shrink:9 100\n");
	o.metric = METRIC_WALL;
	assert_view(view_collapsed, &o,
	            "P42;T0:1;m.py:grow:3 300\n"
	            "P42;T0:1;m.py:shrink:9 100\n"
	            "P42;T0:1;m.py:rest:12 100\n");
}
END_TEST

START_TEST(collapsed_projects_a_memory_recording)
{
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "memory"), 0);
	add(1, "m.py:main:20;m.py:grow:3", 0, 0, 1048576);
	add(1, "m.py:main:20;m.py:shrink:9", 0, 0, -1048576);
	add(1, "m.py:main:20;m.py:grow:3", 0, 0, 1048576);
	struct view_options o = {.metric = METRIC_MEMORY_UP};
	assert_view(view_collapsed, &o,
	            "P42;T0:1;m.py:main:20;m.py:grow:3 2097152\n");
	o.metric = METRIC_MEMORY_DOWN;
	assert_view(view_collapsed, &o,
	            "P42;T0:1;m.py:main:20;m.py:shrink:9 1048576\n");
}
END_TEST

/* Every line is a stack and its count, however odd the metadata: any other
 * line is one flamegraph.pl ignores with a warning. */
START_TEST(collapsed_writes_stacks_and_counts_only)
{
	const char *values[] = {"100",   "3 of 4", "1.5",   "abc\n12 34",
	                        "100us", "",       "x 7\r", "2031542 (us)"};
	char key[16];
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		snprintf(key, sizeof key, "key%zu", i);
		ck_assert_int_eq(profile_set_meta(&prof, key, values[i]), 0);
	}
	add_time(1, "a.py:main:1", 10);
	add_time(2, "a.py:main:1;a.py:f:2", 5);
	char *text = render(view_collapsed, &TIME_OPTIONS);
	size_t lines = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		lines++;
		ck_assert_msg(collapsed_looks_like_sample(line),
		              "not a stack and a count: %s", line);
	}
	ck_assert_uint_eq(lines, 2);
	free(text);
}
END_TEST

START_TEST(collapsed_without_values_writes_nothing)
{
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "wall"), 0);
	add_time(1, "a.py:main:1", 10);
	struct view_options o = {.metric = METRIC_MEMORY_UP};
	assert_view(view_collapsed, &o, ""); /* and a note on stderr */
}
END_TEST

/* --- tree ------------------------------------------------------------- */

#define TREE_HEAD(summary) summary "\n\n total   self\n"

/* <module> -> main -> {f -> h, g}, 100 us in all. */
static void nested_profile(void)
{
	add_time(1, "app.py:<module>:1;app.py:main:2;app.py:f:3;app.py:h:5",
	         50);
	add_time(1, "app.py:<module>:1;app.py:main:2;app.py:f:3", 10);
	add_time(1, "app.py:<module>:1;app.py:main:2;app.py:g:4", 30);
	add_time(1, "app.py:<module>:1;app.py:main:2", 10);
}

START_TEST(tree_nests_hot_paths_first_with_shares)
{
	nested_profile();
	assert_view(
	        view_tree, &TIME_OPTIONS,
	        TREE_HEAD(
	                "100 us of wall time in 4 samples") "100.0%   0.0%  "
	                                                    "<module>  "
	                                                    "app.py:1\n"
	                                                    "100.0%  10.0%  └─ "
	                                                    "main  app.py:2\n"
	                                                    " 60.0%  10.0%     "
	                                                    "├─ f  app.py:3\n"
	                                                    " 50.0%  50.0%     "
	                                                    "│  └─ h  "
	                                                    "app.py:5\n"
	                                                    " 30.0%  30.0%     "
	                                                    "└─ g  app.py:4\n");
}
END_TEST

START_TEST(tree_hides_nodes_under_the_threshold)
{
	nested_profile();
	struct view_options o = {.metric = METRIC_TIME, .threshold = 35};
	assert_view(
	        view_tree, &o,
	        TREE_HEAD(
	                "100 us of wall time in 4 samples") "100.0%   0.0%  "
	                                                    "<module>  "
	                                                    "app.py:1\n"
	                                                    "100.0%  10.0%  └─ "
	                                                    "main  app.py:2\n"
	                                                    " 60.0%  10.0%     "
	                                                    "└─ f  app.py:3\n"
	                                                    " 50.0%  50.0%     "
	                                                    "   └─ h  "
	                                                    "app.py:5\n"
	                                                    "… 1 call below "
	                                                    "35% hidden "
	                                                    "(--threshold 0 "
	                                                    "shows them)\n");
	o.threshold = 55;
	char *text = render(view_tree, &o);
	ck_assert_ptr_nonnull(strstr(text, "└─ f  app.py:3\n"));
	ck_assert_ptr_null(strstr(text, " h  "));
	ck_assert_ptr_nonnull(strstr(text, "… 2 calls below 55% hidden"));
	free(text);
}
END_TEST

#define JSON_INIT    "/usr/lib/python3.11/json/__init__.py"
#define JSON_ENCODER "/usr/lib/python3.11/json/encoder.py"

START_TEST(tree_folds_library_frames_unless_all)
{
	add_time(1,
	         "app.py:<module>:1;" JSON_INIT ":dumps:231;" JSON_ENCODER
	         ":encode:200;app.py:default:7",
	         40);
	add_time(1,
	         "app.py:<module>:1;" JSON_INIT ":dumps:231;" JSON_ENCODER
	         ":encode:200",
	         60);
	assert_view(
	        view_tree, &TIME_OPTIONS,
	        TREE_HEAD("100 us of wall time in 2 samples") "100.0%   0.0%  "
	                                                      "<module>  "
	                                                      "app.py:1\n"
	                                                      "100.0%  60.0%  "
	                                                      "└─ [2 library "
	                                                      "frames]  json, "
	                                                      "json.encoder\n"
	                                                      " 40.0%  40.0%   "
	                                                      "  └─ default  "
	                                                      "app.py:7\n");
	struct view_options o = {.metric = METRIC_TIME, .all = 1};
	assert_view(
	        view_tree, &o,
	        TREE_HEAD(
	                "100 us of wall time in 2 samples") "100.0%   0.0%  "
	                                                    "<module>  "
	                                                    "app.py:1\n"
	                                                    "100.0%   0.0%  └─ "
	                                                    "dumps  " JSON_INIT
	                                                    ":231\n"
	                                                    "100.0%  60.0%     "
	                                                    "└─ encode "
	                                                    " " JSON_ENCODER
	                                                    ":200\n"
	                                                    " 40.0%  40.0%     "
	                                                    "   └─ default  "
	                                                    "app.py:7\n");
}
END_TEST

START_TEST(tree_folds_outermost_library_frames_of_a_thread)
{
	add_time(1,
	         "<frozen runpy>:_run_module_as_main:198;<frozen "
	         "runpy>:_run_code:88;/srv/app.py:<module>:3",
	         10);
	add_time(1,
	         "<frozen runpy>:_run_module_as_main:198;/home/u/.venv/lib/"
	         "python3.12/site-packages/yaml/__init__.py:load:80",
	         30);
	assert_view(
	        view_tree, &TIME_OPTIONS,
	        TREE_HEAD("40 us of wall time in 2 samples") "100.0%  75.0%  "
	                                                     "[3 library "
	                                                     "frames]  <frozen "
	                                                     "runpy>, yaml\n"
	                                                     " 25.0%  25.0%  "
	                                                     "└─ <module>  "
	                                                     "/srv/app.py:3\n");
}
END_TEST

START_TEST(tree_library_files)
{
	ck_assert(view_is_library_file(
	        "/root/.pyenv/versions/3.12.1/lib/python3.12/threading.py"));
	ck_assert(view_is_library_file("/usr/lib/python3.11/json/encoder.py"));
	ck_assert(view_is_library_file(
	        "/usr/lib/python3/dist-packages/requests/api.py"));
	ck_assert(view_is_library_file(
	        "/srv/venv/lib/python3.12/site-packages/flask/app.py"));
	ck_assert(view_is_library_file("/usr/lib/python2.7/os.py"));
	ck_assert(view_is_library_file("<frozen importlib._bootstrap>"));
	ck_assert(!view_is_library_file("/home/me/project/app.py"));
	ck_assert(!view_is_library_file("app.py"));
	ck_assert(!view_is_library_file("<string>"));
	ck_assert(!view_is_library_file("/home/me/lib/python/tool.py"));
}
END_TEST

START_TEST(tree_colours_only_when_asked)
{
	nested_profile();
	char *plain = render(view_tree, &TIME_OPTIONS);
	ck_assert_ptr_null(strchr(plain, '\033'));
	free(plain);
	struct view_options o = {.metric = METRIC_TIME, .colour = 1};
	char *coloured = render(view_tree, &o);
	ck_assert_ptr_nonnull(strstr(coloured, "\033[1mmain\033[0m"));
	ck_assert_ptr_nonnull(strstr(coloured, "\033[31m100.0%\033[0m"));
	ck_assert_ptr_nonnull(strstr(coloured, "\033[2mapp.py:2\033[0m"));
	free(coloured);
}
END_TEST

START_TEST(tree_has_a_section_per_thread)
{
	add_time(1, "a.py:main:1", 60);
	add_time(2, "a.py:work:5", 30);
	add_time(2, "", 10);
	assert_view(
	        view_tree, &TIME_OPTIONS,
	        TREE_HEAD(
	                "100 us of wall time in 3 samples") "Thread 1 (process "
	                                                    "42, interpreter "
	                                                    "0): 60.0%\n"
	                                                    " 60.0%  60.0%  "
	                                                    "main  a.py:1\n"
	                                                    "\n"
	                                                    "Thread 2 (process "
	                                                    "42, interpreter "
	                                                    "0): 40.0%\n"
	                                                    " 30.0%  30.0%  "
	                                                    "work  a.py:5\n"
	                                                    " 10.0%  10.0%  "
	                                                    "[no Python "
	                                                    "frames]\n");
}
END_TEST

START_TEST(tree_of_memory_and_of_nothing)
{
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "memory"), 0);
	add(1, "m.py:grow:3", 0, 0, 104857600);
	add(1, "m.py:shrink:9", 0, 0, -104857600);
	struct view_options o = {.metric = METRIC_MEMORY_UP};
	assert_view(view_tree, &o,
	            TREE_HEAD("104.9 MB grown in 1 sample") "100.0% 100.0%  "
	                                                    "grow  m.py:3\n");
	profile_free(&prof);
	profile_init(&prof);
	assert_view(view_tree, &TIME_OPTIONS,
	            "Nothing to show: no sample in this recording has any "
	            "wall time.\n");
}
END_TEST

#define DEEP 3000

struct deep_run {
	char *text;
	size_t len;
	int rc;
};

static void *draw_deep(void *arg)
{
	struct deep_run *run = arg;
	FILE *out = open_memstream(&run->text, &run->len);
	run->rc = out ? view_tree(&prof, &TIME_OPTIONS, out) : -1;
	if (out)
		fclose(out);
	return NULL;
}

/* A recursion 3000 frames deep, drawn on a 128 KiB stack: a drawing that
 * recursed per level would run off it. */
START_TEST(tree_survives_deep_recursion)
{
	static uint32_t frames[DEEP];
	frames[0] = frame_of("r.py:<module>:1", strlen("r.py:<module>:1"));
	for (size_t i = 1; i < DEEP; i++)
		frames[i] = frame_of("r.py:down:4", strlen("r.py:down:4"));
	struct profile_sample sm = {
	        .stack = profile_stack(&prof, profile_thread(&prof, 42, 0, 1),
	                               frames, DEEP),
	        .time = 10};
	ck_assert_int_eq(profile_add_sample(&prof, &sm), 0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, 128 * 1024), 0);
	struct deep_run run = {0};
	pthread_t thread;
	ck_assert_int_eq(pthread_create(&thread, &attr, draw_deep, &run), 0);
	pthread_join(thread, NULL);
	pthread_attr_destroy(&attr);
	ck_assert_int_eq(run.rc, 0);
	size_t lines = 0;
	for (size_t i = 0; i < run.len; i++)
		lines += run.text[i] == '\n';
	ck_assert_uint_eq(lines, 3 + DEEP);
	/* The innermost line: 2997 levels of blank indent, then its branch. */
	const char *last = run.text + run.len - 1;
	while (last > run.text && last[-1] != '\n')
		last--;
	const char *lead = "100.0% 100.0%  ";
	ck_assert_int_eq(strncmp(last, lead, strlen(lead)), 0);
	const char *indent = last + strlen(lead);
	for (size_t i = 0; i < 3 * (DEEP - 2); i++)
		ck_assert_int_eq(indent[i], ' ');
	ck_assert_str_eq(indent + 3 * (DEEP - 2), "└─ down  r.py:4\n");
	free(run.text);
}
END_TEST

/* --- top -------------------------------------------------------------- */

/* fib recurses: its total counts each stack once. */
static void recursive_profile(void)
{
	add_time(1, "app.py:main:1;app.py:fib:5;app.py:fib:6;app.py:fib:6", 50);
	add_time(1, "app.py:main:1;app.py:fib:5;app.py:helper:9", 30);
	add_time(1, "app.py:main:2", 20);
}

START_TEST(top_ranks_by_self_and_counts_recursion_once)
{
	recursive_profile();
	assert_view(view_top, &TIME_OPTIONS,
	            "100 us of wall time in 3 samples; the top 3 functions by "
	            "self share:\n\n"
	            "  self   total       self      total  function  file\n"
	            " 50.0%   80.0%      50 us      80 us  fib       app.py\n"
	            " 30.0%   30.0%      30 us      30 us  helper    app.py\n"
	            " 20.0%  100.0%      20 us     100 us  main      app.py\n");
}
END_TEST

START_TEST(top_shows_n_and_tells_functions_by_file)
{
	recursive_profile();
	add_time(1, "app.py:main:1;lib.py:helper:3", 25);
	struct view_options o = {.metric = METRIC_TIME, .top = 2};
	assert_view(view_top, &o,
	            "125 us of wall time in 4 samples; the top 2 functions by "
	            "self share:\n\n"
	            "  self   total       self      total  function  file\n"
	            " 40.0%   64.0%      50 us      80 us  fib       app.py\n"
	            " 24.0%   24.0%      30 us      30 us  helper    app.py\n");
	o.top = 10;
	char *text = render(view_top, &o);
	ck_assert_ptr_nonnull(strstr(text, "the top 4 functions"));
	ck_assert_ptr_nonnull(strstr(text, " 20.0%   20.0%      25 us      "
	                                   "25 us  helper    lib.py\n"));
	free(text);
}
END_TEST

START_TEST(top_of_memory_growth_in_its_unit)
{
	full_recording();
	add(1, "m.py:main:20;m.py:load:30", 100, 0, 104857600);
	struct view_options o = {.metric = METRIC_MEMORY_UP};
	assert_view(view_top, &o,
	            "104.9 MB grown in 3 samples; the top 3 functions by self "
	            "share:\n\n"
	            "  self   total       self      total  function  file\n"
	            "100.0%  100.0%   104.9 MB   104.9 MB  load      m.py\n"
	            "  0.0%    0.0%    12.3 kB    12.3 kB  grow      m.py\n"
	            "  0.0%  100.0%        0 B   104.9 MB  main      m.py\n");
}
END_TEST

START_TEST(values_in_their_units)
{
	char buf[32];
	view_format_value(METRIC_TIME, 2030000, buf, sizeof buf);
	ck_assert_str_eq(buf, "2.03 s");
	view_format_value(METRIC_WALL, 814200, buf, sizeof buf);
	ck_assert_str_eq(buf, "814.2 ms");
	view_format_value(METRIC_CPU, 999, buf, sizeof buf);
	ck_assert_str_eq(buf, "999 us");
	view_format_value(METRIC_MEMORY_UP, 104857600, buf, sizeof buf);
	ck_assert_str_eq(buf, "104.9 MB");
	view_format_value(METRIC_MEMORY_DOWN, 1500, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.5 kB");
	view_format_value(METRIC_MEMORY_DOWN, 2500000000u, buf, sizeof buf);
	ck_assert_str_eq(buf, "2.50 GB");
	ck_assert_int_eq(profile_set_meta(&prof, "mode", "cpu"), 0);
	add_time(1, "a.py:main:1", 1500);
	view_summary(&prof, METRIC_TIME, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.5 ms of CPU time in 1 sample");
}
END_TEST

Suite *views_suite(void)
{
	Suite *s = suite_create("views");
	TCase *tree = tcase_create("calltree");
	tcase_add_checked_fixture(tree, setup, teardown);
	tcase_add_test(tree, calltree_merges_stacks_with_totals_and_self);
	tcase_add_test(tree, calltree_per_thread_roots);
	tcase_add_test(tree,
	               calltree_children_largest_first_and_zeros_left_out);
	suite_add_tcase(s, tree);

	TCase *collapsed = tcase_create("collapsed");
	tcase_add_checked_fixture(collapsed, setup, teardown);
	tcase_add_test(collapsed,
	               collapsed_merges_identical_stacks_in_first_seen_order);
	tcase_add_test(collapsed,
	               collapsed_projects_each_metric_of_a_full_recording);
	tcase_add_test(collapsed, collapsed_projects_a_memory_recording);
	tcase_add_test(collapsed, collapsed_writes_stacks_and_counts_only);
	tcase_add_test(collapsed, collapsed_without_values_writes_nothing);
	suite_add_tcase(s, collapsed);

	TCase *view = tcase_create("tree");
	tcase_add_checked_fixture(view, setup, teardown);
	tcase_add_test(view, tree_nests_hot_paths_first_with_shares);
	tcase_add_test(view, tree_hides_nodes_under_the_threshold);
	tcase_add_test(view, tree_folds_library_frames_unless_all);
	tcase_add_test(view, tree_folds_outermost_library_frames_of_a_thread);
	tcase_add_test(view, tree_library_files);
	tcase_add_test(view, tree_colours_only_when_asked);
	tcase_add_test(view, tree_has_a_section_per_thread);
	tcase_add_test(view, tree_of_memory_and_of_nothing);
	tcase_add_test(view, tree_survives_deep_recursion);
	/* The deep recursion takes seconds under the sanitizers on a busy
	 * machine, past check's default of 4. */
	tcase_set_timeout(view, 30);
	suite_add_tcase(s, view);

	TCase *top = tcase_create("top");
	tcase_add_checked_fixture(top, setup, teardown);
	tcase_add_test(top, top_ranks_by_self_and_counts_recursion_once);
	tcase_add_test(top, top_shows_n_and_tells_functions_by_file);
	tcase_add_test(top, top_of_memory_growth_in_its_unit);
	tcase_add_test(top, values_in_their_units);
	suite_add_tcase(s, top);
	return s;
}
