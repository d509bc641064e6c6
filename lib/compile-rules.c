/*
 * What the Ingresses say, decided once when compiling (compile.h): their
 * precedence (docs/semantics.md §7), one candidate per path rule under
 * its virtual host, the candidates' ranking (§6 step 2) so that a lower
 * index always wins, default backends (§6 step 3), and the warnings for
 * conflicts and rules that can never match.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

/* ---- docs/semantics.md §7: Ingress precedence */

static int prec_cmp(const void *x, const void *y)
{
	const ig_object *a = *(const ig_object *const *)x;
	const ig_object *b = *(const ig_object *const *)y;
	int r;

	if (a->has_ts != b->has_ts)
		return a->has_ts ? -1 : 1;
	if (a->has_ts && (r = ig_ts_cmp(a->ts, a->ts_nsec, b->ts, b->ts_nsec)) != 0)
		return r;
	if ((r = cc_bytes_cmp(a->ns.s, a->ns.len, b->ns.s, b->ns.len)) != 0)
		return r;
	if ((r = cc_bytes_cmp(a->name.s, a->name.len, b->name.s, b->name.len)) != 0)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Why the first of two Ingresses (by precedence) wins, for messages. */
static const char *prec_reason(const ig_object *a, const ig_object *b)
{
	if (a == b)
		return "it comes first in the Ingress";
	if (a->has_ts != b->has_ts)
		return "it has a creationTimestamp";
	if (a->has_ts && ig_ts_cmp(a->ts, a->ts_nsec, b->ts, b->ts_nsec) != 0)
		return "its creationTimestamp is older";
	if (a->ns.len != b->ns.len || memcmp(a->ns.s, b->ns.s, a->ns.len))
		return "its namespace sorts first";
	return "its name sorts first";
}

void ingroute__compile_order(cc *c, const ingroute_ruleset *rs)
{
	size_t i;

	c->ings = ingroute__malloc(c->a, (c->view.n ? c->view.n : 1) *
	                                 sizeof(*c->ings));
	if (!c->ings) {
		c->oom = 1;
		return;
	}
	for (i = 0; i < c->view.n; i++)
		if (ingroute__ruleset_serves(rs, c->view.items[i]))
			c->ings[c->nings++] = c->view.items[i];
	ig_sort(c->ings, c->nings, sizeof(*c->ings), prec_cmp);
}

/* ---- virtual hosts */

static uint64_t vh_hash(int kind, const char *h, size_t n)
{
	return ingroute__hash(h, n, (uint64_t)kind * IG_SEED_MIX);
}

static uint32_t vhost_get(cc *c, int kind, const char *host, size_t n)
{
	size_t mask, i;
	tvhost *v;

	if ((c->nvhosts + 1) * 2 > c->vh_cap) {
		size_t ncap = c->vh_cap ? c->vh_cap * 2 : 64, j;
		uint32_t *idx = ingroute__malloc(c->a, ncap * sizeof(*idx));

		if (!idx) {
			c->oom = 1;
			return IG_NONE;
		}
		memset(idx, 0xff, ncap * sizeof(*idx));
		for (j = 0; j < c->nvhosts; j++) {
			const tvhost *t = &c->vhosts[j];

			i = (size_t)vh_hash(t->kind, t->host, t->host_len) & (ncap - 1);
			while (idx[i] != IG_NONE)
				i = (i + 1) & (ncap - 1);
			idx[i] = (uint32_t)j;
		}
		ingroute__free(c->a, c->vh_index);
		c->vh_index = idx;
		c->vh_cap = ncap;
	}
	mask = c->vh_cap - 1;
	i = (size_t)vh_hash(kind, host, n) & mask;
	while (c->vh_index[i] != IG_NONE) {
		v = &c->vhosts[c->vh_index[i]];
		if (v->kind == kind && v->host_len == n && memcmp(v->host, host, n) == 0)
			return c->vh_index[i];
		i = (i + 1) & mask;
	}
	if (cc_grow(c, (void **)&c->vhosts, &c->cap_vhosts, c->nvhosts + 1,
	         sizeof(tvhost)) < 0)
		return IG_NONE;
	v = &c->vhosts[c->nvhosts];
	memset(v, 0, sizeof(*v));
	v->host = host;
	v->host_len = (uint32_t)n;
	v->kind = (uint8_t)kind;
	v->default_ing = IG_NONE;
	c->vh_index[i] = (uint32_t)c->nvhosts;
	return (uint32_t)c->nvhosts++;
}

/* ---- backends */

/* A backend of the Ingress of precedence `prec`, whose namespace and name
 * are pooled once in r->ings. */
/* A new backend record with every string absent; NULL on OOM. */
static ig_rbackend *new_backend(cc *c)
{
	ig_rbackend *rb;

	if (cc_grow(c, (void **)&c->backends, &c->cap_backends, c->nbackends + 1,
	         sizeof(ig_rbackend)) < 0)
		return NULL;
	rb = &c->backends[c->nbackends];
	memset(rb, 0xff, sizeof(*rb));
	rb->port_number = 0;
	return rb;
}

uint32_t ingroute__compile_backend(cc *c, const ig_backend *b, uint32_t prec)
{
	ig_rbackend *rb = new_backend(c);

	if (!rb)
		return IG_NONE;
	rb->ns = c->r->ings[prec].ns;
	rb->ing_name = c->r->ings[prec].name;
	if (b->has_service) {
		rb->service = cc_pool_str(c, &b->service);
		rb->port_name = b->port_name.len ? cc_pool_str(c, &b->port_name) : IG_NONE;
		rb->port_number = b->port_number;
	} else {
		rb->api_group = cc_pool_str(c, &b->api_group);
		rb->kind = cc_pool_str(c, &b->kind);
		rb->name = cc_pool_str(c, &b->res_name);
	}
	return (uint32_t)c->nbackends++;
}

/* The default_backend option, "NS/SERVICE:PORT", already checked by
 * ingroute_ruleset_new() or ingroute_router_compile_with(). */
static uint32_t option_backend(cc *c, const char *s)
{
	const char *slash = strchr(s, '/'), *colon = strrchr(s, ':'), *p;
	ig_rbackend *rb = new_backend(c);
	int numeric = 1;
	long port = 0;

	if (!rb)
		return IG_NONE;
	rb->ing_name = IG_NONE;
	rb->ns = cc_pool_add(c, s, (size_t)(slash - s));
	rb->service = cc_pool_add(c, slash + 1, (size_t)(colon - slash - 1));
	for (p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9' || port > 65535) {
			numeric = 0;
			break;
		}
		port = port * 10 + (*p - '0');
	}
	if (numeric && port > 0 && port <= 65535)
		rb->port_number = (int32_t)port;
	else
		rb->port_name = cc_pool_add(c, colon + 1, strlen(colon + 1));
	return (uint32_t)c->nbackends++;
}

/* ---- gathering candidates */

static void warn_at(cc *c, const ig_object *o, ig_pos pos, const char *field,
                    int code, const char *fmt, ...) IG_PRINTF(6, 7);

static void warn_at(cc *c, const ig_object *o, ig_pos pos, const char *field,
                    int code, const char *fmt, ...)
{
	ig_diag_ctx about = ig_diag_in_file(&c->dc, o->file);
	va_list ap;

	about = ig_diag_about(&about, "Ingress", o->ns.s, o->name.s);
	/* Counted here, whether or not the diagnostics list keeps them. */
	if (code == INGROUTE_D_CONFLICT)
		c->r->conflicts++;
	else if (code == INGROUTE_D_SHADOWED)
		c->r->shadowed++;
	va_start(ap, fmt);
	ingroute__vdiag(&about, INGROUTE_WARNING, code, pos, field, fmt, ap);
	va_end(ap);
}

static uint8_t cand_match(int type, int impl_mode)
{
	if (type == IG_PT_EXACT)
		return IG_M_EXACT;
	if (type == IG_PT_PREFIX)
		return IG_M_ELEMENT;
	return impl_mode == INGROUTE_IMPL_EXACT ? IG_M_EXACT
	     : impl_mode == INGROUTE_IMPL_STRING_PREFIX ? IG_M_STRING
	     : IG_M_ELEMENT;
}

static void gather_ingress(cc *c, uint32_t prec)
{
	const ig_object *o = c->ings[prec];
	uint32_t ri, pi;

	for (ri = 0; ri < o->nrules && !c->oom; ri++) {
		const ig_rule *r = &o->rules[ri];
		int kind = !r->host.len ? IG_VH_ANY
		         : r->host.s[0] == '*' ? IG_VH_WILDCARD : IG_VH_EXACT;
		uint32_t vh = vhost_get(c, kind, r->host.s ? r->host.s : "", r->host.len);
		tvhost *v;

		if (vh == IG_NONE)
			return;
		v = &c->vhosts[vh];
		/* The highest-precedence Ingress with rules here and a
		 * defaultBackend gives the host's default (§6 step 3). */
		if (o->default_backend) {
			if (!v->default_obj) {
				v->default_obj = o;
				v->default_ing = prec;
			} else if (v->default_obj != o) {
				warn_at(c, o, o->default_backend->pos, "spec.defaultBackend",
				        INGROUTE_D_CONFLICT,
				        "competing default backend for host \"%s\": Ingress "
				        "%s/%s wins (%s)", v->host_len ? v->host : "(any)",
				        v->default_obj->ns.s, v->default_obj->name.s,
				        prec_reason(v->default_obj, o));
			}
		}
		for (pi = 0; pi < r->npaths; pi++) {
			const ig_path *p = &r->paths[pi];
			size_t len = p->path.len;
			tcand *t;

			if (cc_grow(c, (void **)&c->cands, &c->cap_cands, c->ncands + 1,
			         sizeof(tcand)) < 0)
				return;
			t = &c->cands[c->ncands++];
			memset(t, 0, sizeof(*t));
			t->ing = o;
			t->path = p;
			t->prec = prec;
			t->vhost = vh;
			t->type = p->path_type;
			t->match = cand_match(p->path_type, c->view.impl_specific);
			t->trailing = len > 0 && p->path.s[len - 1] == '/';
			t->measure = (uint32_t)(len - t->trailing);
			t->rule = ri;
			t->pathidx = pi;
			t->plen = (uint32_t)len;
		}
	}
}

void ingroute__compile_gather(cc *c)
{
	uint32_t p;

	for (p = 0; p < c->nings && !c->oom; p++)
		gather_ingress(c, p);
}

/* docs/semantics.md §6 step 2 as two integers per rule, so that sorting compares
 * numbers and never chases a rule's path: longest first, Exact before
 * Prefix before ImplementationSpecific, a trailing '/' first, then
 * Ingress precedence and the rule's place in its Ingress. Two different
 * paths of one length never match the same request, so their order among
 * themselves decides nothing. */
typedef struct rank_key {
	uint64_t hi;          /* vhost | ~measure | type | !trailing */
	uint32_t at;          /* the rule's index before sorting */
} rank_key;

/* Sorts c->cands by rank with a stable LSD radix sort on the 64-bit key:
 * rules were gathered by Ingress precedence and then in their Ingress's
 * order, which stability keeps as the last tie-break. Byte positions in
 * which every key agrees are skipped. 0 or INGROUTE_ENOMEM. */
static int rank_cands(cc *c)
{
	size_t n = c->ncands, i, count[256];
	rank_key *k, *tmp;
	tcand *sorted;
	uint64_t all_and = ~(uint64_t)0, all_or = 0;
	int shift;

	if (n < 2)
		return 0;
	k = ingroute__malloc(c->a, n * sizeof(*k));
	tmp = ingroute__malloc(c->a, n * sizeof(*tmp));
	sorted = ingroute__malloc(c->a, n * sizeof(*sorted));
	if (!k || !tmp || !sorted) {
		ingroute__free(c->a, k);
		ingroute__free(c->a, tmp);
		ingroute__free(c->a, sorted);
		return INGROUTE_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const tcand *t = &c->cands[i];
		uint64_t measure = t->measure > 0xffffffu ? 0xffffffu : t->measure;

		k[i].hi = (uint64_t)t->vhost << 32 | (0xffffffu - measure) << 8 |
		          (uint64_t)t->type << 1 | (uint64_t)!t->trailing;
		k[i].at = (uint32_t)i;
		all_and &= k[i].hi;
		all_or |= k[i].hi;
	}
	for (shift = 0; shift < 64; shift += 8) {
		rank_key *swap;
		size_t sum = 0;

		if ((((all_and ^ all_or) >> shift) & 0xff) == 0)
			continue;   /* the same byte in every key */
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(k[i].hi >> shift) & 0xff]++;
		for (i = 0; i < 256; i++) {
			size_t here = count[i];

			count[i] = sum;
			sum += here;
		}
		for (i = 0; i < n; i++)
			tmp[count[(k[i].hi >> shift) & 0xff]++] = k[i];
		swap = k;
		k = tmp;
		tmp = swap;
	}
	for (i = 0; i < n; i++)
		sorted[i] = c->cands[k[i].at];
	memcpy(c->cands, sorted, n * sizeof(*sorted));
	ingroute__free(c->a, k);
	ingroute__free(c->a, tmp);
	ingroute__free(c->a, sorted);
	return 0;
}

int ingroute__compile_rank(cc *c)
{
	size_t i;

	if (rank_cands(c) < 0)
		return INGROUTE_ENOMEM;
	for (i = 0; i < c->ncands; i++)
		c->cands[i].index = (uint32_t)i;
	return 0;
}

/* Rules that match exactly the same requests: same virtual host, same
 * match kind and key (the rule path, for element-wise rules without one
 * trailing '/'). A hash set of each group's first candidate, in rank
 * order; each group's later members are chained to it. Paths are read
 * from the router's pool, where the records put them in rank order, not
 * from the objects, which lie scattered. */
typedef struct groups {
	uint32_t *slot;       /* a group's first candidate + 1 */
	size_t mask;
	uint32_t *next;       /* the next member of a candidate's group */
	uint32_t *last;       /* of a group's first: its last member */
} groups;

static const char *rc_path(const cc *c, uint32_t i)
{
	return c->r->pool + c->r->cands[i].path;
}

static size_t key_len(const cc *c, uint32_t i)
{
	const tcand *t = &c->cands[i];

	return t->match == IG_M_ELEMENT ? t->measure : c->r->cands[i].path_len;
}

static uint64_t group_hash(const cc *c, uint32_t i)
{
	const tcand *t = &c->cands[i];
	uint64_t salt = ((uint64_t)t->vhost << 8) | t->match;

	return ingroute__hash(rc_path(c, i), key_len(c, i), salt * IG_SEED_MIX);
}

static int same_group(const cc *c, uint32_t a, uint32_t b)
{
	const tcand *x = &c->cands[a], *y = &c->cands[b];
	size_t n = key_len(c, a);

	return x->vhost == y->vhost && x->match == y->match &&
	       n == key_len(c, b) && memcmp(rc_path(c, a), rc_path(c, b), n) == 0;
}

/* The first member of i's group, i itself when it is the first. */
static uint32_t group_first(const cc *c, groups *g, uint32_t i)
{
	size_t k = (size_t)group_hash(c, i) & g->mask;

	for (; g->slot[k]; k = (k + 1) & g->mask) {
		uint32_t f = g->slot[k] - 1;

		if (same_group(c, f, i)) {
			g->next[g->last[f]] = i;
			g->last[f] = i;
			return f;
		}
	}
	g->slot[k] = i + 1;
	g->last[i] = i;
	return i;
}

/* Two rules that match exactly the same requests: only the first (by
 * index) can ever win. Reports each other one as a conflict (same path
 * and type as an earlier rule of another Ingress: the first such is
 * named) or as shadowed. */
void ingroute__compile_report(cc *c)
{
	groups g = { NULL, 0, NULL, NULL };
	size_t size = 16;
	uint32_t i;

	while (size < c->ncands * 2)
		size *= 2;
	g.slot = ingroute__calloc(c->a, size, sizeof(uint32_t));
	g.next = ingroute__malloc(c->a, (c->ncands ? c->ncands : 1) * sizeof(uint32_t));
	g.last = ingroute__malloc(c->a, (c->ncands ? c->ncands : 1) * sizeof(uint32_t));
	g.mask = size - 1;
	if (!g.slot || !g.next || !g.last) {
		c->oom = 1;
		goto out;
	}
	for (i = 0; i < c->ncands; i++) {
		const tcand *t = &c->cands[i], *w, *twin = NULL;
		const tvhost *v;
		uint32_t f = group_first(c, &g, i), m;
		char field[96];

		g.next[i] = IG_NONE;
		if (f == i)
			continue;
		w = &c->cands[f];
		/* The twin: the group's first member with t's type and whole
		 * path. */
		for (m = f; m != i; m = g.next[m])
			if (c->cands[m].type == t->type &&
			    c->r->cands[m].path_len == c->r->cands[i].path_len &&
			    memcmp(rc_path(c, m), rc_path(c, i), c->r->cands[i].path_len) == 0) {
				twin = &c->cands[m];
				break;
			}
		v = &c->vhosts[t->vhost];
		snprintf(field, sizeof(field), "spec.rules[%u].http.paths[%u]",
		         t->rule, t->pathidx);
		if (twin && twin->ing != t->ing)
			warn_at(c, t->ing, t->path->pos, field, INGROUTE_D_CONFLICT,
			        "conflict: host \"%s\" %s \"%s\" is also routed by "
			        "Ingress %s/%s, which wins (%s)",
			        v->host_len ? v->host : "(any)", ingroute__path_type_name(t->type),
			        cc_path(t), twin->ing->ns.s, twin->ing->name.s,
			        prec_reason(twin->ing, t->ing));
		else
			warn_at(c, t->ing, t->path->pos, field, INGROUTE_D_SHADOWED,
			        "never matches: %s \"%s\" of Ingress %s/%s matches the "
			        "same requests and wins", ingroute__path_type_name(w->type), cc_path(w),
			        w->ing->ns.s, w->ing->name.s);
	}
out:
	ingroute__free(c->a, g.slot);
	ingroute__free(c->a, g.next);
	ingroute__free(c->a, g.last);
}

/* docs/semantics.md §6 step 3's global default: the option, else the
 * highest-precedence Ingress without rules, else any with a default. */
void ingroute__compile_global_default(cc *c)
{
	ingroute_router *r = c->r;
	const ig_object *winner = NULL;
	uint32_t p, wp = 0;

	r->global_default = IG_NONE;
	if (c->view.default_backend) {
		r->global_default = option_backend(c, c->view.default_backend);
		r->global_source = INGROUTE_DEFAULT_OPTION;
		return;
	}
	for (p = 0; p < c->nings; p++) {
		const ig_object *o = c->ings[p];

		if (!o->default_backend || o->nrules)
			continue;
		if (!winner) {
			winner = o;
			wp = p;
		} else {
			warn_at(c, o, o->default_backend->pos, "spec.defaultBackend",
			        INGROUTE_D_CONFLICT, "competing global default backend: "
			        "Ingress %s/%s wins (%s)", winner->ns.s, winner->name.s,
			        prec_reason(winner, o));
		}
	}
	r->global_source = INGROUTE_DEFAULT_RULELESS;
	for (p = 0; !winner && p < c->nings; p++)
		if (c->ings[p]->default_backend) {
			winner = c->ings[p];
			wp = p;
			r->global_source = INGROUTE_DEFAULT_ANY;
		}
	if (winner)
		r->global_default = ingroute__compile_backend(c, winner->default_backend, wp);
	else
		r->global_source = INGROUTE_DEFAULT_NONE;
}

