/*
 * Request normalisation, docs/semantics.md §4. Both functions write into a
 * caller's fixed buffer and allocate nothing: they run on every lookup.
 * Normalising never makes a path longer (except for a '/' put in front of
 * a path that lacks one), so the output buffer is bounded by the input.
 */
#include <string.h>

#include "normal.h"

/* Hosts are folded through two tables, one lookup each per byte and no
 * branch that depends on the byte: a lowercase map (0 for a byte a DNS
 * name cannot hold) and class bits. */
enum { HC_NAME = 1, HC_DOT = 2, HC_BAD = 4, HC_COLON = 8 };

static const unsigned char host_lower[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 45, 46, 0,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 0, 0, 0, 0, 0, 0,
	0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
	0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const unsigned char host_bits[256] = {
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_NAME, HC_DOT, HC_BAD,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, HC_COLON, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME,
	HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME,
	HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_NAME, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
	HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD, HC_BAD,
};

int ingroute__normalize_host(const char *in, size_t n, char *out,
                             size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)in;
	unsigned any = 0, dotdot = 0, prev = HC_DOT;
	/* out holds IG_MAX_HOST + 1 bytes: a name and one trailing dot */
	size_t i, lim = n < IG_MAX_HOST + 1 ? n : IG_MAX_HOST + 1;

	*out_len = 0;
	for (i = 0; i < lim; i++) {
		unsigned b = host_bits[u[i]];

		if (b & HC_COLON)
			break;
		out[i] = (char)host_lower[u[i]];
		any |= b;
		dotdot |= b & prev;    /* ".." or a leading "." */
		prev = b;
	}
	if (i < n && in[i] == ':') {
		/* ":port": digits only; a second ':' is a bare IPv6. */
		size_t k;

		for (k = i + 1; k < n; k++)
			if (in[k] < '0' || in[k] > '9')
				return IG_HOST_NONE;
		n = i;
	} else if (i < n) {
		return IG_HOST_NONE;   /* longer than any host name */
	}
	if (n && out[n - 1] == '.') {
		/* One trailing dot is dropped ("a.b." is "a.b"). */
		n--;
		prev = n ? host_bits[(unsigned char)out[n - 1]] : HC_DOT;
		if (n && out[n - 1] == '.')
			dotdot |= HC_DOT;
	}
	/* '[' (IPv6), '_', '*' and the like; an empty label; a trailing
	 * label left empty ("a.."); all digits and dots (IPv4). */
	if (n == 0 || n > IG_MAX_HOST || (any & HC_BAD) || (dotdot & HC_DOT) ||
	    (prev & HC_DOT) || !(any & HC_NAME))
		return IG_HOST_NONE;
	*out_len = n;
	return IG_HOST_NAME;
}

/* 1 when normalize_host() would return the host as it is: 1 to
 * IG_MAX_HOST bytes of [a-z0-9.-], a letter or '-' among them (else it is
 * an IPv4 literal), no dot first, last or next to another. Hosts mostly
 * arrive that way, and then cost this check instead of a copy. */
int ingroute__host_is_normal_scalar(const char *h, size_t n)
{
	unsigned any = 0, dotdot = 0, prev = HC_DOT;
	size_t i;

	if (n == 0 || n > IG_MAX_HOST)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		unsigned b = host_bits[c];

		if (host_lower[c] != c)
			return 0;   /* uppercase, or no host byte at all */
		any |= b;
		dotdot |= b & prev;
		prev = b;
	}
	return !(any & (HC_BAD | HC_COLON)) && !(dotdot & HC_DOT) &&
	       !(prev & HC_DOT) && (any & HC_NAME);
}

int ingroute__host_is_normal(const char *h, size_t n)
{
	return ig_host_is_normal(h, n);
}

int ingroute__host_is_normal_dot(const char *h, size_t n, size_t *dot)
{
	return ig_host_is_normal_dot(h, n, dot);
}

static int unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* Removes the last segment of out[0..*w), RFC 3986 5.2.4's "remove the
 * last segment and its preceding '/'". */
static void pop_segment(const char *out, size_t *w)
{
	while (*w > 0 && out[*w - 1] != '/')
		(*w)--;
	if (*w > 0)
		(*w)--;
}

/* RFC 3986 5.2.4 on a path that starts with '/', in place. */
static size_t remove_dot_segments(char *p, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		size_t rest = n - i;

		if (rest >= 3 && memcmp(p + i, "/./", 3) == 0) {
			i += 2;
		} else if (rest == 2 && memcmp(p + i, "/.", 2) == 0) {
			p[w++] = '/';
			i = n;
		} else if (rest >= 4 && memcmp(p + i, "/../", 4) == 0) {
			i += 3;
			pop_segment(p, &w);
		} else if (rest == 3 && memcmp(p + i, "/..", 3) == 0) {
			pop_segment(p, &w);
			p[w++] = '/';
			i = n;
		} else {
			p[w++] = p[i++];
			while (i < n && p[i] != '/')
				p[w++] = p[i++];
		}
	}
	return w;
}

/* 1 when a path needs no normalising: it starts with '/' and holds no
 * '%', '?', '#', "//", or dot segment. Most requests take this path and
 * are matched in place, without a copy. */
int ingroute__path_is_normal_scalar(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] != '/')
		return 0;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == '%' || c == '?' || c == '#')
			return 0;
		if (c == '/' && i + 1 < n) {
			char d = p[i + 1];

			if (d == '/')
				return 0;
			if (d == '.' && (i + 2 == n || p[i + 2] == '/' ||
			                 (p[i + 2] == '.' && (i + 3 == n || p[i + 3] == '/'))))
				return 0;
		}
	}
	return 1;
}

int ingroute__path_is_normal(const char *p, size_t n)
{
	return ig_path_is_normal(p, n);
}

int ingroute__normalize_path(const char *in, size_t n, char *out,
                             const char **res, size_t *out_len)
{
	size_t i, w = 0, m;

	if (ig_path_is_normal(in, n)) {
		if (n > IG_MAX_PATH)
			return -1;
		*res = in;
		*out_len = n;
		return 0;
	}
	*res = out;

	for (i = 0; i < n; i++)
		if (in[i] == '?' || in[i] == '#')
			break;
	n = i;
	if (n > IG_MAX_PATH)
		return -1;
	/* The query is gone; now decode escapes of unreserved characters
	 * only, so "%2F" stays a byte of a segment, not a separator. */
	if (n == 0 || in[0] != '/')
		out[w++] = '/';
	for (i = 0; i < n; i++) {
		int hi, lo;

		if (in[i] == '%' && i + 2 < n &&
		    (hi = ig_hexval(in[i + 1])) >= 0 &&
		    (lo = ig_hexval(in[i + 2])) >= 0 &&
		    unreserved(hi * 16 + lo)) {
			out[w++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[w++] = in[i];
		}
	}
	w = remove_dot_segments(out, w);
	/* Merge runs of '/'. */
	for (i = 0, m = 0; i < w; i++)
		if (!(out[i] == '/' && m > 0 && out[m - 1] == '/'))
			out[m++] = out[i];
	if (m == 0)
		out[m++] = '/';
	*out_len = m;
	return 0;
}

/* Both public forms follow snprintf (and ingroute_diags_format()): the
 * return value is the whole result's length, and as much of it as fits
 * is written, so a caller tells "did not fit" (more than cap) apart from
 * "no result" (0) and can ask again with the size it now knows. */
static size_t put_result(char *out, size_t cap, const char *res, size_t n)
{
	if (cap)
		memcpy(out, res, n < cap ? n : cap);
	return n;
}

size_t ingroute_normalize_host(const char *host, size_t len, char *out,
                               size_t cap)
{
	char buf[IG_MAX_HOST + 2];
	size_t n;

	if ((!host && len) || (!out && cap) ||
	    ingroute__normalize_host(host ? host : "", len, buf, &n) != IG_HOST_NAME)
		return 0;
	return put_result(out, cap, buf, n);
}

size_t ingroute_normalize_path(const char *path, size_t len, char *out,
                               size_t cap)
{
	char buf[IG_MAX_PATH + 2];
	const char *res;
	size_t n;

	if ((!path && len) || (!out && cap) ||
	    ingroute__normalize_path(path ? path : "", len, buf, &res, &n) != 0)
		return 0;
	return put_result(out, cap, res, n);
}
