/*
 * YAML (and JSON, a subset libyaml reads) into document trees. This is the
 * only file that sees libyaml. Everything read from the input is bounded
 * here, before any other stage touches it: bytes, nesting depth, nodes per
 * document, nodes reached through aliases (the "billion laughs" guard), and
 * scalar length.
 *
 * The tree is built from events with one shared stack of pending children,
 * so a document costs one arena and one growing array, whatever its shape.
 * An alias points at its anchor's finished node (sharing, not copying); an
 * anchor is registered only once its node is complete, so a node can never
 * contain itself.
 *
 * A List (`kubectl get -o yaml` of a whole cluster is one document of
 * hundreds of megabytes) is not held whole: each item of the root's
 * "items" is offered to the item hook as it ends, and one taken is
 * released from the arena at once. The node limit therefore bounds the
 * nodes held at a time, an item being one node once taken.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "doc.h"

typedef struct anchor {
	const char *name;
	size_t len;
	ig_node *node;
} anchor;

typedef struct frame {
	ig_node *node;
	size_t first;        /* index of its first child in pending */
	const char *anchor;  /* registered when the node ends */
} frame;

typedef struct builder {
	const ig_alloc *alloc;
	const ig_limits *lim;
	const ig_diag_ctx *dc;
	const char *data;
	size_t len;
	ig_arena arena;
	ig_node **pending;
	size_t npending, cap_pending;
	frame *stack;
	size_t depth, cap_stack;
	anchor *anchors;     /* open addressing, power-of-two size */
	size_t nanchors, cap_anchors;
	size_t nodes;
	size_t alias_nodes;
	uint64_t alias_bytes;
	ig_node *root;
	const ig_doc_hooks *hooks;
	size_t anchors_set;     /* anchor registrations in this document */
	int items;              /* root's "items": 0 not yet, 1 inside, 2 past */
	uint32_t taken;         /* items taken in this document */
	ig_arena_mark item_mark;   /* the arena as the current item began */
	size_t item_nodes;      /* nodes, likewise */
	size_t item_anchors;    /* anchors_set, likewise */
	size_t line0, col0;     /* where data starts in the caller's buffer */
} builder;

/* A libyaml mark as a position in the whole buffer: a JSON stream is
 * parsed one value at a time, from (line0, col0) on. */
static ig_pos mark_pos(const builder *b, yaml_mark_t m)
{
	size_t line = m.line + b->line0 + 1;
	size_t col = m.column + (m.line == 0 ? b->col0 : 0) + 1;
	ig_pos p;

	p.line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	p.col = col > UINT32_MAX ? UINT32_MAX : (uint32_t)col;
	return p;
}

/* libyaml's reader errors carry a byte offset, not a mark. */
static ig_pos offset_pos(const builder *b, size_t off)
{
	const char *data = b->data;
	size_t len = b->len, i;
	ig_pos p;

	p.line = (uint32_t)(b->line0 + 1);
	p.col = (uint32_t)(b->col0 + 1);

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (data[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

/* Memory a node stands for when an alias repeats it: its bytes plus a
 * node's worth of bookkeeping each. */
#define NODE_COST 48u

static int limit(builder *b, ig_pos pos, const char *what, size_t max)
{
	ingroute__diag(b->dc, INGROUTE_ERROR, INGROUTE_D_LIMIT, pos, NULL,
	               "input exceeds the limit of %zu %s", max, what);
	return INGROUTE_ELIMIT;
}

/* ---- YAML 1.1 resolution of plain scalars, as Kubernetes' YAML reader
 * (go-yaml v2 through sigs.k8s.io/yaml) applies it. */

static int in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++) {
		const char *w = *list;
		size_t i;

		/* Byte by byte, never past w's NUL: most words differ at
		 * their first byte, where a strlen of each cost more. */
		for (i = 0; i < n && w[i] && w[i] == s[i]; i++)
			;
		if (i == n && w[i] == '\0')
			return 1;
	}
	return 0;
}

/* strconv.ParseInt(s, 0, 64) as go-yaml v2 calls it, after it has removed
 * every '_': a sign, then 0x/0o/0b or a leading 0 (octal) or decimal.
 * Returns 0, 1 when the value only fits an unsigned 64-bit integer, or -1
 * when s is no integer. */
int ingroute__parse_int(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0, max;
	size_t i = 0, start;
	int neg = 0, base = 10;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i + 1 < n && s[i] == '0') {
		char p = s[i + 1];

		if (p == 'x' || p == 'X')
			base = 16, i += 2;
		else if (p == 'o' || p == 'O')
			base = 8, i += 2;
		else if (p == 'b' || p == 'B')
			base = 2, i += 2;
		else
			base = 8, i += 1;
	}
	start = i;
	for (; i < n; i++) {
		int c = (unsigned char)s[i], d;

		d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
		if (d >= base)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (i == start && !(base == 8 && start > 0 && s[start - 1] == '0'))
		return -1;   /* no digits ("0x"), except a lone "0" */
	max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (v > max) {
		if (neg)
			return -1;
		*out = INT64_MAX;
		return 1;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* go-yaml v2's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	} else {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
		if (digits && i < n && s[i] == '.')
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
	}
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (e = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == e)
			return 0;
	}
	return i == n;
}

/* Copies s without '_' into buf (cap bytes); returns the length, or cap
 * when it does not fit. */
static size_t strip_underscores(const char *s, size_t n, char *buf, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (k == cap)
			return cap;
		buf[k++] = s[i];
	}
	return k;
}

static int resolve_plain(const char *s, size_t n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF", NULL };
	static const char *const floats[] = {
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
		"-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL };
	char buf[400];
	size_t k;
	int64_t v;

	/* Every null, bool and special float spelling is at most 6 bytes and
	 * starts with one of these; most scalars are out after one test. */
	if (n == 0)
		return IG_S_NULL;
	if (n <= 6 && strchr("~nNyYtTfFoO.+-", s[0])) {
		if (in_list(s, n, nulls))
			return IG_S_NULL;
		if (in_list(s, n, bools))
			return IG_S_BOOL;
		if (in_list(s, n, floats))
			return IG_S_FLOAT;
	}
	/* Only scalars starting with a digit, a sign or '.' may be numbers;
	 * past a few hundred digits go-yaml's float parsing overflows and
	 * they stay strings. */
	if (n == 0 || !((s[0] >= '0' && s[0] <= '9') || s[0] == '-' ||
	                s[0] == '+' || s[0] == '.'))
		return IG_S_STR;
	k = strip_underscores(s, n, buf, sizeof(buf));
	if (k == sizeof(buf))
		return IG_S_STR;
	if (ingroute__parse_int(buf, k, &v) >= 0)
		return IG_S_INT;
	return is_float(buf, k) ? IG_S_FLOAT : IG_S_STR;
}

static int resolve_tag(const char *tag)
{
	static const struct { const char *tag; int kind; } tags[] = {
		{ YAML_STR_TAG, IG_S_STR }, { YAML_NULL_TAG, IG_S_NULL },
		{ YAML_BOOL_TAG, IG_S_BOOL }, { YAML_INT_TAG, IG_S_INT },
		{ YAML_FLOAT_TAG, IG_S_FLOAT },
	};
	size_t i;

	for (i = 0; i < IG_ARRAY_LEN(tags); i++)
		if (strcmp(tag, tags[i].tag) == 0)
			return tags[i].kind;
	return -1;
}

/* ---- anchors */

static size_t anchor_slot(const builder *b, const char *name, size_t len)
{
	size_t mask = b->cap_anchors - 1;
	size_t i = (size_t)ingroute__hash(name, len, ingroute__process_seed()) & mask;

	while (b->anchors[i].name &&
	       (b->anchors[i].len != len || memcmp(b->anchors[i].name, name, len)))
		i = (i + 1) & mask;
	return i;
}

static int anchor_set(builder *b, const char *name, ig_node *node)
{
	size_t len = strlen(name), i;

	if ((b->nanchors + 1) * 2 > b->cap_anchors) {
		size_t ncap = b->cap_anchors ? b->cap_anchors * 2 : 16, j;
		anchor *old = b->anchors, *na;
		size_t ocap = b->cap_anchors;

		na = ingroute__calloc(b->alloc, ncap, sizeof(anchor));
		if (!na)
			return INGROUTE_ENOMEM;
		b->anchors = na;
		b->cap_anchors = ncap;
		for (j = 0; j < ocap; j++)
			if (old[j].name)
				b->anchors[anchor_slot(b, old[j].name, old[j].len)] = old[j];
		ingroute__free(b->alloc, old);
	}
	i = anchor_slot(b, name, len);
	if (!b->anchors[i].name) {
		b->anchors[i].name = ingroute__arena_strndup(&b->arena, name, len);
		if (!b->anchors[i].name)
			return INGROUTE_ENOMEM;
		b->anchors[i].len = len;
		b->nanchors++;
	}
	/* A redefined anchor refers to its latest node from here on. */
	b->anchors[i].node = node;
	b->anchors_set++;
	return 0;
}

static ig_node *anchor_get(const builder *b, const char *name)
{
	size_t i;

	if (!b->cap_anchors)
		return NULL;
	i = anchor_slot(b, name, strlen(name));
	return b->anchors[i].name ? b->anchors[i].node : NULL;
}

/* ---- tree building */

static int add_child(builder *b, ig_node *n)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	if (ingroute__grow(b->alloc, (void **)&b->pending, &b->cap_pending,
	                   b->npending + 1, sizeof(ig_node *)) < 0)
		return INGROUTE_ENOMEM;
	b->pending[b->npending++] = n;
	return 0;
}

static ig_node *new_node(builder *b, int type, yaml_mark_t m)
{
	ig_node *n;

	if (b->nodes >= b->lim->nodes) {
		limit(b, mark_pos(b, m), "nodes in a document", b->lim->nodes);
		return NULL;
	}
	n = ingroute__arena_zalloc(&b->arena, sizeof(*n));
	if (!n)
		return NULL;
	b->nodes++;
	n->type = (uint8_t)type;
	n->pos = mark_pos(b, m);
	n->weight = 1;
	n->bytes = NODE_COST;
	return n;
}

static int key_cmp(const void *x, const void *y)
{
	const ig_node *a = *(ig_node *const *)x, *c = *(ig_node *const *)y;
	size_t n = a->n < c->n ? a->n : c->n;
	int r = memcmp(a->u.str, c->u.str, n);

	if (r)
		return r;
	if (a->n != c->n)
		return a->n < c->n ? -1 : 1;
	/* Equal keys: earlier position first, so the later one is reported. */
	if (a->pos.line != c->pos.line)
		return a->pos.line < c->pos.line ? -1 : 1;
	return a->pos.col < c->pos.col ? -1 : (a->pos.col > c->pos.col);
}

static int same_key(const ig_node *a, const ig_node *c)
{
	return a->type == IG_SCALAR && c->type == IG_SCALAR && a->n == c->n &&
	       memcmp(a->u.str, c->u.str, a->n) == 0;
}

static int find_duplicate(builder *b, ig_node *map)
{
	size_t pairs = map->n / 2, i, j, nk = 0;
	ig_node **keys;

	if (pairs < 16) {
		for (i = 1; i < pairs; i++)
			for (j = 0; j < i; j++)
				if (same_key(map->u.kids[2 * i], map->u.kids[2 * j])) {
					map->dup = map->u.kids[2 * i];
					return 0;
				}
		return 0;
	}
	keys = ingroute__malloc(b->alloc, pairs * sizeof(*keys));
	if (!keys)
		return INGROUTE_ENOMEM;
	for (i = 0; i < pairs; i++)
		if (map->u.kids[2 * i]->type == IG_SCALAR)
			keys[nk++] = map->u.kids[2 * i];
	ig_sort(keys, nk, sizeof(*keys), key_cmp);
	for (i = 1; i < nk; i++)
		if (same_key(keys[i - 1], keys[i]) &&
		    (!map->dup || key_cmp(&keys[i], &map->dup) < 0))
			map->dup = keys[i];
	ingroute__free(b->alloc, keys);
	return 0;
}

static int is_merge_key(const ig_node *k)
{
	return k->type == IG_SCALAR && !k->quoted && k->n == 2 &&
	       k->u.str[0] == '<' && k->u.str[1] == '<';
}

/* The merged mapping being built: pairs in out[], with a hash set over
 * their scalar keys so each assignment costs one probe. */
typedef struct merged {
	ig_node **out;
	size_t n;          /* entries used in out (2 per pair) */
	uint32_t *set;     /* pair index + 1 */
	size_t mask;
	uint64_t hashed;   /* key bytes hashed so far, for the limit */
} merged;

/* go-yaml v2 assigns in document order: a later key, own or merged,
 * overwrites an earlier one. */
static void merge_set(merged *m, ig_node *k, ig_node *v)
{
	size_t i;

	if (k->type != IG_SCALAR) {
		m->out[m->n++] = k;
		m->out[m->n++] = v;
		return;
	}
	m->hashed += k->n;
	i = (size_t)ingroute__hash(k->u.str, k->n, ingroute__process_seed()) & m->mask;
	for (; m->set[i]; i = (i + 1) & m->mask) {
		ig_node **pair = &m->out[2 * (m->set[i] - 1)];

		if (pair[0] == k || (pair[0]->n == k->n &&
		                     memcmp(pair[0]->u.str, k->u.str, k->n) == 0)) {
			pair[1] = v;
			return;
		}
	}
	m->set[i] = (uint32_t)(m->n / 2 + 1);
	m->out[m->n++] = k;
	m->out[m->n++] = v;
}

/* YAML merge keys ("<<: *defaults"), which Kubernetes' YAML reader
 * (go-yaml v2) applies and libyaml leaves to its user: pairs are taken in
 * document order, a merge source's pairs where the "<<" stands, and a
 * list of sources from its last to its first. Returns 0 or a status. */
static int apply_merges(builder *b, frame *f)
{
	size_t first = f->first, count = b->npending - first, i, j, cap = count;
	const ig_node *bad = NULL;
	ig_node **kids;
	merged m;
	int merges = 0;

	for (i = first; i + 1 < b->npending; i += 2)
		if (is_merge_key(b->pending[i])) {
			const ig_node *v = b->pending[i + 1];

			merges = 1;
			if (v->type == IG_MAP)
				cap += v->n;
			else if (v->type == IG_SEQ)
				for (j = 0; j < v->n; j++)
					cap += v->u.kids[j]->type == IG_MAP ? v->u.kids[j]->n : 0;
		}
	if (!merges)
		return 0;
	kids = b->pending + first;
	memset(&m, 0, sizeof(m));
	for (m.mask = 16; m.mask < cap; m.mask *= 2)
		;
	m.out = ingroute__malloc(b->alloc, cap * sizeof(*m.out));
	m.set = ingroute__calloc(b->alloc, m.mask, sizeof(*m.set));
	m.mask--;
	if (!m.out || !m.set) {
		ingroute__free(b->alloc, m.out);
		ingroute__free(b->alloc, m.set);
		return INGROUTE_ENOMEM;
	}
	for (i = 0; i + 1 < count && !bad; i += 2) {
		ig_node *v = kids[i + 1];
		size_t s, nsrc;

		if (!is_merge_key(kids[i])) {
			merge_set(&m, kids[i], v);
			continue;
		}
		if (v->type == IG_MAP) {
			for (j = 0; j + 1 < v->n; j += 2)
				merge_set(&m, v->u.kids[j], v->u.kids[j + 1]);
			continue;
		}
		nsrc = v->type == IG_SEQ ? v->n : 0;
		if (nsrc == 0)
			bad = v;
		for (s = nsrc; s-- > 0 && !bad;) {
			const ig_node *src = v->u.kids[s];

			if (src->type != IG_MAP) {
				bad = src;
				break;
			}
			for (j = 0; j + 1 < src->n; j += 2)
				merge_set(&m, src->u.kids[j], src->u.kids[j + 1]);
		}
	}
	if (!bad && m.hashed > b->lim->alias_bytes) {
		ingroute__free(b->alloc, m.out);
		ingroute__free(b->alloc, m.set);
		return limit(b, f->node->pos, "bytes reached through aliases",
		             b->lim->alias_bytes);
	}
	if (bad) {
		ingroute__free(b->alloc, m.out);
		ingroute__free(b->alloc, m.set);
		ingroute__diag(b->dc, INGROUTE_ERROR, INGROUTE_D_SYNTAX, bad->pos, NULL,
		               "a merge key (<<) takes a mapping or a list of "
		               "mappings");
		return INGROUTE_ESYNTAX;
	}
	b->npending = first;
	for (i = 0; i < m.n; i++)
		b->pending[b->npending++] = m.out[i];
	ingroute__free(b->alloc, m.out);
	ingroute__free(b->alloc, m.set);
	return 0;
}

/* The key whose value the next node of the root mapping is, or NULL
 * when the next node is not such a value. */
static const ig_node *root_key(const builder *b)
{
	const frame *f;

	if (b->depth != 1)
		return NULL; /* and the stack may not exist yet */
	f = &b->stack[0];
	if (f->node->type != IG_MAP || (b->npending - f->first) % 2 == 0)
		return NULL;
	return b->pending[b->npending - 1];
}

/* An item of the root's "items" has ended: offered to the hook, and if
 * taken, everything allocated since it began is released. It is the
 * last pending node (collections add themselves when they open). */
static int item_done(builder *b, ig_node *item)
{
	ig_node *stub;
	ig_pos pos = item->pos;
	int rc;

	if (b->anchors_set != b->item_anchors)
		return 0; /* later nodes may alias into it */
	rc = b->hooks->item(b->hooks->ctx, item);
	if (rc <= 0)
		return rc;
	ingroute__arena_release(&b->arena, b->item_mark);
	b->nodes = b->item_nodes;
	stub = ingroute__arena_zalloc(&b->arena, sizeof(*stub));
	if (!stub)
		return INGROUTE_ENOMEM;
	b->nodes++;
	stub->type = IG_TAKEN;
	stub->pos = pos;
	stub->n = b->taken++;
	stub->weight = 1;
	stub->bytes = NODE_COST;
	b->pending[b->npending - 1] = stub;
	return 0;
}

static int open_collection(builder *b, int type, yaml_mark_t m,
                           const yaml_char_t *anchor_name)
{
	const ig_node *key = root_key(b);
	ig_node *n;
	frame *f;

	if (b->depth >= b->lim->depth)
		return limit(b, mark_pos(b, m), "levels of nesting", b->lim->depth);
	if (b->items == 1 && b->depth == 2 && type == IG_MAP) {
		b->item_mark = ingroute__arena_mark(&b->arena);
		b->item_nodes = b->nodes;
		b->item_anchors = b->anchors_set;
	}
	n = new_node(b, type, m);
	if (!n)
		return b->nodes >= b->lim->nodes ? INGROUTE_ELIMIT : INGROUTE_ENOMEM;
	if (add_child(b, n) < 0)
		return INGROUTE_ENOMEM;
	if (ingroute__grow(b->alloc, (void **)&b->stack, &b->cap_stack,
	                   b->depth + 1, sizeof(frame)) < 0)
		return INGROUTE_ENOMEM;
	f = &b->stack[b->depth++];
	f->node = n;
	f->first = b->npending;
	f->anchor = NULL;
	if (anchor_name) {
		f->anchor = ingroute__arena_strndup(&b->arena,
		                                    (const char *)anchor_name,
		                                    strlen((const char *)anchor_name));
		if (!f->anchor)
			return INGROUTE_ENOMEM;
	}
	/* An anchored "items" could be merged into a mapping later, where
	 * its items have to be mappings still. */
	if (key && type == IG_SEQ && b->items == 0 && b->hooks->item &&
	    ingroute__scalar_is(key, "items"))
		b->items = anchor_name ? 2 : 1;
	return 0;
}

static int close_collection(builder *b)
{
	frame *f = &b->stack[b->depth - 1];
	ig_node *n = f->node;
	size_t count, i;
	uint64_t w = 1;
	int rc;

	if (n->type == IG_MAP) {
		/* Duplicates are a property of what was written, so they are
		 * found before merge keys add pairs. */
		ig_node view;
		size_t extra = 0;

		memset(&view, 0, sizeof(view));
		view.n = (uint32_t)(b->npending - f->first);
		view.u.kids = b->npending > f->first ? b->pending + f->first : NULL;
		if (view.u.kids && find_duplicate(b, &view) < 0)
			return INGROUTE_ENOMEM;
		n->dup = view.dup;
		/* The merged pairs can outgrow the pending stack's room. */
		for (i = f->first; i + 1 < b->npending; i += 2)
			if (is_merge_key(b->pending[i]))
				extra += b->pending[i + 1]->weight;
		if (extra && ingroute__grow(b->alloc, (void **)&b->pending,
		                            &b->cap_pending, b->npending + extra,
		                            sizeof(ig_node *)) < 0)
			return INGROUTE_ENOMEM;
		if ((rc = apply_merges(b, f)) < 0)
			return rc;
	}
	b->depth--;
	count = b->npending - f->first;
	if (count > UINT32_MAX)
		return limit(b, n->pos, "nodes in a document", b->lim->nodes);
	n->n = (uint32_t)count;
	n->u.kids = ingroute__arena_alloc(&b->arena, (count ? count : 1) *
	                                              sizeof(ig_node *));
	if (!n->u.kids)
		return INGROUTE_ENOMEM;
	if (count)
		memcpy(n->u.kids, b->pending + f->first, count * sizeof(ig_node *));
	b->npending = f->first;
	for (i = 0; i < count; i++) {
		w += n->u.kids[i]->weight;
		n->bytes += n->u.kids[i]->bytes;
	}
	n->weight = w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
	if (f->anchor && (rc = anchor_set(b, f->anchor, n)) < 0)
		return rc;
	if (b->items == 1 && b->depth == 1)
		b->items = 2; /* the end of "items" */
	else if (b->items == 1 && b->depth == 2 && n->type == IG_MAP)
		return item_done(b, n);
	return 0;
}

/* Standard base64 with padding, white space ignored; decodes s in place
 * and returns the length, or (size_t)-1 when s is no such text. */
static size_t base64_decode(char *s, size_t n)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, k = 0, got = 0, pad = 0;
	unsigned long acc = 0;

	for (i = 0; i < n; i++) {
		const char *p;

		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			continue;
		if (s[i] == '=') {
			pad++;
			acc <<= 6;
		} else if (pad || !s[i] || !(p = strchr(abc, s[i]))) {
			return (size_t)-1;
		} else {
			acc = acc << 6 | (unsigned long)(p - abc);
		}
		if (++got % 4 == 0) {
			if (pad > 2)
				return (size_t)-1;
			s[k++] = (char)(acc >> 16 & 0xff);
			if (pad < 2)
				s[k++] = (char)(acc >> 8 & 0xff);
			if (pad < 1)
				s[k++] = (char)(acc & 0xff);
			acc = 0;
		}
	}
	if (got % 4)
		return (size_t)-1;
	s[k] = '\0';
	return k;
}

static int on_scalar(builder *b, const yaml_event_t *ev)
{
	size_t len = ev->data.scalar.length;
	int kind = IG_S_STR;
	ig_node *n;

	if (len > b->lim->scalar_bytes)
		return limit(b, mark_pos(b, ev->start_mark), "bytes in a scalar",
		             b->lim->scalar_bytes);
	n = new_node(b, IG_SCALAR, ev->start_mark);
	if (!n)
		return b->nodes >= b->lim->nodes ? INGROUTE_ELIMIT : INGROUTE_ENOMEM;
	n->u.str = ingroute__arena_strndup(&b->arena,
	                                   (const char *)ev->data.scalar.value, len);
	if (!n->u.str)
		return INGROUTE_ENOMEM;
	n->n = (uint32_t)len;
	n->bytes += len;
	if (ev->data.scalar.tag &&
	    strcmp((const char *)ev->data.scalar.tag, "tag:yaml.org,2002:binary") == 0) {
		/* go-yaml decodes !!binary, and JSON carries the bytes on as
		 * a string: decoded in place (base64 never grows). */
		size_t k = base64_decode((char *)n->u.str, len);

		if (k == (size_t)-1) {
			ingroute__diag(b->dc, INGROUTE_ERROR, INGROUTE_D_SYNTAX,
			               n->pos, NULL, "!!binary value contains invalid "
			               "base64 data");
			return INGROUTE_ESYNTAX;
		}
		n->n = (uint32_t)k;
	} else if (ev->data.scalar.tag &&
	    resolve_tag((const char *)ev->data.scalar.tag) >= 0)
		kind = resolve_tag((const char *)ev->data.scalar.tag);
	else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	         !ev->data.scalar.tag)
		kind = resolve_plain(n->u.str, len);
	n->skind = (uint8_t)kind;
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	if (add_child(b, n) < 0)
		return INGROUTE_ENOMEM;
	if (ev->data.scalar.anchor)
		return anchor_set(b, (const char *)ev->data.scalar.anchor, n);
	return 0;
}

static int on_alias(builder *b, const yaml_event_t *ev)
{
	ig_node *target = anchor_get(b, (const char *)ev->data.alias.anchor);

	if (!target) {
		ingroute__diag(b->dc, INGROUTE_ERROR, INGROUTE_D_SYNTAX,
		               mark_pos(b, ev->start_mark), NULL,
		               "unknown anchor '%s' referenced",
		               (const char *)ev->data.alias.anchor);
		return INGROUTE_ESYNTAX;
	}
	/* An alias costs what it repeats, in nodes and in bytes: decoding
	 * copies the strings it reaches once per reference. */
	b->alias_nodes += target->weight;
	b->alias_bytes += target->bytes;
	if (b->alias_nodes > b->lim->alias_nodes)
		return limit(b, mark_pos(b, ev->start_mark),
		             "nodes reached through aliases", b->lim->alias_nodes);
	if (b->alias_bytes > b->lim->alias_bytes)
		return limit(b, mark_pos(b, ev->start_mark),
		             "bytes reached through aliases", b->lim->alias_bytes);
	return add_child(b, target);
}

static void reset_document(builder *b)
{
	ingroute__arena_reset(&b->arena);
	ingroute__free(b->alloc, b->anchors);
	b->anchors = NULL;
	b->nanchors = b->cap_anchors = 0;
	b->npending = 0;
	b->depth = 0;
	b->nodes = 0;
	b->alias_nodes = 0;
	b->alias_bytes = 0;
	b->root = NULL;
	b->anchors_set = 0;
	b->items = 0;
	b->taken = 0;
}

static int syntax_error(builder *b, const yaml_parser_t *p)
{
	ig_pos pos;

	if (p->error == YAML_MEMORY_ERROR)
		return INGROUTE_ENOMEM;
	if (p->error == YAML_READER_ERROR)
		pos = offset_pos(b, p->problem_offset);
	else
		pos = mark_pos(b, p->problem_mark);
	if (p->context)
		ingroute__diag(b->dc, INGROUTE_ERROR, INGROUTE_D_SYNTAX, pos, NULL,
		               "%s (%s at line %zu, column %zu)",
		               p->problem ? p->problem : "syntax error", p->context,
		               (size_t)mark_pos(b, p->context_mark).line,
		               (size_t)mark_pos(b, p->context_mark).col);
	else
		ingroute__diag(b->dc, INGROUTE_ERROR, INGROUTE_D_SYNTAX, pos, NULL,
		               "%s", p->problem ? p->problem : "syntax error");
	return INGROUTE_ESYNTAX;
}

static int on_event(builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		reset_document(b);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return b->hooks->document(b->hooks->ctx, b->root);
	case YAML_MAPPING_START_EVENT:
		return open_collection(b, IG_MAP, ev->start_mark,
		                       ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(b, IG_SEQ, ev->start_mark,
		                       ev->data.sequence_start.anchor);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return close_collection(b);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	default:
		return 0;
	}
}

/* Parses data[0..len) as a YAML stream, into the hooks. */
static int parse_yaml(builder *b, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	b->data = data;
	b->len = len;
	if (!yaml_parser_initialize(&parser))
		return INGROUTE_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(b, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	                   s[i] == '\n'))
		i++;
	return i;
}

/* The end of the JSON object or array at s[i], or 0 when it has none
 * (a YAML flow collection, or unbalanced): brackets counted outside
 * double-quoted strings. */
static size_t json_end(const char *s, size_t len, size_t i)
{
	size_t depth = 0;
	int in_str = 0;

	for (; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

int ingroute__doc_parse(const ig_alloc *a, const ig_limits *lim,
                        const char *data, size_t len, const ig_diag_ctx *dc,
                        const ig_doc_hooks *hooks)
{
	builder b;
	size_t start, end, i;
	int rc;

	if (len > lim->input_bytes) {
		ig_pos none = { 0, 0 };

		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_LIMIT, none, NULL,
		               "input of %zu bytes exceeds the limit of %zu bytes",
		               len, lim->input_bytes);
		return INGROUTE_ELIMIT;
	}
	memset(&b, 0, sizeof(b));
	b.alloc = a;
	b.lim = lim;
	b.dc = dc;
	b.hooks = hooks;
	ingroute__arena_init(&b.arena, a);

	/* JSON objects one after another (`kubectl get -o json` run twice
	 * into one file) are a stream to kubectl, and no YAML: each is
	 * parsed as a document of its own. */
	start = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	start = skip_space(data, len, start);
	end = start < len && (data[start] == '{' || data[start] == '[')
		? json_end(data, len, start) : 0;
	if (!end || skip_space(data, len, end) == len ||
	    (data[skip_space(data, len, end)] != '{' &&
	     data[skip_space(data, len, end)] != '[')) {
		rc = parse_yaml(&b, data, len);
	} else {
		/* libyaml counts no column for a byte order mark */
		i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
		for (rc = 0; rc == 0 && start < len;) {
			/* line0 and col0 follow the text up to start */
			for (; i < start; i++) {
				if (data[i] == '\n') {
					b.line0++;
					b.col0 = 0;
				} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
					b.col0++;
				}
			}
			end = json_end(data, len, start);
			if (!end)
				end = len;
			rc = parse_yaml(&b, data + start, end - start);
			start = skip_space(data, len, end);
		}
	}
	reset_document(&b);
	ingroute__arena_free(&b.arena);
	ingroute__free(a, b.pending);
	ingroute__free(a, b.stack);
	return rc;
}

const ig_node *ingroute__map_getn(const ig_node *map, const char *key,
                                  size_t klen)
{
	const ig_node *found = NULL;
	size_t i;

	if (!map || map->type != IG_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2) {
		const ig_node *k = map->u.kids[i];

		if (k->type == IG_SCALAR && k->n == klen &&
		    memcmp(k->u.str, key, klen) == 0) {
			found = map->u.kids[i + 1];
			/* A key given twice: the last one wins, as it does when
			 * kubectl turns the YAML into JSON. */
			if (!map->dup)
				break;
		}
	}
	return found;
}

int ingroute__scalar_is(const ig_node *n, const char *s)
{
	return n && n->type == IG_SCALAR && n->n == strlen(s) &&
	       memcmp(n->u.str, s, n->n) == 0;
}
