/*
 * The compile stage's working state, shared by its three files:
 *
 *   compile.c        the driver: options, the router's life, statistics
 *   compile-rules.c  what the Ingresses say: precedence (docs/semantics.md
 *                    §7), one candidate per path rule, their ranking (§6
 *                    step 2), default backends (§6 step 3), conflicts
 *   compile-index.c  the tables a lookup walks (router.h): records, small
 *                    hosts' regions, the exact-path table, tries, host
 *                    tables, the TLS table
 *
 * compile.c calls the other two and compile-index.c calls
 * compile-rules.c for backend records; nothing calls back.
 */
#ifndef INGROUTE_COMPILE_H
#define INGROUTE_COMPILE_H

#include <string.h>

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
	uint32_t plen;         /* path length, so that sizing a region need
	                        * not read the object again */
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

/* ---- small helpers; on failure each sets c->oom */

/* Adds n bytes and a NUL to the string pool; returns their offset. */
static inline uint32_t cc_pool_add(cc *c, const char *s, size_t n)
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

static inline uint32_t cc_pool_str(cc *c, const ig_str *s)
{
	return s->s ? cc_pool_add(c, s->s, s->len) : IG_NONE;
}

static inline int cc_grow(cc *c, void **items, size_t *cap, size_t need,
                          size_t elem)
{
	if (need > UINT32_MAX - 2 ||
	    ingroute__grow(c->a, items, cap, need, elem) < 0) {
		c->oom = 1;
		return -1;
	}
	return 0;
}

/* A zeroed array of the router's, counted in its index bytes. */
static inline void *cc_array(cc *c, size_t n, size_t elem)
{
	void *p = ingroute__calloc(c->a, n ? n : 1, elem);

	if (!p)
		c->oom = 1;
	else
		c->r->index_bytes += (n ? n : 1) * elem;
	return p;
}

static inline int cc_bytes_cmp(const char *a, size_t an, const char *b,
                               size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	return r ? r : (an < bn ? -1 : an > bn);
}

/* The bytes a candidate is indexed under: Exact and string-prefix rules
 * by their whole path, element-wise ones without the trailing '/'. */
static inline size_t cc_key_len(const tcand *t)
{
	return t->match == IG_M_ELEMENT ? t->measure : t->plen;
}

static inline const char *cc_path(const tcand *t)
{
	return t->path->path.s ? t->path->path.s : "";
}

/* ---- compile-rules.c */

/* The served Ingresses of the view by precedence (§7), into c->ings. */
void ingroute__compile_order(cc *c, const ingroute_ruleset *rs);
/* One candidate per path rule of every served Ingress, under its
 * virtual host; each host's default backend (§6 step 3). */
void ingroute__compile_gather(cc *c);
/* Sorts the candidates into rank order (§6 step 2) and numbers them. */
int ingroute__compile_rank(cc *c);
/* Warns about rules that can never match, and conflicts; after
 * ingroute__compile_records(), whose pool copies of the paths it reads in
 * rank order. */
void ingroute__compile_report(cc *c);
/* The global default backend (§6 step 3). */
void ingroute__compile_global_default(cc *c);
/* A backend record of the Ingress of precedence prec; its index. */
uint32_t ingroute__compile_backend(cc *c, const ig_backend *b, uint32_t prec);

/* ---- compile-index.c */

/* The virtual host and candidate records, in rank order, their paths
 * and backends pooled. */
void ingroute__compile_records(cc *c);
/* Every table a lookup walks, from the records. */
void ingroute__compile_tables(cc *c);
/* The TLS table (§8). */
void ingroute__compile_tls(cc *c);

#endif /* INGROUTE_COMPILE_H */
