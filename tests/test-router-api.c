/*
 * The router API added in 0.2, through the public header only:
 * ingroute_router_stats() counted on small hand-written rulesets, and
 * ingroute_router_compile_with() giving different answers from one
 * ruleset, loaded once; the normalisers' snprintf-like buffer convention;
 * each with every argument check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingroute.h"

/* Where the 0.2 layout of ingroute_stats ended. */
#define STATS_V02_SIZE (offsetof(ingroute_stats, string_bytes) + sizeof(size_t))

#define ING "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
#define SVC(n) "backend: {service: {name: " n ", port: {number: 80}}}"

/* Loads text into rs (which must accept it) and compiles a router. */
static ingroute_router *compile(ingroute_ruleset *rs, const char *text,
                                ingroute_diags *d)
{
	ingroute_router *r = NULL;

	if (text)
		assert_int_equal(ingroute_ruleset_load_buffer(rs, text, strlen(text),
		                                              "t.yaml", d), 0);
	assert_int_equal(ingroute_router_compile(&r, rs, d), 0);
	return r;
}

static ingroute_stats stats_of(const ingroute_router *r)
{
	ingroute_stats s;

	memset(&s, 0xa5, sizeof(s));
	s.size = sizeof(s);
	assert_int_equal(ingroute_router_stats(r, &s), 0);
	assert_int_equal(s.size, sizeof(s));
	return s;
}

/* Two Ingresses of class public on one host: old's /x and new's /x are a
 * conflict (old wins on its timestamp), and old's /x never matches once
 * new's /x/ wins on the slash. One of class internal, one invalid, a
 * wildcard host and rules without a host; three TLS entries. */
static const char classy[] =
	ING "metadata: {name: old, namespace: a, creationTimestamp: \"2020-01-01T00:00:00Z\"}\n"
	"spec:\n  ingressClassName: public\n"
	"  tls:\n  - {hosts: [h.io, \"*.w.io\"], secretName: s1}\n  - {secretName: s2}\n"
	"  rules:\n  - host: h.io\n    http:\n      paths:\n"
	"      - {path: /x, pathType: Prefix, " SVC("s") "}\n"
	"      - {path: /y, pathType: Exact, " SVC("s") "}\n"
	"---\n" ING "metadata: {name: new, namespace: a, creationTimestamp: \"2021-01-01T00:00:00Z\"}\n"
	"spec:\n  ingressClassName: public\n  rules:\n  - host: h.io\n    http:\n      paths:\n"
	"      - {path: /x, pathType: Prefix, " SVC("t") "}\n"
	"      - {path: /x/, pathType: Prefix, " SVC("t") "}\n"
	"  - host: \"*.w.io\"\n    http:\n      paths:\n"
	"      - {path: /, pathType: Prefix, " SVC("w") "}\n"
	"  - http:\n      paths:\n"
	"      - {path: /any, pathType: ImplementationSpecific, " SVC("nohost") "}\n"
	"---\n" ING "metadata: {name: other, namespace: a}\n"
	"spec:\n  ingressClassName: internal\n  rules:\n  - host: o.io\n    http:\n      paths:\n"
	"      - {path: /, pathType: Prefix, " SVC("o") "}\n"
	"---\n" ING "metadata: {name: bad, namespace: a}\n"
	"spec:\n  ingressClassName: public\n  rules:\n  - host: b.io\n    http:\n      paths:\n"
	"      - {path: nope, pathType: Prefix, " SVC("b") "}\n";

static const char bad_fixed[] =
	ING "metadata: {name: bad, namespace: a}\n"
	"spec:\n  ingressClassName: public\n  rules:\n  - host: b.io\n    http:\n      paths:\n"
	"      - {path: /ok, pathType: Prefix, " SVC("b") "}\n";

static const char other_broken[] =
	ING "metadata: {name: other, namespace: a}\n"
	"spec:\n  ingressClassName: internal\n  rules:\n  - host: o.io\n    http:\n      paths:\n"
	"      - {path: /, pathType: Wrong, " SVC("o") "}\n";

static ingroute_ruleset *public_ruleset(void)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;

	o.ingress_class = "public";
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	return rs;
}

static void test_stats_counts(void **state)
{
	ingroute_ruleset *rs = public_ruleset();
	ingroute_diags *d;
	ingroute_router *r;
	ingroute_stats s;

	(void)state;
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	r = compile(rs, classy, d);
	s = stats_of(r);
	assert_int_equal(s.ingresses_served, 2);
	assert_int_equal(s.ingresses_skipped, 1);
	assert_int_equal(s.ingresses_invalid, 1);
	assert_int_equal(s.virtual_hosts, 3);     /* h.io, *.w.io, no host */
	assert_int_equal(s.paths, 6);
	assert_int_equal(s.conflicts, 1);
	assert_int_equal(s.shadowed, 1);
	assert_int_equal(s.tls_entries, 3);
	assert_true(s.index_bytes > 0);
	/* At least every distinct string once: "h.io", "/x", ... */
	assert_true(s.string_bytes > strlen("h.io*.w.io/x/y/x//any"));
	ingroute_router_unref(r);

	/* A valid version of the invalid Ingress takes it off the count and
	 * serves it; nothing else moves. */
	r = compile(rs, bad_fixed, d);
	s = stats_of(r);
	assert_int_equal(s.ingresses_invalid, 0);
	assert_int_equal(s.ingresses_served, 3);
	assert_int_equal(s.ingresses_skipped, 1);
	assert_int_equal(s.virtual_hosts, 4);
	assert_int_equal(s.paths, 7);
	ingroute_router_unref(r);

	/* An invalid version of a held Ingress is counted, and the valid one
	 * it could not replace is still counted where it was (skipped). */
	assert_int_equal(ingroute_ruleset_load_buffer(rs, other_broken,
	                                              strlen(other_broken),
	                                              "t.yaml", d), 0);
	r = compile(rs, NULL, d);
	s = stats_of(r);
	assert_int_equal(s.ingresses_invalid, 1);
	assert_int_equal(s.ingresses_skipped, 1);
	assert_int_equal(s.ingresses_served, 3);
	ingroute_router_unref(r);

	/* Removing it takes it off both counts. */
	assert_int_equal(ingroute_ruleset_remove(rs, "a", "other"), 0);
	r = compile(rs, NULL, NULL);
	s = stats_of(r);
	assert_int_equal(s.ingresses_invalid, 0);
	assert_int_equal(s.ingresses_skipped, 0);
	/* Counted without a diagnostics list too. */
	assert_int_equal(s.conflicts, 1);
	assert_int_equal(s.shadowed, 1);
	ingroute_router_unref(r);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

/* Competing default backends are conflicts as well; a router of nothing
 * counts nothing. */
static void test_stats_defaults_and_empty(void **state)
{
	static const char text[] =
		ING "metadata: {name: d1, namespace: a, creationTimestamp: \"2020-01-01T00:00:00Z\"}\n"
		"spec:\n  defaultBackend: {service: {name: one, port: {number: 80}}}\n"
		"---\n" ING "metadata: {name: d2, namespace: a}\n"
		"spec:\n  defaultBackend: {service: {name: two, port: {number: 80}}}\n";
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;
	ingroute_stats s;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	r = compile(rs, NULL, NULL);
	s = stats_of(r);
	assert_int_equal(s.ingresses_served + s.ingresses_skipped +
	                 s.ingresses_invalid + s.virtual_hosts + s.paths +
	                 s.conflicts + s.shadowed + s.tls_entries, 0);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);

	/* max_diagnostics 1 keeps one of them; the count has both. */
	o.max_diagnostics = 1;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	r = compile(rs, text, NULL);
	s = stats_of(r);
	assert_int_equal(s.ingresses_served, 2);
	assert_int_equal(s.conflicts, 1);
	assert_int_equal(s.virtual_hosts, 0);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

static void test_stats_arguments(void **state)
{
	ingroute_ruleset *rs;
	ingroute_router *r;
	union {
		ingroute_stats s;
		unsigned char b[sizeof(ingroute_stats) + 32];
	} u;
	size_t i;

	(void)state;
	assert_int_equal(ingroute_stats_size(), sizeof(ingroute_stats));
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	r = compile(rs, bad_fixed, NULL);

	u.s.size = sizeof(u.s);
	assert_int_equal(ingroute_router_stats(NULL, &u.s), INGROUTE_EINVAL);
	assert_int_equal(ingroute_router_stats(r, NULL), INGROUTE_EINVAL);
	/* Smaller than the first layout: refused, nothing written. */
	memset(u.b, 0xa5, sizeof(u.b));
	u.s.size = STATS_V02_SIZE - 1;
	assert_int_equal(ingroute_router_stats(r, &u.s), INGROUTE_EINVAL);
	assert_int_equal(u.s.size, STATS_V02_SIZE - 1);
	for (i = sizeof(size_t); i < sizeof(u.b); i++)
		assert_int_equal(u.b[i], 0xa5);
	/* A 0.2 caller's struct: filled to its end, generation untouched. */
	u.s.size = STATS_V02_SIZE;
	assert_int_equal(ingroute_router_stats(r, &u.s), 0);
	assert_int_equal(u.s.size, STATS_V02_SIZE);
	assert_int_equal(u.s.paths, 1);
	for (i = STATS_V02_SIZE; i < sizeof(u.b); i++)
		assert_int_equal(u.b[i], 0xa5);
	u.s.size = 0;
	assert_int_equal(ingroute_router_stats(r, &u.s), INGROUTE_EINVAL);
	/* A newer caller's larger struct: filled up to this library's size,
	 * and size says so. */
	memset(u.b, 0xa5, sizeof(u.b));
	u.s.size = sizeof(u.b);
	assert_int_equal(ingroute_router_stats(r, &u.s), 0);
	assert_int_equal(u.s.size, sizeof(ingroute_stats));
	assert_int_equal(u.s.paths, 1);
	for (i = sizeof(ingroute_stats); i < sizeof(u.b); i++)
		assert_int_equal(u.b[i], 0xa5);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

/* ---- ingroute_router_compile_with() */

static const char routes[] =
	ING "metadata: {name: r, namespace: a}\n"
	"spec:\n  rules:\n  - host: a.io\n    http:\n      paths:\n"
	"      - {path: /app, pathType: Prefix, " SVC("app") "}\n"
	"      - {path: /e, pathType: Exact, " SVC("e") "}\n"
	"      - {path: /impl, pathType: ImplementationSpecific, " SVC("impl") "}\n"
	"  - host: \"*.a.io\"\n    http:\n      paths:\n"
	"      - {path: /w, pathType: Prefix, " SVC("wild") "}\n"
	"  - http:\n      paths:\n"
	"      - {path: /fallback, pathType: Prefix, " SVC("any") "}\n";

/* The service a request goes to under a router: "" for none, "=NAME"
 * for a default backend. */
static const char *route(const ingroute_router *r, const char *host,
                         const char *path)
{
	static char out[64];
	ingroute_match m;

	m.size = sizeof(m);
	assert_int_equal(ingroute_router_match(r, host, strlen(host), path,
	                                       strlen(path), &m), 0);
	if (m.decision == INGROUTE_DECISION_NONE)
		return "";
	snprintf(out, sizeof(out), "%s%s",
	         m.decision == INGROUTE_DECISION_DEFAULT ? "=" : "", m.service);
	return out;
}

static ingroute_router *compile_with(const ingroute_ruleset *rs,
                                     unsigned fields, unsigned flags,
                                     int impl, const char *backend)
{
	ingroute_compile_options o = INGROUTE_COMPILE_OPTIONS_INIT;
	ingroute_router *r = NULL;

	o.fields = fields;
	o.flags = flags;
	o.impl_specific = impl;
	o.default_backend = backend;
	assert_int_equal(ingroute_router_compile_with(&r, rs, &o, NULL), 0);
	assert_non_null(r);
	return r;
}

static void test_compile_with_normalize_and_fallthrough(void **state)
{
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;

	(void)state;
	/* The ruleset falls through; compiles turn it off and on again. */
	opts.flags = INGROUTE_OPT_FALLTHROUGH;
	assert_int_equal(ingroute_ruleset_new(&rs, &opts), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, routes, strlen(routes),
	                                              "r.yaml", NULL), 0);

	/* NULL and INIT: the ruleset's options, fall-through included. */
	assert_int_equal(ingroute_router_compile_with(&r, rs, NULL, NULL), 0);
	assert_string_equal(route(r, "A.io:80", "/x/../app/1"), "app");
	assert_string_equal(route(r, "a.io", "/fallback"), "any");
	ingroute_router_unref(r);
	r = compile_with(rs, 0, 0, 0, NULL);
	assert_string_equal(route(r, "a.io", "/fallback"), "any");
	ingroute_router_unref(r);

	/* No fall-through: a.io exists, so only its rules are asked. */
	r = compile_with(rs, INGROUTE_COMPILE_FALLTHROUGH, 0, 0, NULL);
	assert_string_equal(route(r, "a.io", "/fallback"), "");
	assert_string_equal(route(r, "x.a.io", "/w/1"), "wild");
	assert_string_equal(route(r, "A.io:80", "/x/../app/1"), "app");
	ingroute_router_unref(r);

	/* No normalisation: "A.io:80" names no rule host, so the rules
	 * without a host answer (fall-through still on), and the path is
	 * compared as given. */
	r = compile_with(rs, INGROUTE_COMPILE_NO_NORMALIZE,
	                 INGROUTE_OPT_NO_NORMALIZE, 0, NULL);
	assert_string_equal(route(r, "A.io:80", "/x/../app/1"), "");
	assert_string_equal(route(r, "A.io:80", "/fallback/x"), "any");
	assert_string_equal(route(r, "a.io", "/app//1"), "app");
	assert_string_equal(route(r, "a.io", "/e?x"), "");
	ingroute_router_unref(r);

	/* A flag whose field is not named is ignored. */
	r = compile_with(rs, INGROUTE_COMPILE_FALLTHROUGH,
	                 INGROUTE_OPT_NO_NORMALIZE, 0, NULL);
	assert_string_equal(route(r, "A.io:80", "/x/../app/1"), "app");
	assert_string_equal(route(r, "a.io", "/fallback"), "");
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

static void test_compile_with_impl_modes(void **state)
{
	ingroute_ruleset *rs;
	ingroute_router *r;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, routes, strlen(routes),
	                                              "r.yaml", NULL), 0);
	r = compile_with(rs, 0, 0, 0, NULL);   /* the ruleset's: prefix */
	assert_string_equal(route(r, "a.io", "/impl/x"), "impl");
	assert_string_equal(route(r, "a.io", "/implx"), "");
	ingroute_router_unref(r);
	r = compile_with(rs, INGROUTE_COMPILE_IMPL_SPECIFIC, 0,
	                 INGROUTE_IMPL_EXACT, NULL);
	assert_string_equal(route(r, "a.io", "/impl"), "impl");
	assert_string_equal(route(r, "a.io", "/impl/x"), "");
	ingroute_router_unref(r);
	r = compile_with(rs, INGROUTE_COMPILE_IMPL_SPECIFIC, 0,
	                 INGROUTE_IMPL_STRING_PREFIX, NULL);
	assert_string_equal(route(r, "a.io", "/implx"), "impl");
	assert_string_equal(route(r, "a.io", "/impl/x"), "impl");
	ingroute_router_unref(r);
	r = compile_with(rs, INGROUTE_COMPILE_IMPL_SPECIFIC, 0,
	                 INGROUTE_IMPL_PREFIX, NULL);
	assert_string_equal(route(r, "a.io", "/impl/x"), "impl");
	assert_string_equal(route(r, "a.io", "/implx"), "");
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

static void test_compile_with_default_backend(void **state)
{
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;
	ingroute_match m;
	char backend[] = "o/other:http";

	(void)state;
	opts.default_backend = "d/def:80";
	assert_int_equal(ingroute_ruleset_new(&rs, &opts), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, routes, strlen(routes),
	                                              "r.yaml", NULL), 0);
	r = compile_with(rs, 0, 0, 0, NULL);
	assert_string_equal(route(r, "b.io", "/"), "=def");
	ingroute_router_unref(r);

	/* Another option, read during the call only. */
	r = compile_with(rs, INGROUTE_COMPILE_DEFAULT_BACKEND, 0, 0, backend);
	memset(backend, 'x', sizeof(backend) - 1);
	m.size = sizeof(m);
	assert_int_equal(ingroute_router_match(r, "b.io", 4, "/", 1, &m), 0);
	assert_int_equal(m.decision, INGROUTE_DECISION_DEFAULT);
	assert_int_equal(m.default_source, INGROUTE_DEFAULT_OPTION);
	assert_string_equal(m.backend_ns, "o");
	assert_string_equal(m.service, "other");
	assert_string_equal(m.port_name, "http");
	ingroute_router_unref(r);

	/* None at all: the request finds nothing. */
	r = compile_with(rs, INGROUTE_COMPILE_DEFAULT_BACKEND, 0, 0, NULL);
	assert_string_equal(route(r, "b.io", "/"), "");
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

static void test_compile_with_arguments(void **state)
{
	ingroute_compile_options a = INGROUTE_COMPILE_OPTIONS_INIT, b;
	union {
		ingroute_compile_options o;
		unsigned char bytes[sizeof(ingroute_compile_options) + 16];
	} big;
	ingroute_ruleset *rs;
	ingroute_router *r;
	size_t i;

	(void)state;
	assert_int_equal(ingroute_compile_options_size(),
	                 sizeof(ingroute_compile_options));
	/* The function gives the initialiser's bytes, and zeroes a newer
	 * caller's tail. */
	memset(&b, 0x5a, sizeof(b));
	assert_int_equal(ingroute_compile_options_init(&b, sizeof(b)), 0);
	assert_int_equal(b.size, a.size);
	assert_int_equal(b.fields, a.fields);
	assert_int_equal(b.flags, a.flags);
	assert_int_equal(b.impl_specific, a.impl_specific);
	assert_null(b.default_backend);
	memset(big.bytes, 0x5a, sizeof(big.bytes));
	assert_int_equal(ingroute_compile_options_init(&big.o, sizeof(big.bytes)), 0);
	assert_int_equal(big.o.size, sizeof(big.bytes));
	for (i = sizeof(size_t); i < sizeof(big.bytes); i++)
		assert_int_equal(big.bytes[i], 0);
	assert_int_equal(ingroute_compile_options_init(NULL, sizeof(b)),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_compile_options_init(&b, sizeof(b) - 1),
	                 INGROUTE_EINVAL);

	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_router_compile_with(NULL, rs, &a, NULL),
	                 INGROUTE_EINVAL);
	r = (ingroute_router *)&a;
	assert_int_equal(ingroute_router_compile_with(&r, NULL, &a, NULL),
	                 INGROUTE_EINVAL);
	assert_null(r);
#define REJECTS(what)                                                     \
	do {                                                              \
		ingroute_compile_options o = INGROUTE_COMPILE_OPTIONS_INIT; \
		what;                                                     \
		r = (ingroute_router *)&a;                                \
		assert_int_equal(ingroute_router_compile_with(&r, rs, &o, NULL), \
		                 INGROUTE_EINVAL);                        \
		assert_null(r);                                           \
	} while (0)
	REJECTS(o.size = sizeof(o) - 1);
	REJECTS(o.size = 0);
	REJECTS(o.fields = 1u << 4);
	REJECTS(o.flags = INGROUTE_OPT_STRICT);
	REJECTS(o.flags = INGROUTE_OPT_DEFAULT_CLASS);
	REJECTS((o.fields = INGROUTE_COMPILE_IMPL_SPECIFIC, o.impl_specific = 3));
	REJECTS((o.fields = INGROUTE_COMPILE_IMPL_SPECIFIC, o.impl_specific = -1));
	REJECTS((o.fields = INGROUTE_COMPILE_DEFAULT_BACKEND,
	         o.default_backend = "no-slash:80"));
	REJECTS((o.fields = INGROUTE_COMPILE_DEFAULT_BACKEND,
	         o.default_backend = "ns/svc"));
#undef REJECTS
	/* Settings that are not named are not read. */
	a.impl_specific = 99;
	a.default_backend = "garbage";
	assert_int_equal(ingroute_router_compile_with(&r, rs, &a, NULL), 0);
	ingroute_router_unref(r);
	/* A newer caller's larger struct: its tail is not read. */
	ingroute_compile_options_init(&big.o, sizeof(big.bytes));
	memset(big.bytes + sizeof(big.o), 0xff, sizeof(big.bytes) - sizeof(big.o));
	assert_int_equal(ingroute_router_compile_with(&r, rs, &big.o, NULL), 0);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

/* ---- the normalisers' snprintf convention (0.2) */

static void test_normalize_buffers(void **state)
{
	static const char host[] = "Shop.Example.COM.:8443", path[] = "/a//b/../c%7E?q";
	char out[32], big[9000];
	size_t i;

	(void)state;
	/* The length alone, then every buffer size around it: the return value
	 * stays the whole length, as much as fits is written, nothing more. */
	assert_int_equal(ingroute_normalize_host(host, strlen(host), NULL, 0), 16);
	for (i = 0; i <= 17; i++) {
		memset(out, '#', sizeof(out));
		assert_int_equal(ingroute_normalize_host(host, strlen(host), out, i), 16);
		assert_memory_equal(out, "shop.example.com", i < 16 ? i : 16);
		assert_int_equal(out[i < 16 ? i : 16], '#');
	}
	assert_int_equal(ingroute_normalize_path(path, strlen(path), NULL, 0), 5);
	for (i = 0; i <= 6; i++) {
		memset(out, '#', sizeof(out));
		assert_int_equal(ingroute_normalize_path(path, strlen(path), out, i), 5);
		assert_memory_equal(out, "/a/c~", i < 5 ? i : 5);
		assert_int_equal(out[i < 5 ? i : 5], '#');
	}
	/* A path needing no change is copied as it is, the same way. */
	memset(out, '#', sizeof(out));
	assert_int_equal(ingroute_normalize_path("/abc", 4, out, 2), 4);
	assert_memory_equal(out, "/a#", 3);
	/* A '/' put in front: one more than the input. */
	assert_int_equal(ingroute_normalize_path("", 0, NULL, 0), 1);
	assert_int_equal(ingroute_normalize_path("a", 1, out, 1), 2);
	assert_int_equal(out[0], '/');

	/* 0 still means "no result", whatever the buffer. */
	assert_int_equal(ingroute_normalize_host("10.0.0.1", 8, out, sizeof(out)), 0);
	assert_int_equal(ingroute_normalize_host("10.0.0.1", 8, NULL, 0), 0);
	assert_int_equal(ingroute_normalize_host("", 0, out, sizeof(out)), 0);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	assert_true(sizeof(big) > ingroute_max_path());
	assert_int_equal(ingroute_normalize_path(big, sizeof(big), big, sizeof(big)), 0);
	assert_int_equal(ingroute_normalize_path(big, sizeof(big), NULL, 0), 0);
	assert_int_equal(ingroute_normalize_path(big, ingroute_max_path(), NULL, 0),
	                 ingroute_max_path());
	/* Its query does not count towards the limit. */
	big[ingroute_max_path()] = '?';
	assert_int_equal(ingroute_normalize_path(big, sizeof(big), NULL, 0),
	                 ingroute_max_path());
	/* Arguments: a NULL buffer with room, or NULL input with a length. */
	assert_int_equal(ingroute_normalize_host(host, strlen(host), NULL, 4), 0);
	assert_int_equal(ingroute_normalize_path(NULL, 3, out, sizeof(out)), 0);
	assert_int_equal(ingroute_normalize_host(NULL, 0, out, sizeof(out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_counts),
		cmocka_unit_test(test_stats_defaults_and_empty),
		cmocka_unit_test(test_stats_arguments),
		cmocka_unit_test(test_compile_with_normalize_and_fallthrough),
		cmocka_unit_test(test_compile_with_impl_modes),
		cmocka_unit_test(test_compile_with_default_backend),
		cmocka_unit_test(test_compile_with_arguments),
		cmocka_unit_test(test_normalize_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
