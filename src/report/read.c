/* Reading a recording: the whole file into memory, inflated when it is
 * gzip, then handed to the reader its first bytes name.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Recordings are read whole: every view needs every sample anyway, and one
 * buffer lets the readers parse in place. */
#include "report/read.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* The most a recording may hold, before and after inflating: far beyond a
 * real one (a million samples take about 150 MB of text), and it keeps a
 * gzip bomb or an endless pipe from taking all the machine's memory. */
#define READ_LIMIT      ((uint64_t)4 << 30)
#define READ_LIMIT_TEXT "4 GiB"

/* The least a buffer grows to: the first allocation when the size is not
 * known in advance (a pipe, a /proc file). */
#define STREAM_START (1u << 20)

/* The pipe buffer asked for when reading a pipe (the default is 64 KiB;
 * 1 MiB is what an unprivileged process may ask for). */
#define PIPE_BUFFER_BYTES (1 << 20)

/* Deflate cannot shrink data more than this (RFC 1951: 258-byte matches
 * in at most 2 bits), so an inflated size above it is a lie. */
#define DEFLATE_MAX_RATIO 1032u

struct buffer {
	uint8_t *data;
	size_t len, capacity;
};

static void set_error(char *err, size_t err_len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t err_len, const char *fmt, ...)
{
	if (!err || err_len == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* Make room for at least one more byte, doubling, within READ_LIMIT (the
 * buffer may hold READ_LIMIT bytes plus the one that shows it overflowed).
 * 0, -1 when out of memory, -2 when over the limit. */
static int buffer_grow(struct buffer *b)
{
	if (b->len < b->capacity)
		return 0;
	if ((uint64_t)b->len > READ_LIMIT)
		return -2;
	uint64_t want = (uint64_t)b->capacity * 2;
	if (want < STREAM_START)
		want = STREAM_START;
	if (want > READ_LIMIT + 1)
		want = READ_LIMIT + 1;
	if (want > SIZE_MAX)
		return -1;
	uint8_t *data = realloc(b->data, (size_t)want);
	if (!data)
		return -1;
	b->data = data;
	b->capacity = (size_t)want;
	return 0;
}

static int buffer_reserve(struct buffer *b, uint64_t capacity)
{
	if (capacity == 0 || capacity > SIZE_MAX)
		return -1;
	b->data = malloc((size_t)capacity);
	b->capacity = b->data ? (size_t)capacity : 0;
	return b->data ? 0 : -1;
}

static int grow_error(int rc, char *err, size_t err_len)
{
	if (rc == -2)
		set_error(err, err_len,
		          "larger than %s, the most austinc-report "
		          "reads",
		          READ_LIMIT_TEXT);
	else
		set_error(err, err_len, "out of memory");
	return -1;
}

/* Read fd to its end. A regular file is read into one allocation of its
 * size; anything else grows as it comes. */
static int read_all(int fd, struct buffer *b, char *err, size_t err_len)
{
	struct stat st;
	int known = fstat(fd, &st) == 0;
	/* A larger pipe buffer means fewer reads and fewer switches to and
	 * from the writer; no harm if the system refuses. */
	if (known && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_BUFFER_BYTES);
	if (known && S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size > READ_LIMIT)
			return grow_error(-2, err, err_len);
		/* One byte more, so the read that finds the end needs no
		 * reallocation. */
		if (buffer_reserve(b, (uint64_t)st.st_size + 1))
			return grow_error(-1, err, err_len);
	}
	for (;;) {
		int rc = buffer_grow(b);
		if (rc)
			return grow_error(rc, err, err_len);
		ssize_t n = read(fd, b->data + b->len, b->capacity - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_error(err, err_len, "%s", strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	if ((uint64_t)b->len > READ_LIMIT)
		return grow_error(-2, err, err_len);
	return 0;
}

static int is_gzip(const uint8_t *data, size_t len)
{
	return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static int all_zero(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data[i])
			return 0;
	return 1;
}

/* A first guess at the inflated size: the trailer's ISIZE (the last
 * member's size modulo 4 GiB) when deflate could have reached it. */
static uint64_t inflated_size_hint(const uint8_t *in, size_t len)
{
	uint64_t most = (uint64_t)len * DEFLATE_MAX_RATIO;
	if (most > READ_LIMIT)
		most = READ_LIMIT;
	uint64_t hint = (uint64_t)len * 4;
	if (len >= 18) {
		const uint8_t *t = in + len - 4;
		uint64_t isize = (uint64_t)t[0] | (uint64_t)t[1] << 8 |
		                 (uint64_t)t[2] << 16 | (uint64_t)t[3] << 24;
		if (isize >= hint && isize <= most)
			hint = isize;
	}
	return (hint < 4096 ? 4096 : hint) + 1;
}

/* One inflate() call on what is left of the input and the output room, in
 * pieces zlib's 32-bit counters can take. */
static int inflate_step(z_stream *z, const uint8_t *in, size_t in_len,
                        size_t *in_pos, struct buffer *out)
{
	size_t in_left = in_len - *in_pos;
	size_t out_left = out->capacity - out->len;
	uInt give_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
	uInt give_out = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
	z->next_in = (Bytef *)(uintptr_t)(in + *in_pos);
	z->avail_in = give_in;
	z->next_out = out->data + out->len;
	z->avail_out = give_out;
	int rc = inflate(z, Z_NO_FLUSH);
	*in_pos += give_in - z->avail_in;
	out->len += give_out - z->avail_out;
	return rc;
}

/* What follows the end of a gzip member: nothing, zero padding (which
 * gzip(1) accepts too), or the next member. 1: done; 0: go on; -1. */
static int after_member(z_stream *z, const uint8_t *in, size_t in_len,
                        size_t in_pos, char *err, size_t err_len)
{
	if (all_zero(in + in_pos, in_len - in_pos))
		return 1;
	if (!is_gzip(in + in_pos, in_len - in_pos)) {
		set_error(err, err_len,
		          "byte %zu: data after the end of the gzip stream",
		          in_pos);
		return -1;
	}
	inflateReset(z);
	return 0;
}

static int inflate_error(const z_stream *z, int rc, size_t in_pos, char *err,
                         size_t err_len)
{
	if (rc == Z_MEM_ERROR)
		set_error(err, err_len, "out of memory");
	else
		set_error(err, err_len, "byte %zu: corrupt gzip stream (%s)",
		          in_pos, z->msg ? z->msg : "bad data");
	return -1;
}

/* Inflate every member of a gzip file (gzip files may be concatenated). */
static int gunzip(const uint8_t *in, size_t in_len, struct buffer *out,
                  char *err, size_t err_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 32: the largest window, and a gzip or zlib header. */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return grow_error(-1, err, err_len);
	int result = buffer_reserve(out, inflated_size_hint(in, in_len));
	if (result)
		result = grow_error(-1, err, err_len);
	size_t in_pos = 0;
	while (result == 0) {
		int grown = buffer_grow(out);
		if (grown) {
			result = grow_error(grown, err, err_len);
			break;
		}
		size_t in_before = in_pos, out_before = out->len;
		int rc = inflate_step(&z, in, in_len, &in_pos, out);
		int stuck = in_pos == in_before && out->len == out_before;
		if (rc == Z_STREAM_END) {
			int done = after_member(&z, in, in_len, in_pos, err,
			                        err_len);
			if (done)
				result = done < 0 ? -1 : 1;
		} else if (in_pos == in_len && out->len < out->capacity &&
		           (rc == Z_OK || rc == Z_BUF_ERROR)) {
			/* All input taken, room left, and no end. */
			set_error(err, err_len, "truncated gzip stream");
			result = -1;
		} else if ((rc != Z_OK && rc != Z_BUF_ERROR) || stuck) {
			/* zlib promises progress while it has input and room;
			 * should it not keep that promise, stop rather than
			 * spin. */
			result = inflate_error(&z, rc, in_pos, err, err_len);
		}
	}
	inflateEnd(&z);
	if (result > 0 && (uint64_t)out->len > READ_LIMIT)
		return grow_error(-2, err, err_len);
	return result > 0 ? 0 : -1;
}

int report_read_bytes(struct profile *p, const uint8_t *data, size_t len,
                      char *err, size_t err_len)
{
	if (len >= 3 && memcmp(data, "MOJ", 3) == 0)
		return read_mojo(p, data, len, err, err_len);
	return read_text(p, (const char *)data, len, err, err_len);
}

/* Read a file or standard input whole, inflated if it is gzip; the
 * message in err does not name the file. */
static int load(const char *path, struct buffer *raw, struct buffer *plain,
                char *err, size_t err_len)
{
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		set_error(err, err_len, "%s", strerror(errno));
		return -1;
	}
	int rc = read_all(fd, raw, err, err_len);
	if (path)
		close(fd);
	if (rc == 0 && is_gzip(raw->data, raw->len)) {
		rc = gunzip(raw->data, raw->len, plain, err, err_len);
		free(raw->data);
		*raw = (struct buffer){0};
	} else if (rc == 0) {
		*plain = *raw;
		*raw = (struct buffer){0};
	}
	return rc;
}

int report_read(struct profile *p, const char *path, char *err, size_t err_len)
{
	if (path && strcmp(path, "-") == 0)
		path = NULL;
	const char *name = path ? path : "standard input";
	struct buffer raw = {0}, plain = {0};
	char message[512] = "unreadable";
	int rc = load(path, &raw, &plain, message, sizeof message);
	if (rc == 0)
		rc = report_read_bytes(p, plain.data, plain.len, message,
		                       sizeof message);
	if (rc)
		set_error(err, err_len, "%s: %s", name, message);
	free(raw.data);
	free(plain.data);
	return rc ? -1 : 0;
}
