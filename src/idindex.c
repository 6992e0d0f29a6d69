/* An index from keys to ids: growing.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "idindex.h"

#include <stdlib.h>

/* Slots of a new index; at most 2^32, as the slots keep 32 bits of each
 * hash to place their ids by (ids are 32 bits: half of that will do). */
#define FIRST_CAPACITY 256
#define MAX_CAPACITY   (UINT64_C(1) << 32)

int idindex_grow(struct idindex *x)
{
	size_t capacity = x->capacity ? x->capacity * 2 : FIRST_CAPACITY;
	if ((uint64_t)capacity > MAX_CAPACITY)
		return -1;
	struct idindex_slot *slots = calloc(capacity, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < x->capacity; i++) {
		if (!x->slots[i].id)
			continue;
		size_t j = x->slots[i].hash & (capacity - 1);
		while (slots[j].id)
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
