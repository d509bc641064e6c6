/*
 * The router against the reference matcher on generated rulesets and
 * requests (seeded; INGROUTE_SEED=N reproduces a run), and the properties
 * the API promises: no allocation per lookup, safe concurrent lookups
 * while other routers are built and freed, reference counting, explain
 * agreeing with match, JSON that parses, and clean failure at every
 * allocation of compile, explain and dump.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingroute.h"
#include "reference.h"
#include "router.h"
#include "routefmt.h"
#include "testutil.h"

/* ---- a small deterministic generator (xorshift64*) */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Few distinct values, so rules collide, nest and shadow one another. */
static const char *const g_hosts[] = { "a.x.io", "b.x.io", "*.x.io", "x.io",
                                       "*.io", "c.b.x.io", NULL };
static const char *const g_segs[] = { "a", "b", "ab", "a.b", "A", "%2F" };
static const char *const g_types[] = { "Exact", "Prefix", "ImplementationSpecific" };

/* impl: an ImplementationSpecific path, which may be empty or hold
 * "%2F"; Exact and Prefix paths may not. */
static void gen_path(char *out, size_t n, int impl)
{
	size_t len = 0, k, depth = pick(4);
	unsigned nsegs = sizeof(g_segs) / sizeof(*g_segs) - (impl ? 0 : 1);

	if (impl && pick(12) == 0) {
		out[0] = '\0';
		return;
	}
	for (k = 0; k < depth; k++)
		len += (size_t)snprintf(out + len, n - len, "/%s", g_segs[pick(nsegs)]);
	if (depth == 0 || pick(4) == 0)
		len += (size_t)snprintf(out + len, n - len, "/");
	out[len] = '\0';
}

static void gen_backend(char *out, size_t n)
{
	if (pick(10) == 0)
		snprintf(out, n, "{resource: {apiGroup: k8s.example.com, kind: Bucket, "
		         "name: b%u}}", pick(5));
	else if (pick(3) == 0)
		snprintf(out, n, "{service: {name: s%u, port: {name: http}}}", pick(9));
	else
		snprintf(out, n, "{service: {name: s%u, port: {number: %u}}}", pick(9),
		         80 + pick(3));
}

/* A multi-document manifest of a few Ingresses. */
static char *gen_manifest(int impl_mode)
{
	size_t cap = 1 << 16, len = 0;
	char *s = malloc(cap);
	unsigned ni = 1 + pick(5), i, r, p;

	for (i = 0; i < ni; i++) {
		unsigned nrules = pick(4), npaths;
		char be[160];

		len += (size_t)snprintf(s + len, cap - len,
			"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
			"metadata:\n  name: i%u\n  namespace: ns%u\n", i, pick(3));
		if (pick(2))
			len += (size_t)snprintf(s + len, cap - len,
				"  creationTimestamp: \"2024-01-0%uT00:00:00Z\"\n", 1 + pick(3));
		len += (size_t)snprintf(s + len, cap - len, "spec:\n");
		if (nrules == 0 || pick(3) == 0) {
			gen_backend(be, sizeof(be));
			len += (size_t)snprintf(s + len, cap - len, "  defaultBackend: %s\n", be);
		}
		if (nrules)
			len += (size_t)snprintf(s + len, cap - len, "  rules:\n");
		for (r = 0; r < nrules; r++) {
			const char *h = g_hosts[pick(7)];

			len += (size_t)snprintf(s + len, cap - len, "  - %s%s%s\n",
			                        h ? "host: \"" : "{}", h ? h : "", h ? "\"" : "");
			if (pick(8) == 0)
				continue;   /* a host claimed without http */
			if (!h)
				len -= 3, len += (size_t)snprintf(s + len, cap - len, "\n");
			len += (size_t)snprintf(s + len, cap - len, "    http:\n      paths:\n");
			/* Now and then more rules on one host than fit the short
			 * list of a small host, so the trie and exact table run too. */
			npaths = pick(6) == 0 ? 12 + pick(14) : 1 + pick(4);
			for (p = 0; p < npaths; p++) {
				char path[128];
				unsigned t = pick(3);

				gen_path(path, sizeof(path), t == 2);
				gen_backend(be, sizeof(be));
				len += (size_t)snprintf(s + len, cap - len,
					"      - {path: \"%s\", pathType: %s, backend: %s}\n",
					path, g_types[t], be);
			}
		}
	}
	(void)impl_mode;
	return s;
}

static void gen_request(char *host, size_t hn, char *path, size_t pn)
{
	static const char *const hosts[] = {
		"a.x.io", "A.X.IO", "b.x.io:8080", "z.x.io", "x.io", "c.b.x.io",
		"q.io", "a.x.io.", "", "10.0.0.1", "[::1]:80", "a..x.io", "y.z.x.io",
		"other.com", "a_b.x.io",
	};
	static const char *const extra[] = { "/.", "/..", "//", "/%61", "/%2f",
	                                     "?q=1", "#f", "/a%2Fb", "/" };
	size_t len = 0, k, depth = pick(5);

	snprintf(host, hn, "%s", hosts[pick(sizeof(hosts) / sizeof(*hosts))]);
	if (pick(10) == 0) {
		path[0] = '\0';
		return;
	}
	for (k = 0; k < depth; k++) {
		if (pick(6) == 0)
			len += (size_t)snprintf(path + len, pn - len, "%s",
			                        extra[pick(sizeof(extra) / sizeof(*extra))]);
		else
			len += (size_t)snprintf(path + len, pn - len, "/%s",
			                        g_segs[pick(sizeof(g_segs) / sizeof(*g_segs))]);
	}
	if (depth == 0 || pick(5) == 0)
		len += (size_t)snprintf(path + len, pn - len, "/");
	path[len] = '\0';
}

/* ---- a minimal JSON syntax check, for explain and dump */

static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int k;

				for (k = 1; k <= 4; k++)
					if (!strchr("0123456789abcdefABCDEF", p[k]) || !p[k])
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if (!(p = json_string(json_ws(p))))
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = json_value(p)))
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		p++;
		while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
		       *p == '+' || *p == '-')
			p++;
		return p;
	}
	return NULL;
}

static int json_ok(const char *s)
{
	const char *end = json_value(s);

	return end && *json_ws(end) == '\0';
}

/* ---- differential */

static uint64_t base_seed(void)
{
	const char *s = getenv("INGROUTE_SEED");

	return s ? strtoull(s, NULL, 10) : 20261126;
}

static void test_differential(void **state)
{
	uint64_t seed0 = base_seed();
	unsigned run, q, cases = 0;

	(void)state;
	for (run = 0; run < 400; run++) {
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ref_options ro;
		ingroute_ruleset *rs;
		ingroute_router *r;
		char *text;
		uint64_t seed = seed0 * 1000003u + run;

		rng_state = seed ? seed : 1;
		o.impl_specific = (int)pick(3);
		o.flags = (pick(3) == 0 ? INGROUTE_OPT_FALLTHROUGH : 0) |
		          (pick(8) == 0 ? INGROUTE_OPT_NO_NORMALIZE : 0);
		o.default_backend = pick(5) == 0 ? "opt/fallback:9090" : NULL;
		ro.flags = o.flags;
		ro.impl = o.impl_specific;
		ro.default_backend = o.default_backend;
		text = gen_manifest(o.impl_specific);
		assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
		if (ingroute_ruleset_load_buffer(rs, text, strlen(text), "gen.yaml", NULL))
			fail_msg("seed %llu: generated manifest did not load:\n%s",
			         (unsigned long long)seed, text);
		assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
		for (q = 0; q < 60; q++) {
			char host[64], path[256], got[2048], ref[2048];
			const char *what = NULL;
			ingroute_match m;
			ref_answer a;

			gen_request(host, sizeof(host), path, sizeof(path));
			m.size = sizeof(m);
			assert_int_equal(ingroute_router_match(r, host, strlen(host), path,
			                                       strlen(path), &m), 0);
			ref_match(rs, &ro, host, strlen(host), path, strlen(path), &a);
			fmt_match(got, sizeof(got), &m);
			if (!route_agrees(r, host, strlen(host), path, strlen(path), &m,
			                  &what))
				fail_msg("seed %llu: %s %s: ingroute_router_route() "
				         "differs in %s", (unsigned long long)seed, host,
				         path, what);
			ref_format(ref, sizeof(ref), &a, &ro);
			if (strcmp(got, ref) != 0 || m.vhost_kind != a.vhost) {
				char *j = NULL;

				ingroute_router_explain(r, host, strlen(host), path,
				                        strlen(path), &j, NULL);
				print_error("seed %llu (INGROUTE_SEED=%llu, run %u), impl %d, "
				            "flags %u\nrequest %s %s\n  router    %s (vhost %d)\n"
				            "  reference %s (vhost %d)\nmanifest:\n%s\nexplain: %s\n",
				            (unsigned long long)seed, (unsigned long long)seed0,
				            run, o.impl_specific, o.flags, host, path, got,
				            m.vhost_kind, ref, a.vhost, text, j ? j : "");
				ingroute_free(j);
				fail();
			}
			ref_answer_free(&a);
			cases++;
		}
		ingroute_router_unref(r);
		ingroute_ruleset_free(rs);
		free(text);
	}
	assert_int_equal(cases, 400 * 60);
}

/* ---- properties of the API */

static const char manifest[] =
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	"metadata: {name: shop, namespace: web}\n"
	"spec:\n"
	"  defaultBackend: {service: {name: fallback, port: {number: 80}}}\n"
	"  tls:\n"
	"  - {hosts: [shop.example.com, \"*.example.com\"], secretName: shop-tls}\n"
	"  - {secretName: default-tls}\n"
	"  rules:\n"
	"  - host: shop.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /, pathType: Prefix, backend: {service: {name: home, port: {number: 80}}}}\n"
	"      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 8080}}}}\n"
	"      - {path: /cart/checkout, pathType: Exact, backend: {service: {name: pay, port: {name: https}}}}\n"
	"  - host: \"*.example.com\"\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /static/, pathType: Prefix, backend: {service: {name: static, port: {number: 80}}}}\n";

static ingroute_router *compile_text(const char *text, const ingroute_options *o,
                                     ingroute_ruleset **rs_out)
{
	ingroute_ruleset *rs;
	ingroute_router *r;

	assert_int_equal(ingroute_ruleset_new(&rs, o), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, text, strlen(text), NULL,
	                                              NULL), 0);
	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	if (rs_out)
		*rs_out = rs;
	else
		ingroute_ruleset_free(rs);
	return r;
}

/* n random bytes in an allocation of exactly n (so that ASan sees a
 * read past them), from the alphabet's first 26 letters but one time in
 * odds, else from all of it. */
static char *random_text(const char *alphabet, size_t size, size_t n,
                         unsigned odds)
{
	char *s = malloc(n ? n : 1);
	size_t k;

	assert_non_null(s);
	for (k = 0; k < n; k++)
		s[k] = pick(odds) ? alphabet[pick(26)] : alphabet[pick(size)];
	return s;
}

/* The lookup takes a host as it is when ingroute__host_is_normal() says
 * normalising would not change it: that must hold for every host, in the
 * vector form and the scalar one. Each host sits at the very end of its
 * own allocation, so a read past it is an error under ASan. */
static void test_host_fast_path(void **state)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789"
	                               "..--..--ABZ:_*[]\x80\xff";
	size_t i, normal = 0;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < 300000; i++) {
		size_t n = pick(8) == 0 ? pick(300) : pick(40);
		char *h = random_text(alphabet, sizeof(alphabet) - 1, n, 4), out[IG_MAX_HOST + 1];
		size_t on = 0;
		int fast, scalar, full;

		fast = ingroute__host_is_normal(h, n);
		scalar = ingroute__host_is_normal_scalar(h, n);
		if (fast) {
			/* The first dot, as the wildcard's suffix needs it. */
			const char *d = memchr(h, '.', n);
			size_t dot = 0;

			assert_int_equal(ingroute__host_is_normal_dot(h, n, &dot), 1);
			assert_int_equal(dot, d ? (size_t)(d - h) : n);
		}
		full = ingroute__normalize_host(h, n, out, &on) == IG_HOST_NAME &&
		       on == n && memcmp(out, h, n) == 0;
		if (fast != scalar || fast != full)
			fail_msg("host \"%.*s\" (%zu bytes): vector %d, scalar %d, "
			         "normalised unchanged %d", (int)n, h, n, fast, scalar,
			         full);
		normal += (size_t)fast;
		free(h);
	}
	/* Both answers were common. */
	assert_true(normal > 10000 && normal < 290000);
}

/* The same for paths: ingroute__path_is_normal() (vector) against the
 * scalar form and against "normalising gives it back in place". Lengths
 * around 16 and 32 cross the piece boundaries of the vector form. */
static void test_path_fast_path(void **state)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789"
	                               "//..//..-_~%?#\x00\x80\xff";
	static char out[IG_MAX_PATH + 2];
	size_t i, normal = 0;

	(void)state;
	rng_state = 0x2545f4914f6cdd1dull;
	for (i = 0; i < 300000; i++) {
		size_t n = pick(8) == 0 ? pick(100) : pick(40);
		char *p = random_text(alphabet, sizeof(alphabet) - 1, n, 3);
		const char *res = NULL;
		size_t on = 0;
		int fast, scalar, full;

		if (n && pick(8))
			p[0] = '/';
		fast = ingroute__path_is_normal(p, n);
		scalar = ingroute__path_is_normal_scalar(p, n);
		full = ingroute__normalize_path(p, n, out, &res, &on) == 0 &&
		       res == p && on == n;
		if (fast != scalar || fast != full)
			fail_msg("path \"%.*s\" (%zu bytes): vector %d, scalar %d, "
			         "in place %d", (int)n, p, n, fast, scalar, full);
		normal += (size_t)fast;
		free(p);
	}
	assert_true(normal > 10000 && normal < 290000);
}

static void test_no_allocation_per_lookup(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_allocator a;
	test_alloc t;
	ingroute_router *r;
	ingroute_match m;
	ingroute_tls_match tm;
	size_t before, i;
	static const char *const reqs[][2] = {
		{ "shop.example.com", "/cart/checkout" }, { "SHOP.example.com:443", "/x/../cart?x" },
		{ "a.example.com", "/static/app.js" }, { "nope", "/" }, { "", "" },
	};

	(void)state;
	test_alloc_init(&t, &a, 0);
	o.allocator = &a;
	r = compile_text(manifest, &o, NULL);
	before = t.calls;
	for (i = 0; i < 1000; i++) {
		m.size = sizeof(m);
		assert_int_equal(ingroute_router_match(r, reqs[i % 5][0],
		                                       strlen(reqs[i % 5][0]),
		                                       reqs[i % 5][1],
		                                       strlen(reqs[i % 5][1]), &m), 0);
		tm.size = sizeof(tm);
		assert_int_equal(ingroute_router_tls(r, reqs[i % 5][0],
		                                     strlen(reqs[i % 5][0]), &tm), 0);
	}
	assert_int_equal(t.calls, before);
	ingroute_router_unref(r);
	assert_int_equal(t.live, 0);
}

static void test_match_fields(void **state)
{
	ingroute_router *r = compile_text(manifest, NULL, NULL);
	ingroute_match m;
	ingroute_tls_match t;
	char big[9000];

	(void)state;
	m.size = sizeof(m);
	assert_int_equal(ingroute_router_match(r, "shop.example.com", 16,
	                                       "/cart/checkout", 14, &m), 0);
	assert_int_equal(m.decision, INGROUTE_DECISION_PATH);
	assert_int_equal(m.backend_kind, INGROUTE_BACKEND_SERVICE);
	assert_string_equal(m.service, "pay");
	assert_string_equal(m.port_name, "https");
	assert_int_equal(m.port_number, 0);
	assert_string_equal(m.backend_ns, "web");
	assert_string_equal(m.ingress_ns, "web");
	assert_string_equal(m.ingress_name, "shop");
	assert_string_equal(m.rule_host, "shop.example.com");
	assert_string_equal(m.rule_path, "/cart/checkout");
	assert_int_equal(m.path_type, INGROUTE_PATH_EXACT);
	assert_int_equal(m.vhost_kind, INGROUTE_VHOST_EXACT);

	/* A path past the limit matches no path rule; the default applies. */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	assert_int_equal(ingroute_router_match(r, "shop.example.com", 16, big,
	                                       sizeof(big), &m), 0);
	assert_int_equal(m.decision, INGROUTE_DECISION_DEFAULT);
	assert_int_equal(m.default_source, INGROUTE_DEFAULT_VHOST);
	assert_string_equal(m.service, "fallback");
	assert_null(m.rule_path);
	assert_int_equal(ingroute_max_path(), 8192);

	/* Hosts around the 253-byte limit, with and without a trailing dot
	 * (a 255-byte one overflowed the fold buffer once). */
	{
		char h[300];
		size_t n;

		for (n = 250; n < sizeof(h); n++) {
			memset(h, 'a', n);
			h[n - 1] = '.';
			assert_int_equal(ingroute_router_match(r, h, n, "/", 1, &m), 0);
			h[n - 1] = 'a';
			assert_int_equal(ingroute_router_match(r, h, n, "/", 1, &m), 0);
		}
	}

	/* Argument checks. */
	assert_int_equal(ingroute_router_match(NULL, "", 0, "/", 1, &m), INGROUTE_EINVAL);
	assert_int_equal(ingroute_router_match(r, NULL, 3, "/", 1, &m), INGROUTE_EINVAL);
	m.size = 8;
	assert_int_equal(ingroute_router_match(r, "", 0, "/", 1, &m), INGROUTE_EINVAL);
	assert_int_equal(ingroute_match_size(), sizeof(ingroute_match));

	/* TLS: exact, wildcard, entries without hosts. */
	t.size = sizeof(t);
	assert_int_equal(ingroute_router_tls(r, "shop.example.com", 16, &t), 0);
	assert_int_equal(t.found, 1);
	assert_string_equal(t.secret_name, "shop-tls");
	assert_string_equal(t.tls_host, "shop.example.com");
	assert_int_equal(ingroute_router_tls(r, "Cdn.Example.com", 15, &t), 0);
	assert_string_equal(t.tls_host, "*.example.com");
	assert_int_equal(ingroute_router_tls(r, "a.b.example.com", 15, &t), 0);
	assert_string_equal(t.secret_name, "default-tls");
	assert_string_equal(t.tls_host, "");
	ingroute_router_unref(r);
}

static void test_refcount(void **state)
{
	ingroute_router *r = compile_text(manifest, NULL, NULL);
	ingroute_match m;

	(void)state;
	assert_ptr_equal(ingroute_router_ref(r), r);
	ingroute_router_unref(r);
	m.size = sizeof(m);
	assert_int_equal(ingroute_router_match(r, "x", 1, "/", 1, &m), 0);
	ingroute_router_unref(r);
	ingroute_router_unref(NULL);
	assert_null(ingroute_router_ref(NULL));
	assert_int_equal(ingroute_router_compile(NULL, NULL, NULL), INGROUTE_EINVAL);
}

static void test_explain_and_dump(void **state)
{
	ingroute_router *r;
	ingroute_ruleset *rs;
	char *j = NULL;
	size_t len = 0;
	unsigned q;

	(void)state;
	r = compile_text(manifest, NULL, &rs);
	assert_int_equal(ingroute_router_explain(r, "shop.example.com", 16,
	                                         "/cart/x", 7, &j, &len), 0);
	assert_int_equal(strlen(j), len);
	assert_true(json_ok(j));
	assert_non_null(strstr(j, "\"decision\":\"path\""));
	assert_non_null(strstr(j, "\"path\":\"/cart\",\"pathType\":\"Prefix\""));
	assert_non_null(strstr(j, "\"verdict\":\"shorter\""));
	ingroute_free(j);
	assert_int_equal(ingroute_router_explain(r, "shop.example.com", 16,
	                                         "/cartx", 6, &j, NULL), 0);
	assert_non_null(strstr(j, "\"verdict\":\"element boundary\""));
	ingroute_free(j);
	assert_int_equal(ingroute_router_explain(r, "shop.example.com", 16,
	                                         "/Cart", 5, &j, NULL), 0);
	assert_non_null(strstr(j, "\"verdict\":\"case differs\""));
	ingroute_free(j);
	assert_int_equal(ingroute_router_explain(r, "shop.example.com", 16,
	                                         "/cart/checkout/", 15, &j, NULL), 0);
	assert_non_null(strstr(j, "\"verdict\":\"trailing slash\""));
	ingroute_free(j);
	/* Invalid UTF-8 and control bytes still give valid JSON. */
	assert_int_equal(ingroute_router_explain(r, "\xff\x01", 2, "/\xc3\x28\"\\", 5,
	                                         &j, NULL), 0);
	assert_true(json_ok(j));
	ingroute_free(j);
	assert_int_equal(ingroute_router_dump(r, &j, &len), 0);
	assert_true(json_ok(j));
	assert_non_null(strstr(j, "\"host\":\"*.example.com\""));
	ingroute_free(j);
	ingroute_free(NULL);

	/* Explain's decision is always match's: over many requests. */
	rng_state = 7;
	for (q = 0; q < 500; q++) {
		char host[64], path[256], want[64];
		ingroute_match m;

		gen_request(host, sizeof(host), path, sizeof(path));
		m.size = sizeof(m);
		ingroute_router_match(r, host, strlen(host), path, strlen(path), &m);
		assert_int_equal(ingroute_router_explain(r, host, strlen(host), path,
		                                         strlen(path), &j, NULL), 0);
		assert_true(json_ok(j));
		snprintf(want, sizeof(want), "\"decision\":\"%s\"",
		         m.decision == INGROUTE_DECISION_PATH ? "path"
		         : m.decision == INGROUTE_DECISION_DEFAULT ? "default" : "none");
		assert_non_null(strstr(j, want));
		ingroute_free(j);
	}
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
}

/* Warnings for conflicts and rules that can never match. */
static void test_conflicts(void **state)
{
	static const char text[] =
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		"metadata: {name: old, namespace: a, creationTimestamp: \"2020-01-01T00:00:00Z\"}\n"
		"spec:\n  rules:\n  - host: h.io\n    http:\n      paths:\n"
		"      - {path: /x, pathType: Prefix, backend: {service: {name: s, port: {number: 1}}}}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		"metadata: {name: new, namespace: a, creationTimestamp: \"2021-01-01T00:00:00Z\"}\n"
		"spec:\n  rules:\n  - host: h.io\n    http:\n      paths:\n"
		"      - {path: /x, pathType: Prefix, backend: {service: {name: t, port: {number: 1}}}}\n"
		"      - {path: /x/, pathType: Prefix, backend: {service: {name: t, port: {number: 1}}}}\n";
	ingroute_ruleset *rs;
	ingroute_router *r;
	ingroute_diags *d;
	ingroute_diag dg;
	size_t i, conflicts = 0, shadowed = 0;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, text, strlen(text), "c.yaml",
	                                              d), 0);
	assert_int_equal(ingroute_router_compile(&r, rs, d), 0);
	for (i = 0; i < ingroute_diags_count(d); i++) {
		dg.size = sizeof(dg);
		ingroute_diags_get(d, i, &dg);
		if (dg.code == INGROUTE_D_CONFLICT) {
			conflicts++;
			assert_string_equal(dg.name, "new");
			assert_non_null(strstr(dg.message, "a/old, which wins (its "
			                       "creationTimestamp is older)"));
		} else if (dg.code == INGROUTE_D_SHADOWED) {
			shadowed++;
			/* /x of "old" never matches: /x/ of "new" wins on the slash. */
			assert_string_equal(dg.name, "old");
			assert_int_equal(dg.severity, INGROUTE_WARNING);
		}
	}
	assert_int_equal(conflicts, 1);
	assert_int_equal(shadowed, 1);
	ingroute_router_unref(r);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

static void test_oom_compile_explain_dump(void **state)
{
	char *text;
	size_t len = 0, n, failures = 0;
	int done = 0;

	(void)state;
	text = test_read_file(TEST_DATA "/load/kubectl-get-ingress-all.yaml", &len);
	assert_non_null(text);
	for (n = 1; !done; n++) {
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_allocator a;
		ingroute_ruleset *rs;
		ingroute_router *r = NULL;
		ingroute_diags *d;
		test_alloc t;
		char *j = NULL;
		int rc;

		/* Load with a healthy allocator, then fail the Nth allocation
		 * from compile on. */
		test_alloc_init(&t, &a, 0);
		o.allocator = &a;
		assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
		assert_int_equal(ingroute_diags_new(&d, &a), 0);
		assert_int_equal(ingroute_ruleset_load_buffer(rs, text, len, "k", d), 0);
		t.fail_at = t.calls + n;
		rc = ingroute_router_compile(&r, rs, d);
		if (rc == 0) {
			rc = ingroute_router_explain(r, "shop.example.com", 16, "/cart", 5,
			                             &j, NULL);
			ingroute_free(j);
			j = NULL;
		}
		if (rc == 0) {
			rc = ingroute_router_dump(r, &j, NULL);
			ingroute_free(j);
		}
		if (rc) {
			assert_int_equal(rc, INGROUTE_ENOMEM);
			failures++;
		} else {
			done = !t.failed;
		}
		ingroute_router_unref(r);
		ingroute_diags_free(d);
		ingroute_ruleset_free(rs);
		assert_int_equal(t.live, 0);
	}
	assert_true(failures > 20);
	free(text);
}

/* ---- threads */

typedef struct worker {
	ingroute_router *r;
	int ok;
} worker;

static void *lookup_worker(void *arg)
{
	worker *w = arg;
	unsigned i;

	w->ok = 1;
	for (i = 0; i < 200000; i++) {
		ingroute_match m;
		const char *p = (i & 1) ? "/cart/checkout" : "/static/x";

		m.size = sizeof(m);
		if (ingroute_router_match(w->r, (i & 2) ? "shop.example.com" : "a.example.com",
		                          (i & 2) ? 16 : 13, p, strlen(p), &m) != 0 ||
		    m.decision == INGROUTE_DECISION_NONE)
			w->ok = 0;
	}
	ingroute_router_unref(w->r);
	return NULL;
}

static void *churn_worker(void *arg)
{
	worker *w = arg;
	int i;

	w->ok = 1;
	for (i = 0; i < 100; i++) {
		ingroute_router *r = compile_text(manifest, NULL, NULL);
		char *j;

		if (ingroute_router_dump(r, &j, NULL) != 0)
			w->ok = 0;
		ingroute_free(j);
		ingroute_router_unref(r);
	}
	return NULL;
}

static void test_threads(void **state)
{
	ingroute_router *r = compile_text(manifest, NULL, NULL);
	pthread_t th[4];
	worker w[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		w[i].r = i < 3 ? ingroute_router_ref(r) : NULL;
		assert_int_equal(pthread_create(&th[i], NULL, i < 3 ? lookup_worker
		                                                     : churn_worker,
		                                &w[i]), 0);
	}
	/* The creator's reference goes while the workers still hold theirs. */
	ingroute_router_unref(r);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(w[i].ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_host_fast_path),
		cmocka_unit_test(test_path_fast_path),
		cmocka_unit_test(test_no_allocation_per_lookup),
		cmocka_unit_test(test_match_fields),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_explain_and_dump),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_oom_compile_explain_dump),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
