/* Reading a recording, inflated when it is gzip, by the reader its first
 * bytes name.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Text, by far the larger format (some 500 bytes a sample against 40 in
 * the model), goes to its reader a piece at a time, so that only the model
 * stays in memory. MOJO is parsed whole (a tenth of the size of the text),
 * and so is the compressed input of gzip. */
#include "report/read.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "growable.h"
#include "report/parse.h"

/* The most austinc-report holds in memory of what it reads whole (a MOJO
 * recording, inflated or not, and gzip's compressed input): far beyond a
 * real one (a million samples take about 45 MB of MOJO), and it keeps a
 * gzip bomb or an endless pipe from taking all the machine's memory. */
#define READ_LIMIT      ((uint64_t)4 << 30)
#define READ_LIMIT_TEXT "4 GiB"

/* The least a buffer grows to: the first allocation when the size is not
 * known in advance (a pipe, a /proc file). */
#define STREAM_START (1u << 20)

/* How much text is read, or inflated, at a time. */
#define PIECE_BYTES (1u << 20)

/* The pipe buffer asked for when reading a pipe (the default is 64 KiB;
 * 1 MiB is what an unprivileged process may ask for). */
#define PIPE_BUFFER_BYTES (1 << 20)

struct buffer {
	uint8_t *data;
	size_t len, capacity;
};

/* Room for capacity bytes in all, keeping what b holds. */
static int buffer_reserve(struct buffer *b, uint64_t capacity)
{
	if (capacity <= b->capacity)
		return 0;
	if (capacity > SIZE_MAX)
		return -1;
	return resize_array((void **)&b->data, &b->capacity, (size_t)capacity,
	                    1);
}

/* Room for need more bytes, doubling, within READ_LIMIT bytes plus the
 * one that shows a stream overflowed. 0, -1 when out of memory, -2 when
 * over the limit. */
static int buffer_room(struct buffer *b, size_t need)
{
	if ((uint64_t)b->len + need > READ_LIMIT + 1)
		return -2;
	uint64_t want = b->capacity < STREAM_START ? STREAM_START : b->capacity;
	while (want - b->len < need)
		want *= 2;
	if (want > READ_LIMIT + 1)
		want = READ_LIMIT + 1;
	return buffer_reserve(b, want);
}

/* Append len bytes, within READ_LIMIT: 0, -1 out of memory, -2 over. */
static int buffer_append(struct buffer *b, const uint8_t *data, size_t len)
{
	if ((uint64_t)b->len + len > READ_LIMIT)
		return -2;
	int rc = buffer_room(b, len);
	if (rc == 0) {
		memcpy(b->data + b->len, data, len);
		b->len += len;
	}
	return rc;
}

static int grow_error(int rc, char *err, size_t err_len)
{
	if (rc == -2)
		parse_error(err, err_len,
		            "larger than %s, the most austinc-report "
		            "reads",
		            READ_LIMIT_TEXT);
	else
		parse_error(err, err_len, "out of memory");
	return -1;
}

/* One read(2), again when a signal cut it short: the bytes read, 0 at the
 * end, or -1 with the reason in err. */
static ssize_t read_some(int fd, void *buf, size_t len, char *err,
                         size_t err_len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);
		if (n >= 0 || errno != EINTR) {
			if (n < 0)
				parse_error(err, err_len, "%s",
				            strerror(errno));
			return n;
		}
	}
}

/* Read fd into b, after what it holds, until b holds at least until
 * bytes or fd ends; b grows as it must, within READ_LIMIT. */
static int read_until(int fd, struct buffer *b, uint64_t until, char *err,
                      size_t err_len)
{
	while (b->len < until) {
		int rc = buffer_room(b, 1);
		if (rc)
			return grow_error(rc, err, err_len);
		ssize_t n = read_some(fd, b->data + b->len,
		                      b->capacity - b->len, err, err_len);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	if ((uint64_t)b->len > READ_LIMIT)
		return grow_error(-2, err, err_len);
	return 0;
}

/* Read the rest of fd into b, after what it holds. A regular file is
 * read into one allocation of its size; anything else grows as it comes. */
static int read_all(int fd, struct buffer *b, char *err, size_t err_len)
{
	struct stat st;
	/* One byte more, so the read that finds the end needs no
	 * reallocation. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    buffer_reserve(b, (uint64_t)st.st_size + 1))
		return grow_error(-1, err, err_len);
	return read_until(fd, b, UINT64_MAX, err, err_len);
}

static int is_gzip(const uint8_t *data, size_t len)
{
	return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static int is_mojo(const uint8_t *data, size_t len)
{
	return len >= 3 && memcmp(data, "MOJ", 3) == 0;
}

/* Where the bytes of a recording go, read or inflated: to the text
 * reader as they come, or kept whole for the MOJO reader. The first three
 * bytes tell which. */
struct consumer {
	struct profile *p;
	char *err;
	size_t err_len;
	struct buffer whole; /* MOJO, or the first bytes until they tell */
	struct text_reader *text;
	int is_mojo;
	int salvage;              /* keep what comes before a cut (read.h) */
	size_t gzip_cut_at;       /* a gzip stream ends here, without its end */
	int gzip_cut;             /* (gzip_cut_at is meaningful) */
	struct read_cut inflated; /* where the readers found a cut */
};

/* The bytes kept so far are text: hand them to a new text reader. */
static int start_text(struct consumer *c)
{
	c->text = text_reader_new(c->p, c->err, c->err_len);
	if (!c->text)
		return grow_error(-1, c->err, c->err_len);
	int rc = text_reader_feed(c->text, (const char *)c->whole.data,
	                          c->whole.len);
	free(c->whole.data);
	c->whole = (struct buffer){0};
	return rc;
}

static int consume(struct consumer *c, const uint8_t *data, size_t len)
{
	if (c->text)
		return text_reader_feed(c->text, (const char *)data, len);
	int rc = buffer_append(&c->whole, data, len);
	if (rc)
		return grow_error(rc, c->err, c->err_len);
	if (c->is_mojo || c->whole.len < 3)
		return 0;
	c->is_mojo = is_mojo(c->whole.data, c->whole.len);
	return c->is_mojo ? 0 : start_text(c);
}

/* The end of the input: the readers finish. */
static int consumer_end(struct consumer *c)
{
	struct read_cut *cut = c->salvage ? &c->inflated : NULL;
	if (c->is_mojo)
		return read_mojo(c->p, c->whole.data, c->whole.len, cut, c->err,
		                 c->err_len);
	if (!c->text && start_text(c))
		return -1;
	return text_reader_end(c->text, cut);
}

/* Where the input was cut, if it was: in the gzip stream and, inflated,
 * where the reader found the end of what it holds, or where the reader
 * alone found it. */
static void consumer_cut(const struct consumer *c, struct read_cut *cut)
{
	if (!c->gzip_cut) {
		*cut = c->inflated;
		return;
	}
	cut->cut = 1;
	/* (The readers' own words are far shorter than the bound.) */
	snprintf(cut->where, sizeof cut->where,
	         "byte %zu (in the gzip stream)%s%.120s", c->gzip_cut_at,
	         c->inflated.cut ? ", inflated at " : "",
	         c->inflated.cut ? c->inflated.where : "");
}

static void consumer_free(struct consumer *c)
{
	text_reader_free(c->text);
	free(c->whole.data);
}

static int all_zero(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data[i])
			return 0;
	return 1;
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

/* The input ends before the gzip stream does: cut short. Salvaging, c
 * takes what was inflated (1: done); strict, an error. */
static int gzip_cut(struct consumer *c, size_t in_len)
{
	if (!c->salvage) {
		parse_error(c->err, c->err_len, "truncated gzip stream");
		return -1;
	}
	c->gzip_cut = 1;
	c->gzip_cut_at = in_len;
	return 1;
}

/* What follows the end of a gzip member: nothing, zero padding (which
 * gzip(1) accepts too), the next member, or the first byte of one (a cut
 * between them). 1: done; 0: go on; -1. */
static int after_member(z_stream *z, const uint8_t *in, size_t in_len,
                        size_t in_pos, struct consumer *c)
{
	const uint8_t *rest = in + in_pos;
	size_t left = in_len - in_pos;
	if (all_zero(rest, left))
		return 1;
	if (left == 1 && rest[0] == 0x1f)
		return gzip_cut(c, in_len);
	if (!is_gzip(rest, left)) {
		parse_error(c->err, c->err_len,
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
		parse_error(err, err_len, "out of memory");
	else
		parse_error(err, err_len, "byte %zu: corrupt gzip stream (%s)",
		            in_pos, z->msg ? z->msg : "bad data");
	return -1;
}

/* Inflate every member of a gzip file (gzip files may be concatenated),
 * handing c each piece as it comes. */
static int gunzip(const uint8_t *in, size_t in_len, struct consumer *c)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 32: the largest window, and a gzip or zlib header. */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return grow_error(-1, c->err, c->err_len);
	struct buffer piece = {0};
	int result = buffer_reserve(&piece, PIECE_BYTES);
	if (result)
		result = grow_error(-1, c->err, c->err_len);
	size_t in_pos = 0;
	while (result == 0) {
		size_t in_before = in_pos;
		piece.len = 0;
		int rc = inflate_step(&z, in, in_len, &in_pos, &piece);
		int stuck = in_pos == in_before && piece.len == 0;
		if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
			result = inflate_error(&z, rc, in_pos, c->err,
			                       c->err_len);
		} else if (piece.len > 0 && consume(c, piece.data, piece.len)) {
			result = -1;
		} else if (rc == Z_STREAM_END) {
			result = after_member(&z, in, in_len, in_pos, c);
		} else if (in_pos == in_len && piece.len < piece.capacity) {
			/* All input taken, room left, and no end. */
			result = gzip_cut(c, in_len);
		} else if (stuck) {
			/* zlib promises progress while it has input and room;
			 * should it not keep that promise, stop rather than
			 * spin. */
			result = inflate_error(&z, rc, in_pos, c->err,
			                       c->err_len);
		}
	}
	inflateEnd(&z);
	free(piece.data);
	return result > 0 ? 0 : -1;
}

int report_read_bytes(struct profile *p, const uint8_t *data, size_t len,
                      struct read_cut *cut, char *err, size_t err_len)
{
	if (is_mojo(data, len))
		return read_mojo(p, data, len, cut, err, err_len);
	return read_text(p, (const char *)data, len, cut, err, err_len);
}

/* The first bytes of fd, up to a piece, into b: as many as it takes to
 * tell the format, or fewer at the end. */
static int read_head(int fd, struct buffer *b, char *err, size_t err_len)
{
	if (buffer_reserve(b, PIECE_BYTES))
		return grow_error(-1, err, err_len);
	return read_until(fd, b, 3, err, err_len);
}

/* Hand c the rest of fd, a piece at a time, in piece's room. */
static int stream_rest(int fd, struct buffer *piece, struct consumer *c)
{
	for (;;) {
		ssize_t n = read_some(fd, piece->data, piece->capacity, c->err,
		                      c->err_len);
		if (n <= 0)
			return n < 0 ? -1 : 0;
		if (consume(c, piece->data, (size_t)n))
			return -1;
	}
}

/* What is read whole (gzip's compressed bytes, MOJO) is refused at once
 * when a regular file is larger than that may be. */
static int check_whole_size(int fd, char *err, size_t err_len)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > READ_LIMIT)
		return grow_error(-2, err, err_len);
	return 0;
}

/* Read fd to its end into c: gzip inflated as it comes, anything else
 * handed on as it is read. */
static int read_fd(int fd, struct consumer *c)
{
	struct stat st;
	/* A larger pipe buffer means fewer reads and fewer switches to and
	 * from the writer; no harm if the system refuses. */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_BUFFER_BYTES);
	struct buffer head = {0};
	int rc = read_head(fd, &head, c->err, c->err_len);
	int text =
	        !is_gzip(head.data, head.len) && !is_mojo(head.data, head.len);
	if (rc == 0 && text) {
		rc = consume(c, head.data, head.len) ||
		                     stream_rest(fd, &head, c)
		             ? -1
		             : 0;
	} else if (rc == 0) {
		rc = check_whole_size(fd, c->err, c->err_len) ||
		                     read_all(fd, &head, c->err, c->err_len)
		             ? -1
		             : 0;
		if (rc == 0 && is_gzip(head.data, head.len)) {
			rc = gunzip(head.data, head.len, c);
		} else if (rc == 0) {
			c->whole = head; /* MOJO, for its reader */
			c->is_mojo = 1;
			head = (struct buffer){0};
		}
	}
	free(head.data);
	return rc;
}

int report_read(struct profile *p, const char *path, struct read_cut *cut,
                char *err, size_t err_len)
{
	if (path && strcmp(path, "-") == 0)
		path = NULL;
	const char *name = path ? path : "standard input";
	char message[512] = "unreadable";
	struct consumer c = {.p = p,
	                     .err = message,
	                     .err_len = sizeof message,
	                     .salvage = cut != NULL};
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	int rc = -1;
	if (fd < 0) {
		parse_error(message, sizeof message, "%s", strerror(errno));
	} else {
		rc = read_fd(fd, &c) || consumer_end(&c) ? -1 : 0;
		if (path)
			close(fd);
	}
	consumer_free(&c);
	if (rc)
		parse_error(err, err_len, "%s: %s", name, message);
	else if (cut)
		consumer_cut(&c, cut);
	return rc;
}
