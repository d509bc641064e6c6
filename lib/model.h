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

enum ig_obj_kind { IG_OBJ_INGRESS = 1, IG_OBJ_CLASS = 2 };

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

	/* IngressClass */
	ig_str controller;
	ig_params *params;     /* spec.parameters, when given */
	uint8_t is_default;
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
/* "Ingress" or "IngressClass". */
const char *ingroute__object_kind_name(const ig_object *o);
/* The API's spelling of a path type (IG_PT_EXACT .. IG_PT_IMPL, the same
 * values as enum ingroute_path_type), or NULL for any other value. */
const char *ingroute__path_type_name(int type);
/* The path type a pathType string names, or IG_PT_OTHER. */
int ingroute__path_type_parse(const char *s, size_t n);

#endif /* INGROUTE_MODEL_H */
