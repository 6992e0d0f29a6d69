/* Command-line options: parsing, units and validation.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_OPTIONS_H
#define AUSTINC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define DEFAULT_INTERVAL_US 100
#define DEFAULT_TIMEOUT_US  3000000 /* wait up to 3 s for a runtime */
#define DEFAULT_SYSTEM_US   100000  /* --system without a period: 100 ms */

/* --folded: the one metric each line carries, for flamegraph.pl. */
enum folded_metric {
	FOLDED_NONE,    /* Austin's format: metadata and the mode's metrics */
	FOLDED_MODE,    /* --folded alone: the mode's own; parsing resolves it
	                   to growth with -m, else time */
	FOLDED_TIME,    /* microseconds (wall, or CPU with -s) */
	FOLDED_GROWTH,  /* bytes the RSS grew by (-m, -f) */
	FOLDED_RELEASE, /* bytes the RSS shrank by (-m, -f) */
};

#define PUSH_LABELS_MAX 16

struct options {
	uint64_t interval_us; /* -i: sampling interval */
	uint64_t timeout_us;  /* -t: how long to wait for a Python runtime */
	uint64_t exposure_us; /* -x: stop after this long; 0 = until exit */
	uint64_t system_us;   /* --system: period of the system records;
	                         0 = none */
	const char *output;   /* -o: NULL means stdout */
	pid_t pid;            /* -p: attach; 0 means launch argv */
	pid_t where_pid;      /* -w: the process to show */
	bool pipe;            /* -P: metadata for a program, no summary */
	bool memory;          /* -m: RSS deltas instead of time */
	bool full;            /* -f: time, idle flag and RSS delta */
	bool sleepless;       /* -s: drop idle samples */
	bool children;        /* -C: also sample Python descendants */
	bool gc;              /* -g: mark samples taken during a collection */
	bool gzip;            /* -z, or -o NAME.gz: compress the output */
	bool binary;          /* -b: MOJO instead of text */
	/* Service mode: the target named by a pidfile or a pattern on
	 * command lines instead of -p, followed across restarts, and the
	 * output begun anew every rotate_us. */
	const char *pidfile; /* --pidfile */
	const char *name;    /* --name: an extended regular expression */
	bool follow;         /* --follow */
	uint64_t rotate_us;  /* --rotate: 0 = one recording */
	unsigned keep;       /* --keep: 0 = every file */
	/* --push: each period's profile to a Pyroscope server. */
	const char *push_url; /* --push: the server */
	const char *push_app; /* --app: the application's name */
	const char *push_labels[PUSH_LABELS_MAX]; /* --push-label KEY=VALUE */
	size_t n_push_labels;
	const char *push_auth;   /* --push-auth: a file of credentials */
	const char *push_tenant; /* --push-tenant: X-Scope-OrgID */
	bool push_private;       /* -o is push.c's own temporary pattern */
	int argc;                /* the command to launch, argv[argc] == NULL */
	char **argv;
	enum folded_metric folded; /* --folded: stacks and one count each */
};

enum options_result {
	OPTIONS_RUN,   /* options valid: run a session */
	OPTIONS_DONE,  /* --help, --usage or --version printed: exit 0 */
	OPTIONS_ERROR, /* a clear message and the usage line went to err */
};

/* Parse argv into *opts. Messages (help, version) go to out, errors and
 * notes to err. Parsing stops at the first non-option argument: it and what
 * follows are the command. Mode options combine as Austin's do: -f makes -m
 * and -s redundant, -m makes -s meaningless; either is noted on err, and
 * *opts then holds the mode that applies (full set alone, or memory alone). */
enum options_result options_parse(int argc, char **argv, struct options *opts,
                                  FILE *out, FILE *err);

#endif
