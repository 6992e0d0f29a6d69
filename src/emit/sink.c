/* Buffered output with sticky errors.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "emit/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int sink_open(struct sink *s, const char *path)
{
	s->error = 0;
	s->used = 0;
	if (!path) {
		s->fd = STDOUT_FILENO;
		s->owns_fd = 0;
		return 0;
	}
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	s->owns_fd = 1;
	return s->fd < 0 ? -1 : 0;
}

void sink_flush(struct sink *s)
{
	size_t done = 0;
	while (!s->error && done < s->used) {
		ssize_t n = write(s->fd, s->buffer + done, s->used - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			s->error = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	s->used = 0;
}

void sink_write(struct sink *s, const char *data, size_t len)
{
	while (len > 0 && !s->error) {
		if (s->used == SINK_BUFFER_SIZE)
			sink_flush(s);
		size_t room = SINK_BUFFER_SIZE - s->used;
		size_t n = len < room ? len : room;
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

void sink_putc(struct sink *s, char c)
{
	if (s->used == SINK_BUFFER_SIZE)
		sink_flush(s);
	if (!s->error)
		s->buffer[s->used++] = c;
}

size_t format_uint(char *out, unsigned long long value)
{
	char digits[24];
	size_t n = sizeof digits;
	do {
		digits[--n] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	memcpy(out, digits + n, sizeof digits - n);
	return sizeof digits - n;
}

void sink_put_uint(struct sink *s, unsigned long long value)
{
	char digits[24];
	sink_write(s, digits, format_uint(digits, value));
}

char *sink_reserve(struct sink *s, size_t n)
{
	if (SINK_BUFFER_SIZE - s->used < n)
		sink_flush(s);
	return s->error ? NULL : s->buffer + s->used;
}

void sink_put_int(struct sink *s, long long value)
{
	if (value < 0) {
		sink_putc(s, '-');
		sink_put_uint(s, 0ull - (unsigned long long)value);
	} else {
		sink_put_uint(s, (unsigned long long)value);
	}
}

int sink_close(struct sink *s)
{
	sink_flush(s);
	if (s->owns_fd && close(s->fd) != 0 && !s->error)
		s->error = errno;
	s->fd = -1;
	return s->error;
}
