/* The readers on --system records: series, the period, each sample's
 * at_us, one model from text and MOJO, and malformed records named by line
 * and byte.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Recordings are written with the sampler's own writers (emit/collapsed.h
 * and emit/mojo.h) from one script of events, so the text and the MOJO
 * recording hold the same samples and records in the same order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/collapsed.h"
#include "emit/mojo.h"
#include "emit/sink.h"
#include "report/profile.h"
#include "report/read.h"
#include "suites.h"

enum writer { AS_TEXT, AS_MOJO };

/* --- writing recordings ------------------------------------------------- */

/* One event of a recording: metadata (key set) or a time sample. */
struct event {
	const char *key, *value;
	int64_t tid;
	const char *frames[3]; /* "file:name:line", outermost first */
	int gc;
	uint64_t time;
};

#define MODULE "/srv/app.py:<module>:40"
#define MAIN   "/srv/app.py:main:31"
#define RUN    "/srv/work.py:run:7"

#define MACHINE_1                                                              \
	"machine cpu.user=12.5% cpu.system=3% load.1=0.25 mem.used=1048576B "  \
	"disk.write=0B/s swap.in=0/s cores=4 t=100000us"
#define PROCESS_1                                                              \
	"process:4242 cpu.user=97.5% rss=104857600B io.write=2097152B/s "      \
	"threads=3 ctxt.voluntary=12/s t=100000us"
/* An unknown name, and a negative figure. */
#define MACHINE_2                                                              \
	"machine cpu.user=50% gpu.temp=71.5 cpu.iowait=-0.5% t=200000us"

/* A sample before any record, one in the first period (with a GC mark, so
 * that the pseudo-frame's empty string is interned before the next
 * record's new names in both formats), two in the second. */
static const struct event SCRIPT[] = {
        {.key = "austinc", .value = "0.1.0"},
        {.key = "mode", .value = "wall"},
        {.key = "system-period", .value = "100000us"},
        {.tid = 4243, .frames = {MODULE, MAIN}, .time = 100},
        {.key = "system", .value = MACHINE_1},
        {.key = "system", .value = PROCESS_1},
        {.tid = 4243, .frames = {MODULE, MAIN}, .gc = 1, .time = 101},
        {.key = "system", .value = MACHINE_2},
        {.tid = 4244, .frames = {MODULE, MAIN, RUN}, .time = 50},
        {.tid = 4243, .frames = {MODULE}, .time = 60},
        {.key = "duration", .value = "300000us"},
};

#define SCRIPT_LEN (sizeof SCRIPT / sizeof *SCRIPT)

static const uint64_t SCRIPT_AT_US[] = {0, 100000, 200000, 200000};

static struct stack st;
static char frame_text[3][2][64];

/* st from "file:name:line" specs (outermost first; st is innermost
 * first). */
static void fill_stack(const char *const *frames)
{
	uint32_t depth = 0;
	while (depth < 3 && frames[depth])
		depth++;
	st.depth = depth;
	for (uint32_t k = 0; k < depth; k++) {
		const char *spec = frames[depth - 1 - k];
		const char *colon = strchr(spec, ':');
		const char *last = strrchr(spec, ':');
		char *file = frame_text[k][0], *name = frame_text[k][1];
		snprintf(file, 64, "%.*s", (int)(colon - spec), spec);
		snprintf(name, 64, "%.*s", (int)(last - colon - 1), colon + 1);
		st.frames[k] =
		        (struct frame){.file = file,
		                       .name = name,
		                       .file_len = (uint32_t)strlen(file),
		                       .name_len = (uint32_t)strlen(name),
		                       .line = atoi(last + 1)};
	}
}

static void write_event(struct sink *s, struct mojo *m, enum writer w,
                        const struct event *e)
{
	if (e->key) {
		if (w == AS_TEXT)
			collapsed_metadata(s, e->key, e->value);
		else
			mojo_metadata(m, s, e->key, e->value);
		return;
	}
	fill_stack(e->frames);
	struct sample sm = {.pid = 4242,
	                    .tid = e->tid,
	                    .stack = &st,
	                    .gc = e->gc,
	                    .time_us = e->time};
	if (w == AS_TEXT)
		collapsed_sample(NULL, s, LINE_TIME, &sm);
	else
		mojo_sample(m, s, LINE_TIME, &sm);
}

/* The bytes of events[0..n) in one format (malloc'd, NUL-terminated). */
static char *write_recording(enum writer w, const struct event *events,
                             size_t n, size_t *len)
{
	char path[] = "/tmp/austinc-system-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct sink s;
	ck_assert_int_eq(sink_open(&s, path, 0), 0);
	struct mojo *m = mojo_new();
	ck_assert_ptr_nonnull(m);
	if (w == AS_MOJO)
		mojo_header(m, &s);
	for (size_t i = 0; i < n; i++)
		write_event(&s, m, w, &events[i]);
	mojo_free(m);
	ck_assert_int_eq(sink_close(&s), 0);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	char *data = malloc(1 << 20);
	ck_assert_ptr_nonnull(data);
	*len = fread(data, 1, (1 << 20) - 1, f);
	data[*len] = '\0';
	fclose(f);
	unlink(path);
	return data;
}

/* Read bytes of either format; the reader's result, its message in err. */
static int read_as(struct profile *p, enum writer w, const char *data,
                   size_t len, char *err, size_t err_len)
{
	profile_init(p);
	err[0] = '\0';
	return w == AS_TEXT ? read_text(p, data, len, NULL, err, err_len)
	                    : read_mojo(p, (const uint8_t *)data, len, NULL,
	                                err, err_len);
}

static void read_script(struct profile *p, enum writer w)
{
	size_t len;
	char *data = write_recording(w, SCRIPT, SCRIPT_LEN, &len);
	char err[256];
	ck_assert_msg(read_as(p, w, data, len, err, sizeof err) == 0, "%s",
	              err);
	free(data);
}

/* --- the model's series ------------------------------------------------- */

static const struct profile_series *series_named(const struct profile *p,
                                                 const char *name, int64_t pid)
{
	for (uint32_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s = profile_series_at(p, i);
		if (s->pid == pid && strcmp(profile_str(p, s->name), name) == 0)
			return s;
	}
	return NULL;
}

/* The series has exactly these points. */
static void assert_points(const struct profile *p, const char *name,
                          int64_t pid, size_t n, const uint64_t *t,
                          const double *value)
{
	const struct profile_series *s = series_named(p, name, pid);
	ck_assert_msg(s != NULL, "no series %s of pid %lld", name,
	              (long long)pid);
	ck_assert_uint_eq(s->points.n, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(profile_points(s)[i].t_us, t[i]);
		ck_assert_double_eq(profile_points(s)[i].value, value[i]);
	}
}

static void assert_script_model(const struct profile *p)
{
	ck_assert_uint_eq(p->period_us, 100000);
	ck_assert_str_eq(profile_meta(p, "system-period"), "100000us");
	ck_assert_ptr_null(profile_meta(p, "system"));
	ck_assert_uint_eq(p->meta.n, 4); /* austinc, mode, period, duration */
	/* 7 machine names, 5 of the process, 2 new machine names */
	ck_assert_uint_eq(p->series.n, 14);
	assert_points(p, "cpu.user", 0, 2, (uint64_t[]){100000, 200000},
	              (double[]){12.5, 50});
	assert_points(p, "cpu.user", 4242, 1, (uint64_t[]){100000},
	              (double[]){97.5});
	assert_points(p, "rss", 4242, 1, (uint64_t[]){100000},
	              (double[]){104857600});
	assert_points(p, "io.write", 4242, 1, (uint64_t[]){100000},
	              (double[]){2097152});
	assert_points(p, "load.1", 0, 1, (uint64_t[]){100000},
	              (double[]){0.25});
	assert_points(p, "gpu.temp", 0, 1, (uint64_t[]){200000},
	              (double[]){71.5});
	assert_points(p, "cpu.iowait", 0, 1, (uint64_t[]){200000},
	              (double[]){-0.5});
	assert_points(p, "swap.in", 0, 1, (uint64_t[]){100000}, (double[]){0});
	ck_assert_ptr_null(series_named(p, "cpu.system", 4242));
	ck_assert_uint_eq(p->samples.n, 4);
	for (size_t i = 0; i < p->samples.n; i++)
		ck_assert_uint_eq(profile_sample_at(p, i)->at_us,
		                  SCRIPT_AT_US[i]);
}

START_TEST(text_records_become_series)
{
	struct profile p;
	read_script(&p, AS_TEXT);
	assert_script_model(&p);
	profile_free(&p);
}
END_TEST

START_TEST(mojo_records_become_series)
{
	struct profile p;
	read_script(&p, AS_MOJO);
	assert_script_model(&p);
	profile_free(&p);
}
END_TEST

/* --- one model from both formats ------------------------------------------ */

static void assert_same_tables(const struct profile *a, const struct profile *b)
{
	ck_assert_int_eq(a->mode, b->mode);
	ck_assert_uint_eq(a->strings.n, b->strings.n);
	for (uint32_t i = 0; i < a->strings.n; i++)
		ck_assert_str_eq(profile_str(a, i), profile_str(b, i));
	ck_assert_uint_eq(a->meta.n, b->meta.n);
	for (size_t i = 0; i < a->meta.n; i++) {
		const struct profile_meta *x =
		        (const struct profile_meta *)a->meta.items + i;
		const struct profile_meta *y =
		        (const struct profile_meta *)b->meta.items + i;
		ck_assert_str_eq(x->key, y->key);
		ck_assert_str_eq(x->value, y->value);
	}
	ck_assert_uint_eq(a->frames.n, b->frames.n);
	ck_assert(memcmp(a->frames.items, b->frames.items,
	                 a->frames.n * sizeof(struct profile_frame)) == 0);
	ck_assert_uint_eq(a->threads.n, b->threads.n);
	ck_assert(memcmp(a->threads.items, b->threads.items,
	                 a->threads.n * sizeof(struct profile_thread)) == 0);
	ck_assert_uint_eq(a->stacks.n, b->stacks.n);
	ck_assert_uint_eq(a->frame_ids.n, b->frame_ids.n);
	ck_assert(memcmp(a->stacks.items, b->stacks.items,
	                 a->stacks.n * sizeof(struct profile_stack)) == 0);
	ck_assert(memcmp(a->frame_ids.items, b->frame_ids.items,
	                 a->frame_ids.n * sizeof(uint32_t)) == 0);
}

static void assert_same_series(const struct profile *a, const struct profile *b)
{
	ck_assert_uint_eq(a->period_us, b->period_us);
	ck_assert_uint_eq(a->series.n, b->series.n);
	for (uint32_t i = 0; i < a->series.n; i++) {
		const struct profile_series *x = profile_series_at(a, i);
		const struct profile_series *y = profile_series_at(b, i);
		ck_assert_uint_eq(x->name, y->name);
		ck_assert_int_eq(x->pid, y->pid);
		ck_assert_uint_eq(x->points.n, y->points.n);
		ck_assert(memcmp(x->points.items, y->points.items,
		                 x->points.n * sizeof(struct profile_point)) ==
		          0);
	}
}

START_TEST(text_and_mojo_give_one_model)
{
	struct profile text, mojo;
	read_script(&text, AS_TEXT);
	read_script(&mojo, AS_MOJO);
	assert_same_tables(&text, &mojo);
	assert_same_series(&text, &mojo);
	ck_assert_uint_eq(text.samples.n, mojo.samples.n);
	for (size_t i = 0; i < text.samples.n; i++) {
		const struct profile_sample *x = profile_sample_at(&text, i);
		const struct profile_sample *y = profile_sample_at(&mojo, i);
		ck_assert_uint_eq(x->stack, y->stack);
		ck_assert_uint_eq(x->time, y->time);
		ck_assert_uint_eq(x->at_us, y->at_us);
	}
	profile_free(&text);
	profile_free(&mojo);
}
END_TEST

/* Without records: no series, no period, every at_us 0. */
START_TEST(no_records_no_series)
{
	static const struct event plain[] = {
	        {.key = "mode", .value = "wall"},
	        {.tid = 1, .frames = {MODULE}, .time = 5},
	        {.tid = 1, .frames = {MODULE, MAIN}, .time = 6},
	};
	for (enum writer w = AS_TEXT; w <= AS_MOJO; w++) {
		size_t len;
		char *data = write_recording(w, plain, 3, &len);
		struct profile p;
		char err[256];
		ck_assert_msg(read_as(&p, w, data, len, err, sizeof err) == 0,
		              "%s", err);
		ck_assert_uint_eq(p.series.n, 0);
		ck_assert_uint_eq(p.period_us, 0);
		for (size_t i = 0; i < p.samples.n; i++)
			ck_assert_uint_eq(profile_sample_at(&p, i)->at_us, 0);
		profile_free(&p);
		free(data);
	}
}
END_TEST

/* Hundreds of series (a many-core machine), over several periods: each
 * field finds its own series again. */
START_TEST(many_series_keep_their_points)
{
	enum { CORES = 300, PERIODS = 4 };
	static char records[PERIODS][CORES * 24 + 64];
	struct event events[PERIODS];
	for (int k = 0; k < PERIODS; k++) {
		char *out = records[k];
		out += sprintf(out, "machine");
		for (int c = 0; c < CORES; c++)
			out += sprintf(out, " cpu%d.user=%d.%d%%", c, c, k);
		sprintf(out, " t=%dus", (k + 1) * 1000);
		events[k] =
		        (struct event){.key = "system", .value = records[k]};
	}
	for (enum writer w = AS_TEXT; w <= AS_MOJO; w++) {
		size_t len;
		char *data = write_recording(w, events, PERIODS, &len);
		struct profile p;
		char err[256];
		ck_assert_msg(read_as(&p, w, data, len, err, sizeof err) == 0,
		              "%s", err);
		ck_assert_uint_eq(p.series.n, CORES);
		for (int c = 0; c < CORES; c++) {
			char name[32];
			sprintf(name, "cpu%d.user", c);
			const struct profile_series *s =
			        series_named(&p, name, 0);
			ck_assert_ptr_nonnull(s);
			ck_assert_uint_eq(s->points.n, PERIODS);
			for (int k = 0; k < PERIODS; k++) {
				const struct profile_point *pt =
				        &profile_points(s)[k];
				ck_assert_uint_eq(pt->t_us, (k + 1) * 1000);
				ck_assert_double_eq_tol(pt->value, c + k / 10.0,
				                        1e-9);
			}
		}
		profile_free(&p);
		free(data);
	}
}
END_TEST

/* --- malformed records --------------------------------------------------- */

struct bad_record {
	const char *value;
	const char *message; /* a part of the error */
	size_t offset;       /* where in the value the error is */
};

static const struct bad_record BAD[] = {
        {"", "scope '' is not machine or process:<pid>", 0},
        {"host cpu=1 t=0us", "scope 'host'", 0},
        {"process:0 t=0us", "scope 'process:0'", 0},
        {"process:-3 t=0us", "scope 'process:-3'", 0},
        {"process:12x t=0us", "scope 'process:12x'", 0},
        {"machine", "does not end in t=<microseconds>us", 7},
        {"machine cpu.user=1%", "does not end in t=", 8},
        {"machine cpu.user=1% t=5", "does not end in t=", 20},
        {"machine cpu.user=1% t=-5us", "does not end in t=", 20},
        {"machine cpu.user=1% t=1.5us", "does not end in t=", 20},
        {"machine cpu.user=1% t=5us ", "does not end in t=", 26},
        {"machine  cpu.user=1% t=5us", "an empty field", 8},
        {"machine t=1us cpu.user=1% t=5us", "t must be the last field", 8},
        {"machine cpu.user 1% t=5us", "'cpu.user' is not <name>=", 8},
        {"machine CPU=1% t=5us", "'CPU=1%' is not <name>=", 8},
        {"machine =1% t=5us", "'=1%' is not <name>=", 8},
        {"machine 9cpu=1% t=5us", "'9cpu=1%' is not <name>=", 8},
        {"machine cpu.user=% t=5us", "'cpu.user=%' has no decimal number", 8},
        {"machine cpu.user=.5% t=5us", "has no decimal number", 8},
        {"machine cpu.user=--1 t=5us", "has no decimal number", 8},
        {"machine a=1 cpu.user=1e5% t=5us",
         "the unit of 'cpu.user=1e5%' is not %, B, B/s, /s or none", 12},
        {"machine cpu.user=1.% t=5us", "the unit of 'cpu.user=1.%'", 8},
        {"machine cpu.user=1%% t=5us", "the unit of", 8},
        {"machine mem.used=1KB t=5us", "the unit of", 8},
        {"machine cpu.user=1 % t=5us", "'%' is not <name>=", 19},
        {"machine x=12345678901234567890123456789012345678901 t=5us",
         "(of at most 40 characters)", 8},
        {"machine "
         "a12345678901234567890123456789012345678901234567890123456789012345"
         "=1 t=5us",
         "is not <name>=", 8},
};

#define BAD_COUNT (sizeof BAD / sizeof *BAD)

/* Where the value of the recording's last METADATA event starts. */
static size_t last_value_at(const char *data, size_t len)
{
	/* The value and its NUL end the stream. */
	size_t at = len - 1;
	while (at > 0 && data[at - 1] != '\0')
		at--;
	return at;
}

/* Text: "line 2: system record: ..."; MOJO: the byte of the field. */
START_TEST(malformed_record_is_named)
{
	const struct bad_record *bad = &BAD[_i];
	const struct event events[] = {{.key = "mode", .value = "wall"},
	                               {.key = "system", .value = bad->value}};
	for (enum writer w = AS_TEXT; w <= AS_MOJO; w++) {
		size_t len;
		char *data = write_recording(w, events, 2, &len);
		struct profile p;
		char err[256], where[64];
		ck_assert_int_eq(read_as(&p, w, data, len, err, sizeof err),
		                 -1);
		if (w == AS_TEXT)
			strcpy(where, "line 2: ");
		else
			sprintf(where, "byte %zu: ",
			        last_value_at(data, len) + bad->offset);
		ck_assert_msg(strncmp(err, where, strlen(where)) == 0,
		              "'%s': got '%s', want it to start '%s'",
		              bad->value, err, where);
		ck_assert_msg(strstr(err, bad->message) != NULL,
		              "'%s': got '%s', want '%s' in it", bad->value,
		              err, bad->message);
		profile_free(&p);
		free(data);
	}
}
END_TEST

START_TEST(time_going_back_is_an_error)
{
	const struct event events[] = {
	        {.key = "system", .value = "machine cpu.user=1% t=5000us"},
	        {.key = "system", .value = "process:7 rss=1B t=5000us"},
	        {.key = "system", .value = "machine cpu.user=1% t=4999us"},
	};
	for (enum writer w = AS_TEXT; w <= AS_MOJO; w++) {
		size_t len;
		char *data = write_recording(w, events, 3, &len);
		struct profile p;
		char err[256], where[64];
		ck_assert_int_eq(read_as(&p, w, data, len, err, sizeof err),
		                 -1);
		if (w == AS_TEXT)
			strcpy(where, "line 3: ");
		else
			sprintf(where,
			        "byte %zu: ", last_value_at(data, len) + 20);
		ck_assert_msg(strncmp(err, where, strlen(where)) == 0,
		              "got '%s', want '%s'", err, where);
		ck_assert_ptr_nonnull(
		        strstr(err, "t=4999us is before the previous record's "
		                    "t=5000us"));
		profile_free(&p);
		free(data);
	}
}
END_TEST

static const char *const BAD_PERIODS[] = {"0us",   "100",   "us",     "-5us",
                                          "1.5us", "100ms", "100 us", ""};

START_TEST(malformed_period_is_named)
{
	const struct event events[] = {
	        {.key = "mode", .value = "wall"},
	        {.key = "system-period", .value = BAD_PERIODS[_i]}};
	for (enum writer w = AS_TEXT; w <= AS_MOJO; w++) {
		size_t len;
		char *data = write_recording(w, events, 2, &len);
		struct profile p;
		char err[256], where[64];
		ck_assert_int_eq(read_as(&p, w, data, len, err, sizeof err),
		                 -1);
		if (w == AS_TEXT)
			strcpy(where, "line 2: ");
		else
			sprintf(where, "byte %zu: ", last_value_at(data, len));
		ck_assert_msg(strncmp(err, where, strlen(where)) == 0,
		              "got '%s', want '%s'", err, where);
		ck_assert_ptr_nonnull(
		        strstr(err, "is not <microseconds>us (more than 0)"));
		profile_free(&p);
		free(data);
	}
}
END_TEST

/* Records the grammar allows at its edges. */
START_TEST(edge_records_are_read)
{
	const struct event events[] = {
	        {.key = "system", .value = "machine t=0us"},
	        {.tid = 1, .frames = {MODULE}, .time = 5},
	        {.key = "system",
	         .value = "process:99 x_y.z=0 big=18446744073709551616 "
	                  "rate=1.25B/s t=7us"},
	        {.tid = 1, .frames = {MODULE}, .time = 5},
	};
	for (enum writer w = AS_TEXT; w <= AS_MOJO; w++) {
		size_t len;
		char *data = write_recording(w, events, 4, &len);
		struct profile p;
		char err[256];
		ck_assert_msg(read_as(&p, w, data, len, err, sizeof err) == 0,
		              "%s", err);
		ck_assert_uint_eq(p.series.n, 3);
		assert_points(&p, "x_y.z", 99, 1, (uint64_t[]){7},
		              (double[]){0});
		assert_points(&p, "big", 99, 1, (uint64_t[]){7},
		              (double[]){18446744073709551616.0});
		assert_points(&p, "rate", 99, 1, (uint64_t[]){7},
		              (double[]){1.25});
		ck_assert_uint_eq(profile_sample_at(&p, 0)->at_us, 0);
		ck_assert_uint_eq(profile_sample_at(&p, 1)->at_us, 7);
		ck_assert_uint_eq(p.period_us, 0);
		profile_free(&p);
		free(data);
	}
}
END_TEST

/* A record inside a MOJO sample ends it: one without its metric yet is
 * an incomplete sample. */
START_TEST(mojo_record_inside_a_sample)
{
	static const uint8_t stream[] = {
	        'M', 'O', 'J', MOJO_VERSION,  MOJO_STACK, 1,
	        0,   '1', 0,   MOJO_METADATA, 's',        'y',
	        's', 't', 'e', 'm',           0,          'm',
	        'a', 'c', 'h', 'i',           'n',        'e',
	        ' ', 't', '=', '0',           'u',        's',
	        0};
	struct profile p;
	char err[256];
	ck_assert_int_eq(read_as(&p, AS_MOJO, (const char *)stream,
	                         sizeof stream, err, sizeof err),
	                 -1);
	ck_assert_str_eq(err, "byte 9: the sample at byte 4 has no metric");
	profile_free(&p);
}
END_TEST

Suite *system_read_suite(void)
{
	Suite *s = suite_create("system_read");
	TCase *good = tcase_create("records");
	tcase_add_test(good, text_records_become_series);
	tcase_add_test(good, mojo_records_become_series);
	tcase_add_test(good, text_and_mojo_give_one_model);
	tcase_add_test(good, no_records_no_series);
	tcase_add_test(good, many_series_keep_their_points);
	tcase_add_test(good, edge_records_are_read);
	suite_add_tcase(s, good);
	TCase *bad = tcase_create("malformed");
	tcase_add_loop_test(bad, malformed_record_is_named, 0, BAD_COUNT);
	tcase_add_test(bad, time_going_back_is_an_error);
	tcase_add_loop_test(bad, malformed_period_is_named, 0,
	                    sizeof BAD_PERIODS / sizeof *BAD_PERIODS);
	tcase_add_test(bad, mojo_record_inside_a_sample);
	suite_add_tcase(s, bad);
	return s;
}
