/*
 * Header hygiene: this file must compile warning-free as C89, C99, C11 and
 * (through hygiene.cpp) C++98, because ingroute.h promises exactly that.
 * It includes nothing but the public header, so a missing #include or a
 * construct newer than C89 inside the header breaks the build here first.
 *
 * The table spells out every function's type on its own: if a published
 * signature changes, initialising the table is a type error under -Werror,
 * which is an ABI break the symbol check alone cannot see.
 */
#include "ingroute.h"

struct hygiene_api {
	unsigned int (*version)(void);
	const char *(*version_string)(void);
	const char *(*strerror_)(int);
	int (*options_init)(ingroute_options *, size_t);
	size_t (*options_size)(void);
	int (*diags_new)(ingroute_diags **, const ingroute_allocator *);
	void (*diags_free)(ingroute_diags *);
	void (*diags_clear)(ingroute_diags *);
	size_t (*diags_count)(const ingroute_diags *);
	size_t (*diags_count_severity)(const ingroute_diags *, int);
	int (*diags_get)(const ingroute_diags *, size_t, ingroute_diag *);
	size_t (*diags_format)(const ingroute_diags *, size_t, char *, size_t);
	int (*ruleset_new)(ingroute_ruleset **, const ingroute_options *);
	void (*ruleset_free)(ingroute_ruleset *);
	int (*ruleset_load_buffer)(ingroute_ruleset *, const char *, size_t,
	                           const char *, ingroute_diags *);
	int (*ruleset_load_path)(ingroute_ruleset *, const char *,
	                         ingroute_diags *);
	int (*ruleset_remove)(ingroute_ruleset *, const char *, const char *);
	size_t (*ruleset_count)(const ingroute_ruleset *);
	int (*ruleset_get)(const ingroute_ruleset *, size_t,
	                   ingroute_ingress_info *);
	int (*ruleset_find)(const ingroute_ruleset *, const char *, const char *,
	                    ingroute_ingress_info *);
	int (*router_compile)(ingroute_router **, const ingroute_ruleset *,
	                      ingroute_diags *);
	ingroute_router *(*router_ref)(ingroute_router *);
	void (*router_unref)(ingroute_router *);
	int (*router_match)(const ingroute_router *, const char *, size_t,
	                    const char *, size_t, ingroute_match *);
	size_t (*max_path)(void);
	int (*router_tls)(const ingroute_router *, const char *, size_t,
	                  ingroute_tls_match *);
	int (*router_explain)(const ingroute_router *, const char *, size_t,
	                      const char *, size_t, char **, size_t *);
	int (*router_dump)(const ingroute_router *, char **, size_t *);
	void (*free_)(void *);
	size_t (*normalize_host)(const char *, size_t, char *, size_t);
	size_t (*normalize_path)(const char *, size_t, char *, size_t);
	size_t (*match_size)(void);
	/* 0.2 */
	int (*router_stats)(const ingroute_router *, ingroute_stats *);
	size_t (*stats_size)(void);
	int (*compile_options_init)(ingroute_compile_options *, size_t);
	size_t (*compile_options_size)(void);
	int (*router_compile_with)(ingroute_router **, const ingroute_ruleset *,
	                           const ingroute_compile_options *,
	                           ingroute_diags *);
};

static const struct hygiene_api api = {
	ingroute_version, ingroute_version_string, ingroute_strerror,
	ingroute_options_init, ingroute_options_size,
	ingroute_diags_new, ingroute_diags_free, ingroute_diags_clear,
	ingroute_diags_count, ingroute_diags_count_severity, ingroute_diags_get,
	ingroute_diags_format,
	ingroute_ruleset_new, ingroute_ruleset_free, ingroute_ruleset_load_buffer,
	ingroute_ruleset_load_path, ingroute_ruleset_remove, ingroute_ruleset_count,
	ingroute_ruleset_get, ingroute_ruleset_find,
	ingroute_router_compile, ingroute_router_ref, ingroute_router_unref,
	ingroute_router_match, ingroute_max_path, ingroute_router_tls,
	ingroute_router_explain, ingroute_router_dump, ingroute_free,
	ingroute_normalize_host, ingroute_normalize_path, ingroute_match_size,
	ingroute_router_stats, ingroute_stats_size,
	ingroute_compile_options_init, ingroute_compile_options_size,
	ingroute_router_compile_with
};

int main(void)
{
	/* The static initialiser and the init function must agree, and the
	 * enums must be usable as plain ints, from every language level. */
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_options p;
	ingroute_compile_options co = INGROUTE_COMPILE_OPTIONS_INIT;
	ingroute_compile_options cp;
	int st = INGROUTE_ENOMEM;
	int rc = api.options_init(&p, sizeof p);

	if (rc != INGROUTE_OK || o.size != api.options_size() ||
	    p.size != o.size || p.flags != o.flags)
		return 1;
	if (api.compile_options_init(&cp, sizeof cp) != INGROUTE_OK ||
	    co.size != api.compile_options_size() || cp.size != co.size ||
	    cp.fields != co.fields || cp.flags != co.flags ||
	    cp.impl_specific != co.impl_specific ||
	    cp.default_backend != co.default_backend)
		return 1;
	if (api.version() != INGROUTE_VERSION_NUMBER ||
	    api.version_string() == NULL || api.strerror_(st) == NULL)
		return 1;
	if (api.match_size() != sizeof(ingroute_match) || api.max_path() == 0 ||
	    api.stats_size() != sizeof(ingroute_stats))
		return 1;
	api.free_(NULL);
	api.router_unref(NULL);
	return api.diags_count(NULL) == 0 && api.ruleset_count(NULL) == 0 ? 0 : 1;
}
