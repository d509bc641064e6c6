/*
 * The Gateway API's part of a router (gateway.h): which Gateways are
 * served, which HTTPRoutes attach to which of their listeners and under
 * which hostnames, whether each backendRef resolves, and every match
 * ranked by the specification's precedence (docs/semantics.md §9.3,
 * §9.4). A route or reference that does not attach or resolve is
 * reported in the words of the status condition it would get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gateway.h"
#include "ruleset.h"

#define GW_GROUP "gateway.networking.k8s.io"

typedef struct gcc {
	const ig_alloc *a;
	const ig_ruleset_view *v;
	const ig_diag_ctx *dc;
	ig_gwtab *t;
	int oom;
	/* per vhost while building: a growable list of entries */
	struct bvh {
		uint32_t listener;
		const char *host;      /* NULL: any; "*.x" kept for wildcards */
		size_t host_len;
		ig_gentry *e;
		size_t n, cap;
	} *vh;
	size_t nvh, capvh;
	uint32_t *vh_index;        /* vh position + 1 by (listener, host) */
	size_t vh_cap;             /* power of two, > 2 * nvh */
	uint32_t *obj_index;       /* v->gw position + 1 by (kind, ns, name) */
	size_t obj_cap;
	const ig_object **grants;  /* the ReferenceGrants */
	size_t ngrants;
	int have_services;
} gcc;

static int s_is(const ig_str *s, const char *lit)
{
	return s->s && s->len == strlen(lit) && memcmp(s->s, lit, s->len) == 0;
}

static int s_eq(const ig_str *a, const char *s, size_t n)
{
	return a->len == n && memcmp(a->s, s, n) == 0;
}

static char *dup(gcc *c, const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = ingroute__arena_strndup(&c->t->arena, s, n);
	if (!p)
		c->oom = 1;
	return p;
}

static char *dups(gcc *c, const ig_str *s)
{
	return s->s ? dup(c, s->s, s->len) : NULL;
}

static void *zalloc(gcc *c, size_t n)
{
	void *p = ingroute__arena_zalloc(&c->t->arena, n ? n : 1);

	if (!p)
		c->oom = 1;
	return p;
}

static uint64_t obj_hash(int kind, const char *ns, size_t nslen,
                         const char *name, size_t namelen)
{
	return ingroute__key_hash(ns, nslen, name, namelen) ^ (uint64_t)kind;
}

/* The object of a kind, namespace ("" or NULL for a cluster-scoped kind)
 * and name, through the index of every object. */
static const ig_object *find(const gcc *c, int kind, const char *ns,
                             size_t nslen, const char *name, size_t namelen)
{
	size_t mask = c->obj_cap - 1, i;

	if (!ns)
		ns = "", nslen = 0;
	if (!c->obj_cap)
		return NULL;
	for (i = (size_t)obj_hash(kind, ns, nslen, name, namelen) & mask;
	     c->obj_index[i]; i = (i + 1) & mask) {
		const ig_object *o = c->v->gw[c->obj_index[i] - 1];

		if (o->kind == kind && o->name.len == namelen &&
		    memcmp(o->name.s, name, namelen) == 0 && o->ns.len == nslen &&
		    memcmp(o->ns.s, ns, nslen) == 0)
			return o;
	}
	return NULL;
}

/* The index of the ruleset's objects, the grants, whether it holds
 * Services. */
static int index_objects(gcc *c)
{
	size_t i, k, cap = 16;

	while (cap < 2 * c->v->ngw + 2)
		cap *= 2;
	c->obj_index = ingroute__calloc(c->a, cap, sizeof(*c->obj_index));
	c->grants = ingroute__calloc(c->a, c->v->ngw + 1, sizeof(*c->grants));
	if (!c->obj_index || !c->grants)
		return -1;
	c->obj_cap = cap;
	for (i = 0; i < c->v->ngw; i++) {
		const ig_object *o = c->v->gw[i];

		for (k = (size_t)obj_hash(o->kind, o->ns.s, o->ns.len, o->name.s,
		                          o->name.len) & (cap - 1);
		     c->obj_index[k]; k = (k + 1) & (cap - 1))
			;
		c->obj_index[k] = (uint32_t)(i + 1);
		if (o->kind == IG_OBJ_GRANT)
			c->grants[c->ngrants++] = o;
		c->have_services |= o->kind == IG_OBJ_SERVICE;
	}
	return 0;
}

/* docs/semantics.md §9.3: served when its class exists and, with the
 * gateway_controller option, names that controller. */
static const ig_object *served_class(const gcc *c, const ig_object *gw)
{
	const ig_object *cls;

	if (!gw->class_name.s)
		return NULL;
	cls = find(c, IG_OBJ_GATEWAY_CLASS, NULL, 0, gw->class_name.s,
	           gw->class_name.len);
	if (!cls)
		return NULL;
	if (c->v->gateway_controller &&
	    !s_eq(&cls->controller, c->v->gateway_controller,
	          strlen(c->v->gateway_controller)))
		return NULL;
	return cls;
}

/* Why a Gateway serves no route, as the note and explain word it; NULL
 * when one of its listeners takes HTTP or HTTPS. */
static const char *unserved_why(gcc *c, const ig_object *gw, char *buf,
                                size_t size)
{
	const ig_object *cls;
	uint32_t k;

	if (!gw->class_name.s)
		return "it names no GatewayClass";
	cls = find(c, IG_OBJ_GATEWAY_CLASS, NULL, 0, gw->class_name.s,
	           gw->class_name.len);
	if (!cls) {
		snprintf(buf, size, "its GatewayClass \"%.*s\" does not exist",
		         (int)gw->class_name.len, gw->class_name.s);
		return buf;
	}
	if (!served_class(c, gw)) {
		snprintf(buf, size, "its GatewayClass \"%.*s\" names the controller "
		         "\"%.*s\", not \"%s\"", (int)gw->class_name.len,
		         gw->class_name.s, (int)cls->controller.len,
		         cls->controller.s ? cls->controller.s : "",
		         c->v->gateway_controller);
		return buf;
	}
	for (k = 0; k < gw->nlisteners; k++)
		if (s_is(&gw->listeners[k].protocol, "HTTP") ||
		    s_is(&gw->listeners[k].protocol, "HTTPS"))
			return NULL;
	return "none of its listeners takes HTTP or HTTPS";
}

/* Each Gateway that serves nothing gets a note and a place in the table's
 * list, so that explain can say why a request through it found nothing. */
static void unserved(gcc *c)
{
	const struct ig_ruleset_view *v = c->v;
	ig_gunserved *u;
	uint32_t i, n = 0;
	char buf[640];

	for (i = 0; i < v->ngw; i++)
		n += v->gw[i]->kind == IG_OBJ_GATEWAY &&
		     unserved_why(c, v->gw[i], buf, sizeof(buf));
	if (!n)
		return;
	u = zalloc(c, n * sizeof(*u));
	if (!u)
		return;
	c->t->unserved = u;
	for (i = 0; i < v->ngw; i++) {
		const ig_object *gw = v->gw[i];
		const char *why;
		ig_diag_ctx about;

		if (gw->kind != IG_OBJ_GATEWAY ||
		    !(why = unserved_why(c, gw, buf, sizeof(buf))))
			continue;
		about = ig_diag_in_file(c->dc, gw->file);
		about = ig_diag_about(&about, "Gateway", gw->ns.s, gw->name.s);
		if (served_class(c, gw))
			ingroute__diag(&about, INGROUTE_NOTE, INGROUTE_D_CLASS,
			               gw->nlisteners ? gw->listeners[0].pos
			                              : gw->pos,
			               "spec.listeners", "not served: %s", why);
		else
			ingroute__diag(&about, INGROUTE_NOTE, INGROUTE_D_CLASS,
			               gw->class_name.s ? gw->class_name.pos : gw->pos,
			               "spec.gatewayClassName", "not served: %s", why);
		u->gw_ns = dups(c, &gw->ns);
		u->gw_name = dups(c, &gw->name);
		u->why = dup(c, why, strlen(why));
		u++;
	}
	c->t->nunserved = n;
}

/* ---- hostnames */

static int is_wild(const char *h, size_t n)
{
	return n >= 2 && h[0] == '*' && h[1] == '.';
}

/* Whether wildcard w ("*.example.com") covers name h (any number of
 * labels before the suffix, at least one). */
static int wild_covers(const char *w, size_t wn, const char *h, size_t hn)
{
	size_t sl = wn - 1;     /* ".example.com" */

	return hn > sl && memcmp(h + hn - sl, w + 1, sl) == 0;
}

/* The hostname a listener hostname l and a route hostname r agree on,
 * the more specific of the two; NULL when they do not intersect. */
static const char *intersect(const char *l, size_t ln, const char *r,
                             size_t rn, size_t *out_len)
{
	int lw = is_wild(l, ln), rw = is_wild(r, rn);

	if (!lw && !rw) {
		*out_len = rn;
		return ln == rn && memcmp(l, r, ln) == 0 ? r : NULL;
	}
	if (lw && !rw) {
		*out_len = rn;
		return wild_covers(l, ln, r, rn) ? r : NULL;
	}
	if (!lw && rw) {
		*out_len = ln;
		return wild_covers(r, rn, l, ln) ? l : NULL;
	}
	/* both wildcards: the longer, when it lies under the shorter */
	if (rn >= ln) {
		*out_len = rn;
		return rn == ln ? (memcmp(l, r, ln) == 0 ? r : NULL)
		                : wild_covers(l, ln, r + 2, rn - 2) ? r : NULL;
	}
	*out_len = ln;
	return wild_covers(r, rn, l + 2, ln - 2) ? l : NULL;
}

/* ---- allowedRoutes */

static const ig_str *label(const ig_object *ns, const ig_str *key)
{
	uint32_t i;

	for (i = 0; ns && i < ns->nlabels; i++)
		if (ns->labels[i].key.len == key->len &&
		    memcmp(ns->labels[i].key.s, key->s, key->len) == 0)
			return &ns->labels[i].value;
	return NULL;
}

static int selects(const ig_selector *sel, const ig_object *ns)
{
	uint32_t i, j;

	for (i = 0; i < sel->nlabels; i++) {
		const ig_str *v = label(ns, &sel->labels[i].key);

		if (!v || v->len != sel->labels[i].value.len ||
		    memcmp(v->s, sel->labels[i].value.s, v->len) != 0)
			return 0;
	}
	for (i = 0; i < sel->nexprs; i++) {
		const ig_expr *e = &sel->exprs[i];
		const ig_str *v = label(ns, &e->key);
		int in = 0;

		for (j = 0; v && j < e->nvalues; j++)
			in |= e->values[j].len == v->len &&
			      memcmp(e->values[j].s, v->s, v->len) == 0;
		if ((s_is(&e->op, "In") && !in) || (s_is(&e->op, "NotIn") && in) ||
		    (s_is(&e->op, "Exists") && !v) ||
		    (s_is(&e->op, "DoesNotExist") && v))
			return 0;
	}
	return 1;
}

static int allows_namespace(const gcc *c, const ig_listener *l,
                            const ig_object *gw, const ig_object *route)
{
	switch (l->from) {
	case IG_FROM_ALL:
		return 1;
	case IG_FROM_SELECTOR:
		return l->selector &&
		       selects(l->selector, find(c, IG_OBJ_NAMESPACE, NULL, 0,
		                                 route->ns.s, route->ns.len));
	case IG_FROM_SAME:
		return route->ns.len == gw->ns.len &&
		       memcmp(route->ns.s, gw->ns.s, gw->ns.len) == 0;
	default:
		return 0;
	}
}

static int allows_kind(const ig_listener *l)
{
	uint32_t i;

	if (!l->has_kinds)
		return s_is(&l->protocol, "HTTP") || s_is(&l->protocol, "HTTPS");
	for (i = 0; i < l->nkinds; i++)
		if (s_is(&l->kinds[i].kind, "HTTPRoute") &&
		    (!l->kinds[i].group.s || s_is(&l->kinds[i].group, GW_GROUP)))
			return 1;
	return 0;
}

/* ---- building */

static uint64_t vh_hash(uint32_t listener, const char *host, size_t n)
{
	return ingroute__key_hash(host ? host : "", host ? n : 0, "", 0) ^
	       ((uint64_t)listener * 0x9e3779b97f4a7c15ull) ^ (host ? 0 : 1);
}

/* The slot of (listener, host) in the build's vhost index: its own, or
 * the empty one where it goes. */
static size_t vh_slot(const gcc *c, uint32_t listener, const char *host,
                      size_t n)
{
	size_t mask = c->vh_cap - 1, i = (size_t)vh_hash(listener, host, n) & mask;

	for (; c->vh_index[i]; i = (i + 1) & mask) {
		const struct bvh *b = &c->vh[c->vh_index[i] - 1];

		if (b->listener == listener && b->host_len == n &&
		    (host ? b->host && memcmp(b->host, host, n) == 0 : !b->host))
			break;
	}
	return i;
}

static struct bvh *vhost(gcc *c, uint32_t listener, const char *host,
                         size_t host_len)
{
	size_t i, slot;

	if (c->vh_cap && c->vh_index[slot = vh_slot(c, listener, host, host_len)])
		return &c->vh[c->vh_index[slot] - 1];
	if (ingroute__grow(c->a, (void **)&c->vh, &c->capvh, c->nvh + 1,
	                   sizeof(*c->vh)) < 0) {
		c->oom = 1;
		return NULL;
	}
	if (2 * (c->nvh + 1) >= c->vh_cap) {
		size_t cap = c->vh_cap ? 2 * c->vh_cap : 64;
		uint32_t *idx = ingroute__calloc(c->a, cap, sizeof(*idx));

		if (!idx) {
			c->oom = 1;
			return NULL;
		}
		ingroute__free(c->a, c->vh_index);
		c->vh_index = idx;
		c->vh_cap = cap;
		for (i = 0; i < c->nvh; i++)
			c->vh_index[vh_slot(c, c->vh[i].listener, c->vh[i].host,
			                    c->vh[i].host_len)] = (uint32_t)(i + 1);
	}
	c->vh_index[vh_slot(c, listener, host, host_len)] = (uint32_t)(c->nvh + 1);
	memset(&c->vh[c->nvh], 0, sizeof(*c->vh));
	c->vh[c->nvh].listener = listener;
	c->vh[c->nvh].host = host;
	c->vh[c->nvh].host_len = host_len;
	return &c->vh[c->nvh++];
}

static void add_entry(gcc *c, struct bvh *b, const ig_grule *rule,
                      const ig_gmatch *m, uint32_t mi)
{
	/* a match or rule that could not be built: out of memory, already
	 * noted in c->oom, and the compile fails */
	if (!m || !rule) {
		c->oom = 1;
		return;
	}
	if (!b || ingroute__grow(c->a, (void **)&b->e, &b->cap, b->n + 1,
	                         sizeof(*b->e)) < 0) {
		c->oom = 1;
		return;
	}
	b->e[b->n].rule = rule;
	b->e[b->n].match = m;
	b->e[b->n].match_index = mi;
	b->e[b->n].path = m->path;
	b->e[b->n].path_len = m->path_len;
	b->e[b->n].path_type = m->path_type;
	b->e[b->n].path_only = !m->method && !m->nheaders && !m->nquery;
	{
		size_t k = m->path_len < 8 ? m->path_len : 8;
		unsigned char h[8] = { 0 }, mask[8] = { 0 };

		/* an Exact path's padding must match the request's too (its end
		 * within 8 bytes); a prefix's only its own bytes; a regular
		 * expression's none */
		if (m->path_type != IG_MT_REGEX) {
			memcpy(h, m->path, k);
			memset(mask, 0xff, m->path_type == IG_MT_EXACT ? 8 : k);
		}
		memcpy(&b->e[b->n].head, h, 8);
		memcpy(&b->e[b->n].head_mask, mask, 8);
	}
	b->n++;
}

/* Where a match lives, for a diagnostic about it. */
typedef struct at {
	const ig_object *route;
	uint32_t rule, match;
} at;

/* A RegularExpression value compiled, or NULL (reported: the match then
 * never matches; docs/semantics.md §9.4). */
static const ig_regex *regex(gcc *c, const at *w, const char *field,
                             const char *s, size_t n, ig_pos pos)
{
	char err[256], path[160];
	size_t off;
	const ig_regex *re = ingroute__regex_compile(&c->t->regexes, c->a, s, n,
	                                             err, sizeof(err), &off);
	ig_diag_ctx about;

	if (re)
		return re;
	if (!err[0]) {
		c->oom = 1;
		return NULL;
	}
	about = ig_diag_in_file(c->dc, w->route->file);
	about = ig_diag_about(&about, "HTTPRoute", w->route->ns.s,
	                      w->route->name.s);
	snprintf(path, sizeof(path), "spec.rules[%u].matches[%u].%s", w->rule,
	         w->match, field);
	ingroute__diag(&about, INGROUTE_WARNING, INGROUTE_D_NOT_ATTACHED, pos,
	               path, "Accepted=False (UnsupportedValue): the regular "
	               "expression does not compile (%s, at byte %zu); this "
	               "match never matches", err, off);
	return NULL;
}

static void copy_values(gcc *c, const at *w, const char *what,
                        const ig_value_match *in, uint32_t n, int lower,
                        const ig_gvalue **out, uint32_t *count)
{
	ig_gvalue *v = zalloc(c, n * sizeof(*v));
	uint32_t i, k;

	*out = v;
	*count = v ? n : 0;
	for (i = 0; v && i < n; i++) {
		char *name = dups(c, &in[i].name);

		if (name && lower)
			for (k = 0; k < in[i].name.len; k++)
				if (name[k] >= 'A' && name[k] <= 'Z')
					name[k] = (char)(name[k] | 0x20);
		v[i].type = in[i].type;
		v[i].name = name;
		v[i].name_len = in[i].name.len;
		v[i].value = dups(c, &in[i].value);
		v[i].value_len = in[i].value.len;
		if (in[i].type == IG_MT_REGEX) {
			char field[48];

			snprintf(field, sizeof(field), "%s[%u].value", what, i);
			v[i].re = regex(c, w, field, in[i].value.s, in[i].value.len,
			                in[i].value.pos);
		}
	}
}

static ig_gmatch *copy_match(gcc *c, const at *w, const ig_http_match *m)
{
	ig_gmatch *g = zalloc(c, sizeof(*g));

	if (!g)
		return NULL;
	g->path_type = m->path_type;
	g->path = dups(c, &m->path_value);
	g->path_len = m->path_value.len;
	/* a PathPrefix's trailing '/' is ignored ("/abc/" is "/abc") */
	if (g->path_type == IG_MT_PREFIX)
		while (g->path_len > 1 && g->path[g->path_len - 1] == '/')
			g->path_len--;
	if (g->path_type == IG_MT_REGEX)
		g->path_re = regex(c, w, "path.value", m->path_value.s,
		                   m->path_value.len, m->path_value.pos);
	g->method = dups(c, &m->method);
	g->method_len = m->method.len;
	copy_values(c, w, "headers", m->headers, m->nheaders, 1, &g->headers,
	            &g->nheaders);
	copy_values(c, w, "queryParams", m->query, m->nquery, 0, &g->query,
	            &g->nquery);
	return g;
}

static const ingroute_filter *copy_filters(gcc *c, const ig_object *route,
                                           const ig_filter *in, uint32_t n)
{
	ingroute_filter *out = zalloc(c, n * sizeof(*out));
	uint32_t i, k;

	for (i = 0; out && i < n; i++) {
		const ig_filter *f = &in[i];
		ingroute_filter *o = &out[i];

		o->size = sizeof(*o);
		o->type = f->type;
		if (f->nedits) {
			ingroute_header_edit *e = zalloc(c, f->nedits * sizeof(*e));

			o->edits = e;
			o->nedits = e ? f->nedits : 0;
			for (k = 0; e && k < f->nedits; k++) {
				e[k].op = f->edits[k].op;
				e[k].name = dups(c, &f->edits[k].name);
				e[k].value = dups(c, &f->edits[k].value);
			}
		}
		o->scheme = dups(c, &f->scheme);
		o->hostname = dups(c, &f->hostname);
		o->port = f->port;
		o->status_code = f->type == IG_FT_REDIRECT ? f->status : 0;
		o->path_modifier = f->path_mod == IG_PM_FULL ? INGROUTE_PATH_REPLACE_FULL
			: f->path_mod == IG_PM_PREFIX ? INGROUTE_PATH_REPLACE_PREFIX
			: INGROUTE_PATH_KEEP;
		o->path = dups(c, &f->path_value);
		if (f->type == IG_FT_MIRROR) {
			o->mirror_ns = f->mirror.ns.s ? dups(c, &f->mirror.ns)
			                              : dups(c, &route->ns);
			o->mirror_service = dups(c, &f->mirror.name);
			o->mirror_port = f->mirror.port;
			if (f->has_fraction) {
				o->mirror_numerator = f->num;
				o->mirror_denominator = f->den;
			} else {
				o->mirror_numerator = f->percent >= 0 ? f->percent : 100;
				o->mirror_denominator = 100;
			}
		}
		if (f->type == IG_FT_EXTENSION) {
			o->ext_group = dups(c, &f->ext.group);
			o->ext_kind = dups(c, &f->ext.kind);
			o->ext_name = dups(c, &f->ext.name);
		}
	}
	return out;
}

/* ReferenceGrant: may a route in from_ns name Service name in to_ns? */
static int granted(const gcc *c, const ig_str *from_ns, const char *to_ns,
                   size_t to_len, const ig_str *name)
{
	size_t i;
	uint32_t f, t;

	for (i = 0; i < c->ngrants; i++) {
		const ig_object *g = c->grants[i];
		int from_ok = 0;

		if (g->ns.len != to_len ||
		    memcmp(g->ns.s, to_ns, to_len) != 0)
			continue;
		for (f = 0; f < g->ngrant_from; f++)
			from_ok |= s_is(&g->grant_from[f].group, GW_GROUP) &&
			           s_is(&g->grant_from[f].kind, "HTTPRoute") &&
			           g->grant_from[f].ns.len == from_ns->len &&
			           memcmp(g->grant_from[f].ns.s, from_ns->s,
			                  from_ns->len) == 0;
		if (!from_ok)
			continue;
		for (t = 0; t < g->ngrant_to; t++)
			if (g->grant_to[t].group.len == 0 &&
			    s_is(&g->grant_to[t].kind, "Service") &&
			    (!g->grant_to[t].name.s ||
			     s_eq(&g->grant_to[t].name, name->s, name->len)))
				return 1;
	}
	return 0;
}

static void unresolved(gcc *c, const ig_object *route, const ig_ref *r,
                       uint32_t rule, uint32_t bi, const char *reason,
                       const char *why)
{
	ig_diag_ctx about = ig_diag_in_file(c->dc, route->file);
	char field[96];

	about = ig_diag_about(&about, "HTTPRoute", route->ns.s, route->name.s);
	snprintf(field, sizeof(field), "spec.rules[%u].backendRefs[%u]", rule,
	         bi);
	ingroute__diag(&about, INGROUTE_WARNING, INGROUTE_D_UNRESOLVED, r->pos,
	               field, "ResolvedRefs=False (%s): %s; requests for it get "
	               "500", reason, why);
}

static ig_gbackend *copy_backends(gcc *c, const ig_object *route,
                                  const ig_http_rule *r, uint32_t ri,
                                  uint64_t *total, int report)
{
	ig_gbackend *out = zalloc(c, r->nbackends * sizeof(*out));
	int have_services = c->have_services;
	uint32_t i;

	*total = 0;
	for (i = 0; out && i < r->nbackends; i++) {
		const ig_backend_ref *b = &r->backends[i];
		ig_gbackend *g = &out[i];
		const ig_str *ns = b->ref.ns.s ? &b->ref.ns : &route->ns;
		int core = !b->ref.group.s || b->ref.group.len == 0;
		int svc = core && (!b->ref.kind.s || s_is(&b->ref.kind, "Service"));

		g->ns = dups(c, ns);
		g->name = dups(c, &b->ref.name);
		g->group = b->ref.group.s ? dups(c, &b->ref.group) : "";
		g->kind = b->ref.kind.s ? dups(c, &b->ref.kind) : "Service";
		g->port = b->ref.port;
		g->weight = (uint32_t)b->weight;
		*total += g->weight;
		g->filters = copy_filters(c, route, b->filters, b->nfilters);
		g->nfilters = b->nfilters;
		g->resolved = 0;
		if (!svc) {
			if (report)
				unresolved(c, route, &b->ref, ri, i, "InvalidKind",
				           "only Services are backends");
		} else if (!s_eq(ns, route->ns.s, route->ns.len) &&
		           !granted(c, &route->ns, ns->s, ns->len, &b->ref.name)) {
			if (report)
				unresolved(c, route, &b->ref, ri, i, "RefNotPermitted",
				           "no ReferenceGrant in its namespace allows it");
		} else if (have_services &&
		           !find(c, IG_OBJ_SERVICE, ns->s, ns->len, b->ref.name.s,
		                 b->ref.name.len)) {
			if (report)
				unresolved(c, route, &b->ref, ri, i, "BackendNotFound",
				           "no such Service");
		} else {
			g->resolved = 1;
		}
	}
	return out;
}

static ig_grule *build_rule(gcc *c, const ig_object *route, uint32_t ri,
                            int report)
{
	static const ig_http_rule empty;
	const ig_http_rule *r = ri < route->nhttp_rules ? &route->http_rules[ri]
	                                                : &empty;
	ig_grule *g = zalloc(c, sizeof(*g));
	uint32_t i;

	if (!g)
		return NULL;
	g->route_ns = dups(c, &route->ns);
	g->route_name = dups(c, &route->name);
	g->rule_name = dups(c, &r->name);
	g->index = ri;
	g->file = route->file ? dup(c, route->file, strlen(route->file)) : NULL;
	g->line = r == &empty ? route->pos.line : r->pos.line;
	g->col = r == &empty ? route->pos.col : r->pos.col;
	g->ts = route->has_ts ? route->ts : INT64_MAX;
	g->ts_nsec = route->ts_nsec;
	g->filters = copy_filters(c, route, r->filters, r->nfilters);
	g->nfilters = r->nfilters;
	for (i = 0; g->filters && i < r->nfilters; i++)
		if (g->filters[i].type == INGROUTE_FILTER_REDIRECT)
			g->redirect = &g->filters[i];
	g->backends = copy_backends(c, route, r, ri, &g->total_weight, report);
	g->nbackends = r->nbackends;
	return g;
}

/* Why a parentRef attached to no listener, in the status condition's
 * words, best reason first. */
enum { R_NONE, R_PARENT, R_KIND, R_ALLOWED, R_HOSTNAME };

static void not_attached(gcc *c, const ig_object *route, uint32_t pi,
                         int reason, const ig_object *gw)
{
	static const char *const why[] = {
		"", "NoMatchingParent", "NotAllowedByListeners",
		"NotAllowedByListeners", "NoMatchingListenerHostname" };
	static const char *const detail[] = {
		"", "has no listener with this sectionName and port",
		"has no listener that allows the kind HTTPRoute",
		"has no listener that allows HTTPRoutes from this namespace",
		"has no listener whose hostname intersects the route's hostnames"
	};
	ig_diag_ctx about = ig_diag_in_file(c->dc, route->file);
	char field[48];

	about = ig_diag_about(&about, "HTTPRoute", route->ns.s, route->name.s);
	snprintf(field, sizeof(field), "spec.parentRefs[%u]", pi);
	ingroute__diag(&about, INGROUTE_WARNING, INGROUTE_D_NOT_ATTACHED,
	               route->parents[pi].pos, field, "Accepted=False (%s): "
	               "Gateway %s/%s %s", why[reason], gw->ns.s, gw->name.s,
	               detail[reason]);
}

/* Attaches one route to the listeners its parentRefs select. */
static void attach(gcc *c, const ig_object *route, ig_glistener *ls,
                   const ig_object **lgw, const ig_listener **lmodel,
                   uint32_t nl)
{
	ig_grule **rules;
	ig_gmatch ***matches;
	uint32_t nrules = route->nhttp_rules ? route->nhttp_rules : 1;
	uint32_t pi, li, ri, mi, hi;
	int any = 0;

	rules = zalloc(c, nrules * sizeof(*rules));
	matches = zalloc(c, nrules * sizeof(*matches));
	if (!rules || !matches)
		return;
	for (pi = 0; pi < route->nparents && !c->oom; pi++) {
		const ig_ref *p = &route->parents[pi];
		const ig_str *pns = p->ns.s ? &p->ns : &route->ns;
		const ig_object *gw = NULL;
		int best = R_NONE;

		if ((p->group.s && !s_is(&p->group, GW_GROUP)) ||
		    (p->kind.s && !s_is(&p->kind, "Gateway")))
			continue;
		for (li = 0; li < nl; li++) {
			const ig_listener *l = lmodel[li];
			const char *hosts[16];
			size_t hlen[16], nh = 0;
			uint32_t k;

			if (!s_eq(&lgw[li]->ns, pns->s, pns->len) ||
			    !s_eq(&lgw[li]->name, p->name.s, p->name.len))
				continue;
			gw = lgw[li];
			if ((p->section.s && !s_eq(&l->name, p->section.s,
			                           p->section.len)) ||
			    (p->port && p->port != l->port)) {
				best = best > R_PARENT ? best : R_PARENT;
				continue;
			}
			if (!allows_kind(l)) {
				best = best > R_KIND ? best : R_KIND;
				continue;
			}
			if (!allows_namespace(c, l, gw, route)) {
				best = best > R_ALLOWED ? best : R_ALLOWED;
				continue;
			}
			if (!route->nhostnames) {
				hosts[nh] = l->hostname.s;
				hlen[nh++] = l->hostname.len;
			}
			for (k = 0; k < route->nhostnames && nh < 16; k++) {
				const ig_str *h = &route->hostnames[k];

				if (!l->hostname.s) {
					hosts[nh] = h->s;
					hlen[nh++] = h->len;
				} else if ((hosts[nh] = intersect(l->hostname.s,
				                                  l->hostname.len, h->s,
				                                  h->len, &hlen[nh]))) {
					nh++;
				}
			}
			if (!nh) {
				best = R_HOSTNAME;
				continue;
			}
			any = 1;
			for (ri = 0; ri < nrules && !c->oom; ri++) {
				const ig_http_rule *r = route->nhttp_rules
					? &route->http_rules[ri] : NULL;
				uint32_t nm = r && r->nmatches ? r->nmatches : 1;

				if (!rules[ri]) {
					/* unresolved references are reported once */
					rules[ri] = build_rule(c, route, ri, 1);
					matches[ri] = zalloc(c, nm * sizeof(**matches));
					for (mi = 0; matches[ri] && mi < nm; mi++) {
						static const ig_http_match def = {
							{ 0, 0 }, 0, { 0, 0 }, { NULL, 0, { 0, 0 } },
							IG_MT_PREFIX, { "/", 1, { 0, 0 } }, NULL, 0,
							NULL, 0, { NULL, 0, { 0, 0 } } };
						at w;

						w.route = route;
						w.rule = ri;
						w.match = mi;
						matches[ri][mi] = copy_match(c, &w, r && r->nmatches
							? &r->matches[mi] : &def);
					}
				}
				if (!rules[ri] || !matches[ri])
					return;
				for (hi = 0; hi < nh; hi++) {
					struct bvh *b = vhost(c, li, hosts[hi],
					                      hosts[hi] ? hlen[hi] : 0);

					for (mi = 0; mi < nm; mi++)
						add_entry(c, b, rules[ri], matches[ri][mi],
						          r && r->nmatches ? mi : (uint32_t)-1);
				}
			}
		}
		if (gw && best != R_NONE && !any)
			not_attached(c, route, pi, best, gw);
		else if (!gw) {
			ig_diag_ctx about = ig_diag_in_file(c->dc, route->file);
			char field[48];
			const ig_object *exists = find(c, IG_OBJ_GATEWAY, pns->s,
			                               pns->len, p->name.s,
			                               p->name.len);

			/* a Gateway of another controller is none of ours; one
			 * of ours without an HTTP or HTTPS listener allows no
			 * HTTPRoute */
			if (exists) {
				if (served_class(c, exists))
					not_attached(c, route, pi, R_KIND, exists);
				continue;
			}
			about = ig_diag_about(&about, "HTTPRoute", route->ns.s,
			                      route->name.s);
			snprintf(field, sizeof(field), "spec.parentRefs[%u]", pi);
			ingroute__diag(&about, INGROUTE_WARNING,
			               INGROUTE_D_NOT_ATTACHED, p->pos, field,
			               "not attached: no Gateway %.*s/%.*s",
			               (int)pns->len, pns->s, (int)p->name.len,
			               p->name.s);
		}
	}
	if (any)
		c->t->routes++;
	(void)ls;
}

/* ---- precedence (docs/semantics.md §9.4) */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_entry(const void *pa, const void *pb)
{
	const ig_gentry *a = pa, *b = pb;
	const ig_gmatch *ma = a->match, *mb = b->match;
	int ra = ma->path_type == IG_MT_EXACT ? 0
	       : ma->path_type == IG_MT_REGEX ? 1 : 2;
	int rb = mb->path_type == IG_MT_EXACT ? 0
	       : mb->path_type == IG_MT_REGEX ? 1 : 2;
	int k;

	if (ra != rb)
		return ra - rb;
	if (ma->path_len != mb->path_len)
		return ma->path_len > mb->path_len ? -1 : 1;
	if (!ma->method != !mb->method)
		return ma->method ? -1 : 1;
	if (ma->nheaders != mb->nheaders)
		return ma->nheaders > mb->nheaders ? -1 : 1;
	if (ma->nquery != mb->nquery)
		return ma->nquery > mb->nquery ? -1 : 1;
	if (a->rule->ts != b->rule->ts)
		return a->rule->ts < b->rule->ts ? -1 : 1;
	if (a->rule->ts_nsec != b->rule->ts_nsec)
		return a->rule->ts_nsec < b->rule->ts_nsec ? -1 : 1;
	if ((k = cmp_str(a->rule->route_ns, b->rule->route_ns)) != 0 ||
	    (k = cmp_str(a->rule->route_name, b->rule->route_name)) != 0)
		return k;
	if (a->rule->index != b->rule->index)
		return a->rule->index < b->rule->index ? -1 : 1;
	return a->match_index < b->match_index ? -1
	     : a->match_index > b->match_index;
}

/* Exact hosts first, then wildcards by length (longest first), then the
 * any-host set. */
static int cmp_vhost(const void *pa, const void *pb)
{
	const ig_gvhost *a = pa, *b = pb;

	if (a->any != b->any)
		return a->any - b->any;
	if (a->wildcard != b->wildcard)
		return a->wildcard - b->wildcard;
	if (a->host_len != b->host_len)
		return a->host_len > b->host_len ? -1 : 1;
	return memcmp(a->host, b->host, a->host_len);
}

/* The listener's hostname table, at most half full; each slot points at
 * its hostname's region (regs[i] for vhosts[i]). */
static void index_vhosts(gcc *c, ig_glistener *l, const ig_gvhost *const *regs)
{
	uint32_t cap = 8, i;
	ig_gvh_slot *slots;

	while (cap < 2 * l->nvhosts + 2)
		cap *= 2;
	slots = zalloc(c, cap * sizeof(*slots));
	if (!slots)
		return;
	l->seed = ingroute__random_seed(l);
	for (i = 0; i < l->nvhosts; i++) {
		const ig_gvhost *vh = &l->vhosts[i];
		const char *s = vh->wildcard ? vh->host + 1 : vh->host;
		size_t n = vh->wildcard ? vh->host_len - 1 : vh->host_len;
		uint64_t h;
		uint32_t k;

		if (vh->any) {
			l->any = i + 1;
			continue;
		}
		h = ingroute__hash(s, n, l->seed + vh->wildcard);
		for (k = (uint32_t)h & (cap - 1); slots[k].vh; k = (k + 1) & (cap - 1))
			;
		slots[k].hash = h;
		slots[k].vh = regs[i];
	}
	l->slots = slots;
	l->mask = cap - 1;
}

/* One region per hostname, laid out as a lookup reads it: a copy of its
 * ig_gvhost, the host, the candidates' keys, the candidates, their
 * paths. vh's entries (the builder's, sorted) are copied; vh then points
 * into the region too. */
static const ig_gvhost *region(gcc *c, ig_gvhost *vh)
{
	ig_gvhost *r = zalloc(c, sizeof(*r));
	char *host = vh->any ? "" : dup(c, vh->host, vh->host_len);
	ig_gkey *keys = zalloc(c, vh->nentries * sizeof(*keys));
	ig_gentry *e = zalloc(c, vh->nentries * sizeof(*e));
	uint32_t k;

	if (!r || !host || !keys || !e)
		return NULL;
	memcpy(e, vh->entries, vh->nentries * sizeof(*e));
	for (k = 0; k < vh->nentries; k++) {
		keys[k].head = e[k].head;
		keys[k].mask = e[k].head_mask;
		if (e[k].path && e[k].path_len &&
		    !(e[k].path = dup(c, e[k].path, e[k].path_len)))
			return NULL;
	}
	vh->host = host;
	vh->keys = keys;
	vh->entries = e;
	*r = *vh;
	return r;
}

static void finish(gcc *c, ig_glistener *ls, uint32_t nl)
{
	const ig_gvhost **regs;
	uint32_t li, j;
	size_t i;

	for (li = 0; li < nl && !c->oom; li++) {
		ig_gvhost *vh;
		uint32_t n = 0;

		for (i = 0; i < c->nvh; i++)
			n += c->vh[i].listener == li;
		vh = zalloc(c, n * sizeof(*vh));
		regs = ingroute__calloc(c->a, n ? n : 1, sizeof(*regs));
		if (!vh || !regs) {
			c->oom = 1;
			ingroute__free(c->a, regs);
			return;
		}
		n = 0;
		for (i = 0; i < c->nvh; i++) {
			struct bvh *b = &c->vh[i];

			if (b->listener != li)
				continue;
			qsort(b->e, b->n, sizeof(*b->e), cmp_entry);
			vh[n].any = !b->host;
			vh[n].wildcard = b->host && is_wild(b->host, b->host_len);
			vh[n].host = b->host ? b->host : "";
			vh[n].host_len = (uint32_t)b->host_len;
			vh[n].entries = b->e;
			vh[n].nentries = (uint32_t)b->n;
			c->t->entries += b->n;
			n++;
		}
		/* sorted first, so that the regions follow the table's order */
		qsort(vh, n, sizeof(*vh), cmp_vhost);
		for (j = 0; j < n; j++)
			if (!(regs[j] = region(c, &vh[j]))) {
				ingroute__free(c->a, regs);
				return;
			}
		ls[li].vhosts = vh;
		ls[li].nvhosts = n;
		index_vhosts(c, &ls[li], regs);
		ingroute__free(c->a, regs);
	}
}

int ingroute__compile_gateway(const ig_ruleset_view *v, const ig_alloc *a,
                              const ig_diag_ctx *dc, ig_gwtab **out)
{
	gcc c;
	ig_glistener *ls = NULL;
	const ig_object **lgw = NULL;
	const ig_listener **lmodel = NULL;
	uint32_t nl = 0;
	size_t i, k;

	*out = NULL;
	if (!v->ngw)
		return 0;
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.v = v;
	c.dc = dc;
	c.t = ingroute__calloc(a, 1, sizeof(*c.t));
	if (!c.t)
		return INGROUTE_ENOMEM;
	ingroute__arena_init(&c.t->arena, a);
	if (index_objects(&c) < 0)
		c.oom = 1;
	/* listeners of served Gateways, HTTP and HTTPS only */
	for (i = 0; i < v->ngw; i++)
		if (v->gw[i]->kind == IG_OBJ_GATEWAY && served_class(&c, v->gw[i]))
			nl += v->gw[i]->nlisteners;
	ls = zalloc(&c, nl * sizeof(*ls));
	lgw = ingroute__calloc(c.a, nl ? nl : 1, sizeof(*lgw));
	lmodel = ingroute__calloc(c.a, nl ? nl : 1, sizeof(*lmodel));
	if (!ls || !lgw || !lmodel)
		c.oom = 1;
	nl = 0;
	for (i = 0; i < v->ngw && !c.oom; i++) {
		const ig_object *gw = v->gw[i];

		if (gw->kind != IG_OBJ_GATEWAY || !served_class(&c, gw))
			continue;
		for (k = 0; k < gw->nlisteners; k++) {
			const ig_listener *l = &gw->listeners[k];

			if (!s_is(&l->protocol, "HTTP") && !s_is(&l->protocol, "HTTPS"))
				continue;
			ls[nl].gw_ns = dups(&c, &gw->ns);
			ls[nl].gw_name = dups(&c, &gw->name);
			ls[nl].name = dups(&c, &l->name);
			ls[nl].hostname = dups(&c, &l->hostname);
			ls[nl].hostname_len = l->hostname.len;
			ls[nl].port = l->port;
			lgw[nl] = gw;
			lmodel[nl] = l;
			nl++;
		}
	}
	if (!c.oom)
		unserved(&c);
	for (i = 0; i < v->ngw && !c.oom; i++)
		if (v->gw[i]->kind == IG_OBJ_HTTPROUTE)
			attach(&c, v->gw[i], ls, lgw, lmodel, nl);
	if (!c.oom)
		finish(&c, ls, nl);
	for (i = 0; i < c.nvh; i++)
		ingroute__free(c.a, c.vh[i].e);
	ingroute__free(c.a, c.vh);
	ingroute__free(c.a, c.vh_index);
	ingroute__free(c.a, c.obj_index);
	ingroute__free(c.a, c.grants);
	ingroute__free(c.a, lgw);
	ingroute__free(c.a, lmodel);
	if (c.oom || dc->sink->oom) {
		ingroute__gwtab_free(c.t);
		return INGROUTE_ENOMEM;
	}
	c.t->listeners = ls;
	c.t->nlisteners = nl;
	*out = c.t;
	return 0;
}

void ingroute__gwtab_free(ig_gwtab *t)
{
	ig_alloc a;

	if (!t)
		return;
	a = *t->arena.alloc;
	ingroute__regexes_free(t->regexes);
	ingroute__arena_free(&t->arena);
	ingroute__free(&a, t);
}
