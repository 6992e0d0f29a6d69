/* Writing Protocol Buffers messages (the wire format), for pprof's
 * profile.proto.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A message is built in a growing buffer; a nested message is built in a
 * buffer of its own and then written as a length-delimited field. Out of
 * memory is remembered in the buffer (failed) and every later call does
 * nothing, so a writer checks once at the end. */
#ifndef AUSTINC_REPORT_PROTOBUF_H
#define AUSTINC_REPORT_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>

struct pb {
	uint8_t *data;
	size_t n, capacity;
	int failed; /* out of memory at some point */
};

void pb_free(struct pb *b);

/* Empty b for the next message (its room is kept). */
static inline void pb_clear(struct pb *b)
{
	b->n = 0;
}

/* A varint field (wire type 0): uint64, and int64 as its two's
 * complement, as protobuf encodes int64. */
void pb_uint(struct pb *b, uint32_t field, uint64_t value);
static inline void pb_int(struct pb *b, uint32_t field, int64_t value)
{
	pb_uint(b, field, (uint64_t)value);
}

/* A length-delimited field (wire type 2): bytes, a string or a message. */
void pb_bytes(struct pb *b, uint32_t field, const void *data, size_t len);
static inline void pb_message(struct pb *b, uint32_t field,
                              const struct pb *message)
{
	if (message->failed)
		b->failed = 1;
	pb_bytes(b, field, message->data, message->n);
}

/* A packed repeated varint field; scratch holds the packed values on the
 * way (its content is lost). Nothing when n is 0. */
void pb_packed(struct pb *b, struct pb *scratch, uint32_t field,
               const uint64_t *values, size_t n);

#endif
