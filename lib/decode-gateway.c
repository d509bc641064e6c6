/*
 * Document trees into typed objects of the Gateway API
 * (gateway.networking.k8s.io: GatewayClass, Gateway, HTTPRoute,
 * ReferenceGrant) and the two core kinds its routing reads: a Service's
 * ports and a Namespace's labels (docs/semantics.md §9).
 *
 * As for Ingress, this is the shape the API server decodes before it
 * validates: types, ranges, duplicate keys and unknown fields. Services
 * and Namespaces are only read: their other fields are not ingroute's to
 * check, so they get no unknown-field warnings.
 */
#include <string.h>

#include "decode-walk.h"
#include "decode-gateway.h"

static ig_str *new_strs(dec *d, const ig_node *n, uint32_t *count)
{
	ig_str *out = NULL;

	*count = 0;
	decode_strings(d, n, &out, count);
	return out;
}

/* A list field: each item decoded by fn into an array of elem bytes. */
typedef void (*item_fn)(dec *d, const ig_node *n, void *out);

static void *decode_list(dec *d, const ig_node *map, const char *name,
                         size_t elem, item_fn fn, uint32_t *count,
                         ig_pos *pos)
{
	const ig_node *n = ingroute__map_getn(map, name, strlen(name));
	size_t mark = push_field(d, name), i;
	char *arr = NULL;

	*count = 0;
	if (pos)
		*pos = n ? n->pos : map->pos;
	if (want_seq(d, n) > 0 && (arr = items(d, n, elem))) {
		for (i = 0; i < n->n && !d->oom; i++) {
			size_t m2 = push_index(d, i);

			fn(d, n->u.kids[i], arr + i * elem);
			pop(d, m2);
		}
		*count = n->n;
	}
	pop(d, mark);
	return arr;
}

/* A map field: returns the node when it is a mapping (path pushed; the
 * caller pops *mark), else NULL (nothing pushed). */
static const ig_node *enter_map(dec *d, const ig_node *map, const char *name,
                                size_t *mark)
{
	const ig_node *n = ingroute__map_getn(map, name, strlen(name));

	*mark = push_field(d, name);
	if (want_map(d, n) > 0)
		return n;
	pop(d, *mark);
	return NULL;
}

static void field_int32(dec *d, const ig_node *map, const char *name,
                        int32_t *out, ig_pos *pos)
{
	const ig_node *n = ingroute__map_getn(map, name, strlen(name));
	size_t mark = push_field(d, name);

	if (read_int32(d, n, out) > 0 && pos)
		*pos = n->pos;
	pop(d, mark);
}

static int str_is(const ig_str *s, const char *lit)
{
	return s->s && s->len == strlen(lit) && memcmp(s->s, lit, s->len) == 0;
}

/* A list of strings, told given or not. */
static void field_strs(dec *d, const ig_node *map, const char *name,
                       ig_strs *out)
{
	const ig_node *n = ingroute__map_getn(map, name, strlen(name));
	size_t mark = push_field(d, name);

	out->pos = n ? n->pos : map->pos;
	out->given = !is_null(n);
	out->s = new_strs(d, n, &out->n);
	pop(d, mark);
}

/* A map of strings, told given or not. */
static void field_kvs(dec *d, const ig_node *map, const char *name,
                      ig_kvs *out)
{
	const ig_node *n = ingroute__map_getn(map, name, strlen(name));
	size_t mark = push_field(d, name);

	out->pos = n ? n->pos : map->pos;
	out->given = !is_null(n);
	if (out->given)
		decode_string_map(d, n, &out->kv, &out->n);
	pop(d, mark);
}

/* The Gateway API fields of an object that only validation reads. */
static ig_gateway_spec *gw_spec(dec *d)
{
	if (!d->obj->gw) {
		d->obj->gw = ingroute__arena_zalloc(&d->obj->arena,
		                                    sizeof(*d->obj->gw));
		if (!d->obj->gw)
			d->oom = 1;
	}
	return d->obj->gw;
}

/* ---- shared parts */

static void decode_selector(dec *d, const ig_node *n, ig_selector *sel);

static void decode_expr(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "key", "operator", "values", NULL };
	ig_expr *e = out;
	size_t mark;

	e->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "key", &e->key);
	field_str(d, n, "operator", &e->op);
	mark = push_field(d, "values");
	e->values = new_strs(d, ingroute__map_get(n, "values"), &e->nvalues);
	pop(d, mark);
}

static void decode_selector(dec *d, const ig_node *n, ig_selector *sel)
{
	static const char *const fields[] = { "matchLabels", "matchExpressions",
	                                      NULL };
	const ig_node *ml;
	size_t mark;

	sel->pos = n->pos;
	check_fields(d, n, fields);
	ml = ingroute__map_get(n, "matchLabels");
	mark = push_field(d, "matchLabels");
	if (ml)
		decode_string_map(d, ml, &sel->labels, &sel->nlabels);
	pop(d, mark);
	sel->exprs = decode_list(d, n, "matchExpressions", sizeof(ig_expr),
	                         decode_expr, &sel->nexprs, NULL);
}

static void decode_gkind(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "group", "kind", NULL };
	ig_gkind *k = out;

	k->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "group", &k->group);
	field_str(d, n, "kind", &k->kind);
}

/* A reference of any of the shapes the API has; fields lists the ones
 * this shape allows. */
static void decode_ref(dec *d, const ig_node *n, ig_ref *r,
                       const char *const *fields)
{
	r->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "group", &r->group);
	field_str(d, n, "kind", &r->kind);
	field_str(d, n, "namespace", &r->ns);
	field_str(d, n, "name", &r->name);
	field_str(d, n, "sectionName", &r->section);
	field_int32(d, n, "port", &r->port, &r->port_pos);
}

static const char *const parent_ref_fields[] = {
	"group", "kind", "namespace", "name", "sectionName", "port", NULL };
static const char *const backend_ref_fields[] = {
	"group", "kind", "namespace", "name", "port", "weight", "filters",
	NULL };
static const char *const object_ref_fields[] = {
	"group", "kind", "namespace", "name", "port", NULL };
static const char *const local_ref_fields[] = {
	"group", "kind", "name", NULL };
static const char *const secret_ref_fields[] = {
	"group", "kind", "name", "namespace", NULL };

static void decode_secret_ref(dec *d, const ig_node *n, void *out)
{
	decode_ref(d, n, out, secret_ref_fields);
}

/* A reference in a map field of its own, made in the arena; NULL when
 * the field is absent. */
static ig_ref *field_ref(dec *d, const ig_node *map, const char *name,
                         const char *const *fields)
{
	size_t mark;
	const ig_node *n = enter_map(d, map, name, &mark);
	ig_ref *r;

	if (!n)
		return NULL;
	r = ingroute__arena_zalloc(&d->obj->arena, sizeof(*r));
	if (!r)
		d->oom = 1;
	else
		decode_ref(d, n, r, fields);
	pop(d, mark);
	return r;
}

/* ---- GatewayClass */

static void decode_gateway_class(dec *d, const ig_node *spec)
{
	static const char *const fields[] = { "controllerName", "parametersRef",
	                                      "description", NULL };

	ig_gateway_spec *g;

	check_fields(d, spec, fields);
	field_str(d, spec, "controllerName", &d->obj->controller);
	if (!(g = gw_spec(d)))
		return;
	field_str(d, spec, "description", &g->description);
	g->class_params = field_ref(d, spec, "parametersRef", secret_ref_fields);
}

/* ---- Gateway */

static void decode_listener(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "name", "hostname", "port",
	                                      "protocol", "tls", "allowedRoutes",
	                                      NULL };
	static const char *const ar_fields[] = { "namespaces", "kinds", NULL };
	static const char *const ns_fields[] = { "from", "selector", NULL };
	static const char *const tls_fields[] = { "mode", "certificateRefs",
	                                          "options", NULL };
	ig_listener *l = out;
	const ig_node *ar, *nsn, *sel, *tls;
	size_t m1, m2, m3;

	l->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "name", &l->name);
	field_str(d, n, "hostname", &l->hostname);
	field_str(d, n, "protocol", &l->protocol);
	field_int32(d, n, "port", &l->port, &l->port_pos);
	l->has_tls = !is_null(ingroute__map_get(n, "tls"));
	if ((tls = enter_map(d, n, "tls", &m1))) {
		l->tls_pos = tls->pos;
		check_fields(d, tls, tls_fields);
		field_str(d, tls, "mode", &l->tls_mode);
		l->has_certs = !is_null(ingroute__map_get(tls, "certificateRefs"));
		l->certs = decode_list(d, tls, "certificateRefs", sizeof(ig_ref),
		                       decode_secret_ref, &l->ncerts, &l->certs_pos);
		field_kvs(d, tls, "options", &l->tls_options);
		pop(d, m1);
	}
	if (!(ar = enter_map(d, n, "allowedRoutes", &m1)))
		return;
	check_fields(d, ar, ar_fields);
	if ((nsn = enter_map(d, ar, "namespaces", &m2))) {
		check_fields(d, nsn, ns_fields);
		if (field_str(d, nsn, "from", &l->from_str) > 0)
			l->from = str_is(&l->from_str, "Same") ? IG_FROM_SAME
				: str_is(&l->from_str, "All") ? IG_FROM_ALL
				: str_is(&l->from_str, "Selector") ? IG_FROM_SELECTOR
				: str_is(&l->from_str, "None") ? IG_FROM_NONE
				: IG_FROM_OTHER;
		if ((sel = enter_map(d, nsn, "selector", &m3))) {
			l->selector = ingroute__arena_zalloc(&d->obj->arena,
			                                     sizeof(*l->selector));
			if (!l->selector)
				d->oom = 1;
			else
				decode_selector(d, sel, l->selector);
			pop(d, m3);
		}
		pop(d, m2);
	}
	l->has_kinds = ingroute__map_get(ar, "kinds") != NULL;
	l->kinds = decode_list(d, ar, "kinds", sizeof(ig_gkind), decode_gkind,
	                       &l->nkinds, NULL);
	pop(d, m1);
}

static void decode_address(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "type", "value", NULL };
	ig_address *a = out;

	a->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "type", &a->type);
	field_str(d, n, "value", &a->value);
}

static void decode_tls_validation(dec *d, const ig_node *map,
                                  ig_tls_validation *v)
{
	static const char *const fields[] = { "caCertificateRefs", "mode",
	                                      NULL };
	size_t mark;
	const ig_node *n = enter_map(d, map, "validation", &mark);

	if (!n)
		return;
	v->pos = n->pos;
	v->given = 1;
	check_fields(d, n, fields);
	v->has_refs = !is_null(ingroute__map_get(n, "caCertificateRefs"));
	v->refs = decode_list(d, n, "caCertificateRefs", sizeof(ig_ref),
	                      decode_secret_ref, &v->nrefs, &v->refs_pos);
	field_str(d, n, "mode", &v->mode);
	pop(d, mark);
}

static void decode_tls_port(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "port", "tls", NULL };
	static const char *const tls_fields[] = { "validation", NULL };
	ig_tls_port *p = out;
	const ig_node *tls;
	size_t mark;

	p->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_int32(d, n, "port", &p->port, &p->port_pos);
	if ((tls = enter_map(d, n, "tls", &mark))) {
		p->has_tls = 1;
		check_fields(d, tls, tls_fields);
		decode_tls_validation(d, tls, &p->validation);
		pop(d, mark);
	}
}

/* spec.tls: frontend (default, perPort) and backend */
static void decode_gateway_tls(dec *d, const ig_node *tls, ig_gateway_spec *g)
{
	static const char *const fields[] = { "frontend", "backend", NULL };
	static const char *const frontend_fields[] = { "default", "perPort",
	                                               NULL };
	static const char *const default_fields[] = { "validation", NULL };
	static const char *const backend_fields[] = { "clientCertificateRef",
	                                              NULL };
	const ig_node *fe, *def, *be;
	size_t m1, m2;

	check_fields(d, tls, fields);
	if ((fe = enter_map(d, tls, "frontend", &m1))) {
		g->has_frontend = 1;
		g->frontend_pos = fe->pos;
		check_fields(d, fe, frontend_fields);
		if ((def = enter_map(d, fe, "default", &m2))) {
			g->has_default = 1;
			check_fields(d, def, default_fields);
			decode_tls_validation(d, def, &g->default_validation);
			pop(d, m2);
		}
		g->per_port = decode_list(d, fe, "perPort", sizeof(ig_tls_port),
		                          decode_tls_port, &g->nper_port,
		                          &g->per_port_pos);
		pop(d, m1);
	}
	if ((be = enter_map(d, tls, "backend", &m1))) {
		check_fields(d, be, backend_fields);
		g->client_cert = field_ref(d, be, "clientCertificateRef",
		                           secret_ref_fields);
		pop(d, m1);
	}
}

static void decode_gateway(dec *d, const ig_node *spec)
{
	static const char *const fields[] = {
		"gatewayClassName", "listeners", "addresses", "infrastructure",
		"allowedListeners", "tls", NULL };
	static const char *const infra_fields[] = { "labels", "annotations",
	                                            "parametersRef", NULL };
	static const char *const al_fields[] = { "namespaces", NULL };
	static const char *const ns_fields[] = { "from", "selector", NULL };
	ig_object *o = d->obj;
	ig_gateway_spec *g;
	const ig_node *n, *nsn, *sel;
	size_t m1, m2, m3;

	check_fields(d, spec, fields);
	field_str(d, spec, "gatewayClassName", &o->class_name);
	o->listeners = decode_list(d, spec, "listeners", sizeof(ig_listener),
	                           decode_listener, &o->nlisteners,
	                           &o->listeners_pos);
	if (!(g = gw_spec(d)))
		return;
	g->addresses = decode_list(d, spec, "addresses", sizeof(ig_address),
	                           decode_address, &g->naddresses,
	                           &g->addresses_pos);
	if ((n = enter_map(d, spec, "infrastructure", &m1))) {
		check_fields(d, n, infra_fields);
		field_kvs(d, n, "labels", &g->infra_labels);
		field_kvs(d, n, "annotations", &g->infra_annotations);
		g->infra_params = field_ref(d, n, "parametersRef", local_ref_fields);
		pop(d, m1);
	}
	if ((n = enter_map(d, spec, "allowedListeners", &m1))) {
		g->has_allowed_listeners = 1;
		check_fields(d, n, al_fields);
		if ((nsn = enter_map(d, n, "namespaces", &m2))) {
			check_fields(d, nsn, ns_fields);
			field_str(d, nsn, "from", &g->listeners_from);
			if ((sel = enter_map(d, nsn, "selector", &m3))) {
				g->listeners_selector = ingroute__arena_zalloc(
					&o->arena, sizeof(*g->listeners_selector));
				if (!g->listeners_selector)
					d->oom = 1;
				else
					decode_selector(d, sel, g->listeners_selector);
				pop(d, m3);
			}
			pop(d, m2);
		}
		pop(d, m1);
	}
	if ((n = enter_map(d, spec, "tls", &m1))) {
		decode_gateway_tls(d, n, g);
		pop(d, m1);
	}
}

/* ---- HTTPRoute */

static void decode_value_match(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "type", "name", "value", NULL };
	ig_value_match *m = out;

	m->pos = n->pos;
	m->type = IG_MT_EXACT;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	if (field_str(d, n, "type", &m->type_str) > 0)
		m->type = str_is(&m->type_str, "Exact") ? IG_MT_EXACT
			: str_is(&m->type_str, "RegularExpression") ? IG_MT_REGEX
			: IG_MT_OTHER;
	field_str(d, n, "name", &m->name);
	field_str(d, n, "value", &m->value);
}

static void decode_http_match(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "path", "headers", "queryParams",
	                                      "method", NULL };
	static const char *const path_fields[] = { "type", "value", NULL };
	ig_http_match *m = out;
	const ig_node *p;
	size_t mark;

	m->pos = n->pos;
	m->path_pos = n->pos;
	m->path_type = IG_MT_PREFIX;
	m->path_value.s = "/";
	m->path_value.len = 1;
	m->path_value.pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	if ((p = enter_map(d, n, "path", &mark))) {
		m->has_path = 1;
		m->path_pos = p->pos;
		m->path_value.pos = p->pos;
		check_fields(d, p, path_fields);
		if (field_str(d, p, "type", &m->path_type_str) > 0)
			m->path_type = str_is(&m->path_type_str, "Exact") ? IG_MT_EXACT
				: str_is(&m->path_type_str, "PathPrefix") ? IG_MT_PREFIX
				: str_is(&m->path_type_str, "RegularExpression")
					? IG_MT_REGEX : IG_MT_OTHER;
		{
			ig_str v;

			if (field_str(d, p, "value", &v) > 0)
				m->path_value = v;
		}
		pop(d, mark);
	}
	m->headers = decode_list(d, n, "headers", sizeof(ig_value_match),
	                         decode_value_match, &m->nheaders, NULL);
	m->query = decode_list(d, n, "queryParams", sizeof(ig_value_match),
	                       decode_value_match, &m->nquery, NULL);
	field_str(d, n, "method", &m->method);
}

/* set[], add[] and remove[] of a header modifier, in that order. */
static void decode_header_edits(dec *d, const ig_node *n, ig_filter *f)
{
	static const char *const fields[] = { "set", "add", "remove", NULL };
	static const char *const kv_fields[] = { "name", "value", NULL };
	static const char *const lists[] = { "set", "add", "remove" };
	const ig_node *l[3];
	size_t total = 0, i, k, mark;

	check_fields(d, n, fields);
	for (k = 0; k < 3; k++) {
		l[k] = ingroute__map_getn(n, lists[k], strlen(lists[k]));
		f->edit_lists_pos[k + 1] = l[k] ? l[k]->pos : n->pos;
		mark = push_field(d, lists[k]);
		if (want_seq(d, l[k]) > 0)
			total += l[k]->n;
		else
			l[k] = NULL;
		pop(d, mark);
	}
	if (!total)
		return;
	f->edits = ingroute__arena_zalloc(&d->obj->arena,
	                                  total * sizeof(*f->edits));
	if (!f->edits) {
		d->oom = 1;
		return;
	}
	for (k = 0; k < 3; k++) {
		if (!l[k])
			continue;
		mark = push_field(d, lists[k]);
		for (i = 0; i < l[k]->n && !d->oom; i++) {
			const ig_node *it = l[k]->u.kids[i];
			ig_header_edit *e = &f->edits[f->nedits++];
			size_t m2 = push_index(d, i);

			e->pos = it->pos;
			e->op = (uint8_t)(k + 1);
			if (k == 2) {
				if (read_str(d, it, &e->name) == 0)
					e->name.pos = it->pos;
			} else if (want_map(d, it) > 0) {
				check_fields(d, it, kv_fields);
				field_str(d, it, "name", &e->name);
				field_str(d, it, "value", &e->value);
			}
			pop(d, m2);
		}
		pop(d, mark);
	}
}

static void decode_path_modifier(dec *d, const ig_node *n, ig_filter *f)
{
	static const char *const fields[] = { "type", "replaceFullPath",
	                                      "replacePrefixMatch", NULL };
	size_t mark;
	const ig_node *p = enter_map(d, n, "path", &mark);

	if (!p)
		return;
	f->path_pos = p->pos;
	check_fields(d, p, fields);
	if (field_str(d, p, "type", &f->path_mod_str) > 0)
		f->path_mod = str_is(&f->path_mod_str, "ReplaceFullPath") ? IG_PM_FULL
			: str_is(&f->path_mod_str, "ReplacePrefixMatch")
				? IG_PM_PREFIX : IG_PM_OTHER;
	field_str(d, p, "replaceFullPath", &f->full_path);
	field_str(d, p, "replacePrefixMatch", &f->prefix_path);
	f->path_value = f->path_mod == IG_PM_FULL ? f->full_path : f->prefix_path;
	pop(d, mark);
}

static void decode_filter(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = {
		"type", "requestHeaderModifier", "responseHeaderModifier",
		"requestMirror", "requestRedirect", "urlRewrite", "extensionRef",
		"cors", NULL };
	static const char *const cors_fields[] = {
		"allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders",
		"allowCredentials", "maxAge", NULL };
	static const char *const redirect_fields[] = {
		"scheme", "hostname", "path", "port", "statusCode", NULL };
	static const char *const rewrite_fields[] = { "hostname", "path", NULL };
	static const char *const mirror_fields[] = { "backendRef", "percent",
	                                             "fraction", NULL };
	static const char *const fraction_fields[] = { "numerator",
	                                               "denominator", NULL };
	ig_filter *f = out;
	const ig_node *b;
	size_t mark, k;

	f->pos = n->pos;
	f->body_pos = n->pos;
	f->status = 302;
	f->percent = -1;
	f->den = 100;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	f->type = IG_FT_OTHER;
	if (field_str(d, n, "type", &f->type_str) > 0)
		for (k = 1; k < IG_FT_OTHER; k++)
			if (str_is(&f->type_str, ingroute__filter_type_name((int)k)))
				f->type = (uint8_t)k;
	for (k = 1; k < IG_FT_OTHER; k++) {
		const char *field = ingroute__filter_field_name((int)k);

		if (!is_null(ingroute__map_getn(n, field, strlen(field))))
			f->body_mask |= (uint8_t)(1u << k);
	}
	if (f->type == IG_FT_OTHER ||
	    !(b = enter_map(d, n, ingroute__filter_field_name(f->type), &mark)))
		return;
	f->has_body = 1;
	f->body_pos = b->pos;
	switch (f->type) {
	case IG_FT_REQUEST_HEADER:
	case IG_FT_RESPONSE_HEADER:
		decode_header_edits(d, b, f);
		break;
	case IG_FT_REDIRECT:
		check_fields(d, b, redirect_fields);
		field_str(d, b, "scheme", &f->scheme);
		field_str(d, b, "hostname", &f->hostname);
		decode_path_modifier(d, b, f);
		field_int32(d, b, "port", &f->port, &f->port_pos);
		field_int32(d, b, "statusCode", &f->status, &f->status_pos);
		/* the default, for an absent code only: 0 given is refused */
		if (!f->status_pos.line)
			f->status = 302;
		break;
	case IG_FT_REWRITE:
		check_fields(d, b, rewrite_fields);
		field_str(d, b, "hostname", &f->hostname);
		decode_path_modifier(d, b, f);
		break;
	case IG_FT_MIRROR: {
		const ig_node *r, *fr;
		size_t m2;

		check_fields(d, b, mirror_fields);
		r = ingroute__map_get(b, "backendRef");
		f->has_mirror_ref = !is_null(r);
		m2 = push_field(d, "backendRef");
		if (f->has_mirror_ref)
			decode_ref(d, r, &f->mirror, object_ref_fields);
		else
			f->mirror.pos = b->pos;
		pop(d, m2);
		{
			ig_pos at = { 0, 0 };

			/* absent integers read as 0: defaults only when absent */
			field_int32(d, b, "percent", &f->percent, &at);
			f->percent_pos = at;
			if (!at.line)
				f->percent = -1;
			if ((fr = enter_map(d, b, "fraction", &m2))) {
				f->has_fraction = 1;
				f->fraction_pos = fr->pos;
				check_fields(d, fr, fraction_fields);
				field_int32(d, fr, "numerator", &f->num, &f->num_pos);
				at.line = 0;
				field_int32(d, fr, "denominator", &f->den, &at);
				f->den_pos = at;
				if (!at.line)
					f->den = 100;
				pop(d, m2);
			}
		}
		break;
	}
	case IG_FT_EXTENSION:
		decode_ref(d, b, &f->ext, local_ref_fields);
		break;
	case IG_FT_CORS:
		check_fields(d, b, cors_fields);
		field_strs(d, b, "allowOrigins", &f->cors_origins);
		field_strs(d, b, "allowMethods", &f->cors_methods);
		field_strs(d, b, "allowHeaders", &f->cors_allow_headers);
		field_strs(d, b, "exposeHeaders", &f->cors_expose_headers);
		/* a boolean, which nothing else asks of it */
		{
			uint8_t cred;
			const ig_node *c = ingroute__map_get(b, "allowCredentials");
			size_t m2 = push_field(d, "allowCredentials");

			read_bool(d, c, &cred);
			pop(d, m2);
		}
		field_int32(d, b, "maxAge", &f->cors_max_age, &f->cors_max_age_pos);
		break;
	default:
		break;
	}
	pop(d, mark);
}

/* A rule's or a backendRef's filters: every one for validation, and
 * those the answer carries (not CORS: the ABI has no such filter). */
static ig_filter *decode_filters(dec *d, const ig_node *map, ig_filter **all,
                                 uint32_t *nall, uint32_t *n, ig_pos *pos)
{
	ig_filter *out;
	uint32_t i, k = 0;

	*all = decode_list(d, map, "filters", sizeof(ig_filter), decode_filter,
	                   nall, pos);
	*n = *nall;
	for (i = 0; i < *nall; i++)
		k += (*all)[i].type == IG_FT_CORS;
	if (!k)
		return *all;
	out = ingroute__arena_zalloc(&d->obj->arena,
	                             (*nall - k + 1) * sizeof(*out));
	if (!out) {
		d->oom = 1;
		*n = 0;
		return NULL;
	}
	for (i = 0, k = 0; i < *nall; i++)
		if ((*all)[i].type != IG_FT_CORS)
			out[k++] = (*all)[i];
	*n = k;
	return out;
}

static void decode_backend_ref(dec *d, const ig_node *n, void *out)
{
	ig_backend_ref *b = out;

	b->weight = 1;
	decode_ref(d, n, &b->ref, backend_ref_fields);
	if (want_map(d, n) <= 0)
		return;
	field_int32(d, n, "weight", &b->weight, &b->weight_pos);
	if (!b->weight_pos.line && !ingroute__map_get(n, "weight"))
		b->weight = 1;
	b->filters = decode_filters(d, n, &b->all_filters, &b->nall_filters,
	                            &b->nfilters, &b->filters_pos);
}

static void decode_parent_ref(dec *d, const ig_node *n, void *out)
{
	decode_ref(d, n, out, parent_ref_fields);
}

static void decode_http_rule(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = {
		"name", "matches", "filters", "backendRefs", "timeouts", NULL };
	static const char *const timeout_fields[] = { "request",
	                                              "backendRequest", NULL };
	ig_http_rule *r = out;
	const ig_node *t;
	size_t mark;

	r->pos = n->pos;
	r->matches_pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "name", &r->name);
	r->has_matches = !is_null(ingroute__map_get(n, "matches"));
	r->matches = decode_list(d, n, "matches", sizeof(ig_http_match),
	                         decode_http_match, &r->nmatches, &r->matches_pos);
	r->filters = decode_filters(d, n, &r->all_filters, &r->nall_filters,
	                            &r->nfilters, &r->filters_pos);
	r->backends = decode_list(d, n, "backendRefs", sizeof(ig_backend_ref),
	                          decode_backend_ref, &r->nbackends,
	                          &r->backends_pos);
	if ((t = enter_map(d, n, "timeouts", &mark))) {
		r->has_timeouts = 1;
		r->timeouts_pos = t->pos;
		check_fields(d, t, timeout_fields);
		field_str(d, t, "request", &r->timeout_request);
		field_str(d, t, "backendRequest", &r->timeout_backend);
		pop(d, mark);
	}
}

static void decode_hostname(dec *d, const ig_node *n, void *out)
{
	ig_str *s = out;

	/* null decodes to "", which validation then rejects */
	if (read_str(d, n, s) == 0) {
		s->s = "";
		s->pos = n->pos;
	}
}

static void decode_httproute(dec *d, const ig_node *spec)
{
	static const char *const fields[] = { "parentRefs", "hostnames", "rules",
	                                      NULL };
	ig_object *o = d->obj;

	check_fields(d, spec, fields);
	o->has_rules = !is_null(ingroute__map_get(spec, "rules"));
	o->parents = decode_list(d, spec, "parentRefs", sizeof(ig_ref),
	                         decode_parent_ref, &o->nparents,
	                         &o->parents_pos);
	o->hostnames = decode_list(d, spec, "hostnames", sizeof(ig_str),
	                           decode_hostname, &o->nhostnames,
	                           &o->hostnames_pos);
	o->http_rules = decode_list(d, spec, "rules", sizeof(ig_http_rule),
	                            decode_http_rule, &o->nhttp_rules,
	                            &o->rules_pos);
}

/* ---- ReferenceGrant */

static void decode_grant(dec *d, const ig_node *n, void *out)
{
	static const char *const fields[] = { "group", "kind", "namespace",
	                                      "name", NULL };
	ig_grant *g = out;

	g->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "group", &g->group);
	field_str(d, n, "kind", &g->kind);
	field_str(d, n, "namespace", &g->ns);
	field_str(d, n, "name", &g->name);
}

static void decode_reference_grant(dec *d, const ig_node *spec)
{
	static const char *const fields[] = { "from", "to", NULL };
	ig_object *o = d->obj;

	check_fields(d, spec, fields);
	o->grant_from = decode_list(d, spec, "from", sizeof(ig_grant),
	                            decode_grant, &o->ngrant_from, NULL);
	o->grant_to = decode_list(d, spec, "to", sizeof(ig_grant), decode_grant,
	                          &o->ngrant_to, NULL);
}

/* ---- Service: its type and ports only */

static void decode_svc_port(dec *d, const ig_node *n, void *out)
{
	ig_svc_port *p = out;

	p->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	field_str(d, n, "name", &p->name);
	field_int32(d, n, "port", &p->port, NULL);
	field_str(d, n, "appProtocol", &p->app_protocol);
}

static void decode_service(dec *d, const ig_node *spec)
{
	ig_object *o = d->obj;

	field_str(d, spec, "type", &o->svc_type);
	o->ports = decode_list(d, spec, "ports", sizeof(ig_svc_port),
	                       decode_svc_port, &o->nports, NULL);
}

void ingroute__decode_gateway_spec(ig_dec *d, const ig_node *spec)
{
	ig_object *o = d->obj;
	size_t mark = push_field(d, "spec");

	o->spec_pos = spec ? spec->pos : o->pos;
	if (o->kind != IG_OBJ_NAMESPACE && want_map(d, spec) > 0) {
		o->has_spec = 1;
		switch (o->kind) {
		case IG_OBJ_GATEWAY_CLASS: decode_gateway_class(d, spec); break;
		case IG_OBJ_GATEWAY: decode_gateway(d, spec); break;
		case IG_OBJ_HTTPROUTE: decode_httproute(d, spec); break;
		case IG_OBJ_GRANT: decode_reference_grant(d, spec); break;
		case IG_OBJ_SERVICE: decode_service(d, spec); break;
		default: break;
		}
	}
	pop(d, mark);
}

int ingroute__gateway_kind(const char *kind, size_t klen, const char *version,
                           size_t vlen)
{
	static const struct {
		const char *kind, *group;
		int v1beta1;     /* also served as v1beta1 */
		int kind_id;
	} kinds[] = {
		{ "GatewayClass", "gateway.networking.k8s.io/", 1,
		  IG_OBJ_GATEWAY_CLASS },
		{ "Gateway", "gateway.networking.k8s.io/", 1, IG_OBJ_GATEWAY },
		{ "HTTPRoute", "gateway.networking.k8s.io/", 1, IG_OBJ_HTTPROUTE },
		{ "ReferenceGrant", "gateway.networking.k8s.io/", 1, IG_OBJ_GRANT },
		{ "Service", "", 0, IG_OBJ_SERVICE },
		{ "Namespace", "", 0, IG_OBJ_NAMESPACE },
	};
	size_t i, g;

	/* a document without apiVersion serves no kind (and NULL is no
	 * argument for memcmp, even with a length of 0) */
	if (!version)
		return 0;
	for (i = 0; i < IG_ARRAY_LEN(kinds); i++) {
		if (klen != strlen(kinds[i].kind) ||
		    memcmp(kind, kinds[i].kind, klen) != 0)
			continue;
		g = strlen(kinds[i].group);
		if (vlen < g || memcmp(version, kinds[i].group, g) != 0)
			return 0;
		if ((vlen - g == 2 && memcmp(version + g, "v1", 2) == 0) ||
		    (kinds[i].v1beta1 && vlen - g == 7 &&
		     memcmp(version + g, "v1beta1", 7) == 0))
			return kinds[i].kind_id;
		return 0;
	}
	return 0;
}
