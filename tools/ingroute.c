/*
 * ingroute: see where a request goes, and why, given Ingress manifests.
 *
 *   ingroute check   [-f PATH]... [options]             validate
 *   ingroute match   [-f PATH]... [options] [TARGET...] route targets
 *   ingroute explain [-f PATH]... [options] TARGET      why this backend
 *   ingroute dump    [-f PATH]... [options]             the compiled table
 *
 * Everything is done through the public API, as a proxy would. With
 * --previous, the tool reloads as a proxy does: the previous manifests are
 * loaded first, then the -f sources are applied as the new desired state
 * (ingroute_ruleset_reload_paths(), docs/semantics.md §1.6).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ingroute.h"
#include "json.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct cli {
	const char *cmd;
	const char **files;
	size_t nfiles;
	const char **previous;
	size_t nprevious;
	const char **against;         /* diff: the other configuration */
	size_t nagainst;
	int explain;                  /* diff --explain */
	int json;
	int wide;             /* -o wide */
	int quiet;
	int fail_unmatched;   /* --fail-unmatched: a target with no backend fails */
	/* The request beyond host and path (docs/semantics.md §9.4) */
	const char *gateway;          /* --gateway NS/NAME */
	const char *against_gateway;  /* diff: --against-gateway NS/NAME */
	const char *method;           /* -X */
	const char **headers;         /* -H "Name: value" */
	size_t nheaders;
	uint64_t random;              /* --random */
	int stats;            /* --stats: timings and counts on standard error */
	size_t unmatched;
	ingroute_options opts;
	ingroute_ruleset *rs;
	ingroute_diags *diags;
	ingroute_router *router;
	int load_failed;
	int stdin_used;
} cli;

/* ---- help */

static const char common_help[] =
	"  -f, --filename PATH     manifests: a file, a directory (*.yaml, *.yml,\n"
	"                          *.json), or - for standard input; repeatable\n"
	"      --class NAME        serve only Ingresses of this class\n"
	"      --default-class     the class given is the cluster's default\n"
	"      --namespace NS      namespace of objects that name none [default]\n"
	"      --impl-specific M   ImplementationSpecific paths match as prefix\n"
	"                          (element-wise, the default), exact, or\n"
	"                          string-prefix\n"
	"      --fallthrough       try exact host, wildcard host, then rules\n"
	"                          without a host for a path\n"
	"      --no-normalize      compare Host and path exactly as given\n"
	"      --default-backend NS/SERVICE:PORT\n"
	"                          the global default backend\n"
	"      --strict            any invalid object fails the load\n"
	"      --previous PATH     the manifests as they were (a file, a directory\n"
	"                          or -; repeatable): loaded first, then the -f\n"
	"                          sources are applied as a reloading proxy\n"
	"                          applies them, as the whole new state: what they\n"
	"                          no longer hold is removed, and an object whose\n"
	"                          new version is invalid keeps its previous one\n"
	"                          (an error says so). The -f sources then load\n"
	"                          all or nothing together; -f - must be the only\n"
	"                          -f. Diagnostics of the previous manifests are\n"
	"                          shown only when they fail to load\n"
	"      --max-input-bytes N\n"
	"                          bytes in one file or buffer [1G]\n"
	"      --max-depth N       nesting of YAML collections [64]\n"
	"      --max-nodes N       nodes held at once in one document [4000000]\n"
	"      --max-alias-nodes N\n"
	"                          nodes reached through aliases in one document\n"
	"                          [100000]\n"
	"      --max-alias-bytes N\n"
	"                          bytes reached through aliases in one document\n"
	"                          [16M]\n"
	"      --max-scalar-bytes N\n"
	"                          bytes in one scalar [1M]\n"
	"      --max-diagnostics N\n"
	"                          diagnostics kept per load; the rest are only\n"
	"                          counted [10000]\n"
	"                          Each limit is a positive count; the byte limits\n"
	"                          take K, M or G too (powers of 1024), as in\n"
	"                          --max-input-bytes 2G for a large List\n"
	"      --controller NAME   serve only Gateways whose GatewayClass has this\n"
	"                          controllerName\n"
	"  -o, --output FORMAT     text (the default), json (as --json) or wide\n"
	"                          (match: tab-separated columns with a header)\n"
	"      --stats             load, validation and compile times and counts\n"
	"                          on standard error\n"
	"  -h, --help              this help\n"
	"Options may come before, between or after the arguments; -- ends them.\n";

static const struct {
	const char *name, *usage, *about;
} commands[] = {
	{ "check", "ingroute check -f PATH... [--json] [options]",
	  "Load and validate manifests as the Kubernetes API server would, and\n"
	  "report every problem as FILE:LINE:COL: SEVERITY: Ingress NS/NAME:\n"
	  "FIELD: MESSAGE, then a summary. Exits 1 when any error was found.\n"
	  "      --json              diagnostics and summary as one JSON object\n" },
	{ "match", "ingroute match -f PATH... [--json] [options] [TARGET...]",
	  "Route each TARGET: a URL (https://HOST[:PORT]/PATH[?QUERY]), HOST/PATH,\n"
	  "or /PATH (no Host). With no TARGET, or -, targets are read from\n"
	  "standard input, one per line. One line out per target:\n"
	  "  TARGET -> NS/SERVICE:PORT (Ingress NS/NAME, HOST PATHTYPE PATH)\n"
	  "  TARGET -> default NS/SERVICE:PORT (Ingress NS/NAME)\n"
	  "  TARGET -> no match (404)\n"
	  "Schemes are case-insensitive. Diagnostics go to standard error. Exits 1\n"
	  "when the manifests could not be loaded, or with --fail-unmatched when a\n"
	  "target gets no backend.\n"
	  "      --json              one JSON object per line: target, host, path,\n"
	  "                          decision, backend, ingress, rule\n"
	  "  -o wide                 TARGET HOST PATH DECISION BACKEND INGRESS RULE,\n"
	  "                          tab-separated, after a header line\n"
	  "      --fail-unmatched    exit 1 when a target gets no backend (404)\n"
	  "  -q, --quiet             no diagnostics on standard error\n"
	  "Through a Gateway (the Gateway API's HTTPRoutes), the answer is\n"
	  "  TARGET -> NS/SERVICE:PORT (HTTPRoute NS/NAME rule N, HOST TYPE PATH)\n"
	  "  TARGET -> redirect CODE LOCATION (HTTPRoute NS/NAME rule N)\n"
	  "  TARGET -> error 500 (HTTPRoute NS/NAME rule N: no usable backend)\n"
	  "with the rule's filters after it:\n"
	  "      --gateway NS/NAME   route through this Gateway; the URL's port, if\n"
	  "                          it has one, is the listener's\n"
	  "  -X, --method METHOD     the request's method [GET]\n"
	  "  -H, --header 'NAME: VALUE'\n"
	  "                          a request header; repeatable\n"
	  "      --random N          the number that picks among weighted backends\n"
	  "                          [0]\n" },
	{ "explain", "ingroute explain -f PATH... [--json] [options] TARGET",
	  "Explain how TARGET is routed: the normalised request, the virtual host\n"
	  "chosen and why, every candidate path with its verdict, the default\n"
	  "backend step if taken, and the decision. Through a Gateway: its\n"
	  "listeners and which took the request, the hostnames tried, every\n"
	  "candidate match with its verdict, and the decision.\n"
	  "      --json              the library's explain JSON, unchanged\n"
	  "      --gateway NS/NAME   through this Gateway; -X, -H and --random as\n"
	  "                          for match\n" },
	{ "diff", "ingroute diff -f PATH... --against PATH... [options] [TARGET...]",
	  "Route the same requests through two configurations (-f and --against,\n"
	  "loaded with the same options) and print each request they send to\n"
	  "different backends, with both answers. The requests are the TARGETs,\n"
	  "or - for standard input, one per line; with none, they are made from\n"
	  "both configurations: for every host its root and an unknown path, and\n"
	  "for every rule's path the path, with a trailing slash, one element\n"
	  "deeper, a byte longer, and its parent. Exits 1 when any request is\n"
	  "routed differently.\n"
	  "      --against PATH      the other configuration; repeatable\n"
	  "      --gateway NS/NAME   route -f's requests through this Gateway\n"
	  "      --against-gateway NS/NAME\n"
	  "                          route --against's requests through this Gateway\n"
	  "                          (to compare Ingresses with the HTTPRoutes that\n"
	  "                          replace them); -X, -H and --random as for match\n"
	  "      --explain           each side's explanation under each difference\n"
	  "  -q, --quiet             no diagnostics on standard error\n" },
	{ "dump", "ingroute dump -f PATH... [--json] [options]",
	  "Print the compiled table: virtual hosts, their paths in precedence\n"
	  "order with backends, default backends, and TLS.\n"
	  "      --json              the library's dump JSON, unchanged\n" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ingroute COMMAND -f PATH... [options] [ARGS]\n\n"
	           "Route HTTP requests the way Kubernetes Ingress says they should be\n"
	           "routed, and tell why.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\n'ingroute COMMAND --help' describes a command; 'ingroute "
	           "--version' prints the version.\n");
}

static int command_help(const char *cmd, FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, cmd) == 0) {
			fprintf(f, "usage: %s\n\n%s%s", commands[i].usage,
			        commands[i].about, common_help);
			return EXIT_OK;
		}
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- loading */

/* Reads a stream whole, but never more than limit bytes: an endless
 * pipe stops one byte past the limit (*over set), not when memory runs
 * out. */
/* 1 when the first bytes are, or may yet turn out to be, a UTF-16 byte
 * order mark. */
static int utf16_bom(const char *b, size_t n)
{
	const unsigned char *u = (const unsigned char *)b;

	if (n < 2)
		return n == 1 && (u[0] == 0xfe || u[0] == 0xff);
	return (u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe);
}

static char *read_stream(FILE *f, size_t limit, size_t *len, int *over)
{
	size_t cap = 65536, n = 0, got;
	char *buf = malloc(cap), *p;

	*over = 0;
	if (!buf)
		return NULL;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		/* Text without a UTF-16 byte order mark is UTF-8 to the
		 * parser, and a NUL byte there is an error at that byte:
		 * what follows cannot change the outcome, so a stream of
		 * zeros stops here, not at the limit. */
		int nul = !utf16_bom(buf, n + got) && memchr(buf + n, '\0', got);

		n += got;
		if (n > limit) {
			*over = 1;
			free(buf);
			return NULL;
		}
		if (nul)
			break;
		if (n == cap) {
			/* Room for one byte past the limit at most: that byte says
			 * the stream was too long (a limit of SIZE_MAX has none). */
			cap = cap > limit / 2 ? (limit < SIZE_MAX ? limit + 1 : limit)
			                      : cap * 2;
			if (!(p = realloc(buf, cap))) {
				free(buf);
				return NULL;
			}
			buf = p;
		}
	}
	*len = n;
	return buf;
}

static void print_diags(const ingroute_diags *diags, FILE *f, size_t from)
{
	size_t i, n = ingroute_diags_count(diags);
	size_t need = 1024;
	char *line = malloc(need);

	for (i = from; line && i < n; i++) {
		size_t len = ingroute_diags_format(diags, i, line, need);

		if (len >= need) {
			char *p = realloc(line, need = len + 1);

			if (!p)
				break;
			line = p;
			ingroute_diags_format(diags, i, line, need);
		}
		fprintf(f, "%s\n", line);
	}
	free(line);
}

/* Standard input, whole; NULL (and a message) when it cannot be read. */
static char *read_stdin(cli *c, size_t *len)
{
	/* The library's own limit on one buffer, applied while reading, so
	 * that an endless pipe fails as a file that large would. The default
	 * mirrors the library's default of max_input_bytes. */
	size_t limit = c->opts.max_input_bytes ? c->opts.max_input_bytes
	                                       : (size_t)1 << 30;
	int over;
	char *data = read_stream(stdin, limit, len, &over);

	c->stdin_used = 1;
	if (over)
		fprintf(stderr, "<stdin>: error: input exceeds the limit of %zu "
		        "bytes; stopped reading there\n", limit);
	else if (!data)
		fprintf(stderr, "ingroute: cannot read standard input\n");
	return data;
}

/* Loads one -f or --previous source, a path or - (standard input). */
static int load_one(cli *c, const char *src, ingroute_diags *diags)
{
	size_t len;
	char *data;
	int rc;

	if (strcmp(src, "-") != 0)
		return ingroute_ruleset_load_path(c->rs, src, diags);
	if (!(data = read_stdin(c, &len)))
		return INGROUTE_EIO;
	rc = ingroute_ruleset_load_buffer(c->rs, data, len, "<stdin>", diags);
	free(data);
	return rc;
}

/*
 * The state a proxy held before its reload. Its diagnostics are about
 * manifests that are being replaced, so they are only shown when the
 * previous state cannot be built at all: then there is nothing to reload
 * from, and the command fails.
 */
static int load_previous(cli *c)
{
	ingroute_diags *pd;
	size_t i;
	int rc;

	if ((rc = ingroute_diags_new(&pd, NULL)) != 0) {
		fprintf(stderr, "ingroute: %s\n", ingroute_strerror(rc));
		return -1;
	}
	for (i = 0; i < c->nprevious; i++) {
		if ((rc = load_one(c, c->previous[i], pd)) != 0) {
			if (!c->quiet)
				print_diags(pd, stderr, 0);
			fprintf(stderr, "ingroute: cannot load the previous manifests "
			                "(--previous %s): %s\n", c->previous[i],
			        ingroute_strerror(rc));
			ingroute_diags_free(pd);
			return -1;
		}
	}
	ingroute_diags_free(pd);
	return 0;
}

/* The -f sources as the new desired state of a reload: one call, so all
 * or nothing over every source, as a proxy's reload is. */
static int reload(cli *c)
{
	size_t len;
	char *data;
	int rc;

	/* main() lets - through only as the sole -f */
	if (c->nfiles == 1 && strcmp(c->files[0], "-") == 0) {
		if (!(data = read_stdin(c, &len)))
			return INGROUTE_EIO;
		rc = ingroute_ruleset_reload_buffer(c->rs, data, len, "<stdin>",
		                                    c->diags);
		free(data);
		return rc;
	}
	return ingroute_ruleset_reload_paths(c->rs, c->files, c->nfiles,
	                                     c->diags);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* --stats: where the time of a big input goes, on standard error. */
static void print_stats(const cli *c, double load_ms, double compile_ms)
{
	ingroute_stats st;

	st.size = sizeof(st);
	if (ingroute_router_stats(c->router, &st) != 0)
		return;
	fprintf(stderr, "ingroute: stats: load and validate %.2f ms, %zu "
	        "Ingresses held (%zu invalid); compile %.2f ms, %zu served, "
	        "%zu virtual hosts, %zu paths, %zu TLS entries; index %zu "
	        "bytes, strings %zu bytes\n", load_ms,
	        ingroute_ruleset_count(c->rs), st.ingresses_invalid, compile_ms,
	        st.ingresses_served, st.virtual_hosts, st.paths, st.tls_entries,
	        st.index_bytes, st.string_bytes);
}

static int load(cli *c)
{
	struct timespec t0;
	double load_ms;
	size_t i;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);

	if ((rc = ingroute_ruleset_new(&c->rs, &c->opts)) != 0 ||
	    (rc = ingroute_diags_new(&c->diags, NULL)) != 0) {
		fprintf(stderr, "ingroute: %s\n", ingroute_strerror(rc));
		return -1;
	}
	if (c->nprevious) {
		if (load_previous(c) != 0)
			return -1;
		/* A failed reload leaves the previous state, which is what a
		 * reloading proxy keeps serving; the commands say it failed. */
		if (reload(c) != 0)
			c->load_failed = 1;
	} else {
		for (i = 0; i < c->nfiles; i++)
			if (load_one(c, c->files[i], c->diags) != 0)
				c->load_failed = 1;
	}
	load_ms = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ingroute_router_compile(&c->router, c->rs, c->diags);
	if (rc != 0) {
		fprintf(stderr, "ingroute: cannot compile: %s\n", ingroute_strerror(rc));
		return -1;
	}
	if (c->stats)
		print_stats(c, load_ms, ms_since(&t0));
	return 0;
}

/* ---- targets */

/* Splits a target into Host and path (both point into t). */
static void split_target(const char *t, const char **host, size_t *hlen,
                         const char **path, size_t *plen)
{
	const char *h = t, *end;

	/* Schemes are case-insensitive (RFC 3986 §3.1). */
	if (strncasecmp(t, "http://", 7) == 0)
		h = t + 7;
	else if (strncasecmp(t, "https://", 8) == 0)
		h = t + 8;
	else if (t[0] == '/') {
		*host = "";
		*hlen = 0;
		*path = t;
		*plen = strlen(t);
		return;
	}
	end = h + strcspn(h, "/?#");
	/* userinfo@ is not part of the Host header */
	{
		const char *at = memchr(h, '@', (size_t)(end - h));

		if (at)
			h = at + 1;
	}
	*host = h;
	*hlen = (size_t)(end - h);
	*path = *end ? end : "/";
	*plen = strlen(*path);
}

static void text_backend(const ingroute_match *m)
{
	if (m->backend_kind == INGROUTE_BACKEND_SERVICE) {
		if (m->port_name)
			printf("%s/%s:%s", m->backend_ns, m->service, m->port_name);
		else
			printf("%s/%s:%d", m->backend_ns, m->service, m->port_number);
	} else {
		/* kubectl's KIND.GROUP/NAME notation */
		printf("resource %s/%s%s%s/%s", m->backend_ns, m->resource_kind,
		       m->resource_api_group ? "." : "",
		       m->resource_api_group ? m->resource_api_group : "",
		       m->resource_name);
	}
}

static const char *type_name(int t)
{
	return t == INGROUTE_PATH_EXACT ? "Exact" : t == INGROUTE_PATH_PREFIX
	       ? "Prefix" : "ImplementationSpecific";
}

static void json_backend(const ingroute_match *m)
{
	if (m->decision == INGROUTE_DECISION_NONE) {
		fputs("null", stdout);
	} else if (m->backend_kind == INGROUTE_BACKEND_SERVICE) {
		fputs("{\"service\":{\"name\":", stdout);
		json_put_str(stdout, m->service);
		if (m->port_name) {
			fputs(",\"port\":{\"name\":", stdout);
			json_put_str(stdout, m->port_name);
			fputs("}}}", stdout);
		} else {
			printf(",\"port\":{\"number\":%d}}}", m->port_number);
		}
	} else {
		fputs("{\"resource\":{", stdout);
		if (m->resource_api_group) {
			fputs("\"apiGroup\":", stdout);
			json_put_str(stdout, m->resource_api_group);
			fputs(",", stdout);
		}
		fputs("\"kind\":", stdout);
		json_put_str(stdout, m->resource_kind);
		fputs(",\"name\":", stdout);
		json_put_str(stdout, m->resource_name);
		fputs("}}", stdout);
	}
}

/* An answer as match prints it after "TARGET -> ", with its line end. */
static void text_answer(const ingroute_match *m)
{
	if (m->decision == INGROUTE_DECISION_NONE) {
		fputs("no match (404)\n", stdout);
	} else if (m->decision == INGROUTE_DECISION_PATH) {
		text_backend(m);
		printf(" (Ingress %s/%s, %s %s %s)\n", m->ingress_ns, m->ingress_name,
		       *m->rule_host ? m->rule_host : "any host",
		       type_name(m->path_type), m->rule_path);
	} else {
		fputs("default ", stdout);
		text_backend(m);
		if (m->ingress_ns)
			printf(" (Ingress %s/%s)\n", m->ingress_ns, m->ingress_name);
		else
			fputs(" (--default-backend)\n", stdout);
	}
}

/* Bytes of a field of -o wide: tabs and line ends would split a row. */
static void wide_field(const char *s, size_t n)
{
	size_t i;

	if (n == 0) {
		fputc('-', stdout);
		return;
	}
	for (i = 0; i < n; i++)
		fputc(s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], stdout);
}

/* One row of -o wide: TARGET HOST PATH DECISION BACKEND INGRESS RULE,
 * tab-separated, host and path as matched (normalised unless
 * --no-normalize), "-" for an empty field. */
static void wide_line(const char *t, size_t tlen, const char *host,
                      size_t hlen, const char *path, size_t plen,
                      const ingroute_match *m)
{
	wide_field(t, tlen);
	fputc('\t', stdout);
	wide_field(host, hlen);
	fputc('\t', stdout);
	wide_field(path, plen);
	fputs(m->decision == INGROUTE_DECISION_PATH ? "\tpath\t"
	      : m->decision == INGROUTE_DECISION_DEFAULT ? "\tdefault\t"
	      : "\tnone\t", stdout);
	if (m->decision == INGROUTE_DECISION_NONE)
		fputc('-', stdout);
	else
		text_backend(m);
	fputc('\t', stdout);
	if (m->ingress_ns)
		printf("%s/%s", m->ingress_ns, m->ingress_name);
	else
		fputc('-', stdout);
	fputc('\t', stdout);
	if (m->decision == INGROUTE_DECISION_PATH)
		printf("%s %s %s", *m->rule_host ? m->rule_host : "*",
		       type_name(m->path_type), m->rule_path);
	else
		fputc('-', stdout);
	fputc('\n', stdout);
}

/* ---- requests through a Gateway (docs/semantics.md §9.4) */

/* A request built from a target and the request options; the strings
 * point into the target and into this. */
typedef struct request {
	ingroute_request q;
	char ns[254], name[254];
} request;

/* -H values: "Name: value", name compared without regard to case. */
static int cli_header(void *ctx, const char *name, size_t name_len,
                      const char **value, size_t *value_len)
{
	const cli *c = ctx;
	size_t i;

	for (i = 0; i < c->nheaders; i++) {
		const char *h = c->headers[i], *colon = strchr(h, ':');

		if (!colon || (size_t)(colon - h) != name_len ||
		    strncasecmp(h, name, name_len) != 0)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		*value = colon;
		*value_len = strlen(colon);
		return 1;
	}
	return 0;
}

/* 0, or -1 for a gateway that is not NS/NAME. */
static int make_request(const cli *c, const char *gateway, const char *t,
                        request *r)
{
	const char *host, *path, *slash;
	size_t hlen, plen;
	ingroute_request init = INGROUTE_REQUEST_INIT;

	r->q = init;
	split_target(t, &host, &hlen, &path, &plen);
	r->q.method = c->method ? c->method : "GET";
	r->q.method_len = strlen(r->q.method);
	r->q.host = host;
	r->q.host_len = hlen;
	r->q.path = path;
	r->q.path_len = plen;
	r->q.random = c->random;
	if (c->nheaders) {
		r->q.header = cli_header;
		r->q.header_ctx = (void *)c;
	}
	if (strncasecmp(t, "https://", 8) == 0)
		r->q.scheme = "https";
	if (!gateway)
		return 0;
	slash = strchr(gateway, '/');
	if (!slash || slash == gateway || !slash[1] ||
	    (size_t)(slash - gateway) >= sizeof(r->ns) ||
	    strlen(slash + 1) >= sizeof(r->name))
		return -1;
	memcpy(r->ns, gateway, (size_t)(slash - gateway));
	r->ns[slash - gateway] = '\0';
	strcpy(r->name, slash + 1);
	r->q.gateway_ns = r->ns;
	r->q.gateway_name = r->name;
	/* the listener port: the URL's own, else every listener */
	{
		const char *end = host + hlen, *p = end;

		while (p > host && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (p < end && p > host && p[-1] == ':' &&
		    (host[0] != '[' || p[-2] == ']'))
			r->q.port = (unsigned int)strtoul(p, NULL, 10);
	}
	return 0;
}

static const char *path_type_name(int t)
{
	return t == INGROUTE_PATH_REGULAR_EXPRESSION ? "RegularExpression"
	       : t == INGROUTE_PATH_PREFIX ? "PathPrefix" : "Exact";
}

/* The filters of an answer, after it on its line: what the proxy does. */
static void text_filters(const request *r, const ingroute_route *a)
{
	size_t i, k;

	for (i = 0; i < a->filters; i++) {
		ingroute_filter f;

		f.size = sizeof(f);
		if (ingroute_route_filter(a, i, &f) != 0)
			break;
		switch (f.type) {
		case INGROUTE_FILTER_REQUEST_HEADER:
		case INGROUTE_FILTER_RESPONSE_HEADER:
			printf(f.type == INGROUTE_FILTER_REQUEST_HEADER
			       ? " [request headers:" : " [response headers:");
			for (k = 0; k < f.nedits; k++) {
				const ingroute_header_edit *e = &f.edits[k];

				printf(" %s %s%s%s", e->op == INGROUTE_HEADER_SET ? "set"
				       : e->op == INGROUTE_HEADER_ADD ? "add" : "remove",
				       e->name, e->value ? ": " : "",
				       e->value ? e->value : "");
				if (k + 1 < f.nedits)
					putchar(',');
			}
			putchar(']');
			break;
		case INGROUTE_FILTER_URL_REWRITE: {
			size_t n = ingroute_route_upstream_path(&r->q, a, NULL, 0);
			char *p = malloc(n + 1);

			printf(" [rewrite:");
			if (f.hostname)
				printf(" host %s", f.hostname);
			if (p && f.path_modifier != INGROUTE_PATH_KEEP) {
				ingroute_route_upstream_path(&r->q, a, p, n);
				printf(" path %.*s", (int)n, p);
			}
			putchar(']');
			free(p);
			break;
		}
		case INGROUTE_FILTER_MIRROR:
			printf(" [mirror %s/%s:%d, %d/%d]", f.mirror_ns,
			       f.mirror_service, f.mirror_port, f.mirror_numerator,
			       f.mirror_denominator);
			break;
		case INGROUTE_FILTER_EXTENSION:
			printf(" [extension %s%s%s/%s]", f.ext_kind, *f.ext_group ? "." : "",
			       f.ext_group, f.ext_name);
			break;
		default:
			break;
		}
	}
}

/* An answer of ingroute_router_route() after "TARGET -> ", with its line
 * end; the Ingresses' answers exactly as text_answer() prints them. */
static void text_route(const request *r, const ingroute_route *a)
{
	if (a->source != INGROUTE_SOURCE_HTTPROUTE) {
		ingroute_match m;

		memset(&m, 0, sizeof(m));
		m.decision = a->decision;
		m.backend_kind = a->backend_kind;
		m.backend_ns = a->backend_ns;
		m.service = a->service;
		m.port_number = a->port_number;
		m.port_name = a->port_name;
		m.resource_api_group = a->resource_api_group;
		m.resource_kind = a->resource_kind;
		m.resource_name = a->resource_name;
		m.ingress_ns = a->route_ns;
		m.ingress_name = a->route_name;
		m.rule_host = a->rule_host;
		m.rule_path = a->rule_path;
		m.path_type = a->path_type;
		text_answer(&m);
		return;
	}
	if (a->status >= 300 && a->status < 400) {
		size_t n = ingroute_route_location(&r->q, a, NULL, 0);
		char *loc = malloc(n + 1);

		if (loc)
			ingroute_route_location(&r->q, a, loc, n);
		printf("redirect %d %.*s (HTTPRoute %s/%s rule %d)", a->status,
		       loc ? (int)n : 0, loc ? loc : "", a->route_ns, a->route_name,
		       a->rule_index);
		free(loc);
	} else if (a->status == 500) {
		printf("error 500 (HTTPRoute %s/%s rule %d: no usable backend)",
		       a->route_ns, a->route_name, a->rule_index);
	} else {
		printf("%s/%s:%d (HTTPRoute %s/%s rule %d, %s %s %s)", a->backend_ns,
		       a->service, a->port_number, a->route_ns, a->route_name,
		       a->rule_index, *a->rule_host ? a->rule_host : "any host",
		       path_type_name(a->path_type), a->rule_path);
	}
	text_filters(r, a);
	putchar('\n');
}

static void json_route(const char *t, size_t tlen, const request *r,
                       const ingroute_route *a)
{
	size_t n;
	char *s;

	fputs("{\"target\":", stdout);
	json_put_strn(stdout, t, tlen);
	fputs(",\"gateway\":", stdout);
	if (a->gateway_ns) {
		fputs("{\"namespace\":", stdout);
		json_put_str(stdout, a->gateway_ns);
		fputs(",\"name\":", stdout);
		json_put_str(stdout, a->gateway_name);
		fputs(",\"listener\":", stdout);
		json_put_str(stdout, a->listener);
		fputs("}", stdout);
	} else {
		fputs("null", stdout);
	}
	printf(",\"status\":%d,\"backend\":", a->status);
	if (a->status == 0 && a->service) {
		fputs("{\"namespace\":", stdout);
		json_put_str(stdout, a->backend_ns);
		fputs(",\"name\":", stdout);
		json_put_str(stdout, a->service);
		printf(",\"port\":%d}", a->port_number);
	} else {
		fputs("null", stdout);
	}
	fputs(",\"route\":", stdout);
	if (a->route_name) {
		fputs("{\"namespace\":", stdout);
		json_put_str(stdout, a->route_ns);
		fputs(",\"name\":", stdout);
		json_put_str(stdout, a->route_name);
		printf(",\"rule\":%d,\"match\":%d}", a->rule_index, a->match_index);
	} else {
		fputs("null", stdout);
	}
	fputs(",\"location\":", stdout);
	n = ingroute_route_location(&r->q, a, NULL, 0);
	if (n && (s = malloc(n))) {
		ingroute_route_location(&r->q, a, s, n);
		json_put_strn(stdout, s, n);
		free(s);
	} else {
		fputs("null", stdout);
	}
	fputs(",\"upstreamPath\":", stdout);
	n = ingroute_route_upstream_path(&r->q, a, NULL, 0);
	if ((s = malloc(n + 1))) {
		ingroute_route_upstream_path(&r->q, a, s, n);
		json_put_strn(stdout, s, n);
		free(s);
	}
	printf(",\"filters\":%zu}\n", a->filters);
}

/* match --gateway: one target through the Gateway. */
static void route_gateway(cli *c, const char *t, size_t tlen)
{
	request r;
	ingroute_route a;

	if (make_request(c, c->gateway, t, &r) != 0)
		return;
	a.size = sizeof(a);
	ingroute_router_route(c->router, &r.q, &a);
	c->unmatched += a.status == 404;
	if (c->json) {
		json_route(t, tlen, &r, &a);
		return;
	}
	fwrite(t, 1, tlen, stdout);
	fputs(" -> ", stdout);
	text_route(&r, &a);
}

static void route_one(cli *c, const char *target, size_t tlen)
{
	const char *host, *path;
	size_t hlen, plen;
	ingroute_match m;
	char *t = malloc(tlen + 1);

	if (!t)
		return;
	memcpy(t, target, tlen);
	t[tlen] = '\0';
	if (c->gateway) {
		route_gateway(c, t, tlen);
		free(t);
		return;
	}
	split_target(t, &host, &hlen, &path, &plen);
	m.size = sizeof(m);
	ingroute_router_match(c->router, host, hlen, path, plen, &m);
	c->unmatched += m.decision == INGROUTE_DECISION_NONE;
	if (c->json || c->wide) {
		char nh[256], *np = NULL;
		size_t nhl = hlen, npl = plen;

		if (!(c->opts.flags & INGROUTE_OPT_NO_NORMALIZE)) {
			/* A host name is at most 253 bytes; the path's length is
			 * asked first (0: too long to match any rule). */
			nhl = ingroute_normalize_host(host, hlen, nh, sizeof(nh));
			npl = ingroute_normalize_path(path, plen, NULL, 0);
			if (npl && (np = malloc(npl)) != NULL)
				ingroute_normalize_path(path, plen, np, npl);
			else
				npl = 0;
			host = nh;
			path = np ? np : "";
		}
		if (c->wide) {
			wide_line(t, tlen, host, nhl, path, npl, &m);
			free(np);
			free(t);
			return;
		}
		fputs("{\"target\":", stdout);
		json_put_strn(stdout, t, tlen);
		fputs(",\"host\":", stdout);
		json_put_strn(stdout, host, nhl);
		fputs(",\"path\":", stdout);
		json_put_strn(stdout, path, npl);
		printf(",\"decision\":\"%s\",\"backend\":",
		       m.decision == INGROUTE_DECISION_PATH ? "path"
		       : m.decision == INGROUTE_DECISION_DEFAULT ? "default" : "none");
		json_backend(&m);
		fputs(",\"ingress\":", stdout);
		if (m.ingress_ns) {
			fputs("{\"namespace\":", stdout);
			json_put_str(stdout, m.ingress_ns);
			fputs(",\"name\":", stdout);
			json_put_str(stdout, m.ingress_name);
			fputs("}", stdout);
		} else {
			fputs("null", stdout);
		}
		fputs(",\"rule\":", stdout);
		if (m.decision == INGROUTE_DECISION_PATH) {
			fputs("{\"host\":", stdout);
			json_put_str(stdout, m.rule_host);
			fputs(",\"path\":", stdout);
			json_put_str(stdout, m.rule_path);
			printf(",\"pathType\":\"%s\"}", type_name(m.path_type));
		} else {
			fputs("null", stdout);
		}
		fputs("}\n", stdout);
		free(np);
	} else {
		fwrite(t, 1, tlen, stdout);
		fputs(" -> ", stdout);
		text_answer(&m);
	}
	free(t);
}

static int cmd_match(cli *c, int argc, char **argv)
{
	int i, from_stdin = argc == 0;

	if (c->wide && !c->json)
		fputs("TARGET\tHOST\tPATH\tDECISION\tBACKEND\tINGRESS\tRULE\n",
		      stdout);
	else
		c->wide = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			from_stdin = 1;
		else
			route_one(c, argv[i], strlen(argv[i]));
	}
	if (from_stdin) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		if (c->stdin_used) {
			fprintf(stderr, "ingroute: standard input already holds the "
			                "manifests (-f - or --previous -); give targets "
			                "as arguments\n");
			return EXIT_USAGE;
		}
		while ((n = getline(&line, &cap, stdin)) > 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				n--;
			if (n > 0)
				route_one(c, line, (size_t)n);
		}
		free(line);
	}
	if (fflush(stdout) != 0)
		return EXIT_FAIL;
	return c->fail_unmatched && c->unmatched ? EXIT_FAIL : EXIT_OK;
}

/* ---- reading the library's JSON: a missing or mistyped member reads as
 * empty, never as a NULL to dereference */

/* A string member, or "" */
static const char *jstr(const json *obj, const char *key)
{
	const char *s = json_str(obj, key);

	return s ? s : "";
}

/* The first element of an array or object member, or NULL. */
static const json *jkids(const json *obj, const char *key)
{
	const json *k = json_get(obj, key);

	return k && (k->type == J_ARR || k->type == J_OBJ) ? k->kids : NULL;
}

/* A number or boolean member, or 0. */
static double jnum(const json *obj, const char *key)
{
	const json *k = json_get(obj, key);

	return k && (k->type == J_NUM || k->type == J_BOOL) ? k->num : 0;
}

/* An object member, or NULL (null included). */
static const json *jobj(const json *obj, const char *key)
{
	const json *k = json_get(obj, key);

	return k && k->type == J_OBJ ? k : NULL;
}

/* ---- explain */

static void text_json_backend(const json *b)
{
	const json *svc = jobj(b, "service"), *res = jobj(b, "resource");
	const char *ns = jstr(b, "namespace");

	if (svc) {
		const json *port = jobj(svc, "port");

		printf("%s/%s:", ns, jstr(svc, "name"));
		if (json_str(port, "name"))
			printf("%s", json_str(port, "name"));
		else
			printf("%d", (int)jnum(port, "number"));
	} else if (res) {
		const char *group = json_str(res, "apiGroup");

		printf("resource %s/%s%s%s/%s", ns, jstr(res, "kind"),
		       group ? "." : "", group ? group : "", jstr(res, "name"));
	} else {
		fputs("none", stdout);
	}
}

static void text_json_ingress(const json *i)
{
	if (i && i->type == J_OBJ)
		printf("Ingress %s/%s", jstr(i, "namespace"), jstr(i, "name"));
	else
		fputs("--default-backend", stdout);
}

/* The explanation of target by router r as text, or its JSON. */
/* The library's explain JSON (rc its call's status): printed as it is
 * with --json, else parsed for the text; NULL with *exit_code set when
 * there is nothing more to print. Frees out. */
static json *explain_parsed(int rc, char *out, int as_json, int *exit_code)
{
	json *j;

	*exit_code = EXIT_FAIL;
	if (rc != 0) {
		fprintf(stderr, "ingroute: %s\n", ingroute_strerror(rc));
		return NULL;
	}
	if (as_json) {
		printf("%s\n", out);
		ingroute_free(out);
		*exit_code = EXIT_OK;
		return NULL;
	}
	j = json_parse(out);
	ingroute_free(out);
	if (!j)
		fprintf(stderr, "ingroute: unreadable explain output\n");
	return j;
}

/* explain through a Gateway: the library's JSON as lines of text. */
static int explain_gateway(ingroute_router *r, const cli *c,
                           const char *gateway, const char *target,
                           int as_json)
{
	request q;
	char *out = NULL;
	const json *k, *v, *e;
	json *j;
	int rc;

	if (make_request(c, gateway, target, &q) != 0)
		return EXIT_USAGE;
	rc = ingroute_router_explain_request(r, &q.q, &out, NULL);
	if (!(j = explain_parsed(rc, out, as_json, &rc)))
		return rc;
	k = jobj(j, "request");
	printf("target       %s %s\n", jstr(k, "method"), target);
	printf("gateway      %s/%s\n", jstr(jobj(k, "gateway"), "namespace"),
	       jstr(jobj(k, "gateway"), "name"));
	printf("host         %s\n", *jstr(k, "normalizedHost")
	       ? jstr(k, "normalizedHost") : "(none: only routes for any host)");
	printf("path         %s\n", jstr(k, "normalizedPath"));
	if (!jkids(j, "listeners"))
		printf("listeners    none: %s\n", jstr(j, "notServed"));
	for (v = jkids(j, "listeners"); v; v = v->next)
		printf("listener     %s (port %.0f, %s): %s\n", jstr(v, "name"),
		       jnum(v, "port"), *jstr(v, "hostname") ? jstr(v, "hostname")
		                                             : "any host",
		       jstr(v, "verdict"));
	for (v = jkids(j, "virtualHosts"); v; v = v->next) {
		const char *h = *jstr(v, "host") ? jstr(v, "host") : "any host";

		if (!jnum(v, "serves")) {
			printf("hostname     %s: does not serve the host\n", h);
			continue;
		}
		printf("hostname     %s: candidates in precedence order\n", h);
		for (e = jkids(v, "candidates"); e; e = e->next) {
			const json *rt = jobj(e, "route"), *p = jobj(e, "path");
			const char *vd = jstr(e, "verdict");

			printf("  %s %-28s %-10s %-24s HTTPRoute %s/%s rule %.0f\n",
			       strcmp(vd, "matched") == 0 ? "*" : " ", vd,
			       jstr(p, "type"), jstr(p, "value"), jstr(rt, "namespace"),
			       jstr(rt, "name"), jnum(rt, "rule"));
		}
	}
	k = jobj(j, "decision");
	v = jobj(k, "route");
	printf("decision     ");
	if (jnum(k, "status") == 0 && (e = jobj(k, "backend")))
		printf("%s/%s:%.0f", jstr(e, "namespace"), jstr(e, "name"),
		       jnum(e, "port"));
	else
		printf("status %.0f", jnum(k, "status"));
	if (v)
		printf(" (HTTPRoute %s/%s rule %.0f)", jstr(v, "namespace"),
		       jstr(v, "name"), jnum(v, "rule"));
	fputs("\n", stdout);
	json_free(j);
	return EXIT_OK;
}

static int explain_target(ingroute_router *r, const char *target, int as_json)
{
	const char *host, *path;
	size_t hlen, plen;
	char *out = NULL;
	json *j;
	const json *k, *v;
	int rc;

	split_target(target, &host, &hlen, &path, &plen);
	rc = ingroute_router_explain(r, host, hlen, path, plen, &out, NULL);
	if (!(j = explain_parsed(rc, out, as_json, &rc)))
		return rc;
	k = jobj(j, "normalized");
	printf("target       %s\n", target);
	printf("host         %s%s\n", *jstr(k, "host") ? jstr(k, "host") : "(none)",
	       json_str(k, "hostNote") ? "  -- only rules without a host apply" : "");
	printf("path         %s%s\n", jstr(k, "path"),
	       json_str(k, "pathNote") ? "  -- too long: no path rule applies" : "");
	fputs("looked for   ", stdout);
	for (k = jkids(j, "virtualHosts"); k; k = k->next)
		printf(" %s%s%s", *jstr(k, "host") ? jstr(k, "host")
		                                   : "rules without a host",
		       jnum(k, "exists") ? "" : " (none)", k->next ? "," : "");
	fputs("\n", stdout);
	v = jobj(j, "virtualHost");
	if (v)
		printf("chosen       %s: %s\n", *jstr(v, "host") ? jstr(v, "host")
		                                                 : "any host",
		       jstr(j, "why"));
	else
		printf("chosen       none: %s\n", jstr(j, "why"));
	k = jkids(j, "candidates");
	if (k) {
		puts("candidates   (in precedence order)");
		for (; k; k = k->next) {
			const char *vd = jstr(k, "verdict");

			printf("  %s %-22s %-24s %-8s -> ",
			       strcmp(vd, "matched") == 0 ? "*" : " ", vd,
			       jstr(k, "path"), jstr(k, "pathType"));
			text_json_backend(json_get(k, "backend"));
			fputs("  (", stdout);
			text_json_ingress(json_get(k, "ingress"));
			printf("%s%s)\n", json_str(k, "detail") ? "; " : "",
			       jstr(k, "detail"));
		}
	}
	v = jobj(j, "default");
	if (v)
		printf("default      %s\n", jstr(v, "step"));
	printf("decision     %s", jstr(j, "decision"));
	if (strcmp(jstr(j, "decision"), "none") != 0) {
		fputs(" -> ", stdout);
		text_json_backend(json_get(j, "backend"));
		v = jobj(j, "rule");
		if (v)
			printf(" (%s %s %s)", *jstr(v, "host") ? jstr(v, "host")
			                                       : "any host",
			       jstr(v, "pathType"), jstr(v, "path"));
	} else {
		fputs(" (404)", stdout);
	}
	fputs("\n", stdout);
	json_free(j);
	return EXIT_OK;
}

static int cmd_explain(cli *c, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "ingroute explain: give exactly one TARGET\n");
		return EXIT_USAGE;
	}
	if (c->gateway)
		return explain_gateway(c->router, c, c->gateway, argv[0], c->json);
	return explain_target(c->router, argv[0], c->json);
}

/* ---- dump */

static int cmd_dump(cli *c)
{
	char *out = NULL;
	const json *k, *p, *d;
	json *j;
	int rc;

	if ((rc = ingroute_router_dump(c->router, &out, NULL)) != 0) {
		fprintf(stderr, "ingroute: %s\n", ingroute_strerror(rc));
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("%s\n", out);
		ingroute_free(out);
		return EXIT_OK;
	}
	j = json_parse(out);
	ingroute_free(out);
	if (!j)
		return EXIT_FAIL;
	for (k = jkids(j, "virtualHosts"); k; k = k->next) {
		printf("%s (%s)\n", *jstr(k, "host") ? jstr(k, "host") : "any host",
		       jstr(k, "kind"));
		for (p = jkids(k, "paths"); p; p = p->next) {
			printf("  %-22s %-28s -> ", jstr(p, "pathType"), jstr(p, "path"));
			text_json_backend(json_get(p, "backend"));
			fputs("  (", stdout);
			text_json_ingress(json_get(p, "ingress"));
			fputs(")\n", stdout);
		}
		d = jobj(k, "defaultBackend");
		if (d) {
			printf("  %-22s %-28s -> ", "default", "");
			text_json_backend(json_get(d, "backend"));
			fputs("  (", stdout);
			text_json_ingress(json_get(d, "ingress"));
			fputs(")\n", stdout);
		}
	}
	d = jobj(j, "defaultBackend");
	if (d) {
		fputs("global default -> ", stdout);
		text_json_backend(json_get(d, "backend"));
		fputs("  (", stdout);
		text_json_ingress(json_get(d, "ingress"));
		printf("; %s)\n", jstr(d, "source"));
	} else {
		puts("global default: none (unmatched requests get 404)");
	}
	k = jkids(j, "tls");
	if (k) {
		puts("tls");
		for (; k; k = k->next) {
			const json *s = jobj(k, "secret");

			printf("  %-40s -> secret %s/%s  (", *jstr(k, "host")
			       ? jstr(k, "host") : "(every name)",
			       jstr(s, "namespace"), jstr(s, "name"));
			text_json_ingress(json_get(k, "ingress"));
			fputs(")\n", stdout);
		}
	}
	/* the Gateways' listeners, each hostname's matches in precedence
	 * order, as a request tries them */
	for (k = jkids(j, "gatewayListeners"); k; k = k->next) {
		const json *g = jobj(k, "gateway"), *v;

		printf("gateway %s/%s listener %s (port %.0f, %s)\n",
		       jstr(g, "namespace"), jstr(g, "name"), jstr(k, "listener"),
		       jnum(k, "port"), *jstr(k, "hostname") ? jstr(k, "hostname")
		                                             : "any host");
		for (v = jkids(k, "virtualHosts"); v; v = v->next) {
			printf("  %s\n", *jstr(v, "host") ? jstr(v, "host") : "any host");
			for (p = jkids(v, "matches"); p; p = p->next) {
				const json *path = jobj(p, "path"), *r = jobj(p, "route"), *b;
				size_t nh = 0, nq = 0;

				for (d = jkids(p, "headers"); d; d = d->next)
					nh++;
				for (d = jkids(p, "queryParams"); d; d = d->next)
					nq++;
				printf("    %-18s %-26s", jstr(path, "type"), jstr(path, "value"));
				if (*jstr(p, "method"))
					printf(" %s", jstr(p, "method"));
				if (nh)
					printf(" +%zu header%s", nh, nh == 1 ? "" : "s");
				if (nq)
					printf(" +%zu query", nq);
				fputs(" ->", stdout);
				if (jnum(p, "redirect"))
					fputs(" redirect", stdout);
				for (b = jkids(p, "backends"); b; b = b->next)
					printf(" %s/%s:%.0f%s", jstr(b, "namespace"), jstr(b, "name"),
					       jnum(b, "port"), jnum(b, "resolved") ? ""
					                                     : " (unresolved)");
				printf("  (HTTPRoute %s/%s rule %.0f)\n", jstr(r, "namespace"),
				       jstr(r, "name"), jnum(r, "rule"));
			}
		}
	}
	json_free(j);
	return EXIT_OK;
}

/* ---- check */

static int cmd_check(cli *c)
{
	size_t i, n = ingroute_diags_count(c->diags);
	size_t errors = ingroute_diags_count_severity(c->diags, INGROUTE_ERROR);
	ingroute_stats st;
	size_t served, skipped, invalid, hosts, paths, conflicts, shadowed;
	size_t annotated;

	/* The counts the compile recorded: no pass over the diagnostics, and
	 * conflicts past max_diagnostics are counted too. */
	st.size = sizeof(st);
	if (ingroute_router_stats(c->router, &st) != 0) {
		fprintf(stderr, "ingroute: no router statistics\n");
		return EXIT_FAIL;
	}
	served = st.ingresses_served;
	skipped = st.ingresses_skipped;
	invalid = st.ingresses_invalid;
	hosts = st.virtual_hosts;
	paths = st.paths;
	conflicts = st.conflicts;
	shadowed = st.shadowed;
	annotated = st.controller_annotated;

	if (c->json) {
		fputs("{\"diagnostics\":[", stdout);
		for (i = 0; i < n; i++) {
			static const char *const sev[] = { "note", "warning", "error" };
			ingroute_diag d;

			d.size = sizeof(d);
			ingroute_diags_get(c->diags, i, &d);
			printf("%s{\"severity\":\"%s\",\"code\":%d,\"file\":", i ? "," : "",
			       sev[d.severity], d.code);
			json_put_str(stdout, d.file);
			printf(",\"line\":%u,\"column\":%u,\"kind\":", d.line, d.column);
			json_put_str(stdout, d.kind);
			fputs(",\"namespace\":", stdout);
			json_put_str(stdout, d.ns);
			fputs(",\"name\":", stdout);
			json_put_str(stdout, d.name);
			fputs(",\"field\":", stdout);
			json_put_str(stdout, d.field);
			fputs(",\"message\":", stdout);
			json_put_str(stdout, d.message);
			fputs("}", stdout);
		}
		printf("],\"summary\":{\"served\":%zu,\"skipped\":%zu,\"invalid\":%zu,"
		       "\"virtualHosts\":%zu,\"paths\":%zu,\"conflicts\":%zu,"
		       "\"shadowed\":%zu,\"controllerAnnotated\":%zu,"
		       "\"gatewayListeners\":%zu,\"httpRoutesAttached\":%zu,"
		       "\"gatewayMatches\":%zu,"
		       "\"errors\":%zu,\"warnings\":%zu,\"kubernetes\":\"%s\"}}\n",
		       served, skipped, invalid, hosts, paths, conflicts, shadowed,
		       annotated, st.gateway_listeners, st.httproutes_attached,
		       st.gateway_matches, errors,
		       ingroute_diags_count_severity(c->diags, INGROUTE_WARNING),
		       ingroute_kubernetes_version());
	} else {
		print_diags(c->diags, stdout, 0);
		printf("%zu Ingress%s served, %zu skipped (class), %zu invalid; "
		       "%zu virtual host%s, %zu path%s; %zu conflict%s, %zu shadowed "
		       "rule%s; %zu with controller annotations not applied; ",
		       served, served == 1 ? "" : "es", skipped, invalid, hosts,
		       hosts == 1 ? "" : "s", paths, paths == 1 ? "" : "s", conflicts,
		       conflicts == 1 ? "" : "s", shadowed, shadowed == 1 ? "" : "s",
		       annotated);
		/* the Gateway API's part, only where there is one */
		if (st.gateway_listeners)
			printf("%zu Gateway listener%s, %zu HTTPRoute%s attached, %zu "
			       "match%s; ", st.gateway_listeners,
			       st.gateway_listeners == 1 ? "" : "s",
			       st.httproutes_attached,
			       st.httproutes_attached == 1 ? "" : "s", st.gateway_matches,
			       st.gateway_matches == 1 ? "" : "es");
		printf("validated as Kubernetes %s\n", ingroute_kubernetes_version());
	}
	return errors || c->load_failed ? EXIT_FAIL : EXIT_OK;
}

/* ---- diff */

/* The requests a diff routes: given, or made from both configurations. */
typedef struct trace {
	char **t;
	size_t n, cap;
} trace;

static int trace_add(trace *tr, const char *host, const char *path, size_t plen)
{
	size_t hl = strlen(host);
	char *s;

	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? tr->cap * 2 : 256;
		char **t = realloc(tr->t, cap * sizeof(*t));

		if (!t)
			return -1;
		tr->t = t;
		tr->cap = cap;
	}
	if (!(s = malloc(hl + plen + 1)))
		return -1;
	memcpy(s, host, hl);
	memcpy(s + hl, path, plen);
	s[hl + plen] = '\0';
	tr->t[tr->n++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, each request once: both tables name most of the same ones. */
static void trace_unique(trace *tr)
{
	size_t i, k = 0;

	if (tr->n == 0)
		return;
	qsort(tr->t, tr->n, sizeof(*tr->t), cmp_str);
	for (i = 1; i < tr->n; i++) {
		if (strcmp(tr->t[i], tr->t[k]) == 0)
			free(tr->t[i]);
		else
			tr->t[++k] = tr->t[i];
	}
	tr->n = k + 1;
}

static void trace_free(trace *tr)
{
	size_t i;

	for (i = 0; i < tr->n; i++)
		free(tr->t[i]);
	free(tr->t);
}

/* A rule path's probes: the path itself, with a trailing slash, one
 * element deeper, with a byte more (a near miss that is no element
 * prefix), and its parent. */
static int trace_path(trace *tr, const char *host, const char *path)
{
	size_t n = strlen(path), e;
	char buf[8192];
	int rc = 0;

	if (n == 0 || path[0] != '/' || n + 3 > sizeof(buf))
		return 0;
	rc |= trace_add(tr, host, path, n);
	memcpy(buf, path, n);
	if (path[n - 1] != '/') {
		memcpy(buf + n, "/", 1);
		rc |= trace_add(tr, host, buf, n + 1);
		memcpy(buf + n, "x", 1);
		rc |= trace_add(tr, host, buf, n + 1);
		memcpy(buf + n, "/x", 2);
		rc |= trace_add(tr, host, buf, n + 2);
	} else {
		memcpy(buf + n, "x", 1);
		rc |= trace_add(tr, host, buf, n + 1);
	}
	/* the parent: "/cart/checkout" -> "/cart", "/v1/" -> "/" */
	e = n > 1 && path[n - 1] == '/' ? n - 1 : n;
	while (e > 0 && path[e - 1] != '/')
		e--;
	rc |= trace_add(tr, host, path, e > 1 ? e - 1 : 1);
	return rc;
}

/* A host's probes: its root and an unknown path; a name under a
 * wildcard stands for the wildcard. */
static int trace_host(trace *tr, const char *h, char *host, size_t cap)
{
	int rc = 0;

	if (h[0] == '*')
		snprintf(host, cap, "a%s", h + 1);
	else
		snprintf(host, cap, "%s", h);
	rc |= trace_add(tr, host, "/", 1);
	rc |= trace_add(tr, host, "/ingroute-diff-unknown", 22);
	return rc;
}

/*
 * The requests that tell two configurations apart, from one router's
 * table: an unknown host, and for every host (of the Ingresses' virtual
 * hosts and of the Gateways' listeners; a rule without one is asked
 * without a Host) its probes and those of each of its rule paths.
 */
static int trace_from(trace *tr, ingroute_router *r)
{
	static const char unknown_host[] = "unknown.invalid";
	char *out = NULL, host[300];
	const json *k, *p, *l, *v;
	json *j;
	int rc = 0;

	if (ingroute_router_dump(r, &out, NULL) != 0)
		return -1;
	j = json_parse(out);
	ingroute_free(out);
	if (!j)
		return -1;
	rc |= trace_add(tr, unknown_host, "/", 1);
	for (k = jkids(j, "virtualHosts"); k && !rc; k = k->next) {
		rc |= trace_host(tr, jstr(k, "host"), host, sizeof(host));
		for (p = jkids(k, "paths"); p && !rc; p = p->next)
			rc |= trace_path(tr, host, jstr(p, "path"));
	}
	for (l = jkids(j, "gatewayListeners"); l && !rc; l = l->next) {
		for (v = jkids(l, "virtualHosts"); v && !rc; v = v->next) {
			rc |= trace_host(tr, jstr(v, "host"), host, sizeof(host));
			for (p = jkids(v, "matches"); p && !rc; p = p->next) {
				const json *path = jobj(p, "path");

				if (strcmp(jstr(path, "type"), "RegularExpression") != 0)
					rc |= trace_path(tr, host, jstr(path, "value"));
			}
		}
	}
	json_free(j);
	return rc;
}

/* The same answer: the same status (or decision), the same backend, the
 * same redirect. Which rule gave it may differ (an HTTPRoute's rule is
 * not an Ingress's), and an Ingress's default backend is the same answer
 * as an HTTPRoute rule sending to that backend. */
static int same_answer(const request *ra, const ingroute_route *a,
                       const request *rb, const ingroute_route *b)
{
#define STR_EQ(x, y) (((x) == NULL) == ((y) == NULL) && (!(x) || strcmp((x), (y)) == 0))
	if (a->status != b->status)
		return 0;
	if (a->status >= 300 && a->status < 400) {
		char la[2048], lb[2048];
		size_t na = ingroute_route_location(&ra->q, a, la, sizeof(la));
		size_t nb = ingroute_route_location(&rb->q, b, lb, sizeof(lb));

		return na == nb && memcmp(la, lb, na < sizeof(la) ? na : sizeof(la)) == 0;
	}
	if (a->status != 0)
		return 1;
	return a->backend_kind == b->backend_kind &&
	       STR_EQ(a->backend_ns, b->backend_ns) && STR_EQ(a->service, b->service) &&
	       STR_EQ(a->port_name, b->port_name) && a->port_number == b->port_number &&
	       STR_EQ(a->resource_api_group, b->resource_api_group) &&
	       STR_EQ(a->resource_kind, b->resource_kind) &&
	       STR_EQ(a->resource_name, b->resource_name);
#undef STR_EQ
}

/* Loads the --against sources into a ruleset of their own and compiles
 * them, with the same options. */
static ingroute_router *load_against(cli *c)
{
	ingroute_ruleset *mine = c->rs, *rs = NULL;
	ingroute_diags *d = NULL;
	ingroute_router *r = NULL;
	size_t i;
	int rc = ingroute_ruleset_new(&rs, &c->opts);

	if (rc == 0)
		rc = ingroute_diags_new(&d, NULL);
	c->rs = rs;
	for (i = 0; rc == 0 && i < c->nagainst; i++)
		if ((rc = load_one(c, c->against[i], d)) != 0)
			fprintf(stderr, "ingroute diff: --against %s: %s\n",
			        c->against[i], ingroute_strerror(rc));
	c->rs = mine;
	if (rc == 0 && (rc = ingroute_router_compile(&r, rs, d)) != 0)
		fprintf(stderr, "ingroute: cannot compile: %s\n", ingroute_strerror(rc));
	if (d && !c->quiet && ingroute_diags_count(d)) {
		fputs("ingroute diff: --against:\n", stderr);
		print_diags(d, stderr, 0);
	}
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	return rc == 0 ? r : NULL;
}

static int cmd_diff(cli *c, int argc, char **argv)
{
	ingroute_router *other;
	trace tr = { NULL, 0, 0 };
	size_t i, differ = 0;
	int rc = 0;

	if (!(other = load_against(c)))
		return EXIT_FAIL;
	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				n--;
			if (n > 0)
				rc = trace_add(&tr, "", line, (size_t)n);
		}
		free(line);
	} else if (argc > 0) {
		for (i = 0; rc == 0 && i < (size_t)argc; i++)
			rc = trace_add(&tr, "", argv[i], strlen(argv[i]));
	} else {
		rc = trace_from(&tr, c->router) | trace_from(&tr, other);
		trace_unique(&tr);
	}
	if (rc != 0) {
		fprintf(stderr, "ingroute diff: %s\n", ingroute_strerror(INGROUTE_ENOMEM));
		trace_free(&tr);
		ingroute_router_unref(other);
		return EXIT_FAIL;
	}
	for (i = 0; i < tr.n; i++) {
		request ra, rb;
		ingroute_route a, b;

		make_request(c, c->gateway, tr.t[i], &ra);
		make_request(c, c->against_gateway, tr.t[i], &rb);
		a.size = b.size = sizeof(a);
		ingroute_router_route(c->router, &ra.q, &a);
		ingroute_router_route(other, &rb.q, &b);
		if (same_answer(&ra, &a, &rb, &b))
			continue;
		differ++;
		printf("%s\n  -f:        ", tr.t[i]);
		text_route(&ra, &a);
		fputs("  --against: ", stdout);
		text_route(&rb, &b);
		if (c->explain) {
			puts("  -f explains:");
			if (c->gateway)
				explain_gateway(c->router, c, c->gateway, tr.t[i], 0);
			else
				explain_target(c->router, tr.t[i], 0);
			puts("  --against explains:");
			if (c->against_gateway)
				explain_gateway(other, c, c->against_gateway, tr.t[i], 0);
			else
				explain_target(other, tr.t[i], 0);
		}
	}
	printf("%zu request%s, %zu routed differently\n", tr.n, tr.n == 1 ? "" : "s",
	       differ);
	trace_free(&tr);
	ingroute_router_unref(other);
	if (fflush(stdout) != 0)
		return EXIT_FAIL;
	return differ ? EXIT_FAIL : EXIT_OK;
}

/* ---- main */

enum {
	O_JSON = 256, O_STRICT, O_CLASS, O_DEFAULT_CLASS, O_NAMESPACE, O_IMPL,
	O_FALLTHROUGH, O_NO_NORMALIZE, O_DEFAULT_BACKEND, O_VERSION, O_PREVIOUS,
	O_FAIL_UNMATCHED, O_STATS, O_AGAINST, O_EXPLAIN, O_GATEWAY,
	O_AGAINST_GATEWAY, O_RANDOM, O_CONTROLLER,
	O_MAX_INPUT_BYTES, O_MAX_DEPTH, O_MAX_NODES, O_MAX_ALIAS_NODES,
	O_MAX_ALIAS_BYTES, O_MAX_SCALAR_BYTES, O_MAX_DIAGNOSTICS
};

static const struct option long_opts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, O_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "fail-unmatched", no_argument, NULL, O_FAIL_UNMATCHED },
	{ "stats", no_argument, NULL, O_STATS },
	{ "against", required_argument, NULL, O_AGAINST },
	{ "explain", no_argument, NULL, O_EXPLAIN },
	{ "gateway", required_argument, NULL, O_GATEWAY },
	{ "against-gateway", required_argument, NULL, O_AGAINST_GATEWAY },
	{ "method", required_argument, NULL, 'X' },
	{ "header", required_argument, NULL, 'H' },
	{ "random", required_argument, NULL, O_RANDOM },
	{ "controller", required_argument, NULL, O_CONTROLLER },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "class", required_argument, NULL, O_CLASS },
	{ "default-class", no_argument, NULL, O_DEFAULT_CLASS },
	{ "namespace", required_argument, NULL, O_NAMESPACE },
	{ "impl-specific", required_argument, NULL, O_IMPL },
	{ "fallthrough", no_argument, NULL, O_FALLTHROUGH },
	{ "no-normalize", no_argument, NULL, O_NO_NORMALIZE },
	{ "default-backend", required_argument, NULL, O_DEFAULT_BACKEND },
	{ "version", no_argument, NULL, O_VERSION },
	{ "previous", required_argument, NULL, O_PREVIOUS },
	{ "max-input-bytes", required_argument, NULL, O_MAX_INPUT_BYTES },
	{ "max-depth", required_argument, NULL, O_MAX_DEPTH },
	{ "max-nodes", required_argument, NULL, O_MAX_NODES },
	{ "max-alias-nodes", required_argument, NULL, O_MAX_ALIAS_NODES },
	{ "max-alias-bytes", required_argument, NULL, O_MAX_ALIAS_BYTES },
	{ "max-scalar-bytes", required_argument, NULL, O_MAX_SCALAR_BYTES },
	{ "max-diagnostics", required_argument, NULL, O_MAX_DIAGNOSTICS },
	{ NULL, 0, NULL, 0 },
};

/* What the library refuses in the options, said with the flag that set
 * it: "ingroute: --namespace: Invalid value: ...". */
static int options_refused(const ingroute_options *o)
{
	static const struct { const char *field, *flag; } flags[] = {
		{ "ingress_class", "--class" },
		{ "default_namespace", "--namespace" },
		{ "impl_specific", "--impl-specific" },
		{ "default_backend", "--default-backend" },
	};
	ingroute_diags *d;
	size_t i, k;
	int rc;

	if (ingroute_diags_new(&d, NULL) != 0) {
		fprintf(stderr, "ingroute: %s\n", ingroute_strerror(INGROUTE_ENOMEM));
		return 1;
	}
	rc = ingroute_options_check(o, d);
	for (i = 0; i < ingroute_diags_count(d); i++) {
		ingroute_diag dg;
		const char *flag = NULL;

		dg.size = sizeof(dg);
		if (ingroute_diags_get(d, i, &dg) != 0)
			continue;
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (dg.field && strcmp(dg.field, flags[k].field) == 0)
				flag = flags[k].flag;
		fprintf(stderr, "ingroute: %s: %s\n", flag ? flag : dg.field,
		        dg.message);
	}
	if (rc != 0 && ingroute_diags_count(d) == 0)
		fprintf(stderr, "ingroute: %s\n", ingroute_strerror(rc));
	ingroute_diags_free(d);
	return rc != 0;
}

/*
 * The limit options: the field each sets and whether it counts bytes
 * (which take K, M and G).
 */
static const struct {
	int opt;
	const char *flag;
	size_t offset;
	int bytes;
} limits[] = {
	{ O_MAX_INPUT_BYTES, "--max-input-bytes",
	  offsetof(ingroute_options, max_input_bytes), 1 },
	{ O_MAX_DEPTH, "--max-depth", offsetof(ingroute_options, max_depth), 0 },
	{ O_MAX_NODES, "--max-nodes", offsetof(ingroute_options, max_nodes), 0 },
	{ O_MAX_ALIAS_NODES, "--max-alias-nodes",
	  offsetof(ingroute_options, max_alias_nodes), 0 },
	{ O_MAX_ALIAS_BYTES, "--max-alias-bytes",
	  offsetof(ingroute_options, max_alias_bytes), 1 },
	{ O_MAX_SCALAR_BYTES, "--max-scalar-bytes",
	  offsetof(ingroute_options, max_scalar_bytes), 1 },
	{ O_MAX_DIAGNOSTICS, "--max-diagnostics",
	  offsetof(ingroute_options, max_diagnostics), 0 },
};

/*
 * A limit's value: decimal digits and nothing else, then for a byte limit
 * one of K, M, G. Not strtoul, which takes leading spaces and a sign and
 * would turn "-5" into a huge limit. 0 is refused: the library reads it as
 * "the default", which is not what someone who wrote 0 asked for.
 */
static int parse_limit(const char *flag, const char *arg, int bytes,
                       size_t *out)
{
	const char *p = arg;
	size_t v = 0, unit = 1;

	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (SIZE_MAX - d) / 10)
			goto large;
		v = v * 10 + d;
	}
	if (bytes && *p && !p[1]) {
		switch (*p) {
		case 'K': case 'k': unit = (size_t)1 << 10; p++; break;
		case 'M': case 'm': unit = (size_t)1 << 20; p++; break;
		case 'G': case 'g': unit = (size_t)1 << 30; p++; break;
		}
	}
	if (*p || v == 0)
		goto bad;
	if (v > SIZE_MAX / unit)
		goto large;
	*out = v * unit;
	return 0;
bad:
	fprintf(stderr, "ingroute: %s: invalid value \"%s\": %s\n", flag, arg,
	        bytes ? "a positive count of bytes is required, optionally "
	                "followed by K, M or G"
	              : "a positive count is required");
	return -1;
large:
	fprintf(stderr, "ingroute: %s: invalid value \"%s\": too large (at most "
	        "%zu)\n", flag, arg, SIZE_MAX);
	return -1;
}

static size_t stdin_among(const char **srcs, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += strcmp(srcs[i], "-") == 0;
	return k;
}

/* How many sources read standard input, which can be read once. */
static size_t stdin_sources(const cli *c)
{
	return stdin_among(c->files, c->nfiles) +
	       stdin_among(c->previous, c->nprevious);
}

static void free_lists(cli *c)
{
	free(c->files);
	free(c->previous);
	free(c->against);
	free(c->headers);
}

int main(int argc, char **argv)
{
	cli c;
	int opt, rc = EXIT_OK;

	memset(&c, 0, sizeof(c));
	ingroute_options_init(&c.opts, sizeof(c.opts));
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ingroute %s (validation: Kubernetes %s)\n",
		       ingroute_version_string(), ingroute_kubernetes_version());
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0)
		return argc > 2 ? command_help(argv[2], stdout) : (usage(stdout), EXIT_OK);
	c.cmd = argv[1];
	if (strcmp(c.cmd, "check") && strcmp(c.cmd, "match") &&
	    strcmp(c.cmd, "explain") && strcmp(c.cmd, "dump") &&
	    strcmp(c.cmd, "diff")) {
		fprintf(stderr, "ingroute: unknown command '%s'\n", c.cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	c.files = calloc((size_t)argc, sizeof(char *));
	c.previous = calloc((size_t)argc, sizeof(char *));
	c.against = calloc((size_t)argc, sizeof(char *));
	c.headers = calloc((size_t)argc, sizeof(char *));
	if (!c.files || !c.previous || !c.against || !c.headers) {
		free_lists(&c);
		return EXIT_FAIL;
	}
	argv++;
	argc--;
	/* Options go anywhere among the targets (GNU permutation); "--" ends
	 * them, for a target that starts with '-'. */
	while ((opt = getopt_long(argc, argv, "f:ho:qX:H:", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'f': c.files[c.nfiles++] = optarg; break;
		case O_PREVIOUS: c.previous[c.nprevious++] = optarg; break;
		case 'h': free_lists(&c); return command_help(c.cmd, stdout);
		case 'q': c.quiet = 1; break;
		case O_JSON: c.json = 1; break;
		case 'o':
			if (strcmp(optarg, "json") == 0) {
				c.json = 1;
			} else if (strcmp(optarg, "wide") == 0) {
				c.wide = 1;
			} else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "ingroute: -o takes text, json or wide\n");
				free_lists(&c);
				return EXIT_USAGE;
			}
			break;
		case O_FAIL_UNMATCHED: c.fail_unmatched = 1; break;
		case O_STATS: c.stats = 1; break;
		case O_AGAINST: c.against[c.nagainst++] = optarg; break;
		case O_EXPLAIN: c.explain = 1; break;
		case O_GATEWAY: c.gateway = optarg; break;
		case O_AGAINST_GATEWAY: c.against_gateway = optarg; break;
		case O_CONTROLLER: c.opts.gateway_controller = optarg; break;
		case 'X': c.method = optarg; break;
		case 'H':
			if (!strchr(optarg, ':')) {
				fprintf(stderr, "ingroute: -H takes 'NAME: VALUE'\n");
				free_lists(&c);
				return EXIT_USAGE;
			}
			c.headers[c.nheaders++] = optarg;
			break;
		case O_RANDOM: {
			char *end;

			errno = 0;
			c.random = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				fprintf(stderr, "ingroute: --random takes a number from 0 "
				                "to 18446744073709551615\n");
				free_lists(&c);
				return EXIT_USAGE;
			}
			break;
		}
		case O_STRICT: c.opts.flags |= INGROUTE_OPT_STRICT; break;
		case O_CLASS: c.opts.ingress_class = optarg; break;
		case O_DEFAULT_CLASS: c.opts.flags |= INGROUTE_OPT_DEFAULT_CLASS; break;
		case O_NAMESPACE: c.opts.default_namespace = optarg; break;
		case O_FALLTHROUGH: c.opts.flags |= INGROUTE_OPT_FALLTHROUGH; break;
		case O_NO_NORMALIZE: c.opts.flags |= INGROUTE_OPT_NO_NORMALIZE; break;
		case O_DEFAULT_BACKEND: c.opts.default_backend = optarg; break;
		case O_VERSION:
			printf("ingroute %s (validation: Kubernetes %s)\n",
		       ingroute_version_string(), ingroute_kubernetes_version());
			free_lists(&c);
			return EXIT_OK;
		case O_IMPL:
			if (strcmp(optarg, "prefix") == 0)
				c.opts.impl_specific = INGROUTE_IMPL_PREFIX;
			else if (strcmp(optarg, "exact") == 0)
				c.opts.impl_specific = INGROUTE_IMPL_EXACT;
			else if (strcmp(optarg, "string-prefix") == 0)
				c.opts.impl_specific = INGROUTE_IMPL_STRING_PREFIX;
			else {
				fprintf(stderr, "ingroute: --impl-specific takes prefix, exact "
				                "or string-prefix\n");
				free_lists(&c);
				return EXIT_USAGE;
			}
			break;
		case O_MAX_INPUT_BYTES: case O_MAX_DEPTH: case O_MAX_NODES:
		case O_MAX_ALIAS_NODES: case O_MAX_ALIAS_BYTES:
		case O_MAX_SCALAR_BYTES: case O_MAX_DIAGNOSTICS: {
			size_t i = 0;

			while (limits[i].opt != opt)
				i++;
			if (parse_limit(limits[i].flag, optarg, limits[i].bytes,
			                (size_t *)((char *)&c.opts + limits[i].offset))) {
				free_lists(&c);
				return EXIT_USAGE;
			}
			break;
		}
		default:
			fprintf(stderr, "Try 'ingroute %s --help'.\n", c.cmd);
			free_lists(&c);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (c.nfiles == 0) {
		fprintf(stderr, "ingroute %s: no manifests; give -f FILE, -f DIR or "
		                "-f - (standard input)\n", c.cmd);
		free_lists(&c);
		return EXIT_USAGE;
	}
	if (c.nprevious && stdin_sources(&c) > 1) {
		fprintf(stderr, "ingroute %s: standard input can hold only one of "
		                "the --previous and -f sources\n", c.cmd);
		free_lists(&c);
		return EXIT_USAGE;
	}
	if (c.nprevious && c.nfiles > 1 && stdin_among(c.files, c.nfiles)) {
		/* A reload is one call over every source, and files and a
		 * buffer do not go into one call. */
		fprintf(stderr, "ingroute %s: with --previous, -f - must be the "
		                "only -f\n", c.cmd);
		free_lists(&c);
		return EXIT_USAGE;
	}
	if ((strcmp(c.cmd, "check") == 0 || strcmp(c.cmd, "dump") == 0) && argc > 0) {
		fprintf(stderr, "ingroute %s: unexpected argument '%s'\n", c.cmd, argv[0]);
		free_lists(&c);
		return EXIT_USAGE;
	}
	if ((strcmp(c.cmd, "diff") == 0) != (c.nagainst > 0)) {
		fprintf(stderr, c.nagainst ? "ingroute: --against is for diff\n"
		                           : "ingroute diff: give --against PATH, the "
		                             "configuration to compare with\n");
		free_lists(&c);
		return EXIT_USAGE;
	}
	{
		const char *gws[2] = { c.gateway, c.against_gateway };
		int g;

		for (g = 0; g < 2; g++) {
			const char *s = gws[g] ? strchr(gws[g], '/') : NULL;

			if (gws[g] && (!s || s == gws[g] || !s[1] || strchr(s + 1, '/') ||
			               s - gws[g] > 253 || strlen(s + 1) > 253)) {
				fprintf(stderr, "ingroute: --%sgateway takes NAMESPACE/NAME\n",
				        g ? "against-" : "");
				free_lists(&c);
				return EXIT_USAGE;
			}
		}
		if (c.against_gateway && strcmp(c.cmd, "diff") != 0) {
			fprintf(stderr, "ingroute: --against-gateway is for diff\n");
			free_lists(&c);
			return EXIT_USAGE;
		}
	}
	if (options_refused(&c.opts)) {
		free_lists(&c);
		return EXIT_USAGE;
	}
	if (load(&c) != 0) {
		rc = EXIT_FAIL;
	} else if (strcmp(c.cmd, "check") == 0) {
		rc = cmd_check(&c);
	} else {
		if (!c.quiet)
			print_diags(c.diags, stderr, 0);
		if (c.load_failed) {
			fprintf(stderr, "ingroute: the manifests could not be loaded\n");
			rc = EXIT_FAIL;
		} else if (strcmp(c.cmd, "match") == 0) {
			rc = cmd_match(&c, argc, argv);
		} else if (strcmp(c.cmd, "explain") == 0) {
			rc = cmd_explain(&c, argc, argv);
		} else if (strcmp(c.cmd, "diff") == 0) {
			rc = cmd_diff(&c, argc, argv);
		} else {
			rc = cmd_dump(&c);
		}
	}
	ingroute_router_unref(c.router);
	ingroute_diags_free(c.diags);
	ingroute_ruleset_free(c.rs);
	free_lists(&c);
	return rc;
}
