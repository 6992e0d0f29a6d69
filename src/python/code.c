/* Decoding code objects out of the target.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "python/code.h"

#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "bytes.h"
#include "utf8.h"

#include "python/linetable.h"

/* How much of a str or bytes object to read in the first go: the header
 * and, for most names, the whole text. */
#define FIRST_READ 256

static int has_type(const struct py_layout *l, const uint8_t *object,
                    uint64_t expected)
{
	/* ob_type follows ob_refcnt in every default build; free-threaded
	 * builds (3.13t+) say where it is in their debug offsets. */
	return expected == 0 || load_u64(object, layout_ob_type(l)) == expected;
}

/* Append one code point as UTF-8; lines and separators of the output
 * format are replaced, so a name can never break a sample line. */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp == '\n' || cp == '\r' || cp == ';' || cp < 0x20 ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		cp = '?';
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static char *to_utf8(const uint8_t *data, size_t length, unsigned kind)
{
	char *out = malloc(length * 4 + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < length; i++) {
		uint32_t cp =
		        kind == 1 ? data[i]
		        : kind == 2
		                ? (uint32_t)(data[2 * i] | data[2 * i + 1] << 8)
		                : load_u32(data, (uint32_t)(4 * i));
		n += put_utf8(out + n, cp);
	}
	out[n] = '\0';
	return out;
}

/* Read [addr, addr + want) where the first `have` bytes are already in
 * first; returns a buffer the caller frees, or NULL. */
static uint8_t *read_rest(const struct remote *remote, uint64_t addr,
                          const uint8_t *first, size_t have, size_t want)
{
	uint8_t *buf = malloc(want ? want : 1);
	if (!buf)
		return NULL;
	size_t copied = have < want ? have : want;
	memcpy(buf, first, copied);
	if (copied < want &&
	    remote_read(remote, addr + copied, buf + copied, want - copied)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *code_read_string(const struct remote *remote,
                       const struct py_layout *layout,
                       const struct py_types *types, uint64_t addr)
{
	const struct py_layout *u = layout;
	uint8_t head[FIRST_READ];
	if (!remote_plausible(addr))
		return NULL;
	ssize_t got = remote_read_some(remote, addr, head, sizeof head);
	if (got < (ssize_t)u->unicode.compact_size ||
	    !has_type(u, head, types->unicode))
		return NULL;
	int64_t length = (int64_t)load_u64(head, u->unicode.length);
	uint32_t state = load_u32(head, u->unicode.state);
	unsigned kind = (state >> u->unicode.kind_shift) & 7;
	int compact = (state >> u->unicode.compact_shift) & 1;
	int ascii = (state >> u->unicode.ascii_shift) & 1;
	if (length < 0 || length > MAX_STRING_CHARS || !compact ||
	    (kind != 1 && kind != 2 && kind != 4))
		return NULL;
	size_t start = ascii ? u->unicode.ascii_size : u->unicode.compact_size;
	size_t want = start + (size_t)length * kind;
	uint8_t *whole = read_rest(remote, addr, head, (size_t)got, want);
	if (!whole)
		return NULL;
	char *text = to_utf8(whole + start, (size_t)length, kind);
	free(whole);
	return text;
}

/* The contents of a bytes object (2.7: str) of at most max bytes, in a
 * buffer the caller frees; NULL when it is not one or is longer. */
static uint8_t *read_bytes(const struct code_reader *cr, uint64_t addr,
                           size_t max, size_t *len)
{
	uint8_t head[FIRST_READ];
	const struct py_layout *b = cr->layout;
	if (!remote_plausible(addr))
		return NULL;
	ssize_t got = remote_read_some(cr->remote, addr, head, sizeof head);
	if (got < (ssize_t)b->bytes.ob_sval ||
	    !has_type(b, head, cr->types.bytes))
		return NULL;
	int64_t size = (int64_t)load_u64(head, b->bytes.ob_size);
	if (size < 0 || (uint64_t)size > max)
		return NULL;
	uint8_t *whole = read_rest(cr->remote, addr, head, (size_t)got,
	                           b->bytes.ob_sval + (size_t)size);
	if (!whole)
		return NULL;
	memmove(whole, whole + b->bytes.ob_sval, (size_t)size);
	*len = (size_t)size;
	return whole;
}

/* 2.7 names files and functions with byte strings, in no declared
 * encoding: UTF-8 is taken where it is well-formed (source files and paths
 * mostly are), and any other byte becomes '?', so nothing undecodable is
 * ever printed. */
static char *bytes_to_utf8(const uint8_t *data, size_t n)
{
	char *out = malloc(n * 4 + 1);
	if (!out)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_sequence((const char *)data + i, n - i);
		if (len > 1) {
			/* Past U+007F: nothing put_utf8 would replace. */
			memcpy(out + at, data + i, len);
			at += len;
			i += len;
		} else {
			at += put_utf8(out + at, len ? data[i] : '?');
			i++;
		}
	}
	out[at] = '\0';
	return out;
}

/* A file or function name: a str, or before 3.0 (a layout without PEP 393
 * strings) a byte string. */
static char *read_name(const struct code_reader *cr, uint64_t addr)
{
	if (cr->layout->unicode.length != LAYOUT_NONE)
		return code_read_string(cr->remote, cr->layout, &cr->types,
		                        addr);
	size_t len = 0;
	uint8_t *raw = read_bytes(cr, addr, MAX_STRING_CHARS, &len);
	if (!raw)
		return NULL;
	char *text = bytes_to_utf8(raw, len);
	free(raw);
	return text;
}

static void free_code_info(void *p)
{
	struct code_info *ci = p;
	if (!ci)
		return;
	free(ci->filename);
	free(ci->name);
	free(ci->label);
	free(ci->linetable);
	free(ci);
}

/* The pointers that tell one code object from another (its first line
 * tells them apart too), out of its header. */
static void read_identity(const struct code_reader *cr, const uint8_t *header,
                          uint64_t identity[CODE_IDENTITY_FIELDS])
{
	for (uint32_t i = 0; i < cr->n_identity; i++)
		identity[i] = load_u64(header, cr->identity_at[i]);
}

/* Was ci decoded from the object whose header this is? */
static int matches(const struct code_reader *cr, const struct code_info *ci,
                   const uint8_t *header)
{
	for (uint32_t i = 0; i < cr->n_identity; i++)
		if (load_u64(header, cr->identity_at[i]) != ci->identity[i])
			return 0;
	return (int)load_u32(header, cr->layout->code.firstlineno) ==
	               ci->firstlineno &&
	       has_type(cr->layout, header, cr->types.code);
}

/* Is the object at addr still the one ci was decoded from? */
static int still_same(const struct code_reader *cr, const struct code_info *ci,
                      uint64_t addr)
{
	uint8_t header[CODE_HEADER_MAX];
	return remote_read(cr->remote, addr, header, cr->layout->code.size) ==
	               0 &&
	       matches(cr, ci, header);
}

/* Entries of every process are numbered by this one counter, so an id
 * stands for one decoded file and name in the whole run. */
static uint64_t last_code_id;

/* "filename:name:", which the text writer copies in one go. */
static int make_label(struct code_info *ci)
{
	size_t f = ci->filename_len, n = ci->name_len;
	ci->label = malloc(f + n + 3);
	if (!ci->label)
		return -1;
	memcpy(ci->label, ci->filename, f);
	ci->label[f] = ':';
	memcpy(ci->label + f + 1, ci->name, n);
	ci->label[f + 1 + n] = ':';
	ci->label[f + n + 2] = '\0';
	return 0;
}

/* Is the type object at addr named name? Its tp_name follows ob_size,
 * which follows ob_type. */
static int type_named(const struct code_reader *cr, uint64_t type,
                      const char *name)
{
	uint8_t name_at[8];
	char text[16];
	size_t len = strlen(name) + 1;
	uint64_t at = type + layout_ob_type(cr->layout) + 16;
	return remote_plausible(type) && len <= sizeof text &&
	       remote_read(cr->remote, at, name_at, sizeof name_at) == 0 &&
	       load_u64(name_at, 0) >= 4096 && /* text: not aligned */
	       remote_read(cr->remote, load_u64(name_at, 0), text, len) == 0 &&
	       memcmp(text, name, len) == 0;
}

/* Is buf the header of a code object? A stripped interpreter has no symbol
 * for the code type: the first object whose type is named "code" tells its
 * address, and every object after it is held to it, so that a pointer torn
 * by a frame being reused never decodes as code. */
static int is_code(struct code_reader *cr, const uint8_t *buf)
{
	if (cr->types.code)
		return has_type(cr->layout, buf, cr->types.code);
	uint64_t type = load_u64(buf, layout_ob_type(cr->layout));
	if (!type_named(cr, type, "code"))
		return 0;
	cr->types.code = type;
	return 1;
}

static struct code_info *decode(struct code_reader *cr, uint64_t addr)
{
	const struct py_layout *co = cr->layout;
	uint8_t buf[CODE_HEADER_MAX];
	if (!remote_plausible(addr) || co->code.size > sizeof buf ||
	    remote_read(cr->remote, addr, buf, co->code.size) ||
	    !is_code(cr, buf) ||
	    (int32_t)load_u32(buf, co->code.firstlineno) < 0)
		return NULL;
	struct code_info *ci = calloc(1, sizeof *ci);
	if (!ci)
		return NULL;
	for (int i = 0; i < LINE_MEMO; i++)
		ci->memo_addr[i] = -1;
	read_identity(cr, buf, ci->identity);
	uint32_t name_at = co->code.qualname != LAYOUT_NONE ? co->code.qualname
	                                                    : co->code.name;
	ci->firstlineno = (int)load_u32(buf, co->code.firstlineno);
	ci->filename = read_name(cr, load_u64(buf, co->code.filename));
	ci->name = read_name(cr, load_u64(buf, name_at));
	ci->linetable = read_bytes(cr, load_u64(buf, co->code.linetable),
	                           MAX_LINETABLE_BYTES, &ci->linetable_len);
	if (!ci->filename || !ci->name || !ci->linetable) {
		free_code_info(ci);
		return NULL;
	}
	ci->filename_len = (uint32_t)strlen(ci->filename);
	ci->name_len = (uint32_t)strlen(ci->name);
	if (make_label(ci)) {
		free_code_info(ci);
		return NULL;
	}
	ci->id = ++last_code_id;
	return ci;
}

int code_reader_init(struct code_reader *cr, const struct remote *remote,
                     const struct py_layout *layout,
                     const struct py_types *types)
{
	const uint32_t identity[] = {layout->code.filename, layout->code.name,
	                             layout->code.qualname,
	                             layout->code.linetable};
	cr->n_identity = 0;
	for (size_t i = 0; i < sizeof identity / sizeof identity[0]; i++)
		if (identity[i] != LAYOUT_NONE)
			cr->identity_at[cr->n_identity++] = identity[i];
	cr->remote = remote;
	cr->layout = layout;
	cr->types = *types;
	cr->now_us = 0;
	cr->previous_us = 0;
	cr->fresh_us = CODE_FRESH_US;
	cr->n_evicted = 0;
	cr->evictions = 0;
	cr->n_due = 0;
	cr->cache = cache_new(CODE_CACHE_CAPACITY);
	return cr->cache ? 0 : -1;
}

void code_reader_end_sample(struct code_reader *cr)
{
	for (size_t i = 0; i < cr->n_evicted; i++)
		free_code_info(cr->evicted[i]);
	cr->n_evicted = 0;
}

void code_reader_free(struct code_reader *cr)
{
	code_reader_end_sample(cr);
	cache_free(cr->cache, free_code_info);
	cr->cache = NULL;
}

/* ci matched its object now: trust it for longer. */
static void confirm(const struct code_reader *cr, struct code_info *ci)
{
	ci->verified_us = ci->used_us = cr->now_us;
	if (ci->trust_us == 0) /* found stale once, by a read that failed */
		ci->trust_us = CODE_TRUST_MIN_US;
	else if (ci->trust_us < CODE_TRUST_MAX_US)
		ci->trust_us *= 2;
}

/* Use ci now and check it at code_check_due; 0 when the list is full. An
 * entry found stale has no trust left and is checked at once instead. */
static int defer_check(struct code_reader *cr, struct code_info *ci,
                       uint64_t addr)
{
	if (ci->trust_us == 0 || cr->n_due == CODE_DUE_MAX)
		return 0;
	cr->due[cr->n_due] = ci;
	cr->due_addr[cr->n_due++] = addr;
	/* Trusted for the rest of this walk: listed once however often the
	 * walk meets it (a recursion). */
	ci->verified_us = ci->used_us = cr->now_us;
	return 1;
}

size_t code_check_due(struct code_reader *cr)
{
	if (cr->n_due == 0)
		return 0;
	size_t size = cr->layout->code.size;
	struct iovec local = {cr->due_headers, cr->n_due * size};
	struct iovec remote[CODE_DUE_MAX];
	for (size_t i = 0; i < cr->n_due; i++)
		remote[i] = (struct iovec){(void *)(uintptr_t)cr->due_addr[i],
		                           size};
	ssize_t got = remote_readv(cr->remote, &local, remote, cr->n_due);
	size_t read = got > 0 ? (size_t)got / size : 0, changed = 0;
	for (size_t i = 0; i < cr->n_due; i++) {
		struct code_info *ci = cr->due[i];
		if (i < read && matches(cr, ci, cr->due_headers + i * size)) {
			confirm(cr, ci);
			continue;
		}
		ci->trust_us = ci->verified_us = ci->used_us = 0;
		changed++;
	}
	cr->n_due = 0;
	return changed;
}

struct code_info *code_lookup(struct code_reader *cr, uint64_t addr)
{
	struct code_info *ci = cache_get(cr->cache, addr);
	if (ci && code_use_trusted(cr, ci))
		return ci;
	if (ci && defer_check(cr, ci, addr))
		return ci;
	if (ci && still_same(cr, ci, addr)) {
		confirm(cr, ci);
		return ci;
	}
	ci = decode(cr, addr);
	if (!ci)
		return NULL;
	ci->verified_us = ci->used_us = cr->now_us;
	ci->trust_us = CODE_TRUST_MIN_US;
	struct code_info *displaced = cache_put(cr->cache, addr, ci);
	if (displaced) {
		cr->evictions++;
		/* At most one eviction per frame: the list cannot fill. */
		if (cr->n_evicted == STACK_MAX_DEPTH)
			code_reader_end_sample(cr);
		cr->evicted[cr->n_evicted++] = displaced;
	}
	return ci;
}

static int decode_line(const struct code_info *ci, enum line_format format,
                       int addr)
{
	int line = 0;
	if (addr >= 0) {
		switch (format) {
		case LINES_LNOTAB27:
			line = linetable_lnotab27(ci->linetable,
			                          ci->linetable_len,
			                          ci->firstlineno, addr);
			break;
		case LINES_LNOTAB:
			line = linetable_lnotab(ci->linetable,
			                        ci->linetable_len,
			                        ci->firstlineno, addr);
			break;
		case LINES_LINETABLE310:
			line = linetable_310(ci->linetable, ci->linetable_len,
			                     ci->firstlineno, addr);
			break;
		case LINES_LOCATIONS:
			line = linetable_locations(ci->linetable,
			                           ci->linetable_len,
			                           ci->firstlineno, addr);
			break;
		}
	}
	return line > 0 ? line : ci->firstlineno;
}

int code_line(struct code_info *ci, enum line_format format, int addr)
{
	if (addr < 0)
		return ci->firstlineno; /* the frame has not started yet */
	unsigned slot = ((unsigned)addr >> 1) & (LINE_MEMO - 1);
	if (ci->memo_addr[slot] != addr) {
		ci->memo_line[slot] = decode_line(ci, format, addr);
		ci->memo_addr[slot] = addr;
	}
	return ci->memo_line[slot];
}
