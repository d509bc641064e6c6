/*
 * The decoding walk: typed reads of document nodes with the field path
 * kept as a stack and written out only for a diagnostic, and the API
 * server's decoding errors (types, ranges) and warnings (duplicate keys,
 * unknown fields). Shared by the decoders of every kind (decode.c,
 * decode-gateway.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "decode-walk.h"

/* ---- field paths: pushed and popped around each nested field, and
 * written out only when a diagnostic needs one (most objects need none,
 * and writing every field's path cost a tenth of a load) */

static size_t push_seg(dec *d, const char *name, size_t index)
{
	if (d->nsegs < IG_DEC_SEGS) {
		d->segs[d->nsegs].name = name;
		d->segs[d->nsegs].index = index;
	}
	return d->nsegs++;
}

/* name must outlive the push: a literal, or a caller's buffer it pops
 * before leaving. */
size_t ingroute__dec_enter(dec *d, const char *name)
{
	return push_seg(d, name, 0);
}

size_t ingroute__dec_enter_index(dec *d, size_t i)
{
	return push_seg(d, NULL, i);
}

void ingroute__dec_leave(dec *d, size_t mark)
{
	d->nsegs = mark;
}

const char *ingroute__dec_path(dec *d)
{
	size_t k, n = d->nsegs < IG_DEC_SEGS ? d->nsegs : IG_DEC_SEGS;
	const char *p;

	d->path.len = 0;
	for (k = 0; k < n; k++) {
		const ig_path_seg *g = &d->segs[k];

		if (g->name) {
			if (d->path.len)
				ingroute__buf_put(&d->path, ".", 1);
			ingroute__buf_puts(&d->path, g->name);
		} else {
			char tmp[24], *q = tmp + sizeof(tmp);
			size_t i = g->index;

			*--q = ']';
			do
				*--q = (char)('0' + i % 10);
			while ((i /= 10) != 0);
			*--q = '[';
			ingroute__buf_put(&d->path, q, (size_t)(tmp + sizeof(tmp) - q));
		}
	}
	p = ingroute__buf_cstr(&d->path);
	if (!p)
		d->oom = 1;
	return p && *p ? p : NULL;
}

/* ---- reporting */

const char *ingroute__dec_describe(const ig_node *n)
{
	if (n->type == IG_MAP || n->type == IG_TAKEN)
		return "an object";
	if (n->type == IG_SEQ)
		return "a list";
	switch (n->skind) {
	case IG_S_INT:
	case IG_S_FLOAT: return "a number";
	case IG_S_BOOL: return "a boolean";
	case IG_S_NULL: return "null";
	default: return "a string";
	}
}

void ingroute__dec_type_error(dec *d, const ig_node *n,
                              const char *expected)
{
	const char *field = cur_path(d);

	d->errors++;
	if (n->type != IG_SCALAR) {
		ingroute__diag(d->dc, INGROUTE_ERROR, INGROUTE_D_TYPE, n->pos, field,
		               "expected %s, found %s", expected, describe(n));
		return;
	}
	if (n->skind == IG_S_STR) {
		ig_buf q;
		const char *s;

		ingroute__buf_init(&q, d->o->alloc);
		ingroute__buf_quote(&q, n->u.str, n->n);
		s = ingroute__buf_cstr(&q);
		if (s)
			ingroute__diag(d->dc, INGROUTE_ERROR, INGROUTE_D_TYPE, n->pos,
			               field, "Invalid value: %s: expected %s, found a string",
			               s, expected);
		else
			d->oom = 1;
		ingroute__buf_free(&q);
		return;
	}
	ingroute__diag(d->dc, INGROUTE_ERROR, INGROUTE_D_TYPE, n->pos, field,
	               "Invalid value: %.*s: expected %s, found %s",
	               n->n > 64 ? 64 : (int)n->n, n->u.str, expected, describe(n));
}

/* ---- typed reads; each returns 1 when set, 0 when absent or null, -1
 * on a type error (already reported). */

int ingroute__dec_null(const ig_node *n)
{
	return !n || (n->type == IG_SCALAR && n->skind == IG_S_NULL);
}

/* A key given twice in one mapping: kubectl turns YAML into JSON before
 * the API server sees it, and that keeps the last value; the server
 * decodes a JSON object the same way, with a warning. So does ingroute
 * (ingroute__map_getn() returns the last). */
void ingroute__dec_duplicates(dec *d, const ig_node *map)
{
	const char *field;
	size_t mark;
	char key[256];

	if (!map->dup)
		return;
	snprintf(key, sizeof(key), "%.*s",
	         map->dup->n > 200 ? 200 : (int)map->dup->n, map->dup->u.str);
	mark = push_field(d, key);
	field = cur_path(d);
	ingroute__diag(d->dc, INGROUTE_WARNING, INGROUTE_D_DUPLICATE_KEY,
	               map->dup->pos, field,
	               "duplicate field \"%s\": the last value is used",
	               field ? field : key);
	pop(d, mark);
}

int ingroute__dec_map(dec *d, const ig_node *n)
{
	if (is_null(n))
		return 0;
	if (n->type != IG_MAP) {
		type_error(d, n, "an object");
		return -1;
	}
	check_duplicates(d, n);
	return 1;
}

int ingroute__dec_seq(dec *d, const ig_node *n)
{
	if (is_null(n))
		return 0;
	if (n->type != IG_SEQ) {
		type_error(d, n, "a list");
		return -1;
	}
	return 1;
}

int ingroute__dec_str(dec *d, const ig_node *n, ig_str *out)
{
	memset(out, 0, sizeof(*out));
	if (is_null(n))
		return 0;
	if (n->type != IG_SCALAR || n->skind != IG_S_STR) {
		type_error(d, n, "a string");
		return -1;
	}
	out->s = ingroute__arena_strndup(&d->obj->arena, n->u.str, n->n);
	if (!out->s) {
		d->oom = 1;
		return -1;
	}
	out->len = n->n;
	out->pos = n->pos;
	return 1;
}

static void out_of_range(dec *d, const ig_node *n, int bits)
{
	d->errors++;
	ingroute__diag(d->dc, INGROUTE_ERROR, INGROUTE_D_TYPE, n->pos, cur_path(d),
	               "Invalid value: %.*s: out of range for a %d-bit integer",
	               n->n > 64 ? 64 : (int)n->n, n->u.str, bits);
}

/* Kubernetes reads YAML by turning it into JSON, so a number is whatever
 * survives that trip into an int32 or int64: YAML 1.1 integers (0x50,
 * 0120 octal, 1_000), and floats with no fraction (80.0 becomes 80). */
int ingroute__dec_int(dec *d, const ig_node *n, int bits, int64_t *out)
{
	char buf[400];
	size_t i, k = 0;
	int64_t v;

	*out = 0;
	if (is_null(n))
		return 0;
	if (n->type != IG_SCALAR ||
	    (n->skind != IG_S_INT && n->skind != IG_S_FLOAT)) {
		type_error(d, n, "an integer");
		return -1;
	}
	for (i = 0; i < n->n && k < sizeof(buf) - 1; i++)
		if (n->u.str[i] != '_')
			buf[k++] = n->u.str[i];
	buf[k] = '\0';
	if (n->skind == IG_S_FLOAT) {
		char *end;
		double f = strtod(buf, &end);

		/* range first: converting an out-of-range double is undefined */
		if (end != buf + k || !(f >= -9e18 && f <= 9e18) ||
		    f != (double)(int64_t)f) {
			type_error(d, n, "an integer");
			return -1;
		}
		v = (int64_t)f;
	} else if (ingroute__parse_int(buf, k, &v) != 0) {
		out_of_range(d, n, bits);
		return -1;
	}
	if (bits == 32 && (v < INT32_MIN || v > INT32_MAX)) {
		out_of_range(d, n, bits);
		return -1;
	}
	*out = v;
	return 1;
}

int ingroute__dec_int32(dec *d, const ig_node *n, int32_t *out)
{
	int64_t v;
	int r = read_int(d, n, 32, &v);

	*out = (int32_t)v;
	return r;
}

/* A JSON boolean: YAML 1.1's spellings (yes, on, ...) become one. */
int ingroute__dec_bool(dec *d, const ig_node *n, uint8_t *out)
{
	*out = 0;
	if (is_null(n))
		return 0;
	if (n->type != IG_SCALAR || n->skind != IG_S_BOOL) {
		type_error(d, n, "a boolean");
		return -1;
	}
	*out = strchr("yYtT", n->u.str[0]) != NULL ||
	       (n->n >= 2 && (n->u.str[1] | 0x20) == 'n');
	return 1;
}

/* Warns about keys of a spec mapping that the API does not define. */
void ingroute__dec_known(dec *d, const ig_node *map,
                         const char *const *known)
{
	size_t i;

	for (i = 0; i + 1 < map->n; i += 2) {
		const ig_node *k = map->u.kids[i];
		const char *const *f;
		const char *hint = NULL, *field;
		char key[256];
		size_t mark;

		if (k->type != IG_SCALAR) {
			type_error(d, k, "a string key");
			continue;
		}
		/* Fields v1 renamed: say where they went. */
		if (k->n == 7 && memcmp(k->u.str, "backend", 7) == 0)
			hint = "defaultBackend";
		for (f = known; *f; f++) {
			if (((*f)[0] | 0x20) != (k->n ? k->u.str[0] | 0x20 : 0) ||
			    strlen(*f) != k->n)
				continue;
			if (memcmp(*f, k->u.str, k->n) == 0)
				break;
			if (strncasecmp(*f, k->u.str, k->n) == 0)
				hint = *f;
		}
		if (*f)
			continue;
		snprintf(key, sizeof(key), "%.*s", k->n > 200 ? 200 : (int)k->n,
		         k->u.str);
		mark = push_field(d, key);
		field = cur_path(d);
		/* The API server's warning, naming the whole path. */
		if (hint)
			ingroute__diag(d->dc, INGROUTE_WARNING, INGROUTE_D_UNKNOWN_FIELD,
			               k->pos, field,
			               "unknown field \"%s\" (did you mean \"%s\"?)",
			               field ? field : key, hint);
		else
			ingroute__diag(d->dc, INGROUTE_WARNING, INGROUTE_D_UNKNOWN_FIELD,
			               k->pos, field, "unknown field \"%s\"",
			               field ? field : key);
		pop(d, mark);
	}
}

/* Reads field `name` of map as a string, with its path. */
int ingroute__dec_field_str(dec *d, const ig_node *map, const char *name,
                            ig_str *out)
{
	size_t mark = push_field(d, name);
	int r = read_str(d, ingroute__map_getn(map, name, strlen(name)), out);

	pop(d, mark);
	return r;
}

/* Allocates an array for a sequence's items in the object's arena. */
void *ingroute__dec_items(dec *d, const ig_node *seq, size_t elem)
{
	size_t count = seq->n ? seq->n : 1;
	void *p = count > SIZE_MAX / elem ? NULL
		: ingroute__arena_zalloc(&d->obj->arena, count * elem);

	if (!p)
		d->oom = 1;
	return p;
}

/* Slots of a string map by key, for a mapping with a repeated key: an
 * open-addressing table of slot + 1, so hostile maps stay linear. */
typedef struct kv_index {
	uint32_t *slot;
	size_t mask;
} kv_index;

/* The slot holding key, or count when it is new (then recorded). */
static uint32_t kv_slot(kv_index *x, const ig_kv *kvs, uint32_t count,
                        const ig_str *key)
{
	size_t i = (size_t)ingroute__hash(key->s, key->len,
	                                  ingroute__process_seed()) & x->mask;

	for (; x->slot[i]; i = (i + 1) & x->mask) {
		const ig_str *k = &kvs[x->slot[i] - 1].key;

		if (k->len == key->len && memcmp(k->s, key->s, key->len) == 0)
			return x->slot[i] - 1;
	}
	x->slot[i] = count + 1;
	return count;
}

void ingroute__dec_string_map(dec *d, const ig_node *n, ig_kv **out,
                              uint32_t *count)
{
	kv_index x = { NULL, 0 };
	size_t i;

	if (want_map(d, n) <= 0)
		return;
	*out = ingroute__arena_zalloc(&d->obj->arena,
	                              (n->n / 2 + 1) * sizeof(ig_kv));
	if (n->dup) {
		for (x.mask = 16; x.mask < n->n; x.mask *= 2)
			;
		x.slot = ingroute__calloc(d->o->alloc, x.mask, sizeof(*x.slot));
		x.mask--;
	}
	if (!*out || (n->dup && !x.slot)) {
		d->oom = 1;
		ingroute__free(d->o->alloc, x.slot);
		return;
	}
	for (i = 0; i + 1 < n->n && !d->oom; i += 2) {
		const ig_node *k = n->u.kids[i];
		ig_kv kv;
		uint32_t j;
		char key[256];
		size_t mark;

		/* YAML-to-JSON conversion makes number and boolean keys strings
		 * ("8080: x" is key "8080"); other keys must be strings. */
		if (k->type == IG_SCALAR && (k->skind == IG_S_INT ||
		                             k->skind == IG_S_BOOL ||
		                             k->skind == IG_S_FLOAT)) {
			kv.key.s = ingroute__arena_strndup(&d->obj->arena, k->u.str, k->n);
			kv.key.len = k->n;
			kv.key.pos = k->pos;
			if (!kv.key.s) {
				d->oom = 1;
				continue;
			}
		} else if (read_str(d, k, &kv.key) <= 0) {
			continue;
		}
		snprintf(key, sizeof(key), "%.*s", k->n > 200 ? 200 : (int)k->n,
		         k->u.str);
		mark = push_field(d, key);
		/* A null value is an empty string, as JSON decoding makes it. */
		if (read_str(d, n->u.kids[i + 1], &kv.value) == 0) {
			kv.value.s = "";
			kv.value.pos = n->u.kids[i + 1]->pos;
		}
		pop(d, mark);
		if (!kv.value.s)
			continue;
		/* The last of a repeated key wins, in the first one's slot. */
		j = x.slot ? kv_slot(&x, *out, *count, &kv.key) : *count;
		(*out)[j] = kv;
		if (j == *count)
			(*count)++;
	}
	ingroute__free(d->o->alloc, x.slot);
}

/* A list of strings (metadata.finalizers). */
void ingroute__dec_strings(dec *d, const ig_node *n, ig_str **out,
                           uint32_t *count)
{
	size_t i;

	if (want_seq(d, n) <= 0 || !(*out = items(d, n, sizeof(ig_str))))
		return;
	for (i = 0; i < n->n && !d->oom; i++) {
		size_t mark = push_index(d, i);

		/* null decodes to "", which validation then rejects */
		if (read_str(d, n->u.kids[i], &(*out)[*count]) == 0) {
			(*out)[*count].s = "";
			(*out)[*count].pos = n->u.kids[i]->pos;
		}
		if ((*out)[*count].s)
			(*count)++;
		pop(d, mark);
	}
}
