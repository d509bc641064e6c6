/*
 * The API server's validation of the Gateway API's objects: the OpenAPI
 * schema and the CEL rules their CustomResourceDefinitions carry
 * (gateway.networking.k8s.io v1.6.1, standard channel), with the field
 * paths and wording the apiextensions server gives (docs/semantics.md
 * §9.2). Services and Namespaces are read, not validated.
 *
 * The server's order is kept: the schema (kube-openapi: lengths, then
 * patterns, enums, ranges, item counts), the uniqueness of list-map keys
 * and list-set items, then the CEL rules, which run only when the first
 * two found no error of the kinds that stop them. The schema's patterns
 * are hand-written matchers here; each message quotes the pattern it
 * stands for, as the server's does. The CEL rules are written out as
 * what they compute, on the object with the CRD's defaults applied.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"
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
/* section and listener names, rule names, and the hostnames of a
 * redirect or a rewrite (which take no wildcard) */
#define P_SECTION \
	"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define P_HEADER "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$"
#define P_CONTROLLER \
	"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*" \
	"\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$"
#define P_PROTOCOL \
	"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?" \
	"(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$"
#define P_ADDRESS_TYPE \
	"^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?" \
	"(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$"
#define P_LABEL_VALUE "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
#define P_ORIGIN \
	"(^\\*$)|(^(http(s)?):\\/\\/(((\\*\\.)?([a-zA-Z0-9\\-]+\\.)*" \
	"[a-zA-Z0-9-]+|\\*)(:([0-9]{1,5}))?)$)"
#define P_DURATION "^([0-9]{1,5}(h|m|s|ms)){1,4}$"

#define PATH_RULE(what) what " when type one of ['Exact', 'PathPrefix']"

/* The server checks the schema first and runs the CEL rules only when
 * no error of the kinds that block them was found (enum, required,
 * maxLength, maxItems, maxProperties, type); so the walk runs twice,
 * once for each. */
typedef struct gval {
	val v;                 /* first: a val * is a gval * */
	int cel;               /* 0: the schema pass, 1: the CEL pass */
	int blocking;          /* the schema pass found a blocking error */
} gval;

static int schema_pass(val *v)
{
	return !((gval *)v)->cel;
}

static void oom(val *v)
{
	v->dc->sink->oom = 1;
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

static void srequired(val *v, ig_pos pos, const fld *f)
{
	blocking(v);
	if (schema_pass(v))
		ingroute__val_required(v, pos, f, NULL);
}

/* kube-openapi names the field again in its details, from the root of
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

/* The errors kube-openapi gives no field (a oneOf or anyOf not met):
 * the server reports them with none. */
static void sreport_nofield(val *v, ig_pos pos, const char *fmt, ...)
	IG_PRINTF(3, 4);

static void sreport_nofield(val *v, ig_pos pos, const char *fmt, ...)
{
	va_list ap;

	if (!schema_pass(v))
		return;
	v->errors++;
	va_start(ap, fmt);
	ingroute__vdiag(v->dc, INGROUTE_ERROR, INGROUTE_D_INVALID, pos, NULL,
	                fmt, ap);
	va_end(ap);
}

/* A string quoted as Go's %q; "" on OOM (flagged). */
typedef struct quoted {
	ig_buf b;
	const char *s;
} quoted;

static const char *quote(val *v, quoted *q, const char *s, size_t n)
{
	ingroute__buf_init(&q->b, v->alloc);
	ingroute__buf_quote(&q->b, s, n);
	q->s = ingroute__buf_cstr(&q->b);
	if (!q->s) {
		oom(v);
		q->s = "\"\"";
	}
	return q->s;
}

static void unquote(quoted *q)
{
	ingroute__buf_free(&q->b);
}

/* ---- the patterns */

static int any_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#define is_label ingroute__match_label
#define is_subdomain ingroute__match_subdomain

static int is_group(const char *s, size_t n)
{
	return n == 0 || is_subdomain(s, n);
}

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
		if (!any_alnum(s[i]) && (!s[i] || !strchr("!#$%&'*+-.^_`|~", s[i])))
			return 0;
	return 1;
}

/* [A-Za-z0-9\/\-._~%!$&'()*+,;=:] */
static int path_char(char c)
{
	return any_alnum(c) || (c && strchr("/-._~%!$&'()*+,;=:", c));
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
		if (!path_char(s[i]))
			return 0;
	return 1;
}

/* The unanchored alternative SUBDOMAIN\/TAIL$ of a pattern: Go's
 * regexp looks for it anywhere, so it holds when some '/' has a
 * lower-case letter or digit before it (a one-character subdomain) and
 * one or more tail characters after it, up to the end. */
static int ends_with_subdomain_slash(const char *s, size_t n,
                                     int (*tail)(char))
{
	size_t p = n;

	/* leftwards over the tail: s[p + 1..n) are tail characters */
	while (p-- > 0) {
		if (s[p] == '/' && p + 1 < n && p > 0 && lower_alnum(s[p - 1]))
			return 1;
		if (!tail(s[p]))
			return 0;
	}
	return 0;
}

static int alnum_char(char c)
{
	return any_alnum(c);
}

static int is_protocol(const char *s, size_t n)
{
	size_t i;
	int plain = n > 0 && any_alnum(s[0]) && any_alnum(s[n - 1]);

	for (i = 1; plain && i + 1 < n; i++)
		if (!any_alnum(s[i]) && s[i] != '-')
			plain = 0;
	return plain || ends_with_subdomain_slash(s, n, alnum_char);
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

static int has_substr(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* ^Hostname|IPAddress|NamedAddress|SUBDOMAIN\/PATH$, each alternative
 * as Go's regexp reads it: only the first is anchored at the start. */
static int is_address_type(const char *s, size_t n)
{
	return starts_with(s, n, "Hostname") || has_substr(s, n, "IPAddress") ||
	       has_substr(s, n, "NamedAddress") ||
	       ends_with_subdomain_slash(s, n, path_char);
}

static int is_label_value(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	if (!any_alnum(s[0]) || !any_alnum(s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!any_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

/* [a-zA-Z0-9-]+ */
static int origin_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!any_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int is_origin(const char *s, size_t n)
{
	const char *colon;
	size_t i, start, h;

	if (n == 1 && s[0] == '*')
		return 1;
	if (starts_with(s, n, "https://"))
		i = 8;
	else if (starts_with(s, n, "http://"))
		i = 7;
	else
		return 0;
	colon = memchr(s + i, ':', n - i);
	h = colon ? (size_t)(colon - s) : n;
	if (colon) {
		size_t d = n - h - 1, k;

		if (d < 1 || d > 5)
			return 0;
		for (k = h + 1; k < n; k++)
			if (!is_digit(s[k]))
				return 0;
	}
	if (h - i == 1 && s[i] == '*')
		return 1;
	if (h - i >= 2 && s[i] == '*' && s[i + 1] == '.')
		i += 2;
	for (start = i; i <= h; i++)
		if (i == h || s[i] == '.') {
			if (!origin_label(s + start, i - start))
				return 0;
			start = i + 1;
		}
	return 1;
}

/* ^([0-9]{1,5}(h|m|s|ms)){1,4}$ */
static int is_duration(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0;

	while (i < n) {
		size_t d = 0;

		while (i < n && is_digit(s[i]))
			i++, d++;
		if (d < 1 || d > 5 || i == n || ++groups > 4)
			return 0;
		if (s[i] == 'h' || s[i] == 's')
			i++;
		else if (s[i] == 'm')
			i += i + 1 < n && s[i + 1] == 's' ? 2 : 1;
		else
			return 0;
	}
	return groups > 0;
}

/* ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$ */
static int hex(char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int is_path_chars(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || !hex(s[i + 1]) || !hex(s[i + 2]))
				return 0;
			i += 2;
		} else if (!any_alnum(s[i]) &&
		           (!s[i] || !strchr("-/._~!$&'()*+,;=:@", s[i]))) {
			return 0;
		}
	}
	return 1;
}

/* A label or annotation key, as the CRD's CEL rule matches it:
 * ^(SUBDOMAIN/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$ */
static int is_qualified_key(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t start = 0, k;

	if (slash) {
		if (!is_subdomain(s, (size_t)(slash - s)))
			return 0;
		start = (size_t)(slash - s) + 1;
	}
	k = n - start;
	return k >= 1 && k <= 63 && is_label_value(s + start, k);
}

/* Code points, as kube-openapi and CEL count a string: an invalid byte
 * counts as one, as Go's utf8.RuneCount counts it. */
static size_t runes(const char *s, size_t n)
{
	size_t i = 0, c = 0, k;

	while (i < n) {
		k = ig_utf8_len((const unsigned char *)s + i, n - i);
		i += k ? k : 1;
		c++;
	}
	return c;
}

/* ---- IP addresses, as kube-openapi's formats take them */

/* Four decimal parts of at most 255; sloppy (k8s.io/utils/net's
 * ParseIPSloppy) allows leading zeros, Go's net.ParseIP does not. */
static int parse_ipv4(const char *s, size_t n, int sloppy)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned long x = 0;
		size_t d = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		while (i < n && is_digit(s[i])) {
			x = x * 10 + (unsigned long)(s[i++] - '0');
			if (x > 0xffffff)
				return 0;
			d++;
		}
		if (d == 0 || x > 255 || (!sloppy && d > 1 && s[i - d] == '0'))
			return 0;
	}
	return i == n;
}

static unsigned hexval(char c)
{
	return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* An IPv6 address (no zone) as Go's net.ParseIP reads one, or, sloppy,
 * as the older parser k8s.io/utils/net keeps: a field of more than four
 * hex digits whose value fits, an embedded IPv4 part with leading
 * zeros. */
static int parse_ipv6(const char *s, size_t n, int sloppy)
{
	size_t i = 0;
	int groups = 0, ellipsis = -1;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		ellipsis = 0;
		i = 2;
		if (i == n)
			return 1;
	}
	while (i < n) {
		size_t d = 0, j = i;
		unsigned long x = 0;

		for (; j < n && hex(s[j]); j++, d++) {
			x = x * 16 + hexval(s[j]);
			if (x >= 0xffffff || (!sloppy && d == 4))
				return 0;
		}
		if (d == 0)
			return 0;
		if (j < n && s[j] == '.') {
			/* an embedded IPv4 address: the last 32 bits */
			if (ellipsis < 0 && groups != 6)
				return 0;
			if (groups + 2 > 8 || !parse_ipv4(s + i, n - i, sloppy))
				return 0;
			groups += 2;
			i = n;
			break;
		}
		if (x > 0xffff)
			return 0;
		groups++;
		i = j;
		if (i == n)
			break;
		if (s[i] != ':' || i + 1 == n)
			return 0;
		i++;
		if (s[i] == ':') {
			if (ellipsis >= 0)
				return 0;
			ellipsis = groups;
			i++;
			if (i == n)
				break;
		}
		if (groups > 8)
			return 0;
	}
	if (ellipsis < 0)
		return groups == 8;
	return groups < 8;
}

static int is_ipv4_format(const char *s, size_t n)
{
	return memchr(s, '.', n) &&
	       (parse_ipv4(s, n, 1) || parse_ipv6(s, n, 1));
}

static int is_ipv6_format(const char *s, size_t n)
{
	return memchr(s, ':', n) &&
	       (parse_ipv4(s, n, 0) || parse_ipv6(s, n, 0));
}

/* ---- durations, as CEL's duration() reads them (Go's
 * time.ParseDuration, in nanoseconds) */

#define NS_MAX ((uint64_t)1 << 63)

static int parse_duration(const char *s, size_t n, int64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
		{ "\xce\xbcs", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		{ "m", 60000000000ull }, { "h", 3600000000000ull },
	};
	uint64_t total = 0;
	size_t i = 0;
	int neg = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (n - i == 1 && s[i] == '0') {
		*out = 0;
		return 1;
	}
	if (i == n)
		return 0;
	while (i < n) {
		uint64_t x = 0, f = 0, v;
		double scale = 1;
		size_t digits = 0, k, best = 0, bl = 0;
		int fover = 0;

		for (; i < n && is_digit(s[i]); i++, digits++) {
			if (x > (NS_MAX - 1) / 10)
				return 0;
			x = x * 10 + (uint64_t)(s[i] - '0');
			if (x > NS_MAX)
				return 0;
		}
		if (i < n && s[i] == '.') {
			/* digits past what fits are read and dropped */
			for (i++; i < n && is_digit(s[i]); i++, digits++) {
				if (fover || f > (NS_MAX - 1) / 10) {
					fover = 1;
					continue;
				}
				f = f * 10 + (uint64_t)(s[i] - '0');
				scale *= 10;
			}
		}
		if (!digits)
			return 0;
		for (k = 0; k < IG_ARRAY_LEN(units); k++) {
			size_t ul = strlen(units[k].unit);

			if (ul > bl && starts_with(s + i, n - i, units[k].unit))
				best = k, bl = ul;
		}
		if (!bl)
			return 0;
		i += bl;
		if (x > NS_MAX / units[best].ns)
			return 0;
		v = x * units[best].ns;
		if (f) {
			v += (uint64_t)((double)f * ((double)units[best].ns / scale));
			if (v > NS_MAX)
				return 0;
		}
		total += v;
		if (total > NS_MAX)
			return 0;
	}
	if (!neg && total > NS_MAX - 1)
		return 0;
	*out = neg ? -(int64_t)(total - 1) - 1 : (int64_t)total;
	return 1;
}

/* ---- the schema's checks, each in the server's words */

static void pattern(val *v, const fld *f, const ig_str *s, const char *pat)
{
	char field[512], detail[768];

	snprintf(detail, sizeof(detail), "%s in body should match '%s'",
	         path_text(f, field, sizeof(field)), pat);
	sinvalid(v, s->pos, f, s->s, s->len, detail);
}

static void too_long(val *v, const fld *f, ig_pos pos, size_t max)
{
	blocking(v);
	sreport(v, pos, f, "Too long: may not be more than %zu bytes", max);
}

static void too_short(val *v, const fld *f, const ig_str *s, size_t min)
{
	char field[512], detail[600];

	snprintf(detail, sizeof(detail), "%s in body should be at least %zu "
	         "chars long", path_text(f, field, sizeof(field)), min);
	sinvalid(v, s->pos, f, s->s, s->len, detail);
}

/* What the schema says of a string: its length in characters (max 0:
 * none) and its pattern. */
typedef struct strspec {
	size_t min, max;
	int (*ok)(const char *, size_t);
	const char *pattern;
} strspec;

static const strspec S_GROUP = { 0, 253, is_group, P_GROUP };
static const strspec S_KIND = { 1, 63, is_kind, P_KIND };
static const strspec S_NAMESPACE = { 1, 63, is_label, P_NAMESPACE };
static const strspec S_NAME = { 1, 253, NULL, NULL };
static const strspec S_SECTION = { 1, 253, is_subdomain, P_SECTION };
static const strspec S_HOSTNAME = { 1, 253, is_hostname, P_HOSTNAME };
static const strspec S_HEADER = { 1, 256, is_header_name, P_HEADER };

/* A string field: absent is fine unless required; then maxLength,
 * minLength and the pattern, the first failure only. */
static void str(val *v, ig_pos at, const fld *f, const ig_str *s,
                int required, const strspec *sp)
{
	size_t len;

	if (!s->s) {
		if (required)
			srequired(v, at, f);
		return;
	}
	len = runes(s->s, s->len);
	if (sp->max && len > sp->max) {
		too_long(v, f, s->pos, sp->max);
		return;
	}
	if (len < sp->min) {
		too_short(v, f, s, sp->min);
		return;
	}
	if (sp->ok && !sp->ok(s->s, s->len))
		pattern(v, f, s, sp->pattern);
}

static int str_is(const ig_str *s, const char *lit)
{
	return s->s && s->len == strlen(lit) && memcmp(s->s, lit, s->len) == 0;
}

static int str_eq(const ig_str *a, const ig_str *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

/* An enum: values NULL-terminated, and the server's list of them. */
static int one_of(const ig_str *s, const char *const *values)
{
	for (; *values; values++)
		if (str_is(s, *values))
			return 1;
	return 0;
}

static void unsupported(val *v, const fld *f, const ig_str *s,
                        const char *supported)
{
	quoted q;

	blocking(v);
	if (!schema_pass(v))
		return;
	/* not through sreport's buffer: the value may be long */
	ingroute__val_report(v, s->pos, f, "Unsupported value: %s: supported "
	                     "values: %s", quote(v, &q, s->s, s->len), supported);
	unquote(&q);
}

static void enum_field(val *v, const fld *f, const ig_str *s,
                       const char *const *values, const char *supported)
{
	if (s->s && !one_of(s, values))
		unsupported(v, f, s, supported);
}

static void too_many(val *v, ig_pos pos, const fld *f, size_t n, size_t max)
{
	blocking(v);
	sreport(v, pos, f, "Too many: %zu: must have at most %zu items", n, max);
}

static void max_items(val *v, ig_pos pos, const fld *f, size_t n, size_t max)
{
	if (n > max)
		too_many(v, pos, f, n, max);
}

static void min_items(val *v, ig_pos pos, const fld *f, size_t n, size_t min)
{
	char field[512];

	if (n < min)
		sreport(v, pos, f, "Invalid value: %zu: %s in body should have at "
		        "least %zu items", n, path_text(f, field, sizeof(field)),
		        min);
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

static void port_field(val *v, ig_pos pos, const fld *f, int32_t port)
{
	if (pos.line)
		int_range(v, pos, f, port, 1, 65535);
}

/* A map's values (labels, annotations, options): each by its key, as
 * kube-openapi names it ("labels.KEY"), and their count. */
static void map_values(val *v, const ig_kvs *m, const fld *f, size_t max,
                       const strspec *sp)
{
	uint32_t i;

	if (!m->given)
		return;
	if (m->n > max)
		too_many(v, m->pos, f, m->n, max);
	for (i = 0; i < m->n; i++) {
		char key[320];
		fld fk;

		snprintf(key, sizeof(key), "%.*s",
		         m->kv[i].key.len > 300 ? 300 : (int)m->kv[i].key.len,
		         m->kv[i].key.s);
		fk = FLD(f, key);
		str(v, m->kv[i].value.pos, &fk, &m->kv[i].value, 0, sp);
	}
}

/* A CEL rule that failed: the server reports the object or the list it
 * sits on, and leaves out the value of those. */
static void rule(val *v, ig_pos pos, const fld *f, const char *message)
{
	if (!schema_pass(v))
		ingroute__val_report(v, pos, f, "Invalid value: %s", message);
}

/* A CEL rule that could not be evaluated (a field it reads is absent,
 * a string is no duration): the error, then the rule's message. */
static void rule_error(val *v, ig_pos pos, const fld *f, const char *type,
                       const char *error, const char *message)
{
	if (!schema_pass(v))
		ingroute__val_report(v, pos, f, "Invalid value: \"%s\": %s "
		                     "evaluating rule: %s", type, error, message);
}

/* ---- the uniqueness of list-map keys and list-set items
 * (structurallisttype) and the CEL rules that ask for it */

/* For each of n keys (NULL: the key field is absent, a key of its own),
 * the index of the first key equal to it. */
struct keyed {
	const ig_str *k;
	uint32_t i;
};

/* Absent keys first, then by length and bytes; equal keys by index. */
static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c;

	if (!a->k != !b->k)
		return a->k ? 1 : -1;
	if (a->k) {
		if (a->k->len != b->k->len)
			return a->k->len < b->k->len ? -1 : 1;
		if (a->k->len &&
		    (c = memcmp(a->k->s, b->k->s, a->k->len)) != 0)
			return c;
	}
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Sorted rather than hashed: the keys are the input's, and a hash table
 * a file can fill with colliding names would make this quadratic
 * (every item is checked, also past a list's maximum). */
static uint32_t *first_of(val *v, const ig_str *const *keys, size_t n)
{
	struct keyed *ks;
	uint32_t *first;
	size_t i, run = 0;

	if (n == 0)
		return NULL;
	first = ingroute__calloc(v->alloc, n, sizeof(*first));
	ks = ingroute__calloc(v->alloc, n, sizeof(*ks));
	if (!first || !ks) {
		ingroute__free(v->alloc, first);
		ingroute__free(v->alloc, ks);
		oom(v);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		ks[i].k = keys[i];
		ks[i].i = (uint32_t)i;
	}
	qsort(ks, n, sizeof(*ks), cmp_keyed);
	for (i = 0; i < n; i++) {
		const ig_str *k = ks[i].k, *r = ks[run].k;

		if (!k != !r || (k && !str_eq(k, r)))
			run = i;
		first[ks[i].i] = ks[run].i;
	}
	ingroute__free(v->alloc, ks);
	return first;
}

/* The items the server reports as duplicates: the second of each
 * equal run, none for a third. Returns a 0/1 flag per item, or NULL
 * when there is none. */
static uint8_t *second_of(val *v, const ig_str *const *keys, size_t n)
{
	uint32_t *first = first_of(v, keys, n), *count;
	uint8_t *dup = NULL;
	size_t i;
	int any = 0;

	if (!first)
		return NULL;
	count = ingroute__calloc(v->alloc, n, sizeof(*count));
	dup = ingroute__calloc(v->alloc, n, 1);
	if (!count || !dup) {
		oom(v);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (++count[first[i]] == 2)
			dup[i] = 1, any = 1;
out:
	ingroute__free(v->alloc, first);
	ingroute__free(v->alloc, count);
	if (!any) {
		ingroute__free(v->alloc, dup);
		dup = NULL;
	}
	return dup;
}

/* Whether two of the keys are equal. */
static int any_equal(val *v, const ig_str *const *keys, size_t n)
{
	uint8_t *dup = second_of(v, keys, n);

	ingroute__free(v->alloc, dup);
	return dup != NULL;
}

/* Go's json.Marshal of a string. */
static void json_str(ig_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	ingroute__buf_puts(b, "\"");
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = ig_utf8_len((const unsigned char *)s + i, n - i);

		if (!k) {
			ingroute__buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		if (c == '"' || c == '\\') {
			ingroute__buf_printf(b, "\\%c", c);
		} else if (c == '\n') {
			ingroute__buf_puts(b, "\\n");
		} else if (c == '\r') {
			ingroute__buf_puts(b, "\\r");
		} else if (c == '\t') {
			ingroute__buf_puts(b, "\\t");
		} else if (c == '\b') {
			ingroute__buf_puts(b, "\\b");
		} else if (c == '\f') {
			ingroute__buf_puts(b, "\\f");
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			ingroute__buf_printf(b, "\\u%04x", c);
		} else if (k == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xa8 ||
		            (unsigned char)s[i + 2] == 0xa9)) {
			ingroute__buf_printf(b, "\\u202%c",
			                     (unsigned char)s[i + 2] == 0xa8 ? '8' : '9');
		} else {
			ingroute__buf_put(b, s + i, k);
		}
		i += k;
	}
	ingroute__buf_puts(b, "\"");
}

/* A list-map keyed by name: "Duplicate value: {"name":"x"}" at the
 * second item of each key ({} for items without one). */
static void dup_keys(val *v, const fld *list, const ig_str *const *keys,
                     const ig_pos *at, size_t n, const char *key_field,
                     int numeric)
{
	uint8_t *dup;
	size_t i;

	if (!schema_pass(v) || !(dup = second_of(v, keys, n)))
		return;
	for (i = 0; i < n; i++) {
		fld fi = FLD_AT(list->up, list->name, i);
		ig_buf b;
		const char *text;

		if (!dup[i])
			continue;
		ingroute__buf_init(&b, v->alloc);
		if (keys[i]) {
			ingroute__buf_printf(&b, "{\"%s\":", key_field);
			if (numeric)
				ingroute__buf_put(&b, keys[i]->s, keys[i]->len);
			else
				json_str(&b, keys[i]->s, keys[i]->len);
			ingroute__buf_puts(&b, "}");
		} else {
			ingroute__buf_puts(&b, "{}");
		}
		if ((text = ingroute__buf_cstr(&b)))
			ingroute__val_report(v, at[i], &fi, "Duplicate value: %s",
			                     text);
		else
			oom(v);
		ingroute__buf_free(&b);
	}
	ingroute__free(v->alloc, dup);
}

/* A list-set of strings: "Duplicate value: "x"". */
static void dup_strs(val *v, const fld *list, const ig_strs *l)
{
	const ig_str **keys;
	ig_pos *at;
	uint32_t i;

	if (!schema_pass(v) || l->n < 2)
		return;
	keys = ingroute__calloc(v->alloc, l->n, sizeof(*keys));
	at = ingroute__calloc(v->alloc, l->n, sizeof(*at));
	if (keys && at) {
		uint8_t *dup;

		for (i = 0; i < l->n; i++)
			keys[i] = &l->s[i], at[i] = l->s[i].pos;
		if ((dup = second_of(v, keys, l->n))) {
			for (i = 0; i < l->n; i++) {
				fld fi = FLD_AT(list->up, list->name, i);
				quoted q;

				if (!dup[i])
					continue;
				ingroute__val_report(v, at[i], &fi, "Duplicate value: %s",
				                     quote(v, &q, l->s[i].s, l->s[i].len));
				unquote(&q);
			}
			ingroute__free(v->alloc, dup);
		}
	} else {
		oom(v);
	}
	ingroute__free(v->alloc, keys);
	ingroute__free(v->alloc, at);
}

/* Room for n keys and their positions, freed by keys_free. */
typedef struct keyarr {
	const ig_str **k;
	ig_pos *at;
	ig_str *own;           /* keys made here (numbers as text) */
	char *text;
} keyarr;

#define KEYARR_INIT { NULL, NULL, NULL, NULL }

static int keys_new(val *v, keyarr *a, size_t n, int own)
{
	memset(a, 0, sizeof(*a));
	if (n == 0)
		return 0;
	a->k = ingroute__calloc(v->alloc, n, sizeof(*a->k));
	a->at = ingroute__calloc(v->alloc, n, sizeof(*a->at));
	if (own) {
		a->own = ingroute__calloc(v->alloc, n, sizeof(*a->own));
		a->text = ingroute__calloc(v->alloc, n, 16);
	}
	if (!a->k || !a->at || (own && (!a->own || !a->text))) {
		oom(v);
		return 0;
	}
	return 1;
}

static void keys_free(val *v, keyarr *a)
{
	ingroute__free(v->alloc, a->k);
	ingroute__free(v->alloc, a->at);
	ingroute__free(v->alloc, a->own);
	ingroute__free(v->alloc, a->text);
}

/* One part of a composite key, its length first so that no two keys
 * run together; absent apart from "" when told is set. */
static void key_part(ig_buf *b, const ig_str *s, int told)
{
	if (told && !s->s)
		ingroute__buf_puts(b, "-;");
	else
		ingroute__buf_printf(b, "%u:", (unsigned)s->len);
	ingroute__buf_put(b, s->s ? s->s : "", s->len);
}

/* Composite keys made in b, item i ending at ends[i]: as ig_strs. */
static int keys_from(val *v, keyarr *a, const ig_buf *b, const size_t *ends,
                     size_t n)
{
	size_t i, start = 0;

	if (b->failed || !keys_new(v, a, n, 1)) {
		if (b->failed)
			oom(v);
		return 0;
	}
	for (i = 0; i < n; i++) {
		a->own[i].s = b->data + start;
		a->own[i].len = (uint32_t)(ends[i] - start);
		a->k[i] = &a->own[i];
		start = ends[i];
	}
	return 1;
}

/* ---- shared types */

/* A reference: which of its fields are required and which it has. */
enum {
	R_GROUP_REQ = 1, R_KIND_REQ = 2, R_NAMESPACE = 4, R_PORT = 8,
	R_SECTION = 16
};

static void check_ref(val *v, const ig_ref *r, const fld *f, int flags)
{
	const fld fg = FLD(f, "group"), fk = FLD(f, "kind");
	const fld fn = FLD(f, "name"), fns = FLD(f, "namespace");
	const fld fs = FLD(f, "sectionName"), fp = FLD(f, "port");

	str(v, r->pos, &fg, &r->group, flags & R_GROUP_REQ, &S_GROUP);
	str(v, r->pos, &fk, &r->kind, flags & R_KIND_REQ, &S_KIND);
	str(v, r->pos, &fn, &r->name, 1, &S_NAME);
	if (flags & R_NAMESPACE)
		str(v, r->pos, &fns, &r->ns, 0, &S_NAMESPACE);
	if (flags & R_SECTION)
		str(v, r->pos, &fs, &r->section, 0, &S_SECTION);
	if (flags & R_PORT)
		port_field(v, r->port_pos, &fp, r->port);
}

/* "Must have port for Service reference", on a backendRef with the
 * CRD's defaults (group "", kind Service). */
static void service_port_rule(val *v, const ig_ref *r, const fld *f)
{
	if ((!r->group.s || r->group.len == 0) &&
	    (!r->kind.s || str_is(&r->kind, "Service")) && !r->port_pos.line)
		rule(v, r->pos, f, "Must have port for Service reference");
}

static void check_selector(val *v, const ig_selector *sel, const fld *f)
{
	uint32_t i;

	if (!sel)
		return;
	for (i = 0; i < sel->nexprs; i++) {
		const fld fe = FLD_AT(f, "matchExpressions", i);
		const fld fk = FLD(&fe, "key"), fo = FLD(&fe, "operator");

		if (!sel->exprs[i].key.s)
			srequired(v, sel->exprs[i].pos, &fk);
		if (!sel->exprs[i].op.s)
			srequired(v, sel->exprs[i].pos, &fo);
	}
}

/* ---- GatewayClass */

static void validate_gateway_class(val *v, const ig_object *o)
{
	static const strspec S_CONTROLLER = { 1, 253, is_controller,
	                                      P_CONTROLLER };
	static const strspec S_DESCRIPTION = { 0, 64, NULL, NULL };
	const ig_gateway_spec *g = o->gw;

	str(v, o->spec_pos, &FLD(NULL, "spec.controllerName"), &o->controller,
	    1, &S_CONTROLLER);
	if (!g)
		return;
	str(v, o->spec_pos, &FLD(NULL, "spec.description"), &g->description, 0,
	    &S_DESCRIPTION);
	if (g->class_params)
		check_ref(v, g->class_params, &FLD(NULL, "spec.parametersRef"),
		          R_GROUP_REQ | R_KIND_REQ | R_NAMESPACE);
}

/* ---- Gateway */

static const char *const tls_modes[] = { "Terminate", "Passthrough", NULL };

/* "certificateRefs or options must be specified when mode is
 * Terminate": size() of an absent field is an evaluation error, which
 * CEL's || forgives only when the other side is true. */
static void tls_terminate_rule(val *v, const ig_listener *l, const fld *f)
{
	static const char message[] = "certificateRefs or options must be "
	                              "specified when mode is Terminate";
	int refs = l->has_certs ? (l->ncerts > 0) : -1;
	int opts = l->tls_options.given ? (l->tls_options.n > 0) : -1;

	if (l->tls_mode.s && !str_is(&l->tls_mode, "Terminate"))
		return;
	if (refs == 1 || opts == 1)
		return;
	if (refs < 0)
		rule_error(v, l->tls_pos, f, "object", "no such key: "
		           "certificateRefs", message);
	else if (opts < 0)
		rule_error(v, l->tls_pos, f, "object", "no such key: options",
		           message);
	else
		rule(v, l->tls_pos, f, message);
}

static void check_listener(val *v, const ig_listener *l, const fld *f)
{
	static const strspec S_PROTOCOL = { 1, 255, is_protocol, P_PROTOCOL };
	static const strspec S_OPTION = { 0, 4096, NULL, NULL };
	static const char *const froms[] = { "All", "Selector", "Same", NULL };
	const fld fname = FLD(f, "name"), fhost = FLD(f, "hostname");
	const fld fport = FLD(f, "port"), fproto = FLD(f, "protocol");
	const fld far = FLD(f, "allowedRoutes");
	const fld fns = FLD(&far, "namespaces"), ffrom = FLD(&fns, "from");
	const fld fkinds = FLD(&far, "kinds"), fsel = FLD(&fns, "selector");
	const fld ftls = FLD(f, "tls"), fmode = FLD(&ftls, "mode");
	const fld fcerts = FLD(&ftls, "certificateRefs");
	const fld fopts = FLD(&ftls, "options");
	uint32_t i;

	str(v, l->pos, &fname, &l->name, 1, &S_SECTION);
	str(v, l->pos, &fhost, &l->hostname, 0, &S_HOSTNAME);
	if (!l->port_pos.line)
		srequired(v, l->pos, &fport);
	else
		port_field(v, l->port_pos, &fport, l->port);
	str(v, l->pos, &fproto, &l->protocol, 1, &S_PROTOCOL);
	if (l->has_tls) {
		enum_field(v, &fmode, &l->tls_mode, tls_modes,
		           "\"Terminate\", \"Passthrough\"");
		max_items(v, l->certs_pos, &fcerts, l->ncerts, 64);
		for (i = 0; i < l->ncerts; i++) {
			const fld fc = FLD_AT(&ftls, "certificateRefs", i);

			check_ref(v, &l->certs[i], &fc, R_NAMESPACE);
		}
		map_values(v, &l->tls_options, &fopts, 16, &S_OPTION);
		if (!schema_pass(v))
			tls_terminate_rule(v, l, &ftls);
	}
	enum_field(v, &ffrom, &l->from_str, froms,
	           "\"All\", \"Selector\", \"Same\"");
	check_selector(v, l->selector, &fsel);
	max_items(v, l->pos, &fkinds, l->nkinds, 8);
	for (i = 0; i < l->nkinds; i++) {
		const fld fk = FLD_AT(&far, "kinds", i);
		const fld fg = FLD(&fk, "group"), fkk = FLD(&fk, "kind");

		str(v, l->kinds[i].pos, &fg, &l->kinds[i].group, 0, &S_GROUP);
		str(v, l->kinds[i].pos, &fkk, &l->kinds[i].kind, 1, &S_KIND);
	}
}

static int protocol_in(const ig_str *p, const char *const *list)
{
	return p->s && one_of(p, list);
}

/* The CEL rules on spec.listeners, each once for the list. */
static void listener_rules(val *v, const ig_object *o, const fld *fl)
{
	static const char *const plain[] = { "HTTP", "TCP", "UDP", NULL };
	static const char *const l4[] = { "TCP", "UDP", NULL };
	static const char *const https[] = { "HTTPS", NULL };
	static const char *const tls[] = { "TLS", NULL };
	int tls_on_plain = 0, https_mode = 0, tls_mode = 0, l4_host = 0;
	keyarr names = KEYARR_INIT, combos = KEYARR_INIT;
	size_t *ends;
	uint32_t i;
	ig_buf b;

	for (i = 0; i < o->nlisteners; i++) {
		const ig_listener *l = &o->listeners[i];

		tls_on_plain |= protocol_in(&l->protocol, plain) && l->has_tls;
		https_mode |= protocol_in(&l->protocol, https) && l->has_tls &&
		              l->tls_mode.s && l->tls_mode.len &&
		              !str_is(&l->tls_mode, "Terminate");
		tls_mode |= protocol_in(&l->protocol, tls) &&
		            (!l->has_tls || (l->tls_mode.s && !l->tls_mode.len));
		l4_host |= protocol_in(&l->protocol, l4) && l->hostname.s &&
		           l->hostname.len;
	}
	if (tls_on_plain)
		rule(v, o->listeners_pos, fl, "tls must not be specified for "
		     "protocols ['HTTP', 'TCP', 'UDP']");
	if (https_mode)
		rule(v, o->listeners_pos, fl, "tls mode must be Terminate for "
		     "protocol HTTPS");
	if (tls_mode)
		rule(v, o->listeners_pos, fl, "tls mode must be set for protocol "
		     "TLS");
	if (l4_host)
		rule(v, o->listeners_pos, fl, "hostname must not be specified for "
		     "protocols ['TCP', 'UDP']");
	if (keys_new(v, &names, o->nlisteners, 0)) {
		for (i = 0; i < o->nlisteners; i++)
			names.k[i] = &o->listeners[i].name;
		if (any_equal(v, names.k, o->nlisteners))
			rule(v, o->listeners_pos, fl, "Listener name must be unique "
			     "within the Gateway");
	}
	keys_free(v, &names);
	if (o->nlisteners < 2)
		return;
	/* port, protocol and hostname, an absent hostname apart from "" */
	ingroute__buf_init(&b, v->alloc);
	ends = ingroute__calloc(v->alloc, o->nlisteners, sizeof(*ends));
	for (i = 0; ends && i < o->nlisteners; i++) {
		const ig_listener *l = &o->listeners[i];

		ingroute__buf_printf(&b, "%d;", (int)l->port);
		key_part(&b, &l->protocol, 0);
		key_part(&b, &l->hostname, 1);
		ends[i] = b.len;
	}
	if (!ends)
		oom(v);
	else if (keys_from(v, &combos, &b, ends, o->nlisteners) &&
	         any_equal(v, combos.k, o->nlisteners))
		rule(v, o->listeners_pos, fl, "Combination of port, protocol and "
		     "hostname must be unique for each listener");
	ingroute__free(v->alloc, ends);
	keys_free(v, &combos);
	ingroute__buf_free(&b);
}

static void check_addresses(val *v, const ig_gateway_spec *g)
{
	static const strspec S_TYPE = { 1, 253, is_address_type,
	                                P_ADDRESS_TYPE };
	static const strspec S_VALUE = { 0, 253, NULL, NULL };
	static const ig_str ipaddress = { "IPAddress", 9, { 0, 0 } };
	const fld fa = FLD(NULL, "spec.addresses");
	keyarr ip = KEYARR_INIT, host = KEYARR_INIT;
	uint32_t i;

	max_items(v, g->addresses_pos, &fa, g->naddresses, 16);
	for (i = 0; i < g->naddresses; i++) {
		const ig_address *a = &g->addresses[i];
		const ig_str *type = a->type.s ? &a->type : &ipaddress;
		const fld f = FLD_AT(NULL, "spec.addresses", i);
		const fld ft = FLD(&f, "type"), fv = FLD(&f, "value");
		char field[512];

		str(v, a->pos, &ft, &a->type, 0, &S_TYPE);
		str(v, a->pos, &fv, &a->value, 0, &S_VALUE);
		/* oneOf: an IPAddress with an IPv4 or IPv6 value, or any
		 * other type */
		if (str_is(type, "IPAddress") && a->value.s &&
		    !is_ipv4_format(a->value.s, a->value.len) &&
		    !is_ipv6_format(a->value.s, a->value.len) && schema_pass(v)) {
			quoted q;
			char detail[1200];

			path_text(&fv, field, sizeof(field));
			blocking(v);
			snprintf(detail, sizeof(detail), "%s in body must be of type "
			         "ipv4: %s", field, quote(v, &q, a->value.s,
			                                  a->value.len));
			unquote(&q);
			sinvalid(v, a->value.pos, &fv, a->value.s, a->value.len,
			         detail);
			sreport_nofield(v, a->pos, "Invalid value: \"\": \"%s\" must "
			                "validate at least one schema (anyOf)", field);
			sreport_nofield(v, a->pos, "Invalid value: \"\": \"%s\" must "
			                "validate one and only one schema (oneOf). "
			                "Found none valid",
			                path_text(&f, field, sizeof(field)));
		}
		if (str_is(type, "Hostname") && a->value.s &&
		    !is_hostname(a->value.s, a->value.len))
			rule(v, a->pos, &f, "Hostname value must be empty or contain "
			     "only valid characters (matching " P_HOSTNAME ")");
	}
	if (schema_pass(v) || g->naddresses < 2)
		return;
	/* the values of each type are unique */
	if (keys_new(v, &ip, g->naddresses, 0) &&
	    keys_new(v, &host, g->naddresses, 0)) {
		size_t nip = 0, nhost = 0;

		for (i = 0; i < g->naddresses; i++) {
			const ig_address *a = &g->addresses[i];
			const ig_str *type = a->type.s ? &a->type : &ipaddress;

			if (str_is(type, "IPAddress") && a->value.s)
				ip.k[nip++] = &a->value;
			if (str_is(type, "Hostname") && a->value.s)
				host.k[nhost++] = &a->value;
		}
		if (any_equal(v, ip.k, nip))
			rule(v, g->addresses_pos, &fa, "IPAddress values must be "
			     "unique");
		if (any_equal(v, host.k, nhost))
			rule(v, g->addresses_pos, &fa, "Hostname values must be "
			     "unique");
	}
	keys_free(v, &ip);
	keys_free(v, &host);
}

/* infrastructure.labels and annotations: their values, count, and keys
 * (CEL). */
static void check_infra_map(val *v, const ig_kvs *m, const char *name,
                            const char *what, size_t max,
                            const strspec *sp)
{
	const fld f = FLD(NULL, name);
	uint32_t i;
	int bad_key = 0, long_prefix = 0;
	char msg[256];

	map_values(v, m, &f, max, sp);
	if (schema_pass(v) || !m->given)
		return;
	for (i = 0; i < m->n; i++) {
		const ig_str *k = &m->kv[i].key;
		const char *slash = memchr(k->s, '/', k->len);

		bad_key |= !is_qualified_key(k->s, k->len);
		long_prefix |= runes(k->s, slash ? (size_t)(slash - k->s)
		                                 : k->len) >= 253;
	}
	if (bad_key) {
		snprintf(msg, sizeof(msg), "%s keys must be in the form of an "
		         "optional DNS subdomain prefix followed by a required "
		         "name segment of up to 63 characters.", what);
		rule(v, m->pos, &f, msg);
	}
	if (long_prefix) {
		snprintf(msg, sizeof(msg), "If specified, the %c%s key's prefix "
		         "must be a DNS subdomain not longer than 253 characters "
		         "in total.", what[0] | 0x20, what + 1);
		rule(v, m->pos, &f, msg);
	}
}

static void check_tls_validation(val *v, const ig_tls_validation *tv,
                                 const fld *f)
{
	static const char *const modes[] = { "AllowValidOnly",
	                                     "AllowInsecureFallback", NULL };
	const fld fr = FLD(f, "caCertificateRefs"), fm = FLD(f, "mode");
	uint32_t i;

	if (!tv->given)
		return;
	if (!tv->has_refs) {
		srequired(v, tv->pos, &fr);
	} else {
		min_items(v, tv->refs_pos, &fr, tv->nrefs, 1);
		max_items(v, tv->refs_pos, &fr, tv->nrefs, 16);
	}
	for (i = 0; i < tv->nrefs; i++) {
		const fld fi = FLD_AT(f, "caCertificateRefs", i);

		check_ref(v, &tv->refs[i], &fi,
		          R_GROUP_REQ | R_KIND_REQ | R_NAMESPACE);
	}
	enum_field(v, &fm, &tv->mode, modes,
	           "\"AllowValidOnly\", \"AllowInsecureFallback\"");
}

static void check_gateway_tls(val *v, const ig_gateway_spec *g)
{
	const fld ffe = FLD(NULL, "spec.tls.frontend");
	const fld fdef = FLD(&ffe, "default"), fpp = FLD(&ffe, "perPort");
	const fld fdv = FLD(&fdef, "validation");
	keyarr ports = KEYARR_INIT;
	uint32_t i;

	if (g->has_frontend && !g->has_default)
		srequired(v, g->frontend_pos, &fdef);
	check_tls_validation(v, &g->default_validation, &fdv);
	max_items(v, g->per_port_pos, &fpp, g->nper_port, 64);
	for (i = 0; i < g->nper_port; i++) {
		const ig_tls_port *p = &g->per_port[i];
		const fld fi = FLD_AT(&ffe, "perPort", i);
		const fld fp = FLD(&fi, "port"), ft = FLD(&fi, "tls");
		const fld fv = FLD(&ft, "validation");

		if (!p->port_pos.line)
			srequired(v, p->pos, &fp);
		else
			port_field(v, p->port_pos, &fp, p->port);
		if (!p->has_tls)
			srequired(v, p->pos, &ft);
		check_tls_validation(v, &p->validation, &fv);
	}
	/* a list-map keyed by port, and a CEL rule that says so again */
	if (keys_new(v, &ports, g->nper_port, 1)) {
		for (i = 0; i < g->nper_port; i++) {
			const ig_tls_port *p = &g->per_port[i];
			char *t = ports.text + 16 * i;

			ports.at[i] = p->pos;
			if (!p->port_pos.line)
				continue;
			snprintf(t, 16, "%d", (int)p->port);
			ports.own[i].s = t;
			ports.own[i].len = (uint32_t)strlen(t);
			ports.k[i] = &ports.own[i];
		}
		dup_keys(v, &fpp, ports.k, ports.at, g->nper_port, "port", 1);
		if (!schema_pass(v) && any_equal(v, ports.k, g->nper_port))
			rule(v, g->per_port_pos, &fpp, "Port for TLS configuration "
			     "must be unique within the Gateway");
	}
	keys_free(v, &ports);
	if (g->client_cert)
		check_ref(v, g->client_cert,
		          &FLD(NULL, "spec.tls.backend.clientCertificateRef"),
		          R_NAMESPACE);
}

static void validate_gateway(val *v, const ig_object *o)
{
	static const strspec S_LABEL = { 0, 63, is_label_value,
	                                 P_LABEL_VALUE };
	static const strspec S_ANNOTATION = { 0, 4096, NULL, NULL };
	static const char *const froms[] = { "All", "Selector", "Same", "None",
	                                     NULL };
	const fld fl = FLD(NULL, "spec.listeners");
	const ig_gateway_spec *g = o->gw;
	keyarr names = KEYARR_INIT;
	uint32_t i;

	str(v, o->spec_pos, &FLD(NULL, "spec.gatewayClassName"), &o->class_name,
	    1, &S_NAME);
	if (!o->listeners) {
		srequired(v, o->spec_pos, &fl);
	} else {
		min_items(v, o->listeners_pos, &fl, o->nlisteners, 1);
		max_items(v, o->listeners_pos, &fl, o->nlisteners, 64);
	}
	for (i = 0; i < o->nlisteners; i++) {
		const fld f = FLD_AT(NULL, "spec.listeners", i);

		check_listener(v, &o->listeners[i], &f);
	}
	/* a list-map keyed by name */
	if (keys_new(v, &names, o->nlisteners, 0)) {
		for (i = 0; i < o->nlisteners; i++) {
			names.k[i] = o->listeners[i].name.s ? &o->listeners[i].name
			                                    : NULL;
			names.at[i] = o->listeners[i].pos;
		}
		dup_keys(v, &fl, names.k, names.at, o->nlisteners, "name", 0);
	}
	keys_free(v, &names);
	if (!schema_pass(v))
		listener_rules(v, o, &fl);
	if (!g)
		return;
	check_addresses(v, g);
	check_infra_map(v, &g->infra_labels, "spec.infrastructure.labels",
	                "Label", 8, &S_LABEL);
	check_infra_map(v, &g->infra_annotations,
	                "spec.infrastructure.annotations", "Annotation", 16,
	                &S_ANNOTATION);
	if (g->infra_params)
		check_ref(v, g->infra_params,
		          &FLD(NULL, "spec.infrastructure.parametersRef"),
		          R_GROUP_REQ | R_KIND_REQ);
	if (g->has_allowed_listeners) {
		const fld fns = FLD(NULL, "spec.allowedListeners.namespaces");

		enum_field(v, &FLD(&fns, "from"), &g->listeners_from, froms,
		           "\"All\", \"Selector\", \"Same\", \"None\"");
		check_selector(v, g->listeners_selector, &FLD(&fns, "selector"));
	}
	check_gateway_tls(v, g);
}

/* ---- HTTPRoute */

static void check_value_match(val *v, const ig_value_match *m, const fld *f,
                              size_t max_value)
{
	static const char *const types[] = { "Exact", "RegularExpression",
	                                     NULL };
	const strspec s_value = { 1, max_value, NULL, NULL };
	const fld ft = FLD(f, "type"), fn = FLD(f, "name");
	const fld fv = FLD(f, "value");

	enum_field(v, &ft, &m->type_str, types,
	           "\"Exact\", \"RegularExpression\"");
	str(v, m->pos, &fn, &m->name, 1, &S_HEADER);
	str(v, m->pos, &fv, &m->value, 1, &s_value);
}

/* headers and queryParams: list-maps keyed by name. */
static void check_value_matches(val *v, const ig_value_match *ms, uint32_t n,
                                const fld *f, const char *name,
                                size_t max_value, ig_pos at)
{
	const fld fl = FLD(f, name);
	keyarr keys = KEYARR_INIT;
	uint32_t i;

	max_items(v, at, &fl, n, 16);
	for (i = 0; i < n; i++) {
		const fld fi = FLD_AT(f, name, i);

		check_value_match(v, &ms[i], &fi, max_value);
	}
	if (keys_new(v, &keys, n, 0)) {
		for (i = 0; i < n; i++) {
			keys.k[i] = ms[i].name.s ? &ms[i].name : NULL;
			keys.at[i] = ms[i].pos;
		}
		dup_keys(v, &fl, keys.k, keys.at, n, "name", 0);
	}
	keys_free(v, &keys);
}

/* The CEL rules on a path match, in the CRD's order. */
static void check_path(val *v, const ig_http_match *m, const fld *fm)
{
	static const char *const types[] = { "Exact", "PathPrefix",
	                                     "RegularExpression", NULL };
	static const strspec S_VALUE = { 0, 1024, NULL, NULL };
	static const struct {
		const char *needle;
		int suffix;
		const char *message;
	} rules[] = {
		{ "//", 0, PATH_RULE("must not contain '//'") },
		{ "/./", 0, PATH_RULE("must not contain '/./'") },
		{ "/../", 0, PATH_RULE("must not contain '/../'") },
		{ "%2f", 0, PATH_RULE("must not contain '%2f'") },
		{ "%2F", 0, PATH_RULE("must not contain '%2F'") },
		{ "#", 0, PATH_RULE("must not contain '#'") },
		{ "/..", 1, PATH_RULE("must not end with '/..'") },
		{ "/.", 1, PATH_RULE("must not end with '/.'") },
	};
	const fld fp = FLD(fm, "path"), ft = FLD(&fp, "type");
	const fld fv = FLD(&fp, "value");
	const ig_str *s = &m->path_value;
	size_t i;

	enum_field(v, &ft, &m->path_type_str, types,
	           "\"Exact\", \"PathPrefix\", \"RegularExpression\"");
	str(v, m->path_pos, &fv, s, 0, &S_VALUE);
	if (schema_pass(v) || m->path_type == IG_MT_REGEX)
		return;
	if (s->len == 0 || s->s[0] != '/')
		rule(v, m->path_pos, &fp, PATH_RULE("value must be an absolute path "
		     "and start with '/'"));
	for (i = 0; i < IG_ARRAY_LEN(rules); i++) {
		size_t k = strlen(rules[i].needle);
		int hit = rules[i].suffix
			? s->len >= k && memcmp(s->s + s->len - k, rules[i].needle,
			                        k) == 0
			: has_substr(s->s, s->len, rules[i].needle);

		if (hit)
			rule(v, m->path_pos, &fp, rules[i].message);
	}
	if (!is_path_chars(s->s, s->len))
		rule(v, m->path_pos, &fp, "must only contain valid characters "
		     "(matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})"
		     "+$) for types ['Exact', 'PathPrefix']");
}

static void check_http_match(val *v, const ig_http_match *m, const fld *f)
{
	static const char *const methods[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
		"TRACE", "PATCH", NULL };

	check_path(v, m, f);
	check_value_matches(v, m->headers, m->nheaders, f, "headers", 4096,
	                    m->pos);
	check_value_matches(v, m->query, m->nquery, f, "queryParams", 1024,
	                    m->pos);
	enum_field(v, &FLD(f, "method"), &m->method, methods,
	           "\"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", "
	           "\"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\"");
}

static void check_header_edits(val *v, const ig_filter *flt, const fld *fb)
{
	static const char *const lists[] = { NULL, "set", "add", "remove" };
	static const strspec S_HVALUE = { 1, 4096, NULL, NULL };
	uint32_t i, k, counts[4] = { 0, 0, 0, 0 };

	for (i = 0; i < flt->nedits; i++) {
		const ig_header_edit *e = &flt->edits[i];
		const fld fl = FLD_AT(fb, lists[e->op], counts[e->op]++);
		const fld fn = FLD(&fl, "name"), fv = FLD(&fl, "value");

		/* remove[] items are plain strings to the schema */
		if (e->op == IG_HOP_REMOVE)
			continue;
		str(v, e->pos, &fn, &e->name, 1, &S_HEADER);
		str(v, e->pos, &fv, &e->value, 1, &S_HVALUE);
	}
	for (k = 1; k < 4; k++) {
		const fld fl = FLD(fb, lists[k]);
		keyarr keys = KEYARR_INIT;
		uint32_t j = 0;

		max_items(v, flt->edit_lists_pos[k], &fl, counts[k], 16);
		if (!keys_new(v, &keys, counts[k], 0))
			continue;
		for (i = 0; i < flt->nedits; i++) {
			const ig_header_edit *e = &flt->edits[i];

			if (e->op != k)
				continue;
			keys.k[j] = e->name.s ? &e->name : NULL;
			keys.at[j++] = e->pos;
		}
		if (k != IG_HOP_REMOVE) {
			dup_keys(v, &fl, keys.k, keys.at, j, "name", 0);
		} else if (schema_pass(v)) {
			uint8_t *dup = second_of(v, keys.k, j);

			for (i = 0; dup && i < j; i++) {
				const fld fi = FLD_AT(fb, "remove", i);
				quoted q;

				if (!dup[i])
					continue;
				ingroute__val_report(v, keys.at[i], &fi, "Duplicate "
				                     "value: %s", quote(v, &q,
				                     keys.k[i]->s, keys.k[i]->len));
				unquote(&q);
			}
			ingroute__free(v->alloc, dup);
		}
		keys_free(v, &keys);
	}
}

static void check_path_modifier(val *v, const ig_filter *flt, const fld *fb)
{
	static const char *const types[] = { "ReplaceFullPath",
	                                     "ReplacePrefixMatch", NULL };
	static const strspec S_REPLACE = { 0, 1024, NULL, NULL };
	const fld fp = FLD(fb, "path"), ft = FLD(&fp, "type");
	const fld ffull = FLD(&fp, "replaceFullPath");
	const fld fpre = FLD(&fp, "replacePrefixMatch");

	if (!flt->path_pos.line)
		return;
	if (!flt->path_mod_str.s)
		srequired(v, flt->path_pos, &ft);
	enum_field(v, &ft, &flt->path_mod_str, types,
	           "\"ReplaceFullPath\", \"ReplacePrefixMatch\"");
	str(v, flt->path_pos, &ffull, &flt->full_path, 0, &S_REPLACE);
	str(v, flt->path_pos, &fpre, &flt->prefix_path, 0, &S_REPLACE);
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
}

/* A CORS list: a list-set of at most max items, each checked by sp (or
 * one of values), and, but for exposeHeaders, '*' only alone. */
static void check_cors_list(val *v, const ig_strs *l, const fld *fb,
                            const char *name, size_t max, const strspec *sp,
                            const char *const *values, const char *star)
{
	const fld fl = FLD(fb, name);
	uint32_t i;
	int has_star = 0;

	if (!l->given)
		return;
	max_items(v, l->pos, &fl, l->n, max);
	for (i = 0; i < l->n; i++) {
		const fld fi = FLD_AT(fb, name, i);

		if (sp)
			str(v, l->s[i].pos, &fi, &l->s[i], 0, sp);
		else
			enum_field(v, &fi, &l->s[i], values,
			           "\"GET\", \"HEAD\", \"POST\", \"PUT\", "
			           "\"DELETE\", \"CONNECT\", \"OPTIONS\", \"TRACE\", "
			           "\"PATCH\", \"*\"");
		has_star |= str_is(&l->s[i], "*");
	}
	dup_strs(v, &fl, l);
	if (star && has_star && l->n > 1)
		rule(v, l->pos, &fl, star);
}

static void check_cors(val *v, const ig_filter *flt, const fld *fb)
{
	static const strspec S_ORIGIN = { 1, 253, is_origin, P_ORIGIN };
	static const char *const methods[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
		"TRACE", "PATCH", "*", NULL };

	check_cors_list(v, &flt->cors_origins, fb, "allowOrigins", 64,
	                &S_ORIGIN, NULL, "AllowOrigins cannot contain '*' "
	                "alongside other origins");
	check_cors_list(v, &flt->cors_methods, fb, "allowMethods", 9, NULL,
	                methods, "AllowMethods cannot contain '*' alongside "
	                "other methods");
	check_cors_list(v, &flt->cors_allow_headers, fb, "allowHeaders", 64,
	                &S_HEADER, NULL, "AllowHeaders cannot contain '*' "
	                "alongside other methods");
	check_cors_list(v, &flt->cors_expose_headers, fb, "exposeHeaders", 64,
	                &S_HEADER, NULL, NULL);
	if (flt->cors_max_age_pos.line)
		int_range(v, flt->cors_max_age_pos, &FLD(fb, "maxAge"),
		          flt->cors_max_age, 1, 0x7fffffff);
}

static void check_mirror(val *v, const ig_filter *flt, const fld *fb)
{
	const fld fr = FLD(fb, "backendRef"), ff = FLD(fb, "fraction");

	if (!flt->has_mirror_ref) {
		srequired(v, flt->body_pos, &fr);
	} else {
		check_ref(v, &flt->mirror, &fr, R_NAMESPACE | R_PORT);
		service_port_rule(v, &flt->mirror, &fr);
	}
	if (flt->percent_pos.line)
		int_range(v, flt->percent_pos, &FLD(fb, "percent"), flt->percent,
		          0, 100);
	if (flt->has_fraction) {
		if (!flt->num_pos.line)
			srequired(v, flt->fraction_pos, &FLD(&ff, "numerator"));
		else
			int_range(v, flt->num_pos, &FLD(&ff, "numerator"), flt->num,
			          0, 0x7fffffff);
		if (flt->den_pos.line)
			int_range(v, flt->den_pos, &FLD(&ff, "denominator"), flt->den,
			          1, 0x7fffffff);
		if (flt->num > flt->den)
			rule(v, flt->fraction_pos, &ff, "numerator must be less than "
			     "or equal to denominator");
	}
	if (flt->percent_pos.line && flt->has_fraction)
		rule(v, flt->body_pos, fb, "Only one of percent or fraction may be "
		     "specified in HTTPRequestMirrorFilter");
}

static void check_filter(val *v, const ig_filter *flt, const fld *f)
{
	static const char *const schemes[] = { "http", "https", NULL };
	static const strspec S_PRECISE = { 1, 253, is_subdomain, P_SECTION };
	const fld ft = FLD(f, "type");
	char msg[160];
	int k;

	if (!flt->type_str.s) {
		srequired(v, flt->pos, &ft);
		return;
	}
	if (flt->type == IG_FT_OTHER) {
		unsupported(v, &ft, &flt->type_str,
		            "\"RequestHeaderModifier\", \"ResponseHeaderModifier\", "
		            "\"RequestMirror\", \"RequestRedirect\", \"URLRewrite\", "
		            "\"ExtensionRef\", \"CORS\"");
		return;
	}
	for (k = 1; k < IG_FT_OTHER; k++) {
		int has = (flt->body_mask >> k) & 1;

		if (has && k != flt->type)
			snprintf(msg, sizeof(msg), "filter.%s must be nil if the "
			         "filter.type is not %s",
			         ingroute__filter_field_name(k),
			         ingroute__filter_type_name(k));
		else if (!has && k == flt->type)
			snprintf(msg, sizeof(msg), "filter.%s must be specified for "
			         "%s filter.type", ingroute__filter_field_name(k),
			         ingroute__filter_type_name(k));
		else
			continue;
		rule(v, flt->pos, f, msg);
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
			static const char *const codes[] = { "301", "302", "303",
			                                     "307", "308", NULL };
			const fld fs = FLD(&fb, "scheme"), fh = FLD(&fb, "hostname");
			char code[16];
			ig_str cs;

			enum_field(v, &fs, &flt->scheme, schemes,
			           "\"http\", \"https\"");
			str(v, flt->body_pos, &fh, &flt->hostname, 0, &S_PRECISE);
			check_path_modifier(v, flt, &fb);
			port_field(v, flt->port_pos, &FLD(&fb, "port"), flt->port);
			snprintf(code, sizeof(code), "%d", (int)flt->status);
			cs.s = code;
			cs.len = (uint32_t)strlen(code);
			cs.pos = flt->status_pos;
			if (flt->status_pos.line && !one_of(&cs, codes)) {
				blocking(v);
				sreport(v, flt->status_pos, &FLD(&fb, "statusCode"),
				        "Unsupported value: %d: supported values: "
				        "\"301\", \"302\", \"303\", \"307\", \"308\"",
				        (int)flt->status);
			}
			break;
		}
		case IG_FT_REWRITE:
			str(v, flt->body_pos, &FLD(&fb, "hostname"), &flt->hostname, 0,
			    &S_PRECISE);
			check_path_modifier(v, flt, &fb);
			break;
		case IG_FT_MIRROR:
			check_mirror(v, flt, &fb);
			break;
		case IG_FT_EXTENSION:
			check_ref(v, &flt->ext, &fb, R_GROUP_REQ | R_KIND_REQ);
			break;
		case IG_FT_CORS:
			check_cors(v, flt, &fb);
			break;
		default:
			break;
		}
	}
}

/* A rule's or a backendRef's filters as a list, and its CEL rules. */
static void check_filter_list(val *v, const ig_filter *fs, uint32_t n,
                              ig_pos at, const fld *f)
{
	static const struct {
		uint8_t type;
		const char *message;
	} once[] = {
		{ IG_FT_CORS, "CORS filter cannot be repeated" },
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
	max_items(v, at, f, n, 16);
	for (i = 0; i < n; i++) {
		const fld fi = FLD_AT(f->up, f->name, i);

		check_filter(v, &fs[i], &fi);
		counts[fs[i].type]++;
	}
	if (counts[IG_FT_REDIRECT] && counts[IG_FT_REWRITE])
		rule(v, at, f, "May specify either httpRouteFilterRequestRedirect "
		     "or httpRouteFilterRequestRewrite, but not both");
	for (k = 0; k < IG_ARRAY_LEN(once); k++)
		if (counts[once[k].type] > 1)
			rule(v, at, f, once[k].message);
}

static void check_backend_ref(val *v, const ig_backend_ref *b, const fld *f)
{
	const fld ff = FLD(f, "filters");

	check_ref(v, &b->ref, f, R_NAMESPACE | R_PORT);
	if (b->weight_pos.line)
		int_range(v, b->weight_pos, &FLD(f, "weight"), b->weight, 0,
		          1000000);
	service_port_rule(v, &b->ref, f);
	check_filter_list(v, b->all_filters, b->nall_filters, b->filters_pos,
	                  &ff);
}

/* Exactly one filter of type t (by its settings, as the CEL reads it)
 * replaces a prefix. */
static int one_prefix_replacement(const ig_filter *fs, uint32_t n, int t)
{
	uint32_t i, c = 0;

	for (i = 0; i < n; i++)
		c += fs[i].type == t && fs[i].has_body && fs[i].path_pos.line &&
		     fs[i].path_mod == IG_PM_PREFIX && fs[i].prefix_path.s;
	return c == 1;
}

/* The rule's matches, defaults applied, are one PathPrefix match. */
static int one_prefix_match(const ig_http_rule *r)
{
	if (!r->has_matches)
		return 1;
	return r->nmatches == 1 && r->matches[0].path_type == IG_MT_PREFIX;
}

/* The CEL rules on a rule. */
static void rule_rules(val *v, const ig_http_rule *r, const fld *f)
{
	static const char *const messages[] = {
		"When using RequestRedirect filter with path.replacePrefixMatch, "
		"exactly one PathPrefix match must be specified",
		"When using URLRewrite filter with path.replacePrefixMatch, "
		"exactly one PathPrefix match must be specified",
		"Within backendRefs, when using RequestRedirect filter with "
		"path.replacePrefixMatch, exactly one PathPrefix match must be "
		"specified",
		"Within backendRefs, When using URLRewrite filter with "
		"path.replacePrefixMatch, exactly one PathPrefix match must be "
		"specified",
	};
	static const int types[] = { IG_FT_REDIRECT, IG_FT_REWRITE };
	uint32_t i, j;
	int t;

	if (r->nbackends > 0)
		for (i = 0; i < r->nall_filters; i++)
			if ((r->all_filters[i].body_mask >> IG_FT_REDIRECT) & 1) {
				rule(v, r->pos, f, "RequestRedirect filter must not be "
				     "used together with backendRefs");
				break;
			}
	if (one_prefix_match(r))
		return;
	for (t = 0; t < 2; t++) {
		uint32_t c = 0;

		if (one_prefix_replacement(r->all_filters, r->nall_filters,
		                           types[t]))
			rule(v, r->pos, f, messages[t]);
		for (j = 0; j < r->nbackends; j++)
			c += one_prefix_replacement(r->backends[j].all_filters,
			                            r->backends[j].nall_filters,
			                            types[t]);
		if (c == 1)
			rule(v, r->pos, f, messages[2 + t]);
	}
}

static void check_timeouts(val *v, const ig_http_rule *r, const fld *f)
{
	static const strspec S_DURATION = { 0, 0, is_duration, P_DURATION };
	static const char message[] = "backendRequest timeout cannot be longer "
	                              "than request timeout";
	const fld ft = FLD(f, "timeouts");
	const ig_str *req = &r->timeout_request, *back = &r->timeout_backend;
	int64_t dreq = 0, dback = 0;
	int okreq, okback;

	if (!r->has_timeouts)
		return;
	str(v, r->timeouts_pos, &FLD(&ft, "request"), req, 0, &S_DURATION);
	str(v, r->timeouts_pos, &FLD(&ft, "backendRequest"), back, 0,
	    &S_DURATION);
	if (schema_pass(v) || !req->s || !back->s)
		return;
	/* !(request != 0s && backendRequest > request): CEL's && is false
	 * when either side is, an error when neither is and one fails */
	okreq = parse_duration(req->s, req->len, &dreq);
	okback = parse_duration(back->s, back->len, &dback);
	if ((okreq && dreq == 0) || (okreq && okback && dback <= dreq))
		return;
	if (okreq && okback)
		rule(v, r->timeouts_pos, &ft, message);
	else
		rule_error(v, r->timeouts_pos, &ft, "object", "type conversion "
		           "error from 'string' to 'google.protobuf.Duration'",
		           message);
}

/* The CEL rules on parentRefs: two references to one parent (group and
 * kind with their defaults, namespace "" as absent) both name a
 * section or both do not, and not the same one. */
static void parent_rules(val *v, const ig_object *o, const fld *fp)
{
	static const ig_str gw_group = { "gateway.networking.k8s.io", 25,
	                                 { 0, 0 } };
	static const ig_str gw_kind = { "Gateway", 7, { 0, 0 } };
	keyarr parent = KEYARR_INIT, section = KEYARR_INIT;
	ig_buf pb, sb;
	uint32_t i, *first;
	size_t *ends;

	if (o->nparents < 2)
		return;
	ingroute__buf_init(&pb, v->alloc);
	ingroute__buf_init(&sb, v->alloc);
	ends = ingroute__calloc(v->alloc, 2 * (size_t)o->nparents,
	                        sizeof(*ends));
	for (i = 0; ends && i < o->nparents; i++) {
		const ig_ref *r = &o->parents[i];
		size_t at = pb.len;

		key_part(&pb, r->group.s ? &r->group : &gw_group, 0);
		key_part(&pb, r->kind.s ? &r->kind : &gw_kind, 0);
		key_part(&pb, &r->ns, 0);
		key_part(&pb, &r->name, 0);
		ends[i] = pb.len;
		/* the same parent and the same section */
		ingroute__buf_put(&sb, pb.data ? pb.data + at : "", pb.len - at);
		key_part(&sb, &r->section, 0);
		ends[o->nparents + i] = sb.len;
	}
	if (!ends) {
		oom(v);
	} else if (keys_from(v, &parent, &pb, ends, o->nparents) &&
	           keys_from(v, &section, &sb, ends + o->nparents,
	                     o->nparents)) {
		if ((first = first_of(v, parent.k, o->nparents))) {
			for (i = 0; i < o->nparents; i++) {
				const ig_ref *a = &o->parents[i];
				const ig_ref *z = &o->parents[first[i]];

				if ((a->section.len > 0) != (z->section.len > 0)) {
					rule(v, o->parents_pos, fp, "sectionName must be "
					     "specified when parentRefs includes 2 or more "
					     "references to the same parent");
					break;
				}
			}
			ingroute__free(v->alloc, first);
		}
		if (any_equal(v, section.k, o->nparents))
			rule(v, o->parents_pos, fp, "sectionName must be unique when "
			     "parentRefs includes 2 or more references to the same "
			     "parent");
	}
	keys_free(v, &parent);
	keys_free(v, &section);
	ingroute__free(v->alloc, ends);
	ingroute__buf_free(&pb);
	ingroute__buf_free(&sb);
}

static void validate_httproute(val *v, const ig_object *o)
{
	const fld fp = FLD(NULL, "spec.parentRefs");
	const fld fh = FLD(NULL, "spec.hostnames");
	const fld fr = FLD(NULL, "spec.rules");
	uint32_t i, j, total;

	max_items(v, o->parents_pos, &fp, o->nparents, 32);
	for (i = 0; i < o->nparents; i++) {
		const fld f = FLD_AT(NULL, "spec.parentRefs", i);

		check_ref(v, &o->parents[i], &f, R_NAMESPACE | R_PORT | R_SECTION);
	}
	if (!schema_pass(v))
		parent_rules(v, o, &fp);
	max_items(v, o->hostnames_pos, &fh, o->nhostnames, 16);
	for (i = 0; i < o->nhostnames; i++) {
		const fld f = FLD_AT(NULL, "spec.hostnames", i);

		str(v, o->hostnames[i].pos, &f, &o->hostnames[i], 1, &S_HOSTNAME);
	}
	if (o->has_rules)
		min_items(v, o->rules_pos, &fr, o->nhttp_rules, 1);
	max_items(v, o->rules_pos, &fr, o->nhttp_rules, 16);
	/* absent rules and matches are one of each by default */
	total = o->has_rules ? 0 : 1;
	for (i = 0; i < o->nhttp_rules; i++) {
		const ig_http_rule *r = &o->http_rules[i];
		const fld f = FLD_AT(NULL, "spec.rules", i);
		const fld fm = FLD(&f, "matches"), ff = FLD(&f, "filters");
		const fld fb = FLD(&f, "backendRefs");

		str(v, r->pos, &FLD(&f, "name"), &r->name, 0, &S_SECTION);
		max_items(v, r->matches_pos, &fm, r->nmatches, 64);
		for (j = 0; j < r->nmatches; j++) {
			const fld fj = FLD_AT(&f, "matches", j);

			check_http_match(v, &r->matches[j], &fj);
		}
		total += r->has_matches ? r->nmatches : 1;
		check_filter_list(v, r->all_filters, r->nall_filters,
		                  r->filters_pos, &ff);
		max_items(v, r->backends_pos, &fb, r->nbackends, 16);
		for (j = 0; j < r->nbackends; j++) {
			const fld fj = FLD_AT(&f, "backendRefs", j);

			check_backend_ref(v, &r->backends[j], &fj);
		}
		check_timeouts(v, r, &f);
		if (!schema_pass(v))
			rule_rules(v, r, &f);
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

	if (!g) {
		srequired(v, at, &f);
	} else {
		min_items(v, at, &f, n, 1);
		max_items(v, at, &f, n, 16);
	}
	for (i = 0; i < n; i++) {
		const fld fi = FLD_AT(NULL, name, i);

		str(v, g[i].pos, &FLD(&fi, "group"), &g[i].group, 1, &S_GROUP);
		str(v, g[i].pos, &FLD(&fi, "kind"), &g[i].kind, 1, &S_KIND);
		if (from)
			str(v, g[i].pos, &FLD(&fi, "namespace"), &g[i].ns, 1,
			    &S_NAMESPACE);
		else
			str(v, g[i].pos, &FLD(&fi, "name"), &g[i].name, 0, &S_NAME);
	}
}

static void validate_grant(val *v, const ig_object *o)
{
	check_grants(v, o->grant_from, o->ngrant_from, o->spec_pos, "spec.from",
	             1);
	check_grants(v, o->grant_to, o->ngrant_to, o->spec_pos, "spec.to", 0);
}

/* A valid route's fields that the answer does not carry get a note each
 * (docs/semantics.md §9.5), as an Ingress's controller annotations do:
 * the proxy would otherwise drop them without a word. */
static void not_applied(const ig_diag_ctx *dc, const ig_object *o)
{
	char field[96];
	uint32_t i, j, k;

	for (i = 0; i < o->nhttp_rules; i++) {
		const ig_http_rule *r = &o->http_rules[i];

		for (k = 0; k < r->nall_filters; k++)
			if (r->all_filters[k].type == IG_FT_CORS) {
				snprintf(field, sizeof(field),
				         "spec.rules[%u].filters[%u]", i, k);
				ingroute__diag(dc, INGROUTE_NOTE,
				               INGROUTE_D_NOT_APPLIED,
				               r->all_filters[k].pos, field,
				               "not applied: the answer carries no "
				               "CORS filter; the proxy must answer "
				               "CORS itself");
			}
		for (j = 0; j < r->nbackends; j++)
			for (k = 0; k < r->backends[j].nall_filters; k++)
				if (r->backends[j].all_filters[k].type ==
				    IG_FT_CORS) {
					snprintf(field, sizeof(field),
					         "spec.rules[%u].backendRefs[%u]."
					         "filters[%u]", i, j, k);
					ingroute__diag(dc, INGROUTE_NOTE,
					               INGROUTE_D_NOT_APPLIED,
					               r->backends[j].all_filters[k].pos,
					               field, "not applied: the answer "
					               "carries no CORS filter; the proxy "
					               "must answer CORS itself");
				}
		if (r->has_timeouts) {
			snprintf(field, sizeof(field), "spec.rules[%u].timeouts", i);
			ingroute__diag(dc, INGROUTE_NOTE, INGROUTE_D_NOT_APPLIED,
			               r->timeouts_pos, field, "not applied: the "
			               "answer carries no timeouts; the proxy's "
			               "own apply");
		}
	}
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
		srequired(&g.v, o->pos, &FLD(NULL, "spec"));
	else
		walk(&g.v, o);
	g.cel = 1;
	if (!g.blocking) {
		if (o->has_spec)
			walk(&g.v, o);
	} else if (o->kind != IG_OBJ_GRANT) {
		/* the CEL rules of a ReferenceGrant: none, and so no word of
		 * them */
		ingroute__diag(dc, INGROUTE_ERROR, INGROUTE_D_INVALID, o->pos, NULL,
		               "Invalid value: null: some validation rules were "
		               "not checked because the object was invalid; correct "
		               "the existing errors to complete validation");
		g.v.errors++;
	}
	if (!g.v.errors && o->kind == IG_OBJ_HTTPROUTE)
		not_applied(dc, o);
	return g.v.errors;
}
