/*
 * fuzz-load: bytes -> the loader -> compile -> dump, explain, match, tls.
 *
 * The first FUZZ_LOAD_HEADER bytes choose the options; the rest is the
 * manifest text:
 *
 *   byte 0  flags: 1 strict, 2 default class, 4 no normalise,
 *           8 fall-through, 0x30 impl mode (>> 4, mod 3),
 *           0x40 ingress_class "public", 0x80 default_backend option
 *   byte 1  feeding: 0x03 0 whole buffer, 1 one buffer per "---" document
 *           marker, 2 three buffers cut at bytes 2 and 3, 3 buffers of
 *           byte 2 % 61 + 1 bytes each (at most 64 buffers);
 *           0x04 default_namespace "dflt";
 *           0x08 load the whole text a second time (replacement);
 *           0x10 remove default/web and a/b afterwards;
 *           0x20 fail one allocation (byte 5; diags included)
 *   byte 2, 3  cut points (data length * b / 256) for feeding 2
 *   byte 4  limits: 0 the defaults; else 0x03 max_depth 8/16/32,
 *           0x0c max_nodes 64/256/1024, 0x30 max_alias_nodes and
 *           max_alias_bytes small, 0x40 max_scalar_bytes 64,
 *           0x80 max_input_bytes 4096 and max_diagnostics 3
 *   byte 5  which allocation fails (with byte 1 & 0x20): number
 *           1 + (b & 0x3f) * 4^(b >> 6), so from the first to the 4033rd
 *
 * Properties checked besides the sanitizers: a failed load leaves the
 * ruleset as it was (count and order); strict loads that succeed reported
 * no error; every diagnostic formats; dump and explain are valid JSON
 * (UTF-8 included); explain's decision is match's; with a failing
 * allocator every failure is INGROUTE_ENOMEM and nothing stays allocated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingroute.h"
#include "fuzzutil.h"
#include "testutil.h"   /* the failing allocator of the tests */

#define FUZZ_LOAD_HEADER 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct state {
	ingroute_ruleset *rs;
	ingroute_diags *d;
	int strict;
	int fault;        /* allocations may fail */
} state;

static void check_infos(const ingroute_ruleset *rs)
{
	size_t i, n = ingroute_ruleset_count(rs);
	ingroute_ingress_info in;

	for (i = 0; i < n; i++) {
		in.size = sizeof(in);
		FUZZ_CHECK(ingroute_ruleset_get(rs, i, &in) == 0, "get %zu of %zu", i, n);
		FUZZ_CHECK(in.ns && in.name && in.reason, "info %zu: NULL strings", i);
		FUZZ_CHECK(in.served == INGROUTE_SERVED || in.served == INGROUTE_NOT_SERVED,
		           "served %d", in.served);
	}
	in.size = sizeof(in);
	FUZZ_CHECK(ingroute_ruleset_get(rs, n, &in) == INGROUTE_ENOENT, "get past end");
}

/* Names of the objects in order, to prove a failed load changed nothing. */
static char *snapshot(const ingroute_ruleset *rs)
{
	size_t i, n = ingroute_ruleset_count(rs), len = 0, cap = 64;
	char *s = malloc(cap);
	ingroute_ingress_info in;

	s[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t need;

		in.size = sizeof(in);
		if (ingroute_ruleset_get(rs, i, &in) != 0)
			abort();
		need = strlen(in.ns) + strlen(in.name) + 64;
		if (len + need >= cap) {
			cap = (cap + need) * 2;
			s = realloc(s, cap);
		}
		len += (size_t)snprintf(s + len, cap - len, "%s/%s:%zu:%zu:%zu:%d;",
		                        in.ns, in.name, in.rules, in.paths, in.tls,
		                        in.served);
	}
	return s;
}

static void load(state *st, const char *p, size_t n)
{
	size_t errs = ingroute_diags_count_severity(st->d, INGROUTE_ERROR);
	char *before = snapshot(st->rs);
	int rc = ingroute_ruleset_load_buffer(st->rs, p, n, "fuzz.yaml", st->d);

	FUZZ_CHECK(rc == 0 || rc == INGROUTE_ESYNTAX || rc == INGROUTE_ELIMIT ||
	           rc == INGROUTE_EINVALID || rc == INGROUTE_ENOMEM,
	           "load returned %d", rc);
	FUZZ_CHECK(rc != INGROUTE_ENOMEM || st->fault, "ENOMEM without a failing allocator");
	FUZZ_CHECK(rc != INGROUTE_EINVALID || st->strict, "EINVALID without strict");
	if (rc != 0) {
		char *after = snapshot(st->rs);

		FUZZ_CHECK(strcmp(before, after) == 0,
		           "a failed load (%d) changed the ruleset:\nbefore %s\nafter  %s",
		           rc, before, after);
		free(after);
	} else if (st->strict && !st->fault) {
		FUZZ_CHECK(ingroute_diags_count_severity(st->d, INGROUTE_ERROR) == errs,
		           "a strict load succeeded with errors");
	}
	free(before);
	check_infos(st->rs);
}

/* Formatting allocates: with a failing allocator it may give 0. */
static void check_diags(const ingroute_diags *d, int fault)
{
	size_t i, n = ingroute_diags_count(d);
	char line[512];

	for (i = 0; i < n; i++) {
		ingroute_diag dg;
		size_t len;

		dg.size = sizeof(dg);
		FUZZ_CHECK(ingroute_diags_get(d, i, &dg) == 0, "diag %zu", i);
		FUZZ_CHECK(dg.message != NULL, "diag %zu without a message", i);
		FUZZ_CHECK(dg.severity >= INGROUTE_NOTE && dg.severity <= INGROUTE_ERROR,
		           "severity %d", dg.severity);
		/* every code but INGROUTE_D_OPTION, which no load gives */
		FUZZ_CHECK((dg.code >= INGROUTE_D_SYNTAX && dg.code <= INGROUTE_D_KEPT) ||
		           (dg.code >= INGROUTE_D_UNSERVED &&
		            dg.code <= INGROUTE_D_NOT_APPLIED), "code %d", dg.code);
		len = ingroute_diags_format(d, i, line, sizeof(line));
		if (fault && len == 0)
			continue;
		FUZZ_CHECK(len > 0, "diag %zu formats empty", i);
		FUZZ_CHECK(strlen(line) == (len < sizeof(line) ? len : sizeof(line) - 1),
		           "format length %zu vs %zu", len, strlen(line));
		FUZZ_CHECK(ingroute_diags_format(d, i, NULL, 0) == len || fault,
		           "format(NULL, 0)");
	}
	FUZZ_CHECK(ingroute_diags_format(d, n, line, sizeof(line)) == 0, "format past end");
}

static const char *const requests[][2] = {
	{ "shop.example.com", "/cart/x" },
	{ "A.Example.COM:8080", "/a/../b/./c//d?x=1" },
	{ "", "/" },
	{ "web", "" },
	{ "x.a.b", "/%7Efoo/%2F/" },
};

static void exercise_router(const ingroute_router *r, int fault)
{
	char *j = NULL;
	size_t jl = 0, i;
	int rc;

	rc = ingroute_router_dump(r, &j, &jl);
	FUZZ_CHECK(rc == 0 || (fault && rc == INGROUTE_ENOMEM), "dump %d", rc);
	if (rc == 0)
		FUZZ_CHECK(fz_json_ok(j, jl), "dump is not JSON:\n%s", j);
	ingroute_free(j);
	for (i = 0; i < sizeof(requests) / sizeof(*requests); i++) {
		const char *h = requests[i][0], *p = requests[i][1];
		ingroute_match m;
		ingroute_tls_match t;

		m.size = sizeof(m);
		FUZZ_CHECK(ingroute_router_match(r, h, strlen(h), p, strlen(p), &m) == 0,
		           "match");
		FUZZ_CHECK(m.decision != INGROUTE_DECISION_PATH ||
		           (m.rule_host && m.rule_path && m.ingress_ns), "match fields");
		FUZZ_CHECK(m.decision == INGROUTE_DECISION_NONE ||
		           m.backend_kind != INGROUTE_BACKEND_NONE, "a decision without backend");
		t.size = sizeof(t);
		FUZZ_CHECK(ingroute_router_tls(r, h, strlen(h), &t) == 0, "tls");
		FUZZ_CHECK(!t.found || (t.secret_ns && t.secret_name && t.tls_host), "tls fields");
		j = NULL;
		rc = ingroute_router_explain(r, h, strlen(h), p, strlen(p), &j, &jl);
		FUZZ_CHECK(rc == 0 || (fault && rc == INGROUTE_ENOMEM), "explain %d", rc);
		if (rc == 0) {
			FUZZ_CHECK(fz_json_ok(j, jl), "explain is not JSON:\n%s", j);
			FUZZ_CHECK(fz_explain_says(j, m.decision), "explain says otherwise "
			           "than match (%s):\n%s", fz_decision_name(m.decision), j);
		}
		ingroute_free(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_allocator a;
	test_alloc fa;
	uint8_t h[FUZZ_LOAD_HEADER];
	const char *text;
	size_t n, i;
	ingroute_router *r = NULL;
	state st;
	int rc;

	if (size < FUZZ_LOAD_HEADER)
		return 0;
	memcpy(h, data, sizeof(h));
	text = (const char *)data + FUZZ_LOAD_HEADER;
	n = size - FUZZ_LOAD_HEADER;

	o.flags = h[0] & 0x0f;
	o.impl_specific = ((h[0] >> 4) & 3) % 3;
	if (h[0] & 0x40)
		o.ingress_class = "public";
	if (h[0] & 0x80)
		o.default_backend = "opt/fallback:9090";
	if (h[1] & 0x04)
		o.default_namespace = "dflt";
	if (h[4]) {
		if (h[4] & 0x03)
			o.max_depth = (size_t)4 << (h[4] & 0x03);
		if (h[4] & 0x0c)
			o.max_nodes = (size_t)16 << (2 * ((h[4] >> 2) & 3));
		if (h[4] & 0x30) {
			o.max_alias_nodes = (size_t)4 << (2 * ((h[4] >> 4) & 3));
			o.max_alias_bytes = (size_t)64 << (2 * ((h[4] >> 4) & 3));
		}
		if (h[4] & 0x40)
			o.max_scalar_bytes = 64;
		if (h[4] & 0x80) {
			o.max_input_bytes = 4096;
			o.max_diagnostics = 3;
		}
	}
	memset(&st, 0, sizeof(st));
	st.strict = (o.flags & INGROUTE_OPT_STRICT) != 0;
	st.fault = (h[1] & 0x20) != 0;
	test_alloc_init(&fa, &a, st.fault ? 1 + (size_t)(h[5] & 0x3f) *
	                                  ((size_t)1 << (2 * (h[5] >> 6))) : 0);
	o.allocator = &a;

	if (ingroute_ruleset_new(&st.rs, &o) != 0) {
		FUZZ_CHECK(st.fault && fa.live == 0, "ruleset_new failed");
		return 0;
	}
	if (ingroute_diags_new(&st.d, &a) != 0) {
		FUZZ_CHECK(st.fault, "diags_new failed");
		ingroute_ruleset_free(st.rs);
		FUZZ_CHECK(fa.live == 0, "%ld blocks leaked", fa.live);
		return 0;
	}

	switch (h[1] & 0x03) {
	case 0:
		load(&st, text, n);
		break;
	case 1: {
		/* One buffer per document: cut before every "---" at a line start. */
		size_t start = 0;

		for (i = 1; i + 3 <= n; i++)
			if (text[i - 1] == '\n' && memcmp(text + i, "---", 3) == 0) {
				load(&st, text + start, i - start);
				start = i;
			}
		load(&st, text + start, n - start);
		break;
	}
	case 2: {
		size_t c1 = n * h[2] / 256, c2 = n * h[3] / 256, t;

		if (c1 > c2)
			t = c1, c1 = c2, c2 = t;
		load(&st, text, c1);
		load(&st, text + c1, c2 - c1);
		load(&st, text + c2, n - c2);
		break;
	}
	default: {
		size_t step = (size_t)h[2] % 61 + 1;

		if (step < n / 64)
			step = n / 64;   /* at most 64 loads */

		for (i = 0; i < n; i += step)
			load(&st, text + i, n - i < step ? n - i : step);
		if (n == 0)
			load(&st, text, 0);
		break;
	}
	}
	if (h[1] & 0x08)
		load(&st, text, n);
	if (h[1] & 0x10) {
		size_t before = ingroute_ruleset_count(st.rs);

		rc = ingroute_ruleset_remove(st.rs, NULL, "web");
		FUZZ_CHECK(rc == 0 || rc == INGROUTE_ENOENT, "remove %d", rc);
		FUZZ_CHECK(ingroute_ruleset_count(st.rs) == before - (rc == 0), "count after remove");
		rc = ingroute_ruleset_remove(st.rs, "a", "b");
		FUZZ_CHECK(rc == 0 || rc == INGROUTE_ENOENT, "remove %d", rc);
		check_infos(st.rs);
	}
	check_diags(st.d, st.fault);

	rc = ingroute_router_compile(&r, st.rs, st.d);
	FUZZ_CHECK(rc == 0 || (st.fault && rc == INGROUTE_ENOMEM), "compile %d", rc);
	FUZZ_CHECK((rc == 0) == (r != NULL), "compile: out vs status");
	if (r) {
		exercise_router(r, st.fault);
		ingroute_router_unref(r);
	}
	check_diags(st.d, st.fault);
	ingroute_diags_free(st.d);
	ingroute_ruleset_free(st.rs);
	FUZZ_CHECK(fa.live == 0, "%ld blocks leaked through the allocator", fa.live);
	return 0;
}
