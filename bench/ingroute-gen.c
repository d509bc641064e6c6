/*
 * ingroute-gen: write a benchmark workload to files, to run the tool or
 * other routers on exactly what ingroute-bench measures.
 *
 *   ingroute-gen [--one-host] PATHS PREFIX
 *       writes PREFIX.yaml, PREFIX.json and PREFIX.trace (one "HOST PATH" a
 *       line); --one-host puts every path on one host, as H1 does
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static int write_file(const char *prefix, const char *ext, const char *data,
                      size_t len)
{
	char name[4096];
	FILE *f;

	snprintf(name, sizeof(name), "%s.%s", prefix, ext);
	f = fopen(name, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	gen_params p;
	workload w;
	char name[4096];
	size_t i;
	FILE *f;
	int one_host = argc > 1 && strcmp(argv[1], "--one-host") == 0;

	argc -= one_host;
	argv += one_host;
	if (argc != 3 || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: ingroute-gen [--one-host] PATHS PREFIX\n");
		return 2;
	}
	if (one_host)
		gen_one_host(&p, (size_t)atol(argv[1]));
	else
		gen_defaults(&p, (size_t)atol(argv[1]));
	if (gen_workload(&p, &w) != 0)
		return 1;
	if (write_file(argv[2], "yaml", w.yaml, w.yaml_len) ||
	    write_file(argv[2], "json", w.json, w.json_len))
		return 1;
	snprintf(name, sizeof(name), "%s.trace", argv[2]);
	if (!(f = fopen(name, "w")))
		return 1;
	for (i = 0; i < w.nreqs; i++)
		fprintf(f, "%s %s\n", w.reqs[i].host, w.reqs[i].path);
	fclose(f);
	gen_free(&w);
	return 0;
}
