/*
 * ingroute-bench: the figures of bench/README.md, each beside its baseline
 * from the same run, on seeded workloads (gen.c).
 *
 *   load      libyaml's raw event parse of the same bytes (the floor) vs
 *             ingroute's load + validate + compile, from YAML and JSON
 *   compile   a rebuild from the parsed ruleset
 *   lookup    per-lookup latency over a shuffled trace (TSC, overhead
 *             subtracted, warm-up, 5 repetitions), hits and misses apart;
 *             the mean of lookups back to back, normalising and not;
 *             lookups/s on 1 and 2 threads
 *   memory    index bytes per path (strings excluded) and all bytes the
 *             allocator gave the router
 *   baselines on the same routes, in the order ingroute_router_dump()
 *             gives them, and the same trace: the per-host scan (the host
 *             hashed, then its routes one by one in precedence order, as
 *             Envoy routes inside a virtual host), the floor (one hash of
 *             host and path, one probe of a table of the Exact routes), a
 *             linear first-match router over all routes (Traefik's way),
 *             and libr3 on one host's exact paths
 *   instructions per lookup, from the hardware counter where the machine
 *             has one; --lookup-only runs one implementation alone, to
 *             count them under callgrind where it has none
 *
 * Output: a markdown table on standard output, and JSON with --json FILE.
 */
#define _GNU_SOURCE 1  /* r3_str.h tests its value; syscall() */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#ifdef __linux__
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* Inlined, as the library inlines it: the baselines pay for hashing what
 * ingroute pays. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "count-alloc.h"
#include "gen.h"
#include "ingroute.h"
#include "json.h"

#ifdef HAVE_R3
#include <r3/r3.h>
#endif

/* The baselines' lookups are calls, as ingroute's is, and keep their own
 * names (no clone under another) for profilers and callgrind. */
#if defined(__clang__)
#define LOOKUP __attribute__((noinline))
#else
#define LOOKUP __attribute__((noinline, noclone))
#endif

/* What every lookup is measured for, and the function callgrind collects
 * for --lookup-only. */
enum impl { I_INGROUTE, I_RAW, I_SCAN, I_FLOOR, I_LINEAR, I_R3, NIMPL };

static const struct {
	const char *name, *function, *title;
} impls[NIMPL] = {
	{ "ingroute", "ingroute_router_match", "ingroute" },
	{ "ingroute-raw", "ingroute_router_match", "ingroute, no normalising" },
	{ "scan", "scan_lookup", "per-host scan" },
	{ "floor", "floor_lookup", "floor" },
	{ "linear", "linear_match", "linear first-match" },
	{ "r3", "r3_tree_matchl", "libr3" },
};

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

/* ---- instructions, from the hardware counter
 *
 * Virtual machines often expose no PMU (perf_event_open() then fails); the
 * figures are left out and --lookup-only is for callgrind instead. */

static int insn_fd = -2;   /* -2: not opened yet; -1: no counter here */

static int insn_start(void)
{
#ifdef __linux__
	if (insn_fd == -2) {
		struct perf_event_attr a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_HARDWARE;
		a.config = PERF_COUNT_HW_INSTRUCTIONS;
		a.disabled = 1;
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		insn_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0UL);
		if (insn_fd < 0)
			insn_fd = -1;
	}
	if (insn_fd < 0)
		return 0;
	return ioctl(insn_fd, PERF_EVENT_IOC_RESET, 0) == 0 &&
	       ioctl(insn_fd, PERF_EVENT_IOC_ENABLE, 0) == 0;
#else
	return 0;
#endif
}

/* Instructions since insn_start(), or 0. */
static uint64_t insn_stop(void)
{
#ifdef __linux__
	uint64_t v = 0;

	if (insn_fd < 0 || ioctl(insn_fd, PERF_EVENT_IOC_DISABLE, 0) != 0 ||
	    read(insn_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
#else
	return 0;
#endif
}


static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "ingroute-bench: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "ingroute-bench: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- the workloads */

static const struct bcase {
	const char *key, *name;
	size_t paths;
	int one_host;       /* H1: every path on one host */
	int slow_baselines; /* linear first-match and libr3 too */
	int quick;          /* in --quick */
} cases[] = {
	{ "W1", "W1 (1k)", 1000, 0, 1, 1 },
	{ "10k", "10k", 10000, 0, 1, 1 },
	{ "W2", "W2 (100k)", 100000, 0, 1, 1 },
	{ "H1", "H1 (1 host, 10k)", 10000, 1, 1, 1 },
	{ "1M", "1M", 1000000, 0, 0, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static const struct bcase *find_case(const char *key)
{
	size_t i;

	for (i = 0; i < NCASES; i++)
		if (strcmp(cases[i].key, key) == 0)
			return &cases[i];
	return NULL;
}

static void make_workload(const struct bcase *c, workload *w)
{
	gen_params gp;

	if (c->one_host)
		gen_one_host(&gp, c->paths);
	else
		gen_defaults(&gp, c->paths);
	if (gen_workload(&gp, w) != 0) {
		fprintf(stderr, "ingroute-bench: out of memory for %s\n", c->name);
		exit(1);
	}
}

/* ---- results */

typedef struct result {
	const char *key, *name;
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
	double mean_ns[NIMPL];                 /* 0: not measured */
	double insn[NIMPL];                    /* per lookup; 0: not measured */
	size_t linear_checked;
	double r3_ingroute_ns;
	size_t r3_paths;
	size_t scan_agreed;                    /* requests the scan answered as ingroute */
	size_t floor_agreed;                   /* Exact answers of exact hosts */
	size_t floor_out_of_reach;             /* Exact answers of other hosts */
	size_t allocs_per_lookup;
} result;

/* ---- the floor of loading: libyaml's raw event parse */

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

/* The same ruleset compiled with INGROUTE_OPT_NO_NORMALIZE, as a proxy
 * that normalises by itself would run it. */
static ingroute_router *compile_raw(const ingroute_ruleset *rs)
{
	ingroute_compile_options co = INGROUTE_COMPILE_OPTIONS_INIT;
	ingroute_router *r;

	co.fields = INGROUTE_COMPILE_NO_NORMALIZE;
	co.flags = INGROUTE_OPT_NO_NORMALIZE;
	if (ingroute_router_compile_with(&r, rs, &co, NULL) != 0) {
		fprintf(stderr, "ingroute-bench: the workload did not compile\n");
		exit(1);
	}
	return r;
}

/* ---- the routes as ingroute_router_dump() gives them */

typedef struct lroute {
	const char *host; /* "a.b", "*.b" or "" */
	size_t host_len;
	char *path;       /* NULL for a default backend */
	size_t path_len;
	int type;         /* enum ingroute_path_type; 0 for a default backend */
	char *backend;    /* backend_of_json() */
} lroute;

typedef struct vroute {
	char *host;           /* as the dump spells it: "a.b", "*.b" or "" */
	size_t first, n;      /* its paths: routes[first, first + n) */
	const lroute *dflt;   /* its default backend, or NULL */
} vroute;

typedef struct dumped {
	lroute *routes;       /* every path, host by host, each host's in
	                       * precedence order */
	size_t nroutes;
	vroute *vhosts;
	size_t nvhosts;
	lroute *defaults;     /* the hosts' default backends, and the global */
	size_t ndefaults;
	const lroute *global; /* the global default, or NULL */
} dumped;

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* A backend as one string, "NS/SERVICE:PORT" or "NS/GROUP/KIND/NAME", for
 * comparing answers. */
static char *backend_of_json(const json *b)
{
	const json *svc = json_get(b, "service"), *port = json_get(svc, "port");
	const json *num = json_get(port, "number"), *res = json_get(b, "resource");
	const char *ns = or_empty(json_str(b, "namespace"));
	char s[1024];

	if (svc && num)
		snprintf(s, sizeof(s), "%s/%s:%d", ns, or_empty(json_str(svc, "name")),
		         (int)num->num);
	else if (svc)
		snprintf(s, sizeof(s), "%s/%s:%s", ns, or_empty(json_str(svc, "name")),
		         or_empty(json_str(port, "name")));
	else
		snprintf(s, sizeof(s), "%s/%s/%s/%s", ns,
		         or_empty(json_str(res, "apiGroup")),
		         or_empty(json_str(res, "kind")), or_empty(json_str(res, "name")));
	return strdup(s);
}

static void load_dump(const ingroute_router *r, dumped *d)
{
	char *out = NULL;
	const json *v, *p, *g;
	size_t cap = 0, nv = 0;
	json *j;

	memset(d, 0, sizeof(*d));
	if (ingroute_router_dump(r, &out, NULL) != 0 || !(j = json_parse(out))) {
		fprintf(stderr, "ingroute-bench: the router's dump did not parse\n");
		exit(1);
	}
	ingroute_free(out);
	for (v = json_get(j, "virtualHosts")->kids; v; v = v->next)
		nv++;
	d->vhosts = xcalloc(nv, sizeof(*d->vhosts));
	d->defaults = xcalloc(nv + 1, sizeof(*d->defaults));
	for (v = json_get(j, "virtualHosts")->kids; v; v = v->next) {
		vroute *vh = &d->vhosts[d->nvhosts++];
		const json *dflt = json_get(v, "defaultBackend");

		vh->host = strdup(or_empty(json_str(v, "host")));
		vh->first = d->nroutes;
		for (p = json_get(v, "paths")->kids; p; p = p->next) {
			const char *type = or_empty(json_str(p, "pathType"));
			lroute *x;

			if (d->nroutes == cap) {
				cap = cap ? cap * 2 : 1024;
				d->routes = realloc(d->routes, cap * sizeof(*d->routes));
				if (!d->routes)
					exit(1);
			}
			x = &d->routes[d->nroutes++];
			x->host = vh->host;
			x->host_len = strlen(vh->host);
			x->path = strdup(or_empty(json_str(p, "path")));
			x->path_len = strlen(x->path);
			x->type = strcmp(type, "Exact") == 0 ? INGROUTE_PATH_EXACT
			        : strcmp(type, "Prefix") == 0 ? INGROUTE_PATH_PREFIX
			        : INGROUTE_PATH_IMPLEMENTATION_SPECIFIC;
			x->backend = backend_of_json(json_get(p, "backend"));
		}
		vh->n = d->nroutes - vh->first;
		if (dflt && dflt->type == J_OBJ) {
			lroute *x = &d->defaults[d->ndefaults++];

			x->host = vh->host;
			x->host_len = strlen(vh->host);
			x->backend = backend_of_json(json_get(dflt, "backend"));
			vh->dflt = x;
		}
	}
	g = json_get(j, "defaultBackend");
	if (g && g->type == J_OBJ) {
		lroute *x = &d->defaults[d->ndefaults++];

		x->host = "";
		x->backend = backend_of_json(json_get(g, "backend"));
		d->global = x;
	}
	json_free(j);
}

static void free_dump(dumped *d)
{
	size_t i;

	for (i = 0; i < d->nroutes; i++) {
		free(d->routes[i].path);
		free(d->routes[i].backend);
	}
	for (i = 0; i < d->ndefaults; i++)
		free(d->defaults[i].backend);
	for (i = 0; i < d->nvhosts; i++)
		free(d->vhosts[i].host);
	free(d->routes);
	free(d->defaults);
	free(d->vhosts);
}

/* ---- baseline: per-host scan
 *
 * An open-addressing table of the virtual hosts, keyed by host ("a.b") or,
 * for a wildcard "*.b", by its suffix from the dot (".b"), so that one
 * table serves both probes without copying the request host. Each host's
 * key and paths sit together in one pool, in precedence order. */

#define BENCH_SEED 0x243f6a8885a308d3ull

typedef struct srule {
	const char *path;
	uint32_t len;            /* Prefix: without one trailing '/' */
	uint32_t exact;
	const lroute *route;
} srule;

typedef struct svhost {
	const char *key;
	size_t key_len;
	const srule *rules;
	size_t nrules;
	const lroute *dflt;
} svhost;

typedef struct hslot {
	uint64_t hash;
	const svhost *vh;        /* NULL: empty */
} hslot;

typedef struct scan_router {
	hslot *slots;
	size_t mask;
	svhost *vhosts;
	const svhost *hostless;
	srule *rules;
	char *pool;
	const lroute *global;
} scan_router;

/* A power of two at least twice n: probes stay short. */
static size_t table_size(size_t n)
{
	size_t s = 16;

	while (s < 2 * n)
		s *= 2;
	return s;
}

static inline const svhost *scan_host(const scan_router *s, const char *key,
                                      size_t n)
{
	uint64_t h = XXH3_64bits_withSeed(key, n, BENCH_SEED);
	size_t i;

	for (i = (size_t)h & s->mask; s->slots[i].vh; i = (i + 1) & s->mask) {
		const svhost *v = s->slots[i].vh;

		if (s->slots[i].hash == h && v->key_len == n &&
		    memcmp(v->key, key, n) == 0)
			return v;
	}
	return NULL;
}

static LOOKUP const lroute *scan_lookup(const scan_router *s, const char *host,
                                        size_t hlen, const char *path,
                                        size_t plen)
{
	const svhost *v = NULL;
	const srule *e, *end;

	/* docs/semantics.md §4.3: an empty or over-long host is no name; a
	 * leading dot would reach a wildcard's key by the exact probe. */
	if (hlen > 0 && hlen <= 253) {
		const char *dot;

		if (host[0] != '.')
			v = scan_host(s, host, hlen);
		if (!v && (dot = memchr(host, '.', hlen)) != NULL)
			v = scan_host(s, dot, (size_t)(host + hlen - dot));
	}
	if (!v && !(v = s->hostless))
		return s->global;
	if (plen <= 8192)
		for (e = v->rules, end = e + v->nrules; e < end; e++) {
			if (e->exact ? e->len == plen && memcmp(e->path, path, plen) == 0
			             : e->len <= plen && memcmp(e->path, path, e->len) == 0 &&
			               (e->len == plen || path[e->len] == '/' || e->len == 1))
				return e->route;
		}
	return v->dflt ? v->dflt : s->global;
}

static void scan_build(scan_router *s, const dumped *d)
{
	size_t i, k, bytes = 0, at = 0;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < d->nvhosts; i++)
		bytes += strlen(d->vhosts[i].host) + 1;
	for (i = 0; i < d->nroutes; i++)
		bytes += d->routes[i].path_len + 1;
	s->pool = xmalloc(bytes);
	s->rules = xcalloc(d->nroutes, sizeof(*s->rules));
	s->vhosts = xcalloc(d->nvhosts, sizeof(*s->vhosts));
	s->mask = table_size(d->nvhosts) - 1;
	s->slots = xcalloc(s->mask + 1, sizeof(*s->slots));
	s->global = d->global;
	for (i = 0; i < d->nvhosts; i++) {
		const vroute *vr = &d->vhosts[i];
		svhost *v = &s->vhosts[i];
		const char *key = vr->host[0] == '*' ? vr->host + 1 : vr->host;

		v->key_len = strlen(key);
		v->key = memcpy(s->pool + at, key, v->key_len + 1);
		at += v->key_len + 1;
		v->rules = &s->rules[vr->first];
		v->nrules = vr->n;
		v->dflt = vr->dflt;
		for (k = vr->first; k < vr->first + vr->n; k++) {
			const lroute *x = &d->routes[k];
			srule *e = &s->rules[k];

			e->path = memcpy(s->pool + at, x->path, x->path_len + 1);
			at += x->path_len + 1;
			e->exact = x->type == INGROUTE_PATH_EXACT;
			e->len = (uint32_t)(!e->exact && x->path_len > 1 &&
			                    x->path[x->path_len - 1] == '/'
			                    ? x->path_len - 1 : x->path_len);
			e->route = x;
		}
		if (v->key_len == 0) {
			s->hostless = v;
		} else {
			uint64_t h = XXH3_64bits_withSeed(v->key, v->key_len, BENCH_SEED);
			size_t j = (size_t)h & s->mask;

			while (s->slots[j].vh)
				j = (j + 1) & s->mask;
			s->slots[j].hash = h;
			s->slots[j].vh = v;
		}
	}
}

static void scan_free(scan_router *s)
{
	free(s->slots);
	free(s->vhosts);
	free(s->rules);
	free(s->pool);
}

/* ---- baseline: the floor
 *
 * One XXH3 of the request's host and path, one after the other, and one
 * probe of an open-addressing table of the Exact routes of exact hosts.
 * A host cannot hold '/' and a path starts with one, so the two need no
 * separator. It answers Exact hits alone: the least work a lookup can be. */

typedef struct fslot {
	uint64_t hash;
	const char *key;         /* host then path; NULL: empty */
	size_t key_len;
	const lroute *route;
} fslot;

typedef struct floor_table {
	fslot *slots;
	size_t mask;
	char *pool;
} floor_table;

/* The same hash as one XXH3 over the joined bytes, for a key too long for
 * floor_lookup()'s buffer. */
static __attribute__((noinline)) uint64_t floor_hash_long(const char *host,
                                                          size_t hlen,
                                                          const char *path,
                                                          size_t plen)
{
	XXH3_state_t st;

	/* xxHash 0.8.1's reset compares the seed already in the state with
	 * the new one before deriving its secret: start from zeroes. */
	memset(&st, 0, sizeof(st));
	XXH3_64bits_reset_withSeed(&st, BENCH_SEED);
	XXH3_64bits_update(&st, host, hlen);
	XXH3_64bits_update(&st, path, plen);
	return XXH3_64bits_digest(&st);
}

/* The route whose key is a then b, or NULL. */
static inline const lroute *floor_find(const floor_table *f, uint64_t h,
                                       const char *a, size_t alen,
                                       const char *b, size_t blen)
{
	size_t i;

	for (i = (size_t)h & f->mask; f->slots[i].key; i = (i + 1) & f->mask) {
		const fslot *e = &f->slots[i];

		if (e->hash == h && e->key_len == alen + blen &&
		    memcmp(e->key, a, alen) == 0 && memcmp(e->key + alen, b, blen) == 0)
			return e->route;
	}
	return NULL;
}

static LOOKUP const lroute *floor_lookup(const floor_table *f, const char *host,
                                         size_t hlen, const char *path,
                                         size_t plen)
{
	char key[512];
	size_t n = hlen + plen;

	if (n > sizeof(key))
		return floor_find(f, floor_hash_long(host, hlen, path, plen), host,
		                  hlen, path, plen);
	memcpy(key, host, hlen);
	memcpy(key + hlen, path, plen);
	/* One comparison of the joined key (the second is of no bytes). */
	return floor_find(f, XXH3_64bits_withSeed(key, n, BENCH_SEED), key, n,
	                  key + n, 0);
}

static void floor_build(floor_table *f, const dumped *d)
{
	size_t i, n = 0, bytes = 0, at = 0;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < d->nroutes; i++) {
		const lroute *x = &d->routes[i];

		if (x->type == INGROUTE_PATH_EXACT && x->host_len && x->host[0] != '*') {
			n++;
			bytes += x->host_len + x->path_len;
		}
	}
	f->pool = xmalloc(bytes);
	f->mask = table_size(n) - 1;
	f->slots = xcalloc(f->mask + 1, sizeof(*f->slots));
	for (i = 0; i < d->nroutes; i++) {
		const lroute *x = &d->routes[i];
		size_t len = x->host_len + x->path_len;
		uint64_t h;

		if (x->type != INGROUTE_PATH_EXACT || !x->host_len || x->host[0] == '*')
			continue;
		h = floor_hash_long(x->host, x->host_len, x->path, x->path_len);
		/* A route of the same host and path seen before is the one that
		 * wins (the dump is in precedence order): keep that. Not
		 * floor_lookup(), which callgrind may be counting. */
		if (floor_find(f, h, x->host, x->host_len, x->path, x->path_len))
			continue;
		{
			char *key = f->pool + at;
			size_t j = (size_t)h & f->mask;

			memcpy(key, x->host, x->host_len);
			memcpy(key + x->host_len, x->path, x->path_len);
			at += len;
			while (f->slots[j].key)
				j = (j + 1) & f->mask;
			f->slots[j].hash = h;
			f->slots[j].key = key;
			f->slots[j].key_len = len;
			f->slots[j].route = x;
		}
	}
}

static void floor_free(floor_table *f)
{
	free(f->slots);
	free(f->pool);
}

/* ---- baseline: linear first-match over the routes in precedence order */

static LOOKUP const lroute *linear_match(const lroute *rt, size_t n,
                                         const char *host, size_t hlen,
                                         const char *path, size_t plen)
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
		if (x->type == INGROUTE_PATH_EXACT) {
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

/* ---- everything a lookup is timed on */

typedef struct subjects {
	const ingroute_router *r, *raw;   /* normalising, and not */
	dumped d;
	scan_router scan;
	floor_table floor;
#ifdef HAVE_R3
	node *r3;
	char **r3_paths;                  /* in the order they are looked up */
	size_t *r3_lens;
	size_t r3_n;
#endif
} subjects;

#ifdef HAVE_R3
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* libr3 holds each Exact path of the workload once, all on one host; the
 * lookups take them in a scattered order (7919 is prime). */
static void r3_build(subjects *s)
{
	const dumped *d = &s->d;
	char **all = xcalloc(d->nroutes, sizeof(char *));
	size_t i, n = 0, u = 0;

	for (i = 0; i < d->nroutes; i++)
		if (d->routes[i].type == INGROUTE_PATH_EXACT)
			all[n++] = d->routes[i].path;
	qsort(all, n, sizeof(*all), cmp_str);
	for (i = 0; i < n; i++)
		if (u == 0 || strcmp(all[u - 1], all[i]) != 0)
			all[u++] = all[i];
	s->r3 = r3_tree_create(10);
	for (i = 0; i < u; i++)
		r3_tree_insert_pathl(s->r3, all[i], (int)strlen(all[i]), all[i]);
	if (r3_tree_compile(s->r3, NULL) != 0) {
		fprintf(stderr, "ingroute-bench: libr3 did not compile the paths\n");
		exit(1);
	}
	s->r3_n = u;
	s->r3_paths = xcalloc(u, sizeof(char *));
	s->r3_lens = xcalloc(u, sizeof(size_t));
	for (i = 0; i < u; i++) {
		s->r3_paths[i] = all[(i * 7919) % u];
		s->r3_lens[i] = strlen(s->r3_paths[i]);
	}
	free(all);
}
#endif

static void subjects_build(subjects *s, const ingroute_router *r,
                           const ingroute_router *raw, int with_r3)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->raw = raw;
	load_dump(r, &s->d);
	scan_build(&s->scan, &s->d);
	floor_build(&s->floor, &s->d);
#ifdef HAVE_R3
	if (with_r3)
		r3_build(s);
#else
	(void)with_r3;
#endif
}

static void subjects_free(subjects *s)
{
#ifdef HAVE_R3
	if (s->r3)
		r3_tree_free(s->r3);
	free(s->r3_paths);
	free(s->r3_lens);
#endif
	floor_free(&s->floor);
	scan_free(&s->scan);
	free_dump(&s->d);
}

static volatile size_t sink;

/*
 * n lookups of one implementation, back to back, over the trace from its
 * first request and round again (libr3: over its own paths). Each reads
 * its answer, as a proxy would; the count of answers found keeps the
 * compiler from dropping any.
 */
static size_t lookups(const subjects *s, int impl, const workload *w, size_t n)
{
	const gen_request *q = w->reqs, *end = w->reqs + w->nreqs;
	size_t i, found = 0;
	ingroute_match m;

	m.size = sizeof(m);
	switch (impl) {
	case I_INGROUTE:
	case I_RAW: {
		const ingroute_router *r = impl == I_INGROUTE ? s->r : s->raw;

		for (i = 0; i < n; i++) {
			ingroute_router_match(r, q->host, q->host_len, q->path,
			                      q->path_len, &m);
			found += m.decision != INGROUTE_DECISION_NONE;
			if (++q == end)
				q = w->reqs;
		}
		break;
	}
	case I_SCAN:
		for (i = 0; i < n; i++) {
			found += scan_lookup(&s->scan, q->host, q->host_len, q->path,
			                     q->path_len) != NULL;
			if (++q == end)
				q = w->reqs;
		}
		break;
	case I_FLOOR:
		for (i = 0; i < n; i++) {
			found += floor_lookup(&s->floor, q->host, q->host_len, q->path,
			                      q->path_len) != NULL;
			if (++q == end)
				q = w->reqs;
		}
		break;
	case I_LINEAR:
		for (i = 0; i < n; i++) {
			found += linear_match(s->d.routes, s->d.nroutes, q->host,
			                      q->host_len, q->path, q->path_len) != NULL;
			if (++q == end)
				q = w->reqs;
		}
		break;
#ifdef HAVE_R3
	case I_R3: {
		size_t k = 0;

		for (i = 0; i < n && s->r3_n; i++) {
			found += r3_tree_matchl(s->r3, s->r3_paths[k], (int)s->r3_lens[k],
			                        NULL) != NULL;
			if (++k == s->r3_n)
				k = 0;
		}
		break;
	}
#endif
	default:
		break;
	}
	return found;
}

/* ns per lookup of n lookups back to back; *insn gets instructions per
 * lookup (the loop's own few included), or 0 without a counter. */
static double timed(const subjects *s, int impl, const workload *w, size_t n,
                    double *insn)
{
	int counting = insn_start();
	double t0 = now_ns(), ns;
	uint64_t count;

	sink = lookups(s, impl, w, n);
	ns = now_ns() - t0;
	count = counting ? insn_stop() : 0;
	*insn = (double)count / (double)n;
	return ns / (double)n;
}

/* ---- the baselines' answers against ingroute's */

/* An answer as one string: the rule (host, type, path) or "default", and
 * the backend. */
static void answer_of_match(const ingroute_match *m, char *s, size_t cap)
{
	char b[1024];

	if (m->backend_kind == INGROUTE_BACKEND_SERVICE && m->port_name)
		snprintf(b, sizeof(b), "%s/%s:%s", or_empty(m->backend_ns),
		         or_empty(m->service), m->port_name);
	else if (m->backend_kind == INGROUTE_BACKEND_SERVICE)
		snprintf(b, sizeof(b), "%s/%s:%d", or_empty(m->backend_ns),
		         or_empty(m->service), m->port_number);
	else
		snprintf(b, sizeof(b), "%s/%s/%s/%s", or_empty(m->backend_ns),
		         or_empty(m->resource_api_group), or_empty(m->resource_kind),
		         or_empty(m->resource_name));
	if (m->decision == INGROUTE_DECISION_PATH)
		snprintf(s, cap, "host \"%s\" type %d path \"%s\" -> %s",
		         or_empty(m->rule_host), m->path_type, or_empty(m->rule_path), b);
	else if (m->decision == INGROUTE_DECISION_DEFAULT)
		snprintf(s, cap, "default -> %s", b);
	else
		snprintf(s, cap, "none");
}

static void answer_of_route(const lroute *x, char *s, size_t cap)
{
	if (!x)
		snprintf(s, cap, "none");
	else if (!x->path)
		snprintf(s, cap, "default -> %s", x->backend);
	else
		snprintf(s, cap, "host \"%s\" type %d path \"%s\" -> %s", x->host,
		         x->type, x->path, x->backend);
}

static void disagree(const char *wl, const char *who, const gen_request *q,
                     const char *want, const char *got)
{
	fprintf(stderr, "ingroute-bench: %s: %s disagrees with ingroute on "
	        "\"%s\" \"%s\":\n  ingroute: %s\n  %s: %s\n", wl, who, q->host,
	        q->path, want, who, got);
	exit(1);
}

/*
 * Before anything is timed: on every request of the trace the per-host
 * scan answers as ingroute does (not normalising, as the trace is already
 * normal; the normalising router must answer the same), and the floor does
 * wherever ingroute's answer is an Exact rule of an exact host, and finds
 * nothing elsewhere. The floor probes the request's own host, so Exact
 * answers of a wildcard or of the rules without a host are out of its
 * reach: they are counted.
 */
static void check_baselines(const subjects *s, const workload *w, result *res)
{
	char want[2048], got[2048], norm[2048];
	ingroute_match m, mn;
	size_t i;

	m.size = mn.size = sizeof(m);
	for (i = 0; i < w->nreqs; i++) {
		const gen_request *q = &w->reqs[i];
		int exact;

		ingroute_router_match(s->raw, q->host, q->host_len, q->path,
		                      q->path_len, &m);
		ingroute_router_match(s->r, q->host, q->host_len, q->path,
		                      q->path_len, &mn);
		answer_of_match(&m, want, sizeof(want));
		answer_of_match(&mn, norm, sizeof(norm));
		if (strcmp(want, norm) != 0)
			disagree(res->name, "ingroute, normalising", q, want, norm);
		answer_of_route(scan_lookup(&s->scan, q->host, q->host_len, q->path,
		                            q->path_len), got, sizeof(got));
		if (strcmp(want, got) != 0)
			disagree(res->name, "the per-host scan", q, want, got);
		res->scan_agreed++;

		exact = m.decision == INGROUTE_DECISION_PATH &&
		        m.path_type == INGROUTE_PATH_EXACT;
		if (exact && m.vhost_kind == INGROUTE_VHOST_EXACT)
			res->floor_agreed++;
		else if (exact)
			res->floor_out_of_reach++;
		answer_of_route(floor_lookup(&s->floor, q->host, q->host_len, q->path,
		                             q->path_len), got, sizeof(got));
		if (strcmp(exact && m.vhost_kind == INGROUTE_VHOST_EXACT ? want : "none",
		           got) != 0)
			disagree(res->name, "the floor", q, want, got);
	}
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

/* Reads one byte of every cache line of s[0..n). */
static void touch(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 32)
		sink ^= (unsigned char)s[i];
	if (n)
		sink ^= (unsigned char)s[n - 1];
}

static void measure_lookups(const ingroute_router *r, const workload *w,
                            result *res)
{
	uint64_t *t = xmalloc(w->nreqs * sizeof(uint64_t));
	uint64_t *bucket = xmalloc(w->nreqs * sizeof(uint64_t));
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
			uint64_t a;

			/* A proxy has just read the request it routes: its bytes
			 * are in cache, where the trace's (megabytes of them)
			 * are not, and their misses made up the p99 of
			 * workloads whose index fits the cache. */
			touch(q->host, q->host_len);
			touch(q->path, q->path_len);
			a = tsc();
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

/*
 * The mean lookup of ingroute (normalising and not), the per-host scan and
 * the floor: three passes over the trace back to back, as a proxy runs
 * them; the best of five rounds, the four taking turns in each, so that a
 * busy neighbour on the machine slows them alike.
 */
static void measure_means(const subjects *s, const workload *w, result *res)
{
	static const int order[] = { I_INGROUTE, I_RAW, I_SCAN, I_FLOOR };
	size_t n = w->nreqs * 3, k;
	int round;

	for (round = 0; round < 5; round++)
		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			int i = order[k];
			double insn, ns = timed(s, i, w, n, &insn);

			if (round == 0 || ns < res->mean_ns[i])
				res->mean_ns[i] = ns;
			if (round == 0 || insn < res->insn[i])
				res->insn[i] = insn;
		}
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

/* The linear scan over the first requests of the trace only: at 100k
 * routes one lookup takes tens of microseconds. Best of three: one pass is
 * short enough for a single preemption to double it. */
static void measure_linear(const subjects *s, const workload *w, result *res)
{
	size_t count = w->paths >= 100000 ? 400 : 4000;
	int rep;

	if (count > w->nreqs)
		count = w->nreqs;
	for (rep = 0; rep < 3; rep++) {
		double insn, ns = timed(s, I_LINEAR, w, count, &insn);

		if (rep == 0 || ns < res->mean_ns[I_LINEAR])
			res->mean_ns[I_LINEAR] = ns;
		if (rep == 0 || insn < res->insn[I_LINEAR])
			res->insn[I_LINEAR] = insn;
	}
	if (getenv("INGROUTE_BENCH_DEBUG"))
		fprintf(stderr, "linear: %zu routes, %zu requests\n", s->d.nroutes,
		        count);
	res->linear_checked = count;
}

#ifdef HAVE_R3
/* libr3 against ingroute on the same exact paths under one host. */
static void measure_r3(const subjects *s, const workload *w, result *res)
{
	size_t i, yl = 0, ycap = 1 << 20, reps = 5, k, n = s->r3_n;
	char *yaml = xmalloc(ycap);
	ingroute_router *one;
	ingroute_match m;
	double t0, ms;

	if (n == 0) {
		free(yaml);
		return;
	}
	yl += (size_t)snprintf(yaml, ycap, "apiVersion: networking.k8s.io/v1\n"
	                       "kind: Ingress\nmetadata: {name: one}\nspec:\n"
	                       "  rules:\n  - host: one.example.com\n    http:\n"
	                       "      paths:\n");
	for (i = 0; i < n; i++) {
		while (yl + 512 + s->r3_lens[i] > ycap) {
			yaml = realloc(yaml, ycap *= 2);
			if (!yaml)
				exit(1);
		}
		yl += (size_t)snprintf(yaml + yl, ycap - yl,
		                       "      - {path: \"%s\", pathType: Exact, backend: "
		                       "{service: {name: s, port: {number: 80}}}}\n",
		                       s->r3_paths[i]);
	}
	one = load_compile(yaml, yl, &ms, NULL, NULL);
	res->mean_ns[I_R3] = timed(s, I_R3, w, reps * n, &res->insn[I_R3]);
	m.size = sizeof(m);
	t0 = now_ns();
	for (k = 0; k < reps; k++)
		for (i = 0; i < n; i++) {
			ingroute_router_match(one, "one.example.com", 15, s->r3_paths[i],
			                      s->r3_lens[i], &m);
			if (m.decision != INGROUTE_DECISION_PATH)
				exit(1);
		}
	res->r3_ingroute_ns = (now_ns() - t0) / (double)(reps * n);
	res->r3_paths = n;
	ingroute_router_unref(one);
	free(yaml);
}
#endif

/* ---- one workload */

static void run(const struct bcase *c, result *res)
{
	workload w;
	ingroute_ruleset *rs, *plain;
	ingroute_router *r, *raw, *again, *counted;
	subjects s;
	size_t i;
	double ms, best;

	memset(res, 0, sizeof(*res));
	res->key = c->key;
	res->name = c->name;
	make_workload(c, &w);
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
	 * of its own; lookups run on routers made with malloc. */
	counted = load_compile(w.yaml, w.yaml_len, &res->load_yaml_ms, &rs, &counting);
	r = load_compile(w.yaml, w.yaml_len, &ms, &plain, NULL);
	raw = compile_raw(plain);
	ingroute_ruleset_free(plain);

	/* A rebuild from the parsed ruleset, best of three. */
	best = 1e30;
	for (i = 0; i < 3; i++) {
		size_t live = count_live;
		double t0 = now_ns();

		if (ingroute_router_compile(&again, rs, NULL) != 0)
			exit(1);
		ms = (now_ns() - t0) / 1e6;
		if (ms < best)
			best = ms;
		if (i == 0)
			res->total_bytes_per_path = (double)(count_live - live) /
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
		size_t live = count_live;
		ingroute_match m;

		m.size = sizeof(m);
		for (i = 0; i < w.nreqs; i++)
			ingroute_router_match(counted, w.reqs[i].host, w.reqs[i].host_len,
			                      w.reqs[i].path, w.reqs[i].path_len, &m);
		res->allocs_per_lookup = count_live != live;
	}
	ingroute_router_unref(counted);

	subjects_build(&s, r, raw, c->slow_baselines);
	check_baselines(&s, &w, res);
	fprintf(stderr, "  baselines checked: the per-host scan answered all %zu "
	        "requests as ingroute did; the floor all %zu Exact answers of "
	        "exact hosts (%zu of other hosts are out of its reach)\n",
	        res->scan_agreed, res->floor_agreed, res->floor_out_of_reach);
	measure_lookups(r, &w, res);
	measure_means(&s, &w, res);
	res->mlps1 = 1e3 / res->mean_ns[I_INGROUTE];
	res->mlps2 = throughput(r, &w, 2);
	if (c->slow_baselines) {
		measure_linear(&s, &w, res);
#ifdef HAVE_R3
		measure_r3(&s, &w, res);
#endif
	}
	subjects_free(&s);
	ingroute_router_unref(raw);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
	gen_free(&w);
}

/* ---- the targets of bench/README.md */

typedef struct verdict {
	char metric[64];
	char target[48];
	char measured[96];
	double value, limit;
} verdict;

static const result *find_result(const result *rs, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rs[i].key, key) == 0)
			return &rs[i];
	return NULL;
}

/* One row: ingroute's mean (normalising) over a baseline's, against limit. */
static void ratio_row(verdict *v, const result *r, const char *what, int base,
                      double limit)
{
	snprintf(v->metric, sizeof(v->metric), "%s mean lookup", what);
	snprintf(v->target, sizeof(v->target), "≤ %.1f × %s", limit,
	         impls[base].title);
	v->value = r->mean_ns[I_INGROUTE] / r->mean_ns[base];
	v->limit = limit;
	snprintf(v->measured, sizeof(v->measured), "%.1f / %.1f ns = %.2f",
	         r->mean_ns[I_INGROUTE], r->mean_ns[base], v->value);
}

static size_t verdicts(const result *rs, size_t n, verdict *v)
{
	const result *w1 = find_result(rs, n, "W1"), *w2 = find_result(rs, n, "W2");
	const result *h1 = find_result(rs, n, "H1");
	size_t k = 0, i;

	if (w1) {
		ratio_row(&v[k++], w1, "W1", I_SCAN, 0.8);
		ratio_row(&v[k++], w1, "W1", I_FLOOR, 2.0);
	}
	if (w2)
		ratio_row(&v[k++], w2, "W2", I_FLOOR, 1.3);
	if (h1)
		ratio_row(&v[k++], h1, "H1", I_FLOOR, 3.0);
	for (i = 0; i < n; i++) {
		verdict *x = &v[k++];

		snprintf(x->metric, sizeof(x->metric), "p99 / p50, %s", rs[i].name);
		snprintf(x->target, sizeof(x->target), "≤ 2.5");
		x->value = rs[i].all[0] > 0 ? rs[i].all[2] / rs[i].all[0] : 0;
		x->limit = 2.5;
		snprintf(x->measured, sizeof(x->measured), "%.0f / %.0f ns = %.2f",
		         rs[i].all[2], rs[i].all[0], x->value);
	}
	return k;
}

/* ---- output */

static void print_ns(double ns)
{
	if (ns > 0)
		printf(" %.1f |", ns);
	else
		printf(" - |");
}

static void print_table(const result *rs, size_t n)
{
	static const char *const kinds[REQ_KINDS + 2] = {
		"exact hit", "prefix hit", "wildcard hit", "path miss", "host miss",
		"all hits", "all misses" };
	verdict v[NCASES + 8];
	size_t i, nv;
	int k, any_insn = 0;

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

	printf("\nMean ns per lookup, back to back on one thread over the whole trace\n"
	       "(three passes, best of five rounds taking turns); every baseline on the\n"
	       "same routes in ingroute's precedence order. Linear: the first requests\n"
	       "of the trace. libr3: every Exact path on one host, beside ingroute on\n"
	       "the same paths.\n\n");
	printf("| workload | ingroute | ingroute, no normalising | per-host scan | floor | ingroute / scan | ingroute / floor | linear first-match | speedup over linear | libr3 exact paths | libr3 | ingroute, same paths |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		const result *r = &rs[i];

		printf("| %s |", r->name);
		print_ns(r->mean_ns[I_INGROUTE]);
		print_ns(r->mean_ns[I_RAW]);
		print_ns(r->mean_ns[I_SCAN]);
		print_ns(r->mean_ns[I_FLOOR]);
		printf(" %.2f | %.2f |", r->mean_ns[I_INGROUTE] / r->mean_ns[I_SCAN],
		       r->mean_ns[I_INGROUTE] / r->mean_ns[I_FLOOR]);
		print_ns(r->mean_ns[I_LINEAR]);
		if (r->linear_checked)
			printf(" %.0fx |", r->mean_ns[I_LINEAR] / r->mean_ns[I_INGROUTE]);
		else
			printf(" - |");
		if (r->r3_paths) {
			printf(" %zu |", r->r3_paths);
			print_ns(r->mean_ns[I_R3]);
			print_ns(r->r3_ingroute_ns);
			printf("\n");
		} else {
			printf(" - | - | - |\n");
		}
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < NIMPL; k++)
			any_insn |= rs[i].insn[k] > 0;
	if (any_insn) {
		printf("\nInstructions per lookup (hardware counter around the timed loop):\n\n| workload |");
		for (k = 0; k < NIMPL; k++)
			printf(" %s |", impls[k].title);
		printf("\n|---|");
		for (k = 0; k < NIMPL; k++)
			printf("---:|");
		printf("\n");
		for (i = 0; i < n; i++) {
			printf("| %s |", rs[i].name);
			for (k = 0; k < NIMPL; k++)
				if (rs[i].insn[k] > 0)
					printf(" %.0f |", rs[i].insn[k]);
				else
					printf(" - |");
			printf("\n");
		}
	} else {
		printf("\nInstructions per lookup: no hardware counter here; count them "
		       "with --lookup-only under callgrind (bench/README.md).\n");
	}

	printf("\n| workload | index B/path | total B/path |\n|---|---:|---:|\n");
	for (i = 0; i < n; i++)
		printf("| %s | %.1f | %.1f |\n", rs[i].name, rs[i].index_bytes_per_path,
		       rs[i].total_bytes_per_path);

	nv = verdicts(rs, n, v);
	printf("\nTargets (bench/README.md), ingroute normalising:\n\n");
	printf("| metric | target | measured | |\n|---|---|---|---|\n");
	for (i = 0; i < nv; i++)
		printf("| %s | %s | %s | %s |\n", v[i].metric, v[i].target,
		       v[i].measured, v[i].value <= v[i].limit ? "met" : "not met");
}

static void json_num(FILE *f, const char *key, double v, int first)
{
	if (v > 0)
		fprintf(f, "%s\"%s\":%.2f", first ? "" : ",", key, v);
	else
		fprintf(f, "%s\"%s\":null", first ? "" : ",", key);
}

static void write_json(const char *file, const result *rs, size_t n)
{
	FILE *f = fopen(file, "w");
	verdict v[NCASES + 8];
	size_t i, nv;
	int k;

	if (!f) {
		perror(file);
		return;
	}
	fprintf(f, "{\"ingroute\":\"%s\",\"nsPerTick\":%.4f,\"workloads\":[",
	        ingroute_version_string(), ns_per_tick);
	for (i = 0; i < n; i++) {
		const result *r = &rs[i];

		fprintf(f, "%s{\"name\":\"%s\",\"key\":\"%s\",\"paths\":%zu,\"hosts\":%zu,"
		        "\"rawYamlMs\":%.3f,\"loadYamlMs\":%.3f,\"rawJsonMs\":%.3f,"
		        "\"loadJsonMs\":%.3f,\"compileMs\":%.3f,\"p50\":%.1f,\"p90\":%.1f,"
		        "\"p99\":%.1f,\"p999\":%.1f,\"hitP50\":%.1f,\"missP50\":%.1f,"
		        "\"mlps1\":%.2f,\"mlps2\":%.2f,\"indexBytesPerPath\":%.1f,"
		        "\"totalBytesPerPath\":%.1f,\"linearNs\":%.1f,\"r3Ns\":%.1f,"
		        "\"r3IngrouteNs\":%.1f,\"allocsPerLookup\":%zu",
		        i ? "," : "", r->name, r->key, r->paths, r->hosts, r->raw_yaml_ms,
		        r->load_yaml_ms, r->raw_json_ms, r->load_json_ms, r->compile_ms,
		        r->all[0], r->all[1], r->all[2], r->all[3], r->p[REQ_KINDS][0],
		        r->p[REQ_KINDS + 1][0], r->mlps1, r->mlps2,
		        r->index_bytes_per_path, r->total_bytes_per_path,
		        r->mean_ns[I_LINEAR], r->mean_ns[I_R3], r->r3_ingroute_ns,
		        r->allocs_per_lookup);
		fprintf(f, ",\"meanNs\":{");
		for (k = 0; k < NIMPL; k++)
			json_num(f, impls[k].name, r->mean_ns[k], k == 0);
		fprintf(f, "},\"instructionsPerLookup\":{");
		for (k = 0; k < NIMPL; k++)
			json_num(f, impls[k].name, r->insn[k], k == 0);
		fprintf(f, "},\"scanAgreed\":%zu,\"floorAgreed\":%zu,"
		        "\"floorOutOfReach\":%zu}", r->scan_agreed, r->floor_agreed,
		        r->floor_out_of_reach);
	}
	fprintf(f, "],\"targets\":[");
	nv = verdicts(rs, n, v);
	for (i = 0; i < nv; i++) {
		fprintf(f, "%s{\"metric\":", i ? "," : "");
		json_put_str(f, v[i].metric);
		fprintf(f, ",\"target\":");
		json_put_str(f, v[i].target);
		fprintf(f, ",\"value\":%.3f,\"limit\":%.2f,\"met\":%s}", v[i].value,
		        v[i].limit, v[i].value <= v[i].limit ? "true" : "false");
	}
	fprintf(f, "]}\n");
	fclose(f);
}

/* ---- --lookup-only: n lookups of one implementation and nothing else
 * that calls its lookup function, so that callgrind collecting that
 * function alone counts n lookups (bench/README.md). */

static int lookup_only(const char *key, const char *name, size_t n)
{
	const struct bcase *c = find_case(key);
	ingroute_ruleset *rs;
	ingroute_router *r, *raw;
	subjects s;
	workload w;
	double ms;
	int k;

	for (k = 0; k < NIMPL && strcmp(impls[k].name, name) != 0; k++)
		;
	if (!c || k == NIMPL) {
		fprintf(stderr, "ingroute-bench: --lookup-only WORKLOAD IMPL N: "
		        "WORKLOAD is W1, 10k, W2, H1 or 1M; IMPL one of");
		for (k = 0; k < NIMPL; k++)
			fprintf(stderr, " %s", impls[k].name);
		fprintf(stderr, "\n");
		return 2;
	}
#ifndef HAVE_R3
	if (k == I_R3) {
		fprintf(stderr, "ingroute-bench: built without libr3\n");
		return 2;
	}
#endif
	make_workload(c, &w);
	r = load_compile(w.yaml, w.yaml_len, &ms, &rs, NULL);
	raw = compile_raw(rs);
	subjects_build(&s, r, raw, k == I_R3);
	fprintf(stderr, "%zu lookups of %s on %s (%s)\n", n, name, c->name,
	        impls[k].function);
	sink = lookups(&s, k, &w, n);
	subjects_free(&s);
	ingroute_router_unref(raw);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
	gen_free(&w);
	return 0;
}

static int usage(void);

/* ---- the Gateway API: the same routes as HTTPRoutes
 *
 * --gateway WORKLOAD writes the workload's routes (from the dump of its
 * Ingress router) as one Gateway and an HTTPRoute per host, each rule one
 * path (Exact stays Exact, Prefix becomes PathPrefix; the hosts'
 * default backends become a rule for PathPrefix /), and times on the
 * same trace: ingroute_router_match() on the Ingresses, the same through
 * ingroute_router_route() without a Gateway, and ingroute_router_route()
 * through the Gateway. Requests under a wildcard host are left out of
 * the comparison of answers (a Gateway's wildcard covers more than one
 * label, an Ingress's one), not of the timing. */

static void put_yaml_str(FILE *f, const char *s, size_t n)
{
	fputc('\'', f);
	for (; n > 0; s++, n--) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* "NS/SERVICE:PORT" -> backendRef fields */
static void put_backend_ref(FILE *f, const char *b)
{
	const char *slash = strchr(b, '/'), *colon = strrchr(b, ':');

	fprintf(f, "    backendRefs: [{namespace: %.*s, name: %.*s, port: %s}]\n",
	        (int)(slash - b), b, (int)(colon - slash - 1), slash + 1, colon + 1);
}

static char *gateway_yaml(const dumped *d, size_t *len)
{
	char *buf = NULL;
	size_t v, i;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		exit(1);
	fputs("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
	      "metadata: {name: bench}\nspec: {controllerName: example.com/bench}\n"
	      "---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
	      "metadata: {name: gw, namespace: gw}\nspec:\n  gatewayClassName: bench\n"
	      "  listeners: [{name: http, port: 80, protocol: HTTP, "
	      "allowedRoutes: {namespaces: {from: All}}}]\n", f);
	for (v = 0; v < d->nvhosts; v++) {
		const vroute *vh = &d->vhosts[v];

		fprintf(f, "---\napiVersion: gateway.networking.k8s.io/v1\n"
		        "kind: HTTPRoute\nmetadata: {name: r%zu, namespace: gw}\nspec:\n"
		        "  parentRefs: [{name: gw}]\n", v);
		if (vh->host[0]) {
			fputs("  hostnames: [", f);
			put_yaml_str(f, vh->host, strlen(vh->host));
			fputs("]\n", f);
		}
		fputs("  rules:\n", f);
		for (i = vh->first; i < vh->first + vh->n; i++) {
			const lroute *x = &d->routes[i];

			fprintf(f, "  - matches: [{path: {type: %s, value: ",
			        x->type == INGROUTE_PATH_EXACT ? "Exact" : "PathPrefix");
			put_yaml_str(f, x->path, x->path_len);
			fputs("}}]\n", f);
			put_backend_ref(f, x->backend);
		}
		if (vh->dflt) {
			fputs("  - matches: [{path: {type: PathPrefix, value: /}}]\n", f);
			put_backend_ref(f, vh->dflt->backend);
		}
		if (!vh->n && !vh->dflt)
			fputs("  - matches: [{path: {type: Exact, value: /none}}]\n"
			      "    backendRefs: [{name: none, port: 1}]\n", f);
	}
	/* the global default: a route for any host, tried after the hosts' */
	if (d->global) {
		fputs("---\napiVersion: gateway.networking.k8s.io/v1\n"
		      "kind: HTTPRoute\nmetadata: {name: default, namespace: gw}\n"
		      "spec:\n  parentRefs: [{name: gw}]\n  rules:\n"
		      "  - matches: [{path: {type: PathPrefix, value: /}}]\n", f);
		put_backend_ref(f, d->global->backend);
	}
	/* the backends live in the Ingresses' namespaces: each grants the
	 * routes of namespace gw its Services */
	{
		size_t nb = d->nroutes + d->ndefaults, k;
		char **ns = xcalloc(nb ? nb : 1, sizeof(*ns));

		for (i = 0; i < nb; i++) {
			const char *b = i < d->nroutes ? d->routes[i].backend
			                               : d->defaults[i - d->nroutes].backend;

			ns[i] = strndup(b, (size_t)(strchr(b, '/') - b));
		}
		qsort(ns, nb, sizeof(*ns), cmp_str);
		for (i = 0; i < nb; i++) {
			if (i == 0 || strcmp(ns[i], ns[i - 1]) != 0)
				fprintf(f, "---\napiVersion: gateway.networking.k8s.io/v1\n"
				        "kind: ReferenceGrant\nmetadata: {name: bench, "
				        "namespace: %s}\nspec:\n  from: [{group: "
				        "gateway.networking.k8s.io, kind: HTTPRoute, namespace: "
				        "gw}]\n  to: [{group: '', kind: Service}]\n", ns[i]);
		}
		for (k = 0; k < nb; k++)
			free(ns[k]);
		free(ns);
	}
	fclose(f);
	return buf;
}

static size_t route_lookups(const ingroute_router *r, const workload *w,
                            size_t n, int through_gateway)
{
	const gen_request *q = w->reqs, *end = w->reqs + w->nreqs;
	ingroute_request req = INGROUTE_REQUEST_INIT;
	ingroute_route a;
	size_t i, found = 0;

	req.method = "GET";
	req.method_len = 3;
	if (through_gateway) {
		req.gateway_ns = "gw";
		req.gateway_name = "gw";
	}
	a.size = sizeof(a);
	for (i = 0; i < n; i++) {
		req.host = q->host;
		req.host_len = q->host_len;
		req.path = q->path;
		req.path_len = q->path_len;
		req.random = i;
		ingroute_router_route(r, &req, &a);
		found += a.status == 0;
		if (++q == end)
			q = w->reqs;
	}
	return found;
}

static double route_timed(const ingroute_router *r, const workload *w,
                          size_t n, int through_gateway, double *insn)
{
	int counting = insn_start();
	double t0 = now_ns(), ns;
	uint64_t count;

	sink = route_lookups(r, w, n, through_gateway);
	ns = now_ns() - t0;
	count = counting ? insn_stop() : 0;
	*insn = (double)count / (double)n;
	return ns / (double)n;
}

static double median3(double a, double b, double c)
{
	return a > b ? (b > c ? b : a > c ? c : a) : (a > c ? a : b > c ? c : b);
}

static int gateway_bench(const char *key)
{
	const struct bcase *c = find_case(key);
	ingroute_router *ing, *gw;
	ingroute_ruleset *rs;
	workload w;
	dumped d;
	char *yaml;
	size_t len, i, n, agree = 0, compared = 0;
	double ms_ing, ms_gw, t[3][3], insn[3];
	int k, round;
	subjects s;

	if (!c)
		return usage();
	make_workload(c, &w);
	ing = load_compile(w.yaml, w.yaml_len, &ms_ing, &rs, NULL);
	ingroute_ruleset_free(rs);
	load_dump(ing, &d);
	yaml = gateway_yaml(&d, &len);
	gw = load_compile(yaml, len, &ms_gw, NULL, NULL);
	/* the answers: the same backend, wildcard hosts aside */
	for (i = 0; i < w.nreqs; i++) {
		const gen_request *q = &w.reqs[i];
		ingroute_match m;
		ingroute_request req = INGROUTE_REQUEST_INIT;
		ingroute_route a;

		m.size = sizeof(m);
		a.size = sizeof(a);
		ingroute_router_match(ing, q->host, q->host_len, q->path, q->path_len,
		                      &m);
		if (m.vhost_kind == INGROUTE_VHOST_WILDCARD)
			continue;
		req.host = q->host;
		req.host_len = q->host_len;
		req.path = q->path;
		req.path_len = q->path_len;
		req.gateway_ns = req.gateway_name = "gw";
		ingroute_router_route(gw, &req, &a);
		compared++;
		if ((m.decision == INGROUTE_DECISION_NONE && a.status == 404) ||
		    (m.service && a.service && strcmp(m.service, a.service) == 0 &&
		     strcmp(m.backend_ns, a.backend_ns) == 0 &&
		     m.port_number == a.port_number))
			agree++;
		else if (getenv("BENCH_SHOW") && compared - agree < 10)
			fprintf(stderr, "%.*s%.*s: ingress %d %s %s %s; gateway %d %s %s %s\n",
			        (int)q->host_len, q->host, (int)q->path_len, q->path,
			        m.decision, m.service ? m.service : "-",
			        m.rule_host ? m.rule_host : "-", m.rule_path ? m.rule_path : "-",
			        a.status, a.service ? a.service : "-",
			        a.rule_host ? a.rule_host : "-", a.rule_path ? a.rule_path : "-");
	}
	memset(&s, 0, sizeof(s));
	s.r = ing;
	n = w.nreqs * 20;
	/* warm, then three rounds of each, alternating, median of three */
	sink = lookups(&s, I_INGROUTE, &w, n / 4) + route_lookups(gw, &w, n / 4, 1);
	for (round = 0; round < 3; round++) {
		t[0][round] = timed(&s, I_INGROUTE, &w, n, &insn[0]);
		t[1][round] = route_timed(ing, &w, n, 0, &insn[1]);
		t[2][round] = route_timed(gw, &w, n, 1, &insn[2]);
	}
	printf("%s as HTTPRoutes: %zu paths on %zu hosts; load+compile %.1f ms "
	       "(Ingresses %.1f ms); answers agree on %zu of %zu requests "
	       "(wildcard hosts aside)\n", c->name, d.nroutes, d.nvhosts, ms_gw,
	       ms_ing, agree, compared);
	printf("%-44s %10s %12s\n", "lookup", "ns", "instructions");
	for (k = 0; k < 3; k++)
		printf("%-44s %10.1f %12.0f\n",
		       k == 0 ? "ingroute_router_match(), Ingresses"
		       : k == 1 ? "ingroute_router_route(), Ingresses"
		       : "ingroute_router_route(), through the Gateway",
		       median3(t[k][0], t[k][1], t[k][2]), insn[k]);
	free(yaml);
	free_dump(&d);
	ingroute_router_unref(gw);
	ingroute_router_unref(ing);
	gen_free(&w);
	return agree == compared ? 0 : 1;
}

/* --gateway-only WORKLOAD N: n lookups through the Gateway and no other
 * call of ingroute_router_route(), for callgrind as --lookup-only. */
static int gateway_only(const char *key, size_t n)
{
	const struct bcase *c = find_case(key);
	ingroute_ruleset *rs;
	ingroute_router *ing, *gw;
	workload w;
	dumped d;
	char *yaml;
	size_t len;
	double ms;

	if (!c)
		return usage();
	make_workload(c, &w);
	ing = load_compile(w.yaml, w.yaml_len, &ms, &rs, NULL);
	ingroute_ruleset_free(rs);
	load_dump(ing, &d);
	yaml = gateway_yaml(&d, &len);
	gw = load_compile(yaml, len, &ms, NULL, NULL);
	fprintf(stderr, "%zu lookups through the Gateway on %s "
	        "(ingroute_router_route)\n", n, c->name);
	sink = route_lookups(gw, &w, n, 1);
	free(yaml);
	free_dump(&d);
	ingroute_router_unref(gw);
	ingroute_router_unref(ing);
	gen_free(&w);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
	        "usage: ingroute-bench [--quick] [--only WORKLOAD]... [--json FILE]\n"
	        "       ingroute-bench --lookup-only WORKLOAD IMPL N\n"
	        "       ingroute-bench --gateway WORKLOAD\n"
	        "       ingroute-bench --gateway-only WORKLOAD N\n"
	        "  --quick        W1, 10k, W2 and H1 (no 1M-path point)\n"
	        "  --only         this workload (W1, 10k, W2, H1, 1M); repeatable\n"
	        "  --lookup-only  N lookups of one implementation (ingroute,\n"
	        "                 ingroute-raw, scan, floor, linear, r3) and nothing\n"
	        "                 else, to count instructions under callgrind\n"
	        "  --gateway-only N lookups through the Gateway and nothing\n"
	        "                 else, for callgrind (as --lookup-only)\n"
	        "  --gateway      the workload's routes as HTTPRoutes: lookups\n"
	        "                 through the Gateway beside the Ingresses'\n");
	return 2;
}

int main(int argc, char **argv)
{
	result rs[NCASES];
	const char *json_file = NULL;
	int only[NCASES] = { 0 }, any_only = 0, quick = 0, a;
	size_t n = 0, i;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--quick") == 0) {
			quick = 1;
		} else if (strcmp(argv[a], "--json") == 0 && a + 1 < argc) {
			json_file = argv[++a];
		} else if (strcmp(argv[a], "--only") == 0 && a + 1 < argc) {
			const struct bcase *c = find_case(argv[++a]);

			if (!c)
				return usage();
			only[c - cases] = any_only = 1;
		} else if (strcmp(argv[a], "--gateway-only") == 0 && a + 2 < argc) {
			char *end;
			unsigned long long count = strtoull(argv[a + 2], &end, 10);

			if (*end || !count)
				return usage();
			return gateway_only(argv[a + 1], (size_t)count);
		} else if (strcmp(argv[a], "--gateway") == 0 && a + 1 < argc) {
			calibrate();
			return gateway_bench(argv[a + 1]);
		} else if (strcmp(argv[a], "--lookup-only") == 0 && a + 3 < argc) {
			char *end;
			unsigned long long count = strtoull(argv[a + 3], &end, 10);

			if (*end || a + 4 != argc)
				return usage();
			return lookup_only(argv[a + 1], argv[a + 2], (size_t)count);
		} else {
			return usage();
		}
	}
	calibrate();
	fprintf(stderr, "ingroute %s; TSC %.3f ns/tick, timer overhead %llu ticks "
	        "subtracted\n", ingroute_version_string(), ns_per_tick,
	        (unsigned long long)tick_overhead);
	for (i = 0; i < NCASES; i++) {
		if (any_only ? !only[i] : quick && !cases[i].quick)
			continue;
		fprintf(stderr, "running %s...\n", cases[i].name);
		run(&cases[i], &rs[n++]);
	}
	print_table(rs, n);
	if (json_file)
		write_json(json_file, rs, n);
	return 0;
}
