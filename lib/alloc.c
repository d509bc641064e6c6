/*
 * The pluggable allocator. Every object remembers the allocator it was made
 * with, so a caller's failing or counting allocator sees every byte.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *libc_malloc(void *ctx, size_t n)
{
	IG_UNUSED(ctx);
	return malloc(n);
}

static void *libc_realloc(void *ctx, void *p, size_t n)
{
	IG_UNUSED(ctx);
	return realloc(p, n);
}

static void libc_free(void *ctx, void *p)
{
	IG_UNUSED(ctx);
	free(p);
}

const ig_alloc ingroute__default_alloc = {
	libc_malloc, libc_realloc, libc_free, NULL
};

void *ingroute__malloc(const ig_alloc *a, size_t n)
{
	return a->malloc_fn(a->ctx, n ? n : 1);
}

void *ingroute__calloc(const ig_alloc *a, size_t count, size_t n)
{
	void *p;

	if (n && count > SIZE_MAX / n)
		return NULL;
	p = ingroute__malloc(a, count * n);
	if (p)
		memset(p, 0, (count * n) != 0 ? count * n : 1);
	return p;
}

void *ingroute__realloc(const ig_alloc *a, void *p, size_t n)
{
	return a->realloc_fn(a->ctx, p, n ? n : 1);
}

void ingroute__free(const ig_alloc *a, void *p)
{
	if (p)
		a->free_fn(a->ctx, p);
}

int ingroute__grow(const ig_alloc *a, void **items, size_t *cap, size_t need,
                   size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return INGROUTE_ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return INGROUTE_ENOMEM;
	p = ingroute__realloc(a, *items, ncap * elem);
	if (!p)
		return INGROUTE_ENOMEM;
	*items = p;
	*cap = ncap;
	return 0;
}
