/*
 * A counting allocator for ingroute_options.allocator, shared by the
 * benchmarks: the bytes asked for that are live, and their peak. Each
 * block carries a 16-byte header with its size, not counted. Counts are
 * atomic, so threads may allocate through it.
 */
#ifndef INGROUTE_BENCH_COUNT_ALLOC_H
#define INGROUTE_BENCH_COUNT_ALLOC_H

#include <stdlib.h>

#include "ingroute.h"

static size_t count_live, count_peak;

static void count_add(size_t add, size_t sub)
{
	size_t now = __atomic_add_fetch(&count_live, add - sub, __ATOMIC_RELAXED);
	size_t peak = __atomic_load_n(&count_peak, __ATOMIC_RELAXED);

	while (now > peak &&
	       !__atomic_compare_exchange_n(&count_peak, &peak, now, 1,
	                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void *count_malloc(void *ctx, size_t n)
{
	size_t *p = malloc(n + 16);

	(void)ctx;
	if (!p)
		return NULL;
	p[0] = n;
	count_add(n, 0);
	return (char *)p + 16;
}

static void count_free(void *ctx, void *q)
{
	size_t *p;

	(void)ctx;
	if (!q)
		return;
	p = (size_t *)((char *)q - 16);
	count_add(0, p[0]);
	free(p);
}

static void *count_realloc(void *ctx, void *q, size_t n)
{
	size_t *p, old;

	if (!q)
		return count_malloc(ctx, n);
	p = (size_t *)((char *)q - 16);
	old = p[0];
	p = realloc(p, n + 16);
	if (!p)
		return NULL;
	p[0] = n;
	count_add(n, old);
	return (char *)p + 16;
}

static const ingroute_allocator counting = { count_malloc, count_realloc,
                                             count_free, NULL };

#endif
