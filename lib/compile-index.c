/*
 * The tables a lookup walks (router.h), built from the ranked candidates
 * (compile.h): the virtual host and candidate records, each small host's
 * region, the exact-path table and the radix tries of the large hosts,
 * the host tables, and the TLS table. Every table is keyed by the
 * router's seeds (ig_host_seed(), ig_path_seed()).
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"

/* ---- the radix trie of a virtual host */

static uint32_t tnode_new(cc *c, uint32_t key, uint32_t key_len)
{
	tnode *n;

	if (cc_grow(c, (void **)&c->tnodes, &c->cap_tnodes, c->ntnodes + 1,
	         sizeof(tnode)) < 0)
		return IG_NONE;
	n = &c->tnodes[c->ntnodes];
	n->key = key;
	n->key_len = key_len;
	n->child = n->next = IG_NONE;
	n->nkids = 0;
	n->at_boundary = n->anywhere = IG_NONE;
	n->final = IG_NONE;
	return (uint32_t)c->ntnodes++;
}

static void trie_insert(cc *c, uint32_t root, uint32_t key, uint32_t klen,
                        const tcand *t)
{
	const char *pool = c->pool.data;
	uint32_t node = root, i = 0;

	for (;;) {
		uint32_t ch, prev = IG_NONE, common = 0;
		tnode *cn;

		if (i == klen) {
			tnode *n = &c->tnodes[node];

			if (n->at_boundary == IG_NONE || t->index < n->at_boundary)
				n->at_boundary = t->index;
			if (t->match == IG_M_STRING &&
			    (n->anywhere == IG_NONE || t->index < n->anywhere))
				n->anywhere = t->index;
			return;
		}
		for (ch = c->tnodes[node].child; ch != IG_NONE; prev = ch,
		     ch = c->tnodes[ch].next)
			if (pool[c->tnodes[ch].key] == pool[key + i])
				break;
		if (ch == IG_NONE) {
			uint32_t leaf = tnode_new(c, key + i, klen - i);

			if (leaf == IG_NONE)
				return;
			c->tnodes[leaf].next = c->tnodes[node].child;
			c->tnodes[node].child = leaf;
			c->tnodes[node].nkids++;
			node = leaf;
			i = klen;
			continue;
		}
		cn = &c->tnodes[ch];
		while (common < cn->key_len && i + common < klen &&
		       pool[cn->key + common] == pool[key + i + common])
			common++;
		if (common < cn->key_len) {
			/* Split the edge: a middle node takes the shared part. */
			uint32_t mid = tnode_new(c, cn->key, common);

			if (mid == IG_NONE)
				return;
			cn = &c->tnodes[ch];
			c->tnodes[mid].next = cn->next;
			c->tnodes[mid].child = ch;
			c->tnodes[mid].nkids = 1;
			cn->key += common;
			cn->key_len -= common;
			cn->next = IG_NONE;
			if (prev == IG_NONE)
				c->tnodes[node].child = mid;
			else
				c->tnodes[prev].next = mid;
			ch = mid;
		}
		node = ch;
		i += common;
	}
}

/* Children to order: first byte of the label, and the node. */
typedef struct kid {
	unsigned char first;
	uint32_t node;
} kid;

static int kid_cmp(const void *x, const void *y)
{
	const kid *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

/* Lays the temporary trie out breadth-first so each node's children are
 * contiguous and sorted by first byte. */
static uint32_t flatten(cc *c, uint32_t root, uint32_t *queue, kid *kids)
{
	ingroute_router *r = c->r;
	size_t head = 0, tail = 0;
	uint32_t base = r->nnodes;

	queue[tail++] = root;
	c->tnodes[root].final = r->nnodes++;
	while (head < tail) {
		uint32_t t = queue[head++], ch, first = r->nnodes, k = 0;
		tnode *tn = &c->tnodes[t];
		ig_rnode *rn = &r->nodes[tn->final];

		rn->key = tn->key;
		rn->key_len = tn->key_len;
		rn->head = 0;
		for (k = 1; k < tn->key_len && k < 5; k++)
			rn->head |= (uint32_t)(unsigned char)c->pool.data[tn->key + k]
			            << (8 * (k - 1));
		k = 0;
		rn->at_boundary = tn->at_boundary;
		rn->anywhere = tn->anywhere;
		rn->nkids = (uint16_t)tn->nkids;
		rn->pad = 0;
		memset(rn->kidfirst, 0, sizeof(rn->kidfirst));
		rn->kids = tn->nkids ? first : IG_NONE;
		r->firsts[tn->final] = tn->key_len ? (uint8_t)c->pool.data[tn->key] : 0;
		for (ch = tn->child; ch != IG_NONE; ch = c->tnodes[ch].next, k++) {
			kids[k].first = (unsigned char)c->pool.data[c->tnodes[ch].key];
			kids[k].node = ch;
		}
		ig_sort(kids, k, sizeof(*kids), kid_cmp);
		for (ch = 0; ch < k && ch < IG_NODE_KIDFIRST; ch++)
			rn->kidfirst[ch] = kids[ch].first;
		for (ch = 0; ch < k; ch++) {
			queue[tail++] = kids[ch].node;
			c->tnodes[kids[ch].node].final = r->nnodes++;
		}
	}
	return base;
}

/* ---- hash tables */

static size_t pow2_above(size_t n)
{
	size_t s = 16;

	while (s < n * 2)
		s *= 2;
	return s;
}

static void host_insert(ig_host_slot *t, uint32_t mask, uint64_t h, uint32_t vh,
                        const ig_vhost *v)
{
	uint32_t i = (uint32_t)h & mask;

	while (t[i].vhost != IG_NONE)
		i = (i + 1) & mask;
	t[i].hash = h;
	t[i].vhost = vh;
	t[i].region = v->small ? v->region : IG_NONE;
}

/* ---- small hosts' regions */

/* The first min(4, n) bytes of a key, little-endian, as the lookup
 * reads a request path. */
static uint32_t fingerprint(const char *k, size_t n)
{
	uint32_t fp = 0;
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		fp |= (uint32_t)(unsigned char)k[i] << (8 * i);
	return fp;
}

static void blob_align(ig_buf *blob)
{
	static const char zeros[8];

	if (blob->len % 8)
		ingroute__buf_put(blob, zeros, 8 - blob->len % 8);
}

/* A small host's region, laid out as router.h draws it: its size, and
 * where its parts start, from the region's start. */
typedef struct region_plan {
	size_t fps, ents, keys, end;
	size_t n4;
} region_plan;

static region_plan plan_region(const cc *c, const ig_vhost *v)
{
	region_plan p;
	uint32_t k;

	p.n4 = ((size_t)v->ncands + 3) & ~(size_t)3;
	p.fps = sizeof(ig_region) + (((size_t)v->host_len + 7) & ~(size_t)7);
	p.ents = p.fps + 2 * p.n4 * sizeof(uint32_t);
	p.keys = p.ents + (size_t)v->ncands * sizeof(ig_sentry);
	p.end = p.keys;
	for (k = v->first_cand; k < v->first_cand + v->ncands; k++)
		p.end += cc_key_len(&c->cands[k]);
	return p;
}

/* Lays out a small host (router.h): the header, host bytes, fingerprints
 * and masks, ig_sentry x n, keys. */
static void build_region(cc *c, ig_buf *blob, ig_vhost *v, uint32_t vh,
                         region_plan p)
{
	ingroute_router *r = c->r;
	size_t at, k;
	ig_region hd;
	uint32_t i;

	blob_align(blob);
	at = blob->len;
	memset(&hd, 0, sizeof(hd));
	hd.host = v->host;
	hd.vhost = vh;
	hd.host_len = (uint16_t)v->host_len;
	hd.ncands = (uint16_t)v->ncands;
	hd.kind = v->kind;
	hd.fps = (uint16_t)p.fps;
	hd.quads = (uint8_t)(p.n4 / 4);
	ingroute__buf_put(blob, (const char *)&hd, sizeof(hd));
	ingroute__buf_put(blob, r->pool + v->host, v->host_len);
	blob_align(blob);
	v->region = (uint32_t)at;
	/* Zeros for the fixed-size parts, filled in below; padding
	 * fingerprints stay 0 with mask 0, and the lookup ignores them. */
	for (k = p.fps; k < p.keys && !blob->failed; k += 8)
		ingroute__buf_put(blob, "\0\0\0\0\0\0\0\0", 8);
	for (i = 0, k = p.keys; i < v->ncands && !blob->failed; i++) {
		const tcand *t = &c->cands[v->first_cand + i];
		const ig_cand *rc = &r->cands[v->first_cand + i];
		const ig_rbackend *rb = &c->backends[rc->backend];
		const char *key = r->pool + rc->path;
		size_t kl = cc_key_len(t);
		uint32_t fp = fingerprint(key, kl);
		uint32_t mask = kl >= 4 ? 0xffffffffu : (1u << (8 * kl)) - 1;
		ig_sentry e;

		memset(&e, 0, sizeof(e));
		e.key_off = (uint16_t)k;
		e.key_len = (uint16_t)kl;
		e.path_len = (uint16_t)rc->path_len;
		e.path = rc->path;
		e.ns = rb->ns;
		e.ing_name = rb->ing_name;
		if (rb->service != IG_NONE) {
			e.be.svc.name = rb->service;
			e.be.svc.port_name = rb->port_name;
			e.be.svc.port_number = rb->port_number;
			e.type = t->type;
		} else {
			e.be.res.kind = rb->kind;
			e.be.res.name = rb->name;
			e.be.res.api_group = rb->api_group;
			e.type = (uint8_t)(t->type | IG_SENTRY_RESOURCE);
		}
		e.match = t->match;
		ingroute__buf_put(blob, key, kl);
		if (!blob->failed) {
			char *g = blob->data + at;

			memcpy(g + p.fps + i * sizeof(fp), &fp, sizeof(fp));
			memcpy(g + p.fps + (p.n4 + i) * sizeof(mask), &mask, sizeof(mask));
			memcpy(g + p.ents + i * sizeof(e), &e, sizeof(e));
		}
		k += kl;
	}
	/* The host and key bytes count as strings (router.h), the rest as
	 * index. */
	r->index_bytes += p.keys - (p.fps - sizeof(ig_region));
	c->region_index += p.keys - (p.fps - sizeof(ig_region));
}

/* A small host's rules carry their backends in the region: their records
 * are dropped and the rest renumbered. Defaults keep theirs. */
static void drop_region_backends(cc *c)
{
	ingroute_router *r = c->r;
	uint32_t *map, i, n = 0;

	map = ingroute__malloc(c->a, (c->nbackends ? c->nbackends : 1) * sizeof(*map));
	if (!map) {
		c->oom = 1;
		return;
	}
	for (i = 0; i < c->nbackends; i++)
		map[i] = IG_NONE;
	for (i = 0; i < r->ncands; i++)
		if (r->vhosts[IG_CAND_VHOST(&r->cands[i])].small)
			map[r->cands[i].backend] = IG_NONE - 1;   /* drop */
	for (i = 0; i < c->nbackends; i++) {
		if (map[i] == IG_NONE - 1)
			continue;
		c->backends[n] = c->backends[i];
		map[i] = n++;
	}
	for (i = 0; i < r->ncands; i++) {
		ig_cand *rc = &r->cands[i];

		rc->backend = r->vhosts[IG_CAND_VHOST(rc)].small ? IG_NONE
		                                                 : map[rc->backend];
	}
	for (i = 0; i < r->nvhosts; i++)
		if (r->vhosts[i].default_backend != IG_NONE)
			r->vhosts[i].default_backend = map[r->vhosts[i].default_backend];
	c->nbackends = n;
	ingroute__free(c->a, map);
}

/* Once every table is built: only large hosts keep candidate records
 * (a small host's live in its region); cand_base says where. */
static void compact_cands(cc *c)
{
	ingroute_router *r = c->r;
	uint32_t i, n = 0;

	for (i = 0; i < r->nvhosts; i++) {
		ig_vhost *v = &r->vhosts[i];

		v->cand_base = n;
		if (v->small)
			continue;
		memmove(&r->cands[n], &r->cands[v->first_cand],
		        v->ncands * sizeof(ig_cand));
		n += v->ncands;
	}
	r->index_bytes -= (r->ncands - n) * sizeof(ig_cand);
	if (n < r->ncands) {
		ig_cand *trim = ingroute__realloc(c->a, r->cands,
		                                  (n ? n : 1) * sizeof(ig_cand));

		if (trim)
			r->cands = trim;
	}
}

/* ---- the tables */

/* The virtual host and candidate records, in rank order. */
static void build_records(cc *c)
{
	ingroute_router *r = c->r;
	uint32_t i, at = 0;

	r->ncands = (uint32_t)c->ncands;
	r->cands = cc_array(c, c->ncands, sizeof(ig_cand));
	r->nvhosts = (uint32_t)c->nvhosts;
	r->vhosts = cc_array(c, c->nvhosts, sizeof(ig_vhost));
	if (c->oom)
		return;
	for (i = 0; i < r->nvhosts; i++) {
		const tvhost *t = &c->vhosts[i];
		ig_vhost *v = &r->vhosts[i];

		v->host = cc_pool_add(c, t->host, t->host_len);
		v->host_len = t->host_len;
		v->kind = t->kind;
		v->root = IG_NONE;
		v->first_cand = 0;
		v->ncands = 0;
		v->region = IG_NONE;
		v->default_backend = t->default_obj
			? ingroute__compile_backend(c, t->default_obj->default_backend,
			                            t->default_ing)
			: IG_NONE;
		if (t->kind == IG_VH_ANY)
			r->any_vhost = i;
	}
	for (i = 0; i < r->ncands && !c->oom; i++) {
		const tcand *t = &c->cands[i];
		ig_cand *rc = &r->cands[i];
		ig_vhost *v = &r->vhosts[t->vhost];

		if (v->ncands == 0)
			v->first_cand = i;
		v->ncands++;
		rc->path = cc_pool_add(c, cc_path(t), t->plen);
		rc->path_len = t->plen;
		rc->backend = ingroute__compile_backend(c, &t->path->backend, t->prec);
		rc->vt = t->vhost << 8 | (uint32_t)t->type << 2 | t->match;
	}
	/* A host without rules starts where the next one's rules do, so that
	 * first_cand grows with the host id (ig_cand_vhost_of). */
	for (i = 0; i < r->nvhosts; i++) {
		if (r->vhosts[i].ncands == 0)
			r->vhosts[i].first_cand = at;
		at = r->vhosts[i].first_cand + r->vhosts[i].ncands;
	}
}

/* Small hosts get a region in the blob; the others the exact table and a
 * trie. Returns how many Exact-matching rules the others have. */
static size_t build_regions(cc *c)
{
	ingroute_router *r = c->r;
	size_t nexact = 0;
	uint32_t i, k;
	ig_buf blob;

	ingroute__buf_init(&blob, c->a);
	for (i = 0; i < r->nvhosts && !blob.failed; i++) {
		ig_vhost *v = &r->vhosts[i];

		region_plan p;

		/* Keys whose offsets fit the region's 16 bits, and so do the
		 * host's and each path's length. */
		v->small = v->ncands > 0 && v->ncands <= IG_SMALL_VHOST &&
		           v->host_len <= IG_MAX_REGION;
		if (v->small) {
			p = plan_region(c, v);
			v->small = p.end <= IG_MAX_REGION;
		}
		for (k = v->first_cand; v->small && k < v->first_cand + v->ncands; k++)
			if (c->r->cands[k].path_len > 0xffff)
				v->small = 0;
		if (v->small)
			build_region(c, &blob, v, i, p);
		else
			for (k = v->first_cand; k < v->first_cand + v->ncands; k++)
				nexact += c->cands[k].match == IG_M_EXACT;
	}
	if (blob.failed) {
		ingroute__buf_free(&blob);
		c->oom = 1;
		return 0;
	}
	r->blob = blob.data;
	r->blob_len = blob.len;
	return nexact;
}

/* The exact-path table of the large hosts: the best candidate per path
 * (candidates come in rank order, so the first one of a path stays). */
static void build_exact_table(cc *c, size_t nexact)
{
	ingroute_router *r = c->r;
	size_t hsize = pow2_above(nexact);
	uint32_t i;

	r->exact_mask = (uint32_t)(hsize - 1);
	r->exact = cc_array(c, hsize, sizeof(ig_exact_slot));
	if (c->oom)
		return;
	for (i = 0; i < hsize; i++)
		r->exact[i].vhost = IG_NONE;
	for (i = 0; i < r->ncands; i++) {
		const ig_cand *rc = &r->cands[i];
		uint32_t vh = IG_CAND_VHOST(rc), s;
		uint64_t h;

		if (IG_CAND_MATCH(rc) != IG_M_EXACT || r->vhosts[vh].small)
			continue;
		r->vhosts[vh].has_exact = 1;
		h = ingroute__hash(r->pool + rc->path, rc->path_len,
		                   ig_path_seed(r->seed, vh));
		for (s = (uint32_t)h & r->exact_mask; r->exact[s].vhost != IG_NONE;
		     s = (s + 1) & r->exact_mask) {
			const ig_cand *o = &r->cands[r->exact[s].cand];

			if (r->exact[s].hash == h && r->exact[s].vhost == vh &&
			    o->path_len == rc->path_len &&
			    memcmp(r->pool + o->path, r->pool + rc->path, rc->path_len) == 0)
				break;
		}
		if (r->exact[s].vhost == IG_NONE) {
			r->exact[s].hash = h;
			r->exact[s].vhost = vh;
			r->exact[s].cand = i;
		}
	}
}

/* The tries of the large hosts: built as linked nodes, then laid out
 * flat, breadth-first. */
static void build_tries(cc *c)
{
	ingroute_router *r = c->r;
	uint32_t i, k, *queue;
	kid *kids;

	for (i = 0; i < r->nvhosts && !c->oom; i++) {
		ig_vhost *v = &r->vhosts[i];
		uint32_t root = IG_NONE;

		for (k = v->first_cand; !v->small && k < v->first_cand + v->ncands &&
		     !c->oom; k++) {
			const tcand *t = &c->cands[k];

			if (t->match == IG_M_EXACT)
				continue;
			if (root == IG_NONE && (root = tnode_new(c, 0, 0)) == IG_NONE)
				break;
			trie_insert(c, root, r->cands[k].path,
			            (uint32_t)cc_key_len(t), t);
		}
		v->root = root;   /* a tnode index until flattened */
	}
	if (c->oom)
		return;
	r->nodes = cc_array(c, c->ntnodes, sizeof(ig_rnode));
	/* 16 bytes of slack: a lookup reads the first bytes of up to 16
	 * children at once, from any node on. */
	r->firsts = cc_array(c, c->ntnodes + 16, 1);
	queue = ingroute__malloc(c->a, (c->ntnodes ? c->ntnodes : 1) * sizeof(uint32_t));
	/* A node has at most 256 children, one per first byte. */
	kids = ingroute__malloc(c->a, 256 * sizeof(*kids));
	if (!queue || !kids)
		c->oom = 1;
	for (i = 0; i < r->nvhosts && !c->oom; i++)
		if (r->vhosts[i].root != IG_NONE)
			r->vhosts[i].root = flatten(c, r->vhosts[i].root, queue, kids);
	ingroute__free(c->a, queue);
	ingroute__free(c->a, kids);
}

/* The exact-host table, and the wildcard table keyed by the suffix after
 * "*.". */
static void build_host_tables(cc *c)
{
	ingroute_router *r = c->r;
	size_t hsize = pow2_above(r->nvhosts);
	uint32_t i;

	r->host_mask = (uint32_t)(hsize - 1);
	r->exact_hosts = cc_array(c, hsize, sizeof(ig_host_slot));
	r->wild_hosts = cc_array(c, hsize, sizeof(ig_host_slot));
	if (c->oom)
		return;
	for (i = 0; i < hsize; i++)
		r->exact_hosts[i].vhost = r->wild_hosts[i].vhost = IG_NONE;
	for (i = 0; i < r->nvhosts; i++) {
		const ig_vhost *v = &r->vhosts[i];

		/* A host no normalised request can spell (all digits and dots:
		 * §4 reads such a Host as an IPv4 literal) is left out, so that
		 * a lookup may take a raw Host found here as normal. */
		if (v->kind == IG_VH_EXACT &&
		    ((r->flags & INGROUTE_OPT_NO_NORMALIZE) ||
		     ingroute__host_is_normal(r->pool + v->host, v->host_len)))
			host_insert(r->exact_hosts, r->host_mask,
			            ingroute__hash(r->pool + v->host, v->host_len,
			                           ig_host_seed(r->seed, 0)), i, v);
		else if (v->kind == IG_VH_WILDCARD)
			host_insert(r->wild_hosts, r->host_mask,
			            ingroute__hash(r->pool + v->host + 2, v->host_len - 2,
			                           ig_host_seed(r->seed, 1)), i, v);
	}
}

void ingroute__compile_records(cc *c)
{
	if (c->nvhosts >= IG_MAX_VHOSTS) {
		c->limit = 1;
		return;
	}
	build_records(c);
	if (c->oom)
		return;
	/* No more strings until the tables are built: hash from the pool as
	 * it stands (it is handed to the router, moved or not, at the end). */
	c->r->pool = c->pool.data;
}

void ingroute__compile_tables(cc *c)
{
	size_t nexact;

	nexact = build_regions(c);
	if (c->oom)
		return;
	drop_region_backends(c);
	build_exact_table(c, nexact);
	if (!c->oom)
		build_tries(c);
	if (c->oom)
		return;
	/* Candidate ids are final now: only large hosts keep records. */
	compact_cands(c);
	build_host_tables(c);
}

/* ---- TLS */

/* An entry while sorting: exact hosts, then wildcards, then entries
 * without hosts; by host; then by Ingress precedence. */
typedef struct ttls {
	const char *host;
	uint32_t host_len;
	int cls;
	ig_tls_entry e;
} ttls;

static int tls_cmp(const void *x, const void *y)
{
	const ttls *a = x, *b = y;
	int s;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if ((s = cc_bytes_cmp(a->host, a->host_len, b->host, b->host_len)) != 0)
		return s;
	return a->e.ing < b->e.ing ? -1 : a->e.ing > b->e.ing;
}

void ingroute__compile_tls(cc *c)
{
	ingroute_router *r = c->r;
	size_t n = 0, i, k, m = 0;
	uint32_t p;
	ttls *t;

	for (p = 0; p < c->nings; p++)
		for (i = 0; i < c->ings[p]->ntls; i++)
			n += c->ings[p]->tls[i].nhosts ? c->ings[p]->tls[i].nhosts : 1;
	t = ingroute__malloc(c->a, (n ? n : 1) * sizeof(*t));
	r->tls = cc_array(c, n, sizeof(ig_tls_entry));
	if (!t || c->oom) {
		c->oom = 1;
		ingroute__free(c->a, t);
		return;
	}
	for (p = 0; p < c->nings; p++) {
		const ig_object *o = c->ings[p];

		for (i = 0; i < o->ntls; i++) {
			const ig_tls *tl = &o->tls[i];

			if (!tl->secret.len)
				continue;   /* no certificate to offer */
			for (k = 0; k < (tl->nhosts ? tl->nhosts : 1); k++) {
				const ig_str *h = tl->nhosts ? &tl->hosts[k] : NULL;

				t[m].host = h && h->s ? h->s : "";
				t[m].host_len = h && h->s ? h->len : 0;
				t[m].cls = !t[m].host_len ? 2 : t[m].host[0] == '*' ? 1 : 0;
				t[m].e.host = cc_pool_add(c, t[m].host, t[m].host_len);
				t[m].e.secret = cc_pool_str(c, &tl->secret);
				t[m].e.ing = p;
				m++;
			}
		}
	}
	ig_sort(t, m, sizeof(*t), tls_cmp);
	for (i = 0; i < m; i++)
		r->tls[i] = t[i].e;
	r->ntls = (uint32_t)m;
	ingroute__free(c->a, t);
}

