/* An index from keys to ids: growing.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "idindex.h"

#include <stdlib.h>

/* Slots of a new index. */
#define FIRST_CAPACITY 256

int idindex_grow(struct idindex *x, idindex_hash_fn hash, const void *table)
{
	size_t capacity = x->capacity ? x->capacity * 2 : FIRST_CAPACITY;
	uint32_t *slots = calloc(capacity, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < x->capacity; i++) {
		if (!x->slots[i])
			continue;
		size_t j = hash(table, x->slots[i] - 1) & (capacity - 1);
		while (slots[j])
			j = (j + 1) & (capacity - 1);
		slots[j] = x->slots[i];
	}
	free(x->slots);
	x->slots = slots;
	x->capacity = capacity;
	return 0;
}

void idindex_free(struct idindex *x)
{
	free(x->slots);
	x->slots = NULL;
	x->capacity = 0;
}
