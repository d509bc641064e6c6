/*
 * The lookup: docs/semantics.md §4 to §6 over the tables compile.c built. Nothing
 * here allocates or writes to the router, so any number of threads may
 * share one. The normalised host and path live in stack buffers.
 */
#include <string.h>

#include "router.h"

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

/* The host-table slot of a host (of its suffix after "*." in the wildcard
 * table), or NULL. A hash hit is confirmed against the host bytes, kept
 * at the start of a small host's region, else in the pool. */
static const ig_host_slot *find_slot(const ingroute_router *r, const char *host,
                                     size_t n, int wildcard)
{
	const ig_host_slot *t = wildcard ? r->wild_hosts : r->exact_hosts;
	uint64_t h = ingroute__hash(host, n, ig_host_seed(r->seed, wildcard));
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

			bytes = (const char *)(g + 1);
			len = g->host_len;
		} else {
			bytes = r->pool + r->vhosts[t[i].vhost].host;
			len = r->vhosts[t[i].vhost].host_len;
		}
		if (len - skip == n && memcmp(bytes + skip, host, n) == 0)
			return &t[i];
	}
	return NULL;
}

uint32_t ingroute__find_vhost(const ingroute_router *r, const char *host,
                              size_t n, int wildcard)
{
	const ig_host_slot *s = find_slot(r, host, n, wildcard);

	return s ? s->vhost : IG_NONE;
}

/* A small host: the first rule in rank order that accepts the path. */
static const ig_sentry *best_in_region(const ingroute_router *r,
                                       uint32_t region, const char *path,
                                       size_t n)
{
	const ig_region *g = (const ig_region *)(const void *)(r->blob + region);
	const ig_sentry *e = ig_region_rules(r, region), *end = e + g->ncands;
	uint32_t fp = 0;
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		fp |= (uint32_t)(unsigned char)path[i] << (8 * i);
	for (; e < end; e++) {
		size_t kl = e->key_len;
		uint32_t mask = kl >= 4 ? 0xffffffffu : (1u << (8 * kl)) - 1;

		if (kl > n || ((fp ^ e->fp) & mask) != 0)
			continue;
		if (e->match == IG_M_EXACT ? kl != n
		    : e->match == IG_M_ELEMENT && kl != 0 && kl != n && path[kl] != '/')
			continue;
		if (kl <= 4 || memcmp(r->blob + e->key_off + 4, path + 4, kl - 4) == 0)
			return e;
	}
	return NULL;
}

/* The winning candidate of a virtual host for a path, or IG_NONE: the
 * lowest candidate index among the exact-table hit and every trie node
 * the path walks through whose rules accept it there. */
uint32_t ingroute__best_in_vhost(const ingroute_router *r, uint32_t vh,
                                 const char *path, size_t n)
{
	const ig_vhost *v = &r->vhosts[vh];
	uint32_t best = IG_NONE, node, i = 0;

	if (v->small) {
		const ig_sentry *e = best_in_region(r, v->region, path, n);

		return e ? v->first_cand +
		           (uint32_t)(e - ig_region_rules(r, v->region)) : IG_NONE;
	}
	if (v->has_exact) {
		uint64_t h = ingroute__hash(path, n, ig_path_seed(r->seed, vh));
		uint32_t s = (uint32_t)h & r->exact_mask;

		for (; r->exact[s].vhost != IG_NONE; s = (s + 1) & r->exact_mask) {
			const ig_cand *c = &r->cands[v->cand_base +
			                             (r->exact[s].cand - v->first_cand)];

			if (r->exact[s].hash == h && r->exact[s].vhost == vh &&
			    c->path_len == n && memcmp(r->pool + c->path, path, n) == 0) {
				best = r->exact[s].cand;
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
		uint32_t k, end;

		if (win < best)
			best = win;
		if (i == n || nd->nkids == 0)
			break;
		/* Children are sorted by first byte; a short scan beats a binary
		 * search at the fan-outs paths have. */
		end = nd->kids + nd->nkids;
		for (k = nd->kids; k < end; k++)
			if (r->firsts[k] >= (uint8_t)path[i])
				break;
		if (k == end || r->firsts[k] != (uint8_t)path[i])
			break;
		nd = &r->nodes[k];
		if (nd->key_len > n - i ||
		    memcmp(r->pool + nd->key, path + i, nd->key_len) != 0)
			break;
		i += nd->key_len;
		node = k;
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

int ingroute__lookup(const ingroute_router *r, const char *host, size_t hlen,
                     const char *path, size_t plen, ingroute_match *m,
                     char *nhost, size_t *nhost_len, char *npath,
                     const char **npath_out, size_t *npath_len,
                     uint32_t *vhost_out)
{
	const ig_host_slot *slot[3];
	uint32_t order[3], chosen = IG_NONE, no = 0, k;
	int hclass, path_ok, how, fall = (r->flags & INGROUTE_OPT_FALLTHROUGH) != 0;
	const char *h = host, *p = path;

	{
		size_t size = m->size;

		memset(m, 0, sizeof(*m));
		m->size = size;
	}
	if (r->flags & INGROUTE_OPT_NO_NORMALIZE) {
		hclass = hlen == 0 || hlen > IG_MAX_HOST ? IG_HOST_NONE : IG_HOST_NAME;
		path_ok = plen <= IG_MAX_PATH;
		*nhost_len = hlen <= IG_MAX_HOST ? hlen : 0;
		*npath_len = path_ok ? plen : 0;
		if (*nhost_len)
			memcpy(nhost, host, *nhost_len);
	} else {
		hclass = ingroute__normalize_host(host, hlen, nhost, nhost_len);
		path_ok = ingroute__normalize_path(path, plen, npath, &p,
		                                   npath_len) == 0;
		h = nhost;
	}
	hlen = *nhost_len;
	plen = *npath_len;
	if (npath_out)
		*npath_out = p;
	how = (hclass == IG_HOST_NAME ? IG_LOOKUP_HOST_NAME : 0) |
	      (path_ok ? IG_LOOKUP_PATH_OK : 0);

	/* 4.5: exact host, then one-label wildcard, then host-less; without
	 * fall-through the first that exists ends the search. */
	if (hclass == IG_HOST_NAME) {
		const char *dot = memchr(h, '.', hlen);

		if ((slot[no] = find_slot(r, h, hlen, 0)) != NULL)
			no++;
		if ((no == 0 || fall) && dot && dot + 1 < h + hlen &&
		    (slot[no] = find_slot(r, dot + 1, (size_t)(h + hlen - dot - 1), 1))
		        != NULL)
			no++;
	}
	for (k = 0; k < no; k++)
		order[k] = slot[k]->vhost;
	if (r->any_vhost != IG_NONE && (no == 0 || fall)) {
		slot[no] = NULL;
		order[no++] = r->any_vhost;
	}
	if (no)
		chosen = order[0];

	if (path_ok) {
		/* Without fall-through only the first virtual host is asked. */
		uint32_t tries = fall ? no : (no ? 1 : 0);

		for (k = 0; k < tries; k++) {
			const ig_vhost *v = NULL;
			uint32_t region = slot[k] ? slot[k]->region : IG_NONE, best;

			if (region == IG_NONE) {
				v = &r->vhosts[order[k]];
				region = v->small ? v->region : IG_NONE;
			}
			if (region != IG_NONE) {
				/* A small host answers from its region alone. */
				const ig_region *g = (const ig_region *)(const void *)
				                     (r->blob + region);
				const ig_sentry *e = best_in_region(r, region, p, plen);

				if (!e)
					continue;
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
				if (vhost_out)
					*vhost_out = order[k];
				return how;
			}
			best = ingroute__best_in_vhost(r, order[k], p, plen);
			if (best != IG_NONE) {
				const ig_cand *c = &r->cands[v->cand_base +
				                             (best - v->first_cand)];

				m->decision = INGROUTE_DECISION_PATH;
				m->vhost_kind = v->kind;
				fill_backend(r, c->backend, m);
				m->rule_host = r->pool + v->host;
				m->rule_path = r->pool + c->path;
				m->path_type = IG_CAND_TYPE(c);
				if (vhost_out)
					*vhost_out = order[k];
				return how;
			}
		}
	}
	if (vhost_out)
		*vhost_out = chosen;
	/* 4.6 step 3: the chosen host's own default, else the global one. */
	m->vhost_kind = chosen == IG_NONE ? INGROUTE_VHOST_NONE : r->vhosts[chosen].kind;
	if (chosen != IG_NONE && r->vhosts[chosen].default_backend != IG_NONE) {
		m->decision = INGROUTE_DECISION_DEFAULT;
		m->default_source = INGROUTE_DEFAULT_VHOST;
		fill_backend(r, r->vhosts[chosen].default_backend, m);
	} else if (r->global_default != IG_NONE) {
		m->decision = INGROUTE_DECISION_DEFAULT;
		m->default_source = r->global_source;
		fill_backend(r, r->global_default, m);
	}
	return how;
}

int ingroute_router_match(const ingroute_router *r, const char *host,
                          size_t host_len, const char *path, size_t path_len,
                          ingroute_match *out)
{
	char nhost[IG_MAX_HOST + 1], npath[IG_MAX_PATH + 2];
	size_t nhl, npl;
	ingroute_match m;

	if (!r || !out || out->size < MATCH_V1_SIZE || (!host && host_len) ||
	    (!path && path_len))
		return INGROUTE_EINVAL;
	/* A caller with this header's struct (or a newer one) gets the answer
	 * written in place; an older, smaller struct through a copy. */
	if (out->size >= sizeof(m)) {
		ingroute__lookup(r, host ? host : "", host_len, path ? path : "",
		                 path_len, out, nhost, &nhl, npath, NULL, &npl, NULL);
		/* A newer caller learns which of its fields were filled. */
		out->size = sizeof(m);
		return 0;
	}
	m.size = out->size;
	ingroute__lookup(r, host ? host : "", host_len, path ? path : "", path_len,
	                 &m, nhost, &nhl, npath, NULL, &npl, NULL);
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
