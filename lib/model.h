/*
 * The object model: Ingresses and IngressClasses as typed structs, every
 * field with its source position. decode.c fills it, validate.c and the
 * ruleset read it, compile.c turns the served ones into a router.
 */
#ifndef INGROUTE_MODEL_H
#define INGROUTE_MODEL_H

#include "internal.h"

enum ig_path_type {
	IG_PT_NONE = 0,     /* pathType absent */
	IG_PT_EXACT = 1,
	IG_PT_PREFIX = 2,
	IG_PT_IMPL = 3,
	IG_PT_OTHER = 4     /* present but not one of the three */
};

/* A string field as read: s == NULL when absent (or null). */
typedef struct ig_str {
	const char *s;
	uint32_t len;
	ig_pos pos;
} ig_str;

typedef struct ig_backend {
	ig_pos pos;
	uint8_t has_service;
	uint8_t has_resource;
	uint8_t has_port;
	ig_pos service_pos;
	ig_pos port_pos;
	ig_str service;
	ig_str port_name;
	int32_t port_number;   /* 0: absent */
	ig_pos port_number_pos;
	ig_pos resource_pos;
	ig_str api_group;
	ig_str kind;
	ig_str res_name;
} ig_backend;

typedef struct ig_path {
	ig_pos pos;            /* the paths[i] mapping */
	ig_str path;
	ig_str path_type_str;
	uint8_t path_type;     /* enum ig_path_type */
	ig_backend backend;
} ig_path;

typedef struct ig_rule {
	ig_pos pos;
	ig_str host;
	uint8_t has_http;
	ig_pos http_pos;
	ig_pos paths_pos;      /* http.paths when present, else http */
	ig_path *paths;
	uint32_t npaths;
} ig_rule;

typedef struct ig_tls {
	ig_pos pos;
	ig_str *hosts;
	uint32_t nhosts;
	ig_pos hosts_pos;
	ig_str secret;
} ig_tls;

typedef struct ig_kv {
	ig_str key;
	ig_str value;
} ig_kv;

/* metadata.ownerReferences[i] */
typedef struct ig_owner {
	ig_pos pos;
	ig_str api_version;
	ig_str kind;
	ig_str name;
	ig_str uid;
	uint8_t controller;    /* 0 absent, 1 false, 2 true */
	uint8_t block;         /* blockOwnerDeletion, likewise */
} ig_owner;

/* IngressClass spec.parameters */
typedef struct ig_params {
	ig_pos pos;
	ig_str api_group;
	ig_str kind;
	ig_str name;
	ig_str scope;
	ig_str ns;
} ig_params;


/* ---- Gateway API (gateway.networking.k8s.io/v1; docs/semantics.md §9) */

/* A kind and its API group, as references write them. */
typedef struct ig_gkind {
	ig_pos pos;
	ig_str group;
	ig_str kind;
} ig_gkind;

/* A label selector: matchLabels and matchExpressions. */
typedef struct ig_expr {
	ig_pos pos;
	ig_str key;
	ig_str op;             /* In, NotIn, Exists, DoesNotExist */
	ig_str *values;
	uint32_t nvalues;
} ig_expr;

typedef struct ig_selector {
	ig_pos pos;
	ig_kv *labels;
	uint32_t nlabels;
	ig_expr *exprs;
	uint32_t nexprs;
} ig_selector;

enum ig_from { IG_FROM_SAME = 0, IG_FROM_ALL, IG_FROM_SELECTOR, IG_FROM_NONE,
               IG_FROM_OTHER };

/* A list of strings as given: given is 0 when the field is absent (or
 * null), so that an empty list is told from none. */
typedef struct ig_strs {
	ig_str *s;
	uint32_t n;
	ig_pos pos;
	uint8_t given;
} ig_strs;

/* A map of strings as given (infrastructure labels, TLS options). */
typedef struct ig_kvs {
	ig_kv *kv;
	uint32_t n;
	ig_pos pos;
	uint8_t given;
} ig_kvs;

typedef struct ig_listener {
	ig_pos pos;
	ig_str name;
	ig_str hostname;
	ig_str protocol;
	int32_t port;
	ig_pos port_pos;
	ig_str from_str;       /* allowedRoutes.namespaces.from */
	uint8_t from;          /* enum ig_from; Same when absent */
	ig_selector *selector; /* allowedRoutes.namespaces.selector */
	ig_gkind *kinds;       /* allowedRoutes.kinds */
	uint32_t nkinds;
	uint8_t has_kinds;
	uint8_t has_tls;
	/* tls, for validation: mode as given, certificateRefs, options */
	ig_pos tls_pos;
	ig_str tls_mode;
	struct ig_ref *certs;
	uint32_t ncerts;
	ig_pos certs_pos;
	uint8_t has_certs;
	ig_kvs tls_options;
} ig_listener;

/* A parentRef, a backendRef, a mirror's backendRef: what a reference
 * names, with the defaults of its kind not yet applied (absent fields
 * have s == NULL). */
typedef struct ig_ref {
	ig_pos pos;
	ig_str group;
	ig_str kind;
	ig_str ns;
	ig_str name;
	ig_str section;        /* parentRef sectionName */
	int32_t port;          /* 0: absent */
	ig_pos port_pos;
} ig_ref;

enum ig_match_type { IG_MT_EXACT = 1, IG_MT_PREFIX = 2, IG_MT_REGEX = 3,
                     IG_MT_OTHER = 4 };

/* A header or query parameter match. */
typedef struct ig_value_match {
	ig_pos pos;
	ig_str type_str;
	uint8_t type;          /* enum ig_match_type; Exact when absent */
	ig_str name;
	ig_str value;
} ig_value_match;

typedef struct ig_http_match {
	ig_pos pos;
	uint8_t has_path;
	ig_pos path_pos;
	ig_str path_type_str;
	uint8_t path_type;     /* enum ig_match_type; PathPrefix when absent */
	ig_str path_value;     /* "/" when absent */
	ig_value_match *headers;
	uint32_t nheaders;
	ig_value_match *query;
	uint32_t nquery;
	ig_str method;
} ig_http_match;

enum ig_header_op { IG_HOP_SET = 1, IG_HOP_ADD = 2, IG_HOP_REMOVE = 3 };

typedef struct ig_header_edit {
	ig_pos pos;
	uint8_t op;            /* enum ig_header_op */
	ig_str name;
	ig_str value;          /* s NULL for remove */
} ig_header_edit;

enum ig_filter_type {
	IG_FT_REQUEST_HEADER = 1, IG_FT_RESPONSE_HEADER, IG_FT_REDIRECT,
	IG_FT_REWRITE, IG_FT_MIRROR, IG_FT_EXTENSION,
	/* validated, not routed: a rule's filters list holds no CORS filter
	 * (docs/semantics.md §9.5) */
	IG_FT_CORS,
	IG_FT_OTHER
};

enum ig_path_mod { IG_PM_NONE = 0, IG_PM_FULL = 1, IG_PM_PREFIX = 2,
                   IG_PM_OTHER = 3 };

typedef struct ig_filter {
	ig_pos pos;
	ig_str type_str;
	uint8_t type;          /* enum ig_filter_type */
	ig_pos body_pos;       /* the type's own field, or pos */
	uint8_t has_body;      /* the field the type names is set */
	uint8_t body_mask;     /* 1 << type of each type field set */
	/* RequestHeaderModifier, ResponseHeaderModifier: set, add, remove
	 * in that order */
	ig_header_edit *edits;
	uint32_t nedits;
	/* RequestRedirect, URLRewrite */
	ig_str scheme;
	ig_str hostname;
	ig_pos path_pos;
	ig_str path_mod_str;
	uint8_t path_mod;      /* enum ig_path_mod */
	ig_str path_value;     /* replaceFullPath or replacePrefixMatch */
	ig_str full_path;      /* as given, for the type's CEL rules */
	ig_str prefix_path;
	int32_t port;
	ig_pos port_pos;
	int32_t status;        /* statusCode; 302 when absent */
	ig_pos status_pos;
	/* RequestMirror */
	ig_ref mirror;
	int32_t percent;       /* -1 absent */
	int32_t num, den;      /* fraction; den 100 when absent */
	uint8_t has_fraction;
	/* ExtensionRef */
	ig_ref ext;
	/* RequestMirror: where percent and the fraction's fields are, when
	 * given */
	ig_pos percent_pos;
	ig_pos fraction_pos;
	ig_pos num_pos;
	ig_pos den_pos;
	uint8_t has_mirror_ref;
	/* CORS */
	ig_strs cors_origins;
	ig_strs cors_methods;
	ig_strs cors_allow_headers;
	ig_strs cors_expose_headers;
	int32_t cors_max_age;
	ig_pos cors_max_age_pos;
	/* header modifiers: where set, add and remove are */
	ig_pos edit_lists_pos[4];
} ig_filter;

typedef struct ig_backend_ref {
	ig_ref ref;
	int32_t weight;        /* 1 when absent */
	ig_pos weight_pos;
	ig_filter *filters;
	uint32_t nfilters;
	/* every filter as given, CORS included, for validation; filters
	 * above are those the answer carries */
	ig_filter *all_filters;
	uint32_t nall_filters;
	ig_pos filters_pos;
} ig_backend_ref;

typedef struct ig_http_rule {
	ig_pos pos;
	ig_str name;
	ig_http_match *matches;
	uint32_t nmatches;     /* 0: the default match (PathPrefix /) */
	ig_pos matches_pos;
	ig_filter *filters;
	uint32_t nfilters;
	ig_pos filters_pos;
	ig_backend_ref *backends;
	uint32_t nbackends;
	/* as ig_backend_ref's */
	ig_filter *all_filters;
	uint32_t nall_filters;
	uint8_t has_matches;   /* matches given, even empty */
	ig_pos backends_pos;
	uint8_t has_timeouts;
	ig_pos timeouts_pos;
	ig_str timeout_request;
	ig_str timeout_backend;
} ig_http_rule;

/* ReferenceGrant from[] and to[] entries. */
typedef struct ig_grant {
	ig_pos pos;
	ig_str group;
	ig_str kind;
	ig_str ns;             /* from[] */
	ig_str name;           /* to[]; absent: every name */
} ig_grant;

/* Gateway spec.addresses[i] */
typedef struct ig_address {
	ig_pos pos;
	ig_str type;           /* absent: IPAddress */
	ig_str value;
} ig_address;

/* A Gateway's spec.tls.frontend default or perPort[i].tls: validation */
typedef struct ig_tls_validation {
	ig_pos pos;
	uint8_t given;
	struct ig_ref *refs;   /* caCertificateRefs */
	uint32_t nrefs;
	ig_pos refs_pos;
	uint8_t has_refs;
	ig_str mode;
} ig_tls_validation;

typedef struct ig_tls_port {
	ig_pos pos;
	int32_t port;
	ig_pos port_pos;       /* line 0: absent */
	uint8_t has_tls;
	ig_tls_validation validation;
} ig_tls_port;

/* What a Gateway's spec has besides its class and listeners, and a
 * GatewayClass's besides its controller: read for validation only. */
typedef struct ig_gateway_spec {
	/* Gateway */
	ig_address *addresses;
	uint32_t naddresses;
	ig_pos addresses_pos;
	ig_kvs infra_labels;
	ig_kvs infra_annotations;
	struct ig_ref *infra_params;
	uint8_t has_allowed_listeners;
	ig_str listeners_from;
	ig_selector *listeners_selector;
	uint8_t has_frontend;
	ig_pos frontend_pos;
	uint8_t has_default;
	ig_tls_validation default_validation;
	ig_tls_port *per_port;
	uint32_t nper_port;
	ig_pos per_port_pos;
	struct ig_ref *client_cert;
	/* GatewayClass */
	ig_str description;
	struct ig_ref *class_params;
} ig_gateway_spec;

typedef struct ig_svc_port {
	ig_pos pos;
	ig_str name;
	int32_t port;
	ig_str app_protocol;
} ig_svc_port;

enum ig_obj_kind {
	IG_OBJ_INGRESS = 1,
	IG_OBJ_CLASS = 2,
	IG_OBJ_GATEWAY_CLASS = 3,
	IG_OBJ_GATEWAY = 4,
	IG_OBJ_HTTPROUTE = 5,
	IG_OBJ_GRANT = 6,      /* ReferenceGrant */
	IG_OBJ_SERVICE = 7,    /* v1 Service: its name and ports */
	IG_OBJ_NAMESPACE = 8   /* v1 Namespace: its labels */
};

/* An Ingress or an IngressClass, with everything it owns in its arena. */
typedef struct ig_object {
	ig_arena arena;
	uint8_t kind;          /* enum ig_obj_kind */
	const char *file;      /* in arena; NULL for an unnamed buffer */
	ig_pos pos;            /* the object mapping */
	ig_pos meta_pos;
	ig_str ns;
	ig_str name;
	ig_str generate_name;  /* metadata.generateName */
	uint8_t generated;     /* no name: named generate_name + "*" */
	ig_str *finalizers;
	uint32_t nfinalizers;
	ig_pos finalizers_pos;
	ig_owner *owners;
	uint32_t nowners;
	ig_pos owners_pos;
	ig_kv *annotations;
	uint32_t nannotations;
	ig_pos annotations_pos;
	ig_kv *labels;
	uint32_t nlabels;
	ig_pos labels_pos;
	uint8_t has_ts;
	int64_t ts;            /* creationTimestamp: seconds since the epoch */
	int32_t ts_nsec;       /* and nanoseconds */
	uint64_t seq;          /* arrival order in the ruleset */
	uint8_t rejected;      /* failed decoding or validation */
	uint8_t newer_rejected;/* a later version in the same load failed */
	uint64_t digest;       /* what routing reads of it: equal digests, no
	                        * change (docs/semantics.md §1.6) */
	ig_str resource_version; /* metadata.resourceVersion, when given */

	/* Ingress */
	ig_pos spec_pos;
	ig_str class_name;     /* spec.ingressClassName */
	ig_backend *default_backend;
	ig_rule *rules;
	uint32_t nrules;
	ig_tls *tls;
	uint32_t ntls;

	/* IngressClass; GatewayClass (spec.controllerName) */
	ig_str controller;
	ig_params *params;     /* spec.parameters, when given */
	uint8_t is_default;

	uint8_t has_spec;      /* a Gateway API object's spec is given */
	/* Gateway: spec.gatewayClassName is class_name */
	ig_listener *listeners;
	uint32_t nlisteners;
	ig_pos listeners_pos;
	/* HTTPRoute */
	ig_ref *parents;
	uint32_t nparents;
	ig_pos parents_pos;
	ig_str *hostnames;
	uint32_t nhostnames;
	ig_pos hostnames_pos;
	ig_http_rule *http_rules;
	uint32_t nhttp_rules;  /* 0: one default rule, not stored */
	ig_pos rules_pos;
	/* ReferenceGrant */
	ig_grant *grant_from;
	uint32_t ngrant_from;
	ig_grant *grant_to;
	uint32_t ngrant_to;
	/* Service */
	ig_svc_port *ports;
	uint32_t nports;
	ig_str svc_type;
	/* Gateway, GatewayClass: the rest of the spec, for validation */
	ig_gateway_spec *gw;
	uint8_t has_rules;     /* HTTPRoute spec.rules given, even empty */
} ig_object;

/* Frees an object and everything in its arena; NULL is a no-op. */
void ingroute__object_free(ig_object *o);
/* The value of an annotation, or NULL. */
const ig_str *ingroute__object_annotation(const ig_object *o, const char *key);
/* The ingress controller whose routing annotation key is (an
 * annotation ingroute does not apply, docs/semantics.md §2.4), or NULL. */
const char *ingroute__controller_key(const char *key, size_t n);
/* How many of an object's annotations are such keys. */
size_t ingroute__controller_keys(const ig_object *o);
/* The object's kind: "Ingress", "IngressClass", "HTTPRoute", ... */
const char *ingroute__object_kind_name(const ig_object *o);
/* The API's spelling of a path type (IG_PT_EXACT .. IG_PT_IMPL, the same
 * values as enum ingroute_path_type), or NULL for any other value. */
const char *ingroute__path_type_name(int type);
/* The path type a pathType string names, or IG_PT_OTHER. */
int ingroute__path_type_parse(const char *s, size_t n);
/* An HTTPRoute filter type's name ("URLRewrite") and the field holding
 * its settings ("urlRewrite"), for IG_FT_REQUEST_HEADER .. IG_FT_CORS;
 * "" for any other value. */
const char *ingroute__filter_type_name(int type);
const char *ingroute__filter_field_name(int type);
/* The enum ig_obj_kind a kind name spells, or 0. */
int ingroute__object_kind_parse(const char *name);
/* 1 for the kinds of the Gateway API and the core kinds it reads. */
int ingroute__object_is_gateway_api(const ig_object *o);

#endif /* INGROUTE_MODEL_H */
