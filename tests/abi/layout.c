/*
 * Frozen layout of the public structs, and the size-first convention.
 *
 * 1. Past layouts. Every published layout of a public struct is kept below
 *    verbatim (layout_v0_1_*), as wayland's egl ABI check does: callers
 *    compiled against that header baked these offsets into their binaries,
 *    so within SONAME libingroute.so.1 today's struct must have every old
 *    member at the same offset with the same size. New members may only be
 *    appended: a release that appends adds a layout_v0_N_* struct here and
 *    never edits an old one; a struct first published in 0.N starts at
 *    layout_v0_N_*. These checks hold on every ABI.
 * 2. Numbers. On LP64 x86_64/aarch64 today's sizes and offsets are also
 *    written out, so a change that moves today's header and the copies
 *    below together (a typo fixed in both, say) still shows. An append
 *    adds OFF lines and updates that struct's SZ line, in the same commit
 *    as its layout_v0_N_* struct and the abidw baseline (abi/POLICY.md).
 * 3. Enum values, which the header promises are fixed for the ABI's life
 *    and which abidiff cannot see (the functions take plain ints).
 * 4. Struct versioning at run time, for each struct the library reads or
 *    fills (options, diag, ingress_info, match, tls_match, stats,
 *    compile_options): a size below the
 *    first layout is INGROUTE_EINVAL; the first layout's size works; a
 *    larger size (a caller built against a newer header) works, and the
 *    library writes nothing past its own sizeof (guard bytes).
 */
#include <stdio.h>
#include <string.h>
#include "ingroute.h"

static unsigned passed, failed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL %s\n", what);
	}
}

/* ------------------------------------------------- 1. v0.1, verbatim */

struct layout_v0_1_allocator {
	void *(*malloc_fn)(void *ctx, size_t size);
	void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
	void (*free_fn)(void *ctx, void *ptr);
	void *ctx;
};

struct layout_v0_1_options {
	size_t size;
	unsigned int flags;
	const char *ingress_class;
	const char *default_namespace;
	int impl_specific;
	const char *default_backend;
	size_t max_input_bytes;
	size_t max_depth;
	size_t max_nodes;
	size_t max_alias_nodes;
	size_t max_scalar_bytes;
	size_t max_diagnostics;
	const ingroute_allocator *allocator;
	size_t max_alias_bytes;
};

struct layout_v0_1_diag {
	size_t size;
	int severity;
	int code;
	const char *file;
	unsigned int line;
	unsigned int column;
	const char *kind;
	const char *ns;
	const char *name;
	const char *field;
	const char *message;
};

struct layout_v0_1_ingress_info {
	size_t size;
	const char *ns;
	const char *name;
	const char *file;
	unsigned int line;
	unsigned int column;
	int served;
	const char *reason;
	const char *ingress_class;
	size_t rules;
	size_t paths;
	size_t tls;
	int has_default_backend;
};

struct layout_v0_1_match {
	size_t size;
	int decision;
	int backend_kind;
	const char *backend_ns;
	const char *service;
	int port_number;
	const char *port_name;
	const char *resource_api_group;
	const char *resource_kind;
	const char *resource_name;
	const char *ingress_ns;
	const char *ingress_name;
	const char *rule_host;
	const char *rule_path;
	int path_type;
	int vhost_kind;
	int default_source;
};

struct layout_v0_1_tls_match {
	size_t size;
	int found;
	const char *secret_ns;
	const char *secret_name;
	const char *tls_host;
	const char *ingress_ns;
	const char *ingress_name;
};

/* ------------------------------------------------- 1. v0.2, verbatim */

struct layout_v0_2_compile_options {
	size_t size;
	unsigned int fields;
	unsigned int flags;
	int impl_specific;
	const char *default_backend;
};

struct layout_v0_2_stats {
	size_t size;
	size_t ingresses_served;
	size_t ingresses_skipped;
	size_t ingresses_invalid;
	size_t virtual_hosts;
	size_t paths;
	size_t conflicts;
	size_t shadowed;
	size_t tls_entries;
	size_t index_bytes;
	size_t string_bytes;
};

/* The size of a layout up to and including its last member: what the
 * library accepts as "the first layout" (tail padding is not required). */
/* -------------------------------------------------- v0.5, verbatim */

struct layout_v0_5_request {
	size_t size;
	const char *method;
	size_t method_len;
	const char *host;
	size_t host_len;
	const char *path;
	size_t path_len;
	ingroute_header_fn header;
	void *header_ctx;
	uint64_t random;
	const char *gateway_ns;
	const char *gateway_name;
	unsigned int port;
	const char *scheme;
};

struct layout_v0_5_route {
	size_t size;
	int source;
	int decision;
	int status;
	int backend_kind;
	const char *backend_ns;
	const char *service;
	int port_number;
	const char *port_name;
	const char *resource_api_group;
	const char *resource_kind;
	const char *resource_name;
	const char *route_ns;
	const char *route_name;
	const char *rule_host;
	const char *rule_path;
	int path_type;
	int vhost_kind;
	int default_source;
	const char *gateway_ns;
	const char *gateway_name;
	const char *listener;
	int rule_index;
	const char *rule_name;
	int match_index;
	int backend_index;
	unsigned int weight;
	size_t filters;
	size_t matched_prefix;
	const void *internal_[2];
};

struct layout_v0_5_filter {
	size_t size;
	int type;
	const ingroute_header_edit *edits;
	size_t nedits;
	const char *scheme;
	const char *hostname;
	int port;
	int status_code;
	int path_modifier;
	const char *path;
	const char *mirror_ns;
	const char *mirror_service;
	int mirror_port;
	int mirror_numerator;
	int mirror_denominator;
	const char *ext_group;
	const char *ext_kind;
	const char *ext_name;
};

struct layout_v0_5_header_edit {
	int op;
	const char *name;
	const char *value;
};

#define END(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))
#define V1_OPTIONS END(struct layout_v0_1_options, max_alias_bytes)
#define V1_DIAG END(struct layout_v0_1_diag, message)
#define V1_INFO END(struct layout_v0_1_ingress_info, has_default_backend)
#define V1_MATCH END(struct layout_v0_1_match, default_source)
#define V1_TLS END(struct layout_v0_1_tls_match, ingress_name)
#define V2_STATS END(struct layout_v0_2_stats, string_bytes)
#define V2_COPTS END(struct layout_v0_2_compile_options, default_backend)

/* Member m of the old layout sits where today's does, with today's size.
 * (SAME expands O and N before SAME_ stringifies them.) */
#define SAME(OLD, NEW, m) SAME_(OLD, NEW, m)
#define SAME_(OLD, NEW, m) \
	check(offsetof(OLD, m) == offsetof(NEW, m) && \
	      sizeof(((OLD *)0)->m) == sizeof(((NEW *)0)->m), \
	      #NEW "." #m ": moved or resized since " #OLD)
/* Today's struct holds the whole old layout (appending only grows it). */
#define HOLDS(OLD, NEW) HOLDS_(OLD, NEW)
#define HOLDS_(OLD, NEW) \
	check(sizeof(NEW) >= sizeof(OLD), #NEW ": smaller than " #OLD)

static void past_layouts(void)
{
#define O struct layout_v0_1_allocator
#define N ingroute_allocator
	/* Not size-first: the library copies sizeof of it, so it can never
	 * grow within this SONAME. */
	check(sizeof(O) == sizeof(N), "ingroute_allocator: size changed");
	SAME(O, N, malloc_fn); SAME(O, N, realloc_fn); SAME(O, N, free_fn);
	SAME(O, N, ctx);
#undef O
#undef N
#define O struct layout_v0_1_options
#define N ingroute_options
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, flags); SAME(O, N, ingress_class);
	SAME(O, N, default_namespace); SAME(O, N, impl_specific);
	SAME(O, N, default_backend); SAME(O, N, max_input_bytes);
	SAME(O, N, max_depth); SAME(O, N, max_nodes);
	SAME(O, N, max_alias_nodes); SAME(O, N, max_scalar_bytes);
	SAME(O, N, max_diagnostics); SAME(O, N, allocator);
	SAME(O, N, max_alias_bytes);
#undef O
#undef N
#define O struct layout_v0_1_diag
#define N ingroute_diag
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, severity); SAME(O, N, code);
	SAME(O, N, file); SAME(O, N, line); SAME(O, N, column);
	SAME(O, N, kind); SAME(O, N, ns); SAME(O, N, name); SAME(O, N, field);
	SAME(O, N, message);
#undef O
#undef N
#define O struct layout_v0_1_ingress_info
#define N ingroute_ingress_info
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, ns); SAME(O, N, name); SAME(O, N, file);
	SAME(O, N, line); SAME(O, N, column); SAME(O, N, served);
	SAME(O, N, reason); SAME(O, N, ingress_class); SAME(O, N, rules);
	SAME(O, N, paths); SAME(O, N, tls); SAME(O, N, has_default_backend);
#undef O
#undef N
#define O struct layout_v0_1_match
#define N ingroute_match
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, decision); SAME(O, N, backend_kind);
	SAME(O, N, backend_ns); SAME(O, N, service); SAME(O, N, port_number);
	SAME(O, N, port_name); SAME(O, N, resource_api_group);
	SAME(O, N, resource_kind); SAME(O, N, resource_name);
	SAME(O, N, ingress_ns); SAME(O, N, ingress_name);
	SAME(O, N, rule_host); SAME(O, N, rule_path); SAME(O, N, path_type);
	SAME(O, N, vhost_kind); SAME(O, N, default_source);
#undef O
#undef N
#define O struct layout_v0_1_tls_match
#define N ingroute_tls_match
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, found); SAME(O, N, secret_ns);
	SAME(O, N, secret_name); SAME(O, N, tls_host); SAME(O, N, ingress_ns);
	SAME(O, N, ingress_name);
#undef O
#undef N
#define O struct layout_v0_2_compile_options
#define N ingroute_compile_options
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, fields); SAME(O, N, flags);
	SAME(O, N, impl_specific); SAME(O, N, default_backend);
#undef O
#undef N
#define O struct layout_v0_2_stats
#define N ingroute_stats
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, ingresses_served);
	SAME(O, N, ingresses_skipped); SAME(O, N, ingresses_invalid);
	SAME(O, N, virtual_hosts); SAME(O, N, paths); SAME(O, N, conflicts);
	SAME(O, N, shadowed); SAME(O, N, tls_entries); SAME(O, N, index_bytes);
	SAME(O, N, string_bytes);
#undef O
#undef N
#define O struct layout_v0_5_request
#define N ingroute_request
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, method); SAME(O, N, method_len);
	SAME(O, N, host); SAME(O, N, host_len); SAME(O, N, path);
	SAME(O, N, path_len); SAME(O, N, header); SAME(O, N, header_ctx);
	SAME(O, N, random); SAME(O, N, gateway_ns); SAME(O, N, gateway_name);
	SAME(O, N, port); SAME(O, N, scheme);
#undef O
#undef N
#define O struct layout_v0_5_route
#define N ingroute_route
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, source); SAME(O, N, decision);
	SAME(O, N, status); SAME(O, N, backend_kind); SAME(O, N, backend_ns);
	SAME(O, N, service); SAME(O, N, port_number); SAME(O, N, port_name);
	SAME(O, N, resource_api_group); SAME(O, N, resource_kind);
	SAME(O, N, resource_name); SAME(O, N, route_ns);
	SAME(O, N, route_name); SAME(O, N, rule_host); SAME(O, N, rule_path);
	SAME(O, N, path_type); SAME(O, N, vhost_kind);
	SAME(O, N, default_source); SAME(O, N, gateway_ns);
	SAME(O, N, gateway_name); SAME(O, N, listener);
	SAME(O, N, rule_index); SAME(O, N, rule_name);
	SAME(O, N, match_index); SAME(O, N, backend_index);
	SAME(O, N, weight); SAME(O, N, filters); SAME(O, N, matched_prefix);
	SAME(O, N, internal_);
#undef O
#undef N
#define O struct layout_v0_5_filter
#define N ingroute_filter
	HOLDS(O, N);
	SAME(O, N, size); SAME(O, N, type); SAME(O, N, edits);
	SAME(O, N, nedits); SAME(O, N, scheme); SAME(O, N, hostname);
	SAME(O, N, port); SAME(O, N, status_code); SAME(O, N, path_modifier);
	SAME(O, N, path); SAME(O, N, mirror_ns); SAME(O, N, mirror_service);
	SAME(O, N, mirror_port); SAME(O, N, mirror_numerator);
	SAME(O, N, mirror_denominator); SAME(O, N, ext_group);
	SAME(O, N, ext_kind); SAME(O, N, ext_name);
#undef O
#undef N
#define O struct layout_v0_5_header_edit
#define N ingroute_header_edit
	HOLDS(O, N);
	SAME(O, N, op); SAME(O, N, name); SAME(O, N, value);
#undef O
#undef N
	/* The library's own sizes, which FFI users trust instead of a header. */
	check(ingroute_options_size() == sizeof(ingroute_options),
	      "ingroute_options_size() differs from the header's sizeof");
	check(ingroute_match_size() == sizeof(ingroute_match),
	      "ingroute_match_size() differs from the header's sizeof");
	check(ingroute_stats_size() == sizeof(ingroute_stats),
	      "ingroute_stats_size() differs from the header's sizeof");
	check(ingroute_compile_options_size() == sizeof(ingroute_compile_options),
	      "ingroute_compile_options_size() differs from the header's sizeof");
	check(ingroute_request_size() == sizeof(ingroute_request),
	      "ingroute_request_size() differs from the header's sizeof");
	check(ingroute_route_size() == sizeof(ingroute_route),
	      "ingroute_route_size() differs from the header's sizeof");
	check(ingroute_filter_size() == sizeof(ingroute_filter),
	      "ingroute_filter_size() differs from the header's sizeof");
}

/* ------------------------------------ 2. today's numbers on LP64 */

#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__LP64__)

struct expect {
	const char *what;
	size_t got, want;
};

#define SZ(T, n) { #T, sizeof(T), n }
#define OFF(T, m, n) { #T "." #m, offsetof(T, m), n }

static const struct expect table[] = {
	SZ(ingroute_allocator, 32),
	OFF(ingroute_allocator, malloc_fn, 0),
	OFF(ingroute_allocator, realloc_fn, 8),
	OFF(ingroute_allocator, free_fn, 16),
	OFF(ingroute_allocator, ctx, 24),

	SZ(ingroute_options, 120),
	OFF(ingroute_options, size, 0),
	OFF(ingroute_options, flags, 8),
	OFF(ingroute_options, ingress_class, 16),
	OFF(ingroute_options, default_namespace, 24),
	OFF(ingroute_options, impl_specific, 32),
	OFF(ingroute_options, default_backend, 40),
	OFF(ingroute_options, max_input_bytes, 48),
	OFF(ingroute_options, max_depth, 56),
	OFF(ingroute_options, max_nodes, 64),
	OFF(ingroute_options, max_alias_nodes, 72),
	OFF(ingroute_options, max_scalar_bytes, 80),
	OFF(ingroute_options, max_diagnostics, 88),
	OFF(ingroute_options, allocator, 96),
	OFF(ingroute_options, max_alias_bytes, 104),
	OFF(ingroute_options, gateway_controller, 112),

	SZ(ingroute_diag, 72),
	OFF(ingroute_diag, size, 0),
	OFF(ingroute_diag, severity, 8),
	OFF(ingroute_diag, code, 12),
	OFF(ingroute_diag, file, 16),
	OFF(ingroute_diag, line, 24),
	OFF(ingroute_diag, column, 28),
	OFF(ingroute_diag, kind, 32),
	OFF(ingroute_diag, ns, 40),
	OFF(ingroute_diag, name, 48),
	OFF(ingroute_diag, field, 56),
	OFF(ingroute_diag, message, 64),

	SZ(ingroute_ingress_info, 96),
	OFF(ingroute_ingress_info, size, 0),
	OFF(ingroute_ingress_info, ns, 8),
	OFF(ingroute_ingress_info, name, 16),
	OFF(ingroute_ingress_info, file, 24),
	OFF(ingroute_ingress_info, line, 32),
	OFF(ingroute_ingress_info, column, 36),
	OFF(ingroute_ingress_info, served, 40),
	OFF(ingroute_ingress_info, reason, 48),
	OFF(ingroute_ingress_info, ingress_class, 56),
	OFF(ingroute_ingress_info, rules, 64),
	OFF(ingroute_ingress_info, paths, 72),
	OFF(ingroute_ingress_info, tls, 80),
	OFF(ingroute_ingress_info, has_default_backend, 88),

	SZ(ingroute_match, 120),
	OFF(ingroute_match, size, 0),
	OFF(ingroute_match, decision, 8),
	OFF(ingroute_match, backend_kind, 12),
	OFF(ingroute_match, backend_ns, 16),
	OFF(ingroute_match, service, 24),
	OFF(ingroute_match, port_number, 32),
	OFF(ingroute_match, port_name, 40),
	OFF(ingroute_match, resource_api_group, 48),
	OFF(ingroute_match, resource_kind, 56),
	OFF(ingroute_match, resource_name, 64),
	OFF(ingroute_match, ingress_ns, 72),
	OFF(ingroute_match, ingress_name, 80),
	OFF(ingroute_match, rule_host, 88),
	OFF(ingroute_match, rule_path, 96),
	OFF(ingroute_match, path_type, 104),
	OFF(ingroute_match, vhost_kind, 108),
	OFF(ingroute_match, default_source, 112),

	SZ(ingroute_tls_match, 56),
	OFF(ingroute_tls_match, size, 0),
	OFF(ingroute_tls_match, found, 8),
	OFF(ingroute_tls_match, secret_ns, 16),
	OFF(ingroute_tls_match, secret_name, 24),
	OFF(ingroute_tls_match, tls_host, 32),
	OFF(ingroute_tls_match, ingress_ns, 40),
	OFF(ingroute_tls_match, ingress_name, 48),

	SZ(ingroute_compile_options, 32),
	OFF(ingroute_compile_options, size, 0),
	OFF(ingroute_compile_options, fields, 8),
	OFF(ingroute_compile_options, flags, 12),
	OFF(ingroute_compile_options, impl_specific, 16),
	OFF(ingroute_compile_options, default_backend, 24),

	SZ(ingroute_stats, 128),
	OFF(ingroute_stats, size, 0),
	OFF(ingroute_stats, ingresses_served, 8),
	OFF(ingroute_stats, ingresses_skipped, 16),
	OFF(ingroute_stats, ingresses_invalid, 24),
	OFF(ingroute_stats, virtual_hosts, 32),
	OFF(ingroute_stats, paths, 40),
	OFF(ingroute_stats, conflicts, 48),
	OFF(ingroute_stats, shadowed, 56),
	OFF(ingroute_stats, tls_entries, 64),
	OFF(ingroute_stats, index_bytes, 72),
	OFF(ingroute_stats, string_bytes, 80),
	OFF(ingroute_stats, generation, 88),
	OFF(ingroute_stats, controller_annotated, 96),
	OFF(ingroute_stats, gateway_listeners, 104),
	OFF(ingroute_stats, httproutes_attached, 112),
	OFF(ingroute_stats, gateway_matches, 120),

	SZ(ingroute_request, 112),
	OFF(ingroute_request, size, 0),
	OFF(ingroute_request, method, 8),
	OFF(ingroute_request, method_len, 16),
	OFF(ingroute_request, host, 24),
	OFF(ingroute_request, host_len, 32),
	OFF(ingroute_request, path, 40),
	OFF(ingroute_request, path_len, 48),
	OFF(ingroute_request, header, 56),
	OFF(ingroute_request, header_ctx, 64),
	OFF(ingroute_request, random, 72),
	OFF(ingroute_request, gateway_ns, 80),
	OFF(ingroute_request, gateway_name, 88),
	OFF(ingroute_request, port, 96),
	OFF(ingroute_request, scheme, 104),
	SZ(ingroute_route, 216),
	OFF(ingroute_route, size, 0),
	OFF(ingroute_route, source, 8),
	OFF(ingroute_route, decision, 12),
	OFF(ingroute_route, status, 16),
	OFF(ingroute_route, backend_kind, 20),
	OFF(ingroute_route, backend_ns, 24),
	OFF(ingroute_route, service, 32),
	OFF(ingroute_route, port_number, 40),
	OFF(ingroute_route, port_name, 48),
	OFF(ingroute_route, resource_api_group, 56),
	OFF(ingroute_route, resource_kind, 64),
	OFF(ingroute_route, resource_name, 72),
	OFF(ingroute_route, route_ns, 80),
	OFF(ingroute_route, route_name, 88),
	OFF(ingroute_route, rule_host, 96),
	OFF(ingroute_route, rule_path, 104),
	OFF(ingroute_route, path_type, 112),
	OFF(ingroute_route, vhost_kind, 116),
	OFF(ingroute_route, default_source, 120),
	OFF(ingroute_route, gateway_ns, 128),
	OFF(ingroute_route, gateway_name, 136),
	OFF(ingroute_route, listener, 144),
	OFF(ingroute_route, rule_index, 152),
	OFF(ingroute_route, rule_name, 160),
	OFF(ingroute_route, match_index, 168),
	OFF(ingroute_route, backend_index, 172),
	OFF(ingroute_route, weight, 176),
	OFF(ingroute_route, filters, 184),
	OFF(ingroute_route, matched_prefix, 192),
	OFF(ingroute_route, internal_, 200),
	SZ(ingroute_filter, 128),
	OFF(ingroute_filter, size, 0),
	OFF(ingroute_filter, type, 8),
	OFF(ingroute_filter, edits, 16),
	OFF(ingroute_filter, nedits, 24),
	OFF(ingroute_filter, scheme, 32),
	OFF(ingroute_filter, hostname, 40),
	OFF(ingroute_filter, port, 48),
	OFF(ingroute_filter, status_code, 52),
	OFF(ingroute_filter, path_modifier, 56),
	OFF(ingroute_filter, path, 64),
	OFF(ingroute_filter, mirror_ns, 72),
	OFF(ingroute_filter, mirror_service, 80),
	OFF(ingroute_filter, mirror_port, 88),
	OFF(ingroute_filter, mirror_numerator, 92),
	OFF(ingroute_filter, mirror_denominator, 96),
	OFF(ingroute_filter, ext_group, 104),
	OFF(ingroute_filter, ext_kind, 112),
	OFF(ingroute_filter, ext_name, 120),
	SZ(ingroute_header_edit, 24),
	OFF(ingroute_header_edit, op, 0),
	OFF(ingroute_header_edit, name, 8),
	OFF(ingroute_header_edit, value, 16),

	/* The first layouts' ends, which the library checks sizes against. */
	{ "v0.1 options end", V1_OPTIONS, 112 },
	{ "v0.1 diag end", V1_DIAG, 72 },
	{ "v0.1 ingress_info end", V1_INFO, 92 },
	{ "v0.1 match end", V1_MATCH, 116 },
	{ "v0.1 tls_match end", V1_TLS, 56 },
	{ "v0.2 stats end", V2_STATS, 88 },
	{ "v0.2 compile_options end", V2_COPTS, 32 },
	{ "v0.5 request end", END(struct layout_v0_5_request, scheme), 112 },
	{ "v0.5 route end", END(struct layout_v0_5_route, internal_), 216 },
	{ "v0.5 filter end", END(struct layout_v0_5_filter, ext_name), 128 },
};

static void lp64_numbers(void)
{
	size_t i;
	char what[128];

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		sprintf(what, "%s: %lu, frozen at %lu", table[i].what,
		        (unsigned long)table[i].got, (unsigned long)table[i].want);
		check(table[i].got == table[i].want, what);
	}
}

#else

static void lp64_numbers(void)
{
	puts("note: the v0.1 numbers are only recorded for LP64 "
	     "x86_64/aarch64; the verbatim layouts are still compared");
}

#endif

/* --------------------------------------------------------- 3. enums */

#define EV(e, v) check((e) == (v), #e " is not " #v)

static void enum_values(void)
{
	EV(INGROUTE_OK, 0); EV(INGROUTE_EINVAL, -1); EV(INGROUTE_ENOMEM, -2);
	EV(INGROUTE_EIO, -3); EV(INGROUTE_ESYNTAX, -4); EV(INGROUTE_ELIMIT, -5);
	EV(INGROUTE_EINVALID, -6); EV(INGROUTE_ENOENT, -7);
	EV(INGROUTE_OPT_STRICT, 1); EV(INGROUTE_OPT_DEFAULT_CLASS, 2);
	EV(INGROUTE_OPT_NO_NORMALIZE, 4); EV(INGROUTE_OPT_FALLTHROUGH, 8);
	EV(INGROUTE_IMPL_PREFIX, 0); EV(INGROUTE_IMPL_EXACT, 1);
	EV(INGROUTE_IMPL_STRING_PREFIX, 2);
	EV(INGROUTE_COMPILE_NO_NORMALIZE, 1); EV(INGROUTE_COMPILE_FALLTHROUGH, 2);
	EV(INGROUTE_COMPILE_IMPL_SPECIFIC, 4);
	EV(INGROUTE_COMPILE_DEFAULT_BACKEND, 8);
	EV(INGROUTE_NOTE, 0); EV(INGROUTE_WARNING, 1); EV(INGROUTE_ERROR, 2);
	EV(INGROUTE_D_SYNTAX, 1); EV(INGROUTE_D_LIMIT, 2); EV(INGROUTE_D_IO, 3);
	EV(INGROUTE_D_TYPE, 4); EV(INGROUTE_D_DUPLICATE_KEY, 5);
	EV(INGROUTE_D_INVALID, 6); EV(INGROUTE_D_UNKNOWN_FIELD, 7);
	EV(INGROUTE_D_SKIPPED_KIND, 8); EV(INGROUTE_D_CLASS, 9);
	EV(INGROUTE_D_REPLACED, 10); EV(INGROUTE_D_CONFLICT, 11);
	EV(INGROUTE_D_SHADOWED, 12); EV(INGROUTE_D_TRUNCATED, 13);
	EV(INGROUTE_D_OBJECT, 14);
	EV(INGROUTE_D_KEPT, 15);
	EV(INGROUTE_D_OPTION, 16);
	EV(INGROUTE_D_UNSERVED, 17); EV(INGROUTE_D_DEPRECATED, 18);
	EV(INGROUTE_D_CONTROLLER, 19); EV(INGROUTE_D_NOT_ATTACHED, 20);
	EV(INGROUTE_D_UNRESOLVED, 21);
	EV(INGROUTE_D_NOT_APPLIED, 22);
	EV(INGROUTE_SERVED, 1); EV(INGROUTE_NOT_SERVED, 0);
	EV(INGROUTE_DECISION_NONE, 0); EV(INGROUTE_DECISION_PATH, 1);
	EV(INGROUTE_DECISION_DEFAULT, 2);
	EV(INGROUTE_BACKEND_NONE, 0); EV(INGROUTE_BACKEND_SERVICE, 1);
	EV(INGROUTE_BACKEND_RESOURCE, 2);
	EV(INGROUTE_PATH_EXACT, 1); EV(INGROUTE_PATH_PREFIX, 2);
	EV(INGROUTE_PATH_IMPLEMENTATION_SPECIFIC, 3);
	EV(INGROUTE_PATH_REGULAR_EXPRESSION, 4);
	EV(INGROUTE_SOURCE_NONE, 0); EV(INGROUTE_SOURCE_INGRESS, 1);
	EV(INGROUTE_SOURCE_HTTPROUTE, 2);
	EV(INGROUTE_FILTER_REQUEST_HEADER, 1);
	EV(INGROUTE_FILTER_RESPONSE_HEADER, 2); EV(INGROUTE_FILTER_REDIRECT, 3);
	EV(INGROUTE_FILTER_URL_REWRITE, 4); EV(INGROUTE_FILTER_MIRROR, 5);
	EV(INGROUTE_FILTER_EXTENSION, 6);
	EV(INGROUTE_HEADER_SET, 1); EV(INGROUTE_HEADER_ADD, 2);
	EV(INGROUTE_HEADER_REMOVE, 3);
	EV(INGROUTE_PATH_KEEP, 0); EV(INGROUTE_PATH_REPLACE_FULL, 1);
	EV(INGROUTE_PATH_REPLACE_PREFIX, 2);
	EV(INGROUTE_VHOST_NONE, 0); EV(INGROUTE_VHOST_EXACT, 1);
	EV(INGROUTE_VHOST_WILDCARD, 2); EV(INGROUTE_VHOST_ANY, 3);
	EV(INGROUTE_DEFAULT_NONE, 0); EV(INGROUTE_DEFAULT_VHOST, 1);
	EV(INGROUTE_DEFAULT_OPTION, 2); EV(INGROUTE_DEFAULT_RULELESS, 3);
	EV(INGROUTE_DEFAULT_ANY, 4);
}

/* ------------------------------------------------ 4. struct versioning */

/* A caller's struct of `size` bytes (the size field says so), followed by
 * guard bytes up to GUARD past the library's sizeof. */
#define GUARD 64
#define FILL 0xA5

typedef union {
	unsigned char b[sizeof(ingroute_options) + sizeof(ingroute_match) + GUARD];
	size_t size; /* every public struct starts with it */
	void *align_p;
	double align_d;
} caller_buf;

static void *caller_struct(caller_buf *cb, size_t size)
{
	memset(cb->b, FILL, sizeof(cb->b));
	cb->size = size;
	return cb;
}

/* Bytes [from, from + GUARD) still hold FILL: the library wrote nothing
 * past from. */
static int untouched(const caller_buf *cb, size_t from)
{
	size_t i;

	for (i = from; i < from + GUARD; i++)
		if (cb->b[i] != FILL)
			return 0;
	return 1;
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static const char manifest[] =
	"apiVersion: networking.k8s.io/v1\n"
	"kind: Ingress\n"
	"metadata: {name: web, namespace: shop}\n"
	"spec:\n"
	"  ingressClassName: public\n"
	"  tls:\n"
	"  - hosts: [shop.example.com]\n"
	"    secretName: shop-tls\n"
	"  rules:\n"
	"  - host: shop.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - path: /cart\n"
	"        pathType: Prefix\n"
	"        backend:\n"
	"          service: {name: cart, port: {number: 8080}}\n"
	"---\n"
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata: {name: web, namespace: shop}\n";

/* Size variants tried for each struct: below the first layout, the first
 * layout's end, the header's sizeof, and a newer header's larger size. */
struct variant {
	const char *name;
	size_t size;
	int want_rc;
};

static void variants(struct variant v[4], size_t v1, size_t now)
{
	v[0].name = "first layout's size - 1";
	v[0].size = v1 - 1;
	v[0].want_rc = INGROUTE_EINVAL;
	v[1].name = "first layout's size";
	v[1].size = v1;
	v[1].want_rc = 0;
	v[2].name = "sizeof";
	v[2].size = now;
	v[2].want_rc = 0;
	v[3].name = "sizeof + 32 (a newer caller)";
	v[3].size = now + 32;
	v[3].want_rc = 0;
}

static void report(const char *fn, const struct variant *v, const char *what,
                   int ok)
{
	char buf[200];

	sprintf(buf, "%s, size %s: %s", fn, v->name, what);
	check(ok, buf);
}

/* After a successful call the size member reads what the library
 * filled: the smaller of the caller's size and its own. */
static void note_size_after(const char *fn, const struct variant *v,
                            size_t after, size_t lib)
{
	char buf[200];

	sprintf(buf, "%s, size %s: size reads the bytes filled", fn, v->name);
	check(after == (v->size < lib ? v->size : lib), buf);
}

static void versioned_options(void)
{
	struct variant v[4];
	caller_buf cb;
	ingroute_options *o;
	ingroute_ruleset *rs;
	ingroute_ingress_info info;
	int i, rc;

	variants(v, V1_OPTIONS, sizeof(ingroute_options));
	for (i = 0; i < 4; i++) {
		/* ingroute_options_init() fills exactly size bytes. */
		o = (ingroute_options *)caller_struct(&cb, 0);
		rc = ingroute_options_init(o, v[i].size);
		report("ingroute_options_init", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_options_init", &v[i], "wrote past size",
		       untouched(&cb, v[i].size));
		if (rc == 0) {
			size_t k, zero = 1;

			for (k = sizeof(ingroute_options); k < v[i].size; k++)
				zero &= cb.b[k] == 0;
			report("ingroute_options_init", &v[i],
			       "defaults or size wrong", o->size == v[i].size &&
			       o->flags == 0 && o->ingress_class == NULL && zero);
		}

		/* ingroute_ruleset_new() reads them; a newer caller's unknown
		 * tail is ignored. */
		o = (ingroute_options *)caller_struct(&cb, 0);
		if (v[i].size >= V1_OPTIONS) {
			ingroute_options_init(o, v[i].size);
			o->ingress_class = "internal";
			/* Fields of a newer header, unknown to this library. */
			if (v[i].size > sizeof(*o))
				memset(cb.b + sizeof(*o), FILL,
				       v[i].size - sizeof(*o));
		} else {
			o->size = v[i].size;
		}
		rs = NULL;
		rc = ingroute_ruleset_new(&rs, o);
		report("ingroute_ruleset_new", &v[i], "wrong status",
		       rc == v[i].want_rc && (rc == 0) == (rs != NULL));
		if (rc == 0) {
			/* The option was read: web is of class public. */
			info.size = sizeof(info);
			rc = ingroute_ruleset_load_buffer(rs, manifest,
			                                  sizeof(manifest) - 1,
			                                  "m.yaml", NULL);
			report("ingroute_ruleset_new", &v[i], "options not read",
			       rc == 0 && ingroute_ruleset_get(rs, 0, &info) == 0 &&
			       info.served == INGROUTE_NOT_SERVED);
		}
		ingroute_ruleset_free(rs);
	}
}

/* ingroute_compile_options: init fills exactly size bytes; compile_with
 * reads the options (normalisation off: an uppercase Host names no rule
 * host) and ignores a newer caller's tail. */
static void versioned_compile_options(const ingroute_ruleset *rs)
{
	struct variant v[4];
	caller_buf cb;
	ingroute_compile_options *o;
	ingroute_router *r;
	ingroute_match m;
	int i, rc;

	variants(v, V2_COPTS, sizeof(ingroute_compile_options));
	for (i = 0; i < 4; i++) {
		o = (ingroute_compile_options *)caller_struct(&cb, 0);
		rc = ingroute_compile_options_init(o, v[i].size);
		report("ingroute_compile_options_init", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_compile_options_init", &v[i], "wrote past size",
		       untouched(&cb, v[i].size));
		if (rc == 0)
			report("ingroute_compile_options_init", &v[i],
			       "defaults or size wrong", o->size == v[i].size &&
			       o->fields == 0 && o->default_backend == NULL);

		o = (ingroute_compile_options *)caller_struct(&cb, 0);
		if (v[i].size >= V2_COPTS) {
			ingroute_compile_options_init(o, v[i].size);
			o->fields = INGROUTE_COMPILE_NO_NORMALIZE;
			o->flags = INGROUTE_OPT_NO_NORMALIZE;
			if (v[i].size > sizeof(*o))
				memset(cb.b + sizeof(*o), FILL, v[i].size - sizeof(*o));
		} else {
			o->size = v[i].size;
		}
		r = NULL;
		rc = ingroute_router_compile_with(&r, rs, o, NULL);
		report("ingroute_router_compile_with", &v[i], "wrong status",
		       rc == v[i].want_rc && (rc == 0) == (r != NULL));
		if (rc == 0) {
			m.size = sizeof(m);
			rc = ingroute_router_match(r, "SHOP.example.com", 16,
			                           "/cart", 5, &m);
			report("ingroute_router_compile_with", &v[i],
			       "options not read", rc == 0 &&
			       m.decision == INGROUTE_DECISION_NONE);
		}
		ingroute_router_unref(r);
	}
}

static void versioned_outputs(const ingroute_ruleset *rs,
                              const ingroute_diags *diags,
                              const ingroute_router *router)
{
	struct variant v[4];
	caller_buf cb;
	int i, rc;

	variants(v, V1_DIAG, sizeof(ingroute_diag));
	for (i = 0; i < 4; i++) {
		ingroute_diag *d = (ingroute_diag *)caller_struct(&cb, v[i].size);

		rc = ingroute_diags_get(diags, 0, d);
		report("ingroute_diags_get", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_diags_get", &v[i], "wrote past its size",
		       untouched(&cb, v[i].size < sizeof(*d) ? v[i].size :
		                 sizeof(*d)));
		if (rc == 0) {
			report("ingroute_diags_get", &v[i], "wrong answer",
			       d->code == INGROUTE_D_SKIPPED_KIND &&
			       streq(d->file, "m.yaml") && d->message != NULL);
			note_size_after("ingroute_diags_get", &v[i], d->size, sizeof(ingroute_diag));
		}
	}

	variants(v, V1_INFO, sizeof(ingroute_ingress_info));
	for (i = 0; i < 4; i++) {
		ingroute_ingress_info *in;
		size_t end = v[i].size < sizeof(*in) ? v[i].size : sizeof(*in);

		in = (ingroute_ingress_info *)caller_struct(&cb, v[i].size);
		rc = ingroute_ruleset_get(rs, 0, in);
		report("ingroute_ruleset_get", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_ruleset_get", &v[i], "wrote past its size",
		       untouched(&cb, end));
		if (rc == 0) {
			report("ingroute_ruleset_get", &v[i], "wrong answer",
			       streq(in->ns, "shop") && streq(in->name, "web") &&
			       in->served == INGROUTE_SERVED && in->paths == 1 &&
			       in->tls == 1 && in->has_default_backend == 0);
			note_size_after("ingroute_ruleset_get", &v[i], in->size,
			                sizeof(ingroute_ingress_info));
		}
		in = (ingroute_ingress_info *)caller_struct(&cb, v[i].size);
		rc = ingroute_ruleset_find(rs, "shop", "web", in);
		report("ingroute_ruleset_find", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_ruleset_find", &v[i], "wrote past its size",
		       untouched(&cb, end));
	}

	variants(v, V1_MATCH, sizeof(ingroute_match));
	for (i = 0; i < 4; i++) {
		ingroute_match *m = (ingroute_match *)caller_struct(&cb, v[i].size);

		rc = ingroute_router_match(router, "shop.example.com", 16,
		                           "/cart/1", 7, m);
		report("ingroute_router_match", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_router_match", &v[i], "wrote past its size",
		       untouched(&cb, v[i].size < sizeof(*m) ? v[i].size :
		                 sizeof(*m)));
		if (rc == 0) {
			report("ingroute_router_match", &v[i], "wrong answer",
			       m->decision == INGROUTE_DECISION_PATH &&
			       m->backend_kind == INGROUTE_BACKEND_SERVICE &&
			       streq(m->service, "cart") && m->port_number == 8080 &&
			       m->path_type == INGROUTE_PATH_PREFIX &&
			       m->vhost_kind == INGROUTE_VHOST_EXACT &&
			       m->default_source == INGROUTE_DEFAULT_NONE);
			note_size_after("ingroute_router_match", &v[i], m->size,
			                sizeof(ingroute_match));
		}
	}

	variants(v, V1_TLS, sizeof(ingroute_tls_match));
	for (i = 0; i < 4; i++) {
		ingroute_tls_match *t;

		t = (ingroute_tls_match *)caller_struct(&cb, v[i].size);
		rc = ingroute_router_tls(router, "shop.example.com", 16, t);
		report("ingroute_router_tls", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_router_tls", &v[i], "wrote past its size",
		       untouched(&cb, v[i].size < sizeof(*t) ? v[i].size :
		                 sizeof(*t)));
		if (rc == 0) {
			report("ingroute_router_tls", &v[i], "wrong answer",
			       t->found == 1 && streq(t->secret_ns, "shop") &&
			       streq(t->secret_name, "shop-tls") &&
			       streq(t->ingress_name, "web"));
			note_size_after("ingroute_router_tls", &v[i], t->size,
			                sizeof(ingroute_tls_match));
		}
	}

	variants(v, V2_STATS, sizeof(ingroute_stats));
	for (i = 0; i < 4; i++) {
		ingroute_stats *st;

		st = (ingroute_stats *)caller_struct(&cb, v[i].size);
		rc = ingroute_router_stats(router, st);
		report("ingroute_router_stats", &v[i], "wrong status",
		       rc == v[i].want_rc);
		report("ingroute_router_stats", &v[i], "wrote past its size",
		       untouched(&cb, v[i].size < sizeof(*st) ? v[i].size :
		                 sizeof(*st)));
		if (rc == 0) {
			report("ingroute_router_stats", &v[i], "wrong answer",
			       st->ingresses_served == 1 && st->virtual_hosts == 1 &&
			       st->paths == 1 && st->tls_entries == 1);
			note_size_after("ingroute_router_stats", &v[i], st->size,
			                sizeof(ingroute_stats));
		}
	}
}

static void struct_versioning(void)
{
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs = NULL;
	ingroute_diags *diags = NULL;
	ingroute_router *router = NULL;
	int rc;

	versioned_options();

	opts.ingress_class = "public";
	rc = ingroute_ruleset_new(&rs, &opts);
	if (rc == 0)
		rc = ingroute_diags_new(&diags, NULL);
	if (rc == 0)
		rc = ingroute_ruleset_load_buffer(rs, manifest, sizeof(manifest) - 1,
		                                  "m.yaml", diags);
	if (rc == 0)
		rc = ingroute_router_compile(&router, rs, NULL);
	check(rc == 0 && ingroute_diags_count(diags) >= 1,
	      "setting up a ruleset, diagnostics and a router");
	if (rc == 0) {
		versioned_outputs(rs, diags, router);
		versioned_compile_options(rs);
	}
	ingroute_router_unref(router);
	ingroute_diags_free(diags);
	ingroute_ruleset_free(rs);
}

int main(void)
{
	past_layouts();
	lp64_numbers();
	enum_values();
	struct_versioning();
	printf("%u passed, %u failed\n", passed, failed);
	return failed != 0;
}
