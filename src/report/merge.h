/* One profile from several: the recordings of one run (a followed
 * service's periods, each a complete recording) read as if one.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Each recording has tables of its own (strings, frames, threads,
 * stacks): merging interns src's in dst and appends its samples, --system
 * points and marks with their times moved by offset_us, which is when src
 * began counted from when dst's first recording began. dst keeps its own
 * metadata; keys only src has are added. */
#ifndef AUSTINC_REPORT_MERGE_H
#define AUSTINC_REPORT_MERGE_H

#include <stdint.h>

#include "report/profile.h"

/* What keeps src from joining dst: the metadata key they disagree on
 * ("mode", "interval" or "system-period"), or NULL when they agree. A
 * key only one of them has is no disagreement. */
const char *merge_conflict(const struct profile *dst,
                           const struct profile *src);

/* Append src to dst, offset_us later; 0, or -1 when out of memory (dst
 * may then hold part of src). */
int merge_profile(struct profile *dst, const struct profile *src,
                  uint64_t offset_us);

#endif
