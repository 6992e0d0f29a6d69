/* The --system records of a recording, parsed for both readers.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Both formats carry them as metadata with the same text value (the key
 * "system" in a "# system: ..." line or a METADATA event):
 *
 *     <scope> <name>=<number><unit> ... t=<microseconds>us
 *
 * scope "machine" or "process:<pid>"; a number is decimal, maybe with a
 * fraction and a '-', never an exponent; units %, B, B/s, /s or none;
 * fields one space apart, t always last. Names not known today are kept
 * all the same. */
#ifndef AUSTINC_REPORT_READ_SYSTEM_H
#define AUSTINC_REPORT_READ_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "idindex.h"
#include "report/profile.h"

/* What reading the records of one recording keeps from one to the next. */
struct system_reader {
	uint64_t t_us; /* the latest record's t: the next samples' at_us */
	int seen;      /* a record was read (t_us is meaningful) */
	struct idindex series; /* series ids by (name, pid) */
	size_t count;          /* of series in it */
};

/* One record's figures appended to p's series, and r->t_us set. 0, or -1
 * with the reason in err (without a position: the caller names the line
 * or byte) and in *offset where in value it went wrong. */
int system_read_record(struct profile *p, struct system_reader *r,
                       const char *value, size_t len, size_t *offset, char *err,
                       size_t err_len);
/* A "system-period" value, "<N>us" with N > 0, into p->period_us; 0, or -1
 * with the reason in err. */
int system_read_period(struct profile *p, const char *value, size_t len,
                       char *err, size_t err_len);
void system_reader_free(struct system_reader *r);

#endif
