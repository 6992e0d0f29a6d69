/* The unit-test suites, one per module.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_TESTS_SUITES_H
#define AUSTINC_TESTS_SUITES_H

#include <check.h>

Suite *options_suite(void);
Suite *linetable_suite(void);
Suite *layout_suite(void);
Suite *collapsed_suite(void);
Suite *cache_suite(void);
Suite *elf_suite(void);
Suite *frames_suite(void);
Suite *procfs_suite(void);
Suite *tasks_suite(void);
Suite *where_suite(void);
Suite *views_suite(void);
Suite *graphics_suite(void);
Suite *mojo_suite(void);
Suite *read_suite(void);
Suite *read_cut_suite(void);
Suite *threads_suite(void);
Suite *html_suite(void);
Suite *system_suite(void);
Suite *system_read_suite(void);
Suite *diff_suite(void);
Suite *cmdline_suite(void);
Suite *scan_suite(void);
Suite *prefetch_suite(void);
Suite *memo_suite(void);
Suite *privilege_suite(void);
Suite *sink_suite(void);
Suite *log_suite(void);
Suite *session_suite(void);
Suite *idindex_suite(void);
Suite *hash_suite(void);
Suite *protobuf_suite(void);
Suite *growable_suite(void);
Suite *utf8_suite(void);
Suite *decimal_suite(void);
Suite *events_suite(void);
Suite *read_many_suite(void);
Suite *notify_suite(void);
Suite *finder_suite(void);
Suite *rotation_suite(void);

#endif
