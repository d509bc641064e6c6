/*
 * Shared by the C tests: a counting allocator that fails the Nth
 * allocation (SQLite-style fault injection), and whole-file reads.
 */
#ifndef INGROUTE_TESTUTIL_H
#define INGROUTE_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "ingroute.h"

typedef struct test_alloc {
	size_t calls;     /* allocations attempted (malloc and realloc) */
	size_t fail_at;   /* 1-based call that fails; 0 never */
	long live;        /* blocks not yet freed */
	int failed;       /* fail_at was reached */
} test_alloc;

static inline void *fault_malloc(void *ctx, size_t n)
{
	test_alloc *t = ctx;
	void *p;

	if (++t->calls == t->fail_at) {
		t->failed = 1;
		return NULL;
	}
	p = malloc(n);
	if (p)
		t->live++;
	return p;
}

static inline void *fault_realloc(void *ctx, void *old, size_t n)
{
	test_alloc *t = ctx;
	void *p;

	if (++t->calls == t->fail_at) {
		t->failed = 1;
		return NULL;
	}
	p = realloc(old, n);
	if (p && !old)
		t->live++;
	return p;
}

static inline void fault_free(void *ctx, void *p)
{
	test_alloc *t = ctx;

	if (p) {
		t->live--;
		free(p);
	}
}

static inline void test_alloc_init(test_alloc *t, ingroute_allocator *a, size_t fail_at)
{
	t->calls = 0;
	t->fail_at = fail_at;
	t->live = 0;
	t->failed = 0;
	a->malloc_fn = fault_malloc;
	a->realloc_fn = fault_realloc;
	a->free_fn = fault_free;
	a->ctx = t;
}

static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

#endif
