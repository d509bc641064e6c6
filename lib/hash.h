/*
 * XXH3, inline, for the lookup: a call to ingroute__hash() costs a fifth
 * of hashing a short host. The one header that includes xxhash.h;
 * XXH_INLINE_ALL makes every XXH symbol static in the file that includes
 * this, so none leaks from the shared library and the system libxxhash is
 * not even linked.
 */
#ifndef INGROUTE_HASH_H
#define INGROUTE_HASH_H

#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t ig_hash(const void *data, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(data, len, seed);
}

#endif
