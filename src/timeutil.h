/* Monotonic time in microseconds.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_TIMEUTIL_H
#define AUSTINC_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep until the monotonic clock reads deadline_us; returns early on a
 * signal, which the caller notices through its flags. */
static inline void sleep_until_us(uint64_t deadline_us)
{
	struct timespec ts = {.tv_sec = (time_t)(deadline_us / 1000000u),
	                      .tv_nsec = (long)(deadline_us % 1000000u) * 1000};
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static inline void sleep_us(uint64_t us)
{
	sleep_until_us(now_us() + us);
}

#endif
