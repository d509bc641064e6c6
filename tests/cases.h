/*
 * The spec-table runners' shared main(): every NAME.yaml/.yml/.json with a
 * NAME.expect beside it, in the directories given, becomes one cmocka
 * test whose state is a tcase.
 */
#ifndef INGROUTE_CASES_H
#define INGROUTE_CASES_H

#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tcase {
	char *dir;
	char *manifest;  /* file name inside dir */
	char *expect;
} tcase;

static inline int case_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n > k && strcmp(s + n - k, suf) == 0;
}

static inline int run_cases(const char *group, int argc, char **argv,
                            void (*fn)(void **state))
{
	tcase *cases = NULL;
	size_t n = 0, i;
	int a, rc;

	for (a = 1; a < argc; a++) {
		struct dirent **ents;
		int k, m = scandir(argv[a], &ents, NULL, alphasort);

		if (m < 0) {
			perror(argv[a]);
			return 1;
		}
		for (k = 0; k < m; k++) {
			const char *f = ents[k]->d_name;
			char exp[1024], p[4096];
			FILE *probe;

			if (case_suffix(f, ".yaml") || case_suffix(f, ".yml") ||
			    case_suffix(f, ".json")) {
				snprintf(exp, sizeof(exp), "%.*s.expect",
				         (int)(strrchr(f, '.') - f), f);
				snprintf(p, sizeof(p), "%s/%s", argv[a], exp);
				if ((probe = fopen(p, "r")) != NULL) {
					fclose(probe);
					cases = realloc(cases, (n + 1) * sizeof(*cases));
					cases[n].dir = strdup(argv[a]);
					cases[n].manifest = strdup(f);
					cases[n].expect = strdup(exp);
					n++;
				}
			}
			free(ents[k]);
		}
		free(ents);
	}
	if (n == 0) {
		fprintf(stderr, "no cases found\n");
		return 1;
	}
	{
		/* cmocka's public entry point is a macro that counts the
		 * tests as sizeof(array) / sizeof(element): a pointer to an
		 * array of n (a variably modified type, on the heap) hands it
		 * the count known only now. */
		struct CMUnitTest (*tests)[n] = calloc(1, sizeof(*tests));

		for (i = 0; i < n; i++) {
			(*tests)[i].name = cases[i].manifest;
			(*tests)[i].test_func = fn;
			(*tests)[i].initial_state = &cases[i];
		}
		rc = cmocka_run_group_tests_name(group, *tests, NULL, NULL);
		free(tests);
	}
	for (i = 0; i < n; i++) {
		free(cases[i].dir);
		free(cases[i].manifest);
		free(cases[i].expect);
	}
	free(cases);
	return rc;
}

#endif
