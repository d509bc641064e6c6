/*
 * fuzz-route: random requests through Gateways (ingroute_router_route())
 * against routers compiled once from Gateway API manifests with every
 * kind of match (Exact, PathPrefix, RegularExpression paths; header and
 * query matches, exact and regular; methods), weights, redirects and
 * rewrites, each normalising and not.
 *
 * Input: byte 0 picks the router (mod 2) and whether the request goes
 * through the Gateway (bit 1), byte 1 is the random number and byte 2
 * the listener port (0: any, else 80 or 8080); the rest is lines:
 * method, Host, path with query, then NAME:VALUE headers.
 *
 * Checked besides the sanitizers: route and explain_request return 0;
 * explain is valid JSON; the answer's fields agree with its status (a
 * backend exactly when 0, a route for 500 and the redirects); every
 * filter reads back and the one past the last is ENOENT; Location and
 * the upstream path give the same length asked with and without a
 * buffer, and write no more than asked; without a Gateway, route() is
 * match()'s answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingroute.h"
#include "fuzzutil.h"
#include "routefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_cleanup(void);

static const char manifests[] =
	"apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
	"metadata: {name: gc}\nspec: {controllerName: example.com/gw}\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
	"metadata: {name: gw, namespace: infra}\n"
	"spec:\n"
	"  gatewayClassName: gc\n"
	"  listeners:\n"
	"  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n"
	"  - {name: wild, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n"
	"  - {name: alt, port: 8080, protocol: HTTP, hostname: shop.example.com}\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
	"metadata: {name: a, namespace: infra}\n"
	"spec:\n"
	"  parentRefs: [{name: gw}]\n"
	"  hostnames: [shop.example.com, \"*.example.com\"]\n"
	"  rules:\n"
	"  - matches:\n"
	"    - path: {type: Exact, value: /exact}\n"
	"    - path: {type: RegularExpression, value: '/re/[a-z]+/(x|y)*'}\n"
	"      headers: [{type: RegularExpression, name: x-re, value: '(a+)+b'}]\n"
	"    backendRefs: [{name: a, port: 80, weight: 3}, {name: b, port: 81, weight: 0}, {name: c, port: 82}]\n"
	"  - matches:\n"
	"    - path: {type: PathPrefix, value: /p/}\n"
	"      method: POST\n"
	"      queryParams: [{name: q, value: v}, {type: RegularExpression, name: r, value: '.*'}]\n"
	"    filters:\n"
	"    - type: URLRewrite\n"
	"      urlRewrite: {hostname: up.example.com, path: {type: ReplacePrefixMatch, replacePrefixMatch: /new/}}\n"
	"    - type: RequestHeaderModifier\n"
	"      requestHeaderModifier: {set: [{name: a, value: b}], add: [{name: c, value: d}], remove: [e]}\n"
	"    backendRefs: [{name: a, port: 80, filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove: [x]}}]}]\n"
	"  - matches: [{path: {value: /redir}}]\n"
	"    filters:\n"
	"    - type: RequestRedirect\n"
	"      requestRedirect: {scheme: https, path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}\n"
	"  - matches: [{path: {value: /full}}]\n"
	"    filters:\n"
	"    - type: RequestRedirect\n"
	"      requestRedirect: {hostname: other.example.com, port: 8443, path: {type: ReplaceFullPath, replaceFullPath: /f}}\n"
	"  - matches: [{path: {value: /mirror}}]\n"
	"    filters:\n"
	"    - type: RequestMirror\n"
	"      requestMirror: {backendRef: {name: m, port: 9}, fraction: {numerator: 1, denominator: 3}}\n"
	"    backendRefs: [{name: a, port: 80}, {name: nope, namespace: other, port: 80}]\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
	"metadata: {name: b, namespace: other}\n"
	"spec:\n"
	"  parentRefs: [{name: gw, namespace: infra, sectionName: http}]\n"
	"  rules:\n"
	"  - backendRefs: [{name: any, port: 80}]\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	"metadata: {name: ing, namespace: shop}\n"
	"spec:\n"
	"  defaultBackend: {service: {name: dflt, port: {number: 80}}}\n"
	"  rules:\n"
	"  - host: shop.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /exact, pathType: Exact, backend: {service: {name: e, port: {number: 80}}}}\n"
	"      - {path: /p, pathType: Prefix, backend: {service: {name: p, port: {number: 80}}}}\n";

static ingroute_router *routers[2];

void fuzz_cleanup(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		ingroute_router_unref(routers[i]);
		routers[i] = NULL;
	}
}

static void setup(void)
{
	int i;

	if (routers[0])
		return;
	for (i = 0; i < 2; i++) {
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_ruleset *rs;

		o.flags = i ? INGROUTE_OPT_NO_NORMALIZE : 0;
		if (ingroute_ruleset_new(&rs, &o) != 0 ||
		    ingroute_ruleset_load_buffer(rs, manifests, sizeof(manifests) - 1,
		                                 "fuzz.yaml", NULL) != 0 ||
		    ingroute_router_compile(&routers[i], rs, NULL) != 0)
			abort();
		ingroute_ruleset_free(rs);
	}
	atexit(fuzz_cleanup);
}

typedef struct headers {
	const char *name[8];
	size_t name_len[8];
	const char *value[8];
	size_t value_len[8];
	int n;
} headers;

static int header_fn(void *ctx, const char *name, size_t name_len,
                     const char **value, size_t *value_len)
{
	const headers *h = ctx;
	int i;

	for (i = 0; i < h->n; i++)
		if (h->name_len[i] == name_len &&
		    strncasecmp(h->name[i], name, name_len) == 0) {
			*value = h->value[i];
			*value_len = h->value_len[i];
			return 1;
		}
	return 0;
}

/* The next line of [*p, end): its start and length; *p moves past it. */
static const char *next_line(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *nl;

	if (s >= end) {
		*n = 0;
		return NULL;
	}
	nl = memchr(s, '\n', (size_t)(end - s));
	*n = (size_t)((nl ? nl : end) - s);
	*p = nl ? nl + 1 : end;
	return s;
}

/* A helper's length asked without a buffer, then with one of exactly
 * that length and with one a byte short: the same answer, and nothing
 * written past the buffer. */
static void same_length(size_t (*fn)(const ingroute_request *,
                                     const ingroute_route *, char *, size_t),
                        const ingroute_request *q, const ingroute_route *r)
{
	size_t n = fn(q, r, NULL, 0), k;
	char *buf = malloc(n + 17);

	if (!buf)
		abort();
	memset(buf, 0x5a, n + 17);
	FUZZ_CHECK(fn(q, r, buf, n) == n, "length %zu", n);
	for (k = n; k < n + 17; k++)
		FUZZ_CHECK((unsigned char)buf[k] == 0x5a, "written past %zu", n);
	if (n) {
		memset(buf, 0x5a, n + 17);
		FUZZ_CHECK(fn(q, r, buf, n - 1) == n, "short buffer %zu", n);
		FUZZ_CHECK((unsigned char)buf[n - 1] == 0x5a, "wrote past cap");
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ingroute_request q = INGROUTE_REQUEST_INIT;
	const char *p, *end, *line;
	const ingroute_router *r;
	ingroute_route a;
	ingroute_filter f;
	headers h;
	size_t n, i;
	char *json = NULL;
	size_t jl = 0;

	setup();
	if (size < 3)
		return 0;
	r = routers[data[0] & 1];
	p = (const char *)data + 3;
	end = (const char *)data + size;
	q.random = data[1];
	q.port = data[2] == 0 ? 0 : data[2] & 1 ? 80 : 8080;
	if (!(data[0] & 2)) {
		q.gateway_ns = "infra";
		q.gateway_name = "gw";
	}
	q.method = next_line(&p, end, &q.method_len);
	q.host = next_line(&p, end, &q.host_len);
	q.path = next_line(&p, end, &q.path_len);
	memset(&h, 0, sizeof(h));
	while (h.n < 8 && (line = next_line(&p, end, &n)) != NULL) {
		const char *colon = memchr(line, ':', n);

		if (!colon)
			continue;
		h.name[h.n] = line;
		h.name_len[h.n] = (size_t)(colon - line);
		h.value[h.n] = colon + 1;
		h.value_len[h.n] = n - (size_t)(colon - line) - 1;
		h.n++;
	}
	q.header = header_fn;
	q.header_ctx = &h;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	FUZZ_CHECK(ingroute_router_route(r, &q, &a) == 0, "route failed");
	FUZZ_CHECK((a.status == 0) == (a.service != NULL || a.resource_kind),
	           "status %d with backend %p", a.status, (const void *)a.service);
	if (a.source == INGROUTE_SOURCE_HTTPROUTE) {
		FUZZ_CHECK(a.route_name && a.rule_index >= 0 && a.gateway_name,
		           "an HTTPRoute answer names its route");
		FUZZ_CHECK(a.status == 0 || a.status == 500 ||
		           (a.status >= 301 && a.status <= 308), "status %d",
		           a.status);
	} else {
		FUZZ_CHECK(a.filters == 0 && a.rule_index == -1, "an Ingress answer");
	}
	for (i = 0; i < a.filters; i++) {
		f.size = sizeof(f);
		FUZZ_CHECK(ingroute_route_filter(&a, i, &f) == 0, "filter %zu", i);
		FUZZ_CHECK(f.type >= INGROUTE_FILTER_REQUEST_HEADER &&
		           f.type <= INGROUTE_FILTER_EXTENSION, "type %d", f.type);
	}
	f.size = sizeof(f);
	FUZZ_CHECK(ingroute_route_filter(&a, a.filters, &f) == INGROUTE_ENOENT,
	           "a filter past the last");
	same_length(ingroute_route_location, &q, &a);
	same_length(ingroute_route_upstream_path, &q, &a);
	FUZZ_CHECK((ingroute_route_location(&q, &a, NULL, 0) > 0) ==
	           (a.status >= 301 && a.status <= 308),
	           "a Location exactly for a redirect (status %d)", a.status);
	FUZZ_CHECK(ingroute_router_explain_request(r, &q, &json, &jl) == 0,
	           "explain failed");
	FUZZ_CHECK(fz_json_ok(json, jl), "explain is no JSON: %s", json);
	if (q.gateway_ns) {
		char want[32];

		snprintf(want, sizeof(want), "\"decision\":{\"status\":%d,", a.status);
		FUZZ_CHECK(strstr(json, want) != NULL, "explain says otherwise: %s",
		           json);
	} else {
		ingroute_match m;
		const char *what = NULL;

		m.size = sizeof(m);
		FUZZ_CHECK(ingroute_router_match(r, q.host, q.host_len, q.path,
		                                 q.path_len, &m) == 0, "match");
		FUZZ_CHECK(route_agrees(r, q.host, q.host_len, q.path, q.path_len,
		                        &m, &what), "route is not match: %s", what);
	}
	ingroute_free(json);
	return 0;
}
