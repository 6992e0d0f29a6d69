/* Sampling statistics.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "stats.h"

#include <string.h>

void stats_init(struct stats *s, uint64_t start_us)
{
	memset(s, 0, sizeof *s);
	s->start_us = s->end_us = start_us;
	s->cost_min_us = UINT64_MAX;
}

void stats_add_sample(struct stats *s, uint64_t cost_us, uint64_t interval_us,
                      int had_error)
{
	s->samples++;
	s->cost_sum_us += cost_us;
	if (cost_us < s->cost_min_us)
		s->cost_min_us = cost_us;
	if (cost_us > s->cost_max_us)
		s->cost_max_us = cost_us;
	if (cost_us > interval_us)
		s->saturated++;
	if (had_error)
		s->errors++;
}

uint64_t stats_cost_avg_us(const struct stats *s)
{
	return s->samples ? s->cost_sum_us / s->samples : 0;
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
