/* An index from keys to the ids of the table that holds them.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Open addressing with linear probing, kept at most half full, doubling.
 * The index holds ids and the low bits of their keys' hashes: the caller
 * hashes its keys and compares them with its table's items, and only
 * those whose hash bits match are compared. Ids are below IDINDEX_NONE.
 *
 *	size_t slot;
 *	uint32_t id = idindex_lookup(&x, n, hash(key), same, table, key,
 *	                             &slot);
 *	if (id != IDINDEX_NONE || slot == IDINDEX_NO_ROOM)
 *		return id;
 *	id = add(table, key);
 *	idindex_set(&x, slot, id);
 *
 * The lookup is inline: the sampler interns through it (-b), and a
 * constant `same` is then called directly, or inlined. */
#ifndef AUSTINC_IDINDEX_H
#define AUSTINC_IDINDEX_H

#include <stddef.h>
#include <stdint.h>

#define IDINDEX_NONE    UINT32_MAX
#define IDINDEX_NO_ROOM SIZE_MAX

struct idindex_slot {
	uint32_t id;   /* id + 1; 0 when empty */
	uint32_t hash; /* its key's hash, the low bits: enough to place it */
};

struct idindex {
	struct idindex_slot *slots;
	size_t capacity; /* a power of two, or 0 */
};

/* Whether the item with this id is key. */
typedef int (*idindex_same_fn)(const void *table, uint32_t id, const void *key);

/* Double the index (or make its first slots) and place the ids again. */
int idindex_grow(struct idindex *x);

void idindex_free(struct idindex *x);

/* Find key among the n ids of the index, making room for one more first:
 * its id, or IDINDEX_NONE with *slot the empty slot where its id goes
 * (idindex_set), or IDINDEX_NO_ROOM when out of memory. */
static inline uint32_t idindex_lookup(struct idindex *x, size_t n,
                                      uint64_t hash, idindex_same_fn same,
                                      const void *table, const void *key,
                                      size_t *slot)
{
	*slot = IDINDEX_NO_ROOM;
	if ((n + 1) * 2 > x->capacity && idindex_grow(x))
		return IDINDEX_NONE;
	size_t mask = x->capacity - 1;
	size_t at = hash & mask;
	for (; x->slots[at].id; at = (at + 1) & mask) {
		const struct idindex_slot *s = &x->slots[at];
		if (s->hash == (uint32_t)hash && same(table, s->id - 1, key))
			return s->id - 1;
	}
	/* The hash goes in now: the slot stays empty until it has an id. */
	x->slots[at].hash = (uint32_t)hash;
	*slot = at;
	return IDINDEX_NONE;
}

/* Put id in the empty slot idindex_lookup named. */
static inline void idindex_set(struct idindex *x, size_t slot, uint32_t id)
{
	x->slots[slot].id = id + 1;
}

#endif
