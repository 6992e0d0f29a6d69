/* Sampling statistics: per-sample cost, saturation and error rate.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_STATS_H
#define AUSTINC_STATS_H

#include <stdint.h>

struct stats {
	uint64_t start_us, end_us;
	uint64_t samples;        /* ticks that sampled the process */
	uint64_t thread_samples; /* stacks written */
	uint64_t errors;    /* samples with an unreadable frame or thread */
	uint64_t saturated; /* samples that took longer than the interval */
	uint64_t cost_min_ns, cost_max_ns, cost_sum_ns;
};

void stats_init(struct stats *s, uint64_t start_us);
void stats_add_sample(struct stats *s, uint64_t cost_ns, uint64_t interval_ns,
                      int had_error);
uint64_t stats_cost_avg_ns(const struct stats *s);
/* Errors per ten thousand samples, for printing as a percentage with two
 * decimals without floating point surprises. */
uint64_t stats_error_basis_points(const struct stats *s);
uint64_t stats_saturation_basis_points(const struct stats *s);

#endif
