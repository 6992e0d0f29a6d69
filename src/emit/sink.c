/* Buffered output with sticky errors.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "emit/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* deflateInit2's window bits for a gzip wrapper: 15 bits of window + 16. */
#define GZIP_WINDOW_BITS (15 + 16)
#define GZIP_MEM_LEVEL   8

/* 0, or ENOMEM. */
static int start_gzip(struct sink *s)
{
	z_stream *z = calloc(1, sizeof *z);
	if (!z ||
	    deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, GZIP_WINDOW_BITS,
	                 GZIP_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return ENOMEM;
	}
	s->gzip = z;
	return 0;
}

int sink_open(struct sink *s, const char *path, int gzip)
{
	/* Everything but the buffers, which are large. */
	memset(s, 0, offsetof(struct sink, buffer));
	s->sync_us = SINK_SYNC_US;
	if (!path) {
		s->fd = STDOUT_FILENO;
	} else {
		s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		             0644);
		s->owns_fd = 1;
		if (s->fd < 0)
			return errno;
		/* Only a file of ours that nobody else writes is cut back
		 * (stdout may be shared with stderr, or appended to). */
		struct stat st;
		s->can_cut = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
	}
	int error = gzip ? start_gzip(s) : 0;
	if (error && s->owns_fd)
		close(s->fd);
	return error;
}

/* Write len bytes to fd, whatever short writes it takes: 0, or an errno
 * (EIO for a write that wrote nothing); *done counts the bytes written. */
static int write_fully(int fd, const char *data, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = write(fd, data + *done, len - *done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		*done += (size_t)n;
	}
	return 0;
}

static void write_all(struct sink *s, const char *data, size_t len)
{
	if (s->error)
		return;
	size_t done;
	s->error = write_fully(s->fd, data, len, &done);
	s->written += done;
}

/* Compress the first n bytes of the buffer; mode is Z_NO_FLUSH,
 * Z_SYNC_FLUSH or Z_FINISH. */
static void deflate_buffer(struct sink *s, size_t n, int mode)
{
	z_stream *z = s->gzip;
	z->next_in = (Bytef *)s->buffer;
	z->avail_in = (uInt)n;
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

/* Has a gzip stream taken bytes since its last sync point? */
static int unsynced(const struct sink *s, size_t n)
{
	const z_stream *z = s->gzip;
	const struct sink_sync_point *last =
	        &s->syncs[(s->n_syncs - 1) & (SINK_SYNCS - 1)];
	return n > 0 || s->n_syncs == 0 || (uint32_t)z->total_in != last->size;
}

/* Write out the first n bytes of the buffer and keep the rest at its
 * start. With Z_SYNC_FLUSH they end a record: the file can be cut back to
 * here (a gzip stream is flushed to a point it can be ended at). */
static void write_out(struct sink *s, size_t n, int mode)
{
	z_stream *z = s->gzip;
	if (z && !s->error && (mode != Z_SYNC_FLUSH || unsynced(s, n)))
		deflate_buffer(s, n, mode);
	else if (!z)
		write_all(s, s->buffer, n);
	memmove(s->buffer, s->buffer + n, s->used - n);
	s->used -= n;
	s->buffered_from += n;
	if (mode != Z_SYNC_FLUSH || s->error)
		return;
	/* For gzip z->adler is the CRC-32 of the input so far. */
	if (z)
		s->syncs[s->n_syncs++ & (SINK_SYNCS - 1)] =
		        (struct sink_sync_point){s->written, (uint32_t)z->adler,
		                                 (uint32_t)z->total_in};
	else
		s->durable = s->written;
}

/* What a full buffer may keep after its last record: the rest of the
 * record being written, as long as the room left takes the largest
 * reservation (4 KiB) with ease. */
#define KEEP_MAX (SINK_BUFFER_SIZE / 4)

/* Where the last record in the buffer ends, when what follows it is no
 * more than KEEP_MAX; else 0. */
static size_t last_record_in_buffer(const struct sink *s)
{
	if (s->n_marks == 0)
		return 0;
	uint64_t last = s->marks[(s->n_marks - 1) & (SINK_MARKS - 1)];
	if (last <= s->buffered_from ||
	    s->used - (last - s->buffered_from) > KEEP_MAX)
		return 0;
	return (size_t)(last - s->buffered_from);
}

/* A full buffer is written out up to its last record end, what follows
 * kept: a file cut by a kill then mostly ends at a whole record, and a
 * gzip stream gets a sync point every buffer, not only every SINK_SYNC_US
 * (100 ms of a busy process can be more than a nearly full disk holds). */
void sink_flush(struct sink *s)
{
	size_t end = last_record_in_buffer(s);
	if (end)
		write_out(s, end, Z_SYNC_FLUSH);
	else
		write_out(s, s->used, Z_NO_FLUSH);
}

void sink_sync(struct sink *s)
{
	write_out(s, s->used, Z_SYNC_FLUSH);
}

/* --- cutting a file back after a failed write --------------------------- */

/* What a recovery frees beyond the partial record, so that the footer
 * fits on a full disk: two blocks of the usual 4 KiB, as a cut frees only
 * the blocks wholly past the new end (some 20 text samples). */
#define SINK_FOOTER_ROOM 8192

static int cut_to(struct sink *s, uint64_t length)
{
	if (ftruncate(s->fd, (off_t)length) != 0 ||
	    lseek(s->fd, (off_t)length, SEEK_SET) < 0)
		return -1;
	s->written = length;
	return 0;
}

/* The end of the last record that ends at most at limit: the newest mark
 * there, else the last sync (SINK_MARKS records ago, or more). */
static uint64_t last_record_end(const struct sink *s, uint64_t limit)
{
	uint32_t kept = s->n_marks < SINK_MARKS ? s->n_marks : SINK_MARKS;
	for (uint32_t i = 1; i <= kept; i++) {
		uint64_t mark = s->marks[(s->n_marks - i) & (SINK_MARKS - 1)];
		if (mark <= limit)
			return mark;
	}
	return s->durable < limit ? s->durable : limit;
}

static void put_le32(unsigned char *out, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(value >> (8 * i));
}

/* The newest sync point that ends at most at limit, else the oldest
 * kept; NULL before the first. */
static const struct sink_sync_point *sync_point(const struct sink *s,
                                                uint64_t limit)
{
	uint32_t kept = s->n_syncs < SINK_SYNCS ? s->n_syncs : SINK_SYNCS;
	const struct sink_sync_point *p = NULL;
	for (uint32_t i = 1; i <= kept; i++) {
		p = &s->syncs[(s->n_syncs - i) & (SINK_SYNCS - 1)];
		if (p->written <= limit)
			break;
	}
	return p;
}

/* End the gzip member at sync point p, which the file was cut back to:
 * after a sync flush the stream is at a byte boundary, where a final
 * stored block of no bytes and the trailer (CRC-32 and length of the data
 * up to the sync) make it whole. */
static int end_member(struct sink *s, const struct sink_sync_point *p)
{
	unsigned char end[13] = {0x01, 0x00, 0x00, 0xff, 0xff};
	put_le32(end + 5, p->crc);
	put_le32(end + 9, p->size);
	size_t done;
	if (write_fully(s->fd, (const char *)end, sizeof end, &done) == 0) {
		s->written += done;
		return 0;
	}
	(void)cut_to(s, p->written); /* an unended stream, then */
	return -1;
}

/* Cut the file back to its last whole record (for gzip, a sync point,
 * where the member is ended), leaving room bytes more free: 0, or -1. */
static int cut_back(struct sink *s, uint64_t room)
{
	uint64_t limit = s->written > room ? s->written - room : 0;
	if (s->lost) /* the footer failed: back to where it began */
		return cut_to(s, s->recovered);
	if (!s->gzip)
		return cut_to(s, last_record_end(s, limit));
	const struct sink_sync_point *p = sync_point(s, limit);
	if (cut_to(s, p ? p->written : 0))
		return -1;
	return p ? end_member(s, p) : 0;
}

int sink_recover(struct sink *s)
{
	if (!s->error || s->lost || !s->can_cut ||
	    cut_back(s, SINK_FOOTER_ROOM))
		return -1;
	s->lost = s->error;
	s->error = 0;
	s->used = 0;
	s->n_marks = 0;
	s->durable = s->recovered = s->buffered_from = s->written;
	if (s->gzip)
		deflateReset(s->gzip); /* the next bytes start a new member */
	return 0;
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
	if (SINK_BUFFER_SIZE - s->used < n)
		write_out(s, s->used, Z_NO_FLUSH);
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
	if (s->gzip && !s->error)
		deflate_buffer(s, s->used, Z_FINISH);
	else if (!s->gzip)
		write_out(s, s->used, Z_NO_FLUSH);
	s->used = 0;
	if (s->error && s->can_cut)
		(void)cut_back(s, 0);
	if (s->gzip) {
		deflateEnd(s->gzip);
		free(s->gzip);
		s->gzip = NULL;
	}
	if (s->owns_fd && close(s->fd) != 0 && !s->error)
		s->error = errno;
	s->fd = -1;
	return s->lost ? s->lost : s->error;
}
