/* austinc: a frame stack sampler for CPython.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdio.h>

#include "options.h"
#include "privilege.h"
#include "push.h"
#include "session.h"
#include "signals.h"
#include "snapshot.h"

int main(int argc, char **argv)
{
	struct options opts;
	if (privilege_init() != 0)
		return EXIT_INTERNAL;
	switch (options_parse(argc, argv, &opts, stdout, stderr)) {
	case OPTIONS_DONE:
		return EXIT_OK;
	case OPTIONS_ERROR:
		return EXIT_USAGE;
	case OPTIONS_RUN:
		break;
	}
	if (opts.where_pid)
		return snapshot_run(&opts);
	char why[512];
	if (opts.push_url && !opts.output &&
	    push_private_output(&opts, why, sizeof why) != 0) {
		fprintf(stderr, "austinc: %s\n", why);
		return EXIT_OUTPUT;
	}
	static struct signal_flags signals;
	signals.hangup_reopens = opts.output != NULL;
	signals_install(&signals);
	int code = session_run(&opts, &signals);
	push_private_output_remove(&opts);
	return code;
}
