/*
 * The workload generator (see gen.h). Paths are built from a vocabulary
 * of real URL segments (api, v2, orders, ...) and identifiers, 2 to 5
 * segments deep; hosts are one per Ingress, 10% of them wildcards; 40% of
 * paths are Exact, 60% Prefix, as bench/README.md sets W1 and W2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static uint64_t rng;

static uint64_t next(void)
{
	/* splitmix64: good enough spread, and the same on every platform */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(next() % n);
}

static const char *const words[] = {
	"api", "v1", "v2", "v3", "users", "orders", "cart", "checkout", "static",
	"assets", "img", "css", "js", "admin", "login", "logout", "search",
	"items", "products", "catalog", "docs", "help", "blog", "shop", "account",
	"settings", "billing", "invoices", "payments", "reports", "metrics",
	"health", "status", "graphql", "webhooks", "oauth", "callback", "media",
	"uploads", "downloads", "public", "internal", "teams", "projects",
	"issues", "comments", "feed", "notifications", "profile", "avatar",
};

typedef struct sbuf {
	char *p;
	size_t n, cap;
	int failed;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;
		char *q;

		while (cap < b->n + n + 1)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q) {
			b->failed = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>

static void putf(sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A segment: a vocabulary word, sometimes with an id or version. */
static void segment(char *out, size_t cap)
{
	unsigned r = below(10);
	const char *w = words[below(sizeof(words) / sizeof(words[0]))];

	if (r < 6)
		snprintf(out, cap, "%s", w);
	else if (r < 9)
		snprintf(out, cap, "%s%u", w, below(100));
	else
		snprintf(out, cap, "%x", (unsigned)(next() & 0xffffff));
}

void gen_defaults(gen_params *p, size_t paths)
{
	memset(p, 0, sizeof(*p));
	p->paths = paths;
	p->paths_per_host = 10;
	p->wildcard_pct = 10;
	p->exact_pct = 40;
	p->min_segs = 2;
	p->max_segs = 5;
	p->default_pct = 5;
	p->hit_pct = 80;
	p->requests = paths < 100000 ? 100000 : 200000;
	p->seed = 20261126;
}

typedef struct rule {
	size_t host;          /* index of its Ingress/host */
	char path[160];
	int exact;
} rule;

int gen_workload(const gen_params *p, workload *w)
{
	size_t nhosts = (p->paths + p->paths_per_host - 1) / p->paths_per_host;
	size_t i, k, nrules = 0, spos = 0, scap;
	sbuf y = { 0 }, j = { 0 };
	rule *rules;
	int *wild;

	memset(w, 0, sizeof(*w));
	rng = p->seed;
	rules = calloc(p->paths ? p->paths : 1, sizeof(*rules));
	wild = calloc(nhosts ? nhosts : 1, sizeof(*wild));
	if (!rules || !wild)
		goto fail;
	putf(&j, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
	for (i = 0; i < nhosts; i++) {
		size_t np = p->paths - nrules < p->paths_per_host ? p->paths - nrules
		                                                   : p->paths_per_host;
		int has_default = below(100) < p->default_pct;
		char host[96];

		wild[i] = below(100) < p->wildcard_pct;
		snprintf(host, sizeof(host), "%s%s%zu.example.com", wild[i] ? "*." : "",
		         words[i % (sizeof(words) / sizeof(words[0]))], i);
		putf(&y, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		     "metadata:\n  name: ing-%zu\n  namespace: team-%zu\n"
		     "  creationTimestamp: \"2025-%02u-%02uT%02u:%02u:00Z\"\n"
		     "spec:\n", i, i / 20, 1 + below(12), 1 + below(28), below(24),
		     below(60));
		putf(&j, "%s{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
		     "\"metadata\":{\"name\":\"ing-%zu\",\"namespace\":\"team-%zu\"},"
		     "\"spec\":{", i ? ",\n" : "", i, i / 20);
		if (has_default) {
			putf(&y, "  defaultBackend:\n    service: {name: fallback-%zu, "
			     "port: {number: 8080}}\n", i);
			putf(&j, "\"defaultBackend\":{\"service\":{\"name\":\"fallback-%zu\","
			     "\"port\":{\"number\":8080}}},", i);
		}
		putf(&y, "  rules:\n  - host: \"%s\"\n    http:\n      paths:\n", host);
		putf(&j, "\"rules\":[{\"host\":\"%s\",\"http\":{\"paths\":[", host);
		for (k = 0; k < np; k++) {
			rule *r = &rules[nrules++];
			unsigned segs = p->min_segs + below(p->max_segs - p->min_segs + 1), s;
			size_t len = 0;

			r->host = i;
			r->exact = below(100) < p->exact_pct;
			for (s = 0; s < segs; s++) {
				char seg[40];

				segment(seg, sizeof(seg));
				len += (size_t)snprintf(r->path + len, sizeof(r->path) - len,
				                        "/%s", seg);
			}
			putf(&y, "      - path: %s\n        pathType: %s\n        backend:\n"
			     "          service: {name: svc-%zu-%zu, port: {number: 80}}\n",
			     r->path, r->exact ? "Exact" : "Prefix", i, k);
			putf(&j, "%s{\"path\":\"%s\",\"pathType\":\"%s\",\"backend\":"
			     "{\"service\":{\"name\":\"svc-%zu-%zu\",\"port\":{\"number\":80}}}}",
			     k ? "," : "", r->path, r->exact ? "Exact" : "Prefix", i, k);
		}
		putf(&j, "]}}]}}");
	}
	putf(&j, "\n]}\n");
	if (y.failed || j.failed)
		goto fail;
	w->yaml = y.p;
	w->yaml_len = y.n;
	w->json = j.p;
	w->json_len = j.n;
	w->ingresses = nhosts;
	w->hosts = nhosts;
	w->paths = nrules;

	/* The trace: hits and misses, then shuffled. */
	scap = p->requests * 256;
	w->strings = malloc(scap);
	w->reqs = calloc(p->requests ? p->requests : 1, sizeof(*w->reqs));
	if (!w->strings || !w->reqs || nrules == 0)
		goto fail;
	for (i = 0; i < p->requests; i++) {
		gen_request *q = &w->reqs[i];
		const rule *r = &rules[below((unsigned)nrules)];
		char host[128], path[256], seg[40];
		int n;

		if (below(100) < p->hit_pct) {
			q->kind = r->exact ? REQ_EXACT_HIT
			        : wild[r->host] ? REQ_WILDCARD_HIT : REQ_PREFIX_HIT;
			segment(seg, sizeof(seg));
			snprintf(path, sizeof(path), "%s%s%s", r->path,
			         r->exact ? "" : "/", r->exact ? "" : seg);
		} else if (below(2)) {
			q->kind = REQ_PATH_MISS;
			segment(seg, sizeof(seg));
			snprintf(path, sizeof(path), "/%s-x/%s", seg, r->path + 1);
		} else {
			q->kind = REQ_HOST_MISS;
			snprintf(path, sizeof(path), "%s", r->path);
		}
		if (q->kind == REQ_HOST_MISS)
			snprintf(host, sizeof(host), "nohost%u.example.org", below(1000000));
		else if (wild[r->host])
			snprintf(host, sizeof(host), "pr-%u.%s%zu.example.com", below(1000),
			         words[r->host % (sizeof(words) / sizeof(words[0]))], r->host);
		else
			snprintf(host, sizeof(host), "%s%zu.example.com",
			         words[r->host % (sizeof(words) / sizeof(words[0]))], r->host);
		n = snprintf(w->strings + spos, scap - spos, "%s", host);
		q->host = w->strings + spos;
		q->host_len = (size_t)n;
		spos += (size_t)n + 1;
		n = snprintf(w->strings + spos, scap - spos, "%s", path);
		q->path = w->strings + spos;
		q->path_len = (size_t)n;
		spos += (size_t)n + 1;
	}
	w->nreqs = p->requests;
	for (i = w->nreqs; i > 1; i--) {
		size_t x = (size_t)(next() % i);
		gen_request t = w->reqs[i - 1];

		w->reqs[i - 1] = w->reqs[x];
		w->reqs[x] = t;
	}
	/* Lay the strings out in trace order: a proxy hands the router a
	 * request it has just parsed, in cache. Shuffled strings would time
	 * a cache miss on the request itself, not the lookup. */
	{
		char *packed = malloc(spos ? spos : 1);
		size_t at = 0;

		if (!packed)
			goto fail;
		for (i = 0; i < w->nreqs; i++) {
			gen_request *q = &w->reqs[i];

			memcpy(packed + at, q->host, q->host_len + 1);
			q->host = packed + at;
			at += q->host_len + 1;
			memcpy(packed + at, q->path, q->path_len + 1);
			q->path = packed + at;
			at += q->path_len + 1;
		}
		free(w->strings);
		w->strings = packed;
	}
	free(rules);
	free(wild);
	return 0;
fail:
	free(rules);
	free(wild);
	free(y.p);
	free(j.p);
	free(w->strings);
	free(w->reqs);
	memset(w, 0, sizeof(*w));
	return -1;
}

void gen_free(workload *w)
{
	free(w->yaml);
	free(w->json);
	free(w->reqs);
	free(w->strings);
	memset(w, 0, sizeof(*w));
}
