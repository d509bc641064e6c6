/*
 * ingroute-bench: the figures of bench/README.md, each beside its baseline
 * from the same run, on seeded workloads (gen.c).
 *
 *   load      libyaml's raw event parse of the same bytes (the floor) vs
 *             ingroute's load + validate + compile, from YAML and JSON
 *   compile   a rebuild from the parsed ruleset
 *   lookup    per-lookup latency over a shuffled trace (TSC, overhead
 *             subtracted, warm-up, 5 repetitions), hits and misses apart;
 *             lookups/s on 1 and 2 threads
 *   memory    index bytes per path (strings excluded) and all bytes the
 *             allocator gave the router
 *   baselines a linear first-match router over the same routes in the same
 *             order (how Envoy routes within a virtual host, Traefik across
 *             all routes), and libr3 on one host's exact paths
 *
 * Output: a markdown table on standard output, and JSON with --json FILE.
 */
#define _GNU_SOURCE 1  /* r3_str.h tests its value */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "gen.h"
#include "ingroute.h"
#include "json.h"

#ifdef HAVE_R3
#include <r3/r3.h>
#endif

/* ---- clocks */

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static inline uint64_t tsc(void)
{
	unsigned lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static double ns_per_tick;
static uint64_t tick_overhead;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void calibrate(void)
{
	double t0 = now_ns(), t1;
	uint64_t c0 = tsc(), c1, d[1001];
	int i;

	do
		t1 = now_ns();
	while (t1 - t0 < 200e6);
	c1 = tsc();
	ns_per_tick = (t1 - t0) / (double)(c1 - c0);
	for (i = 0; i < 1001; i++) {
		uint64_t a = tsc(), b = tsc();

		d[i] = b - a;
	}
	qsort(d, 1001, sizeof(d[0]), cmp_u64);
	tick_overhead = d[500];
}

/* ---- a counting allocator, for the bytes a router holds */

static size_t live_bytes;

static void *c_malloc(void *ctx, size_t n)
{
	size_t *p = malloc(n + 16);

	(void)ctx;
	if (!p)
		return NULL;
	p[0] = n;
	__atomic_add_fetch(&live_bytes, n, __ATOMIC_RELAXED);
	return (char *)p + 16;
}

static void c_free(void *ctx, void *q)
{
	size_t *p;

	(void)ctx;
	if (!q)
		return;
	p = (size_t *)((char *)q - 16);
	__atomic_sub_fetch(&live_bytes, p[0], __ATOMIC_RELAXED);
	free(p);
}

static void *c_realloc(void *ctx, void *q, size_t n)
{
	size_t *p, old;

	if (!q)
		return c_malloc(ctx, n);
	p = (size_t *)((char *)q - 16);
	old = p[0];
	p = realloc(p, n + 16);
	if (!p)
		return NULL;
	p[0] = n;
	__atomic_add_fetch(&live_bytes, n, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&live_bytes, old, __ATOMIC_RELAXED);
	return (char *)p + 16;
}

static const ingroute_allocator counting = { c_malloc, c_realloc, c_free, NULL };

/* ---- results */

typedef struct result {
	const char *name;
	size_t paths, hosts, requests;
	double yaml_mb, json_mb;
	double raw_yaml_ms, raw_json_ms;       /* libyaml event parse */
	double load_yaml_ms, load_json_ms;     /* ingroute load+validate+compile */
	double compile_ms;
	double p[REQ_KINDS + 2][4];            /* per kind, hits, misses: p50 p90 p99 p99.9 */
	double p50_spread[2];                  /* min, max of the all-request p50 */
	double all[4];
	double mlps1, mlps2;                   /* million lookups/s, 1 and 2 threads */
	double index_bytes_per_path, total_bytes_per_path;
	double linear_ns, linear_speedup;
	size_t linear_checked;
	double r3_ns, r3_ingroute_ns;
	size_t r3_paths;
	size_t allocs_per_lookup;
} result;

/* ---- the floor: libyaml's raw event parse */

static double raw_parse_ms(const char *text, size_t len)
{
	double best = 1e30;
	int rep;

	for (rep = 0; rep < 3; rep++) {
		yaml_parser_t p;
		yaml_event_t ev;
		double t0 = now_ns();
		int done = 0;

		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
		while (!done) {
			if (!yaml_parser_parse(&p, &ev))
				break;
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
		}
		yaml_parser_delete(&p);
		if (now_ns() - t0 < best)
			best = now_ns() - t0;
	}
	return best / 1e6;
}

static ingroute_router *load_compile(const char *text, size_t len, double *ms,
                                     ingroute_ruleset **rs_out,
                                     const ingroute_allocator *a)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;
	double t0;

	o.allocator = a;
	/* A 1M-path List is one JSON document of ~20M nodes: past the
	 * defaults, which are for manifests people write. */
	o.max_nodes = 64u << 20;
	o.max_input_bytes = (size_t)1 << 30;
	t0 = now_ns();
	if (ingroute_ruleset_new(&rs, &o) ||
	    ingroute_ruleset_load_buffer(rs, text, len, "bench.yaml", NULL) ||
	    ingroute_router_compile(&r, rs, NULL)) {
		fprintf(stderr, "ingroute-bench: the workload did not load\n");
		exit(1);
	}
	*ms = (now_ns() - t0) / 1e6;
	if (rs_out)
		*rs_out = rs;
	else
		ingroute_ruleset_free(rs);
	return r;
}

/* ---- lookups */

static void percentiles(uint64_t *v, size_t n, double out[4])
{
	static const double q[4] = { 0.50, 0.90, 0.99, 0.999 };
	int i;

	if (n == 0) {
		memset(out, 0, 4 * sizeof(double));
		return;
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < 4; i++) {
		size_t k = (size_t)(q[i] * (double)(n - 1));
		double t = (double)v[k] - (double)tick_overhead;

		out[i] = (t < 0 ? 0 : t) * ns_per_tick;
	}
}

static void measure_lookups(const ingroute_router *r, const workload *w,
                            result *res)
{
	uint64_t *t = malloc(w->nreqs * sizeof(uint64_t));
	uint64_t *bucket = malloc(w->nreqs * sizeof(uint64_t));
	double p50s[5];
	size_t i, rep;
	ingroute_match m;
	int k;

	m.size = sizeof(m);
	for (i = 0; i < w->nreqs; i++)   /* warm-up */
		ingroute_router_match(r, w->reqs[i].host, w->reqs[i].host_len,
		                      w->reqs[i].path, w->reqs[i].path_len, &m);
	for (rep = 0; rep < 5; rep++) {
		for (i = 0; i < w->nreqs; i++) {
			const gen_request *q = &w->reqs[i];
			uint64_t a = tsc();

			ingroute_router_match(r, q->host, q->host_len, q->path,
			                      q->path_len, &m);
			t[i] = tsc() - a;
		}
		memcpy(bucket, t, w->nreqs * sizeof(uint64_t));
		{
			double all[4];

			percentiles(bucket, w->nreqs, all);
			p50s[rep] = all[0];
			if (rep == 4)
				memcpy(res->all, all, sizeof(all));
		}
	}
	res->p50_spread[0] = res->p50_spread[1] = p50s[0];
	for (rep = 1; rep < 5; rep++) {
		if (p50s[rep] < res->p50_spread[0])
			res->p50_spread[0] = p50s[rep];
		if (p50s[rep] > res->p50_spread[1])
			res->p50_spread[1] = p50s[rep];
	}
	/* By kind, and hits (the first three kinds) against misses. */
	for (k = 0; k < REQ_KINDS + 2; k++) {
		size_t n = 0;

		for (i = 0; i < w->nreqs; i++) {
			int kind = w->reqs[i].kind;
			int hit = kind <= REQ_WILDCARD_HIT;

			if (k < REQ_KINDS ? kind == k : (k == REQ_KINDS) == hit)
				bucket[n++] = t[i];
		}
		percentiles(bucket, n, res->p[k]);
	}
	free(t);
	free(bucket);
}

typedef struct thr {
	const ingroute_router *r;
	const workload *w;
	size_t start, count;
	double ns;
} thr;

static void *thread_lookups(void *arg)
{
	thr *t = arg;
	ingroute_match m;
	size_t i, n = t->w->nreqs;
	double t0 = now_ns();

	size_t k = t->start;

	m.size = sizeof(m);
	for (i = 0; i < t->count; i++) {
		const gen_request *q = &t->w->reqs[k];

		ingroute_router_match(t->r, q->host, q->host_len, q->path, q->path_len,
		                      &m);
		if (++k == n)
			k = 0;
	}
	t->ns = now_ns() - t0;
	return NULL;
}

static double throughput(const ingroute_router *r, const workload *w, int threads)
{
	pthread_t th[2];
	thr t[2];
	double worst = 0;
	int i;

	for (i = 0; i < threads; i++) {
		t[i].r = r;
		t[i].w = w;
		t[i].start = (size_t)i * w->nreqs / 2;
		t[i].count = w->nreqs * 3;
		pthread_create(&th[i], NULL, thread_lookups, &t[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (t[i].ns > worst)
			worst = t[i].ns;
	}
	return (double)threads * (double)(w->nreqs * 3) / worst * 1e3;
}

/* ---- baseline: linear first-match over the routes in precedence order */

typedef struct lroute {
	char *host;       /* "a.b", "*.b" or "" */
	size_t host_len;
	char *path;
	size_t path_len;
	int type;         /* 1 Exact, 2 Prefix */
} lroute;

static lroute *routes_from_dump(const ingroute_router *r, size_t *n)
{
	char *out = NULL;
	const json *v, *p;
	lroute *rt = NULL;
	size_t k = 0, cap = 0;
	json *j;

	if (ingroute_router_dump(r, &out, NULL) != 0 || !(j = json_parse(out)))
		exit(1);
	ingroute_free(out);
	for (v = json_get(j, "virtualHosts")->kids; v; v = v->next)
		for (p = json_get(v, "paths")->kids; p; p = p->next) {
			if (k == cap)
				rt = realloc(rt, (cap = cap ? cap * 2 : 1024) * sizeof(*rt));
			rt[k].host = strdup(json_str(v, "host"));
			rt[k].host_len = strlen(rt[k].host);
			rt[k].path = strdup(json_str(p, "path"));
			rt[k].path_len = strlen(rt[k].path);
			rt[k].type = strcmp(json_str(p, "pathType"), "Exact") == 0 ? 1 : 2;
			k++;
		}
	json_free(j);
	*n = k;
	return rt;
}

static const lroute *linear_match(const lroute *rt, size_t n, const char *host,
                                  size_t hlen, const char *path, size_t plen)
{
	char h[256], p[8200];
	size_t hn = ingroute_normalize_host(host, hlen, h, sizeof(h));
	size_t pn = ingroute_normalize_path(path, plen, p, sizeof(p));
	const char *dot = memchr(h, '.', hn);
	size_t i;

	for (i = 0; i < n; i++) {
		const lroute *x = &rt[i];

		if (x->host_len) {
			if (x->host[0] == '*') {
				if (!dot || (size_t)(h + hn - dot) != x->host_len - 1 ||
				    memcmp(dot, x->host + 1, x->host_len - 1) != 0)
					continue;
			} else if (x->host_len != hn || memcmp(x->host, h, hn) != 0) {
				continue;
			}
		}
		if (x->type == 1) {
			if (x->path_len == pn && memcmp(x->path, p, pn) == 0)
				return x;
		} else {
			size_t key = x->path_len > 1 && x->path[x->path_len - 1] == '/'
				? x->path_len - 1 : x->path_len;

			if (key <= pn && memcmp(x->path, p, key) == 0 &&
			    (key == pn || p[key] == '/' || key <= 1))
				return x;
		}
	}
	return NULL;
}

static void measure_linear(const ingroute_router *r, const workload *w,
                           result *res)
{
	size_t n, i, count = w->paths >= 100000 ? 400 : 4000;
	lroute *rt = routes_from_dump(r, &n);
	const lroute *volatile sink = NULL;   /* the pointer is volatile: no call is elided */
	double t0;

	if (count > w->nreqs)
		count = w->nreqs;
	t0 = now_ns();
	for (i = 0; i < count; i++)
		sink = linear_match(rt, n, w->reqs[i].host, w->reqs[i].host_len,
		                    w->reqs[i].path, w->reqs[i].path_len);
	(void)sink;
	res->linear_ns = (now_ns() - t0) / (double)count;
	if (getenv("INGROUTE_BENCH_DEBUG"))
		fprintf(stderr, "linear: %zu routes, %zu requests\n", n, count);
	res->linear_checked = count;
	/* Both sides as means over a batch: the linear scan is timed that way. */
	res->linear_speedup = res->linear_ns / (1e3 / res->mlps1);
	for (i = 0; i < n; i++) {
		free(rt[i].host);
		free(rt[i].path);
	}
	free(rt);
}

#ifdef HAVE_R3
/* libr3 against ingroute on the same exact paths under one host. */
static void measure_r3(const ingroute_router *r, result *res)
{
	char *out = NULL, **paths = NULL;
	const json *v, *p;
	size_t n = 0, cap = 0, i, yl = 0, ycap = 1 << 20, reps = 5, k;
	char *yaml = malloc(ycap);
	node *tree = r3_tree_create(10);
	ingroute_router *one;
	ingroute_match m;
	double t0, ms;
	json *j;

	if (ingroute_router_dump(r, &out, NULL) != 0 || !(j = json_parse(out)))
		exit(1);
	ingroute_free(out);
	yl += (size_t)snprintf(yaml, ycap, "apiVersion: networking.k8s.io/v1\n"
	                       "kind: Ingress\nmetadata: {name: one}\nspec:\n"
	                       "  rules:\n  - host: one.example.com\n    http:\n"
	                       "      paths:\n");
	for (v = json_get(j, "virtualHosts")->kids; v; v = v->next)
		for (p = json_get(v, "paths")->kids; p; p = p->next) {
			const char *path = json_str(p, "path");

			if (strcmp(json_str(p, "pathType"), "Exact") != 0 ||
			    r3_tree_matchl(tree, path, (int)strlen(path), NULL))
				continue;   /* r3 holds each path once */
			if (n == cap)
				paths = realloc(paths, (cap = cap ? cap * 2 : 1024) * sizeof(char *));
			paths[n] = strdup(path);
			r3_tree_insert_pathl(tree, paths[n], (int)strlen(paths[n]), paths[n]);
			while (yl + 512 > ycap)
				yaml = realloc(yaml, ycap *= 2);
			yl += (size_t)snprintf(yaml + yl, ycap - yl,
			                       "      - {path: \"%s\", pathType: Exact, backend: "
			                       "{service: {name: s, port: {number: 80}}}}\n", path);
			n++;
		}
	json_free(j);
	if (r3_tree_compile(tree, NULL) != 0)
		exit(1);
	one = load_compile(yaml, yl, &ms, NULL, NULL);
	m.size = sizeof(m);
	t0 = now_ns();
	for (k = 0; k < reps; k++)
		for (i = 0; i < n; i++)
			if (!r3_tree_matchl(tree, paths[(i * 7919) % n],
			                    (int)strlen(paths[(i * 7919) % n]), NULL))
				exit(1);
	res->r3_ns = (now_ns() - t0) / (double)(reps * n);
	t0 = now_ns();
	for (k = 0; k < reps; k++)
		for (i = 0; i < n; i++) {
			const char *q = paths[(i * 7919) % n];

			ingroute_router_match(one, "one.example.com", 15, q, strlen(q), &m);
			if (m.decision != INGROUTE_DECISION_PATH)
				exit(1);
		}
	res->r3_ingroute_ns = (now_ns() - t0) / (double)(reps * n);
	res->r3_paths = n;
	ingroute_router_unref(one);
	r3_tree_free(tree);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(yaml);
}
#endif

/* ---- one workload */

static void run(const char *name, size_t paths, int with_baselines, result *res)
{
	gen_params gp;
	workload w;
	ingroute_ruleset *rs;
	ingroute_router *r, *again, *counted;
	size_t before, i;
	double ms, best;

	memset(res, 0, sizeof(*res));
	res->name = name;
	gen_defaults(&gp, paths);
	if (gen_workload(&gp, &w) != 0)
		exit(1);
	res->paths = w.paths;
	res->hosts = w.hosts;
	res->requests = w.nreqs;
	res->yaml_mb = (double)w.yaml_len / 1e6;
	res->json_mb = (double)w.json_len / 1e6;
	res->raw_yaml_ms = raw_parse_ms(w.yaml, w.yaml_len);
	res->raw_json_ms = raw_parse_ms(w.json, w.json_len);

	r = load_compile(w.json, w.json_len, &res->load_json_ms, NULL, NULL);
	ingroute_router_unref(r);
	/* The counting allocator's headers would shift the router's arrays
	 * off their natural alignment: it only measures bytes, on a ruleset
	 * of its own; lookups run on a router made with malloc. */
	before = live_bytes;
	counted = load_compile(w.yaml, w.yaml_len, &res->load_yaml_ms, &rs, &counting);
	{
		ingroute_ruleset *plain;
		double ms;

		r = load_compile(w.yaml, w.yaml_len, &ms, &plain, NULL);
		ingroute_ruleset_free(plain);
	}
	(void)before;

	/* A rebuild from the parsed ruleset, best of three. */
	best = 1e30;
	for (i = 0; i < 3; i++) {
		size_t live = live_bytes;
		double t0 = now_ns();

		if (ingroute_router_compile(&again, rs, NULL) != 0)
			exit(1);
		ms = (now_ns() - t0) / 1e6;
		if (ms < best)
			best = ms;
		if (i == 0)
			res->total_bytes_per_path = (double)(live_bytes - live) /
			                            (double)w.paths;
		ingroute_router_unref(again);
	}
	res->compile_ms = best;
	{
		ingroute_stats st;

		st.size = sizeof(st);
		if (ingroute_router_stats(r, &st) == 0)
			res->index_bytes_per_path = (double)st.index_bytes /
			                            (double)w.paths;
	}

	/* Allocations during lookups: none expected (the counted router sees
	 * every call to its allocator). */
	{
		size_t live = live_bytes;
		ingroute_match m;

		m.size = sizeof(m);
		for (i = 0; i < w.nreqs; i++)
			ingroute_router_match(counted, w.reqs[i].host, w.reqs[i].host_len,
			                      w.reqs[i].path, w.reqs[i].path_len, &m);
		res->allocs_per_lookup = live_bytes != live;
	}
	ingroute_router_unref(counted);
	measure_lookups(r, &w, res);
	res->mlps1 = throughput(r, &w, 1);
	res->mlps2 = throughput(r, &w, 2);
	if (with_baselines) {
		/* measure_linear() compares against the 1-thread mean. */
		measure_linear(r, &w, res);
#ifdef HAVE_R3
		measure_r3(r, res);
#endif
	}
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
	gen_free(&w);
}

static void print_table(const result *rs, size_t n)
{
	static const char *const kinds[REQ_KINDS + 2] = {
		"exact hit", "prefix hit", "wildcard hit", "path miss", "host miss",
		"all hits", "all misses" };
	size_t i;
	int k;

	printf("| workload | paths | hosts | YAML MB | libyaml raw parse | load+validate+compile (YAML) | ratio | JSON: raw / load | compile from ruleset |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		const result *r = &rs[i];

		printf("| %s | %zu | %zu | %.1f | %.1f ms (%.0f MB/s) | %.1f ms (%.0f MB/s) | %.2f | %.1f / %.1f ms | %.2f ms |\n",
		       r->name, r->paths, r->hosts, r->yaml_mb, r->raw_yaml_ms,
		       r->yaml_mb / r->raw_yaml_ms * 1e3, r->load_yaml_ms,
		       r->yaml_mb / r->load_yaml_ms * 1e3,
		       r->raw_yaml_ms / r->load_yaml_ms, r->raw_json_ms,
		       r->load_json_ms, r->compile_ms);
	}
	printf("\nLatency: each lookup timed alone (TSC between fences, overhead subtracted);\n"
	       "mean: lookups back to back on one thread, as a proxy runs them.\n\n");
	printf("| workload | requests | p50 ns (spread of 5) | p90 | p99 | p99.9 | hits p50/p99 | misses p50/p99 | mean ns, 1 thread | Mlookups/s 1 thread | 2 threads | allocs/lookup |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		const result *r = &rs[i];

		printf("| %s | %zu | %.0f (%.0f-%.0f) | %.0f | %.0f | %.0f | %.0f / %.0f | %.0f / %.0f | %.0f | %.1f | %.1f | %zu |\n",
		       r->name, r->requests, r->all[0], r->p50_spread[0],
		       r->p50_spread[1], r->all[1], r->all[2], r->all[3],
		       r->p[REQ_KINDS][0], r->p[REQ_KINDS][2], r->p[REQ_KINDS + 1][0],
		       r->p[REQ_KINDS + 1][2], 1e3 / r->mlps1, r->mlps1, r->mlps2,
		       r->allocs_per_lookup);
	}
	printf("\n| workload |");
	for (k = 0; k < REQ_KINDS; k++)
		printf(" %s p50/p99 |", kinds[k]);
	printf("\n|---|");
	for (k = 0; k < REQ_KINDS; k++)
		printf("---:|");
	printf("\n");
	for (i = 0; i < n; i++) {
		printf("| %s |", rs[i].name);
		for (k = 0; k < REQ_KINDS; k++)
			printf(" %.0f / %.0f |", rs[i].p[k][0], rs[i].p[k][2]);
		printf("\n");
	}
	printf("\n| workload | index B/path | total B/path | linear first-match ns/lookup | ingroute mean ns/lookup | speedup | libr3 exact paths | libr3 ns | ingroute ns (same paths, one host) |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		const result *r = &rs[i];

		printf("| %s | %.1f | %.1f | ", r->name, r->index_bytes_per_path,
		       r->total_bytes_per_path);
		if (r->linear_checked)
			printf("%.0f | %.0f | %.0fx | ", r->linear_ns, 1e3 / r->mlps1,
			       r->linear_speedup);
		else
			printf("- | - | - | ");
		if (r->r3_paths)
			printf("%zu | %.0f | %.0f |\n", r->r3_paths, r->r3_ns,
			       r->r3_ingroute_ns);
		else
			printf("- | - | - |\n");
	}
}

static void write_json(const char *file, const result *rs, size_t n)
{
	FILE *f = fopen(file, "w");
	size_t i;

	if (!f) {
		perror(file);
		return;
	}
	fprintf(f, "{\"ingroute\":\"%s\",\"nsPerTick\":%.4f,\"workloads\":[",
	        ingroute_version_string(), ns_per_tick);
	for (i = 0; i < n; i++) {
		const result *r = &rs[i];

		fprintf(f, "%s{\"name\":\"%s\",\"paths\":%zu,\"hosts\":%zu,"
		        "\"rawYamlMs\":%.3f,\"loadYamlMs\":%.3f,\"rawJsonMs\":%.3f,"
		        "\"loadJsonMs\":%.3f,\"compileMs\":%.3f,\"p50\":%.1f,\"p90\":%.1f,"
		        "\"p99\":%.1f,\"p999\":%.1f,\"hitP50\":%.1f,\"missP50\":%.1f,"
		        "\"mlps1\":%.2f,\"mlps2\":%.2f,\"indexBytesPerPath\":%.1f,"
		        "\"totalBytesPerPath\":%.1f,\"linearNs\":%.1f,\"r3Ns\":%.1f,"
		        "\"r3IngrouteNs\":%.1f,\"allocsPerLookup\":%zu}",
		        i ? "," : "", r->name, r->paths, r->hosts, r->raw_yaml_ms,
		        r->load_yaml_ms, r->raw_json_ms, r->load_json_ms, r->compile_ms,
		        r->all[0], r->all[1], r->all[2], r->all[3], r->p[REQ_KINDS][0],
		        r->p[REQ_KINDS + 1][0], r->mlps1, r->mlps2,
		        r->index_bytes_per_path, r->total_bytes_per_path, r->linear_ns,
		        r->r3_ns, r->r3_ingroute_ns, r->allocs_per_lookup);
	}
	fprintf(f, "]}\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; size_t paths; int full; } all[] = {
		{ "W1 (1k)", 1000, 1 }, { "10k", 10000, 1 }, { "W2 (100k)", 100000, 1 },
		{ "1M", 1000000, 0 },
	};
	result rs[4];
	const char *json_file = NULL;
	size_t n = 0, i, max = 4;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--quick") == 0)
			max = 3;
		else if (strcmp(argv[a], "--json") == 0 && a + 1 < argc)
			json_file = argv[++a];
		else {
			fprintf(stderr, "usage: ingroute-bench [--quick] [--json FILE]\n"
			                "  --quick  W1, 10k and W2 only (no 1M-path point)\n");
			return 2;
		}
	}
	calibrate();
	fprintf(stderr, "ingroute %s; TSC %.3f ns/tick, timer overhead %llu ticks "
	        "subtracted\n", ingroute_version_string(), ns_per_tick,
	        (unsigned long long)tick_overhead);
	for (i = 0; i < max; i++) {
		fprintf(stderr, "running %s...\n", all[i].name);
		run(all[i].name, all[i].paths, all[i].full, &rs[n++]);
	}
	print_table(rs, n);
	if (json_file)
		write_json(json_file, rs, n);
	return 0;
}
