/*
 * The compiled router's layout, shared by the compile stage (compile.h:
 * compile.c, compile-rules.c and compile-index.c build it), match.c
 * (which walks it) and explain.c (which prints it).
 *
 * Everything lives in a handful of flat arrays addressed by 32-bit
 * indices, and every string in one pool addressed by 32-bit offsets, so the
 * index stays small and a lookup touches few cache lines:
 *
 *   hosts     open addressing on XXH3(host, seed): exact hosts, and
 *             wildcard hosts under the suffix after "*." (one probe each)
 *   exact     open addressing on XXH3(path, seed ^ vhost): the best Exact
 *             (and ImplementationSpecific-as-exact) candidate per path
 *   nodes     per virtual host, a byte-wise radix trie over rule paths
 *             (Prefix without its trailing '/'); children are contiguous
 *             and their first bytes sit in a parallel array
 *   cands     every path rule, sorted by virtual host and then by the
 *             path precedence of docs/semantics.md §6, so "lowest index"
 *             means "wins"
 *
 * All of that ordering is decided when compiling: a lookup only takes the
 * lowest candidate index among the hits it walks past.
 */
#ifndef INGROUTE_ROUTER_H
#define INGROUTE_ROUTER_H

#include "model.h"

#define IG_NONE UINT32_MAX
#define IG_MAX_PATH 8192u
#define IG_MAX_HOST 253u

/* A backend as results report it; strings are pool offsets (IG_NONE:
 * absent). ns is also the declaring Ingress's namespace. */
typedef struct ig_rbackend {
	uint32_t ns;
	uint32_t service;
	uint32_t port_name;
	int32_t port_number;
	uint32_t api_group;
	uint32_t kind;
	uint32_t name;
	uint32_t ing_name;    /* declaring Ingress, IG_NONE for the option */
} ig_rbackend;

typedef struct ig_ring {
	uint32_t ns;
	uint32_t name;
	uint32_t file;        /* IG_NONE for an unnamed buffer */
	uint32_t line;
	uint32_t col;
} ig_ring;

/* One path rule. Match semantics (how it is indexed) follow from `match`. */
enum ig_cand_match {
	IG_M_EXACT = 0,       /* byte-for-byte */
	IG_M_ELEMENT = 1,     /* element-wise prefix */
	IG_M_STRING = 2       /* string prefix */
};

/* 16 bytes: what a lookup touches once it has a winner. */
typedef struct ig_cand {
	uint32_t path;        /* pool offset of the rule path as written */
	uint32_t path_len;
	uint32_t backend;
	uint32_t vt;          /* vhost << 8 | type << 2 | match */
} ig_cand;

#define IG_CAND_VHOST(c) ((c)->vt >> 8)
#define IG_CAND_TYPE(c) ((int)(((c)->vt >> 2) & 3u))
#define IG_CAND_MATCH(c) ((int)((c)->vt & 3u))
#define IG_MAX_VHOSTS (1u << 24)

#define IG_NODE_KIDFIRST 8u

typedef struct ig_rnode {
	uint32_t key;         /* pool offset of the edge label */
	uint32_t key_len;
	uint32_t kids;        /* first child in nodes[], IG_NONE if leaf */
	uint32_t at_boundary; /* best candidate when the request path has a
	                       * segment boundary here, else IG_NONE */
	uint32_t anywhere;    /* best string-prefix candidate here */
	uint32_t head;        /* label bytes 1 to 4 (byte 0 is in firsts),
	                       * little-endian, zeros past the label: most
	                       * labels are compared without the pool */
	uint16_t nkids;       /* at most 256, one per first byte */
	uint16_t pad;
	/* The first bytes of the first IG_NODE_KIDFIRST children, as in
	 * firsts: a node with that few children is searched without
	 * another load. */
	uint8_t kidfirst[IG_NODE_KIDFIRST];
} ig_rnode;

enum ig_vhost_kind {
	IG_VH_EXACT = INGROUTE_VHOST_EXACT,
	IG_VH_WILDCARD = INGROUTE_VHOST_WILDCARD,
	IG_VH_ANY = INGROUTE_VHOST_ANY
};

/* A host with few rules (most hosts) keeps everything a lookup needs in
 * one contiguous region of the blob, reached straight from its host-table
 * slot:
 *   ig_region | host bytes (padded to 8) | fp x n4 | mask x n4 |
 *   ig_sentry x ncands | key bytes
 * (n4: ncands rounded up to 4). The host bytes confirm the hash hit, the
 * rules follow in rank order (the first that accepts the path wins), and
 * each rule carries its backend and path so the answer needs one more
 * cache line, the backend. fp[i] holds rule i's first min(4, key_len) key
 * bytes, little-endian, and mask[i] which of those bytes count, so one
 * vector compare of a request's first four bytes against four rules at a
 * time passes over most rules without touching their entries. */
#define IG_SMALL_VHOST 16u
/* Key offsets in a region are 16-bit, from its start. */
#define IG_MAX_REGION 0xffffu

typedef struct ig_region {
	uint32_t host;        /* pool offset of the host, for results */
	uint32_t vhost;
	uint16_t host_len;
	uint16_t ncands;
	/* Both follow from host_len and ncands; stored so that a lookup
	 * reads them instead of working them out. */
	uint16_t fps;         /* where the fingerprints start, from here */
	uint8_t kind;         /* enum ig_vhost_kind */
	uint8_t quads;        /* n4 / 4 */
} ig_region;

/* ig_sentry.type's top bit: the rule's backend is a resource (be.res),
 * not a service (be.svc). A path type needs two bits, so the flag rides
 * in the same byte and the entry stays 32 bytes. */
#define IG_SENTRY_RESOURCE 0x80u
#define IG_SENTRY_TYPE(e) ((int)((e)->type & ~IG_SENTRY_RESOURCE & 0xffu))

typedef struct ig_sentry {
	uint32_t path;        /* pool offset of the rule path */
	/* The backend, copied in so that the answer needs no other line;
	 * strings are pool offsets, IG_NONE when absent. */
	uint32_t ns;          /* the backend's and the Ingress's namespace */
	uint32_t ing_name;
	union {
		struct {
			uint32_t name;
			uint32_t port_name;
			int32_t port_number;  /* 0 when port_name is set */
		} svc;
		struct {
			uint32_t kind;
			uint32_t name;
			uint32_t api_group;
		} res;
	} be;
	uint16_t key_off;     /* key bytes: offset from the region's start */
	uint16_t key_len;
	uint16_t path_len;
	uint8_t match;        /* enum ig_cand_match */
	uint8_t type;         /* enum ig_path_type | IG_SENTRY_RESOURCE */
} ig_sentry;

_Static_assert(sizeof(ig_sentry) == 32, "a small host's rule is 32 bytes");

typedef struct ig_vhost {
	uint32_t host;        /* pool offset: "a.b.c", "*.b.c", or "" */
	uint32_t host_len;
	uint32_t root;        /* trie root node, IG_NONE without trie paths */
	uint32_t first_cand;  /* its candidates: [first_cand, +ncands) */
	uint32_t ncands;
	uint32_t default_backend;  /* IG_NONE: none of its own */
	uint32_t region;      /* small hosts: offset of its ig_sentry list */
	uint32_t cand_base;   /* large hosts: where its records start in cands */
	uint8_t kind;         /* enum ig_vhost_kind */
	uint8_t has_exact;    /* any entries in the exact table */
	uint8_t small;        /* rules in a region, not in the trie/table */
	uint8_t pad;
} ig_vhost;

typedef struct ig_host_slot {
	uint64_t hash;
	uint32_t vhost;       /* IG_NONE: empty */
	uint32_t region;      /* small hosts: blob offset, else IG_NONE */
} ig_host_slot;

typedef struct ig_exact_slot {
	uint64_t hash;
	uint32_t vhost;       /* IG_NONE: empty */
	uint32_t cand;
} ig_exact_slot;

typedef struct ig_tls_entry {
	uint32_t host;        /* "a.b.c", "*.b.c" or "" (no hosts) */
	uint32_t secret;
	uint32_t ing;
} ig_tls_entry;

struct ingroute_router {
	ig_alloc alloc;
	uint64_t seed;
	unsigned int flags;
	int impl_mode;
	long refs;            /* only through __atomic builtins */

	char *pool;
	size_t pool_len;

	ig_ring *ings;
	uint32_t nings;
	ig_rbackend *backends;
	uint32_t nbackends;
	ig_cand *cands;
	uint32_t ncands;
	ig_vhost *vhosts;
	uint32_t nvhosts;
	uint32_t any_vhost;   /* the host-less virtual host, IG_NONE if none */
	ig_rnode *nodes;
	uint8_t *firsts;      /* first byte of each node's label */
	uint32_t nnodes;

	char *blob;           /* small hosts' rule lists and key bytes */
	size_t blob_len;

	ig_host_slot *exact_hosts;
	ig_host_slot *wild_hosts;
	uint32_t host_mask;   /* both host tables: size - 1 */
	ig_exact_slot *exact;
	uint32_t exact_mask;

	/* sorted: exact hosts, then wildcards, then host-less entries, each
	 * by Ingress precedence */
	ig_tls_entry *tls;
	uint32_t ntls;

	uint32_t global_default;   /* backend index, IG_NONE */
	uint8_t global_source;     /* enum ingroute_default_source */
	size_t index_bytes;        /* bytes of the index, strings excluded */
	size_t total_bytes;

	/* Counted when compiling, for ingroute_router_stats(). */
	size_t ings_skipped;       /* not served because of their class */
	size_t ings_invalid;       /* latest version failed validation */
	uint64_t generation;       /* the ruleset's, when compiled */
	size_t conflicts;          /* INGROUTE_D_CONFLICT warnings */
	size_t shadowed;           /* INGROUTE_D_SHADOWED warnings */
	size_t controller_annotated; /* served, with INGROUTE_D_CONTROLLER keys */
	size_t string_bytes;       /* the pool and the regions' key bytes */

	/* The Gateway API's listeners and routes (gateway.h); NULL when the
	 * ruleset held none of its objects. */
	struct ig_gwtab *gw;
};

/* The tables' hash seeds, in one place so that building and looking up
 * cannot disagree. Every one derives from the router's random seed, so
 * that crafted Host headers or paths cannot aim at one bucket. */

/* 2^64 / the golden ratio: spreads small integers (a virtual host id, a
 * kind) over all 64 bits of a seed. */
#define IG_SEED_MIX 0x9e3779b97f4a7c15ull

/* The exact-host table, and the wildcard table keyed by the suffix after
 * "*.": the same hash function, apart by one bit of seed. */
static inline uint64_t ig_host_seed(uint64_t seed, int wildcard)
{
	return seed ^ (wildcard ? 1u : 0u);
}

/* The exact-path table: every virtual host's paths in a key space of
 * their own. */
static inline uint64_t ig_path_seed(uint64_t seed, uint32_t vhost)
{
	return seed ^ ((uint64_t)(vhost + 1) * IG_SEED_MIX);
}

static inline const char *ig_str_at(const ingroute_router *r, uint32_t off)
{
	return off == IG_NONE ? NULL : r->pool + off;
}

static inline const ig_region *ig_region_at(const ingroute_router *r,
                                            uint32_t region)
{
	return (const ig_region *)(const void *)(r->blob + region);
}

/* A region's fingerprints; its masks follow them, n4 further on. */
static inline const uint32_t *ig_region_fps(const ingroute_router *r,
                                            uint32_t region)
{
	const ig_region *g = ig_region_at(r, region);

	return (const uint32_t *)(const void *)((const char *)g + g->fps);
}

static inline size_t ig_region_n4(const ig_region *g)
{
	return (size_t)g->quads * 4;
}

static inline const ig_sentry *ig_region_rules(const ingroute_router *r,
                                               uint32_t region)
{
	return (const ig_sentry *)(const void *)
	       (ig_region_fps(r, region) + 2 * ig_region_n4(ig_region_at(r, region)));
}

/* The virtual host of candidate ci: hosts hold consecutive candidate
 * ranges in id order (an empty one starts where the next begins). */
static inline uint32_t ig_cand_vhost_of(const ingroute_router *r, uint32_t ci)
{
	uint32_t lo = 0, hi = r->nvhosts;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (r->vhosts[mid].first_cand <= ci)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* Candidate ci: large hosts keep a record; a small host's rule lives only
 * in its region entry, and is rebuilt in *tmp. Not for the lookup path,
 * which knows its host. */
static inline const ig_cand *ig_cand_get(const ingroute_router *r, uint32_t ci,
                                         ig_cand *tmp)
{
	uint32_t vh = ig_cand_vhost_of(r, ci);
	const ig_vhost *v = &r->vhosts[vh];
	const ig_sentry *e;

	if (!v->small)
		return &r->cands[v->cand_base + (ci - v->first_cand)];
	e = ig_region_rules(r, v->region) + (ci - v->first_cand);
	tmp->path = e->path;
	tmp->path_len = e->path_len;
	tmp->backend = IG_NONE;
	tmp->vt = vh << 8 | (uint32_t)IG_SENTRY_TYPE(e) << 2 | e->match;
	return tmp;
}

/* The backend of candidate ci: its record, or one rebuilt in *tmp from a
 * small host's region entry. */
static inline const ig_rbackend *ig_cand_backend(const ingroute_router *r,
                                                 uint32_t ci, ig_rbackend *tmp)
{
	uint32_t vh = ig_cand_vhost_of(r, ci);
	const ig_vhost *v = &r->vhosts[vh];
	const ig_sentry *e;

	if (!v->small)
		return &r->backends[r->cands[v->cand_base + (ci - v->first_cand)].backend];
	e = ig_region_rules(r, v->region) + (ci - v->first_cand);
	tmp->ns = e->ns;
	tmp->ing_name = e->ing_name;
	tmp->port_number = 0;
	tmp->service = tmp->port_name = tmp->api_group = tmp->kind = tmp->name = IG_NONE;
	if (e->type & IG_SENTRY_RESOURCE) {
		tmp->kind = e->be.res.kind;
		tmp->name = e->be.res.name;
		tmp->api_group = e->be.res.api_group;
	} else {
		tmp->service = e->be.svc.name;
		tmp->port_name = e->be.svc.port_name;
		tmp->port_number = e->be.svc.port_number;
	}
	return tmp;
}

/* normalize.c: both write at most IG_MAX_HOST / IG_MAX_PATH bytes. */
enum ig_host_class {
	IG_HOST_NAME = 0,     /* may match rule hosts */
	IG_HOST_NONE = 1      /* empty, an IP literal, or not a DNS name */
};
int ingroute__normalize_host(const char *in, size_t n, char *out, size_t *out_len);
/* 1 when normalize_host() would give the host back unchanged; the
 * scalar form is the vector one's reference in the tests. */
int ingroute__host_is_normal(const char *h, size_t n);
int ingroute__host_is_normal_scalar(const char *h, size_t n);
/* The same, and where the host's first '.' is (n: none) when normal. */
int ingroute__host_is_normal_dot(const char *h, size_t n, size_t *dot);
/* The same for a path (normal.h holds the inline forms a lookup uses). */
int ingroute__path_is_normal(const char *p, size_t n);
int ingroute__path_is_normal_scalar(const char *p, size_t n);
/* Sets *res to in itself when the path is already normal, else to out. */
int ingroute__normalize_path(const char *in, size_t n, char *out,
                             const char **res, size_t *out_len);

/* match.c: the lookup, shared by match and explain. */

/* One virtual host the lookup looked for (docs/semantics.md §5). */
typedef struct ig_probe {
	uint8_t kind;         /* IG_VH_EXACT, IG_VH_WILDCARD or IG_VH_ANY */
	uint32_t vhost;       /* IG_NONE: no such virtual host */
	const char *name;     /* exact: the host; wildcard: the suffix after
	                       * "*." (in the request's host); any: "" */
	size_t name_len;
} ig_probe;

/* ig_lookup.flags */
#define IG_LOOKUP_PROBE_ALL 1u  /* look for every virtual host, also those
                                 * past the one that ends the search, so
                                 * that explain can say which exist */
/* ig_lookup.how */
#define IG_LOOKUP_HOST_NAME 1   /* the host may match rule hosts */
#define IG_LOOKUP_PATH_OK 2     /* the path was short enough to match */

/* One lookup: the request in, the answer out, and the record of how it
 * was found, so that explain reads what the lookup did instead of doing
 * it again. Lives on the caller's stack; the caller sets the inputs,
 * ingroute__lookup() the rest. (ingroute_router_match() runs the same
 * steps without writing the record, which it does not read.) */
typedef struct ig_lookup {
	/* in */
	const char *host;     /* the Host header; "" for none */
	size_t host_len;
	const char *path;
	size_t path_len;
	unsigned int flags;   /* IG_LOOKUP_* */
	ingroute_match *m;    /* the answer: m->size set, the rest filled */

	/* out: the request as the tables are keyed */
	int how;              /* IG_LOOKUP_HOST_NAME | IG_LOOKUP_PATH_OK */
	const char *nhost;    /* into hostbuf, or the input as given */
	size_t nhost_len;
	const char *npath;    /* into pathbuf, or the input as given */
	size_t npath_len;     /* 0 unless IG_LOOKUP_PATH_OK */
	/* the virtual hosts looked for, in order, existing or not */
	ig_probe probes[3];
	uint32_t nprobes;
	/* the existing ones the search consults, in order: only the first
	 * without fall-through; its region when the host table gave one */
	uint32_t order[3];
	uint32_t region[3];
	uint32_t norder;
	uint32_t vhost;       /* the one that decided: where the path matched,
	                       * else order[0]; IG_NONE for none */
	uint32_t rank;        /* decision PATH: the rule's place among its
	                       * virtual host's, from first_cand; else IG_NONE */
	uint32_t backend;     /* decision DEFAULT: its backend record, else
	                       * IG_NONE */

	char hostbuf[IG_MAX_HOST + 1];
	char pathbuf[IG_MAX_PATH + 2];
} ig_lookup;

void ingroute__lookup(const ingroute_router *r, ig_lookup *lk);

#endif
