/*
 * What compiling sees of a ruleset: its objects and options, never the
 * text they came from.
 */
#ifndef INGROUTE_RULESET_H
#define INGROUTE_RULESET_H

#include "model.h"

typedef struct ig_ruleset_view {
	const ig_alloc *alloc;
	unsigned int flags;
	int impl_specific;
	const char *default_backend;   /* "NS/SERVICE:PORT" or NULL */
	size_t max_diagnostics;
	ig_object *const *items;       /* Ingresses, arrival order */
	size_t n;
	size_t invalid;                /* Ingresses whose latest version failed
	                                * validation */
	uint64_t generation;           /* ingroute_ruleset_generation() */
	/* The Gateway API's objects, Services and Namespaces, arrival order */
	ig_object *const *gw;
	size_t ngw;
	const char *gateway_controller;  /* or NULL: every GatewayClass */
} ig_ruleset_view;

void ingroute__ruleset_view(const ingroute_ruleset *rs, ig_ruleset_view *v);
/* 1 when the Ingress is served under the class rules (docs/semantics.md §3). */
int ingroute__ruleset_serves(const ingroute_ruleset *rs, const ig_object *o);
/* 1 when s has the form of the default_backend option: "NS/SERVICE:PORT". */
int ingroute__default_backend_ok(const char *s);

#endif /* INGROUTE_RULESET_H */
