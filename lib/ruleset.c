/*
 * The ruleset: the desired state a controller keeps. Ingresses are kept in
 * arrival order with a hash index on namespace/name; IngressClasses in a
 * short list by name.
 *
 * A load runs the pipeline one way: load.c reads the bytes, doc.c parses
 * them, decode.c makes objects of the model, validate.c checks each. It
 * stages everything and commits only when the whole buffer (or directory)
 * was read: a truncated file, a limit, an allocation
 * failure or, in strict mode, one invalid object leaves the ruleset as it
 * was. Commit itself cannot fail, because its memory is reserved first.
 *
 * A reload (docs/semantics.md §1.6) stages its sources the same way and
 * takes them as the whole desired state: what they leave out is removed,
 * and a key whose new version is invalid keeps the version it had.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "ruleset.h"
#include "validate-gateway.h"
#include "validate.h"

/* The first published layouts end with these members. */
#define OPTIONS_V1_SIZE \
	(offsetof(ingroute_options, max_alias_bytes) + sizeof(size_t))
#define INFO_V1_SIZE \
	(offsetof(ingroute_ingress_info, has_default_backend) + sizeof(int))

struct ingroute_ruleset {
	ig_alloc alloc;
	ig_arena strings;          /* copies of the option strings */
	unsigned int flags;
	const char *ingress_class;
	const char *default_ns;
	const char *default_backend;
	const char *gateway_controller;
	int impl_specific;
	ig_limits lim;
	size_t max_diagnostics;

	ig_object **items;         /* Ingresses, arrival order */
	size_t n, cap;
	uint32_t *index;           /* item position + 1; 0 is empty */
	size_t index_cap;          /* power of two, > 2 * n */
	ig_object **classes;
	size_t nclasses, cap_classes;
	/* The Gateway API's objects, Services and Namespaces, arrival
	 * order, with an index on (kind, namespace, name) */
	ig_object **gw;
	size_t ngw, cap_gw;
	uint32_t *gw_index;        /* gw position + 1; 0 is empty */
	size_t gw_index_cap;       /* power of two, > 2 * ngw */
	uint64_t next_seq;
	ig_keyset rejected;        /* Ingresses whose latest version failed
	                            * validation */
	uint64_t generation;       /* changes of what a compile reads */
};

/* ---- options */

int ingroute_options_init(ingroute_options *opts, size_t size)
{
	ingroute_options def = INGROUTE_OPTIONS_INIT;

	if (!opts || size < OPTIONS_V1_SIZE)
		return INGROUTE_EINVAL;
	if (size > sizeof(def))
		memset((char *)opts + sizeof(def), 0, size - sizeof(def));
	def.size = size;
	memcpy(opts, &def, size < sizeof(def) ? size : sizeof(def));
	return 0;
}

size_t ingroute_options_size(void)
{
	return sizeof(ingroute_options);
}

/* "NS/SERVICE:PORT", PORT a number or a port name, each part as the API
 * server checks it in an Ingress's service backend: NULL when s is one,
 * else what is wrong, and in *part which part ("" for the shape). */
static const char *backend_problem(const char *s, const char **part)
{
	const char *slash = strchr(s, '/'), *colon, *port, *p;

	*part = "";
	if (!slash)
		return "must be NAMESPACE/SERVICE:PORT (no '/')";
	colon = strrchr(slash, ':');
	if (!colon)
		return "must be NAMESPACE/SERVICE:PORT (no ':PORT')";
	port = colon + 1;
	*part = "namespace: ";
	if ((p = ingroute__name_problem(IG_NAME_NAMESPACE, s, (size_t)(slash - s))))
		return p;
	*part = "service: ";
	if ((p = ingroute__name_problem(IG_NAME_SERVICE, slash + 1,
	                                (size_t)(colon - slash - 1))))
		return p;
	*part = "port: ";
	/* All digits is a number; a port name has a letter. */
	if (*port && port[strspn(port, "0123456789")] == '\0') {
		unsigned long v = 0;

		for (p = port; *p && v <= 65535; p++)
			v = v * 10 + (unsigned long)(*p - '0');
		return v >= 1 && v <= 65535 ? NULL
		                            : "must be between 1 and 65535, inclusive";
	}
	return ingroute__name_problem(IG_NAME_PORT, port, strlen(port));
}

int ingroute__default_backend_ok(const char *s)
{
	const char *part;

	return backend_problem(s, &part) == NULL;
}

#define KNOWN_FLAGS (INGROUTE_OPT_STRICT | INGROUTE_OPT_DEFAULT_CLASS | \
                     INGROUTE_OPT_NO_NORMALIZE | INGROUTE_OPT_FALLTHROUGH)

/* Everything ingroute_ruleset_new() refuses, each reported into dc;
 * returns how many. */
static size_t check_options(const ingroute_options *o, const ig_diag_ctx *dc)
{
	const ingroute_allocator *a = o->allocator;
	const char *p, *part;
	ig_pos none = { 0, 0 };
	size_t bad = 0;

	if (o->flags & ~(unsigned int)KNOWN_FLAGS) {
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none, "flags",
		               "Invalid value: 0x%x: 0x%x is no flag of this library "
		               "(enum ingroute_flag)", o->flags,
		               o->flags & ~(unsigned int)KNOWN_FLAGS);
		bad++;
	}
	if (o->ingress_class && !o->ingress_class[0]) {
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none,
		               "ingress_class", "Invalid value: \"\": must not be "
		               "empty (unset, every class is served)");
		bad++;
	}
	if (o->default_namespace &&
	    (p = ingroute__name_problem(IG_NAME_NAMESPACE, o->default_namespace,
	                                strlen(o->default_namespace)))) {
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none,
		               "default_namespace", "Invalid value: \"%s\": %s",
		               o->default_namespace, p);
		bad++;
	}
	if (o->impl_specific < INGROUTE_IMPL_PREFIX ||
	    o->impl_specific > INGROUTE_IMPL_STRING_PREFIX) {
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none,
		               "impl_specific", "Invalid value: %d: must be 0 "
		               "(INGROUTE_IMPL_PREFIX), 1 (INGROUTE_IMPL_EXACT) or 2 "
		               "(INGROUTE_IMPL_STRING_PREFIX)", o->impl_specific);
		bad++;
	}
	if (o->default_backend &&
	    (p = backend_problem(o->default_backend, &part))) {
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none,
		               "default_backend", "Invalid value: \"%s\": %s%s",
		               o->default_backend, part, p);
		bad++;
	}
	if (a && (!a->malloc_fn || !a->realloc_fn || !a->free_fn)) {
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none,
		               "allocator", "Invalid value: malloc_fn, realloc_fn "
		               "and free_fn must all be set");
		bad++;
	}
	return bad;
}

int ingroute_options_check(const ingroute_options *user, ingroute_diags *diags)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ig_diag_sink sink = { NULL, 100, 0, 0, 0 };
	ig_diag_ctx dc;
	ig_pos none = { 0, 0 };
	size_t bad;

	if (!user)
		return INGROUTE_EINVAL;
	memset(&dc, 0, sizeof(dc));
	sink.diags = diags;
	dc.sink = &sink;
	if (user->size < OPTIONS_V1_SIZE) {
		ingroute__diag(&dc, INGROUTE_ERROR, INGROUTE_D_OPTION, none, "size",
		               "Invalid value: %zu: below the first layout (%zu "
		               "bytes); set it with ingroute_options_init()",
		               user->size, (size_t)OPTIONS_V1_SIZE);
		return sink.oom ? INGROUTE_ENOMEM : INGROUTE_EINVAL;
	}
	memcpy(&o, user, user->size < sizeof(o) ? user->size : sizeof(o));
	bad = check_options(&o, &dc);
	if (sink.oom)
		return INGROUTE_ENOMEM;
	return bad ? INGROUTE_EINVAL : 0;
}

static const char *keep(ingroute_ruleset *rs, const char *s, int *oom)
{
	const char *p;

	if (!s)
		return NULL;
	p = ingroute__arena_strndup(&rs->strings, s, strlen(s));
	if (!p)
		*oom = 1;
	return p;
}

int ingroute_ruleset_new(ingroute_ruleset **out, const ingroute_options *user)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	const ig_alloc *a;
	ingroute_ruleset *rs;
	int oom = 0;

	if (!out)
		return INGROUTE_EINVAL;
	*out = NULL;
	if (user) {
		if (user->size < OPTIONS_V1_SIZE)
			return INGROUTE_EINVAL;
		memcpy(&o, user, user->size < sizeof(o) ? user->size : sizeof(o));
	}
	{
		ig_diag_sink quiet = { NULL, 0, 0, 0, 0 };
		ig_diag_ctx dc;

		memset(&dc, 0, sizeof(dc));
		dc.sink = &quiet;
		if (check_options(&o, &dc))
			return INGROUTE_EINVAL;
	}
	a = o.allocator ? o.allocator : &ingroute__default_alloc;
	rs = ingroute__calloc(a, 1, sizeof(*rs));
	if (!rs)
		return INGROUTE_ENOMEM;
	rs->alloc = *a;
	ingroute__arena_init(&rs->strings, &rs->alloc);
	rs->flags = o.flags;
	rs->impl_specific = o.impl_specific;
	rs->ingress_class = keep(rs, o.ingress_class, &oom);
	rs->default_ns = keep(rs, o.default_namespace ? o.default_namespace
	                                              : "default", &oom);
	rs->default_backend = keep(rs, o.default_backend, &oom);
	if (o.size >= offsetof(ingroute_options, gateway_controller) +
	              sizeof(o.gateway_controller))
		rs->gateway_controller = keep(rs, o.gateway_controller, &oom);
	/* 1 GiB: kubectl get ingress -A -o yaml of 100,000 Ingresses is
	 * about 460 MB, and a List is read item by item (doc.c). */
	rs->lim.input_bytes = o.max_input_bytes ? o.max_input_bytes
	                                        : (size_t)1 << 30;
	rs->lim.depth = o.max_depth ? o.max_depth : 64;
	rs->lim.nodes = o.max_nodes ? o.max_nodes : 4000000;
	rs->lim.alias_nodes = o.max_alias_nodes ? o.max_alias_nodes : 100000;
	rs->lim.alias_bytes = o.max_alias_bytes ? o.max_alias_bytes : 16u << 20;
	rs->lim.scalar_bytes = o.max_scalar_bytes ? o.max_scalar_bytes : 1u << 20;
	rs->max_diagnostics = o.max_diagnostics ? o.max_diagnostics : 10000;
	if (oom) {
		ingroute_ruleset_free(rs);
		return INGROUTE_ENOMEM;
	}
	*out = rs;
	return 0;
}

void ingroute_ruleset_free(ingroute_ruleset *rs)
{
	ig_alloc a;
	size_t i;

	if (!rs)
		return;
	a = rs->alloc;
	for (i = 0; i < rs->n; i++)
		ingroute__object_free(rs->items[i]);
	for (i = 0; i < rs->nclasses; i++)
		ingroute__object_free(rs->classes[i]);
	for (i = 0; i < rs->ngw; i++)
		ingroute__object_free(rs->gw[i]);
	ingroute__free(&a, rs->gw);
	ingroute__free(&a, rs->gw_index);
	ingroute__free(&a, rs->items);
	ingroute__free(&a, rs->index);
	ingroute__free(&a, rs->classes);
	ingroute__keyset_free(&rs->rejected, &a);
	ingroute__arena_free(&rs->strings);
	ingroute__free(&a, rs);
}

/* ---- the namespace/name index */

static int same_key(const ig_object *o, const char *ns, size_t nslen,
                    const char *name, size_t namelen)
{
	return o->ns.len == nslen && o->name.len == namelen &&
	       memcmp(o->ns.s, ns, nslen) == 0 && memcmp(o->name.s, name, namelen) == 0;
}

/* The slot holding ns/name, or the empty slot where it would go. */
static size_t index_slot(const ingroute_ruleset *rs, const char *ns,
                         size_t nslen, const char *name, size_t namelen)
{
	size_t mask = rs->index_cap - 1;
	size_t i = (size_t)ingroute__key_hash(ns, nslen, name, namelen) & mask;

	while (rs->index[i] &&
	       !same_key(rs->items[rs->index[i] - 1], ns, nslen, name, namelen))
		i = (i + 1) & mask;
	return i;
}

static ig_object **find_item(const ingroute_ruleset *rs, const char *ns,
                             size_t nslen, const char *name, size_t namelen)
{
	size_t i;

	if (!rs->index_cap)
		return NULL;
	i = index_slot(rs, ns, nslen, name, namelen);
	return rs->index[i] ? &rs->items[rs->index[i] - 1] : NULL;
}

static void index_rebuild(ingroute_ruleset *rs)
{
	size_t i;

	memset(rs->index, 0, rs->index_cap * sizeof(*rs->index));
	for (i = 0; i < rs->n; i++) {
		const ig_object *o = rs->items[i];

		rs->index[index_slot(rs, o->ns.s, o->ns.len, o->name.s, o->name.len)] =
			(uint32_t)(i + 1);
	}
}

/* The slot holding kind ns/name among the Gateway API's objects, or the
 * empty slot where it would go. */
static size_t gw_slot(const ingroute_ruleset *rs, int kind, const char *ns,
                      size_t nslen, const char *name, size_t namelen)
{
	size_t mask = rs->gw_index_cap - 1;
	size_t i = (size_t)(ingroute__key_hash(ns, nslen, name, namelen) ^
	                    (uint64_t)kind) & mask;

	while (rs->gw_index[i]) {
		const ig_object *o = rs->gw[rs->gw_index[i] - 1];

		if (o->kind == kind && same_key(o, ns, nslen, name, namelen))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static ig_object **find_gw(const ingroute_ruleset *rs, int kind,
                           const char *ns, size_t nslen, const char *name,
                           size_t namelen)
{
	size_t i;

	if (!rs->gw_index_cap)
		return NULL;
	i = gw_slot(rs, kind, ns, nslen, name, namelen);
	return rs->gw_index[i] ? &rs->gw[rs->gw_index[i] - 1] : NULL;
}

static void gw_rebuild(ingroute_ruleset *rs)
{
	size_t i;

	memset(rs->gw_index, 0, rs->gw_index_cap * sizeof(*rs->gw_index));
	for (i = 0; i < rs->ngw; i++) {
		const ig_object *o = rs->gw[i];

		rs->gw_index[gw_slot(rs, o->kind, o->ns.s, o->ns.len, o->name.s,
		                     o->name.len)] = (uint32_t)(i + 1);
	}
}

static int gw_reserve(ingroute_ruleset *rs, size_t more)
{
	size_t want = 16;

	if (rs->ngw + more > UINT32_MAX - 1)
		return INGROUTE_ELIMIT;
	if (ingroute__grow(&rs->alloc, (void **)&rs->gw, &rs->cap_gw,
	                   rs->ngw + more, sizeof(*rs->gw)) < 0)
		return INGROUTE_ENOMEM;
	while (want <= 2 * (rs->ngw + more))
		want *= 2;
	if (want > rs->gw_index_cap) {
		uint32_t *idx = ingroute__calloc(&rs->alloc, want, sizeof(*idx));

		if (!idx)
			return INGROUTE_ENOMEM;
		ingroute__free(&rs->alloc, rs->gw_index);
		rs->gw_index = idx;
		rs->gw_index_cap = want;
		gw_rebuild(rs);
	}
	return 0;
}

/* Reserves room for `more` Ingresses and classes so that commit cannot
 * fail half-way. */
static int reserve(ingroute_ruleset *rs, size_t more, size_t more_classes)
{
	size_t want = 16;

	if (rs->n + more > UINT32_MAX - 1)
		return INGROUTE_ELIMIT;
	if (ingroute__grow(&rs->alloc, (void **)&rs->items, &rs->cap, rs->n + more,
	                   sizeof(*rs->items)) < 0 ||
	    ingroute__grow(&rs->alloc, (void **)&rs->classes, &rs->cap_classes,
	                   rs->nclasses + more_classes, sizeof(*rs->classes)) < 0)
		return INGROUTE_ENOMEM;
	while (want <= 2 * (rs->n + more))
		want *= 2;
	if (want > rs->index_cap) {
		uint32_t *idx = ingroute__calloc(&rs->alloc, want, sizeof(*idx));

		if (!idx)
			return INGROUTE_ENOMEM;
		ingroute__free(&rs->alloc, rs->index);
		rs->index = idx;
		rs->index_cap = want;
		index_rebuild(rs);
	}
	return 0;
}

/* Both commits return 1 when what a compile reads changed: a new key, or
 * a version with another digest. */
static int commit_ingress(ingroute_ruleset *rs, ig_object *o)
{
	size_t slot = index_slot(rs, o->ns.s, o->ns.len, o->name.s, o->name.len);

	if (rs->index[slot]) {
		ig_object **old = &rs->items[rs->index[slot] - 1];
		int changed = (*old)->digest != o->digest;

		/* A replacement keeps its predecessor's place in arrival order. */
		o->seq = (*old)->seq;
		ingroute__object_free(*old);
		*old = o;
		return changed;
	}
	o->seq = rs->next_seq++;
	rs->items[rs->n] = o;
	rs->index[slot] = (uint32_t)++rs->n;
	return 1;
}

static ig_object **find_class(const ingroute_ruleset *rs, const char *name,
                              size_t len)
{
	size_t i;

	for (i = 0; i < rs->nclasses; i++)
		if (rs->classes[i]->name.len == len &&
		    memcmp(rs->classes[i]->name.s, name, len) == 0)
			return &rs->classes[i];
	return NULL;
}

static int commit_class(ingroute_ruleset *rs, ig_object *o)
{
	ig_object **old = find_class(rs, o->name.s, o->name.len);
	int changed = 1;

	if (old) {
		changed = (*old)->digest != o->digest;
		ingroute__object_free(*old);
		*old = o;
	} else {
		rs->classes[rs->nclasses++] = o;
	}
	return changed;
}

static int commit_gw(ingroute_ruleset *rs, ig_object *o)
{
	size_t slot = gw_slot(rs, o->kind, o->ns.s, o->ns.len, o->name.s,
	                      o->name.len);

	if (rs->gw_index[slot]) {
		ig_object **old = &rs->gw[rs->gw_index[slot] - 1];
		int changed = (*old)->digest != o->digest;

		o->seq = (*old)->seq;
		ingroute__object_free(*old);
		*old = o;
		return changed;
	}
	o->seq = rs->next_seq++;
	rs->gw[rs->ngw] = o;
	rs->gw_index[slot] = (uint32_t)++rs->ngw;
	return 1;
}

/* ---- loading */

typedef struct stage {
	ingroute_ruleset *rs;
	ig_diag_sink sink;
	ig_diag_ctx dc;
	ig_decode_opts dopts;
	ig_object **objs;     /* the latest version of each key in this load */
	size_t n, cap;
	size_t nclasses;
	size_t ngw;           /* staged objects of the Gateway API */
	size_t nrejected;     /* staged Ingresses that failed validation */
	uint32_t *index;      /* objs position + 1 by (kind, ns, name) */
	size_t index_cap;
	int whole;            /* a reload: the sources are the desired state */
} stage;

static uint64_t staged_hash(const ig_object *o)
{
	return ingroute__key_hash(o->ns.s, o->ns.len, o->name.s, o->name.len) ^
	       o->kind;
}

/* The slot of o's key in the stage's index (found, or empty). */
static size_t staged_slot(const stage *st, const ig_object *o)
{
	size_t mask = st->index_cap - 1, i = (size_t)staged_hash(o) & mask;

	while (st->index[i]) {
		const ig_object *p = st->objs[st->index[i] - 1];

		if (p->kind == o->kind &&
		    same_key(p, o->ns.s, o->ns.len, o->name.s, o->name.len))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Keeps the index at most half full; 0 or INGROUTE_ENOMEM. */
static int staged_reserve(stage *st)
{
	size_t ncap, i;
	uint32_t *old = st->index, ocap = (uint32_t)st->index_cap;

	if ((st->n + 1) * 2 <= st->index_cap)
		return 0;
	ncap = st->index_cap ? st->index_cap * 2 : 64;
	st->index = ingroute__calloc(&st->rs->alloc, ncap, sizeof(*st->index));
	if (!st->index) {
		st->index = old;
		return INGROUTE_ENOMEM;
	}
	st->index_cap = ncap;
	for (i = 0; i < ocap; i++)
		if (old[i])
			st->index[staged_slot(st, st->objs[old[i] - 1])] = old[i];
	ingroute__free(&st->rs->alloc, old);
	return 0;
}

static void replaced_note(const ig_diag_ctx *about, const ig_object *o,
                          const ig_object *prev)
{
	ingroute__diag(about, INGROUTE_NOTE, INGROUTE_D_REPLACED, o->pos, NULL,
	               "replaces the one loaded from %s:%u:%u",
	               prev->file ? prev->file : "<input>", prev->pos.line,
	               prev->pos.col);
}

/* docs/semantics.md §1.6: the rejected version is where the diagnostic
 * points; the message names the version that stays. */
static void kept_error(const ig_diag_ctx *about, const ig_object *o,
                       const ig_object *kept)
{
	const ig_str *rv = &kept->resource_version;

	ingroute__diag(about, INGROUTE_ERROR, INGROUTE_D_KEPT, o->pos, NULL,
	               "this version is invalid and not applied; the valid "
	               "version loaded from %s:%u:%u%s%.*s%s stays in effect",
	               kept->file ? kept->file : "<input>", kept->pos.line,
	               kept->pos.col, rv->s ? " (resourceVersion \"" : "",
	               rv->s ? (int)(rv->len > 64 ? 64 : rv->len) : 0,
	               rv->s ? rv->s : "", rv->s ? "\")" : "");
}

/* Each decoded object: validated here, so that decoding never calls
 * validation. A valid object takes its key's place in the stage; an
 * invalid one is staged only to be counted, and never displaces a valid
 * version of its key. */
static int on_object(void *ctx, ig_object *o, size_t errors,
                     const ig_diag_ctx *about)
{
	stage *st = ctx;
	ig_object **in_rs, **twin = NULL;
	size_t slot;

	if (errors == 0)
		errors = ingroute__object_is_gateway_api(o)
			? ingroute__validate_gateway(o, about)
			: ingroute__validate_object(o, about);
	o->rejected = errors != 0;
	/* Keys are compared as bytes; an object without a name (rejected
	 * for it) shares the empty name with every other such object. */
	if (!o->ns.s)
		o->ns.s = "";
	if (!o->name.s)
		o->name.s = "";
	if (ingroute__grow(&st->rs->alloc, (void **)&st->objs, &st->cap, st->n + 1,
	                   sizeof(*st->objs)) < 0 || staged_reserve(st) < 0) {
		ingroute__object_free(o);
		return INGROUTE_ENOMEM;
	}
	/* A later object of the same load takes the earlier one's slot. */
	slot = staged_slot(st, o);
	if (st->index[slot])
		twin = &st->objs[st->index[slot] - 1];
	if (o->rejected && o->kind == IG_OBJ_INGRESS)
		st->nrejected++;
	if (twin && !(*twin)->rejected) {
		if (o->rejected) {
			kept_error(about, o, *twin);
			(*twin)->newer_rejected = 1;
			ingroute__object_free(o);
			return 0;
		}
		replaced_note(about, o, *twin);
	} else {
		in_rs = o->kind == IG_OBJ_INGRESS
			? find_item(st->rs, o->ns.s, o->ns.len, o->name.s, o->name.len)
			: o->kind == IG_OBJ_CLASS
			? find_class(st->rs, o->name.s, o->name.len)
			: find_gw(st->rs, o->kind, o->ns.s, o->ns.len, o->name.s,
			          o->name.len);
		if (in_rs && o->rejected)
			kept_error(about, o, *in_rs);
		/* A reload names only the objects it changes. */
		else if (in_rs && !(st->whole && (*in_rs)->digest == o->digest))
			replaced_note(about, o, *in_rs);
	}
	if (twin) {
		ingroute__object_free(*twin);
		*twin = o;
		return 0;
	}
	st->objs[st->n++] = o;
	st->index[slot] = (uint32_t)st->n;
	if (o->kind == IG_OBJ_CLASS)
		st->nclasses++;
	else if (o->kind != IG_OBJ_INGRESS)
		st->ngw++;
	return 0;
}

static void stage_init(stage *st, ingroute_ruleset *rs, ingroute_diags *diags)
{
	memset(st, 0, sizeof(*st));
	st->rs = rs;
	st->sink.diags = diags;
	st->sink.max = rs->max_diagnostics;
	st->dc.sink = &st->sink;
	st->dopts.alloc = &rs->alloc;
	st->dopts.default_ns = rs->default_ns;
}

static int stage_buffer(stage *st, const char *data, size_t len,
                        const char *name)
{
	ig_decoder dec;
	int rc;

	st->dc.file = name;
	st->dopts.file = name;
	ingroute__decoder_init(&dec, &st->dopts, &st->dc, on_object, st);
	rc = ingroute__decode_buffer(&dec, &st->rs->lim, data, len);
	ingroute__decoder_free(&dec);
	return rc;
}

static int class_served(const ingroute_ruleset *rs, const ig_object *o,
                        const char **reason);

/* docs/semantics.md §3: each Ingress of this load that its class keeps
 * from being served gets a note naming the values involved. */
static void class_notes(stage *st)
{
	const ingroute_ruleset *rs = st->rs;
	size_t i;

	for (i = 0; i < st->n; i++) {
		const ig_object *o = st->objs[i];
		ig_diag_ctx about;
		const ig_str *ann;
		const char *why;

		if (!o || o->kind != IG_OBJ_INGRESS || class_served(rs, o, &why))
			continue;
		about = ig_diag_in_file(&st->dc, o->file);
		about = ig_diag_about(&about, "Ingress", o->ns.s, o->name.s);
		ann = ingroute__object_annotation(o, "kubernetes.io/ingress.class");
		if (o->class_name.s)
			ingroute__diag(&about, INGROUTE_NOTE, INGROUTE_D_CLASS,
			               o->class_name.pos, "spec.ingressClassName",
			               "not served: class \"%s\" is not \"%s\"",
			               o->class_name.s, rs->ingress_class);
		else if (ann)
			ingroute__diag(&about, INGROUTE_NOTE, INGROUTE_D_CLASS,
			               ann->pos, "metadata.annotations",
			               "not served: kubernetes.io/ingress.class \"%s\" "
			               "is not \"%s\"", ann->s, rs->ingress_class);
		else
			ingroute__diag(&about, INGROUTE_NOTE, INGROUTE_D_CLASS, o->pos,
			               NULL, "not served: it names no class and \"%s\" "
			               "is not the default class", rs->ingress_class);
	}
}

/* Makes every allocation the commit needs: room in the ruleset, and a key
 * for each Ingress whose latest version here was rejected. */
static int stage_prepare(stage *st, ig_key ***keys)
{
	ingroute_ruleset *rs = st->rs;
	size_t i, k = 0, ning = 0;
	int rc;

	for (i = 0; i < st->n; i++)
		if (!st->objs[i]->rejected)
			ning += st->objs[i]->kind == IG_OBJ_INGRESS;
	rc = reserve(rs, ning, st->nclasses);
	if (rc == 0)
		rc = gw_reserve(rs, st->ngw);
	if (rc == 0)
		rc = ingroute__keyset_reserve(&rs->rejected, &rs->alloc,
		                              st->nrejected);
	*keys = NULL;
	if (rc < 0 || st->nrejected == 0)
		return rc;
	*keys = ingroute__calloc(&rs->alloc, st->nrejected, sizeof(**keys));
	if (!*keys)
		return INGROUTE_ENOMEM;
	for (i = 0; i < st->n; i++) {
		const ig_object *o = st->objs[i];

		if (o->kind != IG_OBJ_INGRESS || !(o->rejected || o->newer_rejected))
			continue;
		(*keys)[k] = ingroute__key_new(&rs->alloc, o->ns.s, o->ns.len,
		                               o->name.s, o->name.len);
		if (!(*keys)[k++])
			return INGROUTE_ENOMEM;
	}
	return 0;
}

static int staged(const stage *st, const ig_object *o)
{
	return st->index_cap && st->index[staged_slot(st, o)];
}

/* Keeps, in order, the objects of list[0..*n) the stage names and frees
 * the others. Returns how many went. */
static size_t keep_staged(const stage *st, ig_object **list, size_t *n)
{
	size_t i, w = 0;

	for (i = 0; i < *n; i++) {
		if (staged(st, list[i]))
			list[w++] = list[i];
		else
			ingroute__object_free(list[i]);
	}
	i = *n - w;
	*n = w;
	return i;
}

/* A reload's removals: every object of the ruleset whose key its sources
 * do not name. No allocation. Returns how many went. */
static size_t drop_unstaged(stage *st)
{
	ingroute_ruleset *rs = st->rs;
	size_t gone = keep_staged(st, rs->items, &rs->n);

	if (gone && rs->index_cap)
		index_rebuild(rs);
	gone += keep_staged(st, rs->classes, &rs->nclasses);
	if (keep_staged(st, rs->gw, &rs->ngw)) {
		gone++;
		if (rs->gw_index_cap)
			gw_rebuild(rs);
	}
	/* The sources' rejected keys are the whole set now. */
	ingroute__keyset_clear(&rs->rejected, &rs->alloc);
	return gone;
}

/* Commits on success, discards otherwise; returns the load's status. */
static int stage_finish(stage *st, int rc)
{
	ingroute_ruleset *rs = st->rs;
	ig_key **keys = NULL;
	size_t i, k = 0, changed = 0;

	if (rc == 0 && st->sink.oom)
		rc = INGROUTE_ENOMEM;
	if (rc == 0 && (rs->flags & INGROUTE_OPT_STRICT) && st->sink.errors)
		rc = INGROUTE_EINVALID;
	if (rc == 0)
		rc = stage_prepare(st, &keys);
	if (rc == 0 && st->whole)
		changed += drop_unstaged(st);
	for (i = 0; i < st->n; i++) {
		ig_object *o = st->objs[i];

		if (rc == 0 && o->kind == IG_OBJ_INGRESS) {
			if (o->rejected || o->newer_rejected)
				ingroute__keyset_put(&rs->rejected, &rs->alloc, keys[k++]);
			else
				ingroute__keyset_del(&rs->rejected, &rs->alloc, o->ns.s,
				                     o->ns.len, o->name.s, o->name.len);
		}
		if (rc < 0 || o->rejected) {
			ingroute__object_free(o);
			st->objs[i] = NULL;
		} else if (o->kind == IG_OBJ_INGRESS) {
			changed += (size_t)commit_ingress(rs, o);
		} else if (o->kind == IG_OBJ_CLASS) {
			changed += (size_t)commit_class(rs, o);
		} else {
			changed += (size_t)commit_gw(rs, o);
		}
	}
	if (changed)
		rs->generation++;
	/* Notes after the commit cannot fail the load: one that cannot be
	 * stored is only counted. */
	if (rc == 0)
		class_notes(st);
	if (keys)
		for (; k < st->nrejected; k++)
			ingroute__free(&rs->alloc, keys[k]);
	ingroute__free(&rs->alloc, keys);
	ingroute__free(&rs->alloc, st->objs);
	ingroute__free(&rs->alloc, st->index);
	return rc;
}

/* One buffer, applied (whole == 0) or as the desired state (whole == 1). */
static int load_one_buffer(ingroute_ruleset *rs, const char *data, size_t len,
                           const char *name, ingroute_diags *diags, int whole)
{
	stage st;

	if (!rs || (!data && len))
		return INGROUTE_EINVAL;
	stage_init(&st, rs, diags);
	st.whole = whole;
	return stage_finish(&st, stage_buffer(&st, data ? data : "", len, name));
}

int ingroute_ruleset_load_buffer(ingroute_ruleset *rs, const char *data,
                                 size_t len, const char *name,
                                 ingroute_diags *diags)
{
	return load_one_buffer(rs, data, len, name, diags, 0);
}

static int stage_file(stage *st, const char *path, int listed)
{
	char *data;
	size_t len;
	int rc;

	rc = ingroute__read_file(&st->rs->alloc, path, st->rs->lim.input_bytes,
	                         listed, &st->dc, &data, &len);
	if (rc == IG_READ_SKIPPED)
		return 0;
	if (rc < 0)
		return rc;
	rc = stage_buffer(st, data, len, path);
	ingroute__free(&st->rs->alloc, data);
	return rc;
}

/* A directory: each manifest file, or one version of a ConfigMap volume
 * (docs/semantics.md §1.7). */
static int stage_dir(stage *st, const char *path)
{
	const ig_alloc *a = &st->rs->alloc;
	ig_file *files;
	char **names;
	size_t n, i;
	int rc;

	rc = ingroute__read_atomic_dir(a, path, st->rs->lim.input_bytes, &st->dc,
	                               &files, &n);
	if (rc != IG_NOT_ATOMIC) {
		for (i = 0; rc == 0 && i < n; i++)
			rc = stage_buffer(st, files[i].data, files[i].len, files[i].name);
		ingroute__free_files(a, files, n);
		return rc;
	}
	rc = ingroute__list_dir(a, path, &st->dc, &names, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (ingroute__is_dir(names[i])) {
			ig_diag_ctx in = ig_diag_in_file(&st->dc, names[i]);
			ig_pos none = { 0, 0 };

			/* Like kubectl apply -f DIR without --recursive. */
			ingroute__diag(&in, INGROUTE_NOTE, INGROUTE_D_IO, none, NULL,
			               "a directory: not descended into");
			continue;
		}
		rc = stage_file(st, names[i], 1);
	}
	ingroute__free_names(a, names, n);
	return rc;
}

static int stage_path(stage *st, const char *path)
{
	return ingroute__is_dir(path) ? stage_dir(st, path)
	                              : stage_file(st, path, 0);
}

int ingroute_ruleset_load_path(ingroute_ruleset *rs, const char *path,
                               ingroute_diags *diags)
{
	stage st;

	if (!rs || !path)
		return INGROUTE_EINVAL;
	stage_init(&st, rs, diags);
	return stage_finish(&st, stage_path(&st, path));
}

int ingroute_ruleset_reload_paths(ingroute_ruleset *rs,
                                  const char *const *paths, size_t npaths,
                                  ingroute_diags *diags)
{
	stage st;
	size_t i;
	int rc = 0;

	if (!rs || (!paths && npaths))
		return INGROUTE_EINVAL;
	for (i = 0; i < npaths; i++)
		if (!paths[i])
			return INGROUTE_EINVAL;
	stage_init(&st, rs, diags);
	st.whole = 1;
	for (i = 0; rc == 0 && i < npaths; i++)
		rc = stage_path(&st, paths[i]);
	return stage_finish(&st, rc);
}

int ingroute_ruleset_reload_buffer(ingroute_ruleset *rs, const char *data,
                                   size_t len, const char *name,
                                   ingroute_diags *diags)
{
	return load_one_buffer(rs, data, len, name, diags, 1);
}

uint64_t ingroute_ruleset_generation(const ingroute_ruleset *rs)
{
	return rs ? rs->generation : 0;
}

/* ---- queries and removal */

int ingroute_ruleset_remove(ingroute_ruleset *rs, const char *ns,
                            const char *name)
{
	return ingroute_ruleset_delete(rs, "Ingress", ns, name);
}

int ingroute_ruleset_delete(ingroute_ruleset *rs, const char *kind_name,
                            const char *ns, const char *name)
{
	ig_object **p, **base;
	size_t at, *n;

	if (!rs || !kind_name || !name)
		return INGROUTE_EINVAL;
	if (strcmp(kind_name, "IngressClass") == 0) {
		p = find_class(rs, name, strlen(name));
		base = rs->classes;
		n = &rs->nclasses;
	} else if (strcmp(kind_name, "Ingress") == 0) {
		if (!ns)
			ns = rs->default_ns;
		ingroute__keyset_del(&rs->rejected, &rs->alloc, ns, strlen(ns), name,
		                     strlen(name));
		p = find_item(rs, ns, strlen(ns), name, strlen(name));
		base = rs->items;
		n = &rs->n;
	} else {
		int kind = ingroute__object_kind_parse(kind_name);

		if (kind < IG_OBJ_GATEWAY_CLASS)
			return INGROUTE_EINVAL;
		if (kind == IG_OBJ_GATEWAY_CLASS || kind == IG_OBJ_NAMESPACE || !ns)
			ns = kind == IG_OBJ_GATEWAY_CLASS ||
			     kind == IG_OBJ_NAMESPACE ? "" : rs->default_ns;
		p = find_gw(rs, kind, ns, strlen(ns), name, strlen(name));
		base = rs->gw;
		n = &rs->ngw;
	}
	if (!p)
		return INGROUTE_ENOENT;
	at = (size_t)(p - base);
	ingroute__object_free(*p);
	memmove(&base[at], &base[at + 1], (*n - at - 1) * sizeof(*base));
	(*n)--;
	if (base == rs->items)
		index_rebuild(rs);
	else if (base == rs->gw)
		gw_rebuild(rs);
	rs->generation++;
	return 0;
}

size_t ingroute_ingress_info_size(void)
{
	return sizeof(ingroute_ingress_info);
}

size_t ingroute_ruleset_count(const ingroute_ruleset *rs)
{
	return rs ? rs->n : 0;
}

/* docs/semantics.md §3, with a fixed reason for each outcome. */
static int class_served(const ingroute_ruleset *rs, const ig_object *o,
                        const char **reason)
{
	const char *want = rs->ingress_class;
	const ig_str *ann;
	ig_object **cls;

	if (!want) {
		*reason = "no ingress class is configured: every Ingress is served";
		return 1;
	}
	if (o->class_name.s) {
		int ok = o->class_name.len == strlen(want) &&
		         memcmp(o->class_name.s, want, o->class_name.len) == 0;

		*reason = ok ? "spec.ingressClassName is the configured class"
		             : "spec.ingressClassName names another class";
		return ok;
	}
	ann = ingroute__object_annotation(o, "kubernetes.io/ingress.class");
	if (ann) {
		int ok = ann->len == strlen(want) && memcmp(ann->s, want, ann->len) == 0;

		*reason = ok ? "the kubernetes.io/ingress.class annotation is the "
		               "configured class"
		             : "the kubernetes.io/ingress.class annotation names "
		               "another class";
		return ok;
	}
	if (rs->flags & INGROUTE_OPT_DEFAULT_CLASS) {
		*reason = "no class set, and the configured class is the default "
		          "(by option)";
		return 1;
	}
	cls = find_class(rs, want, strlen(want));
	if (cls && (*cls)->is_default) {
		*reason = "no class set, and the configured class is the default "
		          "(its IngressClass is annotated is-default-class)";
		return 1;
	}
	*reason = "no class set, and the configured class is not the default";
	return 0;
}

static void fill_info(const ingroute_ruleset *rs, const ig_object *o,
                      ingroute_ingress_info *out)
{
	ingroute_ingress_info v;
	const ig_str *ann;
	uint32_t i;

	memset(&v, 0, sizeof(v));
	v.size = out->size < sizeof(v) ? out->size : sizeof(v);
	v.ns = o->ns.s;
	v.name = o->name.s;
	v.file = o->file;
	v.line = o->pos.line;
	v.column = o->pos.col;
	v.served = class_served(rs, o, &v.reason);
	ann = ingroute__object_annotation(o, "kubernetes.io/ingress.class");
	v.ingress_class = o->class_name.s ? o->class_name.s : ann ? ann->s : NULL;
	v.rules = o->nrules;
	for (i = 0; i < o->nrules; i++)
		v.paths += o->rules[i].npaths;
	v.tls = o->ntls;
	v.has_default_backend = o->default_backend != NULL;
	memcpy(out, &v, v.size);
}

int ingroute_ruleset_get(const ingroute_ruleset *rs, size_t index,
                         ingroute_ingress_info *out)
{
	if (!rs || !out || out->size < INFO_V1_SIZE)
		return INGROUTE_EINVAL;
	if (index >= rs->n)
		return INGROUTE_ENOENT;
	fill_info(rs, rs->items[index], out);
	return 0;
}

int ingroute_ruleset_find(const ingroute_ruleset *rs, const char *ns,
                          const char *name, ingroute_ingress_info *out)
{
	ig_object **p;

	if (!rs || !name || !out || out->size < INFO_V1_SIZE)
		return INGROUTE_EINVAL;
	if (!ns)
		ns = rs->default_ns;
	p = find_item(rs, ns, strlen(ns), name, strlen(name));
	if (!p)
		return INGROUTE_ENOENT;
	fill_info(rs, *p, out);
	return 0;
}

void ingroute__ruleset_view(const ingroute_ruleset *rs, ig_ruleset_view *v)
{
	v->alloc = &rs->alloc;
	v->flags = rs->flags;
	v->impl_specific = rs->impl_specific;
	v->default_backend = rs->default_backend;
	v->max_diagnostics = rs->max_diagnostics;
	v->items = rs->items;
	v->n = rs->n;
	v->invalid = rs->rejected.n;
	v->generation = rs->generation;
	v->gw = rs->gw;
	v->ngw = rs->ngw;
	v->gateway_controller = rs->gateway_controller;
}

int ingroute__ruleset_serves(const ingroute_ruleset *rs, const ig_object *o)
{
	const char *why;

	return class_served(rs, o, &why);
}
