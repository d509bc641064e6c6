/*
 * fuzz-differential: bytes -> a small manifest (a tiny grammar over few
 * hosts, paths, pathTypes, timestamps, classes and options) plus
 * requests -> the compiled router and the reference matcher of the tests
 * (tests/reference.c, docs/semantics.md written naively) must give the
 * same answer and the same virtual-host kind for every request, else
 * abort() with both answers, the request and the manifest.
 *
 * Byte 0 is the options; then each Ingress takes bytes as the grammar
 * asks (a byte that is not there reads as 0); what is left makes
 * requests, four bytes each (at most 64).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingroute.h"
#include "reference.h"
#include "routefmt.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct rd {
	const uint8_t *p;
	size_t n, i;
} rd;

static unsigned get(rd *r)
{
	return r->i < r->n ? r->p[r->i++] : 0;
}

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

static const char *const hosts[] = {
	NULL, "a.x.io", "b.x.io", "*.x.io", "x.io", "*.io", "c.b.x.io", "*.b.x.io",
	"xn--bcher-kva.x.io", "a-1.x.io", "A.x.io" /* invalid: dropped */,
};
static const char *const segs[] = {
	"a", "b", "ab", "a.b", "A", "%2F", "~", "a%7E", "..a", "-", "_",
};
static const char *const types[] = { "Exact", "Prefix", "ImplementationSpecific" };
static const char *const stamps[] = {
	NULL, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5Z",
	"2024-01-01T01:00:00+01:00", "2023-12-31T23:59:59.999999999Z",
	"2024-01-01T00:00:00.000000001Z", "1970-01-01T00:00:00Z", "not a time",
	"2024-01-01t00:00:00z", "0001-01-01T00:00:00Z",
};
static const char *const req_hosts[] = {
	"a.x.io", "A.X.IO", "b.x.io:8080", "z.x.io", "x.io", "c.b.x.io", "q.io",
	"a.x.io.", "", "10.0.0.1", "[::1]:80", "a..x.io", "y.z.x.io", "other.com",
	"a_b.x.io", "d.b.x.io", "xn--bcher-kva.x.io", "a-1.x.io", "io", ".x.io",
	"a.x.io:", "a.x.io:80:80", "*.x.io", "a.x.io..", "A-1.X.IO.:443",
	"1.2.3.4:80", "b.x.io\xff", "a.x.io\0",
};
static const char *const req_extra[] = {
	"/.", "/..", "//", "/%61", "/%2f", "?q=1", "#f", "/a%2Fb", "/", "/%2e%2E",
	"/%", "/%4", "/a?", "/~", "/%7e", "/%41", "/..;", "/./a", "\xc3\x28",
};

typedef struct out {
	char *s;
	size_t len, cap;
} out;

static void put(out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		o->cap = o->cap * 2 + (size_t)n + 64;
		o->s = realloc(o->s, o->cap);
		if (!o->s)
			abort();
	}
}

static void gen_path(rd *r, out *o, int impl)
{
	unsigned depth = get(r) % 5, k, nseg = COUNT(segs) - (impl ? 0 : 1);
	unsigned b = get(r);

	if (impl && b % 13 == 1)
		return;              /* empty ImplementationSpecific path */
	for (k = 0; k < depth; k++)
		put(o, "/%s", segs[get(r) % nseg]);
	if (depth == 0 || b % 4 == 0)
		put(o, "/");
}

static void gen_backend(rd *r, out *o)
{
	unsigned b = get(r);

	if (b % 10 == 0)
		put(o, "{resource: {apiGroup: k8s.example.com, kind: Bucket, name: b%u}}",
		    b / 10 % 4);
	else if (b % 3 == 0)
		put(o, "{service: {name: s%u, port: {name: http}}}", b / 3 % 9);
	else
		put(o, "{service: {name: s%u, port: {number: %u}}}", b / 3 % 9, 80 + b % 3);
}

static void gen_manifest(rd *r, out *o)
{
	unsigned ni = 1 + get(r) % 6, i, ri, pi;

	for (i = 0; i < ni; i++) {
		unsigned b = get(r), nrules = get(r) % 5;
		const char *ts = stamps[get(r) % COUNT(stamps)];

		put(o, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		    "metadata:\n  name: i%u\n  namespace: ns%u\n", b % 4, (b >> 2) % 3);
		if (ts)
			put(o, "  creationTimestamp: \"%s\"\n", ts);
		if ((b >> 4) % 4 == 1)
			put(o, "  annotations: {kubernetes.io/ingress.class: %s}\n",
			    (b >> 6) % 2 ? "public" : "other");
		put(o, "spec:\n");
		if ((b >> 4) % 4 == 2)
			put(o, "  ingressClassName: %s\n", (b >> 6) % 2 ? "public" : "other");
		if (nrules == 0 || get(r) % 3 == 0) {
			put(o, "  defaultBackend: ");
			gen_backend(r, o);
			put(o, "\n");
		}
		if (nrules)
			put(o, "  rules:\n");
		for (ri = 0; ri < nrules; ri++) {
			const char *h = hosts[get(r) % COUNT(hosts)];
			unsigned np;

			if (h)
				put(o, "  - host: \"%s\"\n", h);
			else
				put(o, "  -\n");
			if (get(r) % 8 == 0) {
				if (!h)
					put(o, "    http: {paths: []}\n");   /* invalid */
				continue;            /* a host claimed without http */
			}
			put(o, "    http:\n      paths:\n");
			np = 1 + get(r) % 4;
			for (pi = 0; pi < np; pi++) {
				unsigned t = get(r) % 3;

				put(o, "      - path: \"");
				gen_path(r, o, t == 2);
				put(o, "\"\n        pathType: %s\n        backend: ", types[t]);
				gen_backend(r, o);
				put(o, "\n");
			}
		}
	}
}

static void gen_request(rd *r, char *host, size_t *hl, out *path)
{
	unsigned b = get(r), depth = get(r) % 5, k;
	const char *h = req_hosts[b % COUNT(req_hosts)];

	*hl = strlen(h);
	if (b % COUNT(req_hosts) == COUNT(req_hosts) - 1)
		*hl += 1;            /* the NUL of "a.x.io\0" */
	memcpy(host, h, *hl);
	path->len = 0;
	path->s[0] = '\0';
	if (get(r) % 10 == 0)
		return;                  /* empty path */
	for (k = 0; k < depth; k++) {
		unsigned s = get(r);

		if (s % 5 == 0)
			put(path, "%s", req_extra[s / 5 % COUNT(req_extra)]);
		else
			put(path, "/%s", segs[s / 5 % COUNT(segs)]);
	}
	if (depth == 0 || b % 5 == 0)
		put(path, "/");
}

static void print_bytes(const char *what, const char *s, size_t n)
{
	size_t i;

	fprintf(stderr, "%s\"", what);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ref_options ro;
	ingroute_ruleset *rs;
	ingroute_router *router;
	ingroute_diags *d;
	rd r = { data, size, 0 };
	out text = { NULL, 0, 0 }, path = { NULL, 0, 0 };
	unsigned b = get(&r), q;
	int rc;

	o.impl_specific = (int)(b % 3);
	o.flags = ((b >> 2) & 1 ? INGROUTE_OPT_FALLTHROUGH : 0) |
	          ((b >> 3) & 1 ? INGROUTE_OPT_NO_NORMALIZE : 0) |
	          ((b >> 4) & 1 ? INGROUTE_OPT_DEFAULT_CLASS : 0);
	o.default_backend = (b >> 5) & 1 ? "opt/fallback:9090" : NULL;
	o.ingress_class = (b >> 6) & 1 ? "public" : NULL;
	ro.flags = o.flags;
	ro.impl = o.impl_specific;
	ro.default_backend = o.default_backend;

	text.s = malloc(text.cap = 4096);
	path.s = malloc(path.cap = 256);
	if (!text.s || !path.s)
		abort();
	text.s[0] = path.s[0] = '\0';
	gen_manifest(&r, &text);
	if (ingroute_ruleset_new(&rs, &o) || ingroute_diags_new(&d, NULL))
		abort();
	rc = ingroute_ruleset_load_buffer(rs, text.s, text.len, "gen.yaml", d);
	if (rc != 0) {
		fprintf(stderr, "generated manifest does not load (%s):\n%s\n",
		        ingroute_strerror(rc), text.s);
		abort();
	}
	if (ingroute_router_compile(&router, rs, d) != 0)
		abort();

	for (q = 0; q < 64 && (q == 0 || r.i < r.n); q++) {
		char host[64], got[2048], want[2048];
		size_t hl;
		ingroute_match m;
		ref_answer a;

		gen_request(&r, host, &hl, &path);
		m.size = sizeof(m);
		if (ingroute_router_match(router, host, hl, path.s, path.len, &m) != 0)
			abort();
		ref_match(rs, &ro, host, hl, path.s, path.len, &a);
		fmt_match(got, sizeof(got), &m);
		ref_format(want, sizeof(want), &a, &ro);
		if (strcmp(got, want) != 0 || m.vhost_kind != a.vhost) {
			char *j = NULL;
			size_t i;

			ingroute_router_explain(router, host, hl, path.s, path.len, &j, NULL);
			fprintf(stderr, "router and reference disagree\noptions: impl %d, "
			        "flags %u, class %s, default_backend %s\n", o.impl_specific,
			        o.flags, o.ingress_class ? o.ingress_class : "-",
			        o.default_backend ? o.default_backend : "-");
			print_bytes("host ", host, hl);
			print_bytes("path ", path.s, path.len);
			fprintf(stderr, "  router    %s (vhost %d)\n  reference %s (vhost %d)\n"
			        "manifest:\n%s\nexplain: %s\ndiagnostics:\n", got, m.vhost_kind,
			        want, a.vhost, text.s, j ? j : "");
			for (i = 0; i < ingroute_diags_count(d); i++) {
				char line[1024];

				ingroute_diags_format(d, i, line, sizeof(line));
				fprintf(stderr, "  %s\n", line);
			}
			abort();
		}
		if (q % 8 == 0) {
			char *j = NULL;
			size_t jl = 0;

			FUZZ_CHECK(ingroute_router_explain(router, host, hl, path.s, path.len,
			                                   &j, &jl) == 0, "explain");
			FUZZ_CHECK(fz_json_ok(j, jl) && fz_explain_says(j, m.decision),
			           "explain is not JSON or not match's decision (%s):\n%s",
			           fz_decision_name(m.decision), j);
			ingroute_free(j);
		}
		ref_answer_free(&a);
	}
	ingroute_router_unref(router);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	free(text.s);
	free(path.s);
	return 0;
}
