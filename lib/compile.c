/*
 * Ruleset -> router. Every precedence decision of docs/semantics.md §6 and §7 is
 * made here, once, so that a lookup only walks (see router.h for the
 * layout).
 *
 * The steps: order the served Ingresses by precedence (4.7); gather one
 * candidate per path rule under its virtual host; sort the candidates of
 * each virtual host by the winning order of 4.6 step 2, so that a lower
 * index always wins; index them (exact-path table, per-host radix trie);
 * resolve default backends (4.6 step 3); and report conflicts and rules
 * that can never match.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router.h"
#include "ruleset.h"

/* A candidate while compiling, with what sorting and messages need. */
typedef struct tcand {
	const ig_object *ing;
	const ig_path *path;
	uint32_t prec;         /* Ingress precedence: lower wins */
	uint32_t vhost;
	uint32_t measure;      /* path length ignoring one trailing '/' */
	uint32_t rule, pathidx;
	uint32_t index;        /* final position */
	uint8_t type;
	uint8_t match;
	uint8_t trailing;
} tcand;

typedef struct tvhost {
	const char *host;      /* "" for host-less; "*.x" for wildcards */
	uint32_t host_len;
	uint8_t kind;
	uint32_t default_ing;  /* precedence of the Ingress giving its default */
	const ig_object *default_obj;
} tvhost;

/* A radix trie node while building; children as a sibling list. */
typedef struct tnode {
	uint32_t key, key_len; /* label, as a pool offset */
	uint32_t child, next;  /* first child, next sibling (tnode index) */
	uint32_t nkids;
	uint32_t at_boundary, anywhere;
	uint32_t final;        /* index in the router's nodes[] */
} tnode;

typedef struct cc {
	const ig_alloc *a;
	ingroute_router *r;
	ig_diag_sink sink;
	ig_diag_ctx dc;
	ig_ruleset_view view;
	int oom;
	int limit;        /* more virtual hosts than the layout addresses */
	size_t region_index;        /* region bytes that are index, not strings */

	ig_buf pool;
	const ig_object **ings;     /* served, by precedence */
	uint32_t nings;
	tcand *cands;
	size_t ncands, cap_cands;
	tvhost *vhosts;
	size_t nvhosts, cap_vhosts;
	uint32_t *vh_index;         /* open addressing over (kind, host) */
	size_t vh_cap;
	ig_rbackend *backends;
	size_t nbackends, cap_backends;
	tnode *tnodes;
	size_t ntnodes, cap_tnodes;
} cc;

/* ---- small helpers */

static uint32_t pool_add(cc *c, const char *s, size_t n)
{
	size_t off = c->pool.len;

	if (off + n + 1 > UINT32_MAX - 1) {
		c->oom = 1;
		return IG_NONE;
	}
	/* Model strings carry their NUL: one copy with it. */
	if (s[n] == '\0') {
		ingroute__buf_put(&c->pool, s, n + 1);
	} else {
		ingroute__buf_put(&c->pool, s, n);
		ingroute__buf_put(&c->pool, "", 1);
	}
	if (c->pool.failed) {
		c->oom = 1;
		return IG_NONE;
	}
	return (uint32_t)off;
}

static uint32_t pool_str(cc *c, const ig_str *s)
{
	return s->s ? pool_add(c, s->s, s->len) : IG_NONE;
}

static int grow(cc *c, void **items, size_t *cap, size_t need, size_t elem)
{
	if (need > UINT32_MAX - 2 ||
	    ingroute__grow(c->a, items, cap, need, elem) < 0) {
		c->oom = 1;
		return -1;
	}
	return 0;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	return r ? r : (an < bn ? -1 : an > bn);
}

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
	if ((r = bytes_cmp(a->ns.s, a->ns.len, b->ns.s, b->ns.len)) != 0)
		return r;
	if ((r = bytes_cmp(a->name.s, a->name.len, b->name.s, b->name.len)) != 0)
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
	if (grow(c, (void **)&c->vhosts, &c->cap_vhosts, c->nvhosts + 1,
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
static uint32_t add_backend(cc *c, const ig_backend *b, uint32_t prec)
{
	ig_rbackend *rb;

	if (grow(c, (void **)&c->backends, &c->cap_backends, c->nbackends + 1,
	         sizeof(ig_rbackend)) < 0)
		return IG_NONE;
	rb = &c->backends[c->nbackends];
	memset(rb, 0xff, sizeof(*rb));
	rb->port_number = 0;
	rb->ns = c->r->ings[prec].ns;
	rb->ing_name = c->r->ings[prec].name;
	if (b->has_service) {
		rb->service = pool_str(c, &b->service);
		rb->port_name = b->port_name.len ? pool_str(c, &b->port_name) : IG_NONE;
		rb->port_number = b->port_number;
	} else {
		rb->api_group = pool_str(c, &b->api_group);
		rb->kind = pool_str(c, &b->kind);
		rb->name = pool_str(c, &b->res_name);
	}
	return (uint32_t)c->nbackends++;
}

/* The default_backend option, "NS/SERVICE:PORT", already checked by
 * ingroute_ruleset_new() or ingroute_router_compile_with(). */
static uint32_t option_backend(cc *c, const char *s)
{
	const char *slash = strchr(s, '/'), *colon = strrchr(s, ':'), *p;
	ig_rbackend *rb;
	int numeric = 1;
	long port = 0;

	if (grow(c, (void **)&c->backends, &c->cap_backends, c->nbackends + 1,
	         sizeof(ig_rbackend)) < 0)
		return IG_NONE;
	rb = &c->backends[c->nbackends];
	memset(rb, 0xff, sizeof(*rb));
	rb->port_number = 0;
	rb->ing_name = IG_NONE;
	rb->ns = pool_add(c, s, (size_t)(slash - s));
	rb->service = pool_add(c, slash + 1, (size_t)(colon - slash - 1));
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
		rb->port_name = pool_add(c, colon + 1, strlen(colon + 1));
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
		 * defaultBackend gives the host's default (4.6 step 3). */
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

			if (grow(c, (void **)&c->cands, &c->cap_cands, c->ncands + 1,
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
		}
	}
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

/* The bytes a candidate is indexed under: Exact and string-prefix rules
 * by their whole path, element-wise ones without the trailing '/'. */
static size_t cand_key_len(const tcand *t)
{
	return t->match == IG_M_ELEMENT ? t->measure : t->path->path.len;
}

/* A hash set of candidates by (virtual host, kind, bytes): for finding,
 * in one pass in rank order, rules that match exactly the same requests
 * as an earlier one. */
typedef struct cset {
	uint32_t *slot;       /* candidate index + 1 */
	size_t mask;
} cset;

static const char *cpath(const tcand *t)
{
	return t->path->path.s ? t->path->path.s : "";
}

/* by_type: key on (type, whole path); else on (match kind, index key). */
static uint64_t cset_hash(const tcand *t, int by_type)
{
	size_t n = by_type ? t->path->path.len : cand_key_len(t);
	uint64_t salt = ((uint64_t)t->vhost << 8) | (by_type ? 0x80u | t->type : t->match);

	return ingroute__hash(cpath(t), n, salt * IG_SEED_MIX);
}

static int cset_same(const tcand *a, const tcand *b, int by_type)
{
	size_t an = by_type ? a->path->path.len : cand_key_len(a);
	size_t bn = by_type ? b->path->path.len : cand_key_len(b);

	return a->vhost == b->vhost &&
	       (by_type ? a->type == b->type : a->match == b->match) &&
	       an == bn && memcmp(cpath(a), cpath(b), an) == 0;
}

/* The earlier member of t's group, or NULL after adding t as the first. */
static const tcand *cset_first(cc *c, cset *set, const tcand *t, int by_type)
{
	size_t i = (size_t)cset_hash(t, by_type) & set->mask;

	for (; set->slot[i]; i = (i + 1) & set->mask) {
		const tcand *o = &c->cands[set->slot[i] - 1];

		if (cset_same(o, t, by_type))
			return o;
	}
	set->slot[i] = t->index + 1;
	return NULL;
}

/* Two rules that match exactly the same requests: only the first (by
 * index) can ever win. Reports each other one as a conflict (same path
 * and type as an earlier rule of another Ingress) or as shadowed. */
static void report_shadows(cc *c)
{
	cset group = { NULL, 0 }, twins = { NULL, 0 };
	size_t size = 16, i;

	while (size < c->ncands * 2)
		size *= 2;
	group.slot = ingroute__calloc(c->a, size, sizeof(uint32_t));
	twins.slot = ingroute__calloc(c->a, size, sizeof(uint32_t));
	group.mask = twins.mask = size - 1;
	if (!group.slot || !twins.slot) {
		c->oom = 1;
		goto out;
	}
	for (i = 0; i < c->ncands; i++) {
		const tcand *t = &c->cands[i], *w, *twin;
		const tvhost *v;
		char field[96];

		w = cset_first(c, &group, t, 0);
		twin = cset_first(c, &twins, t, 1);
		if (!w)
			continue;
		v = &c->vhosts[t->vhost];
		snprintf(field, sizeof(field), "spec.rules[%u].http.paths[%u]",
		         t->rule, t->pathidx);
		if (twin && twin->ing != t->ing)
			warn_at(c, t->ing, t->path->pos, field, INGROUTE_D_CONFLICT,
			        "conflict: host \"%s\" %s \"%s\" is also routed by "
			        "Ingress %s/%s, which wins (%s)",
			        v->host_len ? v->host : "(any)", ingroute__path_type_name(t->type),
			        cpath(t), twin->ing->ns.s, twin->ing->name.s,
			        prec_reason(twin->ing, t->ing));
		else
			warn_at(c, t->ing, t->path->pos, field, INGROUTE_D_SHADOWED,
			        "never matches: %s \"%s\" of Ingress %s/%s matches the "
			        "same requests and wins", ingroute__path_type_name(w->type), cpath(w),
			        w->ing->ns.s, w->ing->name.s);
	}
out:
	ingroute__free(c->a, group.slot);
	ingroute__free(c->a, twins.slot);
}

/* ---- the radix trie of a virtual host */

static uint32_t tnode_new(cc *c, uint32_t key, uint32_t key_len)
{
	tnode *n;

	if (grow(c, (void **)&c->tnodes, &c->cap_tnodes, c->ntnodes + 1,
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
		rn->at_boundary = tn->at_boundary;
		rn->anywhere = tn->anywhere;
		rn->nkids = tn->nkids;
		rn->kids = tn->nkids ? first : IG_NONE;
		r->firsts[tn->final] = tn->key_len ? (uint8_t)c->pool.data[tn->key] : 0;
		for (ch = tn->child; ch != IG_NONE; ch = c->tnodes[ch].next, k++) {
			kids[k].first = (unsigned char)c->pool.data[c->tnodes[ch].key];
			kids[k].node = ch;
		}
		ig_sort(kids, k, sizeof(*kids), kid_cmp);
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
	if ((s = bytes_cmp(a->host, a->host_len, b->host, b->host_len)) != 0)
		return s;
	return a->e.ing < b->e.ing ? -1 : a->e.ing > b->e.ing;
}

/* ---- putting it together */

static void *alloc_array(cc *c, size_t n, size_t elem)
{
	void *p = ingroute__calloc(c->a, n ? n : 1, elem);

	if (!p)
		c->oom = 1;
	else
		c->r->index_bytes += (n ? n : 1) * elem;
	return p;
}

static void router_free(ingroute_router *r)
{
	ig_alloc a = r->alloc;

	ingroute__free(&a, r->pool);
	ingroute__free(&a, r->ings);
	ingroute__free(&a, r->backends);
	ingroute__free(&a, r->cands);
	ingroute__free(&a, r->vhosts);
	ingroute__free(&a, r->nodes);
	ingroute__free(&a, r->firsts);
	ingroute__free(&a, r->exact_hosts);
	ingroute__free(&a, r->wild_hosts);
	ingroute__free(&a, r->exact);
	ingroute__free(&a, r->tls);
	ingroute__free(&a, r->blob);
	ingroute__free(&a, r);
}

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

/* Lays out a small host: ig_region, host bytes, ig_sentry x n, keys. */
static void build_region(cc *c, ig_buf *blob, ig_vhost *v, uint32_t vh)
{
	ingroute_router *r = c->r;
	size_t at, ents, keys, k;
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
	ingroute__buf_put(blob, (const char *)&hd, sizeof(hd));
	ingroute__buf_put(blob, r->pool + v->host, v->host_len);
	blob_align(blob);
	ents = blob->len;
	keys = ents + (size_t)v->ncands * sizeof(ig_sentry);
	v->region = (uint32_t)at;
	for (i = 0; i < v->ncands; i++) {
		ig_sentry e;

		memset(&e, 0, sizeof(e));
		ingroute__buf_put(blob, (const char *)&e, sizeof(e));
	}
	for (i = 0, k = keys; i < v->ncands && !blob->failed; i++) {
		const tcand *t = &c->cands[v->first_cand + i];
		const ig_cand *rc = &r->cands[v->first_cand + i];
		const char *key = r->pool + rc->path;
		size_t kl = cand_key_len(t);
		ig_sentry e;

		const ig_rbackend *rb = &c->backends[rc->backend];

		e.fp = fingerprint(key, kl);
		e.key_off = (uint32_t)k;
		e.path_len = rc->path_len;
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
		e.key_len = (uint16_t)kl;
		e.match = t->match;
		ingroute__buf_put(blob, key, kl);
		if (!blob->failed)
			memcpy(blob->data + ents + i * sizeof(ig_sentry), &e, sizeof(e));
		k += kl;
	}
	r->index_bytes += sizeof(hd) + (size_t)v->ncands * sizeof(ig_sentry);
	c->region_index += sizeof(hd) + (size_t)v->ncands * sizeof(ig_sentry);
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

static void build_tables(cc *c)
{
	ingroute_router *r = c->r;
	uint32_t i, *queue;
	size_t nexact = 0, hsize;
	ig_buf blob;
	kid *kids;

	if (c->nvhosts >= IG_MAX_VHOSTS) {
		c->limit = 1;
		return;
	}
	/* Candidates, in their final order. */
	r->ncands = (uint32_t)c->ncands;
	r->cands = alloc_array(c, c->ncands, sizeof(ig_cand));
	r->nvhosts = (uint32_t)c->nvhosts;
	r->vhosts = alloc_array(c, c->nvhosts, sizeof(ig_vhost));
	if (c->oom)
		return;
	for (i = 0; i < r->nvhosts; i++) {
		const tvhost *t = &c->vhosts[i];
		ig_vhost *v = &r->vhosts[i];

		v->host = pool_add(c, t->host, t->host_len);
		v->host_len = t->host_len;
		v->kind = t->kind;
		v->root = IG_NONE;
		v->first_cand = 0;
		v->ncands = 0;
		v->region = IG_NONE;
		v->default_backend = t->default_obj
			? add_backend(c, t->default_obj->default_backend, t->default_ing)
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
		rc->path = pool_add(c, t->path->path.s ? t->path->path.s : "",
		                    t->path->path.len);
		rc->path_len = t->path->path.len;
		rc->backend = add_backend(c, &t->path->backend, t->prec);
		rc->vt = t->vhost << 8 | (uint32_t)t->type << 2 | t->match;
	}
	if (c->oom)
		return;
	/* A host without rules starts where the next one's rules do, so that
	 * first_cand grows with the host id (ig_cand_vhost_of). */
	{
		uint32_t at = 0;

		for (i = 0; i < r->nvhosts; i++) {
			if (r->vhosts[i].ncands == 0)
				r->vhosts[i].first_cand = at;
			at = r->vhosts[i].first_cand + r->vhosts[i].ncands;
		}
	}
	/* No more strings until the tables are built: hash from the pool as
	 * it stands (it is handed to the router, moved or not, at the end). */
	r->pool = c->pool.data;

	/* Small hosts get a region; the others the exact table and a trie. */
	ingroute__buf_init(&blob, c->a);
	for (i = 0; i < r->nvhosts && !blob.failed; i++) {
		ig_vhost *v = &r->vhosts[i];
		uint32_t k;

		v->small = v->ncands > 0 && v->ncands <= IG_SMALL_VHOST &&
		           v->host_len <= 0xffff;
		for (k = v->first_cand; v->small && k < v->first_cand + v->ncands; k++)
			if (cand_key_len(&c->cands[k]) > 0xffff)
				v->small = 0;
		if (v->small)
			build_region(c, &blob, v, i);
		else
			for (k = v->first_cand; k < v->first_cand + v->ncands; k++)
				nexact += c->cands[k].match == IG_M_EXACT;
	}
	if (blob.failed) {
		ingroute__buf_free(&blob);
		c->oom = 1;
		return;
	}
	r->blob = blob.data;
	r->blob_len = blob.len;
	drop_region_backends(c);

	/* The exact-path table of the large hosts: the best candidate per
	 * path. */
	hsize = pow2_above(nexact);
	r->exact_mask = (uint32_t)(hsize - 1);
	r->exact = alloc_array(c, hsize, sizeof(ig_exact_slot));
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

	/* Tries of the large hosts: build, then lay out flat. */
	for (i = 0; i < r->nvhosts && !c->oom; i++) {
		ig_vhost *v = &r->vhosts[i];
		uint32_t k, root = IG_NONE;

		for (k = v->first_cand; !v->small && k < v->first_cand + v->ncands &&
		     !c->oom; k++) {
			const tcand *t = &c->cands[k];

			if (t->match == IG_M_EXACT)
				continue;
			if (root == IG_NONE && (root = tnode_new(c, 0, 0)) == IG_NONE)
				break;
			trie_insert(c, root, r->cands[k].path,
			            (uint32_t)cand_key_len(t), t);
		}
		v->root = root;   /* a tnode index until flattened */
	}
	if (c->oom)
		return;
	r->nodes = alloc_array(c, c->ntnodes, sizeof(ig_rnode));
	r->firsts = alloc_array(c, c->ntnodes, 1);
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
	if (c->oom)
		return;

	/* Host tables. */
	hsize = pow2_above(r->nvhosts);
	r->host_mask = (uint32_t)(hsize - 1);
	r->exact_hosts = alloc_array(c, hsize, sizeof(ig_host_slot));
	r->wild_hosts = alloc_array(c, hsize, sizeof(ig_host_slot));
	if (c->oom)
		return;
	for (i = 0; i < hsize; i++)
		r->exact_hosts[i].vhost = r->wild_hosts[i].vhost = IG_NONE;
	compact_cands(c);
	for (i = 0; i < r->nvhosts; i++) {
		const ig_vhost *v = &r->vhosts[i];

		if (v->kind == IG_VH_EXACT)
			host_insert(r->exact_hosts, r->host_mask,
			            ingroute__hash(r->pool + v->host, v->host_len,
			                           ig_host_seed(r->seed, 0)), i,
			            v);
		else if (v->kind == IG_VH_WILDCARD)
			host_insert(r->wild_hosts, r->host_mask,
			            ingroute__hash(r->pool + v->host + 2, v->host_len - 2,
			                           ig_host_seed(r->seed, 1)), i, v);
	}
}

static void build_tls(cc *c)
{
	ingroute_router *r = c->r;
	size_t n = 0, i, k, m = 0;
	uint32_t p;
	ttls *t;

	for (p = 0; p < c->nings; p++)
		for (i = 0; i < c->ings[p]->ntls; i++)
			n += c->ings[p]->tls[i].nhosts ? c->ings[p]->tls[i].nhosts : 1;
	t = ingroute__malloc(c->a, (n ? n : 1) * sizeof(*t));
	r->tls = alloc_array(c, n, sizeof(ig_tls_entry));
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
				t[m].e.host = pool_add(c, t[m].host, t[m].host_len);
				t[m].e.secret = pool_str(c, &tl->secret);
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

/* docs/semantics.md §6 step 3's global default: the option, else the
 * highest-precedence Ingress without rules, else any with a default. */
static void resolve_global_default(cc *c)
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
		r->global_default = add_backend(c, winner->default_backend, wp);
	else
		r->global_source = INGROUTE_DEFAULT_NONE;
}

/* ---- compile options */

/* The first published layout ends with this member. */
#define COPTS_V1_SIZE (offsetof(ingroute_compile_options, default_backend) + \
                       sizeof(const char *))
#define COPTS_FIELDS (INGROUTE_COMPILE_NO_NORMALIZE | \
                      INGROUTE_COMPILE_FALLTHROUGH | \
                      INGROUTE_COMPILE_IMPL_SPECIFIC | \
                      INGROUTE_COMPILE_DEFAULT_BACKEND)
#define COPTS_FLAGS (INGROUTE_OPT_NO_NORMALIZE | INGROUTE_OPT_FALLTHROUGH)

/* INGROUTE_COMPILE_OPTIONS_INIT member by member, over zeroed bytes:
 * padding and a newer caller's tail read as zero, never as stack. */
int ingroute_compile_options_init(ingroute_compile_options *opts, size_t size)
{
	if (!opts || size < COPTS_V1_SIZE)
		return INGROUTE_EINVAL;
	memset(opts, 0, size);
	opts->size = size;
	opts->fields = 0;
	opts->flags = 0;
	opts->impl_specific = INGROUTE_IMPL_PREFIX;
	opts->default_backend = NULL;
	return 0;
}

size_t ingroute_compile_options_size(void)
{
	return sizeof(ingroute_compile_options);
}

/* Puts the settings opts names in place of the ruleset's in the view
 * compiling reads; 0 or INGROUTE_EINVAL. Only members of the first
 * layout are read: a newer caller's tail is not this library's. */
static int apply_compile_options(ig_ruleset_view *v,
                                 const ingroute_compile_options *o)
{
	unsigned int set;

	if (!o)
		return 0;
	if (o->size < COPTS_V1_SIZE || (o->fields & ~(unsigned)COPTS_FIELDS) ||
	    (o->flags & ~(unsigned)COPTS_FLAGS))
		return INGROUTE_EINVAL;
	if ((o->fields & INGROUTE_COMPILE_IMPL_SPECIFIC) &&
	    (o->impl_specific < INGROUTE_IMPL_PREFIX ||
	     o->impl_specific > INGROUTE_IMPL_STRING_PREFIX))
		return INGROUTE_EINVAL;
	if ((o->fields & INGROUTE_COMPILE_DEFAULT_BACKEND) && o->default_backend &&
	    !ingroute__default_backend_ok(o->default_backend))
		return INGROUTE_EINVAL;
	set = (o->fields & INGROUTE_COMPILE_NO_NORMALIZE ? INGROUTE_OPT_NO_NORMALIZE : 0) |
	      (o->fields & INGROUTE_COMPILE_FALLTHROUGH ? INGROUTE_OPT_FALLTHROUGH : 0);
	v->flags = (v->flags & ~set) | (o->flags & set);
	if (o->fields & INGROUTE_COMPILE_IMPL_SPECIFIC)
		v->impl_specific = o->impl_specific;
	if (o->fields & INGROUTE_COMPILE_DEFAULT_BACKEND)
		v->default_backend = o->default_backend;
	return 0;
}

int ingroute_router_compile(ingroute_router **out, const ingroute_ruleset *rs,
                            ingroute_diags *diags)
{
	return ingroute_router_compile_with(out, rs, NULL, diags);
}

int ingroute_router_compile_with(ingroute_router **out,
                                 const ingroute_ruleset *rs,
                                 const ingroute_compile_options *opts,
                                 ingroute_diags *diags)
{
	ingroute_router *r;
	cc c;
	size_t i;
	uint32_t p;

	if (!out)
		return INGROUTE_EINVAL;
	*out = NULL;
	if (!rs)
		return INGROUTE_EINVAL;
	memset(&c, 0, sizeof(c));
	ingroute__ruleset_view(rs, &c.view);
	if (apply_compile_options(&c.view, opts) != 0)
		return INGROUTE_EINVAL;
	c.a = c.view.alloc;
	c.sink.diags = diags;
	c.sink.max = c.view.max_diagnostics;
	c.dc.sink = &c.sink;
	r = ingroute__calloc(c.a, 1, sizeof(*r));
	if (!r)
		return INGROUTE_ENOMEM;
	r->alloc = *c.a;
	c.a = &r->alloc;
	c.r = r;
	/* Seeded per router so crafted Host headers cannot aim at a bucket. */
	r->seed = ingroute__random_seed(r);
	r->flags = c.view.flags;
	r->impl_mode = c.view.impl_specific;
	r->refs = 1;
	r->any_vhost = IG_NONE;
	ingroute__buf_init(&c.pool, c.a);
	pool_add(&c, "", 0);   /* offset 0 is the empty string */

	/* 4.7: served Ingresses by precedence. */
	c.ings = ingroute__malloc(c.a, (c.view.n ? c.view.n : 1) * sizeof(*c.ings));
	if (!c.ings)
		c.oom = 1;
	for (i = 0; i < c.view.n && !c.oom; i++)
		if (ingroute__ruleset_serves(rs, c.view.items[i]))
			c.ings[c.nings++] = c.view.items[i];
	if (!c.oom)
		ig_sort(c.ings, c.nings, sizeof(*c.ings), prec_cmp);
	/* Every string the router keeps comes from an Ingress's arena: their
	 * sizes bound the pool, which then grows once. */
	{
		size_t bytes = 0;

		for (p = 0; p < c.nings; p++)
			bytes += c.ings[p]->arena.total;
		if (!c.oom && ingroute__grow(c.a, (void **)&c.pool.data, &c.pool.cap,
		                             bytes + 64, 1) < 0)
			c.oom = 1;
	}
	r->nings = c.nings;
	r->ings = alloc_array(&c, c.nings, sizeof(ig_ring));
	for (p = 0; p < c.nings && !c.oom; p++) {
		const ig_object *o = c.ings[p];

		r->ings[p].ns = pool_add(&c, o->ns.s, o->ns.len);
		r->ings[p].name = pool_add(&c, o->name.s, o->name.len);
		r->ings[p].file = o->file ? pool_add(&c, o->file, strlen(o->file)) : IG_NONE;
		r->ings[p].line = o->pos.line;
		r->ings[p].col = o->pos.col;
		gather_ingress(&c, p);
	}
	if (!c.oom && ingroute__grow(c.a, (void **)&c.backends, &c.cap_backends,
	                             c.ncands + c.nvhosts + 1, sizeof(ig_rbackend)) < 0)
		c.oom = 1;
	if (!c.oom) {
		if (rank_cands(&c) < 0)
			c.oom = 1;
		for (i = 0; i < c.ncands; i++)
			c.cands[i].index = (uint32_t)i;
		report_shadows(&c);
	}
	if (!c.oom)
		build_tables(&c);
	if (!c.oom && !c.limit)
		resolve_global_default(&c);
	if (!c.oom && !c.limit)
		build_tls(&c);
	if (c.sink.oom)
		c.oom = 1;
	if (!c.oom && c.backends && c.cap_backends > c.nbackends) {
		ig_rbackend *trim = ingroute__realloc(c.a, c.backends, (c.nbackends ?
		                                      c.nbackends : 1) * sizeof(*trim));

		if (trim)
			c.backends = trim;
	}
	r->backends = c.backends;
	r->nbackends = (uint32_t)c.nbackends;
	c.backends = NULL;
	r->index_bytes += c.nbackends * sizeof(ig_rbackend);
	/* The pool was reserved generously; give back what it did not use. */
	if (!c.oom && c.pool.data && c.pool.cap > c.pool.len + 4096) {
		char *trim = ingroute__realloc(c.a, c.pool.data, c.pool.len);

		if (trim)
			c.pool.data = trim;
	}
	r->pool = c.pool.data;
	r->pool_len = c.pool.len;
	c.pool.data = NULL;
	r->total_bytes = r->index_bytes + r->pool_len + sizeof(*r);
	r->string_bytes = r->pool_len + (r->blob_len - c.region_index);
	r->ings_skipped = c.view.n - c.nings;
	r->ings_invalid = c.view.invalid;

	ingroute__free(c.a, c.ings);
	ingroute__free(c.a, c.cands);
	ingroute__free(c.a, c.vhosts);
	ingroute__free(c.a, c.vh_index);
	ingroute__free(c.a, c.tnodes);
	if (c.oom || c.limit) {
		router_free(r);
		return c.limit ? INGROUTE_ELIMIT : INGROUTE_ENOMEM;
	}
	*out = r;
	return 0;
}

ingroute_router *ingroute_router_ref(ingroute_router *r)
{
	if (r)
		__atomic_fetch_add(&r->refs, 1, __ATOMIC_RELAXED);
	return r;
}

void ingroute_router_unref(ingroute_router *r)
{
	if (r && __atomic_fetch_sub(&r->refs, 1, __ATOMIC_ACQ_REL) == 1)
		router_free(r);
}

/* The first published layout ends with this member. */
#define STATS_V1_SIZE (offsetof(ingroute_stats, string_bytes) + \
                       sizeof(size_t))

size_t ingroute_stats_size(void)
{
	return sizeof(ingroute_stats);
}

int ingroute_router_stats(const ingroute_router *r, ingroute_stats *out)
{
	ingroute_stats s;

	if (!r || !out || out->size < STATS_V1_SIZE)
		return INGROUTE_EINVAL;
	s.size = out->size < sizeof(s) ? out->size : sizeof(s);
	s.ingresses_served = r->nings;
	s.ingresses_skipped = r->ings_skipped;
	s.ingresses_invalid = r->ings_invalid;
	s.virtual_hosts = r->nvhosts;
	s.paths = r->ncands;
	s.conflicts = r->conflicts;
	s.shadowed = r->shadowed;
	s.tls_entries = r->ntls;
	s.index_bytes = r->index_bytes;
	s.string_bytes = r->string_bytes;
	memcpy(out, &s, s.size);
	return 0;
}
