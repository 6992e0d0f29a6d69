/* Reading recordings into the profile model.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Every reader takes untrusted bytes: anything malformed gives -1 and one
 * line in err that names where it went wrong ("line 12: ...", "byte 4031:
 * ..."), never a crash. */
#ifndef AUSTINC_REPORT_READ_H
#define AUSTINC_REPORT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "report/profile.h"

/* Read a whole recording from path ("-" or NULL: standard input): text or
 * MOJO, each plain or gzipped, told apart by their first bytes. */
int report_read(struct profile *p, const char *path, char *err, size_t err_len);

/* The same for bytes already in memory (after gunzip), told apart by the
 * MOJO magic "MOJ". */
int report_read_bytes(struct profile *p, const uint8_t *data, size_t len,
                      char *err, size_t err_len);

/* The collapsed text format austinc writes (any mode). */
int read_text(struct profile *p, const char *data, size_t len, char *err,
              size_t err_len);

/* The same, a piece at a time: pieces may cut lines anywhere. Each call
 * returns 0, or -1 with the reason in err (given to text_reader_new, and
 * kept until text_reader_free). NULL when out of memory. */
struct text_reader;
struct text_reader *text_reader_new(struct profile *p, char *err,
                                    size_t err_len);
int text_reader_feed(struct text_reader *r, const char *data, size_t len);
/* The end of the text: its last line, then what needs all of it (the
 * metadata, and the mode when no line gave it). */
int text_reader_end(struct text_reader *r);
void text_reader_free(struct text_reader *r);

/* Austin's MOJO binary format, version 3. */
int read_mojo(struct profile *p, const uint8_t *data, size_t len, char *err,
              size_t err_len);

#endif
