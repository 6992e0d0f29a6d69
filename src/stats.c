/* Sampling statistics.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "stats.h"

#include <stdio.h>
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

void stats_merge(struct stats *total, const struct stats *part)
{
	if (part->start_us < total->start_us)
		total->start_us = part->start_us;
	if (part->end_us > total->end_us)
		total->end_us = part->end_us;
	total->samples += part->samples;
	total->thread_samples += part->thread_samples;
	total->errors += part->errors;
	total->stack_errors += part->stack_errors;
	total->saturated += part->saturated;
	total->cost_sum_ns += part->cost_sum_ns;
	if (part->cost_min_ns < total->cost_min_ns)
		total->cost_min_ns = part->cost_min_ns;
	if (part->cost_max_ns > total->cost_max_ns)
		total->cost_max_ns = part->cost_max_ns;
	total->cpu_ns += part->cpu_ns;
	total->gc_samples += part->gc_samples;
	total->idle_samples += part->idle_samples;
	total->allocated += part->allocated;
	total->released += part->released;
	if (total->rss_start < 0)
		total->rss_start = part->rss_start;
	if (part->rss_peak > total->rss_peak)
		total->rss_peak = part->rss_peak;
	if (part->rss_end >= 0)
		total->rss_end = part->rss_end;
	for (size_t i = 0; i < STATS_BUCKETS; i++)
		total->cost_buckets[i] += part->cost_buckets[i];
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

uint64_t stats_stack_error_basis_points(const struct stats *s)
{
	return basis_points(s->stack_errors, s->thread_samples);
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

static void print_percent(FILE *out, const char *what, uint64_t basis_points)
{
	fprintf(out, "; %s %llu.%02llu%%", what,
	        (unsigned long long)(basis_points / 100),
	        (unsigned long long)(basis_points % 100));
}

/* The end of the summary line: what the modes in use measured. */
static void print_mode_summary(const struct stats *st, FILE *out, int memory,
                               int idle, int gc)
{
	const double mib = 1024.0 * 1024.0;
	if (memory)
		fprintf(out, "; rss peak %.1f MiB, +%.1f/-%.1f MiB",
		        (double)st->rss_peak / mib, (double)st->allocated / mib,
		        (double)st->released / mib);
	if (idle)
		print_percent(out, "idle", stats_idle_basis_points(st));
	if (gc)
		print_percent(out, "gc", stats_gc_basis_points(st));
}

void stats_print_summary(const struct stats *st, FILE *out, int memory,
                         int idle, int gc)
{
	double seconds = (double)(st->end_us - st->start_us) / 1e6;
	uint64_t err = stats_error_basis_points(st);
	uint64_t sat = stats_saturation_basis_points(st);
	fprintf(out,
	        "austinc: %.2f s, %llu samples (%.0f/s); sample cost "
	        "min/avg/max %.1f/%.1f/%.1f us, median %.1f us, cpu %.1f us; "
	        "saturation %llu.%02llu%%; errors %llu (%llu.%02llu%%)",
	        seconds, (unsigned long long)st->samples,
	        seconds > 0 ? (double)st->samples / seconds : 0.0,
	        st->samples ? (double)st->cost_min_ns / 1e3 : 0.0,
	        (double)stats_cost_avg_ns(st) / 1e3,
	        (double)st->cost_max_ns / 1e3,
	        (double)stats_cost_median_ns(st) / 1e3,
	        (double)stats_cpu_per_sample_ns(st) / 1e3,
	        (unsigned long long)(sat / 100),
	        (unsigned long long)(sat % 100), (unsigned long long)st->errors,
	        (unsigned long long)(err / 100),
	        (unsigned long long)(err % 100));
	uint64_t stack_err = stats_stack_error_basis_points(st);
	fprintf(out, ", %llu of %llu stacks (%llu.%02llu%%)",
	        (unsigned long long)st->stack_errors,
	        (unsigned long long)st->thread_samples,
	        (unsigned long long)(stack_err / 100),
	        (unsigned long long)(stack_err % 100));
	print_mode_summary(st, out, memory, idle, gc);
	fputc('\n', out);
}
