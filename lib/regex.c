/*
 * RegularExpression matches of HTTPRoutes (docs/semantics.md §9.4):
 * PCRE2, each expression matched against the whole value (anchored at
 * both ends), JIT-compiled where the platform allows.
 *
 * Compiling goes through the router's allocator. Matching allocates
 * nothing: its match data (and, without the JIT, its backtracking
 * frames) come from a bump buffer on the stack, handed to PCRE2 as a
 * general context's allocator; a match that would need more gives up, as
 * one past the step limit does, and counts as no match, so a hostile
 * request costs a bounded time and no memory.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "gateway.h"

/* Steps a match may take before it gives up (PCRE2's match limit). */
#define STEP_LIMIT 100000u
/* The bump buffer of one match: match data and, without the JIT, PCRE2's
 * first frame vector (20 KiB). */
#define MATCH_BYTES (24u * 1024u)

struct ig_regex {
	pcre2_code *code;
};

struct ig_regexes {
	const ig_alloc *a;
	pcre2_general_context *gctx;
	pcre2_compile_context *cctx;
	ig_regex **items;
	size_t n, cap;
};

static void *ctx_malloc(PCRE2_SIZE n, void *data)
{
	return ingroute__malloc(data, n ? n : 1);
}

static void ctx_free(void *p, void *data)
{
	ingroute__free(data, p);
}

static ig_regexes *set_new(const ig_alloc *a)
{
	ig_regexes *s = ingroute__calloc(a, 1, sizeof(*s));

	if (!s)
		return NULL;
	s->a = a;
	s->gctx = pcre2_general_context_create(ctx_malloc, ctx_free, (void *)a);
	s->cctx = s->gctx ? pcre2_compile_context_create(s->gctx) : NULL;
	if (!s->cctx) {
		ingroute__regexes_free(s);
		return NULL;
	}
	return s;
}

const ig_regex *ingroute__regex_compile(ig_regexes **set, const ig_alloc *a,
                                        const char *pattern, size_t n,
                                        char *error, size_t error_cap,
                                        size_t *offset)
{
	ig_regexes *s = *set;
	ig_regex *re;
	int code;
	PCRE2_SIZE at = 0;

	error[0] = '\0';
	*offset = 0;
	if (!s && !(s = *set = set_new(a)))
		return NULL;
	if (ingroute__grow(a, (void **)&s->items, &s->cap, s->n + 1,
	                   sizeof(*s->items)) < 0 ||
	    !(re = ingroute__calloc(a, 1, sizeof(*re))))
		return NULL;
	re->code = pcre2_compile((PCRE2_SPTR)pattern, n,
	                         PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &at,
	                         s->cctx);
	if (!re->code) {
		ingroute__free(a, re);
		if (code == PCRE2_ERROR_NOMEMORY)
			return NULL;
		pcre2_get_error_message(code, (PCRE2_UCHAR *)error, error_cap);
		if (!error[0])
			memcpy(error, "does not compile", 17);
		*offset = at;
		return NULL;
	}
	/* without the JIT (no executable memory), the interpreter matches */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	s->items[s->n++] = re;
	return re;
}

/* The bump allocator of one match. */
typedef struct bump {
	size_t used;
	union {
		char b[MATCH_BYTES];
		max_align_t align;
	} u;
} bump;

static void *bump_malloc(PCRE2_SIZE n, void *data)
{
	bump *b = data;
	size_t at = (b->used + 15) & ~(size_t)15;

	if (n > sizeof(b->u.b) || at > sizeof(b->u.b) - n)
		return NULL;
	b->used = at + n;
	return b->u.b + at;
}

static void bump_free(void *p, void *data)
{
	(void)p;
	(void)data;
}

int ingroute__regex_match(const ig_regex *re, const char *s, size_t n)
{
	bump b;
	pcre2_general_context *g;
	pcre2_match_context *m;
	pcre2_match_data *md;

	if (!re)
		return 0;
	/* contexts and match data all from the stack, so that nothing of
	 * PCRE2's can reach the heap during a lookup */
	b.used = 0;
	g = pcre2_general_context_create(bump_malloc, bump_free, &b);
	m = g ? pcre2_match_context_create(g) : NULL;
	md = m ? pcre2_match_data_create(1, g) : NULL;
	if (!md)
		return 0;
	pcre2_set_match_limit(m, STEP_LIMIT);
	pcre2_set_depth_limit(m, STEP_LIMIT);
	return pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, 0, 0, md,
	                   m) >= 0;
}

void ingroute__regexes_free(ig_regexes *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		pcre2_code_free(s->items[i]->code);
		ingroute__free(s->a, s->items[i]);
	}
	ingroute__free(s->a, s->items);
	pcre2_compile_context_free(s->cctx);
	pcre2_general_context_free(s->gctx);
	ingroute__free(s->a, s);
}
