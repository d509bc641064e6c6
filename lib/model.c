/*
 * The object model's few operations: freeing an object, reading its
 * annotations, and the names of its enumerations, so that decode.c,
 * validate.c, the ruleset and compile.c spell them alike.
 */
#include <string.h>

#include "model.h"

void ingroute__object_free(ig_object *o)
{
	ig_alloc a;

	if (!o)
		return;
	a = *o->arena.alloc;
	ingroute__arena_free(&o->arena);
	ingroute__free(&a, o);
}

const ig_str *ingroute__object_annotation(const ig_object *o, const char *key)
{
	size_t klen = strlen(key);
	uint32_t i;

	for (i = 0; i < o->nannotations; i++)
		if (o->annotations[i].key.len == klen &&
		    memcmp(o->annotations[i].key.s, key, klen) == 0)
			return &o->annotations[i].value;
	return NULL;
}

/* Indexed by enum ig_obj_kind. */
static const char *const kind_names[] = {
	"", "Ingress", "IngressClass", "GatewayClass", "Gateway", "HTTPRoute",
	"ReferenceGrant", "Service", "Namespace"
};

const char *ingroute__object_kind_name(const ig_object *o)
{
	return o->kind < IG_ARRAY_LEN(kind_names) ? kind_names[o->kind] : "";
}

/* Indexed by enum ig_filter_type: the type's name, and the field of the
 * filter that holds its settings. */
static const char *const filter_types[][2] = {
	{ "", "" },
	{ "RequestHeaderModifier", "requestHeaderModifier" },
	{ "ResponseHeaderModifier", "responseHeaderModifier" },
	{ "RequestRedirect", "requestRedirect" },
	{ "URLRewrite", "urlRewrite" },
	{ "RequestMirror", "requestMirror" },
	{ "ExtensionRef", "extensionRef" },
	{ "CORS", "cors" },
};

const char *ingroute__filter_type_name(int type)
{
	return type > 0 && type < (int)IG_ARRAY_LEN(filter_types)
		? filter_types[type][0] : "";
}

const char *ingroute__filter_field_name(int type)
{
	return type > 0 && type < (int)IG_ARRAY_LEN(filter_types)
		? filter_types[type][1] : "";
}

int ingroute__object_kind_parse(const char *name)
{
	size_t i;

	for (i = 1; i < IG_ARRAY_LEN(kind_names); i++)
		if (strcmp(name, kind_names[i]) == 0)
			return (int)i;
	return 0;
}

int ingroute__object_is_gateway_api(const ig_object *o)
{
	return o->kind >= IG_OBJ_GATEWAY_CLASS;
}

/* Indexed by enum ig_path_type. */
static const char *const path_type_names[] = {
	NULL, "Exact", "Prefix", "ImplementationSpecific"
};

const char *ingroute__path_type_name(int type)
{
	if (type < IG_PT_EXACT || type > IG_PT_IMPL)
		return NULL;
	return path_type_names[type];
}

int ingroute__path_type_parse(const char *s, size_t n)
{
	int t;

	for (t = IG_PT_EXACT; t <= IG_PT_IMPL; t++)
		if (n == strlen(path_type_names[t]) &&
		    memcmp(s, path_type_names[t], n) == 0)
			return t;
	return IG_PT_OTHER;
}

/* Annotations by which ingress controllers change routing beyond the
 * Ingress API (docs/semantics.md §2.4): regular-expression paths,
 * rewrites, redirects, canaries, priorities, extra match conditions.
 * Each controller's keys share its prefix; a key ending in '*' stands for
 * every key that starts with what comes before it. */
typedef struct controller_keys {
	const char *controller;
	const char *prefix;
	const char *const *keys;
} controller_keys;

static const char *const nginx_keys[] = {
	"use-regex", "rewrite-target", "app-root", "permanent-redirect",
	"permanent-redirect-code", "temporal-redirect", "temporal-redirect-code",
	"ssl-redirect", "force-ssl-redirect", "from-to-www-redirect",
	"preserve-trailing-slash", "canary", "canary-*", "default-backend",
	"custom-http-errors", "server-alias", "server-snippet",
	"configuration-snippet", "upstream-vhost", "x-forwarded-prefix",
	"mirror-target", "mirror-host", NULL
};
static const char *const traefik_keys[] = {
	"router.entrypoints", "router.middlewares", "router.priority",
	"router.pathmatcher", "router.rulesyntax", "router.tls",
	/* Traefik 1 */
	"rule-type", "rewrite-target", "redirect-entry-point",
	"redirect-permanent", "redirect-regex", "redirect-replacement",
	"app-root", "priority", "frontend-entry-points", "request-modifier",
	NULL
};
static const char *const haproxytech_keys[] = {
	"path-rewrite", "request-redirect", "request-redirect-code",
	"ssl-redirect", "ssl-redirect-code", "ssl-redirect-port", "route-acl",
	"set-host", "backend-config-snippet", NULL
};
static const char *const haproxy_ingress_keys[] = {
	"path-type", "rewrite-target", "app-root", "ssl-redirect",
	"redirect-to", "redirect-from", "config-backend", NULL
};
static const char *const contour_keys[] = { "websocket-routes", NULL };
static const char *const contour_generic_keys[] = {
	"ingress.kubernetes.io/force-ssl-redirect",
	"kubernetes.io/ingress.allow-http", NULL
};
static const char *const kong_keys[] = {
	"strip-path", "path", "methods", "headers.*", "protocols",
	"https-redirect-status-code", "regex-priority", "regex-prefix",
	"path-handling", "host-aliases", "snis", "rewrite", "plugins",
	"override", NULL
};

static const controller_keys controllers[] = {
	{ "ingress-nginx", "nginx.ingress.kubernetes.io/", nginx_keys },
	{ "Traefik", "traefik.ingress.kubernetes.io/", traefik_keys },
	{ "HAProxy", "haproxy.org/", haproxytech_keys },
	{ "HAProxy", "haproxy.com/", haproxytech_keys },
	{ "HAProxy Ingress", "haproxy-ingress.github.io/", haproxy_ingress_keys },
	{ "Contour", "projectcontour.io/", contour_keys },
	{ "Contour", "", contour_generic_keys },
	{ "Kong", "konghq.com/", kong_keys },
};

const char *ingroute__controller_key(const char *key, size_t n)
{
	size_t c;

	for (c = 0; c < IG_ARRAY_LEN(controllers); c++) {
		const controller_keys *t = &controllers[c];
		size_t pl = strlen(t->prefix);
		const char *const *k;

		if (n < pl || memcmp(key, t->prefix, pl) != 0)
			continue;
		for (k = t->keys; *k; k++) {
			size_t kl = strlen(*k);

			if ((*k)[kl - 1] == '*' ? n - pl >= kl - 1 &&
			                          memcmp(key + pl, *k, kl - 1) == 0
			                        : n - pl == kl &&
			                          memcmp(key + pl, *k, kl) == 0)
				return t->controller;
		}
	}
	return NULL;
}

size_t ingroute__controller_keys(const ig_object *o)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < o->nannotations; i++)
		n += ingroute__controller_key(o->annotations[i].key.s,
		                              o->annotations[i].key.len) != NULL;
	return n;
}
