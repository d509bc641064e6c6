/*
 * The one translation unit that includes xxhash.h. XXH_INLINE_ALL makes
 * every XXH symbol static here, so none leaks from the shared library and
 * the system libxxhash is not even linked.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "internal.h"

uint64_t ingroute__hash(const void *data, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(data, len, seed);
}
