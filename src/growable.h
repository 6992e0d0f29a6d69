/* Arrays that grow: room for items of a size, in one block.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_GROWABLE_H
#define AUSTINC_GROWABLE_H

#include <stdint.h>
#include <stdlib.h>

/* Items a growing array has room for first. */
#define GROW_FIRST 16

/* Make *items room for exactly count items of size bytes (*capacity
 * becomes count). 0, or -1 with *items and *capacity as they were when
 * out of memory or past SIZE_MAX bytes. */
static inline int resize_array(void **items, size_t *capacity, size_t count,
                               size_t size)
{
	if (size && count > SIZE_MAX / size)
		return -1;
	size_t bytes = count * size;
	void *moved = realloc(*items, bytes);
	if (!moved && bytes != 0)
		return -1;
	*items = moved;
	*capacity = count;
	return 0;
}

/* Make room for need items in *items, which has room for *capacity: the
 * room doubles, from GROW_FIRST, until it is enough. 0, or -1 as
 * resize_array. */
static inline int grow_array(void **items, size_t *capacity, size_t need,
                             size_t size)
{
	if (need <= *capacity)
		return 0;
	size_t room = *capacity ? *capacity : GROW_FIRST;
	while (room < need) {
		if (room > SIZE_MAX / 2)
			return -1;
		room *= 2;
	}
	return resize_array(items, capacity, room, size);
}

#endif
