/*
 * A set of namespace/name keys: open addressing, linear probing, deletion
 * by backward shift (no tombstones, so a set that churns stays fast).
 * Keys are made first and put later, so that a caller can make every
 * allocation before a commit that must not fail.
 */
#include <string.h>

#include "internal.h"

struct ig_key {
	uint64_t hash;
	uint32_t nslen;
	uint32_t namelen;
	char bytes[];      /* ns, then name */
};

uint64_t ingroute__key_hash(const char *ns, size_t nslen, const char *name,
                            size_t namelen)
{
	/* Seeded per process: crafted names cannot be made to collide. */
	return ingroute__hash(name, namelen,
	                      ingroute__hash(ns, nslen, ingroute__process_seed()));
}

ig_key *ingroute__key_new(const ig_alloc *a, const char *ns, size_t nslen,
                          const char *name, size_t namelen)
{
	ig_key *k;

	if (nslen > UINT32_MAX || namelen > UINT32_MAX)
		return NULL;
	k = ingroute__malloc(a, sizeof(*k) + nslen + namelen + 1);
	if (!k)
		return NULL;
	k->hash = ingroute__key_hash(ns, nslen, name, namelen);
	k->nslen = (uint32_t)nslen;
	k->namelen = (uint32_t)namelen;
	memcpy(k->bytes, ns, nslen);
	memcpy(k->bytes + nslen, name, namelen);
	k->bytes[nslen + namelen] = '\0';
	return k;
}

static int key_is(const ig_key *k, uint64_t h, const char *ns, size_t nslen,
                  const char *name, size_t namelen)
{
	return k->hash == h && k->nslen == nslen && k->namelen == namelen &&
	       memcmp(k->bytes, ns, nslen) == 0 &&
	       memcmp(k->bytes + nslen, name, namelen) == 0;
}

static size_t slot_of(const ig_keyset *ks, uint64_t h, const char *ns,
                      size_t nslen, const char *name, size_t namelen)
{
	size_t mask = ks->cap - 1, i = (size_t)h & mask;

	while (ks->slots[i] &&
	       !key_is(ks->slots[i], h, ns, nslen, name, namelen))
		i = (i + 1) & mask;
	return i;
}

int ingroute__keyset_reserve(ig_keyset *ks, const ig_alloc *a, size_t more)
{
	size_t want = ks->cap ? ks->cap : 16, i;
	ig_key **old = ks->slots, **slots;

	while (want < 2 * (ks->n + more))
		want *= 2;
	if (want == ks->cap)
		return 0;
	slots = ingroute__calloc(a, want, sizeof(*slots));
	if (!slots)
		return INGROUTE_ENOMEM;
	for (i = 0; i < ks->cap; i++) {
		size_t j;

		if (!old[i])
			continue;
		j = (size_t)old[i]->hash & (want - 1);
		while (slots[j])
			j = (j + 1) & (want - 1);
		slots[j] = old[i];
	}
	ingroute__free(a, old);
	ks->slots = slots;
	ks->cap = want;
	return 0;
}

void ingroute__keyset_put(ig_keyset *ks, const ig_alloc *a, ig_key *k)
{
	size_t i = slot_of(ks, k->hash, k->bytes, k->nslen, k->bytes + k->nslen,
	                   k->namelen);

	if (ks->slots[i]) {
		ingroute__free(a, k);
		return;
	}
	ks->slots[i] = k;
	ks->n++;
}

int ingroute__keyset_has(const ig_keyset *ks, const char *ns, size_t nslen,
                         const char *name, size_t namelen)
{
	if (!ks->n)
		return 0;
	return ks->slots[slot_of(ks, ingroute__key_hash(ns, nslen, name, namelen),
	                         ns, nslen, name, namelen)] != NULL;
}

void ingroute__keyset_del(ig_keyset *ks, const ig_alloc *a, const char *ns,
                          size_t nslen, const char *name, size_t namelen)
{
	size_t mask, i, j;

	if (!ks->n)
		return;
	mask = ks->cap - 1;
	i = slot_of(ks, ingroute__key_hash(ns, nslen, name, namelen), ns, nslen,
	            name, namelen);
	if (!ks->slots[i])
		return;
	ingroute__free(a, ks->slots[i]);
	ks->slots[i] = NULL;
	ks->n--;
	/* Move back every later key of the run that may no longer be found
	 * past the hole. */
	for (j = (i + 1) & mask; ks->slots[j]; j = (j + 1) & mask) {
		size_t home = (size_t)ks->slots[j]->hash & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			ks->slots[i] = ks->slots[j];
			ks->slots[j] = NULL;
			i = j;
		}
	}
}

void ingroute__keyset_clear(ig_keyset *ks, const ig_alloc *a)
{
	size_t i;

	for (i = 0; i < ks->cap; i++) {
		ingroute__free(a, ks->slots[i]);
		ks->slots[i] = NULL;
	}
	ks->n = 0;
}

void ingroute__keyset_free(ig_keyset *ks, const ig_alloc *a)
{
	size_t i;

	for (i = 0; i < ks->cap; i++)
		ingroute__free(a, ks->slots[i]);
	ingroute__free(a, ks->slots);
	memset(ks, 0, sizeof(*ks));
}
