/* Runs every unit-test suite.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <stdlib.h>

#include "suites.h"

/* Check's timeouts are wall time, 4 s by default: a machine loaded by
 * other work, or a sanitizer's slowdown, stretches a test of milliseconds
 * past it (CI timed out an empty pidfile's). A stuck test is still caught;
 * the caller's settings win. */
static void allow_for_load(void)
{
	setenv("CK_DEFAULT_TIMEOUT", "60", 0);
#if defined(__SANITIZE_ADDRESS__)
	setenv("CK_TIMEOUT_MULTIPLIER", "3", 0);
#endif
}

int main(void)
{
	allow_for_load();
	Suite *(*const suites[])(void) = {
	        options_suite,     linetable_suite, layout_suite,
	        collapsed_suite,   cache_suite,     elf_suite,
	        frames_suite,      procfs_suite,    tasks_suite,
	        where_suite,       views_suite,     graphics_suite,
	        mojo_suite,        read_suite,      system_suite,
	        system_read_suite, diff_suite,      html_suite,
	        threads_suite,     scan_suite,      cmdline_suite,
	        prefetch_suite,    memo_suite,      privilege_suite,
	        sink_suite,        read_cut_suite,  log_suite,
	        session_suite,     idindex_suite,   hash_suite,
	        growable_suite,    utf8_suite,      decimal_suite,
	        events_suite,      read_many_suite, notify_suite,
	        finder_suite,      rotation_suite,  protobuf_suite,
	};
	SRunner *runner = srunner_create(NULL);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(runner, suites[i]());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
