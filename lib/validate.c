/*
 * The API server's validation of networking.k8s.io/v1 Ingress and
 * IngressClass, rule for rule: Kubernetes' pkg/apis/networking/validation
 * and the name checks of apimachinery's pkg/util/validation. Field paths
 * and messages are theirs, printed as field.Error prints them
 * (`FIELD: Invalid value: "x": detail`), so a user can search for them.
 *
 * The regular expressions of the originals are hand-written matchers here;
 * each message quotes the regex it stands for, as the original does.
 */
#include <stdio.h>
#include <string.h>

#include "validate.h"

#define LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define SUBDOMAIN_FMT LABEL_FMT "(\\." LABEL_FMT ")*"
#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"

static const char msg_subdomain[] =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
	"characters, '-' or '.', and must start and end with an alphanumeric "
	"character (e.g. 'example.com', regex used for validation is '"
	SUBDOMAIN_FMT "')";
static const char msg_label[] =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric "
	"characters or '-', and must start and end with an alphanumeric character "
	"(e.g. 'my-name',  or '123-abc', regex used for validation is '"
	LABEL_FMT "')";
static const char msg_wildcard[] =
	"a wildcard DNS-1123 subdomain must start with '*.', followed by a valid "
	"DNS subdomain, which must consist of lower case alphanumeric characters, "
	"'-' or '.' and end with an alphanumeric character (e.g. '*.example.com', "
	"regex used for validation is '\\*\\." SUBDOMAIN_FMT "')";
static const char msg_label_value[] =
	"a valid label must be an empty string or consist of alphanumeric "
	"characters, '-', '_' or '.', and must start and end with an alphanumeric "
	"character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
	"validation is '(" QNAME_FMT ")?')";

/* Up to a handful of messages per check, all static strings. */
typedef struct msgs {
	const char *m[6];
	int n;
} msgs;

static void add(msgs *ms, const char *m)
{
	if (ms->n < (int)IG_ARRAY_LEN(ms->m))
		ms->m[ms->n++] = m;
}

/* ---- character-class matchers standing in for the regexes */

static int lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? */
int ingroute__match_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* LABEL(\.LABEL)* */
int ingroute__match_subdomain(const char *s, size_t n)
{
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!ingroute__match_label(s + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static int match_qname(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !alnum(s[0]) || !alnum(s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

/* ---- apimachinery's checks, each giving its messages in its order */

static void dns1123_subdomain(const char *s, size_t n, msgs *ms)
{
	if (n > 253)
		add(ms, "must be no more than 253 characters");
	if (!ingroute__match_subdomain(s, n))
		add(ms, msg_subdomain);
}

static void dns1123_label(const char *s, size_t n, msgs *ms)
{
	if (n > 63)
		add(ms, "must be no more than 63 characters");
	/* A valid subdomain that is no label can only have failed on dots. */
	if (!ingroute__match_label(s, n))
		add(ms, ingroute__match_subdomain(s, n) ? "must not contain dots" : msg_label);
}

static void wildcard_subdomain(const char *s, size_t n, msgs *ms)
{
	if (n > 253)
		add(ms, "must be no more than 253 characters");
	if (!(n > 2 && s[0] == '*' && s[1] == '.' && ingroute__match_subdomain(s + 2, n - 2)))
		add(ms, msg_wildcard);
}

static void port_name(const char *s, size_t n, msgs *ms)
{
	size_t i;
	int letter = 0, charset = n > 0;

	if (n > 15)
		add(ms, "must be no more than 15 characters");
	for (i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = 1;
		else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			charset = 0;
	}
	if (!charset)
		add(ms, "must contain only alpha-numeric characters (a-z, 0-9), "
		        "and hyphens (-)");
	if (!letter)
		add(ms, "must contain at least one letter (a-z)");
	for (i = 0; i + 1 < n; i++)
		if (s[i] == '-' && s[i + 1] == '-') {
			add(ms, "must not contain consecutive hyphens");
			break;
		}
	if (n > 0 && (s[0] == '-' || s[n - 1] == '-'))
		add(ms, "must not begin or end with a hyphen");
}

const char *ingroute__name_problem(int kind, const char *s, size_t n)
{
	msgs ms;

	ms.n = 0;
	if (kind == IG_NAME_NAMESPACE)
		dns1123_label(s, n, &ms);
	else if (kind == IG_NAME_SERVICE)
		dns1123_label(s, n, &ms);
	else
		port_name(s, n, &ms);
	return ms.n ? ms.m[0] : NULL;
}

/* IsQualifiedName: [prefix/]name. Kubernetes lowercases annotation keys
 * before this check, so callers pass what the original passes. */
static void qualified_name(const char *s, size_t n, msgs *ms, int lower)
{
	static const char prefix_empty[] = "prefix part must be non-empty";
	static const char prefix_bad[] = "prefix part " "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" SUBDOMAIN_FMT "')";
	static const char prefix_long[] = "prefix part must be no more than 253 bytes";
	static const char name_bad[] = "name part " "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" QNAME_FMT "')";
	static const char too_many[] = "a valid label key " "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" QNAME_FMT "')" " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
	const char *slash = memchr(s, '/', n), *name = s;
	size_t nlen = n;
	char low[253];

	if (slash) {
		size_t plen = (size_t)(slash - s);

		if (memchr(slash + 1, '/', n - plen - 1)) {
			add(ms, too_many);
			return;
		}
		name = slash + 1;
		nlen = n - plen - 1;
		if (plen == 0) {
			add(ms, prefix_empty);
		} else {
			const char *p = s;

			if (lower && plen <= sizeof(low)) {
				size_t i;

				for (i = 0; i < plen; i++)
					low[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
				p = low;
			}
			if (plen > 253)
				add(ms, prefix_long);
			if (!ingroute__match_subdomain(p, plen))
				add(ms, prefix_bad);
		}
	}
	if (nlen == 0)
		add(ms, "name part must be non-empty");
	else if (nlen > 63)
		add(ms, "name part must be no more than 63 bytes");
	if (!match_qname(name, nlen))
		add(ms, name_bad);
}

static void label_value(const char *s, size_t n, msgs *ms)
{
	if (n > 63)
		add(ms, "must be no more than 63 bytes");
	if (n > 0 && !match_qname(s, n))
		add(ms, msg_label_value);
}

static void path_segment_name(const char *s, size_t n, msgs *ms)
{
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) {
		add(ms, n == 1 ? "may not be '.'" : "may not be '..'");
		return;
	}
	if (memchr(s, '/', n))
		add(ms, "may not contain '/'");
	if (memchr(s, '%', n))
		add(ms, "may not contain '%'");
}

/* netutils.ParseIPSloppy: dotted quads (leading zeros allowed) and IPv6. */
static int parse_ipv4(const char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255)
				return 0;
			i++;
		}
		if (i == start)
			return 0;
	}
	return i == n;
}

static int parse_ipv6(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0, ellipsis = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		ellipsis = 1;
		i = 2;
		if (i == n)
			return 1;
	}
	while (i < n) {
		size_t start = i, k = 0;

		while (i < n && k < 5 && ig_hexval(s[i]) >= 0)
			i++, k++;
		if (k == 0 || k > 4) {
			/* An embedded IPv4 tail takes two groups. */
			if (k > 0 && i < n && s[i] == '.')
				goto v4;
			return 0;
		}
		if (i < n && s[i] == '.') {
v4:
			if (groups > 6 || !parse_ipv4(s + start, n - start))
				return 0;
			groups += 2;
			i = n;
			break;
		}
		groups++;
		if (i == n)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < n && s[i] == ':') {
			if (ellipsis)
				return 0;
			ellipsis = 1;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return 0;
		}
	}
	return ellipsis ? groups < 8 : groups == 8;
}

static int is_ip(const char *s, size_t n)
{
	return parse_ipv4(s, n) || (memchr(s, ':', n) && parse_ipv6(s, n));
}

/* ---- reporting as field.Error prints */

/* Field paths (ig_fld, validate.h) are built as the walk descends and
 * written out only when an error is reported: most objects are valid,
 * and formatting a path for every field they have would cost more than
 * checking them. */
typedef ig_fld fld;
typedef ig_val val;

#define FLD IG_FLD
#define FLD_AT IG_FLD_AT

static const char *fld_text(const fld *f, char *buf, size_t cap)
{
	const fld *chain[16];
	size_t n = 0, w = 0;

	for (; f && n < IG_ARRAY_LEN(chain); f = f->up)
		chain[n++] = f;
	buf[0] = '\0';
	while (n-- > 0 && w < cap) {
		const fld *c = chain[n];
		int k = 0;

		/* no name: an index into the field above, "finalizers[0]" */
		if (c->name)
			k = snprintf(buf + w, cap - w, "%s%s", w ? "." : "", c->name);
		w += k > 0 ? (size_t)k : 0;
		if (c->index >= 0 && w < cap) {
			k = snprintf(buf + w, cap - w, "[%ld]", c->index);
			w += k > 0 ? (size_t)k : 0;
		}
	}
	return buf;
}

void ingroute__val_report(val *v, ig_pos pos, const fld *f,
                          const char *fmt, ...)
{
	char field[512];
	va_list ap;

	v->errors++;
	va_start(ap, fmt);
	ingroute__vdiag(v->dc, INGROUTE_ERROR, INGROUTE_D_INVALID, pos,
	                fld_text(f, field, sizeof(field)), fmt, ap);
	va_end(ap);
}

#define report ingroute__val_report
#define invalid_str ingroute__val_invalid

void ingroute__val_invalid(val *v, ig_pos pos, const fld *f, const char *s,
                           size_t n, const char *detail)
{
	ig_buf q;
	const char *qs;

	ingroute__buf_init(&q, v->alloc);
	ingroute__buf_quote(&q, s, n);
	qs = ingroute__buf_cstr(&q);
	if (qs) {
		report(v, pos, f, "Invalid value: %s: %s", qs, detail);
	} else {
		v->errors++;
		v->dc->sink->errors++;
		v->dc->sink->oom = 1;
	}
	ingroute__buf_free(&q);
}

static void invalid_each(val *v, ig_pos pos, const fld *f, const ig_str *s,
                         const msgs *ms)
{
	int i;

	for (i = 0; i < ms->n; i++)
		invalid_str(v, pos, f, s->s, s->len, ms->m[i]);
}

void ingroute__val_required(val *v, ig_pos pos, const fld *f,
                            const char *detail)
{
	if (detail && *detail)
		report(v, pos, f, "Required value: %s", detail);
	else
		report(v, pos, f, "Required value");
}

#define required ingroute__val_required

/* ---- networking/validation */

/* A required field that is a path segment name (a reference's kind or
 * name); at is where the reference is, for one that is absent. */
static void path_segment(val *v, ig_pos at, const fld *f, const ig_str *s)
{
	msgs ms;

	if (!s->len) {
		required(v, s->s ? s->pos : at, f, "");
		return;
	}
	memset(&ms, 0, sizeof(ms));
	path_segment_name(s->s, s->len, &ms);
	invalid_each(v, s->pos, f, s, &ms);
}

/* apiGroup, kind and name of a reference to another object (a resource
 * backend, an IngressClass's parameters). */
static void typed_ref(val *v, ig_pos at, const fld *parent,
                      const ig_str *group, const ig_str *kind,
                      const ig_str *name)
{
	const fld fg = FLD(parent, "apiGroup"), fk = FLD(parent, "kind");
	const fld fn = FLD(parent, "name");
	msgs ms;

	if (group->s) {
		memset(&ms, 0, sizeof(ms));
		dns1123_subdomain(group->s, group->len, &ms);
		invalid_each(v, group->pos, &fg, group, &ms);
	}
	path_segment(v, at, &fk, kind);
	path_segment(v, at, &fn, name);
}

static void validate_backend(val *v, const ig_backend *b, const fld *fb)
{
	msgs ms;

	if (b->has_resource && b->has_service) {
		report(v, b->pos, fb, "Invalid value: \"\": cannot set both "
		                      "resource and service backends");
		return;
	}
	if (b->has_resource) {
		fld fr = FLD(fb, "resource");

		typed_ref(v, b->resource_pos, &fr, &b->api_group, &b->kind,
		          &b->res_name);
		return;
	}
	if (!b->has_service) {
		report(v, b->pos, fb, "Invalid value: \"\": resource or service "
		                      "backend is required");
		return;
	}
	{
		fld fs = FLD(fb, "service"), fn = FLD(&fs, "name");
		fld fp = FLD(&fs, "port"), f;

		if (!b->service.len) {
			required(v, b->service.s ? b->service.pos : b->service_pos, &fn,
			         "");
		} else {
			/* A DNS-1123 label, no longer DNS-1035: the release's
			 * RelaxedServiceNameValidation is on by default. */
			memset(&ms, 0, sizeof(ms));
			dns1123_label(b->service.s, b->service.len, &ms);
			invalid_each(v, b->service.pos, &fn, &b->service, &ms);
		}
		if (b->port_name.len && b->port_number) {
			report(v, b->pos, fb, "Invalid value: \"\": cannot set both port "
			                      "name & port number");
		} else if (b->port_name.len) {
			f = FLD(&fp, "name");
			memset(&ms, 0, sizeof(ms));
			port_name(b->port_name.s, b->port_name.len, &ms);
			invalid_each(v, b->port_name.pos, &f, &b->port_name, &ms);
		} else if (b->port_number) {
			if (b->port_number < 1 || b->port_number > 65535) {
				f = FLD(&fp, "number");
				report(v, b->port_number_pos, &f, "Invalid value: %ld: must be "
				       "between 1 and 65535, inclusive", (long)b->port_number);
			}
		} else {
			report(v, b->pos, fb,
			       "Required value: port name or number is required");
		}
	}
}

/* The first occurrence of needle in s; NULL if none. */
static const char *find(const char *s, size_t n, const char *needle, size_t k)
{
	const char *end = s + n, *p = s;

	while (n >= k && (p = memchr(p, needle[0], (size_t)(end - p))) != NULL &&
	       (size_t)(end - p) >= k) {
		if (memcmp(p, needle, k) == 0)
			return p;
		p++;
	}
	return NULL;
}

static void validate_path(val *v, const ig_path *p, const fld *fe)
{
	static const char *const bad_seq[] = { "//", "/./", "/../", "%2f", "%2F" };
	static const char *const bad_suffix[] = { "/..", "/." };
	const ig_str *path = &p->path;
	const char *s = path->s ? path->s : "";
	size_t n = path->len, i;
	ig_pos ppos = path->s ? path->pos : p->pos;
	fld fp = FLD(fe, "path"), ft = FLD(fe, "pathType"), fb;
	char detail[64];

	switch (p->path_type) {
	case IG_PT_NONE:
		required(v, p->pos, &ft, "pathType must be specified");
		return;
	case IG_PT_EXACT:
	case IG_PT_PREFIX:
		if (n == 0 || s[0] != '/')
			invalid_str(v, ppos, &fp, s, n, "must be an absolute path");
		for (i = 0; n && i < IG_ARRAY_LEN(bad_seq); i++)
			if (find(s, n, bad_seq[i], strlen(bad_seq[i]))) {
				snprintf(detail, sizeof(detail), "must not contain '%s'",
				         bad_seq[i]);
				invalid_str(v, ppos, &fp, s, n, detail);
			}
		for (i = 0; n && i < IG_ARRAY_LEN(bad_suffix); i++) {
			size_t k = strlen(bad_suffix[i]);

			if (n >= k && memcmp(s + n - k, bad_suffix[i], k) == 0) {
				snprintf(detail, sizeof(detail), "cannot end with '%s'",
				         bad_suffix[i]);
				invalid_str(v, ppos, &fp, s, n, detail);
			}
		}
		break;
	case IG_PT_IMPL:
		if (n > 0 && s[0] != '/')
			invalid_str(v, ppos, &fp, s, n, "must be an absolute path");
		break;
	default: {
		ig_buf q;
		const char *qs;

		ingroute__buf_init(&q, v->alloc);
		ingroute__buf_quote(&q, p->path_type_str.s, p->path_type_str.len);
		qs = ingroute__buf_cstr(&q);
		if (qs)
			report(v, p->path_type_str.pos, &ft, "Unsupported value: %s: "
			       "supported values: \"Exact\", \"ImplementationSpecific\", "
			       "\"Prefix\"", qs);
		else
			v->dc->sink->oom = 1;
		ingroute__buf_free(&q);
		break;
	}
	}
	fb = FLD(fe, "backend");
	validate_backend(v, &p->backend, &fb);
}

static void validate_host(val *v, const ig_str *h, const fld *f, int check_ip)
{
	msgs ms;

	memset(&ms, 0, sizeof(ms));
	if (check_ip && is_ip(h->s, h->len))
		invalid_str(v, h->pos, f, h->s, h->len,
		            "must be a DNS name, not an IP address");
	if (memchr(h->s, '*', h->len))
		wildcard_subdomain(h->s, h->len, &ms);
	else
		dns1123_subdomain(h->s, h->len, &ms);
	invalid_each(v, h->pos, f, h, &ms);
}

static void validate_rules(val *v, const ig_object *o)
{
	uint32_t i, j;

	for (i = 0; i < o->nrules; i++) {
		const ig_rule *r = &o->rules[i];
		fld fr = FLD_AT(NULL, "spec.rules", i), fh = FLD(&fr, "http");
		fld fps = FLD(&fh, "paths");

		if (r->host.len) {
			fld f = FLD(&fr, "host");

			validate_host(v, &r->host, &f, 1);
		}
		if (!r->has_http)
			continue;
		if (r->npaths == 0)
			required(v, r->paths_pos, &fps, "");
		for (j = 0; j < r->npaths; j++) {
			fld fe = FLD_AT(&fh, "paths", j);

			validate_path(v, &r->paths[j], &fe);
		}
	}
}

static void validate_tls(val *v, const ig_object *o)
{
	uint32_t i, j;
	msgs ms;

	for (i = 0; i < o->ntls; i++) {
		const ig_tls *t = &o->tls[i];
		fld ft = FLD_AT(NULL, "spec.tls", i);

		for (j = 0; j < t->nhosts; j++) {
			fld f = FLD_AT(&ft, "hosts", j);

			if (t->hosts[j].s)
				validate_host(v, &t->hosts[j], &f, 0);
		}
		if (t->secret.len) {
			fld f = FLD(&ft, "secretName");

			memset(&ms, 0, sizeof(ms));
			dns1123_subdomain(t->secret.s, t->secret.len, &ms);
			invalid_each(v, t->secret.pos, &f, &t->secret, &ms);
		}
	}
}

/* A string as Go's encoding/json writes it, for the values the server
 * prints as JSON (lists, owner references): with \n, \r, \t and
 * HTML-safe escapes for '<', '>' and '&', which ingroute__buf_json(), the
 * writer of the library's own JSON, does not use. */
static void json_str(ig_buf *b, const char *s, size_t n)
{
	size_t i;

	ingroute__buf_put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			ingroute__buf_put(b, "\\", 1);
			ingroute__buf_put(b, &s[i], 1);
		} else if (c == '\n') {
			ingroute__buf_puts(b, "\\n");
		} else if (c == '\r') {
			ingroute__buf_puts(b, "\\r");
		} else if (c == '\t') {
			ingroute__buf_puts(b, "\\t");
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			ingroute__buf_printf(b, "\\u%04x", c);
		} else {
			ingroute__buf_put(b, &s[i], 1);
		}
	}
	ingroute__buf_put(b, "\"", 1);
}

static void json_owner(ig_buf *b, const ig_owner *w)
{
	ingroute__buf_puts(b, "{\"apiVersion\":");
	json_str(b, w->api_version.s ? w->api_version.s : "", w->api_version.len);
	ingroute__buf_puts(b, ",\"kind\":");
	json_str(b, w->kind.s ? w->kind.s : "", w->kind.len);
	ingroute__buf_puts(b, ",\"name\":");
	json_str(b, w->name.s ? w->name.s : "", w->name.len);
	ingroute__buf_puts(b, ",\"uid\":");
	json_str(b, w->uid.s ? w->uid.s : "", w->uid.len);
	if (w->controller)
		ingroute__buf_puts(b, w->controller == 2 ? ",\"controller\":true"
		                                         : ",\"controller\":false");
	if (w->block)
		ingroute__buf_puts(b, w->block == 2 ? ",\"blockOwnerDeletion\":true"
		                                    : ",\"blockOwnerDeletion\":false");
	ingroute__buf_put(b, "}", 1);
}

/* Reports "Invalid value: JSON: detail" with the JSON built in q. */
static void invalid_json(val *v, ig_pos pos, const fld *f, ig_buf *q,
                         const char *detail)
{
	const char *js = ingroute__buf_cstr(q);

	if (js) {
		report(v, pos, f, "Invalid value: %s: %s", js, detail);
	} else {
		v->errors++;
		v->dc->sink->errors++;
		v->dc->sink->oom = 1;
	}
	ingroute__buf_free(q);
}

static int str_is(const ig_str *s, const char *lit)
{
	return s->s && s->len == strlen(lit) && memcmp(s->s, lit, s->len) == 0;
}

/* apimachinery's ValidateOwnerReferences */
static void validate_owners(val *v, const ig_object *o)
{
	const fld fo = FLD(NULL, "metadata.ownerReferences");
	const ig_owner *first = NULL;
	uint32_t i;

	for (i = 0; i < o->nowners; i++) {
		const ig_owner *w = &o->owners[i];
		const fld fi = FLD_AT(&fo, NULL, i);
		const fld fv = FLD(&fi, "apiVersion"), fk = FLD(&fi, "kind");
		const fld fn = FLD(&fi, "name"), fu = FLD(&fi, "uid");
		const char *slash = w->api_version.s
			? memchr(w->api_version.s, '/', w->api_version.len) : NULL;

		if (!w->api_version.len)
			required(v, w->api_version.s ? w->api_version.pos : w->pos, &fv,
			         "must not be empty");
		/* ParseGroupVersion: VERSION or GROUP/VERSION, no more slashes,
		 * and a version */
		else if ((slash && (memchr(slash + 1, '/', w->api_version.len -
		                           (size_t)(slash - w->api_version.s) - 1) ||
		                    slash + 1 == w->api_version.s + w->api_version.len)))
			invalid_str(v, w->api_version.pos, &fv, w->api_version.s,
			            w->api_version.len,
			            "must be <group>/<version> or <version>");
		if (!w->kind.len)
			required(v, w->kind.s ? w->kind.pos : w->pos, &fk, "must not be empty");
		if (!w->name.len)
			required(v, w->name.s ? w->name.pos : w->pos, &fn, "must not be empty");
		if (!w->uid.len)
			required(v, w->uid.s ? w->uid.pos : w->pos, &fu, "must not be empty");
		if ((str_is(&w->api_version, "v1") || str_is(&w->api_version, "/v1")) &&
		    str_is(&w->kind, "Event")) {
			ig_buf q;

			ingroute__buf_init(&q, v->alloc);
			json_owner(&q, w);
			invalid_json(v, w->pos, &fi, &q,
			             "/v1, Kind=Event is disallowed from being an owner");
		}
		if (w->controller == 2) {
			ig_buf q;
			uint32_t j;

			if (!first) {
				first = w;
				continue;
			}
			ingroute__buf_init(&q, v->alloc);
			ingroute__buf_put(&q, "[", 1);
			for (j = 0; j < o->nowners; j++) {
				if (j)
					ingroute__buf_put(&q, ",", 1);
				json_owner(&q, &o->owners[j]);
			}
			ingroute__buf_printf(&q, "]: Only one reference can have Controller "
			                     "set to true. Found \"true\" in references for "
			                     "%.*s/%.*s and %.*s/%.*s",
			                     (int)first->kind.len, first->kind.s ? first->kind.s : "",
			                     (int)first->name.len, first->name.s ? first->name.s : "",
			                     (int)w->kind.len, w->kind.s ? w->kind.s : "",
			                     (int)w->name.len, w->name.s ? w->name.s : "");
			{
				const char *js = ingroute__buf_cstr(&q);

				if (js)
					report(v, w->pos, &fo, "Invalid value: %s", js);
				else
					v->dc->sink->oom = 1;
				ingroute__buf_free(&q);
			}
		}
	}
}

/* apimachinery's ValidateFinalizers, then the standard names of
 * Kubernetes' own ValidateObjectMeta */
static void validate_finalizers(val *v, const ig_object *o)
{
	const fld ff = FLD(NULL, "metadata.finalizers");
	int orphan = 0, foreground = 0;
	uint32_t i;
	msgs ms;

	for (i = 0; i < o->nfinalizers; i++) {
		const ig_str *f = &o->finalizers[i];

		memset(&ms, 0, sizeof(ms));
		qualified_name(f->s, f->len, &ms, 0);
		invalid_each(v, f->pos, &ff, f, &ms);
		orphan |= str_is(f, "orphan");
		foreground |= str_is(f, "foregroundDeletion");
	}
	if (orphan && foreground) {
		ig_buf q;

		ingroute__buf_init(&q, v->alloc);
		ingroute__buf_put(&q, "[", 1);
		for (i = 0; i < o->nfinalizers; i++) {
			if (i)
				ingroute__buf_put(&q, ",", 1);
			json_str(&q, o->finalizers[i].s, o->finalizers[i].len);
		}
		ingroute__buf_put(&q, "]", 1);
		invalid_json(v, o->finalizers_pos, &ff, &q,
		             "finalizer orphan and foregroundDeletion cannot be both set");
	}
	for (i = 0; i < o->nfinalizers; i++) {
		const ig_str *f = &o->finalizers[i];
		const fld fi = FLD_AT(&ff, NULL, i);

		if (!memchr(f->s, '/', f->len) && !str_is(f, "kubernetes") &&
		    !str_is(f, "orphan") && !str_is(f, "foregroundDeletion"))
			invalid_str(v, f->pos, &fi, f->s, f->len, "name is neither a "
			            "standard finalizer name nor is it fully qualified");
	}
}

/* ValidateObjectMeta, in its order. Both kinds' names are DNS-1123
 * subdomains; generateName is checked as one whose trailing '-' stands
 * for the characters the server appends. */
void ingroute__validate_meta(val *v, const ig_object *o)
{
	size_t total = 0;
	uint32_t i;
	msgs ms;

	if (o->generate_name.len) {
		const ig_str *g = &o->generate_name;
		char masked[256];
		size_t n = g->len;
		const char *s = g->s;

		/* maskTrailingDash: "ab-" is checked as "aa" */
		if (n > 1 && s[n - 1] == '-' && n - 1 <= sizeof(masked)) {
			memcpy(masked, s, n - 2);
			masked[n - 2] = 'a';
			s = masked;
			n--;
		}
		memset(&ms, 0, sizeof(ms));
		dns1123_subdomain(s, n, &ms);
		invalid_each(v, g->pos, &FLD(NULL, "metadata.generateName"), g, &ms);
	}
	if (o->generated) {
		/* the server checks the name it makes, which holds the
		 * generateName checked above */
	} else if (!o->name.len) {
		required(v, o->name.s ? o->name.pos : o->meta_pos, &FLD(NULL, "metadata.name"),
		         "name or generateName is required");
	} else {
		memset(&ms, 0, sizeof(ms));
		dns1123_subdomain(o->name.s, o->name.len, &ms);
		invalid_each(v, o->name.pos, &FLD(NULL, "metadata.name"), &o->name, &ms);
	}
	if (o->ns.s && o->ns.pos.line) {
		memset(&ms, 0, sizeof(ms));
		dns1123_label(o->ns.s, o->ns.len, &ms);
		invalid_each(v, o->ns.pos, &FLD(NULL, "metadata.namespace"), &o->ns, &ms);
	}
	for (i = 0; i < o->nlabels; i++) {
		const ig_kv *kv = &o->labels[i];

		memset(&ms, 0, sizeof(ms));
		qualified_name(kv->key.s, kv->key.len, &ms, 0);
		invalid_each(v, kv->key.pos, &FLD(NULL, "metadata.labels"), &kv->key, &ms);
		memset(&ms, 0, sizeof(ms));
		label_value(kv->value.s, kv->value.len, &ms);
		invalid_each(v, kv->value.pos, &FLD(NULL, "metadata.labels"), &kv->value, &ms);
	}
	for (i = 0; i < o->nannotations; i++) {
		const ig_kv *kv = &o->annotations[i];

		memset(&ms, 0, sizeof(ms));
		qualified_name(kv->key.s, kv->key.len, &ms, 1);
		invalid_each(v, kv->key.pos, &FLD(NULL, "metadata.annotations"), &kv->key, &ms);
		total += kv->key.len + kv->value.len;
	}
	if (total > 256 * 1024)
		report(v, o->annotations_pos, &FLD(NULL, "metadata.annotations"),
		       "Too long: may not be more than 262144 bytes");
	validate_owners(v, o);
	validate_finalizers(v, o);
}

/* IngressClass spec.parameters: validateIngressClassParametersReference */
static void validate_params(val *v, const ig_object *o)
{
	const fld fp = FLD(NULL, "spec.parameters");
	const fld fs = FLD(&fp, "scope"), fn = FLD(&fp, "namespace");
	const ig_params *p = o->params;
	msgs ms;

	if (!p)
		return;
	typed_ref(v, p->pos, &fp, &p->api_group, &p->kind, &p->name);
	/* v1 defaults an absent scope to Cluster */
	if (str_is(&p->scope, "Namespace")) {
		if (!p->ns.s) {
			required(v, p->pos, &fn, "`parameters.scope` is set to 'Namespace'");
		} else {
			memset(&ms, 0, sizeof(ms));
			dns1123_label(p->ns.s, p->ns.len, &ms);
			invalid_each(v, p->ns.pos, &fn, &p->ns, &ms);
		}
	} else if (!p->scope.s || str_is(&p->scope, "Cluster")) {
		if (p->ns.s)
			report(v, p->ns.pos, &fn, "Forbidden: `parameters.scope` is set "
			       "to 'Cluster'");
	} else {
		ig_buf q;
		const char *qs;

		ingroute__buf_init(&q, v->alloc);
		ingroute__buf_quote(&q, p->scope.s, p->scope.len);
		qs = ingroute__buf_cstr(&q);
		if (qs)
			report(v, p->scope.pos, &fs, "Unsupported value: %s: supported "
			       "values: \"Cluster\", \"Namespace\"", qs);
		else
			v->dc->sink->oom = 1;
		ingroute__buf_free(&q);
	}
}

/* IngressClass spec.controller: at most 250 bytes, and
 * IsDomainPrefixedPath (a DNS subdomain, '/', then RFC 3986 path bytes). */
static void validate_controller(val *v, const ig_object *o)
{
	const fld fc = FLD(NULL, "spec.controller"), *f = &fc;
	const ig_str *c = &o->controller;
	const char *slash;
	size_t i, hl;
	msgs ms;

	if (!c->len) {
		required(v, c->s ? c->pos : o->spec_pos, f, "");
		return;
	}
	if (c->len > 250)
		report(v, c->pos, f, "Too long: may not be more than 250 bytes");
	slash = memchr(c->s, '/', c->len);
	if (!slash || slash == c->s || slash + 1 == c->s + c->len) {
		invalid_str(v, c->pos, f, c->s, c->len, "must be a domain-prefixed "
		            "path (such as \"acme.io/foo\")");
		return;
	}
	hl = (size_t)(slash - c->s);
	memset(&ms, 0, sizeof(ms));
	dns1123_subdomain(c->s, hl, &ms);
	for (i = 0; i < (size_t)ms.n; i++)
		invalid_str(v, c->pos, f, c->s, hl, ms.m[i]);
	for (i = hl + 1; i < c->len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		            "0123456789/-._~%!$&'()*+,;=:", c->s[i]) || !c->s[i]) {
			invalid_str(v, c->pos, f, slash + 1, c->len - hl - 1,
			            "Invalid path (regex used for validation is "
			            "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')");
			break;
		}
}

/* What the server says of an Ingress it creates (its WarningsOnCreate),
 * and the annotations of ingress controllers that ingroute does not
 * apply (docs/semantics.md §2.4). */
static void accepted(val *v, const ig_object *o)
{
	const ig_kv *first = NULL;
	ig_buf keys;
	uint32_t i;

	ingroute__buf_init(&keys, v->alloc);
	for (i = 0; i < o->nannotations; i++) {
		const ig_kv *kv = &o->annotations[i];
		const char *c = ingroute__controller_key(kv->key.s, kv->key.len);

		if (!o->class_name.s && str_is(&kv->key, "kubernetes.io/ingress.class"))
			ingroute__diag(v->dc, INGROUTE_WARNING, INGROUTE_D_DEPRECATED,
			               kv->key.pos, "metadata.annotations",
			               "annotation \"kubernetes.io/ingress.class\" is "
			               "deprecated, please use 'spec.ingressClassName' "
			               "instead");

		if (!c)
			continue;
		ingroute__buf_printf(&keys, "%s%.*s (%s)", first ? ", " : "",
		                     (int)kv->key.len, kv->key.s, c);
		if (!first)
			first = kv;
	}
	if (first) {
		const char *k = ingroute__buf_cstr(&keys);

		if (k)
			ingroute__diag(v->dc, INGROUTE_NOTE, INGROUTE_D_CONTROLLER,
			               first->key.pos, "metadata.annotations",
			               "not applied: %s; ingroute routes by the Ingress "
			               "API alone", k);
		else
			v->dc->sink->oom = 1;
	}
	ingroute__buf_free(&keys);
}

size_t ingroute__validate_object(const ig_object *o, const ig_diag_ctx *dc)
{
	val v;

	v.dc = dc;
	v.alloc = o->arena.alloc;
	v.errors = 0;
	ingroute__validate_meta(&v, o);
	if (o->kind == IG_OBJ_CLASS) {
		validate_controller(&v, o);
		validate_params(&v, o);
		return v.errors;
	}
	if (o->nrules == 0 && !o->default_backend)
		report(&v, o->spec_pos, &FLD(NULL, "spec"), "Invalid value: %s: either "
		       "`defaultBackend` or `rules` must be specified",
		       o->rules ? "[]" : "null");
	if (o->default_backend)
		validate_backend(&v, o->default_backend, &FLD(NULL, "spec.defaultBackend"));
	validate_rules(&v, o);
	validate_tls(&v, o);
	if (o->class_name.s) {
		const ig_str *ann = ingroute__object_annotation(o,
			"kubernetes.io/ingress.class");
		msgs ms;

		/* ValidateIngressCreate: the two ways of naming a class agree. */
		if (ann && (ann->len != o->class_name.len ||
		            memcmp(ann->s, o->class_name.s, ann->len) != 0))
			invalid_str(&v, ann->pos, &FLD(NULL, "annotations.kubernetes.io/ingress.class"),
			            ann->s, ann->len, "must match `ingressClassName` "
			            "when both are specified");

		memset(&ms, 0, sizeof(ms));
		dns1123_subdomain(o->class_name.s, o->class_name.len, &ms);
		invalid_each(&v, o->class_name.pos, &FLD(NULL, "spec.ingressClassName"),
		             &o->class_name, &ms);
	}
	if (!v.errors)
		accepted(&v, o);
	return v.errors;
}
