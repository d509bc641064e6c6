/*
 * Reloads and the operations a watcher needs (docs/semantics.md §1.6):
 * an invalid version never takes the place of a valid one, a reload's
 * sources are the whole desired state, delete by kind and key, and a
 * generation that moves only when what a compile reads moves.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingroute.h"
#include "testutil.h"

/* One Ingress: NAME routes HOST/PATH to service SVC; rv is its
 * resourceVersion and extra goes at the end of the object (status). */
static char *ing(const char *name, const char *host, const char *path,
                 const char *svc, const char *rv, const char *extra)
{
	static const char fmt[] =
		"apiVersion: networking.k8s.io/v1\n"
		"kind: Ingress\n"
		"metadata:\n"
		"  name: %s\n"
		"  namespace: shop\n"
		"  resourceVersion: \"%s\"\n"
		"spec:\n"
		"  rules:\n"
		"  - host: %s\n"
		"    http:\n"
		"      paths:\n"
		"      - path: %s\n"
		"        pathType: Prefix\n"
		"        backend: {service: {name: %s, port: {number: 80}}}\n"
		"%s";
	size_t n = sizeof(fmt) + strlen(name) + strlen(host) + strlen(path) +
	           strlen(svc) + strlen(rv) + strlen(extra);
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, fmt, name, rv, host, path, svc, extra);
	return s;
}

/* Documents joined with "---". Frees its arguments; NULL ends them. */
static char *docs(char *first, ...)
{
	size_t len = 0;
	char *out = calloc(1, 1), *p;
	va_list ap;

	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, char *)) {
		size_t n = strlen(p);

		out = realloc(out, len + n + 5);
		assert_non_null(out);
		memcpy(out + len, "---\n", 4);
		memcpy(out + len + 4, p, n + 1);
		len += n + 4;
		free(p);
	}
	va_end(ap);
	return out;
}

static int reload(ingroute_ruleset *rs, const char *text, ingroute_diags *d)
{
	return ingroute_ruleset_reload_buffer(rs, text, strlen(text), "new.yaml",
	                                      d);
}

/* Where http://HOST/PATH goes: "svc" or "404". */
static const char *route(ingroute_ruleset *rs, const char *host,
                         const char *path, char *buf, size_t cap)
{
	ingroute_router *r;
	ingroute_match m;

	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	assert_int_equal(ingroute_router_match(r, host, strlen(host), path,
	                                       strlen(path), &m), 0);
	if (m.decision == INGROUTE_DECISION_NONE || !m.service)
		snprintf(buf, cap, "404");
	else
		snprintf(buf, cap, "%s", m.service);
	ingroute_router_unref(r);
	return buf;
}

static size_t count_code(const ingroute_diags *d, int code, ingroute_diag *last)
{
	size_t i, n = 0;

	for (i = 0; i < ingroute_diags_count(d); i++) {
		ingroute_diag dg;

		dg.size = sizeof(dg);
		assert_int_equal(ingroute_diags_get(d, i, &dg), 0);
		if (dg.code == code) {
			n++;
			if (last)
				*last = dg;
		}
	}
	return n;
}

/* ---- load: an invalid version is not applied */

static void test_load_keeps_valid(void **state)
{
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg = { 0 };
	char *good = ing("api", "a.io", "/v1", "api", "41", "");
	char *bad = ing("api", "a.io", "v2", "api", "42", "");
	char buf[64];
	uint64_t g;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_generation(rs), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, good, strlen(good),
	                                              "old.yaml", d), 0);
	g = ingroute_ruleset_generation(rs);
	assert_int_equal(g, 1);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, bad, strlen(bad),
	                                              "edit.yaml", d), 0);
	assert_int_equal(count_code(d, INGROUTE_D_KEPT, &dg), 1);
	assert_int_equal(dg.severity, INGROUTE_ERROR);
	assert_string_equal(dg.file, "edit.yaml");
	assert_int_equal(dg.line, 1);
	assert_string_equal(dg.name, "api");
	assert_non_null(strstr(dg.message, "old.yaml:1:1"));
	assert_non_null(strstr(dg.message, "resourceVersion \"41\""));
	/* Nothing a compile reads moved, and the old route still serves. */
	assert_int_equal(ingroute_ruleset_generation(rs), g);
	assert_string_equal(route(rs, "a.io", "/v1/x", buf, sizeof(buf)), "api");

	free(good);
	free(bad);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

/* ---- reload: the sources are the desired state */

static void test_reload_desired_state(void **state)
{
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg = { 0 };
	ingroute_ingress_info in;
	ingroute_router *r;
	ingroute_stats st;
	char *v1 = docs(ing("a", "a.io", "/", "a1", "1", ""),
	                ing("b", "b.io", "/", "b1", "1", ""),
	                ing("c", "c.io", "/", "c1", "1", ""), NULL);
	/* a changes, b breaks, c goes, d arrives, e arrives broken. */
	char *v2 = docs(ing("a", "a.io", "/", "a2", "2", ""),
	                ing("b", "b.io", "no-slash", "b2", "2", ""),
	                ing("d", "d.io", "/", "d1", "1", ""),
	                ing("e", "e.io", "bad", "e1", "1", ""), NULL);
	char buf[64];
	uint64_t g;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(reload(rs, v1, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 3);
	g = ingroute_ruleset_generation(rs);

	ingroute_diags_clear(d);
	assert_int_equal(reload(rs, v2, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 3);
	assert_int_equal(ingroute_ruleset_generation(rs), g + 1);
	assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)), "a2");
	assert_string_equal(route(rs, "b.io", "/", buf, sizeof(buf)), "b1");
	assert_string_equal(route(rs, "c.io", "/", buf, sizeof(buf)), "404");
	assert_string_equal(route(rs, "d.io", "/", buf, sizeof(buf)), "d1");
	assert_string_equal(route(rs, "e.io", "/", buf, sizeof(buf)), "404");
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, "shop", "c", &in),
	                 INGROUTE_ENOENT);
	/* Only b had a version to keep; e simply is not there. */
	assert_int_equal(count_code(d, INGROUTE_D_KEPT, &dg), 1);
	assert_string_equal(dg.name, "b");
	assert_string_equal(dg.file, "new.yaml");
	assert_non_null(strstr(dg.message, "new.yaml:"));
	assert_non_null(strstr(dg.message, "resourceVersion \"1\""));
	/* Arrival order survives: a (replaced in place), b (kept), then d. */
	assert_int_equal(ingroute_ruleset_get(rs, 0, &in), 0);
	assert_string_equal(in.name, "a");
	assert_int_equal(ingroute_ruleset_get(rs, 1, &in), 0);
	assert_string_equal(in.name, "b");
	assert_int_equal(ingroute_ruleset_get(rs, 2, &in), 0);
	assert_string_equal(in.name, "d");

	/* The router says which generation it serves and how many are
	 * invalid (b and e). */
	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	st.size = sizeof(st);
	assert_int_equal(ingroute_router_stats(r, &st), 0);
	assert_int_equal(st.generation, ingroute_ruleset_generation(rs));
	assert_int_equal(st.ingresses_invalid, 2);
	assert_int_equal(st.ingresses_served, 3);
	ingroute_router_unref(r);

	/* The same sources again: no change, no notes about replacing. */
	ingroute_diags_clear(d);
	g = ingroute_ruleset_generation(rs);
	assert_int_equal(reload(rs, v2, d), 0);
	assert_int_equal(ingroute_ruleset_generation(rs), g);
	assert_int_equal(count_code(d, INGROUTE_D_REPLACED, NULL), 0);
	assert_int_equal(count_code(d, INGROUTE_D_KEPT, NULL), 1);

	/* b fixed: applied; the invalid count drops to e alone. */
	free(v2);
	v2 = docs(ing("a", "a.io", "/", "a2", "2", ""),
	          ing("b", "b.io", "/b", "b3", "3", ""),
	          ing("d", "d.io", "/", "d1", "1", ""),
	          ing("e", "e.io", "bad", "e1", "1", ""), NULL);
	assert_int_equal(reload(rs, v2, d), 0);
	assert_string_equal(route(rs, "b.io", "/b", buf, sizeof(buf)), "b3");
	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	assert_int_equal(ingroute_router_stats(r, &st), 0);
	assert_int_equal(st.ingresses_invalid, 1);
	ingroute_router_unref(r);

	/* Empty sources empty the ruleset. */
	assert_int_equal(reload(rs, "", d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 0);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, NULL, 0, d), 0);

	free(v1);
	free(v2);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

/* Whatever fails the load as a whole changes nothing. */
static void test_reload_all_or_nothing(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs, *strict;
	ingroute_diags *d;
	char *v1 = docs(ing("a", "a.io", "/", "a1", "1", ""), NULL);
	char *broken = docs(ing("b", "b.io", "/", "b1", "1", ""), NULL);
	char *invalid = docs(ing("a", "a.io", "x", "a2", "2", ""),
	                     ing("b", "b.io", "/", "b1", "1", ""), NULL);
	char buf[64];
	uint64_t g;

	(void)state;
	broken = realloc(broken, strlen(broken) + 32);
	strcat(broken, "---\nkind: [unclosed\n");
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(reload(rs, v1, d), 0);
	g = ingroute_ruleset_generation(rs);
	assert_int_equal(reload(rs, broken, d), INGROUTE_ESYNTAX);
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	assert_int_equal(ingroute_ruleset_generation(rs), g);
	assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)), "a1");

	o.flags = INGROUTE_OPT_STRICT;
	assert_int_equal(ingroute_ruleset_new(&strict, &o), 0);
	assert_int_equal(reload(strict, v1, d), 0);
	assert_int_equal(reload(strict, invalid, d), INGROUTE_EINVALID);
	assert_int_equal(ingroute_ruleset_count(strict), 1);
	assert_string_equal(route(strict, "a.io", "/", buf, sizeof(buf)), "a1");
	assert_string_equal(route(strict, "b.io", "/", buf, sizeof(buf)), "404");

	assert_int_equal(ingroute_ruleset_reload_buffer(NULL, "", 0, NULL, d),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_ruleset_reload_buffer(rs, NULL, 1, NULL, d),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, NULL, 1, d),
	                 INGROUTE_EINVAL);
	{
		const char *paths[] = { "/nonexistent-dir/x.yaml", NULL };

		assert_int_equal(ingroute_ruleset_reload_paths(rs, paths, 2, d),
		                 INGROUTE_EINVAL);
		assert_int_equal(ingroute_ruleset_reload_paths(rs, paths, 1, d),
		                 INGROUTE_EIO);
	}
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	assert_int_equal(ingroute_ruleset_generation(rs), g);

	free(v1);
	free(broken);
	free(invalid);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	ingroute_ruleset_free(strict);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[600];
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Files: an edit that breaks one file's Ingress keeps it; a file taken
 * away takes its Ingresses away; a second path is part of the state. */
static void test_reload_paths(void **state)
{
	char dir[] = "/tmp/ingroute-reload-XXXXXX", other[600], cmd[700];
	const char *paths[2];
	char *a = ing("a", "a.io", "/", "a1", "1", "");
	char *a_bad = ing("a", "a.io", "oops", "a2", "2", "");
	char *b = ing("b", "b.io", "/", "b1", "1", "");
	char *c = ing("c", "c.io", "/", "c1", "1", "");
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg = { 0 };
	char buf[64], path[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.yaml", a);
	write_file(dir, "b.yaml", b);
	/* The second path: a file beside the directory. */
	snprintf(other, sizeof(other), "%s.c.yaml", dir);
	write_file("/", other + 1, c);
	paths[0] = dir;
	paths[1] = other;

	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, paths, 2, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 3);

	write_file(dir, "a.yaml", a_bad);
	snprintf(path, sizeof(path), "%s/b.yaml", dir);
	assert_int_equal(unlink(path), 0);
	ingroute_diags_clear(d);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, paths, 2, d), 0);
	assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)), "a1");
	assert_string_equal(route(rs, "b.io", "/", buf, sizeof(buf)), "404");
	assert_string_equal(route(rs, "c.io", "/", buf, sizeof(buf)), "c1");
	assert_int_equal(count_code(d, INGROUTE_D_KEPT, &dg), 1);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	assert_string_equal(dg.file, path);
	assert_non_null(strstr(dg.message, path));

	/* A directory named with a trailing slash names its files once. */
	snprintf(path, sizeof(path), "%s/", dir);
	paths[0] = path;
	ingroute_diags_clear(d);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, paths, 2, d), 0);
	assert_int_equal(count_code(d, INGROUTE_D_KEPT, &dg), 1);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	assert_string_equal(dg.file, path);
	paths[0] = dir;

	/* Only the second path now: the directory's Ingresses go. */
	assert_int_equal(ingroute_ruleset_reload_paths(rs, paths + 1, 1, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)), "404");

	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, other);
	assert_int_equal(system(cmd), 0);
	free(a);
	free(a_bad);
	free(b);
	free(c);
}

/* ---- generation and the digest */

static void test_generation_ignores_bookkeeping(void **state)
{
	ingroute_ruleset *rs;
	char *v1 = ing("a", "a.io", "/", "a1", "100",
	               "status: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}\n");
	/* A new resourceVersion, managedFields and status: the server's
	 * bookkeeping only. JSON this time, as a watch delivers it. */
	const char *v2 =
		"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
		"\"metadata\":{\"name\":\"a\",\"namespace\":\"shop\","
		"\"resourceVersion\":\"101\",\"generation\":7,"
		"\"managedFields\":[{\"manager\":\"kubectl\"}]},"
		"\"spec\":{\"rules\":[{\"host\":\"a.io\",\"http\":{\"paths\":"
		"[{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":"
		"{\"name\":\"a1\",\"port\":{\"number\":80}}}}]}}]},"
		"\"status\":{\"loadBalancer\":{}}}";
	char *v3 = ing("a", "a.io", "/", "a1", "102", "");
	uint64_t g;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, v1, strlen(v1), NULL,
	                                              NULL), 0);
	g = ingroute_ruleset_generation(rs);
	/* The JSON spelling of the same spec is another text, and is read
	 * the same: flow and block YAML make the same tree. */
	assert_int_equal(ingroute_ruleset_load_buffer(rs, v2, strlen(v2), NULL,
	                                              NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, v3, strlen(v3), NULL,
	                                              NULL), 0);
	assert_int_equal(ingroute_ruleset_generation(rs), g);
	free(v3);
	/* A label is not bookkeeping. */
	v3 = ing("a", "a.io", "/", "a1", "103", "");
	v3 = realloc(v3, strlen(v3) + 32);
	{
		static const char label[] = "  labels: {x: 'y'}\n";
		char *spec = strstr(v3, "spec:");

		memmove(spec + strlen(label), spec, strlen(spec) + 1);
		memcpy(spec, label, strlen(label));
	}
	assert_int_equal(ingroute_ruleset_load_buffer(rs, v3, strlen(v3), NULL,
	                                              NULL), 0);
	assert_int_equal(ingroute_ruleset_generation(rs), g + 1);

	free(v1);
	free(v3);
	ingroute_ruleset_free(rs);
}

/* ---- delete by kind and key */

static void test_delete(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_ingress_info in;
	const char *cls =
		"apiVersion: networking.k8s.io/v1\nkind: IngressClass\n"
		"metadata:\n  name: public\n  annotations:\n"
		"    ingressclass.kubernetes.io/is-default-class: \"true\"\n"
		"spec: {controller: example.com/ingress}\n";
	char *a = ing("a", "a.io", "/", "a1", "1", "");
	char buf[64];
	uint64_t g;

	(void)state;
	o.ingress_class = "public";
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, cls, strlen(cls), NULL,
	                                              NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, a, strlen(a), NULL,
	                                              NULL), 0);
	/* Classless, served because its class is the default. */
	assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)), "a1");
	g = ingroute_ruleset_generation(rs);
	assert_int_equal(ingroute_ruleset_delete(rs, "IngressClass", "ignored",
	                                         "public"), 0);
	assert_int_equal(ingroute_ruleset_generation(rs), g + 1);
	assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)), "404");
	assert_int_equal(ingroute_ruleset_delete(rs, "IngressClass", NULL,
	                                         "public"), INGROUTE_ENOENT);
	/* Services are kept for the Gateway API's backends; one not held
	 * is not there to delete, and a kind ingroute never keeps is
	 * refused. */
	assert_int_equal(ingroute_ruleset_delete(rs, "Service", "shop", "a"),
	                 INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_delete(rs, "Deployment", "shop", "a"),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_ruleset_delete(rs, NULL, "shop", "a"),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_ruleset_delete(rs, "Ingress", "shop", NULL),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_ruleset_delete(rs, "Ingress", "other", "a"),
	                 INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_generation(rs), g + 1);
	assert_int_equal(ingroute_ruleset_delete(rs, "Ingress", "shop", "a"), 0);
	assert_int_equal(ingroute_ruleset_generation(rs), g + 2);
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, "shop", "a", &in),
	                 INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_generation(NULL), 0);
	free(a);
	ingroute_ruleset_free(rs);
}

/* ---- allocation failure at every point of a reload */

static void test_reload_oom_everywhere(void **state)
{
	char *v1 = docs(ing("a", "a.io", "/", "a1", "1", ""),
	                ing("b", "b.io", "/", "b1", "1", ""), NULL);
	char *v2 = docs(ing("a", "a.io", "/", "a2", "2", ""),
	                ing("b", "b.io", "bad", "b2", "2", ""),
	                ing("c", "c.io", "/", "c1", "1", ""), NULL);
	size_t n;
	int done = 0;

	(void)state;
	for (n = 1; !done && n < 100000; n++) {
		test_alloc fa;
		ingroute_allocator al;
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_ruleset *rs = NULL;
		char buf[64];
		uint64_t g;
		int rc;

		test_alloc_init(&fa, &al, 0);
		o.allocator = &al;
		assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
		assert_int_equal(reload(rs, v1, NULL), 0);
		g = ingroute_ruleset_generation(rs);
		fa.fail_at = fa.calls + n;
		rc = reload(rs, v2, NULL);
		fa.fail_at = 0;
		if (rc == 0) {
			done = !fa.failed;
			assert_int_equal(ingroute_ruleset_count(rs), 3);
			assert_string_equal(route(rs, "b.io", "/", buf, sizeof(buf)),
			                    "b1");
		} else {
			assert_int_equal(rc, INGROUTE_ENOMEM);
			assert_int_equal(ingroute_ruleset_count(rs), 2);
			assert_int_equal(ingroute_ruleset_generation(rs), g);
			assert_string_equal(route(rs, "a.io", "/", buf, sizeof(buf)),
			                    "a1");
		}
		ingroute_ruleset_free(rs);
		assert_int_equal(fa.live, 0);
	}
	assert_true(done);
	free(v1);
	free(v2);
}

/* The Gateway API's objects and the Services and Namespaces they read
 * follow the Ingress's rules: keyed by kind and namespace/name, the last
 * good version kept, removed by a reload or by kind. */
static void test_gateway_objects(void **state)
{
	static const char route_ok[] =
		"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
		"metadata: {name: web, namespace: shop}\n"
		"spec: {rules: [{backendRefs: [{name: web, port: 80}]}]}\n";
	static const char route_bad[] =
		"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
		"metadata: {name: web, namespace: shop}\n"
		"spec: {rules: [{backendRefs: [{name: web}]}]}\n";
	static const char svc[] =
		"apiVersion: v1\nkind: Service\n"
		"metadata: {name: web, namespace: shop}\n"
		"spec: {ports: [{port: 80}]}\n"
		"---\napiVersion: v1\nkind: Namespace\n"
		"metadata: {name: shop, labels: {team: a}}\n";
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg;
	uint64_t g;
	size_t i, kept = 0;
	char both[1024];

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	snprintf(both, sizeof(both), "%s---\n%s", route_ok, svc);
	assert_int_equal(reload(rs, both, d), 0);
	assert_int_equal(ingroute_diags_count_severity(d, INGROUTE_ERROR), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 0); /* no Ingress */
	g = ingroute_ruleset_generation(rs);
	assert_true(g > 0);

	/* An invalid version (no port for a Service) is not applied. */
	ingroute_diags_clear(d);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, route_bad,
	                 sizeof(route_bad) - 1, "bad.yaml", d), 0);
	for (i = 0; i < ingroute_diags_count(d); i++) {
		dg.size = sizeof(dg);
		assert_int_equal(ingroute_diags_get(d, i, &dg), 0);
		kept += dg.code == INGROUTE_D_KEPT;
		if (dg.code == INGROUTE_D_INVALID)
			assert_string_equal(dg.message, "Invalid value: Must have "
			                    "port for Service reference");
	}
	assert_int_equal(kept, 1);
	assert_int_equal(ingroute_ruleset_generation(rs), g);

	/* A reload without the route removes it; the Service stays. */
	assert_int_equal(reload(rs, svc, d), 0);
	assert_true(ingroute_ruleset_generation(rs) > g);
	assert_int_equal(ingroute_ruleset_delete(rs, "HTTPRoute", "shop", "web"),
	                 INGROUTE_ENOENT);
	/* One name, two kinds: each is its own object. */
	assert_int_equal(ingroute_ruleset_load_buffer(rs, route_ok,
	                 sizeof(route_ok) - 1, NULL, d), 0);
	assert_int_equal(ingroute_ruleset_delete(rs, "HTTPRoute", "shop", "web"),
	                 0);
	assert_int_equal(ingroute_ruleset_delete(rs, "HTTPRoute", "shop", "web"),
	                 INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_delete(rs, "Service", "shop", "web"), 0);
	/* Cluster-scoped: the namespace argument is ignored. */
	assert_int_equal(ingroute_ruleset_delete(rs, "Namespace", "x", "shop"), 0);
	assert_int_equal(ingroute_ruleset_delete(rs, "Namespace", NULL, "shop"),
	                 INGROUTE_ENOENT);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_keeps_valid),
		cmocka_unit_test(test_reload_desired_state),
		cmocka_unit_test(test_reload_all_or_nothing),
		cmocka_unit_test(test_reload_paths),
		cmocka_unit_test(test_generation_ignores_bookkeeping),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_gateway_objects),
		cmocka_unit_test(test_reload_oom_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
