/* A bounded map from remote addresses to decoded objects.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * Every key has two candidate slots; a new key takes a free one or evicts
 * the less recently used of the two. Memory use is bounded by the capacity
 * fixed at creation, lookups cost two probes at most. */
#ifndef AUSTINC_CACHE_H
#define AUSTINC_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct cache;

/* A cache of at least capacity slots (rounded up to a power of two); NULL
 * when out of memory. */
struct cache *cache_new(size_t capacity);
void cache_free(struct cache *c, void (*free_value)(void *));

/* The value stored under key, or NULL. */
void *cache_get(struct cache *c, uint64_t key);

/* Store value under key (key 0 is reserved). Returns the value this displaced
 * — the old value of the same key or an evicted one — for the caller to free
 * once nothing refers to it, or NULL. */
void *cache_put(struct cache *c, uint64_t key, void *value);

size_t cache_count(const struct cache *c);
size_t cache_capacity(const struct cache *c);

#endif
