/*
 * Lists read item by item (docs/semantics.md §1.5): an item that names its
 * own kind and apiVersion is decoded as soon as it ends and its tree freed,
 * what it produced held until the document shows it is a List. Whatever
 * is taken early, the result must be the one of reading the document
 * whole: the same objects, the same diagnostics in the same order, the
 * same counts past max_diagnostics. The reference is the same text with
 * an anchor on "items", which keeps every item in the tree.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingroute.h"
#include "testutil.h"

/* A growing string. */
typedef struct text {
	char *s;
	size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* Item i of the mixed List, two-space indented under "- ". Every kind of
 * outcome, some items naming their kind and apiVersion (taken early) and
 * some leaving the apiVersion to the List (kept in the tree). */
static void mixed_item(text *t, int i)
{
	/* The first line of an Ingress item. */
	const char *head = i % 5 == 4 ? "kind: Ingress\n"
	                              : "apiVersion: networking.k8s.io/v1\n  kind: Ingress\n";

	switch (i % 7) {
	case 0: /* valid */
	case 6:
		add(t, "- %s  metadata: {name: ok-%d, namespace: ns}\n"
		       "  spec:\n    rules:\n    - host: h%d.example.com\n      http:\n"
		       "        paths:\n        - {path: /, pathType: Prefix, backend: "
		       "{service: {name: s%d, port: {number: 80}}}}\n",
		    head, i, i, i);
		break;
	case 1: /* invalid: no backend in a path, a bad host */
		add(t, "- %s  metadata: {name: bad-%d, namespace: ns}\n"
		       "  spec:\n    rules:\n    - host: -x-%d\n      http:\n"
		       "        paths:\n        - {path: nope, pathType: Prefix}\n",
		    head, i, i);
		break;
	case 2: /* a decoding error: a port number as a string */
		add(t, "- %s  metadata: {name: type-%d, namespace: ns}\n"
		       "  spec:\n    defaultBackend: {service: {name: d, port: {number: \"80\"}}}\n",
		    head, i);
		break;
	case 3: /* another kind: a note */
		add(t, "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cm-%d}\n", i);
		break;
	case 4: /* an IngressClass, apiVersion left to the List */
		add(t, "- kind: IngressClass\n  metadata: {name: class-%d}\n"
		       "  spec: {controller: example.com/c}\n", i);
		break;
	case 5: /* a List in the List, and a null item */
		add(t, "- apiVersion: v1\n  kind: List\n  items:\n"
		       "  - apiVersion: networking.k8s.io/v1\n    kind: Ingress\n"
		       "    metadata: {name: inner-%d, namespace: ns}\n"
		       "    spec: {defaultBackend: {service: {name: i, port: {name: http}}}}\n"
		       "  - apiVersion: networking.k8s.io/v1\n    kind: Ingress\n"
		       "    metadata: {name: INNER-%d}\n    spec: {}\n"
		       "- null\n", i, i);
		break;
	}
}

/* kubectl's layout: items first, the List's kind last. */
static char *mixed_list(int n, int anchored)
{
	text t = { NULL, 0, 0 };
	int i;

	add(&t, "apiVersion: networking.k8s.io/v1\nitems:%s\n", anchored ? " &all" : "");
	/* First, three decoding errors in one item: held diagnostics that
	 * overflow a small max_diagnostics by themselves. */
	add(&t, "- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n"
	       "  metadata: {name: first, namespace: ns}\n  spec:\n"
	       "    defaultBackend: {service: {name: d, port: {number: \"80\"}}}\n"
	       "    rules: 5\n    tls: x\n");
	for (i = 0; i < n; i++)
		mixed_item(&t, i);
	add(&t, "kind: List\nmetadata: {resourceVersion: \"\"}\n");
	return t.s;
}

typedef struct result {
	int rc;
	size_t count;
	size_t counts[3];
	char *diags;      /* every kept diagnostic, formatted, a line each */
	char *dump;       /* the compiled router, or "" */
} result;

static result load(const char *s, size_t max_diags, size_t max_nodes,
                   int keep_diags)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_diags *d = NULL;
	ingroute_router *r;
	text t = { NULL, 0, 0 };
	result res;
	size_t i;
	int sev;

	o.max_diagnostics = max_diags;
	o.max_nodes = max_nodes;
	assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
	if (keep_diags)
		assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	memset(&res, 0, sizeof(res));
	res.rc = ingroute_ruleset_load_buffer(rs, s, strlen(s), "l.yaml", d);
	res.count = ingroute_ruleset_count(rs);
	add(&t, "%s", "");
	for (i = 0; i < ingroute_diags_count(d); i++) {
		char line[1024];

		ingroute_diags_format(d, i, line, sizeof(line));
		add(&t, "%s\n", line);
	}
	for (sev = INGROUTE_NOTE; sev <= INGROUTE_ERROR; sev++)
		res.counts[sev] = ingroute_diags_count_severity(d, sev);
	res.diags = t.s;
	res.dump = NULL;
	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	assert_int_equal(ingroute_router_dump(r, &res.dump, NULL), 0);
	ingroute_router_unref(r);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	return res;
}

static void result_free(result *r)
{
	free(r->diags);
	ingroute_free(r->dump);
}

static void same(const result *a, const result *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->counts[0], b->counts[0]);
	assert_int_equal(a->counts[1], b->counts[1]);
	assert_int_equal(a->counts[2], b->counts[2]);
	assert_string_equal(a->diags, b->diags);
	assert_string_equal(a->dump, b->dump);
}

static void test_same_as_whole(void **state)
{
	char *taken = mixed_list(70, 0), *whole = mixed_list(70, 1);
	result a, b;

	(void)state;
	a = load(taken, 0, 0, 1);
	b = load(whole, 0, 0, 1);
	same(&a, &b);
	/* The mix did what it is for: objects, errors, warnings and notes. */
	assert_int_equal(a.rc, 0);
	assert_int_equal(a.count, 30); /* ok-* and inner-*: Ingresses only */
	assert_true(a.counts[INGROUTE_ERROR] >= 20);
	assert_true(a.counts[INGROUTE_NOTE] >= 10);
	assert_non_null(strstr(a.diags, "l.yaml:"));
	assert_non_null(strstr(a.diags, "Ingress ns/bad-1: spec.rules[0].host"));
	assert_non_null(strstr(a.diags, "Ingress ns/type-2:"));
	assert_non_null(strstr(a.diags, "ConfigMap cm-3: skipped"));
	result_free(&a);
	result_free(&b);
	free(taken);
	free(whole);
}

/* Past max_diagnostics both count the same and keep the same: the held
 * diagnostics of an item only ever fill what the caller's list has room
 * for. Without a list, the errors still count (strict mode needs them). */
static void test_same_past_max_diagnostics(void **state)
{
	char *taken = mixed_list(70, 0), *whole = mixed_list(70, 1);
	size_t maxes[] = { 1, 2, 3, 7, 40 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		result a = load(taken, maxes[i], 0, 1), b = load(whole, maxes[i], 0, 1);

		same(&a, &b);
		assert_non_null(strstr(a.diags, "too many diagnostics"));
		result_free(&a);
		result_free(&b);
	}
	{
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_ruleset *rs;

		o.flags = INGROUTE_OPT_STRICT;
		assert_int_equal(ingroute_ruleset_new(&rs, &o), 0);
		assert_int_equal(ingroute_ruleset_load_buffer(rs, taken, strlen(taken),
		                                              "l.yaml", NULL),
		                 INGROUTE_EINVALID);
		assert_int_equal(ingroute_ruleset_count(rs), 0);
		ingroute_ruleset_free(rs);
	}
	free(taken);
	free(whole);
}

static char *uniform_list(int n, int paths, const char *items_props,
                          int kinds)
{
	text t = { NULL, 0, 0 };
	int i, j;

	add(&t, "apiVersion: networking.k8s.io/v1\nkind: IngressList\nitems:%s\n",
	    items_props);
	for (i = 0; i < n; i++) {
		add(&t, "- %smetadata: {name: i%d, namespace: ns}\n  spec:\n    rules:\n"
		       "    - host: h%d.example.com\n      http:\n        paths:\n",
		    kinds ? "apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  " : "",
		    i, i);
		for (j = 0; j < (i == n / 2 ? paths * 10 : paths); j++)
			add(&t, "        - {path: /p%d, pathType: Prefix, backend: {service: "
			       "{name: s, port: {number: 80}}}}\n", j);
	}
	return t.s;
}

/* The node limit bounds what is held at once: 300 items of about 100
 * nodes load under a limit of 2,000, which the whole tree would pass
 * 15 times over; one item over the limit still stops the load at it. */
static void test_node_limit_per_item(void **state)
{
	char *taken = uniform_list(300, 5, "", 1);
	char *kept = uniform_list(300, 5, "", 0);
	char *anchored = uniform_list(300, 5, " &all", 1);
	char *big = uniform_list(300, 40, "", 1);
	result r;

	(void)state;
	r = load(taken, 0, 2000, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 300);
	assert_string_equal(r.diags, "");
	result_free(&r);
	/* Items that leave their kind to the List are kept in the tree. */
	r = load(kept, 0, 2000, 1);
	assert_int_equal(r.rc, INGROUTE_ELIMIT);
	assert_non_null(strstr(r.diags, "limit of 2000 nodes"));
	assert_int_equal(r.count, 0);
	result_free(&r);
	r = load(kept, 0, 0, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 300);
	result_free(&r);
	r = load(anchored, 0, 2000, 1);
	assert_int_equal(r.rc, INGROUTE_ELIMIT);
	result_free(&r);
	/* Item 150 has 400 paths, about 6,400 nodes. */
	r = load(big, 0, 2000, 1);
	assert_int_equal(r.rc, INGROUTE_ELIMIT);
	assert_non_null(strstr(r.diags, "limit of 2000 nodes"));
	assert_int_equal(r.count, 0);
	result_free(&r);
	free(taken);
	free(kept);
	free(anchored);
	free(big);
}

/* A document with "items" that turns out to be no List: its items are
 * not objects, and nothing they would have reported is. */
static void test_items_of_no_list(void **state)
{
	static const char ingress_with_items[] =
		"apiVersion: networking.k8s.io/v1\n"
		"items:\n"
		"- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a},"
		" spec: {}}\n"
		"- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: b},"
		" spec: {defaultBackend: {service: {name: b, port: {number: 80}}}}}\n"
		"kind: Ingress\n"
		"metadata: {name: root, namespace: ns}\n"
		"spec: {defaultBackend: {service: {name: root, port: {number: 80}}}}\n";
	static const char no_kind[] =
		"items:\n"
		"- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a},"
		" spec: {}}\n"
		"metadata: {name: x}\n";
	/* A merge key overrides the kind written before it. */
	static const char merged_kind[] =
		"kind: List\n"
		"items:\n"
		"- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: a},"
		" spec: {defaultBackend: {service: {name: a, port: {number: 80}}}}}\n"
		"<<: {kind: ConfigMap}\n";
	result r;

	(void)state;
	r = load(ingress_with_items, 0, 0, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 1);
	assert_null(strstr(r.diags, "Ingress default/a"));
	assert_non_null(strstr(r.dump, "\"root\""));
	assert_null(strstr(r.dump, "\"b\""));
	result_free(&r);
	r = load(no_kind, 0, 0, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 0);
	assert_string_equal(r.diags, "l.yaml:1:1: error: Object 'Kind' is missing\n");
	result_free(&r);
	r = load(merged_kind, 0, 0, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 0);
	assert_non_null(strstr(r.diags, "ConfigMap: skipped"));
	result_free(&r);
}

/* Anchors and aliases across items: an item that defines an anchor stays
 * in the tree for the later ones that use it; an anchored "items" can be
 * merged elsewhere, so it keeps its items too. */
static void test_anchors_across_items(void **state)
{
	static const char across[] =
		"apiVersion: v1\n"
		"items:\n"
		"- apiVersion: networking.k8s.io/v1\n"
		"  kind: Ingress\n"
		"  metadata: {name: a, namespace: ns}\n"
		"  spec: &spec {defaultBackend: {service: {name: shared, port: {number: 80}}}}\n"
		"- apiVersion: networking.k8s.io/v1\n"
		"  kind: Ingress\n"
		"  metadata: {name: b, namespace: ns}\n"
		"  spec: *spec\n"
		"- apiVersion: networking.k8s.io/v1\n"
		"  kind: Ingress\n"
		"  metadata: {name: c, namespace: ns}\n"
		"  spec: *spec\n"
		"kind: List\n";
	static const char merged[] =
		"apiVersion: v1\n"
		"items: &all\n"
		"- apiVersion: networking.k8s.io/v1\n"
		"  kind: Ingress\n"
		"  metadata: {name: a, namespace: ns}\n"
		"  spec: {defaultBackend: {service: {name: a, port: {number: 80}}}}\n"
		"kind: List\n"
		"extra: {<<: *all}\n";
	result r;

	(void)state;
	r = load(across, 0, 0, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 3);
	/* Three Ingresses with one default backend: two conflicts. */
	assert_non_null(strstr(r.dump, "\"shared\""));
	result_free(&r);
	r = load(merged, 0, 0, 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.diags, "");
	result_free(&r);
}

/* Allocation failure at every point of a List load with every kind of
 * held result: nothing leaks, the ruleset is untouched or fully loaded. */
static void test_oom_everywhere(void **state)
{
	char *s = mixed_list(14, 0);
	size_t n, failed = 0, want = 0;
	int done = 0;

	(void)state;
	{
		result r = load(s, 0, 0, 1);

		want = r.count;
		result_free(&r);
	}
	for (n = 1; !done && n < 100000; n++) {
		test_alloc fa;
		ingroute_allocator a;
		ingroute_options o = INGROUTE_OPTIONS_INIT;
		ingroute_ruleset *rs = NULL;
		ingroute_diags *d = NULL;
		int rc;

		test_alloc_init(&fa, &a, n);
		o.allocator = &a;
		o.max_diagnostics = 5;
		rc = ingroute_diags_new(&d, &a);
		if (rc == 0)
			rc = ingroute_ruleset_new(&rs, &o);
		if (rc == 0)
			rc = ingroute_ruleset_load_buffer(rs, s, strlen(s), "l.yaml", d);
		if (rc == 0) {
			assert_int_equal(ingroute_ruleset_count(rs), want);
			done = !fa.failed;
		} else {
			assert_int_equal(rc, INGROUTE_ENOMEM);
			assert_true(fa.failed);
			assert_int_equal(ingroute_ruleset_count(rs), 0);
			failed++;
		}
		ingroute_ruleset_free(rs);
		ingroute_diags_free(d);
		assert_int_equal(fa.live, 0);
	}
	assert_true(done);
	assert_true(failed > 50);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_whole),
		cmocka_unit_test(test_same_past_max_diagnostics),
		cmocka_unit_test(test_node_limit_per_item),
		cmocka_unit_test(test_items_of_no_list),
		cmocka_unit_test(test_anchors_across_items),
		cmocka_unit_test(test_oom_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
