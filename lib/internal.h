/*
 * Internal declarations shared by the library's translation units.
 * Non-static symbols carry the ingroute__ prefix and are hidden by the
 * version script; nothing here is ABI.
 */
#ifndef INGROUTE_INTERNAL_H
#define INGROUTE_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#include "ingroute.h"

#include <stdlib.h>

#define IG_UNUSED(x) ((void)(x))
#define IG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define IG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define IG_LIKELY(x) __builtin_expect(!!(x), 1)
#define IG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define IG_PRINTF(f, a)
#define IG_LIKELY(x) (x)
#define IG_UNLIKELY(x) (x)
#endif

/* qsort, which must not be handed a NULL array even to sort nothing. */
static inline void ig_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* ---------------------------------------------------------------- alloc.c */

/* The allocator every object carries: a copy of the caller's or libc's. */
typedef ingroute_allocator ig_alloc;

extern const ig_alloc ingroute__default_alloc;

void *ingroute__malloc(const ig_alloc *a, size_t n);
void *ingroute__calloc(const ig_alloc *a, size_t count, size_t n);
void *ingroute__realloc(const ig_alloc *a, void *p, size_t n);
void ingroute__free(const ig_alloc *a, void *p);
/* Grows *items (of elem bytes each) to hold at least need; amortised. */
int ingroute__grow(const ig_alloc *a, void **items, size_t *cap, size_t need,
                   size_t elem);

/* ---------------------------------------------------------------- arena.c */

/* A bump allocator: many small objects, freed together. */
typedef struct ig_arena_chunk ig_arena_chunk;
typedef struct ig_arena {
	const ig_alloc *alloc;
	ig_arena_chunk *head;
	char *cur;
	char *end;
	size_t total;  /* bytes obtained from the allocator */
} ig_arena;

void ingroute__arena_init(ig_arena *ar, const ig_alloc *a);
void ingroute__arena_free(ig_arena *ar);
/* Forgets every allocation but keeps one chunk for reuse. */
void ingroute__arena_reset(ig_arena *ar);
void *ingroute__arena_alloc(ig_arena *ar, size_t n);  /* 8-byte aligned */
void *ingroute__arena_zalloc(ig_arena *ar, size_t n);
/* Copies n bytes and a NUL; NULL on OOM. */
char *ingroute__arena_strndup(ig_arena *ar, const char *s, size_t n);

/* ------------------------------------------------------------------ buf.c */

/* A growable byte string; on OOM it sets failed and ignores more input. */
typedef struct ig_buf {
	const ig_alloc *alloc;
	char *data;
	size_t len;
	size_t cap;
	int failed;
} ig_buf;

void ingroute__buf_init(ig_buf *b, const ig_alloc *a);
void ingroute__buf_free(ig_buf *b);
void ingroute__buf_put(ig_buf *b, const char *s, size_t n);
void ingroute__buf_puts(ig_buf *b, const char *s);
void ingroute__buf_printf(ig_buf *b, const char *fmt, ...) IG_PRINTF(2, 3);
void ingroute__buf_vprintf(ig_buf *b, const char *fmt, va_list ap);
/* Appends s as Go's %q would: "..." with escapes for quotes, backslashes,
 * control bytes and invalid UTF-8. */
void ingroute__buf_quote(ig_buf *b, const char *s, size_t n);
/* Appends s as a JSON string (invalid UTF-8 becomes U+FFFD); the _cstr
 * form writes null for NULL. */
void ingroute__buf_json(ig_buf *b, const char *s, size_t n);
void ingroute__buf_json_cstr(ig_buf *b, const char *s);
/* NUL-terminated contents, or NULL if anything failed. */
const char *ingroute__buf_cstr(ig_buf *b);

/* ----------------------------------------------------------------- diag.c */

typedef struct ig_pos {
	uint32_t line;  /* 1-based; 0 unknown */
	uint32_t col;
} ig_pos;

/* Where a diagnostic is about, gathered by the stage reporting it. */
typedef struct ig_diag_ctx {
	ingroute_diags *diags;   /* may be NULL: reports are only counted */
	const char *file;
	const char *kind;
	const char *ns;
	const char *name;
	size_t max;              /* diagnostics kept by this call */
	size_t kept;             /* kept by this call so far */
	size_t errors;           /* errors reported by this call */
	int oom;                 /* a report could not be stored */
} ig_diag_ctx;

/* Appends a diagnostic. field may be NULL. Never fails: on OOM or past
 * max the diagnostic is only counted. */
void ingroute__diag(ig_diag_ctx *dc, int severity, int code, ig_pos pos,
                    const char *field, const char *fmt, ...) IG_PRINTF(6, 7);
void ingroute__vdiag(ig_diag_ctx *dc, int severity, int code, ig_pos pos,
                     const char *field, const char *fmt, va_list ap);

/* ------------------------------------------------------------------ doc.c */

/* A YAML document as a tree, every node with its position. Collections
 * keep children in a flat array; a mapping stores key, value, key, ... */
enum ig_node_type { IG_SCALAR = 1, IG_SEQ = 2, IG_MAP = 3 };

/* How a scalar resolves under YAML 1.1 plain-scalar rules. */
enum ig_scalar_kind {
	IG_S_STR = 0,   /* quoted, block, tagged !!str, or a plain string */
	IG_S_NULL,
	IG_S_BOOL,
	IG_S_INT,
	IG_S_FLOAT
};

typedef struct ig_node ig_node;
struct ig_node {
	uint8_t type;        /* enum ig_node_type */
	uint8_t skind;       /* enum ig_scalar_kind, for scalars */
	uint8_t quoted;      /* scalar written with quotes or as a block */
	ig_pos pos;
	uint32_t n;          /* scalar: bytes; seq: items; map: 2 * pairs */
	uint32_t weight;     /* nodes in this subtree, aliases expanded */
	uint64_t bytes;      /* its scalar bytes and bookkeeping, likewise */
	union {
		const char *str;     /* NUL-terminated, may also hold NULs */
		ig_node **kids;
	} u;
	ig_node *dup;        /* map: the second occurrence of a repeated key */
};

typedef struct ig_limits {
	size_t input_bytes;
	size_t depth;
	size_t nodes;
	size_t alias_nodes;
	size_t alias_bytes;
	size_t scalar_bytes;
} ig_limits;

/* Parses one buffer into documents. Each callback gets a document root
 * (NULL for an empty document) whose memory lives until it returns.
 * Returns 0, INGROUTE_ESYNTAX, INGROUTE_ELIMIT or INGROUTE_ENOMEM (with a
 * diagnostic), or the callback's non-zero return. */
typedef int (*ig_doc_fn)(void *ctx, const ig_node *root);
int ingroute__doc_parse(const ig_alloc *a, const ig_limits *lim,
                        const char *data, size_t len, ig_diag_ctx *dc,
                        ig_doc_fn fn, void *ctx);

/* Integers as go-yaml v2 reads them (see doc.c); 0, 1 (fits only
 * unsigned 64 bits) or -1. */
int ingroute__parse_int(const char *s, size_t n, int64_t *out);

/* Looks a key up in a mapping node; NULL if absent or not a mapping.
 * ingroute__map_get takes a string literal. */
const ig_node *ingroute__map_getn(const ig_node *map, const char *key,
                                  size_t len);
#define ingroute__map_get(map, lit) \
	ingroute__map_getn((map), (lit), sizeof(lit) - 1)
/* 1 when a scalar node equals s exactly. */
int ingroute__scalar_is(const ig_node *n, const char *s);

/* ---------------------------------------------------------------- model */

enum ig_path_type {
	IG_PT_NONE = 0,     /* pathType absent */
	IG_PT_EXACT = 1,
	IG_PT_PREFIX = 2,
	IG_PT_IMPL = 3,
	IG_PT_OTHER = 4     /* present but not one of the three */
};

/* A string field as read: s == NULL when absent (or null). */
typedef struct ig_str {
	const char *s;
	uint32_t len;
	ig_pos pos;
} ig_str;

typedef struct ig_backend {
	ig_pos pos;
	uint8_t has_service;
	uint8_t has_resource;
	uint8_t has_port;
	ig_pos service_pos;
	ig_pos port_pos;
	ig_str service;
	ig_str port_name;
	int32_t port_number;   /* 0: absent */
	ig_pos port_number_pos;
	ig_pos resource_pos;
	ig_str api_group;
	ig_str kind;
	ig_str res_name;
} ig_backend;

typedef struct ig_path {
	ig_pos pos;            /* the paths[i] mapping */
	ig_str path;
	ig_str path_type_str;
	uint8_t path_type;     /* enum ig_path_type */
	ig_backend backend;
} ig_path;

typedef struct ig_rule {
	ig_pos pos;
	ig_str host;
	uint8_t has_http;
	ig_pos http_pos;
	ig_pos paths_pos;      /* http.paths when present, else http */
	ig_path *paths;
	uint32_t npaths;
} ig_rule;

typedef struct ig_tls {
	ig_pos pos;
	ig_str *hosts;
	uint32_t nhosts;
	ig_pos hosts_pos;
	ig_str secret;
} ig_tls;

typedef struct ig_kv {
	ig_str key;
	ig_str value;
} ig_kv;

enum ig_obj_kind { IG_OBJ_INGRESS = 1, IG_OBJ_CLASS = 2 };

/* An Ingress or an IngressClass, with everything it owns in its arena. */
typedef struct ig_object {
	ig_arena arena;
	uint8_t kind;          /* enum ig_obj_kind */
	const char *file;      /* in arena; NULL for an unnamed buffer */
	ig_pos pos;            /* the object mapping */
	ig_pos meta_pos;
	ig_str ns;
	ig_str name;
	ig_kv *annotations;
	uint32_t nannotations;
	ig_pos annotations_pos;
	ig_kv *labels;
	uint32_t nlabels;
	ig_pos labels_pos;
	uint8_t has_ts;
	int64_t ts;            /* creationTimestamp: seconds since the epoch */
	int32_t ts_nsec;       /* and nanoseconds */
	uint64_t seq;          /* arrival order in the ruleset */

	/* Ingress */
	ig_pos spec_pos;
	ig_str class_name;     /* spec.ingressClassName */
	ig_backend *default_backend;
	ig_rule *rules;
	uint32_t nrules;
	ig_tls *tls;
	uint32_t ntls;

	/* IngressClass */
	ig_str controller;
	uint8_t is_default;
} ig_object;

void ingroute__object_free(ig_object *o);
/* The value of an annotation, or NULL. */
const ig_str *ingroute__object_annotation(const ig_object *o, const char *key);

/* --------------------------------------------------------------- decode.c */

typedef struct ig_decode_opts {
	const ig_alloc *alloc;
	const char *file;
	const char *default_ns;
} ig_decode_opts;

/* Called for each decoded object. valid is 0 when decoding or validation
 * found an error (the object is then dropped by the caller). The callee
 * takes ownership of obj. Returns 0 or a negative status. */
typedef int (*ig_object_fn)(void *ctx, ig_object *obj, int valid);

/* Decodes one document root into objects, reporting into dc. Returns 0 or
 * INGROUTE_ENOMEM, or the callback's status. */
int ingroute__decode_document(const ig_decode_opts *o, const ig_node *root,
                              ig_diag_ctx *dc, ig_object_fn fn, void *ctx);

/* ------------------------------------------------------------- validate.c */

/* Reports the API server's validation errors of a decoded object into dc
 * and returns how many errors it found. */
size_t ingroute__validate_object(const ig_object *obj, ig_diag_ctx *dc);

/* 1 when s is a DNS-1123 subdomain / a "*."-wildcard one (API rules). */
int ingroute__is_dns1123_subdomain(const char *s, size_t n);
int ingroute__is_wildcard_subdomain(const char *s, size_t n);

/* -------------------------------------------------------------- ruleset.c */

/* What compiling needs to see of a ruleset. */
typedef struct ig_ruleset_view {
	const ig_alloc *alloc;
	unsigned int flags;
	int impl_specific;
	const char *default_backend;   /* "NS/SERVICE:PORT" or NULL */
	size_t max_diagnostics;
	ig_object *const *items;       /* Ingresses, arrival order */
	size_t n;
} ig_ruleset_view;

void ingroute__ruleset_view(const ingroute_ruleset *rs, ig_ruleset_view *v);
/* 1 when the Ingress is served under the class rules of DESIGN 4.3. */
int ingroute__ruleset_serves(const ingroute_ruleset *rs, const ig_object *o);

/* ----------------------------------------------------------------- hash.c */

uint64_t ingroute__hash(const void *data, size_t len, uint64_t seed);
/* A fresh random seed (getrandom, else time and addresses). */
uint64_t ingroute__random_seed(const void *salt);
/* One random seed for the life of the process, for keyed indexes. */
uint64_t ingroute__process_seed(void);

/* ----------------------------------------------------------------- time.c */

/* Parses an RFC 3339 time (years 0001 to 9999, as Go's time package
 * takes) into seconds and nanoseconds since the epoch; -1 when malformed. */
int ingroute__parse_rfc3339(const char *s, size_t n, int64_t *sec,
                            int32_t *nsec);

/* Orders two timestamps: <0, 0, >0. */
static inline int ig_ts_cmp(int64_t as, int32_t an, int64_t bs, int32_t bn)
{
	if (as != bs)
		return as < bs ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

#endif /* INGROUTE_INTERNAL_H */
