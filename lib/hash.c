/*
 * Hashing for the stages that need no inline copy of XXH3 (hash.h), and
 * the random seeds every table's hash starts from.
 */
#define _DEFAULT_SOURCE

#include <sys/random.h>
#include <time.h>

#include "internal.h"
#include "hash.h"

uint64_t ingroute__hash(const void *data, size_t len, uint64_t seed)
{
	return ig_hash(data, len, seed);
}

uint64_t ingroute__random_seed(const void *salt)
{
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s))
		s = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)salt ^
		    ((uint64_t)clock() << 32);
	return s;
}

uint64_t ingroute__process_seed(void)
{
	static uint64_t seed;
	uint64_t s = __atomic_load_n(&seed, __ATOMIC_RELAXED);

	/* Racing first callers may each draw a seed; compare-and-swap keeps
	 * the first, and every caller returns that one. */
	if (s == 0) {
		uint64_t mine = ingroute__random_seed(&seed) | 1;
		uint64_t expected = 0;

		__atomic_compare_exchange_n(&seed, &expected, mine, 0,
		                            __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		s = __atomic_load_n(&seed, __ATOMIC_RELAXED);
	}
	return s;
}
