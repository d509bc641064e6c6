/*
 * Request normalisation, DESIGN 4.4. Both functions write into a
 * caller's fixed buffer and allocate nothing: they run on every lookup.
 * Normalising never makes a path longer (except for a '/' put in front of
 * a path that lacks one), so the output buffer is bounded by the input.
 */
#include <string.h>

#include "router.h"

int ingroute__normalize_host(const char *in, size_t n, char *out,
                             size_t *out_len)
{
	const char *colon = NULL;
	size_t i, colons = 0, label = 0;
	int digits_only = 1;

	*out_len = 0;
	if (n == 0 || in[0] == '[')
		return IG_HOST_NONE;   /* empty, or an IPv6 literal */
	for (i = 0; i < n; i++)
		if (in[i] == ':') {
			colons++;
			colon = in + i;
		}
	if (colons > 1)
		return IG_HOST_NONE;   /* a bare IPv6 address */
	if (colon) {
		const char *p;

		for (p = colon + 1; p < in + n; p++)
			if (*p < '0' || *p > '9')
				return IG_HOST_NONE;
		n = (size_t)(colon - in);
	}
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || n > IG_MAX_HOST)
		return IG_HOST_NONE;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + ('a' - 'A'));
		if (c == '.') {
			if (label == 0)
				return IG_HOST_NONE;   /* an empty label */
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || c == '-') {
			digits_only = 0;
			label++;
		} else if (c >= '0' && c <= '9') {
			label++;
		} else {
			return IG_HOST_NONE;       /* not a byte of a DNS name */
		}
		out[i] = c;
	}
	if (label == 0 || digits_only)
		return IG_HOST_NONE;           /* "a." or an IPv4 literal */
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

int ingroute__normalize_path(const char *in, size_t n, char *out,
                             size_t *out_len)
{
	size_t i, w = 0, m;

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
