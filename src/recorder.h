/* The recorder owns the output: a sink and a format (collapsed text, plain
 * folded stacks, MOJO), and what every recording holds besides samples —
 * its header and footer metadata. Ending one recording and beginning the
 * next is recorder_end() and recorder_open(): rotation and dumps on demand
 * build on that.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_RECORDER_H
#define AUSTINC_RECORDER_H

#include <stdint.h>

#include "emit/sink.h"
#include "options.h"
#include "sample.h"
#include "stats.h"

struct recorder_config {
	const char *path; /* NULL: standard output */
	int gzip;
	int binary;                /* MOJO */
	enum folded_metric folded; /* FOLDED_NONE, or text with one count */
	enum metric_kind metric;
	uint64_t sync_us; /* 0: the sink's own cadence */
};

/* What a recording's header says of it. */
struct recording_facts {
	uint64_t interval_us;
	const char *mode;    /* wall, cpu, memory, full */
	const char *python;  /* the first Python sampled */
	const char *command; /* NULL when it cannot be told */
	uint64_t system_us;  /* --system's period, 0 without */
	uint64_t started_us; /* wall clock at the start, since the epoch */
};

/* Which statistics of the modes in use the footer holds. */
#define FOOTER_MEMORY 1u /* allocated and released, RSS */
#define FOOTER_IDLE   2u /* idle thread samples */
#define FOOTER_GC     4u /* samples during a collection */

struct recorder_format;

struct recorder {
	const struct recorder_format *format;
	void *writer; /* the format's own state */
	enum metric_kind metric;
	enum folded_metric folded;
	struct sink sink;
};

/* Open the output as config says (a MOJO file begins with its header).
 * Returns 0 or an errno (ENOMEM: out of memory). The recorder is open
 * (format set) from a successful open to its end or abandon. */
int recorder_open(struct recorder *r, const struct recorder_config *config);

void recorder_header(struct recorder *r, const struct recording_facts *f);
/* "key: value" metadata; --folded output has none. */
void recorder_metadata(struct recorder *r, const char *key, const char *value);
void recorder_sample(struct recorder *r, const struct sample *sm);

/* Between ticks: what is buffered reaches the file now and then. */
static inline void recorder_tick(struct recorder *r, uint64_t now_us)
{
	sink_tick(&r->sink, now_us);
}

/* Has a write failed? Sampling stops then. */
static inline int recorder_failed(const struct recorder *r)
{
	return sink_failed(&r->sink);
}

/* End the recording: after a failed write, cut the file back to its last
 * whole record and say so; then the footer (duration, samples, cost and
 * the statistics that parts name), and close. Returns 0 or the errno of
 * the first failed write. */
int recorder_end(struct recorder *r, const struct stats *st, unsigned parts);

/* Close a recording that never began (no runtime was found): no footer. */
void recorder_abandon(struct recorder *r);

#endif
