/* Sampling statistics: per-sample cost, saturation and error rate.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_STATS_H
#define AUSTINC_STATS_H

#include <stdint.h>
#include <stdio.h>

/* Per-sample costs are also counted in 250 ns buckets up to 256 us (the
 * last bucket takes the rest), for a median that a few preempted samples
 * cannot drag the way they drag the mean. */
#define STATS_BUCKET_NS 250
#define STATS_BUCKETS   1024

struct stats {
	uint64_t start_us, end_us;
	uint64_t samples;        /* ticks that sampled the process */
	uint64_t thread_samples; /* stacks written */
	uint64_t errors;       /* samples with an unreadable frame or thread */
	uint64_t stack_errors; /* stacks written with an unreadable frame */
	uint64_t saturated;    /* samples that took longer than the interval */
	uint64_t cost_min_ns, cost_max_ns, cost_sum_ns;
	uint64_t cpu_ns;       /* austinc's own CPU time while sampling */
	uint64_t gc_samples;   /* samples taken while a collector ran */
	uint64_t idle_samples; /* stacks of threads that were not running */
	/* Memory (-m, -f): RSS changes over every process sampled, and the
	 * RSS of the first one (the command or -p PID) at the start, at its
	 * peak and as last charged; -1 when never read. */
	int64_t allocated, released;
	int64_t rss_start, rss_peak, rss_end;
	uint32_t cost_buckets[STATS_BUCKETS];
};

void stats_init(struct stats *s, uint64_t start_us);
void stats_add_sample(struct stats *s, uint64_t cost_ns, uint64_t interval_ns,
                      int had_error);
/* Add the statistics of one recording of a run (part) to the run's: its
 * figures summed, its RSS start kept if the total has none, its end
 * taken. */
void stats_merge(struct stats *total, const struct stats *part);
uint64_t stats_cost_avg_ns(const struct stats *s);
/* The median per-sample cost, to the bucket's width. */
uint64_t stats_cost_median_ns(const struct stats *s);
/* austinc's CPU time per sample (cpu_ns is filled in by the caller). */
uint64_t stats_cpu_per_sample_ns(const struct stats *s);
/* Errors per ten thousand samples, for printing as a percentage with two
 * decimals without floating point surprises. */
uint64_t stats_error_basis_points(const struct stats *s);
/* Stacks with an unreadable frame per ten thousand stacks written: the
 * rate Austin gives, where a tick with one bad thread of seven counts a
 * seventh. */
uint64_t stats_stack_error_basis_points(const struct stats *s);
uint64_t stats_saturation_basis_points(const struct stats *s);
uint64_t stats_gc_basis_points(const struct stats *s);
/* Idle stacks per ten thousand stacks sampled (written or dropped). */
uint64_t stats_idle_basis_points(const struct stats *s);

/* Account an RSS change of a process (every one sampled). */
void stats_add_rss_delta(struct stats *s, int64_t delta);
/* The first process's RSS as read (its first reading is the start, and
 * the greatest the peak)... */
void stats_add_root_rss(struct stats *s, int64_t rss);
/* ... and the RSS up to which its changes have been written: the end, so
 * that the changes written add up to end - start. */
void stats_root_rss_charged(struct stats *s, int64_t rss);

/* The one-line summary austinc prints at the end: duration, ticks and
 * their rate, what a tick cost, saturation and errors; then the RSS figures
 * with memory, the idle share with idle, the collections' with gc. */
void stats_print_summary(const struct stats *st, FILE *out, int memory,
                         int idle, int gc);

#endif
