/*
 * The document side: YAML or JSON text as a tree of nodes with their
 * positions. doc.c (the only file that includes yaml.h) builds it and
 * decode.c reads it; nothing after decoding sees these types.
 */
#ifndef INGROUTE_DOC_H
#define INGROUTE_DOC_H

#include "internal.h"

/* A YAML document as a tree, every node with its position. Collections
 * keep children in a flat array; a mapping stores key, value, key, ... */
enum ig_node_type {
	IG_SCALAR = 1,
	IG_SEQ = 2,
	IG_MAP = 3,
	/* An item of the root's "items" that the item hook took: its tree
	 * is gone, n counts the items taken before it in the document. */
	IG_TAKEN = 4
};

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

/* What a parse hands out. document gets each document's root (NULL for
 * an empty document), whose memory lives until it returns. item, if set,
 * gets each mapping in the "items" sequence of a root mapping as soon as
 * the mapping ends (only the first "items" key, and not a mapping that
 * defines an anchor, which later nodes could alias): it returns 1 to take
 * it, and the item's tree is then freed and an IG_TAKEN node stands in
 * for it, so that a List is never whole in memory; or 0 to leave it in
 * the tree. Either returns 0 or a negative status, which ends the parse. */
typedef struct ig_doc_hooks {
	int (*document)(void *ctx, const ig_node *root);
	int (*item)(void *ctx, const ig_node *item);
	void *ctx;
} ig_doc_hooks;

/* Parses one buffer into documents. Returns 0, INGROUTE_ESYNTAX,
 * INGROUTE_ELIMIT or INGROUTE_ENOMEM (with a diagnostic), or a hook's
 * negative return. */
int ingroute__doc_parse(const ig_alloc *a, const ig_limits *lim,
                        const char *data, size_t len, const ig_diag_ctx *dc,
                        const ig_doc_hooks *hooks);

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

#endif /* INGROUTE_DOC_H */
