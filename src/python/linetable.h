/* Decoders of CPython's line-number tables: pure functions on bytes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Each takes the table's bytes as copied out of the target, the code object's
 * co_firstlineno and the byte offset of the current instruction into the
 * bytecode (f_lasti in bytes on <= 3.9; code units * 2 on 3.10+). Each returns
 * the line number, or 0 when the table holds no line for that offset or is
 * malformed. They never read outside tab[0, len). */
#ifndef AUSTINC_PYTHON_LINETABLE_H
#define AUSTINC_PYTHON_LINETABLE_H

#include <stddef.h>
#include <stdint.h>

/* co_lnotab, CPython 3.6 to 3.9: signed line increments. */
int linetable_lnotab(const uint8_t *tab, size_t len, int firstlineno, int addr);

/* co_lnotab, CPython 2.7: unsigned line increments. */
int linetable_lnotab27(const uint8_t *tab, size_t len, int firstlineno,
                       int addr);

/* co_linetable, CPython 3.10. */
int linetable_310(const uint8_t *tab, size_t len, int firstlineno, int addr);

/* co_linetable location table, CPython 3.11+. */
int linetable_locations(const uint8_t *tab, size_t len, int firstlineno,
                        int addr);

#endif
