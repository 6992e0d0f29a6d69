/* Writing Protocol Buffers messages.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "report/protobuf.h"

#include <stdlib.h>
#include <string.h>

#include "growable.h"

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

void pb_free(struct pb *b)
{
	free(b->data);
	*b = (struct pb){0};
}

static uint8_t *room(struct pb *b, size_t n)
{
	if (b->failed || n > SIZE_MAX - b->n ||
	    grow_array((void **)&b->data, &b->capacity, b->n + n, 1)) {
		b->failed = 1;
		return NULL;
	}
	return b->data + b->n;
}

static void put_varint(struct pb *b, uint64_t v)
{
	uint8_t *out = room(b, 10);
	if (!out)
		return;
	size_t n = 0;
	for (; v >= 0x80; v >>= 7)
		out[n++] = (uint8_t)(v | 0x80);
	out[n++] = (uint8_t)v;
	b->n += n;
}

static void put_key(struct pb *b, uint32_t field, unsigned wire)
{
	put_varint(b, (uint64_t)field << 3 | wire);
}

void pb_uint(struct pb *b, uint32_t field, uint64_t value)
{
	put_key(b, field, WIRE_VARINT);
	put_varint(b, value);
}

void pb_bytes(struct pb *b, uint32_t field, const void *data, size_t len)
{
	put_key(b, field, WIRE_LEN);
	put_varint(b, len);
	uint8_t *out = room(b, len);
	if (out && len) {
		memcpy(out, data, len);
		b->n += len;
	}
}

void pb_packed(struct pb *b, struct pb *scratch, uint32_t field,
               const uint64_t *values, size_t n)
{
	if (n == 0)
		return;
	pb_clear(scratch);
	for (size_t i = 0; i < n; i++)
		put_varint(scratch, values[i]);
	pb_message(b, field, scratch);
}
