/*
 * The one UTF-8 decoder of the tree, shared by the library (quoting in
 * diagnostics, JSON output), the command-line tool's JSON writer and the
 * fuzz targets' JSON checker. Header-only and standalone (no other
 * ingroute header) so tools/ and fuzz/ compile it themselves: they link
 * only the library's exported ingroute_* symbols.
 */
#ifndef INGROUTE_UTF8_H
#define INGROUTE_UTF8_H

#include <stddef.h>

/*
 * Length of the UTF-8 sequence at s, of at most n bytes (n >= 1): 1 for
 * an ASCII byte, 2..4 for a well-formed multi-byte sequence, 0 for
 * anything else (a continuation or invalid lead byte, an overlong form, a
 * surrogate, a code point above U+10FFFF, or a sequence cut short by n or
 * by a byte that is not a continuation, such as a terminating NUL).
 */
static inline size_t ig_utf8_len(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

#endif
