/*
 * ingroute_router_route() and its helpers through the public header:
 * argument checks, the size-first convention of its structs, no
 * allocation of any kind during a lookup (through the library's allocator
 * or malloc, regular expressions included), and lookups from many
 * threads at once agreeing with one thread's.
 */
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
#include "testutil.h"

/* Counting malloc itself, so that an allocation by PCRE2 or libc during a
 * lookup shows too: the executable's malloc interposes on libc's for the
 * whole process, and forwards to glibc's own. Sanitizers interpose
 * themselves; there only the library's allocator is counted. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define COUNT_MALLOC 0
#endif
#endif
#ifndef COUNT_MALLOC
#if defined(__GLIBC__)
#define COUNT_MALLOC 1
#else
#define COUNT_MALLOC 0
#endif
#endif

#if COUNT_MALLOC
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static volatile int counting;
static volatile unsigned long mallocs;

void *malloc(size_t n)
{
	if (counting)
		mallocs++;
	return __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
	if (counting)
		mallocs++;
	return __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
	if (counting)
		mallocs++;
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#endif

static const char manifests[] =
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: GatewayClass\n"
	"metadata: {name: gc}\n"
	"spec: {controllerName: ingroute.example/gateway}\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: Gateway\n"
	"metadata: {name: gw, namespace: infra}\n"
	"spec:\n"
	"  gatewayClassName: gc\n"
	"  listeners: [{name: http, port: 80, protocol: HTTP}]\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: HTTPRoute\n"
	"metadata: {name: r, namespace: infra}\n"
	"spec:\n"
	"  parentRefs: [{name: gw}]\n"
	"  rules:\n"
	"  - matches:\n"
	"    - path: {type: RegularExpression, value: '/v[0-9]+/.*'}\n"
	"      headers: [{type: RegularExpression, name: x-v, value: 'b.*'}]\n"
	"    backendRefs: [{name: a, port: 80, weight: 1}, {name: b, port: 80, "
	"weight: 1}]\n"
	"  - matches: [{path: {value: /old}}]\n"
	"    filters:\n"
	"    - type: RequestRedirect\n"
	"      requestRedirect: {path: {type: ReplacePrefixMatch, "
	"replacePrefixMatch: /new}}\n"
	"  - matches: [{path: {value: /rw}}]\n"
	"    filters:\n"
	"    - type: URLRewrite\n"
	"      urlRewrite: {path: {type: ReplacePrefixMatch, "
	"replacePrefixMatch: /x}}\n"
	"    - type: RequestHeaderModifier\n"
	"      requestHeaderModifier: {set: [{name: a, value: b}], "
	"remove: [c]}\n"
	"    backendRefs: [{name: a, port: 80}]\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\n"
	"kind: Ingress\n"
	"metadata: {name: ing, namespace: shop}\n"
	"spec:\n"
	"  rules:\n"
	"  - host: shop.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /, pathType: Prefix, backend: {service: {name: web, "
	"port: {number: 80}}}}\n";

static int one_header(void *ctx, const char *name, size_t name_len,
                      const char **value, size_t *value_len)
{
	(void)ctx;
	if (name_len == 3 && memcmp(name, "x-v", 3) == 0) {
		*value = "beta";
		*value_len = 4;
		return 1;
	}
	return 0;
}

static ingroute_router *compile(ingroute_allocator *a)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;

	o.allocator = a;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, manifests,
	                 sizeof(manifests) - 1, "m.yaml", NULL), 0);
	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	ingroute_ruleset_free(rs);
	return r;
}

static ingroute_request gw_request(const char *method, const char *path)
{
	ingroute_request q = INGROUTE_REQUEST_INIT;

	q.method = method;
	q.method_len = strlen(method);
	q.host = "a.example.com";
	q.host_len = 13;
	q.path = path;
	q.path_len = strlen(path);
	q.header = one_header;
	q.gateway_ns = "infra";
	q.gateway_name = "gw";
	return q;
}

/* Everything a proxy does per request, into out (for comparisons). */
static void serve(const ingroute_router *r, ingroute_request *q,
                  char *out, size_t cap)
{
	ingroute_route o;
	ingroute_filter f;
	char buf[256];
	size_t n, i, w;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	assert_int_equal(ingroute_router_route(r, q, &o), 0);
	w = (size_t)snprintf(out, cap, "%d %s %d %s", o.status,
	                     o.service ? o.service : "-", o.rule_index,
	                     o.route_name ? o.route_name : "-");
	n = ingroute_route_location(q, &o, buf, sizeof(buf) - 1);
	buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
	w += (size_t)snprintf(out + w, cap - w, " loc=%s", buf);
	n = ingroute_route_upstream_path(q, &o, buf, sizeof(buf) - 1);
	buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
	w += (size_t)snprintf(out + w, cap - w, " up=%s", buf);
	for (i = 0; i < o.filters; i++) {
		f.size = sizeof(f);
		assert_int_equal(ingroute_route_filter(&o, i, &f), 0);
		w += (size_t)snprintf(out + w, cap - w, " f%d", f.type);
	}
}

static const char *const paths[] = {
	"/v2/items", "/v2", "/old/a?b=c", "/rw/deep/er", "/nothing",
};

static void test_route_allocates_nothing(void **state)
{
	test_alloc t;
	ingroute_allocator a;
	ingroute_router *r;
	size_t before, i;
	unsigned long m0;
	char out[1024];

	(void)state;
	test_alloc_init(&t, &a, 0);
	r = compile(&a);
	before = t.calls;
#if COUNT_MALLOC
	m0 = mallocs;
	counting = 1;
#else
	m0 = 0;
#endif
	for (i = 0; i < 2000; i++) {
		ingroute_request q = gw_request(i % 2 ? "GET" : "POST",
		                                paths[i % 5]);

		q.random = i;
		serve(r, &q, out, sizeof(out));
	}
#if COUNT_MALLOC
	counting = 0;
	assert_int_equal(mallocs - m0, 0);
#endif
	(void)m0;
	assert_int_equal(t.calls, before);
	ingroute_router_unref(r);
	assert_int_equal(t.live, 0);
}

static void test_route_answers(void **state)
{
	ingroute_router *r = compile(NULL);
	char out[1024];
	ingroute_request q;

	(void)state;
	q = gw_request("GET", "/v7/x");
	q.random = 0;
	serve(r, &q, out, sizeof(out));
	assert_string_equal(out, "0 a 0 r loc= up=/v7/x");
	q.random = 1;
	serve(r, &q, out, sizeof(out));
	assert_string_equal(out, "0 b 0 r loc= up=/v7/x");
	q = gw_request("GET", "/old/a?b=c");
	serve(r, &q, out, sizeof(out));
	assert_string_equal(out, "302 - 1 r loc=http://a.example.com/new/a?b=c "
	                    "up=/old/a?b=c f3");
	q = gw_request("GET", "/rw/deep/er");
	serve(r, &q, out, sizeof(out));
	assert_string_equal(out, "0 a 2 r loc= up=/x/deep/er f4 f1");
	/* the Ingresses without a Gateway; the Gateway's routes not */
	q = gw_request("GET", "/v7/x");
	q.gateway_ns = q.gateway_name = NULL;
	q.host = "shop.example.com";
	q.host_len = 16;
	serve(r, &q, out, sizeof(out));
	assert_string_equal(out, "0 web -1 ing loc= up=/v7/x");

	/* one listener, one route, its three rules' matches; a caller built
	 * before the Gateway counts sees its own fields only */
	{
		ingroute_stats st;

		memset(&st, 0xff, sizeof(st));
		st.size = sizeof(st);
		assert_int_equal(ingroute_router_stats(r, &st), 0);
		assert_int_equal(st.ingresses_served, 1);
		assert_int_equal(st.gateway_listeners, 1);
		assert_int_equal(st.httproutes_attached, 1);
		assert_int_equal(st.gateway_matches, 3);
		memset(&st, 0xff, sizeof(st));
		st.size = offsetof(ingroute_stats, gateway_listeners);
		assert_int_equal(ingroute_router_stats(r, &st), 0);
		assert_int_equal(st.controller_annotated, 0);
		assert_true(st.gateway_listeners == (size_t)-1);
	}
	ingroute_router_unref(r);
}

static void test_route_arguments(void **state)
{
	ingroute_router *r = compile(NULL);
	ingroute_request q = gw_request("GET", "/rw/a");
	ingroute_route o;
	ingroute_filter f;
	char small[4];

	(void)state;
	o.size = sizeof(o);
	assert_int_equal(ingroute_router_route(NULL, &q, &o), INGROUTE_EINVAL);
	assert_int_equal(ingroute_router_route(r, NULL, &o), INGROUTE_EINVAL);
	assert_int_equal(ingroute_router_route(r, &q, NULL), INGROUTE_EINVAL);
	q.gateway_name = NULL;
	assert_int_equal(ingroute_router_route(r, &q, &o), INGROUTE_EINVAL);
	q = gw_request("GET", "/rw/a");
	q.size = offsetof(ingroute_request, scheme);
	assert_int_equal(ingroute_router_route(r, &q, &o), INGROUTE_EINVAL);
	q.size = sizeof(q);
	q.path = NULL;
	assert_int_equal(ingroute_router_route(r, &q, &o), INGROUTE_EINVAL);
	q = gw_request("GET", "/rw/a");
	o.size = 8;
	assert_int_equal(ingroute_router_route(r, &q, &o), INGROUTE_EINVAL);
	/* a larger caller struct: nothing written past the library's */
	{
		unsigned char big[sizeof(ingroute_route) + 32];
		ingroute_route *b = (ingroute_route *)(void *)big;

		memset(big, 0xA5, sizeof(big));
		b->size = sizeof(big);
		assert_int_equal(ingroute_router_route(r, &q, b), 0);
		assert_int_equal(b->size, sizeof(ingroute_route));
		assert_int_equal(big[sizeof(ingroute_route)], 0xA5);
		assert_int_equal(big[sizeof(big) - 1], 0xA5);
	}
	o.size = sizeof(o);
	assert_int_equal(ingroute_router_route(r, &q, &o), 0);
	assert_int_equal(o.filters, 2);
	f.size = 4;
	assert_int_equal(ingroute_route_filter(&o, 0, &f), INGROUTE_EINVAL);
	f.size = sizeof(f);
	assert_int_equal(ingroute_route_filter(&o, 2, &f), INGROUTE_ENOENT);
	assert_int_equal(ingroute_route_filter(NULL, 0, &f), INGROUTE_EINVAL);
	assert_int_equal(ingroute_route_filter(&o, 1, &f), 0);
	assert_int_equal(f.type, INGROUTE_FILTER_REQUEST_HEADER);
	assert_int_equal(f.nedits, 2);
	assert_int_equal(f.edits[0].op, INGROUTE_HEADER_SET);
	assert_string_equal(f.edits[1].name, "c");
	assert_null(f.edits[1].value);
	/* snprintf-like: the whole length, what fits written */
	assert_int_equal(ingroute_route_upstream_path(&q, &o, small,
	                                              sizeof(small)), 4);
	assert_memory_equal(small, "/x/a", 4);
	assert_int_equal(ingroute_route_upstream_path(&q, &o, NULL, 0), 4);
	/* no redirect, no Location */
	assert_int_equal(ingroute_route_location(&q, &o, small, sizeof(small)), 0);
	assert_int_equal(ingroute_request_size(), sizeof(ingroute_request));
	assert_int_equal(ingroute_route_size(), sizeof(ingroute_route));
	assert_int_equal(ingroute_filter_size(), sizeof(ingroute_filter));
	ingroute_router_unref(r);
}

/* Compiling Gateways, regular expressions included, fails cleanly at
 * every allocation: INGROUTE_ENOMEM, no router, nothing leaked; and so
 * does explaining a request through one. */
static void test_compile_fails_cleanly(void **state)
{
	test_alloc t;
	ingroute_allocator a;
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r = NULL;
	size_t k, base;
	long live;
	int rc = INGROUTE_ENOMEM;

	(void)state;
	test_alloc_init(&t, &a, 0);
	o.allocator = &a;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, manifests,
	                 sizeof(manifests) - 1, "m.yaml", NULL), 0);
	live = t.live;
	for (k = 1; rc == INGROUTE_ENOMEM; k++) {
		base = t.calls;
		t.fail_at = base + k;
		t.failed = 0;
		rc = ingroute_router_compile(&r, rs, NULL);
		t.fail_at = 0;
		if (rc == INGROUTE_ENOMEM) {
			assert_true(t.failed);
			assert_null(r);
			assert_int_equal(t.live, live);
		}
	}
	assert_int_equal(rc, 0);
	assert_true(k > 20);
	{
		ingroute_request q = gw_request("GET", "/v2/items");
		char *out = NULL;
		size_t n;

		for (k = 1;; k++) {
			t.fail_at = t.calls + k;
			t.failed = 0;
			rc = ingroute_router_explain_request(r, &q, &out, &n);
			t.fail_at = 0;
			if (rc == 0)
				break;
			assert_int_equal(rc, INGROUTE_ENOMEM);
			assert_null(out);
		}
		assert_non_null(strstr(out, "\"decision\":{\"status\":"));
		ingroute_free(out);
	}
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
	assert_int_equal(t.live, 0);
}

typedef struct worker {
	const ingroute_router *r;
	char want[5][2][1024];
	int bad;
} worker;

static void *work(void *p)
{
	worker *w = p;
	char out[1024];
	int i;

	for (i = 0; i < 20000; i++) {
		ingroute_request q = gw_request("GET", paths[i % 5]);

		q.random = (uint64_t)(i % 2);
		serve(w->r, &q, out, sizeof(out));
		if (strcmp(out, w->want[i % 5][i % 2]) != 0)
			__atomic_fetch_add(&w->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_route_threads(void **state)
{
	ingroute_router *r = compile(NULL);
	pthread_t th[4];
	worker w;
	int i, k;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.r = r;
	for (i = 0; i < 5; i++)
		for (k = 0; k < 2; k++) {
			ingroute_request q = gw_request("GET", paths[i]);

			q.random = (uint64_t)k;
			serve(r, &q, w.want[i][k], sizeof(w.want[i][k]));
		}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, work, &w), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(w.bad, 0);
	ingroute_router_unref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_answers),
		cmocka_unit_test(test_route_arguments),
		cmocka_unit_test(test_route_allocates_nothing),
		cmocka_unit_test(test_route_threads),
		cmocka_unit_test(test_compile_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
