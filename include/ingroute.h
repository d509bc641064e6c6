/*
 * ingroute.h - route HTTP requests the way Kubernetes Ingress says.
 *
 * Copyright the ingroute authors. Licensed under the Apache License 2.0.
 *
 * This is the only public header of libingroute. It is C89-clean and may be
 * included from C++. The ABI is stable within SONAME libingroute.so.1:
 * structs are only ever extended at their end, functions are only added.
 *
 * Conventions, true for every function below unless its comment says
 * otherwise:
 *
 *  - Functions that can fail return int: 0 (INGROUTE_OK) on success, a
 *    negative ingroute_status on failure; ingroute_strerror() names it.
 *    Details (file, line, column, field path, message) are appended to a
 *    caller-owned ingroute_diags object when one is passed. There is no
 *    thread-local "last error".
 *  - Output parameters come first and are named out. On failure *out is
 *    left NULL.
 *  - Every *_free() accepts NULL and does nothing.
 *  - Strings passed in are copied when the function needs to keep them;
 *    strings handed out are owned by the object they came from and stay
 *    valid as long as that object (or, for a diagnostic, until the diags
 *    object is cleared or freed).
 *  - Objects are not thread-safe unless stated: use one ruleset or one
 *    diags object from one thread at a time. Distinct objects may be used
 *    concurrently from different threads.
 *  - Structs the library fills or reads (options, diagnostics, infos) carry
 *    their own size in their first member, so a caller built against an
 *    older header keeps working with a newer library.
 *
 * Every constant has a function twin or is an enum, so FFI users (ctypes,
 * cgo) need no preprocessor.
 */
#ifndef INGROUTE_H
#define INGROUTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define INGROUTE_API __attribute__((visibility("default")))
#else
#define INGROUTE_API
#endif

/* ---------------------------------------------------------------- version */

/** Version of this header. ingroute_version() gives the library's. @since 0.1 */
#define INGROUTE_VERSION_MAJOR 0
#define INGROUTE_VERSION_MINOR 5
#define INGROUTE_VERSION_PATCH 0
/** (major << 16) | (minor << 8) | patch. @since 0.1 */
#define INGROUTE_VERSION_NUMBER \
	((INGROUTE_VERSION_MAJOR << 16) | (INGROUTE_VERSION_MINOR << 8) | \
	 INGROUTE_VERSION_PATCH)

/** The library's version as (major << 16) | (minor << 8) | patch. @since 0.1 */
INGROUTE_API unsigned int ingroute_version(void);

/** The library's version as "MAJOR.MINOR.PATCH"; a static string. @since 0.1 */
INGROUTE_API const char *ingroute_version_string(void);

/**
 * The Kubernetes release whose API server validation this library
 * reproduces, e.g. "v1.37.2" (docs/validation.md): an object is accepted
 * exactly when that release's server would create it. @since 0.5
 */
INGROUTE_API const char *ingroute_kubernetes_version(void);

/* ----------------------------------------------------------------- status */

/** Return codes. Values are fixed for the life of the ABI. @since 0.1 */
enum ingroute_status {
	INGROUTE_OK = 0,
	/** An argument was NULL, out of range or malformed. */
	INGROUTE_EINVAL = -1,
	/** The allocator returned NULL. Nothing was changed. */
	INGROUTE_ENOMEM = -2,
	/** A file or directory could not be read (errno in the diagnostic). */
	INGROUTE_EIO = -3,
	/** The input is not well-formed YAML or JSON. */
	INGROUTE_ESYNTAX = -4,
	/** The input exceeds a limit of ingroute_options. */
	INGROUTE_ELIMIT = -5,
	/** Strict mode: an object failed validation or decoding. */
	INGROUTE_EINVALID = -6,
	/** No such object. */
	INGROUTE_ENOENT = -7
};

/**
 * A static English description of a status code ("out of memory", ...).
 * Unknown codes give "unknown error". Never returns NULL. @since 0.1
 */
INGROUTE_API const char *ingroute_strerror(int status);

/* -------------------------------------------------------------- allocator */

/**
 * A pluggable allocator. All three functions are required and receive ctx.
 * realloc_fn(ctx, NULL, n) must behave as malloc_fn; free_fn(ctx, NULL) must
 * be a no-op. The library never calls them with size 0. Every object made
 * with an allocator is freed with the same allocator; the struct itself is
 * copied, so it need not outlive the call that received it. @since 0.1
 */
typedef struct ingroute_allocator {
	void *(*malloc_fn)(void *ctx, size_t size);
	void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
	void (*free_fn)(void *ctx, void *ptr);
	void *ctx;
} ingroute_allocator;

/* ---------------------------------------------------------------- options */

/** ingroute_options.flags bits. @since 0.1 */
enum ingroute_flag {
	/** Any error diagnostic fails the whole load with INGROUTE_EINVALID. */
	INGROUTE_OPT_STRICT = 1 << 0,
	/** The configured ingress_class is the cluster default
	 * (docs/semantics.md §3). */
	INGROUTE_OPT_DEFAULT_CLASS = 1 << 1,
	/** Do not normalise request hosts and paths (the proxy already does). */
	INGROUTE_OPT_NO_NORMALIZE = 1 << 2,
	/** Try exact host, wildcard host, then host-less rules for a path. */
	INGROUTE_OPT_FALLTHROUGH = 1 << 3
};

/** How ImplementationSpecific paths match. @since 0.1 */
enum ingroute_impl_mode {
	/** Element-wise prefix, like Prefix (the default). */
	INGROUTE_IMPL_PREFIX = 0,
	/** Byte-for-byte, like Exact. */
	INGROUTE_IMPL_EXACT = 1,
	/** Plain string prefix, like an nginx `location /foo`. */
	INGROUTE_IMPL_STRING_PREFIX = 2
};

/**
 * Options for a ruleset and the routers compiled from it. Initialise with
 * INGROUTE_OPTIONS_INIT or ingroute_options_init(), then set fields. Zero in
 * a limit means "the default" (given in brackets). Strings are copied by
 * ingroute_ruleset_new(). Fields are only ever appended. @since 0.1
 */
typedef struct ingroute_options {
	/** sizeof(ingroute_options) as the caller compiled it. */
	size_t size;
	/** OR of enum ingroute_flag. */
	unsigned int flags;
	/** Serve only Ingresses of this class (docs/semantics.md §3); NULL
	 * serves all. */
	const char *ingress_class;
	/** Namespace of objects that name none [default]. */
	const char *default_namespace;
	/** enum ingroute_impl_mode. */
	int impl_specific;
	/** Global default backend "NAMESPACE/SERVICE:PORT" (PORT a number or a
	 * port name), or NULL. */
	const char *default_backend;
	/** Bytes in one buffer or file [1 GiB; 256 MiB before 0.4]. */
	size_t max_input_bytes;
	/** Nesting depth of YAML collections [64]. */
	size_t max_depth;
	/** YAML nodes held at once in one document [4,000,000]; an item of a
	 * List that names its kind and apiVersion (and defines no anchor)
	 * counts as one node once read (docs/semantics.md §1.5). */
	size_t max_nodes;
	/** Nodes reached through YAML aliases in one document [100,000]. */
	size_t max_alias_nodes;
	/** Bytes in one scalar [1 MiB]. */
	size_t max_scalar_bytes;
	/** Diagnostics kept by one call; more are counted, not kept [10,000]. */
	size_t max_diagnostics;
	/** Allocator for everything made from this ruleset; NULL: malloc. */
	const ingroute_allocator *allocator;
	/** Bytes reached through YAML aliases in one document: what decoding
	 * would copy again for each reference [16 MiB]. */
	size_t max_alias_bytes;
	/** Serve only the Gateways whose GatewayClass has this
	 * spec.controllerName (docs/semantics.md §9.3); NULL serves every
	 * GatewayClass. @since 0.5 */
	const char *gateway_controller;
} ingroute_options;

/** Static initialiser: all defaults. @since 0.1 */
#define INGROUTE_OPTIONS_INIT { sizeof(ingroute_options), 0, NULL, NULL, 0, \
	NULL, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }

/**
 * Sets *opts to the defaults for a struct of `size` bytes (pass
 * sizeof(ingroute_options)). Same bytes as INGROUTE_OPTIONS_INIT.
 * Returns INGROUTE_EINVAL if opts is NULL or size is smaller than the first
 * published layout. @since 0.1
 */
INGROUTE_API int ingroute_options_init(ingroute_options *opts, size_t size);

/** sizeof(ingroute_options) of this library, for FFI. @since 0.1 */
INGROUTE_API size_t ingroute_options_size(void);

/* ------------------------------------------------------------ diagnostics */

/** @since 0.1 */
enum ingroute_severity {
	INGROUTE_NOTE = 0,
	INGROUTE_WARNING = 1,
	INGROUTE_ERROR = 2
};

/** What a diagnostic is about. Values are fixed. @since 0.1 */
enum ingroute_diag_code {
	/** YAML/JSON syntax error: the whole buffer is rejected. */
	INGROUTE_D_SYNTAX = 1,
	/** A limit of ingroute_options was hit: the whole buffer is rejected. */
	INGROUTE_D_LIMIT = 2,
	/** A file or directory could not be read. */
	INGROUTE_D_IO = 3,
	/** A field holds the wrong type (a string where a number belongs). */
	INGROUTE_D_TYPE = 4,
	/** The same key twice in one mapping. */
	INGROUTE_D_DUPLICATE_KEY = 5,
	/** An API server validation rule failed; the message is its wording. */
	INGROUTE_D_INVALID = 6,
	/** A field the API does not define (warning). */
	INGROUTE_D_UNKNOWN_FIELD = 7,
	/** An object of a kind ingroute does not read (docs/semantics.md
	 * §1.2) was skipped. */
	INGROUTE_D_SKIPPED_KIND = 8,
	/** An Ingress of another class is not served; so is a Gateway
	 * whose GatewayClass is missing or another controller's, or with no
	 * HTTP or HTTPS listener (docs/semantics.md §9.3). */
	INGROUTE_D_CLASS = 9,
	/** An Ingress replaced an earlier one with the same namespace/name. */
	INGROUTE_D_REPLACED = 10,
	/** Two Ingresses claim the same route; the message names the winner. */
	INGROUTE_D_CONFLICT = 11,
	/** A rule can never match. */
	INGROUTE_D_SHADOWED = 12,
	/** More diagnostics than max_diagnostics; the rest were dropped. */
	INGROUTE_D_TRUNCATED = 13,
	/** An object cannot be used (not an object, no kind, ...). */
	INGROUTE_D_OBJECT = 14,
	/** An invalid version of an object was not applied; the message names
	 * the valid version that stays (docs/semantics.md §1.6). @since 0.3 */
	INGROUTE_D_KEPT = 15,
	/** An option cannot be used; field is the option's name
	 * (ingroute_options_check()). @since 0.4 */
	INGROUTE_D_OPTION = 16,
	/** An Ingress or IngressClass of a kind or apiVersion the API server
	 * does not serve (`networking.k8s.io/v1beta1`, `kind: ingress`):
	 * an error, as kubectl's "no matches for kind". @since 0.5 */
	INGROUTE_D_UNSERVED = 17,
	/** A warning the API server sends when it creates the object (the
	 * deprecated `kubernetes.io/ingress.class` annotation). @since 0.5 */
	INGROUTE_D_DEPRECATED = 18,
	/** A note: annotations of an ingress controller that change routing
	 * (`nginx.ingress.kubernetes.io/rewrite-target`, ...) and that
	 * ingroute does not apply; the message names the keys
	 * (docs/semantics.md §2.4). @since 0.5 */
	INGROUTE_D_CONTROLLER = 19,
	/** A warning: an HTTPRoute, or one of its parentRefs, attaches to no
	 * listener; the message gives the condition the Gateway API would
	 * set, "Accepted=False (NotAllowedByListeners): ..."
	 * (docs/semantics.md §9.3). @since 0.5 */
	INGROUTE_D_NOT_ATTACHED = 20,
	/** A warning: a backendRef does not resolve (another kind, another
	 * namespace without a ReferenceGrant, no such Service), worded as
	 * its "ResolvedRefs=False (RefNotPermitted): ..." condition; requests
	 * routed to it get 500. @since 0.5 */
	INGROUTE_D_UNRESOLVED = 21,
	/** A note: a valid HTTPRoute has a field that ingroute validates
	 * and the answer does not carry (a CORS filter, timeouts); the
	 * proxy must apply it itself or it is not applied
	 * (docs/semantics.md §9.5). @since 0.5 */
	INGROUTE_D_NOT_APPLIED = 22
};

/**
 * One diagnostic, as filled by ingroute_diags_get(). Set size to
 * sizeof(ingroute_diag) first. Pointers are NULL when unknown and are
 * owned by the diags object. @since 0.1
 */
typedef struct ingroute_diag {
	size_t size;
	/** enum ingroute_severity */
	int severity;
	/** enum ingroute_diag_code */
	int code;
	/** The file, the name given to ingroute_ruleset_load_buffer(), or NULL. */
	const char *file;
	/** 1-based line and column (column in characters); 0 when unknown. */
	unsigned int line;
	unsigned int column;
	/** "Ingress", "IngressClass", ...: the object it concerns, or NULL. */
	const char *kind;
	/** The object's namespace and name, or NULL. */
	const char *ns;
	const char *name;
	/** Field path as the API server writes it ("spec.rules[0].host"), or
	 * NULL. */
	const char *field;
	/** The message; for validation errors the API server's text, such as
	 * "Invalid value: \"foo\": must be an absolute path". Never NULL. */
	const char *message;
} ingroute_diag;

/** A list of diagnostics the caller owns. @since 0.1 */
typedef struct ingroute_diags ingroute_diags;

/**
 * Creates an empty diagnostics list. allocator may be NULL (malloc).
 * Returns INGROUTE_EINVAL if out is NULL, INGROUTE_ENOMEM. @since 0.1
 */
INGROUTE_API int ingroute_diags_new(ingroute_diags **out,
                                    const ingroute_allocator *allocator);

/** Frees the list and every string it handed out. @since 0.1 */
INGROUTE_API void ingroute_diags_free(ingroute_diags *diags);

/** Removes every diagnostic; strings handed out become invalid. @since 0.1 */
INGROUTE_API void ingroute_diags_clear(ingroute_diags *diags);

/** Number of diagnostics kept (0 for NULL). @since 0.1 */
INGROUTE_API size_t ingroute_diags_count(const ingroute_diags *diags);

/**
 * Number of diagnostics of a severity, counting those dropped past
 * max_diagnostics (0 for NULL). @since 0.1
 */
INGROUTE_API size_t ingroute_diags_count_severity(const ingroute_diags *diags,
                                                  int severity);

/**
 * Fills *out with diagnostic `index`. out->size must be set; fields beyond
 * it are not written. Returns INGROUTE_EINVAL for NULL arguments or a size
 * below the first layout, INGROUTE_ENOENT when index >= count. @since 0.1
 */
INGROUTE_API int ingroute_diags_get(const ingroute_diags *diags, size_t index,
                                    ingroute_diag *out);

/**
 * Formats diagnostic `index` as one line without a newline:
 * "FILE:LINE:COL: SEVERITY: KIND NS/NAME: FIELD: MESSAGE", leaving out the
 * parts that are unknown (a position without a file is "<input>:L:C").
 * Writes at most cap bytes including the NUL, like snprintf, and returns
 * the length of the whole line; 0 when index is out of range or diags is
 * NULL, and 0 (with buf, if any, set to "") when memory for the line
 * could not be had. A NULL buf is a size query whatever cap says (since
 * 0.3; before, only cap 0 was allowed with it). @since 0.1
 */
INGROUTE_API size_t ingroute_diags_format(const ingroute_diags *diags,
                                          size_t index, char *buf, size_t cap);

/* ---------------------------------------------------------------- ruleset */

/**
 * Checks options the way ingroute_ruleset_new() does and says what is
 * wrong: for each refused option an INGROUTE_ERROR diagnostic in diags
 * (which may be NULL) with code INGROUTE_D_OPTION, field the member's name
 * and a message that quotes the value and says what is wanted, e.g.
 * `default_backend: Invalid value: "shop/web": must be
 * NAMESPACE/SERVICE:PORT (no ':PORT')`. Refused are: flags outside enum
 * ingroute_flag; an empty ingress_class (NULL serves every class); a
 * default_namespace that is no DNS-1123 label; an unknown impl_specific;
 * a default_backend whose namespace, Service name (DNS-1123 labels) or port
 * (1-65535 or a port name) the API server would refuse; an allocator
 * without all three functions; a size below the first layout. Every limit
 * is valid (0 is the default). Returns 0 when ingroute_ruleset_new()
 * accepts opts, INGROUTE_EINVAL when it does not (or opts is NULL),
 * INGROUTE_ENOMEM when a diagnostic could not be stored. Thread-safe.
 * @since 0.4
 */
INGROUTE_API int ingroute_options_check(const ingroute_options *opts,
                                        ingroute_diags *diags);

/**
 * The loader: the desired state a controller keeps, Ingresses and
 * IngressClasses keyed by namespace/name. Not thread-safe; routers compiled
 * from it are independent of it. @since 0.1
 */
typedef struct ingroute_ruleset ingroute_ruleset;

/**
 * Creates an empty ruleset. opts may be NULL for the defaults; it is
 * copied, strings included. Returns INGROUTE_EINVAL for a NULL out or
 * options that ingroute_options_check() refuses (which says why);
 * INGROUTE_ENOMEM. @since 0.1
 */
INGROUTE_API int ingroute_ruleset_new(ingroute_ruleset **out,
                                      const ingroute_options *opts);

/** Frees the ruleset and every object in it. @since 0.1 */
INGROUTE_API void ingroute_ruleset_free(ingroute_ruleset *rs);

/**
 * Loads YAML or JSON text: one or more documents, each an object or a list
 * (kind List, IngressList, ...) of objects. len bytes are read; data need
 * not be NUL-terminated. name labels diagnostics (a file name) and may be
 * NULL. diags may be NULL.
 *
 * Loading is all or nothing for the buffer: on a syntax error, a limit, an
 * allocation failure, or (strict) any error, the ruleset is unchanged.
 * Otherwise every valid v1 Ingress and IngressClass is added (and, from
 * 0.5, every valid Gateway API object and the Services and Namespaces
 * its references read: docs/semantics.md §9), replacing one with the
 * same kind and namespace/name (a note says so); invalid objects are
 * dropped with every error reported, and an invalid object never replaces
 * a valid one (an INGROUTE_D_KEPT error names the version kept). Objects
 * of other kinds are skipped with a note. One object's JSON, as a watch
 * event carries it, is applied this way.
 *
 * Returns 0 (also when some objects were invalid, unless strict),
 * INGROUTE_EINVAL, INGROUTE_ESYNTAX, INGROUTE_ELIMIT, INGROUTE_EINVALID
 * (strict), INGROUTE_ENOMEM. @since 0.1
 */
INGROUTE_API int ingroute_ruleset_load_buffer(ingroute_ruleset *rs,
                                              const char *data, size_t len,
                                              const char *name,
                                              ingroute_diags *diags);

/**
 * Loads a file, or every *.yaml, *.yml and *.json file of a directory in
 * byte order of their names (not recursing, like kubectl apply -f DIR).
 * All or nothing across the whole directory, as for load_buffer. Adds
 * INGROUTE_EIO to load_buffer's codes. @since 0.1
 */
INGROUTE_API int ingroute_ruleset_load_path(ingroute_ruleset *rs,
                                            const char *path,
                                            ingroute_diags *diags);

/**
 * Removes the Ingress ns/name (ns NULL: the default namespace). Returns
 * INGROUTE_ENOENT if there is none, INGROUTE_EINVAL for NULL arguments.
 * @since 0.1
 */
INGROUTE_API int ingroute_ruleset_remove(ingroute_ruleset *rs, const char *ns,
                                         const char *name);

/**
 * Reloads: the sources are the whole desired state (docs/semantics.md
 * §1.6). Reads every path as ingroute_ruleset_load_path() does, then
 * makes the ruleset hold what they hold: objects they no longer contain
 * are removed, new and changed ones are applied, and an object whose new
 * version is invalid keeps the valid version the ruleset had (an
 * INGROUTE_D_KEPT error names both); an invalid object the ruleset did not
 * have is left out. This is how a proxy reloads: a typo in one Ingress
 * never takes its served routes away. All or nothing as for load_path: on
 * a syntax error, a limit, an unreadable path or (strict) any error,
 * nothing changes. npaths 0 empties the ruleset. Returns load_path's
 * codes. @since 0.3
 */
INGROUTE_API int ingroute_ruleset_reload_paths(ingroute_ruleset *rs,
                                               const char *const *paths,
                                               size_t npaths,
                                               ingroute_diags *diags);

/**
 * Reloads from one buffer, as ingroute_ruleset_reload_paths() does from
 * files: the buffer is the whole desired state. @since 0.3
 */
INGROUTE_API int ingroute_ruleset_reload_buffer(ingroute_ruleset *rs,
                                                const char *data, size_t len,
                                                const char *name,
                                                ingroute_diags *diags);

/**
 * Removes one object by kind and key, as a watch's DELETED event does.
 * kind is "Ingress" (ns NULL: the default namespace) or "IngressClass"
 * (ns ignored); from 0.5 also "HTTPRoute", "Gateway", "ReferenceGrant",
 * "Service" (ns NULL: the default namespace), "GatewayClass" and
 * "Namespace" (ns ignored). Applying an object (ADDED, MODIFIED) is
 * ingroute_ruleset_load_buffer() with its JSON. Returns 0,
 * INGROUTE_ENOENT if there is none, INGROUTE_EINVAL for NULL arguments or
 * another kind. @since 0.3
 */
INGROUTE_API int ingroute_ruleset_delete(ingroute_ruleset *rs,
                                         const char *kind, const char *ns,
                                         const char *name);

/**
 * A counter that changes whenever what a compile reads changes: an object
 * added, removed, or replaced by a version that differs in more than the
 * server's bookkeeping (metadata.resourceVersion, generation,
 * managedFields) and status. Loading an identical version, or an invalid
 * one that is not applied, leaves it alone, so a watcher compiles only
 * when ingroute_router_stats().generation differs from it. 0 for NULL or
 * a new ruleset. @since 0.3
 */
INGROUTE_API uint64_t ingroute_ruleset_generation(const ingroute_ruleset *rs);

/** Number of Ingresses held (0 for NULL). @since 0.1 */
INGROUTE_API size_t ingroute_ruleset_count(const ingroute_ruleset *rs);

/** Whether an Ingress is served under the ruleset's class option. @since 0.1 */
enum ingroute_served {
	/** Served: no class configured, or its class matches. */
	INGROUTE_SERVED = 1,
	/** Not served: its class is another one. */
	INGROUTE_NOT_SERVED = 0
};

/**
 * One Ingress of a ruleset, as filled by ingroute_ruleset_get(). Set size
 * first. Strings are owned by the ruleset and valid until the Ingress is
 * replaced or removed. @since 0.1
 */
typedef struct ingroute_ingress_info {
	size_t size;
	const char *ns;
	const char *name;
	/** Where it was loaded from (NULL for an unnamed buffer). */
	const char *file;
	unsigned int line;
	unsigned int column;
	/** enum ingroute_served under the class rules of
	 * docs/semantics.md §3. */
	int served;
	/** Why it is or is not served, e.g. "spec.ingressClassName is
	 * \"internal\", not \"public\"". */
	const char *reason;
	/** spec.ingressClassName, else the kubernetes.io/ingress.class
	 * annotation, else NULL. */
	const char *ingress_class;
	/** Rules, paths (over all rules) and TLS entries. */
	size_t rules;
	size_t paths;
	size_t tls;
	/** Whether it has a spec.defaultBackend. */
	int has_default_backend;
} ingroute_ingress_info;

/**
 * Fills *out with the Ingress at `index`, in order of arrival (a
 * replacement keeps its predecessor's place). out->size must be set.
 * Returns INGROUTE_EINVAL, or INGROUTE_ENOENT when index >= count.
 * @since 0.1
 */
INGROUTE_API int ingroute_ruleset_get(const ingroute_ruleset *rs, size_t index,
                                      ingroute_ingress_info *out);

/**
 * Finds the Ingress ns/name (ns NULL: the default namespace) and fills *out
 * as ingroute_ruleset_get() does. Returns INGROUTE_ENOENT if absent.
 * @since 0.1
 */
INGROUTE_API int ingroute_ruleset_find(const ingroute_ruleset *rs,
                                       const char *ns, const char *name,
                                       ingroute_ingress_info *out);


/* ----------------------------------------------------------------- router */

/**
 * A compiled router: an immutable index of the served Ingresses of a
 * ruleset, answering host/path lookups. Lookups allocate nothing, take no
 * lock and may run from any number of threads at once on the same router.
 * A router is reference-counted; a proxy swaps in a new one when the
 * configuration changes and drops its reference to the old. @since 0.1
 */
typedef struct ingroute_router ingroute_router;

/**
 * Compiles the served Ingresses of rs (docs/semantics.md §3) into a
 * router with one reference, using the ruleset's options
 * (ingroute_router_compile_with() replaces some of them). The ruleset is
 * not changed and may be changed or freed afterwards. Conflicts (the same
 * host, path and pathType in two Ingresses; competing default backends)
 * and rules that can never match are reported as warnings in diags (may
 * be NULL).
 * Returns INGROUTE_EINVAL, INGROUTE_ENOMEM, or INGROUTE_ELIMIT (more than
 * 2^31 rules or 4 GiB of strings). @since 0.1
 */
INGROUTE_API int ingroute_router_compile(ingroute_router **out,
                                         const ingroute_ruleset *rs,
                                         ingroute_diags *diags);

/** Takes a reference; returns router. Thread-safe. @since 0.1 */
INGROUTE_API ingroute_router *ingroute_router_ref(ingroute_router *router);

/** Drops a reference; the last one frees the router. Thread-safe.
 * NULL is a no-op. @since 0.1 */
INGROUTE_API void ingroute_router_unref(ingroute_router *router);

/**
 * ingroute_compile_options.fields bits: which options of one compile
 * replace the ruleset's. Each setting not named takes the ruleset's value,
 * so 0 compiles exactly as ingroute_router_compile() does. @since 0.2
 */
enum ingroute_compile_field {
	/** flags' INGROUTE_OPT_NO_NORMALIZE bit replaces the ruleset's. */
	INGROUTE_COMPILE_NO_NORMALIZE = 1 << 0,
	/** flags' INGROUTE_OPT_FALLTHROUGH bit replaces the ruleset's. */
	INGROUTE_COMPILE_FALLTHROUGH = 1 << 1,
	/** impl_specific replaces the ruleset's. */
	INGROUTE_COMPILE_IMPL_SPECIFIC = 1 << 2,
	/** default_backend replaces the ruleset's (NULL: no such option). */
	INGROUTE_COMPILE_DEFAULT_BACKEND = 1 << 3
};

/**
 * The options a router fixes when it is compiled, for one compile:
 * ingroute_router_compile_with() builds routers that normalise or not,
 * fall through or not, match ImplementationSpecific paths another way or
 * use another global default backend from the same ruleset, without
 * loading the manifests again. Only the settings named in `fields` are
 * used; the others are the ruleset's (ingroute_options). Initialise with
 * INGROUTE_COMPILE_OPTIONS_INIT or ingroute_compile_options_init() (every
 * setting the ruleset's), then set fields. Fields are only ever appended.
 * @since 0.2
 */
typedef struct ingroute_compile_options {
	/** sizeof(ingroute_compile_options) as the caller compiled it. */
	size_t size;
	/** OR of enum ingroute_compile_field: the settings below that apply. */
	unsigned int fields;
	/** OR of INGROUTE_OPT_NO_NORMALIZE and INGROUTE_OPT_FALLTHROUGH (the
	 * flags a compile fixes); any other bit is INGROUTE_EINVAL. */
	unsigned int flags;
	/** enum ingroute_impl_mode. */
	int impl_specific;
	/** Global default backend "NAMESPACE/SERVICE:PORT", or NULL for none.
	 * Read during the call only. */
	const char *default_backend;
} ingroute_compile_options;

/** Static initialiser: every setting the ruleset's. @since 0.2 */
#define INGROUTE_COMPILE_OPTIONS_INIT \
	{ sizeof(ingroute_compile_options), 0, 0, 0, NULL }

/**
 * Sets *opts to INGROUTE_COMPILE_OPTIONS_INIT for a struct of `size` bytes
 * (pass sizeof(ingroute_compile_options)). Returns INGROUTE_EINVAL if
 * opts is NULL or size is smaller than the first published layout.
 * @since 0.2
 */
INGROUTE_API int ingroute_compile_options_init(ingroute_compile_options *opts,
                                               size_t size);

/** sizeof(ingroute_compile_options) of this library, for FFI. @since 0.2 */
INGROUTE_API size_t ingroute_compile_options_size(void);

/**
 * Compiles as ingroute_router_compile() does, with the settings of opts
 * that its `fields` name in place of the ruleset's. opts NULL is the same
 * as ingroute_router_compile(). Returns ingroute_router_compile()'s codes;
 * INGROUTE_EINVAL also for an opts->size below the first layout, an
 * unknown bit in fields or flags, an unknown impl_specific, or a
 * default_backend that ingroute_options_check() would refuse. @since 0.2
 */
INGROUTE_API int ingroute_router_compile_with(ingroute_router **out,
                                              const ingroute_ruleset *rs,
                                              const ingroute_compile_options *opts,
                                              ingroute_diags *diags);

/** What decided a match (docs/semantics.md §6). @since 0.1 */
enum ingroute_decision {
	/** No rule and no default backend: the proxy answers 404. */
	INGROUTE_DECISION_NONE = 0,
	/** A path rule matched. */
	INGROUTE_DECISION_PATH = 1,
	/** No path matched; a default backend was chosen. */
	INGROUTE_DECISION_DEFAULT = 2
};

/** @since 0.1 */
enum ingroute_backend_kind {
	INGROUTE_BACKEND_NONE = 0,
	INGROUTE_BACKEND_SERVICE = 1,
	INGROUTE_BACKEND_RESOURCE = 2
};

/** ImplementationSpecific is reported as such whatever the matching mode.
 * @since 0.1 */
enum ingroute_path_type {
	INGROUTE_PATH_EXACT = 1,
	INGROUTE_PATH_PREFIX = 2,
	INGROUTE_PATH_IMPLEMENTATION_SPECIFIC = 3,
	/** An HTTPRoute's RegularExpression path (ingroute_route only).
	 * @since 0.5 */
	INGROUTE_PATH_REGULAR_EXPRESSION = 4
};

/** Which virtual host answered (docs/semantics.md §5). @since 0.1 */
enum ingroute_vhost_kind {
	/** No virtual host exists for the request: the global default decided. */
	INGROUTE_VHOST_NONE = 0,
	INGROUTE_VHOST_EXACT = 1,
	INGROUTE_VHOST_WILDCARD = 2,
	/** The rules without a host. */
	INGROUTE_VHOST_ANY = 3
};

/** Where a default backend came from (docs/semantics.md §6 step 3).
 * @since 0.1 */
enum ingroute_default_source {
	INGROUTE_DEFAULT_NONE = 0,
	/** The highest-precedence Ingress with rules for the virtual host. */
	INGROUTE_DEFAULT_VHOST = 1,
	/** ingroute_options.default_backend. */
	INGROUTE_DEFAULT_OPTION = 2,
	/** The highest-precedence Ingress without rules. */
	INGROUTE_DEFAULT_RULELESS = 3,
	/** The highest-precedence Ingress with a defaultBackend at all. */
	INGROUTE_DEFAULT_ANY = 4
};

/**
 * The answer to one lookup, filled by ingroute_router_match(). Set size
 * to sizeof(ingroute_match) first. Every pointer points into the router
 * and stays valid while the caller holds its reference; NULL when the
 * field does not apply. @since 0.1
 */
typedef struct ingroute_match {
	size_t size;
	/** enum ingroute_decision */
	int decision;
	/** enum ingroute_backend_kind */
	int backend_kind;
	/** Namespace of the backend (the declaring Ingress's, or the
	 * default_backend option's). */
	const char *backend_ns;
	/** Service backend: name, and a port number or a port name. */
	const char *service;
	int port_number;
	const char *port_name;
	/** Resource backend: apiGroup (NULL when absent), kind, name. */
	const char *resource_api_group;
	const char *resource_kind;
	const char *resource_name;
	/** The Ingress that declared the rule or default backend; NULL for the
	 * default_backend option. */
	const char *ingress_ns;
	const char *ingress_name;
	/** decision PATH: the rule's host ("" for a rule without one), path
	 * and pathType (enum ingroute_path_type). */
	const char *rule_host;
	const char *rule_path;
	int path_type;
	/** enum ingroute_vhost_kind: the virtual host that decided. */
	int vhost_kind;
	/** enum ingroute_default_source, for decision DEFAULT. */
	int default_source;
} ingroute_match;

/**
 * Routes one request: host is the Host header (or :authority), path the
 * request target's path, each as (pointer, length) and not necessarily
 * NUL-terminated; host may be NULL when host_len is 0. Unless the router
 * was built with INGROUTE_OPT_NO_NORMALIZE both are normalised as
 * docs/semantics.md §4 says first. Paths longer than ingroute_max_path()
 * bytes match no path rule (the default backend still applies).
 * Allocates nothing.
 * Returns 0 (also when the decision is NONE) or INGROUTE_EINVAL for NULL
 * router/out/path with a length, or an out->size below the first layout.
 * @since 0.1
 */
INGROUTE_API int ingroute_router_match(const ingroute_router *router,
                                       const char *host, size_t host_len,
                                       const char *path, size_t path_len,
                                       ingroute_match *out);

/** Longest request path that is matched against path rules (8192). @since 0.1 */
INGROUTE_API size_t ingroute_max_path(void);

/**
 * The TLS answer for an SNI name (docs/semantics.md §8), filled by
 * ingroute_router_tls(). Set size first. @since 0.1
 */
typedef struct ingroute_tls_match {
	size_t size;
	/** 1 when a certificate applies, else 0 and the rest is NULL. */
	int found;
	/** The Secret: the Ingress's namespace and spec.tls[].secretName. */
	const char *secret_ns;
	const char *secret_name;
	/** The spec.tls[].hosts entry that matched ("" for an entry without
	 * hosts, which applies to every name). */
	const char *tls_host;
	const char *ingress_ns;
	const char *ingress_name;
} ingroute_tls_match;

/**
 * Looks up the certificate for an SNI name: an exact host, then a
 * one-label wildcard, then TLS entries without hosts, each by Ingress
 * precedence. The name is normalised as a Host header is. Allocates
 * nothing. Returns 0 or INGROUTE_EINVAL. @since 0.1
 */
INGROUTE_API int ingroute_router_tls(const ingroute_router *router,
                                     const char *sni, size_t sni_len,
                                     ingroute_tls_match *out);

/**
 * Explains a lookup as JSON: the request as given and normalised, the
 * virtual hosts tried and why one was chosen, every candidate path of that
 * host with its verdict ("matched", "shorter", "lost to Exact", "lost on
 * precedence", "element boundary", "case differs", "trailing slash", "no
 * match"), the default-backend step when taken, and the decision (always
 * the one ingroute_router_match() gives). *out is NUL-terminated; free it
 * with ingroute_free(). out_len may be NULL. Allocates; thread-safe.
 * Returns 0, INGROUTE_EINVAL or INGROUTE_ENOMEM. @since 0.1
 */
INGROUTE_API int ingroute_router_explain(const ingroute_router *router,
                                         const char *host, size_t host_len,
                                         const char *path, size_t path_len,
                                         char **out, size_t *out_len);

/**
 * The compiled table as JSON: every virtual host, its paths in precedence
 * order with their backends, its default backend, the global default, and
 * the TLS table. Free with ingroute_free(). Returns 0, INGROUTE_EINVAL or
 * INGROUTE_ENOMEM. @since 0.1
 */
INGROUTE_API int ingroute_router_dump(const ingroute_router *router,
                                      char **out, size_t *out_len);

/**
 * What a router was compiled from and what it holds, counted when it was
 * compiled; filled by ingroute_router_stats(). Set size to
 * sizeof(ingroute_stats) first. Fields are only ever appended.
 * @since 0.2
 */
typedef struct ingroute_stats {
	size_t size;
	/** Ingresses of the ruleset compiled into the router: those served
	 * under the class rules (docs/semantics.md §3). */
	size_t ingresses_served;
	/** Ingresses of the ruleset not served because of their class. */
	size_t ingresses_skipped;
	/** Ingresses whose latest loaded version failed validation and was
	 * dropped (the ruleset keeps an earlier valid version, if any, and that
	 * one is counted as served or skipped too). A later valid version, or
	 * ingroute_ruleset_remove(), takes an Ingress off this count. */
	size_t ingresses_invalid;
	/** Virtual hosts: distinct rule hosts, wildcards and the rules
	 * without a host (docs/semantics.md §5). */
	size_t virtual_hosts;
	/** Path rules compiled, over every virtual host. */
	size_t paths;
	/** Conflict warnings of the compile (INGROUTE_D_CONFLICT: the same
	 * route or a competing default backend in two Ingresses), counted
	 * whether or not diags kept them. */
	size_t conflicts;
	/** Rules that can never match (INGROUTE_D_SHADOWED warnings). */
	size_t shadowed;
	/** TLS entries: one per spec.tls[] host with a secret (one for an
	 * entry without hosts). */
	size_t tls_entries;
	/** Bytes of the index: hash tables, tries, rule and backend records;
	 * strings excluded. */
	size_t index_bytes;
	/** Bytes of strings: hosts, paths, names, kept once each, and the
	 * copies of path keys laid out beside small hosts' rules. */
	size_t string_bytes;
	/** ingroute_ruleset_generation() of the ruleset when this router was
	 * compiled from it. @since 0.3 */
	uint64_t generation;
	/** Served Ingresses with annotations of an ingress controller that
	 * change routing and that ingroute does not apply (each got an
	 * INGROUTE_D_CONTROLLER note when it was loaded). @since 0.5 */
	size_t controller_annotated;
	/** The Gateway API (docs/semantics.md §9): listeners of served
	 * Gateways that take HTTP, HTTPRoutes attached to at least one of
	 * them, and the matches the listeners hold (one per rule match,
	 * listener and hostname). @since 0.5 */
	size_t gateway_listeners;
	size_t httproutes_attached;
	size_t gateway_matches;
} ingroute_stats;

/**
 * Fills *out with the router's counts. Writes the members that fit in
 * out->size and sets out->size to the bytes filled. Allocates nothing,
 * takes constant time, thread-safe. Returns 0, or INGROUTE_EINVAL for a
 * NULL argument or an out->size below the first layout. @since 0.2
 */
INGROUTE_API int ingroute_router_stats(const ingroute_router *router,
                                       ingroute_stats *out);

/** sizeof(ingroute_stats) of this library, for FFI. @since 0.2 */
INGROUTE_API size_t ingroute_stats_size(void);

/** Frees text returned by the library (explain, dump). NULL is a no-op.
 * @since 0.1 */
INGROUTE_API void ingroute_free(void *ptr);

/**
 * Normalises a Host header as lookups do (docs/semantics.md §4): drops
 * ":port" and one trailing dot, lowercases. Returns the length of the
 * whole result, at most len and at most 253, and writes as much of it as
 * fits in cap bytes (no NUL), like snprintf: a return value above cap
 * means only the first cap bytes were written. out may be NULL when cap
 * is 0, to learn the length. Returns 0 when the host can only match
 * rules without a host (empty, an IP literal, not a DNS name). Allocates
 * nothing. Before 0.2 a result that did not fit returned 0. @since 0.1
 */
INGROUTE_API size_t ingroute_normalize_host(const char *host, size_t len,
                                            char *out, size_t cap);

/**
 * Normalises a request path as lookups do (docs/semantics.md §4): cuts
 * the query and fragment, decodes escapes of unreserved characters,
 * removes dot segments, merges runs of '/'. Returns the length of the
 * whole result, never more than len + 1 (a '/' put in front), and writes
 * as much of it as fits in cap bytes (no NUL), like snprintf: a return
 * value above cap means only the first cap bytes were written. out may
 * be NULL when cap is 0, to learn the length. Returns 0 when the path
 * (without its query and fragment) is longer than ingroute_max_path().
 * Allocates nothing. Before 0.2 a result that did not fit returned 0.
 * @since 0.1
 */
INGROUTE_API size_t ingroute_normalize_path(const char *path, size_t len,
                                            char *out, size_t cap);

/* --------------------------------------------- requests (docs/semantics.md §9) */

/**
 * Supplies one request header for ingroute_router_route(): name is
 * lowercase, name_len bytes, not NUL-terminated. Returns 1 and sets
 * *value and *value_len when the request has the header (compared
 * without regard to case), 0 when it has not. For a header sent more
 * than once, give its first value or the values joined by ", " (RFC 9110
 * §5.3). The value must stay valid until ingroute_router_route()
 * returns. Called only while that call runs, from its thread; nothing is
 * copied. @since 0.5
 */
typedef int (*ingroute_header_fn)(void *ctx, const char *name,
                                  size_t name_len, const char **value,
                                  size_t *value_len);

/**
 * One request, as ingroute_router_route() reads it. Set size to
 * sizeof(ingroute_request) first (INGROUTE_REQUEST_INIT). Strings are
 * (pointer, length) and need not be NUL-terminated, except gateway_ns,
 * gateway_name and scheme. Fields are only ever appended. @since 0.5
 */
typedef struct ingroute_request {
	size_t size;
	/** The method ("GET"); may be NULL when method_len is 0 (no method
	 * matches then hold). */
	const char *method;
	size_t method_len;
	/** The Host header or :authority; may be NULL when host_len is 0. */
	const char *host;
	size_t host_len;
	/** The request target: path and query ("/a/b?x=1"). */
	const char *path;
	size_t path_len;
	/** Request headers, for header matches; NULL: the request has none. */
	ingroute_header_fn header;
	void *header_ctx;
	/** A random number from the caller, uniform over 64 bits: a rule with
	 * weighted backends picks backend i when random mod the sum of the
	 * weights falls in its share (docs/semantics.md §9.4). Passing the
	 * same number gets the same backend. */
	uint64_t random;
	/** The Gateway the request arrived at, its namespace and name; both
	 * NULL route by the Ingresses (the answer of ingroute_router_match()). */
	const char *gateway_ns;
	const char *gateway_name;
	/** The listener port it arrived at; 0: every listener of the
	 * Gateway. */
	unsigned int port;
	/** "http" or "https", for redirects that keep the scheme; NULL is
	 * "http". */
	const char *scheme;
} ingroute_request;

/** Static initialiser: no method, host, path, headers; the Ingresses.
 * @since 0.5 */
#define INGROUTE_REQUEST_INIT { sizeof(ingroute_request), NULL, 0, NULL, 0, \
	NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL }

/** What answered a request. @since 0.5 */
enum ingroute_route_source {
	/** Nothing: decision NONE. */
	INGROUTE_SOURCE_NONE = 0,
	/** An Ingress rule or default backend. */
	INGROUTE_SOURCE_INGRESS = 1,
	/** An HTTPRoute rule. */
	INGROUTE_SOURCE_HTTPROUTE = 2
};

/**
 * The answer to ingroute_router_route(). Set size first. Pointers point
 * into the router and stay valid while the caller holds its reference;
 * NULL when the field does not apply. For a request without a Gateway,
 * every field ingroute_match has holds what ingroute_router_match()
 * gives, with route_ns and route_name the Ingress's. @since 0.5
 */
typedef struct ingroute_route {
	size_t size;
	/** enum ingroute_route_source */
	int source;
	/** enum ingroute_decision: PATH when a rule matched (an HTTPRoute's
	 * too), DEFAULT for an Ingress default backend, NONE. */
	int decision;
	/** 0: forward to the backend below. Otherwise the status the proxy
	 * answers with itself: 404 (nothing matched), 500 (the rule matched
	 * but its chosen backend cannot be used: docs/semantics.md §9.4), or
	 * a redirect's 301, 302, 303, 307 or 308
	 * (ingroute_route_location() gives the Location). */
	int status;
	/** enum ingroute_backend_kind, and the backend as ingroute_match
	 * gives it; for an HTTPRoute, backend_ns is the backendRef's
	 * namespace and resource_* name a backendRef of another kind. */
	int backend_kind;
	const char *backend_ns;
	const char *service;
	int port_number;
	const char *port_name;
	const char *resource_api_group;
	const char *resource_kind;
	const char *resource_name;
	/** The Ingress or HTTPRoute that answered. */
	const char *route_ns;
	const char *route_name;
	/** The rule's host ("" for none; an HTTPRoute's: the hostname its
	 * listener and route agree on), path and path type (enum
	 * ingroute_path_type). */
	const char *rule_host;
	const char *rule_path;
	int path_type;
	/** Ingress: enum ingroute_vhost_kind and enum
	 * ingroute_default_source, as ingroute_match. */
	int vhost_kind;
	int default_source;
	/** HTTPRoute: the Gateway and listener (its name) that took the
	 * request. */
	const char *gateway_ns;
	const char *gateway_name;
	const char *listener;
	/** HTTPRoute: the rule's index in spec.rules and its name (NULL when
	 * it has none), and the index of the match in its matches (-1: the
	 * default match). -1 and NULL for an Ingress. */
	int rule_index;
	const char *rule_name;
	int match_index;
	/** HTTPRoute: the chosen backendRef's index in the rule and its
	 * weight; -1 and 0 for none. */
	int backend_index;
	unsigned int weight;
	/** Filters to apply, the rule's then the chosen backendRef's
	 * (ingroute_route_filter() reads them). */
	size_t filters;
	/** Bytes of the normalised path that a PathPrefix match covered (what
	 * ReplacePrefixMatch replaces). */
	size_t matched_prefix;
	/** For the library's own use. */
	const void *internal_[2];
} ingroute_route;

/**
 * Routes one request (docs/semantics.md §9.4). Without gateway_ns and
 * gateway_name, the Ingresses answer, exactly as ingroute_router_match()
 * does for the host and the path (the query is cut); method and headers
 * are not read. With them, that Gateway's listeners and the HTTPRoutes
 * attached to them answer: hostnames, path, method, headers and query
 * parameters, ranked as the Gateway API ranks them, then the rule's
 * backends by weight. Allocates nothing, takes no lock; thread-safe on
 * one router. Returns 0 (also for status 404 and 500) or INGROUTE_EINVAL
 * for a NULL argument, a size below the first layout, or only one of
 * gateway_ns and gateway_name. @since 0.5
 */
INGROUTE_API int ingroute_router_route(const ingroute_router *router,
                                       const ingroute_request *req,
                                       ingroute_route *out);

/**
 * Explains ingroute_router_route() for a request, as JSON. Without a
 * Gateway it is ingroute_router_explain() for the host and path. Through
 * one: the request as given and normalised, the Gateway's listeners with
 * why one took it (none: "notServed" says why, as the Gateway's
 * INGROUTE_D_CLASS note does, or "no such Gateway"), the virtual hosts of that listener in the order they
 * are tried (exact host, wildcards, any host) and whether each serves
 * the host, every candidate match of those that do in precedence order
 * with its verdict ("matched", "matches, lower precedence", "path
 * differs", "method differs", "header NAME differs", "query parameter
 * NAME differs"), and the decision (always the one
 * ingroute_router_route() gives). Free *out with ingroute_free().
 * Allocates; thread-safe. Returns 0, ingroute_router_route()'s
 * INGROUTE_EINVAL cases, or INGROUTE_ENOMEM. @since 0.5
 */
INGROUTE_API int ingroute_router_explain_request(const ingroute_router *router,
                                                 const ingroute_request *req,
                                                 char **out, size_t *out_len);

/** The kind of an HTTPRoute filter. @since 0.5 */
enum ingroute_filter_type {
	INGROUTE_FILTER_REQUEST_HEADER = 1,
	INGROUTE_FILTER_RESPONSE_HEADER = 2,
	INGROUTE_FILTER_REDIRECT = 3,
	INGROUTE_FILTER_URL_REWRITE = 4,
	INGROUTE_FILTER_MIRROR = 5,
	INGROUTE_FILTER_EXTENSION = 6
};

/** What a header modifier does to one header. @since 0.5 */
enum ingroute_header_op {
	/** Replace the header's values with value (add it when absent). */
	INGROUTE_HEADER_SET = 1,
	/** Add value to the header's values. */
	INGROUTE_HEADER_ADD = 2,
	/** Remove the header; value is NULL. */
	INGROUTE_HEADER_REMOVE = 3
};

/** One header change; this struct never grows. @since 0.5 */
typedef struct ingroute_header_edit {
	int op;
	const char *name;
	const char *value;
} ingroute_header_edit;

/** How a redirect or rewrite changes the path. @since 0.5 */
enum ingroute_path_modifier {
	INGROUTE_PATH_KEEP = 0,
	/** Replace the whole path with path. */
	INGROUTE_PATH_REPLACE_FULL = 1,
	/** Replace the prefix the PathPrefix match covered with path. */
	INGROUTE_PATH_REPLACE_PREFIX = 2
};

/**
 * One filter, as data for the proxy to apply; filled by
 * ingroute_route_filter(). Set size first. Strings point into the router.
 * Fields that the type does not use are NULL or 0. @since 0.5
 */
typedef struct ingroute_filter {
	size_t size;
	/** enum ingroute_filter_type */
	int type;
	/** REQUEST_HEADER, RESPONSE_HEADER: the changes, in order (every
	 * set, then every add, then every remove). */
	const ingroute_header_edit *edits;
	size_t nedits;
	/** REDIRECT: scheme (NULL: keep), hostname (NULL: keep), port (0:
	 * as docs/semantics.md §9.5 says), status code. URL_REWRITE:
	 * hostname (NULL: keep). Both: path_modifier and path. */
	const char *scheme;
	const char *hostname;
	int port;
	int status_code;
	/** enum ingroute_path_modifier */
	int path_modifier;
	const char *path;
	/** MIRROR: the backend (namespace, Service, port) and the share of
	 * requests to mirror, numerator / denominator (100 / 100: all).
	 * Decide each mirror with a number of its own, not the request's
	 * random number as it is: that one picked the backend, and a share
	 * drawn from it would copy exactly the requests of one weighted
	 * backend (the examples mix it with the mirror's place). */
	const char *mirror_ns;
	const char *mirror_service;
	int mirror_port;
	int mirror_numerator;
	int mirror_denominator;
	/** EXTENSION: the reference, for the proxy to interpret. */
	const char *ext_group;
	const char *ext_kind;
	const char *ext_name;
} ingroute_filter;

/**
 * Fills *out with filter `index` (below route->filters) of a result of
 * ingroute_router_route(), which must still be held. Returns 0,
 * INGROUTE_EINVAL (NULL, a size below the first layout), or
 * INGROUTE_ENOENT for an index past the last. @since 0.5
 */
INGROUTE_API int ingroute_route_filter(const ingroute_route *route,
                                       size_t index, ingroute_filter *out);

/**
 * The Location of a redirect (route->status 301 to 308) for req:
 * scheme://host[:port]/path[?query] per docs/semantics.md §9.5. Writes
 * as much as fits in cap bytes (no NUL) and returns the whole length,
 * like snprintf; 0 when route is no redirect. Allocates nothing.
 * @since 0.5
 */
INGROUTE_API size_t ingroute_route_location(const ingroute_request *req,
                                            const ingroute_route *route,
                                            char *out, size_t cap);

/**
 * The path and query to send upstream for req: the normalised path, with
 * a URLRewrite filter's path change applied, and the query as received.
 * Like snprintf, as ingroute_route_location(). Allocates nothing.
 * @since 0.5
 */
INGROUTE_API size_t ingroute_route_upstream_path(const ingroute_request *req,
                                                 const ingroute_route *route,
                                                 char *out, size_t cap);

/** sizeof(ingroute_request) of this library, for FFI. @since 0.5 */
INGROUTE_API size_t ingroute_request_size(void);
/** sizeof(ingroute_route) of this library, for FFI. @since 0.5 */
INGROUTE_API size_t ingroute_route_size(void);
/** sizeof(ingroute_filter) of this library, for FFI. @since 0.5 */
INGROUTE_API size_t ingroute_filter_size(void);

/** sizeof(ingroute_match) of this library, for FFI. @since 0.1 */
INGROUTE_API size_t ingroute_match_size(void);

/** sizeof(ingroute_tls_match) of this library, for FFI. @since 0.1 */
INGROUTE_API size_t ingroute_tls_match_size(void);

/** sizeof(ingroute_diag) of this library, for FFI. @since 0.1 */
INGROUTE_API size_t ingroute_diag_size(void);

/** sizeof(ingroute_ingress_info) of this library, for FFI. @since 0.1 */
INGROUTE_API size_t ingroute_ingress_info_size(void);

#ifdef __cplusplus
}
#endif

#endif /* INGROUTE_H */
