/* The command line of a run, as the recording's "command" metadata.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "cmdline.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A line being written into a fixed buffer; full once something did not
 * fit, after which nothing more is written. */
struct line {
	char *buf;
	size_t len, used;
	int full;
};

static void put(struct line *l, char c)
{
	if (l->full || l->used + 1 >= l->len) {
		l->full = 1;
		return;
	}
	unsigned char u = (unsigned char)c;
	l->buf[l->used++] = u < 0x20 || u == 0x7f ? '?' : c;
}

static void put_text(struct line *l, const char *text)
{
	for (; *text; text++)
		put(l, *text);
}

static int needs_quotes(const char *arg)
{
	if (!*arg)
		return 1;
	for (; *arg; arg++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		            "YZ"
		            "0123456789_@%+=:,./-",
		            *arg))
			return 1;
	return 0;
}

static void put_arg(struct line *l, const char *arg)
{
	if (!needs_quotes(arg)) {
		put_text(l, arg);
		return;
	}
	put(l, '\'');
	for (; *arg; arg++) {
		if (*arg == '\'')
			put_text(l, "'\\''");
		else
			put(l, *arg);
	}
	put(l, '\'');
}

void cmdline_join(const char *const *args, size_t n, char *buf, size_t len)
{
	struct line l = {buf, len, 0, 0};
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(&l, ' ');
		put_arg(&l, args[i]);
	}
	if (l.full) { /* make room for "..." */
		l.used = l.used < len - 4 ? l.used : len - 4;
		memcpy(buf + l.used, "...", 3);
		l.used += 3;
	}
	buf[l.used] = '\0';
}

int cmdline_of(pid_t pid, char *buf, size_t len)
{
	char name[64], raw[CMDLINE_MAX];
	snprintf(name, sizeof name, "/proc/%d/cmdline", (int)pid);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, raw, sizeof raw - 1);
	close(fd);
	if (n <= 0)
		return -1;
	raw[n] = '\0'; /* the last argument may have been cut */
	const char *args[CMDLINE_MAX];
	size_t count = 0;
	for (ssize_t at = 0; at < n; at += (ssize_t)strlen(raw + at) + 1)
		args[count++] = raw + at;
	cmdline_join(args, count, buf, len);
	return 0;
}
