/* The recorder (recorder.h): the formats behind one table, the header and
 * the footer.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "recorder.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "emit/collapsed.h"
#include "emit/mojo.h"

/* What a format does; a new kind of output is one more table. */
struct recorder_format {
	int (*begin)(struct recorder *r); /* 0 or ENOMEM */
	void (*metadata)(struct recorder *r, const char *key,
	                 const char *value);
	void (*sample)(struct recorder *r, const struct sample *sm);
	void (*end)(struct recorder *r);
};

static int text_begin(struct recorder *r)
{
	return (r->writer = collapsed_new()) ? 0 : ENOMEM;
}

static void text_metadata(struct recorder *r, const char *key,
                          const char *value)
{
	collapsed_metadata(&r->sink, key, value);
}

static void text_sample(struct recorder *r, const struct sample *sm)
{
	collapsed_sample(r->writer, &r->sink, r->metric, sm);
}

static void text_end(struct recorder *r)
{
	collapsed_free(r->writer);
}

/* --folded writes stacks and counts only: no metadata. */
static void folded_metadata(struct recorder *r, const char *key,
                            const char *value)
{
	(void)r, (void)key, (void)value;
}

/* The one count of a --folded line; 0 leaves the line out. */
static uint64_t folded_count(enum folded_metric folded, const struct sample *sm)
{
	switch (folded) {
	case FOLDED_GROWTH:
		return sm->rss_delta > 0 ? (uint64_t)sm->rss_delta : 0;
	case FOLDED_RELEASE:
		return sm->rss_delta < 0 ? -(uint64_t)sm->rss_delta : 0;
	default:
		return sm->time_us;
	}
}

static void folded_sample(struct recorder *r, const struct sample *sm)
{
	uint64_t count = folded_count(r->folded, sm);
	if (count)
		collapsed_folded(r->writer, &r->sink, count, sm);
}

static int mojo_begin(struct recorder *r)
{
	if (!(r->writer = mojo_new()))
		return ENOMEM;
	mojo_header(r->writer, &r->sink);
	return 0;
}

static void mojo_record_metadata(struct recorder *r, const char *key,
                                 const char *value)
{
	mojo_metadata(r->writer, &r->sink, key, value);
}

static void mojo_record_sample(struct recorder *r, const struct sample *sm)
{
	mojo_sample(r->writer, &r->sink, r->metric, sm);
}

static void mojo_end(struct recorder *r)
{
	mojo_free(r->writer);
}

static const struct recorder_format text_format = {text_begin, text_metadata,
                                                   text_sample, text_end};
static const struct recorder_format folded_format = {
        text_begin, folded_metadata, folded_sample, text_end};
static const struct recorder_format mojo_format = {
        mojo_begin, mojo_record_metadata, mojo_record_sample, mojo_end};

int recorder_open(struct recorder *r, const struct recorder_config *config)
{
	r->format = config->binary                  ? &mojo_format
	            : config->folded != FOLDED_NONE ? &folded_format
	                                            : &text_format;
	r->writer = NULL;
	r->metric = config->metric;
	r->folded = config->folded;
	int error = sink_open(&r->sink, config->path, config->gzip);
	if (!error && config->sync_us)
		r->sink.sync_us = config->sync_us;
	if (!error && (error = r->format->begin(r)) != 0)
		sink_close(&r->sink);
	if (error)
		r->format = NULL;
	return error;
}

void recorder_metadata(struct recorder *r, const char *key, const char *value)
{
	r->format->metadata(r, key, value);
	sink_mark(&r->sink);
}

void recorder_sample(struct recorder *r, const struct sample *sm)
{
	r->format->sample(r, sm);
	sink_mark(&r->sink);
}

/* A number with its unit, as metadata values carry them. */
static void put_micros(struct recorder *r, const char *key, uint64_t us)
{
	char value[32];
	snprintf(value, sizeof value, "%lluus", (unsigned long long)us);
	recorder_metadata(r, key, value);
}

/* "started: 2026-12-05T16:15:00.123456Z": the wall clock (UTC) when the
 * recording began, which orders the recordings of one run. */
static void put_started(struct recorder *r, uint64_t started_us)
{
	char value[48], date[32];
	time_t seconds = (time_t)(started_us / 1000000);
	struct tm tm;
	if (!gmtime_r(&seconds, &tm) ||
	    !strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	snprintf(value, sizeof value, "%s.%06uZ", date,
	         (unsigned)(started_us % 1000000));
	recorder_metadata(r, "started", value);
}

void recorder_header(struct recorder *r, const struct recording_facts *f)
{
	recorder_metadata(r, "austinc", PACKAGE_VERSION);
	put_started(r, f->started_us);
	put_micros(r, "interval", f->interval_us);
	recorder_metadata(r, "mode", f->mode);
	recorder_metadata(r, "python", f->python);
	if (f->command)
		recorder_metadata(r, "command", f->command);
	if (f->system_us)
		put_micros(r, "system-period", f->system_us);
	sink_flush(&r->sink);
}

/* "N of M <what> (P.PP%)" */
static void format_share(char *out, size_t len, uint64_t part, uint64_t whole,
                         uint64_t basis_points, const char *what)
{
	snprintf(out, len, "%llu of %llu %s (%llu.%02llu%%)",
	         (unsigned long long)part, (unsigned long long)whole, what,
	         (unsigned long long)(basis_points / 100),
	         (unsigned long long)(basis_points % 100));
}

/* The statistics of the modes in use. */
static void write_mode_footer(struct recorder *r, const struct stats *st,
                              unsigned parts)
{
	char value[160];
	if (parts & FOOTER_MEMORY) {
		snprintf(value, sizeof value, "%lldB allocated, %lldB released",
		         (long long)st->allocated, (long long)st->released);
		recorder_metadata(r, "memory", value);
		snprintf(value, sizeof value,
		         "%lldB at start, %lldB peak, %lldB at end",
		         (long long)st->rss_start, (long long)st->rss_peak,
		         (long long)st->rss_end);
		recorder_metadata(r, "rss", value);
	}
	if (parts & FOOTER_IDLE) {
		format_share(value, sizeof value, st->idle_samples,
		             st->thread_samples, stats_idle_basis_points(st),
		             "thread samples");
		recorder_metadata(r, "idle", value);
	}
	if (parts & FOOTER_GC) {
		format_share(value, sizeof value, st->gc_samples, st->samples,
		             stats_gc_basis_points(st), "samples");
		recorder_metadata(r, "gc", value);
	}
}

static void write_footer(struct recorder *r, const struct stats *st,
                         unsigned parts)
{
	char value[160];
	put_micros(r, "duration", st->end_us - st->start_us);
	snprintf(value, sizeof value,
	         "%llu (errors: %llu, saturated: %llu, stacks: %llu, "
	         "stack errors: %llu)",
	         (unsigned long long)st->samples,
	         (unsigned long long)st->errors,
	         (unsigned long long)st->saturated,
	         (unsigned long long)st->thread_samples,
	         (unsigned long long)st->stack_errors);
	recorder_metadata(r, "samples", value);
	snprintf(
	        value, sizeof value,
	        "%lluns min, %lluns avg, %lluns max, %lluns median, %lluns cpu",
	        (unsigned long long)(st->samples ? st->cost_min_ns : 0),
	        (unsigned long long)stats_cost_avg_ns(st),
	        (unsigned long long)st->cost_max_ns,
	        (unsigned long long)stats_cost_median_ns(st),
	        (unsigned long long)stats_cpu_per_sample_ns(st));
	recorder_metadata(r, "sampling", value);
	write_mode_footer(r, st, parts);
}

int recorder_end(struct recorder *r, const struct stats *st, unsigned parts)
{
	if (recorder_failed(r) && sink_recover(&r->sink) == 0)
		recorder_metadata(r, "output", "cut short by a failed write");
	write_footer(r, st, parts);
	int error = sink_close(&r->sink);
	r->format->end(r);
	r->format = NULL;
	return error;
}

void recorder_abandon(struct recorder *r)
{
	sink_close(&r->sink);
	r->format->end(r);
	r->format = NULL;
}
