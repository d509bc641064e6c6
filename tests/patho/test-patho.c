/*
 * Pathological inputs (docs/semantics.md §1.5): each case asserts a clear
 * status (or the right answer), a wall-clock bound measured with clock_gettime, and where
 * memory matters a peak-bytes bound measured by a counting allocator
 * (libyaml's own buffers are not counted; everything ingroute allocates
 * is). Bounds are generous, about ten times what a debug build takes on a
 * laptop, since CI machines are noisy; under AddressSanitizer they are
 * multiplied by 4, and under valgrind the big inputs shrink a hundredfold
 * and no time bound is asserted (INGROUTE_PATHO_SLOW=N multiplies the
 * bounds by N instead).
 *
 * Then the guard-page test: every entry point that takes (ptr, len) is
 * given input that ends exactly at a PROT_NONE page, so reading one byte
 * past it kills the test.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

#include "ingroute.h"
#include "fuzzutil.h"

/* ---- environment: how slow are we, how big may inputs be */

static int under_valgrind(void)
{
#ifdef HAVE_VALGRIND
	return RUNNING_ON_VALGRIND != 0;
#else
	return 0;
#endif
}

static int under_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#else
	return 0;
#endif
#else
	return 0;
#endif
}

/* Time bounds are multiplied by this; 0 means do not check time. */
static double slow(void)
{
	const char *s = getenv("INGROUTE_PATHO_SLOW");

	if (s && atof(s) > 0)
		return atof(s);
	if (under_valgrind())
		return 0;
	return under_asan() ? 4 : 1;
}

/* Sizes of the big cases are divided by this. */
static size_t shrink(void)
{
	return under_valgrind() ? 100 : 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define assert_time(t0, bound, what)                                          \
	do {                                                                  \
		double el_ = now() - (t0), f_ = slow();                       \
		if (f_ > 0 && el_ > (bound) * f_)                             \
			fail_msg("%s took %.3f s, bound %.3f s", (what), el_, \
			         (bound) * f_);                                \
	} while (0)

/* ---- a counting allocator: bytes live and their peak */

typedef struct counter {
	size_t live, peak, calls;
	long blocks;
} counter;

#define HDR 16   /* keeps the block aligned as malloc's */

static void *c_malloc(void *ctx, size_t n)
{
	counter *c = ctx;
	unsigned char *p = malloc(n + HDR);

	if (!p)
		return NULL;
	memcpy(p, &n, sizeof(n));
	c->calls++;
	c->blocks++;
	c->live += n;
	if (c->live > c->peak)
		c->peak = c->live;
	return p + HDR;
}

static void c_free(void *ctx, void *ptr)
{
	counter *c = ctx;
	unsigned char *p = ptr;
	size_t n;

	if (!p)
		return;
	memcpy(&n, p - HDR, sizeof(n));
	c->live -= n;
	c->blocks--;
	free(p - HDR);
}

static void *c_realloc(void *ctx, void *ptr, size_t n)
{
	counter *c = ctx;
	unsigned char *p = ptr, *q;
	size_t old;

	if (!p)
		return c_malloc(ctx, n);
	memcpy(&old, p - HDR, sizeof(old));
	q = realloc(p - HDR, n + HDR);
	if (!q)
		return NULL;
	memcpy(q, &n, sizeof(n));
	c->calls++;
	c->live = c->live - old + n;
	if (c->live > c->peak)
		c->peak = c->live;
	return q + HDR;
}

static void counter_init(counter *c, ingroute_allocator *a)
{
	memset(c, 0, sizeof(*c));
	a->malloc_fn = c_malloc;
	a->realloc_fn = c_realloc;
	a->free_fn = c_free;
	a->ctx = c;
}

/* ---- a growing text */

typedef struct text {
	char *s;
	size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->s) {
		t->cap = 1 << 16;
		t->s = malloc(t->cap);
		assert_non_null(t->s);
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)n;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
}

static void put_bytes(text *t, int c, size_t n)
{
	if (!t->s || t->len + n + 1 > t->cap) {
		t->cap = t->len + n + (1 << 16);
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memset(t->s + t->len, c, n);
	t->len += n;
	t->s[t->len] = '\0';
}

/* ---- loading with diagnostics and accounting */

typedef struct loaded {
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_allocator a;
	counter c;
	int rc;
	double secs;
} loaded;

static void load(loaded *l, const ingroute_options *opts, const char *s, size_t n)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	double t0;

	if (opts)
		o = *opts;
	counter_init(&l->c, &l->a);
	o.allocator = &l->a;
	assert_int_equal(ingroute_ruleset_new(&l->rs, &o), 0);
	assert_int_equal(ingroute_diags_new(&l->d, &l->a), 0);
	t0 = now();
	l->rc = ingroute_ruleset_load_buffer(l->rs, s, n, "patho.yaml", l->d);
	l->secs = now() - t0;
}

static void unload(loaded *l)
{
	ingroute_diags_free(l->d);
	ingroute_ruleset_free(l->rs);
	assert_int_equal(l->c.blocks, 0);
	assert_int_equal(l->c.live, 0);
}

/* The first diagnostic with this code, or fail. */
static void expect_diag(const ingroute_diags *d, int code, const char *part)
{
	size_t i;
	ingroute_diag dg;

	for (i = 0; i < ingroute_diags_count(d); i++) {
		dg.size = sizeof(dg);
		assert_int_equal(ingroute_diags_get(d, i, &dg), 0);
		if (dg.code == code && (!part || strstr(dg.message, part))) {
			assert_true(dg.line > 0);
			return;
		}
	}
	for (i = 0; i < ingroute_diags_count(d); i++) {
		char line[1024];

		ingroute_diags_format(d, i, line, sizeof(line));
		print_error("  %s\n", line);
	}
	fail_msg("no diagnostic of code %d containing \"%s\"", code, part ? part : "");
}

static void expect_limit(const ingroute_options *o, const char *s, size_t n,
                         const char *part, double tbound, size_t mbound)
{
	loaded l;

	load(&l, o, s, n);
	if (l.rc != INGROUTE_ELIMIT)
		fail_msg("expected INGROUTE_ELIMIT, got %s", ingroute_strerror(l.rc));
	assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	expect_diag(l.d, INGROUTE_D_LIMIT, part);
	if (slow() > 0 && l.secs > tbound * slow())
		fail_msg("limit \"%s\" took %.3f s, bound %.3f s", part, l.secs,
		         tbound * slow());
	if (l.c.peak > mbound)
		fail_msg("limit \"%s\": peak %zu bytes allocated, bound %zu", part,
		         l.c.peak, mbound);
	unload(&l);
}

static const char ingress_head[] =
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n";

/* ---- alias bombs */

static void test_alias_bomb_nodes(void **state)
{
	text t = { 0 };
	int lvl, k;

	(void)state;
	/* Billion laughs: 10^9 nodes if expanded. */
	put(&t, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (lvl = 1; lvl <= 9; lvl++) {
		put(&t, "a%d: &a%d [", lvl, lvl);
		for (k = 0; k < 10; k++)
			put(&t, "%s*a%d", k ? ", " : "", lvl - 1);
		put(&t, "]\n");
	}
	expect_limit(NULL, t.s, t.len, "nodes reached through aliases", 0.5, 32u << 20);
	/* The same in block style, inside an Ingress. */
	t.len = 0;
	put(&t, "%smetadata: {name: lol}\nspec:\n  x0: &x0 [lol, lol, lol, lol, lol, lol,"
	    " lol, lol, lol, lol]\n", ingress_head);
	for (lvl = 1; lvl <= 12; lvl++) {
		put(&t, "  x%d: &x%d\n", lvl, lvl);
		for (k = 0; k < 10; k++)
			put(&t, "  - *x%d\n", lvl - 1);
	}
	expect_limit(NULL, t.s, t.len, "nodes reached through aliases", 0.5, 32u << 20);
	free(t.s);
}

static void test_alias_bomb_bytes(void **state)
{
	text t = { 0 };
	int k;

	(void)state;
	/* 900 KiB behind one anchor, 100 references: 90 MB if copied. */
	put(&t, "big: &b \"");
	put_bytes(&t, 'x', 900 * 1024);
	put(&t, "\"\nrefs:\n");
	for (k = 0; k < 100; k++)
		put(&t, "- *b\n");
	expect_limit(NULL, t.s, t.len, "bytes reached through aliases", 2.0, 32u << 20);
	free(t.s);
}

/* A whole Ingress behind an anchor, listed 10^4 times in a List. */
static void test_alias_bomb_list(void **state)
{
	text t = { 0 };
	int k;

	(void)state;
	put(&t, "apiVersion: v1\nkind: List\nitems:\n- &ing\n  apiVersion: networking.k8s.io/v1\n"
	    "  kind: Ingress\n  metadata: {name: web}\n  spec:\n    rules:\n"
	    "    - host: a.example.com\n      http:\n        paths:\n");
	for (k = 0; k < 20; k++)
		put(&t, "        - {path: /p%d, pathType: Prefix, backend: {service: "
		    "{name: s, port: {number: 80}}}}\n", k);
	for (k = 0; k < 10000; k++)
		put(&t, "- *ing\n");
	expect_limit(NULL, t.s, t.len, "through aliases", 1.0, 32u << 20);
	free(t.s);
}

/* Merge keys: each level merges the one below ten times (10^9 keys if
 * merges were expanded copy by copy), merged into metadata where
 * decoding must apply them. Loads, fast and small. */
static void test_alias_bomb_merge(void **state)
{
	text t = { 0 };
	int lvl, k;
	loaded l;

	(void)state;
	put(&t, "%sx-m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n",
	    ingress_head);
	for (lvl = 1; lvl <= 9; lvl++) {
		put(&t, "x-m%d: &m%d\n  <<: [", lvl, lvl);
		for (k = 0; k < 10; k++)
			put(&t, "%s*m%d", k ? ", " : "", lvl - 1);
		put(&t, "]\n  k%d: v\n", lvl);
	}
	put(&t, "metadata:\n  <<: *m9\n  name: web\nspec: {defaultBackend: {service: "
	    "{name: s, port: {number: 1}}}}\n");
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	if (slow() > 0 && l.secs > 0.5 * slow())
		fail_msg("merge bomb took %.3f s", l.secs);
	if (l.c.peak > (size_t)8 << 20)
		fail_msg("merge bomb: peak %zu bytes", l.c.peak);
	unload(&l);
	free(t.s);
}

/* ---- nesting 10^5 deep */

static void test_deep_nesting(void **state)
{
	size_t depth = 100000, i;
	text t = { 0 };

	(void)state;
	put_bytes(&t, '[', depth);
	put_bytes(&t, ']', depth);
	expect_limit(NULL, t.s, t.len, "levels of nesting", 1.0, 8u << 20);
	/* Unclosed: the limit comes before the end of the input. */
	t.len = 0;
	put_bytes(&t, '[', depth);
	expect_limit(NULL, t.s, t.len, "levels of nesting", 1.0, 8u << 20);
	t.len = 0;
	for (i = 0; i < depth; i++)
		put(&t, "{a: ");
	put(&t, "1");
	put_bytes(&t, '}', depth);
	expect_limit(NULL, t.s, t.len, "levels of nesting", 1.0, 8u << 20);
	/* Block style: "- - - ... x" on one line. */
	t.len = 0;
	for (i = 0; i < depth; i++)
		put(&t, "- ");
	put(&t, "x\n");
	expect_limit(NULL, t.s, t.len, "levels of nesting", 5.0, 8u << 20);
	/* Inside a real Ingress, under spec. */
	t.len = 0;
	put(&t, "%smetadata: {name: deep}\nspec:\n  rules: ", ingress_head);
	put_bytes(&t, '[', depth);
	put_bytes(&t, ']', depth);
	put(&t, "\n");
	expect_limit(NULL, t.s, t.len, "levels of nesting", 1.0, 8u << 20);
	free(t.s);
}

/* A caller may raise max_depth: deep input must then still load or fail
 * cleanly, not overflow the stack by recursing once per level. Block
 * style ("- - - ... 1"): libyaml's scanner is quadratic in the depth of
 * flow collections ([[[...]]] 10^5 deep takes it ~35 s alone), linear in
 * block ones. */
static void test_deep_nesting_raised_limit(void **state)
{
	size_t depth = 100000 / shrink(), i;
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	text t = { 0 };
	loaded l;
	double t0 = now();

	(void)state;
	o.max_depth = depth + 10;
	/* under a field the API does not define: a warning, and loaded */
	put(&t, "%smetadata: {name: deep}\nspec:\n  defaultBackend: {service: {name: s, "
	    "port: {number: 80}}}\ndeep:\n", ingress_head);
	for (i = 0; i < depth; i++)
		put(&t, "- ");
	put(&t, "1\n");
	load(&l, &o, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	unload(&l);
	assert_time(t0, 5.0, "10^5 levels with max_depth raised");
	/* Flow style, 10^4 deep (0.3 s of libyaml's time). */
	t.len = 0;
	put(&t, "%smetadata: {name: deep}\nspec:\n  defaultBackend: {service: {name: s, "
	    "port: {number: 80}}}\ndeep: ", ingress_head);
	put_bytes(&t, '[', depth / 10);
	put_bytes(&t, ']', depth / 10);
	put(&t, "\n");
	t0 = now();
	load(&l, &o, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	unload(&l);
	assert_time(t0, 5.0, "10^4 flow levels with max_depth raised");
	free(t.s);
}

/* ---- a 64 MiB scalar */

static void test_huge_scalar(void **state)
{
	size_t big = (size_t)64 << 20;
	text t = { 0 };

	(void)state;
	put(&t, "%smetadata: {name: big}\nspec:\n  rules:\n  - host: ", ingress_head);
	put_bytes(&t, 'a', big);
	put(&t, "\n");
	expect_limit(NULL, t.s, t.len, "bytes in a scalar", 20.0, 16u << 20);
	/* Quoted, and as a key. */
	t.len = 0;
	put(&t, "{\"");
	put_bytes(&t, 'k', big);
	put(&t, "\": 1}");
	expect_limit(NULL, t.s, t.len, "bytes in a scalar", 20.0, 16u << 20);
	free(t.s);
}

/* ---- 10^6 paths on one host */

static void test_million_paths(void **state)
{
	size_t npaths = 1000000 / shrink(), per_doc = 10000, i, q, hits = 0;
	ingroute_router *r;
	text t = { 0 };
	loaded l;
	double t0 = now(), t1;
	size_t load_peak;

	(void)state;
	if (per_doc > npaths)
		per_doc = npaths;
	for (i = 0; i < npaths; i++) {
		if (i % per_doc == 0)
			put(&t, "---\n%smetadata: {name: i%zu, namespace: ns}\nspec:\n  rules:\n"
			    "  - host: big.example.com\n    http:\n      paths:\n",
			    ingress_head, i / per_doc);
		put(&t, "      - {path: /s%zu/p%zu, pathType: %s, backend: {service: "
		    "{name: s%zu, port: {number: 80}}}}\n", i % 1000, i,
		    i % 2 ? "Prefix" : "Exact", i % 7);
	}
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), (npaths + per_doc - 1) / per_doc);
	load_peak = l.c.peak;
	assert_int_equal(ingroute_router_compile(&r, l.rs, NULL), 0);
	t1 = now();
	for (q = 0; q < 200000 / shrink(); q++) {
		char path[64];
		size_t k = (q * 7919) % npaths;
		int n = snprintf(path, sizeof(path), "/s%zu/p%zu%s", k % 1000, k,
		                 q % 3 == 0 ? "/x" : q % 3 == 1 ? "" : "y");
		ingroute_match m;

		m.size = sizeof(m);
		assert_int_equal(ingroute_router_match(r, "big.example.com", 15, path,
		                                       (size_t)n, &m), 0);
		/* Exact rules take only their own path; Prefix ones also /x. */
		if (q % 3 == 1 || (q % 3 == 0 && k % 2)) {
			char want[64];

			snprintf(want, sizeof(want), "/s%zu/p%zu", k % 1000, k);
			assert_int_equal(m.decision, INGROUTE_DECISION_PATH);
			assert_string_equal(m.rule_path, want);
			hits++;
		} else {
			assert_int_equal(m.decision, INGROUTE_DECISION_NONE);
		}
	}
	assert_true(hits > 0);
	assert_time(t1, 1.0, "200,000 lookups among 10^6 paths");
	assert_time(t0, 60.0, "load + compile + lookups of 10^6 paths");
	/* Memory, per path: loading (the ruleset) and the peak of compiling
	 * (ruleset, router and compile's scratch); about 300 and 1000 bytes
	 * when this was written, plus one document's tree (10^4 paths, about
	 * 12 MB) while it is decoded. */
	if (load_peak > npaths * 1024 + (32u << 20) ||
	    l.c.peak > npaths * 2048 + (32u << 20))
		fail_msg("10^6 paths: peak %zu bytes (load %zu), bounds %zu and %zu",
		         l.c.peak, load_peak, npaths * 2048 + (32u << 20),
		         npaths * 1024 + (32u << 20));
	if (getenv("INGROUTE_PATHO_VERBOSE"))
		print_message("10^6 paths: %.2f s; peak %zu B (%.0f B/path; load peak %zu), load %.2f s\n",
		              now() - t0, l.c.peak, (double)l.c.peak / (double)npaths, load_peak, l.secs);
	ingroute_router_unref(r);
	unload(&l);
	free(t.s);
}

/* ---- 10^5 wildcard hosts */

static void test_wildcard_hosts(void **state)
{
	size_t n = 100000 / shrink(), per_doc = 20000, i, q;
	ingroute_router *r;
	text t = { 0 };
	loaded l;
	double t0 = now(), t1;

	(void)state;
	for (i = 0; i < n; i++) {
		if (i % per_doc == 0)
			put(&t, "---\n%smetadata: {name: w%zu}\nspec:\n  tls:\n  - hosts: "
			    "[\"*.w%zu.example.com\"]\n    secretName: tls%zu\n  rules:\n",
			    ingress_head, i / per_doc, i, i / per_doc);
		put(&t, "  - host: \"*.w%zu.example.com\"\n    http: {paths: [{path: /, "
		    "pathType: Prefix, backend: {service: {name: s%zu, port: {number: 80}}}}]}\n",
		    i, i % 100);
	}
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_router_compile(&r, l.rs, NULL), 0);
	t1 = now();
	for (q = 0; q < 200000 / shrink(); q++) {
		char host[64], want[16];
		size_t k = (q * 7919) % n;
		int hl = snprintf(host, sizeof(host), "%s.w%zu.example.com",
		                  q % 4 == 0 ? "a.b" : "x", k);
		ingroute_match m;
		ingroute_tls_match tm;

		m.size = sizeof(m);
		assert_int_equal(ingroute_router_match(r, host, (size_t)hl, "/", 1, &m), 0);
		tm.size = sizeof(tm);
		assert_int_equal(ingroute_router_tls(r, host, (size_t)hl, &tm), 0);
		if (q % 4 == 0) {
			/* Two labels deep: no wildcard covers it. */
			assert_int_equal(m.decision, INGROUTE_DECISION_NONE);
			assert_int_equal(tm.found, 0);
		} else {
			snprintf(want, sizeof(want), "s%zu", k % 100);
			assert_int_equal(m.decision, INGROUTE_DECISION_PATH);
			assert_int_equal(m.vhost_kind, INGROUTE_VHOST_WILDCARD);
			assert_string_equal(m.service, want);
			/* Each document's first host has a certificate. */
			assert_int_equal(tm.found, k % per_doc == 0);
		}
	}
	assert_time(t1, 2.0, "200,000 lookups among 10^5 wildcard hosts");
	assert_time(t0, 30.0, "10^5 wildcard hosts");
	if (l.c.peak > n * 2048 + (32u << 20))
		fail_msg("10^5 wildcard hosts: peak %zu bytes", l.c.peak);
	ingroute_router_unref(r);
	unload(&l);
	free(t.s);
}

/* ---- hosts chosen to collide */

/*
 * Lookups hash with a per-router random seed, so nobody can choose hosts
 * that collide there. What can be chosen are hosts whose unseeded XXH3
 * (seed 0, and the fixed seed compile.c uses for its exact-host table,
 * the golden ratio) agree in their low bits: every one lands in the same
 * bucket of any table that hashes without a secret seed. Many of them
 * must still compile and answer fast.
 */
static void test_colliding_hosts(void **state)
{
	size_t want = 4096 / (shrink() > 1 ? 8 : 1), n = 0, tries = 0, i, q;
	const uint64_t mask = 0xfff;
	char (*hosts)[64] = malloc(want * sizeof(*hosts));
	ingroute_router *r;
	text t = { 0 };
	loaded l;
	double t0, t1;

	(void)state;
	assert_non_null(hosts);
	while (n < want) {
		char h[64]; /* gcc -O3 sees XXH3 read 64 bytes */
		int len = snprintf(h, sizeof(h), "c%zu.collide.example.com", tries++);
		uint64_t a, b;

		assert_true(len > 0 && (size_t)len < sizeof(h));
		a = XXH3_64bits_withSeed(h, (size_t)len, 0);
		b = XXH3_64bits_withSeed(h, (size_t)len, 0x9e3779b97f4a7c15ull);

		/* Half collide unseeded, half under compile's fixed seed. */
		if (((n < want / 2 ? a : b) & mask) == 0)
			memcpy(hosts[n++], h, sizeof(h));
	}
	t0 = now();
	put(&t, "%smetadata: {name: collide}\nspec:\n  rules:\n", ingress_head);
	for (i = 0; i < n; i++)
		put(&t, "  - host: %s\n    http: {paths: [{path: /, pathType: Prefix, "
		    "backend: {service: {name: s%zu, port: {number: 80}}}}]}\n", hosts[i], i);
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_router_compile(&r, l.rs, NULL), 0);
	assert_time(t0, 2.0, "loading and compiling colliding hosts");
	t1 = now();
	for (q = 0; q < 100000 / shrink(); q++) {
		size_t k = (q * 31) % n;
		char svc[16];
		ingroute_match m;

		m.size = sizeof(m);
		assert_int_equal(ingroute_router_match(r, hosts[k], strlen(hosts[k]), "/", 1,
		                                       &m), 0);
		snprintf(svc, sizeof(svc), "s%zu", k);
		assert_string_equal(m.service, svc);
	}
	assert_time(t1, 1.0, "100,000 lookups of colliding hosts");
	ingroute_router_unref(r);
	unload(&l);
	free(t.s);
	free(hosts);
}

/* Names of one list that a hash table with a fixed seed would put in one
 * run of slots (XXH3, seed 1, the low bits of a table for 2n keys: the
 * duplicate check of a Gateway API list once was such a table). Every
 * item is checked, also past the list's maximum of 16, so the check must
 * stay near-linear however the names fall. */
static void test_colliding_list_keys(void **state)
{
	size_t want = 50000 / shrink(), n = 0, tries = 0, cap = 16;
	text t = { 0 };
	loaded l;

	(void)state;
	while (cap < 2 * want)
		cap *= 2;
	put(&t, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
	    "metadata: {name: collide, namespace: ns}\nspec:\n  rules:\n"
	    "  - filters:\n    - type: RequestHeaderModifier\n"
	    "      requestHeaderModifier:\n        remove:\n");
	while (n < want) {
		char h[64];
		int len = snprintf(h, sizeof(h), "x-collide-%zu", tries++);

		assert_true(len > 0 && (size_t)len < sizeof(h));
		if ((XXH3_64bits_withSeed(h, (size_t)len, 1) & (cap - 1)) < 4096) {
			put(&t, "        - %s\n", h);
			n++;
		}
	}
	put(&t, "        - x-collide-again\n        - x-collide-again\n");
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	expect_diag(l.d, INGROUTE_D_INVALID, "must have at most 16 items");
	if (slow() > 0 && l.secs > 2.0 * slow())
		fail_msg("%zu colliding list items took %.3f s, bound %.3f s", n,
		         l.secs, 2.0 * slow());
	unload(&l);
	free(t.s);
}

/* ---- 64 KiB request headers */

static const char small[] =
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	"metadata: {name: web, namespace: w}\n"
	"spec:\n"
	"  defaultBackend: {service: {name: fallback, port: {number: 80}}}\n"
	"  tls: [{hosts: [a.example.com], secretName: a-tls}, {secretName: any-tls}]\n"
	"  rules:\n"
	"  - host: a.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /, pathType: Prefix, backend: {service: {name: root, port: {number: 80}}}}\n"
	"      - {path: /a, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}\n"
	"  - http:\n"
	"      paths:\n"
	"      - {path: /, pathType: Prefix, backend: {service: {name: anyhost, port: {number: 80}}}}\n";

static ingroute_router *small_router(unsigned flags)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;

	o.flags = flags;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, small, strlen(small), NULL, NULL), 0);
	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	ingroute_ruleset_free(rs);
	return r;
}

static void check_explain(const ingroute_router *r, const char *h, size_t hl,
                          const char *p, size_t pl, int decision)
{
	char *j = NULL;
	size_t jl = 0;

	assert_int_equal(ingroute_router_explain(r, h, hl, p, pl, &j, &jl), 0);
	if (!fz_json_ok(j, jl))
		fail_msg("explain is not JSON: %.300s", j);
	assert_true(fz_explain_says(j, decision));
	ingroute_free(j);
}

static void test_huge_headers(void **state)
{
	size_t big = 64 * 1024, i;
	char *host = malloc(big + 8), *path = malloc(big + 8), *out = malloc(big + 8);
	ingroute_router *r = small_router(0), *raw = small_router(INGROUTE_OPT_NO_NORMALIZE);
	ingroute_match m;
	ingroute_tls_match tm;
	double t0 = now();
	int round;

	(void)state;
	m.size = sizeof(m);
	tm.size = sizeof(tm);
	for (round = 0; round < 50; round++) {
		/* A 64 KiB host is no DNS name: only host-less rules apply. */
		memset(host, 'a', big);
		if (round % 2)
			memcpy(host + big - 3, ":80", 3);
		assert_int_equal(ingroute_router_match(r, host, big, "/a", 2, &m), 0);
		assert_int_equal(m.decision, INGROUTE_DECISION_PATH);
		assert_string_equal(m.service, "anyhost");
		assert_int_equal(m.vhost_kind, INGROUTE_VHOST_ANY);
		assert_int_equal(ingroute_router_match(raw, host, big, "/a", 2, &m), 0);
		assert_string_equal(m.service, "anyhost");
		assert_int_equal(ingroute_router_tls(r, host, big, &tm), 0);
		assert_int_equal(tm.found, 1);
		assert_string_equal(tm.secret_name, "any-tls");
		check_explain(r, host, big, "/a", 2, INGROUTE_DECISION_PATH);
		check_explain(raw, host, big, "/a", 2, INGROUTE_DECISION_PATH);
		assert_int_equal(ingroute_normalize_host(host, big, out, big + 8), 0);

		/* A 64 KiB path is past ingroute_max_path(): the default. */
		path[0] = '/';
		for (i = 1; i < big; i++)
			path[i] = round % 3 == 0 ? 'a' : round % 3 == 1 ? "/a"[i % 2]
			                                                 : "/./"[i % 3];
		assert_int_equal(ingroute_router_match(r, "a.example.com", 13, path, big, &m), 0);
		assert_int_equal(m.decision, INGROUTE_DECISION_DEFAULT);
		assert_string_equal(m.service, "fallback");
		assert_int_equal(ingroute_router_match(raw, "a.example.com", 13, path, big,
		                                       &m), 0);
		assert_int_equal(m.decision, INGROUTE_DECISION_DEFAULT);
		check_explain(r, "a.example.com", 13, path, big, INGROUTE_DECISION_DEFAULT);
		check_explain(raw, "a.example.com", 13, path, big, INGROUTE_DECISION_DEFAULT);
		assert_int_equal(ingroute_normalize_path(path, big, out, big + 8), 0);
		/* Both at once. */
		assert_int_equal(ingroute_router_match(r, host, big, path, big, &m), 0);
		assert_int_equal(m.decision, INGROUTE_DECISION_DEFAULT);
		check_explain(r, host, big, path, big, INGROUTE_DECISION_DEFAULT);
	}
	/* Just past the host limits: 254 to 260 bytes without a port. */
	for (i = 250; i <= 260; i++) {
		memset(host, 'b', i);
		assert_int_equal(ingroute_router_match(r, host, i, "/a", 2, &m), 0);
		assert_string_equal(m.service, "anyhost");
		assert_int_equal(ingroute_router_tls(r, host, i, &tm), 0);
		check_explain(r, host, i, "/a", 2, INGROUTE_DECISION_PATH);
	}
	assert_time(t0, 2.0, "64 KiB headers");
	ingroute_router_unref(r);
	ingroute_router_unref(raw);
	free(host);
	free(path);
	free(out);
}

/* ---- invalid UTF-8, NUL bytes */

static void load_expect(const char *s, size_t n, int rc, int code, const char *part)
{
	loaded l;

	load(&l, NULL, s, n);
	if (l.rc != rc)
		fail_msg("expected %s, got %s for:\n%.*s", ingroute_strerror(rc),
		         ingroute_strerror(l.rc), (int)(n < 400 ? n : 400), s);
	if (rc != 0)
		assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	if (code)
		expect_diag(l.d, code, part);
	if (slow() > 0 && l.secs > 0.5 * slow())
		fail_msg("took %.3f s", l.secs);
	unload(&l);
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xff\xfe", "\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xe2\x82", "\x80",
	};
	size_t i;
	text t = { 0 };
	ingroute_router *r = small_router(0), *raw = small_router(INGROUTE_OPT_NO_NORMALIZE);
	ingroute_match m;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		/* In a plain scalar, a quoted one, a key, a JSON string. */
		t.len = 0;
		put(&t, "%smetadata: {name: web}\nspec:\n  rules:\n  - host: a%s.example.com\n",
		    ingress_head, bad[i]);
		load_expect(t.s, t.len, INGROUTE_ESYNTAX, INGROUTE_D_SYNTAX, NULL);
		t.len = 0;
		put(&t, "%smetadata: {name: \"w%se\"}\n", ingress_head, bad[i]);
		load_expect(t.s, t.len, INGROUTE_ESYNTAX, INGROUTE_D_SYNTAX, NULL);
		t.len = 0;
		put(&t, "{\"apiVersion\": \"networking.k8s.io/v1\", \"k%s\": 1}", bad[i]);
		load_expect(t.s, t.len, INGROUTE_ESYNTAX, INGROUTE_D_SYNTAX, NULL);
		/* As request bytes: no match on the DNS host, valid JSON out. */
		t.len = 0;
		put(&t, "a.example.com%s", bad[i]);
		m.size = sizeof(m);
		assert_int_equal(ingroute_router_match(r, t.s, t.len, "/a", 2, &m), 0);
		assert_string_equal(m.service, "anyhost");
		check_explain(r, t.s, t.len, t.s, t.len, m.decision);
		check_explain(raw, t.s, t.len, t.s, t.len, INGROUTE_DECISION_PATH);
	}
	/* Escapes that name no character: a lone surrogate. */
	t.len = 0;
	put(&t, "%smetadata: {name: \"web\\ud800\"}\nspec: {defaultBackend: {service: "
	    "{name: s, port: {number: 1}}}}\n", ingress_head);
	{
		loaded l;

		load(&l, NULL, t.s, t.len);
		/* Either a syntax error or an invalid name; never loaded. */
		assert_true(l.rc == INGROUTE_ESYNTAX || l.rc == 0);
		assert_int_equal(ingroute_ruleset_count(l.rs), 0);
		unload(&l);
	}
	ingroute_router_unref(r);
	ingroute_router_unref(raw);
	free(t.s);
}

static void test_nul_bytes(void **state)
{
	static const char raw_nul[] = "apiVersion: networking.k8s.io/v1\nkind: Ingr\0ess\n";
	text t = { 0 };
	ingroute_router *r = small_router(0), *raw = small_router(INGROUTE_OPT_NO_NORMALIZE);
	ingroute_match m;
	ingroute_tls_match tm;
	loaded l;

	(void)state;
	/* A raw NUL in the text is not YAML. */
	load_expect(raw_nul, sizeof(raw_nul) - 1, INGROUTE_ESYNTAX, INGROUTE_D_SYNTAX, NULL);
	/* Escaped NULs are part of the value: invalid host, name, path. */
	put(&t, "%smetadata: {name: web}\nspec:\n  rules:\n  - host: \"a.example.com\\0\"\n"
	    "    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, "
	    "port: {number: 80}}}}]}\n", ingress_head);
	load_expect(t.s, t.len, 0, INGROUTE_D_INVALID, NULL);
	load(&l, NULL, t.s, t.len);
	assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	unload(&l);
	t.len = 0;
	put(&t, "%smetadata: {name: \"web\\0x\"}\nspec: {defaultBackend: {service: {name: s, "
	    "port: {number: 1}}}}\n", ingress_head);
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	assert_true(ingroute_diags_count_severity(l.d, INGROUTE_ERROR) >= 1);
	unload(&l);
	/* The API server takes a NUL inside an Exact or Prefix path; the
	 * router compares by length, so "/a" is not "/a\0b". */
	t.len = 0;
	put(&t, "%smetadata: {name: web}\nspec:\n  rules:\n  - http: {paths: [{path: \"/a\\0b\", "
	    "pathType: Exact, backend: {service: {name: e, port: {number: 80}}}}, {path: "
	    "\"/p\\0q\", pathType: Prefix, backend: {service: {name: p, port: {number: 80}}}}]}\n",
	    ingress_head);
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	{
		ingroute_router *nr;
		static const struct { const char *p; size_t n; const char *svc; } q[] = {
			{ "/a", 2, NULL }, { "/a\0b", 4, "e" }, { "/a\0c", 4, NULL },
			{ "/p", 2, NULL }, { "/p\0q", 4, "p" }, { "/p\0q/x", 6, "p" },
			{ "/p\0qx", 5, NULL },
		};
		size_t i;

		assert_int_equal(ingroute_router_compile(&nr, l.rs, NULL), 0);
		for (i = 0; i < sizeof(q) / sizeof(*q); i++) {
			m.size = sizeof(m);
			assert_int_equal(ingroute_router_match(nr, "h.io", 4, q[i].p, q[i].n, &m), 0);
			if (q[i].svc)
				assert_string_equal(m.service, q[i].svc);
			else
				assert_int_equal(m.decision, INGROUTE_DECISION_NONE);
		}
		ingroute_router_unref(nr);
	}
	unload(&l);

	/* In requests: the NUL is a byte like any other. */
	m.size = sizeof(m);
	tm.size = sizeof(tm);
	assert_int_equal(ingroute_router_match(r, "a.example.com\0", 14, "/a", 2, &m), 0);
	assert_string_equal(m.service, "anyhost");
	assert_int_equal(ingroute_router_match(raw, "a.example.com\0", 14, "/a", 2, &m), 0);
	assert_string_equal(m.service, "anyhost");
	assert_int_equal(ingroute_router_match(r, "a.example.com", 13, "/a\0/b", 5, &m), 0);
	assert_string_equal(m.service, "root");    /* "/a\0" is not the element "a" */
	assert_int_equal(ingroute_router_match(r, "a.example.com", 13, "/a/\0", 4, &m), 0);
	assert_string_equal(m.service, "a");
	assert_int_equal(ingroute_router_tls(r, "a.example.com\0", 14, &tm), 0);
	assert_string_equal(tm.secret_name, "any-tls");
	check_explain(r, "a.\0example.com", 14, "/\0", 2, INGROUTE_DECISION_PATH);
	check_explain(raw, "a.\0example.com", 14, "/\0", 2, INGROUTE_DECISION_PATH);
	ingroute_router_unref(r);
	ingroute_router_unref(raw);
	free(t.s);
}

/* ---- duplicate keys */

static void test_duplicate_keys(void **state)
{
	text t = { 0 };
	size_t i, n = 100000 / shrink();
	loaded l;
	double t0;

	(void)state;
	put(&t, "%smetadata: {name: a, name: b}\nspec: {defaultBackend: {service: {name: s, "
	    "port: {number: 1}}}}\n", ingress_head);
	load_expect(t.s, t.len, 0, INGROUTE_D_DUPLICATE_KEY, NULL);
	t.len = 0;
	put(&t, "%skind: Ingress\nmetadata: {name: a}\nspec: {defaultBackend: {service: "
	    "{name: s, port: {number: 1}}}}\n", ingress_head);
	load_expect(t.s, t.len, 0, INGROUTE_D_DUPLICATE_KEY, NULL);
	/* JSON spelling the same key two ways ("\u006e" is "n"). */
	t.len = 0;
	put(&t, "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\", "
	    "\"metadata\": {\"name\": \"a\", \"\\u006eame\": \"b\"}, \"spec\": {\"defaultBackend\": "
	    "{\"service\": {\"name\": \"s\", \"port\": {\"number\": 1}}}}}");
	load_expect(t.s, t.len, 0, INGROUTE_D_DUPLICATE_KEY, NULL);

	/* 10^5 distinct keys, then 10^5 copies of one key, in one mapping
	 * (under status, which is read and ignored): checking for
	 * duplicates must not be quadratic. */
	t.len = 0;
	put(&t, "%smetadata: {name: a}\nstatus:\n", ingress_head);
	for (i = 0; i < n; i++)
		put(&t, "  k%zu: v\n", i);
	put(&t, "spec: {defaultBackend: {service: {name: s, port: {number: 1}}}}\n");
	t0 = now();
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	unload(&l);
	assert_time(t0, 3.0, "10^5 distinct keys");
	t.len = 0;
	put(&t, "%smetadata: {name: a}\nstatus:\n", ingress_head);
	for (i = 0; i < n; i++)
		put(&t, "  k: v%zu\n", i);
	put(&t, "spec: {defaultBackend: {service: {name: s, port: {number: 1}}}}\n");
	t0 = now();
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_true(ingroute_diags_count(l.d) <= 10001);
	if (l.c.peak > (size_t)64 << 20)
		fail_msg("10^5 duplicate keys: peak %zu bytes", l.c.peak);
	unload(&l);
	assert_time(t0, 3.0, "10^5 duplicate keys");
	/* 10^5 distinct labels and one repeated: the last value of the
	 * repeated key is kept in linear time, not by a pass per key. */
	t.len = 0;
	put(&t, "%smetadata:\n  name: a\n  labels:\n", ingress_head);
	for (i = 0; i < n; i++)
		put(&t, "    k%zu: v\n", i);
	put(&t, "    k0: last\n");
	put(&t, "spec: {defaultBackend: {service: {name: s, port: {number: 1}}}}\n");
	t0 = now();
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	expect_diag(l.d, INGROUTE_D_DUPLICATE_KEY, NULL);
	unload(&l);
	assert_time(t0, 3.0, "10^5 labels, one repeated");
	/* And 10^5 copies of a key the decoder reads: the last one wins, as
	 * kubectl has it, with one warning for the mapping. */
	t.len = 0;
	put(&t, "%smetadata:\n", ingress_head);
	for (i = 0; i < n; i++)
		put(&t, "  name: a%zu\n", i);
	put(&t, "spec: {defaultBackend: {service: {name: s, port: {number: 1}}}}\n");
	t0 = now();
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 1);
	assert_int_equal(ingroute_diags_count(l.d), 1);
	expect_diag(l.d, INGROUTE_D_DUPLICATE_KEY, NULL);
	{
		char want[32];
		ingroute_ingress_info info;

		snprintf(want, sizeof(want), "a%zu", n - 1);
		info.size = sizeof(info);
		assert_int_equal(ingroute_ruleset_get(l.rs, 0, &info), 0);
		assert_string_equal(info.name, want);
	}
	if (l.c.peak > (size_t)64 << 20)
		fail_msg("10^5 duplicate names: peak %zu bytes", l.c.peak);
	unload(&l);
	assert_time(t0, 3.0, "10^5 duplicate names");
	free(t.s);
}

/* ---- numbers out of range */

static void test_numbers(void **state)
{
	static const char *const bad[] = {
		"65536", "0", "-1", "2147483648", "-2147483649", "4294967376",
		"99999999999999999999999999999", "1e400", "-1e400", ".inf", ".nan",
		"0x10050", "80.5", "0b10000000000000000", "1_000_000_000_000", "\"80\"", "null",
		"[80]", "{a: 80}", "true",
	};
	text t = { 0 };
	size_t i;
	loaded l;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		t.len = 0;
		put(&t, "%smetadata: {name: web}\nspec: {defaultBackend: {service: {name: s, "
		    "port: {number: %s}}}}\n", ingress_head, bad[i]);
		load(&l, NULL, t.s, t.len);
		if (l.rc != 0 || ingroute_ruleset_count(l.rs) != 0 ||
		    ingroute_diags_count_severity(l.d, INGROUTE_ERROR) == 0)
			fail_msg("port number %s: %s, %zu loaded", bad[i],
			         ingroute_strerror(l.rc), ingroute_ruleset_count(l.rs));
		unload(&l);
	}
	/* A huge integer where a string belongs is an error too, and so is
	 * a timestamp out of RFC 3339's four-digit years (Go's time.Parse,
	 * and so the API server, refuses it). */
	t.len = 0;
	put(&t, "%smetadata: {name: 123456789012345678901234567890}\n"
	    "spec: {defaultBackend: {service: {name: s, port: {number: 1}}}}\n", ingress_head);
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	unload(&l);
	t.len = 0;
	put(&t, "%smetadata: {name: web, creationTimestamp: \"99999999999-01-01T00:00:00Z\"}\n"
	    "spec: {defaultBackend: {service: {name: s, port: {number: 1}}}}\n", ingress_head);
	load(&l, NULL, t.s, t.len);
	assert_int_equal(l.rc, 0);
	assert_int_equal(ingroute_ruleset_count(l.rs), 0);
	expect_diag(l.d, INGROUTE_D_TYPE, NULL);
	unload(&l);
	free(t.s);
}

/* ---- guard pages: input ending exactly at a PROT_NONE page */

typedef struct guarded {
	unsigned char *map;
	size_t page;
} guarded;

static void guard_init(guarded *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->map = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE,
	              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->map != MAP_FAILED);
	assert_int_equal(mprotect(g->map + g->page, g->page, PROT_NONE), 0);
}

/* Copies n bytes so that the last one is the last readable byte. */
static const char *guard_place(guarded *g, const void *s, size_t n)
{
	unsigned char *p;

	assert_true(n <= g->page);
	p = g->map + g->page - n;
	memcpy(p, s, n);
	return (const char *)p;
}

static void guard_free(guarded *g)
{
	munmap(g->map, 2 * g->page);
}

static void test_guard_pages(void **state)
{
	static const char *const hosts[] = {
		"a.example.com", "A.EXAMPLE.COM.", "a.example.com:", "a.example.com:8",
		"a.", "[::1", "[::1]:", "1.2.3.4", "a..b", "", "x", "*.example.com",
		"a.example.com\xc3", "\xff",
	};
	static const char *const paths[] = {
		"/a", "/a/", "/a/..", "/a/.", "/.", "/..", "%", "/%", "/%4", "/%41",
		"/a%2", "?", "/a?", "#", "//", "a", "", "/a/b/../../..", "/%2e%2", "/.%2",
		"/\xc3",
	};
	static const char manifest[] =
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: g}\n"
		"spec:\n  rules:\n  - host: a.example.com\n    http: {paths: [{path: /a, "
		"pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}\n";
	static const char *const texts[] = {
		manifest, "a: b", "a: \"b", "a: 'b", "[1, 2", "{a: b", "a: &x b\nc: *x",
		"a: |\n  b", "a: >\n  b", "- a\n- ", "\"\\u00", "a: b #", "--- a\n...",
		"\xef\xbb\xbf", "\xef\xbb", "{\"a\": \"\\ud83d\\ude00\"}", "a: !!str", "%YAML 1.1",
		"? a\n: b", "a: \\", "a", "a:", "-",
	};
	ingroute_router *r = small_router(0), *raw = small_router(INGROUTE_OPT_NO_NORMALIZE);
	guarded g;
	size_t i, j, cut;
	char out[512];

	(void)state;
	guard_init(&g);
	/* The loader, on every prefix of each text: every place the scanner
	 * may look one byte ahead. */
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		size_t n = strlen(texts[i]);

		for (cut = 0; cut <= n; cut++) {
			ingroute_ruleset *rs;
			const char *p = guard_place(&g, texts[i], cut);

			assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
			ingroute_ruleset_load_buffer(rs, p, cut, "guard.yaml", NULL);
			ingroute_ruleset_free(rs);
		}
	}
	/* Lookups: host and path each at the guard, every prefix. */
	for (i = 0; i < sizeof(hosts) / sizeof(*hosts); i++)
		for (j = 0; j < sizeof(paths) / sizeof(*paths); j++) {
			size_t hn = strlen(hosts[i]), pn = strlen(paths[j]), hc, pc;

			for (hc = 0; hc <= hn; hc++) {
				ingroute_match m;
				ingroute_tls_match tm;
				const char *h = guard_place(&g, hosts[i], hc);
				char *js = NULL;

				m.size = sizeof(m);
				tm.size = sizeof(tm);
				assert_int_equal(ingroute_router_match(r, h, hc, paths[j], pn, &m), 0);
				assert_int_equal(ingroute_router_match(raw, h, hc, paths[j], pn, &m), 0);
				assert_int_equal(ingroute_router_tls(r, h, hc, &tm), 0);
				assert_int_equal(ingroute_router_explain(r, h, hc, paths[j], pn, &js,
				                                         NULL), 0);
				ingroute_free(js);
				assert_int_equal(ingroute_router_explain(raw, h, hc, paths[j], pn,
				                                         &js, NULL), 0);
				ingroute_free(js);
				ingroute_normalize_host(h, hc, out, sizeof(out));
			}
			for (pc = 0; pc <= pn; pc++) {
				ingroute_match m;
				const char *p = guard_place(&g, paths[j], pc);
				char *js = NULL;

				m.size = sizeof(m);
				assert_int_equal(ingroute_router_match(r, hosts[i], hn, p, pc, &m), 0);
				assert_int_equal(ingroute_router_match(raw, hosts[i], hn, p, pc, &m), 0);
				assert_int_equal(ingroute_router_explain(r, hosts[i], hn, p, pc, &js,
				                                         NULL), 0);
				ingroute_free(js);
				assert_int_equal(ingroute_router_explain(raw, hosts[i], hn, p, pc,
				                                         &js, NULL), 0);
				ingroute_free(js);
				ingroute_normalize_path(p, pc, out, sizeof(out));
			}
		}
	/* Long inputs at the guard too: a whole page of host, of path. */
	{
		char *buf = malloc(g.page);
		ingroute_match m;
		ingroute_tls_match tm;
		char *js = NULL;
		const char *p;

		memset(buf, 'a', g.page);
		buf[0] = '/';
		p = guard_place(&g, buf, g.page);
		m.size = sizeof(m);
		tm.size = sizeof(tm);
		assert_int_equal(ingroute_router_match(r, p + 1, g.page - 1, p, g.page, &m), 0);
		assert_int_equal(ingroute_router_tls(r, p + 1, g.page - 1, &tm), 0);
		assert_int_equal(ingroute_router_explain(r, p + 1, g.page - 1, p, g.page, &js,
		                                         NULL), 0);
		ingroute_free(js);
		ingroute_normalize_host(p + 1, g.page - 1, out, sizeof(out));
		ingroute_normalize_path(p, g.page, out, sizeof(out));
		free(buf);
	}
	guard_free(&g);
	ingroute_router_unref(r);
	ingroute_router_unref(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_bomb_nodes),
		cmocka_unit_test(test_alias_bomb_bytes),
		cmocka_unit_test(test_alias_bomb_list),
		cmocka_unit_test(test_alias_bomb_merge),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_deep_nesting_raised_limit),
		cmocka_unit_test(test_huge_scalar),
		cmocka_unit_test(test_million_paths),
		cmocka_unit_test(test_wildcard_hosts),
		cmocka_unit_test(test_colliding_hosts),
		cmocka_unit_test(test_colliding_list_keys),
		cmocka_unit_test(test_huge_headers),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_guard_pages),
	};

	/* INGROUTE_PATHO_ONLY=test_huge_* runs a subset, INGROUTE_PATHO_SKIP
	 * leaves one out (cmocka's filters). */
	if (getenv("INGROUTE_PATHO_ONLY"))
		cmocka_set_test_filter(getenv("INGROUTE_PATHO_ONLY"));
	if (getenv("INGROUTE_PATHO_SKIP"))
		cmocka_set_skip_filter(getenv("INGROUTE_PATHO_SKIP"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
