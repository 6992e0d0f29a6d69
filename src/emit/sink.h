/* Where output goes: stdout or a file, through our own buffer.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A write error (disk full, closed pipe) is remembered: later writes are
 * dropped and the session asks sink_failed() after every sample to stop
 * cleanly. A gzip sink compresses through zlib as its buffer fills, and
 * sink_close() ends the stream, so a run that stops for any reason it can
 * handle leaves a complete .gz file.
 *
 * What a kill can lose is bounded: sink_tick() writes everything out at
 * least every SINK_SYNC_US (a gzip stream flushed to a point a reader can
 * decode up to), never on every tick. And a full disk leaves a clean file:
 * the writers sink_mark() where each record (a line, a MOJO sample) ends,
 * and when a write to a file of ours fails, sink_recover() cuts the file
 * back to the last whole record on disk (for gzip, the last sync point,
 * where the stream is then ended), so that the footer can be tried. */
#ifndef AUSTINC_EMIT_SINK_H
#define AUSTINC_EMIT_SINK_H

#include <stddef.h>

#include <stdint.h>

#define SINK_BUFFER_SIZE (64 * 1024)
/* The most time between two writes of what is buffered. */
#define SINK_SYNC_US 100000u
/* gzip sync points remembered, to end a cut file at (a power of two). */
#define SINK_SYNCS 16
/* Record ends remembered, to cut a file back to (a power of two): enough
 * to reach back past a buffer that failed to be written. */
#define SINK_MARKS 4096

/* Where a gzip stream was last flushed to a decodable point: its length
 * in the file, and the CRC-32 and length of what it holds, which end it
 * there. */
struct sink_sync_point {
	uint64_t written;
	uint32_t crc, size;
};

struct sink {
	int fd;
	int owns_fd;
	int can_cut; /* a regular file of ours: sink_recover() may cut it */
	void *gzip;  /* zlib's z_stream when compressing, else NULL */
	int error;   /* errno of the first failed write, 0 if none */
	int lost;    /* errno of a failure recovered from, 0 if none */
	size_t used;
	uint64_t written;       /* bytes in the file (compressed with gzip) */
	uint64_t buffered_from; /* where the buffer starts in the stream */
	uint64_t sync_us;       /* time between syncs; 0: when full only */
	uint64_t last_sync_us;
	uint64_t durable;   /* a record end known written (not gzip) */
	uint64_t recovered; /* the file's length once recovered */
	uint32_t n_syncs;
	struct sink_sync_point syncs[SINK_SYNCS]; /* gzip's last ones */
	uint32_t n_marks;
	uint64_t marks[SINK_MARKS]; /* where the last records end */
	char buffer[SINK_BUFFER_SIZE];
	char compressed[SINK_BUFFER_SIZE]; /* deflate's output (gzip only) */
};

/* Open path for writing (truncating it), or stdout when path is NULL;
 * with gzip the bytes written are compressed. Returns 0 or an errno, as
 * sink_close() does. */
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
/* After a failed write to a file of ours: cut it back to the last whole
 * record it holds (with gzip, end the stream at the last sync point and
 * start a new one), and clear the error so that a footer may follow. 0,
 * or -1 when the sink cannot recover (stdout, a pipe, a device). The
 * first error is still what sink_close() returns. */
int sink_recover(struct sink *s);

/* A record ends here: the file may be cut back to this point. */
static inline void sink_mark(struct sink *s)
{
	if (!s->error) /* after a failure, where the file ends is not known */
		s->marks[s->n_marks++ & (SINK_MARKS - 1)] =
		        s->buffered_from + s->used;
}

/* Once per tick, between records: sync when SINK_SYNC_US have passed. */
static inline void sink_tick(struct sink *s, uint64_t now_us)
{
	if (s->sync_us && now_us - s->last_sync_us >= s->sync_us) {
		s->last_sync_us = now_us;
		sink_sync(s);
	}
}

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
/* Flush and close, ending a gzip stream; a write that fails here cuts the
 * file back as sink_recover() does. Returns 0 or the errno of the first
 * failure. */
int sink_close(struct sink *s);

static inline int sink_failed(const struct sink *s)
{
	return s->error != 0;
}

#endif
