/*
 * The reference matcher: docs/semantics.md §3 to §7 written straight
 * from the text, deliberately naive (every rule of every Ingress is looked
 * at for every request) and sharing no code with the router,
 * normalisation included.
 * It reads the decoded objects of a ruleset, which the loader's own tests
 * cover; the compiled router is checked against it.
 */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "reference.h"
#include "routefmt.h"

/* ---- docs/semantics.md §4, as the text says it */

static int ref_is_unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Host: returns 0 and the name, or -1 when only host-less rules apply. */
static int ref_host(const char *in, size_t n, char *out, size_t *len)
{
	size_t i, colons = 0, cut = n;
	int has_alpha = 0;

	if (n == 0 || in[0] == '[')
		return -1;
	for (i = 0; i < n; i++)
		if (in[i] == ':') {
			colons++;
			cut = i;
		}
	if (colons > 1)
		return -1;
	for (i = cut + (colons ? 1 : 0); colons && i < n; i++)
		if (in[i] < '0' || in[i] > '9')
			return -1;
	n = cut;
	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return -1;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.'))
			return -1;
		if (c == '.' && (i == 0 || out[i - 1] == '.'))
			return -1;
		if ((c >= 'a' && c <= 'z') || c == '-')
			has_alpha = 1;
		out[i] = c;
	}
	if (!has_alpha)
		return -1;   /* dotted digits: an IPv4 literal */
	*len = n;
	return 0;
}

/* RFC 3986 5.2.4, the loop as the RFC writes it, on separate buffers. */
static size_t ref_dots(const char *in, size_t n, char *out)
{
	char *buf = malloc(n + 1);
	size_t bn = n, w = 0;

	memcpy(buf, in, n);
	while (bn > 0) {
		if (bn >= 3 && !memcmp(buf, "../", 3)) {
			memmove(buf, buf + 3, bn -= 3);
		} else if (bn >= 2 && !memcmp(buf, "./", 2)) {
			memmove(buf, buf + 2, bn -= 2);
		} else if (bn >= 3 && !memcmp(buf, "/./", 3)) {
			memmove(buf, buf + 2, bn -= 2);
		} else if (bn == 2 && !memcmp(buf, "/.", 2)) {
			buf[0] = '/';
			bn = 1;
		} else if (bn >= 4 && !memcmp(buf, "/../", 4)) {
			memmove(buf, buf + 3, bn -= 3);
			while (w > 0 && out[w - 1] != '/')
				w--;
			if (w > 0)
				w--;
		} else if (bn == 3 && !memcmp(buf, "/..", 3)) {
			buf[0] = '/';
			bn = 1;
			while (w > 0 && out[w - 1] != '/')
				w--;
			if (w > 0)
				w--;
		} else if ((bn == 1 && buf[0] == '.') ||
		           (bn == 2 && !memcmp(buf, "..", 2))) {
			bn = 0;
		} else {
			size_t k = 1;

			while (k < bn && buf[k] != '/')
				k++;
			memcpy(out + w, buf, k);
			w += k;
			memmove(buf, buf + k, bn -= k);
		}
	}
	free(buf);
	return w;
}

/* Path: returns 0, or -1 when too long to be matched. out holds n + 2. */
static int ref_path(const char *in, size_t n, char *out, size_t *len)
{
	char *dec = malloc(n + 2), *dots = malloc(n + 2);
	size_t i, d = 0, k, m = 0;

	for (i = 0; i < n && in[i] != '?' && in[i] != '#'; i++)
		;
	n = i;
	if (n > 8192) {
		free(dec);
		free(dots);
		return -1;
	}
	if (n == 0 || in[0] != '/')
		dec[d++] = '/';
	for (i = 0; i < n; i++) {
		if (in[i] == '%' && i + 2 < n && hex(in[i + 1]) >= 0 &&
		    hex(in[i + 2]) >= 0 &&
		    ref_is_unreserved(hex(in[i + 1]) * 16 + hex(in[i + 2]))) {
			dec[d++] = (char)(hex(in[i + 1]) * 16 + hex(in[i + 2]));
			i += 2;
		} else {
			dec[d++] = in[i];
		}
	}
	k = ref_dots(dec, d, dots);
	for (i = 0; i < k; i++)
		if (!(dots[i] == '/' && m > 0 && out[m - 1] == '/'))
			out[m++] = dots[i];
	if (m == 0)
		out[m++] = '/';
	*len = m;
	free(dec);
	free(dots);
	return 0;
}

/* ---- docs/semantics.md §6 step 1: does a rule path match? */

/* Splits on '/' and compares element by element. */
static int element_prefix(const char *rule, size_t rn, const char *p, size_t n)
{
	size_t i = 0, j = 0;

	if (rn > 0 && rule[rn - 1] == '/')
		rn--;                  /* "without its trailing /" */
	if (rn == 0)
		return 1;              /* "/" matches everything */
	for (;;) {
		size_t ei = i, ej = j;

		while (ei < rn && rule[ei] != '/')
			ei++;
		while (ej < n && p[ej] != '/')
			ej++;
		if (ei - i != ej - j || memcmp(rule + i, p + j, ei - i) != 0)
			return 0;
		if (ei == rn)
			return 1;      /* every rule element matched */
		if (ej == n)
			return 0;      /* the request has fewer elements */
		i = ei + 1;
		j = ej + 1;
	}
}

static int ref_accepts(int type, int impl, const ig_str *rp, const char *p,
                       size_t n)
{
	const char *r = rp->s ? rp->s : "";
	size_t rn = rp->len;

	if (type == IG_PT_IMPL)
		type = impl == INGROUTE_IMPL_EXACT ? IG_PT_EXACT
		     : impl == INGROUTE_IMPL_STRING_PREFIX ? -1 : IG_PT_PREFIX;
	if (type == IG_PT_EXACT)
		return rn == n && memcmp(r, p, n) == 0;
	if (type == -1)
		return rn <= n && memcmp(r, p, rn) == 0;
	return element_prefix(r, rn, p, n);
}

/* ---- docs/semantics.md §7 and §6 step 2 */

static int ing_before(const ig_object *a, const ig_object *b)
{
	int c;

	if (a->has_ts != b->has_ts)
		return a->has_ts;
	if (a->has_ts && (a->ts != b->ts || a->ts_nsec != b->ts_nsec))
		return a->ts != b->ts ? a->ts < b->ts : a->ts_nsec < b->ts_nsec;
	c = strcmp(a->ns.s, b->ns.s);
	if (c)
		return c < 0;
	c = strcmp(a->name.s, b->name.s);
	if (c)
		return c < 0;
	return a->seq < b->seq;
}

typedef struct cand {
	const ig_object *ing;
	const ig_rule *rule;
	const ig_path *path;
	size_t ri, pi;
} cand;

static size_t longest(const ig_path *p)
{
	size_t n = p->path.len;

	return n > 0 && p->path.s[n - 1] == '/' ? n - 1 : n;
}

/* 1 when a beats b by docs/semantics.md §6 step 2. */
static int cand_before(const cand *a, const cand *b)
{
	int ta, tb, sa, sb;

	if (longest(a->path) != longest(b->path))
		return longest(a->path) > longest(b->path);
	ta = a->path->path_type;
	tb = b->path->path_type;
	if (ta != tb)
		return ta < tb;   /* Exact(1) < Prefix(2) < ImplementationSpecific(3) */
	sa = a->path->path.len > 0 && a->path->path.s[a->path->path.len - 1] == '/';
	sb = b->path->path.len > 0 && b->path->path.s[b->path->path.len - 1] == '/';
	if (sa != sb)
		return sa;
	if (a->ing != b->ing)
		return ing_before(a->ing, b->ing);
	if (a->ri != b->ri)
		return a->ri < b->ri;
	return a->pi < b->pi;
}

static int host_is(const ig_rule *r, const char *h, size_t n)
{
	return r->host.len == n && (n == 0 || memcmp(r->host.s, h, n) == 0);
}

void ref_match(const ingroute_ruleset *rs, const ref_options *o,
               const char *host, size_t hlen, const char *path, size_t plen,
               ref_answer *ans)
{
	ig_ruleset_view v;
	char *h = malloc(hlen + 3), *p = malloc(plen + 3);
	const char *keys[3];
	size_t klen[3], nkeys = 0, hn = 0, pn = 0, i, k, ri, pi;
	int host_ok, path_ok;

	memset(ans, 0, sizeof(*ans));
	ingroute__ruleset_view(rs, &v);
	if (o->flags & INGROUTE_OPT_NO_NORMALIZE) {
		memcpy(h, host, hlen);
		memcpy(p, path, plen);
		hn = hlen;
		pn = plen;
		host_ok = hlen > 0 && hlen <= 253;
		path_ok = plen <= 8192;
	} else {
		host_ok = ref_host(host, hlen, h + 2, &hn) == 0;
		if (host_ok)
			memmove(h, h + 2, hn);
		path_ok = ref_path(path, plen, p, &pn) == 0;
	}
	/* §5: the virtual hosts that exist, most specific first. */
	{
		char *wild = malloc(hn + 3);
		const char *dot = host_ok ? memchr(h, '.', hn) : NULL;
		size_t wn = 0;
		int exact = 0, wc = 0, any = 0;

		if (dot && dot + 1 < h + hn) {
			wild[0] = '*';
			wild[1] = '.';
			memcpy(wild + 2, dot + 1, (size_t)(h + hn - dot - 1));
			wn = (size_t)(h + hn - dot - 1) + 2;
		}
		for (i = 0; i < v.n; i++) {
			const ig_object *ing = v.items[i];

			if (!ingroute__ruleset_serves(rs, ing))
				continue;
			for (ri = 0; ri < ing->nrules; ri++) {
				const ig_rule *r = &ing->rules[ri];

				/* step 1 is about exact rule hosts: a "*." rule is
				 * step 2's, even for a Host header that spells it */
				exact |= host_ok && r->host.len && r->host.s[0] != '*' &&
				         host_is(r, h, hn);
				wc |= wn && host_is(r, wild, wn);
				any |= r->host.len == 0;
			}
		}
		if (exact)
			keys[nkeys] = h, klen[nkeys++] = hn;
		if (wc) {
			ans->wild = wild;   /* kept until ref_answer_free */
			keys[nkeys] = wild, klen[nkeys++] = wn;
		} else {
			free(wild);
		}
		if (any)
			keys[nkeys] = "", klen[nkeys++] = 0;
	}
	ans->vhost = nkeys ? (keys[0] == h ? 1 : keys[0] == ans->wild ? 2 : 3) : 0;

	for (k = 0; k < nkeys && path_ok; k++) {
		cand best = { 0 }, c;

		if (k > 0 && !(o->flags & INGROUTE_OPT_FALLTHROUGH))
			break;
		for (i = 0; i < v.n; i++) {
			const ig_object *ing = v.items[i];

			if (!ingroute__ruleset_serves(rs, ing))
				continue;
			for (ri = 0; ri < ing->nrules; ri++) {
				const ig_rule *r = &ing->rules[ri];

				if (!host_is(r, keys[k], klen[k]))
					continue;
				for (pi = 0; pi < r->npaths; pi++) {
					c.ing = ing;
					c.rule = r;
					c.path = &r->paths[pi];
					c.ri = ri;
					c.pi = pi;
					if (ref_accepts(c.path->path_type, o->impl, &c.path->path,
					                p, pn) &&
					    (!best.path || cand_before(&c, &best)))
						best = c;
				}
			}
		}
		if (best.path) {
			ans->decision = INGROUTE_DECISION_PATH;
			ans->ing = best.ing;
			ans->backend = &best.path->backend;
			ans->rule_host = best.rule->host.s ? best.rule->host.s : "";
			ans->rule_path = best.path->path.s ? best.path->path.s : "";
			ans->path_type = best.path->path_type;
			ans->vhost = keys[k] == h ? 1 : keys[k] == ans->wild ? 2 : 3;
			goto done;
		}
	}

	/* §6 step 3. */
	if (nkeys) {
		const ig_object *win = NULL;

		for (i = 0; i < v.n; i++) {
			const ig_object *ing = v.items[i];
			int here = 0;

			if (!ingroute__ruleset_serves(rs, ing) || !ing->default_backend)
				continue;
			for (ri = 0; ri < ing->nrules; ri++)
				here |= host_is(&ing->rules[ri], keys[0], klen[0]);
			if (here && (!win || ing_before(ing, win)))
				win = ing;
		}
		if (win) {
			ans->decision = INGROUTE_DECISION_DEFAULT;
			ans->default_source = INGROUTE_DEFAULT_VHOST;
			ans->ing = win;
			ans->backend = win->default_backend;
			goto done;
		}
	}
	if (o->default_backend) {
		ans->decision = INGROUTE_DECISION_DEFAULT;
		ans->default_source = INGROUTE_DEFAULT_OPTION;
		goto done;
	}
	{
		const ig_object *ruleless = NULL, *anyone = NULL;

		for (i = 0; i < v.n; i++) {
			const ig_object *ing = v.items[i];

			if (!ingroute__ruleset_serves(rs, ing) || !ing->default_backend)
				continue;
			if (ing->nrules == 0 && (!ruleless || ing_before(ing, ruleless)))
				ruleless = ing;
			if (!anyone || ing_before(ing, anyone))
				anyone = ing;
		}
		if (ruleless || anyone) {
			ans->decision = INGROUTE_DECISION_DEFAULT;
			ans->default_source = ruleless ? INGROUTE_DEFAULT_RULELESS
			                               : INGROUTE_DEFAULT_ANY;
			ans->ing = ruleless ? ruleless : anyone;
			ans->backend = ans->ing->default_backend;
		}
	}
done:
	free(h);
	free(p);
}

void ref_answer_free(ref_answer *a)
{
	free(a->wild);
	a->wild = NULL;
}

/* The answer in the text form of routefmt.h, as the tables write it. */
void ref_format(char *out, size_t n, const ref_answer *a,
                const ref_options *o)
{
	char be[600];

	if (a->decision == INGROUTE_DECISION_NONE) {
		snprintf(out, n, "none");
		return;
	}
	if (!a->backend) {
		snprintf(out, n, "default %s via option", o->default_backend);
		return;
	}
	fmt_backend(be, sizeof(be), a->ing->ns.s, a->backend->has_service
	            ? a->backend->service.s : NULL, a->backend->port_number,
	            a->backend->port_name.len ? a->backend->port_name.s : NULL,
	            a->backend->api_group.s, a->backend->kind.s,
	            a->backend->res_name.s);
	if (a->decision == INGROUTE_DECISION_PATH)
		snprintf(out, n, "path %s via %s/%s %s %s %s", be, a->ing->ns.s,
		         a->ing->name.s, *a->rule_host ? a->rule_host : "-",
		         fmt_type(a->path_type), a->rule_path);
	else
		snprintf(out, n, "default %s via %s/%s", be, a->ing->ns.s,
		         a->ing->name.s);
}
