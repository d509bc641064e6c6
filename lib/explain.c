/*
 * "Why did my request go there?": explain and dump as JSON.
 *
 * The decision always comes from the same lookup ingroute_router_match()
 * runs; the verdict on every other candidate is then worked out naively,
 * straight from docs/semantics.md §6, which is fine off the hot path and keeps the
 * explanation honest about what the fast path decided.
 */
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "router.h"

/* Text handed out is prefixed by the allocator that made it, so that
 * ingroute_free() needs no router. */
typedef union out_header {
	ingroute_allocator a;
	long double align;
} out_header;

void ingroute_free(void *ptr)
{
	out_header *h;

	if (!ptr)
		return;
	h = (out_header *)ptr - 1;
	h->a.free_fn(h->a.ctx, h);
}

static int hand_out(const ingroute_router *r, ig_buf *b, char **out,
                    size_t *out_len)
{
	out_header *h;

	if (!ingroute__buf_cstr(b))
		return INGROUTE_ENOMEM;
	h = ingroute__malloc(&r->alloc, sizeof(*h) + b->len + 1);
	if (!h)
		return INGROUTE_ENOMEM;
	h->a = r->alloc;
	memcpy(h + 1, b->data, b->len + 1);
	*out = (char *)(h + 1);
	if (out_len)
		*out_len = b->len;
	return 0;
}

static const char *vhost_kind_name(int k)
{
	return k == IG_VH_EXACT ? "exact" : k == IG_VH_WILDCARD ? "wildcard"
	     : k == IG_VH_ANY ? "any" : "none";
}

static void json_ingress_of(const ingroute_router *r, ig_buf *b, uint32_t ns,
                            uint32_t name)
{
	if (name == IG_NONE) {
		ingroute__buf_puts(b, "null");
		return;
	}
	ingroute__buf_puts(b, "{\"namespace\":");
	ingroute__buf_json_cstr(b, r->pool + ns);
	ingroute__buf_puts(b, ",\"name\":");
	ingroute__buf_json_cstr(b, r->pool + name);
	ingroute__buf_puts(b, "}");
}

/* The Ingress that declared a backend; null for the option's. */
static void json_ingress_rec(const ingroute_router *r, ig_buf *b,
                             const ig_rbackend *rb)
{
	json_ingress_of(r, b, rb->ns, rb->ing_name);
}

static void json_ingress(const ingroute_router *r, ig_buf *b, uint32_t backend)
{
	json_ingress_rec(r, b, &r->backends[backend]);
}

/* The Kubernetes shape of a backend. */
static void json_backend_rec(const ingroute_router *r, ig_buf *b,
                             const ig_rbackend *rb)
{
	if (rb->service != IG_NONE) {
		ingroute__buf_puts(b, "{\"service\":{\"name\":");
		ingroute__buf_json_cstr(b, r->pool + rb->service);
		if (rb->port_name != IG_NONE) {
			ingroute__buf_puts(b, ",\"port\":{\"name\":");
			ingroute__buf_json_cstr(b, r->pool + rb->port_name);
			ingroute__buf_puts(b, "}}");
		} else {
			ingroute__buf_printf(b, ",\"port\":{\"number\":%d}}",
			                     (int)rb->port_number);
		}
	} else {
		ingroute__buf_puts(b, "{\"resource\":{");
		if (rb->api_group != IG_NONE) {
			ingroute__buf_puts(b, "\"apiGroup\":");
			ingroute__buf_json_cstr(b, r->pool + rb->api_group);
			ingroute__buf_puts(b, ",");
		}
		ingroute__buf_puts(b, "\"kind\":");
		ingroute__buf_json_cstr(b, ig_str_at(r, rb->kind));
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json_cstr(b, ig_str_at(r, rb->name));
		ingroute__buf_puts(b, "}");
	}
	ingroute__buf_puts(b, ",\"namespace\":");
	ingroute__buf_json_cstr(b, r->pool + rb->ns);
	ingroute__buf_puts(b, "}");
}

static void json_backend(const ingroute_router *r, ig_buf *b, uint32_t bi)
{
	if (bi == IG_NONE)
		ingroute__buf_puts(b, "null");
	else
		json_backend_rec(r, b, &r->backends[bi]);
}

/* A candidate's backend and its Ingress. */
static void json_cand_backend(const ingroute_router *r, ig_buf *b, uint32_t ci,
                              int ingress_first)
{
	ig_rbackend tmp;
	const ig_rbackend *rb = ig_cand_backend(r, ci, &tmp);

	if (ingress_first) {
		json_ingress_rec(r, b, rb);
		ingroute__buf_puts(b, ",\"backend\":");
		json_backend_rec(r, b, rb);
	} else {
		json_backend_rec(r, b, rb);
	}
}

static void json_cand(const ingroute_router *r, ig_buf *b, uint32_t ci)
{
	ig_cand tmp;
	const ig_cand *c = ig_cand_get(r, ci, &tmp);
	const ig_vhost *v = &r->vhosts[IG_CAND_VHOST(c)];

	ingroute__buf_puts(b, "{\"host\":");
	ingroute__buf_json(b, r->pool + v->host, v->host_len);
	ingroute__buf_puts(b, ",\"path\":");
	ingroute__buf_json(b, r->pool + c->path, c->path_len);
	ingroute__buf_printf(b, ",\"pathType\":\"%s\",\"ingress\":",
	                     ingroute__path_type_name(IG_CAND_TYPE(c)));
	json_cand_backend(r, b, ci, 1);
}

/* ---- verdicts, straight from docs/semantics.md §6 */

static size_t measure(const ig_cand *c, const char *path)
{
	return c->path_len - (c->path_len > 0 && path[c->path_len - 1] == '/');
}

static int ci_prefix(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return 0;
	}
	return 1;
}

/* 1 when a rule path of the given match kind accepts the request path;
 * fold compares ASCII case-insensitively (for "case differs"). */
static int accepts(int match, const char *rp, size_t rn, const char *p,
                   size_t n, int fold)
{
	size_t key = rn;

	if (match == IG_M_EXACT)
		return rn == n && (fold ? ci_prefix(rp, p, n) : memcmp(rp, p, n) == 0);
	if (match == IG_M_ELEMENT && key > 0 && rp[key - 1] == '/')
		key--;
	if (key > n || !(fold ? ci_prefix(rp, p, key) : memcmp(rp, p, key) == 0))
		return 0;
	return match == IG_M_STRING || key == 0 || key == n || p[key] == '/';
}

static const char *verdict(const ingroute_router *r, uint32_t ci, uint32_t best,
                           const char *p, size_t n, const char **detail)
{
	ig_cand tmp, wtmp;
	const ig_cand *c = ig_cand_get(r, ci, &tmp);
	const char *rp = r->pool + c->path;
	size_t rn = c->path_len;

	*detail = NULL;
	if (accepts(IG_CAND_MATCH(c), rp, rn, p, n, 0)) {
		const ig_cand *w;

		if (ci == best)
			return "matched";
		w = best == IG_NONE ? NULL : ig_cand_get(r, best, &wtmp);
		if (!w || IG_CAND_VHOST(w) != IG_CAND_VHOST(c)) {
			*detail = "another virtual host decided";
			return "lost on precedence";
		}
		if (measure(w, r->pool + w->path) > measure(c, rp))
			return "shorter";
		if (IG_CAND_TYPE(w) == IG_PT_EXACT && IG_CAND_TYPE(c) != IG_PT_EXACT)
			return "lost to Exact";
		if (IG_CAND_TYPE(w) != IG_CAND_TYPE(c))
			*detail = "Exact wins over Prefix, Prefix over ImplementationSpecific";
		else if (w->path_len != rn)
			*detail = "a path ending in '/' wins over one that does not";
		else
			*detail = "the winning Ingress comes first (older creationTimestamp, "
			          "then namespace, then name)";
		return "lost on precedence";
	}
	if (IG_CAND_MATCH(c) == IG_M_EXACT && ((rn == n + 1 && rp[n] == '/' &&
	                                memcmp(rp, p, n) == 0) ||
	                               (n == rn + 1 && p[rn] == '/' &&
	                                memcmp(rp, p, rn) == 0)))
		return "trailing slash";
	if (IG_CAND_MATCH(c) == IG_M_ELEMENT && accepts(IG_M_STRING, rp,
	                                        rn - (rn > 1 && rp[rn - 1] == '/'),
	                                        p, n, 0))
		return "element boundary";
	if (accepts(IG_CAND_MATCH(c), rp, rn, p, n, 1))
		return "case differs";
	return "no match";
}

static void json_vhost_ref(const ingroute_router *r, ig_buf *b, uint32_t vh)
{
	const ig_vhost *v = &r->vhosts[vh];

	ingroute__buf_printf(b, "{\"kind\":\"%s\",\"host\":", vhost_kind_name(v->kind));
	ingroute__buf_json(b, r->pool + v->host, v->host_len);
	ingroute__buf_puts(b, "}");
}

static const char *default_step(int source)
{
	switch (source) {
	case INGROUTE_DEFAULT_VHOST:
		return "the defaultBackend of the highest-precedence Ingress with "
		       "rules for this virtual host";
	case INGROUTE_DEFAULT_OPTION:
		return "the global default backend option";
	case INGROUTE_DEFAULT_RULELESS:
		return "the defaultBackend of the highest-precedence Ingress without "
		       "rules";
	default:
		return "the defaultBackend of the highest-precedence Ingress that has "
		       "one";
	}
}

/* ---- explain, one part of the JSON at a time, each read from the
 * lookup's record */

/* The request as given and as the tables are keyed. */
static void json_request(const ingroute_router *r, ig_buf *b,
                         const ig_lookup *lk)
{
	int host_name = (lk->how & IG_LOOKUP_HOST_NAME) != 0;
	int path_ok = (lk->how & IG_LOOKUP_PATH_OK) != 0;

	ingroute__buf_puts(b, "{\"request\":{\"host\":");
	ingroute__buf_json(b, lk->host, lk->host_len);
	ingroute__buf_puts(b, ",\"path\":");
	ingroute__buf_json(b, lk->path, lk->path_len);
	ingroute__buf_puts(b, "},\"normalized\":{\"host\":");
	ingroute__buf_json(b, lk->nhost, host_name ? lk->nhost_len : 0);
	ingroute__buf_puts(b, ",\"path\":");
	ingroute__buf_json(b, lk->npath, path_ok ? lk->npath_len : 0);
	ingroute__buf_printf(b, ",\"normalization\":%s",
	                     r->flags & INGROUTE_OPT_NO_NORMALIZE ? "false" : "true");
	if (!host_name)
		ingroute__buf_puts(b, ",\"hostNote\":\"empty, an IP literal or not a "
		                      "DNS name: only rules without a host apply\"");
	if (!path_ok)
		ingroute__buf_printf(b, ",\"pathNote\":\"longer than %u bytes: no path "
		                        "rule is consulted\"", IG_MAX_PATH);
	ingroute__buf_puts(b, "}");
}

/* §5: every virtual host looked for, in order, and whether it exists. */
static void json_probes(ig_buf *b, const ig_lookup *lk)
{
	uint32_t k;

	ingroute__buf_puts(b, ",\"virtualHosts\":[");
	for (k = 0; k < lk->nprobes; k++) {
		const ig_probe *p = &lk->probes[k];

		ingroute__buf_printf(b, "%s{\"kind\":\"%s\",\"host\":", k ? "," : "",
		                     vhost_kind_name(p->kind));
		if (p->kind == IG_VH_WILDCARD) {
			/* "*." and the suffix, which may hold anything with
			 * normalisation off. */
			char wild[IG_MAX_HOST + 3];

			wild[0] = '*';
			wild[1] = '.';
			memcpy(wild + 2, p->name, p->name_len);
			ingroute__buf_json(b, wild, p->name_len + 2);
		} else {
			ingroute__buf_json(b, p->name, p->name_len);
		}
		ingroute__buf_printf(b, ",\"exists\":%s}",
		                     p->vhost != IG_NONE ? "true" : "false");
	}
	ingroute__buf_puts(b, "]");
}

/* The virtual host that decided, and why that one. */
static void json_chosen(const ingroute_router *r, ig_buf *b,
                        const ig_lookup *lk)
{
	const ig_vhost *v;

	ingroute__buf_puts(b, ",\"virtualHost\":");
	if (lk->vhost == IG_NONE) {
		ingroute__buf_puts(b, "null,\"why\":\"no rule names this host, no "
		                      "wildcard covers it, and there are no rules "
		                      "without a host\"");
		return;
	}
	v = &r->vhosts[lk->vhost];
	json_vhost_ref(r, b, lk->vhost);
	ingroute__buf_printf(b, ",\"why\":\"%s\"",
		lk->m->decision == INGROUTE_DECISION_PATH && lk->vhost != lk->order[0]
		? "fall-through: the virtual hosts before it had no matching path"
		: v->kind == IG_VH_EXACT ? "a rule host equals the request host"
		: v->kind == IG_VH_WILDCARD
		? "no rule host equals the request host; a wildcard covers its "
		  "first label"
		: "no rule host or wildcard covers the request host: the rules "
		  "without a host apply");
}

/* Every candidate of the virtual hosts the search consulted, up to the
 * one that decided, with its verdict. */
static void json_candidates(const ingroute_router *r, ig_buf *b,
                            const ig_lookup *lk, uint32_t best)
{
	int path_ok = (lk->how & IG_LOOKUP_PATH_OK) != 0, first = 1;
	uint32_t k, ci;

	ingroute__buf_puts(b, ",\"candidates\":[");
	for (k = 0; k < lk->norder; k++) {
		const ig_vhost *v = &r->vhosts[lk->order[k]];

		for (ci = v->first_cand; ci < v->first_cand + v->ncands; ci++) {
			const char *detail, *vd;

			vd = path_ok ? verdict(r, ci, best, lk->npath, lk->npath_len,
			                       &detail)
			             : (detail = "the request path is too long", "no match");
			ingroute__buf_puts(b, first ? "" : ",");
			first = 0;
			json_cand(r, b, ci);
			ingroute__buf_printf(b, ",\"verdict\":\"%s\"", vd);
			if (detail) {
				ingroute__buf_puts(b, ",\"detail\":");
				ingroute__buf_json_cstr(b, detail);
			}
			ingroute__buf_puts(b, "}");
		}
		if (lk->order[k] == lk->vhost &&
		    lk->m->decision == INGROUTE_DECISION_PATH)
			break;
	}
	ingroute__buf_puts(b, "]");
}

/* The default-backend step when it was taken, the decision, its backend
 * and its rule. */
static void json_decision(const ingroute_router *r, ig_buf *b,
                          const ig_lookup *lk, uint32_t best)
{
	const ingroute_match *m = lk->m;

	ingroute__buf_puts(b, ",\"default\":");
	if (m->decision == INGROUTE_DECISION_DEFAULT) {
		ingroute__buf_puts(b, "{\"step\":");
		ingroute__buf_json_cstr(b, default_step(m->default_source));
		ingroute__buf_puts(b, ",\"backend\":");
		json_backend(r, b, lk->backend);
		ingroute__buf_puts(b, ",\"ingress\":");
		json_ingress(r, b, lk->backend);
		ingroute__buf_puts(b, "}");
	} else {
		ingroute__buf_puts(b, "null");
	}
	ingroute__buf_printf(b, ",\"decision\":\"%s\",\"backend\":",
	                     m->decision == INGROUTE_DECISION_PATH ? "path"
	                     : m->decision == INGROUTE_DECISION_DEFAULT ? "default"
	                                                                : "none");
	if (m->decision == INGROUTE_DECISION_PATH)
		json_cand_backend(r, b, best, 0);
	else if (m->decision == INGROUTE_DECISION_DEFAULT)
		json_backend(r, b, lk->backend);
	else
		ingroute__buf_puts(b, "null");
	ingroute__buf_puts(b, ",\"rule\":");
	if (m->decision == INGROUTE_DECISION_PATH) {
		ingroute__buf_puts(b, "{\"host\":");
		ingroute__buf_json_cstr(b, m->rule_host);
		ingroute__buf_puts(b, ",\"path\":");
		ingroute__buf_json_cstr(b, m->rule_path);
		ingroute__buf_printf(b, ",\"pathType\":\"%s\"}",
		                     ingroute__path_type_name(m->path_type));
	} else {
		ingroute__buf_puts(b, "null");
	}
	ingroute__buf_puts(b, "}");
}

int ingroute_router_explain(const ingroute_router *r, const char *host,
                            size_t host_len, const char *path, size_t path_len,
                            char **out, size_t *out_len)
{
	ig_lookup lk;
	ingroute_match m;
	uint32_t best = IG_NONE;
	ig_buf b;
	int rc;

	if (!r || !out || (!host && host_len) || (!path && path_len))
		return INGROUTE_EINVAL;
	*out = NULL;
	lk.host = host ? host : "";
	lk.host_len = host_len;
	lk.path = path ? path : "";
	lk.path_len = path_len;
	lk.flags = IG_LOOKUP_PROBE_ALL;
	m.size = sizeof(m);
	lk.m = &m;
	ingroute__lookup(r, &lk);
	if (m.decision == INGROUTE_DECISION_PATH)
		best = r->vhosts[lk.vhost].first_cand + lk.rank;

	ingroute__buf_init(&b, &r->alloc);
	json_request(r, &b, &lk);
	json_probes(&b, &lk);
	json_chosen(r, &b, &lk);
	json_candidates(r, &b, &lk, best);
	json_decision(r, &b, &lk, best);
	rc = hand_out(r, &b, out, out_len);
	ingroute__buf_free(&b);
	return rc;
}

/* ---- dump */

/* The virtual hosts by kind, then host. Insertion sort: qsort takes no
 * context, and a global comparator context would race between threads. */
static void sort_vhosts(const ingroute_router *r, uint32_t *order)
{
	uint32_t i;

	for (i = 0; i < r->nvhosts; i++)
		order[i] = i;
	for (i = 1; i < r->nvhosts; i++) {
		uint32_t v = order[i], j = i;

		while (j > 0) {
			const ig_vhost *a = &r->vhosts[order[j - 1]], *c = &r->vhosts[v];

			if (a->kind < c->kind || (a->kind == c->kind &&
			    strcmp(r->pool + a->host, r->pool + c->host) <= 0))
				break;
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
}

/* One virtual host: its paths in precedence order, its default. */
static void json_dump_vhost(const ingroute_router *r, ig_buf *b,
                            const ig_vhost *v)
{
	uint32_t ci;

	ingroute__buf_printf(b, "{\"kind\":\"%s\",\"host\":",
	                     vhost_kind_name(v->kind));
	ingroute__buf_json(b, r->pool + v->host, v->host_len);
	ingroute__buf_puts(b, ",\"paths\":[");
	for (ci = v->first_cand; ci < v->first_cand + v->ncands; ci++) {
		ig_cand tmp;
		const ig_cand *c = ig_cand_get(r, ci, &tmp);

		ingroute__buf_puts(b, ci > v->first_cand ? ",{\"path\":" : "{\"path\":");
		ingroute__buf_json(b, r->pool + c->path, c->path_len);
		ingroute__buf_printf(b, ",\"pathType\":\"%s\",\"ingress\":",
		                     ingroute__path_type_name(IG_CAND_TYPE(c)));
		json_cand_backend(r, b, ci, 1);
		ingroute__buf_puts(b, "}");
	}
	ingroute__buf_puts(b, "],\"defaultBackend\":");
	if (v->default_backend != IG_NONE) {
		ingroute__buf_puts(b, "{\"backend\":");
		json_backend(r, b, v->default_backend);
		ingroute__buf_puts(b, ",\"ingress\":");
		json_ingress(r, b, v->default_backend);
		ingroute__buf_puts(b, "}");
	} else {
		ingroute__buf_puts(b, "null");
	}
	ingroute__buf_puts(b, "}");
}

/* The global default, the TLS table and the sizes. */
static void json_dump_tail(const ingroute_router *r, ig_buf *b)
{
	uint32_t i;

	ingroute__buf_puts(b, "],\"defaultBackend\":");
	if (r->global_default != IG_NONE) {
		ingroute__buf_puts(b, "{\"source\":");
		ingroute__buf_json_cstr(b, default_step(r->global_source));
		ingroute__buf_puts(b, ",\"backend\":");
		json_backend(r, b, r->global_default);
		ingroute__buf_puts(b, ",\"ingress\":");
		json_ingress(r, b, r->global_default);
		ingroute__buf_puts(b, "}");
	} else {
		ingroute__buf_puts(b, "null");
	}
	ingroute__buf_puts(b, ",\"tls\":[");
	for (i = 0; i < r->ntls; i++) {
		const ig_tls_entry *e = &r->tls[i];

		ingroute__buf_puts(b, i ? ",{\"host\":" : "{\"host\":");
		ingroute__buf_json_cstr(b, r->pool + e->host);
		ingroute__buf_puts(b, ",\"secret\":{\"namespace\":");
		ingroute__buf_json_cstr(b, r->pool + r->ings[e->ing].ns);
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json_cstr(b, r->pool + e->secret);
		ingroute__buf_puts(b, "},\"ingress\":");
		json_ingress_of(r, b, r->ings[e->ing].ns, r->ings[e->ing].name);
		ingroute__buf_puts(b, "}");
	}
	ingroute__buf_puts(b, "]");
	ingroute__gw_dump(r->gw, b);
	ingroute__buf_printf(b, ",\"stats\":{\"ingresses\":%u,\"virtualHosts\":%u,"
	                     "\"paths\":%u,\"indexBytes\":%zu,\"totalBytes\":%zu}}",
	                     r->nings, r->nvhosts, r->ncands, r->index_bytes,
	                     r->total_bytes);
}

int ingroute_router_explain_request(const ingroute_router *r,
                                    const ingroute_request *req, char **out,
                                    size_t *out_len)
{
	ingroute_route answer;
	ig_buf b;
	int rc;

	if (!r || !req || !out)
		return INGROUTE_EINVAL;
	*out = NULL;
	memset(&answer, 0, sizeof(answer));
	answer.size = sizeof(answer);
	/* the decision is the lookup's, and so are the argument checks */
	if ((rc = ingroute_router_route(r, req, &answer)) != 0)
		return rc;
	if (!req->gateway_ns)
		return ingroute_router_explain(r, req->host, req->host_len,
		                               req->path, req->path_len, out,
		                               out_len);
	ingroute__buf_init(&b, &r->alloc);
	ingroute__gw_explain(r->gw, r->flags, req, &answer, &b);
	rc = hand_out(r, &b, out, out_len);
	ingroute__buf_free(&b);
	return rc;
}

int ingroute_router_dump(const ingroute_router *r, char **out, size_t *out_len)
{
	uint32_t *order, i;
	ig_buf b;
	int rc;

	if (!r || !out)
		return INGROUTE_EINVAL;
	*out = NULL;
	order = ingroute__malloc(&r->alloc, (r->nvhosts ? r->nvhosts : 1) *
	                                    sizeof(*order));
	if (!order)
		return INGROUTE_ENOMEM;
	sort_vhosts(r, order);
	ingroute__buf_init(&b, &r->alloc);
	ingroute__buf_puts(&b, "{\"virtualHosts\":[");
	for (i = 0; i < r->nvhosts; i++) {
		ingroute__buf_puts(&b, i ? "," : "");
		json_dump_vhost(r, &b, &r->vhosts[order[i]]);
	}
	json_dump_tail(r, &b);
	ingroute__free(&r->alloc, order);
	rc = hand_out(r, &b, out, out_len);
	ingroute__buf_free(&b);
	return rc;
}
