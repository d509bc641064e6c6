/*
 * The lookup: docs/semantics.md §4 to §6 over the tables compile.c built. Nothing
 * here allocates or writes to the router, so any number of threads may
 * share one. The normalised host and path live in stack buffers.
 */
#include <string.h>

#include "hash.h"
#include "normal.h"

/* The lookup's steps are inlined into each of its two instances (below),
 * so that neither pays for a call per step. */
#if defined(__GNUC__)
#define STEP static inline __attribute__((always_inline))
#else
#define STEP static inline
#endif

/* The first published layouts end with these members. */
#define MATCH_V1_SIZE (offsetof(ingroute_match, default_source) + sizeof(int))
#define TLS_V1_SIZE (offsetof(ingroute_tls_match, ingress_name) + sizeof(char *))

size_t ingroute_max_path(void)
{
	return IG_MAX_PATH;
}

size_t ingroute_match_size(void)
{
	return sizeof(ingroute_match);
}

size_t ingroute_tls_match_size(void)
{
	return sizeof(ingroute_tls_match);
}

/* n bytes at a and b are the same: word compares inline, where a call
 * to memcmp would cost more than the compare of a short key. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;
	size_t i;

#if defined(__SSE2__)
	if (n >= 16) {
		for (i = 0; i + 16 < n; i += 16)
			if (_mm_movemask_epi8(_mm_cmpeq_epi8(
			        _mm_loadu_si128((const __m128i *)(const void *)(a + i)),
			        _mm_loadu_si128((const __m128i *)(const void *)(b + i)))) != 0xffff)
				return 0;
		return _mm_movemask_epi8(_mm_cmpeq_epi8(
		        _mm_loadu_si128((const __m128i *)(const void *)(a + n - 16)),
		        _mm_loadu_si128((const __m128i *)(const void *)(b + n - 16)))) == 0xffff;
	}
#endif
	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] &&
	                  a[n - 1] == b[n - 1]);
}

/* The host-table slot of a host (of its suffix after "*." in the wildcard
 * table), or NULL. A hash hit is confirmed against the host bytes, kept
 * at the start of a small host's region, else in the pool. */
STEP const ig_host_slot *find_slot(const ingroute_router *r, const char *host,
                                     size_t n, int wildcard)
{
	const ig_host_slot *t = wildcard ? r->wild_hosts : r->exact_hosts;
	uint64_t h = ig_hash(host, n, ig_host_seed(r->seed, wildcard));
	uint32_t i = (uint32_t)h & r->host_mask;
	size_t skip = wildcard ? 2 : 0;

	for (; t[i].vhost != IG_NONE; i = (i + 1) & r->host_mask) {
		const char *bytes;
		size_t len;

		if (t[i].hash != h)
			continue;
		if (t[i].region != IG_NONE) {
			const ig_region *g = (const ig_region *)(const void *)
			                     (r->blob + t[i].region);

#if defined(__GNUC__)
			{
				/* The region's next lines, asked for together now
				 * instead of one after another as the scan reaches
				 * them (where they miss, each a trip to memory). */
				const char *at = (const char *)g;

				__builtin_prefetch(at + 64);
				__builtin_prefetch(at + 128);
				__builtin_prefetch(at + 192);
				__builtin_prefetch(at + 256);
				__builtin_prefetch(at + 320);
				__builtin_prefetch(at + 384);
				__builtin_prefetch(at + 448);
			}
#endif
			bytes = (const char *)(g + 1);
			len = g->host_len;
		} else {
			bytes = r->pool + r->vhosts[t[i].vhost].host;
			len = r->vhosts[t[i].vhost].host_len;
		}
		if (len - skip == n && same_bytes(bytes + skip, host, n))
			return &t[i];
	}
	return NULL;
}

/* Which of a region's rules have a fingerprint that the path's first
 * four bytes (p, zero-padded) agree with: bit i for rule i. */
static inline unsigned fp_hits(const uint32_t *fps, size_t n4, uint32_t p)
{
	const uint32_t *masks = fps + n4;
	unsigned hits = 0;
#if defined(__SSE2__)
	const __m128i want = _mm_set1_epi32((int)p);

	/* At most four groups (IG_SMALL_VHOST rules), unrolled: no loop to
	 * count. */
#define QUAD(q) ((unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32( \
	_mm_and_si128(_mm_xor_si128(want, _mm_loadu_si128( \
		(const __m128i *)(const void *)(fps + 4 * (q)))), \
		_mm_loadu_si128((const __m128i *)(const void *)(masks + 4 * (q)))), \
	_mm_setzero_si128()))) << (4 * (q)))
	_Static_assert(IG_SMALL_VHOST <= 16, "fp_hits() reads four groups");
	switch (n4 / 4) {
	case 4:
		hits |= QUAD(3);
		/* fall through */
	case 3:
		hits |= QUAD(2);
		/* fall through */
	case 2:
		hits |= QUAD(1);
		/* fall through */
	default:
		hits |= QUAD(0);
	}
#undef QUAD
#else
	size_t i;

	for (i = 0; i < n4; i++)
		if (((fps[i] ^ p) & masks[i]) == 0)
			hits |= 1u << i;
#endif
	return hits;
}

/* A small host: the first rule in rank order that accepts the path. */
STEP const ig_sentry *best_in_region(const ingroute_router *r,
                                       uint32_t region, const char *path,
                                       size_t n)
{
	const ig_region *g = ig_region_at(r, region);
	const uint32_t *fps = ig_region_fps(r, region);
	size_t n4 = ig_region_n4(g), i;
	const ig_sentry *ents = (const ig_sentry *)(const void *)(fps + 2 * n4);
	uint32_t fp = 0;
	unsigned hits;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The loop below, in one load, for the paths long enough. */
	if (n >= 4)
		memcpy(&fp, path, 4);
	else
#endif
	for (i = 0; i < n && i < 4; i++)
		fp |= (uint32_t)(unsigned char)path[i] << (8 * i);
	/* Padding rules past ncands have mask 0 and always "agree". */
	hits = fp_hits(fps, n4, fp) & ((1u << g->ncands) - 1);
	for (; hits; hits &= hits - 1) {
		const ig_sentry *e = ents + ig_low_bit(hits);
		size_t kl = e->key_len;

		if (kl > n)
			continue;
		if (e->match == IG_M_EXACT ? kl != n
		    : e->match == IG_M_ELEMENT && kl != 0 && kl != n && path[kl] != '/')
			continue;
		if (kl <= 4 || same_bytes((const char *)g + e->key_off + 4, path + 4,
		                          kl - 4))
			return e;
	}
	return NULL;
}

/* The child of a trie node whose label starts with byte b, or IG_NONE:
 * children are sorted by first byte, and their first bytes sit side by
 * side in firsts (with 16 bytes of slack at its end), so 16 are compared
 * at once. */
static inline uint32_t child_with(const ingroute_router *r,
                                  const ig_rnode *nd, unsigned char b)
{
	uint32_t k = nd->kids, end = nd->kids + nd->nkids;

#if defined(__SSE2__)
	const __m128i want = _mm_set1_epi8((char)b);

	if (nd->nkids <= IG_NODE_KIDFIRST) {
		unsigned hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(want,
			_mm_loadl_epi64((const __m128i *)(const void *)nd->kidfirst)));

		hit &= (1u << nd->nkids) - 1;
		return hit ? k + ig_low_bit(hit) : IG_NONE;
	}
	for (; k < end; k += 16) {
		unsigned hit = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(want,
			_mm_loadu_si128((const __m128i *)(const void *)(r->firsts + k))));

		if (end - k < 16)
			hit &= (1u << (end - k)) - 1;
		if (hit)
			return k + ig_low_bit(hit);
	}
#else
	for (; k < end; k++)
		if (r->firsts[k] == b)
			return k;
#endif
	return IG_NONE;
}

/* A large host's winning candidate for a path, or IG_NONE: the lowest
 * candidate index among the exact-table hit and every trie node the path
 * walks through whose rules accept it there. An Exact rule that accepts
 * the path wins outright (§6 step 2: no rule accepting it is longer, and
 * at the same length Exact comes first), so its hit ends the search; one
 * that is ImplementationSpecific read as Exact may still lose to a Prefix
 * of the same length, in the trie. */
STEP uint32_t best_in_vhost(const ingroute_router *r, uint32_t vh,
                            const char *path, size_t n)
{
	const ig_vhost *v = &r->vhosts[vh];
	uint32_t best = IG_NONE, node, i = 0;

	if (v->has_exact) {
		uint64_t h = ig_hash(path, n, ig_path_seed(r->seed, vh));
		uint32_t s = (uint32_t)h & r->exact_mask;

		for (; r->exact[s].vhost != IG_NONE; s = (s + 1) & r->exact_mask) {
			const ig_cand *c = &r->cands[v->cand_base +
			                             (r->exact[s].cand - v->first_cand)];

			if (r->exact[s].hash == h && r->exact[s].vhost == vh &&
			    c->path_len == n && same_bytes(r->pool + c->path, path, n)) {
				best = r->exact[s].cand;
				if (IG_CAND_TYPE(c) == IG_PT_EXACT)
					return best;
				break;
			}
		}
	}
	node = v->root;
	if (node == IG_NONE)
		return best;
	for (;;) {
		const ig_rnode *nd = &r->nodes[node];
		uint32_t win = (i == 0 || i == n || path[i] == '/') ? nd->at_boundary
		                                                    : nd->anywhere;

		if (win < best)
			best = win;
		if (i == n || nd->nkids == 0)
			break;
#if defined(__GNUC__)
		/* The children lie side by side: their first line is asked for
		 * while their first bytes are searched. */
		__builtin_prefetch(&r->nodes[nd->kids]);
#endif
		node = child_with(r, nd, (unsigned char)path[i]);
		if (node == IG_NONE)
			break;
		/* Its label's first byte is the one just found; the next four
		 * are in the node; only a longer label needs the pool. */
		nd = &r->nodes[node];
		if (nd->key_len > n - i)
			break;
		if (nd->key_len > 1) {
			size_t m = nd->key_len - 1 < 4 ? nd->key_len - 1 : 4, k;
			uint32_t got = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			if (m == 4)
				memcpy(&got, path + i + 1, 4);
			else
#endif
			for (k = 0; k < m; k++)
				got |= (uint32_t)(unsigned char)path[i + 1 + k] << (8 * k);
			if (got != nd->head ||
			    (nd->key_len > 5 && !same_bytes(r->pool + nd->key + 5, path + i + 5,
			                                     nd->key_len - 5)))
				break;
		}
		i += nd->key_len;
	}
	return best;
}

static void fill_backend(const ingroute_router *r, uint32_t b, ingroute_match *m)
{
	const ig_rbackend *rb = &r->backends[b];

	m->backend_ns = r->pool + rb->ns;
	if (rb->service != IG_NONE) {
		m->backend_kind = INGROUTE_BACKEND_SERVICE;
		m->service = r->pool + rb->service;
		m->port_name = ig_str_at(r, rb->port_name);
		m->port_number = rb->port_number;
	} else {
		m->backend_kind = INGROUTE_BACKEND_RESOURCE;
		m->resource_api_group = ig_str_at(r, rb->api_group);
		m->resource_kind = ig_str_at(r, rb->kind);
		m->resource_name = ig_str_at(r, rb->name);
	}
	if (rb->ing_name != IG_NONE) {
		m->ingress_ns = m->backend_ns;
		m->ingress_name = r->pool + rb->ing_name;
	}
}

/* The request, and the buffers a Host or path that needs normalising is
 * written to (IG_MAX_HOST + 1 and IG_MAX_PATH + 2 bytes). Apart from the
 * record, whose address a call would otherwise see escape with its
 * buffers, so that every field had to be read back from memory. */
typedef struct req {
	const char *host, *path;
	size_t hlen, plen;
	char *hostbuf, *pathbuf;
} req;

/* What one lookup works with, kept apart from the record it may write
 * so that it never escapes and stays in registers: the record (ig_lookup)
 * is the caller's, and every call into another file would oblige the
 * compiler to read its fields back. */
typedef struct search {
	const char *h, *p;    /* the request as the tables are keyed */
	size_t hn, pn;
	int how;              /* IG_LOOKUP_HOST_NAME | IG_LOOKUP_PATH_OK */
	uint32_t order[3];    /* the virtual hosts asked, in order */
	uint32_t region[3];   /* ... and their regions, when known */
	uint32_t norder;
	const ig_host_slot *exact;   /* the host's slot in the exact table */
	size_t dot;           /* where h's first '.' is (hn: none), or
	                       * SIZE_MAX when not looked for yet */
} search;

/* §4: the request as the tables are keyed, and the host's slot in the
 * exact-host table. A raw Host found there is normal (the table holds
 * only hosts normalising leaves as they are: compile-index.c), so the
 * common request costs the probe and no check; one not found costs the
 * check, and only a Host that needs normalising a second probe. A path
 * that is already normal is matched in place; a raw router takes both as
 * given. */
STEP void normalize_request(const ingroute_router *r, const req *q,
                            search *s)
{
	const char *host = q->host, *path = q->path;
	size_t hlen = q->hlen, plen = q->plen;
	int host_name, path_ok;

	s->exact = NULL;
	s->dot = SIZE_MAX;
	if (r->flags & INGROUTE_OPT_NO_NORMALIZE) {
		host_name = hlen > 0 && hlen <= IG_MAX_HOST;
		path_ok = plen <= IG_MAX_PATH;
		s->h = host;
		s->hn = hlen <= IG_MAX_HOST ? hlen : 0;
		s->p = path;
		s->pn = path_ok ? plen : 0;
		if (host_name)
			s->exact = find_slot(r, host, hlen, 0);
	} else {
		/* Out parameters of their own: s's address must not escape. */
		const char *np;
		size_t hn, pn, dot = SIZE_MAX;

		if (hlen > 0 && hlen <= IG_MAX_HOST)
			s->exact = find_slot(r, host, hlen, 0);
		if (s->exact || ig_host_is_normal_dot(host, hlen, &dot)) {
			host_name = 1;
			s->h = host;
			hn = hlen;
			s->dot = dot;
		} else {
			host_name = ingroute__normalize_host(host, hlen, q->hostbuf,
			                                     &hn) == IG_HOST_NAME;
			s->h = q->hostbuf;
			if (host_name)
				s->exact = find_slot(r, q->hostbuf, hn, 0);
		}
		if (plen <= IG_MAX_PATH && ig_path_is_normal(path, plen)) {
			path_ok = 1;
			np = path;
			pn = plen;
		} else {
			path_ok = ingroute__normalize_path(path, plen, q->pathbuf,
			                                   &np, &pn) == 0;
		}
		s->hn = hn;
		s->p = path_ok ? np : path;
		s->pn = path_ok ? pn : 0;
	}
	s->how = (host_name ? IG_LOOKUP_HOST_NAME : 0) |
	         (path_ok ? IG_LOOKUP_PATH_OK : 0);
}

STEP void set_probe(ig_probe *p, int kind, const char *name,
                    size_t n, uint32_t vhost)
{
	p->kind = (uint8_t)kind;
	p->vhost = vhost;
	p->name = name;
	p->name_len = n;
}

STEP void join(search *s, uint32_t vhost, uint32_t region)
{
	s->region[s->norder] = region;
	s->order[s->norder++] = vhost;
}

/* §5: the exact host, then its one-label wildcard, then the rules
 * without a host. Without fall-through the first that exists ends the
 * search; probe_all still looks for the others (without letting them
 * join), and record notes every one looked for. */
STEP void find_vhosts(const ingroute_router *r, ig_lookup *lk,
                      search *s, int fall, const int record,
                      int probe_all)
{
	const char *h = s->h;
	size_t n = s->hn;
	uint32_t np = 0;

	s->norder = 0;
	if (s->how & IG_LOOKUP_HOST_NAME) {
		const ig_host_slot *t = s->exact;
		const char *dot;

		if (record)
			set_probe(&lk->probes[np++], IG_VH_EXACT, h, n,
			          t ? t->vhost : IG_NONE);
		if (t)
			join(s, t->vhost, t->region);
		/* The wildcard is looked for only when it may be asked. */
		if (s->norder != 0 && !fall && !probe_all)
			dot = NULL;
		else if (s->dot != SIZE_MAX)
			dot = s->dot < n ? h + s->dot : NULL;
		else
			dot = memchr(h, '.', n);
		if (dot && dot + 1 < h + n) {
			size_t sn = (size_t)(h + n - dot - 1);

			t = find_slot(r, dot + 1, sn, 1);
			if (record)
				set_probe(&lk->probes[np++], IG_VH_WILDCARD, dot + 1, sn,
				          t ? t->vhost : IG_NONE);
			if (t && (s->norder == 0 || fall))
				join(s, t->vhost, t->region);
		}
	}
	if (record) {
		set_probe(&lk->probes[np++], IG_VH_ANY, "", 0, r->any_vhost);
		lk->nprobes = np;
	}
	if (r->any_vhost != IG_NONE && (s->norder == 0 || fall))
		join(s, r->any_vhost, IG_NONE);
}

/* A small host's winning entry, straight into the answer. */
STEP void answer_entry(const ingroute_router *r, const ig_region *g,
                       const ig_sentry *e, ingroute_match *m)
{
	m->decision = INGROUTE_DECISION_PATH;
	m->vhost_kind = g->kind;
	m->backend_ns = m->ingress_ns = r->pool + e->ns;
	m->ingress_name = r->pool + e->ing_name;
	if (e->type & IG_SENTRY_RESOURCE) {
		m->backend_kind = INGROUTE_BACKEND_RESOURCE;
		m->resource_kind = r->pool + e->be.res.kind;
		m->resource_name = r->pool + e->be.res.name;
		m->resource_api_group = ig_str_at(r, e->be.res.api_group);
	} else {
		m->backend_kind = INGROUTE_BACKEND_SERVICE;
		m->service = r->pool + e->be.svc.name;
		m->port_name = ig_str_at(r, e->be.svc.port_name);
		m->port_number = e->be.svc.port_number;
	}
	m->rule_host = r->pool + g->host;
	m->rule_path = r->pool + e->path;
	m->path_type = IG_SENTRY_TYPE(e);
}

/* Asks virtual host vh (with its region, when known) for the path; on a
 * hit fills the answer and returns the rule's place among its virtual
 * host's rules, else IG_NONE. */
STEP uint32_t ask_vhost(const ingroute_router *r, uint32_t vh,
                        uint32_t region, const char *p, size_t pn,
                        ingroute_match *m)
{
	const ig_vhost *v = NULL;
	const ig_cand *c;
	uint32_t best;

	if (region == IG_NONE) {
		v = &r->vhosts[vh];
		region = v->small ? v->region : IG_NONE;
	}
	if (region != IG_NONE) {
		/* A small host answers from its region alone. */
		const ig_region *g = (const ig_region *)(const void *)
		                     (r->blob + region);
		const ig_sentry *e = best_in_region(r, region, p, pn);

		if (!e)
			return IG_NONE;
		answer_entry(r, g, e, m);
		return (uint32_t)(e - ig_region_rules(r, region));
	}
	best = best_in_vhost(r, vh, p, pn);
	if (best == IG_NONE)
		return IG_NONE;
	c = &r->cands[v->cand_base + (best - v->first_cand)];
	m->decision = INGROUTE_DECISION_PATH;
	m->vhost_kind = v->kind;
	fill_backend(r, c->backend, m);
	m->rule_host = r->pool + v->host;
	m->rule_path = r->pool + c->path;
	m->path_type = IG_CAND_TYPE(c);
	return best - v->first_cand;
}

/* §6 step 3: the chosen virtual host's own default, else the global one.
 * Returns the backend record, or IG_NONE. */
STEP uint32_t answer_default(const ingroute_router *r,
                             uint32_t chosen, ingroute_match *m)
{
	uint32_t b = IG_NONE;

	m->vhost_kind = chosen == IG_NONE ? INGROUTE_VHOST_NONE
	                                  : r->vhosts[chosen].kind;
	if (chosen != IG_NONE && r->vhosts[chosen].default_backend != IG_NONE) {
		m->decision = INGROUTE_DECISION_DEFAULT;
		m->default_source = INGROUTE_DEFAULT_VHOST;
		b = r->vhosts[chosen].default_backend;
	} else if (r->global_default != IG_NONE) {
		m->decision = INGROUTE_DECISION_DEFAULT;
		m->default_source = r->global_source;
		b = r->global_default;
	}
	if (b != IG_NONE)
		fill_backend(r, b, m);
	return b;
}

/* Everything but the answer: the normalised request, the search order,
 * and what decided. */
STEP void write_record(ig_lookup *lk, const search *s, uint32_t vh,
                       uint32_t rank, uint32_t backend)
{
	uint32_t k;

	lk->how = s->how;
	lk->nhost = s->h;
	lk->nhost_len = s->hn;
	lk->npath = s->p;
	lk->npath_len = s->pn;
	for (k = 0; k < s->norder; k++) {
		lk->order[k] = s->order[k];
		lk->region[k] = s->region[k];
	}
	lk->norder = s->norder;
	lk->vhost = vh;
	lk->rank = rank;
	lk->backend = backend;
}

/* memset(m, 0, sizeof(*m)), as 16-byte stores written out: for a struct
 * this size the compiler emits rep stos (also for a loop of stores),
 * whose start-up costs more than the stores. A store past the end is
 * moved back to end there, overlapping the one before. */
_Static_assert(sizeof(ingroute_match) >= 16 && sizeof(ingroute_match) <= 128,
               "zero_answer() covers 16 to 128 bytes");

STEP void zero_answer(ingroute_match *m)
{
#if defined(__SSE2__)
	char *p = (char *)m;
	const __m128i z = _mm_setzero_si128();
#define ZERO16(o) _mm_storeu_si128((__m128i *)(void *)(p + \
	((o) + 16 <= sizeof(*m) ? (o) : sizeof(*m) - 16)), z)

	ZERO16(0); ZERO16(16); ZERO16(32); ZERO16(48);
	ZERO16(64); ZERO16(80); ZERO16(96); ZERO16(112);
#undef ZERO16
#else
	memset(m, 0, sizeof(*m));
#endif
}

/* The lookup, in two instances: ingroute_router_match() runs it with
 * record 0, so the record costs the hot path nothing (the compiler drops
 * every line of it), and explain with record 1. */
STEP void lookup(const ingroute_router *r, const req *q, ingroute_match *m,
                 ig_lookup *lk, const int record, int probe_all)
{
	int fall = (r->flags & INGROUTE_OPT_FALLTHROUGH) != 0;
	size_t size = m->size;
	uint32_t k, tries, rank, vh;
	search s;

	zero_answer(m);
	m->size = size;
	normalize_request(r, q, &s);
	find_vhosts(r, lk, &s, fall, record, probe_all);
	if (s.how & IG_LOOKUP_PATH_OK) {
		/* Without fall-through only the first virtual host is asked. */
		tries = fall ? s.norder : (s.norder ? 1 : 0);
		for (k = 0; k < tries; k++) {
			rank = ask_vhost(r, s.order[k], s.region[k], s.p, s.pn, m);
			if (rank != IG_NONE) {
				if (record)
					write_record(lk, &s, s.order[k], rank, IG_NONE);
				return;
			}
		}
	}
	vh = s.norder ? s.order[0] : IG_NONE;
	k = answer_default(r, vh, m);
	if (record)
		write_record(lk, &s, vh, IG_NONE, k);
}

void ingroute__lookup(const ingroute_router *r, ig_lookup *lk)
{
	req q;

	q.host = lk->host;
	q.hlen = lk->host_len;
	q.path = lk->path;
	q.plen = lk->path_len;
	q.hostbuf = lk->hostbuf;
	q.pathbuf = lk->pathbuf;
	lookup(r, &q, lk->m, lk, 1, (lk->flags & IG_LOOKUP_PROBE_ALL) != 0);
}

int ingroute_router_match(const ingroute_router *r, const char *host,
                          size_t host_len, const char *path, size_t path_len,
                          ingroute_match *out)
{
	char hostbuf[IG_MAX_HOST + 1], pathbuf[IG_MAX_PATH + 2];
	ingroute_match m;
	req q;

	if (!r || !out || out->size < MATCH_V1_SIZE || (!host && host_len) ||
	    (!path && path_len))
		return INGROUTE_EINVAL;
	q.host = host ? host : "";
	q.hlen = host_len;
	q.path = path ? path : "";
	q.plen = path_len;
	q.hostbuf = hostbuf;
	q.pathbuf = pathbuf;
	/* A caller with this header's struct (or a newer one) gets the answer
	 * written in place; an older, smaller struct through a copy. */
	if (out->size >= sizeof(m)) {
		lookup(r, &q, out, NULL, 0, 0);
		/* A newer caller learns which of its fields were filled. */
		out->size = sizeof(m);
		return 0;
	}
	m.size = out->size;
	lookup(r, &q, &m, NULL, 0, 0);
	memcpy(out, &m, m.size);
	return 0;
}

/* ---- TLS, docs/semantics.md §8 */

static const ig_tls_entry *tls_find(const ingroute_router *r, const char *h,
                                    size_t n, int cls)
{
	size_t lo = 0, hi = r->ntls;

	/* Entries are sorted by class, host and precedence: the first entry
	 * not below (cls, h) is the best one for h, if it is h. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ig_tls_entry *e = &r->tls[mid];
		const char *eh = r->pool + e->host;
		int ecls = !*eh ? 2 : eh[0] == '*' ? 1 : 0, c;

		if (ecls != cls) {
			c = ecls < cls ? -1 : 1;
		} else {
			size_t el = strlen(eh);

			c = memcmp(eh, h, el < n ? el : n);
			if (!c)
				c = el < n ? -1 : el > n;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->ntls) {
		const char *eh = r->pool + r->tls[lo].host;
		int ecls = !*eh ? 2 : eh[0] == '*' ? 1 : 0;

		if (ecls == cls && strlen(eh) == n && memcmp(eh, h, n) == 0)
			return &r->tls[lo];
	}
	return NULL;
}

int ingroute_router_tls(const ingroute_router *r, const char *sni,
                        size_t sni_len, ingroute_tls_match *out)
{
	char h[IG_MAX_HOST + 3];
	const ig_tls_entry *e = NULL;
	ingroute_tls_match t;
	size_t n;

	if (!r || !out || out->size < TLS_V1_SIZE || (!sni && sni_len))
		return INGROUTE_EINVAL;
	memset(&t, 0, sizeof(t));
	t.size = out->size < sizeof(t) ? out->size : sizeof(t);
	if (ingroute__normalize_host(sni ? sni : "", sni_len, h + 2, &n) ==
	    IG_HOST_NAME) {
		const char *dot = memchr(h + 2, '.', n);

		e = tls_find(r, h + 2, n, 0);
		if (!e && dot) {
			/* "*." followed by the name without its first label. */
			size_t sl = (size_t)(h + 2 + n - dot - 1);

			memmove(h + 2, dot + 1, sl);
			h[0] = '*';
			h[1] = '.';
			e = tls_find(r, h, sl + 2, 1);
		}
	}
	if (!e)
		e = tls_find(r, "", 0, 2);
	if (e) {
		t.found = 1;
		t.secret_ns = r->pool + r->ings[e->ing].ns;
		t.secret_name = r->pool + e->secret;
		t.tls_host = r->pool + e->host;
		t.ingress_ns = t.secret_ns;
		t.ingress_name = r->pool + r->ings[e->ing].name;
	}
	memcpy(out, &t, t.size);
	return 0;
}
