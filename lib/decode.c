/*
 * Document trees into typed objects: the shape of networking.k8s.io/v1
 * Ingress and IngressClass, with every field's position.
 *
 * This stage does what the API server's JSON decoding does before any
 * validation runs: it checks types (a quoted "80" is not a port number),
 * rejects duplicate keys, and warns about fields under spec that the API
 * does not define (typos such as `pathtype`). An object with a decoding
 * error is reported and dropped without validation, as the API server
 * would never get as far as validating it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "decode-gateway.h"
#include "decode-walk.h"

/* ---- Ingress fields */

static void decode_backend(dec *d, const ig_node *n, ig_pos parent,
                           ig_backend *b)
{
	static const char *const backend_fields[] = { "service", "resource", NULL };
	static const char *const service_fields[] = { "name", "port", NULL };
	static const char *const port_fields[] = { "name", "number", NULL };
	static const char *const resource_fields[] = { "apiGroup", "kind", "name",
	                                               NULL };
	const ig_node *svc, *port, *res;
	size_t mark;

	memset(b, 0, sizeof(*b));
	b->pos = n ? n->pos : parent;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, backend_fields);

	svc = ingroute__map_get(n, "service");
	mark = push_field(d, "service");
	if (want_map(d, svc) > 0) {
		size_t m2;

		b->has_service = 1;
		b->service_pos = svc->pos;
		check_fields(d, svc, service_fields);
		field_str(d, svc, "name", &b->service);
		port = ingroute__map_get(svc, "port");
		b->port_pos = svc->pos;
		m2 = push_field(d, "port");
		if (want_map(d, port) > 0) {
			size_t m3;
			const ig_node *num = ingroute__map_get(port, "number");

			b->has_port = 1;
			b->port_pos = port->pos;
			check_fields(d, port, port_fields);
			field_str(d, port, "name", &b->port_name);
			m3 = push_field(d, "number");
			if (read_int32(d, num, &b->port_number) > 0)
				b->port_number_pos = num->pos;
			pop(d, m3);
		}
		pop(d, m2);
	}
	pop(d, mark);

	res = ingroute__map_get(n, "resource");
	mark = push_field(d, "resource");
	if (want_map(d, res) > 0) {
		b->has_resource = 1;
		b->resource_pos = res->pos;
		check_fields(d, res, resource_fields);
		field_str(d, res, "apiGroup", &b->api_group);
		field_str(d, res, "kind", &b->kind);
		field_str(d, res, "name", &b->res_name);
	}
	pop(d, mark);
}

static void decode_path(dec *d, const ig_node *n, ig_path *p)
{
	static const char *const fields[] = { "path", "pathType", "backend", NULL };
	size_t mark;

	p->pos = n->pos;
	if (want_map(d, n) <= 0) {
		decode_backend(d, NULL, n->pos, &p->backend);
		return;
	}
	check_fields(d, n, fields);
	field_str(d, n, "path", &p->path);
	if (field_str(d, n, "pathType", &p->path_type_str) > 0)
		p->path_type = (uint8_t)ingroute__path_type_parse(
			p->path_type_str.s, p->path_type_str.len);
	mark = push_field(d, "backend");
	decode_backend(d, ingroute__map_get(n, "backend"), n->pos, &p->backend);
	pop(d, mark);
}

static void decode_rule(dec *d, const ig_node *n, ig_rule *r)
{
	static const char *const fields[] = { "host", "http", NULL };
	static const char *const http_fields[] = { "paths", NULL };
	const ig_node *http, *paths;
	size_t mark, m2, i;

	r->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	field_str(d, n, "host", &r->host);
	http = ingroute__map_get(n, "http");
	mark = push_field(d, "http");
	if (want_map(d, http) > 0) {
		r->has_http = 1;
		r->http_pos = http->pos;
		check_fields(d, http, http_fields);
		paths = ingroute__map_get(http, "paths");
		r->paths_pos = paths ? paths->pos : http->pos;
		m2 = push_field(d, "paths");
		if (want_seq(d, paths) > 0 && (r->paths = items(d, paths, sizeof(ig_path)))) {
			r->npaths = paths->n;
			for (i = 0; i < paths->n && !d->oom; i++) {
				size_t m3 = push_index(d, i);

				decode_path(d, paths->u.kids[i], &r->paths[i]);
				pop(d, m3);
			}
		}
		pop(d, m2);
	}
	pop(d, mark);
}

static void decode_tls(dec *d, const ig_node *n, ig_tls *t)
{
	static const char *const fields[] = { "hosts", "secretName", NULL };
	const ig_node *hosts;
	size_t mark, i;

	t->pos = n->pos;
	if (want_map(d, n) <= 0)
		return;
	check_fields(d, n, fields);
	hosts = ingroute__map_get(n, "hosts");
	mark = push_field(d, "hosts");
	if (want_seq(d, hosts) > 0 && (t->hosts = items(d, hosts, sizeof(ig_str)))) {
		t->hosts_pos = hosts->pos;
		t->nhosts = hosts->n;
		for (i = 0; i < hosts->n && !d->oom; i++) {
			size_t m2 = push_index(d, i);

			/* null decodes to "", which validation then rejects */
			if (read_str(d, hosts->u.kids[i], &t->hosts[i]) == 0) {
				t->hosts[i].s = "";
				t->hosts[i].pos = hosts->u.kids[i]->pos;
			}
			pop(d, m2);
		}
	}
	pop(d, mark);
	field_str(d, n, "secretName", &t->secret);
}

static void decode_ingress_spec(dec *d, const ig_node *spec)
{
	static const char *const fields[] = { "ingressClassName", "defaultBackend",
	                                      "rules", "tls", NULL };
	ig_object *o = d->obj;
	const ig_node *n;
	size_t mark, i;

	o->spec_pos = spec ? spec->pos : o->pos;
	mark = push_field(d, "spec");
	if (want_map(d, spec) <= 0) {
		pop(d, mark);
		return;
	}
	check_fields(d, spec, fields);
	field_str(d, spec, "ingressClassName", &o->class_name);

	n = ingroute__map_get(spec, "defaultBackend");
	if (!is_null(n)) {
		size_t m2 = push_field(d, "defaultBackend");

		o->default_backend = ingroute__arena_zalloc(&o->arena, sizeof(ig_backend));
		if (!o->default_backend)
			d->oom = 1;
		else
			decode_backend(d, n, spec->pos, o->default_backend);
		pop(d, m2);
	}

	n = ingroute__map_get(spec, "rules");
	{
		size_t m2 = push_field(d, "rules");

		if (want_seq(d, n) > 0 && (o->rules = items(d, n, sizeof(ig_rule)))) {
			o->nrules = n->n;
			for (i = 0; i < n->n && !d->oom; i++) {
				size_t m3 = push_index(d, i);

				decode_rule(d, n->u.kids[i], &o->rules[i]);
				pop(d, m3);
			}
		}
		pop(d, m2);
	}

	n = ingroute__map_get(spec, "tls");
	{
		size_t m2 = push_field(d, "tls");

		if (want_seq(d, n) > 0 && (o->tls = items(d, n, sizeof(ig_tls)))) {
			o->ntls = n->n;
			for (i = 0; i < n->n && !d->oom; i++) {
				size_t m3 = push_index(d, i);

				decode_tls(d, n->u.kids[i], &o->tls[i]);
				pop(d, m3);
			}
		}
		pop(d, m2);
	}
	pop(d, mark);
}

static void decode_class_spec(dec *d, const ig_node *spec)
{
	static const char *const fields[] = { "controller", "parameters", NULL };
	static const char *const param_fields[] = { "apiGroup", "kind", "name",
	                                            "scope", "namespace", NULL };
	ig_object *o = d->obj;
	const ig_node *n;
	size_t mark = push_field(d, "spec"), m2;

	o->spec_pos = spec ? spec->pos : o->pos;
	if (want_map(d, spec) > 0) {
		check_fields(d, spec, fields);
		field_str(d, spec, "controller", &o->controller);
		n = ingroute__map_get(spec, "parameters");
		m2 = push_field(d, "parameters");
		if (want_map(d, n) > 0) {
			ig_params *p = ingroute__arena_zalloc(&o->arena, sizeof(*p));

			if (!p) {
				d->oom = 1;
			} else {
				o->params = p;
				p->pos = n->pos;
				check_fields(d, n, param_fields);
				field_str(d, n, "apiGroup", &p->api_group);
				field_str(d, n, "kind", &p->kind);
				field_str(d, n, "name", &p->name);
				field_str(d, n, "scope", &p->scope);
				field_str(d, n, "namespace", &p->ns);
			}
		}
		pop(d, m2);
	}
	pop(d, mark);
}

/* ---- metadata */

static void decode_owners(dec *d, const ig_node *n)
{
	static const char *const fields[] = { "apiVersion", "kind", "name",
	                                      "uid", "controller",
	                                      "blockOwnerDeletion", NULL };
	ig_object *o = d->obj;
	size_t i;

	if (want_seq(d, n) <= 0 || !(o->owners = items(d, n, sizeof(ig_owner))))
		return;
	o->owners_pos = n->pos;
	o->nowners = n->n;
	for (i = 0; i < n->n && !d->oom; i++) {
		const ig_node *r = n->u.kids[i];
		ig_owner *w = &o->owners[i];
		size_t mark = push_index(d, i), m2;

		w->pos = r->pos;
		if (want_map(d, r) > 0) {
			check_fields(d, r, fields);
			field_str(d, r, "apiVersion", &w->api_version);
			field_str(d, r, "kind", &w->kind);
			field_str(d, r, "name", &w->name);
			field_str(d, r, "uid", &w->uid);
			m2 = push_field(d, "controller");
			if (read_bool(d, ingroute__map_get(r, "controller"),
			              &w->controller) > 0)
				w->controller++;
			pop(d, m2);
			m2 = push_field(d, "blockOwnerDeletion");
			if (read_bool(d, ingroute__map_get(r, "blockOwnerDeletion"),
			              &w->block) > 0)
				w->block++;
			pop(d, m2);
		}
		pop(d, mark);
	}
}

/* A metav1.Time: an RFC 3339 string, or null. */
static int read_time(dec *d, const ig_node *n, ig_str *out, int64_t *sec,
                     int32_t *nsec)
{
	int r = read_str(d, n, out);

	if (r > 0 && ingroute__parse_rfc3339(out->s, out->len, sec, nsec) != 0) {
		ig_buf q;
		const char *v;

		d->errors++;
		ingroute__buf_init(&q, d->o->alloc);
		ingroute__buf_quote(&q, out->s, out->len);
		v = ingroute__buf_cstr(&q);
		if (!v)
			d->oom = 1;
		else
			ingroute__diag(d->dc, INGROUTE_ERROR, INGROUTE_D_TYPE, out->pos,
			               cur_path(d), "Invalid value: %s: expected an "
			               "RFC 3339 time", v);
		ingroute__buf_free(&q);
		return -1;
	}
	return r;
}

/* Fields of the object the API server keeps for itself, read for their
 * types only: the server's decoding rejects a mistyped one. */
static void decode_system_fields(dec *d, const ig_node *meta)
{
	static const char *const strings[] = { "selfLink", "uid", NULL };
	static const char *const ints[] = { "generation",
	                                    "deletionGracePeriodSeconds", NULL };
	const char *const *f;
	int64_t v, sec;
	int32_t nsec;
	ig_str str;
	size_t mark;

	for (f = strings; *f; f++)
		field_str(d, meta, *f, &str);
	for (f = ints; *f; f++) {
		mark = push_field(d, *f);
		read_int(d, ingroute__map_getn(meta, *f, strlen(*f)), 64, &v);
		pop(d, mark);
	}
	mark = push_field(d, "deletionTimestamp");
	read_time(d, ingroute__map_get(meta, "deletionTimestamp"), &str, &sec, &nsec);
	pop(d, mark);
	mark = push_field(d, "managedFields");
	want_seq(d, ingroute__map_get(meta, "managedFields"));
	pop(d, mark);
}

static void decode_metadata(dec *d, const ig_node *meta)
{
	static const char *const fields[] = {
		"name", "generateName", "namespace", "selfLink", "uid",
		"resourceVersion", "generation", "creationTimestamp",
		"deletionTimestamp", "deletionGracePeriodSeconds", "labels",
		"annotations", "ownerReferences", "finalizers", "managedFields",
		NULL };
	ig_object *o = d->obj;
	const ig_node *n;
	size_t mark = push_field(d, "metadata"), m2;

	o->meta_pos = meta ? meta->pos : o->pos;
	if (want_map(d, meta) > 0) {
		check_fields(d, meta, fields);
		field_str(d, meta, "name", &o->name);
		field_str(d, meta, "generateName", &o->generate_name);
		field_str(d, meta, "namespace", &o->ns);
		n = ingroute__map_get(meta, "annotations");
		if (n) {
			m2 = push_field(d, "annotations");
			o->annotations_pos = n->pos;
			decode_string_map(d, n, &o->annotations, &o->nannotations);
			pop(d, m2);
		}
		n = ingroute__map_get(meta, "labels");
		if (n) {
			m2 = push_field(d, "labels");
			o->labels_pos = n->pos;
			decode_string_map(d, n, &o->labels, &o->nlabels);
			pop(d, m2);
		}
		n = ingroute__map_get(meta, "finalizers");
		if (n) {
			m2 = push_field(d, "finalizers");
			o->finalizers_pos = n->pos;
			decode_strings(d, n, &o->finalizers, &o->nfinalizers);
			pop(d, m2);
		}
		m2 = push_field(d, "ownerReferences");
		decode_owners(d, ingroute__map_get(meta, "ownerReferences"));
		pop(d, m2);
		m2 = push_field(d, "creationTimestamp");
		if (read_time(d, ingroute__map_get(meta, "creationTimestamp"), &d->ts,
		              &o->ts, &o->ts_nsec) > 0)
			o->has_ts = 1;
		pop(d, m2);
		field_str(d, meta, "resourceVersion", &o->resource_version);
		decode_system_fields(d, meta);
	}
	pop(d, mark);
}

/* ---- the digest */

/* Subtrees below this depth add only their size: aliases can nest a
 * document deeper than its text, and the walk is recursive. */
#define DIGEST_DEPTH 128

static uint64_t digest_mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdu;
}

/* Keys whose values change on every write without changing a route:
 * the server's bookkeeping and the status the controller reports. */
static int digest_skips(const ig_node *key, int depth, int in_meta)
{
	if (key->type != IG_SCALAR)
		return 0;
	if (depth == 0)
		return ingroute__scalar_is(key, "status");
	return in_meta && (ingroute__scalar_is(key, "resourceVersion") ||
	                   ingroute__scalar_is(key, "managedFields") ||
	                   ingroute__scalar_is(key, "generation") ||
	                   ingroute__scalar_is(key, "selfLink"));
}

static uint64_t digest_node(const ig_node *n, uint64_t h, int depth,
                            int in_meta)
{
	uint32_t i;

	/* How a scalar resolved counts, not how it was quoted: JSON and
	 * YAML spellings of one object digest the same. */
	h = digest_mix(h, (uint64_t)n->type << 8 | n->skind);
	if (n->type == IG_SCALAR)
		return ingroute__hash(n->u.str, n->n, digest_mix(h, n->n));
	/* An item of "items" taken while reading, in a document that turned
	 * out to be no List: nothing an object's routes depend on. */
	if (n->type == IG_TAKEN)
		return digest_mix(h, n->n);
	if (depth >= DIGEST_DEPTH)
		return digest_mix(h, (uint64_t)n->weight << 32 ^ n->bytes);
	for (i = 0; i < n->n; i++) {
		const ig_node *k = n->u.kids[i];

		if (n->type == IG_MAP && i % 2 == 0 && i + 1 < n->n &&
		    digest_skips(k, depth, in_meta)) {
			i++;
			continue;
		}
		h = digest_node(k, h, depth + 1, n->type == IG_MAP && i % 2 == 1 &&
		                depth == 0 && n->u.kids[i - 1]->type == IG_SCALAR &&
		                ingroute__scalar_is(n->u.kids[i - 1], "metadata"));
	}
	/* The end of a collection, so that [[a], b] and [[a, b]] differ;
	 * its length is not mixed in, as skipped keys do not count. */
	return digest_mix(h, 0xe0d);
}

/* ---- objects and lists */

typedef struct walk {
	const ig_decode_opts *o;
	const ig_diag_ctx *dc;
	ig_object_fn fn;
	void *ctx;
	ig_decoder *dec;    /* whose items IG_TAKEN nodes name */
	size_t *size_hint;  /* what the last object's arena held */
} walk;

static int replay(ig_decoder *d, uint32_t item);

/* One entry of status.loadBalancer.ingress: ip, hostname, ports. */
static void decode_lb_ingress(dec *d, const ig_node *e)
{
	static const char *const fields[] = { "ip", "hostname", "ports", NULL };
	static const char *const port_fields[] = { "port", "protocol", "error",
	                                           NULL };
	const ig_node *ports;
	size_t j, mark;
	ig_str str;
	int32_t v;

	if (want_map(d, e) <= 0)
		return;
	check_fields(d, e, fields);
	field_str(d, e, "ip", &str);
	field_str(d, e, "hostname", &str);
	ports = ingroute__map_get(e, "ports");
	mark = push_field(d, "ports");
	if (want_seq(d, ports) > 0) {
		for (j = 0; j < ports->n; j++) {
			const ig_node *p = ports->u.kids[j];
			size_t m2 = push_index(d, j), m3;

			if (want_map(d, p) > 0) {
				check_fields(d, p, port_fields);
				m3 = push_field(d, "port");
				read_int32(d, ingroute__map_get(p, "port"), &v);
				pop(d, m3);
				field_str(d, p, "protocol", &str);
				field_str(d, p, "error", &str);
			}
			pop(d, m2);
		}
	}
	pop(d, mark);
}

/* Ingress status, as `kubectl get -o yaml` prints it: checked for the
 * shape the API server decodes, and otherwise ignored. */
static void decode_status(dec *d, const ig_node *st)
{
	static const char *const status_fields[] = { "loadBalancer", NULL };
	static const char *const lb_fields[] = { "ingress", NULL };
	const ig_node *lb, *list;
	size_t i, m1, m2, m3;

	if (want_map(d, st) <= 0)
		return;
	check_fields(d, st, status_fields);
	lb = ingroute__map_get(st, "loadBalancer");
	m1 = push_field(d, "loadBalancer");
	if (want_map(d, lb) > 0) {
		check_fields(d, lb, lb_fields);
		list = ingroute__map_get(lb, "ingress");
		m2 = push_field(d, "ingress");
		if (want_seq(d, list) > 0) {
			for (i = 0; i < list->n; i++) {
				m3 = push_index(d, i);
				decode_lb_ingress(d, list->u.kids[i]);
				pop(d, m3);
			}
		}
		pop(d, m2);
	}
	pop(d, m1);
}

static int decode_typed(walk *w, const ig_node *node, int kind)
{
	static const char *const ingress_fields[] = { "apiVersion", "kind",
	                                              "metadata", "spec",
	                                              "status", NULL };
	static const char *const class_fields[] = { "apiVersion", "kind",
	                                            "metadata", "spec", NULL };
	int cluster = kind == IG_OBJ_CLASS || kind == IG_OBJ_GATEWAY_CLASS ||
	              kind == IG_OBJ_NAMESPACE;
	/* Services and Namespaces are read for a few fields, not checked. */
	int core = kind == IG_OBJ_SERVICE || kind == IG_OBJ_NAMESPACE;
	ig_diag_ctx about;
	ig_object *o;
	dec d;

	o = ingroute__calloc(w->o->alloc, 1, sizeof(*o));
	if (!o)
		return INGROUTE_ENOMEM;
	ingroute__arena_init(&o->arena, w->o->alloc);
	/* Objects of one stream are alike: a first chunk the size the last
	 * one needed wastes little, where the default 1 KiB chunk left a
	 * third of a small Ingress's empty, 100,000 times over. */
	o->arena.first = *w->size_hint;
	o->kind = (uint8_t)kind;
	o->pos = node->pos;
	o->digest = digest_node(node, (uint64_t)kind, 0, 0);
	memset(&d, 0, sizeof(d));
	d.o = w->o;
	d.obj = o;
	ingroute__buf_init(&d.path, w->o->alloc);
	if (w->o->file && !(o->file = ingroute__arena_strndup(&o->arena, w->o->file,
	                                                      strlen(w->o->file))))
		d.oom = 1;

	/* Diagnostics of the metadata itself name the object as written. */
	{
		const ig_node *meta = ingroute__map_get(node, "metadata");
		const ig_node *nm = ingroute__map_get(meta, "name");
		const ig_node *ns = ingroute__map_get(meta, "namespace");

		about = ig_diag_about(w->dc, ingroute__object_kind_name(o),
			cluster ? NULL
			: ns && ns->type == IG_SCALAR && ns->skind == IG_S_STR && ns->n
				? ns->u.str : w->o->default_ns,
			nm && nm->type == IG_SCALAR && nm->skind == IG_S_STR
				? nm->u.str : NULL);
	}
	d.dc = &about;
	check_duplicates(&d, node);
	if (!core)
		check_fields(&d, node, kind == IG_OBJ_CLASS ? class_fields
		                                            : ingress_fields);
	decode_metadata(&d, ingroute__map_get(node, "metadata"));
	if (kind == IG_OBJ_INGRESS) {
		size_t mark = push_field(&d, "status");

		decode_status(&d, ingroute__map_get(node, "status"));
		pop(&d, mark);
	}
	if (!o->name.len && o->generate_name.len) {
		/* The API server would name it generateName and five random
		 * characters; "*" stands for them, and no real name holds one
		 * (docs/semantics.md §1.3). */
		char *nm = ingroute__arena_alloc(&o->arena, o->generate_name.len + 2);

		if (!nm) {
			d.oom = 1;
		} else {
			memcpy(nm, o->generate_name.s, o->generate_name.len);
			memcpy(nm + o->generate_name.len, "*", 2);
			o->name.s = nm;
			o->name.len = o->generate_name.len + 1;
			o->name.pos = o->generate_name.pos;
			o->generated = 1;
		}
	}
	if (!cluster && (!o->ns.s || o->ns.len == 0)) {
		o->ns.s = ingroute__arena_strndup(&o->arena, w->o->default_ns,
		                                  strlen(w->o->default_ns));
		o->ns.len = (uint32_t)strlen(w->o->default_ns);
		o->ns.pos.line = 0;
		if (!o->ns.s)
			d.oom = 1;
	}
	if (cluster) {
		o->ns.s = NULL;
		o->ns.len = 0;
	}
	if (kind == IG_OBJ_CLASS) {
		const ig_str *def;

		def = ingroute__object_annotation(o, "ingressclass.kubernetes.io/is-default-class");
		o->is_default = def && def->len == 4 && memcmp(def->s, "true", 4) == 0;
	}
	about = ig_diag_about(w->dc, ingroute__object_kind_name(o), o->ns.s,
	                      o->name.s ? o->name.s : "");
	if (kind == IG_OBJ_INGRESS)
		decode_ingress_spec(&d, ingroute__map_get(node, "spec"));
	else if (kind == IG_OBJ_CLASS)
		decode_class_spec(&d, ingroute__map_get(node, "spec"));
	else
		ingroute__decode_gateway_spec(&d, ingroute__map_get(node, "spec"));
	if (d.path.failed)
		d.oom = 1;
	ingroute__buf_free(&d.path);
	if (d.oom || about.sink->oom) {
		ingroute__object_free(o);
		return INGROUTE_ENOMEM;
	}
	/* Past a few KiB, an object followed by a smaller one would waste
	 * more than the default growth does. */
	*w->size_hint = (ingroute__arena_used(&o->arena) + 64) & ~(size_t)15;
	if (*w->size_hint > 8192)
		*w->size_hint = 0;
	return w->fn(w->ctx, o, d.errors, &about);
}

/* A kind or apiVersion as written: bytes and length (NULs included). */
typedef struct span {
	const char *s;
	size_t n;
} span;

static int span_is(span a, const char *lit)
{
	return a.s && a.n == strlen(lit) && memcmp(a.s, lit, a.n) == 0;
}

/* Copies at most cap - 1 bytes of s for a message, NUL bytes written as
 * \x00 so that "Ingress\0x" is not shown as "Ingress". */
static const char *printable(const char *s, size_t n, char *buf, size_t cap)
{
	size_t i, w = 0;

	for (i = 0; i < n && w + 5 < cap; i++) {
		if (s[i] == '\0') {
			memcpy(buf + w, "\\x00", 4);
			w += 4;
		} else {
			buf[w++] = s[i];
		}
	}
	buf[w] = '\0';
	return buf;
}

/* Lists nest (a List of Lists), and aliases can make them nest deeper
 * than the text does; the walk is recursive, so it is bounded. */
#define MAX_LIST_NESTING 16

static int decode_object(walk *w, const ig_node *node, span list_kind,
                         span list_version, int depth);

/* Room for a document's kind, namespace and name as written. */
typedef struct doc_names {
	char kind[128], ns[256], name[256];
} doc_names;

/* The subject of a diagnostic about a document that is not decoded: its
 * kind, namespace and name as written (printable; NULs shown). */
static ig_diag_ctx about_document(walk *w, const ig_node *node, span kind,
                                  doc_names *b)
{
	const ig_node *meta = ingroute__map_get(node, "metadata");
	const ig_node *ns = ingroute__map_get(meta, "namespace");
	const ig_node *name = ingroute__map_get(meta, "name");

	return ig_diag_about(w->dc,
		printable(kind.s, kind.n, b->kind, sizeof(b->kind)),
		ns && ns->type == IG_SCALAR
			? printable(ns->u.str, ns->n, b->ns, sizeof(b->ns)) : NULL,
		name && name->type == IG_SCALAR
			? printable(name->u.str, name->n, b->name, sizeof(b->name))
			: NULL);
}

static void skipped(walk *w, const ig_node *node, int severity, span kind,
                    span version, const char *why)
{
	doc_names b;
	ig_diag_ctx about = about_document(w, node, kind, &b);
	char verbuf[128];

	ingroute__diag(&about, severity, INGROUTE_D_SKIPPED_KIND, node->pos, NULL,
	               "skipped: %s (apiVersion %s)", why, version.s
	               ? printable(version.s, version.n, verbuf, sizeof(verbuf))
	               : "none");
}

static void unserved(walk *w, const ig_node *node, span kind, span version)
{
	const ig_node *at = ingroute__map_get(node, "apiVersion");
	doc_names b;
	ig_diag_ctx about = about_document(w, node, kind, &b);
	char verbuf[128];

	if (!version.s)
		ingroute__diag(&about, INGROUTE_ERROR, INGROUTE_D_UNSERVED, node->pos,
		               NULL, "Object 'apiVersion' is missing");
	else
		ingroute__diag(&about, INGROUTE_ERROR, INGROUTE_D_UNSERVED,
		               at ? at->pos : node->pos, NULL,
		               "no matches for kind \"%s\" in version \"%s\"",
		               b.kind, printable(version.s, version.n, verbuf,
		                                 sizeof(verbuf)));
}

static int decode_list(walk *w, const ig_node *items_node, span kind,
                       span version, int depth)
{
	span item_kind = { NULL, 0 };
	size_t i;
	int rc;

	if (items_node->type != IG_SEQ) {
		ingroute__diag(w->dc, INGROUTE_ERROR, INGROUTE_D_TYPE, items_node->pos,
		               "items", "expected a list, found %s",
		               describe(items_node));
		return 0;
	}
	if (depth >= MAX_LIST_NESTING) {
		ingroute__diag(w->dc, INGROUTE_ERROR, INGROUTE_D_LIMIT, items_node->pos,
		               "items", "lists nested more than %d deep",
		               MAX_LIST_NESTING);
		return INGROUTE_ELIMIT;
	}
	/* Items of a typed list (IngressList) may leave out their kind; those
	 * of a plain List must name it. */
	if (!span_is(kind, "List")) {
		item_kind.s = kind.s;
		item_kind.n = kind.n - 4;
	}
	for (i = 0; i < items_node->n; i++) {
		const ig_node *item = items_node->u.kids[i];

		if (is_null(item))
			continue;
		if (item->type == IG_TAKEN)
			rc = replay(w->dec, item->n);
		else
			rc = decode_object(w, item, item_kind, version, depth + 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static span scalar_span(const ig_node *n, span fallback)
{
	span s = fallback;

	if (n && n->type == IG_SCALAR && n->skind == IG_S_STR && n->n) {
		s.s = n->u.str;
		s.n = n->n;
	}
	return s;
}

static int decode_object(walk *w, const ig_node *node, span list_kind,
                         span list_version, int depth)
{
	const ig_node *items_node;
	span k, v;
	int kind_id;

	if (node->type != IG_MAP) {
		ingroute__diag(w->dc, INGROUTE_ERROR, INGROUTE_D_OBJECT, node->pos, NULL,
		               "expected an object (a Kubernetes manifest), found %s",
		               describe(node));
		return 0;
	}
	k = scalar_span(ingroute__map_get(node, "kind"), list_kind);
	v = scalar_span(ingroute__map_get(node, "apiVersion"), list_version);
	if (!k.s) {
		ingroute__diag(w->dc, INGROUTE_ERROR, INGROUTE_D_OBJECT, node->pos, NULL,
		               "Object 'Kind' is missing");
		return 0;
	}
	items_node = ingroute__map_get(node, "items");
	if (items_node && k.n >= 4 && memcmp(k.s + k.n - 4, "List", 4) == 0)
		return decode_list(w, items_node, k, v, depth);
	if ((span_is(k, "Ingress") || span_is(k, "IngressClass")) &&
	    span_is(v, "networking.k8s.io/v1"))
		return decode_typed(w, node, k.n == 7 ? IG_OBJ_INGRESS : IG_OBJ_CLASS);
	if ((kind_id = ingroute__gateway_kind(k.s, k.n, v.s, v.n)) != 0)
		return decode_typed(w, node, kind_id);
	/* An Ingress the server does not serve: kubectl stops at it. */
	if ((k.n == 7 && strncasecmp(k.s, "Ingress", 7) == 0) ||
	    (k.n == 12 && strncasecmp(k.s, "IngressClass", 12) == 0)) {
		unserved(w, node, k, v);
		return 0;
	}
	skipped(w, node, INGROUTE_NOTE, k, v, "not a kind ingroute reads");
	return 0;
}

/* ---- Lists read item by item (docs/semantics.md §1.5)
 *
 * An item that names its own kind and apiVersion decodes the same
 * whatever List holds it, so it is decoded as soon as it ends and its
 * tree freed; kubectl writes "items" before the List's "kind", so what
 * it produced (objects, diagnostics) is held until the document ends
 * and is passed on only if decode_list() then reaches it. */

static void held_clear(ig_decoder *d)
{
	size_t i;

	for (i = 0; i < d->nrecs; i++)
		ingroute__object_free(d->recs[i].obj);
	d->nrecs = 0;
	d->nitems = 0;
	ingroute_diags_clear(d->held);
	d->sink.kept = 0;
	d->sink.errors = 0;
	d->sink.oom = 0;
}

/* Opens the next record: what is reported from here on. */
static int rec_open(ig_decoder *d)
{
	ig_held *r;
	int sev;

	if (ingroute__grow(d->o->alloc, (void **)&d->recs, &d->cap_recs,
	                   d->nrecs + 1, sizeof(*d->recs)) < 0)
		return INGROUTE_ENOMEM;
	r = &d->recs[d->nrecs];
	memset(r, 0, sizeof(*r));
	r->diag_first = ingroute_diags_count(d->held);
	for (sev = INGROUTE_NOTE; sev <= INGROUTE_ERROR; sev++)
		r->counts[sev] = ingroute_diags_count_severity(d->held, sev);
	r->errors = d->sink.errors;
	return 0;
}

/* Closes the open record, with obj (NULL for none). */
static void rec_close(ig_decoder *d, ig_object *obj, size_t obj_errors)
{
	ig_held *r = &d->recs[d->nrecs++];
	int sev;

	r->obj = obj;
	r->obj_errors = obj_errors;
	r->diag_end = ingroute_diags_count(d->held);
	for (sev = INGROUTE_NOTE; sev <= INGROUTE_ERROR; sev++)
		r->counts[sev] = ingroute_diags_count_severity(d->held, sev) -
		                 r->counts[sev];
	r->errors = d->sink.errors - r->errors;
}

static int hold_object(void *ctx, ig_object *obj, size_t errors,
                       const ig_diag_ctx *about)
{
	ig_decoder *d = ctx;

	(void)about;
	rec_close(d, obj, errors);
	return rec_open(d);
}

static int names_itself(const ig_node *item)
{
	span none = { NULL, 0 };

	return scalar_span(ingroute__map_get(item, "kind"), none).s &&
	       scalar_span(ingroute__map_get(item, "apiVersion"), none).s;
}

static int on_item(void *ctx, const ig_node *item)
{
	ig_decoder *d = ctx;
	span none = { NULL, 0 };
	walk w;
	int rc;

	if (!names_itself(item))
		return 0;
	if (d->nitems == 0) {
		const ig_diag_sink *out = d->dc->sink;

		/* Hold no more than the caller's list still has room for, and
		 * one more: the one whose position the caller's "too many"
		 * note takes. The rest would only be counted there too. */
		if (out->diags && !d->held &&
		    ingroute_diags_new(&d->held, d->o->alloc) < 0)
			return INGROUTE_ENOMEM;
		d->sink.diags = out->diags ? d->held : NULL;
		d->sink.max = out->kept < out->max ? out->max - out->kept + 1 : 1;
	}
	if (ingroute__grow(d->o->alloc, (void **)&d->items, &d->cap_items,
	                   d->nitems + 1, sizeof(*d->items)) < 0 ||
	    rec_open(d) < 0)
		return INGROUTE_ENOMEM;
	d->items[d->nitems][0] = d->nrecs;
	/* The file changes from buffer to buffer. */
	d->hdc = *d->dc;
	d->hdc.sink = &d->sink;
	w.o = d->o;
	w.dc = &d->hdc;
	w.fn = hold_object;
	w.ctx = d;
	w.dec = NULL;
	w.size_hint = &d->size_hint;
	rc = decode_object(&w, item, none, none, 1);
	if (rc < 0)
		return rc; /* what it holds is freed with the document */
	if (d->sink.oom)
		return INGROUTE_ENOMEM;
	rec_close(d, NULL, 0);
	d->items[d->nitems][1] = d->nrecs;
	d->nitems++;
	return 1;
}

/* Passes on what item `item` of the document produced, in its order. */
static int replay(ig_decoder *d, uint32_t item)
{
	size_t i;

	for (i = d->items[item][0]; i < d->items[item][1]; i++) {
		ig_held *r = &d->recs[i];
		ig_object *o = r->obj;
		ig_diag_ctx about;
		int rc;

		if (d->held)
			ingroute__diags_replay(d->held, r->diag_first, r->diag_end,
			                       r->counts, d->dc);
		else
			d->dc->sink->errors += r->errors;
		if (!o)
			continue;
		r->obj = NULL;
		about = ig_diag_about(d->dc, ingroute__object_kind_name(o), o->ns.s,
		                      o->name.s ? o->name.s : "");
		if ((rc = d->fn(d->ctx, o, r->obj_errors, &about)) < 0)
			return rc;
	}
	return d->dc->sink->oom ? INGROUTE_ENOMEM : 0;
}

static int on_document(void *ctx, const ig_node *root)
{
	ig_decoder *d = ctx;
	span none = { NULL, 0 };
	walk w;
	int rc = 0;

	w.o = d->o;
	w.dc = d->dc;
	w.fn = d->fn;
	w.ctx = d->ctx;
	w.dec = d;
	w.size_hint = &d->size_hint;
	if (root && !is_null(root))
		rc = decode_object(&w, root, none, none, 0);
	held_clear(d);
	return rc;
}

void ingroute__decoder_init(ig_decoder *d, const ig_decode_opts *o,
                            const ig_diag_ctx *dc, ig_object_fn fn, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->o = o;
	d->dc = dc;
	d->fn = fn;
	d->ctx = ctx;
}

int ingroute__decode_buffer(ig_decoder *d, const ig_limits *lim,
                            const char *data, size_t len)
{
	ig_doc_hooks h;
	int rc;

	h.document = on_document;
	h.item = on_item;
	h.ctx = d;
	rc = ingroute__doc_parse(d->o->alloc, lim, data, len, d->dc, &h);
	/* A document cut short by an error never reached on_document. */
	held_clear(d);
	return rc;
}

void ingroute__decoder_free(ig_decoder *d)
{
	held_clear(d);
	ingroute_diags_free(d->held);
	ingroute__free(d->o->alloc, d->items);
	ingroute__free(d->o->alloc, d->recs);
	d->held = NULL;
	d->items = NULL;
	d->recs = NULL;
}
