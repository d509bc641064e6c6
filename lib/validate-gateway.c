/*
 * The API server's validation of the Gateway API's objects: the OpenAPI
 * schema and the CEL rules their CustomResourceDefinitions carry
 * (gateway.networking.k8s.io, standard channel), with the field paths
 * and wording the apiextensions server gives (docs/semantics.md §9.2).
 * Services and Namespaces are read, not validated.
 *
 * The schema's patterns are hand-written matchers here; each message
 * quotes the pattern it stands for, as the server's does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "validate-gateway.h"
#include "validate.h"

typedef ig_fld fld;
typedef ig_val val;

#define FLD IG_FLD
#define FLD_AT IG_FLD_AT

#define P_HOSTNAME \
	"^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define P_GROUP \
	"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define P_KIND "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"
#define P_NAMESPACE "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
#define P_SECTION \
	"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define P_HEADER "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$"
#define P_CONTROLLER \
	"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*" \
	"\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$"
#define P_PROTOCOL \
	"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?" \
	"(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$"

/* The server checks the schema first and runs the CEL rules only when
 * no error of the kinds that block them was found (enum, required,
 * maxLength, maxItems, type); so the walk runs twice, once for each. */
typedef struct gval {
	val v;                 /* first: a val * is a gval * */
	int cel;               /* 0: the schema pass, 1: the CEL pass */
	int blocking;          /* the schema pass found a blocking error */
} gval;

static int schema_pass(val *v)
{
	return !((gval *)v)->cel;
}

static void sreport(val *v, ig_pos pos, const fld *f, const char *fmt, ...)
	IG_PRINTF(4, 5);

static void sreport(val *v, ig_pos pos, const fld *f, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!schema_pass(v))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ingroute__val_report(v, pos, f, "%s", msg);
}

static void sinvalid(val *v, ig_pos pos, const fld *f, const char *s,
                     size_t n, const char *detail)
{
	if (schema_pass(v))
		ingroute__val_invalid(v, pos, f, s, n, detail);
}

/* A blocking error of the schema pass. */
static void blocking(val *v)
{
	((gval *)v)->blocking = 1;
}

static void srequired(val *v, ig_pos pos, const fld *f, const char *detail)
{
	blocking(v);
	if (schema_pass(v))
		ingroute__val_required(v, pos, f, detail);
}

/* ---- the patterns */

static int any_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

#define is_label ingroute__match_label
#define is_subdomain ingroute__match_subdomain

static int is_hostname(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '*' && s[1] == '.')
		return is_subdomain(s + 2, n - 2);
	return is_subdomain(s, n);
}

/* [a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])? */
static int is_kind(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') ||
	    !any_alnum(s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!any_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* RFC 7230 token characters */
static int is_header_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!any_alnum(s[i]) && !strchr("!#$%&'*+-.^_`|~", s[i]))
			return 0;
	return 1;
}

static int is_controller(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t i, d;

	if (!slash)
		return 0;
	d = (size_t)(slash - s);
	if (!is_subdomain(s, d) || d + 1 == n)
		return 0;
	for (i = d + 1; i < n; i++)
		if (!any_alnum(s[i]) && !strchr("/-._~%!$&'()*+,;=:", s[i]))
			return 0;
	return 1;
}

static int is_protocol(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t i, d;

	if (!slash) {
		if (n == 0 || !any_alnum(s[0]) || !any_alnum(s[n - 1]))
			return 0;
		for (i = 1; i + 1 < n; i++)
			if (!any_alnum(s[i]) && s[i] != '-')
				return 0;
		return 1;
	}
	d = (size_t)(slash - s);
	if (!is_subdomain(s, d) || d + 1 == n)
		return 0;
	for (i = d + 1; i < n; i++)
		if (!any_alnum(s[i]))
			return 0;
	return 1;
}

/* ---- the schema's checks, each in the server's words */

/* kube-openapi names the field again in its detail, from the root of
 * the body. */
static const char *path_text(const fld *f, char *buf, size_t cap)
{
	const fld *chain[16];
	size_t n = 0, w = 0;

	buf[0] = '\0';
	for (; f && n < IG_ARRAY_LEN(chain); f = f->up)
		chain[n++] = f;
	while (n-- > 0 && w < cap) {
		int k = 0;

		if (chain[n]->name)
			k = snprintf(buf + w, cap - w, "%s%s", w ? "." : "",
			             chain[n]->name);
		w += k > 0 ? (size_t)k : 0;
		if (chain[n]->index >= 0 && w < cap) {
			k = snprintf(buf + w, cap - w, "[%ld]", chain[n]->index);
			w += k > 0 ? (size_t)k : 0;
		}
	}
	return buf;
}

static void pattern(val *v, const fld *f, const ig_str *s, const char *pat)
{
	char field[512], detail[768];

	snprintf(detail, sizeof(detail), "%s in body should match '%s'",
	         path_text(f, field, sizeof(field)), pat);
	sinvalid(v, s->pos, f, s->s, s->len, detail);
}

static void too_long(val *v, const fld *f, const ig_str *s, size_t max)
{
	blocking(v);
	sreport(v, s->pos, f,
	                     "Too long: may not be more than %zu bytes", max);
}

static void too_short(val *v, const fld *f, const ig_str *s, size_t min)
{
	char field[512], detail[600];

	snprintf(detail, sizeof(detail), "%s in body should be at least %zu "
	         "chars long", path_text(f, field, sizeof(field)), min);
	sinvalid(v, s->pos, f, s->s, s->len, detail);
}

static int length_ok(val *v, const fld *f, const ig_str *s, size_t min,
                     size_t max)
{
	if (s->len < min) {
		too_short(v, f, s, min);
		return 0;
	}
	if (s->len > max) {
		too_long(v, f, s, max);
		return 0;
	}
	return 1;
}

/* A string with a pattern: absent is fine unless required. */
static void string_field(val *v, ig_pos at, const fld *f, const ig_str *s,
                         int required, size_t min, size_t max,
                         int (*ok)(const char *, size_t), const char *pat)
{
	if (!s->s) {
		if (required)
			srequired(v, at, f, NULL);
		return;
	}
	if (!length_ok(v, f, s, min, max))
		return;
	if (ok && !ok(s->s, s->len))
		pattern(v, f, s, pat);
}

static void unsupported(val *v, const fld *f, const ig_str *s,
                        const char *supported)
{
	char detail[512];

	blocking(v);
	if (!schema_pass(v))
		return;
	snprintf(detail, sizeof(detail), "supported values: %s", supported);
	{
		ig_buf q;
		const char *qs;

		ingroute__buf_init(&q, v->alloc);
		ingroute__buf_quote(&q, s->s, s->len);
		qs = ingroute__buf_cstr(&q);
		if (qs)
			sreport(v, s->pos, f, "Unsupported value: %s: %s",
			                     qs, detail);
		else
			v->dc->sink->oom = 1;
		ingroute__buf_free(&q);
	}
}

static void too_many(val *v, ig_pos pos, const fld *f, size_t n, size_t max)
{
	blocking(v);
	sreport(v, pos, f, "Too many: %zu: must have at most %zu "
	                     "items", n, max);
}

/* minimum and maximum of an integer. */
static void int_range(val *v, ig_pos pos, const fld *f, long x, long min,
                      long max)
{
	char field[512];

	if (x < min)
		sreport(v, pos, f, "Invalid value: %ld: %s in body should be "
		        "greater than or equal to %ld", x,
		        path_text(f, field, sizeof(field)), min);
	else if (x > max)
		sreport(v, pos, f, "Invalid value: %ld: %s in body should be less "
		        "than or equal to %ld", x,
		        path_text(f, field, sizeof(field)), max);
}

static void port_range(val *v, ig_pos pos, const fld *f, int32_t port)
{
	int_range(v, pos, f, port, 1, 65535);
}

/* A CEL rule that failed: the server reports the object it sits on. */
static void rule(val *v, ig_pos pos, const fld *f, const char *message)
{
	if (!schema_pass(v))
		ingroute__val_report(v, pos, f, "Invalid value: %s", message);
}

static int str_is(const ig_str *s, const char *lit)
{
	return s->s && s->len == strlen(lit) && memcmp(s->s, lit, s->len) == 0;
}

static int str_eq(const ig_str *a, const ig_str *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

static int contains(const ig_str *s, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= s->len; i++)
		if (memcmp(s->s + i, needle, k) == 0)
			return 1;
	return 0;
}

static int ends_with(const ig_str *s, const char *suffix)
{
	size_t k = strlen(suffix);

	return s->len >= k && memcmp(s->s + s->len - k, suffix, k) == 0;
}

/* ---- shared types */

static void check_group(val *v, const fld *up, const ig_str *g)
{
	const fld f = FLD(up, "group");

	if (g->s && g->len > 253)
		too_long(v, &f, g, 253);
	else if (g->s && g->len && !is_subdomain(g->s, g->len))
		pattern(v, &f, g, P_GROUP);
}

static void check_kind(val *v, ig_pos at, const fld *up, const ig_str *k,
                       int required)
{
	const fld f = FLD(up, "kind");

	string_field(v, at, &f, k, required, 1, 63, is_kind, P_KIND);
}

static void check_namespace(val *v, const fld *up, const ig_str *ns)
{
	const fld f = FLD(up, "namespace");

	string_field(v, ns->pos, &f, ns, 0, 1, 63, is_label, P_NAMESPACE);
}

static void check_name(val *v, ig_pos at, const fld *up, const ig_str *name)
{
	const fld f = FLD(up, "name");

	string_field(v, at, &f, name, 1, 1, 253, NULL, NULL);
}

static void check_ref(val *v, const ig_ref *r, const fld *f, int section)
{
	check_group(v, f, &r->group);
	check_kind(v, r->pos, f, &r->kind, 0);
	check_namespace(v, f, &r->ns);
	check_name(v, r->pos, f, &r->name);
	if (section) {
		const fld fs = FLD(f, "sectionName");

		string_field(v, r->pos, &fs, &r->section, 0, 1, 253, is_subdomain,
		             P_SECTION);
	}
	if (r->port_pos.line) {
		const fld fp = FLD(f, "port");

		port_range(v, r->port_pos, &fp, r->port);
	}
}

/* ---- GatewayClass */

static void validate_gateway_class(val *v, const ig_object *o)
{
	const fld f = FLD(NULL, "spec.controllerName");

	string_field(v, o->spec_pos, &f, &o->controller, 1, 1, 253,
	             is_controller, P_CONTROLLER);
}

/* ---- Gateway */

static void check_listener(val *v, const ig_listener *l, const fld *f)
{
	const fld fname = FLD(f, "name"), fhost = FLD(f, "hostname");
	const fld fport = FLD(f, "port"), fproto = FLD(f, "protocol");
	const fld far = FLD(f, "allowedRoutes");
	const fld fns = FLD(&far, "namespaces"), ffrom = FLD(&fns, "from");
	const fld fkinds = FLD(&far, "kinds");
	uint32_t i;

	string_field(v, l->pos, &fname, &l->name, 1, 1, 253, is_subdomain,
	             P_SECTION);
	string_field(v, l->pos, &fhost, &l->hostname, 0, 1, 253, is_hostname,
	             P_HOSTNAME);
	if (!l->port_pos.line)
		srequired(v, l->pos, &fport, NULL);
	else
		port_range(v, l->port_pos, &fport, l->port);
	string_field(v, l->pos, &fproto, &l->protocol, 1, 1, 255, is_protocol,
	             P_PROTOCOL);
	if (l->from == IG_FROM_OTHER)
		unsupported(v, &ffrom, &l->from_str,
		            "\"All\", \"Selector\", \"Same\", \"None\"");
	if (l->from == IG_FROM_SELECTOR && !l->selector)
		rule(v, l->pos, &fns, "selector must be specified when from is "
		     "'Selector'");
	if (l->nkinds > 8)
		too_many(v, l->pos, &fkinds, l->nkinds, 8);
	for (i = 0; i < l->nkinds; i++) {
		const fld fk = FLD_AT(&far, "kinds", i);

		check_group(v, &fk, &l->kinds[i].group);
		check_kind(v, l->kinds[i].pos, &fk, &l->kinds[i].kind, 1);
	}
	if (l->has_tls && l->protocol.s &&
	    (str_is(&l->protocol, "HTTP") || str_is(&l->protocol, "TCP") ||
	     str_is(&l->protocol, "UDP")))
		rule(v, l->pos, f, "tls must not be specified for protocols "
		     "['HTTP', 'TCP', 'UDP']");
	if (l->hostname.s && (str_is(&l->protocol, "TCP") ||
	                      str_is(&l->protocol, "UDP")))
		rule(v, l->pos, f, "hostname must not be specified for protocols "
		     "['TCP', 'UDP']");
}

static void validate_gateway(val *v, const ig_object *o)
{
	const fld fl = FLD(NULL, "spec.listeners");
	uint32_t i, j;

	string_field(v, o->spec_pos, &FLD(NULL, "spec.gatewayClassName"),
	             &o->class_name, 1, 1, 253, NULL, NULL);
	if (!o->listeners) {
		srequired(v, o->spec_pos, &fl, NULL);
		return;
	}
	if (o->nlisteners == 0)
		sreport(v, o->listeners_pos, &fl, "Invalid value: 0: "
		        "spec.listeners in body should have at least 1 items");
	if (o->nlisteners > 64)
		too_many(v, o->listeners_pos, &fl, o->nlisteners, 64);
	for (i = 0; i < o->nlisteners && i < 64; i++) {
		const fld f = FLD_AT(NULL, "spec.listeners", i);

		check_listener(v, &o->listeners[i], &f);
	}
	for (i = 0; i < o->nlisteners && i < 64; i++) {
		const ig_listener *a = &o->listeners[i];

		for (j = 0; j < i; j++) {
			const ig_listener *b = &o->listeners[j];

			if (a->name.s && b->name.s && str_eq(&a->name, &b->name)) {
				rule(v, o->listeners_pos, &fl, "Listener name must be "
				     "unique within the Gateway");
				return;
			}
			if (a->port == b->port && str_eq(&a->protocol, &b->protocol) &&
			    str_eq(&a->hostname, &b->hostname)) {
				rule(v, o->listeners_pos, &fl, "Combination of port, "
				     "protocol and hostname must be unique for each "
				     "listener");
				return;
			}
		}
	}
}

/* ---- HTTPRoute */

static void check_value_match(val *v, const ig_value_match *m, const fld *f,
                              int header)
{
	const fld ft = FLD(f, "type"), fn = FLD(f, "name");
	const fld fv = FLD(f, "value");

	if (m->type == IG_MT_OTHER)
		unsupported(v, &ft, &m->type_str,
		            "\"Exact\", \"RegularExpression\"");
	string_field(v, m->pos, &fn, &m->name, 1, 1, 256, is_header_name,
	             P_HEADER);
	(void)header;
	string_field(v, m->pos, &fv, &m->value, 1, 1, 1024 * 4, NULL, NULL);
}

/* The CEL rules on a path match, in the CRD's order. */
static void check_path(val *v, const ig_http_match *m, const fld *fm)
{
	static const struct {
		const char *needle;
		int suffix;
		const char *message;
	} rules[] = {
		{ "//", 0, "must not contain '//' when type one of ['Exact', "
		           "'PathPrefix']" },
		{ "/./", 0, "must not contain '/./' when type one of ['Exact', "
		            "'PathPrefix']" },
		{ "/../", 0, "must not contain '/../' when type one of ['Exact', "
		             "'PathPrefix']" },
		{ "%2f", 0, "must not contain '%2f' when type one of ['Exact', "
		            "'PathPrefix']" },
		{ "%2F", 0, "must not contain '%2F' when type one of ['Exact', "
		            "'PathPrefix']" },
		{ "#", 0, "must not contain '#' when type one of ['Exact', "
		          "'PathPrefix']" },
		{ "/..", 1, "must not end with '/..' when type one of ['Exact', "
		            "'PathPrefix']" },
		{ "/.", 1, "must not end with '/.' when type one of ['Exact', "
		           "'PathPrefix']" },
	};
	const fld fp = FLD(fm, "path"), ft = FLD(&fp, "type");
	const fld fv = FLD(&fp, "value");
	const ig_str *s = &m->path_value;
	size_t i;

	if (m->path_type == IG_MT_OTHER) {
		unsupported(v, &ft, &m->path_type_str,
		            "\"Exact\", \"PathPrefix\", \"RegularExpression\"");
		return;
	}
	if (s->len > 1024) {
		too_long(v, &fv, s, 1024);
		return;
	}
	if (m->path_type == IG_MT_REGEX)
		return;
	if (s->len == 0 || s->s[0] != '/')
		rule(v, m->path_pos, &fp, "value must be an absolute path and start "
		     "with '/' when type one of ['Exact', 'PathPrefix']");
	for (i = 0; i < IG_ARRAY_LEN(rules); i++)
		if (rules[i].suffix ? ends_with(s, rules[i].needle)
		                    : contains(s, rules[i].needle))
			rule(v, m->path_pos, &fp, rules[i].message);
}

static void check_http_match(val *v, const ig_http_match *m, const fld *f)
{
	const fld fh = FLD(f, "headers"), fq = FLD(f, "queryParams");
	const fld fmeth = FLD(f, "method");
	uint32_t i;

	check_path(v, m, f);
	if (m->nheaders > 16)
		too_many(v, m->pos, &fh, m->nheaders, 16);
	for (i = 0; i < m->nheaders && i < 16; i++) {
		const fld fi = FLD_AT(f, "headers", i);

		check_value_match(v, &m->headers[i], &fi, 1);
	}
	if (m->nquery > 16)
		too_many(v, m->pos, &fq, m->nquery, 16);
	for (i = 0; i < m->nquery && i < 16; i++) {
		const fld fi = FLD_AT(f, "queryParams", i);

		check_value_match(v, &m->query[i], &fi, 0);
	}
	if (m->method.s) {
		static const char *const methods[] = {
			"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
			"TRACE", "PATCH" };
		size_t k;

		for (k = 0; k < IG_ARRAY_LEN(methods); k++)
			if (str_is(&m->method, methods[k]))
				break;
		if (k == IG_ARRAY_LEN(methods))
			unsupported(v, &fmeth, &m->method,
			            "\"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", "
			            "\"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\"");
	}
}

static void check_header_edits(val *v, const ig_filter *flt, const fld *fb)
{
	static const char *const lists[] = { NULL, "set", "add", "remove" };
	uint32_t i, counts[4] = { 0, 0, 0, 0 };

	for (i = 0; i < flt->nedits; i++) {
		const ig_header_edit *e = &flt->edits[i];
		const fld fl = FLD_AT(fb, lists[e->op], counts[e->op]++);
		const fld fn = FLD(&fl, "name"), fv = FLD(&fl, "value");

		if (e->op == IG_HOP_REMOVE) {
			const fld fr = FLD_AT(fb, "remove", counts[e->op] - 1);

			string_field(v, e->pos, &fr, &e->name, 1, 1, 256,
			             is_header_name, P_HEADER);
			continue;
		}
		string_field(v, e->pos, &fn, &e->name, 1, 1, 256, is_header_name,
		             P_HEADER);
		string_field(v, e->pos, &fv, &e->value, 1, 1, 4096, NULL, NULL);
	}
	for (i = 1; i < 4; i++)
		if (counts[i] > 16) {
			const fld fl = FLD(fb, lists[i]);

			too_many(v, flt->body_pos, &fl, counts[i], 16);
		}
}

static void check_path_modifier(val *v, const ig_filter *flt, const fld *fb)
{
	const fld fp = FLD(fb, "path"), ft = FLD(&fp, "type");

	if (!flt->path_pos.line)
		return;
	if (flt->path_mod == IG_PM_NONE)
		srequired(v, flt->path_pos, &ft, NULL);
	if (flt->path_mod == IG_PM_OTHER)
		unsupported(v, &ft, &flt->path_mod_str,
		            "\"ReplaceFullPath\", \"ReplacePrefixMatch\"");
	if (flt->path_mod == IG_PM_FULL && !flt->full_path.s)
		rule(v, flt->path_pos, &fp, "replaceFullPath must be specified when "
		     "type is set to 'ReplaceFullPath'");
	if (flt->full_path.s && flt->path_mod != IG_PM_FULL)
		rule(v, flt->path_pos, &fp, "type must be 'ReplaceFullPath' when "
		     "replaceFullPath is set");
	if (flt->path_mod == IG_PM_PREFIX && !flt->prefix_path.s)
		rule(v, flt->path_pos, &fp, "replacePrefixMatch must be specified "
		     "when type is set to 'ReplacePrefixMatch'");
	if (flt->prefix_path.s && flt->path_mod != IG_PM_PREFIX)
		rule(v, flt->path_pos, &fp, "type must be 'ReplacePrefixMatch' when "
		     "replacePrefixMatch is set");
	if (flt->full_path.s && flt->full_path.len > 1024) {
		const fld fv = FLD(&fp, "replaceFullPath");

		too_long(v, &fv, &flt->full_path, 1024);
	}
	if (flt->prefix_path.s && flt->prefix_path.len > 1024) {
		const fld fv = FLD(&fp, "replacePrefixMatch");

		too_long(v, &fv, &flt->prefix_path, 1024);
	}
}

static void check_filter(val *v, const ig_filter *flt, const fld *f)
{
	const fld ft = FLD(f, "type");
	char msg[160];

	if (!flt->type_str.s) {
		srequired(v, flt->pos, &ft, NULL);
		return;
	}
	if (flt->type == IG_FT_OTHER) {
		unsupported(v, &ft, &flt->type_str,
		            "\"RequestHeaderModifier\", \"ResponseHeaderModifier\", "
		            "\"RequestMirror\", \"RequestRedirect\", \"URLRewrite\", "
		            "\"ExtensionRef\"");
		return;
	}
	if (!flt->has_body) {
		snprintf(msg, sizeof(msg), "filter.%s must be specified for %s "
		         "filter.type", ingroute__filter_field_name(flt->type),
		         ingroute__filter_type_name(flt->type));
		rule(v, flt->pos, f, msg);
	}
	{
		size_t k;

		for (k = 1; k < IG_FT_OTHER; k++) {
			if (k == flt->type || !(flt->body_mask & (1u << k)))
				continue;
			snprintf(msg, sizeof(msg), "filter.%s must be nil if the "
			         "filter.type is not %s",
			         ingroute__filter_field_name((int)k),
			         ingroute__filter_type_name((int)k));
			rule(v, flt->pos, f, msg);
		}
	}
	if (!flt->has_body)
		return;
	{
		const fld fb = FLD(f, ingroute__filter_field_name(flt->type));

		switch (flt->type) {
		case IG_FT_REQUEST_HEADER:
		case IG_FT_RESPONSE_HEADER:
			check_header_edits(v, flt, &fb);
			break;
		case IG_FT_REDIRECT: {
			const fld fs = FLD(&fb, "scheme"), fh = FLD(&fb, "hostname");
			const fld fsc = FLD(&fb, "statusCode");
			const fld fp = FLD(&fb, "port");

			if (flt->scheme.s && !str_is(&flt->scheme, "http") &&
			    !str_is(&flt->scheme, "https"))
				unsupported(v, &fs, &flt->scheme, "\"http\", \"https\"");
			string_field(v, flt->body_pos, &fh, &flt->hostname, 0, 1, 253,
			             is_hostname, P_HOSTNAME);
			check_path_modifier(v, flt, &fb);
			if (flt->port_pos.line)
				port_range(v, flt->port_pos, &fp, flt->port);
			if (flt->status_pos.line && flt->status != 301 &&
			    flt->status != 302 && flt->status != 303 &&
			    flt->status != 307 && flt->status != 308) {
				blocking(v);
				sreport(v, flt->status_pos, &fsc, "Unsupported value: "
				        "%d: supported values: \"301\", \"302\", "
				        "\"303\", \"307\", \"308\"", flt->status);
			}
			break;
		}
		case IG_FT_REWRITE: {
			const fld fh = FLD(&fb, "hostname");

			string_field(v, flt->body_pos, &fh, &flt->hostname, 0, 1, 253,
			             is_hostname, P_HOSTNAME);
			check_path_modifier(v, flt, &fb);
			break;
		}
		case IG_FT_MIRROR: {
			const fld fr = FLD(&fb, "backendRef");

			check_ref(v, &flt->mirror, &fr, 0);
			if (flt->percent >= 0 && flt->has_fraction)
				rule(v, flt->body_pos, &fb, "Only one of percent or "
				     "fraction may be specified in HTTPRequestMirrorFilter");
			if (flt->percent >= 0)
				int_range(v, flt->body_pos, &FLD(&fb, "percent"),
				          flt->percent, 0, 100);
			if (flt->has_fraction && flt->num > flt->den)
				rule(v, flt->body_pos, &FLD(&fb, "fraction"),
				     "numerator must be less than or equal to denominator");
			break;
		}
		case IG_FT_EXTENSION:
			check_group(v, &fb, &flt->ext.group);
			check_kind(v, flt->ext.pos, &fb, &flt->ext.kind, 1);
			check_name(v, flt->ext.pos, &fb, &flt->ext.name);
			break;
		default:
			break;
		}
	}
}

/* Rules on a rule's filters as a list (the CRD's CEL on filters[]). */
static void check_filter_list(val *v, const ig_filter *fs, uint32_t n,
                              ig_pos at, const fld *f, int route_level)
{
	static const struct {
		uint8_t type;
		const char *message;
	} once[] = {
		{ IG_FT_REQUEST_HEADER, "RequestHeaderModifier filter cannot be "
		                        "repeated" },
		{ IG_FT_RESPONSE_HEADER, "ResponseHeaderModifier filter cannot be "
		                         "repeated" },
		{ IG_FT_REDIRECT, "RequestRedirect filter cannot be repeated" },
		{ IG_FT_REWRITE, "URLRewrite filter cannot be repeated" },
	};
	uint32_t i, counts[IG_FT_OTHER + 1];
	size_t k;

	memset(counts, 0, sizeof(counts));
	if (n > 16)
		too_many(v, at, f, n, 16);
	for (i = 0; i < n && i < 16; i++) {
		const fld fi = FLD_AT(f->up, f->name, i);

		check_filter(v, &fs[i], &fi);
		counts[fs[i].type]++;
	}
	if (route_level && counts[IG_FT_REDIRECT] && counts[IG_FT_REWRITE])
		rule(v, at, f, "May specify either httpRouteFilterRequestRedirect "
		     "or httpRouteFilterRequestRewrite, but not both");
	for (k = 0; k < IG_ARRAY_LEN(once); k++)
		if (counts[once[k].type] > 1)
			rule(v, at, f, once[k].message);
}

static void check_backend_ref(val *v, const ig_backend_ref *b, const fld *f)
{
	check_ref(v, &b->ref, f, 0);
	if (b->weight_pos.line)
		int_range(v, b->weight_pos, &FLD(f, "weight"), b->weight, 0,
		          1000000);
	if ((!b->ref.group.s || b->ref.group.len == 0) &&
	    (!b->ref.kind.s || str_is(&b->ref.kind, "Service")) && !b->ref.port)
		rule(v, b->ref.pos, f, "Must have port for Service reference");
	{
		const fld ff = FLD(f, "filters");

		check_filter_list(v, b->filters, b->nfilters, b->ref.pos, &ff, 0);
	}
}

/* The rules' CEL on ReplacePrefixMatch: it needs exactly one PathPrefix
 * match to replace. */
static void check_prefix_rewrites(val *v, const ig_http_rule *r,
                                  const fld *f)
{
	uint32_t i;

	for (i = 0; i < r->nfilters; i++) {
		const ig_filter *flt = &r->filters[i];

		if ((flt->type != IG_FT_REDIRECT && flt->type != IG_FT_REWRITE) ||
		    flt->path_mod != IG_PM_PREFIX)
			continue;
		if (r->nmatches > 1 ||
		    (r->nmatches == 1 && r->matches[0].path_type != IG_MT_PREFIX))
			rule(v, r->pos, f, flt->type == IG_FT_REDIRECT
			     ? "When using RequestRedirect filter with "
			       "path.replacePrefixMatch, exactly one PathPrefix match "
			       "must be specified"
			     : "When using URLRewrite filter with "
			       "path.replacePrefixMatch, exactly one PathPrefix match "
			       "must be specified");
	}
}

static void validate_httproute(val *v, const ig_object *o)
{
	const fld fp = FLD(NULL, "spec.parentRefs");
	const fld fh = FLD(NULL, "spec.hostnames");
	const fld fr = FLD(NULL, "spec.rules");
	uint32_t i, j, total = 0;

	if (o->nparents > 32)
		too_many(v, o->parents_pos, &fp, o->nparents, 32);
	for (i = 0; i < o->nparents && i < 32; i++) {
		const fld f = FLD_AT(NULL, "spec.parentRefs", i);

		check_ref(v, &o->parents[i], &f, 1);
	}
	for (i = 0; i < o->nparents && i < 32; i++) {
		const ig_ref *a = &o->parents[i];

		for (j = 0; j < i; j++) {
			const ig_ref *b = &o->parents[j];

			if (!str_eq(&a->name, &b->name) || !str_eq(&a->ns, &b->ns) ||
			    !str_eq(&a->kind, &b->kind) || !str_eq(&a->group, &b->group))
				continue;
			if ((!a->section.s && !a->port) || (!b->section.s && !b->port)) {
				rule(v, o->parents_pos, &fp, "sectionName or port must be "
				     "specified when parentRefs includes 2 or more "
				     "references to the same parent");
				i = o->nparents;
				break;
			}
			if (str_eq(&a->section, &b->section) && a->port == b->port) {
				rule(v, o->parents_pos, &fp, "sectionName or port must be "
				     "unique when parentRefs includes 2 or more references "
				     "to the same parent");
				i = o->nparents;
				break;
			}
		}
	}
	if (o->nhostnames > 16)
		too_many(v, o->hostnames_pos, &fh, o->nhostnames, 16);
	for (i = 0; i < o->nhostnames && i < 16; i++) {
		const fld f = FLD_AT(NULL, "spec.hostnames", i);

		string_field(v, o->hostnames[i].pos, &f, &o->hostnames[i], 1, 1, 253,
		             is_hostname, P_HOSTNAME);
	}
	if (o->nhttp_rules > 16)
		too_many(v, o->rules_pos, &fr, o->nhttp_rules, 16);
	for (i = 0; i < o->nhttp_rules && i < 16; i++) {
		const ig_http_rule *r = &o->http_rules[i];
		const fld f = FLD_AT(NULL, "spec.rules", i);
		const fld fm = FLD(&f, "matches"), ff = FLD(&f, "filters");
		const fld fb = FLD(&f, "backendRefs"), fn = FLD(&f, "name");

		string_field(v, r->pos, &fn, &r->name, 0, 1, 253, is_subdomain,
		             P_SECTION);
		if (r->nmatches > 64)
			too_many(v, r->matches_pos, &fm, r->nmatches, 64);
		for (j = 0; j < r->nmatches && j < 64; j++) {
			const fld fj = FLD_AT(&f, "matches", j);

			check_http_match(v, &r->matches[j], &fj);
		}
		total += r->nmatches;
		check_filter_list(v, r->filters, r->nfilters, r->filters_pos, &ff, 1);
		check_prefix_rewrites(v, r, &f);
		if (r->nbackends > 16)
			too_many(v, r->pos, &fb, r->nbackends, 16);
		for (j = 0; j < r->nbackends && j < 16; j++) {
			const fld fj = FLD_AT(&f, "backendRefs", j);

			check_backend_ref(v, &r->backends[j], &fj);
		}
		for (j = 0; j < i; j++)
			if (r->name.s && o->http_rules[j].name.s &&
			    str_eq(&r->name, &o->http_rules[j].name)) {
				rule(v, o->rules_pos, &fr, "Rule name must be unique "
				     "within the route");
				break;
			}
	}
	if (total > 128)
		rule(v, o->rules_pos, &fr, "While 16 rules and 64 matches per rule "
		     "are allowed, the total number of matches across all rules in "
		     "a route must be less than 128");
}

/* ---- ReferenceGrant */

static void check_grants(val *v, const ig_grant *g, uint32_t n, ig_pos at,
                         const char *name, int from)
{
	const fld f = FLD(NULL, name);
	uint32_t i;

	if (!g)
		srequired(v, at, &f, NULL);
	else if (n == 0)
		sreport(v, at, &f, "Invalid value: 0: %s in body should have at "
		        "least 1 items", name);
	if (n > 16)
		too_many(v, at, &f, n, 16);
	for (i = 0; i < n && i < 16; i++) {
		const fld fi = FLD_AT(NULL, name, i);
		const fld fg = FLD(&fi, "group");

		if (!g[i].group.s)
			srequired(v, g[i].pos, &fg, NULL);
		else
			check_group(v, &fi, &g[i].group);
		check_kind(v, g[i].pos, &fi, &g[i].kind, 1);
		if (from) {
			const fld fns = FLD(&fi, "namespace");

			string_field(v, g[i].pos, &fns, &g[i].ns, 1, 1, 63, is_label,
			             P_NAMESPACE);
		} else if (g[i].name.s) {
			check_name(v, g[i].pos, &fi, &g[i].name);
		}
	}
}

static void validate_grant(val *v, const ig_object *o)
{
	check_grants(v, o->grant_from, o->ngrant_from, o->spec_pos, "spec.from",
	             1);
	check_grants(v, o->grant_to, o->ngrant_to, o->spec_pos, "spec.to", 0);
}

static void walk(val *v, const ig_object *o)
{
	switch (o->kind) {
	case IG_OBJ_GATEWAY_CLASS: validate_gateway_class(v, o); break;
	case IG_OBJ_GATEWAY: validate_gateway(v, o); break;
	case IG_OBJ_HTTPROUTE: validate_httproute(v, o); break;
	case IG_OBJ_GRANT: validate_grant(v, o); break;
	default: break;
	}
}

size_t ingroute__validate_gateway(const ig_object *o, const ig_diag_ctx *dc)
{
	gval g;

	memset(&g, 0, sizeof(g));
	g.v.dc = dc;
	g.v.alloc = o->arena.alloc;
	if (o->kind == IG_OBJ_SERVICE || o->kind == IG_OBJ_NAMESPACE)
		return 0;
	ingroute__validate_meta(&g.v, o);
	if (!o->has_spec)
		srequired(&g.v, o->pos, &FLD(NULL, "spec"), NULL);
	else
		walk(&g.v, o);
	g.cel = 1;
	if (!g.blocking)
		walk(&g.v, o);
	/* the CEL rules of a ReferenceGrant: none */
	else if (o->kind != IG_OBJ_GRANT)
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_INVALID, o->pos, NULL,
		               "Invalid value: null: some validation rules were "
		               "not checked because the object was invalid; correct "
		               "the existing errors to complete validation");
	if (g.cel && g.blocking && o->kind != IG_OBJ_GRANT)
		g.v.errors++;
	return g.v.errors;
}
