/* A portable fuzzing driver for fuzz_readers.c, for machines (and CI runs)
 * without libFuzzer.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 *     fuzz_readers [FILE-OR-DIRECTORY...]
 *
 * Runs every seed (the files named, or tests/fuzz/corpus), then mutates
 * them at random for AUSTINC_FUZZ_SECONDS (20 by default; 0 runs the seeds
 * only, which replays a crash file): bit flips, bytes and
 * tokens set or inserted, ranges deleted, duplicated or spliced from another
 * input, truncations, and now and then the result gzipped (whole or cut short).
 * There is no coverage feedback; instead a mutant that reads without error
 * joins the pool, so mutations pile up on inputs that still parse. The
 * random seed is printed (AUSTINC_FUZZ_SEED sets it), and an input that
 * crashes is saved in fuzz_readers-crash.bin in the working directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz_readers.h"

#ifndef FUZZ_CORPUS_DIR
#define FUZZ_CORPUS_DIR "tests/fuzz/corpus"
#endif

#define DEFAULT_SECONDS 20
#define LARGEST_INPUT   (1u << 20) /* bytes a mutant may grow to */
#define MAX_POOL        512        /* seeds and kept mutants */
#define CRASH_FILE      "fuzz_readers-crash.bin"

struct input {
	uint8_t *data;
	size_t len;
};

static struct input pool[MAX_POOL];
static size_t pool_size, seed_count;

/* --- randomness (xorshift64*) ------------------------------------------ */

static uint64_t rng_state;

static uint64_t next_random(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n); 0 when n is 0. */
static size_t below(size_t n)
{
	return n ? (size_t)(next_random() % n) : 0;
}

/* --- crashes ----------------------------------------------------------- */

/* The input being read, for the crash handlers. */
static const uint8_t *current;
static size_t current_len;

/* Save the input being read; only async-signal-safe calls. */
static void save_current(void)
{
	int fd = open(CRASH_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	size_t done = 0;
	while (done < current_len) {
		ssize_t n = write(fd, current + done, current_len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	static const char note[] =
	        "fuzz_readers: the input was saved in " CRASH_FILE "\n";
	ssize_t ignored = write(STDERR_FILENO, note, sizeof note - 1);
	(void)ignored;
}

static void on_fatal_signal(int sig)
{
	save_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* AddressSanitizer reports and exits without a signal unless told to
 * abort; its runtime calls this hook first, when there is one. */
extern void __sanitizer_set_death_callback(void (*callback)(void))
        __attribute__((weak));

/* UndefinedBehaviorSanitizer (a runtime of its own with gcc) has no hook
 * that reaches here: have it abort, which the handler below sees, whatever
 * UBSAN_OPTIONS says. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "abort_on_error=1";
}

/* Under AddressSanitizer its handlers report faults (replacing them would
 * lose the report) and the death callback saves the input; an abort is
 * caught here in every build. */
static void catch_crashes(void)
{
	signal(SIGABRT, on_fatal_signal);
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(save_current);
		return;
	}
	int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
		signal(signals[i], on_fatal_signal);
}

static int run(const uint8_t *data, size_t len)
{
	current = data;
	current_len = len;
	return fuzz_readers_run(data, len);
}

/* --- the pool ---------------------------------------------------------- */

static int add_to_pool(const uint8_t *data, size_t len, size_t slot)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		return -1;
	memcpy(copy, data, len);
	if (slot < pool_size)
		free(pool[slot].data);
	pool[slot] = (struct input){copy, len};
	return 0;
}

/* A mutant that read cleanly: into a free slot, else over a kept mutant
 * (never over a seed). */
static void keep(const uint8_t *data, size_t len)
{
	if (pool_size < MAX_POOL) {
		if (add_to_pool(data, len, pool_size) == 0)
			pool_size++;
	} else if (seed_count < MAX_POOL) {
		add_to_pool(data, len,
		            seed_count + below(MAX_POOL - seed_count));
	}
}

static int add_seed_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz_readers: %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	static uint8_t buffer[LARGEST_INPUT];
	size_t len = fread(buffer, 1, sizeof buffer, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || pool_size == MAX_POOL ||
	    add_to_pool(buffer, len, pool_size)) {
		fprintf(stderr, "fuzz_readers: %s: cannot load it\n", path);
		return -1;
	}
	pool_size++;
	return 0;
}

static int add_seeds(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return add_seed_file(path);
	DIR *dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "fuzz_readers: %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", path, e->d_name);
		rc = add_seed_file(file);
	}
	closedir(dir);
	return rc;
}

/* --- mutations --------------------------------------------------------- */

static const char *const TOKENS[] = {";",
                                     ":",
                                     " ",
                                     ",",
                                     "\n",
                                     "\r\n",
                                     "P",
                                     ";T",
                                     "P1;T0:2",
                                     ":INVALID:",
                                     ":GC:",
                                     "# mode: full\n",
                                     "# mode: memory\n",
                                     "# mode: wall\n",
                                     "# mode: cpu\n",
                                     "# ",
                                     ": ",
                                     "-",
                                     "0",
                                     "1",
                                     ",1,",
                                     ",0,-",
                                     "9223372036854775807",
                                     "-9223372036854775808",
                                     "2147483648",
                                     "4294967295",
                                     "18446744073709551616",
                                     "MOJ",
                                     "\x1f\x8b",
                                     "\xff",
                                     "<frozen importlib._bootstrap>",
                                     "\xc3\xa9"};

/* An input being mutated: room for LARGEST_INPUT bytes. */
struct mutant {
	uint8_t *data;
	size_t len;
};

static void insert(struct mutant *m, size_t at, const uint8_t *bytes, size_t n)
{
	if (n > LARGEST_INPUT - m->len)
		n = LARGEST_INPUT - m->len;
	memmove(m->data + at + n, m->data + at, m->len - at);
	memmove(m->data + at, bytes, n);
	m->len += n;
}

static void erase(struct mutant *m, size_t at, size_t n)
{
	memmove(m->data + at, m->data + at + n, m->len - at - n);
	m->len -= n;
}

static void insert_token(struct mutant *m)
{
	const char *t = TOKENS[below(sizeof TOKENS / sizeof *TOKENS)];
	insert(m, below(m->len + 1), (const uint8_t *)t, strlen(t));
}

static void insert_random(struct mutant *m)
{
	uint8_t bytes[16];
	size_t n = 1 + below(sizeof bytes);
	for (size_t i = 0; i < n; i++)
		bytes[i] = (uint8_t)next_random();
	insert(m, below(m->len + 1), bytes, n);
}

/* Copy a range of this input or another one into this one. */
static void splice_in(struct mutant *m)
{
	const struct input *from = &pool[below(pool_size)];
	if (from->len == 0)
		return;
	size_t start = below(from->len);
	size_t n = 1 + below(from->len - start < 512 ? from->len - start : 512);
	static uint8_t piece[512];
	memcpy(piece, from->data + start, n);
	insert(m, below(m->len + 1), piece, n);
}

static void mutate_once(struct mutant *m)
{
	size_t at = below(m->len);
	switch (below(8)) {
	case 0:
		if (m->len)
			m->data[at] ^= (uint8_t)(1u << below(8));
		break;
	case 1:
		if (m->len)
			m->data[at] = (uint8_t) "\n ;:,-#P\r09\0"[below(12)];
		break;
	case 2:
		if (m->len)
			erase(m, at,
			      1 + below(m->len - at < 64 ? m->len - at : 64));
		break;
	case 3:
		insert_random(m);
		break;
	case 4:
	case 5:
		insert_token(m);
		break;
	case 6:
		splice_in(m);
		break;
	case 7:
		m->len = below(m->len + 1);
		break;
	}
}

/* Replace the mutant with its gzip (one member or two), sometimes cut
 * short or with a byte changed. */
static void gzip_mutant(struct mutant *m)
{
	static uint8_t out[LARGEST_INPUT];
	size_t cut = below(2) ? below(m->len + 1) : m->len, total = 0;
	size_t parts[2][2] = {{0, cut}, {cut, m->len - cut}};
	for (size_t p = 0; p < 2; p++) {
		z_stream z;
		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8,
		                 Z_DEFAULT_STRATEGY) != Z_OK)
			return;
		z.next_in = m->data + parts[p][0];
		z.avail_in = (uInt)parts[p][1];
		z.next_out = out + total;
		z.avail_out = (uInt)(sizeof out - total);
		int rc = deflate(&z, Z_FINISH);
		total = sizeof out - z.avail_out;
		deflateEnd(&z);
		if (rc != Z_STREAM_END)
			return;
	}
	memcpy(m->data, out, total);
	m->len = total;
	if (below(4) == 0)
		m->len = below(m->len + 1);
	else if (below(4) == 0 && m->len)
		m->data[below(m->len)] ^= (uint8_t)(1u << below(8));
}

static void make_mutant(struct mutant *m)
{
	const struct input *parent = &pool[below(pool_size)];
	memcpy(m->data, parent->data, parent->len);
	m->len = parent->len;
	for (size_t n = 1 + below(8); n > 0; n--)
		mutate_once(m);
	if (below(8) == 0)
		gzip_mutant(m);
}

/* --- main -------------------------------------------------------------- */

static double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long env_number(const char *name, long fallback)
{
	const char *text = getenv(name);
	if (!text || !*text)
		return fallback;
	char *end;
	long value = strtol(text, &end, 0);
	if (*end || value < 0) {
		fprintf(stderr, "fuzz_readers: %s=%s is not a number\n", name,
		        text);
		exit(2);
	}
	return value;
}

static int load_seeds(int argc, char **argv)
{
	if (argc < 2)
		return add_seeds(FUZZ_CORPUS_DIR);
	for (int i = 1; i < argc; i++)
		if (add_seeds(argv[i]))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	long seconds = env_number("AUSTINC_FUZZ_SECONDS", DEFAULT_SECONDS);
	rng_state = (uint64_t)env_number("AUSTINC_FUZZ_SEED",
	                                 (long)(time(NULL) ^ getpid()));
	rng_state = rng_state ? rng_state : 1;
	printf("fuzz_readers: seed %" PRIu64 ", %ld s\n", rng_state, seconds);
	if (load_seeds(argc, argv))
		return 2;
	seed_count = pool_size;
	struct mutant m = {malloc(LARGEST_INPUT), 0};
	if (seed_count == 0 || !m.data) {
		fprintf(stderr, "fuzz_readers: %s\n",
		        m.data ? "no seeds" : "out of memory");
		return 2;
	}
	catch_crashes();
	for (size_t i = 0; i < seed_count; i++)
		run(pool[i].data, pool[i].len);

	unsigned long long runs = 0, kept = 0;
	double end = seconds_now() + (double)seconds;
	while (seconds > 0 && seconds_now() < end) {
		make_mutant(&m);
		runs++;
		if (run(m.data, m.len) == 0) {
			keep(m.data, m.len);
			kept++;
		}
	}
	printf("fuzz_readers: %zu seeds, %llu mutants read, %llu of them "
	       "without error; no crash\n",
	       seed_count, runs, kept);
	free(m.data);
	for (size_t i = 0; i < pool_size; i++)
		free(pool[i].data);
	return 0;
}
