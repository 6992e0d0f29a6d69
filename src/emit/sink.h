/* Where output goes: stdout or a file, through our own buffer.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A write error (disk full, closed pipe) is remembered: later writes are
 * dropped and the session asks sink_failed() after every sample to stop
 * cleanly. A gzip sink compresses through zlib as its buffer fills, and
 * sink_close() ends the stream, so a run that stops for any reason it can
 * handle leaves a complete .gz file. */
#ifndef AUSTINC_EMIT_SINK_H
#define AUSTINC_EMIT_SINK_H

#include <stddef.h>

#define SINK_BUFFER_SIZE (64 * 1024)

struct sink {
	int fd;
	int owns_fd;
	void *gzip; /* zlib's z_stream when compressing, else NULL */
	int error;  /* errno of the first failed write, 0 if none */
	size_t used;
	char buffer[SINK_BUFFER_SIZE];
	char compressed[SINK_BUFFER_SIZE]; /* deflate's output (gzip only) */
};

/* Open path for writing (truncating it), or stdout when path is NULL;
 * with gzip the bytes written are compressed. Returns 0, or -1 with errno
 * set. */
int sink_open(struct sink *s, const char *path, int gzip);
void sink_write(struct sink *s, const char *data, size_t len);
void sink_puts(struct sink *s, const char *text);
void sink_putc_slow(struct sink *s, char c);
void sink_put_uint(struct sink *s, unsigned long long value);
void sink_put_int(struct sink *s, long long value);
void sink_flush(struct sink *s);
/* Flush, and with gzip also push out what zlib holds, so that a reader
 * at the other end of a pipe can decode everything written so far. */
void sink_sync(struct sink *s);

/* Room for n bytes (n <= SINK_BUFFER_SIZE) straight in the buffer, flushing
 * first if needed; NULL after a write error. Write at most n bytes there,
 * then sink_commit() how many. */
char *sink_reserve_slow(struct sink *s, size_t n);

/* The writers' hot path, inline: room in the buffer and no error. */
static inline char *sink_reserve(struct sink *s, size_t n)
{
	if (SINK_BUFFER_SIZE - s->used >= n && !s->error)
		return s->buffer + s->used;
	return sink_reserve_slow(s, n);
}

static inline void sink_putc(struct sink *s, char c)
{
	if (s->used < SINK_BUFFER_SIZE && !s->error)
		s->buffer[s->used++] = c;
	else
		sink_putc_slow(s, c);
}

static inline void sink_commit(struct sink *s, size_t n)
{
	s->used += n;
}

/* Decimal digits of value into out (room for 20); returns how many. */
size_t format_uint(char *out, unsigned long long value);
/* The same with a '-' before a negative value (room for 21). */
size_t format_int(char *out, long long value);
/* Flush and close; returns 0 or the errno of the first failure. */
int sink_close(struct sink *s);

static inline int sink_failed(const struct sink *s)
{
	return s->error != 0;
}

#endif
