/*
 * The decoding walk shared by the decoders of every kind: typed reads of
 * document nodes, each returning 1 when the field is set, 0 when it is
 * absent or null, -1 on a type error (already reported); and the field
 * path, pushed and popped around each nested field and written out only
 * when a diagnostic needs it.
 */
#ifndef INGROUTE_DECODE_WALK_H
#define INGROUTE_DECODE_WALK_H

#include "decode.h"

/* One element of a field path: a field name, or (name NULL) a list index. */
typedef struct ig_path_seg {
	const char *name;
	size_t index;
} ig_path_seg;

#define IG_DEC_SEGS 32

typedef struct ig_dec {
	const ig_decode_opts *o;
	const ig_diag_ctx *dc;
	ig_object *obj;
	/* The field path being decoded, as pushed. The schemas nest far
	 * less deep than IG_DEC_SEGS; a deeper push is counted and left
	 * out. */
	ig_path_seg segs[IG_DEC_SEGS];
	size_t nsegs;
	ig_buf path;
	ig_str ts;          /* metadata.creationTimestamp as written */
	size_t errors;
	int oom;
} ig_dec;

/* Field paths. name must outlive the push: a literal, or a caller's
 * buffer it pops before leaving. Each returns the mark to leave to. */
size_t ingroute__dec_enter(ig_dec *d, const char *name);
size_t ingroute__dec_enter_index(ig_dec *d, size_t i);
void ingroute__dec_leave(ig_dec *d, size_t mark);
/* The current path written out ("spec.rules[0].host"), or NULL. */
const char *ingroute__dec_path(ig_dec *d);

/* "an object", "a list", "a number", ... */
const char *ingroute__dec_describe(const ig_node *n);
void ingroute__dec_type_error(ig_dec *d, const ig_node *n,
                              const char *expected);
int ingroute__dec_null(const ig_node *n);
/* Warns about a key given twice in map (the last value is used). */
void ingroute__dec_duplicates(ig_dec *d, const ig_node *map);

int ingroute__dec_map(ig_dec *d, const ig_node *n);
int ingroute__dec_seq(ig_dec *d, const ig_node *n);
int ingroute__dec_str(ig_dec *d, const ig_node *n, ig_str *out);
/* An integer of bits 32 or 64, as JSON decoding into Go makes one. */
int ingroute__dec_int(ig_dec *d, const ig_node *n, int bits, int64_t *out);
int ingroute__dec_int32(ig_dec *d, const ig_node *n, int32_t *out);
int ingroute__dec_bool(ig_dec *d, const ig_node *n, uint8_t *out);
/* Warns about keys of map that known (NULL-terminated) does not list. */
void ingroute__dec_known(ig_dec *d, const ig_node *map,
                         const char *const *known);
/* Field name of map as a string, with its path. */
int ingroute__dec_field_str(ig_dec *d, const ig_node *map, const char *name,
                            ig_str *out);
/* Zeroed room for a sequence's items in the object's arena, or NULL
 * (oom set). */
void *ingroute__dec_items(ig_dec *d, const ig_node *seq, size_t elem);
/* A map of strings (labels, annotations); the last of a repeated key
 * wins. */
void ingroute__dec_string_map(ig_dec *d, const ig_node *n, ig_kv **out,
                              uint32_t *count);
/* A list of strings; null items decode to "". */
void ingroute__dec_strings(ig_dec *d, const ig_node *n, ig_str **out,
                           uint32_t *count);

/* The short names the decoders use. */
typedef ig_dec dec;

static inline size_t push_field(dec *d, const char *name)
{ return ingroute__dec_enter(d, name); }
static inline size_t push_index(dec *d, size_t i)
{ return ingroute__dec_enter_index(d, i); }
static inline void pop(dec *d, size_t mark) { ingroute__dec_leave(d, mark); }
static inline const char *cur_path(dec *d) { return ingroute__dec_path(d); }
static inline const char *describe(const ig_node *n)
{ return ingroute__dec_describe(n); }
static inline void type_error(dec *d, const ig_node *n, const char *expected)
{ ingroute__dec_type_error(d, n, expected); }
static inline int is_null(const ig_node *n) { return ingroute__dec_null(n); }
static inline void check_duplicates(dec *d, const ig_node *map)
{ ingroute__dec_duplicates(d, map); }
static inline int want_map(dec *d, const ig_node *n)
{ return ingroute__dec_map(d, n); }
static inline int want_seq(dec *d, const ig_node *n)
{ return ingroute__dec_seq(d, n); }
static inline int read_str(dec *d, const ig_node *n, ig_str *out)
{ return ingroute__dec_str(d, n, out); }
static inline int read_int(dec *d, const ig_node *n, int bits, int64_t *out)
{ return ingroute__dec_int(d, n, bits, out); }
static inline int read_int32(dec *d, const ig_node *n, int32_t *out)
{ return ingroute__dec_int32(d, n, out); }
static inline int read_bool(dec *d, const ig_node *n, uint8_t *out)
{ return ingroute__dec_bool(d, n, out); }
static inline void check_fields(dec *d, const ig_node *map,
                                const char *const *known)
{ ingroute__dec_known(d, map, known); }
static inline int field_str(dec *d, const ig_node *map, const char *name,
                            ig_str *out)
{ return ingroute__dec_field_str(d, map, name, out); }
static inline void *items(dec *d, const ig_node *seq, size_t elem)
{ return ingroute__dec_items(d, seq, elem); }
static inline void decode_string_map(dec *d, const ig_node *n, ig_kv **out,
                                     uint32_t *count)
{ ingroute__dec_string_map(d, n, out, count); }
static inline void decode_strings(dec *d, const ig_node *n, ig_str **out,
                                  uint32_t *count)
{ ingroute__dec_strings(d, n, out, count); }

#endif /* INGROUTE_DECODE_WALK_H */
