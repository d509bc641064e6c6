/*
 * Bump allocation in chunks. An Ingress and everything it owns live in one
 * arena, so replacing or removing it is one walk over a few chunks.
 */
#include <string.h>

#include "internal.h"

struct ig_arena_chunk {
	ig_arena_chunk *next;
	size_t size;
	/* max_align_t is C11; a union of the widest scalars serves. */
	union { long double ld; void *p; uint64_t u; } data[];
};

#define ARENA_MIN_CHUNK 1024u
#define ARENA_MAX_CHUNK (256u * 1024u)

void ingroute__arena_init(ig_arena *ar, const ig_alloc *a)
{
	memset(ar, 0, sizeof(*ar));
	ar->alloc = a;
}

void ingroute__arena_free(ig_arena *ar)
{
	ig_arena_chunk *c, *next;

	for (c = ar->head; c; c = next) {
		next = c->next;
		ingroute__free(ar->alloc, c);
	}
	ingroute__free(ar->alloc, ar->spare);
	ar->head = ar->spare = NULL;
	ar->cur = ar->end = NULL;
	ar->total = 0;
}

void *ingroute__arena_alloc(ig_arena *ar, size_t n)
{
	ig_arena_chunk *c;
	size_t size, want;
	char *p;

	if (n > SIZE_MAX - sizeof(ig_arena_chunk) - 8)
		return NULL;
	n = (n + 7u) & ~(size_t)7u;
	if (n == 0)
		n = 8;
	if ((size_t)(ar->end - ar->cur) >= n && ar->cur) {
		p = ar->cur;
		ar->cur += n;
		return p;
	}
	/* Chunks double with the arena's size so a big Ingress needs few of
	 * them, and a small one wastes little. */
	size = ar->total < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : ar->total;
	if (!ar->total && ar->first)
		size = ar->first;
	if (size > ARENA_MAX_CHUNK)
		size = ARENA_MAX_CHUNK;
	if (size < n)
		size = n;
	want = sizeof(ig_arena_chunk) + size;
	if (want < size)
		return NULL;
	if (ar->spare && ar->spare->size >= n) {
		c = ar->spare;
		ar->spare = NULL;
		size = c->size;
		want = sizeof(ig_arena_chunk) + size;
	} else if (!(c = ingroute__malloc(ar->alloc, want))) {
		return NULL;
	} else {
		c->size = size;
	}
	c->next = ar->head;
	ar->head = c;
	ar->total += want;
	p = (char *)c->data;
	ar->cur = p + n;
	ar->end = p + size;
	return p;
}

void *ingroute__arena_zalloc(ig_arena *ar, size_t n)
{
	void *p = ingroute__arena_alloc(ar, n);

	if (p)
		memset(p, 0, n);
	return p;
}

char *ingroute__arena_strndup(ig_arena *ar, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = ingroute__arena_alloc(ar, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t ingroute__arena_used(const ig_arena *ar)
{
	return ar->total - (size_t)(ar->end - ar->cur);
}

ig_arena_mark ingroute__arena_mark(const ig_arena *ar)
{
	ig_arena_mark m;

	m.head = ar->head;
	m.cur = ar->cur;
	m.end = ar->end;
	m.total = ar->total;
	return m;
}

void ingroute__arena_release(ig_arena *ar, ig_arena_mark m)
{
	ig_arena_chunk *c, *next;

	/* Releasing is done once per item of a big List: the largest chunk
	 * given back is kept for the next item rather than freed and
	 * allocated again. */
	for (c = ar->head; c && c != m.head; c = next) {
		next = c->next;
		if (!ar->spare || c->size > ar->spare->size) {
			ingroute__free(ar->alloc, ar->spare);
			ar->spare = c;
		} else {
			ingroute__free(ar->alloc, c);
		}
	}
	ar->head = m.head;
	ar->cur = m.cur;
	ar->end = m.end;
	ar->total = m.total;
}

void ingroute__arena_reset(ig_arena *ar)
{
	ig_arena_chunk *c, *next, *keep = NULL;

	/* Keep the largest chunk for the next round (the next document of a
	 * stream is usually like the last), free the rest. */
	for (c = ar->head; c; c = c->next)
		if (!keep || c->size > keep->size)
			keep = c;
	for (c = ar->head; c; c = next) {
		next = c->next;
		if (c != keep)
			ingroute__free(ar->alloc, c);
	}
	ar->head = keep;
	if (keep) {
		keep->next = NULL;
		ar->cur = (char *)keep->data;
		ar->end = ar->cur + keep->size;
		ar->total = sizeof(*keep) + keep->size;
	} else {
		ar->cur = ar->end = NULL;
		ar->total = 0;
	}
}
