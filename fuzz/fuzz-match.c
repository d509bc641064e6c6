/*
 * fuzz-match: random Host and path bytes against routers compiled once
 * from three small manifests, each under four option sets (normalising,
 * not normalising, fall-through with string-prefix ImplementationSpecific,
 * exact ImplementationSpecific with a default_backend option).
 *
 * Input: byte 0 picks the router (mod 12) and, with 0x80, asks for a
 * long host (byte 1 * 64 bytes) instead of byte 1 bytes; the host comes
 * next, the rest is the path.
 *
 * Checked besides the sanitizers: match, tls and explain return 0;
 * explain is valid JSON and gives match's decision; the fields of a
 * match are set as its decision says; normalisation obeys its contract
 * (length, leading '/', no "//", no dot segment, no '?' or '#'), and a
 * normalising router answers what its non-normalising twin answers for
 * ingroute_normalize_host() and ingroute_normalize_path() of the request.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingroute.h"
#include "fuzzutil.h"
#include "routefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_cleanup(void);

static const char m_shop[] =
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	"metadata: {name: shop, namespace: web, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"
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
	"      - {path: /cart/, pathType: ImplementationSpecific, backend: {service: {name: cart2, port: {number: 81}}}}\n"
	"      - {path: /a.b/~c/%2F, pathType: ImplementationSpecific, backend: {service: {name: odd, port: {number: 82}}}}\n"
	"  - host: \"*.example.com\"\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /static/, pathType: Prefix, backend: {service: {name: static, port: {number: 80}}}}\n"
	"      - {path: /static, pathType: Exact, backend: {resource: {apiGroup: s.io, kind: Bucket, name: b}}}\n"
	"  - host: example.com\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	"metadata: {name: shop2, namespace: web}\n"
	"spec:\n"
	"  rules:\n"
	"  - host: shop.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /cart, pathType: Prefix, backend: {service: {name: cart-new, port: {number: 8080}}}}\n"
	"  - http:\n"
	"      paths:\n"
	"      - {path: /, pathType: Prefix, backend: {service: {name: anyhost, port: {number: 80}}}}\n"
	"      - {path: /api/v1/, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}\n";

static const char m_json[] =
	"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
	" {\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\",\n"
	"  \"metadata\": {\"name\": \"docs\", \"namespace\": \"docs\"},\n"
	"  \"spec\": {\"rules\": [\n"
	"   {\"host\": \"docs.example.com\", \"http\": {\"paths\": [\n"
	"    {\"path\": \"/\", \"pathType\": \"Prefix\", \"backend\": {\"service\": {\"name\": \"docs\", \"port\": {\"number\": 8000}}}},\n"
	"    {\"path\": \"/healthz\", \"pathType\": \"Exact\", \"backend\": {\"service\": {\"name\": \"health\", \"port\": {\"number\": 8081}}}},\n"
	"    {\"path\": \"/v1/guide/\", \"pathType\": \"Prefix\", \"backend\": {\"service\": {\"name\": \"guide\", \"port\": {\"number\": 1}}}}]}},\n"
	"   {\"host\": \"*.docs.example.com\", \"http\": {\"paths\": [\n"
	"    {\"path\": \"\", \"pathType\": \"ImplementationSpecific\", \"backend\": {\"service\": {\"name\": \"wild\", \"port\": {\"number\": 2}}}}]}}],\n"
	"   \"tls\": [{\"hosts\": [\"*.docs.example.com\"], \"secretName\": \"docs-tls\"}]}},\n"
	" {\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\",\n"
	"  \"metadata\": {\"name\": \"catchall\", \"namespace\": \"platform\"},\n"
	"  \"spec\": {\"defaultBackend\": {\"service\": {\"name\": \"not-found\", \"port\": {\"number\": 80}}}}}\n"
	"]}\n";

static const char m_many[] =
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	"metadata: {name: a, namespace: x}\n"
	"spec:\n"
	"  rules:\n"
	"  - host: a.x.io\n"
	"    http: &h\n"
	"      paths:\n"
	"      - {path: /a, pathType: Exact, backend: {service: {name: s1, port: {number: 1}}}}\n"
	"      - {path: /a/, pathType: Prefix, backend: {service: {name: s2, port: {number: 2}}}}\n"
	"      - {path: /a/b, pathType: Prefix, backend: {service: {name: s3, port: {number: 3}}}}\n"
	"      - {path: /ab, pathType: ImplementationSpecific, backend: {service: {name: s4, port: {number: 4}}}}\n"
	"      - {path: /A/b/c/d/e, pathType: Prefix, backend: {service: {name: s5, port: {number: 5}}}}\n"
	"      - {path: /a-b_c.d~e, pathType: Exact, backend: {service: {name: s6, port: {name: web}}}}\n"
	"  - host: \"*.x.io\"\n"
	"    http: *h\n"
	"  - host: x.io\n"
	"    http: *h\n"
	"  - host: \"*.io\"\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /, pathType: Exact, backend: {service: {name: root, port: {number: 9}}}}\n"
	"  - host: c.b.x.io\n"
	"  tls:\n"
	"  - {hosts: [a.x.io], secretName: a}\n"
	"  - {hosts: [\"*.x.io\", x.io], secretName: w}\n"
	"  - {hosts: [c.b.x.io]}\n";

#define NMANIFESTS 3
#define NVARIANTS 4
#define NROUTERS (NMANIFESTS * NVARIANTS)

static ingroute_router *routers[NROUTERS];
static ingroute_router *twins[NROUTERS];   /* same, not normalising */
static int ready;

static ingroute_router *build(const char *text, const ingroute_options *o)
{
	ingroute_ruleset *rs;
	ingroute_router *r;
	ingroute_diags *d;

	if (ingroute_ruleset_new(&rs, o) || ingroute_diags_new(&d, NULL))
		abort();
	if (ingroute_ruleset_load_buffer(rs, text, strlen(text), "seed.yaml", d) ||
	    ingroute_diags_count_severity(d, INGROUTE_ERROR) ||
	    ingroute_ruleset_count(rs) == 0 || ingroute_router_compile(&r, rs, d)) {
		size_t i;
		char line[1024];

		for (i = 0; i < ingroute_diags_count(d); i++) {
			ingroute_diags_format(d, i, line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		fprintf(stderr, "fuzz-match: a seed manifest does not load\n");
		abort();
	}
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	return r;
}

static void setup(void)
{
	static const char *const texts[NMANIFESTS] = { m_shop, m_json, m_many };
	int i, v;

	for (i = 0; i < NMANIFESTS; i++)
		for (v = 0; v < NVARIANTS; v++) {
			ingroute_options o = INGROUTE_OPTIONS_INIT;
			int k = i * NVARIANTS + v;

			if (v == 1)
				o.flags |= INGROUTE_OPT_NO_NORMALIZE;
			if (v == 2) {
				o.flags |= INGROUTE_OPT_FALLTHROUGH;
				o.impl_specific = INGROUTE_IMPL_STRING_PREFIX;
			}
			if (v == 3) {
				o.impl_specific = INGROUTE_IMPL_EXACT;
				o.default_backend = "opt/fallback:http";
			}
			routers[k] = build(texts[i], &o);
			o.flags |= INGROUTE_OPT_NO_NORMALIZE;
			twins[k] = v == 1 ? ingroute_router_ref(routers[k]) : build(texts[i], &o);
		}
	ready = 1;
}

void fuzz_cleanup(void)
{
	int k;

	for (k = 0; k < NROUTERS && ready; k++) {
		ingroute_router_unref(routers[k]);
		ingroute_router_unref(twins[k]);
	}
	ready = 0;
}

static void check_match_fields(const ingroute_match *m)
{
	FUZZ_CHECK(m->decision >= INGROUTE_DECISION_NONE &&
	           m->decision <= INGROUTE_DECISION_DEFAULT, "decision %d", m->decision);
	if (m->decision == INGROUTE_DECISION_NONE) {
		FUZZ_CHECK(m->backend_kind == INGROUTE_BACKEND_NONE, "none with a backend");
		return;
	}
	FUZZ_CHECK(m->backend_ns, "no backend namespace");
	if (m->backend_kind == INGROUTE_BACKEND_SERVICE)
		FUZZ_CHECK(m->service && (m->port_name != NULL) == (m->port_number == 0),
		           "service fields");
	else
		FUZZ_CHECK(m->backend_kind == INGROUTE_BACKEND_RESOURCE &&
		           m->resource_kind && m->resource_name, "resource fields");
	if (m->decision == INGROUTE_DECISION_PATH)
		FUZZ_CHECK(m->rule_host && m->rule_path && m->ingress_ns &&
		           m->ingress_name && m->path_type >= INGROUTE_PATH_EXACT &&
		           m->path_type <= INGROUTE_PATH_IMPLEMENTATION_SPECIFIC &&
		           m->vhost_kind != INGROUTE_VHOST_NONE, "path fields");
	else
		FUZZ_CHECK(m->rule_path == NULL && m->default_source != INGROUTE_DEFAULT_NONE,
		           "default fields");
}

static void show(const char *what, const char *s, size_t n)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes): \"", what, n);
	for (i = 0; i < n && i < 512; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "%s\"\n", n > 512 ? "..." : "");
}

static void check_normalized_path(const char *in, size_t n, const char *p, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	if (len > n + 1 || p[0] != '/' || memchr(p, '?', len) || memchr(p, '#', len)) {
		show("path", in, n);
		show("normalised", p, len);
		FUZZ_CHECK(0, "normalised path breaks its contract");
	}
	for (i = 0; i < len; i++) {
		int dot1 = p[i] == '/' && i + 1 < len && p[i + 1] == '.' &&
		           (i + 2 == len || p[i + 2] == '/');
		int dot2 = p[i] == '/' && i + 2 < len && p[i + 1] == '.' &&
		           p[i + 2] == '.' && (i + 3 == len || p[i + 3] == '/');
		int dbl = p[i] == '/' && i + 1 < len && p[i + 1] == '/';

		if (dot1 || dot2 || dbl) {
			show("path", in, n);
			show("normalised", p, len);
			FUZZ_CHECK(0, "normalised path keeps a dot segment or \"//\"");
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char np[8192 + 64], nh[512];
	const char *host, *path;
	size_t hlen, plen, nhl, npl;
	const ingroute_router *r, *twin;
	ingroute_match m, m2;
	ingroute_tls_match t;
	char *j = NULL;
	size_t jl = 0;
	int k, rc;

	if (!ready)
		setup();
	if (size < 2)
		return 0;
	k = (data[0] & 0x7f) % NROUTERS;
	hlen = (data[0] & 0x80) ? (size_t)data[1] * 64 : data[1];
	if (hlen > size - 2)
		hlen = size - 2;
	host = (const char *)data + 2;
	path = host + hlen;
	plen = size - 2 - hlen;
	r = routers[k];
	twin = twins[k];

	m.size = sizeof(m);
	FUZZ_CHECK(ingroute_router_match(r, host, hlen, path, plen, &m) == 0, "match");
	check_match_fields(&m);

	t.size = sizeof(t);
	FUZZ_CHECK(ingroute_router_tls(r, host, hlen, &t) == 0, "tls");
	FUZZ_CHECK(!t.found || (t.secret_ns && t.secret_name && t.tls_host &&
	                        t.ingress_ns && t.ingress_name), "tls fields");

	rc = ingroute_router_explain(r, host, hlen, path, plen, &j, &jl);
	FUZZ_CHECK(rc == 0, "explain %d", rc);
	if (!fz_json_ok(j, jl) || !fz_explain_says(j, m.decision)) {
		show("host", host, hlen);
		show("path", path, plen);
		FUZZ_CHECK(0, "explain is not JSON or disagrees with match (%s):\n%s",
		           fz_decision_name(m.decision), j);
	}
	ingroute_free(j);

	/* Normalisation, and the router agreeing with it. */
	nhl = ingroute_normalize_host(host, hlen, nh, sizeof(nh));
	FUZZ_CHECK(nhl <= 253, "normalised host of %zu bytes", nhl);
	npl = ingroute_normalize_path(path, plen, np, sizeof(np));
	check_normalized_path(path, plen, np, npl);
	/* snprintf's convention: the length without a buffer, and a short
	 * buffer gets as much of the same result as fits. */
	{
		char small[8];
		size_t sn;

		FUZZ_CHECK(ingroute_normalize_host(host, hlen, NULL, 0) == nhl,
		           "host length without a buffer");
		FUZZ_CHECK(ingroute_normalize_path(path, plen, NULL, 0) == npl,
		           "path length without a buffer");
		sn = ingroute_normalize_host(host, hlen, small, sizeof(small));
		FUZZ_CHECK(sn == nhl && memcmp(small, nh, nhl < sizeof(small) ? nhl
		                               : sizeof(small)) == 0,
		           "host into a short buffer");
		sn = ingroute_normalize_path(path, plen, small, sizeof(small));
		FUZZ_CHECK(sn == npl && memcmp(small, np, npl < sizeof(small) ? npl
		                               : sizeof(small)) == 0,
		           "path into a short buffer");
	}
	/* A path of ingroute_max_path() bytes without its leading '/' grows
	 * by one when normalised: past the limit for a raw router, which the
	 * normalising one applied to the request as given. */
	if (k % NVARIANTS != 1 && npl > 0 && npl <= ingroute_max_path()) {
		char a[2048], b[2048];

		m2.size = sizeof(m2);
		FUZZ_CHECK(ingroute_router_match(twin, nh, nhl, np, npl, &m2) == 0, "twin match");
		fmt_match(a, sizeof(a), &m);
		fmt_match(b, sizeof(b), &m2);
		if (strcmp(a, b) != 0 || m.vhost_kind != m2.vhost_kind) {
			show("host", host, hlen);
			show("path", path, plen);
			show("normalised host", nh, nhl);
			show("normalised path", np, npl);
			FUZZ_CHECK(0, "router %d: normalising router and the normalise "
			           "functions disagree:\n  match(host, path)           %s "
			           "(vhost %d)\n  raw match(normalised ones)  %s (vhost %d)",
			           k, a, m.vhost_kind, b, m2.vhost_kind);
		}
	}
	return 0;
}
