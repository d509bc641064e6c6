/*
 * Prints what a manifest loads to, in the .expect format of tests/data.
 * A drafting aid for new spec-table cases: every line it prints must be
 * checked by hand against the Kubernetes sources before it is committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingroute.h"

int main(int argc, char **argv)
{
	ingroute_ruleset *rs;
	ingroute_diags *d;
	char *data = NULL, buf[8192];
	size_t len = 0, cap = 0, got, i;
	const char *name;
	FILE *f;
	int rc;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: expect-gen MANIFEST\n");
		return 2;
	}
	do {
		if (len + 4096 > cap && !(data = realloc(data, cap = cap * 2 + 8192)))
			return 1;
		got = fread(data + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	if (ingroute_ruleset_new(&rs, NULL) || ingroute_diags_new(&d, NULL))
		return 1;
	rc = ingroute_ruleset_load_buffer(rs, data, len, name, d);
	if (rc)
		printf("status: %s\n", ingroute_strerror(rc));
	for (i = 0; i < ingroute_ruleset_count(rs); i++) {
		ingroute_ingress_info in;

		in.size = sizeof(in);
		ingroute_ruleset_get(rs, i, &in);
		printf("ingress: %s/%s served=%d rules=%zu paths=%zu tls=%zu default=%d\n",
		       in.ns, in.name, in.served, in.rules, in.paths, in.tls,
		       in.has_default_backend);
	}
	for (i = 0; i < ingroute_diags_count(d); i++) {
		ingroute_diag dg;

		dg.size = sizeof(dg);
		ingroute_diags_get(d, i, &dg);
		ingroute_diags_format(d, i, buf, sizeof(buf));
		printf("%s: %s\n", dg.severity == INGROUTE_NOTE ? "note" : "diag", buf);
	}
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	free(data);
	return 0;
}
