/* Two-choice bounded cache.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "cache.h"

#include <stdlib.h>

struct slot {
	uint64_t key;  /* 0: empty */
	uint64_t used; /* clock of the last access */
	void *value;
};

struct cache {
	size_t mask;
	size_t count;
	uint64_t clock;
	struct slot slots[];
};

struct cache *cache_new(size_t capacity)
{
	size_t n = 16;
	while (n < capacity)
		n <<= 1;
	struct cache *c = calloc(1, sizeof *c + n * sizeof(struct slot));
	if (c)
		c->mask = n - 1;
	return c;
}

void cache_free(struct cache *c, void (*free_value)(void *))
{
	if (!c)
		return;
	for (size_t i = 0; free_value && i <= c->mask; i++)
		if (c->slots[i].key)
			free_value(c->slots[i].value);
	free(c);
}

/* Two independent slot choices from one 64-bit mix of the key. */
static void candidates(const struct cache *c, uint64_t key, size_t *a,
                       size_t *b)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	*a = (size_t)h & c->mask;
	*b = (size_t)(h >> 32) & c->mask;
	if (*b == *a)
		*b ^= 1; /* two distinct slots, always */
}

void *cache_get(struct cache *c, uint64_t key)
{
	size_t a, b;
	candidates(c, key, &a, &b);
	struct slot *s = c->slots[a].key == key   ? &c->slots[a]
	                 : c->slots[b].key == key ? &c->slots[b]
	                                          : NULL;
	if (!s || key == 0)
		return NULL;
	s->used = ++c->clock;
	return s->value;
}

void *cache_put(struct cache *c, uint64_t key, void *value)
{
	size_t a, b;
	candidates(c, key, &a, &b);
	struct slot *s;
	if (c->slots[a].key == key || c->slots[a].key == 0)
		s = &c->slots[a];
	else if (c->slots[b].key == key || c->slots[b].key == 0)
		s = &c->slots[b];
	else
		s = c->slots[a].used <= c->slots[b].used ? &c->slots[a]
		                                         : &c->slots[b];
	void *displaced = s->key ? s->value : NULL;
	if (!s->key)
		c->count++;
	s->key = key;
	s->value = value;
	s->used = ++c->clock;
	return displaced;
}

size_t cache_count(const struct cache *c)
{
	return c->count;
}

size_t cache_capacity(const struct cache *c)
{
	return c->mask + 1;
}
