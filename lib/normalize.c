/*
 * Request normalisation, DESIGN 4.4. Both functions write into a
 * caller's fixed buffer and allocate nothing: they run on every lookup.
 * Normalising never makes a path longer (except for a '/' put in front of
 * a path that lacks one), so the output buffer is bounded by the input.
 */
#include <string.h>

#include "router.h"

/* Byte classes for hosts: what a DNS name may hold, with upper case
 * folded; one table lookup per byte keeps this off the profile. */
enum { H_BAD = 0, H_LOWER, H_DIGIT, H_UPPER, H_DOT, H_COLON };

static const unsigned char host_class[256] = {
	['-'] = H_LOWER, ['.'] = H_DOT, [':'] = H_COLON,
	['0'] = H_DIGIT, ['1'] = H_DIGIT, ['2'] = H_DIGIT, ['3'] = H_DIGIT,
	['4'] = H_DIGIT, ['5'] = H_DIGIT, ['6'] = H_DIGIT, ['7'] = H_DIGIT,
	['8'] = H_DIGIT, ['9'] = H_DIGIT,
	['a'] = H_LOWER, ['b'] = H_LOWER, ['c'] = H_LOWER, ['d'] = H_LOWER,
	['e'] = H_LOWER, ['f'] = H_LOWER, ['g'] = H_LOWER, ['h'] = H_LOWER,
	['i'] = H_LOWER, ['j'] = H_LOWER, ['k'] = H_LOWER, ['l'] = H_LOWER,
	['m'] = H_LOWER, ['n'] = H_LOWER, ['o'] = H_LOWER, ['p'] = H_LOWER,
	['q'] = H_LOWER, ['r'] = H_LOWER, ['s'] = H_LOWER, ['t'] = H_LOWER,
	['u'] = H_LOWER, ['v'] = H_LOWER, ['w'] = H_LOWER, ['x'] = H_LOWER,
	['y'] = H_LOWER, ['z'] = H_LOWER,
	['A'] = H_UPPER, ['B'] = H_UPPER, ['C'] = H_UPPER, ['D'] = H_UPPER,
	['E'] = H_UPPER, ['F'] = H_UPPER, ['G'] = H_UPPER, ['H'] = H_UPPER,
	['I'] = H_UPPER, ['J'] = H_UPPER, ['K'] = H_UPPER, ['L'] = H_UPPER,
	['M'] = H_UPPER, ['N'] = H_UPPER, ['O'] = H_UPPER, ['P'] = H_UPPER,
	['Q'] = H_UPPER, ['R'] = H_UPPER, ['S'] = H_UPPER, ['T'] = H_UPPER,
	['U'] = H_UPPER, ['V'] = H_UPPER, ['W'] = H_UPPER, ['X'] = H_UPPER,
	['Y'] = H_UPPER, ['Z'] = H_UPPER,
};

int ingroute__normalize_host(const char *in, size_t n, char *out,
                             size_t *out_len)
{
	size_t i, label = 0;
	int alpha = 0;

	*out_len = 0;
	for (i = 0; i < n && i <= IG_MAX_HOST + 1; i++) {
		unsigned char c = (unsigned char)in[i];

		switch (host_class[c]) {
		case H_LOWER:
			alpha = 1;
			label++;
			out[i] = (char)c;
			break;
		case H_DIGIT:
			label++;
			out[i] = (char)c;
			break;
		case H_UPPER:
			alpha = 1;
			label++;
			out[i] = (char)(c + ('a' - 'A'));
			break;
		case H_DOT:
			if (label == 0)
				return IG_HOST_NONE;   /* an empty label */
			label = 0;
			out[i] = '.';
			break;
		case H_COLON: {
			/* ":port": digits only; a second ':' is a bare IPv6. */
			size_t k;

			for (k = i + 1; k < n; k++)
				if (in[k] < '0' || in[k] > '9')
					return IG_HOST_NONE;
			n = i;
			goto end;
		}
		default:
			return IG_HOST_NONE;   /* '[' (IPv6), '_', '*', ... */
		}
	}
	if (i < n)
		return IG_HOST_NONE;           /* too long */
end:
	/* One trailing dot is dropped ("a.b." is "a.b"). */
	if (n && out[n - 1] == '.') {
		n--;
		label = n && out[n - 1] != '.';
	}
	if (n == 0 || n > IG_MAX_HOST || label == 0 || !alpha)
		return IG_HOST_NONE;           /* empty, "a..", or an IPv4 literal */
	*out_len = n;
	return IG_HOST_NAME;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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
static int path_is_normal(const char *p, size_t n)
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

int ingroute__normalize_path(const char *in, size_t n, char *out,
                             const char **res, size_t *out_len)
{
	size_t i, w = 0, m;

	if (path_is_normal(in, n)) {
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
		    (hi = hexval(in[i + 1])) >= 0 && (lo = hexval(in[i + 2])) >= 0 &&
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

size_t ingroute_normalize_host(const char *host, size_t len, char *out,
                               size_t cap)
{
	char buf[IG_MAX_HOST + 2];
	size_t n;

	if ((!host && len) || (!out && cap) ||
	    ingroute__normalize_host(host ? host : "", len, buf, &n) != IG_HOST_NAME)
		return 0;
	if (n > cap)
		return 0;
	memcpy(out, buf, n);
	return n;
}

size_t ingroute_normalize_path(const char *path, size_t len, char *out,
                               size_t cap)
{
	char buf[IG_MAX_PATH + 2];
	const char *res;
	size_t n;

	if ((!path && len) || (!out && cap) ||
	    ingroute__normalize_path(path ? path : "", len, buf, &res, &n) != 0 ||
	    n > cap)
		return 0;
	memcpy(out, res, n);
	return n;
}
