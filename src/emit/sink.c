/* Buffered output with sticky errors.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "emit/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* deflateInit2's window bits for a gzip wrapper: 15 bits of window + 16. */
#define GZIP_WINDOW_BITS (15 + 16)
#define GZIP_MEM_LEVEL   8

static int start_gzip(struct sink *s)
{
	z_stream *z = calloc(1, sizeof *z);
	if (!z ||
	    deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, GZIP_WINDOW_BITS,
	                 GZIP_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		errno = ENOMEM;
		return -1;
	}
	s->gzip = z;
	return 0;
}

int sink_open(struct sink *s, const char *path, int gzip)
{
	s->error = 0;
	s->used = 0;
	s->gzip = NULL;
	if (!path) {
		s->fd = STDOUT_FILENO;
		s->owns_fd = 0;
	} else {
		s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		             0644);
		s->owns_fd = 1;
		if (s->fd < 0)
			return -1;
	}
	return gzip ? start_gzip(s) : 0;
}

static void write_all(struct sink *s, const char *data, size_t len)
{
	size_t done = 0;
	while (!s->error && done < len) {
		ssize_t n = write(s->fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			s->error = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
}

/* Compress the buffer; mode is Z_NO_FLUSH, Z_SYNC_FLUSH or Z_FINISH. */
static void deflate_buffer(struct sink *s, int mode)
{
	z_stream *z = s->gzip;
	z->next_in = (Bytef *)s->buffer;
	z->avail_in = (uInt)s->used;
	int rc;
	do {
		z->next_out = (Bytef *)s->compressed;
		z->avail_out = sizeof s->compressed;
		rc = deflate(z, mode);
		write_all(s, s->compressed,
		          sizeof s->compressed - z->avail_out);
	} while (!s->error && rc == Z_OK &&
	         (z->avail_in > 0 || z->avail_out == 0 || mode == Z_FINISH));
	if (rc == Z_STREAM_ERROR && !s->error)
		s->error = EIO;
}

void sink_flush(struct sink *s)
{
	if (s->gzip && !s->error)
		deflate_buffer(s, Z_NO_FLUSH);
	else
		write_all(s, s->buffer, s->used);
	s->used = 0;
}

void sink_sync(struct sink *s)
{
	if (s->gzip && !s->error)
		deflate_buffer(s, Z_SYNC_FLUSH);
	else
		write_all(s, s->buffer, s->used);
	s->used = 0;
}

/* The most copied at once. Above about 2 KiB glibc's memcpy turns to
 * `rep movsb`, which callgrind counts as one instruction per byte: a 12 KB
 * line copied from a writer's memo would count 12,000 where 1 KiB pieces,
 * copied 32 bytes a time, count under 1,000, for the same real cost. */
#define COPY_PIECE 1024

void sink_write(struct sink *s, const char *data, size_t len)
{
	while (len > 0 && !s->error) {
		if (s->used == SINK_BUFFER_SIZE)
			sink_flush(s);
		size_t room = SINK_BUFFER_SIZE - s->used;
		size_t n = len < room ? len : room;
		if (n > COPY_PIECE)
			n = COPY_PIECE;
		memcpy(s->buffer + s->used, data, n);
		s->used += n;
		data += n;
		len -= n;
	}
}

void sink_puts(struct sink *s, const char *text)
{
	sink_write(s, text, strlen(text));
}

void sink_putc_slow(struct sink *s, char c)
{
	if (s->used == SINK_BUFFER_SIZE)
		sink_flush(s);
	if (!s->error)
		s->buffer[s->used++] = c;
}

/* Line numbers are mostly short: count four digits at a time, then the
 * rest by comparison. */
static size_t count_digits(unsigned long long value)
{
	size_t len = 1;
	for (; value >= 10000; value /= 10000)
		len += 4;
	return len + (value >= 10) + (value >= 100) + (value >= 1000);
}

/* "00" to "99". */
static const char digit_pairs[] = "00010203040506070809"
                                  "10111213141516171819"
                                  "20212223242526272829"
                                  "30313233343536373839"
                                  "40414243444546474849"
                                  "50515253545556575859"
                                  "60616263646566676869"
                                  "70717273747576777879"
                                  "80818283848586878889"
                                  "90919293949596979899";

/* Count the digits, then write them in place from the last, two at a
 * time: a deep stack has hundreds of line numbers per sample, and a copy
 * from a scratch buffer (a call to memcpy for a few bytes) cost as much as
 * the rest. */
size_t format_uint(char *out, unsigned long long value)
{
	size_t len = count_digits(value);
	char *at = out + len;
	for (; value >= 100; value /= 100) {
		const char *pair = digit_pairs + 2 * (value % 100);
		*--at = pair[1];
		*--at = pair[0];
	}
	if (value >= 10) {
		*--at = digit_pairs[2 * value + 1];
		*--at = digit_pairs[2 * value];
	} else {
		*--at = (char)('0' + value);
	}
	return len;
}

size_t format_int(char *out, long long value)
{
	if (value >= 0)
		return format_uint(out, (unsigned long long)value);
	out[0] = '-';
	return 1 + format_uint(out + 1, 0ull - (unsigned long long)value);
}

void sink_put_uint(struct sink *s, unsigned long long value)
{
	char *out = sink_reserve(s, 20);
	if (out)
		sink_commit(s, format_uint(out, value));
}

char *sink_reserve_slow(struct sink *s, size_t n)
{
	if (SINK_BUFFER_SIZE - s->used < n)
		sink_flush(s);
	return s->error ? NULL : s->buffer + s->used;
}

void sink_put_int(struct sink *s, long long value)
{
	char *out = sink_reserve(s, 21);
	if (out)
		sink_commit(s, format_int(out, value));
}

int sink_close(struct sink *s)
{
	if (s->gzip) {
		if (!s->error)
			deflate_buffer(s, Z_FINISH);
		deflateEnd(s->gzip);
		free(s->gzip);
		s->gzip = NULL;
		s->used = 0;
	}
	sink_flush(s);
	if (s->owns_fd && close(s->fd) != 0 && !s->error)
		s->error = errno;
	s->fd = -1;
	return s->error;
}
