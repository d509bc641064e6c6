/* The reference matcher of the tests: docs/semantics.md from the text, naively. */
#ifndef INGROUTE_REFERENCE_H
#define INGROUTE_REFERENCE_H

#include "ruleset.h"

typedef struct ref_options {
	unsigned int flags;          /* INGROUTE_OPT_* */
	int impl;                    /* enum ingroute_impl_mode */
	const char *default_backend; /* "NS/SERVICE:PORT" or NULL */
} ref_options;

typedef struct ref_answer {
	int decision;                /* enum ingroute_decision */
	int default_source;          /* enum ingroute_default_source */
	int vhost;                   /* enum ingroute_vhost_kind */
	const ig_object *ing;        /* NULL for the option's default */
	const ig_backend *backend;   /* NULL for the option's default */
	const char *rule_host;
	const char *rule_path;
	int path_type;
	char *wild;                  /* owned */
} ref_answer;

void ref_match(const ingroute_ruleset *rs, const ref_options *o,
               const char *host, size_t hlen, const char *path, size_t plen,
               ref_answer *ans);
void ref_answer_free(ref_answer *a);
/* The answer as tests/routefmt.h writes the router's. */
void ref_format(char *out, size_t n, const ref_answer *a,
                const ref_options *o);

#endif
