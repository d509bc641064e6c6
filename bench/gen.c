/*
 * The workload generator (see gen.h). Paths are built from a vocabulary
 * of real URL segments (api, v2, orders, ...) and identifiers, 2 to 5
 * segments deep; hosts are one per Ingress, 10% of them wildcards; 40% of
 * paths are Exact, 60% Prefix, as bench/README.md sets W1 and W2.
 * gen_list() and gen_documents() write the big manifests of ingroute-mem
 * from the same generator.
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

void gen_one_host(gen_params *p, size_t paths)
{
	gen_defaults(p, paths);
	p->paths_per_host = paths ? paths : 1;
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

/* ---- manifests as kubectl prints them (gen_list, gen_documents) */

/*
 * One emitter writes the same calls as kubectl's YAML (go-yaml: 2-space
 * indent, sequences under a key not indented), its -o json (4-space
 * indent) or compact JSON (the last-applied-configuration annotation), so
 * the YAML and JSON of a seed hold the same objects byte for byte of
 * content. Keys come in the order the caller gives; kubectl sorts them,
 * so the List writers give them sorted.
 */
enum { EM_YAML, EM_JSON, EM_COMPACT };
enum { Q_PLAIN, Q_DOUBLE, Q_SINGLE };

typedef struct emitter {
	sbuf *b;
	int style;
	int depth;
	struct {
		int seq;  /* a sequence, else a map */
		int dash; /* YAML: a map that is a sequence item ("- " before its
		           * first key) */
		int ind;  /* YAML: column of the keys or of the dashes */
		int n;    /* entries so far */
	} lv[24];
} emitter;

static void spaces(sbuf *b, int n)
{
	static const char sp[] = "                                                                ";

	while (n > 0) {
		int k = n < (int)sizeof(sp) - 1 ? n : (int)sizeof(sp) - 1;

		put(b, sp, (size_t)k);
		n -= k;
	}
}

static void json_string(sbuf *b, const char *s)
{
	const char *run = s;

	put(b, "\"", 1);
	for (; *s; s++) {
		const char *esc = *s == '"' ? "\\\"" : *s == '\\' ? "\\\\"
		                : *s == '\n' ? "\\n" : NULL;

		if (!esc)
			continue;
		put(b, run, (size_t)(s - run));
		put(b, esc, 2);
		run = s + 1;
	}
	put(b, run, (size_t)(s - run));
	put(b, "\"", 1);
}

/* Starts an entry of the innermost collection: its key in a map, and in
 * YAML the indentation or "- " that comes before. */
static void em_entry(emitter *e, const char *key)
{
	int d = e->depth - 1;

	if (d < 0)
		return;
	if (e->style == EM_YAML) {
		if (e->lv[d].seq) {
			spaces(e->b, e->lv[d].ind);
			put(e->b, "-", 1);
		} else {
			if (e->lv[d].n == 0 && e->lv[d].dash) {
				spaces(e->b, e->lv[d].ind - 2);
				put(e->b, "- ", 2);
			} else
				spaces(e->b, e->lv[d].ind);
			putf(e->b, "%s:", key);
		}
	} else {
		if (e->lv[d].n)
			put(e->b, ",", 1);
		if (e->style == EM_JSON) {
			put(e->b, "\n", 1);
			spaces(e->b, 4 * e->depth);
		}
		if (!e->lv[d].seq) {
			json_string(e->b, key);
			put(e->b, e->style == EM_JSON ? ": " : ":", e->style == EM_JSON ? 2 : 1);
		}
	}
	e->lv[d].n++;
}

static void em_str(emitter *e, const char *key, const char *v, int quote)
{
	em_entry(e, key);
	if (e->style != EM_YAML) {
		json_string(e->b, v);
		return;
	}
	if (quote == Q_DOUBLE)
		putf(e->b, " \"%s\"\n", v);
	else if (quote == Q_SINGLE)
		putf(e->b, " '%s'\n", v);
	else
		putf(e->b, " %s\n", v);
}

static void em_int(emitter *e, const char *key, long v)
{
	em_entry(e, key);
	putf(e->b, e->style == EM_YAML ? " %ld\n" : "%ld", v);
}

/* A string that ends in a newline: go-yaml writes it as a literal block. */
static void em_block(emitter *e, const char *key, const char *v)
{
	const char *nl;

	em_entry(e, key);
	if (e->style != EM_YAML) {
		json_string(e->b, v);
		return;
	}
	put(e->b, " |\n", 3);
	for (; *v; v = nl + 1) {
		nl = strchr(v, '\n');
		spaces(e->b, e->lv[e->depth - 1].ind + 2);
		put(e->b, v, (size_t)(nl - v) + 1);
	}
}

static void em_empty_map(emitter *e, const char *key)
{
	em_entry(e, key);
	put(e->b, e->style == EM_YAML ? " {}\n" : "{}", e->style == EM_YAML ? 4 : 2);
}

static void em_open(emitter *e, const char *key, int seq)
{
	int d = e->depth - 1, ind = 0, dash = 0;

	if (d >= 0 && e->style == EM_YAML) {
		if (e->lv[d].seq) {
			/* A map as a sequence item: its first key writes the dash. */
			ind = e->lv[d].ind + 2;
			dash = 1;
			e->lv[d].n++;
		} else {
			em_entry(e, key);
			put(e->b, "\n", 1);
			ind = seq ? e->lv[d].ind : e->lv[d].ind + 2;
		}
	} else if (e->style != EM_YAML) {
		em_entry(e, key);
		put(e->b, seq ? "[" : "{", 1);
	}
	e->lv[e->depth].seq = seq;
	e->lv[e->depth].dash = dash;
	e->lv[e->depth].ind = ind;
	e->lv[e->depth].n = 0;
	e->depth++;
}

static void em_map(emitter *e, const char *key)
{
	em_open(e, key, 0);
}

static void em_seq(emitter *e, const char *key)
{
	em_open(e, key, 1);
}

static void em_end(emitter *e)
{
	int d = --e->depth;

	if (e->style == EM_YAML)
		return;
	if (e->style == EM_JSON && e->lv[d].n) {
		put(e->b, "\n", 1);
		spaces(e->b, 4 * d);
	}
	put(e->b, e->lv[d].seq ? "]" : "}", 1);
}

/* A scalar item of a sequence. */
static void em_item(emitter *e, const char *v, int quote)
{
	em_str(e, NULL, v, quote);
}

typedef struct lpath {
	char path[128];
	int exact;
	char svc[64];
	int port;              /* a number, or 0 and port_name */
	const char *port_name;
} lpath;

typedef struct lrule {
	char host[128];
	int wild;              /* single-quoted in YAML: '*' starts an alias */
	size_t npaths;
	lpath paths[6];
} lrule;

typedef struct litem {
	char name[48], ns[48], uid[40], rv[16], ip[16], secret[64];
	char created[24], applied[24], lb_time[24];
	long generation;
	size_t nrules;
	lrule rules[2];
	int tls, issuer, ssl_redirect;
	const char *app, *body_size, *env;
	unsigned timeout;
	sbuf lac;              /* last-applied-configuration */
} litem;

static void timestamp(char *out, size_t cap, unsigned day, unsigned sec)
{
	snprintf(out, cap, "2025-%02u-%02uT%02u:%02u:%02uZ", 1 + day / 28,
	         1 + day % 28, sec / 3600 % 24, sec / 60 % 60, sec % 60);
}

static void make_path(lpath *p, const char *app)
{
	static const int ports[] = { 80, 8080, 443, 3000, 9090, 8000 };
	static const char *const names[] = { "http", "grpc", "web", "metrics" };
	unsigned segs = 1 + below(3), s;
	size_t len = 0;

	for (s = 0; s < segs; s++) {
		char seg[40];

		segment(seg, sizeof(seg));
		len += (size_t)snprintf(p->path + len, sizeof(p->path) - len, "/%s", seg);
	}
	p->exact = below(100) < 30;
	snprintf(p->svc, sizeof(p->svc), "%s-%s", app,
	         words[below(sizeof(words) / sizeof(words[0]))]);
	if (below(100) < 65) {
		p->port = ports[below(sizeof(ports) / sizeof(ports[0]))];
		p->port_name = NULL;
	} else {
		p->port = 0;
		p->port_name = names[below(sizeof(names) / sizeof(names[0]))];
	}
}

/* Paths of a rule, none twice: kubectl would print a duplicate, but it
 * would only add a conflict warning to what is measured. */
static void make_rule(lrule *r, size_t npaths, const char *app)
{
	size_t k, m;

	r->npaths = npaths;
	for (k = 0; k < npaths; k++) {
		do {
			make_path(&r->paths[k], app);
			for (m = 0; m < k; m++)
				if (strcmp(r->paths[m].path, r->paths[k].path) == 0)
					break;
		} while (m < k);
	}
}

static void make_item(litem *it, size_t i, int small)
{
	static const char *const sizes[] = { "1m", "8m", "16m", "50m", "100m" };
	static const char *const envs[] = { "production", "staging", "dev" };
	const char *app = words[below(sizeof(words) / sizeof(words[0]))];
	unsigned day = below(300), sec = below(86400);
	uint64_t hi, lo;
	size_t r;

	snprintf(it->name, sizeof(it->name), "%s-%zu", app, i);
	snprintf(it->ns, sizeof(it->ns), "%s-%zu",
	         words[(i / 25) % (sizeof(words) / sizeof(words[0]))], i / 25);
	it->app = app;
	it->nrules = small ? 1 : 1 + (below(100) < 40);
	for (r = 0; r < it->nrules; r++) {
		lrule *ru = &it->rules[r];

		ru->wild = !small && below(100) < 5;
		snprintf(ru->host, sizeof(ru->host), "%s%s.%s.example.com",
		         ru->wild ? "*." : r ? "api." : "", it->name, it->ns);
		make_rule(ru, small ? 2 : 3 + below(4), app);
	}
	it->tls = below(100) < 80;
	it->issuer = it->tls && below(100) < 70;
	it->ssl_redirect = below(2);
	it->body_size = sizes[below(sizeof(sizes) / sizeof(sizes[0]))];
	it->timeout = 30 * (1 + below(10));
	it->env = envs[below(sizeof(envs) / sizeof(envs[0]))];
	snprintf(it->secret, sizeof(it->secret), "%s-tls", it->name);
	timestamp(it->created, sizeof(it->created), day, sec);
	timestamp(it->applied, sizeof(it->applied), day + below(3), sec);
	timestamp(it->lb_time, sizeof(it->lb_time), day, sec + 1 + below(40));
	it->generation = 1 + below(4);
	snprintf(it->rv, sizeof(it->rv), "%u", 1000000 + below(90000000));
	/* One draw per statement: the order in which a call's arguments are
	 * evaluated is unspecified, and the bytes must not depend on the
	 * compiler. */
	hi = next();
	lo = next();
	snprintf(it->uid, sizeof(it->uid), "%08x-%04x-4%03x-%04x-%012llx",
	         (unsigned)(hi >> 32), (unsigned)(hi >> 16) & 0xffff,
	         (unsigned)hi & 0xfff, 0x8000 | ((unsigned)(lo >> 48) & 0x3fff),
	         (unsigned long long)(lo & 0xffffffffffffull));
	lo = next();
	snprintf(it->ip, sizeof(it->ip), "10.%u.%u.%u", (unsigned)(lo & 0xff),
	         (unsigned)(lo >> 8) & 0xff, 1 + (unsigned)((lo >> 16) % 254));
}

/* spec, keys sorted as kubectl prints them (and as kubectl apply stored
 * them in last-applied-configuration). */
static void em_spec(emitter *e, const litem *it)
{
	size_t r, k;

	em_map(e, "spec");
	em_str(e, "ingressClassName", "nginx", Q_PLAIN);
	em_seq(e, "rules");
	for (r = 0; r < it->nrules; r++) {
		const lrule *ru = &it->rules[r];

		em_map(e, NULL);
		em_str(e, "host", ru->host, ru->wild ? Q_SINGLE : Q_PLAIN);
		em_map(e, "http");
		em_seq(e, "paths");
		for (k = 0; k < ru->npaths; k++) {
			const lpath *p = &ru->paths[k];

			em_map(e, NULL);
			em_map(e, "backend");
			em_map(e, "service");
			em_str(e, "name", p->svc, Q_PLAIN);
			em_map(e, "port");
			if (p->port_name)
				em_str(e, "name", p->port_name, Q_PLAIN);
			else
				em_int(e, "number", p->port);
			em_end(e);
			em_end(e);
			em_end(e);
			em_str(e, "path", p->path, Q_PLAIN);
			em_str(e, "pathType", p->exact ? "Exact" : "Prefix", Q_PLAIN);
			em_end(e);
		}
		em_end(e);
		em_end(e);
		em_end(e);
	}
	em_end(e);
	if (it->tls) {
		em_seq(e, "tls");
		em_map(e, NULL);
		em_seq(e, "hosts");
		for (r = 0; r < it->nrules; r++)
			em_item(e, it->rules[r].host, it->rules[r].wild ? Q_SINGLE : Q_PLAIN);
		em_end(e);
		em_str(e, "secretName", it->secret, Q_PLAIN);
		em_end(e);
		em_end(e);
	}
	em_end(e);
}

/* The annotations of the manifest; lac adds last-applied-configuration
 * among them, in its sorted place. */
static void em_annotations(emitter *e, const litem *it, const char *lac)
{
	char timeout[16];

	em_map(e, "annotations");
	if (it->issuer)
		em_str(e, "cert-manager.io/cluster-issuer", "letsencrypt-prod", Q_PLAIN);
	if (lac)
		em_block(e, "kubectl.kubernetes.io/last-applied-configuration", lac);
	em_str(e, "nginx.ingress.kubernetes.io/proxy-body-size", it->body_size,
	       Q_PLAIN);
	snprintf(timeout, sizeof(timeout), "%u", it->timeout);
	em_str(e, "nginx.ingress.kubernetes.io/proxy-read-timeout", timeout,
	       Q_DOUBLE);
	em_str(e, "nginx.ingress.kubernetes.io/ssl-redirect",
	       it->ssl_redirect ? "true" : "false", Q_DOUBLE);
	em_end(e);
}

static void em_labels(emitter *e, const litem *it)
{
	em_map(e, "labels");
	em_str(e, "app.kubernetes.io/instance", it->name, Q_PLAIN);
	em_str(e, "app.kubernetes.io/name", it->app, Q_PLAIN);
	em_str(e, "app.kubernetes.io/part-of", it->ns, Q_PLAIN);
	em_str(e, "environment", it->env, Q_PLAIN);
	em_end(e);
}

static void em_managed(emitter *e, const litem *it, const char *manager,
                       const char *time, int status)
{
	em_map(e, NULL);
	em_str(e, "apiVersion", "networking.k8s.io/v1", Q_PLAIN);
	em_str(e, "fieldsType", "FieldsV1", Q_PLAIN);
	em_map(e, "fieldsV1");
	if (status) {
		em_map(e, "f:status");
		em_map(e, "f:loadBalancer");
		em_empty_map(e, "f:ingress");
		em_end(e);
		em_end(e);
	} else {
		em_map(e, "f:metadata");
		em_map(e, "f:annotations");
		em_empty_map(e, ".");
		if (it->issuer)
			em_empty_map(e, "f:cert-manager.io/cluster-issuer");
		em_empty_map(e, "f:kubectl.kubernetes.io/last-applied-configuration");
		em_empty_map(e, "f:nginx.ingress.kubernetes.io/proxy-body-size");
		em_empty_map(e, "f:nginx.ingress.kubernetes.io/proxy-read-timeout");
		em_empty_map(e, "f:nginx.ingress.kubernetes.io/ssl-redirect");
		em_end(e);
		em_map(e, "f:labels");
		em_empty_map(e, ".");
		em_empty_map(e, "f:app.kubernetes.io/instance");
		em_empty_map(e, "f:app.kubernetes.io/name");
		em_empty_map(e, "f:app.kubernetes.io/part-of");
		em_empty_map(e, "f:environment");
		em_end(e);
		em_end(e);
		em_map(e, "f:spec");
		em_empty_map(e, "f:ingressClassName");
		em_empty_map(e, "f:rules");
		if (it->tls)
			em_empty_map(e, "f:tls");
		em_end(e);
	}
	em_end(e);
	em_str(e, "manager", manager, Q_PLAIN);
	em_str(e, "operation", "Update", Q_PLAIN);
	if (status)
		em_str(e, "subresource", "status", Q_PLAIN);
	em_str(e, "time", time, Q_DOUBLE);
	em_end(e);
}

/* One Ingress as the API server returns it. */
static void em_ingress(emitter *e, litem *it)
{
	emitter c = { &it->lac, EM_COMPACT, 0, { { 0 } } };

	/* What kubectl apply stored: the manifest as applied, compact JSON
	 * with a newline. */
	it->lac.n = 0;
	em_map(&c, NULL);
	em_str(&c, "apiVersion", "networking.k8s.io/v1", Q_PLAIN);
	em_str(&c, "kind", "Ingress", Q_PLAIN);
	em_map(&c, "metadata");
	em_annotations(&c, it, NULL);
	em_labels(&c, it);
	em_str(&c, "name", it->name, Q_PLAIN);
	em_str(&c, "namespace", it->ns, Q_PLAIN);
	em_end(&c);
	em_spec(&c, it);
	em_end(&c);
	put(&it->lac, "\n", 1);

	em_map(e, NULL);
	em_str(e, "apiVersion", "networking.k8s.io/v1", Q_PLAIN);
	em_str(e, "kind", "Ingress", Q_PLAIN);
	em_map(e, "metadata");
	em_annotations(e, it, it->lac.failed ? "" : it->lac.p);
	em_str(e, "creationTimestamp", it->created, Q_DOUBLE);
	em_int(e, "generation", it->generation);
	em_labels(e, it);
	em_seq(e, "managedFields");
	em_managed(e, it, "kubectl-client-side-apply", it->applied, 0);
	em_managed(e, it, "nginx-ingress-controller", it->lb_time, 1);
	em_end(e);
	em_str(e, "name", it->name, Q_PLAIN);
	em_str(e, "namespace", it->ns, Q_PLAIN);
	em_str(e, "resourceVersion", it->rv, Q_DOUBLE);
	em_str(e, "uid", it->uid, Q_PLAIN);
	em_end(e);
	em_spec(e, it);
	em_map(e, "status");
	em_map(e, "loadBalancer");
	em_seq(e, "ingress");
	em_map(e, NULL);
	em_str(e, "ip", it->ip, Q_PLAIN);
	em_end(e);
	em_end(e);
	em_end(e);
	em_end(e);
	em_end(e);
}

static int flush(sbuf *b, FILE *out, size_t *total)
{
	if (b->failed || (b->n && fwrite(b->p, 1, b->n, out) != b->n))
		return -1;
	*total += b->n;
	b->n = 0;
	return 0;
}

int gen_list(FILE *out, size_t n, int json, uint64_t seed, size_t *bytes)
{
	sbuf b = { 0 };
	emitter e = { &b, json ? EM_JSON : EM_YAML, 0, { { 0 } } };
	litem *it = calloc(1, sizeof(*it));
	size_t i, total = 0;
	int rc = -1;

	if (!it)
		return -1;
	rng = seed;
	em_map(&e, NULL);
	em_str(&e, "apiVersion", "v1", Q_PLAIN);
	em_seq(&e, "items");
	for (i = 0; i < n; i++) {
		make_item(it, i, 0);
		em_ingress(&e, it);
		if (it->lac.failed || flush(&b, out, &total))
			goto done;
	}
	em_end(&e);
	em_str(&e, "kind", "List", Q_PLAIN);
	em_map(&e, "metadata");
	em_str(&e, "resourceVersion", "", Q_DOUBLE);
	em_end(&e);
	em_end(&e);
	put(&b, "\n", json ? 1 : 0);
	rc = flush(&b, out, &total);
done:
	if (bytes)
		*bytes = total;
	free(it->lac.p);
	free(it);
	free(b.p);
	return rc;
}

int gen_documents(FILE *out, size_t n, uint64_t seed, size_t *bytes)
{
	sbuf b = { 0 };
	emitter e = { &b, EM_YAML, 0, { { 0 } } };
	litem *it = calloc(1, sizeof(*it));
	size_t i, k, total = 0;
	int rc = -1;

	if (!it)
		return -1;
	rng = seed;
	for (i = 0; i < n; i++) {
		const lrule *ru = &it->rules[0];

		make_item(it, i, 1);
		/* The order people write, not kubectl's. */
		put(&b, "---\n", 4);
		em_map(&e, NULL);
		em_str(&e, "apiVersion", "networking.k8s.io/v1", Q_PLAIN);
		em_str(&e, "kind", "Ingress", Q_PLAIN);
		em_map(&e, "metadata");
		em_str(&e, "name", it->name, Q_PLAIN);
		em_str(&e, "namespace", it->ns, Q_PLAIN);
		em_end(&e);
		em_map(&e, "spec");
		em_str(&e, "ingressClassName", "nginx", Q_PLAIN);
		em_seq(&e, "rules");
		em_map(&e, NULL);
		em_str(&e, "host", ru->host, Q_PLAIN);
		em_map(&e, "http");
		em_seq(&e, "paths");
		for (k = 0; k < ru->npaths; k++) {
			const lpath *p = &ru->paths[k];

			em_map(&e, NULL);
			em_str(&e, "path", p->path, Q_PLAIN);
			em_str(&e, "pathType", p->exact ? "Exact" : "Prefix", Q_PLAIN);
			em_map(&e, "backend");
			em_map(&e, "service");
			em_str(&e, "name", p->svc, Q_PLAIN);
			em_map(&e, "port");
			if (p->port_name)
				em_str(&e, "name", p->port_name, Q_PLAIN);
			else
				em_int(&e, "number", p->port);
			em_end(&e);
			em_end(&e);
			em_end(&e);
			em_end(&e);
		}
		em_end(&e);
		em_end(&e);
		em_end(&e);
		em_end(&e);
		em_end(&e);
		em_end(&e);
		if (flush(&b, out, &total))
			goto done;
	}
	rc = 0;
done:
	if (bytes)
		*bytes = total;
	free(it);
	free(b.p);
	return rc;
}
