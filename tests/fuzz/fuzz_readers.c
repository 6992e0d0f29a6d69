/* Fuzz target: the recording readers on untrusted bytes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Input that starts with the gzip magic goes through report_read, from a
 * file in memory, so reading a file, inflating and the dispatch are all
 * exercised; anything else goes to report_read_bytes (text or MOJO), which
 * is faster. Whatever the input, a read either fails with a message or
 * gives a model whose every id is in range and whose samples hold only the
 * metrics of their mode. Built with libFuzzer (make fuzz) or with the
 * portable driver in fuzz_driver.c (make check). */
#include "fuzz_readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report/profile.h"
#include "report/read.h"

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_readers: inconsistent model: %s\n", what);
	abort();
}

static void check_frames(const struct profile *p)
{
	for (uint32_t i = 0; i < p->frames.n; i++) {
		const struct profile_frame *f = profile_frame_at(p, i);
		if (f->file >= p->strings.n || f->name >= p->strings.n)
			broken("a frame names a string that does not exist");
		if (f->kind > FRAME_GC)
			broken("a frame of no known kind");
		char label[128];
		if (profile_frame_label(p, i, label, sizeof label) < 0)
			broken("a frame has no label");
	}
}

static void check_stacks(const struct profile *p)
{
	for (uint32_t i = 0; i < p->stacks.n; i++) {
		const struct profile_stack *s = profile_stack_at(p, i);
		if (s->thread >= p->threads.n)
			broken("a stack of a thread that does not exist");
		if ((uint64_t)s->first + s->depth > p->frame_ids.n)
			broken("a stack's frames run past the frame ids");
		/* (No frame ids at all is a NULL array: ask for it only
		 * when there is one.) */
		const uint32_t *frames =
		        s->depth ? profile_stack_frames(p, s) : NULL;
		for (uint32_t d = 0; d < s->depth; d++)
			if (frames[d] >= p->frames.n)
				broken("a stack holds a frame that does not "
				       "exist");
	}
}

static void check_samples(const struct profile *p)
{
	for (size_t i = 0; i < p->samples.n; i++) {
		const struct profile_sample *s = profile_sample_at(p, i);
		if (s->stack >= p->stacks.n)
			broken("a sample of a stack that does not exist");
		if (s->idle > 1)
			broken("an idle flag other than 0 and 1");
		if (p->mode == PROFILE_MEMORY && s->time)
			broken("time in a memory profile");
		if ((p->mode == PROFILE_WALL || p->mode == PROFILE_CPU) &&
		    s->memory)
			broken("memory in a time profile");
	}
}

static void check_model(const struct profile *p)
{
	if (p->mode > PROFILE_FULL)
		broken("no known mode");
	for (size_t i = 0; i < p->meta.n; i++) {
		const struct profile_meta *m =
		        (const struct profile_meta *)p->meta.items + i;
		if (!m->key || !m->value)
			broken("metadata without a key or a value");
	}
	check_frames(p);
	check_stacks(p);
	check_samples(p);
}

/* A file in memory for report_read to open by name; -1 if none. */
static int memory_file(void)
{
	static int fd = -2;
	if (fd == -2) {
		fd = memfd_create("fuzz_readers", MFD_CLOEXEC);
		if (fd < 0) {
			FILE *f = tmpfile(); /* no memfd: an unlinked file */
			fd = f ? dup(fileno(f)) : -1;
			if (f)
				fclose(f);
		}
	}
	return fd;
}

static int read_through_file(struct profile *p, const uint8_t *data,
                             size_t size, char *err, size_t err_len)
{
	int fd = memory_file();
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return report_read_bytes(p, data, size, NULL, err, err_len);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return report_read(p, path, NULL, err, err_len);
}

int fuzz_readers_run(const uint8_t *data, size_t size)
{
	struct profile p;
	char err[256] = "";
	profile_init(&p);
	int gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	int rc =
	        gzip ? read_through_file(&p, data, size, err, sizeof err)
	             : report_read_bytes(&p, data, size, NULL, err, sizeof err);
	if (rc == 0)
		check_model(&p);
	else if (rc != -1 || err[0] == '\0')
		broken("a failed read without -1 and a message");
	profile_free(&p);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_readers_run(data, size);
	return 0;
}
