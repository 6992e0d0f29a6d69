/* --push: each period's recording sent to a continuous-profiling server
 * (Grafana Pyroscope's POST /ingest) as a pprof profile.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The sampler hands over each recording --rotate completes (its file
 * name and the period it covers); a thread of its own reads it back,
 * encodes it as pprof (austinc-report's --pprof) and posts it with
 * libcurl, so a push never holds up a tick. The queue is bounded: when it
 * is full the oldest period waiting is dropped and counted. A failed push
 * is tried again after 1, 2, 4... up to 30 seconds, the periods after it
 * waiting in order. */
#ifndef AUSTINC_PUSH_H
#define AUSTINC_PUSH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "options.h"

#define PUSH_QUEUE       8  /* periods waiting at most */
#define PUSH_BACKOFF_MAX 30 /* seconds between tries at most */
#define PUSH_DRAIN_S     10 /* at the end, how long the last are tried */

struct push_counts {
	uint64_t pushed;   /* periods the server took */
	uint64_t dropped;  /* left out: the queue was full */
	uint64_t unsent;   /* still failing when austinc ended, or unreadable */
	uint64_t failures; /* tries that failed (each retried) */
};

struct pusher;

/* Check what --push needs now (the credentials file, the build) and start
 * the pushing thread; NULL with why set. */
struct pusher *pusher_start(const struct options *o, char *why, size_t len);

/* The recording at path, complete, covers [from, until) (seconds since
 * the epoch); with remove, the file is deleted once pushed or given up. */
void pusher_add(struct pusher *p, const char *path, time_t from, time_t until,
                int remove);

/* No more periods: try the waiting ones for up to PUSH_DRAIN_S seconds,
 * stop the thread and free p; what happened, in *counts. */
void pusher_finish(struct pusher *p, struct push_counts *counts);

/* --push without -o: the recordings go to a private directory of their
 * own, deleted at the end. Sets o->output to its pattern; 0, or -1 with
 * why set. */
int push_private_output(struct options *o, char *why, size_t len);
void push_private_output_remove(const struct options *o);

#endif
