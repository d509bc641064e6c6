/*
 * Ruleset -> router. Every precedence decision of docs/semantics.md §6
 * and §7 is made when compiling, once, so that a lookup only walks (see
 * router.h for the layout, compile.h for the stage's files).
 *
 * The steps: order the served Ingresses by precedence (§7); gather one
 * candidate per path rule under its virtual host; sort the candidates of
 * each virtual host by the winning order of §6 step 2, so that a lower
 * index always wins; report conflicts and rules that can never match;
 * index them (regions of small hosts, exact-path table, per-host radix
 * trie, host tables); resolve the global default backend (§6 step 3); and
 * build the TLS table (§8). This file runs them, with the options of the
 * ruleset or of ingroute_router_compile_with(), and owns the router's
 * life and its statistics.
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "gateway.h"

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
	ingroute__gwtab_free(r->gw);
	ingroute__free(&a, r);
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

/* An empty router with one reference, and the state that builds it. */
static ingroute_router *begin(cc *c, ingroute_diags *diags)
{
	ingroute_router *r;

	c->a = c->view.alloc;
	c->sink.diags = diags;
	c->sink.max = c->view.max_diagnostics;
	c->dc.sink = &c->sink;
	r = ingroute__calloc(c->a, 1, sizeof(*r));
	if (!r)
		return NULL;
	r->alloc = *c->a;
	c->a = &r->alloc;
	c->r = r;
	/* Seeded per router so crafted Host headers cannot aim at a bucket. */
	r->seed = ingroute__random_seed(r);
	r->flags = c->view.flags;
	r->impl_mode = c->view.impl_specific;
	r->refs = 1;
	r->any_vhost = IG_NONE;
	ingroute__buf_init(&c->pool, c->a);
	cc_pool_add(c, "", 0);   /* offset 0 is the empty string */
	return r;
}

/* The served Ingresses' namespaces, names and positions, pooled once:
 * backends and TLS entries name their Ingress by precedence. */
static void pool_ingresses(cc *c)
{
	ingroute_router *r = c->r;
	uint32_t p;

	/* The pool grows as strings are added (they are named by offset).
	 * Reserving the Ingresses' arena sizes up front, a bound, cost as
	 * much memory again as the whole ruleset, annotations and all, at
	 * the peak of a compile. */
	r->nings = c->nings;
	r->ings = cc_array(c, c->nings, sizeof(ig_ring));
	for (p = 0; p < c->nings && !c->oom; p++) {
		const ig_object *o = c->ings[p];

		r->ings[p].ns = cc_pool_add(c, o->ns.s, o->ns.len);
		r->ings[p].name = cc_pool_add(c, o->name.s, o->name.len);
		r->controller_annotated += ingroute__controller_keys(o) > 0;
		r->ings[p].file = o->file ? cc_pool_add(c, o->file, strlen(o->file))
		                          : IG_NONE;
		r->ings[p].line = o->pos.line;
		r->ings[p].col = o->pos.col;
	}
}

/* Hands the backend records and the pool to the router, trimmed, and
 * records its sizes and the counts ingroute_router_stats() reports. */
static void finish(cc *c)
{
	ingroute_router *r = c->r;

	if (!c->oom && c->backends && c->cap_backends > c->nbackends) {
		ig_rbackend *trim = ingroute__realloc(c->a, c->backends,
		                                      (c->nbackends ? c->nbackends : 1) *
		                                      sizeof(*trim));

		if (trim)
			c->backends = trim;
	}
	r->backends = c->backends;
	r->nbackends = (uint32_t)c->nbackends;
	c->backends = NULL;
	r->index_bytes += c->nbackends * sizeof(ig_rbackend);
	/* The pool grew by doubling; give back what it did not use. */
	if (!c->oom && c->pool.data && c->pool.cap > c->pool.len + 4096) {
		char *trim = ingroute__realloc(c->a, c->pool.data, c->pool.len);

		if (trim)
			c->pool.data = trim;
	}
	r->pool = c->pool.data;
	r->pool_len = c->pool.len;
	c->pool.data = NULL;
	r->total_bytes = r->index_bytes + r->pool_len + sizeof(*r);
	r->string_bytes = r->pool_len + (r->blob_len - c->region_index);
	r->ings_skipped = c->view.n - c->nings;
	r->ings_invalid = c->view.invalid;
	r->generation = c->view.generation;
}

int ingroute_router_compile_with(ingroute_router **out,
                                 const ingroute_ruleset *rs,
                                 const ingroute_compile_options *opts,
                                 ingroute_diags *diags)
{
	ingroute_router *r;
	cc c;

	if (!out)
		return INGROUTE_EINVAL;
	*out = NULL;
	if (!rs)
		return INGROUTE_EINVAL;
	memset(&c, 0, sizeof(c));
	ingroute__ruleset_view(rs, &c.view);
	if (apply_compile_options(&c.view, opts) != 0)
		return INGROUTE_EINVAL;
	if (!(r = begin(&c, diags)))
		return INGROUTE_ENOMEM;
	ingroute__compile_order(&c, rs);
	if (!c.oom)
		pool_ingresses(&c);
	if (!c.oom)
		ingroute__compile_gather(&c);
	/* Room for every backend record at once: one per rule, one per
	 * virtual host's default and the global one. */
	if (!c.oom && ingroute__grow(c.a, (void **)&c.backends, &c.cap_backends,
	                             c.ncands + c.nvhosts + 1, sizeof(ig_rbackend)) < 0)
		c.oom = 1;
	if (!c.oom && ingroute__compile_rank(&c) < 0)
		c.oom = 1;
	if (!c.oom)
		ingroute__compile_records(&c);
	if (!c.oom && !c.limit)
		ingroute__compile_report(&c);
	if (!c.oom && !c.limit)
		ingroute__compile_tables(&c);
	if (!c.oom && !c.limit)
		ingroute__compile_global_default(&c);
	if (!c.oom && !c.limit)
		ingroute__compile_tls(&c);
	if (!c.oom && !c.limit &&
	    ingroute__compile_gateway(&c.view, &r->alloc, &c.dc, &r->gw) < 0)
		c.oom = 1;
	if (c.sink.oom)
		c.oom = 1;
	finish(&c);
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
	s.generation = r->generation;
	s.controller_annotated = r->controller_annotated;
	s.gateway_listeners = r->gw ? r->gw->nlisteners : 0;
	s.httproutes_attached = r->gw ? r->gw->routes : 0;
	s.gateway_matches = r->gw ? r->gw->entries : 0;
	memcpy(out, &s, s.size);
	return 0;
}

