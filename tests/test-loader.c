/*
 * The loader through the public API: options and their versioning,
 * diagnostics objects, class filtering (docs/semantics.md §3), replace and
 * remove by key, limits (docs/semantics.md §1.5), files and directories,
 * and allocation failure at every point of a load.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingroute.h"
#include "testutil.h"

static const char ingress_fmt[] =
	"apiVersion: networking.k8s.io/v1\n"
	"kind: Ingress\n"
	"metadata:\n"
	"  name: %s\n"
	"  namespace: %s\n"
	"%s"
	"spec:\n"
	"%s"
	"  rules:\n"
	"  - host: %s\n"
	"    http:\n"
	"      paths:\n"
	"      - path: /\n"
	"        pathType: Prefix\n"
	"        backend: {service: {name: web, port: {number: 80}}}\n";

/* One Ingress document; extra_meta and extra_spec are indented lines. */
static char *ingress(const char *name, const char *ns, const char *host,
                     const char *extra_meta, const char *extra_spec)
{
	char *s = NULL;
	size_t n = strlen(ingress_fmt) + strlen(name) + strlen(ns) +
	           strlen(host) + strlen(extra_meta) + strlen(extra_spec) + 1;

	s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, ingress_fmt, name, ns, extra_meta, extra_spec, host);
	return s;
}

static int load_str(ingroute_ruleset *rs, const char *text, ingroute_diags *d)
{
	return ingroute_ruleset_load_buffer(rs, text, strlen(text), "t.yaml", d);
}

/* ---- version, status, options */

static void test_version(void **state)
{
	char want[32];

	(void)state;
	assert_int_equal(ingroute_version(), INGROUTE_VERSION_NUMBER);
	snprintf(want, sizeof(want), "%d.%d.%d", INGROUTE_VERSION_MAJOR,
	         INGROUTE_VERSION_MINOR, INGROUTE_VERSION_PATCH);
	assert_string_equal(ingroute_version_string(), want);
}

static void test_strerror(void **state)
{
	int codes[] = { INGROUTE_OK, INGROUTE_EINVAL, INGROUTE_ENOMEM, INGROUTE_EIO,
	                INGROUTE_ESYNTAX, INGROUTE_ELIMIT, INGROUTE_EINVALID,
	                INGROUTE_ENOENT };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_non_null(ingroute_strerror(codes[i]));
		assert_string_not_equal(ingroute_strerror(codes[i]), "unknown error");
		for (j = 0; j < i; j++)
			assert_string_not_equal(ingroute_strerror(codes[i]),
			                        ingroute_strerror(codes[j]));
	}
	assert_string_equal(ingroute_strerror(-1000), "unknown error");
}

static void test_options_init(void **state)
{
	ingroute_options a = INGROUTE_OPTIONS_INIT, b;
	ingroute_ruleset *rs = NULL;

	(void)state;
	/* Macro and function give the same bytes (padding included). */
	memset(&b, 0xa5, sizeof(b));
	assert_int_equal(ingroute_options_init(&b, sizeof(b)), 0);
	memset(&a, 0, sizeof(a));
	{
		ingroute_options m = INGROUTE_OPTIONS_INIT;

		a = m;
	}
	assert_int_equal(a.size, sizeof(ingroute_options));
	assert_int_equal(ingroute_options_size(), sizeof(ingroute_options));
	assert_int_equal(b.size, a.size);
	assert_int_equal(b.flags, a.flags);
	assert_null(b.ingress_class);
	assert_null(b.allocator);
	assert_int_equal(b.max_input_bytes, 0);

	assert_int_equal(ingroute_options_init(NULL, sizeof(b)), INGROUTE_EINVAL);
	assert_int_equal(ingroute_options_init(&b, 4), INGROUTE_EINVAL);

	/* A struct from a newer header (larger) is accepted; its unknown
	 * tail is not read. */
	{
		unsigned char big[sizeof(ingroute_options) + 64];
		ingroute_options *o = (ingroute_options *)(void *)big;

		memset(big, 0xff, sizeof(big));
		assert_int_equal(ingroute_options_init(o, sizeof(big)), 0);
		assert_int_equal(big[sizeof(big) - 1], 0);
		assert_int_equal(ingroute_ruleset_new(&rs, o), 0);
		ingroute_ruleset_free(rs);
	}

	b.size = 8;
	assert_int_equal(ingroute_ruleset_new(&rs, &b), INGROUTE_EINVAL);
	assert_null(rs);
	ingroute_options_init(&b, sizeof(b));
	b.impl_specific = 7;
	assert_int_equal(ingroute_ruleset_new(&rs, &b), INGROUTE_EINVAL);
	ingroute_options_init(&b, sizeof(b));
	b.default_backend = "no-slash:80";
	assert_int_equal(ingroute_ruleset_new(&rs, &b), INGROUTE_EINVAL);
	b.default_backend = "ns/svc";
	assert_int_equal(ingroute_ruleset_new(&rs, &b), INGROUTE_EINVAL);
	b.default_backend = "ns/svc:http";
	assert_int_equal(ingroute_ruleset_new(&rs, &b), 0);
	ingroute_ruleset_free(rs);
	assert_int_equal(ingroute_ruleset_new(NULL, NULL), INGROUTE_EINVAL);
}

/* One option, one refusal: the diagnostic ingroute_options_check()
 * gives, and ingroute_ruleset_new() refusing the same options. */
static void refused(const ingroute_options *o, const char *field,
                    const char *message)
{
	ingroute_diags *d;
	ingroute_ruleset *rs = NULL;
	ingroute_diag dg;

	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_options_check(o, d), INGROUTE_EINVAL);
	assert_int_equal(ingroute_diags_count(d), 1);
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(d, 0, &dg), 0);
	assert_int_equal(dg.severity, INGROUTE_ERROR);
	assert_int_equal(dg.code, INGROUTE_D_OPTION);
	assert_null(dg.file);
	assert_int_equal(dg.line, 0);
	assert_string_equal(dg.field, field);
	if (strncmp(dg.message, message, strlen(message)) != 0)
		fail_msg("%s: message \"%s\", want it to start \"%s\"", field,
		         dg.message, message);
	assert_int_equal(ingroute_ruleset_new(&rs, o), INGROUTE_EINVAL);
	assert_null(rs);
	ingroute_diags_free(d);
}

static void accepted(const ingroute_options *o)
{
	ingroute_ruleset *rs = NULL;

	assert_int_equal(ingroute_options_check(o, NULL), 0);
	assert_int_equal(ingroute_ruleset_new(&rs, o), 0);
	ingroute_ruleset_free(rs);
}

static void test_options_check(void **state)
{
	static const char label[] = "a lowercase RFC 1123 label must consist of";
	static const char dots[] = "must not contain dots";
	ingroute_options o;
	ingroute_allocator half;
	ingroute_diags *d;
	char line[512];
	struct { const char *backend, *message; } backends[] = {
		{ "web:80", "Invalid value: \"web:80\": must be NAMESPACE/SERVICE:PORT (no '/')" },
		{ "shop/web", "Invalid value: \"shop/web\": must be NAMESPACE/SERVICE:PORT (no ':PORT')" },
		{ "/web:80", "Invalid value: \"/web:80\": namespace: " },
		{ "Shop/web:80", "Invalid value: \"Shop/web:80\": namespace: " },
		{ "shop/:80", "Invalid value: \"shop/:80\": service: " },
		{ "shop/Web:80", "Invalid value: \"shop/Web:80\": service: " },
		{ "shop/web.x:80", "Invalid value: \"shop/web.x:80\": service: " },
		{ "shop/web:0", "Invalid value: \"shop/web:0\": port: must be between 1 and 65535, inclusive" },
		{ "shop/web:65536", "Invalid value: \"shop/web:65536\": port: must be between 1 and 65535, inclusive" },
		{ "shop/web:99999999999999999999", "Invalid value: \"shop/web:99999999999999999999\": port: must be between" },
		{ "shop/web:", "Invalid value: \"shop/web:\": port: " },
		{ "shop/web:http_x", "Invalid value: \"shop/web:http_x\": port: must contain only alpha-numeric" },
	};
	size_t i;

	(void)state;
	ingroute_options_init(&o, sizeof(o));
	accepted(&o);
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		o.default_backend = backends[i].backend;
		refused(&o, "default_backend", backends[i].message);
	}
	/* The API server's own messages for the parts. */
	o.default_backend = "Shop/web:80";
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_options_check(&o, d), INGROUTE_EINVAL);
	ingroute_diags_format(d, 0, line, sizeof(line));
	assert_non_null(strstr(line, label));
	assert_int_equal(strncmp(line, "error: default_backend: Invalid value:", 38), 0);
	ingroute_diags_clear(d);
	/* A Service name is a DNS-1123 label (the release's
	 * RelaxedServiceNameValidation): a leading digit is fine, a dot not. */
	o.default_backend = "shop/web.x:80";
	assert_int_equal(ingroute_options_check(&o, d), INGROUTE_EINVAL);
	ingroute_diags_format(d, 0, line, sizeof(line));
	assert_non_null(strstr(line, dots));
	ingroute_diags_free(d);
	o.default_backend = "shop/9web:80";
	accepted(&o);
	o.default_backend = "shop/web:8080";
	accepted(&o);
	o.default_backend = "shop/web:8080-http";
	accepted(&o);
	o.default_backend = "shop/web:http";
	accepted(&o);

	ingroute_options_init(&o, sizeof(o));
	o.impl_specific = 3;
	refused(&o, "impl_specific", "Invalid value: 3: must be 0 (INGROUTE_IMPL_PREFIX)");
	o.impl_specific = -1;
	refused(&o, "impl_specific", "Invalid value: -1:");
	ingroute_options_init(&o, sizeof(o));
	o.flags = INGROUTE_OPT_STRICT | (1u << 9);
	refused(&o, "flags", "Invalid value: 0x201: 0x200 is no flag of this library");
	ingroute_options_init(&o, sizeof(o));
	o.ingress_class = "";
	refused(&o, "ingress_class", "Invalid value: \"\": must not be empty");
	ingroute_options_init(&o, sizeof(o));
	o.default_namespace = "Team_A";
	refused(&o, "default_namespace", "Invalid value: \"Team_A\": a lowercase RFC 1123 label");
	o.default_namespace = "a.b";
	refused(&o, "default_namespace", "Invalid value: \"a.b\": must not contain dots");
	o.default_namespace = "team-a";
	accepted(&o);
	ingroute_options_init(&o, sizeof(o));
	half.malloc_fn = fault_malloc;
	half.realloc_fn = NULL;
	half.free_fn = fault_free;
	half.ctx = NULL;
	o.allocator = &half;
	refused(&o, "allocator", "Invalid value: malloc_fn, realloc_fn and free_fn must all be set");
	ingroute_options_init(&o, sizeof(o));
	o.size = 8;
	refused(&o, "size", "Invalid value: 8: below the first layout");

	/* Every refusal at once, in the order of the struct. */
	ingroute_options_init(&o, sizeof(o));
	o.flags = 1u << 20;
	o.ingress_class = "";
	o.default_namespace = "NS";
	o.impl_specific = 9;
	o.default_backend = "x";
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_options_check(&o, d), INGROUTE_EINVAL);
	assert_int_equal(ingroute_diags_count(d), 5);
	{
		const char *want[] = { "flags", "ingress_class", "default_namespace",
		                       "impl_specific", "default_backend" };
		ingroute_diag dg;

		for (i = 0; i < 5; i++) {
			dg.size = sizeof(dg);
			assert_int_equal(ingroute_diags_get(d, i, &dg), 0);
			assert_string_equal(dg.field, want[i]);
		}
	}
	ingroute_diags_free(d);
	/* Limits are all valid, whatever their value. */
	ingroute_options_init(&o, sizeof(o));
	o.max_input_bytes = 1;
	o.max_nodes = (size_t)-1;
	accepted(&o);
	assert_int_equal(ingroute_options_check(NULL, NULL), INGROUTE_EINVAL);
}

static void test_null_arguments(void **state)
{
	ingroute_ingress_info info;
	ingroute_diag dg;

	(void)state;
	ingroute_ruleset_free(NULL);
	ingroute_diags_free(NULL);
	ingroute_diags_clear(NULL);
	assert_int_equal(ingroute_diags_count(NULL), 0);
	assert_int_equal(ingroute_ruleset_count(NULL), 0);
	assert_int_equal(ingroute_diags_format(NULL, 0, NULL, 0), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(NULL, "", 0, NULL, NULL),
	                 INGROUTE_EINVAL);
	assert_int_equal(ingroute_ruleset_load_path(NULL, "x", NULL), INGROUTE_EINVAL);
	info.size = sizeof(info);
	assert_int_equal(ingroute_ruleset_get(NULL, 0, &info), INGROUTE_EINVAL);
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(NULL, 0, &dg), INGROUTE_EINVAL);
	assert_int_equal(ingroute_diags_new(NULL, NULL), INGROUTE_EINVAL);
}

/* ---- diagnostics */

static void test_diag_fields_and_format(void **state)
{
	static const char text[] =
		"apiVersion: networking.k8s.io/v1\n"
		"kind: Ingress\n"
		"metadata: {name: web, namespace: shop}\n"
		"spec:\n"
		"  rules:\n"
		"  - host: Shop.example.com\n";
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg;
	char small[16], full[1024];
	size_t n;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(load_str(rs, text, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 0);
	assert_int_equal(ingroute_diags_count(d), 1);
	assert_int_equal(ingroute_diags_count_severity(d, INGROUTE_ERROR), 1);
	assert_int_equal(ingroute_diags_count_severity(d, INGROUTE_WARNING), 0);
	assert_int_equal(ingroute_diags_count_severity(d, 9), 0);

	memset(&dg, 0, sizeof(dg));
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(d, 0, &dg), 0);
	assert_int_equal(dg.severity, INGROUTE_ERROR);
	assert_int_equal(dg.code, INGROUTE_D_INVALID);
	assert_string_equal(dg.file, "t.yaml");
	assert_int_equal(dg.line, 6);
	assert_int_equal(dg.column, 11);
	assert_string_equal(dg.kind, "Ingress");
	assert_string_equal(dg.ns, "shop");
	assert_string_equal(dg.name, "web");
	assert_string_equal(dg.field, "spec.rules[0].host");
	assert_true(strncmp(dg.message, "Invalid value: \"Shop.example.com\": a "
	                    "lowercase RFC 1123 subdomain", 50) == 0);
	assert_int_equal(ingroute_diags_get(d, 1, &dg), INGROUTE_ENOENT);
	dg.size = 4;
	assert_int_equal(ingroute_diags_get(d, 0, &dg), INGROUTE_EINVAL);

	/* snprintf semantics: full length returned, output truncated. */
	n = ingroute_diags_format(d, 0, full, sizeof(full));
	assert_int_equal(n, strlen(full));
	assert_true(strncmp(full, "t.yaml:6:11: error: Ingress shop/web: "
	                    "spec.rules[0].host: Invalid value: ", 70) == 0);
	assert_int_equal(ingroute_diags_format(d, 0, small, sizeof(small)), n);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	assert_int_equal(ingroute_diags_format(d, 0, NULL, 0), n);
	/* NULL with a capacity is a size query too, not a write through NULL. */
	assert_int_equal(ingroute_diags_format(d, 0, NULL, 64), n);
	assert_int_equal(ingroute_diags_format(d, 5, full, sizeof(full)), 0);

	ingroute_diags_clear(d);
	assert_int_equal(ingroute_diags_count(d), 0);
	assert_int_equal(ingroute_diags_count_severity(d, INGROUTE_ERROR), 0);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

static void test_max_diagnostics(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg;
	char *text = NULL;
	size_t i, len = 0;

	(void)state;
	/* Ten invalid Ingresses: ten errors, three kept, one note. */
	for (i = 0; i < 10; i++) {
		char doc[256];
		int n = snprintf(doc, sizeof(doc),
		                 "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		                 "metadata: {name: i%zu}\nspec: {}\n", i);

		text = realloc(text, len + (size_t)n + 1);
		memcpy(text + len, doc, (size_t)n + 1);
		len += (size_t)n;
	}
	o.max_diagnostics = 3;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(load_str(rs, text, d), 0);
	assert_int_equal(ingroute_diags_count(d), 4);
	assert_int_equal(ingroute_diags_count_severity(d, INGROUTE_ERROR), 10);
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(d, 3, &dg), 0);
	assert_int_equal(dg.code, INGROUTE_D_TRUNCATED);
	assert_int_equal(dg.severity, INGROUTE_NOTE);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	free(text);
}

/* ---- class filtering, docs/semantics.md §3 */

static void served_is(ingroute_ruleset *rs, const char *name, int served,
                      const char *reason_part)
{
	ingroute_ingress_info in;

	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, "c", name, &in), 0);
	if (in.served != served || !strstr(in.reason, reason_part))
		fail_msg("%s: served=%d (%s), want %d (%s)", name, in.served,
		         in.reason, served, reason_part);
}

static void load_class_set(ingroute_ruleset *rs)
{
	struct { const char *name, *meta, *spec; } v[] = {
		{ "by-field", "", "  ingressClassName: public\n" },
		{ "by-field-other", "", "  ingressClassName: internal\n" },
		{ "by-annotation", "  annotations: {kubernetes.io/ingress.class: public}\n", "" },
		{ "by-annotation-other",
		  "  annotations: {kubernetes.io/ingress.class: internal}\n", "" },
		{ "by-both", "  annotations: {kubernetes.io/ingress.class: public}\n",
		  "  ingressClassName: public\n" },
		{ "classless", "", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *doc = ingress(v[i].name, "c", "a.example.com", v[i].meta, v[i].spec);

		assert_int_equal(load_str(rs, doc, NULL), 0);
		free(doc);
	}
	assert_int_equal(ingroute_ruleset_count(rs), 6);
}

static void test_class_none_configured(void **state)
{
	ingroute_ruleset *rs;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	load_class_set(rs);
	served_is(rs, "by-field-other", 1, "no ingress class is configured");
	served_is(rs, "classless", 1, "no ingress class is configured");
	ingroute_ruleset_free(rs);
}

static void test_class_configured(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ingress_info in;
	ingroute_ruleset *rs;

	(void)state;
	o.ingress_class = "public";
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	load_class_set(rs);
	served_is(rs, "by-field", 1, "spec.ingressClassName is the configured");
	served_is(rs, "by-field-other", 0, "spec.ingressClassName names another");
	served_is(rs, "by-annotation", 1, "annotation is the configured");
	served_is(rs, "by-annotation-other", 0, "annotation names another");
	served_is(rs, "by-both", 1, "spec.ingressClassName is the configured");
	served_is(rs, "classless", 0, "not the default");
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, "c", "by-annotation", &in), 0);
	assert_string_equal(in.ingress_class, "public");
	assert_int_equal(ingroute_ruleset_find(rs, "c", "classless", &in), 0);
	assert_null(in.ingress_class);

	/* An IngressClass marked default, loaded later, changes the answer
	 * for class-less Ingresses only. */
	assert_int_equal(load_str(rs,
		"apiVersion: networking.k8s.io/v1\nkind: IngressClass\n"
		"metadata:\n  name: public\n  annotations:\n"
		"    ingressclass.kubernetes.io/is-default-class: \"true\"\n"
		"spec: {controller: example.com/ingroute}\n", NULL), 0);
	served_is(rs, "classless", 1, "annotated is-default-class");
	served_is(rs, "by-field-other", 0, "names another");
	/* Replacing the class without the annotation takes it back. */
	assert_int_equal(load_str(rs,
		"apiVersion: networking.k8s.io/v1\nkind: IngressClass\n"
		"metadata: {name: public}\n"
		"spec: {controller: example.com/ingroute}\n", NULL), 0);
	served_is(rs, "classless", 0, "not the default");
	ingroute_ruleset_free(rs);

	o.flags = INGROUTE_OPT_DEFAULT_CLASS;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	load_class_set(rs);
	served_is(rs, "classless", 1, "(by option)");
	served_is(rs, "by-field-other", 0, "names another");
	ingroute_ruleset_free(rs);
}

/* ---- replace and remove */

static void paths_of(ingroute_ruleset *rs, const char *ns, const char *name,
                     size_t rules, const char *host_file_hint)
{
	ingroute_ingress_info in;

	(void)host_file_hint;
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, ns, name, &in), 0);
	assert_int_equal(in.rules, rules);
}

static void test_replace_and_remove(void **state)
{
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_ingress_info in;
	ingroute_diag dg;
	char *a = ingress("api", "shop", "a.example.com", "", "");
	char *b = ingress("web", "shop", "b.example.com", "", "");
	char *two = NULL, *bad;
	size_t i, notes = 0;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(load_str(rs, a, d), 0);
	assert_int_equal(load_str(rs, b, d), 0);
	assert_int_equal(ingroute_diags_count(d), 0);

	/* Same key again, now with two rules: replaces, keeps its place. */
	two = malloc(strlen(a) + 200);
	sprintf(two, "%s  - host: c.example.com\n", a);
	assert_int_equal(load_str(rs, two, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 2);
	paths_of(rs, "shop", "api", 2, NULL);
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_get(rs, 0, &in), 0);
	assert_string_equal(in.name, "api");
	for (i = 0; i < ingroute_diags_count(d); i++) {
		dg.size = sizeof(dg);
		ingroute_diags_get(d, i, &dg);
		if (dg.code == INGROUTE_D_REPLACED) {
			notes++;
			assert_string_equal(dg.name, "api");
			assert_non_null(strstr(dg.message, "t.yaml:1:1"));
		}
	}
	assert_int_equal(notes, 1);

	/* An invalid object with the same key never replaces a valid one. */
	bad = ingress("api", "shop", "BAD.example.com", "", "");
	assert_int_equal(load_str(rs, bad, NULL), 0);
	paths_of(rs, "shop", "api", 2, NULL);

	assert_int_equal(ingroute_ruleset_remove(rs, "shop", "api"), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	assert_int_equal(ingroute_ruleset_find(rs, "shop", "api", &in),
	                 INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_remove(rs, "shop", "api"), INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_remove(rs, NULL, "web"), INGROUTE_ENOENT);
	assert_int_equal(ingroute_ruleset_remove(rs, "shop", NULL), INGROUTE_EINVAL);
	/* The index still finds what is left after a removal shifted it. */
	paths_of(rs, "shop", "web", 1, NULL);
	assert_int_equal(ingroute_ruleset_remove(rs, "shop", "web"), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 0);

	free(a);
	free(b);
	free(two);
	free(bad);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

static void test_default_namespace_option(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ingress_info in;
	ingroute_ruleset *rs;

	(void)state;
	o.default_namespace = "team-a";
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	assert_int_equal(load_str(rs,
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		"metadata: {name: web}\n"
		"spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n",
		NULL), 0);
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, NULL, "web", &in), 0);
	assert_string_equal(in.ns, "team-a");
	assert_int_equal(ingroute_ruleset_remove(rs, NULL, "web"), 0);
	ingroute_ruleset_free(rs);
}

/* Many Ingresses: the namespace/name index grows and stays exact. */
static void test_many_ingresses(void **state)
{
	ingroute_ruleset *rs;
	ingroute_ingress_info in;
	char name[32], host[64];
	size_t i;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	for (i = 0; i < 2000; i++) {
		char *doc;

		snprintf(name, sizeof(name), "ing-%zu", i);
		snprintf(host, sizeof(host), "h%zu.example.com", i);
		doc = ingress(name, i % 2 ? "odd" : "even", host, "", "");
		assert_int_equal(load_str(rs, doc, NULL), 0);
		free(doc);
	}
	assert_int_equal(ingroute_ruleset_count(rs), 2000);
	in.size = sizeof(in);
	for (i = 0; i < 2000; i += 97) {
		snprintf(name, sizeof(name), "ing-%zu", i);
		assert_int_equal(ingroute_ruleset_find(rs, i % 2 ? "odd" : "even", name,
		                                       &in), 0);
		assert_int_equal(ingroute_ruleset_find(rs, i % 2 ? "even" : "odd", name,
		                                       &in), INGROUTE_ENOENT);
		assert_int_equal(ingroute_ruleset_get(rs, i, &in), 0);
		assert_string_equal(in.name, name);
	}
	ingroute_ruleset_free(rs);
}

/* ---- limits, docs/semantics.md §1.5: each a clear error, nothing loaded */

static void expect_limit(ingroute_options *o, const char *text, size_t len,
                         const char *msg_part)
{
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg;
	int rc;

	assert_int_equal(ingroute_ruleset_new(&rs, o), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	rc = ingroute_ruleset_load_buffer(rs, text, len, "big.yaml", d);
	assert_int_equal(rc, INGROUTE_ELIMIT);
	assert_int_equal(ingroute_ruleset_count(rs), 0);
	assert_true(ingroute_diags_count(d) >= 1);
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(d, ingroute_diags_count(d) - 1, &dg), 0);
	assert_int_equal(dg.code, INGROUTE_D_LIMIT);
	if (!strstr(dg.message, msg_part))
		fail_msg("limit message \"%s\" lacks \"%s\"", dg.message, msg_part);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

static void test_limits(void **state)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	char *doc = ingress("web", "shop", "a.example.com", "", "");
	char *deep, *big;
	size_t i, n;

	(void)state;
	o.max_input_bytes = 100;
	expect_limit(&o, doc, strlen(doc), "limit of 100 bytes");

	/* Depth: a valid first document, then one nested too deep. */
	ingroute_options_init(&o, sizeof(o));
	o.max_depth = 10;
	n = strlen(doc) + 100;
	deep = malloc(n);
	i = (size_t)snprintf(deep, n, "%s---\n[[[[[[[[[[[[1]]]]]]]]]]]\n", doc);
	expect_limit(&o, deep, i, "10 levels of nesting");

	ingroute_options_init(&o, sizeof(o));
	o.max_nodes = 20;
	expect_limit(&o, doc, strlen(doc), "20 nodes");

	ingroute_options_init(&o, sizeof(o));
	o.max_scalar_bytes = 100;
	big = malloc(400);
	memset(big, 'a', 399);
	big[399] = '\0';
	memcpy(big, "x: ", 3);
	expect_limit(&o, big, strlen(big), "100 bytes in a scalar");

	free(doc);
	free(deep);
	free(big);
}

/* "Billion laughs": nine levels of ten aliases each would be 10^9 nodes.
 * The default limit stops it at once, with no time or memory spent. */
static void test_alias_bomb(void **state)
{
	char text[2048];
	size_t len = 0;
	clock_t t0 = clock();
	int lvl, k;

	(void)state;
	len += (size_t)sprintf(text + len, "a0: &a0 [lol]\n");
	for (lvl = 1; lvl <= 9; lvl++) {
		len += (size_t)sprintf(text + len, "a%d: &a%d [", lvl, lvl);
		for (k = 0; k < 10; k++)
			len += (size_t)sprintf(text + len, "%s*a%d", k ? ", " : "", lvl - 1);
		len += (size_t)sprintf(text + len, "]\n");
	}
	expect_limit(NULL, text, len, "nodes reached through aliases");
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

/* One alias to a large scalar costs its bytes, not one node: decoding
 * copies what every reference reaches. */
static void test_alias_byte_bomb(void **state)
{
	size_t big = 900 * 1024, n = big + 4096, len = 0, i;
	char *text = malloc(n);

	(void)state;
	len += (size_t)sprintf(text, "x: &p /");
	memset(text + len, 'a', big);
	len += big;
	len += (size_t)sprintf(text + len, "\npaths:\n");
	for (i = 0; i < 40; i++)
		len += (size_t)sprintf(text + len, "- *p\n");
	expect_limit(NULL, text, len, "bytes reached through aliases");
	free(text);
}

static void test_aliases_within_limits(void **state)
{
	static const char text[] =
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		"metadata: {name: web}\n"
		"spec:\n"
		"  defaultBackend: &be {service: {name: web, port: {number: 80}}}\n"
		"  rules:\n"
		"  - host: a.example.com\n"
		"    http: &http\n"
		"      paths:\n"
		"      - {path: /, pathType: Prefix, backend: *be}\n"
		"  - host: b.example.com\n"
		"    http: *http\n"
		"  - host: c.example.com\n"
		"    http: *undefined\n";
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_ingress_info in;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	/* An unknown anchor is a syntax error for the whole buffer... */
	assert_int_equal(load_str(rs, text, d), INGROUTE_ESYNTAX);
	assert_int_equal(ingroute_diags_count(d), 1);
	/* ...and without that rule, aliases expand as written. */
	assert_int_equal(ingroute_ruleset_load_buffer(rs, text,
		strstr(text, "  - host: c.") - text, "t.yaml", d), 0);
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_find(rs, "default", "web", &in), 0);
	assert_int_equal(in.rules, 2);
	assert_int_equal(in.paths, 2);
	assert_int_equal(in.has_default_backend, 1);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

/* A node cannot contain itself: the anchor is not defined until its node
 * ends, so a self-reference is an unknown anchor, not a cycle. */
static void test_self_alias(void **state)
{
	static const char text[] = "a: &x [1, *x]\n";
	ingroute_ruleset *rs;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(load_str(rs, text, NULL), INGROUTE_ESYNTAX);
	ingroute_ruleset_free(rs);
}

static void test_bad_bytes(void **state)
{
	static const char nul[] = "apiVersion: v1\nkind: Li\0st\n";
	static const char utf8[] = "apiVersion: v1\nkind: \xff\xfe\n";
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_diag dg;

	(void)state;
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, nul, sizeof(nul) - 1,
	                                              "nul.yaml", d),
	                 INGROUTE_ESYNTAX);
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(d, 0, &dg), 0);
	assert_int_equal(dg.code, INGROUTE_D_SYNTAX);
	assert_int_equal(dg.line, 2);
	assert_int_equal(dg.column, 9);
	ingroute_diags_clear(d);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, utf8, sizeof(utf8) - 1,
	                                              "utf8.yaml", d),
	                 INGROUTE_ESYNTAX);
	assert_int_equal(ingroute_diags_get(d, 0, &dg), 0);
	assert_int_equal(dg.line, 2);
	assert_int_equal(dg.column, 7);
	/* Empty input is no objects, not an error. */
	assert_int_equal(ingroute_ruleset_load_buffer(rs, NULL, 0, NULL, d), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, "", 0, NULL, d), 0);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
}

/* ---- files and directories */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_path(void **state)
{
	char dir[] = "/tmp/ingroute-test-XXXXXX", sub[600], path[600];
	char *a = ingress("a", "ns", "a.example.com", "", "");
	char *b = ingress("b", "ns", "b.example.com", "", "");
	char *c = ingress("c", "ns", "c.example.com", "", "");
	ingroute_ruleset *rs;
	ingroute_diags *d;
	ingroute_ingress_info in;
	ingroute_diag dg;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "2-b.yaml", b);
	write_file(dir, "1-a.yml", a);
	write_file(dir, "3-c.json", c);   /* YAML in a .json file still reads */
	write_file(dir, "0-ignored.txt", "not: [a manifest");
	snprintf(sub, sizeof(sub), "%s/0-sub.yaml", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(sub, "x.yaml", "not: [read");

	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_path(rs, dir, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 3);
	in.size = sizeof(in);
	assert_int_equal(ingroute_ruleset_get(rs, 0, &in), 0);
	assert_string_equal(in.name, "a");
	snprintf(path, sizeof(path), "%s/1-a.yml", dir);
	assert_string_equal(in.file, path);
	assert_int_equal(in.line, 1);
	assert_int_equal(ingroute_ruleset_get(rs, 2, &in), 0);
	assert_string_equal(in.name, "c");

	/* One broken file fails the whole directory; nothing changes. */
	write_file(dir, "4-broken.yaml", "kind: [unclosed\n");
	ingroute_ruleset_free(rs);
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	ingroute_diags_clear(d);
	assert_int_equal(ingroute_ruleset_load_path(rs, dir, d), INGROUTE_ESYNTAX);
	assert_int_equal(ingroute_ruleset_count(rs), 0);

	/* A single file. */
	snprintf(path, sizeof(path), "%s/2-b.yaml", dir);
	assert_int_equal(ingroute_ruleset_load_path(rs, path, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 1);

	/* The largest limit there is reads the file whole (one byte past
	 * it, the reader's test for "too long", would wrap to zero). */
	{
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_ruleset *big;

		o.max_input_bytes = (size_t)-1;
		assert_int_equal(ingroute_ruleset_new(&big, &o), 0);
		assert_int_equal(ingroute_ruleset_load_path(big, path, NULL), 0);
		assert_int_equal(ingroute_ruleset_count(big), 1);
		ingroute_ruleset_free(big);
	}

	/* A missing path is an I/O error naming the file. */
	ingroute_diags_clear(d);
	snprintf(path, sizeof(path), "%s/missing.yaml", dir);
	assert_int_equal(ingroute_ruleset_load_path(rs, path, d), INGROUTE_EIO);
	dg.size = sizeof(dg);
	assert_int_equal(ingroute_diags_get(d, 0, &dg), 0);
	assert_int_equal(dg.code, INGROUTE_D_IO);
	assert_string_equal(dg.file, path);
	assert_non_null(strstr(dg.message, strerror(ENOENT)));

	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	free(a);
	free(b);
	free(c);
}

/* ---- allocation failure at every point */

static void test_oom_everywhere(void **state)
{
	char *text;
	size_t len = 0, n, failed = 0;
	int done = 0;

	(void)state;
	text = test_read_file(TEST_DATA "/load/kubectl-get-ingress-all.yaml", &len);
	assert_non_null(text);
	for (n = 1; !done && n < 100000; n++) {
		test_alloc fa;
		ingroute_allocator a;
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_ruleset *rs = NULL;
		ingroute_diags *d = NULL;
		int rc;

		test_alloc_init(&fa, &a, n);
		o.allocator = &a;
		rc = ingroute_diags_new(&d, &a);
		if (rc == 0)
			rc = ingroute_ruleset_new(&rs, &o);
		if (rc == 0) {
			/* A first load that may fail, then a replacing second. */
			rc = ingroute_ruleset_load_buffer(rs, text, len, "k.yaml", d);
			if (rc == 0)
				rc = ingroute_ruleset_load_buffer(rs, text, len, "k.yaml", d);
			if (rc == 0)
				assert_int_equal(ingroute_ruleset_count(rs), 5);
			else
				/* Nothing half-loaded: either the first load or none. */
				assert_true(ingroute_ruleset_count(rs) == 0 ||
				            ingroute_ruleset_count(rs) == 5);
		}
		if (rc != 0) {
			assert_int_equal(rc, INGROUTE_ENOMEM);
			assert_true(fa.failed);
			failed++;
		} else {
			done = !fa.failed;
		}
		ingroute_ruleset_free(rs);
		ingroute_diags_free(d);
		assert_int_equal(fa.live, 0);
	}
	assert_true(done);
	assert_true(failed > 50);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_options_init),
		cmocka_unit_test(test_options_check),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_diag_fields_and_format),
		cmocka_unit_test(test_max_diagnostics),
		cmocka_unit_test(test_class_none_configured),
		cmocka_unit_test(test_class_configured),
		cmocka_unit_test(test_replace_and_remove),
		cmocka_unit_test(test_default_namespace_option),
		cmocka_unit_test(test_many_ingresses),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_alias_byte_bomb),
		cmocka_unit_test(test_aliases_within_limits),
		cmocka_unit_test(test_self_alias),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_load_path),
		cmocka_unit_test(test_oom_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
