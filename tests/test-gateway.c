/*
 * The Gateway API's spec tables (tests/data/gateway, README.md there):
 * base.yaml and each case's manifests loaded, compiled, and every
 * request: row routed through ingroute_router_route(), its answer
 * written in the row's words and compared with the row.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "cases.h"

#include "ingroute.h"
#include "testutil.h"

/* A request's headers, from the row: NAME:VALUE tokens. */
typedef struct headers {
	char *name[32];
	char *value[32];
	int n;
} headers;

static int header_fn(void *ctx, const char *name, size_t name_len,
                     const char **value, size_t *value_len)
{
	const headers *h = ctx;
	int i;

	for (i = 0; i < h->n; i++)
		if (strlen(h->name[i]) == name_len &&
		    strncasecmp(h->name[i], name, name_len) == 0) {
			*value = h->value[i];
			*value_len = strlen(h->value[i]);
			return 1;
		}
	return 0;
}

/* %20 is a space and %25 a percent sign, in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '%' && s[1] == '2' && (s[2] == '0' || s[2] == '5')) {
			*w++ = s[2] == '0' ? ' ' : '%';
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

typedef struct text {
	char s[8192];
	size_t n;
} text;

static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(t->s + t->n, sizeof(t->s) - t->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->n += (size_t)k < sizeof(t->s) - t->n ? (size_t)k
		                                        : sizeof(t->s) - t->n - 1;
}

/* The answer in the row's words (README.md). */
static void describe(const ingroute_request *req, const ingroute_route *r,
                     text *t)
{
	char buf[8192];
	size_t i, n;

	if (r->status == 404) {
		add(t, "status 404");
		return;
	}
	if (r->status == 500) {
		add(t, "status 500 via %s/%s rule %d", r->route_ns, r->route_name,
		    r->rule_index);
		return;
	}
	if (r->status) {
		n = ingroute_route_location(req, r, buf, sizeof(buf) - 1);
		assert_true(n < sizeof(buf));
		buf[n] = '\0';
		add(t, "redirect %d %s via %s/%s rule %d", r->status, buf,
		    r->route_ns, r->route_name, r->rule_index);
		return;
	}
	add(t, "backend %s/%s:%d via %s/%s rule %d", r->backend_ns, r->service,
	    r->port_number, r->route_ns, r->route_name, r->rule_index);
	for (i = 0; i < r->filters; i++) {
		ingroute_filter f;
		size_t k;

		f.size = sizeof(f);
		assert_int_equal(ingroute_route_filter(r, i, &f), 0);
		switch (f.type) {
		case INGROUTE_FILTER_URL_REWRITE:
			if (f.path_modifier != INGROUTE_PATH_KEEP) {
				n = ingroute_route_upstream_path(req, r, buf,
				                                 sizeof(buf) - 1);
				assert_true(n < sizeof(buf));
				buf[n] = '\0';
				add(t, " path=%s", buf);
			}
			if (f.hostname)
				add(t, " host=%s", f.hostname);
			break;
		case INGROUTE_FILTER_REQUEST_HEADER:
		case INGROUTE_FILTER_RESPONSE_HEADER:
			for (k = 0; k < f.nedits; k++) {
				const ingroute_header_edit *e = &f.edits[k];
				const char *op = e->op == INGROUTE_HEADER_SET ? "set"
					: e->op == INGROUTE_HEADER_ADD ? "add" : "remove";

				add(t, " %s%s=%s%s%s",
				    f.type == INGROUTE_FILTER_RESPONSE_HEADER ? "resp-" : "",
				    op, e->name, e->value ? ":" : "",
				    e->value ? e->value : "");
			}
			break;
		case INGROUTE_FILTER_MIRROR:
			add(t, " mirror=%s/%s:%d", f.mirror_ns, f.mirror_service,
			    f.mirror_port);
			break;
		default:
			break;
		}
	}
	assert_int_equal(ingroute_route_filter(r, r->filters, &(ingroute_filter){
		.size = sizeof(ingroute_filter) }), INGROUTE_ENOENT);
}

/* One row: routes it and returns 1 when the answer is the row's. */
static int run_row(const ingroute_router *router, char *line, int lineno,
                   const char *file)
{
	char *arrow = strstr(line, " => "), *save = NULL, *tok;
	char *words[64], gw_ns[256], gw_name[256], *colon;
	const char *want;
	ingroute_request req = INGROUTE_REQUEST_INIT;
	ingroute_route r;
	headers h;
	text got;
	int n = 0, i;

	assert_non_null(arrow);
	*arrow = '\0';
	want = arrow + 4;
	for (tok = strtok_r(line, " ", &save); tok && n < 64;
	     tok = strtok_r(NULL, " ", &save))
		words[n++] = tok;
	assert_true(n >= 4);
	memset(&h, 0, sizeof(h));
	/* GATEWAY = NS/NAME[:PORT] */
	colon = strchr(words[0], ':');
	if (colon) {
		*colon = '\0';
		req.port = (unsigned int)atoi(colon + 1);
	}
	assert_non_null(strchr(words[0], '/'));
	snprintf(gw_ns, sizeof(gw_ns), "%.*s",
	         (int)(strchr(words[0], '/') - words[0]), words[0]);
	snprintf(gw_name, sizeof(gw_name), "%s", strchr(words[0], '/') + 1);
	req.gateway_ns = gw_ns;
	req.gateway_name = gw_name;
	req.method = words[1];
	req.method_len = strlen(words[1]);
	if (strcmp(words[2], "-") != 0) {
		req.host = words[2];
		req.host_len = strlen(words[2]);
	}
	unescape(words[3]);
	req.path = words[3];
	req.path_len = strlen(words[3]);
	for (i = 4; i < n; i++) {
		if (strncmp(words[i], "random=", 7) == 0) {
			req.random = strtoull(words[i] + 7, NULL, 10);
			continue;
		}
		colon = strchr(words[i], ':');
		assert_non_null(colon);
		assert_true(h.n < 32);
		*colon = '\0';
		unescape(colon + 1);
		h.name[h.n] = words[i];
		h.value[h.n++] = colon + 1;
	}
	req.header = header_fn;
	req.header_ctx = &h;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	assert_int_equal(ingroute_router_route(router, &req, &r), 0);
	memset(&got, 0, sizeof(got));
	describe(&req, &r, &got);
	if (strcmp(got.s, want) != 0) {
		print_error("%s:%d: %s %s %s %s\n  want: %s\n  got:  %s\n", file,
		            lineno, words[0], words[1], words[2], words[3], want,
		            got.s);
		return 0;
	}
	return 1;
}

static void load(ingroute_ruleset *rs, const char *dir, const char *name,
                 ingroute_diags *d)
{
	char path[4096];
	size_t len = 0;
	char *data;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	data = test_read_file(path, &len);
	assert_non_null(data);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, data, len, name, d), 0);
	free(data);
}

static void run_case(void **state)
{
	const tcase *tc = *state;
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs = NULL;
	ingroute_router *router = NULL;
	ingroute_diags *d = NULL;
	char path[4096], *exp, *line, *save = NULL, *controller = NULL;
	char **rows = NULL, **want_diags = NULL;
	int *linenos = NULL, nrows = 0, ndiags = 0, lineno = 0, bad = 0, i;
	size_t elen = 0, k, got_diags = 0;

	snprintf(path, sizeof(path), "%s/%s", tc->dir, tc->expect);
	exp = test_read_file(path, &elen);
	assert_non_null(exp);
	/* strtok_r would skip blank lines and lose the count */
	for (line = exp; line && *line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "options: --controller ", 22) == 0) {
			controller = line + 22;
		} else if (strncmp(line, "request: ", 9) == 0) {
			rows = realloc(rows, (size_t)(nrows + 1) * sizeof(*rows));
			linenos = realloc(linenos, (size_t)(nrows + 1) * sizeof(int));
			rows[nrows] = line + 9;
			linenos[nrows++] = lineno;
		} else if (strncmp(line, "diag: ", 6) == 0) {
			want_diags = realloc(want_diags,
			                     (size_t)(ndiags + 1) * sizeof(char *));
			want_diags[ndiags++] = line + 6;
		} else {
			fail_msg("%s:%d: cannot read line: %s", tc->expect, lineno,
			         line);
		}
	}
	opts.gateway_controller = controller;
	assert_int_equal(ingroute_ruleset_new(&rs, &opts), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	load(rs, tc->dir, "base.yaml", d);
	load(rs, tc->dir, tc->manifest, d);
	assert_int_equal(ingroute_router_compile(&router, rs, d), 0);
	/* errors and warnings: none unless the case lists them */
	for (k = 0; k < ingroute_diags_count(d); k++) {
		ingroute_diag dg;
		char buf[4096];
		int found = 0;

		dg.size = sizeof(dg);
		assert_int_equal(ingroute_diags_get(d, k, &dg), 0);
		if (dg.severity == INGROUTE_NOTE)
			continue;
		got_diags++;
		ingroute_diags_format(d, k, buf, sizeof(buf));
		for (i = 0; i < ndiags; i++)
			found |= strcmp(want_diags[i], buf) == 0;
		if (!found) {
			print_error("%s: unexpected: %s\n", tc->expect, buf);
			bad++;
		}
	}
	if (got_diags != (size_t)ndiags) {
		print_error("%s: %zu diagnostics, want %d\n", tc->expect, got_diags,
		            ndiags);
		bad++;
	}
	for (i = 0; i < nrows; i++)
		bad += !run_row(router, rows[i], linenos[i], tc->expect);
	assert_true(nrows > 0);
	if (bad)
		fail_msg("%s: %d of %d rows or diagnostics differ", tc->expect, bad,
		         nrows);
	ingroute_router_unref(router);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	free(rows);
	free(linenos);
	free(want_diags);
	free(exp);
}

int main(int argc, char **argv)
{
	return run_cases("gateway tables", argc, argv, run_case);
}
