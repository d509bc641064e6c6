/*
 * Runs the spec tables of tests/data (format in tests/data/README.md)
 * through the public API: one cmocka test per case, each loading the
 * manifest and comparing status, Ingresses and diagnostics exactly.
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
#include "testutil.h"

typedef struct lines {
	char **v;
	size_t n;
} lines;


static void lines_add(lines *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	l->v[l->n] = strdup(s);
	assert_non_null(l->v[l->n]);
	l->n++;
}

static void lines_free(lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int status_of(const char *s)
{
	static const struct { const char *name; int code; } names[] = {
		{ "OK", INGROUTE_OK }, { "EINVAL", INGROUTE_EINVAL },
		{ "ENOMEM", INGROUTE_ENOMEM }, { "EIO", INGROUTE_EIO },
		{ "ESYNTAX", INGROUTE_ESYNTAX }, { "ELIMIT", INGROUTE_ELIMIT },
		{ "EINVALID", INGROUTE_EINVALID }, { "ENOENT", INGROUTE_ENOENT },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, s) == 0)
			return names[i].code;
	fail_msg("unknown status %s", s);
	return 1;
}

/* Applies "options:" words to opts; class strings point into `words`. */
static void apply_options(ingroute_options *opts, char *words)
{
	char *save = NULL, *w;

	for (w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "--strict") == 0)
			opts->flags |= INGROUTE_OPT_STRICT;
		else if (strcmp(w, "--default-class") == 0)
			opts->flags |= INGROUTE_OPT_DEFAULT_CLASS;
		else if (strcmp(w, "--class") == 0)
			opts->ingress_class = strtok_r(NULL, " \t", &save);
		else if (strcmp(w, "--namespace") == 0)
			opts->default_namespace = strtok_r(NULL, " \t", &save);
		else
			fail_msg("unknown option %s", w);
	}
}

/* Returns 1 when equal; otherwise prints the difference and returns 0. */
static int compare(const char *what, const char *casename, lines *want,
                   lines *got, int sorted)
{
	size_t i, j;
	int bad = 0;

	if (sorted && want->n)
		qsort(want->v, want->n, sizeof(char *), cmp_str);
	if (sorted && got->n)
		qsort(got->v, got->n, sizeof(char *), cmp_str);
	if (want->n == got->n) {
		for (i = 0; i < want->n; i++)
			if (strcmp(want->v[i], got->v[i]) != 0)
				bad = 1;
		if (!bad)
			return 1;
	}
	print_error("%s: %s differ\n", casename, what);
	for (i = 0; i < want->n; i++) {
		for (j = 0; j < got->n; j++)
			if (strcmp(want->v[i], got->v[j]) == 0)
				break;
		if (j == got->n)
			print_error("  missing:    %s\n", want->v[i]);
	}
	for (j = 0; j < got->n; j++) {
		for (i = 0; i < want->n; i++)
			if (strcmp(want->v[i], got->v[j]) == 0)
				break;
		if (i == want->n)
			print_error("  unexpected: %s\n", got->v[j]);
	}
	if (!sorted || want->n == got->n)
		for (i = 0; i < got->n; i++)
			print_error("  got[%zu]:     %s\n", i, got->v[i]);
	return 0;
}

static void run_case(void **state)
{
	const tcase *tc = *state;
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	lines want_ing = { 0 }, want_diag = { 0 }, want_note = { 0 };
	lines got_ing = { 0 }, got_diag = { 0 }, got_note = { 0 };
	ingroute_ruleset *rs = NULL;
	ingroute_diags *diags = NULL;
	char path[4096], *exp, *data, *line, *save = NULL, *optwords = NULL;
	size_t len = 0, elen = 0, i;
	int want_status = INGROUTE_OK, rc, ok;

	snprintf(path, sizeof(path), "%s/%s", tc->dir, tc->expect);
	exp = test_read_file(path, &elen);
	assert_non_null(exp);
	for (line = strtok_r(exp, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(line);

		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "options: ", 9) == 0)
			optwords = line + 9;
		else if (strncmp(line, "status: ", 8) == 0)
			want_status = status_of(line + 8);
		else if (strncmp(line, "ingress: ", 9) == 0)
			lines_add(&want_ing, line + 9);
		else if (strncmp(line, "diag: ", 6) == 0)
			lines_add(&want_diag, line + 6);
		else if (strncmp(line, "note: ", 6) == 0)
			lines_add(&want_note, line + 6);
		else
			fail_msg("%s: cannot read line: %s", tc->expect, line);
	}
	if (optwords)
		apply_options(&opts, optwords);

	snprintf(path, sizeof(path), "%s/%s", tc->dir, tc->manifest);
	data = test_read_file(path, &len);
	assert_non_null(data);
	assert_int_equal(ingroute_ruleset_new(&rs, &opts), 0);
	assert_int_equal(ingroute_diags_new(&diags, NULL), 0);
	rc = ingroute_ruleset_load_buffer(rs, data, len, tc->manifest, diags);

	for (i = 0; i < ingroute_diags_count(diags); i++) {
		ingroute_diag d;
		char buf[8192];

		d.size = sizeof(d);
		assert_int_equal(ingroute_diags_get(diags, i, &d), 0);
		ingroute_diags_format(diags, i, buf, sizeof(buf));
		lines_add(d.severity == INGROUTE_NOTE ? &got_note : &got_diag, buf);
	}
	for (i = 0; i < ingroute_ruleset_count(rs); i++) {
		ingroute_ingress_info info;
		char buf[1024];

		info.size = sizeof(info);
		assert_int_equal(ingroute_ruleset_get(rs, i, &info), 0);
		snprintf(buf, sizeof(buf),
		         "%s/%s served=%d rules=%zu paths=%zu tls=%zu default=%d",
		         info.ns, info.name, info.served, info.rules, info.paths,
		         info.tls, info.has_default_backend);
		lines_add(&got_ing, buf);
	}
	if (rc != want_status) {
		for (i = 0; i < got_diag.n; i++)
			print_error("  %s\n", got_diag.v[i]);
		fail_msg("%s: status %d (%s), want %d", tc->manifest, rc,
		         ingroute_strerror(rc), want_status);
	}
	ok = compare("diagnostics", tc->manifest, &want_diag, &got_diag, 1);
	ok &= compare("ingresses", tc->manifest, &want_ing, &got_ing, 0);
	if (want_note.n)
		ok &= compare("notes", tc->manifest, &want_note, &got_note, 1);
	if (!ok)
		fail_msg("%s: see the differences above", tc->manifest);

	lines_free(&want_ing);
	lines_free(&want_diag);
	lines_free(&want_note);
	lines_free(&got_ing);
	lines_free(&got_diag);
	lines_free(&got_note);
	ingroute_diags_free(diags);
	ingroute_ruleset_free(rs);
	free(data);
	free(exp);
}

int main(int argc, char **argv)
{
	return run_cases("spec tables", argc, argv, run_case);
}
