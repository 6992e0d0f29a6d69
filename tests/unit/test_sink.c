/* The sink on a full disk: cut back to whole records, the footer tried.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * A file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) stands in for
 * the full disk: a write past it is cut short, then fails with EFBIG, as
 * one on a full file system is, then fails with ENOSPC. The limit holds
 * only while the sink writes (check writes its own results to a file):
 * nothing is asserted meanwhile. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "emit/sink.h"
#include "suites.h"

#define LIMIT_BYTES  20011 /* not a whole number of records */
#define RECORD_BYTES 40
#define RECORDS      4000 /* far more than the limit takes */
#define FOOTER       "# footer: the end\n"

static struct sink sink;
static char path[] = "/tmp/austinc-sink-XXXXXX";

static void limit_file_size(rlim_t bytes)
{
	struct rlimit limit;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &limit), 0);
	limit.rlim_cur = bytes;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &limit), 0);
}

static void open_temp(int gzip)
{
	strcpy(path, "/tmp/austinc-sink-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sink_open(&sink, path, gzip), 0);
}

/* Open a sink on a file, then limit its size. */
static void open_limited(int gzip)
{
	open_temp(gzip);
	signal(SIGXFSZ, SIG_IGN);
	limit_file_size(LIMIT_BYTES);
}

/* Close the sink, then lift the limit; what sink_close() returned. */
static int close_limited(void)
{
	int rc = sink_close(&sink);
	limit_file_size(RLIM_INFINITY);
	return rc;
}

/* Record i: RECORD_BYTES of text ending in a newline, its number first
 * and then digits of a simple generator, so that gzip cannot make the
 * records vanish. */
static void format_record(char *out, unsigned i)
{
	unsigned x = i * 2654435761u;
	int n = snprintf(out, RECORD_BYTES + 1, "%06u ", i);
	for (; n < RECORD_BYTES - 1; n++, x = x * 1103515245u + 12345u)
		out[n] = (char)('0' + (x >> 16) % 10);
	out[RECORD_BYTES - 1] = '\n';
	out[RECORD_BYTES] = '\0';
}

/* Write records, one sync (as every SINK_SYNC_US) per 50, until a write
 * fails; returns how many were written. */
static unsigned write_until_full(void)
{
	char record[RECORD_BYTES + 1];
	unsigned i;
	for (i = 0; i < RECORDS && !sink_failed(&sink); i++) {
		sink_tick(&sink, (uint64_t)(i / 50) * SINK_SYNC_US);
		format_record(record, i);
		sink_write(&sink, record, RECORD_BYTES);
		sink_mark(&sink);
	}
	return i;
}

/* Check text: whole records 0, 1, ... then footer, if any; returns how
 * many records. */
static unsigned check_records(const char *text, size_t len, const char *footer)
{
	size_t footer_len = footer ? strlen(footer) : 0;
	ck_assert_uint_ge(len, footer_len);
	ck_assert_uint_eq((len - footer_len) % RECORD_BYTES, 0);
	unsigned n = (unsigned)((len - footer_len) / RECORD_BYTES);
	char record[RECORD_BYTES + 1];
	for (unsigned i = 0; i < n; i++) {
		format_record(record, i);
		ck_assert(memcmp(text + (size_t)i * RECORD_BYTES, record,
		                 RECORD_BYTES) == 0);
	}
	if (footer)
		ck_assert(memcmp(text + len - footer_len, footer, footer_len) ==
		          0);
	return n;
}

/* The file, whole (static buffer). */
static const char *file_bytes(size_t *len)
{
	static char data[RECORDS * RECORD_BYTES + 4096];
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	*len = fread(data, 1, sizeof data, f);
	fclose(f);
	unlink(path);
	return data;
}

/* Every gzip member inflated in turn, as gzip -d does; each must end. */
static const char *gunzip_members(const char *in, size_t in_len, size_t *len)
{
	static char out[RECORDS * RECORD_BYTES + 4096];
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)in_len;
	z.next_out = (Bytef *)out;
	z.avail_out = sizeof out;
	int members = 0;
	while (z.avail_in > 0) {
		ck_assert_int_eq(inflate(&z, Z_NO_FLUSH), Z_STREAM_END);
		members++;
		inflateReset(&z);
	}
	ck_assert_int_ge(members, 1);
	*len = sizeof out - z.avail_out;
	inflateEnd(&z);
	return out;
}

START_TEST(a_full_file_is_cut_to_whole_records_and_takes_the_footer)
{
	open_limited(0);
	write_until_full();
	int recovered = sink_recover(&sink);
	int failed = sink_failed(&sink);
	sink_puts(&sink, FOOTER);
	sink_mark(&sink);
	ck_assert_int_eq(close_limited(), EFBIG); /* the first failure */
	ck_assert_int_eq(recovered, 0);
	ck_assert(!failed);
	size_t len;
	const char *text = file_bytes(&len);
	unsigned kept = check_records(text, len, FOOTER);
	/* All that fit but the room made for the footer. */
	ck_assert_uint_ge((kept + 1) * RECORD_BYTES, LIMIT_BYTES - 8192);
}
END_TEST

START_TEST(a_full_gzip_file_ends_at_its_last_sync_point)
{
	open_limited(1);
	unsigned sent = write_until_full();
	int recovered = sink_recover(&sink);
	sink_puts(&sink, FOOTER);
	ck_assert_int_eq(close_limited(), EFBIG);
	ck_assert_int_eq(recovered, 0);
	size_t zlen, len;
	const char *zipped = file_bytes(&zlen);
	const char *text = gunzip_members(zipped, zlen, &len);
	unsigned kept = check_records(text, len, FOOTER);
	/* Up to the last sync: at most 50 records short of what was sent
	 * before the buffer that failed. */
	ck_assert_uint_ge(kept, 50);
	ck_assert_uint_le(kept, sent);
	ck_assert_uint_eq(kept % 50, 0);
}
END_TEST

/* A footer that fails too is cut away whole, record by record. */
START_TEST(a_write_failing_at_close_leaves_whole_records)
{
	open_limited(0);
	write_until_full();
	sink_puts(&sink, FOOTER); /* dropped: no recovery */
	ck_assert_int_eq(close_limited(), EFBIG);
	size_t len;
	const char *text = file_bytes(&len);
	unsigned kept = check_records(text, len, NULL);
	ck_assert_uint_ge((kept + 1) * RECORD_BYTES, LIMIT_BYTES);
}
END_TEST

START_TEST(a_gzip_write_failing_at_close_ends_the_stream)
{
	open_limited(1);
	write_until_full();
	ck_assert_int_eq(close_limited(), EFBIG);
	size_t zlen, len;
	const char *zipped = file_bytes(&zlen);
	const char *text = gunzip_members(zipped, zlen, &len);
	ck_assert_uint_ge(check_records(text, len, NULL), 50);
}
END_TEST

/* Not a file of ours, or not a regular file: nothing to cut. */
START_TEST(a_device_is_not_cut)
{
	ck_assert_int_eq(sink_open(&sink, "/dev/full", 0), 0);
	sink_puts(&sink, "0123456789\n");
	sink_mark(&sink);
	sink_flush(&sink);
	ck_assert(sink_failed(&sink));
	ck_assert_int_eq(sink_recover(&sink), -1);
	ck_assert_int_eq(sink_close(&sink), ENOSPC);
}
END_TEST

/* Between syncs nothing is written until the buffer fills; at a sync
 * everything is. */
START_TEST(a_tick_writes_out_once_per_sync_period)
{
	open_temp(0);
	sink_tick(&sink, SINK_SYNC_US); /* the first tick syncs */
	sink_puts(&sink, "one\n");
	sink_tick(&sink, SINK_SYNC_US + SINK_SYNC_US / 2);
	ck_assert_uint_eq(sink.written, 0);
	sink_tick(&sink, 2 * SINK_SYNC_US);
	ck_assert_uint_eq(sink.written, 4);
	ck_assert_int_eq(sink_close(&sink), 0);
	unlink(path);
}
END_TEST

/* A buffer that fills is written up to its last record, the rest kept;
 * with gzip that is a sync point, without waiting for a tick. */
START_TEST(a_full_buffer_is_written_up_to_its_last_record)
{
	for (int gzip = 0; gzip <= 1; gzip++) {
		open_temp(gzip);
		char record[RECORD_BYTES + 1];
		unsigned i;
		for (i = 0; sink.written == 0 && i < RECORDS; i++) {
			format_record(record, i);
			sink_write(&sink, record, RECORD_BYTES);
			sink_mark(&sink);
		}
		ck_assert_uint_gt(sink.written, 0);
		ck_assert_uint_eq(sink.buffered_from % RECORD_BYTES, 0);
		ck_assert_uint_eq(sink.used % RECORD_BYTES, 0);
		if (gzip)
			ck_assert_uint_eq(sink.syncs[sink.n_syncs - 1].written,
			                  sink.written);
		else
			ck_assert_uint_eq(sink.durable, sink.written);
		ck_assert_int_eq(sink_close(&sink), 0);
		size_t len;
		const char *data = file_bytes(&len);
		if (gzip)
			data = gunzip_members(data, len, &len);
		ck_assert_uint_eq(check_records(data, len, NULL), i);
	}
}
END_TEST

Suite *sink_suite(void)
{
	Suite *s = suite_create("sink");
	TCase *tc = tcase_create("full disk");
	tcase_add_test(
	        tc, a_full_file_is_cut_to_whole_records_and_takes_the_footer);
	tcase_add_test(tc, a_full_gzip_file_ends_at_its_last_sync_point);
	tcase_add_test(tc, a_write_failing_at_close_leaves_whole_records);
	tcase_add_test(tc, a_gzip_write_failing_at_close_ends_the_stream);
	tcase_add_test(tc, a_device_is_not_cut);
	tcase_add_test(tc, a_tick_writes_out_once_per_sync_period);
	tcase_add_test(tc, a_full_buffer_is_written_up_to_its_last_record);
	suite_add_tcase(s, tc);
	return s;
}
