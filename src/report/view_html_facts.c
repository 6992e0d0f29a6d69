/* The parts of the HTML report's JSON document that are not its samples:
 * JSON strings and numbers, the --system series, the header's summary,
 * the metadata and the marks of a followed service (see view_html.c).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/view_html.h"
#include "utf8.h"

/* A --system series keeps at most this many points (means of runs). */
#define MAX_POINTS 2000

/* --- JSON ------------------------------------------------------------ */

/* A JSON string that may sit in a <script> element: besides what JSON
 * needs, '<', '>' and '&' are \u escapes; bytes that are not UTF-8 become
 * U+FFFD. */
void html_put_string(FILE *out, const char *s)
{
	size_t len = strlen(s);
	putc('"', out);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : utf8_sequence(s + i, len - i);
		if (n == 0) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(out, "\\u%04x", c);
		else
			fwrite(s + i, 1, n, out);
		i += n;
	}
	putc('"', out);
}

/* A number as short as it reads: integers without a fraction, others
 * with 6 significant digits; null for what JSON cannot hold. */
void html_put_number(FILE *out, double v)
{
	/* (No libm: the comparisons below stand for fabs and floor.) */
	if (!isfinite(v))
		fputs("null", out);
	else if (v > -9007199254740992.0 && v < 9007199254740992.0 && /* 2^53 */
	         v == (double)(int64_t)v)
		fprintf(out, "%" PRId64, (int64_t)v);
	else
		fprintf(out, "%.6g", v);
}

void html_put_optional(FILE *out, const char *key, int known, double v)
{
	fprintf(out, ",\"%s\":", key);
	if (known)
		html_put_number(out, v);
	else
		fputs("null", out);
}

/* --- --system series -------------------------------------------------- */

static void put_series_one(FILE *out, const struct profile *p,
                           const struct profile_series *s)
{
	const struct profile_point *points = profile_points(s);
	size_t n = s->points.n;
	size_t merge = n > MAX_POINTS ? (n + MAX_POINTS - 1) / MAX_POINTS : 1;
	fputs("{\"name\":", out);
	html_put_string(out, profile_str(p, s->name));
	fprintf(out, ",\"pid\":%" PRId64 ",\"t\":[", s->pid);
	for (size_t i = 0; i < n; i += merge)
		fprintf(out, "%s%" PRIu64, i ? "," : "", points[i].t_us);
	fputs("],\"v\":[", out);
	for (size_t i = 0; i < n; i += merge) {
		size_t end = i + merge < n ? i + merge : n;
		double sum = 0;
		for (size_t k = i; k < end; k++)
			sum += points[k].value;
		if (i)
			putc(',', out);
		html_put_number(out, sum / (double)(end - i));
	}
	fputs("]}", out);
}

/* The page draws the machine's CPU as a whole: the figures of each CPU
 * ("cpu0.user"...) stay out, or a big machine's would fill the file. */
static int per_cpu(const char *name)
{
	return strncmp(name, "cpu", 3) == 0 && name[3] >= '0' && name[3] <= '9';
}

void html_put_series(FILE *out, const struct profile *p)
{
	fputs(",\"series\":[", out);
	int first = 1;
	for (size_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(p, (uint32_t)i);
		if (per_cpu(profile_str(p, s->name)))
			continue;
		if (!first)
			putc(',', out);
		first = 0;
		put_series_one(out, p, s);
	}
	putc(']', out);
}

/* The machine's figure of that name, its last value. */
static int machine_figure(const struct profile *p, const char *name,
                          double *value)
{
	for (size_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(p, (uint32_t)i);
		if (s->pid == 0 && s->points.n &&
		    strcmp(profile_str(p, s->name), name) == 0) {
			*value = profile_points(s)[s->points.n - 1].value;
			return 1;
		}
	}
	return 0;
}

/* A point of one of the "rss" series, for the sweep below. */
struct rss_point {
	uint64_t t_us;
	uint32_t series; /* index among the "rss" series */
	double value;
};

static int by_time(const void *a, const void *b)
{
	const struct rss_point *x = a, *y = b;
	return (x->t_us > y->t_us) - (x->t_us < y->t_us);
}

/* The highest RSS of the target's processes together, from their "rss"
 * series (the children's too, with -C): a sweep over all their points in
 * time order keeps each process's latest value and their sum. 1 if found,
 * 0 if not, -1 when out of memory. */
static int peak_rss_of_series(const struct profile *p, double *peak)
{
	size_t n = 0, rss_series = 0;
	for (size_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(p, (uint32_t)i);
		if (s->pid != 0 && strcmp(profile_str(p, s->name), "rss") == 0)
			n += s->points.n, rss_series++;
	}
	if (n == 0)
		return 0;
	struct rss_point *points = malloc(n * sizeof *points);
	double *latest = calloc(rss_series, sizeof *latest);
	if (!points || !latest) {
		free(points);
		free(latest);
		return -1;
	}
	n = 0, rss_series = 0;
	for (size_t i = 0; i < p->series.n; i++) {
		const struct profile_series *s =
		        profile_series_at(p, (uint32_t)i);
		if (s->pid == 0 || strcmp(profile_str(p, s->name), "rss") != 0)
			continue;
		for (size_t k = 0; k < s->points.n; k++)
			points[n++] = (struct rss_point){
			        profile_points(s)[k].t_us, (uint32_t)rss_series,
			        profile_points(s)[k].value};
		rss_series++;
	}
	qsort(points, n, sizeof *points, by_time);
	double sum = 0;
	*peak = 0;
	for (size_t i = 0; i < n; i++) {
		sum += points[i].value - latest[points[i].series];
		latest[points[i].series] = points[i].value;
		/* The processes' figures of one time are one total. */
		if ((i + 1 == n || points[i + 1].t_us != points[i].t_us) &&
		    sum > *peak)
			*peak = sum;
	}
	free(points);
	free(latest);
	return 1;
}

/* --- the header's figures ---------------------------------------------- */

/* The number s starts with; 0 when it does not start with a digit. */
static int leading_number(const char *s, double *out)
{
	if (!s || *s < '0' || *s > '9')
		return 0;
	*out = strtod(s, NULL);
	return 1;
}

/* The duration: "4986945us" (austinc), or a bare number of
 * microseconds (Austin). */
static int meta_duration(const struct profile *p, double *us)
{
	const char *value = profile_meta(p, "duration");
	if (!leading_number(value, us))
		return 0;
	const char *unit = value + strspn(value, "0123456789.");
	if (strncmp(unit, "ms", 2) == 0)
		*us *= 1e3;
	else if (strncmp(unit, "ns", 2) == 0)
		*us /= 1e3;
	else if (*unit == 's')
		*us *= 1e6;
	return 1;
}

/* The number that comes right before mark in a metadata value ("23166976"
 * in "6893568B at start, 23166976B peak" for "B peak"), or after it
 * ("4" in "27680 (errors: 4, ..." for "errors: "). */
static int number_near(const struct profile *p, const char *key,
                       const char *mark, int before, double *out)
{
	const char *value = profile_meta(p, key);
	const char *at = value ? strstr(value, mark) : NULL;
	if (!at)
		return 0;
	if (!before)
		return leading_number(at + strlen(mark), out);
	const char *start = at;
	while (start > value && start[-1] >= '0' && start[-1] <= '9')
		start--;
	return start < at && leading_number(start, out);
}

static size_t count_processes(const struct profile *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->threads.n; i++) {
		int64_t pid = profile_thread_at(p, (uint32_t)i)->pid;
		size_t j = 0;
		while (j < i && profile_thread_at(p, (uint32_t)j)->pid != pid)
			j++;
		n += j == i;
	}
	return n;
}

static void put_text_or_null(FILE *out, const char *key, const char *text)
{
	fprintf(out, ",\"%s\":", key);
	if (text)
		html_put_string(out, text);
	else
		fputs("null", out);
}

/* "summary": what the header shows, null where the recording does not
 * say; 0, or -1 when out of memory. */
int html_put_summary(FILE *out, const struct profile *p)
{
	static const char *const MODES[] = {"wall", "cpu", "memory", "full"};
	fputs(",\"summary\":{\"mode\":", out);
	html_put_string(out, MODES[p->mode]);
	put_text_or_null(out, "command", profile_meta(p, "command"));
	put_text_or_null(out, "python", profile_meta(p, "python"));
	/* (Each figure is found before it is written: the order in which a
	 * call's arguments are evaluated is not defined.) */
	double v = 0;
	int known = meta_duration(p, &v);
	html_put_optional(out, "duration_us", known, v);
	if (!leading_number(profile_meta(p, "samples"), &v))
		v = (double)p->samples.n;
	html_put_optional(out, "samples", 1, v);
	known = number_near(p, "samples", "errors: ", 0, &v);
	html_put_optional(out, "errors", known, v);
	known = peak_rss_of_series(p, &v);
	if (known < 0)
		return -1;
	if (!known)
		known = number_near(p, "rss", "B peak", 1, &v);
	html_put_optional(out, "peak_rss", known, v);
	known = machine_figure(p, "cores", &v);
	html_put_optional(out, "cores", known, v);
	known = machine_figure(p, "mem.total", &v);
	html_put_optional(out, "mem_total", known, v);
	fprintf(out, ",\"threads\":%zu,\"processes\":%zu}", p->threads.n,
	        count_processes(p));
	return 0;
}

void html_put_meta(FILE *out, const struct profile *p)
{
	fputs(",\"meta\":[", out);
	const struct profile_meta *m = p->meta.items;
	for (size_t i = 0; i < p->meta.n; i++) {
		fputs(i ? ",[" : "[", out);
		html_put_string(out, m[i].key);
		putc(',', out);
		html_put_string(out, m[i].value);
		putc(']', out);
	}
	putc(']', out);
}

/* --- a followed service's marks ---------------------------------------- */

void html_put_marks(FILE *out, const struct profile *p)
{
	/* A recording without marks reads as it did before they came. */
	if (!p->marks.n)
		return;
	fputs(",\"marks\":[", out);
	for (size_t i = 0; i < p->marks.n; i++) {
		const struct profile_mark *m = profile_mark_at(p, i);
		int attach = m->kind == MARK_ATTACH;
		fprintf(out,
		        "%s{\"t\":%" PRIu64 ",\"kind\":\"%s\",\"pid\":%" PRId64
		        ",\"python\":",
		        i ? "," : "", m->t_us, attach ? "attach" : "exit",
		        m->pid);
		if (attach)
			html_put_string(out, profile_str(p, m->python));
		else
			fputs("null", out);
		putc('}', out);
	}
	putc(']', out);
}
