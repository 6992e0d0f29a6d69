/* Helpers that more than one unit-test suite needs: a recording model as
 * text, and a whole file in memory.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_TESTS_MODEL_TEXT_H
#define AUSTINC_TESTS_MODEL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "report/profile.h"

/* The model as text (malloc'd), ids aside: with_meta, "mode N" and each
 * "key=value"; then one line per sample, in order: pid/iid/tid, the
 * frames' labels, time, idle, memory and at_us. */
char *model_text(const struct profile *p, int with_meta);

/* The whole of a file (malloc'd); its length in *len. Fails the test when
 * the file cannot be read. */
uint8_t *slurp(const char *name, size_t *len);

#endif
