/*
 * The Gateway API's part of a compiled router: each Gateway listener
 * with the HTTPRoute rules attached to it, grouped by the hostname they
 * answer for and ordered by the specification's precedence
 * (docs/semantics.md §10.4). Built by compile-gateway.c, walked by
 * route.c. Everything lives in one arena owned by the router, strings
 * included, so results point into it.
 */
#ifndef INGROUTE_GATEWAY_H
#define INGROUTE_GATEWAY_H

#include "model.h"

/* A compiled RegularExpression (PCRE2; regex.c). */
typedef struct ig_regex ig_regex;

/* A header or query parameter match: name (lowercased for a header),
 * value. */
typedef struct ig_gvalue {
	uint8_t type;            /* enum ig_match_type */
	const char *name;
	uint32_t name_len;
	const char *value;
	uint32_t value_len;
	const ig_regex *re;      /* type IG_MT_REGEX */
} ig_gvalue;

typedef struct ig_gmatch {
	uint8_t path_type;       /* enum ig_match_type */
	const char *path;
	uint32_t path_len;
	const ig_regex *path_re; /* path_type IG_MT_REGEX */
	const char *method;      /* NULL: any */
	uint32_t method_len;
	const ig_gvalue *headers;
	uint32_t nheaders;
	const ig_gvalue *query;
	uint32_t nquery;
} ig_gmatch;

typedef struct ig_gbackend {
	const char *ns;
	const char *name;
	const char *group;       /* "" for the core group */
	const char *kind;
	int32_t port;
	uint32_t weight;
	/* 1 when the reference resolves (docs/semantics.md §10.3): a
	 * Service that exists (when the ruleset holds Services), in the
	 * route's namespace or granted by a ReferenceGrant */
	uint8_t resolved;
	const ingroute_filter *filters;
	uint32_t nfilters;
} ig_gbackend;

/* What a lookup reads of a rule comes first, within 64 bytes. */
typedef struct ig_grule {
	const char *route_ns;
	const char *route_name;
	const char *rule_name;   /* NULL when the rule has none */
	const ingroute_filter *redirect; /* its RequestRedirect, if any */
	const ig_gbackend *backends;
	uint64_t total_weight;
	uint32_t index;          /* in the route's spec.rules */
	uint32_t nfilters;
	uint32_t nbackends;
	const ingroute_filter *filters;
	const char *file;
	uint32_t line, col;      /* the rule */
	int64_t ts;              /* the route's creationTimestamp */
	int32_t ts_nsec;
} ig_grule;

/* One match of one rule, as a candidate of a virtual host; its path
 * beside it, so that most candidates are refused without reading the
 * match. */
typedef struct ig_gentry {
	uint64_t head;           /* the path's first 8 bytes, zero-padded */
	uint64_t head_mask;      /* of the bytes a request must share */
	const char *path;        /* match->path */
	uint32_t path_len;
	uint8_t path_type;       /* enum ig_match_type */
	uint8_t path_only;       /* no method, header or query match */
	uint32_t match_index;
	const ig_grule *rule;
	const ig_gmatch *match;
} ig_gentry;

/* A candidate's path head and mask (ig_gentry's), in an array of their
 * own: a lookup refuses most candidates reading 16 bytes each. */
typedef struct ig_gkey {
	uint64_t head;
	uint64_t mask;
} ig_gkey;

/* The rules a listener serves for one hostname ("" with any set: the
 * rules for every host), in precedence order. */
typedef struct ig_gvhost {
	const char *host;        /* "*.example.com" for a wildcard */
	uint32_t host_len;
	uint8_t wildcard;
	uint8_t any;
	const ig_gentry *entries;
	uint32_t nentries;
	const ig_gkey *keys;     /* entries[i]'s in keys[i] */
} ig_gvhost;

/* A listener's hostname table: open addressing on a seeded hash of an
 * exact host, or of a wildcard's suffix (".example.com", seed + 1). */
typedef struct ig_gvh_slot {
	uint64_t hash;
	const struct ig_gvhost *vh; /* its region's copy; NULL: empty */
} ig_gvh_slot;

typedef struct ig_glistener {
	const char *gw_ns;
	const char *gw_name;
	const char *name;
	const char *hostname;    /* NULL: every host; "*." kept */
	uint32_t hostname_len;
	int32_t port;
	const ig_gvhost *vhosts; /* exact hosts, wildcards by length, any */
	uint32_t nvhosts;
	const ig_gvh_slot *slots;
	uint32_t mask;           /* slots - 1 */
	uint32_t any;            /* the any-host vhost's index + 1, or 0 */
	uint64_t seed;
} ig_glistener;

/* The vhost of an exact host (wildcard 0) or of a wildcard's suffix
 * ".example.com" (wildcard 1), or NULL. */
const ig_gvhost *ingroute__gw_vhost_find(const ig_glistener *l, const char *s,
                                         size_t n, int wildcard);

/* A Gateway that serves nothing here, and why, for explain. */
typedef struct ig_gunserved {
	const char *gw_ns;
	const char *gw_name;
	const char *why;         /* "its GatewayClass \"x\" does not exist" */
} ig_gunserved;

typedef struct ig_gwtab {
	ig_arena arena;
	struct ig_regexes *regexes;  /* every compiled regex, to free */
	const ig_glistener *listeners;
	uint32_t nlisteners;
	size_t routes;           /* HTTPRoutes attached somewhere */
	size_t entries;
	const ig_gunserved *unserved;
	uint32_t nunserved;
} ig_gwtab;

struct ig_ruleset_view;

/* Builds the table from a ruleset's Gateway API objects, with its
 * memory from a (the router's allocator); *out stays NULL when there are
 * none. Reports attachment and reference problems into dc. Returns 0 or
 * INGROUTE_ENOMEM. */
int ingroute__compile_gateway(const struct ig_ruleset_view *v,
                              const ig_alloc *a, const ig_diag_ctx *dc,
                              ig_gwtab **out);
void ingroute__gwtab_free(ig_gwtab *t);

/* ---- a lookup's pieces (route.c), shared with explain-gateway.c */

/* One request, normalised, as the Gateway API's matches read it. */
typedef struct ig_greq {
	const ingroute_request *req;
	const char *host;          /* normalised; "" for none */
	size_t host_len;
	const char *path;          /* normalised, without the query */
	size_t path_len;
	int path_ok;               /* 0: too long to match any path */
	uint64_t head;             /* the path's first 8 bytes, zero-padded */
	const char *query;         /* after '?', or NULL */
	size_t query_len;
} ig_greq;

/* Fills q for req (flags: the router's), normalising, when it must, into
 * host (IG_GHOST_BUF bytes) and path (IG_GPATH_BUF bytes). */
#define IG_GHOST_BUF (253 + 1)
#define IG_GPATH_BUF (8192 + 2)
void ingroute__greq_init(ig_greq *q, const ingroute_request *req,
                         unsigned int flags, char *host, char *path);
/* How well a listener's hostname covers the request's host: 0 not at
 * all, higher is more specific. */
size_t ingroute__gw_listener_score(const ig_glistener *l, const ig_greq *q);
/* The listener the request arrived at, or NULL. */
const ig_glistener *ingroute__gw_listener(const ig_gwtab *t,
                                          const ig_greq *q);
/* 1 when a virtual host serves the request's host. */
int ingroute__gw_vhost_covers(const ig_gvhost *vh, const ig_greq *q);
/* NULL when the entry matches the request (*covered: the bytes of the
 * path a PathPrefix covered), else what differs: "path", "method",
 * "header" or "query parameter", with *name the header's or
 * parameter's. */
const char *ingroute__gw_entry_verdict(const ig_gentry *e, const ig_greq *q,
                                       size_t *covered, const char **name);

/* The "gatewayListeners" member of ingroute_router_dump()'s JSON, with
 * its leading comma (explain-gateway.c). */
void ingroute__gw_dump(const ig_gwtab *t, ig_buf *b);

/* ingroute_router_explain_request()'s JSON for a request through a
 * Gateway, answer being the lookup's own (explain-gateway.c). */
void ingroute__gw_explain(const ig_gwtab *t, unsigned int flags,
                          const ingroute_request *req,
                          const ingroute_route *answer, ig_buf *b);

/* ---- regular expressions (regex.c): PCRE2, matched whole */

typedef struct ig_regexes ig_regexes;

/* Compiles pattern (n bytes) into set (created on first use, its memory
 * from a). Returns the regex, or NULL with *error set to PCRE2's message
 * and *offset to where it stopped; NULL with *error NULL when memory ran
 * out. */
const ig_regex *ingroute__regex_compile(ig_regexes **set, const ig_alloc *a,
                                        const char *pattern, size_t n,
                                        char *error, size_t error_cap,
                                        size_t *offset);
/* 1 when re matches all of s; 0 otherwise, also when the match gives up
 * (its step limit, its stack budget). Allocates nothing. */
int ingroute__regex_match(const ig_regex *re, const char *s, size_t n);
void ingroute__regexes_free(ig_regexes *set);

#endif /* INGROUTE_GATEWAY_H */
