/*
 * Seeded workload generator for the benchmarks: Ingress manifests (YAML
 * and JSON) of a given size and a shuffled request trace over them.
 * The same seed gives the same bytes on every machine.
 */
#ifndef INGROUTE_BENCH_GEN_H
#define INGROUTE_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct gen_params {
	size_t paths;          /* total path rules */
	size_t paths_per_host; /* per Ingress (one host each) */
	unsigned wildcard_pct; /* hosts that are "*." wildcards */
	unsigned exact_pct;    /* paths that are Exact (the rest Prefix) */
	unsigned min_segs, max_segs;
	unsigned default_pct;  /* Ingresses with a defaultBackend */
	unsigned hit_pct;      /* requests that hit a path rule */
	size_t requests;       /* trace length */
	uint64_t seed;
} gen_params;

enum req_kind {
	REQ_EXACT_HIT,      /* an Exact rule's path */
	REQ_PREFIX_HIT,     /* below a Prefix rule */
	REQ_WILDCARD_HIT,   /* a Prefix rule of a wildcard host */
	REQ_PATH_MISS,      /* a known host, an unknown path */
	REQ_HOST_MISS,      /* an unknown host */
	REQ_KINDS
};

typedef struct gen_request {
	char *host;
	size_t host_len;
	char *path;
	size_t path_len;
	int kind;              /* enum req_kind */
} gen_request;

typedef struct workload {
	char *yaml;
	size_t yaml_len;
	char *json;
	size_t json_len;
	gen_request *reqs;
	size_t nreqs;
	size_t ingresses, hosts, paths;
	char *strings;         /* storage of the trace's strings */
} workload;

/* W1 and W2 of bench/README.md; paths sets the size of a scale-series
 * point. */
void gen_defaults(gen_params *p, size_t paths);
/* H1 of bench/README.md: the paths of gen_defaults(), all on one host, to
 * time a router on a host far bigger than its neighbours. */
void gen_one_host(gen_params *p, size_t paths);
/* 0, or -1 on allocation failure. */
int gen_workload(const gen_params *p, workload *w);
void gen_free(workload *w);

/*
 * What `kubectl get ingress -A -o yaml` prints for n Ingresses (json: -o
 * json): one List document, keys sorted, each Ingress as the API server
 * returns it (a last-applied-configuration annotation of about 1.4 KB,
 * controller annotations, labels, managedFields, 1-2 hosts of 3-6 paths,
 * tls, status), about 4.7 KB apiece in YAML and 9.8 KB in JSON. Written to out as it is made, so
 * the size is bounded by the disk, not by memory. *bytes gets what was
 * written. 0, or -1 on a write or allocation failure.
 */
int gen_list(FILE *out, size_t n, int json, uint64_t seed, size_t *bytes);
/* n small Ingress documents separated by "---", as people write them: one
 * host, 2 paths, no managedFields or status. */
int gen_documents(FILE *out, size_t n, uint64_t seed, size_t *bytes);

#endif
