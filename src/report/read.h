/* Reading recordings into the profile model.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Every reader takes untrusted bytes: anything malformed gives -1 and one
 * line in err that names where it went wrong ("line 12: ...", "byte 4031:
 * ..."), never a crash.
 *
 * Recordings cut short. A recording whose writer was stopped mid-write
 * (killed, or its disk full) ends inside a line, a gzip stream or a MOJO
 * event. Every reader below takes a struct read_cut: given one, a reader
 * keeps all that is complete before the cut, fills it in, and succeeds;
 * given NULL (strict), the cut is an error, with the message it has always
 * had. Only the end of a recording is salvaged so: damage before its end
 * is an error either way.
 *
 * What "complete" means: austinc ends every text line with '\n', so a last
 * line without one was cut, and is left out whatever it holds ("... 123"
 * may have been "... 1234"). A MOJO sample is complete once it has the
 * metrics of the recording's mode (its last events); an event the stream
 * stops inside is left out, with the sample it belongs to. A cut that
 * falls exactly between two lines or two events cannot be told from an end:
 * it is read as one. Either way what the writer did not write is missing,
 * the footer (duration, sample counts) with it: views show only what the
 * model holds. */
#ifndef AUSTINC_REPORT_READ_H
#define AUSTINC_REPORT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "report/profile.h"

/* Where a recording was cut short, filled in by a reader that salvaged it
 * (cut 0: it was not). where reads "line 1971 (no newline at its end)",
 * "byte 40102 (in a sample)", or for gzip "byte 5321 (in the gzip
 * stream)", then ", inflated at " and the cut inside, if any. */
struct read_cut {
	int cut;
	char where[192];
};

/* Read a whole recording from path ("-" or NULL: standard input): text or
 * MOJO, each plain or gzipped, told apart by their first bytes. cut: see
 * above (NULL: strict). */
int report_read(struct profile *p, const char *path, struct read_cut *cut,
                char *err, size_t err_len);

/* The same for bytes already in memory (after gunzip), told apart by the
 * MOJO magic "MOJ". */
int report_read_bytes(struct profile *p, const uint8_t *data, size_t len,
                      struct read_cut *cut, char *err, size_t err_len);

/* The collapsed text format austinc writes (any mode). */
int read_text(struct profile *p, const char *data, size_t len,
              struct read_cut *cut, char *err, size_t err_len);

/* The same, a piece at a time: pieces may cut lines anywhere. Each call
 * returns 0, or -1 with the reason in err (given to text_reader_new, and
 * kept until text_reader_free). NULL when out of memory. */
struct text_reader;
struct text_reader *text_reader_new(struct profile *p, char *err,
                                    size_t err_len);
int text_reader_feed(struct text_reader *r, const char *data, size_t len);
/* The end of the text: its last line (a cut, when it has no newline),
 * then what needs all of it (the metadata, and the mode when no line gave
 * it). */
int text_reader_end(struct text_reader *r, struct read_cut *cut);
void text_reader_free(struct text_reader *r);

/* Austin's MOJO binary format, version 3. */
int read_mojo(struct profile *p, const uint8_t *data, size_t len,
              struct read_cut *cut, char *err, size_t err_len);

#endif
