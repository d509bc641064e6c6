/*
 * XXH3, inline, for the lookup: a call to ingroute__hash() costs a fifth
 * of hashing a short host. The one header that includes xxhash.h;
 * XXH_INLINE_ALL makes every XXH symbol static in the file that includes
 * this, so none leaks from the shared library and the system libxxhash is
 * not even linked.
 *
 * Where xxhash.h is not installed (the Go package compiles lib/ with
 * libyaml's headers alone), or with INGROUTE_OWN_HASH, a hash of this
 * file's own stands in: the tables only need a seeded, well-mixed 64-bit
 * hash, and the seeds are random either way.
 */
#ifndef INGROUTE_HASH_H
#define INGROUTE_HASH_H

#if !defined(INGROUTE_OWN_HASH) && defined(__has_include)
#if !__has_include(<xxhash.h>)
#define INGROUTE_OWN_HASH 1
#endif
#endif

#ifndef INGROUTE_OWN_HASH

#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t ig_hash(const void *data, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(data, len, seed);
}

#else

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The high and low halves of a 128-bit product, folded. */
static inline uint64_t ig_fold(uint64_t a, uint64_t b)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* Eight bytes at a time through a multiply-fold, the tail (zero-padded)
 * and the length last, so "a" and "a\0" differ. */
static inline uint64_t ig_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15u, w;
	size_t n = len;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = ig_fold(h ^ w, 0xa0761d6478bd642fu);
	}
	w = 0;
	memcpy(&w, p, n);
	h = ig_fold(h ^ w, 0xe7037ed1a0b428dbu);
	return ig_fold(h ^ (uint64_t)len, 0x8ebc6af09c88c6e3u);
}

#endif

#endif
