/*
 * The routing spec tables of tests/data/route (format in its README): one
 * cmocka test per case. Every row is answered twice, by the compiled
 * router and by the reference matcher, and both must say what the table
 * says.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cases.h"

#include "ingroute.h"
#include "reference.h"
#include "routefmt.h"
#include "testutil.h"


static void apply_options(ingroute_options *opts, ref_options *ro, char *words)
{
	char *save = NULL, *w;

	for (w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "--class") == 0) {
			opts->ingress_class = strtok_r(NULL, " \t", &save);
		} else if (strcmp(w, "--default-class") == 0) {
			opts->flags |= INGROUTE_OPT_DEFAULT_CLASS;
		} else if (strcmp(w, "--impl-specific") == 0) {
			const char *m = strtok_r(NULL, " \t", &save);

			assert_non_null(m);
			opts->impl_specific = strcmp(m, "exact") == 0 ? INGROUTE_IMPL_EXACT
				: strcmp(m, "string-prefix") == 0 ? INGROUTE_IMPL_STRING_PREFIX
				: INGROUTE_IMPL_PREFIX;
		} else if (strcmp(w, "--fallthrough") == 0) {
			opts->flags |= INGROUTE_OPT_FALLTHROUGH;
		} else if (strcmp(w, "--no-normalize") == 0) {
			opts->flags |= INGROUTE_OPT_NO_NORMALIZE;
		} else if (strcmp(w, "--default-backend") == 0) {
			opts->default_backend = strtok_r(NULL, " \t", &save);
		} else if (strcmp(w, "--namespace") == 0) {
			opts->default_namespace = strtok_r(NULL, " \t", &save);
		} else {
			fail_msg("unknown option %s", w);
		}
	}
	ro->flags = opts->flags;
	ro->impl = opts->impl_specific;
	ro->default_backend = opts->default_backend;
}

static size_t unhost(const char *s)
{
	return strcmp(s, "-") == 0 ? 0 : strlen(s);
}

static void run_case(void **state)
{
	const tcase *tc = *state;
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	ref_options ro = { 0, 0, NULL };
	ingroute_ruleset *rs = NULL;
	ingroute_router *r = NULL;
	ingroute_diags *d = NULL;
	char path[4096], *exp, *data, *line, *save = NULL, *words = NULL;
	size_t len = 0, elen = 0, i, rows = 0;
	int bad = 0;

	snprintf(path, sizeof(path), "%s/%s", tc->dir, tc->expect);
	exp = test_read_file(path, &elen);
	assert_non_null(exp);
	/* Options first: they shape the ruleset. */
	for (line = exp; (line = strstr(line, "options: ")) != NULL; line++)
		if (line == exp || line[-1] == '\n') {
			char *end = strchr(line, '\n');

			/* words stays alive: the options point into it */
			words = strndup(line + 9, end ? (size_t)(end - line - 9)
			                              : strlen(line + 9));
			apply_options(&opts, &ro, words);
			break;
		}
	snprintf(path, sizeof(path), "%s/%s", tc->dir, tc->manifest);
	data = test_read_file(path, &len);
	assert_non_null(data);
	assert_int_equal(ingroute_ruleset_new(&rs, &opts), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_buffer(rs, data, len, tc->manifest, d), 0);
	assert_int_equal(ingroute_router_compile(&r, rs, d), 0);
	if (ingroute_diags_count_severity(d, INGROUTE_ERROR)) {
		for (i = 0; i < ingroute_diags_count(d); i++) {
			char b[2048];

			ingroute_diags_format(d, i, b, sizeof(b));
			print_error("  %s\n", b);
		}
		fail_msg("%s: the manifest does not load cleanly", tc->manifest);
	}

	for (line = strtok_r(exp, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char host[2048], req[8192], want[2048], got[2048], ref[2048];
		char *arrow = strstr(line, " => ");
		const char *what = NULL;

		if (strncmp(line, "route: ", 7) == 0 && arrow) {
			ingroute_match m;
			ref_answer a;

			if (sscanf(line + 7, "%2047s %8191s", host, req) != 2)
				fail_msg("%s: bad row: %s", tc->expect, line);
			snprintf(want, sizeof(want), "%s", arrow + 4);
			m.size = sizeof(m);
			assert_int_equal(ingroute_router_match(r, host, unhost(host), req,
			                                       strlen(req), &m), 0);
			fmt_match(got, sizeof(got), &m);
			if (!route_agrees(r, host, unhost(host), req, strlen(req), &m,
			                  &what)) {
				print_error("%s: %s %s\n  ingroute_router_route() differs "
				            "in %s\n", tc->expect, host, req, what);
				bad = 1;
			}
			ref_match(rs, &ro, host, unhost(host), req, strlen(req), &a);
			ref_format(ref, sizeof(ref), &a, &ro);
			ref_answer_free(&a);
			if (strcmp(got, want) != 0) {
				print_error("%s: %s %s\n  want   %s\n  router %s\n",
				            tc->expect, host, req, want, got);
				bad = 1;
			}
			if (strcmp(ref, want) != 0) {
				print_error("%s: %s %s\n  want      %s\n  reference %s\n",
				            tc->expect, host, req, want, ref);
				bad = 1;
			}
			rows++;
		} else if (strncmp(line, "tls: ", 5) == 0 && arrow) {
			ingroute_tls_match t;

			if (sscanf(line + 5, "%2047s", host) != 1)
				fail_msg("%s: bad row: %s", tc->expect, line);
			t.size = sizeof(t);
			assert_int_equal(ingroute_router_tls(r, host, unhost(host), &t), 0);
			if (t.found)
				snprintf(got, sizeof(got), "%s/%s via %s/%s", t.secret_ns,
				         t.secret_name, t.ingress_ns, t.ingress_name);
			else
				snprintf(got, sizeof(got), "none");
			if (strcmp(got, arrow + 4) != 0) {
				print_error("%s: tls %s\n  want   %s\n  router %s\n",
				            tc->expect, host, arrow + 4, got);
				bad = 1;
			}
			rows++;
		}
	}
	if (bad)
		fail_msg("%s: see the rows above", tc->expect);
	assert_true(rows > 0);
	ingroute_router_unref(r);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	free(data);
	free(exp);
	free(words);
}

int main(int argc, char **argv)
{
	return run_cases("routing tables", argc, argv, run_case);
}
