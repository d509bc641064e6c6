/*
 * ingroute_router_route(): one request through the Ingresses (the
 * answer of ingroute_router_match()) or through a Gateway's listeners and
 * the HTTPRoutes attached to them (docs/semantics.md §9.4); and what a
 * proxy needs to act on the answer: the filters as data, a redirect's
 * Location, the upstream path after a rewrite (§9.5). Allocates
 * nothing: the normalised host and path live on the stack.
 */
#include <stdio.h>
#include <string.h>

#include "gateway.h"
#include "hash.h"
#include "normal.h"
#include "router.h"

/* The first published layouts end with these members. */
#define REQUEST_V1_SIZE (offsetof(ingroute_request, scheme) + sizeof(void *))
#define ROUTE_V1_SIZE (offsetof(ingroute_route, internal_) + \
                       2 * sizeof(void *))
#define FILTER_V1_SIZE (offsetof(ingroute_filter, ext_name) + sizeof(void *))

size_t ingroute_request_size(void)
{
	return sizeof(ingroute_request);
}

size_t ingroute_route_size(void)
{
	return sizeof(ingroute_route);
}

size_t ingroute_filter_size(void)
{
	return sizeof(ingroute_filter);
}

/* ---- the Ingresses */

/* Every member of r from an Ingress answer: none is left as it was. */
static void from_match(const ingroute_match *m, ingroute_route *r)
{
	r->source = m->decision == INGROUTE_DECISION_NONE ? INGROUTE_SOURCE_NONE
	                                                  : INGROUTE_SOURCE_INGRESS;
	r->decision = m->decision;
	r->status = m->decision == INGROUTE_DECISION_NONE ? 404 : 0;
	r->backend_kind = m->backend_kind;
	r->backend_ns = m->backend_ns;
	r->service = m->service;
	r->port_number = m->port_number;
	r->port_name = m->port_name;
	r->resource_api_group = m->resource_api_group;
	r->resource_kind = m->resource_kind;
	r->resource_name = m->resource_name;
	r->route_ns = m->ingress_ns;
	r->route_name = m->ingress_name;
	r->rule_host = m->rule_host;
	r->rule_path = m->rule_path;
	r->path_type = m->path_type;
	r->vhost_kind = m->vhost_kind;
	r->default_source = m->default_source;
	r->gateway_ns = NULL;
	r->gateway_name = NULL;
	r->listener = NULL;
	r->rule_index = -1;
	r->rule_name = NULL;
	r->match_index = -1;
	r->backend_index = -1;
	r->weight = 0;
	r->filters = 0;
	r->matched_prefix = 0;
	r->internal_[0] = NULL;
	r->internal_[1] = NULL;
}

/* ---- the Gateway API */

typedef ig_greq greq;

static int path_matches(const ig_gmatch *m, const greq *q, size_t *covered)
{
	if (!q->path_ok)
		return 0;
	switch (m->path_type) {
	case IG_MT_EXACT:
		*covered = 0;
		return q->path_len == m->path_len &&
		       memcmp(q->path, m->path, m->path_len) == 0;
	case IG_MT_PREFIX:
		/* "/" covers every path; otherwise whole elements */
		if (m->path_len == 1) {
			*covered = 0;
			return 1;
		}
		*covered = m->path_len;
		return q->path_len >= m->path_len &&
		       memcmp(q->path, m->path, m->path_len) == 0 &&
		       (q->path_len == m->path_len || q->path[m->path_len] == '/');
	default:
		*covered = 0;
		return ingroute__regex_match(m->path_re, q->path, q->path_len);
	}
}

static int header_matches(const ig_gvalue *v, const greq *q)
{
	const char *val = NULL;
	size_t n = 0;

	if (!q->req->header ||
	    q->req->header(q->req->header_ctx, v->name, v->name_len, &val,
	                   &n) != 1 || (!val && n))
		return 0;
	if (v->type == IG_MT_REGEX)
		return ingroute__regex_match(v->re, val, n);
	return n == v->value_len && (n == 0 || memcmp(val, v->value, n) == 0);
}

/* The first value of query parameter name, names compared exactly. */
static int query_value(const greq *q, const char *name, size_t nlen,
                       const char **val, size_t *vlen)
{
	const char *p = q->query, *end;

	if (!p)
		return 0;
	end = p + q->query_len;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq ? eq : stop;

		if ((size_t)(kend - p) == nlen && memcmp(p, name, nlen) == 0) {
			*val = eq ? eq + 1 : stop;
			*vlen = (size_t)(stop - *val);
			return 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}

static int query_matches(const ig_gvalue *v, const greq *q)
{
	const char *val;
	size_t n;

	if (!query_value(q, v->name, v->name_len, &val, &n))
		return 0;
	if (v->type == IG_MT_REGEX)
		return ingroute__regex_match(v->re, val, n);
	return n == v->value_len && (n == 0 || memcmp(val, v->value, n) == 0);
}

const char *ingroute__gw_entry_verdict(const ig_gentry *e, const greq *q,
                                       size_t *covered, const char **name)
{
	const ig_gmatch *m = e->match;
	uint32_t i;

	*name = NULL;
	if (!path_matches(m, q, covered))
		return "path";
	if (m->method && (q->req->method_len != m->method_len ||
	                  memcmp(q->req->method, m->method, m->method_len) != 0))
		return "method";
	for (i = 0; i < m->nheaders; i++)
		if (!header_matches(&m->headers[i], q)) {
			*name = m->headers[i].name;
			return "header";
		}
	for (i = 0; i < m->nquery; i++)
		if (!query_matches(&m->query[i], q)) {
			*name = m->query[i].name;
			return "query parameter";
		}
	return NULL;
}

/* How well a hostname (a listener's or a virtual host's) covers the
 * request host: 3 + length exact, 2 + length of the suffix for a
 * wildcard, 1 for none (every host), 0 not at all. Wildcards cover one
 * label or more. */
static size_t host_score(const char *h, size_t hn, int wildcard_form,
                         const greq *q)
{
	if (!h)
		return 1;
	if (wildcard_form) {
		/* h is ".example.com" */
		return q->host_len > hn &&
		       memcmp(q->host + q->host_len - hn, h, hn) == 0
			? 2 + hn : 0;
	}
	return q->host_len == hn && memcmp(q->host, h, hn) == 0 ? 3 + 2 * hn : 0;
}

size_t ingroute__gw_listener_score(const ig_glistener *l, const greq *q)
{
	if (!l->hostname)
		return 1;
	if (l->hostname_len >= 2 && l->hostname[0] == '*')
		return host_score(l->hostname + 1, l->hostname_len - 1, 1, q);
	return host_score(l->hostname, l->hostname_len, 0, q);
}

/* The listener the request arrived at: of its Gateway and port, the one
 * whose hostname covers its host best (docs/semantics.md §9.4). */
const ig_glistener *ingroute__gw_listener(const ig_gwtab *t, const greq *q)
{
	const ingroute_request *req = q->req;
	const ig_glistener *best = NULL;
	size_t best_score = 0;
	uint32_t i;

	for (i = 0; i < t->nlisteners; i++) {
		const ig_glistener *l = &t->listeners[i];
		size_t s;

		if (strcmp(l->gw_ns, req->gateway_ns) != 0 ||
		    strcmp(l->gw_name, req->gateway_name) != 0 ||
		    (req->port && (unsigned int)l->port != req->port))
			continue;
		s = ingroute__gw_listener_score(l, q);
		if (s > best_score) {
			best = l;
			best_score = s;
		}
	}
	return best;
}

const ig_gvhost *ingroute__gw_vhost_find(const ig_glistener *l, const char *s,
                                         size_t n, int wildcard)
{
	uint64_t h;
	uint32_t k;

	if (!l->slots)
		return NULL;
	h = ig_hash(s, n, l->seed + (uint64_t)wildcard);
	for (k = (uint32_t)h & l->mask; l->slots[k].vh; k = (k + 1) & l->mask) {
		const ig_gvhost *vh = l->slots[k].vh;

		if (l->slots[k].hash == h && vh->wildcard == wildcard &&
		    vh->host_len - (uint32_t)wildcard == n &&
		    memcmp(vh->host + wildcard, s, n) == 0)
			return vh;
	}
	return NULL;
}

int ingroute__gw_vhost_covers(const ig_gvhost *vh, const greq *q)
{
	return vh->any || (vh->wildcard
	                   ? host_score(vh->host + 1, vh->host_len - 1, 1, q)
	                   : host_score(vh->host, vh->host_len, 0, q)) != 0;
}

static void choose_backend(const ig_grule *rule, uint64_t random,
                           ingroute_route *out)
{
	uint64_t x, acc = 0;
	uint32_t i;

	if (rule->redirect) {
		out->status = rule->redirect->status_code;
		return;
	}
	if (!rule->total_weight) {
		out->status = 500;
		return;
	}
	x = random % rule->total_weight;
	for (i = 0; i < rule->nbackends; i++) {
		const ig_gbackend *b = &rule->backends[i];

		acc += b->weight;
		if (x >= acc)
			continue;
		out->backend_index = (int)i;
		out->weight = b->weight;
		out->filters += b->nfilters;
		if (!b->resolved) {
			out->status = 500;
			return;
		}
		out->backend_kind = INGROUTE_BACKEND_SERVICE;
		out->backend_ns = b->ns;
		out->service = b->name;
		out->port_number = b->port;
		return;
	}
}

static void gateway_route(const ingroute_router *router, const greq *q,
                          ingroute_route *out)
{
	const ig_gwtab *t = router->gw;
	const ig_glistener *l;
	uint32_t v, i;

	out->status = 404;
	if (!t || !(l = ingroute__gw_listener(t, q)))
		return;
	out->gateway_ns = l->gw_ns;
	out->gateway_name = l->gw_name;
	out->listener = l->name;
	/* the exact host, then the wildcards that cover it, longest first
	 * (the leftmost dot first), then the routes for any host */
	for (v = 0; v <= q->host_len; v++) {
		const ig_gvhost *vh;

		if (v == q->host_len) {
			vh = l->any ? &l->vhosts[l->any - 1] : NULL;
		} else if (v == 0) {
			vh = ingroute__gw_vhost_find(l, q->host, q->host_len, 0);
		} else {
			const char *dot = memchr(q->host + v, '.', q->host_len - v);

			if (!dot) {
				v = (uint32_t)q->host_len - 1;
				continue;
			}
			v = (uint32_t)(dot - q->host);
			vh = ingroute__gw_vhost_find(l, q->host + v, q->host_len - v, 1);
		}
		if (!vh)
			continue;
		for (i = 0; i < vh->nentries; i++) {
			const ig_gentry *e;
			size_t covered = 0;
			const char *name;

			/* the path first: its first bytes, then the rest from
			 * the entry itself */
			if ((q->head & vh->keys[i].mask) != vh->keys[i].head)
				continue;
			e = &vh->entries[i];
			if (e->path_type == IG_MT_EXACT) {
				if (!q->path_ok || q->path_len != e->path_len ||
				    memcmp(q->path, e->path, e->path_len) != 0)
					continue;
			} else if (e->path_type == IG_MT_PREFIX && e->path_len > 1) {
				if (!q->path_ok || q->path_len < e->path_len ||
				    memcmp(q->path, e->path, e->path_len) != 0 ||
				    (q->path_len > e->path_len &&
				     q->path[e->path_len] != '/'))
					continue;
			}
			if ((!e->path_only || e->path_type == IG_MT_REGEX ||
			     !q->path_ok) &&
			    ingroute__gw_entry_verdict(e, q, &covered, &name))
				continue;
			if (e->path_type == IG_MT_PREFIX && e->path_len > 1)
				covered = e->path_len;
			out->source = INGROUTE_SOURCE_HTTPROUTE;
			out->decision = INGROUTE_DECISION_PATH;
			out->status = 0;
			out->route_ns = e->rule->route_ns;
			out->route_name = e->rule->route_name;
			out->rule_host = vh->any ? "" : vh->host;
			/* the entry's copy of the match's path and type: the
			 * match itself is not read for a path-only entry */
			out->rule_path = e->path;
			out->path_type = e->path_type == IG_MT_EXACT
				? INGROUTE_PATH_EXACT
				: e->path_type == IG_MT_PREFIX
				? INGROUTE_PATH_PREFIX
				: INGROUTE_PATH_REGULAR_EXPRESSION;
			out->rule_index = (int)e->rule->index;
			out->rule_name = e->rule->rule_name;
			out->match_index = (int)e->match_index;
			out->matched_prefix = covered;
			out->filters = e->rule->nfilters;
			out->internal_[0] = e->rule;
			out->internal_[1] = l;
			choose_backend(e->rule, q->req->random, out);
			return;
		}
	}
}

void ingroute__greq_init(greq *q, const ingroute_request *req,
                         unsigned int flags, char *host, char *path)
{
	const char *qm, *h = req->host ? req->host : "";
	size_t plen;

	memset(q, 0, sizeof(*q));
	q->req = req;
	/* most Hosts and paths arrive normal, and are only checked */
	if (ig_host_is_normal(h, req->host_len)) {
		q->host = h;
		q->host_len = req->host_len;
	} else if (ingroute__normalize_host(h, req->host_len, host, &q->host_len)
	           == IG_HOST_NAME) {
		q->host = host;
	} else {
		q->host = "";
		q->host_len = 0;
	}
	qm = req->path_len ? memchr(req->path, '?', req->path_len) : NULL;
	plen = qm ? (size_t)(qm - req->path) : req->path_len;
	if (qm) {
		q->query = qm + 1;
		q->query_len = req->path_len - plen - 1;
	}
	if (flags & INGROUTE_OPT_NO_NORMALIZE) {
		q->path = req->path ? req->path : "";
		q->path_len = plen;
		q->path_ok = plen <= IG_MAX_PATH;
	} else {
		q->path_ok = ingroute__normalize_path(req->path ? req->path : "", plen,
		                                      path, &q->path, &q->path_len)
		             == 0;
	}
	{
		unsigned char head[8] = { 0 };

		if (q->path_ok)
			memcpy(head, q->path, q->path_len < 8 ? q->path_len : 8);
		memcpy(&q->head, head, 8);
	}
}

int ingroute_router_route(const ingroute_router *router,
                          const ingroute_request *req, ingroute_route *out)
{
	ingroute_route r;
	char host[IG_GHOST_BUF];
	char path[IG_GPATH_BUF];
	greq q;

	if (!router || !req || !out || req->size < REQUEST_V1_SIZE ||
	    out->size < ROUTE_V1_SIZE || (!req->path && req->path_len) ||
	    (!req->host && req->host_len) || (!req->method && req->method_len) ||
	    !req->gateway_ns != !req->gateway_name)
		return INGROUTE_EINVAL;
	if (!req->gateway_ns) {
		ingroute_match m;
		int rc;

		m.size = sizeof(m);
		rc = ingroute_router_match(router, req->host, req->host_len,
		                           req->path, req->path_len, &m);
		if (rc != 0)
			return rc;
		/* a caller of this layout or a later one: straight in */
		if (out->size >= sizeof(*out)) {
			from_match(&m, out);
			out->size = sizeof(*out);
			return 0;
		}
		memset(&r, 0, sizeof(r));
		from_match(&m, &r);
		r.size = out->size;
		memcpy(out, &r, r.size);
		return 0;
	}
	ingroute__greq_init(&q, req, router->flags, host, path);
	/* as for the Ingresses: a caller of this layout or a later one gets
	 * the answer written in place, an older one a copy of its part */
	if (out->size >= sizeof(*out)) {
		memset(out, 0, sizeof(*out));
		out->size = sizeof(*out);
		out->rule_index = out->match_index = out->backend_index = -1;
		gateway_route(router, &q, out);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.size = out->size;
	r.rule_index = r.match_index = r.backend_index = -1;
	gateway_route(router, &q, &r);
	memcpy(out, &r, r.size);
	return 0;
}

/* ---- acting on the answer */

static const ingroute_filter *nth_filter(const ingroute_route *route,
                                         size_t index)
{
	const ig_grule *rule = route->internal_[0];
	const ig_gbackend *b;

	if (!rule || route->size < ROUTE_V1_SIZE)
		return NULL;
	if (index < rule->nfilters)
		return &rule->filters[index];
	index -= rule->nfilters;
	if (route->backend_index < 0 ||
	    (uint32_t)route->backend_index >= rule->nbackends)
		return NULL;
	b = &rule->backends[route->backend_index];
	return index < b->nfilters ? &b->filters[index] : NULL;
}

int ingroute_route_filter(const ingroute_route *route, size_t index,
                          ingroute_filter *out)
{
	const ingroute_filter *f;
	size_t n;

	if (!route || !out || out->size < FILTER_V1_SIZE)
		return INGROUTE_EINVAL;
	if (!(f = nth_filter(route, index)))
		return INGROUTE_ENOENT;
	n = out->size < sizeof(*f) ? out->size : sizeof(*f);
	memcpy(out, f, n);
	out->size = n;
	return 0;
}

/* Appends n bytes to out as far as cap allows; returns the new length. */
static size_t put(char *out, size_t cap, size_t len, const char *s, size_t n)
{
	if (len < cap)
		memcpy(out + len, s, n < cap - len ? n : cap - len);
	return len + n;
}

/* The path after a path modifier: ReplacePrefixMatch swaps the part the
 * PathPrefix covered, ignoring a trailing '/' of the replacement
 * (docs/semantics.md §9.5). */
static size_t modified_path(const ingroute_filter *f,
                            const ingroute_route *route, const char *path,
                            size_t plen, char *out, size_t cap, size_t len)
{
	size_t rlen, at = len;

	if (!f || f->path_modifier == INGROUTE_PATH_KEEP || !f->path)
		return put(out, cap, len, path, plen);
	rlen = strlen(f->path);
	if (f->path_modifier == INGROUTE_PATH_REPLACE_FULL)
		return put(out, cap, len, f->path, rlen);
	while (rlen > 0 && f->path[rlen - 1] == '/')
		rlen--;
	len = put(out, cap, len, f->path, rlen);
	if (route->matched_prefix <= plen)
		len = put(out, cap, len, path + route->matched_prefix,
		          plen - route->matched_prefix);
	if (len == at)
		len = put(out, cap, len, "/", 1);
	return len;
}

/* The request's path as routing saw it, into buf. */
static size_t routed_path(const ingroute_request *req, char *buf, size_t cap,
                          const char **path, const char **query,
                          size_t *qlen)
{
	const char *qm = req->path_len ? memchr(req->path, '?', req->path_len)
	                               : NULL;
	size_t plen = qm ? (size_t)(qm - req->path) : req->path_len, n;

	*query = qm;
	*qlen = qm ? req->path_len - plen : 0;
	n = ingroute_normalize_path(req->path ? req->path : "", plen, buf, cap);
	if (n == 0 || n > cap) {
		*path = req->path ? req->path : "";
		return plen;
	}
	*path = buf;
	return n;
}

static const ingroute_filter *find_filter(const ingroute_route *route,
                                          int type)
{
	size_t i;
	const ingroute_filter *f;

	for (i = 0; i < route->filters && (f = nth_filter(route, i)); i++)
		if (f->type == type)
			return f;
	return NULL;
}

size_t ingroute_route_location(const ingroute_request *req,
                               const ingroute_route *route, char *out,
                               size_t cap)
{
	const ingroute_filter *f;
	const ig_glistener *l;
	char buf[IG_MAX_PATH + 1], host[IG_MAX_HOST], num[16];
	const char *path, *query, *scheme;
	size_t plen, qlen, hlen, len = 0;
	long port;

	if (!req || !route || route->size < ROUTE_V1_SIZE ||
	    !(f = find_filter(route, INGROUTE_FILTER_REDIRECT)) ||
	    !(l = route->internal_[1]))
		return 0;
	scheme = f->scheme ? f->scheme : req->scheme ? req->scheme : "http";
	/* docs/semantics.md §9.5: an explicit port; else the scheme's when
	 * the filter changes the scheme; else the listener's */
	port = f->port ? f->port
	     : f->scheme ? (strcmp(scheme, "https") == 0 ? 443 : 80)
	     : l->port;
	hlen = ingroute_normalize_host(req->host, req->host_len, host,
	                               sizeof(host));
	if (hlen == 0 || hlen > sizeof(host)) {
		/* an IP literal or no name: the Host as sent, without a port */
		const char *h = req->host ? req->host : "";
		const char *colon = req->host_len && h[0] != '['
			? memchr(h, ':', req->host_len) : NULL;

		hlen = colon ? (size_t)(colon - h) : req->host_len;
		if (hlen > sizeof(host))
			hlen = sizeof(host);
		memcpy(host, h, hlen);
	}
	len = put(out, cap, len, scheme, strlen(scheme));
	len = put(out, cap, len, "://", 3);
	if (f->hostname)
		len = put(out, cap, len, f->hostname, strlen(f->hostname));
	else
		len = put(out, cap, len, host, hlen);
	if (!((port == 80 && strcmp(scheme, "http") == 0) ||
	      (port == 443 && strcmp(scheme, "https") == 0))) {
		int k = snprintf(num, sizeof(num), ":%ld", port);

		len = put(out, cap, len, num, (size_t)k);
	}
	plen = routed_path(req, buf, sizeof(buf), &path, &query, &qlen);
	len = modified_path(f, route, path, plen, out, cap, len);
	if (query)
		len = put(out, cap, len, query, qlen);
	return len;
}

size_t ingroute_route_upstream_path(const ingroute_request *req,
                                    const ingroute_route *route, char *out,
                                    size_t cap)
{
	char buf[IG_MAX_PATH + 1];
	const char *path, *query;
	size_t plen, qlen, len;

	if (!req || !route || route->size < ROUTE_V1_SIZE)
		return 0;
	plen = routed_path(req, buf, sizeof(buf), &path, &query, &qlen);
	len = modified_path(find_filter(route, INGROUTE_FILTER_URL_REWRITE),
	                    route, path, plen, out, cap, 0);
	if (query)
		len = put(out, cap, len, query, qlen);
	return len;
}
