/* Fuzz target: the recording readers on untrusted bytes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Input that starts with the gzip magic goes through report_read, from a
 * file in memory, so reading a file, inflating and the dispatch are all
 * exercised; anything else goes to report_read_bytes (text or MOJO), which
 * is faster. Whatever the input, a read either fails with a message or
 * gives a model whose every id is in range and whose samples hold only the
 * metrics of their mode.
 *
 * Recordings cut short (read.h): each input is read both salvaging a cut
 * and strictly, and the two must agree. An input that reads is then cut,
 * at every offset when it is small and at many when it is not, and every
 * cut must read too, into the first samples of the whole, each with the
 * same thread, frames and period, and the same metrics when both models
 * name the same mode (without one, the mode is what the metrics read
 * show, and a cut may show less). Built with libFuzzer (make fuzz) or with
 * the portable driver in fuzz_driver.c (make check). */
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
                             size_t size, struct read_cut *cut, char *err,
                             size_t err_len)
{
	int fd = memory_file();
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return report_read_bytes(p, data, size, cut, err, err_len);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return report_read(p, path, cut, err, err_len);
}

/* Read data into a new model p and check it; cut: as in read.h (NULL:
 * strict). */
static int read_input(struct profile *p, const uint8_t *data, size_t size,
                      struct read_cut *cut)
{
	char err[256] = "";
	profile_init(p);
	int gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	int rc = gzip ? read_through_file(p, data, size, cut, err, sizeof err)
	              : report_read_bytes(p, data, size, cut, err, sizeof err);
	if (rc == 0)
		check_model(p);
	else if (rc != -1 || err[0] == '\0')
		broken("a failed read without -1 and a message");
	return rc;
}

/* --- cuts -------------------------------------------------------------- */

/* Inputs up to this size are cut at every offset; larger ones at this many
 * offsets spread over them, and one byte short of their end. */
#define CUT_EVERY_UP_TO 256
#define CUT_SPREAD      32

static int same_frame(const struct profile *a, uint32_t fa,
                      const struct profile *b, uint32_t fb)
{
	const struct profile_frame *x = profile_frame_at(a, fa);
	const struct profile_frame *y = profile_frame_at(b, fb);
	return x->kind == y->kind && x->line == y->line &&
	       strcmp(profile_str(a, x->file), profile_str(b, y->file)) == 0 &&
	       strcmp(profile_str(a, x->name), profile_str(b, y->name)) == 0;
}

/* The same thread and frames, whatever their ids in each model. */
static int same_stack(const struct profile *a, uint32_t sa,
                      const struct profile *b, uint32_t sb)
{
	const struct profile_stack *x = profile_stack_at(a, sa);
	const struct profile_stack *y = profile_stack_at(b, sb);
	const struct profile_thread *tx = profile_thread_at(a, x->thread);
	const struct profile_thread *ty = profile_thread_at(b, y->thread);
	if (tx->pid != ty->pid || tx->iid != ty->iid || tx->tid != ty->tid ||
	    x->depth != y->depth)
		return 0;
	for (uint32_t d = 0; d < x->depth; d++)
		if (!same_frame(a, profile_stack_frames(a, x)[d], b,
		                profile_stack_frames(b, y)[d]))
			return 0;
	return 1;
}

/* Do both models name the same mode? Then their samples keep the same
 * metrics. */
static int same_named_mode(const struct profile *a, const struct profile *b)
{
	const char *x = profile_meta(a, "mode"), *y = profile_meta(b, "mode");
	return x && y && strcmp(x, y) == 0 && a->mode == b->mode;
}

/* The samples of part are the first ones of whole. */
static void check_first_samples(const struct profile *part,
                                const struct profile *whole)
{
	if (part->samples.n > whole->samples.n)
		broken("a cut holds more samples than the whole");
	int metrics = same_named_mode(part, whole);
	for (size_t i = 0; i < part->samples.n; i++) {
		const struct profile_sample *x = profile_sample_at(part, i);
		const struct profile_sample *y = profile_sample_at(whole, i);
		if (!same_stack(part, x->stack, whole, y->stack))
			broken("a cut holds a stack the whole has not there");
		if (x->at_us != y->at_us)
			broken("a cut puts a sample in another period");
		if (metrics && (x->time != y->time || x->idle != y->idle ||
		                x->memory != y->memory))
			broken("a cut holds other metrics than the whole");
	}
}

/* Strict and salvaging reads of the same input agree: strict reads what
 * salvage reads without a cut, into the same samples, and refuses the
 * rest. */
static void check_strict(const uint8_t *data, size_t size, int salvaged_rc,
                         const struct profile *salvaged,
                         const struct read_cut *cut)
{
	struct profile p;
	int rc = read_input(&p, data, size, NULL);
	int salvaged_whole = salvaged_rc == 0 && !cut->cut;
	if (rc == 0 && !salvaged_whole)
		broken("strict reads what salvage found cut, or refused");
	if (rc != 0 && salvaged_whole)
		broken("strict refuses what salvage read without a cut");
	if (rc == 0) {
		if (p.samples.n != salvaged->samples.n)
			broken("strict and salvage read other samples");
		check_first_samples(&p, salvaged);
	}
	profile_free(&p);
}

static void check_cut(const uint8_t *data, size_t at,
                      const struct profile *whole)
{
	struct profile p;
	struct read_cut cut;
	if (read_input(&p, data, at, &cut))
		broken("a cut of a recording that reads does not read");
	check_first_samples(&p, whole);
	profile_free(&p);
}

static void check_cuts(const uint8_t *data, size_t size,
                       const struct profile *whole)
{
	size_t step = size <= CUT_EVERY_UP_TO ? 1 : size / CUT_SPREAD;
	for (size_t at = 0; at < size; at += step)
		check_cut(data, at, whole);
	if (step > 1)
		check_cut(data, size - 1, whole);
}

int fuzz_readers_run(const uint8_t *data, size_t size)
{
	struct profile p;
	struct read_cut cut = {0};
	int rc = read_input(&p, data, size, &cut);
	check_strict(data, size, rc, &p, &cut);
	if (rc == 0)
		check_cuts(data, size, &p);
	profile_free(&p);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_readers_run(data, size);
	return 0;
}
