/* An index from keys to the ids of the table that holds them.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Open addressing with linear probing, kept at most half full, doubling.
 * The index holds ids only: the caller hashes its keys and compares them
 * with its table's items. Ids are below IDINDEX_NONE.
 *
 *	if (idindex_reserve(&x, n, hash_item, table))
 *		return NONE;
 *	size_t slot = idindex_find(&x, hash(key), same_item, table, key);
 *	uint32_t id = idindex_id(&x, slot);
 *	if (id == IDINDEX_NONE) {
 *		id = add(table, key);
 *		idindex_set(&x, slot, id);
 *	}
 *
 * The lookup is inline: the sampler interns through it (-b) and a
 * constant `same` is then called directly, or inlined. */
#ifndef AUSTINC_IDINDEX_H
#define AUSTINC_IDINDEX_H

#include <stddef.h>
#include <stdint.h>

#define IDINDEX_NONE UINT32_MAX

struct idindex {
	uint32_t *slots; /* id + 1; 0 when empty */
	size_t capacity; /* a power of two, or 0 */
};

/* The hash of the item with this id, as the key was hashed. */
typedef uint64_t (*idindex_hash_fn)(const void *table, uint32_t id);
/* Whether the item with this id is key. */
typedef int (*idindex_same_fn)(const void *table, uint32_t id, const void *key);

/* Double the index (or make its first slots) and place the ids again. */
int idindex_grow(struct idindex *x, idindex_hash_fn hash, const void *table);

void idindex_free(struct idindex *x);

/* Room for one more id with n in the index: 0, or -1 out of memory. Call
 * it before idindex_find, which needs an empty slot to end on. */
static inline int idindex_reserve(struct idindex *x, size_t n,
                                  idindex_hash_fn hash, const void *table)
{
	if ((n + 1) * 2 <= x->capacity)
		return 0;
	return idindex_grow(x, hash, table);
}

/* The slot holding the id of key, or the empty one where it goes. */
static inline size_t idindex_find(const struct idindex *x, uint64_t hash,
                                  idindex_same_fn same, const void *table,
                                  const void *key)
{
	size_t mask = x->capacity - 1;
	size_t slot = hash & mask;
	while (x->slots[slot] && !same(table, x->slots[slot] - 1, key))
		slot = (slot + 1) & mask;
	return slot;
}

/* The id in a slot, or IDINDEX_NONE when it is empty. */
static inline uint32_t idindex_id(const struct idindex *x, size_t slot)
{
	return x->slots[slot] - 1;
}

/* Put id in the empty slot idindex_find returned. */
static inline void idindex_set(struct idindex *x, size_t slot, uint32_t id)
{
	x->slots[slot] = id + 1;
}

#endif
