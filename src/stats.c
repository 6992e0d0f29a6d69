/* Sampling statistics.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "stats.h"

#include <string.h>

void stats_init(struct stats *s, uint64_t start_us)
{
	memset(s, 0, sizeof *s);
	s->start_us = s->end_us = start_us;
	s->cost_min_ns = UINT64_MAX;
	s->rss_start = s->rss_peak = s->rss_end = -1;
}

void stats_add_sample(struct stats *s, uint64_t cost_ns, uint64_t interval_ns,
                      int had_error)
{
	s->samples++;
	s->cost_sum_ns += cost_ns;
	if (cost_ns < s->cost_min_ns)
		s->cost_min_ns = cost_ns;
	if (cost_ns > s->cost_max_ns)
		s->cost_max_ns = cost_ns;
	if (cost_ns > interval_ns)
		s->saturated++;
	uint64_t bucket = cost_ns / STATS_BUCKET_NS;
	s->cost_buckets[bucket < STATS_BUCKETS ? bucket : STATS_BUCKETS - 1]++;
	if (had_error)
		s->errors++;
}

uint64_t stats_cost_avg_ns(const struct stats *s)
{
	return s->samples ? s->cost_sum_ns / s->samples : 0;
}

uint64_t stats_cost_median_ns(const struct stats *s)
{
	uint64_t seen = 0;
	for (size_t i = 0; i < STATS_BUCKETS; i++) {
		seen += s->cost_buckets[i];
		if (seen * 2 >= s->samples && seen > 0)
			return i * STATS_BUCKET_NS + STATS_BUCKET_NS / 2;
	}
	return 0;
}

uint64_t stats_cpu_per_sample_ns(const struct stats *s)
{
	return s->samples ? s->cpu_ns / s->samples : 0;
}

static uint64_t basis_points(uint64_t part, uint64_t whole)
{
	return whole ? (part * 10000 + whole / 2) / whole : 0;
}

uint64_t stats_error_basis_points(const struct stats *s)
{
	return basis_points(s->errors, s->samples);
}

uint64_t stats_saturation_basis_points(const struct stats *s)
{
	return basis_points(s->saturated, s->samples);
}

uint64_t stats_gc_basis_points(const struct stats *s)
{
	return basis_points(s->gc_samples, s->samples);
}

uint64_t stats_idle_basis_points(const struct stats *s)
{
	return basis_points(s->idle_samples, s->thread_samples);
}

void stats_add_rss_delta(struct stats *s, int64_t delta)
{
	if (delta > 0)
		s->allocated += delta;
	else
		s->released -= delta;
}

void stats_add_root_rss(struct stats *s, int64_t rss)
{
	if (rss < 0)
		return;
	if (s->rss_start < 0)
		s->rss_start = rss;
	if (rss > s->rss_peak)
		s->rss_peak = rss;
}

void stats_root_rss_charged(struct stats *s, int64_t rss)
{
	if (rss >= 0)
		s->rss_end = rss;
}
