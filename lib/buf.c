/*
 * Growable strings for messages and JSON. A failed allocation poisons the
 * buffer instead of being checked at every append; the caller checks once
 * through ingroute__buf_cstr().
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

void ingroute__buf_init(ig_buf *b, const ig_alloc *a)
{
	memset(b, 0, sizeof(*b));
	b->alloc = a;
}

void ingroute__buf_free(ig_buf *b)
{
	ingroute__free(b->alloc, b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int reserve(ig_buf *b, size_t more)
{
	if (b->failed)
		return -1;
	if (more > SIZE_MAX - b->len - 1 ||
	    ingroute__grow(b->alloc, (void **)&b->data, &b->cap,
	                   b->len + more + 1, 1) < 0) {
		b->failed = 1;
		return -1;
	}
	return 0;
}

void ingroute__buf_put(ig_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) < 0)
		return;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ingroute__buf_puts(ig_buf *b, const char *s)
{
	ingroute__buf_put(b, s, strlen(s));
}

void ingroute__buf_vprintf(ig_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || reserve(b, (size_t)n) < 0) {
		b->failed = 1;
		return;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ingroute__buf_printf(ig_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ingroute__buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Values longer than this are quoted up to it and then "...": a message
 * names a value, it need not carry a megabyte of it. */
#define QUOTE_MAX 1024u

/* Code points from U+00A0 up that Go's unicode.IsPrint rejects, so %q
 * escapes them: the spaces other than ' ' (Zs, Zl, Zp), the format
 * characters (Cf), private use (Co) and the noncharacters. Unassigned
 * code points, which Go escapes too, are left as they are. */
static const struct { uint32_t lo, hi; } not_printable[] = {
	{ 0xa0, 0xa0 }, { 0xad, 0xad }, { 0x600, 0x605 }, { 0x61c, 0x61c },
	{ 0x6dd, 0x6dd }, { 0x70f, 0x70f }, { 0x890, 0x891 }, { 0x8e2, 0x8e2 },
	{ 0x1680, 0x1680 }, { 0x180e, 0x180e }, { 0x2000, 0x200f },
	{ 0x2028, 0x202f }, { 0x205f, 0x2064 }, { 0x2066, 0x206f },
	{ 0x3000, 0x3000 }, { 0xe000, 0xf8ff }, { 0xfdd0, 0xfdef },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0xfffe, 0xffff },
	{ 0x110bd, 0x110bd }, { 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
	{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 },
	{ 0xe0020, 0xe007f }, { 0xf0000, 0x10ffff },
};

static int printable(uint32_t cp)
{
	size_t i;

	if ((cp & 0xfffe) == 0xfffe)
		return 0;
	for (i = 0; i < IG_ARRAY_LEN(not_printable); i++)
		if (cp >= not_printable[i].lo && cp <= not_printable[i].hi)
			return 0;
	return 1;
}

static uint32_t utf8_cp(const unsigned char *s, size_t k)
{
	uint32_t cp = k == 2 ? s[0] & 0x1fu : k == 3 ? s[0] & 0x0fu : s[0] & 0x07u;
	size_t i;

	for (i = 1; i < k; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

void ingroute__buf_quote(ig_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, full = n;

	if (n > QUOTE_MAX)
		n = QUOTE_MAX;
	ingroute__buf_put(b, "\"", 1);
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (c == '"' || c == '\\')
				ingroute__buf_put(b, "\\", 1);
			ingroute__buf_put(b, (const char *)&s[i], 1);
			i++;
			continue;
		}
		switch (c) {
		case '\a': ingroute__buf_puts(b, "\\a"); i++; continue;
		case '\b': ingroute__buf_puts(b, "\\b"); i++; continue;
		case '\f': ingroute__buf_puts(b, "\\f"); i++; continue;
		case '\n': ingroute__buf_puts(b, "\\n"); i++; continue;
		case '\r': ingroute__buf_puts(b, "\\r"); i++; continue;
		case '\t': ingroute__buf_puts(b, "\\t"); i++; continue;
		case '\v': ingroute__buf_puts(b, "\\v"); i++; continue;
		default: break;
		}
		k = ig_utf8_len(s + i, n - i);
		if (k <= 1) {
			ingroute__buf_printf(b, "\\x%02x", c);
			i++;
		} else if (k == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
			/* C1 controls print as Go prints them. */
			ingroute__buf_printf(b, "\\u%04x", s[i + 1]);
			i += 2;
		} else if (!printable(utf8_cp(s + i, k))) {
			uint32_t cp = utf8_cp(s + i, k);

			ingroute__buf_printf(b, cp > 0xffff ? "\\U%08lx" : "\\u%04lx",
			                     (unsigned long)cp);
			i += k;
		} else {
			ingroute__buf_put(b, (const char *)&s[i], k);
			i += k;
		}
	}
	ingroute__buf_put(b, full > n ? "\"..." : "\"", full > n ? 4 : 1);
}

void ingroute__buf_json(ig_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	ingroute__buf_put(b, "\"", 1);
	while (i < n) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			ingroute__buf_put(b, "\\", 1);
			ingroute__buf_put(b, (const char *)&s[i++], 1);
		} else if (c < 0x20 || c == 0x7f) {
			ingroute__buf_printf(b, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			ingroute__buf_put(b, (const char *)&s[i++], 1);
		} else if ((k = ig_utf8_len(s + i, n - i)) > 0) {
			ingroute__buf_put(b, (const char *)&s[i], k);
			i += k;
		} else {
			/* JSON text must be UTF-8: stray bytes become U+FFFD. */
			ingroute__buf_puts(b, "\\ufffd");
			i++;
		}
	}
	ingroute__buf_put(b, "\"", 1);
}

void ingroute__buf_json_cstr(ig_buf *b, const char *s)
{
	if (s)
		ingroute__buf_json(b, s, strlen(s));
	else
		ingroute__buf_puts(b, "null");
}

const char *ingroute__buf_cstr(ig_buf *b)
{
	if (b->failed)
		return NULL;
	if (!b->data)
		ingroute__buf_put(b, "", 0);
	return b->failed ? NULL : b->data;
}
