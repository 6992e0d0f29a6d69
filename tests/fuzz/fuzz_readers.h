/* The recording readers as a fuzz target.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_TESTS_FUZZ_READERS_H
#define AUSTINC_TESTS_FUZZ_READERS_H

#include <stddef.h>
#include <stdint.h>

/* Read data as a recording and check the model it gives, the strict read
 * of it, and its cuts; aborts if any is inconsistent. The reader's result
 * (salvaging a cut): 0, or -1 for a rejected input (which is not a
 * failure). */
int fuzz_readers_run(const uint8_t *data, size_t size);

/* libFuzzer's entry point: fuzz_readers_run, result ignored. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
