/* The graphic views of austinc-report: the SVG flame graph and speedscope's
 * JSON, on small profiles built through the model's API.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/profile.h"
#include "report/views.h"
#include "suites.h"

/* --- building profiles ------------------------------------------------- */

static uint32_t frame(struct profile *p, const char *file, const char *name,
                      int line)
{
	uint32_t f = profile_frame(p, profile_string(p, file, strlen(file)),
	                           profile_string(p, name, strlen(name)), line,
	                           FRAME_PYTHON);
	ck_assert_uint_ne(f, UINT32_MAX);
	return f;
}

static uint32_t special_frame(struct profile *p, enum frame_kind kind)
{
	uint32_t empty = profile_string(p, "", 0);
	return profile_frame(p, empty, empty, 0, kind);
}

/* One sample of thread tid (pid 42) with the frames given, outermost
 * first. */
static void sample(struct profile *p, int64_t tid, uint64_t time,
                   int64_t memory, uint32_t depth, const uint32_t *frames)
{
	uint32_t thread = profile_thread(p, 42, 0, tid);
	uint32_t stack = profile_stack(p, thread, frames, depth);
	ck_assert_uint_ne(stack, UINT32_MAX);
	struct profile_sample s = {
	        .stack = stack, .time = time, .memory = memory};
	ck_assert_int_eq(profile_add_sample(p, &s), 0);
}

typedef int (*view_fn)(const struct profile *, const struct view_options *,
                       FILE *);

/* What a view writes for p under metric m (malloc'd). */
static char *render(view_fn view, const struct profile *p,
                    enum profile_metric m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	struct view_options o = {.metric = m};
	ck_assert_int_eq(view(p, &o, out), 0);
	ck_assert_int_eq(ferror(out), 0);
	fclose(out);
	return text;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *s = strstr(text, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

/* --- SVG: reading frames back ------------------------------------------ */

#define FRAME_OPEN "<g class=\"f\"><title>"

struct drawn {
	char name[64];
	double x, width;
	unsigned fill;
	char label[64];
};

static double attribute(const char *from, const char *name)
{
	const char *a = strstr(from, name);
	ck_assert_ptr_nonnull(a);
	return strtod(a + strlen(name), NULL);
}

/* The frames of an SVG, in document order; returns how many. */
static size_t read_frames(const char *svg, struct drawn *out, size_t max)
{
	size_t n = 0;
	for (const char *g = strstr(svg, FRAME_OPEN); g;
	     g = strstr(g + 1, FRAME_OPEN)) {
		ck_assert_uint_lt(n, max);
		struct drawn *d = &out[n++];
		const char *name = g + strlen(FRAME_OPEN);
		size_t len = strcspn(name, "\n<");
		ck_assert_uint_lt(len, sizeof d->name);
		memcpy(d->name, name, len);
		d->name[len] = '\0';
		const char *rect = strstr(g, "<rect ");
		d->x = attribute(rect, " x=\"");
		d->width = attribute(rect, " width=\"");
		d->fill = (unsigned)strtoul(strstr(rect, "fill=\"#") + 7, NULL,
		                            16);
		const char *label = strchr(strstr(rect, "<text "), '>') + 1;
		len = strcspn(label, "<");
		ck_assert_uint_lt(len, sizeof d->label);
		memcpy(d->label, label, len);
		d->label[len] = '\0';
	}
	return n;
}

static const struct drawn *find(const struct drawn *d, size_t n,
                                const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].name, name) == 0)
			return &d[i];
	ck_abort_msg("no frame named %s", name);
	return NULL;
}

#define AREA_WIDTH 1180.0 /* view_svg's 1200 pixels less two margins */

/* main -> a -> c (600), main -> a (300), main -> b (100). */
static void three_leaves(struct profile *p)
{
	uint32_t main = frame(p, "app.py", "main", 1);
	uint32_t a = frame(p, "app.py", "a", 5), b = frame(p, "app.py", "b", 9);
	uint32_t c = frame(p, "app.py", "c", 13);
	sample(p, 1, 300, 0, 2, (uint32_t[]){main, a});
	sample(p, 1, 100, 0, 2, (uint32_t[]){main, b});
	sample(p, 1, 600, 0, 3, (uint32_t[]){main, a, c});
}

START_TEST(svg_one_rect_per_node_widths_proportional)
{
	struct profile p;
	profile_init(&p);
	three_leaves(&p);
	char *svg = render(view_svg, &p, METRIC_TIME);
	struct drawn d[16];
	size_t n = read_frames(svg, d, 16);
	ck_assert_uint_eq(n, 5);                        /* all, main, a, b, c */
	ck_assert_uint_eq(count(svg, "<rect "), n + 1); /* + background */
	const char *names[] = {"all", "main", "a", "c", "b"};
	const double totals[] = {1000, 1000, 900, 600, 100};
	for (size_t i = 0; i < 5; i++) {
		const struct drawn *f = find(d, n, names[i]);
		ck_assert_double_eq_tol(f->width, totals[i] / 1000 * AREA_WIDTH,
		                        0.011);
	}
	/* Largest first, from the left edge: b starts where a ends. */
	ck_assert_double_eq_tol(find(d, n, "a")->x, 10, 0.001);
	ck_assert_double_eq_tol(find(d, n, "b")->x, 10 + 0.9 * AREA_WIDTH,
	                        0.011);
	ck_assert_ptr_nonnull(strstr(svg, "<title>c\napp.py:13\n600 us "
	                                  "(60.00%)</title>"));
	free(svg);
	profile_free(&p);
}
END_TEST

/* Classic layout: the root at the bottom, callees above callers. */
static double rect_y(const char *svg, const char *name)
{
	char open[64];
	snprintf(open, sizeof open, FRAME_OPEN "%s\n", name);
	const char *g = strstr(svg, open);
	ck_assert_ptr_nonnull(g);
	return attribute(strstr(g, "<rect "), " y=\"");
}

START_TEST(svg_root_at_the_bottom)
{
	struct profile p;
	profile_init(&p);
	three_leaves(&p);
	char *svg = render(view_svg, &p, METRIC_TIME);
	double all = rect_y(svg, "all"), main = rect_y(svg, "main");
	double a = rect_y(svg, "a"), c = rect_y(svg, "c");
	ck_assert_double_eq(all - main, 16);
	ck_assert_double_eq(main - a, 16);
	ck_assert_double_eq(a - c, 16);
	ck_assert_double_eq(rect_y(svg, "b"), a);
	free(svg);
	profile_free(&p);
}
END_TEST

START_TEST(svg_frames_under_a_thousandth_not_drawn)
{
	struct profile p;
	profile_init(&p);
	uint32_t main = frame(&p, "app.py", "main", 1);
	uint32_t big = frame(&p, "app.py", "big", 2);
	uint32_t edge = frame(&p, "app.py", "edge", 3);
	uint32_t tiny = frame(&p, "app.py", "tiny", 4);
	uint32_t deeper = frame(&p, "app.py", "deeper", 5);
	sample(&p, 1, 9981, 0, 2, (uint32_t[]){main, big});
	sample(&p, 1, 10, 0, 2, (uint32_t[]){main, edge}); /* 0.1%: drawn */
	sample(&p, 1, 9, 0, 3,
	       (uint32_t[]){main, tiny, deeper}); /* 0.09%: hidden */
	char *svg = render(view_svg, &p, METRIC_TIME);
	struct drawn d[16];
	size_t n = read_frames(svg, d, 16);
	ck_assert_uint_eq(n, 4); /* all, main, big, edge */
	find(d, n, "edge");
	ck_assert_ptr_null(strstr(svg, "tiny"));
	ck_assert_ptr_null(strstr(svg, "deeper"));
	ck_assert_ptr_nonnull(strstr(svg, "frames under 0.1% of the total are "
	                                  "not drawn (2 of 6)"));
	free(svg);
	profile_free(&p);
}
END_TEST

START_TEST(svg_escapes_names_and_files)
{
	struct profile p;
	profile_init(&p);
	uint32_t module = frame(&p, "<stdin>", "<module>", 1);
	uint32_t frozen = frame(&p, "<frozen importlib._bootstrap>",
	                        "_find_and_load", 1007);
	uint32_t odd = frame(&p, "a&b.py", "q\"u'o\x01te\xff\n", 3);
	sample(&p, 1, 10, 0, 3, (uint32_t[]){module, frozen, odd});
	char *svg = render(view_svg, &p, METRIC_TIME);
	ck_assert_ptr_nonnull(
	        strstr(svg, "<title>&lt;module&gt;\n&lt;stdin&gt;:1\n"));
	ck_assert_ptr_nonnull(
	        strstr(svg, "&lt;frozen importlib._bootstrap&gt;:1007"));
	ck_assert_ptr_nonnull(strstr(
	        svg,
	        "q&quot;u&apos;o&#xFFFD;te&#xFFFD;&#xFFFD;\na&amp;b.py:3"));
	ck_assert_ptr_null(strstr(svg, "<module>"));
	ck_assert_ptr_null(strstr(svg, "<stdin>"));
	ck_assert_ptr_null(strchr(svg, '\x01'));
	ck_assert_ptr_null(strchr(svg, '\xff'));
	/* The script and the style sheet are the only CDATA sections. */
	ck_assert_uint_eq(count(svg, "<![CDATA["), 2);
	ck_assert_uint_eq(count(svg, "]]>"), 2);
	free(svg);
	profile_free(&p);
}
END_TEST

START_TEST(svg_library_frames_cool_program_frames_warm)
{
	struct profile p;
	profile_init(&p);
	uint32_t main = frame(&p, "app.py", "main", 1);
	uint32_t dumps =
	        frame(&p, "/usr/lib/python3.11/json/__init__.py", "dumps", 231);
	sample(&p, 1, 10, 0, 2, (uint32_t[]){main, dumps});
	char *svg = render(view_svg, &p, METRIC_TIME);
	struct drawn d[8];
	size_t n = read_frames(svg, d, 8);
	unsigned warm = find(d, n, "main")->fill,
	         cool = find(d, n, "dumps")->fill;
	ck_assert_uint_gt(warm >> 16, warm & 0xff);        /* red > blue */
	ck_assert_uint_gt(cool & 0xff, cool >> 16);        /* blue > red */
	ck_assert_uint_gt((cool >> 8) & 0xff, cool >> 16); /* green > red */
	free(svg);
	/* The same name gets the same colour in another graph. */
	struct profile q;
	profile_init(&q);
	uint32_t other = frame(&q, "other.py", "main", 40);
	sample(&q, 7, 99, 0, 1, (uint32_t[]){other});
	svg = render(view_svg, &q, METRIC_TIME);
	n = read_frames(svg, d, 8);
	ck_assert_uint_eq(find(d, n, "main")->fill, warm);
	free(svg);
	profile_free(&q);
	profile_free(&p);
}
END_TEST

START_TEST(svg_title_names_the_metric_and_its_unit)
{
	struct profile p;
	profile_init(&p);
	profile_set_meta(&p, "mode", "full");
	uint32_t grow = frame(&p, "m.py", "grow", 3);
	sample(&p, 1, 100, 4096, 1, (uint32_t[]){grow});
	sample(&p, 1, 100, -1024, 1, (uint32_t[]){grow});
	char *svg = render(view_svg, &p, METRIC_MEMORY_UP);
	ck_assert_ptr_nonnull(
	        strstr(svg, "<text id=\"heading\" x=\"600\" y=\"24\">Memory "
	                    "growth (bytes)</text>"));
	ck_assert_ptr_nonnull(strstr(svg, "4,096 bytes (100.00%)</title>"));
	free(svg);
	svg = render(view_svg, &p, METRIC_MEMORY_DOWN);
	ck_assert_ptr_nonnull(strstr(svg, ">Memory released (bytes)</text>"));
	free(svg);
	svg = render(view_svg, &p, METRIC_TIME);
	ck_assert_ptr_nonnull(strstr(svg, ">Wall time (us)</text>"));
	ck_assert_ptr_nonnull(strstr(svg, "200 us in 2 samples"));
	free(svg);
	profile_set_meta(&p, "mode", "cpu");
	svg = render(view_svg, &p, METRIC_TIME);
	ck_assert_ptr_nonnull(strstr(svg, ">CPU time (us)</text>"));
	free(svg);
	profile_free(&p);
}
END_TEST

START_TEST(svg_one_root_per_thread)
{
	struct profile p;
	profile_init(&p);
	uint32_t work = frame(&p, "app.py", "work", 3);
	sample(&p, 101, 300, 0, 1, (uint32_t[]){work});
	sample(&p, 102, 100, 0, 1, (uint32_t[]){work});
	char *svg = render(view_svg, &p, METRIC_TIME);
	struct drawn d[8];
	size_t n = read_frames(svg, d, 8);
	ck_assert_uint_eq(n, 5); /* all, two threads, work in each */
	ck_assert_double_eq_tol(find(d, n, "thread 101 (pid 42)")->width,
	                        0.75 * AREA_WIDTH, 0.011);
	ck_assert_double_eq_tol(find(d, n, "thread 102 (pid 42)")->width,
	                        0.25 * AREA_WIDTH, 0.011);
	ck_assert_uint_eq(count(svg, FRAME_OPEN "work\n"), 2);
	free(svg);
	profile_free(&p);
}
END_TEST

START_TEST(svg_labels_fit_their_frames)
{
	struct profile p;
	profile_init(&p);
	uint32_t main = frame(&p, "app.py", "main", 1);
	uint32_t big = frame(&p, "app.py", "a_very_long_function_name", 2);
	uint32_t accents = frame(&p, "app.py",
	                         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	                         3);
	uint32_t sliver = frame(&p, "app.py", "sliver", 4);
	sample(&p, 1, 880, 0, 2, (uint32_t[]){main, sliver});
	sample(&p, 1, 100, 0, 2, (uint32_t[]){main, big});
	sample(&p, 1, 100, 0, 2, (uint32_t[]){main, accents});
	sample(&p, 1, 20, 0, 2, (uint32_t[]){main, sliver});
	char *svg = render(view_svg, &p, METRIC_TIME);
	struct drawn d[8];
	size_t n = read_frames(svg, d, 8);
	/* 107.27 pixels hold (107.27 - 6) / 7.2 = 14 characters. */
	ck_assert_str_eq(find(d, n, "a_very_long_function_name")->label,
	                 "a_very_long_..");
	ck_assert_str_eq(find(d, n,
	                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")
	                         ->label,
	                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	                 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9..");
	ck_assert_str_eq(find(d, n, "main")->label, "main");
	free(svg);
	profile_free(&p);
}
END_TEST

START_TEST(svg_without_samples_is_still_a_document)
{
	struct profile p;
	profile_init(&p);
	profile_set_meta(&p, "mode", "memory");
	uint32_t idle = frame(&p, "app.py", "idle", 1);
	sample(&p, 1, 0, 0, 1, (uint32_t[]){idle});
	char *svg = render(view_svg, &p, METRIC_MEMORY_UP);
	ck_assert_uint_eq(count(svg, FRAME_OPEN), 0);
	ck_assert_ptr_nonnull(strstr(svg, "No sample has a value"));
	ck_assert_ptr_nonnull(strstr(svg, "</svg>\n"));
	free(svg);
	profile_free(&p);
}
END_TEST

/* --- speedscope ---------------------------------------------------------- */

#define HEAD(name)                                                             \
	"{\"$schema\":\"https://www.speedscope.app/"                           \
	"file-format-schema.json\",\n"                                         \
	"\"name\":\"" name "\",\n"                                             \
	"\"exporter\":\"austinc-report " PACKAGE_VERSION "\",\n"               \
	"\"activeProfileIndex\":0,\n"                                          \
	"\"shared\":{\"frames\":["

START_TEST(speedscope_exact_json)
{
	struct profile p;
	profile_init(&p);
	uint32_t main = frame(&p, "app.py", "main", 3);
	uint32_t work = frame(&p, "app.py", "work", 7);
	uint32_t comp = frame(&p, "lib.py", "<listcomp>", 2);
	sample(&p, 1, 100, 0, 2, (uint32_t[]){main, work});
	sample(&p, 2, 50, 0, 1, (uint32_t[]){main});
	sample(&p, 1, 30, 0, 2, (uint32_t[]){main, work}); /* joins the first */
	sample(&p, 1, 0, 0, 1, (uint32_t[]){main});        /* worth nothing */
	sample(&p, 1, 20, 0, 2, (uint32_t[]){main, comp});
	sample(&p, 1, 5, 0, 2, (uint32_t[]){main, work});
	sample(&p, 3, 0, 0, 1, (uint32_t[]){main}); /* a thread with nothing */
	char *json = render(view_speedscope, &p, METRIC_TIME);
	ck_assert_str_eq(
	        json,
	        HEAD("austinc time (us)") "\n"
	                                  "{\"name\":\"main\",\"file\":\"app."
	                                  "py\",\"line\":3},\n"
	                                  "{\"name\":\"work\",\"file\":\"app."
	                                  "py\",\"line\":7},\n"
	                                  "{\"name\":\"<listcomp>\",\"file\":"
	                                  "\"lib.py\",\"line\":2}]},\n"
	                                  "\"profiles\":[\n"
	                                  "{\"type\":\"sampled\",\"name\":"
	                                  "\"thread 1 (pid 42)\","
	                                  "\"unit\":\"microseconds\","
	                                  "\"startValue\":0,\n"
	                                  "\"samples\":[[0,1],[0,2],[0,1]],\n"
	                                  "\"weights\":[130,20,5],\n"
	                                  "\"endValue\":155},\n"
	                                  "{\"type\":\"sampled\",\"name\":"
	                                  "\"thread 2 (pid 42)\","
	                                  "\"unit\":\"microseconds\","
	                                  "\"startValue\":0,\n"
	                                  "\"samples\":[[0]],\n"
	                                  "\"weights\":[50],\n"
	                                  "\"endValue\":50}]}\n");
	free(json);
	profile_free(&p);
}
END_TEST

START_TEST(speedscope_memory_in_bytes_special_frames)
{
	struct profile p;
	profile_init(&p);
	profile_set_meta(&p, "mode", "memory");
	profile_set_meta(&p, "python", "3.12.1");
	uint32_t grow = frame(&p, "m.py", "grow", 0);
	uint32_t invalid = special_frame(&p, FRAME_INVALID);
	uint32_t gc = special_frame(&p, FRAME_GC);
	sample(&p, 9, 0, 4096, 2, (uint32_t[]){grow, gc});
	sample(&p, 9, 0, -8192, 1, (uint32_t[]){grow});
	sample(&p, 9, 0, 1024, 1, (uint32_t[]){invalid});
	char *json = render(view_speedscope, &p, METRIC_MEMORY_UP);
	ck_assert_str_eq(
	        json,
	        HEAD("austinc memory+ (bytes), python 3.12.1") "\n"
	                                                       "{\"name\":"
	                                                       "\"grow\","
	                                                       "\"file\":\"m."
	                                                       "py\"},\n"
	                                                       "{\"name\":\":"
	                                                       "INVALID:\"},\n"
	                                                       "{\"name\":\":"
	                                                       "GC:\"}]},\n"
	                                                       "\"profiles\":["
	                                                       "\n"
	                                                       "{\"type\":"
	                                                       "\"sampled\","
	                                                       "\"name\":"
	                                                       "\"thread 9 "
	                                                       "(pid 42)\","
	                                                       "\"unit\":"
	                                                       "\"bytes\","
	                                                       "\"startValue\":"
	                                                       "0,\n"
	                                                       "\"samples\":[["
	                                                       "0,2],[1]],\n"
	                                                       "\"weights\":["
	                                                       "4096,1024],\n"
	                                                       "\"endValue\":"
	                                                       "5120}]}\n");
	free(json);
	json = render(view_speedscope, &p, METRIC_MEMORY_DOWN);
	ck_assert_ptr_nonnull(strstr(json, "\"samples\":[[0]],\n"
	                                   "\"weights\":[8192],\n"));
	free(json);
	profile_free(&p);
}
END_TEST

START_TEST(speedscope_escapes_strings)
{
	struct profile p;
	profile_init(&p);
	uint32_t odd = frame(&p, "C:\\dir\\\"x\".py",
	                     "a\tb\nc\x01\x1f\xff\xc3\xa9\xf0\x9f\x98\x80"
	                     "\xed\xa0\x80\xc0\xaf",
	                     1);
	sample(&p, 1, 1, 0, 1, (uint32_t[]){odd});
	char *json = render(view_speedscope, &p, METRIC_TIME);
	ck_assert_ptr_nonnull(strstr(
	        json, "{\"name\":\"a\\tb\\nc\\u0001\\u001f\\ufffd\xc3\xa9"
	              "\xf0\x9f\x98\x80\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\","
	              "\"file\":\"C:\\\\dir\\\\\\\"x\\\".py\",\"line\":1}"));
	free(json);
	profile_free(&p);
}
END_TEST

Suite *graphics_suite(void)
{
	Suite *s = suite_create("graphics");
	TCase *svg = tcase_create("svg");
	tcase_add_test(svg, svg_one_rect_per_node_widths_proportional);
	tcase_add_test(svg, svg_root_at_the_bottom);
	tcase_add_test(svg, svg_frames_under_a_thousandth_not_drawn);
	tcase_add_test(svg, svg_escapes_names_and_files);
	tcase_add_test(svg, svg_library_frames_cool_program_frames_warm);
	tcase_add_test(svg, svg_title_names_the_metric_and_its_unit);
	tcase_add_test(svg, svg_one_root_per_thread);
	tcase_add_test(svg, svg_labels_fit_their_frames);
	tcase_add_test(svg, svg_without_samples_is_still_a_document);
	suite_add_tcase(s, svg);
	TCase *speedscope = tcase_create("speedscope");
	tcase_add_test(speedscope, speedscope_exact_json);
	tcase_add_test(speedscope, speedscope_memory_in_bytes_special_frames);
	tcase_add_test(speedscope, speedscope_escapes_strings);
	suite_add_tcase(s, speedscope);
	return s;
}
